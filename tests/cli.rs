//! End-to-end tests of the `detente` binary: `run` and `check` on the baseline
//! scenario, reproducibility, output-directory handling, and one-line errors
//! for bad input.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

#[path = "cli/common.rs"]
mod common;
use common::*;

#[path = "cli/plot.rs"]
mod plot;
#[path = "cli/sweep.rs"]
mod sweep;

#[path = "cli/theory.rs"]
mod theory;

#[path = "cli/sensitivity.rs"]
mod sensitivity;

#[path = "cli/robust_exits.rs"]
mod robust_exits;

#[path = "cli/robust_config.rs"]
mod robust_config;

#[path = "cli/fuzz_config.rs"]
mod fuzz_config;

#[path = "cli/datasets.rs"]
mod datasets;

#[path = "cli/snapshots.rs"]
mod snapshots;

#[path = "cli/discover.rs"]
mod discover;

#[path = "cli/pinned.rs"]
mod pinned;

#[path = "cli/world.rs"]
mod world;

#[path = "cli/calibrate.rs"]
mod calibrate;

#[path = "cli/tournament.rs"]
mod tournament;

#[path = "cli/information.rs"]
mod information;

#[path = "cli/negmas.rs"]
mod negmas;

// ---------------------------------------------------------------- run

#[test]
fn run_writes_runs_csv_manifest_and_config_copy() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("out");
    let output = run_baseline(work.path(), &out, &["--replications", "120", "--seed", "7"]);

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&out.display().to_string()),
        "stdout should name the output directory {}: {stdout}",
        out.display()
    );
    assert_eq!(
        entries(&out),
        ["config.toml", "manifest.json", "runs.csv"],
        "files of a run without --trace"
    );
    assert_eq!(
        entries(work.path()),
        ["out"],
        "no staging directory is left beside the output"
    );

    // runs.csv
    let runs = read_csv(&out.join("runs.csv"));
    let mut expected: Vec<String> = ["run_id", "seed", "status", "outcome", "rounds"]
        .map(String::from)
        .to_vec();
    expected.extend(ISSUES.map(String::from));
    expected.extend(AGENTS.map(|(a, _)| format!("utility_{a}")));
    assert_eq!(
        runs.header[..expected.len()],
        expected[..],
        "leading columns of runs.csv"
    );
    for column in ["threat", "oil_price_final", "oil_price_mean"] {
        assert!(
            runs.header[expected.len()..].iter().any(|c| c == column),
            "runs.csv should have a `{column}` column after the utilities: {:?}",
            runs.header
        );
    }
    assert_eq!(runs.rows.len(), 120, "one row per replication");
    let mut ids = HashSet::new();
    for row in &runs.rows {
        assert_eq!(row["status"], "ok", "run {} failed", row["run_id"]);
        assert!(
            OUTCOMES.contains(&row["outcome"].as_str()),
            "unexpected outcome `{}`",
            row["outcome"]
        );
        assert!(row["rounds"].parse::<u32>().is_ok());
        let threat: f64 = row["threat"].parse().expect("threat is a number");
        assert!((0.0..=1.0).contains(&threat), "threat {threat} in [0, 1]");
        for column in ["oil_price_final", "oil_price_mean"] {
            let price: f64 = row[column].parse().expect("oil price is a number");
            assert!(price > 0.0, "{column} {price} > 0");
        }
        for (agent, _) in AGENTS {
            let u: f64 = row[&format!("utility_{agent}")].parse().unwrap();
            assert!(u.is_finite());
        }
        assert!(ids.insert(row["run_id"].clone()), "run_id repeats");
    }

    // manifest.json
    let config_bytes = read_bytes(Path::new(BASELINE));
    let manifest: serde_json::Value =
        serde_json::from_slice(&read_bytes(&out.join("manifest.json"))).expect("valid JSON");
    assert_eq!(manifest["config_sha256"], sha256_hex(&config_bytes));
    assert_eq!(manifest["complete"], true);
    assert_eq!(manifest["runs"], 120);
    assert_eq!(manifest["replications"], 120);
    assert_eq!(manifest["failed_runs"], 0);
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["scenario"], "baseline");
    assert_eq!(manifest["command"], "run");

    // config.toml is a byte-for-byte copy
    assert_eq!(read_bytes(&out.join("config.toml")), config_bytes);
}

#[test]
fn run_defaults_to_runs_scenario_run_in_the_working_directory() {
    let work = TempDir::new().unwrap();
    detente()
        .current_dir(work.path())
        .args(["run", BASELINE, "-n", "50"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            Path::new("runs").join("baseline-run").display().to_string(),
        ));
    assert_eq!(entries(work.path()), ["runs"]);
    assert_eq!(entries(&work.path().join("runs")), ["baseline-run"]);
    let runs = read_csv(&work.path().join("runs/baseline-run/runs.csv"));
    assert_eq!(runs.rows.len(), 50);
}

#[test]
fn trace_writes_rounds_csv_consistent_with_runs_csv() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("traced");
    run_baseline(work.path(), &out, &["-n", "150", "--trace"]);
    assert_eq!(
        entries(&out),
        ["config.toml", "manifest.json", "rounds.csv", "runs.csv"]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&read_bytes(&out.join("manifest.json"))).unwrap();
    assert!(
        manifest["files"]
            .as_array()
            .unwrap()
            .contains(&"rounds.csv".into()),
        "manifest lists rounds.csv: {manifest}"
    );

    let runs = read_csv(&out.join("runs.csv"));
    let rounds = read_csv(&out.join("rounds.csv"));
    let mut expected: Vec<String> = ["run_id", "track", "round", "offerer"]
        .map(String::from)
        .to_vec();
    expected.extend(ISSUES.map(String::from));
    expected.extend(AGENTS.map(|(a, _)| format!("utility_{a}")));
    expected.push("response".into());
    // The baseline's world moves: rows of what happened, with a note.
    expected.push("note".into());
    assert_eq!(rounds.header, expected, "columns of rounds.csv");
    assert!(!rounds.rows.is_empty());

    let run_ids: HashSet<&str> = runs.rows.iter().map(|r| r["run_id"].as_str()).collect();
    let mut last_offer: HashMap<&str, &HashMap<String, String>> = HashMap::new();
    let offers = rounds.rows.iter().filter(|r| r["note"].is_empty());
    for offer in offers {
        let id = offer["run_id"].as_str();
        assert!(
            run_ids.contains(id),
            "rounds.csv has run_id {id}, which runs.csv lacks"
        );
        assert!(
            AGENTS.iter().any(|(a, _)| *a == offer["offerer"]),
            "unknown offerer `{}`",
            offer["offerer"]
        );
        last_offer.insert(id, offer);
    }

    let agreements: Vec<_> = runs
        .rows
        .iter()
        .filter(|r| r["outcome"] == "agreement")
        .collect();
    assert!(
        !agreements.is_empty(),
        "the baseline should reach some agreements in 150 runs"
    );
    for run in agreements {
        let id = run["run_id"].as_str();
        let last = last_offer
            .get(id)
            .unwrap_or_else(|| panic!("agreement run {id} has no offers in rounds.csv"));
        assert_eq!(
            last["response"], "accept",
            "last offer of agreement run {id}"
        );
        assert_eq!(
            last["round"], run["rounds"],
            "round of run {id}'s agreement"
        );
        for issue in ISSUES {
            assert_eq!(
                last[issue], run[issue],
                "run {id}: the accepted offer is the agreed package ({issue})"
            );
        }
    }
}

// ---------------------------------------------------------------- reproducibility

#[test]
fn output_bytes_do_not_depend_on_threads() {
    let work = TempDir::new().unwrap();
    let one = work.path().join("one");
    let two = work.path().join("two");
    run_baseline(
        work.path(),
        &one,
        &["-n", "200", "--trace", "--threads", "1"],
    );
    run_baseline(
        work.path(),
        &two,
        &["-n", "200", "--trace", "--threads", "2"],
    );
    for file in ["runs.csv", "rounds.csv"] {
        assert!(
            read_bytes(&one.join(file)) == read_bytes(&two.join(file)),
            "{file} differs between --threads 1 and --threads 2"
        );
    }
}

#[test]
fn same_seed_gives_same_bytes_and_another_seed_does_not() {
    let work = TempDir::new().unwrap();
    let first = work.path().join("first");
    let again = work.path().join("again");
    let other = work.path().join("other");
    run_baseline(
        work.path(),
        &first,
        &["-n", "100", "--trace", "--seed", "11"],
    );
    run_baseline(
        work.path(),
        &again,
        &["-n", "100", "--trace", "--seed", "11"],
    );
    run_baseline(
        work.path(),
        &other,
        &["-n", "100", "--trace", "--seed", "12"],
    );
    for file in ["runs.csv", "rounds.csv"] {
        assert!(
            read_bytes(&first.join(file)) == read_bytes(&again.join(file)),
            "{file} differs between two runs with --seed 11"
        );
    }
    assert!(
        read_bytes(&first.join("runs.csv")) != read_bytes(&other.join("runs.csv")),
        "--seed 11 and --seed 12 gave identical runs.csv"
    );
}

// ---------------------------------------------------------------- output directory

#[test]
fn existing_output_is_refused_without_force_and_replaced_with_it() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "old results").unwrap();

    let output = detente()
        .current_dir(work.path())
        .args(["run", BASELINE, "-n", "50", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!output.status.success(), "an existing directory is refused");
    let line = one_line_error(&output);
    assert!(line.contains("--force"), "message mentions --force: {line}");
    assert!(
        line.contains(&out.display().to_string()),
        "message names the directory: {line}"
    );
    assert_eq!(entries(&out), ["keep.txt"], "old contents untouched");
    assert_eq!(
        fs::read_to_string(out.join("keep.txt")).unwrap(),
        "old results"
    );
    assert_eq!(entries(work.path()), ["out"], "nothing written beside it");

    // --force replaces only what detente wrote: a folder of the user's own
    // files is refused, untouched.
    let output = detente()
        .current_dir(work.path())
        .args(["run", BASELINE, "-n", "50", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(line.contains("refusing to replace"), "{line}");
    assert_eq!(
        entries(&out),
        ["keep.txt"],
        "the user's file survives --force"
    );
    assert_eq!(entries(work.path()), ["out"], "nothing written beside it");

    fs::remove_file(out.join("keep.txt")).unwrap();
    run_baseline(work.path(), &out, &["-n", "20"]);
    let output = run_baseline(work.path(), &out, &["-n", "50", "--force"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains(&out.display().to_string()));
    assert_eq!(
        entries(&out),
        ["config.toml", "manifest.json", "runs.csv"],
        "--force replaces the directory's contents"
    );
    assert_eq!(
        entries(work.path()),
        ["out"],
        "no lock or staging left beside it"
    );
    assert_eq!(read_csv(&out.join("runs.csv")).rows.len(), 50);
    assert_eq!(
        entries(work.path()),
        ["out"],
        "no staging directory is left"
    );
}

// ---------------------------------------------------------------- check

#[test]
fn check_summarises_the_baseline_and_writes_nothing() {
    let work = TempDir::new().unwrap();
    let mut assert = detente()
        .current_dir(work.path())
        .args(["check", BASELINE])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1,782 packages"));
    for (agent, role) in AGENTS {
        assert = assert.stdout(
            predicate::str::is_match(format!(r"(?m)^\s+{agent}\s+{role}\b"))
                .expect("a valid regex"),
        );
    }
    assert.stderr(predicate::str::is_empty());
    assert_empty_dir(work.path());
}

// ---------------------------------------------------------------- bad input

#[test]
fn malformed_toml_names_file_line_and_column() {
    let config = bad_config("name = \"baseline\"", "name = \"baseline");
    assert_rejected(&config, &[]);
}

#[test]

fn malformed_toml_names_the_key() {
    let config = bad_config("name = \"baseline\"", "name = \"baseline");
    assert_rejected(&config, &["scenario.name"]);
}

#[test]
fn unknown_key_names_it_and_suggests_the_nearest() {
    let config = bad_config(
        "weights = { security = 0.6, influence = 0.3, oil = 0.1 }",
        "weigths = { security = 0.6, influence = 0.3, oil = 0.1 }",
    );
    assert_rejected(&config, &["agents.us.weigths", "`weights`"]);
}

#[test]
fn wrong_type_names_the_key() {
    let config = bad_config(
        "reservation = 0.55       # ASSUMPTION: walk-away",
        "reservation = \"0.55\"     # ASSUMPTION: walk-away",
    );
    assert_rejected(&config, &["agents.us.reservation"]);
}

#[test]
fn nan_weight_is_rejected() {
    let config = bad_config(
        "weights = { security = 0.4, influence = 0.4, oil = 0.2 }",
        "weights = { security = nan, influence = 0.4, oil = 0.2 }",
    );
    assert_rejected(&config, &["agents.russia.weights.security"]);
}

#[test]
fn negative_weight_is_rejected() {
    let config = bad_config(
        "weights = { security = 0.6, influence = 0.3, oil = 0.1 }",
        "weights = { security = 0.6, influence = 0.3, oil = -0.1 }",
    );
    assert_rejected(&config, &["agents.us.weights.oil", "-0.1"]);
}

#[test]
fn empty_level_list_is_rejected() {
    let config = bad_config(
        "levels = [\"none\", \"observers\", \"joint_tests\"]",
        "levels = []",
    );
    assert_rejected(&config, &["issues.joint_testing.levels"]);
}

#[test]
fn reservation_outside_unit_interval_is_rejected() {
    for value in ["1.5", "-0.2"] {
        let config = bad_config(
            "reservation = 0.5        # ASSUMPTION: vetoes",
            &format!("reservation = {value}        # ASSUMPTION: vetoes"),
        );
        assert_rejected(&config, &["agents.poland.reservation", value]);
    }
}

#[test]
fn ally_pressing_an_unknown_agent_gets_the_nearest_suggested() {
    let config = bad_config("presses = \"us\"", "presses = \"rusia\"");
    assert_rejected(
        &config,
        &["agents.germany.presses", "`rusia`", "did you mean `russia`"],
    );
}

#[test]
fn zero_replications_in_the_file_is_rejected() {
    let config = bad_config("replications = 1000", "replications = 0");
    assert_rejected(&config, &["scenario.replications"]);
}

#[test]
fn zero_replications_on_the_command_line_is_rejected() {
    // A bad argument: clap's message and exit status 2, as README says.
    for command in ["run", "sweep", "check"] {
        let work = TempDir::new().unwrap();
        let args: &[&str] = match command {
            "check" => &["check", BASELINE, "--max-runs", "0"],
            _ => &[command, BASELINE, "--replications", "0"],
        };
        let output = detente()
            .current_dir(work.path())
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains("--replications") || stderr.contains("--max-runs"),
            "{command}: names the option: {stderr}"
        );
        assert_empty_dir(work.path());
    }
}

#[test]
fn missing_config_file_is_reported() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("no-such-config.toml");
    for command in ["run", "check"] {
        let work = TempDir::new().unwrap();
        let output = detente()
            .current_dir(work.path())
            .arg(command)
            .arg(&missing)
            .output()
            .unwrap();
        let line = one_line_error(&output);
        assert!(
            line.contains(&missing.display().to_string()),
            "`{command}`: names the file: {line}"
        );
        assert_empty_dir(work.path());
    }
}

#[test]

fn missing_config_file_states_the_cause_once() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("no-such-config.toml");
    let cause = fs::read_to_string(&missing).unwrap_err().to_string();
    let output = detente()
        .current_dir(dir.path())
        .arg("check")
        .arg(&missing)
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert_eq!(
        line.matches(&cause).count(),
        1,
        "`{cause}` should appear once in: {line}"
    );
}

#[test]
fn replay_reruns_one_run_from_its_seed() {
    let tmp = TempDir::new().unwrap();
    let all = tmp.path().join("all");
    run_baseline(tmp.path(), &all, &["-n", "30", "--trace"]);
    let runs = read_csv(&all.join("runs.csv"));
    let trace = read_csv(&all.join("rounds.csv"));
    for row in [&runs.rows[7], &runs.rows[23]] {
        let seed = &row["seed"];
        let one = tmp.path().join(format!("replay-{seed}"));
        run_baseline(tmp.path(), &one, &["--replay", seed, "--trace"]);
        let replayed = read_csv(&one.join("runs.csv"));
        assert_eq!(replayed.rows.len(), 1);
        let mut expected = row.clone();
        expected.insert("run_id".into(), "0".into());
        assert_eq!(replayed.rows[0], expected, "replay of seed {seed}");
        // The replayed trace is the original run's offers, row for row.
        let offers = |t: &Table, id: &str| -> Vec<Vec<String>> {
            t.rows
                .iter()
                .filter(|r| r["run_id"] == id)
                .map(|r| t.header[1..].iter().map(|c| r[c].clone()).collect())
                .collect()
        };
        let original = offers(&trace, &row["run_id"]);
        assert!(!original.is_empty());
        assert_eq!(offers(&read_csv(&one.join("rounds.csv")), "0"), original);
        let manifest: serde_json::Value =
            serde_json::from_slice(&read_bytes(&one.join("manifest.json"))).unwrap();
        assert_eq!(manifest["replay_seed"].to_string(), *seed);
    }
}

#[test]
fn replay_with_replications_is_refused() {
    let tmp = TempDir::new().unwrap();
    let output = detente()
        .current_dir(tmp.path())
        .args(["run", BASELINE, "--replay", "5", "-n", "3"])
        .output()
        .unwrap();
    assert!(one_line_error(&output).contains("--replay"));
    assert_empty_dir(tmp.path());
}
