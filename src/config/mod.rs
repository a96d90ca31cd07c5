//! Loading scenario configs: read, parse (stage one), validate (stage two).

mod conduct;
pub mod error;
pub mod information;
pub mod locate;
pub mod overrides;
pub mod raw;
pub mod raw_calibration;
pub mod raw_tournament;
pub mod validate;
mod world;
mod world_diff;

use std::io::Read;
use std::path::Path;

pub use error::{ConfigError, Location};
pub use overrides::Setting;
pub use raw::RawConfig;

use crate::model::Scenario;

/// A config file, parsed and validated.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The resolved config: the file's text as read, or — when it `extends`
    /// another file — the merged document. Hashed into manifests and copied
    /// beside datasets, so a study records exactly what it ran.
    pub text: String,
    pub raw: RawConfig,
    pub scenario: Scenario,
    /// The files read, the config first and then those it extends.
    sources: Vec<Source>,
}

impl LoadedConfig {
    /// The file, and the place in it, that sets a dotted key.
    pub fn place(&self, key: &str) -> (String, Option<Location>) {
        relocate(&self.sources, Some(key))
    }

    /// An error about the value at a dotted key, located in the file that sets it.
    pub fn invalid(&self, key: &str, message: impl Into<String>) -> ConfigError {
        let (file, location) = relocate(&self.sources, Some(key));
        ConfigError::Invalid {
            file,
            key: key.to_string(),
            location,
            message: message.into(),
        }
    }
}

/// Largest config file read: a config is kilobytes; this stops a path such
/// as `/dev/zero` from being read until memory runs out.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// How many `extends` a config may chain.
const MAX_EXTENDS: usize = 8;

/// Reads, parses and validates a config file.
///
/// A config may start with `extends = "other.toml"` (relative to itself): the
/// other file is read first and this file's tables are merged over it, key by
/// key (a `[sweep]` table replaces the other's whole).
pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
    load_with(path, &[])
}

/// Like [`load`], then applies `--set` overrides to the resolved document
/// before it is validated. The resolved text (hashed into manifests and
/// copied beside datasets) then holds the overridden values, and starts
/// with a comment saying which were set.
pub fn load_with(path: &Path, sets: &[Setting]) -> Result<LoadedConfig, ConfigError> {
    let mut sources = vec![read(path)?];
    while let Some(parent) = extends(&sources[sources.len() - 1])? {
        if sources.len() > MAX_EXTENDS || sources.iter().any(|s| s.path == parent) {
            let last = &sources[sources.len() - 1];
            return Err(invalid(
                &last.file,
                Some(&last.text),
                "extends",
                format!("makes a chain that loops or is longer than {MAX_EXTENDS} files"),
            ));
        }
        let source = read(&parent).map_err(|e| {
            let last = &sources[sources.len() - 1];
            let ConfigError::Read { file, error } = e else {
                return e;
            };
            invalid(
                &last.file,
                Some(&last.text),
                "extends",
                format!("names a file that cannot be read: {file}: {error}"),
            )
        })?;
        sources.push(source);
    }
    if sources.len() == 1 && sets.is_empty() {
        let (raw, scenario) = parse(&sources[0].text, &sources[0].file)?;
        return Ok(LoadedConfig {
            text: sources[0].text.clone(),
            raw,
            scenario,
            sources,
        });
    }
    let mut merged = toml::Table::new();
    for source in sources.iter().rev() {
        let mut table: toml::Table = source
            .text
            .parse()
            .map_err(|e| parse_error(&source.text, &source.file, &e))?;
        table.remove("extends");
        merge(&mut merged, table);
    }
    for set in sets {
        overrides::set(&mut merged, &set.path, set.value.clone()).map_err(|message| {
            ConfigError::Parse {
                file: set.to_string(),
                location: None,
                message,
            }
        })?;
    }
    let mut text = toml::to_string(&merged).expect("a parsed table serialises");
    if !sets.is_empty() {
        let given: Vec<&str> = sets.iter().map(|s| s.text.as_str()).collect();
        text = format!(
            "# {} with --set {}\n{text}",
            line_of(&sources[0].file),
            line_of(&given.join(" --set "))
        );
    }
    // Errors about an overridden key name the --set that gave it.
    let relocate = |key: Option<&str>| match key
        .and_then(|key| sets.iter().rev().find(|s| overlaps(&s.path, key)))
    {
        Some(set) => (set.to_string(), None),
        None => relocate(&sources, key),
    };
    let raw: RawConfig = toml::from_str(&text).map_err(|e| {
        // The merged text is no file: name the key, and find it in the file
        // that sets it.
        let (path, message) = parse_message(&text, e.span().map(|s| s.start), &e);
        let (file, location) = relocate(path.as_deref());
        ConfigError::Parse {
            file,
            location,
            message,
        }
    })?;
    let scenario = validate::validate(&raw, &sources[0].file, None).map_err(|e| match e {
        ConfigError::Invalid { key, message, .. } => {
            let (file, location) = relocate(Some(&key));
            ConfigError::Invalid {
                file,
                key,
                location,
                message,
            }
        }
        other => other,
    })?;
    Ok(LoadedConfig {
        text,
        raw,
        scenario,
        sources,
    })
}

/// One file of a config.
#[derive(Debug, Clone)]
struct Source {
    path: std::path::PathBuf,
    file: String,
    text: String,
}

fn read(path: &Path) -> Result<Source, ConfigError> {
    let file = path.display().to_string();
    let read = || -> std::io::Result<String> {
        let mut text = String::new();
        std::fs::File::open(path)?
            .take(MAX_CONFIG_BYTES + 1)
            .read_to_string(&mut text)?;
        if text.len() as u64 > MAX_CONFIG_BYTES {
            return Err(std::io::Error::other(format!(
                "larger than {} MiB; is it a config file?",
                MAX_CONFIG_BYTES >> 20
            )));
        }
        Ok(text)
    };
    let text = read().map_err(|error| ConfigError::Read {
        file: file.clone(),
        error,
    })?;
    Ok(Source {
        path: path.to_path_buf(),
        file,
        text,
    })
}

/// The file a source extends, resolved against the source's folder.
fn extends(source: &Source) -> Result<Option<std::path::PathBuf>, ConfigError> {
    let table: toml::Table = source
        .text
        .parse()
        .map_err(|e| parse_error(&source.text, &source.file, &e))?;
    match table.get("extends") {
        None => Ok(None),
        Some(toml::Value::String(other)) if other.trim().is_empty() => Err(invalid(
            &source.file,
            Some(&source.text),
            "extends",
            "is empty; name the config this one builds on (e.g. extends = \"baseline.toml\") or remove the line",
        )),
        Some(toml::Value::String(other)) => {
            let folder = source.path.parent().unwrap_or(Path::new("."));
            Ok(Some(folder.join(other)))
        }
        Some(other) => Err(invalid(
            &source.file,
            Some(&source.text),
            "extends",
            format!("must be a file name in quotes (got a {})", other.type_str()),
        )),
    }
}

/// Merges `over` into `base`: tables key by key, anything else replaced.
/// A `sweep`, `calibration` or `tournament` table replaces the base's whole, and so does a table of
/// another variant — an issue or a strategy of another `kind`, a threat of
/// another `distribution` — whose keys are other keys: none of the old
/// variant's are kept.
fn merge(base: &mut toml::Table, over: toml::Table) {
    merge_at(base, over, &mut Vec::new());
}

fn merge_at(base: &mut toml::Table, over: toml::Table, path: &mut Vec<String>) {
    for (key, value) in over {
        path.push(key.clone());
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(value))
                if key != "sweep"
                    && key != "calibration"
                    && !changes_variant(path, inner, &value) =>
            {
                merge_at(inner, value, path)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
        path.pop();
    }
}

/// The key that names the variant of the table at `path`, for the tables
/// that have variants.
fn variant_key(path: &[String]) -> Option<&'static str> {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    match path.as_slice() {
        ["issues", _] | ["agents", _, "strategy"] | ["agents", _, "opponent_model"] => Some("kind"),
        ["environment", "threat"] => Some("distribution"),
        _ => None,
    }
}

/// Whether `over` names a variant other than `base`'s.
fn changes_variant(path: &[String], base: &toml::Table, over: &toml::Table) -> bool {
    variant_key(path)
        .is_some_and(|key| matches!((base.get(key), over.get(key)), (Some(a), Some(b)) if a != b))
}

/// Whether one dotted path is the other or lies inside it.
fn overlaps(a: &str, b: &str) -> bool {
    let inside = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    };
    inside(a, b) || inside(b, a)
}

/// A file name or argument fit for a one-line comment.
fn line_of(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// The file (and place) that sets a dotted key: the first of the chain that
/// has it, else the first that has the deepest table on its way.
fn relocate(sources: &[Source], key: Option<&str>) -> (String, Option<Location>) {
    let in_any = |find: fn(&str, &str) -> Option<Location>| {
        key.and_then(|key| {
            sources
                .iter()
                .find_map(|s| find(&s.text, key).map(|l| (s.file.clone(), Some(l))))
        })
    };
    in_any(locate::find_exact)
        .or_else(|| in_any(locate::find))
        .unwrap_or_else(|| (sources[0].file.clone(), None))
}

/// Parses and validates config text; `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<(RawConfig, Scenario), ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| parse_error(text, file, &e))?;
    let scenario = validate::validate(&raw, file, Some(text))?;
    Ok((raw, scenario))
}

fn parse_error(text: &str, file: &str, error: &toml::de::Error) -> ConfigError {
    let offset = error.span().map(|s| s.start);
    let (_, message) = parse_message(text, offset, error);
    ConfigError::Parse {
        file: file.to_string(),
        location: offset.map(|o| locate::location(text, o)),
        message,
    }
}

/// The dotted key a TOML or serde error at `offset` of `text` is about, and
/// the message naming it.
fn parse_message(
    text: &str,
    offset: Option<usize>,
    error: &toml::de::Error,
) -> (Option<String>, String) {
    let message = locate::with_suggestion(&error.message().replace('\n', " "));
    if message.starts_with("duplicate key") {
        let path = offset.and_then(|o| locate::duplicate_at(text, o));
        let message = match &path {
            Some(path) => {
                format!("duplicate key: `{path}` is given twice (here and above); keep one of them")
            }
            None => format!("{message}; keep one of them"),
        };
        return (path, message);
    }
    let path = offset.and_then(|o| locate::path_at(text, o));
    let message = match &path {
        Some(path) => format!("{path}: {message}"),
        None => message,
    };
    (path, message)
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
