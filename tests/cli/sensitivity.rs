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
    // Charts for each output.
    detente()
        .current_dir(work.path())
        .args(["plot"])
        .arg(&study)
        .args(["--format", "svg"])
        .assert()
        .success();
    let figures = work.path().join("plots/sobol");
    assert!(figures.join("sensitivity_agreement_rate.svg").exists());
    // Rerunning the analysis is refused without --force...
    let refused = detente()
        .current_dir(work.path())
        .arg("sensitivity")
        .arg(&study)
        .args(["--output", "mean_utility_russia"])
        .output()
        .unwrap();
    assert!(one_line_error(&refused).contains("--force"));
    // ...and with it rewrites the file with that output only and redraws
    // the figures: the charts of outputs no longer analysed are gone.
    detente()
        .current_dir(work.path())
        .args(["sensitivity"])
        .arg(&study)
        .args(["--output", "mean_utility_russia", "--force"])
        .assert()
        .success();
    let s = read_csv(&study.join("sensitivity.csv"));
    assert!(s.rows.iter().all(|r| r["output"] == "mean_utility_russia"));
    assert!(figures.join("sensitivity_mean_utility_russia.svg").exists());
    assert!(figures.join("sensitivity_mean_utility_russia.png").exists());
    assert!(
        !figures.join("sensitivity_agreement_rate.svg").exists(),
        "no stale chart"
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
    let refused = detente()
        .arg("sensitivity")
        .arg(&study)
        .arg("--no-plots")
        .output()
        .unwrap();
    let line = one_line_error(&refused);
    assert!(line.contains("--drop-missing"), "{line}");
    let output = detente()
        .arg("sensitivity")
        .arg(&study)
        .args(["--drop-missing", "--no-plots"])
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
    let output = detente()
        .args(["sensitivity", "--no-plots"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(one_line_error(&output).contains("morris or sobol"));
}

/// A config extending the baseline with the given `[sweep]` lines and
/// parameters (TOML `[[sweep.parameters]]` tables).
fn study_config(dir: &Path, name: &str, sweep: &str, parameters: &str) -> PathBuf {
    let text = format!(
        "extends = {BASELINE:?}\n[scenario]\nname = \"{name}\"\n[sweep]\n{sweep}\n{parameters}"
    );
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, text).unwrap();
    path
}

/// Germany's preferences move nothing but Germany's utility: a grid over
/// them isolates the replicate noise of the other outputs.
const GERMAN_SECURITY: &str = "[[sweep.parameters]]\npath = \"agents.germany.weights.security\"\nname = \"germany_security\"\nvalues = [0.1, 0.5, 0.9]\n";

#[test]
fn independent_streams_stay_the_default_and_old_designs_are_unchanged() {
    let work = TempDir::new().unwrap();
    let parameters = "[[sweep.parameters]]\npath = \"agents.russia.reservation\"\nname = \"russia_reservation\"\nfrom = 0.45\nto = 0.65\n\
[[sweep.parameters]]\npath = \"agents.germany.weights.security\"\nname = \"germany_security\"\nvalues = [0.1, 0.5, 0.9]\n";
    let sweep = "design = \"lhs\"\npoints = 5\nreplications = 3";
    let default = study_config(work.path(), "lhs", sweep, parameters);
    let explicit = study_config(
        work.path(),
        "lhs_explicit",
        &format!("{sweep}\ncommon_random_numbers = false"),
        parameters,
    );
    for config in [&default, &explicit] {
        assert!(sweep_study(work.path(), config, &[]).status.success());
    }
    let (a, b) = (
        work.path().join("runs/lhs"),
        work.path().join("runs/lhs_explicit"),
    );
    // Pinned before common random numbers existed: the design and the seed
    // of every run (replicate r of point q: seed(M, q, r)).
    assert_eq!(
        String::from_utf8(read_bytes(&a.join("design.csv"))).unwrap(),
        "point_id,russia_reservation,germany_security\n\
0,0.511941764051603,0.1\n1,0.5498913540777133,0.5\n2,0.5863933583723595,0.9\n\
3,0.4856179321229052,0.1\n4,0.6187869417176577,0.5\n"
    );
    let seeds: Vec<String> = read_csv(&a.join("runs.csv"))
        .rows
        .iter()
        .map(|r| r["seed"].clone())
        .collect();
    assert_eq!(
        seeds[..7],
        [
            "9583729818215011843",
            "5998278821487949476",
            "15838794768265030029",
            "6524044328968366119",
            "11868211222130015401",
            "5783137222498984861",
            "6159770191926105895",
        ]
    );
    for file in ["design.csv", "runs.csv", "rounds.csv", "summary.csv"] {
        assert_eq!(
            read_bytes(&a.join(file)),
            read_bytes(&b.join(file)),
            "{file}"
        );
    }
    let manifest = String::from_utf8(read_bytes(&a.join("manifest.json"))).unwrap();
    assert!(!manifest.contains("common_random_numbers"), "{manifest}");
}

#[test]
fn common_random_numbers_give_a_parameter_that_changes_nothing_no_effect() {
    let work = TempDir::new().unwrap();
    let agreement = |crn: bool| -> (Vec<String>, PathBuf) {
        let name = if crn { "paired" } else { "independent" };
        let config = study_config(
            work.path(),
            name,
            &format!("design = \"grid\"\nreplications = 30\ncommon_random_numbers = {crn}"),
            GERMAN_SECURITY,
        );
        let output = sweep_study(work.path(), &config, &[]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let study = work.path().join("runs").join(name);
        let rates = read_csv(&study.join("summary.csv"))
            .rows
            .iter()
            .map(|r| r["agreement_rate"].clone())
            .collect();
        (rates, study)
    };
    let (paired, study) = agreement(true);
    assert_eq!(paired.len(), 3);
    assert!(paired.iter().all(|r| *r == paired[0]), "{paired:?}");
    // Replicate r runs with one seed at every point: point 0's.
    let runs = read_csv(&study.join("runs.csv"));
    for row in &runs.rows {
        let first = &runs.rows[row["replicate"].parse::<usize>().unwrap()];
        assert_eq!(row["seed"], first["seed"]);
    }
    let manifest = String::from_utf8(read_bytes(&study.join("manifest.json"))).unwrap();
    assert!(
        manifest.contains("\"common_random_numbers\": true"),
        "{manifest}"
    );
    // With independent streams the same points differ by noise alone.
    let (independent, _) = agreement(false);
    assert!(
        independent.iter().any(|r| *r != independent[0]),
        "{independent:?}"
    );
}

#[test]
fn shards_with_and_without_common_random_numbers_are_not_merged() {
    let work = TempDir::new().unwrap();
    let mut shards = Vec::new();
    for (crn, shard) in [(true, "1/2"), (false, "2/2")] {
        let config = study_config(
            work.path(),
            "mixed",
            &format!("design = \"grid\"\nreplications = 2\ncommon_random_numbers = {crn}"),
            GERMAN_SECURITY,
        );
        let out = work
            .path()
            .join(format!("shard{}", shard.replace('/', "-")));
        let output = sweep_study(
            work.path(),
            &config,
            &["--shard", shard, "--out", out.to_str().unwrap()],
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        shards.push(out);
    }
    let output = detente()
        .current_dir(work.path())
        .arg("merge")
        .args(&shards)
        .args(["--out", "merged"])
        .output()
        .unwrap();
    // The key is in the hashed config, and the design record says it too.
    let line = one_line_error(&output);
    assert!(line.contains("shards of different configs"), "{line}");
    let records: Vec<bool> = shards
        .iter()
        .map(|s| {
            String::from_utf8(read_bytes(&s.join("manifest.json")))
                .unwrap()
                .contains("\"common_random_numbers\": true")
        })
        .collect();
    assert_eq!(records, [true, false]);
}

#[test]
fn sobol_with_common_random_numbers_reports_no_noise_for_an_inert_factor() {
    let work = TempDir::new().unwrap();
    let parameters = "[[sweep.parameters]]\npath = \"agents.russia.reservation\"\nname = \"russia_reservation\"\nfrom = 0.45\nto = 0.65\n\
[[sweep.parameters]]\npath = \"agents.germany.weights.security\"\nname = \"germany_security\"\nfrom = 0.0\nto = 1.0\n";
    let read = |crn: bool| {
        let name = if crn {
            "sobol_paired"
        } else {
            "sobol_independent"
        };
        let config = study_config(
            work.path(),
            name,
            &format!(
                "design = \"sobol\"\nsamples = 16\nreplications = 6\ncommon_random_numbers = {crn}"
            ),
            parameters,
        );
        let output = sweep_study(work.path(), &config, &[]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let table = read_csv(&work.path().join("runs").join(name).join("sensitivity.csv"));
        (table, stdout)
    };
    let value = |t: &Table, index: &str, factor: &str| -> f64 {
        let row = t
            .rows
            .iter()
            .find(|r| {
                r["output"] == "agreement_rate" && r["index"] == index && r["factor"] == factor
            })
            .unwrap_or_else(|| panic!("no {index} of {factor}"));
        row["value"].parse().unwrap()
    };
    let (paired, stdout) = read(true);
    assert!(stdout.contains("common random numbers"), "{stdout}");
    for index in ["S1", "ST", "ST_noise"] {
        assert_eq!(value(&paired, index, "germany_security"), 0.0, "{index}");
    }
    let noise = paired
        .rows
        .iter()
        .find(|r| r["output"] == "agreement_rate" && r["index"] == "noise_share")
        .unwrap();
    assert_eq!(noise["estimator"], "point_by_replicate_residual");
    // Independent streams: the inert factor's ST is replicate noise, and
    // ST_noise says so.
    let (independent, _) = read(false);
    let (st, st_noise) = (
        value(&independent, "ST", "germany_security"),
        value(&independent, "ST_noise", "germany_security"),
    );
    assert!(st > 0.0 && st_noise > 0.0, "{st} {st_noise}");
}

#[test]
fn sensitivity_csv_names_estimators_and_reports_indices_at_half_the_sample() {
    let work = TempDir::new().unwrap();
    let config = design(
        work.path(),
        "halves",
        "[sweep]\ndesign = \"sobol\"\nsamples = 16\nreplications = 4",
    );
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
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("convergence: the first 8 base samples give indices within"),
        "{stdout}"
    );
    let s = read_csv(&work.path().join("runs/halves/sensitivity.csv"));
    assert_eq!(
        s.header,
        [
            "output",
            "method",
            "index",
            "estimator",
            "factor",
            "factor_2",
            "value",
            "ci_low",
            "ci_high",
            "value_half",
            "units_used",
            "units_dropped"
        ]
    );
    for (index, estimator) in [("S1", "saltelli2010_centred"), ("ST", "jansen1999")] {
        for row in s.rows.iter().filter(|r| r["index"] == index) {
            assert_eq!(row["estimator"], estimator);
            assert!(row["value_half"].parse::<f64>().is_ok(), "{row:?}");
        }
    }
}

#[test]
fn sobol_samples_are_rounded_up_to_a_power_of_two_with_a_warning() {
    let work = TempDir::new().unwrap();
    let config = study_config(
        work.path(),
        "rounded",
        "design = \"sobol\"\nsamples = 12\nreplications = 1",
        GERMAN_SECURITY
            .replace("values = [0.1, 0.5, 0.9]", "from = 0.0\nto = 1.0")
            .as_str(),
    );
    let output = detente()
        .arg("sweep")
        .arg(&config)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "detente: warning: sweep.samples = 12 is not a power of two; using 16 base samples"
        ),
        "{stderr}"
    );
    // 16 (D + 2) points for D = 1.
    assert!(stderr.contains("48 points"), "{stderr}");
}

#[test]
fn sobol_refuses_more_parameters_than_it_has_dimensions_for() {
    let work = TempDir::new().unwrap();
    let mut parameters = String::new();
    let agents = ["us", "russia", "poland", "czech", "germany"];
    let mut paths: Vec<String> = Vec::new();
    for agent in agents {
        for table in ["weights", "base"] {
            for attribute in ["security", "influence", "oil"] {
                paths.push(format!("agents.{agent}.{table}.{attribute}"));
            }
        }
        paths.push(format!("agents.{agent}.reservation"));
    }
    for path in &paths[..33] {
        parameters.push_str(&format!(
            "[[sweep.parameters]]\npath = \"{path}\"\nfrom = 0.1\nto = 0.2\n"
        ));
    }
    let config = study_config(
        work.path(),
        "wide",
        "design = \"sobol\"\nsamples = 4\nreplications = 1",
        &parameters,
    );
    let output = detente()
        .arg("sweep")
        .arg(&config)
        .arg("--dry-run")
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(
        line.contains("sweep.parameters") && line.contains("at most 32 parameters (got 33)"),
        "{line}"
    );
}

#[test]
fn optimal_trajectories_are_checked_and_recorded() {
    let work = TempDir::new().unwrap();
    let config = |name: &str, sweep: &str| {
        study_config(
            work.path(),
            name,
            sweep,
            &GERMAN_SECURITY.replace("values = [0.1, 0.5, 0.9]", "from = 0.0\nto = 1.0"),
        )
    };
    let dry = |path: &Path| {
        detente()
            .arg("sweep")
            .arg(path)
            .arg("--dry-run")
            .output()
            .unwrap()
    };
    let too_few = config(
        "few",
        "design = \"morris\"\ntrajectories = 10\noptimal_trajectories = 10",
    );
    let line = one_line_error(&dry(&too_few));
    assert!(
        line.contains("sweep.optimal_trajectories") && line.contains("more than `trajectories`"),
        "{line}"
    );
    let not_morris = config(
        "lhs",
        "design = \"lhs\"\npoints = 3\noptimal_trajectories = 10",
    );
    let line = one_line_error(&dry(&not_morris));
    assert!(line.contains("applies to the morris design only"), "{line}");
    let chosen = config(
        "chosen",
        "design = \"morris\"\ntrajectories = 4\noptimal_trajectories = 20\nreplications = 2",
    );
    let output = sweep_study(work.path(), &chosen, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let manifest =
        String::from_utf8(read_bytes(&work.path().join("runs/chosen/manifest.json"))).unwrap();
    assert!(
        manifest.contains("\"optimal_trajectories\": 20"),
        "{manifest}"
    );
}

#[test]
fn a_study_whose_design_this_version_would_not_build_is_refused() {
    let work = TempDir::new().unwrap();
    let config = design(
        work.path(),
        "changed",
        "[sweep]\ndesign = \"morris\"\ntrajectories = 3\nreplications = 2",
    );
    assert!(sweep_study(work.path(), &config, &[]).status.success());
    // Another seed in the manifest stands for a design built by another
    // version: the points in design.csv are not those the plan makes.
    let study = work.path().join("runs/changed");
    let manifest = fs::read_to_string(study.join("manifest.json")).unwrap();
    let seed = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("\"seed\""))
        .unwrap()
        .to_string();
    fs::write(
        study.join("manifest.json"),
        manifest.replace(&seed, "  \"seed\": 1,"),
    )
    .unwrap();
    let output = detente()
        .args(["sensitivity", "--no-plots", "--force"])
        .arg(&study)
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(line.contains("design.csv is not the design"), "{line}");
}
