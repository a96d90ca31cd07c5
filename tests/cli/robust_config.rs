//! Configs that once slipped through validation, panicked or allocated
//! without bound: each now ends in one line naming the file, the place, the
//! key and the fix, from `check` exactly as from `sweep`.

use super::*;

/// Writes `dir/NAME.toml` with `text` and returns its path.
fn write_config(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, text).unwrap();
    path
}

/// The baseline with its `[sweep]` table replaced by `sweep`.
fn baseline_with_sweep(sweep: &str) -> String {
    let text = baseline_text();
    let at = text
        .find("\n[sweep]")
        .expect("the baseline has a [sweep] table");
    format!("{}\n{sweep}", &text[..at])
}

/// The 1-based line of the `nth` (from 0) occurrence of `needle` in `text`.
fn nth_line(text: &str, needle: &str, nth: usize) -> usize {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs {} times", nth + 1))
        .0;
    text[..offset].matches('\n').count() + 1
}

// ---------------------------------------------------------------- item: duplicate paths

#[test]
fn duplicate_sweep_path_is_refused_naming_both_parameters() {
    let dir = TempDir::new().unwrap();
    let text = baseline_with_sweep(
        "[sweep]\ndesign = \"grid\"\n\n\
         [[sweep.parameters]]\npath = \"agents.russia.reservation\"\nname = \"reservation\"\nvalues = [0.5, 0.6]\n\n\
         [[sweep.parameters]]\npath = \"agents.russia.reservation\"\nname = \"reservation_again\"\nvalues = [1]\n",
    );
    let config = write_config(dir.path(), "dup", &text);
    assert_check_and_sweep_refuse(
        &config,
        nth_line(&text, "path = \"agents.russia.reservation\"", 1),
        &[
            "sweep.parameters[1].path",
            "`agents.russia.reservation`",
            "sweep.parameters[0]",
            "`reservation`",
            "`reservation_again`",
            "sweep each path once",
        ],
    );
}

#[test]
fn overlapping_sweep_paths_are_refused_instead_of_panicking() {
    let dir = TempDir::new().unwrap();
    let text = baseline_with_sweep(
        "[sweep]\n\n\
         [[sweep.parameters]]\npath = \"agents.us.strategy\"\nname = \"s\"\nvalues = [\"x\"]\n\n\
         [[sweep.parameters]]\npath = \"agents.us.strategy.beta\"\nname = \"b\"\nvalues = [1.0]\n",
    );
    let config = write_config(dir.path(), "overlap", &text);
    assert_check_and_sweep_refuse(
        &config,
        nth_line(&text, "path = \"agents.us.strategy.beta\"", 0),
        &["sweep.parameters[1].path", "overlaps `agents.us.strategy`"],
    );
}

// ---------------------------------------------------------------- item: check sees [sweep]

#[test]
fn check_refuses_a_misspelt_sweep_path_with_the_message_of_sweep() {
    let text = baseline_text().replacen(
        "path = \"environment.oil_price.initial\"",
        "path = \"environment.oil_pric.initial\"",
        1,
    );
    let dir = TempDir::new().unwrap();
    let config = write_config(dir.path(), "typo", &text);
    assert_check_and_sweep_refuse(
        &config,
        nth_line(&text, "path = \"environment.oil_pric.initial\"", 0),
        &[
            "sweep.parameters[0].path",
            "no key `oil_pric`",
            "did you mean `oil_price`",
        ],
    );
}

#[test]
fn check_refuses_an_invalid_design_point_as_sweep_does() {
    let dir = TempDir::new().unwrap();
    let text = baseline_with_sweep(
        "[sweep]\n\n[[sweep.parameters]]\npath = \"agents.us.reservation\"\nvalues = [0.5, 1.5]\n",
    );
    let config = write_config(dir.path(), "point", &text);
    let check = error_of(&["check"], &config);
    let sweep = error_of(&["sweep", "--dry-run"], &config);
    assert_eq!(check, sweep);
    for needle in ["design point 1", "agents.us.reservation", "1.5"] {
        assert!(check.contains(needle), "expected `{needle}` in: {check}");
    }
}

#[test]
fn wrong_type_at_a_design_point_names_the_key_and_the_values_line() {
    let dir = TempDir::new().unwrap();
    let text = baseline_with_sweep(
        "[sweep]\n\n[[sweep.parameters]]\npath = \"agents.us.reservation\"\nvalues = [0.5, \"high\"]\n",
    );
    let config = write_config(dir.path(), "typed", &text);
    assert_check_and_sweep_refuse(
        &config,
        nth_line(&text, "values = [0.5, \"high\"]", 0),
        &[
            "design point 1",
            "agents.us.reservation: invalid type: string \"high\", expected f64",
        ],
    );
}

#[test]
fn check_refuses_sweep_keys_of_another_design() {
    let text = baseline_text().replacen("design = \"grid\"", "design = \"grid\"\npoints = 5", 1);
    let dir = TempDir::new().unwrap();
    let config = write_config(dir.path(), "points", &text);
    assert_check_and_sweep_refuse(
        &config,
        nth_line(&text, "points = 5", 0),
        &["sweep.points", "random and lhs"],
    );
}

// ---------------------------------------------------------------- item: overflow

#[test]
fn huge_oil_price_is_refused_instead_of_giving_nan_utilities() {
    let config = bad_config("initial = 70.0 ", "initial = 1e308 ");
    assert_rejected(
        &config,
        &[
            "environment.oil_price.initial",
            "must be <= 1000000",
            "1e308",
        ],
    );
}

#[test]
fn huge_weights_are_refused_instead_of_normalising_to_zeros() {
    let config = bad_config(
        "weights = { security = 0.4, influence = 0.4, oil = 0.2 }",
        "weights = { security = 1e308, influence = 1e308, oil = 0.2 }",
    );
    assert_rejected(
        &config,
        &[
            "agents.russia.weights.security",
            "must be <= 1000000",
            "1e308",
        ],
    );
}

#[test]
fn huge_effect_is_refused() {
    let config = bad_config(
        "interceptors = { security = 0.25 }                   # ASSUMPTION",
        "interceptors = { security = -1e300 }",
    );
    assert_rejected(
        &config,
        &["agents.us.effects.interceptors.security", ">= -1000000"],
    );
}

#[test]
fn integer_issue_spanning_all_of_i64_is_refused_without_panic() {
    let text = baseline_text()
        .replacen("min = 0\n", "min = -9223372036854775808\n", 1)
        .replacen("max = 10 ", "max = 9223372036854775807 ", 1);
    let dir = TempDir::new().unwrap();
    let config = write_config(dir.path(), "i64", &text);
    let line = nth_line(&text, "max = 9223372036854775807", 0);
    for command in ["check", "run"] {
        let error = error_of(&[command], &config);
        assert!(
            error.starts_with(&format!("detente: {}:{line}:", config.display())),
            "{error}"
        );
        assert!(error.contains("issues.interceptors.max"), "{error}");
        assert!(error.contains("more than 1,000,000 values"), "{error}");
    }
}

#[test]
fn package_space_beyond_u128_is_refused_without_panic() {
    // 8 issues of a million values: 10^48 packages, more than a u128 holds.
    let mut text = baseline_text();
    let issues: String = (0..8)
        .map(|i| format!("[issues.wide{i}]\nkind = \"integer\"\nmin = 0\nmax = 999999\n\n"))
        .collect();
    text = text.replacen(
        "[issues.interceptors]",
        &format!("{issues}[issues.interceptors]"),
        1,
    );
    let dir = TempDir::new().unwrap();
    let config = write_config(dir.path(), "wide", &text);
    let error = error_of(&["check"], &config);
    assert!(
        error.contains("issues span more than 2^128 packages"),
        "{error}"
    );
    assert!(error.contains("at most 20000000"), "{error}");
}

#[test]
fn oil_price_path_that_could_overflow_is_refused() {
    // A volatility of 10 over 5,000 monthly rounds: the log price would have
    // a standard deviation of 204.
    let text = baseline_text()
        .replacen("volatility = 0.45 ", "volatility = 10.0 ", 1)
        .replacen("deadline_rounds = 36", "deadline_rounds = 5000", 1);
    let dir = TempDir::new().unwrap();
    let config = write_config(dir.path(), "volatile", &text);
    let error = error_of(&["check"], &config);
    assert!(
        error.starts_with(&format!(
            "detente: {}:{}:",
            config.display(),
            nth_line(&text, "volatility = 10.0", 0)
        )),
        "{error}"
    );
    for needle in [
        "environment.oil_price.volatility",
        "<= 10",
        "protocol.deadline_rounds 5000",
        "(got 204",
    ] {
        assert!(error.contains(needle), "expected `{needle}` in: {error}");
    }
    // The same drift over the baseline's 36 rounds is fine.
    let fine = write_config(
        dir.path(),
        "fine",
        &baseline_text().replacen("drift = 0.0 ", "drift = 10.0 ", 1),
    );
    detente().arg("check").arg(&fine).assert().code(0);
}

// ---------------------------------------------------------------- item: sizes before allocation

#[test]
fn billion_point_design_is_refused_before_allocating() {
    let dir = TempDir::new().unwrap();
    let text = baseline_with_sweep(
        "[sweep]\ndesign = \"random\"\npoints = 1000000000\n\n\
         [[sweep.parameters]]\npath = \"agents.us.reservation\"\nfrom = 0.4\nto = 0.6\n",
    );
    let config = write_config(dir.path(), "huge", &text);
    let line = assert_check_and_sweep_refuse(
        &config,
        nth_line(&text, "[sweep]", 0),
        &[
            "1000000000 points x 1000 replications = 1000000000000 runs",
            "--max-runs 10000000",
        ],
    );
    assert!(line.contains("raise --max-runs"), "{line}");
    // sweep itself refuses at once, whatever --max-runs (no 8 GB allocation).
    error_of(&["sweep", "--dry-run", "--max-runs", "100"], &config);
}

#[test]
fn stepped_range_of_billions_is_refused_before_allocating() {
    let dir = TempDir::new().unwrap();
    for (design, needle) in [
        ("grid", "4000000000 points"),
        ("zip", "agents.russia.reservation has 2000000000"),
    ] {
        let text = baseline_with_sweep(&format!(
            "[sweep]\ndesign = \"{design}\"\n\n\
             [[sweep.parameters]]\npath = \"agents.us.reservation\"\nvalues = [0.5, 0.6]\n\n\
             [[sweep.parameters]]\npath = \"agents.russia.reservation\"\nfrom = 0.4\nto = 0.6\nsteps = 2000000000\n"
        ));
        let config = write_config(dir.path(), design, &text);
        let check = error_of(&["check"], &config);
        let sweep = error_of(&["sweep", "--dry-run", "-n", "1"], &config);
        assert!(check.contains(needle), "{check}");
        assert!(sweep.contains(needle), "{sweep}");
    }
}

#[test]
fn replications_beyond_max_runs_are_refused_with_an_empty_sweep_table() {
    let dir = TempDir::new().unwrap();
    let text = baseline_with_sweep("[sweep]\n");
    let config = write_config(dir.path(), "plain", &text);
    let error = error_of(
        &["sweep", "--dry-run", "-n", "18446744073709551615"],
        &config,
    );
    assert!(
        error.contains("1 point x 18446744073709551615 replications"),
        "{error}"
    );
}

// ---------------------------------------------------------------- item: extends

#[test]
fn bad_value_in_an_extended_studys_sweep_parameter_names_file_line_and_key() {
    let dir = TempDir::new().unwrap();
    let study = format!(
        "extends = '{BASELINE}'\n\n[sweep]\n\n[[sweep.parameters]]\npath = \"agents.us.reservation\"\nfrom = 0.4\nto = \"x\"\nsteps = 3\n"
    );
    let config = write_config(dir.path(), "study", &study);
    assert_check_and_sweep_refuse(
        &config,
        8,
        &["sweep.parameters[0].to", "invalid type: string \"x\""],
    );
}

#[test]
fn bad_value_in_the_file_an_extending_study_builds_on_names_that_file() {
    let dir = TempDir::new().unwrap();
    let base_text = baseline_text().replacen("steps = 12", "steps = -12", 1);
    let base = write_config(dir.path(), "base", &base_text);
    let study = write_config(
        dir.path(),
        "study",
        "extends = \"base.toml\"\n[scenario]\nname = \"study\"\n",
    );
    let error = error_of(&["check"], &study);
    let place = format!(
        "detente: {}:{}:",
        base.display(),
        nth_line(&base_text, "steps = -12", 0)
    );
    assert!(error.starts_with(&place), "expected {place} in: {error}");
    assert!(error.contains("sweep.parameters[0].steps"), "{error}");
}

#[test]
fn duplicate_key_names_the_key() {
    let config = bad_config(
        "risk = 1.0               # ASSUMPTION: risk-neutral",
        "risk = 1.0\nrisk = 2.0",
    );
    // The duplicate is on the line after the first.
    let text = fs::read_to_string(&config.path).unwrap();
    let line = nth_line(&text, "risk = 2.0", 0);
    for command in ["check", "run"] {
        let error = error_of(&[command], &config.path);
        assert!(
            error.starts_with(&format!("detente: {}:{line}:", config.path.display())),
            "{error}"
        );
        assert!(error.contains("`agents.us.risk` is given twice"), "{error}");
    }
}

#[test]
fn duplicate_key_in_an_extending_study_names_the_key() {
    let dir = TempDir::new().unwrap();
    let config = write_config(
        dir.path(),
        "study",
        &format!(
            "extends = '{BASELINE}'\n\n[sweep]\n\n[[sweep.parameters]]\npath = \"agents.us.reservation\"\nvalues = [0.5]\nvalues = [0.6]\n"
        ),
    );
    let error = error_of(&["check"], &config);
    assert!(
        error.starts_with(&format!("detente: {}:8:", config.display())),
        "{error}"
    );
    assert!(
        error.contains("`sweep.parameters[0].values` is given twice"),
        "{error}"
    );
}

#[test]
fn empty_extends_says_what_is_wrong() {
    let dir = TempDir::new().unwrap();
    let config = write_config(dir.path(), "empty", "extends = \"\"\n");
    let error = error_of(&["check"], &config);
    assert_eq!(
        error,
        format!(
            "detente: {}:1:11: extends is empty; name the config this one builds on (e.g. extends = \"baseline.toml\") or remove the line",
            config.display()
        )
    );
}

#[test]
fn unreadable_extends_names_the_key_and_the_file() {
    let dir = TempDir::new().unwrap();
    for (target, cause) in [
        ("missing.toml", "No such file"),
        (".", "Is a directory"),
        ("/dev/zero", "larger than 16 MiB"),
    ] {
        let config = write_config(
            dir.path(),
            "study",
            &format!("# a study\nextends = \"{target}\"\n"),
        );
        let error = error_of(&["check"], &config);
        let place = format!("detente: {}:2:11: extends names a file", config.display());
        assert!(error.starts_with(&place), "expected {place} in: {error}");
        assert!(error.contains(cause), "expected `{cause}` in: {error}");
    }
}

// ---------------------------------------------------------------- item: deadline

#[test]
fn deadline_beyond_the_limit_is_refused() {
    let config = bad_config("deadline_rounds = 36", "deadline_rounds = 100000");
    assert_rejected(
        &config,
        &[
            "protocol.deadline_rounds",
            "between 1 and 10000",
            "(got 100000)",
        ],
    );
}

// ---------------------------------------------------------------- one line

#[test]
fn newline_in_a_name_stays_on_one_line() {
    let config = bad_config("name = \"baseline\"", "name = \"base\\nline\"");
    assert_rejected(&config, &["scenario.name", "got `base\\nline`"]);
}

// ---------------------------------------------------------------- item: strategies

#[test]
fn bad_strategies_are_refused_naming_the_key() {
    let cases: [(&str, &[&str]); 8] = [
        (
            "{ kind = \"hard_linr\" }",
            &["agents.us.strategy.kind", "did you mean `hard_liner`?"],
        ),
        (
            "{ kind = \"conceder\", beta = 1.0 }",
            &["agents.us.strategy.beta", "must be > 1 for a conceder"],
        ),
        (
            "{ kind = \"conceder\", kappa = 1.0 }",
            &["agents.us.strategy.kappa", "<= 0.999999"],
        ),
        (
            "{ kind = \"tit_for_tat\", window = 0 }",
            &["agents.us.strategy.window", "(got 0)"],
        ),
        (
            "{ kind = \"relative_tit_for_tat\", window = 1.5 }",
            &["agents.us.strategy", "window", "(got 1.5)"],
        ),
        (
            "{ kind = \"resource_dependent\", resource = \"leverage\", scale = -1.0 }",
            &["agents.us.strategy.scale", "must be >= 0 (got -1)"],
        ),
        (
            "{ kind = \"resource_dependent\", resource = \"levrage\", scale = 1.0 }",
            &["agents.us.strategy", "did you mean `leverage`?"],
        ),
        (
            "{ kind = \"hard_liner\", beta = 2.0 }",
            &["agents.us.strategy", "unknown field `beta`"],
        ),
    ];
    for (strategy, needles) in cases {
        let config = bad_config(
            "strategy = { kind = \"time_dependent\", beta = 0.5 }",
            &format!("strategy = {strategy}"),
        );
        assert_rejected(&config, needles);
    }
}

#[test]
fn new_strategy_parameters_are_settable_by_dotted_path() {
    let tactic = "agents.russia.strategy={ kind = \"resource_dependent\", resource = \"leverage\", scale = 2.0 }";
    let output = detente()
        .args(["check", BASELINE, "--set", tactic])
        .args(["--set", "agents.russia.strategy.scale=3.5"])
        .args(["--set", "agents.us.strategy={ kind = \"tit_for_tat\" }"])
        .args(["--set", "agents.us.strategy.window=2.0"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        summary.contains("resource-dependent on oil leverage, scale 3.5, kappa 0"),
        "{summary}"
    );
    assert!(
        summary.contains("tit-for-tat, mirroring the concession 2 offers ago"),
        "{summary}"
    );
    let output = detente()
        .args(["check", BASELINE, "--set", tactic])
        .args(["--set", "agents.russia.strategy.scale=-2"])
        .output()
        .unwrap();
    assert!(one_line_error(&output).contains("agents.russia.strategy.scale"));
}
