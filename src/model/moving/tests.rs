//! The moving protocol against the still one, and each mechanism at work.

use crate::config;
use crate::model::{Linkage, Model, OfferRecord, RunResult, Scenario, Scratch, Strategy};

fn baseline() -> Scenario {
    config::parse(
        include_str!("../../../tests/cli/pinned/baseline.toml"),
        "baseline.toml",
    )
    .expect("the frozen baseline is valid")
    .1
}

fn both(model: &Model, seed: u64) -> [(RunResult, Vec<OfferRecord>); 2] {
    let mut scratch = Scratch::default();
    let mut still = Vec::new();
    let a = model.simulate(seed, &mut scratch, Some(&mut still));
    let s = model.scenario();
    let draw = s.environment.draw(seed, s.protocol.deadline_rounds);
    let mut moving = Vec::new();
    let mut b = model.simulate_moving(
        &draw,
        &model.world_draw(seed),
        &mut scratch,
        Some(&mut moving),
    );
    b.world = None;
    [(a, still), (b, moving)]
}

// With nothing moving, the moving protocol computes exactly what the still
// one does: the same outcome, package, rounds, utilities and offers, bit for
// bit, in every variant the still one has.
#[test]
fn the_moving_protocol_in_a_still_world_is_the_still_protocol() {
    for variant in 0..4 {
        let mut s = baseline();
        if variant & 1 == 1 {
            s.protocol.start_linkage = Linkage::Separate;
        }
        if variant & 2 == 2 {
            let o = s.opponent();
            s.agents[o].strategy = Strategy::TitForTat {};
            let p = s.proposer();
            s.agents[p].reservation = 0.5;
        }
        let model = Model::new(s);
        for seed in 0..300 {
            let [still, moving] = both(&model, seed);
            assert_eq!(still, moving, "variant {variant}, seed {seed}");
        }
    }
}
