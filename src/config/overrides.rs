//! Dotted-path access to a config document, so sweeps can set any value
//! (`agents.russia.weights.security`) before the document is validated.

use super::locate::nearest;

/// One `--set PATH=VALUE` of the command line: a dotted config path and the
/// value to put there. The value is read as TOML (`0.7`, `true`, `[1, 2]`,
/// `"text"`); anything that is not TOML is taken as a string, so
/// `--set protocol.start_linkage=separate` needs no quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub path: String,
    pub value: toml::Value,
    /// As given, for messages.
    pub text: String,
}

impl std::str::FromStr for Setting {
    type Err = String;

    fn from_str(text: &str) -> Result<Setting, String> {
        let (path, value) = text.split_once('=').ok_or_else(|| {
            format!("`{text}` is not PATH=VALUE (e.g. agents.russia.reservation=0.6)")
        })?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(|p| p.trim().is_empty()) {
            return Err(format!(
                "`{path}` is not a dotted config path (e.g. agents.russia.reservation)"
            ));
        }
        let value = value.trim();
        let value = format!("v = {value}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(value.to_string()));
        Ok(Setting {
            path: path.to_string(),
            value,
            text: text.to_string(),
        })
    }
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--set {}", self.text)
    }
}

/// The value at `path`, if the path exists. An absent last key is `Ok(None)`
/// (many keys are optional); a missing table on the way is an error naming
/// the valid keys at that level.
pub fn get<'a>(doc: &'a toml::Table, path: &str) -> Result<Option<&'a toml::Value>, String> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "`{path}` is not a dotted path like `agents.russia.reservation`"
        ));
    }
    let mut table = doc;
    for (depth, part) in parts.iter().enumerate() {
        let last = depth + 1 == parts.len();
        match table.get(*part) {
            Some(value) if last => return Ok(Some(value)),
            Some(toml::Value::Table(inner)) => table = inner,
            Some(other) => {
                return Err(format!(
                    "`{path}`: `{}` is a {}, not a table",
                    parts[..=depth].join("."),
                    other.type_str()
                ));
            }
            None if last => return Ok(None),
            None => {
                let here = if depth == 0 {
                    "the top level".to_string()
                } else {
                    format!("`{}`", parts[..depth].join("."))
                };
                let keys: Vec<&str> = table.keys().map(String::as_str).collect();
                let hint = nearest(part, keys.iter().copied())
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                return Err(format!(
                    "`{path}`: no key `{part}` in {here}{hint} (keys there: {})",
                    keys.join(", ")
                ));
            }
        }
    }
    unreachable!("the loop returns at the last part")
}

/// Sets the value at `path`; the tables on the way must exist.
pub fn set(doc: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    get(doc, path)?;
    let (parents, last) = path.rsplit_once('.').unwrap_or(("", path));
    let mut table = doc;
    for part in parents.split('.').filter(|p| !p.is_empty()) {
        table = match table.get_mut(part) {
            Some(toml::Value::Table(inner)) => inner,
            _ => unreachable!("get checked every table on the way"),
        };
    }
    table.insert(last.to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> toml::Table {
        "[agents.russia]\nreservation = 0.5\n[agents.us]\nrisk = 1.0\n"
            .parse()
            .unwrap()
    }

    #[test]
    fn sets_existing_and_optional_keys() {
        let mut d = doc();
        set(&mut d, "agents.russia.reservation", toml::Value::Float(0.7)).unwrap();
        set(
            &mut d,
            "agents.russia.reservation_oil",
            toml::Value::Float(0.1),
        )
        .unwrap();
        assert_eq!(
            get(&d, "agents.russia.reservation").unwrap(),
            Some(&toml::Value::Float(0.7))
        );
        assert!(get(&d, "agents.russia.reservation_oil").unwrap().is_some());
    }

    #[test]
    fn settings_read_toml_values_and_bare_words_as_strings() {
        let s: Setting = "agents.russia.reservation=0.6".parse().unwrap();
        assert_eq!(s.path, "agents.russia.reservation");
        assert_eq!(s.value, toml::Value::Float(0.6));
        let s: Setting = "protocol.start_linkage = separate".parse().unwrap();
        assert_eq!(s.value, toml::Value::String("separate".into()));
        let s: Setting = "a.b=[1, 2]".parse().unwrap();
        assert_eq!(s.value.as_array().map(Vec::len), Some(2));
        let s: Setting = "a.b=\"x=y\"".parse().unwrap();
        assert_eq!(s.value, toml::Value::String("x=y".into()));
        assert!("no_equals".parse::<Setting>().is_err());
        assert!("a..b=1".parse::<Setting>().is_err());
        assert!("=1".parse::<Setting>().is_err());
    }

    #[test]
    fn a_missing_table_names_the_valid_keys() {
        let e = get(&doc(), "agents.rusia.reservation").unwrap_err();
        assert!(e.contains("no key `rusia` in `agents`"), "{e}");
        assert!(e.contains("did you mean `russia`?"), "{e}");
        assert!(e.contains("keys there: russia, us"), "{e}");
        let e = get(&doc(), "agents.russia.reservation.x").unwrap_err();
        assert!(e.contains("is a float, not a table"), "{e}");
    }
}
