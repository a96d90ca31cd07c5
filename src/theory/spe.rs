//! The subgame-perfect equilibrium of the finite-horizon alternating-offers
//! game (Ståhl 1972; Rubinstein 1982), by backward induction over the
//! frontier of the package space.
//!
//! Periods `1..=horizon` alternate, the proposer offering in odd periods, so
//! the horizon's parity says who makes the last offer. An agreement on `x`
//! in period `t` is worth `δ_i^(t−1) u_i(x)` to side `i`. Without agreement
//! each side gets its disagreement utility `d_i`: at the end of the game
//! (worth `δ_i^horizon d_i`), or — when the sides have outside options — in
//! any period in which either of them walks away (`δ_i^(t−1) d_i`), so
//! nobody ever settles for less than its `d_i`. In each period the offerer
//! takes the most the responder accepts; the responder accepts what is worth
//! at least the better of walking away (if it may) and waiting one period,
//! so it accepts when indifferent; the offerer deals if that is worth at
//! least what not dealing is. Without a deal, a side that may walk away does
//! so unless going on is better for both. Comparisons are up to
//! [`ties::UTILITY_TOLERANCE`](crate::theory::ties::UTILITY_TOLERANCE).

use serde::Serialize;

use super::bargaining::Point;
use crate::theory::ties;

/// One side of the two-party game.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Proposer,
    Opponent,
}

/// The alternating-offers game on a frontier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Game {
    /// Proposer's and opponent's discount factors per offer period.
    pub discounts: [f64; 2],
    /// Offer periods; the proposer makes the first offer.
    pub horizon_periods: u32,
    /// Each side's utility of the game ending without agreement.
    pub disagreement: [f64; 2],
    /// Whether either side may end the game in any period (an outside
    /// option worth its disagreement utility), or only the deadline does.
    pub outside_options: bool,
}

impl Game {
    /// The horizon of a protocol with `deadline_rounds` rounds of an offer
    /// and a counter-offer each, given who makes the last offer: the
    /// opponent (`2 × rounds` periods, as the protocol runs) or the proposer
    /// (one period fewer).
    pub fn horizon_for(deadline_rounds: u32, last_offer: Side) -> u32 {
        match last_offer {
            Side::Opponent => 2 * deadline_rounds,
            Side::Proposer => (2 * deadline_rounds).saturating_sub(1),
        }
    }

    /// Who makes the last offer (the proposer when the horizon is odd).
    pub fn last_offer(&self) -> Side {
        if self.horizon_periods % 2 == 1 {
            Side::Proposer
        } else {
            Side::Opponent
        }
    }
}

/// How the equilibrium path ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    Agreement,
    /// A side takes its outside option.
    WalkAway,
    /// The horizon passes without agreement.
    Deadline,
}

/// The equilibrium outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Equilibrium {
    pub ending: Ending,
    /// The package agreed on the equilibrium path, if any.
    pub deal: Option<Point>,
    /// Period of agreement or walking away (1 = the first period); none at
    /// the deadline.
    pub period: Option<u32>,
    /// Each side's equilibrium payoff, discounted to period 1.
    pub payoffs: [f64; 2],
}

/// Backward induction over `frontier` (proposer utility falling, opponent's
/// rising, as the frontier builders return it).
pub fn backward_induction(frontier: &[Point], game: &Game) -> Equilibrium {
    let (delta, d) = (game.discounts, game.disagreement);
    // Continuation payoffs measured at the period they are reached, and how
    // the path from that period on ends.
    let mut value = d;
    let mut path = (Ending::Deadline, None, None);
    for t in (1..=game.horizon_periods).rev() {
        let offerer = usize::from(t % 2 == 0); // 0: proposer, 1: opponent
        let responder = 1 - offerer;
        let going_on = [delta[0] * value[0], delta[1] * value[1]];
        // Without a deal in this period: on to the next, unless a side with
        // an outside option prefers (or is indifferent to) taking it.
        let (no_deal, no_deal_path) = if game.outside_options
            && !(ties::greater(going_on[0], d[0]) && ties::greater(going_on[1], d[1]))
        {
            (d, (Ending::WalkAway, None, Some(t)))
        } else {
            (going_on, path)
        };
        let threshold = if game.outside_options {
            going_on[responder].max(d[responder])
        } else {
            going_on[responder]
        };
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
            Some(p) if ties::at_least(own(p), no_deal[offerer]) => {
                value = [p.proposer, p.opponent];
                path = (Ending::Agreement, Some(*p), Some(t));
            }
            _ => {
                value = no_deal;
                path = no_deal_path;
            }
        }
    }
    let (ending, deal, period) = path;
    Equilibrium {
        ending,
        deal,
        period,
        payoffs: value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    fn game(discounts: [f64; 2], horizon_periods: u32, disagreement: [f64; 2]) -> Game {
        Game {
            discounts,
            horizon_periods,
            disagreement,
            outside_options: false,
        }
    }

    fn with_outside_options(game: Game) -> Game {
        Game {
            outside_options: true,
            ..game
        }
    }

    // Rubinstein (1982): with discount factors δ1 = δ2 = δ the first proposer
    // gets 1/(1 + δ) = 0.5128 for δ = 0.95; the finite game approaches it as
    // the horizon grows (Ståhl 1972), within the bound of
    // `grid_equilibrium_is_within_the_discretisation_bound`.
    #[test]
    fn rubinstein_equal_discounts() {
        let f = pie(0.0001);
        for horizon in [200, 201, 400] {
            let e = backward_induction(&f, &game([0.95, 0.95], horizon, [0.0, 0.0]));
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
        let e = backward_induction(&pie(0.0001), &game([0.9, 0.8], 200, [0.0, 0.0]));
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
        let e = backward_induction(&f, &game([0.95, 0.6], 200, [0.0, 0.0]));
        assert_eq!(e.deal.unwrap().index, 9301);
        assert_eq!(e.period, Some(1));
    }

    // Who makes the last offer takes the pie in the last period: the
    // proposer in a one-period ultimatum; in two periods the opponent, so
    // the proposer must leave it δ_O · 1 = 0.95 at once.
    #[test]
    fn the_last_offerer_takes_the_pie_in_the_last_period() {
        assert_eq!(Game::horizon_for(1, Side::Proposer), 1);
        assert_eq!(Game::horizon_for(1, Side::Opponent), 2);
        assert_eq!(Game::horizon_for(36, Side::Opponent), 72);
        let ultimatum = game([0.9, 0.95], 1, [0.0, 0.0]);
        assert_eq!(ultimatum.last_offer(), Side::Proposer);
        let e = backward_induction(&pie(0.01), &ultimatum);
        assert_eq!(e.deal.unwrap().proposer, 1.0);
        let two = game([0.9, 0.95], 2, [0.0, 0.0]);
        assert_eq!(two.last_offer(), Side::Opponent);
        let e = backward_induction(&pie(0.01), &two);
        assert!((e.deal.unwrap().proposer - 0.05).abs() < 1e-12);
    }

    #[test]
    fn no_agreement_when_nothing_beats_disagreement() {
        // In a single period both sides can wait for 0.9 × 0.8 = 0.72, and no
        // split gives both that much.
        let e = backward_induction(&pie(0.01), &game([0.9, 0.9], 1, [0.8, 0.8]));
        assert_eq!((e.ending, e.deal), (Ending::Deadline, None));
        assert!((e.payoffs[0] - 0.72).abs() < 1e-12);
        // With time, disagreement at the far end is worth less, and a deal
        // comes once its discounted value falls below what a split can give,
        // and by backward induction it is struck at once.
        let e = backward_induction(&pie(0.01), &game([0.9, 0.9], 10, [0.8, 0.8]));
        assert_eq!(e.period, Some(1));
        // With outside options worth 0.8 each, nobody waits: both walk away
        // at once with 0.8, at any horizon.
        for horizon in [1, 10] {
            let outside = with_outside_options(game([0.9, 0.9], horizon, [0.8, 0.8]));
            let e = backward_induction(&pie(0.01), &outside);
            assert_eq!((e.ending, e.period), (Ending::WalkAway, Some(1)));
            assert_eq!(e.payoffs, [0.8, 0.8]);
        }
    }

    // The outside option principle (Binmore, Shaked & Sutton 1989; Osborne &
    // Rubinstein 1990): an outside option matters only when it beats what
    // the side gets by bargaining. δ = 0.95: the opponent's Rubinstein share
    // is δ/(1 + δ) = 0.487; with an outside option of 0.6 it gets exactly
    // that, and the first proposer 1 − 0.6 = 0.4. An option of 0.3 changes
    // nothing, and as a mere breakdown value at the end of 200 periods 0.6
    // changes nothing either.
    #[test]
    fn outside_options_bind_only_when_better_than_bargaining() {
        let f = pie(0.0001);
        let binding = with_outside_options(game([0.95, 0.95], 200, [0.0, 0.6]));
        let e = backward_induction(&f, &binding);
        assert!((e.deal.unwrap().proposer - 0.4).abs() < 1e-9, "{e:?}");
        assert_eq!(e.period, Some(1));
        let slack = with_outside_options(game([0.95, 0.95], 200, [0.0, 0.3]));
        let share = backward_induction(&f, &slack).deal.unwrap().proposer;
        assert!((share - 1.0 / 1.95).abs() < 0.001, "{share}");
        let at_the_end = game([0.95, 0.95], 200, [0.0, 0.6]);
        let share = backward_induction(&f, &at_the_end).deal.unwrap().proposer;
        assert!((share - 1.0 / 1.95).abs() < 0.001, "{share}");
    }

    // MODEL.md 7.11: on a pie of grid step s the first proposer's share is
    // within s(1 + δ_O)/(1 − δ_P δ_O) + δ_O^⌊H/2⌋ δ_P^⌊(H−1)/2⌋ of
    // Rubinstein's (1 − δ_O)/(1 − δ_P δ_O): each period the responder's
    // share is rounded up by at most s, and the error of the last period
    // (at most 1) shrinks by the responder's δ every period back. A coarse
    // grid never gets there: s = 0.01, δ = 0.99 gives 0.01 whenever the
    // opponent offers last (the bound is 1.0 there).
    #[test]
    fn grid_equilibrium_is_within_the_discretisation_bound() {
        for step in [0.01, 0.001, 0.0001] {
            let f = pie(step);
            for discounts in [
                [0.95, 0.95],
                [0.9, 0.8],
                [0.99, 0.99],
                [0.95, 0.6],
                [0.5, 0.9],
            ] {
                let [dp, dop] = discounts;
                let rubinstein = (1.0 - dop) / (1.0 - dp * dop);
                for horizon in [1u32, 2, 3, 10, 11, 50, 51, 200, 201] {
                    let e = backward_induction(&f, &game(discounts, horizon, [0.0, 0.0]));
                    let share = e.deal.unwrap().proposer;
                    let bound = step * (1.0 + dop) / (1.0 - dp * dop)
                        + dop.powi((horizon / 2) as i32) * dp.powi(((horizon - 1) / 2) as i32);
                    assert!(
                        (share - rubinstein).abs() <= bound + 1e-9,
                        "step {step}, {discounts:?}, {horizon}: {share} vs {rubinstein} ± {bound}"
                    );
                }
            }
        }
        for horizon in [2, 200, 1000] {
            let e = backward_induction(&pie(0.01), &game([0.99, 0.99], horizon, [0.0, 0.0]));
            assert!((e.deal.unwrap().proposer - 0.01).abs() < 1e-12);
        }
    }

    /// A separate oracle: the subgame of every period solved by enumerating
    /// every move (each frontier offer, accepting, rejecting, walking away)
    /// instead of a binary search; returns payoffs at period `t` and the path.
    fn oracle(frontier: &[Point], game: &Game, t: u32) -> ([f64; 2], Option<u32>, Option<u32>) {
        let d = game.disagreement;
        if t > game.horizon_periods {
            return (d, None, None);
        }
        let (next, deal, period) = oracle(frontier, game, t + 1);
        let going_on = [0, 1].map(|j| game.discounts[j] * next[j]);
        let (i, k) = if t % 2 == 1 { (0, 1) } else { (1, 0) };
        // Rejecting: the responder walks away unless going on is better for it.
        let walk_k = game.outside_options && !ties::greater(going_on[k], d[k]);
        let rejected = if walk_k {
            (d, None, Some(t))
        } else {
            (going_on, deal, period)
        };
        let reject_value = rejected.0[k];
        let mut best: Option<(f64, Point)> = None;
        for p in frontier {
            let u = [p.proposer, p.opponent];
            if ties::at_least(u[k], reject_value) && best.is_none_or(|(b, _)| u[i] > b) {
                best = Some((u[i], *p));
            }
        }
        // Not dealing: the offerer walks away, or makes an offer that is refused.
        let walk_i = game.outside_options && !ties::greater(rejected.0[i], d[i]);
        let no_deal = if walk_i { (d, None, Some(t)) } else { rejected };
        match best {
            Some((u, p)) if ties::at_least(u, no_deal.0[i]) => {
                ([p.proposer, p.opponent], Some(p.index), Some(t))
            }
            _ => no_deal,
        }
    }

    proptest! {
        // Backward induction by binary search agrees with the exhaustive
        // oracle on random small frontiers, discounts, horizons, and
        // disagreement points, with and without outside options.
        #[test]
        fn agrees_with_an_exhaustive_oracle(
            steps in prop::collection::vec((1u8..6, 1u8..6), 1..8),
            discounts in (0.3..1.0f64, 0.3..1.0f64),
            horizon in 1u32..9,
            disagreement in (0u8..8, 0u8..8),
            outside_options in any::<bool>(),
        ) {
            // A frontier falling in the proposer's utility, rising in the opponent's.
            let (mut x, mut y) = (1.0, 0.0);
            let mut frontier = vec![Point { proposer: x, opponent: y, index: 0 }];
            for (k, &(dx, dy)) in steps.iter().enumerate() {
                x -= f64::from(dx) / 40.0;
                y += f64::from(dy) / 40.0;
                frontier.push(Point { proposer: x, opponent: y, index: k as u32 + 1 });
            }
            let game = Game {
                discounts: [discounts.0, discounts.1],
                horizon_periods: horizon,
                disagreement: [f64::from(disagreement.0) / 10.0, f64::from(disagreement.1) / 10.0],
                outside_options,
            };
            let e = backward_induction(&frontier, &game);
            let (payoffs, deal, period) = oracle(&frontier, &game, 1);
            prop_assert_eq!(e.deal.map(|p| p.index), deal);
            prop_assert_eq!(e.period, period);
            prop_assert!((e.payoffs[0] - payoffs[0]).abs() < 1e-12 && (e.payoffs[1] - payoffs[1]).abs() < 1e-12);
        }
    }
}
