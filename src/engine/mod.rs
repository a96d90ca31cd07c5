//! Running many negotiations: seeds and the ordered parallel runner.

pub mod runner;
pub mod seed;

pub use runner::{RunRecord, pool, run_ordered, simulate};
pub use seed::run_seed;
