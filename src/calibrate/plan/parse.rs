//! Stage two of a `[calibration]` table's own settings: the algorithm's
//! settings and each prior, checked, with errors naming the field.

use super::label;
use crate::calibrate::prior::{Prior, normal_cdf};
use crate::calibrate::smc::{Method, Settings};
use crate::config::raw::{RawCalibration, RawMethod, RawPrior};
use crate::config::{ConfigError, LoadedConfig};

pub(super) fn settings(
    raw: &RawCalibration,
    loaded: &LoadedConfig,
    seed: u64,
) -> Result<Settings, ConfigError> {
    let fail = |key: &str, message: String| loaded.invalid(&format!("calibration.{key}"), message);
    let method = match raw.method {
        RawMethod::Smc => Method::Smc,
        RawMethod::Rejection => Method::Rejection,
    };
    let particles = raw.particles.unwrap_or(200);
    if particles < 2 {
        return Err(fail(
            "particles",
            format!("must be at least 2 (got {particles}); hundreds are usual"),
        ));
    }
    let generations = raw.generations.unwrap_or(8);
    if generations == 0 {
        return Err(fail("generations", "must be at least 1 (got 0)".into()));
    }
    let quantile = raw.quantile.unwrap_or(0.5);
    if !(quantile > 0.0 && quantile < 1.0) {
        return Err(fail(
            "quantile",
            format!("must be between 0 and 1, exclusive (got {quantile}); 0.5 is usual"),
        ));
    }
    if let Some(t) = raw.tolerance
        && !(t.is_finite() && t >= 0.0)
    {
        return Err(fail(
            "tolerance",
            format!("must be a number of at least 0 (got {t})"),
        ));
    }
    if method == Method::Rejection && raw.tolerance.is_none() {
        return Err(fail(
            "tolerance",
            "is needed by the rejection method: the largest distance accepted".into(),
        ));
    }
    let min_acceptance = raw.min_acceptance.unwrap_or(0.01);
    if !(0.0..1.0).contains(&min_acceptance) {
        return Err(fail(
            "min_acceptance",
            format!("must be in [0, 1) (got {min_acceptance})"),
        ));
    }
    let max_simulations = raw.max_simulations.unwrap_or(10_000_000);
    if max_simulations == 0 {
        return Err(fail("max_simulations", "must be at least 1 (got 0)".into()));
    }
    Ok(Settings {
        method,
        particles,
        generations,
        quantile,
        tolerance: raw.tolerance,
        min_acceptance,
        max_simulations,
        seed,
    })
}

/// A validated prior and, for a discrete one, its values; errors name the field.
pub(crate) fn prior(
    raw: &RawPrior,
    integer: bool,
) -> Result<(Prior, Vec<toml::Value>), (&'static str, String)> {
    let finite = |field: &'static str, x: f64| {
        if x.is_finite() {
            Ok(x)
        } else {
            Err((field, format!("must be a finite number (got {x})")))
        }
    };
    let ordered = |low: f64, high: f64| {
        finite("low", low)?;
        finite("high", high)?;
        if low < high {
            Ok(())
        } else {
            Err((
                "high",
                format!("must be above low (got low {low}, high {high})"),
            ))
        }
    };
    if integer && !matches!(raw, RawPrior::Discrete { .. }) {
        return Err((
            "kind",
            "is continuous, but the parameter is an integer in the config; give a discrete prior (kind = \"discrete\", values = [...])".into(),
        ));
    }
    let prior = match *raw {
        RawPrior::Uniform { low, high } => {
            ordered(low, high)?;
            Prior::Uniform { low, high }
        }
        RawPrior::LogUniform { low, high } => {
            ordered(low, high)?;
            if low <= 0.0 {
                return Err((
                    "low",
                    format!("must be above 0 for a log-uniform prior (got {low})"),
                ));
            }
            Prior::LogUniform { low, high }
        }
        RawPrior::Normal {
            mean,
            sd,
            low,
            high,
        } => {
            finite("mean", mean)?;
            if !(sd.is_finite() && sd > 0.0) {
                return Err(("sd", format!("must be a positive number (got {sd})")));
            }
            ordered(low, high)?;
            let mass = normal_cdf((high - mean) / sd) - normal_cdf((low - mean) / sd);
            if mass < 0.01 {
                return Err((
                    "low",
                    format!(
                        "and high keep {:.2e} of the normal's mass; truncate it where at least 1 % of it lies",
                        mass.max(0.0)
                    ),
                ));
            }
            Prior::Normal {
                mean,
                sd,
                low,
                high,
            }
        }
        RawPrior::Beta {
            alpha,
            beta,
            low,
            high,
        } => {
            for (field, x) in [("alpha", alpha), ("beta", beta)] {
                if !(x.is_finite() && x > 0.0) {
                    return Err((field, format!("must be a positive number (got {x})")));
                }
            }
            let (low, high) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
            ordered(low, high)?;
            Prior::Beta {
                alpha,
                beta,
                low,
                high,
            }
        }
        RawPrior::Discrete { ref values } => {
            if values.is_empty() {
                return Err((
                    "values",
                    "is empty; list the values the parameter can take".into(),
                ));
            }
            if let Some(bad) = values
                .iter()
                .find(|v| matches!(v, toml::Value::Array(_) | toml::Value::Table(_)))
            {
                return Err((
                    "values",
                    format!("must be numbers, strings or booleans (got {bad})"),
                ));
            }
            if let Some((i, v)) = values
                .iter()
                .enumerate()
                .find(|(i, v)| values[..*i].contains(v))
            {
                return Err((
                    "values",
                    format!("lists {} twice (at {i}); list each value once", label(v)),
                ));
            }
            return Ok((
                Prior::Discrete {
                    count: values.len(),
                },
                values.clone(),
            ));
        }
    };
    Ok((prior, Vec::new()))
}
