//! The package header, in the three forms DHIS2 packages come in.

use serde_json::{Map, Value};

/// The header of a metadata package.
#[derive(Debug, Clone, PartialEq)]
pub enum Header {
    /// `"package": {"DHIS2Version": ..., "code": ..., "name": ..., ...}` (packages since DHIS2 2.36).
    Package(Map<String, Value>),
    /// `"package": "AEFI_TRACKER_V1.1.2_DHIS2.35.3-3492688_20210408T081801"` (older packages).
    Legacy(String),
    /// A raw `/api/metadata` export: `"system": {"id", "rev", "version", "date"}` and no package header.
    System(Map<String, Value>),
    /// No header at all (a hand-made fragment).
    Absent,
}

impl Header {
    /// The top-level key the header is written under, if any.
    pub fn key(&self) -> Option<&'static str> {
        match self {
            Header::Package(_) | Header::Legacy(_) => Some("package"),
            Header::System(_) => Some("system"),
            Header::Absent => None,
        }
    }

    /// The header as the JSON value written under [`Header::key`].
    pub fn to_value(&self) -> Option<Value> {
        match self {
            Header::Package(map) | Header::System(map) => Some(Value::Object(map.clone())),
            Header::Legacy(name) => Some(Value::String(name.clone())),
            Header::Absent => None,
        }
    }

    fn field(&self, key: &str) -> Option<&str> {
        match self {
            Header::Package(map) => map.get(key).and_then(Value::as_str),
            _ => None,
        }
    }

    /// The package name (`NCD_CR_TRK_1.0.1_DHIS2.42-en`); a legacy header is its name.
    pub fn name(&self) -> Option<&str> {
        match self {
            Header::Legacy(name) => Some(name),
            _ => self.field("name"),
        }
    }

    pub fn code(&self) -> Option<&str> {
        self.field("code")
    }

    pub fn version(&self) -> Option<&str> {
        self.field("version")
    }

    pub fn locale(&self) -> Option<&str> {
        self.field("locale")
    }

    /// The package type (`TRK`, `AGG`, ...).
    pub fn package_type(&self) -> Option<&str> {
        self.field("type")
    }

    pub fn last_updated(&self) -> Option<&str> {
        self.field("lastUpdated")
    }

    /// The DHIS2 version the package was exported from (`2.42.1`), in any header form.
    pub fn dhis2_version(&self) -> Option<String> {
        match self {
            Header::Package(map) => map
                .get("DHIS2Version")
                .and_then(Value::as_str)
                .map(String::from),
            Header::System(map) => map.get("version").and_then(Value::as_str).map(String::from),
            // `..._DHIS2.35.3-3492688_...` names DHIS2 2.35.3.
            Header::Legacy(name) => name
                .split_once("_DHIS2.")
                .and_then(|(_, rest)| rest.split(['-', '_']).next())
                .map(|v| format!("2.{v}")),
            Header::Absent => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dhis2_version_from_every_form() {
        let legacy =
            Header::Legacy("AEFI_TRACKER_V1.1.2_DHIS2.35.3-3492688_20210408T081801".into());
        assert_eq!(legacy.dhis2_version().as_deref(), Some("2.35.3"));
        let system: Map<String, Value> = serde_json::from_str(
            r#"{"id":"x","rev":"abc","version":"2.40.3","date":"2024-01-01"}"#,
        )
        .unwrap();
        assert_eq!(
            Header::System(system).dhis2_version().as_deref(),
            Some("2.40.3")
        );
        let package: Map<String, Value> =
            serde_json::from_str(r#"{"DHIS2Version":"2.42","name":"X"}"#).unwrap();
        let header = Header::Package(package);
        assert_eq!(header.dhis2_version().as_deref(), Some("2.42"));
        assert_eq!(header.name(), Some("X"));
    }
}
