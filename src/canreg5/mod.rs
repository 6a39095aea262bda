//! The CanReg5 side of a country build: the export app's field mapping written beside the
//! package, the country's CanReg5 dictionaries, and checks that the package, the mapping and the
//! registry's CanReg5 system definition agree.

pub mod alignment;
pub mod dictionaries;
pub mod dictionary_text;
pub mod mapping;
pub mod registry;
pub mod system;

use crate::build::Built;
use crate::validate::Finding;
use mapping::FieldMapping;

/// The export app's mapping for a build: the official one after `access.uid_remap`, plus the
/// country's added fields that name a CanReg5 variable.
pub fn mapping_for(built: &Built) -> FieldMapping {
    // The stages the export app reads, after `uid_remap`, to place each added field.
    let stages = mapping_with(built, &[]).program_stages;
    let extra: Vec<mapping::Extra> =
        crate::adapt::fields::canreg5_fields(&built.config.config, &built.package)
            .iter()
            .filter_map(|f| {
                mapping::Extra::in_package(&f.variable, f.stage.as_deref(), &f.uid, &stages)
            })
            .collect();
    mapping_with(built, &extra)
}

/// [`mapping_for`] with these added variables.
pub fn mapping_with(built: &Built, extra: &[mapping::Extra]) -> FieldMapping {
    let empty = Default::default();
    let remap = built
        .config
        .config
        .access
        .as_ref()
        .map(|a| &a.uid_remap)
        .unwrap_or(&empty);
    FieldMapping::for_country(remap, extra)
}

/// `(file name, canonical JSON)` of the mapping written beside the package.
pub fn mapping_file(built: &Built) -> (String, String) {
    (
        mapping::file_name(&built.package),
        mapping_for(built).to_json(),
    )
}

/// Every CanReg5 finding about a country build (CR903-CR913).
pub fn findings(built: &Built) -> Vec<Finding> {
    let mapping = mapping_for(built);
    let file = mapping::file_name(&built.package);
    let registry = built.canreg5.as_ref();
    let mut out = alignment::check_mapping(&built.package, &mapping, &file, registry);
    if let Some(registry) = registry {
        out.extend(alignment::check_registry(
            &built.package,
            &built.config,
            &mapping,
            registry,
        ));
    }
    out
}
