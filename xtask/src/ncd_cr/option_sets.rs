//! Option sets and their options, from `option_sets.csv` and `option_set_value_types.csv`.

use super::common::{identifiable, reference};
use super::tables::{col, read};
use crtk::package::Package;
use crtk::package::uid::UidGenerator;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

/// Option-set UIDs by specification name (`CRSexCS`).
pub type OptionSetUids = BTreeMap<String, String>;

/// Option sets that MULTI_TEXT data elements also use. DHIS2 2.42 requires an option set's value
/// type to match its field's, so these get a MULTI_TEXT copy (same codes) named `<name>Multi`.
pub const MULTI_TEXT: [&str; 3] = [
    "CRTumorNumberCS",
    "CRMorphologyGroupCS",
    "CRTopographyGroupCS",
];

fn add_multi_text(
    package: &mut Package,
    uids: &mut UidGenerator,
    set_uids: &mut OptionSetUids,
    name: &str,
    title: &str,
    options: &[super::tables::Row],
) -> Result<(), String> {
    let multi = format!("{name}Multi");
    let set_uid = uids.uid("optionSets", &multi);
    let mut members = Vec::new();
    for option in options.iter().filter(|o| col(o, "option_set_name") == name) {
        let code = col(option, "code");
        let option_uid = uids.uid("options", &format!("{multi}/{code}"));
        let sort_order: u32 = col(option, "sort_order")
            .parse()
            .map_err(|_| format!("option_sets.csv: bad sort_order in {option:?}"))?;
        package.objects_mut("options").push(identifiable(json!({
            "code": code,
            "id": option_uid,
            "name": col(option, "name"),
            "optionSet": reference(&set_uid),
            "sortOrder": sort_order,
        })));
        members.push((sort_order, option_uid));
    }
    members.sort();
    package.objects_mut("optionSets").push(identifiable(json!({
        "id": set_uid,
        "name": format!("{title} (multiple)"),
        "options": members.iter().map(|(_, uid)| reference(uid)).collect::<Vec<_>>(),
        "valueType": "MULTI_TEXT",
        "version": 0,
    })));
    set_uids.insert(multi, set_uid);
    Ok(())
}

pub fn add(
    package: &mut Package,
    dir: &Path,
    uids: &mut UidGenerator,
) -> Result<OptionSetUids, String> {
    let types = read(dir, "option_set_value_types.csv")?;
    let options = read(dir, "option_sets.csv")?;
    let mut set_uids = OptionSetUids::new();
    for set in &types {
        let name = col(set, "option_set_name");
        let set_uid = uids.uid("optionSets", name);
        let mut members = Vec::new();
        for option in options.iter().filter(|o| col(o, "option_set_name") == name) {
            let code = col(option, "code");
            let option_uid = uids.uid("options", &format!("{name}/{code}"));
            let sort_order: u32 = col(option, "sort_order")
                .parse()
                .map_err(|_| format!("option_sets.csv: bad sort_order in {option:?}"))?;
            package.objects_mut("options").push(identifiable(json!({
                "code": code,
                "id": option_uid,
                "name": col(option, "name"),
                "optionSet": reference(&set_uid),
                "sortOrder": sort_order,
            })));
            members.push((sort_order, option_uid));
        }
        members.sort();
        package.objects_mut("optionSets").push(identifiable(json!({
            "id": set_uid,
            "name": col(set, "option_set_title"),
            "options": members.iter().map(|(_, uid)| reference(uid)).collect::<Vec<_>>(),
            "valueType": col(set, "value_type"),
            "version": 0,
        })));
        set_uids.insert(name.to_string(), set_uid);
        if MULTI_TEXT.contains(&name) {
            add_multi_text(
                package,
                uids,
                &mut set_uids,
                name,
                col(set, "option_set_title"),
                &options,
            )?;
        }
    }
    Ok(set_uids)
}
