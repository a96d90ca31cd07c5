//! Concession strategies: how an agent's aspiration (the utility it demands of
//! its own next offer) falls over the rounds.
//!
//! The tactics are those of Faratin, Sierra & Jennings (1998) and the
//! baselines of the Genius agents (Baarslag et al. 2012; Lin et al. 2014),
//! acting on aggregate utility rather than issue by issue (MODEL.md 7.6):
//!
//! - time-dependent: the share of the concession range given up by
//!   normalised time `t ∈ [0, 1]` is `α(t) = κ + (1 − κ) t^(1/β)`; β < 1 is
//!   Boulware (holds firm, concedes late), β = 1 linear, β > 1 conceder;
//! - conceder: Genius's Conceder, the time-dependent tactic with β > 1
//!   (β = 2 unless set);
//! - hard-liner: Genius's Hardliner (time-dependent with e = 0), which
//!   demands its best in every round, the last included;
//! - absolute and relative tit-for-tat (behaviour-dependent): the agent
//!   reproduces the opponent's concessions up to the one made `window`
//!   offers ago, in utility or as a share of the distance still open;
//! - resource-dependent: `α = κ + (1 − κ) e^(−resource)`, the resource being
//!   the round's oil leverage (or its complement), scaled.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// A concession strategy as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Strategy {
    /// Faratin–Sierra–Jennings polynomial time-dependent tactic.
    TimeDependent {
        /// Concession exponent β > 0.
        beta: f64,
        /// Initial concession κ in [0, 1).
        #[serde(default)]
        kappa: f64,
    },
    /// Genius's Conceder: the time-dependent tactic with β > 1.
    Conceder {
        /// Concession exponent β > 1 (default 2, Genius's `e`).
        #[serde(default = "conceder_beta")]
        beta: f64,
        /// Initial concession κ in [0, 1).
        #[serde(default)]
        kappa: f64,
    },
    /// Genius's Hardliner: never concedes.
    HardLiner {},
    /// Absolute tit-for-tat in utility (Faratin et al. 1998).
    TitForTat {
        /// Reproduce the opponent's concessions up to the one made this many
        /// offers ago (δ ≥ 1; 1, the latest, unless set).
        #[serde(
            default = "one",
            skip_serializing_if = "is_one",
            deserialize_with = "whole_offers"
        )]
        window: u32,
    },
    /// Relative tit-for-tat (Faratin et al. 1998): the opponent's
    /// concessions reproduced in percentage terms.
    RelativeTitForTat {
        /// As for [`Strategy::TitForTat`].
        #[serde(
            default = "one",
            skip_serializing_if = "is_one",
            deserialize_with = "whole_offers"
        )]
        window: u32,
    },
    /// Resource-dependent tactic (Faratin et al. 1998) whose resource is the
    /// oil leverage of the round.
    ResourceDependent {
        /// What the agent's resource is.
        resource: Resource,
        /// Scale μ ≥ 0 of the resource: `resource = μ ℓ` or `μ (1 − ℓ)`.
        scale: f64,
        /// Initial concession κ in [0, 1).
        #[serde(default)]
        kappa: f64,
    },
}

/// The resource of a resource-dependent tactic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    /// The oil leverage ℓ: an agent whose position strengthens with it
    /// (Russia) holds firm while it is high.
    Leverage,
    /// 1 − ℓ: an agent whose position weakens with it (the US) holds firm
    /// while it is low.
    InverseLeverage,
}

/// Genius's Conceder exponent (`TimeDependentAgentConceder`, e = 2).
pub const CONCEDER_BETA: f64 = 2.0;

fn conceder_beta() -> f64 {
    CONCEDER_BETA
}

fn one() -> u32 {
    1
}

fn is_one(window: &u32) -> bool {
    *window == 1
}

/// A window in offers: an integer, or a float that is one (a swept value of
/// a key the base config leaves out arrives as a float).
fn whole_offers<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    struct Offers;
    impl Visitor<'_> for Offers {
        type Value = u32;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number of offers")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| {
                E::custom(format!(
                    "window must be a whole number of offers from 1 (got {v})"
                ))
            })
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
            self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u32, E> {
            if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                Ok(v as u32)
            } else {
                Err(E::custom(format!(
                    "window must be a whole number of offers from 1 (got {v})"
                )))
            }
        }
    }
    deserializer.deserialize_any(Offers)
}

/// Share of the concession range given up at normalised time `t` (clamped to [0, 1]).
pub fn concession(beta: f64, kappa: f64, t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    kappa + (1.0 - kappa) * t.powf(1.0 / beta)
}

/// Share of the concession range a resource-dependent tactic gives up with
/// `resource` at hand: `κ + (1 − κ) e^(−resource)`.
pub fn resource_concession(kappa: f64, resource: f64) -> f64 {
    kappa + (1.0 - kappa) * (-resource).exp()
}

/// Normalised time of round `round` (1-based) of `deadline_rounds`: 0 at the first
/// round, 1 at the last.
pub fn normalised_time(round: u32, deadline_rounds: u32) -> f64 {
    if deadline_rounds <= 1 {
        1.0
    } else {
        f64::from(round.saturating_sub(1)) / f64::from(deadline_rounds - 1)
    }
}

/// A strategy made ready for one scenario's deadline: what an [`Aspiration`]
/// consults each round. Time-dependent concessions are computed once here, so
/// runs do not evaluate powers every round.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    deadline_rounds: u32,
    tactic: Tactic,
}

#[derive(Debug, Clone, PartialEq)]
enum Tactic {
    /// α at each round `1..=deadline_rounds + 1` (index `round − 1`).
    Time(Vec<f64>),
    HardLiner,
    Mirror {
        relative: bool,
        window: u32,
    },
    Resource {
        resource: Resource,
        scale: f64,
        kappa: f64,
    },
}

/// The schedule of `strategy` in talks of `deadline_rounds`.
pub fn concession_schedule(strategy: &Strategy, deadline_rounds: u32) -> Schedule {
    let tactic = match *strategy {
        Strategy::TimeDependent { beta, kappa } | Strategy::Conceder { beta, kappa } => {
            Tactic::Time(
                (1..=deadline_rounds + 1)
                    .map(|round| concession(beta, kappa, normalised_time(round, deadline_rounds)))
                    .collect(),
            )
        }
        Strategy::HardLiner {} => Tactic::HardLiner,
        Strategy::TitForTat { window } => Tactic::Mirror {
            relative: false,
            window,
        },
        Strategy::RelativeTitForTat { window } => Tactic::Mirror {
            relative: true,
            window,
        },
        Strategy::ResourceDependent {
            resource,
            scale,
            kappa,
        } => Tactic::Resource {
            resource,
            scale,
            kappa,
        },
    };
    Schedule {
        deadline_rounds,
        tactic,
    }
}

/// An agent's running aspiration during one negotiation. Its schedule (from
/// [`concession_schedule`]) is passed in each time, so an event can change
/// the strategy mid-run.
#[derive(Debug, Clone, Default)]
pub struct Aspiration {
    /// Absolute tit-for-tat: utility the opponent has conceded to this agent
    /// so far, up to its concession `window` offers ago.
    mirrored_concession: f64,
    /// This agent's utility of every offer it has received, in order.
    received: Vec<f64>,
}

impl Aspiration {
    pub fn new() -> Aspiration {
        Aspiration::default()
    }

    /// Records the utility, to this agent, of an offer it received.
    pub fn observe(&mut self, schedule: &Schedule, utility: f64) {
        if self.received.capacity() == 0 {
            // One offer a round at most: one allocation a negotiation.
            self.received
                .reserve_exact(schedule.deadline_rounds as usize + 1);
        }
        self.received.push(utility);
        if let Tactic::Mirror {
            relative: false,
            window,
        } = schedule.tactic
        {
            // The concession made `window` offers ago: from offer k − δ to
            // k − δ + 1 of the k received (1-based).
            let (k, window) = (self.received.len(), (window as usize).max(1));
            if k > window {
                self.mirrored_concession +=
                    self.received[k - window] - self.received[k - window - 1];
            }
        }
    }

    /// The utility this agent demands in `round` (1-based), given the best
    /// utility it can ask for, the floor it will not go below and the round's
    /// oil leverage. `pressure` in [0, 1] closes that share of the remaining
    /// range on top (ally pressure). Past the deadline (the demand an agent
    /// answering in the last round compares an offer with) only the floor is
    /// left, save for a hard-liner, who still demands its best.
    pub fn target(
        &self,
        schedule: &Schedule,
        round: u32,
        best: f64,
        floor: f64,
        pressure: f64,
        leverage: f64,
    ) -> f64 {
        let deadline = schedule.deadline_rounds;
        if round > deadline && !matches!(schedule.tactic, Tactic::HardLiner) {
            return floor;
        }
        if floor >= best {
            return best;
        }
        let demand = match &schedule.tactic {
            Tactic::Time(alpha) => {
                let i = (round.max(1) as usize - 1).min(alpha.len() - 1);
                floor + (1.0 - alpha[i]) * (best - floor)
            }
            Tactic::HardLiner => best,
            Tactic::Mirror {
                relative: false, ..
            } => (best - self.mirrored_concession).clamp(floor, best),
            Tactic::Mirror {
                relative: true,
                window,
            } => best - self.share_conceded(*window, best) * (best - floor),
            Tactic::Resource {
                resource,
                scale,
                kappa,
            } => {
                // At the deadline the agent concedes all, as every
                // time-dependent tactic does (α(t_max) = 1).
                let alpha = if round >= deadline {
                    1.0
                } else {
                    let at_hand = match resource {
                        Resource::Leverage => leverage,
                        Resource::InverseLeverage => 1.0 - leverage,
                    };
                    resource_concession(*kappa, scale * at_hand)
                };
                floor + (1.0 - alpha) * (best - floor)
            }
        };
        demand - pressure * (demand - floor)
    }

    /// Relative tit-for-tat: the share of the way from its first offer to
    /// this agent's best `best` that the opponent has come, up to its offer
    /// `window` − 1 offers before the latest, in [0, 1].
    fn share_conceded(&self, window: u32, best: f64) -> f64 {
        let k = self
            .received
            .len()
            .saturating_sub((window as usize).saturating_sub(1));
        if k < 2 {
            return 0.0;
        }
        let (first, latest) = (self.received[0], self.received[k - 1]);
        if best > first {
            ((latest - first) / (best - first)).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

#[cfg(test)]
// The published figures are quoted as printed, not as library constants.
#[allow(clippy::approx_constant)]
mod tests {
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
}
