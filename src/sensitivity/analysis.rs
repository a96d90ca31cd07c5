//! `detente sensitivity`: Morris or Sobol indices of a study's outputs per
//! design point, with bootstrap intervals, the same indices from the first
//! half of the units (to judge convergence) and the replicate noise in them,
//! written to `sensitivity.csv`.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use super::estimators::{Estimate, estimator, morris, sobol};
use super::noise::{Layout, run_noise};
use crate::config;
use crate::data::row::push_row;
use crate::data::schema::file;
use crate::data::study::StudyManifest;
use crate::data::{FileDigest, StudyLock, Verified};
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
    /// Replace an existing `sensitivity.csv`.
    pub force: bool,
}

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexRow {
    pub output: String,
    pub index: &'static str,
    /// Which estimator computed it (see [`estimator`]).
    pub estimator: &'static str,
    pub factor: String,
    pub factor_2: String,
    pub estimate: Estimate,
    /// The same index from the first half of the units (NaN for the noise
    /// rows): far from `estimate.value`, and N is too small.
    pub half: f64,
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
    pub common_random_numbers: bool,
}

/// Runs the analysis on a complete Morris or Sobol study.
pub fn sensitivity(options: &SensitivityOptions) -> Result<SensitivityReport, Error> {
    let dir = &options.dir;
    let _lock = StudyLock::acquire(dir)?;
    let mut manifest = StudyManifest::read(dir)?;
    let Some(structure) = manifest.design.sensitivity.clone() else {
        return Err(Error::Usage(format!(
            "{} is a {} study; sensitivity indices need a morris or sobol design (sweep.design)",
            dir.display(),
            manifest.design.kind
        )));
    };
    let study = Verified::open(dir, false)?;
    if study.has(file::SENSITIVITY) && !options.force {
        return Err(Error::Usage(format!(
            "{} already holds sensitivity.csv; pass --force to replace it",
            dir.display()
        )));
    }
    let loaded = config::load(&dir.join(file::CONFIG))?;
    let plan = SweepPlan::new(
        &loaded,
        &dir.join(file::CONFIG).display().to_string(),
        Some(manifest.seed),
        Some(manifest.design.replications),
        u64::MAX,
    )?;
    let summary = Table::read(&study, file::SUMMARY)?;
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
        other => {
            return Err(Error::Usage(format!(
                "{}: the manifest records a sensitivity design but config.toml has design = \"{}\"; rerun the study with a morris or sobol design",
                dir.display(),
                other.name()
            )));
        }
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
    check_design(&study, &plan, dir)?;
    let seed = manifest.seed;
    let crn = manifest.design.common_random_numbers;
    let mut rows = Vec::new();
    let factors: Vec<String> = match plan.design {
        Design::Morris => plan.group_names.clone(),
        _ => plan.parameters.iter().map(|p| p.name.clone()).collect(),
    };
    let k = factors.len();
    let sobol_factors = (plan.design == Design::Sobol).then_some(k);
    let noise = run_noise(
        &study,
        &outputs,
        Layout {
            size,
            replicates: plan.replications as usize,
            sobol_factors,
        },
        &keep,
    )?;
    // The first half of the units: for a Sobol design the first N/2 points
    // of the scrambled sequence, themselves a balanced sample.
    let half = keep.len() / 2;
    for (o, output) in outputs.iter().enumerate() {
        let y_of = |units: &[usize]| -> Vec<f64> {
            units
                .iter()
                .flat_map(|u| (u * size..(u + 1) * size).map(|p| columns[o][p].unwrap_or(f64::NAN)))
                .collect()
        };
        let y = y_of(&keep);
        let y_half = y_of(&keep[..half]);
        let mut push = |index: &'static str,
                        estimator: &'static str,
                        factor: &str,
                        factor_2: &str,
                        estimate: Estimate,
                        half: f64| {
            rows.push(IndexRow {
                output: output.clone(),
                index,
                estimator,
                factor: factor.to_string(),
                factor_2: factor_2.to_string(),
                estimate,
                half: if half.is_finite() { half } else { f64::NAN },
            })
        };
        let unsure = |value: f64| Estimate {
            value,
            low: f64::NAN,
            high: f64::NAN,
        };
        match plan.design {
            Design::Morris => {
                let steps_of = |units: &[usize]| -> Vec<_> {
                    units
                        .iter()
                        .flat_map(|&u| plan.morris_steps()[u * k..(u + 1) * k].iter().copied())
                        .collect()
                };
                let delta = plan.sampling.morris_step();
                let full = morris(&y, &steps_of(&keep), k, delta, Some(seed));
                let first = morris(&y_half, &steps_of(&keep[..half]), k, delta, None);
                for (f, (m, h)) in full.iter().zip(&first).enumerate() {
                    push("mu", estimator::MU, &factors[f], "", m.mu, h.mu.value);
                    push(
                        "mu_star",
                        estimator::MU_STAR,
                        &factors[f],
                        "",
                        m.mu_star,
                        h.mu_star.value,
                    );
                    push(
                        "sigma",
                        estimator::SIGMA,
                        &factors[f],
                        "",
                        m.sigma,
                        h.sigma.value,
                    );
                }
            }
            _ => {
                let second_order = structure.second_order;
                let full = sobol(&y, k, second_order, Some(seed));
                let first = sobol(&y_half, k, second_order, None);
                for (f, name) in factors.iter().enumerate() {
                    let (s1, st) = (full.first[f], full.total[f]);
                    push("S1", estimator::S1, name, "", s1, first.first[f].value);
                    push("ST", estimator::ST, name, "", st, first.total[f].value);
                }
                for ((i, j, e), (_, _, h)) in full.second.iter().zip(&first.second) {
                    push("S2", estimator::S2, &factors[*i], &factors[*j], *e, h.value);
                }
                for (name, &value) in factors.iter().zip(&noise[o].total_index) {
                    let how = estimator::ST_NOISE;
                    push("ST_noise", how, name, "", unsure(value), f64::NAN);
                }
            }
        }
        let (share, how) = if crn {
            (noise[o].paired_share, estimator::NOISE_PAIRED)
        } else {
            (noise_share(&summary, output), estimator::NOISE_INDEPENDENT)
        };
        push("noise_share", how, "", "", unsure(share), f64::NAN);
    }
    let file = dir.join(file::SENSITIVITY);
    let mut out = Vec::new();
    push_row(
        &mut out,
        [
            "output",
            "method",
            "index",
            "estimator",
            "factor",
            "factor_2",
            "value",
            "ci_low",
            "ci_high",
            "value_half",
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
                r.estimator.to_string(),
                r.factor.clone(),
                r.factor_2.clone(),
                number(r.estimate.value),
                number(r.estimate.low),
                number(r.estimate.high),
                number(r.half),
                keep.len().to_string(),
                (units - keep.len()).to_string(),
            ],
        );
    }
    // Written whole and then recorded in the manifest, so that readers can
    // verify it like every other file of the study.
    let temporary = dir.join(".sensitivity.csv.tmp");
    fs::write(&temporary, &out).map_err(|e| Error::io(&temporary, e))?;
    fs::rename(&temporary, &file).map_err(|e| Error::io(&file, e))?;
    manifest.digests.retain(|d| d.name != file::SENSITIVITY);
    manifest.digests.push(FileDigest::of_bytes(
        file::SENSITIVITY,
        &out,
        rows.len() as u64,
    ));
    if !manifest.files.iter().any(|f| f == file::SENSITIVITY) {
        manifest.files.push(file::SENSITIVITY.into());
    }
    manifest.write(dir)?;
    Ok(SensitivityReport {
        file,
        method,
        rows,
        used: keep.len(),
        dropped: units - keep.len(),
        unit,
        common_random_numbers: crn,
    })
}

/// Refuses a study whose `design.csv` is not the design this version of
/// detente builds from its config (say, one made before Morris steps took
/// random directions): the indices would pair the wrong points.
fn check_design(study: &Verified, plan: &SweepPlan, dir: &Path) -> Result<(), Error> {
    let design = Table::read(study, file::DESIGN)?;
    let same = design.rows.len() as u64 == plan.point_count()
        && design.rows.iter().enumerate().all(|(p, row)| {
            row.first() == Some(&p.to_string()) && row[1..] == plan.labels(p as u64)[..]
        });
    if same {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{}: design.csv is not the design this version of detente builds from config.toml (was the study made by another version?); rerun the sweep",
            dir.display()
        )))
    }
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

/// Whether a study directory holds a Morris or Sobol design.
pub fn has_sensitivity_design(dir: &Path) -> bool {
    StudyManifest::read(dir).is_ok_and(|m| m.design.sensitivity.is_some())
}
