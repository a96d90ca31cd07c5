//! Game-theoretic reference points on a scenario's package space: the
//! frontier, the disagreement point, the Nash, Kalai–Smorodinsky and
//! utilitarian solutions, and the subgame-perfect equilibrium.

pub mod analysis;
pub mod bargaining;
pub mod report;
pub mod spe;

#[cfg(test)]
mod tests;

pub use analysis::{Analysis, analyze};
pub use bargaining::{Point, distance_to_frontier, kalai_smorodinsky, nash, utilitarian};
pub use spe::{Ending, Equilibrium, Game, Side, backward_induction};
