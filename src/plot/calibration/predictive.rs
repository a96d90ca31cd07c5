//! The posterior predictive check of each target.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{BINS, MISS, POSTERIOR, PRIOR, grid, histogram, widened};
use crate::calibrate::plan::{CalibrationPlan, Sense};
use crate::plot::scale::short;
use crate::plot::style::{
    Drawn, Figure, GRID, INK, label_style, note_style, tick_style, title_style,
};

/// Each target's statistic simulated at posterior draws, against the
/// observation (a one-sided target shades the side that misses it).
pub(super) struct Predictive<'a> {
    pub(super) plan: &'a CalibrationPlan,
    pub(super) predictive: &'a [(usize, Vec<f64>)],
}

impl Figure for Predictive<'_> {
    fn stem(&self) -> String {
        "posterior_predictive".into()
    }
    fn caption(&self) -> String {
        "Posterior predictive check: each target's statistic simulated afresh at posterior draws (bars) against the observation (line); shaded, the side a one-sided target rules out.".into()
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let (title, body) = root.split_vertically(84);
        title.draw_text(
            &format!(
                "Posterior predictive check ({} draws)",
                self.predictive.len()
            ),
            &title_style(),
            (24, 14),
        )?;
        let targets = &self.plan.targets;
        let (rows, columns) = grid(targets.len());
        let panels = body.split_evenly((rows, columns));
        for (t, (panel, target)) in panels.iter().zip(targets).enumerate() {
            let values: Vec<(f64, f64)> = self
                .predictive
                .iter()
                .map(|(_, s)| (s[t], 1.0))
                .filter(|(v, _)| v.is_finite())
                .collect();
            let low = values.iter().map(|v| v.0).fold(target.observed, f64::min);
            let high = values.iter().map(|v| v.0).fold(target.observed, f64::max);
            let (low, high) = widened(low, high);
            let pad = (high - low) * 0.05;
            let (low, high) = (low - pad, high + pad);
            let counts = histogram(&values, low, high, BINS);
            let share: Vec<f64> = counts
                .iter()
                .map(|c| c / values.len().max(1) as f64)
                .collect();
            let top = share.iter().copied().fold(0.0, f64::max).max(0.05) * 1.15;
            let span = high - low;
            let mut chart = ChartBuilder::on(panel)
                .margin(14)
                .caption(shorten(&target.description, 48), note_style())
                .x_label_area_size(50)
                .y_label_area_size(60)
                .build_cartesian_2d(low..high, 0f64..top)?;
            chart
                .configure_mesh()
                .x_labels(5)
                .y_labels(4)
                .x_label_formatter(&|x| {
                    // Rounding noise next to zero is zero.
                    short(if x.abs() < span * 1e-9 { 0.0 } else { *x })
                })
                .y_label_formatter(&|y| short(*y))
                .x_desc(target.name.as_str())
                .y_desc("share of draws")
                .axis_desc_style(label_style())
                .label_style(tick_style())
                .bold_line_style(GRID)
                .light_line_style(WHITE)
                .axis_style(INK)
                .draw()?;
            let missed = match target.sense {
                Sense::Equal => None,
                Sense::AtMost => Some((target.observed, high)),
                Sense::AtLeast => Some((low, target.observed)),
            };
            if let Some((a, b)) = missed {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(a, 0.0), (b, top)],
                    MISS.mix(0.6).filled(),
                )))?;
            }
            let width = (high - low) / BINS as f64;
            chart.draw_series(share.iter().enumerate().map(|(i, &s)| {
                let x0 = low + width * i as f64;
                Rectangle::new([(x0, 0.0), (x0 + width, s)], POSTERIOR.mix(0.7).filled())
            }))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(target.observed, 0.0), (target.observed, top)],
                PRIOR.stroke_width(3),
            )))?;
        }
        Ok(())
    }
}

/// `text` cut to `most` characters, with an ellipsis.
fn shorten(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_string()
    } else {
        let cut: String = text.chars().take(most - 1).collect();
        format!("{cut}…")
    }
}
