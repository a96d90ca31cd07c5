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

/// The concession α of a time-dependent strategy at each round
/// `1..=deadline_rounds + 1` (index `round - 1`), computed once per scenario
/// so runs do not evaluate powers every round. Empty for tit-for-tat.
pub fn concession_schedule(strategy: &Strategy, deadline_rounds: u32) -> Vec<f64> {
    match strategy {
        Strategy::TimeDependent { beta, kappa } => (1..=deadline_rounds + 1)
            .map(|round| concession(*beta, *kappa, normalised_time(round, deadline_rounds)))
            .collect(),
        Strategy::TitForTat {} => Vec::new(),
    }
}

/// An agent's running aspiration during one negotiation. Its concession
/// schedule (α by round, from [`concession_schedule`]; empty for
/// tit-for-tat) is passed in each time, so an event can change the
/// strategy mid-run.
#[derive(Debug, Clone, Default)]
pub struct Aspiration {
    /// Tit-for-tat: utility the opponent has conceded to this agent so far.
    mirrored_concession: f64,
    /// Utility of the opponent's previous offer, to measure its last concession.
    last_received: Option<f64>,
}

impl Aspiration {
    pub fn new() -> Aspiration {
        Aspiration::default()
    }

    /// Records the utility, to this agent, of an offer it received.
    pub fn observe(&mut self, schedule: &[f64], utility: f64) {
        if let (true, Some(previous)) = (schedule.is_empty(), self.last_received) {
            self.mirrored_concession += utility - previous;
        }
        self.last_received = Some(utility);
    }

    /// The utility this agent demands in `round` (1-based), given the best
    /// utility it can ask for and the floor it will not go below. `pressure` in
    /// [0, 1] closes that share of the remaining range on top (ally pressure).
    pub fn target(
        &self,
        schedule: &[f64],
        round: u32,
        best: f64,
        floor: f64,
        pressure: f64,
    ) -> f64 {
        if floor >= best {
            return best;
        }
        let demand = if schedule.is_empty() {
            (best - self.mirrored_concession).clamp(floor, best)
        } else {
            let i = (round.max(1) as usize - 1).min(schedule.len() - 1);
            floor + (1.0 - schedule[i]) * (best - floor)
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

    fn schedule(beta: f64) -> Vec<f64> {
        // Deadline 3: rounds 1, 2, 3 are t = 0, 0.5, 1.
        concession_schedule(&Strategy::TimeDependent { beta, kappa: 0.0 }, 3)
    }

    #[test]
    fn boulware_demands_more_than_conceder_midway() {
        let (b, c) = (schedule(0.2), schedule(2.0));
        let (boulware, conceder) = (Aspiration::new(), Aspiration::new());
        let (x, y) = (
            boulware.target(&b, 2, 1.0, 0.0, 0.0),
            conceder.target(&c, 2, 1.0, 0.0, 0.0),
        );
        assert!((x - 0.96875).abs() < 1e-12);
        assert!((y - (1.0 - 0.7071)).abs() < 5e-5);
        assert_eq!(boulware.target(&b, 3, 0.9, 0.3, 0.0), 0.3);
        // Past the deadline the schedule stays at full concession.
        assert_eq!(boulware.target(&b, 9, 0.9, 0.3, 0.0), 0.3);
    }

    #[test]
    fn pressure_closes_a_share_of_the_remaining_range() {
        let linear = schedule(1.0);
        let a = Aspiration::new();
        // Without pressure: 0.2 + 1.0 * 0.8 = 1.0 in round 1; a quarter of 0.8 is closed.
        assert!((a.target(&linear, 1, 1.0, 0.2, 0.25) - 0.8).abs() < 1e-12);
    }

    #[test]
    fn tit_for_tat_mirrors_the_opponents_concession() {
        let none = concession_schedule(&Strategy::TitForTat {}, 10);
        assert!(none.is_empty());
        let mut a = Aspiration::new();
        let n = &none;
        assert_eq!(a.target(n, 1, 0.9, 0.2, 0.0), 0.9);
        a.observe(n, 0.3);
        assert_eq!(a.target(n, 2, 0.9, 0.2, 0.0), 0.9);
        a.observe(n, 0.4); // the opponent gave 0.1
        assert!((a.target(n, 3, 0.9, 0.2, 0.0) - 0.8).abs() < 1e-12);
        a.observe(n, 0.35); // the opponent took 0.05 back
        assert!((a.target(n, 4, 0.9, 0.2, 0.0) - 0.85).abs() < 1e-12);
        a.observe(n, 1.0); // a big concession never pushes below the floor
        assert!((a.target(n, 5, 0.9, 0.2, 0.0) - 0.2).abs() < 1e-12);
        assert!(a.target(n, 5, 0.9, 0.2, 0.0) >= 0.2);
    }
}
