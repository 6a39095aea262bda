//! The workbook's "Working lists" sheet (issue 18): each program stage working list and tracked
//! entity working list with its filters in words (field names, option names, periods) and its
//! columns. Only written when the package has working lists.

use super::workbook::{Cell, Sheet};
use crate::package::{Package, object_id, object_name};
use serde_json::{Map, Value};

type Object = Map<String, Value>;

fn name_of(package: &Package, id: &str) -> String {
    ["dataElements", "trackedEntityAttributes"]
        .iter()
        .find_map(|k| package.get(k, id))
        .and_then(|o| object_name(o).map(str::to_string))
        .unwrap_or_else(|| id.to_string())
}

/// The option's name for a code of the field's option set, else the code itself.
fn value_in_words(package: &Package, field: &str, code: &str) -> String {
    let set = ["dataElements", "trackedEntityAttributes"]
        .iter()
        .find_map(|k| package.get(k, field))
        .and_then(|f| f.get("optionSet")?.get("id")?.as_str().map(str::to_string));
    let Some(set) = set else {
        return code.to_string();
    };
    package
        .objects("options")
        .iter()
        .filter_map(Value::as_object)
        .find(|o| {
            o.get("optionSet")
                .and_then(|s| s.get("id"))
                .and_then(Value::as_str)
                == Some(&set)
                && o.get("code").and_then(Value::as_str) == Some(code)
        })
        .and_then(object_name)
        .map(|n| format!("{n} ({code})"))
        .unwrap_or_else(|| code.to_string())
}

fn period(v: &Value) -> String {
    let get = |k: &str| {
        v.get(k)
            .map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string()))
    };
    match (
        get("period"),
        get("startDate"),
        get("endDate"),
        get("startBuffer"),
        get("endBuffer"),
    ) {
        (Some(p), ..) => p,
        (None, s, e, None, None) if s.is_some() || e.is_some() => format!(
            "{} to {}",
            s.unwrap_or_else(|| "…".into()),
            e.unwrap_or_else(|| "…".into())
        ),
        (None, _, _, s, e) => format!(
            "from {} to {} days from today",
            s.unwrap_or_else(|| "…".into()),
            e.unwrap_or_else(|| "…".into())
        ),
    }
}

fn filters_in_words(package: &Package, criteria: &Object) -> Vec<String> {
    let mut out = Vec::new();
    for (key, label) in [
        ("eventStatus", "event status"),
        ("enrollmentStatus", "enrollment status"),
        ("assignedUserMode", "assigned user"),
        ("followUp", "follow-up"),
    ] {
        if let Some(v) = criteria.get(key) {
            out.push(format!(
                "{label} = {}",
                v.as_str().map(str::to_string).unwrap_or(v.to_string())
            ));
        }
    }
    for (key, label) in [
        ("eventOccurredAt", "event date"),
        ("eventDate", "event date"),
        ("eventScheduledAt", "scheduled date"),
        ("enrolledAt", "enrollment date"),
        ("enrollmentCreatedDate", "enrollment date"),
        ("enrollmentOccurredAt", "incident date"),
        ("enrollmentIncidentDate", "incident date"),
    ] {
        if let Some(v) = criteria.get(key) {
            out.push(format!("{label}: {}", period(v)));
        }
    }
    for (key, item) in [
        ("dataFilters", "dataItem"),
        ("attributeValueFilters", "attribute"),
    ] {
        for filter in criteria
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let field = filter.get(item).and_then(Value::as_str).unwrap_or("");
            let name = name_of(package, field);
            for (op, words) in [
                ("eq", "="),
                ("like", "contains"),
                ("ge", ">="),
                ("gt", ">"),
                ("le", "<="),
                ("lt", "<"),
            ] {
                if let Some(v) = filter.get(op).and_then(Value::as_str) {
                    out.push(format!(
                        "{name} {words} {}",
                        value_in_words(package, field, v)
                    ));
                }
            }
            if let Some(values) = filter.get("in").and_then(Value::as_array) {
                let values: Vec<String> = values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|v| value_in_words(package, field, v))
                    .collect();
                out.push(format!("{name} is one of {}", values.join(", ")));
            }
            if let Some(d) = filter.get("dateFilter") {
                out.push(format!("{name}: {}", period(d)));
            }
        }
    }
    out
}

/// The sheet, or `None` when the package has no working lists.
pub fn sheet(package: &Package) -> Option<Sheet> {
    let mut rows = Vec::new();
    for (kind, label, criteria_key) in [
        (
            "programStageWorkingLists",
            "Stage list",
            "programStageQueryCriteria",
        ),
        (
            "trackedEntityInstanceFilters",
            "Person list",
            "entityQueryCriteria",
        ),
    ] {
        let mut lists: Vec<&Object> = package
            .objects(kind)
            .iter()
            .filter_map(Value::as_object)
            .collect();
        lists.sort_by(|a, b| (object_name(a), object_id(a)).cmp(&(object_name(b), object_id(b))));
        for list in lists {
            let empty = Map::new();
            let criteria = list
                .get(criteria_key)
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let stage = list
                .get("programStage")
                .and_then(|s| s.get("id"))
                .and_then(Value::as_str)
                .and_then(|s| package.get("programStages", s))
                .and_then(object_name)
                .unwrap_or("");
            let columns: Vec<String> = criteria
                .get("displayColumnOrder")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|c| name_of(package, c))
                .collect();
            rows.push(vec![
                Cell::Text(object_name(list).unwrap_or("").to_string()),
                Cell::Text(label.to_string()),
                Cell::Text(stage.to_string()),
                Cell::Text(filters_in_words(package, criteria).join("\n")),
                Cell::Text(columns.join(", ")),
                Cell::Text(object_id(list).unwrap_or("").to_string()),
                Cell::Text(
                    list.get("description")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                ),
            ]);
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some(Sheet {
        name: "Working lists",
        columns: vec![
            ("Name", 36.0),
            ("Kind", 12.0),
            ("Stage", 16.0),
            ("Filters", 60.0),
            ("Columns", 50.0),
            ("UID", 14.0),
            ("Description", 50.0),
        ],
        rows,
    })
}
