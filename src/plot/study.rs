//! The figures of a sweep study: agreement rate against each parameter, the
//! heatmap of two, and the outcome mix of the design points. summary.csv is
//! read twice as a stream (once for each parameter's levels, once for the
//! aggregates), so memory depends on the figures, not on the study's size.

use crate::config::raw::RawConfig;
use crate::data::Verified;
use crate::data::schema::{column, file};
use crate::error::Error;
use crate::model::Scenario;

use super::Draw;
use super::bars::BarsFigure;
use super::composition::{Composition, CompositionFigure};
use super::heatmap::{HeatmapFigure, heatmap_figure};
use super::parameters::{Layout, Swept};
use super::rate::{RateFigure, Scatter, Series};
use super::scale::Axis;
use super::shapes::{Plotted, Shape, levels_of, plan, survey};
use super::stats::{Pooled, Sample};
use super::style::PALETTE;
use crate::data::table::Rows;

/// Design points drawn at most as dots (a seeded sample beyond this).
const MAX_DOTS: usize = 2_000;
/// Design points drawn one bar each, at most (more are ranked).
const MAX_BARS: u64 = 60;

pub(super) fn study_figures(
    dir: &Verified,
    scenario: &Scenario,
    raw: &RawConfig,
    metric: Option<&str>,
    draw: &mut Draw<'_>,
) -> Result<(), Error> {
    let manifest = dir.manifest.study().ok_or_else(|| {
        Error::Usage(format!(
            "{}: the manifest is a run's, not a study's",
            dir.dir.display()
        ))
    })?;
    let design = &manifest.design;
    let layout = Layout::of(&design.kind);
    let swept = Swept::of_study(raw, &design.parameters);
    let surveys = survey(dir, &swept)?;
    let mut plotted: Vec<Plotted> = swept
        .into_iter()
        .zip(&surveys)
        .map(|(swept, survey)| plan(swept, survey, layout, design.points))
        .collect();
    // Split the lines by another parameter with few levels, preferring a
    // categorical one; pool everything else.
    if layout == Layout::Levels {
        for i in 0..plotted.len() {
            if !matches!(plotted[i].shape, Shape::Levels(_)) {
                continue;
            }
            let split = (0..plotted.len())
                .filter(|&j| j != i && (2..=6).contains(&plotted[j].index.len()))
                .min_by_key(|&j| (surveys[j].numeric, plotted[j].index.len()));
            let groups = split.map_or(1, |j| plotted[j].index.len());
            plotted[i].split = split;
            plotted[i].pooled = vec![vec![Pooled::default(); plotted[i].index.len()]; groups];
        }
    }
    let metric = metric.unwrap_or(column::AGREEMENT_RATE);
    let mut rows = Rows::open(dir, file::SUMMARY)?;
    let heatmap = (layout == Layout::Levels
        && plotted.len() >= 2
        && plotted[..2].iter().all(|p| !p.index.is_empty()))
    .then(|| vec![vec![(0.0, 0.0); plotted[0].index.len()]; plotted[1].index.len()]);
    let mut heatmap = heatmap;
    let mut composition = if layout == Layout::Levels && design.points <= MAX_BARS {
        Composition::per_point()
    } else {
        Composition::ranked()
    };
    let mut dots = Sample::new(MAX_DOTS, manifest.seed);
    let names: Vec<&str> = plotted.iter().map(|p| p.swept.name.as_str()).collect();
    let parameter_columns = rows.columns(&names)?;
    let [runs, failed, rate, unilateral, status_quo] = rows
        .columns(&[
            column::RUNS,
            column::FAILED_RUNS,
            column::AGREEMENT_RATE,
            column::SHARE_UNILATERAL,
            column::SHARE_STATUS_QUO,
        ])?
        .try_into()
        .expect("five columns asked for");
    let metric_index = metric_column(rows.header(), metric)?;
    while let Some(record) = rows.next_record()? {
        let number = |c: usize| record.get(c).and_then(|v| v.parse::<f64>().ok());
        let ok = (number(runs).unwrap_or(0.0) - number(failed).unwrap_or(0.0)).max(0.0);
        if ok <= 0.0 {
            continue;
        }
        let share = number(rate).unwrap_or(0.0);
        let agreements = (ok * share).round();
        let values: Vec<&str> = parameter_columns
            .iter()
            .map(|&c| record.get(c).unwrap_or(""))
            .collect();
        let slots: Vec<Option<usize>> = plotted
            .iter()
            .zip(&values)
            .map(|(p, v)| p.slot(v))
            .collect();
        for (i, p) in plotted.iter_mut().enumerate() {
            let Some(slot) = slots[i] else { continue };
            let group = p.split.map_or(Some(0), |j| slots[j]);
            let Some(group) = group else { continue };
            p.pooled[group][slot].add(agreements as u64, ok as u64);
            if let Shape::Bins { axis, .. } = &p.shape
                && let Ok(v) = values[i].parse::<f64>()
            {
                p.coordinates[slot] += ok * axis.at(v);
            }
        }
        if let Some(cells) = heatmap.as_mut()
            && let (Some(x), Some(y)) = (slots[0], slots[1])
            && let Some(m) = number(metric_index)
        {
            let cell = &mut cells[y][x];
            *cell = (cell.0 + m * ok, cell.1 + ok);
        }
        let shares = [
            share,
            number(unilateral).unwrap_or(0.0),
            number(status_quo).unwrap_or(0.0),
        ];
        composition.add(&values, shares);
        if layout == Layout::Sampled {
            let point: Vec<f64> = values
                .iter()
                .map(|v| v.parse().unwrap_or(f64::NAN))
                .collect();
            dots.add((point, agreements / ok));
        }
    }

    for (i, p) in plotted.iter().enumerate() {
        match &p.shape {
            Shape::Constant => {}
            Shape::Categories(levels) => draw(&category_figure(scenario, p, levels))?,
            Shape::Levels(levels) => {
                let split = p.split.map(|j| &plotted[j]);
                draw(&level_figure(scenario, p, levels, split))?;
            }
            Shape::Bins { axis, bins } => {
                let scatter = Scatter {
                    points: dots
                        .items()
                        .iter()
                        .filter(|(v, _)| v[i].is_finite())
                        .map(|(v, rate)| (v[i], *rate))
                        .collect(),
                    total: dots.seen(),
                };
                draw(&binned_figure(scenario, p, axis.clone(), *bins, scatter))?;
            }
        }
    }
    if let Some(cells) = heatmap {
        let figure: HeatmapFigure = heatmap_figure(
            scenario,
            [&plotted[0].swept, &plotted[1].swept],
            [&levels_of(&plotted[0]), &levels_of(&plotted[1])],
            cells,
            metric,
            plotted[2..].iter().map(|p| p.swept.name.clone()).collect(),
        );
        draw(&figure)?;
    }
    let labels: Vec<String> = plotted.iter().map(|p| p.swept.label.clone()).collect();
    draw(&CompositionFigure {
        scenario: scenario.name.clone(),
        composition,
        label_names: if labels.is_empty() {
            "none".into()
        } else {
            labels.join(" / ")
        },
    })
}

/// The summary.csv column of a metric: one of the outcome columns (from
/// `runs` on), not `point_id` or a parameter.
pub(super) fn metric_column(header: &[String], metric: &str) -> Result<usize, Error> {
    let first = header
        .iter()
        .position(|h| h == column::RUNS)
        .unwrap_or(header.len());
    match header.iter().position(|h| h == metric) {
        Some(c) if c >= first => Ok(c),
        _ => Err(Error::Usage(format!(
            "--metric {metric}: not a metric column of summary.csv (columns: {})",
            header[first..].join(", ")
        ))),
    }
}

fn level_figure(
    scenario: &Scenario,
    p: &Plotted,
    levels: &[String],
    split: Option<&Plotted>,
) -> RateFigure {
    let values: Vec<f64> = levels.iter().filter_map(|l| l.parse().ok()).collect();
    let (low, high) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let x = Axis::new(p.swept.scale, low, high);
    let groups = split.map_or(vec![None], |s| levels_of(s).into_iter().map(Some).collect());
    let series = groups
        .iter()
        .zip(&p.pooled)
        .map(|(group, pooled)| Series {
            label: match (group, split) {
                (Some(level), Some(s)) => format!("{} = {level}", s.swept.label),
                _ => "all runs".into(),
            },
            points: values
                .iter()
                .zip(pooled)
                .filter_map(|(&v, pool)| {
                    let (rate, low, high) = pool.rate()?;
                    Some((v, rate, low, high))
                })
                .collect(),
        })
        .collect();
    RateFigure {
        scenario: scenario.name.clone(),
        parameter: p.swept.name.clone(),
        label: p.swept.label.clone(),
        path: p.swept.path.clone(),
        axis_title: p.swept.axis_title(x.is_log()),
        x,
        series,
        split_by: split.map(|s| s.swept.label.clone()),
        scatter: None,
        bins: 0,
    }
}

fn binned_figure(
    scenario: &Scenario,
    p: &Plotted,
    x: Axis,
    bins: usize,
    scatter: Scatter,
) -> RateFigure {
    let points = p.pooled[0]
        .iter()
        .zip(&p.coordinates)
        .filter_map(|(pool, &sum)| {
            let (rate, low, high) = pool.rate()?;
            Some((x.value(sum / pool.runs as f64), rate, low, high))
        })
        .collect();
    RateFigure {
        scenario: scenario.name.clone(),
        parameter: p.swept.name.clone(),
        label: p.swept.label.clone(),
        path: p.swept.path.clone(),
        axis_title: p.swept.axis_title(x.is_log()),
        x,
        series: vec![Series {
            label: "binned rate, 95 % interval".into(),
            points,
        }],
        split_by: None,
        scatter: Some(scatter),
        bins,
    }
}

fn category_figure(scenario: &Scenario, p: &Plotted, levels: &[String]) -> BarsFigure {
    let bars = levels
        .iter()
        .zip(&p.pooled[0])
        .filter_map(|(level, pool)| {
            let (rate, low, high) = pool.rate()?;
            Some((level.clone(), rate, Some((low, high))))
        })
        .collect();
    BarsFigure {
        scenario: scenario.name.clone(),
        stem: format!("agreement_rate_by_{}", p.swept.name),
        title: format!("agreement rate by {}", p.swept.label),
        caption: format!(
            "Share of runs ending in agreement for each {} ({}), pooled over the other parameters, with Wilson 95 % intervals.",
            p.swept.label, p.swept.path
        ),
        x_desc: p.swept.axis_title(false),
        y_desc: "agreement rate (share of runs)".into(),
        bars,
        colours: PALETTE.to_vec(),
        note: Some("Pooled over the other swept parameters.".into()),
    }
}
