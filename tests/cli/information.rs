//! Incomplete information through the binary: private types drawn per run,
//! opponent models that visibly learn in traces, the same bytes on any
//! thread count, strategies that change outcomes in paired runs, tournament
//! entries with opponent models, and one-line errors for bad keys.

use super::*;

/// The 2007 situation with private types and opponent models.
const INCOMPLETE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/incomplete_2007.toml");

fn run_incomplete(work: &Path, name: &str, extra: &[&str]) -> (Table, PathBuf) {
    let out = work.join(name);
    detente()
        .args(["run", INCOMPLETE, "-n", "300", "--seed", "5", "--out"])
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    (read_csv(&out.join("runs.csv")), out)
}

#[test]
fn private_types_are_drawn_from_their_priors_and_the_bytes_do_not_depend_on_threads() {
    let work = TempDir::new().unwrap();
    let (runs, one) = run_incomplete(work.path(), "one", &["--trace", "-j", "1"]);
    let (_, two) = run_incomplete(work.path(), "two", &["--trace", "-j", "2"]);
    for file in ["runs.csv", "rounds.csv"] {
        assert_eq!(
            read_bytes(&one.join(file)),
            read_bytes(&two.join(file)),
            "{file} differs between 1 and 2 threads"
        );
    }
    for (column, low, high) in [
        ("type_russia_weights_security", 0.1, 0.7),
        ("type_russia_reservation", 0.45, 0.65),
        ("type_us_weights_security", 0.3, 0.9),
    ] {
        let values: Vec<f64> = runs
            .rows
            .iter()
            .map(|r| r[column].parse().unwrap())
            .collect();
        assert!(values.iter().all(|x| (low..=high).contains(x)), "{column}");
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        // 300 uniform draws: the mean is within 4 standard errors of the middle.
        let se = (high - low) / (12.0f64 * 300.0).sqrt();
        assert!(
            (mean - (low + high) / 2.0).abs() < 4.0 * se,
            "{column}: {mean}"
        );
    }
    // A drawn reservation acts: the drawn type is the one that negotiates,
    // and its utility of what it accepted reaches its own reservation.
    let rounds = read_csv(&one.join("rounds.csv"));
    assert_eq!(rounds.header.last().map(String::as_str), Some("belief"));
    for r in runs.rows.iter().filter(|r| r["outcome"] == "agreement") {
        let u: f64 = r["utility_russia"].parse().unwrap();
        let reservation: f64 = r["type_russia_reservation"].parse().unwrap();
        let leverage_shift = 0.2 * 1.0; // reservation_oil, at most
        assert!(
            u >= reservation - leverage_shift - 1e-9,
            "run {}",
            r["run_id"]
        );
    }
    for r in &rounds.rows {
        let b: f64 = r["belief"].parse().expect("every offer notes its belief");
        assert!((-1.0..=1.0).contains(&b));
    }
}

// Beliefs in traces: a negotiator without a model keeps its prior's belief
// (the same accuracy all run), a learner's moves with the offers it
// receives; Russia's frequency model, knowing nothing before the first US
// offer, ranks the US's packages positively after it.
#[test]
fn beliefs_and_learning_show_in_traces() {
    let work = TempDir::new().unwrap();
    let (_, out) = run_incomplete(
        work.path(),
        "a",
        &[
            "--trace",
            "--set",
            "agents.us.opponent_model={kind=\"none\"}",
        ],
    );
    let rounds = read_csv(&out.join("rounds.csv"));
    let beliefs = |agent: &str| {
        let mut runs: Vec<(String, Vec<f64>)> = Vec::new();
        for r in rounds.rows.iter().filter(|r| r["offerer"] == agent) {
            let b: f64 = r["belief"].parse().unwrap();
            match runs.last_mut() {
                Some((id, v)) if *id == r["run_id"] => v.push(b),
                _ => runs.push((r["run_id"].clone(), vec![b])),
            }
        }
        runs
    };
    let us = beliefs("us");
    assert!(us.len() > 200);
    // The world stands still, so the US's belief (the prior's mean type)
    // ranks Russia's packages the same way all run.
    assert!(us.iter().all(|(_, v)| v.iter().all(|&b| b == v[0])));
    let mean_us = us.iter().map(|(_, v)| v[0]).sum::<f64>() / us.len() as f64;
    let russia = beliefs("russia");
    let moved = russia
        .iter()
        .filter(|(_, v)| v.iter().any(|&b| b != v[0]))
        .count();
    assert!(
        moved * 2 > russia.len(),
        "Russia's estimate moved in {moved} runs"
    );
    let first = russia.iter().map(|(_, v)| v[0]).sum::<f64>() / russia.len() as f64;
    eprintln!(
        "US prior-mean belief r = {mean_us:.3}; Russia's frequency model after one offer r = {first:.3}"
    );
    assert!(first > 0.2 && mean_us > 0.9, "{first} {mean_us}");
}

fn outcomes(work: &Path, config: &str, name: &str, set: &[&str]) -> Vec<String> {
    let out = work.join(name);
    let mut cmd = detente();
    cmd.args(["run", config, "-n", "800", "--seed", "9", "--out"])
        .arg(&out);
    for s in set {
        cmd.args(["--set", s]);
    }
    cmd.assert().success();
    read_csv(&out.join("runs.csv"))
        .rows
        .iter()
        .map(|r| r["outcome"].clone())
        .collect()
}

// README's paired-runs table: how often one switch changes the outcome type
// on the same seeds, with complete and with incomplete information.
#[test]
fn strategies_and_models_change_outcomes_in_paired_runs() {
    let work = TempDir::new().unwrap();
    let switches: [(&str, &[&str]); 5] = [
        ("US beta 0.5 -> 5", &["agents.us.strategy.beta=5"]),
        ("Russia beta 0.3 -> 3", &["agents.russia.strategy.beta=3"]),
        (
            "German pressure 0.15 -> 0.5",
            &["agents.germany.pressure=0.5"],
        ),
        (
            "US learns by frequency",
            &["agents.us.opponent_model={kind=\"frequency\"}"],
        ),
        (
            "US mirrors Russia (tit-for-tat)",
            &["agents.us.strategy={kind=\"tit_for_tat\"}"],
        ),
    ];
    eprintln!("| switch | complete information | incomplete information |");
    let mut changed_incomplete = 0;
    let base = [
        outcomes(work.path(), SITUATION, "c0", &[]),
        outcomes(work.path(), INCOMPLETE, "i0", &[]),
    ];
    for (k, (name, set)) in switches.iter().enumerate() {
        let mut counts = [0usize; 2];
        for (c, config) in [SITUATION, INCOMPLETE].into_iter().enumerate() {
            let b = outcomes(work.path(), config, &format!("{c}-{k}"), set);
            counts[c] = base[c].iter().zip(&b).filter(|(x, y)| x != y).count();
        }
        eprintln!("| {name} | {} of 800 | {} of 800 |", counts[0], counts[1]);
        changed_incomplete += usize::from(counts[1] > 0);
    }
    assert_eq!(
        changed_incomplete,
        switches.len(),
        "every switch changes some outcome type under incomplete information"
    );
}

#[test]
fn tournament_entries_may_bring_opponent_models() {
    let work = TempDir::new().unwrap();
    let config = work.path().join("t.toml");
    fs::write(
        &config,
        format!(
            r#"extends = "{INCOMPLETE}"

[tournament]
replicates = 40

[[tournament.proposers]]
name = "knows_prior"
strategy = {{ kind = "time_dependent", beta = 0.5 }}
opponent_model = {{ kind = "none" }}

[[tournament.proposers]]
name = "bayesian"
strategy = {{ kind = "time_dependent", beta = 0.5 }}
opponent_model = {{ kind = "bayesian", hypotheses = 32 }}

[[tournament.opponents]]
name = "frequency"
strategy = {{ kind = "time_dependent", beta = 0.3 }}
opponent_model = {{ kind = "frequency" }}
"#
        ),
    )
    .unwrap();
    let out = work.path().join("out");
    detente()
        .arg("tournament")
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .arg("--no-plots")
        .assert()
        .success();
    let ranking = read_csv(&out.join("ranking.csv"));
    let names: Vec<&str> = ranking.rows.iter().map(|r| r["entry"].as_str()).collect();
    assert!(
        names.contains(&"bayesian") && names.contains(&"knows_prior"),
        "{names:?}"
    );
    // A bad model in an entry is refused, naming the entry.
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replace("hypotheses = 32", "hypotheses = 1")).unwrap();
    let error = error_of(&["tournament"], &config);
    assert!(
        error.contains("tournament.proposers[1].opponent_model") && error.contains("hypotheses"),
        "{error}"
    );
}

/// The 2007 situation with `extra` appended and `from` replaced by `to`;
/// the line of the first line containing `at`.
fn incomplete_config(dir: &Path, from: &str, to: &str, extra: &str, at: &str) -> (PathBuf, usize) {
    let situation = fs::read_to_string(SITUATION).unwrap();
    assert!(situation.contains(from), "{from}");
    let text = format!("{}{extra}", situation.replacen(from, to, 1));
    let line = text
        .lines()
        .position(|l| l.contains(at))
        .unwrap_or_else(|| panic!("no line with {at}"))
        + 1;
    let path = dir.join("bad.toml");
    fs::write(&path, text).unwrap();
    (path, line)
}

#[test]
fn bad_private_types_and_opponent_models_are_refused_in_one_line() {
    let us = "strategy = { kind = \"time_dependent\", beta = 0.5 }";
    let private = |path: &str, prior: &str| {
        format!("\n[[private_types]]\npath = \"{path}\"\nprior = {prior}\n")
    };
    let uniform = "{ kind = \"uniform\", low = 0.4, high = 0.6 }";
    let cases: Vec<(String, String, String, &str, Vec<&str>)> = vec![
        (
            us.into(),
            format!("{us}\nopponent_model = {{ kind = \"oracle\" }}"),
            String::new(),
            "opponent_model =",
            vec!["opponent_model", "oracle"],
        ),
        (
            us.into(),
            format!("{us}\nopponent_model = {{ kind = \"frequency\", learning_rate = 0 }}"),
            String::new(),
            "opponent_model =",
            vec!["agents.us.opponent_model.learning_rate", "must be > 0"],
        ),
        (
            us.into(),
            format!("{us}\nopponent_model = {{ kind = \"bayesian\", hypotheses = 1 }}"),
            String::new(),
            "opponent_model =",
            vec!["agents.us.opponent_model.hypotheses", "between 2 and 10000"],
        ),
        (
            us.into(),
            format!("{us}\nopponent_model = {{ kind = \"bayesian\", sigma = -1 }}"),
            String::new(),
            "opponent_model =",
            vec!["agents.us.opponent_model.sigma"],
        ),
        (
            "energy_dependence = 0.4".into(),
            "energy_dependence = 0.4\nopponent_model = { kind = \"frequency\" }".into(),
            String::new(),
            "opponent_model =",
            vec!["agents.germany.opponent_model", "negotiators"],
        ),
        (
            us.into(),
            us.into(),
            private("agents.poland.reservation", uniform),
            "\"agents.poland.reservation\"",
            vec!["private_types[0].path", "host", "negotiators"],
        ),
        (
            us.into(),
            us.into(),
            private("agents.russia.effects.radar", uniform),
            "\"agents.russia.effects.radar\"",
            vec![
                "private_types[0].path",
                "cannot be private",
                "effects are public",
            ],
        ),
        (
            us.into(),
            us.into(),
            private("agents.rusia.reservation", uniform),
            "\"agents.rusia",
            vec!["private_types[0].path", "did you mean `russia`"],
        ),
        (
            us.into(),
            us.into(),
            private(
                "agents.russia.reservation",
                "{ kind = \"uniform\", low = 0.5, high = 1.5 }",
            ),
            "high = 1.5",
            vec!["private_types[0].prior", "[0, 1]"],
        ),
        (
            us.into(),
            us.into(),
            private(
                "agents.russia.discount",
                "{ kind = \"discrete\", values = [0.9, 0.95] }",
            ),
            "kind = \"discrete\"",
            vec!["private_types[0].prior.kind", "continuous"],
        ),
        (
            us.into(),
            us.into(),
            format!(
                "{}{}",
                private("agents.russia.reservation", uniform),
                private("agents.russia.reservation", uniform)
            ),
            "XX",
            vec!["private_types[1].path", "already private_types[0]"],
        ),
    ];
    for (from, to, extra, at, needles) in cases {
        let work = TempDir::new().unwrap();
        // The duplicate's line is the second `path = ` line.
        let (path, line) = if at == "XX" {
            let (p, _) =
                incomplete_config(work.path(), &from, &to, &extra, "agents.russia.reservation");
            let text = fs::read_to_string(&p).unwrap();
            let second = text
                .lines()
                .enumerate()
                .filter(|(_, l)| l.contains("\"agents.russia.reservation\""))
                .nth(1)
                .unwrap()
                .0;
            (p, second + 1)
        } else {
            incomplete_config(work.path(), &from, &to, &extra, at)
        };
        assert_check_and_sweep_refuse(&path, line, &needles);
    }
    // Zeuthen's protocol plays with complete information; an event cannot
    // change an opponent model.
    let work = TempDir::new().unwrap();
    let (path, _) = incomplete_config(
        work.path(),
        us,
        &format!("{us}\nopponent_model = {{ kind = \"frequency\" }}"),
        "",
        "opponent_model",
    );
    let zeuthen = error_of(&["check", "--set", "protocol.kind=\"zeuthen\""], &path);
    assert!(zeuthen.contains("alternating"), "{zeuthen}");
    let (path, _) = incomplete_config(
        work.path(),
        us,
        us,
        "\n[[events]]\nname = \"learn\"\nround = 2\nset = { agents.us.opponent_model = { kind = \"frequency\" } }\n",
        "learn",
    );
    let event = error_of(&["check"], &path);
    assert!(event.contains("opponent model cannot change"), "{event}");
}
