//! Rendering a [`Diff`]: terminal text, markdown (pull-request comment), JSON, self-contained HTML.
//!
//! Text, markdown and HTML come from the tera templates in `templates/diff/` (compiled into the
//! binary), each with auto-escaping on and its own escape function ([`escape`]), so every piece of
//! user text is escaped for its format unless a template marks it `safe`. JSON is the model itself,
//! serialized ([`super::model`], schema in `docs/diff-json.md`).

pub mod escape;

use super::model::{
    Cascade, Cosmetic, Diff, EditKind, FieldChange, FieldKind, ObjectChange, Renumbering, Status,
    WordOp,
};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use tera::{Context, Tera};

const TEXT: &str = include_str!("../../../templates/diff/diff.txt");
const MARKDOWN: &str = include_str!("../../../templates/diff/diff.md");
const HTML: &str = include_str!("../../../templates/diff/diff.html");

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    Html,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            other => Err(format!(
                "unknown format `{other}`: use text, markdown, json or html"
            )),
        }
    }
}

/// Rendering choices.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colours in the text format (the CLI turns them on only for a terminal).
    pub color: bool,
}

/// Longest value shown whole in human formats; longer ones are cut with `…`.
const SHOWN_VALUE: usize = 240;

/// Renders the diff in `format`.
pub fn render(diff: &Diff, format: Format, options: &RenderOptions) -> String {
    let (name, template, escape): (&str, &str, fn(&str) -> String) = match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(diff).expect("the model serializes");
            text.push('\n');
            return text;
        }
        Format::Text => ("diff.txt", TEXT, escape::terminal),
        Format::Markdown => ("diff.md", MARKDOWN, escape::markdown),
        Format::Html => ("diff.html", HTML, escape::html),
    };
    let mut tera = Tera::default();
    tera.add_raw_template(name, template)
        .expect("the diff templates are valid (checked by tests)");
    tera.autoescape_on(vec![".txt", ".md", ".html"]);
    tera.set_escape_fn(escape);
    let mut context = Context::from_serialize(View::new(diff)).expect("the view serializes");
    context.insert("c", &Colours::new(options.color && format == Format::Text));
    tera.render(name, &context)
        .expect("the diff templates render every diff (checked by tests)")
}

/// ANSI colour codes, empty when colour is off.
#[derive(Serialize)]
struct Colours {
    added: &'static str,
    removed: &'static str,
    changed: &'static str,
    breaking: &'static str,
    dim: &'static str,
    bold: &'static str,
    reset: &'static str,
}

impl Colours {
    fn new(on: bool) -> Colours {
        let pick = |code: &'static str| if on { code } else { "" };
        Colours {
            added: pick("\x1b[32m"),
            removed: pick("\x1b[31m"),
            changed: pick("\x1b[33m"),
            breaking: pick("\x1b[1;31m"),
            dim: pick("\x1b[2m"),
            bold: pick("\x1b[1m"),
            reset: pick("\x1b[0m"),
        }
    }
}

/// What the templates see.
#[derive(Serialize)]
struct View<'a> {
    old: &'a super::model::Side,
    new: &'a super::model::Side,
    empty: bool,
    header: Vec<FieldView>,
    summary: Vec<SummaryRow>,
    total: SummaryRow,
    /// "0 behaviour changes; 143 rules reformatted (121 whitespace, 22 regrouped), ...".
    headline: String,
    behaviour_changes: usize,
    breaking: Vec<BreakingView>,
    kinds: Vec<KindView>,
    /// Objects whose every change is cosmetic, one line each.
    cosmetic: Vec<CosmeticView>,
    renumbered: Vec<RenumberView>,
    cascades: Vec<CascadeView>,
}

/// A piece of prose that is either words or code (text between backticks in a reason).
#[derive(Serialize, Clone)]
struct Segment {
    text: String,
    code: bool,
}

/// Splits `a `b` c` into words and code, so no template prints a literal backtick.
fn segments(text: &str) -> Vec<Segment> {
    text.split('`')
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Segment {
            text: t.to_string(),
            code: i % 2 == 1,
        })
        .collect()
}

#[derive(Serialize)]
struct CosmeticView {
    kind: String,
    label: String,
    id: String,
    /// `condition reformatted (whitespace)`, `options reordered`, ...
    what: Vec<CosmeticPart>,
}

#[derive(Serialize)]
struct CosmeticPart {
    path: String,
    how: &'static str,
}

#[derive(Serialize)]
struct RenumberView {
    option_set: String,
    name: String,
    options: usize,
    /// "after inserting …" / "after removing …", empty when neither.
    cause: String,
    order_kept: bool,
}

#[derive(Serialize)]
struct CascadeView {
    parent: String,
    child: String,
    parents: usize,
    parent_options: usize,
    rules: usize,
    child_options: usize,
    /// Empty when every child option is reachable.
    unreachable: String,
    unreachable_count: usize,
    status: Status,
}

#[derive(Serialize, Default, Clone)]
struct SummaryRow {
    kind: String,
    added: usize,
    removed: usize,
    changed: usize,
    uid_changed: usize,
    affected: usize,
    breaking: usize,
    cosmetic: usize,
    objects: usize,
}

#[derive(Serialize)]
struct BreakingView {
    kind: String,
    label: String,
    rule: &'static str,
    reason: Vec<Segment>,
}

#[derive(Serialize)]
struct KindView {
    kind: String,
    /// Objects of this type in the diff (listed one by one or in `batches`).
    total: usize,
    objects: Vec<ObjectView>,
    /// Plain additions of many options to one set, one line per set.
    batches: Vec<BatchView>,
}

/// "1450 options added to CR - Address: a (1), b (2), … and 1420 more".
#[derive(Serialize)]
struct BatchView {
    option_set: String,
    count: usize,
    sample: String,
}

/// More plain option additions to one set than this are shown as one batch line.
const BATCH: usize = 20;
/// Options named in a batch line.
const BATCH_SAMPLE: usize = 30;

impl KindView {
    /// Folds the plain additions of many options to one set (an address level, a code list) into
    /// one line per set: their groups and rules are what a reviewer reads one by one.
    fn batch_options(&mut self) {
        if self.kind != "options" {
            return;
        }
        let set_of = |o: &ObjectView| {
            let plain = o.status == Status::Added && o.fields.is_empty() && o.breaking.is_empty();
            o.details
                .iter()
                .find(|d| d.label == "option set")
                .filter(|_| plain)
                .map(|d| d.text.clone())
        };
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for o in &self.objects {
            if let Some(set) = set_of(o) {
                *counts.entry(set).or_default() += 1;
            }
        }
        let big: BTreeMap<String, usize> = counts.into_iter().filter(|(_, n)| *n > BATCH).collect();
        if big.is_empty() {
            return;
        }
        // (code, label) of every batched option, per set; the sample is the first codes.
        let mut samples: BTreeMap<&String, Vec<(String, String)>> = BTreeMap::new();
        let mut kept = Vec::new();
        for o in std::mem::take(&mut self.objects) {
            match set_of(&o).and_then(|s| big.get_key_value(&s)) {
                Some((set, _)) => samples
                    .entry(set)
                    .or_default()
                    .push((o.code.clone().unwrap_or_default(), o.label)),
                None => kept.push(o),
            }
        }
        self.objects = kept;
        self.batches = big
            .iter()
            .map(|(set, count)| {
                let mut names = samples.get(set).cloned().unwrap_or_default();
                names.sort();
                let mut sample = names
                    .iter()
                    .take(BATCH_SAMPLE)
                    .map(|(code, label)| {
                        if code.is_empty() || code == label {
                            label.clone()
                        } else {
                            format!("{label} ({code})")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                if *count > BATCH_SAMPLE {
                    sample.push_str(&format!(", … and {} more", count - BATCH_SAMPLE));
                }
                BatchView {
                    option_set: set.clone(),
                    count: *count,
                    sample,
                }
            })
            .collect();
    }
}

#[derive(Serialize)]
struct ObjectView {
    status: Status,
    /// `+`, `-`, `~`, `⇄`, `!`
    mark: &'static str,
    /// `added`, `removed`, ... for people.
    verb: &'static str,
    /// Name, else code, else id.
    label: String,
    id: String,
    old_id: Option<String>,
    code: Option<String>,
    fields: Vec<FieldView>,
    details: Vec<DetailView>,
    breaking: Vec<Vec<Segment>>,
    variables_gained: Vec<String>,
    variables_lost: Vec<String>,
    variables_changed: Vec<VariableView>,
}

#[derive(Serialize)]
struct DetailView {
    label: String,
    text: String,
    code: bool,
}

#[derive(Serialize)]
struct EditView {
    change: &'static str,
    chain: Option<String>,
    old: Option<String>,
    new: Option<String>,
}

#[derive(Serialize)]
struct VariableView {
    variable: String,
    old_source: String,
    new_source: String,
}

#[derive(Serialize)]
struct FieldView {
    path: String,
    change: FieldKind,
    mark: &'static str,
    old: Option<String>,
    new: Option<String>,
    target: Option<String>,
    words: Option<Vec<WordView>>,
    edits: Option<Vec<EditView>>,
}

#[derive(Serialize)]
struct WordView {
    op: &'static str,
    text: String,
}

impl<'a> View<'a> {
    fn new(diff: &'a Diff) -> View<'a> {
        let mut rows: BTreeMap<&str, SummaryRow> = BTreeMap::new();
        let mut kinds: Vec<KindView> = Vec::new();
        let mut breaking = Vec::new();
        let mut cosmetic = Vec::new();
        let mut total = SummaryRow {
            kind: "total".into(),
            ..SummaryRow::default()
        };
        for object in &diff.objects {
            let row = rows.entry(&object.kind).or_insert_with(|| SummaryRow {
                kind: object.kind.clone(),
                ..SummaryRow::default()
            });
            for r in [&mut *row, &mut total] {
                r.objects += 1;
                match object.status {
                    Status::Added => r.added += 1,
                    Status::Removed => r.removed += 1,
                    Status::Changed => r.changed += 1,
                    Status::UidChanged => r.uid_changed += 1,
                    Status::Affected => r.affected += 1,
                }
                r.breaking += object.breaking.len();
                r.cosmetic += usize::from(object.is_cosmetic());
            }
            let view = ObjectView::new(object);
            for b in &object.breaking {
                breaking.push(BreakingView {
                    kind: object.kind.clone(),
                    label: view.label.clone(),
                    rule: b.rule,
                    reason: segments(&b.reason),
                });
            }
            if object.is_cosmetic() {
                cosmetic.push(CosmeticView {
                    kind: object.kind.clone(),
                    label: view.label,
                    id: view.id,
                    what: object
                        .fields
                        .iter()
                        .map(|f| CosmeticPart {
                            path: f.path.clone(),
                            how: match f.cosmetic {
                                Some(Cosmetic::Whitespace) => "reformatted (whitespace only)",
                                Some(Cosmetic::Regrouped) => "regrouped (same behaviour)",
                                _ => "reordered (order not used by DHIS2)",
                            },
                        })
                        .collect(),
                });
                continue;
            }
            match kinds.last_mut() {
                Some(group) if group.kind == object.kind => group.objects.push(view),
                _ => kinds.push(KindView {
                    kind: object.kind.clone(),
                    total: 0,
                    objects: vec![view],
                    batches: Vec::new(),
                }),
            }
        }
        for group in &mut kinds {
            group.total = group.objects.len();
            group.batch_options();
        }
        View {
            old: &diff.old,
            new: &diff.new,
            empty: diff.is_empty(),
            header: diff.header.iter().map(FieldView::new).collect(),
            summary: rows.into_values().collect(),
            total,
            headline: super::summary::headline(&diff.summary, diff.renumbered.len()),
            behaviour_changes: diff.summary.behaviour_changes,
            breaking,
            kinds,
            cosmetic,
            renumbered: diff.renumbered.iter().map(RenumberView::new).collect(),
            cascades: diff.cascades.iter().map(CascadeView::new).collect(),
        }
    }
}

impl ObjectView {
    fn new(object: &ObjectChange) -> ObjectView {
        let (mark, verb) = match object.status {
            Status::Added => ("+", "added"),
            Status::Removed => ("-", "removed"),
            Status::Changed => ("~", "changed"),
            Status::UidChanged => ("⇄", "UID changed"),
            Status::Affected => ("!", "behaviour changed"),
        };
        let label = object
            .name
            .clone()
            .or_else(|| object.code.clone())
            .unwrap_or_else(|| object.id.clone());
        let rule = object.rule.clone().unwrap_or_default();
        ObjectView {
            status: object.status,
            mark,
            verb,
            label,
            id: object.id.clone(),
            old_id: object.old_id.clone(),
            code: object.code.clone(),
            fields: object.fields.iter().map(FieldView::new).collect(),
            details: object
                .details
                .iter()
                .map(|d| DetailView {
                    label: d.label.clone(),
                    text: cut(d.text.clone()),
                    code: d.code,
                })
                .collect(),
            breaking: object
                .breaking
                .iter()
                .map(|b| segments(&b.reason))
                .collect(),
            variables_gained: rule.variables_gained,
            variables_lost: rule.variables_lost,
            variables_changed: rule
                .variables_changed
                .into_iter()
                .map(|v| VariableView {
                    variable: v.variable,
                    old_source: v.old_source.unwrap_or_else(|| "(none)".into()),
                    new_source: v.new_source.unwrap_or_else(|| "(none)".into()),
                })
                .collect(),
        }
    }
}

impl FieldView {
    fn new(field: &FieldChange) -> FieldView {
        let mark = match field.change {
            FieldKind::Added => "+",
            FieldKind::Removed => "-",
            FieldKind::Changed => "~",
            FieldKind::Reordered => "↕",
        };
        FieldView {
            path: field.path.clone(),
            change: field.change,
            mark,
            old: field.old.as_ref().map(shown),
            new: field.new.as_ref().map(shown),
            target: field.target.clone(),
            edits: field.expression.as_ref().map(|edits| {
                edits
                    .iter()
                    .map(|e| EditView {
                        change: match e.change {
                            EditKind::Added => "added",
                            EditKind::Removed => "removed",
                            EditKind::Replaced => "replaced",
                            EditKind::Reordered => "reordered",
                        },
                        chain: e.chain.clone(),
                        old: e.old.clone().map(cut),
                        new: e.new.clone().map(cut),
                    })
                    .collect()
            }),
            words: field.words.as_ref().map(|words| {
                words
                    .iter()
                    .map(|w| WordView {
                        op: match w.op {
                            WordOp::Equal => "equal",
                            WordOp::Delete => "delete",
                            WordOp::Insert => "insert",
                        },
                        text: w.text.clone(),
                    })
                    .collect()
            }),
        }
    }
}

impl RenumberView {
    fn new(r: &Renumbering) -> RenumberView {
        let list = |names: &[String]| {
            let mut text = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
            if names.len() > 5 {
                text.push_str(&format!(" and {} more", names.len() - 5));
            }
            text
        };
        let mut cause = Vec::new();
        if !r.inserted.is_empty() {
            cause.push(format!("inserting {}", list(&r.inserted)));
        }
        if !r.removed.is_empty() {
            cause.push(format!("removing {}", list(&r.removed)));
        }
        RenumberView {
            option_set: r.option_set.clone(),
            name: r.name.clone().unwrap_or_else(|| r.option_set.clone()),
            options: r.options,
            cause: if cause.is_empty() {
                String::new()
            } else {
                format!(" after {}", cause.join(" and "))
            },
            order_kept: r.order_kept,
        }
    }
}

impl CascadeView {
    fn new(c: &Cascade) -> CascadeView {
        let mut unreachable = c
            .unreachable
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if c.unreachable.len() > 10 {
            unreachable.push_str(&format!(" and {} more", c.unreachable.len() - 10));
        }
        CascadeView {
            parent: c.parent.clone(),
            child: c.child.clone(),
            parents: c.parents,
            parent_options: c.parent_options,
            rules: c.rules,
            child_options: c.child_options,
            unreachable,
            unreachable_count: c.unreachable.len(),
            status: c.status,
        }
    }
}

/// A value for people: text as itself, anything else as compact JSON, cut when long.
fn shown(value: &Value) -> String {
    cut(match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Text cut at [`SHOWN_VALUE`] characters with `…`.
fn cut(text: String) -> String {
    if text.chars().count() > SHOWN_VALUE {
        let cut: String = text.chars().take(SHOWN_VALUE).collect();
        format!("{cut}…")
    } else {
        text
    }
}
