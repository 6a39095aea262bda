//! `access:` user groups, well-known UIDs that differ in the target instance, and the program's
//! organisation units.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccessConfig {
    /// CR user group name (`CR - Admin`) -> UID of the group that already exists in the target
    /// instance. The package's group is dropped and every sharing entry moves to the existing one.
    #[serde(default)]
    pub user_groups: BTreeMap<String, String>,
    /// UID in the package -> UID the target instance has for the same object (e.g. its default
    /// category combo). Applied to every id and reference in the package.
    #[serde(default)]
    pub uid_remap: BTreeMap<String, String>,
    /// Organisation units (UIDs in the target instance) the program is assigned to.
    #[serde(default)]
    pub org_units: Vec<String>,
}
