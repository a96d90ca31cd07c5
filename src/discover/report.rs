//! What `detente discover` found, as a report: the boxes with their
//! restrictions, the rows of `trajectory.csv` and `boxes.csv`, and the text
//! printed on standard output.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use super::prim::extent;
use super::{Cases, Choice, Column, Found, Limit, Step, describe};
use crate::data::schema::{self, boxes_columns};

/// One restricted input of a box.
#[derive(Debug, Clone, Serialize)]
pub struct Restriction {
    pub input: String,
    pub kind: &'static str,
    /// Numeric limits (`None` for a categorical input).
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The categories allowed (empty for a numeric input).
    pub values: Vec<String>,
    pub quasi_p: f64,
    /// The input's range over the cases searched, for comparison.
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
}

/// A box found.
#[derive(Debug, Clone, Serialize)]
pub struct BoxReport {
    pub number: usize,
    pub cases: u64,
    pub cases_of_interest: u64,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// `threshold` or `balance`: how the box was chosen from its trajectory.
    pub choice: &'static str,
    pub restrictions: Vec<Restriction>,
}

/// What `detente discover` found.
#[derive(Debug, Clone, Serialize)]
pub struct DiscoveryReport {
    pub study: PathBuf,
    pub out: PathBuf,
    pub question: String,
    pub inputs: Vec<String>,
    pub cases: u64,
    pub cases_of_interest: u64,
    pub failed_left_out: u64,
    pub missing_left_out: u64,
    /// Runs done and planned, for an incomplete study.
    pub incomplete: Option<(u64, u64)>,
    pub boxes: Vec<BoxReport>,
    pub figures: Vec<String>,
}

/// A number for the CSV files: shortest round-trip digits, in exponent form
/// where plain digits would run long (a quasi-p-value of 1e-75).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else if x != 0.0 && !(1e-4..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

pub fn trajectory_row(
    (cases, full): (&Cases, &[Limit]),
    b: usize,
    stage: &str,
    s: usize,
    chosen: bool,
    step: &Step,
) -> Vec<String> {
    let st = &step.stats;
    vec![
        b.to_string(),
        stage.to_string(),
        s.to_string(),
        chosen.to_string(),
        st.cases.to_string(),
        st.interesting.to_string(),
        number(st.coverage),
        number(st.density),
        number(st.mass),
        st.restricted.to_string(),
        describe(cases, step, full),
    ]
}

pub fn box_report(cases: &Cases, number: usize, found: &Found) -> BoxReport {
    let st = &found.pasted.stats;
    let all: Vec<u32> = (0..cases.interest.len() as u32).collect();
    let full = extent(cases, &all);
    let restrictions = found
        .quasi_p
        .iter()
        .map(|&(j, quasi_p)| {
            let input = &cases.inputs[j];
            let (range_low, range_high) = match &full[j] {
                Limit::Range { low, high } => (Some(*low), Some(*high)),
                Limit::Set(_) => (None, None),
            };
            match (&found.pasted.limits[j], &input.column) {
                (Limit::Range { low, high }, _) => Restriction {
                    input: input.name.clone(),
                    kind: "numeric",
                    low: Some(*low),
                    high: Some(*high),
                    values: Vec::new(),
                    quasi_p,
                    range_low,
                    range_high,
                },
                (Limit::Set(allowed), Column::Categorical { labels, .. }) => Restriction {
                    input: input.name.clone(),
                    kind: "categorical",
                    low: None,
                    high: None,
                    values: labels
                        .iter()
                        .zip(allowed)
                        .filter(|(_, a)| **a)
                        .map(|(l, _)| l.clone())
                        .collect(),
                    quasi_p,
                    range_low,
                    range_high,
                },
                _ => unreachable!("limits are built from the columns"),
            }
        })
        .collect();
    BoxReport {
        number,
        cases: st.cases,
        cases_of_interest: st.interesting,
        coverage: st.coverage,
        density: st.density,
        mass: st.mass,
        choice: match found.choice {
            Choice::Threshold => "threshold",
            Choice::Balance => "balance",
        },
        restrictions,
    }
}

pub fn boxes_row(b: &BoxReport, r: &Restriction) -> Vec<String> {
    let opt = |x: Option<f64>| x.map_or(String::new(), number);
    vec![
        b.number.to_string(),
        r.input.clone(),
        r.kind.to_string(),
        opt(r.low),
        opt(r.high),
        r.values.join("|"),
        number(r.quasi_p),
        opt(r.range_low),
        opt(r.range_high),
        number(b.coverage),
        number(b.density),
        number(b.mass),
        b.cases.to_string(),
        b.choice.to_string(),
    ]
}

impl DiscoveryReport {
    /// `boxes.csv`'s rows, for `--format csv` on stdout.
    pub fn to_csv(&self) -> String {
        let mut out = Vec::new();
        crate::data::row::push_row(&mut out, schema::header(&boxes_columns()));
        for b in &self.boxes {
            for r in &b.restrictions {
                crate::data::row::push_row(&mut out, boxes_row(b, r));
            }
        }
        String::from_utf8(out).expect("CSV of UTF-8 fields is UTF-8")
    }
}

impl fmt::Display for DiscoveryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} cases are {}",
            self.cases_of_interest, self.cases, self.question
        )?;
        if self.failed_left_out + self.missing_left_out > 0 {
            write!(
                f,
                "; left out: {} failed, {} with missing values",
                self.failed_left_out, self.missing_left_out
            )?;
        }
        if let Some((done, total)) = self.incomplete {
            write!(f, "; incomplete study: {done} of {total} runs")?;
        }
        if self.boxes.is_empty() {
            write!(
                f,
                "\nno box narrower than the whole space raises the density"
            )?;
        }
        for b in &self.boxes {
            write!(
                f,
                "\nbox {}: coverage {:.3}, density {:.3}, mass {:.3} ({} cases; chosen by {})",
                b.number, b.coverage, b.density, b.mass, b.cases, b.choice
            )?;
            for r in &b.restrictions {
                let limits = match (r.low, r.high) {
                    (Some(low), Some(high)) => format!("in [{}, {}]", short(low), short(high)),
                    _ => format!("in {{{}}}", r.values.join(", ")),
                };
                let p = if r.quasi_p > 0.0 {
                    format!("{:.2e}", r.quasi_p)
                } else {
                    "< 1e-300".into()
                };
                write!(f, "\n  {} {limits}  (quasi-p {p})", r.input)?;
            }
        }
        write!(f, "\n-> {}", self.out.display())
    }
}

/// A limit for reading: four significant digits.
fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}
