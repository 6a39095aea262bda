//! `--check-version`: a change needs a version bump, a breaking change a major one.
//!
//! Country packages are versioned `<base version>-<cc>.<major>.<minor>` (`1.0.1-gh.2.0`, see
//! docs/config.md: Versions): the base version stays the version of the base the package is
//! built on, and the country's own breaking change raises the country major after the code
//! (`1.0.1-gh.1.3` -> `1.0.1-gh.2.0`). `<base>-<cc>.<n>` reads as major n, minor 0. For such
//! versions a breaking change needs a higher country major (or a base of a higher major version).
//!
//! Versions are read as `MAJOR[.MINOR[.PATCH...]][-SUFFIX][+BUILD]` (`1.0.1`, `1.0.1-rw.2`).
//! Ordering: the numbers first, then the suffix (dot-separated, numbers compared as numbers); a
//! version without a suffix is *above* the same numbers with one (as in semver); `+BUILD` is ignored.
//! The major version is the first number: a breaking change needs it to increase
//! (`1.0.1-rw.3` -> `2.0.0-rw.1`). A change that only bumps the suffix (`-rw.1` -> `-rw.2`) is a bump,
//! but not a major one.

use super::model::Diff;
use std::cmp::Ordering;

/// A parsed package version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub numbers: Vec<u64>,
    pub suffix: Vec<String>,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim().trim_start_matches(['v', 'V']);
        let text = text.split('+').next()?;
        let (main, suffix) = match text.split_once('-') {
            Some((m, s)) => (m, s.split('.').map(String::from).collect()),
            None => (text, Vec::new()),
        };
        let numbers = main
            .split('.')
            .map(|n| n.parse::<u64>().ok())
            .collect::<Option<Vec<_>>>()?;
        Some(Version { numbers, suffix })
    }

    pub fn major(&self) -> u64 {
        self.numbers.first().copied().unwrap_or(0)
    }

    /// The country part of `<base>-<cc>.<major>[.<minor>]`: (cc, major, minor).
    pub fn country(&self) -> Option<(&str, u64, u64)> {
        let (code, rest) = self.suffix.split_first()?;
        if !(2..=3).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let numbers: Vec<u64> = rest.iter().map(|n| n.parse().ok()).collect::<Option<_>>()?;
        match numbers.as_slice() {
            [major] => Some((code, *major, 0)),
            [major, minor] => Some((code, *major, *minor)),
            _ => None,
        }
    }

    /// The base version: the numbers before the suffix (`1.0.1`).
    pub fn base(&self) -> String {
        self.numbers
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let width = self.numbers.len().max(other.numbers.len());
        let at = |v: &Version, i: usize| v.numbers.get(i).copied().unwrap_or(0);
        for i in 0..width {
            match at(self, i).cmp(&at(other, i)) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        match (self.suffix.is_empty(), other.suffix.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            _ => {}
        }
        for (a, b) in self.suffix.iter().zip(&other.suffix) {
            let ord = match (a.parse::<u64>(), b.parse::<u64>()) {
                (Ok(x), Ok(y)) => x.cmp(&y),
                (Ok(_), Err(_)) => Ordering::Less,
                (Err(_), Ok(_)) => Ordering::Greater,
                _ => a.cmp(b),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        self.suffix.len().cmp(&other.suffix.len())
    }
}

/// The changes that need a version bump: object changes and header changes other than the
/// version and the name (which carries the version).
pub fn change_count(diff: &Diff) -> usize {
    diff.objects.len()
        + diff
            .header
            .iter()
            .filter(|f| !matches!(f.path.as_str(), "version" | "name"))
            .count()
}

/// `Ok(explanation)` when the new header's version fits the changes, `Err(explanation)` otherwise.
pub fn check_version(diff: &Diff) -> Result<String, String> {
    let changes = change_count(diff);
    let breaking = diff.breaking().count();
    let (old_text, new_text) = (
        diff.old.version.as_deref().unwrap_or(""),
        diff.new.version.as_deref().unwrap_or(""),
    );
    if changes == 0 {
        return Ok("no changes: any version will do".into());
    }
    let parse = |text: &str, side: &str| {
        Version::parse(text).ok_or_else(|| {
            format!("the {side} package's version `{text}` is not a version such as `1.0.1` or `1.0.1-rw.2`: fix `package.version` in its header")
        })
    };
    let (old, new) = (parse(old_text, "old")?, parse(new_text, "new")?);
    if new <= old {
        return Err(format!(
            "{changes} change(s) but the version was not bumped ({old_text} -> {new_text}): raise `package.version`"
        ));
    }
    if let (Some((old_cc, old_major, _)), Some((new_cc, new_major, _))) =
        (old.country(), new.country())
    {
        if !old_cc.eq_ignore_ascii_case(new_cc) {
            return Err(format!(
                "{old_text} -> {new_text} changes the country code `{old_cc}` to `{new_cc}`: a package keeps its country; compare packages of one country"
            ));
        }
        if breaking > 0 && new_major <= old_major && new.major() <= old.major() {
            return Err(format!(
                "{breaking} breaking change(s) need the country's major version raised, but {old_text} -> {new_text} keeps {old_cc} major {old_major}: use {}-{old_cc}.{}.0 (the base version {} stays true)",
                new.base(),
                old_major + 1,
                new.base()
            ));
        }
        return Ok(format!(
            "{old_text} -> {new_text} fits {changes} change(s), {breaking} breaking"
        ));
    }
    if breaking > 0 && new.major() <= old.major() {
        return Err(format!(
            "{breaking} breaking change(s) need a major version bump, but {old_text} -> {new_text} keeps major version {}: use {}.0.0 or higher",
            old.major(),
            old.major() + 1
        ));
    }
    Ok(format!(
        "{old_text} -> {new_text} fits {changes} change(s), {breaking} breaking"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn ordering() {
        assert!(v("1.0.1") < v("1.0.2"));
        assert!(v("1.0.1-rw.1") < v("1.0.1-rw.2"));
        assert!(v("1.0.1-rw.9") < v("1.0.1-rw.10"));
        assert!(v("1.0.1-rw.1") < v("1.0.1"));
        assert!(v("1.0.1-rw.3") < v("2.0.0-rw.1"));
        assert_eq!(v("1.0").cmp(&v("1.0.0")), Ordering::Equal);
        assert_eq!(v("2.0.0+build7").major(), 2);
        assert!(Version::parse("one").is_none());
        assert!(v("1.0.1-gh.1") < v("1.0.1-gh.1.1"));
        assert!(v("1.0.1-gh.1.9") < v("1.0.1-gh.2.0"));
        assert_eq!(v("1.0.1-gh.2").country(), Some(("gh", 2, 0)));
        assert_eq!(v("1.0.1-gh.2.3").country(), Some(("gh", 2, 3)));
        assert_eq!(v("1.0.1-rc.1.2.3").country(), None);
        assert_eq!(v("1.0.1-gh.2.3").base(), "1.0.1");
    }
}
