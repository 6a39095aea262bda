//! Which property changes are noise: ignored by default, plus the user's `--ignore PATH`.
//!
//! A pattern is matched against a property's **property path**: the object's type followed by
//! the property names down to the property, without list identities or indexes. The change of
//! `compulsory` in `programStages[id=X].programStageDataElements[dataElement=Y].compulsory` has the
//! property path `programStages.programStageDataElements.compulsory`; a sharing entry
//! `sharing.userGroups.G1.access` keeps its map key (`G1`). The package header's type is `package`.
//!
//! Segments are separated by `.`; `*` inside a segment matches any characters (`display*Label`),
//! a whole segment `*` matches exactly one segment, and `**` matches any number of segments (zero
//! included). A pattern that matches a property also matches everything below it.

/// Ignored by default, with why. Derived, per-instance or bookkeeping properties that DHIS2
/// rewrites on every export; official packages strip most of them.
pub const DEFAULT_NOISE: &[(&str, &str)] = &[
    ("**.lastUpdated", "time stamp rewritten on every save"),
    (
        "**.created",
        "time stamp of the instance the package came from",
    ),
    ("**.createdBy", "user of the instance the package came from"),
    (
        "**.lastUpdatedBy",
        "user of the instance the package came from",
    ),
    (
        "*.user",
        "the creating user of the instance the package came from",
    ),
    (
        "**.sharing.owner",
        "owner user of the instance the package came from",
    ),
    ("**.href", "URL of the instance the package came from"),
    (
        "*.access",
        "computed access of the exporting user (not sharing)",
    ),
    (
        "*.programStageDataElements.access",
        "computed access, on inline children",
    ),
    (
        "*.programTrackedEntityAttributes.access",
        "computed access, on inline children",
    ),
    ("**.favorites", "per-user favourites"),
    ("**.favorite", "per-user favourite flag"),
    ("**.displayName", "derived from name + translations"),
    (
        "**.displayShortName",
        "derived from shortName + translations",
    ),
    ("**.displayFormName", "derived from formName + translations"),
    (
        "**.displayDescription",
        "derived from description + translations",
    ),
    ("**.displayContent", "derived from content + translations"),
    ("**.displayTitle", "derived from title + translations"),
    ("**.displaySubtitle", "derived from subtitle + translations"),
    (
        "**.display*Label",
        "derived from the label + translations (displayExecutionDateLabel, ...)",
    ),
    ("package.lastUpdated", "export time stamp"),
    ("package.DHIS2Build", "build hash of the exporting server"),
];

/// A compiled ignore pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    segments: Vec<String>,
}

impl Pattern {
    /// Parses `a.b.*.c` / `**.lastUpdated`. Errors name what is wrong.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(
                "an ignore pattern is empty: give a property path such as `**.code`".into(),
            );
        }
        let segments: Vec<String> = trimmed.split('.').map(str::to_string).collect();
        if segments.iter().any(String::is_empty) {
            return Err(format!(
                "ignore pattern `{text}` has an empty segment: write property names separated by single dots, e.g. `programs.version`"
            ));
        }
        if segments
            .iter()
            .any(|s| s.contains(['[', ']', '=']) || (s.contains("**") && s != "**"))
        {
            return Err(format!(
                "ignore pattern `{text}`: use property names only (no `[...]`), `*` for one segment, `**` for any number"
            ));
        }
        Ok(Pattern {
            text: trimmed.to_string(),
            segments,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the pattern matches `path` or one of its ancestors.
    pub fn matches(&self, path: &[&str]) -> bool {
        (1..=path.len()).any(|n| glob_path(&self.segments, &path[..n]))
    }
}

/// The ignore list a diff uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Noise {
    patterns: Vec<Pattern>,
}

impl Default for Noise {
    fn default() -> Self {
        Noise {
            patterns: DEFAULT_NOISE
                .iter()
                .map(|(p, _)| Pattern::parse(p).expect("default patterns are valid"))
                .collect(),
        }
    }
}

impl Noise {
    /// Nothing ignored (tests, `--ignore` audits).
    pub fn none() -> Self {
        Noise {
            patterns: Vec::new(),
        }
    }

    /// Adds a user pattern.
    pub fn add(&mut self, pattern: Pattern) {
        self.patterns.push(pattern);
    }

    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// True when a change at this property path is ignored.
    pub fn ignores(&self, path: &[&str]) -> bool {
        self.patterns.iter().any(|p| glob_path(&p.segments, path))
    }
}

fn glob_path(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| glob_path(rest, &path[skip..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((segment, tail)) => glob_segment(first, segment) && glob_path(rest, tail),
            None => false,
        },
    }
}

/// `*` matches any run of characters within one segment.
fn glob_segment(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &str) -> Vec<&str> {
        s.split('.').collect()
    }

    #[test]
    fn defaults_ignore_noise_but_not_real_settings() {
        let noise = Noise::default();
        assert!(noise.ignores(&path("dataElements.lastUpdated")));
        assert!(noise.ignores(&path("programs.programTrackedEntityAttributes.lastUpdated")));
        assert!(noise.ignores(&path("programStages.displayExecutionDateLabel")));
        assert!(noise.ignores(&path("options.sharing.owner")));
        assert!(noise.ignores(&path("dataElements.user")));
        assert!(noise.ignores(&path("dataElements.access")));
        // Real settings and real permissions stay.
        assert!(!noise.ignores(&path(
            "programs.programTrackedEntityAttributes.displayInList"
        )));
        assert!(!noise.ignores(&path(
            "programStages.programStageDataElements.displayInReports"
        )));
        assert!(!noise.ignores(&path("options.sharing.userGroups.G1.access")));
        assert!(!noise.ignores(&path("programs.userGroupAccesses.access")));
        assert!(!noise.ignores(&path("options.sharing.public")));
        assert!(!noise.ignores(&path("package.version")));
    }

    #[test]
    fn user_patterns() {
        let p = Pattern::parse("programs.version").unwrap();
        assert!(p.matches(&path("programs.version")));
        assert!(!p.matches(&path("dataSets.version")));
        let p = Pattern::parse("**.translations").unwrap();
        assert!(glob_path(&p.segments, &path("options.translations")));
        let p = Pattern::parse("*.sharing").unwrap();
        assert!(p.matches(&path("options.sharing.userGroups.G1.access")));
        assert!(Pattern::parse("a..b").is_err());
        assert!(Pattern::parse("a[0].b").is_err());
        assert!(Pattern::parse("").is_err());
        assert!(glob_segment("a*b*c", "aXXbYYc"));
        assert!(!glob_segment("a*b*c", "aXXcYYb"));
    }
}
