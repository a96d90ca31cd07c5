//! How each swept parameter of a study is shown: a first pass over
//! summary.csv surveys its values (numeric or not, distinct levels, extent),
//! and the plan picks bars for categories, a line through the levels of a
//! grid, or dots under binned rates for a sampled design.

use std::collections::BTreeMap;

use super::parameters::{Layout, Swept};
use super::scale::Axis;
use super::stats::Pooled;
use crate::data::Verified;
use crate::data::schema::file;
use crate::data::table::Rows;
use crate::error::Error;

/// Distinct values of a parameter kept at most; beyond this it is binned.
pub(super) const MAX_LEVELS: usize = 200;
/// Bins of a sampled parameter, at most.
pub(super) const MAX_BINS: usize = 12;
/// What the values of a swept parameter are, from a first pass.
#[derive(Debug, Clone)]
pub(super) struct Survey {
    pub(super) numeric: bool,
    /// Distinct values in order (numerically for numbers); `None` when more
    /// than [`MAX_LEVELS`].
    pub(super) levels: Option<Vec<String>>,
    pub(super) low: f64,
    pub(super) high: f64,
}

/// How one parameter is shown.
#[derive(Debug, Clone)]
pub(super) enum Shape {
    /// Bars per value of a parameter that is not a number.
    Categories(Vec<String>),
    /// A line through numeric levels.
    Levels(Vec<String>),
    /// Dots and binned means over an axis.
    Bins { axis: Axis, bins: usize },
    /// Fewer than two values: nothing to show.
    Constant,
}

/// A parameter: how it is shown, and its aggregates.
pub(super) struct Plotted {
    pub(super) swept: Swept,
    pub(super) shape: Shape,
    /// Level index of each value (levels and categories).
    pub(super) index: BTreeMap<String, usize>,
    /// Another parameter the lines are split by, and its level count.
    pub(super) split: Option<usize>,
    /// Pooled rates by `[group][level or bin]`.
    pub(super) pooled: Vec<Vec<Pooled>>,
    /// Runs-weighted sum of axis coordinates per bin (where the bin's mean is drawn).
    pub(super) coordinates: Vec<f64>,
}

impl Plotted {
    pub(super) fn slot(&self, value: &str) -> Option<usize> {
        match &self.shape {
            Shape::Bins { axis, bins } => {
                let v: f64 = value.parse().ok()?;
                let (low, high) = (axis.at(axis.low), axis.at(axis.high));
                let u = (axis.at(v) - low) / (high - low);
                u.is_finite()
                    .then(|| ((u * *bins as f64).max(0.0) as usize).min(bins - 1))
            }
            _ => self.index.get(value).copied(),
        }
    }
}

/// First pass over summary.csv: whether each parameter is numeric, its
/// distinct values (up to [`MAX_LEVELS`]) and its extent.
pub(super) fn survey(dir: &Verified, swept: &[Swept]) -> Result<Vec<Survey>, Error> {
    let mut rows = Rows::open(dir, file::SUMMARY)?;
    let names: Vec<&str> = swept.iter().map(|s| s.name.as_str()).collect();
    let columns = rows.columns(&names)?;
    let mut surveys = vec![
        Survey {
            numeric: true,
            levels: Some(Vec::new()),
            low: f64::INFINITY,
            high: f64::NEG_INFINITY,
        };
        swept.len()
    ];
    let mut seen: Vec<BTreeMap<String, ()>> = vec![BTreeMap::new(); swept.len()];
    while let Some(record) = rows.next_record()? {
        for ((survey, seen), &c) in surveys.iter_mut().zip(&mut seen).zip(&columns) {
            let value = record.get(c).unwrap_or("");
            match value.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    survey.low = survey.low.min(v);
                    survey.high = survey.high.max(v);
                }
                _ => survey.numeric = false,
            }
            if let Some(levels) = &mut survey.levels
                && seen.insert(value.to_string(), ()).is_none()
            {
                if levels.len() == MAX_LEVELS {
                    survey.levels = None;
                    seen.clear();
                } else {
                    levels.push(value.to_string());
                }
            }
        }
    }
    for survey in &mut surveys {
        if let (true, Some(levels)) = (survey.numeric, survey.levels.as_mut()) {
            levels.sort_by(|a, b| {
                let number = |s: &str| s.parse::<f64>().unwrap_or(0.0);
                number(a).total_cmp(&number(b))
            });
        }
    }
    Ok(surveys)
}

/// How a parameter is shown: bars for categories, a line through the levels
/// of a grid or zip design (or a list of values), dots and bins otherwise.
pub(super) fn plan(swept: Swept, survey: &Survey, layout: Layout, points: u64) -> Plotted {
    let shape = match (&survey.levels, survey.numeric) {
        (Some(levels), _) if levels.len() < 2 => Shape::Constant,
        (Some(levels), false) => Shape::Categories(levels.clone()),
        (None, false) => Shape::Constant,
        (Some(levels), true) if layout == Layout::Levels || swept.range.is_none() => {
            Shape::Levels(levels.clone())
        }
        (_, true) => {
            let (mut low, mut high) = (survey.low, survey.high);
            if let Some((from, to)) = swept.range {
                (low, high) = (low.min(from.min(to)), high.max(from.max(to)));
            }
            let bins = usize::try_from(points / 5)
                .unwrap_or(MAX_BINS)
                .clamp(3, MAX_BINS);
            Shape::Bins {
                axis: Axis::new(swept.scale, low, high),
                bins,
            }
        }
    };
    let index: BTreeMap<String, usize> = match &shape {
        Shape::Categories(levels) | Shape::Levels(levels) => levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i))
            .collect(),
        _ => BTreeMap::new(),
    };
    let slots = match &shape {
        Shape::Bins { bins, .. } => *bins,
        _ => index.len(),
    };
    Plotted {
        swept,
        shape,
        index,
        split: None,
        pooled: vec![vec![Pooled::default(); slots]],
        coordinates: vec![0.0; slots],
    }
}

pub(super) fn levels_of(p: &Plotted) -> Vec<String> {
    match &p.shape {
        Shape::Categories(levels) | Shape::Levels(levels) => levels.clone(),
        _ => Vec::new(),
    }
}
