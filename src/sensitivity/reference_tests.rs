//! The estimators against references: SALib on the very same designs and
//! outputs, analytic Sobol indices (Ishigami), exact Morris measures, and
//! the invariances every variance-based index must have.

use std::f64::consts::PI;

use super::estimators::{SobolIndices, morris, sobol};
use crate::engine::seed::design_seed;
use crate::sweep::design::{Design, Levels, Points, Sampling};

fn range(from: f64, to: f64) -> Levels {
    Levels::Range {
        from,
        to,
        log: false,
        integer: false,
    }
}

/// The points of a design as numbers.
fn rows(points: &Points) -> Vec<Vec<f64>> {
    (0..points.count())
        .map(|i| {
            points
                .point(i)
                .iter()
                .map(|v| v.as_float().expect("ranges give floats"))
                .collect()
        })
        .collect()
}

fn sobol_design(d: usize, samples: u64, second_order: bool, levels: Levels, seed: u64) -> Points {
    let sampling = Sampling {
        samples,
        second_order,
        ..Sampling::default()
    };
    Points::new(Design::Sobol, &vec![levels; d], &sampling, seed)
}

fn morris_design(k: usize, trajectories: u64, seed: u64) -> Points {
    let sampling = Sampling {
        trajectories,
        levels: 4,
        groups: (0..k).collect(),
        ..Sampling::default()
    };
    Points::new(Design::Morris, &vec![range(0.0, 1.0); k], &sampling, seed)
}

fn assert_close(got: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: {got} against {expected}"
    );
}

// SALib 1.6.0 (numpy 2.4.6), 2026-12-03, by tests/reference/salib_reference.py
// on the design `detente sweep --dry-run --seed 2007` gives for three
// parameters on [0, 1] with `samples = 64` (the same points as below), for
// f = 100 + 5 x1 + 3 x2 x2 + 4 x1 x3 + 2 x2 x3 (mean/sd ≈ 60):
//   sobol.analyze(problem, Y, calc_second_order=True, seed=1)
//   sobol.analyze(problem, Y, calc_second_order=False, seed=1)
// with Y reordered to SALib's [A, AB_1..AB_3, (BA_1..BA_3,) B] blocks. SALib
// centres Y on its mean over all rows, so S1 differs between the two.
fn salib_sobol_output(x: &[f64]) -> f64 {
    100.0 + 5.0 * x[0] + 3.0 * x[1] * x[1] + 4.0 * x[0] * x[2] + 2.0 * x[1] * x[2]
}

#[test]
fn sobol_point_estimates_equal_salibs_on_the_same_sample() {
    // (second_order, S1, ST, S2 of (1, 2), (1, 3), (2, 3))
    type Case<'a> = (bool, [f64; 3], [f64; 3], &'a [f64]);
    let cases: [Case; 2] = [
        (
            true,
            [0.6503865154059162, 0.23295539592978556, 0.12200218286859942],
            [0.6613907159136528, 0.2223190976242453, 0.1349750210007043],
            &[
                -0.011023424387817587,
                0.013425906174871174,
                0.0009956645267603509,
            ],
        ),
        (
            false,
            [0.6503870640523782, 0.2329558606283681, 0.1220027726710166],
            [0.6613907159136527, 0.22231909762424523, 0.13497502100070427],
            &[],
        ),
    ];
    for (second_order, s1, st, s2) in cases {
        let design = sobol_design(3, 64, second_order, range(0.0, 1.0), design_seed(2007));
        let y: Vec<f64> = rows(&design)
            .iter()
            .map(|x| salib_sobol_output(x))
            .collect();
        let s = sobol(&y, 3, second_order, Some(1));
        for i in 0..3 {
            assert_close(s.first[i].value, s1[i], 1e-12, &format!("S1[{i}]"));
            assert_close(s.total[i].value, st[i], 1e-12, &format!("ST[{i}]"));
        }
        assert_eq!(s.second.len(), s2.len());
        for ((i, k, e), expected) in s.second.iter().zip(s2) {
            assert_close(e.value, *expected, 1e-12, &format!("S2[{i},{k}]"));
        }
    }
}

// SALib 1.6.0, 2026-12-03, tests/reference/salib_reference.py: the Morris
// design of `detente sweep --dry-run --seed 2007` with four parameters on
// [0, 1], `trajectories = 16`, `levels = 4`, and
//   morris.analyze(problem, X, Y, num_levels=4, seed=1)
// for f = x1 (x2 + x3 + x4) + 2 x2 − x4 x4.
#[test]
fn morris_measures_equal_salibs_on_the_same_sample() {
    let design = morris_design(4, 16, design_seed(2007));
    let y: Vec<f64> = rows(&design)
        .iter()
        .map(|x| x[0] * (x[1] + x[2] + x[3]) + 2.0 * x[1] - x[3] * x[3])
        .collect();
    let m = morris(&y, design.morris_steps(), 4, 2.0 / 3.0, Some(1));
    let mu = [
        1.5625,
        2.5208333333333335,
        0.6041666666666666,
        -0.3958333333333335,
    ];
    let mu_star = [
        1.5625,
        2.5208333333333335,
        0.6041666666666666,
        0.5208333333333336,
    ];
    let sigma = [
        0.6746055088661761,
        0.3435921354681384,
        0.3695592971013908,
        0.49018137232842474,
    ];
    for f in 0..4 {
        assert_close(m[f].mu.value, mu[f], 1e-12, &format!("mu[{f}]"));
        assert_close(m[f].mu_star.value, mu_star[f], 1e-12, &format!("mu*[{f}]"));
        assert_close(m[f].sigma.value, sigma[f], 1e-12, &format!("sigma[{f}]"));
    }
}

// SALib 1.6.0, 2026-12-03, tests/reference/salib_reference.py: on the 40
// trajectories of the design above with `trajectories = 40`,
//   LocalOptimisation().find_local_maximum(candidates, 40, 4, 6)
// keeps candidates [4, 8, 16, 18, 26, 38].
#[test]
fn optimal_trajectories_are_the_ones_salibs_local_optimisation_keeps() {
    let candidates = rows(&morris_design(4, 40, design_seed(2007)));
    let trajectories: Vec<Vec<Vec<f64>>> = candidates.chunks(5).map(|t| t.to_vec()).collect();
    assert_eq!(
        crate::sweep::trajectories::select(&trajectories, 6),
        vec![4, 8, 16, 18, 26, 38]
    );
}

fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// Ishigami & Homma (1990) with a = 7, b = 0.1: analytic S1 = 0.3139,
/// 0.4424, 0 and ST = 0.5576, 0.4424, 0.2437; only x1 and x3 interact, so
/// S13 = 0.2437 and S12 = S23 = 0 (Saltelli et al. 2008, Global Sensitivity
/// Analysis: The Primer, §4.7).
const ISHIGAMI: [(f64, f64); 3] = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];

fn ishigami_indices(shift: f64, samples: u64) -> SobolIndices {
    let design = sobol_design(3, samples, true, range(-PI, PI), 42);
    let y: Vec<f64> = rows(&design).iter().map(|x| shift + ishigami(x)).collect();
    sobol(&y, 3, true, Some(7))
}

// Each 95 % interval covers its value for about 95 % of design seeds, so
// all seven together hold for about 70 % of seeds; the seed is fixed (42),
// and the point estimates must also be within 0.02 of the analytic values
// (the scrambled Sobol sample at N = 4096 is that accurate; Latin hypercube
// samples were not).
#[test]
fn ishigami_indices_lie_in_their_bootstrap_intervals() {
    let s = ishigami_indices(0.0, 4096);
    for (i, (s1, st)) in ISHIGAMI.iter().enumerate() {
        let (first, total) = (s.first[i], s.total[i]);
        assert!(first.low <= *s1 && *s1 <= first.high, "S1[{i}] {first:?}");
        assert!(total.low <= *st && *st <= total.high, "ST[{i}] {total:?}");
        assert!(total.high - total.low < 0.15, "too wide: {total:?}");
        assert_close(first.value, *s1, 0.02, &format!("S1[{i}]"));
        assert_close(total.value, *st, 0.02, &format!("ST[{i}]"));
    }
    let s13 = s
        .second
        .iter()
        .find(|(i, k, _)| (*i, *k) == (0, 2))
        .unwrap()
        .2;
    assert!(s13.low <= 0.2437 && 0.2437 <= s13.high, "{s13:?}");
}

/// An output whose mean is large against its spread (100 + Ishigami:
/// mean/sd ≈ 27). Without centring, S1 picks up mean · (f(AB) − f(A)) / V:
/// 0.267 for x1 here, and far worse on Latin hypercube samples.
#[test]
fn indices_of_an_output_with_a_large_mean_stay_right() {
    let s = ishigami_indices(100.0, 1024);
    for (i, (s1, st)) in ISHIGAMI.iter().enumerate() {
        assert_close(s.first[i].value, *s1, 0.02, &format!("S1[{i}]"));
        assert_close(s.total[i].value, *st, 0.02, &format!("ST[{i}]"));
    }
    let s13 = s
        .second
        .iter()
        .find(|(i, k, _)| (*i, *k) == (0, 2))
        .unwrap()
        .2;
    assert_close(s13.value, 0.2437, 0.05, "S13");
}

/// S(f) = S(a + b f) for any shift a and any scale b ≠ 0, negative included
/// (1 − agreement_rate has the indices of agreement_rate).
#[test]
fn indices_do_not_change_with_shift_scale_or_sign() {
    let design = sobol_design(3, 256, true, range(-PI, PI), 9);
    let y: Vec<f64> = rows(&design).iter().map(|x| ishigami(x)).collect();
    let reference = sobol(&y, 3, true, Some(5));
    for (a, b) in [(1000.0, 1.0), (-3.0, 2.5), (1.0, -1.0), (250.0, -0.01)] {
        let moved: Vec<f64> = y.iter().map(|v| a + b * v).collect();
        let s = sobol(&moved, 3, true, Some(5));
        let pairs = reference
            .first
            .iter()
            .zip(&s.first)
            .chain(reference.total.iter().zip(&s.total))
            .chain(
                reference
                    .second
                    .iter()
                    .map(|e| &e.2)
                    .zip(s.second.iter().map(|e| &e.2)),
            );
        for (r, e) in pairs {
            let what = format!("a = {a}, b = {b}");
            assert_close(e.value, r.value, 1e-9, &what);
            assert_close(e.low, r.low, 1e-9, &what);
            assert_close(e.high, r.high, 1e-9, &what);
        }
    }
}

// Morris (1991) on y = x1 + 2 x2 + 5 x3 + 0 x4 over [−π, π]: every
// elementary effect is the coefficient times the range (2π), up or down, so
// μ = μ* = c · 2π and σ = 0.
#[test]
fn morris_ranks_the_inputs_of_a_linear_function() {
    let sampling = Sampling {
        trajectories: 20,
        levels: 4,
        groups: vec![0, 1, 2, 3],
        ..Sampling::default()
    };
    let points = Points::new(Design::Morris, &vec![range(-PI, PI); 4], &sampling, 5);
    let y: Vec<f64> = rows(&points)
        .iter()
        .map(|x| x[0] + 2.0 * x[1] + 5.0 * x[2])
        .collect();
    let m = morris(
        &y,
        points.morris_steps(),
        4,
        sampling.morris_step(),
        Some(3),
    );
    for (k, c) in [1.0, 2.0, 5.0, 0.0].into_iter().enumerate() {
        assert_close(m[k].mu_star.value, c * 2.0 * PI, 1e-9, "mu*");
        assert_close(m[k].mu.value, c * 2.0 * PI, 1e-9, "mu");
        assert!(m[k].sigma.value.abs() < 1e-9);
    }
}

/// Exact Morris measures with p = 4 levels: each x_j is uniform on
/// {0, 1/3, 2/3, 1} (mean 1/2, variance 5/36) at every point of a
/// trajectory, and the elementary effect of x1 is the rest of the product.
/// For f = x1 (x2 + … + x8): EE₁ = x2 + … + x8, so μ₁ = μ*₁ = 3.5 and
/// σ₁ = sqrt(7 · 5/36) = 0.986. For f = x1 ⋯ x8: EE₁ = x2 ⋯ x8, so
/// μ*₁ = 0.5⁷ = 0.0078 and σ₁ = sqrt((7/18)⁷ − (1/4)⁷) = 0.0358. The
/// up-only design gave σ₁ = 1.589 and μ*₁ = 0.044.
#[test]
fn morris_measures_match_exact_values_of_sum_and_product_functions() {
    let r = 4000;
    let design = morris_design(8, r, 17);
    let x = rows(&design);
    let steps = design.morris_steps();
    let sum: Vec<f64> = x
        .iter()
        .map(|x| x[0] * x[1..].iter().sum::<f64>())
        .collect();
    let m = morris(&sum, steps, 8, 2.0 / 3.0, None);
    // Standard errors at r = 4000: about 0.016 for μ, 0.011 for σ.
    assert_close(m[0].mu_star.value, 3.5, 0.05, "sum mu*");
    assert_close(m[0].mu.value, 3.5, 0.05, "sum mu");
    assert_close(
        m[0].sigma.value,
        (7.0 * 5.0 / 36.0f64).sqrt(),
        0.04,
        "sum sigma",
    );
    let product: Vec<f64> = x.iter().map(|x| x.iter().product()).collect();
    let m = morris(&product, steps, 8, 2.0 / 3.0, None);
    let sigma = ((7.0 / 18.0f64).powi(7) - 0.25f64.powi(7)).sqrt();
    for (f, e) in m.iter().enumerate() {
        // Standard error about 0.0006.
        assert_close(
            e.mu_star.value,
            0.5f64.powi(7),
            0.002,
            &format!("product mu*[{f}]"),
        );
        assert_close(e.sigma.value, sigma, 0.006, &format!("product sigma[{f}]"));
    }
}
