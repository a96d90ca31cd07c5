//! Parameter sweeps: designs, the checked plan, per-point summaries.

pub mod design;
pub mod plan;
pub mod sobol_sequence;
pub mod summary;
pub mod trajectories;

pub use design::{Design, Levels};
pub use plan::{DEFAULT_MAX_RUNS, Parameter, SweepPlan};
