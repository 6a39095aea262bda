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
}

impl Diff {
    /// True when the two packages are the same once noise is ignored.
    pub fn is_empty(&self) -> bool {
        self.header.is_empty() && self.objects.is_empty()
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
}

impl ObjectChange {
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
