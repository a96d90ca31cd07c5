//! One run in a moving world: negotiate the tracks, then assemble the
//! result in the world the talks ended in (agents as events and escalation
//! left them, the threat and the oil price of the concluding round), with
//! the efficiency columns judged in the opening world as for a still one.

use super::{Moved, WorldDraw};
use crate::model::agent::Role;
use crate::model::environment::EnvironmentDraw;
use crate::model::outcome::{OfferRecord, Outcome, RunResult, TrackResult, WorldReport};
use crate::model::run::{Model, Scratch};

impl Model {
    /// A run in a moving world; with private types, among negotiators of
    /// the types drawn for it.
    pub(crate) fn simulate_moving(
        &self,
        draw: &EnvironmentDraw,
        world: &WorldDraw,
        scratch: &mut Scratch,
        trace: Option<&mut Vec<OfferRecord>>,
    ) -> RunResult {
        if world.types.is_empty() {
            return self.play_moving(draw, world, scratch, trace);
        }
        let mut typed = self.clone();
        let information = &self.scenario.information;
        for j in [self.proposer, self.opponent] {
            if information.is_private(j) {
                information.apply(j, &world.types, &mut typed.scenario.agents[j]);
            }
        }
        typed.play_moving(draw, world, scratch, trace)
    }

    fn play_moving(
        &self,
        draw: &EnvironmentDraw,
        world: &WorldDraw,
        scratch: &mut Scratch,
        mut trace: Option<&mut Vec<OfferRecord>>,
    ) -> RunResult {
        let (main_index, main, start): (usize, Moved<'_>, Option<TrackResult>) = match &self.start {
            Some((issue, spec)) => {
                let start = self.negotiate_moving(spec, draw, world, scratch, trace.as_deref_mut());
                let value = start.result.package[*issue] as usize;
                let main = self.negotiate_moving(&self.main[value], draw, world, scratch, trace);
                (value, main, Some(start.result))
            }
            None => {
                let main = self.negotiate_moving(&self.main[0], draw, world, scratch, trace);
                (0, main, None)
            }
        };
        let has_start = self.scenario.protocol.start_issue.is_some();
        let (start_outcome, start_rounds) = match &start {
            Some(track) => (Some(track.outcome), Some(track.rounds)),
            None if has_start => (Some(main.result.outcome), Some(main.result.rounds)),
            None => (None, None),
        };
        // Efficiency in the opening world, as for a still world: the opening
        // frontier and breakdown.
        let spec = &self.main[main_index];
        match scratch.opening.take() {
            // Built in round 1 in the opening world: the same frontier.
            Some(frontier) => {
                scratch.offers.proposer_frontier.clone_from(&frontier);
                scratch.opening = Some(frontier);
            }
            None => self.rebuild_opening(spec, draw, &mut scratch.offers),
        }
        let opening = draw.leverage_at(1);
        let breakdown = match &spec.unilateral {
            Some(u) if self.consent_at_opening(u, draw.threat, opening) => {
                (Outcome::Unilateral, u.clone())
            }
            _ => (Outcome::StatusQuo, spec.status_quo.clone()),
        };
        let judged = TrackResult {
            breakdown,
            ..main.result.clone()
        };
        let efficiency = self.efficiency(&judged, draw, scratch);

        let state = &main.state;
        let result = &main.result;
        let rounds = result.rounds;
        let leverage = state.leverage_at(rounds);
        let utilities = state
            .agents
            .iter()
            .map(|a| a.utility_of_outcome(&result.package, result.outcome, state.threat, leverage))
            .collect();
        let played = &state.prices[..(rounds as usize).clamp(1, state.prices.len())];
        let withdrew = self
            .scenario
            .agents
            .iter()
            .zip(&state.withdrew)
            .filter(|(a, _)| matches!(a.role, Role::Host { .. }))
            .map(|(_, &r)| r)
            .collect();
        RunResult {
            outcome: result.outcome,
            rounds,
            package: result.package.clone(),
            utilities,
            start_outcome,
            start_rounds,
            threat: draw.threat,
            oil_price_final: state.price_at(rounds),
            oil_price_mean: played.iter().sum::<f64>() / played.len() as f64,
            leverage_final: leverage,
            efficiency,
            world: Some(Box::new(WorldReport {
                fired: state.fired.clone(),
                escalated: state.escalated,
                withdrew,
                ended_by: main.ended_by,
                threat_final: state.threat,
                types: world.types.clone(),
            })),
        }
    }
}
