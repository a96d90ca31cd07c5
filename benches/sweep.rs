//! Benchmark of a whole baseline sweep: design, parallel runs, row
//! formatting, ordered writing of runs.csv and summary.csv, checkpoints.
//!
//! `cargo bench --bench sweep`

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use detente::commands::{SweepOptions, SweepOutcome, sweep};

fn main() {
    divan::main();
}

/// Replicates per design point: 24 points × 2,000 = 48,000 runs.
const REPLICATIONS: u64 = 2_000;

/// The baseline sweep (24 design points) with 1 and 2 worker threads.
#[divan::bench(args = [1, 2], sample_count = 10)]
fn baseline_sweep_48k(bencher: divan::Bencher, threads: usize) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = SweepOptions {
        config: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/configs/baseline.toml"
        )),
        replications: Some(REPLICATIONS),
        threads: Some(threads),
        out: Some(dir.path().join("study")),
        force: true,
        quiet: true,
        ..SweepOptions::default()
    };
    let never = AtomicBool::new(false);
    bencher
        .counter(divan::counter::ItemsCount::new(24 * REPLICATIONS as usize))
        .bench_local(
            || match sweep(&options, &never).expect("the baseline sweep runs") {
                SweepOutcome::Ran(report) => divan::black_box(report.runs_done),
                SweepOutcome::DryRun { .. } => unreachable!("not a dry run"),
            },
        );
}

/// `configs/tournament.toml` (8 × 8 entries on the 2007 situation, 400 runs
/// a pairing: 25,600 runs, matches.csv and ranking.csv written, no
/// figures), 1 and 2 threads, to compare with the sweep's runs per second.
#[divan::bench(args = [1, 2], sample_count = 10)]
fn tournament_25k(bencher: divan::Bencher, threads: usize) {
    use detente::commands::{TournamentOptions, tournament};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = TournamentOptions {
        config: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/configs/tournament.toml"
        )),
        threads: Some(threads),
        out: Some(dir.path().join("tournament")),
        force: true,
        plots: false,
        ..TournamentOptions::default()
    };
    let never = AtomicBool::new(false);
    bencher
        .counter(divan::counter::ItemsCount::new(25_600usize))
        .bench_local(|| {
            divan::black_box(
                tournament(&options, &never)
                    .expect("the tournament runs")
                    .runs,
            )
        });
}
