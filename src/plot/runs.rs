//! The figures of the runs themselves: outcome composition and issue values
//! of a `detente run`, and the utilities every agent got.

use crate::data::Verified;
use crate::error::Error;
use crate::model::{IssueKind, Scenario};
use crate::sweep::summary::wilson;

use super::Draw;
use super::bars::BarsFigure;
use super::distribution::{Boxed, UtilityFigure};
use super::style::{OUTCOME_COLOURS, PALETTE};
use super::table::{field, read_columns};

pub(super) fn run_figures(
    dir: &Verified,
    scenario: &Scenario,
    draw: &mut Draw<'_>,
) -> Result<(), Error> {
    let mut names = vec!["outcome".to_string()];
    names.extend(scenario.issues.iter().map(|i| i.name.clone()));
    let columns = read_columns(dir, "runs.csv", &names, |r, h| {
        field(r, h, "status") == "ok"
    })?;
    let n = columns[0].len() as u64;
    let outcomes = ["agreement", "unilateral", "status_quo"];
    let bars = outcomes
        .iter()
        .map(|o| {
            let k = columns[0].iter().filter(|v| v == o).count() as u64;
            let interval = wilson(k, n);
            (
                o.replace('_', " "),
                if n == 0 { 0.0 } else { k as f64 / n as f64 },
                interval,
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
    for (k, issue) in scenario.issues.iter().enumerate() {
        if issue.value_count() < 2 || issue.value_count() > 30 {
            continue;
        }
        if matches!(issue.kind, IssueKind::Share { .. }) {
            continue;
        }
        let values = &columns[k + 1];
        let bars = issue
            .labels()
            .into_iter()
            .map(|label| {
                let count = values.iter().filter(|v| **v == label).count();
                (
                    label,
                    if n == 0 { 0.0 } else { count as f64 / n as f64 },
                    None,
                )
            })
            .collect();
        let unit = match issue.kind {
            IssueKind::Integer { .. } => "value",
            _ => "level",
        };
        draw(&BarsFigure {
            scenario: scenario.name.clone(),
            stem: format!("{}_distribution", issue.name),
            title: format!("final {} (share of runs)", issue.name),
            caption: format!(
                "How often each {unit} of {} was the final one (agreed or imposed).",
                issue.name
            ),
            x_desc: format!("{} ({unit} in the final package)", issue.name),
            y_desc: "share of runs".into(),
            bars,
            colours: vec![PALETTE[0]],
            note: Some(format!("{n} successful runs")),
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
    let names: Vec<String> = scenario
        .agents
        .iter()
        .map(|a| format!("utility_{}", a.name))
        .collect();
    let columns = read_columns(dir, "runs.csv", &names, |r, h| {
        field(r, h, "status") == "ok"
    })?;
    let runs = columns.first().map_or(0, Vec::len);
    let agents = agent_labels(scenario)
        .into_iter()
        .zip(columns)
        .filter_map(|(label, values)| {
            Boxed::of(values.iter().filter_map(|v| v.parse().ok()).collect()).map(|b| (label, b))
        })
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
