//! `indicators:` mistakes are refused with the config key and the fix, and nothing is written.

mod common;

use common::crtk::{root, temp_dir};
use std::process::Command;

const OFFICIAL: &str =
    "../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json";

fn build_with(indicator: &str) -> (i32, String, usize) {
    let dir = temp_dir(&format!(
        "indicators-bad-{:x}",
        indicator.len() * 31 + indicator.bytes().map(usize::from).sum::<usize>()
    ));
    let config = dir.join("country.yaml");
    std::fs::write(
        &config,
        format!(
            "country: {{code: KE, name: Kenya}}\npackage: {{version: 1.0.1-ke.1}}\n\
             validate: {{allow_placeholders: true}}\nindicators:\n  custom:\n    - code: KE_X\n      \
             name: KE - X\n{indicator}"
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .arg("build")
        .arg(&config)
        .arg("--base")
        .arg(root().join(OFFICIAL))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        written,
    )
}

fn refused(indicator: &str, wanted: &[&str]) {
    let (code, stderr, written) = build_with(indicator);
    assert_eq!(code, 2, "exit 2 for {indicator}: {stderr}");
    assert_eq!(written, 0, "nothing written for {indicator}");
    for w in wanted {
        assert!(stderr.contains(w), "`{w}` missing from:\n{stderr}");
    }
}

#[test]
fn unknown_field_code_suggests_the_closest() {
    refused(
        "      expression: \"V{event_count}\"\n      filter: \"#{CR_MORPHOLGY} == 8000\"\n",
        &[
            "indicators.custom[0].filter",
            "CR_MORPHOLGY",
            "did you mean `CR_MORPHOLOGY`",
        ],
    );
}

#[test]
fn field_in_two_stages_asks_for_the_stage() {
    refused(
        "      expression: \"V{event_count}\"\n      filter: \"#{CR_PATIENT_ID_TUMOR} == 'x'\"\n",
        &[
            "2 stages",
            "Source",
            "Tumor",
            "#{Stage name.CR_PATIENT_ID_TUMOR}",
        ],
    );
    let (code, stderr, _) = build_with(
        "      expression: \"V{event_count}\"\n      filter: \"#{Tumor.CR_PATIENT_ID_TUMOR} == 'x'\"\n",
    );
    assert_eq!(code, 0, "the stage-qualified name builds: {stderr}");
}

#[test]
fn invalid_expression_is_refused_before_analytics_sees_it() {
    refused(
        "      expression: \"d2:hasValue(#{CR_AGE})\"\n",
        &["indicators.custom[0].expression", "NUMBER"],
    );
    refused(
        "      expression: \"V{event_count}\"\n      filter: \"#{CR_AGE} >\"\n",
        &[
            "indicators.custom[0].filter",
            "not a valid program-indicator filter",
        ],
    );
}

#[test]
fn period_boundary_must_be_a_date() {
    refused(
        "      expression: \"V{event_count}\"\n      period_boundary: CR_AGE\n",
        &["indicators.custom[0].period_boundary", "needs a date"],
    );
}

#[test]
fn unknown_key_is_refused() {
    refused(
        "      expression: \"V{event_count}\"\n      aggregate: sum\n",
        &["aggregate"],
    );
}
