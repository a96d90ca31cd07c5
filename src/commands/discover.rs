//! `detente discover`: which conditions lead to an outcome — PRIM boxes
//! found in a study's runs or design points, written with their peeling
//! trajectories and figures to their own directory.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::data::manifest::{self, DiscoveryManifest};
use crate::data::output::directory_name;
use crate::data::schema::{self, boxes_columns, file, trajectory_columns};
use crate::data::{CsvFile, Progress, Staging, Verified, timestamp};
use crate::discover::cases::{self, By, Interest};
use crate::discover::prim::extent;
use crate::discover::{Cases, Choice, Column, Found, Limit, Objective, Settings, Step, describe};
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

/// One restricted input of a box.
#[derive(Debug, Clone, Serialize)]
pub struct Restriction {
    pub input: String,
    pub kind: &'static str,
    /// Numeric limits (`None` for a categorical input).
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The categories allowed (empty for a numeric input).
    pub values: Vec<String>,
    pub quasi_p: f64,
    /// The input's range over the cases searched, for comparison.
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
}

/// A box found.
#[derive(Debug, Clone, Serialize)]
pub struct BoxReport {
    pub number: usize,
    pub cases: u64,
    pub cases_of_interest: u64,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// `threshold` or `balance`: how the box was chosen from its trajectory.
    pub choice: &'static str,
    pub restrictions: Vec<Restriction>,
}

/// What `detente discover` found.
#[derive(Debug, Clone, Serialize)]
pub struct DiscoveryReport {
    pub study: PathBuf,
    pub out: PathBuf,
    pub question: String,
    pub inputs: Vec<String>,
    pub cases: u64,
    pub cases_of_interest: u64,
    pub failed_left_out: u64,
    pub missing_left_out: u64,
    /// Runs done and planned, for an incomplete study.
    pub incomplete: Option<(u64, u64)>,
    pub boxes: Vec<BoxReport>,
    pub figures: Vec<String>,
}

/// The question in words, for reports and the manifest.
fn question(options: &DiscoverOptions) -> String {
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
            let unit = if options.by == By::Runs {
                "runs"
            } else {
                "design points"
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

/// Runs the search and writes its directory.
pub fn discover(options: &DiscoverOptions) -> Result<DiscoveryReport, Error> {
    check(&options.settings)?;
    let study = Verified::open(&options.dir, options.allow_incomplete)?;
    let read = cases::read(&study, options.by, &options.interest)?;
    let cases = &read.cases;
    let total = cases.interest.len() as u64;
    let interesting = cases.interest.iter().filter(|&&y| y).count() as u64;
    let question = question(options);
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
            study_config_sha256: study.manifest.config_sha256().to_string(),
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
        incomplete: match study.progress {
            Progress::Complete => None,
            Progress::Incomplete {
                runs_done,
                runs_total,
            } => Some((runs_done, runs_total)),
        },
        boxes,
        figures,
    })
}

/// A number for the CSV files: shortest round-trip digits, in exponent form
/// where plain digits would run long (a quasi-p-value of 1e-75).
fn number(x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else if x != 0.0 && !(1e-4..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

fn trajectory_row(
    (cases, full): (&Cases, &[Limit]),
    b: usize,
    stage: &str,
    s: usize,
    chosen: bool,
    step: &Step,
) -> Vec<String> {
    let st = &step.stats;
    vec![
        b.to_string(),
        stage.to_string(),
        s.to_string(),
        chosen.to_string(),
        st.cases.to_string(),
        st.interesting.to_string(),
        number(st.coverage),
        number(st.density),
        number(st.mass),
        st.restricted.to_string(),
        describe(cases, step, full),
    ]
}

fn box_report(cases: &Cases, number: usize, found: &Found) -> BoxReport {
    let st = &found.pasted.stats;
    let all: Vec<u32> = (0..cases.interest.len() as u32).collect();
    let full = extent(cases, &all);
    let restrictions = found
        .quasi_p
        .iter()
        .map(|&(j, quasi_p)| {
            let input = &cases.inputs[j];
            let (range_low, range_high) = match &full[j] {
                Limit::Range { low, high } => (Some(*low), Some(*high)),
                Limit::Set(_) => (None, None),
            };
            match (&found.pasted.limits[j], &input.column) {
                (Limit::Range { low, high }, _) => Restriction {
                    input: input.name.clone(),
                    kind: "numeric",
                    low: Some(*low),
                    high: Some(*high),
                    values: Vec::new(),
                    quasi_p,
                    range_low,
                    range_high,
                },
                (Limit::Set(allowed), Column::Categorical { labels, .. }) => Restriction {
                    input: input.name.clone(),
                    kind: "categorical",
                    low: None,
                    high: None,
                    values: labels
                        .iter()
                        .zip(allowed)
                        .filter(|(_, a)| **a)
                        .map(|(l, _)| l.clone())
                        .collect(),
                    quasi_p,
                    range_low,
                    range_high,
                },
                _ => unreachable!("limits are built from the columns"),
            }
        })
        .collect();
    BoxReport {
        number,
        cases: st.cases,
        cases_of_interest: st.interesting,
        coverage: st.coverage,
        density: st.density,
        mass: st.mass,
        choice: match found.choice {
            Choice::Threshold => "threshold",
            Choice::Balance => "balance",
        },
        restrictions,
    }
}

fn boxes_row(b: &BoxReport, r: &Restriction) -> Vec<String> {
    let opt = |x: Option<f64>| x.map_or(String::new(), number);
    vec![
        b.number.to_string(),
        r.input.clone(),
        r.kind.to_string(),
        opt(r.low),
        opt(r.high),
        r.values.join("|"),
        number(r.quasi_p),
        opt(r.range_low),
        opt(r.range_high),
        number(b.coverage),
        number(b.density),
        number(b.mass),
        b.cases.to_string(),
        b.choice.to_string(),
    ]
}

impl DiscoveryReport {
    /// `boxes.csv`'s rows, for `--format csv` on stdout.
    pub fn to_csv(&self) -> String {
        let mut out = Vec::new();
        crate::data::row::push_row(&mut out, schema::header(&boxes_columns()));
        for b in &self.boxes {
            for r in &b.restrictions {
                crate::data::row::push_row(&mut out, boxes_row(b, r));
            }
        }
        String::from_utf8(out).expect("CSV of UTF-8 fields is UTF-8")
    }
}

impl fmt::Display for DiscoveryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} cases are {}",
            self.cases_of_interest, self.cases, self.question
        )?;
        if self.failed_left_out + self.missing_left_out > 0 {
            write!(
                f,
                "; left out: {} failed, {} with missing values",
                self.failed_left_out, self.missing_left_out
            )?;
        }
        if let Some((done, total)) = self.incomplete {
            write!(f, "; incomplete study: {done} of {total} runs")?;
        }
        if self.boxes.is_empty() {
            write!(
                f,
                "\nno box narrower than the whole space raises the density"
            )?;
        }
        for b in &self.boxes {
            write!(
                f,
                "\nbox {}: coverage {:.3}, density {:.3}, mass {:.3} ({} cases; chosen by {})",
                b.number, b.coverage, b.density, b.mass, b.cases, b.choice
            )?;
            for r in &b.restrictions {
                let limits = match (r.low, r.high) {
                    (Some(low), Some(high)) => format!("in [{}, {}]", short(low), short(high)),
                    _ => format!("in {{{}}}", r.values.join(", ")),
                };
                let p = if r.quasi_p > 0.0 {
                    format!("{:.2e}", r.quasi_p)
                } else {
                    "< 1e-300".into()
                };
                write!(f, "\n  {} {limits}  (quasi-p {p})", r.input)?;
            }
        }
        write!(f, "\n-> {}", self.out.display())
    }
}

/// A limit for reading: four significant digits.
fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}
