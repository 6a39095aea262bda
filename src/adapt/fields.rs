//! New fields: data elements placed in a named stage and section after a named field, and person
//! attributes (a program attribute plus a Person type attribute, as the base's own). Options come
//! inline, from a CSV file, or from an option set of the package whose value type matches.
//!
//! UIDs are derived from the country and the field's code (`fields/<code>`), options from the
//! code and the option code, so a rebuild updates the same objects.

use super::AdaptError;
use super::lookup::{
    Locator, by_code_or_name, codes_of, did_you_mean, listing, program, program_attributes, ref_of,
    sections, stage, stage_elements, str_of, taken,
};
use crate::config::fields::{Field, FieldOption};
use crate::config::names::NameTarget;
use crate::config::{CountryConfig, LoadedConfig};
use crate::package::uid::UidGenerator;
use crate::package::{Package, object_id, reference};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// DHIS2 value types a new field may have.
pub const VALUE_TYPES: &[&str] = &[
    "TEXT",
    "LONG_TEXT",
    "LETTER",
    "PHONE_NUMBER",
    "EMAIL",
    "BOOLEAN",
    "TRUE_ONLY",
    "DATE",
    "DATETIME",
    "TIME",
    "NUMBER",
    "UNIT_INTERVAL",
    "PERCENTAGE",
    "INTEGER",
    "INTEGER_POSITIVE",
    "INTEGER_NEGATIVE",
    "INTEGER_ZERO_OR_POSITIVE",
    "AGE",
    "URL",
    "MULTI_TEXT",
];

/// Value types whose values an option set cannot hold.
const NO_OPTIONS: &[&str] = &["BOOLEAN", "TRUE_ONLY", "DATE", "DATETIME", "TIME", "AGE"];

/// Largest options CSV read.
const MAX_CSV_BYTES: u64 = 8 * 1024 * 1024;

pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let fields = &config.config.fields;
    if fields.is_empty() {
        return Ok(());
    }
    let at = Locator::new(config);
    let (program_id, person) = program(package)?;
    let mut uids = UidGenerator::new(&config.config.country.code, taken(package));
    for (i, field) in fields.iter().enumerate() {
        let key = format!("fields[{i}]");
        // The export app maps one field per CanReg5 variable.
        if let Some(var) = &field.canreg5
            && fields[..i].iter().any(|f| f.canreg5.as_ref() == Some(var))
        {
            return Err(at.err(
                &format!("{key}.canreg5"),
                format!("CanReg5 variable `{var}` is already mapped to another field: one field per variable"),
            ));
        }
        add(
            package,
            config,
            &at,
            &mut uids,
            &program_id,
            &person,
            field,
            &key,
        )?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn add(
    package: &mut Package,
    config: &LoadedConfig,
    at: &Locator,
    uids: &mut UidGenerator,
    program_id: &str,
    person: &str,
    field: &Field,
    key: &str,
) -> Result<(), AdaptError> {
    let kind = if field.person {
        "trackedEntityAttributes"
    } else {
        "dataElements"
    };
    if !VALUE_TYPES.contains(&field.value_type.as_str()) {
        return Err(at.err(
            &format!("{key}.value_type"),
            format!(
                "`{}` is not a DHIS2 value type{} ({})",
                field.value_type,
                did_you_mean(&field.value_type, VALUE_TYPES.iter().copied()),
                VALUE_TYPES.join(", ")
            ),
        ));
    }
    let short_name = field
        .short_name
        .clone()
        .unwrap_or_else(|| field.name.clone());
    for (k, v, max) in [
        ("code", field.code.as_str(), 50),
        ("name", field.name.as_str(), 230),
        ("short_name", short_name.as_str(), 50),
    ] {
        if v.trim().is_empty() || v.trim() != v {
            return Err(at.err(
                &format!("{key}.{k}"),
                "is empty or has leading/trailing spaces",
            ));
        }
        if v.chars().count() > max {
            return Err(at.err(
                &format!(
                    "{key}.{}",
                    if field.short_name.is_none() && k == "short_name" {
                        "name"
                    } else {
                        k
                    }
                ),
                format!(
                    "`{v}` is longer than the {max} characters DHIS2 stores for a {k} (E4001){}",
                    if k == "short_name" {
                        ": give a `short_name`"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    // E5003: name, short name and code are unique among data elements (attributes).
    for (k, property, v) in [
        ("code", "code", field.code.as_str()),
        ("name", "name", field.name.as_str()),
        ("short_name", "shortName", short_name.as_str()),
    ] {
        if let Some(other) = package
            .objects(kind)
            .iter()
            .filter_map(Value::as_object)
            .find(|o| str_of(o, property) == Some(v))
        {
            return Err(at.err(
                &format!(
                    "{key}.{}",
                    if field.short_name.is_none() && k == "short_name" {
                        "name"
                    } else {
                        k
                    }
                ),
                format!(
                    "`{v}` is already the {property} of `{}` ({}) (E5003): choose another",
                    str_of(other, "name").unwrap_or(""),
                    object_id(other).unwrap_or("")
                ),
            ));
        }
    }
    let option_set = option_set(package, config, at, uids, field, key)?;
    let uid_key = format!("fields/{}", field.code);
    let id = uids.uid(kind, &uid_key);
    let template = package
        .objects(kind)
        .iter()
        .filter_map(Value::as_object)
        .find(|o| ref_of(o, "optionSet").is_none())
        .cloned()
        .unwrap_or_default();
    let mut object = Map::new();
    object.insert("id".into(), json!(id));
    object.insert("code".into(), json!(field.code));
    object.insert("name".into(), json!(field.name));
    object.insert("shortName".into(), json!(short_name));
    if let Some(f) = &field.form_name {
        object.insert("formName".into(), json!(f));
    }
    if let Some(d) = &field.description {
        object.insert("description".into(), json!(d));
    }
    object.insert("valueType".into(), json!(field.value_type));
    object.insert("aggregationType".into(), json!("NONE"));
    object.insert("attributeValues".into(), json!([]));
    object.insert("translations".into(), json!([]));
    object.insert("legendSets".into(), json!([]));
    for k in ["sharing", "categoryCombo", "domainType"] {
        if let Some(v) = template.get(k) {
            object.insert(k.into(), v.clone());
        }
    }
    if let Some(set) = &option_set {
        object.insert("optionSet".into(), reference(set));
    }
    if field.person {
        for (k, v) in [
            ("unique", false),
            ("confidential", false),
            ("displayInListNoProgram", false),
            ("generated", false),
            ("inherit", false),
            ("orgunitScope", false),
        ] {
            object.insert(k.into(), json!(v));
        }
        object.remove("legendSets");
        object.remove("categoryCombo");
        object.remove("domainType");
    } else {
        object.insert("aggregationLevels".into(), json!([]));
        object.insert("zeroIsSignificant".into(), json!(false));
        object
            .entry("domainType")
            .or_insert_with(|| json!("TRACKER"));
    }
    if field.person {
        place_attribute(package, at, uids, program_id, person, field, key, &id)?;
    } else {
        place_element(package, at, uids, field, key, &id)?;
    }
    package.objects_mut(kind).push(Value::Object(object));
    Ok(())
}

/// The option set of a new field: a new one from inline options or a CSV, or an existing one.
fn option_set(
    package: &mut Package,
    config: &LoadedConfig,
    at: &Locator,
    uids: &mut UidGenerator,
    field: &Field,
    key: &str,
) -> Result<Option<String>, AdaptError> {
    let source = field.option_set.as_ref();
    if !field.options.is_empty() && source.is_some() {
        return Err(at.err(key, "give either `options` or `option_set`, not both"));
    }
    let options: Vec<FieldOption> = match source {
        None if field.options.is_empty() => return Ok(None),
        None => field.options.clone(),
        Some(s) => match (&s.csv, &s.existing) {
            (None, Some(existing)) => {
                let set = package
                    .objects("optionSets")
                    .iter()
                    .filter_map(Value::as_object)
                    .find(|o| {
                        str_of(o, "code") == Some(existing) || str_of(o, "name") == Some(existing)
                    })
                    .ok_or_else(|| {
                        let codes = package
                            .objects("optionSets")
                            .iter()
                            .filter_map(|o| o.get("code").and_then(Value::as_str));
                        at.err(
                            &format!("{key}.option_set.existing"),
                            format!(
                                "the package has no option set `{existing}`{}",
                                did_you_mean(existing, codes)
                            ),
                        )
                    })?;
                let set_type = str_of(set, "valueType").unwrap_or("TEXT");
                if set_type != field.value_type {
                    return Err(at.err(
                        &format!("{key}.option_set.existing"),
                        format!(
                            "option set `{existing}` holds {set_type} values but the field is {}: set `value_type: {set_type}` or use another set",
                            field.value_type
                        ),
                    ));
                }
                return Ok(object_id(set).map(str::to_string));
            }
            (Some(csv), None) => read_csv(config.dir(), &config.resolve(csv), &s.code, &s.name)
                .map_err(|m| at.err(&format!("{key}.option_set.csv"), m))?,
            _ => {
                return Err(at.err(
                    &format!("{key}.option_set"),
                    "needs exactly one of `csv: <file>` or `existing: <option set code>`",
                ));
            }
        },
    };
    let options_key = if source.is_some() {
        format!("{key}.option_set")
    } else {
        format!("{key}.options")
    };
    if NO_OPTIONS.contains(&field.value_type.as_str()) {
        return Err(at.err(
            &options_key,
            format!(
                "a {} field cannot have an option set (its values are not codes): remove the options or change `value_type`",
                field.value_type
            ),
        ));
    }
    let mut codes = BTreeSet::new();
    for (j, o) in options.iter().enumerate() {
        if o.code.trim().is_empty() || o.name.trim().is_empty() {
            return Err(at.err(&format!("{options_key}[{j}]"), "has an empty code or name"));
        }
        if !codes.insert(o.code.as_str()) {
            return Err(at.err(
                &format!("{options_key}[{j}].code"),
                format!("`{}` is used twice in the option set", o.code),
            ));
        }
        if !fits(&field.value_type, &o.code) {
            return Err(at.err(
                &format!("{options_key}[{j}].code"),
                format!(
                    "`{}` is not a {} value: the option set's codes must be values of the field's value type",
                    o.code, field.value_type
                ),
            ));
        }
    }
    for (property, v) in [("code", &field.code), ("name", &field.name)] {
        if package
            .objects("optionSets")
            .iter()
            .filter_map(Value::as_object)
            .any(|s| str_of(s, property) == Some(v))
        {
            return Err(at.err(
                &format!("{key}.{property}"),
                format!("`{v}` is already the {property} of an option set (E5003): the field's option set takes it; choose another"),
            ));
        }
    }
    let set_key = format!("fields/{}", field.code);
    let set_id = uids.uid("optionSets", &set_key);
    let sharing = package
        .objects("optionSets")
        .iter()
        .find_map(|s| s.get("sharing").cloned());
    let mut refs = Vec::new();
    for (j, o) in options.iter().enumerate() {
        let id = uids.uid("options", &format!("{set_key}/{}", o.code));
        let mut option = json!({
            "id": id,
            "code": o.code,
            "name": o.name,
            "optionSet": reference(&set_id),
            "sortOrder": j + 1,
            "attributeValues": [],
            "translations": [],
        });
        if let Some(s) = &sharing {
            option["sharing"] = s.clone();
        }
        package.objects_mut("options").push(option);
        refs.push(reference(&id));
    }
    let mut set = json!({
        "id": set_id,
        "code": field.code,
        "name": field.name,
        "valueType": field.value_type,
        "options": refs,
        "attributeValues": [],
        "translations": [],
        "version": 1,
    });
    if let Some(s) = sharing {
        set["sharing"] = s;
    }
    package.objects_mut("optionSets").push(set);
    Ok(Some(set_id))
}

/// Whether an option code is a value of the value type.
fn fits(value_type: &str, code: &str) -> bool {
    match value_type {
        "NUMBER" | "UNIT_INTERVAL" | "PERCENTAGE" => code.parse::<f64>().is_ok_and(f64::is_finite),
        "INTEGER" => code.parse::<i64>().is_ok(),
        "INTEGER_POSITIVE" => code.parse::<i64>().is_ok_and(|n| n > 0),
        "INTEGER_NEGATIVE" => code.parse::<i64>().is_ok_and(|n| n < 0),
        "INTEGER_ZERO_OR_POSITIVE" => code.parse::<i64>().is_ok_and(|n| n >= 0),
        "LETTER" => code.chars().count() == 1,
        _ => true,
    }
}

/// Options from a CSV file with a header row.
fn read_csv(
    dir: &std::path::Path,
    path: &std::path::Path,
    code: &str,
    name: &str,
) -> Result<Vec<FieldOption>, String> {
    let shown = path.display();
    // Data files live beside the config: a path that leaves its folder is refused.
    let inside = match (dir.canonicalize(), path.canonicalize()) {
        (Ok(d), Ok(p)) => p.starts_with(d),
        (_, Err(e)) => return Err(format!("cannot read {shown}: {e}")),
        _ => false,
    };
    if !inside {
        return Err(format!(
            "{shown} is outside the config's folder: put the options CSV beside the config"
        ));
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file"));
    }
    if meta.len() > MAX_CSV_BYTES {
        return Err(format!(
            "{shown} has {} bytes; an options CSV is at most {MAX_CSV_BYTES}",
            meta.len()
        ));
    }
    let text =
        crate::input::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{shown}: cannot read the header: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let column = |wanted: &str| {
        header.iter().position(|h| h == wanted).ok_or_else(|| {
            format!(
                "{shown} has no column `{wanted}` (columns: {})",
                header.join(", ")
            )
        })
    };
    let (c, n) = (column(code)?, column(name)?);
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{shown}: not valid CSV: {e}"))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let option = FieldOption {
            code: get(c),
            name: get(n),
        };
        if option.code.is_empty() || option.name.is_empty() {
            return Err(format!("{shown}:{line}: empty code or name"));
        }
        out.push(option);
    }
    if out.is_empty() {
        return Err(format!("{shown} has no options"));
    }
    Ok(out)
}

/// Adds the data element to its stage (and section) after the anchor.
fn place_element(
    package: &mut Package,
    at: &Locator,
    uids: &mut UidGenerator,
    field: &Field,
    key: &str,
    id: &str,
) -> Result<(), AdaptError> {
    let Some(stage_name) = &field.stage else {
        return Err(at.err(
            key,
            "name the program stage (`stage: Tumor`) or declare a person attribute (`person: true`)",
        ));
    };
    let stage_obj = stage(package, at.current(NameTarget::ProgramStage, stage_name))
        .map_err(|m| at.err(&format!("{key}.stage"), m))?;
    let stage_id = object_id(stage_obj).unwrap_or("").to_string();
    let elements = stage_elements(stage_obj);
    let stage_sections = sections(package, &stage_id);
    let section_id = match (&field.section, stage_sections.is_empty()) {
        (None, true) => None,
        (None, false) => {
            return Err(at.err(
                key,
                format!(
                    "stage `{stage_name}` has sections: name one with `section:` ({})",
                    listing(stage_sections.iter().filter_map(|s| str_of(s, "name")))
                ),
            ));
        }
        (Some(name), _) => Some(
            stage_sections
                .iter()
                .find(|s| {
                    str_of(s, "name") == Some(at.current(NameTarget::ProgramStageSection, name))
                })
                .and_then(|s| object_id(s))
                .map(str::to_string)
                .ok_or_else(|| {
                    let names: Vec<&str> = stage_sections
                        .iter()
                        .filter_map(|s| str_of(s, "name"))
                        .collect();
                    at.err(
                        &format!("{key}.section"),
                        format!(
                            "stage `{stage_name}` has no section `{name}`{} (sections: {})",
                            did_you_mean(name, names.iter().copied()),
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                listing(names.iter().copied())
                            }
                        ),
                    )
                })?,
        ),
    };
    // The fields the anchor is looked for among: the section's, else the stage's.
    let scope: Vec<String> = match &section_id {
        Some(s) => package
            .get("programStageSections", s)
            .map(|s| {
                super::lookup::ids_of(s, "dataElements")
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        None => elements.clone(),
    };
    let anchor = match &field.after {
        None => scope.last().cloned(),
        Some(after) => Some(
            by_code_or_name(package, "dataElements", after, Some(&scope))
                .and_then(object_id)
                .map(str::to_string)
                .ok_or_else(|| {
                    let codes = codes_of(package, "dataElements", &scope);
                    at.err(
                        &format!("{key}.after"),
                        format!(
                            "`{after}` is not a field of {}{} (fields: {})",
                            match &field.section {
                                Some(s) => format!("section `{s}`"),
                                None => format!("stage `{stage_name}`"),
                            },
                            did_you_mean(after, codes.iter().copied()),
                            listing(codes.iter().copied())
                        ),
                    )
                })?,
        ),
    };
    let psde_id = uids.uid(
        "programStageDataElements",
        &format!("fields/{}", field.code),
    );
    let stage_mut = package
        .get_mut("programStages", &stage_id)
        .expect("found above");
    let list = stage_mut
        .entry("programStageDataElements")
        .or_insert_with(|| json!([]));
    if let Value::Array(list) = list {
        // Renumber in form order with the new field after its anchor; keep the base's start.
        list.sort_by_key(|p| p.get("sortOrder").and_then(Value::as_i64).unwrap_or(0));
        let start = list
            .first()
            .and_then(|p| p.get("sortOrder"))
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let position = anchor
            .as_deref()
            .and_then(|a| {
                list.iter().position(|p| {
                    p.get("dataElement")
                        .and_then(|d| d.get("id"))
                        .and_then(Value::as_str)
                        == Some(a)
                })
            })
            .map(|p| p + 1)
            .unwrap_or(list.len());
        let template = list
            .first()
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut entry = Map::new();
        for k in [
            "sharing",
            "allowProvidedElsewhere",
            "displayInReports",
            "skipAnalytics",
            "skipSynchronization",
        ] {
            if let Some(v) = template.get(k) {
                entry.insert(k.into(), v.clone());
            }
        }
        entry.insert("id".into(), json!(psde_id));
        entry.insert("dataElement".into(), reference(id));
        entry.insert("programStage".into(), reference(&stage_id));
        entry.insert("compulsory".into(), json!(field.mandatory));
        entry.insert("allowFutureDate".into(), json!(false));
        entry.insert("renderOptionsAsRadio".into(), json!(false));
        entry.insert("attributeValues".into(), json!([]));
        entry.insert("translations".into(), json!([]));
        list.insert(position, Value::Object(entry));
        for (n, p) in list.iter_mut().enumerate() {
            p["sortOrder"] = json!(start + n as i64);
        }
    }
    if let Some(section) = section_id {
        let section = package
            .get_mut("programStageSections", &section)
            .expect("found above");
        if let Some(Value::Array(des)) = section.get_mut("dataElements") {
            let position = anchor
                .as_deref()
                .and_then(|a| {
                    des.iter()
                        .position(|d| d.get("id").and_then(Value::as_str) == Some(a))
                })
                .map(|p| p + 1)
                .unwrap_or(des.len());
            des.insert(position, reference(id));
        }
    }
    Ok(())
}

/// Adds the attribute to the Person type and to the program after the anchor.
#[allow(clippy::too_many_arguments)]
fn place_attribute(
    package: &mut Package,
    at: &Locator,
    uids: &mut UidGenerator,
    program_id: &str,
    person: &str,
    field: &Field,
    key: &str,
    id: &str,
) -> Result<(), AdaptError> {
    if field.stage.is_some() || field.section.is_some() {
        return Err(at.err(
            key,
            "a person attribute (`person: true`) has no `stage` or `section`: remove them",
        ));
    }
    let program_obj = package.get("programs", program_id).expect("the program");
    let attributes = program_attributes(program_obj);
    let anchor = match &field.after {
        None => attributes.last().cloned(),
        Some(after) => Some(
            by_code_or_name(package, "trackedEntityAttributes", after, Some(&attributes))
                .and_then(object_id)
                .map(str::to_string)
                .ok_or_else(|| {
                    let codes = codes_of(package, "trackedEntityAttributes", &attributes);
                    at.err(
                        &format!("{key}.after"),
                        format!(
                            "`{after}` is not an attribute of the program{} (attributes: {})",
                            did_you_mean(after, codes.iter().copied()),
                            listing(codes.iter().copied())
                        ),
                    )
                })?,
        ),
    };
    let uid_key = format!("fields/{}", field.code);
    let ptea = uids.uid("programTrackedEntityAttributes", &uid_key);
    let teta = uids.uid("trackedEntityTypeAttributes", &uid_key);
    let program_mut = package
        .get_mut("programs", program_id)
        .expect("the program");
    if let Value::Array(list) = program_mut
        .entry("programTrackedEntityAttributes")
        .or_insert_with(|| json!([]))
    {
        list.sort_by_key(|p| p.get("sortOrder").and_then(Value::as_i64).unwrap_or(0));
        let start = list
            .first()
            .and_then(|p| p.get("sortOrder"))
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let position = anchor
            .as_deref()
            .and_then(|a| {
                list.iter().position(|p| {
                    p.get("trackedEntityAttribute")
                        .and_then(|d| d.get("id"))
                        .and_then(Value::as_str)
                        == Some(a)
                })
            })
            .map(|p| p + 1)
            .unwrap_or(list.len());
        let template = list
            .first()
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut entry = Map::new();
        if let Some(v) = template.get("sharing") {
            entry.insert("sharing".into(), v.clone());
        }
        entry.insert("id".into(), json!(ptea));
        entry.insert("program".into(), reference(program_id));
        entry.insert("trackedEntityAttribute".into(), reference(id));
        entry.insert("valueType".into(), json!(field.value_type));
        entry.insert("mandatory".into(), json!(field.mandatory));
        entry.insert("displayInList".into(), json!(true));
        entry.insert("searchable".into(), json!(false));
        entry.insert("renderOptionsAsRadio".into(), json!(false));
        entry.insert("allowFutureDate".into(), json!(false));
        entry.insert("attributeValues".into(), json!([]));
        entry.insert("translations".into(), json!([]));
        list.insert(position, Value::Object(entry));
        for (n, p) in list.iter_mut().enumerate() {
            p["sortOrder"] = json!(start + n as i64);
        }
    }
    if let Some(tet) = package.get_mut("trackedEntityTypes", person)
        && let Value::Array(list) = tet
            .entry("trackedEntityTypeAttributes")
            .or_insert_with(|| json!([]))
    {
        list.push(json!({
            "id": teta,
            "trackedEntityAttribute": reference(id),
            "trackedEntityType": reference(person),
            "valueType": field.value_type,
            "displayInList": false,
            "mandatory": false,
            "searchable": false,
            "attributeValues": [],
            "translations": [],
        }));
    }
    Ok(())
}

/// One built field the CanReg5 export maps: the variable, where the value lives (the stage's
/// UID, or `None` for a person attribute) and the field's UID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canreg5Field {
    pub variable: String,
    pub stage: Option<String>,
    pub uid: String,
}

/// The CanReg5 variables of the config's new fields, found in the built package by code (for the
/// export app's field mapping). Fields without `canreg5` are left out.
pub fn canreg5_fields(config: &CountryConfig, package: &Package) -> Vec<Canreg5Field> {
    let mut out = Vec::new();
    for field in &config.fields {
        let Some(variable) = &field.canreg5 else {
            continue;
        };
        let kind = if field.person {
            "trackedEntityAttributes"
        } else {
            "dataElements"
        };
        let Some(uid) = package
            .objects(kind)
            .iter()
            .filter_map(Value::as_object)
            .find(|o| str_of(o, "code") == Some(field.code.as_str()))
            .and_then(object_id)
        else {
            continue;
        };
        let stage = if field.person {
            None
        } else {
            package
                .objects("programStages")
                .iter()
                .filter_map(Value::as_object)
                .find(|s| stage_elements(s).iter().any(|d| d == uid))
                .and_then(object_id)
                .map(str::to_string)
        };
        out.push(Canreg5Field {
            variable: variable.clone(),
            stage,
            uid: uid.to_string(),
        });
    }
    out
}
