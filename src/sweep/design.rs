//! Experimental designs: which parameter values each design point takes.
//!
//! `grid` is the full factorial of the parameters' level lists (first parameter
//! slowest), `zip` advances the lists together, `random` draws each parameter
//! uniformly over its range (log-uniformly on a log scale), and `lhs` is a Latin
//! hypercube: for each parameter the range is cut into `n` equal strata and
//! every stratum is used by exactly one point. Random draws come from the
//! design's own seeded stream.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// The kind of design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    Grid,
    Zip,
    Random,
    Lhs,
}

impl Design {
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Zip => "zip",
            Design::Random => "random",
            Design::Lhs => "lhs",
        }
    }
}

/// The values a parameter can take.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    /// An explicit list (or a range already cut into steps).
    List(Vec<toml::Value>),
    /// A continuous range for `random` and `lhs`.
    Range {
        from: f64,
        to: f64,
        log: bool,
        /// The swept key holds an integer: values are rounded.
        integer: bool,
    },
}

impl Levels {
    /// A range cut into `steps` values, evenly on a linear or log scale.
    pub fn stepped(from: f64, to: f64, steps: u32, log: bool, integer: bool) -> Levels {
        let values = (0..steps)
            .map(|i| {
                let x = match i {
                    0 => from,
                    i if i + 1 == steps => to,
                    i => tidy(along(from, to, log, f64::from(i) / f64::from(steps - 1))),
                };
                number(x, integer)
            })
            .collect();
        Levels::List(values)
    }

    /// The value at quantile `u` in [0, 1).
    fn at(&self, u: f64) -> toml::Value {
        match self {
            Levels::List(values) => {
                let i = ((u * values.len() as f64) as usize).min(values.len() - 1);
                values[i].clone()
            }
            Levels::Range {
                from,
                to,
                log,
                integer,
            } => number(along(*from, *to, *log, u), *integer),
        }
    }

    /// Number of listed values (`None` for a continuous range).
    pub fn listed(&self) -> Option<usize> {
        match self {
            Levels::List(v) => Some(v.len()),
            Levels::Range { .. } => None,
        }
    }
}

/// Rounds to 12 significant digits, so stepped values print as written
/// (0.3, not 0.30000000000000004) in design tables and datasets.
fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

fn along(from: f64, to: f64, log: bool, u: f64) -> f64 {
    if log {
        (from.ln() + u * (to.ln() - from.ln())).exp()
    } else {
        from + u * (to - from)
    }
}

fn number(x: f64, integer: bool) -> toml::Value {
    if integer {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// The design points: computed on demand for a grid, stored otherwise.
#[derive(Debug, Clone, PartialEq)]
pub enum Points {
    Grid(Vec<Vec<toml::Value>>),
    Stored(Vec<Vec<toml::Value>>),
}

impl Points {
    /// Builds the points of a design. `lists` must all be `Levels::List` for
    /// grid and zip (of equal length for zip); `count` is the number of points
    /// for random and lhs.
    pub fn new(design: Design, levels: &[Levels], count: u64, seed: u64) -> Points {
        let lists = || -> Vec<Vec<toml::Value>> {
            levels
                .iter()
                .map(|l| match l {
                    Levels::List(v) => v.clone(),
                    Levels::Range { .. } => unreachable!("validated: grid and zip take lists"),
                })
                .collect()
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        match design {
            Design::Grid => Points::Grid(lists()),
            Design::Zip => {
                let lists = lists();
                let n = lists.first().map_or(1, Vec::len);
                Points::Stored(
                    (0..n)
                        .map(|i| lists.iter().map(|l| l[i].clone()).collect())
                        .collect(),
                )
            }
            Design::Random => Points::Stored(
                (0..count)
                    .map(|_| levels.iter().map(|l| l.at(rng.random::<f64>())).collect())
                    .collect(),
            ),
            Design::Lhs => {
                let n = count as usize;
                let mut columns = Vec::with_capacity(levels.len());
                for l in levels {
                    let mut strata: Vec<usize> = (0..n).collect();
                    for i in (1..n).rev() {
                        strata.swap(i, rng.random_range(0..=i));
                    }
                    columns.push(
                        strata
                            .iter()
                            .map(|&s| l.at((s as f64 + rng.random::<f64>()) / n as f64))
                            .collect::<Vec<_>>(),
                    );
                }
                Points::Stored(
                    (0..n)
                        .map(|i| columns.iter().map(|c| c[i].clone()).collect())
                        .collect(),
                )
            }
        }
    }

    pub fn count(&self) -> u64 {
        match self {
            Points::Grid(lists) => lists.iter().map(|l| l.len() as u64).product(),
            Points::Stored(points) => points.len() as u64,
        }
    }

    /// The parameter values of point `id`.
    pub fn point(&self, id: u64) -> Vec<toml::Value> {
        match self {
            Points::Grid(lists) => {
                let mut rest = id;
                let mut values = vec![toml::Value::Boolean(false); lists.len()];
                for (slot, list) in values.iter_mut().zip(lists).rev() {
                    *slot = list[(rest % list.len() as u64) as usize].clone();
                    rest /= list.len() as u64;
                }
                values
            }
            Points::Stored(points) => points[id as usize].clone(),
        }
    }
}

/// A parameter value as written in the datasets.
pub fn label(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats(v: &[f64]) -> Levels {
        Levels::List(v.iter().map(|&x| toml::Value::Float(x)).collect())
    }

    fn as_f64(v: &toml::Value) -> f64 {
        v.as_float()
            .or_else(|| v.as_integer().map(|n| n as f64))
            .unwrap()
    }

    #[test]
    fn grid_is_the_full_factorial_first_parameter_slowest() {
        let p = Points::new(
            Design::Grid,
            &[floats(&[1.0, 2.0]), floats(&[10.0, 20.0, 30.0])],
            0,
            1,
        );
        assert_eq!(p.count(), 6);
        let all: Vec<(f64, f64)> = (0..6)
            .map(|i| {
                let v = p.point(i);
                (as_f64(&v[0]), as_f64(&v[1]))
            })
            .collect();
        assert_eq!(
            all,
            vec![
                (1.0, 10.0),
                (1.0, 20.0),
                (1.0, 30.0),
                (2.0, 10.0),
                (2.0, 20.0),
                (2.0, 30.0)
            ]
        );
    }

    #[test]
    fn zip_advances_lists_together() {
        let p = Points::new(
            Design::Zip,
            &[floats(&[1.0, 2.0, 3.0]), floats(&[4.0, 5.0, 6.0])],
            0,
            1,
        );
        assert_eq!(p.count(), 3);
        assert_eq!(
            p.point(2),
            vec![toml::Value::Float(3.0), toml::Value::Float(6.0)]
        );
    }

    #[test]
    fn stepped_ranges_hit_both_ends_on_either_scale() {
        let Levels::List(lin) = Levels::stepped(40.0, 160.0, 4, false, false) else {
            panic!()
        };
        assert_eq!(
            lin.iter().map(as_f64).collect::<Vec<_>>(),
            vec![40.0, 80.0, 120.0, 160.0]
        );
        let Levels::List(log) = Levels::stepped(10.0, 1000.0, 3, true, false) else {
            panic!()
        };
        let log: Vec<f64> = log.iter().map(as_f64).collect();
        assert!((log[1] - 100.0).abs() < 1e-9 && (log[2] - 1000.0).abs() < 1e-9);
        let Levels::List(int) = Levels::stepped(0.0, 10.0, 3, false, true) else {
            panic!()
        };
        assert_eq!(
            int,
            vec![
                toml::Value::Integer(0),
                toml::Value::Integer(5),
                toml::Value::Integer(10)
            ]
        );
    }

    #[test]
    fn lhs_hits_every_stratum_exactly_once_per_parameter() {
        let n = 50;
        let levels = [
            Levels::Range {
                from: 0.0,
                to: 1.0,
                log: false,
                integer: false,
            },
            Levels::Range {
                from: 1.0,
                to: 100.0,
                log: true,
                integer: false,
            },
        ];
        let p = Points::new(Design::Lhs, &levels, n, 7);
        assert_eq!(p.count(), n);
        for (j, (lo, hi, log)) in [(0.0f64, 1.0f64, false), (1.0, 100.0, true)]
            .into_iter()
            .enumerate()
        {
            let mut hit = vec![0; n as usize];
            for i in 0..n {
                let x = as_f64(&p.point(i)[j]);
                let u = if log {
                    (x.ln() - lo.ln()) / (hi.ln() - lo.ln())
                } else {
                    (x - lo) / (hi - lo)
                };
                hit[((u * n as f64) as usize).min(n as usize - 1)] += 1;
            }
            assert!(hit.iter().all(|&h| h == 1), "parameter {j}: {hit:?}");
        }
        // Reproducible from the seed, different for another seed.
        assert_eq!(p, Points::new(Design::Lhs, &levels, n, 7));
        assert_ne!(p, Points::new(Design::Lhs, &levels, n, 8));
    }

    #[test]
    fn random_stays_in_range_and_lists_are_sampled() {
        let levels = [
            Levels::Range {
                from: 2.0,
                to: 3.0,
                log: false,
                integer: false,
            },
            Levels::List(vec![
                toml::Value::String("a".into()),
                toml::Value::String("b".into()),
            ]),
        ];
        let p = Points::new(Design::Random, &levels, 200, 3);
        let mut seen_b = false;
        for i in 0..200 {
            let v = p.point(i);
            assert!((2.0..3.0).contains(&as_f64(&v[0])));
            seen_b |= v[1].as_str() == Some("b");
        }
        assert!(seen_b);
    }
}
