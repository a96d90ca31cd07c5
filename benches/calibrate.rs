//! Benchmark of `detente calibrate`: runs per second of the calibration of
//! `configs/history.toml` (its first three generations of 200 particles),
//! to compare with the plain sweep's (`cargo bench --bench sweep`).
//!
//! `cargo bench --bench calibrate`

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use detente::commands::{CalibrateOptions, calibrate};
use detente::config::Setting;

fn main() {
    divan::main();
}

fn options(dir: &std::path::Path, threads: usize) -> CalibrateOptions {
    let set = |text: &str| text.parse::<Setting>().expect("a valid --set");
    CalibrateOptions {
        config: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/configs/history.toml")),
        threads: Some(threads),
        out: Some(dir.join("calibration")),
        force: true,
        quiet: true,
        sets: vec![
            set("calibration.particles=200"),
            set("calibration.generations=3"),
        ],
        ..CalibrateOptions::default()
    }
}

/// Three generations with 1 and 2 worker threads; the counter is the runs
/// simulated, the posterior predictive check's included (the same for any
/// thread count).
#[divan::bench(args = [1, 2], sample_count = 5)]
fn history_three_generations(bencher: divan::Bencher, threads: usize) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = options(dir.path(), threads);
    let never = AtomicBool::new(false);
    let report = calibrate(&options, &never).expect("the calibration runs");
    let runs = report.simulations + report.predictive_runs;
    bencher
        .counter(divan::counter::ItemsCount::new(runs as usize))
        .bench_local(|| {
            divan::black_box(calibrate(&options, &never).expect("the calibration runs"))
        });
}
