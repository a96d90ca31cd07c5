//! Benchmarks of the theory: a full analysis of the baseline space and of
//! spaces of 10^5 and 10^6 packages, a two-party Pareto frontier of a million
//! packages by sorting, and the maxima of 10^5 and 10^6 points in five
//! dimensions (the all-agents frontier).
//!
//! `cargo bench --bench theory`

use detente::analysis::analyze;
use detente::config;
use detente::model::Model;
use detente::model::frontier::pareto_frontier;
use detente::theory::Side;
use detente::theory::maxima::undominated;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

fn main() {
    divan::main();
}

/// Frontier, all-agents frontier, Nash, Kalai–Smorodinsky, utilitarian and
/// the subgame-perfect equilibrium of the 1,782-package baseline space.
#[divan::bench]
fn baseline_analysis(bencher: divan::Bencher) {
    analysis(bencher, 10);
}

/// The same analysis with 617 or 6,173 interceptor values: 99,954 and
/// 1,000,026 packages.
#[divan::bench(args = [616, 6172], sample_count = 5)]
fn analysis_of_many_packages(bencher: divan::Bencher, interceptors: u32) {
    analysis(bencher, interceptors);
}

fn analysis(bencher: divan::Bencher, interceptors: u32) {
    let text = include_str!("../configs/baseline.toml").replacen(
        "max = 10 ",
        &format!("max = {interceptors} "),
        1,
    );
    let (_, scenario) = config::parse(&text, "configs/baseline.toml").expect("config is valid");
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

/// The undominated points of 10^5 and 10^6 points in five dimensions, each
/// a package's utilities to five agents who partly agree (a shared part and
/// a private part) on a grid of 1/1000, so that ties occur.
#[divan::bench(args = [100_000, 1_000_000], sample_count = 5)]
fn maxima_in_five_dimensions(bencher: divan::Bencher, points: usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let values: Vec<f64> = (0..points)
        .flat_map(|_| {
            let shared: f64 = rng.random();
            (0..5)
                .map(|_| ((0.5 * shared + 0.5 * rng.random::<f64>()) * 1000.0).round() / 1000.0)
                .collect::<Vec<f64>>()
        })
        .collect();
    bencher.bench_local(|| divan::black_box(undominated(&values, 5).len()));
}
