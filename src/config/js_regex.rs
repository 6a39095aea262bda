//! Syntax check of an identifier `pattern` in the dialect `d2:validatePattern` uses.
//!
//! DHIS2's rule engine (`@dhis2/rule-engine`, built from the Kotlin expression-parser) evaluates
//! `d2:validatePattern(value, pattern)` in JavaScript as `new RegExp('^(?:' + pattern + ')$')`:
//! ECMAScript RegExp syntax without the `u` flag, so with the web-compatibility grammar of
//! ECMA-262 Annex B (a lone `{`, `}` or `]` is a literal, unknown escapes stand for themselves).
//! A pattern that does not compile there makes the rule throw on every value, so it can never
//! show its message. This is a syntax check only (nothing is matched), written from the grammar;
//! `tests/identifier_patterns.rs` compares it with Node's own RegExp.
//!
//! One deliberate difference: parentheses must balance inside the pattern itself (`a)|(b` would
//! only compile because of the engine's wrapper, which is certainly not what was meant).

/// Why a pattern does not compile, and where (1-based character position in the pattern).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    pub position: usize,
    pub message: String,
}

/// Checks that `pattern` compiles as `d2:validatePattern` compiles it.
pub fn check(pattern: &str) -> Result<(), RegexError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut names = Vec::new();
    collect_group_names(&chars, &mut names)?;
    let mut parser = Parser {
        chars: &chars,
        at: 0,
        names: &names,
    };
    parser.disjunction(0)?;
    Ok(())
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
    /// Capture-group names: when there is one, `\k` must be a named reference.
    names: &'a [String],
}

fn error(at: usize, message: impl Into<String>) -> RegexError {
    RegexError {
        position: at + 1,
        message: message.into(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn disjunction(&mut self, depth: usize) -> Result<(), RegexError> {
        loop {
            self.alternative(depth)?;
            match self.peek() {
                Some('|') => self.at += 1,
                _ => return Ok(()),
            }
        }
    }

    fn alternative(&mut self, depth: usize) -> Result<(), RegexError> {
        while let Some(c) = self.peek() {
            let start = self.at;
            let quantifiable = match c {
                '|' => return Ok(()),
                ')' if depth == 0 => {
                    return Err(error(
                        start,
                        "`)` closes no group: remove it or escape it as `\\)`",
                    ));
                }
                ')' => return Ok(()),
                '^' | '$' => {
                    self.at += 1;
                    false
                }
                '\\' if matches!(self.peek_at(1), Some('b' | 'B')) => {
                    self.at += 2;
                    false
                }
                '\\' => {
                    self.atom_escape()?;
                    true
                }
                '(' => self.group(depth)?,
                '[' => {
                    self.class()?;
                    true
                }
                '*' | '+' | '?' => {
                    return Err(error(
                        start,
                        format!(
                            "`{c}` has nothing to repeat: put it after a character or group, or escape it as `\\{c}`"
                        ),
                    ));
                }
                '{' if self.brace_quantifier().is_some() => {
                    return Err(error(
                        start,
                        "`{` starts a repetition with nothing to repeat: put it after a character or group, or escape it as `\\{`",
                    ));
                }
                _ => {
                    self.at += 1;
                    true
                }
            };
            self.quantifier(quantifiable, start)?;
        }
        Ok(())
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor: its length and bounds.
    fn brace_quantifier(&self) -> Option<(usize, u64, Option<u64>)> {
        let rest = &self.chars[self.at..];
        if rest.first() != Some(&'{') {
            return None;
        }
        let digits = |from: usize| {
            rest[from..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count()
        };
        let number = |from: usize, len: usize| {
            rest[from..from + len]
                .iter()
                .collect::<String>()
                .parse::<u64>()
                .unwrap_or(u64::MAX)
        };
        let n = digits(1);
        if n == 0 {
            return None;
        }
        let low = number(1, n);
        match rest.get(1 + n) {
            Some('}') => Some((n + 2, low, Some(low))),
            Some(',') => {
                let m = digits(2 + n);
                let high = (m > 0).then(|| number(2 + n, m));
                (rest.get(2 + n + m) == Some(&'}')).then_some((n + m + 3, low, high))
            }
            _ => None,
        }
    }

    fn quantifier(&mut self, quantifiable: bool, atom: usize) -> Result<(), RegexError> {
        let Some(c) = self.peek() else {
            return Ok(());
        };
        let len = match c {
            '*' | '+' | '?' => 1,
            '{' => match self.brace_quantifier() {
                Some((_, low, Some(high))) if high < low => {
                    return Err(error(
                        self.at,
                        format!(
                            "the repetition {{{low},{high}}} has its numbers out of order: write {{{high},{low}}}"
                        ),
                    ));
                }
                Some((len, _, _)) => len,
                None => return Ok(()),
            },
            _ => return Ok(()),
        };
        if !quantifiable {
            return Err(error(
                self.at,
                format!(
                    "`{c}` repeats `{}`, which matches a position, not a character: remove the repetition",
                    self.chars[atom..self.at].iter().collect::<String>()
                ),
            ));
        }
        self.at += len;
        if self.peek() == Some('?') {
            self.at += 1; // lazy
        }
        if matches!(self.peek(), Some('*' | '+' | '?'))
            || (self.peek() == Some('{') && self.brace_quantifier().is_some())
        {
            return Err(error(
                self.at,
                format!(
                    "`{}` repeats a repetition: remove one, or group the first in `(?:...)`",
                    self.peek().unwrap_or(' ')
                ),
            ));
        }
        Ok(())
    }

    /// A group at the cursor; returns whether a quantifier may follow it.
    fn group(&mut self, depth: usize) -> Result<bool, RegexError> {
        let open = self.at;
        self.at += 1;
        let mut quantifiable = true;
        if self.peek() == Some('?') {
            match (self.peek_at(1), self.peek_at(2)) {
                (Some(':' | '=' | '!'), _) => self.at += 2,
                (Some('<'), Some('=' | '!')) => {
                    self.at += 3;
                    quantifiable = false; // a lookbehind is never repeated
                }
                (Some('<'), _) => {
                    self.at += 2;
                    self.group_name(open)?;
                }
                _ => {
                    return Err(error(
                        open,
                        "`(?` must be followed by `:`, `=`, `!`, `<=`, `<!` or `<name>`: write `(?:...)` for a group that does not capture, or escape the `?`",
                    ));
                }
            }
        }
        self.disjunction(depth + 1)?;
        if self.peek() != Some(')') {
            return Err(error(
                open,
                "this `(` is never closed: add the matching `)` or escape it as `\\(`",
            ));
        }
        self.at += 1;
        Ok(quantifiable)
    }

    /// `name>` after `(?<`.
    fn group_name(&mut self, open: usize) -> Result<String, RegexError> {
        let start = self.at;
        while let Some(c) = self.peek() {
            if c == '>' {
                let name: String = self.chars[start..self.at].iter().collect();
                if !is_identifier(&name) {
                    break;
                }
                self.at += 1;
                return Ok(name);
            }
            self.at += 1;
        }
        Err(error(
            open,
            "`(?<` starts a named group but no valid `name>` follows: name it with letters, digits, `_` or `$` (not starting with a digit), or write `(?:` for a group that does not capture",
        ))
    }

    fn atom_escape(&mut self) -> Result<(), RegexError> {
        let slash = self.at;
        self.at += 1;
        let Some(c) = self.peek() else {
            return Err(error(
                slash,
                "the pattern ends with `\\`: remove it or write `\\\\` for a backslash",
            ));
        };
        self.at += 1;
        if c == 'k' && !self.names.is_empty() {
            // With named groups, `\k` must name one of them.
            if self.peek() == Some('<')
                && let Some(end) = self.chars[self.at..].iter().position(|&c| c == '>')
            {
                let name: String = self.chars[self.at + 1..self.at + end].iter().collect();
                if self.names.contains(&name) {
                    self.at += end + 1;
                    return Ok(());
                }
            }
            return Err(error(
                slash,
                "`\\k` must be `\\k<name>` naming one of the pattern's `(?<name>...)` groups",
            ));
        }
        Ok(())
    }

    fn class(&mut self) -> Result<(), RegexError> {
        let open = self.at;
        self.at += 1;
        if self.peek() == Some('^') {
            self.at += 1;
        }
        loop {
            let Some(c) = self.peek() else {
                return Err(error(
                    open,
                    "this `[` is never closed: add the matching `]` or escape it as `\\[`",
                ));
            };
            if c == ']' {
                self.at += 1;
                return Ok(());
            }
            let from_at = self.at;
            let from = self.class_atom(open)?;
            if self.peek() == Some('-') && !matches!(self.peek_at(1), Some(']') | None) {
                self.at += 1;
                let to = self.class_atom(open)?;
                if let (Some(a), Some(b)) = (from, to)
                    && a > b
                {
                    return Err(error(
                        from_at,
                        format!(
                            "the range `{}` runs backwards: write the lower character first",
                            self.chars[from_at..self.at].iter().collect::<String>()
                        ),
                    ));
                }
            }
        }
    }

    /// One class atom: its code point, or `None` for a class escape (`\d`, `\w`, ...).
    fn class_atom(&mut self, open: usize) -> Result<Option<u32>, RegexError> {
        let Some(c) = self.peek() else {
            return Err(error(
                open,
                "this `[` is never closed: add the matching `]` or escape it as `\\[`",
            ));
        };
        self.at += 1;
        if c != '\\' {
            return Ok(Some(c as u32));
        }
        let Some(e) = self.peek() else {
            return Err(error(
                self.at - 1,
                "the pattern ends with `\\`: remove it or write `\\\\` for a backslash",
            ));
        };
        self.at += 1;
        let hex = |p: &mut Self, n: usize| -> Option<u32> {
            let digits: String = p.chars.get(p.at..p.at + n)?.iter().collect();
            let value = u32::from_str_radix(&digits, 16).ok()?;
            (digits.len() == n && digits.chars().all(|c| c.is_ascii_hexdigit())).then(|| {
                p.at += n;
                value
            })
        };
        Ok(match e {
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => None,
            'b' => Some(8),
            't' => Some(9),
            'n' => Some(10),
            'v' => Some(11),
            'f' => Some(12),
            'r' => Some(13),
            'x' => Some(hex(self, 2).unwrap_or('x' as u32)),
            'u' => Some(hex(self, 4).unwrap_or('u' as u32)),
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphanumeric() || l == '_' => {
                    self.at += 1;
                    Some(l as u32 % 32)
                }
                // `\c` not followed by a control letter is a backslash, then `c`.
                _ => {
                    self.at -= 1;
                    Some('\\' as u32)
                }
            },
            '0'..='7' => {
                // Legacy octal escape: up to three digits, at most \377.
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match self.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) if value * 8 + d <= 0o377 => {
                            value = value * 8 + d;
                            self.at += 1;
                        }
                        _ => break,
                    }
                }
                Some(value)
            }
            other => Some(other as u32),
        })
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// The names of `(?<name>` groups (outside classes and escapes); a name used twice is refused.
fn collect_group_names(chars: &[char], names: &mut Vec<String>) -> Result<(), RegexError> {
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class
                && chars.get(i + 1) == Some(&'?')
                && chars.get(i + 2) == Some(&'<')
                && !matches!(chars.get(i + 3), Some('=' | '!')) =>
            {
                if let Some(end) = chars[i + 3..].iter().position(|&c| c == '>') {
                    let name: String = chars[i + 3..i + 3 + end].iter().collect();
                    if names.contains(&name) {
                        return Err(error(
                            i,
                            format!(
                                "the group name `{name}` is used twice: give each group its own name"
                            ),
                        ));
                    }
                    names.push(name);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn positions_point_at_the_culprit() {
        assert_eq!(check("^GHA-([0-9]{9}-[0-9]$").unwrap_err().position, 6);
        assert_eq!(check("[a-").unwrap_err().position, 1);
        assert_eq!(check("a{3,1}").unwrap_err().position, 2);
        assert!(check("^[12][0-9]{15}$").is_ok());
    }
}
