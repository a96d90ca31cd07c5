//! The subgame-perfect equilibrium of the finite-horizon alternating-offers
//! game (Ståhl 1972; Rubinstein 1982), by backward induction over the
//! frontier of the package space.
//!
//! Periods `1..=horizon` alternate, the proposer offering in odd periods.
//! An agreement on `x` in period `t` is worth `δ_i^(t−1) u_i(x)` to side `i`;
//! no agreement by the end is worth `δ_i^horizon d_i`. In the last period the
//! offerer takes the most the other accepts; each earlier offerer gives the
//! responder exactly what rejecting is worth (the responder accepts when
//! indifferent), or delays when even that leaves it less than waiting.

use serde::Serialize;

use super::bargaining::Point;
use crate::model::ties;

/// The equilibrium outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Equilibrium {
    /// The package agreed on the equilibrium path, if any.
    pub deal: Option<Point>,
    /// Period of agreement (1 = the first offer is accepted).
    pub period: Option<u32>,
    /// Each side's equilibrium payoff, discounted to period 1.
    pub payoffs: [f64; 2],
}

/// Backward induction over `frontier` (proposer utility falling, opponent's
/// rising), with per-period discount factors, `horizon` periods and
/// disagreement utilities `d`.
pub fn backward_induction(
    frontier: &[Point],
    discounts: [f64; 2],
    horizon: u32,
    d: [f64; 2],
) -> Equilibrium {
    // Continuation payoffs measured at the period they are reached.
    let mut value = d;
    let mut deal: Option<(Point, u32)> = None;
    for t in (1..=horizon).rev() {
        let offerer = usize::from(t % 2 == 0); // 0: proposer, 1: opponent
        let responder = 1 - offerer;
        let threshold = discounts[responder] * value[responder];
        let wait = discounts[offerer] * value[offerer];
        let best = match offerer {
            // The proposer's best point whose opponent utility reaches the threshold.
            0 => {
                let k = frontier.partition_point(|p| !ties::at_least(p.opponent, threshold));
                frontier.get(k)
            }
            // The opponent's best point whose proposer utility reaches the threshold.
            _ => {
                let k = frontier.partition_point(|p| ties::at_least(p.proposer, threshold));
                k.checked_sub(1).map(|k| &frontier[k])
            }
        };
        let own = |p: &Point| if offerer == 0 { p.proposer } else { p.opponent };
        match best {
            Some(p) if ties::at_least(own(p), wait) => {
                value = [p.proposer, p.opponent];
                deal = Some((*p, t));
            }
            _ => value = [discounts[0] * value[0], discounts[1] * value[1]],
        }
    }
    let delay = deal.map_or(horizon, |(_, t)| t - 1);
    Equilibrium {
        deal: deal.map(|(p, _)| p),
        period: deal.map(|(_, t)| t),
        payoffs: [0, 1].map(|i| {
            if deal.is_some() {
                value[i] * discounts[i].powi(delay as i32)
            } else {
                value[i]
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pie(step: f64) -> Vec<Point> {
        let n = (1.0 / step).round() as u32;
        (0..=n)
            .rev()
            .map(|i| Point {
                proposer: f64::from(i) * step,
                opponent: 1.0 - f64::from(i) * step,
                index: i,
            })
            .collect()
    }

    // Rubinstein (1982): with discount factors δ1 = δ2 = δ the first proposer
    // gets 1/(1 + δ) = 0.5128 for δ = 0.95; the finite game approaches it as
    // the horizon grows (Ståhl 1972), within about step/(1 − δ) on a grid.
    #[test]
    fn rubinstein_equal_discounts() {
        let f = pie(0.0001);
        for horizon in [200, 201, 400] {
            let e = backward_induction(&f, [0.95, 0.95], horizon, [0.0, 0.0]);
            let share = e.deal.unwrap().proposer;
            assert!(
                (share - 1.0 / 1.95).abs() < 0.001,
                "horizon {horizon}: {share}"
            );
            assert_eq!(e.period, Some(1));
        }
    }

    // Unequal factors: the first proposer gets (1 − δ2)/(1 − δ1 δ2);
    // δ1 = 0.9, δ2 = 0.8 give 0.2/0.28 = 0.7143.
    #[test]
    fn rubinstein_unequal_discounts() {
        let e = backward_induction(&pie(0.0001), [0.9, 0.8], 200, [0.0, 0.0]);
        assert!((e.deal.unwrap().proposer - 0.2 / 0.28).abs() < 0.001);
    }

    // The responder accepts when indifferent, also when rounding puts the
    // offer a hair below its threshold. A pie in steps of 1/10,000 with
    // shares i/10,000 (as a `share` issue computes them), δ = 0.95 and 0.6,
    // 200 periods: exact rational backward induction (Python `fractions`,
    // every offer enumerated) gives the first proposer 9301/10000; comparing
    // floats exactly gave 0.9300, one grid step off.
    #[test]
    fn responder_accepts_when_indifferent_despite_rounding() {
        let n = 10_000u32;
        let f: Vec<Point> = (0..=n)
            .rev()
            .map(|i| {
                let x = f64::from(i) / f64::from(n);
                Point {
                    proposer: x,
                    opponent: 1.0 - x,
                    index: i,
                }
            })
            .collect();
        let e = backward_induction(&f, [0.95, 0.6], 200, [0.0, 0.0]);
        assert_eq!(e.deal.unwrap().index, 9301);
        assert_eq!(e.period, Some(1));
    }

    #[test]
    fn one_period_ultimatum_gives_the_proposer_everything() {
        let e = backward_induction(&pie(0.01), [0.9, 0.9], 1, [0.0, 0.0]);
        assert_eq!(e.deal.unwrap().proposer, 1.0);
    }

    #[test]
    fn no_agreement_when_nothing_beats_disagreement() {
        // In a single period both sides can wait for 0.9 × 0.8 = 0.72, and no
        // split gives both that much.
        let e = backward_induction(&pie(0.01), [0.9, 0.9], 1, [0.8, 0.8]);
        assert_eq!(e.deal, None);
        assert!((e.payoffs[0] - 0.72).abs() < 1e-12);
        // With time, disagreement at the far end is worth less, and a deal
        // comes once its discounted value falls below what a split can give,
        // and by backward induction it is struck at once.
        let e = backward_induction(&pie(0.01), [0.9, 0.9], 10, [0.8, 0.8]);
        assert_eq!(e.period, Some(1));
    }
}
