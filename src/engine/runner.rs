//! The ordered parallel runner: work is done in chunks on a fixed-size thread
//! pool and handed to one writer in index order, so memory is bounded by the
//! chunk size and output bytes do not depend on the number of threads.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rayon::prelude::*;

use crate::model::{Model, OfferRecord, RunResult, Scratch};

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

/// Runs jobs `indices` in parallel chunks and passes each chunk, in order, to `write`.
/// Stops at the first error from `write`.
pub fn run_ordered<E>(
    pool: &rayon::ThreadPool,
    indices: std::ops::Range<u64>,
    job: impl Fn(u64, &mut Scratch) -> RunRecord + Sync,
    mut write: impl FnMut(Vec<RunRecord>) -> Result<(), E>,
) -> Result<(), E> {
    let mut start = indices.start;
    while start < indices.end {
        let end = (start + CHUNK).min(indices.end);
        let chunk: Vec<RunRecord> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map_init(Scratch::default, |scratch, i| job(i, scratch))
                .collect()
        });
        write(chunk)?;
        start = end;
    }
    Ok(())
}

/// Simulates one run, turning a panic into a recorded failure.
pub fn simulate(
    model: &Model,
    index: u64,
    seed: u64,
    scratch: &mut Scratch,
    trace: bool,
) -> RunRecord {
    let mut offers = Vec::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        model.simulate(seed, scratch, trace.then_some(&mut offers))
    }))
    .map_err(|panic| {
        // Leave no half-updated buffers behind for the next run on this thread.
        *scratch = Scratch::default();
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
