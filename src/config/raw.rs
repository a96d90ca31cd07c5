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
    /// Things that happen during the talks (`[[events]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<RawEvent>,
    /// Negotiators' private fields and their priors (`[[private_types]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_types: Vec<RawPrivateType>,
}

/// One `[[private_types]]` table: a field of a negotiator's type the other
/// side does not know, drawn per run from a prior.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrivateType {
    /// `agents.<negotiator>.<field>`.
    pub path: String,
    pub prior: RawPrior,
}

/// `opponent_model = { kind = ... }` of a negotiator.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawOpponentModel {
    None {},
    Frequency {
        #[serde(skip_serializing_if = "Option::is_none")]
        learning_rate: Option<f64>,
    },
    Bayesian {
        #[serde(skip_serializing_if = "Option::is_none")]
        hypotheses: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        sigma: Option<f64>,
    },
}

/// One `[[events]]` table: when it fires and what it changes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub name: String,
    /// Fires in this round (1-based) ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// ... or with this probability in each round (a hazard).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Fires only while every condition holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<RawWhen>,
    /// Sets the perceived threat when it fires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threat: Option<f64>,
    /// Values to change, by the dotted paths sweeps use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<toml::Table>,
    /// Free text: what the event stands for, with its source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The conditions of an event, all of which must hold.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leverage_above: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leverage_below: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threat_above: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threat_below: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oil_price_above: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oil_price_below: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_escalated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fired: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_fired: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_withdrawn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_round: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_round: Option<u32>,
}

/// An opponent's escalation: its effects on agents' attributes and on the
/// breakdown outcomes, each `{agent = {attribute = x}}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalation {
    pub name: String,
    /// `false` switches the escalation off (for paired runs with `--set`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub effects: IndexMap<String, RawAttributes>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub unilateral_effects: IndexMap<String, RawAttributes>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub status_quo_effects: IndexMap<String, RawAttributes>,
}

/// The perceived threat as a path (`[environment.threat_path]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawThreatPath {
    /// Mean-reversion rate per year (0: a random walk).
    #[serde(default)]
    pub rate: f64,
    /// Long-run mean (default: the mean of the threat's distribution).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    pub volatility: f64,
    /// Probability that the perception is updated in a round (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reassessment: Option<f64>,
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
    /// Proposer: may end the talks in the status quo in any round.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub may_abandon: Option<bool>,
    /// Proposer: may deploy unilaterally in any round the hosts consent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub may_deploy: Option<bool>,
    /// Opponent: an action it may take once during the talks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation: Option<RawEscalation>,
    /// Host: judge consent every round, not once at the opening.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reevaluates_consent: Option<bool>,
    /// Host: per-round probability that consent lapses for good.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratification_hazard: Option<f64>,
    /// Ally: pressure follows the ally's own stake in the deal on the table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pressure_follows_stake: Option<bool>,
    /// Negotiators: how it learns the other side's preferences.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opponent_model: Option<RawOpponentModel>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threat_path: Option<RawThreatPath>,
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
