//! `detente sweep`: run every design point of a config's `[sweep]` table,
//! streaming `runs.csv` and `summary.csv` in order, checkpointing as it goes
//! so an interrupted study can be resumed, and optionally one shard of it.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use crate::commands::run::default_threads;
use crate::config::{self, Setting};
use crate::data::row::push_row;
use crate::data::schema::file;
use crate::data::schema::{
    self, design_columns, summary_columns, sweep_run_columns, trace_columns,
};
use crate::data::study::{DesignInfo, ParameterInfo, SensitivityDesign, ShardInfo, StudyManifest};
use crate::data::study_dir::{self, StudyContents, StudyFiles, Want};
use crate::data::summary::PointSummary;
use crate::data::{StudyLock, sha256_hex, timestamp};
use crate::engine::{self, run_ordered};
use crate::error::Error;
use crate::model::{Outcome, Scenario};
use crate::sweep::worker::{Done, Models, Worker};
use crate::sweep::{DEFAULT_MAX_RUNS, Design, SweepPlan};
use crate::sweep::{Shard, progress};

/// Options of `detente sweep`.
#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    pub config: PathBuf,
    pub replications: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub dry_run: bool,
    pub shard: Option<Shard>,
    pub resume: bool,
    pub force: bool,
    pub quiet: bool,
    pub max_runs: Option<u64>,
    /// `--set` overrides of config values.
    pub sets: Vec<Setting>,
}

/// What `detente sweep` did.
#[derive(Debug, Clone)]
pub enum SweepOutcome {
    /// `--dry-run`: the design table (CSV) and a line of counts.
    DryRun {
        design: String,
        counts: String,
    },
    Ran(SweepReport),
}

/// The end-of-sweep report.
#[derive(Debug, Clone)]
pub struct SweepReport {
    pub dir: PathBuf,
    pub points: u64,
    pub runs_total: u64,
    pub runs_done: u64,
    pub failed: u64,
    /// Design points with at least one failed run (first few).
    pub failed_points: Vec<u64>,
    pub outcomes: [u64; 3],
    pub wall_time_seconds: f64,
    pub interrupted: bool,
}

/// Default study directory of a scenario (and shard).
pub fn default_study_dir(scenario: &str, shard: Option<Shard>) -> PathBuf {
    match shard {
        Some(s) => Path::new("runs").join(format!("{scenario}-shard-{}-of-{}", s.index, s.count)),
        None => Path::new("runs").join(scenario),
    }
}

/// Runs the sweep. `interrupt` is polled between chunks (set it from Ctrl-C):
/// the study is then left checkpointed and marked incomplete.
pub fn sweep(options: &SweepOptions, interrupt: &AtomicBool) -> Result<SweepOutcome, Error> {
    let file = options.config.display().to_string();
    let loaded = config::load_with(&options.config, &options.sets)?;
    if loaded.raw.sweep.is_none() {
        return Err(Error::Usage(format!(
            "{file} has no [sweep] table, so there is nothing to sweep; add one (see README, Sweeps), or run the scenario as it is with `detente run {file}`"
        )));
    }
    if options.replications == Some(0) {
        return Err(Error::Usage(
            "--replications must be at least 1 (got 0)".into(),
        ));
    }
    let max_runs = options.max_runs.unwrap_or(DEFAULT_MAX_RUNS);
    let plan = SweepPlan::new(&loaded, &file, options.seed, options.replications, max_runs)?;
    for warning in &plan.warnings {
        // Before the runs, so it is seen; a closed stderr is not an error.
        let _ = writeln!(std::io::stderr(), "detente: warning: {warning}");
    }
    let threads = options.threads.unwrap_or_else(default_threads);
    if threads == 0 {
        return Err(Error::Usage("--threads must be at least 1 (got 0)".into()));
    }
    let points = plan.point_count();
    let pool = engine::pool(threads)?;
    // Stage two for every point: a bad value anywhere stops the sweep before
    // any output, naming the first bad point.
    if let Some(Err(e)) = pool.install(|| {
        (0..points)
            .into_par_iter()
            .map(|p| plan.scenario(p).map(|_| ()))
            .find_first(|r| r.is_err())
    }) {
        return Err(e.into());
    }
    let (first_point, end_point) = options.shard.map_or((0, points), |s| s.points(points));
    let reps = plan.replications;
    let runs_total = (end_point - first_point) * reps;

    if options.dry_run {
        let shard = options.shard.map_or(String::new(), |s| {
            format!(
                "; shard {}/{}: points {first_point}..{end_point}, {runs_total} runs",
                s.index, s.count
            )
        });
        return Ok(SweepOutcome::DryRun {
            design: design_table(&plan)?,
            counts: format!(
                "{points} points x {reps} replications = {} runs ({} design){shard}",
                plan.run_count(),
                plan.design.name()
            ),
        });
    }

    let dir = options
        .out
        .clone()
        .unwrap_or_else(|| default_study_dir(&plan.scenario_name, options.shard));
    let base = &loaded.scenario;
    let mut manifest = fresh_manifest(&plan, &file, threads, options.shard, first_point, end_point);
    let _lock = StudyLock::acquire(&dir)?;
    let want = Want {
        force: options.force,
        resume: options.resume,
    };
    let resumed = study_dir::prepare(&dir, want, &options.config, &manifest)?;
    let mut study = StudyFiles::open(&dir, &contents(&plan, base)?, resumed.as_ref())?;
    // The first checkpoint records the headers: they must be on disk first.
    study.flush()?;
    manifest.digests = study.fixed().to_vec();
    if let Some(previous) = &resumed {
        manifest.started_at = previous.started_at.clone();
        manifest.wall_time_seconds = previous.wall_time_seconds;
        manifest.runs_done = previous.runs_done;
        manifest.failed_runs = previous.failed_runs;
        manifest.outcomes = previous.outcomes;
        manifest.failed_points = previous.failed_points.clone();
    }
    manifest.checkpoint = Some(study.checkpoint());
    manifest.write(&dir)?;

    let clock = Instant::now();
    let progress = progress::bar(runs_total, options.quiet);
    progress.set_position(manifest.runs_done);
    let first_run = first_point * reps;
    let mut state = Progress {
        study,
        manifest,
        dir: dir.clone(),
        clock_start: manifest_wall(&resumed),
    };
    let mut interrupted = false;
    let models = Models::new(&plan);
    run_ordered(
        &pool,
        first_run + state.manifest.runs_done..first_run + runs_total,
        Worker::default,
        |run, worker| worker.run(&models, run),
        |chunk| {
            let n = chunk.len() as u64;
            state.write_chunk(&plan, base, chunk)?;
            state.checkpoint(clock.elapsed().as_secs_f64())?;
            progress.inc(n);
            if interrupt.load(Ordering::SeqCst) {
                interrupted = true;
                return Ok(false);
            }
            Ok::<bool, Error>(true)
        },
    )?;
    progress.finish_and_clear();
    let wall = clock.elapsed().as_secs_f64();
    let Progress {
        mut manifest,
        clock_start,
        study,
        ..
    } = state;
    if !interrupted {
        manifest.complete = true;
        manifest.checkpoint = None;
        manifest.digests = study.digests();
        manifest.finished_at = Some(timestamp(SystemTime::now()));
        manifest.wall_time_seconds = clock_start + wall;
        manifest.write(&dir)?;
    }
    Ok(SweepOutcome::Ran(SweepReport {
        dir,
        points: end_point - first_point,
        runs_total,
        runs_done: manifest.runs_done,
        failed: manifest.failed_runs,
        failed_points: manifest.failed_points.clone(),
        outcomes: manifest.outcomes,
        wall_time_seconds: wall,
        interrupted,
    }))
}

fn manifest_wall(resumed: &Option<StudyManifest>) -> f64 {
    resumed.as_ref().map_or(0.0, |m| m.wall_time_seconds)
}

/// The design table: `point_id` and each parameter's value.
pub fn design_table(plan: &SweepPlan) -> Result<String, Error> {
    let mut out = Vec::new();
    let names: Vec<String> = plan.parameters.iter().map(|p| p.name.clone()).collect();
    push_row(&mut out, schema::header(&design_columns(&names)));
    for point in 0..plan.point_count() {
        push_row(
            &mut out,
            std::iter::once(point.to_string()).chain(plan.labels(point)),
        );
    }
    Ok(String::from_utf8(out).expect("CSV of UTF-8 fields is UTF-8"))
}

fn fresh_manifest(
    plan: &SweepPlan,
    file: &str,
    threads: usize,
    shard: Option<Shard>,
    first_point: u64,
    end_point: u64,
) -> StudyManifest {
    StudyManifest {
        tool: "detente".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        git_commit: StudyManifest::build_commit(),
        command: "sweep".into(),
        scenario: plan.scenario_name.clone(),
        config_file: file.to_string(),
        config_sha256: sha256_hex(plan.text.as_bytes()),
        design: DesignInfo {
            kind: plan.design.name().into(),
            points: plan.point_count(),
            replications: plan.replications,
            parameters: plan
                .parameters
                .iter()
                .map(|p| ParameterInfo {
                    path: p.path.clone(),
                    name: p.name.clone(),
                })
                .collect(),
            sensitivity: matches!(plan.design, Design::Morris | Design::Sobol).then(|| {
                SensitivityDesign {
                    trajectories: plan.sampling.trajectories,
                    levels: plan.sampling.levels,
                    groups: plan
                        .sampling
                        .groups
                        .iter()
                        .map(|&g| plan.group_names[g].clone())
                        .collect(),
                    samples: plan.sampling.samples,
                    second_order: plan.sampling.second_order,
                    optimal_trajectories: plan.sampling.optimal_trajectories,
                }
            }),
            common_random_numbers: plan.common_random_numbers,
        },
        seed: plan.seed,
        threads,
        shard: shard.map(|s| ShardInfo {
            index: s.index,
            count: s.count,
            first_point,
            end_point,
        }),
        started_at: timestamp(SystemTime::now()),
        finished_at: None,
        wall_time_seconds: 0.0,
        runs_total: (end_point - first_point) * plan.replications,
        runs_done: 0,
        failed_runs: 0,
        outcomes: [0; 3],
        failed_points: Vec::new(),
        complete: false,
        digests: Vec::new(),
        files: [
            file::DESIGN,
            file::RUNS,
            file::ROUNDS,
            file::SUMMARY,
            file::CONFIG,
            file::MANIFEST,
        ]
        .map(String::from)
        .to_vec(),
        checkpoint: None,
        merged_from: Vec::new(),
    }
}

/// What a new study's files start with.
fn contents(plan: &SweepPlan, base: &Scenario) -> Result<StudyContents, Error> {
    let names: Vec<String> = plan.parameters.iter().map(|p| p.name.clone()).collect();
    Ok(StudyContents {
        design: design_table(plan)?,
        points: plan.point_count(),
        config: plan.text.clone(),
        runs_header: schema::header(&sweep_run_columns(base, &names)),
        rounds_header: schema::header(&trace_columns(base)),
        summary_header: schema::header(&summary_columns(base, &names)),
    })
}

/// The writer's side of a running sweep.
struct Progress {
    study: StudyFiles,
    manifest: StudyManifest,
    dir: PathBuf,
    /// Wall time of earlier sessions of a resumed study.
    clock_start: f64,
}

impl Progress {
    fn write_chunk(
        &mut self,
        plan: &SweepPlan,
        base: &Scenario,
        chunk: Vec<Done>,
    ) -> Result<(), Error> {
        for done in chunk {
            let (point, record) = (done.point, done.record);
            self.study.runs.write_rows(&done.row, 1)?;
            self.study
                .rounds
                .write_rows(&done.trace, record.trace.len() as u64)?;
            let summary = self
                .study
                .partial
                .get_or_insert_with(|| PointSummary::new(point, base));
            match &record.result {
                Ok(r) => {
                    summary.add(base, Ok(r));
                    let slot = Outcome::ALL.iter().position(|&o| o == r.outcome);
                    self.manifest.outcomes[slot.expect("ALL lists every outcome")] += 1;
                }
                Err(_) => {
                    summary.add(base, Err(()));
                    self.manifest.failed_runs += 1;
                    if self.manifest.failed_points.last() != Some(&point) {
                        self.manifest.failed_points.push(point);
                    }
                }
            }
            self.manifest.runs_done += 1;
            if summary.runs == plan.replications {
                let fields: Vec<String> = std::iter::once(point.to_string())
                    .chain(plan.labels(point))
                    .chain(summary.fields(base))
                    .collect();
                self.study.partial = None;
                self.study.summary.write_row(&fields)?;
            }
        }
        Ok(())
    }

    /// Flushes the files and records where they stand.
    fn checkpoint(&mut self, elapsed: f64) -> Result<(), Error> {
        self.study.flush()?;
        self.manifest.checkpoint = Some(self.study.checkpoint());
        self.manifest.wall_time_seconds = self.clock_start + elapsed;
        self.manifest.write(&self.dir)
    }
}

impl fmt::Display for SweepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.interrupted {
            return write!(
                f,
                "interrupted after {} of {} runs; {} is marked incomplete: rerun with --resume to finish it",
                self.runs_done,
                self.runs_total,
                self.dir.display()
            );
        }
        let ok = (self.runs_done - self.failed).max(1) as f64;
        let shares: Vec<String> = Outcome::ALL
            .iter()
            .zip(self.outcomes)
            .map(|(o, n)| format!("{} {:.1} %", o.name(), 100.0 * n as f64 / ok))
            .collect();
        write!(
            f,
            "{} points, {} runs in {:.2} s -> {} ({})",
            self.points,
            self.runs_total,
            self.wall_time_seconds,
            self.dir.display(),
            shares.join(", ")
        )?;
        if self.failed > 0 {
            let points: Vec<String> = self
                .failed_points
                .iter()
                .take(10)
                .map(u64::to_string)
                .collect();
            let more = if self.failed_points.len() > 10 {
                ", ..."
            } else {
                ""
            };
            write!(
                f,
                "\n{} runs failed, at design points {}{more}; see the status and message columns of {}",
                self.failed,
                points.join(", "),
                self.dir.join(file::RUNS).display()
            )?;
        }
        Ok(())
    }
}
