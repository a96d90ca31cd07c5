//! A fuzz target over the config loader, built on proptest so it runs on the
//! stable toolchain: the shipped configs, mutated at the level of text
//! (extreme numbers, NaN and infinities, strings, arrays and empty tables in
//! place of values; deleted, duplicated and renamed keys; truncated text;
//! random bytes) and of structure (extra `[sweep]` tables and parameters),
//! go through what `detente check` does — load, validate, build the sweep
//! plan, validate every design point, describe the scenario — which must
//! never panic and must fail, if at all, with exactly one line; a config
//! that passes is run once and must give finite utilities in [0, 1].
//!
//! `cargo test --test cli fuzz` runs a bounded number of cases;
//! `DETENTE_FUZZ_SECONDS=3600 cargo test --test cli fuzz_config_loader_for_a_while
//! -- --ignored --nocapture` runs for an hour and reports the executions.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

use super::*;

/// The shipped configs, by path below `configs/`. Studies extend the
/// baseline, and the theory configs each other, by relative path.
const SEEDS: [&str; 11] = [
    "baseline.toml",
    "german_pressure.toml",
    "oil_leverage.toml",
    "sensitivity.toml",
    "split_the_pie.toml",
    "start_linkage.toml",
    "us_strategy.toml",
    "theory/nash_vs_ks.toml",
    "theory/rubinstein.toml",
    "theory/rubinstein_unequal.toml",
    "theory/zeuthen_nash.toml",
];

/// Most runs a fuzzed sweep may have: keeps each case to milliseconds while
/// still passing the shipped studies through per-point validation.
const MAX_RUNS: u64 = 100_000;

/// Values put in place of a value.
const VALUES: &[&str] = &[
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "1e-300",
    "0",
    "0.0",
    "-0.0",
    "-1",
    "1",
    "2",
    "3",
    "0.5",
    "0.999999",
    "1.0000001",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "4294967295",
    "4294967296",
    "2147483648",
    "1000000",
    "999999",
    "100000",
    "100001",
    "1e9",
    "1000000000",
    "1e15",
    "1e20",
    "\"x\"",
    "\"\"",
    "\" \"",
    "\"a\\nb\"",
    "\"\\u0000\"",
    "\"linked\"",
    "\"separate\"",
    "\"grid\"",
    "\"zip\"",
    "\"random\"",
    "\"lhs\"",
    "\"morris\"",
    "\"sobol\"",
    "\"log\"",
    "\"yes\"",
    "\"none\"",
    "\"baseline.toml\"",
    "\"study.toml\"",
    "\"../baseline.toml\"",
    "\"missing.toml\"",
    "\"/\"",
    "\".\"",
    "\"/dev/null\"",
    "\"/dev/zero\"",
    "[]",
    "[1, 2]",
    "[1e308, -1e308]",
    "[nan]",
    "[\"a\", \"a\"]",
    "[\"a\", \"\"]",
    "[[1]]",
    "{}",
    "{ a = 1 }",
    "{ security = 1e308 }",
    "{ security = nan, influence = 1 }",
    "{ kind = \"time_dependent\", beta = 1e-308 }",
    "{ kind = \"tit_for_tat\" }",
    "{ kind = \"relative_tit_for_tat\", window = 4294967295 }",
    "{ kind = \"resource_dependent\", resource = \"leverage\", scale = 1e308 }",
    "{ kind = \"hard_liner\" }",
    "true",
    "false",
    "1979-05-27",
    "'''\nmulti\n'''",
];

/// Key names put in place of a key or added.
const KEYS: &[&str] = &[
    "scenario",
    "name",
    "description",
    "seed",
    "replications",
    "issues",
    "kind",
    "min",
    "max",
    "levels",
    "step",
    "agents",
    "role",
    "weights",
    "base",
    "effects",
    "threat_effects",
    "oil_exposure",
    "unilateral_effects",
    "status_quo_effects",
    "risk",
    "reservation",
    "reservation_oil",
    "discount",
    "strategy",
    "beta",
    "kappa",
    "window",
    "resource",
    "soil",
    "presses",
    "pressure",
    "energy_dependence",
    "security",
    "influence",
    "oil",
    "environment",
    "threat",
    "distribution",
    "alpha",
    "value",
    "oil_price",
    "initial",
    "drift",
    "volatility",
    "years_per_round",
    "reference",
    "protocol",
    "deadline_rounds",
    "start_linkage",
    "start_issue",
    "status_quo",
    "unilateral",
    "sweep",
    "design",
    "points",
    "trajectories",
    "samples",
    "second_order",
    "parameters",
    "path",
    "from",
    "to",
    "steps",
    "scale",
    "group",
    "extends",
    "\"a.b\"",
    "\"\"",
    "\"a\\nb\"",
];

/// Dotted paths for swept parameters: valid ones and a few that are not.
const PATHS: &[&str] = &[
    "environment.oil_price.initial",
    "environment.oil_price.volatility",
    "environment.oil_price.years_per_round",
    "environment.oil_price.drift",
    "environment.oil_price.reference",
    "environment.threat.alpha",
    "agents.russia.weights.security",
    "agents.us.weights.oil",
    "agents.us.reservation",
    "agents.russia.reservation",
    "agents.us.strategy.beta",
    "agents.us.strategy",
    "agents.us.risk",
    "agents.russia.discount",
    "agents.germany.pressure",
    "agents.us.effects.interceptors.security",
    "protocol.deadline_rounds",
    "protocol.start_linkage",
    "protocol.kind",
    "protocol.status_quo.interceptors",
    "issues.interceptors.max",
    "scenario.seed",
    "sweep",
    "agents",
    "",
    ".",
    "agents..us",
    "agents.rusia.reservation",
];

/// One change to a config's text.
#[derive(Debug, Clone)]
enum Mutation {
    /// The value of a `key = value` line replaced.
    ReplaceValue {
        line: usize,
        value: usize,
    },
    DeleteLine {
        line: usize,
    },
    DuplicateLine {
        line: usize,
    },
    SwapLines {
        a: usize,
        b: usize,
    },
    /// The key of a `key = value` line (or a table header) renamed.
    RenameKey {
        line: usize,
        key: usize,
    },
    /// `key = value` added before a line.
    InsertLine {
        line: usize,
        key: usize,
        value: usize,
    },
    /// The text cut at a byte.
    Truncate {
        at: usize,
    },
    InsertBytes {
        at: usize,
        bytes: Vec<u8>,
    },
    /// A `[sweep]` table appended (replacing the header of any other).
    AppendSweep {
        design: usize,
        size_key: usize,
        size: usize,
        replications: usize,
    },
    /// A `[[sweep.parameters]]` table appended.
    AppendParameter {
        path: usize,
        name: usize,
        shape: usize,
        a: usize,
        b: usize,
        steps: usize,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = || any::<usize>();
    prop_oneof![
        4 => (index(), index()).prop_map(|(line, value)| Mutation::ReplaceValue { line, value }),
        1 => index().prop_map(|line| Mutation::DeleteLine { line }),
        1 => index().prop_map(|line| Mutation::DuplicateLine { line }),
        1 => (index(), index()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        1 => (index(), index()).prop_map(|(line, key)| Mutation::RenameKey { line, key }),
        2 => (index(), index(), index())
            .prop_map(|(line, key, value)| Mutation::InsertLine { line, key, value }),
        1 => index().prop_map(|at| Mutation::Truncate { at }),
        1 => (index(), prop::collection::vec(any::<u8>(), 1..6))
            .prop_map(|(at, bytes)| Mutation::InsertBytes { at, bytes }),
        1 => (index(), index(), index(), index()).prop_map(|(design, size_key, size, replications)| {
            Mutation::AppendSweep { design, size_key, size, replications }
        }),
        2 => (index(), index(), index(), index(), index(), index()).prop_map(
            |(path, name, shape, a, b, steps)| Mutation::AppendParameter { path, name, shape, a, b, steps }
        ),
    ]
}

/// A config to load: which seed, whether the mutations go to the file it
/// extends (when it extends one), and the mutations.
#[derive(Debug, Clone)]
struct Case {
    seed: usize,
    in_parent: bool,
    mutations: Vec<Mutation>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..SEEDS.len(),
        any::<bool>(),
        // Half the cases change one thing, so many stay valid and reach
        // the sweep plan and the model; the rest change several.
        prop_oneof![
            prop::collection::vec(mutation(), 1..2),
            prop::collection::vec(mutation(), 2..8),
        ],
    )
        .prop_map(|(seed, in_parent, mutations)| Case {
            seed,
            in_parent,
            mutations,
        })
}

fn pick<'a>(list: &[&'a str], i: usize) -> &'a str {
    list[i % list.len()]
}

fn apply(text: &str, m: &Mutation) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let n = lines.len().max(1);
    match m {
        Mutation::ReplaceValue { line, value } => {
            // Among the lines with a value, so most replacements hit one.
            let with_values: Vec<usize> = (0..lines.len())
                .filter(|&i| !lines[i].trim_start().starts_with('#') && lines[i].contains('='))
                .collect();
            if let Some(&i) = with_values.get(line % with_values.len().max(1)) {
                let key = lines[i].split_once('=').map_or("", |(k, _)| k).to_string();
                lines[i] = format!("{key}= {}", pick(VALUES, *value));
            }
        }
        Mutation::DeleteLine { line } => {
            if !lines.is_empty() {
                lines.remove(line % n);
            }
        }
        Mutation::DuplicateLine { line } => {
            if !lines.is_empty() {
                let l = lines[line % n].clone();
                lines.insert(line % n, l);
            }
        }
        Mutation::SwapLines { a, b } => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
        }
        Mutation::RenameKey { line, key } => {
            if !lines.is_empty() {
                let i = line % n;
                let new = pick(KEYS, *key);
                lines[i] = match lines[i].split_once('=') {
                    Some((_, value)) => format!("{new} ={value}"),
                    // A table header: its last key renamed.
                    None if lines[i].starts_with('[') => {
                        let header = lines[i].split('#').next().unwrap_or_default().trim();
                        let brackets = header.len() - header.trim_start_matches('[').len();
                        let inner = header.trim_start_matches('[').trim_end_matches(']');
                        let stem = inner.rsplit_once('.').map_or("", |(stem, _)| stem);
                        let dot = if stem.is_empty() { "" } else { "." };
                        let (open, close) = ("[".repeat(brackets), "]".repeat(brackets));
                        format!("{open}{stem}{dot}{new}{close}")
                    }
                    None => lines[i].clone(),
                };
            }
        }
        Mutation::InsertLine { line, key, value } => {
            let at = line % (lines.len() + 1);
            lines.insert(
                at,
                format!("{} = {}", pick(KEYS, *key), pick(VALUES, *value)),
            );
        }
        Mutation::Truncate { at } => {
            // At any byte: a cut inside a character is invalid UTF-8.
            return text.as_bytes()[..at % (text.len() + 1)].to_vec();
        }
        Mutation::InsertBytes { at, bytes } => {
            let at = at % (text.len() + 1);
            let mut out = text.as_bytes().to_vec();
            out.splice(at..at, bytes.iter().copied());
            return out;
        }
        Mutation::AppendSweep {
            design,
            size_key,
            size,
            replications,
        } => {
            // A second `[sweep]` header is a duplicate table; usually rename
            // the first out of the way so this one is read.
            if size % 4 != 0 {
                for l in lines.iter_mut() {
                    if l.trim() == "[sweep]" {
                        *l = "[old_sweep]".into();
                    }
                    if l.trim() == "[[sweep.parameters]]" {
                        *l = "[[old_sweep.parameters]]".into();
                    }
                }
                lines.retain(|l| !l.starts_with("[old_sweep") || l.contains("parameters"));
            }
            let designs = [
                "grid", "zip", "random", "lhs", "morris", "sobol", "latin", "",
            ];
            let sizes = [
                "points",
                "trajectories",
                "levels",
                "samples",
                "second_order",
                "replications",
            ];
            lines.push("[sweep]".into());
            lines.push(format!("design = \"{}\"", designs[design % designs.len()]));
            lines.push(format!(
                "{} = {}",
                sizes[size_key % sizes.len()],
                pick(VALUES, *size)
            ));
            if replications % 3 == 0 {
                lines.push(format!("replications = {}", pick(VALUES, *replications)));
            }
            if size % 4 != 0 {
                lines.push(format!(
                    "[[sweep.parameters]]\npath = \"{}\"\nfrom = 0.1\nto = 0.5",
                    pick(PATHS, *size)
                ));
            }
        }
        Mutation::AppendParameter {
            path,
            name,
            shape,
            a,
            b,
            steps,
        } => {
            lines.push("[[sweep.parameters]]".into());
            lines.push(format!("path = \"{}\"", pick(PATHS, *path)));
            if name % 3 != 0 {
                lines.push(format!("name = \"p{}\"", name % 5));
            }
            let (a, b, steps) = (pick(VALUES, *a), pick(VALUES, *b), pick(VALUES, *steps));
            match shape % 6 {
                0 => lines.push(format!("values = [{a}, {b}]")),
                1 => lines.push(format!("values = {a}")),
                2 => lines.push(format!("from = {a}\nto = {b}")),
                3 => lines.push(format!("from = {a}\nto = {b}\nsteps = {steps}")),
                4 => lines.push(format!(
                    "from = {a}\nto = {b}\nsteps = {steps}\nscale = \"log\""
                )),
                _ => lines.push(format!("from = 0.2\nto = 0.4\ngroup = {a}")),
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out.into_bytes()
}

/// The shipped configs, as `configs/`-relative path and text.
fn seeds() -> Vec<(&'static str, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs");
    SEEDS
        .iter()
        .map(|s| {
            let text = fs::read_to_string(root.join(s))
                .unwrap_or_else(|e| panic!("configs/{s} is readable: {e}"));
            (*s, text)
        })
        .collect()
}

/// A folder holding copies of the shipped configs, mutated in place one
/// case at a time.
struct Workspace {
    root: PathBuf,
    seeds: Vec<(&'static str, String)>,
}

impl Workspace {
    fn new(root: &Path) -> Workspace {
        let seeds = seeds();
        for (name, text) in &seeds {
            let path = root.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
        }
        Workspace {
            root: root.to_path_buf(),
            seeds,
        }
    }

    /// The file a case's mutations go to: the seed, or the seed it extends.
    fn target(&self, case: &Case) -> usize {
        let (name, text) = &self.seeds[case.seed];
        if !case.in_parent {
            return case.seed;
        }
        let Some(parent) = text
            .lines()
            .find_map(|l| l.strip_prefix("extends = \""))
            .and_then(|rest| rest.split('"').next())
        else {
            return case.seed;
        };
        let folder = Path::new(name).parent().unwrap_or(Path::new(""));
        let parent = folder.join(parent);
        let parent = parent.to_string_lossy().replace("theory/../", "");
        self.seeds
            .iter()
            .position(|(n, _)| *n == parent)
            .unwrap_or(case.seed)
    }

    /// Writes the case's mutated file, exercises the loader on the seed and
    /// puts the file back; returns whether the config passed.
    fn run(&self, case: &Case) -> Result<bool, String> {
        let target = self.target(case);
        let (name, original) = &self.seeds[target];
        let mut bytes = original.clone().into_bytes();
        for m in &case.mutations {
            bytes = apply(&String::from_utf8_lossy(&bytes), m);
        }
        let path = self.root.join(name);
        fs::write(&path, &bytes).unwrap();
        let outcome = exercise(&self.root.join(self.seeds[case.seed].0));
        fs::write(&path, original).unwrap();
        outcome
    }
}

/// Largest package space a fuzzed scenario is also run on.
const MAX_RUN_PACKAGES: u128 = 100_000;

/// What `detente check` does, in process; errors must be one line. A config
/// that passes is also run once: validated values must give finite results.
/// Returns whether the config passed.
fn exercise(config: &Path) -> Result<bool, String> {
    let result = detente::commands::check(config, &[], MAX_RUNS);
    match result {
        Ok(summary) => {
            assert!(!summary.is_empty());
            let scenario = detente::config::load(config)
                .expect("check passed, so the config loads")
                .scenario;
            if scenario.space_size() > MAX_RUN_PACKAGES {
                return Ok(true);
            }
            let model = detente::model::Model::new(scenario);
            let r = model.simulate(7, &mut detente::model::Scratch::default(), None);
            let finite = [
                r.threat,
                r.oil_price_final,
                r.oil_price_mean,
                r.leverage_final,
            ];
            if !finite.iter().all(|x| x.is_finite())
                || !r.utilities.iter().all(|u| (0.0..=1.0).contains(u))
            {
                return Err(format!("a valid config gave a non-finite result: {r:?}"));
            }
            Ok(true)
        }
        Err(e) => {
            let message = e.to_string();
            if message.trim().is_empty() || message.contains(['\n', '\r']) {
                return Err(format!("the error is not one line: {message:?}"));
            }
            Ok(false)
        }
    }
}

/// Proptest cases in the normal test run (PROPTEST_CASES overrides).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(400)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn fuzz_mutated_configs_never_panic_and_fail_in_one_line(case in case()) {
        let dir = TempDir::new().unwrap();
        let workspace = Workspace::new(dir.path());
        if let Err(e) = workspace.run(&case) {
            prop_assert!(false, "{e}");
        }
    }
}

/// The long run: mutated configs for DETENTE_FUZZ_SECONDS (default 60),
/// each in `catch_unwind`; a panicking input is saved beside the log
/// (DETENTE_FUZZ_DIR, default a temporary folder) and the run goes on.
#[test]
#[ignore = "long: run with DETENTE_FUZZ_SECONDS=3600 ... -- --ignored --nocapture"]
fn fuzz_config_loader_for_a_while() {
    let seconds: u64 = std::env::var("DETENTE_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let keep = std::env::var_os("DETENTE_FUZZ_DIR").map(PathBuf::from);
    let temp = TempDir::new().unwrap();
    let out = keep.unwrap_or_else(|| temp.path().to_path_buf());
    let work = out.join("work");
    fs::create_dir_all(&work).unwrap();
    let workspace = Workspace::new(&work);
    let mut runner = TestRunner::new(Config {
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    });
    let strategy = case();
    let start = Instant::now();
    let (mut executions, mut passed, mut failures) = (0u64, 0u64, 0u64);
    let mut last_report = Instant::now();
    while start.elapsed() < Duration::from_secs(seconds) {
        let case = strategy
            .new_tree(&mut runner)
            .expect("the strategy has no filters")
            .current();
        executions += 1;
        let outcome = catch_unwind(AssertUnwindSafe(|| workspace.run(&case)));
        let failure = match outcome {
            Ok(Ok(valid)) => {
                passed += u64::from(valid);
                None
            }
            Ok(Err(e)) => Some(e),
            Err(panic) => Some(format!(
                "panic: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        if let Some(failure) = failure {
            failures += 1;
            let saved = out.join(format!("failure-{failures}.txt"));
            fs::write(&saved, format!("{failure}\n{case:#?}\n")).unwrap();
            // Put the mutated file back for the next case.
            let _ = Workspace::new(&work);
            println!(
                "fuzz: FAILURE after {executions} executions: {failure} (saved {})",
                saved.display()
            );
        }
        if last_report.elapsed() >= Duration::from_secs(60) {
            last_report = Instant::now();
            println!(
                "fuzz: {executions} executions ({passed} valid configs), {failures} failures, {:.0} s",
                start.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "fuzz: done: {executions} executions ({passed} valid configs) in {:.0} s, {failures} failures",
        start.elapsed().as_secs_f64()
    );
    assert_eq!(failures, 0, "see the failures saved in {}", out.display());
}
