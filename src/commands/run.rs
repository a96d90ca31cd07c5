//! `detente run`: Monte Carlo replicates of one scenario.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime};

use crate::config::{self, LoadedConfig, Setting};
use crate::data::runs::{push_trace, run_fields};
use crate::data::schema::{self, file, run_columns, trace_columns};
use crate::data::{CsvFile, manifest};
use crate::data::{FileDigest, RunManifest, Staging, StudyLock, sha256_hex, timestamp};
use crate::engine::{self, run_ordered, run_seed};
use crate::error::Error;
use crate::model::{Model, Outcome, Scenario, Scratch};
use crate::sweep::{DEFAULT_MAX_RUNS, SweepPlan};

/// Options of `detente run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub config: PathBuf,
    pub replications: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub trace: bool,
    pub force: bool,
    /// Rerun the single run whose `seed` column is this, instead of replicates.
    pub replay: Option<u64>,
    /// With `replay`: the run is of this design point of the config's sweep.
    pub point: Option<u64>,
    /// Refuse more replications than this.
    pub max_runs: u64,
    /// `--set` overrides of config values.
    pub sets: Vec<Setting>,
}

/// What a finished `run` reports.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub dir: PathBuf,
    pub runs: u64,
    pub failed: u64,
    /// Runs ending in each outcome, in [`Outcome::ALL`] order.
    pub outcomes: [u64; 3],
    pub wall_time_seconds: f64,
}

/// Default output directory of `detente run` for a scenario.
pub fn default_run_dir(scenario: &str) -> PathBuf {
    Path::new("runs").join(format!("{scenario}-run"))
}

/// Number of threads to use when none is given: all available cores.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs the replicates and writes runs.csv (and rounds.csv), the manifest and
/// a copy of the config to the output directory. `interrupt` is polled
/// between chunks (set it from Ctrl-C): the run then stops and writes nothing.
///
/// `announce` is given the report before the directory is moved into place
/// (the binary prints it): if it fails, as on a full standard output,
/// nothing is written.
pub fn run(
    options: &RunOptions,
    interrupt: &AtomicBool,
    announce: &mut dyn FnMut(&RunReport) -> Result<(), String>,
) -> Result<RunReport, Error> {
    let loaded = config::load_with(&options.config, &options.sets)?;
    let mut scenario = match options.point {
        Some(point) => point_scenario(&loaded, options, point)?,
        None => loaded.scenario.clone(),
    };
    if options.replay.is_some() && options.replications.is_some() {
        return Err(Error::Usage(
            "--replay reruns one run; drop --replications".into(),
        ));
    }
    if let Some(n) = options.replications {
        if n == 0 {
            return Err(Error::Usage(
                "--replications must be at least 1 (got 0)".into(),
            ));
        }
        scenario.replications = n;
    }
    if let Some(seed) = options.seed {
        scenario.seed = seed;
    }
    let threads = options.threads.unwrap_or_else(default_threads);
    if threads == 0 {
        return Err(Error::Usage("--threads must be at least 1 (got 0)".into()));
    }
    if options.replay.is_some() {
        scenario.replications = 1;
    }
    let dir = options
        .out
        .clone()
        .unwrap_or_else(|| match (options.replay, options.point) {
            (Some(seed), None) => {
                Path::new("runs").join(format!("{}-replay-{seed}", scenario.name))
            }
            (Some(seed), Some(point)) => {
                Path::new("runs").join(format!("{}-point-{point}-replay-{seed}", scenario.name))
            }
            (None, _) => default_run_dir(&scenario.name),
        });
    if scenario.replications > options.max_runs {
        return Err(Error::Usage(format!(
            "{} replications are more than --max-runs {}; lower --replications or raise --max-runs",
            scenario.replications, options.max_runs
        )));
    }
    let _lock = StudyLock::acquire(&dir)?;
    let staging = Staging::new(&dir, options.force, &[&options.config])?;
    let started = SystemTime::now();
    let clock = Instant::now();
    let (master, replications) = (scenario.seed, scenario.replications);
    let model = Model::new(scenario);
    let scenario = model.scenario();

    let mut runs = CsvFile::create(&staging.file(file::RUNS))?;
    runs.write_header(&schema::header(&run_columns(scenario)))?;
    let mut trace = match options.trace {
        true => {
            let mut w = CsvFile::create(&staging.file(file::ROUNDS))?;
            w.write_header(&schema::header(&trace_columns(scenario)))?;
            Some(w)
        }
        false => None,
    };
    let mut offers = Vec::new();

    let mut report = RunReport {
        dir: dir.clone(),
        runs: 0,
        failed: 0,
        outcomes: [0; 3],
        wall_time_seconds: 0.0,
    };
    let mut row = Vec::new();
    run_ordered(
        &engine::pool(threads)?,
        0..replications,
        Scratch::default,
        |i, scratch| {
            let seed = options.replay.unwrap_or_else(|| run_seed(master, 0, i));
            engine::guarded(i, seed, |offers| {
                model.simulate(seed, scratch, options.trace.then_some(offers))
            })
        },
        |chunk| {
            for record in chunk {
                report.runs += 1;
                match &record.result {
                    Ok(r) => report.outcomes[outcome_slot(r.outcome)] += 1,
                    Err(_) => report.failed += 1,
                }
                row.clear();
                run_fields(scenario, &record, &mut row);
                runs.write_row(&row)?;
                if let Some(w) = trace.as_mut() {
                    offers.clear();
                    push_trace(scenario, &record, &mut offers);
                    w.write_rows(&offers, record.trace.len() as u64)?;
                }
            }
            Ok::<bool, Error>(!interrupt.load(Ordering::SeqCst))
        },
    )?;
    if interrupt.load(Ordering::SeqCst) {
        return Err(Error::Interrupted(format!(
            "interrupted after {} of {replications} runs; nothing was written to {}",
            report.runs,
            dir.display()
        )));
    }
    runs.flush()?;
    let mut digests = vec![runs.digest()];
    if let Some(mut w) = trace {
        w.flush()?;
        digests.push(w.digest());
    }

    let config_copy = staging.file(file::CONFIG);
    fs::write(&config_copy, &loaded.text).map_err(|e| Error::io(&config_copy, e))?;
    digests.push(FileDigest::of_bytes(
        file::CONFIG,
        loaded.text.as_bytes(),
        0,
    ));
    report.wall_time_seconds = clock.elapsed().as_secs_f64();
    let mut files = vec![file::RUNS.to_string()];
    if options.trace {
        files.push(file::ROUNDS.into());
    }
    files.extend([file::CONFIG.into(), file::MANIFEST.into()]);
    let manifest = RunManifest {
        tool: "detente".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        command: "run".into(),
        scenario: scenario.name.clone(),
        config_file: options.config.display().to_string(),
        config_sha256: sha256_hex(loaded.text.as_bytes()),
        seed: master,
        replications,
        replay_seed: options.replay,
        replay_point: options.point,
        threads,
        started_at: timestamp(started),
        finished_at: timestamp(SystemTime::now()),
        wall_time_seconds: report.wall_time_seconds,
        runs: report.runs,
        failed_runs: report.failed,
        complete: true,
        files,
        digests,
    };
    manifest::write(staging.path(), &manifest)?;
    announce(&report).map_err(Error::Usage)?;
    staging.commit()?;
    Ok(report)
}

/// The scenario of design point `point` of the config's sweep, exactly as
/// `detente sweep` runs it (with the same `--seed`, which places the points
/// of sampled designs).
fn point_scenario(
    loaded: &LoadedConfig,
    options: &RunOptions,
    point: u64,
) -> Result<Scenario, Error> {
    if options.replay.is_none() {
        return Err(Error::Usage(
            "--point reruns one run of a sweep; give its seed with --replay SEED".into(),
        ));
    }
    if loaded.raw.sweep.is_none() {
        return Err(Error::Usage(format!(
            "--point {point}: {} has no [sweep] table, so it has no design points; drop --point",
            options.config.display()
        )));
    }
    let file = options.config.display().to_string();
    let plan = SweepPlan::new(loaded, &file, options.seed, None, DEFAULT_MAX_RUNS)?;
    let points = plan.point_count();
    if point >= points {
        return Err(Error::Usage(format!(
            "--point {point}: the sweep of {file} has {points} design points, numbered 0 to {}",
            points - 1
        )));
    }
    Ok(plan.scenario(point)?)
}

fn outcome_slot(outcome: Outcome) -> usize {
    Outcome::ALL
        .iter()
        .position(|&o| o == outcome)
        .expect("ALL lists every outcome")
}

impl fmt::Display for RunReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ok = (self.runs - self.failed).max(1) as f64;
        let shares: Vec<String> = Outcome::ALL
            .iter()
            .zip(self.outcomes)
            .map(|(o, n)| format!("{} {:.1} %", o.name(), 100.0 * n as f64 / ok))
            .collect();
        write!(
            f,
            "{} runs in {:.2} s -> {} ({})",
            self.runs,
            self.wall_time_seconds,
            self.dir.display(),
            shares.join(", ")
        )?;
        if self.failed > 0 {
            write!(
                f,
                "\n{} runs failed; see the status and message columns of {}",
                self.failed,
                self.dir.join(file::RUNS).display()
            )?;
        }
        Ok(())
    }
}
