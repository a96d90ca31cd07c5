//! Charts drawn from the datasets alone (CSV files, manifest, the copied
//! config), so they can be redrawn without rerunning anything.

pub mod bars;
pub mod dance;
pub mod distribution;
pub mod heatmap;
pub mod rate;
pub mod sensitivity;
pub mod space;
pub mod style;
pub mod table;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::config;
use crate::data::{Progress, Verified};
use crate::error::Error;
use crate::model::{IssueKind, Model, Scenario, Subspace};
use crate::sweep::summary::wilson;
use crate::theory::analysis::{Solution, analyze};

use bars::{BarsFigure, CompositionFigure};
use dance::DanceFigure;
use distribution::{Boxed, UtilityFigure};
use heatmap::HeatmapFigure;
use rate::{RateFigure, Series};
use sensitivity::SensitivityFigure;
use space::SpaceFigure;
pub use style::Format;
use style::{Figure, OUTCOME_COLOURS, PALETTE, Stamped, render, write_atomically};
use table::{Table, field, read_columns};

/// Options of `detente plot`.
#[derive(Debug, Clone)]
pub struct PlotOptions {
    /// A study (`detente sweep`) or run (`detente run`) directory.
    pub dir: PathBuf,
    /// Where to write (default: `plots/<name of dir>`).
    pub out: Option<PathBuf>,
    pub format: Format,
    /// The summary.csv column of the heatmap (default `agreement_rate`).
    pub metric: Option<String>,
    /// Draw an incomplete study's finished runs (each figure says so).
    pub allow_incomplete: bool,
}

/// What was drawn.
#[derive(Debug, Clone)]
pub struct PlotReport {
    pub out: PathBuf,
    /// Caption and files of each figure.
    pub figures: Vec<(String, Vec<String>)>,
}

impl std::fmt::Display for PlotReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} figures -> {} (see index.html)",
            self.figures.len(),
            self.out.display()
        )
    }
}

/// Default figure directory for a dataset directory: `plots/<its name>`.
pub fn default_plot_dir(dir: &Path) -> PathBuf {
    // `.` and `..` have no name of their own: use the directory's real one.
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            let full = dir.canonicalize().ok()?;
            full.file_name().map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "study".into());
    Path::new("plots").join(name)
}

/// Draws every figure that the datasets in `options.dir` support, and an index.
/// `interrupt` is polled before each figure (set it from Ctrl-C): drawing then
/// stops with [`Error::Interrupted`], leaving whole figures and no index.
pub fn plot(options: &PlotOptions, interrupt: &AtomicBool) -> Result<PlotReport, Error> {
    let study = Verified::open(&options.dir, options.allow_incomplete)?;
    let dir = &study;
    let manifest_path = options.dir.join("manifest.json");
    let manifest: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?,
    )
    .map_err(|e| {
        Error::Usage(format!(
            "{}: not a detente manifest ({e})",
            manifest_path.display()
        ))
    })?;
    let config_path = options.dir.join("config.toml");
    let text = study.read_text("config.toml")?;
    let (_, scenario) = config::parse(&text, &config_path.display().to_string())?;
    let command = study.command.as_str();
    // Check the metric before anything is written.
    match (command, options.metric.as_deref()) {
        ("run", Some(_)) => {
            return Err(Error::Usage(
                "--metric picks a summary.csv column of a sweep study; a run has none".into(),
            ));
        }
        ("run", None) => {}
        (_, metric) => {
            metric_column(
                &Table::read(dir, "summary.csv")?,
                metric.unwrap_or("agreement_rate"),
            )?;
        }
    }
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| default_plot_dir(&options.dir));
    fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
    let mut report = PlotReport {
        out: out.clone(),
        figures: Vec::new(),
    };
    let stamp = match study.progress {
        Progress::Complete => None,
        Progress::Incomplete {
            runs_done,
            runs_total,
        } => Some(format!(
            "incomplete study: {runs_done} of {runs_total} runs"
        )),
    };
    let mut draw = |figure: &dyn Drawable| -> Result<(), Error> {
        if interrupt.load(Ordering::SeqCst) {
            return Err(interrupted_drawing(
                &options.dir,
                options.out.as_deref(),
                &out,
            ));
        }
        let files = figure.render_to(&out, options.format, stamp.as_deref())?;
        let caption = match &stamp {
            Some(note) => format!("{} ({note})", figure.caption_text()),
            None => figure.caption_text(),
        };
        report.figures.push((caption, files));
        Ok(())
    };
    if command == "run" {
        run_figures(dir, &scenario, &mut draw)?;
    } else {
        study_figures(
            dir,
            &scenario,
            &manifest,
            options.metric.as_deref(),
            &mut draw,
        )?;
    }
    utility_figure(dir, &scenario, &mut draw)?;
    if dir.has("sensitivity.csv") {
        for figure in sensitivity_figures(dir, &scenario)? {
            draw(&figure)?;
        }
    }
    draw(&space_figure(dir, &scenario)?)?;
    if dir.has("rounds.csv")
        && let Some(figure) = dance_figure(dir, &scenario)?
    {
        draw(&figure)?;
    }
    write_index(&out, &scenario, &options.dir, &report)?;
    Ok(report)
}

/// Drawing stopped by Ctrl-C: what is missing and how to draw it.
fn interrupted_drawing(dir: &Path, out_option: Option<&Path>, out: &Path) -> Error {
    let out_flag = out_option.map_or(String::new(), |o| format!(" --out {}", o.display()));
    Error::Interrupted(format!(
        "interrupted while drawing figures: {} is incomplete (no index.html); `detente plot {}{out_flag}` draws them all",
        out.display(),
        dir.display()
    ))
}

/// A figure behind a trait object (the drawing itself is generic).
trait Drawable {
    fn render_to(
        &self,
        out: &Path,
        format: Format,
        stamp: Option<&str>,
    ) -> Result<Vec<String>, Error>;
    fn caption_text(&self) -> String;
}

impl<F: Figure> Drawable for F {
    fn render_to(
        &self,
        out: &Path,
        format: Format,
        stamp: Option<&str>,
    ) -> Result<Vec<String>, Error> {
        match stamp {
            Some(note) => render(&Stamped { figure: self, note }, out, format),
            None => render(self, out, format),
        }
    }
    fn caption_text(&self) -> String {
        self.caption()
    }
}

type Draw<'a> = dyn FnMut(&dyn Drawable) -> Result<(), Error> + 'a;

/// A swept parameter as the datasets show it.
struct Parameter {
    name: String,
    path: String,
    numeric: bool,
    /// Distinct values in order (numerically for numbers).
    levels: Vec<String>,
    log_scale: bool,
}

fn study_figures(
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
fn metric_column(summary: &Table, metric: &str) -> Result<usize, Error> {
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

fn run_figures(dir: &Verified, scenario: &Scenario, draw: &mut Draw<'_>) -> Result<(), Error> {
    let mut names = vec!["outcome".to_string()];
    names.extend(scenario.issues.iter().map(|i| i.name.clone()));
    let columns = read_columns(dir, "runs.csv", &names, |r, h| {
        field(r, h, "status") == "ok"
    })?;
    let n = columns[0].len() as u64;
    let outcomes = ["agreement", "unilateral", "status_quo"];
    let bars = outcomes
        .iter()
        .map(|o| {
            let k = columns[0].iter().filter(|v| v == o).count() as u64;
            let interval = wilson(k, n);
            (
                o.replace('_', " "),
                if n == 0 { 0.0 } else { k as f64 / n as f64 },
                interval,
            )
        })
        .collect();
    draw(&BarsFigure {
        scenario: scenario.name.clone(),
        stem: "outcome_shares".into(),
        title: "outcome of the negotiation".into(),
        caption: "Share of runs ending in agreement, unilateral deployment and the status quo, with Wilson 95 % intervals.".into(),
        x_desc: "outcome".into(),
        y_desc: "share of runs".into(),
        bars,
        colours: OUTCOME_COLOURS.to_vec(),
        note: Some(format!("{n} successful runs")),
    })?;
    for (k, issue) in scenario.issues.iter().enumerate() {
        if issue.value_count() < 2 || issue.value_count() > 30 {
            continue;
        }
        if matches!(issue.kind, IssueKind::Share { .. }) {
            continue;
        }
        let values = &columns[k + 1];
        let bars = issue
            .labels()
            .into_iter()
            .map(|label| {
                let count = values.iter().filter(|v| **v == label).count();
                (
                    label,
                    if n == 0 { 0.0 } else { count as f64 / n as f64 },
                    None,
                )
            })
            .collect();
        let unit = match issue.kind {
            IssueKind::Integer { .. } => "value",
            _ => "level",
        };
        draw(&BarsFigure {
            scenario: scenario.name.clone(),
            stem: format!("{}_distribution", issue.name),
            title: format!("final {} (share of runs)", issue.name),
            caption: format!(
                "How often each {unit} of {} was the final one (agreed or imposed).",
                issue.name
            ),
            x_desc: format!("{} ({unit} in the final package)", issue.name),
            y_desc: "share of runs".into(),
            bars,
            colours: vec![PALETTE[0]],
            note: Some(format!("{n} successful runs")),
        })?;
    }
    Ok(())
}

/// Agent names with their roles, for axis labels.
fn agent_labels(scenario: &Scenario) -> Vec<String> {
    scenario
        .agents
        .iter()
        .map(|a| format!("{} ({})", a.name, a.role.name()))
        .collect()
}

fn utility_figure(dir: &Verified, scenario: &Scenario, draw: &mut Draw<'_>) -> Result<(), Error> {
    let names: Vec<String> = scenario
        .agents
        .iter()
        .map(|a| format!("utility_{}", a.name))
        .collect();
    let columns = read_columns(dir, "runs.csv", &names, |r, h| {
        field(r, h, "status") == "ok"
    })?;
    let runs = columns.first().map_or(0, Vec::len);
    let agents = agent_labels(scenario)
        .into_iter()
        .zip(columns)
        .filter_map(|(label, values)| {
            Boxed::of(values.iter().filter_map(|v| v.parse().ok()).collect()).map(|b| (label, b))
        })
        .collect::<Vec<_>>();
    if agents.is_empty() {
        return Ok(());
    }
    draw(&UtilityFigure {
        scenario: scenario.name.clone(),
        agents,
        runs,
    })
}

/// The dance of a representative traced run: among traced runs that ended in
/// agreement, the one with the median number of rounds (else the first traced run).
fn dance_figure(dir: &Verified, scenario: &Scenario) -> Result<Option<DanceFigure>, Error> {
    let (p, o) = (scenario.proposer(), scenario.opponent());
    let (proposer, opponent) = (&scenario.agents[p].name, &scenario.agents[o].name);
    let trace = read_columns(
        dir,
        "rounds.csv",
        &[
            "run_id",
            "track",
            "round",
            "offerer",
            &format!("utility_{proposer}"),
            &format!("utility_{opponent}"),
            "response",
        ]
        .map(String::from),
        |r, h| field(r, h, "track") == "main",
    )?;
    let traced: BTreeSet<u64> = trace[0].iter().filter_map(|v| v.parse().ok()).collect();
    if traced.is_empty() {
        return Ok(None);
    }
    let runs = read_columns(
        dir,
        "runs.csv",
        &["run_id", "outcome", "rounds", "seed"].map(String::from),
        |r, h| {
            field(r, h, "run_id")
                .parse()
                .is_ok_and(|id| traced.contains(&id))
        },
    )?;
    let mut agreed: Vec<(u64, u64)> = runs[0]
        .iter()
        .zip(&runs[1])
        .zip(&runs[2])
        .filter(|((_, outcome), _)| *outcome == "agreement")
        .filter_map(|((id, _), rounds)| Some((rounds.parse().ok()?, id.parse().ok()?)))
        .collect();
    agreed.sort_unstable();
    let (chosen, why) = match agreed.get(agreed.len().saturating_sub(1) / 2) {
        Some(&(_, id)) => (
            id,
            format!(
                "the traced run ending in agreement with the median number of rounds ({} traced runs, {} agreements)",
                traced.len(),
                agreed.len()
            ),
        ),
        None => (
            *traced.iter().next().expect("not empty"),
            format!(
                "the first traced run (no traced run ended in agreement; {} traced)",
                traced.len()
            ),
        ),
    };
    let id = chosen.to_string();
    let at = runs[0].iter().position(|r| *r == id);
    let outcome = at.map_or("unknown".into(), |i| runs[1][i].replace('_', " "));
    let seed = at.map_or(String::new(), |i| runs[3][i].clone());
    let offers = (0..trace[0].len())
        .filter(|&i| trace[0][i] == id)
        .filter_map(|i| {
            Some((
                trace[2][i].parse().ok()?,
                trace[3][i] == *proposer,
                trace[4][i].parse().ok()?,
                trace[5][i].parse().ok()?,
                trace[6][i] == "accept",
            ))
        })
        .collect();
    Ok(Some(DanceFigure {
        scenario: scenario.name.clone(),
        proposer: proposer.clone(),
        opponent: opponent.clone(),
        run_id: id.clone(),
        outcome,
        offers,
        note: format!(
            "Run {id}: {why}.\nRerun it with: detente run CONFIG --replay {seed} --trace"
        ),
    }))
}

/// One figure per output of `sensitivity.csv`.
fn sensitivity_figures(
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
        let mut list: Vec<(String, sensitivity::Value, sensitivity::Value)> = Vec::new();
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

/// Packages drawn in the outcome space at most (every k-th beyond this).
const MAX_PACKAGES_DRAWN: usize = 20_000;
/// Simulated deals drawn at most.
const MAX_DEALS_DRAWN: usize = 4_000;

fn space_figure(dir: &Verified, scenario: &Scenario) -> Result<SpaceFigure, Error> {
    let model = Model::new(scenario.clone());
    let draw = scenario
        .environment
        .expected(scenario.protocol.deadline_rounds);
    let analysis = analyze(&model, &draw, "expected values".into());
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
        nash: analysis.nash.as_ref().map(pair),
        kalai_smorodinsky: analysis.kalai_smorodinsky.as_ref().map(pair),
        equilibrium: analysis.equilibrium.deal.as_ref().map(pair),
        note: format!(
            "Packages and solutions at the expected environment (threat {threat:.2}, oil ${:.0}); {} simulated deals, each at its own run's environment.",
            draw.price_at(1),
            deals.len()
        ),
        deals,
    })
}

fn write_index(
    out: &Path,
    scenario: &Scenario,
    dir: &Path,
    report: &PlotReport,
) -> Result<(), Error> {
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}: figures</title>\n<style>body{{font-family:sans-serif;max-width:1240px;margin:2em auto;color:#282828}}figure{{margin:2em 0}}img{{max-width:100%;border:1px solid #ddd}}figcaption{{margin-top:.4em}}</style>\n</head>\n<body>\n<h1>{0}: figures</h1>\n<p>Drawn from <code>{1}</code> by <code>detente plot</code>.</p>",
        escape(&scenario.name),
        escape(&dir.display().to_string())
    );
    for (caption, files) in &report.figures {
        let image = files
            .iter()
            .find(|f| f.ends_with(".png"))
            .or_else(|| files.first())
            .cloned()
            .unwrap_or_default();
        let links: Vec<String> = files
            .iter()
            .map(|f| format!("<a href=\"{0}\">{0}</a>", escape(f)))
            .collect();
        let _ = writeln!(
            html,
            "<figure>\n<img src=\"{}\" alt=\"{}\">\n<figcaption>{} ({})</figcaption>\n</figure>",
            escape(&image),
            escape(caption),
            escape(caption),
            links.join(", ")
        );
    }
    html.push_str("</body>\n</html>\n");
    write_atomically(&out.join("index.html"), html.as_bytes())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
