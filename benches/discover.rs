//! Benchmarks of scenario discovery: PRIM (three boxes, peeling, pasting and
//! quasi-p-values) on 10^5 and 10^6 cases of ten inputs, eight numeric and
//! two categorical, with a planted box.
//!
//! `cargo bench --bench discover`

use detente::discover::{Cases, Column, Input, Objective, Settings, discover};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

fn main() {
    divan::main();
}

fn cases(n: usize) -> Cases {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut inputs: Vec<Input> = (0..8)
        .map(|j| Input {
            name: format!("x{j}"),
            column: Column::Numeric((0..n).map(|_| rng.random::<f64>()).collect()),
        })
        .collect();
    for j in 0..2 {
        inputs.push(Input {
            name: format!("c{j}"),
            column: Column::Categorical {
                codes: (0..n).map(|_| rng.random_range(0..4u32)).collect(),
                labels: ["a", "b", "c", "d"].map(String::from).to_vec(),
            },
        });
    }
    let interest = (0..n)
        .map(|i| {
            let x = |j: usize| match &inputs[j].column {
                Column::Numeric(v) => v[i],
                Column::Categorical { .. } => unreachable!(),
            };
            let p = if x(0) > 0.6 && x(1) < 0.3 { 0.9 } else { 0.05 };
            rng.random::<f64>() < p
        })
        .collect();
    Cases { inputs, interest }
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 3)]
fn prim_three_boxes(bencher: divan::Bencher, n: usize) {
    let cases = cases(n);
    let settings = Settings {
        alpha: 0.05,
        min_mass: 0.05,
        threshold: 0.8,
        objective: Objective::Lenient1,
        max_boxes: 3,
    };
    bencher.bench(|| discover(divan::black_box(&cases), &settings));
}
