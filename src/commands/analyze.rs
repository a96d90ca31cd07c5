//! `detente analyze`: the outcome space and the game-theoretic reference
//! points of a scenario, printed as JSON, CSV or text.

use std::path::Path;

use crate::analysis::analyze as analysis;
use crate::analysis::report::{to_csv, to_text};
use crate::config;
use crate::error::Error;
use crate::model::Model;
use crate::theory::Side;

/// Output format of `detente analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalysisFormat {
    Json,
    Csv,
    Text,
}

/// Analyses the scenario at the expected environment, or at the draw of
/// `seed`, the equilibrium with `last_offer` making the last offer.
pub fn analyze(
    path: &Path,
    format: AnalysisFormat,
    seed: Option<u64>,
    last_offer: Side,
) -> Result<String, Error> {
    let loaded = config::load(path)?;
    let model = Model::new(loaded.scenario);
    let scenario = model.scenario();
    let deadline = scenario.protocol.deadline_rounds;
    let (draw, source) = match seed {
        Some(seed) => (
            scenario.environment.draw(seed, deadline),
            format!("seed {seed}"),
        ),
        None => (
            scenario.environment.expected(deadline),
            "expected values".to_string(),
        ),
    };
    let result = analysis(&model, &draw, source, last_offer);
    Ok(match format {
        AnalysisFormat::Json => {
            serde_json::to_string_pretty(&result).expect("an analysis always serialises") + "\n"
        }
        AnalysisFormat::Csv => to_csv(&result),
        AnalysisFormat::Text => to_text(&result),
    })
}
