//! Figures of a calibration: the posterior of each parameter against its
//! prior, the parameters two by two, the tolerance and acceptance per
//! generation, and the posterior predictive check of each target.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::scale::{Axis, Scale, short};
use super::style::{
    Drawn, Figure, Format, GRID, INK, PALETTE, label_style, note_style, render, tick_style,
    title_style,
};
use crate::calibrate::Prior;
use crate::calibrate::plan::CalibrationPlan;
use crate::calibrate::smc::{self, Generation};
use crate::error::Error;

mod pairs;
mod predictive;

use pairs::Pairs;
use predictive::Predictive;

/// Parameters drawn two by two at most (the first ones).
const MAX_PAIRS: usize = 6;
/// Histogram bins of a continuous parameter or statistic.
const BINS: usize = 24;

const POSTERIOR: RGBColor = PALETTE[0];
const PRIOR: RGBColor = PALETTE[1];
const MISS: RGBColor = RGBColor(230, 200, 200);

/// Draws the figures of a finished calibration into `dir`; the file names.
pub fn draw(
    plan: &CalibrationPlan,
    generations: &[Generation],
    predictive: &[(usize, Vec<f64>)],
    dir: &Path,
    format: Format,
) -> Result<Vec<String>, Error> {
    let Some(last) = generations.last() else {
        return Ok(Vec::new());
    };
    let mut files = render(&Marginals { plan, last }, dir, format)?;
    if plan.parameters.len() >= 2 {
        files.extend(render(&Pairs { plan, last }, dir, format)?);
    }
    files.extend(render(&Progress { generations }, dir, format)?);
    files.extend(render(&Predictive { plan, predictive }, dir, format)?);
    Ok(files)
}

/// Rows and columns of a grid of `n` panels.
fn grid(n: usize) -> (usize, usize) {
    let columns = match n {
        0..=1 => 1,
        2 | 4 => 2,
        _ => 3,
    };
    (n.div_ceil(columns), columns)
}

/// A weighted histogram of `values` over [low, high] in `bins` bins: the
/// weight in each bin (values outside fall in the end bins).
fn histogram(values: &[(f64, f64)], low: f64, high: f64, bins: usize) -> Vec<f64> {
    let mut counts = vec![0.0; bins];
    let width = (high - low).max(f64::MIN_POSITIVE);
    for &(v, w) in values.iter().filter(|(v, _)| v.is_finite()) {
        let b = (((v - low) / width) * bins as f64)
            .floor()
            .clamp(0.0, (bins - 1) as f64);
        counts[b as usize] += w;
    }
    counts
}

/// An extent that is never empty.
fn widened(low: f64, high: f64) -> (f64, f64) {
    if high > low {
        (low, high)
    } else {
        let pad = if low == 0.0 { 1.0 } else { low.abs() * 0.1 };
        (low - pad, high + pad)
    }
}

/// The posterior (bars) of each parameter with its prior (line), the
/// weighted median (solid) and 95 % interval (dashed).
struct Marginals<'a> {
    plan: &'a CalibrationPlan,
    last: &'a Generation,
}

impl Figure for Marginals<'_> {
    fn stem(&self) -> String {
        "posterior_marginals".into()
    }
    fn caption(&self) -> String {
        "Posterior of each parameter (bars, generation's weights) against its prior (line), with the median and 95 % interval; log-uniform parameters on a log axis.".into()
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let (title, body) = root.split_vertically(84);
        title.draw_text(
            &format!(
                "Posterior and prior, generation {} ({} particles)",
                self.last.index,
                self.last.particles.len()
            ),
            &title_style(),
            (24, 14),
        )?;
        title.draw_text(
            "bars: posterior   line: prior   solid: median   dashed: 2.5 % and 97.5 %",
            &note_style(),
            (26, 58),
        )?;
        let params = &self.plan.parameters;
        let (rows, columns) = grid(params.len());
        let panels = body.split_evenly((rows, columns));
        let weights: Vec<f64> = self.last.particles.iter().map(|p| p.weight).collect();
        for (k, (panel, p)) in panels.iter().zip(params).enumerate() {
            let theta: Vec<f64> = self.last.particles.iter().map(|q| q.theta[k]).collect();
            if let Prior::Discrete { count } = p.prior {
                let mut mass = vec![0.0; count];
                for (&z, &w) in theta.iter().zip(&weights) {
                    mass[z as usize] += w;
                }
                let top = mass.iter().copied().fold(1.0 / count as f64, f64::max) * 1.15;
                let labels: Vec<String> =
                    (0..count).map(|i| self.plan.label(k, i as f64)).collect();
                let mut chart = ChartBuilder::on(panel)
                    .margin(14)
                    .x_label_area_size(50)
                    .y_label_area_size(60)
                    .build_cartesian_2d(-0.5f64..(count as f64 - 0.5), 0f64..top)?;
                chart
                    .configure_mesh()
                    .disable_x_mesh()
                    .x_labels(count)
                    .x_label_formatter(&|x| {
                        let i = x.round();
                        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < count {
                            labels[i as usize].clone()
                        } else {
                            String::new()
                        }
                    })
                    .x_desc(p.name.as_str())
                    .y_desc("probability")
                    .axis_desc_style(label_style())
                    .label_style(tick_style())
                    .bold_line_style(GRID)
                    .light_line_style(WHITE)
                    .axis_style(INK)
                    .draw()?;
                chart.draw_series(mass.iter().enumerate().map(|(i, &m)| {
                    let x = i as f64;
                    Rectangle::new([(x - 0.3, 0.0), (x + 0.3, m)], POSTERIOR.mix(0.8).filled())
                }))?;
                chart.draw_series((0..count).map(|i| {
                    let x = i as f64;
                    PathElement::new(
                        vec![(x - 0.4, 1.0 / count as f64), (x + 0.4, 1.0 / count as f64)],
                        PRIOR.stroke_width(3),
                    )
                }))?;
                continue;
            }
            let (low, high) = p.prior.support();
            let axis = Axis::new(scale_of(&p.prior), low, high);
            let (a, b) = (axis.at(axis.low), axis.at(axis.high));
            let placed: Vec<(f64, f64)> = theta
                .iter()
                .zip(&weights)
                .map(|(&t, &w)| (axis.at(t), w))
                .collect();
            let width = (b - a) / BINS as f64;
            let bars = histogram(&placed, a, b, BINS);
            // Densities per unit of the chart's coordinate (log10 on a log
            // axis, where the prior's density on ln θ is multiplied by ln 10).
            let per_unit = if axis.is_log() {
                std::f64::consts::LN_10
            } else {
                1.0
            };
            let density: Vec<f64> = bars.iter().map(|m| m / width).collect();
            let curve: Vec<(f64, f64)> = (0..=200)
                .map(|i| {
                    let x = a + (b - a) * (i as f64 + 0.5) / 201.0;
                    (x, p.prior.density(axis.value(x)) * per_unit)
                })
                .collect();
            let top = density
                .iter()
                .chain(curve.iter().map(|(_, d)| d))
                .copied()
                .filter(|d| d.is_finite())
                .fold(0.0, f64::max)
                .max(f64::MIN_POSITIVE)
                * 1.15;
            let mut chart = ChartBuilder::on(panel)
                .margin(14)
                .x_label_area_size(70)
                .y_label_area_size(60)
                .build_cartesian_2d(axis.range(), 0f64..top)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(0)
                .y_labels(4)
                .y_label_formatter(&|d| short(*d))
                .x_desc(p.name.as_str())
                .y_desc("density")
                .axis_desc_style(label_style())
                .label_style(tick_style())
                .bold_line_style(GRID)
                .light_line_style(WHITE)
                .axis_style(INK)
                .draw()?;
            axis.draw_x_ticks(&mut chart, root, (0.0, top))?;
            chart.draw_series(density.iter().enumerate().map(|(i, &d)| {
                let x0 = a + width * i as f64;
                Rectangle::new([(x0, 0.0), (x0 + width, d)], POSTERIOR.mix(0.6).filled())
            }))?;
            chart.draw_series(LineSeries::new(curve, PRIOR.stroke_width(3)))?;
            let m = smc::marginal(&theta, &weights);
            for (q, dashed) in [
                (m.quantiles[0], true),
                (m.quantiles[1], false),
                (m.quantiles[2], true),
            ] {
                let x = axis.at(q);
                let line = vec![(x, 0.0), (x, top / 1.15)];
                if dashed {
                    chart.draw_series(DashedLineSeries::new(line, 8, 6, INK.stroke_width(2)))?;
                } else {
                    chart.draw_series(LineSeries::new(line, INK.stroke_width(2)))?;
                }
            }
        }
        Ok(())
    }
}

/// Tolerance, acceptance rate and effective sample size per generation.
struct Progress<'a> {
    generations: &'a [Generation],
}

impl Figure for Progress<'_> {
    fn stem(&self) -> String {
        "calibration_progress".into()
    }
    fn caption(&self) -> String {
        "Tolerance per generation (left) and the share of candidates accepted and the effective sample size as a share of the particles (right).".into()
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let (title, body) = root.split_vertically(84);
        title.draw_text("Calibration by generation", &title_style(), (24, 14))?;
        let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);
        let last = (self.generations.len() as f64 - 1.0).max(1.0);
        let tolerance: Vec<(f64, f64)> = self
            .generations
            .iter()
            .map(|g| (f64::from(g.index), g.tolerance))
            .filter(|(_, t)| t.is_finite())
            .collect();
        let top = tolerance
            .iter()
            .map(|(_, t)| *t)
            .fold(0.0, f64::max)
            .max(1e-9)
            * 1.1;
        let mut chart = ChartBuilder::on(&left)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.2f64..last + 0.2, 0f64..top)?;
        chart
            .configure_mesh()
            .x_labels(self.generations.len().min(12))
            .x_label_formatter(&|x| {
                if (x - x.round()).abs() < 1e-6 {
                    format!("{}", x.round())
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| short(*y))
            .x_desc("generation")
            .y_desc("tolerance (distance)")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .draw()?;
        chart.draw_series(LineSeries::new(
            tolerance.clone(),
            POSTERIOR.stroke_width(3),
        ))?;
        chart.draw_series(
            tolerance
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 6, POSTERIOR.filled())),
        )?;
        let mut chart = ChartBuilder::on(&right)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.2f64..last + 0.2, 0f64..1.05f64)?;
        chart
            .configure_mesh()
            .x_labels(self.generations.len().min(12))
            .x_label_formatter(&|x| {
                if (x - x.round()).abs() < 1e-6 {
                    format!("{}", x.round())
                } else {
                    String::new()
                }
            })
            .x_desc("generation")
            .y_desc("share")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .draw()?;
        for (series, colour, name) in [
            (
                self.generations
                    .iter()
                    .map(|g| (f64::from(g.index), g.acceptance_rate()))
                    .collect::<Vec<_>>(),
                PALETTE[2],
                "acceptance rate",
            ),
            (
                self.generations
                    .iter()
                    .map(|g| (f64::from(g.index), g.ess() / g.particles.len() as f64))
                    .collect(),
                PALETTE[3],
                "ESS / particles",
            ),
        ] {
            chart
                .draw_series(LineSeries::new(series.clone(), colour.stroke_width(3)))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3))
                });
            chart.draw_series(
                series
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 6, colour.filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .label_font(tick_style())
            .draw()?;
        Ok(())
    }
}

fn scale_of(prior: &Prior) -> Scale {
    match prior {
        Prior::LogUniform { .. } => Scale::Log,
        _ => Scale::Linear,
    }
}
