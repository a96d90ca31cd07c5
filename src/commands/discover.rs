//! `detente discover`: which conditions lead to an outcome — PRIM boxes
//! found in a study's runs or design points, written with their peeling
//! trajectories and figures to their own directory.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::data::manifest::{self, CalibrationManifest, DiscoveryManifest};
use crate::data::output::directory_name;
use crate::data::schema::{self, boxes_columns, file, trajectory_columns};
use crate::data::sha256_hex;
use crate::data::table::Table;
use crate::data::{CsvFile, Progress, Staging, Verified, timestamp};
use crate::discover::cases::{self, By, Interest};
use crate::discover::prim::extent;
use crate::discover::report::{BoxReport, DiscoveryReport, box_report, boxes_row, trajectory_row};
use crate::discover::{Objective, Settings};
use crate::error::Error;
use crate::plot::Format;
use crate::plot::discovery as figures;

/// Options of `detente discover`.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    pub dir: PathBuf,
    pub interest: Interest,
    pub by: By,
    pub settings: Settings,
    /// Output directory (default `discovery/<name of DIR>`).
    pub out: Option<PathBuf>,
    pub force: bool,
    /// Search the finished runs of an incomplete study.
    pub allow_incomplete: bool,
    pub plots: bool,
}

/// The question in words, for reports and the manifest.
fn question(options: &DiscoverOptions, particles: bool) -> String {
    let what = match &options.interest {
        Interest::Outcome(o) => match options.by {
            By::Runs => format!("runs ending in {o}"),
            By::Points => format!("design points where {o} is the most frequent outcome"),
        },
        Interest::Output {
            column,
            above,
            value,
        } => {
            let unit = match (particles, options.by) {
                (true, _) => "particles (every generation's)",
                (false, By::Runs) => "runs",
                (false, By::Points) => "design points",
            };
            format!(
                "{unit} with {column} {} {value}",
                if *above { ">" } else { "<" }
            )
        }
    };
    let s = &options.settings;
    format!(
        "{what} (PRIM: alpha {}, minimum mass {}, density threshold {}, objective {})",
        s.alpha,
        s.min_mass,
        s.threshold,
        match s.objective {
            Objective::Lenient1 => "lenient1",
            Objective::Original => "original",
        }
    )
}

/// Checks the settings a library caller may give out of range.
fn check(settings: &Settings) -> Result<(), Error> {
    let bad = |what: String| Err(Error::Usage(what));
    if !(settings.alpha > 0.0 && settings.alpha < 0.5) {
        return bad(format!(
            "--alpha must be in (0, 0.5) (got {})",
            settings.alpha
        ));
    }
    if !(settings.threshold > 0.0 && settings.threshold <= 1.0) {
        return bad(format!(
            "--threshold must be in (0, 1] (got {})",
            settings.threshold
        ));
    }
    if !(settings.min_mass > 0.0 && settings.min_mass < 1.0) {
        return bad(format!(
            "--min-mass must be in (0, 1) (got {})",
            settings.min_mass
        ));
    }
    if settings.max_boxes == 0 {
        return bad("--boxes must be at least 1".into());
    }
    Ok(())
}

/// Default output directory: `discovery/<name of DIR>`.
pub fn default_out(dir: &Path) -> Result<PathBuf, Error> {
    let name = match directory_name(dir) {
        Ok(name) => name.to_os_string(),
        Err(_) => std::env::current_dir()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_os_string()))
            .unwrap_or_else(|| "study".into()),
    };
    Ok(Path::new("discovery").join(name))
}

/// What is searched: a verified study (or run), or a calibration's particles.
enum Source {
    Study(Verified),
    Calibration {
        manifest: Box<CalibrationManifest>,
        particles: Table,
    },
}

impl Source {
    fn open(options: &DiscoverOptions) -> Result<Source, Error> {
        let Some(manifest) = manifest::calibration(&options.dir) else {
            return Ok(Source::Study(Verified::open(
                &options.dir,
                options.allow_incomplete,
            )?));
        };
        let dir = &options.dir;
        if options.by == By::Points {
            return Err(Error::Usage(format!(
                "{}: --by points needs a sweep study; a calibration's cases are its particles",
                dir.display()
            )));
        }
        if !manifest.complete && !options.allow_incomplete {
            return Err(Error::Usage(format!(
                "{} holds an unfinished calibration ({} generations); pass --allow-incomplete to search its particles so far",
                dir.display(),
                manifest.generations_done
            )));
        }
        let path = dir.join(file::PARTICLES);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let recorded = manifest.digests.iter().find(|d| d.name == file::PARTICLES);
        if recorded.is_none_or(|d| d.sha256 != sha256_hex(&bytes)) {
            return Err(Error::Usage(format!(
                "{}: does not match its manifest (changed or cut short since it was written); rerun or resume the calibration",
                path.display()
            )));
        }
        let particles = Table::from_path(&path)?;
        Ok(Source::Calibration {
            manifest: Box::new(manifest),
            particles,
        })
    }

    fn config_sha256(&self) -> &str {
        match self {
            Source::Study(study) => study.manifest.config_sha256(),
            Source::Calibration { manifest, .. } => &manifest.config_sha256,
        }
    }

    /// Runs done and planned, for an incomplete study.
    fn incomplete(&self) -> Option<(u64, u64)> {
        match self {
            Source::Study(study) => match study.progress {
                Progress::Complete => None,
                Progress::Incomplete {
                    runs_done,
                    runs_total,
                } => Some((runs_done, runs_total)),
            },
            Source::Calibration { .. } => None,
        }
    }
}

/// Runs the search and writes its directory.
pub fn discover(options: &DiscoverOptions) -> Result<DiscoveryReport, Error> {
    check(&options.settings)?;
    let source = Source::open(options)?;
    let read = match &source {
        Source::Study(study) => cases::read(study, options.by, &options.interest)?,
        Source::Calibration { particles, .. } => cases::read_particles(
            particles,
            &options.dir.join(file::PARTICLES),
            &options.interest,
        )?,
    };
    let cases = &read.cases;
    let total = cases.interest.len() as u64;
    let interesting = cases.interest.iter().filter(|&&y| y).count() as u64;
    let question = question(options, matches!(source, Source::Calibration { .. }));
    if total == 0 {
        return Err(Error::Usage(format!(
            "{}: no finished case to search ({} failed, {} with missing values)",
            options.dir.display(),
            read.failed,
            read.missing
        )));
    }
    if interesting == 0 || interesting == total {
        let none = if interesting == 0 {
            "none"
        } else {
            "every one"
        };
        return Err(Error::Usage(format!(
            "{none} of the {total} cases is of interest ({}), so there is no box to find; ask another question",
            question.split(" (PRIM").next().unwrap_or(&question)
        )));
    }
    if cases.inputs.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no input to search over (no design parameters or drawn conditions)",
            options.dir.display()
        )));
    }
    let found = crate::discover::discover(cases, &options.settings);
    let boxes: Vec<BoxReport> = found
        .iter()
        .enumerate()
        .map(|(b, f)| box_report(cases, b + 1, f))
        .collect();
    let out = match &options.out {
        Some(out) => out.clone(),
        None => default_out(&options.dir)?,
    };
    let staging = Staging::new(&out, options.force, &[&options.dir])?;
    let mut digests = Vec::new();
    let all: Vec<u32> = (0..cases.interest.len() as u32).collect();
    let full = extent(cases, &all);
    let mut trajectory = CsvFile::create(&staging.file(file::TRAJECTORY))?;
    trajectory.write_header(&schema::header(&trajectory_columns()))?;
    for (b, f) in found.iter().enumerate() {
        for (s, step) in f.trajectory.iter().enumerate() {
            trajectory.write_row(&trajectory_row(
                (cases, &full),
                b + 1,
                "peel",
                s,
                s == f.chosen,
                step,
            ))?;
        }
        trajectory.write_row(&trajectory_row(
            (cases, &full),
            b + 1,
            "paste",
            f.chosen,
            true,
            &f.pasted,
        ))?;
    }
    trajectory.flush()?;
    digests.push(trajectory.digest());
    let mut table = CsvFile::create(&staging.file(file::BOXES))?;
    table.write_header(&schema::header(&boxes_columns()))?;
    for b in &boxes {
        for r in &b.restrictions {
            table.write_row(&boxes_row(b, r))?;
        }
    }
    table.flush()?;
    digests.push(table.digest());
    let mut files = vec![file::TRAJECTORY.to_string(), file::BOXES.to_string()];
    let figures = if options.plots {
        figures::draw(cases, &found, &question, staging.path(), Format::Png)?
    } else {
        Vec::new()
    };
    files.extend(figures.iter().cloned());
    files.push(file::MANIFEST.into());
    manifest::write(
        staging.path(),
        &DiscoveryManifest {
            tool: "detente".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: "discover".into(),
            study: options.dir.display().to_string(),
            study_config_sha256: source.config_sha256().to_string(),
            question: question.clone(),
            cases: total,
            cases_of_interest: interesting,
            boxes: boxes.len(),
            finished_at: timestamp(SystemTime::now()),
            files,
            digests,
        },
    )?;
    let out = staging.commit()?;
    Ok(DiscoveryReport {
        study: options.dir.clone(),
        out,
        question,
        inputs: cases.inputs.iter().map(|i| i.name.clone()).collect(),
        cases: total,
        cases_of_interest: interesting,
        failed_left_out: read.failed,
        missing_left_out: read.missing,
        incomplete: source.incomplete(),
        boxes,
        figures,
    })
}
