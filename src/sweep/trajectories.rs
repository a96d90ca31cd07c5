//! Morris (1991) trajectories, and Campolongo et al.'s (2007) choice of the
//! best-spread trajectories among many candidates.
//!
//! A trajectory lives on the p-level grid {0, 1/(p−1), …, 1} of every
//! parameter. With Δ = p/(2(p−1)) (p/2 grid steps), Morris's design is
//! B* = (J x* + (Δ/2)((2B − J) D* + J)) P*: a random base point x* with
//! coordinates in {0, …, 1 − Δ}, a random direction for each factor (D*, ±1
//! on the diagonal), and a random order of the factors (P*). A factor moving
//! up starts at x* and ends at x* + Δ; one moving down starts at x* + Δ and
//! ends at x*. So every coordinate of every point is uniform on the p
//! levels, as the elementary effects' distribution assumes.
//!
//! Parameters sharing a `group` form one factor and move together, in one
//! direction drawn for the group (Campolongo et al. 2007 and SALib draw a
//! direction per parameter, which leaves a group's effect without a sign;
//! for ungrouped parameters the two are the same design).

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// Largest number of candidate trajectories for `optimal_trajectories`:
/// Campolongo et al. (2007) use 500 to 1,000; the distance matrix grows as
/// the square.
pub const MAX_CANDIDATES: u64 = 1000;

/// One step of a trajectory: the factor (group) moved, and whether up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MorrisStep {
    pub factor: usize,
    pub up: bool,
}

/// One trajectory: k + 1 points as grid levels (0 … p − 1) of every
/// parameter, and the k steps between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    pub levels: Vec<Vec<u32>>,
    pub steps: Vec<MorrisStep>,
}

impl Trajectory {
    /// Draws a trajectory: `groups[j]` is the factor of parameter j, `k`
    /// the number of factors, `p` the (even) number of grid levels.
    pub fn draw(groups: &[usize], k: usize, p: u32, rng: &mut ChaCha8Rng) -> Trajectory {
        let half = p / 2;
        let base: Vec<u32> = groups.iter().map(|_| rng.random_range(0..half)).collect();
        let up: Vec<bool> = (0..k).map(|_| rng.random::<bool>()).collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut x: Vec<u32> = base
            .iter()
            .zip(groups)
            .map(|(&b, &g)| if up[g] { b } else { b + half })
            .collect();
        let mut levels = vec![x.clone()];
        let mut steps = Vec::with_capacity(k);
        for factor in order {
            for (level, &g) in x.iter_mut().zip(groups) {
                if g == factor {
                    *level = if up[factor] {
                        *level + half
                    } else {
                        *level - half
                    };
                }
            }
            steps.push(MorrisStep {
                factor,
                up: up[factor],
            });
            levels.push(x.clone());
        }
        Trajectory { levels, steps }
    }

    /// The points on the unit scale.
    pub fn unit(&self, p: u32) -> Vec<Vec<f64>> {
        self.levels
            .iter()
            .map(|x| x.iter().map(|&l| f64::from(l) / f64::from(p - 1)).collect())
            .collect()
    }
}

/// Campolongo et al.'s (2007) distance between two trajectories: the sum of
/// the Euclidean distances between every point of one and every point of
/// the other (0 for identical trajectories).
fn distance(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    a.iter()
        .flat_map(|x| {
            b.iter().map(move |y| {
                x.iter()
                    .zip(y)
                    .map(|(u, v)| (u - v) * (u - v))
                    .sum::<f64>()
                    .sqrt()
            })
        })
        .sum()
}

/// Chooses `r` of the candidate trajectories (unit-scale points) with a
/// large spread sqrt(Σ d²) over all pairs, by SALib's (1.6)
/// `local_optimization` after Ruano et al. (2012): for each seed size
/// i = 1 … r − 1, every candidate with its i most distant candidates is a
/// seed set; the best seed grows greedily, one candidate at a time, to r
/// trajectories; the best of these r − 1 sets is chosen. Returns candidate
/// indices in increasing order. The exact optimum (a search over all
/// C(M, r) subsets) is out of reach for the usual M = 500 to 1,000.
pub fn select(candidates: &[Vec<Vec<f64>>], r: usize) -> Vec<usize> {
    let m = candidates.len();
    assert!(2 <= r && r < m, "validated: 2 <= trajectories < candidates");
    let mut d2 = vec![vec![0.0; m]; m];
    for i in 0..m {
        for j in i + 1..m {
            let d = distance(&candidates[i], &candidates[j]);
            d2[i][j] = d * d;
            d2[j][i] = d * d;
        }
    }
    // Each row's other candidates, most distant first (ties: lower index).
    let order: Vec<Vec<usize>> = (0..m)
        .map(|row| {
            let mut others: Vec<usize> = (0..m).filter(|&c| c != row).collect();
            others.sort_by(|&a, &b| d2[row][b].total_cmp(&d2[row][a]).then(a.cmp(&b)));
            others
        })
        .collect();
    // Σ d² over the pairs of each row's seed set, grown with i.
    let mut seed_spread = vec![0.0; m];
    let mut best: Option<(f64, Vec<usize>)> = None;
    for i in 1..r {
        for row in 0..m {
            let added = order[row][i - 1];
            seed_spread[row] += d2[row][added]
                + order[row][..i - 1]
                    .iter()
                    .map(|&s| d2[s][added])
                    .sum::<f64>();
        }
        let row = (0..m).fold(0, |best, row| {
            if seed_spread[row] > seed_spread[best] {
                row
            } else {
                best
            }
        });
        let mut set: Vec<usize> = std::iter::once(row)
            .chain(order[row][..i].iter().copied())
            .collect();
        let mut spread = seed_spread[row];
        // gain[c]: Σ d² from c to the set, what adding c would add.
        let mut gain: Vec<f64> = (0..m)
            .map(|c| set.iter().map(|&s| d2[s][c]).sum())
            .collect();
        while set.len() < r {
            let next = (0..m)
                .filter(|c| !set.contains(c))
                .fold(None, |best: Option<usize>, c| match best {
                    Some(b) if gain[b] >= gain[c] => Some(b),
                    _ => Some(c),
                })
                .expect("fewer chosen than candidates");
            spread += gain[next];
            set.push(next);
            for (c, g) in gain.iter_mut().enumerate() {
                *g += d2[next][c];
            }
        }
        if best.as_ref().is_none_or(|(s, _)| spread > *s) {
            best = Some((spread, set));
        }
    }
    let mut chosen = best.expect("r >= 2 gives at least one set").1;
    chosen.sort_unstable();
    chosen
}

/// Σ d² over all pairs of a set of trajectories (the square of Campolongo
/// et al.'s spread).
pub fn spread_squared(trajectories: &[Vec<Vec<f64>>]) -> f64 {
    let mut total = 0.0;
    for i in 0..trajectories.len() {
        for j in i + 1..trajectories.len() {
            total += distance(&trajectories[i], &trajectories[j]).powi(2);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn candidates(m: usize, groups: &[usize], k: usize, p: u32, seed: u64) -> Vec<Trajectory> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..m)
            .map(|_| Trajectory::draw(groups, k, p, &mut rng))
            .collect()
    }

    #[test]
    fn steps_move_one_factor_by_delta_in_its_direction() {
        let groups = [0, 1, 1, 2];
        for t in candidates(50, &groups, 3, 6, 1) {
            assert_eq!(t.levels.len(), 4);
            for (s, step) in t.steps.iter().enumerate() {
                let (a, b) = (&t.levels[s], &t.levels[s + 1]);
                for j in 0..4 {
                    let change = i64::from(b[j]) - i64::from(a[j]);
                    let expected = match (groups[j] == step.factor, step.up) {
                        (false, _) => 0,
                        (true, true) => 3,
                        (true, false) => -3,
                    };
                    assert_eq!(change, expected, "{t:?}");
                }
            }
            // Each factor moves exactly once.
            let mut moved: Vec<usize> = t.steps.iter().map(|s| s.factor).collect();
            moved.sort_unstable();
            assert_eq!(moved, vec![0, 1, 2]);
        }
    }

    /// Up-only designs put s coordinates in the upper half at step s;
    /// Morris's random directions keep every coordinate uniform on the
    /// levels at every step.
    #[test]
    fn every_coordinate_is_uniform_on_the_levels_at_every_step() {
        let (k, p, m) = (5, 4, 8000);
        let groups: Vec<usize> = (0..k).collect();
        let mut counts = vec![vec![[0u32; 4]; k]; k + 1];
        for t in candidates(m, &groups, k, p, 2) {
            for (s, x) in t.levels.iter().enumerate() {
                for (j, &l) in x.iter().enumerate() {
                    counts[s][j][l as usize] += 1;
                }
            }
        }
        for step in &counts {
            for coordinate in step {
                for &c in coordinate {
                    // 2,000 expected; a binomial sd is about 39.
                    assert!((1800..2200).contains(&c), "{counts:?}");
                }
            }
        }
    }

    #[test]
    fn chosen_trajectories_spread_more_than_random_ones() {
        let groups: Vec<usize> = (0..4).collect();
        let pool: Vec<Vec<Vec<f64>>> = candidates(60, &groups, 4, 4, 3)
            .iter()
            .map(|t| t.unit(4))
            .collect();
        let chosen = select(&pool, 8);
        assert_eq!(chosen.len(), 8);
        assert!(chosen.windows(2).all(|w| w[0] < w[1]));
        let spread = |ids: &[usize]| {
            let set: Vec<Vec<Vec<f64>>> = ids.iter().map(|&i| pool[i].clone()).collect();
            spread_squared(&set)
        };
        let first: Vec<usize> = (0..8).collect();
        assert!(spread(&chosen) > spread(&first) * 1.05);
        // Better than any of many random choices of 8.
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for _ in 0..200 {
            let mut ids: Vec<usize> = (0..60).collect();
            for i in (1..60).rev() {
                ids.swap(i, rng.random_range(0..=i));
            }
            assert!(spread(&chosen) >= spread(&ids[..8]));
        }
    }
}
