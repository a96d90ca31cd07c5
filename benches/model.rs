//! Benchmarks of the model: one baseline run, the per-run frontier, a
//! batch of runs through the ordered parallel runner, and runs with
//! opponent models and private types beside the same runs without.
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

/// A config with opponent models for the US and Russia inserted after
/// their roles.
fn with_models(text: &str, file: &str, us: &str, russia: &str) -> Model {
    let mut text = text.to_string();
    for (role, model) in [("proposer", us), ("opponent", russia)] {
        if !model.is_empty() {
            let line = format!("role = \"{role}\"");
            text = text.replacen(&line, &format!("{line}\nopponent_model = {model}"), 1);
        }
    }
    let (_, scenario) = config::parse(&text, file).expect("the config is valid");
    Model::new(scenario)
}

const BAYESIAN: &str = r#"{ kind = "bayesian" }"#;
const FREQUENCY: &str = r#"{ kind = "frequency" }"#;

/// Who learns: nobody, the US (Bayesian), Russia (frequency), both.
const LEARNERS: [&str; 4] = ["none", "us", "russia", "both"];

fn learners(which: &str) -> (&'static str, &'static str) {
    match which {
        "none" => ("", ""),
        "us" => (BAYESIAN, ""),
        "russia" => ("", FREQUENCY),
        _ => (BAYESIAN, FREQUENCY),
    }
}

fn bench_runs(bencher: divan::Bencher, model: &Model) {
    let mut scratch = Scratch::default();
    let mut seed = 0u64;
    bencher.bench_local(|| {
        seed += 1;
        divan::black_box(model.simulate(run_seed(1, 0, seed), &mut scratch, None))
    });
}

/// One baseline run with opponent models (complete information otherwise);
/// samples of 100 runs.
#[divan::bench(args = LEARNERS, sample_size = 100)]
fn baseline_run_learning(bencher: divan::Bencher, which: &str) {
    let (us, russia) = learners(which);
    let model = with_models(
        include_str!("../configs/baseline.toml"),
        "configs/baseline.toml",
        us,
        russia,
    );
    bench_runs(bencher, &model);
}

/// One run of the still 2007 situation with opponent models; samples of
/// 100 runs.
#[divan::bench(args = LEARNERS, sample_size = 100)]
fn still_situation_run_learning(bencher: divan::Bencher, which: &str) {
    let (us, russia) = learners(which);
    let model = with_models(
        include_str!("../configs/situation_2007.toml"),
        "configs/situation_2007.toml",
        us,
        russia,
    );
    bench_runs(bencher, &model);
}

/// One run of configs/incomplete_2007.toml: both types drawn per run, the
/// US learning by Bayes and Russia by frequency; samples of 100 runs.
#[divan::bench(sample_size = 100)]
fn incomplete_run(bencher: divan::Bencher) {
    let situation = include_str!("../configs/situation_2007.toml");
    let incomplete = include_str!("../configs/incomplete_2007.toml");
    // The extension without its `extends` and its own [agents.*] tables,
    // which `with_models` puts into the situation's.
    let private: String = incomplete
        .split("# ---------------------------------------------------------------- how each side learns")
        .next()
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("extends") && !l.starts_with("[scenario]") && !l.starts_with("name ="))
        .collect::<Vec<_>>()
        .join("\n");
    let text = format!("{situation}\n{private}\n");
    let model = with_models(&text, "configs/incomplete_2007.toml", BAYESIAN, FREQUENCY);
    bench_runs(bencher, &model);
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
