//! `names:` national names for objects of the base, found by code (or by their exact current
//! name). Applied by `src/adapt/names.rs`.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NameTarget {
    DataElement,
    TrackedEntityAttribute,
    Option,
    OptionSet,
    ProgramStage,
    ProgramStageSection,
    Program,
}

impl NameTarget {
    /// The package key of the type.
    pub fn kind(self) -> &'static str {
        match self {
            NameTarget::DataElement => "dataElements",
            NameTarget::TrackedEntityAttribute => "trackedEntityAttributes",
            NameTarget::Option => "options",
            NameTarget::OptionSet => "optionSets",
            NameTarget::ProgramStage => "programStages",
            NameTarget::ProgramStageSection => "programStageSections",
            NameTarget::Program => "programs",
        }
    }

    /// As written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            NameTarget::DataElement => "dataElement",
            NameTarget::TrackedEntityAttribute => "trackedEntityAttribute",
            NameTarget::Option => "option",
            NameTarget::OptionSet => "optionSet",
            NameTarget::ProgramStage => "programStage",
            NameTarget::ProgramStageSection => "programStageSection",
            NameTarget::Program => "program",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    #[serde(rename = "type")]
    pub target: NameTarget,
    /// The object's code (`CR_AGE`; for an option, its code within `option_set`).
    #[serde(default)]
    pub code: Option<String>,
    /// Or its exact current name (stages and sections have no code).
    #[serde(default)]
    pub current_name: Option<String>,
    /// For an option: its option set, by code or name.
    #[serde(default)]
    pub option_set: Option<String>,
    /// For a section: its stage, by name (when two sections share a name).
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub form_name: Option<String>,
}
