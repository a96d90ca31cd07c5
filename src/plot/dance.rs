//! The negotiation dance of one run: each side's utility of every offer over
//! the rounds, the deal marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    Drawn, Figure, GRID, INK, PALETTE, label_style, note_style, tick_style, title_style,
};

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
