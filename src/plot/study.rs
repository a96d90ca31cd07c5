//! The figures of a sweep study: rates against each parameter, the
//! heatmap of two, and outcome shares per design point, from design.csv and
//! summary.csv.

use crate::data::Verified;
use crate::error::Error;
use crate::model::Scenario;
use crate::sweep::summary::wilson;

use super::Draw;
use super::bars::{BarsFigure, CompositionFigure};
use super::heatmap::HeatmapFigure;
use super::rate::{RateFigure, Series};
use super::style::PALETTE;
use super::table::Table;

/// A swept parameter as the datasets show it.
struct Parameter {
    name: String,
    path: String,
    numeric: bool,
    /// Distinct values in order (numerically for numbers).
    levels: Vec<String>,
    log_scale: bool,
}

pub(super) fn study_figures(
    dir: &Verified,
    scenario: &Scenario,
    manifest: &serde_json::Value,
    metric: Option<&str>,
    draw: &mut Draw<'_>,
) -> Result<(), Error> {
    let design = Table::read(dir, "design.csv")?;
    let summary = Table::read(dir, "summary.csv")?;
    let kind = manifest["design"]["kind"].as_str().unwrap_or("grid");
    let paths: Vec<(String, String)> = manifest["design"]["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or_default().to_string(),
                        p["path"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let parameters: Vec<Parameter> = design.header[1..]
        .iter()
        .map(|name| {
            let values = summary.texts(name);
            let numeric = values.iter().all(|v| v.parse::<f64>().is_ok());
            let mut levels: Vec<String> = Vec::new();
            for v in values {
                if !levels.iter().any(|l| l == v) {
                    levels.push(v.to_string());
                }
            }
            if numeric {
                levels.sort_by(|a, b| {
                    a.parse::<f64>()
                        .unwrap_or(0.0)
                        .total_cmp(&b.parse::<f64>().unwrap_or(0.0))
                });
            }
            let log_scale = numeric && geometric(&levels);
            let path = paths
                .iter()
                .find(|(n, _)| n == name)
                .map_or(name.clone(), |(_, p)| p.clone());
            Parameter {
                name: name.clone(),
                path,
                numeric,
                levels,
                log_scale,
            }
        })
        .collect();
    let rows = PointRows::new(&summary);
    let scattered = matches!(kind, "random" | "lhs");

    for (i, p) in parameters.iter().enumerate() {
        if p.levels.len() < 2 {
            continue;
        }
        if p.numeric {
            draw(&rate_figure(scenario, &parameters, i, &rows, scattered))?;
        } else {
            draw(&category_figure(scenario, p, i, &rows))?;
        }
    }
    let metric = metric.unwrap_or("agreement_rate");
    let metric_column = metric_column(&summary, metric)?;
    if parameters.len() >= 2 && !scattered {
        draw(&heatmap_figure(
            scenario,
            &parameters,
            &summary,
            &rows,
            metric,
            metric_column,
        ))?;
    }
    let label_names = parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(" / ");
    let composition = CompositionFigure {
        scenario: scenario.name.clone(),
        points: rows
            .values
            .iter()
            .zip(&rows.shares)
            .map(|(v, s)| (v.join(" / "), *s))
            .collect(),
        label_names: if label_names.is_empty() {
            "none".into()
        } else {
            label_names
        },
    };
    draw(&composition)
}

/// The summary.csv column of a metric: one of the outcome columns (from
/// `runs` on), not `point_id` or a parameter.
pub(super) fn metric_column(summary: &Table, metric: &str) -> Result<usize, Error> {
    let first = summary.column("runs").unwrap_or(summary.header.len());
    match summary.column(metric) {
        Some(c) if c >= first => Ok(c),
        _ => Err(Error::Usage(format!(
            "--metric {metric}: not a metric column of summary.csv (columns: {})",
            summary.header[first..].join(", ")
        ))),
    }
}

/// Whether numeric levels look evenly spaced on a log scale rather than linearly.
fn geometric(levels: &[String]) -> bool {
    let xs: Vec<f64> = levels.iter().filter_map(|l| l.parse().ok()).collect();
    if xs.len() < 3 || xs.iter().any(|&x| x <= 0.0) {
        return false;
    }
    let ratios: Vec<f64> = xs.windows(2).map(|w| w[1] / w[0]).collect();
    let gaps: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
    let spread = |v: &[f64]| {
        let (lo, hi) = v
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        hi / lo
    };
    spread(&ratios) < 1.01 && spread(&gaps) > 1.5
}

/// The summary rows, parsed once.
struct PointRows {
    /// Per point: parameter values.
    values: Vec<Vec<String>>,
    /// Per point: successful runs and agreements among them.
    ok: Vec<f64>,
    agreements: Vec<f64>,
    /// Per point: shares of agreement, unilateral, status quo.
    shares: Vec<[f64; 3]>,
}

impl PointRows {
    fn new(summary: &Table) -> PointRows {
        let first = summary.column("runs").unwrap_or(summary.header.len());
        let runs = summary.numbers("runs");
        let failed = summary.numbers("failed_runs");
        let rate = summary.numbers("agreement_rate");
        let unilateral = summary.numbers("share_unilateral");
        let status_quo = summary.numbers("share_status_quo");
        let ok: Vec<f64> = runs
            .iter()
            .zip(&failed)
            .map(|(r, f)| r.unwrap_or(0.0) - f.unwrap_or(0.0))
            .collect();
        PointRows {
            values: summary.rows.iter().map(|r| r[1..first].to_vec()).collect(),
            agreements: ok
                .iter()
                .zip(&rate)
                .map(|(n, r)| (n * r.unwrap_or(0.0)).round())
                .collect(),
            shares: (0..ok.len())
                .map(|i| [rate[i], unilateral[i], status_quo[i]].map(|x| x.unwrap_or(0.0)))
                .collect(),
            ok,
        }
    }

    /// Pooled rate and Wilson interval of the points for which `select` holds.
    fn pooled(&self, select: impl Fn(&[String]) -> bool) -> Option<(f64, f64, f64)> {
        let (mut k, mut n) = (0.0, 0.0);
        for (i, v) in self.values.iter().enumerate() {
            if select(v) {
                k += self.agreements[i];
                n += self.ok[i];
            }
        }
        let (low, high) = wilson(k as u64, n as u64)?;
        Some((k / n, low, high))
    }
}

fn rate_figure(
    scenario: &Scenario,
    parameters: &[Parameter],
    index: usize,
    rows: &PointRows,
    scattered: bool,
) -> RateFigure {
    let p = &parameters[index];
    // Split the lines by another parameter with few levels, preferring a
    // categorical one; pool everything else.
    let others: Vec<usize> = (0..parameters.len()).filter(|&j| j != index).collect();
    let split = others
        .iter()
        .copied()
        .filter(|&j| (2..=6).contains(&parameters[j].levels.len()))
        .min_by_key(|&j| (parameters[j].numeric, parameters[j].levels.len()));
    let split = if scattered { None } else { split };
    let groups: Vec<Option<String>> = match split {
        Some(j) => parameters[j].levels.iter().cloned().map(Some).collect(),
        None => vec![None],
    };
    let series = groups
        .iter()
        .map(|group| {
            let label = match (group, split) {
                (Some(level), Some(j)) => format!("{} = {level}", parameters[j].name),
                _ => "all runs".into(),
            };
            let points = p
                .levels
                .iter()
                .filter_map(|level| {
                    let pooled = rows.pooled(|v| {
                        v[index] == *level
                            && match (group, split) {
                                (Some(g), Some(j)) => v[j] == *g,
                                _ => true,
                            }
                    })?;
                    Some((level.parse().ok()?, pooled.0, pooled.1, pooled.2))
                })
                .collect();
            Series { label, points }
        })
        .collect();
    RateFigure {
        scenario: scenario.name.clone(),
        parameter: p.name.clone(),
        path: p.path.clone(),
        series,
        split_by: split.map(|j| parameters[j].name.clone()),
        scattered,
        log_x: p.log_scale,
    }
}

fn category_figure(
    scenario: &Scenario,
    p: &Parameter,
    index: usize,
    rows: &PointRows,
) -> BarsFigure {
    let bars = p
        .levels
        .iter()
        .filter_map(|level| {
            let (rate, low, high) = rows.pooled(|v| v[index] == *level)?;
            Some((level.clone(), rate, Some((low, high))))
        })
        .collect();
    BarsFigure {
        scenario: scenario.name.clone(),
        stem: format!("agreement_rate_by_{}", p.name),
        title: format!("agreement rate by {}", p.name),
        caption: format!(
            "Share of runs ending in agreement for each {}, pooled over the other parameters, with Wilson 95 % intervals.",
            p.name
        ),
        x_desc: if p.path != p.name {
            format!("{} ({})", p.name, p.path)
        } else {
            p.name.clone()
        },
        y_desc: "agreement rate (share of runs)".into(),
        bars,
        colours: PALETTE.to_vec(),
        note: Some("Pooled over the other swept parameters.".into()),
    }
}

fn heatmap_figure(
    scenario: &Scenario,
    parameters: &[Parameter],
    summary: &Table,
    rows: &PointRows,
    metric: &str,
    column: usize,
) -> HeatmapFigure {
    let (x, y) = (&parameters[0], &parameters[1]);
    let values: Vec<Option<f64>> = summary
        .rows
        .iter()
        .map(|r| r[column].parse().ok())
        .collect();
    let cells = y
        .levels
        .iter()
        .map(|yl| {
            x.levels
                .iter()
                .map(|xl| {
                    let (mut sum, mut weight) = (0.0, 0.0);
                    for (i, v) in rows.values.iter().enumerate() {
                        if v[0] == *xl
                            && v[1] == *yl
                            && let Some(m) = values[i]
                        {
                            sum += m * rows.ok[i];
                            weight += rows.ok[i];
                        }
                    }
                    (weight > 0.0).then(|| sum / weight)
                })
                .collect()
        })
        .collect::<Vec<Vec<Option<f64>>>>();
    let share =
        metric.contains("rate") || metric.starts_with("share_") || metric.starts_with("agreement");
    let present = cells.iter().flatten().flatten();
    let range = if share {
        (0.0, 1.0)
    } else {
        present.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        })
    };
    HeatmapFigure {
        scenario: scenario.name.clone(),
        metric: metric.to_string(),
        x_name: x.name.clone(),
        y_name: y.name.clone(),
        x_levels: x.levels.clone(),
        y_levels: y.levels.clone(),
        cells,
        range: if range.0.is_finite() {
            range
        } else {
            (0.0, 1.0)
        },
        averaged_over: parameters[2..].iter().map(|p| p.name.clone()).collect(),
    }
}
