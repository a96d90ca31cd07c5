//! PRIM against a hand-computed trajectory, a planted box, and its
//! invariances (order of cases, monotone transforms, category labels).

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::prim::*;

fn settings() -> Settings {
    Settings {
        alpha: 0.1,
        min_mass: 0.05,
        threshold: 0.8,
        objective: Objective::Lenient1,
        max_boxes: 3,
    }
}

fn numeric(name: &str, values: Vec<f64>) -> Input {
    Input {
        name: name.into(),
        column: Column::Numeric(values),
    }
}

fn range(step: &Step, input: usize) -> (f64, f64) {
    match step.limits[input] {
        Limit::Range { low, high } => (low, high),
        Limit::Set(_) => panic!("input {input} is categorical"),
    }
}

#[test]
fn ten_cases_peel_as_computed_by_hand() {
    // x = 1..10, of interest from 6 up; alpha 0.1.
    // Step 1: the lower 10 % quantile is the minimum 1, so the whole lowest
    // value is peeled: [2, 10] keeps 9 cases, 5 of interest, objective
    // (5/9 − 5/10)/1 = +1/18; peeling 10 from the top gives (4/9 − 1/2)/1 < 0.
    // Each later step peels the lowest value likewise until [6, 10] holds
    // only cases of interest.
    let cases = Cases {
        inputs: vec![numeric("x", (1..=10).map(f64::from).collect())],
        interest: (1..=10).map(|x| x >= 6).collect(),
    };
    let found = discover(&cases, &settings());
    assert_eq!(found.len(), 1, "the second search has no case of interest");
    let box1 = &found[0];
    let lows: Vec<f64> = box1.trajectory.iter().map(|s| range(s, 0).0).collect();
    assert_eq!(lows, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let densities: Vec<f64> = box1.trajectory.iter().map(|s| s.stats.density).collect();
    assert_eq!(
        densities,
        [5.0 / 10.0, 5.0 / 9.0, 5.0 / 8.0, 5.0 / 7.0, 5.0 / 6.0, 1.0]
    );
    assert!(box1.trajectory.iter().all(|s| s.stats.coverage == 1.0));
    // Coverage ties at 1: the denser box is chosen.
    assert_eq!((box1.chosen, box1.choice), (5, Choice::Threshold));
    // Pasting 5 back would lower the density: nothing is pasted.
    assert_eq!(range(&box1.pasted, 0), (6.0, 10.0));
    // Without the restriction, 5 of 10 are of interest: P(Bin(5, 1/2) ≥ 5) = 1/32.
    assert_eq!(box1.quasi_p.len(), 1);
    assert!((box1.quasi_p[0].1 - 1.0 / 32.0).abs() < 1e-15);
}

/// 20,000 cases: x1, x2, x3 uniform, a category of three; of interest with
/// probability 0.9 where x1 ≥ 0.6 and x2 ≤ 0.3, else 0.05.
fn planted(seed: u64) -> Cases {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = 20_000;
    let mut x: Vec<Vec<f64>> = vec![Vec::new(); 3];
    let (mut codes, mut interest) = (Vec::new(), Vec::new());
    for _ in 0..n {
        for column in &mut x {
            column.push(rng.random::<f64>());
        }
        codes.push(rng.random_range(0..3u32));
        let i = x[0].len() - 1;
        let p = if x[0][i] >= 0.6 && x[1][i] <= 0.3 {
            0.9
        } else {
            0.05
        };
        interest.push(rng.random::<f64>() < p);
    }
    let mut inputs: Vec<Input> = ["x1", "x2", "x3"]
        .iter()
        .zip(x)
        .map(|(name, values)| numeric(name, values))
        .collect();
    inputs.push(Input {
        name: "kind".into(),
        column: Column::Categorical {
            codes,
            labels: vec!["a".into(), "b".into(), "c".into()],
        },
    });
    Cases { inputs, interest }
}

#[test]
fn a_planted_box_is_recovered_within_a_peeling_step() {
    let cases = planted(7);
    // Asking for the density planted inside (0.9) rather than 0.8, which a
    // slightly larger box of more coverage also reaches.
    let settings = Settings {
        alpha: 0.05,
        threshold: 0.9,
        ..settings()
    };
    let found = discover(&cases, &settings);
    let box1 = &found[0].pasted;
    let (low1, high1) = range(box1, 0);
    let (low2, high2) = range(box1, 1);
    // A late peeling step removes 5 % of a box 0.4 wide: 0.02.
    assert!((low1 - 0.6).abs() <= 0.02, "x1 low {low1}");
    assert!(
        high1 > 0.99 && low2 < 0.01,
        "x1 high {high1}, x2 low {low2}"
    );
    assert!((high2 - 0.3).abs() <= 0.02, "x2 high {high2}");
    assert!(box1.stats.density > 0.8, "{:?}", box1.stats);
    assert!(box1.stats.coverage > 0.6, "{:?}", box1.stats);
    // The planted restrictions are significant; any other is not.
    for &(input, p) in &found[0].quasi_p {
        if input < 2 {
            assert!(p < 1e-10, "input {input}: {p}");
        } else {
            assert!(p > 1e-3, "spurious restriction of input {input}: {p}");
        }
    }
}

/// Which cases the first chosen box holds.
fn members(cases: &Cases, found: &[Found]) -> Vec<bool> {
    let limits = &found[0].pasted.limits;
    (0..cases.interest.len())
        .map(|i| {
            limits
                .iter()
                .zip(&cases.inputs)
                .all(|(l, input)| match (l, &input.column) {
                    (Limit::Range { low, high }, Column::Numeric(x)) => {
                        *low <= x[i] && x[i] <= *high
                    }
                    (Limit::Set(a), Column::Categorical { codes, .. }) => a[codes[i] as usize],
                    _ => false,
                })
        })
        .collect()
}

#[test]
fn the_same_cases_give_the_same_boxes_whatever_the_scale_or_labels() {
    let cases = planted(11);
    let found = discover(&cases, &settings());
    assert_eq!(found, discover(&cases, &settings()), "deterministic");
    // A monotone increasing transform of an input (shift and scale) and
    // relabelled categories select the same cases.
    let mut moved = cases.clone();
    if let Column::Numeric(x) = &mut moved.inputs[0].column {
        x.iter_mut().for_each(|v| *v = 100.0 + 3.0 * *v);
    }
    if let Column::Categorical { codes, labels } = &mut moved.inputs[3].column {
        codes.iter_mut().for_each(|c| *c = 2 - *c);
        labels.reverse();
    }
    let moved_found = discover(&moved, &settings());
    assert_eq!(members(&cases, &found), members(&moved, &moved_found));
    let stats = |f: &[Found]| f.iter().map(|b| b.pasted.stats.clone()).collect::<Vec<_>>();
    assert_eq!(stats(&found), stats(&moved_found));
}

#[test]
fn a_categorical_box_is_found() {
    // Of interest exactly in category 1 of four.
    let codes: Vec<u32> = (0..400).map(|i| i % 4).collect();
    let cases = Cases {
        interest: codes.iter().map(|&c| c == 1).collect(),
        inputs: vec![Input {
            name: "kind".into(),
            column: Column::Categorical {
                codes,
                labels: ["a", "b", "c", "d"].map(String::from).to_vec(),
            },
        }],
    };
    let found = discover(&cases, &settings());
    assert_eq!(
        found[0].pasted.limits[0],
        Limit::Set(vec![false, true, false, false])
    );
    assert_eq!(found[0].pasted.stats.density, 1.0);
    assert_eq!(found[0].pasted.stats.coverage, 1.0);
}
