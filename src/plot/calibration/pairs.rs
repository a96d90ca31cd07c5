//! The posterior particles, parameters two by two.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{MAX_PAIRS, POSTERIOR, widened};
use crate::calibrate::Prior;
use crate::calibrate::plan::CalibrationPlan;
use crate::calibrate::smc::Generation;
use crate::plot::scale::short;
use crate::plot::style::{Drawn, Figure, GRID, INK, note_style, title_style};

/// The last generation's particles, parameters two by two.
pub(super) struct Pairs<'a> {
    pub(super) plan: &'a CalibrationPlan,
    pub(super) last: &'a Generation,
}

/// A deterministic jitter in [−0.25, 0.25] for particle `i` (categorical axes).
fn jitter(i: usize, axis: usize) -> f64 {
    let h = (i as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(axis as u64 * 0xBF58_476D_1CE4_E5B9);
    ((h >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.5
}

impl Figure for Pairs<'_> {
    fn stem(&self) -> String {
        "posterior_pairs".into()
    }
    fn caption(&self) -> String {
        "Posterior particles, parameters two by two (darker: more weight); discrete values spread around their position.".into()
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let params = &self.plan.parameters[..self.plan.parameters.len().min(MAX_PAIRS)];
        let n = params.len();
        let (title, body) = root.split_vertically(84);
        title.draw_text(
            &format!("Posterior particles, generation {}", self.last.index),
            &title_style(),
            (24, 14),
        )?;
        let panels = body.split_evenly((n, n));
        let top = self
            .last
            .particles
            .iter()
            .map(|p| p.weight)
            .fold(0.0, f64::max)
            .max(f64::MIN_POSITIVE);
        let axis = |k: usize| {
            let prior = &params[k].prior;
            let (low, high) = prior.support();
            match prior {
                Prior::Discrete { .. } => (low - 0.5, high + 0.5),
                _ => widened(chart_coordinate(prior, low), chart_coordinate(prior, high)),
            }
        };
        let coordinate = |k: usize, i: usize, z: f64| match params[k].prior {
            Prior::Discrete { .. } => z + jitter(i, k),
            _ => chart_coordinate(&params[k].prior, z),
        };
        for row in 0..n {
            for column in 0..n {
                let panel = &panels[row * n + column];
                let (x0, x1) = axis(column);
                let (y0, y1) = axis(row);
                let labelled_x = row == n - 1;
                let labelled_y = column == 0;
                let mut chart = ChartBuilder::on(panel)
                    .margin(6)
                    .x_label_area_size(if labelled_x { 46 } else { 0 })
                    .y_label_area_size(if labelled_y { 70 } else { 0 })
                    .build_cartesian_2d(x0..x1, y0..y1)?;
                let (cx, cy) = (&params[column], &params[row]);
                let fx = |v: &f64| tick(self.plan, column, cx, *v);
                let fy = |v: &f64| tick(self.plan, row, cy, *v);
                let small = (crate::plot::style::FONT, 14).into_font().color(&INK);
                let mut mesh = chart.configure_mesh();
                mesh.x_labels(3)
                    .y_labels(3)
                    .x_label_formatter(&fx)
                    .y_label_formatter(&fy)
                    .label_style(small.clone())
                    .axis_desc_style(small)
                    .bold_line_style(GRID)
                    .light_line_style(WHITE)
                    .axis_style(INK);
                if labelled_x {
                    mesh.x_desc(cx.name.as_str());
                }
                if labelled_y {
                    mesh.y_desc(cy.name.as_str());
                }
                mesh.draw()?;
                if row == column {
                    let (w, h) = panel.dim_in_pixel();
                    panel.draw_text(
                        &cx.name,
                        &crate::plot::style::centred(note_style()),
                        (w as i32 / 2 + if labelled_y { 35 } else { 0 }, h as i32 / 2),
                    )?;
                    continue;
                }
                chart.draw_series(self.last.particles.iter().enumerate().map(|(i, p)| {
                    let alpha = 0.15 + 0.75 * p.weight / top;
                    Circle::new(
                        (
                            coordinate(column, i, p.theta[column]),
                            coordinate(row, i, p.theta[row]),
                        ),
                        3,
                        POSTERIOR.mix(alpha).filled(),
                    )
                }))?;
            }
        }
        if self.plan.parameters.len() > MAX_PAIRS {
            title.draw_text(
                &format!(
                    "the first {MAX_PAIRS} of {} parameters",
                    self.plan.parameters.len()
                ),
                &note_style(),
                (26, 58),
            )?;
        }
        Ok(())
    }
}

/// A tick label of parameter `k` at axis position `v`.
fn tick(
    plan: &CalibrationPlan,
    k: usize,
    p: &crate::calibrate::plan::Calibrated,
    v: f64,
) -> String {
    match p.prior {
        Prior::Discrete { count } => {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < count {
                plan.label(k, i)
            } else {
                String::new()
            }
        }
        Prior::LogUniform { .. } => short(10f64.powf(v)),
        _ => short(v),
    }
}

/// Where a value is drawn: log10 of a log-uniform parameter's value.
fn chart_coordinate(prior: &Prior, x: f64) -> f64 {
    match prior {
        Prior::LogUniform { .. } => x.log10(),
        _ => x,
    }
}
