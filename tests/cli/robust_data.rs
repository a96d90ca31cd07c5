//! Robustness of the datasets (issue: never lose or corrupt a user's data):
//! `--force` replaces only what detente wrote, one writer per study, and
//! damaged or incomplete studies are refused by `merge`, `--resume`, `plot`
//! and `sensitivity` instead of being passed off as whole.

use super::*;

/// A copy of a directory tree (files only, one level of subdirectories).
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// Runs a command expected to fail with one line; returns the line.
fn refused(cmd: &mut Command) -> String {
    one_line_error(&cmd.output().unwrap())
}

/// Two shards of the baseline sweep (24 points x 3 replications).
fn two_shards(cwd: &Path) -> (PathBuf, PathBuf) {
    let (a, b) = (cwd.join("a"), cwd.join("b"));
    sweep_ok(
        cwd,
        Path::new(BASELINE),
        &a,
        &["-n", "3", "--shard", "1/2", "--no-plots"],
    );
    sweep_ok(
        cwd,
        Path::new(BASELINE),
        &b,
        &["-n", "3", "--shard", "2/2", "--no-plots"],
    );
    (a, b)
}

/// Applies `damage` to a copy of shard `a`, merges it with `b`, and returns
/// the one-line refusal; nothing may be written.
fn merge_damaged(cwd: &Path, a: &Path, b: &Path, damage: impl Fn(&Path)) -> String {
    let copy = cwd.join("damaged");
    let _ = fs::remove_dir_all(&copy);
    copy_dir(a, &copy);
    damage(&copy);
    let out = cwd.join("merged");
    let line = refused(&mut merge(cwd, &[&copy, b], &out));
    assert!(!out.exists(), "a refused merge writes nothing: {line}");
    line
}

fn edit(path: &Path, change: impl Fn(&mut Vec<u8>)) {
    let mut bytes = read_bytes(path);
    change(&mut bytes);
    fs::write(path, bytes).unwrap();
}

/// Keeps the first `keep` lines of a file.
fn keep_lines(path: &Path, keep: usize) {
    let text = fs::read_to_string(path).unwrap();
    let kept: String = text.split_inclusive('\n').take(keep).collect();
    fs::write(path, kept).unwrap();
}

// ---------------------------------------------------------------- --force

#[test]
fn force_never_deletes_a_folder_of_the_users_files() {
    let work = TempDir::new().unwrap();
    let config = extending_config(work.path(), "my", "");
    fs::write(work.path().join("thesis.tex"), "\\documentclass{article}").unwrap();
    let before = entries(work.path());

    // `.`, the folder itself by its full path, and its parent are refused.
    for out in [
        PathBuf::from("."),
        work.path().to_path_buf(),
        PathBuf::from(".."),
    ] {
        let line = refused(sweep(work.path(), &config, &["-n", "2", "--force", "--out"]).arg(&out));
        assert!(
            line.contains("output directory") || line.contains("refusing to replace"),
            "{line}"
        );
        assert_eq!(
            entries(work.path()),
            before,
            "--out {} --force",
            out.display()
        );
    }
    let line = refused(
        detente()
            .current_dir(work.path())
            .args(["run", "my.toml", "-n", "2", "--force", "--out", "."]),
    );
    assert!(line.contains("output directory"), "{line}");

    // A folder of user files, and the folder holding the config.
    let papers = work.path().join("papers");
    fs::create_dir(&papers).unwrap();
    fs::write(papers.join("draft.md"), "mine").unwrap();
    let line = refused(&mut sweep(
        work.path(),
        &config,
        &["-n", "2", "--force", "--out", "papers"],
    ));
    assert!(line.contains("no detente manifest"), "{line}");
    assert_eq!(entries(&papers), ["draft.md"]);
    let nested = papers.join("study.toml");
    fs::copy(&config, &nested).unwrap();
    let line = refused(detente().current_dir(work.path()).args([
        "run",
        "papers/study.toml",
        "-n",
        "2",
        "--force",
        "--out",
        "papers",
    ]));
    assert!(line.contains("the config being run"), "{line}");
    assert_eq!(entries(&papers), ["draft.md", "study.toml"]);
}

#[test]
fn force_replaces_a_study_only_while_it_holds_nothing_else() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("study");
    sweep_ok(
        work.path(),
        Path::new(BASELINE),
        &out,
        &["-n", "2", "--no-plots"],
    );
    fs::write(out.join("notes.txt"), "my notes").unwrap();
    let line = refused(
        sweep(
            work.path(),
            Path::new(BASELINE),
            &["-n", "2", "--force", "--out"],
        )
        .arg(&out),
    );
    assert!(line.contains("notes.txt"), "names the foreign file: {line}");
    assert_eq!(read_bytes(&out.join("notes.txt")), b"my notes");
    assert_complete(&out, 48);

    fs::remove_file(out.join("notes.txt")).unwrap();
    sweep_ok(
        work.path(),
        Path::new(BASELINE),
        &out,
        &["-n", "3", "--force", "--no-plots"],
    );
    assert_complete(&out, 72);
    assert_eq!(
        entries(work.path()),
        ["study"],
        "nothing left beside the study"
    );
}

// ---------------------------------------------------------------- one writer

#[test]
fn a_second_writer_is_refused_naming_the_holder() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("study");
    let lock = detente::data::StudyLock::acquire(&out).unwrap();
    let pid = format!("pid {}", std::process::id());
    for args in [
        vec!["sweep", BASELINE, "-n", "2", "--quiet"],
        vec!["sweep", BASELINE, "-n", "2", "--quiet", "--resume"],
        vec!["sweep", BASELINE, "-n", "2", "--quiet", "--force"],
        vec!["run", BASELINE, "-n", "2"],
        vec!["run", BASELINE, "-n", "2", "--force"],
    ] {
        let line = refused(
            detente()
                .current_dir(work.path())
                .args(&args)
                .arg("--out")
                .arg(&out),
        );
        assert!(line.contains(&pid), "{args:?}: {line}");
        assert!(!out.exists(), "{args:?} wrote nothing");
    }
    drop(lock);
    // A lock file left by a process that died is no obstacle.
    fs::write(work.path().join(".study.lock"), "4000000\n").unwrap();
    run_baseline(work.path(), &out, &["-n", "2"]);
    assert_eq!(entries(work.path()), ["study"]);
}

#[test]
fn a_second_sweep_into_a_running_study_is_refused() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("study");
    let mut first = start_and_wait_for_checkpoint(work.path(), &out, &["-n", "2000"]);
    let pid = format!("pid {}", first.id());
    for extra in [&["--resume"][..], &["--force"]] {
        let line = refused(
            sweep(work.path(), Path::new(BASELINE), &["-n", "2000"])
                .args(extra)
                .arg("--out")
                .arg(&out),
        );
        assert!(line.contains(&pid), "{extra:?}: {line}");
    }
    let status = first.wait().unwrap();
    assert!(status.success(), "the first sweep finishes undisturbed");
    assert_complete(&out, 48_000);
    assert_eq!(read_csv(&out.join("runs.csv")).rows.len(), 48_000);
}

// ---------------------------------------------------------------- merge

#[test]
fn merge_refuses_damaged_shards_and_writes_nothing() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let (a, b) = two_shards(cwd);

    let line = merge_damaged(cwd, &a, &b, |d| {
        let rows = read_csv(&d.join("runs.csv")).rows.len();
        keep_lines(&d.join("runs.csv"), 1 + rows - 5);
    });
    assert!(line.contains("runs.csv is damaged"), "lost rows: {line}");

    let line = merge_damaged(cwd, &a, &b, |d| {
        edit(&d.join("runs.csv"), |bytes| bytes.truncate(bytes.len() - 7));
    });
    assert!(line.contains("runs.csv is damaged"), "cut mid-row: {line}");

    let line = merge_damaged(cwd, &a, &b, |d| {
        edit(&d.join("runs.csv"), |bytes| {
            let at = bytes.len() / 2;
            bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
        });
    });
    assert!(line.contains("runs.csv is damaged"), "garbage cell: {line}");

    let line = merge_damaged(cwd, &a, &b, |d| keep_lines(&d.join("summary.csv"), 3));
    assert!(
        line.contains("summary.csv is damaged"),
        "short summary: {line}"
    );

    let line = merge_damaged(cwd, &a, &b, |d| {
        edit(&d.join("config.toml"), |bytes| {
            bytes.extend_from_slice(b"\n# edited\n")
        });
    });
    assert!(
        line.contains("config.toml is damaged"),
        "edited config: {line}"
    );

    let line = merge_damaged(cwd, &a, &b, |d| {
        fs::remove_file(d.join("rounds.csv")).unwrap()
    });
    assert!(line.contains("missing"), "missing file: {line}");

    // An edited manifest that no longer agrees with its files.
    let line = merge_damaged(cwd, &a, &b, |d| {
        let path = d.join("manifest.json");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            text.replace("\"runs_done\": 36", "\"runs_done\": 31"),
        )
        .unwrap();
    });
    assert!(line.contains("31 of 36 runs"), "edited manifest: {line}");

    // On a full stdout the report fails before the merged study is moved
    // into place: nothing is written.
    let out = cwd.join("whole");
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Process::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(cwd)
        .arg("merge")
        .args([&a, &b])
        .arg("--out")
        .arg(&out)
        .stdout(full)
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(line.contains("writing to standard output"), "{line}");
    assert!(!out.exists(), "nothing merged on a full stdout");

    // The undamaged shards merge, and the merged study verifies.
    merge(cwd, &[&a, &b], &out).assert().code(0);
    assert_complete(&out, 72);
    let m = manifest(&out);
    let runs = m["digests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "runs.csv")
        .unwrap();
    assert_eq!(runs["rows"], 72);
    assert_eq!(
        runs["sha256"],
        sha256_hex(&read_bytes(&out.join("runs.csv")))
    );
}

// ---------------------------------------------------------------- resume

#[test]
fn resume_refuses_a_damaged_checkpoint_and_missing_files() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let out = cwd.join("study");
    let mut child = start_and_wait_for_checkpoint(cwd, &out, &["-n", "1000"]);
    child.kill().unwrap();
    child.wait().unwrap();
    let (done, _) = assert_incomplete(&out);
    let saved = cwd.join("saved");
    copy_dir(&out, &saved);
    let resume = |cwd: &Path| {
        let mut cmd = sweep(
            cwd,
            Path::new(BASELINE),
            &["-n", "1000", "--resume", "--out", "study"],
        );
        cmd.arg("--no-plots");
        cmd
    };
    let restore = || {
        fs::remove_dir_all(&out).unwrap();
        copy_dir(&saved, &out);
    };

    // One flipped byte inside the checkpointed part of runs.csv.
    edit(&out.join("runs.csv"), |bytes| bytes[100] ^= 1);
    let line = refused(&mut resume(cwd));
    assert!(line.contains("runs.csv is damaged"), "{line}");
    assert_eq!(manifest(&out)["runs_done"], done, "nothing was resumed");

    for file in ["design.csv", "config.toml", "summary.csv"] {
        restore();
        fs::remove_file(out.join(file)).unwrap();
        let line = refused(&mut resume(cwd));
        assert!(
            line.contains(file) && line.contains("missing"),
            "{file}: {line}"
        );
        assert_eq!(manifest(&out)["complete"], false);
    }

    restore();
    resume(cwd).assert().code(0);
    assert_complete(&out, 24_000);
}

// ---------------------------------------------------------------- plot

#[test]
fn plot_refuses_incomplete_or_damaged_studies_unless_asked() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let out = cwd.join("study");
    let mut child = start_and_wait_for_checkpoint(cwd, &out, &["-n", "1000"]);
    child.kill().unwrap();
    child.wait().unwrap();
    let (done, total) = assert_incomplete(&out);
    let plot = |dir: &Path, extra: &[&str]| {
        let mut cmd = detente();
        cmd.current_dir(cwd)
            .arg("plot")
            .arg(dir)
            .args(["--format", "png", "--out", "figures"])
            .args(extra);
        cmd
    };

    let line = refused(&mut plot(&out, &[]));
    assert!(
        line.contains("incomplete") && line.contains("--allow-incomplete"),
        "{line}"
    );
    assert!(!cwd.join("figures").exists(), "nothing drawn");

    plot(&out, &["--allow-incomplete"]).assert().code(0);
    let index = fs::read_to_string(cwd.join("figures/index.html")).unwrap();
    let note = format!("incomplete study: {done} of {total} runs");
    assert!(index.contains(&note), "every caption says so: {index}");

    // A complete study whose files were damaged afterwards.
    let whole = cwd.join("whole");
    sweep_ok(cwd, Path::new(BASELINE), &whole, &["-n", "2", "--no-plots"]);
    let saved = cwd.join("saved");
    copy_dir(&whole, &saved);
    for (file, damage) in [
        ("summary.csv", 0usize), // header only
        ("summary.csv", 10),     // cut at a row boundary
        ("runs.csv", 3),         // cut at a row boundary
        ("config.toml", 1),      // config edited
    ] {
        fs::remove_dir_all(&whole).unwrap();
        copy_dir(&saved, &whole);
        keep_lines(&whole.join(file), damage + 1);
        let line = refused(&mut plot(&whole, &["--allow-incomplete"]));
        assert!(
            line.contains(&format!("{file} is damaged")),
            "{file}: {line}"
        );
    }
}

// ---------------------------------------------------------------- rough edges

#[test]
fn sweep_of_a_config_without_a_sweep_table_is_refused() {
    let work = TempDir::new().unwrap();
    let config = work.path().join("plain.toml");
    let text = baseline_text();
    let plain = &text[..text
        .find("[sweep]")
        .expect("the baseline has a [sweep] table")];
    fs::write(&config, plain).unwrap();
    let line = refused(
        sweep(work.path(), &config, &["-n", "2"])
            .arg("--out")
            .arg("s"),
    );
    assert!(
        line.contains("no [sweep] table") && line.contains("detente run"),
        "{line}"
    );
    assert_eq!(entries(work.path()), ["plain.toml"], "nothing written");
    // `run` and `check` take it as it is.
    detente()
        .current_dir(work.path())
        .args(["check", "plain.toml"])
        .assert()
        .code(0);
}

#[test]
fn shards_draw_nothing_and_merge_draws_the_whole_study() {
    let work = TempDir::new().unwrap();
    let cwd = work.path();
    let (a, b) = (cwd.join("a"), cwd.join("b"));
    for (dir, k) in [(&a, "1/2"), (&b, "2/2")] {
        let output = sweep(
            cwd,
            Path::new(BASELINE),
            &["-n", "3", "--shard", k, "--out"],
        )
        .arg(dir)
        .assert()
        .code(0)
        .get_output()
        .clone();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("come with `detente merge`"), "{stdout}");
    }
    assert!(
        !cwd.join("plots").exists(),
        "a shard draws no figures of a partial study"
    );
    let output = merge(cwd, &[&a, &b], &cwd.join("whole"))
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("figures -> plots/whole"), "{stdout}");
    let index = fs::read_to_string(cwd.join("plots/whole/index.html")).unwrap();
    assert!(
        index.contains("heatmap"),
        "the merged study's figures: {index}"
    );
}

#[test]
fn run_help_speaks_of_runs_not_sweeps() {
    let output = detente()
        .args(["run", "--help"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let help = String::from_utf8_lossy(&output.stdout);
    for sweep_wording in [
        "sweep.replications",
        "[sweep] table",
        "shard",
        "Study config",
    ] {
        assert!(!help.contains(sweep_wording), "{sweep_wording}: {help}");
    }
    assert!(help.contains("runs/<scenario>-run"), "{help}");
    let output = detente()
        .args(["sweep", "--help"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(!help.contains("-run for run"), "{help}");
    assert!(help.contains("[sweep] table"), "{help}");
}
