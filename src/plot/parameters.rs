//! The swept parameters as figures show them, read from the study's own
//! config: axis label and unit, log or linear scale, the range sampled.

use crate::config::raw::{RawConfig, RawScale};
use crate::data::study::ParameterInfo;

use super::scale::Scale;

/// How a design chose its points, which decides how figures show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// grid and zip: every point sits on a level of each parameter, so an
    /// outcome against a parameter is a line through the levels.
    Levels,
    /// random, lhs, morris and sobol: points spread over ranges, so an
    /// outcome against a parameter is a scatter with binned means.
    Sampled,
}

impl Layout {
    /// The layout of a design, by its name in the manifest.
    pub fn of(design: &str) -> Layout {
        match design {
            "grid" | "zip" => Layout::Levels,
            _ => Layout::Sampled,
        }
    }
}

/// A swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Swept {
    /// Column name in the datasets.
    pub name: String,
    /// Dotted path into the config.
    pub path: String,
    /// Axis label: the config's `label`, else the name with `_` as spaces.
    pub label: String,
    pub unit: Option<String>,
    pub scale: Scale,
    /// `from` and `to` of a range (none for a list of `values`).
    pub range: Option<(f64, f64)>,
}

impl Swept {
    /// The parameters of a study in design order: names and paths from its
    /// manifest, labels, units, scales and ranges from its config.
    pub fn of_study(raw: &RawConfig, parameters: &[ParameterInfo]) -> Vec<Swept> {
        let configured = raw.sweep.iter().flat_map(|s| s.parameters.iter());
        let configured: Vec<_> = configured.collect();
        parameters
            .iter()
            .map(|info| {
                let raw = configured.iter().find(|p| {
                    p.name.clone().unwrap_or_else(|| p.path.trim().to_string()) == info.name
                });
                Swept {
                    name: info.name.clone(),
                    path: info.path.clone(),
                    label: raw
                        .and_then(|p| p.label.clone())
                        .unwrap_or_else(|| readable(&info.name)),
                    unit: raw.and_then(|p| p.unit.clone()),
                    scale: match raw.map(|p| p.scale) {
                        Some(RawScale::Log) => Scale::Log,
                        _ => Scale::Linear,
                    },
                    range: raw.and_then(|p| Some((p.from?, p.to?))),
                }
            })
            .collect()
    }

    /// The axis title: label, unit in parentheses, and the scale if log.
    pub fn axis_title(&self, log: bool) -> String {
        let unit = self
            .unit
            .as_ref()
            .map_or(String::new(), |u| format!(" ({u})"));
        let scale = if log { ", log scale" } else { "" };
        format!("{}{unit}{scale}", self.label)
    }
}

/// A column name as words: `oil_price` → `oil price`.
pub fn readable(name: &str) -> String {
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study(config: &str) -> Vec<Swept> {
        let raw: RawConfig = toml::from_str(config).unwrap();
        let infos = raw
            .sweep
            .iter()
            .flat_map(|s| &s.parameters)
            .map(|p| ParameterInfo {
                path: p.path.clone(),
                name: p.name.clone().unwrap_or_else(|| p.path.clone()),
            })
            .collect::<Vec<_>>();
        Swept::of_study(&raw, &infos)
    }

    const SWEEP: &str = r#"
[sweep]
design = "sobol"
[[sweep.parameters]]
path = "environment.oil_price.initial"
name = "oil_price"
from = 40.0
to = 147.0
unit = "US$ per barrel"
label = "Brent oil price"
[[sweep.parameters]]
path = "agents.us.strategy.beta"
name = "us_beta"
from = 0.2
to = 5.0
scale = "log"
[[sweep.parameters]]
path = "protocol.start_linkage"
values = ["linked", "separate"]
"#;

    #[test]
    fn labels_units_and_scales_come_from_the_config() {
        let baseline = include_str!("../../configs/baseline.toml");
        let without_sweep = &baseline[..baseline.find("\n[sweep]").unwrap()];
        let swept = study(&format!("{without_sweep}\n{SWEEP}"));
        assert_eq!(
            swept[0].axis_title(false),
            "Brent oil price (US$ per barrel)"
        );
        assert_eq!(swept[0].range, Some((40.0, 147.0)));
        assert_eq!(swept[1].axis_title(true), "us beta, log scale");
        assert_eq!(swept[1].scale, Scale::Log);
        assert_eq!(swept[2].label, "protocol.start linkage");
        assert_eq!(swept[2].range, None);
    }

    #[test]
    fn designs_with_levels_are_grid_and_zip() {
        assert_eq!(Layout::of("grid"), Layout::Levels);
        assert_eq!(Layout::of("zip"), Layout::Levels);
        for sampled in ["random", "lhs", "morris", "sobol"] {
            assert_eq!(Layout::of(sampled), Layout::Sampled);
        }
    }
}
