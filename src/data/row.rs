//! Formatting CSV rows into a byte buffer (RFC 4180): a field is quoted only
//! when it holds a comma, a quote or a line break, and quotes are doubled.
//! Workers format rows in parallel; the single writer only copies bytes.

/// A name made safe for column and file names: ASCII letters and digits in
/// lower case, `_` for anything else.
pub fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Appends one CSV record, ending in `\n`, to `out`.
pub fn push_row<S: AsRef<str>>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = S>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let field = field.as_ref();
        if field.contains([',', '"', '\n', '\r']) {
            out.push(b'"');
            for b in field.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(field.as_bytes());
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_quoting_and_reads_back() {
        let mut out = Vec::new();
        push_row(&mut out, ["a", "b,c", "say \"hi\"", "", "line\nbreak"]);
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\",,\"line\nbreak\"\n"
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(out.as_slice());
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(
            record.iter().collect::<Vec<_>>(),
            vec!["a", "b,c", "say \"hi\"", "", "line\nbreak"]
        );
    }

    #[test]
    fn level_names_become_safe_column_parts() {
        assert_eq!(slug("New Treaty-2"), "new_treaty_2");
    }
}
