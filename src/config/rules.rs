//! `rules:` custom program rules written with field codes or names. Applied by
//! `src/adapt/rules.rs`.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique among the program's rules (E4057); also the key of its UIDs.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Evaluate only in this stage (by name). Default: every stage and the enrollment.
    #[serde(default)]
    pub stage: Option<String>,
    /// Explicit: lower runs first (DHIS2 orders rules by priority).
    pub priority: i64,
    /// The condition: `#{CR_AGE} > 100`, fields by code, name or rule-variable name.
    pub when: String,
    #[serde(default)]
    pub show_warning: Option<Message>,
    #[serde(default)]
    pub show_error: Option<Message>,
    #[serde(default)]
    pub hide_field: Option<OneOrMany>,
    #[serde(default)]
    pub set_mandatory: Option<OneOrMany>,
    #[serde(default)]
    pub assign: Option<Assign>,
    #[serde(default)]
    pub hide_option: Option<HideOption>,
    #[serde(default)]
    pub display_text: Option<DisplayText>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// The field the message is shown on. Default: none (shown in the form's feedback).
    #[serde(default)]
    pub on: Option<String>,
    pub message: String,
    /// An expression whose value is appended to the message.
    #[serde(default)]
    pub data: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assign {
    pub on: String,
    /// The expression assigned (`d2:yearsBetween(...)`, `'text'`, `true`).
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HideOption {
    pub on: String,
    /// Option code(s) of the field's option set.
    pub option: OneOrMany,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplayText {
    pub message: String,
    #[serde(default)]
    pub data: Option<String>,
    /// `feedback` (default) or `indicators`: the widget the text shows in.
    #[serde(default)]
    pub location: Option<String>,
}

/// `CR_AGE` or `[CR_AGE, CR_SEX]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn items(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}
