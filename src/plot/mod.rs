//! Charts drawn from the datasets alone (CSV files, manifest, the copied
//! config), so they can be redrawn without rerunning anything.

pub mod bars;
pub mod by_outcome;
pub mod composition;
pub mod dance;
pub mod discovery;
pub mod distribution;
pub mod heatmap;
mod index;
pub mod parameters;
pub mod rate;
mod runs;
pub mod scale;
pub mod sensitivity;
pub mod space;
pub mod stats;
mod study;
pub mod style;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::config;
use crate::data::schema::{column, file};
use crate::data::{Progress, Verified};
use crate::error::Error;

use crate::data::table::Rows;
pub use style::Format;
use style::{Figure, Stamped, render};

/// Options of `detente plot`.
#[derive(Debug, Clone)]
pub struct PlotOptions {
    /// A study (`detente sweep`) or run (`detente run`) directory.
    pub dir: PathBuf,
    /// Where to write (default: `plots/<name of dir>`).
    pub out: Option<PathBuf>,
    pub format: Format,
    /// The summary.csv column of the heatmap (default `agreement_rate`).
    pub metric: Option<String>,
    /// Draw an incomplete study's finished runs (each figure says so).
    pub allow_incomplete: bool,
}

/// What was drawn.
#[derive(Debug, Clone)]
pub struct PlotReport {
    pub out: PathBuf,
    /// Caption and files of each figure.
    pub figures: Vec<(String, Vec<String>)>,
}

impl std::fmt::Display for PlotReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} figures -> {} (see index.html)",
            self.figures.len(),
            self.out.display()
        )
    }
}

/// Default figure directory for a dataset directory: `plots/<its name>`.
pub fn default_plot_dir(dir: &Path) -> PathBuf {
    // `.` and `..` have no name of their own: use the directory's real one.
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            let full = dir.canonicalize().ok()?;
            full.file_name().map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "study".into());
    Path::new("plots").join(name)
}

/// Draws every figure that the datasets in `options.dir` support, and an index.
/// `interrupt` is polled before each figure (set it from Ctrl-C): drawing then
/// stops with [`Error::Interrupted`], leaving whole figures and no index.
pub fn plot(options: &PlotOptions, interrupt: &AtomicBool) -> Result<PlotReport, Error> {
    let study = Verified::open(&options.dir, options.allow_incomplete)?;
    let dir = &study;
    let config_path = options.dir.join(file::CONFIG);
    let text = study.read_text(file::CONFIG)?;
    let (raw, scenario) = config::parse(&text, &config_path.display().to_string())?;
    let command = study.command.as_str();
    // Check the metric before anything is written.
    match (command, options.metric.as_deref()) {
        ("run", Some(_)) => {
            return Err(Error::Usage(
                "--metric picks a summary.csv column of a sweep study; a run has none".into(),
            ));
        }
        ("run", None) => {}
        (_, metric) => {
            metric_column(
                Rows::open(dir, file::SUMMARY)?.header(),
                metric.unwrap_or(column::AGREEMENT_RATE),
            )?;
        }
    }
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| default_plot_dir(&options.dir));
    fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
    let stale = previous_figures(&out);
    let mut report = PlotReport {
        out: out.clone(),
        figures: Vec::new(),
    };
    let stamp = match study.progress {
        Progress::Complete => None,
        Progress::Incomplete {
            runs_done,
            runs_total,
        } => Some(format!(
            "incomplete study: {runs_done} of {runs_total} runs"
        )),
    };
    let mut draw = |figure: &dyn Drawable| -> Result<(), Error> {
        if interrupt.load(Ordering::SeqCst) {
            return Err(interrupted_drawing(
                &options.dir,
                options.out.as_deref(),
                &out,
            ));
        }
        let files = figure.render_to(&out, options.format, stamp.as_deref())?;
        let caption = match &stamp {
            Some(note) => format!("{} ({note})", figure.caption_text()),
            None => figure.caption_text(),
        };
        report.figures.push((caption, files));
        Ok(())
    };
    if command == "run" {
        run_figures(dir, &scenario, &mut draw)?;
    } else {
        study_figures(dir, &scenario, &raw, options.metric.as_deref(), &mut draw)?;
    }
    utility_figure(dir, &scenario, &mut draw)?;
    if dir.has(file::SENSITIVITY) {
        for figure in sensitivity_figures(dir, &scenario)? {
            draw(&figure)?;
        }
    }
    draw(&space_figure(dir, &scenario)?)?;
    if dir.has(file::ROUNDS)
        && let Some(figure) = dance_figure(dir, &scenario)?
    {
        draw(&figure)?;
    }
    write_index(&out, &scenario, &options.dir, &report)?;
    remove_stale(&out, &stale, &report);
    Ok(report)
}

/// Drawing stopped by Ctrl-C: what is missing and how to draw it.
fn interrupted_drawing(dir: &Path, out_option: Option<&Path>, out: &Path) -> Error {
    let out_flag = out_option.map_or(String::new(), |o| format!(" --out {}", o.display()));
    Error::Interrupted(format!(
        "interrupted while drawing figures: {} is incomplete (no index.html); `detente plot {}{out_flag}` draws them all",
        out.display(),
        dir.display()
    ))
}

/// A figure behind a trait object (the drawing itself is generic).
trait Drawable {
    fn render_to(
        &self,
        out: &Path,
        format: Format,
        stamp: Option<&str>,
    ) -> Result<Vec<String>, Error>;
    fn caption_text(&self) -> String;
}

impl<F: Figure> Drawable for F {
    fn render_to(
        &self,
        out: &Path,
        format: Format,
        stamp: Option<&str>,
    ) -> Result<Vec<String>, Error> {
        match stamp {
            Some(note) => render(&Stamped { figure: self, note }, out, format),
            None => render(self, out, format),
        }
    }
    fn caption_text(&self) -> String {
        self.caption()
    }
}

use dance::dance_figure;
use index::{previous_figures, remove_stale, write_index};
use runs::{run_figures, utility_figure};
use sensitivity::sensitivity_figures;
use space::space_figure;
use study::{metric_column, study_figures};

type Draw<'a> = dyn FnMut(&dyn Drawable) -> Result<(), Error> + 'a;
