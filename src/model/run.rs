//! One run: draw the environment, negotiate each track, assemble the result.
//!
//! [`Model`] holds what does not change between runs of a scenario (the
//! tracks' package spaces and how their issues split for frontier building,
//! the concession schedules); a run builds, for its drawn threat, the
//! two-party frontiers the offers are chosen from (see `offers`), hands them
//! to the protocol, and measures the outcome against theory.

use super::agent::{Agent, Role};
use super::environment::EnvironmentDraw;
use super::frontier::FrontierPoint;
use super::issue::{Package, Subspace};
use super::offers::{self, Layout, OfferBuffers};
use super::outcome::{OfferRecord, Outcome, Response, RunResult, TrackName, TrackResult};
use super::protocol;
use super::scenario::{Linkage, ProtocolKind, Scenario};
use super::strategy::{Schedule, concession_schedule};
use crate::theory::Point;
use crate::theory::ties;

/// A scenario prepared for many runs.
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) scenario: Scenario,
    /// The package track: one, or one per START value when START is separate.
    pub(crate) main: Vec<TrackSpec>,
    /// The START issue and its own track, when negotiated separately.
    pub(crate) start: Option<(usize, TrackSpec)>,
    /// Proposer's and opponent's concession schedules.
    pub(crate) schedules: [Schedule; 2],
    pub(crate) proposer: usize,
    pub(crate) opponent: usize,
    pub(crate) hosts: Vec<usize>,
    /// Whether the world stands still (see `Scenario::is_static`).
    still: bool,
}

/// A negotiation track: the packages it ranges over and its breakdown outcome.
#[derive(Debug, Clone)]
pub(crate) struct TrackSpec {
    pub(crate) name: TrackName,
    pub(crate) space: Subspace,
    pub(crate) layout: Layout,
    pub(crate) status_quo: Package,
    /// The proposer's unilateral package, if breakdown may lead to one.
    pub(crate) unilateral: Option<Package>,
}

/// The two-party outcome space of a scenario in one environment.
#[derive(Debug, Clone)]
pub struct OutcomeSpace {
    /// Pareto frontier of host-accepted packages: proposer utility falling.
    pub frontier: Vec<Point>,
    pub breakdown: (Outcome, Package),
    /// Proposer's and opponent's utility of the breakdown outcome.
    pub disagreement: [f64; 2],
    /// Proposer's and opponent's effective floors: the larger of the
    /// reservation utility and the breakdown utility, the least each
    /// accepts in the protocol.
    pub floors: [f64; 2],
    /// The package space the frontier's package numbers refer to.
    pub space: Subspace,
}

/// Reusable per-thread buffers, so a run allocates almost nothing.
#[derive(Debug, Default)]
pub struct Scratch {
    pub(super) offers: OfferBuffers,
    /// The main track's frontier in utilities.
    pub(super) points: Vec<Point>,
    /// A package decoded from its number (moving worlds).
    pub(super) package: Vec<u32>,
    /// The proposer's and the opponent's frontiers of what they believe
    /// (incomplete information).
    pub(super) beliefs: [OfferBuffers; 2],
    /// A moving main track's first proposer frontier, when it was built in
    /// the opening world (the efficiency columns need just that frontier).
    pub(super) opening: Option<Vec<FrontierPoint>>,
}

impl Model {
    /// Prepares a validated scenario.
    pub fn new(scenario: Scenario) -> Model {
        // Events may change hosts' effects: the tracks' layouts must cover
        // every version of the agents a run can meet.
        let versions = agent_versions(&scenario);
        let versions: Vec<&[Agent]> = versions.iter().map(Vec::as_slice).collect();
        let track = |scenario: &Scenario, name, space, status_quo, unilateral| {
            track(scenario, &versions, name, space, status_quo, unilateral)
        };
        let proposer = scenario.proposer();
        let opponent = scenario.opponent();
        let hosts: Vec<usize> = (0..scenario.agents.len())
            .filter(|&i| matches!(scenario.agents[i].role, Role::Host { .. }))
            .collect();
        let protocol = &scenario.protocol;
        let (main, start) = match (protocol.start_linkage, protocol.start_issue) {
            (Linkage::Separate, Some(start)) => {
                // START is settled on its own track (the other issues at the
                // status quo); the package is then negotiated knowing START's
                // result, so one main track per START value.
                let values = scenario.issues[start].value_count() as u32;
                let main = (0..values)
                    .map(|value| {
                        let mut allowed = Subspace::full(&scenario.issues).allowed().to_vec();
                        allowed[start] = vec![value];
                        let mut status_quo = protocol.status_quo.clone();
                        let mut unilateral = protocol.unilateral.clone();
                        status_quo[start] = value;
                        if let Some(u) = unilateral.as_mut() {
                            u[start] = value;
                        }
                        track(
                            &scenario,
                            TrackName::Main,
                            Subspace::new(allowed),
                            status_quo,
                            unilateral,
                        )
                    })
                    .collect();
                let mut allowed: Vec<Vec<u32>> =
                    protocol.status_quo.iter().map(|&v| vec![v]).collect();
                allowed[start] = (0..values).collect();
                let start_track = track(
                    &scenario,
                    TrackName::Start,
                    Subspace::new(allowed),
                    protocol.status_quo.clone(),
                    None,
                );
                (main, Some((start, start_track)))
            }
            _ => (
                vec![track(
                    &scenario,
                    TrackName::Main,
                    Subspace::full(&scenario.issues),
                    protocol.status_quo.clone(),
                    protocol.unilateral.clone(),
                )],
                None,
            ),
        };
        let deadline = scenario.protocol.deadline_rounds;
        let schedules = [proposer, opponent]
            .map(|i| concession_schedule(&scenario.agents[i].strategy, deadline));
        Model {
            still: scenario.is_static(),
            scenario,
            main,
            start,
            schedules,
            proposer,
            opponent,
            hosts,
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Runs one negotiation with the environment drawn from `seed`.
    pub fn simulate(
        &self,
        seed: u64,
        scratch: &mut Scratch,
        trace: Option<&mut Vec<OfferRecord>>,
    ) -> RunResult {
        let draw = self
            .scenario
            .environment
            .draw(seed, self.scenario.protocol.deadline_rounds);
        if self.still {
            return self.simulate_in(&draw, scratch, trace);
        }
        let world = self.world_draw(seed);
        self.simulate_moving(&draw, &world, scratch, trace)
    }

    /// Runs one negotiation in a given environment (for a moving world, with
    /// the world's own draws from seed 0).
    pub fn simulate_in(
        &self,
        draw: &EnvironmentDraw,
        scratch: &mut Scratch,
        mut trace: Option<&mut Vec<OfferRecord>>,
    ) -> RunResult {
        if !self.still {
            return self.simulate_moving(draw, &self.world_draw(0), scratch, trace);
        }
        let (main, start) = match &self.start {
            Some((issue, spec)) => {
                let start = self.negotiate(spec, draw, scratch, trace.as_deref_mut());
                let value = start.package[*issue] as usize;
                let main = self.negotiate(&self.main[value], draw, scratch, trace);
                (main, Some(start))
            }
            None => (self.negotiate(&self.main[0], draw, scratch, trace), None),
        };
        let has_start = self.scenario.protocol.start_issue.is_some();
        let (start_outcome, start_rounds) = match &start {
            Some(track) => (Some(track.outcome), Some(track.rounds)),
            None if has_start => (Some(main.outcome), Some(main.rounds)),
            None => (None, None),
        };
        let efficiency = self.efficiency(&main, draw, scratch);
        let package = main.package;
        let leverage = draw.leverage_at(main.rounds);
        let utilities = self
            .scenario
            .agents
            .iter()
            .map(|a| a.utility_of_outcome(&package, main.outcome, draw.threat, leverage))
            .collect();
        let played = &draw.oil_prices[..(main.rounds as usize).clamp(1, draw.oil_prices.len())];
        RunResult {
            outcome: main.outcome,
            rounds: main.rounds,
            package,
            utilities,
            start_outcome,
            start_rounds,
            threat: draw.threat,
            oil_price_final: draw.price_at(main.rounds),
            oil_price_mean: played.iter().sum::<f64>() / played.len() as f64,
            leverage_final: leverage,
            efficiency,
            world: None,
        }
    }

    /// The proposer–opponent frontier of the whole package space (START
    /// included, whatever the linkage) in utilities, host-accepted packages
    /// only, with the breakdown outcome and the disagreement point, in the
    /// environment of `draw` at its opening round.
    pub fn outcome_space(&self, draw: &EnvironmentDraw) -> OutcomeSpace {
        let scenario = &self.scenario;
        let spec = track(
            scenario,
            &[&scenario.agents],
            TrackName::Main,
            Subspace::full(&scenario.issues),
            scenario.protocol.status_quo.clone(),
            scenario.protocol.unilateral.clone(),
        );
        let opening = draw.leverage_at(1);
        let mut scratch = Scratch::default();
        self.build_offers(&spec, draw, &mut scratch.offers);
        let breakdown = match &spec.unilateral {
            Some(u) if self.hosts_consent(u, draw.threat, opening) => {
                (Outcome::Unilateral, u.clone())
            }
            _ => (Outcome::StatusQuo, spec.status_quo.clone()),
        };
        let disagreement = self.frontier_points(&breakdown, draw, &mut scratch);
        OutcomeSpace {
            frontier: scratch.points,
            breakdown,
            disagreement,
            floors: self.floors(disagreement, opening),
            space: spec.space,
        }
    }

    /// Whether every host accepts a package at oil leverage `leverage` (hosts
    /// whose soil it does not touch have no say).
    pub fn hosts_accept(&self, package: &[u32], threat: f64, leverage: f64) -> bool {
        let status_quo = &self.scenario.protocol.status_quo;
        self.hosts.iter().all(|&h| {
            let host = &self.scenario.agents[h];
            !touches_soil(host, package, status_quo)
                || ties::at_least(
                    host.utility_of(package, threat, leverage),
                    host.reservation_at(leverage),
                )
        })
    }

    /// The opening world's frontiers of a track (for efficiency).
    pub(crate) fn rebuild_opening(
        &self,
        spec: &TrackSpec,
        draw: &EnvironmentDraw,
        buffers: &mut OfferBuffers,
    ) {
        self.build_offers(spec, draw, buffers);
    }

    /// Whether the hosts consent to deploying `package` at the opening.
    pub(crate) fn consent_at_opening(&self, package: &[u32], threat: f64, leverage: f64) -> bool {
        self.hosts_consent(package, threat, leverage)
    }

    /// Builds a track's offer frontiers for a run's threat. Hosts state their
    /// terms at the outset: a package that deploys on a host's soil and leaves
    /// the host below its reservation (at the opening oil leverage) is vetoed.
    fn build_offers(&self, spec: &TrackSpec, draw: &EnvironmentDraw, buffers: &mut OfferBuffers) {
        let agents = &self.scenario.agents;
        offers::build(
            &spec.layout,
            &spec.space,
            &agents[self.proposer],
            &agents[self.opponent],
            &offers::HostTerms {
                agents,
                hosts: &self.hosts,
                status_quo: &self.scenario.protocol.status_quo,
                leverage: draw.leverage_at(1),
                withdrawn: &[],
            },
            draw.threat,
            buffers,
        );
    }

    fn negotiate(
        &self,
        spec: &TrackSpec,
        draw: &EnvironmentDraw,
        scratch: &mut Scratch,
        trace: Option<&mut Vec<OfferRecord>>,
    ) -> TrackResult {
        let agents = &self.scenario.agents;
        let threat = draw.threat;
        let opening = draw.leverage_at(1);
        self.build_offers(spec, draw, &mut scratch.offers);

        let breakdown = match &spec.unilateral {
            Some(unilateral) if self.hosts_consent(unilateral, threat, opening) => {
                (Outcome::Unilateral, unilateral.clone())
            }
            _ => (Outcome::StatusQuo, spec.status_quo.clone()),
        };
        let whole_deal = spec.name == TrackName::Main;
        // Breakdown effects describe the whole deal (see `Context::floor`).
        let how = if whole_deal {
            breakdown.0
        } else {
            Outcome::Agreement
        };
        let (proposer, opponent) = (&agents[self.proposer], &agents[self.opponent]);
        let context = protocol::Context {
            scenario: &self.scenario,
            proposer: self.proposer,
            opponent: self.opponent,
            track: spec.name,
            space: &spec.space,
            draw,
            proposer_frontier: &scratch.offers.proposer_frontier,
            opponent_frontier: &scratch.offers.opponent_frontier,
            breakdown_values: [proposer, opponent].map(|a| a.package_value(&breakdown.1, threat)),
            breakdown_shifts: [proposer, opponent].map(|a| a.outcome_shift(how)),
            breakdown,
            whole_deal,
            schedules: [&self.schedules[0], &self.schedules[1]],
        };
        match self.scenario.protocol.kind {
            ProtocolKind::Alternating => protocol::alternating::negotiate(&context, trace),
            ProtocolKind::Zeuthen => protocol::zeuthen::negotiate(&context, trace),
        }
    }

    /// Whether every host whose soil `package` deploys on accepts it.
    fn hosts_consent(&self, package: &[u32], threat: f64, leverage: f64) -> bool {
        let status_quo = &self.scenario.protocol.status_quo;
        self.hosts.iter().all(|&h| {
            let host = &self.scenario.agents[h];
            !touches_soil(host, package, status_quo)
                || ties::at_least(
                    host.utility_of_outcome(package, Outcome::Unilateral, threat, leverage),
                    host.reservation_at(leverage),
                )
        })
    }
}

/// The agents as the scenario gives them, after each event alone, and after
/// every event in turn: the versions a track's layout must cover.
fn agent_versions(scenario: &Scenario) -> Vec<Vec<Agent>> {
    let mut versions = vec![scenario.agents.clone()];
    if scenario.world.events.is_empty() {
        return versions;
    }
    let mut all = scenario.agents.clone();
    for event in &scenario.world.events {
        let mut one = scenario.agents.clone();
        for m in &event.mutations {
            if let crate::model::world::Mutation::Agent(j, change) = m {
                change.apply(&mut one[*j]);
                change.apply(&mut all[*j]);
            }
        }
        versions.push(one);
    }
    versions.push(all);
    versions
}

/// Whether a package deploys on a host's soil: some soil issue differs from the status quo.
fn touches_soil(host: &Agent, package: &[u32], status_quo: &[u32]) -> bool {
    match &host.role {
        Role::Host { soil } => soil.iter().any(|&i| package[i] != status_quo[i]),
        _ => false,
    }
}

fn track(
    _scenario: &Scenario,
    versions: &[&[Agent]],
    name: TrackName,
    space: Subspace,
    status_quo: Package,
    unilateral: Option<Package>,
) -> TrackSpec {
    TrackSpec {
        name,
        layout: Layout::covering(&space, versions),
        space,
        status_quo,
        unilateral,
    }
}

/// Appends an offer to the trace with every agent's utility of it at oil
/// leverage `leverage` (the leverage the decision was taken at).
pub(crate) fn record(
    context: &protocol::Context<'_>,
    trace: &mut Option<&mut Vec<OfferRecord>>,
    (round, leverage): (u32, f64),
    offerer: usize,
    index: u32,
    response: Response,
) {
    if let Some(trace) = trace {
        let package = context.space.package(index as usize);
        let utilities = context
            .scenario
            .agents
            .iter()
            .map(|a| a.utility_of(&package, context.draw.threat, leverage))
            .collect();
        trace.push(OfferRecord {
            track: context.track,
            round,
            offerer: Some(offerer),
            package,
            utilities,
            response,
            note: None,
            belief: None,
        });
    }
}
