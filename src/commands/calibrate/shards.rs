//! `detente calibrate --shard K/N --from DIR` and `detente calibrate --join
//! SHARD...`: one generation of a calibration over several machines, joined
//! into exactly the generation one machine computes.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Instant, SystemTime};

use super::files::{open, read_back, write_file_digest, write_generations};
use super::{CalibrateOptions, CalibrationReport, Setup};
use crate::calibrate::shards::{self, ShardResult};
use crate::calibrate::smc::{self, Candidate, Generation, Proposer, Step, Stop};
use crate::data::manifest::{self, CalibrationShardManifest};
use crate::data::output::is_empty_dir;
use crate::data::row::push_row;
use crate::data::schema::{self, file};
use crate::data::table::Table;
use crate::data::{Staging, StudyLock, sha256_hex, timestamp};
use crate::engine;
use crate::error::Error;

/// What a shard did.
#[derive(Debug, Clone)]
pub struct ShardReport {
    pub dir: PathBuf,
    pub generation: u32,
    pub shard: u64,
    pub shards: u64,
    pub simulated: u64,
    pub accepted: u64,
}

impl fmt::Display for ShardReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "generation {}, shard {} of {}: {} of {} candidates accepted -> {}",
            self.generation,
            self.shard,
            self.shards,
            self.accepted,
            self.simulated,
            self.dir.display()
        )
    }
}

/// What a join did: a generation added, or the calibration finished.
#[derive(Debug, Clone)]
pub enum JoinReport {
    Joined {
        dir: PathBuf,
        generation: u32,
        tolerance: f64,
        acceptance_rate: f64,
        /// Candidates no shard reached, simulated by the join.
        topped_up: u64,
    },
    Finished(CalibrationReport),
}

impl fmt::Display for JoinReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinReport::Joined {
                dir,
                generation,
                tolerance,
                acceptance_rate,
                topped_up,
            } => write!(
                f,
                "generation {generation} joined (tolerance {tolerance:.4}, acceptance {acceptance_rate:.3}, {topped_up} candidates simulated by the join); run the shards of generation {} next -> {}",
                generation + 1,
                dir.display()
            ),
            JoinReport::Finished(report) => write!(f, "{report}"),
        }
    }
}

/// The finished generations of the calibration in `from` (none if it does
/// not exist yet), refusing a finished one.
fn finished(setup: &Setup, from: &Path) -> Result<Vec<Generation>, Error> {
    if !from.exists() || is_empty_dir(from)? {
        return Ok(Vec::new());
    }
    if !from.join(file::MANIFEST).exists() {
        return Err(Error::Usage(format!(
            "{} holds no calibration manifest; --from names the calibration directory that --join writes",
            from.display()
        )));
    }
    let (old, done) = read_back(from, &setup.plan, &setup.record)?;
    if old.complete {
        return Err(Error::Usage(format!(
            "{} holds a finished calibration ({}); there is no generation left to run",
            from.display(),
            old.stopped
        )));
    }
    Ok(done)
}

/// Runs one shard of the next generation of the calibration in `options.from`.
pub fn calibrate_shard(
    options: &CalibrateOptions,
    interrupt: &AtomicBool,
) -> Result<ShardReport, Error> {
    let shard = options.shard.expect("called with --shard");
    let mut setup = Setup::new(options)?;
    let from = options.from.clone().ok_or_else(|| {
        Error::Usage(
            "--shard needs --from DIR, the calibration directory whose next generation it runs"
                .into(),
        )
    })?;
    let done = finished(&setup, &from)?;
    setup.out = options.out.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "{}-shard-{}-of-{}",
            from.display(),
            shard.index,
            shard.count
        ))
    });
    let _lock = StudyLock::acquire(&setup.out)?;
    let staging = Staging::new(&setup.out, options.force, &[&options.config, &from])?;
    let pool = engine::pool(setup.threads)?;
    let priors = setup.priors();
    let generation = done.len() as u32;
    let spent = done.last().map_or(0, |g| g.simulations);
    let proposer = Proposer::new(&priors, &setup.plan.settings, generation, done.last());
    let Some(result) = shards::shard(
        &proposer,
        &setup.plan.settings,
        &setup.plan,
        spent,
        shard.index - 1,
        shard.count,
        &pool,
        interrupt,
    )?
    else {
        return Err(Error::Interrupted(format!(
            "shard {} of generation {generation} interrupted; nothing was written, run it again",
            shard.index
        )));
    };
    let plan = &setup.plan;
    let names: Vec<String> = plan.parameters.iter().map(|p| p.name.clone()).collect();
    let targets: Vec<String> = plan.targets.iter().map(|t| t.name.clone()).collect();
    let mut bytes = Vec::new();
    push_row(&mut bytes, schema::candidates_header(&names, &targets));
    for c in &result.accepted {
        let mut row = vec![c.index.to_string()];
        row.extend(c.theta.iter().enumerate().map(|(k, &z)| plan.label(k, z)));
        row.push(c.distance.to_string());
        row.extend(c.statistics.iter().map(|&s| super::files::number(s)));
        push_row(&mut bytes, row);
    }
    let digest = write_file_digest(
        staging.path(),
        file::CANDIDATES,
        &bytes,
        result.accepted.len() as u64,
    )?;
    manifest::write(
        staging.path(),
        &CalibrationShardManifest {
            tool: "detente".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: "calibrate-shard".into(),
            scenario: plan.scenario_name.clone(),
            config_sha256: setup.record.config_sha256.clone(),
            seed: plan.settings.seed,
            generation,
            shard: shard.index,
            shards: shard.count,
            simulated: result.simulated,
            last_candidate: result.last,
            accepted: result.accepted.len() as u64,
            finished_at: timestamp(SystemTime::now()),
            files: vec![file::CANDIDATES.into(), file::MANIFEST.into()],
            digests: vec![digest],
        },
    )?;
    let dir = staging.commit()?;
    Ok(ShardReport {
        dir,
        generation,
        shard: shard.index,
        shards: shard.count,
        simulated: result.simulated,
        accepted: result.accepted.len() as u64,
    })
}

/// Reads the shards of generation `generation` and checks they are all of
/// them, of this calibration.
fn read_shards(
    setup: &Setup,
    dirs: &[PathBuf],
    generation: u32,
) -> Result<Vec<ShardResult>, Error> {
    let mut found: Vec<(CalibrationShardManifest, PathBuf)> = Vec::new();
    for dir in dirs {
        let path = dir.join(file::MANIFEST);
        let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let m: CalibrationShardManifest = serde_json::from_str(&text)
            .ok()
            .filter(|m: &CalibrationShardManifest| m.tool == "detente" && m.command == "calibrate-shard")
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{}: not a calibration shard; --join takes the directories `detente calibrate --shard` wrote",
                    dir.display()
                ))
            })?;
        if m.config_sha256 != setup.record.config_sha256 || m.seed != setup.record.seed {
            return Err(Error::Usage(format!(
                "{}: a shard of another config or seed; run the shards with the same ones",
                dir.display()
            )));
        }
        if m.generation != generation {
            return Err(Error::Usage(format!(
                "{}: a shard of generation {}, but the next generation is {generation}; run the shards again with --from {}",
                dir.display(),
                m.generation,
                setup.out.display()
            )));
        }
        found.push((m, dir.clone()));
    }
    let count = found[0].0.shards;
    let mut order: Vec<Option<usize>> = vec![None; count as usize];
    for (i, (m, dir)) in found.iter().enumerate() {
        if m.shards != count {
            return Err(Error::Usage(format!(
                "{}: a shard of {} where the others are of {count}; join shards of one split",
                dir.display(),
                m.shards
            )));
        }
        let slot = &mut order[(m.shard - 1) as usize];
        if slot.is_some() {
            return Err(Error::Usage(format!(
                "{}: shard {} of {count} is given twice",
                dir.display(),
                m.shard
            )));
        }
        *slot = Some(i);
    }
    if let Some(k) = order.iter().position(Option::is_none) {
        return Err(Error::Usage(format!(
            "shard {} of {count} of generation {generation} is missing; run it and join all {count}",
            k + 1
        )));
    }
    let plan = &setup.plan;
    let (p, t) = (plan.parameters.len(), plan.targets.len());
    order
        .into_iter()
        .map(|i| {
            let (m, dir) = &found[i.expect("checked above")];
            let path = dir.join(file::CANDIDATES);
            let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let damaged = || {
                Error::Usage(format!(
                    "{}: does not match its manifest; run the shard again",
                    path.display()
                ))
            };
            if m.digests
                .first()
                .is_none_or(|d| d.sha256 != sha256_hex(&bytes))
            {
                return Err(damaged());
            }
            let table = Table::from_path(&path)?;
            let accepted = table
                .rows
                .iter()
                .map(|row| {
                    if row.len() != 2 + p + t {
                        return Err(damaged());
                    }
                    let theta = (0..p)
                        .map(|k| plan.coordinate(k, &row[1 + k]).ok_or_else(damaged))
                        .collect::<Result<Vec<f64>, Error>>()?;
                    Ok(Candidate {
                        index: row[0].parse().map_err(|_| damaged())?,
                        theta,
                        distance: row[1 + p].parse().map_err(|_| damaged())?,
                        statistics: row[2 + p..]
                            .iter()
                            .map(|s| s.parse().unwrap_or(f64::NAN))
                            .collect(),
                    })
                })
                .collect::<Result<Vec<Candidate>, Error>>()?;
            Ok(ShardResult {
                accepted,
                last: m.last_candidate,
                simulated: m.simulated,
            })
        })
        .collect()
}

/// Joins the shards in `options.join` into the next generation of the
/// calibration in `options.out`, and finishes it if it has stopped.
pub fn join_shards(options: &CalibrateOptions) -> Result<JoinReport, Error> {
    let started = Instant::now();
    let mut setup = Setup::new(options)?;
    let _lock = StudyLock::acquire(&setup.out)?;
    let mut done = if setup.out.exists() && !is_empty_dir(&setup.out)? {
        let done = finished(&setup, &setup.out)?;
        setup.record.started_at = read_back(&setup.out, &setup.plan, &setup.record)?
            .0
            .started_at;
        done
    } else {
        let fresh = CalibrateOptions {
            resume: false,
            force: false,
            ..options.clone()
        };
        open(&setup.out, &fresh, &setup.plan, &mut setup.record)?
    };
    let generation = done.len() as u32;
    let parts = read_shards(&setup, &options.join, generation)?;
    let pool = engine::pool(setup.threads)?;
    let priors = setup.priors();
    let spent = done.last().map_or(0, |g| g.simulations);
    let proposer = Proposer::new(&priors, &setup.plan.settings, generation, done.last());
    let (step, topped_up) = shards::join(
        &proposer,
        &setup.plan.settings,
        &setup.plan,
        spent,
        &parts,
        &pool,
    )?;
    let stop = match step {
        Step::Done(g) => {
            done.push(g);
            write_generations(&setup.out, &setup.plan, &done, &mut setup.record)?;
            let last = done.last().expect("just pushed");
            match smc::stop_after(&setup.plan.settings, last) {
                Some(stop) => stop,
                None => {
                    return Ok(JoinReport::Joined {
                        dir: setup.out.clone(),
                        generation,
                        tolerance: last.tolerance,
                        acceptance_rate: last.acceptance_rate(),
                        topped_up,
                    });
                }
            }
        }
        Step::Budget { .. } => Stop::Budget,
        Step::Interrupted => unreachable!("a join is not interrupted"),
    };
    Ok(JoinReport::Finished(
        setup.finish(&done, stop, &pool, started)?,
    ))
}
