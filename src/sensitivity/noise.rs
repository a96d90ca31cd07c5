//! Replicate noise in the indices, from the runs themselves.
//!
//! Each design point's output is a mean over its replicates, so part of the
//! variation across points is Monte Carlo noise. With independent streams
//! the noise of a point is its sampling variance (`noise_share` in
//! [`super::analysis`]). With common random numbers the points share their
//! environments: the noise common to all points cancels in comparisons, and
//! what remains is the point × replicate interaction, estimated here from
//! `runs.csv` by a two-way analysis of variance. For Sobol designs the noise
//! in each total index is estimated from the paired replicate differences
//! between A and AB_i, which works with either kind of stream.

use crate::data::Verified;
use crate::data::schema::file;
use crate::data::table::Rows;
use crate::error::Error;
use crate::model::Outcome;

/// How a `summary.csv` output is computed from a run of `runs.csv`.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// 1 if the run ended in this outcome, else 0.
    Outcome(&'static str),
    /// The number in this column.
    Column(String),
}

/// The run-level source of a summary output, for the outputs that are a
/// plain mean over runs (`agreement_rate`, the outcome shares,
/// `mean_rounds`, `mean_utility_*`).
fn source(output: &str) -> Option<Source> {
    let outcome = |o: Outcome| Some(Source::Outcome(o.name()));
    match output {
        "agreement_rate" => outcome(Outcome::Agreement),
        "share_unilateral" => outcome(Outcome::Unilateral),
        "share_status_quo" => outcome(Outcome::StatusQuo),
        "mean_rounds" => Some(Source::Column("rounds".into())),
        _ => output
            .strip_prefix("mean_utility_")
            .map(|agent| Source::Column(format!("utility_{agent}"))),
    }
}

/// What the runs say about the noise of one output (NaN where the output is
/// not a mean over runs, or with fewer than two replicates).
#[derive(Debug, Clone, PartialEq)]
pub struct RunNoise {
    /// Common random numbers: the share of the variance of the point means
    /// that is point × replicate interaction, (MS_res / n) / Var_p(ȳ_p).
    pub paired_share: f64,
    /// Sobol: per factor, Σ_j Var̂(d̄_j) / (2 N V) with d_r = y(A_j, r) −
    /// y(AB_j^i, r): how much replicate noise adds to the Jansen ST.
    pub total_index: Vec<f64>,
}

/// Accumulators of one output over the kept units.
#[derive(Debug, Clone)]
struct Sums {
    /// Σ over points and replicates of (y_pr − ȳ_p)².
    within: f64,
    /// Per replicate: Σ over points of (y_pr − ȳ_p).
    by_replicate: Vec<f64>,
    point_means: Vec<f64>,
    /// Per factor: Σ over base samples of Var̂(d̄).
    paired: Vec<f64>,
    /// Means at the A and B rows (for V).
    ab_means: Vec<f64>,
    units: usize,
}

/// The layout of a unit (trajectory or base sample) and how to read it.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Design points per unit.
    pub size: usize,
    pub replicates: usize,
    /// Sobol: the number of factors d (A at slot 0, B at 1, AB_i at 2 + i).
    pub sobol_factors: Option<usize>,
}

/// Reads `runs.csv` once, one unit at a time, and estimates the noise of
/// each output over the units `keep` (which hold no failed runs).
pub fn run_noise(
    study: &Verified,
    outputs: &[String],
    layout: Layout,
    keep: &[usize],
) -> Result<Vec<RunNoise>, Error> {
    let Layout {
        size, replicates, ..
    } = layout;
    let factors = layout.sobol_factors.unwrap_or(0);
    let mut rows = Rows::open(study, file::RUNS)?;
    let path = rows.path().to_path_buf();
    let header = rows.header().to_vec();
    let column = |name: &str| header.iter().position(|h| h == name);
    let missing = || Error::Usage(format!("{}: not a sweep's runs.csv", path.display()));
    let (point_at, replicate_at) = (
        column("point_id").ok_or_else(missing)?,
        column("replicate").ok_or_else(missing)?,
    );
    let outcome_at = column("outcome").ok_or_else(missing)?;
    let sources: Vec<Option<(Source, Option<usize>)>> = outputs
        .iter()
        .map(|o| {
            source(o).map(|s| {
                let at = match &s {
                    Source::Column(c) => column(c),
                    Source::Outcome(_) => Some(outcome_at),
                };
                (s, at)
            })
        })
        .collect();
    let units = keep.last().map_or(0, |u| u + 1);
    let mut kept = vec![false; units];
    for &u in keep {
        kept[u] = true;
    }
    let mut sums = vec![
        Sums {
            within: 0.0,
            by_replicate: vec![0.0; replicates],
            point_means: Vec::new(),
            paired: vec![0.0; factors],
            ab_means: Vec::new(),
            units: 0,
        };
        outputs.len()
    ];
    // buffer[o][slot · replicates + r]
    let mut buffer = vec![vec![f64::NAN; size * replicates]; outputs.len()];
    let mut current: Option<usize> = None;
    let mut flush = |unit: Option<usize>, buffer: &mut Vec<Vec<f64>>| {
        if unit.is_some_and(|u| u < units && kept[u]) {
            for (o, values) in buffer.iter().enumerate() {
                add_unit(&mut sums[o], values, layout);
            }
        }
        for values in buffer.iter_mut() {
            values.fill(f64::NAN);
        }
    };
    while let Some(record) = rows.next_record()? {
        let number = |at: usize| record.get(at).and_then(|v| v.parse::<usize>().ok());
        let (Some(point), Some(replicate)) = (number(point_at), number(replicate_at)) else {
            return Err(missing());
        };
        let unit = point / size;
        if current.is_some_and(|c| unit < c) || replicate >= replicates {
            return Err(Error::Usage(format!(
                "{}: runs are not in design-point order",
                path.display()
            )));
        }
        if current != Some(unit) {
            flush(current, &mut buffer);
            current = Some(unit);
        }
        if unit >= units || !kept[unit] {
            continue;
        }
        let slot = (point % size) * replicates + replicate;
        for (values, source) in buffer.iter_mut().zip(&sources) {
            values[slot] = match source {
                Some((Source::Outcome(name), _)) => {
                    f64::from(u8::from(record.get(outcome_at) == Some(name)))
                }
                Some((Source::Column(_), Some(at))) => record
                    .get(*at)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN),
                Some((Source::Column(_), None)) | None => f64::NAN,
            };
        }
    }
    flush(current, &mut buffer);
    Ok(sums
        .into_iter()
        .zip(&sources)
        .map(|(s, source)| {
            if source.is_none() || replicates < 2 {
                return RunNoise {
                    paired_share: f64::NAN,
                    total_index: vec![f64::NAN; factors],
                };
            }
            finish(&s, replicates)
        })
        .collect())
}

fn add_unit(sums: &mut Sums, values: &[f64], layout: Layout) {
    let n = layout.replicates;
    let runs = |slot: usize| &values[slot * n..(slot + 1) * n];
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    for slot in 0..layout.size {
        let y = runs(slot);
        let m = mean(y);
        sums.within += y.iter().map(|v| (v - m).powi(2)).sum::<f64>();
        for (e, v) in sums.by_replicate.iter_mut().zip(y) {
            *e += v - m;
        }
        sums.point_means.push(m);
    }
    if let Some(d) = layout.sobol_factors {
        sums.ab_means.push(mean(runs(0)));
        sums.ab_means.push(mean(runs(1)));
        for i in 0..d {
            let diff: Vec<f64> = runs(0)
                .iter()
                .zip(runs(2 + i))
                .map(|(a, b)| a - b)
                .collect();
            let m = mean(&diff);
            let variance = diff.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1) as f64;
            sums.paired[i] += variance / n as f64;
        }
    }
    sums.units += 1;
}

fn finish(s: &Sums, n: usize) -> RunNoise {
    let points = s.point_means.len() as f64;
    let mean = s.point_means.iter().sum::<f64>() / points;
    let between = s
        .point_means
        .iter()
        .map(|m| (m - mean).powi(2))
        .sum::<f64>()
        / (points - 1.0);
    // Two-way residual: SS_res = Σ (y_pr − ȳ_p)² − Σ_r (Σ_p (y_pr − ȳ_p))² / P.
    let residual = s.within - s.by_replicate.iter().map(|e| e * e).sum::<f64>() / points;
    let mean_square = residual.max(0.0) / ((points - 1.0) * (n - 1) as f64);
    let ab = &s.ab_means;
    let ab_mean = ab.iter().sum::<f64>() / ab.len() as f64;
    let v = ab.iter().map(|m| (m - ab_mean).powi(2)).sum::<f64>() / ab.len() as f64;
    RunNoise {
        paired_share: mean_square / n as f64 / between,
        total_index: s
            .paired
            .iter()
            .map(|p| p / s.units as f64 / (2.0 * v))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(factors: usize, replicates: usize) -> Sums {
        Sums {
            within: 0.0,
            by_replicate: vec![0.0; replicates],
            point_means: Vec::new(),
            paired: vec![0.0; factors],
            ab_means: Vec::new(),
            units: 0,
        }
    }

    /// y_pr = μ_p + c_r exactly (replicate effects shared by every point,
    /// as with common random numbers on an additive model): no residual
    /// noise and no noise in ST; an independent term ε_pr adds both.
    #[test]
    fn shared_replicate_effects_are_not_noise() {
        let layout = Layout {
            size: 4,
            replicates: 3,
            sobol_factors: Some(2),
        };
        let c = [0.3, -0.1, 0.5];
        let mut clean = sums(2, 3);
        let mut noisy = sums(2, 3);
        for unit in 0..5 {
            let mu: Vec<f64> = (0..4).map(|p| (unit * 4 + p) as f64 * 0.1).collect();
            let values: Vec<f64> = (0..4)
                .flat_map(|p| c.iter().map(|cr| mu[p] + cr).collect::<Vec<_>>())
                .collect();
            add_unit(&mut clean, &values, layout);
            let jitter: Vec<f64> = values
                .iter()
                .enumerate()
                .map(|(i, v)| v + if (i * 7 + unit) % 3 == 0 { 0.05 } else { -0.02 })
                .collect();
            add_unit(&mut noisy, &jitter, layout);
        }
        let clean = finish(&clean, 3);
        assert!(clean.paired_share.abs() < 1e-12, "{clean:?}");
        assert!(clean.total_index.iter().all(|t| t.abs() < 1e-12));
        let noisy = finish(&noisy, 3);
        assert!(noisy.paired_share > 1e-4, "{noisy:?}");
        assert!(noisy.total_index.iter().all(|&t| t > 0.0));
    }

    #[test]
    fn only_means_over_runs_have_a_run_level_source() {
        assert_eq!(source("agreement_rate"), Some(Source::Outcome("agreement")));
        assert_eq!(
            source("mean_utility_us"),
            Some(Source::Column("utility_us".into()))
        );
        assert_eq!(source("agreement_ci_low"), None);
        assert_eq!(source("share_radar_yes"), None);
    }
}
