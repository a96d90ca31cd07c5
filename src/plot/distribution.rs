//! Box plots of each agent's utility over the runs, one box per outcome:
//! pooled, a deal's utility and a breakdown's would blur into one box.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::by_outcome::OUTCOME_NAMES;
use super::stats::Boxed;
use super::style::{
    Drawn, Figure, GRID, INK, OUTCOME_COLOURS, category_label, label_style, note_style,
    side_legend, tick_style, title_style,
};

#[derive(Debug, Clone)]
pub struct UtilityFigure {
    pub scenario: String,
    /// Agent name (with role) and its box for each outcome that occurred.
    pub agents: Vec<(String, [Option<Boxed>; 3])>,
    /// Successful runs per outcome.
    pub runs: [u64; 3],
}

impl Figure for UtilityFigure {
    fn stem(&self) -> String {
        "utility_by_agent".into()
    }

    fn caption(&self) -> String {
        "Distribution of each agent's utility of the outcome over the runs ending in agreement, in unilateral deployment and in the status quo (box: quartiles; whiskers: 1.5 IQR).".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let n = self.agents.len();
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: utility of the outcome by agent", self.scenario),
                title_style(),
            )
            .margin(24)
            .margin_bottom(40)
            .margin_right(300)
            .x_label_area_size(80)
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..1f64)?;
        let labels: Vec<String> = self.agents.iter().map(|a| a.0.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_desc("agent")
            .y_desc("utility of the outcome (0 to 1)")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .x_labels(n)
            .y_labels(11)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .x_label_formatter(&|x| category_label(&labels, *x))
            .draw()?;
        let present: Vec<usize> = (0..3).filter(|&k| self.runs[k] > 0).collect();
        let width = 0.8 / present.len().max(1) as f64;
        for (i, (_, boxes)) in self.agents.iter().enumerate() {
            for (slot, &k) in present.iter().enumerate() {
                let Some(b) = boxes[k] else { continue };
                let c = OUTCOME_COLOURS[k];
                let x = i as f64 - 0.4 + width * (slot as f64 + 0.5);
                let half = width * 0.38;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - half, b.q1), (x + half, b.q3)],
                    c.mix(0.35).filled(),
                )))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - half, b.q1), (x + half, b.q3)],
                    c.stroke_width(2),
                )))?;
                let cap = half / 2.0;
                let lines = [
                    vec![(x - half, b.median), (x + half, b.median)],
                    vec![(x, b.q3), (x, b.high)],
                    vec![(x, b.q1), (x, b.low)],
                    vec![(x - cap, b.high), (x + cap, b.high)],
                    vec![(x - cap, b.low), (x + cap, b.low)],
                ];
                chart.draw_series(lines.into_iter().enumerate().map(|(k, l)| {
                    let l: Vec<(f64, f64)> =
                        l.into_iter().map(|(x, y)| (x, y.clamp(0.0, 1.0))).collect();
                    PathElement::new(l, c.stroke_width(if k == 0 { 4 } else { 2 }))
                }))?;
            }
        }
        let legend: Vec<(String, RGBColor)> = present
            .iter()
            .map(|&k| {
                (
                    format!("{} ({} runs)", OUTCOME_NAMES[k], self.runs[k]),
                    OUTCOME_COLOURS[k],
                )
            })
            .collect();
        side_legend(root, &legend)?;
        root.draw(&Text::new(
            format!(
                "{} successful runs; box: quartiles, line: median, whiskers: 1.5 IQR",
                self.runs.iter().sum::<u64>()
            ),
            (30, 770),
            note_style(),
        ))?;
        Ok(())
    }
}
