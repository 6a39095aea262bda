//! `identifiers:` extra person attributes such as a national ID.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    /// The attribute's name (unique among attributes), e.g. `National ID`.
    pub name: String,
    /// Short name (at most 50 characters). Default: the name.
    #[serde(default)]
    pub short_name: Option<String>,
    /// The attribute's code, also the key of its UID (`NATIONAL_ID`).
    pub code: String,
    /// DHIS2 value type. Default TEXT.
    #[serde(default = "default_value_type")]
    pub value_type: String,
    /// Two persons may not share a value (DHIS2 checks it). Default false.
    #[serde(default)]
    pub unique: bool,
    /// Searchable in the program and the Person type. Default true.
    #[serde(default = "yes")]
    pub searchable: bool,
    /// Required at enrollment. Default false.
    #[serde(default)]
    pub mandatory: bool,
    /// A pattern the value must match (`d2:validatePattern`: a JavaScript regular expression, the
    /// whole value must match; checked by [`super::js_regex`]).
    #[serde(default)]
    pub pattern: Option<String>,
    /// The message shown when the value does not match `pattern`.
    #[serde(default)]
    pub pattern_message: Option<String>,
}

fn default_value_type() -> String {
    "TEXT".into()
}

fn yes() -> bool {
    true
}
