//! Reading one side of a diff: a package JSON, or a country config built in memory.

use crate::build::{BuildError, BuildOptions, build};
use crate::package::{LoadError, Package};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{}: cannot build this country config to diff it: {source}", path.display())]
    Build {
        path: PathBuf,
        #[source]
        source: Box<BuildError>,
    },
}

/// True when the path names a country config rather than a package.
pub fn is_config(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Loads a package file, or builds the package a country config (`.yaml`/`.yml`) describes.
pub fn load_side(path: &Path, options: &BuildOptions) -> Result<Package, DiffError> {
    if is_config(path) {
        let built = build(path, options).map_err(|source| DiffError::Build {
            path: path.to_path_buf(),
            source: Box::new(source),
        })?;
        Ok(built.package)
    } else {
        Ok(Package::load(path)?)
    }
}
