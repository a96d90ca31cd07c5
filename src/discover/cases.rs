//! The cases PRIM searches, read from a verified study: its runs (the
//! design's parameters and each run's drawn conditions) or its design points
//! (the parameters, with the points' summary statistics). `runs.csv` is
//! streamed record by record into typed columns: one number (or category
//! code) per case and input, never the file's text.

use std::collections::HashMap;

use super::prim::{Cases, Column, Input};
use crate::data::Verified;
use crate::data::schema::{column, file};
use crate::data::table::{Rows, Table};
use crate::error::Error;
use crate::model::Outcome;

/// What makes a case one of interest.
#[derive(Debug, Clone, PartialEq)]
pub enum Interest {
    /// Runs ending in this outcome; by points, points where it is the most
    /// frequent outcome.
    Outcome(String),
    /// A numeric output above (or, if not `above`, below) a value.
    Output {
        column: String,
        above: bool,
        value: f64,
    },
}

/// Cases by run or by design point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Runs,
    Points,
}

/// The cases, and what was left out of them.
#[derive(Debug, Clone)]
pub struct Read {
    pub cases: Cases,
    /// Failed runs (or points without finished runs) left out.
    pub failed: u64,
    /// Cases with an input or output that is not a finite number, left out.
    pub missing: u64,
}

/// Per-run conditions drawn from the run's seed, used as inputs by run.
pub const DRAWN: [&str; 4] = [
    column::THREAT,
    column::OIL_PRICE_FINAL,
    column::OIL_PRICE_MEAN,
    column::LEVERAGE_FINAL,
];

/// An input being read: numbers, or categories coded as they first appear.
enum Building {
    Numeric(Vec<f64>),
    Categorical {
        codes: Vec<u32>,
        labels: Vec<String>,
        index: HashMap<String, u32>,
    },
}

impl Building {
    fn push(&mut self, text: &str) -> bool {
        match self {
            Building::Numeric(x) => match text.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    x.push(v);
                    true
                }
                _ => false,
            },
            Building::Categorical {
                codes,
                labels,
                index,
            } => {
                let next = labels.len() as u32;
                let code = *index.entry(text.to_string()).or_insert_with(|| {
                    labels.push(text.to_string());
                    next
                });
                codes.push(code);
                true
            }
        }
    }

    fn pop(&mut self) {
        match self {
            Building::Numeric(x) => {
                x.pop();
            }
            Building::Categorical { codes, .. } => {
                codes.pop();
            }
        }
    }

    fn finish(self) -> Column {
        match self {
            Building::Numeric(x) => Column::Numeric(x),
            Building::Categorical { codes, labels, .. } => Column::Categorical { codes, labels },
        }
    }
}

/// The study's parameters and whether each is categorical (some design
/// value is not a number), from `design.csv` (one row per point: small).
fn parameters(study: &Verified) -> Result<Vec<(String, bool)>, Error> {
    if !study.has(file::DESIGN) {
        return Ok(Vec::new());
    }
    let design = Table::read(study, file::DESIGN)?;
    let mut categorical = vec![false; design.header.len()];
    for row in &design.rows {
        for (j, field) in row.iter().enumerate() {
            categorical[j] |= field.parse::<f64>().is_err();
        }
    }
    Ok(design.header.into_iter().zip(categorical).skip(1).collect())
}

/// Reads the cases of `study`.
pub fn read(study: &Verified, by: By, interest: &Interest) -> Result<Read, Error> {
    let parameters = parameters(study)?;
    let name = match by {
        By::Runs => file::RUNS,
        By::Points => file::SUMMARY,
    };
    if by == By::Points && parameters.is_empty() {
        return Err(Error::Usage(format!(
            "{}: --by points needs a sweep study (with design points); this directory has none",
            study.dir.display()
        )));
    }
    let mut rows = Rows::open(study, name)?;
    let path = rows.path().to_path_buf();
    let header = rows.header().to_vec();
    let at = |name: &str| header.iter().position(|h| h == name);
    let mut inputs: Vec<(String, usize, Building)> = parameters
        .iter()
        .filter_map(|(name, categorical)| {
            let building = if *categorical {
                Building::Categorical {
                    codes: Vec::new(),
                    labels: Vec::new(),
                    index: HashMap::new(),
                }
            } else {
                Building::Numeric(Vec::new())
            };
            Some((name.clone(), at(name)?, building))
        })
        .collect();
    if by == By::Runs {
        for name in DRAWN {
            if let Some(j) = at(name) {
                inputs.push((name.to_string(), j, Building::Numeric(Vec::new())));
            }
        }
    }
    let target = Target::new(&header, by, interest, &path)?;
    inputs.retain(|(name, ..)| Some(name.as_str()) != target.column_name());
    let status = at(match by {
        By::Runs => column::STATUS,
        By::Points => column::RUNS,
    });
    let (mut failed, mut missing) = (0, 0);
    let mut interest = Vec::new();
    while let Some(record) = rows.next_record()? {
        let field = |j: usize| record.get(j).unwrap_or("");
        let done = status.is_none_or(|j| match by {
            By::Runs => field(j) == "ok",
            By::Points => field(j).parse::<u64>().is_ok_and(|n| n > 0),
        });
        if !done {
            failed += 1;
            continue;
        }
        let Some(y) = target.of(&field) else {
            missing += 1;
            continue;
        };
        let mut pushed = 0;
        for (_, j, building) in inputs.iter_mut() {
            if !building.push(field(*j)) {
                break;
            }
            pushed += 1;
        }
        if pushed < inputs.len() {
            for (_, _, building) in inputs.iter_mut().take(pushed) {
                building.pop();
            }
            missing += 1;
            continue;
        }
        interest.push(y);
    }
    let inputs = inputs
        .into_iter()
        .map(|(name, _, building)| Input {
            name,
            column: building.finish(),
        })
        .collect();
    Ok(Read {
        cases: Cases { inputs, interest },
        failed,
        missing,
    })
}

/// Reads the cases of a calibration: every accepted particle of every
/// generation in `particles` (a `particles.csv` whose digest was checked),
/// its parameters as inputs; the interest is a numeric column (the distance
/// or a target's statistic) above or below a value.
pub fn read_particles(
    particles: &Table,
    path: &std::path::Path,
    interest: &Interest,
) -> Result<Read, Error> {
    let Interest::Output {
        column: name,
        above,
        value,
    } = interest
    else {
        return Err(Error::Usage(format!(
            "{}: a calibration's particles have no outcome; ask --output distance --below X (or a target's statistic)",
            path.display()
        )));
    };
    let header = &particles.header;
    let at = |c: &str| header.iter().position(|h| h == c);
    let (Some(weight), Some(distance)) = (at("weight"), at("distance")) else {
        return Err(Error::Usage(format!(
            "{}: not a calibration's particles.csv",
            path.display()
        )));
    };
    let Some(target) = at(name).filter(|&j| j >= distance) else {
        return Err(Error::Usage(format!(
            "{}: no output column `{name}` (outputs: {})",
            path.display(),
            header[distance..].join(", ")
        )));
    };
    let numeric = |j: usize| particles.rows.iter().all(|r| r[j].parse::<f64>().is_ok());
    let mut inputs: Vec<(String, usize, Building)> = (weight + 1..distance)
        .map(|j| {
            let building = if numeric(j) {
                Building::Numeric(Vec::new())
            } else {
                Building::Categorical {
                    codes: Vec::new(),
                    labels: Vec::new(),
                    index: HashMap::new(),
                }
            };
            (header[j].clone(), j, building)
        })
        .collect();
    let (mut interest, mut missing) = (Vec::new(), 0);
    for row in &particles.rows {
        let Some(y) = row[target].parse::<f64>().ok().filter(|y| y.is_finite()) else {
            missing += 1;
            continue;
        };
        for (_, j, building) in inputs.iter_mut() {
            building.push(&row[*j]);
        }
        interest.push(if *above { y > *value } else { y < *value });
    }
    let inputs = inputs
        .into_iter()
        .map(|(name, _, building)| Input {
            name,
            column: building.finish(),
        })
        .collect();
    Ok(Read {
        cases: Cases { inputs, interest },
        failed: 0,
        missing,
    })
}

/// How a record says whether its case is of interest.
enum Target {
    /// Runs: the outcome column equals this name.
    Outcome { column: usize, name: String },
    /// Points: this outcome's share is the largest of the three.
    Plurality { shares: [usize; 3], which: usize },
    Output {
        name: String,
        column: usize,
        above: bool,
        value: f64,
    },
}

impl Target {
    fn new(
        header: &[String],
        by: By,
        interest: &Interest,
        path: &std::path::Path,
    ) -> Result<Target, Error> {
        let at = |name: &str| {
            header.iter().position(|h| h == name).ok_or_else(|| {
                Error::Usage(format!(
                    "{}: no column `{name}` (columns: {})",
                    path.display(),
                    header.join(", ")
                ))
            })
        };
        Ok(match (interest, by) {
            (Interest::Outcome(name), _) => {
                let Some(which) = Outcome::ALL.iter().position(|o| o.name() == name) else {
                    let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.name()).collect();
                    return Err(Error::Usage(format!(
                        "--outcome {name}: not an outcome (outcomes: {})",
                        names.join(", ")
                    )));
                };
                match by {
                    By::Runs => Target::Outcome {
                        column: at(column::OUTCOME)?,
                        name: name.clone(),
                    },
                    By::Points => Target::Plurality {
                        shares: [
                            at(column::AGREEMENT_RATE)?,
                            at(column::SHARE_UNILATERAL)?,
                            at(column::SHARE_STATUS_QUO)?,
                        ],
                        which,
                    },
                }
            }
            (
                Interest::Output {
                    column,
                    above,
                    value,
                },
                _,
            ) => Target::Output {
                column: at(column)?,
                name: column.clone(),
                above: *above,
                value: *value,
            },
        })
    }

    fn column_name(&self) -> Option<&str> {
        match self {
            Target::Output { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Whether the record's case is of interest; `None` if it cannot say
    /// (a missing or non-numeric value).
    fn of<'r>(&self, field: &impl Fn(usize) -> &'r str) -> Option<bool> {
        match self {
            Target::Outcome { column, name } => Some(field(*column) == name),
            Target::Plurality { shares, which } => {
                let s: Vec<f64> = shares
                    .iter()
                    .map(|&j| field(j).parse::<f64>().ok().filter(|v| v.is_finite()))
                    .collect::<Option<_>>()?;
                // Ties go to the earlier outcome in agreement, unilateral,
                // status quo order.
                let top = (0..3).fold(0, |best, i| if s[i] > s[best] { i } else { best });
                Some(top == *which)
            }
            Target::Output {
                column,
                above,
                value,
                ..
            } => {
                let v: f64 = field(*column)
                    .parse()
                    .ok()
                    .filter(|v: &f64| v.is_finite())?;
                Some(if *above { v > *value } else { v < *value })
            }
        }
    }
}
