//! Benchmarks of the model: one baseline run, the per-run frontier, and a
//! batch of runs through the ordered parallel runner.
//!
//! `cargo bench --bench model`

use detente::config;
use detente::engine::{self, run_ordered, run_seed};
use detente::model::{Model, Scratch};

fn main() {
    divan::main();
}

fn baseline() -> Model {
    let (_, scenario) = config::parse(
        include_str!("../configs/baseline.toml"),
        "configs/baseline.toml",
    )
    .expect("baseline config is valid");
    Model::new(scenario)
}

/// One run of the 2007 situation standing still (the baseline before the
/// world moved), on one core.
///
/// Each sample is 100 runs of consecutive seeds, so the median sample is
/// close to the mean cost of a run: a moving baseline run that ends when the
/// US drops the plan in round 1 costs a fraction of one that lasts 36
/// rounds, and the median of single runs would report the cheap ones.
#[divan::bench(sample_size = 100)]
fn still_situation_run(bencher: divan::Bencher) {
    let (_, scenario) = config::parse(
        include_str!("../configs/situation_2007.toml"),
        "configs/situation_2007.toml",
    )
    .expect("the 2007 situation is valid");
    let model = Model::new(scenario);
    let mut scratch = Scratch::default();
    let mut seed = 0u64;
    bencher.bench_local(|| {
        seed += 1;
        divan::black_box(model.simulate(run_seed(1, 0, seed), &mut scratch, None))
    });
}

/// One baseline run on one core, environment draw included: the moving
/// world of 2007–2009 (threat path, events, choices every round); samples
/// of 100 runs as for `still_situation_run`.
#[divan::bench(sample_size = 100)]
fn baseline_run(bencher: divan::Bencher) {
    let model = baseline();
    let mut scratch = Scratch::default();
    let mut seed = 0u64;
    bencher.bench_local(|| {
        seed += 1;
        divan::black_box(model.simulate(run_seed(1, 0, seed), &mut scratch, None))
    });
}

/// 20,000 baseline runs through the ordered runner, 1 and 2 threads.
#[divan::bench(args = [1, 2], sample_count = 10)]
fn baseline_batch_20k(bencher: divan::Bencher, threads: usize) {
    let model = baseline();
    let pool = engine::pool(threads).expect("the benchmark's threads start");
    bencher
        .counter(divan::counter::ItemsCount::new(20_000usize))
        .bench_local(|| {
            let mut agreements = 0u64;
            run_ordered(
                &pool,
                0..20_000,
                Scratch::default,
                |i, scratch| {
                    let seed = run_seed(7, 0, i);
                    engine::guarded(i, seed, |_| model.simulate(seed, scratch, None))
                },
                |chunk| {
                    agreements += chunk.len() as u64;
                    Ok::<bool, ()>(true)
                },
            )
            .expect("the sink never fails");
            divan::black_box(agreements)
        });
}
