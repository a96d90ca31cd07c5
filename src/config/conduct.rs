//! Validation of an agent's conduct during the talks (MODEL.md 7.14): the
//! keys each role may have, and its escalation.

use super::error::ConfigError;
use super::raw::{RawAgent, RawAttributes, RawRole};
use super::validate::Checker;
use crate::model::ATTRIBUTES;
use crate::model::world::{Conduct, Escalation};

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
            e.enabled.unwrap_or(true).then_some(escalation)
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
