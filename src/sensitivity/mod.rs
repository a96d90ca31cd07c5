//! Global sensitivity analysis of Morris and Sobol sweeps.

pub mod analysis;
pub mod estimators;
pub mod noise;
#[cfg(test)]
mod reference_tests;
pub mod report;

pub use report::SensitivityReport;
