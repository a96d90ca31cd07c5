//! A validated sweep: the `[sweep]` table of a config checked once and turned
//! into design points, each of which yields a validated scenario.

use crate::config::raw::{RawConfig, RawDesign, RawParameter, RawScale};
use crate::config::validate::{RESERVED_COLUMNS, validate};
use crate::config::{ConfigError, LoadedConfig, invalid, overrides};
use crate::engine::seed::{common_seed, design_seed, run_seed};
use crate::model::Scenario;

use super::design::{Design, Levels, Points, Sampling, label};
use super::sobol_sequence::MAX_DIMENSIONS;
use super::trajectories::{MAX_CANDIDATES, MorrisStep};

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
    /// Sizes of sampled designs and Morris groups.
    pub sampling: Sampling,
    /// Morris factor names (a group's name, else the parameter's).
    pub group_names: Vec<String>,
    /// Replicates per design point.
    pub replications: u64,
    pub seed: u64,
    /// Common random numbers: replicate r of every point runs with the same
    /// seed, so that points are compared on the same environments.
    pub common_random_numbers: bool,
    /// What was adjusted rather than refused (one line each, naming the key).
    pub warnings: Vec<String>,
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
        let sweep = loaded.raw.sweep.clone().unwrap_or_default();
        let design = match sweep.design {
            RawDesign::Grid => Design::Grid,
            RawDesign::Zip => Design::Zip,
            RawDesign::Random => Design::Random,
            RawDesign::Lhs => Design::Lhs,
            RawDesign::Morris => Design::Morris,
            RawDesign::Sobol => Design::Sobol,
        };
        let sampled = design.sampled();
        let replications = replications
            .or(sweep.replications)
            .unwrap_or(loaded.scenario.replications);
        if replications == 0 {
            return Err(fail(
                "sweep.replications",
                "must be at least 1 (got 0)".into(),
            ));
        }
        // Which size keys go with which design.
        let keys: [(&str, bool, &[Design]); 6] = [
            (
                "points",
                sweep.points.is_some(),
                &[Design::Random, Design::Lhs],
            ),
            (
                "trajectories",
                sweep.trajectories.is_some(),
                &[Design::Morris],
            ),
            ("levels", sweep.levels.is_some(), &[Design::Morris]),
            (
                "optimal_trajectories",
                sweep.optimal_trajectories.is_some(),
                &[Design::Morris],
            ),
            ("samples", sweep.samples.is_some(), &[Design::Sobol]),
            (
                "second_order",
                sweep.second_order.is_some(),
                &[Design::Sobol],
            ),
        ];
        for (key, given, designs) in keys {
            if given && !designs.contains(&design) {
                let names: Vec<&str> = designs.iter().map(|d| d.name()).collect();
                return Err(fail(
                    &format!("sweep.{key}"),
                    format!(
                        "applies to the {} design only (this is a {} design)",
                        names.join(" and "),
                        design.name()
                    ),
                ));
            }
        }
        let mut sampling = Sampling {
            trajectories: sweep.trajectories.unwrap_or(0),
            levels: sweep.levels.unwrap_or(4),
            samples: sweep.samples.unwrap_or(0),
            second_order: sweep.second_order.unwrap_or(false),
            optimal_trajectories: sweep.optimal_trajectories.unwrap_or(0),
            ..Sampling::default()
        };
        let mut warnings = Vec::new();
        if design == Design::Morris {
            if sampling.trajectories < 2 {
                return Err(fail(
                    "sweep.trajectories",
                    "the morris design needs `trajectories`, at least 2 (10 to 50 is usual)".into(),
                ));
            }
            if sampling.levels < 2 || sampling.levels % 2 == 1 {
                return Err(fail(
                    "sweep.levels",
                    format!(
                        "must be an even number of at least 2 (got {})",
                        sampling.levels
                    ),
                ));
            }
        }
        if design == Design::Morris
            && let Some(m) = sweep.optimal_trajectories
            && (m <= sampling.trajectories || m > MAX_CANDIDATES)
        {
            return Err(fail(
                "sweep.optimal_trajectories",
                format!(
                    "is the number of candidate trajectories to choose the {} from: it must be more than `trajectories` and at most {MAX_CANDIDATES} (got {m}; 10 times `trajectories` is usual)",
                    sampling.trajectories
                ),
            ));
        }
        if design == Design::Sobol && sampling.samples < 2 {
            return Err(fail(
                "sweep.samples",
                "the sobol design needs `samples`, the number of base samples N, at least 2 (hundreds are usual)".into(),
            ));
        }
        if design == Design::Sobol && sampling.samples > 1 << 32 {
            return Err(fail(
                "sweep.samples",
                format!("must be at most 2^32 (got {})", sampling.samples),
            ));
        }
        if design == Design::Sobol && !sampling.samples.is_power_of_two() {
            let rounded = sampling.samples.next_power_of_two();
            warnings.push(format!(
                "sweep.samples = {} is not a power of two; using {rounded} base samples, the next one (a Sobol sequence is balanced at powers of two)",
                sampling.samples
            ));
            sampling.samples = rounded;
        }
        let count = match (matches!(design, Design::Random | Design::Lhs), sweep.points) {
            (true, Some(0)) | (true, None) => {
                return Err(fail(
                    "sweep.points",
                    format!("must be at least 1 for the {} design", design.name()),
                ));
            }
            (_, n) => n.unwrap_or(0),
        };
        sampling.points = count;

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
        // Morris groups: parameters sharing a `group` move together.
        let mut group_names: Vec<String> = Vec::new();
        for (i, raw) in sweep.parameters.iter().enumerate() {
            let name = match (&raw.group, design) {
                (Some(g), Design::Morris) => g.clone(),
                (Some(_), _) => {
                    return Err(fail(
                        "sweep.parameters",
                        format!("sweep.parameters[{i}]: `group` applies to the morris design only"),
                    ));
                }
                (None, _) => parameters[i].name.clone(),
            };
            let index = match group_names.iter().position(|g| *g == name) {
                Some(k) => k,
                None => {
                    group_names.push(name);
                    group_names.len() - 1
                }
            };
            sampling.groups.push(index);
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
        if matches!(design, Design::Morris | Design::Sobol) && parameters.is_empty() {
            return Err(fail(
                "sweep.parameters",
                format!("the {} design needs at least one parameter", design.name()),
            ));
        }
        if design == Design::Sobol && 2 * parameters.len() > MAX_DIMENSIONS {
            return Err(fail(
                "sweep.parameters",
                format!(
                    "the sobol design takes at most {} parameters (got {}): its base samples need two Sobol dimensions per parameter and detente has direction numbers for {MAX_DIMENSIONS}; fix some parameters or use design = \"morris\" to screen them first",
                    MAX_DIMENSIONS / 2,
                    parameters.len()
                ),
            ));
        }
        let points = Points::new(design, &levels, &sampling, design_seed(seed));
        Ok(SweepPlan {
            file: file.to_string(),
            text: loaded.text.clone(),
            base,
            scenario_name: loaded.scenario.name.clone(),
            design,
            parameters,
            points,
            sampling,
            group_names,
            replications,
            seed,
            common_random_numbers: sweep.common_random_numbers.unwrap_or(false),
            warnings,
        })
    }

    /// Morris: the factor (index into `group_names`) moved at each step, and
    /// whether up.
    pub fn morris_steps(&self) -> &[MorrisStep] {
        self.points.morris_steps()
    }

    /// The seed of a run: from (master seed, point, replicate), or with
    /// common random numbers from (master seed, replicate) alone.
    pub fn run_seed(&self, point: u64, replicate: u64) -> u64 {
        if self.common_random_numbers {
            common_seed(self.seed, replicate)
        } else {
            run_seed(self.seed, point, replicate)
        }
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
