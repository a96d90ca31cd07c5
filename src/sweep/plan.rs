//! A validated sweep: the `[sweep]` table of a config checked once and turned
//! into design points, each of which yields a validated scenario.

use rayon::prelude::*;

use crate::config::raw::{RawConfig, RawDesign, RawParameter, RawScale};
use crate::config::validate::{self, validate};
use crate::config::{ConfigError, LoadedConfig, Location, locate, overrides};
use crate::data::schema;
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
    /// Where each parameter's values are written, then the `[sweep]` table:
    /// errors at a design point point there.
    places: Vec<(String, Option<Location>)>,
    /// Whether the config declares a moving world (the datasets' columns
    /// follow it; every point must agree).
    world_declared: bool,
}

impl SweepPlan {
    /// Checks the `[sweep]` table of a loaded config. `seed` and `replications`
    /// override the config's. A config without `[sweep]` is one point.
    ///
    /// The design is sized arithmetically first: one of more than `max_runs`
    /// runs is refused before any point is built.
    pub fn new(
        loaded: &LoadedConfig,
        file: &str,
        seed: Option<u64>,
        replications: Option<u64>,
        max_runs: u64,
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

        // Stage one of the parameters: shapes and sizes, nothing built yet,
        // so a huge design is refused before it allocates.
        let mut parameters: Vec<Draft> = Vec::new();
        for (i, raw) in sweep.parameters.iter().enumerate() {
            let key = format!("sweep.parameters[{i}]");
            let Draft { path, name, shape } = parameter(&base, raw, sampled)
                .map_err(|e| fail(&format!("{key}.{}", e.field), e.message))?;
            let mut names: Vec<String> = parameters.iter().map(|p| p.name.clone()).collect();
            names.push(name.clone());
            if let Some(clash) = schema::find_clash(&loaded.scenario, &names) {
                return Err(fail(
                    &validate::origin_key(&loaded.scenario, clash.second),
                    validate::clash_message(&loaded.scenario, &clash),
                ));
            }
            if let Some((j, other)) = parameters
                .iter()
                .enumerate()
                .find(|(_, other)| overlaps(&path, &other.path))
            {
                let (other_name, other) = (&other.name, &other.path);
                let what = if *other == path {
                    format!("`{path}` is already swept by")
                } else {
                    format!("`{path}` overlaps `{other}` of")
                };
                return Err(fail(
                    &format!("{key}.path"),
                    format!(
                        "{what} sweep.parameters[{j}] (`{other_name}`), so `{name}` would override `{other_name}` at every point; sweep each path once"
                    ),
                ));
            }
            parameters.push(Draft { path, name, shape });
        }
        // Morris groups: parameters sharing a `group` move together.
        let mut group_names: Vec<String> = Vec::new();
        for (i, raw) in sweep.parameters.iter().enumerate() {
            let name = match (&raw.group, design) {
                (Some(g), Design::Morris) => g.clone(),
                (Some(_), _) => {
                    return Err(fail(
                        &format!("sweep.parameters[{i}].group"),
                        "is set, but `group` applies to the morris design only; remove it or use design = \"morris\"".into(),
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
            let lengths: Vec<u64> = parameters.iter().filter_map(|p| p.shape.count()).collect();
            if lengths.windows(2).any(|w| w[0] != w[1]) {
                let listed: Vec<String> = parameters
                    .iter()
                    .zip(&lengths)
                    .map(|(p, n)| format!("{} has {n}", p.name))
                    .collect();
                return Err(fail(
                    "sweep.parameters",
                    format!(
                        "must be lists of equal length for the zip design: {}",
                        listed.join(", ")
                    ),
                ));
            }
        }
        let seed = seed.unwrap_or(loaded.scenario.seed);
        if matches!(design, Design::Morris | Design::Sobol) && parameters.is_empty() {
            return Err(fail(
                "sweep.parameters",
                format!(
                    "must list at least one parameter for the {} design",
                    design.name()
                ),
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
        let counts: Vec<u64> = parameters.iter().filter_map(|p| p.shape.count()).collect();
        let point_count = design_size(design, &counts, parameters.len(), &sampling);
        let runs = point_count.saturating_mul(u128::from(replications));
        if runs > u128::from(max_runs) {
            let many =
                |n: u128, one: &str, more: &str| format!("{n} {}", if n == 1 { one } else { more });
            return Err(fail(
                "sweep",
                format!(
                    "design has {} x {} = {} runs, more than --max-runs {max_runs}; shrink the design or raise --max-runs",
                    many(point_count, "point", "points"),
                    many(u128::from(replications), "replication", "replications"),
                    if runs == u128::MAX {
                        "more than 2^128".to_string()
                    } else {
                        runs.to_string()
                    }
                ),
            ));
        }
        let parameters: Vec<Parameter> = parameters
            .into_iter()
            .map(|p| Parameter {
                path: p.path,
                name: p.name,
                levels: p.shape.build(),
            })
            .collect();
        let levels: Vec<Levels> = parameters.iter().map(|p| p.levels.clone()).collect();
        let points = Points::new(design, &levels, &sampling, design_seed(seed));
        debug_assert_eq!(u128::from(points.count()), point_count);
        let mut places: Vec<(String, Option<Location>)> = sweep
            .parameters
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let field = if raw.values.is_some() {
                    "values"
                } else {
                    "from"
                };
                loaded.place(&format!("sweep.parameters[{i}].{field}"))
            })
            .collect();
        places.push(loaded.place("sweep"));
        Ok(SweepPlan {
            file: file.to_string(),
            text: loaded.text.clone(),
            base,
            scenario_name: loaded.scenario.name.clone(),
            world_declared: loaded.scenario.world.declared,
            design,
            parameters,
            points,
            sampling,
            group_names,
            replications,
            seed,
            common_random_numbers: sweep.common_random_numbers.unwrap_or(false),
            warnings,
            places,
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

    /// Stage two for every design point, in parallel: the first bad point
    /// (in point order) is the error, as `detente sweep` reports it.
    pub fn check_points(&self) -> Result<(), ConfigError> {
        match (0..self.point_count())
            .into_par_iter()
            .map(|p| self.scenario(p).map(|_| ()))
            .find_first(|r| r.is_err())
        {
            Some(Err(e)) => Err(e),
            _ => Ok(()),
        }
    }

    /// The config document of a design point.
    fn document(&self, values: &[toml::Value]) -> toml::Table {
        let mut doc = self.base.clone();
        for (p, v) in self.parameters.iter().zip(values) {
            // Paths exist and do not overlap, so setting one never removes
            // the tables on the way to another.
            overrides::set(&mut doc, &p.path, v.clone())
                .expect("validated: every parameter path exists");
        }
        doc
    }

    /// The validated scenario of a design point.
    pub fn scenario(&self, point: u64) -> Result<Scenario, ConfigError> {
        let values = self.values(point);
        let doc = self.document(&values);
        let at = || {
            let assignment: Vec<String> = self
                .parameters
                .iter()
                .zip(&values)
                .map(|(p, v)| format!("{} = {}", p.name, label(v)))
                .collect();
            format!("design point {point} ({})", assignment.join(", "))
        };
        // The place of the parameter that sets (or holds) the bad key.
        let fail = |key: Option<&str>, message: String| {
            let (file, location) = key
                .and_then(|key| self.parameters.iter().position(|p| overlaps(&p.path, key)))
                .map_or_else(
                    || self.places[self.parameters.len()].clone(),
                    |i| self.places[i].clone(),
                );
            ConfigError::Invalid {
                file,
                key: at(),
                location,
                message,
            }
        };
        let raw: RawConfig = match toml::Value::Table(doc).try_into() {
            Ok(raw) => raw,
            Err(e) => {
                // A value of the wrong type: find its key through the text.
                let text = toml::to_string(&self.document(&values)).expect("a table serialises");
                let key = toml::from_str::<RawConfig>(&text)
                    .err()
                    .and_then(|e| e.span())
                    .and_then(|span| locate::path_at(&text, span.start));
                let message = locate::with_suggestion(e.message().trim());
                let message = match &key {
                    Some(key) => format!("is not a valid config: {key}: {message}"),
                    None => format!("is not a valid config: {message}"),
                };
                return Err(fail(key.as_deref(), message));
            }
        };
        let scenario = validate(&raw, &self.file, None).map_err(|e| match e {
            ConfigError::Invalid { key, message, .. } => {
                fail(Some(&key), format!("is invalid: {key} {message}"))
            }
            other => other,
        })?;
        if scenario.world.declared != self.world_declared {
            // The datasets' columns follow the config; a swept key that
            // declares a moving part only at some points would change them.
            return Err(fail(
                None,
                "declares a moving world (a threat path, events or an agent's conduct key) that the config does not, which would change runs.csv's columns: give the swept key a value in the config too (e.g. may_abandon = false)".into(),
            ));
        }
        Ok(scenario)
    }
}

/// A checked parameter whose values are not built yet.
#[derive(Debug)]
struct Draft {
    path: String,
    name: String,
    shape: Shape,
}

/// What is wrong with a field of a `[[sweep.parameters]]` table.
#[derive(Debug)]
struct FieldError {
    field: &'static str,
    message: String,
}

/// A parameter's values before they are built.
#[derive(Debug)]
enum Shape {
    List(Vec<toml::Value>),
    /// A continuous range for the sampled designs.
    Range {
        from: f64,
        to: f64,
        log: bool,
        integer: bool,
    },
    /// A range cut into `steps` values for grid and zip.
    Stepped {
        from: f64,
        to: f64,
        steps: u32,
        log: bool,
        integer: bool,
    },
}

impl Shape {
    /// Number of listed values (`None` for a continuous range).
    fn count(&self) -> Option<u64> {
        match self {
            Shape::List(values) => Some(values.len() as u64),
            Shape::Stepped { steps, .. } => Some(u64::from(*steps)),
            Shape::Range { .. } => None,
        }
    }

    fn build(self) -> Levels {
        match self {
            Shape::List(values) => Levels::List(values),
            Shape::Range {
                from,
                to,
                log,
                integer,
            } => Levels::Range {
                from,
                to,
                log,
                integer,
            },
            Shape::Stepped {
                from,
                to,
                steps,
                log,
                integer,
            } => Levels::stepped(from, to, steps, log, integer),
        }
    }
}

/// Number of design points, from the sizes alone (saturating at `u128::MAX`):
/// `counts` are the listed parameters' numbers of values, `parameters` the
/// number of parameters.
fn design_size(design: Design, counts: &[u64], parameters: usize, sampling: &Sampling) -> u128 {
    let d = parameters as u128;
    match design {
        Design::Grid => counts
            .iter()
            .try_fold(1u128, |n, &c| n.checked_mul(u128::from(c)))
            .unwrap_or(u128::MAX),
        Design::Zip => counts.first().map_or(1, |&c| u128::from(c)),
        Design::Random | Design::Lhs => u128::from(sampling.points),
        Design::Morris => {
            u128::from(sampling.trajectories).saturating_mul(sampling.factors() as u128 + 1)
        }
        Design::Sobol => {
            let per_sample = if sampling.second_order {
                2 * d + 2
            } else {
                d + 2
            };
            u128::from(sampling.samples).saturating_mul(per_sample)
        }
    }
}

/// Whether setting one path would change the other: the same key, or one
/// inside the other's table.
fn overlaps(a: &str, b: &str) -> bool {
    let inside = |inner: &str, outer: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    };
    inside(a, b) || inside(b, a)
}

/// Checks one `[[sweep.parameters]]` table: its path, column name and the
/// shape of its values. An error names the field it is about.
fn parameter(base: &toml::Table, raw: &RawParameter, sampled: bool) -> Result<Draft, FieldError> {
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
        return Err(field_error(
            "path",
            format!(
                "`{path}` cannot be swept: seeds and replicates come from --seed and \
                 sweep.replications, and the issue space must be the same at every point"
            ),
        ));
    }
    let current = overrides::get(base, &path).map_err(|message| field_error("path", message))?;
    let integer = matches!(current, Some(toml::Value::Integer(_)));
    let name = raw.name.clone().unwrap_or_else(|| path.clone());
    let shape = match (&raw.values, raw.from, raw.to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(field_error(
                "values",
                "and `from`/`to` are both given; give one or the other",
            ));
        }
        (Some(values), None, None) => {
            if values.is_empty() {
                return Err(field_error("values", "is empty; list at least one value"));
            }
            if let Some(bad) = values
                .iter()
                .find(|v| matches!(v, toml::Value::Array(_) | toml::Value::Table(_)))
            {
                return Err(field_error(
                    "values",
                    format!("must be numbers or strings, not a {}", bad.type_str()),
                ));
            }
            if raw.steps.is_some() {
                return Err(field_error(
                    "steps",
                    "goes with `from`/`to`, not with `values`",
                ));
            }
            Shape::List(values.clone())
        }
        (None, Some(from), Some(to)) => {
            if !from.is_finite() || !to.is_finite() {
                return Err(field_error(
                    "from",
                    format!("and `to` must be finite (got {from} and {to})"),
                ));
            }
            let log = raw.scale == RawScale::Log;
            if log && (from <= 0.0 || to <= 0.0) {
                return Err(field_error(
                    "scale",
                    format!("is log, which needs positive `from` and `to` (got {from} and {to})"),
                ));
            }
            match (sampled, raw.steps) {
                (true, Some(_)) => {
                    return Err(field_error(
                        "steps",
                        "applies to grid and zip designs; random and lhs draw within from..to",
                    ));
                }
                (true, None) => Shape::Range {
                    from,
                    to,
                    log,
                    integer,
                },
                (false, None) | (false, Some(0)) => {
                    return Err(field_error(
                        "steps",
                        "must be at least 1: a range needs `steps` in the grid and zip designs",
                    ));
                }
                (false, Some(steps)) => Shape::Stepped {
                    from,
                    to,
                    steps,
                    log,
                    integer,
                },
            }
        }
        (None, _, _) => {
            return Err(field_error(
                "path",
                format!(
                    "`{path}` needs `values = [...]` or a range `from`, `to` (and `steps` for grid and zip)"
                ),
            ));
        }
    };
    Ok(Draft { path, name, shape })
}

fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}
