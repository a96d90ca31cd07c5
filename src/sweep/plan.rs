//! A validated sweep: the `[sweep]` table of a config checked once and turned
//! into design points, each of which yields a validated scenario.

use crate::config::raw::{RawConfig, RawDesign, RawParameter, RawScale};
use crate::config::validate::{RESERVED_COLUMNS, validate};
use crate::config::{ConfigError, LoadedConfig, invalid, overrides};
use crate::engine::seed::design_seed;
use crate::model::Scenario;

use super::design::{Design, Levels, Points, label};

/// Largest number of runs a sweep may have unless `--max-runs` says otherwise.
pub const DEFAULT_MAX_RUNS: u64 = 10_000_000;

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Dotted path into the config.
    pub path: String,
    /// Column name in the datasets.
    pub name: String,
    pub levels: Levels,
}

/// A checked sweep.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    pub file: String,
    /// The config text (hashed into manifests).
    pub text: String,
    base: toml::Table,
    pub scenario_name: String,
    pub design: Design,
    pub parameters: Vec<Parameter>,
    points: Points,
    /// Replicates per design point.
    pub replications: u64,
    pub seed: u64,
}

impl SweepPlan {
    /// Checks the `[sweep]` table of a loaded config. `seed` and `replications`
    /// override the config's. A config without `[sweep]` is one point.
    pub fn new(
        loaded: &LoadedConfig,
        file: &str,
        seed: Option<u64>,
        replications: Option<u64>,
    ) -> Result<SweepPlan, ConfigError> {
        let text = loaded.text.as_str();
        let fail = |key: &str, message: String| loaded.invalid(key, message);
        let base: toml::Table = text
            .parse()
            .expect("the config parsed once already, so it parses again");
        let sweep = loaded
            .raw
            .sweep
            .clone()
            .unwrap_or(crate::config::raw::RawSweep {
                design: RawDesign::Grid,
                replications: None,
                points: None,
                parameters: Vec::new(),
            });
        let design = match sweep.design {
            RawDesign::Grid => Design::Grid,
            RawDesign::Zip => Design::Zip,
            RawDesign::Random => Design::Random,
            RawDesign::Lhs => Design::Lhs,
        };
        let sampled = matches!(design, Design::Random | Design::Lhs);
        let replications = replications
            .or(sweep.replications)
            .unwrap_or(loaded.scenario.replications);
        if replications == 0 {
            return Err(fail(
                "sweep.replications",
                "must be at least 1 (got 0)".into(),
            ));
        }
        let count = match (sampled, sweep.points) {
            (true, Some(0)) | (true, None) => {
                return Err(fail(
                    "sweep.points",
                    format!("must be at least 1 for the {} design", design.name()),
                ));
            }
            (false, Some(_)) => {
                return Err(fail(
                    "sweep.points",
                    format!(
                        "applies to the random and lhs designs only; the {} design's points come from the values",
                        design.name()
                    ),
                ));
            }
            (_, n) => n.unwrap_or(0),
        };

        let mut parameters: Vec<Parameter> = Vec::new();
        for (i, raw) in sweep.parameters.iter().enumerate() {
            let key = format!("sweep.parameters[{i}]");
            let parameter = parameter(&base, raw, sampled, &key)
                .map_err(|m| fail("sweep.parameters", format!("{key}: {m}")))?;
            let taken = RESERVED_COLUMNS.contains(&parameter.name.as_str())
                || parameter.name.starts_with("utility_")
                || loaded
                    .scenario
                    .issues
                    .iter()
                    .any(|x| x.name == parameter.name)
                || parameters.iter().any(|p| p.name == parameter.name);
            if taken {
                return Err(fail(
                    "sweep.parameters",
                    format!(
                        "{key}: column name `{}` is already taken; give the parameter another `name`",
                        parameter.name
                    ),
                ));
            }
            parameters.push(parameter);
        }
        if design == Design::Zip {
            let lengths: Vec<usize> = parameters
                .iter()
                .filter_map(|p| p.levels.listed())
                .collect();
            if lengths.windows(2).any(|w| w[0] != w[1]) {
                let listed: Vec<String> = parameters
                    .iter()
                    .zip(&lengths)
                    .map(|(p, n)| format!("{} has {n}", p.name))
                    .collect();
                return Err(fail(
                    "sweep.parameters",
                    format!(
                        "the zip design needs lists of equal length: {}",
                        listed.join(", ")
                    ),
                ));
            }
        }
        let seed = seed.unwrap_or(loaded.scenario.seed);
        let levels: Vec<Levels> = parameters.iter().map(|p| p.levels.clone()).collect();
        let points = Points::new(design, &levels, count, design_seed(seed));
        Ok(SweepPlan {
            file: file.to_string(),
            text: loaded.text.clone(),
            base,
            scenario_name: loaded.scenario.name.clone(),
            design,
            parameters,
            points,
            replications,
            seed,
        })
    }

    pub fn point_count(&self) -> u64 {
        self.points.count()
    }

    /// Total runs: points × replications.
    pub fn run_count(&self) -> u128 {
        u128::from(self.point_count()) * u128::from(self.replications)
    }

    /// The parameter values of a point.
    pub fn values(&self, point: u64) -> Vec<toml::Value> {
        self.points.point(point)
    }

    /// The parameter values of a point as dataset fields.
    pub fn labels(&self, point: u64) -> Vec<String> {
        self.values(point).iter().map(label).collect()
    }

    /// The validated scenario of a design point.
    pub fn scenario(&self, point: u64) -> Result<Scenario, ConfigError> {
        let values = self.values(point);
        let mut doc = self.base.clone();
        for (p, v) in self.parameters.iter().zip(&values) {
            overrides::set(&mut doc, &p.path, v.clone())
                .expect("validated: every parameter path exists");
        }
        let at = || {
            let assignment: Vec<String> = self
                .parameters
                .iter()
                .zip(&values)
                .map(|(p, v)| format!("{} = {}", p.name, label(v)))
                .collect();
            format!("design point {point} ({})", assignment.join(", "))
        };
        let raw: RawConfig = toml::Value::Table(doc)
            .try_into()
            .map_err(|e: toml::de::Error| {
                invalid(
                    &self.file,
                    None,
                    &at(),
                    format!(
                        "is not a valid config: {}",
                        crate::config::locate::with_suggestion(e.message().trim())
                    ),
                )
            })?;
        validate(&raw, &self.file, None).map_err(|e| match e {
            ConfigError::Invalid { key, message, .. } => invalid(
                &self.file,
                None,
                &at(),
                format!("is invalid: {key} {message}"),
            ),
            other => other,
        })
    }
}

fn parameter(
    base: &toml::Table,
    raw: &RawParameter,
    sampled: bool,
    key: &str,
) -> Result<Parameter, String> {
    let path = raw.path.trim().to_string();
    // Keys that would change the shape of the datasets or the seeding.
    let fixed = [
        "sweep",
        "scenario.name",
        "scenario.seed",
        "scenario.replications",
        "issues",
        "protocol.start_issue",
    ];
    if fixed
        .iter()
        .any(|f| path == *f || path.starts_with(&format!("{f}.")))
    {
        return Err(format!(
            "`{path}` cannot be swept: seeds and replicates come from --seed and \
             sweep.replications, and the issue space must be the same at every point"
        ));
    }
    let current = overrides::get(base, &path)?;
    let integer = matches!(current, Some(toml::Value::Integer(_)));
    let name = raw.name.clone().unwrap_or_else(|| path.clone());
    let levels = match (&raw.values, raw.from, raw.to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err("give either `values` or `from`/`to`, not both".into());
        }
        (Some(values), None, None) => {
            if values.is_empty() {
                return Err("`values` is empty; list at least one value".into());
            }
            if let Some(bad) = values
                .iter()
                .find(|v| matches!(v, toml::Value::Array(_) | toml::Value::Table(_)))
            {
                return Err(format!(
                    "values must be numbers or strings, not a {}",
                    bad.type_str()
                ));
            }
            if raw.steps.is_some() {
                return Err("`steps` goes with `from`/`to`, not with `values`".into());
            }
            Levels::List(values.clone())
        }
        (None, Some(from), Some(to)) => {
            if !from.is_finite() || !to.is_finite() {
                return Err(format!(
                    "`from` and `to` must be finite (got {from} and {to})"
                ));
            }
            let log = raw.scale == RawScale::Log;
            if log && (from <= 0.0 || to <= 0.0) {
                return Err(format!(
                    "a log scale needs positive `from` and `to` (got {from} and {to})"
                ));
            }
            match (sampled, raw.steps) {
                (true, Some(_)) => {
                    return Err("`steps` applies to grid and zip designs; random and lhs draw within from..to".into());
                }
                (true, None) => Levels::Range {
                    from,
                    to,
                    log,
                    integer,
                },
                (false, None) | (false, Some(0)) => {
                    return Err(
                        "a range needs `steps` (at least 1) for grid and zip designs".into(),
                    );
                }
                (false, Some(steps)) => Levels::stepped(from, to, steps, log, integer),
            }
        }
        (None, _, _) => {
            return Err(format!(
                "`{path}` needs `values = [...]` or a range `from`, `to` (and `steps` for grid and zip) ({key})"
            ));
        }
    };
    Ok(Parameter { path, name, levels })
}
