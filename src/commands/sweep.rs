//! `detente sweep`: run every design point of a config's `[sweep]` table,
//! streaming `runs.csv` and `summary.csv` in order, checkpointing as it goes
//! so an interrupted study can be resumed, and optionally one shard of it.

use std::collections::VecDeque;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::commands::run::default_threads;
use crate::config;
use crate::data::digest::{self, DigestWriter, FileDigest};
use crate::data::output::{check_replaceable, is_empty_dir, remove_replaceable};
use crate::data::row::push_row;
use crate::data::runs::{push_trace, run_columns, run_fields, trace_columns};
use crate::data::study::{
    Checkpoint, DesignInfo, ParameterInfo, SensitivityDesign, ShardInfo, StudyManifest,
};
use crate::data::{StudyLock, sha256_hex, timestamp};
use crate::engine::{self, RunRecord, run_ordered};
use crate::error::Error;
use crate::model::{Model, Outcome, Scenario, Scratch};
use crate::sweep::summary::{PointSummary, summary_columns};
use crate::sweep::{DEFAULT_MAX_RUNS, Design, SweepPlan};

/// One shard of a design: `index` of `count`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let parse = || {
            let (k, n) = s.split_once('/')?;
            Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?))
        };
        match parse() {
            Some((index, count)) if count >= 1 && (1..=count).contains(&index) => {
                Ok(Shard { index, count })
            }
            _ => Err(format!(
                "`{s}` is not a shard: write K/N with 1 <= K <= N, e.g. 2/8"
            )),
        }
    }
}

impl Shard {
    /// Points `first..end` of `points` that this shard covers.
    pub fn points(self, points: u64) -> (u64, u64) {
        let at = |k: u64| (u128::from(points) * u128::from(k) / u128::from(self.count)) as u64;
        (at(self.index - 1), at(self.index))
    }
}

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
    let loaded = config::load(&options.config)?;
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
    if plan.run_count() > u128::from(max_runs) {
        return Err(Error::Usage(format!(
            "the design has {points} points x {} replications = {} runs, more than --max-runs {max_runs}; shrink the design or raise --max-runs",
            plan.replications,
            plan.run_count()
        )));
    }
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
    let resumed = prepare_dir(&dir, options, &manifest)?;
    let mut study = Study::open(&dir, &plan, base, resumed.as_ref())?;
    // The first checkpoint records the headers: they must be on disk first.
    study.flush()?;
    manifest.digests = study.fixed.clone();
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
    let progress = progress_bar(runs_total, options.quiet);
    progress.set_position(manifest.runs_done);
    let first_run = first_point * reps;
    let mut state = Progress {
        study,
        manifest,
        dir: dir.clone(),
        clock_start: manifest_wall(&resumed),
    };
    let mut interrupted = false;
    let models = Models {
        plan: &plan,
        recent: Mutex::new(VecDeque::new()),
    };
    run_ordered(
        &pool,
        first_run + state.manifest.runs_done..first_run + runs_total,
        || Worker {
            scratch: Scratch::default(),
            model: None,
            fields: Vec::new(),
        },
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

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {human_pos}/{human_len} runs  {rate}  {elapsed_precise} elapsed, ~{eta} left",
        )
        .expect("the template is valid")
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} runs/s", state.per_sec());
            },
        ),
    );
    bar
}

/// The design table: `point_id` and each parameter's value.
pub fn design_table(plan: &SweepPlan) -> Result<String, Error> {
    let mut out = Vec::new();
    let header = std::iter::once("point_id".to_string())
        .chain(plan.parameters.iter().map(|p| p.name.clone()));
    push_row(&mut out, header);
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
            "design.csv",
            "runs.csv",
            "rounds.csv",
            "summary.csv",
            "config.toml",
            "manifest.json",
        ]
        .map(String::from)
        .to_vec(),
        checkpoint: None,
        merged_from: Vec::new(),
    }
}

/// Decides what to do with an existing directory. Returns the manifest of an
/// incomplete study to resume, or `None` to start afresh (the directory is
/// then new or empty).
fn prepare_dir(
    dir: &Path,
    options: &SweepOptions,
    fresh: &StudyManifest,
) -> Result<Option<StudyManifest>, Error> {
    if !dir.exists() || is_empty_dir(dir)? {
        return Ok(None);
    }
    if options.force {
        check_replaceable(dir, &[&options.config])?;
        remove_replaceable(dir)?;
        return Ok(None);
    }
    if !dir.join("manifest.json").exists() {
        return Err(Error::OutputExists(dir.to_path_buf()));
    }
    let existing = StudyManifest::read(dir)?;
    if existing.complete {
        return Err(Error::Usage(format!(
            "{} holds a complete study; pass --force to replace it or --out to write elsewhere",
            dir.display()
        )));
    }
    if !options.resume {
        return Err(Error::Usage(format!(
            "{} holds an incomplete study ({} of {} runs done); pass --resume to finish it or --force to start over",
            dir.display(),
            existing.runs_done,
            existing.runs_total
        )));
    }
    let differences = differences(&existing, fresh);
    if !differences.is_empty() {
        return Err(Error::Usage(format!(
            "{} holds a study of another experiment ({}); --resume needs the same config, design, seed and shard (or pass --force to start over)",
            dir.display(),
            differences.join("; ")
        )));
    }
    if existing.checkpoint.is_none() {
        return Err(Error::Usage(format!(
            "{} records no checkpoint to resume from; pass --force to start over",
            dir.display()
        )));
    }
    Ok(Some(existing))
}

/// What makes `existing` another experiment than `fresh`, in words.
pub fn differences(existing: &StudyManifest, fresh: &StudyManifest) -> Vec<String> {
    let mut out = Vec::new();
    let short = |hash: &str| hash.chars().take(12).collect::<String>();
    if existing.config_sha256 != fresh.config_sha256 {
        out.push(format!(
            "config sha256 {} there, {} here",
            short(&existing.config_sha256),
            short(&fresh.config_sha256)
        ));
    }
    if existing.seed != fresh.seed {
        out.push(format!("seed {} there, {} here", existing.seed, fresh.seed));
    }
    let (a, b) = (&existing.design, &fresh.design);
    if a.kind != b.kind {
        out.push(format!("design {} there, {} here", a.kind, b.kind));
    }
    if a.points != b.points {
        out.push(format!("{} points there, {} here", a.points, b.points));
    }
    if a.replications != b.replications {
        out.push(format!(
            "{} replications there, {} here",
            a.replications, b.replications
        ));
    }
    if a.parameters != b.parameters {
        let names = |d: &DesignInfo| {
            d.parameters
                .iter()
                .map(|p| format!("{}={}", p.name, p.path))
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push(format!(
            "parameters [{}] there, [{}] here",
            names(a),
            names(b)
        ));
    }
    if a.common_random_numbers != b.common_random_numbers {
        let streams = |crn: bool| {
            if crn {
                "common random numbers"
            } else {
                "independent streams"
            }
        };
        out.push(format!(
            "{} there, {} here",
            streams(a.common_random_numbers),
            streams(b.common_random_numbers)
        ));
    }
    if a.sensitivity != b.sensitivity && out.is_empty() {
        out.push("sensitivity design structure differs".into());
    }
    let shard = |s: &Option<ShardInfo>| match s {
        Some(s) => format!("shard {}/{}", s.index, s.count),
        None => "no shard".into(),
    };
    if existing.shard != fresh.shard {
        out.push(format!(
            "{} there, {} here",
            shard(&existing.shard),
            shard(&fresh.shard)
        ));
    }
    out
}

/// The study's open files.
struct Study {
    runs: CsvFile,
    rounds: CsvFile,
    summary: CsvFile,
    partial: Option<PointSummary>,
    /// Digests of the files written once at the start (design, config).
    fixed: Vec<FileDigest>,
}

impl Study {
    /// Creates the files, or reopens them at the checkpoint when resuming.
    fn open(
        dir: &Path,
        plan: &SweepPlan,
        base: &Scenario,
        resumed: Option<&StudyManifest>,
    ) -> Result<Study, Error> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let design = design_table(plan)?;
        let fixed = vec![
            FileDigest::of_bytes("design.csv", design.as_bytes(), plan.point_count()),
            FileDigest::of_bytes("config.toml", plan.text.as_bytes(), 0),
        ];
        if let Some(previous) = resumed {
            let checkpoint = previous
                .checkpoint
                .as_ref()
                .expect("prepare_dir only resumes with a checkpoint");
            // The files written at the start must be those this plan writes,
            // and the growing ones must be intact up to the checkpoint.
            for digest in &fixed {
                if !previous.digests.contains(digest) {
                    return Err(Error::Usage(format!(
                        "{}: the manifest records no {} of this study; it cannot be resumed, pass --force to start over",
                        dir.display(),
                        digest.name
                    )));
                }
                digest::verify(dir, digest, true)?;
            }
            let reopen = |name: &str| {
                let record = checkpoint.file(name).ok_or_else(|| {
                    Error::Usage(format!(
                        "{}: the checkpoint records no {name}; the study cannot be resumed, pass --force to start over",
                        dir.display()
                    ))
                })?;
                CsvFile::reopen(dir, record)
            };
            return Ok(Study {
                runs: reopen("runs.csv")?,
                rounds: reopen("rounds.csv")?,
                summary: reopen("summary.csv")?,
                partial: checkpoint.partial_point.clone(),
                fixed,
            });
        }
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.join(name);
            fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
        };
        write("design.csv", design.as_bytes())?;
        write("config.toml", plan.text.as_bytes())?;
        let names: Vec<String> = plan.parameters.iter().map(|p| p.name.clone()).collect();
        let mut runs = CsvFile::create(&dir.join("runs.csv"))?;
        runs.write_header(&runs_header(base, &names))?;
        let mut rounds = CsvFile::create(&dir.join("rounds.csv"))?;
        rounds.write_header(&trace_columns(base))?;
        let mut summary = CsvFile::create(&dir.join("summary.csv"))?;
        let header: Vec<String> = std::iter::once("point_id".to_string())
            .chain(names)
            .chain(summary_columns(base))
            .collect();
        summary.write_header(&header)?;
        Ok(Study {
            runs,
            rounds,
            summary,
            partial: None,
            fixed,
        })
    }

    fn flush(&mut self) -> Result<(), Error> {
        self.runs.flush()?;
        self.rounds.flush()?;
        self.summary.flush()
    }

    /// Digests of the growing files as they stand.
    fn growing(&self) -> Vec<FileDigest> {
        [&self.runs, &self.rounds, &self.summary]
            .iter()
            .map(|f| f.digest())
            .collect()
    }

    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            files: self.growing(),
            partial_point: self.partial.clone(),
        }
    }

    /// Digests of every data file of the finished study.
    fn digests(&self) -> Vec<FileDigest> {
        self.fixed.iter().cloned().chain(self.growing()).collect()
    }
}

/// Columns of a sweep's `runs.csv`.
fn runs_header(base: &Scenario, parameters: &[String]) -> Vec<String> {
    let run = run_columns(base);
    ["point_id", "replicate"]
        .iter()
        .map(|s| s.to_string())
        .chain(run[..2].iter().cloned())
        .chain(parameters.iter().cloned())
        .chain(run[2..].iter().cloned())
        .collect()
}

/// An append-only CSV file that counts and hashes its bytes and rows (for
/// checkpoints and the manifest's digests).
struct CsvFile {
    path: PathBuf,
    name: String,
    file: DigestWriter<BufWriter<File>>,
    row: Vec<u8>,
}

impl CsvFile {
    fn create(path: &Path) -> Result<CsvFile, Error> {
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(CsvFile::new(path, DigestWriter::new(Self::buffered(file))))
    }

    /// Opens an existing file after checking it against its checkpoint
    /// record, cut back to the recorded length (dropping anything written
    /// after the last checkpoint).
    fn reopen(dir: &Path, record: &FileDigest) -> Result<CsvFile, Error> {
        let path = dir.join(&record.name);
        let hashed = digest::verify(dir, record, false)?;
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.set_len(record.bytes)
            .map_err(|e| Error::io(&path, e))?;
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        Ok(CsvFile::new(
            &path,
            DigestWriter::resume(Self::buffered(file), hashed),
        ))
    }

    fn buffered(file: File) -> BufWriter<File> {
        BufWriter::with_capacity(1 << 16, file)
    }

    fn new(path: &Path, file: DigestWriter<BufWriter<File>>) -> CsvFile {
        CsvFile {
            path: path.to_path_buf(),
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            file,
            row: Vec::new(),
        }
    }

    /// Writes the header line (not counted as a data row).
    fn write_header(&mut self, fields: &[String]) -> Result<(), Error> {
        let mut line = Vec::new();
        push_row(&mut line, fields);
        self.write_rows(&line, 0)
    }

    fn write_row(&mut self, fields: &[String]) -> Result<(), Error> {
        let mut row = std::mem::take(&mut self.row);
        row.clear();
        push_row(&mut row, fields);
        let written = self.write_rows(&row, 1);
        self.row = row;
        written
    }

    /// Writes `rows` formatted rows.
    fn write_rows(&mut self, bytes: &[u8], rows: u64) -> Result<(), Error> {
        self.file
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))?;
        self.file.add_rows(rows);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Error> {
        self.file.flush().map_err(|e| Error::io(&self.path, e))
    }

    fn digest(&self) -> FileDigest {
        self.file.digest(&self.name)
    }
}

/// Models of the design points being run, shared by the workers: rayon
/// splits a chunk into many small jobs, and building a point's model (apply
/// the parameters, validate, prepare) once per point rather than once per
/// job keeps that cost out of the parallel section.
struct Models<'a> {
    plan: &'a SweepPlan,
    recent: Mutex<VecDeque<(u64, Arc<Model>)>>,
}

impl Models<'_> {
    /// Points kept: those a chunk spans when replications are few.
    const KEEP: usize = 64;

    fn get(&self, point: u64) -> Arc<Model> {
        let lock = || {
            self.recent
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some((_, model)) = lock().iter().find(|(p, _)| *p == point) {
            return Arc::clone(model);
        }
        let scenario = self
            .plan
            .scenario(point)
            .expect("validated: every design point gives a valid scenario");
        let model = Arc::new(Model::new(scenario));
        let mut recent = lock();
        if recent.len() == Self::KEEP {
            recent.pop_front();
        }
        recent.push_back((point, Arc::clone(&model)));
        model
    }
}

/// Per-thread state: buffers, the current point's model and parameter labels.
struct Worker {
    scratch: Scratch,
    model: Option<(u64, Arc<Model>, Vec<String>)>,
    fields: Vec<String>,
}

impl Worker {
    /// Runs global run `run` and formats its `runs.csv` row.
    fn run(&mut self, models: &Models, run: u64) -> Done {
        let plan = models.plan;
        let (point, replicate) = (run / plan.replications, run % plan.replications);
        if self.model.as_ref().is_none_or(|(p, _, _)| *p != point) {
            self.model = Some((point, models.get(point), plan.labels(point)));
        }
        let (_, model, labels) = self.model.as_ref().expect("set just above");
        let seed = plan.run_seed(point, replicate);
        let scratch = &mut self.scratch;
        // Replicate 0 of every point is traced: rounds.csv shows how a typical
        // negotiation at each design point unfolded.
        let traced = replicate == 0;
        let record = engine::guarded(run, seed, |offers| {
            model.simulate(seed, scratch, traced.then_some(offers))
        });
        self.fields.clear();
        run_fields(model.scenario(), &record, &mut self.fields);
        let (ids, rest) = self.fields.split_at(2);
        let head = [point.to_string(), replicate.to_string()];
        let mut row = Vec::with_capacity(256);
        push_row(&mut row, head.iter().chain(ids).chain(labels).chain(rest));
        let mut trace = Vec::new();
        push_trace(model.scenario(), &record, &mut trace);
        Done {
            point,
            record,
            row,
            trace,
        }
    }
}

/// A finished run with its formatted rows.
struct Done {
    point: u64,
    record: RunRecord,
    /// Its `runs.csv` row.
    row: Vec<u8>,
    /// Its `rounds.csv` rows (replicate 0 only).
    trace: Vec<u8>,
}

/// The writer's side of a running sweep.
struct Progress {
    study: Study,
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
                self.dir.join("runs.csv").display()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_points_exactly_once() {
        for points in [1u64, 7, 10, 1000] {
            for count in 1..=5u64 {
                let mut next = 0;
                for index in 1..=count {
                    let (first, end) = Shard { index, count }.points(points);
                    assert_eq!(first, next);
                    next = end;
                }
                assert_eq!(next, points);
            }
        }
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert!("0/4".parse::<Shard>().is_err());
        assert!("5/4".parse::<Shard>().is_err());
        assert!("2".parse::<Shard>().is_err());
    }
}
