//! Scenario discovery: which conditions lead to an outcome, as PRIM boxes
//! found in a study's runs or design points.

pub mod prim;
pub mod stats;
#[cfg(test)]
mod tests;

pub use prim::{
    Cases, Choice, Column, Found, Input, Limit, Objective, Settings, Stats, Step, discover,
};
