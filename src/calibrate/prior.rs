//! Priors and the perturbation kernel of ABC-SMC.
//!
//! A particle holds each parameter's value (for a discrete prior, the index
//! of its value), exactly as the datasets write it, so a calibration read
//! back from its files continues bit for bit. The kernel moves a value on
//! its *kernel scale*: the logarithm for a log-uniform prior, the value
//! itself otherwise; prior and kernel densities are both stated with respect
//! to that scale (so a log-uniform prior is uniform on it), which keeps the
//! importance weights π(θ) / Σ_j w_j K(θ | θ_j) on one measure.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Beta, Distribution, StandardNormal};

use crate::math::ln_gamma;

/// A validated prior.
#[derive(Debug, Clone, PartialEq)]
pub enum Prior {
    Uniform {
        low: f64,
        high: f64,
    },
    LogUniform {
        low: f64,
        high: f64,
    },
    /// Normal(mean, sd) truncated to [low, high].
    Normal {
        mean: f64,
        sd: f64,
        low: f64,
        high: f64,
    },
    /// Beta(alpha, beta) on [low, high].
    Beta {
        alpha: f64,
        beta: f64,
        low: f64,
        high: f64,
    },
    /// `count` equally likely values.
    Discrete {
        count: usize,
    },
}

impl Prior {
    /// The bounds of the values (of the indices, for a discrete prior).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Prior::Uniform { low, high }
            | Prior::Normal { low, high, .. }
            | Prior::Beta { low, high, .. }
            | Prior::LogUniform { low, high } => (low, high),
            Prior::Discrete { count } => (0.0, (count - 1) as f64),
        }
    }

    /// A value on the kernel scale.
    pub fn scaled(&self, x: f64) -> f64 {
        match self {
            Prior::LogUniform { .. } => x.ln(),
            _ => x,
        }
    }

    /// The value of a point on the kernel scale.
    pub fn unscaled(&self, y: f64) -> f64 {
        match self {
            Prior::LogUniform { .. } => y.exp(),
            _ => y,
        }
    }

    /// A draw.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match *self {
            Prior::Uniform { low, high } => low + (high - low) * rng.random::<f64>(),
            Prior::LogUniform { low, high } => {
                let (a, b) = (low.ln(), high.ln());
                (a + (b - a) * rng.random::<f64>()).exp()
            }
            Prior::Normal {
                mean,
                sd,
                low,
                high,
            } => loop {
                // Validation keeps at least 1 % of the mass inside, so this ends.
                let z: f64 = StandardNormal.sample(rng);
                let x = mean + sd * z;
                if (low..=high).contains(&x) {
                    break x;
                }
            },
            Prior::Beta {
                alpha,
                beta,
                low,
                high,
            } => {
                let u: f64 = Beta::new(alpha, beta)
                    .expect("validated: positive shape parameters")
                    .sample(rng);
                low + (high - low) * u
            }
            Prior::Discrete { count } => rng.random_range(0..count) as f64,
        }
    }

    /// The density with respect to the kernel scale (0 outside the support).
    pub fn density(&self, z: f64) -> f64 {
        let (low, high) = self.support();
        if !(low..=high).contains(&z) {
            return 0.0;
        }
        match *self {
            Prior::Uniform { .. } => 1.0 / (high - low),
            Prior::LogUniform { .. } => 1.0 / (high.ln() - low.ln()),
            Prior::Normal { mean, sd, .. } => {
                let mass = normal_cdf((high - mean) / sd) - normal_cdf((low - mean) / sd);
                normal_pdf((z - mean) / sd) / (sd * mass)
            }
            Prior::Beta { alpha, beta, .. } => {
                let u = (z - low) / (high - low);
                let log =
                    (alpha - 1.0) * u.ln() + (beta - 1.0) * (1.0 - u).ln() - ln_beta(alpha, beta);
                log.exp() / (high - low)
            }
            Prior::Discrete { count } => {
                if z.fract() == 0.0 {
                    1.0 / count as f64
                } else {
                    0.0
                }
            }
        }
    }

    /// The mean of the distribution (of the indices, for a discrete prior).
    pub fn mean(&self) -> f64 {
        match *self {
            Prior::Uniform { low, high } => 0.5 * (low + high),
            Prior::LogUniform { low, high } => (high - low) / (high.ln() - low.ln()),
            Prior::Normal {
                mean,
                sd,
                low,
                high,
            } => {
                let (a, b) = ((low - mean) / sd, (high - mean) / sd);
                mean + sd * (normal_pdf(a) - normal_pdf(b)) / (normal_cdf(b) - normal_cdf(a))
            }
            Prior::Beta {
                alpha,
                beta,
                low,
                high,
            } => low + (high - low) * alpha / (alpha + beta),
            Prior::Discrete { count } => (count - 1) as f64 / 2.0,
        }
    }

    /// The prior in words, as calibration files and `check` write it; a
    /// discrete prior names its `values`.
    pub fn describe(&self, values: &[toml::Value]) -> String {
        match self {
            Prior::Uniform { low, high } => format!("uniform({low}, {high})"),
            Prior::LogUniform { low, high } => format!("log_uniform({low}, {high})"),
            Prior::Normal {
                mean,
                sd,
                low,
                high,
            } => format!("normal({mean}, {sd}) on [{low}, {high}]"),
            Prior::Beta {
                alpha,
                beta,
                low,
                high,
            } => format!("beta({alpha}, {beta}) on [{low}, {high}]"),
            Prior::Discrete { .. } => {
                let labels: Vec<String> =
                    values.iter().map(crate::calibrate::plan::label).collect();
                format!("discrete({})", labels.join(" | "))
            }
        }
    }

    /// The value a particle's coordinate stands for: itself (a discrete
    /// prior's is the index of its value).
    pub fn value(&self, z: f64) -> f64 {
        z
    }

    pub fn is_discrete(&self) -> bool {
        matches!(self, Prior::Discrete { .. })
    }
}

/// The component-wise perturbation kernel of one generation: a normal of
/// twice the weighted variance of the previous population on each continuous
/// coordinate (Beaumont et al. 2009), and for a discrete one "stay with
/// probability 1 − κ, else move to another value uniformly".
#[derive(Debug, Clone, PartialEq)]
pub struct Kernel {
    /// Per parameter: the normal's standard deviation, or κ for a discrete one.
    pub scales: Vec<f64>,
}

/// Probability that a discrete parameter moves.
pub const DISCRETE_MOVE: f64 = 0.3;

impl Kernel {
    /// Fits the kernel to a weighted population (`points[i]` on kernel coordinates).
    pub fn fit(priors: &[Prior], points: &[Vec<f64>], weights: &[f64]) -> Kernel {
        let scales = priors
            .iter()
            .enumerate()
            .map(|(k, prior)| {
                if prior.is_discrete() {
                    return DISCRETE_MOVE;
                }
                let y = |p: &Vec<f64>| prior.scaled(p[k]);
                let mean: f64 = points.iter().zip(weights).map(|(p, w)| w * y(p)).sum();
                let variance: f64 = points
                    .iter()
                    .zip(weights)
                    .map(|(p, w)| w * (y(p) - mean).powi(2))
                    .sum();
                let sd = (2.0 * variance).sqrt();
                // A population collapsed on one value still moves a little.
                let (low, high) = prior.support();
                sd.max(1e-6 * (prior.scaled(high) - prior.scaled(low)))
            })
            .collect();
        Kernel { scales }
    }

    /// A perturbation of `from`; `None` when it leaves the prior's support.
    pub fn perturb(
        &self,
        priors: &[Prior],
        from: &[f64],
        rng: &mut ChaCha8Rng,
    ) -> Option<Vec<f64>> {
        let mut to = Vec::with_capacity(from.len());
        for ((prior, &z), &scale) in priors.iter().zip(from).zip(&self.scales) {
            let moved = match prior {
                Prior::Discrete { count } => {
                    if *count > 1 && rng.random::<f64>() < scale {
                        let other = rng.random_range(0..count - 1) as f64;
                        if other >= z { other + 1.0 } else { other }
                    } else {
                        z
                    }
                }
                _ => {
                    let step: f64 = StandardNormal.sample(rng);
                    prior.unscaled(prior.scaled(z) + scale * step)
                }
            };
            to.push(moved);
        }
        priors
            .iter()
            .zip(&to)
            .all(|(p, &z)| p.density(z) > 0.0)
            .then_some(to)
    }

    /// K(to | from).
    pub fn density(&self, priors: &[Prior], to: &[f64], from: &[f64]) -> f64 {
        priors
            .iter()
            .zip(to.iter().zip(from))
            .zip(&self.scales)
            .map(|((prior, (&t, &f)), &scale)| match prior {
                Prior::Discrete { count } if *count > 1 => {
                    if t == f {
                        1.0 - scale
                    } else {
                        scale / (count - 1) as f64
                    }
                }
                Prior::Discrete { .. } => 1.0,
                _ => normal_pdf((prior.scaled(t) - prior.scaled(f)) / scale) / scale,
            })
            .product()
    }
}

fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Φ(z), from erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Integrates a density on [low, high] by the midpoint rule.
    fn integral(f: impl Fn(f64) -> f64, low: f64, high: f64) -> f64 {
        let n = 200_000;
        let h = (high - low) / n as f64;
        (0..n).map(|i| f(low + (i as f64 + 0.5) * h) * h).sum()
    }

    #[test]
    fn densities_integrate_to_one_over_their_support() {
        // A log-uniform density is stated on the logarithm.
        let log = Prior::LogUniform {
            low: 10.0,
            high: 200.0,
        };
        let total = integral(|y| log.density(y.exp()), 10f64.ln(), 200f64.ln());
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        for prior in [
            Prior::Uniform {
                low: 0.2,
                high: 0.7,
            },
            Prior::Normal {
                mean: 0.5,
                sd: 0.1,
                low: 0.3,
                high: 0.9,
            },
            Prior::Beta {
                alpha: 2.0,
                beta: 5.0,
                low: 0.0,
                high: 2.0,
            },
        ] {
            let (low, high) = prior.support();
            let total = integral(|z| prior.density(z), low, high);
            assert!((total - 1.0).abs() < 1e-5, "{prior:?}: {total}");
            assert_eq!(prior.density(high + 1e-9), 0.0);
        }
    }

    #[test]
    fn samples_follow_the_density() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let prior = Prior::Beta {
            alpha: 2.0,
            beta: 5.0,
            low: 0.0,
            high: 1.0,
        };
        let n = 100_000;
        let mean: f64 = (0..n).map(|_| prior.sample(&mut rng)).sum::<f64>() / n as f64;
        // Beta(2, 5) has mean 2/7; the sample mean's sd is about 0.0005.
        assert!((mean - 2.0 / 7.0).abs() < 0.003, "{mean}");
        let normal = Prior::Normal {
            mean: 0.0,
            sd: 1.0,
            low: 0.0,
            high: 10.0,
        };
        let mean: f64 = (0..n).map(|_| normal.sample(&mut rng)).sum::<f64>() / n as f64;
        // The half-normal's mean is sqrt(2/π).
        assert!(
            (mean - (2.0 / std::f64::consts::PI).sqrt()).abs() < 0.01,
            "{mean}"
        );
    }

    #[test]
    fn special_functions_match_known_values() {
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-13);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
        assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-7);
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
    }

    #[test]
    fn means_match_the_densities() {
        for prior in [
            Prior::Uniform {
                low: 0.2,
                high: 0.7,
            },
            Prior::Normal {
                mean: 0.5,
                sd: 0.2,
                low: 0.3,
                high: 0.9,
            },
            Prior::Beta {
                alpha: 2.0,
                beta: 5.0,
                low: 0.5,
                high: 2.0,
            },
        ] {
            let (low, high) = prior.support();
            let mean = integral(|z| z * prior.density(z), low, high);
            assert!((mean - prior.mean()).abs() < 1e-5, "{prior:?}: {mean}");
        }
        let log = Prior::LogUniform {
            low: 10.0,
            high: 200.0,
        };
        let mean = integral(|y| y.exp() * log.density(y.exp()), 10f64.ln(), 200f64.ln());
        assert!((mean - log.mean()).abs() < 1e-6, "{mean}");
    }

    #[test]
    fn the_discrete_kernel_is_a_distribution() {
        let priors = [Prior::Discrete { count: 4 }];
        let kernel = Kernel {
            scales: vec![DISCRETE_MOVE],
        };
        let total: f64 = (0..4)
            .map(|to| kernel.density(&priors, &[to as f64], &[2.0]))
            .sum();
        assert!((total - 1.0).abs() < 1e-12);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let moved = (0..10_000)
            .filter(|_| kernel.perturb(&priors, &[2.0], &mut rng) != Some(vec![2.0]))
            .count();
        assert!(
            (moved as f64 / 10_000.0 - DISCRETE_MOVE).abs() < 0.02,
            "{moved}"
        );
    }
}
