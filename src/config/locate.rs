//! Finding keys in the TOML source (for line and column in messages) and
//! suggesting the nearest valid name for a misspelt one.

use toml::de::{DeTable, DeValue};

use super::error::Location;

/// Line and column (1-based) of a byte offset.
pub fn location(text: &str, offset: usize) -> Location {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |n| before.len() - n - 1)
        + 1;
    Location { line, column }
}

/// Location of the value (or, failing that, the deepest existing key) at a
/// dotted path such as `agents.russia.weights.security`.
pub fn find(text: &str, path: &str) -> Option<Location> {
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut found = None;
    let parts: Vec<&str> = path.split('.').collect();
    for (depth, part) in parts.iter().enumerate() {
        let (key, value) = table.iter().find(|(k, _)| k.get_ref() == part)?;
        found = Some(if depth + 1 == parts.len() {
            value.span().start
        } else {
            key.span().start
        });
        match value.get_ref() {
            DeValue::Table(inner) => table = inner,
            _ => break,
        }
    }
    found.map(|offset| location(text, offset))
}

/// Dotted path of the innermost key whose key or value contains `offset`.
pub fn path_at(text: &str, offset: usize) -> Option<String> {
    // Recovering parse, so syntax errors too can name the key they are in.
    let (root, _) = DeTable::parse_recoverable(text);
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |n| n + 1);
    let mut path = Vec::new();
    innermost(root.get_ref(), line_start..offset + 1, &mut path).then(|| path.join("."))
}

/// Depth-first: tables written as `[a.b]` headers have spans that do not
/// cover their keys, so every table is searched, deepest match first.
/// `around` runs from the start of the offending line to just past the offset,
/// so a key whose value failed to parse is still found on its line.
fn innermost(table: &DeTable<'_>, around: std::ops::Range<usize>, path: &mut Vec<String>) -> bool {
    let offset = around.end - 1;
    for (key, value) in table.iter() {
        path.push(key.get_ref().to_string());
        if let DeValue::Table(inner) = value.get_ref()
            && innermost(inner, around.clone(), path)
        {
            return true;
        }
        if key.span().contains(&offset)
            || value.span().contains(&offset)
            || around.contains(&key.span().start)
        {
            return true;
        }
        path.pop();
    }
    false
}

/// The candidate nearest to `name` by edit distance, if it is close enough to
/// be a likely misspelling.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Adds "did you mean" to serde's unknown-field and unknown-variant messages.
pub fn with_suggestion(message: &str) -> String {
    let message = message.trim_end();
    let Some(rest) = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))
    else {
        return message.to_string();
    };
    let Some((name, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match nearest(name, candidates) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[scenario]\nname = \"x\"\n\n[agents.russia.weights]\nsecurity = -0.2\n";

    #[test]
    fn finds_nested_keys_by_dotted_path() {
        let l = find(TEXT, "agents.russia.weights.security").unwrap();
        assert_eq!((l.line, l.column), (5, 12));
        assert_eq!(find(TEXT, "scenario.name").unwrap().line, 2);
        assert!(find(TEXT, "protocol").is_none());
    }

    #[test]
    fn path_at_names_the_key_under_an_offset() {
        let offset = TEXT.find("security").unwrap();
        assert_eq!(
            path_at(TEXT, offset).as_deref(),
            Some("agents.russia.weights.security")
        );
    }

    #[test]
    fn suggests_nearest_field() {
        let m = "unknown field `weigths`, expected one of `role`, `weights`, `base`";
        assert!(with_suggestion(m).ends_with("did you mean `weights`?"));
        let m = "unknown field `zzzzzz`, expected `role` or `base`";
        assert_eq!(with_suggestion(m), m);
        assert_eq!(
            nearest("interceptor", ["radar", "interceptors"]),
            Some("interceptors")
        );
    }
}
