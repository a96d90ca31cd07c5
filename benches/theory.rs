//! Benchmarks of the theory: a full analysis of the baseline space, and a
//! two-party Pareto frontier of a million packages by sorting.
//!
//! `cargo bench --bench theory`

use detente::config;
use detente::model::Model;
use detente::model::frontier::pareto_frontier;
use detente::theory::{Side, analyze};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

fn main() {
    divan::main();
}

/// Frontier, all-agents frontier, Nash, Kalai–Smorodinsky, utilitarian and
/// the subgame-perfect equilibrium of the 1,782-package baseline space.
#[divan::bench]
fn baseline_analysis(bencher: divan::Bencher) {
    let (_, scenario) = config::parse(
        include_str!("../configs/baseline.toml"),
        "configs/baseline.toml",
    )
    .expect("baseline config is valid");
    let model = Model::new(scenario);
    let draw = model
        .scenario()
        .environment
        .expected(model.scenario().protocol.deadline_rounds);
    bencher.bench_local(|| {
        divan::black_box(analyze(
            &model,
            &draw,
            "expected values".into(),
            Side::Opponent,
        ))
    });
}

/// The two-party Pareto frontier of 1,000,000 random packages (sort and sweep).
#[divan::bench(sample_count = 20)]
fn frontier_of_a_million_packages(bencher: divan::Bencher) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let first: Vec<f64> = (0..1_000_000).map(|_| rng.random()).collect();
    let second: Vec<f64> = first
        .iter()
        .map(|x| 1.0 - x + 0.3 * rng.random::<f64>())
        .collect();
    bencher.bench_local(|| divan::black_box(pareto_frontier(&first, &second).len()));
}
