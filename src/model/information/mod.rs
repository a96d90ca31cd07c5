//! Incomplete information (MODEL.md §11): negotiators whose reservation,
//! discounting and attribute weights are private, drawn per run from priors
//! the scenario declares, and opponent models that learn the other side's
//! preferences from the offers it makes.
//!
//! What is private is a negotiator's *type*: how much it cares for each
//! attribute (its weights), its walk-away level and its patience. What a
//! package does to each attribute (the effects) is public. A negotiator
//! without complete information chooses its offers from what it believes of
//! the other side — the prior's mean type, or its opponent model's estimate
//! — while it accepts by its own true utility; the other side answers by
//! its own true utility, so a deal can be missed although both would
//! prefer one.

pub mod learner;

use crate::calibrate::Prior;
use crate::model::agent::Agent;

/// A negotiator's model of the other side.
#[derive(Debug, Clone, PartialEq)]
pub enum OpponentModel {
    /// No learning: the other's type as known (complete information) or as
    /// the prior's mean (private types).
    None,
    /// Frequency analysis of the other's offers (issue weights from how
    /// often an issue's value stays put, value preferences from how often a
    /// value is offered).
    Frequency {
        /// Weight added to an issue whose value did not change between two
        /// consecutive offers, before normalising.
        learning_rate: f64,
    },
    /// Bayesian learning over hypotheses of the other's type drawn from the
    /// prior, each judged by how well the other's offers fit a linear
    /// concession from its best package to its walk-away level.
    Bayesian {
        /// Number of hypotheses.
        hypotheses: usize,
        /// Spread σ of the offers' utilities around the predicted concession.
        sigma: f64,
    },
}

/// A field of a negotiator's type that may be private.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeField {
    Reservation,
    ReservationOil,
    Discount,
    /// The (raw, before normalising) weight of attribute k.
    Weight(usize),
}

impl TypeField {
    /// The field's dotted path below `agents.<name>`.
    pub fn path(self) -> String {
        match self {
            TypeField::Reservation => "reservation".into(),
            TypeField::ReservationOil => "reservation_oil".into(),
            TypeField::Discount => "discount".into(),
            TypeField::Weight(k) => format!("weights.{}", crate::model::ATTRIBUTES[k]),
        }
    }
}

/// One private field of a negotiator's type and the prior it is drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct PrivateType {
    /// Agent index (the proposer or the opponent).
    pub agent: usize,
    pub field: TypeField,
    pub prior: Prior,
}

/// What the negotiators know of each other.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Information {
    /// Private fields, drawn per run in this order.
    pub types: Vec<PrivateType>,
    /// Per agent: its model of the other negotiator (`None` for hosts and allies).
    pub models: Vec<OpponentModel>,
    /// Per agent: its attribute weights as configured, before normalising
    /// (a drawn weight is normalised with the others).
    pub raw_weights: Vec<[f64; 3]>,
}

impl Information {
    /// Whether the scenario declares anything beyond complete information
    /// (old scenarios declare nothing and run as before).
    pub fn declared(&self) -> bool {
        !self.types.is_empty() || self.models.iter().any(|m| *m != OpponentModel::None)
    }

    /// Whether agent `j`'s type has a private field.
    pub fn is_private(&self, j: usize) -> bool {
        self.types.iter().any(|t| t.agent == j)
    }

    /// Sets agent `j`'s private fields to `values` (one per entry of
    /// `types`, only agent `j`'s are read), normalising drawn weights with
    /// the configured ones.
    pub fn apply(&self, j: usize, values: &[f64], agent: &mut Agent) {
        let mut weights = self.raw_weights[j];
        let mut weighted = false;
        for (t, &x) in self.types.iter().zip(values) {
            if t.agent != j {
                continue;
            }
            match t.field {
                TypeField::Reservation => agent.reservation = x,
                TypeField::ReservationOil => agent.reservation_oil = x,
                TypeField::Discount => agent.discount = x,
                TypeField::Weight(k) => {
                    weights[k] = x;
                    weighted = true;
                }
            }
        }
        if weighted {
            agent.weights = normalised(weights);
        }
    }

    /// The prior means of the private fields (what an agent without a
    /// model believes of the other side).
    pub fn means(&self) -> Vec<f64> {
        self.types.iter().map(|t| t.prior.mean()).collect()
    }

    /// Whether agent `j`'s weights are private.
    pub fn weights_private(&self, j: usize) -> bool {
        self.types
            .iter()
            .any(|t| t.agent == j && matches!(t.field, TypeField::Weight(_)))
    }
}

/// Weights scaled to sum to 1 (all zero stays all zero).
pub fn normalised(w: [f64; 3]) -> [f64; 3] {
    let total: f64 = w.iter().sum();
    if total > 0.0 { w.map(|x| x / total) } else { w }
}
