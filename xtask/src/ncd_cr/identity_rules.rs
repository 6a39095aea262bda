//! Identifier rules: Patient ID copies, TUMOURID / TUMOURIDSOURCETABLE composition (CanReg5
//! `CanRegDAO`: Patient ID + "01" + tumour number), previous tumour numbers, the duplicate
//! tumour-number error, the Source → Tumor link check, and age at incidence.

use super::fields::{var, *};
use super::rules::{Action, Rules, priority};

pub fn add(rules: &mut Rules, tumor: &str, source: &str) {
    let has = |v: &str| format!("d2:hasValue({v})");

    rules.rule(
        "CR - Assign value to Tumor Patient ID - Tumor",
        "Copies the enrollment Patient ID into the Tumor stage (CanReg5 export).",
        Some(tumor),
        priority::INPUTS,
        has(var::PATIENT_ID),
        vec![Action::assign(PATIENT_ID, var::PATIENT_ID)],
    );
    rules.rule(
        "CR - Assign value to TUMOURID",
        "TUMOURID = Patient ID + \"01\" + Tumor number (CanReg5 TUMOURID, 12 characters).",
        Some(tumor),
        priority::INPUTS,
        format!("{} && {}", has(var::PATIENT_ID), has(var::TUMOR_NUMBER)),
        vec![Action::assign(
            TUMOURID,
            format!(
                "d2:concatenate({}, '01', {})",
                var::PATIENT_ID,
                var::TUMOR_NUMBER
            ),
        )],
    );
    accumulate(
        rules,
        tumor,
        "CR - Assign Previous tumor number",
        "the tumour numbers of earlier Tumor events",
        PREVIOUS_TUMOR_NUMBERS,
        var::PREV_EVENT_TUMOR_NUMBER,
        var::PREV_EVENT_PREVIOUS_TUMOR_NUMBERS,
    );
    rules.rule(
        "CR - Error on duplicate tumor number",
        "A tumour number may be used by one Tumor event of a patient only.",
        Some(tumor),
        priority::FORM,
        format!(
            "{} && {} && {}",
            has(var::TUMOR_NUMBER),
            has(var::PREVIOUS_TUMOR_NUMBERS),
            contains(var::PREVIOUS_TUMOR_NUMBERS, var::TUMOR_NUMBER)
        ),
        vec![Action::error(
            TUMOR_NUMBER,
            "This tumor number is already assigned to another tumor of this patient. Choose another number.",
            None,
        )],
    );

    rules.rule(
        "CR - Assign value to Tumor Patient ID - Source",
        "Copies the enrollment Patient ID into the Source stage.",
        Some(source),
        priority::INPUTS,
        has(var::PATIENT_ID),
        vec![Action::assign(PATIENT_ID, var::PATIENT_ID)],
    );
    rules.rule(
        "CR - Assign value to TUMOURIDSOURCETABLE",
        "TUMOURIDSOURCETABLE = Patient ID + \"01\" + Source: Tumor number (links the source to its tumour).",
        Some(source),
        priority::INPUTS,
        format!("{} && {}", has(var::PATIENT_ID), has(var::SOURCE_TUMOR_NUMBER)),
        vec![Action::assign(
            TUMOURIDSOURCETABLE,
            format!("d2:concatenate({}, '01', {})", var::PATIENT_ID, var::SOURCE_TUMOR_NUMBER),
        )],
    );
    rules.rule(
        "CR - Show error if the tumor number has not been assigned to any tumor",
        "A source must name the tumour number of an existing Tumor event of the patient.",
        Some(source),
        priority::FORM,
        format!(
            "{} && !{}",
            has(var::SOURCE_TUMOR_NUMBER),
            contains(
                &format!(
                    "d2:concatenate({}, ',', {})",
                    var::LAST_PREVIOUS_TUMOR_NUMBERS,
                    var::LAST_TUMOR_NUMBER
                ),
                var::SOURCE_TUMOR_NUMBER
            )
        ),
        vec![Action::error(
            SOURCE_TUMOR_NUMBER,
            "No tumor of this patient has this tumor number. Register the tumor first or choose its number.",
            None,
        )],
    );

    let dob = var::DATE_OF_BIRTH;
    let years = format!("d2:yearsBetween({dob}, {})", var::INCIDENCE_DATE);
    let dates = format!("{} && {}", has(dob), has(var::INCIDENCE_DATE));
    rules.rule(
        "CR - Assign age at incidence",
        "Age at incidence in whole years from Date of birth and Incidence date, when Age is empty.",
        Some(tumor),
        priority::INPUTS,
        format!("{dates} && !{}", has(var::AGE)),
        vec![Action::assign(AGE, years.clone())],
    );
    rules.rule(
        "CR - Check age incidence date and date of birth",
        "CanReg5 CheckAgeIncidenceDateBirthDate: Age must equal the whole years between birth and incidence.",
        Some(tumor),
        priority::CHECKS,
        format!("{dates} && {} && {} != {years}", has(var::AGE), var::AGE),
        vec![Action::warning(
            AGE,
            "Age does not match Date of birth and Incidence date. Expected age:",
            Some(&years),
        )],
    );
    rules.rule(
        "CR - Incidence date before date of birth",
        "CanReg5 CheckAgeIncidenceDateBirthDate: the incidence date cannot precede the birth date.",
        Some(tumor),
        priority::CHECKS,
        format!(
            "{dates} && d2:daysBetween({dob}, {}) < 0",
            var::INCIDENCE_DATE
        ),
        vec![Action::error(
            INCIDENCE_DATE,
            "Incidence date is before the date of birth.",
            None,
        )],
    );
}

/// `needle` is one of the comma-separated values of `list` (MULTI_TEXT values are comma-separated codes).
pub fn contains(list: &str, needle: &str) -> String {
    format!("d2:contains(d2:concatenate(',', {list}, ','), d2:concatenate(',', {needle}, ','))")
}

/// Collects the values of earlier events into a MULTI_TEXT field: the previous event's value plus
/// what the previous event had collected, without repeating a value.
pub fn accumulate(
    rules: &mut Rules,
    stage: &str,
    name: &str,
    what: &str,
    target: &str,
    previous_value: &str,
    previous_list: &str,
) {
    let has = |v: &str| format!("d2:hasValue({v})");
    rules.rule(
        &format!("{name} - first"),
        &format!("Starts the list of {what}."),
        Some(stage),
        priority::INPUTS,
        format!("{} && !{}", has(previous_value), has(previous_list)),
        vec![Action::assign(target, previous_value)],
    );
    rules.rule(
        &format!("{name} - add"),
        &format!("Adds the previous event's value to the list of {what}."),
        Some(stage),
        priority::INPUTS,
        format!(
            "{} && {} && !{}",
            has(previous_value),
            has(previous_list),
            contains(previous_list, previous_value)
        ),
        vec![Action::assign(
            target,
            format!("d2:concatenate({previous_list}, ',', {previous_value})"),
        )],
    );
    rules.rule(
        &format!("{name} - keep"),
        &format!("Keeps the list of {what} when the previous event's value is already in it."),
        Some(stage),
        priority::INPUTS,
        format!(
            "{} && {} && {}",
            has(previous_value),
            has(previous_list),
            contains(previous_list, previous_value)
        ),
        vec![Action::assign(target, previous_list)],
    );
}
