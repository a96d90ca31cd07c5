//! The `detente` binary: parse arguments, call the library, map errors to exit codes.
//!
//! Exit status: 0 success, 1 error (bad config, I/O), 2 bad arguments,
//! 3 finished but some runs failed, 130 interrupted (Ctrl-C, SIGTERM, SIGHUP),
//! 101 internal error (a bug). A closed stdout (`detente ... | head`) is not
//! an error: output stops and the command finishes as usual.

use std::fmt::Display;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::anyhow;
use clap::Parser;
use detente::cli::{Cli, Command, Common};
use detente::commands::{self, RunOptions, SweepOptions, SweepOutcome};
use detente::engine::{self, interrupt};
use detente::plot::{self, Format, PlotOptions};
use detente::sensitivity::{self, SensitivityOptions};

/// Set by the first Ctrl-C (or SIGTERM); long commands stop at the next checkpoint.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    engine::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version go to stdout, which may be full too.
            if let Err(io) = e.print()
                && !e.use_stderr()
                && io.kind() != io::ErrorKind::BrokenPipe
            {
                warn(&format!("detente: writing to standard output: {io}"));
                return ExitCode::from(1);
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let mut stdout = Stdout::default();
    match dispatch(cli.command, &mut stdout) {
        Ok(code) => code,
        Err(err) => {
            warn(&format!("detente: {err:#}"));
            match err.downcast_ref::<detente::Error>() {
                Some(detente::Error::Interrupted(_)) => {
                    ExitCode::from(interrupt::INTERRUPTED_STATUS)
                }
                _ => ExitCode::from(1),
            }
        }
    }
}

fn dispatch(command: Command, stdout: &mut Stdout) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run {
            common,
            trace,
            replay,
            max_runs,
        } => {
            stop_on_signal();
            let report = commands::run(
                &RunOptions {
                    threads: capped_threads(&common),
                    config: common.config,
                    replications: common.replications,
                    seed: common.seed,
                    out: common.out,
                    trace,
                    force: common.force,
                    replay,
                    max_runs,
                },
                &INTERRUPTED,
                &mut |report| stdout.print(report).map_err(|e| e.to_string()),
            )?;
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
            stop_on_signal();
            let options = SweepOptions {
                threads: capped_threads(&common),
                config: common.config,
                replications: common.replications,
                seed: common.seed,
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
                    stdout.write(&design)?;
                    warn(&counts);
                    Ok(ExitCode::SUCCESS)
                }
                SweepOutcome::Ran(report) => {
                    stdout.print(&report)?;
                    match shard {
                        _ if report.interrupted => {}
                        Some(shard) => stdout.print(&format_args!(
                            "shard {}/{}: sensitivity indices and figures come with `detente merge` of all shards",
                            shard.index, shard.count
                        ))?,
                        None => finish_study(&report.dir, no_plots, stdout)?,
                    }
                    Ok(if report.interrupted {
                        ExitCode::from(interrupt::INTERRUPTED_STATUS)
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
            stop_on_signal();
            let options = PlotOptions {
                dir,
                out,
                format,
                metric,
                allow_incomplete,
            };
            stdout.print(&plot::plot(&options, &INTERRUPTED)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sensitivity {
            dir,
            outputs,
            drop_missing,
            force,
            no_plots,
        } => {
            let report = sensitivity::sensitivity(&SensitivityOptions {
                dir: dir.clone(),
                outputs,
                drop_missing,
                force,
            })?;
            stdout.print(&report)?;
            if !no_plots {
                // The figures follow the new indices; the old ones go.
                stop_on_signal();
                let options = PlotOptions {
                    out: None,
                    dir,
                    format: Format::Both,
                    metric: None,
                    allow_incomplete: false,
                };
                stdout.print(&plot::plot(&options, &INTERRUPTED)?)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge {
            dirs,
            out,
            force,
            no_plots,
        } => {
            commands::merge(&dirs, &out, force, &mut |report| {
                stdout.print(report).map_err(|e| e.to_string())
            })?;
            finish_study(&out, no_plots, stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Analyze {
            config,
            format,
            seed,
            last_offer,
        } => {
            let analysis = commands::analyze(&config, format, seed, last_offer)?;
            stdout.write(&analysis)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { config } => {
            stdout.print(&commands::check(&config)?)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What follows a complete study (a sweep, or merged shards): the
/// sensitivity indices of a Morris or Sobol design, then the figures.
fn finish_study(dir: &Path, no_plots: bool, stdout: &mut Stdout) -> anyhow::Result<()> {
    if sensitivity::has_sensitivity_design(dir) {
        match sensitivity::sensitivity(&SensitivityOptions {
            dir: dir.to_path_buf(),
            ..SensitivityOptions::default()
        }) {
            Ok(s) => stdout.print(&s)?,
            Err(e) => warn(&format!("detente: no sensitivity indices: {e:#}")),
        }
    }
    if !no_plots {
        stop_on_signal();
        let options = PlotOptions {
            out: None,
            dir: dir.to_path_buf(),
            format: Format::Both,
            metric: None,
            allow_incomplete: false,
        };
        stdout.print(&plot::plot(&options, &INTERRUPTED)?)?;
    }
    Ok(())
}

/// Ctrl-C, SIGTERM and SIGHUP stop long commands at their next checkpoint.
fn stop_on_signal() {
    if let Err(e) = interrupt::stop_on_signal(&INTERRUPTED) {
        warn(&format!(
            "detente: warning: Ctrl-C will stop at once, without cleaning up ({e})"
        ));
    }
}

/// `--threads`, at most [`engine::thread_limit`]: more threads only cost
/// memory, and hundreds of thousands never start.
fn capped_threads(common: &Common) -> Option<usize> {
    let limit = engine::thread_limit();
    common.threads.map(|asked| {
        if asked > limit {
            warn(&format!(
                "detente: warning: --threads {asked} is more than {} per available core; using {limit}",
                engine::runner::THREADS_PER_CORE
            ));
        }
        asked.min(limit)
    })
}

/// A line on stderr; if stderr itself cannot be written there is nowhere to complain.
fn warn(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Standard output, where a reader that went away (`| head`) is not an error:
/// later output is dropped and the command finishes its work. Any other write
/// error (a full disk, `> /dev/full`) is.
#[derive(Default)]
struct Stdout {
    closed: bool,
}

impl Stdout {
    /// Writes `text` and a newline.
    fn print(&mut self, text: &dyn Display) -> anyhow::Result<()> {
        self.write(&format!("{text}\n"))
    }

    /// Writes `text` as it is, and flushes.
    fn write(&mut self, text: &str) -> anyhow::Result<()> {
        if self.closed {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(anyhow!("writing to standard output: {e}")),
        }
    }
}
