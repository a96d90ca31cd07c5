//! One owner for the datasets: column names that would clash are refused
//! before anything runs, and every file is written by one CSV writer.

use super::*;

#[test]
fn parameter_named_like_a_summary_column_was_two_columns() {
    let config = bad_config("name = \"oil_price\"", "name = \"agreement_rate\"");
    assert_check_and_sweep_refuse(
        &config.path,
        config.line,
        &[
            "sweep.parameters[0].name",
            "summary.csv",
            "`agreement_rate`",
            "give the parameter another `name`",
        ],
    );
}

#[test]
fn parameter_named_after_an_issue_is_refused() {
    let config = bad_config("name = \"start_linkage\"", "name = \"radar\"");
    assert_check_and_sweep_refuse(
        &config.path,
        config.line,
        &["sweep.parameters[1].name", "runs.csv", "issue `radar`"],
    );
}

#[test]
fn issue_named_round_gave_rounds_csv_two_round_columns() {
    let text = baseline_text().replace("joint_testing", "round");
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("round.toml");
    fs::write(&path, &text).unwrap();
    let line = text[..text.find("[issues.round]").unwrap()]
        .matches('\n')
        .count()
        + 1;
    let config = BadConfig {
        _dir: dir,
        path,
        line,
    };
    assert_rejected(
        &config,
        &["issues.round", "rounds.csv", "`round`", "rename the issue"],
    );
}

#[test]
fn issue_named_after_an_agents_utility_column_is_refused() {
    let config = bad_config("[issues.radar]", "[issues.utility_us]");
    // The agents' effects name the issue too; the clash is found first only
    // if the rest is valid, so rename those as well.
    let text = fs::read_to_string(&config.path)
        .unwrap()
        .replace("radar", "utility_us");
    fs::write(&config.path, text).unwrap();
    assert_rejected(&config, &["issues.utility_us", "runs.csv", "agent `us`"]);
}

#[test]
fn every_dataset_header_has_unique_names() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("study");
    detente()
        .args(["sweep", BASELINE, "-n", "2", "-q", "--no-plots", "--out"])
        .arg(&out)
        .assert()
        .success();
    for file in ["runs.csv", "rounds.csv", "summary.csv", "design.csv"] {
        let header = read_csv(&out.join(file)).header;
        let unique: HashSet<&String> = header.iter().collect();
        assert_eq!(unique.len(), header.len(), "{file}: {header:?}");
    }
}

// ---------------------------------------------------------------- --set

#[test]
fn set_overrides_a_value_on_run_sweep_and_check() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let set = "agents.russia.reservation=0.99";
    // Nothing clears a reservation of 0.99: every run ends without a deal.
    detente()
        .current_dir(cwd)
        .args(["run", BASELINE, "-n", "30", "--out", "run", "--set", set])
        .assert()
        .success();
    let runs = read_csv(&cwd.join("run/runs.csv"));
    assert!(runs.rows.iter().all(|r| r["outcome"] != "agreement"));
    // The copied config holds the value and says where it came from.
    let copy = fs::read_to_string(cwd.join("run/config.toml")).unwrap();
    assert!(copy.starts_with("# "), "{copy}");
    assert!(
        copy.contains("--set agents.russia.reservation=0.99"),
        "{copy}"
    );
    assert!(copy.contains("reservation = 0.99"), "{copy}");
    // Without it the same runs do reach deals.
    detente()
        .current_dir(cwd)
        .args(["run", BASELINE, "-n", "30", "--out", "plain"])
        .assert()
        .success();
    let plain = read_csv(&cwd.join("plain/runs.csv"));
    assert!(plain.rows.iter().any(|r| r["outcome"] == "agreement"));
    // sweep --dry-run and check take it too; a bare word is a string.
    detente()
        .current_dir(cwd)
        .args(["sweep", BASELINE, "--dry-run", "--set", set])
        .assert()
        .success();
    detente()
        .current_dir(cwd)
        .args(["sweep", BASELINE, "--dry-run", "--set", "sweep.design=zap"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--set sweep.design=zap: sweep.design: unknown variant `zap`",
        ));
    detente()
        .current_dir(cwd)
        .args(["check", BASELINE, "--set", set])
        .assert()
        .success();
}

#[test]
fn bad_set_values_name_the_set_and_the_key() {
    let work = TempDir::new().unwrap();
    let output = detente()
        .current_dir(work.path())
        .args(["check", BASELINE, "--set", "agents.russia.reservation=2"])
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(
        line.starts_with("detente: --set agents.russia.reservation=2: agents.russia.reservation"),
        "{line}"
    );
    let output = detente()
        .current_dir(work.path())
        .args(["check", BASELINE, "--set", "agents.rusia.reservation=0.5"])
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(line.contains("did you mean `russia`?"), "{line}");
    // Not PATH=VALUE at all: an argument error.
    detente()
        .current_dir(work.path())
        .args(["run", BASELINE, "--set", "reservation"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("PATH=VALUE"));
    assert_empty_dir(work.path());
}

// ---------------------------------------------------------------- replay a sweep's run

#[test]
fn replay_with_point_reproduces_a_sweep_run_row() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    detente()
        .current_dir(cwd)
        .args([
            "sweep",
            BASELINE,
            "-n",
            "3",
            "-q",
            "--no-plots",
            "--out",
            "study",
        ])
        .assert()
        .success();
    let study = read_csv(&cwd.join("study/runs.csv"));
    // A point away from the base config, where replaying without --point differs.
    let row = study
        .rows
        .iter()
        .find(|r| r["point_id"] == "17")
        .expect("point 17 exists");
    let (seed, point) = (row["seed"].clone(), row["point_id"].clone());
    detente()
        .current_dir(cwd)
        .args([
            "run",
            "study/config.toml",
            "--replay",
            &seed,
            "--point",
            &point,
        ])
        .assert()
        .success();
    let replay_dir = cwd.join(format!("runs/baseline-point-{point}-replay-{seed}"));
    let replay = read_csv(&replay_dir.join("runs.csv"));
    assert_eq!(replay.rows.len(), 1);
    let same = |column: &str| {
        assert_eq!(replay.rows[0][column], row[column], "{column}");
    };
    for column in [
        "seed",
        "outcome",
        "rounds",
        "utility_us",
        "utility_russia",
        "radar",
    ] {
        same(column);
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&read_bytes(&replay_dir.join("manifest.json"))).unwrap();
    assert_eq!(manifest["replay_point"], 17);
    // A point beyond the design, and --point without --replay, are refused.
    let output = detente()
        .current_dir(cwd)
        .args(["run", BASELINE, "--replay", &seed, "--point", "9999"])
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(
        line.contains("has 24 design points, numbered 0 to 23"),
        "{line}"
    );
    detente()
        .current_dir(cwd)
        .args(["run", BASELINE, "--point", "3"])
        .assert()
        .code(2);
}

// ---------------------------------------------------------------- extends

/// A config in `dir` that extends the baseline with `body`.
fn extending(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("child.toml");
    fs::write(&path, format!("extends = {BASELINE:?}\n{body}")).unwrap();
    path
}

#[test]
fn extends_replaces_an_inherited_strategy_or_threat_of_another_kind() {
    let dir = TempDir::new().unwrap();
    let child = extending(
        dir.path(),
        "[agents.us.strategy]\nkind = \"tit_for_tat\"\n\n\
         [environment.threat]\ndistribution = \"fixed\"\nvalue = 0.4\n",
    );
    let output = detente().args(["check"]).arg(&child).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.to_lowercase().contains("tit"), "{summary}");
    // Of the same kind, keys still merge one by one: beta inherited, kappa added.
    let child = extending(dir.path(), "[agents.us.strategy]\nkappa = 0.1\n");
    detente().args(["check"]).arg(&child).assert().success();
}

#[test]
fn an_error_in_an_inherited_key_points_into_the_file_that_sets_it() {
    let dir = TempDir::new().unwrap();
    let parent = dir.path().join("parent.toml");
    fs::write(
        &parent,
        baseline_text().replace("beta = 0.5 }", "beta = -1.0 }"),
    )
    .unwrap();
    let child = dir.path().join("child.toml");
    fs::write(
        &child,
        "extends = \"parent.toml\"\n[scenario]\nname = \"child\"\n",
    )
    .unwrap();
    let output = detente().args(["check"]).arg(&child).output().unwrap();
    let line = one_line_error(&output);
    let text = fs::read_to_string(&parent).unwrap();
    let number = text
        .lines()
        .position(|l| l.contains("beta = -1.0 }"))
        .unwrap()
        + 1;
    let at = format!("{}:{number}:", parent.display());
    assert!(line.contains(&at), "expected `{at}` in: {line}");
    assert!(line.contains("agents.us.strategy.beta"), "{line}");
}

// ---------------------------------------------------------------- edited studies

/// Replaces `from` by `to` in `dir/config.toml` and makes the manifest agree,
/// as a user editing both by hand would.
fn edit_config_and_manifest(dir: &Path, from: &str, to: &str) {
    let path = dir.join("config.toml");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "`{from}` in {}", path.display());
    let text = text.replace(from, to);
    fs::write(&path, &text).unwrap();
    let manifest_path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&read_bytes(&manifest_path)).unwrap();
    let hash = sha256_hex(text.as_bytes());
    manifest["config_sha256"] = hash.clone().into();
    for digest in manifest["digests"].as_array_mut().unwrap() {
        if digest["name"] == "config.toml" {
            digest["sha256"] = hash.clone().into();
            digest["bytes"] = text.len().into();
        }
    }
    fs::write(&manifest_path, manifest.to_string()).unwrap();
}

#[test]
fn sensitivity_of_an_edited_study_config_panicked() {
    let work = TempDir::new().unwrap();
    let study = work.path().join("study");
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/sensitivity.toml");
    detente()
        .args(["sweep", config, "-n", "1", "-q", "--no-plots", "--out"])
        .arg(&study)
        .assert()
        .success();
    // As many random points as the Sobol design had: only the design differs.
    let points = read_csv(&study.join("design.csv")).rows.len();
    edit_config_and_manifest(
        &study,
        "design = \"sobol\"\nsamples = 256",
        &format!("design = \"random\"\npoints = {points}"),
    );
    let output = detente()
        .args(["sensitivity", "--force", "--no-plots"])
        .arg(&study)
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(line.contains("design = \"random\""), "{line}");
}

// ---------------------------------------------------------------- the dance's replay command

/// The negotiation dance of a sweep study names the command that reruns its
/// run: that command, run as printed, reproduces the study's row.
#[test]
fn the_dance_footnote_replays_its_sweep_run() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    detente()
        .current_dir(cwd)
        .args([
            "sweep",
            BASELINE,
            "-n",
            "3",
            "-q",
            "--no-plots",
            "--out",
            "study",
        ])
        .assert()
        .success();
    detente()
        .current_dir(cwd)
        .args(["plot", "study", "--format", "svg", "--out", "figures"])
        .assert()
        .success();
    let svg = String::from_utf8(read_bytes(&cwd.join("figures/negotiation_dance.svg"))).unwrap();
    let command = svg
        .split("Rerun it with: ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the dance names a command");
    let words: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(
        words[..3],
        ["detente", "run", "study/config.toml"],
        "{command}"
    );
    assert_eq!(words[3], "--replay", "{command}");
    assert_eq!(words[5], "--point", "{command}");
    assert_eq!(words.last(), Some(&"--trace"), "{command}");
    let (seed, point) = (words[4], words[6]);
    detente()
        .current_dir(cwd)
        .args(&words[1..])
        .assert()
        .success();
    let study = read_csv(&cwd.join("study/runs.csv"));
    let row = study
        .rows
        .iter()
        .find(|r| r["seed"] == seed && r["point_id"] == point)
        .expect("the named run is in the study");
    let replay = read_csv(&cwd.join(format!(
        "runs/baseline-point-{point}-replay-{seed}/runs.csv"
    )));
    for column in [
        "outcome",
        "rounds",
        "utility_us",
        "utility_russia",
        "interceptors",
    ] {
        assert_eq!(replay.rows[0][column], row[column], "{column}");
    }
}
