//! `languages:` in the country config: the package's default language, the locales the country
//! uses, crtk's shipped sheets for the base's texts, and one translation file (XLSX, CSV or YAML)
//! per other locale.
//!
//! ```yaml
//! languages:
//!   default: en                     # the language of the base's texts (default: en)
//!   locales: [fr, es]               # optional: only these are reported (completeness, CR703)
//!   drop_other_locales: true        # optional: remove every other locale's translations
//!   base_translations: [fr, es]     # crtk's sheets for the official NCD_CR base's texts
//!   translations:
//!     fr: translations/fr.xlsx      # relative to the config's folder
//!     es: translations/es.csv
//! ```

use super::ConfigError;
use crate::translations::{
    BASE_SHEET_SOURCE_LOCALE, SheetFormat, base_sheet_locales, check_locale,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Languages {
    /// The locale of the package's own texts (the source texts of every translation file).
    #[serde(default = "default_language")]
    pub default: String,
    /// A translation file per locale (`fr: translations/fr.xlsx`).
    #[serde(default)]
    pub translations: BTreeMap<String, PathBuf>,
    /// The locales the country uses; when given, only these are reported (completeness, CR703).
    #[serde(default)]
    pub locales: Option<Vec<String>>,
    /// Remove from the build every translation into a locale not in `locales`.
    #[serde(default)]
    pub drop_other_locales: bool,
    /// crtk's shipped sheets for the base's own texts, applied before `translations`.
    #[serde(default)]
    pub base_translations: Vec<String>,
}

fn default_language() -> String {
    "en".into()
}

impl Languages {
    /// Checks locale codes and file names; `package_locale` is `package.locale`.
    pub(crate) fn check(&self, path: &Path, package_locale: &str) -> Result<(), ConfigError> {
        let invalid = |key: String, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key,
            message,
        };
        check_locale(&self.default)
            .map_err(|e| invalid("languages.default".into(), format!("is wrong: {e}")))?;
        if self.default != package_locale {
            return Err(invalid(
                "languages.default".into(),
                format!(
                    "is `{}` but `package.locale` is `{package_locale}`: both name the language of the package's own texts; make them equal",
                    self.default
                ),
            ));
        }
        if let Some(locales) = &self.locales {
            let mut seen = std::collections::BTreeSet::new();
            for (i, locale) in locales.iter().enumerate() {
                let key = format!("languages.locales[{i}]");
                check_locale(locale).map_err(|e| invalid(key.clone(), format!("is wrong: {e}")))?;
                if *locale == self.default {
                    return Err(invalid(
                        key,
                        format!(
                            "is `{locale}`, the default language: list only the locales the package is translated into"
                        ),
                    ));
                }
                if !seen.insert(locale) {
                    return Err(invalid(key, format!("lists `{locale}` twice; keep one")));
                }
            }
        }
        if self.drop_other_locales && self.locales.is_none() {
            return Err(invalid(
                "languages.drop_other_locales".into(),
                "needs `languages.locales`: list the locales to keep (e.g. `locales: [fr]`)".into(),
            ));
        }
        let chosen = |key: String, locale: &str| -> Result<(), ConfigError> {
            match &self.locales {
                Some(locales) if !locales.iter().any(|l| l == locale) => Err(invalid(
                    key,
                    format!(
                        "is for `{locale}`, which `languages.locales` does not list ({}): add `{locale}` there or remove this entry",
                        locales.join(", ")
                    ),
                )),
                _ => Ok(()),
            }
        };
        let shipped = base_sheet_locales();
        let mut seen = std::collections::BTreeSet::new();
        for (i, locale) in self.base_translations.iter().enumerate() {
            let key = format!("languages.base_translations[{i}]");
            if !shipped.contains(&locale.as_str()) {
                return Err(invalid(
                    key,
                    format!(
                        "is `{locale}`: crtk ships base translations for {} only; translate the base into `{locale}` with a sheet under `languages.translations` (crtk translations export --locale {locale})",
                        shipped.join(", ")
                    ),
                ));
            }
            if !seen.insert(locale) {
                return Err(invalid(key, format!("lists `{locale}` twice; keep one")));
            }
            if self.default != BASE_SHEET_SOURCE_LOCALE {
                return Err(invalid(
                    key,
                    format!(
                        "translates the base's English texts, but this package's own language is `{}`",
                        self.default
                    ),
                ));
            }
            chosen(key, locale)?;
        }
        for (locale, file) in &self.translations {
            let key = format!("languages.translations.{locale}");
            chosen(key.clone(), locale)?;
            check_locale(locale).map_err(|e| invalid(key.clone(), format!("is wrong: {e}")))?;
            if *locale == self.default {
                return Err(invalid(
                    key,
                    format!(
                        "translates into `{locale}`, the default language itself: the package's own texts are already in `{locale}`; remove this entry"
                    ),
                ));
            }
            if SheetFormat::from_path(file).is_none() {
                return Err(invalid(
                    key,
                    format!(
                        "names `{}`: a translation file must be .xlsx, .csv or .yaml",
                        file.display()
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::CountryConfig;
    use std::path::Path;

    fn parse(languages: &str) -> Result<CountryConfig, String> {
        let text = format!(
            "country: {{code: CL, name: Chile}}\npackage: {{version: 1.0.1-cl.1}}\nlanguages:\n{languages}"
        );
        CountryConfig::from_yaml(&text, Path::new("cl.yaml")).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_and_checks_languages() {
        let config = parse("  translations: {es: es.csv, fr: fr.xlsx}\n").unwrap();
        let languages = config.languages.unwrap();
        assert_eq!(languages.default, "en");
        assert_eq!(languages.translations.len(), 2);
        let e = parse("  translations: {pt-BR: pt.csv}\n").unwrap_err();
        assert!(
            e.contains("languages.translations.pt-BR") && e.contains("pt_BR"),
            "{e}"
        );
        let e = parse("  translations: {en: en.csv}\n").unwrap_err();
        assert!(e.contains("default language itself"), "{e}");
        let e = parse("  translations: {fr: fr.txt}\n").unwrap_err();
        assert!(e.contains(".xlsx, .csv or .yaml"), "{e}");
        let e = parse("  default: fr\n").unwrap_err();
        assert!(e.contains("package.locale"), "{e}");
        let e = parse("  translation: {fr: fr.csv}\n").unwrap_err();
        assert!(e.contains("did you mean `translations`?"), "{e}");
    }

    #[test]
    fn checks_locales_and_base_translations() {
        let config =
            parse("  locales: [fr]\n  drop_other_locales: true\n  base_translations: [fr]\n")
                .unwrap();
        let languages = config.languages.unwrap();
        assert_eq!(languages.locales, Some(vec!["fr".to_string()]));
        assert!(languages.drop_other_locales);
        let e = parse("  base_translations: [de]\n").unwrap_err();
        assert!(
            e.contains("languages.base_translations[0]") && e.contains("es, fr only"),
            "{e}"
        );
        let e = parse("  locales: [fr]\n  base_translations: [es]\n").unwrap_err();
        assert!(e.contains("does not list (fr)"), "{e}");
        let e = parse("  locales: [fr]\n  translations: {es: es.csv}\n").unwrap_err();
        assert!(e.contains("languages.translations.es"), "{e}");
        let e = parse("  drop_other_locales: true\n").unwrap_err();
        assert!(e.contains("needs `languages.locales`"), "{e}");
        let e = parse("  locales: [fr, fr]\n").unwrap_err();
        assert!(e.contains("twice"), "{e}");
        let e = parse("  locales: [en]\n").unwrap_err();
        assert!(e.contains("default language"), "{e}");
        let e = parse("  locales: [fr-FR]\n").unwrap_err();
        assert!(
            e.contains("languages.locales[0]") && e.contains("fr_FR"),
            "{e}"
        );
    }
}
