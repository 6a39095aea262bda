//! The `validate:` section of a country config: what `crtk validate`/`crtk build` may accept.

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateSettings {
    /// UIDs the package may reference without shipping them: objects the target instance
    /// already has (besides the default category objects, always allowed).
    #[serde(default)]
    pub external: Vec<String>,
    /// Report placeholder options left in the build as warning CR806 instead of error CR804.
    /// Meant for examples built before the country's address areas and source types are known.
    #[serde(default)]
    pub allow_placeholders: bool,
    /// The target instance's metadata export (JSON, `.json.gz` or `.zip`; relative to the
    /// config): the build is checked as the import into that instance would see it (src/target/).
    #[serde(default)]
    pub target: Option<std::path::PathBuf>,
}
