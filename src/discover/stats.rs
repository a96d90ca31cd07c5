//! The binomial tail behind PRIM's quasi-p-values, through the regularised
//! incomplete beta function (continued fraction, Lentz's method; Press et al.,
//! *Numerical Recipes*, 3rd ed., §6.4).

/// `P(X ≥ k)` for `X ~ Binomial(n, p)`.
pub fn binomial_tail(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    // P(X ≥ k) = I_p(k, n − k + 1).
    incomplete_beta(k as f64, (n - k + 1) as f64, p)
}

/// The regularised incomplete beta function `I_x(a, b)`.
pub fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    // The continued fraction converges fast for x < (a + 1)/(a + b + 2);
    // otherwise use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * continued_fraction(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * continued_fraction(b, a, 1.0 - x) / b
    }
}

fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

pub use crate::math::ln_gamma;

#[cfg(test)]
mod tests {
    use super::*;

    /// P(X ≥ k) by direct summation of the probabilities.
    fn direct(k: u64, n: u64, p: f64) -> f64 {
        (k..=n)
            .map(|j| {
                let ln_choose = ln_gamma(n as f64 + 1.0)
                    - ln_gamma(j as f64 + 1.0)
                    - ln_gamma((n - j) as f64 + 1.0);
                (ln_choose + j as f64 * p.ln() + (n - j) as f64 * (1.0 - p).ln()).exp()
            })
            .sum()
    }

    #[test]
    fn the_tail_equals_direct_summation() {
        for (n, p) in [(10, 0.3), (50, 0.05), (200, 0.5), (1000, 0.9)] {
            for k in [0, 1, n / 4, n / 2, n - 1, n] {
                let (a, b) = (binomial_tail(k, n, p), direct(k, n, p));
                assert!((a - b).abs() < 1e-12, "n {n} p {p} k {k}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn small_cases_by_hand() {
        // n = 3, p = 1/2: P(X ≥ 2) = 4/8.
        assert!((binomial_tail(2, 3, 0.5) - 0.5).abs() < 1e-14);
        // n = 4, p = 0.1: P(X ≥ 4) = 1e-4.
        assert!((binomial_tail(4, 4, 0.1) - 1e-4).abs() < 1e-16);
        assert_eq!(binomial_tail(5, 4, 0.1), 0.0);
        assert_eq!(binomial_tail(0, 4, 0.1), 1.0);
        // ln Γ(5) = ln 24.
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-13);
    }
}
