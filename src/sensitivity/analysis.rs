//! Morris or Sobol indices of a study's outputs per design point, with
//! bootstrap intervals, the same indices from the first half of the units
//! (to judge convergence) and the replicate noise in them.

use std::path::Path;

use super::estimators::{Estimate, estimator, morris, sobol};
use super::noise::{Layout, run_noise};
use crate::data::Verified;
use crate::data::schema::file;
use crate::data::study::SensitivityDesign;
use crate::data::table::Table;
use crate::error::Error;
use crate::sweep::{Design, SweepPlan};

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

/// What the indices are computed from: a verified study, its plan and summary.
pub struct Inputs<'a> {
    pub dir: &'a Path,
    pub study: &'a Verified,
    pub plan: &'a SweepPlan,
    pub summary: &'a Table,
    pub structure: &'a SensitivityDesign,
    /// summary.csv columns to analyse.
    pub outputs: &'a [String],
    /// The study's master seed (seeds the bootstrap).
    pub seed: u64,
    pub common_random_numbers: bool,
    pub drop_missing: bool,
}

/// The indices of every output.
#[derive(Debug, Clone)]
pub struct Indices {
    /// `morris` or `sobol`.
    pub method: &'static str,
    /// `trajectories` or `base samples`.
    pub unit: &'static str,
    pub rows: Vec<IndexRow>,
    /// Units used and dropped.
    pub used: usize,
    pub dropped: usize,
}

/// Computes the indices of every output of a complete Morris or Sobol study.
pub fn indices(inputs: &Inputs) -> Result<Indices, Error> {
    let Inputs {
        dir,
        study,
        plan,
        summary,
        structure,
        outputs,
        seed,
        common_random_numbers: crn,
        drop_missing,
    } = *inputs;
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
    if !affected.is_empty() && !drop_missing {
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
    check_design(study, plan, dir)?;
    let mut rows = Vec::new();
    let factors: Vec<String> = match plan.design {
        Design::Morris => plan.group_names.clone(),
        _ => plan.parameters.iter().map(|p| p.name.clone()).collect(),
    };
    let k = factors.len();
    let sobol_factors = (plan.design == Design::Sobol).then_some(k);
    let noise = run_noise(
        study,
        outputs,
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
            (noise_share(summary, output), estimator::NOISE_INDEPENDENT)
        };
        push("noise_share", how, "", "", unsure(share), f64::NAN);
    }
    Ok(Indices {
        method,
        unit,
        rows,
        used: keep.len(),
        dropped: units - keep.len(),
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
