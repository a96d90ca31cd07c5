//! `detente discover`: PRIM boxes found in a study, their files and
//! figures, and one-line refusals of questions it cannot answer.

use super::*;

/// A small baseline study (24 points x 20 runs) in `cwd/study`.
fn study(cwd: &Path) -> PathBuf {
    detente()
        .current_dir(cwd)
        .args([
            "sweep",
            SITUATION,
            "-n",
            "20",
            "-q",
            "--no-plots",
            "--out",
            "study",
        ])
        .assert()
        .success();
    cwd.join("study")
}

fn discover(cwd: &Path, args: &[&str]) -> Output {
    detente()
        .current_dir(cwd)
        .arg("discover")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn discover_writes_boxes_trajectories_and_figures_the_same_each_time() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    study(cwd);
    let output = discover(cwd, &["study", "--outcome", "status_quo"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("runs ending in status_quo"), "{text}");
    assert!(text.contains("box 1: coverage"), "{text}");
    let out = cwd.join("discovery/study");
    for name in [
        "trajectory.csv",
        "boxes.csv",
        "manifest.json",
        "box_1_tradeoff.png",
        "box_1_limits.png",
    ] {
        assert!(out.join(name).is_file(), "{name} in {}", out.display());
    }
    // Box 1 restricts the drawn threat: the status quo follows a low threat.
    let boxes = read_csv(&out.join("boxes.csv"));
    let threat = boxes
        .rows
        .iter()
        .find(|r| r["box"] == "1" && r["input"] == "threat")
        .expect("box 1 restricts the threat");
    let high: f64 = threat["high"].parse().unwrap();
    assert!(high < 0.5, "threat up to {high}");
    let trajectory = read_csv(&out.join("trajectory.csv"));
    assert_eq!(trajectory.rows[0]["step"], "0");
    assert_eq!(trajectory.rows[0]["coverage"], "1");
    assert!(trajectory.rows.iter().any(|r| r["stage"] == "paste"));
    // Again into another directory: the same bytes.
    let again = discover(cwd, &["study", "--outcome", "status_quo", "--out", "again"]);
    assert!(again.status.success());
    for name in ["trajectory.csv", "boxes.csv"] {
        assert_eq!(
            read_bytes(&out.join(name)),
            read_bytes(&cwd.join("again").join(name)),
            "{name}"
        );
    }
    // An existing output is refused without --force and replaced with it.
    let refused = discover(cwd, &["study", "--outcome", "status_quo"]);
    assert!(one_line_error(&refused).contains("--force"));
    let forced = discover(cwd, &["study", "--outcome", "agreement", "--force"]);
    assert!(forced.status.success());
    // CSV on stdout is boxes.csv; JSON parses.
    let csv = discover(
        cwd,
        &[
            "study",
            "--outcome",
            "agreement",
            "--format",
            "csv",
            "--out",
            "csv",
            "--no-plots",
        ],
    );
    assert_eq!(csv.stdout, read_bytes(&cwd.join("csv/boxes.csv")));
    assert!(
        !cwd.join("csv/box_1_limits.png").exists(),
        "--no-plots draws nothing"
    );
    let json = discover(
        cwd,
        &[
            "study",
            "--outcome",
            "agreement",
            "--format",
            "json",
            "--out",
            "json",
        ],
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(value["boxes"][0]["coverage"].as_f64().unwrap() > 0.0);
}

#[test]
fn discover_by_points_and_by_output() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    study(cwd);
    let output = discover(
        cwd,
        &[
            "study",
            "--by",
            "points",
            "--outcome",
            "agreement",
            "--no-plots",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("of 24 cases are design points where agreement is the most frequent outcome"),
        "{text}"
    );
    let output = discover(
        cwd,
        &[
            "study",
            "--output",
            "utility_us",
            "--above",
            "0.6",
            "--out",
            "us",
            "--no-plots",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("runs with utility_us > 0.6"));
}

#[test]
fn questions_discover_cannot_answer_are_refused_in_one_line() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    study(cwd);
    let line = one_line_error(&discover(
        cwd,
        &["study", "--output", "nope", "--above", "1"],
    ));
    assert!(
        line.contains("no column `nope`") && line.contains("utility_us"),
        "{line}"
    );
    let line = one_line_error(&discover(cwd, &["study", "--outcome", "peace"]));
    assert!(
        line.contains("not an outcome") && line.contains("status_quo"),
        "{line}"
    );
    let line = one_line_error(&discover(
        cwd,
        &["study", "--output", "rounds", "--above", "1e9"],
    ));
    assert!(
        line.contains("none of the 480 cases is of interest"),
        "{line}"
    );
    let line = one_line_error(&discover(
        cwd,
        &[
            "study", "--by", "points", "--output", "nope", "--below", "0",
        ],
    ));
    assert!(line.contains("summary.csv: no column `nope`"), "{line}");
    // Out-of-range settings are argument errors.
    for args in [
        &["study", "--outcome", "agreement", "--threshold", "0"][..],
        &["study", "--outcome", "agreement", "--alpha", "0.5"][..],
        &["study", "--outcome", "agreement", "--min-mass", "1"][..],
        &["study", "--output", "rounds"][..],
        &["study"][..],
    ] {
        let output = discover(cwd, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(!cwd.join("discovery").exists(), "nothing written");
}

#[test]
fn an_incomplete_study_is_refused_unless_asked() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let dir = study(cwd);
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value = serde_json::from_slice(&read_bytes(&path)).unwrap();
    manifest["complete"] = false.into();
    fs::write(&path, manifest.to_string()).unwrap();
    let line = one_line_error(&discover(cwd, &["study", "--outcome", "agreement"]));
    assert!(
        line.contains("incomplete study") && line.contains("--allow-incomplete"),
        "{line}"
    );
}
