//! Each tactic at hand-computed points.

// The published figures are quoted as printed, not as library constants.
#![allow(clippy::approx_constant)]

use super::*;

// Faratin, Sierra & Jennings (1998), polynomial family with κ = 0:
// α(0.5) = 0.5^(1/β): β = 0.2 → 0.5^5 = 0.03125, β = 2 → 0.5^0.5 = 0.7071.
#[test]
fn concession_curve_at_known_points() {
    assert!((concession(0.2, 0.0, 0.5) - 0.03125).abs() < 1e-12);
    assert!((concession(2.0, 0.0, 0.5) - 0.7071).abs() < 5e-5);
    assert!((concession(1.0, 0.0, 0.5) - 0.5).abs() < 1e-12);
    assert_eq!(concession(0.2, 0.1, 0.0), 0.1);
    assert_eq!(concession(0.2, 0.1, 1.0), 1.0);
}

fn schedule(beta: f64) -> Schedule {
    // Deadline 3: rounds 1, 2, 3 are t = 0, 0.5, 1.
    concession_schedule(&Strategy::TimeDependent { beta, kappa: 0.0 }, 3)
}

fn of(strategy: Strategy, deadline_rounds: u32) -> Schedule {
    concession_schedule(&strategy, deadline_rounds)
}

#[test]
fn boulware_demands_more_than_conceder_midway() {
    let (b, c) = (schedule(0.2), schedule(2.0));
    let (boulware, conceder) = (Aspiration::new(), Aspiration::new());
    let (x, y) = (
        boulware.target(&b, 2, 1.0, 0.0, 0.0, 0.5),
        conceder.target(&c, 2, 1.0, 0.0, 0.0, 0.5),
    );
    assert!((x - 0.96875).abs() < 1e-12);
    assert!((y - (1.0 - 0.7071)).abs() < 5e-5);
    assert_eq!(boulware.target(&b, 3, 0.9, 0.3, 0.0, 0.5), 0.3);
    // Past the deadline only the floor is left.
    assert_eq!(boulware.target(&b, 4, 0.9, 0.3, 0.0, 0.5), 0.3);
    assert_eq!(boulware.target(&b, 9, 0.9, 0.3, 0.0, 0.5), 0.3);
}

#[test]
fn pressure_closes_a_share_of_the_remaining_range() {
    let linear = schedule(1.0);
    let a = Aspiration::new();
    // Without pressure: 0.2 + 1.0 * 0.8 = 1.0 in round 1; a quarter of 0.8 is closed.
    assert!((a.target(&linear, 1, 1.0, 0.2, 0.25, 0.5) - 0.8).abs() < 1e-12);
}

// Genius's Conceder (TimeDependentAgentConceder, e = 2):
// f(t) = k + (1 − k) t^(1/2), target p(t) = Pmin + (Pmax − Pmin)(1 − f(t)).
// With k = 0 at t = 0.5: f = √0.5 = 0.707107, p = 0.292893 on [0, 1];
// with k = 0.1: f = 0.1 + 0.9 · 0.707107 = 0.736396, p = 0.263604.
#[test]
fn conceder_is_genius_conceder_with_beta_two_unless_set() {
    let parsed: Strategy = toml::from_str("kind = \"conceder\"").unwrap();
    assert_eq!(
        parsed,
        Strategy::Conceder {
            beta: 2.0,
            kappa: 0.0
        }
    );
    let conceder = of(parsed, 3);
    assert_eq!(conceder, schedule(2.0));
    let a = Aspiration::new();
    assert_eq!(a.target(&conceder, 1, 1.0, 0.0, 0.0, 0.5), 1.0);
    assert!((a.target(&conceder, 2, 1.0, 0.0, 0.0, 0.5) - 0.292893).abs() < 1e-6);
    assert_eq!(a.target(&conceder, 3, 1.0, 0.0, 0.0, 0.5), 0.0);
    let kappa = of(
        Strategy::Conceder {
            beta: 2.0,
            kappa: 0.1,
        },
        3,
    );
    assert!((a.target(&kappa, 2, 1.0, 0.0, 0.0, 0.5) - 0.263604).abs() < 1e-6);
    // β = 4: f(0.5) = 0.5^(1/4) = 0.840896.
    let four = of(
        Strategy::Conceder {
            beta: 4.0,
            kappa: 0.0,
        },
        3,
    );
    assert!((a.target(&four, 2, 1.0, 0.0, 0.0, 0.5) - 0.159104).abs() < 1e-6);
}

// Genius's Hardliner (e = 0): f(t) = 0, so p(t) = Pmax at every t, the
// deadline included.
#[test]
fn hard_liner_demands_its_best_to_the_end_and_after() {
    let hard = of(Strategy::HardLiner {}, 3);
    let mut a = Aspiration::new();
    for round in 1..=4 {
        a.observe(&hard, 0.1 * f64::from(round));
        assert_eq!(a.target(&hard, round, 0.9, 0.2, 0.0, 0.5), 0.9);
    }
    // Ally pressure still closes its share, and a floor above the best
    // leaves the best.
    assert!((a.target(&hard, 4, 0.9, 0.2, 0.5, 0.5) - 0.55).abs() < 1e-12);
    assert_eq!(a.target(&hard, 2, 0.4, 0.6, 0.0, 0.5), 0.4);
}

#[test]
fn tit_for_tat_mirrors_the_opponents_concession() {
    let n = &of(Strategy::TitForTat { window: 1 }, 10);
    let mut a = Aspiration::new();
    assert_eq!(a.target(n, 1, 0.9, 0.2, 0.0, 0.5), 0.9);
    a.observe(n, 0.3);
    assert_eq!(a.target(n, 2, 0.9, 0.2, 0.0, 0.5), 0.9);
    a.observe(n, 0.4); // the opponent gave 0.1
    assert!((a.target(n, 3, 0.9, 0.2, 0.0, 0.5) - 0.8).abs() < 1e-12);
    a.observe(n, 0.35); // the opponent took 0.05 back
    assert!((a.target(n, 4, 0.9, 0.2, 0.0, 0.5) - 0.85).abs() < 1e-12);
    a.observe(n, 1.0); // a big concession never pushes below the floor
    assert!((a.target(n, 5, 0.9, 0.2, 0.0, 0.5) - 0.2).abs() < 1e-12);
    assert!(a.target(n, 5, 0.9, 0.2, 0.0, 0.5) >= 0.2);
    // Past the deadline only the floor is left.
    assert_eq!(a.target(n, 11, 0.9, 0.2, 0.0, 0.5), 0.2);
}

// With window δ the agent has reproduced the opponent's concessions up to
// the one made δ offers ago: offers 0.3, 0.4, 0.35, 0.5 (concessions
// +0.1, −0.05, +0.15). δ = 2 after the third offer mirrors +0.1, after
// the fourth +0.1 − 0.05; δ = 1 mirrors all three.
#[test]
fn tit_for_tat_with_a_window_mirrors_an_older_concession() {
    let (one, two) = (
        of(Strategy::TitForTat { window: 1 }, 10),
        of(Strategy::TitForTat { window: 2 }, 10),
    );
    let (mut a, mut b) = (Aspiration::new(), Aspiration::new());
    let mut demands = Vec::new();
    for u in [0.3, 0.4, 0.35, 0.5] {
        a.observe(&one, u);
        b.observe(&two, u);
        demands.push((
            a.target(&one, 5, 0.9, 0.2, 0.0, 0.5),
            b.target(&two, 5, 0.9, 0.2, 0.0, 0.5),
        ));
    }
    let expected = [(0.9, 0.9), (0.8, 0.9), (0.85, 0.8), (0.7, 0.85)];
    for ((x, y), (ex, ey)) in demands.iter().zip(expected) {
        assert!(
            (x - ex).abs() < 1e-12 && (y - ey).abs() < 1e-12,
            "{demands:?}"
        );
    }
}

// Relative tit-for-tat gives up the share σ = (u_k − u_1)/(B − u_1) of
// its own range [F, B]; absolute tit-for-tat gives up C = u_k − u_1. So
// relative concedes (B − F)/(B − u_1) times what absolute does.
#[test]
fn relative_and_absolute_tit_for_tat_differ_as_the_formulas_say() {
    let (absolute, relative) = (
        of(Strategy::TitForTat { window: 1 }, 10),
        of(Strategy::RelativeTitForTat { window: 1 }, 10),
    );
    let (mut a, mut r) = (Aspiration::new(), Aspiration::new());
    // B = 0.9, F = 0.5, u_1 = 0.3: (B − F)/(B − u_1) = 2/3 < 1.
    let (best, floor) = (0.9, 0.5);
    let mut seen = Vec::new();
    for u in [0.3, 0.45, 0.6, 0.9] {
        a.observe(&absolute, u);
        r.observe(&relative, u);
        seen.push((
            a.target(&absolute, 3, best, floor, 0.0, 0.5),
            r.target(&relative, 3, best, floor, 0.0, 0.5),
        ));
    }
    // u_2 = 0.45: C = 0.15, σ = 0.25 → 0.75 and 0.9 − 0.25 · 0.4 = 0.8;
    // u_3 = 0.6: C = 0.3, σ = 0.5 → 0.6 and 0.7; u_4 = 0.9: both at F.
    let expected = [(0.9, 0.9), (0.75, 0.8), (0.6, 0.7), (0.5, 0.5)];
    for ((x, y), (ex, ey)) in seen.iter().zip(expected) {
        assert!((x - ex).abs() < 1e-12 && (y - ey).abs() < 1e-12, "{seen:?}");
    }
    // F = 0.1, u_1 = 0.5, u_2 = 0.6: (B − F)/(B − u_1) = 2 > 1; C = 0.1
    // → 0.8, σ = 0.25 → 0.9 − 0.25 · 0.8 = 0.7: now relative concedes more.
    let (mut a, mut r) = (Aspiration::new(), Aspiration::new());
    for u in [0.5, 0.6] {
        a.observe(&absolute, u);
        r.observe(&relative, u);
    }
    assert!((a.target(&absolute, 3, 0.9, 0.1, 0.0, 0.5) - 0.8).abs() < 1e-12);
    assert!((r.target(&relative, 3, 0.9, 0.1, 0.0, 0.5) - 0.7).abs() < 1e-12);
    // A retraction below the opening offer concedes nothing.
    r.observe(&relative, 0.4);
    assert_eq!(r.target(&relative, 3, 0.9, 0.1, 0.0, 0.5), 0.9);
}

#[test]
fn relative_tit_for_tat_with_a_window_lags_the_latest_concession() {
    let two = of(Strategy::RelativeTitForTat { window: 2 }, 10);
    let mut r = Aspiration::new();
    let mut seen = Vec::new();
    for u in [0.3, 0.45, 0.6] {
        r.observe(&two, u);
        seen.push(r.target(&two, 3, 0.9, 0.5, 0.0, 0.5));
    }
    // After u_3 it has reproduced only u_1 → u_2: σ = 0.25.
    let expected = [0.9, 0.9, 0.8];
    for (x, e) in seen.iter().zip(expected) {
        assert!((x - e).abs() < 1e-12, "{seen:?}");
    }
}

// Faratin et al. (1998): α = κ + (1 − κ) e^(−resource). With μ = 2 on
// [F, B] = [0, 1]: ℓ = 0.5 → e^(−1) = 0.367879, demand 0.632121;
// ℓ = 0.8 → e^(−1.6) = 0.201897, demand 0.798103; inverse at ℓ = 0.8 →
// e^(−0.4) = 0.670320, demand 0.329680; κ = 0.5 at ℓ = 0.5 →
// 0.5 + 0.5 · 0.367879 = 0.683940, demand 0.316060.
#[test]
fn resource_dependent_concession_at_known_points() {
    let resource = |resource, kappa| {
        of(
            Strategy::ResourceDependent {
                resource,
                scale: 2.0,
                kappa,
            },
            10,
        )
    };
    let (lev, inv) = (
        resource(Resource::Leverage, 0.0),
        resource(Resource::InverseLeverage, 0.0),
    );
    let a = Aspiration::new();
    let demand = |s: &Schedule, round, leverage| a.target(s, round, 1.0, 0.0, 0.0, leverage);
    assert!((demand(&lev, 1, 0.5) - 0.632121).abs() < 1e-6);
    assert!((demand(&lev, 5, 0.8) - 0.798103).abs() < 1e-6);
    assert!((demand(&inv, 5, 0.8) - 0.329680).abs() < 1e-6);
    assert!((demand(&inv, 5, 0.5) - 0.632121).abs() < 1e-6);
    let kappa = resource(Resource::Leverage, 0.5);
    assert!((demand(&kappa, 2, 0.5) - 0.316060).abs() < 1e-6);
    // At the deadline, and after it, it concedes all.
    assert_eq!(demand(&lev, 10, 0.9), 0.0);
    assert_eq!(demand(&lev, 11, 0.9), 0.0);
    assert!((resource_concession(0.0, 0.0) - 1.0).abs() < 1e-15);
}

#[test]
fn resource_dependent_demand_follows_the_leverage() {
    let a = Aspiration::new();
    let lev = of(
        Strategy::ResourceDependent {
            resource: Resource::Leverage,
            scale: 3.0,
            kappa: 0.1,
        },
        36,
    );
    let inv = of(
        Strategy::ResourceDependent {
            resource: Resource::InverseLeverage,
            scale: 3.0,
            kappa: 0.1,
        },
        36,
    );
    let path: Vec<f64> = (1..=19).map(|i| f64::from(i) / 20.0).collect();
    let demands = |s: &Schedule| -> Vec<f64> {
        path.iter()
            .map(|&l| a.target(s, 10, 0.8, 0.3, 0.0, l))
            .collect()
    };
    let (up, down) = (demands(&lev), demands(&inv));
    assert!(up.windows(2).all(|w| w[0] < w[1]), "{up:?}");
    assert!(down.windows(2).all(|w| w[0] > w[1]), "{down:?}");
    assert!(up.iter().chain(&down).all(|d| (0.3..=0.8).contains(d)));
    // Time plays no part before the deadline.
    assert_eq!(
        a.target(&lev, 2, 0.8, 0.3, 0.0, 0.6),
        a.target(&lev, 35, 0.8, 0.3, 0.0, 0.6)
    );
}

#[test]
fn old_strategies_serialise_as_before() {
    let text = |s: &Strategy| toml::to_string(s).unwrap();
    assert_eq!(
        text(&Strategy::TitForTat { window: 1 }),
        "kind = \"tit_for_tat\"\n"
    );
    assert!(text(&Strategy::TitForTat { window: 3 }).contains("window = 3"));
    let parsed: Strategy = toml::from_str(
        "kind = \"resource_dependent\"\nresource = \"inverse_leverage\"\nscale = 2.5",
    )
    .unwrap();
    assert_eq!(
        parsed,
        Strategy::ResourceDependent {
            resource: Resource::InverseLeverage,
            scale: 2.5,
            kappa: 0.0
        }
    );
    assert_eq!(
        toml::from_str::<Strategy>("kind = \"relative_tit_for_tat\"").unwrap(),
        Strategy::RelativeTitForTat { window: 1 }
    );
    assert_eq!(
        toml::from_str::<Strategy>("kind = \"hard_liner\"").unwrap(),
        Strategy::HardLiner {}
    );
}
