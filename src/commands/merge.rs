//! `detente merge`: join the shards of one sweep into the study an unsharded
//! sweep would have written, byte for byte.

use std::fmt;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::data::study::StudyManifest;
use crate::data::{Staging, timestamp};
use crate::error::Error;

/// What `detente merge` did.
#[derive(Debug, Clone)]
pub struct MergeReport {
    pub dir: PathBuf,
    pub shards: usize,
    pub runs: u64,
    pub failed: u64,
}

/// Merges complete shards `dirs` (any order) into `out`.
pub fn merge(dirs: &[PathBuf], out: &Path, force: bool) -> Result<MergeReport, Error> {
    if dirs.is_empty() {
        return Err(Error::Usage(
            "merge needs the shard directories to join".into(),
        ));
    }
    let mut shards = Vec::new();
    for dir in dirs {
        let manifest = StudyManifest::read(dir)?;
        let Some(shard) = manifest.shard else {
            return Err(Error::Usage(format!(
                "{} is not a shard (it was not made with --shard K/N)",
                dir.display()
            )));
        };
        if !manifest.complete {
            return Err(Error::Usage(format!(
                "{} (shard {}/{}) is incomplete ({} of {} runs); finish it with `detente sweep --shard {}/{} --resume`",
                dir.display(),
                shard.index,
                shard.count,
                manifest.runs_done,
                manifest.runs_total,
                shard.index,
                shard.count
            )));
        }
        shards.push((dir.clone(), manifest, shard));
    }
    let (first_dir, first, _) = &shards[0];
    for (dir, m, _) in &shards[1..] {
        let differs = |what: &str, a: &str, b: &str| {
            Err(Error::Usage(format!(
                "shards of different {what}: {} has {a}, {} has {b}",
                first_dir.display(),
                dir.display()
            )))
        };
        if m.config_sha256 != first.config_sha256 {
            return differs(
                "configs",
                &format!("config sha256 {}", &first.config_sha256[..12]),
                &format!("config sha256 {}", &m.config_sha256[..12]),
            );
        }
        if m.seed != first.seed {
            return differs(
                "seeds",
                &format!("seed {}", first.seed),
                &format!("seed {}", m.seed),
            );
        }
        if m.design != first.design {
            return differs("designs", "one design", "another");
        }
        let (a, b) = (first.shard.expect("checked"), m.shard.expect("checked"));
        if a.count != b.count {
            return differs(
                "splits",
                &format!("shard {}/{}", a.index, a.count),
                &format!("shard {}/{}", b.index, b.count),
            );
        }
    }
    let count = shards[0].2.count;
    shards.sort_by_key(|(_, _, s)| s.index);
    for pair in shards.windows(2) {
        if pair[0].2.index == pair[1].2.index {
            return Err(Error::Usage(format!(
                "overlapping shards: shard {}/{count} is given twice ({} and {})",
                pair[0].2.index,
                pair[0].0.display(),
                pair[1].0.display()
            )));
        }
    }
    let have: Vec<u64> = shards.iter().map(|(_, _, s)| s.index).collect();
    let missing: Vec<String> = (1..=count)
        .filter(|k| !have.contains(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "missing shards: {} not given (have {})",
            missing.join(", "),
            have.iter()
                .map(|k| format!("{k}/{count}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }

    let staging = Staging::new(out, force)?;
    let first_dir = &shards[0].0;
    for name in ["design.csv", "config.toml"] {
        let (from, to) = (first_dir.join(name), staging.file(name));
        fs::copy(&from, &to).map_err(|e| Error::io(&from, e))?;
    }
    for name in ["runs.csv", "rounds.csv", "summary.csv"] {
        concatenate(
            &shards
                .iter()
                .map(|(d, _, _)| d.join(name))
                .collect::<Vec<_>>(),
            &staging.file(name),
        )?;
    }
    let mut manifest = shards[0].1.clone();
    manifest.command = "merge".into();
    manifest.shard = None;
    manifest.runs_total = shards.iter().map(|(_, m, _)| m.runs_total).sum();
    manifest.runs_done = shards.iter().map(|(_, m, _)| m.runs_done).sum();
    manifest.failed_runs = shards.iter().map(|(_, m, _)| m.failed_runs).sum();
    manifest.outcomes = [0, 1, 2].map(|k| shards.iter().map(|(_, m, _)| m.outcomes[k]).sum());
    manifest.failed_points = shards
        .iter()
        .flat_map(|(_, m, _)| m.failed_points.iter().copied())
        .collect();
    manifest.wall_time_seconds = shards.iter().map(|(_, m, _)| m.wall_time_seconds).sum();
    manifest.started_at = shards
        .iter()
        .map(|(_, m, _)| m.started_at.clone())
        .min()
        .expect("at least one shard");
    manifest.finished_at = Some(timestamp(SystemTime::now()));
    manifest.complete = true;
    manifest.checkpoint = None;
    manifest.merged_from = shards
        .iter()
        .map(|(d, _, _)| d.display().to_string())
        .collect();
    manifest.write(staging.path())?;
    let report = MergeReport {
        dir: out.to_path_buf(),
        shards: shards.len(),
        runs: manifest.runs_done,
        failed: manifest.failed_runs,
    };
    staging.commit()?;
    Ok(report)
}

/// Writes the first file whole and the others without their header line.
fn concatenate(parts: &[PathBuf], to: &Path) -> Result<(), Error> {
    let mut out = BufWriter::new(File::create(to).map_err(|e| Error::io(to, e))?);
    for (i, part) in parts.iter().enumerate() {
        let mut reader = BufReader::new(File::open(part).map_err(|e| Error::io(part, e))?);
        if i > 0 {
            let mut header = Vec::new();
            reader
                .read_until(b'\n', &mut header)
                .map_err(|e| Error::io(part, e))?;
        }
        std::io::copy(&mut reader, &mut out).map_err(|e| Error::io(part, e))?;
    }
    out.flush().map_err(|e| Error::io(to, e))
}

impl fmt::Display for MergeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "merged {} shards, {} runs -> {}",
            self.shards,
            self.runs,
            self.dir.display()
        )?;
        if self.failed > 0 {
            write!(f, " ({} runs failed)", self.failed)?;
        }
        Ok(())
    }
}
