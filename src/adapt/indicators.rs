//! Program indicators declared by name: `#{FIELD_CODE}` (or `#{Stage name.FIELD_CODE}` when a
//! field is in several stages) becomes `#{stageUid.dataElementUid}` and `A{ATTRIBUTE_CODE}`
//! becomes `A{attributeUid}`, as analytics reads them; the result is checked in
//! program-indicator mode before it is written. The opt-in registry set is
//! [`registry_set`], written the same way.

use super::AdaptError;
use crate::config::LoadedConfig;
use crate::config::indicators::{AggregationType, AnalyticsType, Indicator};
use crate::expression::{self, ExpressionKind, ItemStore};
use crate::package::uid::UidGenerator;
use crate::package::{Package, object_id, reference};
use serde_json::{Map, Value, json};

/// The data elements of each stage and the attributes of the one tracker program.
struct Fields {
    program: String,
    /// (stage id, stage name, data element id, code, name, value type)
    elements: Vec<(String, String, String, String, String, String)>,
    /// (attribute id, code, name)
    attributes: Vec<(String, String, String)>,
}

fn fields(package: &Package) -> Result<Fields, AdaptError> {
    let programs: Vec<&Map<String, Value>> = package
        .objects("programs")
        .iter()
        .filter_map(Value::as_object)
        .filter(|p| p.get("programType").and_then(Value::as_str) == Some("WITH_REGISTRATION"))
        .collect();
    let [program] = programs.as_slice() else {
        return Err(AdaptError::Base {
            message: format!(
                "has {} tracker programs: indicators are added to exactly one",
                programs.len()
            ),
        });
    };
    let program_id = object_id(program).unwrap_or_default().to_string();
    let text = |m: &Map<String, Value>, k: &str| {
        m.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut elements = Vec::new();
    for stage in package
        .objects("programStages")
        .iter()
        .filter_map(Value::as_object)
    {
        if stage
            .get("program")
            .and_then(|p| p.get("id"))
            .and_then(Value::as_str)
            != Some(program_id.as_str())
        {
            continue;
        }
        let psdes = stage
            .get("programStageDataElements")
            .and_then(Value::as_array);
        for psde in psdes.into_iter().flatten() {
            let Some(de_id) = psde
                .get("dataElement")
                .and_then(|d| d.get("id"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            if let Some(de) = package.get("dataElements", de_id) {
                elements.push((
                    text(stage, "id"),
                    text(stage, "name"),
                    de_id.to_string(),
                    text(de, "code"),
                    text(de, "name"),
                    text(de, "valueType"),
                ));
            }
        }
    }
    let mut attributes = Vec::new();
    let pteas = program
        .get("programTrackedEntityAttributes")
        .and_then(Value::as_array);
    for ptea in pteas.into_iter().flatten() {
        let Some(id) = ptea
            .get("trackedEntityAttribute")
            .and_then(|a| a.get("id"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        if let Some(a) = package.get("trackedEntityAttributes", id) {
            attributes.push((id.to_string(), text(a, "code"), text(a, "name")));
        }
    }
    Ok(Fields {
        program: program_id,
        elements,
        attributes,
    })
}

impl Fields {
    /// `#{...}` body -> `stageUid.dataElementUid`.
    fn element(&self, body: &str) -> Result<(String, String, &str), String> {
        let (stage, field) = match body.split_once('.') {
            Some((s, f)) if !is_uid(s) => (Some(s), f),
            _ => (None, body),
        };
        let found: Vec<_> = self
            .elements
            .iter()
            .filter(|e| stage.is_none_or(|s| e.1 == s))
            .filter(|e| e.3 == field)
            .collect();
        let found = if found.is_empty() {
            self.elements
                .iter()
                .filter(|e| stage.is_none_or(|s| e.1 == s))
                .filter(|e| e.4 == field)
                .collect()
        } else {
            found
        };
        match found.as_slice() {
            [one] => Ok((one.0.clone(), one.2.clone(), one.5.as_str())),
            [] => {
                let names: Vec<&str> = self.elements.iter().map(|e| e.3.as_str()).collect();
                Err(format!(
                    "`#{{{body}}}`: no data element{} has this code or name{}",
                    stage
                        .map(|s| format!(" of stage `{s}`"))
                        .unwrap_or_default(),
                    did_you_mean(field, &names)
                ))
            }
            many => Err(format!(
                "`#{{{body}}}` is in {} stages ({}): write `#{{Stage name.{field}}}`",
                many.len(),
                many.iter()
                    .map(|e| e.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// `A{...}` body -> attribute UID.
    fn attribute(&self, body: &str) -> Result<String, String> {
        self.attributes
            .iter()
            .find(|a| a.1 == body)
            .or_else(|| self.attributes.iter().find(|a| a.2 == body))
            .map(|a| a.0.clone())
            .ok_or_else(|| {
                let names: Vec<&str> = self.attributes.iter().map(|a| a.1.as_str()).collect();
                format!(
                    "`A{{{body}}}`: no attribute of the program has this code or name{}",
                    did_you_mean(body, &names)
                )
            })
    }

    /// Rewrites every `#{name}` and `A{name}` outside string literals to UIDs.
    fn compile(&self, text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = next_item(rest) {
            out.push_str(&rest[..i]);
            let sigil = &rest[i..i + 2];
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[i..]);
                return Ok(out);
            };
            let body = after[..end].trim();
            let uids = body.split('.').all(is_uid);
            let replaced = if uids {
                body.to_string()
            } else if sigil == "#{" {
                let (stage, element, _) = self.element(body)?;
                format!("{stage}.{element}")
            } else {
                self.attribute(body)?
            };
            out.push_str(sigil);
            out.push_str(&replaced);
            out.push('}');
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// A period boundary: a named date or a date field's code.
    fn boundary(&self, value: &str) -> Result<String, String> {
        match value {
            "event_date" => return Ok("EVENT_DATE".into()),
            "enrollment_date" => return Ok("ENROLLMENT_DATE".into()),
            "incident_date" => return Ok("INCIDENT_DATE".into()),
            _ => {}
        }
        let (stage, element, value_type) = self
            .element(value)
            .map_err(|e| format!("{e}; or use event_date, enrollment_date, incident_date"))?;
        if !matches!(value_type, "DATE" | "DATETIME") {
            return Err(format!(
                "`{value}` is a {value_type} field: a period boundary needs a date"
            ));
        }
        Ok(format!("#{{{stage}.{element}}}"))
    }
}

/// The byte offset of the next `#{` or `A{` outside a string literal.
fn next_item(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' | b'A' if b[i + 1] == b'{' && (b[i] == b'#' || i == 0 || !is_name(b[i - 1])) => {
                return Some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b':'
}

fn is_uid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11 && b[0].is_ascii_alphabetic() && b.iter().all(u8::is_ascii_alphanumeric)
}

fn did_you_mean(name: &str, candidates: &[&str]) -> String {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let Some(settings) = &config.config.indicators else {
        return Ok(());
    };
    let mut declared: Vec<(String, Indicator)> = Vec::new();
    if settings.registry_set {
        declared.extend(
            registry_set()
                .into_iter()
                .map(|i| (format!("indicators.registry_set ({})", i.code), i)),
        );
    }
    for (i, indicator) in settings.custom.iter().enumerate() {
        declared.push((format!("indicators.custom[{i}]"), indicator.clone()));
    }
    if declared.is_empty() {
        return Ok(());
    }
    let fields = fields(package)?;
    let sharing = package
        .get("programs", &fields.program)
        .and_then(|p| p.get("sharing").cloned());
    let taken: Vec<String> = package
        .all_objects()
        .map(|(_, id, _)| id.to_string())
        .collect();
    let mut uids = UidGenerator::new(&config.config.country.code, taken);
    let mut codes = std::collections::BTreeSet::new();
    for (key, indicator) in declared {
        let fail = |field: &str, message: String| AdaptError::Config {
            path: config.path.clone(),
            key: format!("{key}.{field}"),
            message,
        };
        if !codes.insert(indicator.code.clone()) {
            return Err(fail(
                "code",
                format!(
                    "`{}` is declared twice: give each indicator its own code",
                    indicator.code
                ),
            ));
        }
        let short_name = indicator
            .short_name
            .clone()
            .unwrap_or(indicator.name.clone());
        if short_name.chars().count() > 50 {
            return Err(fail(
                "short_name",
                format!("`{short_name}` is longer than DHIS2's 50 characters: give a short_name"),
            ));
        }
        let expression = compile_checked(
            &fields,
            &indicator.expression,
            ExpressionKind::IndicatorExpression,
        )
        .map_err(|m| fail("expression", m))?;
        let filter = match &indicator.filter {
            Some(f) => Some(
                compile_checked(&fields, f, ExpressionKind::IndicatorFilter)
                    .map_err(|m| fail("filter", m))?,
            ),
            None => None,
        };
        let boundary = match (&indicator.period_boundary, indicator.analytics_type) {
            (Some(b), _) => fields.boundary(b).map_err(|m| fail("period_boundary", m))?,
            (None, AnalyticsType::Event) => "EVENT_DATE".into(),
            (None, AnalyticsType::Enrollment) => "ENROLLMENT_DATE".into(),
        };
        let uid_key = format!("indicators/{}", indicator.code);
        let id = uids.uid("programIndicators", &uid_key);
        let boundaries: Vec<Value> = [
            ("AFTER_START_OF_REPORTING_PERIOD", "start"),
            ("BEFORE_END_OF_REPORTING_PERIOD", "end"),
        ]
        .iter()
        .map(|(kind, end)| {
            json!({
                "id": uids.uid("analyticsPeriodBoundaries", &format!("{uid_key}/{end}")),
                "analyticsPeriodBoundaryType": kind,
                "boundaryTarget": boundary,
            })
        })
        .collect();
        let mut pi = json!({
            "id": id,
            "code": indicator.code,
            "name": indicator.name,
            "shortName": short_name,
            "program": reference(&fields.program),
            "analyticsType": indicator.analytics_type.dhis2(),
            "aggregationType": indicator.aggregation_type.dhis2(),
            "expression": expression,
            "analyticsPeriodBoundaries": boundaries,
            "displayInForm": false,
            "legendSets": indicator.legend_set.iter().map(|l| reference(l)).collect::<Vec<_>>(),
        });
        let object = pi.as_object_mut().expect("object literal");
        if let Some(filter) = filter {
            object.insert("filter".into(), json!(filter));
        }
        if let Some(description) = &indicator.description {
            object.insert("description".into(), json!(description));
        }
        if let Some(decimals) = indicator.decimals {
            object.insert("decimals".into(), json!(decimals));
        }
        if let Some(sharing) = &sharing {
            object.insert("sharing".into(), sharing.clone());
        }
        package.objects_mut("programIndicators").push(pi);
        if let Some(program) = package.get_mut("programs", &fields.program)
            && let Value::Array(list) = program
                .entry("programIndicators")
                .or_insert_with(|| json!([]))
        {
            list.push(reference(&id));
        }
    }
    Ok(())
}

/// Compiles names to UIDs and checks the result as DHIS2 analytics would.
fn compile_checked(fields: &Fields, text: &str, kind: ExpressionKind) -> Result<String, String> {
    let compiled = fields.compile(text)?;
    if let Some(d) = expression::check(&compiled, kind, &ItemStore::new()).first() {
        return Err(format!(
            "`{text}` is not a valid program-indicator {}: {} [{}]",
            if kind == ExpressionKind::IndicatorFilter {
                "filter"
            } else {
                "expression"
            },
            d.message,
            d.code
        ));
    }
    Ok(compiled)
}

/// crtk's registry indicator set: the figures a population-based registry reports (IARC /
/// CI5 data-quality indicators), over tumour events (a tumour is a Tumor-stage event with an
/// incidence date, placed in the period of its incidence date). Percentages are the average
/// of 100 (the tumour qualifies) or 0 per tumour.
pub fn registry_set() -> Vec<Indicator> {
    const TUMOUR: &str = "!isNull(#{CR_INCIDENCE_DATE})";
    let count =
        |code: &str, name: &str, short: &str, filter: String, description: &str| Indicator {
            code: code.into(),
            name: name.into(),
            short_name: Some(short.into()),
            description: Some(description.into()),
            analytics_type: AnalyticsType::Event,
            expression: "V{event_count}".into(),
            filter: Some(filter),
            aggregation_type: AggregationType::Count,
            decimals: None,
            period_boundary: Some("CR_INCIDENCE_DATE".into()),
            legend_set: None,
        };
    let percent = |code: &str, name: &str, short: &str, when: &str, description: &str| Indicator {
        code: code.into(),
        name: name.into(),
        short_name: Some(short.into()),
        description: Some(description.into()),
        analytics_type: AnalyticsType::Event,
        expression: format!("if({when}, 100, 0)"),
        filter: Some(TUMOUR.into()),
        aggregation_type: AggregationType::Average,
        decimals: Some(1),
        period_boundary: Some("CR_INCIDENCE_DATE".into()),
        legend_set: None,
    };
    let and = |extra: &str| format!("{TUMOUR} && {extra}");
    vec![
        count(
            "CR_REG_CASES",
            "CR - New cases (tumours)",
            "CR - New cases",
            TUMOUR.into(),
            "Tumours by incidence date. Break down by CR - Site, sex or org unit in event analytics.",
        ),
        count(
            "CR_REG_CASES_MALE",
            "CR - New cases, male",
            "CR - New cases, male",
            and("A{CR_SEX} == 1"),
            "Tumours of male patients (CR - Sex 1).",
        ),
        count(
            "CR_REG_CASES_FEMALE",
            "CR - New cases, female",
            "CR - New cases, female",
            and("A{CR_SEX} == 2"),
            "Tumours of female patients (CR - Sex 2).",
        ),
        count(
            "CR_REG_CASES_AGE_0_14",
            "CR - New cases, age 0-14",
            "CR - New cases, 0-14",
            and("#{CR_AGE} >= 0 && #{CR_AGE} <= 14"),
            "Tumours diagnosed at age 0 to 14.",
        ),
        count(
            "CR_REG_CASES_AGE_15_39",
            "CR - New cases, age 15-39",
            "CR - New cases, 15-39",
            and("#{CR_AGE} >= 15 && #{CR_AGE} <= 39"),
            "Tumours diagnosed at age 15 to 39.",
        ),
        count(
            "CR_REG_CASES_AGE_40_64",
            "CR - New cases, age 40-64",
            "CR - New cases, 40-64",
            and("#{CR_AGE} >= 40 && #{CR_AGE} <= 64"),
            "Tumours diagnosed at age 40 to 64.",
        ),
        count(
            "CR_REG_CASES_AGE_65_PLUS",
            "CR - New cases, age 65+",
            "CR - New cases, 65+",
            and("#{CR_AGE} >= 65 && #{CR_AGE} < 999"),
            "Tumours diagnosed at age 65 or more (999 is CanReg5's unknown age).",
        ),
        percent(
            "CR_REG_MV_PCT",
            "CR - Morphologically verified (%)",
            "CR - MV%",
            "#{CR_BASIS_DIAGNOSIS} >= 5 && #{CR_BASIS_DIAGNOSIS} <= 8",
            "Share of tumours with basis of diagnosis cytology or histology (5 to 8), IARC's MV%.",
        ),
        percent(
            "CR_REG_DCO_PCT",
            "CR - Death certificate only (%)",
            "CR - DCO%",
            "#{CR_BASIS_DIAGNOSIS} == 0",
            "Share of tumours known from a death certificate only (basis 0), IARC's DCO%.",
        ),
        percent(
            "CR_REG_UNKNOWN_SITE_PCT",
            "CR - Unknown primary site (%)",
            "CR - Unknown primary site %",
            "#{CR_TOPOGRAPHY} == 809",
            "Share of tumours with topography C80.9 (809), unknown primary site.",
        ),
        percent(
            "CR_REG_UNKNOWN_AGE_PCT",
            "CR - Unknown age (%)",
            "CR - Unknown age %",
            "isNull(#{CR_AGE}) || #{CR_AGE} == 999",
            "Share of tumours with no age or age 999 (unknown).",
        ),
        count(
            "CR_REG_CHECKS_FAILED",
            "CR - Tumours failing the IARC checks",
            "CR - Failed checks",
            and("#{CR_INVALID} == 1"),
            "Tumours the program's IARC checks mark invalid (CR - Invalid).",
        ),
        count(
            "CR_REG_RARE",
            "CR - Rare tumours to confirm",
            "CR - Rare tumours",
            and("#{CR_RARE} == 1"),
            "Tumours the IARC checks mark rare (CR - Rare); confirm them.",
        ),
    ]
}
