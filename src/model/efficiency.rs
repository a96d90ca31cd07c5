//! How a run's outcome compares with theory in its own environment: the
//! main track's frontier in utilities, the negotiators' floors, the game they
//! play, and the efficiency columns of `runs.csv`.

use super::environment::EnvironmentDraw;
use super::frontier::push_undominated;
use super::issue::Package;
use super::outcome::{Efficiency, Outcome, TrackResult};
use super::run::{Model, Scratch};
use crate::theory::ties;
use crate::theory::{self, Point};

impl Model {
    /// The main track's frontier in utilities at the run's opening
    /// environment (into `scratch.points`), and the disagreement point, from
    /// the last negotiation of the main track (its frontier is still in
    /// `scratch`).
    pub(super) fn frontier_points(
        &self,
        breakdown: &(Outcome, Package),
        draw: &EnvironmentDraw,
        scratch: &mut Scratch,
    ) -> [f64; 2] {
        let agents = &self.scenario.agents;
        let (proposer, opponent) = (&agents[self.proposer], &agents[self.opponent]);
        let opening = draw.leverage_at(1);
        let shifts = [proposer.oil_shift(opening), opponent.oil_shift(opening)];
        // Clamping values to [0, 1] can make neighbouring frontier packages
        // tie in utility; sweeping again keeps only the undominated one.
        scratch.points.clear();
        for f in &scratch.offers.proposer_frontier {
            let point = Point {
                proposer: proposer.utility_of_value(f.first + shifts[0]),
                opponent: opponent.utility_of_value(f.second + shifts[1]),
                index: f.index,
            };
            push_undominated(&mut scratch.points, point, |p| (p.proposer, p.opponent));
        }
        [proposer, opponent]
            .map(|a| a.utility_of_outcome(&breakdown.1, breakdown.0, draw.threat, opening))
    }

    /// Proposer's and opponent's floors on the main track at leverage ℓ,
    /// given their breakdown utilities `d` (see `protocol::Context::floor`).
    pub(super) fn floors(&self, d: [f64; 2], leverage: f64) -> [f64; 2] {
        let agents = &self.scenario.agents;
        let r = [self.proposer, self.opponent].map(|i| agents[i].reservation_at(leverage));
        [r[0].max(d[0]), r[1].max(d[1])]
    }

    /// The game the negotiators play, for theory: offers alternate over the
    /// protocol's rounds (the protocol has the opponent offer last), and
    /// either side may walk away with its floor.
    pub fn game(&self, floors: [f64; 2], last_offer: theory::Side) -> theory::Game {
        let agents = &self.scenario.agents;
        theory::Game {
            discounts: [
                agents[self.proposer].discount,
                agents[self.opponent].discount,
            ],
            horizon_periods: theory::Game::horizon_for(
                self.scenario.protocol.deadline_rounds,
                last_offer,
            ),
            disagreement: floors,
            outside_options: true,
        }
    }

    /// The run's outcome against the reference points of the game the
    /// agents play: Nash product and equilibrium relative to the floors at
    /// the opening leverage, since no agent accepts less.
    pub(super) fn efficiency(
        &self,
        main: &TrackResult,
        draw: &EnvironmentDraw,
        scratch: &mut Scratch,
    ) -> Efficiency {
        let d = self.frontier_points(&main.breakdown, draw, scratch);
        let agents = &self.scenario.agents;
        let (proposer, opponent) = (&agents[self.proposer], &agents[self.opponent]);
        let opening = draw.leverage_at(1);
        let floors = self.floors(d, opening);
        let [deal_proposer, deal_opponent] = [proposer, opponent]
            .map(|a| a.utility_of_outcome(&main.package, main.outcome, draw.threat, opening));
        let deal = Point {
            proposer: deal_proposer,
            opponent: deal_opponent,
            index: 0,
        };
        let points = &scratch.points;
        // The Nash solution counts only if it gives both sides more than their floors.
        let best = theory::nash(points, floors)
            .filter(|p| {
                ties::greater(p.proposer, floors[0]) && ties::greater(p.opponent, floors[1])
            })
            .map(|p| p.nash_product(floors));
        let equilibrium =
            theory::backward_induction(points, &self.game(floors, theory::Side::Opponent));
        // Without an equilibrium deal the reference is what a failed
        // negotiation reaches: the breakdown outcome.
        let target = equilibrium
            .deal
            .map_or((d[0], d[1]), |p| (p.proposer, p.opponent));
        Efficiency {
            frontier_distance: theory::distance_to_frontier(points, (deal.proposer, deal.opponent)),
            nash_share: best.map(|best| deal.nash_product(floors) / best),
            spe_distance: (deal.proposer - target.0).hypot(deal.opponent - target.1),
        }
    }
}
