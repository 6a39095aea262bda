//! Working lists: program stage working lists (`programStageWorkingLists`, DHIS2 2.40+) when a
//! stage is named, tracked entity working lists (`trackedEntityInstanceFilters`) otherwise.
//! Fields are named by code or name and become UIDs; option values are option codes (what DHIS2
//! stores and filters on) and must be codes of the field's option set. The checks DHIS2's
//! `ProgramStageWorkingListObjectBundleHook` makes (E4062-E4068) are made here on the config too.

use super::AdaptError;
use super::lookup::{
    FieldRef, Locator, all_field_codes, any_field, did_you_mean, options_of, program, stage,
    stage_elements, str_of, taken,
};
use crate::config::LoadedConfig;
use crate::config::names::NameTarget;
use crate::config::working_lists::{DateFilter, Filter, WorkingList};
use crate::package::uid::UidGenerator;
use crate::package::{Package, object_id, reference};
use serde_json::{Map, Value, json};

const EVENT_STATUS: &[&str] = &[
    "ACTIVE",
    "COMPLETED",
    "VISITED",
    "SCHEDULE",
    "OVERDUE",
    "SKIPPED",
];
const ENROLLMENT_STATUS: &[&str] = &["ACTIVE", "COMPLETED", "CANCELLED"];
const ASSIGNED_USER: &[&str] = &["CURRENT", "PROVIDED", "NONE", "ANY", "ALL"];
/// `DateFilterPeriod.period` (RelativePeriodEnum) values.
pub const PERIODS: &[&str] = &[
    "TODAY",
    "YESTERDAY",
    "LAST_3_DAYS",
    "LAST_7_DAYS",
    "LAST_14_DAYS",
    "LAST_30_DAYS",
    "LAST_60_DAYS",
    "LAST_90_DAYS",
    "LAST_180_DAYS",
    "THIS_MONTH",
    "LAST_MONTH",
    "THIS_BIMONTH",
    "LAST_BIMONTH",
    "THIS_QUARTER",
    "LAST_QUARTER",
    "THIS_SIX_MONTH",
    "LAST_SIX_MONTH",
    "WEEKS_THIS_YEAR",
    "MONTHS_THIS_YEAR",
    "BIMONTHS_THIS_YEAR",
    "QUARTERS_THIS_YEAR",
    "THIS_YEAR",
    "MONTHS_LAST_YEAR",
    "QUARTERS_LAST_YEAR",
    "LAST_YEAR",
    "LAST_5_YEARS",
    "LAST_10_YEARS",
    "LAST_12_MONTHS",
    "LAST_6_MONTHS",
    "LAST_3_MONTHS",
    "LAST_6_BIMONTHS",
    "LAST_4_QUARTERS",
    "LAST_2_SIXMONTHS",
    "THIS_FINANCIAL_YEAR",
    "LAST_FINANCIAL_YEAR",
    "LAST_5_FINANCIAL_YEARS",
    "LAST_10_FINANCIAL_YEARS",
    "THIS_WEEK",
    "LAST_WEEK",
    "THIS_BIWEEK",
    "LAST_BIWEEK",
    "LAST_4_WEEKS",
    "LAST_4_BIWEEKS",
    "LAST_12_WEEKS",
    "LAST_52_WEEKS",
];

pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let lists = &config.config.working_lists;
    if lists.is_empty() {
        return Ok(());
    }
    let at = Locator::new(config);
    let (program_id, _) = program(package)?;
    let mut uids = UidGenerator::new(&config.config.country.code, taken(package));
    let sharing = package
        .get("programs", &program_id)
        .and_then(|p| p.get("sharing"))
        .cloned();
    let mut person_lists = 0;
    for (i, list) in lists.iter().enumerate() {
        let key = format!("working_lists[{i}]");
        let kind = if list.stage.is_some() {
            "programStageWorkingLists"
        } else {
            "trackedEntityInstanceFilters"
        };
        if list.name.trim().is_empty() || list.name.trim() != list.name {
            return Err(at.err(
                &format!("{key}.name"),
                "is empty or has leading/trailing spaces",
            ));
        }
        if package
            .objects(kind)
            .iter()
            .filter_map(Value::as_object)
            .any(|o| str_of(o, "name") == Some(list.name.as_str()))
        {
            return Err(at.err(
                &format!("{key}.name"),
                format!(
                    "another working list is named `{}`: give each its own name",
                    list.name
                ),
            ));
        }
        let object = build(package, &at, &program_id, list, &key, &mut person_lists)?;
        let id = uids.uid(kind, &format!("working_lists/{}", list.name));
        let mut object = object;
        object.insert("id".into(), json!(id));
        object.insert("name".into(), json!(list.name));
        if let Some(d) = &list.description {
            object.insert("description".into(), json!(d));
        }
        object.insert("program".into(), reference(&program_id));
        object.insert("attributeValues".into(), json!([]));
        object.insert("translations".into(), json!([]));
        if let Some(s) = &sharing {
            object.insert("sharing".into(), s.clone());
        }
        package.objects_mut(kind).push(Value::Object(object));
    }
    Ok(())
}

fn build(
    package: &Package,
    at: &Locator,
    program_id: &str,
    list: &WorkingList,
    key: &str,
    person_lists: &mut i64,
) -> Result<Map<String, Value>, AdaptError> {
    let one_of = |value: &Option<String>, allowed: &[&str], k: &str| -> Result<(), AdaptError> {
        match value {
            Some(v) if !allowed.contains(&v.as_str()) => Err(at.err(
                &format!("{key}.{k}"),
                format!(
                    "`{v}` is not one of {}{}",
                    allowed.join(", "),
                    did_you_mean(v, allowed.iter().copied())
                ),
            )),
            _ => Ok(()),
        }
    };
    one_of(&list.event_status, EVENT_STATUS, "event_status")?;
    one_of(
        &list.enrollment_status,
        ENROLLMENT_STATUS,
        "enrollment_status",
    )?;
    one_of(&list.assigned_user, ASSIGNED_USER, "assigned_user")?;
    // E4063: PROVIDED needs the users.
    if list.assigned_user.as_deref() == Some("PROVIDED") && list.assigned_users.is_empty() {
        return Err(at.err(
            &format!("{key}.assigned_user"),
            "is PROVIDED but `assigned_users` is empty (E4063): list the users' UIDs",
        ));
    }
    if !list.assigned_users.is_empty() && list.assigned_user.as_deref() != Some("PROVIDED") {
        return Err(at.err(
            &format!("{key}.assigned_users"),
            "applies with `assigned_user: PROVIDED` only",
        ));
    }
    for u in &list.assigned_users {
        if !crate::package::uid::is_valid(u) {
            return Err(at.err(
                &format!("{key}.assigned_users"),
                format!("`{u}` is not a DHIS2 UID"),
            ));
        }
    }
    let program_obj = package.get("programs", program_id).expect("the program");
    let stage_fields: Option<(String, Vec<String>)> = match &list.stage {
        Some(name) => {
            let s = stage(package, at.current(NameTarget::ProgramStage, name))
                .map_err(|m| at.err(&format!("{key}.stage"), m))?;
            Some((object_id(s).unwrap_or("").to_string(), stage_elements(s)))
        }
        None => None,
    };
    let field = |name: &str, k: &str| -> Result<FieldRef, AdaptError> {
        let f = any_field(package, program_obj, name).ok_or_else(|| {
            let codes = all_field_codes(package, program_obj);
            at.err(
                k,
                format!(
                    "`{name}` is not a field of the program{}",
                    did_you_mean(name, codes.iter().copied())
                ),
            )
        })?;
        if f.kind == "dataElements" {
            match &stage_fields {
                Some((_, elements)) if !elements.contains(&f.id) => {
                    return Err(at.err(
                        k,
                        format!(
                            "`{name}` is not a data element of stage `{}`",
                            list.stage.as_deref().unwrap_or("")
                        ),
                    ));
                }
                None => {
                    return Err(at.err(
                        k,
                        format!("`{name}` is a data element: a list of persons filters on attributes; name a `stage` to filter events"),
                    ));
                }
                _ => {}
            }
        }
        Ok(f)
    };
    let mut data_filters = Vec::new();
    let mut attribute_filters = Vec::new();
    for (j, filter) in list.filters.iter().enumerate() {
        let k = format!("{key}.filters[{j}]");
        let f = field(&filter.field, &format!("{k}.field"))?;
        let value = filter_value(package, at, &f, filter, &k)?;
        if f.kind == "dataElements" {
            let mut v = value;
            v.insert("dataItem".into(), json!(f.id));
            data_filters.push(Value::Object(v));
        } else {
            let mut v = value;
            v.insert("attribute".into(), json!(f.id));
            attribute_filters.push(Value::Object(v));
        }
    }
    let mut columns = Vec::new();
    for (j, c) in list.columns.iter().enumerate() {
        let f = field(c, &format!("{key}.columns[{j}]"))?;
        if columns.contains(&json!(f.id)) {
            return Err(at.err(
                &format!("{key}.columns[{j}]"),
                format!("`{c}` is listed twice"),
            ));
        }
        columns.push(json!(f.id));
    }
    let date = |d: &Option<DateFilter>, k: &str| -> Result<Option<Value>, AdaptError> {
        d.as_ref()
            .map(|d| date_filter(at, d, &format!("{key}.{k}")))
            .transpose()
    };
    let mut criteria = Map::new();
    let mut out = Map::new();
    if let Some((stage_id, _)) = &stage_fields {
        if list.follow_up.is_some() {
            return Err(at.err(
                &format!("{key}.follow_up"),
                "applies to lists of persons (without `stage`)",
            ));
        }
        out.insert("programStage".into(), reference(stage_id));
        let put = |c: &mut Map<String, Value>, k: &str, v: Option<Value>| {
            if let Some(v) = v {
                c.insert(k.into(), v);
            }
        };
        put(
            &mut criteria,
            "eventStatus",
            list.event_status.clone().map(Value::from),
        );
        put(
            &mut criteria,
            "enrollmentStatus",
            list.enrollment_status.clone().map(Value::from),
        );
        put(
            &mut criteria,
            "eventOccurredAt",
            date(&list.event_date, "event_date")?,
        );
        put(
            &mut criteria,
            "eventScheduledAt",
            date(&list.scheduled_date, "scheduled_date")?,
        );
        put(
            &mut criteria,
            "enrolledAt",
            date(&list.enrollment_date, "enrollment_date")?,
        );
        put(
            &mut criteria,
            "enrollmentOccurredAt",
            date(&list.incident_date, "incident_date")?,
        );
        put(
            &mut criteria,
            "assignedUserMode",
            list.assigned_user.clone().map(Value::from),
        );
        if !list.assigned_users.is_empty() {
            criteria.insert("assignedUsers".into(), json!(list.assigned_users));
        }
        if !data_filters.is_empty() {
            criteria.insert("dataFilters".into(), Value::Array(data_filters));
        }
        if !attribute_filters.is_empty() {
            criteria.insert(
                "attributeValueFilters".into(),
                Value::Array(attribute_filters),
            );
        }
        if !columns.is_empty() {
            criteria.insert("displayColumnOrder".into(), Value::Array(columns));
        }
        out.insert("programStageQueryCriteria".into(), Value::Object(criteria));
    } else {
        for (set, k) in [(list.scheduled_date.is_some(), "scheduled_date")] {
            if set {
                return Err(at.err(
                    &format!("{key}.{k}"),
                    "applies to stage lists (with `stage`)",
                ));
            }
        }
        *person_lists += 1;
        out.insert("sortOrder".into(), json!(*person_lists));
        if let Some(s) = &list.enrollment_status {
            out.insert("enrollmentStatus".into(), json!(s));
            criteria.insert("enrollmentStatus".into(), json!(s));
        }
        if let Some(f) = list.follow_up {
            out.insert("followup".into(), json!(f));
            criteria.insert("followUp".into(), json!(f));
        }
        if let Some(s) = &list.event_status {
            criteria.insert("eventStatus".into(), json!(s));
        }
        for (k, yaml, d) in [
            (
                "enrollmentCreatedDate",
                "enrollment_date",
                &list.enrollment_date,
            ),
            (
                "enrollmentIncidentDate",
                "incident_date",
                &list.incident_date,
            ),
            ("eventDate", "event_date", &list.event_date),
        ] {
            if let Some(v) = date(d, yaml)? {
                criteria.insert(k.into(), v);
            }
        }
        if let Some(m) = &list.assigned_user {
            criteria.insert("assignedUserMode".into(), json!(m));
        }
        if !list.assigned_users.is_empty() {
            criteria.insert("assignedUsers".into(), json!(list.assigned_users));
        }
        if !attribute_filters.is_empty() {
            criteria.insert(
                "attributeValueFilters".into(),
                Value::Array(attribute_filters),
            );
        }
        if !columns.is_empty() {
            criteria.insert("displayColumnOrder".into(), Value::Array(columns));
        }
        out.insert("entityQueryCriteria".into(), Value::Object(criteria));
    }
    Ok(out)
}

/// The operators of a filter; option values must be codes of the field's option set.
fn filter_value(
    package: &Package,
    at: &Locator,
    field: &FieldRef,
    filter: &Filter,
    key: &str,
) -> Result<Map<String, Value>, AdaptError> {
    let mut out = Map::new();
    let options: Option<Vec<(String, String)>> =
        field.option_set.as_ref().map(|s| options_of(package, s));
    let check_code = |v: &str, k: &str| -> Result<(), AdaptError> {
        if let Some(options) = &options
            && !options.iter().any(|(c, _)| c == v)
        {
            return Err(at.err(
                &format!("{key}.{k}"),
                format!(
                    "`{v}` is not an option code of `{}`{}",
                    filter.field,
                    did_you_mean(v, options.iter().map(|(c, _)| c.as_str()))
                ),
            ));
        }
        Ok(())
    };
    if let Some(v) = &filter.eq {
        check_code(v, "eq")?;
        out.insert("eq".into(), json!(v));
    }
    if !filter.any_of.is_empty() {
        for v in &filter.any_of {
            check_code(v, "in")?;
        }
        out.insert("in".into(), json!(filter.any_of));
    }
    for (k, v) in [
        ("like", &filter.like),
        ("ge", &filter.ge),
        ("gt", &filter.gt),
        ("le", &filter.le),
        ("lt", &filter.lt),
    ] {
        if let Some(v) = v {
            out.insert(k.into(), json!(v));
        }
    }
    if let Some(d) = &filter.date {
        if !matches!(field.value_type.as_str(), "DATE" | "DATETIME" | "AGE") {
            return Err(at.err(
                &format!("{key}.date"),
                format!(
                    "`{}` is a {} field: a date filter needs a date field",
                    filter.field, field.value_type
                ),
            ));
        }
        out.insert(
            "dateFilter".into(),
            date_filter(at, d, &format!("{key}.date"))?,
        );
    }
    if out.is_empty() {
        return Err(at.err(
            key,
            "filters nothing: give eq, in, like, ge, gt, le, lt or date",
        ));
    }
    Ok(out)
}

/// A `DateFilterPeriod`: RELATIVE with a period or day buffers, ABSOLUTE with dates.
fn date_filter(at: &Locator, d: &DateFilter, key: &str) -> Result<Value, AdaptError> {
    let relative = d.period.is_some() || d.start_buffer.is_some() || d.end_buffer.is_some();
    let absolute = d.from.is_some() || d.to.is_some();
    match (relative, absolute) {
        (true, true) => Err(at.err(
            key,
            "give either `period`/buffers (relative) or `from`/`to` (absolute), not both",
        )),
        // E4062: an absolute period needs a start or an end date.
        (false, false) => Err(at.err(
            key,
            "is empty (E4062): give `period`, `start_buffer`/`end_buffer`, or `from`/`to`",
        )),
        (true, false) => {
            let mut v = json!({"type": "RELATIVE"});
            if let Some(p) = &d.period {
                if !PERIODS.contains(&p.as_str()) {
                    return Err(at.err(
                        &format!("{key}.period"),
                        format!(
                            "`{p}` is not a DHIS2 relative period{}",
                            did_you_mean(p, PERIODS.iter().copied())
                        ),
                    ));
                }
                v["period"] = json!(p);
            }
            if let Some(b) = d.start_buffer {
                v["startBuffer"] = json!(b);
            }
            if let Some(b) = d.end_buffer {
                v["endBuffer"] = json!(b);
            }
            Ok(v)
        }
        (false, true) => {
            let mut v = json!({"type": "ABSOLUTE"});
            for (k, date) in [("startDate", &d.from), ("endDate", &d.to)] {
                if let Some(date) = date {
                    if !is_date(date) {
                        return Err(at.err(key, format!("`{date}` is not a date (YYYY-MM-DD)")));
                    }
                    v[k] = json!(date);
                }
            }
            Ok(v)
        }
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}
