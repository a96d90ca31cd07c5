//! Scenario discovery: which conditions lead to an outcome, as PRIM boxes
//! found in a study's runs or design points.

pub mod cases;
pub mod prim;
pub mod report;
pub mod stats;
#[cfg(test)]
mod tests;

pub use prim::{
    Cases, Choice, Column, Found, Input, Limit, Objective, Settings, Stats, Step, discover,
};

/// The box's limits in words, where they are narrower than `start`:
/// `oil_price in [105, 150]; start_linkage in {separate}`.
pub fn describe(cases: &Cases, step: &Step, start: &[Limit]) -> String {
    let parts: Vec<String> = step
        .limits
        .iter()
        .zip(start)
        .zip(&cases.inputs)
        .filter(|((l, s), _)| l != s)
        .map(|((l, _), input)| match (l, &input.column) {
            (Limit::Range { low, high }, _) => format!("{} in [{low}, {high}]", input.name),
            (Limit::Set(allowed), Column::Categorical { labels, .. }) => {
                let values: Vec<&str> = labels
                    .iter()
                    .zip(allowed)
                    .filter(|(_, a)| **a)
                    .map(|(l, _)| l.as_str())
                    .collect();
                format!("{} in {{{}}}", input.name, values.join(", "))
            }
            _ => String::new(),
        })
        .collect();
    parts.join("; ")
}
