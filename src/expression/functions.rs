//! The `d2:` functions accepted in rule-engine mode, with their parameters and types.
//!
//! Only these names parse in program-rule conditions and action data; anything else
//! (`d2:inUserGroup`, `d2:minutesBetween`, `if`, `contains`, ...) is "Unknown function".

use super::mode::Mode;
use super::types::ValueType;
use super::types::ValueType::{
    Boolean as B, Date as D, Mixed as M, Number as N, Same as S, String as T,
};

/// How an argument is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Any expression.
    Expr,
    /// A data item: `#{..}`, `A{..}`, `V{name}`, `'name'` or `PS_EVENTDATE:uid`.
    DataItem,
    /// A plain string literal (`d2:condition`'s first argument; its content is not parsed).
    StringLiteral,
    /// An integer literal with optional sign (`d2:round`'s precision).
    Integer,
    /// A UID, quoted or not (`d2:relationshipCount`'s relationship type).
    QuotedUid,
    /// A date expression; in DHIS2 core's program-indicator dialect also `PS_EVENTDATE:uid`.
    CompareDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub kind: ParamKind,
    pub ty: ValueType,
    /// May be omitted (only at the end of the list).
    pub optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    pub name: &'static str,
    pub returns: ValueType,
    pub params: &'static [Param],
    /// The last parameter repeats (zero or more further times; the engine even accepts
    /// no argument at all).
    pub varargs: bool,
}

impl Function {
    /// Minimum number of arguments the grammar requires.
    pub fn min_args(&self) -> usize {
        if self.varargs {
            return 0;
        }
        self.params.iter().filter(|p| !p.optional).count()
    }

    /// Maximum number of arguments, `None` for varargs.
    pub fn max_args(&self) -> Option<usize> {
        if self.varargs {
            None
        } else {
            Some(self.params.len())
        }
    }

    /// Declared type of the argument at `index`.
    pub fn param_type(&self, index: usize) -> ValueType {
        self.params[index.min(self.params.len() - 1)].ty
    }

    /// Parameter at `index` (varargs repeat the last).
    pub fn param(&self, index: usize) -> Param {
        self.params[index.min(self.params.len() - 1)]
    }
}

pub(super) const fn e(ty: ValueType) -> Param {
    Param {
        kind: ParamKind::Expr,
        ty,
        optional: false,
    }
}

pub(super) const fn item(ty: ValueType) -> Param {
    Param {
        kind: ParamKind::DataItem,
        ty,
        optional: false,
    }
}

pub(super) const fn f(
    name: &'static str,
    returns: ValueType,
    params: &'static [Param],
) -> Function {
    Function {
        name,
        returns,
        params,
        varargs: false,
    }
}

pub(super) const fn var(
    name: &'static str,
    returns: ValueType,
    params: &'static [Param],
) -> Function {
    Function {
        name,
        returns,
        params,
        varargs: true,
    }
}

/// Every function of the rule-engine grammar (`@dhis2/rule-engine` 3.3.9).
pub static FUNCTIONS: &[Function] = &[
    f("d2:addDays", D, &[e(D), e(N)]),
    f("d2:ceil", N, &[e(N)]),
    var("d2:concatenate", T, &[e(T)]),
    f(
        "d2:condition",
        S,
        &[
            Param {
                kind: ParamKind::StringLiteral,
                ty: B,
                optional: false,
            },
            e(S),
            e(S),
        ],
    ),
    var("d2:contains", B, &[e(T), e(T)]),
    var("d2:containsItems", B, &[e(T), e(T)]),
    f("d2:count", N, &[item(M)]),
    f("d2:countIfValue", N, &[item(M), e(M)]),
    f("d2:countIfZeroPos", N, &[item(N)]),
    f("d2:daysBetween", N, &[e(D), e(D)]),
    f("d2:extractDataMatrixValue", T, &[e(T), e(T)]),
    f("d2:floor", N, &[e(N)]),
    f("d2:hasUserRole", B, &[e(T)]),
    f("d2:hasValue", B, &[item(M)]),
    f("d2:inOrgUnitGroup", B, &[e(T)]),
    f("d2:lastEventDate", D, &[e(T)]),
    f("d2:left", T, &[e(T), e(N)]),
    f("d2:length", N, &[e(T)]),
    f("d2:maxValue", N, &[item(M)]),
    f("d2:minValue", N, &[item(M)]),
    f("d2:modulus", N, &[e(N), e(N)]),
    f("d2:monthsBetween", N, &[e(D), e(D)]),
    f("d2:oizp", N, &[e(N)]),
    f("d2:right", T, &[e(T), e(N)]),
    f(
        "d2:round",
        N,
        &[
            e(N),
            Param {
                kind: ParamKind::Integer,
                ty: N,
                optional: true,
            },
        ],
    ),
    f("d2:split", T, &[e(T), e(T), e(N)]),
    f("d2:substring", T, &[e(T), e(N), e(N)]),
    f("d2:validatePattern", B, &[e(T), e(T)]),
    f("d2:weeksBetween", N, &[e(D), e(D)]),
    f("d2:yearsBetween", N, &[e(D), e(D)]),
    f("d2:zScoreHFA", N, &[e(N), e(N), e(T)]),
    f("d2:zScoreWFA", N, &[e(N), e(N), e(T)]),
    f("d2:zScoreWFH", N, &[e(N), e(N), e(T)]),
    f("d2:zing", N, &[e(N)]),
    var("d2:zpvc", N, &[e(N)]),
];

/// Looks a function up by its full name (case-sensitive, with the `d2:` prefix).
pub fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// Looks a function up in the function table of `mode`.
pub fn lookup_in(mode: Mode, name: &str) -> Option<&'static Function> {
    match mode {
        Mode::RuleEngine => lookup(name),
        Mode::ProgramIndicator(_) => super::indicator_functions::lookup(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lookup_and_arity() {
        assert!(lookup("d2:inUserGroup").is_none());
        assert!(lookup("d2:hasvalue").is_none());
        let round = lookup("d2:round").unwrap();
        assert_eq!((round.min_args(), round.max_args()), (1, Some(2)));
        let cat = lookup("d2:concatenate").unwrap();
        assert_eq!((cat.min_args(), cat.max_args()), (0, None));
        assert_eq!(
            lookup("d2:contains").unwrap().param_type(5),
            ValueType::String
        );
        let mut names: Vec<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        names.dedup();
        assert_eq!(names.len(), FUNCTIONS.len());
    }
}
