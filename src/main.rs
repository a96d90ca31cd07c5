//! The `detente` binary: parse arguments, call the library, map errors to exit codes.
//!
//! Exit status: 0 success, 1 error (bad config, I/O), 2 bad arguments,
//! 3 finished but some runs failed, 130 interrupted (the study can be resumed).

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use detente::cli::{Cli, Command};
use detente::commands::{self, RunOptions, SweepOptions, SweepOutcome};
use detente::plot::{self, Format, PlotOptions};
use detente::sensitivity::{self, SensitivityOptions};

/// Set by Ctrl-C; long commands stop at the next checkpoint.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

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
            common,
            trace,
            replay,
            max_runs,
        } => {
            let report = commands::run(&RunOptions {
                config: common.config,
                replications: common.replications,
                seed: common.seed,
                threads: common.threads,
                out: common.out,
                trace,
                force: common.force,
                replay,
                max_runs,
            })?;
            println!("{report}");
            Ok(if report.failed > 0 {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Sweep {
            common,
            dry_run,
            shard,
            resume,
            quiet,
            no_plots,
            max_runs,
        } => {
            // A second Ctrl-C while stopping falls back to the default: exit now.
            let _ = ctrlc::set_handler(|| {
                if INTERRUPTED.swap(true, Ordering::SeqCst) {
                    std::process::exit(130);
                }
            });
            let options = SweepOptions {
                config: common.config,
                replications: common.replications,
                seed: common.seed,
                threads: common.threads,
                out: common.out,
                dry_run,
                shard,
                resume,
                force: common.force,
                quiet,
                max_runs: Some(max_runs),
            };
            match commands::sweep(&options, &INTERRUPTED)? {
                SweepOutcome::DryRun { design, counts } => {
                    print!("{design}");
                    eprintln!("{counts}");
                    Ok(ExitCode::SUCCESS)
                }
                SweepOutcome::Ran(report) => {
                    println!("{report}");
                    if !report.interrupted && sensitivity::has_sensitivity_design(&report.dir) {
                        match sensitivity::sensitivity(&SensitivityOptions {
                            dir: report.dir.clone(),
                            ..SensitivityOptions::default()
                        }) {
                            Ok(s) => println!("{s}"),
                            Err(e) => eprintln!("detente: no sensitivity indices: {e:#}"),
                        }
                    }
                    if !report.interrupted && !no_plots {
                        let figures = plot::plot(&PlotOptions {
                            out: None,
                            dir: report.dir.clone(),
                            format: Format::Both,
                            metric: None,
                            allow_incomplete: false,
                        })?;
                        println!("{figures}");
                    }
                    Ok(if report.interrupted {
                        ExitCode::from(130)
                    } else if report.failed > 0 {
                        ExitCode::from(3)
                    } else {
                        ExitCode::SUCCESS
                    })
                }
            }
        }
        Command::Plot {
            dir,
            out,
            format,
            metric,
            allow_incomplete,
        } => {
            let report = plot::plot(&PlotOptions {
                dir,
                out,
                format,
                metric,
                allow_incomplete,
            })?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Sensitivity {
            dir,
            outputs,
            drop_missing,
        } => {
            let report = sensitivity::sensitivity(&SensitivityOptions {
                dir: dir.clone(),
                outputs,
                drop_missing,
            })?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge { dirs, out, force } => {
            let report = commands::merge(&dirs, &out, force)?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Analyze {
            config,
            format,
            seed,
        } => {
            print!("{}", commands::analyze(&config, format, seed)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { config } => {
            println!("{}", commands::check(&config)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
