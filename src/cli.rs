//! Command-line arguments: the binary's clap types, converted into the
//! library's option structs with `From`. Ranges are checked here, so a bad
//! argument exits with status 2 and clap's message.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use detente::commands::{
    AnalysisFormat, DiscoverOptions, RunOptions, SensitivityOptions, SweepOptions,
};
use detente::commands::{CalibrateOptions, PlotOptions, TournamentOptions};
use detente::config::Setting;
use detente::discover::cases::{By, Interest};
use detente::discover::{Objective, Settings};
use detente::plot::Format;
use detente::sweep::{DEFAULT_MAX_RUNS, Shard};
use detente::theory::Side;

/// Agent-based model of the 2007 US–Russia missile-defence negotiation.
#[derive(Debug, Parser)]
#[command(name = "detente", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Options `run` and `sweep` share.
#[derive(Debug, Args)]
pub struct Common {
    /// Scenario config (TOML); `sweep` reads its [sweep] table.
    pub config: PathBuf,
    /// Replicates: per run (default: scenario.replications) or per design
    /// point (default: sweep.replications, else scenario.replications).
    #[arg(long, short = 'n', value_parser = clap::value_parser!(u64).range(1..))]
    pub replications: Option<u64>,
    /// Master seed (default: scenario.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores; at most 4 per core). Output does
    /// not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u64).range(1..))]
    pub threads: Option<u64>,
    /// Output directory (default: runs/<scenario>-run for run; runs/<scenario>,
    /// or runs/<scenario>-shard-K-of-N, for sweep).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Replace an existing output directory or study.
    #[arg(long)]
    pub force: bool,
    /// Override one config value, e.g. --set agents.russia.reservation=0.6
    /// (repeat for several; bare words are strings).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<Setting>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run Monte Carlo replicates of a scenario and write runs.csv.
    #[command(
        mut_arg("config", |a| a.help("Scenario config (TOML)")),
        mut_arg("replications", |a| a.help("Replicates (default: scenario.replications)")),
        mut_arg("out", |a| a.help("Output directory (default: runs/<scenario>-run)")),
        mut_arg("force", |a| a.help("Replace an existing output directory that detente wrote"))
    )]
    Run(RunArgs),
    /// Run every design point of the config's [sweep] table.
    #[command(
        mut_arg("config", |a| a.help("Study config (TOML) with a [sweep] table")),
        mut_arg("replications", |a| a.help(
            "Replicates per design point (default: sweep.replications, else scenario.replications)"
        )),
        mut_arg("out", |a| a.help(
            "Study directory (default: runs/<scenario>, or runs/<scenario>-shard-K-of-N with --shard)"
        )),
        mut_arg("force", |a| a.help("Replace an existing study that detente wrote"))
    )]
    Sweep(SweepArgs),
    /// Draw the figures of a sweep study or a run from its datasets.
    Plot(PlotArgs),
    /// Morris or Sobol sensitivity indices of a morris or sobol sweep study.
    Sensitivity(SensitivityArgs),
    /// Join the shards of one sweep into the study an unsharded sweep writes.
    Merge(MergeArgs),
    /// Theory on the scenario's package space: frontier, disagreement point,
    /// Nash, Kalai–Smorodinsky and utilitarian solutions, subgame-perfect equilibrium.
    Analyze(AnalyzeArgs),
    /// Validate a config (and its [sweep] table) and summarise the scenario
    /// without running it.
    Check(CheckArgs),
    /// Scenario discovery: PRIM boxes of the conditions that lead to an
    /// outcome, from a study's runs or design points.
    Discover(DiscoverArgs),
    /// Calibrate a scenario's parameters against observed patterns (ABC-SMC
    /// or rejection) from the config's [calibration] table.
    Calibrate(CalibrateArgs),
    /// A strategy tournament from the config's [tournament] table: every
    /// proposer entry against every opponent entry, ranked.
    Tournament(TournamentArgs),
}

#[derive(Debug, Args)]
pub struct TournamentArgs {
    /// Tournament config (TOML) with a [tournament] table.
    pub config: PathBuf,
    /// Runs per pairing and scenario (default: tournament.replicates, else
    /// scenario.replications).
    #[arg(long, short = 'n', value_parser = clap::value_parser!(u64).range(1..))]
    pub replications: Option<u64>,
    /// Master seed (default: scenario.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads; results do not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u64).range(1..))]
    pub threads: Option<u64>,
    /// Output directory (default: runs/<scenario>-tournament).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Replace a tournament directory detente wrote.
    #[arg(long)]
    pub force: bool,
    /// Finish an interrupted tournament.
    #[arg(long)]
    pub resume: bool,
    /// Do not draw the figures.
    #[arg(long)]
    pub no_plots: bool,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Calibration config (TOML) with a [calibration] table.
    pub config: PathBuf,
    /// Master seed (default: scenario.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores; at most 4 per core). Results do
    /// not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u64).range(1..))]
    pub threads: Option<u64>,
    /// Output directory (default: runs/<scenario>-calibration).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Continue an interrupted calibration from its last finished generation.
    #[arg(long)]
    pub resume: bool,
    /// Replace an existing calibration directory detente wrote.
    #[arg(long)]
    pub force: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Override one config value (repeatable), as for run and sweep.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<Setting>,
    /// Run only shard K of N of the next generation of the calibration in
    /// --from (into --out, default FROM-shard-K-of-N).
    #[arg(long, value_name = "K/N", requires = "from", conflicts_with_all = ["resume", "join"])]
    pub shard: Option<Shard>,
    /// Do not draw the figures.
    #[arg(long)]
    pub no_plots: bool,
    /// The calibration directory whose next generation --shard runs.
    #[arg(long, value_name = "DIR", requires = "shard")]
    pub from: Option<PathBuf>,
    /// Join these shard directories into the next generation of the
    /// calibration in --out (finishing it when it stops).
    #[arg(long, value_name = "SHARD", num_args = 1.., conflicts_with = "resume")]
    pub join: Vec<PathBuf>,
}

/// What `discover` prints on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiscoverFormat {
    Text,
    Json,
    Csv,
}

/// Cases by run or by design point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Runs,
    Points,
}

/// PRIM's objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    Lenient1,
    Original,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("interest").required(true).args(["outcome", "output"])))]
pub struct DiscoverArgs {
    /// Study or run directory.
    pub dir: PathBuf,
    /// Cases of interest: runs ending in this outcome (agreement, unilateral,
    /// status_quo); by points, points where it is the most frequent outcome.
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: Option<String>,
    /// Cases of interest: a numeric column of runs.csv (summary.csv by
    /// points) above or below a value (--above X or --below X).
    #[arg(long, value_name = "COLUMN", requires = "side")]
    pub output: Option<String>,
    /// With --output: cases where it is above X.
    #[arg(long, value_name = "X", group = "side", allow_negative_numbers = true)]
    pub above: Option<f64>,
    /// With --output: cases where it is below X.
    #[arg(long, value_name = "X", group = "side", allow_negative_numbers = true)]
    pub below: Option<f64>,
    /// Cases: runs (design parameters and drawn conditions) or design points.
    #[arg(long, value_enum, default_value = "runs")]
    pub by: ByArg,
    /// Share of a box's cases peeled at each step, in (0, 0.5).
    #[arg(long, default_value_t = 0.05, value_parser = open_unit(0.0, 0.5, false))]
    pub alpha: f64,
    /// Smallest share of all cases a box may keep, in (0, 1).
    #[arg(long, default_value_t = 0.05, value_parser = open_unit(0.0, 1.0, false))]
    pub min_mass: f64,
    /// Density the chosen box should reach, in (0, 1].
    #[arg(long, default_value_t = 0.8, value_parser = open_unit(0.0, 1.0, true))]
    pub threshold: f64,
    /// How peels are scored.
    #[arg(long, value_enum, default_value = "lenient1")]
    pub objective: ObjectiveArg,
    /// Boxes to find, each among the cases the earlier ones leave out.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=20))]
    pub boxes: u64,
    /// Output directory (default: discovery/<name of DIR>).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Replace an existing output directory that detente wrote.
    #[arg(long)]
    pub force: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiscoverFormat,
    /// Search the finished runs of an interrupted study.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Do not draw the figures.
    #[arg(long)]
    pub no_plots: bool,
}

/// A float parser for the interval (low, high), or (low, high] if `closed`.
fn open_unit(low: f64, high: f64, closed: bool) -> impl Fn(&str) -> Result<f64, String> + Clone {
    move |text: &str| {
        let x: f64 = text.parse().map_err(|e| format!("not a number ({e})"))?;
        let inside = x > low && (x < high || (closed && x == high));
        if inside {
            Ok(x)
        } else {
            let end = if closed { "]" } else { ")" };
            Err(format!("must be in ({low}, {high}{end}"))
        }
    }
}

impl From<DiscoverArgs> for DiscoverOptions {
    fn from(args: DiscoverArgs) -> DiscoverOptions {
        let interest = match (args.outcome, args.output) {
            (Some(outcome), _) => Interest::Outcome(outcome),
            (None, column) => Interest::Output {
                column: column.unwrap_or_default(),
                above: args.above.is_some(),
                value: args.above.or(args.below).unwrap_or_default(),
            },
        };
        DiscoverOptions {
            dir: args.dir,
            interest,
            by: match args.by {
                ByArg::Runs => By::Runs,
                ByArg::Points => By::Points,
            },
            settings: Settings {
                alpha: args.alpha,
                min_mass: args.min_mass,
                threshold: args.threshold,
                objective: match args.objective {
                    ObjectiveArg::Lenient1 => Objective::Lenient1,
                    ObjectiveArg::Original => Objective::Original,
                },
                max_boxes: args.boxes as usize,
            },
            out: args.out,
            force: args.force,
            allow_incomplete: args.allow_incomplete,
            plots: !args.no_plots,
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: Common,
    /// Also write rounds.csv with every offer.
    #[arg(long)]
    pub trace: bool,
    /// Rerun the one run whose `seed` column in runs.csv is SEED
    /// (default output: runs/<scenario>-replay-<SEED>).
    #[arg(long, value_name = "SEED")]
    pub replay: Option<u64>,
    /// With --replay: the run is of design point K of the config's sweep
    /// (the `point_id` column of a study's runs.csv).
    #[arg(long, value_name = "K", requires = "replay")]
    pub point: Option<u64>,
    /// Refuse more replications than this.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_RUNS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_runs: u64,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub common: Common,
    /// Print the design table to stdout and the counts to stderr; run nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run only shard K of N (contiguous design points), e.g. 2/8.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Finish an interrupted study in the output directory.
    #[arg(long)]
    pub resume: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Do not draw the figures (they can be drawn later with `detente plot`).
    #[arg(long)]
    pub no_plots: bool,
    /// Refuse designs with more runs than this.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_RUNS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_runs: u64,
}

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Study or run directory (with manifest.json, config.toml and the CSV files).
    pub dir: PathBuf,
    /// Figure directory (default: plots/<name of DIR>).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Image formats to write.
    #[arg(long, value_name = "png|svg|both", default_value = "both")]
    pub format: Format,
    /// summary.csv column for the heatmap (default: agreement_rate).
    #[arg(long, value_name = "COLUMN")]
    pub metric: Option<String>,
    /// Draw the finished runs of an interrupted study (every figure says so)
    /// instead of refusing it.
    #[arg(long)]
    pub allow_incomplete: bool,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Study directory.
    pub dir: PathBuf,
    /// summary.csv column to analyse; repeat for several (default:
    /// agreement_rate and every mean_utility_<agent>).
    #[arg(long = "output", value_name = "COLUMN")]
    pub outputs: Vec<String>,
    /// Drop trajectories or base samples with failed runs or missing
    /// outputs (counted in the output) instead of stopping.
    #[arg(long)]
    pub drop_missing: bool,
    /// Replace an existing sensitivity.csv.
    #[arg(long)]
    pub force: bool,
    /// Do not redraw the study's figures afterwards.
    #[arg(long)]
    pub no_plots: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard study directories, in any order.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Directory of the merged study.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Replace an existing output directory.
    #[arg(long)]
    pub force: bool,
    /// Do not draw the merged study's figures (`detente plot` draws them later).
    #[arg(long)]
    pub no_plots: bool,
}

/// Output format of `detente analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Json,
    Csv,
    Text,
}

/// Who makes the last offer in `detente analyze`'s equilibrium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LastOfferArg {
    /// The opponent, as in the protocol: two offer periods per round.
    Opponent,
    /// The proposer: one offer period fewer.
    Proposer,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Scenario config (TOML).
    pub config: PathBuf,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value = "json")]
    pub format: FormatArg,
    /// Analyse the environment drawn from this run seed instead of the expected one.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Who makes the last offer in the equilibrium's game: the opponent (as
    /// in the protocol, two offer periods a round) or the proposer (one
    /// period fewer).
    #[arg(long, value_enum, default_value = "opponent")]
    pub last_offer: LastOfferArg,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario config (TOML).
    pub config: PathBuf,
    /// Override one config value, as for run and sweep.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<Setting>,
    /// Refuse sweep designs with more runs than this.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_RUNS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_runs: u64,
}

/// Thread counts beyond `usize` are capped later with the others.
fn threads(asked: Option<u64>) -> Option<usize> {
    asked.map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

impl From<RunArgs> for RunOptions {
    fn from(args: RunArgs) -> RunOptions {
        let c = args.common;
        RunOptions {
            threads: threads(c.threads),
            config: c.config,
            replications: c.replications,
            seed: c.seed,
            out: c.out,
            trace: args.trace,
            force: c.force,
            replay: args.replay,
            point: args.point,
            max_runs: args.max_runs,
            sets: c.sets,
        }
    }
}

impl From<SweepArgs> for SweepOptions {
    fn from(args: SweepArgs) -> SweepOptions {
        let c = args.common;
        SweepOptions {
            threads: threads(c.threads),
            config: c.config,
            replications: c.replications,
            seed: c.seed,
            out: c.out,
            dry_run: args.dry_run,
            shard: args.shard,
            resume: args.resume,
            force: c.force,
            quiet: args.quiet,
            max_runs: Some(args.max_runs),
            sets: c.sets,
        }
    }
}

impl From<CalibrateArgs> for CalibrateOptions {
    fn from(args: CalibrateArgs) -> CalibrateOptions {
        CalibrateOptions {
            config: args.config,
            seed: args.seed,
            threads: threads(args.threads),
            out: args.out,
            resume: args.resume,
            force: args.force,
            quiet: args.quiet,
            sets: args.sets,
            plots: !args.no_plots,
            shard: args.shard,
            from: args.from,
            join: args.join,
        }
    }
}

impl From<TournamentArgs> for TournamentOptions {
    fn from(args: TournamentArgs) -> TournamentOptions {
        TournamentOptions {
            config: args.config,
            replications: args.replications,
            seed: args.seed,
            threads: threads(args.threads),
            out: args.out,
            force: args.force,
            resume: args.resume,
            plots: !args.no_plots,
        }
    }
}

impl From<PlotArgs> for PlotOptions {
    fn from(args: PlotArgs) -> PlotOptions {
        PlotOptions {
            dir: args.dir,
            out: args.out,
            format: args.format,
            metric: args.metric,
            allow_incomplete: args.allow_incomplete,
        }
    }
}

impl From<&SensitivityArgs> for SensitivityOptions {
    fn from(args: &SensitivityArgs) -> SensitivityOptions {
        SensitivityOptions {
            dir: args.dir.clone(),
            outputs: args.outputs.clone(),
            drop_missing: args.drop_missing,
            force: args.force,
        }
    }
}

impl From<FormatArg> for AnalysisFormat {
    fn from(format: FormatArg) -> AnalysisFormat {
        match format {
            FormatArg::Json => AnalysisFormat::Json,
            FormatArg::Csv => AnalysisFormat::Csv,
            FormatArg::Text => AnalysisFormat::Text,
        }
    }
}

impl From<LastOfferArg> for Side {
    fn from(last_offer: LastOfferArg) -> Side {
        match last_offer {
            LastOfferArg::Opponent => Side::Opponent,
            LastOfferArg::Proposer => Side::Proposer,
        }
    }
}
