//! Parser and type checker for DHIS2 program-rule expressions (rule conditions and action
//! `data`), matching the verdict of the real rule engine (`dhis2/expression-parser` in
//! RULE_ENGINE_CONDITION / RULE_ENGINE_ACTION mode, as bundled in `@dhis2/rule-engine`
//! 3.3.9, which DHIS2 uses for `POST /api/programRules/condition/description`).
//!
//! - [`parse`] builds an [`Expr`] or a [`ParseError`] with a byte offset.
//! - [`check`] returns [`Diagnostic`]s; the engine rejects an expression on any of them.
//! - [`variables_used`] and [`longest_flat_chain`] are analyses used by the validator.

mod ast;
mod check;
mod functions;
mod indicator_functions;
mod lexer;
mod mode;
mod parser;
mod store;
mod types;

use std::collections::BTreeSet;

pub use ast::{BinaryOp, Expr, ExprKind, ItemSigil, Span, UnaryOp, VarSigil};
pub use check::{Diagnostic, ExpressionKind, Severity, check, check_in, check_parsed, codes};
pub use functions::{FUNCTIONS, Function, Param, ParamKind};
pub use indicator_functions::INDICATOR_FUNCTIONS;
pub use lexer::decode_string;
pub use mode::{Dialect, Mode};
pub use parser::{PROGRAM_VARIABLES, ParseError, ParseErrorKind, parse, parse_in};
pub use store::{ENVIRONMENT_VARIABLES, ItemStore, ItemType};
pub use types::ValueType;

/// Names the expression references: rule variables of `#{..}`, `A{..}` and quoted
/// data-item arguments (`d2:hasValue('age')`), environment variables of `V{..}`, UID data
/// items (`#{uid}` as written) and constant UIDs of `C{..}`. Empty if it does not parse.
pub fn variables_used(expr: &str) -> BTreeSet<String> {
    parse(expr)
        .map(|root| variables_in(&root))
        .unwrap_or_default()
}

/// [`variables_used`] of an expression already parsed.
pub fn variables_in(root: &Expr) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect_names(root, &mut out);
    out
}

fn collect_names(e: &Expr, out: &mut BTreeSet<String>) {
    match &e.kind {
        ExprKind::Variable { name, .. } => {
            out.insert(name.clone());
        }
        ExprKind::DataItem { raw, .. } => {
            out.insert(raw.clone());
        }
        ExprKind::Constant { uid } => {
            out.insert(uid.clone());
        }
        _ => {}
    }
    for c in e.children() {
        collect_names(c, out);
    }
}

/// The largest number of operands in one unparenthesised chain of the same `||` or `&&`
/// operator (`and`/`or` count as `&&`/`||`). DHIS2 2.42 overflowed its stack on flat
/// chains of more than 64 terms. Returns 0 if the expression does not parse.
pub fn longest_flat_chain(expr: &str) -> usize {
    match parse(expr) {
        Ok(root) => longest_chain_in(&root),
        Err(_) => 0,
    }
}

/// [`longest_flat_chain`] on a parsed expression.
pub fn longest_chain_in(root: &Expr) -> usize {
    let mut best = 0;
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        if let ExprKind::Binary { op, .. } = &e.kind
            && matches!(op, BinaryOp::And | BinaryOp::Or)
        {
            // Walk the chain of this operator, collecting its operands.
            let mut operands = 0;
            let mut todo = vec![e];
            while let Some(n) = todo.pop() {
                match &n.kind {
                    ExprKind::Binary { op: o, left, right } if o == op => {
                        todo.push(left);
                        todo.push(right);
                    }
                    _ => {
                        operands += 1;
                        stack.push(n);
                    }
                }
            }
            best = best.max(operands);
            continue;
        }
        stack.extend(e.children());
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_used() {
        let got = variables_used(
            "d2:hasValue( 'HIV_TEST_DATE' ) && #{a b} > C{ABCDEFGHIJK} || A{x} == V{current_date} \
             || #{ABCDEFGHIJK.BCDEFGHIJKL} == d2:condition('#{hidden}', 1, 2)",
        );
        let want: BTreeSet<String> = [
            "HIV_TEST_DATE",
            "a b",
            "ABCDEFGHIJK",
            "x",
            "current_date",
            "ABCDEFGHIJK.BCDEFGHIJKL",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(got, want);
        assert!(variables_used("d2:hasValue(").is_empty());
    }

    #[test]
    fn flat_chains() {
        assert_eq!(longest_flat_chain("#{a}"), 0);
        assert_eq!(longest_flat_chain("#{a} || #{b} || #{c}"), 3);
        assert_eq!(longest_flat_chain("#{a} or #{b} || #{c}"), 3);
        assert_eq!(longest_flat_chain("(#{a} || #{b}) || (#{c} || #{d})"), 2);
        assert_eq!(longest_flat_chain("#{a} && #{b} && #{c} || #{d}"), 3);
        assert_eq!(
            longest_flat_chain("#{a} || (#{b} && #{c} && #{d} && #{e}) || #{f}"),
            4
        );
        let flat = vec!["#{a} == 1"; 615].join(" || ");
        assert_eq!(longest_flat_chain(&flat), 615);
        assert_eq!(longest_flat_chain("#{a} ||"), 0);
    }
}

#[cfg(test)]
mod depth_tests {
    /// The largest expressions the parser accepts are checked within a 2 MiB stack (a test
    /// thread's; spawned threads' default) even in debug builds.
    #[test]
    fn the_largest_accepted_expressions_fit_a_small_stack() {
        for n in [super::parser::MAX_DEPTH - 2, 1999] {
            fits(n);
        }
    }

    fn fits(n: usize) {
        let cases = [
            format!("{}true", "!".repeat(n)),
            format!("{}1", "-".repeat(n)),
            vec!["1"; n + 1].join(" + "),
            format!("{}1{}", "d2:floor(".repeat(63), ")".repeat(63)),
            format!(
                "{}{}1{}",
                "(".repeat(63),
                "!".repeat(n.saturating_sub(100)),
                ")".repeat(63)
            ),
        ];
        for case in cases {
            let text = case.clone();
            let outcome = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    let store = super::ItemStore::new();
                    let _ = super::check(&text, super::ExpressionKind::Condition, &store);
                    let _ = super::variables_used(&text);
                    let _ = super::longest_flat_chain(&text);
                })
                .unwrap()
                .join();
            assert!(outcome.is_ok(), "{}", &case[..40]);
        }
    }
}
