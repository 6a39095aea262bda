//! Character-level scanning: character classes, whitespace and `/* */` comments, and the
//! literal forms (strings, numbers, names, identifiers, UIDs, integers). All syntax
//! characters are ASCII, so the scanner works on bytes; non-ASCII bytes only ever appear
//! inside string literals or as invalid name characters.

pub(crate) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

pub(crate) fn is_letter(c: u8) -> bool {
    c.is_ascii_alphabetic()
}

pub(crate) fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

pub(crate) fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// `_` or an ASCII letter (keyword boundary test and `V{...}` names).
pub(crate) fn is_identifier(c: u8) -> bool {
    c == b'_' || is_letter(c)
}

/// Characters of a function/constant name such as `d2:hasValue`, `#`, `A`, `true`.
pub(crate) fn is_name(c: u8) -> bool {
    matches!(c, b'#' | b':' | b'_' | b'.') || is_alnum(c)
}

/// Characters allowed in a `#{...}`/`A{...}` rule variable name.
pub(crate) fn is_var_name(c: u8) -> bool {
    is_identifier(c) || is_digit(c) || c == b'-' || c == b'.' || is_ws(c)
}

pub(crate) fn is_binary_operator(c: u8) -> bool {
    matches!(
        c,
        b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'&' | b'|' | b'<' | b'>' | b'=' | b'!'
    )
}

/// An 11 character DHIS2 UID: a letter then 10 letters or digits.
pub(crate) fn is_uid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11 && is_letter(b[0]) && b.iter().all(|&c| is_alnum(c))
}

/// A scan failure at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    pub offset: usize,
    pub message: String,
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, LexError> {
    Err(LexError {
        offset,
        message: message.into(),
    })
}

/// A position in the source with single-character look-ahead.
pub(crate) struct Cursor<'a> {
    src: &'a [u8],
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str) -> Self {
        Cursor {
            src: src.as_bytes(),
            pos: 0,
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    /// Current byte, or 0 at the end.
    pub fn peek(&self) -> u8 {
        self.peek_at(0)
    }

    pub fn peek_at(&self, ahead: usize) -> u8 {
        self.src.get(self.pos + ahead).copied().unwrap_or(0)
    }

    pub fn starts_with(&self, s: &str) -> bool {
        self.src[self.pos.min(self.src.len())..].starts_with(s.as_bytes())
    }

    pub fn bump(&mut self, n: usize) {
        self.pos += n;
    }

    pub fn expect(&mut self, c: u8) -> Result<(), LexError> {
        if self.peek() != c || self.at_end() {
            return err(self.pos, format!("expected {}", c as char));
        }
        self.pos += 1;
        Ok(())
    }

    /// Skips whitespace and `/* ... */` comments (an unclosed comment runs to the end).
    pub fn skip_ws(&mut self) {
        loop {
            while self.pos < self.src.len() && is_ws(self.src[self.pos]) {
                self.pos += 1;
            }
            if !self.starts_with("/*") {
                return;
            }
            self.pos += 2;
            loop {
                if self.at_end() {
                    return;
                }
                if self.starts_with("*/") {
                    self.pos += 2;
                    break;
                }
                self.pos += 1;
            }
        }
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let s = self.pos;
        while self.pos < self.src.len() && f(self.src[self.pos]) {
            self.pos += 1;
        }
        s
    }

    /// A name (`d2:hasValue`, `#`, `true`); at least one character.
    pub fn scan_name(&mut self) -> Result<(usize, usize), LexError> {
        let s = self.take_while(is_name);
        if s == self.pos {
            return err(self.pos, "expected name");
        }
        Ok((s, self.pos))
    }

    /// An identifier (`_` and ASCII letters only); at least one character.
    pub fn scan_identifier(&mut self) -> Result<(usize, usize), LexError> {
        let s = self.take_while(is_identifier);
        if s == self.pos {
            return err(self.pos, "expected identifier");
        }
        Ok((s, self.pos))
    }

    /// Everything up to the next `}` (at least one character), for `#{...}`/`A{...}`.
    pub fn scan_item_body(&mut self) -> Result<(usize, usize), LexError> {
        let s = self.take_while(|c| c != b'}');
        if s == self.pos {
            return err(self.pos, "expected data item");
        }
        Ok((s, self.pos))
    }

    /// `*` or exactly eleven characters shaped like a UID.
    pub fn scan_uid(&mut self) -> Result<(usize, usize), LexError> {
        let s = self.pos;
        if self.peek() == b'*' {
            self.pos += 1;
            return Ok((s, self.pos));
        }
        for i in 0..11 {
            let c = self.peek();
            let ok = if i == 0 { is_letter(c) } else { is_alnum(c) };
            if !ok || self.at_end() {
                return err(self.pos, "expected uid");
            }
            self.pos += 1;
        }
        Ok((s, self.pos))
    }

    /// A string literal at a quote; returns the raw content range (between the quotes).
    /// As in the engine, an unescaped line break also ends the literal.
    pub fn scan_string(&mut self) -> Result<(usize, usize), LexError> {
        let q = self.peek();
        if q != b'\'' && q != b'"' {
            return err(self.pos, "expected start of string literal");
        }
        self.pos += 1;
        let s = self.pos;
        while !self.at_end() {
            let c = self.peek();
            if c == b'\\' {
                self.pos += 1;
                let e = self.peek();
                if e == b'u' {
                    self.pos += 1;
                    for _ in 0..4 {
                        if !self.peek().is_ascii_hexdigit() || self.at_end() {
                            return err(self.pos, "expected hex");
                        }
                        self.pos += 1;
                    }
                } else if is_digit(e) {
                    for _ in 0..3 {
                        if !matches!(self.peek(), b'0'..=b'7') || self.at_end() {
                            return err(self.pos, "expected octal");
                        }
                        self.pos += 1;
                    }
                } else {
                    self.pos += 1;
                }
            } else if c == b'\n' || c == b'\r' || c == q {
                let end = self.pos;
                self.pos += 1;
                return Ok((s, end));
            } else {
                self.pos += 1;
            }
        }
        self.pos = self.pos.min(self.src.len());
        err(
            self.pos,
            format!("unclosed string literal, expected closing {}", q as char),
        )
    }

    /// A numeric literal at a digit or `.digit`; the lexeme must convert to a double.
    pub fn scan_number(&mut self) -> Result<(usize, usize), LexError> {
        let s = self.pos;
        let has_int = is_digit(self.peek());
        self.take_while(is_digit);
        if !has_int || self.peek() == b'.' {
            self.expect(b'.')?;
            self.take_while(is_digit);
        }
        if matches!(self.peek(), b'e' | b'E') {
            self.pos += 1;
            if matches!(self.peek(), b'+' | b'-') {
                self.pos += 1;
            }
            let ds = self.take_while(is_digit);
            if ds == self.pos {
                return err(
                    s,
                    format!(
                        "invalid number format: '{}'",
                        String::from_utf8_lossy(&self.src[s..self.pos])
                    ),
                );
            }
        }
        Ok((s, self.pos))
    }

    /// The integer terminal: optional sign and digits, within 32-bit range.
    pub fn scan_integer(&mut self) -> Result<(usize, usize), LexError> {
        let s = self.pos;
        if matches!(self.peek(), b'+' | b'-') {
            self.pos += 1;
        }
        self.take_while(is_digit);
        let lexeme = std::str::from_utf8(&self.src[s..self.pos]).unwrap_or("");
        if lexeme.parse::<i32>().is_err() {
            return err(s, format!("invalid number format: '{lexeme}'"));
        }
        Ok((s, self.pos))
    }
}

/// Decodes the escapes of a raw string literal body (`\uXXXX`, octal `\ddd`, `\n` ...).
pub fn decode_string(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(d) if d.is_ascii_digit() => {
                let mut oct = String::from(d);
                oct.extend(chars.by_ref().take(2));
                if let Some(ch) = u32::from_str_radix(&oct, 8).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some('b') => out.push('\u{8}'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('f') => out.push('\u{c}'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_whitespace() {
        let mut c = Cursor::new("  /* a */ /* b */x");
        c.skip_ws();
        assert_eq!(c.peek(), b'x');
    }

    #[test]
    fn string_escapes_and_line_break() {
        let mut c = Cursor::new(r"'a\'b' rest");
        assert_eq!(c.scan_string().unwrap(), (1, 5));
        let mut c = Cursor::new("'ab\ncd'");
        assert_eq!(c.scan_string().unwrap(), (1, 3));
        let mut c = Cursor::new("'abc");
        assert!(c.scan_string().is_err());
        let mut c = Cursor::new(r"'\u00zz'");
        assert!(c.scan_string().is_err());
        assert_eq!(decode_string(r"a\'b\u0041\101\n"), "a'bAA\n");
    }

    #[test]
    fn numbers() {
        for ok in ["1", "1.", ".5", "1e3", "1.5E-2"] {
            let mut c = Cursor::new(ok);
            assert_eq!(c.scan_number().unwrap(), (0, ok.len()), "{ok}");
        }
        let mut c = Cursor::new("1e");
        assert!(c.scan_number().is_err());
    }

    #[test]
    fn uid_and_integer() {
        assert!(is_uid("ABCDEFGHIJK"));
        assert!(!is_uid("1BCDEFGHIJK"));
        assert!(!is_uid("ABCDEFGHIJ"));
        let mut c = Cursor::new("-12)");
        assert_eq!(c.scan_integer().unwrap(), (0, 3));
        let mut c = Cursor::new(")");
        assert!(c.scan_integer().is_err());
    }
}
