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
mod tests;
