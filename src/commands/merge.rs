//! `detente merge`: join the shards of one sweep into the study an unsharded
//! sweep would have written, byte for byte.

use std::fmt;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::data::digest::{self, DigestWriter, FileDigest};
use crate::data::schema::file;
use crate::data::study::{ShardInfo, StudyManifest};
use crate::data::{Staging, StudyLock, timestamp};
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
/// `announce` is given the report before the merged study is moved into
/// place (the binary prints it): if it fails, nothing is written.
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    force: bool,
    announce: &mut dyn FnMut(&MergeReport) -> Result<(), String>,
) -> Result<MergeReport, Error> {
    if dirs.is_empty() {
        return Err(Error::Usage(
            "merge needs the shard directories to join".into(),
        ));
    }
    let mut shards = Vec::new();
    for dir in dirs {
        if !dir.join(file::MANIFEST).exists() {
            return Err(Error::Usage(format!(
                "{} is not a study (it has no manifest.json); give the directories `detente sweep --shard K/N` wrote",
                dir.display()
            )));
        }
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
        check_shard_records(dir, &manifest, &shard)?;
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
                &format!("config sha256 {}", short(&first.config_sha256)),
                &format!("config sha256 {}", short(&m.config_sha256)),
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
            let what = crate::data::study_dir::differences(first, m).join("; ");
            return differs("designs", "one design", &format!("another ({what})"));
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

    let _lock = StudyLock::acquire(out)?;
    let protected: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let staging = Staging::new(out, force, &protected)?;
    // design.csv and config.toml are the same in every shard (the config
    // hashes agree); copy the first shard's after checking it.
    let mut digests = Vec::new();
    for name in [file::DESIGN, file::CONFIG] {
        let (from, to) = (&shards[0].0, staging.file(name));
        let record = shards[0].1.record(name).expect("checked above");
        let mut bytes = Vec::new();
        digest::stream_verified(from, record, true, |b| {
            bytes.extend_from_slice(b);
            Ok(())
        })?;
        fs::write(&to, &bytes).map_err(|e| Error::io(&to, e))?;
        digests.push(record.clone());
    }
    for name in [file::RUNS, file::ROUNDS, file::SUMMARY] {
        let parts: Vec<(&Path, &FileDigest)> = shards
            .iter()
            .map(|(d, m, _)| (d.as_path(), m.record(name).expect("checked above")))
            .collect();
        digests.push(concatenate(&parts, &staging.file(name), name)?);
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
    manifest.digests = digests;
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
    announce(&report).map_err(Error::Usage)?;
    staging.commit()?;
    Ok(report)
}

/// Checks that a shard's manifest records every file with rows that agree
/// with its counts, before any byte is copied.
fn check_shard_records(dir: &Path, m: &StudyManifest, shard: &ShardInfo) -> Result<(), Error> {
    let bad = |what: String| {
        Err(Error::Usage(format!(
            "{} (shard {}/{}): {what}; rerun the shard with `detente sweep --shard {}/{} --force`",
            dir.display(),
            shard.index,
            shard.count,
            shard.index,
            shard.count
        )))
    };
    if m.digests.is_empty() {
        return bad(
            "its manifest records no checksums (it was written by an earlier detente)".into(),
        );
    }
    let points = shard.end_point.checked_sub(shard.first_point);
    if points.and_then(|p| p.checked_mul(m.design.replications)) != Some(m.runs_total)
        || shard.end_point > m.design.points
    {
        return bad(format!(
            "its manifest's shard (points {}..{}) does not match its {} runs",
            shard.first_point, shard.end_point, m.runs_total
        ));
    }
    for (name, rows) in [
        (file::DESIGN, Some(m.design.points)),
        (file::CONFIG, Some(0)),
        (file::RUNS, Some(m.runs_total)),
        (file::ROUNDS, None),
        (file::SUMMARY, points),
    ] {
        match m.record(name) {
            None => return bad(format!("its manifest records no {name}")),
            Some(r) if rows.is_some_and(|n| n != r.rows) => {
                return bad(format!(
                    "its manifest records {} rows of {name} where {} are expected",
                    r.rows,
                    rows.unwrap_or_default()
                ));
            }
            Some(_) => {}
        }
    }
    if m.runs_done != m.runs_total {
        return bad(format!(
            "{} of {} runs done although marked complete",
            m.runs_done, m.runs_total
        ));
    }
    Ok(())
}

/// Writes the first part whole and the others without their header line,
/// checking each part against its record as it is copied. Returns the
/// record of the joined file.
fn concatenate(parts: &[(&Path, &FileDigest)], to: &Path, name: &str) -> Result<FileDigest, Error> {
    let file = File::create(to).map_err(|e| Error::io(to, e))?;
    let mut out = DigestWriter::new(BufWriter::new(file));
    let mut first_header: Option<Vec<u8>> = None;
    for (dir, record) in parts {
        let mut header: Option<Vec<u8>> = Some(Vec::new());
        let mut failed: Option<std::io::Error> = None;
        digest::stream_verified(dir, record, true, |mut bytes| {
            if let Some(h) = header.as_mut() {
                match bytes.iter().position(|&b| b == b'\n') {
                    Some(end) => {
                        h.extend_from_slice(&bytes[..=end]);
                        bytes = &bytes[end + 1..];
                        let line = header.take().expect("just matched");
                        match &first_header {
                            None => {
                                out.write_all(&line)?;
                                first_header = Some(line);
                            }
                            Some(first) if *first == line => {}
                            Some(_) => {
                                failed = Some(std::io::Error::other("a different header"));
                                return Err(std::io::Error::other("a different header"));
                            }
                        }
                    }
                    None => {
                        h.extend_from_slice(bytes);
                        return Ok(());
                    }
                }
            }
            out.write_all(bytes)
        })
        .map_err(|e| match failed.take() {
            Some(_) => Error::Usage(format!(
                "{}: its header differs from the first shard's; the shards are not of one study",
                dir.join(name).display()
            )),
            None => e,
        })?;
        out.add_rows(record.rows);
    }
    out.flush().map_err(|e| Error::io(to, e))?;
    Ok(out.digest(name))
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

/// The first 12 characters of a hash, for messages (all of it if shorter,
/// as in an edited manifest).
fn short(hash: &str) -> &str {
    hash.char_indices()
        .nth(12)
        .map_or(hash, |(at, _)| &hash[..at])
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn hashes_of_edited_manifests_are_shortened_without_panicking() {
        assert_eq!(short("0123456789abcdef"), "0123456789ab");
        assert_eq!(short("abc"), "abc");
        assert_eq!(short(""), "");
        assert_eq!(short("ééééééééééééé"), "éééééééééééé");
    }
}
