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

/// crtk's canonical writer is serde_json's pretty layout byte for byte (with keys sorted and each
/// top-level array ordered by id, objects without an id last): on every reference package, the
/// official NCD_CR, and a package holding every escape, Unicode, numbers and empty containers.
#[test]
fn canonical_text_is_serde_jsons_pretty_layout() {
    let mut files = reference_packages();
    files.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json"),
    );
    let mut texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.display().to_string(), std::fs::read_to_string(f).unwrap()))
        .collect();
    texts.push((
        "escapes".into(),
        r#"{"package":{"name":"P","z":[],"a":{}},"options":[{"name":"tab\there \"q\" back\\slash \u0001\u001f\b\f\r\n é 中 😀 \u007f","id":"b","n":[1,-2,3.5,1e300,0.1,-0.0,12345678901234567890],"e":{},"f":[],"t":true,"x":null},{"name":"no id"},{"id":"a"}],"top":"a string","num":7}"#.into(),
    ));
    for (name, text) in texts {
        let package = Package::from_json(&text, Path::new(&name)).unwrap();
        let mut expected = package.to_value();
        for section in expected.as_object_mut().unwrap().values_mut() {
            if let Value::Array(items) = section {
                // Stable: objects without an id keep their order, after the others.
                items.sort_by_key(|item| {
                    let id = item.get("id").and_then(Value::as_str).map(String::from);
                    (id.is_none(), id)
                });
            }
        }
        let expected = serde_json::to_string_pretty(&expected).unwrap() + "\n";
        assert!(
            to_canonical_string(&package) == expected,
            "{name}: canonical text differs from serde_json's pretty layout"
        );
    }
}
