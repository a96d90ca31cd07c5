//! Approximate Bayesian computation: rejection (Pritchard et al. 1999) and
//! sequential Monte Carlo with an adaptive tolerance schedule (Toni et al.
//! 2009; Beaumont et al. 2009; Del Moral et al. 2012).
//!
//! Generation 0 draws `particles` candidates from the prior and keeps them
//! all (SMC) or those within the tolerance (rejection). Generation t ≥ 1
//! sets its tolerance to a quantile of the previous generation's distances,
//! draws candidates by picking a previous particle by weight and moving it
//! with a kernel fitted to the previous population, simulates each, and
//! keeps the first `particles` within the tolerance; weights are
//! π(θ) / Σ_j w_j K(θ | θ_j), normalised.
//!
//! Reproducibility: candidate k of generation t draws everything (its
//! proposal and its runs' seeds) from a stream seeded by (seed, t, k), and
//! candidates are accepted in the order of k. Candidates are simulated in
//! parallel in batches of a fixed size, so which are accepted, and how many
//! simulations were needed, never depend on the number of threads.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

use super::prior::{Kernel, Prior};
use crate::engine::seed::calibration_seed;
use crate::error::Error;

/// What one candidate costs and yields.
pub trait Simulator: Sync {
    /// Model runs per candidate.
    fn runs_per_candidate(&self) -> u64;
    /// The target statistics at `theta` (kernel coordinates), from runs
    /// seeded by `seed`.
    fn statistics(&self, theta: &[f64], seed: u64) -> Result<Vec<f64>, Error>;
    /// The distance of statistics from the observations (NaN counts as infinite).
    fn distance(&self, statistics: &[f64]) -> f64;
}

/// Rejection or SMC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Smc,
    Rejection,
}

/// The algorithm's settings, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub method: Method,
    pub particles: u64,
    pub generations: u32,
    pub quantile: f64,
    /// Rejection: the tolerance. SMC: stop once reached.
    pub tolerance: Option<f64>,
    pub min_acceptance: f64,
    pub max_simulations: u64,
    pub seed: u64,
}

/// An accepted particle.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// Kernel coordinates.
    pub theta: Vec<f64>,
    pub weight: f64,
    pub distance: f64,
    pub statistics: Vec<f64>,
}

/// A finished generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    pub index: u32,
    /// The tolerance the particles met (generation 0 of SMC: the largest
    /// distance among them, since all were kept).
    pub tolerance: f64,
    pub candidates: u64,
    /// Simulations so far, this generation's included.
    pub simulations: u64,
    pub particles: Vec<Particle>,
}

impl Generation {
    pub fn acceptance_rate(&self) -> f64 {
        self.particles.len() as f64 / self.candidates as f64
    }

    /// Effective sample size, 1 / Σ w².
    pub fn ess(&self) -> f64 {
        1.0 / self
            .particles
            .iter()
            .map(|p| p.weight * p.weight)
            .sum::<f64>()
    }
}

/// Why a calibration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The tolerance reached `tolerance` (or rejection finished).
    Tolerance,
    /// A generation accepted less than `min_acceptance` of its candidates.
    Acceptance,
    /// `generations` were run.
    Generations,
    /// The next generation could not finish within `max_simulations`.
    Budget,
}

impl Stop {
    pub fn name(self) -> &'static str {
        match self {
            Stop::Tolerance => "tolerance reached",
            Stop::Acceptance => "acceptance rate below min_acceptance",
            Stop::Generations => "all generations run",
            Stop::Budget => "simulation budget spent",
        }
    }
}

/// How a generation ended.
#[derive(Debug)]
pub enum Step {
    Done(Generation),
    /// The budget ran out first: the generation is dropped.
    Budget {
        simulations: u64,
    },
    Interrupted,
}

/// Whether to go on after `last`, or why not.
pub fn stop_after(settings: &Settings, last: &Generation) -> Option<Stop> {
    if settings.method == Method::Rejection {
        return Some(Stop::Tolerance);
    }
    if settings.tolerance.is_some_and(|t| last.tolerance <= t) {
        return Some(Stop::Tolerance);
    }
    if last.index > 0 && last.acceptance_rate() < settings.min_acceptance {
        return Some(Stop::Acceptance);
    }
    if last.index + 1 >= settings.generations {
        return Some(Stop::Generations);
    }
    None
}

/// The tolerance of the generation after `previous` (∞ for SMC's first).
pub fn tolerance(settings: &Settings, previous: Option<&Generation>) -> f64 {
    match (settings.method, previous) {
        (Method::Rejection, _) => settings.tolerance.unwrap_or(f64::INFINITY),
        (Method::Smc, None) => f64::INFINITY,
        (Method::Smc, Some(g)) => {
            let mut distances: Vec<f64> = g.particles.iter().map(|p| p.distance).collect();
            distances.sort_by(f64::total_cmp);
            let at = ((settings.quantile * distances.len() as f64).ceil() as usize)
                .clamp(1, distances.len());
            distances[at - 1].max(settings.tolerance.unwrap_or(0.0))
        }
    }
}

/// Candidates simulated per batch (fixed, so results do not depend on threads).
pub fn batch_size(settings: &Settings) -> u64 {
    settings.particles.max(64)
}

/// A simulated candidate of a generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Its number in the generation: the order of acceptance.
    pub index: u64,
    pub theta: Vec<f64>,
    pub statistics: Vec<f64>,
    pub distance: f64,
}

/// What a generation proposes from: the tolerance, and for SMC after the
/// first generation the previous population with its fitted kernel.
pub struct Proposer<'a> {
    priors: &'a [Prior],
    settings: &'a Settings,
    index: u32,
    pub epsilon: f64,
    source: Option<(&'a Generation, Kernel, Vec<f64>)>,
}

impl<'a> Proposer<'a> {
    pub fn new(
        priors: &'a [Prior],
        settings: &'a Settings,
        index: u32,
        previous: Option<&'a Generation>,
    ) -> Proposer<'a> {
        let source = previous
            .filter(|_| settings.method == Method::Smc)
            .map(|g| {
                let points: Vec<Vec<f64>> = g.particles.iter().map(|p| p.theta.clone()).collect();
                let weights: Vec<f64> = g.particles.iter().map(|p| p.weight).collect();
                let cumulative: Vec<f64> = weights
                    .iter()
                    .scan(0.0, |sum, w| {
                        *sum += w;
                        Some(*sum)
                    })
                    .collect();
                (g, Kernel::fit(priors, &points, &weights), cumulative)
            });
        Proposer {
            priors,
            settings,
            index,
            epsilon: tolerance(settings, previous),
            source,
        }
    }

    /// Candidate `k`: its proposal from its own stream, simulated.
    pub fn candidate(&self, simulator: &dyn Simulator, k: u64) -> Result<Candidate, Error> {
        let stream = calibration_seed(self.settings.seed, self.index, k);
        let mut rng = ChaCha8Rng::seed_from_u64(stream);
        let theta = match &self.source {
            None => self.priors.iter().map(|p| p.sample(&mut rng)).collect(),
            Some((g, kernel, cumulative)) => {
                let mut tries = 0;
                loop {
                    let u: f64 = rng.random::<f64>() * cumulative[cumulative.len() - 1];
                    let j = cumulative
                        .partition_point(|&c| c < u)
                        .min(g.particles.len() - 1);
                    if let Some(theta) =
                        kernel.perturb(self.priors, &g.particles[j].theta, &mut rng)
                    {
                        break theta;
                    }
                    tries += 1;
                    if tries == 100_000 {
                        return Err(Error::Usage(
                            "calibration: the kernel keeps leaving the priors' support; widen the priors".into(),
                        ));
                    }
                }
            }
        };
        let statistics = simulator.statistics(&theta, rng.random())?;
        let distance = simulator.distance(&statistics);
        Ok(Candidate {
            index: k,
            theta,
            statistics,
            distance,
        })
    }

    /// Simulates candidates `indices` in parallel, in their order.
    pub fn batch(
        &self,
        simulator: &dyn Simulator,
        indices: &[u64],
        pool: &rayon::ThreadPool,
    ) -> Result<Vec<Candidate>, Error> {
        pool.install(|| {
            indices
                .par_iter()
                .map(|&k| self.candidate(simulator, k))
                .collect()
        })
    }

    /// Whether a candidate is within the tolerance.
    pub fn accepts(&self, c: &Candidate) -> bool {
        c.distance <= self.epsilon
    }

    /// Weighs the accepted particles: π(θ) / Σ_j w_j K(θ | θ_j), normalised
    /// (equal weights for the first generation and for rejection).
    pub fn finish(
        &self,
        accepted: Vec<Candidate>,
        candidates: u64,
        simulations: u64,
    ) -> Generation {
        let mut particles: Vec<Particle> = accepted
            .into_iter()
            .map(|c| Particle {
                theta: c.theta,
                weight: 1.0,
                distance: c.distance,
                statistics: c.statistics,
            })
            .collect();
        if let Some((g, kernel, _)) = &self.source {
            for p in &mut particles {
                let denominator: f64 = g
                    .particles
                    .iter()
                    .map(|q| q.weight * kernel.density(self.priors, &p.theta, &q.theta))
                    .sum();
                let prior: f64 = self
                    .priors
                    .iter()
                    .zip(&p.theta)
                    .map(|(pr, &z)| pr.density(z))
                    .product();
                p.weight = prior / denominator;
            }
        }
        let total: f64 = particles.iter().map(|p| p.weight).sum();
        particles.iter_mut().for_each(|p| p.weight /= total);
        let tolerance = if self.epsilon.is_finite() {
            self.epsilon
        } else {
            particles.iter().map(|p| p.distance).fold(0.0, f64::max)
        };
        Generation {
            index: self.index,
            tolerance,
            candidates,
            simulations,
            particles,
        }
    }
}

/// Candidates a generation may simulate after `spent` runs: the first this
/// many fit the budget.
pub fn affordable(settings: &Settings, simulator: &dyn Simulator, spent: u64) -> u64 {
    settings.max_simulations.saturating_sub(spent) / simulator.runs_per_candidate()
}

/// Runs generation `index` after `previous`, having spent `spent` simulations.
/// `progress(accepted, simulations)` is called after each batch.
#[allow(clippy::too_many_arguments)]
pub fn generation(
    priors: &[Prior],
    settings: &Settings,
    simulator: &dyn Simulator,
    index: u32,
    previous: Option<&Generation>,
    spent: u64,
    pool: &rayon::ThreadPool,
    interrupt: &AtomicBool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Step, Error> {
    let proposer = Proposer::new(priors, settings, index, previous);
    let cost = simulator.runs_per_candidate();
    let limit = affordable(settings, simulator, spent);
    let mut candidates = 0u64;
    let mut accepted: Vec<Candidate> = Vec::new();
    let batch = batch_size(settings);
    while (accepted.len() as u64) < settings.particles {
        if interrupt.load(Ordering::SeqCst) {
            return Ok(Step::Interrupted);
        }
        if candidates == limit {
            return Ok(Step::Budget {
                simulations: spent + candidates * cost,
            });
        }
        let indices: Vec<u64> = (candidates..(candidates + batch).min(limit)).collect();
        for c in proposer.batch(simulator, &indices, pool)? {
            candidates += 1;
            if proposer.accepts(&c) {
                accepted.push(c);
                if accepted.len() as u64 == settings.particles {
                    break;
                }
            }
        }
        progress(accepted.len() as u64, spent + candidates * cost);
    }
    Ok(Step::Done(proposer.finish(
        accepted,
        candidates,
        spent + candidates * cost,
    )))
}

/// Weighted mean, standard deviation and quantiles of one coordinate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marginal {
    pub mean: f64,
    pub sd: f64,
    /// 2.5 %, 50 % and 97.5 % quantiles.
    pub quantiles: [f64; 3],
}

/// The weighted summary of `values` (the inverse of the weighted empirical
/// distribution function: the first value whose cumulative weight reaches q).
pub fn marginal(values: &[f64], weights: &[f64]) -> Marginal {
    let total: f64 = weights.iter().sum();
    let mean = values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total;
    let variance = values
        .iter()
        .zip(weights)
        .map(|(v, w)| w * (v - mean).powi(2))
        .sum::<f64>()
        / total;
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let quantile = |q: f64| {
        let mut cumulative = 0.0;
        for &i in &order {
            cumulative += weights[i] / total;
            if cumulative >= q - 1e-12 {
                return values[i];
            }
        }
        values[order[order.len() - 1]]
    };
    Marginal {
        mean,
        sd: variance.sqrt(),
        quantiles: [quantile(0.025), quantile(0.5), quantile(0.975)],
    }
}
