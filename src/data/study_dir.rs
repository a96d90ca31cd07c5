//! A sweep study's directory over its life: deciding what to do with an
//! existing directory (refuse, replace, resume), creating the files or
//! reopening them at a verified checkpoint, and recording where they stand.

use std::fs;
use std::path::Path;

use crate::data::csv_file::CsvFile;
use crate::data::digest::{self, FileDigest};
use crate::data::output::{check_replaceable, is_empty_dir, remove_replaceable};
use crate::data::schema::file;
use crate::data::study::{Checkpoint, DesignInfo, ShardInfo, StudyManifest};
use crate::data::summary::PointSummary;
use crate::error::Error;

/// What the user asked for an existing directory.
#[derive(Debug, Clone, Copy, Default)]
pub struct Want {
    /// Replace a study detente wrote (`--force`).
    pub force: bool,
    /// Finish an incomplete study (`--resume`).
    pub resume: bool,
}

/// What a new study's files start with.
#[derive(Debug, Clone)]
pub struct StudyContents {
    /// `design.csv` whole, and its number of points.
    pub design: String,
    pub points: u64,
    /// `config.toml` whole.
    pub config: String,
    pub runs_header: Vec<String>,
    pub rounds_header: Vec<String>,
    pub summary_header: Vec<String>,
}

/// Decides what to do with an existing directory. Returns the manifest of an
/// incomplete study to resume, or `None` to start afresh (the directory is
/// then new or empty).
pub fn prepare(
    dir: &Path,
    want: Want,
    config: &Path,
    fresh: &StudyManifest,
) -> Result<Option<StudyManifest>, Error> {
    if !dir.exists() || is_empty_dir(dir)? {
        return Ok(None);
    }
    if want.force {
        check_replaceable(dir, &[config])?;
        remove_replaceable(dir)?;
        return Ok(None);
    }
    if !dir.join(file::MANIFEST).exists() {
        return Err(Error::OutputExists(dir.to_path_buf()));
    }
    let existing = StudyManifest::read(dir)?;
    if existing.complete {
        return Err(Error::Usage(format!(
            "{} holds a complete study; pass --force to replace it or --out to write elsewhere",
            dir.display()
        )));
    }
    if !want.resume {
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
pub struct StudyFiles {
    pub runs: CsvFile,
    pub rounds: CsvFile,
    pub summary: CsvFile,
    /// The summary of the design point in progress.
    pub partial: Option<PointSummary>,
    /// Digests of the files written once at the start (design, config).
    fixed: Vec<FileDigest>,
}

impl StudyFiles {
    /// Creates the files, or reopens them at the checkpoint when resuming.
    pub fn open(
        dir: &Path,
        contents: &StudyContents,
        resumed: Option<&StudyManifest>,
    ) -> Result<StudyFiles, Error> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let fixed = vec![
            FileDigest::of_bytes(file::DESIGN, contents.design.as_bytes(), contents.points),
            FileDigest::of_bytes(file::CONFIG, contents.config.as_bytes(), 0),
        ];
        if let Some(previous) = resumed {
            let checkpoint = previous
                .checkpoint
                .as_ref()
                .expect("prepare only resumes with a checkpoint");
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
            return Ok(StudyFiles {
                runs: reopen(file::RUNS)?,
                rounds: reopen(file::ROUNDS)?,
                summary: reopen(file::SUMMARY)?,
                partial: checkpoint.partial_point.clone(),
                fixed,
            });
        }
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.join(name);
            fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
        };
        write(file::DESIGN, contents.design.as_bytes())?;
        write(file::CONFIG, contents.config.as_bytes())?;
        let mut runs = CsvFile::create(&dir.join(file::RUNS))?;
        runs.write_header(&contents.runs_header)?;
        let mut rounds = CsvFile::create(&dir.join(file::ROUNDS))?;
        rounds.write_header(&contents.rounds_header)?;
        let mut summary = CsvFile::create(&dir.join(file::SUMMARY))?;
        summary.write_header(&contents.summary_header)?;
        Ok(StudyFiles {
            runs,
            rounds,
            summary,
            partial: None,
            fixed,
        })
    }

    /// Digests of the files written once at the start (design, config).
    pub fn fixed(&self) -> &[FileDigest] {
        &self.fixed
    }

    pub fn flush(&mut self) -> Result<(), Error> {
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

    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            files: self.growing(),
            partial_point: self.partial.clone(),
        }
    }

    /// Digests of every data file of the finished study.
    pub fn digests(&self) -> Vec<FileDigest> {
        self.fixed.iter().cloned().chain(self.growing()).collect()
    }
}
