//! `languages:` in the country config: the package's default language and one translation file
//! (XLSX, CSV or YAML) per other locale.
//!
//! ```yaml
//! languages:
//!   default: en                     # the language of the base's texts (default: en)
//!   translations:
//!     fr: translations/fr.xlsx      # relative to the config's folder
//!     es: translations/es.csv
//! ```

use super::ConfigError;
use crate::translations::{SheetFormat, check_locale};
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
        for (locale, file) in &self.translations {
            let key = format!("languages.translations.{locale}");
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
}
