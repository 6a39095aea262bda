//! The base package a build starts from: the official NCD_CR toolkit shipped inside crtk
//! (byte-exact, see `base-package/README.md`), or a file the user names.
//!
//! The official files carry `version: ""` in their header (the version lives in the git tag), so
//! crtk recognises them by sha256 ([`KNOWN_OFFICIAL`]); `package.base_version` in the config names
//! the version of any other base.

use crate::package::{LoadError, Package};
use std::path::{Path, PathBuf};

/// The shipped base, compiled into the binary so an installed crtk needs no other files.
const SHIPPED_JSON: &str = include_str!("../base-package/NCD_CR/NCD_CR.json");
const SHIPPED_PATH: &str = "base-package/NCD_CR/NCD_CR.json";

/// The official NCD_CR files crtk knows, by sha256 of their exact bytes (dhis2-metadata/NCD_CR,
/// `COMPLETE/metadata.json`).
pub const KNOWN_OFFICIAL: &[KnownBase] = &[
    KnownBase {
        version: "1.0.0",
        tag: "D2.42/1.0.0",
        sha256: "fcffb17b61b13ef8420530936dd704d92912ee4499cc6192863953182b2989d6",
    },
    KnownBase {
        version: "1.0.1",
        tag: "D2.42/1.0.1",
        sha256: "b51f63fb0af969ab71cff897b809f5da85662bd28b8cea7f19e6c258dd225fe4",
    },
];

/// One official release of the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownBase {
    pub version: &'static str,
    pub tag: &'static str,
    pub sha256: &'static str,
}

/// Where a base's version came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseVersion {
    /// An official file recognised by its sha256.
    Official(KnownBase),
    /// `package.base_version` in the config.
    Config(String),
    /// The base's own header (`version`, when not empty).
    Header(String),
    /// None of the above: the build still runs, with a warning.
    Unknown { sha256: String },
}

impl BaseVersion {
    /// The version, when known.
    pub fn version(&self) -> Option<&str> {
        match self {
            BaseVersion::Official(known) => Some(known.version),
            BaseVersion::Config(v) | BaseVersion::Header(v) => Some(v),
            BaseVersion::Unknown { .. } => None,
        }
    }
}

/// The lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

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

    /// The base's version: the config's `package.base_version` wins (it is the user's word),
    /// then the table of official files, then a non-empty header `version`.
    pub fn version(&self, configured: Option<&str>) -> BaseVersion {
        if let Some(v) = configured {
            return BaseVersion::Config(v.to_string());
        }
        let sha256 = sha256_hex(self.text.as_bytes());
        if let Some(known) = KNOWN_OFFICIAL.iter().find(|k| k.sha256 == sha256) {
            return BaseVersion::Official(*known);
        }
        match self.package.header.version() {
            Some(v) if !v.trim().is_empty() => BaseVersion::Header(v.to_string()),
            _ => BaseVersion::Unknown { sha256 },
        }
    }

    /// What the user must know about the base's version (the build still succeeds): an
    /// unidentified base, or a package version that does not start with the base's.
    pub fn version_warnings(&self, configured: Option<&str>, package_version: &str) -> Vec<String> {
        let name = match &self.path {
            Some(path) => path.display().to_string(),
            None => SHIPPED_PATH.to_string(),
        };
        match self.version(configured) {
            BaseVersion::Unknown { sha256 } => vec![format!(
                "base {name}: cannot tell its version (sha256 {sha256} is not a known official NCD_CR file and its header `version` is empty): set `package.base_version` in the config, e.g. `base_version: 1.0.1`"
            )],
            known => {
                let version = known.version().unwrap_or_default();
                let follows = package_version == version
                    || package_version
                        .strip_prefix(version)
                        .is_some_and(|rest| rest.starts_with(['-', '+']));
                if follows {
                    Vec::new()
                } else {
                    vec![format!(
                        "package.version `{package_version}` does not start with the base's version `{version}` (base {name}): name the country package after its base, e.g. `{version}-xx.1`"
                    )]
                }
            }
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
