//! Agreement rate against a swept numeric parameter, with its Wilson 95 %
//! band, one line per level of another parameter.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    Drawn, Figure, GRID, INK, centred, colour, label_style, slug, tick_style, title_style,
};

/// One line: (x, rate, low, high) points sorted by x.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// The figure.
#[derive(Debug, Clone)]
pub struct RateFigure {
    pub scenario: String,
    pub parameter: String,
    /// Dotted path of the parameter, shown on the axis when it differs from the name.
    pub path: String,
    pub series: Vec<Series>,
    /// What the lines are split by, for the legend title.
    pub split_by: Option<String>,
    /// Points sampled at random (lhs, random): drawn as points with whiskers.
    pub scattered: bool,
    pub log_x: bool,
}

impl Figure for RateFigure {
    fn stem(&self) -> String {
        format!("agreement_rate_by_{}", slug(&self.parameter))
    }

    fn caption(&self) -> String {
        let split = self
            .split_by
            .as_ref()
            .map(|s| format!(", one line per {s}"))
            .unwrap_or_default();
        format!(
            "Share of runs ending in agreement against {}{split}, with Wilson 95 % intervals.",
            self.parameter
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        // A log-scaled parameter is drawn on log10(x), with its own values as ticks.
        let log = self.log_x
            && self
                .series
                .iter()
                .flat_map(|s| &s.points)
                .all(|p| p.0 > 0.0);
        let at = |x: f64| if log { x.log10() } else { x };
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| at(p.0)));
        let (min, max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let pad = if max > min { (max - min) * 0.03 } else { 1.0 };
        let axis = match (self.path != self.parameter, log) {
            (true, true) => format!("{} ({}), log scale", self.parameter, self.path),
            (true, false) => format!("{} ({})", self.parameter, self.path),
            (false, true) => format!("{}, log scale", self.parameter),
            (false, false) => self.parameter.clone(),
        };
        let title = format!("{}: agreement rate by {}", self.scenario, self.parameter);
        let mut chart = ChartBuilder::on(root)
            .caption(title, title_style())
            .margin(24)
            .x_label_area_size(80)
            .y_label_area_size(100)
            .build_cartesian_2d((min - pad)..(max + pad), -0.02f64..1.02f64)?;
        chart
            .configure_mesh()
            .x_desc(axis)
            .y_desc("agreement rate (share of runs)")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_labels(if log { 0 } else { 10 })
            .y_labels(11)
            .x_label_formatter(&|x| short(*x))
            .y_label_formatter(&|y| format!("{y:.1}"))
            .draw()?;
        if log {
            let mut ticks: Vec<f64> = self
                .series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.0))
                .collect();
            ticks.sort_by(f64::total_cmp);
            ticks.dedup();
            let every = ticks.len().div_ceil(12).max(1);
            for x in ticks.into_iter().step_by(every) {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x.log10(), -0.02), (x.log10(), 1.02)],
                    GRID.stroke_width(1),
                )))?;
                let (px, py) = chart.backend_coord(&(x.log10(), -0.02));
                root.draw(&Text::new(short(x), (px, py + 18), centred(tick_style())))?;
            }
        }
        for (i, series) in self.series.iter().enumerate() {
            let c = colour(i);
            let points: Vec<(f64, f64, f64, f64)> = series
                .points
                .iter()
                .map(|&(x, y, l, h)| (at(x), y, l, h))
                .collect();
            if self.scattered {
                chart.draw_series(points.iter().map(|&(x, _, low, high)| {
                    PathElement::new(vec![(x, low), (x, high)], c.mix(0.6).stroke_width(2))
                }))?;
                chart
                    .draw_series(
                        points
                            .iter()
                            .map(|&(x, y, _, _)| Circle::new((x, y), 5, c.filled())),
                    )?
                    .label(series.label.clone())
                    .legend(move |(x, y)| Circle::new((x + 10, y), 6, c.filled()));
            } else {
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
                        .map(|&(x, y, _, _)| Circle::new((x, y), 4, c.filled())),
                )?;
            }
        }
        if self.series.len() > 1 {
            let corner = self.emptiest_corner(&at, (min, max));
            chart
                .configure_series_labels()
                .position(corner)
                .margin(16)
                .legend_area_size(36)
                .background_style(WHITE.mix(0.92))
                .border_style(INK)
                .label_font(tick_style())
                .draw()?;
        }
        Ok(())
    }
}

impl RateFigure {
    /// The corner of the plot with the fewest data points, for the legend.
    fn emptiest_corner(
        &self,
        at: &dyn Fn(f64) -> f64,
        (min, max): (f64, f64),
    ) -> SeriesLabelPosition {
        let width = (max - min).max(1e-12);
        let crowd = |right: bool, top: bool| {
            self.series
                .iter()
                .flat_map(|s| &s.points)
                .filter(|p| {
                    let u = (at(p.0) - min) / width;
                    let near_x = if right { u > 0.55 } else { u < 0.45 };
                    let near_y = if top { p.3 > 0.6 } else { p.2 < 0.4 };
                    near_x && near_y
                })
                .count()
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

/// A number for a tick label: no trailing zeros, at most 3 significant decimals.
pub fn short(x: f64) -> String {
    let s = if x.abs() >= 100.0 || x == x.round() {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
