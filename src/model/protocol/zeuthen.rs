//! Zeuthen's monotonic concession protocol.
//!
//! Both parties open with their best individually rational package. Each round
//! the party less willing to risk breakdown concedes — by Harsanyi (1956) the
//! one whose offer has the smaller Nash product — just far enough that its new
//! offer's Nash product exceeds its counterpart's; when it cannot, it accepts.
//! An offer is accepted as soon as it gives the receiver at least what the
//! receiver's own offer gives it. Utilities are those of the opening round;
//! the disagreement point of each party is the larger of its reservation
//! utility and its utility of the breakdown outcome. Utilities and Nash
//! products are compared up to the model's tie tolerance (`ties`).

use super::Context;
use crate::model::outcome::{OfferRecord, Response, TrackResult};
use crate::model::run::record;
use crate::theory::ties::{at_least, greater};

/// An individually rational frontier package with both utilities.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    proposer: f64,
    opponent: f64,
    nash: f64,
    index: u32,
}

pub fn negotiate(context: &Context<'_>, mut trace: Option<&mut Vec<OfferRecord>>) -> TrackResult {
    let agents = &context.scenario.agents;
    let (p, o) = (context.proposer, context.opponent);
    let (proposer, opponent) = (&agents[p], &agents[o]);
    let leverage = context.draw.leverage_at(1);
    let (proposer_shift, opponent_shift) =
        (proposer.oil_shift(leverage), opponent.oil_shift(leverage));
    let proposer_disagreement = context.floor(p, leverage);
    let opponent_disagreement = context.floor(o, leverage);

    // Frontier order: proposer's utility falling, opponent's rising.
    let candidates: Vec<Candidate> = context
        .proposer_frontier
        .iter()
        .map(|point| {
            let up = proposer.utility_of_value(point.first + proposer_shift);
            let uo = opponent.utility_of_value(point.second + opponent_shift);
            Candidate {
                proposer: up,
                opponent: uo,
                nash: (up - proposer_disagreement) * (uo - opponent_disagreement),
                index: point.index,
            }
        })
        .filter(|c| {
            at_least(c.proposer, proposer_disagreement)
                && at_least(c.opponent, opponent_disagreement)
        })
        .collect();
    if candidates.is_empty() {
        return context.breakdown();
    }

    let (mut a, mut b) = (0, candidates.len() - 1);
    for round in 1..=context.scenario.protocol.deadline_rounds {
        let (offer, counter) = (candidates[a], candidates[b]);
        let mut log = |offerer, index, response| {
            record(
                context,
                &mut trace,
                (round, leverage),
                offerer,
                index,
                response,
            )
        };
        if at_least(offer.opponent, counter.opponent) {
            log(p, offer.index, Response::Accept);
            return context.agreement(offer.index, round);
        }
        if at_least(counter.proposer, offer.proposer) {
            log(p, offer.index, Response::Hold);
            log(o, counter.index, Response::Accept);
            return context.agreement(counter.index, round);
        }
        // The best package for each side whose Nash product beats the other's offer.
        let proposer_next = at_least(counter.nash, offer.nash)
            .then(|| {
                candidates
                    .iter()
                    .position(|c| greater(c.nash, counter.nash))
            })
            .flatten();
        let opponent_next = at_least(offer.nash, counter.nash)
            .then(|| candidates.iter().rposition(|c| greater(c.nash, offer.nash)))
            .flatten();
        match (proposer_next, opponent_next) {
            (None, None) if greater(counter.nash, offer.nash) => {
                log(p, offer.index, Response::Hold);
                log(o, counter.index, Response::Accept);
                return context.agreement(counter.index, round);
            }
            (None, None) => {
                log(p, offer.index, Response::Accept);
                return context.agreement(offer.index, round);
            }
            _ => {
                let moves = |next: Option<usize>| {
                    if next.is_some() {
                        Response::Concede
                    } else {
                        Response::Hold
                    }
                };
                log(p, offer.index, moves(proposer_next));
                log(o, counter.index, moves(opponent_next));
                a = proposer_next.unwrap_or(a);
                b = opponent_next.unwrap_or(b);
            }
        }
    }
    context.breakdown()
}
