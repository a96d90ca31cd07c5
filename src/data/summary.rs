//! `summary.csv`: one row per design point, accumulated as runs stream in.
//!
//! Runs of a point arrive in replicate order and are folded into a
//! [`PointSummary`] (Welford's algorithm for means and variances), so the
//! numbers are the same whatever the threads or shards, and memory holds one
//! point at a time.

use serde::{Deserialize, Serialize};

use crate::model::{IssueKind, Outcome, RunResult, Scenario};

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Running totals of one design point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointSummary {
    pub point: u64,
    pub runs: u64,
    pub failed: u64,
    /// Runs ending in each outcome, in [`Outcome::ALL`] order.
    pub outcomes: [u64; 3],
    pub rounds_sum: f64,
    /// Per agent: Welford mean and sum of squared deviations of utility.
    pub utility_mean: Vec<f64>,
    pub utility_m2: Vec<f64>,
    /// Per issue: sum of numeric values (integer and share issues).
    pub issue_sum: Vec<f64>,
    /// Per issue, per value: how often it was the outcome (yes/no and levels).
    pub issue_counts: Vec<Vec<u64>>,
    /// Runs in which the START issue left the status quo.
    pub start_renewed: u64,
}

impl PointSummary {
    pub fn new(point: u64, scenario: &Scenario) -> PointSummary {
        let agents = scenario.agents.len();
        PointSummary {
            point,
            runs: 0,
            failed: 0,
            outcomes: [0; 3],
            rounds_sum: 0.0,
            utility_mean: vec![0.0; agents],
            utility_m2: vec![0.0; agents],
            issue_sum: vec![0.0; scenario.issues.len()],
            issue_counts: scenario
                .issues
                .iter()
                .map(|i| match i.kind {
                    IssueKind::YesNo | IssueKind::Levels { .. } => vec![0; i.value_count()],
                    _ => Vec::new(),
                })
                .collect(),
            start_renewed: 0,
        }
    }

    /// Folds in one run (`Err` for a failed run).
    pub fn add(&mut self, scenario: &Scenario, result: Result<&RunResult, ()>) {
        self.runs += 1;
        let Ok(r) = result else {
            self.failed += 1;
            return;
        };
        let n = (self.runs - self.failed) as f64;
        let slot = Outcome::ALL
            .iter()
            .position(|&o| o == r.outcome)
            .expect("ALL lists every outcome");
        self.outcomes[slot] += 1;
        self.rounds_sum += f64::from(r.rounds);
        for (k, &u) in r.utilities.iter().enumerate() {
            let delta = u - self.utility_mean[k];
            self.utility_mean[k] += delta / n;
            self.utility_m2[k] += delta * (u - self.utility_mean[k]);
        }
        for (i, issue) in scenario.issues.iter().enumerate() {
            let v = r.package[i] as usize;
            match issue.kind {
                IssueKind::Integer { min, .. } => self.issue_sum[i] += (min + v as i64) as f64,
                IssueKind::Share { .. } => self.issue_sum[i] += issue.position(v),
                IssueKind::YesNo | IssueKind::Levels { .. } => self.issue_counts[i][v] += 1,
            }
        }
        if let Some(s) = scenario.protocol.start_issue
            && r.package[s] != scenario.protocol.status_quo[s]
        {
            self.start_renewed += 1;
        }
    }

    /// The fields of this point's row, after `point_id` and the parameters.
    pub fn fields(&self, scenario: &Scenario) -> Vec<String> {
        let ok = self.runs - self.failed;
        let n = ok as f64;
        let share = |k: u64| {
            if ok == 0 {
                String::new()
            } else {
                (k as f64 / n).to_string()
            }
        };
        let mean = |sum: f64| {
            if ok == 0 {
                String::new()
            } else {
                (sum / n).to_string()
            }
        };
        let mut row = vec![self.runs.to_string(), self.failed.to_string()];
        row.push(share(self.outcomes[0]));
        match wilson(self.outcomes[0], ok) {
            Some((low, high)) => row.extend([low.to_string(), high.to_string()]),
            None => row.extend([String::new(), String::new()]),
        }
        row.push(share(self.outcomes[1]));
        row.push(share(self.outcomes[2]));
        row.push(mean(self.rounds_sum));
        for k in 0..scenario.agents.len() {
            row.push(if ok == 0 {
                String::new()
            } else {
                self.utility_mean[k].to_string()
            });
            row.push(if ok < 2 {
                String::new()
            } else {
                (self.utility_m2[k] / (n - 1.0)).sqrt().to_string()
            });
        }
        for (i, issue) in scenario.issues.iter().enumerate() {
            match issue.kind {
                IssueKind::Integer { .. } | IssueKind::Share { .. } => {
                    row.push(mean(self.issue_sum[i]))
                }
                IssueKind::YesNo => row.push(share(self.issue_counts[i][1])),
                IssueKind::Levels { .. } => {
                    row.extend(self.issue_counts[i].iter().map(|&c| share(c)))
                }
            }
        }
        if scenario.protocol.start_issue.is_some() {
            row.push(share(self.start_renewed));
        }
        row
    }
}

/// Wilson score interval (95 %) for `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (n, p) = (n as f64, k as f64 / n as f64);
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_published_values() {
        // Newcombe (1998), Statistics in Medicine 17, table I: 81/263 gives
        // 0.2553 to 0.3662 (Wilson score method without continuity correction).
        let (low, high) = wilson(81, 263).unwrap();
        assert!(
            (low - 0.2553).abs() < 5e-5 && (high - 0.3662).abs() < 5e-5,
            "{low} {high}"
        );
        // 0 of 10: lower bound 0, upper bound 0.2775.
        let (low, high) = wilson(0, 10).unwrap();
        assert_eq!(low, 0.0);
        assert!((high - 0.2775).abs() < 5e-5, "{high}");
        assert_eq!(wilson(0, 0), None);
    }
}
