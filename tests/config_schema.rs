//! The JSON Schema editors use (schemas/country-config.schema.json): every sample config and
//! every YAML example of docs/config.md passes it, a typo is refused by the schema itself at
//! every level, and the keys of the core sections each have a description and an example.

mod common;

use common::crtk::root;
use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/country-config.schema.json")).unwrap(),
    )
    .unwrap()
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Drops `required` from object schemas (those with `properties`), so partial examples can be
/// checked for unknown keys and types; combinator branches keep theirs.
fn without_required(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.contains_key("properties") {
                map.remove("required");
            }
            for v in map.values_mut() {
                without_required(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(without_required),
        _ => {}
    }
}

fn yaml_to_json(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

#[test]
fn every_sample_config_passes_the_schema() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let mut configs = Vec::new();
    for entry in std::fs::read_dir(root().join("country-configs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            configs.push(path);
        } else if path.join("country.yaml").is_file() {
            configs.push(path.join("country.yaml"));
        }
    }
    assert!(configs.len() >= 6, "{configs:?}");
    for config in configs {
        let value = yaml_to_json(&std::fs::read_to_string(&config).unwrap());
        let problems = errors(&validator, &value);
        assert!(problems.is_empty(), "{}: {problems:?}", config.display());
    }
}

#[test]
fn every_yaml_example_of_the_docs_passes_the_schema() {
    let mut relaxed = schema();
    without_required(&mut relaxed);
    let validator = jsonschema::validator_for(&relaxed).unwrap();
    let docs = std::fs::read_to_string(root().join("docs/config.md")).unwrap();
    let mut checked = 0;
    let mut in_block = false;
    let mut block = String::new();
    let mut start = 0;
    for (n, line) in docs.lines().enumerate() {
        if !in_block && line.trim_start().starts_with("```yaml") {
            in_block = true;
            block.clear();
            start = n + 1;
        } else if in_block && line.trim_start().starts_with("```") {
            in_block = false;
            let value: Value = serde_yaml::from_str(&block)
                .unwrap_or_else(|e| panic!("docs/config.md:{start}: not YAML: {e}"));
            if value.is_null() {
                continue; // a comment only (the schema line)
            }
            let problems = errors(&validator, &value);
            assert!(
                problems.is_empty(),
                "docs/config.md:{start}: {problems:?}\n{block}"
            );
            checked += 1;
        } else if in_block {
            block.push_str(line);
            block.push('\n');
        }
    }
    assert!(checked >= 15, "only {checked} examples found");
}

#[test]
fn a_typo_is_refused_by_the_schema_itself() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let good = "country: { code: GH, name: Ghana }\npackage: { version: 1.0.1-gh.1 }\n";
    assert!(errors(&validator, &yaml_to_json(good)).is_empty());
    for (typo, at) in [
        ("source_type: []\n", ""),
        ("validate: { allow_placeholder: true }\n", "/validate"),
        (
            "address: { lvels: [Region], levels: [Region], areas: { tree: [{ code: '1', name: A }] } }\n",
            "/address",
        ),
        (
            "address: { levels: [Region], areas: { csv: { file: a.csv, code: c, name: n, parnt: p } } }\n",
            "/address/areas/csv",
        ),
        (
            "identifiers: [{ name: N, code: C, patern: x }]\n",
            "/identifiers/0",
        ),
        ("access: { user_group: {} }\n", "/access"),
        ("patient_id: { pattrn: x }\n", "/patient_id"),
    ] {
        let value = yaml_to_json(&format!("{good}{typo}"));
        let problems = errors(&validator, &value);
        assert!(
            problems.iter().any(|p| p.starts_with(&format!("{at}:"))),
            "{typo:?} not refused at `{at}`: {problems:?}"
        );
    }
}

/// Follows a local `$ref`.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let target = r
                .trim_start_matches("#/")
                .split('/')
                .fold(root, |v, k| &v[k]);
            resolve(root, target)
        }
        None => node,
    }
}

fn walk(root: &Value, node: &Value, path: &str, missing: &mut Vec<String>, depth: usize) {
    if depth > 12 {
        return;
    }
    let resolved = resolve(root, node);
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = resolved.get(key).filter(|v| v.is_object()) {
            walk(root, inner, &format!("{path}[]"), missing, depth + 1);
        }
    }
    for branch in ["oneOf", "anyOf"] {
        for inner in resolved
            .get(branch)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk(root, inner, path, missing, depth + 1);
        }
    }
    if let Some(properties) = resolved.get("properties").and_then(Value::as_object) {
        for (key, property) in properties {
            let here = format!("{path}.{key}");
            // A description and examples on the property itself (or on what it refers to).
            let target = resolve(root, property);
            for needed in ["description", "examples"] {
                if property.get(needed).is_none() && target.get(needed).is_none() {
                    missing.push(format!("{here}: no {needed}"));
                }
            }
            walk(root, property, &here, missing, depth + 1);
        }
    }
}

#[test]
fn core_keys_have_a_description_and_an_example() {
    let schema = schema();
    let mut missing = Vec::new();
    // The sections other parts of crtk own describe themselves (their own tests).
    for section in [
        "country",
        "validate",
        "address",
        "source_types",
        "patient_id",
        "identifiers",
        "access",
    ] {
        let node = &schema["properties"][section];
        assert!(node.is_object(), "section {section}");
        for needed in ["description", "examples"] {
            if node.get(needed).is_none() {
                missing.push(format!("{section}: no {needed}"));
            }
        }
        walk(&schema, node, section, &mut missing, 0);
    }
    for key in ["version", "locale", "base"] {
        let node = &schema["properties"]["package"]["properties"][key];
        for needed in ["description", "examples"] {
            if node.get(needed).is_none() {
                missing.push(format!("package.{key}: no {needed}"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
