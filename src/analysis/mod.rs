//! `detente analyze`: the outcome space of a scenario and its reference
//! points, in one environment (expected values, or one seed's draw).

pub mod report;
#[cfg(test)]
mod tests;

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::{EnvironmentDraw, Model, Outcome, Subspace};
use crate::theory::{
    Ending, Point, Side, backward_induction, kalai_smorodinsky, maxima, nash, ties, utilitarian,
};

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

/// A solution concept relative to both disagreement points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relative {
    /// Relative to the negotiators' effective floors (the larger of
    /// reservation and breakdown utility): the game the agents play, since
    /// neither accepts less.
    pub over_floors: Option<Solution>,
    /// Relative to the breakdown outcome's utilities (the textbook
    /// disagreement point).
    pub over_breakdown: Option<Solution>,
}

/// The subgame-perfect equilibrium as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EquilibriumInfo {
    /// Offer periods: two per round of the protocol's deadline, one fewer
    /// when the proposer makes the last offer.
    pub horizon_periods: u32,
    pub last_offer: Side,
    /// Per-offer-period discount factors of proposer and opponent.
    pub discounts: [f64; 2],
    /// What proposer and opponent get by walking away, in any period: their floors.
    pub outside_options: [f64; 2],
    /// `agreement`, `walk_away` or `deadline`.
    pub ending: Ending,
    pub deal: Option<Solution>,
    /// Period of agreement or walking away on the equilibrium path (1 = at once).
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
    /// Proposer's and opponent's effective floors: the larger of their
    /// reservation utility and their utility of the breakdown outcome.
    pub floors: IndexMap<String, f64>,
    /// Proposer–opponent Pareto frontier (proposer's utility falling).
    pub frontier: Vec<Solution>,
    /// Pareto frontier over all agents' utilities.
    pub frontier_all_agents: Vec<Solution>,
    pub nash: Relative,
    pub kalai_smorodinsky: Relative,
    pub utilitarian: Option<Solution>,
    pub utilitarian_all_agents: Option<Solution>,
    pub equilibrium: EquilibriumInfo,
}

/// Analyses a prepared scenario in the environment `draw` (at its opening
/// round), the equilibrium with `last_offer` making the last offer.
pub fn analyze(
    model: &Model,
    draw: &EnvironmentDraw,
    source: String,
    last_offer: Side,
) -> Analysis {
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
    let (d, floors) = (space.disagreement, space.floors);
    let relative = |solve: fn(&[Point], [f64; 2]) -> Option<Point>| Relative {
        over_floors: solve(&space.frontier, floors).map(at),
        over_breakdown: solve(&space.frontier, d).map(at),
    };
    let game = model.game(floors, last_offer);
    let equilibrium = backward_induction(&space.frontier, &game);
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
        floors: [p, o]
            .into_iter()
            .zip(floors)
            .map(|(i, f)| (scenario.agents[i].name.clone(), f))
            .collect(),
        frontier: space.frontier.iter().map(|&pt| at(pt)).collect(),
        frontier_all_agents: all
            .iter()
            .map(|&n| solution(&space.space.package(n), Outcome::Agreement))
            .collect(),
        nash: relative(nash),
        kalai_smorodinsky: relative(kalai_smorodinsky),
        utilitarian: utilitarian(&space.frontier).map(at),
        utilitarian_all_agents: utilitarian_all
            .map(|n| solution(&space.space.package(n), Outcome::Agreement)),
        equilibrium: EquilibriumInfo {
            horizon_periods: game.horizon_periods,
            last_offer: game.last_offer(),
            discounts: game.discounts,
            outside_options: floors,
            ending: equilibrium.ending,
            deal: equilibrium.deal.map(at),
            period: equilibrium.period,
            payoffs: equilibrium.payoffs,
        },
    }
}

/// The all-agents Pareto frontier of host-accepted packages (package numbers),
/// their count, and the package with the largest sum of utilities (the
/// first within the tolerance of the largest).
fn all_agents(
    model: &Model,
    space: &Subspace,
    threat: f64,
    leverage: f64,
) -> (Vec<usize>, usize, Option<usize>) {
    let agents = &model.scenario().agents;
    let mut package = vec![0; model.scenario().issues.len()];
    let mut numbers = Vec::new();
    let mut utilities = Vec::new();
    for n in 0..space.size() {
        space.package_into(n, &mut package);
        if model.hosts_accept(&package, threat, leverage) {
            numbers.push(n);
            utilities.extend(
                agents
                    .iter()
                    .map(|a| a.utility_of(&package, threat, leverage)),
            );
        }
    }
    let sums: Vec<f64> = utilities
        .chunks(agents.len())
        .map(|u| u.iter().sum())
        .collect();
    let best = sums.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let utilitarian = sums
        .iter()
        .position(|&s| ties::equal(s, best))
        .map(|i| numbers[i]);
    let frontier = maxima::undominated(&utilities, agents.len())
        .into_iter()
        .map(|i| numbers[i])
        .collect();
    (frontier, numbers.len(), utilitarian)
}
