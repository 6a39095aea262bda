//! Program rules in words, for the metadata reference workbook: a reader sees
//! `Topography is at least 530 and Topography is at most 539` instead of
//! `#{topography} >= 530 && #{topography} <= 539`, and `Hide field "Date of death"` instead of an
//! action type and a UID.
//!
//! This is a lexical rewrite for people, not a parser: string literals are kept verbatim, rule
//! variables become the names of the fields they read, operators become words. The raw condition
//! stays beside it in the workbook. (Checking expressions is `crate::expression`'s job.)

use crate::package::{Package, object_name};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Names of the objects rules and actions point at, for one package.
pub struct RuleNames<'a> {
    /// Every object's display name by id.
    names: BTreeMap<&'a str, &'a str>,
    /// Rule variable name -> the name of the field it reads (or a description of its source).
    variables: BTreeMap<&'a str, String>,
}

impl<'a> RuleNames<'a> {
    pub fn new(package: &'a Package) -> RuleNames<'a> {
        let mut names = BTreeMap::new();
        for (_, id, object) in package.all_objects() {
            if let Some(name) = object_name(object) {
                names.entry(id).or_insert(name);
            }
        }
        let mut variables = BTreeMap::new();
        for variable in package
            .objects("programRuleVariables")
            .iter()
            .filter_map(Value::as_object)
        {
            let Some(name) = object_name(variable) else {
                continue;
            };
            let field = ref_id(variable, "dataElement")
                .or_else(|| ref_id(variable, "trackedEntityAttribute"))
                .and_then(|id| names.get(id).copied());
            let described = match field {
                Some(field) => field.to_string(),
                None => name.to_string(),
            };
            variables.insert(name, described);
        }
        RuleNames { names, variables }
    }

    /// The display name of the object `id`, or the id itself when the package lacks it.
    pub fn name_of(&self, id: &str) -> String {
        self.names
            .get(id)
            .map(|n| n.to_string())
            .unwrap_or_else(|| id.to_string())
    }

    fn variable(&self, name: &str) -> String {
        let name = name.trim();
        match self.variables.get(name) {
            Some(field) => format!("“{field}”"),
            None => format!("“{name}”"),
        }
    }

    /// A condition or expression in words.
    pub fn expression(&self, text: &str) -> String {
        self.expression_tokens(&tokenize(text))
    }

    fn expression_tokens(&self, tokens: &[Token]) -> String {
        let mut words: Vec<String> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let token = &tokens[i];
            // !d2:hasValue(x) -> x has no value.
            let negated = matches!(token, Token::Operator(op) if op == "!" || op == "not")
                && matches!(tokens.get(i + 1), Some(Token::Function(f)) if f.eq_ignore_ascii_case("d2:hasValue"));
            if negated {
                let mut rest = self.expression_tokens(&tokens[i + 1..]);
                // `has a value` of the first call becomes `has no value`.
                if let Some(at) = rest.find(" has a value") {
                    rest.replace_range(at..at + " has a value".len(), " has no value");
                }
                words.push(rest);
                break;
            }
            // d2:hasValue(x) -> x has a value ; d2:hasValue('x') names a variable too.
            if let Token::Function(f) = token
                && (f == "d2:hasValue" || f == "d2:hasvalue")
                && let Some(close) = matching_close(tokens, i + 1)
            {
                let inner = &tokens[i + 2..close];
                let subject = match inner {
                    [Token::Literal(quoted)] => self.variable(unquote(quoted)),
                    _ => self.join(inner),
                };
                words.push(format!("{subject} has a value"));
                i = close + 1;
                continue;
            }
            words.push(self.word(token));
            i += 1;
        }
        tidy(&words.join(" "))
    }

    fn join(&self, tokens: &[Token]) -> String {
        tidy(
            &tokens
                .iter()
                .map(|t| self.word(t))
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    fn word(&self, token: &Token) -> String {
        match token {
            Token::Variable(kind, name) => match kind {
                'V' => name.replace('_', " "),
                'C' => format!("constant “{}”", self.name_of(name)),
                _ => self.variable(name),
            },
            Token::Function(f) => {
                let bare = f.strip_prefix("d2:").unwrap_or(f);
                format!("{}(", split_camel(bare))
            }
            Token::Operator(op) => match op.as_str() {
                "&&" | "and" => "and".into(),
                "||" | "or" => "or".into(),
                "!" | "not" => "not".into(),
                "==" => "is".into(),
                "!=" => "is not".into(),
                ">=" => "is at least".into(),
                "<=" => "is at most".into(),
                ">" => "is more than".into(),
                "<" => "is less than".into(),
                other => other.into(),
            },
            Token::Literal(text) | Token::Other(text) => text.clone(),
        }
    }

    /// One program rule action in words.
    pub fn action(&self, action: &Map<String, Value>) -> String {
        let kind = action
            .get("programRuleActionType")
            .and_then(Value::as_str)
            .unwrap_or("UNKNOWN");
        let field_id =
            ref_id(action, "dataElement").or_else(|| ref_id(action, "trackedEntityAttribute"));
        let field = field_id.map(|id| format!("“{}”", self.name_of(id)));
        let field = field.as_deref().unwrap_or("the form");
        let target = |key: &str| {
            ref_id(action, key)
                .map(|id| format!("“{}”", self.name_of(id)))
                .unwrap_or_else(|| format!("(no {key})"))
        };
        let text = |key: &str| {
            action
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let message = || {
            let mut parts = Vec::new();
            if let Some(content) = text("content") {
                parts.push(format!("“{content}”"));
            }
            if let Some(data) = text("data") {
                parts.push(self.expression(data));
            }
            if parts.is_empty() {
                String::new()
            } else {
                format!(": {}", parts.join(" "))
            }
        };
        match kind {
            "ASSIGN" if field_id.is_none() && text("content").is_some() => format!(
                "Assign {} to variable {}",
                text("data")
                    .map(|d| self.expression(d))
                    .unwrap_or_else(|| "(nothing)".into()),
                self.expression(text("content").unwrap_or_default())
            ),
            "ASSIGN" => format!(
                "Assign {} to {field}",
                text("data")
                    .map(|d| self.expression(d))
                    .unwrap_or_else(|| "(nothing)".into())
            ),
            "HIDEFIELD" => format!("Hide field {field}"),
            "HIDESECTION" => format!("Hide section {}", target("programStageSection")),
            "HIDEPROGRAMSTAGE" => format!("Hide stage {}", target("programStage")),
            "SETMANDATORYFIELD" => format!("Make {field} mandatory"),
            "SHOWWARNING" => format!("Show warning on {field}{}", message()),
            "SHOWERROR" => format!("Show error on {field}{}", message()),
            "WARNINGONCOMPLETE" => format!("Warn on completion{}", message()),
            "ERRORONCOMPLETE" => format!("Block completion{}", message()),
            "DISPLAYTEXT" => format!(
                "Display text in the {} widget{}",
                text("location").unwrap_or("feedback"),
                message()
            ),
            "DISPLAYKEYVALUEPAIR" => format!(
                "Display key/value in the {} widget{}",
                text("location").unwrap_or("feedback"),
                message()
            ),
            "HIDEOPTION" => format!("Hide option {} in {field}", target("option")),
            "SHOWOPTIONGROUP" => format!(
                "Show only the options of group {} in {field}",
                target("optionGroup")
            ),
            "HIDEOPTIONGROUP" => format!(
                "Hide the options of group {} in {field}",
                target("optionGroup")
            ),
            "CREATEEVENT" => format!("Create an event in stage {}", target("programStage")),
            "SENDMESSAGE" | "SCHEDULEMESSAGE" => format!(
                "{} {}",
                if kind == "SENDMESSAGE" {
                    "Send message"
                } else {
                    "Schedule message"
                },
                target("templateUid")
            ),
            other => format!("{other} on {field}{}", message()),
        }
    }
}

/// The id of a `{"id": ...}` reference held under `key`.
pub fn ref_id<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    match object.get(key)? {
        Value::Object(r) => r.get("id").and_then(Value::as_str),
        Value::String(s) => Some(s.as_str()),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// `#{x}`, `A{x}`, `V{x}`, `C{x}`, `X{x}`: the prefix letter and the name.
    Variable(char, String),
    /// `d2:name` (the `(` follows as its own token).
    Function(String),
    Operator(String),
    /// A quoted string, quotes included.
    Literal(String),
    Other(String),
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            tokens.push(Token::Literal(chars[start..i].iter().collect()));
            continue;
        }
        if matches!(c, '#' | 'A' | 'V' | 'C' | 'X')
            && chars.get(i + 1) == Some(&'{')
            && let Some(end) = chars[i + 2..].iter().position(|&x| x == '}')
        {
            let name: String = chars[i + 2..i + 2 + end].iter().collect();
            tokens.push(Token::Variable(c, name));
            i += end + 3;
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        if ["&&", "||", "==", "!=", ">=", "<="].contains(&two.as_str()) {
            tokens.push(Token::Operator(two));
            i += 2;
            continue;
        }
        if "!<>+-*/%".contains(c) {
            tokens.push(Token::Operator(c.to_string()));
            i += 1;
            continue;
        }
        if "(),".contains(c) {
            tokens.push(Token::Other(c.to_string()));
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.' | ':'))
        {
            i += 1;
        }
        if i == start {
            tokens.push(Token::Other(c.to_string()));
            i += 1;
            continue;
        }
        let word: String = chars[start..i].iter().collect();
        let next_is_paren = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&'(');
        if word.starts_with("d2:") && next_is_paren {
            tokens.push(Token::Function(word));
        } else if ["and", "or", "not"].contains(&word.as_str()) {
            tokens.push(Token::Operator(word));
        } else {
            tokens.push(Token::Other(word));
        }
    }
    // The `(` after a function name belongs to the function's word.
    let mut merged = Vec::with_capacity(tokens.len());
    let mut iter = tokens.into_iter().peekable();
    while let Some(token) = iter.next() {
        let is_function = matches!(token, Token::Function(_));
        merged.push(token);
        if is_function && iter.peek() == Some(&Token::Other("(".into())) {
            merged.push(Token::Other(String::new()));
            iter.next();
        }
    }
    // Represent the function's `(` as an empty token so `matching_close` can find its `)`.
    merged
}

/// Index of the `)` closing the call whose opening marker (empty token) is at `open`.
fn matching_close(tokens: &[Token], open: usize) -> Option<usize> {
    if tokens.get(open) != Some(&Token::Other(String::new())) {
        return None;
    }
    let mut depth = 1;
    for (offset, token) in tokens[open + 1..].iter().enumerate() {
        match token {
            Token::Other(s) if s == "(" || s.is_empty() => depth += 1,
            Token::Other(s) if s == ")" => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + 1 + offset);
                }
            }
            _ => {}
        }
    }
    None
}

fn unquote(text: &str) -> &str {
    text.trim_matches(|c| c == '\'' || c == '"')
}

/// `yearsBetween` -> `years between`.
fn split_camel(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Joins tokens the way people write: no space inside parentheses or before commas.
fn tidy(text: &str) -> String {
    let mut out = text.to_string();
    for (from, to) in [("  ", " "), ("( ", "("), (" )", ")"), (" ,", ",")] {
        while out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::{Header, Package};
    use serde_json::json;

    fn package() -> Package {
        let mut package = Package::new(Header::Absent);
        package.objects_mut("dataElements").extend([
            json!({"id": "deTopograph", "name": "CR - Topography"}),
            json!({"id": "deDeathDat1", "name": "CR - Date of death"}),
        ]);
        package
            .objects_mut("trackedEntityAttributes")
            .push(json!({"id": "teaSex00001", "name": "GEN - Sex"}));
        package.objects_mut("programRuleVariables").extend([
            json!({"id": "v1", "name": "topography", "dataElement": {"id": "deTopograph"}}),
            json!({"id": "v2", "name": "sex", "trackedEntityAttribute": {"id": "teaSex00001"}}),
        ]);
        package
            .objects_mut("optionGroups")
            .push(json!({"id": "og1", "name": "Districts of North"}));
        package
    }

    #[test]
    fn conditions_read_as_words_with_field_names() {
        let package = package();
        let names = RuleNames::new(&package);
        assert_eq!(
            names.expression("#{topography} >= 530 && #{topography} <= 539"),
            "“CR - Topography” is at least 530 and “CR - Topography” is at most 539"
        );
        assert_eq!(
            names.expression("d2:hasValue(A{sex}) && A{sex} == '2'"),
            "“GEN - Sex” has a value and “GEN - Sex” is '2'"
        );
        assert_eq!(
            names.expression("!d2:hasValue( 'topography' ) || V{current_date} > '2020-01-01'"),
            "“CR - Topography” has no value or current date is more than '2020-01-01'"
        );
        assert_eq!(
            names.expression("d2:yearsBetween(A{sex}, V{event_date}) < 15"),
            "years between(“GEN - Sex”, event date) is less than 15"
        );
        // Operators inside string literals stay as written.
        assert_eq!(names.expression("#{x} == 'a && b'"), "“x” is 'a && b'");
    }

    #[test]
    fn actions_read_as_words() {
        let package = package();
        let names = RuleNames::new(&package);
        let action = |v: Value| names.action(v.as_object().unwrap());
        assert_eq!(
            action(
                json!({"programRuleActionType": "HIDEFIELD", "dataElement": {"id": "deDeathDat1"}})
            ),
            "Hide field “CR - Date of death”"
        );
        assert_eq!(
            action(json!({"programRuleActionType": "SHOWOPTIONGROUP",
                "dataElement": {"id": "deTopograph"}, "optionGroup": {"id": "og1"}})),
            "Show only the options of group “Districts of North” in “CR - Topography”"
        );
        assert_eq!(
            action(json!({"programRuleActionType": "SHOWWARNING",
                "dataElement": {"id": "deTopograph"}, "content": "Check site", "data": "#{topography}"})),
            "Show warning on “CR - Topography”: “Check site” “CR - Topography”"
        );
        assert_eq!(
            action(json!({"programRuleActionType": "ASSIGN",
                "dataElement": {"id": "deDeathDat1"}, "data": "V{current_date}"})),
            "Assign current date to “CR - Date of death”"
        );
        assert_eq!(
            action(
                json!({"programRuleActionType": "ASSIGN", "content": "#{topography}", "data": "true"})
            ),
            "Assign true to variable “CR - Topography”"
        );
    }
}
