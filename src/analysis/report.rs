//! `detente analyze` output besides JSON: CSV, one row per reported package,
//! and a plain-text summary. Both name every solution as the JSON does
//! (`nash.over_floors` in JSON and text is `nash_over_floors` in CSV).

use super::{Analysis, Solution};
use crate::data::row::push_row;
use crate::theory::Ending;

/// The named solutions, in report order, with their names in JSON's dotted form.
fn named(analysis: &Analysis) -> [(&'static str, Option<&Solution>); 7] {
    [
        ("nash.over_floors", analysis.nash.over_floors.as_ref()),
        ("nash.over_breakdown", analysis.nash.over_breakdown.as_ref()),
        (
            "kalai_smorodinsky.over_floors",
            analysis.kalai_smorodinsky.over_floors.as_ref(),
        ),
        (
            "kalai_smorodinsky.over_breakdown",
            analysis.kalai_smorodinsky.over_breakdown.as_ref(),
        ),
        ("utilitarian", analysis.utilitarian.as_ref()),
        (
            "utilitarian_all_agents",
            analysis.utilitarian_all_agents.as_ref(),
        ),
        ("equilibrium", analysis.equilibrium.deal.as_ref()),
    ]
}

/// The analysis as CSV: one row per reported package, `solution` naming it,
/// plus a `floors` row with only the negotiators' utilities.
pub fn to_csv(analysis: &Analysis) -> String {
    let mut out = Vec::new();
    let first = &analysis.disagreement;
    let header = std::iter::once("solution".to_string())
        .chain(first.package.keys().cloned())
        .chain(first.utilities.keys().map(|a| format!("utility_{a}")));
    push_row(&mut out, header);
    let mut row = |name: &str, s: &Solution| {
        let fields = std::iter::once(name.to_string())
            .chain(s.package.values().cloned())
            .chain(s.utilities.values().map(f64::to_string));
        push_row(&mut out, fields);
    };
    row(
        &format!("disagreement_{}", analysis.breakdown_outcome),
        first,
    );
    for (name, s) in named(analysis) {
        if let Some(s) = s {
            row(&name.replace('.', "_"), s);
        }
    }
    for s in &analysis.frontier {
        row("frontier", s);
    }
    for s in &analysis.frontier_all_agents {
        row("frontier_all_agents", s);
    }
    let floors = std::iter::once("floors".to_string())
        .chain(first.package.keys().map(|_| String::new()))
        .chain(first.utilities.keys().map(|agent| {
            analysis
                .floors
                .get(agent)
                .map_or(String::new(), f64::to_string)
        }));
    push_row(&mut out, floors);
    String::from_utf8(out).expect("CSV of UTF-8 fields is UTF-8")
}

/// The analysis as a short text report: the negotiators' utilities of each
/// reference point, and its package.
pub fn to_text(analysis: &Analysis) -> String {
    let (p, o) = (&analysis.proposer, &analysis.opponent);
    let env = &analysis.environment;
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!(
        "{}: {} (threat {:.3}, oil price {:.2}, leverage {:.3})",
        analysis.scenario, env.source, env.threat, env.oil_price, env.leverage
    ));
    line(format!(
        "{} packages, {} accepted by the hosts; frontier {} packages ({p}–{o}), {} (all agents)",
        analysis.packages,
        analysis.feasible_packages,
        analysis.frontier.len(),
        analysis.frontier_all_agents.len()
    ));
    line(String::new());
    line(format!(
        "{:<34} {:>8} {:>8}  package",
        "solution",
        truncate(p),
        truncate(o)
    ));
    let utilities = |s: &Solution| [p, o].map(|a| format!("{:>8.4}", s.utilities[a.as_str()]));
    let [dp, dop] = utilities(&analysis.disagreement);
    let breakdown = format!("breakdown ({})", analysis.breakdown_outcome);
    line(format!(
        "{breakdown:<34} {dp} {dop}  {}",
        package(&analysis.disagreement)
    ));
    let floor = |a: &String| format!("{:>8.4}", analysis.floors[a.as_str()]);
    line(format!("{:<34} {} {}", "floors", floor(p), floor(o)));
    for (name, s) in named(analysis) {
        match s {
            Some(s) => {
                let [up, uo] = utilities(s);
                line(format!("{name:<34} {up} {uo}  {}", package(s)));
            }
            None => line(format!("{name:<34} {:>8} {:>8}", "none", "none")),
        }
    }
    let e = &analysis.equilibrium;
    let ending = match (e.ending, e.period) {
        (Ending::Agreement, Some(t)) => format!("agreement in period {t}"),
        (Ending::WalkAway, Some(t)) => format!("a side walks away in period {t}"),
        _ => "no agreement by the deadline".to_string(),
    };
    line(String::new());
    line(format!(
        "equilibrium: {} offer periods, {} offers last, either side may walk away with its floor: {ending}",
        e.horizon_periods,
        match e.last_offer {
            super::Side::Proposer => p,
            super::Side::Opponent => o,
        }
    ));
    out
}

/// An agent name cut to the width of a utility column.
fn truncate(name: &str) -> String {
    name.chars().take(8).collect()
}

fn package(s: &Solution) -> String {
    s.package
        .iter()
        .map(|(issue, value)| format!("{issue}={value}"))
        .collect::<Vec<_>>()
        .join(" ")
}
