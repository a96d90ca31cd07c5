//! detente's time-dependent tactic against NegMAS's time-based aspiration,
//! on a domain both describe the same way: split-the-pie over one share
//! issue in steps of 0.01 (`configs/split_the_pie.toml`).
//!
//! NegMAS's `PolyAspiration` (negmas/negotiators/helpers.py, read in the
//! public repository yasserfarouk/negmas) sets the aspiration at relative
//! time t to `max · (1 − t^e)`, with the presets "boulware" e = 4, "linear"
//! e = 1, "conceder" e = 0.25 and "hardheaded" e = ∞; its aspiration
//! negotiator offers an outcome whose utility is at least the aspiration
//! and nearest to it. detente's Faratin tactic demands
//! `F + (1 − t^(1/β)) (B − F)` and offers, among the packages that give it
//! at least that, the one the other side values most — on one share issue,
//! the same outcome. With B = 1, F = 0 and β = 1/e the two curves are one,
//! so the offer sequences must be equal share by share. (NegMAS itself
//! cannot be installed on the machine this was written on; the expected
//! sequence below is computed from its published formula.)

use super::*;

const PIE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/split_the_pie.toml");

/// NegMAS's aspiration with exponent e at relative time t.
fn negmas_poly_aspiration(e: f64, t: f64) -> f64 {
    1.0 * (1.0 - t.powf(e))
}

/// The proposer's offered shares, round by round, with β = 1/e against a
/// hard-liner that only ever accepts the whole pie for itself.
fn offered_shares(work: &Path, name: &str, beta: f64, deadline: u32) -> Vec<f64> {
    let out = work.join(name);
    detente()
        .args(["run", PIE, "-n", "1", "--trace", "--out"])
        .arg(&out)
        .args(["--set", &format!("agents.a.strategy.beta={beta}")])
        .args([
            "--set",
            "agents.a.discount=1",
            "--set",
            "agents.b.discount=1",
        ])
        .args(["--set", "agents.b.strategy={kind=\"hard_liner\"}"])
        .args(["--set", &format!("protocol.deadline_rounds={deadline}")])
        .assert()
        .success();
    read_csv(&out.join("rounds.csv"))
        .rows
        .iter()
        .filter(|r| r["offerer"] == "a")
        .map(|r| r["share"].parse().unwrap())
        .collect()
}

#[test]
fn the_time_dependent_tactic_offers_what_negmas_poly_aspiration_offers() {
    let work = TempDir::new().unwrap();
    let deadline = 21;
    for (preset, e) in [("boulware", 4.0), ("linear", 1.0), ("conceder", 0.25)] {
        let shares = offered_shares(work.path(), preset, 1.0 / e, deadline);
        // One offer a round until the proposer, whose aspiration reaches
        // its floor in the last round, takes the hard-liner's counter-offer
        // of round T − 1.
        assert_eq!(
            shares.len(),
            deadline as usize - 1,
            "{preset}: one offer a round"
        );
        for (k, &share) in shares.iter().enumerate() {
            let t = k as f64 / f64::from(deadline - 1);
            let aspiration = negmas_poly_aspiration(e, t);
            // The smallest share of the grid at or above the aspiration (up
            // to the model's tie tolerance of 1e-9).
            let expected = ((aspiration - 1e-9) * 100.0).ceil().max(0.0) / 100.0;
            assert!(
                (share - expected).abs() < 1e-9,
                "{preset}, round {}: offered {share}, NegMAS's aspiration {aspiration:.6} gives {expected}",
                k + 1
            );
        }
    }
    // NegMAS's "hardheaded" (e = ∞) is the hard-liner: the whole pie, every round.
    let out = work.path().join("hard");
    detente()
        .args(["run", PIE, "-n", "1", "--trace", "--out"])
        .arg(&out)
        .args(["--set", "agents.a.strategy={kind=\"hard_liner\"}"])
        .args(["--set", "protocol.deadline_rounds=10"])
        .assert()
        .success();
    let rounds = read_csv(&out.join("rounds.csv"));
    let a: Vec<&str> = rounds
        .rows
        .iter()
        .filter(|r| r["offerer"] == "a")
        .map(|r| r["share"].as_str())
        .collect();
    assert_eq!(a, vec!["1.00"; 10]);
}
