//! A world that moves during the talks, through the binary: the baseline's
//! traces show the events, Russia's escalation, a host's withdrawal and the
//! US dropping the plan; runs.csv says which event fired when; every
//! mechanism changes outcomes in paired runs; bad input is one line.

use std::fs;
use std::path::Path;

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
    let cases: [(&str, &[&str], &[&str]); 8] = [
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

#[test]
fn bad_events_and_conduct_are_one_line_errors_naming_the_event_and_key() {
    let cases: [(&str, &str, &[&str]); 9] = [
        (
            "[[events]]\nname = \"x\"\nround = 3\nset = { \"agents.rusia.reservation\" = 0.6 }\n",
            "events[0].set",
            &["event `x`", "no key `rusia`", "did you mean `russia`?"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 3\nset = { \"agents.russia.reservation\" = 1.6 }\n",
            "events[0].set.agents.russia.reservation",
            &["event `x`", "must be <= 1 (got 1.6)"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 40\nthreat = 0.1\n",
            "events[0].round",
            &[
                "event `x`",
                "from 1 to protocol.deadline_rounds = 36 (got 40)",
            ],
        ),
        (
            "[[events]]\nname = \"x\"\nprobability = 1.5\nthreat = 0.1\n",
            "events[0].probability",
            &["must be <= 1 (got 1.5)"],
        ),
        (
            "[[events]]\nname = \"x\"\nprobability = 0.1\nthreat = 0.1\nwhen = { escalated = \"rusia\" }\n",
            "events[0].when.escalated",
            &["unknown agent `rusia`", "did you mean `russia`?"],
        ),
        (
            "[[events]]\nname = \"x\"\nprobability = 0.1\nthreat = 0.1\nwhen = { leverage_abov = 0.6 }\n",
            "leverage_abov",
            &["unknown field", "did you mean `leverage_above`?"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 2\nset = { \"protocol.deadline_rounds\" = 30 }\n",
            "events[0].set.protocol.deadline_rounds",
            &["cannot change during a run"],
        ),
        (
            "[[events]]\nname = \"x\"\nround = 2\n",
            "events[0]",
            &["changes nothing"],
        ),
        (
            "[[events]]\nname = \"oil_crash\"\nround = 2\nthreat = 0.1\n",
            "events[",
            &["names two events"],
        ),
    ];
    for (extra, key, needles) in cases {
        let config = with(extra);
        let line = error_of(&["check"], &config.path);
        assert!(line.contains(key), "{line} should name {key}");
        assert!(
            line.contains("bad.toml:"),
            "{line} should name the file and line"
        );
        for needle in needles {
            assert!(line.contains(needle), "{line} should say {needle}");
        }
    }
}

#[test]
fn bad_escalation_and_threat_path_are_refused_before_anything_runs() {
    let cases: [(&str, &str, &[&str]); 3] = [
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
            "may_abandon = true",
            "may_abandon = true\nescalation = { name = \"x\" }",
            &["applies only to agents with role = \"opponent\""],
        ),
    ];
    for (from, to, needles) in cases {
        let config = bad_config(from, to);
        let line = error_of(&["check"], &config.path);
        for needle in needles {
            assert!(line.contains(needle), "{line} should say {needle}");
        }
    }
    // An escalation with no effects at all.
    let text = baseline_text();
    let start = text.find("# Isolation and the loss").unwrap();
    let end = text.find("czech = { security = -0.05 } }").unwrap()
        + "czech = { security = -0.05 } }".len();
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bad.toml");
    fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let line = error_of(&["check"], &path);
    assert!(
        line.contains("agents.russia.escalation has no effects"),
        "{line}"
    );
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
