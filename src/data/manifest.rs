//! `manifest.json`: what produced a dataset, so it can be checked and redone.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::data::digest::FileDigest;

/// Provenance of a dataset directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
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
