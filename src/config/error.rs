//! Configuration errors: one line each, naming the file, the place and the fix.

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
    #[error("{file}: cannot read config: {error}")]
    Read { file: String, error: std::io::Error },
    /// Malformed TOML, wrong types, unknown keys.
    #[error("{file}{}: {message}", at(.location))]
    Parse {
        file: String,
        location: Option<Location>,
        message: String,
    },
    /// A well-formed value that makes no sense, at a dotted key.
    #[error("{file}{}: {key} {message}", at(.location))]
    Invalid {
        file: String,
        key: String,
        location: Option<Location>,
        message: String,
    },
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
