//! The outcome space: every package in the proposer–opponent utility plane,
//! the Pareto frontier, the disagreement point, the Nash,
//! Kalai–Smorodinsky and equilibrium points, and the simulated deals.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::analysis::{Solution, analyze};
use crate::data::Verified;
use crate::data::schema::{column, file};
use crate::error::Error;
use crate::model::{Model, Outcome, Scenario, Subspace};
use crate::theory::Side;

use super::style::{
    Drawn, Figure, GRID, INK, PALETTE, label_style, note_style, tick_style, title_style,
};
use crate::data::table::Rows;

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
    /// Simulated agreements, their packages valued at the plotted environment.
    pub deals: Vec<Deal>,
    pub note: String,
}

/// Simulated agreements at one point of the plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deal {
    /// Mean (proposer, opponent) utility of the packages agreed there.
    pub at: (f64, f64),
    pub runs: u64,
    /// Whether the hosts accept these packages at the plotted environment
    /// (only such packages make up the frontier).
    pub accepted: bool,
}

impl SpaceFigure {
    /// The plotted range of one axis: the data with a margin, within [0, 1].
    fn bounds(&self, axis: usize) -> std::ops::Range<f64> {
        let pick = |p: (f64, f64)| if axis == 0 { p.0 } else { p.1 };
        let values = self
            .packages
            .iter()
            .map(|p| pick((p.0, p.1)))
            .chain(self.deals.iter().map(|d| pick(d.at)))
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
            "Every package in the {}–{} utility plane at the expected environment, the Pareto frontier, the disagreement point, the Nash, Kalai–Smorodinsky and equilibrium solutions, and the packages of the simulated deals valued at that same environment.",
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
            .margin_bottom(56)
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
        // Deals: area in proportion to the runs that agreed there.
        let deal_colour = PALETTE[2];
        let most = self.deals.iter().map(|d| d.runs).max().unwrap_or(1).max(1);
        let radius = |d: &Deal| (4.0 + 14.0 * (d.runs as f64 / most as f64).sqrt()).round() as i32;
        chart
            .draw_series(
                self.deals
                    .iter()
                    .filter(|d| d.accepted)
                    .map(|d| Circle::new(d.at, radius(d), deal_colour.mix(0.55).filled())),
            )?
            .label("simulated deal (area: runs)")
            .legend(move |(x, y)| Circle::new((x + 10, y), 6, deal_colour.filled()));
        if self.deals.iter().any(|d| !d.accepted) {
            chart
                .draw_series(
                    self.deals
                        .iter()
                        .filter(|d| !d.accepted)
                        .map(|d| Circle::new(d.at, radius(d), deal_colour.stroke_width(2))),
                )?
                .label("deal a host would veto here")
                .legend(move |(x, y)| Circle::new((x + 10, y), 6, deal_colour.stroke_width(2)));
        }
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
        for (k, line) in self.note.lines().enumerate() {
            root.draw(&Text::new(
                line.to_string(),
                (30, 752 + 22 * k as i32),
                note_style(),
            ))?;
        }
        Ok(())
    }
}

/// Packages drawn in the outcome space at most (every k-th beyond this).
const MAX_PACKAGES_DRAWN: usize = 20_000;
/// Deals closer than 1/DEAL_CELLS in both utilities are drawn as one.
const DEAL_CELLS: f64 = 400.0;

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
    let deals = deals_at(dir, &model, [p, o], threat, leverage)?;
    let agreed: u64 = deals.iter().map(|d| d.runs).sum();
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
            "Packages, solutions and deals at the expected environment (threat {threat:.2}, oil ${:.0}){}.\nEach of the {agreed} simulated deals is drawn at its package's utilities there, not at its own run's environment.",
            draw.price_at(1),
            if dir.manifest.is_run() {
                ""
            } else {
                ", with the base config's preferences"
            }
        ),
        deals,
    })
}

/// The agreements of runs.csv, streamed: each agreed package valued by the
/// proposer and opponent `agents` at one environment, pooled where they
/// coincide (at most one point per 1/400 of each utility, so memory does not
/// grow with the runs).
fn deals_at(
    dir: &Verified,
    model: &Model,
    agents: [usize; 2],
    threat: f64,
    leverage: f64,
) -> Result<Vec<Deal>, Error> {
    let scenario = model.scenario();
    let mut rows = Rows::open(dir, file::RUNS)?;
    let [status, outcome] = rows
        .columns(&[column::STATUS, column::OUTCOME])?
        .try_into()
        .expect("two columns asked for");
    let names: Vec<&str> = scenario.issues.iter().map(|i| i.name.as_str()).collect();
    let issues = rows.columns(&names)?;
    let mut cells: BTreeMap<(i64, i64, bool), (f64, f64, u64)> = BTreeMap::new();
    let mut package = vec![0u32; issues.len()];
    while let Some(record) = rows.next_record()? {
        if record.get(status) != Some("ok")
            || record.get(outcome) != Some(Outcome::Agreement.name())
        {
            continue;
        }
        let parsed =
            issues
                .iter()
                .zip(&scenario.issues)
                .zip(&mut package)
                .all(
                    |((&c, issue), slot)| match record.get(c).and_then(|v| issue.index_of(v)) {
                        Some(v) => {
                            *slot = v as u32;
                            true
                        }
                        None => false,
                    },
                );
        if !parsed {
            continue;
        }
        let [x, y] = agents.map(|a| scenario.agents[a].utility_of(&package, threat, leverage));
        let accepted = model.hosts_accept(&package, threat, leverage);
        let key = (
            (x * DEAL_CELLS).round() as i64,
            (y * DEAL_CELLS).round() as i64,
            accepted,
        );
        let cell = cells.entry(key).or_insert((0.0, 0.0, 0));
        *cell = (cell.0 + x, cell.1 + y, cell.2 + 1);
    }
    Ok(cells
        .into_iter()
        .map(|((_, _, accepted), (x, y, n))| Deal {
            at: (x / n as f64, y / n as f64),
            runs: n,
            accepted,
        })
        .collect())
}
