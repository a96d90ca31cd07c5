//! The opponent models learn what the other side's offers reveal.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use super::*;
use crate::config;
use crate::model::information::Information;
use crate::model::issue::Subspace;
use crate::model::offers::{self, Layout, OfferBuffers, Valuation};
use crate::model::{Role, Scenario};

fn situation() -> Scenario {
    config::parse(
        include_str!("../../../../configs/situation_2007.toml"),
        "configs/situation_2007.toml",
    )
    .expect("the 2007 situation is valid")
    .1
}

fn terms_of(a: &Agent, threat: f64) -> Vec<Vec<f64>> {
    let mut t = Vec::new();
    a.value_terms_into(threat, &mut t);
    t
}

fn l1(a: [f64; 3], b: [f64; 3]) -> f64 {
    (0..3).map(|k| (a[k] - b[k]).abs()).sum()
}

// An opponent that never moves on the first issue and varies the others
// shows the frequency model which issue it cares about and which value.
#[test]
fn the_frequency_model_learns_the_issue_the_other_holds_on_to() {
    let space = Subspace::new(vec![vec![0, 1, 2], vec![0, 1, 2], vec![0, 1, 2]]);
    let mut f = Frequency::new(0.2, &space, &[3, 3, 3]);
    assert_eq!(f.weights(), &[1.0 / 3.0; 3]);
    for r in 0..12u32 {
        f.observe(&[2, r % 3, (2 * r) % 3]);
    }
    let w = f.weights();
    assert!(w[0] > 0.6 && w[1] < 0.25 && w[2] < w[0], "{w:?}");
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let mut terms = Vec::new();
    f.terms_into(&mut terms);
    // The value it always offers is worth most; the others are worth 1/13.
    assert!((terms[0][2] - w[0]).abs() < 1e-12);
    assert!((terms[0][0] - w[0] / 13.0).abs() < 1e-12);
    // The learned valuation ranks packages as one that cares for issue 0's
    // top value does, better than the uninformed start.
    let truth = vec![
        vec![0.0, 0.1, 0.6],
        vec![0.0, 0.05, 0.1],
        vec![0.1, 0.05, 0.0],
    ];
    let fresh = Frequency::new(0.2, &space, &[3, 3, 3]);
    let mut start = Vec::new();
    fresh.terms_into(&mut start);
    assert_eq!(correlation(&space, &start, &truth), 0.0);
    assert!(correlation(&space, &terms, &truth) > 0.8);
}

// Hindriks & Tykhonov's update: when the other side concedes linearly from
// its best package to its reservation, exactly as the likelihood assumes,
// the posterior settles on the hypotheses nearest its type (the oil weight
// is not identified: no issue moves oil), and the
// estimate of its weights improves with the rounds.
#[test]
fn the_bayesian_model_converges_on_a_type_its_offers_reveal() {
    let s = situation();
    let o = s.opponent();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let information = Information {
        types: Vec::new(),
        models: Vec::new(),
        raw_weights: s.agents.iter().map(|a| a.weights).collect(),
    };
    let mut b = Bayesian::new(&information, o, &s.agents[o], 40, 0.02, &mut rng);
    // The other's true type: one of the hypotheses (not the first).
    let truth = b.hypotheses()[17];
    let mut other = s.agents[o].clone();
    other.weights = truth.weights;
    let space = Subspace::full(&s.issues);
    let (threat, leverage) = (0.4, 0.5);
    let utility = |n: usize| other.utility_of(&space.package(n), threat, leverage);
    let best = (0..space.size()).map(utility).fold(0.0, f64::max);
    let floor = other.reservation_at(leverage).min(best);
    let rounds = 12;
    let mut errors = vec![l1(b.mean_weights(), truth.weights)];
    for r in 0..rounds {
        let t = f64::from(r) / f64::from(rounds - 1);
        let target = best - (best - floor) * t;
        // The package whose utility is nearest the linear concession.
        let n = (0..space.size())
            .min_by(|&x, &y| {
                (utility(x) - target)
                    .abs()
                    .total_cmp(&(utility(y) - target).abs())
            })
            .unwrap();
        b.observe(&other, &space.package(n), &space, (threat, leverage), t);
        errors.push(l1(b.mean_weights(), truth.weights));
    }
    let p = b.posterior();
    let top = (0..p.len()).max_by(|&x, &y| p[x].total_cmp(&p[y])).unwrap();
    assert!(
        l1(b.hypotheses()[top].weights, truth.weights) < 0.1,
        "the most likely hypothesis {:?} is near the truth {:?}",
        b.hypotheses()[top].weights,
        truth.weights
    );
    assert!(
        errors[rounds as usize] < 0.5 * errors[0],
        "error fell from {} to {}: {errors:?}",
        errors[0],
        errors[rounds as usize]
    );
    assert!(errors[rounds as usize] <= errors[1] + 1e-12, "{errors:?}");
}

// Hypotheses of a private weight come from its prior; weights that are not
// private from a flat Dirichlet; each normalised.
#[test]
fn hypotheses_come_from_the_prior() {
    let s = situation();
    let o = s.opponent();
    let (_, scenario) = config::parse(
        &format!(
            "{}\n[[private_types]]\npath = \"agents.russia.reservation\"\nprior = {{ kind = \"uniform\", low = 0.5, high = 0.6 }}\n",
            include_str!("../../../../configs/situation_2007.toml")
        ),
        "x.toml",
    )
    .unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let b = Bayesian::new(&scenario.information, o, &s.agents[o], 500, 0.1, &mut rng);
    let h = b.hypotheses();
    assert!(h.iter().all(|h| (0.5..=0.6).contains(&h.reservation)));
    assert!(
        h.iter()
            .all(|h| (h.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12)
    );
    let mean: f64 = h.iter().map(|h| h.weights[0]).sum::<f64>() / h.len() as f64;
    // Dirichlet(1, 1, 1) has mean 1/3 per weight.
    assert!((mean - 1.0 / 3.0).abs() < 0.03, "{mean}");
    assert!(
        h.iter()
            .all(|h| h.reservation_oil == s.agents[o].reservation_oil)
    );
}

#[test]
fn correlation_is_invariant_to_shift_and_scale_and_flips_with_sign() {
    let space = Subspace::new(vec![vec![0, 1, 2], vec![0, 1], vec![0]]);
    let a = vec![vec![0.0, 0.3, 0.4], vec![0.1, 0.0], vec![0.2]];
    let scaled: Vec<Vec<f64>> = a
        .iter()
        .map(|t| t.iter().map(|x| 3.0 * x + 0.7).collect())
        .collect();
    let flipped: Vec<Vec<f64>> = a.iter().map(|t| t.iter().map(|x| -x).collect()).collect();
    assert!((correlation(&space, &a, &a) - 1.0).abs() < 1e-12);
    assert!((correlation(&space, &a, &scaled) - 1.0).abs() < 1e-12);
    assert!((correlation(&space, &a, &flipped) + 1.0).abs() < 1e-12);
    let flat = vec![vec![1.0; 3], vec![1.0; 2], vec![1.0]];
    assert_eq!(correlation(&space, &a, &flat), 0.0);
}

// With full knowledge of the other's values (on any scale), the trade-off
// offer — among packages at the aspiration, the one the other values most —
// is on the true Pareto frontier: the frontiers of beliefs are the true ones.
#[test]
fn knowing_the_other_the_trade_off_offers_reach_the_frontier() {
    let s = situation();
    let (p, o) = (s.proposer(), s.opponent());
    let space = Subspace::full(&s.issues);
    let layout = Layout::new(&space, &s.agents);
    let hosts: Vec<usize> = (0..s.agents.len())
        .filter(|&i| matches!(s.agents[i].role, Role::Host { .. }))
        .collect();
    for threat in [0.1, 0.4, 0.9] {
        let host_terms = offers::HostTerms {
            agents: &s.agents,
            hosts: &hosts,
            status_quo: &s.protocol.status_quo,
            leverage: 0.5,
            withdrawn: &[],
        };
        let mut truth = OfferBuffers::default();
        offers::build(
            &layout,
            &space,
            &s.agents[p],
            &s.agents[o],
            &host_terms,
            threat,
            &mut truth,
        );
        // The opponent's values as terms, doubled and without its base.
        let known: Vec<Vec<f64>> = terms_of(&s.agents[o], threat)
            .iter()
            .map(|t| t.iter().map(|x| 2.0 * x).collect())
            .collect();
        let mut believed = OfferBuffers::default();
        offers::build_valued(
            &layout,
            &space,
            [Valuation::Agent(&s.agents[p]), Valuation::Terms(&known)],
            &host_terms,
            threat,
            &mut believed,
        );
        let indices = |f: &[crate::model::frontier::FrontierPoint]| {
            let mut v: Vec<u32> = f.iter().map(|q| q.index).collect();
            v.sort_unstable();
            v
        };
        assert_eq!(
            indices(&believed.proposer_frontier),
            indices(&truth.proposer_frontier)
        );
        assert!(!truth.proposer_frontier.is_empty());
    }
}
