//! Installing into an existing instance: the build compared, offline, with the target instance's
//! metadata export, as DHIS2's import would see it.
//!
//! - [`index`]: reading the export (plain, gzip, zip; streamed into a slim index)
//! - [`conflicts`]: the conflict classes (codes CR1101-CR1107 and E5003) and the update plan
//! - [`remap`]: the fixes as config (`access.uid_remap`, `access.user_groups`, `names:`)
//! - [`render`]: `crtk target report` as text, markdown or JSON

pub mod conflicts;
pub mod index;
pub mod remap;
pub mod render;

pub use conflicts::{DEFAULTS, TargetCheck, TypePlan, check};
pub use index::{TargetError, TargetIndex, TargetObject};
pub use remap::{Fixes, NameFix};
