//! `patient_id:` the TextPattern that generates the Patient ID (CanReg5's RegNo).

use serde::{Deserialize, Serialize};

/// The Patient ID attribute of the NCD_CR base.
pub const PATIENT_ID_ATTRIBUTE: &str = "hDEhIMZe07x";

/// CanReg5's default RegNo length (`YYYY####`).
pub const CANREG5_REGNO_LENGTH: usize = 8;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatientIdConfig {
    /// The DHIS2 TextPattern, e.g. `CURRENT_DATE(yyyy) + SEQUENTIAL(####)`.
    /// Default: the base's pattern.
    #[serde(default)]
    pub pattern: Option<String>,
    /// The RegNo length of the local CanReg5 (its `RegNo` variable length). Default 8.
    #[serde(default = "default_regno_length")]
    pub canreg5_regno_length: usize,
}

fn default_regno_length() -> usize {
    CANREG5_REGNO_LENGTH
}
