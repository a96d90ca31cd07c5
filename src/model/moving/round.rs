//! The pieces of a moving round: the situation the decision rules see,
//! hosts' consent checked, allies' pressure, the result of an agreement and
//! the trace of an offer.

use super::belief::View;
use super::choices::{Shifts, Situation, stake};
use super::state::State;
use super::{Moved, Offered};
use crate::model::agent::Role;
use crate::model::outcome::{OfferRecord, Outcome, Response, TrackName, TrackResult};
use crate::model::run::{Model, TrackSpec};

impl Model {
    pub(super) fn agreed<'m>(
        &self,
        state: State<'m>,
        package: &[u32],
        round: u32,
        spec: &TrackSpec,
    ) -> Moved<'m> {
        Moved {
            result: TrackResult {
                outcome: Outcome::Agreement,
                rounds: round,
                package: package.to_vec(),
                breakdown: (Outcome::StatusQuo, spec.status_quo.clone()),
            },
            state,
            ended_by: None,
        }
    }

    /// The round's situation for the decision rules.
    pub(super) fn situation<'a>(
        &'a self,
        state: &'a State<'_>,
        spec: &'a TrackSpec,
        round: u32,
    ) -> Situation<'a> {
        Situation {
            agents: &state.agents,
            opening_agents: &self.scenario.agents,
            opening_threat: state.opening_threat,
            hosts: &self.hosts,
            lapsed: &state.lapsed,
            threat: state.threat,
            leverage: state.leverage_at(round),
            opening: state.leverage_at(1),
            status_quo: &spec.status_quo,
            unilateral: state.unilateral.as_deref(),
            proposer: self.proposer,
            opponent: self.opponent,
        }
    }

    /// Hosts re-evaluate their consent to unilateral deployment: a host
    /// that consented and no longer does has withdrawn it (traced).
    pub(super) fn check_consent(
        &self,
        state: &mut State<'_>,
        spec: &TrackSpec,
        round: u32,
        trace: &mut Option<&mut Vec<OfferRecord>>,
    ) {
        let Some(u) = state.unilateral.clone() else {
            return;
        };
        if spec.name != TrackName::Main {
            return;
        }
        let none = Shifts::none(state.agents.len());
        let refusing: Vec<usize> = self
            .hosts
            .iter()
            .copied()
            .filter(|&h| {
                let alone = [h];
                let one = Situation {
                    hosts: &alone,
                    ..self.situation(state, spec, round)
                };
                !one.hosts_consent(&u, &none)
            })
            .collect();
        let consents = refusing.is_empty();
        if state.consented == Some(true) && !consents {
            for h in refusing {
                if state.withdrew[h].is_none() {
                    state.withdraw(h, round, trace);
                }
            }
        }
        state.consented = Some(consents);
    }

    /// Whether an ally that presses by its stake presses negotiator `j`.
    pub(super) fn pressed_by_stake(&self, agents: &[crate::model::Agent], j: usize) -> bool {
        agents.iter().any(|a| {
            a.conduct.pressure_follows_stake
                && matches!(a.role, Role::Ally { presses, .. } if presses == j)
        })
    }

    /// Pressure on negotiator `target` (MODEL.md 7.6, 7.14): each ally's
    /// pressure, scaled by its stake in the deal on the table when its
    /// pressure follows its stake.
    pub(super) fn pressure_moving(
        &self,
        situation: &Situation<'_>,
        spec: &TrackSpec,
        target: usize,
        breakdown: (Outcome, &[u32]),
        (last_offer, pf, of): Offered<'_>,
        package: &mut [u32],
    ) -> f64 {
        let leverage = situation.leverage;
        let none = Shifts::none(situation.agents.len());
        situation
            .agents
            .iter()
            .enumerate()
            .map(|(j, a)| match a.role {
                Role::Ally {
                    presses,
                    pressure,
                    energy_dependence,
                } if presses == target => {
                    let base = pressure * (1.0 + energy_dependence * (2.0 * leverage - 1.0));
                    if !a.conduct.pressure_follows_stake {
                        return base;
                    }
                    // The deal on the table: the other side's last offer,
                    // or its opening demand.
                    let table = if target == self.proposer {
                        last_offer[1].unwrap_or(of[of.len() - 1].index)
                    } else {
                        last_offer[0].unwrap_or(pf[0].index)
                    };
                    spec.space.package_into(table as usize, package);
                    let deal = situation.utility(j, package, Outcome::Agreement, &none);
                    let fallback = situation.utility(j, breakdown.1, breakdown.0, &none);
                    base * stake(a, deal, fallback, leverage)
                }
                _ => 0.0,
            })
            .sum::<f64>()
            .clamp(0.0, 1.0)
    }

    /// Notes on the last offer of the trace how well its offerer's beliefs
    /// rank the other side's packages.
    pub(super) fn record_belief(
        &self,
        view: &mut Option<View>,
        trace: &mut Option<&mut Vec<OfferRecord>>,
        spec: &TrackSpec,
        state: &State<'_>,
        side: usize,
    ) {
        if let (Some(trace), Some(view)) = (trace, view)
            && let Some(last) = trace.last_mut()
        {
            last.belief = Some(view.accuracy(self, spec, state, side));
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn record_moving(
        &self,
        state: &State<'_>,
        trace: &mut Option<&mut Vec<OfferRecord>>,
        spec: &TrackSpec,
        (round, leverage): (u32, f64),
        offerer: usize,
        package: &[u32],
        response: Response,
    ) {
        if let Some(trace) = trace {
            let utilities = state
                .agents
                .iter()
                .map(|a| a.utility_of(package, state.threat, leverage))
                .collect();
            trace.push(OfferRecord {
                track: spec.name,
                round,
                offerer: Some(offerer),
                package: package.to_vec(),
                utilities,
                response,
                note: None,
                belief: None,
            });
        }
    }
}
