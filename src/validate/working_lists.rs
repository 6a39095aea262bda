//! Working lists: what DHIS2's `ProgramStageWorkingListObjectBundleHook` refuses on import
//! (E4062 absolute date period without dates, E4063 PROVIDED assigned-user mode without users,
//! E4064 org unit mode that needs an org unit, E4065/E4066 data filter without or with an unknown
//! data element, E4067/E4068 attribute filter without or with an unknown attribute), and what
//! imports but shows a broken list in Capture (CR1201-CR1203).

use super::{Ctx, objects, ref_id, str_prop};
use serde_json::{Map, Value};

type Object = Map<String, Value>;

const STAGE_DATES: &[(&str, &str)] = &[
    ("enrolledAt", "EnrollmentCreatedDate"),
    ("enrollmentOccurredAt", "EnrollmentIncidentDate"),
    ("eventCreatedAt", "EventCreatedDate"),
    ("eventOccurredAt", "EventOccurredDate"),
    ("eventScheduledAt", "EventScheduledDate"),
];

const ENTITY_DATES: &[&str] = &[
    "enrollmentCreatedDate",
    "enrollmentIncidentDate",
    "eventDate",
    "lastUpdatedDate",
];

pub(super) fn run(ctx: &mut Ctx) {
    let package = ctx.package;
    for (i, list) in objects(package, "programStageWorkingLists") {
        let at = format!("programStageWorkingLists[{i}].programStageQueryCriteria");
        let empty = Map::new();
        let criteria = list
            .get("programStageQueryCriteria")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (key, item) in STAGE_DATES {
            date(
                ctx,
                "programStageWorkingLists",
                list,
                criteria.get(*key),
                &format!("{at}.{key}"),
                item,
            );
        }
        assigned(ctx, "programStageWorkingLists", list, criteria, &at);
        if criteria
            .get("orgUnit")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
            && let Some(mode @ ("SELECTED" | "DESCENDANTS" | "CHILDREN")) =
                str_prop(criteria, "ouMode")
        {
            ctx.report(
                "E4064",
                "programStageWorkingLists",
                list,
                format!("{at}.ouMode"),
                format!(
                    "org unit mode {mode} needs an `orgUnit`: name it or use ACCESSIBLE/CAPTURE/ALL"
                ),
            );
        }
        let stage_elements: Vec<&str> = ref_id(list, "programStage")
            .and_then(|s| ctx.get("programStages", s))
            .map(|s| elements_of(s))
            .unwrap_or_default();
        for (j, filter) in array(criteria, "dataFilters") {
            let path = format!("{at}.dataFilters[{j}]");
            let item = str_prop(filter, "dataItem").unwrap_or("");
            if item.is_empty() {
                ctx.report(
                    "E4065",
                    "programStageWorkingLists",
                    list,
                    path.clone(),
                    "data filter without `dataItem`: name the data element it filters".into(),
                );
            } else if let Some(de) = ctx.get("dataElements", item) {
                if !stage_elements.contains(&item) {
                    ctx.report(
                        "CR1201",
                        "programStageWorkingLists",
                        list,
                        format!("{path}.dataItem"),
                        format!("data element `{item}` is not in the list's program stage: the filter matches no event"),
                    );
                }
                option_values(ctx, "programStageWorkingLists", list, de, filter, &path);
            } else if !ctx.is_external(item) {
                ctx.report(
                    "E4066",
                    "programStageWorkingLists",
                    list,
                    format!("{path}.dataItem"),
                    format!("data filter on `{item}`, which is not a data element"),
                );
            }
            date(
                ctx,
                "programStageWorkingLists",
                list,
                filter.get("dateFilter"),
                &format!("{path}.dateFilter"),
                item,
            );
        }
        attribute_filters(ctx, "programStageWorkingLists", list, criteria, &at, true);
        columns(
            ctx,
            "programStageWorkingLists",
            list,
            criteria,
            &at,
            &stage_elements,
        );
    }
    for (i, list) in objects(package, "trackedEntityInstanceFilters") {
        let at = format!("trackedEntityInstanceFilters[{i}].entityQueryCriteria");
        let Some(criteria) = list.get("entityQueryCriteria").and_then(Value::as_object) else {
            continue;
        };
        for key in ENTITY_DATES {
            date(
                ctx,
                "trackedEntityInstanceFilters",
                list,
                criteria.get(*key),
                &format!("{at}.{key}"),
                key,
            );
        }
        assigned(ctx, "trackedEntityInstanceFilters", list, criteria, &at);
        attribute_filters(
            ctx,
            "trackedEntityInstanceFilters",
            list,
            criteria,
            &at,
            false,
        );
        columns(
            ctx,
            "trackedEntityInstanceFilters",
            list,
            criteria,
            &at,
            &[],
        );
    }
}

fn array<'a>(o: &'a Object, key: &str) -> Vec<(usize, &'a Object)> {
    o.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| v.as_object().map(|m| (i, m)))
        .collect()
}

fn elements_of(stage: &Object) -> Vec<&str> {
    array(stage, "programStageDataElements")
        .into_iter()
        .filter_map(|(_, p)| ref_id(p, "dataElement"))
        .collect()
}

/// E4062: an ABSOLUTE period with neither start nor end date.
fn date(ctx: &mut Ctx, kind: &str, list: &Object, period: Option<&Value>, path: &str, item: &str) {
    let Some(period) = period.and_then(Value::as_object) else {
        return;
    };
    if str_prop(period, "type") == Some("ABSOLUTE")
        && period.get("startDate").is_none_or(Value::is_null)
        && period.get("endDate").is_none_or(Value::is_null)
    {
        ctx.report(
            "E4062",
            kind,
            list,
            path.to_string(),
            format!("absolute date period of `{item}` has neither `startDate` nor `endDate`: give one, or make it RELATIVE"),
        );
    }
}

/// E4063: PROVIDED without users.
fn assigned(ctx: &mut Ctx, kind: &str, list: &Object, criteria: &Object, at: &str) {
    let users = criteria
        .get("assignedUsers")
        .and_then(Value::as_array)
        .is_some_and(|u| !u.is_empty());
    if str_prop(criteria, "assignedUserMode") == Some("PROVIDED") && !users {
        ctx.report(
            "E4063",
            kind,
            list,
            format!("{at}.assignedUserMode"),
            "assigned user mode PROVIDED without `assignedUsers`: list the users or use another mode".into(),
        );
    }
}

/// E4067/E4068, and CR1203 for an attribute the program does not have.
fn attribute_filters(
    ctx: &mut Ctx,
    kind: &str,
    list: &Object,
    criteria: &Object,
    at: &str,
    stage: bool,
) {
    let program_attributes: Vec<String> = ref_id(list, "program")
        .and_then(|p| ctx.get("programs", p))
        .map(|p| {
            array(p, "programTrackedEntityAttributes")
                .into_iter()
                .filter_map(|(_, a)| ref_id(a, "trackedEntityAttribute").map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for (j, filter) in array(criteria, "attributeValueFilters") {
        let path = format!("{at}.attributeValueFilters[{j}]");
        let attribute = str_prop(filter, "attribute").unwrap_or("");
        if attribute.is_empty() {
            ctx.report(
                if stage { "E4067" } else { "CR1203" },
                kind,
                list,
                path.clone(),
                "attribute filter without `attribute`: name the attribute it filters".into(),
            );
        } else if let Some(tea) = ctx.get("trackedEntityAttributes", attribute) {
            if !program_attributes.iter().any(|a| a == attribute) {
                ctx.report(
                    "CR1203",
                    kind,
                    list,
                    format!("{path}.attribute"),
                    format!("attribute `{attribute}` is not an attribute of the list's program: the filter matches no one"),
                );
            }
            option_values(ctx, kind, list, tea, filter, &path);
        } else if !ctx.is_external(attribute) {
            ctx.report(
                if stage { "E4068" } else { "CR1203" },
                kind,
                list,
                format!("{path}.attribute"),
                format!(
                    "attribute filter on `{attribute}`, which is not a tracked entity attribute"
                ),
            );
        }
        if stage {
            date(
                ctx,
                kind,
                list,
                filter.get("dateFilter"),
                &format!("{path}.dateFilter"),
                attribute,
            );
        }
    }
}

/// CR1202: `eq` / `in` values of a field with an option set must be option codes.
fn option_values(
    ctx: &mut Ctx,
    kind: &str,
    list: &Object,
    field: &Object,
    filter: &Object,
    path: &str,
) {
    let Some(set) = ref_id(field, "optionSet") else {
        return;
    };
    let codes: Vec<&str> = objects(ctx.package, "options")
        .filter(|(_, o)| ref_id(o, "optionSet") == Some(set))
        .filter_map(|(_, o)| str_prop(o, "code"))
        .collect();
    let mut values: Vec<(String, &str)> = Vec::new();
    if let Some(v) = str_prop(filter, "eq") {
        values.push((format!("{path}.eq"), v));
    }
    for (k, v) in filter
        .get("in")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(v) = v.as_str() {
            values.push((format!("{path}.in[{k}]"), v));
        }
    }
    for (p, v) in values {
        if !codes.contains(&v) {
            ctx.report(
                "CR1202",
                kind,
                list,
                p,
                format!(
                    "`{v}` is not an option code of `{}`: values are stored as option codes, so the list stays empty",
                    str_prop(field, "name").unwrap_or("")
                ),
            );
        }
    }
}

/// CR1201 for columns: a column must be a data element of the stage or an attribute.
fn columns(
    ctx: &mut Ctx,
    kind: &str,
    list: &Object,
    criteria: &Object,
    at: &str,
    stage_elements: &[&str],
) {
    let items: Vec<(usize, &str)> = criteria
        .get("displayColumnOrder")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(j, v)| v.as_str().map(|s| (j, s)))
        .collect();
    for (j, item) in items {
        let is_element = ctx.get("dataElements", item).is_some();
        let is_attribute = ctx.get("trackedEntityAttributes", item).is_some();
        let in_stage = stage_elements.contains(&item);
        if is_attribute || in_stage || !crate::package::uid::is_valid(item) {
            // Built-in columns (`occurredAt`, `status`, ...) are not UIDs.
            continue;
        }
        ctx.report(
            "CR1201",
            kind,
            list,
            format!("{at}.displayColumnOrder[{j}]"),
            if is_element {
                format!(
                    "column `{item}` is a data element outside the list's stage: it stays empty"
                )
            } else {
                format!("column `{item}` is neither a data element of the stage nor an attribute")
            },
        );
    }
}
