//! The negotiation dance of one run: each side's utility of every offer over
//! the rounds, the deal marked.

use std::collections::BTreeSet;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::data::Verified;
use crate::error::Error;
use crate::model::Scenario;

use super::style::{
    Drawn, Figure, GRID, INK, PALETTE, label_style, note_style, tick_style, title_style,
};
use super::table::{field, read_columns};

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

/// The dance of a representative traced run: among traced runs that ended in
/// agreement, the one with the median number of rounds (else the first traced run).
pub(super) fn dance_figure(
    dir: &Verified,
    scenario: &Scenario,
) -> Result<Option<DanceFigure>, Error> {
    let (p, o) = (scenario.proposer(), scenario.opponent());
    let (proposer, opponent) = (&scenario.agents[p].name, &scenario.agents[o].name);
    let trace = read_columns(
        dir,
        "rounds.csv",
        &[
            "run_id",
            "track",
            "round",
            "offerer",
            &format!("utility_{proposer}"),
            &format!("utility_{opponent}"),
            "response",
        ]
        .map(String::from),
        |r, h| field(r, h, "track") == "main",
    )?;
    let traced: BTreeSet<u64> = trace[0].iter().filter_map(|v| v.parse().ok()).collect();
    if traced.is_empty() {
        return Ok(None);
    }
    let runs = read_columns(
        dir,
        "runs.csv",
        &["run_id", "outcome", "rounds", "seed"].map(String::from),
        |r, h| {
            field(r, h, "run_id")
                .parse()
                .is_ok_and(|id| traced.contains(&id))
        },
    )?;
    let mut agreed: Vec<(u64, u64)> = runs[0]
        .iter()
        .zip(&runs[1])
        .zip(&runs[2])
        .filter(|((_, outcome), _)| *outcome == "agreement")
        .filter_map(|((id, _), rounds)| Some((rounds.parse().ok()?, id.parse().ok()?)))
        .collect();
    agreed.sort_unstable();
    let (chosen, why) = match agreed.get(agreed.len().saturating_sub(1) / 2) {
        Some(&(_, id)) => (
            id,
            format!(
                "the traced run ending in agreement with the median number of rounds ({} traced runs, {} agreements)",
                traced.len(),
                agreed.len()
            ),
        ),
        None => (
            *traced.iter().next().expect("not empty"),
            format!(
                "the first traced run (no traced run ended in agreement; {} traced)",
                traced.len()
            ),
        ),
    };
    let id = chosen.to_string();
    let at = runs[0].iter().position(|r| *r == id);
    let outcome = at.map_or("unknown".into(), |i| runs[1][i].replace('_', " "));
    let seed = at.map_or(String::new(), |i| runs[3][i].clone());
    let offers = (0..trace[0].len())
        .filter(|&i| trace[0][i] == id)
        .filter_map(|i| {
            Some((
                trace[2][i].parse().ok()?,
                trace[3][i] == *proposer,
                trace[4][i].parse().ok()?,
                trace[5][i].parse().ok()?,
                trace[6][i] == "accept",
            ))
        })
        .collect();
    Ok(Some(DanceFigure {
        scenario: scenario.name.clone(),
        proposer: proposer.clone(),
        opponent: opponent.clone(),
        run_id: id.clone(),
        outcome,
        offers,
        note: format!(
            "Run {id}: {why}.\nRerun it with: detente run CONFIG --replay {seed} --trace"
        ),
    }))
}
