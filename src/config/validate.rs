//! Stage two: check a raw config once and turn it into a [`Scenario`]. Code
//! after this never re-checks and never sees raw input.

use indexmap::IndexMap;

use super::error::ConfigError;
use super::locate::{find, nearest};
use super::raw::{
    RawAgent, RawConfig, RawEffects, RawIssue, RawLinkage, RawProtocolKind, RawRole, RawThreat,
};
use crate::data::schema::{self, Clash, Origin};
use crate::model::{
    ATTRIBUTES, Agent, Environment, Issue, IssueKind, Linkage, OilModel, Package, Protocol,
    ProtocolKind, Role, Scenario, Strategy, ThreatModel, World,
};

/// Largest package space a scenario may have.
pub const MAX_PACKAGES: u128 = 20_000_000;

/// Largest magnitude of a number without a natural range (weights, effects,
/// exposures, risk and concession exponents, threat shapes, oil prices and
/// round lengths): far beyond any meaningful value, and small enough that the
/// sums and products of the model stay finite. Weights of 1e308 would sum to
/// infinity and normalise to zeros; a price of 1e308 overflows on its first
/// step.
pub const MAX_MAGNITUDE: f64 = 1e6;

/// Longest negotiation, in rounds. A sweep keeps the offers of the runs in
/// flight in memory and writes every one to rounds.csv, so memory and disk
/// grow with the deadline (about 5 MB a traced run at this limit).
pub const MAX_DEADLINE_ROUNDS: u32 = 10_000;

/// Largest standard deviation of the log oil price over the negotiation,
/// `volatility × √(years_per_round × deadline_rounds)`, and largest drift of
/// it, `|drift| × years_per_round × deadline_rounds`: beyond these a price
/// path can overflow to infinity (and its leverage to NaN).
pub const MAX_LOG_PRICE_SD: f64 = 10.0;
pub const MAX_LOG_PRICE_DRIFT: f64 = 200.0;

/// Builds errors that name the file and, where the source is known, the line.
pub(super) struct Checker<'a> {
    pub(super) file: &'a str,
    pub(super) text: Option<&'a str>,
}

impl Checker<'_> {
    pub(super) fn fail(&self, key: impl Into<String>, message: impl Into<String>) -> ConfigError {
        let key = key.into();
        ConfigError::Invalid {
            file: self.file.to_string(),
            location: self.text.and_then(|t| find(t, &key)),
            key,
            message: message.into(),
        }
    }

    /// A finite number within `[low, high]`.
    pub(super) fn range(
        &self,
        key: &str,
        value: f64,
        low: f64,
        high: f64,
    ) -> Result<f64, ConfigError> {
        // Formatted only for a message: validation runs once per design
        // point and per calibration candidate.
        let got = || number(value);
        if !value.is_finite() {
            return Err(self.fail(key, format!("must be a finite number (got {})", got())));
        }
        if value < low {
            return Err(self.fail(key, format!("must be >= {} (got {})", number(low), got())));
        }
        if value > high {
            return Err(self.fail(key, format!("must be <= {} (got {})", number(high), got())));
        }
        Ok(value)
    }

    /// A finite number strictly above `low`.
    pub(super) fn above(&self, key: &str, value: f64, low: f64) -> Result<f64, ConfigError> {
        self.range(key, value, f64::NEG_INFINITY, f64::INFINITY)?;
        if value <= low {
            return Err(self.fail(key, format!("must be > {low} (got {})", number(value))));
        }
        Ok(value)
    }

    /// A number within `±MAX_MAGNITUDE`.
    pub(super) fn magnitude(&self, key: &str, value: f64) -> Result<f64, ConfigError> {
        self.range(key, value, -MAX_MAGNITUDE, MAX_MAGNITUDE)
    }

    /// A number in `(0, MAX_MAGNITUDE]`.
    pub(super) fn positive(&self, key: &str, value: f64) -> Result<f64, ConfigError> {
        self.above(key, value, 0.0)?;
        self.range(key, value, 0.0, MAX_MAGNITUDE)
    }

    pub(super) fn identifier(&self, key: &str, name: &str) -> Result<(), ConfigError> {
        let mut chars = name.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(())
        } else {
            Err(self.fail(
                key,
                format!(
                    "name `{name}` must start with a letter and use only letters, digits and `_` (it becomes a column name)"
                ),
            ))
        }
    }

    /// Index of `name` in `names`, or an error that suggests the nearest one.
    pub(super) fn lookup(
        &self,
        key: &str,
        what: &str,
        name: &str,
        names: &[&str],
    ) -> Result<usize, ConfigError> {
        names.iter().position(|n| *n == name).ok_or_else(|| {
            let hint = nearest(name, names.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            self.fail(
                key,
                format!(
                    "refers to unknown {what} `{name}`{hint} ({what}s: {})",
                    names.join(", ")
                ),
            )
        })
    }
}

/// Validates a raw config. `text` is the TOML source, when there is one, for line numbers.
pub fn validate(raw: &RawConfig, file: &str, text: Option<&str>) -> Result<Scenario, ConfigError> {
    let c = Checker { file, text };
    let name = &raw.scenario.name;
    if name.is_empty()
        || !name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch))
        || name.starts_with('.')
    {
        return Err(c.fail(
            "scenario.name",
            format!(
                "must be non-empty and use only letters, digits, `_`, `-` and `.` (it names output folders; got `{name}`)"
            ),
        ));
    }
    if raw.scenario.replications == 0 {
        return Err(c.fail("scenario.replications", "must be at least 1 (got 0)"));
    }
    axis_texts(&c, raw)?;
    let issues = issues(&c, &raw.issues)?;
    let issue_names: Vec<&str> = issues.iter().map(|i| i.name.as_str()).collect();
    let agent_names: Vec<&str> = raw.agents.keys().map(String::as_str).collect();
    let agents = raw
        .agents
        .iter()
        .map(|(name, agent)| self::agent(&c, name, agent, &issues, &issue_names, &agent_names))
        .collect::<Result<Vec<_>, _>>()?;
    roles(&c, &agents)?;
    let environment = environment(&c, raw)?;
    let protocol = protocol(&c, raw, &issues, &issue_names)?;
    let scenario = Scenario {
        name: name.clone(),
        description: raw.scenario.description.clone(),
        seed: raw.scenario.seed,
        replications: raw.scenario.replications,
        issues,
        agents,
        environment,
        protocol,
        world: World::default(),
        information: Default::default(),
    };
    // Clashes of the scenario's own names first: every event's changes are
    // validated as a config of their own, and should not be the first to
    // report them.
    if let Some(clash) = schema::find_clash(&scenario, &[]) {
        return Err(c.fail(
            origin_key(&scenario, clash.second),
            clash_message(&scenario, &clash),
        ));
    }
    let scenario = Scenario {
        world: super::world::world(&c, raw, &scenario)?,
        information: super::information::information(&c, raw, &scenario)?,
        ..scenario
    };
    match schema::find_clash(&scenario, &[]) {
        Some(clash) => Err(c.fail(
            origin_key(&scenario, clash.second),
            clash_message(&scenario, &clash),
        )),
        None => Ok(scenario),
    }
}

/// Longest `label` or `unit` of a swept parameter, in characters: what fits
/// on a figure's axis beside the other.
pub const MAX_AXIS_TEXT: usize = 60;

/// The `label` and `unit` of each swept parameter: one line of text that
/// fits on an axis.
fn axis_texts(c: &Checker, raw: &RawConfig) -> Result<(), ConfigError> {
    let parameters = raw.sweep.iter().flat_map(|s| s.parameters.iter());
    for (i, parameter) in parameters.enumerate() {
        for (field, text) in [("label", &parameter.label), ("unit", &parameter.unit)] {
            let Some(text) = text else { continue };
            let key = format!("sweep.parameters[{i}].{field}");
            let length = text.chars().count();
            if text.trim().is_empty() {
                return Err(c.fail(key, "is empty; leave it out to use the default"));
            }
            if text.chars().any(char::is_control) {
                return Err(c.fail(
                    key,
                    "must be one line of text (no line breaks, tabs or control characters)",
                ));
            }
            if length > MAX_AXIS_TEXT {
                return Err(c.fail(
                    key,
                    format!("is {length} characters long; at most {MAX_AXIS_TEXT} fit on an axis"),
                ));
            }
        }
    }
    Ok(())
}

/// The config key that names a dataset column's origin.
pub fn origin_key(scenario: &Scenario, origin: Origin) -> String {
    match origin {
        Origin::Issue(i) => format!("issues.{}", scenario.issues[i].name),
        Origin::Agent(i) => format!("agents.{}", scenario.agents[i].name),
        Origin::Parameter(i) => format!("sweep.parameters[{i}].name"),
        Origin::Event(i) => format!("events[{i}].name"),
        Origin::Fixed => String::new(),
    }
}

/// Why a name clashes, and what to rename.
pub fn clash_message(scenario: &Scenario, clash: &Clash) -> String {
    let what = |origin| match origin {
        Origin::Fixed => "detente's own column".to_string(),
        Origin::Issue(i) => format!("issue `{}`", scenario.issues[i].name),
        Origin::Agent(i) => format!("agent `{}`", scenario.agents[i].name),
        Origin::Parameter(i) => format!("sweep.parameters[{i}]"),
        Origin::Event(i) => format!("event `{}`", scenario.world.events[i].name),
    };
    let rename = match clash.second {
        Origin::Issue(_) => "rename the issue",
        Origin::Agent(_) => "rename the agent",
        Origin::Event(_) => "rename the event",
        _ => "give the parameter another `name`",
    };
    format!(
        "gives {} a second column `{}` (the first comes from {}); {rename}",
        clash.file,
        clash.name,
        what(clash.first)
    )
}

fn issues(c: &Checker, raw: &IndexMap<String, RawIssue>) -> Result<Vec<Issue>, ConfigError> {
    if raw.is_empty() {
        return Err(c.fail("issues", "must define at least one issue"));
    }
    let mut issues = Vec::new();
    for (name, issue) in raw {
        let key = format!("issues.{name}");
        c.identifier(&key, name)?;
        let kind = match issue {
            RawIssue::Integer { min, max } => {
                if min > max {
                    return Err(c.fail(
                        format!("{key}.max"),
                        format!("must be >= min ({min}) (got {max})"),
                    ));
                }
                // In i128: the span of two i64s can overflow an i64.
                if i128::from(*max) - i128::from(*min) >= 1_000_000 {
                    return Err(c.fail(
                        format!("{key}.max"),
                        "gives more than 1,000,000 values; narrow the range",
                    ));
                }
                IssueKind::Integer {
                    min: *min,
                    max: *max,
                }
            }
            RawIssue::YesNo {} => IssueKind::YesNo,
            RawIssue::Levels { levels } => {
                if levels.is_empty() {
                    return Err(c.fail(
                        format!("{key}.levels"),
                        "must list at least one level (got an empty list)",
                    ));
                }
                for (i, level) in levels.iter().enumerate() {
                    if level.trim().is_empty() {
                        return Err(c.fail(format!("{key}.levels"), format!("level {i} is empty")));
                    }
                    if levels[..i].contains(level) {
                        return Err(c.fail(
                            format!("{key}.levels"),
                            format!("lists `{level}` twice; levels must be distinct"),
                        ));
                    }
                }
                IssueKind::Levels {
                    levels: levels.clone(),
                }
            }
            RawIssue::Share { step } => {
                let skey = format!("{key}.step");
                let step = c.range(&skey, *step, 0.0, 1.0)?;
                let count = 1.0 / step;
                if step == 0.0 || (count - count.round()).abs() > 1e-6 * count || count > 1e6 {
                    return Err(c.fail(
                        &skey,
                        format!(
                            "must divide 1 into a whole number of steps, at most 1,000,000 (got {step})"
                        ),
                    ));
                }
                IssueKind::Share { step }
            }
        };
        issues.push(Issue {
            name: name.clone(),
            kind,
        });
    }
    // Saturating: many issues could overflow even a u128.
    let size = issues
        .iter()
        .try_fold(1u128, |n, i| n.checked_mul(i.value_count() as u128))
        .unwrap_or(u128::MAX);
    if size > MAX_PACKAGES {
        return Err(c.fail(
            "issues",
            format!(
                "span {} packages; at most {MAX_PACKAGES} are supported: coarsen a share step, narrow an integer range or drop a level",
                if size == u128::MAX {
                    "more than 2^128".to_string()
                } else {
                    size.to_string()
                }
            ),
        ));
    }
    Ok(issues)
}

fn agent(
    c: &Checker,
    name: &str,
    raw: &RawAgent,
    issues: &[Issue],
    issue_names: &[&str],
    agent_names: &[&str],
) -> Result<Agent, ConfigError> {
    let key = format!("agents.{name}");
    c.identifier(&key, name)?;
    let mut weights = [0.0; 3];
    let mut base = [0.0; 3];
    let mut unilateral_effects = [0.0; 3];
    let mut status_quo_effects = [0.0; 3];
    for k in 0..3 {
        weights[k] = c.range(
            &format!("{key}.weights.{}", ATTRIBUTES[k]),
            raw.weights.values()[k],
            0.0,
            MAX_MAGNITUDE,
        )?;
        base[k] = c.range(
            &format!("{key}.base.{}", ATTRIBUTES[k]),
            raw.base.values()[k],
            0.0,
            1.0,
        )?;
        unilateral_effects[k] = c.magnitude(
            &format!("{key}.unilateral_effects.{}", ATTRIBUTES[k]),
            raw.unilateral_effects.values()[k],
        )?;
        status_quo_effects[k] = c.magnitude(
            &format!("{key}.status_quo_effects.{}", ATTRIBUTES[k]),
            raw.status_quo_effects.values()[k],
        )?;
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return Err(c.fail(
            format!("{key}.weights"),
            "must have at least one positive weight (all are 0)",
        ));
    }
    weights.iter_mut().for_each(|w| *w /= total);

    let effects = effect_tables(
        c,
        &format!("{key}.effects"),
        &raw.effects,
        issues,
        issue_names,
    )?;
    let threat_effects = effect_tables(
        c,
        &format!("{key}.threat_effects"),
        &raw.threat_effects,
        issues,
        issue_names,
    )?;
    let strategy = match &raw.strategy {
        Some(s) => strategy(c, &format!("{key}.strategy"), s)?,
        None if matches!(raw.role, RawRole::Proposer | RawRole::Opponent) => {
            return Err(c.fail(
                &key,
                "negotiates and needs a `strategy`, e.g. strategy = { kind = \"time_dependent\", beta = 0.5 }",
            ));
        }
        // Hosts and allies make no offers; the strategy is never consulted.
        None => Strategy::TimeDependent {
            beta: 1.0,
            kappa: 0.0,
        },
    };

    let forbid = |field: &str, present: bool, role: &str| {
        if present {
            Err(c.fail(
                format!("{key}.{field}"),
                format!(
                    "applies only to agents with role = \"{role}\"; remove it or change the role"
                ),
            ))
        } else {
            Ok(())
        }
    };
    if raw.role != RawRole::Host {
        forbid("soil", raw.soil.is_some(), "host")?;
    }
    if raw.role != RawRole::Ally {
        forbid("presses", raw.presses.is_some(), "ally")?;
        forbid("pressure", raw.pressure.is_some(), "ally")?;
        forbid("energy_dependence", raw.energy_dependence.is_some(), "ally")?;
    }
    let role = match raw.role {
        RawRole::Proposer => Role::Proposer,
        RawRole::Opponent => Role::Opponent,
        RawRole::Host => {
            let soil_key = format!("{key}.soil");
            let soil = raw.soil.as_ref().ok_or_else(|| {
                c.fail(
                    &key,
                    "is a host and needs `soil`, the issues that deploy on its territory (e.g. soil = [\"interceptors\"])",
                )
            })?;
            if soil.is_empty() {
                return Err(c.fail(
                    &soil_key,
                    "must list at least one issue (got an empty list)",
                ));
            }
            let soil = soil
                .iter()
                .map(|s| c.lookup(&soil_key, "issue", s, issue_names))
                .collect::<Result<_, _>>()?;
            Role::Host { soil }
        }
        RawRole::Ally => {
            let presses_key = format!("{key}.presses");
            let presses = raw.presses.as_deref().ok_or_else(|| {
                c.fail(
                    &key,
                    "is an ally and needs `presses`, the negotiator it presses to accommodate (e.g. presses = \"us\")",
                )
            })?;
            let presses = c.lookup(&presses_key, "agent", presses, agent_names)?;
            let pressure = raw.pressure.ok_or_else(|| {
                c.fail(&key, "is an ally and needs `pressure`, a number in [0, 1]")
            })?;
            Role::Ally {
                presses,
                pressure: c.range(&format!("{key}.pressure"), pressure, 0.0, 1.0)?,
                energy_dependence: c.range(
                    &format!("{key}.energy_dependence"),
                    raw.energy_dependence.unwrap_or(0.0),
                    0.0,
                    1.0,
                )?,
            }
        }
    };
    Ok(Agent {
        name: name.to_string(),
        role,
        weights,
        base,
        effects,
        threat_effects,
        oil_exposure: c.magnitude(&format!("{key}.oil_exposure"), raw.oil_exposure)?,
        unilateral_effects,
        status_quo_effects,
        risk: c.positive(&format!("{key}.risk"), raw.risk)?,
        reservation: c.range(&format!("{key}.reservation"), raw.reservation, 0.0, 1.0)?,
        reservation_oil: c.magnitude(&format!("{key}.reservation_oil"), raw.reservation_oil)?,
        discount: {
            let k = format!("{key}.discount");
            let d = c.range(&k, raw.discount, 0.0, 1.0)?;
            if d == 0.0 {
                return Err(c.fail(k, "must be > 0 (got 0)"));
            }
            d
        },
        strategy,
        conduct: super::conduct::conduct(c, &key, raw, agent_names)?,
    })
}

/// A negotiator's concession strategy with every parameter in its range.
fn strategy(c: &Checker, key: &str, raw: &Strategy) -> Result<Strategy, ConfigError> {
    let kappa = |kappa: f64| c.range(&format!("{key}.kappa"), kappa, 0.0, 0.999_999);
    let window = |window: u32| {
        if (1..=MAX_DEADLINE_ROUNDS).contains(&window) {
            Ok(window)
        } else {
            Err(c.fail(
                format!("{key}.window"),
                format!(
                    "must be from 1 (the opponent's latest concession) to {MAX_DEADLINE_ROUNDS} offers (got {window})"
                ),
            ))
        }
    };
    Ok(match *raw {
        Strategy::TimeDependent { beta, kappa: k } => Strategy::TimeDependent {
            beta: c.positive(&format!("{key}.beta"), beta)?,
            kappa: kappa(k)?,
        },
        Strategy::Conceder { beta, kappa: k } => {
            let beta_key = format!("{key}.beta");
            if beta.is_finite() && beta <= 1.0 {
                return Err(c.fail(
                    beta_key,
                    format!(
                        "must be > 1 for a conceder (got {}); use kind = \"time_dependent\" for beta <= 1",
                        number(beta)
                    ),
                ));
            }
            Strategy::Conceder {
                beta: c.positive(&beta_key, beta)?,
                kappa: kappa(k)?,
            }
        }
        Strategy::HardLiner {} => Strategy::HardLiner {},
        Strategy::TitForTat { window: w } => Strategy::TitForTat { window: window(w)? },
        Strategy::RelativeTitForTat { window: w } => {
            Strategy::RelativeTitForTat { window: window(w)? }
        }
        Strategy::ResourceDependent {
            resource,
            scale,
            kappa: k,
        } => Strategy::ResourceDependent {
            resource,
            scale: c.range(&format!("{key}.scale"), scale, 0.0, MAX_MAGNITUDE)?,
            kappa: kappa(k)?,
        },
    })
}

/// Per issue, per value, per attribute effect, from `{issue = {attribute = effect}}`.
fn effect_tables(
    c: &Checker,
    key: &str,
    raw: &IndexMap<String, RawEffects>,
    issues: &[Issue],
    issue_names: &[&str],
) -> Result<Vec<Vec<[f64; 3]>>, ConfigError> {
    let mut tables: Vec<Vec<[f64; 3]>> = issues
        .iter()
        .map(|i| vec![[0.0; 3]; i.value_count()])
        .collect();
    for (issue_name, effects) in raw {
        let ikey = format!("{key}.{issue_name}");
        let i = c.lookup(&ikey, "issue", issue_name, issue_names)?;
        let issue = &issues[i];
        for (k, effect) in effects.values().into_iter().enumerate() {
            let akey = format!("{ikey}.{}", ATTRIBUTES[k]);
            match effect {
                None => {}
                Some(super::raw::RawEffect::Scaled(x)) => {
                    let x = c.magnitude(&akey, *x)?;
                    for (v, row) in tables[i].iter_mut().enumerate() {
                        row[k] = x * issue.position(v);
                    }
                }
                Some(super::raw::RawEffect::PerValue(xs)) => {
                    if xs.len() != issue.value_count() {
                        return Err(c.fail(
                            &akey,
                            format!(
                                "has {} numbers but issue `{issue_name}` has {} values ({}); give one per value",
                                xs.len(),
                                issue.value_count(),
                                abbreviated(&issue.labels())
                            ),
                        ));
                    }
                    for (v, x) in xs.iter().enumerate() {
                        tables[i][v][k] = c.magnitude(&akey, *x)?;
                    }
                }
            }
        }
    }
    Ok(tables)
}

fn abbreviated(labels: &[String]) -> String {
    if labels.len() <= 8 {
        labels.join(", ")
    } else {
        format!(
            "{}, ..., {}",
            labels[..3].join(", "),
            labels[labels.len() - 1]
        )
    }
}

fn roles(c: &Checker, agents: &[Agent]) -> Result<(), ConfigError> {
    for role in ["proposer", "opponent"] {
        let count = agents.iter().filter(|a| a.role.name() == role).count();
        if count != 1 {
            return Err(c.fail(
                "agents",
                format!("need exactly one agent with role = \"{role}\" (found {count})"),
            ));
        }
    }
    for a in agents {
        if let Role::Ally { presses, .. } = a.role
            && !matches!(agents[presses].role, Role::Proposer | Role::Opponent)
        {
            return Err(c.fail(
                format!("agents.{}.presses", a.name),
                format!(
                    "must name the proposer or the opponent (`{}` is a {})",
                    agents[presses].name,
                    agents[presses].role.name()
                ),
            ));
        }
    }
    Ok(())
}

fn environment(c: &Checker, raw: &RawConfig) -> Result<Environment, ConfigError> {
    let threat = match raw.environment.threat {
        RawThreat::Beta { alpha, beta } => ThreatModel::Beta {
            alpha: c.positive("environment.threat.alpha", alpha)?,
            beta: c.positive("environment.threat.beta", beta)?,
        },
        RawThreat::Fixed { value } => ThreatModel::Fixed {
            value: c.range("environment.threat.value", value, 0.0, 1.0)?,
        },
    };
    let oil = &raw.environment.oil_price;
    let key = "environment.oil_price";
    let oil = OilModel {
        initial: c.positive(&format!("{key}.initial"), oil.initial)?,
        drift: c.range(&format!("{key}.drift"), oil.drift, -10.0, 10.0)?,
        volatility: c.range(&format!("{key}.volatility"), oil.volatility, 0.0, 10.0)?,
        years_per_round: c.positive(&format!("{key}.years_per_round"), oil.years_per_round)?,
        reference: c.positive(&format!("{key}.reference"), oil.reference)?,
    };
    // The log price moves by the drift and the volatility over the whole
    // negotiation; bounding both keeps every price path finite.
    let rounds = raw.protocol.deadline_rounds;
    if !(1..=MAX_DEADLINE_ROUNDS).contains(&rounds) {
        // Reported as a protocol error.
        return Ok(Environment { threat, oil });
    }
    let years = oil.years_per_round * f64::from(rounds);
    let horizon = format!(
        "over {} years (years_per_round {} x protocol.deadline_rounds {rounds})",
        rounded(years),
        oil.years_per_round
    );
    let sd = oil.volatility * years.sqrt();
    if sd > MAX_LOG_PRICE_SD {
        return Err(c.fail(
            format!("{key}.volatility"),
            format!(
                "times the square root of the horizon must be <= {MAX_LOG_PRICE_SD} {horizon} (got {}): the price could overflow; lower the volatility, years_per_round or the deadline",
                rounded(sd)
            ),
        ));
    }
    let drift = oil.drift.abs() * years;
    if drift > MAX_LOG_PRICE_DRIFT {
        return Err(c.fail(
            format!("{key}.drift"),
            format!(
                "in absolute value times the horizon must be <= {MAX_LOG_PRICE_DRIFT} {horizon} (got {}): the price could overflow; lower the drift, years_per_round or the deadline",
                rounded(drift)
            ),
        ));
    }
    Ok(Environment { threat, oil })
}

/// A number as a message shows it: as written for ordinary sizes, in
/// exponent form for huge and tiny ones (1e308, not 309 digits).
fn number(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// A number shortened for a message.
fn rounded(x: f64) -> String {
    format!("{:.4}", x)
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

fn protocol(
    c: &Checker,
    raw: &RawConfig,
    issues: &[Issue],
    issue_names: &[&str],
) -> Result<Protocol, ConfigError> {
    let p = &raw.protocol;
    if p.deadline_rounds == 0 || p.deadline_rounds > MAX_DEADLINE_ROUNDS {
        return Err(c.fail(
            "protocol.deadline_rounds",
            format!(
                "must be between 1 and {MAX_DEADLINE_ROUNDS} (got {}); every round of a run is kept in memory and written to rounds.csv",
                p.deadline_rounds
            ),
        ));
    }
    let start_issue = p
        .start_issue
        .as_deref()
        .map(|s| c.lookup("protocol.start_issue", "issue", s, issue_names))
        .transpose()?;
    let start_linkage = match p.start_linkage {
        RawLinkage::Linked => Linkage::Linked,
        RawLinkage::Separate => Linkage::Separate,
    };
    if start_linkage == Linkage::Separate && start_issue.is_none() {
        return Err(c.fail(
            "protocol.start_linkage",
            "is \"separate\" but no protocol.start_issue names the START issue to negotiate apart",
        ));
    }
    Ok(Protocol {
        kind: match p.kind {
            RawProtocolKind::Alternating => ProtocolKind::Alternating,
            RawProtocolKind::Zeuthen => ProtocolKind::Zeuthen,
        },
        deadline_rounds: p.deadline_rounds,
        start_linkage,
        start_issue,
        status_quo: package(c, "protocol.status_quo", &p.status_quo, issues, issue_names)?,
        unilateral: p
            .unilateral
            .as_ref()
            .map(|u| package(c, "protocol.unilateral", u, issues, issue_names))
            .transpose()?,
    })
}

/// A package written as `{issue = value}` with every issue given once.
fn package(
    c: &Checker,
    key: &str,
    raw: &IndexMap<String, toml::Value>,
    issues: &[Issue],
    issue_names: &[&str],
) -> Result<Package, ConfigError> {
    let mut values = vec![None; issues.len()];
    for (name, value) in raw {
        let vkey = format!("{key}.{name}");
        let i = c.lookup(&vkey, "issue", name, issue_names)?;
        let label = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(c.fail(
                    &vkey,
                    format!("must be a single value, not a {}", other.type_str()),
                ));
            }
        };
        let index = issues[i].index_of(&label).ok_or_else(|| {
            c.fail(
                &vkey,
                format!(
                    "`{label}` is not a value of issue `{name}` (values: {})",
                    abbreviated(&issues[i].labels())
                ),
            )
        })?;
        values[i] = Some(index as u32);
    }
    values
        .into_iter()
        .zip(issues)
        .map(|(v, issue)| {
            v.ok_or_else(|| {
                c.fail(
                    key,
                    format!(
                        "must give a value for every issue; `{}` is missing",
                        issue.name
                    ),
                )
            })
        })
        .collect()
}
