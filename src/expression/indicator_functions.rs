//! The functions of program-indicator mode (`PROGRAM_INDICATOR_EXPRESSION` in
//! `@dhis2/expression-parser` 1.1.0): the common functions (`if`, `isNull`, `greatest`, ...),
//! the aggregation functions (`sum`, `count`, ...), the `d2:` functions shared with the rule
//! engine and the indicator-only ones (`d2:condition`, `d2:countIfCondition`,
//! `d2:minutesBetween`, `d2:relationshipCount`).
//!
//! Argument kinds follow the library's grammar, argument types its `NamedFunction` table; where
//! the two have different lengths the last type repeats. One quirk is kept on purpose:
//! `normDistDen` is registered under the name `normDistCum` in 1.1.0, so `normDistDen(..)` is
//! an unknown function there.

use super::functions::{Function, Param, ParamKind, e, f, item, var};
use super::types::ValueType::{
    Boolean as B, Date as D, Mixed as M, Number as N, Same as S, String as T,
};

const fn opt(ty: super::types::ValueType) -> Param {
    Param {
        kind: ParamKind::Expr,
        ty,
        optional: true,
    }
}

/// A date argument: any expression, and `PS_EVENTDATE:uid` in core's dialect.
const DATE: Param = Param {
    kind: ParamKind::CompareDate,
    ty: D,
    optional: false,
};

/// Every function of program-indicator mode.
pub static INDICATOR_FUNCTIONS: &[Function] = &[
    // common functions
    var("contains", B, &[e(T), e(T)]),
    var("containsItems", B, &[e(T), e(T)]),
    var("firstNonNull", S, &[e(S)]),
    var("greatest", N, &[e(N)]),
    f("if", S, &[e(B), e(S), e(S)]),
    f("isNotNull", B, &[e(S)]),
    f("isNull", B, &[e(S)]),
    var("least", N, &[e(N)]),
    f("log", N, &[e(N), opt(N)]),
    f("log10", N, &[e(N)]),
    f("removeZeros", S, &[e(S)]),
    f("normDistCum", N, &[e(N), opt(N), opt(N)]),
    // aggregation functions
    f("avg", N, &[e(N)]),
    f("count", N, &[e(N)]),
    f("max", N, &[e(N)]),
    f("min", N, &[e(N)]),
    f("stddev", N, &[e(N)]),
    f("sum", N, &[e(N)]),
    // d2: functions shared with the rule engine
    f("d2:count", N, &[item(M)]),
    f("d2:countIfValue", N, &[item(M), e(M)]),
    f("d2:daysBetween", N, &[DATE, DATE]),
    f("d2:hasValue", B, &[item(M)]),
    f("d2:maxValue", N, &[item(M)]),
    f("d2:minValue", N, &[item(M)]),
    f("d2:monthsBetween", N, &[DATE, DATE]),
    f("d2:oizp", N, &[e(N)]),
    f("d2:weeksBetween", N, &[DATE, DATE]),
    f("d2:yearsBetween", N, &[DATE, DATE]),
    f("d2:zing", N, &[e(N)]),
    var("d2:zpvc", N, &[e(N)]),
    // indicator-only d2: functions
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
    f(
        "d2:countIfCondition",
        N,
        &[
            e(B),
            Param {
                kind: ParamKind::StringLiteral,
                ty: M,
                optional: false,
            },
        ],
    ),
    f("d2:minutesBetween", N, &[DATE, DATE]),
    f(
        "d2:relationshipCount",
        N,
        &[Param {
            kind: ParamKind::QuotedUid,
            ty: T,
            optional: true,
        }],
    ),
];

/// Looks a program-indicator function up by its full name.
pub fn lookup(name: &str) -> Option<&'static Function> {
    INDICATOR_FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_quirks_kept() {
        let mut names: Vec<_> = INDICATOR_FUNCTIONS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), INDICATOR_FUNCTIONS.len());
        assert!(lookup("normDistDen").is_none());
        assert!(lookup("d2:concatenate").is_none());
        assert_eq!(lookup("contains").unwrap().min_args(), 0);
        assert_eq!(lookup("log").unwrap().min_args(), 1);
    }
}
