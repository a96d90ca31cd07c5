//! Agreement rate against a swept numeric parameter. For a grid or zip
//! design: one line through the levels with its Wilson 95 % band, per level
//! of another parameter. For a sampled design (random, lhs, morris, sobol):
//! each design point as a dot, under the rate pooled in bins with its band,
//! so thousands of points never become one zig-zag line.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::scale::Axis;
use super::style::{
    Drawn, Figure, GRID, INK, colour, label_style, note_style, slug, tick_style, title_style,
};

/// One line: (x, rate, low, high) points sorted by x.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// The design points of a sampled design, as dots.
#[derive(Debug, Clone, Default)]
pub struct Scatter {
    /// (x, rate) of each point drawn.
    pub points: Vec<(f64, f64)>,
    /// Design points in the study (more than drawn when sampled).
    pub total: u64,
}

/// The figure.
#[derive(Debug, Clone)]
pub struct RateFigure {
    pub scenario: String,
    /// Column name of the parameter (names the file).
    pub parameter: String,
    /// Readable label and dotted path, for the title and caption.
    pub label: String,
    pub path: String,
    pub axis_title: String,
    pub x: Axis,
    pub series: Vec<Series>,
    /// What the lines are split by, for the caption.
    pub split_by: Option<String>,
    /// Sampled designs: the points, and the number of bins of `series`.
    pub scatter: Option<Scatter>,
    pub bins: usize,
}

/// The rate axis, with room for markers at 0 and 1.
const RATES: std::ops::Range<f64> = -0.02..1.02;

impl Figure for RateFigure {
    fn stem(&self) -> String {
        format!("agreement_rate_by_{}", slug(&self.parameter))
    }

    fn caption(&self) -> String {
        let what = format!("{} ({})", self.label, self.path);
        match &self.scatter {
            Some(_) => format!(
                "Agreement rate of each design point against {what} (dots), and the rate pooled in {} equal bins of its {} scale with Wilson 95 % intervals (line and band).",
                self.bins,
                if self.x.is_log() { "log" } else { "linear" }
            ),
            None => {
                let split = self
                    .split_by
                    .as_ref()
                    .map(|s| format!(", one line per {s}"))
                    .unwrap_or_default();
                format!(
                    "Share of runs ending in agreement against {what}{split}, with Wilson 95 % intervals."
                )
            }
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let x = &self.x;
        let range = x.range();
        // Everything drawn is kept inside the plot: values outside the axis
        // are moved to its edge.
        let at = |v: f64| x.at(v).clamp(range.start, range.end);
        let clip = |y: f64| y.clamp(0.0, 1.0);
        let title = format!("{}: agreement rate by {}", self.scenario, self.label);
        let mut chart = ChartBuilder::on(root)
            .caption(title, title_style())
            .margin(24)
            .margin_bottom(if self.scatter.is_some() { 40 } else { 24 })
            .x_label_area_size(80)
            .y_label_area_size(100)
            .build_cartesian_2d(range.clone(), RATES)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(self.axis_title.as_str())
            .y_desc("agreement rate (share of runs)")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_labels(0)
            .y_labels(11)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .draw()?;
        x.draw_x_ticks(&mut chart, root, (RATES.start, RATES.end))?;
        if let Some(scatter) = &self.scatter {
            let dot = RGBColor(120, 120, 120);
            chart
                .draw_series(
                    scatter
                        .points
                        .iter()
                        .map(|&(v, y)| Circle::new((at(v), clip(y)), 3, dot.mix(0.35).filled())),
                )?
                .label("design point");
        }
        for (i, series) in self.series.iter().enumerate() {
            let c = colour(i);
            let points: Vec<(f64, f64, f64, f64)> = series
                .points
                .iter()
                .map(|&(v, y, l, h)| (at(v), clip(y), clip(l), clip(h)))
                .collect();
            let mut band: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.2)).collect();
            band.extend(points.iter().rev().map(|p| (p.0, p.3)));
            chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.18).filled())))?;
            chart
                .draw_series(LineSeries::new(
                    points.iter().map(|p| (p.0, p.1)),
                    c.stroke_width(3),
                ))?
                .label(series.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(4))
                });
            chart.draw_series(
                points
                    .iter()
                    .map(|&(x, y, _, _)| Circle::new((x, y), 5, c.filled())),
            )?;
        }
        // A sampled design's one line is explained in the note instead, so
        // no legend box hides the dots.
        if self.series.len() > 1 {
            chart
                .configure_series_labels()
                .position(self.emptiest_corner())
                .margin(16)
                .legend_area_size(36)
                .background_style(WHITE.mix(0.92))
                .border_style(INK)
                .label_font(tick_style())
                .draw()?;
        }
        if let Some(scatter) = &self.scatter {
            let sampled = if (scatter.points.len() as u64) < scatter.total {
                format!(
                    "a seeded sample of {} of the {} design points",
                    scatter.points.len(),
                    scatter.total
                )
            } else {
                format!("the {} design points", scatter.total)
            };
            let occupied = self.series.first().map_or(0, |s| s.points.len());
            let bins = if occupied < self.bins {
                format!("the {occupied} occupied of {} equal bins", self.bins)
            } else {
                format!("each of {} equal bins", self.bins)
            };
            let note = format!(
                "Grey dots: {sampled}. Line and band: the rate pooled in {bins}, 95 % interval."
            );
            root.draw(&Text::new(note, (30, 772), note_style()))?;
        }
        Ok(())
    }
}

impl RateFigure {
    /// The corner of the plot with the fewest lines, dots and bands, for the legend.
    fn emptiest_corner(&self) -> SeriesLabelPosition {
        let range = self.x.range();
        let width = (range.end - range.start).max(1e-12);
        let u = |v: f64| (self.x.at(v) - range.start) / width;
        let lines = self.series.iter().flat_map(|s| &s.points);
        let dots = self.scatter.iter().flat_map(|s| &s.points);
        let crowd = |right: bool, top: bool| {
            let near_x = |v: f64| if right { u(v) > 0.55 } else { u(v) < 0.45 };
            let near_y = |low: f64, high: f64| if top { high > 0.6 } else { low < 0.4 };
            let on_lines = lines
                .clone()
                .filter(|p| near_x(p.0) && near_y(p.2, p.3))
                .count();
            let on_dots = dots
                .clone()
                .filter(|p| near_x(p.0) && near_y(p.1, p.1))
                .count();
            // A line crosses the legend wherever it passes; dots only where they are.
            on_lines * 20 + on_dots
        };
        [
            (SeriesLabelPosition::UpperRight, crowd(true, true)),
            (SeriesLabelPosition::LowerRight, crowd(true, false)),
            (SeriesLabelPosition::UpperLeft, crowd(false, true)),
            (SeriesLabelPosition::LowerLeft, crowd(false, false)),
        ]
        .into_iter()
        .min_by_key(|(_, n)| *n)
        .map(|(corner, _)| corner)
        .expect("four corners")
    }
}
