//! Aggregates that figures keep while a dataset streams past: pooled rates,
//! utility histograms for box plots, and a bounded, seeded sample of points
//! for scatter plots. Each takes the same memory however many runs a study has.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::data::summary::wilson;

/// Agreements among successful runs, pooled over design points.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Pooled {
    pub agreements: u64,
    pub runs: u64,
}

impl Pooled {
    pub fn add(&mut self, agreements: u64, runs: u64) {
        self.agreements += agreements;
        self.runs += runs;
    }

    /// The pooled rate and its Wilson 95 % interval; `None` without runs.
    pub fn rate(&self) -> Option<(f64, f64, f64)> {
        let (low, high) = wilson(self.agreements, self.runs)?;
        Some((self.agreements as f64 / self.runs as f64, low, high))
    }
}

/// Five-number summary (Tukey): whiskers at the most extreme values within
/// 1.5 interquartile ranges of the box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boxed {
    pub low: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub high: f64,
}

/// Bins of a [`Histogram`] over [0, 1]: quartiles to within 1/4096.
const BINS: usize = 4096;

/// Counts of values in [0, 1] (utilities) in fixed bins, with the exact
/// extremes: a box plot of a million runs from 32 KB.
#[derive(Debug, Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    min: f64,
    max: f64,
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram {
            counts: vec![0; BINS],
            total: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Histogram {
    /// Adds a value (clamped into [0, 1]; non-finite values are skipped).
    pub fn add(&mut self, value: f64) {
        if !value.is_finite() {
            return;
        }
        let value = value.clamp(0.0, 1.0);
        let bin = ((value * BINS as f64) as usize).min(BINS - 1);
        self.counts[bin] += 1;
        self.total += 1;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The centre of the bin holding the value of rank `rank` (0-based),
    /// kept within the exact extremes.
    fn at_rank(&self, rank: u64) -> f64 {
        let mut seen = 0;
        for (bin, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen > rank {
                let centre = (bin as f64 + 0.5) / BINS as f64;
                return centre.clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// Quantile `p` by linear interpolation between ranks, as for sorted values.
    fn quantile(&self, p: f64) -> f64 {
        let h = p * (self.total - 1) as f64;
        let (below, f) = (h.floor() as u64, h - h.floor());
        let (a, b) = (
            self.at_rank(below),
            self.at_rank((below + 1).min(self.total - 1)),
        );
        a + f * (b - a)
    }

    /// The box plot; `None` when empty.
    pub fn boxed(&self) -> Option<Boxed> {
        if self.total == 0 {
            return None;
        }
        let (q1, median, q3) = (self.quantile(0.25), self.quantile(0.5), self.quantile(0.75));
        let reach = 1.5 * (q3 - q1);
        let centre = |bin: usize| ((bin as f64 + 0.5) / BINS as f64).clamp(self.min, self.max);
        let occupied = |bin: &usize| self.counts[*bin] > 0;
        let low = (0..BINS)
            .filter(occupied)
            .map(centre)
            .find(|&v| v >= q1 - reach)
            .unwrap_or(q1)
            .min(q1);
        let high = (0..BINS)
            .rev()
            .filter(occupied)
            .map(centre)
            .find(|&v| v <= q3 + reach)
            .unwrap_or(q3)
            .max(q3);
        Some(Boxed {
            low,
            q1,
            median,
            q3,
            high,
        })
    }
}

/// A uniform random sample of at most `capacity` items of a stream
/// (reservoir sampling, Vitter's algorithm R), drawn from a seeded ChaCha
/// stream: the same study always gives the same sample.
#[derive(Debug)]
pub struct Sample<T> {
    items: Vec<T>,
    seen: u64,
    capacity: usize,
    rng: ChaCha8Rng,
}

impl<T> Sample<T> {
    pub fn new(capacity: usize, seed: u64) -> Sample<T> {
        Sample {
            items: Vec::new(),
            seen: 0,
            capacity,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    pub fn add(&mut self, item: T) {
        self.seen += 1;
        if self.items.len() < self.capacity {
            self.items.push(item);
        } else {
            let j = self.rng.random_range(0..self.seen);
            if let Some(slot) = usize::try_from(j).ok().and_then(|j| self.items.get_mut(j)) {
                *slot = item;
            }
        }
    }

    /// How many items went past.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    pub fn items(&self) -> &[T] {
        &self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_of_a_histogram_match_sorted_values_to_a_bin() {
        let mut h = Histogram::default();
        for k in 1..=9 {
            h.add(f64::from(k) / 10.0);
        }
        let b = h.boxed().unwrap();
        let near = |a: f64, b: f64| (a - b).abs() <= 1.0 / BINS as f64;
        assert!(
            near(b.q1, 0.3) && near(b.median, 0.5) && near(b.q3, 0.7),
            "{b:?}"
        );
        assert!(near(b.low, 0.1) && near(b.high, 0.9), "{b:?}");
        let mut h = Histogram::default();
        for v in [0.10, 0.11, 0.12, 0.13, 0.95] {
            h.add(v);
        }
        let b = h.boxed().unwrap();
        assert!(
            near(b.high, 0.13),
            "the outlier lies beyond the whisker: {b:?}"
        );
        assert_eq!(Histogram::default().boxed(), None);
    }

    #[test]
    fn histogram_of_one_value_is_that_value() {
        let mut h = Histogram::default();
        for _ in 0..1000 {
            h.add(0.4);
        }
        let b = h.boxed().unwrap();
        assert_eq!(
            (b.low, b.q1, b.median, b.q3, b.high),
            (0.4, 0.4, 0.4, 0.4, 0.4)
        );
    }

    #[test]
    fn sample_is_bounded_reproducible_and_spread_over_the_stream() {
        let draw = |seed| {
            let mut s = Sample::new(100, seed);
            for i in 0..100_000u32 {
                s.add(i);
            }
            s
        };
        let (a, b) = (draw(7), draw(7));
        assert_eq!(a.items(), b.items(), "same seed, same sample");
        assert_eq!(a.items().len(), 100);
        assert_eq!(a.seen(), 100_000);
        assert_ne!(a.items(), draw(8).items());
        let late = a.items().iter().filter(|&&i| i >= 50_000).count();
        assert!(
            (30..=70).contains(&late),
            "about half from the second half: {late}"
        );
        let mut small = Sample::new(100, 1);
        (0..10u32).for_each(|i| small.add(i));
        assert_eq!(small.items(), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn pooled_rate_has_a_wilson_interval() {
        let mut p = Pooled::default();
        assert_eq!(p.rate(), None);
        p.add(3, 10);
        p.add(2, 10);
        let (rate, low, high) = p.rate().unwrap();
        assert_eq!(rate, 0.25);
        assert!(low < 0.25 && high > 0.25);
    }
}
