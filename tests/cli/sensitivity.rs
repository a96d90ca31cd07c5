//! Morris and Sobol sweeps end to end: designs, `detente sensitivity`, the
//! failed-run policy, and charts.

use super::*;

/// A config extending the baseline with a sensitivity design over two or three parameters.
fn design(dir: &Path, name: &str, sweep: &str) -> PathBuf {
    let text = format!(
        "extends = {BASELINE:?}\n[scenario]\nname = \"{name}\"\n{sweep}\n\
[[sweep.parameters]]\npath = \"agents.russia.reservation\"\nname = \"russia_reservation\"\nfrom = 0.45\nto = 0.65\n\
[[sweep.parameters]]\npath = \"agents.us.reservation\"\nname = \"us_reservation\"\nfrom = 0.45\nto = 0.65\n\
[[sweep.parameters]]\npath = \"agents.germany.pressure\"\nname = \"german_pressure\"\nfrom = 0.0\nto = 0.4\ngroup = \"allies\"\n"
    );
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, text).unwrap();
    path
}

fn sweep_study(work: &Path, config: &Path, extra: &[&str]) -> Output {
    detente()
        .current_dir(work)
        .arg("sweep")
        .arg(config)
        .args(["-q", "--no-plots"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn morris_sweep_ranks_factors_with_intervals() {
    let work = TempDir::new().unwrap();
    let config = design(
        work.path(),
        "morris",
        "[sweep]\ndesign = \"morris\"\ntrajectories = 6\nreplications = 10",
    );
    let output = sweep_study(work.path(), &config, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("morris sensitivity (6 trajectories used)"),
        "{stdout}"
    );
    let study = work.path().join("runs/morris");
    // r (k + 1) points: 3 factors (the group counts as one).
    assert_eq!(read_csv(&study.join("design.csv")).rows.len(), 6 * 4);
    let s = read_csv(&study.join("sensitivity.csv"));
    let factors: HashSet<&str> = s.rows.iter().map(|r| r["factor"].as_str()).collect();
    assert!(factors.contains("allies") && factors.contains("russia_reservation"));
    for row in s.rows.iter().filter(|r| r["index"] == "mu_star") {
        let (v, lo, hi): (f64, f64, f64) = (
            row["value"].parse().unwrap(),
            row["ci_low"].parse().unwrap(),
            row["ci_high"].parse().unwrap(),
        );
        assert!(lo <= v && v <= hi && v >= 0.0, "{row:?}");
    }
    assert!(
        s.rows
            .iter()
            .any(|r| r["index"] == "noise_share" && r["output"] == "agreement_rate")
    );
}

#[test]
fn sobol_sweep_has_saltelli_size_and_indices() {
    let work = TempDir::new().unwrap();
    let config = design(
        work.path(),
        "sobol",
        "[sweep]\ndesign = \"sobol\"\nsamples = 16\nsecond_order = true\nreplications = 5",
    );
    // `group` is a Morris feature.
    let output = sweep_study(work.path(), &config, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(one_line_error(&output).contains("`group` applies to the morris design only"));
    let text = fs::read_to_string(&config)
        .unwrap()
        .replace("group = \"allies\"\n", "");
    fs::write(&config, text).unwrap();
    let output = sweep_study(work.path(), &config, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let study = work.path().join("runs/sobol");
    // N (2D + 2) points with second order.
    assert_eq!(
        read_csv(&study.join("design.csv")).rows.len(),
        16 * (2 * 3 + 2)
    );
    let s = read_csv(&study.join("sensitivity.csv"));
    for index in ["S1", "ST", "S2"] {
        assert!(
            s.rows
                .iter()
                .any(|r| r["index"] == index && r["output"] == "agreement_rate"),
            "{index}"
        );
    }
    assert_eq!(
        s.rows
            .iter()
            .filter(|r| r["index"] == "S2" && r["output"] == "agreement_rate")
            .count(),
        3
    );
    // Rerunning the analysis for one output rewrites the file with that output only.
    detente()
        .args(["sensitivity"])
        .arg(&study)
        .args(["--output", "mean_utility_russia"])
        .assert()
        .success();
    let s = read_csv(&study.join("sensitivity.csv"));
    assert!(s.rows.iter().all(|r| r["output"] == "mean_utility_russia"));
    // Charts for each output.
    detente()
        .current_dir(work.path())
        .args(["plot"])
        .arg(&study)
        .args(["--format", "svg"])
        .assert()
        .success();
    assert!(
        work.path()
            .join("plots/sobol/sensitivity_mean_utility_russia.svg")
            .exists()
    );
}

#[test]
fn failed_runs_stop_the_analysis_unless_dropped() {
    let work = TempDir::new().unwrap();
    let config = design(
        work.path(),
        "failing",
        "[sweep]\ndesign = \"morris\"\ntrajectories = 5\nreplications = 4",
    );
    // Run 0 is at design point 0, the first trajectory.
    let output = detente()
        .current_dir(work.path())
        .env("DETENTE_FAIL_RUNS", "0")
        .args(["sweep", "-q", "--no-plots"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no sensitivity indices") && stderr.contains("design points 0"),
        "{stderr}"
    );
    let study = work.path().join("runs/failing");
    assert!(!study.join("sensitivity.csv").exists());
    let refused = detente().arg("sensitivity").arg(&study).output().unwrap();
    let line = one_line_error(&refused);
    assert!(line.contains("--drop-missing"), "{line}");
    let output = detente()
        .arg("sensitivity")
        .arg(&study)
        .arg("--drop-missing")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("4 trajectories used, 1 dropped"));
    let s = read_csv(&study.join("sensitivity.csv"));
    assert!(
        s.rows
            .iter()
            .all(|r| r["units_used"] == "4" && r["units_dropped"] == "1")
    );
}

#[test]
fn sensitivity_of_a_grid_study_is_refused() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("grid");
    detente()
        .args(["sweep", BASELINE, "-q", "--no-plots", "-n", "2", "--out"])
        .arg(&out)
        .assert()
        .success();
    let output = detente().arg("sensitivity").arg(&out).output().unwrap();
    assert!(one_line_error(&output).contains("morris or sobol"));
}
