//! A world that moves during the talks: the perceived threat as a path,
//! scheduled and random events that change the scenario mid-run, and the
//! agents' conduct — outside options chosen every round, escalation, hosts
//! that re-evaluate their consent, allies whose pressure follows their own
//! stake.
//!
//! Everything here is validated at load time into typed values: an event's
//! `set` changes are already [`Mutation`]s of the model, so applying one
//! mid-run is a field assignment, not a config lookup. A scenario without
//! any of it ([`World::is_static`]) runs exactly the code, and draws exactly
//! the random numbers, it ran before these mechanisms existed.

use super::agent::{Agent, EffectTable, Role};
use super::issue::Package;
use super::strategy::Strategy;

/// The perceived rogue-state threat as a bounded, mean-reverting path.
///
/// A latent threat x follows an Ornstein–Uhlenbeck process, sampled exactly
/// once per round and reflected into [0, 1]; the agents' perception θ is
/// updated to it in a round with probability `reassessment` (reviews,
/// intelligence estimates) and otherwise kept. `rate` = 0 is a random walk.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreatPath {
    /// Mean-reversion rate κ ≥ 0 per year.
    pub rate: f64,
    /// Long-run mean m ∈ [0, 1].
    pub mean: f64,
    /// Volatility s ≥ 0 per square root of a year.
    pub volatility: f64,
    /// Probability p ∈ (0, 1] that the perception is updated in a round.
    pub reassessment: f64,
}

/// When an event fires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trigger {
    /// In this round (1-based), if its conditions hold then.
    Round(u32),
    /// In each round with this probability (a hazard), the first time it
    /// comes up while its conditions hold.
    Hazard(f64),
}

/// A condition on the run's state; an event fires only when all of its hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    LeverageAbove(f64),
    LeverageBelow(f64),
    ThreatAbove(f64),
    ThreatBelow(f64),
    OilPriceAbove(f64),
    OilPriceBelow(f64),
    /// Agent (index) has escalated.
    Escalated(usize),
    /// Agent (index) has not escalated.
    NotEscalated(usize),
    /// Event (index) has fired.
    Fired(usize),
    /// Event (index) has not fired.
    NotFired(usize),
    /// Host (agent index) has withdrawn its consent.
    Withdrawn(usize),
    /// Host (agent index) has not withdrawn its consent.
    NotWithdrawn(usize),
    /// Round at least this.
    FromRound(u32),
    /// Round at most this.
    UntilRound(u32),
}

/// One change an event (or an escalation) makes to the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    Agent(usize, AgentChange),
    /// Oil drift μ from the next price step on.
    OilDrift(f64),
    /// Oil volatility σ from the next price step on.
    OilVolatility(f64),
    /// Price at which leverage is neutral.
    OilReference(f64),
    /// The threat path's parameters from now on.
    ThreatPath(ThreatPath),
    /// The proposer's unilateral package.
    Unilateral(Option<Package>),
}

/// A change to one field of an agent.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentChange {
    Weights([f64; 3]),
    Base([f64; 3]),
    /// Attribute shifts added to the base (an escalation's effects).
    AddBase([f64; 3]),
    Effects(usize, EffectTable),
    ThreatEffects(usize, EffectTable),
    OilExposure(f64),
    UnilateralEffects([f64; 3]),
    AddUnilateralEffects([f64; 3]),
    StatusQuoEffects([f64; 3]),
    AddStatusQuoEffects([f64; 3]),
    Risk(f64),
    Reservation(f64),
    ReservationOil(f64),
    Discount(f64),
    Strategy(Strategy),
    Pressure(f64),
    EnergyDependence(f64),
    Conduct(Box<Conduct>),
}

impl AgentChange {
    /// Whether the change can move a negotiator's value of a package (and
    /// so the offer frontiers); any change to a host can move its vetoes.
    pub fn moves_frontier(&self, of_host: bool) -> bool {
        // A host's vetoes of deals depend on its values and reservation;
        // its conduct, discounting, strategy and breakdown effects do not
        // enter them (a lapse rebuilds by itself).
        let veto = of_host
            && !matches!(
                self,
                AgentChange::Conduct(_)
                    | AgentChange::Discount(_)
                    | AgentChange::Strategy(_)
                    | AgentChange::UnilateralEffects(_)
                    | AgentChange::AddUnilateralEffects(_)
                    | AgentChange::StatusQuoEffects(_)
                    | AgentChange::AddStatusQuoEffects(_)
            );
        veto || matches!(
            self,
            AgentChange::Weights(_)
                | AgentChange::Base(_)
                | AgentChange::AddBase(_)
                | AgentChange::Effects(..)
                | AgentChange::ThreatEffects(..)
        )
    }

    /// Makes the change to an agent.
    pub fn apply(&self, agent: &mut Agent) {
        let add = |to: &mut [f64; 3], x: &[f64; 3]| (0..3).for_each(|k| to[k] += x[k]);
        match self {
            AgentChange::Weights(w) => agent.weights = *w,
            AgentChange::Base(b) => agent.base = *b,
            AgentChange::AddBase(b) => add(&mut agent.base, b),
            AgentChange::Effects(i, t) => agent.effects[*i] = t.clone(),
            AgentChange::ThreatEffects(i, t) => agent.threat_effects[*i] = t.clone(),
            AgentChange::OilExposure(x) => agent.oil_exposure = *x,
            AgentChange::UnilateralEffects(e) => agent.unilateral_effects = *e,
            AgentChange::AddUnilateralEffects(e) => add(&mut agent.unilateral_effects, e),
            AgentChange::StatusQuoEffects(e) => agent.status_quo_effects = *e,
            AgentChange::AddStatusQuoEffects(e) => add(&mut agent.status_quo_effects, e),
            AgentChange::Risk(x) => agent.risk = *x,
            AgentChange::Reservation(x) => agent.reservation = *x,
            AgentChange::ReservationOil(x) => agent.reservation_oil = *x,
            AgentChange::Discount(x) => agent.discount = *x,
            AgentChange::Strategy(s) => agent.strategy = s.clone(),
            AgentChange::Conduct(c) => agent.conduct = (**c).clone(),
            AgentChange::Pressure(x) => {
                if let Role::Ally { pressure, .. } = &mut agent.role {
                    *pressure = *x;
                }
            }
            AgentChange::EnergyDependence(x) => {
                if let Role::Ally {
                    energy_dependence, ..
                } = &mut agent.role
                {
                    *energy_dependence = *x;
                }
            }
        }
    }
}

/// A validated event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub name: String,
    pub trigger: Trigger,
    pub when: Vec<Condition>,
    /// Sets the perceived (and latent) threat when it fires.
    pub threat: Option<f64>,
    pub mutations: Vec<Mutation>,
}

/// How an agent acts during the talks beyond making and answering offers.
/// The default is how every agent acted before: nothing more.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conduct {
    /// Proposer: may end the talks in the status quo in any round.
    pub may_abandon: bool,
    /// Proposer: may deploy unilaterally in any round the hosts consent.
    pub may_deploy: bool,
    /// Opponent: an action it may take once, when it raises its expected utility.
    pub escalation: Option<Escalation>,
    /// Host: consent is judged every round at the current threat, leverage
    /// and scenario, not once at the opening round.
    pub reevaluates_consent: bool,
    /// Host: per-round probability that its consent lapses for good
    /// (ratification fails, the government falls).
    pub ratification_hazard: f64,
    /// Ally: pressure scales with the ally's own stake in the deal on the table.
    pub pressure_follows_stake: bool,
}

impl Conduct {
    /// Whether this conduct changes anything about a run.
    pub fn is_passive(&self) -> bool {
        *self == Conduct::default()
    }
}

/// An escalation: effects on every agent's attributes (added to its base,
/// whatever the outcome) and on what each breakdown outcome does to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    pub name: String,
    /// Per agent (index), shift of each attribute.
    pub effects: Vec<[f64; 3]>,
    /// Per agent, added to its unilateral effects.
    pub unilateral_effects: Vec<[f64; 3]>,
    /// Per agent, added to its status-quo effects.
    pub status_quo_effects: Vec<[f64; 3]>,
}

impl Escalation {
    /// The escalation as changes to the agents.
    pub fn mutations(&self) -> Vec<Mutation> {
        let mut out = Vec::new();
        for (j, e) in self.effects.iter().enumerate() {
            if e.iter().any(|&x| x != 0.0) {
                out.push(Mutation::Agent(j, AgentChange::AddBase(*e)));
            }
        }
        for (j, e) in self.unilateral_effects.iter().enumerate() {
            if e.iter().any(|&x| x != 0.0) {
                out.push(Mutation::Agent(j, AgentChange::AddUnilateralEffects(*e)));
            }
        }
        for (j, e) in self.status_quo_effects.iter().enumerate() {
            if e.iter().any(|&x| x != 0.0) {
                out.push(Mutation::Agent(j, AgentChange::AddStatusQuoEffects(*e)));
            }
        }
        out
    }
}

/// The moving parts of a scenario.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct World {
    pub threat_path: Option<ThreatPath>,
    pub events: Vec<Event>,
    /// Whether the config declares any moving part (a threat path, events,
    /// or any agent's conduct key, even one set to its default): the
    /// datasets then have the moving world's columns. A sweep point can
    /// switch a mechanism off without changing the columns.
    pub declared: bool,
    /// Whether some agent declares an escalation (even a disabled one).
    pub declares_escalation: bool,
}

impl World {
    /// Whether nothing moves (no threat path, no events); agents' conduct is
    /// checked separately.
    pub fn is_still(&self) -> bool {
        self.threat_path.is_none() && self.events.is_empty()
    }
}

/// Reflects x into [0, 1] (as a path bouncing off both walls), so a bounded
/// process keeps its variance near the bounds instead of sticking to them.
pub fn reflect(x: f64) -> f64 {
    if (0.0..=1.0).contains(&x) {
        return x;
    }
    let m = x.rem_euclid(2.0);
    if m > 1.0 { 2.0 - m } else { m }
}

impl ThreatPath {
    /// One exact Ornstein–Uhlenbeck step of length `dt` years with shock z,
    /// reflected into [0, 1]:
    /// `x' = m + (x − m)e^{−κΔ} + s √((1 − e^{−2κΔ}) / 2κ) z` (`s √Δ z` for κ = 0).
    pub fn step(&self, x: f64, dt: f64, z: f64) -> f64 {
        let decay = (-self.rate * dt).exp();
        let sd = if self.rate > 0.0 {
            self.volatility * ((1.0 - decay * decay) / (2.0 * self.rate)).sqrt()
        } else {
            self.volatility * dt.sqrt()
        };
        reflect(self.mean + (x - self.mean) * decay + sd * z)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflection_keeps_values_in_the_unit_interval() {
        assert_eq!(reflect(0.3), 0.3);
        assert!((reflect(-0.2) - 0.2).abs() < 1e-12);
        assert!((reflect(1.25) - 0.75).abs() < 1e-12);
        assert!((reflect(2.5) - 0.5).abs() < 1e-12);
        assert!((reflect(-1.5) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_mean_reverting_step_without_noise_decays_towards_the_mean() {
        let path = ThreatPath {
            rate: 2.0,
            mean: 0.2,
            volatility: 0.0,
            reassessment: 1.0,
        };
        // x' = 0.2 + 0.6 e^{-2·0.5} = 0.2 + 0.6 · 0.36788 = 0.42073
        assert!((path.step(0.8, 0.5, 1.3) - (0.2 + 0.6 * (-1.0f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn stationary_spread_of_the_mean_reverting_path() {
        // Far from the walls the OU process's stationary sd is s / √(2κ):
        // with s = 0.1, κ = 2: 0.05. Monthly steps over 20,000 rounds.
        let path = ThreatPath {
            rate: 2.0,
            mean: 0.5,
            volatility: 0.1,
            reassessment: 1.0,
        };
        use rand::SeedableRng;
        use rand_distr::{Distribution, StandardNormal};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(3);
        let mut x = 0.5;
        let mut xs = Vec::new();
        for _ in 0..20_000 {
            let z: f64 = StandardNormal.sample(&mut rng);
            x = path.step(x, 1.0 / 12.0, z);
            xs.push(x);
        }
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
        assert!((sd - 0.05).abs() < 0.005, "sd {sd}");
    }
}
