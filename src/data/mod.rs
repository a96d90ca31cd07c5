//! Datasets: CSV writers, manifests, and output directories that appear whole.

pub mod manifest;
pub mod output;
pub mod row;
pub mod runs;
pub mod study;

pub use manifest::{Manifest, sha256_hex, timestamp};
pub use output::Staging;
