//! Validation of what moves during the talks: the threat path and
//! `[[events]]` (agents' conduct is checked in `conduct`). An event's `set`
//! changes are applied to the config, the result validated like any config,
//! and the difference to the scenario turned into typed [`Mutation`]s once,
//! at load time.

use super::error::ConfigError;
use super::locate::with_suggestion;
use super::overrides;
use super::raw::{RawConfig, RawEvent, RawThreatPath};
use super::validate::{Checker, MAX_MAGNITUDE, validate};
use super::world_diff::{diff, setting};
use crate::model::world::{Condition, Event, Mutation, ThreatPath, Trigger, World};
use crate::model::{Role, Scenario, ThreatModel};

fn threat_path(
    c: &Checker,
    raw: &RawThreatPath,
    threat: &ThreatModel,
) -> Result<ThreatPath, ConfigError> {
    let key = "environment.threat_path";
    Ok(ThreatPath {
        rate: c.range(&format!("{key}.rate"), raw.rate, 0.0, MAX_MAGNITUDE)?,
        mean: c.range(
            &format!("{key}.mean"),
            raw.mean.unwrap_or(threat.mean()),
            0.0,
            1.0,
        )?,
        volatility: c.range(&format!("{key}.volatility"), raw.volatility, 0.0, 10.0)?,
        reassessment: {
            let k = format!("{key}.reassessment");
            let p = c.range(&k, raw.reassessment.unwrap_or(1.0), 0.0, 1.0)?;
            if p == 0.0 {
                return Err(c.fail(k, "must be > 0 (got 0): the threat would never be re-assessed; leave threat_path out for a constant threat"));
            }
            p
        },
    })
}

/// The scenario's moving parts, checked against the rest of it.
pub(super) fn world(
    c: &Checker,
    raw: &RawConfig,
    scenario: &Scenario,
) -> Result<World, ConfigError> {
    let threat_path = raw
        .environment
        .threat_path
        .as_ref()
        .map(|t| threat_path(c, t, &scenario.environment.threat))
        .transpose()?;
    let names: Vec<&str> = raw.events.iter().map(|e| e.name.as_str()).collect();
    let mut events = Vec::new();
    for (i, event) in raw.events.iter().enumerate() {
        let key = format!("events[{i}]");
        c.identifier(&format!("{key}.name"), &event.name)?;
        if names[..i].contains(&event.name.as_str()) {
            return Err(c.fail(
                format!("{key}.name"),
                format!(
                    "`{}` names two events; give each event its own name",
                    event.name
                ),
            ));
        }
        let before = Scenario {
            world: World {
                threat_path: threat_path.clone(),
                ..World::default()
            },
            ..scenario.clone()
        };
        let checked = self::event(c, raw, &before, &key, event, &names);
        events.push(checked.map_err(|e| naming(e, &event.name))?);
    }
    let declares_escalation = raw.agents.values().any(|a| a.escalation.is_some());
    let declared = threat_path.is_some()
        || !events.is_empty()
        || raw.agents.values().any(|a| {
            a.may_abandon.is_some()
                || a.may_deploy.is_some()
                || a.escalation.is_some()
                || a.reevaluates_consent.is_some()
                || a.ratification_hazard.is_some()
                || a.pressure_follows_stake.is_some()
        });
    let world = World {
        threat_path,
        events,
        declared,
        declares_escalation,
    };
    // Zeuthen's protocol is played in the opening world (MODEL.md 7.8): the
    // moving parts are validated but do not act in it (`Scenario::is_static`).
    let proposer = &scenario.agents[scenario.proposer()];
    if proposer.conduct.may_deploy && scenario.protocol.unilateral.is_none() {
        return Err(c.fail(
            format!("agents.{}.may_deploy", proposer.name),
            "needs a protocol.unilateral package to deploy",
        ));
    }
    Ok(world)
}

/// Every error about an event names it, not only its index in `[[events]]`.
fn naming(error: ConfigError, name: &str) -> ConfigError {
    match error {
        ConfigError::Invalid {
            file,
            key,
            location,
            message,
        } if !message.contains("(event `") => ConfigError::Invalid {
            file,
            key,
            location,
            message: format!("(event `{name}`) {message}"),
        },
        other => other,
    }
}

fn event(
    c: &Checker,
    raw: &RawConfig,
    scenario: &Scenario,
    key: &str,
    event: &RawEvent,
    events: &[&str],
) -> Result<Event, ConfigError> {
    let deadline = scenario.protocol.deadline_rounds;
    let name = &event.name;
    let of = format!("(event `{name}`)");
    let trigger = match (event.round, event.probability) {
        (Some(round), None) => {
            if round == 0 || round > deadline {
                return Err(c.fail(
                    format!("{key}.round"),
                    format!(
                        "{of} must be a round from 1 to protocol.deadline_rounds = {deadline} (got {round})"
                    ),
                ));
            }
            Trigger::Round(round)
        }
        (None, Some(p)) => Trigger::Hazard(c.range(&format!("{key}.probability"), p, 0.0, 1.0)?),
        _ => {
            return Err(c.fail(
                key,
                format!(
                    "{of} needs either `round` (it fires in that round) or `probability` (a hazard per round), not both or neither"
                ),
            ));
        }
    };
    let when = conditions(c, scenario, key, event, events)?;
    let threat = event
        .threat
        .map(|t| c.range(&format!("{key}.threat"), t, 0.0, 1.0))
        .transpose()?;
    let mutations = match &event.set {
        Some(set) => changes(c, raw, scenario, key, name, set)?,
        None => Vec::new(),
    };
    if threat.is_none() && mutations.is_empty() {
        return Err(c.fail(
            key,
            format!(
                "{of} changes nothing: give `threat` or `set` (values that differ from the config's)"
            ),
        ));
    }
    Ok(Event {
        name: name.clone(),
        trigger,
        when,
        threat,
        mutations,
    })
}

fn conditions(
    c: &Checker,
    scenario: &Scenario,
    key: &str,
    event: &RawEvent,
    events: &[&str],
) -> Result<Vec<Condition>, ConfigError> {
    let Some(w) = &event.when else {
        return Ok(Vec::new());
    };
    let key = format!("{key}.when");
    let agents: Vec<&str> = scenario.agents.iter().map(|a| a.name.as_str()).collect();
    let mut out = Vec::new();
    let unit = |field: &str, x: Option<f64>, make: fn(f64) -> Condition| {
        x.map(|x| c.range(&format!("{key}.{field}"), x, 0.0, 1.0).map(make))
            .transpose()
    };
    out.extend(unit(
        "leverage_above",
        w.leverage_above,
        Condition::LeverageAbove,
    )?);
    out.extend(unit(
        "leverage_below",
        w.leverage_below,
        Condition::LeverageBelow,
    )?);
    out.extend(unit(
        "threat_above",
        w.threat_above,
        Condition::ThreatAbove,
    )?);
    out.extend(unit(
        "threat_below",
        w.threat_below,
        Condition::ThreatBelow,
    )?);
    for (field, x, make) in [
        (
            "oil_price_above",
            w.oil_price_above,
            Condition::OilPriceAbove as fn(f64) -> _,
        ),
        (
            "oil_price_below",
            w.oil_price_below,
            Condition::OilPriceBelow,
        ),
    ] {
        if let Some(x) = x {
            out.push(make(c.positive(&format!("{key}.{field}"), x)?));
        }
    }
    let agent = |field: &str, name: &Option<String>| -> Result<Option<usize>, ConfigError> {
        name.as_deref()
            .map(|n| c.lookup(&format!("{key}.{field}"), "agent", n, &agents))
            .transpose()
    };
    for (field, name, make) in [
        (
            "escalated",
            &w.escalated,
            Condition::Escalated as fn(usize) -> _,
        ),
        ("not_escalated", &w.not_escalated, Condition::NotEscalated),
    ] {
        if let Some(j) = agent(field, name)? {
            if scenario.agents[j].conduct.escalation.is_none() {
                return Err(c.fail(
                    format!("{key}.{field}"),
                    format!(
                        "names `{}`, which has no escalation to take; give it an [agents.{}.escalation] or name the agent that has one",
                        agents[j], agents[j]
                    ),
                ));
            }
            out.push(make(j));
        }
    }
    for (field, name, make) in [
        (
            "withdrawn",
            &w.withdrawn,
            Condition::Withdrawn as fn(usize) -> _,
        ),
        ("not_withdrawn", &w.not_withdrawn, Condition::NotWithdrawn),
    ] {
        if let Some(j) = agent(field, name)? {
            if !matches!(scenario.agents[j].role, Role::Host { .. }) {
                return Err(c.fail(
                    format!("{key}.{field}"),
                    format!("names `{}`, which is not a host", agents[j]),
                ));
            }
            out.push(make(j));
        }
    }
    for (field, name, make) in [
        ("fired", &w.fired, Condition::Fired as fn(usize) -> _),
        ("not_fired", &w.not_fired, Condition::NotFired),
    ] {
        if let Some(n) = name {
            let at = format!("{key}.{field}");
            // An event waiting for itself never fires; one waiting for
            // itself not to have fired waits for nothing.
            if *n == event.name {
                return Err(c.fail(
                    at,
                    format!("names the event itself; name another event, or leave `{field}` out"),
                ));
            }
            out.push(make(c.lookup(&at, "event", n, events)?));
        }
    }
    let deadline = scenario.protocol.deadline_rounds;
    for (field, round, make) in [
        (
            "from_round",
            w.from_round,
            Condition::FromRound as fn(u32) -> _,
        ),
        ("until_round", w.until_round, Condition::UntilRound),
    ] {
        if let Some(r) = round {
            if r == 0 || r > deadline {
                return Err(c.fail(
                    format!("{key}.{field}"),
                    format!(
                        "must be a round from 1 to protocol.deadline_rounds = {deadline} (got {r})"
                    ),
                ));
            }
            out.push(make(r));
        }
    }
    Ok(out)
}

/// Parts of a config an event may not change: what names the datasets'
/// columns, seeds the runs, or shapes the protocol itself.
const FIXED: [&str; 8] = [
    "scenario",
    "issues",
    "sweep",
    "calibration",
    "events",
    "private_types",
    "protocol.kind",
    "protocol.deadline_rounds",
];

/// The event's `set` table as dotted paths and values, in order.
fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            // A table of attributes or effects is a value of its own when
            // its keys are attributes; otherwise walk into it.
            toml::Value::Table(inner) => flatten(&path, inner, out),
            _ => out.push((path, v.clone())),
        }
    }
}

fn changes(
    c: &Checker,
    raw: &RawConfig,
    scenario: &Scenario,
    key: &str,
    name: &str,
    set: &toml::Table,
) -> Result<Vec<Mutation>, ConfigError> {
    let of = format!("(event `{name}`)");
    let mut paths = Vec::new();
    flatten("", set, &mut paths);
    let mut base = raw.clone();
    base.events.clear();
    let mut doc = toml::Table::try_from(&base).expect("a raw config serialises");
    for (path, value) in &paths {
        let pkey = format!("{key}.set.{path}");
        if let Some(fixed) = FIXED
            .iter()
            .find(|f| path == *f || path.starts_with(&format!("{f}.")))
        {
            return Err(c.fail(pkey, format!("{of}: `{fixed}` cannot change during a run")));
        }
        if path.split('.').nth(2) == Some("opponent_model") {
            return Err(c.fail(
                pkey,
                format!("{of}: an opponent model cannot change during a run"),
            ));
        }
        overrides::set(&mut doc, path, value.clone())
            .map_err(|message| c.fail(&pkey, format!("{of}: {message}")))?;
    }
    let changed: RawConfig = toml::Value::Table(doc).try_into().map_err(|e| {
        c.fail(
            format!("{key}.set"),
            format!(
                "{of}: {}",
                with_suggestion(&e.message().trim().replace('\n', " "))
            ),
        )
    })?;
    let after = validate(&changed, c.file, None).map_err(|e| match e {
        ConfigError::Invalid {
            key: inner,
            message,
            ..
        } => {
            let at = paths
                .iter()
                .find(|(p, _)| inner.starts_with(p.as_str()) || p.starts_with(&inner))
                .map_or(format!("{key}.set"), |(p, _)| format!("{key}.set.{p}"));
            c.fail(at, format!("{of}: {inner} {message}"))
        }
        other => other,
    })?;
    let mut mutations = diff(scenario, &after).map_err(|what| {
        c.fail(
            format!("{key}.set"),
            format!("{of}: {what} cannot change during a run"),
        )
    })?;
    // A value set to what the config already has still sets it when the
    // event fires (it may undo an earlier event).
    for (path, _) in &paths {
        if let Some(m) = setting(scenario, &after, path)
            && !mutations.contains(&m)
        {
            mutations.push(m);
        }
    }
    Ok(mutations)
}

#[cfg(test)]
mod tests {
    use crate::config::{ConfigError, parse};
    use crate::model::Strategy;
    use crate::model::world::{AgentChange, Mutation};

    /// The baseline with one more event that sets `set` in round 3.
    fn event(set: &str) -> Result<Vec<Mutation>, ConfigError> {
        let text = format!(
            "{}\n[[events]]\nname = \"x\"\nround = 3\nset = {{ {set} }}\n",
            include_str!("../../configs/baseline.toml")
        );
        let (_, s) = parse(&text, "b.toml")?;
        Ok(s.world.events.last().expect("the event").mutations.clone())
    }

    fn one(set: &str) -> Mutation {
        let mut m = event(set).unwrap_or_else(|e| panic!("{set}: {e}"));
        assert_eq!(m.len(), 1, "{set}: {m:?}");
        m.remove(0)
    }

    // An event takes the dotted paths of sweeps and --set, and each becomes
    // the typed change the moving world applies when it fires.
    #[test]
    fn each_kind_of_path_an_event_sets_becomes_its_change() {
        let (us, russia, germany) = (0, 1, 4);
        use AgentChange as A;
        assert_eq!(
            one("\"agents.russia.reservation\" = 0.6"),
            Mutation::Agent(russia, A::Reservation(0.6))
        );
        assert_eq!(
            one("\"agents.russia.strategy.beta\" = 2.0"),
            Mutation::Agent(
                russia,
                A::Strategy(Strategy::TimeDependent {
                    beta: 2.0,
                    kappa: 0.0
                })
            )
        );
        assert!(matches!(
            one("\"agents.us.weights.security\" = 0.8"),
            Mutation::Agent(0, A::Weights(w)) if w != [0.6, 0.3, 0.1]
        ));
        assert!(matches!(
            one("\"agents.russia.effects.interceptors.oil\" = -0.1"),
            Mutation::Agent(1, A::Effects(0, _))
        ));
        assert!(matches!(
            one("\"agents.us.threat_effects.radar.security\" = 0.2"),
            Mutation::Agent(0, A::ThreatEffects(1, _))
        ));
        assert_eq!(
            one("\"agents.germany.pressure\" = 0.3"),
            Mutation::Agent(germany, A::Pressure(0.3))
        );
        assert!(matches!(
            one("\"agents.us.may_abandon\" = false"),
            Mutation::Agent(u, A::Conduct(c)) if u == us && !c.may_abandon
        ));
        assert_eq!(
            one("\"environment.oil_price.volatility\" = 0.3"),
            Mutation::OilVolatility(0.3)
        );
        assert_eq!(
            one("\"environment.oil_price.reference\" = 80.0"),
            Mutation::OilReference(80.0)
        );
        assert!(matches!(
            one("\"environment.threat_path.rate\" = 1.0"),
            Mutation::ThreatPath(p) if p.rate == 1.0 && p.volatility == 0.15
        ));
        assert!(matches!(
            one("\"protocol.unilateral.interceptors\" = 5"),
            Mutation::Unilateral(Some(p)) if p[0] == 5 && p[1] == 1
        ));
    }

    // The baseline's claim (README, "The baseline scenario"): with a drift
    // of σ²/2 the median oil price path is flat, and the oil attribute is in
    // the issue effects of Russia and Germany.
    #[test]
    fn the_baseline_keeps_the_median_oil_price_flat_and_oil_in_its_effects() {
        let (_, s) = parse(include_str!("../../configs/baseline.toml"), "b.toml").unwrap();
        let oil = &s.environment.oil;
        assert!((oil.drift - oil.volatility * oil.volatility / 2.0).abs() < 1e-12);
        let oil_effects = |j: usize| {
            s.agents[j]
                .effects
                .iter()
                .flat_map(|table| table.iter())
                .filter(|row| row[2] != 0.0)
                .count()
        };
        assert!(oil_effects(1) > 0 && oil_effects(4) > 0);
    }

    // What names the datasets' columns, seeds the runs or shapes the
    // protocol cannot change during a run, and an event saying otherwise is
    // refused with the reason.
    #[test]
    fn an_event_cannot_change_what_a_run_is_built_on() {
        for (set, reason) in [
            (
                "\"protocol.status_quo.interceptors\" = 1",
                "protocol.status_quo",
            ),
            ("\"protocol.start_linkage\" = \"separate\"", "start_linkage"),
            (
                "\"environment.threat.alpha\" = 3.0",
                "give the event a `threat`",
            ),
            ("\"environment.oil_price.initial\" = 90.0", "initial"),
            ("\"issues.interceptors.max\" = 8", "`issues` cannot change"),
            (
                "\"agents.poland.soil\" = [\"radar\"]",
                "cannot change during a run",
            ),
        ] {
            let e = event(set).expect_err(set).to_string();
            assert!(e.contains("event `x`") && e.contains(reason), "{set}: {e}");
        }
    }
}
