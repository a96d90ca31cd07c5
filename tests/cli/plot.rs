//! End-to-end tests of `detente plot` and of the figures `detente sweep`
//! draws after a study: which figures a sweep study or a run directory gets,
//! that every PNG decodes to a 1200x800 image that is not blank, that every
//! SVG is well-formed XML of that size, the index with a caption for each
//! figure, `--format`, `--out` and `--metric`, and one-line errors.

use std::collections::BTreeSet;

use super::*;

/// Replications per design point (or per run): enough for every outcome,
/// few enough for a debug build.
const N: &str = "20";

/// Swept parameters, as `[[sweep.parameters]]` bodies.
const OIL_PRICE: &str =
    "path = \"environment.oil_price.initial\"\nname = \"oil_price\"\nvalues = [40.0, 90.0, 140.0]";
const START_LINKAGE: &str = "path = \"protocol.start_linkage\"\nname = \"start_linkage\"\nvalues = [\"linked\", \"separate\"]";
const PROTOCOL: &str =
    "path = \"protocol.kind\"\nname = \"protocol\"\nvalues = [\"alternating\", \"zeuthen\"]";

/// Figures of a sweep over the oil price alone.
const ONE_PARAMETER_FIGURES: [&str; 4] = [
    "agreement_rate_by_oil_price",
    "outcome_shares_by_design_point",
    "utility_by_agent",
    "negotiation_dance",
];

/// Figures of a sweep over the oil price and the START linkage.
const TWO_PARAMETER_FIGURES: [&str; 6] = [
    "agreement_rate_by_oil_price",
    "agreement_rate_by_start_linkage",
    "heatmap_agreement_rate_by_oil_price_and_start_linkage",
    "outcome_shares_by_design_point",
    "utility_by_agent",
    "negotiation_dance",
];

/// Figures of a sweep over the START linkage and the protocol.
const CATEGORICAL_FIGURES: [&str; 6] = [
    "agreement_rate_by_start_linkage",
    "agreement_rate_by_protocol",
    "heatmap_agreement_rate_by_start_linkage_and_protocol",
    "outcome_shares_by_design_point",
    "utility_by_agent",
    "negotiation_dance",
];

/// Luminance variance (0–255 scale) a PNG must exceed not to count as blank
/// (a canvas of one colour measures 0). Measured at `-n 20`: about 580 for
/// box plots and sparse line charts, 1,000 for the dance, 2,500–5,000 for
/// bar charts and 6,500–7,300 for heatmaps.
const BLANK_VARIANCE: f64 = 150.0;

// ---------------------------------------------------------------- helpers

/// Writes `dir/NAME.toml`: the baseline through `extends`, and a `[sweep]`
/// table over the given `[[sweep.parameters]]` bodies.
fn sweep_config(dir: &Path, name: &str, design: &str, parameters: &[&str]) -> PathBuf {
    assert!(
        !BASELINE.contains('\''),
        "the baseline path needs no quoting"
    );
    let mut text = format!("extends = '{BASELINE}'\n\n[sweep]\n{design}\n");
    for parameter in parameters {
        text.push_str(&format!("\n[[sweep.parameters]]\n{parameter}\n"));
    }
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, text).unwrap();
    path
}

/// Runs a grid sweep over `parameters` with `-n N` from `cwd` into
/// `data/NAME` (config beside it) and returns the study directory and the
/// output.
fn sweep_study(
    cwd: &Path,
    data: &Path,
    name: &str,
    parameters: &[&str],
    extra: &[&str],
) -> (PathBuf, Output) {
    sweep_study_with(cwd, data, name, "design = \"grid\"", parameters, extra)
}

fn sweep_study_with(
    cwd: &Path,
    data: &Path,
    name: &str,
    design: &str,
    parameters: &[&str],
    extra: &[&str],
) -> (PathBuf, Output) {
    let config = sweep_config(data, name, design, parameters);
    let out = data.join(name);
    let output = detente()
        .current_dir(cwd)
        .env_remove("DETENTE_FAIL_RUNS")
        .arg("sweep")
        .arg(&config)
        .args(["--quiet", "-n", N, "--out"])
        .arg(&out)
        .args(extra)
        .assert()
        .code(0)
        .get_output()
        .clone();
    (out, output)
}

/// `detente plot DIR ARGS...` from `cwd`.
fn plot(cwd: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = detente();
    cmd.current_dir(cwd).arg("plot").arg(dir).args(args);
    cmd
}

/// Runs `detente plot DIR ARGS...` and asserts exit status 0.
fn plot_ok(cwd: &Path, dir: &Path, args: &[&str]) -> Output {
    plot(cwd, dir, args).assert().code(0).get_output().clone()
}

/// A run config: the baseline through `extends` followed by `body`.
fn run_config(dir: &Path, name: &str, extends: &str, body: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, format!("extends = '{extends}'\n\n{body}")).unwrap();
    path
}

/// Runs `detente run CONFIG -n N --out OUT ARGS...` and asserts success.
fn run_config_ok(cwd: &Path, config: &Path, out: &Path, args: &[&str]) {
    detente()
        .current_dir(cwd)
        .arg("run")
        .arg(config)
        .args(["-n", N, "--out"])
        .arg(out)
        .args(args)
        .assert()
        .code(0);
}

/// A figure as index.html lists it.
struct Listed {
    caption: String,
    /// Every file the figure's entry refers to (image source and links).
    files: Vec<String>,
}

/// Values of `attr="..."` in `html`, in order.
fn attribute_values(html: &str, attr: &str) -> Vec<String> {
    let key = format!("{attr}=\"");
    html.match_indices(&key)
        .map(|(at, _)| {
            let rest = &html[at + key.len()..];
            rest[..rest.find('"').expect("a closed attribute")].to_string()
        })
        .collect()
}

/// Text of an HTML fragment without its tags.
fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The figures of `out/index.html`, in order: one per `<figure>` element.
fn index_figures(out: &Path) -> Vec<Listed> {
    let path = out.join("index.html");
    let html =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    html.split("<figure>")
        .skip(1)
        .map(|block| {
            let block = &block[..block
                .find("</figure>")
                .unwrap_or_else(|| panic!("an unclosed <figure> in {}", path.display()))];
            let figcaption = block
                .split_once("<figcaption>")
                .and_then(|(_, rest)| rest.split_once("</figcaption>"))
                .map(|(inner, _)| inner)
                .unwrap_or_else(|| panic!("a figure without a <figcaption>: {block}"));
            let mut files = attribute_values(block, "src");
            files.extend(attribute_values(block, "href"));
            // The caption is the text before the first file name.
            let text = strip_tags(figcaption);
            let end = files
                .iter()
                .filter_map(|f| text.find(f.as_str()))
                .min()
                .unwrap_or(text.len());
            let caption = text[..end].trim().trim_end_matches('(').trim().to_string();
            Listed { caption, files }
        })
        .collect()
}

/// The caption index.html gives the figure `stem`.
fn caption_of(out: &Path, stem: &str) -> String {
    index_figures(out)
        .into_iter()
        .find(|f| {
            f.files
                .iter()
                .any(|file| file.starts_with(&format!("{stem}.")))
        })
        .unwrap_or_else(|| panic!("{stem} is not in {}/index.html", out.display()))
        .caption
}

/// Decodes a PNG, checks its size and colour type, and returns the variance
/// of its pixels' luminance (0–255 scale).
fn check_png(path: &Path) -> f64 {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{} is not a PNG: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
    assert!(
        info.width >= 1200 && info.height >= 800,
        "{} is {}x{}, expected at least 1200x800",
        path.display(),
        info.width,
        info.height
    );
    assert_eq!(
        info.bit_depth,
        png::BitDepth::Eight,
        "{}: bit depth",
        path.display()
    );
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("{} is {other:?}, expected RGB or RGBA", path.display()),
    };
    let (mut n, mut sum, mut squares) = (0.0, 0.0, 0.0);
    for row in buf[..info.buffer_size()].chunks_exact(info.line_size) {
        for pixel in row.chunks_exact(channels) {
            let y = 0.299 * f64::from(pixel[0])
                + 0.587 * f64::from(pixel[1])
                + 0.114 * f64::from(pixel[2]);
            n += 1.0;
            sum += y;
            squares += y * y;
        }
    }
    assert_eq!(
        n,
        f64::from(info.width) * f64::from(info.height),
        "{}: pixel count",
        path.display()
    );
    let mean = sum / n;
    squares / n - mean * mean
}

/// Parses an SVG and checks its root element and size.
fn check_svg(path: &Path) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not well-formed XML: {e}", path.display()));
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().name(),
        "svg",
        "{}: root element",
        path.display()
    );
    for (attr, expected) in [("width", 1200.0), ("height", 800.0)] {
        let value = root
            .attribute(attr)
            .unwrap_or_else(|| panic!("{}: the svg element has no {attr}", path.display()));
        let number: f64 = value
            .trim_end_matches("px")
            .parse()
            .unwrap_or_else(|_| panic!("{}: {attr}=\"{value}\" is not a number", path.display()));
        assert_eq!(number, expected, "{}: {attr}", path.display());
    }
    let elements = root.descendants().filter(|n| n.is_element()).count();
    assert!(
        elements > 20,
        "{}: only {elements} elements; a figure draws more",
        path.display()
    );
    assert!(
        root.descendants().any(|n| n.has_tag_name("text")),
        "{}: no text (title, axis labels)",
        path.display()
    );
}

/// Asserts that `out` holds an index and figures in exactly `formats`,
/// among them every one of `expected`; that every image is valid and not
/// blank; and that the index lists each figure once, with its files and a
/// caption. Returns the stems of the figures drawn.
fn assert_figures(out: &Path, expected: &[&str], formats: &[&str]) -> BTreeSet<String> {
    let files = entries(out);
    assert!(
        files.iter().any(|f| f == "index.html"),
        "{} has no index.html: {files:?}",
        out.display()
    );
    let mut drawn = BTreeSet::new();
    for file in files.iter().filter(|f| *f != "index.html") {
        let path = out.join(file);
        let (stem, ext) = file
            .rsplit_once('.')
            .unwrap_or_else(|| panic!("{} has no extension", path.display()));
        assert!(
            formats.contains(&ext),
            "{} is not one of the formats {formats:?}",
            path.display()
        );
        match ext {
            "png" => {
                let variance = check_png(&path);
                assert!(
                    variance > BLANK_VARIANCE,
                    "{} looks blank: luminance variance {variance:.0} <= {BLANK_VARIANCE}",
                    path.display()
                );
            }
            "svg" => check_svg(&path),
            _ => unreachable!("only png and svg are asked for"),
        }
        drawn.insert(stem.to_string());
    }
    for stem in expected {
        assert!(
            drawn.contains(*stem),
            "{stem} is missing from {}: {files:?}",
            out.display()
        );
    }
    let listed = index_figures(out);
    assert_eq!(
        listed.len(),
        drawn.len(),
        "index.html should list one figure per file stem {drawn:?}"
    );
    for figure in &listed {
        for file in &figure.files {
            assert!(
                files.contains(file),
                "index.html refers to {file}, which is not in {}",
                out.display()
            );
        }
    }
    for stem in &drawn {
        let entry = listed
            .iter()
            .find(|f| {
                f.files
                    .iter()
                    .any(|file| file.starts_with(&format!("{stem}.")))
            })
            .unwrap_or_else(|| panic!("index.html does not mention {stem}"));
        for ext in formats {
            let file = format!("{stem}.{ext}");
            assert!(
                files.contains(&file),
                "{file} is missing from {}",
                out.display()
            );
            assert!(
                entry.files.contains(&file),
                "index.html should link {file} from its figure: {:?}",
                entry.files
            );
        }
        assert!(
            entry.caption.split_whitespace().count() >= 3,
            "index.html should give {stem} a caption, got {:?}",
            entry.caption
        );
    }
    drawn
}

/// Asserts that none of the figures drawn is named `name` or starts with
/// `name` followed by `_`.
fn assert_not_drawn(drawn: &BTreeSet<String>, names: &[&str]) {
    for name in names {
        assert!(
            !drawn
                .iter()
                .any(|s| s == name || s.starts_with(&format!("{name}_"))),
            "no {name}* figure expected, drawn: {drawn:?}"
        );
    }
}

// ---------------------------------------------------------------- sweeps

#[test]
fn sweep_over_one_numeric_parameter_draws_its_figures_into_plots_in_the_working_directory() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (_, output) = sweep_study(work.path(), data.path(), "oil", &[OIL_PRICE], &[]);
    let plots = work.path().join("plots");
    assert_eq!(entries(work.path()), ["plots"]);
    assert_eq!(entries(&plots), ["oil"], "plots/<study dir name>");
    let out = plots.join("oil");
    let drawn = assert_figures(&out, &ONE_PARAMETER_FIGURES, &["png", "svg"]);
    assert_not_drawn(&drawn, &["heatmap"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("{} figures", drawn.len())),
        "the sweep reports the figures: {stdout}"
    );
    let caption = caption_of(&out, "agreement_rate_by_oil_price");
    assert!(
        caption.contains("oil_price"),
        "names the parameter: {caption}"
    );
}

#[test]
fn sweep_with_no_plots_draws_nothing_and_plot_draws_lines_bars_and_a_heatmap_later() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (study, output) = sweep_study(
        work.path(),
        data.path(),
        "oil_linkage",
        &[OIL_PRICE, START_LINKAGE],
        &["--no-plots"],
    );
    assert_empty_dir(work.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("figures"), "no figures drawn: {stdout}");
    assert!(
        !study.join("plots").exists() && !data.path().join("plots").exists(),
        "--no-plots writes no plots anywhere"
    );

    let output = plot_ok(work.path(), &study, &[]);
    assert_eq!(entries(work.path()), ["plots"]);
    let out = work.path().join("plots/oil_linkage");
    assert_figures(&out, &TWO_PARAMETER_FIGURES, &["png", "svg"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&Path::new("plots").join("oil_linkage").display().to_string()),
        "names where the figures went: {stdout}"
    );
    let caption = caption_of(&out, TWO_PARAMETER_FIGURES[2]);
    for needle in ["agreement_rate", "oil_price", "start_linkage"] {
        assert!(caption.contains(needle), "`{needle}` in: {caption}");
    }
    // The datasets are only read.
    assert_eq!(
        entries(&study),
        [
            "config.toml",
            "design.csv",
            "manifest.json",
            "rounds.csv",
            "runs.csv",
            "summary.csv"
        ]
    );
}

#[test]
fn categorical_sweep_draws_bars_and_a_heatmap_where_out_says() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (study, _) = sweep_study(
        work.path(),
        data.path(),
        "linkage_protocol",
        &[START_LINKAGE, PROTOCOL],
        &["--no-plots"],
    );
    let out = work.path().join("figures/categorical");
    plot_ok(work.path(), &study, &["--out", "figures/categorical"]);
    assert_eq!(entries(work.path()), ["figures"], "nothing under plots/");
    assert_figures(&out, &CATEGORICAL_FIGURES, &["png", "svg"]);
    for parameter in ["start_linkage", "protocol"] {
        let caption = caption_of(&out, &format!("agreement_rate_by_{parameter}"));
        assert!(caption.contains(parameter), "names {parameter}: {caption}");
    }
}

#[test]
fn lhs_design_draws_no_heatmap() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (study, _) = sweep_study_with(
        work.path(),
        data.path(),
        "lhs",
        "design = \"lhs\"\npoints = 5",
        &[
            "path = \"environment.oil_price.initial\"\nname = \"oil_price\"\nfrom = 40.0\nto = 150.0",
            "path = \"agents.us.strategy.beta\"\nname = \"beta\"\nfrom = 0.1\nto = 10.0\nscale = \"log\"",
        ],
        &["--no-plots"],
    );
    plot_ok(work.path(), &study, &["--format", "svg", "--out", "out"]);
    let drawn = assert_figures(
        &work.path().join("out"),
        &[
            "agreement_rate_by_oil_price",
            "agreement_rate_by_beta",
            "outcome_shares_by_design_point",
            "utility_by_agent",
            "negotiation_dance",
        ],
        &["svg"],
    );
    assert_not_drawn(&drawn, &["heatmap"]);
}

// ---------------------------------------------------------------- runs

#[test]
fn traced_run_draws_outcomes_utilities_issue_distributions_and_the_dance() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let run = data.path().join("traced");
    run_baseline(work.path(), &run, &["-n", N, "--trace"]);
    plot_ok(work.path(), &run, &[]);
    assert_eq!(entries(work.path()), ["plots"]);
    let distributions: Vec<String> = ISSUES.iter().map(|i| format!("{i}_distribution")).collect();
    let mut stems = vec!["outcome_shares", "utility_by_agent", "negotiation_dance"];
    stems.extend(distributions.iter().map(String::as_str));
    let out = work.path().join("plots/traced");
    let drawn = assert_figures(&out, &stems, &["png", "svg"]);
    assert_not_drawn(
        &drawn,
        &[
            "agreement_rate_by",
            "heatmap",
            "outcome_shares_by_design_point",
        ],
    );
    for issue in ISSUES {
        let caption = caption_of(&out, &format!("{issue}_distribution"));
        assert!(caption.contains(issue), "names {issue}: {caption}");
    }
}

#[test]
fn untraced_run_has_no_negotiation_dance() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let run = data.path().join("untraced");
    run_baseline(work.path(), &run, &["-n", N]);
    plot_ok(work.path(), &run, &["--format", "svg"]);
    let distributions: Vec<String> = ISSUES.iter().map(|i| format!("{i}_distribution")).collect();
    let mut stems = vec!["outcome_shares", "utility_by_agent"];
    stems.extend(distributions.iter().map(String::as_str));
    let drawn = assert_figures(&work.path().join("plots/untraced"), &stems, &["svg"]);
    assert_not_drawn(&drawn, &["negotiation_dance"]);
}

#[test]
fn issue_distributions_skip_share_issues_and_issues_with_more_than_30_values() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let other: Vec<String> = ISSUES[1..]
        .iter()
        .map(|i| format!("{i}_distribution"))
        .collect();
    // interceptors 0..=29 has 30 values (drawn), 0..=30 has 31 (not drawn).
    for (max, drawn) in [(29, true), (30, false)] {
        let name = format!("interceptors_{max}");
        let config = run_config(
            data.path(),
            &name,
            BASELINE,
            &format!("[issues.interceptors]\nmax = {max}\n"),
        );
        let run = data.path().join(&name);
        run_config_ok(work.path(), &config, &run, &[]);
        plot_ok(work.path(), &run, &["--format", "svg"]);
        let mut stems = vec!["outcome_shares", "utility_by_agent"];
        stems.extend(other.iter().map(String::as_str));
        if drawn {
            stems.push("interceptors_distribution");
        }
        let figures = assert_figures(&work.path().join("plots").join(&name), &stems, &["svg"]);
        if !drawn {
            assert_not_drawn(&figures, &["interceptors_distribution"]);
        }
    }
    // A share issue in steps of 0.25 has 5 values, but no distribution.
    let pie = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/split_the_pie.toml");
    let config = run_config(data.path(), "pie", pie, "[issues.share]\nstep = 0.25\n");
    let run = data.path().join("pie");
    run_config_ok(work.path(), &config, &run, &["--trace"]);
    plot_ok(work.path(), &run, &["--format", "svg"]);
    let drawn = assert_figures(
        &work.path().join("plots/pie"),
        &["outcome_shares", "utility_by_agent", "negotiation_dance"],
        &["svg"],
    );
    assert_not_drawn(&drawn, &["share_distribution"]);
}

// ---------------------------------------------------------------- options

#[test]
fn format_png_writes_only_pngs_and_format_svg_only_svgs() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (study, _) = sweep_study(
        work.path(),
        data.path(),
        "oil",
        &[OIL_PRICE],
        &["--no-plots"],
    );
    for format in ["png", "svg"] {
        plot_ok(work.path(), &study, &["--format", format, "--out", format]);
        let out = work.path().join(format);
        assert_figures(&out, &ONE_PARAMETER_FIGURES, &[format]);
        // The index shows what was drawn.
        for figure in index_figures(&out) {
            assert!(
                figure
                    .files
                    .iter()
                    .all(|f| f.ends_with(&format!(".{format}"))),
                "--format {format}: index.html refers to {:?}",
                figure.files
            );
        }
    }
    assert_eq!(entries(work.path()), ["png", "svg"]);

    let output = plot(work.path(), &study, &["--format", "gif", "--out", "gif"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "a bad argument");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("gif"), "names the bad format: {stderr}");
    assert_eq!(entries(work.path()), ["png", "svg"], "nothing written");
}

#[test]
fn metric_names_the_heatmap_column() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (study, _) = sweep_study(
        work.path(),
        data.path(),
        "oil_linkage",
        &[OIL_PRICE, START_LINKAGE],
        &["--no-plots"],
    );
    plot_ok(
        work.path(),
        &study,
        &["--metric", "mean_rounds", "--format", "svg"],
    );
    let out = work.path().join("plots/oil_linkage");
    let heatmap = "heatmap_mean_rounds_by_oil_price_and_start_linkage";
    let mut stems = TWO_PARAMETER_FIGURES.to_vec();
    stems[2] = heatmap;
    let drawn = assert_figures(&out, &stems, &["svg"]);
    assert_not_drawn(&drawn, &["heatmap_agreement_rate"]);
    let caption = caption_of(&out, heatmap);
    assert!(
        caption.contains("mean_rounds"),
        "names the metric: {caption}"
    );
}

#[test]
fn unknown_metric_is_refused_listing_the_columns() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (study, _) = sweep_study(
        work.path(),
        data.path(),
        "oil_linkage",
        &[OIL_PRICE, START_LINKAGE],
        &["--no-plots"],
    );
    let output = plot(work.path(), &study, &["--metric", "nope"])
        .output()
        .unwrap();
    let line = one_line_error(&output);
    assert!(line.contains("nope"), "names the bad metric: {line}");
    let listed: Vec<&str> = line
        .split_once("columns: ")
        .unwrap_or_else(|| panic!("expected the valid columns in: {line}"))
        .1
        .trim_end_matches(')')
        .split(", ")
        .collect();
    let summary = read_csv(&study.join("summary.csv"));
    for column in &listed {
        assert!(
            summary.header.iter().any(|h| h == column),
            "`{column}` is not a summary.csv column: {line}"
        );
    }
    for column in ["agreement_rate", "mean_rounds", "share_unilateral"] {
        assert!(listed.contains(&column), "`{column}` is listed: {line}");
    }
    for column in ["point_id", "oil_price", "start_linkage"] {
        assert!(
            !listed.contains(&column),
            "`{column}` is not a metric: {line}"
        );
    }
}

#[test]

fn unknown_metric_writes_no_figures() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (study, _) = sweep_study(
        work.path(),
        data.path(),
        "oil_linkage",
        &[OIL_PRICE, START_LINKAGE],
        &["--no-plots"],
    );
    for args in [
        &["--metric", "nope"][..],
        &["--metric", "nope", "--out", "out"],
    ] {
        let output = plot(work.path(), &study, args).output().unwrap();
        one_line_error(&output);
        assert_empty_dir(work.path());
    }
}

#[test]

fn parameter_column_is_not_a_metric() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (study, _) = sweep_study(
        work.path(),
        data.path(),
        "oil_linkage",
        &[OIL_PRICE, START_LINKAGE],
        &["--no-plots"],
    );
    for metric in ["start_linkage", "point_id"] {
        let output = plot(
            work.path(),
            &study,
            &["--metric", metric, "--format", "svg"],
        )
        .output()
        .unwrap();
        let line = one_line_error(&output);
        assert!(line.contains(metric), "names the metric: {line}");
    }
}

#[test]
fn metric_on_a_run_directory_is_refused() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let run = data.path().join("run");
    run_baseline(work.path(), &run, &["-n", N]);
    let output = plot(work.path(), &run, &["--metric", "mean_rounds"])
        .output()
        .unwrap();
    let line = one_line_error(&output);
    for needle in ["--metric", "sweep", "run"] {
        assert!(line.contains(needle), "`{needle}` in: {line}");
    }
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
}

#[test]

fn metric_on_a_run_directory_writes_nothing() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let run = data.path().join("run");
    run_baseline(work.path(), &run, &["-n", N]);
    let output = plot(work.path(), &run, &["--metric", "mean_rounds"])
        .output()
        .unwrap();
    one_line_error(&output);
    assert_empty_dir(work.path());
}

#[test]
fn directory_without_a_manifest_is_refused() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let empty = data.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let missing = data.path().join("missing");
    // A run directory that lost its manifest.
    let run = data.path().join("run");
    run_baseline(work.path(), &run, &["-n", N]);
    fs::remove_file(run.join("manifest.json")).unwrap();
    for (dir, needle) in [
        (&empty, "manifest.json"),
        (&missing, "no such directory"),
        (&run, "manifest.json"),
    ] {
        let output = plot(work.path(), dir, &[]).output().unwrap();
        let line = one_line_error(&output);
        assert!(
            line.contains(needle) && line.contains(&dir.display().to_string()),
            "names the directory and says `{needle}`: {line}"
        );
        assert!(output.stdout.is_empty(), "nothing on stdout on error");
        assert_empty_dir(work.path());
    }
    // Nor is a manifest that is not JSON taken for one.
    fs::write(empty.join("manifest.json"), "not json").unwrap();
    let output = plot(work.path(), &empty, &[]).output().unwrap();
    let line = one_line_error(&output);
    assert!(line.contains("manifest.json"), "names the manifest: {line}");
    assert_empty_dir(work.path());
}

#[test]

fn plot_of_the_working_directory_is_named_after_it() {
    let (work, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let (study, _) = sweep_study(
        work.path(),
        data.path(),
        "oil",
        &[OIL_PRICE],
        &["--no-plots"],
    );
    plot_ok(&study, Path::new("."), &["--format", "svg"]);
    assert_figures(&study.join("plots/oil"), &ONE_PARAMETER_FIGURES, &["svg"]);
}
