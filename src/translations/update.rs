//! `crtk translations export --update OLD`: a fresh sheet that keeps the still-valid work of an
//! earlier one.
//!
//! A translation of OLD is kept when its row's object and property are still in the fresh sheet
//! and the source text it was made from is still the object's text. Everything else is dropped,
//! and said (with the translation, so nothing typed is lost without a trace): rows of removed
//! objects, stale rows (the English changed), repeated rows.

use super::sheet::{NumberedRow, TranslationRow};
use std::collections::BTreeMap;

/// What carrying the old translations over did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CarryOver {
    /// Translations of the old sheet now in the new one.
    pub kept: usize,
    /// One line per translated old row not kept: `row N: why (translation "...")`.
    pub dropped: Vec<String>,
}

/// Writes the still-valid translations of `old` into `rows` (a fresh export). An empty old cell
/// keeps the fresh row's translation (the package's current one).
pub fn carry_over(rows: &mut [TranslationRow], old: &[NumberedRow]) -> CarryOver {
    let key = |uid: &str, property: &str| (uid.trim().to_string(), property.trim().to_uppercase());
    let position: BTreeMap<(String, String), usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (key(&r.uid, &r.property), i))
        .collect();
    let uids: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.uid.as_str()).collect();
    let mut first: BTreeMap<(String, String), &str> = BTreeMap::new();
    let mut out = CarryOver::default();
    let mut updates = Vec::new();
    for numbered in old {
        let row = &numbered.row;
        let translation = row.translation.replace("\r\n", "\n");
        if translation.trim().is_empty() {
            continue;
        }
        let k = key(&row.uid, &row.property);
        let mut drop = |why: String| {
            out.dropped.push(format!(
                "{}: {why}; its translation \"{translation}\" is not kept",
                numbered.place
            ))
        };
        if let Some(earlier) = first.get(&k) {
            drop(format!(
                "repeats {earlier} ({} of `{}`), whose translation is kept",
                k.1, k.0
            ));
            continue;
        }
        first.insert(k.clone(), &numbered.place);
        let Some(&i) = position.get(&k) else {
            if uids.contains(k.0.as_str()) {
                drop(format!(
                    "`{}` has no {} text to translate any more",
                    k.0, k.1
                ));
            } else {
                drop(format!(
                    "no object has the UID `{}` any more (removed, or the UID was mistyped)",
                    k.0
                ));
            }
            continue;
        };
        let source = row.source.replace("\r\n", "\n");
        if source != rows[i].source {
            drop(format!(
                "stale: the {} of `{}` is now \"{}\" but the row translates \"{source}\"",
                k.1, k.0, rows[i].source
            ));
            continue;
        }
        updates.push((i, translation));
    }
    for (i, translation) in updates {
        rows[i].translation = translation;
        out.kept += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(uid: &str, property: &str, source: &str, translation: &str) -> TranslationRow {
        TranslationRow {
            object_type: "Option".into(),
            uid: uid.into(),
            object_name: String::new(),
            property: property.into(),
            source: source.into(),
            translation: translation.into(),
        }
    }

    #[test]
    fn keeps_valid_translations_and_says_what_it_drops() {
        let mut rows = vec![
            row("a0000000001", "NAME", "North", ""),
            row("b0000000001", "NAME", "South region", ""),
            row("c0000000001", "NAME", "East", "Est (package)"),
        ];
        let old: Vec<NumberedRow> = [
            row("a0000000001", "name", "North", "Nord"),
            row("b0000000001", "NAME", "South", "Sud"),
            row("d0000000001", "NAME", "West", "Ouest"),
            row("a0000000001", "NAME", "North", "Nord bis"),
            row("c0000000001", "NAME", "East", ""),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, row)| NumberedRow {
            place: format!("row {}", i + 2),
            row,
        })
        .collect();
        let outcome = carry_over(&mut rows, &old);
        assert_eq!(outcome.kept, 1);
        assert_eq!(rows[0].translation, "Nord");
        assert_eq!(rows[1].translation, "", "stale not kept");
        assert_eq!(
            rows[2].translation, "Est (package)",
            "an empty old cell keeps the package's"
        );
        let text = outcome.dropped.join("\n");
        assert!(
            text.contains("row 3: stale") && text.contains("\"Sud\""),
            "{text}"
        );
        assert!(
            text.contains("row 4: no object has the UID `d0000000001`"),
            "{text}"
        );
        assert!(text.contains("row 5: repeats row 2"), "{text}");
        assert_eq!(outcome.dropped.len(), 3);
    }
}
