//! The package model never loses a value: every reference package loads and re-emits to the same
//! JSON value, and canonical emission is a fixed point.

use crtk::package::{Package, references, to_canonical_string};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn reference_packages() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference-packages");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        4,
        "the four reference packages of shared/reference-packages"
    );
    files
}

/// The package with each top-level array ordered by `id`: that order carries no meaning in DHIS2
/// and canonical emission sets it, so the comparison must not depend on it.
fn by_id(mut package: Value) -> Value {
    for section in package.as_object_mut().unwrap().values_mut() {
        if let Value::Array(items) = section {
            items.sort_by(|a, b| {
                a.get("id")
                    .and_then(Value::as_str)
                    .cmp(&b.get("id").and_then(Value::as_str))
            });
        }
    }
    package
}

#[test]
fn reference_packages_reemit_without_losing_a_value() {
    for path in reference_packages() {
        let text = std::fs::read_to_string(&path).unwrap();
        let original = by_id(serde_json::from_str(&text).unwrap());
        let package = Package::from_json(&text, &path).unwrap();
        let emitted = to_canonical_string(&package);
        let reparsed = by_id(serde_json::from_str(&emitted).unwrap());
        assert!(
            original == reparsed,
            "{} changed in the round trip",
            path.display()
        );
        let again = to_canonical_string(&Package::from_json(&emitted, &path).unwrap());
        assert!(
            emitted == again,
            "{}: canonical emission is not a fixed point",
            path.display()
        );
    }
}

#[test]
fn header_forms_of_the_reference_packages() {
    use crtk::package::Header;
    for path in reference_packages() {
        let package = Package::load(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("AEFI") {
            assert!(matches!(package.header, Header::Legacy(_)), "{name}");
            assert_eq!(package.header.dhis2_version().as_deref(), Some("2.35.3"));
        } else {
            assert!(matches!(package.header, Header::Package(_)), "{name}");
        }
    }
}

#[test]
fn references_include_inline_children() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference-packages/HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json");
    let package = Package::load(&path).unwrap();
    let refs = references(&package);
    let program = package.objects("programs")[0].as_object().unwrap();
    let attributes = program["programTrackedEntityAttributes"]
        .as_array()
        .unwrap();
    // Every attribute of the program appears as a reference from inside its inline child.
    for (i, child) in attributes.iter().enumerate() {
        let tea = child["trackedEntityAttribute"]["id"].as_str().unwrap();
        let path =
            format!("programs[0].programTrackedEntityAttributes[{i}].trackedEntityAttribute");
        assert!(
            refs.iter().any(|r| r.id == tea && r.path == path),
            "missing {path}"
        );
    }
    // Inline children are objects, not references to themselves.
    let child_id = attributes[0]["id"].as_str().unwrap();
    assert!(!refs.iter().any(|r| r.id == child_id));
    // Each option set's options resolve to top-level options.
    let index = package.id_index();
    for r in refs
        .iter()
        .filter(|r| r.owner_kind == "optionSets" && r.property == "options")
    {
        assert_eq!(index.get(r.id), Some(&"options"), "{}", r.path);
    }
}
