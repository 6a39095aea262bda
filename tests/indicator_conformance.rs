//! crtk's program-indicator checker against the real `@dhis2/expression-parser` 1.1.0 in
//! PROGRAM_INDICATOR_EXPRESSION mode, on every indicator expression and filter of the reference
//! packages (AEFI, COVAC, HIV_CS, and TB_CS in `tests/data/program-indicators/`) plus
//! deterministic mutations of them. A filter is boolean: the library has no filter mode, so it
//! is checked as the condition of `if(filter, 1, 0)`, crtk checks it as a boolean expression.
//!
//! In the library's dialect the verdicts must agree 100%. In DHIS2 core's dialect (what crtk
//! uses by default) the only differences allowed are the documented ones: `PS_EVENTDATE:uid` as
//! a date argument.

mod common;

use crtk::expression::{Dialect, ExpressionKind, ItemStore, Mode, check_in};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Case {
    kind: Kind,
    text: String,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Expression,
    Filter,
}

impl Case {
    /// What the library is asked.
    fn library_text(&self) -> String {
        match self.kind {
            Kind::Expression => self.text.clone(),
            Kind::Filter => format!("if({}, 1, 0)", self.text),
        }
    }

    fn crtk_valid(&self, dialect: Dialect) -> bool {
        let kind = match self.kind {
            Kind::Expression => ExpressionKind::IndicatorExpression,
            Kind::Filter => ExpressionKind::IndicatorFilter,
        };
        check_in(
            &self.text,
            kind,
            Mode::ProgramIndicator(dialect),
            &ItemStore::new(),
        )
        .is_empty()
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Expression and filter texts of every program indicator of the real packages.
fn real_corpus() -> Vec<Case> {
    let shared = root().join("../shared/reference-packages");
    let mut files: Vec<_> = [
        "AEFI_TRACKER_V1.1.2_DHIS2.35.3.json",
        "COVAC_EIR_CVIR00_1.2.0_DHIS2.36.6-en.json",
        "HIV_CS_TRK_0.1.0_DHIS2.34.6-en.json",
        "HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json",
    ]
    .iter()
    .map(|f| shared.join(f))
    .collect();
    files.push(root().join("tests/data/program-indicators/tb_cs_gtb_pi.json"));
    let mut out = BTreeSet::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let json: Value = serde_json::from_str(&text).expect("package JSON");
        for pi in json["programIndicators"]
            .as_array()
            .expect("programIndicators")
        {
            for (key, kind) in [("expression", Kind::Expression), ("filter", Kind::Filter)] {
                if let Some(t) = pi[key].as_str().filter(|t| !t.trim().is_empty()) {
                    out.insert(Case {
                        kind,
                        text: t.to_string(),
                    });
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Hand-written cases for the corners of the grammar the real corpus does not reach.
fn corner_cases() -> Vec<Case> {
    let e = |t: &str| Case {
        kind: Kind::Expression,
        text: t.to_string(),
    };
    let f = |t: &str| Case {
        kind: Kind::Filter,
        text: t.to_string(),
    };
    let mut out = vec![];
    for t in [
        "1",
        "true",
        "'a'",
        "null",
        "V{event_count} * 2",
        "V{foo}",
        "sum(#{abcdefghijk.bcdefghijkl})",
        "avg(1) + count(2) + max(3) + min(4) + stddev(5)",
        "median(1)",
        "variance(1)",
        "greatest(1, 2, 'a')",
        "greatest()",
        "least(1)",
        "log(10)",
        "log(10, 2)",
        "log(10, 2, 3)",
        "log10('x')",
        "normDistCum(1)",
        "normDistDen(1)",
        "if(true, 1, 0)",
        "if(1, 1, 0)",
        "if('x', 1, 0)",
        "if(true, 1, 'a')",
        "if(true, 'a', 'b')",
        "firstNonNull(#{a}, 1)",
        "firstNonNull(1, 'a')",
        "isNull(#{a})",
        "removeZeros(#{a})",
        "contains()",
        "d2:count(#{abcdefghijk.bcdefghijkl})",
        "d2:count(1)",
        "d2:countIfValue(#{a}, 'x')",
        "d2:countIfCondition(#{a}, '> 5')",
        "d2:countIfCondition(#{a}, 5)",
        "d2:condition('#{a} > 1', 1, 0)",
        "d2:condition('#{a} > 1', 1, 'x')",
        "d2:condition(#{a}, 1, 0)",
        "d2:relationshipCount()",
        "d2:relationshipCount('abcdefghijk')",
        "d2:relationshipCount(abcdefghijk)",
        "d2:relationshipCount('abcdefghijk\")",
        "d2:relationshipCount('abc')",
        "d2:minutesBetween(V{event_date}, V{enrollment_date})",
        "d2:daysBetween(V{event_date}, PS_EVENTDATE:abcdefghijk)",
        "d2:maxValue(PS_EVENTDATE:abcdefghijk)",
        "d2:minValue(#{abcdefghijk.bcdefghijkl})",
        "d2:zing(-1) + d2:oizp(1) + d2:zpvc(1, 2)",
        "d2:concatenate('a')",
        "d2:hasValue(#{a})",
        "d2:hasValue(#{a}) + 1",
        "#{a}.stageOffset(-1)",
        "#{a}.stageOffset(x)",
        "#{a}.stageOffset()",
        "#{a}.periodOffset(1)",
        "#{a}.if('x', 2, 3)",
        "#{a}. stageOffset(1)",
        "#{a} .stageOffset(1)",
        "[days] + 1",
        "[months]",
        "C{abcdefghijk} * 2",
        "I{abcdefghijk}",
        "D{abcdefghijk.bcdefghijkl}",
        "A{abcdefghijk} + #{abcdefghijk.bcdefghijkl}",
        "'2020-01-01' + 1",
        "-'a'",
        "distinct 1",
        "1 +",
        "(1",
        "1)",
        "/* comment */ 1",
    ] {
        out.push(e(t));
    }
    for t in [
        "true",
        "1",
        "'x'",
        "#{a} == 'x' and not #{b}",
        "d2:hasValue(#{a}) && 1",
        "V{enrollment_status} == 'ACTIVE'",
        "d2:daysBetween(V{enrollment_date}, PS_EVENTDATE:abcdefghijk) > 30",
        "x",
        "",
    ] {
        out.push(f(t));
    }
    out
}

/// A small deterministic generator (no dependency needed for reproducible mutations).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    ",",
    " && ",
    " || ",
    " + ",
    " - ",
    "'",
    "\"",
    "!",
    ".stageOffset(1)",
    "#{",
    "}",
    "V{event_date}",
    "d2:",
    "if(",
    "true",
    "null",
    "1",
    "'x'",
    "PS_EVENTDATE:",
    " == ",
    " > ",
    "[days]",
    "A{",
    "C{abcdefghijk}",
    " not ",
    " and ",
    "/*",
    "*/",
    "{",
    ".",
    "-",
    "5.",
];

const NAMES: &[&str] = &[
    "d2:hasValue",
    "d2:count",
    "d2:countIfValue",
    "d2:daysBetween",
    "d2:yearsBetween",
    "d2:minutesBetween",
    "d2:condition",
    "d2:countIfCondition",
    "d2:relationshipCount",
    "d2:concatenate",
    "d2:round",
    "d2:zing",
    "d2:maxValue",
    "if",
    "isNull",
    "sum",
    "greatest",
    "log",
    "contains",
    "d2:nope",
];

const VARIABLES: &[&str] = &[
    "event_date",
    "enrollment_date",
    "event_count",
    "enrollment_count",
    "tei_count",
    "analytics_period_start",
    "current_date",
    "event_status",
    "org_unit",
    "nonsense",
];

/// Cuts `s` at a char boundary near `at`.
fn boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate(text: &str, rng: &mut Lcg) -> String {
    let len = text.len();
    let at = boundary(text, rng.below(len + 1));
    match rng.below(8) {
        0 => {
            let end = boundary(text, at + 1 + rng.below(3));
            format!("{}{}", &text[..at], &text[end.max(at)..])
        }
        1 => {
            let token = TOKENS[rng.below(TOKENS.len())];
            format!("{}{token}{}", &text[..at], &text[at..])
        }
        2 => {
            let present: Vec<&&str> = NAMES.iter().filter(|n| text.contains(**n)).collect();
            match present.first() {
                Some(old) => text.replacen(**old, NAMES[rng.below(NAMES.len())], 1),
                None => format!("{}({text})", NAMES[rng.below(NAMES.len())]),
            }
        }
        3 => match text.find("V{") {
            Some(i) => match text[i..].find('}') {
                Some(j) => format!(
                    "{}V{{{}}}{}",
                    &text[..i],
                    VARIABLES[rng.below(VARIABLES.len())],
                    &text[i + j + 1..]
                ),
                None => text.to_string(),
            },
            None => format!("{text} + V{{{}}}", VARIABLES[rng.below(VARIABLES.len())]),
        },
        4 => {
            let wraps = [
                "sum({})",
                "if({}, 1, 0)",
                "!({})",
                "-({})",
                "({}) + 'a'",
                "d2:hasValue({})",
                "isNull({})",
                "({}) == 1",
                "d2:condition('{}', 1, 0)",
                "({}).stageOffset(-2)",
            ];
            wraps[rng.below(wraps.len())].replace("{}", text)
        }
        5 => {
            let swaps = [
                ("==", "="),
                ("&&", "and"),
                ("||", "or"),
                (">", ">="),
                ("==", "!="),
                ("'", "\""),
                ("&&", "&"),
                ("(", ""),
                (")", ""),
                (",", ""),
            ];
            let (a, b) = swaps[rng.below(swaps.len())];
            text.replacen(a, b, 1)
        }
        6 => text[..at].to_string(),
        _ => {
            let end = boundary(text, at + rng.below(10));
            format!("{}{}", &text[..at], &text[at..end].repeat(2)) + &text[end..]
        }
    }
}

fn corpus() -> (usize, Vec<Case>) {
    let real = real_corpus();
    let mut all: BTreeSet<Case> = real.iter().cloned().collect();
    all.extend(corner_cases());
    // More rounds by hand: CRTK_INDICATOR_ROUNDS=60 cargo test --test indicator_conformance
    let rounds = std::env::var("CRTK_INDICATOR_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(6);
    let mut rng = Lcg(0x5eed_c0de);
    for round in 0..rounds {
        for case in &real {
            let mut text = mutate(&case.text, &mut rng);
            if round % 2 == 1 {
                text = mutate(&text, &mut rng);
            }
            all.insert(Case {
                kind: case.kind,
                text,
            });
        }
    }
    (real.len(), all.into_iter().collect())
}

#[test]
fn indicator_checker_agrees_with_the_expression_parser() {
    let (real, cases) = corpus();
    assert!(
        real >= 500,
        "the real corpus should hold at least 500 expressions and filters, has {real}"
    );
    let requests: Vec<String> = cases.iter().map(Case::library_text).collect();
    let verdicts = common::expression_parser::validate("PROGRAM_INDICATOR_EXPRESSION", &requests);

    let mut disagreements = Vec::new();
    let mut core_differences = Vec::new();
    let mut valid = 0;
    for (case, verdict) in cases.iter().zip(&verdicts) {
        valid += usize::from(verdict.valid);
        let library = case.crtk_valid(Dialect::Library);
        if library != verdict.valid {
            disagreements.push(format!(
                "{:?} `{}`: library says {}, crtk says {} ({})",
                case.kind,
                case.text,
                verdict.valid,
                library,
                verdict.message.lines().next().unwrap_or("")
            ));
        }
        if case.crtk_valid(Dialect::Core) != library {
            core_differences.push(case.clone());
        }
    }
    println!(
        "{} cases ({real} real, {} mutations and corner cases), {valid} valid for the library, \
         {} disagreements, {} accepted only in core's dialect",
        cases.len(),
        cases.len() - real,
        disagreements.len(),
        core_differences.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} verdicts differ from @dhis2/expression-parser 1.1.0:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    // Core's dialect only ever accepts more, and only through `PS_EVENTDATE:` date arguments.
    for case in &core_differences {
        assert!(
            case.crtk_valid(Dialect::Core) && !case.crtk_valid(Dialect::Library),
            "core's dialect must only accept more: `{}`",
            case.text
        );
        assert!(
            case.text.contains("PS_EVENTDATE:"),
            "undocumented dialect difference: `{}`",
            case.text
        );
    }
    let real_core_only = real_corpus()
        .iter()
        .filter(|c| c.crtk_valid(Dialect::Core) && !c.crtk_valid(Dialect::Library))
        .count();
    assert_eq!(
        real_core_only, 9,
        "the real packages use PS_EVENTDATE date arguments in 9 filters (AEFI 3, HIV_CS 6)"
    );
}
