//! Each breaking-change rule, on the shipped NCD_CR base: the change is flagged with its rule code
//! and harmless changes next to it are not.

use crtk::diff::{DiffOptions, diff};
use crtk::package::Package;
use serde_json::json;

fn base() -> Package {
    crtk::base::Base::shipped().package
}

/// The breaking rule codes of the diff from the base to `edit(base)`.
fn rules(edit: impl FnOnce(&mut Package)) -> Vec<&'static str> {
    rules_from(base(), edit)
}

/// The breaking rule codes of the diff from `old` to `edit(old)`.
fn rules_from(old: Package, edit: impl FnOnce(&mut Package)) -> Vec<&'static str> {
    let mut new = old.clone();
    edit(&mut new);
    let d = diff(&old, &new, &DiffOptions::default());
    assert!(!d.is_empty(), "the edit changed something");
    d.breaking().map(|(_, b)| b.rule).collect()
}

const SEX_DE_OR_TEA: &str = "m7GEZG8cyCO";
const PATIENT_ID: &str = "hDEhIMZe07x";
const ADDRESS_DE: &str = "xcUBzN5QFXu";
const TUMOR_STAGE: &str = "S12EbFtuFoI";

#[test]
fn harmless_changes_are_not_breaking() {
    assert!(
        rules(|p| {
            p.get_mut("trackedEntityAttributes", PATIENT_ID)
                .unwrap()
                .insert("description".into(), json!("CanReg5 RegNo"));
            p.get_mut("programStages", TUMOR_STAGE)
                .unwrap()
                .insert("description".into(), json!("One per tumour"));
        })
        .is_empty()
    );
}

#[test]
fn removal_and_uid_change() {
    assert_eq!(
        rules(|p| p
            .objects_mut("dataElements")
            .retain(|d| d["id"] != ADDRESS_DE)),
        vec!["object-removed"]
    );
    // Adding a code is not breaking (the official base codes every set: drop one first).
    let mut uncoded = base();
    for (kind, id) in [
        ("optionSets", "R3pi3sIwiXG"),
        ("trackedEntityAttributes", PATIENT_ID),
    ] {
        uncoded.get_mut(kind, id).unwrap().remove("code");
    }
    assert_eq!(
        rules_from(uncoded.clone(), |p| {
            let set = p.get_mut("optionSets", "R3pi3sIwiXG").unwrap();
            set.insert("code".into(), json!("CR_SEX"));
        })
        .len(),
        0
    );
    let rules = rules_from(uncoded, |p| {
        let index = p
            .objects("trackedEntityAttributes")
            .iter()
            .position(|t| t["id"] == PATIENT_ID)
            .unwrap();
        let tea = &mut p.objects_mut("trackedEntityAttributes")[index];
        tea["code"] = json!("PATIENT_ID");
        tea["id"] = json!("Zz000000001");
    });
    // No code in the old package: an attribute removed and another added.
    assert_eq!(rules, vec!["object-removed"]);
}

#[test]
fn uid_changed_for_the_same_code() {
    let mut old = base();
    let index = old
        .objects("trackedEntityAttributes")
        .iter()
        .position(|t| t["id"] == PATIENT_ID)
        .unwrap();
    old.objects_mut("trackedEntityAttributes")[index]["code"] = json!("PATIENT_ID");
    let mut new = old.clone();
    new.objects_mut("trackedEntityAttributes")[index]["id"] = json!("Zz000000001");
    let d = diff(&old, &new, &DiffOptions::default());
    assert_eq!(d.objects.len(), 1);
    assert_eq!(d.objects[0].old_id.as_deref(), Some(PATIENT_ID));
    assert_eq!(
        d.breaking().map(|(_, b)| b.rule).collect::<Vec<_>>(),
        vec!["uid-changed"]
    );
}

#[test]
fn field_level_rules() {
    let set_tea = |key: &'static str, value: serde_json::Value| {
        move |p: &mut Package| {
            p.get_mut("trackedEntityAttributes", SEX_DE_OR_TEA)
                .unwrap()
                .insert(key.into(), value);
        }
    };
    assert_eq!(
        rules(set_tea("valueType", json!("TEXT"))),
        vec!["value-type-changed"]
    );
    assert_eq!(
        rules(set_tea("optionSet", json!({"id": "HoZXI7kpHLn"}))),
        vec!["option-set-changed"]
    );
    assert_eq!(
        rules(|p| {
            p.get_mut("trackedEntityAttributes", PATIENT_ID)
                .unwrap()
                .insert(
                    "pattern".into(),
                    json!("CURRENT_DATE(yy)+SEQUENTIAL(######)"),
                );
        }),
        vec!["text-pattern-changed"]
    );
    assert_eq!(
        rules(|p| {
            p.get_mut("programStages", TUMOR_STAGE)
                .unwrap()
                .insert("repeatable".into(), json!(false));
        }),
        vec!["stage-not-repeatable"]
    );
    assert_eq!(
        rules(|p| {
            let stage = p.get_mut("programStages", TUMOR_STAGE).unwrap();
            stage["programStageDataElements"]
                .as_array_mut()
                .unwrap()
                .retain(|psde| psde["dataElement"]["id"] != ADDRESS_DE);
        }),
        vec!["field-removed"]
    );
    assert_eq!(
        rules(|p| {
            let program = &mut p.objects_mut("programs")[0];
            program["programTrackedEntityAttributes"]
                .as_array_mut()
                .unwrap()
                .retain(|a| a["trackedEntityAttribute"]["id"] != PATIENT_ID);
        }),
        vec!["field-removed"]
    );
    assert_eq!(
        rules(|p| {
            let option = p
                .objects_mut("options")
                .iter_mut()
                .find(|o| o["optionSet"]["id"] == "R3pi3sIwiXG" && o["code"] == "9")
                .unwrap();
            option["code"] = json!("99");
        }),
        vec!["option-code-changed"]
    );
    // A stage becoming repeatable is not breaking.
    let mut once = base();
    once.get_mut("programStages", TUMOR_STAGE)
        .unwrap()
        .insert("repeatable".into(), json!(false));
    let twice = base();
    assert!(!diff(&once, &twice, &DiffOptions::default()).has_breaking());
}
