//! Two-party Pareto frontiers by sorting, O(n log n).
//!
//! Points are sorted by the first party's value (descending; ties by the
//! second party's value, then by package number, so the order is total) and
//! swept once: a point joins the frontier when it gives the second party
//! more than every point before it, and it removes the points kept just
//! before it whose first value it equals. "More" and "equals" are up to
//! [`ties::UTILITY_TOLERANCE`](crate::theory::ties), so of packages that tie on paper
//! but differ in the last bits (the baseline's radar is worth exactly four
//! interceptors to the United States) only the undominated one is kept, and
//! of packages equal for both parties only the first in sort order.

use crate::theory::ties;

/// A package with both parties' values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierPoint {
    pub first: f64,
    pub second: f64,
    /// Package number in the space the values were computed over.
    pub index: u32,
    /// Whether every host accepts the package's deployment terms.
    pub hosts_accept: bool,
}

impl FrontierPoint {
    pub fn new(first: f64, second: f64, index: u32) -> FrontierPoint {
        FrontierPoint {
            first,
            second,
            index,
            hosts_accept: true,
        }
    }
}

/// Sorts by `first` descending, then `second` descending, then package number.
pub fn sort_points(points: &mut [FrontierPoint]) {
    points.sort_unstable_by(|a, b| {
        b.first
            .total_cmp(&a.first)
            .then(b.second.total_cmp(&a.second))
            .then(a.index.cmp(&b.index))
    });
}

/// The frontier of the sorted points for which `include` holds: `first`
/// strictly decreasing, `second` strictly increasing along the result, each
/// step by more than the tolerance.
pub fn sweep(
    sorted: &[FrontierPoint],
    include: impl Fn(&FrontierPoint) -> bool,
    out: &mut Vec<FrontierPoint>,
) {
    out.clear();
    for point in sorted.iter().filter(|p| include(p)) {
        push_undominated(out, *point, |p| (p.first, p.second));
    }
}

/// Adds `point` to a frontier being swept in order of falling first value
/// (`coordinates` gives both values): it is dropped if it adds nothing for
/// the second party, and it replaces the points at the end it ties with on
/// the first value (it is better for the second party than all of them).
pub fn push_undominated<T>(
    frontier: &mut Vec<T>,
    point: T,
    coordinates: impl Fn(&T) -> (f64, f64),
) {
    let (first, second) = coordinates(&point);
    if frontier
        .last()
        .is_some_and(|last| !ties::greater(second, coordinates(last).1))
    {
        return;
    }
    while frontier
        .last()
        .is_some_and(|last| !ties::greater(coordinates(last).0, first))
    {
        frontier.pop();
    }
    frontier.push(point);
}

/// The frontier of packages `0..n` with the given values.
pub fn pareto_frontier(first: &[f64], second: &[f64]) -> Vec<FrontierPoint> {
    let mut points: Vec<FrontierPoint> = first
        .iter()
        .zip(second)
        .enumerate()
        .map(|(i, (&a, &b))| FrontierPoint::new(a, b, i as u32))
        .collect();
    sort_points(&mut points);
    let mut out = Vec::new();
    sweep(&points, |_| true, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dominated(i: usize, first: &[f64], second: &[f64]) -> bool {
        (0..first.len()).any(|j| ties::dominates(&[first[j], second[j]], &[first[i], second[i]]))
    }

    #[test]
    fn small_example() {
        let first = [0.9, 0.5, 0.5, 0.2, 0.1];
        let second = [0.1, 0.5, 0.4, 0.6, 0.6];
        let f = pareto_frontier(&first, &second);
        let idx: Vec<u32> = f.iter().map(|p| p.index).collect();
        assert_eq!(idx, vec![0, 1, 3]);
    }

    // Values that tie on paper but not in floating point: the first is 1 ulp
    // above, so it sorts first, yet the second is better for the second
    // party. The first is dominated and must not be reported.
    #[test]
    fn a_point_that_ties_on_paper_and_loses_for_the_other_party_is_dropped() {
        let f = pareto_frontier(&[0.1 + 0.2, 0.3, 0.1], &[0.5, 0.6, 0.9]);
        let idx: Vec<u32> = f.iter().map(|p| p.index).collect();
        assert_eq!(idx, vec![1, 2]);
    }

    proptest! {
        // The sort-and-sweep frontier equals the brute-force set of undominated
        // packages (one representative per tied utility pair), also when
        // values that are equal on paper differ in the last bits.
        #[test]
        fn matches_pairwise_definition(
            points in prop::collection::vec((0u8..20, 0u8..20, -3i8..=3, -3i8..=3), 1..60),
        ) {
            let noisy = |v: u8, ulps: i8| f64::from(v) / 19.0 + f64::from(ulps) * 1e-15;
            let first: Vec<f64> = points.iter().map(|p| noisy(p.0, p.2)).collect();
            let second: Vec<f64> = points.iter().map(|p| noisy(p.1, p.3)).collect();
            let f = pareto_frontier(&first, &second);
            let mut expected: Vec<(u8, u8)> = (0..first.len())
                .filter(|&i| !dominated(i, &first, &second))
                .map(|i| (points[i].0, points[i].1))
                .collect();
            expected.sort_unstable();
            expected.dedup();
            let mut got: Vec<(u8, u8)> = f
                .iter()
                .map(|p| (points[p.index as usize].0, points[p.index as usize].1))
                .collect();
            got.sort_unstable();
            prop_assert_eq!(got, expected);
        }
    }
}
