//! Charts drawn from the datasets alone (CSV files, manifest, the copied
//! config), so they can be redrawn without rerunning anything. This module
//! chooses the figures a study supports; `commands::plot` is the command.

pub mod bars;
pub mod by_outcome;
pub mod calibration;
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
mod shapes;
pub mod space;
pub mod stats;
mod study;
pub mod style;
pub mod tournament;

use std::path::Path;

use crate::config::RawConfig;
use crate::data::Verified;
use crate::data::schema::{column, file};
use crate::data::table::Rows;
use crate::error::Error;
use crate::model::Scenario;

pub use index::{previous_figures, remove_stale, write_index};
pub use style::Format;
use style::{Figure, Stamped, render};

/// Refuses a `--metric` the study cannot draw, before anything is written.
pub fn check_metric(study: &Verified, metric: Option<&str>) -> Result<(), Error> {
    match (study.manifest.is_run(), metric) {
        (true, Some(_)) => Err(Error::Usage(
            "--metric picks a summary.csv column of a sweep study; a run has none".into(),
        )),
        (true, None) => Ok(()),
        (false, metric) => metric_column(
            Rows::open(study, file::SUMMARY)?.header(),
            metric.unwrap_or(column::AGREEMENT_RATE),
        )
        .map(|_| ()),
    }
}

/// Draws, through `draw`, every figure the verified datasets of `study`
/// support: a run's or a study's own figures, the utilities, the
/// sensitivity indices when computed, the outcome space and the negotiation
/// dance when rounds were recorded.
pub fn figures(
    study: &Verified,
    scenario: &Scenario,
    raw: &RawConfig,
    metric: Option<&str>,
    draw: &mut Draw,
) -> Result<(), Error> {
    if study.manifest.is_run() {
        run_figures(study, scenario, draw)?;
    } else {
        study_figures(study, scenario, raw, metric, draw)?;
    }
    utility_figure(study, scenario, draw)?;
    if study.has(file::SENSITIVITY) {
        for figure in sensitivity_figures(study, scenario)? {
            draw(&figure)?;
        }
    }
    draw(&space_figure(study, scenario)?)?;
    if study.has(file::ROUNDS)
        && let Some(figure) = dance_figure(study, scenario)?
    {
        draw(&figure)?;
    }
    Ok(())
}

/// A figure behind a trait object (the drawing itself is generic).
pub trait Drawable {
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
use runs::{run_figures, utility_figure};
use sensitivity::sensitivity_figures;
use space::space_figure;
use study::{metric_column, study_figures};

/// What receives each figure: renders it, or stops (Ctrl-C).
pub type Draw<'a> = dyn FnMut(&dyn Drawable) -> Result<(), Error> + 'a;
