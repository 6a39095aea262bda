//! Rule expressions compared as parsed trees (crate::expression's parser), not as text.
//!
//! - the same tree, parentheses included: *whitespace* (reformatted only);
//! - the same tree once `&&`/`||` chains are flattened (they are associative) and parentheses
//!   dropped (the tree already says how terms group): *regrouped*, same behaviour;
//! - otherwise *changed*, told as the operands and sub-expressions added, removed or replaced
//!   ([`Edit`]), never as a word diff of a 600-term condition.
//!
//! An expression that does not parse (or is too deeply nested to walk safely) is [`Verdict::Unparsed`]
//! and the caller falls back to the word diff.

use super::model::{Edit, EditKind};
use crate::expression::{
    BinaryOp, Expr, ExprKind, ItemSigil, UnaryOp, VarSigil, decode_string, parse,
};

/// Deeper nesting than this is not walked (the parser and the walk recurse per parenthesis).
const MAX_NESTING: usize = 400;

/// How two versions of an expression compare.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Same tokens in the same grouping: only spacing, `and` for `&&` or the quotes of a string differ.
    Whitespace,
    /// Same operands and operators once associative chains are flattened.
    Regrouped,
    /// Different behaviour: what was added, removed or replaced.
    Changed(Vec<Edit>),
    /// One side does not parse: compare as text.
    Unparsed,
}

/// Which (type, property) hold program-rule expressions.
pub fn is_expression(kind: &str, property: &str) -> bool {
    matches!(
        (kind, property),
        ("programRules", "condition") | ("programRuleActions", "data")
    )
}

/// Compares two texts of an expression (already known to differ as text).
pub fn compare(old: &str, new: &str) -> Verdict {
    let (Some(o), Some(n)) = (parsed(old), parsed(new)) else {
        return Verdict::Unparsed;
    };
    if norm(&o, old, false) == norm(&n, new, false) {
        return Verdict::Whitespace;
    }
    let (o, n) = (norm(&o, old, true), norm(&n, new, true));
    if o == n {
        return Verdict::Regrouped;
    }
    let mut edits = Vec::new();
    diff(&o, &n, &mut edits);
    Verdict::Changed(edits)
}

fn parsed(text: &str) -> Option<Expr> {
    let mut depth = 0usize;
    for b in text.bytes() {
        match b {
            b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return None;
                }
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    parse(text).ok()
}

/// An expression tree with positions forgotten; leaves as written.
#[derive(Debug, Clone, PartialEq)]
enum Norm {
    Leaf(String),
    Paren(Box<Norm>),
    /// A flattened `&&` or `||` chain.
    Chain(BinaryOp, Vec<Norm>),
    Binary(BinaryOp, Box<Norm>, Box<Norm>),
    Unary(UnaryOp, Box<Norm>),
    Call(String, Vec<Norm>),
}

fn norm(e: &Expr, src: &str, flatten: bool) -> Norm {
    match &e.kind {
        ExprKind::Paren(inner) if flatten => norm(inner, src, flatten),
        ExprKind::Paren(inner) => Norm::Paren(Box::new(norm(inner, src, flatten))),
        ExprKind::Binary { op, .. } if flatten && matches!(op, BinaryOp::And | BinaryOp::Or) => {
            // Walk the chain without recursing per operand (chains run to 600+ terms).
            let mut operands = Vec::new();
            let mut todo = vec![e];
            while let Some(n) = todo.pop() {
                let mut n = n;
                while let ExprKind::Paren(inner) = &n.kind {
                    n = inner;
                }
                match &n.kind {
                    ExprKind::Binary { op: o, left, right } if o == op => {
                        todo.push(right);
                        todo.push(left);
                    }
                    _ => operands.push(norm(n, src, flatten)),
                }
            }
            Norm::Chain(*op, operands)
        }
        ExprKind::Binary { op, left, right } => Norm::Binary(
            *op,
            Box::new(norm(left, src, flatten)),
            Box::new(norm(right, src, flatten)),
        ),
        ExprKind::Unary { op, operand } => Norm::Unary(*op, Box::new(norm(operand, src, flatten))),
        ExprKind::Call { name, args, .. } => Norm::Call(
            name.clone(),
            args.iter().map(|a| norm(a, src, flatten)).collect(),
        ),
        ExprKind::Variable { sigil, name } => Norm::Leaf(match sigil {
            VarSigil::Hash => format!("#{{{name}}}"),
            VarSigil::Attribute => format!("A{{{name}}}"),
            VarSigil::Env => format!("V{{{name}}}"),
            VarSigil::Quoted => src
                .get(e.span.start..e.span.end)
                .unwrap_or(name)
                .to_string(),
        }),
        ExprKind::DataItem { sigil, raw } => Norm::Leaf(match sigil {
            ItemSigil::Hash => format!("#{{{raw}}}"),
            ItemSigil::Attribute => format!("A{{{raw}}}"),
            ItemSigil::PsEventDate => format!("PS_EVENTDATE:{raw}"),
        }),
        ExprKind::Constant { uid } => Norm::Leaf(format!("C{{{uid}}}")),
        ExprKind::Number(text) | ExprKind::Integer(text) => Norm::Leaf(text.clone()),
        ExprKind::Bool(b) => Norm::Leaf(b.to_string()),
        ExprKind::Null => Norm::Leaf("null".into()),
        ExprKind::NamedValue(name) => Norm::Leaf(format!("[{name}]")),
        // 'a' and "a" are the same string: compared (and shown) decoded, in single quotes.
        ExprKind::Str { raw } => Norm::Leaf(format!(
            "'{}'",
            decode_string(raw)
                .replace('\\', "\\\\")
                .replace('\'', "\\'")
        )),
    }
}

/// Binding strength: lower binds tighter (the order of [`BinaryOp::ALL`]).
fn level(op: BinaryOp) -> usize {
    BinaryOp::ALL.iter().position(|o| *o == op).unwrap_or(0)
}

fn level_of(n: &Norm) -> usize {
    match n {
        Norm::Chain(op, _) | Norm::Binary(op, _, _) => level(*op),
        _ => 0,
    }
}

/// The expression written back with only the parentheses its grouping needs.
fn show(n: &Norm) -> String {
    let wrap = |n: &Norm, loosest: usize| {
        let text = show(n);
        if level_of(n) > loosest {
            format!("({text})")
        } else {
            text
        }
    };
    match n {
        Norm::Leaf(text) => text.clone(),
        Norm::Paren(inner) => format!("({})", show(inner)),
        Norm::Chain(op, items) => items
            .iter()
            .map(|i| wrap(i, level(*op).saturating_sub(1)))
            .collect::<Vec<_>>()
            .join(&format!(" {} ", op.symbol())),
        Norm::Binary(op, l, r) => format!(
            "{} {} {}",
            wrap(l, level(*op)),
            op.symbol(),
            wrap(r, level(*op).saturating_sub(1))
        ),
        Norm::Unary(op, operand) => {
            let symbol = match op {
                UnaryOp::Plus => "+",
                UnaryOp::Minus => "-",
                UnaryOp::Not => "!",
                UnaryOp::Distinct => "distinct ",
            };
            match operand.as_ref() {
                Norm::Chain(..) | Norm::Binary(..) => format!("{symbol}({})", show(operand)),
                other => format!("{symbol}{}", show(other)),
            }
        }
        Norm::Call(name, args) => format!(
            "{name}({})",
            args.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn edit(change: EditKind, chain: Option<BinaryOp>, old: Option<&Norm>, new: Option<&Norm>) -> Edit {
    Edit {
        change,
        chain: chain.map(|op| op.symbol().to_string()),
        old: old.map(show),
        new: new.map(show),
    }
}

/// The smallest sub-expressions that differ between two flattened trees.
fn diff(old: &Norm, new: &Norm, out: &mut Vec<Edit>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Norm::Chain(a, xs), Norm::Chain(b, ys)) if a == b => {
            // Operands matched as a multiset, in order: what is left over was removed or added.
            let mut used = vec![false; ys.len()];
            let mut removed = Vec::new();
            for x in xs {
                match (0..ys.len()).find(|&j| !used[j] && ys[j] == *x) {
                    Some(j) => used[j] = true,
                    None => removed.push(x),
                }
            }
            let added: Vec<&Norm> = (0..ys.len())
                .filter(|&j| !used[j])
                .map(|j| &ys[j])
                .collect();
            match (removed.as_slice(), added.as_slice()) {
                ([], []) => out.push(Edit {
                    change: EditKind::Reordered,
                    chain: Some(a.symbol().to_string()),
                    old: None,
                    new: None,
                }),
                ([x], [y]) => diff(x, y, out),
                _ => {
                    out.extend(
                        removed
                            .iter()
                            .map(|x| edit(EditKind::Removed, Some(*a), Some(x), None)),
                    );
                    out.extend(
                        added
                            .iter()
                            .map(|y| edit(EditKind::Added, Some(*a), None, Some(y))),
                    );
                }
            }
        }
        // One side a chain that holds the other side's whole expression: operands around it.
        (Norm::Chain(a, xs), y) if xs.contains(y) => {
            for x in xs.iter().filter(|x| *x != y) {
                out.push(edit(EditKind::Removed, Some(*a), Some(x), None));
            }
        }
        (x, Norm::Chain(b, ys)) if ys.contains(x) => {
            for y in ys.iter().filter(|y| *y != x) {
                out.push(edit(EditKind::Added, Some(*b), None, Some(y)));
            }
        }
        (Norm::Binary(a, l1, r1), Norm::Binary(b, l2, r2)) if a == b && (l1 == l2 || r1 == r2) => {
            if l1 == l2 {
                diff(r1, r2, out)
            } else {
                diff(l1, l2, out)
            }
        }
        (Norm::Unary(a, x), Norm::Unary(b, y)) if a == b => diff(x, y, out),
        (Norm::Call(a, xs), Norm::Call(b, ys))
            if a == b
                && xs.len() == ys.len()
                && xs.iter().zip(ys).filter(|(x, y)| x != y).count() == 1 =>
        {
            let (x, y) = xs
                .iter()
                .zip(ys)
                .find(|(x, y)| x != y)
                .expect("one differs");
            diff(x, y, out)
        }
        _ => out.push(edit(EditKind::Replaced, None, Some(old), Some(new))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(old: &str, new: &str) -> Vec<String> {
        match compare(old, new) {
            Verdict::Changed(edits) => edits
                .iter()
                .map(|e| {
                    format!(
                        "{:?} {} {} {}",
                        e.change,
                        e.chain.as_deref().unwrap_or("-"),
                        e.old.as_deref().unwrap_or("-"),
                        e.new.as_deref().unwrap_or("-")
                    )
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn whitespace_and_regrouping() {
        assert_eq!(
            compare("#{a}==1&&#{b}", " #{a} == 1  &&\n#{b} "),
            Verdict::Whitespace
        );
        assert_eq!(
            compare("#{a} && #{b}", "#{a} and #{b}"),
            Verdict::Whitespace
        );
        assert_eq!(
            compare(
                "#{a} || #{b} || #{c} || #{d}",
                "(#{a} || #{b}) || (#{c} || #{d})"
            ),
            Verdict::Regrouped
        );
        assert_eq!(compare("(#{a} > 1)", "#{a} > 1"), Verdict::Regrouped);
        // Regrouping across different operators changes behaviour.
        assert!(matches!(
            compare("#{a} && #{b} || #{c}", "#{a} && (#{b} || #{c})"),
            Verdict::Changed(_)
        ));
        assert_eq!(compare("#{a} ||", "#{a}"), Verdict::Unparsed);
    }

    #[test]
    fn edits_name_what_changed() {
        assert_eq!(
            changed(
                "#{m}==8240 || #{m}==8241",
                "(#{m}==8240) || (#{m}==8241 || #{m}==8249)"
            ),
            vec!["Added || - #{m} == 8249"]
        );
        assert_eq!(
            changed("#{a} > 1 && #{b} == 'x'", "#{a} > 2 && #{b} == 'x'"),
            vec!["Replaced - 1 2"]
        );
        assert_eq!(
            changed("d2:hasValue(#{a}) && #{a} == '01'", "d2:hasValue(#{a})"),
            vec!["Removed && #{a} == '01' -"]
        );
        assert_eq!(
            changed("#{a} && (#{b} || #{c})", "#{a} && (#{b} || #{c} || #{d})"),
            vec!["Added || - #{d}"]
        );
        assert_eq!(
            changed("#{a} || #{b}", "#{b} || #{a}"),
            vec!["Reordered || - -"]
        );
    }

    #[test]
    fn long_flat_chain_against_balanced() {
        let terms: Vec<String> = (0..615).map(|i| format!("#{{m}} == {i}")).collect();
        let flat = terms.join(" || ");
        fn balanced(t: &[String]) -> String {
            if t.len() == 1 {
                return t[0].clone();
            }
            let (a, b) = t.split_at(t.len() / 2);
            format!("({} || {})", balanced(a), balanced(b))
        }
        assert_eq!(compare(&flat, &balanced(&terms)), Verdict::Regrouped);
        let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(compare(&deep, "1"), Verdict::Unparsed);
    }
}
