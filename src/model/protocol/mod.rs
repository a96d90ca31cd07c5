//! Negotiation protocols over one track's package space.
//!
//! Both protocols choose offers from the proposer–opponent Pareto frontier:
//! an agent that demands utility τ offers, among the packages that give it at
//! least τ, the one its counterpart values most (agents know each other's
//! preferences). The proposer only offers packages the hosts accept. Every
//! "at least" between utilities or values is up to
//! [`ties::UTILITY_TOLERANCE`]: an agent accepts what it is indifferent to.

pub mod alternating;
pub mod zeuthen;

use super::agent::{Agent, Role};
use super::environment::EnvironmentDraw;
use super::frontier::FrontierPoint;
use super::issue::{Package, Subspace};
use super::outcome::{Outcome, TrackName, TrackResult};
use super::scenario::Scenario;
use super::strategy::Schedule;
use crate::theory::ties;

/// Everything a protocol needs for one track of one run.
pub struct Context<'a> {
    pub scenario: &'a Scenario,
    pub proposer: usize,
    pub opponent: usize,
    pub track: TrackName,
    pub space: &'a Subspace,
    pub draw: &'a EnvironmentDraw,
    /// Frontier (proposer value, opponent value) over host-accepted packages.
    pub proposer_frontier: &'a [FrontierPoint],
    /// Frontier over all packages of the track.
    pub opponent_frontier: &'a [FrontierPoint],
    /// What happens on breakdown.
    pub breakdown: (Outcome, Package),
    /// Proposer's and opponent's value of the breakdown package before the
    /// round's oil shift, and the shift for how it came about.
    pub breakdown_values: [f64; 2],
    pub breakdown_shifts: [f64; 2],
    /// Proposer's and opponent's concession schedules.
    pub schedules: [&'a Schedule; 2],
    /// Whether this track settles the whole deal. Reservation utilities and
    /// the effects of a breakdown outcome describe the whole deal, so a
    /// separate START track only asks each side to prefer its result to a lapse.
    pub whole_deal: bool,
}

impl Context<'_> {
    /// Pressure on agent `target` at oil leverage ℓ from the allies pressing it:
    /// `min(1, Σ_a pressure_a (1 + dependence_a (2ℓ − 1)))`.
    pub fn pressure(&self, target: usize, leverage: f64) -> f64 {
        self.scenario
            .agents
            .iter()
            .map(|a| match a.role {
                Role::Ally {
                    presses,
                    pressure,
                    energy_dependence,
                } if presses == target => {
                    pressure * (1.0 + energy_dependence * (2.0 * leverage - 1.0))
                }
                _ => 0.0,
            })
            .sum::<f64>()
            .clamp(0.0, 1.0)
    }

    /// The least agent `index` accepts at oil leverage ℓ: the larger of its
    /// reservation utility and its utility of the breakdown outcome (on a
    /// separate START track, just its utility of the lapse).
    pub fn floor(&self, index: usize, leverage: f64) -> f64 {
        let agent = &self.scenario.agents[index];
        let side = usize::from(index != self.proposer);
        let (package_value, shift) = self.breakdown_values_of(side);
        // Same order of additions as `Agent::utility_of_outcome`.
        let breakdown = agent.utility_of_value(package_value + agent.oil_shift(leverage) + shift);
        if self.whole_deal {
            agent.reservation_at(leverage).max(breakdown)
        } else {
            breakdown
        }
    }

    fn breakdown_values_of(&self, side: usize) -> (f64, f64) {
        (self.breakdown_values[side], self.breakdown_shifts[side])
    }

    /// The breakdown result at the deadline.
    pub fn breakdown(&self) -> TrackResult {
        TrackResult {
            outcome: self.breakdown.0,
            rounds: self.scenario.protocol.deadline_rounds,
            package: self.breakdown.1.clone(),
            breakdown: self.breakdown.clone(),
        }
    }

    /// An agreement on package `index` in `round`.
    pub fn agreement(&self, index: u32, round: u32) -> TrackResult {
        TrackResult {
            outcome: Outcome::Agreement,
            rounds: round,
            package: self.space.package(index as usize),
            breakdown: self.breakdown.clone(),
        }
    }
}

/// The frontier point the first party offers when it demands utility `target`:
/// the last point (best for the second party) whose first value reaches it,
/// or the first party's best point when none does.
pub fn offer_for_first(
    points: &[FrontierPoint],
    agent: &Agent,
    shift: f64,
    target: f64,
) -> FrontierPoint {
    let floor = agent.value_for_utility(target);
    let k = points.partition_point(|p| ties::at_least((p.first + shift).clamp(0.0, 1.0), floor));
    points[k.saturating_sub(1)]
}

/// The frontier point the second party offers when it demands `target`: the
/// first point (best for the first party) whose second value reaches it, or the
/// second party's best point when none does.
pub fn offer_for_second(
    points: &[FrontierPoint],
    agent: &Agent,
    shift: f64,
    target: f64,
) -> FrontierPoint {
    let floor = agent.value_for_utility(target);
    let k = points.partition_point(|p| !ties::at_least((p.second + shift).clamp(0.0, 1.0), floor));
    points[k.min(points.len() - 1)]
}
