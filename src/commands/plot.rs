//! `detente plot`: verifies a study or run directory and draws every figure
//! its datasets support into a figure directory with an `index.html`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::config;
use crate::data::schema::file;
use crate::data::{Progress, Verified};
use crate::error::Error;
use crate::plot::{self, Drawable, Format};

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
/// Figures an earlier drawing left in the same directory and this one did
/// not redraw are removed (nothing else there is touched).
pub fn plot(options: &PlotOptions, interrupt: &AtomicBool) -> Result<PlotReport, Error> {
    let study = Verified::open(&options.dir, options.allow_incomplete)?;
    let config_path = options.dir.join(file::CONFIG);
    let text = study.read_text(file::CONFIG)?;
    let (raw, scenario) = config::parse(&text, &config_path.display().to_string())?;
    plot::check_metric(&study, options.metric.as_deref())?;
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| default_plot_dir(&options.dir));
    fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
    let stale = plot::previous_figures(&out);
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
    plot::figures(
        &study,
        &scenario,
        &raw,
        options.metric.as_deref(),
        &mut draw,
    )?;
    plot::write_index(&out, &scenario, &options.dir, &report.figures)?;
    plot::remove_stale(&out, &stale, &report.figures);
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
