//! The moving protocol against the still one, and each mechanism at work.

use crate::config;
use crate::model::{Linkage, Model, OfferRecord, Resource, RunResult, Scenario, Scratch, Strategy};

fn baseline() -> Scenario {
    config::parse(
        include_str!("../../../tests/cli/pinned/baseline.toml"),
        "baseline.toml",
    )
    .expect("the frozen baseline is valid")
    .1
}

fn both(model: &Model, seed: u64) -> [(RunResult, Vec<OfferRecord>); 2] {
    let mut scratch = Scratch::default();
    let mut still = Vec::new();
    let a = model.simulate(seed, &mut scratch, Some(&mut still));
    let s = model.scenario();
    let draw = s.environment.draw(seed, s.protocol.deadline_rounds);
    let mut moving = Vec::new();
    let mut b = model.simulate_moving(
        &draw,
        &model.world_draw(seed),
        &mut scratch,
        Some(&mut moving),
    );
    b.world = None;
    [(a, still), (b, moving)]
}

// With nothing moving, the moving protocol computes exactly what the still
// one does: the same outcome, package, rounds, utilities and offers, bit for
// bit, in every variant the still one has.
#[test]
fn the_moving_protocol_in_a_still_world_is_the_still_protocol() {
    for variant in 0..4 {
        let mut s = baseline();
        if variant & 1 == 1 {
            s.protocol.start_linkage = Linkage::Separate;
        }
        if variant & 2 == 2 {
            let o = s.opponent();
            s.agents[o].strategy = Strategy::TitForTat { window: 1 };
            let p = s.proposer();
            s.agents[p].reservation = 0.5;
        }
        let model = Model::new(s);
        for seed in 0..300 {
            let [still, moving] = both(&model, seed);
            assert_eq!(still, moving, "variant {variant}, seed {seed}");
        }
    }
}

// The same holds for the tactics that read the round's leverage or keep the
// offers they received, and for a hard-liner's last round.
#[test]
fn the_moving_protocol_in_a_still_world_plays_every_tactic_as_the_still_one() {
    let pairs = [
        (
            Strategy::HardLiner {},
            Strategy::Conceder {
                beta: 2.0,
                kappa: 0.0,
            },
        ),
        (
            Strategy::ResourceDependent {
                resource: Resource::InverseLeverage,
                scale: 2.0,
                kappa: 0.0,
            },
            Strategy::ResourceDependent {
                resource: Resource::Leverage,
                scale: 3.0,
                kappa: 0.1,
            },
        ),
        (
            Strategy::RelativeTitForTat { window: 2 },
            Strategy::TitForTat { window: 3 },
        ),
    ];
    for (us, russia) in pairs {
        let mut s = baseline();
        let (p, o) = (s.proposer(), s.opponent());
        s.agents[p].strategy = us.clone();
        s.agents[o].strategy = russia.clone();
        s.agents[p].reservation = 0.5;
        let model = Model::new(s);
        for seed in 0..200 {
            let [still, moving] = both(&model, seed);
            assert_eq!(still, moving, "{us:?} vs {russia:?}, seed {seed}");
        }
    }
}

use crate::model::world::{
    AgentChange, Condition, Escalation, Event, Mutation, ThreatPath, Trigger,
};
use crate::model::{EndedBy, Outcome, Response};

fn situation() -> Scenario {
    config::parse(
        include_str!("../../../configs/situation_2007.toml"),
        "situation_2007.toml",
    )
    .expect("the 2007 situation is valid")
    .1
}

fn index(s: &Scenario, name: &str) -> usize {
    s.agents.iter().position(|a| a.name == name).unwrap()
}

fn runs(s: &Scenario, seeds: std::ops::Range<u64>) -> Vec<RunResult> {
    let model = Model::new(s.clone());
    let mut scratch = Scratch::default();
    seeds
        .map(|seed| model.simulate(seed, &mut scratch, None))
        .collect()
}

fn event(name: &str, trigger: Trigger, mutations: Vec<Mutation>) -> Event {
    Event {
        name: name.into(),
        trigger,
        when: Vec::new(),
        threat: None,
        mutations,
    }
}

#[test]
fn the_threat_path_moves_within_the_unit_interval() {
    let mut s = situation();
    s.world.threat_path = Some(ThreatPath {
        rate: 0.5,
        mean: 0.4,
        volatility: 0.6,
        reassessment: 0.5,
    });
    let results = runs(&s, 0..200);
    let moved = results
        .iter()
        .filter(|r| {
            let w = r.world.as_ref().unwrap();
            assert!((0.0..=1.0).contains(&w.threat_final));
            w.threat_final != r.threat
        })
        .count();
    assert!(moved > 100, "the threat moved in {moved} of 200 runs");
}

#[test]
fn events_fire_in_their_round_by_their_hazard_and_only_when_their_conditions_hold() {
    let mut s = situation();
    let us = index(&s, "us");
    let reservation = |x| vec![Mutation::Agent(us, AgentChange::Reservation(x))];
    s.world.events = vec![
        event("dated", Trigger::Round(7), reservation(0.5)),
        event("always", Trigger::Hazard(1.0), reservation(0.5)),
        event("never", Trigger::Hazard(0.0), reservation(0.5)),
        Event {
            when: vec![Condition::ThreatAbove(2.0)],
            ..event("impossible", Trigger::Round(2), reservation(0.5))
        },
        Event {
            when: vec![Condition::Fired(0)],
            ..event("after", Trigger::Hazard(1.0), reservation(0.5))
        },
    ];
    for r in runs(&s, 0..100) {
        let w = r.world.unwrap();
        let dated = if r.rounds >= 7 { Some(7) } else { None };
        assert_eq!(w.fired, vec![dated, Some(1), None, None, dated]);
    }
}

#[test]
fn an_oil_event_continues_the_path_from_its_round_with_the_runs_own_shocks() {
    let mut s = situation();
    let o = index(&s, "russia");
    s.agents[o].reservation = 0.99; // no deal: every run reaches the deadline
    let still = runs(&s, 0..50);
    s.world.events = vec![event(
        "crash",
        Trigger::Round(19),
        vec![Mutation::OilDrift(-3.0)],
    )];
    let crashed = runs(&s, 0..50);
    for (a, b) in still.iter().zip(&crashed) {
        assert_eq!(a.rounds, 36);
        // P_36 = P_19 · exp(17 steps of the drift's change) · (the same shocks).
        let ratio = b.oil_price_final / a.oil_price_final;
        let expected = (-3.0 * 17.0 * s.environment.oil.years_per_round).exp();
        assert!(
            (ratio / expected - 1.0).abs() < 1e-9,
            "{ratio} vs {expected}"
        );
    }
}

#[test]
fn a_proposer_without_a_deal_or_a_deployment_in_reach_drops_the_plan_at_once() {
    let mut s = situation();
    let (us, russia, czech) = (index(&s, "us"), index(&s, "russia"), index(&s, "czech"));
    s.agents[us].conduct.may_abandon = true;
    s.agents[russia].reservation = 0.99;
    s.agents[czech].reservation = 1.0;
    for r in runs(&s, 0..50) {
        assert_eq!((r.outcome, r.rounds), (Outcome::StatusQuo, 1));
        assert_eq!(r.world.unwrap().ended_by, Some(EndedBy::Proposer));
    }
}

#[test]
fn the_opponent_escalates_only_when_it_pays() {
    let mut s = situation();
    let russia = index(&s, "russia");
    let us = index(&s, "us");
    let mut costly = vec![[0.0; 3]; s.agents.len()];
    costly[russia] = [-0.1, 0.0, 0.0];
    let none = vec![[0.0; 3]; s.agents.len()];
    s.agents[russia].conduct.escalation = Some(Escalation {
        name: "costly".into(),
        effects: costly,
        unilateral_effects: none.clone(),
        status_quo_effects: none.clone(),
    });
    assert!(
        runs(&s, 0..100)
            .iter()
            .all(|r| r.world.as_ref().unwrap().escalated.is_none())
    );
    // Raising the US's cost of deploying alone pays Russia where the US would
    // otherwise deploy.
    let mut deterrent = none.clone();
    deterrent[us] = [-0.3, -0.3, 0.0];
    s.agents[russia].conduct.escalation = Some(Escalation {
        name: "deterrent".into(),
        effects: none.clone(),
        unilateral_effects: deterrent,
        status_quo_effects: none,
    });
    let escalated = runs(&s, 0..100)
        .iter()
        .filter(|r| r.world.as_ref().unwrap().escalated.is_some())
        .count();
    assert!(escalated > 0, "Russia never found the deterrent worth it");
}

#[test]
fn a_host_whose_ratification_fails_vetoes_its_soil_and_blocks_deployment() {
    let mut s = situation();
    let czech = index(&s, "czech");
    s.agents[czech].conduct.ratification_hazard = 1.0;
    for r in runs(&s, 0..100) {
        let w = r.world.unwrap();
        assert_eq!(w.withdrew[1], Some(1), "czech withdraws in round 1");
        assert_ne!(r.outcome, Outcome::Unilateral);
        assert_eq!(r.package[1], 0, "no radar in any outcome");
    }
}

// An event once also "changed" the threat path from none to the config's
// (the scenario it was compared with had no path yet), so a later event
// reset a path an earlier one had changed.
#[test]
fn an_event_changes_only_what_it_sets() {
    let s = config::parse(
        include_str!("../../../configs/baseline.toml"),
        "baseline.toml",
    )
    .unwrap()
    .1;
    let count = |name: &str| {
        s.world
            .events
            .iter()
            .find(|e| e.name == name)
            .unwrap()
            .mutations
            .len()
    };
    assert_eq!(count("oil_rally"), 1);
    assert_eq!(count("oil_floor"), 1, "it sets the config's drift again");
    assert_eq!(count("host_agreements"), 1);
    assert_eq!(count("new_administration"), 2);
}

// An event can hand a negotiator a tactic of another kind mid-run: the US
// concedes as a conceder until round 10 and from then on offers what a
// hard-liner offers (Russia accepts nothing, so every run reaches the deadline).
#[test]
fn an_event_can_switch_a_negotiator_to_another_tactic_mid_run() {
    let conceder = Strategy::Conceder {
        beta: 2.0,
        kappa: 0.0,
    };
    let played = |before: &Strategy, after: &Strategy| {
        let mut s = situation();
        let (us, russia) = (index(&s, "us"), index(&s, "russia"));
        s.agents[russia].reservation = 0.99;
        s.agents[us].strategy = before.clone();
        let change = Mutation::Agent(us, AgentChange::Strategy(after.clone()));
        s.world.events = vec![event("turn", Trigger::Round(10), vec![change])];
        let model = Model::new(s);
        (0..20)
            .map(|seed| {
                let mut trace = Vec::new();
                model.simulate(seed, &mut Scratch::default(), Some(&mut trace));
                trace
                    .into_iter()
                    .filter(|o| o.offerer == Some(us) && o.response != Response::Event)
                    .map(|o| (o.round, o.package))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let hard = Strategy::HardLiner {};
    let switched = played(&conceder, &hard);
    let (soft, firm) = (played(&conceder, &conceder), played(&hard, &hard));
    let mut differs = false;
    for ((s, c), h) in switched.iter().zip(&soft).zip(&firm) {
        assert_eq!(s.len(), 36);
        for ((x, y), z) in s.iter().zip(c).zip(h) {
            let expected = if x.0 < 10 { y } else { z };
            assert_eq!(x, expected);
            differs |= x.0 >= 10 && x != y;
        }
    }
    assert!(
        differs,
        "the conceder's late offers should differ from the hard-liner's"
    );
}

// Everything that depends on the threat is judged at the threat of the
// round: when a review lowers it mid-talks, a Czech government that
// re-evaluates withdraws the consent it gave at the opening (its value of
// the radar falls below its reservation), and the US cannot deploy at the
// deadline; one that keeps its opening judgement lets it deploy, and the
// US values that deployment at the lowered threat.
#[test]
fn a_host_that_reevaluates_withdraws_its_consent_when_the_threat_falls() {
    let mut s = situation();
    let (russia, czech) = (index(&s, "russia"), index(&s, "czech"));
    s.agents[russia].reservation = 0.99; // no deal: every run reaches the deadline
    let review = Event {
        threat: Some(0.0),
        ..event("review", Trigger::Round(5), Vec::new())
    };
    let still = runs(&s, 0..200);
    s.world.events = vec![review];
    let keeping = runs(&s, 0..200);
    s.agents[czech].conduct.reevaluates_consent = true;
    let judging = runs(&s, 0..200);
    let mut withdrawn = 0;
    for ((a, b), c) in still.iter().zip(&keeping).zip(&judging) {
        assert_eq!((b.rounds, c.rounds), (36, 36));
        let (kept, judged) = (b.world.as_ref().unwrap(), c.world.as_ref().unwrap());
        assert_eq!((kept.threat_final, judged.threat_final), (0.0, 0.0));
        assert_eq!(kept.withdrew, vec![None, None]);
        // Hosts in agent order: Poland, the Czech Republic.
        assert_eq!(judged.withdrew[0], None);
        assert_ne!(c.outcome, Outcome::Unilateral);
        assert_eq!(b.outcome, a.outcome, "the opening judgement is kept");
        if b.outcome == Outcome::Unilateral {
            assert_eq!(judged.withdrew[1], Some(5), "czech withdraws in round 5");
            withdrawn += 1;
            let us = index(&s, "us");
            assert!(
                b.utilities[us] < a.utilities[us],
                "the US values its deployment at the lowered threat"
            );
        } else {
            assert_eq!(judged.withdrew[1], None);
        }
    }
    assert!(withdrawn > 20, "czech withdrew in {withdrawn} of 200 runs");
}

// With `may_deploy` the proposer compares deploying now with the talks in
// every round: with no deal in reach and the hosts consenting it deploys at
// once rather than wait, discounted, for the same deployment at the
// deadline; without the hosts' consent it cannot.
#[test]
fn a_proposer_that_may_deploy_deploys_as_soon_as_the_hosts_consent() {
    let mut s = situation();
    let (us, russia, czech) = (index(&s, "us"), index(&s, "russia"), index(&s, "czech"));
    s.agents[russia].reservation = 0.99;
    s.agents[czech].reservation = 0.0; // consents at any threat
    for r in runs(&s, 0..50) {
        assert_eq!((r.outcome, r.rounds), (Outcome::Unilateral, 36));
    }
    s.agents[us].conduct.may_deploy = true;
    for r in runs(&s, 0..50) {
        assert_eq!((r.outcome, r.rounds), (Outcome::Unilateral, 1));
        assert_eq!(r.world.unwrap().ended_by, Some(EndedBy::Proposer));
    }
    s.agents[czech].reservation = 1.0; // refuses the radar at any threat
    for r in runs(&s, 0..50) {
        assert_eq!((r.outcome, r.rounds), (Outcome::StatusQuo, 36));
        assert_eq!(r.world.unwrap().ended_by, Some(EndedBy::Deadline));
    }
}

// The issue that asked for stake-following allies found Germany's own
// weights and reservation changing nothing: pressure was a fixed number.
// Pressing by its stake, they move the talks; pressing by a fixed number,
// they still do not.
#[test]
fn an_allys_own_preferences_act_only_when_it_presses_by_its_stake() {
    let mut s = situation();
    let germany = index(&s, "germany");
    if let crate::model::Role::Ally { pressure, .. } = &mut s.agents[germany].role {
        *pressure = 0.5;
    }
    let talks = |s: &Scenario| -> Vec<(Outcome, u32, Vec<u32>)> {
        runs(s, 0..300)
            .into_iter()
            .map(|r| (r.outcome, r.rounds, r.package))
            .collect()
    };
    let changed = |s: &Scenario| {
        let mut other = s.clone();
        other.agents[germany].reservation = 0.7;
        other.agents[germany].weights = [0.2, 0.2, 0.6];
        let (a, b) = (talks(s), talks(&other));
        a.iter().zip(&b).filter(|(x, y)| x != y).count()
    };
    assert_eq!(
        changed(&s),
        0,
        "a fixed pressure ignores the ally's preferences"
    );
    s.agents[germany].conduct.pressure_follows_stake = true;
    let n = changed(&s);
    assert!(n > 0, "Germany's preferences changed none of 300 runs");
}

// The efficiency columns judge a run in its opening world. A main track
// whose first frontier was built in that world keeps it instead of
// rebuilding it at the end: what it keeps is exactly what a rebuild gives.
#[test]
fn the_frontier_kept_from_round_one_is_the_opening_frontier() {
    let (_, s) = config::parse(
        include_str!("../../../configs/baseline.toml"),
        "configs/baseline.toml",
    )
    .expect("the baseline is valid");
    let model = Model::new(s);
    let mut scratch = Scratch::default();
    let mut kept = 0;
    for seed in 0..300 {
        model.simulate(seed, &mut scratch, None);
        let Some(frontier) = scratch.opening.clone() else {
            continue;
        };
        kept += 1;
        let s = model.scenario();
        let draw = s.environment.draw(seed, s.protocol.deadline_rounds);
        let mut rebuilt = crate::model::offers::OfferBuffers::default();
        model.rebuild_opening(&model.main[0], &draw, &mut rebuilt);
        assert_eq!(frontier, rebuilt.proposer_frontier, "seed {seed}");
    }
    assert!(
        kept > 250,
        "kept the opening frontier in only {kept} of 300 runs"
    );
}
