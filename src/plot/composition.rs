//! The outcome mix (agreement, unilateral deployment, status quo) of a
//! sweep's design points, stacked: one labelled bar per point where there
//! are few enough to read (a grid or zip of at most 60 points), otherwise the
//! points ranked by agreement rate, so no figure carries thousands of bars.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    Drawn, Figure, GRID, INK, OUTCOME_COLOURS, centred, label_style, note_style, tick_style,
    title_style,
};

const OUTCOMES: [&str; 3] = ["agreement", "unilateral", "status quo"];

/// Bins of agreement rate in which ranked points are pooled.
const RANKS: usize = 100;

/// The design points' shares (agreement, unilateral, status quo).
#[derive(Debug, Clone)]
pub enum Composition {
    /// Each point with its parameter values as a label.
    PerPoint(Vec<(String, [f64; 3])>),
    /// Points pooled by agreement rate: per bin, points and summed shares.
    Ranked(Vec<(u64, [f64; 3])>),
}

impl Composition {
    pub fn per_point() -> Composition {
        Composition::PerPoint(Vec::new())
    }

    pub fn ranked() -> Composition {
        Composition::Ranked(vec![(0, [0.0; 3]); RANKS])
    }

    /// Adds a design point.
    pub fn add(&mut self, values: &[&str], shares: [f64; 3]) {
        match self {
            Composition::PerPoint(points) => points.push((values.join(" / "), shares)),
            Composition::Ranked(bins) => {
                let bin = ((shares[0].clamp(0.0, 1.0) * RANKS as f64) as usize).min(RANKS - 1);
                bins[bin].0 += 1;
                for (sum, share) in bins[bin].1.iter_mut().zip(shares) {
                    *sum += share;
                }
            }
        }
    }

    /// Stacked bars: (left, right, shares) in chart x units.
    fn bars(&self) -> Vec<(f64, f64, [f64; 3])> {
        match self {
            Composition::PerPoint(points) => points
                .iter()
                .enumerate()
                .map(|(i, (_, s))| (i as f64 - 0.4, i as f64 + 0.4, *s))
                .collect(),
            Composition::Ranked(bins) => {
                let total: u64 = bins.iter().map(|b| b.0).sum();
                let mut left = 0.0;
                bins.iter()
                    .filter(|b| b.0 > 0)
                    .map(|&(n, sums)| {
                        let width = n as f64 / total as f64;
                        let bar = (left, left + width, sums.map(|s| s / n as f64));
                        left += width;
                        bar
                    })
                    .collect()
            }
        }
    }
}

/// Shares of each outcome at the design points, stacked.
#[derive(Debug, Clone)]
pub struct CompositionFigure {
    pub scenario: String,
    pub composition: Composition,
    /// What the point labels list, e.g. "oil price / start linkage".
    pub label_names: String,
}

impl Figure for CompositionFigure {
    fn stem(&self) -> String {
        "outcome_shares_by_design_point".into()
    }

    fn caption(&self) -> String {
        match &self.composition {
            Composition::PerPoint(_) => "Share of runs ending in agreement, unilateral deployment and the status quo at each design point.".into(),
            Composition::Ranked(_) => "Share of runs ending in agreement, unilateral deployment and the status quo at the design points, ranked by agreement rate (bar width: share of the points).".into(),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let (labels, ranked) = match &self.composition {
            Composition::PerPoint(points) => (
                points.iter().map(|p| p.0.clone()).collect::<Vec<_>>(),
                false,
            ),
            Composition::Ranked(_) => (Vec::new(), true),
        };
        let n = labels.len();
        let rotate = n > 8;
        let x_range = if ranked {
            0.0..1.0
        } else {
            -0.5..n as f64 - 0.5
        };
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: outcomes by design point", self.scenario),
                title_style(),
            )
            .margin(24)
            .margin_right(200)
            .margin_bottom(if ranked { 40 } else { 24 })
            .x_label_area_size(if rotate { 210 } else { 80 })
            .y_label_area_size(100)
            .build_cartesian_2d(x_range, 0f64..1f64)?;
        let x_desc = if ranked {
            "design points, ranked by agreement rate (share of points)".to_string()
        } else {
            format!("design point ({})", self.label_names)
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_desc(x_desc)
            .y_desc("share of runs")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .x_labels(if ranked { 6 } else { 0 })
            .x_label_formatter(&|x| format!("{:.0} %", 100.0 * x))
            .y_labels(11)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .draw()?;
        // Point labels, drawn by hand so long ones can run downwards.
        let every = n.div_ceil(40).max(1);
        for (i, label) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
            let (px, py) = chart.backend_coord(&(i as f64, 0.0));
            let (style, at) = if rotate {
                (
                    tick_style().transform(FontTransform::Rotate90),
                    (px + 10, py + 10),
                )
            } else {
                (centred(tick_style()), (px, py + 20))
            };
            root.draw(&Text::new(label.clone(), at, style))?;
        }
        let bars = self.composition.bars();
        for (k, name) in OUTCOMES.iter().enumerate() {
            let c = OUTCOME_COLOURS[k];
            chart.draw_series(bars.iter().map(|&(left, right, shares)| {
                let below: f64 = shares[..k].iter().sum();
                let top = (below + shares[k]).min(1.0);
                Rectangle::new([(left, below.min(1.0)), (right, top)], c.filled())
            }))?;
            // Legend beside the plot, top to bottom in stacking order reversed.
            let y = 120 + 40 * (2 - k as i32);
            root.draw(&Rectangle::new(
                [(1025, y - 12), (1049, y + 12)],
                c.filled(),
            ))?;
            root.draw(&Text::new(
                *name,
                (1058, y),
                tick_style().pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        if let Composition::Ranked(bins) = &self.composition {
            let points: u64 = bins.iter().map(|b| b.0).sum();
            let note = format!(
                "{points} design points with successful runs, ranked by agreement rate and pooled in bins of 0.01 of it."
            );
            root.draw(&Text::new(note, (30, 772), note_style()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranked_bars_span_the_points_in_order_of_agreement() {
        let mut c = Composition::ranked();
        c.add(&[], [0.9, 0.1, 0.0]);
        c.add(&[], [0.1, 0.5, 0.4]);
        c.add(&[], [0.12, 0.48, 0.4]);
        c.add(&[], [0.5, 0.5, 0.0]);
        let bars = c.bars();
        assert_eq!(
            bars.len(),
            4,
            "agreement rates 0.1, 0.12, 0.5, 0.9 fall in 4 bins"
        );
        assert_eq!((bars[0].0, bars[3].1), (0.0, 1.0));
        assert!(
            bars.windows(2)
                .all(|w| w[0].2[0] < w[1].2[0] && w[0].1 == w[1].0)
        );
        let mut c = Composition::ranked();
        c.add(&[], [0.5, 0.5, 0.0]);
        c.add(&[], [0.5, 0.0, 0.5]);
        assert_eq!(c.bars(), [(0.0, 1.0, [0.5, 0.25, 0.25])]);
    }
}
