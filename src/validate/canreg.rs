//! CanReg5 alignment of a country build: the ICD-O-3, sex, behaviour, basis and grade codes equal
//! the base's (CR901); address codes fit the configured CanReg5 length (CR902).

use super::fast::FastMap;
use super::{Ctx, objects, ref_ids, str_prop};
use crate::package::Package;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The base option sets whose codes are CanReg5 dictionary codes (NCD_CR; DOMAIN.md §2, §3:
/// "do not change the Sex/topography/morphology/behaviour/basis/grade codes").
pub const ALIGNED_SETS: &[(&str, &str)] = &[
    ("rUO167aacLS", "ICD-O-3 topography"),
    ("nNr77EuhToG", "ICD-O-3 morphology"),
    ("mtUmTwbHCU1", "behaviour"),
    ("ZU4zQdNWR6H", "basis of diagnosis"),
    ("Jcp16JgcxeU", "grade"),
    ("R3pi3sIwiXG", "sex"),
];

/// The option codes of the sets `wanted` in `package` (by each set's `options` list).
fn set_codes<'p>(package: &'p Package, wanted: &[&str]) -> FastMap<&'p str, BTreeSet<String>> {
    let sets: Vec<&serde_json::Map<String, Value>> = objects(package, "optionSets")
        .map(|(_, s)| s)
        .filter(|s| str_prop(s, "id").is_some_and(|id| wanted.contains(&id)))
        .collect();
    let members: FastMap<&str, ()> = sets
        .iter()
        .flat_map(|s| ref_ids(s, "options"))
        .map(|o| (o, ()))
        .collect();
    let codes: FastMap<&str, &str> = objects(package, "options")
        .filter_map(|(_, o)| {
            let id = str_prop(o, "id")?;
            members.contains_key(id).then_some(())?;
            Some((id, str_prop(o, "code")?))
        })
        .collect();
    sets.into_iter()
        .filter_map(|s| {
            let id = str_prop(s, "id")?;
            let set = ref_ids(s, "options")
                .into_iter()
                .filter_map(|o| codes.get(o).map(|c| c.to_string()))
                .collect();
            Some((id, set))
        })
        .collect()
}

/// The codes of the base's aligned sets present in `base`.
pub fn aligned_codes(base: &Package) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let wanted: Vec<&str> = ALIGNED_SETS.iter().map(|(id, _)| *id).collect();
    let codes = set_codes(base, &wanted);
    ALIGNED_SETS
        .iter()
        .filter_map(|(id, label)| {
            codes
                .get(id)
                .map(|c| (id.to_string(), (label.to_string(), c.clone())))
        })
        .collect()
}

pub(super) fn run(ctx: &mut Ctx) {
    let package = ctx.package;
    if !ctx.options.canreg_codes.is_empty() {
        let wanted: Vec<&str> = ctx
            .options
            .canreg_codes
            .keys()
            .map(String::as_str)
            .collect();
        let codes = set_codes(package, &wanted);
        for (set_id, (label, base_codes)) in &ctx.options.canreg_codes {
            let Some((si, set)) =
                objects(package, "optionSets").find(|(_, s)| str_prop(s, "id") == Some(set_id))
            else {
                ctx.report_package(
                    "CR901",
                    "optionSets".into(),
                    format!("the {label} option set `{set_id}` of the base is missing: CanReg5 exports need it"),
                );
                continue;
            };
            let got = codes.get(set_id.as_str()).cloned().unwrap_or_default();
            if &got != base_codes {
                let added: Vec<&String> = got.difference(base_codes).take(5).collect();
                let removed: Vec<&String> = base_codes.difference(&got).take(5).collect();
                ctx.report(
                    "CR901",
                    "optionSets",
                    set,
                    format!("optionSets[{si}].options"),
                    format!(
                        "the {label} codes differ from the base (added {added:?}, removed {removed:?}); they must equal CanReg5's dictionary: restore the base's options"
                    ),
                );
            }
        }
    }
    if let Some(rule) = &ctx.options.address {
        for set_id in &rule.option_set_ids {
            let Some(set) = ctx.get("optionSets", set_id) else {
                continue;
            };
            for oid in ref_ids(set, "options") {
                let Some((i, option)) = ctx.locate("options", oid) else {
                    continue;
                };
                let Some(code) = str_prop(option, "code") else {
                    continue;
                };
                let len = code.chars().count();
                if len > rule.max_len {
                    ctx.report(
                        "CR902",
                        "options",
                        option,
                        format!("options[{i}].code"),
                        format!(
                            "address code `{code}` has {len} characters; the CanReg5 address variable holds {}: shorten the coding",
                            rule.max_len
                        ),
                    );
                }
            }
        }
    }
}
