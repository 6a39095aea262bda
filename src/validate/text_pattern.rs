//! TextPattern of tracked entity attributes (DHIS2 `org.hisp.dhis.textpattern`): syntax (E4019),
//! exactly one generated segment (E4021), conformity to the value type (E4022), generated only
//! for TEXT/NUMBER (E4010), generated implies unique (CR401).

use super::{Ctx, bool_prop, objects, str_prop};

/// One parsed segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Random(String),
    Sequential(usize),
    OrgUnitCode(String),
    CurrentDate(String),
}

impl Segment {
    fn generated(&self) -> bool {
        matches!(self, Segment::Random(_) | Segment::Sequential(_))
    }

    /// Whether the segment can only produce digits.
    fn numeric(&self) -> bool {
        match self {
            Segment::Text(t) => t.chars().all(|c| c.is_ascii_digit()),
            Segment::Random(f) => f.chars().all(|c| c == '#'),
            Segment::Sequential(_) => true,
            Segment::OrgUnitCode(_) => false,
            Segment::CurrentDate(f) => f.chars().all(|c| "yMdHhms".contains(c)),
        }
    }
}

/// Parses a TextPattern as DHIS2's TextPatternParser does: segments joined by `+`.
pub fn parse(pattern: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut rest = pattern.trim();
    if rest.is_empty() {
        return Err("the pattern is empty".into());
    }
    loop {
        rest = rest.trim_start();
        let (segment, after) = if let Some(body) = rest.strip_prefix('"') {
            let mut text = String::new();
            let mut chars = body.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            text.push(n);
                        }
                    }
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    c => text.push(c),
                }
            }
            let end = end.ok_or("unclosed text segment: add the closing `\"`")?;
            (Segment::Text(text), &body[end + 1..])
        } else {
            let open = rest
                .find('(')
                .ok_or_else(|| format!("`{rest}` is not a segment: quote text as \"text\""))?;
            let name = rest[..open].trim();
            let close = rest[open..]
                .find(')')
                .map(|c| open + c)
                .ok_or_else(|| format!("`{name}(` is not closed: add `)`"))?;
            let arg = &rest[open + 1..close];
            let segment = match name {
                "RANDOM" => {
                    if arg.is_empty()
                        || arg.chars().count() > 12
                        || !arg.chars().all(|c| "#Xx*".contains(c))
                    {
                        return Err(format!(
                            "RANDOM({arg}): use 1 to 12 of `#` (digit), `X` (upper), `x` (lower), `*` (any)"
                        ));
                    }
                    Segment::Random(arg.to_string())
                }
                "SEQUENTIAL" => {
                    if arg.is_empty() || arg.len() > 12 || !arg.chars().all(|c| c == '#') {
                        return Err(format!("SEQUENTIAL({arg}): use 1 to 12 `#`"));
                    }
                    Segment::Sequential(arg.len())
                }
                "ORG_UNIT_CODE" => Segment::OrgUnitCode(arg.to_string()),
                "CURRENT_DATE" => {
                    if arg.is_empty() {
                        return Err("CURRENT_DATE() needs a date format, e.g. yyyy".into());
                    }
                    Segment::CurrentDate(arg.to_string())
                }
                other => {
                    return Err(format!(
                        "unknown segment `{other}`: use \"text\", RANDOM, SEQUENTIAL, ORG_UNIT_CODE or CURRENT_DATE"
                    ));
                }
            };
            (segment, &rest[close + 1..])
        };
        segments.push(segment);
        let after = after.trim_start();
        if after.is_empty() {
            return Ok(segments);
        }
        rest = after
            .strip_prefix('+')
            .ok_or_else(|| format!("expected `+` before `{after}`"))?;
        if rest.trim().is_empty() {
            return Err("the pattern ends with `+`".into());
        }
    }
}

pub(super) fn run(ctx: &mut Ctx) {
    let package = ctx.package;
    for (i, attr) in objects(package, "trackedEntityAttributes") {
        let generated = bool_prop(attr, "generated");
        let pattern = str_prop(attr, "pattern").unwrap_or("");
        if !generated && pattern.trim().is_empty() {
            continue;
        }
        let value_type = str_prop(attr, "valueType").unwrap_or("TEXT");
        let at = |p: &str| format!("trackedEntityAttributes[{i}]{p}");
        if generated && !bool_prop(attr, "unique") {
            ctx.report(
                "CR401",
                "trackedEntityAttributes",
                attr,
                at(".unique"),
                "generated attribute is not unique: set `unique: true` so two records never share a value".into(),
            );
        }
        if generated && value_type != "TEXT" && value_type != "NUMBER" {
            ctx.report(
                "E4010",
                "trackedEntityAttributes",
                attr,
                at(".valueType"),
                format!("generated values need value type TEXT or NUMBER, not {value_type}"),
            );
        }
        let segments = match parse(pattern) {
            Ok(s) => s,
            Err(why) => {
                ctx.report(
                    "E4019",
                    "trackedEntityAttributes",
                    attr,
                    at(".pattern"),
                    format!("failed to parse pattern `{pattern}`: {why}"),
                );
                continue;
            }
        };
        let generated_segments = segments.iter().filter(|s| s.generated()).count();
        if generated && generated_segments != 1 {
            ctx.report(
                "E4021",
                "trackedEntityAttributes",
                attr,
                at(".pattern"),
                format!(
                    "pattern `{pattern}` has {generated_segments} generated segments; a generated attribute needs exactly one RANDOM or SEQUENTIAL"
                ),
            );
        }
        if value_type == "NUMBER" && !segments.iter().all(Segment::numeric) {
            ctx.report(
                "E4022",
                "trackedEntityAttributes",
                attr,
                at(".pattern"),
                format!(
                    "pattern `{pattern}` can produce non-digits, but the attribute is NUMBER: use numeric segments only or value type TEXT"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dhis2_patterns() {
        assert_eq!(
            parse("CURRENT_DATE(yyyy)+SEQUENTIAL(####)").unwrap(),
            vec![Segment::CurrentDate("yyyy".into()), Segment::Sequential(4)]
        );
        assert_eq!(
            parse("\"RW-\" + ORG_UNIT_CODE(...) + RANDOM(X##)").unwrap(),
            vec![
                Segment::Text("RW-".into()),
                Segment::OrgUnitCode("...".into()),
                Segment::Random("X##".into())
            ]
        );
        assert!(parse("CURRENT_DATE(yyyy)+SEQUENTIAL(###").is_err());
        assert!(parse("RANDOM(ABC)").is_err());
        assert!(parse("\"abc").is_err());
        assert!(parse("SEQUENTIAL(#)+").is_err());
        assert!(parse("FOO(1)").is_err());
    }
}
