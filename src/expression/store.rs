//! The item store the engine validates against: rule-variable names, constant UIDs and
//! environment variables, each with a value type. Like DHIS2's store it is a single
//! namespace; on a name clash environment variables win over constants, which win over
//! rule variables (DHIS2 inserts them in that order into one map).

use std::collections::HashMap;

use super::types::ValueType;

/// The engine's item value types (`ItemValueType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemType {
    Number,
    Date,
    Text,
    Boolean,
}

impl ItemType {
    /// Maps a DHIS2 `valueType` (TEXT, INTEGER_POSITIVE, AGE, TRUE_ONLY, ...) the way DHIS2
    /// builds the validation store: date types → DATE, numeric → NUMBER, boolean → BOOLEAN,
    /// everything else → TEXT.
    pub fn from_dhis2(value_type: &str) -> ItemType {
        match value_type {
            "DATE" | "DATETIME" | "AGE" => ItemType::Date,
            "NUMBER"
            | "UNIT_INTERVAL"
            | "PERCENTAGE"
            | "INTEGER"
            | "INTEGER_POSITIVE"
            | "INTEGER_NEGATIVE"
            | "INTEGER_ZERO_OR_POSITIVE" => ItemType::Number,
            "BOOLEAN" | "TRUE_ONLY" => ItemType::Boolean,
            _ => ItemType::Text,
        }
    }

    /// The expression type a reference to such an item has.
    pub fn value_type(self) -> ValueType {
        match self {
            ItemType::Number => ValueType::Number,
            ItemType::Date => ValueType::Date,
            ItemType::Text => ValueType::String,
            ItemType::Boolean => ValueType::Boolean,
        }
    }
}

/// Environment variables DHIS2 puts in every validation store (rule engine
/// `EnvironmentVariables.ENV_VARIABLES`), with their types.
pub const ENVIRONMENT_VARIABLES: [(&str, ItemType); 19] = [
    ("completed_date", ItemType::Date),
    ("current_date", ItemType::Date),
    ("event_date", ItemType::Date),
    ("incident_date", ItemType::Date),
    ("enrollment_date", ItemType::Date),
    ("due_date", ItemType::Date),
    ("event_count", ItemType::Number),
    ("tei_count", ItemType::Number),
    ("enrollment_count", ItemType::Number),
    ("event_id", ItemType::Number),
    ("program_stage_id", ItemType::Number),
    ("enrollment_id", ItemType::Number),
    ("enrollment_status", ItemType::Text),
    ("event_status", ItemType::Text),
    ("org_unit", ItemType::Text),
    ("orgunit_code", ItemType::Text),
    ("environment", ItemType::Text),
    ("program_name", ItemType::Text),
    ("program_stage_name", ItemType::Text),
];

#[derive(Debug, Clone, Default)]
pub struct ItemStore {
    variables: HashMap<String, ItemType>,
    constants: HashMap<String, ItemType>,
    environment: HashMap<String, ItemType>,
}

impl ItemStore {
    /// A store with DHIS2's environment variables, as the server always provides them.
    pub fn new() -> Self {
        let mut s = ItemStore::empty();
        for (name, ty) in ENVIRONMENT_VARIABLES {
            s.environment.insert(name.to_string(), ty);
        }
        s
    }

    /// A store without anything, not even environment variables.
    pub fn empty() -> Self {
        ItemStore::default()
    }

    /// Adds a program rule variable with a DHIS2 value type string (`TEXT`, `INTEGER`, ...).
    pub fn add_variable(&mut self, name: &str, dhis2_value_type: &str) -> &mut Self {
        self.add_variable_typed(name, ItemType::from_dhis2(dhis2_value_type))
    }

    pub fn add_variable_typed(&mut self, name: &str, ty: ItemType) -> &mut Self {
        self.variables.insert(name.to_string(), ty);
        self
    }

    /// Adds a constant by UID (constants are numbers).
    pub fn add_constant(&mut self, uid: &str) -> &mut Self {
        self.constants.insert(uid.to_string(), ItemType::Number);
        self
    }

    /// Adds or overrides an environment variable.
    pub fn add_environment(&mut self, name: &str, ty: ItemType) -> &mut Self {
        self.environment.insert(name.to_string(), ty);
        self
    }

    /// Looks a key up as the engine does: one namespace for all kinds of items.
    pub fn get(&self, key: &str) -> Option<ItemType> {
        self.environment
            .get(key)
            .or_else(|| self.constants.get(key))
            .or_else(|| self.variables.get(key))
            .copied()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_and_types() {
        let mut s = ItemStore::new();
        s.add_variable("age", "INTEGER_ZERO_OR_POSITIVE")
            .add_variable("dob", "AGE")
            .add_variable("current_date", "TEXT")
            .add_constant("ABCDEFGHIJK");
        assert_eq!(s.get("age"), Some(ItemType::Number));
        assert_eq!(s.get("dob"), Some(ItemType::Date));
        assert_eq!(s.get("current_date"), Some(ItemType::Date));
        assert_eq!(s.get("ABCDEFGHIJK"), Some(ItemType::Number));
        assert_eq!(s.get("analytics_period_end"), None);
        assert!(!ItemStore::empty().contains("current_date"));
        assert_eq!(ItemType::from_dhis2("TRUE_ONLY"), ItemType::Boolean);
        assert_eq!(ItemType::from_dhis2("TIME"), ItemType::Text);
    }
}
