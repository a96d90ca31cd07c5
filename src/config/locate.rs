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
/// dotted path such as `agents.russia.weights.security`; a part such as
/// `parameters[2]` is the third table of an array of tables.
pub fn find(text: &str, path: &str) -> Option<Location> {
    lookup(text, path, false)
}

/// Location of the value at a dotted path, only if every key of it exists.
pub fn find_exact(text: &str, path: &str) -> Option<Location> {
    lookup(text, path, true)
}

fn lookup(text: &str, path: &str, exact: bool) -> Option<Location> {
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut found = None;
    let parts: Vec<&str> = path.split('.').collect();
    for (depth, part) in parts.iter().enumerate() {
        let (name, index) = indexed(part);
        let Some((key, mut value)) = table.iter().find(|(k, _)| k.get_ref() == name) else {
            if exact {
                return None;
            }
            break;
        };
        let mut start = key.span().start;
        if let Some(i) = index {
            let DeValue::Array(items) = value.get_ref() else {
                break;
            };
            let Some(item) = items.get(i) else {
                if exact {
                    return None;
                }
                break;
            };
            value = item;
            // An item of `[[name]]` tables has no span of its own; its
            // first key stands for it.
            start = match value.get_ref() {
                DeValue::Table(inner) if value.span().is_empty() => inner
                    .iter()
                    .map(|(k, _)| k.span().start)
                    .min()
                    .unwrap_or(start),
                _ => value.span().start,
            };
        }
        found = Some(if depth + 1 == parts.len() && !value.span().is_empty() {
            value.span().start
        } else {
            start
        });
        match value.get_ref() {
            DeValue::Table(inner) => table = inner,
            _ => break,
        }
    }
    found.map(|offset| location(text, offset))
}

/// `name[3]` as `("name", Some(3))`; a plain key as `(key, None)`.
fn indexed(part: &str) -> (&str, Option<usize>) {
    part.strip_suffix(']')
        .and_then(|p| p.rsplit_once('['))
        .and_then(|(name, i)| Some((name, Some(i.parse().ok()?))))
        .unwrap_or((part, None))
}

/// Dotted path of the innermost key whose key or value contains `offset`;
/// tables of an array are named `key[i]`.
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
        match value.get_ref() {
            DeValue::Table(inner) if innermost(inner, around.clone(), path) => return true,
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let DeValue::Table(inner) = item.get_ref() {
                        let name = path.pop().expect("pushed above");
                        path.push(format!("{name}[{i}]"));
                        if innermost(inner, around.clone(), path) {
                            return true;
                        }
                        path.pop();
                        path.push(name);
                    }
                }
            }
            _ => {}
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

/// The dotted key a "duplicate key" error at `offset` is about: the table
/// header above it (or the header itself, for a duplicate table), the key
/// of its line, and the key inside an inline table on that line. TOML's own
/// message names no key, and the recovered document holds only the first.
pub fn duplicate_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |n| offset + n);
    let line = &text[line_start..line_end];
    let header = |line: &str| {
        let line = line.trim();
        line.starts_with('[').then(|| {
            let inner = line.trim_start_matches('[');
            let inner = inner.split(']').next().unwrap_or(inner);
            unquoted(inner)
        })
    };
    if let Some(table) = header(line) {
        return Some(table);
    }
    let mut parts = Vec::new();
    let above = &text[..line_start];
    if let Some(last) = above.lines().rev().find(|l| header(l).is_some()) {
        let table = header(last).expect("found as a header");
        // In the n-th `[[name]]` table, the key is `name[n]`.
        if last.trim().starts_with("[[") {
            let n = above.lines().filter(|l| l.trim() == last.trim()).count();
            parts.push(format!("{table}[{}]", n - 1));
        } else {
            parts.push(table);
        }
    }
    let (key, _) = line.split_once('=')?;
    parts.push(unquoted(key));
    let before = &text[line_start..offset];
    if before.contains('{') {
        let rest = &text[offset..line_end];
        let inner = rest.split(['=', ',', '}']).next().unwrap_or(rest);
        parts.push(unquoted(inner));
    }
    Some(parts.join("."))
}

/// A dotted key as written, without spaces around the dots or quotes.
fn unquoted(key: &str) -> String {
    key.split('.')
        .map(|k| k.trim().trim_matches(['"', '\'']))
        .collect::<Vec<_>>()
        .join(".")
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

    const SWEEP: &str = "[sweep]\ndesign = \"grid\"\n\n[[sweep.parameters]]\npath = \"a\"\n\n[[sweep.parameters]]\npath = \"b\"\nfrom = \"x\"\n";

    #[test]
    fn finds_tables_of_an_array_by_index() {
        let l = find(SWEEP, "sweep.parameters[1].from").unwrap();
        assert_eq!((l.line, l.column), (9, 8));
        assert_eq!(find(SWEEP, "sweep.parameters[0].path").unwrap().line, 5);
        assert_eq!(find(SWEEP, "sweep.parameters[1]").unwrap().line, 7);
        assert!(find_exact(SWEEP, "sweep.parameters[2].path").is_none());
        // An absent key is placed at the deepest table that exists.
        assert_eq!(find(SWEEP, "sweep.parameters[0].name").unwrap().line, 4);
        assert!(find_exact(SWEEP, "sweep.parameters[0].name").is_none());
    }

    #[test]
    fn path_at_names_keys_in_arrays_of_tables() {
        let offset = SWEEP.find("\"x\"").unwrap();
        assert_eq!(
            path_at(SWEEP, offset).as_deref(),
            Some("sweep.parameters[1].from")
        );
    }

    #[test]
    fn duplicate_keys_are_named_with_their_table() {
        let text = "[agents.us]\nrisk = 1\nrisk = 2\nweights = { oil = 1, oil = 2 }\n[sweep]\n[ sweep ]\n\
                    [[sweep.parameters]]\n[[sweep.parameters]]\nname = 1\nname = 2\n";
        let at = |needle: &str, nth: usize| text.match_indices(needle).nth(nth).unwrap().0;
        assert_eq!(
            duplicate_at(text, at("risk", 1)).as_deref(),
            Some("agents.us.risk")
        );
        assert_eq!(
            duplicate_at(text, at("oil", 1)).as_deref(),
            Some("agents.us.weights.oil")
        );
        assert_eq!(duplicate_at(text, at("sweep", 1)).as_deref(), Some("sweep"));
        assert_eq!(
            duplicate_at(text, at("name", 1)).as_deref(),
            Some("sweep.parameters[1].name")
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
