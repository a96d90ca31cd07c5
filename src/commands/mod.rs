//! The subcommands, as library functions the binary calls.

pub mod analyze;
pub mod calibrate;
pub mod check;
pub mod discover;
pub mod finish;
pub mod merge;
pub mod plot;
pub mod run;
pub mod sensitivity;
pub mod sweep;
pub mod tournament;

pub use crate::discover::report::DiscoveryReport;
pub use analyze::{AnalysisFormat, analyze};
pub use calibrate::{
    CalibrateOptions, CalibrationReport, JoinReport, ShardReport, calibrate, calibrate_shard,
    join_shards,
};
pub use check::check;
pub use discover::{DiscoverOptions, discover};
pub use finish::{Print, finish_study, sensitivity_and_figures};
pub use merge::{MergeReport, merge};
pub use plot::{PlotOptions, PlotReport, default_plot_dir, plot};
pub use run::{RunOptions, RunReport, run};
pub use sensitivity::{SensitivityOptions, has_sensitivity_design, sensitivity};
pub use sweep::{SweepOptions, SweepOutcome, SweepReport, sweep};
pub use tournament::{TournamentOptions, TournamentReport, tournament};
