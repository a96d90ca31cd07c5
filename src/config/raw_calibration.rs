//! The `[calibration]` table as written: what `detente calibrate` fits, to
//! which observed patterns, and how. Other commands ignore it.

use serde::{Deserialize, Serialize};

/// How particles are accepted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawMethod {
    /// Sequential Monte Carlo with an adaptive tolerance (Beaumont et al. 2009).
    #[default]
    Smc,
    /// Plain rejection: prior draws within `tolerance` (Pritchard et al. 1999).
    Rejection,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibration {
    #[serde(default)]
    pub method: RawMethod,
    /// Particles per generation (default 200).
    pub particles: Option<u64>,
    /// Runs per particle and setting (default 40).
    pub replicates: Option<u64>,
    /// Most generations, the prior sample included (default 8).
    pub generations: Option<u32>,
    /// Each tolerance is this quantile of the previous generation's distances (default 0.5).
    pub quantile: Option<f64>,
    /// Stop once the tolerance is at most this (required for rejection).
    pub tolerance: Option<f64>,
    /// Stop after a generation that accepted fewer than this share of its candidates (default 0.01).
    pub min_acceptance: Option<f64>,
    /// Stop before running more than this many runs in all (default 10,000,000).
    pub max_simulations: Option<u64>,
    #[serde(default)]
    pub parameters: Vec<RawCalibrated>,
    #[serde(default)]
    pub targets: Vec<RawTarget>,
}

/// One calibrated parameter: a dotted path and its prior.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibrated {
    pub path: String,
    /// Column name in the datasets (default: the path).
    pub name: Option<String>,
    pub prior: RawPrior,
}

/// A prior distribution.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawPrior {
    Uniform {
        low: f64,
        high: f64,
    },
    LogUniform {
        low: f64,
        high: f64,
    },
    /// Normal, truncated to [low, high].
    Normal {
        mean: f64,
        sd: f64,
        low: f64,
        high: f64,
    },
    /// Beta(alpha, beta) stretched over [low, high] (default [0, 1]).
    Beta {
        alpha: f64,
        beta: f64,
        low: Option<f64>,
        high: Option<f64>,
    },
    /// Equally likely values.
    Discrete {
        values: Vec<toml::Value>,
    },
}

/// How a statistic is compared with its observed value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawSense {
    /// Distance |s − observed| / scale.
    #[default]
    Equal,
    /// Only a statistic above the observed value counts: max(0, s − observed) / scale.
    AtMost,
    /// Only a statistic below it counts: max(0, observed − s) / scale.
    AtLeast,
}

/// An observed pattern: a `summary.csv` statistic of a particle's runs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// Column name in particles.csv and the figures.
    pub name: String,
    /// A `summary.csv` column: agreement_rate, share_status_quo, mean_rounds,
    /// start_renewal_rate, mean_<issue>, share_<issue>_<value>, mean_utility_<agent>, …
    pub statistic: String,
    pub observed: f64,
    /// What a difference of one means (the distance divides by it).
    pub scale: f64,
    #[serde(default)]
    pub sense: RawSense,
    /// The statistic's difference between two settings of one path
    /// (the first minus the second), instead of its value.
    pub contrast: Option<RawContrast>,
    /// Where the observation comes from (kept in the manifest).
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawContrast {
    pub path: String,
    /// Two values: the statistic at the first minus at the second.
    pub values: Vec<toml::Value>,
}
