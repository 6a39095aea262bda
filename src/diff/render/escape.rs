//! Escaping user text (names, codes, values) for each output format, so that a name such as
//! `<img src=x>` or `a | b` is shown as text and never breaks or injects into the report.
//! Used as the tera auto-escape function of each format's template set.

/// Markdown (GitHub flavoured, including inside `<details>` HTML blocks and table cells): HTML
/// metacharacters become entities, markdown punctuation is backslash-escaped, and line breaks
/// become spaces so a value cannot end a table row or start a block.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            // Values never start a line in the templates, so only inline syntax needs escaping.
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// HTML text and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Terminal text: control characters (an ESC could recolour or retitle the terminal) are shown
/// as `\u{..}` escapes; a line break as `\n`.
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_markup() {
        assert_eq!(markdown("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(markdown("*a_b* [l](u)"), "\\*a\\_b\\* \\[l\\](u)");
        assert_eq!(markdown("a|b\nc"), "a\\|b c");
        assert_eq!(
            html("<img src=x onerror='y'>"),
            "&lt;img src=x onerror=&#x27;y&#x27;&gt;"
        );
        assert_eq!(terminal("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    }
}
