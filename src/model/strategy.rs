//! Concession strategies: how an agent's aspiration (the utility it demands of
//! its own next offer) falls over the rounds.
//!
//! Time-dependent tactics follow Faratin, Sierra & Jennings (1998): the share of
//! the concession range given up by normalised time `t ∈ [0, 1]` is
//! `α(t) = κ + (1 − κ) t^(1/β)`; β < 1 is Boulware (holds firm, concedes late),
//! β = 1 linear, β > 1 conceder. Behaviour-dependent tit-for-tat mirrors the
//! opponent: the agent gives up as much utility as the opponent's last offer
//! gained it.

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
    /// Absolute tit-for-tat in utility.
    TitForTat {},
}

/// Share of the concession range given up at normalised time `t` (clamped to [0, 1]).
pub fn concession(beta: f64, kappa: f64, t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    kappa + (1.0 - kappa) * t.powf(1.0 / beta)
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

/// An agent's running aspiration during one negotiation.
#[derive(Debug, Clone)]
pub struct Aspiration {
    strategy: Strategy,
    /// Tit-for-tat: utility the opponent has conceded to this agent so far.
    mirrored_concession: f64,
    /// Utility of the opponent's previous offer, to measure its last concession.
    last_received: Option<f64>,
}

impl Aspiration {
    pub fn new(strategy: &Strategy) -> Aspiration {
        Aspiration {
            strategy: strategy.clone(),
            mirrored_concession: 0.0,
            last_received: None,
        }
    }

    /// Records the utility, to this agent, of an offer it received.
    pub fn observe(&mut self, utility: f64) {
        if let (Strategy::TitForTat {}, Some(previous)) = (&self.strategy, self.last_received) {
            self.mirrored_concession += utility - previous;
        }
        self.last_received = Some(utility);
    }

    /// The utility this agent demands at normalised time `t`, given the best
    /// utility it can ask for and the floor it will not go below. `pressure` in
    /// [0, 1] closes that share of the remaining range on top (ally pressure).
    pub fn target(&self, t: f64, best: f64, floor: f64, pressure: f64) -> f64 {
        if floor >= best {
            return best;
        }
        let demand = match &self.strategy {
            Strategy::TimeDependent { beta, kappa } => {
                floor + (1.0 - concession(*beta, *kappa, t)) * (best - floor)
            }
            Strategy::TitForTat {} => (best - self.mirrored_concession).clamp(floor, best),
        };
        demand - pressure * (demand - floor)
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

    #[test]
    fn boulware_demands_more_than_conceder_midway() {
        let boulware = Aspiration::new(&Strategy::TimeDependent {
            beta: 0.2,
            kappa: 0.0,
        });
        let conceder = Aspiration::new(&Strategy::TimeDependent {
            beta: 2.0,
            kappa: 0.0,
        });
        let (b, c) = (
            boulware.target(0.5, 1.0, 0.0, 0.0),
            conceder.target(0.5, 1.0, 0.0, 0.0),
        );
        assert!((b - 0.96875).abs() < 1e-12);
        assert!((c - (1.0 - 0.7071)).abs() < 5e-5);
        assert_eq!(boulware.target(1.0, 0.9, 0.3, 0.0), 0.3);
    }

    #[test]
    fn pressure_closes_a_share_of_the_remaining_range() {
        let a = Aspiration::new(&Strategy::TimeDependent {
            beta: 1.0,
            kappa: 0.0,
        });
        // Without pressure: 0.2 + 1.0 * 0.8 = 1.0 at t = 0; a quarter of 0.8 is closed.
        assert!((a.target(0.0, 1.0, 0.2, 0.25) - 0.8).abs() < 1e-12);
    }

    #[test]
    fn tit_for_tat_mirrors_the_opponents_concession() {
        let mut a = Aspiration::new(&Strategy::TitForTat {});
        assert_eq!(a.target(0.0, 0.9, 0.2, 0.0), 0.9);
        a.observe(0.3);
        assert_eq!(a.target(0.1, 0.9, 0.2, 0.0), 0.9);
        a.observe(0.4); // the opponent gave 0.1
        assert!((a.target(0.2, 0.9, 0.2, 0.0) - 0.8).abs() < 1e-12);
        a.observe(0.35); // the opponent took 0.05 back
        assert!((a.target(0.3, 0.9, 0.2, 0.0) - 0.85).abs() < 1e-12);
        a.observe(1.0); // a big concession never pushes below the floor
        assert!((a.target(0.4, 0.9, 0.2, 0.0) - 0.2).abs() < 1e-12);
        assert!(a.target(0.4, 0.9, 0.2, 0.0) >= 0.2);
    }
}
