//! The figures of the runs themselves: the outcome mix and the issue values
//! of a `detente run`, and the utilities every agent got, split by outcome.
//! runs.csv streams past once per figure family; only counts and
//! histograms are kept.

use crate::data::Verified;
use crate::data::schema::{column, file};
use crate::data::summary::wilson;
use crate::error::Error;
use crate::model::{IssueKind, Outcome, Scenario};

use super::Draw;
use super::bars::BarsFigure;
use super::by_outcome::IssueFigure;
use super::distribution::UtilityFigure;
use super::stats::Histogram;
use super::style::OUTCOME_COLOURS;
use crate::data::table::Rows;

/// Issues with more values than this get no distribution figure.
const MAX_ISSUE_VALUES: usize = 30;

/// The outcome of a successful run, by its position in [`Outcome::ALL`].
fn outcome_of(record: &csv::StringRecord, status: usize, outcome: usize) -> Option<usize> {
    if record.get(status) != Some("ok") {
        return None;
    }
    let name = record.get(outcome)?;
    Outcome::ALL.iter().position(|o| o.name() == name)
}

pub(super) fn run_figures(
    dir: &Verified,
    scenario: &Scenario,
    draw: &mut Draw<'_>,
) -> Result<(), Error> {
    let mut rows = Rows::open(dir, file::RUNS)?;
    let [status, outcome] = [column::STATUS, column::OUTCOME].map(|c| rows.column(c));
    let (Some(status), Some(outcome)) = (status, outcome) else {
        return Ok(());
    };
    // Issues drawn: few enough values to read, and not a share of a pie.
    let issues: Vec<(usize, usize)> = scenario
        .issues
        .iter()
        .enumerate()
        .filter(|(_, issue)| {
            (2..=MAX_ISSUE_VALUES).contains(&issue.value_count())
                && !matches!(issue.kind, IssueKind::Share { .. })
        })
        .filter_map(|(k, issue)| Some((k, rows.column(&issue.name)?)))
        .collect();
    let mut outcomes = [0u64; 3];
    let mut counts: Vec<[Vec<u64>; 3]> = issues
        .iter()
        .map(|&(k, _)| std::array::from_fn(|_| vec![0; scenario.issues[k].value_count()]))
        .collect();
    while let Some(record) = rows.next_record()? {
        let Some(o) = outcome_of(record, status, outcome) else {
            continue;
        };
        outcomes[o] += 1;
        for (&(k, c), counts) in issues.iter().zip(&mut counts) {
            if let Some(v) = record.get(c).and_then(|v| scenario.issues[k].index_of(v)) {
                counts[o][v] += 1;
            }
        }
    }
    let n: u64 = outcomes.iter().sum();
    let bars = Outcome::ALL
        .iter()
        .zip(outcomes)
        .map(|(o, k)| {
            (
                o.name().replace('_', " "),
                if n == 0 { 0.0 } else { k as f64 / n as f64 },
                wilson(k, n),
            )
        })
        .collect();
    draw(&BarsFigure {
        scenario: scenario.name.clone(),
        stem: "outcome_shares".into(),
        title: "outcome of the negotiation".into(),
        caption: "Share of runs ending in agreement, unilateral deployment and the status quo, with Wilson 95 % intervals.".into(),
        x_desc: "outcome".into(),
        y_desc: "share of runs".into(),
        bars,
        colours: OUTCOME_COLOURS.to_vec(),
        note: Some(format!("{n} successful runs")),
    })?;
    for (&(k, _), counts) in issues.iter().zip(counts) {
        let issue = &scenario.issues[k];
        draw(&IssueFigure {
            scenario: scenario.name.clone(),
            issue: issue.name.clone(),
            unit: match issue.kind {
                IssueKind::Integer { .. } => "value",
                _ => "level",
            },
            labels: issue.labels(),
            counts,
        })?;
    }
    Ok(())
}

/// Agent names with their roles, for axis labels.
pub(super) fn agent_labels(scenario: &Scenario) -> Vec<String> {
    scenario
        .agents
        .iter()
        .map(|a| format!("{} ({})", a.name, a.role.name()))
        .collect()
}

pub(super) fn utility_figure(
    dir: &Verified,
    scenario: &Scenario,
    draw: &mut Draw<'_>,
) -> Result<(), Error> {
    let mut rows = Rows::open(dir, file::RUNS)?;
    let [status, outcome] = [column::STATUS, column::OUTCOME].map(|c| rows.column(c));
    let (Some(status), Some(outcome)) = (status, outcome) else {
        return Ok(());
    };
    let utilities: Vec<Option<usize>> = scenario
        .agents
        .iter()
        .map(|a| rows.column(&column::utility(&a.name)))
        .collect();
    let mut histograms: Vec<[Histogram; 3]> = vec![Default::default(); utilities.len()];
    let mut runs = [0u64; 3];
    while let Some(record) = rows.next_record()? {
        let Some(o) = outcome_of(record, status, outcome) else {
            continue;
        };
        runs[o] += 1;
        for (c, histograms) in utilities.iter().zip(&mut histograms) {
            if let Some(u) = c.and_then(|c| record.get(c)?.parse::<f64>().ok()) {
                histograms[o].add(u);
            }
        }
    }
    let agents = agent_labels(scenario)
        .into_iter()
        .zip(histograms)
        .map(|(label, h)| (label, h.each_ref().map(Histogram::boxed)))
        .filter(|(_, boxes)| boxes.iter().any(Option::is_some))
        .collect::<Vec<_>>();
    if agents.is_empty() {
        return Ok(());
    }
    draw(&UtilityFigure {
        scenario: scenario.name.clone(),
        agents,
        runs,
    })
}
