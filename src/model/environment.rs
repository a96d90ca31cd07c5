//! Exogenous drivers: the perceived rogue-state threat and the oil-price path.
//!
//! Both are drawn once per run, before the negotiation starts, from the run's
//! own seeded stream, in a fixed order (threat, then one normal per price step),
//! so a run's environment depends on its seed alone and never on how far the
//! negotiation gets.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Beta, Distribution, StandardNormal};

/// How the perceived threat θ ∈ [0, 1] is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum ThreatModel {
    /// θ ~ Beta(α, β).
    Beta { alpha: f64, beta: f64 },
    /// θ fixed.
    Fixed { value: f64 },
}

impl ThreatModel {
    /// Expected threat.
    pub fn mean(&self) -> f64 {
        match self {
            ThreatModel::Beta { alpha, beta } => alpha / (alpha + beta),
            ThreatModel::Fixed { value } => *value,
        }
    }
}

/// Oil price as geometric Brownian motion, one step per round.
#[derive(Debug, Clone, PartialEq)]
pub struct OilModel {
    /// Price in the first round (US$ per barrel).
    pub initial: f64,
    /// Annual drift μ.
    pub drift: f64,
    /// Annual volatility σ.
    pub volatility: f64,
    /// Length of one round in years (Δ).
    pub years_per_round: f64,
    /// Price at which Russia's leverage is neutral (ℓ = 0.5).
    pub reference: f64,
}

impl OilModel {
    /// Oil-revenue leverage ℓ = P / (P + P_ref) ∈ (0, 1).
    pub fn leverage(&self, price: f64) -> f64 {
        price / (price + self.reference)
    }
}

/// The environment of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub threat: ThreatModel,
    pub oil: OilModel,
}

/// One run's draw of the environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentDraw {
    pub threat: f64,
    /// Oil price in each round, `oil_prices[r - 1]` for round `r`.
    pub oil_prices: Vec<f64>,
    /// Leverage in each round.
    pub leverage: Vec<f64>,
}

impl EnvironmentDraw {
    /// Leverage in round `round` (1-based; later rounds reuse the last price).
    pub fn leverage_at(&self, round: u32) -> f64 {
        let i = (round.max(1) as usize - 1).min(self.leverage.len() - 1);
        self.leverage[i]
    }

    /// Oil price in round `round` (1-based).
    pub fn price_at(&self, round: u32) -> f64 {
        let i = (round.max(1) as usize - 1).min(self.oil_prices.len() - 1);
        self.oil_prices[i]
    }
}

impl Environment {
    /// Draws θ and a price path of `rounds` prices from the run's seed.
    ///
    /// `P_1 = P_0` (the configured initial price) and
    /// `P_{r+1} = P_r · exp((μ − σ²/2)Δ + σ√Δ Z_r)` with `Z_r ~ N(0, 1)`.
    pub fn draw(&self, seed: u64, rounds: u32) -> EnvironmentDraw {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let threat = match self.threat {
            ThreatModel::Beta { alpha, beta } => Beta::new(alpha, beta)
                .expect("validated: alpha and beta are finite and positive")
                .sample(&mut rng),
            ThreatModel::Fixed { value } => value,
        };
        let oil = &self.oil;
        let drift_step = (oil.drift - 0.5 * oil.volatility * oil.volatility) * oil.years_per_round;
        let shock_scale = oil.volatility * oil.years_per_round.sqrt();
        let rounds = rounds.max(1) as usize;
        let mut oil_prices = Vec::with_capacity(rounds);
        let mut price = oil.initial;
        oil_prices.push(price);
        for _ in 1..rounds {
            let z: f64 = StandardNormal.sample(&mut rng);
            price *= (drift_step + shock_scale * z).exp();
            oil_prices.push(price);
        }
        let leverage = oil_prices.iter().map(|&p| oil.leverage(p)).collect();
        EnvironmentDraw {
            threat,
            oil_prices,
            leverage,
        }
    }

    /// The standard-normal shocks Z_1 … Z_{rounds−1} of the price path that
    /// [`Environment::draw`] draws from `seed`, replayed from the same
    /// stream, so an event that changes the oil process mid-run can continue
    /// the path with the run's own shocks.
    pub fn oil_shocks(&self, seed: u64, rounds: u32) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        if let ThreatModel::Beta { alpha, beta } = self.threat {
            let _: f64 = Beta::new(alpha, beta)
                .expect("validated: alpha and beta are finite and positive")
                .sample(&mut rng);
        }
        (1..rounds.max(1))
            .map(|_| StandardNormal.sample(&mut rng))
            .collect()
    }

    /// The environment at its expected values: mean threat, constant initial price.
    pub fn expected(&self, rounds: u32) -> EnvironmentDraw {
        let rounds = rounds.max(1) as usize;
        let leverage = self.oil.leverage(self.oil.initial);
        EnvironmentDraw {
            threat: self.threat.mean(),
            oil_prices: vec![self.oil.initial; rounds],
            leverage: vec![leverage; rounds],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment(volatility: f64) -> Environment {
        Environment {
            threat: ThreatModel::Beta {
                alpha: 2.0,
                beta: 3.0,
            },
            oil: OilModel {
                initial: 70.0,
                drift: 0.05,
                volatility,
                years_per_round: 0.25,
                reference: 70.0,
            },
        }
    }

    #[test]
    fn same_seed_same_draw_other_seed_other_draw() {
        let env = environment(0.3);
        assert_eq!(env.draw(7, 40), env.draw(7, 40));
        assert_ne!(env.draw(7, 40), env.draw(8, 40));
        let d = env.draw(7, 40);
        assert!((0.0..=1.0).contains(&d.threat));
        assert_eq!(d.oil_prices.len(), 40);
        assert_eq!(d.oil_prices[0], 70.0);
        assert!(d.leverage.iter().all(|&l| l > 0.0 && l < 1.0));
    }

    #[test]
    fn zero_volatility_path_grows_at_the_drift() {
        let d = environment(0.0).draw(1, 5);
        // P_5 = 70 · exp(0.05 · 0.25 · 4)
        assert!((d.oil_prices[4] - 70.0 * (0.05f64).exp()).abs() < 1e-9);
    }

    #[test]
    fn log_returns_have_the_configured_moments() {
        // Over many steps the mean log return per round is (μ − σ²/2)Δ and its
        // standard deviation σ√Δ; with 200 × 100 steps both are within a few
        // standard errors.
        let env = environment(0.4);
        let mut returns = Vec::new();
        for seed in 0..200 {
            let d = env.draw(seed, 101);
            returns.extend(d.oil_prices.windows(2).map(|w| (w[1] / w[0]).ln()));
        }
        let n = returns.len() as f64;
        let mean = returns.iter().sum::<f64>() / n;
        let sd = (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let (mu, sigma) = ((0.05 - 0.08) * 0.25, 0.4 * 0.5);
        assert!((mean - mu).abs() < 4.0 * sigma / n.sqrt(), "mean {mean}");
        assert!((sd - sigma).abs() < 0.01, "sd {sd}");
    }

    #[test]
    fn replayed_shocks_rebuild_the_drawn_price_path() {
        let env = environment(0.3);
        let d = env.draw(9, 12);
        let z = env.oil_shocks(9, 12);
        let (mu, s, dt) = (0.05f64, 0.3f64, 0.25f64);
        let mut p = 70.0;
        for (r, z) in z.iter().enumerate() {
            p *= ((mu - 0.5 * s * s) * dt + s * dt.sqrt() * z).exp();
            assert_eq!(p, d.oil_prices[r + 1]);
        }
    }

    #[test]
    fn leverage_is_neutral_at_the_reference_price() {
        assert_eq!(environment(0.3).oil.leverage(70.0), 0.5);
    }
}
