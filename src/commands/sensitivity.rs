//! `detente sensitivity`: the Morris or Sobol indices of a study, written
//! to `sensitivity.csv` and recorded in its manifest.

use std::fs;
use std::path::{Path, PathBuf};

use crate::config;
use crate::data::row::push_row;
use crate::data::schema::{self, file, sensitivity_columns};
use crate::data::study::StudyManifest;
use crate::data::table::Table;
use crate::data::{FileDigest, StudyLock, Verified};
use crate::error::Error;
use crate::sensitivity::SensitivityReport;
use crate::sensitivity::analysis::{self, Indices, Inputs};
use crate::sweep::SweepPlan;

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

/// Computes the indices of a complete Morris or Sobol study and writes them.
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
    let Indices {
        method,
        unit,
        rows,
        used,
        dropped,
    } = analysis::indices(&Inputs {
        dir,
        study: &study,
        plan: &plan,
        summary: &summary,
        structure: &structure,
        outputs: &outputs,
        seed: manifest.seed,
        common_random_numbers: manifest.design.common_random_numbers,
        drop_missing: options.drop_missing,
    })?;
    let file = dir.join(file::SENSITIVITY);
    let mut out = Vec::new();
    push_row(&mut out, schema::header(&sensitivity_columns()));
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
                used.to_string(),
                dropped.to_string(),
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
        used,
        dropped,
        unit,
        common_random_numbers: manifest.design.common_random_numbers,
    })
}

/// Whether a study directory holds a Morris or Sobol design.
pub fn has_sensitivity_design(dir: &Path) -> bool {
    StudyManifest::read(dir).is_ok_and(|m| m.design.sensitivity.is_some())
}
