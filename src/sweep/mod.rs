//! Parameter sweeps: designs, the checked plan, per-point summaries.

pub mod design;
pub mod plan;
pub mod summary;

pub use design::{Design, Levels};
pub use plan::{DEFAULT_MAX_RUNS, Parameter, SweepPlan};
