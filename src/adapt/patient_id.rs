//! Patient ID: the TextPattern that generates CanReg5's RegNo, checked by DHIS2's rules.
//!
//! DHIS2 (`org.hisp.dhis.textpattern`) accepts segments joined by `+`: `"text"` (with `\"`
//! escapes), `RANDOM(` 1-12 of `#Xx*` `)`, `SEQUENTIAL(` 1-12 `#` `)`, `ORG_UNIT_CODE(` nothing or
//! `^?.+$?` `)`, `CURRENT_DATE(<date format>)`. A generated attribute needs exactly one RANDOM or
//! SEQUENTIAL segment (E4021) and value type TEXT (E4010/E4022).
//!
//! CanReg5 stores the RegNo in a fixed-length field (8 by default: `YYYY####`) and composes
//! TUMOURID = RegNo + `01` + tumour number; a pattern of another length breaks both.

use super::AdaptError;
use crate::config::LoadedConfig;
use crate::config::patient_id::PATIENT_ID_ATTRIBUTE;
use crate::package::Package;
use crate::package::text_pattern::{self, Segment};
use serde_json::Value;

/// Parses a Patient ID pattern: DHIS2's syntax, and exactly one generated segment (E4021).
pub fn parse(pattern: &str) -> Result<Vec<Segment>, String> {
    let segments = text_pattern::parse(pattern)?;
    let generated = segments.iter().filter(|s| s.generated()).count();
    if generated != 1 {
        return Err(format!(
            "has {generated} generated segments: DHIS2 needs exactly one RANDOM(...) or SEQUENTIAL(...) (E4021)"
        ));
    }
    Ok(segments)
}

/// What a pattern means for CanReg5: `None` when it fits, else the warning.
pub fn canreg5_warning(segments: &[Segment], regno_length: usize) -> Option<String> {
    let lengths: Option<Vec<usize>> = segments.iter().map(Segment::length).collect();
    match lengths.map(|l| l.iter().sum::<usize>()) {
        Some(n) if n == regno_length => None,
        Some(n) => Some(format!(
            "patient_id.pattern generates {n}-character Patient IDs but CanReg5's RegNo holds {regno_length} (`patient_id.canreg5_regno_length`): exports to CanReg5 will be rejected or cut, and TUMOURID (Patient ID + `01` + tumour number) becomes {} characters instead of {}; make the pattern {regno_length} characters long or change the RegNo length in CanReg5 first",
            n + 4,
            regno_length + 4
        )),
        None => Some(format!(
            "patient_id.pattern generates Patient IDs of varying length (ORG_UNIT_CODE() or a date format with names): CanReg5's RegNo holds exactly {regno_length} characters and TUMOURID (Patient ID + `01` + tumour number) assumes it; use fixed-width segments such as ORG_UNIT_CODE(...)"
        )),
    }
}

/// The warnings the `patient_id:` section gives (none when absent or fitting).
pub fn warnings(config: &LoadedConfig) -> Vec<String> {
    let Some(p) = &config.config.patient_id else {
        return vec![];
    };
    let pattern = p
        .pattern
        .clone()
        .unwrap_or_else(|| "CURRENT_DATE(yyyy)+SEQUENTIAL(####)".into());
    match parse(&pattern) {
        Ok(segments) => canreg5_warning(&segments, p.canreg5_regno_length)
            .into_iter()
            .collect(),
        Err(_) => vec![], // apply() reports it as an error
    }
}

pub fn apply(package: &mut Package, config: &LoadedConfig) -> Result<(), AdaptError> {
    let Some(p) = &config.config.patient_id else {
        return Ok(());
    };
    let err = |message: String| AdaptError::Config {
        path: config.path.clone(),
        key: "patient_id.pattern".into(),
        message,
    };
    let attribute = package
        .get_mut("trackedEntityAttributes", PATIENT_ID_ATTRIBUTE)
        .ok_or_else(|| AdaptError::Base {
            message: format!(
                "has no Patient ID attribute `{PATIENT_ID_ATTRIBUTE}` to set the pattern on"
            ),
        })?;
    let pattern = match &p.pattern {
        Some(pattern) => pattern.clone(),
        None => attribute
            .get("pattern")
            .and_then(Value::as_str)
            .unwrap_or("CURRENT_DATE(yyyy)+SEQUENTIAL(####)")
            .to_string(),
    };
    parse(&pattern).map_err(|why| err(format!("`{pattern}`: {why}")))?;
    let value_type = attribute
        .get("valueType")
        .and_then(Value::as_str)
        .unwrap_or("TEXT");
    if value_type != "TEXT" {
        return Err(err(format!(
            "a generated attribute must have value type TEXT, the base's Patient ID has {value_type} (E4010)"
        )));
    }
    attribute.insert("pattern".into(), Value::String(pattern));
    attribute.insert("generated".into(), Value::Bool(true));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dhis2_patterns() {
        let s = parse("CURRENT_DATE(yyyy)+SEQUENTIAL(####)").unwrap();
        assert_eq!(
            s,
            vec![Segment::CurrentDate("yyyy".into()), Segment::Sequential(4)]
        );
        assert_eq!(canreg5_warning(&s, 8), None);
        let s = parse(r#""RW" + CURRENT_DATE(yy) + "-" + RANDOM(X##)"#).unwrap();
        assert_eq!(s[0], Segment::Text("RW".into()));
        assert_eq!(canreg5_warning(&s, 8), None, "2 + 2 + 1 + 3 = 8 characters");
        let w = canreg5_warning(&s, 10).unwrap();
        assert!(w.contains("generates 8-character"), "{w}");
        let s = parse("CURRENT_DATE(yyyy)+SEQUENTIAL(#####)").unwrap();
        let w = canreg5_warning(&s, 8).unwrap();
        assert!(w.contains("9-character"), "{w}");
        assert!(w.contains("13 characters instead of 12"), "{w}");
        assert!(canreg5_warning(&parse("ORG_UNIT_CODE()+SEQUENTIAL(####)").unwrap(), 8).is_some());
    }

    #[test]
    fn rejects_what_dhis2_rejects() {
        assert!(parse("CURRENT_DATE(yyyy)").unwrap_err().contains("E4021"));
        assert!(
            parse("SEQUENTIAL(##)+RANDOM(#)")
                .unwrap_err()
                .contains("E4021")
        );
        assert!(parse("SEQUENTIAL(#############)").is_err());
        assert!(parse("SEQUENTIAL(#X)").is_err());
        assert!(parse("RANDOM(#Q)").is_err());
        assert!(
            parse("FOO(1)+SEQUENTIAL(#)")
                .unwrap_err()
                .contains("unknown method")
        );
        assert!(parse("\"open + SEQUENTIAL(#)").is_err());
        assert!(parse("SEQUENTIAL(#) SEQUENTIAL(#)").is_err());
        assert!(parse("ORG_UNIT_CODE(^..)+SEQUENTIAL(######)").is_ok());
        assert!(parse("ORG_UNIT_CODE(ab)+SEQUENTIAL(#)").is_err());
    }
}
