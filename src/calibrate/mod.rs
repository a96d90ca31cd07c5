//! Calibration against observed patterns by approximate Bayesian
//! computation: priors and kernels, the ABC-SMC algorithm, and the
//! negotiation model as its simulator.

pub mod plan;
pub mod prior;
pub mod progress;
pub mod shards;
pub mod smc;

#[cfg(test)]
mod tests;

pub use prior::{Kernel, Prior};
pub use smc::{Generation, Method, Particle, Settings, Simulator, Step, Stop};
