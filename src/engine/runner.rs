//! The ordered parallel runner: work is done in chunks on a fixed-size thread
//! pool and handed to one writer in index order, so memory is bounded by the
//! chunk size and output bytes do not depend on the number of threads.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::panic::{AssertUnwindSafe, PanicHookInfo, catch_unwind};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::error::Error;
use crate::model::{OfferRecord, RunResult};

/// Runs per chunk: large enough to keep threads busy, small enough to bound memory.
pub const CHUNK: u64 = 4096;

/// One finished run, ready to be written.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// Position in the sweep or run (0-based, global).
    pub index: u64,
    pub seed: u64,
    /// The result, or the message of the panic that stopped the run.
    pub result: Result<RunResult, String>,
    /// Offers, when tracing.
    pub trace: Vec<OfferRecord>,
}

/// Most worker threads per available core: more only cost memory and
/// scheduling (hundreds of thousands of threads do not even start).
pub const THREADS_PER_CORE: usize = 4;

/// The most worker threads worth starting on this machine.
pub fn thread_limit() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.saturating_mul(THREADS_PER_CORE)
}

/// A rayon pool with exactly `threads` workers, or an error if the system
/// cannot start them.
pub fn pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|error| Error::Threads { threads, error })
}

/// Runs `job` for every index in parallel chunks, each worker with its own
/// state from `init`, and passes each chunk's results, in index order, to
/// `write`. Stops early when `write` returns `Ok(false)` or an error.
///
/// With more than one worker, `write` runs on its own thread while the pool
/// computes the next chunk, so writing overlaps with computing and at most two
/// chunks are in memory. With one worker everything runs on one thread, so
/// `--threads 1` means one core.
pub fn run_ordered<S, T: Send, E: Send>(
    pool: &rayon::ThreadPool,
    indices: std::ops::Range<u64>,
    init: impl Fn() -> S + Sync + Send,
    job: impl Fn(u64, &mut S) -> T + Sync + Send,
    mut write: impl FnMut(Vec<T>) -> Result<bool, E> + Send,
) -> Result<(), E> {
    let compute = |start: u64, end: u64| -> Vec<T> {
        pool.install(|| {
            (start..end)
                .into_par_iter()
                .map_init(&init, |state, i| job(i, state))
                .collect()
        })
    };
    if pool.current_num_threads() == 1 {
        let mut start = indices.start;
        while start < indices.end {
            let end = (start + CHUNK).min(indices.end);
            if !write(compute(start, end))? {
                break;
            }
            start = end;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<T>>(1);
        let writer = scope.spawn(move || {
            for chunk in receiver {
                if !write(chunk)? {
                    break;
                }
            }
            Ok(())
        });
        let mut start = indices.start;
        while start < indices.end {
            let end = (start + CHUNK).min(indices.end);
            if sender.send(compute(start, end)).is_err() {
                break; // the writer has stopped
            }
            start = end;
        }
        drop(sender);
        writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Environment variable listing run ids (comma-separated) that fail on
/// purpose, to test how failures are recorded and reported.
pub const FAIL_RUNS_VARIABLE: &str = "DETENTE_FAIL_RUNS";

/// Run ids to fail on purpose, read once from [`FAIL_RUNS_VARIABLE`].
fn injected_failures() -> &'static [u64] {
    static RUNS: OnceLock<Vec<u64>> = OnceLock::new();
    RUNS.get_or_init(|| {
        std::env::var(FAIL_RUNS_VARIABLE)
            .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
            .unwrap_or_default()
    })
}

thread_local! {
    /// The run this thread is running inside [`guarded`], if any: a panic
    /// there is a recorded failure, not a crash.
    static GUARDED_RUN: Cell<Option<u64>> = const { Cell::new(None) };
    /// What the panic hook saw of the last panic in a guarded run.
    static GUARDED_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Failed runs whose message goes to stderr; later ones are only recorded.
const FAILURES_PRINTED: u64 = 20;

/// Replaces the default panic output (three lines, or a backtrace, per panic).
///
/// In a [`guarded`] run, a panic is one line on stderr (`detente: run 3
/// failed: ...`, for the first [`FAILURES_PRINTED`] failures) and its whole
/// message with its place goes to the run's record. Anywhere else it is a bug:
/// one line, `detente: internal error: ... (at file:line)`, followed by a
/// backtrace only when `RUST_BACKTRACE` asks for one; the process then exits
/// with status 101 as usual.
pub fn install_panic_hook() {
    static PRINTED: AtomicU64 = AtomicU64::new(0);
    std::panic::set_hook(Box::new(|info| {
        let message = panic_message(info);
        let mut stderr = std::io::stderr().lock();
        // Nothing here may panic, so write errors are ignored.
        if let Some(run) = GUARDED_RUN.get() {
            match PRINTED.fetch_add(1, Ordering::Relaxed) {
                n if n < FAILURES_PRINTED => {
                    let _ = writeln!(stderr, "detente: run {run} failed: {message}");
                }
                FAILURES_PRINTED => {
                    let _ = writeln!(
                        stderr,
                        "detente: more runs failed; their messages are in the message column of runs.csv"
                    );
                }
                _ => {}
            }
            GUARDED_PANIC.set(Some(message));
            return;
        }
        let _ = writeln!(stderr, "detente: internal error: {message}");
        let backtrace = std::backtrace::Backtrace::capture();
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            let _ = writeln!(stderr, "{backtrace}");
        }
    }));
}

/// A panic's message on one line, with where it happened.
fn panic_message(info: &PanicHookInfo<'_>) -> String {
    let text = payload_text(info.payload());
    let text = one_line(&text);
    match info.location() {
        Some(at) => format!("{text} (at {}:{})", at.file(), at.line()),
        None => text,
    }
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "run panicked".to_string())
}

/// Multi-line messages (`assert_eq!`'s) joined into one line.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs `simulate`, turning a panic into a recorded failure. `simulate` gets
/// the buffer for the run's offers. With [`install_panic_hook`], the failure's
/// message says where the panic happened; runs listed in
/// [`FAIL_RUNS_VARIABLE`] fail on purpose.
pub fn guarded(
    index: u64,
    seed: u64,
    simulate: impl FnOnce(&mut Vec<OfferRecord>) -> RunResult,
) -> RunRecord {
    let mut offers = Vec::new();
    let previous = GUARDED_RUN.replace(Some(index));
    let result = catch_unwind(AssertUnwindSafe(|| {
        if injected_failures().contains(&index) {
            panic!("injected failure ({FAIL_RUNS_VARIABLE})");
        }
        simulate(&mut offers)
    }));
    GUARDED_RUN.set(previous);
    let result = result.map_err(|panic| {
        GUARDED_PANIC
            .take()
            .unwrap_or_else(|| one_line(&payload_text(&*panic)))
    });
    RunRecord {
        index,
        seed,
        result,
        trace: offers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_pool_that_cannot_start_is_an_error_naming_the_threads() {
        let error = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .spawn_handler(|_| Err(std::io::Error::other("no more threads")))
            .build()
            .expect_err("no thread can start");
        let err = Error::Threads { threads: 3, error };
        assert_eq!(
            err.to_string(),
            "cannot start 3 worker threads: no more threads"
        );
    }

    #[test]
    fn multi_line_panic_messages_become_one_line() {
        assert_eq!(
            one_line("assertion `left == right` failed\n  left: 1\n right: 2\n"),
            "assertion `left == right` failed; left: 1; right: 2"
        );
    }

    /// Set in the child process of the panic hook test.
    const HOOK_CHILD: &str = "DETENTE_PANIC_HOOK_TEST_CHILD";

    /// The panic hook is process-wide, so it is installed in a child process
    /// (this test binary, running only this test) rather than here.
    #[test]
    fn panics_are_one_line_in_and_out_of_guarded_runs() {
        if std::env::var_os(HOOK_CHILD).is_some() {
            install_panic_hook();
            let record = guarded(7, 1, |_| panic!("model broke\nsecond line"));
            let message = record.result.expect_err("the run panicked");
            println!("recorded: {message}");
            panic!("not in a run");
        }
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "engine::runner::tests::panics_are_one_line_in_and_out_of_guarded_runs",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(HOOK_CHILD, "1")
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let here = file!();
        assert!(
            stdout.contains(&format!("recorded: model broke; second line (at {here}:")),
            "the record holds the whole message and its place: {stdout}"
        );
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 2, "one line per panic: {stderr}");
        assert!(
            lines[0].starts_with(&format!(
                "detente: run 7 failed: model broke; second line (at {here}:"
            )),
            "{stderr}"
        );
        assert!(
            lines[1].starts_with(&format!(
                "detente: internal error: not in a run (at {here}:"
            )),
            "{stderr}"
        );
    }
}
