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
use serde_json::Value;

/// One parsed TextPattern segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Random(String),
    Sequential(usize),
    OrgUnitCode(String),
    CurrentDate(String),
}

impl Segment {
    /// The number of characters the segment produces, when fixed.
    fn length(&self) -> Option<usize> {
        match self {
            Segment::Text(t) => Some(t.chars().count()),
            Segment::Random(p) => Some(p.chars().count()),
            Segment::Sequential(n) => Some(*n),
            Segment::OrgUnitCode(p) if p.is_empty() => None,
            Segment::OrgUnitCode(p) => Some(p.chars().filter(|&c| c == '.').count()),
            Segment::CurrentDate(format) => date_format_length(format),
        }
    }
}

/// Parses a TextPattern as DHIS2 does; the error says which segment is wrong and why.
pub fn parse(pattern: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut rest = pattern.trim();
    if rest.is_empty() {
        return Err("is empty".into());
    }
    loop {
        let (segment, after) = parse_segment(rest)?;
        segments.push(segment);
        let after = after.trim_start();
        if after.is_empty() {
            break;
        }
        rest = after
            .strip_prefix('+')
            .ok_or_else(|| format!("expects `+` between segments at `{after}`"))?
            .trim_start();
    }
    let generated = segments
        .iter()
        .filter(|s| matches!(s, Segment::Random(_) | Segment::Sequential(_)))
        .count();
    if generated != 1 {
        return Err(format!(
            "has {generated} generated segments: DHIS2 needs exactly one RANDOM(...) or SEQUENTIAL(...) (E4021)"
        ));
    }
    Ok(segments)
}

fn parse_segment(s: &str) -> Result<(Segment, &str), String> {
    if let Some(body) = s.strip_prefix('"') {
        let mut text = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, e)) => text.push(e),
                    None => break,
                },
                '"' => return Ok((Segment::Text(text), &body[i + 1..])),
                c => text.push(c),
            }
        }
        return Err(format!("has an unterminated text segment `{s}`"));
    }
    let open = s
        .find('(')
        .ok_or_else(|| format!("segment `{s}` is not `\"text\"` nor METHOD(...)"))?;
    let method = s[..open].trim();
    let close = s[open..]
        .find(')')
        .map(|i| open + i)
        .ok_or_else(|| format!("segment `{s}` lacks its closing `)`"))?;
    let param = &s[open + 1..close];
    let after = &s[close + 1..];
    let bad = |why: &str| Err(format!("segment `{}` {why}", &s[..=close]));
    let segment = match method {
        "RANDOM" => {
            if param.is_empty() || param.len() > 12 || !param.chars().all(|c| "#Xx*".contains(c)) {
                return bad("needs 1 to 12 of `#` (digit), `X`, `x` (letter), `*` (any)");
            }
            Segment::Random(param.into())
        }
        "SEQUENTIAL" => {
            if param.is_empty() || param.len() > 12 || !param.chars().all(|c| c == '#') {
                return bad("needs 1 to 12 `#`");
            }
            Segment::Sequential(param.len())
        }
        "ORG_UNIT_CODE" => {
            let inner = param.strip_prefix('^').unwrap_or(param);
            let inner = inner.strip_suffix('$').unwrap_or(inner);
            if !param.is_empty() && (inner.is_empty() || !inner.chars().all(|c| c == '.')) {
                return bad(
                    "takes nothing, or `.` per character, optionally after `^` or before `$`",
                );
            }
            Segment::OrgUnitCode(param.into())
        }
        "CURRENT_DATE" => {
            if param.is_empty() {
                return bad("needs a date format such as `yyyy`");
            }
            Segment::CurrentDate(param.into())
        }
        other => {
            return Err(format!(
                "has an unknown method `{other}`: use RANDOM, SEQUENTIAL, ORG_UNIT_CODE or CURRENT_DATE"
            ));
        }
    };
    Ok((segment, after))
}

/// Characters a `SimpleDateFormat` pattern produces, when fixed (`yyyy` 4, `MM` 2, `dd` 2, ...).
fn date_format_length(format: &str) -> Option<usize> {
    let chars: Vec<char> = format.chars().collect();
    let mut n = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        n += match c {
            'y' if run == 2 => 2,
            'y' => run.max(4),
            'M' if run >= 3 => return None, // month names
            'E' | 'a' | 'z' | 'Z' => return None,
            _ => run,
        };
        i += run;
    }
    Some(n)
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
    parse(&pattern).map_err(|why| err(format!("`{pattern}` {why}")))?;
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
