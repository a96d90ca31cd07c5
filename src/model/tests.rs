//! Tests of the whole model on the 2007 situation standing still: invariants as property
//! tests, protocol behaviour, and Zeuthen's protocol against the Nash solution.

use proptest::prelude::*;

use super::Strategy;
use super::strategy::Resource;
use super::*;
use crate::config;
use crate::theory::ties::at_least;

fn baseline() -> Scenario {
    config::parse(
        include_str!("../../configs/situation_2007.toml"),
        "configs/situation_2007.toml",
    )
    .expect("the baseline config is valid")
    .1
}

fn index_of(s: &Scenario, name: &str) -> usize {
    s.agents.iter().position(|a| a.name == name).unwrap()
}

fn results(s: Scenario, seeds: std::ops::Range<u64>) -> Vec<RunResult> {
    let model = Model::new(s);
    let mut scratch = Scratch::default();
    seeds
        .map(|seed| model.simulate(seed, &mut scratch, None))
        .collect()
}

fn agreement_rate(results: &[RunResult]) -> f64 {
    let n = results
        .iter()
        .filter(|r| r.outcome == Outcome::Agreement)
        .count();
    n as f64 / results.len() as f64
}

fn time_dependent(beta: f64) -> Strategy {
    Strategy::TimeDependent { beta, kappa: 0.0 }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // No negotiator accepts a package below its reservation utility, no host's
    // soil is used against its will, and every utility stays in [0, 1].
    #[test]
    fn agreements_respect_reservations_and_utilities_stay_in_range(
        seed in any::<u64>(),
        us_reservation in 0.0..0.9f64,
        russia_reservation in 0.0..0.9f64,
        us_beta in 0.1..4.0f64,
        russia_beta in 0.1..4.0f64,
        tit_for_tat in any::<bool>(),
        zeuthen in any::<bool>(),
        separate in any::<bool>(),
        risk in 0.3..3.0f64,
    ) {
        let mut s = baseline();
        let (us, russia) = (index_of(&s, "us"), index_of(&s, "russia"));
        s.agents[us].reservation = us_reservation;
        s.agents[us].strategy = time_dependent(us_beta);
        s.agents[us].risk = risk;
        s.agents[russia].reservation = russia_reservation;
        s.agents[russia].strategy = if tit_for_tat { Strategy::TitForTat { window: 1 } } else { time_dependent(russia_beta) };
        if zeuthen { s.protocol.kind = ProtocolKind::Zeuthen; }
        if separate { s.protocol.start_linkage = Linkage::Separate; }
        let model = Model::new(s.clone());
        let mut trace = Vec::new();
        let r = model.simulate(seed, &mut Scratch::default(), Some(&mut trace));
        for u in r.utilities.iter().chain(trace.iter().flat_map(|o| &o.utilities)) {
            prop_assert!((0.0..=1.0).contains(u), "utility {u} out of range");
        }
        let draw = s.environment.draw(seed, s.protocol.deadline_rounds);
        if r.outcome == Outcome::Agreement {
            let leverage = draw.leverage_at(r.rounds);
            for i in [us, russia] {
                let a = &s.agents[i];
                // In separate mode each side accepts only START results it prefers
                // to the lapse, so the final package is at least as good as the main deal.
                let u = a.utility_of(&r.package, draw.threat, leverage);
                let floor = a.reservation_at(leverage);
                prop_assert!((u - r.utilities[i]).abs() < 1e-12);
                prop_assert!(at_least(u, floor), "{} accepted {u} < reservation {floor}", a.name);
            }
        }
        for offer in trace.iter().filter(|o| o.response == Response::Accept && o.track == TrackName::Main) {
            let receiver = if offer.offerer == Some(us) { russia } else { us };
            let leverage = draw.leverage_at(if zeuthen { 1 } else { offer.round });
            let u = s.agents[receiver].utility_of(&offer.package, draw.threat, leverage);
            prop_assert!(at_least(u, s.agents[receiver].reservation_at(leverage)));
        }
        for (h, host) in s.agents.iter().enumerate() {
            if let Role::Host { soil } = &host.role
                && matches!(r.outcome, Outcome::Agreement | Outcome::Unilateral)
                && soil.iter().any(|&i| r.package[i] != s.protocol.status_quo[i])
            {
                let u = s.agents[h].utility_of(&r.package, draw.threat, draw.leverage_at(1));
                prop_assert!(at_least(u, host.reservation_at(draw.leverage_at(1))), "{} overridden", host.name);
            }
        }
    }

    // Same seed, same run; the environment depends on the seed alone.
    #[test]
    fn same_seed_same_result(seed in any::<u64>()) {
        let model = Model::new(baseline());
        let a = model.simulate(seed, &mut Scratch::default(), None);
        let b = model.simulate(seed, &mut Scratch::default(), None);
        prop_assert_eq!(a, b);
    }
}

#[test]
fn conceder_us_agrees_sooner_and_more_often_than_boulware() {
    let mut boulware = baseline();
    let us = index_of(&boulware, "us");
    boulware.agents[us].strategy = time_dependent(0.2);
    let mut conceder = boulware.clone();
    conceder.agents[us].strategy = time_dependent(3.0);
    let (b, c) = (results(boulware, 0..300), results(conceder, 0..300));
    let mean_rounds =
        |r: &[RunResult]| r.iter().map(|x| f64::from(x.rounds)).sum::<f64>() / r.len() as f64;
    assert!(mean_rounds(&c) < mean_rounds(&b));
    assert!(agreement_rate(&c) >= agreement_rate(&b));
}

#[test]
fn dear_oil_makes_russia_harder_to_satisfy() {
    let mut cheap = baseline();
    cheap.environment.oil.volatility = 0.0;
    cheap.environment.oil.initial = 40.0;
    let mut dear = cheap.clone();
    dear.environment.oil.initial = 140.0;
    let (c, d) = (results(cheap, 0..300), results(dear, 0..300));
    assert!(
        agreement_rate(&d) + 0.2 < agreement_rate(&c),
        "{} vs {}",
        agreement_rate(&d),
        agreement_rate(&c)
    );
}

#[test]
fn a_host_that_refuses_everything_blocks_deployment_and_unilateral_action() {
    let mut s = baseline();
    let poland = index_of(&s, "poland");
    s.agents[poland].reservation = 1.0;
    let interceptors = s
        .issues
        .iter()
        .position(|i| i.name == "interceptors")
        .unwrap();
    for r in results(s, 0..200) {
        assert_eq!(r.package[interceptors], 0, "{r:?}");
        assert_ne!(r.outcome, Outcome::Unilateral);
    }
}

#[test]
fn hosts_veto_is_recorded_when_the_proposer_would_accept() {
    // A Polish government that wants the full site vetoes Russia's counter-offers
    // of fewer interceptors that the US, conceding fast, would take.
    let mut s = baseline();
    let (us, poland) = (index_of(&s, "us"), index_of(&s, "poland"));
    s.agents[us].strategy = time_dependent(4.0);
    s.agents[poland].reservation = 0.64;
    let model = Model::new(s);
    let vetoes = (0..200)
        .map(|seed| {
            let mut trace = Vec::new();
            model.simulate(seed, &mut Scratch::default(), Some(&mut trace));
            trace
                .iter()
                .filter(|o| o.response == Response::Veto)
                .count()
        })
        .sum::<usize>();
    assert!(vetoes > 0);
}

#[test]
fn without_a_deal_the_us_deploys_only_with_host_consent() {
    let mut s = baseline();
    let russia = index_of(&s, "russia");
    s.agents[russia].reservation = 1.0; // Russia accepts nothing
    let czech = index_of(&s, "czech");
    for r in results(s.clone(), 0..200) {
        assert_ne!(r.outcome, Outcome::Agreement);
        assert_eq!(r.rounds, s.protocol.deadline_rounds);
        let draw = s.environment.draw(0, 1); // threat of this seed is in the result
        let _ = draw;
        let czech_ok = s.agents[czech].utility_of_outcome(
            s.protocol.unilateral.as_ref().unwrap(),
            Outcome::Unilateral,
            r.threat,
            0.5,
        ) >= s.agents[czech].reservation_at(0.5);
        // The baseline's oil does not move the Czech position, so consent is θ-driven.
        assert_eq!(
            r.outcome == Outcome::Unilateral,
            czech_ok,
            "threat {}",
            r.threat
        );
    }
}

#[test]
fn separate_start_track_renews_start_even_when_the_package_fails() {
    let mut linked = baseline();
    let russia = index_of(&linked, "russia");
    linked.agents[russia].reservation = 1.0; // the missile-defence package cannot succeed
    let mut separate = linked.clone();
    separate.protocol.start_linkage = Linkage::Separate;
    let start = linked.protocol.start_issue.unwrap();

    // Linked: no deal at all, so START lapses with the package.
    for r in results(linked, 0..100) {
        assert_ne!(r.outcome, Outcome::Agreement);
        assert_eq!(r.start_outcome, Some(r.outcome));
        assert_eq!(r.package[start], 0);
    }
    // Separate: the package still fails, but START renewal serves both sides
    // and is agreed on its own track.
    for r in results(separate, 0..100) {
        assert_ne!(r.outcome, Outcome::Agreement);
        assert_eq!(r.start_outcome, Some(Outcome::Agreement));
        assert!(r.package[start] > 0);
    }
}

/// Brute force over the whole space: the Nash bargaining solution among
/// host-accepted packages that give both sides at least their disagreement
/// value (up to the model's tie tolerance, as the agents judge it).
fn nash_product_maximum(
    s: &Scenario,
    draw: &EnvironmentDraw,
    breakdown: &[u32],
    how: Outcome,
) -> f64 {
    let (p, o) = (s.proposer(), s.opponent());
    let lev = draw.leverage_at(1);
    let u = |i: usize, pkg: &[u32]| s.agents[i].utility_of(pkg, draw.threat, lev);
    let d = |i: usize| {
        let agent = &s.agents[i];
        agent
            .reservation_at(lev)
            .max(agent.utility_of_outcome(breakdown, how, draw.threat, lev))
    };
    let (dp, dop) = (d(p), d(o));
    let space = Subspace::full(&s.issues);
    let mut best = f64::NEG_INFINITY;
    for n in 0..space.size() {
        let pkg = space.package(n);
        let hosts_ok = s.agents.iter().all(|h| match &h.role {
            Role::Host { soil } => {
                soil.iter().all(|&i| pkg[i] == s.protocol.status_quo[i])
                    || at_least(h.utility_of(&pkg, draw.threat, lev), h.reservation_at(lev))
            }
            _ => true,
        });
        let (up, uo) = (u(p, &pkg), u(o, &pkg));
        if hosts_ok && at_least(up, dp) && at_least(uo, dop) {
            best = best.max((up - dp) * (uo - dop));
        }
    }
    best
}

// Harsanyi (1956): Zeuthen's concession rule (the party with the smaller
// Nash product concedes) ends at the Nash bargaining solution. On the discrete
// baseline space the agreed package must attain the maximum Nash product.
#[test]
fn zeuthen_ends_at_the_nash_bargaining_solution() {
    let mut s = baseline();
    s.protocol.kind = ProtocolKind::Zeuthen;
    s.protocol.deadline_rounds = 2000; // room for every concession step
    let (p, o) = (s.proposer(), s.opponent());
    let model = Model::new(s.clone());
    let mut agreements = 0;
    for seed in 0..60 {
        let draw = s.environment.draw(seed, s.protocol.deadline_rounds);
        let r = model.simulate_in(&draw, &mut Scratch::default(), None);
        let lev = draw.leverage_at(1);
        let czech = index_of(&s, "czech");
        let consent = s.agents[czech].utility_of_outcome(
            s.protocol.unilateral.as_ref().unwrap(),
            Outcome::Unilateral,
            draw.threat,
            lev,
        ) >= s.agents[czech].reservation_at(lev);
        let (breakdown, how) = if consent {
            (s.protocol.unilateral.as_ref().unwrap(), Outcome::Unilateral)
        } else {
            (&s.protocol.status_quo, Outcome::StatusQuo)
        };
        let best = nash_product_maximum(&s, &draw, breakdown, how);
        if r.outcome != Outcome::Agreement {
            assert_eq!(
                best,
                f64::NEG_INFINITY,
                "seed {seed}: no deal although one was rational"
            );
            continue;
        }
        agreements += 1;
        let u = |i: usize| s.agents[i].utility_of(&r.package, draw.threat, lev);
        let d = |i: usize| {
            s.agents[i]
                .reservation_at(lev)
                .max(s.agents[i].utility_of_outcome(breakdown, how, draw.threat, lev))
        };
        let nash = (u(p) - d(p)) * (u(o) - d(o));
        assert!(
            (nash - best).abs() < 1e-12,
            "seed {seed}: Nash product {nash} < maximum {best}"
        );
    }
    assert!(agreements >= 20, "only {agreements} agreements to check");
}

fn split_the_pie() -> Scenario {
    config::parse(
        include_str!("../../configs/split_the_pie.toml"),
        "configs/split_the_pie.toml",
    )
    .expect("the split-the-pie config is valid")
    .1
}

// Nash (1950): symmetric, risk-neutral players with disagreement point (0, 0)
// split the pie equally; by Harsanyi (1956) Zeuthen's protocol gets there.
#[test]
fn zeuthen_splits_a_symmetric_pie_equally() {
    let mut s = split_the_pie();
    s.protocol.kind = ProtocolKind::Zeuthen;
    s.protocol.deadline_rounds = 200;
    for r in results(s.clone(), 0..5) {
        assert_eq!(r.outcome, Outcome::Agreement);
        assert_eq!(s.labels(&r.package), vec!["0.50"]);
        assert!((r.utilities[0] - 0.5).abs() < 1e-12 && (r.utilities[1] - 0.5).abs() < 1e-12);
    }
    // Risk aversion is a disadvantage in Nash bargaining (Roth 1979): with
    // u_b = (1 − x)^0.5, a's share x maximises x · (1 − x)^0.5, at x = 2/3.
    s.agents[1].risk = 0.5;
    let r = &results(s.clone(), 0..1)[0];
    assert_eq!(s.labels(&r.package), vec!["0.67"]);
}

#[test]
fn alternating_pie_split_gives_out_the_whole_pie_before_the_deadline() {
    let s = split_the_pie();
    for r in results(s.clone(), 0..20) {
        assert_eq!(r.outcome, Outcome::Agreement);
        assert!(r.rounds < s.protocol.deadline_rounds);
        assert!((r.utilities[0] + r.utilities[1] - 1.0).abs() < 1e-9);
    }
}

// A resource-dependent Russia whose resource is the oil leverage demands more
// in the rounds of dearer oil, whatever the round; with the inverse resource,
// less. Russia's utilities are made independent of oil (no exposure, no oil
// term in its reservation), so only the tactic reads the leverage path; its
// counter-offers then rank as the leverage of their rounds does.
#[test]
fn resource_dependent_concession_follows_the_leverage_path() {
    for (resource, sign) in [(Resource::Leverage, 1.0), (Resource::InverseLeverage, -1.0)] {
        let mut s = baseline();
        let (us, russia) = (index_of(&s, "us"), index_of(&s, "russia"));
        s.agents[us].strategy = Strategy::HardLiner {};
        s.agents[russia].strategy = Strategy::ResourceDependent {
            resource,
            scale: 4.0,
            kappa: 0.0,
        };
        s.agents[russia].oil_exposure = 0.0;
        s.agents[russia].reservation_oil = 0.0;
        s.environment.oil.volatility = 0.6;
        let deadline = s.protocol.deadline_rounds;
        let model = Model::new(s.clone());
        let mut strict = 0;
        for seed in 0..40 {
            let mut trace = Vec::new();
            model.simulate(seed, &mut Scratch::default(), Some(&mut trace));
            let draw = s.environment.draw(seed, deadline);
            let counters: Vec<(f64, f64)> = trace
                .iter()
                .filter(|o| {
                    o.offerer == Some(russia) && o.track == TrackName::Main && o.round < deadline
                })
                .map(|o| (sign * draw.leverage_at(o.round), o.utilities[russia]))
                .collect();
            for a in &counters {
                for b in &counters {
                    if a.0 < b.0 {
                        assert!(at_least(b.1, a.1), "seed {seed}: {a:?} then {b:?}");
                        strict += usize::from(b.1 > a.1 + 1e-9);
                    }
                }
            }
        }
        assert!(strict > 100, "{resource:?}: only {strict} strict rises");
    }
}
