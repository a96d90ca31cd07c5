//! Game theory on points in utility space, independent of any scenario: when
//! utilities tie, the undominated points (all agents), the Nash,
//! Kalai–Smorodinsky and utilitarian solutions, and the subgame-perfect
//! equilibrium. `crate::analysis` applies it to a scenario's package space.

pub mod bargaining;
pub mod maxima;
pub mod spe;
pub mod ties;

pub use bargaining::{Point, distance_to_frontier, kalai_smorodinsky, nash, utilitarian};
pub use spe::{Ending, Equilibrium, Game, Side, backward_induction};
