//! What `detente sensitivity` reports: the file written, the most
//! influential factors of each output, the replicate noise and convergence.

use std::fmt;
use std::path::PathBuf;

use super::analysis::IndexRow;

/// What was computed.
#[derive(Debug, Clone)]
pub struct SensitivityReport {
    pub file: PathBuf,
    pub method: &'static str,
    pub rows: Vec<IndexRow>,
    /// Trajectories or base samples used and dropped.
    pub used: usize,
    pub dropped: usize,
    pub unit: &'static str,
    pub common_random_numbers: bool,
}

impl SensitivityReport {
    /// The largest change between the indices from the first half of the
    /// units and from all of them: for Sobol the absolute change of an S1 or
    /// ST; for Morris the change of a μ* relative to the output's largest μ*.
    /// With the output, index and factor where it happens.
    pub fn convergence(&self) -> Option<(f64, &IndexRow)> {
        let morris = self.method == "morris";
        self.rows
            .iter()
            .filter(|r| {
                if morris {
                    r.index == "mu_star"
                } else {
                    r.index == "S1" || r.index == "ST"
                }
            })
            .filter_map(|r| {
                let scale = if morris {
                    self.rows
                        .iter()
                        .filter(|o| o.output == r.output && o.index == "mu_star")
                        .map(|o| o.estimate.value.abs())
                        .fold(0.0, f64::max)
                } else {
                    1.0
                };
                let change = (r.estimate.value - r.half).abs() / scale;
                change.is_finite().then_some((change, r))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }
}

impl fmt::Display for SensitivityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} sensitivity ({} {} used{}{}) -> {}",
            self.method,
            self.used,
            self.unit,
            if self.dropped > 0 {
                format!(
                    ", {} dropped for failed runs or missing outputs",
                    self.dropped
                )
            } else {
                String::new()
            },
            if self.common_random_numbers {
                ", common random numbers"
            } else {
                ""
            },
            self.file.display()
        )?;
        let key = if self.method == "morris" {
            "mu_star"
        } else {
            "ST"
        };
        let mut outputs: Vec<&str> = self.rows.iter().map(|r| r.output.as_str()).collect();
        outputs.dedup();
        for output in outputs {
            let of = |index: &'static str| {
                self.rows
                    .iter()
                    .filter(move |r| r.output == output && r.index == index)
            };
            let mut ranked: Vec<&IndexRow> = of(key).collect();
            ranked.sort_by(|a, b| b.estimate.value.total_cmp(&a.estimate.value));
            let top: Vec<String> = ranked
                .iter()
                .take(4)
                .map(|r| format!("{} {:.3}", r.factor, r.estimate.value))
                .collect();
            write!(f, "\n  {output}: {key} {}", top.join(", "))?;
            if let Some(noise) = of("noise_share")
                .map(|r| r.estimate.value)
                .find(|v| v.is_finite())
            {
                write!(
                    f,
                    "; replicate noise {:.1} % of the variance",
                    100.0 * noise
                )?;
            }
            let in_total = of("ST_noise")
                .map(|r| r.estimate.value)
                .filter(|v| v.is_finite())
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
            if let Some(most) = in_total {
                write!(f, ", at most {most:.3} of each ST")?;
            }
        }
        if let Some((change, row)) = self.convergence() {
            let what = if self.method == "morris" {
                format!("{:.1} % of the largest mu_star", 100.0 * change)
            } else {
                format!("{change:.3}")
            };
            write!(
                f,
                "\n  convergence: the first {} {} give indices within {what} of these (largest change: {} of {}, {})",
                self.used / 2,
                self.unit,
                row.index,
                row.factor,
                row.output
            )?;
        }
        Ok(())
    }
}
