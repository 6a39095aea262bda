//! Rule awareness on a real package (COVAC EIR, 57 rules, 51 variables): a variable that changes
//! its source flags exactly the rules that use it (checked against an independent text search),
//! and a changed condition lists the variables gained and lost.

use crtk::diff::{DiffOptions, Status, diff};
use crtk::package::Package;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

fn covac() -> Package {
    Package::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference-packages/COVAC_EIR_CVIR00_1.2.0_DHIS2.36.6-en.json"),
    )
    .unwrap()
}

fn variable_id(p: &Package, name: &str) -> String {
    p.objects("programRuleVariables")
        .iter()
        .find(|v| v["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Rules whose condition or actions mention the variable, by plain text search.
fn rules_mentioning(p: &Package, name: &str) -> BTreeSet<String> {
    let forms = [
        format!("#{{{name}}}"),
        format!("A{{{name}}}"),
        format!("'{name}'"),
    ];
    let mentions = |text: &str| forms.iter().any(|f| text.contains(f.as_str()));
    let mut out = BTreeSet::new();
    for rule in p.objects("programRules") {
        let id = rule["id"].as_str().unwrap();
        let in_condition = mentions(rule["condition"].as_str().unwrap_or(""));
        let in_actions = p.objects("programRuleActions").iter().any(|a| {
            a["programRule"]["id"] == id
                && ["data", "content"]
                    .iter()
                    .any(|k| mentions(a[*k].as_str().unwrap_or("")))
        });
        if in_condition || in_actions {
            out.insert(id.to_string());
        }
    }
    out
}

#[test]
fn a_variable_reading_another_field_flags_every_rule_using_it() {
    let old = covac();
    let mut checked = 0;
    for name in ["Vaccine_type", "Last_dose", "AGE"] {
        let expected = rules_mentioning(&old, name);
        assert!(!expected.is_empty(), "{name} is used by some rule");
        let mut new = old.clone();
        let id = variable_id(&new, name);
        let variable = new.get_mut("programRuleVariables", &id).unwrap();
        let key = if variable.contains_key("dataElement") {
            "dataElement"
        } else {
            "trackedEntityAttribute"
        };
        variable.insert(key.into(), json!({"id": "Zz000000000"}));
        let d = diff(&old, &new, &DiffOptions::default());
        let flagged: BTreeSet<String> = d
            .objects
            .iter()
            .filter(|o| o.kind == "programRules")
            .inspect(|o| assert_eq!(o.status, Status::Affected))
            .filter(|o| {
                o.rule
                    .as_ref()
                    .unwrap()
                    .variables_changed
                    .iter()
                    .any(|v| v.variable == name)
            })
            .map(|o| o.id.clone())
            .collect();
        assert_eq!(flagged, expected, "{name}");
        let change = &d
            .objects
            .iter()
            .find(|o| o.kind == "programRules")
            .unwrap()
            .rule
            .as_ref()
            .unwrap()
            .variables_changed[0];
        assert!(
            change
                .new_source
                .as_deref()
                .unwrap()
                .contains("Zz000000000"),
            "{change:?}"
        );
        assert!(
            !change
                .old_source
                .as_deref()
                .unwrap()
                .contains("Zz000000000")
        );
        checked += flagged.len();
    }
    assert!(checked >= 5, "{checked}");
}

#[test]
fn renaming_a_variable_flags_the_rules_that_still_use_the_old_name() {
    let old = covac();
    let mut new = old.clone();
    let id = variable_id(&new, "Vaccine_type");
    new.get_mut("programRuleVariables", &id)
        .unwrap()
        .insert("name".into(), json!("Vaccine"));
    let d = diff(&old, &new, &DiffOptions::default());
    let flagged: BTreeSet<String> = d
        .objects
        .iter()
        .filter(|o| o.status == Status::Affected)
        .map(|o| o.id.clone())
        .collect();
    assert_eq!(flagged, rules_mentioning(&old, "Vaccine_type"));
}

#[test]
fn a_changed_condition_lists_variables_gained_and_lost() {
    let old = covac();
    let mut new = old.clone();
    let rule = new.get_mut("programRules", "ZT3tLrXXadf").unwrap();
    assert_eq!(
        rule["condition"],
        "#{Vaccine_type} == 'ASTRAZENECA' &&  d2:hasValue( 'Last_dose' ) == false "
    );
    rule.insert(
        "condition".into(),
        Value::from("#{Vaccine_type} == 'ASTRAZENECA' && A{AGE} >= 18"),
    );
    let d = diff(&old, &new, &DiffOptions::default());
    let change = d.objects.iter().find(|o| o.id == "ZT3tLrXXadf").unwrap();
    let impact = change.rule.as_ref().unwrap();
    assert_eq!(impact.variables_gained, vec!["A{AGE}"]);
    assert_eq!(impact.variables_lost, vec!["#{Last_dose}"]);
    // The parsed trees compared: the one operand of the `&&` chain that was replaced.
    let edits = change.fields[0].expression.as_ref().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(
        edits[0].old.as_deref(),
        Some("d2:hasValue('Last_dose') == false")
    );
    assert_eq!(edits[0].new.as_deref(), Some("A{AGE} >= 18"));
    assert!(change.fields[0].words.is_none());
    let markdown = crtk::diff::render(&d, crtk::diff::Format::Markdown, &Default::default());
    assert!(
        markdown.contains("variable gained: <code>A{AGE}</code>"),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "<code>d2:hasValue('Last\\_dose') == false</code> → <code>A{AGE} &gt;= 18</code>"
        ),
        "{markdown}"
    );
}
