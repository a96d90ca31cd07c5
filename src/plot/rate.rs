//! Agreement rate against a swept numeric parameter, with its Wilson 95 %
//! band, one line per level of another parameter.

use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;

use super::style::{Drawn, Figure, GRID, INK, colour, label_style, slug, tick_style, title_style};

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
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0));
        let (min, max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let pad = if max > min { (max - min) * 0.03 } else { 1.0 };
        let axis = if self.path != self.parameter {
            format!("{} ({})", self.parameter, self.path)
        } else {
            self.parameter.clone()
        };
        let title = format!("{}: agreement rate by {}", self.scenario, self.parameter);
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(title, title_style())
            .margin(24)
            .x_label_area_size(80)
            .y_label_area_size(100);
        if self.log_x && min > 0.0 {
            let mut chart = builder
                .build_cartesian_2d(((min / 1.08)..(max * 1.08)).log_scale(), -0.02f64..1.02f64)?;
            mesh(&mut chart, &axis)?;
            self.plot(&mut chart)?;
            legend(&mut chart, self.series.len())?;
        } else {
            let mut chart =
                builder.build_cartesian_2d((min - pad)..(max + pad), -0.02f64..1.02f64)?;
            mesh(&mut chart, &axis)?;
            self.plot(&mut chart)?;
            legend(&mut chart, self.series.len())?;
        }
        Ok(())
    }
}

impl RateFigure {
    fn plot<'a, DB, X>(&self, chart: &mut Chart<'a, DB, X>) -> Drawn
    where
        DB: DrawingBackend + 'a,
        DB::ErrorType: 'static,
        X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        for (i, series) in self.series.iter().enumerate() {
            let c = colour(i);
            if self.scattered {
                chart.draw_series(series.points.iter().map(|&(x, _, low, high)| {
                    PathElement::new(vec![(x, low), (x, high)], c.mix(0.6).stroke_width(2))
                }))?;
                chart
                    .draw_series(
                        series
                            .points
                            .iter()
                            .map(|&(x, y, _, _)| Circle::new((x, y), 5, c.filled())),
                    )?
                    .label(series.label.clone())
                    .legend(move |(x, y)| Circle::new((x + 10, y), 6, c.filled()));
            } else {
                let mut band: Vec<(f64, f64)> = series.points.iter().map(|p| (p.0, p.2)).collect();
                band.extend(series.points.iter().rev().map(|p| (p.0, p.3)));
                chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.18).filled())))?;
                chart
                    .draw_series(LineSeries::new(
                        series.points.iter().map(|p| (p.0, p.1)),
                        c.stroke_width(3),
                    ))?
                    .label(series.label.clone())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(4))
                    });
                chart.draw_series(
                    series
                        .points
                        .iter()
                        .map(|&(x, y, _, _)| Circle::new((x, y), 4, c.filled())),
                )?;
            }
        }
        Ok(())
    }
}

type Chart<'a, DB, X> =
    ChartContext<'a, DB, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>;

fn mesh<'a, DB, X>(chart: &mut Chart<'a, DB, X>, axis: &str) -> Drawn
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .x_desc(axis)
        .y_desc("agreement rate (share of runs)")
        .axis_desc_style(label_style())
        .label_style(tick_style())
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .axis_style(INK)
        .x_labels(10)
        .y_labels(11)
        .x_label_formatter(&|x| short(*x))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .draw()?;
    Ok(())
}

fn legend<'a, DB, X>(chart: &mut Chart<'a, DB, X>, series: usize) -> Drawn
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    if series > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(16)
            .legend_area_size(36)
            .background_style(WHITE.mix(0.92))
            .border_style(INK)
            .label_font(tick_style())
            .draw()?;
    }
    Ok(())
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
