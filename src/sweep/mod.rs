//! Parameter sweeps: designs, the checked plan, per-point summaries.

pub mod design;
pub mod plan;
pub mod shard;
pub mod sobol_sequence;
pub mod summary;
pub mod trajectories;
pub mod worker;

pub use design::{Design, Levels};
pub use plan::{DEFAULT_MAX_RUNS, Parameter, SweepPlan};
pub use shard::Shard;
