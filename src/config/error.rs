//! Errors reading a country config, each naming the file, the place and the fix.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read the config: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// YAML that does not parse, or does not fit the config's shape.
    #[error("{}{}: {message}", path.display(), location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
    Syntax {
        path: PathBuf,
        location: Option<(usize, usize)>,
        message: String,
    },
    /// A value of the right type that is not acceptable.
    #[error("{}: `{key}` {message}", path.display())]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
}

impl ConfigError {
    /// Turns a serde error into a message with the key path, and a suggestion for unknown keys.
    pub(crate) fn from_serde(
        path: &std::path::Path,
        error: serde_path_to_error::Error<serde_yaml::Error>,
    ) -> ConfigError {
        let at = error.path().to_string();
        let inner = error.into_inner();
        let location = inner.location().map(|l| (l.line(), l.column()));
        let raw = inner.to_string();
        // serde_yaml appends " at line L column C"; we print the position in front instead.
        let raw = raw.split(" at line ").next().unwrap_or(&raw);
        // ... and puts the path of the enclosing map in front, which we print ourselves too.
        let raw = match raw.split_once(": ") {
            Some((prefix, rest)) if !prefix.contains(' ') && at.starts_with(prefix) => rest,
            _ => raw,
        }
        .to_string();
        let message = match unknown_field(&raw) {
            Some((key, expected)) => {
                let place = parent_path(&at);
                let mut message = format!("unknown key `{key}`{place}");
                if let Some(best) = closest(&key, &expected) {
                    message.push_str(&format!("; did you mean `{best}`?"));
                }
                message.push_str(&format!(" (valid keys: {})", expected.join(", ")));
                message
            }
            None if at == "." || at.is_empty() => raw,
            None => format!("`{at}`: {raw}"),
        };
        ConfigError::Syntax {
            path: path.to_path_buf(),
            location,
            message,
        }
    }
}

/// " in `a.b`" for a nested key, nothing at the top level.
fn parent_path(at: &str) -> String {
    match at.rsplit_once('.') {
        Some((parent, _)) if !parent.is_empty() => format!(" in `{parent}`"),
        _ => String::new(),
    }
}

/// Parses serde's "unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((key.to_string(), expected))
}

/// The valid key closest to `key`, when it is close enough to be a likely typo.
fn closest<'a>(key: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(key, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_serde_unknown_field_messages() {
        let (key, expected) =
            unknown_field("unknown field `contry`, expected `country` or `package`").unwrap();
        assert_eq!(key, "contry");
        assert_eq!(expected, vec!["country", "package"]);
        assert_eq!(closest("contry", &expected), Some("country"));
        assert_eq!(closest("zzzzzzzz", &expected), None);
    }
}
