//! Figures of a scenario discovery, per box: the coverage–density trade-off
//! of its peeling trajectory, its limits against each input's range, and the
//! cases on the two inputs it restricts most significantly, with the box.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    Drawn, Figure, Format, GRID, INK, label_style, note_style, render, tick_style, title_style,
    viridis,
};
use crate::discover::prim::extent;
use crate::discover::{Cases, Column, Found, Limit, Step};
use crate::error::Error;

/// Most cases drawn on a scatter: every k-th case beyond that (a fixed
/// stride, so the figure is the same each time).
const MAX_POINTS: usize = 20_000;

/// Draws every box's figures into `dir`; returns the file names.
pub fn draw(
    cases: &Cases,
    found: &[Found],
    question: &str,
    dir: &Path,
    format: Format,
) -> Result<Vec<String>, Error> {
    let all: Vec<u32> = (0..cases.interest.len() as u32).collect();
    let full = extent(cases, &all);
    let mut files = Vec::new();
    for (b, f) in found.iter().enumerate() {
        let number = b + 1;
        files.extend(render(
            &Tradeoff {
                number,
                found: f,
                question,
            },
            dir,
            format,
        )?);
        files.extend(render(
            &Limits {
                number,
                found: f,
                cases,
                full: &full,
            },
            dir,
            format,
        )?);
        if let Some(scatter) = Scatter::new(number, f, cases, &full) {
            files.extend(render(&scatter, dir, format)?);
        }
    }
    Ok(files)
}

/// Coverage against density along the peeling trajectory.
struct Tradeoff<'a> {
    number: usize,
    found: &'a Found,
    question: &'a str,
}

impl Figure for Tradeoff<'_> {
    fn stem(&self) -> String {
        format!("box_{}_tradeoff", self.number)
    }
    fn caption(&self) -> String {
        format!(
            "Box {}: coverage and density of each peeled box.",
            self.number
        )
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let steps = &self.found.trajectory;
        let most = steps
            .iter()
            .map(|s| s.stats.restricted)
            .max()
            .unwrap_or(1)
            .max(1);
        let (body, legend) = root.split_horizontally(root.dim_in_pixel().0 - 200);
        let mut chart = ChartBuilder::on(&body)
            .caption(
                format!("Box {}: peeling trajectory", self.number),
                title_style(),
            )
            .margin(24)
            .x_label_area_size(90)
            .y_label_area_size(90)
            .build_cartesian_2d(0f64..1.02f64, 0f64..1.02f64)?;
        chart
            .configure_mesh()
            .x_desc("coverage (share of all cases of interest in the box)")
            .y_desc("density (share of the box's cases of interest)")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .draw()?;
        let colour = |r: usize| viridis(r as f64 / most as f64);
        chart.draw_series(steps.iter().map(|s| {
            Circle::new(
                (s.stats.coverage, s.stats.density),
                6,
                colour(s.stats.restricted).filled(),
            )
        }))?;
        let chosen = &steps[self.found.chosen].stats;
        chart.draw_series(std::iter::once(Circle::new(
            (chosen.coverage, chosen.density),
            12,
            INK.stroke_width(2),
        )))?;
        let pasted = &self.found.pasted.stats;
        chart.draw_series(std::iter::once(TriangleMarker::new(
            (pasted.coverage, pasted.density),
            10,
            RGBColor(200, 40, 40).filled(),
        )))?;
        // The legend: restricted inputs by colour, the chosen and pasted boxes.
        let text = label_style();
        let mut y = 90;
        legend.draw_text("inputs restricted", &text, (10, y))?;
        for r in 0..=most {
            y += 30;
            legend.draw(&Circle::new((20, y + 9), 6, colour(r).filled()))?;
            legend.draw_text(&r.to_string(), &tick_style(), (36, y))?;
        }
        y += 45;
        legend.draw(&Circle::new((20, y + 9), 12, INK.stroke_width(2)))?;
        legend.draw_text("chosen", &tick_style(), (40, y))?;
        y += 35;
        legend.draw(&TriangleMarker::new(
            (20, y + 9),
            10,
            RGBColor(200, 40, 40).filled(),
        ))?;
        legend.draw_text("pasted", &tick_style(), (40, y))?;
        let (width, height) = root.dim_in_pixel();
        let note = shorten(self.question, 120);
        root.draw_text(&note, &note_style(), (24, height as i32 - 24))?;
        let _ = width;
        Ok(())
    }
}

/// Each input's box limits against its range.
struct Limits<'a> {
    number: usize,
    found: &'a Found,
    cases: &'a Cases,
    full: &'a [Limit],
}

impl Figure for Limits<'_> {
    fn stem(&self) -> String {
        format!("box_{}_limits", self.number)
    }
    fn caption(&self) -> String {
        format!(
            "Box {}: its limits against each input's range.",
            self.number
        )
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let inputs = &self.cases.inputs;
        let n = inputs.len();
        let st = &self.found.pasted.stats;
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "Box {}: coverage {:.2}, density {:.2}, mass {:.2}",
                    self.number, st.coverage, st.density, st.mass
                ),
                title_style(),
            )
            .margin(24)
            .x_label_area_size(60)
            .y_label_area_size(260)
            .build_cartesian_2d(-0.02f64..1.02f64, -0.5f64..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .x_desc("position in the input's range (0 = lowest, 1 = highest value searched)")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .y_labels(n)
            .y_label_formatter(&|y| {
                let i = y.round() as usize;
                if (y - i as f64).abs() < 1e-9 && i < n {
                    inputs[n - 1 - i].name.clone()
                } else {
                    String::new()
                }
            })
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .draw()?;
        let quasi: Vec<Option<f64>> = (0..n)
            .map(|j| self.found.quasi_p.iter().find(|q| q.0 == j).map(|q| q.1))
            .collect();
        for (j, input) in inputs.iter().enumerate() {
            let y = (n - 1 - j) as f64;
            let limit = &self.found.pasted.limits[j];
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.12), (1.0, y + 0.12)],
                GRID.filled(),
            )))?;
            let restricted = quasi[j].is_some();
            let colour = if restricted {
                RGBColor(200, 40, 40)
            } else {
                RGBColor(150, 150, 150)
            };
            let label = match (limit, &self.full[j], &input.column) {
                (Limit::Range { low, high }, Limit::Range { low: a, high: b }, _) => {
                    let span = if b > a { b - a } else { 1.0 };
                    let (from, to) = ((low - a) / span, (high - a) / span);
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(from, y - 0.25), (to, y + 0.25)],
                        colour.filled(),
                    )))?;
                    format!("{} to {}", short(*low), short(*high))
                }
                (Limit::Set(allowed), _, Column::Categorical { labels, .. }) => {
                    // One segment per category: the box's in colour.
                    let width = 1.0 / labels.len() as f64;
                    for (c, name) in labels.iter().enumerate() {
                        let (from, to) = (c as f64 * width, (c + 1) as f64 * width);
                        let fill = if allowed[c] { colour } else { GRID };
                        chart.draw_series(std::iter::once(Rectangle::new(
                            [(from + 0.003, y - 0.25), (to - 0.003, y + 0.25)],
                            fill.filled(),
                        )))?;
                        chart.draw_series(std::iter::once(Text::new(
                            name.clone(),
                            (from + 0.01, y + 0.05),
                            tick_style(),
                        )))?;
                    }
                    let names: Vec<&str> = labels
                        .iter()
                        .zip(allowed)
                        .filter(|(_, a)| **a)
                        .map(|(l, _)| l.as_str())
                        .collect();
                    names.join(", ")
                }
                _ => String::new(),
            };
            let text = match quasi[j] {
                Some(p) if p > 0.0 => format!("{label}   (quasi-p {p:.1e})"),
                Some(_) => format!("{label}   (quasi-p < 1e-300)"),
                None => "not restricted".to_string(),
            };
            chart.draw_series(std::iter::once(Text::new(
                text,
                (0.01, y + 0.42),
                tick_style(),
            )))?;
        }
        Ok(())
    }
}

/// The cases on two restricted numeric inputs, with the box.
struct Scatter<'a> {
    number: usize,
    cases: &'a Cases,
    /// The box's limits with the two drawn inputs' relaxed: which cases to draw.
    others: Vec<Limit>,
    /// Those other limits in words, for the note.
    note: String,
    inputs: [usize; 2],
    bounds: [(f64, f64); 2],
    ranges: [(f64, f64); 2],
}

impl<'a> Scatter<'a> {
    /// The two numeric inputs with the smallest quasi-p-values (the second
    /// may be unrestricted), or `None` without two numeric inputs.
    fn new(number: usize, found: &Found, cases: &'a Cases, full: &[Limit]) -> Option<Scatter<'a>> {
        let numeric = |j: usize| matches!(cases.inputs[j].column, Column::Numeric(_));
        let mut order: Vec<(usize, f64)> = found
            .quasi_p
            .iter()
            .copied()
            .filter(|q| numeric(q.0))
            .collect();
        order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let mut chosen: Vec<usize> = order.iter().map(|q| q.0).collect();
        let rest: Vec<usize> = (0..cases.inputs.len())
            .filter(|&j| numeric(j) && !chosen.contains(&j))
            .collect();
        chosen.extend(rest);
        if chosen.len() < 2 {
            return None;
        }
        let pair = [chosen[0], chosen[1]];
        let range = |j: usize| match &full[j] {
            Limit::Range { low, high } => (*low, *high),
            Limit::Set(_) => (0.0, 1.0),
        };
        let bound = |j: usize| match &found.pasted.limits[j] {
            Limit::Range { low, high } => (*low, *high),
            Limit::Set(_) => range(j),
        };
        let mut others = found.pasted.limits.clone();
        for j in pair {
            others[j] = full[j].clone();
        }
        let note = crate::discover::describe(
            cases,
            &Step {
                limits: others.clone(),
                stats: found.pasted.stats.clone(),
            },
            full,
        );
        Some(Scatter {
            number,
            cases,
            others,
            note,
            inputs: pair,
            bounds: pair.map(bound),
            ranges: pair.map(range),
        })
    }
}

impl Figure for Scatter<'_> {
    fn stem(&self) -> String {
        format!("box_{}_cases", self.number)
    }
    fn caption(&self) -> String {
        format!(
            "Box {}: the cases on its two most significant inputs.",
            self.number
        )
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let value = |j: usize| match &self.cases.inputs[j].column {
            Column::Numeric(x) => x,
            Column::Categorical { .. } => unreachable!("scatter inputs are numeric"),
        };
        let (x, y) = (value(self.inputs[0]), value(self.inputs[1]));
        let pad = |(a, b): (f64, f64)| {
            let p = if b > a { (b - a) * 0.03 } else { 0.5 };
            (a - p)..(b + p)
        };
        let names = self.inputs.map(|j| self.cases.inputs[j].name.clone());
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "Box {}: cases of interest (red) and others (grey)",
                    self.number
                ),
                title_style(),
            )
            .margin(24)
            .x_label_area_size(90)
            .y_label_area_size(100)
            .build_cartesian_2d(pad(self.ranges[0]), pad(self.ranges[1]))?;
        chart
            .configure_mesh()
            .x_desc(names[0].as_str())
            .y_desc(names[1].as_str())
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .draw()?;
        let n = x.len();
        let stride = n.div_ceil(MAX_POINTS).max(1);
        for interest in [false, true] {
            let colour = if interest {
                RGBColor(200, 40, 40).mix(0.5)
            } else {
                RGBColor(120, 120, 120).mix(0.25)
            };
            chart.draw_series(
                (0..n)
                    .step_by(stride)
                    .filter(|&i| self.cases.interest[i] == interest && self.admitted(i))
                    .map(|i| Circle::new((x[i], y[i]), 2, colour.filled())),
            )?;
        }
        let [(x0, x1), (y0, y1)] = self.bounds;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
            INK.stroke_width(3),
        )))?;
        if !self.note.is_empty() {
            let (_, height) = root.dim_in_pixel();
            let note = shorten(&format!("cases where {}", self.note), 120);
            root.draw_text(&note, &note_style(), (24, height as i32 - 24))?;
        }
        Ok(())
    }
}

impl Scatter<'_> {
    /// Whether case `i` meets the box's limits on the inputs not drawn.
    fn admitted(&self, i: usize) -> bool {
        self.others
            .iter()
            .zip(&self.cases.inputs)
            .all(|(l, input)| l.admits(&input.column, i))
    }
}

fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn shorten(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_string()
    } else {
        text.chars().take(most - 1).collect::<String>() + "…"
    }
}
