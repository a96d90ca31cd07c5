//! Opponent models that learn from the offers a negotiator receives.
//!
//! - **Frequency** (the family of the ANAC agents, e.g. HardHeaded, van
//!   Krimpen, Looije & Hajizadeh 2013; Tunalı, Aydoğan & Sanchez-Anguix
//!   2017): an issue whose value the other side keeps from one offer to the
//!   next is one it cares about, so its weight grows by the learning rate
//!   (then all weights are normalised); a value the other offers often is one
//!   it likes: its estimated worth is (n + 1) / (max n + 1) over the issue's
//!   values. The estimate of a package is Σ_i w_i · worth_i(p_i), on a scale
//!   of its own (only its ordering of packages is used).
//! - **Bayesian** (Hindriks & Tykhonov 2008): hypotheses of the other's type
//!   (attribute weights, reservation) drawn from the prior; after each offer
//!   b_t a hypothesis h is weighted by the likelihood of the offer's value
//!   under h, on h's own scale (0 at its worst package, 1 at its best),
//!   given that the other concedes linearly in time from its best package
//!   to its walk-away level:
//!   P(b_t | h) ∝ exp(−(x_h(b_t) − x̂_h(t))² / 2σ²),
//!   x̂_h(t) = 1 − (1 − x_h(floor_h)) · t, t ∈ [0, 1] the normalised time
//!   (x̂_h = 2 when h's best package falls short of its floor: such a
//!   negotiator would make no offer).
//!   The estimate is the posterior mean type; values are linear in the
//!   weights, so its values are the posterior mean of the hypotheses' values.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::{Information, TypeField, normalised};
use crate::model::agent::Agent;
use crate::model::issue::Subspace;

/// Frequency analysis of the other side's offers.
#[derive(Debug, Clone)]
pub struct Frequency {
    rate: f64,
    /// Per issue: estimated weight (0 for issues with one allowed value).
    weights: Vec<f64>,
    /// Per issue, per value: how often the other offered it.
    counts: Vec<Vec<f64>>,
    last: Option<Vec<u32>>,
}

impl Frequency {
    /// A model knowing nothing: equal weights on the issues that can vary.
    pub fn new(rate: f64, space: &Subspace, value_counts: &[usize]) -> Frequency {
        let free: Vec<bool> = space.allowed().iter().map(|a| a.len() > 1).collect();
        let n = free.iter().filter(|&&f| f).count().max(1) as f64;
        Frequency {
            rate,
            weights: free
                .iter()
                .map(|&f| if f { 1.0 / n } else { 0.0 })
                .collect(),
            counts: value_counts.iter().map(|&c| vec![0.0; c]).collect(),
            last: None,
        }
    }

    /// Learns from one offer of the other side.
    pub fn observe(&mut self, package: &[u32]) {
        if let Some(last) = &self.last {
            for (i, w) in self.weights.iter_mut().enumerate() {
                if *w > 0.0 && last[i] == package[i] {
                    *w += self.rate;
                }
            }
            let total: f64 = self.weights.iter().sum();
            self.weights.iter_mut().for_each(|w| *w /= total);
        }
        for (i, &v) in package.iter().enumerate() {
            self.counts[i][v as usize] += 1.0;
        }
        match &mut self.last {
            Some(last) => last.copy_from_slice(package),
            None => self.last = Some(package.to_vec()),
        }
    }

    /// The estimate per issue, per value: `w_i · (n_iv + 1) / (max_v n_iv + 1)`.
    pub fn terms_into(&self, terms: &mut Vec<Vec<f64>>) {
        terms.resize_with(self.counts.len(), Vec::new);
        for ((out, counts), &w) in terms.iter_mut().zip(&self.counts).zip(&self.weights) {
            let max = counts.iter().fold(0.0f64, |m, &c| m.max(c));
            out.clear();
            out.extend(counts.iter().map(|&c| w * (c + 1.0) / (max + 1.0)));
        }
    }

    /// The estimated issue weights.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
}

/// One hypothesis of the other's type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hypothesis {
    pub weights: [f64; 3],
    pub reservation: f64,
    pub reservation_oil: f64,
}

/// Bayesian learning over hypotheses of the other's type.
#[derive(Debug, Clone)]
pub struct Bayesian {
    sigma: f64,
    hypotheses: Vec<Hypothesis>,
    log_posterior: Vec<f64>,
    /// Per hypothesis: the value of its best package beyond the base, at
    /// the threat `best_at` (the best depends on the threat, not on oil).
    best: Vec<f64>,
    worst: Vec<f64>,
    best_at: f64,
    /// The posterior mean of the weights.
    mean: [f64; 3],
    /// Scratch: per issue, per allowed value, the attribute changes.
    levels: Vec<Vec<[f64; 3]>>,
}

impl Bayesian {
    /// `count` hypotheses of agent `other`'s type from the prior: private
    /// fields drawn from their priors, weights that are not private from a
    /// flat Dirichlet (the learner does not know them), public fields as
    /// configured.
    pub fn new(
        information: &Information,
        other: usize,
        template: &Agent,
        count: usize,
        sigma: f64,
        rng: &mut ChaCha8Rng,
    ) -> Bayesian {
        let weights_private = information.weights_private(other);
        let hypotheses = (0..count)
            .map(|_| {
                let mut h = Hypothesis {
                    weights: information.raw_weights[other],
                    reservation: template.reservation,
                    reservation_oil: template.reservation_oil,
                };
                if !weights_private {
                    // Dirichlet(1, 1, 1): normalised unit exponentials.
                    h.weights = [0; 3].map(|_| -(1.0 - rng.random::<f64>()).ln());
                }
                for t in information.types.iter().filter(|t| t.agent == other) {
                    let x = t.prior.sample(rng);
                    match t.field {
                        TypeField::Reservation => h.reservation = x,
                        TypeField::ReservationOil => h.reservation_oil = x,
                        TypeField::Discount => {}
                        TypeField::Weight(k) => h.weights[k] = x,
                    }
                }
                h.weights = normalised(h.weights);
                h
            })
            .collect();
        let mut b = Bayesian {
            sigma,
            mean: [0.0; 3],
            log_posterior: vec![0.0; count],
            best: vec![0.0; count],
            worst: vec![0.0; count],
            best_at: f64::NAN,
            hypotheses,
            levels: Vec::new(),
        };
        b.update_mean();
        b
    }

    /// Learns from one offer `package` of the other side (whose public
    /// fields — effects, base, risk, oil exposure — `other` gives) made at
    /// normalised time `t`, in threat θ and oil leverage ℓ, over `space`.
    pub fn observe(
        &mut self,
        other: &Agent,
        package: &[u32],
        space: &Subspace,
        (threat, leverage): (f64, f64),
        t: f64,
    ) {
        let offered = other.attribute_levels(package, threat, leverage);
        if self.best_at.to_bits() != threat.to_bits() {
            self.best_at = threat;
            // Each hypothesis's best package: per issue, its best value
            // (values are additive over issues).
            let allowed = space.allowed();
            self.levels.resize_with(allowed.len(), Vec::new);
            for ((out, values), (effects, threat_effects)) in self
                .levels
                .iter_mut()
                .zip(allowed)
                .zip(other.effects.iter().zip(&other.threat_effects))
            {
                out.clear();
                out.extend(values.iter().map(|&v| {
                    let (e, te) = (effects[v as usize], threat_effects[v as usize]);
                    [0, 1, 2].map(|k| e[k] + threat * te[k])
                }));
            }
            for ((h, best), worst) in self
                .hypotheses
                .iter()
                .zip(&mut self.best)
                .zip(&mut self.worst)
            {
                let w = h.weights;
                let dot = |a: &[f64; 3]| w[0] * a[0] + w[1] * a[1] + w[2] * a[2];
                let extreme = |pick: fn(f64, f64) -> f64, start: f64| {
                    self.levels
                        .iter()
                        .map(|values| values.iter().map(dot).fold(start, pick))
                        .sum::<f64>()
                };
                *best = extreme(f64::max, f64::NEG_INFINITY);
                *worst = extreme(f64::min, f64::INFINITY);
            }
        }
        let opening = other.attribute_levels_base(leverage);
        let two_s2 = 2.0 * self.sigma * self.sigma;
        for (((h, log), &best), &worst) in self
            .hypotheses
            .iter()
            .zip(&mut self.log_posterior)
            .zip(&self.best)
            .zip(&self.worst)
        {
            let w = h.weights;
            let dot = |a: &[f64; 3]| w[0] * a[0] + w[1] * a[1] + w[2] * a[2];
            // Values on the hypothesis's own scale: 0 at its worst package,
            // 1 at its best (Hindriks & Tykhonov's normalised utilities).
            let base = dot(&opening);
            let range = best - worst;
            let scaled = |v: f64| {
                if range > 1e-12 {
                    ((v - base - worst) / range).clamp(0.0, 1.0)
                } else {
                    1.0
                }
            };
            let reservation =
                (h.reservation + h.reservation_oil * (2.0 * leverage - 1.0)).clamp(0.0, 1.0);
            let floor = other.value_for_utility(reservation);
            let predicted = if floor <= base + best {
                // Linear concession from the best package to the floor.
                1.0 - (1.0 - scaled(floor)) * t.clamp(0.0, 1.0)
            } else {
                // A negotiator whose best package falls short of its floor
                // makes no offer: under such a hypothesis an offer is a miss.
                2.0
            };
            let miss = scaled(dot(&offered)) - predicted;
            *log -= miss * miss / two_s2;
        }
        self.update_mean();
    }

    /// Posterior probabilities of the hypotheses.
    #[cfg(test)]
    pub fn posterior(&self) -> Vec<f64> {
        let max = self
            .log_posterior
            .iter()
            .fold(f64::NEG_INFINITY, |m, &x| m.max(x));
        let p: Vec<f64> = self
            .log_posterior
            .iter()
            .map(|&l| (l - max).exp())
            .collect();
        let total: f64 = p.iter().sum();
        p.into_iter().map(|x| x / total).collect()
    }

    /// The posterior mean of the other's weights.
    pub fn mean_weights(&self) -> [f64; 3] {
        self.mean
    }

    fn update_mean(&mut self) {
        let max = self
            .log_posterior
            .iter()
            .fold(f64::NEG_INFINITY, |m, &x| m.max(x));
        let (mut w, mut total) = ([0.0; 3], 0.0);
        for (h, &l) in self.hypotheses.iter().zip(&self.log_posterior) {
            let p = (l - max).exp();
            total += p;
            (0..3).for_each(|k| w[k] += p * h.weights[k]);
        }
        self.mean = w.map(|x| x / total);
    }

    pub fn hypotheses(&self) -> &[Hypothesis] {
        &self.hypotheses
    }
}

/// Pearson correlation over the packages of `space` between two additive
/// valuations (per issue, per value terms); 0 when either is constant.
pub fn correlation(space: &Subspace, a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    let allowed = space.allowed();
    let mut digits = vec![0usize; allowed.len()];
    let (mut n, mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    loop {
        let (mut x, mut y) = (0.0, 0.0);
        for (i, &d) in digits.iter().enumerate() {
            let v = allowed[i][d] as usize;
            x += a[i][v];
            y += b[i][v];
        }
        n += 1.0;
        sa += x;
        sb += y;
        saa += x * x;
        sbb += y * y;
        sab += x * y;
        let mut i = digits.len();
        loop {
            if i == 0 {
                let cov = sab / n - (sa / n) * (sb / n);
                let (va, vb) = (saa / n - (sa / n).powi(2), sbb / n - (sb / n).powi(2));
                return if va <= 1e-300 || vb <= 1e-300 {
                    0.0
                } else {
                    (cov / (va * vb).sqrt()).clamp(-1.0, 1.0)
                };
            }
            i -= 1;
            digits[i] += 1;
            if digits[i] < allowed[i].len() {
                break;
            }
            digits[i] = 0;
        }
    }
}

#[cfg(test)]
mod tests;
