//! Numeric axes: linear or log as the config says (never guessed from the
//! values), with rounded ticks (1, 2, 5, 10, 20, 50 … on a log axis) and
//! short tick labels.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::style::{Drawn, GRID, INK, centred, tick_style};

/// How a swept parameter's values are spaced, from its `scale` in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Linear,
    Log,
}

/// A numeric axis: where values are drawn and which ticks it shows.
///
/// On a log axis the chart coordinate is `log10(value)`; [`Axis::at`] maps a
/// value to its coordinate, and the ticks are placed at coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub scale: Scale,
    /// Lowest and highest value shown.
    pub low: f64,
    pub high: f64,
    /// Tick values and their labels.
    pub ticks: Vec<(f64, String)>,
}

impl Axis {
    /// An axis over `low..=high` (a log axis needs both positive; otherwise it
    /// falls back to linear). A zero-width range is widened.
    pub fn new(scale: Scale, low: f64, high: f64) -> Axis {
        let (low, high) = if low <= high {
            (low, high)
        } else {
            (high, low)
        };
        let scale = if scale == Scale::Log && low > 0.0 && low.is_finite() && high.is_finite() {
            Scale::Log
        } else {
            Scale::Linear
        };
        let (low, high) = match (scale, high > low) {
            (_, true) => (low, high),
            (Scale::Log, false) => (low / 2.0, high * 2.0),
            (Scale::Linear, false) => (low - 1.0, high + 1.0),
        };
        let values = match scale {
            Scale::Log => log_ticks(low, high),
            Scale::Linear => linear_ticks(low, high, 8),
        };
        Axis {
            scale,
            low,
            high,
            ticks: values.into_iter().map(|v| (v, short(v))).collect(),
        }
    }

    pub fn is_log(&self) -> bool {
        self.scale == Scale::Log
    }

    /// The chart coordinate of a value.
    pub fn at(&self, value: f64) -> f64 {
        match self.scale {
            Scale::Log => value.log10(),
            Scale::Linear => value,
        }
    }

    /// The value at a chart coordinate.
    pub fn value(&self, coordinate: f64) -> f64 {
        match self.scale {
            Scale::Log => 10f64.powf(coordinate),
            Scale::Linear => coordinate,
        }
    }

    /// The chart range: the values with 3 % of room on each side.
    pub fn range(&self) -> Range<f64> {
        let (low, high) = (self.at(self.low), self.at(self.high));
        let pad = (high - low) * 0.03;
        (low - pad)..(high + pad)
    }

    /// Draws the ticks of this x axis on a chart whose mesh drew none
    /// (`x_labels(0)`, `disable_x_mesh()`): a grid line, a tick mark and a
    /// label at each, between `bottom` and `top` of the y axis.
    pub fn draw_x_ticks<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        root: &DrawingArea<DB, Shift>,
        (bottom, top): (f64, f64),
    ) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        for (value, label) in &self.ticks {
            let x = self.at(*value);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, bottom), (x, top)],
                GRID.stroke_width(1),
            )))?;
            let (px, py) = chart.backend_coord(&(x, bottom));
            root.draw(&PathElement::new(vec![(px, py), (px, py + 6)], INK))?;
            root.draw(&Text::new(
                label.clone(),
                (px, py + 20),
                centred(tick_style()),
            ))?;
        }
        Ok(())
    }
}

/// `mantissa × 10^exponent`, parsed from its decimal text so that 0.3 is the
/// nearest double to 0.3 rather than `3.0 * 0.1`.
fn decimal(mantissa: u32, exponent: i32) -> f64 {
    format!("{mantissa}e{exponent}").parse().unwrap_or(f64::NAN)
}

/// Ticks of a log axis: powers of ten, then 1-2-5, then 1-2-3-5, then every
/// digit in each decade, whichever is the first to give at least four ticks
/// in the range; a range of many decades shows every k-th power of ten, a
/// range too narrow for any of these gets linear ticks.
pub fn log_ticks(low: f64, high: f64) -> Vec<f64> {
    const MANTISSAS: [&[u32]; 4] = [
        &[1],
        &[1, 2, 5],
        &[1, 2, 3, 5],
        &[1, 2, 3, 4, 5, 6, 7, 8, 9],
    ];
    let (first, last) = (low.log10().floor() as i32, high.log10().ceil() as i32);
    let inside = |v: f64| v >= low * (1.0 - 1e-9) && v <= high * (1.0 + 1e-9);
    for mantissas in MANTISSAS {
        let ticks: Vec<f64> = (first..=last)
            .flat_map(|e| mantissas.iter().map(move |&m| decimal(m, e)))
            .filter(|&v| inside(v))
            .collect();
        if ticks.len() >= 4 {
            let every = ticks.len().div_ceil(12);
            return ticks.into_iter().step_by(every).collect();
        }
    }
    linear_ticks(low, high, 6)
}

/// Ticks of a linear axis: multiples of 1, 2 or 5 × 10^k, about `target` of them.
pub fn linear_ticks(low: f64, high: f64, target: usize) -> Vec<f64> {
    let span = high - low;
    if span <= 0.0 || !span.is_finite() {
        return vec![low];
    }
    let rough = span / target.max(1) as f64;
    let exponent = rough.log10().floor() as i32;
    let mantissa = [1, 2, 5, 10]
        .into_iter()
        .find(|&m| decimal(m, exponent) >= rough)
        .unwrap_or(10);
    let (mantissa, exponent) = if mantissa == 10 {
        (1, exponent + 1)
    } else {
        (mantissa, exponent)
    };
    let step = decimal(mantissa, exponent);
    let first = (low / step - 1e-9).ceil() as i64;
    let last = (high / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|i| {
            // i × step in decimal, so the tick is the double nearest it.
            format!("{}e{exponent}", i * i64::from(mantissa))
                .parse()
                .unwrap_or(f64::NAN)
        })
        .collect()
}

/// A number for a label: at most three significant digits, no trailing zeros.
pub fn short(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).max(0) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(axis: &Axis) -> Vec<&str> {
        axis.ticks.iter().map(|(_, l)| l.as_str()).collect()
    }

    #[test]
    fn log_ticks_are_round_numbers_not_design_values() {
        // us_strategy.toml: 0.1 to 10 in 9 log steps gave ticks 0.178, 0.316, 0.562.
        let axis = Axis::new(Scale::Log, 0.1, 10.0);
        assert_eq!(labels(&axis), ["0.1", "0.2", "0.5", "1", "2", "5", "10"]);
        // sensitivity.toml's concession exponents.
        let axis = Axis::new(Scale::Log, 0.2, 5.0);
        assert_eq!(labels(&axis), ["0.2", "0.5", "1", "2", "5"]);
        // An oil price on a log axis (the old ticks were 36.13, 43.52 ...).
        let axis = Axis::new(Scale::Log, 30.0, 150.0);
        assert_eq!(
            labels(&axis),
            ["30", "40", "50", "60", "70", "80", "90", "100"]
        );
        let axis = Axis::new(Scale::Log, 1.0, 1e6);
        assert_eq!(
            labels(&axis),
            ["1", "10", "100", "1000", "10000", "100000", "1000000"]
        );
    }

    #[test]
    fn many_decades_are_thinned_to_at_most_twelve_ticks() {
        let ticks = log_ticks(1e-10, 1e10);
        assert!(ticks.len() <= 12, "{ticks:?}");
        assert!(ticks.contains(&1e-10) && ticks.contains(&1.0));
    }

    #[test]
    fn log_axis_of_a_narrow_range_falls_back_to_linear_ticks() {
        let ticks = log_ticks(41.0, 44.0);
        assert!(ticks.len() >= 3, "{ticks:?}");
        assert!(ticks.iter().all(|t| (41.0..=44.0).contains(t)));
    }

    #[test]
    fn linear_ticks_are_multiples_of_one_two_or_five() {
        assert_eq!(
            linear_ticks(40.0, 150.0, 8),
            [40.0, 60.0, 80.0, 100.0, 120.0, 140.0]
        );
        assert_eq!(linear_ticks(0.45, 0.65, 8), [0.45, 0.5, 0.55, 0.6, 0.65]);
        assert_eq!(
            linear_ticks(0.0, 0.3, 8),
            [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
        );
        let axis = Axis::new(Scale::Linear, 0.0, 0.3);
        assert_eq!(labels(&axis)[1..3], ["0.05", "0.1"]);
    }

    #[test]
    fn log_scale_needs_positive_values() {
        assert_eq!(Axis::new(Scale::Log, 0.0, 10.0).scale, Scale::Linear);
        assert_eq!(Axis::new(Scale::Log, -1.0, 10.0).scale, Scale::Linear);
        let axis = Axis::new(Scale::Log, 2.0, 2.0);
        assert!(axis.is_log() && axis.low < 2.0 && axis.high > 2.0);
    }

    #[test]
    fn coordinates_of_a_log_axis_are_decimal_logarithms() {
        let axis = Axis::new(Scale::Log, 0.1, 10.0);
        assert_eq!(axis.at(10.0), 1.0);
        assert!((axis.value(axis.at(5.0)) - 5.0).abs() < 1e-12);
        assert_eq!(Axis::new(Scale::Linear, 0.0, 10.0).at(5.0), 5.0);
    }

    #[test]
    fn short_numbers_keep_three_significant_digits() {
        assert_eq!(short(36.1342), "36.1");
        assert_eq!(short(0.30000000000000004), "0.3");
        assert_eq!(short(1500.0), "1500");
        assert_eq!(short(0.000123), "0.000123");
        assert_eq!(short(-0.0001), "-0.0001");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(-0.0004), "-0.0004");
    }
}
