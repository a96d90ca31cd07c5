//! Benchmark of `detente plot` on baseline studies of 10,008 and 1,000,008
//! runs: the time to draw every figure, and the peak heap while drawing
//! (printed once per study size), which must not grow with the study.
//!
//! `cargo bench --bench plot`

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use detente::commands::{PlotOptions, SweepOptions, SweepOutcome, plot, sweep};
use detente::plot::Format;

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only
// counters are updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout is passed on as given.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc` and `dealloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    divan::main();
}

/// A baseline study (24 design points) with `replications` runs each.
fn study(root: &Path, replications: u64) -> PathBuf {
    let dir = root.join("study");
    let options = SweepOptions {
        config: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/configs/baseline.toml"
        )),
        replications: Some(replications),
        out: Some(dir.clone()),
        force: true,
        quiet: true,
        ..SweepOptions::default()
    };
    match sweep(&options, &AtomicBool::new(false)).expect("the baseline sweep runs") {
        SweepOutcome::Ran(report) => assert_eq!(report.runs_done, 24 * replications),
        SweepOutcome::DryRun { .. } => unreachable!("not a dry run"),
    }
    dir
}

/// Every figure of the study, as PNG: 417 and 41,667 replications make
/// 10,008 and 1,000,008 runs.
#[divan::bench(args = [417, 41_667], sample_count = 3)]
fn plot_baseline_study(bencher: divan::Bencher, replications: u64) {
    let root = tempfile::tempdir().expect("a temporary directory");
    let options = PlotOptions {
        dir: study(root.path(), replications),
        out: Some(root.path().join("figures")),
        format: Format::Png,
        metric: None,
        allow_incomplete: false,
    };
    let never = AtomicBool::new(false);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    plot(&options, &never).expect("the study plots");
    let peak = PEAK.load(Ordering::Relaxed) - before;
    eprintln!(
        "plot of {} runs: peak heap {:.1} MB",
        24 * replications,
        peak as f64 / 1e6
    );
    bencher.bench_local(|| divan::black_box(plot(&options, &never).expect("the study plots")));
}
