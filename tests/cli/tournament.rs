//! End-to-end tests of `detente tournament`: files and their bytes for any
//! thread count and after a resume, the known tournament regularities on the
//! baseline and among Genius's baseline tactics, and one-line errors for bad
//! `[tournament]` tables.

use super::*;

/// Three US and two Russian entries on the 2007 situation standing still.
fn tournament_config(dir: &Path, extra: &str) -> PathBuf {
    let situation = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/situation_2007.toml");
    let situation = situation.display();
    let text = format!(
        r#"extends = "{situation}"

[tournament]
replicates = 60
{extra}
[[tournament.proposers]]
name = "boulware"
strategy = {{ kind = "time_dependent", beta = 0.1 }}

[[tournament.proposers]]
name = "conceder"
strategy = {{ kind = "time_dependent", beta = 5.0 }}

[[tournament.proposers]]
name = "tit_for_tat"
strategy = {{ kind = "tit_for_tat" }}

[[tournament.opponents]]
name = "boulware"
strategy = {{ kind = "time_dependent", beta = 0.1 }}

[[tournament.opponents]]
name = "conceder"
strategy = {{ kind = "time_dependent", beta = 5.0 }}
"#
    );
    let path = dir.join("tournament.toml");
    fs::write(&path, text).unwrap();
    path
}

fn tournament(cwd: &Path, config: &Path, out: &str, extra: &[&str]) -> Output {
    detente()
        .current_dir(cwd)
        .arg("tournament")
        .arg(config)
        .args(["--out", out])
        .args(extra)
        .output()
        .unwrap()
}

const FILES: [&str; 4] = ["matches.csv", "ranking.csv", "pairings.png", "ranking.png"];

#[test]
fn tournament_writes_matches_ranking_and_figures_the_same_for_any_thread_count() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let config = tournament_config(cwd, "");
    for (out, threads) in [("one", "1"), ("two", "2")] {
        let output = tournament(cwd, &config, out, &["--threads", threads]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for name in FILES {
        assert_eq!(
            read_bytes(&cwd.join("one").join(name)),
            read_bytes(&cwd.join("two").join(name)),
            "{name}"
        );
    }
    let matches = read_csv(&cwd.join("one/matches.csv"));
    assert_eq!(matches.rows.len(), 6);
    assert!(matches.rows.iter().all(|r| r["runs"] == "60"));
    let ranking = read_csv(&cwd.join("one/ranking.csv"));
    assert_eq!(ranking.rows.len(), 7);
    let roles: Vec<(&str, &str)> = ranking
        .rows
        .iter()
        .map(|r| (r["role"].as_str(), r["rank"].as_str()))
        .collect();
    assert_eq!(
        roles,
        [
            ("proposer", "1"),
            ("proposer", "2"),
            ("proposer", "3"),
            ("opponent", "1"),
            ("opponent", "2"),
            ("both", "1"),
            ("both", "2")
        ]
    );
    // The role-swapped ranking holds the entries entered for both roles
    // (boulware and conceder, not the proposer-only tit_for_tat), each
    // scored over all its runs in either seat: 2 pairings × 60 runs as
    // proposer, 3 × 60 as opponent.
    let mean = |role: &str, entry: &str| -> f64 {
        ranking
            .rows
            .iter()
            .find(|r| r["role"] == role && r["entry"] == entry)
            .unwrap_or_else(|| panic!("no {role} row for {entry}"))["mean_utility"]
            .parse()
            .unwrap()
    };
    for entry in ["boulware", "conceder"] {
        let pooled = (120.0 * mean("proposer", entry) + 180.0 * mean("opponent", entry)) / 300.0;
        assert!((mean("both", entry) - pooled).abs() < 1e-12, "{entry}");
    }
    assert!(
        !ranking
            .rows
            .iter()
            .any(|r| r["role"] == "both" && r["entry"] == "tit_for_tat")
    );
    // Ranks follow the mean utility.
    let means: Vec<f64> = ranking.rows[..3]
        .iter()
        .map(|r| r["mean_utility"].parse().unwrap())
        .collect();
    assert!(means.windows(2).all(|w| w[0] >= w[1]), "{means:?}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&read_bytes(&cwd.join("one/manifest.json"))).unwrap();
    assert_eq!(manifest["complete"], true);
    assert_eq!(manifest["pairings_done"], 6);
}

/// A Boulware side takes the larger share against a conceder, in either
/// role, and two Boulware sides agree only near the deadline (Faratin et al.
/// 1998's time-dependent tactics, as tournaments of them report).
#[test]
fn boulware_beats_conceder_and_two_boulwares_wait_for_the_deadline() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let config = tournament_config(cwd, "");
    let output = tournament(cwd, &config, "out", &["--no-plots", "-n", "200"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let matches = read_csv(&cwd.join("out/matches.csv"));
    let row = |p: &str, o: &str| {
        matches
            .rows
            .iter()
            .find(|r| r["proposer"] == p && r["opponent"] == o)
            .unwrap()
            .clone()
    };
    let value = |r: &HashMap<String, String>, c: &str| r[c].parse::<f64>().unwrap();
    let (bc, cb) = (row("boulware", "conceder"), row("conceder", "boulware"));
    assert!(value(&bc, "mean_utility_proposer") > value(&cb, "mean_utility_proposer"));
    assert!(value(&cb, "mean_utility_opponent") > value(&bc, "mean_utility_opponent"));
    let (bb, cc) = (row("boulware", "boulware"), row("conceder", "conceder"));
    assert!(value(&bb, "mean_rounds") > 34.0, "{}", bb["mean_rounds"]);
    assert!(value(&cc, "mean_rounds") < value(&bb, "mean_rounds") - 10.0);
}

/// Genius's baselines on the 2007 situation: Boulware (e = 0.2), Conceder
/// (e = 2) and Hardliner (e = 0), for either role.
fn baselines_config(dir: &Path) -> PathBuf {
    let situation = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/situation_2007.toml");
    let mut text = format!(
        "extends = \"{}\"\n\n[tournament]\nreplicates = 200\n",
        situation.display()
    );
    for role in ["proposers", "opponents"] {
        for (name, strategy) in [
            ("boulware", "{ kind = \"time_dependent\", beta = 0.2 }"),
            ("conceder", "{ kind = \"conceder\" }"),
            ("hard_liner", "{ kind = \"hard_liner\" }"),
        ] {
            text += &format!("\n[[tournament.{role}]]\nname = \"{name}\"\nstrategy = {strategy}\n");
        }
    }
    let path = dir.join("baselines.toml");
    fs::write(&path, text).unwrap();
    path
}

/// The tournament regularities of Genius's baselines: a Boulware side takes
/// the larger share against a conceder in either role, and two hard-liners
/// never agree: their talks end in breakdown at the deadline.
#[test]
fn boulware_beats_the_conceder_and_two_hard_liners_break_down_at_the_deadline() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let config = baselines_config(cwd);
    let output = tournament(cwd, &config, "out", &["--no-plots"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let matches = read_csv(&cwd.join("out/matches.csv"));
    assert_eq!(matches.rows.len(), 9);
    let row = |p: &str, o: &str| {
        matches
            .rows
            .iter()
            .find(|r| r["proposer"] == p && r["opponent"] == o)
            .unwrap()
            .clone()
    };
    let value = |r: &HashMap<String, String>, c: &str| r[c].parse::<f64>().unwrap();
    let (bc, cb) = (row("boulware", "conceder"), row("conceder", "boulware"));
    assert!(value(&bc, "mean_utility_proposer") > value(&cb, "mean_utility_proposer"));
    assert!(value(&cb, "mean_utility_opponent") > value(&bc, "mean_utility_opponent"));
    let hh = row("hard_liner", "hard_liner");
    assert_eq!(value(&hh, "agreement_rate"), 0.0);
    assert_eq!(value(&hh, "mean_rounds"), 36.0);
    // A conceder agrees with a conceder sooner and more often than anyone
    // agrees with a hard-liner.
    let cc = row("conceder", "conceder");
    assert!(value(&cc, "agreement_rate") > value(&row("conceder", "hard_liner"), "agreement_rate"));
    assert!(value(&cc, "mean_rounds") < value(&bc, "mean_rounds"));
}

#[test]
fn a_killed_tournament_resumes_to_the_same_bytes() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let config = tournament_config(cwd, "");
    assert!(tournament(cwd, &config, "whole", &[]).status.success());
    assert!(tournament(cwd, &config, "killed", &[]).status.success());
    let path = cwd.join("killed/manifest.json");
    let mut manifest: serde_json::Value = serde_json::from_slice(&read_bytes(&path)).unwrap();
    manifest["pairings_done"] = 3.into();
    manifest["complete"] = false.into();
    fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    fs::remove_file(cwd.join("killed/ranking.csv")).unwrap();
    let refused = tournament(cwd, &config, "killed", &[]);
    assert!(one_line_error(&refused).contains("already exists"));
    let resumed = tournament(cwd, &config, "killed", &["--resume"]);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    for name in FILES {
        assert_eq!(
            read_bytes(&cwd.join("whole").join(name)),
            read_bytes(&cwd.join("killed").join(name)),
            "{name}"
        );
    }
    let again = tournament(cwd, &config, "killed", &["--resume"]);
    assert!(one_line_error(&again).contains("finished tournament"));
}

#[test]
fn bad_tournament_tables_are_refused_in_one_line() {
    let cases: [(&str, &str, &[&str]); 5] = [
        (
            "kind = \"tit_for_tat\" }}",
            "kind = \"tit_for_tat\", window = 0 }}",
            &["tournament.proposers[2].strategy", "window"],
        ),
        (
            "name = \"conceder\"",
            "name = \"boulware\"",
            &["tournament.proposers[1].name", "taken"],
        ),
        (
            "beta = 0.1 }}\n\n[[tournament.proposers]]",
            "beta = -1.0 }}\n\n[[tournament.proposers]]",
            &["tournament.proposers[0].strategy", "beta"],
        ),
        (
            "replicates = 60",
            "replicates = 0",
            &["tournament.replicates", "at least 1"],
        ),
        (
            "replicates = 60",
            "replicates = 60\nscenarios = [\"nowhere.toml\"]",
            &["tournament.scenarios[0]", "nowhere.toml"],
        ),
    ];
    for (from, to, needles) in cases {
        let work = TempDir::new().unwrap();
        let config = tournament_config(work.path(), "");
        let text = fs::read_to_string(&config).unwrap();
        let (from, to) = (
            from.replace("{{", "{").replace("}}", "}"),
            to.replace("{{", "{").replace("}}", "}"),
        );
        assert!(text.contains(&from), "{from}");
        fs::write(&config, text.replacen(&from, &to, 1)).unwrap();
        let error = error_of(&["tournament"], &config);
        for needle in needles.iter() {
            assert!(error.contains(needle), "expected `{needle}` in: {error}");
        }
    }
    // No opponents; no [tournament] at all.
    let work = TempDir::new().unwrap();
    let config = tournament_config(work.path(), "");
    let text = fs::read_to_string(&config).unwrap();
    let cut = text.find("[[tournament.opponents]]").unwrap();
    fs::write(&config, &text[..cut]).unwrap();
    assert!(error_of(&["tournament"], &config).contains("has no opponents"));
    assert!(error_of(&["tournament"], Path::new(BASELINE)).contains("[tournament]"));
}
