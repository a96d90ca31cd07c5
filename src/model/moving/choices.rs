//! The decisions of a moving world, each round (MODEL.md 7.14): which
//! breakdown the proposer would take, whether it leaves the talks now,
//! whether the opponent escalates, how hard an ally presses, whether the
//! hosts consent.

use crate::model::agent::{Agent, Role};
use crate::model::frontier::FrontierPoint;
use crate::model::outcome::Outcome;
use crate::model::world::Escalation;
use crate::theory::ties::{at_least, greater};

/// Value shifts a hypothetical escalation would make, per agent: to every
/// outcome, and on top to unilateral deployment and to the status quo.
#[derive(Debug, Clone, Default)]
pub struct Shifts {
    pub all: Vec<f64>,
    pub unilateral: Vec<f64>,
    pub status_quo: Vec<f64>,
}

impl Shifts {
    pub fn none(agents: usize) -> Shifts {
        Shifts {
            all: vec![0.0; agents],
            unilateral: vec![0.0; agents],
            status_quo: vec![0.0; agents],
        }
    }

    /// The shifts of an escalation, weighted by each agent's weights.
    pub fn of(escalation: &Escalation, agents: &[Agent]) -> Shifts {
        let weigh = |table: &[[f64; 3]]| -> Vec<f64> {
            agents
                .iter()
                .zip(table)
                .map(|(a, e)| (0..3).map(|k| a.weights[k] * e[k]).sum())
                .collect()
        };
        Shifts {
            all: weigh(&escalation.effects),
            unilateral: weigh(&escalation.unilateral_effects),
            status_quo: weigh(&escalation.status_quo_effects),
        }
    }

    fn outcome(&self, j: usize, outcome: Outcome) -> f64 {
        self.all[j]
            + match outcome {
                Outcome::Agreement => 0.0,
                Outcome::Unilateral => self.unilateral[j],
                Outcome::StatusQuo => self.status_quo[j],
            }
    }
}

/// What one round's decisions are taken in.
pub struct Situation<'a> {
    pub agents: &'a [Agent],
    pub hosts: &'a [usize],
    pub lapsed: &'a [usize],
    pub threat: f64,
    /// This round's and the opening round's leverage.
    pub leverage: f64,
    pub opening: f64,
    pub status_quo: &'a [u32],
    pub unilateral: Option<&'a [u32]>,
    pub proposer: usize,
    pub opponent: usize,
}

impl Situation<'_> {
    /// Utility to agent `j` of `package` ending the talks as `outcome`, with shifts.
    pub fn utility(&self, j: usize, package: &[u32], outcome: Outcome, shifts: &Shifts) -> f64 {
        let a = &self.agents[j];
        a.utility_of_value(
            a.value_of(package, self.threat, self.leverage)
                + a.outcome_shift(outcome)
                + shifts.outcome(j, outcome),
        )
    }

    /// Whether every host whose soil `package` deploys on consents to it
    /// being deployed unilaterally. A host that re-evaluates judges at the
    /// current leverage, others at the opening one (as in a still world); a
    /// host whose consent lapsed refuses.
    pub fn hosts_consent(&self, package: &[u32], shifts: &Shifts) -> bool {
        self.hosts.iter().all(|&h| {
            let host = &self.agents[h];
            if !touches_soil(host, package, self.status_quo) {
                return true;
            }
            if self.lapsed.contains(&h) {
                return false;
            }
            let leverage = if host.conduct.reevaluates_consent {
                self.leverage
            } else {
                self.opening
            };
            let value = host.value_of(package, self.threat, leverage)
                + host.outcome_shift(Outcome::Unilateral)
                + shifts.outcome(h, Outcome::Unilateral);
            at_least(host.utility_of_value(value), host.reservation_at(leverage))
        })
    }

    /// Whether every host accepts `package` as a deal now (hosts that
    /// re-evaluate, at the current leverage; lapsed hosts refuse their soil).
    pub fn hosts_accept_deal(&self, package: &[u32]) -> bool {
        self.hosts.iter().all(|&h| {
            let host = &self.agents[h];
            if !touches_soil(host, package, self.status_quo) {
                return true;
            }
            if self.lapsed.contains(&h) {
                return false;
            }
            !host.conduct.reevaluates_consent
                || at_least(
                    host.utility_of(package, self.threat, self.leverage),
                    host.reservation_at(self.leverage),
                )
        })
    }

    /// The breakdown outcome now: deploying if the hosts consent, else the
    /// status quo — or, for a proposer that may abandon, whichever of the
    /// two it prefers.
    pub fn breakdown(&self, shifts: &Shifts) -> (Outcome, &[u32]) {
        let deploy = self
            .unilateral
            .filter(|u| self.hosts_consent(u, shifts))
            .map(|u| (Outcome::Unilateral, u));
        let stay = (Outcome::StatusQuo, self.status_quo);
        let p = self.proposer;
        match deploy {
            Some((_, u)) if self.agents[p].conduct.may_abandon => {
                let d = self.utility(p, u, Outcome::Unilateral, shifts);
                let q = self.utility(p, self.status_quo, Outcome::StatusQuo, shifts);
                if at_least(d, q) {
                    (Outcome::Unilateral, u)
                } else {
                    stay
                }
            }
            Some(deploy) => deploy,
            None => stay,
        }
    }

    /// The least agent `j` accepts on a track that settles the whole deal:
    /// its reservation or its utility of the breakdown, whichever is larger.
    pub fn floor(&self, j: usize, breakdown: (Outcome, &[u32]), shifts: &Shifts) -> f64 {
        let bd = self.utility(j, breakdown.1, breakdown.0, shifts);
        self.agents[j].reservation_at(self.leverage).max(bd)
    }

    /// The opponent's expected utility of the talks (MODEL.md 7.14): the
    /// deal best for it that the proposer accepts if the two floors leave a
    /// zone of agreement on the host-accepted frontier `pf`, else the
    /// breakdown. Both would come by the deadline, so the common discount
    /// factor cancels from any comparison of the two.
    pub fn opponent_expects(&self, pf: &[FrontierPoint], shifts: &Shifts) -> f64 {
        let (p, o) = (self.proposer, self.opponent);
        let breakdown = self.breakdown(shifts);
        let floor_p = self.floor(p, breakdown, shifts);
        let floor_o = self.floor(o, breakdown, shifts);
        let (ap, ao) = (&self.agents[p], &self.agents[o]);
        let (sp, so) = (
            ap.oil_shift(self.leverage) + shifts.all[p],
            ao.oil_shift(self.leverage) + shifts.all[o],
        );
        // Along pf the proposer's value falls and the opponent's rises.
        let k = pf.partition_point(|q| at_least(ap.utility_of_value(q.first + sp), floor_p));
        let fallback = self.utility(o, breakdown.1, breakdown.0, shifts);
        if k == 0 {
            return fallback;
        }
        let deal = ao.utility_of_value(pf[k - 1].second + so);
        if at_least(deal, floor_o) {
            deal
        } else {
            fallback
        }
    }

    /// Whether the opponent gains by escalating now.
    pub fn escalation_pays(&self, pf: &[FrontierPoint], escalation: &Escalation) -> bool {
        let before = self.opponent_expects(pf, &Shifts::none(self.agents.len()));
        let after = self.opponent_expects(pf, &Shifts::of(escalation, self.agents));
        greater(after, before)
    }
}

/// The proposer's outside option now and its value: deploying (if it may
/// and the hosts consent) or abandoning (if it may), whichever it prefers.
pub fn outside_option<'a>(s: &Situation<'a>) -> Option<(Outcome, &'a [u32], f64)> {
    let p = s.proposer;
    let none = Shifts::none(s.agents.len());
    let conduct = &s.agents[p].conduct;
    let deploy = s
        .unilateral
        .filter(|u| conduct.may_deploy && s.hosts_consent(u, &none))
        .map(|u| {
            (
                Outcome::Unilateral,
                u,
                s.utility(p, u, Outcome::Unilateral, &none),
            )
        });
    let abandon = conduct.may_abandon.then(|| {
        let q = s.status_quo;
        (
            Outcome::StatusQuo,
            q,
            s.utility(p, q, Outcome::StatusQuo, &none),
        )
    });
    match (deploy, abandon) {
        (Some(d), Some(a)) => Some(if at_least(d.2, a.2) { d } else { a }),
        (d, a) => d.or(a),
    }
}

/// The proposer's value of continuing in round `round` of `deadline`
/// (MODEL.md 7.14): the best of taking the opponent's current demand now
/// (`on_table`, if the proposer and hosts would accept it) and waiting for
/// the opponent's concession to its floor at the deadline (`at_floor`, the
/// best deal the opponent then accepts, if the proposer accepts it) or for
/// its outside option then (`outside`), discounted over the 2(D − r) offer
/// periods left.
pub fn continuing(
    discount: f64,
    round: u32,
    deadline: u32,
    on_table: Option<f64>,
    at_floor: Option<f64>,
    outside: f64,
) -> f64 {
    let periods = 2 * (deadline - round.min(deadline)) as i32;
    let later = discount.powi(periods) * at_floor.unwrap_or(0.0).max(outside);
    on_table.unwrap_or(0.0).max(later)
}

/// Pressure an ally's stake adds: the share of its possible gain above its
/// own floor (reservation, or its utility of the breakdown) that the deal on
/// the table delivers, in [0, 1].
pub fn stake(ally: &Agent, deal: f64, breakdown: f64, leverage: f64) -> f64 {
    let floor = ally.reservation_at(leverage).max(breakdown);
    if floor >= 1.0 {
        return 0.0;
    }
    ((deal - floor) / (1.0 - floor)).clamp(0.0, 1.0)
}

/// Whether a package deploys on a host's soil.
pub fn touches_soil(host: &Agent, package: &[u32], status_quo: &[u32]) -> bool {
    match &host.role {
        Role::Host { soil } => soil.iter().any(|&i| package[i] != status_quo[i]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuing_discounts_the_wait_and_keeps_what_is_on_the_table() {
        // δ = 0.9, round 9 of 10: two periods left, 0.81 · max(0.8, 0.5) = 0.648.
        assert!((continuing(0.9, 9, 10, None, Some(0.8), 0.5) - 0.648).abs() < 1e-12);
        // What is on the table now counts undiscounted.
        assert_eq!(continuing(0.9, 9, 10, Some(0.7), Some(0.8), 0.5), 0.7);
        // At the deadline nothing is discounted.
        assert_eq!(continuing(0.5, 10, 10, None, None, 0.4), 0.4);
    }

    #[test]
    fn stake_is_the_share_of_the_gain_above_the_floor() {
        let mut a = crate::model::agent::tests::agent(1.0);
        a.reservation = 0.4;
        a.reservation_oil = 0.0;
        assert!((stake(&a, 0.7, 0.2, 0.5) - 0.5).abs() < 1e-12);
        assert_eq!(stake(&a, 0.3, 0.2, 0.5), 0.0);
        // The breakdown is the floor when it beats the reservation.
        assert!((stake(&a, 0.9, 0.8, 0.5) - 0.5).abs() < 1e-12);
    }
}
