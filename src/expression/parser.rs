//! Parser for rule-engine expressions, mirroring the engine's grammar: operands and
//! operators are read as a flat list per nesting level, then grouped operator by operator
//! in the engine's order (see [`BinaryOp`]).

use super::ast::{BinaryOp, Expr, ExprKind, ItemSigil, Span, UnaryOp, VarSigil};
use super::functions::{self, Function, ParamKind};
use super::lexer::{self, Cursor, LexError};
use super::mode::Mode;

/// Why an expression does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Malformed input (unexpected character, unclosed string or parenthesis, bad operator).
    Syntax,
    /// A name that is not a function or constant of the rule-engine grammar.
    UnknownFunction,
    /// Too few or too many arguments for a `d2:` function.
    Arity,
    /// `V{name}` where `name` is not one of the engine's program variables.
    UnknownProgramVariable,
    /// `#{...}`/`A{...}` content that is neither a variable name nor UIDs.
    InvalidName,
}

impl ParseErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            ParseErrorKind::Syntax => "E_SYNTAX",
            ParseErrorKind::UnknownFunction => "E_UNKNOWN_FUNCTION",
            ParseErrorKind::Arity => "E_ARITY",
            ParseErrorKind::UnknownProgramVariable => "E_UNKNOWN_ENV_VARIABLE",
            ParseErrorKind::InvalidName => "E_INVALID_NAME",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {offset})")]
pub struct ParseError {
    pub kind: ParseErrorKind,
    /// Byte offset in the expression where the problem was detected.
    pub offset: usize,
    /// Byte range of the offending token, where known (else `offset..offset`).
    pub span: Span,
    pub message: String,
}

impl ParseError {
    fn new(kind: ParseErrorKind, span: Span, message: impl Into<String>) -> Self {
        ParseError {
            kind,
            offset: span.start,
            span,
            message: message.into(),
        }
    }
}

impl From<LexError> for ParseError {
    fn from(e: LexError) -> Self {
        ParseError::new(
            ParseErrorKind::Syntax,
            Span::new(e.offset, e.offset),
            e.message,
        )
    }
}

/// The environment (program) variable names the grammar accepts inside `V{...}`. Whether
/// a name is *known* is then decided by the item store (see
/// [`ItemStore`](super::ItemStore)).
pub const PROGRAM_VARIABLES: [&str; 29] = [
    "analytics_period_end",
    "analytics_period_start",
    "completed_date",
    "creation_date",
    "current_date",
    "due_date",
    "enrollment_count",
    "enrollment_date",
    "enrollment_id",
    "enrollment_status",
    "environment",
    "event_count",
    "scheduled_event_count",
    "event_date",
    "scheduled_date",
    "event_id",
    "event_status",
    "execution_date",
    "incident_date",
    "org_unit_count",
    "org_unit",
    "orgunit_code",
    "program_name",
    "program_stage_id",
    "program_stage_name",
    "sync_date",
    "tei_count",
    "value_count",
    "zero_pos_value_count",
];

const NAMED_VALUES: [&str; 3] = ["days", "periodInYear", "yearlyPeriodCount"];

/// Parentheses and function calls nested inside one another.
pub const MAX_NESTING: usize = 64;
/// Operators (unary and binary) in one expression: each may add a level to the tree, which
/// every later pass walks recursively, so this bounds their stack use too.
pub const MAX_OPERATORS: usize = 2000;
/// Depth of the parsed tree (a chain of `||` is as deep as it is long): later passes recurse
/// once per level, and this many levels fit a 2 MiB thread stack in a debug build.
pub const MAX_DEPTH: usize = 800;

/// Parses a program-rule expression (condition or action data).
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parse_in(src, Mode::RuleEngine)
}

/// Parses an expression of the given language.
pub fn parse_in(src: &str, mode: Mode) -> Result<Expr, ParseError> {
    let mut p = Parser {
        src,
        c: Cursor::new(src),
        mode,
        depth: 0,
        operators: 0,
    };
    let root = p.expr(true)?;
    if let Some(deep) = deeper_than(&root, MAX_DEPTH) {
        return Err(ParseError::new(
            ParseErrorKind::Syntax,
            deep,
            format!(
                "Expression nested too deeply: its tree is more than {MAX_DEPTH} levels deep (long chains of operators count); split the rule"
            ),
        ));
    }
    Ok(root)
}

/// The span of a node below depth `limit`, found without recursion.
fn deeper_than(root: &Expr, limit: usize) -> Option<Span> {
    let mut stack = vec![(root, 1usize)];
    while let Some((e, depth)) = stack.pop() {
        if depth > limit {
            return Some(e.span);
        }
        stack.extend(e.children().into_iter().map(|c| (c, depth + 1)));
    }
    None
}

enum Item {
    Operand(Expr),
    Unary(UnaryOp, usize),
    Binary(BinaryOp),
}

struct Parser<'a> {
    src: &'a str,
    c: Cursor<'a>,
    mode: Mode,
    /// Current nesting of `expr` (parentheses, call arguments).
    depth: usize,
    /// Operators read so far.
    operators: usize,
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Parser<'a> {
    fn text(&self, (s, e): (usize, usize)) -> &'a str {
        &self.src[s..e]
    }

    fn here(&self) -> Span {
        Span::new(self.c.pos, self.c.pos)
    }

    fn syntax<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(ParseError::new(
            ParseErrorKind::Syntax,
            self.here(),
            message,
        ))
    }

    /// `expr`, at most [`MAX_NESTING`] deep.
    fn expr(&mut self, root: bool) -> PResult<Expr> {
        if self.depth >= MAX_NESTING {
            return self.syntax(format!(
                "Expression nested too deeply: more than {MAX_NESTING} levels of parentheses or function calls"
            ));
        }
        self.depth += 1;
        let result = self.expr_level(root);
        self.depth -= 1;
        result
    }

    /// Counts an operator against [`MAX_OPERATORS`].
    fn count_operator(&mut self) -> PResult<()> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return self.syntax(format!(
                "Expression too long: more than {MAX_OPERATORS} operators; split the rule"
            ));
        }
        Ok(())
    }

    /// `expr`: operand (operator operand)*; at the root the whole input must be consumed.
    fn expr_level(&mut self, root: bool) -> PResult<Expr> {
        let mut items = Vec::new();
        loop {
            self.operand(&mut items)?;
            if self.mode.is_indicator() {
                self.dot_fragments()?;
            }
            if self.c.peek() == b'.' && lexer::is_letter(self.c.peek_at(1)) {
                self.c.bump(1);
                let (s, e) = self.c.scan_name()?;
                return Err(ParseError::new(
                    ParseErrorKind::UnknownFunction,
                    Span::new(s, e),
                    format!("Unknown function or constant: '{}'", &self.src[s..e]),
                ));
            }
            let c = self.c.peek();
            if c == b'a' && self.c.starts_with("and") && !lexer::is_identifier(self.c.peek_at(3)) {
                self.c.bump(3);
                self.count_operator()?;
                items.push(Item::Binary(BinaryOp::And));
            } else if c == b'o'
                && self.c.starts_with("or")
                && !lexer::is_identifier(self.c.peek_at(2))
            {
                self.c.bump(2);
                self.count_operator()?;
                items.push(Item::Binary(BinaryOp::Or));
            } else if !self.c.at_end() && lexer::is_binary_operator(c) {
                let op = self.binary_operator()?;
                self.count_operator()?;
                items.push(Item::Binary(op));
            } else {
                if root && !self.c.at_end() {
                    let ch = self.src[self.c.pos..].chars().next().unwrap_or('?');
                    return self.syntax(format!("Unexpected input character: '{ch}'"));
                }
                return Ok(group(items));
            }
        }
    }

    fn binary_operator(&mut self) -> PResult<BinaryOp> {
        let s = self.c.pos;
        let c = self.c.peek();
        self.c.bump(1);
        match c {
            b'&' | b'|' => {
                if matches!(self.c.peek(), b'&' | b'|') {
                    self.c.bump(1);
                }
            }
            b'<' | b'>' | b'=' | b'!' => {
                if matches!(self.c.peek(), b'<' | b'>' | b'=' | b'!') {
                    self.c.bump(1);
                }
            }
            _ => {}
        }
        let sym = &self.src[s..self.c.pos];
        BinaryOp::from_symbol(sym).ok_or_else(|| {
            ParseError::new(
                ParseErrorKind::Syntax,
                Span::new(s, self.c.pos),
                format!("Invalid binary operator: '{sym}'"),
            )
        })
    }

    /// `expr1`: unary operators, then one primary; pushes onto `items`.
    fn operand(&mut self, items: &mut Vec<Item>) -> PResult<()> {
        loop {
            self.c.skip_ws();
            let c = self.c.peek();
            let s = self.c.pos;
            if matches!(c, b'+' | b'-' | b'!') && self.c.peek_at(1) != b'=' {
                let op = match c {
                    b'+' => UnaryOp::Plus,
                    b'-' => UnaryOp::Minus,
                    _ => UnaryOp::Not,
                };
                self.c.bump(1);
                self.count_operator()?;
                items.push(Item::Unary(op, s));
                continue;
            }
            if c == b'n' && self.c.starts_with("not") && !lexer::is_identifier(self.c.peek_at(3)) {
                self.c.bump(3);
                self.count_operator()?;
                items.push(Item::Unary(UnaryOp::Not, s));
                continue;
            }
            if c == b'd'
                && self.c.starts_with("distinct")
                && !lexer::is_identifier(self.c.peek_at(8))
            {
                self.c.bump(8);
                self.count_operator()?;
                items.push(Item::Unary(UnaryOp::Distinct, s));
                continue;
            }
            break;
        }
        let e = self.primary()?;
        items.push(Item::Operand(e));
        Ok(())
    }

    fn primary(&mut self) -> PResult<Expr> {
        let c = self.c.peek();
        let s = self.c.pos;
        let e = if self.c.at_end() {
            return self.syntax("expected name");
        } else if c == b'(' {
            self.c.bump(1);
            let inner = self.expr(false)?;
            self.c.skip_ws();
            self.c.expect(b')')?;
            Expr::new(ExprKind::Paren(Box::new(inner)), Span::new(s, self.c.pos))
        } else if c == b'[' {
            self.c.bump(1);
            let r = self.c.scan_identifier()?;
            let name = self.text(r);
            if !NAMED_VALUES.contains(&name) {
                return Err(ParseError::new(
                    ParseErrorKind::Syntax,
                    Span::new(r.0, r.1),
                    format!("Invalid NamedValue option: '{name}'"),
                ));
            }
            self.c.expect(b']')?;
            Expr::new(
                ExprKind::NamedValue(name.to_string()),
                Span::new(s, self.c.pos),
            )
        } else if c == b'\'' || c == b'"' {
            let r = self.c.scan_string()?;
            Expr::new(
                ExprKind::Str {
                    raw: self.text(r).to_string(),
                },
                Span::new(s, self.c.pos),
            )
        } else if lexer::is_digit(c) || (c == b'.' && lexer::is_digit(self.c.peek_at(1))) {
            let r = self.c.scan_number()?;
            Expr::new(
                ExprKind::Number(self.text(r).to_string()),
                Span::new(s, self.c.pos),
            )
        } else {
            self.named()?
        };
        self.c.skip_ws();
        Ok(e)
    }

    /// Program-indicator mode: `.name(...)` after an operand. The library looks the name up
    /// among the mode's fragments: `stageOffset(n)` is a modifier of the data items before it,
    /// any other fragment (`.if(..)`, `.V{..}`) is parsed and then dropped from the tree. Neither
    /// changes a type, so both are checked for syntax only.
    fn dot_fragments(&mut self) -> PResult<()> {
        while self.c.peek() == b'.' && lexer::is_letter(self.c.peek_at(1)) {
            self.c.bump(1);
            let s = self.c.pos;
            let r = self.c.scan_name()?;
            if self.text(r) == "stageOffset" {
                self.c.expect(b'(')?;
                self.c.skip_ws();
                if self.c.peek() == b')' {
                    return self.syntax("Expected more arguments: INTEGER");
                }
                self.c.scan_integer()?;
                self.c.skip_ws();
                self.c.expect(b')')?;
            } else {
                self.named_from(s, r)?;
            }
            self.c.skip_ws();
        }
        Ok(())
    }

    /// A named fragment: `#{..}`, `A{..}`, `C{..}`, `V{..}`, `true`/`false`/`null`, `d2:..(..)`.
    fn named(&mut self) -> PResult<Expr> {
        let s = self.c.pos;
        let r = self.c.scan_name()?;
        self.named_from(s, r)
    }

    /// [`Self::named`] once the name `r`, starting at `s`, is scanned.
    fn named_from(&mut self, s: usize, r: (usize, usize)) -> PResult<Expr> {
        let name = self.text(r);
        match name {
            "#" => self.item_body(s, VarSigil::Hash, ItemSigil::Hash),
            "A" => self.item_body(s, VarSigil::Attribute, ItemSigil::Attribute),
            "C" => {
                self.c.expect(b'{')?;
                self.c.skip_ws();
                if self.c.peek() == b'}' {
                    return self.syntax("Expected more arguments: uid");
                }
                let u = self.c.scan_uid()?;
                self.c.skip_ws();
                self.c.expect(b'}')?;
                Ok(Expr::new(
                    ExprKind::Constant {
                        uid: self.text(u).to_string(),
                    },
                    Span::new(s, self.c.pos),
                ))
            }
            "V" => {
                self.c.expect(b'{')?;
                self.c.skip_ws();
                if self.c.peek() == b'}' {
                    return self.syntax("Expected more arguments: identifier");
                }
                let id = self.c.scan_identifier()?;
                let var = self.text(id);
                if !PROGRAM_VARIABLES.contains(&var) {
                    return Err(ParseError::new(
                        ParseErrorKind::UnknownProgramVariable,
                        Span::new(id.0, id.1),
                        format!("Invalid ProgramVariable option: '{var}'"),
                    ));
                }
                self.c.skip_ws();
                self.c.expect(b'}')?;
                Ok(Expr::new(
                    ExprKind::Variable {
                        sigil: VarSigil::Env,
                        name: var.to_string(),
                    },
                    Span::new(s, self.c.pos),
                ))
            }
            "true" | "false" => Ok(Expr::new(
                ExprKind::Bool(name == "true"),
                Span::new(s, self.c.pos),
            )),
            "null" => Ok(Expr::new(ExprKind::Null, Span::new(s, self.c.pos))),
            _ => match functions::lookup_in(self.mode, name) {
                Some(f) => self.call(f, Span::new(r.0, r.1)),
                None => Err(ParseError::new(
                    ParseErrorKind::UnknownFunction,
                    Span::new(r.0, r.1),
                    format!("Unknown function or constant: '{name}'"),
                )),
            },
        }
    }

    /// After `#` or `A`: `{`, the raw body up to `}`, classified as UID data item or
    /// variable name.
    fn item_body(&mut self, s: usize, var: VarSigil, item: ItemSigil) -> PResult<Expr> {
        self.c.expect(b'{')?;
        let r = self.c.scan_item_body()?;
        let raw = self.text(r);
        let kind = if is_tagged_uid_groups(raw) {
            if let Some(tag) = unknown_tag(raw) {
                return Err(ParseError::new(
                    ParseErrorKind::InvalidName,
                    Span::new(r.0, r.1),
                    format!("Invalid Tag option: '{tag}'"),
                ));
            }
            ExprKind::DataItem {
                sigil: item,
                raw: raw.to_string(),
            }
        } else if raw.bytes().all(lexer::is_var_name) {
            ExprKind::Variable {
                sigil: var,
                name: raw.to_string(),
            }
        } else {
            return Err(ParseError::new(
                ParseErrorKind::InvalidName,
                Span::new(r.0, r.1),
                format!("Invalid value: '{raw}'"),
            ));
        };
        self.c.expect(b'}')?;
        Ok(Expr::new(kind, Span::new(s, self.c.pos)))
    }

    fn call(&mut self, f: &'static Function, name_span: Span) -> PResult<Expr> {
        self.c.expect(b'(')?;
        let mut args = Vec::new();
        let mut i = 0;
        while i < f.params.len() || f.varargs {
            self.c.skip_ws();
            let p = f.param(i);
            let c = self.c.peek();
            if c == b')' && !self.c.at_end() {
                if p.optional || f.varargs {
                    self.c.bump(1);
                    return Ok(self.finish_call(f, name_span, args));
                }
                return Err(ParseError::new(
                    ParseErrorKind::Arity,
                    self.here(),
                    format!(
                        "{} expects at least {} argument(s), got {}",
                        f.name,
                        f.min_args(),
                        i
                    ),
                ));
            }
            if i > 0 {
                if c != b',' || self.c.at_end() {
                    return self.syntax("Expected , or )");
                }
                self.c.bump(1);
                self.c.skip_ws();
            }
            let arg = match p.kind {
                ParamKind::Expr => self.expr(false)?,
                ParamKind::DataItem => self.data_item_arg()?,
                ParamKind::StringLiteral => {
                    let s = self.c.pos;
                    let r = self.c.scan_string()?;
                    Expr::new(
                        ExprKind::Str {
                            raw: self.text(r).to_string(),
                        },
                        Span::new(s, self.c.pos),
                    )
                }
                ParamKind::Integer => {
                    let r = self.c.scan_integer()?;
                    Expr::new(
                        ExprKind::Integer(self.text(r).to_string()),
                        Span::new(r.0, r.1),
                    )
                }
                ParamKind::QuotedUid => self.quoted_uid()?,
                ParamKind::CompareDate => {
                    if self.mode.accepts_event_date_tag() && self.c.starts_with("PS_EVENTDATE:") {
                        let arg = self.data_item_arg()?;
                        self.c.skip_ws();
                        arg
                    } else {
                        self.expr(false)?
                    }
                }
            };
            args.push(arg);
            i += 1;
        }
        self.c.skip_ws();
        if self.c.peek() == b',' {
            return Err(ParseError::new(
                ParseErrorKind::Arity,
                self.here(),
                format!("{} takes at most {} argument(s)", f.name, f.params.len()),
            ));
        }
        self.c.expect(b')')?;
        Ok(self.finish_call(f, name_span, args))
    }

    fn finish_call(&self, f: &'static Function, name_span: Span, args: Vec<Expr>) -> Expr {
        Expr::new(
            ExprKind::Call {
                name: f.name.to_string(),
                name_span,
                args,
            },
            Span::new(name_span.start, self.c.pos),
        )
    }

    /// A UID with optional matching quotes (`d2:relationshipCount('uid')`), or `*`.
    fn quoted_uid(&mut self) -> PResult<Expr> {
        let s = self.c.pos;
        let quote = self.c.peek();
        let quoted = matches!(quote, b'\'' | b'"') && !self.c.at_end();
        if quoted {
            self.c.bump(1);
        }
        let u = self.c.scan_uid()?;
        if quoted {
            self.c.expect(quote)?;
        }
        Ok(Expr::new(
            ExprKind::Str {
                raw: self.text(u).to_string(),
            },
            Span::new(s, self.c.pos),
        ))
    }

    /// A data-item argument (`d2:hasValue(...)` etc.).
    fn data_item_arg(&mut self) -> PResult<Expr> {
        let s = self.c.pos;
        match self.c.peek() {
            b'#' if !self.c.at_end() => {
                self.c.bump(1);
                self.item_body(s, VarSigil::Hash, ItemSigil::Hash)
            }
            b'A' => {
                self.c.bump(1);
                self.item_body(s, VarSigil::Attribute, ItemSigil::Attribute)
            }
            b'V' => {
                // No whitespace allowed here, and no check against the program variable list.
                self.c.bump(1);
                self.c.expect(b'{')?;
                let id = self.c.scan_identifier()?;
                self.c.expect(b'}')?;
                Ok(Expr::new(
                    ExprKind::Variable {
                        sigil: VarSigil::Env,
                        name: self.text(id).to_string(),
                    },
                    Span::new(s, self.c.pos),
                ))
            }
            b'\'' | b'"' => {
                let r = self.c.scan_string()?;
                Ok(Expr::new(
                    ExprKind::Variable {
                        sigil: VarSigil::Quoted,
                        name: self.text(r).to_string(),
                    },
                    Span::new(s, self.c.pos),
                ))
            }
            b'P' if self.c.starts_with("PS_EVENTDATE:") => {
                self.c.bump(13);
                self.c.skip_ws();
                let u = self.c.scan_uid()?;
                Ok(Expr::new(
                    ExprKind::DataItem {
                        sigil: ItemSigil::PsEventDate,
                        raw: self.text(u).to_string(),
                    },
                    Span::new(s, self.c.pos),
                ))
            }
            _ => self.syntax("Incomplete or malformed value"),
        }
    }
}

/// The engine's test for `#{...}` bodies made of (optionally tagged) UID groups:
/// `uid`, `uid.uid`, `tag:uid&uid`, `*`.
fn is_tagged_uid_groups(raw: &str) -> bool {
    let mut parts: Vec<&str> = raw.split('.').collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    parts.iter().all(|part| {
        let body = match part.find(':') {
            Some(i) => &part[i + 1..],
            None => part,
        };
        let mut ids: Vec<&str> = body.split('&').collect();
        while ids.last() == Some(&"") {
            ids.pop();
        }
        ids.iter().all(|id| *id == "*" || lexer::is_uid(id))
    })
}

/// Tags allowed before `:` in a UID group.
const TAGS: [&str; 4] = ["deGroup", "coGroup", "co", "PS_EVENTDATE"];

/// The first `tag:` prefix of a UID-group body that is not a known tag. The engine fails on
/// those, e.g. `#{name PS_EVENTDATE:}` (an empty UID list after any prefix passes the UID
/// test, so the prefix is taken as a tag).
fn unknown_tag(raw: &str) -> Option<&str> {
    raw.split('.').find_map(|part| match part.find(':') {
        Some(i) if i > 0 && !TAGS.contains(&&part[..i]) => Some(&part[..i]),
        _ => None,
    })
}

/// Groups a flat operand/operator list the way the engine does: `^` first (its right
/// operand may carry unary prefixes), then unary operators (right to left), then each
/// binary operator in [`BinaryOp::ALL`] order, left-associatively.
fn group(items: Vec<Item>) -> Expr {
    // 1. exponentiation
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut it = items.into_iter().peekable();
    while let Some(item) = it.next() {
        match item {
            Item::Binary(BinaryOp::Exp) => {
                let left = match out.pop() {
                    Some(Item::Operand(e)) => e,
                    _ => unreachable!("operator follows an operand"),
                };
                let mut prefixes = Vec::new();
                let right = loop {
                    match it.next() {
                        Some(Item::Unary(op, s)) => prefixes.push((op, s)),
                        Some(Item::Operand(e)) => break e,
                        _ => unreachable!("operator is followed by an operand"),
                    }
                };
                let right = apply_unary(prefixes, right);
                let span = Span::new(left.span.start, right.span.end);
                out.push(Item::Operand(Expr::new(
                    ExprKind::Binary {
                        op: BinaryOp::Exp,
                        left: Box::new(left),
                        right: Box::new(right),
                    },
                    span,
                )));
            }
            other => out.push(other),
        }
    }
    // 2. unary operators bind to the operand that follows them
    let mut operands: Vec<Expr> = Vec::new();
    let mut ops: Vec<BinaryOp> = Vec::new();
    let mut prefixes = Vec::new();
    for item in out {
        match item {
            Item::Unary(op, s) => prefixes.push((op, s)),
            Item::Operand(e) => operands.push(apply_unary(std::mem::take(&mut prefixes), e)),
            Item::Binary(op) => ops.push(op),
        }
    }
    // 3. binary operators, one at a time
    for level in BinaryOp::ALL.iter().skip(1) {
        if !ops.contains(level) {
            continue;
        }
        let mut new_operands = Vec::with_capacity(operands.len());
        let mut new_ops = Vec::with_capacity(ops.len());
        let mut operands_iter = operands.into_iter();
        let mut acc = operands_iter.next().expect("at least one operand");
        for op in ops {
            let right = operands_iter.next().expect("operand after operator");
            if op == *level {
                let span = Span::new(acc.span.start, right.span.end);
                acc = Expr::new(
                    ExprKind::Binary {
                        op,
                        left: Box::new(acc),
                        right: Box::new(right),
                    },
                    span,
                );
            } else {
                new_operands.push(acc);
                new_ops.push(op);
                acc = right;
            }
        }
        new_operands.push(acc);
        operands = new_operands;
        ops = new_ops;
    }
    operands.pop().expect("single root")
}

fn apply_unary(prefixes: Vec<(UnaryOp, usize)>, mut e: Expr) -> Expr {
    for (op, s) in prefixes.into_iter().rev() {
        let span = Span::new(s, e.span.end);
        e = Expr::new(
            ExprKind::Unary {
                op,
                operand: Box::new(e),
            },
            span,
        );
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders the tree fully parenthesised, for precedence tests.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Number(n) | ExprKind::Integer(n) => n.clone(),
            ExprKind::Str { raw } => format!("'{raw}'"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Null => "null".into(),
            ExprKind::NamedValue(n) => format!("[{n}]"),
            ExprKind::Paren(i) => format!("({})", show(i)),
            ExprKind::Unary { op, operand } => format!("{op:?}[{}]", show(operand)),
            ExprKind::Binary { op, left, right } => {
                format!("<{} {} {}>", show(left), op.symbol(), show(right))
            }
            ExprKind::Call { name, args, .. } => format!(
                "{name}({})",
                args.iter().map(show).collect::<Vec<_>>().join(",")
            ),
            ExprKind::Variable { sigil, name } => format!("{sigil:?}{{{name}}}"),
            ExprKind::DataItem { raw, .. } => format!("item{{{raw}}}"),
            ExprKind::Constant { uid } => format!("C{{{uid}}}"),
        }
    }

    fn p(s: &str) -> String {
        show(&parse(s).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    fn kind(s: &str) -> ParseErrorKind {
        parse(s).expect_err(s).kind
    }

    #[test]
    fn precedence_like_the_engine() {
        assert_eq!(p("1 + 2 * 3"), "<1 + <2 * 3>>");
        // each operator is its own level: * before /, + before -
        assert_eq!(p("8 / 2 * 2"), "<8 / <2 * 2>>");
        assert_eq!(p("8 - 2 + 2"), "<8 - <2 + 2>>");
        assert_eq!(p("1 - 2 - 3"), "<<1 - 2> - 3>");
        assert_eq!(p("-2 ^ 2"), "Minus[<2 ^ 2>]");
        assert_eq!(p("2 ^ -3 ^ 2"), "<<2 ^ Minus[3]> ^ 2>");
        assert_eq!(p("!#{a} && #{b}"), "<Not[Hash{a}] && Hash{b}>");
        assert_eq!(
            p("#{a} || #{b} && #{c} or not #{d}"),
            "<<Hash{a} || <Hash{b} && Hash{c}>> || Not[Hash{d}]>"
        );
        assert_eq!(
            p("#{topography} >= 530 && #{topography} <= 539"),
            "<<Hash{topography} >= 530> && <Hash{topography} <= 539>>"
        );
        assert_eq!(
            p("#{x} == 'a' || #{x} == 'b'"),
            "<<Hash{x} == 'a'> || <Hash{x} == 'b'>>"
        );
        assert_eq!(p("((1))"), "((1))");
    }

    #[test]
    fn variables_and_items() {
        assert_eq!(p("#{a b}"), "Hash{a b}");
        assert_eq!(p("#{a.b-c}"), "Hash{a.b-c}");
        assert_eq!(p("A{x}"), "Attribute{x}");
        assert_eq!(p("V{current_date}"), "Env{current_date}");
        assert_eq!(p("V{ current_date }"), "Env{current_date}");
        assert_eq!(p("#{ABCDEFGHIJK}"), "item{ABCDEFGHIJK}");
        assert_eq!(
            p("#{ABCDEFGHIJK.BCDEFGHIJKL}"),
            "item{ABCDEFGHIJK.BCDEFGHIJKL}"
        );
        assert_eq!(p("C{ ABCDEFGHIJK }"), "C{ABCDEFGHIJK}");
        assert_eq!(
            p("d2:hasValue( 'HIV_TEST_DATE' )"),
            "d2:hasValue(Quoted{HIV_TEST_DATE})"
        );
        assert_eq!(
            p("d2:hasValue(V{event_date})"),
            "d2:hasValue(Env{event_date})"
        );
        assert_eq!(
            p("d2:yearsBetween(A{dob}, V{current_date}) < 18"),
            "<d2:yearsBetween(Attribute{dob},Env{current_date}) < 18>"
        );
        assert_eq!(p("!d2:hasValue(#{x})"), "Not[d2:hasValue(Hash{x})]");
        assert_eq!(p("d2:round(1.5, -1)"), "d2:round(1.5,-1)");
        assert_eq!(p("d2:concatenate()"), "d2:concatenate()");
        assert_eq!(
            p("d2:condition('#{a} >', 1, 2)"),
            "d2:condition('#{a} >',1,2)"
        );
        assert_eq!(p("/* c */ true and false"), "<true && false>");
        assert_eq!(p("'a\\'b' == \"c\""), "<'a\\'b' == 'c'>");
    }

    #[test]
    fn errors() {
        assert_eq!(kind("d2:foo()"), ParseErrorKind::UnknownFunction);
        assert_eq!(kind("d2:inUserGroup('x')"), ParseErrorKind::UnknownFunction);
        assert_eq!(kind("if(true, 1, 2)"), ParseErrorKind::UnknownFunction);
        assert_eq!(kind("x > 1"), ParseErrorKind::UnknownFunction);
        assert_eq!(kind("(#{a} > 1"), ParseErrorKind::Syntax);
        assert_eq!(kind("#{a} > 1)"), ParseErrorKind::Syntax);
        assert_eq!(kind("d2:left('a')"), ParseErrorKind::Arity);
        assert_eq!(kind("d2:hasValue()"), ParseErrorKind::Arity);
        assert_eq!(kind("d2:left('a', 1, 2)"), ParseErrorKind::Arity);
        assert_eq!(kind("V{foo}"), ParseErrorKind::UnknownProgramVariable);
        assert_eq!(kind("#{a(b)}"), ParseErrorKind::InvalidName);
        assert_eq!(kind("#{âge}"), ParseErrorKind::InvalidName);
        assert_eq!(kind("#{my var PS_EVENTDATE:}"), ParseErrorKind::InvalidName);
        assert_eq!(
            p("#{PS_EVENTDATE:ABCDEFGHIJK}"),
            "item{PS_EVENTDATE:ABCDEFGHIJK}"
        );
        for bad in [
            "#{}",
            "#{a",
            "'abc",
            "#{a} &",
            "#{a} = 1",
            "#{a} => 1",
            "#{a} === 1",
            "#{a} &&",
            "d2:hasValue (#{a})",
            "d2:hasValue(null)",
            "d2:hasValue(V{ a })",
            "d2:round(1, 1.5)",
            "d2:round(1, )",
            "1e",
            "#{a}.stageOffset(1)",
            "d2:condition(#{b}, 1, 2)",
            "",
            "#{b} andy",
            "[x]",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let e = parse("#{a} >= 1 &&").unwrap_err();
        assert_eq!(e.offset, 12);
        let e = parse("d2:foo(1)").unwrap_err();
        assert_eq!((e.span.start, e.span.end), (0, 6));
    }

    #[test]
    fn long_flat_chain_parses() {
        let s = vec!["#{a} == 1"; 700].join(" || ");
        assert!(parse(&s).is_ok());
    }
}
