//! References: every `{"id"}` resolves inside the package or is declared external (E5002), points
//! at an object of the right type (CR201), sharing names package (or external) user groups (CR203); inline
//! children agree with their parents (CR202).

use super::fast::{FastMap, FastSet};
use super::{Ctx, objects, ref_id, ref_ids, str_prop};
use serde_json::{Map, Value};

/// Objects every DHIS2 instance has, which packages reference without shipping: the default
/// category model (same UIDs on every instance; NCD_CR installation guide, DOMAIN.md §4).
pub const DEFAULT_EXTERNAL: &[(&str, &str)] = &[
    ("GLevLNI9wkl", "default category"),
    ("xYerKDKCefk", "default category option"),
    ("bjDvmb4bfuf", "default category combo"),
    ("HllvX50cXC0", "default category option combo"),
];

/// Properties whose references DHIS2 does not resolve against the payload:
/// users (the importing user replaces them; see hygiene CR803), organisation units (instance
/// objects the installation assigns), and analytics dimensions (`columns`, `rows`, `filters`
/// are transient in DHIS2, rebuilt from the persisted dimension properties).
/// (A `match`, not a list: asked for every array and object of the package.)
fn not_resolved(property: &str) -> bool {
    matches!(
        property,
        "user"
            | "createdBy"
            | "lastUpdatedBy"
            | "users"
            | "userAccesses"
            | "userRoles"
            | "organisationUnit"
            | "organisationUnits"
            | "columns"
            | "rows"
            | "filters"
    )
}

/// Arrays and objects written inline (their `id` is their own, not a reference).
fn is_inline(property: &str) -> bool {
    matches!(
        property,
        "programTrackedEntityAttributes"
            | "programStageDataElements"
            | "trackedEntityTypeAttributes"
            | "dataSetElements"
            | "dataInputPeriods"
            | "analyticsPeriodBoundaries"
            | "programStageWorkingListQueryCriteria"
            | "dashboardItems"
            | "mapViews"
            | "legends"
            | "userCredentials"
    )
}

/// Sections not checked for references: user accounts are instance objects (hygiene warns).
const SKIPPED_SECTIONS: &[&str] = &["users"];

/// Program rule action properties validated by the action checks (E4037, E4039, E4041, E4043,
/// E4045, E4046) instead of E5002, so a defect is reported once, with DHIS2's own code.
const ACTION_TARGETS: &[&str] = &[
    "dataElement",
    "trackedEntityAttribute",
    "option",
    "optionGroup",
    "programStage",
    "programStageSection",
];

/// Lists on the non-owning side of a relation: DHIS2's ReferencesCheck checks only owner
/// properties (`p.isPersisted() && p.isOwner()`), so a dangling id here is ignored on import.
const NON_OWNER: &[(&str, &str)] = &[
    ("programs", "programIndicators"),
    ("programs", "programRuleVariables"),
    ("dataElements", "dataElementGroups"),
    ("indicators", "indicatorGroups"),
    ("programIndicators", "programIndicatorGroups"),
    ("userGroups", "managedByGroups"),
];

/// Whether an id found under `property` may be of type `section`.
fn accepts(property: &str, section: &str) -> bool {
    match property {
        // `attribute` is a metadata attribute in attributeValues, a tracked entity attribute in
        // analytics dimensions.
        "attribute" => section == "attributes" || section == "trackedEntityAttributes",
        // The common case without allocating: `optionSet` -> `optionSets`, `options` -> `options`.
        p if section.len() == p.len() + 1 && section.starts_with(p) && section.ends_with('s') => {
            !p.ends_with('s') && !p.ends_with('y')
        }
        p if section == p => p.ends_with('s') && !p.ends_with("ss"),
        p => target_section(p) == section,
    }
}

/// Property -> section where the generic plural rule is wrong.
fn target_section(property: &str) -> String {
    match property {
        "notificationTemplates" => "programNotificationTemplates".into(),
        "relatedProgram" => "programs".into(),
        "recipientUserGroup" => "userGroups".into(),
        "commentOptionSet" => "optionSets".into(),
        "user" | "createdBy" | "lastUpdatedBy" => "users".into(),
        p if p.ends_with("ies") || (p.ends_with('s') && !p.ends_with("ss")) => p.into(),
        p if p.ends_with('y') => format!("{}ies", &p[..p.len() - 1]),
        p => format!("{p}s"),
    }
}

enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

fn format_path(kind: &str, index: usize, path: &[Seg]) -> String {
    let mut s = format!("{kind}[{index}]");
    for seg in path {
        match seg {
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

struct Found<'v> {
    path: String,
    property: &'v str,
    id: &'v str,
    sharing: bool,
    owner: bool,
}

/// The reference checks, fed one object at a time by [`super::object_pass`].
pub(super) struct References<'a> {
    user_groups: FastSet<&'a str>,
    unresolved: Vec<Found<'a>>,
}

impl<'a> References<'a> {
    pub fn start(ctx: &Ctx<'a>) -> Self {
        References {
            user_groups: objects(ctx.package, "userGroups")
                .filter_map(|(_, m)| str_prop(m, "id"))
                .collect(),
            unresolved: Vec::new(),
        }
    }

    /// Checks the references of object `i` of `kind`.
    pub fn object(
        &mut self,
        ctx: &mut Ctx<'a>,
        kind: &'a str,
        i: usize,
        map: &'a Map<String, Value>,
    ) {
        if SKIPPED_SECTIONS.contains(&kind) {
            return;
        }
        let mut path = Vec::new();
        for (key, value) in map {
            if kind == "programRuleActions" && ACTION_TARGETS.contains(&key.as_str()) {
                continue;
            }
            path.push(Seg::Key(key));
            walk(
                ctx,
                kind,
                i,
                value,
                key,
                false,
                &mut path,
                &mut self.unresolved,
            );
            path.pop();
        }
        for found in self.unresolved.drain(..) {
            report(ctx, kind, map, found, &self.user_groups);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn walk<'v>(
    ctx: &Ctx,
    kind: &str,
    index: usize,
    value: &'v Value,
    property: &'v str,
    inline: bool,
    path: &mut Vec<Seg<'v>>,
    out: &mut Vec<Found<'v>>,
) {
    // Scalars hold no reference: the property test is for containers only.
    if !(value.is_object() || value.is_array()) || not_resolved(property) {
        return;
    }
    match value {
        Value::Object(map) => {
            let sharing = property == "userGroups" && path.len() >= 2;
            if !inline && let Some(id) = str_prop(map, "id") {
                let sharing = sharing || property == "userGroupAccesses";
                let ok = match ctx.by_id.get(id) {
                    // Right type, or a type we cannot name from the property.
                    Some(places) => {
                        places.iter().any(|(k, _, _)| accepts(property, k))
                            || super::schema::class_of(&target_section(property)).is_none()
                    }
                    None => ctx.is_external(id),
                };
                if !ok {
                    let top = match path.first() {
                        Some(Seg::Key(k)) => *k,
                        _ => "",
                    };
                    out.push(Found {
                        path: format_path(kind, index, path),
                        property,
                        id,
                        sharing,
                        owner: !NON_OWNER.contains(&(kind, top)),
                    });
                }
                return;
            }
            let uid_keyed = property == "userGroups";
            for (key, child) in map {
                let child_property = if uid_keyed { property } else { key.as_str() };
                path.push(Seg::Key(key));
                walk(ctx, kind, index, child, child_property, false, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            let inline = is_inline(property);
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                walk(ctx, kind, index, item, property, inline, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn report(
    ctx: &mut Ctx,
    kind: &str,
    map: &Map<String, Value>,
    found: Found,
    user_groups: &FastSet<&str>,
) {
    let Found {
        path,
        property,
        id,
        sharing,
        owner,
    } = found;
    if !owner {
        if !ctx.by_id.contains_key(id) {
            ctx.report(
                "CR204",
                kind,
                map,
                path,
                format!(
                    "`{property}` lists `{id}`, which is not in the package; DHIS2 ignores this non-owning list, so the entry is dead: remove it"
                ),
            );
        }
        return;
    }
    if sharing {
        if !user_groups.contains(id) && !ctx.is_external(id) {
            ctx.report(
                "CR203",
                kind,
                map,
                path,
                format!(
                    "shared with user group `{id}`, which is not in the package: add the group or remove the entry"
                ),
            );
        }
        return;
    }
    if path.contains(".dashboardItems[") && !ctx.by_id.contains_key(id) {
        ctx.report(
            "E4061",
            kind,
            map,
            path,
            format!("dashboard item references {property} `{id}`, which is not in the package: add it or remove the item"),
        );
        return;
    }
    let wanted = target_section(property);
    match ctx.by_id.get(id) {
        Some(places) => {
            let actual: Vec<&str> = places.iter().map(|(k, _, _)| *k).collect();
            ctx.report(
                "CR201",
                kind,
                map,
                path,
                format!(
                    "`{property}` must reference one of {wanted}, but `{id}` is one of {}",
                    actual.join(", ")
                ),
            );
        }
        None => ctx.report(
            "E5002",
            kind,
            map,
            path,
            format!(
                "`{property}` references `{id}`, which is neither in the package nor declared external: \
                 add the object, fix the id, or declare it with `--external {id}` / `validate.external` in the config"
            ),
        ),
    }
}

/// CR202: children that name their parent must be listed by it, and the reverse.
pub(super) fn inline_agreement(ctx: &mut Ctx) {
    let package = ctx.package;
    // (child section, property naming the parent, parent section, parent's list of children)
    const PAIRS: &[(&str, &str, &str, &str)] = &[
        ("options", "optionSet", "optionSets", "options"),
        ("programStages", "program", "programs", "programStages"),
        (
            "programStageSections",
            "programStage",
            "programStages",
            "programStageSections",
        ),
        (
            "programRuleActions",
            "programRule",
            "programRules",
            "programRuleActions",
        ),
        (
            "programRuleVariables",
            "program",
            "programs",
            "programRuleVariables",
        ),
    ];
    for (child_kind, parent_prop, parent_kind, list_prop) in PAIRS {
        // Which parents list each child (usually exactly one: no allocation then).
        let mut listed_by: FastMap<&str, (&str, Vec<&str>)> = FastMap::default();
        let mut parents_with_list: FastSet<&str> = FastSet::default();
        for (_, parent) in objects(package, parent_kind) {
            let Some(pid) = str_prop(parent, "id") else {
                continue;
            };
            if parent.contains_key(*list_prop) {
                parents_with_list.insert(pid);
            }
            for cid in ref_ids(parent, list_prop) {
                listed_by
                    .entry(cid)
                    .and_modify(|(_, more)| more.push(pid))
                    .or_insert((pid, Vec::new()));
            }
        }
        for (i, child) in objects(package, child_kind) {
            let Some(cid) = str_prop(child, "id") else {
                continue;
            };
            let named = ref_id(child, parent_prop);
            let listing: Vec<&str> = match listed_by.get(cid) {
                None => Vec::new(),
                Some((first, more)) if more.is_empty() => vec![*first],
                Some((first, more)) => std::iter::once(*first)
                    .chain(more.iter().copied())
                    .collect(),
            };
            if listing.len() > 1 {
                ctx.report(
                    "CR202",
                    child_kind,
                    child,
                    format!("{child_kind}[{i}].{parent_prop}"),
                    format!(
                        "listed by {} {parent_kind} ({}); a child belongs to one parent",
                        listing.len(),
                        listing.join(", ")
                    ),
                );
                continue;
            }
            match (named, listing.first()) {
                (Some(p), Some(l)) if p != *l => ctx.report(
                    "CR202",
                    child_kind,
                    child,
                    format!("{child_kind}[{i}].{parent_prop}"),
                    format!(
                        "names {parent_prop} `{p}` but is listed in `{list_prop}` of `{l}`: make them agree"
                    ),
                ),
                (Some(p), None) if parents_with_list.contains(p) => ctx.report(
                    "CR202",
                    child_kind,
                    child,
                    format!("{child_kind}[{i}].{parent_prop}"),
                    format!(
                        "names {parent_prop} `{p}`, whose `{list_prop}` does not list it: add it there (DHIS2 keeps the parent's list)"
                    ),
                ),
                _ => {}
            }
        }
    }
    // Section members must belong to the stage / program.
    for (i, section) in objects(package, "programStageSections") {
        let Some(stage) = ref_id(section, "programStage").and_then(|s| ctx.get("programStages", s))
        else {
            continue;
        };
        let stage_des: FastSet<&str> = stage_data_elements(stage).collect();
        for (j, de) in ref_ids(section, "dataElements").into_iter().enumerate() {
            if !stage_des.contains(de) {
                ctx.report(
                    "CR202",
                    "programStageSections",
                    section,
                    format!("programStageSections[{i}].dataElements[{j}]"),
                    format!(
                        "data element `{de}` is not a data element of the section's stage: add it to the stage's programStageDataElements or remove it"
                    ),
                );
            }
        }
    }
    for (i, section) in objects(package, "programSections") {
        let Some(program) = ref_id(section, "program").and_then(|p| ctx.get("programs", p)) else {
            continue;
        };
        let attrs: FastSet<&str> = program_attributes(program).collect();
        for (j, tea) in ref_ids(section, "trackedEntityAttributes")
            .into_iter()
            .enumerate()
        {
            if !attrs.contains(tea) {
                ctx.report(
                    "CR202",
                    "programSections",
                    section,
                    format!("programSections[{i}].trackedEntityAttributes[{j}]"),
                    format!(
                        "attribute `{tea}` is not an attribute of the section's program: add it to programTrackedEntityAttributes or remove it"
                    ),
                );
            }
        }
    }
}

/// The data elements of a stage (`programStageDataElements[].dataElement`).
pub(crate) fn stage_data_elements<'v>(
    stage: &'v Map<String, Value>,
) -> impl Iterator<Item = &'v str> + 'v {
    stage
        .get("programStageDataElements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|psde| psde.get("dataElement")?.get("id")?.as_str())
}

/// The attributes of a program (`programTrackedEntityAttributes[].trackedEntityAttribute`).
pub(crate) fn program_attributes<'v>(
    program: &'v Map<String, Value>,
) -> impl Iterator<Item = &'v str> + 'v {
    program
        .get("programTrackedEntityAttributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("trackedEntityAttribute")?.get("id")?.as_str())
}
