//! How an event's `set` becomes typed changes: the validated scenario with
//! the event's changes is compared with the scenario, field by field, and
//! every field the event names is set even when its value is the config's.

use crate::model::world::{AgentChange, Mutation};
use crate::model::{Agent, Role, Scenario};

/// The change that setting `path` makes, with the value `after` has.
pub(super) fn setting(before: &Scenario, after: &Scenario, path: &str) -> Option<Mutation> {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["agents", name, field, ..] => {
            let j = after.agents.iter().position(|a| a.name == *name)?;
            let a = &after.agents[j];
            let change = match *field {
                "weights" => AgentChange::Weights(a.weights),
                "base" => AgentChange::Base(a.base),
                "effects" | "threat_effects" => {
                    let i = after
                        .issues
                        .iter()
                        .position(|i| Some(&i.name.as_str()) == parts.get(3))?;
                    if *field == "effects" {
                        AgentChange::Effects(i, a.effects[i].clone())
                    } else {
                        AgentChange::ThreatEffects(i, a.threat_effects[i].clone())
                    }
                }
                "oil_exposure" => AgentChange::OilExposure(a.oil_exposure),
                "unilateral_effects" => AgentChange::UnilateralEffects(a.unilateral_effects),
                "status_quo_effects" => AgentChange::StatusQuoEffects(a.status_quo_effects),
                "risk" => AgentChange::Risk(a.risk),
                "reservation" => AgentChange::Reservation(a.reservation),
                "reservation_oil" => AgentChange::ReservationOil(a.reservation_oil),
                "discount" => AgentChange::Discount(a.discount),
                "strategy" => AgentChange::Strategy(a.strategy.clone()),
                "pressure" | "energy_dependence" => match a.role {
                    Role::Ally {
                        pressure,
                        energy_dependence,
                        ..
                    } => {
                        if *field == "pressure" {
                            AgentChange::Pressure(pressure)
                        } else {
                            AgentChange::EnergyDependence(energy_dependence)
                        }
                    }
                    _ => return None,
                },
                _ => AgentChange::Conduct(Box::new(a.conduct.clone())),
            };
            Some(Mutation::Agent(j, change))
        }
        ["environment", "oil_price", "drift"] => {
            Some(Mutation::OilDrift(after.environment.oil.drift))
        }
        ["environment", "oil_price", "volatility"] => {
            Some(Mutation::OilVolatility(after.environment.oil.volatility))
        }
        ["environment", "oil_price", "reference"] => {
            Some(Mutation::OilReference(after.environment.oil.reference))
        }
        ["environment", "threat_path", ..] => {
            after.world.threat_path.clone().map(Mutation::ThreatPath)
        }
        ["protocol", "unilateral", ..] => {
            Some(Mutation::Unilateral(after.protocol.unilateral.clone()))
        }
        _ => {
            let _ = before;
            None
        }
    }
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
