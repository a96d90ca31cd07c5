//! PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), as
//! scenario discovery uses it (Bryant & Lempert 2010): peel a box around the
//! cases of interest one small slice at a time, then paste back what helps,
//! and repeat on the cases left outside.
//!
//! Ties are decided on purpose: candidate peels are compared by exact
//! rational arithmetic on case counts (no float ties), an exact tie goes to
//! the peel that removes fewer cases, then to the earlier input, then to the
//! lower side; a quantile that does not separate any case (repeated values)
//! peels the whole lowest or highest value instead.

use super::stats::binomial_tail;

/// One input's values over the cases.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Numeric(Vec<f64>),
    /// Category codes into `labels`.
    Categorical {
        codes: Vec<u32>,
        labels: Vec<String>,
    },
}

/// A named input.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub name: String,
    pub column: Column,
}

/// The cases: every input's value and whether the case is of interest.
#[derive(Debug, Clone, PartialEq)]
pub struct Cases {
    pub inputs: Vec<Input>,
    pub interest: Vec<bool>,
}

/// A box's limit on one input.
#[derive(Debug, Clone, PartialEq)]
pub enum Limit {
    /// `low ≤ x ≤ high`.
    Range { low: f64, high: f64 },
    /// The categories allowed, by code.
    Set(Vec<bool>),
}

impl Limit {
    fn admits(&self, column: &Column, i: usize) -> bool {
        match (self, column) {
            (Limit::Range { low, high }, Column::Numeric(x)) => *low <= x[i] && x[i] <= *high,
            (Limit::Set(allowed), Column::Categorical { codes, .. }) => allowed[codes[i] as usize],
            _ => unreachable!("a limit matches its column's kind by construction"),
        }
    }
}

/// What a box holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub cases: u64,
    pub interesting: u64,
    /// Share of all cases of interest that the box holds.
    pub coverage: f64,
    /// Share of the box's cases that are of interest.
    pub density: f64,
    /// Share of all cases that the box holds.
    pub mass: f64,
    /// Inputs whose limits are narrower than where the search started.
    pub restricted: usize,
}

/// A box and its statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub limits: Vec<Limit>,
    pub stats: Stats,
}

/// How a peel is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Gain in density per case removed (EMA Workbench's default, `lenient1`).
    Lenient1,
    /// Gain in density (Friedman & Fisher's original).
    Original,
}

/// PRIM's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Share of a box's cases peeled (or pasted) at a step, in (0, 0.5).
    pub alpha: f64,
    /// Smallest mass a peeled box may keep.
    pub min_mass: f64,
    /// Density a chosen box should reach.
    pub threshold: f64,
    pub objective: Objective,
    /// Boxes to find, one after the other.
    pub max_boxes: usize,
}

/// Why a box was chosen from its trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The box of largest coverage whose density meets the threshold.
    Threshold,
    /// None meets it: the box of largest harmonic mean of coverage and density.
    Balance,
}

/// One box found: its peeling trajectory, the box chosen from it, that box
/// after pasting, and each restricted input's quasi-p-value.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub trajectory: Vec<Step>,
    pub chosen: usize,
    pub choice: Choice,
    pub pasted: Step,
    /// `(input, quasi-p-value)` for each restricted input of the pasted box.
    pub quasi_p: Vec<(usize, f64)>,
}

/// Runs PRIM: up to `max_boxes` boxes, each on the cases the earlier ones
/// left outside. Stops early when no case of interest is left or a search
/// finds no box narrower than its start.
pub fn discover(cases: &Cases, settings: &Settings) -> Vec<Found> {
    let n = cases.interest.len();
    let totals = Totals {
        cases: n as u64,
        interesting: cases.interest.iter().filter(|&&y| y).count() as u64,
    };
    let mut remaining: Vec<u32> = (0..n as u32).collect();
    let mut found = Vec::new();
    while found.len() < settings.max_boxes && count(cases, &remaining).1 > 0 {
        let search = Search {
            cases,
            settings,
            totals,
            start: extent(cases, &remaining),
        };
        let trajectory = search.peel(&remaining);
        let (chosen, choice) = choose(&trajectory, settings.threshold);
        if chosen == 0 {
            break;
        }
        let pasted = search.paste(&trajectory[chosen].limits, &remaining);
        let quasi_p = search.quasi_p(&pasted, &remaining);
        remaining.retain(|&i| !inside(cases, &pasted.limits, i as usize));
        found.push(Found {
            trajectory,
            chosen,
            choice,
            pasted,
            quasi_p,
        });
    }
    found
}

#[derive(Debug, Clone, Copy)]
struct Totals {
    cases: u64,
    interesting: u64,
}

struct Search<'a> {
    cases: &'a Cases,
    settings: &'a Settings,
    totals: Totals,
    /// The limits the search starts from: the range of its cases.
    start: Vec<Limit>,
}

/// A candidate change of one limit, with the counts of the box it makes.
struct Candidate {
    input: usize,
    limit: Limit,
    cases: u64,
    interesting: u64,
}

fn inside(cases: &Cases, limits: &[Limit], i: usize) -> bool {
    limits
        .iter()
        .zip(&cases.inputs)
        .all(|(l, input)| l.admits(&input.column, i))
}

/// (cases, cases of interest) among `ids`.
fn count(cases: &Cases, ids: &[u32]) -> (u64, u64) {
    let k = ids.iter().filter(|&&i| cases.interest[i as usize]).count();
    (ids.len() as u64, k as u64)
}

/// The tightest limits holding every case of `ids`.
fn extent(cases: &Cases, ids: &[u32]) -> Vec<Limit> {
    cases
        .inputs
        .iter()
        .map(|input| match &input.column {
            Column::Numeric(x) => {
                let (low, high) = ids
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &i| {
                        (l.min(x[i as usize]), h.max(x[i as usize]))
                    });
                Limit::Range { low, high }
            }
            Column::Categorical { codes, labels } => {
                let mut allowed = vec![false; labels.len()];
                for &i in ids {
                    allowed[codes[i as usize] as usize] = true;
                }
                Limit::Set(allowed)
            }
        })
        .collect()
}

/// `a/b` compared with `c/d` (b, d > 0), exactly where the products fit.
fn compare_fractions(a: i128, b: i128, c: i128, d: i128) -> std::cmp::Ordering {
    match (a.checked_mul(d), c.checked_mul(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => (a as f64 / b as f64).total_cmp(&(c as f64 / d as f64)),
    }
}

impl Search<'_> {
    fn stats(&self, limits: &[Limit], cases: u64, interesting: u64) -> Stats {
        Stats {
            cases,
            interesting,
            coverage: ratio(interesting, self.totals.interesting),
            density: ratio(interesting, cases),
            mass: ratio(cases, self.totals.cases),
            restricted: limits
                .iter()
                .zip(&self.start)
                .filter(|(l, s)| l != s)
                .count(),
        }
    }

    /// The objective of going from (n0, k0) to (n1, k1) as a fraction.
    fn objective(&self, (n0, k0): (u64, u64), (n1, k1): (u64, u64)) -> (i128, i128) {
        let (n0, k0, n1, k1) = (n0 as i128, k0 as i128, n1 as i128, k1 as i128);
        // mean1 − mean0 = (k1·n0 − k0·n1) / (n1·n0)
        let gain = k1 * n0 - k0 * n1;
        match self.settings.objective {
            Objective::Original => (gain, n1 * n0),
            Objective::Lenient1 => (gain, n1 * n0 * (n1 - n0).abs().max(1)),
        }
    }

    /// Whether `c` beats `best`, both from `from`.
    fn better(&self, from: (u64, u64), c: &Candidate, best: &Option<Candidate>) -> bool {
        let Some(b) = best else { return true };
        let (x, y) = (
            self.objective(from, (c.cases, c.interesting)),
            self.objective(from, (b.cases, b.interesting)),
        );
        match compare_fractions(x.0, x.1, y.0, y.1) {
            std::cmp::Ordering::Greater => true,
            // On a tie, the change that keeps more cases; else the earlier.
            std::cmp::Ordering::Equal => c.cases > b.cases,
            std::cmp::Ordering::Less => false,
        }
    }

    /// The peeling trajectory from the range of `ids`.
    fn peel(&self, ids: &[u32]) -> Vec<Step> {
        let mut limits = self.start.clone();
        let mut box_ids = ids.to_vec();
        let (mut n, mut k) = count(self.cases, &box_ids);
        let mut trajectory = vec![Step {
            stats: self.stats(&limits, n, k),
            limits: limits.clone(),
        }];
        let min_cases = self.settings.min_mass * self.totals.cases as f64;
        while k < n {
            let mut best: Option<Candidate> = None;
            for candidate in self.peels(&limits, &box_ids, (n, k)) {
                if (candidate.cases as f64) >= min_cases
                    && candidate.cases < n
                    && self.better((n, k), &candidate, &best)
                {
                    best = Some(candidate);
                }
            }
            let Some(best) = best else { break };
            limits[best.input] = best.limit;
            box_ids.retain(|&i| {
                limits[best.input].admits(&self.cases.inputs[best.input].column, i as usize)
            });
            (n, k) = (best.cases, best.interesting);
            trajectory.push(Step {
                stats: self.stats(&limits, n, k),
                limits: limits.clone(),
            });
        }
        trajectory
    }

    /// Every peel of the box holding `ids`, input by input, lower side first.
    fn peels(&self, limits: &[Limit], ids: &[u32], (n, k): (u64, u64)) -> Vec<Candidate> {
        let alpha = self.settings.alpha;
        let mut out = Vec::new();
        for (j, input) in self.cases.inputs.iter().enumerate() {
            match (&input.column, &limits[j]) {
                (Column::Numeric(x), Limit::Range { low, high }) => {
                    let mut values: Vec<f64> = ids.iter().map(|&i| x[i as usize]).collect();
                    let last = values.len() - 1;
                    let lower = (alpha * last as f64).floor() as usize;
                    let upper = (((1.0 - alpha) * last as f64).ceil() as usize).min(last);
                    let q_low = *values.select_nth_unstable_by(lower, f64::total_cmp).1;
                    let q_high = *values.select_nth_unstable_by(upper, f64::total_cmp).1;
                    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
                    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    // Lower side: keep x ≥ cut.
                    let cut = if q_low > min {
                        Some(q_low)
                    } else {
                        next_above(&values, min)
                    };
                    if let Some(cut) = cut {
                        let (m, i) = counted(ids, self.cases, |c| x[c] >= cut);
                        out.push(Candidate {
                            input: j,
                            limit: Limit::Range {
                                low: cut,
                                high: *high,
                            },
                            cases: m,
                            interesting: i,
                        });
                    }
                    // Upper side: keep x ≤ cut.
                    let cut = if q_high < max {
                        Some(q_high)
                    } else {
                        next_below(&values, max)
                    };
                    if let Some(cut) = cut {
                        let (m, i) = counted(ids, self.cases, |c| x[c] <= cut);
                        out.push(Candidate {
                            input: j,
                            limit: Limit::Range {
                                low: *low,
                                high: cut,
                            },
                            cases: m,
                            interesting: i,
                        });
                    }
                }
                (Column::Categorical { codes, labels }, Limit::Set(allowed)) => {
                    let mut per = vec![(0u64, 0u64); labels.len()];
                    for &i in ids {
                        let c = &mut per[codes[i as usize] as usize];
                        c.0 += 1;
                        c.1 += u64::from(self.cases.interest[i as usize]);
                    }
                    if per.iter().filter(|c| c.0 > 0).count() < 2 {
                        continue;
                    }
                    for (code, &(m, i)) in per.iter().enumerate() {
                        if m > 0 && allowed[code] {
                            let mut narrower = allowed.clone();
                            narrower[code] = false;
                            out.push(Candidate {
                                input: j,
                                limit: Limit::Set(narrower),
                                cases: n - m,
                                interesting: k - i,
                            });
                        }
                    }
                }
                _ => unreachable!("limits are built from the columns"),
            }
        }
        out
    }

    /// Pastes onto `limits` while a paste raises the density.
    fn paste(&self, limits: &[Limit], ids: &[u32]) -> Step {
        let mut limits = limits.to_vec();
        loop {
            let in_box: Vec<u32> = ids
                .iter()
                .copied()
                .filter(|&i| inside(self.cases, &limits, i as usize))
                .collect();
            let (n, k) = count(self.cases, &in_box);
            let mut best: Option<Candidate> = None;
            for c in self.pastes(&limits, ids, n) {
                let raises =
                    (c.interesting as i128) * (n as i128) > (k as i128) * (c.cases as i128);
                if raises && self.better((n, k), &c, &best) {
                    best = Some(c);
                }
            }
            match best {
                Some(best) => limits[best.input] = best.limit,
                None => {
                    return Step {
                        stats: self.stats(&limits, n, k),
                        limits,
                    };
                }
            }
        }
    }

    /// Every paste: one input's limit widened to take in about alpha·n more
    /// cases that every other limit admits (or one more category).
    fn pastes(&self, limits: &[Limit], ids: &[u32], n: u64) -> Vec<Candidate> {
        let step = ((self.settings.alpha * n as f64).ceil() as usize).max(1);
        let mut out = Vec::new();
        for (j, input) in self.cases.inputs.iter().enumerate() {
            if limits[j] == self.start[j] {
                continue;
            }
            let mut others = limits.to_vec();
            others[j] = self.start[j].clone();
            let near: Vec<u32> = ids
                .iter()
                .copied()
                .filter(|&i| inside(self.cases, &others, i as usize))
                .collect();
            let widened: Vec<Limit> = match (&input.column, &limits[j]) {
                (Column::Numeric(x), Limit::Range { low, high }) => {
                    let mut below: Vec<f64> = near
                        .iter()
                        .map(|&i| x[i as usize])
                        .filter(|v| v < low)
                        .collect();
                    let mut above: Vec<f64> = near
                        .iter()
                        .map(|&i| x[i as usize])
                        .filter(|v| v > high)
                        .collect();
                    below.sort_by(|a, b| b.total_cmp(a));
                    above.sort_by(f64::total_cmp);
                    let mut w = Vec::new();
                    if let Some(&v) = below.get(step - 1).or(below.last()) {
                        w.push(Limit::Range {
                            low: v,
                            high: *high,
                        });
                    }
                    if let Some(&v) = above.get(step - 1).or(above.last()) {
                        w.push(Limit::Range { low: *low, high: v });
                    }
                    w
                }
                (Column::Categorical { .. }, Limit::Set(allowed)) => (0..allowed.len())
                    .filter(|&c| !allowed[c])
                    .map(|c| {
                        let mut wider = allowed.clone();
                        wider[c] = true;
                        Limit::Set(wider)
                    })
                    .collect(),
                _ => unreachable!("limits are built from the columns"),
            };
            for limit in widened {
                let (m, i) = counted(&near, self.cases, |c| limit.admits(&input.column, c));
                if m > n {
                    out.push(Candidate {
                        input: j,
                        limit,
                        cases: m,
                        interesting: i,
                    });
                }
            }
        }
        out
    }

    /// Quasi-p-value of each restricted input: the chance of at least the
    /// box's cases of interest among its cases if the input's restriction
    /// were dropped (one-sided binomial test, as the EMA Workbench reports).
    fn quasi_p(&self, step: &Step, ids: &[u32]) -> Vec<(usize, f64)> {
        (0..step.limits.len())
            .filter(|&j| step.limits[j] != self.start[j])
            .map(|j| {
                let mut relaxed = step.limits.clone();
                relaxed[j] = self.start[j].clone();
                let (m, i) = counted(ids, self.cases, |c| inside(self.cases, &relaxed, c));
                let p = ratio(i, m);
                (
                    j,
                    binomial_tail(step.stats.interesting, step.stats.cases, p),
                )
            })
            .collect()
    }
}

fn counted(ids: &[u32], cases: &Cases, keep: impl Fn(usize) -> bool) -> (u64, u64) {
    ids.iter().fold((0, 0), |(m, k), &i| {
        let i = i as usize;
        if keep(i) {
            (m + 1, k + u64::from(cases.interest[i]))
        } else {
            (m, k)
        }
    })
}

/// The smallest value above `floor`, if any.
fn next_above(values: &[f64], floor: f64) -> Option<f64> {
    values
        .iter()
        .copied()
        .filter(|&v| v > floor)
        .min_by(f64::total_cmp)
}

/// The largest value below `ceiling`, if any.
fn next_below(values: &[f64], ceiling: f64) -> Option<f64> {
    values
        .iter()
        .copied()
        .filter(|&v| v < ceiling)
        .max_by(f64::total_cmp)
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The step of the trajectory to report: the largest coverage whose density
/// meets `threshold` (ties: the higher density, then fewer restricted inputs,
/// then the earlier), else the largest harmonic mean of coverage and density.
pub fn choose(trajectory: &[Step], threshold: f64) -> (usize, Choice) {
    let meets = trajectory
        .iter()
        .enumerate()
        .filter(|(_, s)| s.stats.density >= threshold)
        .max_by(|(i, a), (j, b)| {
            a.stats
                .coverage
                .total_cmp(&b.stats.coverage)
                .then(a.stats.density.total_cmp(&b.stats.density))
                .then(b.stats.restricted.cmp(&a.stats.restricted))
                .then(j.cmp(i))
        });
    if let Some((i, _)) = meets {
        return (i, Choice::Threshold);
    }
    let balance = |s: &Step| {
        let (c, d) = (s.stats.coverage, s.stats.density);
        if c + d > 0.0 {
            2.0 * c * d / (c + d)
        } else {
            0.0
        }
    };
    let best = trajectory
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| balance(a).total_cmp(&balance(b)).then(j.cmp(i)))
        .map_or(0, |(i, _)| i);
    (best, Choice::Balance)
}
