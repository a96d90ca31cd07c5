//! The state of a moving world within one track of one run: the agents as
//! events and escalation have changed them, the perceived threat, the oil
//! path, which events fired, which hosts withdrew. It advances round by
//! round from the run's pre-drawn random numbers, so a run depends on its
//! seed alone.

use std::borrow::Cow;

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::model::agent::{Agent, Role};
use crate::model::environment::{EnvironmentDraw, OilModel};
use crate::model::information::OpponentModel;
use crate::model::information::learner::Bayesian;
use crate::model::issue::Package;
use crate::model::outcome::{OfferRecord, Response, TrackName};
use crate::model::run::Model;
use crate::model::strategy::{Schedule, concession_schedule};
use crate::model::world::{Condition, Mutation, ThreatPath, Trigger};

/// Random numbers of a moving world, drawn before the talks from streams of
/// their own (derived from the run's seed and the purpose), so adding or
/// removing one mechanism never shifts another's draws, nor the threat and
/// oil draws every scenario makes.
#[derive(Debug, Clone, Default)]
pub struct WorldDraw {
    /// Shock of the threat path for round r at index r − 1.
    threat_shocks: Vec<f64>,
    /// Uniform deciding whether the threat is re-assessed in round r.
    reassessments: Vec<f64>,
    /// Per event: the uniform of each round (hazard events only).
    hazards: Vec<Vec<f64>>,
    /// Per agent: the uniform of each round (hosts with a ratification hazard).
    ratification: Vec<Vec<f64>>,
    /// The oil path's shocks, when an event can change the oil process.
    oil_shocks: Vec<f64>,
    /// The negotiators' private fields, as `information.types` declares them.
    pub types: Vec<f64>,
    /// Proposer's and opponent's Bayesian opponent models, their
    /// hypotheses drawn from the prior.
    pub bayesian: [Option<Bayesian>; 2],
}

/// Seed of the sub-stream for `purpose` of the run seeded `seed`.
pub(crate) fn stream(seed: u64, purpose: u64) -> ChaCha8Rng {
    let mix = |mut z: u64| {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    ChaCha8Rng::seed_from_u64(mix(mix(seed) ^ mix(purpose.wrapping_add(0x5EED))))
}

const THREAT_PATH: u64 = 1;
const REASSESSMENT: u64 = 2;
const EVENT: u64 = 1 << 20;
const RATIFICATION: u64 = 2 << 20;
const PRIVATE_TYPES: u64 = 3 << 20;
const HYPOTHESES: u64 = 4 << 20;

impl Model {
    /// The moving world's draws for the run seeded `seed`.
    pub(crate) fn world_draw(&self, seed: u64) -> WorldDraw {
        let s = &self.scenario;
        let rounds = s.protocol.deadline_rounds as usize;
        let uniforms = |purpose| {
            let mut rng = stream(seed, purpose);
            (0..rounds)
                .map(|_| rand::RngExt::random::<f64>(&mut rng))
                .collect()
        };
        let mut draw = WorldDraw::default();
        if s.world.threat_path.is_some()
            || s.world.events.iter().any(|e| {
                e.mutations
                    .iter()
                    .any(|m| matches!(m, Mutation::ThreatPath(_)))
            })
        {
            let mut rng = stream(seed, THREAT_PATH);
            draw.threat_shocks = (0..rounds)
                .map(|_| StandardNormal.sample(&mut rng))
                .collect();
            draw.reassessments = uniforms(REASSESSMENT);
        }
        draw.hazards = (0..s.world.events.len())
            .map(|e| match s.world.events[e].trigger {
                Trigger::Hazard(_) => uniforms(EVENT + e as u64),
                Trigger::Round(_) => Vec::new(),
            })
            .collect();
        draw.ratification = (0..s.agents.len())
            .map(|j| {
                let may_lapse = s.agents[j].conduct.ratification_hazard > 0.0
                    || s.world.events.iter().any(|e| {
                        e.mutations
                            .iter()
                            .any(|m| matches!(m, Mutation::Agent(i, _) if *i == j))
                    }) && matches!(s.agents[j].role, Role::Host { .. });
                if may_lapse {
                    uniforms(RATIFICATION + j as u64)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let oil_moves = s.world.events.iter().any(|e| {
            e.mutations.iter().any(|m| {
                matches!(
                    m,
                    Mutation::OilDrift(_) | Mutation::OilVolatility(_) | Mutation::OilReference(_)
                )
            })
        });
        if oil_moves {
            draw.oil_shocks = s.environment.oil_shocks(seed, s.protocol.deadline_rounds);
        }
        let information = &s.information;
        if !information.types.is_empty() {
            let mut rng = stream(seed, PRIVATE_TYPES);
            draw.types = information
                .types
                .iter()
                .map(|t| t.prior.sample(&mut rng))
                .collect();
        }
        for (side, (me, other)) in [
            (self.proposer, self.opponent),
            (self.opponent, self.proposer),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(&OpponentModel::Bayesian { hypotheses, sigma }) = information.models.get(me)
            {
                let mut rng = stream(seed, HYPOTHESES + side as u64);
                draw.bayesian[side] = Some(Bayesian::new(
                    information,
                    other,
                    &s.agents[other],
                    hypotheses,
                    sigma,
                    &mut rng,
                ));
            }
        }
        draw
    }
}

/// A track's world as it stands in the current round.
pub(crate) struct State<'m> {
    pub agents: Cow<'m, [Agent]>,
    /// Proposer's and opponent's concession schedules.
    pub schedules: [Cow<'m, Schedule>; 2],
    /// Perceived and latent threat.
    pub threat: f64,
    pub opening_threat: f64,
    latent: f64,
    path: Option<ThreatPath>,
    oil: OilModel,
    pub prices: Cow<'m, [f64]>,
    pub leverage: Cow<'m, [f64]>,
    /// The track's unilateral package as events have left it.
    pub unilateral: Option<Package>,
    /// Per event: the round it fired.
    pub fired: Vec<Option<u32>>,
    /// Round the opponent escalated.
    pub escalated: Option<u32>,
    /// Per agent: the first round it (a host) withdrew consent.
    pub withdrew: Vec<Option<u32>>,
    /// Hosts whose consent lapsed for good (ratification failed).
    pub lapsed: Vec<usize>,
    /// Whether the hosts consented to unilateral deployment last round.
    pub consented: Option<bool>,
    track: TrackName,
    start: Option<(usize, u32)>,
}

impl<'m> State<'m> {
    pub fn new(
        model: &'m Model,
        draw: &'m EnvironmentDraw,
        track: TrackName,
        unilateral: Option<Package>,
        start: Option<(usize, u32)>,
    ) -> State<'m> {
        let s = &model.scenario;
        State {
            agents: Cow::Borrowed(&s.agents),
            schedules: [
                Cow::Borrowed(&model.schedules[0]),
                Cow::Borrowed(&model.schedules[1]),
            ],
            threat: draw.threat,
            opening_threat: draw.threat,
            latent: draw.threat,
            path: s.world.threat_path.clone(),
            oil: s.environment.oil.clone(),
            prices: Cow::Borrowed(&draw.oil_prices),
            leverage: Cow::Borrowed(&draw.leverage),
            unilateral,
            fired: vec![None; s.world.events.len()],
            escalated: None,
            withdrew: vec![None; s.agents.len()],
            lapsed: Vec::new(),
            consented: None,
            track,
            start,
        }
    }

    fn at(values: &[f64], round: u32) -> f64 {
        values[(round.max(1) as usize - 1).min(values.len() - 1)]
    }

    /// Whether the world is still the opening one for the offer frontiers:
    /// no agent changed, the oil path and the threat as drawn, no host lapsed.
    pub fn at_opening(&self) -> bool {
        matches!(self.agents, Cow::Borrowed(_))
            && matches!(self.leverage, Cow::Borrowed(_))
            && self.threat.to_bits() == self.opening_threat.to_bits()
            && self.lapsed.is_empty()
    }

    pub fn leverage_at(&self, round: u32) -> f64 {
        State::at(&self.leverage, round)
    }

    pub fn price_at(&self, round: u32) -> f64 {
        State::at(&self.prices, round)
    }

    /// Moves the world into `round`: the threat path's step and
    /// re-assessment, hosts' consent lapsing, events firing. Returns whether
    /// anything changed that the offer frontiers depend on.
    pub fn advance(
        &mut self,
        model: &Model,
        world: &WorldDraw,
        round: u32,
        trace: &mut Option<&mut Vec<OfferRecord>>,
    ) -> bool {
        let s = &model.scenario;
        let i = round as usize - 1;
        let mut changed = false;
        if let Some(path) = &self.path
            && round >= 2
        {
            let dt = self.oil.years_per_round;
            self.latent = path.step(self.latent, dt, world.threat_shocks[i]);
            if world.reassessments[i] < path.reassessment && self.latent != self.threat {
                self.threat = self.latent;
                changed = true;
            }
        }
        for j in 0..self.agents.len() {
            let hazard = self.agents[j].conduct.ratification_hazard;
            let draws = &world.ratification[j];
            if hazard > 0.0 && !self.lapsed.contains(&j) && !draws.is_empty() && draws[i] < hazard {
                self.lapsed.push(j);
                self.withdraw(j, round, trace);
                changed = true;
            }
        }
        for e in 0..s.world.events.len() {
            let event = &s.world.events[e];
            if self.fired[e].is_some() {
                continue;
            }
            let due = match event.trigger {
                Trigger::Round(r) => r == round,
                Trigger::Hazard(p) => world.hazards[e][i] < p,
            };
            if !due || !event.when.iter().all(|c| self.holds(*c, round)) {
                continue;
            }
            self.fired[e] = Some(round);
            if let Some(threat) = event.threat {
                self.threat = threat;
                self.latent = threat;
            }
            // A new threat or changed agents move the frontiers; oil, the
            // threat process and the unilateral package act through the
            // round's shifts and breakdown.
            changed |= event.threat.is_some();
            for m in &event.mutations {
                if let Mutation::Agent(j, change) = m {
                    let host = matches!(self.agents[*j].role, Role::Host { .. });
                    changed |= change.moves_frontier(host);
                }
                self.apply(model, world, m, round);
            }
            note(trace, self.track, round, None, Response::Event, &event.name);
        }
        changed
    }

    /// Records that host `j` withdrew its consent in `round` (the first time).
    pub fn withdraw(&mut self, j: usize, round: u32, trace: &mut Option<&mut Vec<OfferRecord>>) {
        if self.withdrew[j].is_none() {
            self.withdrew[j] = Some(round);
        }
        let name = self.agents[j].name.clone();
        note(trace, self.track, round, Some(j), Response::Withdraw, &name);
    }

    fn holds(&self, condition: Condition, round: u32) -> bool {
        match condition {
            Condition::LeverageAbove(x) => self.leverage_at(round) > x,
            Condition::LeverageBelow(x) => self.leverage_at(round) < x,
            Condition::ThreatAbove(x) => self.threat > x,
            Condition::ThreatBelow(x) => self.threat < x,
            Condition::OilPriceAbove(x) => self.price_at(round) > x,
            Condition::OilPriceBelow(x) => self.price_at(round) < x,
            Condition::Escalated(_) => self.escalated.is_some(),
            Condition::NotEscalated(_) => self.escalated.is_none(),
            Condition::Fired(e) => self.fired[e].is_some(),
            Condition::NotFired(e) => self.fired[e].is_none(),
            Condition::Withdrawn(j) => self.withdrew[j].is_some(),
            Condition::NotWithdrawn(j) => self.withdrew[j].is_none(),
            Condition::FromRound(r) => round >= r,
            Condition::UntilRound(r) => round <= r,
        }
    }

    /// Makes one change to the world in `round`.
    pub fn apply(&mut self, model: &Model, world: &WorldDraw, m: &Mutation, round: u32) {
        match m {
            Mutation::Agent(j, change) => {
                change.apply(&mut self.agents.to_mut()[*j]);
                let side = [model.proposer, model.opponent]
                    .iter()
                    .position(|&n| n == *j);
                if let (Some(side), crate::model::world::AgentChange::Strategy(strategy)) =
                    (side, change)
                {
                    self.schedules[side] = Cow::Owned(concession_schedule(
                        strategy,
                        model.scenario.protocol.deadline_rounds,
                    ));
                }
            }
            Mutation::OilDrift(x) => {
                self.oil.drift = *x;
                self.reprice(world, round);
            }
            Mutation::OilVolatility(x) => {
                self.oil.volatility = *x;
                self.reprice(world, round);
            }
            Mutation::OilReference(x) => {
                self.oil.reference = *x;
                self.reprice(world, round);
            }
            Mutation::ThreatPath(path) => self.path = Some(path.clone()),
            Mutation::Unilateral(package) => {
                self.unilateral = package.clone().map(|mut p| {
                    // A separate main track keeps START at its own result.
                    if let Some((issue, value)) = self.start {
                        p[issue] = value;
                    }
                    p
                });
            }
        }
    }

    /// Continues the oil path from `round` with the current process and
    /// the run's own shocks; leverage from `round` on at the current reference.
    fn reprice(&mut self, world: &WorldDraw, round: u32) {
        let oil = &self.oil;
        let drift_step = (oil.drift - 0.5 * oil.volatility * oil.volatility) * oil.years_per_round;
        let shock_scale = oil.volatility * oil.years_per_round.sqrt();
        let prices = self.prices.to_mut();
        let from = round as usize - 1;
        for k in from..prices.len().saturating_sub(1) {
            prices[k + 1] = prices[k] * (drift_step + shock_scale * world.oil_shocks[k]).exp();
        }
        let leverage = self.leverage.to_mut();
        for k in from..prices.len() {
            leverage[k] = oil.leverage(prices[k]);
        }
    }
}

/// Records a happening (not an offer) in the trace.
pub(crate) fn note(
    trace: &mut Option<&mut Vec<OfferRecord>>,
    track: TrackName,
    round: u32,
    actor: Option<usize>,
    response: Response,
    name: &str,
) {
    if let Some(trace) = trace {
        trace.push(OfferRecord {
            track,
            round,
            offerer: actor,
            package: Vec::new(),
            utilities: Vec::new(),
            response,
            note: Some(name.to_string()),
            belief: None,
        });
    }
}
