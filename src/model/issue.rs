//! Negotiation issues and the package space they span.
//!
//! An issue is one dimension of a deal (how many interceptors, whether the radar
//! is built, which START outcome). Each issue has a finite, ordered list of
//! values; a package is one value index per issue. Every value also has a
//! *position* in [0, 1] (lowest value 0, highest 1) that agents' linear effects
//! scale with.

/// The type of an issue and the values it can take.
#[derive(Debug, Clone, PartialEq)]
pub enum IssueKind {
    /// Whole numbers `min..=max`.
    Integer { min: i64, max: i64 },
    /// `no` (position 0) or `yes` (position 1).
    YesNo,
    /// Named, ordered levels; position `i / (n - 1)`.
    Levels { levels: Vec<String> },
    /// A continuous share of [0, 1] discretised at `step` (0, step, ..., 1).
    Share { step: f64 },
}

/// One negotiated issue.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub name: String,
    pub kind: IssueKind,
}

impl Issue {
    /// Number of values the issue can take (always at least 1).
    pub fn value_count(&self) -> usize {
        match &self.kind {
            IssueKind::Integer { min, max } => (max - min) as usize + 1,
            IssueKind::YesNo => 2,
            IssueKind::Levels { levels } => levels.len(),
            IssueKind::Share { step } => share_value_count(*step),
        }
    }

    /// Position of value `index` in [0, 1]: 0 for the first value, 1 for the last.
    pub fn position(&self, index: usize) -> f64 {
        let n = self.value_count();
        if n <= 1 {
            0.0
        } else {
            index as f64 / (n - 1) as f64
        }
    }

    /// The value as it is written in configs and datasets.
    pub fn label(&self, index: usize) -> String {
        match &self.kind {
            IssueKind::Integer { min, .. } => (min + index as i64).to_string(),
            IssueKind::YesNo => if index == 0 { "no" } else { "yes" }.to_string(),
            IssueKind::Levels { levels } => levels[index].clone(),
            IssueKind::Share { step } => {
                format!("{:.*}", share_decimals(*step), index as f64 * step)
            }
        }
    }

    /// Finds the value index for a label as written in a config, if it exists.
    pub fn index_of(&self, label: &str) -> Option<usize> {
        match &self.kind {
            IssueKind::Integer { min, max } => {
                let v: i64 = label.trim().parse().ok()?;
                (*min..=*max).contains(&v).then(|| (v - min) as usize)
            }
            IssueKind::YesNo => match label {
                "no" | "false" => Some(0),
                "yes" | "true" => Some(1),
                _ => None,
            },
            IssueKind::Levels { levels } => levels.iter().position(|l| l == label),
            IssueKind::Share { step } => {
                let v: f64 = label.trim().parse().ok()?;
                let i = (v / step).round();
                let n = self.value_count();
                ((i - v / step).abs() < 1e-6 && i >= 0.0 && (i as usize) < n).then_some(i as usize)
            }
        }
    }

    /// All value labels, in order, for messages.
    pub fn labels(&self) -> Vec<String> {
        (0..self.value_count()).map(|i| self.label(i)).collect()
    }
}

/// Values of a share issue with the given step: 0, step, ..., 1.
pub fn share_value_count(step: f64) -> usize {
    (1.0 / step).round() as usize + 1
}

/// Decimal places needed to print multiples of `step` exactly.
fn share_decimals(step: f64) -> usize {
    (0..=12)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(12)
}

/// A package: one value index per issue, in the scenario's issue order.
pub type Package = Vec<u32>;

/// A subspace of packages: for each issue, the value indices it may take.
///
/// The full space allows every value of every issue; a negotiation track that
/// leaves an issue to another track fixes it at one value. Packages in a
/// subspace are numbered in mixed radix, the first issue varying slowest.
#[derive(Debug, Clone, PartialEq)]
pub struct Subspace {
    allowed: Vec<Vec<u32>>,
    size: usize,
}

impl Subspace {
    /// Every value of every issue.
    pub fn full(issues: &[Issue]) -> Subspace {
        Subspace::new(
            issues
                .iter()
                .map(|i| (0..i.value_count() as u32).collect())
                .collect(),
        )
    }

    /// A subspace from explicit per-issue value lists (each non-empty).
    pub fn new(allowed: Vec<Vec<u32>>) -> Subspace {
        let size = allowed.iter().map(Vec::len).product();
        Subspace { allowed, size }
    }

    /// Number of packages in the subspace.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Value indices allowed for each issue.
    pub fn allowed(&self) -> &[Vec<u32>] {
        &self.allowed
    }

    /// The package with the given number in this subspace.
    pub fn package(&self, index: usize) -> Package {
        let mut values = vec![0; self.allowed.len()];
        self.package_into(index, &mut values);
        values
    }

    /// Writes package `index`'s value indices into `values` (one per issue).
    pub fn package_into(&self, mut index: usize, values: &mut [u32]) {
        for (slot, allowed) in values.iter_mut().zip(&self.allowed).rev() {
            *slot = allowed[index % allowed.len()];
            index /= allowed.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues() -> Vec<Issue> {
        vec![
            Issue {
                name: "n".into(),
                kind: IssueKind::Integer { min: 0, max: 10 },
            },
            Issue {
                name: "r".into(),
                kind: IssueKind::YesNo,
            },
            Issue {
                name: "s".into(),
                kind: IssueKind::Share { step: 0.25 },
            },
        ]
    }

    #[test]
    fn value_counts_positions_and_labels() {
        let i = issues();
        assert_eq!(i[0].value_count(), 11);
        assert_eq!(i[0].position(5), 0.5);
        assert_eq!(i[0].label(7), "7");
        assert_eq!(i[1].label(1), "yes");
        assert_eq!(i[2].value_count(), 5);
        assert_eq!(i[2].label(3), "0.75");
        assert_eq!(i[2].index_of("0.5"), Some(2));
        assert_eq!(i[2].index_of("0.3"), None);
        assert_eq!(i[0].index_of("11"), None);
    }

    #[test]
    fn fixed_issue_subspace_keeps_only_its_value() {
        let space = Subspace::new(vec![vec![3], vec![0, 1]]);
        assert_eq!(space.size(), 2);
        assert_eq!(space.package(1), vec![3, 1]);
    }
}
