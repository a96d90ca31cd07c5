//! A heatmap of a summary metric over the levels of two swept parameters of
//! a grid or zip design, with a colour bar. Sampled designs get none: their
//! points lie on no levels.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::model::Scenario;

use super::parameters::Swept;
use super::scale::short;
use super::style::{
    Drawn, Figure, INK, centred, label_style, slug, tick_style, title_style, viridis,
};

/// Level labels shown on an axis at most (every k-th beyond this).
const MAX_TICKS: usize = 15;

#[derive(Debug, Clone)]
pub struct HeatmapFigure {
    pub scenario: String,
    pub metric: String,
    /// Column names of the parameters (they name the file).
    pub x_name: String,
    pub y_name: String,
    /// Readable labels (title) and axis titles with units.
    pub x_label: String,
    pub y_label: String,
    pub x_title: String,
    pub y_title: String,
    pub x_levels: Vec<String>,
    pub y_levels: Vec<String>,
    /// `cells[y][x]`, `None` where no run succeeded.
    pub cells: Vec<Vec<Option<f64>>>,
    /// Colour scale limits.
    pub range: (f64, f64),
    /// Parameters averaged over (weighted by runs), for the note.
    pub averaged_over: Vec<String>,
}

impl Figure for HeatmapFigure {
    fn stem(&self) -> String {
        format!(
            "heatmap_{}_by_{}_and_{}",
            slug(&self.metric),
            slug(&self.x_name),
            slug(&self.y_name)
        )
    }

    fn caption(&self) -> String {
        let over = if self.averaged_over.is_empty() {
            String::new()
        } else {
            format!(" (averaged over {})", self.averaged_over.join(", "))
        };
        format!(
            "{} over {} and {}{over}.",
            self.metric, self.x_name, self.y_name
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let (main, bar) = root.split_horizontally(1030);
        let (nx, ny) = (self.x_levels.len(), self.y_levels.len());
        let title = format!(
            "{}: {} by {} and {}",
            self.scenario, self.metric, self.x_label, self.y_label
        );
        let mut chart = ChartBuilder::on(&main)
            .caption(title, title_style())
            .margin(24)
            .x_label_area_size(80)
            .y_label_area_size(110)
            .build_cartesian_2d(-0.5f64..nx as f64 - 0.5, -0.5f64..ny as f64 - 0.5)?;
        let (xl, yl) = (self.x_levels.clone(), self.y_levels.clone());
        // Every k-th level is labelled, so labels never run into each other.
        let at = |levels: &[String], v: f64| {
            let i = v.round();
            let every = levels.len().div_ceil(MAX_TICKS).max(1);
            if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < levels.len() {
                let i = i as usize;
                if i.is_multiple_of(every) {
                    levels[i].clone()
                } else {
                    String::new()
                }
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.x_title.as_str())
            .y_desc(self.y_title.as_str())
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .axis_style(INK)
            .x_labels(nx)
            .y_labels(ny)
            .x_label_formatter(&|v| short_label(&at(&xl, *v)))
            .y_label_formatter(&|v| short_label(&at(&yl, *v)))
            .draw()?;
        let (low, high) = self.range;
        let scale = |v: f64| {
            if high > low {
                (v - low) / (high - low)
            } else {
                0.5
            }
        };
        for (y, row) in self.cells.iter().enumerate() {
            for (x, cell) in row.iter().enumerate() {
                let (x, y) = (x as f64, y as f64);
                let fill = match cell {
                    Some(v) => viridis(scale(*v)).filled(),
                    None => RGBColor(200, 200, 200).filled(),
                };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill,
                )))?;
            }
        }
        // Values in the cells while they stay readable.
        if nx <= 14 && ny <= 14 {
            for (y, row) in self.cells.iter().enumerate() {
                for (x, cell) in row.iter().enumerate() {
                    if let Some(v) = cell {
                        let style = if scale(*v) > 0.6 {
                            centred(tick_style().color(&BLACK))
                        } else {
                            centred(tick_style().color(&WHITE))
                        };
                        let text = if v.abs() < 10.0 {
                            format!("{v:.2}")
                        } else {
                            short(*v)
                        };
                        chart.draw_series(std::iter::once(Text::new(
                            text,
                            (x as f64, y as f64),
                            style,
                        )))?;
                    }
                }
            }
        }

        // Colour bar.
        let mut scale_chart = ChartBuilder::on(&bar)
            .margin_top(90)
            .margin_bottom(104)
            .margin_right(10)
            .y_label_area_size(110)
            .build_cartesian_2d(0f64..1f64, low..high.max(low + 1e-9))?;
        scale_chart
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .label_style(tick_style())
            .axis_desc_style(label_style())
            .y_desc(self.metric.as_str())
            .axis_style(INK)
            .y_labels(6)
            .y_label_formatter(&|v| short(*v))
            .draw()?;
        let steps = 100;
        let height = (high - low).max(1e-9) / steps as f64;
        scale_chart.draw_series((0..steps).map(|k| {
            let v = low + k as f64 * height;
            Rectangle::new(
                [(0.0, v), (1.0, v + height)],
                viridis(scale(v + height / 2.0)).filled(),
            )
        }))?;
        Ok(())
    }
}

/// The heatmap of `metric` over the levels of two parameters: `cells[y][x]`
/// holds the runs-weighted sum of the metric and the runs.
pub(super) fn heatmap_figure(
    scenario: &Scenario,
    [x, y]: [&Swept; 2],
    [x_levels, y_levels]: [&[String]; 2],
    cells: Vec<Vec<(f64, f64)>>,
    metric: &str,
    averaged_over: Vec<String>,
) -> HeatmapFigure {
    let cells: Vec<Vec<Option<f64>>> = cells
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|(sum, weight)| (weight > 0.0).then(|| sum / weight))
                .collect()
        })
        .collect();
    let share =
        metric.contains("rate") || metric.starts_with("share_") || metric.starts_with("agreement");
    let range = if share {
        (0.0, 1.0)
    } else {
        cells
            .iter()
            .flatten()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            })
    };
    HeatmapFigure {
        scenario: scenario.name.clone(),
        metric: metric.to_string(),
        x_name: x.name.clone(),
        y_name: y.name.clone(),
        x_label: x.label.clone(),
        y_label: y.label.clone(),
        x_title: x.axis_title(false),
        y_title: y.axis_title(false),
        x_levels: x_levels.to_vec(),
        y_levels: y_levels.to_vec(),
        cells,
        range: if range.0.is_finite() {
            range
        } else {
            (0.0, 1.0)
        },
        averaged_over,
    }
}

/// Category labels are cut so they do not run into each other.
fn short_label(s: &str) -> String {
    if let Ok(x) = s.parse::<f64>() {
        return short(x);
    }
    if s.chars().count() > 14 {
        format!("{}…", s.chars().take(13).collect::<String>())
    } else {
        s.to_string()
    }
}
