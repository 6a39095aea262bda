//! DHIS2 TextPattern (`org.hisp.dhis.textpattern`): the generator pattern of an attribute.
//!
//! Segments joined by `+`: `"text"` (with `\"` escapes), `RANDOM(` 1-12 of `#Xx*` `)`,
//! `SEQUENTIAL(` 1-12 `#` `)`, `ORG_UNIT_CODE(` nothing or `.` per character, optionally after `^`
//! or before `$` `)`, `CURRENT_DATE(<date format>)`. This parses the syntax only; the rules on top
//! (exactly one generated segment, value type) are checked by their users.

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
    /// RANDOM and SEQUENTIAL generate the value; the other segments only decorate it.
    pub fn generated(&self) -> bool {
        matches!(self, Segment::Random(_) | Segment::Sequential(_))
    }

    /// Whether the segment can only produce digits.
    pub fn numeric(&self) -> bool {
        match self {
            Segment::Text(t) => t.chars().all(|c| c.is_ascii_digit()),
            Segment::Random(f) => f.chars().all(|c| c == '#'),
            Segment::Sequential(_) => true,
            Segment::OrgUnitCode(_) => false,
            Segment::CurrentDate(f) => f.chars().all(|c| "yMdHhms".contains(c)),
        }
    }

    /// The number of characters the segment produces, when fixed.
    pub fn length(&self) -> Option<usize> {
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

/// Parses a TextPattern; the error says which segment is wrong and how to fix it.
pub fn parse(pattern: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut rest = pattern.trim();
    if rest.is_empty() {
        return Err("the pattern is empty".into());
    }
    loop {
        let (segment, after) = parse_segment(rest)?;
        segments.push(segment);
        let after = after.trim_start();
        if after.is_empty() {
            return Ok(segments);
        }
        rest = after
            .strip_prefix('+')
            .ok_or_else(|| format!("expected `+` between segments at `{after}`"))?
            .trim_start();
        if rest.is_empty() {
            return Err("the pattern ends with `+`".into());
        }
    }
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
        return Err(format!("unclosed text segment `{s}`: add the closing `\"`"));
    }
    let open = s
        .find('(')
        .ok_or_else(|| format!("`{s}` is not a segment: quote text as \"text\""))?;
    let method = s[..open].trim();
    let close = s[open..]
        .find(')')
        .map(|i| open + i)
        .ok_or_else(|| format!("`{method}(` is not closed: add `)`"))?;
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
                "unknown method `{other}`: use \"text\", RANDOM, SEQUENTIAL, ORG_UNIT_CODE or CURRENT_DATE"
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
