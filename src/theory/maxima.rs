//! The undominated points (maxima) of a set of points in k dimensions: the
//! Pareto frontier over all agents' utilities.
//!
//! Ties are decided before anything is compared. In each dimension the
//! values are sorted and grouped into classes: a value joins the class of the
//! one below it when it is within [`UTILITY_TOLERANCE`] of it (a chain, so the
//! grouping is transitive), and every value is replaced by its class rank.
//! Comparisons are then exact on integers: a point is dominated when another
//! has a rank at least as high in every dimension and a higher one in some;
//! points with equal ranks in every dimension are one point, represented by
//! the one listed first.
//!
//! The maxima are found by Kung, Luccio and Preparata's divide and conquer
//! (J. ACM 22(4), 1975): with the points sorted lexicographically (descending),
//! a point can only be dominated by one before it, so the maxima of the first
//! half are maxima of the whole, and those of the second half survive unless
//! a maximum of the first half is at least as high in every other dimension.
//! That filter splits at a median of one dimension and recurses, dropping a
//! dimension whenever one side is already known to be higher in it; two
//! remaining dimensions are swept in sorted order. The time is
//! O(n log n) for two dimensions and three, O(n log^(k−2) n) beyond — far below
//! the pairwise O(n²) — and small subproblems are compared directly.

use super::ties::UTILITY_TOLERANCE;

/// Subproblems at most this large (|A|·|B| pairs, or points) are compared directly.
const DIRECT: usize = 256;

/// The undominated points among `n = values.len() / dims` points given row by
/// row (`values[i * dims + j]` is point `i`'s value in dimension `j`), up to the
/// tolerance, one per class of tied points (the lowest-numbered), in
/// lexicographically descending order of their ranks (ties by point number).
pub fn undominated(values: &[f64], dims: usize) -> Vec<usize> {
    assert!(dims > 0, "points have at least one dimension");
    let n = values.len() / dims;
    let ranks = Ranks::of(values, dims);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| ranks.row(b).cmp(ranks.row(a)).then(a.cmp(&b)));
    order.dedup_by(|later, earlier| ranks.row(*later) == ranks.row(*earlier));
    match dims {
        1 => order.truncate(1),
        2 => {
            let mut best = None;
            order.retain(|&i| {
                let second = ranks.at(i, 1);
                let keep = best.is_none_or(|b| second > b);
                if keep {
                    best = Some(second);
                }
                keep
            });
        }
        _ => {
            let mut finder = Finder {
                ranks: &ranks,
                dominated: vec![false; n],
            };
            order = finder.maxima(&order);
        }
    }
    order
}

/// Every point's class rank in every dimension, row by row.
struct Ranks {
    dims: usize,
    ranks: Vec<u32>,
}

impl Ranks {
    fn of(values: &[f64], dims: usize) -> Ranks {
        let n = values.len() / dims;
        let mut ranks = vec![0u32; n * dims];
        let mut sorted: Vec<usize> = (0..n).collect();
        for j in 0..dims {
            let value = |i: usize| values[i * dims + j];
            sorted.sort_unstable_by(|&a, &b| value(a).total_cmp(&value(b)));
            let mut class = 0u32;
            for w in 0..sorted.len() {
                if w > 0 && value(sorted[w]) - value(sorted[w - 1]) > UTILITY_TOLERANCE {
                    class += 1;
                }
                ranks[sorted[w] * dims + j] = class;
            }
        }
        Ranks { dims, ranks }
    }

    fn row(&self, i: usize) -> &[u32] {
        &self.ranks[i * self.dims..(i + 1) * self.dims]
    }

    fn at(&self, i: usize, j: usize) -> u32 {
        self.ranks[i * self.dims + j]
    }

    /// Whether `a` is at least as high as `b` in dimensions `from..`.
    fn covers(&self, a: usize, b: usize, from: usize) -> bool {
        self.row(a)[from..]
            .iter()
            .zip(&self.row(b)[from..])
            .all(|(x, y)| x >= y)
    }
}

struct Finder<'a> {
    ranks: &'a Ranks,
    dominated: Vec<bool>,
}

impl Finder<'_> {
    /// The maxima of distinct points in lexicographically descending order, in that order.
    fn maxima(&mut self, points: &[usize]) -> Vec<usize> {
        if points.len() <= DIRECT {
            let mut kept: Vec<usize> = Vec::new();
            for &p in points {
                if !kept.iter().any(|&q| self.ranks.covers(q, p, 0)) {
                    kept.push(p);
                }
            }
            return kept;
        }
        let (first, second) = points.split_at(points.len() / 2);
        let mut kept = self.maxima(first);
        let mut rest = self.maxima(second);
        // Every point of the first half is at least as high in dimension 0.
        self.mark(&kept, &rest, 1);
        rest.retain(|&p| !self.dominated[p]);
        kept.extend(rest);
        kept
    }

    /// Marks each point of `b` for which some point of `a` is at least as
    /// high in every dimension from `from` on.
    fn mark(&mut self, a: &[usize], b: &[usize], from: usize) {
        let dims = self.ranks.dims;
        if a.is_empty() || b.is_empty() {
            return;
        }
        if from == dims - 1 {
            let top = a.iter().map(|&p| self.ranks.at(p, from)).max();
            for &p in b {
                if top.is_some_and(|t| t >= self.ranks.at(p, from)) {
                    self.dominated[p] = true;
                }
            }
        } else if a.len() * b.len() <= DIRECT {
            for &p in b {
                if a.iter().any(|&q| self.ranks.covers(q, p, from)) {
                    self.dominated[p] = true;
                }
            }
        } else if from == dims - 2 {
            self.sweep(a, b, from);
        } else {
            self.split(a, b, from);
        }
    }

    /// Two dimensions left: in order of falling `from`, the best of `a` so far
    /// in the last dimension decides each point of `b`.
    fn sweep(&mut self, a: &[usize], b: &[usize], from: usize) {
        let key = |p: &usize| std::cmp::Reverse(self.ranks.at(*p, from));
        let mut a = a.to_vec();
        let mut b = b.to_vec();
        a.sort_unstable_by_key(key);
        b.sort_unstable_by_key(key);
        let mut next = 0;
        let mut best: Option<u32> = None;
        for p in b {
            let here = self.ranks.at(p, from);
            while next < a.len() && self.ranks.at(a[next], from) >= here {
                let last = self.ranks.at(a[next], from + 1);
                best = Some(best.map_or(last, |b| b.max(last)));
                next += 1;
            }
            if best.is_some_and(|t| t >= self.ranks.at(p, from + 1)) {
                self.dominated[p] = true;
            }
        }
    }

    /// Splits both sets at a value of dimension `from` that leaves points on
    /// both sides: the higher part of `a` covers the lower part of `b` in that
    /// dimension, so only the others remain to compare.
    fn split(&mut self, a: &[usize], b: &[usize], from: usize) {
        let value = |p: usize| self.ranks.at(p, from);
        let mut values: Vec<u32> = a.iter().chain(b).map(|&p| value(p)).collect();
        let middle = values.len() / 2;
        let (_, &mut median, _) = values.select_nth_unstable(middle);
        let lowest = values
            .iter()
            .copied()
            .min()
            .expect("both sets are non-empty");
        let cut = if median > lowest {
            median
        } else {
            match values.iter().copied().filter(|&v| v > lowest).min() {
                Some(v) => v,
                // One value for all: the dimension decides nothing.
                None => return self.mark(a, b, from + 1),
            }
        };
        let (a_high, a_low): (Vec<usize>, Vec<usize>) = a.iter().partition(|&&p| value(p) >= cut);
        let (b_high, b_low): (Vec<usize>, Vec<usize>) = b.iter().partition(|&&p| value(p) >= cut);
        self.mark(&a_high, &b_high, from);
        self.mark(&a_low, &b_low, from);
        self.mark(&a_high, &b_low, from + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theory::ties;
    use proptest::prelude::*;

    /// The definition: points no other point dominates (up to the
    /// tolerance), one per set of points equal in every dimension.
    fn pairwise(values: &[f64], dims: usize) -> Vec<usize> {
        let n = values.len() / dims;
        let row = |i: usize| &values[i * dims..(i + 1) * dims];
        let equal =
            |a: usize, b: usize| row(a).iter().zip(row(b)).all(|(&x, &y)| ties::equal(x, y));
        let mut kept: Vec<usize> = (0..n)
            .filter(|&i| !(0..n).any(|j| ties::dominates(row(j), row(i))))
            .filter(|&i| !(0..i).any(|j| equal(j, i)))
            .collect();
        kept.sort_unstable();
        kept
    }

    fn sorted(mut v: Vec<usize>) -> Vec<usize> {
        v.sort_unstable();
        v
    }

    #[test]
    fn small_example_in_three_dimensions() {
        #[rustfmt::skip]
        let values = [
            1.0, 0.0, 0.0,
            0.0, 1.0, 0.0,
            0.5, 0.5, 0.0,
            0.4, 0.4, 0.0, // dominated by point 2
            0.0, 0.0, 1.0,
            0.5, 0.5, 0.0, // equal to point 2
        ];
        assert_eq!(undominated(&values, 3), vec![0, 2, 1, 4]);
    }

    #[test]
    fn values_equal_on_paper_are_one_point() {
        // 0.1 + 0.2 and 0.3 differ in the last bit; the second point is no
        // better than the first, and the third is no better than either.
        let values = [0.3, 0.5, 0.2, 0.1 + 0.2, 0.5, 0.2, 0.3, 0.5, 0.2 - 1e-12];
        assert_eq!(undominated(&values, 3), vec![0]);
    }

    #[test]
    fn large_sets_take_the_divide_and_conquer_path() {
        // Points on the simplex x + y + z + w = 1 are all undominated; the
        // same points shifted down are all dominated.
        let steps = 20;
        let mut values = Vec::new();
        for x in 0..=steps {
            for y in 0..=steps - x {
                for z in 0..=steps - x - y {
                    let w = steps - x - y - z;
                    for shift in [0.0, 0.01] {
                        values.extend([x, y, z, w].map(|c| f64::from(c) / 20.0 - shift));
                    }
                }
            }
        }
        let kept = undominated(&values, 4);
        assert_eq!(kept.len(), values.len() / 8);
        assert!(kept.iter().all(|i| i % 2 == 0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        // The divide and conquer equals the pairwise definition, on grids
        // coarse enough to tie often, with values that differ from their grid
        // point in the last bits, in two to five dimensions and on sets large
        // enough to recurse.
        #[test]
        fn matches_the_pairwise_definition(
            dims in 1usize..=5,
            levels in 2u8..8,
            points in prop::collection::vec((any::<[u8; 5]>(), any::<[i8; 5]>()), 1..700),
        ) {
            let values: Vec<f64> = points
                .iter()
                .flat_map(|(grid, noise)| {
                    (0..dims).map(move |j| {
                        f64::from(grid[j] % levels) / 7.0 + f64::from(noise[j] % 4) * 1e-15
                    })
                })
                .collect();
            prop_assert_eq!(sorted(undominated(&values, dims)), pairwise(&values, dims));
        }

        // Relabelling the points permutes the answer; shifting or scaling a
        // dimension leaves it alone.
        #[test]
        fn invariant_to_order_shift_and_scale(
            points in prop::collection::vec(any::<[u8; 3]>(), 1..400),
            shift in -5.0f64..5.0,
            scale in 0.5f64..4.0,
        ) {
            let values: Vec<f64> = points.iter().flat_map(|p| p.map(|v| f64::from(v % 6) / 5.0)).collect();
            let n = points.len();
            let kept = sorted(undominated(&values, 3));
            let reversed: Vec<f64> = (0..n).rev().flat_map(|i| values[i * 3..i * 3 + 3].to_vec()).collect();
            let back: Vec<usize> = undominated(&reversed, 3).into_iter().map(|i| n - 1 - i).collect();
            // Tied points are represented by another member after reversing.
            let classes = |set: &[usize]| {
                let mut rows: Vec<Vec<u8>> = set.iter().map(|&i| points[i].map(|v| v % 6).to_vec()).collect();
                rows.sort_unstable();
                rows
            };
            prop_assert_eq!(classes(&back), classes(&kept));
            let moved: Vec<f64> = values
                .chunks(3)
                .flat_map(|r| [r[0] * scale + shift, r[1], r[2] - shift])
                .collect();
            prop_assert_eq!(sorted(undominated(&moved, 3)), kept);
        }
    }
}
