//! The negotiation model: pure code, no files, no clock, no global RNG.

pub mod agent;
mod efficiency;
pub mod environment;
pub mod frontier;
pub mod information;
pub mod issue;
mod moving;
pub mod offers;
pub mod outcome;
pub mod protocol;
pub mod run;
pub mod scenario;
pub mod strategy;
pub mod world;

pub use agent::{ATTRIBUTES, Agent, Role};
pub use environment::{Environment, EnvironmentDraw, OilModel, ThreatModel};
pub use issue::{Issue, IssueKind, Package, Subspace};
pub use outcome::{EndedBy, OfferRecord, Outcome, Response, RunResult, TrackName, WorldReport};
pub use run::{Model, OutcomeSpace, Scratch};
pub use scenario::{Linkage, Protocol, ProtocolKind, Scenario};
pub use strategy::{Resource, Strategy};
pub use world::{Conduct, Event, World};

#[cfg(test)]
mod tests;
