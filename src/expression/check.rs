//! Validation with the engine's verdict: type checking, result type, and existence of
//! variables and constants in the item store. The engine rejects an expression on any
//! error *or* warning, so every [`Diagnostic`] returned here means "rejected"; the severity
//! only says whether the engine calls it an error or a warning.

use super::ast::{BinaryOp, Expr, ExprKind, Span, UnaryOp};
use super::functions;
use super::lexer::decode_string;
use super::mode::Mode;
use super::parser::parse_in;
use super::store::ItemStore;
use super::types::ValueType;

/// What the expression is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpressionKind {
    /// A program rule `condition` (engine `validate`, mode RULE_ENGINE_CONDITION): must be
    /// BOOLEAN.
    Condition,
    /// A program rule action `data` (engine `validateDataFieldExpression`, mode
    /// RULE_ENGINE_ACTION): BOOLEAN, STRING, NUMBER or DATE.
    Data,
    /// A program indicator `expression` (PROGRAM_INDICATOR_EXPRESSION): must be NUMBER.
    IndicatorExpression,
    /// A program indicator `filter`: must be BOOLEAN (the library has no filter mode; it is
    /// the same language with a boolean result, as `if(filter, 1, 0)` checks it).
    IndicatorFilter,
}

impl ExpressionKind {
    /// The language this kind of expression is written in (core's dialect for indicators).
    pub fn default_mode(self) -> Mode {
        match self {
            ExpressionKind::Condition | ExpressionKind::Data => Mode::RuleEngine,
            ExpressionKind::IndicatorExpression | ExpressionKind::IndicatorFilter => {
                Mode::INDICATOR
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `E_UNKNOWN_VARIABLE` (see [`codes`]).
    pub code: &'static str,
    pub message: String,
    pub span: Span,
    pub severity: Severity,
}

/// The diagnostic codes.
pub mod codes {
    /// Parse errors (from [`ParseErrorKind::code`](crate::expression::ParseErrorKind::code)).
    pub const SYNTAX: &str = "E_SYNTAX";
    pub const UNKNOWN_FUNCTION: &str = "E_UNKNOWN_FUNCTION";
    pub const ARITY: &str = "E_ARITY";
    pub const UNKNOWN_ENV_VARIABLE: &str = "E_UNKNOWN_ENV_VARIABLE";
    pub const INVALID_NAME: &str = "E_INVALID_NAME";
    /// `#{x}`/`A{x}`/`'x'`/`V{x}` not in the item store.
    pub const UNKNOWN_VARIABLE: &str = "E_UNKNOWN_VARIABLE";
    /// `C{uid}` not in the item store.
    pub const UNKNOWN_CONSTANT: &str = "E_UNKNOWN_CONSTANT";
    /// Operand/argument type that can never be converted (engine error).
    pub const TYPE: &str = "E_TYPE";
    /// Operand/argument type that might be converted at run time (engine warning, which
    /// still fails validation).
    pub const TYPE_WARNING: &str = "W_TYPE";
    /// A literal (or literal-only sub-expression) that cannot be converted.
    pub const LITERAL_TYPE: &str = "E_LITERAL_TYPE";
    /// The whole expression has the wrong type (e.g. a condition that is not boolean).
    pub const RESULT_TYPE: &str = "E_RESULT_TYPE";
    /// `d2:condition` branches of different types: the engine's type checker crashes
    /// (IndexOutOfBoundsException), so validation fails.
    pub const SAME_TYPE: &str = "E_SAME_TYPE";
}

/// Checks an expression as the DHIS2 rule engine's validation does (program indicators: as
/// DHIS2 core's analytics parser does). Empty result = valid.
pub fn check(expr: &str, kind: ExpressionKind, store: &ItemStore) -> Vec<Diagnostic> {
    check_in(expr, kind, kind.default_mode(), store)
}

/// [`check`] in an explicit language (e.g. the expression library's own indicator dialect).
pub fn check_in(
    expr: &str,
    kind: ExpressionKind,
    mode: Mode,
    store: &ItemStore,
) -> Vec<Diagnostic> {
    if kind == ExpressionKind::IndicatorFilter
        && let Some(at) = unclosed_comment(expr)
    {
        return vec![Diagnostic {
            code: codes::SYNTAX,
            message: "unclosed comment: `/*` without `*/` swallows the rest of the filter".into(),
            span: Span::new(at, expr.len()),
            severity: Severity::Error,
        }];
    }
    let root = match parse_in(expr, mode) {
        Ok(root) => root,
        Err(e) => {
            return vec![Diagnostic {
                code: e.kind.code(),
                message: e.message,
                span: e.span,
                severity: Severity::Error,
            }];
        }
    };
    check_parsed_in(&root, kind, mode, store)
}

/// [`check`] on an already parsed expression.
pub fn check_parsed(root: &Expr, kind: ExpressionKind, store: &ItemStore) -> Vec<Diagnostic> {
    check_parsed_in(root, kind, kind.default_mode(), store)
}

fn check_parsed_in(
    root: &Expr,
    kind: ExpressionKind,
    mode: Mode,
    store: &ItemStore,
) -> Vec<Diagnostic> {
    let mut c = Checker {
        store,
        mode,
        out: Vec::new(),
    };
    c.visit(root);
    let actual = c.type_of(root);
    let allowed: &[ValueType] = match kind {
        ExpressionKind::Condition => &[ValueType::Boolean],
        ExpressionKind::Data => &[
            ValueType::Boolean,
            ValueType::String,
            ValueType::Number,
            ValueType::Date,
        ],
        ExpressionKind::IndicatorExpression => &[ValueType::Number],
        // A filter is typed as `if`'s condition: any value that converts to a boolean.
        ExpressionKind::IndicatorFilter => {
            c.operand(ValueType::Boolean, root, root.span, "the filter", "result");
            &[]
        }
    };
    if !allowed.is_empty()
        && actual != ValueType::Mixed
        && actual != ValueType::Same
        && !allowed.contains(&actual)
    {
        let names: Vec<_> = allowed.iter().map(|t| t.name()).collect();
        c.push(
            codes::RESULT_TYPE,
            Severity::Error,
            root.span,
            format!(
                "Expression must result in one of the types {} but was: {}",
                names.join(", "),
                actual.name()
            ),
        );
    }
    // Indicator mode has no item store: names are resolved by analytics, not the parser.
    if !mode.is_indicator() {
        c.existence(root);
    }
    c.out
}

/// The offset of a `/*` outside string literals that no `*/` closes. Legal at the very end of
/// an expression, but DHIS2 embeds a filter in a larger expression, where it swallows the rest.
fn unclosed_comment(expr: &str) -> Option<usize> {
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match expr[i + 2..].find("*/") {
                Some(end) => i += 2 + end + 2,
                None => return Some(i),
            },
            _ => i += 1,
        }
    }
    None
}

struct Checker<'s> {
    store: &'s ItemStore,
    mode: Mode,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn push(&mut self, code: &'static str, severity: Severity, span: Span, message: String) {
        self.out.push(Diagnostic {
            code,
            message,
            span,
            severity,
        });
    }

    fn type_of(&self, e: &Expr) -> ValueType {
        match &e.kind {
            ExprKind::Number(_) | ExprKind::Integer(_) => ValueType::Number,
            ExprKind::Str { .. } | ExprKind::NamedValue(_) => ValueType::String,
            ExprKind::Bool(_) => ValueType::Boolean,
            ExprKind::Null => ValueType::Same,
            ExprKind::Paren(inner) => self.type_of(inner),
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Plus | UnaryOp::Minus => ValueType::Number,
                UnaryOp::Not => ValueType::Boolean,
                UnaryOp::Distinct => self.type_of(operand),
            },
            ExprKind::Binary { op, .. } => binary_result(*op),
            ExprKind::Call { name, args, .. } => {
                let f = functions::lookup_in(self.mode, name).expect("parsed functions exist");
                if f.returns != ValueType::Same {
                    return f.returns;
                }
                let i = f.params.iter().position(|p| p.ty == ValueType::Same);
                i.and_then(|i| args.get(i))
                    .map(|a| self.type_of(a))
                    .unwrap_or(ValueType::Mixed)
            }
            // Indicator mode knows no variable types: analytics resolves them in SQL.
            ExprKind::Variable { .. } if self.mode.is_indicator() => ValueType::Mixed,
            ExprKind::Variable { name, .. } => self
                .store
                .get(name)
                .map(|t| t.value_type())
                .unwrap_or(ValueType::Mixed),
            ExprKind::DataItem { .. } | ExprKind::Constant { .. } => ValueType::Mixed,
        }
    }

    /// Type checks every operator and call (pre-order, like the engine's visitor).
    fn visit(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Unary { op, operand } => {
                let expected = match op {
                    UnaryOp::Plus | UnaryOp::Minus => ValueType::Number,
                    UnaryOp::Not => ValueType::Boolean,
                    UnaryOp::Distinct => ValueType::Same,
                };
                let what = format!("operator `{}`", unary_symbol(*op));
                self.operand(expected, operand, e.span, &what, "operand");
            }
            ExprKind::Binary { op, left, right } => {
                let expected = binary_operands(*op);
                let what = format!("operator `{}`", op.symbol());
                self.operand(expected, left, e.span, &what, "left operand");
                self.operand(expected, right, e.span, &what, "right operand");
            }
            ExprKind::Call { name, args, .. } => {
                let f = functions::lookup_in(self.mode, name).expect("parsed functions exist");
                let what = format!("function `{name}`");
                for (i, a) in args.iter().enumerate() {
                    let ord = format!("{}. argument", i + 1);
                    self.operand(f.param_type(i), a, a.span, &what, &ord);
                }
                let same: Vec<&Expr> = args
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| f.param_type(*i) == ValueType::Same)
                    .map(|(_, a)| a)
                    .collect();
                if let Some(first) = same.first() {
                    let t0 = self.type_of(first);
                    if let Some(other) = same.iter().find(|a| self.type_of(a) != t0) {
                        let t1 = self.type_of(other);
                        self.push(
                            codes::SAME_TYPE,
                            Severity::Error,
                            e.span,
                            format!(
                                "{name}: branches must have the same type but were {} and {} \
                                 (the engine fails on this)",
                                t0.name(),
                                t1.name()
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
        for child in e.children() {
            self.visit(child);
        }
    }

    fn operand(&mut self, expected: ValueType, operand: &Expr, at: Span, what: &str, role: &str) {
        let actual = self.type_of(operand);
        if actual.is_assignable_to(expected) {
            return;
        }
        if is_static(operand) {
            if !converts(eval(operand), expected) {
                self.push(
                    codes::LITERAL_TYPE,
                    Severity::Error,
                    operand.span,
                    format!(
                        "Literal expression cannot be converted to type {} expected by {what}",
                        expected.name()
                    ),
                );
            }
            return;
        }
        let (code, severity) = if actual.is_maybe_assignable_to(expected) {
            (codes::TYPE_WARNING, Severity::Warning)
        } else {
            (codes::TYPE, Severity::Error)
        };
        self.push(
            code,
            severity,
            at,
            format!(
                "Incompatible type for {role} of {what}, expected {} but was: {}",
                expected.name(),
                actual.name()
            ),
        );
    }

    fn existence(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Variable { name, .. } if !self.store.contains(name) => {
                self.push(
                    codes::UNKNOWN_VARIABLE,
                    Severity::Error,
                    e.span,
                    format!("Unknown variable: `{name}`"),
                );
            }
            ExprKind::Constant { uid } if !self.store.contains(uid) => {
                self.push(
                    codes::UNKNOWN_CONSTANT,
                    Severity::Error,
                    e.span,
                    format!("Unknown constant: `{uid}`"),
                );
            }
            _ => {}
        }
        for child in e.children() {
            self.existence(child);
        }
    }
}

fn unary_symbol(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Plus => "+",
        UnaryOp::Minus => "-",
        UnaryOp::Not => "!",
        UnaryOp::Distinct => "distinct",
    }
}

fn binary_result(op: BinaryOp) -> ValueType {
    use BinaryOp::*;
    match op {
        Exp | Mul | Div | Mod | Add | Sub => ValueType::Number,
        _ => ValueType::Boolean,
    }
}

fn binary_operands(op: BinaryOp) -> ValueType {
    use BinaryOp::*;
    match op {
        Eq | Neq => ValueType::Same,
        And | Or => ValueType::Boolean,
        _ => ValueType::Number,
    }
}

/// Literal-only: literals combined by parentheses and operators.
fn is_static(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Number(_)
        | ExprKind::Integer(_)
        | ExprKind::Str { .. }
        | ExprKind::Bool(_)
        | ExprKind::Null => true,
        ExprKind::Paren(i) => is_static(i),
        ExprKind::Unary { operand, .. } => is_static(operand),
        ExprKind::Binary { left, right, .. } => is_static(left) && is_static(right),
        _ => false,
    }
}

/// A statically computed value (`Err` = the engine's evaluation throws).
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Num(f64),
    Bool(bool),
    Str(String),
}

type Eval = Result<Value, ()>;

/// Kotlin/JS `String.toDouble()`: JavaScript number syntax, surrounding whitespace allowed,
/// blank rejected.
fn str_to_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let unsigned = t.trim_start_matches(['+', '-']);
    if t.len() - unsigned.len() > 1 {
        return None;
    }
    if matches!(unsigned, "Infinity" | "NaN") {
        return Some(f64::NAN);
    }
    let lower = unsigned.to_ascii_lowercase();
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = lower.strip_prefix(prefix) {
            return if t.starts_with(['+', '-']) {
                None
            } else {
                i64::from_str_radix(digits, radix).ok().map(|v| v as f64)
            };
        }
    }
    let b = unsigned.as_bytes();
    if b.is_empty() || !(b[0].is_ascii_digit() || b[0] == b'.') {
        return None;
    }
    t.parse::<f64>().ok()
}

fn to_number(v: &Value) -> Result<Option<f64>, ()> {
    match v {
        Value::Null => Ok(None),
        Value::Num(n) => Ok(Some(*n)),
        Value::Bool(b) => Ok(Some(if *b { 1.0 } else { 0.0 })),
        Value::Str(s) => str_to_number(s).map(Some).ok_or(()),
    }
}

fn to_boolean(v: &Value) -> Result<Option<bool>, ()> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Num(n) if n % 1.0 == 0.0 => Ok(Some(*n != 0.0)),
        Value::Num(_) => Err(()),
        Value::Str(s) => Ok(Some(s.eq_ignore_ascii_case("true"))),
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && matches!(s[5..7].parse::<u32>(), Ok(1..=12))
        && matches!(s[8..10].parse::<u32>(), Ok(1..=31))
}

fn converts(v: Eval, to: ValueType) -> bool {
    let Ok(v) = v else { return false };
    match to {
        ValueType::Number => to_number(&v).is_ok(),
        ValueType::Boolean => to_boolean(&v).is_ok(),
        ValueType::Date => match &v {
            Value::Null => true,
            Value::Str(s) => is_iso_date(s),
            _ => false,
        },
        _ => true,
    }
}

fn eval(e: &Expr) -> Eval {
    match &e.kind {
        ExprKind::Number(n) | ExprKind::Integer(n) => {
            Ok(Value::Num(n.parse::<f64>().map_err(|_| ())?))
        }
        ExprKind::Str { raw } => Ok(Value::Str(decode_string(raw))),
        ExprKind::Bool(b) => Ok(Value::Bool(*b)),
        ExprKind::Null => Ok(Value::Null),
        ExprKind::Paren(i) => eval(i),
        ExprKind::Unary { op, operand } => {
            let v = eval(operand)?;
            match op {
                UnaryOp::Plus => Ok(to_number(&v)?.map_or(Value::Null, Value::Num)),
                UnaryOp::Minus => Ok(to_number(&v)?.map_or(Value::Null, |n| Value::Num(-n))),
                UnaryOp::Not => Ok(to_boolean(&v)?.map_or(Value::Null, |b| Value::Bool(!b))),
                UnaryOp::Distinct => Ok(v),
            }
        }
        ExprKind::Binary { op, left, right } => {
            let l = eval(left)?;
            let r = eval(right)?;
            use BinaryOp::*;
            match op {
                Exp | Mul | Div | Mod | Add | Sub => {
                    let a = to_number(&l)?.ok_or(())?;
                    let b = to_number(&r)?.ok_or(())?;
                    Ok(Value::Num(match op {
                        Exp => a.powf(b),
                        Mul => a * b,
                        Div => a / b,
                        Mod => a % b,
                        Add => a + b,
                        _ => a - b,
                    }))
                }
                Lt | Gt | Le | Ge => {
                    let ord = if let (Value::Str(a), Value::Str(b)) = (&l, &r) {
                        a.cmp(b)
                    } else {
                        let a = to_number(&l)?.ok_or(())?;
                        let b = to_number(&r)?.ok_or(())?;
                        a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal)
                    };
                    Ok(Value::Bool(match op {
                        Lt => ord.is_lt(),
                        Gt => ord.is_gt(),
                        Le => ord.is_le(),
                        _ => ord.is_ge(),
                    }))
                }
                Eq | Neq => Ok(Value::Bool((l == r) == (*op == Eq))),
                And | Or => {
                    let a = to_boolean(&l)?;
                    let b = to_boolean(&r)?;
                    Ok(match (op, a, b) {
                        (And, Some(a), Some(b)) => Value::Bool(a && b),
                        (Or, Some(a), Some(b)) => Value::Bool(a || b),
                        (Or, Some(true), None) | (Or, None, Some(true)) => Value::Bool(true),
                        _ => Value::Null,
                    })
                }
            }
        }
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> ItemStore {
        let mut s = ItemStore::new();
        s.add_variable("age", "INTEGER")
            .add_variable("a b", "TEXT")
            .add_variable("x", "TEXT")
            .add_variable("dob", "DATE")
            .add_variable("b", "BOOLEAN")
            .add_variable("HIV_TEST_DATE", "DATE")
            .add_variable("topography", "NUMBER")
            .add_constant("ABCDEFGHIJK");
        s
    }

    fn codes_of(e: &str, k: ExpressionKind) -> Vec<&'static str> {
        check(e, k, &store()).into_iter().map(|d| d.code).collect()
    }

    fn cond(e: &str) -> Vec<&'static str> {
        codes_of(e, ExpressionKind::Condition)
    }

    fn data(e: &str) -> Vec<&'static str> {
        codes_of(e, ExpressionKind::Data)
    }

    const NONE: Vec<&'static str> = Vec::new();

    #[test]
    fn valid_real_cases() {
        for e in [
            "d2:hasValue( 'HIV_TEST_DATE' )",
            "d2:yearsBetween(A{dob}, V{current_date}) < 18",
            "!d2:hasValue(#{x})",
            "#{x} == 'a' || #{x} == 'b'",
            "#{topography} >= 530 && #{topography} <= 539",
            "((#{age} > 1) && (#{b}))",
            "#{b} and not #{b} or #{b}",
            "d2:hasValue(#{a b})",
            "#{ABCDEFGHIJK} > 1",
            "C{ABCDEFGHIJK} > 1",
            "d2:hasValue(V{current_date})",
            "d2:daysBetween(#{x}, #{dob}) > 1",
            "true && 1",
            "'abc' && true",
            "#{age} == null",
            "!null",
            "#{dob} == #{age}",
            "d2:condition('#{nope} >', true, false)",
            "d2:round(1.5, -1) > 1",
            "d2:yearsBetween('2020-01-01', V{current_date}) > 1",
            "'1' + 1 > 0",
            "true + 1 > 0",
        ] {
            assert_eq!(cond(e), NONE, "{e}");
        }
        for e in [
            "#{a b}",
            "A{x}",
            "V{current_date}",
            "1 + 2",
            "d2:concatenate()",
            "'abc'",
        ] {
            assert_eq!(data(e), NONE, "{e}");
        }
    }

    #[test]
    fn rejections() {
        assert_eq!(cond("d2:foo()"), vec![codes::UNKNOWN_FUNCTION]);
        assert_eq!(cond("(#{age} > 1"), vec![codes::SYNTAX]);
        assert_eq!(cond("d2:left('a')"), vec![codes::ARITY]);
        assert_eq!(cond("#{a b}"), vec![codes::RESULT_TYPE]);
        assert_eq!(cond("V{current_date}"), vec![codes::RESULT_TYPE]);
        assert_eq!(cond("V{event_dat}"), vec![codes::UNKNOWN_ENV_VARIABLE]);
        assert_eq!(
            cond("V{analytics_period_end} == 1"),
            vec![codes::UNKNOWN_VARIABLE]
        );
        assert_eq!(cond("d2:hasValue('nope')"), vec![codes::UNKNOWN_VARIABLE]);
        assert_eq!(cond("d2:hasValue(#{nope})"), vec![codes::UNKNOWN_VARIABLE]);
        assert_eq!(cond("C{ZZZZZZZZZZZ} > 1"), vec![codes::UNKNOWN_CONSTANT]);
        assert_eq!(cond("#{x} > 3"), vec![codes::TYPE_WARNING]);
        assert_eq!(cond("!#{x}"), vec![codes::TYPE_WARNING]);
        assert_eq!(cond("!#{dob}"), vec![codes::TYPE]);
        assert_eq!(cond("#{dob} > 1"), vec![codes::TYPE]);
        assert_eq!(cond("#{b} && #{age}"), vec![codes::TYPE_WARNING]);
        assert_eq!(
            cond("d2:daysBetween(#{age}, #{dob}) > 1"),
            vec![codes::TYPE]
        );
        assert_eq!(
            cond("d2:left(#{x}, #{b}) == 'a'"),
            vec![codes::TYPE_WARNING]
        );
        assert_eq!(
            cond("d2:countIfZeroPos(#{x}) > 1"),
            vec![codes::TYPE_WARNING]
        );
        assert_eq!(cond("'a' + 1 > 0"), vec![codes::LITERAL_TYPE]);
        assert_eq!(cond("!1.5"), vec![codes::LITERAL_TYPE]);
        assert_eq!(cond("d2:left(#{x}, 'z') == 'a'"), vec![codes::LITERAL_TYPE]);
        assert_eq!(
            cond("d2:yearsBetween(1, V{current_date}) > 1"),
            vec![codes::LITERAL_TYPE]
        );
        assert_eq!(
            cond("#{age} + 'a'"),
            vec![codes::LITERAL_TYPE, codes::RESULT_TYPE]
        );
        assert_eq!(data("#{age} + 'a'"), vec![codes::LITERAL_TYPE]);
        assert_eq!(
            data("d2:condition('true', #{age}, #{x})"),
            vec![codes::SAME_TYPE]
        );
        assert_eq!(
            cond("d2:condition('x', #{age}, 1)"),
            vec![codes::RESULT_TYPE]
        );
        assert_eq!(data("d2:condition('x', #{age}, 1)"), NONE);
    }

    #[test]
    fn diagnostics_carry_spans_and_severity() {
        let d = check("#{b} && #{nope}", ExpressionKind::Condition, &store());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span, Span::new(8, 15));
        assert_eq!(d[0].severity, Severity::Error);
        let d = check("#{x} > 3", ExpressionKind::Condition, &store());
        assert_eq!(d[0].severity, Severity::Warning);
    }

    #[test]
    fn kotlin_number_conversion() {
        assert_eq!(str_to_number(" 1 "), Some(1.0));
        assert_eq!(str_to_number("1e3"), Some(1000.0));
        assert_eq!(str_to_number("inf"), None);
        assert_eq!(str_to_number(""), None);
        assert_eq!(str_to_number("a"), None);
        assert!(is_iso_date("2020-01-31"));
        assert!(!is_iso_date("2020-13-01"));
    }
}
