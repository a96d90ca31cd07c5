//! `detente sensitivity`: Morris or Sobol indices of a study's outputs per
//! design point, with bootstrap intervals, written to `sensitivity.csv`.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use super::estimators::{Estimate, morris, sobol};
use crate::config;
use crate::data::row::push_row;
use crate::data::study::StudyManifest;
use crate::error::Error;
use crate::plot::table::Table;
use crate::sweep::{Design, SweepPlan};

/// Options of `detente sensitivity`.
#[derive(Debug, Clone, Default)]
pub struct SensitivityOptions {
    pub dir: PathBuf,
    /// summary.csv columns to analyse (default: agreement_rate and every mean utility).
    pub outputs: Vec<String>,
    /// Drop trajectories or base samples with failed runs or missing outputs
    /// (with a warning) instead of stopping.
    pub drop_missing: bool,
}

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexRow {
    pub output: String,
    pub index: &'static str,
    pub factor: String,
    pub factor_2: String,
    pub estimate: Estimate,
}

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
}

/// Runs the analysis on a complete Morris or Sobol study.
pub fn sensitivity(options: &SensitivityOptions) -> Result<SensitivityReport, Error> {
    let dir = &options.dir;
    let manifest = StudyManifest::read(dir)?;
    let Some(structure) = manifest.design.sensitivity.clone() else {
        return Err(Error::Usage(format!(
            "{} is a {} study; sensitivity indices need a morris or sobol design (sweep.design)",
            dir.display(),
            manifest.design.kind
        )));
    };
    if !manifest.complete {
        return Err(Error::Usage(format!(
            "{} is incomplete; finish it with `detente sweep --resume` first",
            dir.display()
        )));
    }
    let loaded = config::load(&dir.join("config.toml"))?;
    let plan = SweepPlan::new(
        &loaded,
        &dir.join("config.toml").display().to_string(),
        Some(manifest.seed),
        Some(manifest.design.replications),
        u64::MAX,
    )?;
    let summary = Table::read(&dir.join("summary.csv"))?;
    if summary.rows.len() as u64 != plan.point_count() {
        return Err(Error::Usage(format!(
            "{}: summary.csv has {} points but the design has {}",
            dir.display(),
            summary.rows.len(),
            plan.point_count()
        )));
    }
    let first = summary.column("runs").unwrap_or(summary.header.len());
    let outputs: Vec<String> = if options.outputs.is_empty() {
        summary.header[first..]
            .iter()
            .filter(|c| *c == "agreement_rate" || c.starts_with("mean_utility_"))
            .cloned()
            .collect()
    } else {
        options.outputs.clone()
    };
    for output in &outputs {
        if summary.column(output).is_none_or(|c| c < first) {
            return Err(Error::Usage(format!(
                "--output {output}: not an output column of summary.csv (columns: {})",
                summary.header[first..].join(", ")
            )));
        }
    }
    let (method, unit, size) = match plan.design {
        Design::Morris => ("morris", "trajectories", plan.group_names.len() + 1),
        Design::Sobol => (
            "sobol",
            "base samples",
            (if structure.second_order { 2 } else { 1 }) * plan.parameters.len() + 2,
        ),
        _ => unreachable!("the manifest's sensitivity structure implies morris or sobol"),
    };
    // Points with failed runs or a missing output, and the units they spoil.
    let failed = summary.numbers("failed_runs");
    let columns: Vec<Vec<Option<f64>>> = outputs.iter().map(|o| summary.numbers(o)).collect();
    let affected: Vec<usize> = (0..summary.rows.len())
        .filter(|&p| {
            failed[p].is_none_or(|f| f > 0.0)
                || columns.iter().any(|c| c[p].is_none_or(|v| !v.is_finite()))
        })
        .collect();
    let units = summary.rows.len() / size;
    let keep: Vec<usize> = (0..units)
        .filter(|u| !affected.iter().any(|&p| p / size == *u))
        .collect();
    if !affected.is_empty() && !options.drop_missing {
        let listed: Vec<String> = affected.iter().take(20).map(usize::to_string).collect();
        return Err(Error::Usage(format!(
            "design points {}{} have failed runs or missing outputs; rerun them, or pass --drop-missing to drop the {} {unit} they belong to",
            listed.join(", "),
            if affected.len() > 20 { ", ..." } else { "" },
            units - keep.len()
        )));
    }
    if keep.len() < 2 {
        return Err(Error::Usage(format!(
            "only {} of {units} {unit} are usable; at least 2 are needed",
            keep.len()
        )));
    }
    let seed = manifest.seed;
    let mut rows = Vec::new();
    let factors: Vec<String> = match plan.design {
        Design::Morris => plan.group_names.clone(),
        _ => plan.parameters.iter().map(|p| p.name.clone()).collect(),
    };
    for (o, output) in outputs.iter().enumerate() {
        let y: Vec<f64> = keep
            .iter()
            .flat_map(|u| (u * size..(u + 1) * size).map(|p| columns[o][p].unwrap_or(f64::NAN)))
            .collect();
        let mut push = |index: &'static str, factor: &str, factor_2: &str, estimate: Estimate| {
            rows.push(IndexRow {
                output: output.clone(),
                index,
                factor: factor.to_string(),
                factor_2: factor_2.to_string(),
                estimate,
            })
        };
        match plan.design {
            Design::Morris => {
                let k = factors.len();
                let steps: Vec<usize> = keep
                    .iter()
                    .flat_map(|&u| plan.morris_steps()[u * k..(u + 1) * k].iter().copied())
                    .collect();
                for (f, m) in morris(&y, &steps, k, plan.sampling.morris_step(), seed)
                    .iter()
                    .enumerate()
                {
                    push("mu", &factors[f], "", m.mu);
                    push("mu_star", &factors[f], "", m.mu_star);
                    push("sigma", &factors[f], "", m.sigma);
                }
            }
            _ => {
                let (first_total, second) = sobol(&y, factors.len(), structure.second_order, seed);
                for (f, s) in first_total.iter().enumerate() {
                    push("S1", &factors[f], "", s.first);
                    push("ST", &factors[f], "", s.total);
                }
                for (i, k, e) in second {
                    push("S2", &factors[i], &factors[k], e);
                }
            }
        }
        let noise = noise_share(&summary, output);
        push(
            "noise_share",
            "",
            "",
            Estimate {
                value: noise,
                low: f64::NAN,
                high: f64::NAN,
            },
        );
    }
    let file = dir.join("sensitivity.csv");
    let mut out = Vec::new();
    push_row(
        &mut out,
        [
            "output",
            "method",
            "index",
            "factor",
            "factor_2",
            "value",
            "ci_low",
            "ci_high",
            "units_used",
            "units_dropped",
        ],
    );
    let number = |x: f64| {
        if x.is_finite() {
            x.to_string()
        } else {
            String::new()
        }
    };
    for r in &rows {
        push_row(
            &mut out,
            [
                r.output.clone(),
                method.to_string(),
                r.index.to_string(),
                r.factor.clone(),
                r.factor_2.clone(),
                number(r.estimate.value),
                number(r.estimate.low),
                number(r.estimate.high),
                keep.len().to_string(),
                (units - keep.len()).to_string(),
            ],
        );
    }
    fs::write(&file, out).map_err(|e| Error::io(&file, e))?;
    Ok(SensitivityReport {
        file,
        method,
        rows,
        used: keep.len(),
        dropped: units - keep.len(),
        unit,
    })
}

/// Share of an output's variance across design points that is replicate
/// noise: the mean sampling variance of the point estimates (p(1 − p)/n for
/// a rate, sd²/n for a mean utility) over the variance of the estimates.
fn noise_share(summary: &Table, output: &str) -> f64 {
    let values = summary.numbers(output);
    let runs = summary.numbers("runs");
    let failed = summary.numbers("failed_runs");
    let sds = match output.strip_prefix("mean_") {
        Some(rest) => summary.numbers(&format!("sd_{rest}")),
        None => vec![None; values.len()],
    };
    let (mut noise, mut ys) = (Vec::new(), Vec::new());
    for p in 0..values.len() {
        let (Some(y), Some(n)) = (values[p], runs[p].zip(failed[p]).map(|(r, f)| r - f)) else {
            continue;
        };
        if n <= 0.0 {
            continue;
        }
        let variance = if output == "agreement_rate" || output.starts_with("share_") {
            y * (1.0 - y) / n
        } else {
            sds[p].map_or(f64::NAN, |s| s * s / n)
        };
        noise.push(variance);
        ys.push(y);
    }
    let n = ys.len() as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let mean = ys.iter().sum::<f64>() / n;
    let total = ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (n - 1.0);
    noise.iter().sum::<f64>() / n / total
}

impl fmt::Display for SensitivityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} sensitivity ({} {} used{}) -> {}",
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
            let mut ranked: Vec<&IndexRow> = self
                .rows
                .iter()
                .filter(|r| r.output == output && r.index == key)
                .collect();
            ranked.sort_by(|a, b| b.estimate.value.total_cmp(&a.estimate.value));
            let top: Vec<String> = ranked
                .iter()
                .take(4)
                .map(|r| format!("{} {:.3}", r.factor, r.estimate.value))
                .collect();
            write!(f, "\n  {output}: {key} {}", top.join(", "))?;
        }
        Ok(())
    }
}

/// Whether a study directory holds a Morris or Sobol design.
pub fn has_sensitivity_design(dir: &Path) -> bool {
    StudyManifest::read(dir).is_ok_and(|m| m.design.sensitivity.is_some())
}
