//! `indicators:` program indicators written with the field codes implementers know, and the
//! opt-in registry indicator set crtk ships (see `crate::adapt::indicators`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsConfig {
    /// Adds crtk's registry indicator set (new cases, MV%, DCO%, unknown site and age, failed
    /// and rare checks). Default false.
    #[serde(default)]
    pub registry_set: bool,
    /// The country's own indicators.
    #[serde(default)]
    pub custom: Vec<Indicator>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// DHIS2 code, also the key of the indicator's UID: `KE_TUMOURS_ADDRESS_UNKNOWN`.
    pub code: String,
    pub name: String,
    /// At most 50 characters. Default: the name (which must then fit).
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// `event` (one value per event: a tumour, a source, a follow-up) or `enrollment` (one per
    /// patient). Default `event`.
    #[serde(default)]
    pub analytics_type: AnalyticsType,
    /// What is counted or averaged, with `#{FIELD_CODE}`, `#{Stage name.FIELD_CODE}`,
    /// `A{ATTRIBUTE_CODE}`, `V{...}` and the program-indicator functions.
    pub expression: String,
    /// Which events or enrollments are counted (a boolean expression). Default: all.
    #[serde(default)]
    pub filter: Option<String>,
    /// How values are combined over a period and org unit. Default `count`.
    #[serde(default)]
    pub aggregation_type: AggregationType,
    /// Decimals shown. Default: DHIS2's.
    #[serde(default)]
    pub decimals: Option<u8>,
    /// The date that places a value in a period: `event_date`, `enrollment_date`,
    /// `incident_date`, or a date field's code. Default: the event date (event indicators) or
    /// the enrollment date (enrollment indicators).
    #[serde(default)]
    pub period_boundary: Option<String>,
    /// UID of a legend set (in the package or declared external).
    #[serde(default)]
    pub legend_set: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalyticsType {
    #[default]
    Event,
    Enrollment,
}

impl AnalyticsType {
    pub fn dhis2(self) -> &'static str {
        match self {
            AnalyticsType::Event => "EVENT",
            AnalyticsType::Enrollment => "ENROLLMENT",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregationType {
    #[default]
    Count,
    Sum,
    Average,
    Min,
    Max,
    Stddev,
    Variance,
}

impl AggregationType {
    pub fn dhis2(self) -> &'static str {
        match self {
            AggregationType::Count => "COUNT",
            AggregationType::Sum => "SUM",
            AggregationType::Average => "AVERAGE",
            AggregationType::Min => "MIN",
            AggregationType::Max => "MAX",
            AggregationType::Stddev => "STDDEV",
            AggregationType::Variance => "VARIANCE",
        }
    }
}
