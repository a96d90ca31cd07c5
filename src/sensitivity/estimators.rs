//! Morris elementary effects and Sobol indices (Saltelli's scheme), with
//! percentile bootstrap 95 % intervals over trajectories or base samples.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::sweep::trajectories::MorrisStep;

/// Bootstrap resamples.
pub const BOOTSTRAP: usize = 1000;

/// Names of the estimators, as written in `sensitivity.csv`.
pub mod estimator {
    /// First order: Saltelli et al. (2010) on the centred output.
    pub const S1: &str = "saltelli2010_centred";
    /// Total order: Jansen (1999).
    pub const ST: &str = "jansen1999";
    /// Second order: Saltelli (2002) on the centred output.
    pub const S2: &str = "saltelli2002_centred";
    /// Morris (1991) μ and σ, Campolongo et al. (2007) μ*.
    pub const MU: &str = "morris1991";
    pub const MU_STAR: &str = "campolongo2007";
    pub const SIGMA: &str = "morris1991";
    /// Replicate noise in ST: paired replicate differences of A and AB_i.
    pub const ST_NOISE: &str = "paired_replicate_difference";
    /// Noise share with independent streams: each point's sampling variance.
    pub const NOISE_INDEPENDENT: &str = "point_sampling_variance";
    /// Noise share with common random numbers: the point × replicate
    /// residual of a two-way analysis of variance.
    pub const NOISE_PAIRED: &str = "point_by_replicate_residual";
}

/// An index with its bootstrap 95 % interval (NaN when not bootstrapped).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// Morris (1991) measures of one factor; μ* after Campolongo et al. (2007).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    pub mu: Estimate,
    pub mu_star: Estimate,
    pub sigma: Estimate,
}

/// Sobol indices of every factor: first and total order, and second order
/// of each pair (i, k), i < k, when the design has the points for them.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    pub first: Vec<Estimate>,
    pub total: Vec<Estimate>,
    pub second: Vec<(usize, usize, Estimate)>,
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

/// Point values and, with a seed, percentile intervals of `statistic` over
/// bootstrap resamples of `units` (indices drawn with replacement).
fn estimates(
    units: usize,
    seed: Option<u64>,
    statistic: impl Fn(&[usize]) -> Vec<f64>,
) -> Vec<Estimate> {
    let all: Vec<usize> = (0..units).collect();
    let point = statistic(&all);
    let Some(seed) = seed else {
        return point
            .into_iter()
            .map(|value| Estimate {
                value,
                low: f64::NAN,
                high: f64::NAN,
            })
            .collect();
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(BOOTSTRAP); point.len()];
    let mut sample = vec![0; units];
    for _ in 0..BOOTSTRAP {
        for s in sample.iter_mut() {
            *s = rng.random_range(0..units);
        }
        for (k, v) in statistic(&sample).into_iter().enumerate() {
            draws[k].push(v);
        }
    }
    point
        .into_iter()
        .zip(draws)
        .map(|(value, mut d)| {
            d.retain(|v| v.is_finite());
            d.sort_by(f64::total_cmp);
            let (low, high) = if d.is_empty() {
                (f64::NAN, f64::NAN)
            } else {
                let at = |q: f64| d[((q * (d.len() - 1) as f64).round() as usize).min(d.len() - 1)];
                (at(0.025), at(0.975))
            };
            Estimate { value, low, high }
        })
        .collect()
}

/// Morris measures from trajectories: `y` holds `r` blocks of `k + 1`
/// outputs; `steps[t·k + s]` is the factor moved between outputs `s` and
/// `s + 1` of trajectory `t` and its direction, by `delta` on the unit
/// scale. The elementary effect is (y(x + Δ) − y(x)) / Δ whichever way the
/// step went. With a seed, bootstrap intervals over trajectories.
pub fn morris(
    y: &[f64],
    steps: &[MorrisStep],
    factors: usize,
    delta: f64,
    seed: Option<u64>,
) -> Vec<MorrisIndex> {
    let r = steps.len() / factors.max(1);
    // effects[f][t]: the elementary effect of factor f in trajectory t.
    let mut effects = vec![vec![0.0; r]; factors];
    for t in 0..r {
        for s in 0..factors {
            let (before, after) = (y[t * (factors + 1) + s], y[t * (factors + 1) + s + 1]);
            let step = steps[t * factors + s];
            let rise = if step.up {
                after - before
            } else {
                before - after
            };
            effects[step.factor][t] = rise / delta;
        }
    }
    let measures = |ee: &[f64]| {
        let abs: Vec<f64> = ee.iter().map(|e| e.abs()).collect();
        [mean(ee), mean(&abs), sd(ee)]
    };
    let all = estimates(r, seed, |sample| {
        effects
            .iter()
            .flat_map(|e| {
                let picked: Vec<f64> = sample.iter().map(|&t| e[t]).collect();
                measures(&picked)
            })
            .collect()
    });
    all.chunks(3)
        .map(|m| MorrisIndex {
            mu: m[0],
            mu_star: m[1],
            sigma: m[2],
        })
        .collect()
}

/// Sobol indices from Saltelli's design: `y` holds `n` blocks of
/// `[A, B, AB_1..AB_d]` (then `BA_1..BA_d` when `second_order`).
///
/// The outputs are first centred on their mean over all of `y`, as SALib's
/// `sobol.analyze` does (Saltelli et al. 2010 assume a centred output; the
/// uncentred products are not shift-invariant and lose everything when the
/// mean is large against the spread). With V the variance (divisor 2n) of
/// the centred outputs at the A and B rows:
///
/// - S1_i = mean_j f(B_j)(f(AB_j^i) − f(A_j)) / V (Saltelli et al. 2010),
/// - ST_i = mean_j (f(A_j) − f(AB_j^i))² / 2V (Jansen 1999),
/// - S2_ik = mean_j (f(BA_j^i) f(AB_j^k) − f(A_j) f(B_j)) / V − S1_i − S1_k
///   (Saltelli 2002).
///
/// With a seed, percentile bootstrap intervals over base samples (the
/// centring constant stays that of the full sample, as in SALib).
pub fn sobol(y: &[f64], d: usize, second_order: bool, seed: Option<u64>) -> SobolIndices {
    let block = if second_order { 2 * d + 2 } else { d + 2 };
    let n = y.len() / block;
    let centre = mean(&y[..n * block]);
    let f = |j: usize, slot: usize| y[j * block + slot] - centre;
    let (a, b) = (|j| f(j, 0), |j| f(j, 1));
    let ab = |j: usize, i: usize| f(j, 2 + i);
    let ba = |j: usize, i: usize| f(j, 2 + d + i);
    let pairs: Vec<(usize, usize)> = if second_order {
        (0..d)
            .flat_map(|i| (i + 1..d).map(move |k| (i, k)))
            .collect()
    } else {
        Vec::new()
    };
    let indices = |sample: &[usize]| -> Vec<f64> {
        let m = sample.len() as f64;
        let both: Vec<f64> = sample.iter().flat_map(|&j| [a(j), b(j)]).collect();
        let mu = mean(&both);
        let variance = both.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / both.len() as f64;
        let over = |sum: f64| sum / m / variance;
        let first: Vec<f64> = (0..d)
            .map(|i| over(sample.iter().map(|&j| b(j) * (ab(j, i) - a(j))).sum()))
            .collect();
        let total: Vec<f64> = (0..d)
            .map(|i| over(sample.iter().map(|&j| (a(j) - ab(j, i)).powi(2)).sum()) / 2.0)
            .collect();
        let second = pairs.iter().map(|&(i, k)| {
            over(
                sample
                    .iter()
                    .map(|&j| ba(j, i) * ab(j, k) - a(j) * b(j))
                    .sum(),
            ) - first[i]
                - first[k]
        });
        first.iter().chain(&total).copied().chain(second).collect()
    };
    let all = estimates(n, seed, indices);
    SobolIndices {
        first: all[..d].to_vec(),
        total: all[d..2 * d].to_vec(),
        second: pairs
            .iter()
            .zip(&all[2 * d..])
            .map(|(&(i, k), &e)| (i, k, e))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(factor: usize) -> MorrisStep {
        MorrisStep { factor, up: true }
    }

    fn down(factor: usize) -> MorrisStep {
        MorrisStep { factor, up: false }
    }

    /// A step down is measured from the lower point to the upper one, so
    /// y = 3 x gives +3 whichever way the trajectory went.
    #[test]
    fn elementary_effects_take_the_direction_of_the_step() {
        let delta = 2.0 / 3.0;
        // Two trajectories of y = 3 x1 − x2: up-up, then down-down.
        let y = [0.0, 2.0, 2.0 - delta, 3.0, 1.0, 1.0 + delta];
        let steps = [up(0), up(1), down(0), down(1)];
        let m = morris(&y, &steps, 2, delta, None);
        assert!((m[0].mu.value - 3.0).abs() < 1e-12, "{m:?}");
        assert!((m[1].mu.value + 1.0).abs() < 1e-12, "{m:?}");
        assert!((m[1].mu_star.value - 1.0).abs() < 1e-12, "{m:?}");
        assert!(m[0].sigma.value.abs() < 1e-12 && m[0].mu.low.is_nan());
    }

    /// Relabelling the factors of a Saltelli sample permutes the indices.
    #[test]
    fn relabelled_factors_permute_the_sobol_indices() {
        let (d, n) = (3, 40);
        let block = 2 * d + 2;
        // Any outputs will do: the estimator is algebra on them.
        let y: Vec<f64> = (0..n * block)
            .map(|i| ((i * 7919) % 101) as f64 / 10.0 + (i % 3) as f64)
            .collect();
        let order = [2, 0, 1]; // new factor k is old factor order[k]
        let relabelled: Vec<f64> = (0..n)
            .flat_map(|j| {
                let at = |slot: usize| y[j * block + slot];
                let mut b = vec![at(0), at(1)];
                b.extend(order.iter().map(|&i| at(2 + i)));
                b.extend(order.iter().map(|&i| at(2 + d + i)));
                b
            })
            .collect();
        let (s, t) = (sobol(&y, d, true, None), sobol(&relabelled, d, true, None));
        for (k, &i) in order.iter().enumerate() {
            assert!((t.first[k].value - s.first[i].value).abs() < 1e-12);
            assert!((t.total[k].value - s.total[i].value).abs() < 1e-12);
        }
        // Saltelli's (2002) S2_ik uses BA_i with AB_k, so it is not symmetric
        // in (i, k): a pair keeps its value when relabelling keeps its order.
        let mut kept = 0;
        for &(k1, k2, e) in &t.second {
            if order[k1] < order[k2] {
                let original = s
                    .second
                    .iter()
                    .find(|(i, k, _)| (*i, *k) == (order[k1], order[k2]));
                assert!((original.unwrap().2.value - e.value).abs() < 1e-12);
                kept += 1;
            }
        }
        assert_eq!(kept, 1);
    }

    /// Relabelling the factors of Morris steps permutes μ, μ* and σ.
    #[test]
    fn relabelled_factors_permute_the_morris_measures() {
        let y = [0.0, 1.0, 3.0, 2.0, 2.5, 0.5, 0.25, 0.0, 1.0];
        let steps = [up(0), down(1), up(1), up(0), down(0), up(1)];
        let swapped: Vec<MorrisStep> = steps
            .iter()
            .map(|s| MorrisStep {
                factor: 1 - s.factor,
                up: s.up,
            })
            .collect();
        let (m, n) = (
            morris(&y, &steps, 2, 0.5, None),
            morris(&y, &swapped, 2, 0.5, None),
        );
        for f in 0..2 {
            assert_eq!(m[f].mu.value, n[1 - f].mu.value);
            assert_eq!(m[f].mu_star.value, n[1 - f].mu_star.value);
            assert_eq!(m[f].sigma.value, n[1 - f].sigma.value);
        }
    }

    #[test]
    fn bootstrap_intervals_cover_the_point_estimate() {
        let y: Vec<f64> = (0..64 * 5).map(|i| ((i * 37) % 17) as f64).collect();
        let s = sobol(&y, 3, false, Some(3));
        for e in s.first.iter().chain(&s.total) {
            assert!(e.low <= e.high && e.low.is_finite(), "{e:?}");
        }
        assert!(s.second.is_empty());
    }
}
