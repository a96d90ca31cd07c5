//! A negotiator's view of the other side within one track (MODEL.md §11):
//! what it believes of the other's preferences, the frontier of packages it
//! offers from (its own true values against the believed ones), and how it
//! learns from the other's offers.

use super::state::{State, WorldDraw};
use crate::model::agent::Agent;
use crate::model::information::OpponentModel;
use crate::model::information::learner::{Bayesian, Frequency, correlation};
use crate::model::offers::{self, OfferBuffers, Valuation};
use crate::model::run::{Model, TrackSpec};

enum Learner {
    /// The prior's mean type, unchanged by the offers.
    Fixed,
    Frequency(Frequency),
    Bayesian(Bayesian),
}

/// What one negotiator believes of the other side.
pub(super) struct View {
    learner: Learner,
    /// The prior means of the private fields.
    means: Vec<f64>,
    /// Whether the frontier of beliefs must be rebuilt before the next offer.
    stale: bool,
    /// The estimate the frontier of beliefs was built for (weights of a
    /// Bayesian model, terms of a frequency model).
    planned: Vec<f64>,
    /// Scratch: the current estimate, flattened.
    current: Vec<f64>,
    /// The other side as believed, kept until the world changes.
    believed: Option<Agent>,
    /// Scratch: the estimate's and the truth's per issue, per value terms.
    terms: Vec<Vec<f64>>,
    truth: Vec<Vec<f64>>,
}

impl Model {
    /// The views of the proposer and the opponent in a track; `None` for a
    /// negotiator with complete information (it offers from the true frontier).
    pub(super) fn views(&self, spec: &TrackSpec, world: &WorldDraw) -> [Option<View>; 2] {
        let information = &self.scenario.information;
        if !information.declared() {
            return [None, None];
        }
        let sides = [
            (self.proposer, self.opponent),
            (self.opponent, self.proposer),
        ];
        [0, 1].map(|side| {
            let (me, other) = sides[side];
            let model = information.models.get(me).unwrap_or(&OpponentModel::None);
            let learner = match model {
                OpponentModel::None if !information.is_private(other) => return None,
                OpponentModel::None => Learner::Fixed,
                OpponentModel::Frequency { learning_rate } => {
                    let value_counts: Vec<usize> = self
                        .scenario
                        .issues
                        .iter()
                        .map(|i| i.value_count())
                        .collect();
                    Learner::Frequency(Frequency::new(*learning_rate, &spec.space, &value_counts))
                }
                OpponentModel::Bayesian { .. } => Learner::Bayesian(
                    world.bayesian[side]
                        .clone()
                        .expect("drawn with the world for a Bayesian model"),
                ),
            };
            Some(View {
                learner,
                means: information.means(),
                stale: true,
                planned: Vec::new(),
                current: Vec::new(),
                believed: None,
                terms: Vec::new(),
                truth: Vec::new(),
            })
        })
    }
}

/// How far an estimate moves (in any weight or term) before a negotiator
/// re-plans its offers on it.
pub(crate) const REPLAN: f64 = 0.02;

impl View {
    /// The learner's current estimate, flattened into `current`.
    fn estimate(&mut self) {
        self.current.clear();
        match &self.learner {
            Learner::Fixed => {}
            Learner::Bayesian(b) => self.current.extend(b.mean_weights()),
            Learner::Frequency(f) => {
                f.terms_into(&mut self.terms);
                self.current.extend(self.terms.iter().flatten());
            }
        }
    }

    /// The world changed: the beliefs' frontier must follow.
    pub(super) fn touch(&mut self) {
        self.stale = true;
        self.believed = None;
    }

    /// The other side as believed: its public fields as they stand, its
    /// private ones as the prior's means (with the estimated weights, for a
    /// Bayesian model). `None` for a frequency model (its estimate is terms).
    fn believed(&self, model: &Model, other: usize, agent: &Agent) -> Option<Agent> {
        let mut a = agent.clone();
        model.scenario.information.apply(other, &self.means, &mut a);
        match &self.learner {
            Learner::Fixed => Some(a),
            Learner::Bayesian(b) => {
                a.weights = b.mean_weights();
                Some(a)
            }
            Learner::Frequency(_) => None,
        }
    }

    /// Rebuilds the frontier of beliefs of negotiator `side` (0 proposer,
    /// 1 opponent) into `buffers` if the world or the beliefs moved.
    pub(super) fn refresh(
        &mut self,
        model: &Model,
        spec: &TrackSpec,
        state: &State<'_>,
        side: usize,
        buffers: &mut OfferBuffers,
    ) {
        if !self.stale {
            return;
        }
        self.stale = false;
        self.estimate();
        std::mem::swap(&mut self.planned, &mut self.current);
        let (p, o) = (model.proposer, model.opponent);
        let other = if side == 0 { o } else { p };
        let agents = &state.agents;
        match &self.learner {
            Learner::Frequency(f) => f.terms_into(&mut self.terms),
            Learner::Fixed if self.believed.is_some() => {}
            Learner::Fixed => self.believed = self.believed(model, other, &agents[other]),
            Learner::Bayesian(b) => {
                let weights = b.mean_weights();
                match &mut self.believed {
                    Some(a) => a.weights = weights,
                    None => self.believed = self.believed(model, other, &agents[other]),
                }
            }
        }
        let estimate = match &self.believed {
            Some(a) => Valuation::Agent(a),
            None => Valuation::Terms(&self.terms),
        };
        let valuations = if side == 0 {
            [Valuation::Agent(&agents[p]), estimate]
        } else {
            [estimate, Valuation::Agent(&agents[o])]
        };
        offers::build_valued(
            &spec.layout,
            &spec.space,
            valuations,
            &offers::HostTerms {
                agents,
                hosts: &model.hosts,
                status_quo: &model.scenario.protocol.status_quo,
                leverage: state.leverage_at(1),
                withdrawn: &state.lapsed,
            },
            state.threat,
            buffers,
        );
    }

    /// Learns from the other side's offer `package` in `round`.
    pub(super) fn observe(
        &mut self,
        other: &Agent,
        package: &[u32],
        spec: &TrackSpec,
        (threat, leverage): (f64, f64),
        t: f64,
    ) {
        match &mut self.learner {
            Learner::Fixed => return,
            Learner::Frequency(f) => f.observe(package),
            Learner::Bayesian(b) => b.observe(other, package, &spec.space, (threat, leverage), t),
        }
        self.estimate();
        let moved = self.current.len() != self.planned.len()
            || self
                .current
                .iter()
                .zip(&self.planned)
                .any(|(a, b)| (a - b).abs() > REPLAN);
        self.stale |= moved;
    }

    /// How well the beliefs rank the other's packages of the track: the
    /// Pearson correlation of believed and true values.
    pub(super) fn accuracy(
        &mut self,
        model: &Model,
        spec: &TrackSpec,
        state: &State<'_>,
        side: usize,
    ) -> f64 {
        let other = if side == 0 {
            model.opponent
        } else {
            model.proposer
        };
        let agent = &state.agents[other];
        match (&self.learner, self.believed(model, other, agent)) {
            (Learner::Frequency(f), _) => f.terms_into(&mut self.terms),
            (_, Some(believed)) => believed.value_terms_into(state.threat, &mut self.terms),
            (_, None) => unreachable!("only a frequency model has no believed agent"),
        }
        agent.value_terms_into(state.threat, &mut self.truth);
        correlation(&spec.space, &self.terms, &self.truth)
    }
}
