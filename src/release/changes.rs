//! The comparison with the previous release: the diff files and the summary in the release notes.

use super::notes::ChangeSummary;
use crate::package::Package;

/// What changed since the previous release, rendered.
pub struct Comparison {
    pub summary: ChangeSummary,
    pub markdown: String,
    pub json: String,
}

/// Compares the previous release with the new package. `None` while crtk has no diff engine.
pub fn compare(_previous: &Package, _current: &Package) -> Option<Comparison> {
    None
}
