//! How much of a package is translated into each locale: count and percentage per object type.

use super::texts::{ENGLISH_CODE_LISTS, counted_texts};
use crate::package::Package;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// Translation completeness of a package, for people ([`fmt::Display`]) and machines (serde).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    /// The language the package's own texts are written in.
    pub default_locale: String,
    pub locales: Vec<LocaleCompleteness>,
    /// What is not counted, and why.
    pub not_counted: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocaleCompleteness {
    pub locale: String,
    pub translated: usize,
    pub total: usize,
    pub percent: f64,
    /// Per object type, in export order; types without texts are left out.
    pub types: Vec<TypeCompleteness>,
    /// The ICD-O-3 code-list labels, counted apart: they stay English by design.
    pub code_lists: Count,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeCompleteness {
    /// The package key (`dataElements`).
    pub object_type: String,
    /// What the translation sheet calls it (`Data element`).
    pub label: String,
    pub translated: usize,
    pub total: usize,
    pub percent: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Count {
    pub translated: usize,
    pub total: usize,
}

/// Percentage with one decimal, rounded to the nearest tenth (half up: 13/15 is 86.7), except that
/// an incomplete locale never shows 100.0 (1999/2000 is 99.9) and a started one never 0.0.
pub fn percent(translated: usize, total: usize) -> f64 {
    if total == 0 {
        return 100.0;
    }
    let (translated, total) = (translated as u128, total as u128);
    let mut tenths = (translated * 2000 + total) / (2 * total);
    if translated < total {
        tenths = tenths.min(999);
    }
    if translated > 0 {
        tenths = tenths.max(1);
    }
    tenths as f64 / 10.0
}

/// The completeness of `package` for each of `locales` (sorted, deduplicated).
pub fn completeness(package: &Package, default_locale: &str, locales: &[String]) -> Completeness {
    let mut locales: Vec<String> = locales.to_vec();
    locales.sort();
    locales.dedup();
    // Collecting every text is most of the cost: not needed when no locale is asked for.
    let texts = if locales.is_empty() {
        Vec::new()
    } else {
        counted_texts(package)
    };
    // One pass over the texts for every locale: each text's translations are read once.
    let mut per: Vec<(Vec<TypeCompleteness>, Count)> = locales
        .iter()
        .map(|_| {
            (
                Vec::new(),
                Count {
                    translated: 0,
                    total: 0,
                },
            )
        })
        .collect();
    let mut state: Vec<Option<bool>> = vec![None; locales.len()];
    for text in &texts {
        state.fill(None);
        // As `Text::translation`: the first entry for (locale, property) decides.
        let list = text.object.get("translations").and_then(Value::as_array);
        for t in list.into_iter().flatten().filter_map(Value::as_object) {
            if t.get("property").and_then(Value::as_str) != Some(text.property.key) {
                continue;
            }
            let Some(locale) = t.get("locale").and_then(Value::as_str) else {
                continue;
            };
            if let Ok(i) = locales.binary_search_by(|l| l.as_str().cmp(locale))
                && state[i].is_none()
            {
                let value = t.get("value").and_then(Value::as_str);
                state[i] = Some(value.is_some_and(|v| !v.is_empty()));
            }
        }
        for ((types, code_lists), done) in per.iter_mut().zip(&state) {
            let done = *done == Some(true);
            if text.code_list {
                code_lists.total += 1;
                code_lists.translated += usize::from(done);
                continue;
            }
            let entry = match types.last_mut() {
                Some(t) if t.object_type == text.ty.kind => t,
                _ => {
                    types.push(TypeCompleteness {
                        object_type: text.ty.kind.to_string(),
                        label: text.ty.label.to_string(),
                        translated: 0,
                        total: 0,
                        percent: 0.0,
                    });
                    types.last_mut().expect("pushed")
                }
            };
            entry.total += 1;
            entry.translated += usize::from(done);
        }
    }
    let per_locale = locales
        .iter()
        .zip(per)
        .map(|(locale, (mut types, code_lists))| {
            for t in &mut types {
                t.percent = percent(t.translated, t.total);
            }
            let total: usize = types.iter().map(|t| t.total).sum();
            let translated: usize = types.iter().map(|t| t.translated).sum();
            LocaleCompleteness {
                locale: locale.clone(),
                translated,
                total,
                percent: percent(translated, total),
                types,
                code_lists,
            }
        })
        .collect();
    Completeness {
        default_locale: default_locale.to_string(),
        locales: per_locale,
        not_counted: vec![
            format!(
                "ICD-O-3 code-list labels (the options and option groups of {}) stay in English by design; they are counted apart as code_lists",
                ENGLISH_CODE_LISTS.join(", ")
            ),
            "texts without any letter (codes such as 01 or +) read the same in every language"
                .into(),
        ],
    }
}

impl fmt::Display for Completeness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.locales {
            writeln!(
                f,
                "translations {}: {}/{} texts ({:.1}%)",
                l.locale, l.translated, l.total, l.percent
            )?;
            for t in &l.types {
                writeln!(
                    f,
                    "  {:<24} {:>5}/{:<5} {:>5.1}%",
                    t.label, t.translated, t.total, t.percent
                )?;
            }
            writeln!(
                f,
                "  ICD-O-3 code-list labels: {}/{} translated; they stay English by design and are not counted",
                l.code_lists.translated, l.code_lists.total
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn counts_per_type_and_sets_code_lists_apart() {
        let package = Package::from_json(
            r#"{"package": {"name": "t", "DHIS2Version": "2.42"},
            "dataElements": [
              {"id": "a0000000001", "name": "Age", "shortName": "Age", "formName": "01",
               "translations": [{"locale": "fr", "property": "NAME", "value": "Âge"},
                                {"locale": "fr", "property": "SHORT_NAME", "value": ""}]}],
            "optionSets": [{"id": "s0000000001", "name": "CR - Topography"}],
            "options": [{"id": "o0000000001", "name": "Lip", "optionSet": {"id": "s0000000001"},
                         "translations": [{"locale": "fr", "property": "NAME", "value": "Lèvre"}]}]}"#,
            Path::new("t.json"),
        )
        .unwrap();
        let c = completeness(&package, "en", &["fr".into(), "es".into(), "fr".into()]);
        assert_eq!(c.locales.len(), 2, "sorted and deduplicated");
        let fr = &c.locales[1];
        assert_eq!(fr.locale, "fr");
        // Age NAME (done) and SHORT_NAME (empty value = missing); formName `01` is not counted;
        // the option set's name is counted, the ICD-O-3 option is set apart.
        let de = &fr.types[0];
        assert_eq!(
            (de.object_type.as_str(), de.translated, de.total),
            ("dataElements", 1, 2)
        );
        assert_eq!(de.percent, 50.0);
        assert_eq!((fr.translated, fr.total), (1, 3));
        assert_eq!(
            fr.code_lists,
            Count {
                translated: 1,
                total: 1
            }
        );
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["locales"][1]["types"][0]["label"], "Data element");
        assert_eq!(json["locales"][1]["percent"], 33.3);
        assert!(json["not_counted"][0].as_str().unwrap().contains("ICD-O-3"));
        assert!(c.to_string().contains("translations fr: 1/3 texts (33.3%)"));
    }

    #[test]
    fn percentages_round_to_nearest_but_never_claim_complete() {
        assert_eq!(percent(0, 0), 100.0);
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(percent(13, 15), 86.7);
        assert_eq!(percent(1, 8), 12.5, "half up");
        assert_eq!(percent(1999, 2000), 99.9);
        assert_eq!(percent(9999, 10000), 99.9);
        assert_eq!(percent(5, 5), 100.0);
        assert_eq!(percent(0, 5), 0.0);
        assert_eq!(percent(1, 2001), 0.1, "started is not 0.0");
        for total in 1..400 {
            for translated in 0..=total {
                let p = percent(translated, total);
                let exact = translated as f64 * 100.0 / total as f64;
                assert!(
                    (p - exact).abs() <= 0.05 + 1e-9 || p == 99.9 || p == 0.1,
                    "{translated}/{total}"
                );
                assert_eq!(p == 100.0, translated == total, "{translated}/{total}");
            }
        }
    }
}
