//! `source_types:` the local source types (hospitals, laboratories, death certificates, ...) that
//! replace the placeholder options of the base's Source type option set.

use serde::{Deserialize, Serialize};

/// The Source type data element of the NCD_CR base (Source stage).
pub const SOURCE_TYPE_ELEMENT: &str = "Mqz5dPrwWho";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceType {
    /// The option code, as in the local CanReg5 source dictionary (`HOSP`, `11`).
    pub code: String,
    /// The option name shown in data entry.
    pub name: String,
}
