//! The datasets' names, each said once: the files a study directory holds and
//! the columns of its CSV files. Writers take their headers from here, readers
//! their column names, and config validation asks [`find_clash`] whether an
//! issue, agent or parameter name would give a file two columns of one name.

use crate::data::row::slug;
use crate::model::{IssueKind, Scenario};

/// Files of a run or study directory.
pub mod file {
    pub const RUNS: &str = "runs.csv";
    pub const ROUNDS: &str = "rounds.csv";
    pub const SUMMARY: &str = "summary.csv";
    pub const DESIGN: &str = "design.csv";
    pub const SENSITIVITY: &str = "sensitivity.csv";
    pub const MANIFEST: &str = "manifest.json";
    pub const CONFIG: &str = "config.toml";
    pub const TRAJECTORY: &str = "trajectory.csv";
    pub const BOXES: &str = "boxes.csv";
    pub const PARTICLES: &str = "particles.csv";
    pub const GENERATIONS: &str = "generations.csv";
    pub const POSTERIOR: &str = "posterior.csv";
    pub const PREDICTIVE: &str = "predictive.csv";
    pub const CANDIDATES: &str = "candidates.csv";
    pub const MATCHES: &str = "matches.csv";
    pub const RANKING: &str = "ranking.csv";
}

/// Fixed column names (columns named after issues, agents or parameters are
/// built by the functions below).
pub mod column {
    pub const POINT_ID: &str = "point_id";
    pub const REPLICATE: &str = "replicate";
    pub const RUN_ID: &str = "run_id";
    pub const SEED: &str = "seed";
    pub const STATUS: &str = "status";
    pub const OUTCOME: &str = "outcome";
    pub const ROUNDS: &str = "rounds";
    pub const START_OUTCOME: &str = "start_outcome";
    pub const START_ROUNDS: &str = "start_rounds";
    pub const THREAT: &str = "threat";
    pub const OIL_PRICE_FINAL: &str = "oil_price_final";
    pub const OIL_PRICE_MEAN: &str = "oil_price_mean";
    pub const LEVERAGE_FINAL: &str = "leverage_final";
    pub const FRONTIER_DISTANCE: &str = "frontier_distance";
    pub const NASH_SHARE: &str = "nash_share";
    pub const SPE_DISTANCE: &str = "spe_distance";
    pub const MESSAGE: &str = "message";
    pub const TRACK: &str = "track";
    pub const ROUND: &str = "round";
    pub const OFFERER: &str = "offerer";
    pub const RESPONSE: &str = "response";
    pub const RUNS: &str = "runs";
    pub const FAILED_RUNS: &str = "failed_runs";
    pub const AGREEMENT_RATE: &str = "agreement_rate";
    pub const AGREEMENT_CI_LOW: &str = "agreement_ci_low";
    pub const AGREEMENT_CI_HIGH: &str = "agreement_ci_high";
    pub const SHARE_UNILATERAL: &str = "share_unilateral";
    pub const SHARE_STATUS_QUO: &str = "share_status_quo";
    pub const MEAN_ROUNDS: &str = "mean_rounds";
    pub const START_RENEWAL_RATE: &str = "start_renewal_rate";
    pub const THREAT_FINAL: &str = "threat_final";
    pub const ENDED_BY: &str = "ended_by";
    pub const ESCALATED_ROUND: &str = "escalated_round";
    pub const NOTE: &str = "note";
    pub const BELIEF: &str = "belief";

    /// The round a host withdrew its consent, in `runs.csv` of a moving world.
    pub fn withdrew(host: &str) -> String {
        format!("withdrew_{host}")
    }

    /// The round an event fired, in `runs.csv` of a scenario with events.
    /// The drawn value of a private field (`agents.<agent>.<field>`).
    pub fn private_type(agent: &str, field: &str) -> String {
        format!("type_{agent}_{}", field.replace('.', "_"))
    }

    pub fn event(name: &str) -> String {
        format!("event_{name}")
    }

    /// An agent's utility in `runs.csv` and `rounds.csv`.
    pub fn utility(agent: &str) -> String {
        format!("utility_{agent}")
    }

    /// An agent's mean utility over a point's runs in `summary.csv`.
    pub fn mean_utility(agent: &str) -> String {
        format!("mean_utility_{agent}")
    }

    /// The standard deviation beside it.
    pub fn sd_utility(agent: &str) -> String {
        format!("sd_utility_{agent}")
    }
}

/// Where a column's name comes from, for errors that say what to rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A name detente gives every dataset.
    Fixed,
    /// Built from the name of `scenario.issues[i]`.
    Issue(usize),
    /// Built from the name of `scenario.agents[i]`.
    Agent(usize),
    /// The name of sweep parameter `i`.
    Parameter(usize),
    /// Built from the name of `scenario.world.events[i]`.
    Event(usize),
}

/// A column and where its name comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub origin: Origin,
}

fn fixed<'a>(names: impl IntoIterator<Item = &'a str>) -> impl Iterator<Item = Column> {
    names.into_iter().map(|n| Column {
        name: n.to_string(),
        origin: Origin::Fixed,
    })
}

fn issues(scenario: &Scenario) -> impl Iterator<Item = Column> + '_ {
    scenario.issues.iter().enumerate().map(|(i, issue)| Column {
        name: issue.name.clone(),
        origin: Origin::Issue(i),
    })
}

fn utilities(scenario: &Scenario) -> impl Iterator<Item = Column> + '_ {
    scenario.agents.iter().enumerate().map(|(i, a)| Column {
        name: column::utility(&a.name),
        origin: Origin::Agent(i),
    })
}

fn parameters(names: &[String]) -> impl Iterator<Item = Column> + '_ {
    names.iter().enumerate().map(|(i, n)| Column {
        name: n.clone(),
        origin: Origin::Parameter(i),
    })
}

/// Columns of a single run's `runs.csv`.
pub fn run_columns(scenario: &Scenario) -> Vec<Column> {
    sweep_run_columns(scenario, &[])[2..].to_vec()
}

/// Columns of a sweep's `runs.csv`: the point and replicate, the run, the
/// point's parameter values, then the run's results.
pub fn sweep_run_columns(scenario: &Scenario, names: &[String]) -> Vec<Column> {
    use column::*;
    fixed([POINT_ID, REPLICATE, RUN_ID, SEED])
        .chain(parameters(names))
        .chain(fixed([STATUS, OUTCOME, ROUNDS]))
        .chain(issues(scenario))
        .chain(utilities(scenario))
        .chain(fixed([
            START_OUTCOME,
            START_ROUNDS,
            THREAT,
            OIL_PRICE_FINAL,
            OIL_PRICE_MEAN,
            LEVERAGE_FINAL,
            FRONTIER_DISTANCE,
            NASH_SHARE,
            SPE_DISTANCE,
        ]))
        .chain(world_columns(scenario))
        .chain(fixed([MESSAGE]))
        .collect()
}

/// The columns of what moved during a run, for a scenario that declares a
/// moving part (none otherwise, so old scenarios keep their columns): the threat in
/// the concluding round, how a breakdown came about, the round the opponent
/// escalated (when it can), the round each host withdrew its consent, and
/// the round each event fired.
pub fn world_columns(scenario: &Scenario) -> Vec<Column> {
    use column::*;
    let mut columns: Vec<Column> = Vec::new();
    if scenario.world.declared {
        columns.extend(fixed([THREAT_FINAL, ENDED_BY]));
        if scenario.world.declares_escalation {
            columns.extend(fixed([ESCALATED_ROUND]));
        }
        for (i, a) in scenario.agents.iter().enumerate() {
            if matches!(a.role, crate::model::Role::Host { .. }) {
                columns.push(Column {
                    name: withdrew(&a.name),
                    origin: Origin::Agent(i),
                });
            }
        }
        for (i, e) in scenario.world.events.iter().enumerate() {
            columns.push(Column {
                name: event(&e.name),
                origin: Origin::Event(i),
            });
        }
    }
    for t in &scenario.information.types {
        columns.push(Column {
            name: private_type(&scenario.agents[t.agent].name, &t.field.path()),
            origin: Origin::Agent(t.agent),
        });
    }
    columns
}

/// Columns of `rounds.csv`: one row per offer.
pub fn trace_columns(scenario: &Scenario) -> Vec<Column> {
    use column::*;
    let note = scenario.world.declared.then_some(NOTE);
    let belief = scenario.information.declared().then_some(BELIEF);
    fixed([RUN_ID, TRACK, ROUND, OFFERER])
        .chain(issues(scenario))
        .chain(utilities(scenario))
        .chain(fixed([RESPONSE]))
        .chain(fixed(note))
        .chain(fixed(belief))
        .collect()
}

/// Columns of `summary.csv`: the point, its parameter values, then the
/// statistics of its runs.
pub fn summary_columns(scenario: &Scenario, names: &[String]) -> Vec<Column> {
    use column::*;
    let mut columns: Vec<Column> = fixed([POINT_ID]).chain(parameters(names)).collect();
    columns.extend(fixed([
        RUNS,
        FAILED_RUNS,
        AGREEMENT_RATE,
        AGREEMENT_CI_LOW,
        AGREEMENT_CI_HIGH,
        SHARE_UNILATERAL,
        SHARE_STATUS_QUO,
        MEAN_ROUNDS,
    ]));
    for (i, a) in scenario.agents.iter().enumerate() {
        for name in [mean_utility(&a.name), sd_utility(&a.name)] {
            columns.push(Column {
                name,
                origin: Origin::Agent(i),
            });
        }
    }
    for (i, issue) in scenario.issues.iter().enumerate() {
        let names = match &issue.kind {
            IssueKind::Integer { .. } | IssueKind::Share { .. } => {
                vec![format!("mean_{}", issue.name)]
            }
            IssueKind::YesNo => vec![format!("share_{}_yes", issue.name)],
            IssueKind::Levels { levels } => levels
                .iter()
                .map(|l| format!("share_{}_{}", issue.name, slug(l)))
                .collect(),
        };
        columns.extend(names.into_iter().map(|name| Column {
            name,
            origin: Origin::Issue(i),
        }));
    }
    if scenario.protocol.start_issue.is_some() {
        columns.extend(fixed([START_RENEWAL_RATE]));
    }
    columns
}

/// Columns of `particles.csv`: each generation's accepted particles, with
/// their parameter values and the statistics that were compared.
pub fn particles_header(parameters: &[String], targets: &[String]) -> Vec<String> {
    ["generation", "particle", "weight"]
        .iter()
        .map(|s| s.to_string())
        .chain(parameters.iter().cloned())
        .chain(["distance".to_string()])
        .chain(targets.iter().cloned())
        .collect()
}

/// Columns of a calibration shard's `candidates.csv`: its accepted candidates.
pub fn candidates_header(parameters: &[String], targets: &[String]) -> Vec<String> {
    ["candidate".to_string()]
        .into_iter()
        .chain(parameters.iter().cloned())
        .chain(["distance".to_string()])
        .chain(targets.iter().cloned())
        .collect()
}

/// Columns of a tournament's `matches.csv`: one row per pairing and scenario.
pub const MATCHES_HEADER: [&str; 19] = [
    "scenario",
    "proposer",
    "opponent",
    "runs",
    "agreement_rate",
    "agreement_ci_low",
    "agreement_ci_high",
    "mean_utility_proposer",
    "sd_utility_proposer",
    "utility_proposer_ci_low",
    "utility_proposer_ci_high",
    "mean_utility_opponent",
    "sd_utility_opponent",
    "utility_opponent_ci_low",
    "utility_opponent_ci_high",
    "mean_rounds",
    "mean_welfare",
    "mean_frontier_distance",
    "mean_nash_share",
];

/// Columns of a tournament's `ranking.csv`: one row per entry and role.
pub const RANKING_HEADER: [&str; 9] = [
    "role",
    "rank",
    "group",
    "entry",
    "mean_utility",
    "sd_utility",
    "runs",
    "ci_low",
    "ci_high",
];

/// Columns of `generations.csv`.
pub const GENERATIONS_HEADER: [&str; 7] = [
    "generation",
    "tolerance",
    "candidates",
    "accepted",
    "acceptance_rate",
    "ess",
    "simulations",
];

/// Columns of `posterior.csv`: one row per parameter.
pub const POSTERIOR_HEADER: [&str; 7] =
    ["parameter", "prior", "mean", "sd", "q2_5", "q50", "q97_5"];

/// Columns of `predictive.csv`: fresh simulations at posterior draws.
pub fn predictive_header(targets: &[String]) -> Vec<String> {
    ["draw".to_string(), "particle".to_string()]
        .into_iter()
        .chain(targets.iter().cloned())
        .collect()
}

/// Columns of `sensitivity.csv`: one row per output, index and factor.
pub fn sensitivity_columns() -> Vec<Column> {
    fixed([
        "output",
        "method",
        "index",
        "estimator",
        "factor",
        "factor_2",
        "value",
        "ci_low",
        "ci_high",
        "value_half",
        "units_used",
        "units_dropped",
    ])
    .collect()
}

/// Columns of a discovery's `trajectory.csv`: one row per box of each
/// peeling trajectory, then the chosen box after pasting.
pub fn trajectory_columns() -> Vec<Column> {
    fixed([
        "box",
        "stage",
        "step",
        "chosen",
        "cases",
        "cases_of_interest",
        "coverage",
        "density",
        "mass",
        "restricted",
        "limits",
    ])
    .collect()
}

/// Columns of a discovery's `boxes.csv`: one row per box and restricted input.
pub fn boxes_columns() -> Vec<Column> {
    fixed([
        "box",
        "input",
        "kind",
        "low",
        "high",
        "values",
        "quasi_p",
        "range_low",
        "range_high",
        "coverage",
        "density",
        "mass",
        "cases",
        "choice",
    ])
    .collect()
}

/// Columns of `design.csv`: the point and its parameter values.
pub fn design_columns(names: &[String]) -> Vec<Column> {
    fixed([column::POINT_ID]).chain(parameters(names)).collect()
}

/// The names of `columns`, in order: a CSV header.
pub fn header(columns: &[Column]) -> Vec<String> {
    columns.iter().map(|c| c.name.clone()).collect()
}

/// Two columns of one file with one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub file: &'static str,
    pub name: String,
    /// Where the name to keep comes from.
    pub first: Origin,
    /// Where the name to change comes from.
    pub second: Origin,
}

/// Of two origins of one name, which to keep and which to rename: never a
/// fixed name; a sweep parameter before a scenario's issue or agent (the
/// scenario is valid on its own); an issue before an agent (whose columns
/// only add a prefix to its name); else the later.
fn rename(earlier: Origin, later: Origin) -> (Origin, Origin) {
    match (earlier, later) {
        (keep, Origin::Fixed) => (Origin::Fixed, keep),
        (Origin::Parameter(p), other @ (Origin::Issue(_) | Origin::Agent(_))) => {
            (other, Origin::Parameter(p))
        }
        (Origin::Issue(i), Origin::Agent(a)) => (Origin::Agent(a), Origin::Issue(i)),
        pair => pair,
    }
}

/// The first column name that a file of this scenario and these sweep
/// parameters would hold twice, if any, with the origin to rename.
pub fn find_clash(scenario: &Scenario, names: &[String]) -> Option<Clash> {
    let files = [
        (file::RUNS, sweep_run_columns(scenario, names)),
        (file::ROUNDS, trace_columns(scenario)),
        (file::SUMMARY, summary_columns(scenario, names)),
        (file::DESIGN, design_columns(names)),
    ];
    files.into_iter().find_map(|(file, columns)| {
        columns.iter().enumerate().find_map(|(j, c)| {
            let earlier = columns[..j].iter().find(|e| e.name == c.name)?;
            let (first, second) = rename(earlier.origin, c.origin);
            Some(Clash {
                file,
                name: c.name.clone(),
                first,
                second,
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    fn scenario(extra: &str) -> Scenario {
        let text = std::fs::read_to_string("configs/baseline.toml").unwrap() + extra;
        config::parse(&text, "baseline.toml").unwrap().1
    }

    #[test]
    fn the_baseline_has_no_clash_and_its_headers_are_unique() {
        let s = scenario("");
        assert_eq!(find_clash(&s, &["german_pressure".into()]), None);
        let runs = header(&run_columns(&s));
        assert_eq!(runs[0], "run_id");
        assert_eq!(runs.last().unwrap(), "message");
    }

    #[test]
    fn a_parameter_named_like_a_summary_column_is_the_one_to_rename() {
        let s = scenario("");
        let clash = find_clash(&s, &["x".into(), "agreement_rate".into()]).unwrap();
        assert_eq!(clash.file, "summary.csv");
        assert_eq!(clash.name, "agreement_rate");
        assert_eq!(clash.second, Origin::Parameter(1));
    }

    #[test]
    fn a_parameter_named_after_an_issue_clashes_in_runs_csv() {
        let s = scenario("");
        let issue = s.issues[0].name.clone();
        let clash = find_clash(&s, std::slice::from_ref(&issue)).unwrap();
        assert_eq!(clash.file, "runs.csv");
        assert_eq!(clash.first, Origin::Issue(0));
        assert_eq!(clash.second, Origin::Parameter(0));
    }
}
