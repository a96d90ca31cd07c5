//! Bars with Wilson whiskers: a run's outcome mix, or the agreement rate at
//! each value of a categorical parameter.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    Drawn, Figure, GRID, INK, category_label, label_style, note_style, slug, tick_style,
    title_style,
};

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
