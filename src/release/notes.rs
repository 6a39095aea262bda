//! Release notes of one country package, rendered with tera from
//! `templates/release-notes.md.tera` (compiled into crtk, so an installed binary needs no files).
//!
//! The context has a slot for every section the notes can hold: version, changes by type,
//! breaking changes, translation completeness, validation warnings. A slot the build did not fill
//! is `None`, and the template says so rather than guessing.

use crate::package::Package;
use serde::Serialize;
use std::collections::HashMap;

const TEMPLATE: &str = include_str!("../../templates/release-notes.md.tera");
const TEMPLATE_NAME: &str = "release-notes.md";

#[derive(Debug, Clone, Serialize)]
pub struct NotesContext {
    pub package: PackageInfo,
    pub country: CountryInfo,
    pub crtk_version: String,
    /// Objects per type.
    pub contents: Vec<KindCount>,
    /// The previous release, when one is known.
    pub previous: Option<PackageRef>,
    /// What changed since `previous` (needs a previous release and the diff).
    pub changes: Option<ChangeSummary>,
    /// Completeness per locale, and stale translation rows.
    pub translations: Option<Translations>,
    /// Validation warnings (needs the validator).
    pub validation: Option<ValidationSummary>,
    /// What the config declares in fields, names, rules and working lists (issue 18).
    pub customisation: Option<super::customisation::Customisation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageInfo {
    pub name: String,
    pub code: String,
    pub version: String,
    pub locale: String,
    pub dhis2_version: String,
    pub last_updated: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountryInfo {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    pub kind: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageRef {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ChangeSummary {
    pub by_type: Vec<TypeChanges>,
    pub breaking: Vec<BreakingChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeChanges {
    pub kind: String,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreakingChange {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Translations {
    /// One entry per locale the package carries besides its default.
    pub locales: Vec<TranslationCompleteness>,
    /// Translation rows not applied because their source text changed (`file: row N: ...`).
    pub stale: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TranslationCompleteness {
    pub locale: String,
    pub translated: usize,
    pub total: usize,
    /// One decimal, rounded down (`99.9`, `100.0` only when complete).
    pub percent: String,
    /// Per object type.
    pub types: Vec<TypeCompleteness>,
    /// ICD-O-3 code-list labels: counted apart, they stay English by design.
    pub code_lists_translated: usize,
    pub code_lists_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeCompleteness {
    pub label: String,
    pub translated: usize,
    pub total: usize,
    pub percent: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ValidationSummary {
    pub warnings: Vec<NoteFinding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteFinding {
    pub code: String,
    /// `type id "name"` of the object concerned.
    pub object: String,
    pub message: String,
}

impl PackageInfo {
    pub fn of(package: &Package) -> PackageInfo {
        let header = &package.header;
        PackageInfo {
            name: header.name().unwrap_or("").into(),
            code: header.code().unwrap_or("").into(),
            version: header.version().unwrap_or("").into(),
            locale: header.locale().unwrap_or("").into(),
            dhis2_version: header.dhis2_version().unwrap_or_default(),
            last_updated: header.last_updated().unwrap_or("").into(),
        }
    }
}

/// Objects per type of `package`.
pub fn contents(package: &Package) -> Vec<KindCount> {
    package
        .kinds()
        .map(|kind| KindCount {
            kind: kind.to_string(),
            count: package.objects(kind).len(),
        })
        .collect()
}

/// Escapes text for markdown: inline markup, table pipes, HTML and line breaks.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            _ => out.push(c),
        }
    }
    out
}

fn md_filter(value: &tera::Value, _: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        tera::Value::Null => String::new(),
        other => other.to_string(),
    };
    Ok(tera::Value::String(escape_markdown(&text)))
}

/// Renders the release notes.
pub fn render(context: &NotesContext) -> Result<String, tera::Error> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    tera.register_filter("md", md_filter);
    tera.add_raw_template(TEMPLATE_NAME, TEMPLATE)?;
    let context = tera::Context::from_serialize(context)?;
    let text = tera.render(TEMPLATE_NAME, &context)?;
    // One trailing newline, no leading blank lines, whatever the template's whitespace.
    Ok(crate::output::escape_controls(
        &format!("{}\n", text.trim()),
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Base;

    fn context() -> NotesContext {
        let package = Base::shipped().package;
        NotesContext {
            package: PackageInfo::of(&package),
            country: CountryInfo {
                code: "XX".into(),
                name: "Example | <b>land</b>".into(),
            },
            crtk_version: "0.1.0".into(),
            contents: contents(&package),
            previous: None,
            changes: None,
            translations: None,
            validation: None,
            customisation: None,
        }
    }

    #[test]
    fn says_what_the_build_did_not_compute() {
        let text = render(&context()).unwrap();
        assert!(
            text.starts_with("# NCD\\_CR\\_TRK\\_DHIS2.42.4-en\n"),
            "{text}"
        );
        assert!(text.contains("First release: no previous release is known"));
        assert!(text.contains("Translation completeness was not computed"));
        assert!(text.contains("The package was not validated"));
        let options = Base::shipped().package.objects("options").len();
        assert!(text.contains(&format!("| options | {options} |")), "{text}");
        // User text cannot inject markup or break the table.
        assert!(
            text.contains("Example \\| &lt;b&gt;land&lt;/b&gt;"),
            "{text}"
        );
    }

    #[test]
    fn renders_every_filled_section() {
        let mut context = context();
        context.previous = Some(PackageRef {
            name: "NCD_CR_XX_TRK_1.0.0_DHIS2.42-en".into(),
            version: "1.0.0".into(),
        });
        context.changes = Some(ChangeSummary {
            by_type: vec![TypeChanges {
                kind: "options".into(),
                added: 2,
                removed: 1,
                changed: 3,
            }],
            breaking: vec![BreakingChange {
                kind: "options".into(),
                id: "abcdefghijk".into(),
                name: "North".into(),
                reason: "option removed: stored data holds its code".into(),
            }],
        });
        context.translations = Some(Translations {
            locales: vec![TranslationCompleteness {
                locale: "fr".into(),
                translated: 9,
                total: 10,
                percent: "90.0".into(),
                types: vec![TypeCompleteness {
                    label: "Data element".into(),
                    translated: 4,
                    total: 5,
                    percent: "80.0".into(),
                }],
                code_lists_translated: 0,
                code_lists_total: 1115,
            }],
            stale: vec!["fr.csv: row 12: stale".into()],
        });
        context.validation = Some(ValidationSummary {
            warnings: vec![NoteFinding {
                code: "W001".into(),
                object: "dataElements abcdefghijk".into(),
                message: "short name is long".into(),
            }],
        });
        let text = render(&context).unwrap();
        assert!(text.contains("| options | 2 | 1 | 3 |"), "{text}");
        assert!(text.contains("- **options** North (`abcdefghijk`): option removed"));
        assert!(text.contains("| fr | 9 | 10 | 90.0 % |"), "{text}");
        assert!(
            text.contains("| fr: Data element | 4 | 5 | 80.0 % |"),
            "{text}"
        );
        assert!(
            text.contains("0 of 1115 ICD-O-3 code-list labels"),
            "{text}"
        );
        assert!(text.contains("- fr.csv: row 12: stale"), "{text}");
        assert!(text.contains("- `W001` dataElements abcdefghijk: short name is long"));
        assert!(text.contains("Compared with the previous release"));
    }
}
