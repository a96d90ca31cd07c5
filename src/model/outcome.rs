//! What a run produces: the outcome, the final package, utilities, and an
//! optional trace of every offer.

use super::issue::Package;

/// How a negotiation (or one of its tracks) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Proposer and opponent agreed (and the hosts did not veto).
    Agreement,
    /// No agreement; the proposer deployed with the hosts' consent.
    Unilateral,
    /// No agreement and no deployment.
    StatusQuo,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Agreement, Outcome::Unilateral, Outcome::StatusQuo];

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Agreement => "agreement",
            Outcome::Unilateral => "unilateral",
            Outcome::StatusQuo => "status_quo",
        }
    }
}

/// The answer to one offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    Accept,
    Reject,
    /// The receiver would accept but a host vetoes the deployment terms.
    Veto,
    /// Zeuthen: the offerer concedes in the next round.
    Concede,
    /// Zeuthen: the offerer holds its offer.
    Hold,
    /// Not an offer: an event fired (its name in the record's note).
    Event,
    /// Not an offer: the opponent escalated (the action in the note).
    Escalate,
    /// Not an offer: the proposer ended the talks in the status quo.
    Abandon,
    /// Not an offer: the proposer ended the talks by deploying unilaterally.
    Deploy,
    /// Not an offer: a host withdrew its consent to deployment on its soil.
    Withdraw,
}

impl Response {
    pub fn name(self) -> &'static str {
        match self {
            Response::Accept => "accept",
            Response::Reject => "reject",
            Response::Veto => "veto",
            Response::Concede => "concede",
            Response::Hold => "hold",
            Response::Event => "event",
            Response::Escalate => "escalate",
            Response::Abandon => "abandon",
            Response::Deploy => "deploy",
            Response::Withdraw => "withdraw",
        }
    }
}

/// Which negotiation track an offer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackName {
    /// The missile-defence package (with START when linked).
    Main,
    /// START renewal on its own track.
    Start,
}

impl TrackName {
    pub fn name(self) -> &'static str {
        match self {
            TrackName::Main => "main",
            TrackName::Start => "start",
        }
    }
}

/// One offer in a trace, or something that happened in the world (an
/// event, an escalation, a host's withdrawal, the proposer leaving).
#[derive(Debug, Clone, PartialEq)]
pub struct OfferRecord {
    pub track: TrackName,
    pub round: u32,
    /// Index of the agent that made the offer or acted; `None` for an event.
    pub offerer: Option<usize>,
    /// The offered package (for a happening: the outcome it brings, or empty).
    pub package: Package,
    /// Every agent's utility of the offered package in that round (empty
    /// when there is no package).
    pub utilities: Vec<f64>,
    pub response: Response,
    /// The event's or the escalation's name, for happenings.
    pub note: Option<String>,
    /// For an offer by a negotiator without complete information: how well
    /// its belief ranks the other side's packages (Pearson correlation of
    /// believed and true values over the track's packages).
    pub belief: Option<f64>,
}

/// The result of one track of a negotiation.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackResult {
    pub outcome: Outcome,
    /// Round in which the track ended (the deadline on breakdown).
    pub rounds: u32,
    pub package: Package,
    /// What breakdown would have meant on this track.
    pub breakdown: (Outcome, Package),
}

/// The result of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    pub outcome: Outcome,
    pub rounds: u32,
    pub package: Package,
    /// Every agent's utility of the final package, in the concluding round.
    pub utilities: Vec<f64>,
    /// How the START question ended: the main outcome when linked, the START
    /// track's own outcome when separate, `None` without a START issue.
    /// Whether START was renewed is the START issue's value in `package`.
    pub start_outcome: Option<Outcome>,
    /// Round in which the START question was settled (the main track's when linked).
    pub start_rounds: Option<u32>,
    pub threat: f64,
    /// Oil price in the concluding round.
    pub oil_price_final: f64,
    /// Mean oil price over the rounds played.
    pub oil_price_mean: f64,
    /// Russia's oil leverage in the concluding round.
    pub leverage_final: f64,
    /// How the outcome compares with theory on the same space.
    pub efficiency: Efficiency,
    /// What moved during the talks; `None` for a static scenario.
    pub world: Option<Box<WorldReport>>,
}

/// What happened in a run's world (main track): the round each event fired,
/// when the opponent escalated, when each host withdrew its consent, how a
/// breakdown came about, and the threat in the concluding round.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldReport {
    /// Per event, in config order: the round it fired.
    pub fired: Vec<Option<u32>>,
    /// Round in which the opponent escalated.
    pub escalated: Option<u32>,
    /// Per host, in agent order: the first round it withdrew consent.
    pub withdrew: Vec<Option<u32>>,
    /// How a breakdown came about: the proposer's choice before the deadline,
    /// or the deadline; `None` for an agreement.
    pub ended_by: Option<EndedBy>,
    /// Perceived threat in the concluding round.
    pub threat_final: f64,
    /// The negotiators' private fields as drawn for this run, in the order
    /// the scenario declares them (empty with complete information).
    pub types: Vec<f64>,
}

/// Who ended a negotiation that broke down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    Deadline,
    Proposer,
}

impl EndedBy {
    pub fn name(self) -> &'static str {
        match self {
            EndedBy::Deadline => "deadline",
            EndedBy::Proposer => "proposer",
        }
    }
}

/// How a run's outcome compares with the game-theoretic reference points of
/// its own environment (threat and opening oil leverage), in the
/// proposer–opponent utility plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Efficiency {
    /// Distance to the Pareto frontier (0 when nothing dominates the outcome).
    pub frontier_distance: f64,
    /// The outcome's Nash product as a share of the largest; `None` when no
    /// package gives both sides more than the disagreement point.
    pub nash_share: Option<f64>,
    /// Distance to the subgame-perfect equilibrium outcome.
    pub spe_distance: f64,
}
