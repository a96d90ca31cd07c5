//! `detente check`: validate a config and describe the scenario, running nothing.

use std::fmt::Write;
use std::path::Path;

use crate::config::{self, Setting};
use crate::error::Error;
use crate::model::information::OpponentModel;
use crate::model::{
    ATTRIBUTES, IssueKind, Outcome, Resource, Role, Scenario, Strategy, ThreatModel,
};
use crate::sweep::SweepPlan;

/// Validates the config with its `--set` overrides — its `[sweep]` table
/// and every design point too, exactly as `detente sweep` would with this
/// `--max-runs` — and returns a human-readable summary.
pub fn check(path: &Path, sets: &[Setting], max_runs: u64) -> Result<String, Error> {
    let loaded = config::load_with(path, sets)?;
    let plan = SweepPlan::new(&loaded, &path.display().to_string(), None, None, max_runs)?;
    plan.check_points()?;
    Ok(describe(&loaded.scenario))
}

/// A summary of a validated scenario.
pub fn describe(s: &Scenario) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "scenario {}: {}", s.name, s.description);
    let _ = writeln!(
        w,
        "  seed {}, {} replications, {} packages",
        s.seed,
        s.replications,
        group_thousands(s.space_size())
    );
    let _ = writeln!(w, "issues ({}):", s.issues.len());
    for issue in &s.issues {
        let kind = match &issue.kind {
            IssueKind::Integer { min, max } => format!("integer {min}..={max}"),
            IssueKind::YesNo => "yes/no".to_string(),
            IssueKind::Levels { levels } => format!("levels {}", levels.join(" < ")),
            IssueKind::Share { step } => format!("share 0..1 step {step}"),
        };
        let _ = writeln!(
            w,
            "  {:<16} {:>7} values  {kind}",
            issue.name,
            issue.value_count()
        );
    }
    let expected = s.environment.expected(1);
    let (threat, leverage) = (expected.threat, expected.leverage[0]);
    let _ = writeln!(
        w,
        "agents ({}), utilities at the expected environment (threat {threat:.2}, oil ${:.0}):",
        s.agents.len(),
        s.environment.oil.initial
    );
    for (j, a) in s.agents.iter().enumerate() {
        let role = match &a.role {
            Role::Host { soil } => format!(
                "host (soil: {})",
                soil.iter()
                    .map(|&i| s.issues[i].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Role::Ally {
                presses,
                pressure,
                energy_dependence,
            } => format!(
                "ally (presses {}, pressure {pressure}, energy dependence {energy_dependence})",
                s.agents[*presses].name
            ),
            other => other.name().to_string(),
        };
        let weights: Vec<String> = ATTRIBUTES
            .iter()
            .zip(a.weights)
            .map(|(n, x)| format!("{n} {x:.2}"))
            .collect();
        let _ = writeln!(w, "  {:<10} {role}", a.name);
        let _ = writeln!(
            w,
            "             weights {}; reservation {}; discount {}; risk {}",
            weights.join(", "),
            a.reservation,
            a.discount,
            a.risk
        );
        if matches!(a.role, Role::Proposer | Role::Opponent) {
            let strategy = match &a.strategy {
                Strategy::TimeDependent { beta, kappa } => {
                    let family = if *beta < 1.0 {
                        "Boulware"
                    } else if *beta > 1.0 {
                        "conceder"
                    } else {
                        "linear"
                    };
                    format!("time-dependent, beta {beta} ({family}), kappa {kappa}")
                }
                Strategy::Conceder { beta, kappa } => {
                    format!("conceder, beta {beta}, kappa {kappa}")
                }
                Strategy::HardLiner {} => "hard-liner (never concedes)".to_string(),
                Strategy::TitForTat { window: 1 } => "tit-for-tat".to_string(),
                Strategy::TitForTat { window } => {
                    format!("tit-for-tat, mirroring the concession {window} offers ago")
                }
                Strategy::RelativeTitForTat { window: 1 } => "relative tit-for-tat".to_string(),
                Strategy::RelativeTitForTat { window } => {
                    format!("relative tit-for-tat, mirroring the concession {window} offers ago")
                }
                Strategy::ResourceDependent {
                    resource,
                    scale,
                    kappa,
                } => {
                    let resource = match resource {
                        Resource::Leverage => "oil leverage",
                        Resource::InverseLeverage => "1 - oil leverage",
                    };
                    format!("resource-dependent on {resource}, scale {scale}, kappa {kappa}")
                }
            };
            let _ = writeln!(w, "             strategy {strategy}");
            let model = s.information.models.get(j);
            match model {
                Some(OpponentModel::Frequency { learning_rate }) => {
                    let _ = writeln!(
                        w,
                        "             opponent model frequency (learning rate {learning_rate})"
                    );
                }
                Some(OpponentModel::Bayesian { hypotheses, sigma }) => {
                    let _ = writeln!(
                        w,
                        "             opponent model bayesian ({hypotheses} hypotheses, sigma {sigma})"
                    );
                }
                _ => {}
            }
            for t in s.information.types.iter().filter(|t| t.agent == j) {
                let _ = writeln!(
                    w,
                    "             private {} ~ {} (mean {:.3}; the value above is the config's)",
                    t.field.path(),
                    t.prior.describe(&[]),
                    t.prior.mean()
                );
            }
        }
        let status_quo =
            a.utility_of_outcome(&s.protocol.status_quo, Outcome::StatusQuo, threat, leverage);
        let _ = write!(w, "             u(status quo) {status_quo:.3}");
        if let Some(unilateral) = &s.protocol.unilateral {
            let u = a.utility_of_outcome(unilateral, Outcome::Unilateral, threat, leverage);
            let _ = write!(w, ", u(unilateral) {u:.3}");
        }
        let _ = writeln!(w);
    }
    let threat = match s.environment.threat {
        ThreatModel::Beta { alpha, beta } => format!("Beta({alpha}, {beta})"),
        ThreatModel::Fixed { value } => format!("fixed at {value}"),
    };
    let oil = &s.environment.oil;
    let _ = writeln!(
        w,
        "environment: threat {threat}; oil GBM from ${} (drift {}, volatility {}, {} years a round, neutral at ${})",
        oil.initial, oil.drift, oil.volatility, oil.years_per_round, oil.reference
    );
    let start = s
        .protocol
        .start_issue
        .map_or("none".to_string(), |i| s.issues[i].name.clone());
    let _ = writeln!(
        w,
        "protocol: {:?}, deadline {} rounds, START issue {start} ({})",
        s.protocol.kind,
        s.protocol.deadline_rounds,
        s.protocol.start_linkage.name()
    );
    let _ = writeln!(
        w,
        "  status quo: {}",
        s.labels(&s.protocol.status_quo).join(", ")
    );
    let unilateral = match &s.protocol.unilateral {
        Some(u) => s.labels(u).join(", "),
        None => "none (breakdown is the status quo)".to_string(),
    };
    let _ = write!(w, "  unilateral: {unilateral}");
    moving_world(w, s);
    out
}

/// What moves during the talks (MODEL.md 7.14), for a config that declares it.
fn moving_world(w: &mut String, s: &Scenario) {
    use crate::model::world::Trigger;
    if !s.world.declared {
        return;
    }
    let _ = write!(w, "\nmoving world:");
    if let Some(p) = &s.world.threat_path {
        let _ = write!(
            w,
            "\n  threat path: reverts at {} a year to {}, volatility {}, re-assessed with probability {} a round",
            p.rate, p.mean, p.volatility, p.reassessment
        );
    }
    for a in &s.agents {
        let c = &a.conduct;
        let mut does = Vec::new();
        if c.may_abandon {
            does.push("may drop the plan".to_string());
        }
        if c.may_deploy {
            does.push("may deploy without a deal".to_string());
        }
        if let Some(e) = &c.escalation {
            does.push(format!("may escalate ({})", e.name));
        }
        if c.reevaluates_consent {
            does.push("re-evaluates consent".to_string());
        }
        if c.ratification_hazard > 0.0 {
            does.push(format!(
                "consent lapses at {} a round",
                c.ratification_hazard
            ));
        }
        if c.pressure_follows_stake {
            does.push("presses by its stake".to_string());
        }
        if !does.is_empty() {
            let _ = write!(w, "\n  {:<10} {}", a.name, does.join(", "));
        }
    }
    for e in &s.world.events {
        let when = match e.trigger {
            Trigger::Round(r) => format!("round {r}"),
            Trigger::Hazard(p) => format!("probability {p} a round"),
        };
        let conditions = if e.when.is_empty() {
            String::new()
        } else {
            format!(", {} condition(s)", e.when.len())
        };
        let _ = write!(
            w,
            "\n  event {}: {when}{conditions}, {} change(s){}",
            e.name,
            e.mutations.len(),
            e.threat
                .map_or(String::new(), |t| format!(", threat to {t}"))
        );
    }
}

fn group_thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::group_thousands(1782), "1,782");
        assert_eq!(super::group_thousands(100), "100");
        assert_eq!(super::group_thousands(1_000_000), "1,000,000");
    }
}
