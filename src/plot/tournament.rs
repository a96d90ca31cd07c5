//! Figures of a tournament: for each scenario, the pairing matrix (the
//! agreement rate of every proposer entry against every opponent entry, with
//! the two sides' mean utilities), and the ranking of each role with 95 %
//! intervals.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    Drawn, Figure, Format, GRID, INK, PALETTE, label_style, note_style, render, tick_style,
    title_style, viridis,
};
use crate::error::Error;
use crate::tournament::{Standing, TournamentPlan};

/// Draws the figures into `dir`; the file names. `rows` are matches.csv's.
pub fn draw(
    plan: &TournamentPlan,
    rows: &[Vec<String>],
    proposers: &[Standing],
    opponents: &[Standing],
    dir: &Path,
    format: Format,
) -> Result<Vec<String>, Error> {
    let mut files = Vec::new();
    for (k, arena) in plan.arenas.iter().enumerate() {
        let per = plan.proposers.len() * plan.opponents.len();
        files.extend(render(
            &Matrix {
                plan,
                scenario: &arena.name,
                number: k + 1,
                several: plan.arenas.len() > 1,
                rows: &rows[k * per..(k + 1) * per],
            },
            dir,
            format,
        )?);
    }
    files.extend(render(
        &Ranking {
            proposers,
            opponents,
        },
        dir,
        format,
    )?);
    Ok(files)
}

/// The pairing matrix of one scenario.
struct Matrix<'a> {
    plan: &'a TournamentPlan,
    scenario: &'a str,
    number: usize,
    several: bool,
    rows: &'a [Vec<String>],
}

impl Figure for Matrix<'_> {
    fn stem(&self) -> String {
        if self.several {
            format!("pairings_{}_{}", self.number, self.scenario)
        } else {
            "pairings".into()
        }
    }
    fn caption(&self) -> String {
        format!(
            "{}: agreement rate of each pairing (colour), with the proposer's and the opponent's mean utility.",
            self.scenario
        )
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let (p, o) = (self.plan.proposers.len(), self.plan.opponents.len());
        let (body, legend) = root.split_horizontally(root.dim_in_pixel().0 - 150);
        let mut chart = ChartBuilder::on(&body)
            .caption(
                format!(
                    "{}: every proposer entry against every opponent entry",
                    self.scenario
                ),
                title_style(),
            )
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(200)
            .build_cartesian_2d(-0.5f64..(o as f64 - 0.5), -0.5f64..(p as f64 - 0.5))?;
        let opponents: Vec<String> = self.plan.opponents.iter().map(|e| e.name.clone()).collect();
        let proposers: Vec<String> = self.plan.proposers.iter().map(|e| e.name.clone()).collect();
        let label = |names: &[String], v: f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                names[i as usize].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            // The opponents' names are drawn below, staggered when long.
            .x_labels(o)
            .y_labels(p)
            .x_label_formatter(&|_| String::new())
            .y_label_formatter(&|v| label(&proposers, *v))
            .x_desc("opponent entry")
            .y_desc("proposer entry")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .axis_style(INK)
            .draw()?;
        // Opponent names under their columns, on two alternating lines when
        // the longest would not fit its column (about 8 px a character).
        let (left, _) = chart.backend_coord(&(-0.5, -0.5));
        let (right, bottom) = chart.backend_coord(&(o as f64 - 0.5, -0.5));
        let column = f64::from(right - left) / o as f64;
        let widest = opponents
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0);
        let stagger = widest as f64 * 8.0 > column * 0.95;
        let (origin_x, origin_y) = body.get_base_pixel();
        for (j, name) in opponents.iter().enumerate() {
            let (x, _) = chart.backend_coord(&(j as f64, -0.5));
            let dy = if stagger && j % 2 == 1 { 26 } else { 8 };
            body.draw_text(
                name,
                &tick_style().pos(Pos::new(HPos::Center, VPos::Top)),
                (x - origin_x, bottom - origin_y + dy),
            )?;
        }
        let number = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
        for (k, row) in self.rows.iter().enumerate() {
            let (i, j) = ((k / o) as f64, (k % o) as f64);
            let rate = number(&row[4]);
            let colour = if rate.is_finite() {
                viridis(rate)
            } else {
                GRID
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(j - 0.5, i - 0.5), (j + 0.5, i + 0.5)],
                colour.filled(),
            )))?;
            let ink = if rate > 0.6 { INK } else { WHITE };
            let text = |t: String, dy: f64, style: TextStyle<'static>| {
                Text::new(
                    t,
                    (j, i + dy),
                    style.color(&ink).pos(Pos::new(HPos::Center, VPos::Center)),
                )
            };
            let cells = (p * o) as f64;
            let shift = if cells > 36.0 { 0.0 } else { 0.15 };
            chart.draw_series(std::iter::once(text(
                format!("{:.0} %", 100.0 * rate),
                shift,
                label_style(),
            )))?;
            if cells <= 36.0 {
                chart.draw_series(std::iter::once(text(
                    format!("{:.3} / {:.3}", number(&row[7]), number(&row[11])),
                    -shift,
                    tick_style(),
                )))?;
            }
        }
        // Colour scale of the agreement rate.
        let (w, h) = legend.dim_in_pixel();
        let (top, bottom) = (110, h as i32 - 140);
        for y in top..bottom {
            let t = 1.0 - f64::from(y - top) / f64::from(bottom - top);
            legend.draw(&Rectangle::new([(30, y), (60, y + 1)], viridis(t).filled()))?;
        }
        for (t, text) in [(1.0, "100 %"), (0.5, "50 %"), (0.0, "0 %")] {
            let y = top + ((1.0 - t) * f64::from(bottom - top)) as i32;
            legend.draw_text(text, &tick_style(), (66, y - 9))?;
        }
        legend.draw_text("agreement", &note_style(), (20, top - 40))?;
        let _ = w;
        let (_, height) = root.dim_in_pixel();
        let note = if p * o > 36 {
            "in each cell: the agreement rate (utilities in matches.csv)"
        } else {
            "in each cell: agreement rate; proposer's / opponent's mean utility"
        };
        root.draw_text(note, &note_style(), (24, height as i32 - 24))?;
        Ok(())
    }
}

/// Each role's entries by mean utility, with their 95 % intervals.
struct Ranking<'a> {
    proposers: &'a [Standing],
    opponents: &'a [Standing],
}

impl Figure for Ranking<'_> {
    fn stem(&self) -> String {
        "ranking".into()
    }
    fn caption(&self) -> String {
        "Ranking of each role's entries by mean utility over all their pairings, with 95 % intervals; entries of one colour are in one group (their order is not established).".into()
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let (title, body) = root.split_vertically(70);
        title.draw_text("Ranking by mean utility", &title_style(), (24, 16))?;
        let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);
        for (area, role, standings) in [
            (&left, "proposer", self.proposers),
            (&right, "opponent", self.opponents),
        ] {
            let n = standings.len();
            let low = standings
                .iter()
                .map(|s| s.low)
                .fold(f64::INFINITY, f64::min);
            let high = standings
                .iter()
                .map(|s| s.high)
                .fold(f64::NEG_INFINITY, f64::max);
            let (low, high) = if high > low {
                (low, high)
            } else {
                (low - 0.05, high + 0.05)
            };
            let pad = (high - low) * 0.1;
            let names: Vec<String> = standings.iter().map(|s| s.entry.clone()).collect();
            let mut chart = ChartBuilder::on(area)
                .margin(20)
                .x_label_area_size(60)
                .y_label_area_size(180)
                .build_cartesian_2d((low - pad)..(high + pad), -0.5f64..(n as f64 - 0.5))?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(n)
                .y_label_formatter(&|v| {
                    // Rank 1 at the top.
                    let i = v.round();
                    if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                        format!("{}. {}", n - i as usize, names[n - 1 - i as usize])
                    } else {
                        String::new()
                    }
                })
                .x_labels(5)
                .x_desc(format!("{role}'s mean utility"))
                .axis_desc_style(label_style())
                .label_style(tick_style())
                .bold_line_style(GRID)
                .light_line_style(WHITE)
                .axis_style(INK)
                .draw()?;
            for (k, s) in standings.iter().enumerate() {
                let y = (n - 1 - k) as f64;
                let colour = PALETTE[(s.group - 1) % PALETTE.len()];
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(s.low, y), (s.high, y)],
                    colour.stroke_width(4),
                )))?;
                chart.draw_series(std::iter::once(Circle::new(
                    (s.mean, y),
                    8,
                    colour.filled(),
                )))?;
            }
        }
        Ok(())
    }
}
