//! Which texts of which DHIS2 object types crtk offers for translation, and under which DHIS2
//! translation key.
//!
//! DHIS2 marks a property translatable with `@Translatable(propertyName, key)` on its
//! `getDisplay*()` getter (dhis2-core `org.hisp.dhis.translation.Translatable`); the key is what a
//! `translations` entry names in `property` (`{"locale": "fr", "property": "FORM_NAME", "value":
//! ...}`). Keys read there: `NAME`, `SHORT_NAME`, `DESCRIPTION`, `FORM_NAME` (data elements,
//! attributes, programs), the program labels (`ENROLLMENT_DATE_LABEL`, `INCIDENT_DATE_LABEL`,
//! `ENROLLMENT_LABEL`, `FOLLOW_UP_LABEL`, `ORG_UNIT_LABEL`, `RELATIONSHIP_LABEL`, `NOTE_LABEL`,
//! `TRACKED_ENTITY_ATTRIBUTE_LABEL`, `PROGRAM_STAGE_LABEL`, `EVENT_LABEL`), the stage labels
//! (`EXECUTION_DATE_LABEL`, `DUE_DATE_LABEL`) and `CONTENT` for rule-action messages.
//!
//! Only texts a person sees while entering or reading data are listed: rule names, rule-variable
//! names and user-group names are translatable in DHIS2 too but never shown in data entry, so
//! crtk neither exports nor imports them.

/// One translatable text: the DHIS2 translation key and the JSON property holding the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextProperty {
    /// The key in `translations[].property` (`FORM_NAME`).
    pub key: &'static str,
    /// The object's property holding the default-language text (`formName`).
    pub field: &'static str,
}

/// A metadata type whose objects carry translatable texts.
#[derive(Debug, Clone, Copy)]
pub struct TranslatableType {
    /// The package key (`dataElements`).
    pub kind: &'static str,
    /// What a translator reads in the "Object type" column (`Data element`).
    pub label: &'static str,
    pub properties: &'static [TextProperty],
}

const fn p(key: &'static str, field: &'static str) -> TextProperty {
    TextProperty { key, field }
}

const NAME: TextProperty = p("NAME", "name");
const SHORT_NAME: TextProperty = p("SHORT_NAME", "shortName");
const DESCRIPTION: TextProperty = p("DESCRIPTION", "description");
const FORM_NAME: TextProperty = p("FORM_NAME", "formName");

/// The types in the order a translator meets them (program first, rule messages last); exports
/// are grouped in this order.
pub const TYPES: &[TranslatableType] = &[
    TranslatableType {
        kind: "programs",
        label: "Program",
        properties: &[
            NAME,
            SHORT_NAME,
            DESCRIPTION,
            FORM_NAME,
            p("ENROLLMENT_DATE_LABEL", "enrollmentDateLabel"),
            p("INCIDENT_DATE_LABEL", "incidentDateLabel"),
            p("ENROLLMENT_LABEL", "enrollmentLabel"),
            p("FOLLOW_UP_LABEL", "followUpLabel"),
            p("ORG_UNIT_LABEL", "orgUnitLabel"),
            p("RELATIONSHIP_LABEL", "relationshipLabel"),
            p("NOTE_LABEL", "noteLabel"),
            p(
                "TRACKED_ENTITY_ATTRIBUTE_LABEL",
                "trackedEntityAttributeLabel",
            ),
            p("PROGRAM_STAGE_LABEL", "programStageLabel"),
            p("EVENT_LABEL", "eventLabel"),
        ],
    },
    TranslatableType {
        kind: "programSections",
        label: "Enrollment form section",
        properties: &[NAME, DESCRIPTION, FORM_NAME],
    },
    TranslatableType {
        kind: "programStages",
        label: "Program stage",
        properties: &[
            NAME,
            DESCRIPTION,
            FORM_NAME,
            p("EXECUTION_DATE_LABEL", "executionDateLabel"),
            p("DUE_DATE_LABEL", "dueDateLabel"),
        ],
    },
    TranslatableType {
        kind: "programStageSections",
        label: "Stage section",
        properties: &[NAME, DESCRIPTION, FORM_NAME],
    },
    TranslatableType {
        kind: "trackedEntityTypes",
        label: "Tracked entity type",
        properties: &[NAME, SHORT_NAME, DESCRIPTION, FORM_NAME],
    },
    TranslatableType {
        kind: "trackedEntityAttributes",
        label: "Attribute",
        properties: &[NAME, SHORT_NAME, DESCRIPTION, FORM_NAME],
    },
    TranslatableType {
        kind: "dataElements",
        label: "Data element",
        properties: &[NAME, SHORT_NAME, DESCRIPTION, FORM_NAME],
    },
    TranslatableType {
        kind: "optionSets",
        label: "Option set",
        properties: &[NAME, DESCRIPTION],
    },
    TranslatableType {
        kind: "options",
        label: "Option",
        properties: &[NAME, DESCRIPTION, FORM_NAME],
    },
    TranslatableType {
        kind: "optionGroups",
        label: "Option group",
        properties: &[NAME, SHORT_NAME, DESCRIPTION],
    },
    TranslatableType {
        kind: "programIndicators",
        label: "Program indicator",
        properties: &[NAME, SHORT_NAME, DESCRIPTION, FORM_NAME],
    },
    // Working lists (issue 18): their names show in Capture's list picker.
    TranslatableType {
        kind: "programStageWorkingLists",
        label: "Stage working list",
        properties: &[NAME, DESCRIPTION],
    },
    TranslatableType {
        kind: "trackedEntityInstanceFilters",
        label: "Person working list",
        properties: &[NAME, DESCRIPTION],
    },
    TranslatableType {
        kind: "programRuleActions",
        label: "Rule message",
        properties: &[p("CONTENT", "content")],
    },
];

/// Whether `object`'s `key` text is words a person reads. The one exception so far: an `ASSIGN`
/// rule action's `content` names the variable it assigns to (`#{var}`), not a message.
pub fn is_text(kind: &str, object: &serde_json::Map<String, serde_json::Value>, key: &str) -> bool {
    !(kind == "programRuleActions"
        && key == "CONTENT"
        && object.get("programRuleActionType").and_then(|t| t.as_str()) == Some("ASSIGN"))
}

/// DHIS2's limit on short names (E4001), which applies to translated short names as well.
pub const SHORT_NAME_MAX: usize = 50;

/// The translatable type stored under `kind`.
pub fn by_kind(kind: &str) -> Option<&'static TranslatableType> {
    TYPES.iter().find(|t| t.kind == kind)
}

/// The type a spreadsheet's "Object type" cell names: its label (`Data element`) or its package
/// key (`dataElements`), case and surrounding spaces ignored.
pub fn by_label(label: &str) -> Option<&'static TranslatableType> {
    let label = label.trim();
    TYPES
        .iter()
        .find(|t| t.label.eq_ignore_ascii_case(label) || t.kind.eq_ignore_ascii_case(label))
}

impl TranslatableType {
    /// The property translated under `key` (`NAME`), case ignored.
    pub fn property(&self, key: &str) -> Option<TextProperty> {
        let key = key.trim();
        self.properties
            .iter()
            .copied()
            .find(|p| p.key.eq_ignore_ascii_case(key))
    }

    /// The keys a translator may use for this type, for error messages.
    pub fn keys(&self) -> String {
        self.properties
            .iter()
            .map(|p| p.key)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_keys_are_unique_and_resolve() {
        for t in TYPES {
            assert_eq!(by_label(t.label).unwrap().kind, t.kind);
            assert_eq!(by_label(&t.kind.to_uppercase()).unwrap().kind, t.kind);
            assert_eq!(by_kind(t.kind).unwrap().label, t.label);
            let mut keys: Vec<_> = t.properties.iter().map(|p| p.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), t.properties.len(), "{}", t.kind);
        }
        assert_eq!(
            by_kind("dataElements").unwrap().property("form_name"),
            Some(FORM_NAME)
        );
        assert!(
            by_kind("optionSets")
                .unwrap()
                .property("SHORT_NAME")
                .is_none()
        );
        assert!(by_label("Nothing").is_none());
    }

    #[test]
    fn assign_content_is_a_variable_not_a_text() {
        let action = |t: &str| {
            serde_json::json!({"programRuleActionType": t, "content": "#{x}"})
                .as_object()
                .unwrap()
                .clone()
        };
        assert!(!is_text("programRuleActions", &action("ASSIGN"), "CONTENT"));
        assert!(is_text(
            "programRuleActions",
            &action("SHOWWARNING"),
            "CONTENT"
        ));
        assert!(is_text("dataElements", &action("ASSIGN"), "NAME"));
    }
}
