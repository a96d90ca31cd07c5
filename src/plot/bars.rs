//! Bar figures: the outcome composition per design point (stacked), the
//! outcome mix of a run, and the distribution of an issue's final values.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    Drawn, Figure, GRID, INK, OUTCOME_COLOURS, category_label, centred, label_style, note_style,
    slug, tick_style, title_style,
};

const OUTCOMES: [&str; 3] = ["agreement", "unilateral", "status quo"];

/// Shares of each outcome at every design point, stacked.
#[derive(Debug, Clone)]
pub struct CompositionFigure {
    pub scenario: String,
    /// Per point: label and shares (agreement, unilateral, status quo).
    pub points: Vec<(String, [f64; 3])>,
    /// What the point labels list, e.g. "oil_price / start_linkage".
    pub label_names: String,
}

impl Figure for CompositionFigure {
    fn stem(&self) -> String {
        "outcome_shares_by_design_point".into()
    }

    fn caption(&self) -> String {
        "Share of runs ending in agreement, unilateral deployment and the status quo at each design point.".into()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let n = self.points.len();
        let rotate = n > 8;
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: outcomes by design point", self.scenario),
                title_style(),
            )
            .margin(24)
            .margin_right(200)
            .x_label_area_size(if rotate { 210 } else { 80 })
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..1f64)?;
        let labels: Vec<String> = self.points.iter().map(|p| p.0.clone()).collect();
        let every = n.div_ceil(40).max(1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_desc(format!("design point ({})", self.label_names))
            .y_desc("share of runs")
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .x_labels(0)
            .y_labels(11)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .draw()?;
        // Point labels, drawn by hand so long ones can run downwards.
        for (i, label) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
            let (px, py) = chart.backend_coord(&(i as f64, 0.0));
            let style = if rotate {
                tick_style().transform(FontTransform::Rotate90)
            } else {
                centred(tick_style())
            };
            let at = if rotate {
                (px + 10, py + 10)
            } else {
                (px, py + 20)
            };
            root.draw(&Text::new(label.clone(), at, style))?;
        }
        for (k, name) in OUTCOMES.iter().enumerate() {
            let c = OUTCOME_COLOURS[k];
            chart.draw_series(self.points.iter().enumerate().map(|(i, (_, shares))| {
                let below: f64 = shares[..k].iter().sum();
                let x = i as f64;
                Rectangle::new([(x - 0.4, below), (x + 0.4, below + shares[k])], c.filled())
            }))?;
            // Legend beside the plot, top to bottom in stacking order reversed.
            let y = 120 + 40 * (2 - k as i32);
            root.draw(&Rectangle::new(
                [(1025, y - 12), (1049, y + 12)],
                c.filled(),
            ))?;
            root.draw(&Text::new(
                *name,
                (1058, y),
                tick_style().pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Left,
                    plotters::style::text_anchor::VPos::Center,
                )),
            ))?;
        }
        Ok(())
    }
}

/// One bar: label, height, and an optional interval drawn as a whisker.
pub type Bar = (String, f64, Option<(f64, f64)>);

/// Bars with optional Wilson whiskers: a run's outcome mix, or how often each
/// value of an issue was the final one.
#[derive(Debug, Clone)]
pub struct BarsFigure {
    pub scenario: String,
    pub stem: String,
    pub title: String,
    pub caption: String,
    pub x_desc: String,
    pub y_desc: String,
    pub bars: Vec<Bar>,
    pub colours: Vec<RGBColor>,
    pub note: Option<String>,
}

impl Figure for BarsFigure {
    fn stem(&self) -> String {
        slug(&self.stem)
    }

    fn caption(&self) -> String {
        self.caption.clone()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let n = self.bars.len();
        let top = self
            .bars
            .iter()
            .map(|b| b.2.map_or(b.1, |ci| ci.1).max(b.1))
            .fold(0.0, f64::max);
        let top = if top <= 1.0 { 1.0 } else { top * 1.1 };
        let mut chart = ChartBuilder::on(root)
            .caption(format!("{}: {}", self.scenario, self.title), title_style())
            .margin(24)
            .x_label_area_size(80)
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..top)?;
        let labels: Vec<String> = self.bars.iter().map(|b| b.0.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .x_labels(n)
            .y_labels(11)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .x_label_formatter(&|x| category_label(&labels, *x))
            .draw()?;
        let colours = self.colours.clone();
        let width = if n <= 3 { 0.25 } else { 0.35 };
        chart.draw_series(self.bars.iter().enumerate().map(|(i, b)| {
            let x = i as f64;
            let c = colours[i % colours.len()];
            Rectangle::new([(x - width, 0.0), (x + width, b.1)], c.filled())
        }))?;
        let width = if n <= 3 { 0.25 } else { 0.35 };
        chart.draw_series(self.bars.iter().enumerate().filter_map(|(i, b)| {
            b.2.map(|(low, high)| {
                let x = i as f64;
                let cap = width / 3.0;
                PathElement::new(
                    vec![
                        (x - cap, low),
                        (x + cap, low),
                        (x, low),
                        (x, high),
                        (x - cap, high),
                        (x + cap, high),
                    ],
                    INK.stroke_width(2),
                )
            })
        }))?;
        if let Some(note) = &self.note {
            root.draw(&Text::new(note.clone(), (30, 770), note_style()))?;
        }
        Ok(())
    }
}
