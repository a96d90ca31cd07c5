//! Reading a study back: every reader (`merge`, `plot`, `sensitivity`)
//! opens a study or run directory through [`Verified::open`], which checks
//! each file against the manifest's digests and the copied config against
//! the manifest's hash, and then reads only the bytes it verified.

use std::fs::{self, File};
use std::io::{Read, Take};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::data::digest::{self, FileDigest};
use crate::data::schema::file;
use crate::data::study::{Checkpoint, ShardInfo};
use crate::error::Error;

/// What every detente manifest (of a run or a study) has in common.
#[derive(Debug, Clone, Deserialize)]
struct ManifestCore {
    tool: String,
    command: String,
    config_sha256: String,
    complete: bool,
    #[serde(default)]
    digests: Vec<FileDigest>,
    #[serde(default)]
    checkpoint: Option<Checkpoint>,
    #[serde(default)]
    runs_done: Option<u64>,
    #[serde(default)]
    runs_total: Option<u64>,
    #[serde(default)]
    config_file: String,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    design: Option<DesignCore>,
    #[serde(default)]
    shard: Option<ShardInfo>,
}

#[derive(Debug, Clone, Deserialize)]
struct DesignCore {
    replications: u64,
}

/// How much of a study there is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Complete,
    /// Runs done of the runs planned, up to the last checkpoint.
    Incomplete {
        runs_done: u64,
        runs_total: u64,
    },
}

/// A study or run directory whose files match its manifest.
#[derive(Debug, Clone)]
pub struct Verified {
    pub dir: PathBuf,
    /// `run`, `sweep` or `merge`.
    pub command: String,
    pub progress: Progress,
    records: Vec<FileDigest>,
}

impl Verified {
    /// Checks `dir` against its manifest: every recorded file (or, for an
    /// incomplete study, its checkpointed prefix) has its recorded length and
    /// SHA-256, and config.toml is the config the manifest names. An
    /// incomplete study is refused unless `allow_incomplete`.
    pub fn open(dir: &Path, allow_incomplete: bool) -> Result<Verified, Error> {
        let path = dir.join(file::MANIFEST);
        let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let core: ManifestCore = serde_json::from_str(&text)
            .ok()
            .filter(|m: &ManifestCore| m.tool == "detente")
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{}: not a detente manifest; give the directory a detente command wrote",
                    path.display()
                ))
            })?;
        if core.digests.is_empty() {
            return Err(Error::Usage(format!(
                "{}: the manifest records no checksums (it was written by an earlier detente), so its files cannot be verified; rerun the study",
                dir.display()
            )));
        }
        match core.digests.iter().find(|d| d.name == file::CONFIG) {
            Some(config) if config.sha256 == core.config_sha256 => {}
            _ => {
                return Err(Error::Usage(format!(
                    "{}: the manifest's digest of config.toml does not match its config_sha256; the manifest has been edited, rerun the study",
                    dir.display()
                )));
            }
        }
        let mut records = Vec::new();
        for record in &core.digests {
            digest::verify(dir, record, true)?;
            records.push(record.clone());
        }
        let progress = if core.complete {
            Progress::Complete
        } else {
            let (done, total) = (core.runs_done.unwrap_or(0), core.runs_total.unwrap_or(0));
            let mut command = format!("detente sweep {} --out {}", core.config_file, dir.display());
            if let Some(design) = &core.design {
                command += &format!(" -n {}", design.replications);
            }
            if let Some(seed) = core.seed {
                command += &format!(" --seed {seed}");
            }
            if let Some(shard) = &core.shard {
                command += &format!(" --shard {}/{}", shard.index, shard.count);
            }
            let resume = format!("finish it with `{command} --resume`");
            if !allow_incomplete {
                return Err(Error::Usage(format!(
                    "{} is an incomplete study ({done} of {total} runs done); {resume}, or pass --allow-incomplete to use the finished runs",
                    dir.display()
                )));
            }
            let checkpoint = core.checkpoint.ok_or_else(|| {
                Error::Usage(format!(
                    "{} is incomplete and records no checkpoint; {resume}",
                    dir.display()
                ))
            })?;
            for record in &checkpoint.files {
                digest::verify(dir, record, false)?;
                records.push(record.clone());
            }
            Progress::Incomplete {
                runs_done: done,
                runs_total: total,
            }
        };
        Ok(Verified {
            dir: dir.to_path_buf(),
            command: core.command,
            progress,
            records,
        })
    }

    /// Whether a verified file of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.records.iter().any(|r| r.name == name)
    }

    /// The record of a verified file.
    pub fn record(&self, name: &str) -> Option<&FileDigest> {
        self.records.iter().find(|r| r.name == name)
    }

    /// Opens the verified bytes of file `name`.
    pub fn open_file(&self, name: &str) -> Result<Take<File>, Error> {
        let path = self.dir.join(name);
        let record = self.record(name).ok_or_else(|| {
            Error::Usage(format!(
                "{}: the manifest records no {name}; rerun the command that writes it",
                self.dir.display()
            ))
        })?;
        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
        Ok(file.take(record.bytes))
    }

    /// The whole verified text of file `name`.
    pub fn read_text(&self, name: &str) -> Result<String, Error> {
        let path = self.dir.join(name);
        let mut text = String::new();
        self.open_file(name)?
            .read_to_string(&mut text)
            .map_err(|e| Error::io(&path, e))?;
        Ok(text)
    }
}
