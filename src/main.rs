//! The `detente` binary: parse arguments, call the library, map errors to exit codes.
//!
//! Exit status: 0 success, 1 error (bad config, I/O), 2 bad arguments,
//! 3 finished but some runs failed.

use std::process::ExitCode;

use clap::Parser;
use detente::cli::{Cli, Command};
use detente::commands::{self, RunOptions};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("detente: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run {
            config,
            replications,
            seed,
            threads,
            out,
            trace,
            force,
            replay,
        } => {
            let report = commands::run(&RunOptions {
                config,
                replications,
                seed,
                threads,
                out,
                trace,
                force,
                replay,
            })?;
            println!("{report}");
            Ok(if report.failed > 0 {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check { config } => {
            println!("{}", commands::check(&config)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
