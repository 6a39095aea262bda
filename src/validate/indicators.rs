//! Program indicators, whose expressions DHIS2 parses only when analytics runs, long after the
//! import: every `expression` and `filter` is checked in program-indicator mode with DHIS2
//! core's dialect (CR1301, CR1302; the verdicts agree with `@dhis2/expression-parser` 1.1.0,
//! see `tests/indicator_conformance.rs`); every data item they read must be a stage and data
//! element, attribute or stage of the indicator's own program (CR1303); every analytics period
//! boundary must name a date analytics knows (CR1304).

use super::expressions::check_expression;
use super::fast::{FastMap, FastSet};
use super::{Ctx, objects, ref_id, str_prop};
use crate::expression::{self, Expr, ExprKind, ExpressionKind, ItemSigil, ItemStore, VarSigil};
use serde_json::{Map, Value};

/// Boundary targets analytics knows by name (dhis2-core `AnalyticsPeriodBoundary`).
const NAMED_TARGETS: &[&str] = &[
    "EVENT_DATE",
    "ENROLLMENT_DATE",
    "INCIDENT_DATE",
    "SCHEDULED_DATE",
];

/// A program's stages with their data elements, and its attributes.
#[derive(Default)]
struct Program<'a> {
    stages: FastMap<&'a str, FastSet<&'a str>>,
    attributes: FastSet<&'a str>,
}

fn programs<'a>(ctx: &Ctx<'a>) -> FastMap<&'a str, Program<'a>> {
    let mut out: FastMap<&str, Program> = FastMap::default();
    for (_, program) in objects(ctx.package, "programs") {
        let Some(pid) = str_prop(program, "id") else {
            continue;
        };
        let entry = out.entry(pid).or_default();
        for ptea in array(program, "programTrackedEntityAttributes") {
            if let Some(a) = ref_id(ptea, "trackedEntityAttribute") {
                entry.attributes.insert(a);
            }
        }
        for stage in array(program, "programStages") {
            if let Some(sid) = stage.get("id").and_then(Value::as_str) {
                entry.stages.entry(sid).or_default();
            }
        }
    }
    for (_, stage) in objects(ctx.package, "programStages") {
        let (Some(sid), Some(pid)) = (str_prop(stage, "id"), ref_id(stage, "program")) else {
            continue;
        };
        let elements = out.entry(pid).or_default().stages.entry(sid).or_default();
        for psde in array(stage, "programStageDataElements") {
            if let Some(de) = ref_id(psde, "dataElement") {
                elements.insert(de);
            }
        }
    }
    out
}

fn array<'a>(
    map: &'a Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'a Map<String, Value>> {
    map.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

pub(super) fn run(ctx: &mut Ctx) {
    let package = ctx.package;
    let programs = programs(ctx);
    let empty_program = Program::default();
    let store = ItemStore::new();
    for (i, pi) in objects(package, "programIndicators") {
        let program = ref_id(pi, "program")
            .and_then(|p| programs.get(p))
            .unwrap_or(&empty_program);
        for (key, kind) in [
            ("expression", ExpressionKind::IndicatorExpression),
            ("filter", ExpressionKind::IndicatorFilter),
        ] {
            let Some(text) = str_prop(pi, key).filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            let path = format!("programIndicators[{i}].{key}");
            check_expression(
                ctx,
                "programIndicators",
                pi,
                path.clone(),
                text,
                kind,
                &store,
            );
            if let Ok(root) = expression::parse_in(text, kind.default_mode()) {
                let mut problems = Vec::new();
                unknown_items(ctx, &root, program, &mut problems);
                for problem in problems {
                    ctx.report("CR1303", "programIndicators", pi, path.clone(), problem);
                }
            }
        }
        let boundaries = pi
            .get("analyticsPeriodBoundaries")
            .and_then(Value::as_array);
        for (j, boundary) in boundaries.into_iter().flatten().enumerate() {
            let target = boundary
                .get("boundaryTarget")
                .and_then(Value::as_str)
                .unwrap_or("");
            let path =
                format!("programIndicators[{i}].analyticsPeriodBoundaries[{j}].boundaryTarget");
            match boundary_item(target) {
                None => ctx.report(
                    "CR1304",
                    "programIndicators",
                    pi,
                    path,
                    format!(
                        "boundary target `{target}` is none of {} nor a `#{{stageUid.dataElementUid}}`, \
                         `A{{attributeUid}}`, `PS_EVENTDATE:stageUid`: analytics cannot place the \
                         indicator in a period",
                        NAMED_TARGETS.join(", ")
                    ),
                ),
                Some(Some((sigil, raw))) => {
                    if let Some(problem) = item_problem(ctx, sigil, &raw, program) {
                        ctx.report("CR1303", "programIndicators", pi, path, problem);
                    }
                }
                Some(None) => {}
            }
        }
    }
}

/// A boundary target as dhis2-core's analytics reads it: `None` if it cannot, `Some(None)` for
/// a named date, else the item it finds. Core tests the prefix, then *finds* the item pattern
/// anywhere in the text (`Matcher.find`), so `#{stage.element})` still works.
fn boundary_item(target: &str) -> Option<Option<(ItemSigil, String)>> {
    if NAMED_TARGETS.contains(&target) {
        return Some(None);
    }
    let (sigil, open, parts, close) = if target.starts_with("PS_EVENTDATE:") {
        (ItemSigil::PsEventDate, "PS_EVENTDATE:", 1, "")
    } else if target.starts_with("#{") {
        (ItemSigil::Hash, "#{", 2, "}")
    } else if target.starts_with("A{") {
        (ItemSigil::Attribute, "A{", 1, "}")
    } else {
        return None;
    };
    let found = target.match_indices(open).find_map(|(i, _)| {
        let rest = &target[i + open.len()..];
        let len = parts * 11 + parts - 1;
        let body = rest.get(..len)?;
        let ids: Vec<&str> = body.split('.').collect();
        let ok = ids.len() == parts
            && ids.iter().all(|id| {
                id.len() == 11 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
            && rest[len..].starts_with(close);
        ok.then(|| body.to_string())
    })?;
    Some(Some((sigil, found)))
}

/// Describes every data item of `e` that is not in the indicator's program.
fn unknown_items(ctx: &Ctx, e: &Expr, program: &Program, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::DataItem { sigil, raw } => {
            if let Some(problem) = item_problem(ctx, *sigil, raw, program) {
                out.push(problem);
            }
        }
        ExprKind::Variable {
            sigil: sigil @ (VarSigil::Hash | VarSigil::Attribute),
            name,
        } => {
            let form = if *sigil == VarSigil::Hash {
                "`#{stageUid.dataElementUid}`"
            } else {
                "`A{attributeUid}`"
            };
            out.push(format!(
                "`{name}` is a name, but indicators read data items by UID: write {form}"
            ));
        }
        _ => {}
    }
    for child in e.children() {
        unknown_items(ctx, child, program, out);
    }
}

fn item_problem(ctx: &Ctx, sigil: ItemSigil, raw: &str, program: &Program) -> Option<String> {
    match sigil {
        ItemSigil::Hash => {
            let mut parts = raw.split('.');
            let (Some(stage), Some(element), None) = (parts.next(), parts.next(), parts.next())
            else {
                return Some(format!(
                    "`#{{{raw}}}` is not `#{{stageUid.dataElementUid}}`, the form indicators read"
                ));
            };
            if ctx.is_external(stage) && ctx.is_external(element) {
                return None;
            }
            match program.stages.get(stage) {
                None => Some(format!(
                    "`#{{{raw}}}`: `{stage}` is not a stage of the indicator's program"
                )),
                Some(elements) if !elements.contains(element) => Some(format!(
                    "`#{{{raw}}}`: data element `{element}` is not in stage `{stage}`"
                )),
                _ => None,
            }
        }
        ItemSigil::Attribute => (!program.attributes.contains(raw) && !ctx.is_external(raw))
            .then(|| format!("`A{{{raw}}}` is not an attribute of the indicator's program")),
        ItemSigil::PsEventDate => (!program.stages.contains_key(raw) && !ctx.is_external(raw))
            .then(|| {
                format!("`PS_EVENTDATE:{raw}`: `{raw}` is not a stage of the indicator's program")
            }),
    }
}
