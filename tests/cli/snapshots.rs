//! Snapshots of what users read: `check`'s summary, `analyze --format csv`,
//! `sweep --dry-run`'s design and counts, and one-line errors. A change to
//! any of them shows as a diff to review (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test` to accept).

use super::*;

/// stdout and stderr of `detente ARGS` run in a scratch directory, with the
/// repository's path written as `<repo>` so snapshots hold on any machine.
fn output_of(args: &[&str]) -> (String, String, Option<i32>) {
    let work = TempDir::new().unwrap();
    let output = detente()
        .current_dir(work.path())
        .args(args)
        .output()
        .unwrap();
    let clean =
        |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(env!("CARGO_MANIFEST_DIR"), "<repo>");
    (
        clean(&output.stdout),
        clean(&output.stderr),
        output.status.code(),
    )
}

const SENSITIVITY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/sensitivity.toml");

#[test]
fn check_of_the_baseline() {
    let (stdout, stderr, code) = output_of(&["check", BASELINE]);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    insta::assert_snapshot!(stdout);
}

#[test]
fn analyze_csv_of_the_baseline() {
    let (stdout, stderr, code) = output_of(&["analyze", BASELINE, "--format", "csv"]);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    insta::assert_snapshot!(stdout);
}

#[test]
fn dry_run_of_the_baseline_sweep() {
    let (stdout, stderr, code) = output_of(&["sweep", BASELINE, "--dry-run"]);
    assert_eq!(code, Some(0));
    insta::assert_snapshot!("dry_run_design", stdout);
    insta::assert_snapshot!("dry_run_counts", stderr);
}

#[test]
fn dry_run_counts_of_the_sensitivity_study() {
    let (_, stderr, code) = output_of(&["sweep", SENSITIVITY, "--dry-run"]);
    assert_eq!(code, Some(0));
    insta::assert_snapshot!(stderr);
}

#[test]
fn error_lines() {
    let cases: [&[&str]; 8] = [
        &["check", "no-such.toml"],
        &["check", BASELINE, "--set", "agents.russia.reservation=2"],
        &["check", BASELINE, "--set", "agents.rusia.reservation=0.5"],
        &["check", BASELINE, "--set", "sweep.design=zap"],
        &["run", BASELINE, "--replay", "1", "--point", "99"],
        &["plot", "no-such-study"],
        &["merge", "no-such-shard", "--out", "merged"],
        &["sensitivity", "no-such-study"],
    ];
    let mut lines = String::new();
    for args in cases {
        let (stdout, stderr, code) = output_of(args);
        assert_eq!((code, stdout.as_str()), (Some(1), ""), "{args:?}: {stderr}");
        lines += &format!("$ detente {}\n{stderr}\n", args.join(" "));
    }
    insta::assert_snapshot!(lines.replace(BASELINE, "<repo>/configs/baseline.toml"));
}
