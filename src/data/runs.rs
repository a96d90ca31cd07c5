//! `runs.csv`: one row per run, and `rounds.csv`: one row per offer.

use super::row::push_row;
use crate::engine::RunRecord;
use crate::model::Scenario;

/// Columns of `runs.csv` after any prefix columns, in order.
pub fn run_columns(scenario: &Scenario) -> Vec<String> {
    let mut columns: Vec<String> = ["run_id", "seed", "status", "outcome", "rounds"]
        .map(String::from)
        .to_vec();
    columns.extend(scenario.issues.iter().map(|i| i.name.clone()));
    columns.extend(
        scenario
            .agents
            .iter()
            .map(|a| format!("utility_{}", a.name)),
    );
    columns.extend(
        [
            "start_outcome",
            "start_rounds",
            "threat",
            "oil_price_final",
            "oil_price_mean",
            "leverage_final",
            "frontier_distance",
            "nash_share",
            "spe_distance",
            "message",
        ]
        .map(String::from),
    );
    columns
}

/// Columns of a sweep's `runs.csv`.
pub fn sweep_run_columns(base: &Scenario, parameters: &[String]) -> Vec<String> {
    let run = run_columns(base);
    ["point_id", "replicate"]
        .iter()
        .map(|s| s.to_string())
        .chain(run[..2].iter().cloned())
        .chain(parameters.iter().cloned())
        .chain(run[2..].iter().cloned())
        .collect()
}

/// Columns of `rounds.csv`.
pub fn trace_columns(scenario: &Scenario) -> Vec<String> {
    let mut columns: Vec<String> = ["run_id", "track", "round", "offerer"]
        .map(String::from)
        .to_vec();
    columns.extend(scenario.issues.iter().map(|i| i.name.clone()));
    columns.extend(
        scenario
            .agents
            .iter()
            .map(|a| format!("utility_{}", a.name)),
    );
    columns.push("response".to_string());
    columns
}

/// Appends the run columns of one record to `row`.
pub fn run_fields(scenario: &Scenario, record: &RunRecord, row: &mut Vec<String>) {
    row.push(record.index.to_string());
    row.push(record.seed.to_string());
    match &record.result {
        Ok(r) => {
            row.push("ok".into());
            row.push(r.outcome.name().into());
            row.push(r.rounds.to_string());
            row.extend(scenario.labels(&r.package));
            row.extend(r.utilities.iter().map(f64::to_string));
            row.push(r.start_outcome.map_or("", |o| o.name()).into());
            row.push(r.start_rounds.map_or(String::new(), |n| n.to_string()));
            for x in [
                r.threat,
                r.oil_price_final,
                r.oil_price_mean,
                r.leverage_final,
            ] {
                row.push(x.to_string());
            }
            let e = &r.efficiency;
            row.push(e.frontier_distance.to_string());
            row.push(e.nash_share.map_or(String::new(), |x| x.to_string()));
            row.push(e.spe_distance.to_string());
            row.push(String::new());
        }
        Err(message) => {
            row.push("failed".into());
            let blanks = 2 + scenario.issues.len() + scenario.agents.len() + 9;
            row.extend(std::iter::repeat_n(String::new(), blanks));
            row.push(message.replace(['\n', '\r'], " "));
        }
    }
}

/// Appends one record's offers as `rounds.csv` rows to `out`.
pub fn push_trace(scenario: &Scenario, record: &RunRecord, out: &mut Vec<u8>) {
    let mut row = Vec::new();
    for offer in &record.trace {
        row.clear();
        row.push(record.index.to_string());
        row.push(offer.track.name().to_string());
        row.push(offer.round.to_string());
        row.push(scenario.agents[offer.offerer].name.clone());
        row.extend(scenario.labels(&offer.package));
        row.extend(offer.utilities.iter().map(f64::to_string));
        row.push(offer.response.name().to_string());
        push_row(out, &row);
    }
}
