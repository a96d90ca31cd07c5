//! Running many negotiations: seeds, the ordered parallel runner, and
//! stopping cleanly when interrupted.

pub mod interrupt;
pub mod runner;
pub mod seed;

pub use runner::{
    FAIL_RUNS_VARIABLE, RunRecord, guarded, install_panic_hook, pool, run_ordered, thread_limit,
};
pub use seed::run_seed;
