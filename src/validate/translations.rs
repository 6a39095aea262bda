//! Translations: locale syntax (CR701), one value per (locale, property) (E1106), properties
//! valid for the type (CR702), completeness per locale (CR703).

use super::fast::FastSet;
use super::schema::{class_of, schemas};
use super::{Ctx, objects};
use crate::translations::completeness;
use serde_json::Value;
use std::collections::BTreeSet;

/// DHIS2 locale codes: language (2-3 lower-case letters), optional country (2 upper-case
/// letters), optional script (4 letters): `fr`, `pt_BR`, `uz_UZ_Cyrl`, `prs`.
pub fn is_locale(locale: &str) -> bool {
    // Legacy `uz@Cyrl` form used by older DHIS2 releases.
    if let Some((language, script)) = locale.split_once('@') {
        return is_locale(language)
            && !language.contains('_')
            && script.len() == 4
            && script.bytes().all(|b| b.is_ascii_alphabetic());
    }
    let mut parts = locale.split('_');
    let language = parts.next().unwrap_or("");
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    let country = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase());
    let script = |p: &str| p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic());
    match rest.as_slice() {
        [] => true,
        [a] => country(a) || script(a),
        [a, b] => country(a) && script(b),
        _ => false,
    }
}

/// `SHORT_NAME` -> `shortName`.
fn camel(property: &str) -> String {
    let mut out = String::new();
    for (i, word) in property.split('_').enumerate() {
        let lower = word.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

pub(super) fn run(ctx: &mut Ctx) {
    let package = ctx.package;
    let schemas = schemas();
    // Every valid locale a translation uses, for the completeness check.
    let mut used_locales: BTreeSet<&str> = BTreeSet::new();
    for kind in package.kinds() {
        let properties = class_of(kind).and_then(|c| schemas.properties(c));
        for (i, map) in objects(package, kind) {
            let Some(Value::Array(translations)) = map.get("translations") else {
                continue;
            };
            let mut seen: FastSet<(&str, &str)> = FastSet::default();
            for (j, t) in translations.iter().enumerate() {
                let at = |p: &str| format!("{kind}[{i}].translations[{j}]{p}");
                let locale = t.get("locale").and_then(Value::as_str).unwrap_or("");
                let property = t.get("property").and_then(Value::as_str).unwrap_or("");
                if !is_locale(locale) {
                    ctx.report(
                        "CR701",
                        kind,
                        map,
                        at(".locale"),
                        format!(
                            "`{locale}` is not a DHIS2 locale: use a language code with an optional country, e.g. `fr` or `pt_BR`"
                        ),
                    );
                }
                if !seen.insert((locale, property)) {
                    ctx.report(
                        "E1106",
                        kind,
                        map,
                        at(""),
                        format!(
                            "there is already a `{locale}` translation of {property}: keep one"
                        ),
                    );
                }
                if let Some(properties) = properties
                    && !property.is_empty()
                    && !properties.contains_key(&camel(property))
                    && !map.contains_key(&camel(property))
                {
                    ctx.report(
                        "CR702",
                        kind,
                        map,
                        at(".property"),
                        format!(
                            "{kind} have no `{}` property, so a {property} translation is never shown",
                            camel(property)
                        ),
                    );
                }
                if is_locale(locale) {
                    used_locales.insert(locale);
                }
            }
        }
    }
    // Completeness as `crtk translations` counts it: the texts users see, without the ICD-O-3
    // code-list labels that stay English by design.
    let default_locale = package.header.locale().unwrap_or("en");
    let locales: Vec<String> = match &ctx.options.locales {
        // A country build: its locales are reported, even untranslated ones; the others are
        // not its concern.
        Some(chosen) => chosen.clone(),
        None => used_locales
            .into_iter()
            .filter(|locale| *locale != default_locale)
            .map(String::from)
            .collect(),
    };
    if locales.is_empty() {
        return;
    }
    // Measured by the build on this same package, when it covers these locales.
    let measured = ctx.options.completeness.as_ref().filter(|c| {
        c.default_locale == default_locale && c.locales.iter().map(|l| &l.locale).eq(locales.iter())
    });
    let computed;
    let completeness = match measured {
        Some(c) => c,
        None => {
            computed = completeness(package, default_locale, &locales);
            &computed
        }
    };
    let partial: Vec<_> = completeness
        .locales
        .iter()
        .filter(|l| l.translated < l.total)
        .collect();
    if ctx.options.locales.is_none() && partial.len() > 1 {
        let list: Vec<String> = partial
            .iter()
            .map(|l| format!("{} {}/{}", l.locale, l.translated, l.total))
            .collect();
        ctx.report_package(
            "CR703",
            String::new(),
            format!(
                "{} locales translate only part of the texts ({}): untranslated texts show in the default language (`crtk translations export --locale <locale>` lists them)",
                partial.len(),
                list.join(", ")
            ),
        );
        return;
    }
    for locale in partial {
        ctx.report_package(
            "CR703",
            String::new(),
            format!(
                "locale `{}` translates {} of {} texts ({:.1}%): untranslated texts show in the default language (`crtk translations export --locale {}` lists them)",
                locale.locale, locale.translated, locale.total, locale.percent, locale.locale
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        for ok in ["fr", "pt_BR", "uz_UZ_Cyrl", "prs", "uz_Latn", "uz@Cyrl"] {
            assert!(is_locale(ok), "{ok}");
        }
        for bad in ["French", "FR", "fr-FR", "fr_fr", "", "f"] {
            assert!(!is_locale(bad), "{bad}");
        }
        assert_eq!(camel("SHORT_NAME"), "shortName");
        assert_eq!(camel("NAME"), "name");
    }
}
