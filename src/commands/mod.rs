//! The subcommands, as library functions the binary calls.

pub mod analyze;
pub mod check;
pub mod merge;
pub mod run;
pub mod sweep;

pub use analyze::{AnalysisFormat, LastOffer, analyze};
pub use check::check;
pub use merge::{MergeReport, merge};
pub use run::{RunOptions, RunReport, run};
pub use sweep::{SweepOptions, SweepOutcome, SweepReport, sweep};
