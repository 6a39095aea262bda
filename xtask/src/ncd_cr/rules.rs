//! Program rules, their actions and rule variables, added to the package through one builder so
//! every rule gets a deterministic (or published) UID, a priority and back-references.

use super::common::{identifiable, reference};
use crtk::package::Package;
use crtk::package::uid::UidGenerator;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Evaluation order (lower runs first): values later rules read are assigned first.
pub mod priority {
    /// Calculated values other rules read.
    pub const PREPARE: u32 = 10;
    /// Copies and compositions (IDs, previous values, lookups' inputs).
    pub const INPUTS: u32 = 20;
    /// Derived codes (families, keys, groups).
    pub const DERIVED: u32 = 30;
    /// Lookups on derived codes (MUST / MUST-NOT, morphology result).
    pub const LOOKUPS: u32 = 40;
    /// "Not found" results of lookups, after every lookup had its chance.
    pub const LOOKUP_DEFAULTS: u32 = 45;
    /// Check results.
    pub const CHECKS: u32 = 50;
    /// "Passed" results of checks, after every check had its chance.
    pub const CHECK_DEFAULTS: u32 = 55;
    /// Summaries of check results (Rare, Invalid).
    pub const SUMMARIES: u32 = 60;
    /// Form behaviour (hide, block, errors).
    pub const FORM: u32 = 70;
}

/// One action of a rule.
pub struct Action {
    kind: &'static str,
    fields: Map<String, Value>,
}

impl Action {
    fn new(kind: &'static str) -> Action {
        Action {
            kind,
            fields: Map::new(),
        }
    }
    /// ASSIGN `data` to a data element.
    pub fn assign(data_element: &str, data: impl Into<String>) -> Action {
        Action::new("ASSIGN")
            .with("dataElement", reference(data_element))
            .with("data", json!(data.into()))
    }
    /// ASSIGN to a calculated-value rule variable (`#{name}`); gives no effect on a field.
    pub fn calculate(variable: &str, data: impl Into<String>) -> Action {
        Action::new("ASSIGN")
            .with("content", json!(format!("#{{{variable}}}")))
            .with("data", json!(data.into()))
    }
    pub fn warning(data_element: &str, content: &str, data: Option<&str>) -> Action {
        Action::message("SHOWWARNING", data_element, content, data)
    }
    pub fn error(data_element: &str, content: &str, data: Option<&str>) -> Action {
        Action::message("SHOWERROR", data_element, content, data)
    }
    fn message(
        kind: &'static str,
        data_element: &str,
        content: &str,
        data: Option<&str>,
    ) -> Action {
        let mut action = Action::new(kind)
            .with("dataElement", reference(data_element))
            .with("content", json!(content));
        if let Some(data) = data {
            action = action.with("data", json!(data));
        }
        action
    }
    pub fn hide_field(data_element: &str) -> Action {
        Action::new("HIDEFIELD").with("dataElement", reference(data_element))
    }
    pub fn mandatory(data_element: &str) -> Action {
        Action::new("SETMANDATORYFIELD").with("dataElement", reference(data_element))
    }
    pub fn hide_section(section: &str) -> Action {
        Action::new("HIDESECTION").with("programStageSection", reference(section))
    }
    pub fn show_option_group(data_element: &str, group: &str) -> Action {
        Action::new("SHOWOPTIONGROUP")
            .with("dataElement", reference(data_element))
            .with("optionGroup", reference(group))
    }
    fn with(mut self, key: &str, value: Value) -> Action {
        self.fields.insert(key.into(), value);
        self
    }
}

/// Adds rules and variables of one program to a package.
pub struct Rules<'a> {
    pub program: String,
    uids: &'a mut UidGenerator,
    published: BTreeMap<String, String>,
    rules: Vec<Value>,
    actions: Vec<Value>,
    variables: Vec<Value>,
    /// Data elements whose assigned value later rules read in the same evaluation: the rule
    /// engine keeps an ASSIGN to a data element under the element's UID, so each also gets a
    /// calculated-value variable, assigned alongside.
    derived: BTreeMap<String, String>,
}

impl<'a> Rules<'a> {
    /// `published`: rule UIDs by rule name, from the specification.
    pub fn new(
        program: &str,
        uids: &'a mut UidGenerator,
        published: BTreeMap<String, String>,
    ) -> Rules<'a> {
        Rules {
            program: program.to_string(),
            uids,
            published,
            rules: Vec::new(),
            actions: Vec::new(),
            variables: Vec::new(),
            derived: BTreeMap::new(),
        }
    }

    pub fn uids(&mut self) -> &mut UidGenerator {
        self.uids
    }

    /// A rule variable reading a data element (`source`: DATAELEMENT_CURRENT_EVENT,
    /// DATAELEMENT_PREVIOUS_EVENT, DATAELEMENT_NEWEST_EVENT_PROGRAM_STAGE, ...).
    pub fn data_element_variable(
        &mut self,
        name: &str,
        data_element: &str,
        source: &str,
        stage: Option<&str>,
    ) {
        let mut variable = json!({
            "dataElement": reference(data_element),
            "id": self.uids.uid("programRuleVariables", name),
            "name": name,
            "program": reference(&self.program),
            "programRuleVariableSourceType": source,
            "useCodeForOptionSet": true,
        });
        if let Some(stage) = stage {
            variable["programStage"] = reference(stage);
        }
        self.variables.push(identifiable(variable));
    }

    /// A calculated-value rule variable of `value_type`, set by [`Action::calculate`].
    pub fn calculated_variable(&mut self, name: &str, value_type: &str) {
        let variable = json!({
            "id": self.uids.uid("programRuleVariables", name),
            "name": name,
            "program": reference(&self.program),
            "programRuleVariableSourceType": "CALCULATED_VALUE",
            "useCodeForOptionSet": true,
            "valueType": value_type,
        });
        self.variables.push(identifiable(variable));
    }

    /// A data element that rules assign and other rules read: a calculated-value variable `name`
    /// of `value_type` holds the value assigned in the current evaluation.
    pub fn derived_variable(&mut self, name: &str, data_element: &str, value_type: &str) {
        self.calculated_variable(name, value_type);
        self.derived
            .insert(data_element.to_string(), name.to_string());
    }

    /// A rule variable reading an enrollment attribute.
    pub fn attribute_variable(&mut self, name: &str, attribute: &str) {
        let variable = json!({
            "id": self.uids.uid("programRuleVariables", name),
            "name": name,
            "program": reference(&self.program),
            "programRuleVariableSourceType": "TEI_ATTRIBUTE",
            "trackedEntityAttribute": reference(attribute),
            "useCodeForOptionSet": true,
        });
        self.variables.push(identifiable(variable));
    }

    /// Adds a rule; its UID is the published one when the specification names it.
    pub fn rule(
        &mut self,
        name: &str,
        description: &str,
        stage: Option<&str>,
        priority: u32,
        condition: String,
        actions: Vec<Action>,
    ) -> String {
        let id = match self.published.get(name) {
            Some(uid) => uid.clone(),
            None => self.uids.uid("programRules", name),
        };
        let mut expanded = Vec::new();
        for action in actions {
            let derived = (action.kind == "ASSIGN")
                .then(|| {
                    action
                        .fields
                        .get("dataElement")
                        .and_then(|d| d["id"].as_str())
                })
                .flatten()
                .and_then(|uid| self.derived.get(uid))
                .cloned();
            let data = action
                .fields
                .get("data")
                .and_then(Value::as_str)
                .map(String::from);
            expanded.push(action);
            if let (Some(variable), Some(data)) = (derived, data) {
                expanded.push(Action::calculate(&variable, data));
            }
        }
        let mut action_refs = Vec::new();
        for (index, action) in expanded.into_iter().enumerate() {
            let action_id = self
                .uids
                .uid("programRuleActions", &format!("{name}/{index}"));
            let mut object = json!({
                "id": action_id,
                "programRule": reference(&id),
                "programRuleActionType": action.kind,
            });
            object.as_object_mut().unwrap().extend(action.fields);
            self.actions.push(identifiable(object));
            action_refs.push(reference(&action_id));
        }
        let mut rule = json!({
            "condition": condition,
            "description": description,
            "id": id,
            "name": name,
            "priority": priority,
            "program": reference(&self.program),
            "programRuleActions": action_refs,
        });
        if let Some(stage) = stage {
            rule["programStage"] = reference(stage);
        }
        self.rules.push(identifiable(rule));
        id
    }

    /// Writes everything added into the package.
    pub fn finish(self, package: &mut Package) {
        package.objects_mut("programRules").extend(self.rules);
        package
            .objects_mut("programRuleActions")
            .extend(self.actions);
        package
            .objects_mut("programRuleVariables")
            .extend(self.variables);
    }
}
