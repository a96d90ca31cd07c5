//! The outcome space: every package in the proposer–opponent utility plane,
//! the Pareto frontier, the disagreement point, the Nash,
//! Kalai–Smorodinsky and equilibrium points, and the simulated deals.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::data::Verified;
use crate::error::Error;
use crate::model::{Model, Scenario, Subspace};
use crate::theory::Side;
use crate::theory::analysis::{Solution, analyze};

use super::style::{
    Drawn, Figure, GRID, INK, PALETTE, label_style, note_style, tick_style, title_style,
};
use super::table::{field, read_columns};

#[derive(Debug, Clone)]
pub struct SpaceFigure {
    pub scenario: String,
    pub proposer: String,
    pub opponent: String,
    /// Every package (host-accepted or not): (proposer, opponent, accepted).
    pub packages: Vec<(f64, f64, bool)>,
    pub frontier: Vec<(f64, f64)>,
    pub disagreement: (f64, f64),
    pub nash: Option<(f64, f64)>,
    pub kalai_smorodinsky: Option<(f64, f64)>,
    pub equilibrium: Option<(f64, f64)>,
    /// Utilities of simulated agreements (each in its own run's environment).
    pub deals: Vec<(f64, f64)>,
    pub note: String,
}

impl SpaceFigure {
    /// The plotted range of one axis: the data with a margin, within [0, 1].
    fn bounds(&self, axis: usize) -> std::ops::Range<f64> {
        let pick = |p: (f64, f64)| if axis == 0 { p.0 } else { p.1 };
        let values = self
            .packages
            .iter()
            .map(|p| pick((p.0, p.1)))
            .chain(self.deals.iter().map(|&p| pick(p)))
            .chain(std::iter::once(pick(self.disagreement)));
        let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let margin = ((high - low) * 0.08).max(0.02);
        (low - margin).max(0.0)..(high + margin).min(1.0)
    }
}

impl Figure for SpaceFigure {
    fn stem(&self) -> String {
        "outcome_space".into()
    }

    fn caption(&self) -> String {
        format!(
            "Every package in the {}–{} utility plane at the expected environment, the Pareto frontier, the disagreement point, the Nash, Kalai–Smorodinsky and equilibrium solutions, and the simulated deals.",
            self.proposer, self.opponent
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let mut chart = ChartBuilder::on(root)
            .caption(format!("{}: outcome space", self.scenario), title_style())
            .margin(24)
            .margin_bottom(40)
            .x_label_area_size(80)
            .y_label_area_size(100)
            .build_cartesian_2d(self.bounds(0), self.bounds(1))?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(INK)
            .x_desc(format!("utility to {} (proposer)", self.proposer))
            .y_desc(format!("utility to {} (opponent)", self.opponent))
            .axis_desc_style(label_style())
            .label_style(tick_style())
            .x_labels(12)
            .y_labels(12)
            .x_label_formatter(&|x| format!("{x:.2}"))
            .y_label_formatter(&|y| format!("{y:.2}"))
            .draw()?;
        let grey = RGBColor(160, 160, 160);
        if self.packages.iter().any(|p| !p.2) {
            let light = RGBColor(215, 215, 215);
            chart
                .draw_series(
                    self.packages
                        .iter()
                        .filter(|p| !p.2)
                        .map(|&(x, y, _)| Circle::new((x, y), 2, light.filled())),
                )?
                .label("package vetoed by a host")
                .legend(move |(x, y)| Circle::new((x + 10, y), 4, light.filled()));
        }
        chart
            .draw_series(
                self.packages
                    .iter()
                    .filter(|p| p.2)
                    .map(|&(x, y, _)| Circle::new((x, y), 2, grey.filled())),
            )?
            .label("package")
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, grey.filled()));
        let deal_colour = PALETTE[2];
        chart
            .draw_series(
                self.deals
                    .iter()
                    .map(|&p| Circle::new(p, 3, deal_colour.mix(0.35).filled())),
            )?
            .label("simulated deal")
            .legend(move |(x, y)| Circle::new((x + 10, y), 5, deal_colour.filled()));
        chart
            .draw_series(LineSeries::new(self.frontier.clone(), INK.stroke_width(2)))?
            .label("Pareto frontier")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], INK.stroke_width(2)));
        let d = self.disagreement;
        chart
            .draw_series(std::iter::once(Cross::new(d, 10, INK.stroke_width(3))))?
            .label("disagreement point")
            .legend(|(x, y)| Cross::new((x + 10, y), 7, INK.stroke_width(3)));
        let markers = [
            (self.nash, "Nash", PALETTE[3]),
            (self.kalai_smorodinsky, "Kalai–Smorodinsky", PALETTE[5]),
            (self.equilibrium, "subgame-perfect equilibrium", PALETTE[0]),
        ];
        for (k, (point, name, c)) in markers.into_iter().enumerate() {
            let Some(p) = point else { continue };
            match k {
                0 => chart
                    .draw_series(std::iter::once(Circle::new(p, 11, c.filled())))?
                    .label(name)
                    .legend(move |(x, y)| Circle::new((x + 10, y), 7, c.filled())),
                1 => chart
                    .draw_series(std::iter::once(TriangleMarker::new(p, 13, c.filled())))?
                    .label(name)
                    .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 8, c.filled())),
                _ => chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(p) + Rectangle::new([(-9, -9), (9, 9)], c.filled()),
                    ))?
                    .label(name)
                    .legend(move |(x, y)| {
                        Rectangle::new([(x + 4, y - 6), (x + 16, y + 6)], c.filled())
                    }),
            };
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(16)
            .background_style(WHITE.mix(0.92))
            .border_style(INK)
            .label_font(tick_style())
            .draw()?;
        root.draw(&Text::new(self.note.clone(), (30, 772), note_style()))?;
        Ok(())
    }
}

/// Packages drawn in the outcome space at most (every k-th beyond this).
const MAX_PACKAGES_DRAWN: usize = 20_000;
/// Simulated deals drawn at most.
const MAX_DEALS_DRAWN: usize = 4_000;

pub(super) fn space_figure(dir: &Verified, scenario: &Scenario) -> Result<SpaceFigure, Error> {
    let model = Model::new(scenario.clone());
    let draw = scenario
        .environment
        .expected(scenario.protocol.deadline_rounds);
    let analysis = analyze(&model, &draw, "expected values".into(), Side::Opponent);
    let (p, o) = (scenario.proposer(), scenario.opponent());
    let (proposer, opponent) = (&scenario.agents[p], &scenario.agents[o]);
    let (threat, leverage) = (draw.threat, draw.leverage_at(1));
    let space = Subspace::full(&scenario.issues);
    let stride = space.size().div_ceil(MAX_PACKAGES_DRAWN).max(1);
    let packages = (0..space.size())
        .step_by(stride)
        .map(|n| {
            let package = space.package(n);
            (
                proposer.utility_of(&package, threat, leverage),
                opponent.utility_of(&package, threat, leverage),
                model.hosts_accept(&package, threat, leverage),
            )
        })
        .collect();
    let pair = |s: &Solution| (s.utilities[&proposer.name], s.utilities[&opponent.name]);
    let names = [
        format!("utility_{}", proposer.name),
        format!("utility_{}", opponent.name),
    ];
    let deals = read_columns(dir, "runs.csv", &names, |r, h| {
        field(r, h, "outcome") == "agreement"
    })?;
    let every = deals[0].len().div_ceil(MAX_DEALS_DRAWN).max(1);
    let deals = deals[0]
        .iter()
        .zip(&deals[1])
        .step_by(every)
        .filter_map(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .collect::<Vec<_>>();
    Ok(SpaceFigure {
        scenario: scenario.name.clone(),
        proposer: proposer.name.clone(),
        opponent: opponent.name.clone(),
        packages,
        frontier: analysis.frontier.iter().map(pair).collect(),
        disagreement: pair(&analysis.disagreement),
        nash: analysis.nash.over_floors.as_ref().map(pair),
        kalai_smorodinsky: analysis.kalai_smorodinsky.over_floors.as_ref().map(pair),
        equilibrium: analysis.equilibrium.deal.as_ref().map(pair),
        note: format!(
            "Packages and solutions at the expected environment (threat {threat:.2}, oil ${:.0}); {} simulated deals, each at its own run's environment.",
            draw.price_at(1),
            deals.len()
        ),
        deals,
    })
}
