//! The program-rule variables. Every variable reads option **codes** (`useCodeForOptionSet`), so
//! CanReg5's numeric ranges carry over to conditions.

use super::fields::*;
use super::rules::Rules;

/// Check flags with a variable `flag_<uid>` (read by the Rare / Invalid summaries).
pub const FLAGS: [&str; 9] = [
    RARE_AGE_MORPHOLOGY,
    RARE_AGE_TOPOGRAPHY,
    RARE_AGE_TOPOGRAPHY_MORPHOLOGY,
    RARE_BASIS,
    INVALID_GRADE,
    RARE_SEX_MORPHOLOGY,
    INVALID_SEX_TOPOGRAPHY,
    RARE_TOPOGRAPHY_BEHAVIOUR,
    RARE_TOPOGRAPHY_MORPHOLOGY,
];

pub fn add(rules: &mut Rules, tumor_stage: &str) {
    rules.attribute_variable("patient_id", TEA_PATIENT_ID);
    rules.attribute_variable("sex", TEA_SEX);
    rules.attribute_variable("date_of_birth", TEA_DATE_OF_BIRTH);

    let current = "DATAELEMENT_CURRENT_EVENT";
    for (name, uid) in [
        ("incidence_date", INCIDENCE_DATE),
        ("age", AGE),
        ("address", ADDRESS),
        ("tumor_number", TUMOR_NUMBER),
        ("site", SITE),
        ("topography", TOPOGRAPHY),
        ("morphology", MORPHOLOGY),
        ("behaviour", BEHAVIOUR),
        ("basis", BASIS),
        ("grade", GRADE),
        ("run_checks", RUN_CHECKS),
        ("run_tm_check", RUN_TM_CHECK),
        ("run_mp_check", RUN_MP_CHECK),
        ("source_tumor_number", SOURCE_TUMOR_NUMBER),
        ("status", STATUS),
    ] {
        rules.data_element_variable(name, uid, current, None);
    }
    // Values rules assign and later rules read in the same evaluation.
    for (name, uid, value_type) in [
        ("rare", RARE, "BOOLEAN"),
        ("morphology_family", MORPHOLOGY_FAMILY, "NUMBER"),
        ("tm_key", TM_KEY, "TEXT"),
        ("in_must", IN_MUST, "BOOLEAN"),
        ("in_must_list_negative", IN_MUST_NOT, "BOOLEAN"),
        ("morphology_group", MORPHOLOGY_GROUP, "NUMBER"),
        ("topography_group", TOPOGRAPHY_GROUP, "NUMBER"),
        (
            "previous_morphology_group",
            PREVIOUS_MORPHOLOGY_GROUP,
            "NUMBER",
        ),
        (
            "previous_topography_group",
            PREVIOUS_TOPOGRAPHY_GROUP,
            "NUMBER",
        ),
        ("morphology_result", MORPHOLOGY_RESULT, "TEXT"),
        ("previous_tumor_numbers", PREVIOUS_TUMOR_NUMBERS, "TEXT"),
    ] {
        rules.derived_variable(name, uid, value_type);
    }
    for uid in FLAGS {
        rules.derived_variable(&format!("flag_{uid}"), uid, "BOOLEAN");
    }

    let previous = "DATAELEMENT_PREVIOUS_EVENT";
    for (name, uid) in [
        ("prev_event_tumor_number", TUMOR_NUMBER),
        ("prev_event_previous_tumor_numbers", PREVIOUS_TUMOR_NUMBERS),
        ("prev_event_morphology_group", MORPHOLOGY_GROUP),
        ("prev_event_topography_group", TOPOGRAPHY_GROUP),
        (
            "prev_event_previous_morphology_groups",
            PREVIOUS_MORPHOLOGY_GROUPS,
        ),
        (
            "prev_event_previous_topography_groups",
            PREVIOUS_TOPOGRAPHY_GROUPS,
        ),
    ] {
        rules.data_element_variable(name, uid, previous, None);
    }

    let newest = "DATAELEMENT_NEWEST_EVENT_PROGRAM_STAGE";
    for (name, uid) in [
        ("last_tumor_event_tumor_number", TUMOR_NUMBER),
        (
            "last_tumor_event_previous_tumor_numbers",
            PREVIOUS_TUMOR_NUMBERS,
        ),
    ] {
        rules.data_element_variable(name, uid, newest, Some(tumor_stage));
    }
}
