//! Experimental designs: which parameter values each design point takes.
//!
//! `grid` is the full factorial of the parameters' level lists (first parameter
//! slowest), `zip` advances the lists together, `random` draws each parameter
//! uniformly over its range (log-uniformly on a log scale), and `lhs` is a Latin
//! hypercube: for each parameter the range is cut into `n` equal strata and
//! every stratum is used by exactly one point. Random draws come from the
//! design's own seeded stream. `morris` trajectories are built in
//! [`super::trajectories`]; `sobol` takes its base samples from the scrambled
//! sequence of [`super::sobol_sequence`].

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::sobol_sequence::SobolSequence;
use super::trajectories::{self, MorrisStep, Trajectory};

/// The kind of design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    Grid,
    Zip,
    Random,
    Lhs,
    /// Morris (1991) elementary-effects trajectories.
    Morris,
    /// Saltelli's (2002, 2010) scheme for Sobol indices.
    Sobol,
}

impl Design {
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Zip => "zip",
            Design::Random => "random",
            Design::Lhs => "lhs",
            Design::Morris => "morris",
            Design::Sobol => "sobol",
        }
    }

    /// Whether points are drawn within ranges (rather than from value lists).
    pub fn sampled(self) -> bool {
        !matches!(self, Design::Grid | Design::Zip)
    }
}

/// Sizes of the sampled designs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sampling {
    /// random, lhs: number of points.
    pub points: u64,
    /// morris: trajectories r and grid levels p (even).
    pub trajectories: u64,
    pub levels: u32,
    /// morris: the group (factor) of each parameter, numbered from 0.
    pub groups: Vec<usize>,
    /// morris: candidates to choose the trajectories from by their spread
    /// (Campolongo et al. 2007); 0 draws the trajectories directly.
    pub optimal_trajectories: u64,
    /// sobol: base samples N, and whether second-order indices are designed for.
    pub samples: u64,
    pub second_order: bool,
}

impl Sampling {
    /// Number of Morris factors (groups).
    pub fn factors(&self) -> usize {
        self.groups.iter().max().map_or(0, |g| g + 1)
    }

    /// Morris step Δ = p / (2(p − 1)) on the unit scale.
    pub fn morris_step(&self) -> f64 {
        let p = f64::from(self.levels);
        p / (2.0 * (p - 1.0))
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

    /// The value at quantile `u` in [0, 1].
    pub(super) fn at(&self, u: f64) -> toml::Value {
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
    /// Morris trajectories, with the factor moved at each step and its
    /// direction (k per trajectory).
    Trajectories {
        points: Vec<Vec<toml::Value>>,
        steps: Vec<MorrisStep>,
    },
}

impl Points {
    /// Morris: the factor moved at each step of each trajectory, and whether up.
    pub fn morris_steps(&self) -> &[MorrisStep] {
        match self {
            Points::Trajectories { steps, .. } => steps,
            _ => &[],
        }
    }

    /// Builds the points of a design. `lists` must all be `Levels::List` for
    /// grid and zip (of equal length for zip); `count` is the number of points
    /// for random and lhs.
    pub fn new(design: Design, levels: &[Levels], sampling: &Sampling, seed: u64) -> Points {
        let count = sampling.points;
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
            Design::Morris => {
                let (points, steps) = morris(levels, sampling, &mut rng);
                Points::Trajectories { points, steps }
            }
            Design::Sobol => Points::Stored(saltelli(levels, sampling, &mut rng)),
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
            Points::Stored(points) | Points::Trajectories { points, .. } => points.len() as u64,
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
            Points::Stored(points) | Points::Trajectories { points, .. } => {
                points[id as usize].clone()
            }
        }
    }
}

/// Morris trajectories (see [`super::trajectories`]): r (k + 1) points for
/// k factors. With `optimal_trajectories = M`, M candidates are drawn and
/// the r with the largest spread are kept, in the order they were drawn.
fn morris(
    levels: &[Levels],
    sampling: &Sampling,
    rng: &mut ChaCha8Rng,
) -> (Vec<Vec<toml::Value>>, Vec<MorrisStep>) {
    let (k, p) = (sampling.factors(), sampling.levels);
    let r = sampling.trajectories as usize;
    let drawn = if sampling.optimal_trajectories > 0 {
        sampling.optimal_trajectories as usize
    } else {
        r
    };
    let candidates: Vec<Trajectory> = (0..drawn)
        .map(|_| Trajectory::draw(&sampling.groups, k, p, rng))
        .collect();
    let chosen: Vec<usize> = if drawn > r {
        let unit: Vec<Vec<Vec<f64>>> = candidates.iter().map(|t| t.unit(p)).collect();
        trajectories::select(&unit, r)
    } else {
        (0..r).collect()
    };
    let (mut points, mut steps) = (Vec::new(), Vec::new());
    for t in chosen.into_iter().map(|i| &candidates[i]) {
        for x in t.unit(p) {
            points.push(levels.iter().zip(&x).map(|(l, &u)| l.at(u)).collect());
        }
        steps.extend_from_slice(&t.steps);
    }
    (points, steps)
}

/// Saltelli's scheme: N base samples of rows A and B, then A with column i
/// from B for each i (and, for second-order indices, B with column i from A):
/// N (D + 2) or N (2D + 2) points. Row j of A and B is point j of a
/// 2D-dimensional Owen-scrambled Sobol sequence (A its first D coordinates,
/// B the last D, as in SALib), each dimension scrambled with a seed from the
/// design stream.
fn saltelli(levels: &[Levels], sampling: &Sampling, rng: &mut ChaCha8Rng) -> Vec<Vec<toml::Value>> {
    let (d, n) = (levels.len(), sampling.samples);
    let seeds: Vec<u32> = (0..2 * d).map(|_| rng.random::<u32>()).collect();
    let sobol = SobolSequence::scrambled(2 * d, seeds);
    let mut points = Vec::new();
    let at = |x: &[f64]| {
        levels
            .iter()
            .zip(x)
            .map(|(l, &u)| l.at(u))
            .collect::<Vec<_>>()
    };
    for j in 0..n {
        let index = u32::try_from(j).expect("validated: at most 2^32 base samples");
        let row = sobol.point(index);
        let (a, b) = row.split_at(d);
        points.push(at(a));
        points.push(at(b));
        for i in 0..d {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            points.push(at(&ab));
        }
        if sampling.second_order {
            for i in 0..d {
                let mut ba = b.to_vec();
                ba[i] = a[i];
                points.push(at(&ba));
            }
        }
    }
    points
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

    fn points(n: u64) -> Sampling {
        Sampling {
            points: n,
            ..Sampling::default()
        }
    }

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
            &Sampling::default(),
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
            &Sampling::default(),
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
        let p = Points::new(Design::Lhs, &levels, &points(n), 7);
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
        assert_eq!(p, Points::new(Design::Lhs, &levels, &points(n), 7));
        assert_ne!(p, Points::new(Design::Lhs, &levels, &points(n), 8));
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
        let p = Points::new(Design::Random, &levels, &points(200), 3);
        let mut seen_b = false;
        for i in 0..200 {
            let v = p.point(i);
            assert!((2.0..3.0).contains(&as_f64(&v[0])));
            seen_b |= v[1].as_str() == Some("b");
        }
        assert!(seen_b);
    }

    fn unit(n: usize) -> Vec<Levels> {
        (0..n)
            .map(|_| Levels::Range {
                from: 0.0,
                to: 1.0,
                log: false,
                integer: false,
            })
            .collect()
    }

    #[test]
    fn morris_trajectories_move_one_factor_at_a_time_by_delta_either_way() {
        let sampling = Sampling {
            trajectories: 20,
            levels: 4,
            groups: vec![0, 1, 1],
            ..Sampling::default()
        };
        let p = Points::new(Design::Morris, &unit(3), &sampling, 9);
        assert_eq!(p.count(), 20 * 3); // r (k + 1) with k = 2 groups
        let steps = p.morris_steps();
        assert_eq!(steps.len(), 20 * 2);
        for t in 0..20 {
            for step in 1..3 {
                let (a, b) = (p.point(t * 3 + step - 1), p.point(t * 3 + step));
                let moved: Vec<usize> =
                    (0..3).filter(|&j| as_f64(&a[j]) != as_f64(&b[j])).collect();
                let s = steps[t as usize * 2 + step as usize - 1];
                assert_eq!(moved, if s.factor == 0 { vec![0] } else { vec![1, 2] });
                let delta = if s.up { 2.0 / 3.0 } else { -2.0 / 3.0 };
                for j in moved {
                    assert!((as_f64(&b[j]) - as_f64(&a[j]) - delta).abs() < 1e-12);
                }
            }
        }
        assert!(steps.iter().any(|s| s.up) && steps.iter().any(|s| !s.up));
    }

    #[test]
    fn optimal_trajectories_are_chosen_among_the_candidates() {
        let sampling = |optimal| Sampling {
            trajectories: 6,
            levels: 4,
            groups: vec![0, 1, 2],
            optimal_trajectories: optimal,
            ..Sampling::default()
        };
        let all = Points::new(Design::Morris, &unit(3), &sampling(0), 4);
        let candidates = Points::new(
            Design::Morris,
            &unit(3),
            &Sampling {
                trajectories: 30,
                ..sampling(0)
            },
            4,
        );
        let chosen = Points::new(Design::Morris, &unit(3), &sampling(30), 4);
        assert_eq!(chosen.count(), 6 * 4);
        assert_ne!(chosen, all);
        // Every chosen trajectory is one of the 30 candidates, in their order.
        let trajectory = |p: &Points, t: u64| -> Vec<Vec<toml::Value>> {
            (0..4).map(|s| p.point(t * 4 + s)).collect()
        };
        let mut last = None;
        for t in 0..6 {
            let found = (0..30)
                .find(|&c| trajectory(&candidates, c) == trajectory(&chosen, t))
                .expect("a candidate");
            assert!(last.is_none_or(|l| l < found));
            last = Some(found);
        }
    }

    #[test]
    fn saltelli_blocks_have_the_documented_size_and_structure() {
        let sampling = Sampling {
            samples: 8,
            second_order: true,
            ..Sampling::default()
        };
        let p = Points::new(Design::Sobol, &unit(3), &sampling, 2);
        assert_eq!(p.count(), 8 * (2 * 3 + 2));
        for j in 0..8 {
            let block = j * 8;
            let (a, b) = (p.point(block), p.point(block + 1));
            for i in 0..3 {
                let (ab, ba) = (p.point(block + 2 + i), p.point(block + 5 + i));
                for c in 0..3 {
                    let (from_b, from_a) = if c == i as usize { (&b, &a) } else { (&a, &b) };
                    assert_eq!(ab[c], from_b[c]);
                    assert_eq!(ba[c], from_a[c]);
                }
            }
        }
        let without = Sampling {
            samples: 8,
            ..Sampling::default()
        };
        assert_eq!(
            Points::new(Design::Sobol, &unit(3), &without, 2).count(),
            8 * (3 + 2)
        );
    }

    /// The 2D columns of A and B come from one scrambled Sobol sequence:
    /// each puts one of its N = 2^m values in each of N equal intervals, and
    /// so does the first half (N/2 values in N/2 intervals).
    #[test]
    fn saltelli_base_samples_are_stratified_in_every_column() {
        let n = 64u64;
        let sampling = Sampling {
            samples: n,
            ..Sampling::default()
        };
        let p = Points::new(Design::Sobol, &unit(3), &sampling, 11);
        for half in [n, n / 2] {
            for row in 0..2 {
                for c in 0..3 {
                    let mut seen = vec![false; half as usize];
                    for j in 0..half {
                        let u = as_f64(&p.point(j * 5 + row)[c]);
                        let cell = (u * half as f64) as usize;
                        assert!(!seen[cell], "row {row}, column {c}, {half} samples");
                        seen[cell] = true;
                    }
                }
            }
        }
        assert_ne!(p, Points::new(Design::Sobol, &unit(3), &sampling, 12));
    }
}
