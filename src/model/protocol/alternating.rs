//! Alternating offers with a deadline.
//!
//! Each round the proposer offers; the opponent accepts or counter-offers; the
//! proposer accepts the counter-offer unless a host vetoes it. An agent accepts
//! an offer worth at least its floor (the larger of its reservation utility and
//! its utility of the breakdown outcome) and at least δ times what it would
//! demand in its own next offer: the opponent's counter-offer this round, the
//! proposer's offer next round (in the last round its floor alone, unless it
//! is a hard-liner, who still demands its best). An agent
//! whose best package falls short of its floor makes no offer that round.
//! After the last round the breakdown outcome applies. "At least" is up to
//! the model's tie tolerance (`ties`): an agent accepts when indifferent.

use super::{Context, offer_for_first, offer_for_second};
use crate::model::outcome::{OfferRecord, Response, TrackResult};
use crate::model::run::record;
use crate::model::strategy::Aspiration;
use crate::theory::ties::at_least;

pub fn negotiate(context: &Context<'_>, mut trace: Option<&mut Vec<OfferRecord>>) -> TrackResult {
    let (pf, of) = (context.proposer_frontier, context.opponent_frontier);
    if pf.is_empty() || of.is_empty() {
        return context.breakdown();
    }
    let agents = &context.scenario.agents;
    let (p, o) = (context.proposer, context.opponent);
    let (proposer, opponent) = (&agents[p], &agents[o]);
    let deadline = context.scenario.protocol.deadline_rounds;
    let [proposer_schedule, opponent_schedule] = context.schedules;
    let mut proposer_aspiration = Aspiration::new();
    let mut opponent_aspiration = Aspiration::new();

    for round in 1..=deadline {
        let leverage = context.draw.leverage_at(round);
        let (proposer_shift, opponent_shift) =
            (proposer.oil_shift(leverage), opponent.oil_shift(leverage));
        let (proposer_floor, opponent_floor) =
            (context.floor(p, leverage), context.floor(o, leverage));
        let proposer_best = proposer.utility_of_value(pf[0].first + proposer_shift);
        let opponent_best = opponent.utility_of_value(of[of.len() - 1].second + opponent_shift);
        let (proposer_pressure, opponent_pressure) =
            (context.pressure(p, leverage), context.pressure(o, leverage));

        // The proposer offers, unless nothing it may offer reaches its floor;
        // the opponent answers.
        if at_least(proposer_best, proposer_floor) {
            let demand = proposer_aspiration.target(
                proposer_schedule,
                round,
                proposer_best,
                proposer_floor,
                proposer_pressure,
                leverage,
            );
            let offer = offer_for_first(pf, proposer, proposer_shift, demand);
            let worth = opponent.utility_of_value(offer.second + opponent_shift);
            opponent_aspiration.observe(opponent_schedule, worth);
            let next_demand = opponent_aspiration.target(
                opponent_schedule,
                round,
                opponent_best,
                opponent_floor,
                opponent_pressure,
                leverage,
            );
            let accepted =
                at_least(worth, opponent_floor) && at_least(worth, opponent.discount * next_demand);
            let response = if accepted {
                Response::Accept
            } else {
                Response::Reject
            };
            record(
                context,
                &mut trace,
                (round, leverage),
                p,
                offer.index,
                response,
            );
            if accepted {
                return context.agreement(offer.index, round);
            }
        }

        // The opponent counter-offers (on the same terms); the proposer
        // answers, subject to the hosts.
        if !at_least(opponent_best, opponent_floor) {
            continue;
        }
        let demand = opponent_aspiration.target(
            opponent_schedule,
            round,
            opponent_best,
            opponent_floor,
            opponent_pressure,
            leverage,
        );
        let counter = offer_for_second(of, opponent, opponent_shift, demand);
        let worth = proposer.utility_of_value(counter.first + proposer_shift);
        proposer_aspiration.observe(proposer_schedule, worth);
        let next_demand = proposer_aspiration.target(
            proposer_schedule,
            round + 1,
            proposer_best,
            proposer_floor,
            proposer_pressure,
            leverage,
        );
        let acceptable =
            at_least(worth, proposer_floor) && at_least(worth, proposer.discount * next_demand);
        let response = match (acceptable, counter.hosts_accept) {
            (false, _) => Response::Reject,
            (true, false) => Response::Veto,
            (true, true) => Response::Accept,
        };
        record(
            context,
            &mut trace,
            (round, leverage),
            o,
            counter.index,
            response,
        );
        if response == Response::Accept {
            return context.agreement(counter.index, round);
        }
    }
    context.breakdown()
}
