//! Every check crtk makes, with its stable code, severity, what it mirrors and an example.
//!
//! This table is the single source of `docs/checks.md` (see [`render_markdown`]; a test fails when
//! the committed file is stale) and of each finding's severity. Codes that mirror one DHIS2 import
//! error one-to-one reuse DHIS2's code (`E5002`); crtk's own checks use `CRnnn`.

use super::finding::Severity;

/// One check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    pub code: &'static str,
    pub severity: Severity,
    /// The family (one file under `src/validate/`).
    pub family: &'static str,
    pub title: &'static str,
    /// The DHIS2 rule (error code and class in dhis2/dhis2-core) or other source it mirrors.
    pub mirrors: &'static str,
    /// A defect the check reports.
    pub example: &'static str,
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

const fn c(
    code: &'static str,
    severity: Severity,
    family: &'static str,
    title: &'static str,
    mirrors: &'static str,
    example: &'static str,
) -> Check {
    Check {
        code,
        severity,
        family,
        title,
        mirrors,
        example,
    }
}

/// All checks, grouped by family, in documentation order.
pub const CHECKS: &[Check] = &[
    // structure
    c(
        "CR101",
        E,
        "structure",
        "Property has the wrong JSON type or a value outside DHIS2's enumeration",
        "DHIS2 JSON Schemas v40.2.2 (dhis2-json-schema-generator); the metadata import's Jackson deserialisation rejects the whole payload",
        "`\"valueType\": \"NUMERIC\"` on a data element (not a DHIS2 value type)",
    ),
    c(
        "E4014",
        E,
        "structure",
        "Invalid UID",
        "E4014, UidFormatCheck (CodeGenerator.isValidUid: `^[a-zA-Z][a-zA-Z0-9]{10}$`)",
        "`\"id\": \"1abcdefghij\"` (starts with a digit)",
    ),
    c(
        "E5004",
        E,
        "structure",
        "Two objects of the same type share an id",
        "E5004, DuplicateIdsCheck",
        "two options with `\"id\": \"A3x0aURMjam\"`",
    ),
    c(
        "E4001",
        E,
        "structure",
        "Property longer than DHIS2 stores",
        "E4001, SchemaCheck (maxLength from the Hibernate mapping: name 230, shortName 50, code 50; Option code 230)",
        "a data element `shortName` of 51 characters",
    ),
    c(
        "E4000",
        E,
        "structure",
        "Required property missing",
        "E4000, SchemaCheck (properties DHIS2 maps not-null)",
        "a data element without `valueType`",
    ),
    c(
        "E5003",
        E,
        "structure",
        "Name, short name or code already used by another object of the type (in the package; with `--target`, in the target instance)",
        "E5003, UniquenessCheck (unique properties of the schema; Option and Program names are not unique)",
        "two data elements named `Age`",
    ),
    // references
    c(
        "E5002",
        E,
        "references",
        "Reference to an object that is neither in the package nor declared external",
        "E5002, ReferencesCheck",
        "`\"optionSet\": {\"id\": \"NoSuchSet01\"}` on a data element",
    ),
    c(
        "E4061",
        E,
        "references",
        "Dashboard item references an object that is not in the package",
        "E4061, DashboardCheck (dashboard items are embedded objects, which ReferencesCheck skips)",
        "a dashboard item whose `visualization` is absent from the package",
    ),
    c(
        "CR201",
        E,
        "references",
        "Reference to an object of the wrong type",
        "E5002 (the preheat looks the id up among objects of the property's type only)",
        "`\"optionSet\": {\"id\": <a data element's id>}`",
    ),
    c(
        "CR202",
        E,
        "references",
        "Inline child and parent disagree",
        "crtk: DHIS2 keeps the owning side and silently drops the other (e.g. OptionSet.options owns Option.optionSet)",
        "an option whose `optionSet` is A but which set B lists",
    ),
    c(
        "CR203",
        W,
        "references",
        "Sharing names a user group that is not in the package",
        "E5002 in ReferencesCheck.checkSharing, unless the import sets skipSharing (as package installs commonly do, dropping the entry)",
        "`sharing.userGroups` naming a group absent from `userGroups`",
    ),
    c(
        "CR204",
        W,
        "references",
        "Non-owning list names an object that is not in the package",
        "ReferencesCheck checks owner properties only (`p.isPersisted() && p.isOwner()`), so DHIS2 ignores the dangling entry",
        "`programs[0].programIndicators` listing an indicator absent from the package",
    ),
    // option sets
    c(
        "CR301",
        W,
        "option_sets",
        "Option sortOrder is not 1..n (or 0..n-1) without gaps or repeats",
        "crtk: packages number options 1..n, DHIS2 2.42 exports from 0 (official NCD_CR 1.0.1); DHIS2 re-sorts by sortOrder, so gaps and repeats give an unstable order",
        "options with sortOrder 1, 2, 2, 4",
    ),
    c(
        "CR302",
        E,
        "option_sets",
        "Two options of a set share a code",
        "E4028 family, OptionObjectBundleHook (an option set may not hold the same option code twice)",
        "two options coded `9` in `CR - Sex`",
    ),
    c(
        "CR303",
        W,
        "option_sets",
        "Option code has characters that break rule expressions or CanReg5 exports",
        "crtk: quotes, control characters or leading/trailing blanks cannot be compared in `#{var} == 'code'`",
        "option code `PLACEHOLDER 1 ` (trailing blank)",
    ),
    c(
        "CR304",
        E,
        "option_sets",
        "Option of a NUMBER set has a non-numeric code",
        "DHIS2 value validation (E2030 family): a NUMBER field can never store a non-numeric code",
        "option code `A` in a NUMBER set",
    ),
    c(
        "CR305",
        E,
        "option_sets",
        "Field value type differs from its option set's",
        "DHIS2 Maintenance enforces it; data entry stores option codes validated against the field's value type (MULTI_TEXT fields excepted)",
        "a TEXT data element using a NUMBER option set",
    ),
    c(
        "CR306",
        E,
        "option_sets",
        "Option group holds an option of another set",
        "crtk: SHOWOPTIONGROUP/HIDEOPTIONGROUP act on the target field's set only",
        "option group of `CR - Address` listing an option of `CR - Sex`",
    ),
    // text patterns
    c(
        "E4019",
        E,
        "text_pattern",
        "TextPattern does not parse",
        "E4019, TextPatternParser via TrackedEntityAttributeObjectBundleHook",
        "`CURRENT_DATE(yyyy)+SEQUENTIAL(###` (unclosed)",
    ),
    c(
        "E4021",
        E,
        "text_pattern",
        "Generated pattern without exactly one generated segment",
        "E4021, TextPatternValidationUtils.validateTextPattern",
        "`\"ABC\"+CURRENT_DATE(yyyy)` on a generated attribute",
    ),
    c(
        "E4022",
        E,
        "text_pattern",
        "Pattern does not conform to the attribute's value type",
        "E4022, TextPatternValidationUtils.validateValueType (NUMBER allows numeric segments only)",
        "`RANDOM(XXX)` on a NUMBER attribute",
    ),
    c(
        "E4010",
        E,
        "text_pattern",
        "Generated attribute with a value type other than TEXT or NUMBER",
        "E4010 (attribute not supported for the value type), TrackedEntityAttributeObjectBundleHook",
        "`generated: true` on a DATE attribute",
    ),
    c(
        "CR401",
        E,
        "text_pattern",
        "Generated attribute is not unique",
        "crtk: DHIS2 reserves generated values per attribute; without `unique` two patients can get the same id",
        "Patient ID with `generated: true, unique: false`",
    ),
    // program rules
    c(
        "E4057",
        E,
        "program_rules",
        "Two program rules of a program share a name",
        "E4057, ProgramRuleObjectBundleHook",
        "two rules named `Hide rare status`",
    ),
    c(
        "E4051",
        E,
        "program_rules",
        "Two program rule variables of a program share a name",
        "E4051, ProgramRuleVariableObjectBundleHook",
        "two variables named `sex`",
    ),
    c(
        "E4052",
        E,
        "program_rules",
        "Program rule variable name contains the word and, or or not",
        "E4052, ProgramRuleVariableObjectBundleHook",
        "variable `date or age`",
    ),
    c(
        "E4059",
        E,
        "program_rules",
        "Variable of source DATAELEMENT_NEWEST_EVENT_PROGRAM_STAGE without a program stage",
        "E4059 family, ProgramRuleVariableObjectBundleHook (source type needs its program stage)",
        "`programRuleVariableSourceType: DATAELEMENT_NEWEST_EVENT_PROGRAM_STAGE` and no `programStage`",
    ),
    c(
        "E4089",
        E,
        "program_rules",
        "Data-element variable without a data element",
        "E4089-E4092 family, ProgramRuleVariableObjectBundleHook (source type needs its data element)",
        "`DATAELEMENT_CURRENT_EVENT` and no `dataElement`",
    ),
    c(
        "E4090",
        E,
        "program_rules",
        "Attribute variable without a tracked entity attribute",
        "E4089-E4092 family, ProgramRuleVariableObjectBundleHook (source type needs its attribute)",
        "`TEI_ATTRIBUTE` and no `trackedEntityAttribute`",
    ),
    c(
        "E4091",
        E,
        "program_rules",
        "Variable's data element is in no stage of the program",
        "E4089-E4092 family, ProgramRuleVariableObjectBundleHook",
        "variable on a data element of another program",
    ),
    c(
        "E4092",
        E,
        "program_rules",
        "Variable's attribute is not an attribute of the program",
        "E4089-E4092 family, ProgramRuleVariableObjectBundleHook",
        "variable on an attribute the program does not enrol",
    ),
    c(
        "E4033",
        E,
        "program_rules",
        "Action type missing or not a DHIS2 action type",
        "E4033, ProgramRuleActionObjectBundleHook / ProgramRuleActionValidator",
        "`programRuleActionType: SHOWOPTION`",
    ),
    c(
        "E4035",
        E,
        "program_rules",
        "SENDMESSAGE/SCHEDULEMESSAGE without a notification template",
        "E4035, NotificationProgramRuleActionValidator",
        "SENDMESSAGE action without `templateUid`",
    ),
    c(
        "E4034",
        E,
        "program_rules",
        "Notification template of a message action does not exist",
        "E4034, NotificationProgramRuleActionValidator",
        "`templateUid` naming no programNotificationTemplate",
    ),
    c(
        "E4036",
        E,
        "program_rules",
        "HIDESECTION without a section",
        "E4036, HideSectionProgramRuleActionValidator",
        "HIDESECTION action without `programStageSection`",
    ),
    c(
        "E4037",
        E,
        "program_rules",
        "HIDESECTION section does not exist",
        "E4037, HideSectionProgramRuleActionValidator",
        "`programStageSection` naming no section",
    ),
    c(
        "E4038",
        E,
        "program_rules",
        "HIDEPROGRAMSTAGE/CREATEEVENT without a program stage",
        "E4038, HideProgramStageProgramRuleActionValidator",
        "HIDEPROGRAMSTAGE action without `programStage`",
    ),
    c(
        "E4039",
        E,
        "program_rules",
        "Program stage of the action does not exist",
        "E4039, HideProgramStageProgramRuleActionValidator",
        "`programStage` naming no stage",
    ),
    c(
        "E4040",
        E,
        "program_rules",
        "HIDEOPTION without an option",
        "E4040, HideOptionProgramRuleActionValidator",
        "HIDEOPTION action without `option`",
    ),
    c(
        "E4041",
        E,
        "program_rules",
        "HIDEOPTION option does not exist",
        "E4041, HideOptionProgramRuleActionValidator",
        "`option` naming no option",
    ),
    c(
        "E4042",
        E,
        "program_rules",
        "SHOWOPTIONGROUP/HIDEOPTIONGROUP without an option group",
        "E4042, OptionGroupProgramRuleActionValidator",
        "SHOWOPTIONGROUP action without `optionGroup`",
    ),
    c(
        "E4043",
        E,
        "program_rules",
        "Option group of the action does not exist",
        "E4043, OptionGroupProgramRuleActionValidator",
        "`optionGroup` naming no option group",
    ),
    c(
        "E4044",
        E,
        "program_rules",
        "Field action without a data element or attribute",
        "E4044, BaseProgramRuleActionValidator",
        "HIDEFIELD action with neither `dataElement` nor `trackedEntityAttribute`",
    ),
    c(
        "E4045",
        E,
        "program_rules",
        "Data element of the action does not exist",
        "E4045, BaseProgramRuleActionValidator",
        "`dataElement` naming no data element",
    ),
    c(
        "E4046",
        E,
        "program_rules",
        "Attribute of the action does not exist",
        "E4046, BaseProgramRuleActionValidator",
        "`trackedEntityAttribute` naming no attribute",
    ),
    c(
        "E4047",
        E,
        "program_rules",
        "Data element of the action is in no stage of the rule's program",
        "E4047, BaseProgramRuleActionValidator",
        "HIDEFIELD on a data element of another program",
    ),
    c(
        "E4048",
        E,
        "program_rules",
        "Attribute of the action is not an attribute of the rule's program",
        "E4048, BaseProgramRuleActionValidator",
        "HIDEFIELD on an attribute the program does not enrol",
    ),
    c(
        "E4050",
        E,
        "program_rules",
        "ASSIGN with no target",
        "E4050, AssignValueProgramRuleActionValidator",
        "ASSIGN with no `dataElement`, `trackedEntityAttribute` or `content` naming a variable",
    ),
    c(
        "E4058",
        E,
        "program_rules",
        "Action references objects that do not belong to its target",
        "E4058 (irrelevant reference objects): HIDEOPTION's option and an option group must belong to the target field's option set",
        "HIDEOPTION with an option of `CR - Sex` on the Address field",
    ),
    // expressions
    c(
        "CR601",
        E,
        "expressions",
        "Rule condition rejected by the rule engine",
        "@dhis2/rule-engine `validate` (RULE_ENGINE_CONDITION), as POST /api/programRules/condition/description; the import never checks it",
        "`#{age} >` (syntax), `#{nosuchvar} > 1`, `d2:left(#{name})` (arity), `#{age} + 1` (not boolean)",
    ),
    c(
        "CR602",
        E,
        "expressions",
        "Rule action data rejected by the rule engine",
        "@dhis2/rule-engine `validateDataFieldExpression` (RULE_ENGINE_ACTION), as POST /api/programRuleActions/data/expression/description",
        "ASSIGN `data: d2:yearsBetween(#{dob})`",
    ),
    c(
        "CR603",
        E,
        "expressions",
        "Flat chain of more than 64 || or && terms",
        "DHIS2 2.42 StackOverflowError on save (NCD_CR 1.0.1 release note: 22 rules rebalanced)",
        "`#{t} == 1 || #{t} == 2 || ... ` with 65 terms and no parentheses",
    ),
    c(
        "CR604",
        W,
        "expressions",
        "Program rule variable used by no condition or action",
        "crtk: dead configuration the rule engine still evaluates on every event",
        "variable `unused_age` named in no expression",
    ),
    // translations
    c(
        "CR701",
        W,
        "translations",
        "Translation locale is not a DHIS2 locale",
        "DHIS2 locales (`ll`, `ll_CC`, `ll_CC_Script`, legacy `ll@Script`); the import stores any string, but a translation in another locale is never shown",
        "`\"locale\": \"French\"`",
    ),
    c(
        "E1106",
        E,
        "translations",
        "Two translations for the same locale and property",
        "E1106, TranslationsCheck",
        "two `fr` NAME translations on one option",
    ),
    c(
        "CR702",
        E,
        "translations",
        "Translated property does not exist on the object's type",
        "TranslationsCheck (translatable properties of the schema)",
        "`SHORT_NAME` translation on a program rule",
    ),
    c(
        "CR703",
        W,
        "translations",
        "Locale translates only part of the package",
        "crtk: untranslated texts fall back to the default language at data entry (counted as `crtk translations` does; ICD-O-3 code lists apart). A country build: one finding per locale of `languages.locales` (else per locale its config translates into); a package file: one summary of its partial locales",
        "`fr` translates 212 of 286 texts (74.1%)",
    ),
    // hygiene
    c(
        "CR801",
        W,
        "hygiene",
        "Fields official packages strip",
        "DHIS2 metadata package conventions (created, lastUpdated, createdBy, lastUpdatedBy, user, href, access, favorites, and display* copies such as displayName)",
        "`lastUpdated` on 1,244 options",
    ),
    c(
        "CR802",
        W,
        "hygiene",
        "Public write access to metadata",
        "DHIS2 package conventions: public access `r-------` at most; write goes through user groups",
        "`sharing.public: rw------`",
    ),
    c(
        "CR803",
        W,
        "hygiene",
        "Sharing with users other than the package owner",
        "DHIS2 package conventions: users do not exist on the target instance",
        "`sharing.users: {\"xE7jOejl9FI\": ...}`",
    ),
    c(
        "CR804",
        E,
        "hygiene",
        "Placeholder option left in a country build",
        "NCD_CR installation guide: PLACEHOLDER_* source types and `Placeholder - ...` addresses must be replaced",
        "option `PLACEHOLDER_1` in a country package",
    ),
    c(
        "CR805",
        W,
        "hygiene",
        "Sharing without any of the package's user groups",
        "NCD_CR sharing matrix: every object is shared with the CR user groups (DHIS2's default category objects excepted)",
        "an option set shared with no user group while the package defines `CR - Access`",
    ),
    c(
        "CR806",
        W,
        "hygiene",
        "Placeholder option kept in a country build, allowed by the config",
        "as CR804, downgraded by `validate.allow_placeholders: true` in the country config",
        "option `PLACEHOLDER_1` in a build of a config that allows placeholders",
    ),
    // CanReg5 alignment
    c(
        "CR901",
        E,
        "canreg",
        "ICD-O-3, sex, behaviour, basis or grade codes differ from the base",
        "CanReg5 dictionaries (NCD_CR design guide: do not change these codes; the CanReg5 export copies them)",
        "sex option `3` added to `CR - Sex`",
    ),
    c(
        "CR902",
        E,
        "canreg",
        "Address code longer than the configured CanReg5 length",
        "CanReg5 dictionary variable length (Addr, `conf/database/*.xml`)",
        "address code `010203` with a CanReg5 length of 5",
    ),
    // CanReg5 export-app mapping and registry setup (src/canreg5/)
    c(
        "CR903",
        E,
        "canreg",
        "Export-app mapping names a UID the package lacks, or in the wrong stage",
        "CanReg5 export app (JohanGHole/CancerRegistry_Dhis2App src/app_utils/App_Utils.js: values are read by UID from the mapped stage's events or the program's attributes)",
        "`dataElements.source.SOUT` is `Mqz5dPrwWho` but the package has it in the Tumor stage",
    ),
    c(
        "CR904",
        E,
        "canreg",
        "Mapped variable is neither a CanReg5 standard variable nor the registry's",
        "CanReg5 default system definition (conf/database/TRN.xml short and standard names) and the export app's default mapping",
        "a field mapped to `HIVSTAT` while the registry's variable is `HIVSTATUS`",
    ),
    c(
        "CR905",
        E,
        "canreg",
        "CanReg5 variable mapped twice",
        "CanReg5 import: one column per variable name",
        "`ADDR` mapped as an attribute and as a Tumor data element",
    ),
    c(
        "CR906",
        E,
        "canreg",
        "Address code missing from the registry's CanReg5 address dictionary",
        "CanReg5 Addr variable's dictionary (system definition + dictionary export); the export passes codes unchanged",
        "address code `049` when the registry's Address dictionary has `040`-`048`",
    ),
    c(
        "CR907",
        W,
        "canreg",
        "Address label differs from the registry's CanReg5 dictionary",
        "CanReg5 Addr variable's dictionary (dictionary export labels)",
        "`040` is `Buhweju County` in the package but `Buhweju` in CanReg5",
    ),
    c(
        "CR908",
        E,
        "canreg",
        "Source type code missing from the registry's CanReg5 source dictionary",
        "CanReg5 source dictionary (`canreg5.source_dictionary` or the SOUT variable's); the export passes codes unchanged",
        "source type `99` when the registry's Hospital dictionary has no `99`",
    ),
    c(
        "CR909",
        W,
        "canreg",
        "Source type label differs from the registry's CanReg5 dictionary",
        "CanReg5 source dictionary (dictionary export labels)",
        "`13` is `Kampala Hospital` in the package but `Mengo hospital` in CanReg5",
    ),
    c(
        "CR910",
        E,
        "canreg",
        "Code length differs from the registry's CanReg5 dictionary",
        "CanReg5 system definition: dictionary `code_length` (categories) and `full_dictionary_code_length`",
        "a 4-character address code for a 3-character Address dictionary",
    ),
    c(
        "CR911",
        E,
        "canreg",
        "Patient ID length differs from the registry's RegNo",
        "CanReg5 system definition: RegNo (PatientID) `variable_length`; TUMOURID = RegNo + `01` + tumour number",
        "pattern `CURRENT_DATE(yyyy)+SEQUENTIAL(#####)` (9) for a RegNo of 8",
    ),
    c(
        "CR912",
        W,
        "canreg",
        "Mapped variable absent from the registry's CanReg5 system definition",
        "CanReg5 import: file columns are matched to the system's variables by name",
        "`GRDE` mapped but the registry's system has no variable GRDE",
    ),
    c(
        "CR913",
        E,
        "canreg",
        "A CanReg5 dictionary the checks need is not in the registry's files",
        "CanReg5 system definition (variable `use_dictionary`) and dictionary export (`#<id>` headers)",
        "the system's Addr uses dictionary #9 Address but the dictionary export has no `#9`",
    ),
    c(
        "CR914",
        W,
        "canreg",
        "The package is not NCD_CR: the export app's mapping does not apply",
        "CanReg5 export app default mapping (program `AbPGPdlFWqc`)",
        "a country built on another tracker package as its base",
    ),
    // Program indicators
    c(
        "CR1301",
        E,
        "indicators",
        "Program indicator expression DHIS2 analytics rejects",
        "`@dhis2/expression-parser` PROGRAM_INDICATOR_EXPRESSION (number result), with DHIS2 core's `PS_EVENTDATE:` date arguments; DHIS2 parses it only when analytics runs",
        "`d2:count(#{stage.element}) +` (incomplete), or `d2:hasValue(#{stage.element})` (not a number)",
    ),
    c(
        "CR1302",
        E,
        "indicators",
        "Program indicator filter DHIS2 analytics rejects",
        "as CR1301, the filter typed as a boolean (the condition of `if`)",
        "`V{enrollment_date} > ` or `d2:daysBetween(V{enrollment_date})`",
    ),
    c(
        "CR1303",
        E,
        "indicators",
        "Program indicator reads a data item its program does not have",
        "analytics SQL for `#{stage.element}`, `A{attribute}`, `PS_EVENTDATE:stage` (unknown columns yield no value or a failed query)",
        "`#{stage.element}` where the element is not in that stage, or `#{CR_AGE}` (a name, not UIDs)",
    ),
    c(
        "CR1304",
        E,
        "indicators",
        "Analytics period boundary with a target analytics does not know",
        "dhis2-core `AnalyticsPeriodBoundary`: EVENT_DATE, ENROLLMENT_DATE, INCIDENT_DATE, or a `#{`, `A{` or `PS_EVENTDATE:` target in which its pattern is found",
        "boundary target `#{CR_INCIDENCE_DATE}` (a code, not UIDs) or `SCHEDULED_DATE`",
    ),
    // working lists (issue 18): DHIS2's ProgramStageWorkingListObjectBundleHook, and crtk's own
    c(
        "E4062",
        E,
        "working_lists",
        "Absolute date period without a start or an end date",
        "E4062, ProgramStageWorkingListObjectBundleHook.validateDateFilterPeriod",
        "`\"eventOccurredAt\": {\"type\": \"ABSOLUTE\"}` in a program stage working list",
    ),
    c(
        "E4063",
        E,
        "working_lists",
        "Assigned user mode PROVIDED without assigned users",
        "E4063, ProgramStageWorkingListObjectBundleHook.validateAssignedUsers",
        "`\"assignedUserMode\": \"PROVIDED\"` and no `assignedUsers`",
    ),
    c(
        "E4064",
        E,
        "working_lists",
        "Org unit mode SELECTED, CHILDREN or DESCENDANTS without an org unit",
        "E4064, ProgramStageWorkingListObjectBundleHook.validateOrganisationUnit",
        "`\"ouMode\": \"DESCENDANTS\"` and no `orgUnit`",
    ),
    c(
        "E4065",
        E,
        "working_lists",
        "Data filter without a data element",
        "E4065, ProgramStageWorkingListObjectBundleHook.validateDataFilters",
        "`\"dataFilters\": [{\"eq\": \"3\"}]`",
    ),
    c(
        "E4066",
        E,
        "working_lists",
        "Data filter on an id that is not a data element",
        "E4066, ProgramStageWorkingListObjectBundleHook.validateDataFilters",
        "`\"dataItem\": <an attribute's id>`",
    ),
    c(
        "E4067",
        E,
        "working_lists",
        "Attribute filter without an attribute",
        "E4067, ProgramStageWorkingListObjectBundleHook.validateAttributeValueFilters",
        "`\"attributeValueFilters\": [{\"eq\": \"2\"}]`",
    ),
    c(
        "E4068",
        E,
        "working_lists",
        "Attribute filter on an id that is not a tracked entity attribute",
        "E4068, ProgramStageWorkingListObjectBundleHook.validateAttributeValueFilters",
        "`\"attribute\": <a data element's id>`",
    ),
    c(
        "CR1201",
        E,
        "working_lists",
        "Working list filter or column on a data element outside the list's stage",
        "DHIS2 imports it; Capture shows an empty list or column (a stage list reads its own stage's events)",
        "a Tumor-stage list filtering on `CR - Status` (a Follow-up field)",
    ),
    c(
        "CR1202",
        E,
        "working_lists",
        "Working list filter value that is not an option code of the field",
        "DHIS2 stores and filters option codes; a name or a wrong code matches nothing",
        "`\"eq\": \"Female\"` on `CR - Sex` (codes 1, 2, 9)",
    ),
    c(
        "CR1203",
        E,
        "working_lists",
        "Tracked entity working list attribute filter on no attribute or one outside the program",
        "DHIS2 imports it (TrackedEntityInstanceFilter has no such hook); the list matches no one",
        "an attribute filter on an attribute the program does not have",
    ),
    // target instance (`--target`, `validate.target`; src/target/)
    c(
        "CR1101",
        E,
        "target",
        "UID is held in the target instance by an object of another type",
        "DHIS2 UIDs name one object (`/api/identifiableObjects/{uid}`); the import would leave two objects under one UID",
        "a data element whose UID is a tracked entity attribute of the target",
    ),
    c(
        "CR1102",
        E,
        "target",
        "UID is held in the target instance by another object of the type (other name and code, or an option of another set)",
        "metadata import identifies by UID (preheat): the package's object would overwrite an unrelated one",
        "option set `AbCdEfGhIjK` named `Sex` (code `SEX`) in the package, `Marital status` (code `MSTAT`) in the target",
    ),
    c(
        "CR1103",
        E,
        "target",
        "Default category combo, category, option or option combo, or the Person tracked entity type, has another UID in the target",
        "NCD_CR installation guide (search and replace the default UIDs); the import would create a second `default` and fail (E5003)",
        "target's default category combo is `Cc12345abcd`, the package's `bjDvmb4bfuf`",
    ),
    c(
        "CR1104",
        E,
        "target",
        "User group of the package already in the target by name, under another UID",
        "E5003 on userGroups.name; fixed by `access.user_groups`",
        "`CR - Admin` exists in the target as `Kk12345abcd`",
    ),
    c(
        "CR1105",
        W,
        "target",
        "Update drops options the target's option set has",
        "crtk diff `option-removed`: the import replaces the option list; values stored with the dropped codes no longer match",
        "the target's `CR - Sex` has option `3` that the package's set lacks",
    ),
    c(
        "CR1106",
        W,
        "target",
        "Update drops data elements of a program stage or attributes of a program the target has",
        "crtk diff `field-removed`: data captured in the dropped fields is no longer shown",
        "the target's Tumor stage has a local data element the package's stage lacks",
    ),
    c(
        "CR1107",
        E,
        "target",
        "Org unit in `access.org_units` is not in the target instance",
        "E5002 on programs.organisationUnits at import",
        "`access.org_units: [ImspTQPwCqd]` against an instance without that org unit",
    ),
];

/// The check with this code. Panics on an unknown code: codes are compile-time constants and a
/// test covers every one.
pub fn check(code: &str) -> &'static Check {
    CHECKS
        .iter()
        .find(|c| c.code == code)
        .unwrap_or_else(|| panic!("check code `{code}` is not in the registry"))
}

/// `docs/checks.md`.
pub fn render_markdown() -> String {
    let mut out = String::new();
    out.push_str("# crtk validate: checks\n\n");
    out.push_str(
        "Generated from `src/validate/registry.rs` (`cargo test` fails when this file is stale; \
         regenerate with `CRTK_BLESS=1 cargo test --test validate_docs`).\n\n",
    );
    out.push_str(
        "Codes that mirror one DHIS2 import error reuse DHIS2's code (dhis2-core `ErrorCode`); \
         crtk's own checks use `CRnnn`. Errors make `crtk validate` exit 1 and `crtk build` write \
         nothing; warnings only fail with `--deny-warnings`.\n",
    );
    let mut family = "";
    for check in CHECKS {
        if check.family != family {
            family = check.family;
            out.push_str(&format!(
                "\n## {}\n\n| code | severity | check | mirrors | example |\n| --- | --- | --- | --- | --- |\n",
                family
            ));
        }
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            check.code,
            check.severity.as_str(),
            cell(check.title),
            cell(check.mirrors),
            cell(check.example)
        ));
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique() {
        let mut seen = BTreeSet::new();
        for check in CHECKS {
            assert!(seen.insert(check.code), "duplicate code {}", check.code);
        }
    }
}
