//! Two-party Pareto frontiers by sorting, O(n log n).
//!
//! Packages are sorted by the first party's value (descending, ties broken by
//! the second party's value, then by package number so the order is total) and
//! swept once: a package is on the frontier when it gives the second party
//! strictly more than every package before it.

/// A package on a two-party frontier with both parties' values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierPoint {
    pub first: f64,
    pub second: f64,
    /// Package number in the space the values were computed over.
    pub index: u32,
}

/// Package numbers ordered by `first` descending, then `second` descending, then number.
pub fn order_by_first(first: &[f64], second: &[f64], order: &mut Vec<u32>) {
    order.clear();
    order.extend(0..first.len() as u32);
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        first[b]
            .total_cmp(&first[a])
            .then(second[b].total_cmp(&second[a]))
            .then(a.cmp(&b))
    });
}

/// The frontier of the packages in `order` for which `include` holds: `first`
/// strictly decreasing, `second` strictly increasing along the result.
pub fn sweep(
    order: &[u32],
    first: &[f64],
    second: &[f64],
    include: impl Fn(usize) -> bool,
    out: &mut Vec<FrontierPoint>,
) {
    out.clear();
    let mut best_second = f64::NEG_INFINITY;
    for &index in order {
        let i = index as usize;
        if second[i] > best_second && include(i) {
            best_second = second[i];
            out.push(FrontierPoint {
                first: first[i],
                second: second[i],
                index,
            });
        }
    }
}

/// The frontier of all packages (convenience for callers that do not reuse buffers).
pub fn pareto_frontier(first: &[f64], second: &[f64]) -> Vec<FrontierPoint> {
    let mut order = Vec::new();
    let mut out = Vec::new();
    order_by_first(first, second, &mut order);
    sweep(&order, first, second, |_| true, &mut out);
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
