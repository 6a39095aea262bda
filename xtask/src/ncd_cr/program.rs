//! The tracker program: Person, enrollment attributes, the three repeatable stages, their sections
//! and data elements, from `tracked_entity_attributes.csv` and `data_elements.csv`.

use super::common::{DEFAULT_CATEGORY_COMBO, identifiable, reference, short_name};
use super::option_sets::OptionSetUids;
use super::tables::{Row, col, read};
use crtk::package::Package;
use crtk::package::uid::UidGenerator;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

/// The tracked entity type Person, shared system-wide by tracker programs.
pub const PERSON: &str = "MCPQUTHX1Ze";
/// The stages in program order.
const STAGES: [&str; 3] = ["Tumor", "Source", "Follow-up"];

/// The program's specification tables.
pub struct Spec {
    attributes: Vec<Row>,
    data_elements: Vec<Row>,
}

impl Spec {
    pub fn read(dir: &Path) -> Result<Spec, String> {
        let mut attributes = read(dir, "tracked_entity_attributes.csv")?;
        attributes.sort_by_key(|r| col(r, "enrollment_order").parse::<u32>().unwrap_or(0));
        Ok(Spec {
            attributes,
            data_elements: read(dir, "data_elements.csv")?,
        })
    }

    /// Every UID the specification publishes; generated UIDs must avoid them.
    pub fn published_uids(&self) -> Vec<String> {
        let mut uids: Vec<String> = self
            .attributes
            .iter()
            .chain(&self.data_elements)
            .map(|r| col(r, "uid").to_string())
            .collect();
        uids.push(PERSON.into());
        uids
    }
}

pub fn add(
    package: &mut Package,
    spec: &Spec,
    option_sets: &OptionSetUids,
    uids: &mut UidGenerator,
) -> Result<(), String> {
    let option_set = |row: &Row| -> Result<Option<Value>, String> {
        let name = match col(row, "option_set") {
            "" => return Ok(None),
            name if col(row, "value_type") == "MULTI_TEXT" => format!("{name}Multi"),
            name => name.to_string(),
        };
        option_sets
            .get(&name)
            .map(|uid| Some(reference(uid)))
            .ok_or_else(|| format!("{} names unknown option set {name}", col(row, "uid")))
    };

    for row in &spec.attributes {
        let mut tea = json!({
            "aggregationType": "NONE",
            "confidential": false,
            "displayInListNoProgram": true,
            "generated": col(row, "generated") == "true",
            "id": col(row, "uid"),
            "inherit": false,
            "name": col(row, "name"),
            "orgunitScope": false,
            "shortName": short_name(col(row, "name")),
            "unique": col(row, "unique") == "true",
            "valueType": col(row, "value_type"),
        });
        let map = tea.as_object_mut().unwrap();
        if !col(row, "pattern").is_empty() {
            map.insert("pattern".into(), json!(col(row, "pattern")));
        }
        if !col(row, "description").is_empty() {
            map.insert("description".into(), json!(col(row, "description")));
        }
        if let Some(set) = option_set(row)? {
            map.insert("optionSet".into(), set);
        }
        package
            .objects_mut("trackedEntityAttributes")
            .push(identifiable(tea));
    }

    // The Person type carries the shared GEN attributes; program-specific ones stay in the program.
    let person_attributes: Vec<Value> = spec
        .attributes
        .iter()
        .filter(|r| col(r, "name").starts_with("GEN - "))
        .map(|r| {
            json!({
                "displayInList": true,
                "id": uids.uid("trackedEntityTypeAttributes", &format!("Person/{}", col(r, "uid"))),
                "mandatory": false,
                "searchable": true,
                "trackedEntityAttribute": reference(col(r, "uid")),
                "valueType": col(r, "value_type"),
            })
        })
        .collect();
    package
        .objects_mut("trackedEntityTypes")
        .push(identifiable(json!({
            "allowAuditLog": false,
            "featureType": "NONE",
            "id": PERSON,
            "maxTeiCountToReturn": 0,
            "minAttributesRequiredToSearch": 1,
            "name": "Person",
            "shortName": "Person",
            "trackedEntityTypeAttributes": person_attributes,
        })));

    let mut seen = BTreeSet::new();
    for row in &spec.data_elements {
        if !seen.insert(col(row, "uid")) {
            continue; // one data element, used in two stages
        }
        let mut de = json!({
            "aggregationType": "NONE",
            "categoryCombo": reference(DEFAULT_CATEGORY_COMBO),
            "domainType": "TRACKER",
            "formName": col(row, "form_name"),
            "id": col(row, "uid"),
            "name": col(row, "name"),
            "shortName": short_name(col(row, "name")),
            "valueType": col(row, "value_type"),
            "zeroIsSignificant": false,
        });
        if let Some(set) = option_set(row)? {
            de.as_object_mut().unwrap().insert("optionSet".into(), set);
        }
        package.objects_mut("dataElements").push(identifiable(de));
    }

    let program = uids.uid("programs", "Cancer Registry");
    let mut stage_refs = Vec::new();
    for (index, stage_name) in STAGES.iter().enumerate() {
        let stage = uids.uid("programStages", stage_name);
        stage_refs.push(reference(&stage));
        add_stage(package, spec, uids, &program, &stage, stage_name, index + 1);
    }

    let program_attributes: Vec<Value> = spec
        .attributes
        .iter()
        .enumerate()
        .map(|(index, r)| {
            json!({
                "allowFutureDate": false,
                "displayInList": true,
                "id": uids.uid("programTrackedEntityAttributes", col(r, "uid")),
                "mandatory": col(r, "mandatory") == "true",
                "renderOptionsAsRadio": false,
                "searchable": col(r, "unique") == "true" || col(r, "name").starts_with("GEN - "),
                "sortOrder": index + 1,
                "trackedEntityAttribute": reference(col(r, "uid")),
                "valueType": col(r, "value_type"),
            })
        })
        .collect();
    package.objects_mut("programs").push(identifiable(json!({
        "accessLevel": "OPEN",
        "categoryCombo": reference(DEFAULT_CATEGORY_COMBO),
        "completeEventsExpiryDays": 0,
        "displayFrontPageList": true,
        "displayIncidentDate": false,
        "enrollmentDateLabel": "Registration date",
        "expiryDays": 0,
        "id": program,
        "ignoreOverdueEvents": false,
        "maxTeiCountToReturn": 0,
        "minAttributesRequiredToSearch": 1,
        "name": "Cancer Registry",
        "onlyEnrollOnce": true,
        "programStages": stage_refs,
        "programTrackedEntityAttributes": program_attributes,
        "programType": "WITH_REGISTRATION",
        "selectEnrollmentDatesInFuture": false,
        "selectIncidentDatesInFuture": false,
        "shortName": "Cancer Registry",
        "trackedEntityType": reference(PERSON),
    })));
    Ok(())
}

fn add_stage(
    package: &mut Package,
    spec: &Spec,
    uids: &mut UidGenerator,
    program: &str,
    stage: &str,
    stage_name: &str,
    sort_order: usize,
) {
    let rows: Vec<&Row> = spec
        .data_elements
        .iter()
        .filter(|r| col(r, "stage") == stage_name)
        .collect();
    let stage_data_elements: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(index, r)| {
            json!({
                "allowFutureDate": false,
                "allowProvidedElsewhere": false,
                "compulsory": col(r, "compulsory") == "true",
                "dataElement": reference(col(r, "uid")),
                "displayInReports": col(r, "section_hidden") != "true",
                "id": uids.uid("programStageDataElements", &format!("{stage_name}/{}", col(r, "uid"))),
                "programStage": reference(stage),
                "renderOptionsAsRadio": false,
                "skipSynchronization": false,
                "sortOrder": index + 1,
            })
        })
        .collect();

    // Sections in form order; a stage without sections (Follow-up) has none.
    let mut section_names: Vec<(u32, &str)> = rows
        .iter()
        .filter(|r| !col(r, "section").is_empty())
        .map(|r| {
            (
                col(r, "section_order").parse().unwrap_or(0),
                col(r, "section"),
            )
        })
        .collect();
    section_names.sort();
    section_names.dedup();
    let mut section_refs = Vec::new();
    for (order, section_name) in &section_names {
        let section = uids.uid(
            "programStageSections",
            &format!("{stage_name}/{section_name}"),
        );
        let mut members: Vec<&&Row> = rows
            .iter()
            .filter(|r| col(r, "section") == *section_name)
            .collect();
        members.sort_by_key(|r| col(r, "order_in_section").parse::<u32>().unwrap_or(0));
        package.objects_mut("programStageSections").push(identifiable(json!({
            "dataElements": members.iter().map(|r| reference(col(r, "uid"))).collect::<Vec<_>>(),
            "id": section,
            "name": section_name,
            "programStage": reference(stage),
            "renderType": {"DESKTOP": {"type": "LISTING"}, "MOBILE": {"type": "LISTING"}},
            "sortOrder": order,
        })));
        section_refs.push(reference(&section));
    }

    package
        .objects_mut("programStages")
        .push(identifiable(json!({
            "autoGenerateEvent": false,
            "blockEntryForm": false,
            "displayGenerateEventBox": true,
            "featureType": "NONE",
            "generatedByEnrollmentDate": false,
            "hideDueDate": true,
            "id": stage,
            "minDaysFromStart": 0,
            "name": stage_name,
            "openAfterEnrollment": false,
            "program": reference(program),
            "programStageDataElements": stage_data_elements,
            "programStageSections": section_refs,
            "remindCompleted": false,
            "repeatable": true,
            "sortOrder": sort_order,
            "validationStrategy": "ON_UPDATE_AND_INSERT",
        })));
}
