//! The change model: what a diff reports, independent of how it is rendered.
//!
//! Every type here serializes to the stable JSON schema documented in `docs/diff-json.md`
//! (`schema: "crtk-diff/1"`). Add fields only; never rename or remove one without bumping the schema.

use serde::Serialize;
use serde_json::Value;

/// The schema name written in every JSON diff.
pub const SCHEMA: &str = "crtk-diff/1";

/// A semantic diff between two packages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub schema: &'static str,
    pub old: Side,
    pub new: Side,
    /// Changes in the package header (`package.version`, ...), noise removed.
    pub header: Vec<FieldChange>,
    /// One entry per object that differs, ordered by type then id.
    pub objects: Vec<ObjectChange>,
    /// Option sets whose options were renumbered (`sortOrder` shifted), one entry per set; the
    /// options' own `sortOrder` changes are not repeated in `objects`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub renumbered: Vec<Renumbering>,
    /// Cascading dropdowns (a parent field whose value shows one option group of a child field)
    /// that were added or changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cascades: Vec<Cascade>,
    /// Counts that lead the report: behaviour first, then what is only cosmetic.
    pub summary: Summary,
}

impl Diff {
    /// True when the two packages are the same once noise is ignored.
    pub fn is_empty(&self) -> bool {
        self.header.is_empty() && self.objects.is_empty() && self.renumbered.is_empty()
    }

    /// True when something other than a cosmetic change differs (what `--fail-on any` looks at).
    pub fn has_real_changes(&self) -> bool {
        !self.header.is_empty()
            || self.renumbered.iter().any(|r| !r.order_kept)
            || self.objects.iter().any(|o| !o.is_cosmetic())
    }

    /// True when any object change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.objects.iter().any(|o| !o.breaking.is_empty())
    }

    /// Every breaking change, with the object it belongs to.
    pub fn breaking(&self) -> impl Iterator<Item = (&ObjectChange, &Breaking)> {
        self.objects
            .iter()
            .flat_map(|o| o.breaking.iter().map(move |b| (o, b)))
    }
}

/// Identity of one side of the diff, from its header.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Side {
    pub name: Option<String>,
    pub code: Option<String>,
    pub version: Option<String>,
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Only in the new package.
    Added,
    /// Only in the old package.
    Removed,
    /// In both, with the same id, and some property differs.
    Changed,
    /// The same object (same type and code) under a different id.
    UidChanged,
    /// Unchanged itself, but its behaviour changed because something it uses changed (a rule
    /// whose variable now reads another field).
    Affected,
}

impl Status {
    /// The status the same change has when the diff is taken the other way round.
    pub fn reversed(self) -> Status {
        match self {
            Status::Added => Status::Removed,
            Status::Removed => Status::Added,
            other => other,
        }
    }
}

/// One object that differs between the packages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectChange {
    /// The metadata type (`dataElements`).
    pub kind: String,
    /// The object's id: the new id when it changed.
    pub id: String,
    /// The old id when the UID changed (`status: uid_changed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    /// Name (new side when present there), for people.
    pub name: Option<String>,
    pub code: Option<String>,
    pub status: Status,
    /// The property changes, JSON paths relative to the object.
    pub fields: Vec<FieldChange>,
    /// Why this change can break data already collected or an existing installation.
    pub breaking: Vec<Breaking>,
    /// For program rules and their actions: the variables gained and lost, and the variables that
    /// changed under them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleImpact>,
    /// For an added or removed object: what a reviewer checks (a rule's condition and actions in
    /// words, a group's members by name, a variable's source, an option's set).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
}

impl ObjectChange {
    /// True when the object only changed cosmetically (reformatted expressions, lists whose
    /// order DHIS2 ignores).
    pub fn is_cosmetic(&self) -> bool {
        self.status == Status::Changed
            && !self.fields.is_empty()
            && self.fields.iter().all(|f| f.cosmetic.is_some())
    }

    /// `dataElements[id=abc]`: where the object sits in the package.
    pub fn path(&self) -> String {
        format!("{}[id={}]", self.kind, self.id)
    }
}

/// How a property changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Added,
    Removed,
    Changed,
    /// A list whose order matters (options of a set, fields of a stage) kept its items but changed
    /// their order; `old` and `new` list the item identities in each order.
    Reordered,
}

impl FieldKind {
    pub fn reversed(self) -> FieldKind {
        match self {
            FieldKind::Added => FieldKind::Removed,
            FieldKind::Removed => FieldKind::Added,
            other => other,
        }
    }
}

/// One property change inside an object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// JSON path from the object, list items named by identity:
    /// `translations[locale=fr,property=NAME].value`, `programStageDataElements[dataElement=X].compulsory`.
    pub path: String,
    pub change: FieldKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// When the value added or removed is a reference (`{"id": ...}`, an option of a set, a rule
    /// action of a rule): the name of the object it points to, for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// For long text (conditions, descriptions, messages): the word-level difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<WordChange>>,
    /// Set when the change does not change behaviour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cosmetic: Option<Cosmetic>,
    /// For an expression that changed behaviour: the operands and sub-expressions added,
    /// removed or replaced (the parsed trees compared; `words` is then absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<Vec<Edit>>,
}

impl FieldChange {
    /// A change with nothing but a path, a kind and the two values.
    pub fn plain(path: String, change: FieldKind, old: Option<Value>, new: Option<Value>) -> Self {
        FieldChange {
            path,
            change,
            old,
            new,
            target: None,
            words: None,
            cosmetic: None,
            expression: None,
        }
    }
}

/// Why a change is only cosmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cosmetic {
    /// The expression parses to the same tree: only spacing changed.
    Whitespace,
    /// The same operands and operators once `&&`/`||` chains are flattened.
    Regrouped,
    /// A list whose order DHIS2 ignores (group members, a rule's actions) changed order.
    Reordered,
}

/// One part of an expression that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub change: EditKind,
    /// `||` or `&&` when an operand was added to / removed from that chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EditKind {
    Added,
    Removed,
    Replaced,
    /// The chain holds the same operands in another order.
    Reordered,
}

/// One line of what an added or removed object is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    /// `condition`, `in words`, `action`, `member`, `source`, `option set`, ...
    pub label: String,
    pub text: String,
    /// True when `text` is code (an expression, a UID) rather than words.
    pub code: bool,
}

/// The options of one set renumbered: their `sortOrder` moved, their relative order did not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Renumbering {
    pub option_set: String,
    pub name: Option<String>,
    /// How many options of the set changed `sortOrder` and nothing else.
    pub options: usize,
    /// Names (else codes) of the options added to / removed from the set, the cause.
    pub inserted: Vec<String>,
    pub removed: Vec<String>,
    /// False when the options also changed their relative order (then a real reorder).
    pub order_kept: bool,
}

/// A cascade: a parent field whose value shows, through one rule per parent value, the option
/// group of its children in a child field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cascade {
    pub parent: String,
    pub child: String,
    /// Parent values with a rule (and the parent option set's size).
    pub parents: usize,
    pub parent_options: usize,
    pub rules: usize,
    /// Child options in no group a rule shows (never offered).
    pub unreachable: Vec<String>,
    pub child_options: usize,
    /// `added` or `changed`.
    pub status: Status,
}

/// The counts that lead a report.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    /// Objects of the rule logic (rules, actions, variables) changed in behaviour.
    pub behaviour_changes: usize,
    /// Other objects with a real (non-cosmetic) change.
    pub other_changes: usize,
    /// Per type: expressions reformatted (whitespace, regrouped).
    pub reformatted: Vec<Reformatted>,
    /// Lists whose order DHIS2 ignores that changed order.
    pub lists_reordered: usize,
    /// Objects whose every change is cosmetic.
    pub cosmetic_objects: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reformatted {
    pub kind: String,
    pub whitespace: usize,
    pub regrouped: usize,
}

/// A run of words in a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordChange {
    pub op: WordOp,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    Equal,
    Delete,
    Insert,
}

/// A breaking change: a stable rule code and the reason, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breaking {
    /// Stable code (`object-removed`, `value-type-changed`, ...; see docs/diff-json.md).
    pub rule: &'static str,
    pub reason: String,
}

/// What a change means for program rules.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct RuleImpact {
    /// Variables (`#{age}`, `A{sex}`, `V{current_date}`, `C{uid}`) the new expression uses and the old did not.
    pub variables_gained: Vec<String>,
    /// Variables the old expression used and the new does not.
    pub variables_lost: Vec<String>,
    /// Variables this rule uses whose definition changed.
    pub variables_changed: Vec<VariableChange>,
}

impl RuleImpact {
    pub fn is_empty(&self) -> bool {
        self.variables_gained.is_empty()
            && self.variables_lost.is_empty()
            && self.variables_changed.is_empty()
    }
}

/// A rule variable whose definition changed under a rule that uses it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct VariableChange {
    /// The variable's name as rules write it.
    pub variable: String,
    /// Its source before (`DATAELEMENT_CURRENT_EVENT dataElement=abc (Age)`), or `None` when added.
    pub old_source: Option<String>,
    /// Its source after, or `None` when removed.
    pub new_source: Option<String>,
}
