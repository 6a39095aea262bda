//! Identifiers: extra person attributes (a national ID, ...), added to the Person type and to the
//! program. An optional pattern is enforced at data entry by a generated program rule:
//! `d2:hasValue(A{v}) && !d2:validatePattern(A{v}, '<pattern>')` with a SHOWERROR action.

use super::AdaptError;
use crate::config::LoadedConfig;
use crate::config::identifiers::Identifier;
use crate::package::uid::UidGenerator;
use crate::package::{Package, object_id, reference};
use serde_json::{Map, Value, json};

pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let identifiers = &config.config.identifiers;
    if identifiers.is_empty() {
        return Ok(());
    }
    let base = |message: String| AdaptError::Base { message };
    let programs: Vec<(String, String)> = package
        .objects("programs")
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|p| {
            let tet = p.get("trackedEntityType")?.get("id")?.as_str()?;
            Some((object_id(p)?.to_string(), tet.to_string()))
        })
        .collect();
    let [(program, person)] = programs.as_slice() else {
        return Err(base(format!(
            "has {} tracker programs: identifiers are added to exactly one",
            programs.len()
        )));
    };
    let (program, person) = (program.clone(), person.clone());
    let sharing = package
        .objects("trackedEntityAttributes")
        .iter()
        .find_map(|a| a.get("sharing").cloned());
    let taken: Vec<String> = package
        .all_objects()
        .map(|(_, id, _)| id.to_string())
        .collect();
    let mut uids = UidGenerator::new(&config.config.country.code, taken);
    for (i, identifier) in identifiers.iter().enumerate() {
        let key = format!("identifiers/{}", identifier.code);
        let clash = package
            .objects("trackedEntityAttributes")
            .iter()
            .filter_map(Value::as_object)
            .find(|a| {
                a.get("name").and_then(Value::as_str) == Some(identifier.name.as_str())
                    || a.get("code").and_then(Value::as_str) == Some(identifier.code.as_str())
            });
        if let Some(a) = clash {
            return Err(AdaptError::Config {
                path: config.path.clone(),
                key: format!("identifiers[{i}]"),
                message: format!(
                    "the package already has an attribute named `{}` (`{}`): choose another name and code",
                    identifier.name,
                    object_id(a).unwrap_or("")
                ),
            });
        }
        let id = uids.uid("trackedEntityAttributes", &key);
        package
            .objects_mut("trackedEntityAttributes")
            .push(attribute(&id, identifier, sharing.clone()));
        let tet_entry = uids.uid("trackedEntityTypeAttributes", &key);
        if let Some(tet) = package.get_mut("trackedEntityTypes", &person) {
            let list = tet
                .entry("trackedEntityTypeAttributes")
                .or_insert_with(|| json!([]));
            if let Value::Array(list) = list {
                list.push(json!({
                    "id": tet_entry,
                    "displayInList": true,
                    "mandatory": false,
                    "searchable": identifier.searchable,
                    "trackedEntityAttribute": reference(&id),
                    "valueType": identifier.value_type,
                }));
            }
        }
        let ptea = uids.uid("programTrackedEntityAttributes", &key);
        let program_object = package.get_mut("programs", &program).expect("found above");
        let list = program_object
            .entry("programTrackedEntityAttributes")
            .or_insert_with(|| json!([]));
        if let Value::Array(list) = list {
            let sort_order = list
                .iter()
                .filter_map(|e| e.get("sortOrder").and_then(Value::as_i64))
                .max()
                .unwrap_or(0)
                + 1;
            list.push(json!({
                "id": ptea,
                "allowFutureDate": false,
                "displayInList": true,
                "mandatory": identifier.mandatory,
                "renderOptionsAsRadio": false,
                "searchable": identifier.searchable,
                "sortOrder": sort_order,
                "trackedEntityAttribute": reference(&id),
                "valueType": identifier.value_type,
            }));
        }
        if let Some(pattern) = &identifier.pattern {
            let var_name = format!(
                "identifier_{}",
                identifier
                    .code
                    .to_ascii_lowercase()
                    .replace(['-', '.'], "_")
            );
            let var_id = uids.uid("programRuleVariables", &key);
            let rule_id = uids.uid("programRules", &key);
            let action_id = uids.uid("programRuleActions", &key);
            package.objects_mut("programRuleVariables").push(json!({
                "id": var_id,
                "name": var_name,
                "program": reference(&program),
                "programRuleVariableSourceType": "TEI_ATTRIBUTE",
                "trackedEntityAttribute": reference(&id),
                "useCodeForOptionSet": false,
                "valueType": identifier.value_type,
            }));
            package.objects_mut("programRules").push(json!({
                "id": rule_id,
                "name": format!("{}: check the format", identifier.name),
                "description": format!("Shows an error when {} does not match {pattern}.", identifier.name),
                "condition": pattern_condition(&var_name, pattern),
                "program": reference(&program),
                "programRuleActions": [reference(&action_id)],
            }));
            let content = identifier
                .pattern_message
                .clone()
                .unwrap_or_else(|| format!("{} must match the pattern {pattern}", identifier.name));
            package.objects_mut("programRuleActions").push(json!({
                "id": action_id,
                "programRule": reference(&rule_id),
                "programRuleActionType": "SHOWERROR",
                "trackedEntityAttribute": reference(&id),
                "content": content,
            }));
        }
    }
    Ok(())
}

/// The rule condition; the pattern becomes a single-quoted expression string (`\` and `'`
/// escaped, as the DHIS2 expression language reads them).
pub fn pattern_condition(var_name: &str, pattern: &str) -> String {
    let literal = pattern.replace('\\', "\\\\").replace('\'', "\\'");
    format!("d2:hasValue(A{{{var_name}}}) && !d2:validatePattern(A{{{var_name}}}, '{literal}')")
}

fn attribute(id: &str, identifier: &Identifier, sharing: Option<Value>) -> Value {
    let mut a = Map::new();
    a.insert("id".into(), json!(id));
    a.insert("name".into(), json!(identifier.name));
    a.insert(
        "shortName".into(),
        json!(
            identifier.short_name.clone().unwrap_or_else(|| identifier
                .name
                .chars()
                .take(50)
                .collect())
        ),
    );
    a.insert("code".into(), json!(identifier.code));
    a.insert("valueType".into(), json!(identifier.value_type));
    a.insert("aggregationType".into(), json!("NONE"));
    a.insert("unique".into(), json!(identifier.unique));
    a.insert("confidential".into(), json!(false));
    a.insert("displayInListNoProgram".into(), json!(true));
    a.insert("generated".into(), json!(false));
    a.insert("inherit".into(), json!(false));
    a.insert("orgunitScope".into(), json!(false));
    a.insert("attributeValues".into(), json!([]));
    a.insert("translations".into(), json!([]));
    if let Some(s) = sharing {
        a.insert("sharing".into(), s);
    }
    Value::Object(a)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pattern_literal_is_escaped() {
        assert_eq!(
            super::pattern_condition("identifier_nid", r"^\d{16}$"),
            r"d2:hasValue(A{identifier_nid}) && !d2:validatePattern(A{identifier_nid}, '^\\d{16}$')"
        );
        assert!(super::pattern_condition("v", "a'b").contains(r"'a\'b'"));
    }
}
