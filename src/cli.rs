//! Command-line arguments (clap types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands::{AnalysisFormat, LastOffer};
use crate::plot::Format;
use crate::sweep::Shard;

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
    #[arg(long, short = 'n')]
    pub replications: Option<u64>,
    /// Master seed (default: scenario.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores; at most 4 per core). Output does
    /// not depend on it.
    #[arg(long, short = 'j', value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Output directory (default: runs/<scenario>-run for run; runs/<scenario>,
    /// or runs/<scenario>-shard-K-of-N, for sweep).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Replace an existing output directory or study.
    #[arg(long)]
    pub force: bool,
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
    Run {
        #[command(flatten)]
        common: Common,
        /// Also write rounds.csv with every offer.
        #[arg(long)]
        trace: bool,
        /// Rerun the one run whose `seed` column in runs.csv is SEED
        /// (default output: runs/<scenario>-replay-<SEED>).
        #[arg(long, value_name = "SEED")]
        replay: Option<u64>,
        /// Refuse more replications than this.
        #[arg(long, value_name = "N", default_value_t = crate::sweep::DEFAULT_MAX_RUNS)]
        max_runs: u64,
    },
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
    Sweep {
        #[command(flatten)]
        common: Common,
        /// Print the design table to stdout and the counts to stderr; run nothing.
        #[arg(long)]
        dry_run: bool,
        /// Run only shard K of N (contiguous design points), e.g. 2/8.
        #[arg(long, value_name = "K/N")]
        shard: Option<Shard>,
        /// Finish an interrupted study in the output directory.
        #[arg(long)]
        resume: bool,
        /// No progress bar.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Do not draw the figures (they can be drawn later with `detente plot`).
        #[arg(long)]
        no_plots: bool,
        /// Refuse designs with more runs than this.
        #[arg(long, value_name = "N", default_value_t = crate::sweep::DEFAULT_MAX_RUNS)]
        max_runs: u64,
    },
    /// Draw the figures of a sweep study or a run from its datasets.
    Plot {
        /// Study or run directory (with manifest.json, config.toml and the CSV files).
        dir: PathBuf,
        /// Figure directory (default: plots/<name of DIR>).
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Image formats to write.
        #[arg(long, value_name = "png|svg|both", default_value = "both")]
        format: Format,
        /// summary.csv column for the heatmap (default: agreement_rate).
        #[arg(long, value_name = "COLUMN")]
        metric: Option<String>,
        /// Draw the finished runs of an interrupted study (every figure says so)
        /// instead of refusing it.
        #[arg(long)]
        allow_incomplete: bool,
    },
    /// Morris or Sobol sensitivity indices of a morris or sobol sweep study.
    Sensitivity {
        /// Study directory.
        dir: PathBuf,
        /// summary.csv column to analyse; repeat for several (default:
        /// agreement_rate and every mean_utility_<agent>).
        #[arg(long = "output", value_name = "COLUMN")]
        outputs: Vec<String>,
        /// Drop trajectories or base samples with failed runs or missing
        /// outputs (counted in the output) instead of stopping.
        #[arg(long)]
        drop_missing: bool,
        /// Replace an existing sensitivity.csv.
        #[arg(long)]
        force: bool,
        /// Do not redraw the study's figures afterwards.
        #[arg(long)]
        no_plots: bool,
    },
    /// Join the shards of one sweep into the study an unsharded sweep writes.
    Merge {
        /// Shard study directories, in any order.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Directory of the merged study.
        #[arg(long, short = 'o')]
        out: PathBuf,
        /// Replace an existing output directory.
        #[arg(long)]
        force: bool,
        /// Do not draw the merged study's figures (`detente plot` draws them later).
        #[arg(long)]
        no_plots: bool,
    },
    /// Theory on the scenario's package space: frontier, disagreement point,
    /// Nash, Kalai–Smorodinsky and utilitarian solutions, subgame-perfect equilibrium.
    Analyze {
        /// Scenario config (TOML).
        config: PathBuf,
        /// Output format on stdout.
        #[arg(long, value_enum, default_value = "json")]
        format: AnalysisFormat,
        /// Analyse the environment drawn from this run seed instead of the expected one.
        #[arg(long)]
        seed: Option<u64>,
        /// Who makes the last offer in the equilibrium's game: the opponent
        /// (as in the protocol, two offer periods a round) or the proposer
        /// (one period fewer).
        #[arg(long, value_enum, default_value = "opponent")]
        last_offer: LastOffer,
    },
    /// Validate a config and summarise the scenario without running it.
    Check {
        /// Scenario config (TOML).
        config: PathBuf,
    },
}

/// `--threads`: a whole number, at least 1.
fn parse_threads(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("at least one thread is needed".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("not a number of threads ({e})")),
    }
}
