//! Validation of incomplete information (MODEL.md §11): `[[private_types]]`
//! and each negotiator's `opponent_model`.

use super::error::ConfigError;
use super::raw::{RawConfig, RawOpponentModel};
use super::validate::{Checker, MAX_MAGNITUDE};
use crate::calibrate::plan::parse::prior;
use crate::model::information::{Information, OpponentModel, PrivateType, TypeField};
use crate::model::{ATTRIBUTES, ProtocolKind, Role, Scenario};

/// The fields of a negotiator's type that may be private.
const FIELDS: &str =
    "reservation, reservation_oil, discount, weights.security, weights.influence, weights.oil";

/// What the negotiators know of each other, checked against the scenario.
pub(super) fn information(
    c: &Checker,
    raw: &RawConfig,
    scenario: &Scenario,
) -> Result<Information, ConfigError> {
    let agent_names: Vec<&str> = scenario.agents.iter().map(|a| a.name.as_str()).collect();
    let mut types: Vec<PrivateType> = Vec::new();
    for (i, t) in raw.private_types.iter().enumerate() {
        let key = format!("private_types[{i}]");
        let pkey = format!("{key}.path");
        let parts: Vec<&str> = t.path.split('.').collect();
        let (name, field) = match parts.as_slice() {
            ["agents", name, rest @ ..] if !rest.is_empty() => (*name, rest.join(".")),
            _ => {
                return Err(c.fail(
                    pkey,
                    format!(
                        "`{}` is not a field of a negotiator's type; write agents.<negotiator>.<field> with a field among {FIELDS}",
                        t.path
                    ),
                ));
            }
        };
        let j = c.lookup(&pkey, "agent", name, &agent_names)?;
        if !matches!(scenario.agents[j].role, Role::Proposer | Role::Opponent) {
            return Err(c.fail(
                pkey,
                format!(
                    "`{name}` is a {}: only the negotiators' (proposer's and opponent's) types can be private",
                    scenario.agents[j].role.name()
                ),
            ));
        }
        let field = match field.as_str() {
            "reservation" => TypeField::Reservation,
            "reservation_oil" => TypeField::ReservationOil,
            "discount" => TypeField::Discount,
            f => match f
                .strip_prefix("weights.")
                .and_then(|a| ATTRIBUTES.iter().position(|x| *x == a))
            {
                Some(k) => TypeField::Weight(k),
                None => {
                    return Err(c.fail(
                        pkey,
                        format!(
                            "`{f}` cannot be private (fields that can: {FIELDS}; effects are public)"
                        ),
                    ));
                }
            },
        };
        if let Some(k) = types.iter().position(|u| u.agent == j && u.field == field) {
            return Err(c.fail(
                pkey,
                format!(
                    "`{}` is already private_types[{k}]; give each field one prior",
                    t.path
                ),
            ));
        }
        let (p, _) =
            prior(&t.prior, false).map_err(|(f, m)| c.fail(format!("{key}.prior.{f}"), m))?;
        if p.is_discrete() {
            return Err(c.fail(
                format!("{key}.prior.kind"),
                "a private field needs a continuous prior (uniform, log_uniform, normal or beta)",
            ));
        }
        let (low, high) = p.support();
        let (min, max, what) = match field {
            TypeField::Reservation => (0.0, 1.0, "a reservation utility lies in [0, 1]"),
            TypeField::ReservationOil => (
                -MAX_MAGNITUDE,
                MAX_MAGNITUDE,
                "reservation_oil is at most 1e6 in size",
            ),
            TypeField::Discount => (f64::MIN_POSITIVE, 1.0, "a discount factor lies in (0, 1]"),
            TypeField::Weight(_) => (0.0, MAX_MAGNITUDE, "a weight is at least 0"),
        };
        if low < min || high > max {
            return Err(c.fail(
                format!("{key}.prior"),
                format!("reaches [{low}, {high}], but {what}; narrow the prior"),
            ));
        }
        types.push(PrivateType {
            agent: j,
            field,
            prior: p,
        });
    }

    let mut models = vec![OpponentModel::None; scenario.agents.len()];
    for (j, (name, a)) in raw.agents.iter().enumerate() {
        let Some(m) = &a.opponent_model else {
            continue;
        };
        let key = format!("agents.{name}.opponent_model");
        if !matches!(scenario.agents[j].role, Role::Proposer | Role::Opponent) {
            return Err(c.fail(
                key,
                "applies only to the negotiators (role = \"proposer\" or \"opponent\"); remove it",
            ));
        }
        models[j] = match *m {
            RawOpponentModel::None {} => OpponentModel::None,
            RawOpponentModel::Frequency { learning_rate } => {
                let k = format!("{key}.learning_rate");
                let rate = c.range(&k, learning_rate.unwrap_or(0.2), 0.0, 1.0)?;
                if rate == 0.0 {
                    return Err(c.fail(k, "must be > 0 (got 0): the model would never learn"));
                }
                OpponentModel::Frequency {
                    learning_rate: rate,
                }
            }
            RawOpponentModel::Bayesian { hypotheses, sigma } => {
                let hypotheses = hypotheses.unwrap_or(32);
                if !(2..=10_000).contains(&hypotheses) {
                    return Err(c.fail(
                        format!("{key}.hypotheses"),
                        format!("must be between 2 and 10000 (got {hypotheses})"),
                    ));
                }
                let k = format!("{key}.sigma");
                let sigma = c.range(&k, sigma.unwrap_or(0.15), 0.0, 10.0)?;
                if sigma == 0.0 {
                    return Err(c.fail(k, "must be > 0 (got 0)"));
                }
                OpponentModel::Bayesian {
                    hypotheses: hypotheses as usize,
                    sigma,
                }
            }
        };
    }
    let information = Information {
        types,
        models,
        raw_weights: raw.agents.values().map(|a| a.weights.values()).collect(),
    };
    if information.declared() && scenario.protocol.kind == ProtocolKind::Zeuthen {
        let key = if raw.private_types.is_empty() {
            let j = information
                .models
                .iter()
                .position(|m| *m != OpponentModel::None)
                .expect("declared");
            format!("agents.{}.opponent_model", scenario.agents[j].name)
        } else {
            "private_types".to_string()
        };
        return Err(c.fail(
            key,
            "needs protocol.kind = \"alternating\": Zeuthen's protocol is played with complete information",
        ));
    }
    Ok(information)
}
