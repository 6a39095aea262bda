//! Custom program rules written with field codes or names.
//!
//! In `when` (and in action data) `#{X}` / `A{X}` may name a rule variable of the package
//! (`#{CR_AGE}`: the official package names most variables after the field's code), or a field by
//! code or name. A field is read through the package's own variable for it when one exists
//! (current event value for a data element, the attribute for an attribute; the one named after
//! the code first), otherwise through a new variable named after the code. The rewritten
//! condition is then checked with crtk's expression checker (the rule engine's verdict) against
//! the built package's item store.

use super::AdaptError;
use super::lookup::{
    FieldRef, Locator, all_field_codes, any_field, did_you_mean, options_of, program, ref_of,
    stage, str_of, taken,
};
use crate::config::LoadedConfig;
use crate::config::names::NameTarget;
use crate::config::rules::Rule;
use crate::expression::{self, ExpressionKind};
use crate::package::uid::UidGenerator;
use crate::package::{Package, object_id, reference};
use serde_json::{Map, Value, json};

pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let rules = &config.config.rules;
    if rules.is_empty() {
        return Ok(());
    }
    let at = Locator::new(config);
    let (program_id, _) = program(package)?;
    let mut uids = UidGenerator::new(&config.config.country.code, taken(package));
    for (i, rule) in rules.iter().enumerate() {
        add(
            package,
            &at,
            &mut uids,
            &program_id,
            rule,
            &format!("rules[{i}]"),
        )?;
    }
    Ok(())
}

fn add(
    package: &mut Package,
    at: &Locator,
    uids: &mut UidGenerator,
    program_id: &str,
    rule: &Rule,
    key: &str,
) -> Result<(), AdaptError> {
    if rule.name.trim().is_empty() || rule.name.trim() != rule.name {
        return Err(at.err(
            &format!("{key}.name"),
            "is empty or has leading/trailing spaces",
        ));
    }
    if package
        .objects("programRules")
        .iter()
        .filter_map(Value::as_object)
        .any(|r| ref_of(r, "program") == Some(program_id) && str_of(r, "name") == Some(&rule.name))
    {
        return Err(at.err(
            &format!("{key}.name"),
            format!(
                "the program already has a rule named `{}` (E4057): choose another name",
                rule.name
            ),
        ));
    }
    let stage_id = match &rule.stage {
        Some(name) => Some(
            stage(package, at.current(NameTarget::ProgramStage, name))
                .map(|s| object_id(s).unwrap_or("").to_string())
                .map_err(|m| at.err(&format!("{key}.stage"), m))?,
        ),
        None => None,
    };
    let condition = resolve(
        package,
        at,
        uids,
        program_id,
        &rule.when,
        &format!("{key}.when"),
    )?;
    check(
        package,
        at,
        program_id,
        &condition,
        ExpressionKind::Condition,
        &format!("{key}.when"),
    )?;
    let rule_key = format!("rules/{}", rule.name);
    let rule_id = uids.uid("programRules", &rule_key);
    // (type, field, option, content, data, location, yaml key)
    let mut actions: Vec<Map<String, Value>> = Vec::new();
    let mut push = |action_type: &str,
                    field: Option<&FieldRef>,
                    extra: &[(&str, Value)],
                    discriminator: &str,
                    uids: &mut UidGenerator| {
        let id = uids.uid(
            "programRuleActions",
            &format!("{rule_key}/{action_type}/{discriminator}"),
        );
        let mut a = Map::new();
        a.insert("id".into(), json!(id));
        a.insert("programRule".into(), reference(&rule_id));
        a.insert("programRuleActionType".into(), json!(action_type));
        if let Some(f) = field {
            let property = if f.kind == "dataElements" {
                "dataElement"
            } else {
                "trackedEntityAttribute"
            };
            a.insert(property.into(), reference(&f.id));
        }
        for (k, v) in extra {
            a.insert((*k).into(), v.clone());
        }
        a.insert("translations".into(), json!([]));
        actions.push(a);
    };
    let field =
        |package: &Package, name: &str, k: &str| find_field(package, at, program_id, name, k);
    for (action_type, message, yaml) in [
        ("SHOWWARNING", &rule.show_warning, "show_warning"),
        ("SHOWERROR", &rule.show_error, "show_error"),
    ] {
        let Some(m) = message else { continue };
        let target = match &m.on {
            Some(on) => Some(field(package, on, &format!("{key}.{yaml}.on"))?),
            None => None,
        };
        let mut extra = vec![("content", json!(m.message))];
        if let Some(data) = &m.data {
            let k = format!("{key}.{yaml}.data");
            let data = resolve(package, at, uids, program_id, data, &k)?;
            check(package, at, program_id, &data, ExpressionKind::Data, &k)?;
            extra.push(("data", json!(data)));
        }
        push(action_type, target.as_ref(), &extra, "", uids);
    }
    for (action_type, list, yaml) in [
        ("HIDEFIELD", &rule.hide_field, "hide_field"),
        ("SETMANDATORYFIELD", &rule.set_mandatory, "set_mandatory"),
    ] {
        let Some(list) = list else { continue };
        for name in list.items() {
            let f = field(package, name, &format!("{key}.{yaml}"))?;
            let code = f.code.clone();
            push(action_type, Some(&f), &[], &code, uids);
        }
    }
    if let Some(assign) = &rule.assign {
        let f = field(package, &assign.on, &format!("{key}.assign.on"))?;
        let k = format!("{key}.assign.value");
        let data = resolve(package, at, uids, program_id, &assign.value, &k)?;
        check(package, at, program_id, &data, ExpressionKind::Data, &k)?;
        push("ASSIGN", Some(&f), &[("data", json!(data))], "", uids);
    }
    if let Some(hide) = &rule.hide_option {
        let f = field(package, &hide.on, &format!("{key}.hide_option.on"))?;
        let Some(set) = &f.option_set else {
            return Err(at.err(
                &format!("{key}.hide_option.on"),
                format!(
                    "`{}` has no option set: HIDEOPTION needs a field with options (E4058)",
                    hide.on
                ),
            ));
        };
        let options = options_of(package, set);
        for code in hide.option.items() {
            let Some((_, option_id)) = options.iter().find(|(c, _)| c == code) else {
                return Err(at.err(
                    &format!("{key}.hide_option.option"),
                    format!(
                        "`{code}` is not an option code of `{}`{}",
                        hide.on,
                        did_you_mean(code, options.iter().map(|(c, _)| c.as_str()))
                    ),
                ));
            };
            let option_id = option_id.clone();
            push(
                "HIDEOPTION",
                Some(&f),
                &[("option", reference(&option_id))],
                code,
                uids,
            );
        }
    }
    if let Some(text) = &rule.display_text {
        let location = match text.location.as_deref() {
            None | Some("feedback") => "feedback",
            Some("indicators") => "indicators",
            Some(other) => {
                return Err(at.err(
                    &format!("{key}.display_text.location"),
                    format!("`{other}` is not a place for a text: `feedback` or `indicators`"),
                ));
            }
        };
        let mut extra = vec![
            ("content", json!(text.message)),
            ("location", json!(location)),
        ];
        if let Some(data) = &text.data {
            let k = format!("{key}.display_text.data");
            let data = resolve(package, at, uids, program_id, data, &k)?;
            check(package, at, program_id, &data, ExpressionKind::Data, &k)?;
            extra.push(("data", json!(data)));
        }
        push("DISPLAYTEXT", None, &extra, "", uids);
    }
    if actions.is_empty() {
        return Err(at.err(
            key,
            "has no action: add show_warning, show_error, hide_field, set_mandatory, assign, hide_option or display_text",
        ));
    }
    let refs: Vec<Value> = actions
        .iter()
        .map(|a| reference(a["id"].as_str().unwrap_or("")))
        .collect();
    let mut r = Map::new();
    r.insert("id".into(), json!(rule_id));
    r.insert("name".into(), json!(rule.name));
    if let Some(d) = &rule.description {
        r.insert("description".into(), json!(d));
    }
    r.insert("condition".into(), json!(condition));
    r.insert("priority".into(), json!(rule.priority));
    r.insert("program".into(), reference(program_id));
    if let Some(s) = &stage_id {
        r.insert("programStage".into(), reference(s));
    }
    r.insert("programRuleActions".into(), Value::Array(refs));
    r.insert("translations".into(), json!([]));
    package.objects_mut("programRules").push(Value::Object(r));
    package
        .objects_mut("programRuleActions")
        .extend(actions.into_iter().map(Value::Object));
    Ok(())
}

/// A field of the program by code or name, for an action.
fn find_field(
    package: &Package,
    at: &Locator,
    program_id: &str,
    name: &str,
    key: &str,
) -> Result<FieldRef, AdaptError> {
    let program_obj = package.get("programs", program_id).expect("the program");
    any_field(package, program_obj, name).ok_or_else(|| {
        let codes = all_field_codes(package, program_obj);
        at.err(
            key,
            format!(
                "`{name}` is not a field of the program{}",
                did_you_mean(name, codes.iter().copied())
            ),
        )
    })
}

/// Checks an expression as the rule engine validates it, against the package as it now is.
fn check(
    package: &Package,
    at: &Locator,
    program_id: &str,
    expr: &str,
    kind: ExpressionKind,
    key: &str,
) -> Result<(), AdaptError> {
    let store = crate::validate::program_item_store(package, program_id);
    let diagnostics = expression::check(expr, kind, &store);
    if let Some(d) = diagnostics.first() {
        return Err(at.err(
            key,
            format!(
                "`{expr}` is refused by the rule engine: {} (at characters {}-{})",
                d.message, d.span.start, d.span.end
            ),
        ));
    }
    Ok(())
}

/// Rewrites `#{X}` / `A{X}` so that each names a rule variable of the program, creating the
/// variables fields need. String literals are left alone.
fn resolve(
    package: &mut Package,
    at: &Locator,
    uids: &mut UidGenerator,
    program_id: &str,
    expr: &str,
    key: &str,
) -> Result<String, AdaptError> {
    let bytes = expr.as_bytes();
    let mut out = String::with_capacity(expr.len());
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\'' || b == b'"' {
            // Skip a string literal (backslash escapes).
            let quote = b;
            i += 1;
            while i < bytes.len() && bytes[i] != quote {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if (b == b'#' || b == b'A') && bytes.get(i + 1) == Some(&b'{') {
            // `A{` only as a sigil, not inside a name such as `DATA{`.
            let sigil_ok = b == b'#'
                || i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
            if let (true, Some(close)) = (sigil_ok, expr[i + 2..].find('}')) {
                let name = expr[i + 2..i + 2 + close].trim();
                let variable = variable_for(package, at, uids, program_id, name, key)?;
                out.push_str(&expr[last..i]);
                out.push_str(&variable);
                i = i + 2 + close + 1;
                last = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&expr[last.min(expr.len())..]);
    Ok(out)
}

/// `#{var}` or `A{var}` for a name written in an expression.
fn variable_for(
    package: &mut Package,
    at: &Locator,
    uids: &mut UidGenerator,
    program_id: &str,
    name: &str,
    key: &str,
) -> Result<String, AdaptError> {
    let vars: Vec<Map<String, Value>> = package
        .objects("programRuleVariables")
        .iter()
        .filter_map(Value::as_object)
        .filter(|v| ref_of(v, "program") == Some(program_id))
        .cloned()
        .collect();
    let sigil_of = |v: &Map<String, Value>| {
        if v.contains_key("trackedEntityAttribute")
            && str_of(v, "programRuleVariableSourceType") == Some("TEI_ATTRIBUTE")
        {
            "A"
        } else {
            "#"
        }
    };
    if let Some(v) = vars.iter().find(|v| str_of(v, "name") == Some(name)) {
        return Ok(format!("{}{{{name}}}", sigil_of(v)));
    }
    let program_obj = package.get("programs", program_id).expect("the program");
    let Some(field) = any_field(package, program_obj, name) else {
        let mut known: Vec<&str> = vars.iter().filter_map(|v| str_of(v, "name")).collect();
        known.extend(all_field_codes(package, program_obj));
        return Err(at.err(
            key,
            format!(
                "`{name}` is neither a rule variable nor a field of the program{}",
                did_you_mean(name, known.iter().copied())
            ),
        ));
    };
    let (property, source, sigil) = if field.kind == "dataElements" {
        ("dataElement", "DATAELEMENT_CURRENT_EVENT", "#")
    } else {
        ("trackedEntityAttribute", "TEI_ATTRIBUTE", "A")
    };
    let reads = |v: &&Map<String, Value>| {
        ref_of(v, property) == Some(field.id.as_str())
            && str_of(v, "programRuleVariableSourceType") == Some(source)
    };
    let existing = vars
        .iter()
        .filter(reads)
        .find(|v| str_of(v, "name") == Some(field.code.as_str()))
        .or_else(|| vars.iter().find(reads));
    if let Some(v) = existing {
        return Ok(format!("{sigil}{{{}}}", str_of(v, "name").unwrap_or("")));
    }
    // A new variable, named after the field's code (letters, digits and `_`).
    let mut var_name: String = field
        .code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    while vars
        .iter()
        .any(|v| str_of(v, "name") == Some(var_name.as_str()))
    {
        var_name.push_str("_FIELD");
    }
    let id = uids.uid(
        "programRuleVariables",
        &format!("rules/variables/{}", field.code),
    );
    let mut v = Map::new();
    v.insert("id".into(), json!(id));
    v.insert("name".into(), json!(var_name));
    v.insert("program".into(), reference(program_id));
    v.insert("programRuleVariableSourceType".into(), json!(source));
    v.insert(property.into(), reference(&field.id));
    v.insert(
        "useCodeForOptionSet".into(),
        json!(field.option_set.is_some()),
    );
    v.insert("valueType".into(), json!(field.value_type));
    v.insert("translations".into(), json!([]));
    package
        .objects_mut("programRuleVariables")
        .push(Value::Object(v));
    Ok(format!("{sigil}{{{var_name}}}"))
}
