//! How items of a nested list are matched between two versions: by identity, never by position.
//!
//! Translations by locale + property, stage data elements by data element, program attributes by
//! attribute, attribute values by attribute, sharing entries by group/user id, visualization axes
//! by dimension, and every other list of objects by `id` (options of a set, rule actions, section
//! fields, ...). Lists whose order DHIS2 shows to users are also checked for reordering.

use serde_json::Value;

/// The identity of an item of the list `property`, written as it appears in a JSON path
/// (`locale=fr,property=NAME`, `dataElement=abc`, `id=xyz`), or `None` when it has none.
pub fn item_key(property: &str, item: &Value) -> Option<String> {
    let text = |key: &str| item.get(key).and_then(Value::as_str);
    let reference = |key: &str| item.get(key)?.get("id")?.as_str();
    match property {
        "translations" => Some(format!(
            "locale={},property={}",
            text("locale")?,
            text("property")?
        )),
        "programStageDataElements" | "dataSetElements" => {
            Some(format!("dataElement={}", reference("dataElement")?))
        }
        "programTrackedEntityAttributes" | "trackedEntityTypeAttributes" => Some(format!(
            "trackedEntityAttribute={}",
            reference("trackedEntityAttribute")?
        )),
        "attributeValues" => Some(format!("attribute={}", reference("attribute")?)),
        "userGroupAccesses" => text("id")
            .or_else(|| text("userGroupUid"))
            .map(|id| format!("id={id}")),
        "userAccesses" => text("id")
            .or_else(|| text("userUid"))
            .map(|id| format!("id={id}")),
        "columns" | "rows" | "filters" if item.get("dimension").is_some() => {
            Some(format!("dimension={}", text("dimension")?))
        }
        _ => text("id").map(|id| format!("id={id}")),
    }
}

/// Lists (`type`, `property`) whose order is what users see: a reorder is reported.
pub fn is_ordered(kind: &str, property: &str) -> bool {
    matches!(
        (kind, property),
        ("optionSets", "options")
            | ("programStageSections", "dataElements")
            | ("sections", "dataElements")
            | ("programSections", "trackedEntityAttributes")
            | ("programStages", "programStageDataElements")
            | ("programStages", "programStageSections")
            | ("programs", "programTrackedEntityAttributes")
            | ("programs", "programSections")
            | ("dashboards", "dashboardItems")
    )
}

/// Lists whose order DHIS2 does not keep but a reviewer may still see move (members of a group,
/// the actions of a rule): a reorder is reported as cosmetic. Other unordered lists
/// (translations, attribute values, sharing) are compared as sets, silently.
pub fn is_member_list(kind: &str, property: &str) -> bool {
    (kind, property) == ("programRules", "programRuleActions")
        || (kind.ends_with("Groups") && !matches!(property, "translations" | "attributeValues"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys() {
        assert_eq!(
            item_key(
                "translations",
                &json!({"locale": "fr", "property": "NAME", "value": "x"})
            )
            .as_deref(),
            Some("locale=fr,property=NAME")
        );
        assert_eq!(
            item_key(
                "programStageDataElements",
                &json!({"id": "psde", "dataElement": {"id": "DE"}})
            )
            .as_deref(),
            Some("dataElement=DE")
        );
        assert_eq!(
            item_key("options", &json!({"id": "O1"})).as_deref(),
            Some("id=O1")
        );
        assert_eq!(item_key("options", &json!(3)), None);
        assert_eq!(item_key("translations", &json!({"locale": "fr"})), None);
    }
}
