//! The manifest of a sweep study: provenance, the design, and — while the
//! study is incomplete — the checkpoint from which `--resume` continues.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::data::digest::FileDigest;
use crate::data::manifest::{self, AnyManifest};
use crate::data::summary::PointSummary;
use crate::error::Error;

/// A swept parameter as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterInfo {
    pub path: String,
    pub name: String,
}

/// The design as recorded: what makes two studies the same experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignInfo {
    pub kind: String,
    pub points: u64,
    pub replications: u64,
    pub parameters: Vec<ParameterInfo>,
    /// Morris and Sobol designs: what the sensitivity analysis needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<SensitivityDesign>,
    /// Replicate r of every point ran with the same seed (recorded only
    /// when set, so studies with independent streams read as before).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub common_random_numbers: bool,
}

/// The structure of a Morris or Sobol design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensitivityDesign {
    /// Morris: trajectories r and grid levels p.
    #[serde(default)]
    pub trajectories: u64,
    #[serde(default)]
    pub levels: u32,
    /// Morris: the factor (group) name of each parameter.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Sobol: base samples N, and whether second-order points are included.
    #[serde(default)]
    pub samples: u64,
    #[serde(default)]
    pub second_order: bool,
    /// Morris: the candidates the trajectories were chosen from (0: none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub optimal_trajectories: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Which part of the design a shard covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// 1-based shard number.
    pub index: u64,
    pub count: u64,
    /// Points `first_point..end_point` (0-based, end exclusive).
    pub first_point: u64,
    pub end_point: u64,
}

/// Where an interrupted study stopped: the checksummed prefix of each growing
/// file (runs.csv, rounds.csv, summary.csv) and the point in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub files: Vec<FileDigest>,
    pub partial_point: Option<PointSummary>,
}

impl Checkpoint {
    /// The checkpointed prefix of file `name`.
    pub fn file(&self, name: &str) -> Option<&FileDigest> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// `manifest.json` of a study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyManifest {
    pub tool: String,
    pub version: String,
    pub git_commit: Option<String>,
    pub command: String,
    pub scenario: String,
    pub config_file: String,
    pub config_sha256: String,
    pub design: DesignInfo,
    pub seed: u64,
    pub threads: usize,
    pub shard: Option<ShardInfo>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub wall_time_seconds: f64,
    /// Runs in this study (or shard).
    pub runs_total: u64,
    pub runs_done: u64,
    pub failed_runs: u64,
    /// Runs ending in agreement, unilateral deployment and the status quo.
    pub outcomes: [u64; 3],
    /// Design points with at least one failed run.
    #[serde(default)]
    pub failed_points: Vec<u64>,
    pub complete: bool,
    pub files: Vec<String>,
    /// Length, rows and SHA-256 of every finished file (while the study runs:
    /// of those written once at the start, design.csv and config.toml).
    #[serde(default)]
    pub digests: Vec<FileDigest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Checkpoint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
}

impl StudyManifest {
    /// Reads `dir/manifest.json`, which must be a study's.
    pub fn read(dir: &Path) -> Result<StudyManifest, Error> {
        match AnyManifest::read(dir)? {
            AnyManifest::Study(m) => Ok(*m),
            AnyManifest::Run(_) => Err(Error::Usage(format!(
                "{} holds a single run, not a sweep study",
                dir.display()
            ))),
        }
    }

    /// Writes `dir/manifest.json` atomically.
    pub fn write(&self, dir: &Path) -> Result<(), Error> {
        manifest::write(dir, self)
    }

    /// The manifest's record of file `name`.
    pub fn record(&self, name: &str) -> Option<&FileDigest> {
        self.digests.iter().find(|d| d.name == name)
    }

    /// The source commit this binary was built from, when known.
    pub fn build_commit() -> Option<String> {
        let commit = env!("DETENTE_GIT_COMMIT");
        (!commit.is_empty()).then(|| commit.to_string())
    }
}
