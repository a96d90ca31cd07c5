//! A validated `[calibration]` table, and the negotiation model as the
//! simulator of ABC: a particle's parameter values are set on the config's
//! dotted paths, the scenario is validated and prepared once per setting,
//! and its replicate runs are folded into the statistics of `summary.csv`.

use crate::config::raw::{RawConfig, RawSense, RawTarget};
use crate::config::validate::validate;
use crate::config::{ConfigError, LoadedConfig, locate, overrides};
use crate::data::schema::{self, column};
use crate::data::summary::PointSummary;
use crate::engine::seed::run_seed;
use crate::error::Error;
use crate::model::{Model, Scenario, Scratch};

pub(crate) mod parse;

use super::prior::Prior;
use super::smc::{Settings, Simulator};
use parse::{prior, settings};

/// Paths that cannot be calibrated or contrasted: they fix the datasets'
/// shape or the seeding.
const FIXED: [&str; 7] = [
    "sweep",
    "calibration",
    "scenario.name",
    "scenario.seed",
    "scenario.replications",
    "issues",
    "protocol.start_issue",
];

/// Columns of particles.csv that parameters and targets may not take.
const RESERVED: [&str; 4] = ["generation", "particle", "weight", "distance"];

/// A calibrated parameter.
#[derive(Debug, Clone)]
pub struct Calibrated {
    pub path: String,
    pub name: String,
    pub prior: Prior,
    /// The values of a discrete prior.
    pub values: Vec<toml::Value>,
}

/// How a statistic is compared with its observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    Equal,
    AtMost,
    AtLeast,
}

/// An observed pattern.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub statistic: String,
    /// Index of the statistic among a summary row's fields.
    field: usize,
    pub observed: f64,
    pub scale: f64,
    pub sense: Sense,
    /// The settings (indices into `conditions`) whose statistics are
    /// subtracted, first minus second; `None` for the base setting alone.
    contrast: Option<(usize, usize)>,
    pub description: String,
    pub source: Option<String>,
}

/// A checked calibration.
#[derive(Debug, Clone)]
pub struct CalibrationPlan {
    pub file: String,
    pub text: String,
    pub scenario_name: String,
    base: toml::Table,
    pub parameters: Vec<Calibrated>,
    pub targets: Vec<Target>,
    /// Extra settings of each simulated condition (the first is the base, none).
    conditions: Vec<Vec<(String, toml::Value)>>,
    pub replicates: u64,
    pub settings: Settings,
}

fn overlaps(a: &str, b: &str) -> bool {
    let inside = |inner: &str, outer: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    };
    inside(a, b) || inside(b, a)
}

impl CalibrationPlan {
    /// Checks the `[calibration]` table of a loaded config; `seed` overrides
    /// the scenario's.
    pub fn new(loaded: &LoadedConfig, file: &str, seed: Option<u64>) -> Result<Self, ConfigError> {
        let fail = |key: &str, message: String| loaded.invalid(key, message);
        let Some(raw) = loaded.raw.calibration.clone() else {
            return Err(ConfigError::Invalid {
                file: file.to_string(),
                key: "calibration".into(),
                location: None,
                message: "is missing: `detente calibrate` needs a [calibration] table with parameters and targets (see README, Calibration)".into(),
            });
        };
        let base: toml::Table = loaded
            .text
            .parse()
            .expect("the config parsed once already, so it parses again");
        let settings = settings(&raw, loaded, seed.unwrap_or(loaded.scenario.seed))?;
        let replicates = raw.replicates.unwrap_or(40);
        if replicates == 0 {
            return Err(fail(
                "calibration.replicates",
                "must be at least 1 (got 0)".into(),
            ));
        }
        let mut plan = CalibrationPlan {
            file: file.to_string(),
            text: loaded.text.clone(),
            scenario_name: loaded.scenario.name.clone(),
            base,
            parameters: Vec::new(),
            targets: Vec::new(),
            conditions: vec![Vec::new()],
            replicates,
            settings,
        };
        if raw.parameters.is_empty() {
            return Err(fail(
                "calibration",
                "has no parameters; add [[calibration.parameters]] with a path and a prior".into(),
            ));
        }
        for (i, p) in raw.parameters.iter().enumerate() {
            let key = format!("calibration.parameters[{i}]");
            let path = p.path.trim().to_string();
            plan.check_path(&path)
                .map_err(|m| fail(&format!("{key}.path"), m))?;
            let name = p.name.clone().unwrap_or_else(|| path.clone());
            if let Some(j) = plan
                .parameters
                .iter()
                .position(|q| overlaps(&q.path, &path))
            {
                return Err(fail(
                    &format!("{key}.path"),
                    format!(
                        "overlaps calibration.parameters[{j}] (`{}`); calibrate each path once",
                        plan.parameters[j].path
                    ),
                ));
            }
            if plan.parameters.iter().any(|q| q.name == name) || RESERVED.contains(&name.as_str()) {
                return Err(fail(
                    &format!("{key}.name"),
                    format!("`{name}` is taken; give another name"),
                ));
            }
            let integer = matches!(
                overrides::get(&plan.base, &path),
                Ok(Some(toml::Value::Integer(_)))
            );
            let (prior, values) = prior(&p.prior, integer)
                .map_err(|(field, m)| fail(&format!("{key}.prior.{field}"), m))?;
            // Every value the prior can take must make a valid scenario: its
            // bounds (continuous) or each value (discrete).
            let probes: Vec<toml::Value> = if values.is_empty() {
                let (low, high) = prior.support();
                vec![prior.value(low), prior.value(high)]
                    .into_iter()
                    .map(toml::Value::Float)
                    .collect()
            } else {
                values.clone()
            };
            for value in probes {
                plan.probe(&[(path.clone(), value.clone())]).map_err(|m| {
                    if m.contains("unknown field") {
                        fail(&format!("{key}.path"), format!("`{path}` is not a key of the scenario: {m}"))
                    } else {
                        fail(
                            &format!("{key}.prior"),
                            format!("allows {path} = {}, which makes the scenario invalid: {m}; keep the prior within the parameter's valid range", label(&value)),
                        )
                    }
                })?;
            }
            plan.parameters.push(Calibrated {
                path,
                name,
                prior,
                values,
            });
        }
        if raw.targets.is_empty() {
            return Err(fail(
                "calibration",
                "has no targets; add [[calibration.targets]] with a statistic, observed and scale"
                    .into(),
            ));
        }
        let statistics: Vec<String> =
            schema::header(&schema::summary_columns(&loaded.scenario, &[]));
        for (i, t) in raw.targets.iter().enumerate() {
            let target = plan
                .target(t, &statistics)
                .map_err(|(field, m)| fail(&format!("calibration.targets[{i}].{field}"), m))?;
            plan.targets.push(target);
        }
        Ok(plan)
    }

    /// Refuses a path that cannot be set.
    fn check_path(&self, path: &str) -> Result<(), String> {
        if FIXED.iter().any(|f| overlaps(path, f)) {
            return Err(format!(
                "`{path}` cannot be calibrated: it fixes the issue space, the seeding or the study itself"
            ));
        }
        overrides::get(&self.base, path).map(|_| ())
    }

    /// Whether the base config with `settings` validates (the message if not).
    fn probe(&self, settings: &[(String, toml::Value)]) -> Result<Scenario, String> {
        let mut doc = self.base.clone();
        for (path, value) in settings {
            overrides::set(&mut doc, path, value.clone())?;
        }
        let raw: RawConfig = toml::Value::Table(doc)
            .try_into()
            .map_err(|e: toml::de::Error| locate::with_suggestion(e.message().trim()))?;
        validate(&raw, &self.file, None).map_err(|e| match e {
            ConfigError::Invalid { key, message, .. } => format!("{key} {message}"),
            other => other.to_string(),
        })
    }

    fn target(
        &mut self,
        t: &RawTarget,
        statistics: &[String],
    ) -> Result<Target, (&'static str, String)> {
        let name = t.name.trim().to_string();
        if name.is_empty()
            || self.targets.iter().any(|o| o.name == name)
            || self.parameters.iter().any(|p| p.name == name)
            || RESERVED.contains(&name.as_str())
        {
            return Err((
                "name",
                format!("`{name}` is empty or taken; give each target its own name"),
            ));
        }
        let usable: Vec<&str> = statistics
            .iter()
            .map(String::as_str)
            .filter(|s| is_statistic(s))
            .collect();
        // summary.csv's fields of a point start after its point_id.
        let Some(field) = statistics
            .iter()
            .position(|s| *s == t.statistic && is_statistic(s))
            .map(|at| at - 1)
        else {
            let hint = locate::nearest(&t.statistic, usable.iter().copied())
                .map_or(String::new(), |n| format!("did you mean `{n}`? "));
            return Err((
                "statistic",
                format!(
                    "`{}` is not a statistic of summary.csv; {hint}choose one of: {}",
                    t.statistic,
                    usable.join(", ")
                ),
            ));
        };
        if !t.observed.is_finite() {
            return Err((
                "observed",
                format!("must be a finite number (got {})", t.observed),
            ));
        }
        if !(t.scale.is_finite() && t.scale > 0.0) {
            return Err((
                "scale",
                format!("must be a positive number (got {})", t.scale),
            ));
        }
        let contrast = match &t.contrast {
            None => None,
            Some(c) => {
                let path = c.path.trim().to_string();
                self.check_path(&path).map_err(|m| ("contrast.path", m))?;
                if let Some(p) = self.parameters.iter().find(|p| overlaps(&p.path, &path)) {
                    return Err((
                        "contrast.path",
                        format!(
                            "`{path}` is calibrated (`{}`); contrast another path",
                            p.name
                        ),
                    ));
                }
                let [a, b] = c.values.as_slice() else {
                    return Err((
                        "contrast.values",
                        format!(
                            "must list two values, the first minus the second (got {})",
                            c.values.len()
                        ),
                    ));
                };
                if a == b {
                    return Err((
                        "contrast.values",
                        format!(
                            "are the same ({}), so the contrast is always 0; give two different settings",
                            label(a)
                        ),
                    ));
                }
                let mut index = [0; 2];
                for (slot, value) in index.iter_mut().zip([a, b]) {
                    let setting = vec![(path.clone(), value.clone())];
                    self.probe(&setting).map_err(|m| {
                        if m.contains("unknown field") {
                            (
                                "contrast.path",
                                format!("`{path}` is not a key of the scenario: {m}"),
                            )
                        } else {
                            (
                                "contrast.values",
                                format!(
                                    "{path} = {} makes the scenario invalid: {m}",
                                    label(value)
                                ),
                            )
                        }
                    })?;
                    *slot = match self.conditions.iter().position(|c| *c == setting) {
                        Some(k) => k,
                        None => {
                            self.conditions.push(setting);
                            self.conditions.len() - 1
                        }
                    };
                }
                Some((index[0], index[1]))
            }
        };
        let sense = match t.sense {
            RawSense::Equal => Sense::Equal,
            RawSense::AtMost => Sense::AtMost,
            RawSense::AtLeast => Sense::AtLeast,
        };
        let description = match &t.contrast {
            Some(c) => format!(
                "{} at {} = {} minus at {}",
                t.statistic,
                c.path.trim(),
                label(&c.values[0]),
                label(&c.values[1])
            ),
            None => t.statistic.clone(),
        };
        Ok(Target {
            name,
            statistic: t.statistic.clone(),
            field,
            observed: t.observed,
            scale: t.scale,
            sense,
            contrast,
            description,
            source: t.source.clone(),
        })
    }

    /// Conditions the targets use (the base only if a target uses it).
    fn used(&self) -> Vec<bool> {
        let mut used = vec![false; self.conditions.len()];
        for t in &self.targets {
            match t.contrast {
                Some((a, b)) => {
                    used[a] = true;
                    used[b] = true;
                }
                None => used[0] = true,
            }
        }
        used
    }

    /// The config value of parameter `k` at kernel coordinate `z`.
    pub fn value(&self, k: usize, z: f64) -> toml::Value {
        let p = &self.parameters[k];
        match p.prior {
            Prior::Discrete { .. } => p.values[z as usize].clone(),
            _ => toml::Value::Float(p.prior.value(z)),
        }
    }

    /// Parameter `k`'s value at `z` as a dataset field.
    pub fn label(&self, k: usize, z: f64) -> String {
        label(&self.value(k, z))
    }

    /// The kernel coordinate of a dataset field of parameter `k` (resuming).
    pub fn coordinate(&self, k: usize, field: &str) -> Option<f64> {
        let p = &self.parameters[k];
        match p.prior {
            Prior::Discrete { .. } => p
                .values
                .iter()
                .position(|v| label(v) == field)
                .map(|i| i as f64),
            _ => field.parse().ok(),
        }
    }

    /// Whether parameter `k`'s values are numbers (its posterior has moments).
    pub fn numeric(&self, k: usize) -> bool {
        let p = &self.parameters[k];
        p.values
            .iter()
            .all(|v| matches!(v, toml::Value::Integer(_) | toml::Value::Float(_)))
    }

    /// Parameter `k`'s value at `z` as a number (a discrete label's number, or its index).
    pub fn number(&self, k: usize, z: f64) -> f64 {
        match self.value(k, z) {
            toml::Value::Integer(i) => i as f64,
            toml::Value::Float(x) => x,
            _ => z,
        }
    }
}

impl Simulator for CalibrationPlan {
    fn runs_per_candidate(&self) -> u64 {
        self.used().iter().filter(|&&u| u).count() as u64 * self.replicates
    }

    fn statistics(&self, theta: &[f64], seed: u64) -> Result<Vec<f64>, Error> {
        let assigned: Vec<(String, toml::Value)> = self
            .parameters
            .iter()
            .enumerate()
            .map(|(k, p)| (p.path.clone(), self.value(k, theta[k])))
            .collect();
        let mut fields: Vec<Vec<f64>> = vec![Vec::new(); self.conditions.len()];
        let mut scratch = Scratch::default();
        for (c, used) in self.used().into_iter().enumerate() {
            if !used {
                continue;
            }
            let mut settings = assigned.clone();
            settings.extend(self.conditions[c].iter().cloned());
            let scenario = self.probe(&settings).map_err(|m| {
                let values: Vec<String> = assigned.iter().map(|(p, v)| format!("{p} = {}", label(v))).collect();
                Error::Usage(format!(
                    "{}: calibration.parameters: the values ({}) make the scenario invalid: {m}; narrow the priors",
                    self.file,
                    values.join(", ")
                ))
            })?;
            let model = Model::new(scenario);
            let mut summary = PointSummary::new(0, model.scenario());
            for r in 0..self.replicates {
                // The same seeds in every setting: contrasts compare like with like.
                let result = model.simulate(run_seed(seed, 0, r), &mut scratch, None);
                summary.add(model.scenario(), Ok(&result));
            }
            fields[c] = summary
                .fields(model.scenario())
                .iter()
                .map(|f| f.parse().unwrap_or(f64::NAN))
                .collect();
        }
        Ok(self
            .targets
            .iter()
            .map(|t| match t.contrast {
                Some((a, b)) => fields[a][t.field] - fields[b][t.field],
                None => fields[0][t.field],
            })
            .collect())
    }

    fn distance(&self, statistics: &[f64]) -> f64 {
        let sum: f64 = self
            .targets
            .iter()
            .zip(statistics)
            .map(|(t, &s)| {
                let d = match t.sense {
                    Sense::Equal => (s - t.observed).abs(),
                    Sense::AtMost => (s - t.observed).max(0.0),
                    Sense::AtLeast => (t.observed - s).max(0.0),
                } / t.scale;
                d * d
            })
            .sum();
        if sum.is_nan() {
            f64::INFINITY
        } else {
            sum.sqrt()
        }
    }
}

/// A config value as a dataset field (strings without quotes).
pub fn label(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a summary.csv column is a statistic a target can name.
fn is_statistic(name: &str) -> bool {
    ![column::POINT_ID, column::RUNS, column::FAILED_RUNS].contains(&name)
}
