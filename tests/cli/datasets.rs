//! One owner for the datasets: column names that would clash are refused
//! before anything runs, and every file is written by one CSV writer.

use super::*;

/// `check` and `sweep --dry-run` refuse `config` with the same one line,
/// which names `file:line:` and every needle.
fn assert_check_and_sweep_refuse(config: &BadConfig, needles: &[&str]) {
    let place = format!("{}:{}:", config.path.display(), config.line);
    let mut lines = Vec::new();
    for args in [&["check"][..], &["sweep", "--dry-run"][..]] {
        let work = TempDir::new().unwrap();
        let output = detente()
            .current_dir(work.path())
            .args(args)
            .arg(&config.path)
            .output()
            .unwrap();
        let line = one_line_error(&output);
        assert!(line.contains(&place), "expected `{place}` in: {line}");
        for needle in needles {
            assert!(line.contains(needle), "expected `{needle}` in: {line}");
        }
        assert_empty_dir(work.path());
        lines.push(line);
    }
    assert_eq!(lines[0], lines[1], "check and sweep say the same");
}

#[test]
fn parameter_named_like_a_summary_column_was_two_columns() {
    let config = bad_config("name = \"oil_price\"", "name = \"agreement_rate\"");
    assert_check_and_sweep_refuse(
        &config,
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
        &config,
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
