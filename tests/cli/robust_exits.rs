//! Quiet, clean exits: a closed or full stdout, absurd `--threads`, failed
//! runs, Ctrl-C and SIGTERM during a run or while figures are drawn, and a
//! figure that cannot be written whole. Each test is named after what broke.

use std::fs::File;
use std::process::{Child, Command as Process, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::*;

const SENSITIVITY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/sensitivity.toml");

/// Longest a test waits for the binary to reach a state or to exit.
const PATIENCE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------- helpers

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("detente")
}

/// The binary with no fault injection and no backtraces asked for.
fn process(cwd: &Path, args: &[&str]) -> Process {
    let mut cmd = Process::new(binary());
    cmd.current_dir(cwd)
        .args(args)
        .env_remove("DETENTE_FAIL_RUNS")
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// Waits until `ready` holds, failing the test (and killing `child`) if it
/// does not within [`PATIENCE`] or the child exits first.
fn wait_until(child: &mut Child, what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the binary exited ({status}) before {what}");
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("timed out waiting for {what}");
        }
        sleep(Duration::from_millis(10));
    }
}

/// Waits for `child` to exit, killing it if it takes longer than [`PATIENCE`].
fn finish(mut child: Child) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("the binary did not exit within {PATIENCE:?}");
        }
        sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// Sends `signal` (`INT`, `TERM`) to `child` with kill(1).
fn signal(child: &Child, signal: &str) {
    let sent = Process::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -{signal} {}", child.id());
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(String::from)
        .collect()
}

fn assert_no_panic(output: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{what}: the binary panicked: {stderr}"
    );
}

/// Hidden entries (staging directories, temporary figure files) in `dir`.
fn hidden_entries(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|name| name.starts_with('.'))
        .collect()
}

fn has_finished_figure(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut list| {
        list.any(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            !name.starts_with('.') && name.ends_with(".png")
        })
    })
}

/// A traced run of the baseline in `cwd/name`, whose figures take a while.
fn traced_run(cwd: &Path, name: &str) -> PathBuf {
    let dir = cwd.join(name);
    run_baseline(cwd, &dir, &["-n", "200", "--trace"]);
    dir
}

/// `/dev/full` as a standard output: every write fails with ENOSPC.
fn dev_full() -> Stdio {
    Stdio::from(
        File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full exists"),
    )
}

// ---------------------------------------------------------------- stdout

#[test]
fn closed_stdout_panicked_with_exit_101() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    // The reader goes away before the binary has started writing; the dry
    // run's output is larger than a pipe's buffer besides.
    let cases: [&[&str]; 4] = [
        &["analyze", BASELINE],
        &["check", BASELINE],
        &["sweep", SENSITIVITY, "--dry-run"],
        &["run", BASELINE, "-n", "20", "--out", "quiet-run"],
    ];
    for args in cases {
        let mut child = process(cwd, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader (`| head -0`) has gone
        let output = finish(child);
        let what = args.join(" ");
        assert_no_panic(&output, &what);
        assert_eq!(
            output.status.code(),
            Some(0),
            "`{what} | head` exits quietly; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if args[0] != "sweep" {
            assert!(output.stderr.is_empty(), "`{what}`: nothing on stderr");
        }
    }
    // The run finished its work: a closed stdout only drops the report.
    let runs = read_csv(&cwd.join("quiet-run").join("runs.csv"));
    assert_eq!(runs.rows.len(), 20);
}

#[test]
fn full_stdout_panicked_with_a_backtrace() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let run_dir = traced_run(cwd, "traced");
    let run_dir = run_dir.to_str().unwrap();
    let cases: [&[&str]; 7] = [
        &["analyze", BASELINE],
        &["check", BASELINE],
        &["sweep", BASELINE, "--dry-run"],
        &["run", BASELINE, "-n", "20", "--out", "full-run"],
        &[
            "sweep",
            BASELINE,
            "-n",
            "2",
            "-q",
            "--no-plots",
            "--out",
            "full-sweep",
        ],
        &["plot", run_dir, "--out", "full-plots", "--format", "svg"],
        &["--help"],
    ];
    for args in cases {
        let output = process(cwd, args)
            .env("RUST_BACKTRACE", "1")
            .stdout(dev_full())
            .output()
            .unwrap();
        let line = one_line_error(&output);
        assert!(
            line.contains("writing to standard output") && line.contains("No space left on device"),
            "`{}`: {line}",
            args.join(" ")
        );
    }
    // `run` prints before it moves its directory into place, so it wrote
    // nothing; a sweep's report follows its study, which is whole. Never a
    // staging directory or a half-written run.
    assert_eq!(hidden_entries(cwd), Vec::<String>::new());
    assert!(!cwd.join("full-run").exists(), "run wrote nothing");
    let manifest: serde_json::Value =
        serde_json::from_slice(&read_bytes(&cwd.join("full-sweep/manifest.json"))).unwrap();
    assert_eq!(manifest["complete"], true);
}

// ---------------------------------------------------------------- threads

#[test]
fn hundred_thousand_threads_hung() {
    let work = TempDir::new().unwrap();
    let output = detente()
        .current_dir(work.path())
        .args(["run", BASELINE, "-n", "3", "--threads", "100000"])
        .args(["--out", "many"])
        .timeout(PATIENCE)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "one warning: {lines:?}");
    assert!(
        lines[0].starts_with("detente: warning: --threads 100000 "),
        "{lines:?}"
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let manifest: serde_json::Value =
        serde_json::from_slice(&read_bytes(&work.path().join("many/manifest.json"))).unwrap();
    let used = manifest["threads"].as_u64().unwrap();
    assert_eq!(used, 4 * cores as u64, "capped at 4 per core: {manifest}");
    assert!(lines[0].ends_with(&format!("using {used}")), "{lines:?}");
}

#[test]
fn zero_threads_was_not_an_argument_error() {
    for command in ["run", "sweep"] {
        let work = TempDir::new().unwrap();
        let output = detente()
            .current_dir(work.path())
            .args([command, BASELINE, "-n", "3", "--threads", "0"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "`{command}`: {stderr}");
        assert!(stderr.contains("--threads"), "`{command}`: {stderr}");
        assert_empty_dir(work.path());
    }
}

// ---------------------------------------------------------------- failed runs

#[test]
fn failed_runs_printed_three_panic_lines_or_a_backtrace_each() {
    let work = TempDir::new().unwrap();
    let study = work.path().join("study");
    let output = process(
        work.path(),
        &["sweep", BASELINE, "-n", "10", "-q", "--no-plots"],
    )
    .arg("--out")
    .arg(&study)
    .env("DETENTE_FAIL_RUNS", "3,17")
    .env("RUST_BACKTRACE", "1")
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let mut lines = stderr_lines(&output);
    lines.sort();
    assert_eq!(lines.len(), 2, "one line per failed run: {lines:?}");
    for (line, run) in lines.iter().zip(["17", "3"]) {
        assert!(
            line.starts_with(&format!(
                "detente: run {run} failed: injected failure (DETENTE_FAIL_RUNS) (at src/"
            )),
            "{line}"
        );
    }
    let runs = read_csv(&study.join("runs.csv"));
    for row in runs.rows.iter().filter(|r| r["status"] == "failed") {
        assert!(
            row["message"].starts_with("injected failure (DETENTE_FAIL_RUNS) (at src/"),
            "the message and where the run failed: {}",
            row["message"]
        );
    }
}

#[test]
fn run_ignored_injected_failures() {
    let work = TempDir::new().unwrap();
    let output = process(work.path(), &["run", BASELINE, "-n", "5", "--out", "out"])
        .env("DETENTE_FAIL_RUNS", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "a failed run exits 3");
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("detente: run 1 failed: "), "{lines:?}");
    let runs = read_csv(&work.path().join("out/runs.csv"));
    let failed: Vec<&str> = runs
        .rows
        .iter()
        .filter(|r| r["status"] == "failed")
        .map(|r| r["run_id"].as_str())
        .collect();
    assert_eq!(failed, ["1"]);
}

// ---------------------------------------------------------------- interrupted run

/// Starts a long run into `cwd/out` and waits for its staging directory.
fn start_long_run(cwd: &Path) -> Child {
    let mut child = process(cwd, &["run", BASELINE, "-n", "9000000", "-j", "1"])
        .args(["--out", "out"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(&mut child, "the staging directory exists", || {
        !hidden_entries(cwd).is_empty()
    });
    child
}

/// The run stopped with 130, said so in one line, and left nothing.
fn assert_run_left_nothing(cwd: &Path, output: &Output, how: &str) {
    assert_eq!(
        output.status.code(),
        Some(130),
        "{how}: exit 130; stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_empty_dir(cwd);
    assert!(output.stdout.is_empty(), "{how}: no report");
}

#[test]
fn run_stopped_by_ctrl_c_left_its_staging_directory() {
    for sig in ["INT", "TERM"] {
        let work = TempDir::new().unwrap();
        let child = start_long_run(work.path());
        signal(&child, sig);
        let output = finish(child);
        assert_run_left_nothing(work.path(), &output, sig);
        let lines = stderr_lines(&output);
        assert_eq!(lines.len(), 1, "{sig}: {lines:?}");
        assert!(
            lines[0].starts_with("detente: interrupted after ")
                && lines[0].contains("nothing was written to out"),
            "{sig}: {lines:?}"
        );
    }
}

#[test]
fn run_stopped_by_two_ctrl_c_left_its_staging_directory() {
    let work = TempDir::new().unwrap();
    let child = start_long_run(work.path());
    signal(&child, "INT");
    signal(&child, "INT");
    let output = finish(child);
    assert_run_left_nothing(work.path(), &output, "two Ctrl-C");
}

// ---------------------------------------------------------------- interrupted figures

/// Exit 130, one line saying the figures are incomplete and how to draw
/// them, whole figures only and no index.
fn assert_figures_stopped(output: &Output, figures: &Path, redraw: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "stderr: {stderr}");
    let lines = stderr_lines(output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("incomplete") && lines[0].contains(redraw),
        "says the figures are incomplete and how to draw them: {lines:?}"
    );
    assert!(
        !figures.join("index.html").exists(),
        "no index of incomplete figures"
    );
    assert_eq!(hidden_entries(figures), Vec::<String>::new());
}

#[test]
fn plot_stopped_by_ctrl_c_left_a_half_drawn_figure() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let run = traced_run(cwd, "traced");
    let figures = cwd.join("figures");
    let mut child = process(cwd, &["plot", "traced", "--out", "figures"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(&mut child, "a figure is drawn", || {
        has_finished_figure(&figures)
    });
    signal(&child, "INT");
    let output = finish(child);
    assert_figures_stopped(&output, &figures, "`detente plot traced --out figures`");
    assert!(run.join("manifest.json").exists(), "the run is untouched");
}

#[test]
fn ctrl_c_while_a_sweep_draws_figures_was_ignored_once() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let figures = cwd.join("plots").join("study");
    let mut child = process(cwd, &["sweep", BASELINE, "-n", "5", "-q", "--out", "study"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(&mut child, "a figure is drawn", || {
        has_finished_figure(&figures)
    });
    signal(&child, "INT");
    let output = finish(child);
    assert_figures_stopped(&output, &figures, "`detente plot study`");
    // The study itself is whole.
    let manifest: serde_json::Value =
        serde_json::from_slice(&read_bytes(&cwd.join("study/manifest.json"))).unwrap();
    assert_eq!(manifest["complete"], true, "{manifest}");
}

// ---------------------------------------------------------------- figure files

/// `detente plot` with files limited to 8 KB (`ulimit -f 16`, in 512-byte
/// blocks), so every figure write fails part-way as on a full disk.
fn plot_with_small_disk(cwd: &Path, dir: &str, out: &str) -> Output {
    Process::new("sh")
        .current_dir(cwd)
        .arg("-c")
        // Writes past the limit then fail with EFBIG instead of killing the
        // process with SIGXFSZ.
        .arg(r#"trap '' XFSZ; ulimit -f 16; exec "$0" plot "$1" --out "$2""#)
        .arg(binary())
        .args([dir, out])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

#[test]
fn figure_cut_short_by_a_full_disk_was_left_truncated() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    traced_run(cwd, "traced");
    let output = plot_with_small_disk(cwd, "traced", "figures");
    let line = one_line_error(&output);
    assert!(line.contains(".png"), "names the figure: {line}");
    assert_empty_dir(&cwd.join("figures"));
}
