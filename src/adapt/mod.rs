//! Adaptations: each takes the package and its part of the country config and edits the package.
//!
//! They run in the order listed in [`apply`]; every new id comes from the one deterministic
//! [`UidGenerator`](crate::package::uid::UidGenerator) of the build.

mod access;
pub mod address;
mod error;
pub mod fields;
pub mod identifiers;
pub mod identity;
pub mod indicators;
pub mod languages;
mod lookup;
mod names;
mod options;
pub mod patient_id;
mod rules;
mod source_types;
mod working_lists;

pub use error::AdaptError;

use crate::config::LoadedConfig;
use crate::package::Package;

/// What the adaptations need besides the package and the config.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// `SOURCE_DATE_EPOCH` (seconds since 1970), the only source of time a build may use.
    pub source_date_epoch: Option<i64>,
}

/// Applies every adaptation the config declares, in order.
pub fn apply(
    package: &mut Package,
    config: &LoadedConfig,
    context: &Context,
) -> Result<(), AdaptError> {
    identity::apply(package, &config.config, context)?;
    address::apply(package, config)?;
    source_types::apply(package, config)?;
    patient_id::apply(package, config)?;
    identifiers::apply(package, config)?;
    // Local customisation declared by name (issue 18), in this order: national names first (so
    // new fields are checked against the names the country uses), then new fields, then rules
    // (which may name the new fields), then working lists (which filter on fields and show them).
    // Indicators last of these: they may read the new fields.
    names::apply(package, config)?;
    fields::apply(package, config)?;
    rules::apply(package, config)?;
    working_lists::apply(package, config)?;
    indicators::apply(package, config)?;
    // Last: remapping covers the objects the adaptations above created.
    access::apply(package, config)?;
    Ok(())
}

/// Warnings about a config that builds but has consequences the user must know (printed by the
/// CLI; a build with warnings still succeeds).
pub fn warnings(config: &LoadedConfig) -> Vec<String> {
    patient_id::warnings(config)
}
