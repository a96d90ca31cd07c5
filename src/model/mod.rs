//! The negotiation model: pure code, no files, no clock, no global RNG.

pub mod agent;
mod efficiency;
pub mod environment;
pub mod frontier;
pub mod issue;
pub mod offers;
pub mod outcome;
pub mod protocol;
pub mod run;
pub mod scenario;
pub mod strategy;

pub use agent::{ATTRIBUTES, Agent, Role};
pub use environment::{Environment, EnvironmentDraw, OilModel, ThreatModel};
pub use issue::{Issue, IssueKind, Package, Subspace};
pub use outcome::{OfferRecord, Outcome, Response, RunResult, TrackName};
pub use run::{Model, OutcomeSpace, Scratch};
pub use scenario::{Linkage, Protocol, ProtocolKind, Scenario};
pub use strategy::Strategy;

#[cfg(test)]
mod tests;
