//! Address: compiles the country's areas into cascading dropdowns.
//!
//! - The last level fills the target field (default: the base's Address data element
//!   `xcUBzN5QFXu`): its option set keeps its UID, its placeholder options are replaced.
//! - Each upper level becomes a new field (a copy of the target), with its own option set, placed
//!   before the target in the same program stage and section (or, for an attribute, in the
//!   program's attributes).
//! - One option group per parent holds exactly its children; one program rule per parent,
//!   `d2:hasValue(#{v}) && #{v} == '<code>'`, has one SHOWOPTIONGROUP action on the child field.
//!   Rule variables read option codes (`useCodeForOptionSet: true`).
//! - Each child field is hidden until its parent has a value (one HIDEFIELD rule per level).
//!
//! Every new UID comes from the country's generator keyed by `address/<target>/<code path>`
//! (areas) or `address/<target>/level/<level name>` (fields), so adding one area adds only that
//! area's objects and changes only its parent's group and its level's option set.

use super::AdaptError;
use super::options::take_options;
use crate::config::LoadedConfig;
use crate::config::areas::{self, AreaTree};
use crate::package::uid::UidGenerator;
use crate::package::{Package, object_id, object_name, reference};
use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// Applies the `address:` section, if any.
pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let Some(address) = &config.config.address else {
        return Ok(());
    };
    let tree = areas::load(address, &config.path)?;
    compile(
        package,
        &tree,
        address.target(),
        &config.config.country.code,
    )
    .map_err(|message| AdaptError::Config {
        path: config.path.clone(),
        key: "address.target".into(),
        message,
    })
}

/// Where the target field lives.
enum Field {
    /// A data element in one program stage.
    Element { stage: String },
    /// A tracked entity attribute of the program.
    Attribute,
}

/// Compiles `tree` into `package` on the field `target`, with UIDs in `namespace`.
/// Errors are messages about the base package (the target and where it stands).
// Levels index several parallel lists (fields, sets, level names), hence the index loops.
#[allow(clippy::needless_range_loop)]
pub fn compile(
    package: &mut Package,
    tree: &AreaTree,
    target: &str,
    namespace: &str,
) -> Result<(), String> {
    let (kind, field) = if package.get("dataElements", target).is_some() {
        let stages: Vec<String> = package
            .objects("programStages")
            .iter()
            .filter_map(Value::as_object)
            .filter(|s| {
                s.get("programStageDataElements")
                    .and_then(Value::as_array)
                    .is_some_and(|psdes| {
                        psdes
                            .iter()
                            .any(|p| ref_id(p, "dataElement") == Some(target))
                    })
            })
            .filter_map(|s| object_id(s).map(str::to_string))
            .collect();
        match stages.as_slice() {
            [stage] => (
                "dataElements",
                Field::Element {
                    stage: stage.clone(),
                },
            ),
            [] => {
                return Err(format!(
                    "data element `{target}` is in no program stage of the base package: name a field that is"
                ));
            }
            _ => {
                return Err(format!(
                    "data element `{target}` is in {} program stages ({}): the cascade needs one",
                    stages.len(),
                    stages.join(", ")
                ));
            }
        }
    } else if package.get("trackedEntityAttributes", target).is_some() {
        ("trackedEntityAttributes", Field::Attribute)
    } else {
        return Err(format!(
            "`{target}` is neither a data element nor a tracked entity attribute of the base package"
        ));
    };
    let program = match &field {
        Field::Element { stage } => package
            .get("programStages", stage)
            .and_then(|s| ref_id_map(s, "program"))
            .map(str::to_string),
        Field::Attribute => package
            .objects("programs")
            .iter()
            .filter_map(Value::as_object)
            .find(|p| {
                p.get("programTrackedEntityAttributes")
                    .and_then(Value::as_array)
                    .is_some_and(|a| {
                        a.iter()
                            .any(|x| ref_id(x, "trackedEntityAttribute") == Some(target))
                    })
            })
            .and_then(object_id)
            .map(str::to_string),
    }
    .ok_or_else(|| format!("no program of the base package uses `{target}`"))?;
    let target_object = package.get(kind, target).expect("found above").clone();
    let target_set = ref_id_map(&target_object, "optionSet")
        .ok_or_else(|| {
            format!(
                "`{target}` ({}) has no option set: the last address level needs one",
                object_name(&target_object).unwrap_or("")
            )
        })?
        .to_string();
    let set_object = package
        .get("optionSets", &target_set)
        .ok_or_else(|| {
            format!("option set `{target_set}` of `{target}` is not in the base package")
        })?
        .clone();

    let taken: Vec<String> = package
        .all_objects()
        .map(|(_, id, _)| id.to_string())
        .collect();
    let mut uids = UidGenerator::new(namespace, taken);
    let prefix = format!("address/{target}");
    let levels = tree.levels.len();
    let last = levels - 1;

    // Fields and option sets per level.
    let mut fields = Vec::with_capacity(levels);
    let mut sets = Vec::with_capacity(levels);
    for (l, name) in tree.levels.iter().enumerate() {
        if l == last {
            fields.push(target.to_string());
            sets.push(target_set.clone());
        } else {
            fields.push(uids.uid(kind, &format!("{prefix}/level/{name}")));
            sets.push(uids.uid("optionSets", &format!("{prefix}/level/{name}")));
        }
    }

    // Options: drop the target set's old ones, then one per area.
    // What every area option shares with the set's old options (sharing, attribute values).
    let mut template = take_options(package, &target_set);
    for k in [
        "code",
        "name",
        "id",
        "optionSet",
        "sortOrder",
        "translations",
        "description",
        "shortName",
        "formName",
    ] {
        template.remove(k);
    }
    let sharing = set_object.get("sharing").cloned();
    let mut option_ids = Vec::with_capacity(tree.areas.len());
    let mut per_level: Vec<Vec<Value>> = vec![Vec::new(); levels];
    let mut new_options = Vec::with_capacity(tree.areas.len());
    let paths = tree.code_paths();
    for (i, area) in tree.areas.iter().enumerate() {
        let id = uids.uid("options", &format!("{prefix}/{}", paths[i]));
        let mut option = template.clone();
        option.insert("id".into(), Value::String(id.clone()));
        option.insert("code".into(), Value::String(area.code.clone()));
        option.insert("name".into(), Value::String(area.name.clone()));
        option.insert("optionSet".into(), reference(&sets[area.level]));
        option.insert("sortOrder".into(), json!(per_level[area.level].len() + 1));
        option.insert("translations".into(), json!([]));
        option.entry("attributeValues").or_insert_with(|| json!([]));
        if let (Some(s), false) = (&sharing, option.contains_key("sharing")) {
            option.insert("sharing".into(), s.clone());
        }
        per_level[area.level].push(reference(&id));
        new_options.push(Value::Object(option));
        option_ids.push(id);
    }
    package.objects_mut("options").extend(new_options);

    // Option sets: the target's keeps its UID; upper levels get copies.
    let set_name = object_name(&set_object).unwrap_or("Address").to_string();
    let mut per_level = per_level.into_iter();
    for l in 0..levels {
        let options = Value::Array(per_level.next().expect("one list per level"));
        if l == last {
            let set = package
                .get_mut("optionSets", &target_set)
                .expect("found above");
            set.insert("options".into(), options);
        } else {
            let mut set = set_object.clone();
            for k in ["code", "translations", "description"] {
                set.remove(k);
            }
            set.insert("id".into(), Value::String(sets[l].clone()));
            set.insert(
                "name".into(),
                Value::String(format!("{set_name} - {}", tree.levels[l])),
            );
            set.insert("options".into(), options);
            set.insert("translations".into(), json!([]));
            package.objects_mut("optionSets").push(Value::Object(set));
        }
    }

    // Upper-level fields: copies of the target, placed before it.
    let target_name = object_name(&target_object).unwrap_or("Address").to_string();
    let existing_names: HashSet<String> = package
        .objects(kind)
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|o| {
            ["name", "shortName"]
                .into_iter()
                .filter_map(|k| o.get(k).and_then(Value::as_str))
                .map(str::to_string)
        })
        .collect();
    for l in 0..last {
        let mut object = target_object.clone();
        for k in [
            "code",
            "translations",
            "description",
            "pattern",
            "generated",
            "unique",
        ] {
            object.remove(k);
        }
        let name = format!("{target_name} - {}", tree.levels[l]);
        let short = truncate(&name, 50);
        for n in [&name, &short] {
            if existing_names.contains(n) {
                return Err(format!(
                    "the base package already has a field named `{n}`: rename the address level `{}`",
                    tree.levels[l]
                ));
            }
        }
        object.insert("id".into(), Value::String(fields[l].clone()));
        object.insert("name".into(), Value::String(name));
        object.insert("shortName".into(), Value::String(short));
        object.insert("formName".into(), Value::String(tree.levels[l].clone()));
        object.insert("optionSet".into(), reference(&sets[l]));
        object.insert("translations".into(), json!([]));
        if kind == "trackedEntityAttributes" {
            object.insert("unique".into(), json!(false));
            object.insert("generated".into(), json!(false));
        }
        package.objects_mut(kind).push(Value::Object(object));
    }
    if levels > 1 {
        let object = package.get_mut(kind, target).expect("found above");
        object.insert("formName".into(), Value::String(tree.levels[last].clone()));
    }
    place_fields(
        package,
        &field,
        &program,
        target,
        &fields[..last],
        &mut uids,
        &prefix,
        &tree.levels,
    );

    // Rule variables for the upper levels.
    let (source_type, ref_key, sigil) = match field {
        Field::Element { .. } => ("DATAELEMENT_CURRENT_EVENT", "dataElement", "#"),
        Field::Attribute => ("TEI_ATTRIBUTE", "trackedEntityAttribute", "A"),
    };
    let stage = match &field {
        Field::Element { stage } => Some(stage.clone()),
        Field::Attribute => None,
    };
    let in_program = |o: &&Map<String, Value>| ref_id_map(o, "program") == Some(program.as_str());
    let taken_vars: HashSet<String> = package
        .objects("programRuleVariables")
        .iter()
        .filter_map(Value::as_object)
        .filter(in_program)
        .filter_map(object_name)
        .map(str::to_string)
        .collect();
    let taken_rules: HashSet<String> = package
        .objects("programRules")
        .iter()
        .filter_map(Value::as_object)
        .filter(in_program)
        .filter_map(object_name)
        .map(str::to_string)
        .collect();
    let mut variables = Vec::with_capacity(last);
    for l in 0..last {
        let name = variable_name(&tree.levels[l], l);
        if taken_vars.contains(&name)
            || variables.iter().any(|(n, _): &(String, String)| *n == name)
        {
            return Err(format!(
                "the program already has a rule variable `{name}`: rename the address level `{}`",
                tree.levels[l]
            ));
        }
        let id = uids.uid(
            "programRuleVariables",
            &format!("{prefix}/level/{}", tree.levels[l]),
        );
        package.objects_mut("programRuleVariables").push(json!({
            "id": id,
            "name": name,
            "program": reference(&program),
            "programRuleVariableSourceType": source_type,
            ref_key: reference(&fields[l]),
            "useCodeForOptionSet": true,
            "valueType": "TEXT",
        }));
        variables.push((name, id));
    }

    let mut rules = Vec::new();
    let mut actions = Vec::new();
    let mut groups = Vec::new();
    let mut new_rule = |id: String,
                        name: String,
                        description: String,
                        condition: String,
                        action: Value,
                        rules: &mut Vec<Value>|
     -> Result<(), String> {
        if taken_rules.contains(&name) {
            return Err(format!("the program already has a rule named `{name}`"));
        }
        let action_id = action["id"].as_str().expect("actions have ids").to_string();
        let mut rule = json!({
            "id": id,
            "name": name,
            "description": description,
            "condition": condition,
            "program": reference(&program),
            "programRuleActions": [reference(&action_id)],
        });
        if let Some(s) = &stage {
            rule["programStage"] = reference(s);
        }
        rules.push(rule);
        actions.push(action);
        Ok(())
    };
    // Hide each child field until its parent has a value.
    for l in 1..levels {
        let key = format!("{prefix}/hide/{}", tree.levels[l]);
        let rule_id = uids.uid("programRules", &key);
        let action_id = uids.uid("programRuleActions", &key);
        let var = &variables[l - 1].0;
        new_rule(
            rule_id.clone(),
            format!(
                "Address: hide {} until a {} is chosen",
                tree.levels[l],
                tree.levels[l - 1]
            ),
            format!(
                "Hides the {} field while the {} field is empty.",
                tree.levels[l],
                tree.levels[l - 1]
            ),
            format!("!d2:hasValue({sigil}{{{var}}})"),
            json!({
                "id": action_id,
                "programRule": reference(&rule_id),
                "programRuleActionType": "HIDEFIELD",
                ref_key: reference(&fields[l]),
            }),
            &mut rules,
        )?;
    }
    // One group and one rule per parent.
    for (i, area) in tree.areas.iter().enumerate() {
        if area.level == last {
            continue;
        }
        let child_level = &tree.levels[area.level + 1];
        let key = format!("{prefix}/{}", paths[i]);
        let group_id = uids.uid("optionGroups", &key);
        let rule_id = uids.uid("programRules", &key);
        let action_id = uids.uid("programRuleActions", &key);
        let mut group = Map::new();
        group.insert("id".into(), Value::String(group_id.clone()));
        group.insert(
            "name".into(),
            Value::String(truncate(
                &format!(
                    "{set_name} - {child_level} of {} {} ({})",
                    tree.levels[area.level], area.code, area.name
                ),
                230,
            )),
        );
        group.insert(
            "shortName".into(),
            Value::String(group_short_name(&area.code, child_level)),
        );
        group.insert("optionSet".into(), reference(&sets[area.level + 1]));
        group.insert(
            "options".into(),
            Value::Array(
                area.children
                    .iter()
                    .map(|&c| reference(&option_ids[c]))
                    .collect(),
            ),
        );
        group.insert("attributeValues".into(), json!([]));
        group.insert("translations".into(), json!([]));
        if let Some(s) = &sharing {
            group.insert("sharing".into(), s.clone());
        }
        groups.push(Value::Object(group));
        let var = &variables[area.level].0;
        new_rule(
            rule_id.clone(),
            format!(
                "Address: {child_level} of {} {}",
                tree.levels[area.level], area.code
            ),
            truncate(
                &format!(
                    "Shows only the {child_level} options of {} ({}).",
                    area.name, area.code
                ),
                1000,
            ),
            format!(
                "d2:hasValue({sigil}{{{var}}}) && {sigil}{{{var}}} == '{}'",
                area.code
            ),
            json!({
                "id": action_id,
                "programRule": reference(&rule_id),
                "programRuleActionType": "SHOWOPTIONGROUP",
                ref_key: reference(&fields[area.level + 1]),
                "optionGroup": reference(&group_id),
            }),
            &mut rules,
        )?;
    }
    package.objects_mut("optionGroups").extend(groups);
    package.objects_mut("programRules").extend(rules);
    package.objects_mut("programRuleActions").extend(actions);
    Ok(())
}

/// Inserts the upper-level fields before the target: in the stage's data elements and section,
/// or in the program's attributes and program sections.
#[allow(clippy::too_many_arguments)]
fn place_fields(
    package: &mut Package,
    field: &Field,
    program: &str,
    target: &str,
    new_fields: &[String],
    uids: &mut UidGenerator,
    prefix: &str,
    levels: &[String],
) {
    if new_fields.is_empty() {
        return;
    }
    let (owner_kind, owner_id, list_key, ref_key, entry_kind, section_kind, section_list) =
        match field {
            Field::Element { stage } => (
                "programStages",
                stage.as_str(),
                "programStageDataElements",
                "dataElement",
                "programStageDataElements",
                "programStageSections",
                "dataElements",
            ),
            Field::Attribute => (
                "programs",
                program,
                "programTrackedEntityAttributes",
                "trackedEntityAttribute",
                "programTrackedEntityAttributes",
                "programSections",
                "trackedEntityAttributes",
            ),
        };
    let entry_ids: Vec<String> = levels
        .iter()
        .take(new_fields.len())
        .map(|l| uids.uid(entry_kind, &format!("{prefix}/level/{l}")))
        .collect();
    let owner = package
        .get_mut(owner_kind, owner_id)
        .expect("found by the caller");
    if let Some(Value::Array(list)) = owner.get_mut(list_key) {
        list.sort_by_key(|e| {
            e.get("sortOrder")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX)
        });
        let at = list
            .iter()
            .position(|e| ref_id(e, ref_key) == Some(target))
            .expect("the target is in the list");
        let template = list[at].clone();
        for (n, (field_id, entry_id)) in new_fields.iter().zip(&entry_ids).enumerate() {
            let mut entry = template.clone();
            entry["id"] = Value::String(entry_id.clone());
            entry[ref_key] = reference(field_id);
            list.insert(at + n, entry);
        }
        for (i, e) in list.iter_mut().enumerate() {
            if e.get("sortOrder").is_some() {
                e["sortOrder"] = json!(i + 1);
            }
        }
    }
    for section in package.objects_mut(section_kind).iter_mut() {
        let Some(Value::Array(list)) = section.get_mut(section_list) else {
            continue;
        };
        if let Some(at) = list
            .iter()
            .position(|e| e.get("id").and_then(Value::as_str) == Some(target))
        {
            for (n, f) in new_fields.iter().enumerate() {
                list.insert(at + n, reference(f));
            }
        }
    }
}

/// A rule variable name from a level name: `address_` + lower-case letters, digits and `_`.
fn variable_name(level: &str, index: usize) -> String {
    let slug: String = level
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let slug = slug.trim_matches('_').to_string();
    if slug.is_empty() {
        format!("address_level_{}", index + 1)
    } else {
        format!("address_{slug}")
    }
}

/// `<code> <level>`, at most 50 characters, keeping the whole code (codes are unique).
fn group_short_name(code: &str, level: &str) -> String {
    let room = 50usize.saturating_sub(code.chars().count() + 1);
    format!("{code} {}", truncate(level, room))
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max).collect()
    }
}

fn ref_id<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key)?.get("id")?.as_str()
}

fn ref_id_map<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key)?.get("id")?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(variable_name("Province", 0), "address_province");
        assert_eq!(variable_name("Sub-county", 1), "address_sub_county");
        assert_eq!(variable_name("Région", 1), "address_r_gion");
        assert_eq!(variable_name("---", 2), "address_level_3");
        assert!(group_short_name("101", &"x".repeat(80)).chars().count() <= 50);
    }
}
