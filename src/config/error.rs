//! Configuration errors: one line each, naming the file, the place and the fix.

use std::borrow::Cow;
use std::fmt;

/// Where in a config file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// A problem with a config file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read config: {}", line(file), line(&error.to_string()))]
    Read { file: String, error: std::io::Error },
    /// Malformed TOML, wrong types, unknown keys.
    #[error("{}{}: {}", line(file), at(.location), line(message))]
    Parse {
        file: String,
        location: Option<Location>,
        message: String,
    },
    /// A well-formed value that makes no sense, at a dotted key.
    #[error("{}{}: {} {}", line(file), at(.location), line(key), line(message))]
    Invalid {
        file: String,
        key: String,
        location: Option<Location>,
        message: String,
    },
}

/// Text from a config (a key, a name, a file name) made fit for a one-line
/// message: control characters such as newlines are written as escapes.
fn line(text: &str) -> Cow<'_, str> {
    if !text.contains(char::is_control) {
        return Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn at(location: &Option<Location>) -> String {
    match location {
        Some(l) => format!(":{}:{}", l.line, l.column),
        None => String::new(),
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}
