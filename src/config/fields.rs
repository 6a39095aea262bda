//! `fields:` new data elements (in a named stage and section) and new person attributes,
//! declared by the names implementers know. Applied by `src/adapt/fields.rs`.

use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The field's code, unique among data elements (or attributes); also the key of its UIDs.
    pub code: String,
    /// The field's name (unique among data elements or attributes), e.g. `CR - HIV status`.
    pub name: String,
    /// Short name (at most 50 characters, unique). Default: the name.
    #[serde(default)]
    pub short_name: Option<String>,
    /// The label on the form. Default: the name.
    #[serde(default)]
    pub form_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The program stage, by name (`Tumor`, `Source`, `Follow up`). Not with `person`.
    #[serde(default)]
    pub stage: Option<String>,
    /// The stage's section, by name (`Patient`); required when the stage has sections.
    #[serde(default)]
    pub section: Option<String>,
    /// A person attribute (added to the Person type and the program) instead of a data element.
    #[serde(default)]
    pub person: bool,
    /// The field it follows, by code or name. Default: last.
    #[serde(default)]
    pub after: Option<String>,
    /// DHIS2 value type. Default TEXT.
    #[serde(default = "default_value_type")]
    pub value_type: String,
    /// Options written here.
    #[serde(default)]
    pub options: Vec<FieldOption>,
    /// Options from a CSV file, or an option set of the package.
    #[serde(default)]
    pub option_set: Option<OptionSetSource>,
    /// Compulsory in the stage (data element) or mandatory in the program (attribute).
    #[serde(default)]
    pub mandatory: bool,
    /// The CanReg5 variable this field exports to (the export app's field mapping).
    #[serde(default)]
    pub canreg5: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldOption {
    pub code: String,
    pub name: String,
}

/// `{ csv: options.csv, code: code, name: name }` or `{ existing: CR_SEX }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSetSource {
    /// A CSV file (relative to the config) with one option a row.
    #[serde(default)]
    pub csv: Option<PathBuf>,
    /// The CSV column holding the codes. Default `code`.
    #[serde(default = "default_code")]
    pub code: String,
    /// The CSV column holding the names. Default `name`.
    #[serde(default = "default_name")]
    pub name: String,
    /// An option set of the package, by code or name.
    #[serde(default)]
    pub existing: Option<String>,
}

fn default_value_type() -> String {
    "TEXT".into()
}

fn default_code() -> String {
    "code".into()
}

fn default_name() -> String {
    "name".into()
}
