//! ABC on a model whose posterior is known: n = 10 draws from N(θ, 1) with
//! a N(0, 1) prior on θ (truncated to [−5, 5], which removes 6e-7 of its
//! mass). Observing the sample mean ȳ = 1, the posterior is
//! N(n ȳ / (n + 1), 1 / (n + 1)) = N(0.9091, 0.3015²).

use std::sync::atomic::AtomicBool;

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::prior::Prior;
use super::smc::{self, Generation, Method, Settings, Simulator, Step, marginal};
use crate::engine;
use crate::error::Error;

struct NormalMean {
    observed: f64,
}

impl Simulator for NormalMean {
    fn runs_per_candidate(&self) -> u64 {
        1
    }
    fn statistics(&self, theta: &[f64], seed: u64) -> Result<Vec<f64>, Error> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let sum: f64 = (0..10)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut rng);
                theta[0] + z
            })
            .sum();
        Ok(vec![sum / 10.0])
    }
    fn distance(&self, statistics: &[f64]) -> f64 {
        (statistics[0] - self.observed).abs()
    }
}

const PRIOR: [Prior; 1] = [Prior::Normal {
    mean: 0.0,
    sd: 1.0,
    low: -5.0,
    high: 5.0,
}];

fn settings(method: Method) -> Settings {
    Settings {
        method,
        particles: 1000,
        generations: 8,
        quantile: 0.5,
        tolerance: Some(0.02),
        min_acceptance: 0.0,
        max_simulations: 10_000_000,
        seed: 11,
    }
}

/// Runs every generation; the last one and how it stopped.
fn calibrate(settings: &Settings, threads: usize) -> (Vec<Generation>, smc::Stop) {
    let pool = engine::pool(threads).unwrap();
    let simulator = NormalMean { observed: 1.0 };
    let mut done: Vec<Generation> = Vec::new();
    loop {
        let spent = done.last().map_or(0, |g| g.simulations);
        let step = smc::generation(
            &PRIOR,
            settings,
            &simulator,
            done.len() as u32,
            done.last(),
            spent,
            &pool,
            &AtomicBool::new(false),
            &mut |_, _| {},
        )
        .unwrap();
        match step {
            Step::Done(g) => {
                let stop = smc::stop_after(settings, &g);
                done.push(g);
                if let Some(stop) = stop {
                    return (done, stop);
                }
            }
            Step::Budget { .. } => return (done, smc::Stop::Budget),
            Step::Interrupted => unreachable!("never interrupted"),
        }
    }
}

fn posterior(g: &Generation) -> smc::Marginal {
    let values: Vec<f64> = g.particles.iter().map(|p| p.theta[0]).collect();
    let weights: Vec<f64> = g.particles.iter().map(|p| p.weight).collect();
    marginal(&values, &weights)
}

const EXACT_MEAN: f64 = 10.0 / 11.0;
const EXACT_SD: f64 = 0.301_511_344_577_763_6; // sqrt(1/11)

#[test]
fn smc_recovers_the_conjugate_posterior() {
    let (generations, stop) = calibrate(&settings(Method::Smc), 2);
    let last = generations.last().unwrap();
    assert_eq!(stop, smc::Stop::Tolerance, "{:?}", last.tolerance);
    assert!(last.tolerance <= 0.02);
    // Tolerances fall generation by generation.
    assert!(
        generations
            .windows(2)
            .all(|w| w[1].tolerance < w[0].tolerance)
    );
    let m = posterior(last);
    // Monte Carlo error of the mean: about 0.30 / sqrt(ESS) ≈ 0.012.
    assert!((m.mean - EXACT_MEAN).abs() < 0.04, "mean {}", m.mean);
    assert!((m.sd - EXACT_SD).abs() < 0.03, "sd {}", m.sd);
    let [low, _, high] = m.quantiles;
    assert!((low - (EXACT_MEAN - 1.96 * EXACT_SD)).abs() < 0.08, "{low}");
    assert!(
        (high - (EXACT_MEAN + 1.96 * EXACT_SD)).abs() < 0.08,
        "{high}"
    );
    assert!(last.ess() > 300.0, "ESS {}", last.ess());
}

#[test]
fn rejection_recovers_the_conjugate_posterior() {
    let mut s = settings(Method::Rejection);
    s.tolerance = Some(0.02);
    s.particles = 600;
    let (generations, stop) = calibrate(&s, 2);
    assert_eq!((generations.len(), stop), (1, smc::Stop::Tolerance));
    let g = &generations[0];
    assert!(
        g.particles
            .iter()
            .all(|p| p.distance <= 0.02 && p.weight == 1.0 / 600.0)
    );
    let m = posterior(g);
    assert!((m.mean - EXACT_MEAN).abs() < 0.04, "mean {}", m.mean);
    assert!((m.sd - EXACT_SD).abs() < 0.03, "sd {}", m.sd);
}

#[test]
fn results_do_not_depend_on_the_threads() {
    let mut s = settings(Method::Smc);
    s.particles = 150;
    s.generations = 4;
    assert_eq!(calibrate(&s, 1), calibrate(&s, 2));
    assert_eq!(calibrate(&s, 1), calibrate(&s, 3));
}

#[test]
fn the_budget_stops_cleanly_and_keeps_the_last_generation() {
    let mut s = settings(Method::Smc);
    s.particles = 100;
    s.max_simulations = 1_000;
    let (generations, stop) = calibrate(&s, 2);
    assert_eq!(stop, smc::Stop::Budget);
    assert!(!generations.is_empty());
    assert!(generations.last().unwrap().simulations <= 1_000);
}

#[test]
fn weighted_quantiles_and_moments() {
    let m = marginal(&[3.0, 1.0, 2.0, 4.0], &[0.1, 0.4, 0.4, 0.1]);
    assert!((m.mean - 1.9).abs() < 1e-12);
    // 0.1·1.1² + 0.4·0.9² + 0.4·0.1² + 0.1·2.1² = 0.89
    assert!((m.sd - 0.89f64.sqrt()).abs() < 1e-12);
    // Sorted 1, 2, 3, 4 with cumulative weights 0.4, 0.8, 0.9, 1.0.
    assert_eq!(m.quantiles, [1.0, 2.0, 4.0]);
    // Scaling the weights changes nothing; shifting the values shifts all.
    let scaled = marginal(&[3.0, 1.0, 2.0, 4.0], &[1.0, 4.0, 4.0, 1.0]);
    assert_eq!(scaled.quantiles, m.quantiles);
    let shifted = marginal(&[13.0, 11.0, 12.0, 14.0], &[0.1, 0.4, 0.4, 0.1]);
    assert!((shifted.mean - 11.9).abs() < 1e-12 && (shifted.sd - m.sd).abs() < 1e-12);
}

/// Every generation split into 1, 2, 3 or 7 shards and joined is the
/// generation one machine computes, to the last bit.
#[test]
fn sharded_generations_join_to_the_unsharded_ones() {
    use super::shards;
    use super::smc::Proposer;
    let mut s = settings(Method::Smc);
    s.particles = 120;
    s.generations = 4;
    let (whole, _) = calibrate(&s, 2);
    let pool = engine::pool(2).unwrap();
    let simulator = NormalMean { observed: 1.0 };
    for count in [1u64, 2, 3, 7] {
        let mut done: Vec<Generation> = Vec::new();
        for index in 0..whole.len() as u32 {
            let spent = done.last().map_or(0, |g| g.simulations);
            let proposer = Proposer::new(&PRIOR, &s, index, done.last());
            let parts: Vec<shards::ShardResult> = (0..count)
                .map(|k| {
                    shards::shard(
                        &proposer,
                        &s,
                        &simulator,
                        spent,
                        k,
                        count,
                        &pool,
                        &AtomicBool::new(false),
                    )
                    .unwrap()
                    .unwrap()
                })
                .collect();
            let (step, _) = shards::join(&proposer, &s, &simulator, spent, &parts, &pool).unwrap();
            match step {
                Step::Done(g) => done.push(g),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(done, whole, "{count} shards");
    }
}
