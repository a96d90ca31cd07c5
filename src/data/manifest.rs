//! `manifest.json`: what produced a dataset, so it can be checked and redone.
//! Every manifest is read and written here: a run's ([`RunManifest`]) and a
//! study's ([`StudyManifest`], of a sweep or a merge), told apart by their
//! `command` when read back as an [`AnyManifest`].

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::data::digest::FileDigest;
use crate::data::schema::file;
pub use crate::data::study::StudyManifest;
use crate::error::Error;

/// Provenance of a run directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunManifest {
    pub tool: String,
    pub version: String,
    pub command: String,
    pub scenario: String,
    /// The config file as given on the command line.
    pub config_file: String,
    /// SHA-256 of the config file's bytes, lower-case hex.
    pub config_sha256: String,
    pub seed: u64,
    pub replications: u64,
    /// Set when one run was rerun from its own seed (`--replay`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_seed: Option<u64>,
    /// Set when that run was of one design point of a sweep (`--point`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_point: Option<u64>,
    pub threads: usize,
    pub started_at: String,
    pub finished_at: String,
    pub wall_time_seconds: f64,
    pub runs: u64,
    pub failed_runs: u64,
    pub complete: bool,
    pub files: Vec<String>,
    /// Length, rows and SHA-256 of every file but the manifest.
    #[serde(default)]
    pub digests: Vec<FileDigest>,
}

/// Provenance of a `detente discover` directory: the study it searched and
/// how.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DiscoveryManifest {
    pub tool: String,
    pub version: String,
    pub command: String,
    /// The study or run directory searched.
    pub study: String,
    /// Its config's SHA-256, as its own manifest records it.
    pub study_config_sha256: String,
    /// What made a case one of interest, and the PRIM settings, as given.
    pub question: String,
    pub cases: u64,
    pub cases_of_interest: u64,
    pub boxes: usize,
    pub finished_at: String,
    pub files: Vec<String>,
    pub digests: Vec<FileDigest>,
}

/// Provenance and progress of a `detente calibrate` directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CalibrationManifest {
    pub tool: String,
    pub version: String,
    pub command: String,
    pub scenario: String,
    pub config_file: String,
    pub config_sha256: String,
    pub seed: u64,
    pub method: String,
    pub particles: u64,
    pub replicates: u64,
    /// Finished generations, the prior sample included.
    pub generations_done: u32,
    pub simulations: u64,
    /// Why it stopped (empty while it runs).
    pub stopped: String,
    /// Each target: its statistic, observed value and source.
    pub targets: Vec<String>,
    pub threads: usize,
    pub started_at: String,
    pub finished_at: String,
    pub complete: bool,
    pub files: Vec<String>,
    pub digests: Vec<FileDigest>,
}

/// Provenance of one shard of a calibration generation
/// (`detente calibrate --shard`), joined by `detente calibrate --join`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CalibrationShardManifest {
    pub tool: String,
    pub version: String,
    pub command: String,
    pub scenario: String,
    pub config_sha256: String,
    pub seed: u64,
    /// The generation it is a shard of (0 = the prior sample).
    pub generation: u32,
    /// 1-based, of `shards`.
    pub shard: u64,
    pub shards: u64,
    /// Candidates simulated, the highest candidate number among them, and
    /// how many were accepted.
    pub simulated: u64,
    pub last_candidate: Option<u64>,
    pub accepted: u64,
    pub finished_at: String,
    pub files: Vec<String>,
    pub digests: Vec<FileDigest>,
}

/// The manifest of a calibration directory (`None` for anything else).
pub fn calibration(dir: &Path) -> Option<CalibrationManifest> {
    let text = fs::read_to_string(dir.join(file::MANIFEST)).ok()?;
    serde_json::from_str::<CalibrationManifest>(&text)
        .ok()
        .filter(|m| m.tool == "detente" && m.command == "calibrate")
}

/// Provenance and progress of a `detente tournament` directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TournamentManifest {
    pub tool: String,
    pub version: String,
    pub command: String,
    pub scenario: String,
    pub config_file: String,
    pub config_sha256: String,
    pub seed: u64,
    pub replicates: u64,
    pub pairings: u64,
    pub pairings_done: u64,
    pub threads: usize,
    pub started_at: String,
    pub finished_at: String,
    pub complete: bool,
    pub files: Vec<String>,
    pub digests: Vec<FileDigest>,
}

/// A manifest read back: of a run, or of a study (a sweep or a merge).
#[derive(Debug, Clone, PartialEq)]
pub enum AnyManifest {
    Run(Box<RunManifest>),
    Study(Box<StudyManifest>),
}

/// The only field every manifest is read for first.
#[derive(Deserialize)]
struct Header {
    tool: String,
    command: String,
}

impl AnyManifest {
    /// Reads `dir/manifest.json`, refusing anything detente did not write.
    pub fn read(dir: &Path) -> Result<AnyManifest, Error> {
        let path = dir.join(file::MANIFEST);
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{}: no such directory, so no {}; give a directory that detente run, sweep or merge wrote",
                dir.display(),
                file::MANIFEST
            )));
        }
        if !path.exists() {
            return Err(Error::Usage(format!(
                "{} has no {}, so detente did not write it; give a directory that detente run, sweep or merge wrote",
                dir.display(),
                file::MANIFEST
            )));
        }
        let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let not_ours = |why: String| {
            Error::Usage(format!(
                "{}: not a detente manifest ({why}); give the directory a detente command wrote",
                path.display()
            ))
        };
        let header: Header = serde_json::from_str(&text).map_err(|e| not_ours(e.to_string()))?;
        if header.tool != "detente" {
            return Err(not_ours(format!("written by `{}`", header.tool)));
        }
        match header.command.as_str() {
            "discover" => {
                return Err(Error::Usage(format!(
                    "{} holds scenario-discovery boxes, not runs; give the study they came from",
                    dir.display()
                )));
            }
            "tournament" => {
                return Err(Error::Usage(format!(
                    "{} holds a tournament (matches and ranking), not a study's runs; `detente tournament --resume` continues it",
                    dir.display()
                )));
            }
            "calibrate" | "calibrate-shard" => {
                return Err(Error::Usage(format!(
                    "{} holds a calibration (particles and posterior), not a study's runs; `detente calibrate --resume` continues it",
                    dir.display()
                )));
            }
            "run" => serde_json::from_str(&text).map(|m| AnyManifest::Run(Box::new(m))),
            _ => serde_json::from_str(&text).map(|m| AnyManifest::Study(Box::new(m))),
        }
        .map_err(|e| not_ours(e.to_string()))
    }

    /// Whether a `detente run` wrote it (rather than a sweep or merge).
    pub fn is_run(&self) -> bool {
        matches!(self, AnyManifest::Run(_))
    }

    /// `run`, `sweep` or `merge`.
    pub fn command(&self) -> &str {
        match self {
            AnyManifest::Run(m) => &m.command,
            AnyManifest::Study(m) => &m.command,
        }
    }

    /// SHA-256 of the config the data came from.
    pub fn config_sha256(&self) -> &str {
        match self {
            AnyManifest::Run(m) => &m.config_sha256,
            AnyManifest::Study(m) => &m.config_sha256,
        }
    }

    /// Digests of the finished files (none for an incomplete study).
    pub fn digests(&self) -> &[FileDigest] {
        match self {
            AnyManifest::Run(m) => &m.digests,
            AnyManifest::Study(m) => &m.digests,
        }
    }

    pub fn complete(&self) -> bool {
        match self {
            AnyManifest::Run(m) => m.complete,
            AnyManifest::Study(m) => m.complete,
        }
    }

    /// The study's manifest, if this is one.
    pub fn study(&self) -> Option<&StudyManifest> {
        match self {
            AnyManifest::Study(m) => Some(m),
            AnyManifest::Run(_) => None,
        }
    }
}

/// The files a detente manifest in `dir` lists, or `None` where there is
/// no such manifest. Lenient on purpose: a manifest of another version of
/// detente still marks the directory as one detente wrote.
pub fn listed_files(dir: &Path) -> Option<Vec<String>> {
    #[derive(Deserialize)]
    struct Listing {
        tool: String,
        files: Vec<String>,
    }
    let text = fs::read_to_string(dir.join(file::MANIFEST)).ok()?;
    let listing: Listing = serde_json::from_str(&text).ok()?;
    (listing.tool == "detente").then_some(listing.files)
}

/// Writes `dir/manifest.json` atomically (temporary file, then rename), so
/// a kill at any moment leaves the old or the new manifest, whole.
pub fn write(dir: &Path, manifest: &impl Serialize) -> Result<(), Error> {
    let path = dir.join(file::MANIFEST);
    let temporary = dir.join(".manifest.json.tmp");
    let json = serde_json::to_string_pretty(manifest).expect("a manifest always serialises");
    fs::write(&temporary, json + "\n").map_err(|e| Error::io(&temporary, e))?;
    fs::rename(&temporary, &path).map_err(|e| Error::io(&path, e))
}

/// Lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A wall-clock time as RFC 3339 UTC, to the second.
pub fn timestamp(time: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc_is_the_published_vector() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
