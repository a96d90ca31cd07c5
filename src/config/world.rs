//! Validation of what moves during the talks: the threat path, the agents'
//! conduct (outside options, escalation, consent, pressure by stake) and
//! `[[events]]`. An event's `set` changes are applied to the config, the
//! result validated like any config, and the difference to the scenario
//! turned into typed [`Mutation`]s once, at load time.

use super::error::ConfigError;
use super::overrides;
use super::raw::{RawAgent, RawAttributes, RawConfig, RawEvent, RawRole, RawThreatPath};
use super::validate::{Checker, MAX_MAGNITUDE, validate};
use crate::model::world::{
    AgentChange, Condition, Conduct, Escalation, Event, Mutation, ThreatPath, Trigger, World,
};
use crate::model::{ATTRIBUTES, Agent, ProtocolKind, Role, Scenario, ThreatModel};

/// The agent's conduct, checked against its role.
pub(super) fn conduct(
    c: &Checker,
    key: &str,
    raw: &RawAgent,
    agent_names: &[&str],
) -> Result<Conduct, ConfigError> {
    let only = |field: &str, present: bool, role: RawRole, name: &str| {
        if present && raw.role != role {
            Err(c.fail(
                format!("{key}.{field}"),
                format!(
                    "applies only to agents with role = \"{name}\"; remove it or change the role"
                ),
            ))
        } else {
            Ok(())
        }
    };
    only(
        "may_abandon",
        raw.may_abandon.is_some(),
        RawRole::Proposer,
        "proposer",
    )?;
    only(
        "may_deploy",
        raw.may_deploy.is_some(),
        RawRole::Proposer,
        "proposer",
    )?;
    only(
        "escalation",
        raw.escalation.is_some(),
        RawRole::Opponent,
        "opponent",
    )?;
    let host = RawRole::Host;
    only(
        "reevaluates_consent",
        raw.reevaluates_consent.is_some(),
        host,
        "host",
    )?;
    only(
        "ratification_hazard",
        raw.ratification_hazard.is_some(),
        host,
        "host",
    )?;
    let stake = raw.pressure_follows_stake.is_some();
    only("pressure_follows_stake", stake, RawRole::Ally, "ally")?;
    let escalation = match &raw.escalation {
        None => None,
        Some(e) => {
            let ekey = format!("{key}.escalation");
            c.identifier(&format!("{ekey}.name"), &e.name)?;
            let table = |field: &str,
                         raw: &indexmap::IndexMap<String, RawAttributes>|
             -> Result<Vec<[f64; 3]>, ConfigError> {
                let mut out = vec![[0.0; 3]; agent_names.len()];
                for (agent, attributes) in raw {
                    let akey = format!("{ekey}.{field}.{agent}");
                    let j = c.lookup(&akey, "agent", agent, agent_names)?;
                    for k in 0..3 {
                        out[j][k] = c.magnitude(
                            &format!("{akey}.{}", ATTRIBUTES[k]),
                            attributes.values()[k],
                        )?;
                    }
                }
                Ok(out)
            };
            let escalation = Escalation {
                name: e.name.clone(),
                effects: table("effects", &e.effects)?,
                unilateral_effects: table("unilateral_effects", &e.unilateral_effects)?,
                status_quo_effects: table("status_quo_effects", &e.status_quo_effects)?,
            };
            if escalation.mutations().is_empty() {
                return Err(c.fail(
                    &ekey,
                    "has no effects: give `effects`, `unilateral_effects` or `status_quo_effects`, e.g. effects = { us = { security = -0.05 } }",
                ));
            }
            Some(escalation)
        }
    };
    Ok(Conduct {
        may_abandon: raw.may_abandon.unwrap_or(false),
        may_deploy: raw.may_deploy.unwrap_or(false),
        escalation,
        reevaluates_consent: raw.reevaluates_consent.unwrap_or(false),
        ratification_hazard: c.range(
            &format!("{key}.ratification_hazard"),
            raw.ratification_hazard.unwrap_or(0.0),
            0.0,
            1.0,
        )?,
        pressure_follows_stake: raw.pressure_follows_stake.unwrap_or(false),
    })
}

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
        events.push(self::event(c, raw, scenario, &key, event, &names)?);
    }
    let world = World {
        threat_path,
        events,
    };
    let moves = !world.is_still() || scenario.agents.iter().any(|a| !a.conduct.is_passive());
    if moves && scenario.protocol.kind == ProtocolKind::Zeuthen {
        return Err(c.fail(
            "protocol.kind",
            "is \"zeuthen\", which uses the opening environment only; threat paths, events and agents' choices need kind = \"alternating\"",
        ));
    }
    let proposer = &scenario.agents[scenario.proposer()];
    if proposer.conduct.may_deploy && scenario.protocol.unilateral.is_none() {
        return Err(c.fail(
            format!("agents.{}.may_deploy", proposer.name),
            "needs a protocol.unilateral package to deploy",
        ));
    }
    Ok(world)
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
    if let Some(j) = agent("withdrawn", &w.withdrawn)? {
        if !matches!(scenario.agents[j].role, Role::Host { .. }) {
            return Err(c.fail(
                format!("{key}.withdrawn"),
                format!("names `{}`, which is not a host", agents[j]),
            ));
        }
        out.push(Condition::Withdrawn(j));
    }
    for (field, name, make) in [
        ("fired", &w.fired, Condition::Fired as fn(usize) -> _),
        ("not_fired", &w.not_fired, Condition::NotFired),
    ] {
        if let Some(n) = name {
            out.push(make(c.lookup(
                &format!("{key}.{field}"),
                "event",
                n,
                events,
            )?));
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
const FIXED: [&str; 7] = [
    "scenario",
    "issues",
    "sweep",
    "calibration",
    "events",
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
        overrides::set(&mut doc, path, value.clone())
            .map_err(|message| c.fail(&pkey, format!("{of}: {message}")))?;
    }
    let changed: RawConfig = toml::Value::Table(doc).try_into().map_err(|e| {
        c.fail(
            format!("{key}.set"),
            format!("{of}: {}", e.message().trim().replace('\n', " ")),
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
    diff(scenario, &after).map_err(|what| {
        c.fail(
            format!("{key}.set"),
            format!("{of}: {what} cannot change during a run"),
        )
    })
}

/// The changes that turn `before` into `after`, or the first part that
/// differs and cannot change mid-run.
pub(crate) fn diff(before: &Scenario, after: &Scenario) -> Result<Vec<Mutation>, String> {
    let mut out = Vec::new();
    if before.issues != after.issues {
        return Err("the issues".into());
    }
    for (j, (a, b)) in before.agents.iter().zip(&after.agents).enumerate() {
        agent_diff(j, a, b, &mut out)?;
    }
    let (e, f) = (&before.environment, &after.environment);
    if e.threat != f.threat {
        return Err(
            "environment.threat (give the event a `threat` to set the perceived threat)".into(),
        );
    }
    if e.oil.initial != f.oil.initial || e.oil.years_per_round != f.oil.years_per_round {
        return Err("environment.oil_price.initial or years_per_round".into());
    }
    if e.oil.drift != f.oil.drift {
        out.push(Mutation::OilDrift(f.oil.drift));
    }
    if e.oil.volatility != f.oil.volatility {
        out.push(Mutation::OilVolatility(f.oil.volatility));
    }
    if e.oil.reference != f.oil.reference {
        out.push(Mutation::OilReference(f.oil.reference));
    }
    if before.world.threat_path != after.world.threat_path {
        match &after.world.threat_path {
            Some(path) => out.push(Mutation::ThreatPath(path.clone())),
            None => return Err("environment.threat_path".into()),
        }
    }
    let (p, q) = (&before.protocol, &after.protocol);
    if p.unilateral != q.unilateral {
        out.push(Mutation::Unilateral(q.unilateral.clone()));
    }
    if p.status_quo != q.status_quo
        || p.start_linkage != q.start_linkage
        || p.start_issue != q.start_issue
    {
        return Err("protocol.status_quo, start_linkage and start_issue".into());
    }
    Ok(out)
}

fn agent_diff(j: usize, a: &Agent, b: &Agent, out: &mut Vec<Mutation>) -> Result<(), String> {
    let mut push = |change| out.push(Mutation::Agent(j, change));
    if a.weights != b.weights {
        push(AgentChange::Weights(b.weights));
    }
    if a.base != b.base {
        push(AgentChange::Base(b.base));
    }
    for (i, (x, y)) in a.effects.iter().zip(&b.effects).enumerate() {
        if x != y {
            push(AgentChange::Effects(i, y.clone()));
        }
    }
    for (i, (x, y)) in a.threat_effects.iter().zip(&b.threat_effects).enumerate() {
        if x != y {
            push(AgentChange::ThreatEffects(i, y.clone()));
        }
    }
    if a.oil_exposure != b.oil_exposure {
        push(AgentChange::OilExposure(b.oil_exposure));
    }
    if a.unilateral_effects != b.unilateral_effects {
        push(AgentChange::UnilateralEffects(b.unilateral_effects));
    }
    if a.status_quo_effects != b.status_quo_effects {
        push(AgentChange::StatusQuoEffects(b.status_quo_effects));
    }
    if a.risk != b.risk {
        push(AgentChange::Risk(b.risk));
    }
    if a.reservation != b.reservation {
        push(AgentChange::Reservation(b.reservation));
    }
    if a.reservation_oil != b.reservation_oil {
        push(AgentChange::ReservationOil(b.reservation_oil));
    }
    if a.discount != b.discount {
        push(AgentChange::Discount(b.discount));
    }
    if a.strategy != b.strategy {
        push(AgentChange::Strategy(b.strategy.clone()));
    }
    if a.conduct != b.conduct {
        push(AgentChange::Conduct(Box::new(b.conduct.clone())));
    }
    match (&a.role, &b.role) {
        (x, y) if x == y => {}
        (
            Role::Ally {
                presses: p,
                pressure: x,
                energy_dependence: d,
            },
            Role::Ally {
                presses: q,
                pressure: y,
                energy_dependence: e,
            },
        ) if p == q => {
            if x != y {
                push(AgentChange::Pressure(*y));
            }
            if d != e {
                push(AgentChange::EnergyDependence(*e));
            }
        }
        _ => return Err(format!("agents.{}: its role, soil or presses", a.name)),
    }
    Ok(())
}
