//! An issue's final values split by how the negotiation ended: among the
//! runs ending in agreement, in unilateral deployment and in the status quo,
//! how often each value was the final one. Pooled over outcomes, "radar =
//! yes" would mostly say how often the US deployed alone.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    Drawn, Figure, GRID, INK, OUTCOME_COLOURS, category_label, label_style, note_style,
    side_legend, slug, tick_style, title_style,
};

/// Outcome names as legends print them.
pub const OUTCOME_NAMES: [&str; 3] = ["agreement", "unilateral", "status quo"];

#[derive(Debug, Clone)]
pub struct IssueFigure {
    pub scenario: String,
    pub issue: String,
    /// "value" (integers) or "level".
    pub unit: &'static str,
    /// The issue's values, in order.
    pub labels: Vec<String>,
    /// Runs per outcome and value: `counts[outcome][value]`.
    pub counts: [Vec<u64>; 3],
}

impl IssueFigure {
    /// Runs of an outcome.
    fn total(&self, outcome: usize) -> u64 {
        self.counts[outcome].iter().sum()
    }
}

impl Figure for IssueFigure {
    fn stem(&self) -> String {
        slug(&format!("{}_distribution", self.issue))
    }

    fn caption(&self) -> String {
        format!(
            "How often each {} of {} was the final one, among the runs ending in agreement, in unilateral deployment and in the status quo.",
            self.unit, self.issue
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let n = self.labels.len();
        let present: Vec<usize> = (0..3).filter(|&k| self.total(k) > 0).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: final {} by outcome", self.scenario, self.issue),
                title_style(),
            )
            .margin(24)
            .margin_bottom(40)
            .margin_right(300)
            .x_label_area_size(80)
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..1f64)?;
        let labels = self.labels.clone();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_desc(format!(
                "{} ({} in the final package)",
                self.issue, self.unit
            ))
            .y_desc("share of the outcome's runs")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .x_labels(n)
            .y_labels(11)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .x_label_formatter(&|x| category_label(&labels, *x))
            .draw()?;
        let width = 0.8 / present.len().max(1) as f64;
        let mut legend = Vec::new();
        for (slot, &k) in present.iter().enumerate() {
            let (c, total) = (OUTCOME_COLOURS[k], self.total(k));
            let offset = -0.4 + width * slot as f64;
            chart.draw_series(self.counts[k].iter().enumerate().map(|(i, &count)| {
                let left = i as f64 + offset;
                let share = count as f64 / total as f64;
                Rectangle::new(
                    [(left + 0.02, 0.0), (left + width - 0.02, share)],
                    c.filled(),
                )
            }))?;
            legend.push((format!("{} ({total} runs)", OUTCOME_NAMES[k]), c));
        }
        side_legend(root, &legend)?;
        let runs: u64 = (0..3).map(|k| self.total(k)).sum();
        root.draw(&Text::new(
            format!("{runs} successful runs; each outcome's bars add up to 1"),
            (30, 772),
            note_style(),
        ))?;
        Ok(())
    }
}
