//! Reading a study back: every reader (`merge`, `plot`, `sensitivity`)
//! opens a study or run directory through [`Verified::open`], which checks
//! each file against the manifest's digests and the copied config against
//! the manifest's hash, and then reads only the bytes it verified.

use std::fs::File;
use std::io::{Read, Take};
use std::path::{Path, PathBuf};

use crate::data::digest::{self, FileDigest};
use crate::data::manifest::AnyManifest;
use crate::data::schema::file;
use crate::error::Error;

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
    /// The manifest, as read.
    pub manifest: AnyManifest,
    pub progress: Progress,
    records: Vec<FileDigest>,
}

impl Verified {
    /// Checks `dir` against its manifest: every recorded file (or, for an
    /// incomplete study, its checkpointed prefix) has its recorded length and
    /// SHA-256, and config.toml is the config the manifest names. An
    /// incomplete study is refused unless `allow_incomplete`.
    pub fn open(dir: &Path, allow_incomplete: bool) -> Result<Verified, Error> {
        let manifest = AnyManifest::read(dir)?;
        if manifest.digests().is_empty() {
            return Err(Error::Usage(format!(
                "{}: the manifest records no checksums (it was written by an earlier detente), so its files cannot be verified; rerun the study",
                dir.display()
            )));
        }
        match manifest.digests().iter().find(|d| d.name == file::CONFIG) {
            Some(config) if config.sha256 == manifest.config_sha256() => {}
            _ => {
                return Err(Error::Usage(format!(
                    "{}: the manifest's digest of config.toml does not match its config_sha256; the manifest has been edited, rerun the study",
                    dir.display()
                )));
            }
        }
        let mut records = Vec::new();
        for record in manifest.digests() {
            digest::verify(dir, record, true)?;
            records.push(record.clone());
        }
        let progress = match manifest.study().filter(|m| !m.complete) {
            None => Progress::Complete,
            Some(study) => {
                let (done, total) = (study.runs_done, study.runs_total);
                let mut command = format!(
                    "detente sweep {} --out {} -n {} --seed {}",
                    study.config_file,
                    dir.display(),
                    study.design.replications,
                    study.seed
                );
                if let Some(shard) = &study.shard {
                    command += &format!(" --shard {}/{}", shard.index, shard.count);
                }
                let resume = format!("finish it with `{command} --resume`");
                if !allow_incomplete {
                    return Err(Error::Usage(format!(
                        "{} is an incomplete study ({done} of {total} runs done); {resume}, or pass --allow-incomplete to use the finished runs",
                        dir.display()
                    )));
                }
                let checkpoint = study.checkpoint.as_ref().ok_or_else(|| {
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
            }
        };
        Ok(Verified {
            dir: dir.to_path_buf(),
            manifest,
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
