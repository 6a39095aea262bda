//! The conflict classes: how importing the package into the target instance would go wrong.
//!
//! DHIS2's metadata import identifies objects by UID: an object whose UID the instance has is an
//! update, any other a create. A create whose name, short name or code another object of its type
//! already holds fails with E5003 (UniquenessCheck; the unique properties per type are
//! [`crate::validate::UNIQUE`]). The classes below each produce findings with a stable code
//! (registry family `target`) and, where config can fix them, the fix (see [`super::remap`]).

use super::index::{TargetIndex, TargetObject, sharing_fingerprint};
use super::remap::{Fixes, fresh_uid, rename_suggestion, singular};
use crate::config::access::AccessConfig;
use crate::package::Package;
use crate::validate::{Finding, ObjectRef, UNIQUE, registry};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Default category objects: (type, the UID DHIS2 ships them with).
pub const DEFAULTS: &[(&str, &str)] = &[
    ("categoryCombos", "bjDvmb4bfuf"),
    ("categories", "GLevLNI9wkl"),
    ("categoryOptions", "xYerKDKCefk"),
    ("categoryOptionCombos", "HllvX50cXC0"),
];

/// The outcome of comparing a package with a target instance.
#[derive(Debug, Clone, Default)]
pub struct TargetCheck {
    /// Conflicts and flagged updates, in a stable order.
    pub findings: Vec<Finding>,
    /// The fixes, as config.
    pub fixes: Fixes,
    /// What the import would create and update, per type.
    pub plan: BTreeMap<String, TypePlan>,
}

impl TargetCheck {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == crate::validate::Severity::Error)
            .count()
    }
}

/// What the import does to one type.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TypePlan {
    /// Objects the target lacks.
    pub create: usize,
    /// Objects the target has (same UID): the import overwrites them.
    pub update: usize,
    /// The updated objects' ids, in package order.
    pub updated: Vec<String>,
    /// Updated objects whose name changes: (id, target's name, package's name).
    pub renamed: Vec<(String, String, String)>,
    /// Updated objects whose sharing changes (public access or user groups).
    pub sharing_changed: usize,
    /// Updated option sets whose option list changes: (id, options added, options removed).
    pub option_lists: Vec<(String, usize, usize)>,
}

/// Compares `package` with the target. `access` is the config's (org units to check).
pub fn check(
    package: &Package,
    access: Option<&AccessConfig>,
    target: &TargetIndex,
) -> TargetCheck {
    let mut out = TargetCheck::default();
    let mut handled: BTreeSet<String> = BTreeSet::new();
    defaults(package, target, &mut out, &mut handled);
    user_groups(package, target, &mut out, &mut handled);
    // Before same_uid: an option whose set is reused from the target is then the same object.
    uniqueness(package, target, &mut out, &handled);
    same_uid(package, target, &mut out);
    if let Some(access) = access {
        org_units(access, target, &mut out);
    }
    out
}

fn finding(
    code: &'static str,
    object: Option<ObjectRef>,
    path: String,
    message: String,
) -> Finding {
    Finding {
        code,
        severity: registry::check(code).severity,
        object,
        path,
        message,
    }
}

fn str_of<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// The package's objects of `kind` with their index.
fn objects<'a>(
    package: &'a Package,
    kind: &str,
) -> impl Iterator<Item = (usize, &'a Map<String, Value>)> {
    package
        .objects(kind)
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_object().map(|m| (i, m)))
}

/// CR1103: the default category objects and the Person type under other UIDs in the target.
fn defaults(
    package: &Package,
    target: &TargetIndex,
    out: &mut TargetCheck,
    handled: &mut BTreeSet<String>,
) {
    // (type, our UID, our object and its index when shipped, the name the target's has)
    type Wanted<'a> = (
        &'a str,
        String,
        Option<(usize, &'a Map<String, Value>)>,
        &'a str,
    );
    let mut wanted: Vec<Wanted> = Vec::new();
    for (kind, uid) in DEFAULTS {
        let shipped = objects(package, kind).find(|(_, o)| str_of(o, "name") == Some("default"));
        let ours = shipped
            .and_then(|(_, o)| str_of(o, "id"))
            .unwrap_or(uid)
            .to_string();
        wanted.push((kind, ours, shipped, "default"));
    }
    if let Some((i, person)) =
        objects(package, "trackedEntityTypes").find(|(_, o)| str_of(o, "name") == Some("Person"))
        && let Some(id) = str_of(person, "id")
    {
        wanted.push((
            "trackedEntityTypes",
            id.to_string(),
            Some((i, person)),
            "Person",
        ));
    }
    for (kind, ours, shipped, name) in wanted {
        let Some(theirs) = target
            .objects(kind)
            .iter()
            .find(|o| o.name.as_deref() == Some(name))
        else {
            continue;
        };
        if theirs.id == ours {
            continue;
        }
        handled.insert(ours.clone());
        let what = if name == "default" {
            format!("the default {}", singular(kind))
        } else {
            format!("the {name} tracked entity type")
        };
        let (object, path) = match shipped {
            Some((i, o)) => (Some(ObjectRef::of(kind, o)), format!("{kind}[{i}]")),
            None => (None, kind.to_string()),
        };
        out.findings.push(finding(
            "CR1103",
            object,
            path,
            format!(
                "{what} is `{}` in the target and `{ours}` in the package: the import would create a second one (and fail on its name, E5003). Fix (or build with --target-remap-defaults): `access: {{uid_remap: {{{ours}: {}}}}}`",
                theirs.id, theirs.id
            ),
        ));
        out.fixes
            .remap(&ours, &theirs.id, format!("{what} (CR1103)"), true);
    }
}

/// CR1104: the package's user groups that the target has by name under another UID.
fn user_groups(
    package: &Package,
    target: &TargetIndex,
    out: &mut TargetCheck,
    handled: &mut BTreeSet<String>,
) {
    let by_name: HashMap<&str, &TargetObject> = target
        .objects("userGroups")
        .iter()
        .rev()
        .filter_map(|g| Some((g.name.as_deref()?, g)))
        .collect();
    for (i, group) in objects(package, "userGroups") {
        let (Some(id), Some(name)) = (str_of(group, "id"), str_of(group, "name")) else {
            continue;
        };
        let Some(theirs) = by_name.get(name) else {
            continue;
        };
        if theirs.id == id {
            continue;
        }
        handled.insert(id.to_string());
        out.findings.push(finding(
            "CR1104",
            Some(ObjectRef::of("userGroups", group)),
            format!("userGroups[{i}]"),
            format!(
                "the target already has the user group `{name}` as `{}`: the import would fail on its name (E5003). Fix: use the existing group: `access: {{user_groups: {{{}: {}}}}}`",
                theirs.id,
                serde_json::to_string(name).expect("a string"),
                theirs.id
            ),
        ));
        out.fixes
            .user_groups
            .insert(name.to_string(), theirs.id.clone());
    }
}

/// CR1101/CR1102 (the UID belongs to another object), the update plan and CR1105/CR1106 (an
/// update that drops options or fields).
fn same_uid(package: &Package, target: &TargetIndex, out: &mut TargetCheck) {
    let ids = package.id_index();
    let taken = |uid: &str| !target.by_id(uid).is_empty() || ids.contains_key(uid);
    for kind in package.kinds() {
        for (i, object) in objects(package, kind) {
            let Some(id) = str_of(object, "id") else {
                continue;
            };
            let plan = out.plan.entry(kind.to_string()).or_default();
            let found = target.by_id(id);
            if found.is_empty() {
                plan.create += 1;
                continue;
            }
            let same_type = found.iter().find(|(k, _)| *k == kind).map(|(_, o)| *o);
            let ours = ObjectRef::of(kind, object);
            let Some(theirs) = same_type else {
                let (other_kind, other) = found[0];
                plan.create += 1;
                let new = fresh_uid(kind, id, taken);
                out.findings.push(finding(
                    "CR1101",
                    Some(ours),
                    format!("{kind}[{i}]"),
                    format!(
                        "its UID is the target's {}: one UID would name two objects of different types. Fix: give ours a new UID: `access: {{uid_remap: {{{id}: {new}}}}}`",
                        other.label(other_kind)
                    ),
                ));
                out.fixes
                    .remap(id, &new, format!("new UID for {kind} {id} (CR1101)"), false);
                continue;
            };
            if let Some(reason) = different_object(kind, object, theirs, &out.fixes) {
                plan.create += 1;
                let new = fresh_uid(kind, id, taken);
                out.findings.push(finding(
                    "CR1102",
                    Some(ours),
                    format!("{kind}[{i}]"),
                    format!(
                        "the target's {} has this UID but is another object ({reason}): the import would overwrite it. Fix: give ours a new UID: `access: {{uid_remap: {{{id}: {new}}}}}`",
                        theirs.label(kind)
                    ),
                ));
                out.fixes
                    .remap(id, &new, format!("new UID for {kind} {id} (CR1102)"), false);
                continue;
            }
            plan.update += 1;
            plan.updated.push(id.to_string());
            let name = str_of(object, "name");
            if let (Some(ours), Some(old)) = (name, theirs.name.as_deref())
                && ours != old
            {
                plan.renamed
                    .push((id.to_string(), old.to_string(), ours.to_string()));
            }
            if !theirs.sharing.is_empty() && theirs.sharing != package_sharing(object) {
                plan.sharing_changed += 1;
            }
            if kind == "optionSets" {
                option_list(i, object, theirs, target, plan, &mut out.findings);
            }
            if kind == "programStages" || kind == "programs" {
                field_list(kind, i, object, theirs, target, &mut out.findings);
            }
        }
    }
}

/// Why the target's object with our UID is another object, if it is: an option of another set,
/// or both name and code different.
fn different_object(
    kind: &str,
    ours: &Map<String, Value>,
    theirs: &TargetObject,
    fixes: &Fixes,
) -> Option<String> {
    if kind == "options"
        && let (Some(a), Some(b)) = (
            ours.get("optionSet")
                .and_then(|s| s.get("id"))
                .and_then(Value::as_str),
            theirs.option_set.as_deref(),
        )
        && a != b
        && fixes.uid_remap.get(a).map(|(to, _)| to.as_str()) != Some(b)
    {
        return Some(format!("an option of option set `{b}`, ours is of `{a}`"));
    }
    let (name, code) = (str_of(ours, "name"), str_of(ours, "code"));
    let code_differs = matches!((code, theirs.code.as_deref()), (Some(a), Some(b)) if a != b);
    let name_differs =
        matches!((name, theirs.name.as_deref()), (Some(a), Some(b)) if concept(a) != concept(b));
    if name_differs && code_differs {
        return Some(format!(
            "name `{}` and code `{}`, ours `{}` and `{}`",
            theirs.name.as_deref().unwrap_or(""),
            theirs.code.as_deref().unwrap_or(""),
            name.unwrap_or(""),
            code.unwrap_or("")
        ));
    }
    None
}

/// A name without case and without a library prefix (`GEN - Date of birth` and `Date of birth`
/// name one concept: shared-library objects keep their UID across packages and get renamed).
fn concept(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    match lower.split_once(" - ") {
        Some((prefix, rest)) if prefix.len() <= 12 && !prefix.contains(' ') => {
            rest.trim().to_string()
        }
        _ => lower,
    }
}

fn package_sharing(object: &Map<String, Value>) -> String {
    let Some(sharing) = object.get("sharing").and_then(Value::as_object) else {
        return String::new();
    };
    let groups = sharing
        .get("userGroups")
        .and_then(Value::as_object)
        .map(|g| {
            g.iter()
                .map(|(k, v)| {
                    let id = v.get("id").and_then(Value::as_str).unwrap_or(k);
                    let access = v.get("access").and_then(Value::as_str).unwrap_or("");
                    (id.to_string(), access.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    sharing_fingerprint(str_of(sharing, "public"), groups)
}

fn ref_ids<'a>(object: &'a Map<String, Value>, key: &str, inner: Option<&str>) -> Vec<&'a str> {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| match inner {
                    Some(inner) => v.get(inner)?.get("id")?.as_str(),
                    None => v.get("id")?.as_str(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// CR1105: an updated option set loses options the target's set has (as `crtk diff`'s
/// `option-removed`: values stored with those codes no longer match an option).
fn option_list(
    i: usize,
    object: &Map<String, Value>,
    theirs: &TargetObject,
    target: &TargetIndex,
    plan: &mut TypePlan,
    findings: &mut Vec<Finding>,
) {
    let ours: BTreeSet<&str> = ref_ids(object, "options", None).into_iter().collect();
    let old: BTreeSet<&str> = theirs.options.iter().map(String::as_str).collect();
    let removed: Vec<&str> = theirs
        .options
        .iter()
        .map(String::as_str)
        .filter(|o| !ours.contains(o))
        .collect();
    let added = ours.iter().filter(|o| !old.contains(*o)).count();
    if removed.is_empty() && added == 0 {
        return;
    }
    plan.option_lists
        .push((theirs.id.clone(), added, removed.len()));
    if removed.is_empty() {
        return;
    }
    let listed: Vec<String> = removed
        .iter()
        .take(10)
        .map(|id| match target.get("options", id) {
            Some(o) => format!(
                "`{}` {}",
                o.code.as_deref().unwrap_or(id),
                o.name
                    .as_deref()
                    .map(|n| format!("\"{n}\""))
                    .unwrap_or_default()
            ),
            None => format!("`{id}`"),
        })
        .collect();
    let more = if removed.len() > 10 {
        format!(" and {} more", removed.len() - 10)
    } else {
        String::new()
    };
    findings.push(finding(
        "CR1105",
        Some(ObjectRef::of("optionSets", object)),
        format!("optionSets[{i}].options"),
        format!(
            "the import replaces the target's option list and drops {} option(s) it has: {}{more}; values already stored with those codes no longer match an option (crtk diff: option-removed). Keep them in the package, or check the instance holds no such values",
            removed.len(),
            listed.join(", ")
        ),
    ));
}

/// CR1106: an updated program stage or program loses data elements or attributes the target's
/// has (as `crtk diff`'s `field-removed`).
fn field_list(
    kind: &str,
    i: usize,
    object: &Map<String, Value>,
    theirs: &TargetObject,
    target: &TargetIndex,
    findings: &mut Vec<Finding>,
) {
    let (key, inner, field_kind) = if kind == "programStages" {
        ("programStageDataElements", "dataElement", "dataElements")
    } else {
        (
            "programTrackedEntityAttributes",
            "trackedEntityAttribute",
            "trackedEntityAttributes",
        )
    };
    let ours: BTreeSet<&str> = ref_ids(object, key, Some(inner)).into_iter().collect();
    let removed: Vec<String> = theirs
        .fields
        .iter()
        .filter(|f| !ours.contains(f.as_str()))
        .map(|f| match target.get(field_kind, f) {
            Some(o) => o.label(field_kind),
            None => format!("{field_kind} {f}"),
        })
        .collect();
    if removed.is_empty() {
        return;
    }
    findings.push(finding(
        "CR1106",
        Some(ObjectRef::of(kind, object)),
        format!("{kind}[{i}].{key}"),
        format!(
            "the import replaces the target's {key} and drops {}: {}; data already captured in them is no longer shown (crtk diff: field-removed). Keep them in the package, or check they hold no data",
            removed.len(),
            removed.join(", ")
        ),
    ));
}

/// E5003: a create (UID not in the target) whose name, short name or code another object of its
/// type holds in the target.
/// The code of the option set that lists option `id`.
fn option_set_code(package: &Package, id: &str) -> Option<String> {
    package.objects("optionSets").iter().find_map(|set| {
        let listed = set
            .get("options")?
            .as_array()?
            .iter()
            .any(|o| o.get("id").and_then(Value::as_str) == Some(id));
        listed.then(|| set.get("code")?.as_str().map(str::to_string))?
    })
}

fn uniqueness(
    package: &Package,
    target: &TargetIndex,
    out: &mut TargetCheck,
    handled: &BTreeSet<String>,
) {
    for (kind, properties) in UNIQUE {
        let theirs = target.objects(kind);
        if theirs.is_empty() || package.objects(kind).is_empty() {
            continue;
        }
        // property -> value -> first target object holding it
        let lookup: Vec<HashMap<&str, &TargetObject>> = properties
            .iter()
            .map(|p| {
                let mut m = HashMap::new();
                for o in theirs {
                    if let Some(v) = o.property(p) {
                        m.entry(v).or_insert(o);
                    }
                }
                m
            })
            .collect();
        for (i, object) in objects(package, kind) {
            let Some(id) = str_of(object, "id") else {
                continue;
            };
            if handled.contains(id) {
                continue;
            }
            // clashing target object -> the properties that clash
            let mut clashes: BTreeMap<&str, (&TargetObject, Vec<&str>)> = BTreeMap::new();
            for (p, map) in properties.iter().zip(&lookup) {
                let Some(value) = str_of(object, p) else {
                    continue;
                };
                if let Some(other) = map.get(value)
                    && other.id != id
                {
                    clashes
                        .entry(other.id.as_str())
                        .or_insert((other, Vec::new()))
                        .1
                        .push(p);
                }
            }
            for (other, props) in clashes.into_values() {
                let values: Vec<String> = props
                    .iter()
                    .map(|p| format!("{p} `{}`", str_of(object, p).unwrap_or("")))
                    .collect();
                let option_set = (*kind == "options")
                    .then(|| option_set_code(package, id))
                    .flatten();
                let rename = rename_suggestion(kind, object, &props, target, option_set.as_deref());
                let rename_text = match &rename {
                    Some(fix) => format!("rename ours: `names: [{}]`", fix.inline()),
                    None => {
                        "renaming cannot help (the code clashes; `names:` keeps codes)".to_string()
                    }
                };
                out.findings.push(finding(
                    "E5003",
                    Some(ObjectRef::of(kind, object)),
                    format!("{kind}[{i}].{}", props[0]),
                    format!(
                        "{} already used by the target's {}: the import fails (E5003). Fix: {rename_text}, or reuse theirs: `access: {{uid_remap: {{{id}: {}}}}}` (the import then updates their object with ours)",
                        values.join(" and "),
                        other.label(kind),
                        other.id
                    ),
                ));
                out.fixes.remap(
                    id,
                    &other.id,
                    format!("reuse the target's {} (E5003)", other.label(kind)),
                    false,
                );
                if let Some(fix) = rename {
                    out.fixes.names.push(fix);
                }
            }
        }
    }
}

/// CR1107: org units the config assigns the program to that the target lacks.
fn org_units(access: &AccessConfig, target: &TargetIndex, out: &mut TargetCheck) {
    let units = target.objects("organisationUnits");
    for (i, unit) in access.org_units.iter().enumerate() {
        if target.get("organisationUnits", unit).is_some() {
            continue;
        }
        let hint = if units.is_empty() {
            "the export holds no organisation units: export them too (Import/Export app: metadata export with organisationUnits, or `GET /api/metadata?organisationUnits=true`)".to_string()
        } else {
            format!(
                "the target has {} organisation units, none with this UID: copy the UID from the Maintenance app",
                units.len()
            )
        };
        out.findings.push(finding(
            "CR1107",
            None,
            format!("access.org_units[{i}]"),
            format!("org unit `{unit}` is not in the target instance: {hint}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn target(objects: &[(&str, TargetObject)]) -> TargetIndex {
        let mut types: BTreeMap<String, Vec<TargetObject>> = BTreeMap::new();
        for (k, o) in objects {
            types.entry(k.to_string()).or_default().push(o.clone());
        }
        TargetIndex::from_types("t".into(), types)
    }

    fn obj(id: &str, name: &str, code: Option<&str>) -> TargetObject {
        TargetObject {
            id: id.into(),
            name: Some(name.into()),
            code: code.map(str::to_string),
            ..TargetObject::default()
        }
    }

    #[test]
    fn same_name_other_uid_is_e5003_with_both_fixes() {
        let package = Package::from_value(json!({
            "optionSets": [{"id": "R3pi3sIwiXG", "name": "CR - Sex", "code": "CR_SEX", "options": []}]
        }))
        .unwrap();
        let t = target(&[("optionSets", obj("TheirSex001", "CR - Sex", Some("SEX")))]);
        let check = check(&package, None, &t);
        assert_eq!(check.findings.len(), 1, "{:?}", check.findings);
        assert_eq!(check.findings[0].code, "E5003");
        assert_eq!(check.fixes.uid_remap["R3pi3sIwiXG"].0, "TheirSex001");
        assert_eq!(check.fixes.names[0].name.as_deref(), Some("CR - Sex (CR)"));
        assert_eq!(check.plan["optionSets"].create, 1);
    }
}
