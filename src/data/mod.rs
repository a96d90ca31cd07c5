//! Datasets: CSV writers, manifests, and output directories that appear whole.

pub mod csv_file;
pub mod digest;
pub mod lock;
pub mod manifest;
pub mod output;
pub mod row;
pub mod runs;
pub mod schema;
pub mod study;
pub mod study_dir;
pub mod summary;
pub mod table;
pub mod verified;

pub use csv_file::CsvFile;
pub use digest::{DigestWriter, FileDigest};
pub use lock::StudyLock;
pub use manifest::{
    AnyManifest, DiscoveryManifest, RunManifest, StudyManifest, sha256_hex, timestamp,
};
pub use output::Staging;
pub use verified::{Progress, Verified};
