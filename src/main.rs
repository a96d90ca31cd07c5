//! The `detente` binary: parse arguments, call the library, map errors to exit codes.
//!
//! Exit status: 0 success, 1 error (bad config, I/O), 2 bad arguments,
//! 3 finished but some runs failed, 130 interrupted (Ctrl-C, SIGTERM, SIGHUP),
//! 101 internal error (a bug). A closed stdout (`detente ... | head`) is not
//! an error: output stops and the command finishes as usual.

use std::fmt::Display;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::anyhow;
use clap::Parser;
use detente::commands::{self, DiscoverOptions, RunOptions, SweepOptions, SweepOutcome};
use detente::commands::{CalibrateOptions, PlotOptions, TournamentOptions, plot};
use detente::engine::{self, interrupt};

mod cli;

use cli::{Cli, Command, DiscoverFormat};

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
        Command::Run(args) => {
            stop_on_signal();
            let mut options = RunOptions::from(args);
            options.threads = capped_threads(options.threads);
            let report = commands::run(&options, &INTERRUPTED, &mut |r| stdout.printer()(r))?;
            Ok(if report.failed > 0 {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Sweep(args) => {
            stop_on_signal();
            let no_plots = args.no_plots;
            let mut options = SweepOptions::from(args);
            options.threads = capped_threads(options.threads);
            match commands::sweep(&options, &INTERRUPTED)? {
                SweepOutcome::DryRun { design, counts } => {
                    stdout.write(&design)?;
                    warn(&counts);
                    Ok(ExitCode::SUCCESS)
                }
                SweepOutcome::Ran(report) => {
                    let mut print = stdout.printer();
                    print(&report).map_err(anyhow::Error::msg)?;
                    if !report.interrupted {
                        commands::finish_study(
                            &report.dir,
                            options.shard,
                            no_plots,
                            &INTERRUPTED,
                            &mut print,
                        )?;
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
        Command::Plot(args) => {
            stop_on_signal();
            let report = plot(&PlotOptions::from(args), &INTERRUPTED)?;
            stdout.print(&report)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sensitivity(args) => {
            stop_on_signal();
            let options = (&args).into();
            commands::sensitivity_and_figures(
                &options,
                !args.no_plots,
                &INTERRUPTED,
                &mut stdout.printer(),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge(args) => {
            stop_on_signal();
            let mut print = stdout.printer();
            commands::merge(&args.dirs, &args.out, args.force, &mut |r| print(r))?;
            commands::finish_study(&args.out, None, args.no_plots, &INTERRUPTED, &mut print)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Analyze(args) => {
            let analysis = commands::analyze(
                &args.config,
                args.format.into(),
                args.seed,
                args.last_offer.into(),
            )?;
            stdout.write(&analysis)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Discover(args) => {
            let format = args.format;
            let report = commands::discover(&DiscoverOptions::from(args))?;
            match format {
                DiscoverFormat::Text => stdout.print(&report)?,
                DiscoverFormat::Json => stdout.write(
                    &(serde_json::to_string_pretty(&report).expect("a report serialises") + "\n"),
                )?,
                DiscoverFormat::Csv => stdout.write(&report.to_csv())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Calibrate(args) => {
            stop_on_signal();
            let mut options = CalibrateOptions::from(args);
            options.threads = capped_threads(options.threads);
            if options.shard.is_some() {
                stdout.print(&commands::calibrate_shard(&options, &INTERRUPTED)?)?;
            } else if !options.join.is_empty() {
                stdout.print(&commands::join_shards(&options)?)?;
            } else {
                stdout.print(&commands::calibrate(&options, &INTERRUPTED)?)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Tournament(args) => {
            stop_on_signal();
            let mut options = TournamentOptions::from(args);
            options.threads = capped_threads(options.threads);
            stdout.print(&commands::tournament(&options, &INTERRUPTED)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => {
            stdout.print(&commands::check(&args.config, &args.sets, args.max_runs)?)?;
            Ok(ExitCode::SUCCESS)
        }
    }
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
fn capped_threads(asked: Option<usize>) -> Option<usize> {
    let limit = engine::thread_limit();
    asked.map(|asked| {
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
    /// [`Stdout::print`] as the library's report callback.
    fn printer(&mut self) -> impl FnMut(&dyn Display) -> Result<(), String> + '_ {
        move |text| self.print(text).map_err(|e| format!("{e:#}"))
    }

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
