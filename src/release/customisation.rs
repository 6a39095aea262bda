//! The release notes' "Local customisation" section (issue 18): what the country declared in
//! `fields`, `names`, `rules` and `working_lists`, one line each, in the config's order.

use crate::config::CountryConfig;
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Customisation {
    pub fields: Vec<String>,
    pub names: Vec<String>,
    pub rules: Vec<String>,
    pub working_lists: Vec<String>,
}

/// The section, or `None` when the config declares none of the sections.
pub fn summary(config: &CountryConfig) -> Option<Customisation> {
    let out = Customisation {
        fields: config
            .fields
            .iter()
            .map(|f| {
                let place = if f.person {
                    "person attribute".to_string()
                } else {
                    match (&f.stage, &f.section) {
                        (Some(s), Some(sec)) => format!("stage {s}, section {sec}"),
                        (Some(s), None) => format!("stage {s}"),
                        _ => String::new(),
                    }
                };
                let canreg5 = f
                    .canreg5
                    .as_ref()
                    .map(|v| format!(", CanReg5 {v}"))
                    .unwrap_or_default();
                format!(
                    "{} ({}, {}): {place}{canreg5}",
                    f.name, f.code, f.value_type
                )
            })
            .collect(),
        names: config
            .names
            .iter()
            .map(|n| {
                let which = n
                    .code
                    .as_ref()
                    .cloned()
                    .or_else(|| n.current_name.clone())
                    .unwrap_or_default();
                let mut parts = Vec::new();
                for (label, v) in [
                    ("name", &n.name),
                    ("short name", &n.short_name),
                    ("form name", &n.form_name),
                ] {
                    if let Some(v) = v {
                        parts.push(format!("{label} \"{v}\""));
                    }
                }
                format!("{} {which}: {}", n.target.as_str(), parts.join(", "))
            })
            .collect(),
        rules: config
            .rules
            .iter()
            .map(|r| format!("{} (priority {}): when {}", r.name, r.priority, r.when))
            .collect(),
        working_lists: config
            .working_lists
            .iter()
            .map(|w| match &w.stage {
                Some(s) => format!("{} (events of stage {s})", w.name),
                None => format!("{} (persons)", w.name),
            })
            .collect(),
    };
    let empty = out.fields.is_empty()
        && out.names.is_empty()
        && out.rules.is_empty()
        && out.working_lists.is_empty();
    (!empty).then_some(out)
}
