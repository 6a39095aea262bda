//! `crtk build --all --check`: the release built in memory against the `dist/` on disk.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How a file of `dist/` disagrees with the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MismatchKind {
    /// On disk with other bytes.
    Differs,
    /// Part of the release, not on disk.
    Missing,
    /// On disk, not part of the release.
    Extra,
}

/// One file that disagrees, by its path inside `dist/` (with `/`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mismatch {
    pub path: String,
    pub kind: MismatchKind,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            MismatchKind::Differs => "differs from a fresh build",
            MismatchKind::Missing => "is missing",
            MismatchKind::Extra => "is not part of the release",
        };
        write!(f, "{}: {what}", self.path)
    }
}

/// Every file under `dir`, as `/`-separated paths relative to it. A missing folder is empty.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, prefix)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if prefix.is_empty() && super::lock::is_bookkeeping(&relative) {
                continue;
            }
            let entry_path = entry.path();
            if entry_path.is_dir() {
                stack.push((entry_path, relative));
            } else {
                found.insert(relative);
            }
        }
    }
    found
}

/// Compares `expected` (path -> bytes) with the files under `dir`, sorted by path.
pub fn compare_tree(expected: &BTreeMap<String, Vec<u8>>, dir: &Path) -> Vec<Mismatch> {
    let actual = files_under(dir);
    let mut mismatches = Vec::new();
    for (path, bytes) in expected {
        let kind = match crate::input::read_bytes(&dir.join(path)) {
            Ok(existing) if &existing == bytes => continue,
            Ok(_) => MismatchKind::Differs,
            Err(_) => MismatchKind::Missing,
        };
        mismatches.push(Mismatch {
            path: path.clone(),
            kind,
        });
    }
    for path in actual {
        if !expected.contains_key(&path) {
            mismatches.push(Mismatch {
                path,
                kind: MismatchKind::Extra,
            });
        }
    }
    mismatches.sort();
    mismatches
}

/// `arg` as a POSIX shell word (single-quoted when it holds anything but plain characters).
pub fn shell_word(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./-=:+,@%".contains(c))
    {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// What to do about the mismatches: files crtk did not produce are removed by hand (a release
/// write only removes files its own previous manifest listed), the others are rebuilt with
/// `rebuild` (the user's own command without `--check`).
pub fn advice(mismatches: &[Mismatch], out: &Path, rebuild: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let extra: Vec<String> = mismatches
        .iter()
        .filter(|m| m.kind == MismatchKind::Extra)
        .map(|m| shell_word(&out.join(&m.path).to_string_lossy()))
        .collect();
    if !extra.is_empty() {
        lines.push(format!(
            "{} file(s) in {} are not part of the release and `crtk build --all` does not remove files it did not write: delete them (`rm {}`), or move them out of {}",
            extra.len(),
            out.display(),
            extra.join(" "),
            out.display()
        ));
    }
    let stale = mismatches
        .iter()
        .filter(|m| m.kind != MismatchKind::Extra)
        .count();
    if stale > 0 {
        lines.push(format!(
            "{stale} file(s) differ or are missing: run `{rebuild}` and commit the result"
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_differing_missing_and_extra_file() {
        let dir = std::env::temp_dir().join(format!("crtk-check-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("A")).unwrap();
        std::fs::write(dir.join("A/same.json"), "1").unwrap();
        std::fs::write(dir.join("A/changed.json"), "old").unwrap();
        std::fs::write(dir.join("A/leftover.md"), "x").unwrap();
        let expected: BTreeMap<String, Vec<u8>> = [
            ("A/same.json", "1"),
            ("A/changed.json", "new"),
            ("manifest.json", "{}"),
        ]
        .into_iter()
        .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
        .collect();
        let found: Vec<String> = compare_tree(&expected, &dir)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "A/changed.json: differs from a fresh build",
                "A/leftover.md: is not part of the release",
                "manifest.json: is missing",
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
