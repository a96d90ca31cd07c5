//! Running many negotiations: seeds and the ordered parallel runner.

pub mod runner;
pub mod seed;

pub use runner::{RunRecord, guarded, pool, run_ordered};
pub use seed::run_seed;
