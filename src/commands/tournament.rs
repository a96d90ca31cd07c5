//! `detente tournament`: every proposer entry against every opponent entry
//! on every scenario; matches.csv after each pairing (so a killed tournament
//! resumes), then ranking.csv and the figures.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use crate::config;
use crate::data::digest::write_whole;
use crate::data::manifest::{self, TournamentManifest};
use crate::data::output::{Opening, open_resumable};
use crate::data::row::push_row;
use crate::data::schema::{MATCHES_HEADER, RANKING_HEADER, file};
use crate::data::table::Table;
use crate::data::{StudyLock, sha256_hex, timestamp};
use crate::engine;
use crate::error::Error;
use crate::plot::Format;
use crate::tournament::{self, Standing, TournamentPlan};

/// Options of `detente tournament`.
#[derive(Debug, Clone, Default)]
pub struct TournamentOptions {
    pub config: PathBuf,
    pub replications: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    /// Default `runs/<scenario>-tournament`.
    pub out: Option<PathBuf>,
    pub force: bool,
    pub resume: bool,
    pub plots: bool,
}

/// The ranking of both roles.
#[derive(Debug, Clone)]
pub struct TournamentReport {
    pub dir: PathBuf,
    pub pairings: usize,
    pub runs: u64,
    pub proposers: Vec<Standing>,
    pub opponents: Vec<Standing>,
    /// Entries entered for both roles (same name, strategy and opponent
    /// model), ranked over both seats; empty when there are none.
    pub both: Vec<Standing>,
}

impl fmt::Display for TournamentReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} pairings, {} runs", self.pairings, self.runs)?;
        for (role, standings) in [
            ("proposer", &self.proposers),
            ("opponent", &self.opponents),
            ("role-swapped (both seats)", &self.both),
        ] {
            if standings.is_empty() {
                continue;
            }
            write!(
                f,
                "\n{role} ranking (mean utility, 95 % interval; same group: order not established)"
            )?;
            for s in standings {
                write!(
                    f,
                    "\n  {}. {:<20} {:.4}  [{:.4}, {:.4}]  group {}",
                    s.rank, s.entry, s.mean, s.low, s.high, s.group
                )?;
            }
        }
        write!(f, "\n-> {}", self.dir.display())
    }
}

/// Runs (or resumes) a tournament.
pub fn tournament(
    options: &TournamentOptions,
    interrupt: &AtomicBool,
) -> Result<TournamentReport, Error> {
    let file = options.config.display().to_string();
    let loaded = config::load(&options.config)?;
    let plan = TournamentPlan::new(&loaded, &options.config, options.replications, options.seed)?;
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("runs").join(format!("{}-tournament", loaded.scenario.name)));
    let _lock = StudyLock::acquire(&out)?;
    let pairings = plan.pairings();
    let threads = options
        .threads
        .unwrap_or_else(crate::commands::run::default_threads);
    let mut record = TournamentManifest {
        tool: "detente".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        command: "tournament".into(),
        scenario: loaded.scenario.name.clone(),
        config_file: file.clone(),
        config_sha256: sha256_hex(plan.text.as_bytes()),
        seed: plan.seed,
        replicates: plan.replicates,
        pairings: pairings.len() as u64,
        pairings_done: 0,
        threads,
        started_at: timestamp(SystemTime::now()),
        finished_at: String::new(),
        complete: false,
        files: Vec::new(),
        digests: Vec::new(),
    };
    let mut rows = open(&out, options, &plan, &mut record)?;
    let pool = engine::pool(threads)?;
    for &p in &pairings[rows.len()..] {
        if interrupt.load(Ordering::SeqCst) {
            return Err(Error::Interrupted(format!(
                "tournament interrupted: {} holds {} of {} pairings; `detente tournament {file} --resume{}` finishes it",
                out.display(),
                rows.len(),
                pairings.len(),
                options
                    .out
                    .as_ref()
                    .map_or(String::new(), |o| format!(" --out {}", o.display()))
            )));
        }
        let totals = tournament::play(&plan, p, &pool)?;
        let mut row = vec![
            plan.arenas[p.arena].name.clone(),
            plan.proposers[p.proposer].name.clone(),
            plan.opponents[p.opponent].name.clone(),
        ];
        row.extend(totals.fields());
        rows.push(row);
        write_matches(&out, &rows, &mut record)?;
    }
    // Proposer: entry in column 1, mean utility in column 7; opponent: 2 and 11 (see MATCHES_HEADER).
    let proposers = rank_role(&rows, 1, 7, &plan.proposers);
    let opponents = rank_role(&rows, 2, 11, &plan.opponents);
    let both = rank_both(&rows, &plan);
    let mut ranking = Vec::new();
    push_row(&mut ranking, RANKING_HEADER);
    for (role, list) in [
        ("proposer", &proposers),
        ("opponent", &opponents),
        ("both", &both),
    ] {
        for s in list.iter() {
            push_row(
                &mut ranking,
                [
                    role.to_string(),
                    s.rank.to_string(),
                    s.group.to_string(),
                    s.entry.clone(),
                    s.mean.to_string(),
                    s.sd.to_string(),
                    s.runs.to_string(),
                    s.low.to_string(),
                    s.high.to_string(),
                ],
            );
        }
    }
    write(
        &out,
        file::RANKING,
        &ranking,
        (proposers.len() + opponents.len() + both.len()) as u64,
        &mut record,
    )?;
    let figures = if options.plots {
        crate::plot::tournament::draw(&plan, &rows, &proposers, &opponents, &out, Format::Png)?
    } else {
        Vec::new()
    };
    record.complete = true;
    record.finished_at = timestamp(SystemTime::now());
    finish_manifest(&out, &mut record, &figures)?;
    Ok(TournamentReport {
        dir: out,
        pairings: pairings.len(),
        runs: pairings.len() as u64 * plan.replicates,
        proposers,
        opponents,
        both,
    })
}

/// The role-swapped ranking (as ANAC scores an agent over both seats): the
/// entries entered for both roles with the same name, strategy and opponent
/// model, ranked by their mean utility over all their runs in either seat.
fn rank_both(rows: &[Vec<String>], plan: &TournamentPlan) -> Vec<Standing> {
    let both: Vec<&tournament::Entry> = plan
        .proposers
        .iter()
        .filter(|p| {
            plan.opponents.iter().any(|o| {
                o.name == p.name && o.strategy == p.strategy && o.opponent_model == p.opponent_model
            })
        })
        .collect();
    if both.is_empty() {
        return Vec::new();
    }
    let number = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    let names: Vec<String> = both.iter().map(|e| e.name.clone()).collect();
    let mut results = Vec::new();
    for r in rows {
        // Proposer: entry in column 1, mean utility in 7; opponent: 2 and 11.
        for (name_column, mean_column) in [(1, 7), (2, 11)] {
            if let Some(entry) = names.iter().position(|n| *n == r[name_column]) {
                results.push((
                    entry,
                    number(&r[3]) as u64,
                    number(&r[mean_column]),
                    number(&r[mean_column + 1]),
                ));
            }
        }
    }
    tournament::rank(&names, &results)
}

/// Ranks one role from matches.csv's rows: the entry's name in `name_column`,
/// its mean utility and sd in `mean_column` and the next.
fn rank_role(
    rows: &[Vec<String>],
    name_column: usize,
    mean_column: usize,
    entries: &[tournament::Entry],
) -> Vec<Standing> {
    let number = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    let names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
    let results: Vec<(usize, u64, f64, f64)> = rows
        .iter()
        .filter_map(|r| {
            let entry = names.iter().position(|n| *n == r[name_column])?;
            Some((
                entry,
                number(&r[3]) as u64,
                number(&r[mean_column]),
                number(&r[mean_column + 1]),
            ))
        })
        .collect();
    tournament::rank(&names, &results)
}

/// A fresh directory, or the pairings an interrupted tournament finished.
fn open(
    out: &Path,
    options: &TournamentOptions,
    plan: &TournamentPlan,
    record: &mut TournamentManifest,
) -> Result<Vec<Vec<String>>, Error> {
    let opening = open_resumable(
        out,
        &options.config,
        options.force,
        options.resume,
        "tournament",
    )?;
    if opening == Opening::Resume {
        return resume(out, record);
    }
    write(out, file::CONFIG, plan.text.as_bytes(), 0, record)?;
    write_matches(out, &[], record)?;
    Ok(Vec::new())
}

fn resume(out: &Path, record: &mut TournamentManifest) -> Result<Vec<Vec<String>>, Error> {
    let path = out.join(file::MANIFEST);
    let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let old: TournamentManifest = serde_json::from_str(&text).map_err(|_| {
        Error::Usage(format!(
            "{}: not a tournament's manifest; --resume continues a `detente tournament` directory",
            path.display()
        ))
    })?;
    if old.complete {
        return Err(Error::Usage(format!(
            "{} holds a finished tournament; pass --force to run it again or --out to write elsewhere",
            out.display()
        )));
    }
    if old.config_sha256 != record.config_sha256
        || old.seed != record.seed
        || old.replicates != record.replicates
    {
        return Err(Error::Usage(format!(
            "{} holds a tournament of another config, seed or replicates; --resume needs the same ones (or pass --force to start over)",
            out.display()
        )));
    }
    let table = Table::from_path(&out.join(file::MATCHES))?;
    let done = old.pairings_done as usize;
    if table.rows.len() < done || table.header != MATCHES_HEADER {
        return Err(Error::Usage(format!(
            "{}: {} does not match the manifest; pass --force to start over",
            out.display(),
            file::MATCHES
        )));
    }
    record.started_at = old.started_at;
    record.digests = old
        .digests
        .into_iter()
        .filter(|d| d.name == file::CONFIG)
        .collect();
    let rows: Vec<Vec<String>> = table.rows.into_iter().take(done).collect();
    write_matches(out, &rows, record)?;
    Ok(rows)
}

fn write_matches(
    out: &Path,
    rows: &[Vec<String>],
    record: &mut TournamentManifest,
) -> Result<(), Error> {
    let mut bytes = Vec::new();
    push_row(&mut bytes, MATCHES_HEADER);
    for row in rows {
        push_row(&mut bytes, row);
    }
    write(out, file::MATCHES, &bytes, rows.len() as u64, record)?;
    record.pairings_done = rows.len() as u64;
    finish_manifest(out, record, &[])
}

/// Writes `out/name` atomically and records its digest.
fn write(
    out: &Path,
    name: &str,
    bytes: &[u8],
    rows: u64,
    record: &mut TournamentManifest,
) -> Result<(), Error> {
    let digest = write_whole(out, name, bytes, rows)?;
    record.digests.retain(|d| d.name != name);
    record.digests.push(digest);
    Ok(())
}

fn finish_manifest(
    out: &Path,
    record: &mut TournamentManifest,
    figures: &[String],
) -> Result<(), Error> {
    record.files = record.digests.iter().map(|d| d.name.clone()).collect();
    record.files.extend(figures.iter().cloned());
    record.files.push(file::MANIFEST.into());
    manifest::write(out, record)
}
