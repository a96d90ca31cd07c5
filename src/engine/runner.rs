//! The ordered parallel runner: work is done in chunks on a fixed-size thread
//! pool and handed to one writer in index order, so memory is bounded by the
//! chunk size and output bytes do not depend on the number of threads.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rayon::prelude::*;

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

/// A rayon pool with exactly `threads` workers.
pub fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .expect("building a thread pool only fails if threads cannot be spawned")
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

/// Runs `simulate`, turning a panic into a recorded failure. `simulate` gets
/// the buffer for the run's offers.
pub fn guarded(
    index: u64,
    seed: u64,
    simulate: impl FnOnce(&mut Vec<OfferRecord>) -> RunResult,
) -> RunRecord {
    let mut offers = Vec::new();
    let result = catch_unwind(AssertUnwindSafe(|| simulate(&mut offers))).map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "run panicked".to_string())
    });
    RunRecord {
        index,
        seed,
        result,
        trace: offers,
    }
}
