//! What a reviewer checks on an added or removed object, read from the package it is in: a
//! rule's condition (as written and in words) and its actions in words (the workbook's wording,
//! [`crate::release::rule_words`]), an option group's members by name, a variable's source, an
//! option's set.

use super::model::{Detail, ObjectChange, Status};
use super::rules::source_of;
use crate::package::{Indexed, object_name};
use crate::release::rule_words::{RuleNames, ref_id};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

type Object = Map<String, Value>;

/// Most members listed for one option group; the rest are counted.
const MEMBERS_SHOWN: usize = 40;

/// Fills `details` of every added or removed object of a type a reviewer reads.
pub fn describe(old: &Indexed, new: &Indexed, objects: &mut [ObjectChange]) {
    let wanted = |c: &ObjectChange, status: Status| {
        c.status == status
            && matches!(
                c.kind.as_str(),
                "programRules"
                    | "programRuleActions"
                    | "programRuleVariables"
                    | "optionGroups"
                    | "options"
                    | "optionSets"
                    | "dataElements"
                    | "trackedEntityAttributes"
            )
    };
    for (package, status) in [(new, Status::Added), (old, Status::Removed)] {
        if !objects.iter().any(|c| wanted(c, status)) {
            continue;
        }
        let reader = Reader::new(package);
        for change in objects.iter_mut().filter(|c| wanted(c, status)) {
            if let Some(object) = package.get(&change.kind, &change.id) {
                change.details = reader.details(&change.kind, object);
            }
        }
    }
}

struct Reader<'a> {
    package: &'a Indexed<'a>,
    names: RuleNames<'a>,
    /// Rule id -> its actions, in package order.
    actions: BTreeMap<&'a str, Vec<&'a Object>>,
}

fn detail(label: &str, text: impl Into<String>, code: bool) -> Detail {
    Detail {
        label: label.into(),
        text: text.into(),
        code,
    }
}

impl<'a> Reader<'a> {
    fn new(package: &'a Indexed<'a>) -> Reader<'a> {
        let mut actions: BTreeMap<&str, Vec<&Object>> = BTreeMap::new();
        for action in package
            .objects("programRuleActions")
            .iter()
            .filter_map(Value::as_object)
        {
            if let Some(rule) = ref_id(action, "programRule") {
                actions.entry(rule).or_default().push(action);
            }
        }
        Reader {
            package,
            names: RuleNames::new(package),
            actions,
        }
    }

    /// `Name` (`code`) of an object, for people.
    fn label(&self, kind: &str, id: &str) -> String {
        match self.package.get(kind, id) {
            Some(o) => match (object_name(o), o.get("code").and_then(Value::as_str)) {
                (Some(name), Some(code)) if name != code => format!("{name} ({code})"),
                (Some(name), _) => name.to_string(),
                (None, Some(code)) => code.to_string(),
                (None, None) => id.to_string(),
            },
            None => id.to_string(),
        }
    }

    fn details(&self, kind: &str, object: &Object) -> Vec<Detail> {
        let text = |key: &str| object.get(key).and_then(Value::as_str);
        let mut out = Vec::new();
        match kind {
            "programRules" => {
                let condition = text("condition").unwrap_or("");
                out.push(detail("condition", condition, true));
                out.push(detail("in words", self.names.expression(condition), false));
                if let Some(priority) = object.get("priority").filter(|p| !p.is_null()) {
                    out.push(detail("priority", priority.to_string(), false));
                }
                let id = object.get("id").and_then(Value::as_str).unwrap_or("");
                let actions = self.actions.get(id).cloned().unwrap_or_default();
                if actions.is_empty() {
                    out.push(detail("actions", "none", false));
                }
                for action in actions {
                    out.push(detail("action", self.names.action(action), false));
                }
            }
            "programRuleActions" => {
                out.push(detail("action", self.names.action(object), false));
                if let Some(rule) = ref_id(object, "programRule") {
                    out.push(detail("of rule", self.label("programRules", rule), false));
                }
            }
            "programRuleVariables" => {
                out.push(detail("source", source_of(object, self.package), false));
            }
            "optionGroups" => {
                if let Some(set) = ref_id(object, "optionSet") {
                    out.push(detail("option set", self.label("optionSets", set), false));
                }
                let members: Vec<String> = object
                    .get("options")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o.get("id").and_then(Value::as_str))
                    .map(|id| self.label("options", id))
                    .collect();
                let mut shown = members
                    .iter()
                    .take(MEMBERS_SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                if members.len() > MEMBERS_SHOWN {
                    shown.push_str(&format!(", … and {} more", members.len() - MEMBERS_SHOWN));
                }
                out.push(detail(&format!("{} members", members.len()), shown, false));
            }
            "options" => {
                // The code is on the object's own line already.
                if let Some(set) = ref_id(object, "optionSet") {
                    out.push(detail("option set", self.label("optionSets", set), false));
                }
            }
            "optionSets" => {
                let count = object
                    .get("options")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                out.push(detail("options", count.to_string(), false));
                if let Some(value_type) = text("valueType") {
                    out.push(detail("value type", value_type, true));
                }
            }
            "dataElements" | "trackedEntityAttributes" => {
                if let Some(value_type) = text("valueType") {
                    out.push(detail("value type", value_type, true));
                }
                if let Some(set) = ref_id(object, "optionSet") {
                    out.push(detail("option set", self.label("optionSets", set), false));
                }
            }
            _ => {}
        }
        out
    }
}
