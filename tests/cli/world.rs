//! A world that moves during the talks, through the binary: the baseline's
//! traces show the events, Russia's escalation, a host's withdrawal and the
//! US dropping the plan; runs.csv says which event fired when; every
//! mechanism changes outcomes in paired runs; bad input is one line.

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

use super::common::*;

fn run(work: &Path, name: &str, extra: &[&str]) -> Table {
    let out = work.join(name);
    detente()
        .args([
            "run", BASELINE, "-n", "600", "--seed", "3", "--trace", "--out",
        ])
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    read_csv(&out.join("runs.csv"))
}

#[test]
fn the_baseline_trace_shows_events_escalation_withdrawal_and_the_plan_dropped() {
    let work = TempDir::new().unwrap();
    let runs = run(work.path(), "a", &[]);
    let rounds = read_csv(&work.path().join("a/rounds.csv"));
    assert_eq!(rounds.header.last().map(String::as_str), Some("note"));
    let said = |response: &str, note: &str| {
        rounds
            .rows
            .iter()
            .any(|r| r["response"] == response && r["note"] == note)
    };
    assert!(said("escalate", "cfe_suspension"), "Russia never escalated");
    assert!(
        said("withdraw", "czech"),
        "the Czech government never withdrew"
    );
    assert!(said("abandon", "us"), "the US never dropped the plan");
    assert!(said("event", "oil_crash") && said("event", "new_administration"));
    // runs.csv says the same, run by run.
    for column in [
        "threat_final",
        "ended_by",
        "escalated_round",
        "withdrew_czech",
        "event_oil_crash",
    ] {
        assert!(
            runs.header.contains(&column.to_string()),
            "no column {column}"
        );
    }
    assert_eq!(runs.header.last().map(String::as_str), Some("message"));
    for r in &runs.rows {
        let id = &r["run_id"];
        let traced = |response: &str, note: &str| {
            rounds.rows.iter().find(|t| {
                &t["run_id"] == id
                    && t["track"] == "main"
                    && t["response"] == response
                    && t["note"] == note
            })
        };
        let escalated = traced("escalate", "cfe_suspension").map(|t| t["round"].clone());
        assert_eq!(
            escalated.unwrap_or_default(),
            r["escalated_round"],
            "run {id}"
        );
        let crash = traced("event", "oil_crash").map(|t| t["round"].clone());
        assert_eq!(crash.unwrap_or_default(), r["event_oil_crash"], "run {id}");
        if !r["event_oil_crash"].is_empty() {
            assert_eq!(
                r["event_oil_crash"], "19",
                "a dated event fires in its round"
            );
        }
        match r["outcome"].as_str() {
            "agreement" => assert_eq!(r["ended_by"], ""),
            _ => assert!(["proposer", "deadline"].contains(&r["ended_by"].as_str())),
        }
        let threat: f64 = r["threat_final"].parse().unwrap();
        assert!((0.0..=1.0).contains(&threat));
    }
    // The threat moves: in some runs the concluding threat is not the drawn one.
    assert!(runs.rows.iter().any(|r| r["threat_final"] != r["threat"]));
}

#[test]
fn a_moving_world_gives_the_same_bytes_on_any_number_of_threads() {
    let work = TempDir::new().unwrap();
    run(work.path(), "one", &["-j", "1"]);
    run(work.path(), "two", &["-j", "2"]);
    for file in ["runs.csv", "rounds.csv"] {
        assert_eq!(
            read_bytes(&work.path().join("one").join(file)),
            read_bytes(&work.path().join("two").join(file)),
            "{file}"
        );
    }
}

// README, "Face validity": the moving baseline makes the record's outcome
// (the plan dropped, neither a deal nor a deployment) the likely one, where
// the still 2007 situation made a deal likely; with START on its own track
// START is renewed in every run, as in 2010, and the site deal is all but
// gone.
#[test]
fn the_moving_baseline_makes_the_record_likely_where_the_still_situation_did_not() {
    let work = TempDir::new().unwrap();
    let share = |t: &Table, f: &dyn Fn(&std::collections::HashMap<String, String>) -> bool| {
        t.rows.iter().filter(|r| f(r)).count() as f64 / t.rows.len() as f64
    };
    let moving = run(work.path(), "moving", &[]);
    let dropped = share(&moving, &|r| {
        r["outcome"] == "status_quo" && r["ended_by"] == "proposer"
    });
    assert!(dropped > 0.6, "the US dropped the plan in {dropped}");
    let deployed = share(&moving, &|r| r["outcome"] == "unilateral");
    assert!(deployed < 0.15, "deployed in {deployed}");
    let separate = run(
        work.path(),
        "separate",
        &["--set", "protocol.start_linkage=separate"],
    );
    assert_eq!(share(&separate, &|r| r["start_renewal"] != "lapse"), 1.0);
    let deal = share(&separate, &|r| r["outcome"] == "agreement");
    assert!(deal < 0.05, "a site deal in {deal}");
    let out = work.path().join("still");
    detente()
        .args(["run", SITUATION, "-n", "600", "--seed", "3", "--out"])
        .arg(&out)
        .assert()
        .success();
    let still = read_csv(&out.join("runs.csv"));
    let deal = share(&still, &|r| r["outcome"] == "agreement");
    assert!(deal > 0.6, "the still situation agreed in {deal}");
}

// An event is part of the config like any other key: moving one changes
// the config's hash in manifest.json, and the copy of the config beside the
// datasets holds it.
#[test]
fn events_enter_the_config_hash_and_the_copy_beside_the_datasets() {
    let work = TempDir::new().unwrap();
    let text = baseline_text();
    let later = text.replacen("round = 19 ", "round = 20 ", 1);
    let mut hashes = Vec::new();
    for (name, config) in [("a", &text), ("b", &later)] {
        let path = work.path().join(format!("{name}.toml"));
        fs::write(&path, config).unwrap();
        let out = work.path().join(name);
        detente()
            .args(["run", "-n", "100", "--out"])
            .arg(&out)
            .arg(&path)
            .assert()
            .success();
        assert_eq!(read_bytes(&out.join("config.toml")), config.as_bytes());
        let manifest: serde_json::Value =
            serde_json::from_slice(&read_bytes(&out.join("manifest.json"))).unwrap();
        assert_eq!(manifest["config_sha256"], sha256_hex(config.as_bytes()));
        hashes.push(manifest["config_sha256"].clone());
        let fired: Vec<String> = read_csv(&out.join("runs.csv"))
            .rows
            .iter()
            .map(|r| r["event_oil_crash"].clone())
            .filter(|r| !r.is_empty())
            .collect();
        let round = if name == "a" { "19" } else { "20" };
        assert!(
            !fired.is_empty() && fired.iter().all(|r| r == round),
            "{fired:?}"
        );
    }
    assert_ne!(hashes[0], hashes[1]);
}

/// How many of the paired runs (same seeds) end in another outcome type
/// when `switch` is applied to the baseline with `setting`.
fn changed(work: &Path, setting: &[&str], switch: &[&str]) -> usize {
    let set = |args: &[&str]| -> Vec<String> {
        args.iter()
            .flat_map(|s| ["--set".to_string(), s.to_string()])
            .collect()
    };
    let with = |name: &str, extra: &[&str]| {
        let mut args = set(setting);
        args.extend(set(extra));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(work, name, &args)
    };
    let (a, b) = (with("before", &[]), with("after", switch));
    let n = a
        .rows
        .iter()
        .zip(&b.rows)
        .filter(|(x, y)| x["outcome"] != y["outcome"])
        .count();
    for dir in ["before", "after"] {
        fs::remove_dir_all(work.join(dir)).unwrap();
    }
    n
}

// Each mechanism, switched alone on the same seeds, changes the outcome
// type of some runs (README, "Mechanisms that matter"): the table there is
// this test's output at 600 runs.
#[test]
fn every_mechanism_can_change_outcomes_in_paired_runs() {
    let work = TempDir::new().unwrap();
    let cases: [(&str, &[&str], &[&str]); 9] = [
        (
            "concession strategy (Russia's beta 0.3 -> 3)",
            &[],
            &["agents.russia.strategy.beta=3"],
        ),
        (
            "ally pressure (0.15 -> 0.5)",
            &[],
            &["agents.germany.pressure=0.5"],
        ),
        (
            "threat path (off)",
            &[],
            &[
                "environment.threat_path.volatility=0",
                "environment.threat_path.rate=0",
            ],
        ),
        ("events (none)", &[], &["events=[]"]),
        (
            "escalation (off)",
            &[],
            &["agents.russia.escalation.enabled=false"],
        ),
        ("abandonment (off)", &[], &["agents.us.may_abandon=false"]),
        (
            "host re-evaluation (off)",
            &[],
            &[
                "agents.czech.reevaluates_consent=false",
                "agents.poland.reevaluates_consent=false",
            ],
        ),
        (
            "oil in issue effects (off)",
            &[],
            &[
                "agents.russia.effects.interceptors.oil=0",
                "agents.germany.effects.interceptors.oil=0",
                "agents.germany.effects.start_renewal.oil=[0.0, 0.0, 0.0]",
            ],
        ),
        (
            "pressure by stake (off)",
            &["agents.germany.pressure=0.5"],
            &["agents.germany.pressure_follows_stake=false"],
        ),
    ];
    let mut table = String::new();
    for (name, setting, switch) in cases {
        let n = changed(work.path(), setting, switch);
        table.push_str(&format!("| {name} | {n} of 600 |\n"));
        assert!(n > 0, "{name} changed no outcome");
    }
    println!("{table}");
}

/// The baseline with `extra` appended (new `[[events]]` and the like).
fn with(extra: &str) -> BadConfig {
    bad_config(
        "[[events]]\nname = \"oil_rally\"",
        &format!("{extra}\n[[events]]\nname = \"oil_rally\""),
    )
}

/// Asserts that `check` and `run` refuse `config` before anything runs,
/// with one line that starts with `bad.toml:LINE:COLUMN:` and contains every
/// needle.
fn refused(config: &Path, needles: &[&str]) {
    let place = predicate::str::is_match(r"bad\.toml:\d+:\d+: ").expect("a valid regex");
    for command in ["check", "run"] {
        let line = error_of(&[command], config);
        assert!(
            place.eval(&line),
            "{line} should name the file, line and column"
        );
        for needle in needles {
            assert!(line.contains(needle), "{line} should say {needle}");
        }
    }
}

#[test]
fn bad_events_and_conduct_are_one_line_errors_naming_the_event_and_key() {
    let hazard = "[[events]]\nname = \"x\"\nprobability = 0.1\nthreat = 0.1\n";
    let when = |condition: &str| format!("{hazard}when = {{ {condition} }}\n");
    let cases: Vec<(String, &[&str])> = vec![
        (
            "[[events]]\nname = \"x\"\nround = 3\nset = { \"agents.rusia.reservation\" = 0.6 }\n".into(),
            &["events[0].set", "event `x`", "no key `rusia`", "did you mean `russia`?"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 3\nset = { \"environment.oil_price.drfit\" = 0.5 }\n".into(),
            &["events[0].set", "event `x`", "unknown field `drfit`", "did you mean `drift`?"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 3\nset = { \"agents.russia.reservation\" = 1.6 }\n".into(),
            &["events[0].set.agents.russia.reservation", "event `x`", "must be <= 1 (got 1.6)"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 3\nset = { \"agents.czech.ratification_hazard\" = 1.5 }\n".into(),
            &["events[0].set.agents.czech.ratification_hazard", "event `x`", "must be <= 1 (got 1.5)"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 3\nset = { \"environment.threat_path.rate\" = -1 }\n".into(),
            &["events[0].set.environment.threat_path.rate", "event `x`", "must be >= 0 (got -1)"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 40\nthreat = 0.1\n".into(),
            &["events[0].round", "event `x`", "from 1 to protocol.deadline_rounds = 36 (got 40)"],
        ),
        (
            "[[events]]\nname = \"x\"\nprobability = 1.5\nthreat = 0.1\n".into(),
            &["events[0].probability", "event `x`", "must be <= 1 (got 1.5)"],
        ),
        (
            "[[events]]\nname = \"x\"\nprobability = -0.1\nthreat = 0.1\n".into(),
            &["events[0].probability", "event `x`", "must be >= 0 (got -0.1)"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 3\nthreat = 1.5\n".into(),
            &["events[0].threat", "event `x`", "must be <= 1 (got 1.5)"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 3\nprobability = 0.1\nthreat = 0.1\n".into(),
            &["events[0]", "event `x`", "not both or neither"],
        ),
        (
            when("escalated = \"rusia\""),
            &["events[0].when.escalated", "event `x`", "unknown agent `rusia`", "did you mean `russia`?"],
        ),
        (
            when("escalated = \"us\""),
            &["events[0].when.escalated", "event `x`", "has no escalation to take"],
        ),
        (
            when("withdrawn = \"germany\""),
            &["events[0].when.withdrawn", "event `x`", "`germany`, which is not a host"],
        ),
        (
            when("fired = \"oil_crsh\""),
            &["events[0].when.fired", "event `x`", "unknown event `oil_crsh`", "did you mean `oil_crash`?"],
        ),
        // An event waiting for itself to have fired would never fire.
        (
            when("fired = \"x\""),
            &["events[0].when.fired", "event `x`", "names the event itself"],
        ),
        (
            when("threat_above = 1.2"),
            &["events[0].when.threat_above", "event `x`", "must be <= 1 (got 1.2)"],
        ),
        (
            when("oil_price_below = -5"),
            &["events[0].when.oil_price_below", "event `x`", "must be > 0 (got -5)"],
        ),
        (
            when("from_round = 40"),
            &["events[0].when.from_round", "event `x`", "from 1 to protocol.deadline_rounds = 36 (got 40)"],
        ),
        // A state variable the conditions do not know: a parse error at the
        // key, which names the event by its place in [[events]].
        (
            when("leverage_abov = 0.6"),
            &["events[0].when.leverage_abov", "unknown field", "did you mean `leverage_above`?"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 2\nset = { \"protocol.deadline_rounds\" = 30 }\n".into(),
            &["events[0].set.protocol.deadline_rounds", "event `x`", "cannot change during a run"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 2\n".into(),
            &["events[0]", "event `x`", "changes nothing"],
        ),
        (
            "[[events]]\nname = \"oil_crash\"\nround = 2\nthreat = 0.1\n".into(),
            &["events[", "`oil_crash` names two events"],
        ),
    ];
    for (extra, needles) in cases {
        let config = with(&extra);
        refused(&config.path, needles);
    }
}

#[test]
fn bad_escalation_and_threat_path_are_refused_before_anything_runs() {
    let cases: [(&str, &str, &[&str]); 7] = [
        (
            "name = \"cfe_suspension\"",
            "name = \"cfe_suspension\"\nenabld = true",
            &["unknown field `enabld`", "did you mean `enabled`?"],
        ),
        (
            "rate = 0.5\nvolatility = 0.15",
            "rate = -0.5\nvolatility = 0.15",
            &["environment.threat_path.rate must be >= 0 (got -0.5)"],
        ),
        (
            "rate = 0.5\nvolatility = 0.15",
            "rate = 0.5\nvolatility = -0.15",
            &["environment.threat_path.volatility must be >= 0 (got -0.15)"],
        ),
        (
            "reassessment = 0.1",
            "reassessment = 0",
            &["environment.threat_path.reassessment must be > 0 (got 0)"],
        ),
        (
            "rate = 0.5\nvolatility = 0.15",
            "rate = 0.5\nvolatility = 0.15\nmeen = 0.2",
            &["unknown field `meen`", "did you mean `mean`?"],
        ),
        (
            "soil = [\"radar\"]",
            "soil = [\"radar\"]\nratification_hazard = 1.5",
            &["agents.czech.ratification_hazard must be <= 1 (got 1.5)"],
        ),
        (
            "may_abandon = true",
            "may_abandon = true\nescalation = { name = \"x\" }",
            &["applies only to agents with role = \"opponent\""],
        ),
    ];
    for (from, to, needles) in cases {
        let config = bad_config(from, to);
        refused(&config.path, needles);
    }
    // An escalation with no effects at all.
    let text = baseline_text();
    let start = text.find("# Isolation and the loss").unwrap();
    let end = text.find("czech = { security = -0.05 } }").unwrap()
        + "czech = { security = -0.05 } }".len();
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bad.toml");
    fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    refused(&path, &["agents.russia.escalation has no effects"]);
}

// A sweep over the protocol of a moving config once wrote Zeuthen's points
// (played in the opening world) without the moving world's columns: rows
// of 30 fields under a header of 41.
#[test]
fn a_sweep_that_switches_the_world_off_at_some_points_keeps_one_header() {
    let work = TempDir::new().unwrap();
    let config = work.path().join("switch.toml");
    fs::write(
        &config,
        format!(
            "extends = \"{BASELINE}\"\n[scenario]\nname = \"switch\"\n[sweep]\nreplications = 3\n\
             [[sweep.parameters]]\npath = \"protocol.kind\"\nvalues = [\"alternating\", \"zeuthen\"]\n\
             [[sweep.parameters]]\npath = \"agents.us.may_abandon\"\nvalues = [true, false]\n"
        ),
    )
    .unwrap();
    let out = work.path().join("study");
    detente()
        .args(["sweep", "-q", "--no-plots", "--out"])
        .arg(&out)
        .arg(&config)
        .assert()
        .success();
    for file in ["runs.csv", "rounds.csv"] {
        let text = fs::read_to_string(out.join(file)).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let width = reader.headers().unwrap().len();
        for record in reader.records() {
            assert_eq!(record.unwrap().len(), width, "{file}");
        }
    }
    // A swept key that declares a moving part only where the config does not
    // would change the columns: refused, naming the point.
    let still = work.path().join("still.toml");
    fs::write(
        &still,
        format!(
            "extends = \"{SITUATION}\"\n[sweep]\n[[sweep.parameters]]\npath = \"agents.us.may_abandon\"\nvalues = [true, false]\n"
        ),
    )
    .unwrap();
    let line = error_of(&["check"], &still);
    assert!(line.contains("design point 0"), "{line}");
    assert!(
        line.contains("give the swept key a value in the config too"),
        "{line}"
    );
}
