//! Source types: the local source types replace the placeholder options of the base's Source type
//! option set, which keeps its UID and loses "Placeholder" from its name.

use super::AdaptError;
use super::options::take_options;
use crate::config::LoadedConfig;
use crate::config::source_types::SOURCE_TYPE_ELEMENT;
use crate::package::uid::UidGenerator;
use crate::package::{Package, reference};
use serde_json::{Value, json};

pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let Some(types) = &config.config.source_types else {
        return Ok(());
    };
    let set_id = package
        .get("dataElements", SOURCE_TYPE_ELEMENT)
        .and_then(|de| de.get("optionSet"))
        .and_then(|s| s.get("id"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| AdaptError::Base {
            message: format!(
                "has no Source type data element `{SOURCE_TYPE_ELEMENT}` with an option set"
            ),
        })?;
    let set = package
        .get("optionSets", &set_id)
        .ok_or_else(|| AdaptError::Base {
            message: format!("lacks the Source type option set `{set_id}`"),
        })?
        .clone();
    let template = take_options(package, &set_id);
    let taken: Vec<String> = package
        .all_objects()
        .map(|(_, id, _)| id.to_string())
        .collect();
    let mut uids = UidGenerator::new(&config.config.country.code, taken);
    let mut refs = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let id = uids.uid("options", &format!("source_types/{set_id}/{}", t.code));
        let mut option = template.clone();
        for k in ["description", "shortName", "formName"] {
            option.remove(k);
        }
        option.insert("id".into(), json!(id));
        option.insert("code".into(), json!(t.code));
        option.insert("name".into(), json!(t.name));
        option.insert("optionSet".into(), reference(&set_id));
        option.insert("sortOrder".into(), json!(i + 1));
        option.insert("translations".into(), json!([]));
        option.entry("attributeValues").or_insert_with(|| json!([]));
        if let (Some(s), false) = (set.get("sharing"), option.contains_key("sharing")) {
            option.insert("sharing".into(), s.clone());
        }
        package.objects_mut("options").push(Value::Object(option));
        refs.push(reference(&id));
    }
    let set = package.get_mut("optionSets", &set_id).expect("found above");
    set.insert("options".into(), Value::Array(refs));
    if let Some(name) = set.get("name").and_then(Value::as_str) {
        set.insert("name".into(), json!(without_placeholder(name)));
    }
    Ok(())
}

/// `CR - Placeholder: Source type` -> `CR - Source type`.
pub fn without_placeholder(name: &str) -> String {
    let mut out = name.to_string();
    for p in ["Placeholder: ", "Placeholder - ", "Placeholder "] {
        out = out.replace(p, "");
    }
    out = out.replace("Placeholder", "");
    let words: Vec<&str> = out.split_whitespace().collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn drops_placeholder() {
        assert_eq!(
            super::without_placeholder("CR - Placeholder: Source type"),
            "CR - Source type"
        );
        assert_eq!(super::without_placeholder("Source type"), "Source type");
    }
}
