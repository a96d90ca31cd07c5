//! Sensitivity indices of one output: Sobol S1 and ST as bars with bootstrap
//! whiskers, or Morris μ* as bars and μ* against σ.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::data::Verified;
use crate::error::Error;
use crate::model::Scenario;

use super::scale::short;
use super::style::{
    Drawn, Figure, GRID, INK, PALETTE, category_label, label_style, note_style, slug, tick_style,
    title_style,
};
use crate::data::table::Table;

/// An index value with its interval.
pub type Value = (f64, f64, f64);

#[derive(Debug, Clone)]
pub struct SensitivityFigure {
    pub scenario: String,
    pub output: String,
    pub method: String,
    /// Per factor (sorted by importance): name and, for Sobol, (S1, ST); for
    /// Morris, (μ*, σ).
    pub factors: Vec<(String, Value, Value)>,
    pub noise_share: Option<f64>,
}

impl Figure for SensitivityFigure {
    fn stem(&self) -> String {
        format!("sensitivity_{}", slug(&self.output))
    }

    fn caption(&self) -> String {
        if self.method == "morris" {
            format!(
                "Morris screening of {}: μ* with bootstrap 95 % intervals, and μ* against σ.",
                self.output
            )
        } else {
            format!(
                "Sobol indices of {}: first order S1 and total ST with bootstrap 95 % intervals.",
                self.output
            )
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let title = format!(
            "{}: {} sensitivity of {}",
            self.scenario, self.method, self.output
        );
        let noise = self.noise_share.map_or(String::new(), |n| {
            format!(
                "Replicate noise is {:.0} % of the variance of {} across design points.",
                100.0 * n,
                self.output
            )
        });
        root.draw(&Text::new(noise, (30, 772), note_style()))?;
        let labels: Vec<String> = self.factors.iter().map(|f| f.0.clone()).collect();
        let n = labels.len();
        let top = self
            .factors
            .iter()
            .flat_map(|f| [f.1.0, f.1.2, f.2.0, f.2.2])
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max)
            .max(1e-9)
            * 1.1;
        let bottom = self
            .factors
            .iter()
            .flat_map(|f| [f.1.1, f.2.1])
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::min);
        let morris = self.method == "morris";
        let body = root.margin(12, 0, 0, 0).titled(&title, title_style())?;
        let (left, right) = if morris {
            body.split_horizontally(640)
        } else {
            body.split_horizontally(1200)
        };
        // Factor names run downwards where they would not fit side by side
        // (about 11 pixels a character).
        let slot = (left.dim_in_pixel().0 as usize).saturating_sub(150) / n.max(1);
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let rotate = longest * 11 + 10 > slot;
        let mut chart = ChartBuilder::on(&left)
            .margin(24)
            .margin_bottom(50)
            .x_label_area_size(if rotate {
                (longest as u32 * 11 + 30).min(260)
            } else {
                80
            })
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, bottom..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_labels(0)
            .y_desc(if morris {
                "μ* (mean absolute elementary effect)"
            } else {
                "Sobol index (share of variance)"
            })
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .y_label_formatter(&|y| short(*y))
            .draw()?;
        for i in 0..n {
            let (px, py) = chart.backend_coord(&(i as f64, bottom));
            let style = if rotate {
                tick_style().transform(FontTransform::Rotate90)
            } else {
                super::style::centred(tick_style())
            };
            let at = if rotate {
                (px + 10, py + 10)
            } else {
                (px, py + 20)
            };
            left.draw(&Text::new(category_label(&labels, i as f64), at, style))?;
        }
        let series: Vec<(&str, usize, RGBColor)> = if morris {
            vec![("μ*", 1, PALETTE[0])]
        } else {
            vec![
                ("S1 (first order)", 1, PALETTE[0]),
                ("ST (total)", 2, PALETTE[1]),
            ]
        };
        let width = 0.7 / series.len() as f64;
        for (s, &(name, which, c)) in series.iter().enumerate() {
            let offset = -0.35 + width * (s as f64 + 0.5);
            let value = |f: &(String, Value, Value)| if which == 1 { f.1 } else { f.2 };
            chart
                .draw_series(self.factors.iter().enumerate().map(|(i, f)| {
                    let x = i as f64 + offset;
                    Rectangle::new(
                        [
                            (x - width / 2.0, 0.0),
                            (x + width / 2.0, value(f).0.clamp(bottom, top)),
                        ],
                        c.filled(),
                    )
                }))?
                .label(name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 16, y + 8)], c.filled()));
            chart.draw_series(self.factors.iter().enumerate().filter_map(|(i, f)| {
                let (_, low, high) = value(f);
                (low.is_finite() && high.is_finite()).then(|| {
                    let x = i as f64 + offset;
                    let (low, high) = (low.clamp(bottom, top), high.clamp(bottom, top));
                    PathElement::new(vec![(x, low), (x, high)], INK.stroke_width(2))
                })
            }))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(14)
            .background_style(WHITE.mix(0.92))
            .border_style(INK)
            .label_font(tick_style())
            .draw()?;
        if morris {
            let sigma_top = self
                .factors
                .iter()
                .map(|f| f.2.0)
                .fold(0.0f64, f64::max)
                .max(1e-9)
                * 1.15;
            let mut scatter = ChartBuilder::on(&right)
                .margin(24)
                .margin_bottom(50)
                .x_label_area_size(80)
                .y_label_area_size(90)
                .build_cartesian_2d(0f64..top * 1.4, 0f64..sigma_top)?;
            scatter
                .configure_mesh()
                .bold_line_style(GRID)
                .light_line_style(WHITE)
                .axis_style(INK)
                .x_desc("μ*")
                .y_desc("σ (spread of elementary effects)")
                .axis_desc_style(label_style())
                .label_style(tick_style())
                .x_label_formatter(&|x| short(*x))
                .y_label_formatter(&|y| short(*y))
                .draw()?;
            for f in &self.factors {
                let p = (f.1.0, f.2.0);
                scatter.draw_series(std::iter::once(Circle::new(p, 6, PALETTE[0].filled())))?;
                scatter.draw_series(std::iter::once(
                    EmptyElement::at(p) + Text::new(f.0.clone(), (10, -22), tick_style()),
                ))?;
            }
        }
        Ok(())
    }
}

/// One figure per output of `sensitivity.csv`.
pub(super) fn sensitivity_figures(
    dir: &Verified,
    scenario: &Scenario,
) -> Result<Vec<SensitivityFigure>, Error> {
    let table = Table::read(dir, "sensitivity.csv")?;
    let (outputs, methods, indices, factors) = (
        table.texts("output"),
        table.texts("method"),
        table.texts("index"),
        table.texts("factor"),
    );
    let (values, lows, highs) = (
        table.numbers("value"),
        table.numbers("ci_low"),
        table.numbers("ci_high"),
    );
    let mut names: Vec<&str> = Vec::new();
    for o in &outputs {
        if !names.contains(o) {
            names.push(o);
        }
    }
    let get = |i: usize| {
        (
            values[i].unwrap_or(f64::NAN),
            lows[i].unwrap_or(f64::NAN),
            highs[i].unwrap_or(f64::NAN),
        )
    };
    let mut figures = Vec::new();
    for output in names {
        let rows: Vec<usize> = (0..outputs.len())
            .filter(|&i| outputs[i] == output)
            .collect();
        let method = methods[rows[0]].to_string();
        let (first, second) = if method == "morris" {
            ("mu_star", "sigma")
        } else {
            ("S1", "ST")
        };
        let mut list: Vec<(String, Value, Value)> = Vec::new();
        for &i in rows.iter().filter(|&&i| indices[i] == first) {
            let other = rows
                .iter()
                .find(|&&k| indices[k] == second && factors[k] == factors[i])
                .map_or((f64::NAN, f64::NAN, f64::NAN), |&k| get(k));
            list.push((factors[i].to_string(), get(i), other));
        }
        // Most important first: by μ* (Morris) or ST (Sobol).
        if method == "morris" {
            list.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
        } else {
            list.sort_by(|a, b| b.2.0.total_cmp(&a.2.0));
        }
        let noise = rows
            .iter()
            .find(|&&i| indices[i] == "noise_share")
            .and_then(|&i| values[i]);
        figures.push(SensitivityFigure {
            scenario: scenario.name.clone(),
            output: output.to_string(),
            method,
            factors: list,
            noise_share: noise,
        });
    }
    Ok(figures)
}
