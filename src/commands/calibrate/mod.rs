//! `detente calibrate`: fits a scenario's parameters to observed patterns by
//! ABC, writing every finished generation so that a killed calibration
//! resumes from the last one to the same bytes.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Instant, SystemTime};

mod files;
mod shards;

pub use shards::{JoinReport, ShardReport, calibrate_shard, join_shards};

use crate::calibrate::plan::CalibrationPlan;
use crate::calibrate::smc::{self, Generation, Method, Simulator, Step, Stop};
use crate::calibrate::{Prior, progress};
use crate::config::{self, Setting};
use crate::data::manifest::CalibrationManifest;
use crate::data::{StudyLock, sha256_hex, timestamp};
use crate::engine;
use crate::error::Error;
use crate::plot::Format;
use crate::sweep::shard::Shard;
use files::{
    finish_manifest, open, posterior, predictive, write_generations, write_posterior,
    write_predictive,
};

/// Options of `detente calibrate`.
#[derive(Debug, Clone, Default)]
pub struct CalibrateOptions {
    pub config: PathBuf,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    /// Default `runs/<scenario>-calibration`.
    pub out: Option<PathBuf>,
    pub resume: bool,
    pub force: bool,
    pub quiet: bool,
    pub sets: Vec<Setting>,
    /// Draw the figures (`--no-plots` turns them off).
    pub plots: bool,
    /// Run only this shard of the next generation (`--shard K/N`), reading
    /// the finished generations from `from`.
    pub shard: Option<Shard>,
    /// The calibration directory a shard continues (`--from`).
    pub from: Option<PathBuf>,
    /// Join these shard directories into the next generation (`--join`).
    pub join: Vec<PathBuf>,
}

/// One parameter's posterior, as reported.
#[derive(Debug, Clone)]
pub struct PosteriorRow {
    pub parameter: String,
    pub prior: String,
    /// Mean and sd (numeric parameters only), then the 2.5, 50 and 97.5 % quantiles.
    pub moments: Option<(f64, f64)>,
    pub quantiles: [String; 3],
}

/// What `detente calibrate` did.
#[derive(Debug, Clone)]
pub struct CalibrationReport {
    pub dir: PathBuf,
    pub generations: u32,
    pub tolerance: f64,
    pub simulations: u64,
    /// Runs of the posterior predictive check, besides.
    pub predictive_runs: u64,
    pub stop: Stop,
    pub posterior: Vec<PosteriorRow>,
    pub wall_time_seconds: f64,
}

impl fmt::Display for CalibrationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} generations, {} simulations, final tolerance {:.4} ({}) in {:.1} s",
            self.generations,
            self.simulations,
            self.tolerance,
            self.stop.name(),
            self.wall_time_seconds
        )?;
        for p in &self.posterior {
            match p.moments {
                Some((mean, sd)) => {
                    let q = |i: usize| p.quantiles[i].parse::<f64>().unwrap_or(f64::NAN);
                    write!(
                        f,
                        "\n  {}: mean {mean:.4}, sd {sd:.4}, 95 % [{:.4}, {:.4}]",
                        p.parameter,
                        q(0),
                        q(2)
                    )?
                }
                None => write!(
                    f,
                    "\n  {}: median {}, 95 % [{}, {}]",
                    p.parameter, p.quantiles[1], p.quantiles[0], p.quantiles[2]
                )?,
            }
        }
        write!(f, "\n-> {}", self.dir.display())
    }
}

/// Default output directory of a calibration of `scenario`.
pub fn default_calibration_dir(scenario: &str) -> PathBuf {
    Path::new("runs").join(format!("{scenario}-calibration"))
}

/// What a calibration command works with: the checked plan, its output
/// directory and the manifest being kept.
struct Setup {
    file: String,
    plan: CalibrationPlan,
    out: PathBuf,
    threads: usize,
    plots: bool,
    record: CalibrationManifest,
}

impl Setup {
    fn new(options: &CalibrateOptions) -> Result<Setup, Error> {
        let file = options.config.display().to_string();
        let loaded = config::load_with(&options.config, &options.sets)?;
        let plan = CalibrationPlan::new(&loaded, &file, options.seed)?;
        let out = options
            .out
            .clone()
            .unwrap_or_else(|| default_calibration_dir(&plan.scenario_name));
        let threads = options
            .threads
            .unwrap_or_else(crate::commands::run::default_threads);
        let record = CalibrationManifest {
            tool: "detente".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: "calibrate".into(),
            scenario: plan.scenario_name.clone(),
            config_file: file.clone(),
            config_sha256: sha256_hex(plan.text.as_bytes()),
            seed: plan.settings.seed,
            method: match plan.settings.method {
                Method::Smc => "smc".into(),
                Method::Rejection => "rejection".into(),
            },
            particles: plan.settings.particles,
            replicates: plan.replicates,
            generations_done: 0,
            simulations: 0,
            stopped: String::new(),
            targets: plan
                .targets
                .iter()
                .map(|t| {
                    format!(
                        "{}: {} observed {} (scale {}){}",
                        t.name,
                        t.description,
                        t.observed,
                        t.scale,
                        t.source
                            .as_ref()
                            .map_or(String::new(), |s| format!("; source: {s}"))
                    )
                })
                .collect(),
            threads,
            started_at: timestamp(SystemTime::now()),
            finished_at: String::new(),
            complete: false,
            files: Vec::new(),
            digests: Vec::new(),
        };
        Ok(Setup {
            file,
            plan,
            out,
            threads,
            plots: options.plots,
            record,
        })
    }

    fn priors(&self) -> Vec<Prior> {
        self.plan
            .parameters
            .iter()
            .map(|p| p.prior.clone())
            .collect()
    }

    /// Writes the posterior, the predictive check and the finished manifest.
    fn finish(
        &mut self,
        done: &[Generation],
        stop: Stop,
        pool: &rayon::ThreadPool,
        started: Instant,
    ) -> Result<CalibrationReport, Error> {
        let Some(last) = done.last() else {
            return Err(Error::Usage(format!(
                "{}: the simulation budget (calibration.max_simulations = {}) does not cover one generation of {} particles; raise it",
                self.file, self.plan.settings.max_simulations, self.plan.settings.particles
            )));
        };
        let (plan, out) = (&self.plan, &self.out);
        let posterior = posterior(plan, last);
        write_posterior(out, &posterior, &mut self.record)?;
        let predictive = predictive(plan, last, pool)?;
        write_predictive(out, plan, &predictive, &mut self.record)?;
        let figures = if self.plots {
            crate::plot::calibration::draw(plan, done, &predictive, out, Format::Png)?
        } else {
            Vec::new()
        };
        self.record.stopped = stop.name().into();
        self.record.complete = true;
        self.record.finished_at = timestamp(SystemTime::now());
        finish_manifest(out, &mut self.record, &figures)?;
        Ok(CalibrationReport {
            dir: out.clone(),
            generations: last.index + 1,
            tolerance: last.tolerance,
            simulations: last.simulations,
            predictive_runs: plan.settings.particles * plan.runs_per_candidate(),
            stop,
            posterior,
            wall_time_seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// Runs (or resumes) a calibration. Interrupting it (`interrupt`) keeps the
/// last finished generation; `--resume` continues from there.
pub fn calibrate(
    options: &CalibrateOptions,
    interrupt: &AtomicBool,
) -> Result<CalibrationReport, Error> {
    let started = Instant::now();
    let mut setup = Setup::new(options)?;
    let _lock = StudyLock::acquire(&setup.out)?;
    let mut done = open(&setup.out, options, &setup.plan, &mut setup.record)?;
    let pool = engine::pool(setup.threads)?;
    let bar = progress::bar(options.quiet, &setup.plan);
    let priors = setup.priors();
    let stop = loop {
        if let Some(last) = done.last()
            && let Some(stop) = smc::stop_after(&setup.plan.settings, last)
        {
            break stop;
        }
        let index = done.len() as u32;
        let spent = done.last().map_or(0, |g| g.simulations);
        let rate = Instant::now();
        let step = smc::generation(
            &priors,
            &setup.plan.settings,
            &setup.plan,
            index,
            done.last(),
            spent,
            &pool,
            interrupt,
            &mut |accepted, simulations| {
                progress::update(&bar, index, accepted, simulations - spent, rate.elapsed())
            },
        )?;
        match step {
            Step::Done(generation) => {
                done.push(generation);
                write_generations(&setup.out, &setup.plan, &done, &mut setup.record)?;
            }
            Step::Budget { .. } => break Stop::Budget,
            Step::Interrupted => {
                bar.finish_and_clear();
                return Err(Error::Interrupted(format!(
                    "calibration interrupted: {} holds {} finished generation(s); `detente calibrate {} --resume{}` continues it",
                    setup.out.display(),
                    done.len(),
                    setup.file,
                    options
                        .out
                        .as_ref()
                        .map_or(String::new(), |o| format!(" --out {}", o.display()))
                )));
            }
        }
    };
    bar.finish_and_clear();
    setup.finish(&done, stop, &pool, started)
}
