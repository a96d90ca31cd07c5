//! A validated scenario: everything one negotiation needs, already checked.

use super::agent::{Agent, Role};
use super::environment::Environment;
use super::information::Information;
use super::issue::{Issue, Package};
use super::world::World;

/// Which negotiation protocol runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolKind {
    /// Offers and counter-offers with time- or behaviour-dependent concession.
    Alternating,
    /// Zeuthen's monotonic concession protocol.
    Zeuthen,
}

/// Whether START renewal is bargained inside the package or on its own track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linkage {
    Linked,
    Separate,
}

impl Linkage {
    pub fn name(self) -> &'static str {
        match self {
            Linkage::Linked => "linked",
            Linkage::Separate => "separate",
        }
    }
}

/// The negotiation protocol and its disagreement outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Protocol {
    pub kind: ProtocolKind,
    pub deadline_rounds: u32,
    pub start_linkage: Linkage,
    /// Index of the START renewal issue, if the scenario has one.
    pub start_issue: Option<usize>,
    /// The package that holds if nothing is agreed and nothing is deployed.
    pub status_quo: Package,
    /// The package the proposer imposes on breakdown when the hosts consent;
    /// `None` when breakdown always means the status quo.
    pub unilateral: Option<Package>,
}

/// A complete, validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub replications: u64,
    pub issues: Vec<Issue>,
    pub agents: Vec<Agent>,
    pub environment: Environment,
    pub protocol: Protocol,
    /// Threat path and events; empty for a world that stands still.
    pub world: World,
    /// Private types and opponent models; empty with complete information.
    pub information: Information,
}

impl Scenario {
    /// Index of the single proposer.
    pub fn proposer(&self) -> usize {
        self.role_index(|r| matches!(r, Role::Proposer))
            .expect("validated: exactly one proposer")
    }

    /// Index of the single opponent.
    pub fn opponent(&self) -> usize {
        self.role_index(|r| matches!(r, Role::Opponent))
            .expect("validated: exactly one opponent")
    }

    fn role_index(&self, is: impl Fn(&Role) -> bool) -> Option<usize> {
        self.agents.iter().position(|a| is(&a.role))
    }

    /// Whether nothing moves during the talks: no threat path, no events,
    /// every agent's conduct passive — or Zeuthen's protocol, which is
    /// played in the opening world. Such a scenario runs exactly as
    /// scenarios did before these mechanisms existed.
    pub fn is_static(&self) -> bool {
        self.protocol.kind == ProtocolKind::Zeuthen
            || (self.world.is_still()
                && self.agents.iter().all(|a| a.conduct.is_passive())
                && !self.information.declared())
    }

    /// Number of packages in the whole issue space.
    pub fn space_size(&self) -> u128 {
        self.issues
            .iter()
            .map(|i| i.value_count() as u128)
            .product()
    }

    /// Labels of a package, one per issue.
    pub fn labels(&self, package: &[u32]) -> Vec<String> {
        self.issues
            .iter()
            .zip(package)
            .map(|(issue, &v)| issue.label(v as usize))
            .collect()
    }
}
