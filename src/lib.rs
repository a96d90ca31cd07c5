//! detente: an agent-based model of the 2007 US–Russia negotiation over missile
//! defence in Europe, run as reproducible Monte Carlo experiments.
//!
//! Data walks one way: a TOML config is parsed and validated into a
//! [`model::Scenario`] ([`config`]); the [`engine`] runs it in parallel, in
//! order; [`data`] writes the datasets; [`commands`] are what the CLI calls.

pub mod analysis;
pub mod calibrate;
pub mod commands;
pub mod config;
pub mod data;
pub mod discover;
pub mod engine;
pub mod error;
pub mod math;
pub mod model;
pub mod plot;

pub use error::Error;
pub mod sensitivity;
pub mod sweep;
pub mod theory;
pub mod tournament;
