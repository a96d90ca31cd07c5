//! `runs.csv`: one row per run, and `rounds.csv`: one row per offer.

use super::row::push_row;
use super::schema;
use crate::engine::RunRecord;
use crate::model::{Scenario, WorldReport};

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
            match &r.world {
                Some(world) => world_fields(scenario, world, row),
                // A point or protocol at which nothing moves (Zeuthen's, or
                // every mechanism switched off) in a config that declares
                // moving parts: the columns stay, empty.
                None => row.extend(std::iter::repeat_n(
                    String::new(),
                    schema::world_columns(scenario).len(),
                )),
            }
            row.push(String::new());
        }
        Err(message) => {
            row.push("failed".into());
            // Every column but run_id, seed, status and message.
            let blanks = schema::run_columns(scenario).len() - 4;
            row.extend(std::iter::repeat_n(String::new(), blanks));
            row.push(message.replace(['\n', '\r'], " "));
        }
    }
}

/// The columns of what moved during a run (see `schema::world_columns`).
fn world_fields(scenario: &Scenario, world: &WorldReport, row: &mut Vec<String>) {
    let round = |r: Option<u32>| r.map_or(String::new(), |r| r.to_string());
    if scenario.world.declared {
        row.push(world.threat_final.to_string());
        row.push(world.ended_by.map_or("", |e| e.name()).into());
        if scenario.world.declares_escalation {
            row.push(round(world.escalated));
        }
        row.extend(world.withdrew.iter().map(|&r| round(r)));
        row.extend(world.fired.iter().map(|&r| round(r)));
    }
    row.extend(world.types.iter().map(f64::to_string));
}

/// Appends one record's offers as `rounds.csv` rows to `out`.
pub fn push_trace(scenario: &Scenario, record: &RunRecord, out: &mut Vec<u8>) {
    let mut row = Vec::new();
    for offer in &record.trace {
        row.clear();
        row.push(record.index.to_string());
        row.push(offer.track.name().to_string());
        row.push(offer.round.to_string());
        row.push(
            offer
                .offerer
                .map_or(String::new(), |a| scenario.agents[a].name.clone()),
        );
        if offer.package.is_empty() {
            row.extend(std::iter::repeat_n(String::new(), scenario.issues.len()));
        } else {
            row.extend(scenario.labels(&offer.package));
        }
        if offer.utilities.is_empty() {
            row.extend(std::iter::repeat_n(String::new(), scenario.agents.len()));
        } else {
            row.extend(offer.utilities.iter().map(f64::to_string));
        }
        row.push(offer.response.name().to_string());
        if scenario.world.declared {
            row.push(offer.note.clone().unwrap_or_default());
        }
        if scenario.information.declared() {
            row.push(offer.belief.map_or(String::new(), |b| b.to_string()));
        }
        push_row(out, &row);
    }
}
