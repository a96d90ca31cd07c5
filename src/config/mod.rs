//! Loading scenario configs: read, parse (stage one), validate (stage two).

pub mod error;
pub mod locate;
pub mod overrides;
pub mod raw;
pub mod validate;

use std::path::Path;

pub use error::{ConfigError, Location};
pub use raw::RawConfig;

use crate::model::Scenario;

/// A config file, parsed and validated.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The file's text as read (hashed into manifests, copied beside datasets).
    pub text: String,
    pub raw: RawConfig,
    pub scenario: Scenario,
}

/// Reads, parses and validates a config file.
pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
        file: file.clone(),
        error,
    })?;
    let (raw, scenario) = parse(&text, &file)?;
    Ok(LoadedConfig {
        text,
        raw,
        scenario,
    })
}

/// Parses and validates config text; `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<(RawConfig, Scenario), ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| parse_error(text, file, &e))?;
    let scenario = validate::validate(&raw, file, Some(text))?;
    Ok((raw, scenario))
}

fn parse_error(text: &str, file: &str, error: &toml::de::Error) -> ConfigError {
    let offset = error.span().map(|s| s.start);
    let message = locate::with_suggestion(&error.message().replace('\n', " "));
    let message = match offset.and_then(|o| locate::path_at(text, o)) {
        Some(path) => format!("{path}: {message}"),
        None => message,
    };
    ConfigError::Parse {
        file: file.to_string(),
        location: offset.map(|o| locate::location(text, o)),
        message,
    }
}

/// An error about the value at a dotted key of a config, located in `text`.
pub fn invalid(
    file: &str,
    text: Option<&str>,
    key: &str,
    message: impl Into<String>,
) -> ConfigError {
    ConfigError::Invalid {
        file: file.to_string(),
        key: key.to_string(),
        location: text.and_then(|t| locate::find(t, key)),
        message: message.into(),
    }
}
