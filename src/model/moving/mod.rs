//! Alternating offers in a world that moves during the talks (MODEL.md
//! 7.14): each round the world advances (threat path, hosts' consent,
//! events), the offer frontiers are rebuilt when what they depend on
//! changed, the opponent may escalate, the proposer may leave for its
//! outside option, and then the round's offers are made and answered
//! exactly as in a still world (`protocol::alternating`). With nothing
//! moving, every number is the one the still protocol computes; a test
//! holds the two to the same results.

mod belief;
mod choices;
mod result;
mod round;
mod state;
#[cfg(test)]
mod tests;

pub(crate) use state::{State, WorldDraw};

use choices::{Shifts, continuing, outside_option};
use state::note;

use crate::model::environment::EnvironmentDraw;
use crate::model::frontier::FrontierPoint;
use crate::model::offers::{self, OfferBuffers};
use crate::model::outcome::{EndedBy, OfferRecord, Outcome, Response, TrackName, TrackResult};
use crate::model::protocol::{offer_for_first, offer_for_second};
use crate::model::run::{Model, Scratch, TrackSpec};
use crate::model::strategy::{Aspiration, normalised_time};
use crate::theory::ties::at_least;

/// A moving track's result and the world it ended in.
pub(crate) struct Moved<'m> {
    pub result: TrackResult,
    pub state: State<'m>,
    pub ended_by: Option<EndedBy>,
}

impl Model {
    /// Builds a track's offer frontiers in the world as it stands.
    fn build_moving(&self, spec: &TrackSpec, state: &State<'_>, buffers: &mut OfferBuffers) {
        let agents = &state.agents;
        offers::build(
            &spec.layout,
            &spec.space,
            &agents[self.proposer],
            &agents[self.opponent],
            &offers::HostTerms {
                agents,
                hosts: &self.hosts,
                status_quo: &self.scenario.protocol.status_quo,
                leverage: state.leverage_at(1),
                withdrawn: &state.lapsed,
            },
            state.threat,
            buffers,
        );
    }

    /// Negotiates one track in a moving world.
    pub(crate) fn negotiate_moving<'m>(
        &'m self,
        spec: &TrackSpec,
        draw: &'m EnvironmentDraw,
        world: &WorldDraw,
        scratch: &mut Scratch,
        mut trace: Option<&mut Vec<OfferRecord>>,
    ) -> Moved<'m> {
        let Scratch {
            offers: buffers,
            beliefs,
            package,
            opening,
            ..
        } = scratch;
        let s = &self.scenario;
        let (p, o) = (self.proposer, self.opponent);
        let deadline = s.protocol.deadline_rounds;
        let whole_deal = spec.name == TrackName::Main;
        if whole_deal {
            *opening = None;
        }
        let start = match (spec.name, &self.start) {
            (TrackName::Main, Some((issue, _))) => Some((*issue, spec.status_quo[*issue])),
            _ => None,
        };
        let mut state = State::new(self, draw, spec.name, spec.unilateral.clone(), start);
        let mut proposer_aspiration = Aspiration::new();
        let mut opponent_aspiration = Aspiration::new();
        // The packages each negotiator last offered (the deal on the table
        // for allies' stakes).
        let mut last_offer: [Option<u32>; 2] = [None, None];
        package.resize(s.issues.len(), 0);
        let none = Shifts::none(s.agents.len());
        let mut built = false;
        // What each negotiator believes of the other (`None`: it knows).
        let mut views = self.views(spec, world);

        for round in 1..=deadline {
            let changed = state.advance(self, world, round, &mut trace);
            if changed || !built {
                self.build_moving(spec, &state, buffers);
                if !built && whole_deal && state.at_opening() {
                    // The opening world's frontier, for the efficiency columns.
                    let mut copy = opening.take().unwrap_or_default();
                    copy.clone_from(&buffers.proposer_frontier);
                    *opening = Some(copy);
                }
                built = true;
                views.iter_mut().flatten().for_each(|v| v.touch());
            }
            // The opponent may escalate (once), then the round starts over
            // in the world its escalation made.
            let escalates = whole_deal
                && state.escalated.is_none()
                && !buffers.proposer_frontier.is_empty()
                && state.agents[o]
                    .conduct
                    .escalation
                    .as_ref()
                    .is_some_and(|e| {
                        self.situation(&state, spec, round)
                            .escalation_pays(&buffers.proposer_frontier, e)
                    });
            if escalates {
                let escalation = state.agents[o]
                    .conduct
                    .escalation
                    .clone()
                    .expect("checked above");
                state.escalated = Some(round);
                for m in escalation.mutations() {
                    state.apply(self, world, &m, round);
                }
                let name = &escalation.name;
                note(
                    &mut trace,
                    spec.name,
                    round,
                    Some(o),
                    Response::Escalate,
                    name,
                );
                self.build_moving(spec, &state, buffers);
                views.iter_mut().flatten().for_each(|v| v.touch());
            }
            self.check_consent(&mut state, spec, round, &mut trace);
            let (pf, of) = (&buffers.proposer_frontier, &buffers.opponent_frontier);
            if pf.is_empty() || of.is_empty() {
                continue;
            }
            let situation = self.situation(&state, spec, round);
            let agents: &[_] = &state.agents;
            let (proposer, opponent) = (&agents[p], &agents[o]);
            let leverage = situation.leverage;
            let breakdown = if whole_deal {
                situation.breakdown(&none)
            } else {
                (Outcome::StatusQuo, spec.status_quo.as_slice())
            };
            let offered: Offered<'_> = (last_offer, pf, of);
            let proposer_pressure =
                self.pressure_moving(&situation, spec, p, breakdown, offered, package);
            let opponent_pressure =
                self.pressure_moving(&situation, spec, o, breakdown, offered, package);
            let floor = |j: usize, pressure: f64| {
                if !whole_deal {
                    return situation.utility(j, breakdown.1, Outcome::Agreement, &none);
                }
                if !self.pressed_by_stake(agents, j) {
                    return situation.floor(j, breakdown, &none);
                }
                // Allies that press by stake push the negotiator's walk-away
                // level towards its breakdown utility by the same share.
                let fallback = situation.utility(j, breakdown.1, breakdown.0, &none);
                let reservation = agents[j].reservation_at(leverage);
                (reservation - pressure * (reservation - fallback).max(0.0)).max(fallback)
            };
            let (proposer_shift, opponent_shift) =
                (proposer.oil_shift(leverage), opponent.oil_shift(leverage));
            let proposer_floor = floor(p, proposer_pressure);
            let opponent_floor = floor(o, opponent_pressure);
            let proposer_best = proposer.utility_of_value(pf[0].first + proposer_shift);
            let opponent_best = opponent.utility_of_value(of[of.len() - 1].second + opponent_shift);
            let [proposer_schedule, opponent_schedule] =
                [&*state.schedules[0], &*state.schedules[1]];

            // The proposer may leave for its outside option.
            if whole_deal && let Some((outcome, chosen, value)) = outside_option(&situation) {
                let demand = opponent_aspiration.target(
                    opponent_schedule,
                    round,
                    opponent_best,
                    opponent_floor,
                    opponent_pressure,
                    leverage,
                );
                let counter = offer_for_second(of, opponent, opponent_shift, demand);
                spec.space.package_into(counter.index as usize, package);
                let worth = proposer.utility_of_value(counter.first + proposer_shift);
                let on_table = (counter.hosts_accept
                    && situation.hosts_accept_deal(package)
                    && at_least(worth, proposer_floor))
                .then_some(worth);
                let k = pf.partition_point(|q| {
                    !at_least(
                        opponent.utility_of_value(q.second + opponent_shift),
                        opponent_floor,
                    )
                });
                let at_floor = pf
                    .get(k)
                    .map(|q| proposer.utility_of_value(q.first + proposer_shift))
                    .filter(|&u| at_least(u, proposer_floor));
                // Waiting, the proposer gets at worst the breakdown at the
                // deadline, or this outside option then.
                let fallback = situation
                    .utility(p, breakdown.1, breakdown.0, &none)
                    .max(value);
                let stay = continuing(
                    proposer.discount,
                    round,
                    deadline,
                    on_table,
                    at_floor,
                    fallback,
                );
                if crate::theory::ties::greater(value, stay) {
                    let response = match outcome {
                        Outcome::Unilateral => Response::Deploy,
                        _ => Response::Abandon,
                    };
                    let name = proposer.name.clone();
                    let result = TrackResult {
                        outcome,
                        rounds: round,
                        package: chosen.to_vec(),
                        breakdown: (outcome, chosen.to_vec()),
                    };
                    note(&mut trace, spec.name, round, Some(p), response, &name);
                    return Moved {
                        result,
                        state,
                        ended_by: Some(EndedBy::Proposer),
                    };
                }
            }

            // The proposer offers; the opponent answers.
            if at_least(proposer_best, proposer_floor) {
                let demand = proposer_aspiration.target(
                    proposer_schedule,
                    round,
                    proposer_best,
                    proposer_floor,
                    proposer_pressure,
                    leverage,
                );
                let offer = match &mut views[0] {
                    Some(view) => {
                        view.refresh(self, spec, &state, 0, &mut beliefs[0]);
                        offer_for_first(
                            &beliefs[0].proposer_frontier,
                            proposer,
                            proposer_shift,
                            demand,
                        )
                    }
                    None => offer_for_first(pf, proposer, proposer_shift, demand),
                };
                last_offer[0] = Some(offer.index);
                spec.space.package_into(offer.index as usize, package);
                // Chosen from beliefs, an offer is judged by the true values.
                let second = match views[0] {
                    Some(_) => opponent.package_value(package, state.threat),
                    None => offer.second,
                };
                let worth = opponent.utility_of_value(second + opponent_shift);
                opponent_aspiration.observe(opponent_schedule, worth);
                let next_demand = opponent_aspiration.target(
                    opponent_schedule,
                    round,
                    opponent_best,
                    opponent_floor,
                    opponent_pressure,
                    leverage,
                );
                let accepted = at_least(worth, opponent_floor)
                    && at_least(worth, opponent.discount * next_demand);
                let response = match (accepted, situation.hosts_accept_deal(package)) {
                    (false, _) => Response::Reject,
                    (true, false) => Response::Veto,
                    (true, true) => Response::Accept,
                };
                self.record_moving(
                    &state,
                    &mut trace,
                    spec,
                    (round, leverage),
                    p,
                    package,
                    response,
                );
                self.record_belief(&mut views[0], &mut trace, spec, &state, 0);
                if response == Response::Accept {
                    return self.agreed(state, package, round, spec);
                }
                if let Some(view) = &mut views[1] {
                    let t = normalised_time(round, deadline);
                    view.observe(proposer, package, spec, (state.threat, leverage), t);
                }
            }

            // The opponent counter-offers; the proposer answers, subject to the hosts.
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
            let counter = match &mut views[1] {
                Some(view) => {
                    view.refresh(self, spec, &state, 1, &mut beliefs[1]);
                    offer_for_second(
                        &beliefs[1].opponent_frontier,
                        opponent,
                        opponent_shift,
                        demand,
                    )
                }
                None => offer_for_second(of, opponent, opponent_shift, demand),
            };
            last_offer[1] = Some(counter.index);
            spec.space.package_into(counter.index as usize, package);
            let first = match views[1] {
                Some(_) => proposer.package_value(package, state.threat),
                None => counter.first,
            };
            let worth = proposer.utility_of_value(first + proposer_shift);
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
            let hosts_accept = counter.hosts_accept && situation.hosts_accept_deal(package);
            let response = match (acceptable, hosts_accept) {
                (false, _) => Response::Reject,
                (true, false) => Response::Veto,
                (true, true) => Response::Accept,
            };
            self.record_moving(
                &state,
                &mut trace,
                spec,
                (round, leverage),
                o,
                package,
                response,
            );
            self.record_belief(&mut views[1], &mut trace, spec, &state, 1);
            if response == Response::Accept {
                return self.agreed(state, package, round, spec);
            }
            if let Some(view) = &mut views[0] {
                let t = normalised_time(round, deadline);
                view.observe(opponent, package, spec, (state.threat, leverage), t);
            }
        }
        let situation = self.situation(&state, spec, deadline);
        let (outcome, chosen) = if whole_deal {
            situation.breakdown(&Shifts::none(s.agents.len()))
        } else {
            (Outcome::StatusQuo, spec.status_quo.as_slice())
        };
        let chosen = chosen.to_vec();
        Moved {
            result: TrackResult {
                outcome,
                rounds: deadline,
                package: chosen.clone(),
                breakdown: (outcome, chosen),
            },
            state,
            ended_by: Some(EndedBy::Deadline),
        }
    }
}

/// The negotiators' last offers (package numbers) and the two frontiers.
pub(super) type Offered<'a> = ([Option<u32>; 2], &'a [FrontierPoint], &'a [FrontierPoint]);
