//! Global sensitivity analysis of Morris and Sobol sweeps.

pub mod analysis;
pub mod estimators;
pub mod noise;
#[cfg(test)]
mod reference_tests;

pub use analysis::{SensitivityOptions, SensitivityReport, has_sensitivity_design, sensitivity};
