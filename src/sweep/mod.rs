//! Parameter sweeps: designs, the checked plan, the workers that run it.

pub mod design;
pub mod plan;
pub mod progress;
pub mod shard;
pub mod sobol_sequence;
pub mod trajectories;
pub mod worker;

/// Per-point summaries belong to the datasets; kept here under their old path.
pub use crate::data::summary;

pub use design::{Design, Levels};
pub use plan::{DEFAULT_MAX_RUNS, Parameter, SweepPlan};
pub use shard::Shard;
