//! Which files in a configs folder are country configs.
//!
//! Rule (documented in README.md, "Release builds"):
//! - every `*.yaml` / `*.yml` file directly in the folder is a config (`country-configs/example.yaml`);
//! - every sub-folder holding a `country.yaml` (or `country.yml`) is a config, with its data files
//!   beside it (`country-configs/rw/country.yaml`, `country-configs/rw/addresses.csv`);
//! - a file or folder whose name starts with `_` or `.` is skipped: that is how a file that is not a
//!   country config is marked (`_common.yaml`, `.drafts/`). Nothing else is skipped: a YAML file that
//!   does not parse as a config is a failing country, never silently ignored.
//!
//! The result is sorted by path, so builds, reports and manifests list countries in one order.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{}: cannot read the configs folder: {source}; pass an existing folder with --configs", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: holds no country config (`*.yaml` in the folder or `<folder>/country.yaml` in a sub-folder); pass the folder that holds them with --configs",
        path.display()
    )]
    Empty { path: PathBuf },
}

/// Files and folders named so are not country configs.
pub fn is_marked_skipped(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// The country configs in `dir`, sorted by path.
pub fn discover(dir: &Path) -> Result<Vec<PathBuf>, DiscoverError> {
    let io = |source| DiscoverError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_marked_skipped(&name) {
            continue;
        }
        // Whatever is named like a config is built (and fails loudly when it is not a readable
        // file: a dangling symlink, a FIFO, a folder), never skipped without a word.
        if path.is_dir() {
            let mut any = false;
            for candidate in ["country.yaml", "country.yml"] {
                let config = path.join(candidate);
                if config.symlink_metadata().is_ok() {
                    found.push(config);
                    any = true;
                }
            }
            if !any && is_yaml(&path) {
                found.push(path);
            }
        } else if is_yaml(&path) {
            found.push(path);
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(DiscoverError::Empty {
            path: dir.to_path_buf(),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_flat_and_folder_configs_and_skips_marked_ones() {
        let dir = std::env::temp_dir().join(format!("crtk-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in [
            ("b.yaml", "x"),
            ("a.yml", "x"),
            ("_common.yaml", "x"),
            ("notes.txt", "x"),
            ("rw/country.yaml", "x"),
            ("rw/addresses.yaml", "x"),
            ("empty/readme.md", "x"),
            ("_drafts/country.yaml", "x"),
            (".hidden/country.yaml", "x"),
        ] {
            let file = dir.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        let found: Vec<String> = discover(&dir)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["a.yml", "b.yaml", "rw/country.yaml"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_empty_folder_is_an_error_naming_it() {
        let dir = std::env::temp_dir().join(format!("crtk-discover-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let error = discover(&dir).unwrap_err().to_string();
        assert!(error.contains("holds no country config"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
