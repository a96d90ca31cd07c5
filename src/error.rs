//! Errors at the library boundary.

use std::path::{Path, PathBuf};

use crate::config::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(
        "{} already exists; write elsewhere with --out, or pass --force to replace it if detente wrote it",
        .0.display()
    )]
    OutputExists(PathBuf),
    #[error("{} is not a usable output directory", .0.display())]
    BadOutput(PathBuf),
    // The underlying errors are part of the message, not a `source`, so the
    // binary's `{:#}` prints them once.
    #[error("{}: {error}", .path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: {error}", .path.display())]
    Csv { path: PathBuf, error: csv::Error },
    #[error("{0}")]
    Usage(String),
    #[error("drawing a figure: {0}")]
    Plot(String),
    #[error("cannot start {threads} worker threads: {error}")]
    Threads {
        threads: usize,
        error: rayon::ThreadPoolBuildError,
    },
    /// Stopped by Ctrl-C or SIGTERM; the message says what was kept.
    #[error("{0}")]
    Interrupted(String),
}

impl Error {
    pub fn io(path: &Path, error: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            error,
        }
    }

    pub fn csv(path: &Path, error: csv::Error) -> Error {
        Error::Csv {
            path: path.to_path_buf(),
            error,
        }
    }
}
