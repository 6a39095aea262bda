//! `--previous-dir`: the `dist/` of the previous release, found through its `manifest.json`.
//!
//! The previous package of a country is the `package` output the old manifest lists for the same
//! package code (`NCD_CR_RW`). A country the old manifest does not know has no previous release.

use super::manifest::Manifest;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum PreviousError {
    #[error("{}: cannot read the previous release's manifest: {source}; --previous-dir must be the dist/ folder of an earlier `crtk build --all`", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a crtk release manifest: {source}", path.display())]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// Previous packages by package code.
#[derive(Debug, Clone, Default)]
pub struct PreviousIndex {
    packages: BTreeMap<String, PathBuf>,
}

impl PreviousIndex {
    /// No previous release.
    pub fn none() -> PreviousIndex {
        PreviousIndex::default()
    }

    /// Reads `dir/manifest.json`.
    pub fn load(dir: &Path) -> Result<PreviousIndex, PreviousError> {
        let path = dir.join("manifest.json");
        let text = crate::input::read_to_string(&path).map_err(|source| PreviousError::Io {
            path: path.clone(),
            source,
        })?;
        let manifest: Manifest =
            serde_json::from_str(&text).map_err(|source| PreviousError::Parse {
                path: path.clone(),
                source,
            })?;
        let mut packages = BTreeMap::new();
        for country in manifest.countries {
            if let Some(output) = country.outputs.iter().find(|o| o.role == "package") {
                packages.insert(country.package.code.clone(), dir.join(&output.path));
            }
        }
        Ok(PreviousIndex { packages })
    }

    /// The previous package file of the package `code`, if the previous release had one.
    pub fn package_for(&self, code: &str) -> Option<PathBuf> {
        self.packages.get(code).cloned()
    }
}
