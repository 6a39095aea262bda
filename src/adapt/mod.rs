//! Adaptations: each takes the package and its part of the country config and edits the package.
//!
//! They run in the order listed in [`apply`]; every new id comes from the one deterministic
//! [`UidGenerator`](crate::package::uid::UidGenerator) of the build.

mod access;
pub mod address;
mod error;
pub mod identifiers;
pub mod identity;
pub mod languages;
mod options;
pub mod patient_id;
mod source_types;

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
    // Last: remapping covers the objects the adaptations above created.
    access::apply(package, config)?;
    Ok(())
}

/// Warnings about a config that builds but has consequences the user must know (printed by the
/// CLI; a build with warnings still succeeds).
pub fn warnings(config: &LoadedConfig) -> Vec<String> {
    patient_id::warnings(config)
}
