//! The Site → Topography dependent dropdown: one option group per CanReg5 site (the 2-digit
//! groups of CanReg5 R45 `topography.tsv`) holding its topographies, and one SHOWOPTIONGROUP rule
//! per site.

use super::canreg5;
use super::common::{identifiable, reference, short_name};
use super::fields::{TOPOGRAPHY, var};
use super::option_sets::OptionSetUids;
use super::rules::{Action, Rules, priority};
use super::tables::{col, read};
use crtk::package::Package;
use std::collections::BTreeMap;
use std::path::Path;

pub fn add(
    package: &mut Package,
    rules: &mut Rules,
    data: &Path,
    option_sets: &OptionSetUids,
    tumor: &str,
) -> Result<(), String> {
    let topographies = canreg5::topographies(&data.join("canreg5"))?;
    let options = read(&data.join("ncd-cr"), "option_sets.csv")?;
    let site_names: BTreeMap<i64, String> = options
        .iter()
        .filter(|o| col(o, "option_set_name") == "CRSiteCS")
        .map(|o| {
            (
                col(o, "code").parse().unwrap_or(-1),
                col(o, "name").to_string(),
            )
        })
        .collect();
    let topography_codes: Vec<String> = options
        .iter()
        .filter(|o| col(o, "option_set_name") == "CRTopographyCS")
        .map(|o| col(o, "code").to_string())
        .collect();
    let set = option_sets
        .get("CRTopographyCS")
        .ok_or("no CRTopographyCS option set")?
        .clone();

    let mut by_site: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (code, site) in topographies {
        if !topography_codes.contains(&code.to_string()) {
            return Err(format!(
                "CanReg5 topography {code:03} is not an option of CR - Topography"
            ));
        }
        by_site.entry(site).or_default().push(code);
    }
    for (site, codes) in by_site {
        let site_name = site_names
            .get(&site)
            .ok_or_else(|| format!("CanReg5 site {site:02} is not an option of CR - Site"))?;
        let name = format!("CR - Topography: {site_name}");
        let group = rules
            .uids()
            .uid("optionGroups", &format!("topography-site/{site}"));
        let members: Vec<_> = codes
            .iter()
            .map(|code| {
                reference(
                    &rules
                        .uids()
                        .uid("options", &format!("CRTopographyCS/{code}")),
                )
            })
            .collect();
        package
            .objects_mut("optionGroups")
            .push(identifiable(serde_json::json!({
                "code": format!("CR_TOPOGRAPHY_SITE_{site:02}"),
                "id": group,
                "name": name,
                "optionSet": reference(&set),
                "options": members,
                "shortName": short_name(&format!("CR - Topography site {site:02}")),
            })));
        rules.rule(
            &format!("CR - Show topographies of site {site:02}"),
            &format!("Only the topographies of {site_name} are offered."),
            Some(tumor),
            priority::FORM,
            format!("d2:hasValue({v}) && {v} == {site}", v = var::SITE),
            vec![Action::show_option_group(TOPOGRAPHY, &group)],
        );
    }
    Ok(())
}
