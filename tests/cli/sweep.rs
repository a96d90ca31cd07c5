//! End-to-end tests of `detente sweep` and `detente merge`: design expansion,
//! thread- and shard-independent bytes, resuming after SIGKILL and Ctrl-C,
//! overwrite protection, recorded failures, bad sweep input, the columns of
//! the datasets, and configs that `extends` another.

use std::process::{Child, Command as Process, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::*;

/// The fault-injection variable of `detente sweep`.
const FAIL_RUNS: &str = "DETENTE_FAIL_RUNS";

/// The US-strategy study, which `extends` the baseline.
const US_STRATEGY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/us_strategy.toml");

/// Points of the baseline's own sweep: 12 oil prices x 2 START linkages.
const BASELINE_POINTS: usize = 24;

/// The datasets of a study, which must not depend on threads, shards or
/// interruptions.
const DATASETS: [&str; 4] = ["design.csv", "runs.csv", "rounds.csv", "summary.csv"];

// ---------------------------------------------------------------- helpers

/// `detente sweep CONFIG --quiet ARGS...` from `cwd`, without fault injection.
fn sweep(cwd: &Path, config: &Path, args: &[&str]) -> Command {
    let mut cmd = detente();
    cmd.current_dir(cwd)
        .env_remove(FAIL_RUNS)
        .arg("sweep")
        .arg(config)
        .arg("--quiet")
        .args(args);
    cmd
}

/// Runs `detente sweep CONFIG --out OUT ARGS...` and asserts exit status 0.
fn sweep_ok(cwd: &Path, config: &Path, out: &Path, args: &[&str]) -> Output {
    sweep(cwd, config, args)
        .arg("--out")
        .arg(out)
        .assert()
        .code(0)
        .get_output()
        .clone()
}

/// `detente merge DIRS... --out OUT`.
fn merge(cwd: &Path, dirs: &[&Path], out: &Path) -> Command {
    let mut cmd = detente();
    cmd.current_dir(cwd)
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(out);
    cmd
}

/// The design table and the count line of `sweep --dry-run`, run from an
/// empty directory that must still be empty afterwards.
fn dry_run(config: &Path, args: &[&str]) -> (Table, String) {
    let work = TempDir::new().unwrap();
    let output = sweep(work.path(), config, &["--dry-run"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(0),
        "--dry-run should succeed; stderr: {stderr}"
    );
    assert_empty_dir(work.path());
    (parse_csv(&output.stdout), stderr)
}

fn parse_csv(bytes: &[u8]) -> Table {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed CSV row");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    Table { header, rows }
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&read_bytes(&dir.join("manifest.json")))
        .unwrap_or_else(|e| panic!("{}/manifest.json is not JSON: {e}", dir.display()))
}

/// Writes `dir/NAME.toml`: the baseline, through `extends` by absolute path,
/// followed by `body` (typically a `[sweep]` table, which replaces the
/// baseline's whole).
fn extending_config(dir: &Path, name: &str, body: &str) -> PathBuf {
    assert!(
        !BASELINE.contains('\''),
        "the baseline path needs no quoting"
    );
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, format!("extends = '{BASELINE}'\n\n{body}")).unwrap();
    path
}

/// A sweep config over the given `[[sweep.parameters]]` tables.
fn sweep_config(dir: &Path, name: &str, design: &str, parameters: &[&str]) -> PathBuf {
    let mut body = format!("[sweep]\n{design}\n");
    for parameter in parameters {
        body.push_str(&format!("\n[[sweep.parameters]]\n{parameter}\n"));
    }
    extending_config(dir, name, &body)
}

/// The 1-based line of the only occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    assert_eq!(text.matches(needle).count(), 1, "`{needle}` occurs once");
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

/// Asserts that the files of two studies are byte-identical.
fn assert_same_files(a: &Path, b: &Path, files: &[&str], what: &str) {
    for file in files {
        assert!(
            read_bytes(&a.join(file)) == read_bytes(&b.join(file)),
            "{what}: {file} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Starts `detente sweep BASELINE ARGS... --out OUT` in the background and
/// waits until its manifest records a checkpoint with some runs done (and
/// the study still incomplete).
fn start_and_wait_for_checkpoint(cwd: &Path, out: &Path, args: &[&str]) -> Child {
    start_and_wait_for_checkpoint_with(cwd, out, args, &[])
}

/// [`start_and_wait_for_checkpoint`] with environment variables set.
fn start_and_wait_for_checkpoint_with(
    cwd: &Path,
    out: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Child {
    let mut child = Process::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(cwd)
        .env_remove(FAIL_RUNS)
        .envs(env.iter().copied())
        .args(["sweep", BASELINE, "--quiet", "--out"])
        .arg(out)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("detente starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the sweep ended ({status}) before it could be interrupted; give it more runs");
        }
        // The manifest is replaced atomically, so a read sees a whole one.
        let done = fs::read(out.join("manifest.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .filter(|m| m["runs_done"].as_u64().unwrap_or(0) > 0);
        if let Some(m) = done {
            assert_eq!(m["complete"], false, "the study finished too soon: {m}");
            return child;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("no checkpoint in {} within 120 s", out.display());
        }
        sleep(Duration::from_millis(5));
    }
}

/// Asserts that `dir` holds an interrupted study with a checkpoint, and
/// returns (runs_done, runs_total).
fn assert_incomplete(dir: &Path) -> (u64, u64) {
    let m = manifest(dir);
    assert_eq!(m["complete"], false, "an interrupted study: {m}");
    assert!(
        m["checkpoint"].is_object(),
        "an interrupted study has a checkpoint: {m}"
    );
    let done = m["runs_done"].as_u64().unwrap();
    let total = m["runs_total"].as_u64().unwrap();
    assert!(0 < done && done < total, "{done} of {total} runs done");
    (done, total)
}

fn assert_complete(dir: &Path, runs: u64) {
    let m = manifest(dir);
    assert_eq!(m["complete"], true, "{m}");
    assert_eq!(m["runs_total"], runs, "{m}");
    assert_eq!(m["runs_done"], runs, "{m}");
    assert!(
        m.get("checkpoint").is_none_or(|c| c.is_null()),
        "a complete study keeps no checkpoint: {m}"
    );
}

/// Settings of the interrupted sweeps: 24 points x 1,000 replications =
/// 24,000 runs, several checkpoints long, which checkpoint mid-point.
const RESUME_RUNS: u64 = 24_000;

// ---------------------------------------------------------------- design expansion

#[test]
fn dry_run_prints_the_design_and_the_counts_and_writes_nothing() {
    let work = TempDir::new().unwrap();
    let output = sweep(work.path(), Path::new(BASELINE), &["--dry-run", "-n", "20"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_empty_dir(work.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("24 points x 20 replications = 480 runs"),
        "count line on stderr: {stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("point_id,oil_price,start_linkage\n"),
        "design.csv header on stdout: {stdout}"
    );
    assert!(
        !stdout.contains("points x"),
        "the count line goes to stderr only"
    );

    let design = parse_csv(&output.stdout);
    assert_eq!(design.rows.len(), BASELINE_POINTS);
    for (i, row) in design.rows.iter().enumerate() {
        assert_eq!(row["point_id"], i.to_string());
        // 12 prices from 40 to 150, the first parameter varying slowest.
        let price: f64 = row["oil_price"].parse().unwrap();
        let expected = 40.0 + 10.0 * (i / 2) as f64;
        assert!(
            (price - expected).abs() < 1e-9,
            "point {i}: oil_price {price}, expected {expected}"
        );
        let linkage = ["linked", "separate"][i % 2];
        assert_eq!(row["start_linkage"], linkage, "point {i}");
    }

    // Nor is an explicit --out created.
    let out = work.path().join("study");
    sweep(work.path(), Path::new(BASELINE), &["--dry-run", "-n", "20"])
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    assert!(!out.exists(), "--dry-run created {}", out.display());
    assert_empty_dir(work.path());
}

#[test]
fn grid_has_one_point_per_combination_of_levels() {
    let dir = TempDir::new().unwrap();
    let config = sweep_config(
        dir.path(),
        "grid",
        "design = \"grid\"",
        &[
            "path = \"agents.russia.reservation\"\nname = \"russia_reservation\"\nvalues = [0.5, 0.55, 0.6]",
            "path = \"protocol.start_linkage\"\nname = \"linkage\"\nvalues = [\"linked\", \"separate\"]",
            "path = \"agents.germany.pressure\"\nname = \"pressure\"\nfrom = 0.0\nto = 0.4\nsteps = 5",
        ],
    );
    let (design, counts) = dry_run(&config, &["-n", "5"]);
    assert!(
        counts.contains("30 points x 5 replications = 150 runs"),
        "3 x 2 x 5 levels: {counts}"
    );
    assert_eq!(
        design.header,
        ["point_id", "russia_reservation", "linkage", "pressure"]
    );
    assert_eq!(design.rows.len(), 3 * 2 * 5);
    let levels: [&[&str]; 3] = [
        &["0.5", "0.55", "0.6"],
        &["linked", "separate"],
        &["0", "0.1", "0.2", "0.3", "0.4"],
    ];
    let mut seen = HashSet::new();
    for (i, row) in design.rows.iter().enumerate() {
        assert_eq!(row["point_id"], i.to_string());
        let point: Vec<&str> = ["russia_reservation", "linkage", "pressure"]
            .iter()
            .map(|c| row[*c].as_str())
            .collect();
        for (value, list) in point.iter().zip(levels) {
            assert!(list.contains(value), "point {i}: `{value}` not in {list:?}");
        }
        assert!(seen.insert(point.clone()), "point {i} repeats {point:?}");
    }
    // The first parameter varies slowest, the last fastest.
    assert_eq!(design.rows[0]["pressure"], "0");
    assert_eq!(design.rows[1]["pressure"], "0.1");
    assert_eq!(design.rows[5]["linkage"], "separate");
    assert_eq!(design.rows[10]["russia_reservation"], "0.55");
}

#[test]
fn zip_advances_the_lists_together() {
    let dir = TempDir::new().unwrap();
    let config = sweep_config(
        dir.path(),
        "zip",
        "design = \"zip\"",
        &[
            "path = \"environment.oil_price.initial\"\nname = \"oil\"\nvalues = [40.0, 70.0, 100.0, 130.0]",
            "path = \"agents.russia.reservation\"\nname = \"r\"\nvalues = [0.5, 0.55, 0.6, 0.65]",
        ],
    );
    let (design, counts) = dry_run(&config, &["-n", "5"]);
    assert!(
        counts.contains("4 points x 5 replications = 20 runs"),
        "a zip design has as many points as each list: {counts}"
    );
    let points: Vec<(String, String, String)> = design
        .rows
        .iter()
        .map(|r| (r["point_id"].clone(), r["oil"].clone(), r["r"].clone()))
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("0", "40", "0.5"),
        ("1", "70", "0.55"),
        ("2", "100", "0.6"),
        ("3", "130", "0.65"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(points, expected);
}

#[test]
fn zip_with_unequal_lists_is_refused_naming_the_lengths() {
    let dir = TempDir::new().unwrap();
    let config = sweep_config(
        dir.path(),
        "zip",
        "design = \"zip\"",
        &[
            "path = \"environment.oil_price.initial\"\nname = \"oil\"\nvalues = [40.0, 70.0, 100.0]",
            "path = \"agents.russia.reservation\"\nname = \"r\"\nvalues = [0.5, 0.6]",
        ],
    );
    for args in [&["--dry-run"][..], &[]] {
        let work = TempDir::new().unwrap();
        let output = sweep(work.path(), &config, args).output().unwrap();
        let line = one_line_error(&output);
        for needle in ["zip", "oil has 3", "r has 2"] {
            assert!(line.contains(needle), "expected `{needle}` in: {line}");
        }
        assert_empty_dir(work.path());
    }
}

#[test]
fn lhs_uses_every_stratum_once_per_parameter() {
    let dir = TempDir::new().unwrap();
    let config = sweep_config(
        dir.path(),
        "lhs",
        "design = \"lhs\"\npoints = 10",
        &[
            "path = \"environment.oil_price.initial\"\nname = \"oil\"\nfrom = 40.0\nto = 150.0",
            "path = \"agents.us.strategy.beta\"\nname = \"beta\"\nfrom = 0.1\nto = 10.0\nscale = \"log\"",
        ],
    );
    let (design, counts) = dry_run(&config, &["-n", "5"]);
    assert!(
        counts.contains("10 points x 5 replications = 50 runs"),
        "{counts}"
    );
    assert_eq!(design.header, ["point_id", "oil", "beta"]);
    assert_eq!(design.rows.len(), 10);
    for (column, from, to, log) in [("oil", 40.0f64, 150.0f64, false), ("beta", 0.1, 10.0, true)] {
        let mut hits = [0; 10];
        for row in &design.rows {
            let x: f64 = row[column].parse().unwrap();
            assert!(
                (from..=to).contains(&x),
                "{column} = {x} outside {from}..{to}"
            );
            let u = if log {
                (x.ln() - from.ln()) / (to.ln() - from.ln())
            } else {
                (x - from) / (to - from)
            };
            hits[((u * 10.0) as usize).min(9)] += 1;
        }
        assert_eq!(
            hits, [1; 10],
            "{column}: points per stratum (of 10 equal strata)"
        );
    }
    // Reproducible from the seed.
    let (again, _) = dry_run(&config, &["-n", "5"]);
    assert_eq!(
        again.rows, design.rows,
        "the same seed gives the same design"
    );
}

// ---------------------------------------------------------------- reproducibility

#[test]
fn sweep_bytes_do_not_depend_on_threads() {
    let work = TempDir::new().unwrap();
    let one = work.path().join("one");
    let two = work.path().join("two");
    // 4,800 runs: more than one chunk of work.
    sweep_ok(
        work.path(),
        Path::new(BASELINE),
        &one,
        &["-n", "200", "--threads", "1"],
    );
    sweep_ok(
        work.path(),
        Path::new(BASELINE),
        &two,
        &["-n", "200", "--threads", "2"],
    );
    assert_same_files(&one, &two, &DATASETS, "--threads 1 vs --threads 2");
}

// ---------------------------------------------------------------- shards and merge

/// Runs shard `k/n` of a sweep of `config` with 20 replications into `out`.
fn shard(cwd: &Path, config: &Path, k_of_n: &str, out: &Path) -> PathBuf {
    sweep_ok(cwd, config, out, &["-n", "20", "--shard", k_of_n]);
    out.to_path_buf()
}

#[test]
fn merged_shards_equal_the_unsharded_study_byte_for_byte() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let whole = cwd.join("whole");
    sweep_ok(cwd, Path::new(BASELINE), &whole, &["-n", "20"]);
    let runs = (BASELINE_POINTS * 20) as u64;
    assert_complete(&whole, runs);
    let whole_manifest = manifest(&whole);

    // Two shards in their default directories, given to merge out of order.
    for k in ["1/2", "2/2"] {
        sweep(cwd, Path::new(BASELINE), &["-n", "20", "--shard", k])
            .assert()
            .code(0);
    }
    let default = |k: u32, n: u32| cwd.join(format!("runs/baseline-shard-{k}-of-{n}"));
    let halves = [default(1, 2), default(2, 2)];
    assert_eq!(manifest(&halves[0])["shard"]["first_point"], 0);
    assert_eq!(manifest(&halves[0])["shard"]["end_point"], 12);
    assert_eq!(manifest(&halves[1])["shard"]["first_point"], 12);
    assert_eq!(manifest(&halves[1])["shard"]["end_point"], 24);
    assert_complete(&halves[1], runs / 2);

    // Three shards of 8 points each, given as 3, 1, 2.
    let thirds: Vec<PathBuf> = (1..=3)
        .map(|k| {
            shard(
                cwd,
                Path::new(BASELINE),
                &format!("{k}/3"),
                &cwd.join(format!("third-{k}")),
            )
        })
        .collect();
    assert_complete(&thirds[0], 160);

    for (name, parts) in [
        ("merged-2", vec![&halves[1], &halves[0]]),
        ("merged-3", vec![&thirds[2], &thirds[0], &thirds[1]]),
    ] {
        let out = cwd.join(name);
        let dirs: Vec<&Path> = parts.iter().map(|p| p.as_path()).collect();
        let output = merge(cwd, &dirs, &out)
            .assert()
            .code(0)
            .get_output()
            .clone();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains(&format!("{runs} runs")),
            "{name}: merge reports the runs: {stdout}"
        );
        assert_same_files(
            &whole,
            &out,
            &[&DATASETS[..], &["config.toml"]].concat(),
            name,
        );
        assert_complete(&out, runs);
        let m = manifest(&out);
        assert!(m["shard"].is_null(), "{name}: a merged study is whole: {m}");
        assert_eq!(m["outcomes"], whole_manifest["outcomes"], "{name}");
        assert_eq!(m["failed_runs"], 0, "{name}");
        assert_eq!(m["config_sha256"], whole_manifest["config_sha256"]);
        assert_eq!(m["design"], whole_manifest["design"], "{name}");
    }
}

/// Asserts that `merge DIRS --out OUT` fails with one line containing every
/// one of `needles`, and creates no output.
fn assert_merge_refused(cwd: &Path, dirs: &[&Path], needles: &[&str]) {
    let out = cwd.join("merged");
    let output = merge(cwd, dirs, &out).output().unwrap();
    let line = one_line_error(&output);
    for needle in needles {
        assert!(line.contains(needle), "expected `{needle}` in: {line}");
    }
    assert!(
        !out.exists(),
        "a refused merge created {}: {line}",
        out.display()
    );
}

#[test]
fn merge_refuses_shards_of_different_configs() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    // The same baseline but for one number.
    let other = cwd.join("other.toml");
    fs::write(
        &other,
        baseline_text().replacen("reservation = 0.47", "reservation = 0.48", 1),
    )
    .unwrap();
    assert_ne!(read_bytes(&other), read_bytes(Path::new(BASELINE)));
    let first = shard(cwd, Path::new(BASELINE), "1/2", &cwd.join("first"));
    let second = shard(cwd, &other, "2/2", &cwd.join("second"));
    assert_merge_refused(
        cwd,
        &[&first, &second],
        &[
            "different configs",
            &first.display().to_string(),
            &second.display().to_string(),
        ],
    );
}

#[test]
fn merge_refuses_overlapping_shards() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let one = shard(cwd, Path::new(BASELINE), "1/2", &cwd.join("one"));
    let again = shard(cwd, Path::new(BASELINE), "1/2", &cwd.join("again"));
    let two = shard(cwd, Path::new(BASELINE), "2/2", &cwd.join("two"));
    assert_merge_refused(cwd, &[&one, &two, &again], &["overlapping", "1/2"]);
    // The same directory twice overlaps too.
    assert_merge_refused(cwd, &[&one, &two, &one], &["overlapping", "1/2"]);
}

#[test]
fn merge_refuses_missing_shards() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let one = shard(cwd, Path::new(BASELINE), "1/3", &cwd.join("one"));
    let three = shard(cwd, Path::new(BASELINE), "3/3", &cwd.join("three"));
    assert_merge_refused(cwd, &[&three, &one], &["missing", "2/3"]);
    assert_merge_refused(cwd, &[&one], &["missing", "2/3", "3/3"]);
}

#[test]
fn merge_refuses_an_incomplete_shard() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let one = shard(cwd, Path::new(BASELINE), "1/2", &cwd.join("one"));
    let two = shard(cwd, Path::new(BASELINE), "2/2", &cwd.join("two"));
    // What an interrupted shard's manifest says.
    let mut m = manifest(&two);
    m["complete"] = false.into();
    m["runs_done"] = 100.into();
    m["finished_at"] = serde_json::Value::Null;
    fs::write(
        two.join("manifest.json"),
        serde_json::to_string_pretty(&m).unwrap(),
    )
    .unwrap();
    assert_merge_refused(
        cwd,
        &[&one, &two],
        &["incomplete", &two.display().to_string(), "--resume"],
    );
}

// ---------------------------------------------------------------- resume

#[test]
fn sweep_killed_with_sigkill_resumes_to_identical_bytes() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let study = cwd.join("study");
    // One thread, so that the sweep is slow enough to be caught mid-way.
    let mut child =
        start_and_wait_for_checkpoint(cwd, &study, &["-n", "1000", "--seed", "5", "-j", "1"]);
    child.kill().expect("SIGKILL is delivered");
    let status = child.wait().unwrap();
    assert!(!status.success(), "a killed sweep does not succeed");
    let (done, total) = assert_incomplete(&study);
    assert_eq!(total, RESUME_RUNS);
    eprintln!("killed after {done} of {total} runs");

    // Without --resume the study is left alone.
    let manifest_before = read_bytes(&study.join("manifest.json"));
    let runs_before = read_bytes(&study.join("runs.csv"));
    let output = sweep(cwd, Path::new(BASELINE), &["-n", "1000", "--seed", "5"])
        .arg("--out")
        .arg(&study)
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(
        line.contains("--resume"),
        "message mentions --resume: {line}"
    );
    assert!(line.contains("incomplete"), "says why: {line}");
    assert!(read_bytes(&study.join("manifest.json")) == manifest_before);
    assert!(read_bytes(&study.join("runs.csv")) == runs_before);

    // Nor does --resume continue it with another seed.
    let output = sweep(
        cwd,
        Path::new(BASELINE),
        &["-n", "1000", "--seed", "6", "--resume"],
    )
    .arg("--out")
    .arg(&study)
    .output()
    .unwrap();
    let line = one_line_error(&output);
    assert!(line.contains("seed"), "names what differs: {line}");
    assert!(read_bytes(&study.join("manifest.json")) == manifest_before);

    sweep_ok(
        cwd,
        Path::new(BASELINE),
        &study,
        &["-n", "1000", "--seed", "5", "--resume"],
    );
    assert_complete(&study, RESUME_RUNS);

    let reference = cwd.join("reference");
    sweep_ok(
        cwd,
        Path::new(BASELINE),
        &reference,
        &["-n", "1000", "--seed", "5"],
    );
    assert_same_files(
        &reference,
        &study,
        &[&DATASETS[..], &["config.toml"]].concat(),
        "resumed after SIGKILL vs uninterrupted",
    );
    assert_eq!(
        manifest(&study)["outcomes"],
        manifest(&reference)["outcomes"]
    );
}

#[test]
fn sweep_stopped_with_ctrl_c_exits_130_and_resumes_to_identical_bytes() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let study = cwd.join("study");
    let child =
        start_and_wait_for_checkpoint(cwd, &study, &["-n", "1000", "--seed", "9", "-j", "1"]);
    let sent = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -INT {}", child.id());
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(130),
        "Ctrl-C exits with 130; stdout: {stdout} stderr: {stderr}"
    );
    assert!(
        stdout.contains("--resume"),
        "says how to finish the study: {stdout}"
    );
    let (done, _) = assert_incomplete(&study);
    eprintln!("interrupted after {done} runs");

    sweep_ok(
        cwd,
        Path::new(BASELINE),
        &study,
        &["-n", "1000", "--seed", "9", "--resume"],
    );
    assert_complete(&study, RESUME_RUNS);

    let reference = cwd.join("reference");
    sweep_ok(
        cwd,
        Path::new(BASELINE),
        &reference,
        &["-n", "1000", "--seed", "9"],
    );
    assert_same_files(
        &reference,
        &study,
        &DATASETS,
        "resumed after Ctrl-C vs uninterrupted",
    );
}

// ---------------------------------------------------------------- overwriting

#[test]
fn complete_study_is_kept_without_force_and_replaced_with_it() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let study = cwd.join("study");
    sweep_ok(
        cwd,
        Path::new(BASELINE),
        &study,
        &["-n", "5", "--seed", "1"],
    );
    let runs_before = read_bytes(&study.join("runs.csv"));
    let manifest_before = read_bytes(&study.join("manifest.json"));

    for extra in [&[][..], &["--resume"]] {
        let output = sweep(cwd, Path::new(BASELINE), &["-n", "5", "--seed", "2"])
            .args(extra)
            .arg("--out")
            .arg(&study)
            .output()
            .unwrap();
        let line = one_line_error(&output);
        assert!(line.contains("--force"), "message mentions --force: {line}");
        assert!(
            line.contains(&study.display().to_string()),
            "names the study: {line}"
        );
        assert!(read_bytes(&study.join("runs.csv")) == runs_before);
        assert!(read_bytes(&study.join("manifest.json")) == manifest_before);
    }

    sweep_ok(
        cwd,
        Path::new(BASELINE),
        &study,
        &["-n", "5", "--seed", "2", "--force"],
    );
    assert_eq!(manifest(&study)["seed"], 2);
    assert_complete(&study, (BASELINE_POINTS * 5) as u64);
    let fresh = cwd.join("fresh");
    sweep_ok(
        cwd,
        Path::new(BASELINE),
        &fresh,
        &["-n", "5", "--seed", "2"],
    );
    assert_same_files(&fresh, &study, &DATASETS, "--force vs a fresh study");
    assert!(read_bytes(&study.join("runs.csv")) != runs_before);
}

// ---------------------------------------------------------------- failures

#[test]
fn injected_failures_are_recorded_and_exit_3() {
    let work = TempDir::new().unwrap();
    let study = work.path().join("study");
    // 10 replications: run 3 is at point 0, run 17 at point 1.
    let output = sweep(work.path(), Path::new(BASELINE), &["-n", "10"])
        .arg("--out")
        .arg(&study)
        .env(FAIL_RUNS, "3,17")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(3),
        "some runs failed: exit 3; stdout: {stdout}"
    );
    assert!(
        stdout.contains("2 runs failed"),
        "says how many failed: {stdout}"
    );
    assert!(
        stdout.contains("design points 0, 1"),
        "says where: {stdout}"
    );

    let runs = read_csv(&study.join("runs.csv"));
    assert_eq!(
        runs.rows.len(),
        BASELINE_POINTS * 10,
        "every row is written"
    );
    for row in &runs.rows {
        let id = row["run_id"].as_str();
        if id == "3" || id == "17" {
            assert_eq!(row["status"], "failed", "run {id}");
            assert!(!row["message"].is_empty(), "run {id} has a message");
            assert!(row["outcome"].is_empty(), "run {id} has no outcome");
        } else {
            assert_eq!(row["status"], "ok", "run {id}");
            assert!(row["message"].is_empty(), "run {id}: {}", row["message"]);
        }
    }
    let failed: Vec<(&str, &str)> = runs
        .rows
        .iter()
        .filter(|r| r["status"] == "failed")
        .map(|r| (r["point_id"].as_str(), r["replicate"].as_str()))
        .collect();
    assert_eq!(failed, [("0", "3"), ("1", "7")]);

    let summary = read_csv(&study.join("summary.csv"));
    assert_eq!(summary.rows.len(), BASELINE_POINTS);
    for row in &summary.rows {
        let expected = if ["0", "1"].contains(&row["point_id"].as_str()) {
            "1"
        } else {
            "0"
        };
        assert_eq!(row["failed_runs"], expected, "point {}", row["point_id"]);
        assert_eq!(row["runs"], "10", "point {}", row["point_id"]);
    }

    let m = manifest(&study);
    assert_eq!(m["failed_runs"], 2, "{m}");
    assert_complete(&study, (BASELINE_POINTS * 10) as u64);
    let outcomes: u64 = m["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(outcomes, (BASELINE_POINTS * 10 - 2) as u64, "{m}");
}

#[test]

fn resumed_sweep_reports_failures_from_before_the_interruption() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let study = cwd.join("study");
    // 24 points x 600 = 14,400 runs: run 3 (point 0) fails before the kill,
    // run 12,000 (point 20) after it.
    let mut child = start_and_wait_for_checkpoint_with(
        cwd,
        &study,
        &["-n", "600", "-j", "1"],
        &[(FAIL_RUNS, "3,12000"), ("RUST_BACKTRACE", "0")],
    );
    child.kill().expect("SIGKILL is delivered");
    child.wait().unwrap();
    let (done, _) = assert_incomplete(&study);
    assert!(done < 12_000, "killed after {done} runs");
    assert_eq!(manifest(&study)["failed_runs"], 1);

    let output = sweep(cwd, Path::new(BASELINE), &["-n", "600", "--resume"])
        .arg("--out")
        .arg(&study)
        .env(FAIL_RUNS, "3,12000")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    assert_eq!(manifest(&study)["failed_runs"], 2);
    assert!(
        stdout.contains("2 runs failed, at design points 0, 20;"),
        "the report covers the whole study: {stdout}"
    );
}

// ---------------------------------------------------------------- bad sweep input

/// Asserts that `detente sweep CONFIG ARGS` (with the default output
/// directory) fails with one line containing every one of `needles` and
/// writes nothing; returns the line.
fn assert_sweep_rejected(config: &Path, args: &[&str], needles: &[&str]) -> String {
    let work = TempDir::new().unwrap();
    let output = sweep(work.path(), config, args).output().unwrap();
    let line = one_line_error(&output);
    for needle in needles {
        assert!(line.contains(needle), "expected `{needle}` in: {line}");
    }
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
    assert_empty_dir(work.path());
    line
}

#[test]
fn unknown_parameter_path_names_the_keys_there_and_the_nearest() {
    let dir = TempDir::new().unwrap();
    let config = sweep_config(
        dir.path(),
        "typo",
        "design = \"grid\"",
        &["path = \"agents.rusia.reservation\"\nvalues = [0.5, 0.6]"],
    );
    for args in [&["-n", "5"][..], &["-n", "5", "--dry-run"]] {
        let line = assert_sweep_rejected(
            &config,
            args,
            &["agents.rusia.reservation", "did you mean `russia`"],
        );
        // The keys valid under `agents`, i.e. the agents.
        let mut keys: Vec<&str> = AGENTS.iter().map(|(a, _)| *a).collect();
        let listed = line
            .split_once("keys there: ")
            .unwrap_or_else(|| panic!("expected the valid keys in: {line}"))
            .1;
        let mut listed: Vec<&str> = listed
            .trim_end_matches(')')
            .split(", ")
            .map(str::trim)
            .collect();
        keys.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, keys, "the keys at that level, in: {line}");
    }
}

#[test]

fn unknown_last_key_of_a_parameter_path_suggests_the_nearest() {
    let dir = TempDir::new().unwrap();
    let config = sweep_config(
        dir.path(),
        "typo",
        "design = \"grid\"",
        &["path = \"agents.russia.reservaton\"\nvalues = [0.5, 0.6]"],
    );
    assert_sweep_rejected(
        &config,
        &["-n", "5"],
        &[
            "agents.russia.reservaton",
            "did you mean `reservation`",
            "reservation_oil",
        ],
    );
}

#[test]

fn sweep_table_error_in_an_extending_config_points_into_that_file() {
    let dir = TempDir::new().unwrap();
    let config = sweep_config(
        dir.path(),
        "typo",
        "design = \"grid\"",
        &["path = \"agents.rusia.reservation\"\nvalues = [0.5, 0.6]"],
    );
    let text = fs::read_to_string(&config).unwrap();
    let line = assert_sweep_rejected(&config, &["-n", "5"], &["agents.rusia.reservation"]);
    let lines = [
        line_of(&text, "[[sweep.parameters]]"),
        line_of(&text, "path = \"agents.rusia.reservation\""),
    ];
    assert!(
        lines
            .iter()
            .any(|n| line.starts_with(&format!("detente: {}:{n}:", config.display()))),
        "expected {}:<line {} or {}>: in: {line}",
        config.display(),
        lines[0],
        lines[1]
    );
}

#[test]
fn design_larger_than_max_runs_is_refused_with_its_size() {
    for args in [
        &["-n", "20", "--max-runs", "100"][..],
        &["-n", "20", "--max-runs", "100", "--dry-run"],
    ] {
        assert_sweep_rejected(Path::new(BASELINE), args, &["480 runs", "--max-runs 100"]);
    }
    // At the limit it runs.
    let work = TempDir::new().unwrap();
    sweep(
        work.path(),
        Path::new(BASELINE),
        &["-n", "20", "--max-runs", "480", "--dry-run"],
    )
    .assert()
    .code(0);
}

#[test]
fn shard_beyond_its_count_is_refused_before_anything_runs() {
    for shard in ["3/2", "0/2", "2"] {
        let work = TempDir::new().unwrap();
        let output = sweep(
            work.path(),
            Path::new(BASELINE),
            &["-n", "20", "--shard", shard],
        )
        .output()
        .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "--shard {shard} is refused");
        assert!(!stderr.contains("panicked"), "no panic: {stderr}");
        assert!(
            stderr.contains(&format!("`{shard}`")),
            "names the bad shard: {stderr}"
        );
        assert!(output.stdout.is_empty());
        assert_empty_dir(work.path());
    }
}

#[test]
fn invalid_value_at_a_design_point_names_the_point_and_the_key() {
    let dir = TempDir::new().unwrap();
    let config = sweep_config(
        dir.path(),
        "reservation",
        "design = \"grid\"",
        &["path = \"agents.us.reservation\"\nvalues = [0.5, 1.5]"],
    );
    for args in [&["-n", "5"][..], &["-n", "5", "--dry-run"]] {
        assert_sweep_rejected(
            &config,
            args,
            &["design point 1", "agents.us.reservation", "1.5"],
        );
    }
    // Nor is an explicit --out created.
    let work = TempDir::new().unwrap();
    let out = work.path().join("study");
    let output = sweep(work.path(), &config, &["-n", "5"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    one_line_error(&output);
    assert!(!out.exists(), "{} was created", out.display());
}

// ---------------------------------------------------------------- datasets

#[test]
fn sweep_datasets_have_the_documented_columns_and_rows() {
    let work = TempDir::new().unwrap();
    let study = work.path().join("study");
    let output = sweep_ok(work.path(), Path::new(BASELINE), &study, &["-n", "20"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&study.display().to_string()),
        "names the study: {stdout}"
    );
    assert_eq!(
        entries(&study),
        [
            "config.toml",
            "design.csv",
            "manifest.json",
            "rounds.csv",
            "runs.csv",
            "summary.csv"
        ]
    );
    let mut listed: Vec<String> = manifest(&study)["files"]
        .as_array()
        .expect("the manifest lists the files")
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, entries(&study), "the manifest lists every file");
    let reps = 20;
    let runs_total = (BASELINE_POINTS * reps) as u64;

    // design.csv is what --dry-run prints.
    let dry = sweep(work.path(), Path::new(BASELINE), &["-n", "20", "--dry-run"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(read_bytes(&study.join("design.csv")) == dry);
    let design = read_csv(&study.join("design.csv"));

    // runs.csv
    let runs = read_csv(&study.join("runs.csv"));
    assert_eq!(
        runs.header[..8],
        [
            "point_id",
            "replicate",
            "run_id",
            "seed",
            "oil_price",
            "start_linkage",
            "status",
            "outcome"
        ],
        "leading columns of a sweep's runs.csv"
    );
    for column in ["rounds", "threat", "oil_price_final", "message"] {
        assert!(
            runs.header.iter().any(|c| c == column),
            "runs.csv has `{column}`: {:?}",
            runs.header
        );
    }
    for agent in ["us", "russia", "poland", "czech", "germany"] {
        assert!(runs.header.contains(&format!("utility_{agent}")));
    }
    assert_eq!(runs.rows.len(), BASELINE_POINTS * reps);
    let mut agreements = [0u32; BASELINE_POINTS];
    let mut seeds = HashSet::new();
    for (i, row) in runs.rows.iter().enumerate() {
        let (point, replicate) = (i / reps, i % reps);
        assert_eq!(row["point_id"], point.to_string(), "row {i}");
        assert_eq!(row["replicate"], replicate.to_string(), "row {i}");
        assert_eq!(row["run_id"], i.to_string(), "run ids are global");
        assert!(seeds.insert(row["seed"].clone()), "seed repeats at row {i}");
        for parameter in ["oil_price", "start_linkage"] {
            assert_eq!(
                row[parameter], design.rows[point][parameter],
                "row {i}: {parameter} is the design point's"
            );
        }
        assert_eq!(row["status"], "ok");
        assert!(OUTCOMES.contains(&row["outcome"].as_str()));
        if row["outcome"] == "agreement" {
            agreements[point] += 1;
        }
    }

    // rounds.csv: the offers of replicate 0 at every point, in order.
    let rounds = read_csv(&study.join("rounds.csv"));
    assert_eq!(
        rounds.header[..4],
        ["run_id", "track", "round", "offerer"],
        "rounds.csv has the columns of `run --trace`"
    );
    let mut traced: Vec<usize> = rounds
        .rows
        .iter()
        .map(|r| r["run_id"].parse().unwrap())
        .collect();
    assert!(traced.is_sorted(), "rounds.csv is in run order");
    traced.dedup();
    let first_replicates: Vec<usize> = (0..BASELINE_POINTS).map(|p| p * reps).collect();
    assert_eq!(
        traced, first_replicates,
        "replicate 0 of each point is traced"
    );

    // summary.csv
    let summary = read_csv(&study.join("summary.csv"));
    assert_eq!(
        summary.header[..8],
        [
            "point_id",
            "oil_price",
            "start_linkage",
            "runs",
            "failed_runs",
            "agreement_rate",
            "agreement_ci_low",
            "agreement_ci_high"
        ]
    );
    assert_eq!(summary.rows.len(), BASELINE_POINTS, "one row per point");
    for (point, row) in summary.rows.iter().enumerate() {
        assert_eq!(row["point_id"], point.to_string());
        assert_eq!(row["oil_price"], design.rows[point]["oil_price"]);
        assert_eq!(row["start_linkage"], design.rows[point]["start_linkage"]);
        assert_eq!(row["runs"], reps.to_string());
        assert_eq!(row["failed_runs"], "0");
        let number = |c: &str| -> f64 {
            row[c]
                .parse()
                .unwrap_or_else(|e| panic!("point {point}: {c} `{}`: {e}", row[c]))
        };
        let (rate, low, high) = (
            number("agreement_rate"),
            number("agreement_ci_low"),
            number("agreement_ci_high"),
        );
        assert!(
            (0.0..=1.0).contains(&low) && low <= rate && rate <= high && high <= 1.0,
            "point {point}: {low} <= {rate} <= {high}"
        );
        assert!(
            (rate - f64::from(agreements[point]) / reps as f64).abs() < 1e-12,
            "point {point}: agreement_rate {rate} vs {} of {reps} in runs.csv",
            agreements[point]
        );
        let shares = rate + number("share_unilateral") + number("share_status_quo");
        assert!(
            (shares - 1.0).abs() < 1e-9,
            "point {point}: shares sum to {shares}"
        );
    }

    // manifest.json and config.toml
    assert_complete(&study, runs_total);
    let m = manifest(&study);
    assert_eq!(m["command"], "sweep");
    assert_eq!(m["failed_runs"], 0);
    assert!(m["shard"].is_null());
    assert_eq!(m["design"]["kind"], "grid");
    assert_eq!(m["design"]["points"], BASELINE_POINTS);
    assert_eq!(m["design"]["replications"], reps);
    let outcomes: u64 = m["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(outcomes, runs_total);
    let config = read_bytes(Path::new(BASELINE));
    assert_eq!(m["config_sha256"], sha256_hex(&config));
    assert!(read_bytes(&study.join("config.toml")) == config);
}

// ---------------------------------------------------------------- extends

#[test]
fn extending_config_works_with_check_and_dry_run() {
    let work = TempDir::new().unwrap();
    detente()
        .current_dir(work.path())
        .args(["check", US_STRATEGY])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("scenario us_strategy"))
        .stdout(predicate::str::contains("1,782 packages"));
    assert_empty_dir(work.path());

    // 9 US betas x 3 Russian betas, 400 replications from its [sweep].
    let (design, counts) = dry_run(Path::new(US_STRATEGY), &[]);
    assert!(
        counts.contains("27 points x 400 replications = 10800 runs"),
        "{counts}"
    );
    assert_eq!(design.header, ["point_id", "us_beta", "russia_beta"]);
    assert_eq!(design.rows.len(), 27);
    let betas: Vec<&str> = design
        .rows
        .iter()
        .step_by(3)
        .map(|r| r["us_beta"].as_str())
        .collect();
    assert_eq!(betas.len(), 9);
    assert_eq!(
        (betas[0], betas[4], betas[8]),
        ("0.1", "1", "10"),
        "{betas:?}"
    );
    let russia: Vec<&str> = design.rows[..3]
        .iter()
        .map(|r| r["russia_beta"].as_str())
        .collect();
    assert_eq!(russia, ["0.3", "1", "3"]);
}

#[test]
fn extends_chain_reports_the_file_and_line_of_a_bad_value() {
    let dir = TempDir::new().unwrap();
    // child.toml -> middle.toml -> the baseline.
    let middle = extending_config(dir.path(), "middle", "[agents.czech]\nreservation = 0.45\n");
    let child = dir.path().join("child.toml");
    let write_child = |reservation: &str| {
        fs::write(
            &child,
            format!("# a study\nextends = \"middle.toml\"\n\n[agents.poland]\nreservation = {reservation}\n"),
        )
        .unwrap();
    };
    let check_and_sweep = |config: &Path, place: &str, needles: &[&str]| {
        for command in ["check", "sweep"] {
            let work = TempDir::new().unwrap();
            let mut cmd = detente();
            cmd.current_dir(work.path()).arg(command).arg(config);
            if command == "sweep" {
                cmd.args(["--dry-run", "-n", "5"]);
            }
            let output = cmd.output().unwrap();
            let line = one_line_error(&output);
            assert!(
                line.starts_with(&format!("detente: {place}")),
                "`{command}`: expected `{place}<column>:` in: {line}"
            );
            for needle in needles {
                assert!(
                    line.contains(needle),
                    "`{command}`: expected `{needle}` in: {line}"
                );
            }
            assert_empty_dir(work.path());
        }
    };
    let child_place = format!("{}:5:", child.display());

    // Out of range in the child.
    write_child("1.5");
    check_and_sweep(&child, &child_place, &["agents.poland.reservation", "1.5"]);
    // The wrong type in the child.
    write_child("\"high\"");
    check_and_sweep(&child, &child_place, &["agents.poland.reservation"]);

    // A bad value in the middle file, which the child does not override.
    write_child("0.5");
    fs::write(
        &middle,
        format!("extends = '{BASELINE}'\n\n[agents.czech]\nreservation = 1.45\n"),
    )
    .unwrap();
    check_and_sweep(
        &child,
        &format!("{}:4:", middle.display()),
        &["agents.czech.reservation", "1.45"],
    );
}

#[path = "robust_data.rs"]
mod robust_data;
