//! TextPattern of tracked entity attributes (DHIS2 `org.hisp.dhis.textpattern`): syntax (E4019),
//! exactly one generated segment (E4021), conformity to the value type (E4022), generated only
//! for TEXT/NUMBER (E4010), generated implies unique (CR401).

use super::{Ctx, bool_prop, objects, str_prop};
use crate::package::text_pattern::{Segment, parse};

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
