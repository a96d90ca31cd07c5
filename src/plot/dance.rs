//! The negotiation dance of one run: each side's utility of every offer over
//! the rounds, the deal marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::data::Verified;
use crate::data::schema::{column, file};
use crate::error::Error;
use crate::model::{Outcome, Scenario};

use super::style::{
    Drawn, Figure, GRID, INK, PALETTE, label_style, note_style, tick_style, title_style,
};
use crate::data::table::Rows;

/// One offer: round, made by the proposer?, proposer's and opponent's utility, accepted?
pub type Offer = (u32, bool, f64, f64, bool);

#[derive(Debug, Clone)]
pub struct DanceFigure {
    pub scenario: String,
    pub proposer: String,
    pub opponent: String,
    pub run_id: String,
    pub outcome: String,
    pub offers: Vec<Offer>,
    /// Which run this is and why it was chosen.
    pub note: String,
}

impl Figure for DanceFigure {
    fn stem(&self) -> String {
        "negotiation_dance".into()
    }

    fn caption(&self) -> String {
        format!(
            "Negotiation dance of run {}: {}'s and {}'s utility of every offer by round; the accepted offer is ringed.",
            self.run_id, self.proposer, self.opponent
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let last = self.offers.iter().map(|o| o.0).max().unwrap_or(1).max(2);
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "{}: negotiation dance of run {} ({})",
                    self.scenario, self.run_id, self.outcome
                ),
                title_style(),
            )
            .margin(24)
            .margin_bottom(56)
            .x_label_area_size(80)
            .y_label_area_size(100)
            .build_cartesian_2d(0.5f64..f64::from(last) + 0.5, 0f64..1f64)?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_desc("round")
            .y_desc("utility of the offer (0 to 1)")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .x_labels(last.min(20) as usize)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_labels(11)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .draw()?;
        let (blue, red) = (PALETTE[0], PALETTE[1]);
        let lines: [(bool, bool, RGBColor, String); 4] = [
            (
                true,
                true,
                blue,
                format!("offers by {}: utility to {}", self.proposer, self.proposer),
            ),
            (
                true,
                false,
                red,
                format!("offers by {}: utility to {}", self.proposer, self.opponent),
            ),
            (
                false,
                true,
                blue,
                format!("offers by {}: utility to {}", self.opponent, self.proposer),
            ),
            (
                false,
                false,
                red,
                format!("offers by {}: utility to {}", self.opponent, self.opponent),
            ),
        ];
        for (by_proposer, proposer_value, c, label) in lines {
            let points: Vec<(f64, f64)> = self
                .offers
                .iter()
                .filter(|o| o.1 == by_proposer)
                .map(|o| (f64::from(o.0), if proposer_value { o.2 } else { o.3 }))
                .collect();
            if by_proposer {
                chart
                    .draw_series(LineSeries::new(points.clone(), c.stroke_width(3)))?
                    .label(label)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3))
                    });
                chart.draw_series(points.iter().map(|&p| Circle::new(p, 5, c.filled())))?;
            } else {
                chart
                    .draw_series(DashedLineSeries::new(
                        points.clone(),
                        10,
                        6,
                        c.stroke_width(3),
                    ))?
                    .label(label)
                    .legend(move |(x, y)| TriangleMarker::new((x + 12, y), 7, c.filled()));
                chart.draw_series(
                    points
                        .iter()
                        .map(|&p| TriangleMarker::new(p, 7, c.filled())),
                )?;
            }
        }
        for o in self.offers.iter().filter(|o| o.4) {
            for v in [o.2, o.3] {
                chart.draw_series(std::iter::once(Circle::new(
                    (f64::from(o.0), v),
                    14,
                    INK.stroke_width(3),
                )))?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .margin(16)
            .background_style(WHITE.mix(0.92))
            .border_style(INK)
            .label_font(tick_style())
            .draw()?;
        for (k, line) in self.note.lines().enumerate() {
            root.draw(&Text::new(
                line.to_string(),
                (30, 752 + 22 * k as i32),
                note_style(),
            ))?;
        }
        Ok(())
    }
}

/// A traced run as runs.csv records it.
struct Traced {
    id: u64,
    outcome: String,
    rounds: u64,
    seed: String,
    /// Design point of a sweep's run (a run directory's runs have none).
    point: Option<String>,
}

/// The dance of a representative traced run: among traced runs that ended in
/// agreement, the one with the median number of rounds (else the first traced run).
///
/// rounds.csv is read twice and runs.csv once, as streams: memory grows with
/// the traced runs (one per design point in a sweep) and the chosen run's
/// offers, not with the runs or offers of the study.
pub(super) fn dance_figure(
    dir: &Verified,
    scenario: &Scenario,
) -> Result<Option<DanceFigure>, Error> {
    let (p, o) = (scenario.proposer(), scenario.opponent());
    let (proposer, opponent) = (&scenario.agents[p].name, &scenario.agents[o].name);
    let mut ids: Vec<u64> = Vec::new();
    let mut trace = Rows::open(dir, file::ROUNDS)?;
    let [run_id, track] = trace
        .columns(&[column::RUN_ID, column::TRACK])?
        .try_into()
        .expect("two columns asked for");
    while let Some(record) = trace.next_record()? {
        if record.get(track) != Some("main") {
            continue;
        }
        if let Some(id) = record.get(run_id).and_then(|v| v.parse().ok())
            && ids.last() != Some(&id)
        {
            ids.push(id);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(None);
    }
    let mut runs = Rows::open(dir, file::RUNS)?;
    let [id_column, outcome, rounds, seed] = runs
        .columns(&[
            column::RUN_ID,
            column::OUTCOME,
            column::ROUNDS,
            column::SEED,
        ])?
        .try_into()
        .expect("four columns asked for");
    let point = runs.column(column::POINT_ID);
    let mut traced: Vec<Traced> = Vec::new();
    while let Some(record) = runs.next_record()? {
        let Some(id) = record.get(id_column).and_then(|v| v.parse().ok()) else {
            continue;
        };
        if ids.binary_search(&id).is_ok() {
            let text = |c: usize| record.get(c).unwrap_or("").to_string();
            traced.push(Traced {
                id,
                outcome: text(outcome),
                rounds: record.get(rounds).and_then(|v| v.parse().ok()).unwrap_or(0),
                seed: text(seed),
                point: point.map(text),
            });
        }
    }
    let mut agreed: Vec<(u64, u64)> = traced
        .iter()
        .filter(|t| t.outcome == Outcome::Agreement.name())
        .map(|t| (t.rounds, t.id))
        .collect();
    agreed.sort_unstable();
    let (chosen, why) = match agreed.get(agreed.len().saturating_sub(1) / 2) {
        Some(&(_, id)) => (
            id,
            format!(
                "the traced run ending in agreement with the median number of rounds ({} traced runs, {} agreements)",
                ids.len(),
                agreed.len()
            ),
        ),
        None => (
            ids[0],
            format!(
                "the first traced run (no traced run ended in agreement; {} traced)",
                ids.len()
            ),
        ),
    };
    let run = traced.iter().find(|t| t.id == chosen);
    let outcome = run.map_or("unknown".into(), |t| t.outcome.replace('_', " "));
    let seed = run.map_or(String::new(), |t| t.seed.clone());
    let replay = match run.and_then(|t| t.point.as_ref()) {
        Some(point) => format!("--replay {seed} --point {point}"),
        None => format!("--replay {seed}"),
    };
    let config = dir.dir.join(file::CONFIG);
    let mut trace = Rows::open(dir, file::ROUNDS)?;
    let proposer_utility = column::utility(proposer);
    let opponent_utility = column::utility(opponent);
    let [run_id, track, round, offerer, first, second, response] = trace
        .columns(&[
            column::RUN_ID,
            column::TRACK,
            column::ROUND,
            column::OFFERER,
            &proposer_utility,
            &opponent_utility,
            column::RESPONSE,
        ])?
        .try_into()
        .expect("seven columns asked for");
    let id = chosen.to_string();
    let mut offers: Vec<Offer> = Vec::new();
    while let Some(r) = trace.next_record()? {
        if r.get(run_id) != Some(id.as_str()) || r.get(track) != Some("main") {
            continue;
        }
        let number = |c: usize| r.get(c).and_then(|v| v.parse::<f64>().ok());
        if let (Some(round), Some(a), Some(b)) = (
            r.get(round).and_then(|v| v.parse().ok()),
            number(first),
            number(second),
        ) {
            offers.push((
                round,
                r.get(offerer) == Some(proposer.as_str()),
                a,
                b,
                r.get(response) == Some("accept"),
            ));
        }
    }
    Ok(Some(DanceFigure {
        scenario: scenario.name.clone(),
        proposer: proposer.clone(),
        opponent: opponent.clone(),
        run_id: id.clone(),
        outcome,
        offers,
        note: format!(
            "Run {id}: {why}.\nRerun it with: detente run {} {replay} --trace",
            config.display()
        ),
    }))
}
