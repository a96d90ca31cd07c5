//! Command-line arguments (clap types only).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Agent-based model of the 2007 US–Russia missile-defence negotiation.
#[derive(Debug, Parser)]
#[command(name = "detente", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run Monte Carlo replicates of a scenario and write runs.csv.
    Run {
        /// Scenario config (TOML).
        config: PathBuf,
        /// Replicates to run (default: scenario.replications).
        #[arg(long, short = 'n')]
        replications: Option<u64>,
        /// Master seed (default: scenario.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores). Output does not depend on it.
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        /// Output directory (default: runs/<scenario>-run).
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Also write rounds.csv with every offer.
        #[arg(long)]
        trace: bool,
        /// Replace an existing output directory.
        #[arg(long)]
        force: bool,
        /// Rerun the one run whose `seed` column in runs.csv is SEED
        /// (default output: runs/<scenario>-replay-<SEED>).
        #[arg(long, value_name = "SEED")]
        replay: Option<u64>,
    },
    /// Validate a config and summarise the scenario without running it.
    Check {
        /// Scenario config (TOML).
        config: PathBuf,
    },
}
