//! Bargaining solutions on the two-party utility frontier.
//!
//! Frontier points come sorted as the model builds them: the proposer's
//! utility falling, the opponent's rising. `d` is the disagreement point.
//! Nash (1950) maximises the product of gains over `d`; Kalai & Smorodinsky
//! (1975) equalise the shares of each side's ideal gain; the utilitarian
//! optimum maximises the sum of utilities. Every comparison is up to
//! [`UTILITY_TOLERANCE`](crate::theory::ties::UTILITY_TOLERANCE): of points
//! whose criteria tie, the first in frontier order (best for the proposer)
//! is the solution.

use serde::Serialize;

use crate::theory::ties;

/// A feasible agreement in the proposer–opponent utility plane.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub proposer: f64,
    pub opponent: f64,
    /// Package number in the space the frontier was built over.
    pub index: u32,
}

impl Point {
    fn gains(&self, d: [f64; 2]) -> [f64; 2] {
        [self.proposer - d[0], self.opponent - d[1]]
    }

    /// Whether both sides get at least their disagreement utility.
    pub fn rational(&self, d: [f64; 2]) -> bool {
        ties::at_least(self.proposer, d[0]) && ties::at_least(self.opponent, d[1])
    }

    /// The Nash product over `d` (0 outside the individually rational set,
    /// and no gain counts as negative inside it).
    pub fn nash_product(&self, d: [f64; 2]) -> f64 {
        let g = self.gains(d);
        if self.rational(d) {
            g[0].max(0.0) * g[1].max(0.0)
        } else {
            0.0
        }
    }
}

/// The Nash bargaining solution: the individually rational point with the
/// largest product of gains (the first such point on ties).
pub fn nash(frontier: &[Point], d: [f64; 2]) -> Option<Point> {
    let mut best: Option<Point> = None;
    for p in frontier.iter().filter(|p| p.rational(d)) {
        if best.is_none_or(|b| ties::greater(p.nash_product(d), b.nash_product(d))) {
            best = Some(*p);
        }
    }
    best
}

/// The Kalai–Smorodinsky solution on a discrete frontier: the individually
/// rational point maximising the smaller of the two sides' shares of their
/// ideal gain (ties: the larger total gain).
pub fn kalai_smorodinsky(frontier: &[Point], d: [f64; 2]) -> Option<Point> {
    let rational: Vec<&Point> = frontier.iter().filter(|p| p.rational(d)).collect();
    let ideal = [
        rational
            .iter()
            .map(|p| p.proposer)
            .fold(f64::NEG_INFINITY, f64::max),
        rational
            .iter()
            .map(|p| p.opponent)
            .fold(f64::NEG_INFINITY, f64::max),
    ];
    let share = |gain: f64, k: usize| {
        let range = ideal[k] - d[k];
        if ties::greater(ideal[k], d[k]) {
            gain / range
        } else {
            1.0
        }
    };
    let score = |p: &Point| {
        let g = p.gains(d);
        (share(g[0], 0).min(share(g[1], 1)), g[0] + g[1])
    };
    let better = |a: (f64, f64), b: (f64, f64)| {
        ties::greater(a.0, b.0) || (ties::equal(a.0, b.0) && ties::greater(a.1, b.1))
    };
    let mut best: Option<&Point> = None;
    for p in rational {
        if best.is_none_or(|b| better(score(p), score(b))) {
            best = Some(p);
        }
    }
    best.copied()
}

/// The utilitarian optimum: the largest sum of the two utilities.
pub fn utilitarian(frontier: &[Point]) -> Option<Point> {
    let mut best: Option<Point> = None;
    for p in frontier {
        if best.is_none_or(|b| ties::greater(p.proposer + p.opponent, b.proposer + b.opponent)) {
            best = Some(*p);
        }
    }
    best
}

/// Euclidean distance from a utility pair to the frontier: 0 when no
/// frontier point dominates it, else the distance to the nearest frontier point.
pub fn distance_to_frontier(frontier: &[Point], (proposer, opponent): (f64, f64)) -> f64 {
    let dominated = frontier
        .iter()
        .any(|p| ties::dominates(&[p.proposer, p.opponent], &[proposer, opponent]));
    if !dominated {
        return 0.0;
    }
    frontier
        .iter()
        .map(|p| (p.proposer - proposer).hypot(p.opponent - opponent))
        .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pie split on a grid: the proposer gets x, the opponent u_b(1 − x).
    pub(crate) fn pie(step: f64, opponent: impl Fn(f64) -> f64) -> Vec<Point> {
        let n = (1.0 / step).round() as u32;
        (0..=n)
            .rev()
            .map(|i| {
                let x = f64::from(i) * step;
                Point {
                    proposer: x,
                    opponent: opponent(1.0 - x),
                    index: i,
                }
            })
            .collect()
    }

    #[test]
    fn symmetric_linear_pie_splits_equally_under_every_solution() {
        let f = pie(0.01, |y| y);
        for solution in [nash(&f, [0.0, 0.0]), kalai_smorodinsky(&f, [0.0, 0.0])] {
            assert!((solution.unwrap().proposer - 0.5).abs() < 1e-9);
        }
    }

    // Kalai & Smorodinsky (1975) versus Nash (1950) when the opponent is risk
    // averse, u_b = sqrt(1 − x): Nash maximises x·sqrt(1 − x), at x = 2/3;
    // KS equalises x = sqrt(1 − x), at x = (√5 − 1)/2 ≈ 0.618.
    #[test]
    fn kalai_smorodinsky_and_nash_differ_for_a_risk_averse_opponent() {
        let f = pie(0.0001, f64::sqrt);
        let n = nash(&f, [0.0, 0.0]).unwrap();
        let ks = kalai_smorodinsky(&f, [0.0, 0.0]).unwrap();
        assert!((n.proposer - 2.0 / 3.0).abs() < 1e-4, "{n:?}");
        assert!(
            (ks.proposer - (5f64.sqrt() - 1.0) / 2.0).abs() < 1e-4,
            "{ks:?}"
        );
    }

    #[test]
    fn utilitarian_and_distance() {
        let f = vec![
            Point {
                proposer: 0.9,
                opponent: 0.1,
                index: 0,
            },
            Point {
                proposer: 0.6,
                opponent: 0.5,
                index: 1,
            },
            Point {
                proposer: 0.2,
                opponent: 0.7,
                index: 2,
            },
        ];
        assert_eq!(utilitarian(&f).unwrap().index, 1);
        assert_eq!(distance_to_frontier(&f, (0.6, 0.5)), 0.0);
        assert!((distance_to_frontier(&f, (0.6, 0.4)) - 0.1).abs() < 1e-12);
        assert_eq!(distance_to_frontier(&f, (0.95, 0.95)), 0.0);
    }
}
