//! `detente analyze`: the outcome space of a scenario and its reference
//! points, in one environment (expected values, or one seed's draw).

use indexmap::IndexMap;
use serde::Serialize;

use super::{Point, backward_induction, kalai_smorodinsky, nash, utilitarian};
use crate::model::{EnvironmentDraw, Model, Outcome, Subspace};

/// A package with every agent's utility.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    pub package: IndexMap<String, String>,
    pub utilities: IndexMap<String, f64>,
}

/// The environment the analysis was done in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvironmentInfo {
    /// "expected values" or "seed S".
    pub source: String,
    pub threat: f64,
    pub oil_price: f64,
    pub leverage: f64,
}

/// The subgame-perfect equilibrium as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EquilibriumInfo {
    /// Offers in the game: two per round of the protocol's deadline.
    pub horizon_periods: u32,
    /// Per-period discount factors of proposer and opponent.
    pub discounts: [f64; 2],
    pub deal: Option<Solution>,
    /// Period of agreement on the equilibrium path (1 = at once).
    pub period: Option<u32>,
    /// Proposer's and opponent's payoffs, discounted to the first period.
    pub payoffs: [f64; 2],
}

/// Everything `detente analyze` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub scenario: String,
    pub environment: EnvironmentInfo,
    pub proposer: String,
    pub opponent: String,
    /// Packages in the space, and how many the hosts accept.
    pub packages: usize,
    pub feasible_packages: usize,
    /// The breakdown outcome (`unilateral` or `status_quo`) and every agent's utility of it.
    pub breakdown_outcome: String,
    pub disagreement: Solution,
    /// Proposer–opponent Pareto frontier (proposer's utility falling).
    pub frontier: Vec<Solution>,
    /// Pareto frontier over all agents' utilities.
    pub frontier_all_agents: Vec<Solution>,
    pub nash: Option<Solution>,
    pub kalai_smorodinsky: Option<Solution>,
    pub utilitarian: Option<Solution>,
    pub utilitarian_all_agents: Option<Solution>,
    pub equilibrium: EquilibriumInfo,
}

/// Analyses a prepared scenario in the environment `draw` (at its opening round).
pub fn analyze(model: &Model, draw: &EnvironmentDraw, source: String) -> Analysis {
    let scenario = model.scenario();
    let space = model.outcome_space(draw);
    let (threat, leverage) = (draw.threat, draw.leverage_at(1));
    let (p, o) = (scenario.proposer(), scenario.opponent());
    let solution = |package: &[u32], outcome: Outcome| Solution {
        package: scenario
            .issues
            .iter()
            .zip(scenario.labels(package))
            .map(|(i, l)| (i.name.clone(), l))
            .collect(),
        utilities: scenario
            .agents
            .iter()
            .map(|a| {
                (
                    a.name.clone(),
                    a.utility_of_outcome(package, outcome, threat, leverage),
                )
            })
            .collect(),
    };
    let at = |point: Point| {
        solution(
            &space.space.package(point.index as usize),
            Outcome::Agreement,
        )
    };
    let d = space.disagreement;
    let equilibrium = backward_induction(
        &space.frontier,
        [scenario.agents[p].discount, scenario.agents[o].discount],
        2 * scenario.protocol.deadline_rounds,
        d,
    );
    let (all, feasible, utilitarian_all) = all_agents(model, &space.space, threat, leverage);
    Analysis {
        scenario: scenario.name.clone(),
        environment: EnvironmentInfo {
            source,
            threat,
            oil_price: draw.price_at(1),
            leverage,
        },
        proposer: scenario.agents[p].name.clone(),
        opponent: scenario.agents[o].name.clone(),
        packages: space.space.size(),
        feasible_packages: feasible,
        breakdown_outcome: space.breakdown.0.name().into(),
        disagreement: solution(&space.breakdown.1, space.breakdown.0),
        frontier: space.frontier.iter().map(|&pt| at(pt)).collect(),
        frontier_all_agents: all
            .iter()
            .map(|&n| solution(&space.space.package(n), Outcome::Agreement))
            .collect(),
        nash: nash(&space.frontier, d).map(at),
        kalai_smorodinsky: kalai_smorodinsky(&space.frontier, d).map(at),
        utilitarian: utilitarian(&space.frontier).map(at),
        utilitarian_all_agents: utilitarian_all
            .map(|n| solution(&space.space.package(n), Outcome::Agreement)),
        equilibrium: EquilibriumInfo {
            horizon_periods: 2 * scenario.protocol.deadline_rounds,
            discounts: [scenario.agents[p].discount, scenario.agents[o].discount],
            deal: equilibrium.deal.map(at),
            period: equilibrium.period,
            payoffs: equilibrium.payoffs,
        },
    }
}

/// The all-agents Pareto frontier of host-accepted packages (package numbers),
/// their count, and the package with the largest sum of utilities.
fn all_agents(
    model: &Model,
    space: &Subspace,
    threat: f64,
    leverage: f64,
) -> (Vec<usize>, usize, Option<usize>) {
    let agents = &model.scenario().agents;
    let mut points: Vec<(usize, Vec<f64>)> = (0..space.size())
        .filter_map(|n| {
            let package = space.package(n);
            model.hosts_accept(&package, threat, leverage).then(|| {
                (
                    n,
                    agents
                        .iter()
                        .map(|a| a.utility_of(&package, threat, leverage))
                        .collect(),
                )
            })
        })
        .collect();
    let feasible = points.len();
    let utilitarian = points
        .iter()
        .map(|(n, u)| (*n, u.iter().sum::<f64>()))
        .fold(None::<(usize, f64)>, |best, (n, s)| match best {
            Some((_, b)) if b >= s => best,
            _ => Some((n, s)),
        })
        .map(|(n, _)| n);
    // Lexicographically descending: a point can only be dominated by one before it.
    points.sort_by(|a, b| {
        b.1.iter()
            .zip(&a.1)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(a.0.cmp(&b.0))
    });
    let mut kept: Vec<(usize, Vec<f64>)> = Vec::new();
    for (n, u) in points {
        let dominated = kept.iter().any(|(_, k)| {
            k.iter().zip(&u).all(|(a, b)| a >= b) && k.iter().zip(&u).any(|(a, b)| a > b)
        });
        let duplicate = kept.iter().any(|(_, k)| *k == u);
        if !dominated && !duplicate {
            kept.push((n, u));
        }
    }
    (
        kept.into_iter().map(|(n, _)| n).collect(),
        feasible,
        utilitarian,
    )
}

/// The analysis as CSV: one row per reported package, `solution` naming it.
pub fn to_csv(analysis: &Analysis) -> String {
    let mut out = Vec::new();
    let first = &analysis.disagreement;
    let header = std::iter::once("solution".to_string())
        .chain(first.package.keys().cloned())
        .chain(first.utilities.keys().map(|a| format!("utility_{a}")));
    crate::data::row::push_row(&mut out, header);
    let mut row = |name: &str, s: &Solution| {
        let fields = std::iter::once(name.to_string())
            .chain(s.package.values().cloned())
            .chain(s.utilities.values().map(f64::to_string));
        crate::data::row::push_row(&mut out, fields);
    };
    row(
        &format!("disagreement_{}", analysis.breakdown_outcome),
        first,
    );
    let named = [
        ("nash", &analysis.nash),
        ("kalai_smorodinsky", &analysis.kalai_smorodinsky),
        ("utilitarian", &analysis.utilitarian),
        ("utilitarian_all_agents", &analysis.utilitarian_all_agents),
        ("equilibrium", &analysis.equilibrium.deal),
    ];
    for (name, s) in named {
        if let Some(s) = s {
            row(name, s);
        }
    }
    for s in &analysis.frontier {
        row("frontier", s);
    }
    for s in &analysis.frontier_all_agents {
        row("frontier_all_agents", s);
    }
    String::from_utf8(out).expect("CSV of UTF-8 fields is UTF-8")
}
