//! `canreg5:` the registry's own CanReg5 setup, which the build is checked against.
//!
//! A CanReg5 system definition (`conf/database/<REG>.xml`) declares the dictionaries and the
//! variables with their lengths, but holds no dictionary entries: those are exchanged as a
//! dictionary text export (`#<id>\t----<name>`, then `code\tlabel`). With both, crtk checks every
//! address and source code against the registry's dictionaries (`crate::canreg5::alignment`).

use super::address::DictionaryRef;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Canreg5Config {
    /// The registry's CanReg5 system definition (XML), relative to the config.
    pub system: PathBuf,
    /// The registry's CanReg5 dictionary export (text), relative to the config. Without it only
    /// lengths and variables are checked: the system definition holds no dictionary entries.
    #[serde(default)]
    pub dictionaries: Option<PathBuf>,
    /// The CanReg5 dictionary the DHIS2 source types correspond to (number or name). Default: the
    /// dictionary of the system's variable mapped as `SOUT`, else none (source codes unchecked).
    #[serde(default)]
    pub source_dictionary: Option<DictionaryRef>,
}

impl Canreg5Config {
    /// The files this section names (relative to the config).
    pub fn files(&self) -> Vec<&std::path::Path> {
        let mut files = vec![self.system.as_path()];
        files.extend(self.dictionaries.as_deref());
        files
    }
}
