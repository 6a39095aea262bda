//! The base package a build starts from: the NCD_CR toolkit shipped inside crtk, or a file the user
//! names (for instance the official NCD_CR JSON from the DHIS2 metadata downloads).

use crate::package::{LoadError, Package};
use std::path::{Path, PathBuf};

/// The shipped base, compiled into the binary so an installed crtk needs no other files.
const SHIPPED_JSON: &str = include_str!("../base-package/NCD_CR/NCD_CR.json");
const SHIPPED_PATH: &str = "base-package/NCD_CR/NCD_CR.json";

/// A base package and where it came from.
#[derive(Debug, Clone)]
pub struct Base {
    pub package: Package,
    /// The file read, or `None` for the shipped base.
    pub path: Option<PathBuf>,
    /// The exact text it was parsed from (for checksums in release manifests).
    pub text: String,
}

impl Base {
    /// The exact text of the shipped base, and the path it was compiled from (for checksums).
    pub fn shipped_source() -> (&'static str, &'static str) {
        (SHIPPED_PATH, SHIPPED_JSON)
    }

    /// The NCD_CR base shipped with crtk.
    pub fn shipped() -> Base {
        let package = Package::from_json(SHIPPED_JSON, Path::new(SHIPPED_PATH))
            .expect("the shipped base package is valid JSON (checked by tests)");
        Base {
            package,
            path: None,
            text: SHIPPED_JSON.to_string(),
        }
    }

    /// A base read from `path`: a package JSON file, or a folder holding exactly one `.json` file.
    pub fn load(path: &Path) -> Result<Base, LoadError> {
        let file = if path.is_dir() {
            single_json_in(path)?
        } else {
            path.to_path_buf()
        };
        let text = crate::input::read_to_string(&file).map_err(|source| LoadError::Io {
            path: file.clone(),
            source,
        })?;
        let package = Package::from_json(&text, &file)?;
        Ok(Base {
            package,
            path: Some(file),
            text,
        })
    }
}

fn single_json_in(dir: &Path) -> Result<PathBuf, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(io(std::io::Error::other(format!(
            "a base folder must hold exactly one package .json file, found {n}; name the file instead"
        )))),
    }
}
