//! `index.html`: every figure drawn, with its caption, on one page.

use std::fmt::Write as _;
use std::path::Path;

use crate::error::Error;
use crate::model::Scenario;

use super::style::write_atomically;

/// Figure files an earlier `index.html` in `out` links to: the figures
/// detente drew there before (nothing else in `out` is ever removed).
pub fn previous_figures(out: &Path) -> Vec<String> {
    let Ok(html) = std::fs::read_to_string(out.join("index.html")) else {
        return Vec::new();
    };
    html.split("<a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(unescape)
        .filter(|f| {
            (f.ends_with(".png") || f.ends_with(".svg"))
                && !f.contains(['/', '\\'])
                && !f.starts_with('.')
        })
        .collect()
}

/// Removes the figures an earlier drawing left that this one did not redraw
/// (an output no longer analysed, a format no longer asked for).
pub fn remove_stale(out: &Path, before: &[String], figures: &[(String, Vec<String>)]) {
    for file in before {
        if !figures.iter().any(|(_, files)| files.contains(file)) {
            // Best effort: a figure that cannot be removed is only left over.
            let _ = std::fs::remove_file(out.join(file));
        }
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&amp;", "&")
}

/// Writes `out/index.html` listing `figures` (caption, files) drawn from `dir`.
pub fn write_index(
    out: &Path,
    scenario: &Scenario,
    dir: &Path,
    figures: &[(String, Vec<String>)],
) -> Result<(), Error> {
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}: figures</title>\n<style>body{{font-family:sans-serif;max-width:1240px;margin:2em auto;color:#282828}}figure{{margin:2em 0}}img{{max-width:100%;border:1px solid #ddd}}figcaption{{margin-top:.4em}}</style>\n</head>\n<body>\n<h1>{0}: figures</h1>\n<p>Drawn from <code>{1}</code> by <code>detente plot</code>.</p>",
        escape(&scenario.name),
        escape(&dir.display().to_string())
    );
    for (caption, files) in figures {
        let image = files
            .iter()
            .find(|f| f.ends_with(".png"))
            .or_else(|| files.first())
            .cloned()
            .unwrap_or_default();
        let links: Vec<String> = files
            .iter()
            .map(|f| format!("<a href=\"{0}\">{0}</a>", escape(f)))
            .collect();
        let _ = writeln!(
            html,
            "<figure>\n<img src=\"{}\" alt=\"{}\">\n<figcaption>{} ({})</figcaption>\n</figure>",
            escape(&image),
            escape(caption),
            escape(caption),
            links.join(", ")
        );
    }
    html.push_str("</body>\n</html>\n");
    write_atomically(&out.join("index.html"), html.as_bytes())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
