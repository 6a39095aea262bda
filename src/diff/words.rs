//! Word-level differences of long text (rule conditions, descriptions, messages), with `similar`.

use super::model::{WordChange, WordOp};
use similar::{ChangeTag, TextDiff};

/// Text at least this long is shown as a word diff rather than as two whole values.
pub const LONG_TEXT: usize = 40;

/// Properties whose text is an expression or a message: always word-diffed.
const EXPRESSIONS: &[&str] = &["condition", "data", "content", "expression", "filter"];

/// True when a change of `property` from `old` to `new` reads best as a word diff.
pub fn wants_words(property: &str, old: &str, new: &str) -> bool {
    EXPRESSIONS.contains(&property) || old.chars().count().max(new.chars().count()) >= LONG_TEXT
}

/// The word-level diff of two texts: runs of equal, deleted and inserted words (whitespace kept
/// with the words), consecutive runs of the same kind merged.
pub fn word_diff(old: &str, new: &str) -> Vec<WordChange> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<WordChange> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => WordOp::Equal,
            ChangeTag::Delete => WordOp::Delete,
            ChangeTag::Insert => WordOp::Insert,
        };
        let text = change.value();
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => out.push(WordChange {
                op,
                text: text.to_string(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_rebuild_both_sides() {
        let old = "#{age} > 15 && #{sex} == '1'";
        let new = "#{age} >= 18 && #{sex} == '1'";
        let diff = word_diff(old, new);
        let side = |skip: WordOp| -> String {
            diff.iter()
                .filter(|w| w.op != skip)
                .map(|w| w.text.as_str())
                .collect()
        };
        assert_eq!(side(WordOp::Insert), old);
        assert_eq!(side(WordOp::Delete), new);
        assert!(
            diff.iter()
                .any(|w| w.op == WordOp::Delete && w.text.contains('>'))
        );
        assert!(
            diff.iter()
                .any(|w| w.op == WordOp::Insert && w.text.contains("18"))
        );
    }
}
