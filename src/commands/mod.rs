//! The subcommands, as library functions the binary calls.

pub mod check;
pub mod run;

pub use check::check;
pub use run::{RunOptions, RunReport, run};
