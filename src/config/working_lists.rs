//! `working_lists:` saved lists in Capture: program stage working lists (`stage:` given,
//! `programStageWorkingLists`, DHIS2 2.40+) and tracked entity working lists
//! (`trackedEntityInstanceFilters`). Applied by `src/adapt/working_lists.rs`.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingList {
    /// Unique among the lists of its kind; also the key of its UID.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// A program stage working list of this stage (by name); without it, a list of persons.
    #[serde(default)]
    pub stage: Option<String>,
    /// ACTIVE, COMPLETED, VISITED, SCHEDULE, OVERDUE, SKIPPED.
    #[serde(default)]
    pub event_status: Option<String>,
    /// ACTIVE, COMPLETED, CANCELLED.
    #[serde(default)]
    pub enrollment_status: Option<String>,
    /// The event's date.
    #[serde(default)]
    pub event_date: Option<DateFilter>,
    /// The event's scheduled date (stage lists).
    #[serde(default)]
    pub scheduled_date: Option<DateFilter>,
    /// The enrollment date.
    #[serde(default)]
    pub enrollment_date: Option<DateFilter>,
    /// The incident date.
    #[serde(default)]
    pub incident_date: Option<DateFilter>,
    /// CURRENT, PROVIDED, NONE, ANY, ALL.
    #[serde(default)]
    pub assigned_user: Option<String>,
    /// User UIDs, with `assigned_user: PROVIDED`.
    #[serde(default)]
    pub assigned_users: Vec<String>,
    /// Persons marked for follow-up (person lists).
    #[serde(default)]
    pub follow_up: Option<bool>,
    /// Conditions on fields, by code or name; option values by option code.
    #[serde(default)]
    pub filters: Vec<Filter>,
    /// The columns shown, in order: fields by code or name.
    #[serde(default)]
    pub columns: Vec<String>,
}

/// `{ period: LAST_30_DAYS }`, `{ from: 2024-01-01, to: 2024-12-31 }` or
/// `{ start_buffer: -30, end_buffer: 0 }` (days from today).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateFilter {
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub start_buffer: Option<i64>,
    #[serde(default)]
    pub end_buffer: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// A data element of the stage or an attribute of the program, by code or name.
    pub field: String,
    #[serde(default)]
    pub eq: Option<String>,
    #[serde(default, rename = "in")]
    pub any_of: Vec<String>,
    #[serde(default)]
    pub like: Option<String>,
    #[serde(default)]
    pub ge: Option<String>,
    #[serde(default)]
    pub gt: Option<String>,
    #[serde(default)]
    pub le: Option<String>,
    #[serde(default)]
    pub lt: Option<String>,
    /// For date fields.
    #[serde(default)]
    pub date: Option<DateFilter>,
}
