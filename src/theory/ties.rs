//! When two utilities count as equal.
//!
//! Values are sums of configured effects, so packages that tie on paper (the
//! baseline's radar is worth exactly four interceptors to the United States)
//! come out of floating point a few units in the last place apart, in either
//! direction, depending on the order of additions. Deciding dominance,
//! acceptance or a theory comparison on such a difference would report
//! dominated packages on a frontier, or refuse an offer a responder is
//! indifferent to. Every such comparison goes through these functions
//! instead: utilities (and values, and products of utility gains) within
//! [`UTILITY_TOLERANCE`] of each other are equal.
//!
//! The tolerance is far above rounding error (about 1e-16 per operation on
//! numbers of order 1) and far below any difference a config can mean (the
//! finest `share` step is 1e-6 of a pie; effects are given to a few decimals).
//! Equality within a tolerance is not
//! transitive: a chain of values each within 1e-9 of the next can span more,
//! and then which of them counts as equal depends on the pair compared. No
//! config comes near that; where order matters (the all-agents frontier) the
//! values are first grouped into classes by chains, which is transitive.

/// Utilities, values and Nash products closer than this are equal.
pub const UTILITY_TOLERANCE: f64 = 1e-9;

/// `a ≥ b` up to the tolerance: `a` is at least `b`, or equal to it.
pub fn at_least(a: f64, b: f64) -> bool {
    a >= b - UTILITY_TOLERANCE
}

/// `a > b` beyond the tolerance: `a` is better and not merely equal.
pub fn greater(a: f64, b: f64) -> bool {
    a > b + UTILITY_TOLERANCE
}

/// `a = b` up to the tolerance.
pub fn equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= UTILITY_TOLERANCE
}

/// Whether `a` Pareto-dominates `b`: at least as good in every component and
/// better in one, up to the tolerance. Slices of unequal length compare
/// their common prefix.
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(&x, &y)| at_least(x, y)) && a.iter().zip(b).any(|(&x, &y)| greater(x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_differences_are_ties() {
        // 0.1 + 0.2 is 0.30000000000000004 in binary floating point.
        assert!(equal(0.1 + 0.2, 0.3));
        assert!(at_least(0.3, 0.1 + 0.2));
        assert!(!greater(0.1 + 0.2, 0.3));
        assert!(!dominates(&[0.1 + 0.2, 0.5], &[0.3, 0.5]));
    }

    #[test]
    fn real_differences_are_not() {
        assert!(greater(0.3 + 2e-9, 0.3));
        assert!(!at_least(0.3 - 2e-9, 0.3));
        assert!(dominates(&[0.3, 0.6], &[0.3 + 1e-12, 0.5]));
        assert!(!dominates(&[0.3, 0.6], &[0.4, 0.5]));
    }
}
