//! Rule expressions, which the DHIS2 import never parses: every program rule `condition` and
//! action `data` is parsed and type-checked by `crate::expression` with the item store DHIS2's
//! `/api/programRules/condition/description` builds (the program's rule variables with their
//! value types, constants, environment variables) (CR601, CR602); flat `||`/`&&` chains over 64
//! terms (CR603); variables no expression uses (CR604).

use super::fast::{FastMap, FastSet};
use super::{Ctx, objects, ref_id, str_prop};
use crate::expression::{self, ExpressionKind, ItemStore};
use serde_json::{Map, Value};

/// DHIS2 2.42 overflowed its stack on longer flat chains (NCD_CR 1.0.1 release note).
pub const MAX_FLAT_CHAIN: usize = 64;

/// Action types whose `data` the rule engine evaluates.
const DATA_ACTIONS: &[&str] = &[
    "ASSIGN",
    "DISPLAYTEXT",
    "DISPLAYKEYVALUEPAIR",
    "SHOWWARNING",
    "SHOWERROR",
    "WARNINGONCOMPLETE",
    "ERRORONCOMPLETE",
    "SCHEDULEMESSAGE",
];

/// The value type DHIS2 gives a rule variable in the validation store (dhis2-core
/// `getItemStore`): its data element's or attribute's value type; for CALCULATED_VALUE its own
/// `valueType`; TEXT when unknown.
fn variable_type<'a>(ctx: &Ctx<'a>, var: &'a Map<String, Value>) -> &'a str {
    if str_prop(var, "programRuleVariableSourceType") == Some("CALCULATED_VALUE") {
        return str_prop(var, "valueType").unwrap_or("TEXT");
    }
    let field = ref_id(var, "dataElement")
        .and_then(|id| ctx.get("dataElements", id))
        .or_else(|| {
            ref_id(var, "trackedEntityAttribute")
                .and_then(|id| ctx.get("trackedEntityAttributes", id))
        });
    field
        .and_then(|f| str_prop(f, "valueType"))
        .unwrap_or("TEXT")
}

/// The item store for each program: its rule variables, the package's constants and DHIS2's
/// environment variables.
pub fn stores(ctx: &Ctx) -> FastMap<String, ItemStore> {
    let package = ctx.package;
    let constants: Vec<&str> = objects(package, "constants")
        .filter_map(|(_, c)| str_prop(c, "id"))
        .collect();
    let mut stores: FastMap<String, ItemStore> = FastMap::default();
    let base = || {
        let mut s = ItemStore::new();
        for c in &constants {
            s.add_constant(c);
        }
        s
    };
    for (_, program) in objects(package, "programs") {
        if let Some(pid) = str_prop(program, "id") {
            stores.insert(pid.to_string(), base());
        }
    }
    for (_, var) in objects(package, "programRuleVariables") {
        let (Some(pid), Some(name)) = (ref_id(var, "program"), str_prop(var, "name")) else {
            continue;
        };
        let value_type = variable_type(ctx, var);
        stores
            .entry(pid.to_string())
            .or_insert_with(base)
            .add_variable(name, value_type);
    }
    stores
}

/// The item store DHIS2 validates the expressions of program `program_id` with.
pub fn program_item_store(package: &crate::package::Package, program_id: &str) -> ItemStore {
    let options = super::Options::default();
    let ctx = Ctx::new(package, &options);
    match stores(&ctx).remove(program_id) {
        Some(store) => store,
        // Not `unwrap_or_default`: the default store lacks DHIS2's environment variables.
        None => ItemStore::new(),
    }
}

pub(super) fn run(ctx: &mut Ctx) {
    let package = ctx.package;
    let stores = stores(ctx);
    let empty = {
        let mut s = ItemStore::new();
        for (_, c) in objects(package, "constants") {
            if let Some(id) = str_prop(c, "id") {
                s.add_constant(id);
            }
        }
        s
    };
    // Names used per program.
    let mut used: FastMap<&str, FastSet<String>> = FastMap::default();
    let mut rule_program: FastMap<&str, &str> = FastMap::default();
    for (i, rule) in objects(package, "programRules") {
        let program = ref_id(rule, "program");
        if let (Some(id), Some(p)) = (str_prop(rule, "id"), program) {
            rule_program.insert(id, p);
        }
        let store = program.and_then(|p| stores.get(p)).unwrap_or(&empty);
        let condition = str_prop(rule, "condition").unwrap_or("");
        let names = check_expression(
            ctx,
            "programRules",
            rule,
            format!("programRules[{i}].condition"),
            condition,
            ExpressionKind::Condition,
            store,
        );
        if let Some(p) = program {
            used.entry(p).or_default().extend(names);
        }
    }
    for (i, action) in objects(package, "programRuleActions") {
        let program = ref_id(action, "programRule").and_then(|r| rule_program.get(r).copied());
        let kind = str_prop(action, "programRuleActionType").unwrap_or("");
        if kind == "ASSIGN"
            && let (Some(p), Some(content)) = (program, str_prop(action, "content"))
        {
            // ASSIGN to a variable: `content` is `#{name}` (or the bare name).
            let target = content
                .trim()
                .trim_start_matches("#{")
                .trim_start_matches("A{")
                .trim_end_matches('}');
            used.entry(p).or_default().insert(target.to_string());
        }
        let Some(data) = str_prop(action, "data").filter(|d| !d.trim().is_empty()) else {
            continue;
        };
        if !DATA_ACTIONS.contains(&kind) {
            continue;
        }
        let store = program.and_then(|p| stores.get(p)).unwrap_or(&empty);
        let names = check_expression(
            ctx,
            "programRuleActions",
            action,
            format!("programRuleActions[{i}].data"),
            data,
            ExpressionKind::Data,
            store,
        );
        if let Some(p) = program {
            used.entry(p).or_default().extend(names);
        }
    }
    // CR604: variables nobody uses.
    for (i, var) in objects(package, "programRuleVariables") {
        let (Some(pid), Some(name)) = (ref_id(var, "program"), str_prop(var, "name")) else {
            continue;
        };
        if !used.get(pid).is_some_and(|u| u.contains(name)) {
            ctx.report(
                "CR604",
                "programRuleVariables",
                var,
                format!("programRuleVariables[{i}].name"),
                format!(
                    "variable `{name}` is used by no rule condition or action of program `{pid}`: remove it or use it"
                ),
            );
        }
    }
}

/// Checks one expression; returns the names it uses.
pub(super) fn check_expression(
    ctx: &mut Ctx,
    kind: &str,
    object: &Map<String, Value>,
    path: String,
    text: &str,
    expression_kind: ExpressionKind,
    store: &ItemStore,
) -> FastSet<String> {
    let (code, what, checker) = match expression_kind {
        ExpressionKind::Condition => ("CR601", "condition", "the rule engine"),
        ExpressionKind::Data => ("CR602", "action data", "the rule engine"),
        ExpressionKind::IndicatorExpression => ("CR1301", "expression", "DHIS2 analytics"),
        ExpressionKind::IndicatorFilter => ("CR1302", "filter", "DHIS2 analytics"),
    };
    let root = match expression::parse_in(text, expression_kind.default_mode()) {
        Ok(root) => root,
        Err(e) => {
            ctx.report(
                code,
                kind,
                object,
                path,
                format!(
                    "{what} `{}` does not parse at character {}: {} [{}]",
                    snippet(text),
                    e.offset,
                    e.message,
                    e.kind.code()
                ),
            );
            return names_in_text(text);
        }
    };
    let diagnostics = expression::check_parsed(&root, expression_kind, store);
    if let Some(first) = diagnostics.first() {
        let more = if diagnostics.len() > 1 {
            format!(" (and {} more)", diagnostics.len() - 1)
        } else {
            String::new()
        };
        ctx.report(
            code,
            kind,
            object,
            path.clone(),
            format!(
                "{checker} rejects {what} `{}`: {} at character {} [{}]{more}",
                snippet(text),
                first.message,
                first.span.start,
                first.code
            ),
        );
    }
    let chain = expression::longest_chain_in(&root);
    if chain > MAX_FLAT_CHAIN {
        ctx.report(
            "CR603",
            kind,
            object,
            path,
            format!(
                "{what} chains {chain} terms with one operator and no parentheses; DHIS2 2.42 overflows its stack above {MAX_FLAT_CHAIN}: nest them, e.g. `(a || b) || (c || d)`"
            ),
        );
    }
    // The tree parsed above: parsing the text again would double the cost.
    expression::variables_in(&root).into_iter().collect()
}

/// The names an unparseable expression mentions (`#{x}`, `A{x}`, `'x'`), so that a syntax
/// error is not also reported as unused variables.
fn names_in_text(text: &str) -> FastSet<String> {
    let mut names = FastSet::default();
    for open in ["#{", "A{"] {
        for (start, _) in text.match_indices(open) {
            let rest = &text[start + 2..];
            if let Some(end) = rest.find('}') {
                names.insert(rest[..end].to_string());
            }
        }
    }
    for (i, quoted) in text.split('\'').enumerate() {
        if i % 2 == 1 {
            names.insert(quoted.to_string());
        }
    }
    names
}

/// The first 80 characters of an expression, on one line.
fn snippet(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > 80 {
        format!("{}...", one_line.chars().take(80).collect::<String>())
    } else {
        one_line
    }
}
