//! The `[tournament]` table as written: strategies entered for each role,
//! the scenarios they meet on, and replicates. Other commands ignore it.

use serde::{Deserialize, Serialize};

use crate::model::Strategy;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTournament {
    /// Runs per pairing and scenario (default: scenario.replications).
    pub replicates: Option<u64>,
    /// Scenario configs to play on, relative to this file (default: this
    /// config's own scenario).
    #[serde(default)]
    pub scenarios: Vec<String>,
    /// Entries for the proposer's role.
    #[serde(default)]
    pub proposers: Vec<RawEntry>,
    /// Entries for the opponent's role.
    #[serde(default)]
    pub opponents: Vec<RawEntry>,
}

/// One entry: a named concession strategy, and optionally how it learns
/// the other side's preferences.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    pub name: String,
    pub strategy: Strategy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opponent_model: Option<super::raw::RawOpponentModel>,
}
