//! Published UIDs of the fields program rules read and write (IG `Dhis2DataElementsCS`,
//! `Dhis2TrackedEntityAttributesCS`), and the rule-variable names that read them.

// Enrollment attributes.
pub const TEA_PATIENT_ID: &str = "hDEhIMZe07x";
pub const TEA_SEX: &str = "m7GEZG8cyCO";
pub const TEA_DATE_OF_BIRTH: &str = "NI0QRzJvQ0k";

// Tumor stage: Patient and Tumor sections.
pub const INCIDENCE_DATE: &str = "c6EnHSAMUat";
pub const AGE: &str = "tasm9QG8HaF";
pub const ADDRESS: &str = "xcUBzN5QFXu";
pub const TUMOR_NUMBER: &str = "KgDQLAkC5ql";
pub const SITE: &str = "LCSApBii8CI";
pub const TOPOGRAPHY: &str = "zw6Vwqnhvmh";
pub const MORPHOLOGY: &str = "UkyyY1xukJg";
pub const BEHAVIOUR: &str = "MMIuwJdjx8B";
pub const BASIS: &str = "uoyoNWrexbY";
pub const GRADE: &str = "ZMD8dwB3zOZ";
// Check Status.
pub const RUN_CHECKS: &str = "FlGHlAuG4Ly";
pub const RUN_TM_CHECK: &str = "nFJ2MJ8Vxuj";
pub const RUN_MP_CHECK: &str = "rqpqtJZto2L";
// Checks (hidden).
pub const RARE_AGE_MORPHOLOGY: &str = "mxfPEKn6kFt";
pub const RARE_AGE_TOPOGRAPHY: &str = "rPvQffpxaEs";
pub const RARE_AGE_TOPOGRAPHY_MORPHOLOGY: &str = "Laax6wSBp2G";
pub const RARE_BASIS: &str = "U8v95tUnazC";
pub const INVALID_GRADE: &str = "doB0rv08MIc";
pub const RARE_SEX_MORPHOLOGY: &str = "FH09UKj7HMC";
pub const INVALID_SEX_TOPOGRAPHY: &str = "wAmyuRZNNXC";
pub const RARE_TOPOGRAPHY_BEHAVIOUR: &str = "ugeBdJzYHVW";
pub const RARE_TOPOGRAPHY_MORPHOLOGY: &str = "fdvzxz58nEE";
pub const MP_RESULT: &str = "VBkjlEwG4BE";
pub const RARE: &str = "jTW2ljvoIc6";
pub const INVALID: &str = "TXtHNzrfmki";
// Morphology topography check (hidden).
pub const MORPHOLOGY_FAMILY: &str = "RBu5b3A68mq";
pub const TM_KEY: &str = "XR1U9dr60xI";
pub const IN_MUST: &str = "oZyJlKscN6G";
pub const IN_MUST_NOT: &str = "DyVH5Q3Qf0Q";
// Multiple primary tester (hidden).
pub const MORPHOLOGY_GROUP: &str = "yt3gq8onyKb";
pub const PREVIOUS_MORPHOLOGY_GROUP: &str = "eGWudq2aGpY";
pub const PREVIOUS_MORPHOLOGY_GROUPS: &str = "dTbQZsduHT7";
pub const TOPOGRAPHY_GROUP: &str = "RmzIYvxiBm4";
pub const PREVIOUS_TOPOGRAPHY_GROUP: &str = "FyzoZsxRjjz";
pub const PREVIOUS_TOPOGRAPHY_GROUPS: &str = "IhLiguJKuzz";
pub const MORPHOLOGY_RESULT: &str = "n4IHuWceDlW";
// Tumour ID (hidden).
pub const TUMOURID: &str = "KwMs1DNVA0R";
pub const PREVIOUS_TUMOR_NUMBERS: &str = "OrVAWBySU43";
pub const PATIENT_ID: &str = "EMoLghRDW4A";
// Source stage.
pub const SOURCE_TUMOR_NUMBER: &str = "fID2of7Q8Jj";
pub const TUMOURIDSOURCETABLE: &str = "HxMFZcIIZpL";
// Follow-up stage.
pub const STATUS: &str = "nMpcjKFF5zt";
pub const DATE_OF_DEATH: &str = "hCJqPZcw2n6";

/// Rule-variable references (`#{name}` / `A{name}`); the names are declared in `variables.rs`.
pub mod var {
    pub const PATIENT_ID: &str = "A{patient_id}";
    pub const SEX: &str = "A{sex}";
    pub const DATE_OF_BIRTH: &str = "A{date_of_birth}";
    pub const INCIDENCE_DATE: &str = "#{incidence_date}";
    pub const AGE: &str = "#{age}";
    pub const ADDRESS: &str = "#{address}";
    pub const TUMOR_NUMBER: &str = "#{tumor_number}";
    pub const SITE: &str = "#{site}";
    pub const TOPOGRAPHY: &str = "#{topography}";
    pub const MORPHOLOGY: &str = "#{morphology}";
    pub const BEHAVIOUR: &str = "#{behaviour}";
    pub const BASIS: &str = "#{basis}";
    pub const GRADE: &str = "#{grade}";
    pub const RUN_CHECKS: &str = "#{run_checks}";
    pub const RUN_TM_CHECK: &str = "#{run_tm_check}";
    pub const RUN_MP_CHECK: &str = "#{run_mp_check}";
    pub const RARE: &str = "#{rare}";
    pub const MORPHOLOGY_FAMILY: &str = "#{morphology_family}";
    pub const TM_KEY: &str = "#{tm_key}";
    pub const IN_MUST: &str = "#{in_must}";
    pub const IN_MUST_NOT: &str = "#{in_must_list_negative}";
    pub const MORPHOLOGY_GROUP: &str = "#{morphology_group}";
    pub const TOPOGRAPHY_GROUP: &str = "#{topography_group}";
    pub const PREVIOUS_MORPHOLOGY_GROUP: &str = "#{previous_morphology_group}";
    pub const PREVIOUS_TOPOGRAPHY_GROUP: &str = "#{previous_topography_group}";
    pub const MORPHOLOGY_RESULT: &str = "#{morphology_result}";
    pub const PREVIOUS_TUMOR_NUMBERS: &str = "#{previous_tumor_numbers}";
    pub const PREV_EVENT_TUMOR_NUMBER: &str = "#{prev_event_tumor_number}";
    pub const PREV_EVENT_PREVIOUS_TUMOR_NUMBERS: &str = "#{prev_event_previous_tumor_numbers}";
    pub const PREV_EVENT_MORPHOLOGY_GROUP: &str = "#{prev_event_morphology_group}";
    pub const PREV_EVENT_TOPOGRAPHY_GROUP: &str = "#{prev_event_topography_group}";
    pub const PREV_EVENT_MORPHOLOGY_GROUPS: &str = "#{prev_event_previous_morphology_groups}";
    pub const PREV_EVENT_TOPOGRAPHY_GROUPS: &str = "#{prev_event_previous_topography_groups}";
    pub const SOURCE_TUMOR_NUMBER: &str = "#{source_tumor_number}";
    pub const LAST_TUMOR_NUMBER: &str = "#{last_tumor_event_tumor_number}";
    pub const LAST_PREVIOUS_TUMOR_NUMBERS: &str = "#{last_tumor_event_previous_tumor_numbers}";
    pub const STATUS: &str = "#{status}";
    /// A check flag's variable, by data element UID.
    pub fn flag(uid: &str) -> String {
        format!("#{{flag_{uid}}}")
    }
}
