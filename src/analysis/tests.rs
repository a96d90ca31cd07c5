//! The theory on the baseline's own package space, across many environments.

use crate::config;
use crate::model::{Model, Subspace};
use crate::theory::ties::dominates;
use crate::theory::{Point, Side, backward_induction};

fn baseline() -> Model {
    let (_, scenario) = config::parse(
        include_str!("../../configs/baseline.toml"),
        "configs/baseline.toml",
    )
    .expect("the baseline config is valid");
    Model::new(scenario)
}

fn pair(p: &Point) -> [f64; 2] {
    [p.proposer, p.opponent]
}

// Before ties were decided on purpose, a frontier point was dominated by
// another in 166 of these 1,000 environments (the radar is worth exactly four
// interceptors to the United States, and clamping ties utilities at 0 and 1).
// Now no frontier point and no equilibrium deal is dominated: by another
// frontier point in all 1,000, and by any host-accepted package of the space
// (brute force) in the first 200, where also every package is dominated by
// or equal to a frontier point.
#[test]
fn no_frontier_point_or_equilibrium_deal_is_dominated_in_1000_environments() {
    let model = baseline();
    let scenario = model.scenario();
    let (p, o) = (scenario.proposer(), scenario.opponent());
    let space = Subspace::full(&scenario.issues);
    let packages: Vec<Vec<u32>> = (0..space.size()).map(|n| space.package(n)).collect();
    for seed in 0..1000 {
        let draw = scenario
            .environment
            .draw(seed, scenario.protocol.deadline_rounds);
        let outcome = model.outcome_space(&draw);
        let game = model.game(outcome.floors, Side::Opponent);
        let equilibrium = backward_induction(&outcome.frontier, &game);
        let frontier: Vec<[f64; 2]> = outcome.frontier.iter().map(pair).collect();
        let reported: Vec<[f64; 2]> = frontier
            .iter()
            .copied()
            .chain(equilibrium.deal.as_ref().map(pair))
            .collect();
        let feasible: Vec<[f64; 2]> = if seed < 200 {
            let (threat, leverage) = (draw.threat, draw.leverage_at(1));
            packages
                .iter()
                .filter(|pkg| model.hosts_accept(pkg, threat, leverage))
                .map(|pkg| [p, o].map(|i| scenario.agents[i].utility_of(pkg, threat, leverage)))
                .collect()
        } else {
            frontier.clone()
        };
        for point in &reported {
            let dominator = feasible.iter().find(|q| dominates(&q[..], point));
            assert!(
                dominator.is_none(),
                "seed {seed}: {point:?} is dominated by {dominator:?}"
            );
        }
        // And the frontier covers the space: every package is dominated by
        // a frontier point or ties with one.
        for q in &feasible {
            let covered = frontier.iter().any(|f| {
                dominates(f, q) || ((f[0] - q[0]).abs() <= 1e-9 && (f[1] - q[1]).abs() <= 1e-9)
            });
            assert!(covered, "seed {seed}: undominated {q:?} is missing");
        }
    }
}
