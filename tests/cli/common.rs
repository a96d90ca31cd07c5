//! Helpers every CLI test module shares: the binary, the baseline, reading
//! datasets back, and the shape every error must have.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use predicates::prelude::*;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The baseline scenario shipped with the repository.
pub const BASELINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/baseline.toml");

/// The 2007 situation standing still: the baseline before its world moved.
pub const SITUATION: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/situation_2007.toml");

/// Issues of the baseline, in config order.
pub const ISSUES: [&str; 6] = [
    "interceptors",
    "radar",
    "early_warning",
    "joint_rnd",
    "joint_testing",
    "start_renewal",
];

/// Agents of the baseline and their roles, in config order.
pub const AGENTS: [(&str, &str); 5] = [
    ("us", "proposer"),
    ("russia", "opponent"),
    ("poland", "host"),
    ("czech", "host"),
    ("germany", "ally"),
];

pub const OUTCOMES: [&str; 3] = ["agreement", "unilateral", "status_quo"];

pub fn detente() -> Command {
    Command::cargo_bin("detente").expect("the detente binary is built for integration tests")
}

pub fn baseline_text() -> String {
    fs::read_to_string(BASELINE).expect("configs/baseline.toml is readable")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `detente run BASELINE --out <out> <extra...>` from `cwd` and asserts success.
pub fn run_baseline(cwd: &Path, out: &Path, extra: &[&str]) -> Output {
    detente()
        .current_dir(cwd)
        .arg("run")
        .arg(BASELINE)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success()
        .code(0)
        .get_output()
        .clone()
}

/// Entries of a directory, sorted, as names.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub fn assert_empty_dir(dir: &Path) {
    let names = entries(dir);
    assert!(
        names.is_empty(),
        "{} should be empty but holds {names:?}",
        dir.display()
    );
}

/// A CSV file as its header and rows (each row keyed by column name).
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<HashMap<String, String>>,
}

pub fn read_csv(path: &Path) -> Table {
    let mut reader = csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("bad row in {}: {e}", path.display()));
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    Table { header, rows }
}

pub fn read_bytes(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Asserts the shape every error must have — exit status 1, one line on
/// stderr starting with `detente: `, no panic — and returns that line.
pub fn one_line_error(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected exit status 1; stderr: {stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "the binary panicked: {stderr}"
    );
    let line = stderr
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("stderr should end with a newline: {stderr:?}"));
    assert!(
        !line.contains('\n'),
        "stderr should be one line, got: {stderr:?}"
    );
    assert!(
        line.starts_with("detente: "),
        "stderr should start with `detente: `, got: {stderr:?}"
    );
    line.to_string()
}

/// A copy of the baseline with one piece of text replaced.
pub struct BadConfig {
    pub _dir: TempDir,
    pub path: PathBuf,
    /// 1-based line of the replaced text.
    pub line: usize,
}

/// Writes the baseline with `from` (which must occur exactly once) replaced
/// by `to` into a fresh directory.
pub fn bad_config(from: &str, to: &str) -> BadConfig {
    let text = baseline_text();
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` should occur exactly once in the baseline"
    );
    let offset = text.find(from).unwrap();
    let line = text[..offset].matches('\n').count() + 1;
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bad.toml");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    BadConfig {
        _dir: dir,
        path,
        line,
    }
}

/// Asserts that `run` (without `--out`, so the default directory would be
/// used) and `check` both reject the config with one line that names the
/// file, the line and a column, and every one of `needles`, and that neither
/// writes anything to the working directory.
pub fn assert_rejected(config: &BadConfig, needles: &[&str]) {
    let place = format!("{}:{}:", config.path.display(), config.line);
    let column = predicate::str::is_match(r"^\d+: ").expect("a valid regex");
    for command in ["run", "check"] {
        let work = TempDir::new().unwrap();
        let mut cmd = detente();
        cmd.current_dir(work.path()).arg(command).arg(&config.path);
        if command == "run" {
            cmd.args(["--replications", "20"]);
        }
        let output = cmd.output().unwrap();
        let line = one_line_error(&output);
        let at = line
            .find(&place)
            .unwrap_or_else(|| panic!("`{command}`: expected `{place}<column>` in: {line}"));
        assert!(
            column.eval(&line[at + place.len()..]),
            "`{command}`: expected a column after `{place}` in: {line}"
        );
        for needle in needles {
            assert!(
                line.contains(needle),
                "`{command}`: expected `{needle}` in: {line}"
            );
        }
        assert!(
            output.stdout.is_empty(),
            "`{command}`: nothing should go to stdout on error"
        );
        assert_empty_dir(work.path());
    }
}

/// The one-line error of `detente ARGS...` run in an empty directory that
/// must stay empty.
pub fn error_of(args: &[&str], config: &Path) -> String {
    let work = TempDir::new().unwrap();
    let output = detente()
        .current_dir(work.path())
        .args(args)
        .arg(config)
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
    assert_empty_dir(work.path());
    line
}

/// Asserts that `check` and `sweep --dry-run` refuse the config with the
/// same line, which starts with `detente: FILE:LINE:<column>:` and contains
/// every needle; returns it.
pub fn assert_check_and_sweep_refuse(config: &Path, line: usize, needles: &[&str]) -> String {
    let check = error_of(&["check"], config);
    let sweep = error_of(&["sweep", "--dry-run"], config);
    assert_eq!(check, sweep, "check and sweep give the same message");
    let place = format!("detente: {}:{line}:", config.display());
    assert!(
        check.starts_with(&place),
        "expected `{place}<column>:` in: {check}"
    );
    let column = &check[place.len()..];
    assert!(
        column.split(':').next().unwrap().parse::<usize>().is_ok(),
        "expected a column after `{place}` in: {check}"
    );
    for needle in needles {
        assert!(check.contains(needle), "expected `{needle}` in: {check}");
    }
    check
}
