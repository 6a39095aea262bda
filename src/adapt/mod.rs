//! Adaptations: each takes the package and its part of the country config and edits the package.
//!
//! They run in the order listed in [`apply`]; every new id comes from the one deterministic
//! [`UidGenerator`](crate::package::uid::UidGenerator) of the build.

mod error;
mod identity;
pub mod languages;

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
    Ok(())
}
