//! Two-party Pareto frontiers by sorting, O(n log n).
//!
//! Points are sorted by the first party's value (descending; ties by the
//! second party's value, then by package number, so the order is total) and
//! swept once: a point is on the frontier when it gives the second party
//! strictly more than every point before it.

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
/// strictly decreasing, `second` strictly increasing along the result.
pub fn sweep(
    sorted: &[FrontierPoint],
    include: impl Fn(&FrontierPoint) -> bool,
    out: &mut Vec<FrontierPoint>,
) {
    out.clear();
    let mut best_second = f64::NEG_INFINITY;
    for point in sorted {
        if point.second > best_second && include(point) {
            best_second = point.second;
            out.push(*point);
        }
    }
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
        (0..first.len()).any(|j| {
            first[j] >= first[i]
                && second[j] >= second[i]
                && (first[j] > first[i] || second[j] > second[i])
        })
    }

    #[test]
    fn small_example() {
        let first = [0.9, 0.5, 0.5, 0.2, 0.1];
        let second = [0.1, 0.5, 0.4, 0.6, 0.6];
        let f = pareto_frontier(&first, &second);
        let idx: Vec<u32> = f.iter().map(|p| p.index).collect();
        assert_eq!(idx, vec![0, 1, 3]);
    }

    proptest! {
        // The sort-and-sweep frontier equals the brute-force set of undominated
        // packages (one representative per duplicated utility pair).
        #[test]
        fn matches_pairwise_definition(points in prop::collection::vec((0u8..20, 0u8..20), 1..60)) {
            let first: Vec<f64> = points.iter().map(|p| f64::from(p.0)).collect();
            let second: Vec<f64> = points.iter().map(|p| f64::from(p.1)).collect();
            let f = pareto_frontier(&first, &second);
            let mut expected: Vec<(u8, u8)> = (0..first.len())
                .filter(|&i| !dominated(i, &first, &second))
                .map(|i| points[i])
                .collect();
            expected.sort_unstable();
            expected.dedup();
            let mut got: Vec<(u8, u8)> = f.iter().map(|p| (p.first as u8, p.second as u8)).collect();
            got.sort_unstable();
            prop_assert_eq!(got, expected);
        }
    }
}
