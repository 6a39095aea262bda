//! Syntax tree of a DHIS2 program-rule expression.

/// A byte range `start..end` in the source expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// Prefix operators. `not` is the same operator as `!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Plus,
    Minus,
    Not,
    Distinct,
}

/// Binary operators, declared in the order the real parser groups them (highest binding
/// first). Each operator is its own precedence level and groups left to right: the engine
/// groups `*` before `/` and `+` before `-`, so `a / b * c` is `a / (b * c)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BinaryOp {
    Exp,
    Mul,
    Div,
    Mod,
    Add,
    Sub,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Neq,
    And,
    Or,
}

impl BinaryOp {
    /// All operators in grouping order.
    pub const ALL: [BinaryOp; 14] = [
        BinaryOp::Exp,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Mod,
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Lt,
        BinaryOp::Gt,
        BinaryOp::Le,
        BinaryOp::Ge,
        BinaryOp::Eq,
        BinaryOp::Neq,
        BinaryOp::And,
        BinaryOp::Or,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Exp => "^",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::Le => "<=",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Neq => "!=",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }

    pub fn from_symbol(s: &str) -> Option<BinaryOp> {
        BinaryOp::ALL.iter().copied().find(|op| op.symbol() == s)
    }
}

/// How a rule variable (or environment variable) was referenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarSigil {
    /// `#{name}`
    Hash,
    /// `A{name}`
    Attribute,
    /// `V{name}`: an environment (program) variable.
    Env,
    /// `'name'` or `"name"` as argument of a d2: function taking a data item.
    Quoted,
}

/// Which kind of UID data item (these are not looked up in the item store by the engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemSigil {
    Hash,
    Attribute,
    /// `PS_EVENTDATE:<uid>`
    PsEventDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Numeric literal, lexeme as written.
    Number(String),
    /// Integer terminal (second argument of `d2:round`), lexeme as written.
    Integer(String),
    /// String literal; `raw` is the text between the quotes, escapes not decoded.
    Str {
        raw: String,
    },
    Bool(bool),
    Null,
    /// `[days]`-style named value.
    NamedValue(String),
    Paren(Box<Expr>),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// A `d2:` function call; `name` includes the `d2:` prefix.
    Call {
        name: String,
        name_span: Span,
        args: Vec<Expr>,
    },
    /// A reference resolved by name in the item store.
    Variable {
        sigil: VarSigil,
        name: String,
    },
    /// `#{uid}`, `#{uid.uid}`, `A{uid}`: the engine treats these as data items of unknown
    /// type and does not look them up.
    DataItem {
        sigil: ItemSigil,
        raw: String,
    },
    /// `C{uid}`
    Constant {
        uid: String,
    },
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }

    /// Direct children in source order.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Paren(e) => vec![e],
            ExprKind::Unary { operand, .. } => vec![operand],
            ExprKind::Binary { left, right, .. } => vec![left, right],
            ExprKind::Call { args, .. } => args.iter().collect(),
            _ => Vec::new(),
        }
    }
}
