//! Agents: their roles, their utility over security, influence and oil-revenue
//! leverage, and the environment's pull on both.
//!
//! An agent's *value* of a package is linear in the issue positions:
//!
//! ```text
//! a_k(p) = base_k + Σ_i (effect_ik(p_i) + θ · threat_effect_ik(p_i))    (attribute k)
//! v(p)   = Σ_k w_k a_k(p) + w_oil · oil_exposure · (2ℓ − 1)
//!          [+ Σ_k w_k unilateral_effect_k   when p is imposed unilaterally]
//!          [+ Σ_k w_k status_quo_effect_k   when talks end in the status quo]
//! u(p)   = clamp(v(p), 0, 1) ^ risk
//! ```
//!
//! where θ is the perceived threat and ℓ the oil leverage (see
//! `environment`). Because `u` is a monotone transform of `v`, orderings of
//! packages are computed on `v` and the power is taken only where a utility
//! value is reported or compared with a level.

use super::outcome::Outcome;
use super::strategy::Strategy;
use super::world::Conduct;

/// The three attributes every utility is defined over.
pub const ATTRIBUTES: [&str; 3] = ["security", "influence", "oil"];

/// What an agent does in the negotiation.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// Makes the offers (the United States).
    Proposer,
    /// Answers and counter-offers (Russia).
    Opponent,
    /// Must consent to deployment on its soil: `soil` lists issue indices.
    Host { soil: Vec<usize> },
    /// Presses a negotiator (agent index `presses`) to accommodate: `pressure`
    /// in [0, 1] is the share of that negotiator's remaining concession range
    /// it closes at neutral oil leverage; `energy_dependence` in [0, 1] scales
    /// it with Russia's oil leverage.
    Ally {
        presses: usize,
        pressure: f64,
        energy_dependence: f64,
    },
}

impl Role {
    /// The role's name as written in configs.
    pub fn name(&self) -> &'static str {
        match self {
            Role::Proposer => "proposer",
            Role::Opponent => "opponent",
            Role::Host { .. } => "host",
            Role::Ally { .. } => "ally",
        }
    }
}

/// An agent's effect on one attribute from one issue, per value of the issue.
pub type EffectTable = Vec<[f64; 3]>;

/// A validated agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub name: String,
    pub role: Role,
    /// Attribute weights, normalised to sum to 1.
    pub weights: [f64; 3],
    /// Attribute levels before any package or environment effect.
    pub base: [f64; 3],
    /// Per issue, per value: change in each attribute.
    pub effects: Vec<EffectTable>,
    /// Per issue, per value: change in each attribute per unit of threat θ.
    pub threat_effects: Vec<EffectTable>,
    /// Shift of the oil attribute per unit of (2ℓ − 1).
    pub oil_exposure: f64,
    /// Change in each attribute when the breakdown outcome is imposed
    /// unilaterally (countermeasures, alliance strain), on top of the package.
    pub unilateral_effects: [f64; 3],
    /// Change in each attribute when talks end in the status quo, on top of
    /// the package (e.g. the pie is lost in a split-the-pie game).
    pub status_quo_effects: [f64; 3],
    /// Risk exponent ρ > 0: u = v^ρ (ρ < 1 risk-averse, 1 neutral, > 1 risk-seeking).
    pub risk: f64,
    /// Reservation utility at neutral oil leverage, in [0, 1].
    pub reservation: f64,
    /// Shift of the reservation utility per unit of (2ℓ − 1).
    pub reservation_oil: f64,
    /// Discount factor δ in (0, 1] per offer period (two periods per round).
    pub discount: f64,
    pub strategy: Strategy,
    /// What the agent does beyond offers and answers (outside options,
    /// escalation, consent re-evaluated, pressure by stake); passive by default.
    pub conduct: Conduct,
}

impl Agent {
    /// Per issue, per value: the value contribution
    /// `Σ_k w_k (effect + θ · threat_effect)`, into reused buffers.
    pub fn value_terms_into(&self, threat: f64, terms: &mut Vec<Vec<f64>>) {
        terms.resize_with(self.effects.len(), Vec::new);
        for ((out, effect), threat_effect) in terms
            .iter_mut()
            .zip(&self.effects)
            .zip(&self.threat_effects)
        {
            out.clear();
            out.extend(effect.iter().zip(threat_effect).map(|(e, t)| {
                (0..3)
                    .map(|k| self.weights[k] * (e[k] + threat * t[k]))
                    .sum::<f64>()
            }));
        }
    }

    /// The weighted base level `Σ_k w_k base_k`.
    pub fn base_value(&self) -> f64 {
        (0..3).map(|k| self.weights[k] * self.base[k]).sum()
    }

    /// Value shift from oil leverage ℓ (same for every package).
    pub fn oil_shift(&self, leverage: f64) -> f64 {
        self.weights[2] * self.oil_exposure * (2.0 * leverage - 1.0)
    }

    /// Value shift of a breakdown outcome beyond its package:
    /// `Σ_k w_k unilateral_effect_k` or `Σ_k w_k status_quo_effect_k`; 0 for agreements.
    pub fn outcome_shift(&self, outcome: Outcome) -> f64 {
        let effects = match outcome {
            Outcome::Agreement => return 0.0,
            Outcome::Unilateral => &self.unilateral_effects,
            Outcome::StatusQuo => &self.status_quo_effects,
        };
        (0..3).map(|k| self.weights[k] * effects[k]).sum()
    }

    /// Reservation utility at oil leverage ℓ, kept in [0, 1].
    pub fn reservation_at(&self, leverage: f64) -> f64 {
        (self.reservation + self.reservation_oil * (2.0 * leverage - 1.0)).clamp(0.0, 1.0)
    }

    /// Utility of a (shifted) value: `clamp(v, 0, 1)^ρ`.
    pub fn utility_of_value(&self, value: f64) -> f64 {
        let v = value.clamp(0.0, 1.0);
        if self.risk == 1.0 {
            v
        } else {
            bend(v, self.risk)
        }
    }

    /// The value at or above which the utility reaches `utility` (inverse of
    /// [`Agent::utility_of_value`] on [0, 1]).
    pub fn value_for_utility(&self, utility: f64) -> f64 {
        let u = utility.clamp(0.0, 1.0);
        if self.risk == 1.0 {
            u
        } else {
            bend(u, 1.0 / self.risk)
        }
    }

    /// Value of a single package before the oil shift: base plus issue terms.
    pub fn package_value(&self, package: &[u32], threat: f64) -> f64 {
        let mut v = self.base_value();
        for (i, &value) in package.iter().enumerate() {
            let (e, t) = (
                self.effects[i][value as usize],
                self.threat_effects[i][value as usize],
            );
            v += (0..3)
                .map(|k| self.weights[k] * (e[k] + threat * t[k]))
                .sum::<f64>();
        }
        v
    }

    /// Attribute levels before any package: the base, with the oil
    /// attribute shifted by `oil_exposure · (2ℓ − 1)`.
    pub fn attribute_levels_base(&self, leverage: f64) -> [f64; 3] {
        let mut a = self.base;
        a[2] += self.oil_exposure * (2.0 * leverage - 1.0);
        a
    }

    /// Attribute levels `a_k(p)` of a package at threat θ and oil leverage ℓ
    /// (its value is `Σ_k w_k a_k(p)`).
    pub fn attribute_levels(&self, package: &[u32], threat: f64, leverage: f64) -> [f64; 3] {
        let mut a = self.attribute_levels_base(leverage);
        for (i, &value) in package.iter().enumerate() {
            let (e, t) = (
                self.effects[i][value as usize],
                self.threat_effects[i][value as usize],
            );
            (0..3).for_each(|k| a[k] += e[k] + threat * t[k]);
        }
        a
    }

    /// Value of a single package at oil leverage ℓ.
    pub fn value_of(&self, package: &[u32], threat: f64, leverage: f64) -> f64 {
        self.package_value(package, threat) + self.oil_shift(leverage)
    }

    /// Utility of an outcome: its package, plus the effects of how it came about.
    pub fn utility_of_outcome(
        &self,
        package: &[u32],
        outcome: Outcome,
        threat: f64,
        leverage: f64,
    ) -> f64 {
        self.utility_of_value(
            self.value_of(package, threat, leverage) + self.outcome_shift(outcome),
        )
    }

    /// Utility of a single package in the given environment.
    pub fn utility_of(&self, package: &[u32], threat: f64, leverage: f64) -> f64 {
        self.utility_of_value(self.value_of(package, threat, leverage))
    }
}

/// `x^e`, out of line: inlined, the compiler may replace the risk-neutral
/// shortcut `if ρ == 1 { v } else { v^ρ }` by an unconditional power (the
/// two agree at ρ = 1), which costs a `pow` call for every utility.
#[inline(never)]
fn bend(x: f64, e: f64) -> f64 {
    x.powf(e)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::strategy::Strategy;

    pub(crate) fn agent(risk: f64) -> Agent {
        Agent {
            name: "a".into(),
            role: Role::Proposer,
            weights: [0.5, 0.25, 0.25],
            base: [0.2, 0.4, 0.4],
            effects: vec![vec![[0.0; 3], [0.4, 0.0, 0.0]]],
            threat_effects: vec![vec![[0.0; 3], [0.2, 0.0, 0.0]]],
            oil_exposure: 0.4,
            unilateral_effects: [-0.1, 0.0, 0.0],
            status_quo_effects: [0.0, 0.2, 0.0],
            risk,
            reservation: 0.3,
            reservation_oil: 0.2,
            discount: 1.0,
            strategy: Strategy::TimeDependent {
                beta: 1.0,
                kappa: 0.0,
            },
            conduct: Conduct::default(),
        }
    }

    #[test]
    fn value_is_weighted_sum_of_attributes() {
        let a = agent(1.0);
        // base: 0.5*0.2 + 0.25*0.4 + 0.25*0.4 = 0.3; package adds 0.5*(0.4 + 0.5*0.2) = 0.25
        let v = a.value_of(&[1], 0.5, 0.5);
        assert!((v - 0.55).abs() < 1e-12);
        // high leverage raises the oil attribute: 0.25 * 0.4 * (2*0.75 - 1) = 0.05
        let v = a.value_of(&[1], 0.5, 0.75);
        assert!((v - 0.60).abs() < 1e-12);
    }

    #[test]
    fn outcome_shifts_are_weighted() {
        let a = agent(1.0);
        assert!((a.outcome_shift(Outcome::Unilateral) + 0.05).abs() < 1e-12);
        assert!((a.outcome_shift(Outcome::StatusQuo) - 0.05).abs() < 1e-12);
        assert_eq!(a.outcome_shift(Outcome::Agreement), 0.0);
    }

    #[test]
    fn risk_exponent_bends_utility_and_inverts() {
        let a = agent(0.5);
        assert!((a.utility_of_value(0.25) - 0.5).abs() < 1e-12);
        assert!((a.value_for_utility(0.5) - 0.25).abs() < 1e-12);
        assert_eq!(a.utility_of_value(1.7), 1.0);
        assert_eq!(a.utility_of_value(-0.2), 0.0);
    }

    #[test]
    fn reservation_follows_leverage_within_unit_interval() {
        let a = agent(1.0);
        assert!((a.reservation_at(0.5) - 0.3).abs() < 1e-12);
        assert!((a.reservation_at(1.0) - 0.5).abs() < 1e-12);
        let mut b = a.clone();
        b.reservation_oil = 5.0;
        assert_eq!(b.reservation_at(1.0), 1.0);
    }

    #[test]
    fn attribute_levels_weigh_up_to_the_value() {
        let a = agent(1.0);
        let levels = a.attribute_levels(&[1], 0.3, 0.6);
        let v: f64 = (0..3).map(|k| a.weights[k] * levels[k]).sum();
        assert!((v - a.value_of(&[1], 0.3, 0.6)).abs() < 1e-12);
    }

    #[test]
    fn value_terms_agree_with_value_of() {
        let a = agent(1.0);
        let mut terms = Vec::new();
        a.value_terms_into(0.3, &mut terms);
        let via_terms = a.base_value() + a.oil_shift(0.6) + terms[0][1];
        assert!((via_terms - a.value_of(&[1], 0.3, 0.6)).abs() < 1e-12);
    }
}
