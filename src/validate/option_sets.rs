//! Option sets: sortOrder 1..n or 0..n-1 (CR301), codes unique within a set (CR302), code charset (CR303),
//! numeric codes in NUMBER sets (CR304), field value type = set value type (CR305), option groups
//! hold only options of their set (CR306).

use super::fast::{FastMap, FastSet};
use super::{Ctx, field, objects, ref_id, ref_ids, str_prop};
use serde_json::Value;

/// Value types whose option codes must be numbers.
const NUMERIC_TYPES: &[&str] = &[
    "NUMBER",
    "INTEGER",
    "INTEGER_POSITIVE",
    "INTEGER_NEGATIVE",
    "INTEGER_ZERO_OR_POSITIVE",
    "PERCENTAGE",
    "UNIT_INTERVAL",
];

pub(super) fn run(ctx: &mut Ctx) {
    let package = ctx.package;
    let mut option_set_of: FastMap<&str, &str> = FastMap::default();
    for (si, set) in objects(package, "optionSets") {
        let Some(set_id) = str_prop(set, "id") else {
            continue;
        };
        let value_type = str_prop(set, "valueType").unwrap_or("TEXT");
        let numeric = NUMERIC_TYPES.contains(&value_type);
        let mut codes: FastMap<&str, &str> = FastMap::default();
        let mut orders: Vec<(i64, usize)> = Vec::new();
        for oid in ref_ids(set, "options") {
            option_set_of.entry(oid).or_insert(set_id);
            let Some((oi, option)) = ctx.locate("options", oid) else {
                continue;
            };
            let at = |p: &str| format!("options[{oi}]{p}");
            if let Some(order) = field(option, "sortOrder").and_then(Value::as_i64) {
                orders.push((order, oi));
            }
            let Some(code) = str_prop(option, "code") else {
                continue;
            };
            if let Some(other) = codes.get(code) {
                ctx.report(
                    "CR302",
                    "options",
                    option,
                    at(".code"),
                    format!(
                        "code `{code}` is also the code of option `{other}` in option set `{set_id}`: codes must be unique within a set"
                    ),
                );
            } else {
                codes.insert(code, oid);
            }
            if let Some(problem) = code_problem(code) {
                ctx.report(
                    "CR303",
                    "options",
                    option,
                    at(".code"),
                    format!("code `{code}` {problem}"),
                );
            }
            if numeric && code.trim().parse::<f64>().is_err() {
                ctx.report(
                    "CR304",
                    "options",
                    option,
                    at(".code"),
                    format!(
                        "code `{code}` is not a number, but option set `{set_id}` has value type {value_type}: use a numeric code or change the set's value type"
                    ),
                );
            }
        }
        // CR301: sortOrder is 1..n, or 0..n-1 (DHIS2 2.42 numbers exported options from 0).
        orders.sort_unstable();
        let actual: Vec<i64> = orders.iter().map(|(o, _)| *o).collect();
        let contiguous_from = |start: i64| actual.iter().zip(start..).all(|(o, e)| *o == e);
        if !orders.is_empty() && !contiguous_from(1) && !contiguous_from(0) {
            let mut seen = FastSet::default();
            let repeats: Vec<i64> = actual
                .iter()
                .filter(|o| !seen.insert(**o))
                .copied()
                .collect();
            ctx.report(
                "CR301",
                "optionSets",
                set,
                format!("optionSets[{si}].options"),
                format!(
                    "option sortOrder runs {}..{} over {} options{}: number them 1..{} (or from 0) in display order",
                    actual[0],
                    actual[actual.len() - 1],
                    actual.len(),
                    if repeats.is_empty() {
                        String::new()
                    } else {
                        format!(" with repeats {repeats:?}")
                    },
                    actual.len()
                ),
            );
        }
    }
    // CR305: fields using a set have its value type.
    for kind in ["dataElements", "trackedEntityAttributes"] {
        for (i, field) in objects(package, kind) {
            let Some(set) = ref_id(field, "optionSet").and_then(|s| ctx.get("optionSets", s))
            else {
                continue;
            };
            let (Some(field_type), Some(set_type)) =
                (str_prop(field, "valueType"), str_prop(set, "valueType"))
            else {
                continue;
            };
            // MULTI_TEXT fields store several codes of any set type.
            if field_type != set_type && field_type != "MULTI_TEXT" {
                ctx.report(
                    "CR305",
                    kind,
                    field,
                    format!("{kind}[{i}].valueType"),
                    format!(
                        "value type {field_type} differs from option set `{}` ({set_type}): use the same value type",
                        str_prop(set, "id").unwrap_or("?")
                    ),
                );
            }
        }
    }
    // CR306: option groups hold only options of their set.
    let mut members: FastMap<&str, FastSet<&str>> = FastMap::default();
    for (gi, group) in objects(package, "optionGroups") {
        let Some(set_id) = ref_id(group, "optionSet") else {
            continue;
        };
        let Some(set) = ctx.get("optionSets", set_id) else {
            continue;
        };
        let members = members
            .entry(set_id)
            .or_insert_with(|| ref_ids(set, "options").into_iter().collect());
        for (j, oid) in ref_ids(group, "options").into_iter().enumerate() {
            if !members.contains(oid) {
                ctx.report(
                    "CR306",
                    "optionGroups",
                    group,
                    format!("optionGroups[{gi}].options[{j}]"),
                    format!(
                        "option `{oid}` is not an option of the group's set `{set_id}`{}: remove it or fix the group's optionSet",
                        option_set_of
                            .get(oid)
                            .map(|s| format!(" (it belongs to `{s}`)"))
                            .unwrap_or_default()
                    ),
                );
            }
        }
    }
}

/// Why a code cannot be used safely in rule expressions and CanReg5 exports.
fn code_problem(code: &str) -> Option<&'static str> {
    if code.is_empty() {
        Some("is empty")
    } else if code.trim() != code {
        Some("has leading or trailing blanks")
    } else if code.chars().any(char::is_control) {
        Some("contains control characters")
    } else if code.contains('\'') || code.contains('"') {
        Some("contains a quote, which rule expressions cannot compare")
    } else {
        None
    }
}
