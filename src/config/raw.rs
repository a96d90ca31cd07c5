//! Stage one: the TOML file as serde reads it. Nothing here is checked beyond
//! types and key names; [`super::validate`] turns it into a `Scenario`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub use super::raw_calibration::*;
pub use super::raw_tournament::*;
use crate::model::Strategy;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub scenario: RawScenario,
    pub issues: IndexMap<String, RawIssue>,
    pub agents: IndexMap<String, RawAgent>,
    pub environment: RawEnvironment,
    pub protocol: RawProtocol,
    /// Read by `detente sweep`; other commands ignore it.
    pub sweep: Option<RawSweep>,
    /// Read by `detente calibrate`; other commands ignore it.
    pub calibration: Option<RawCalibration>,
    /// Read by `detente tournament`; other commands ignore it.
    pub tournament: Option<RawTournament>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawDesign {
    #[default]
    Grid,
    Zip,
    Random,
    Lhs,
    Morris,
    Sobol,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    #[serde(default)]
    pub design: RawDesign,
    /// Replicates per design point (default: scenario.replications).
    pub replications: Option<u64>,
    /// Number of points for `random` and `lhs`.
    pub points: Option<u64>,
    /// Morris: number of trajectories r.
    pub trajectories: Option<u64>,
    /// Morris: number of grid levels p (even).
    pub levels: Option<u32>,
    /// Morris: draw this many candidate trajectories and keep the
    /// `trajectories` with the largest spread (Campolongo et al. 2007).
    pub optimal_trajectories: Option<u64>,
    /// Sobol: number of base samples N.
    pub samples: Option<u64>,
    /// Sobol: also estimate second-order indices.
    pub second_order: Option<bool>,
    /// Replicate r of every design point runs with the same seed (default:
    /// independent seeds per point).
    pub common_random_numbers: Option<bool>,
    #[serde(default)]
    pub parameters: Vec<RawParameter>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawScale {
    #[default]
    Linear,
    Log,
}

/// One swept parameter: a dotted path into the scenario and its values.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawParameter {
    pub path: String,
    /// Column name in the datasets (default: the path).
    pub name: Option<String>,
    pub values: Option<Vec<toml::Value>>,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub steps: Option<u32>,
    #[serde(default)]
    pub scale: RawScale,
    /// Morris: parameters with the same group move together.
    pub group: Option<String>,
    /// Axis label in figures (default: the name, `_` read as spaces).
    pub label: Option<String>,
    /// Unit of the values, shown after the label on axes.
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub seed: u64,
    pub replications: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawIssue {
    Integer { min: i64, max: i64 },
    YesNo {},
    Levels { levels: Vec<String> },
    Share { step: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawRole {
    Proposer,
    Opponent,
    Host,
    Ally,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgent {
    pub role: RawRole,
    pub weights: RawAttributes,
    pub base: RawAttributes,
    #[serde(default)]
    pub effects: IndexMap<String, RawEffects>,
    #[serde(default)]
    pub threat_effects: IndexMap<String, RawEffects>,
    #[serde(default)]
    pub oil_exposure: f64,
    #[serde(default)]
    pub unilateral_effects: RawAttributes,
    #[serde(default)]
    pub status_quo_effects: RawAttributes,
    #[serde(default = "one")]
    pub risk: f64,
    pub reservation: f64,
    #[serde(default)]
    pub reservation_oil: f64,
    #[serde(default = "one")]
    pub discount: f64,
    /// Required of the proposer and the opponent; others never concede.
    pub strategy: Option<Strategy>,
    /// Hosts: issues that deploy on this agent's soil.
    pub soil: Option<Vec<String>>,
    /// Allies: the negotiator this ally presses.
    pub presses: Option<String>,
    pub pressure: Option<f64>,
    pub energy_dependence: Option<f64>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAttributes {
    #[serde(default)]
    pub security: f64,
    #[serde(default)]
    pub influence: f64,
    #[serde(default)]
    pub oil: f64,
}

impl RawAttributes {
    pub fn values(&self) -> [f64; 3] {
        [self.security, self.influence, self.oil]
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEffects {
    pub security: Option<RawEffect>,
    pub influence: Option<RawEffect>,
    pub oil: Option<RawEffect>,
}

impl RawEffects {
    pub fn values(&self) -> [Option<&RawEffect>; 3] {
        [
            self.security.as_ref(),
            self.influence.as_ref(),
            self.oil.as_ref(),
        ]
    }
}

/// An effect: a number scaled by the value's position in [0, 1], or one number per value.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(
    untagged,
    expecting = "a number (scaled by the value's position from 0 to 1) or an array with one number per value of the issue"
)]
pub enum RawEffect {
    Scaled(f64),
    PerValue(Vec<f64>),
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnvironment {
    pub threat: RawThreat,
    pub oil_price: RawOil,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "distribution", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawThreat {
    Beta { alpha: f64, beta: f64 },
    Fixed { value: f64 },
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawOil {
    pub initial: f64,
    pub drift: f64,
    pub volatility: f64,
    pub years_per_round: f64,
    pub reference: f64,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawProtocolKind {
    #[default]
    Alternating,
    Zeuthen,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawLinkage {
    #[default]
    Linked,
    Separate,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawProtocol {
    #[serde(default)]
    pub kind: RawProtocolKind,
    pub deadline_rounds: u32,
    #[serde(default)]
    pub start_linkage: RawLinkage,
    pub start_issue: Option<String>,
    pub status_quo: IndexMap<String, toml::Value>,
    pub unilateral: Option<IndexMap<String, toml::Value>>,
}
