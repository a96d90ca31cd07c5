//! Box plots of each agent's utility over the runs.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    Drawn, Figure, GRID, INK, category_label, colour, label_style, note_style, tick_style,
    title_style,
};

/// Five-number summary (Tukey): whiskers at the most extreme values within
/// 1.5 interquartile ranges of the box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boxed {
    pub low: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub high: f64,
}

impl Boxed {
    /// From values (sorted here); `None` when empty.
    pub fn of(mut values: Vec<f64>) -> Option<Boxed> {
        values.retain(|v| v.is_finite());
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let h = p * (values.len() - 1) as f64;
            let (i, f) = (h.floor() as usize, h - h.floor());
            values[i] + f * (values[(i + 1).min(values.len() - 1)] - values[i])
        };
        let (q1, median, q3) = (q(0.25), q(0.5), q(0.75));
        let reach = 1.5 * (q3 - q1);
        let low = *values.iter().find(|&&v| v >= q1 - reach).unwrap_or(&q1);
        let high = *values
            .iter()
            .rev()
            .find(|&&v| v <= q3 + reach)
            .unwrap_or(&q3);
        Some(Boxed {
            low,
            q1,
            median,
            q3,
            high,
        })
    }
}

#[derive(Debug, Clone)]
pub struct UtilityFigure {
    pub scenario: String,
    /// Agent name (with role) and its box.
    pub agents: Vec<(String, Boxed)>,
    pub runs: usize,
}

impl Figure for UtilityFigure {
    fn stem(&self) -> String {
        "utility_by_agent".into()
    }

    fn caption(&self) -> String {
        "Distribution of each agent's utility of the outcome over all runs (box: quartiles; whiskers: 1.5 IQR).".into()
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
        for (i, (_, b)) in self.agents.iter().enumerate() {
            let (x, c) = (i as f64, colour(i));
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.3, b.q1), (x + 0.3, b.q3)],
                c.mix(0.35).filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.3, b.q1), (x + 0.3, b.q3)],
                c.stroke_width(2),
            )))?;
            let lines = [
                vec![(x - 0.3, b.median), (x + 0.3, b.median)],
                vec![(x, b.q3), (x, b.high)],
                vec![(x, b.q1), (x, b.low)],
                vec![(x - 0.12, b.high), (x + 0.12, b.high)],
                vec![(x - 0.12, b.low), (x + 0.12, b.low)],
            ];
            chart.draw_series(
                lines
                    .into_iter()
                    .enumerate()
                    .map(|(k, l)| PathElement::new(l, c.stroke_width(if k == 0 { 4 } else { 2 }))),
            )?;
        }
        root.draw(&Text::new(
            format!(
                "{} successful runs; box: quartiles, line: median, whiskers: 1.5 IQR",
                self.runs
            ),
            (30, 770),
            note_style(),
        ))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_of_one_to_nine() {
        let b = Boxed::of((1..=9).map(f64::from).collect()).unwrap();
        assert_eq!((b.q1, b.median, b.q3), (3.0, 5.0, 7.0));
        assert_eq!((b.low, b.high), (1.0, 9.0));
        let b = Boxed::of(vec![1.0, 2.0, 3.0, 4.0, 100.0]).unwrap();
        assert_eq!(b.high, 4.0, "the outlier lies beyond the whisker");
        assert_eq!(Boxed::of(Vec::new()), None);
    }
}
