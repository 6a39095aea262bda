//! The diff of two country builds: one area added, one source type renamed, one translation
//! changed -> the markdown says exactly that, nothing breaking (snapshot); removing an area is
//! breaking. User text is escaped in every format.
//!
//! The address and source-type adapters (branch `adapt`) and languages (branch `languages`) have
//! not landed: the builds here are the real example build edited the way those adapters edit it
//! (see diff_support/areas.rs).

mod diff_support;

use crtk::diff::{DiffOptions, Format, RenderOptions, check_version, diff, render};
use crtk::package::{Header, Package};
use diff_support::areas::*;
use serde_json::{Value, json};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The previous country release: the example build with three areas, three source types and a
/// French name for the Sex option set.
fn previous() -> Package {
    let mut p = crtk::build::build(
        &root().join("country-configs/example.yaml"),
        &Default::default(),
    )
    .unwrap()
    .package;
    let mut uids = uids(&p, "XX");
    let areas = [
        ("01", "Kigali City"),
        ("02", "Southern Province"),
        ("03", "Western Province"),
    ];
    let areas: Vec<(String, String)> = areas
        .iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
    replace_options(&mut p, &mut uids, ADDRESS_SET, "address", &areas);
    let sources = [
        ("HOSP", "Hospital"),
        ("PATH", "Pathology laboratory"),
        ("DEATH", "Death certificate"),
    ];
    let sources: Vec<(String, String)> = sources
        .iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
    replace_options(&mut p, &mut uids, SOURCE_TYPE_SET, "source_type", &sources);
    set_translation(&mut p, "optionSets", SEX_SET, "fr", "NAME", "CR - Sexe");
    p
}

fn bump(p: &mut Package, version: &str) {
    let Header::Package(map) = &mut p.header else {
        panic!("built packages have a package header")
    };
    let name = map["name"].as_str().unwrap().replace("1.0.1-xx.1", version);
    map.insert("version".into(), json!(version));
    map.insert("name".into(), json!(name));
}

/// The next release: one area added, one source type renamed, one translation changed.
fn next(previous: &Package) -> Package {
    let mut p = previous.clone();
    let mut uids = uids(&p, "XX");
    add_option(
        &mut p,
        &mut uids,
        ADDRESS_SET,
        "address",
        "04",
        "Eastern Province",
    );
    rename_option(
        &mut p,
        SOURCE_TYPE_SET,
        "PATH",
        "Pathology and cytology laboratory",
    );
    set_translation(
        &mut p,
        "optionSets",
        SEX_SET,
        "fr",
        "NAME",
        "CR - Sexe à la naissance",
    );
    bump(&mut p, "1.0.1-xx.2");
    p
}

#[test]
fn country_release_markdown_snapshot() {
    let old = previous();
    let new = next(&old);
    let d = diff(&old, &new, &DiffOptions::default());
    assert!(!d.has_breaking(), "{:?}", d.breaking().collect::<Vec<_>>());
    // Exactly: the new area, its set's list, the renamed source type, the translated set.
    let mut objects: Vec<(String, String, String)> = d
        .objects
        .iter()
        .map(|o| {
            (
                o.kind.clone(),
                format!("{:?}", o.status),
                o.fields
                    .iter()
                    .map(|f| f.path.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })
        .collect();
    objects.sort();
    let area = new
        .objects("options")
        .iter()
        .find(|o| o["code"] == "04" && o["optionSet"]["id"] == ADDRESS_SET)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut want = vec![
        (
            "optionSets".to_string(),
            "Changed".to_string(),
            "translations[locale=fr,property=NAME].value".to_string(),
        ),
        (
            "optionSets".to_string(),
            "Changed".to_string(),
            format!("options[id={area}]"),
        ),
        ("options".to_string(), "Added".to_string(), String::new()),
        (
            "options".to_string(),
            "Changed".to_string(),
            "name".to_string(),
        ),
    ];
    want.sort();
    assert_eq!(objects, want);
    let header: Vec<&str> = d.header.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(header, vec!["name", "version"]);
    assert_eq!(check_version(&d).map(|_| ()), Ok(()));

    let markdown = render(&d, Format::Markdown, &RenderOptions::default());
    for needle in [
        "Nothing breaking.",
        "Eastern Province",
        "Pathology laboratory → Pathology and cytology laboratory",
        "CR \\- Sexe",
        "à la naissance",
    ] {
        let needle = needle.replace("\\-", "-");
        assert!(
            markdown.contains(&needle),
            "missing `{needle}` in:\n{markdown}"
        );
    }
    assert!(!markdown.contains("Breaking changes"));
    let snapshot = root().join("tests/snapshots/diff_country.md");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &markdown).unwrap();
    }
    let expected =
        std::fs::read_to_string(&snapshot).expect("snapshot exists (UPDATE_SNAPSHOTS=1 writes it)");
    assert_eq!(
        markdown, expected,
        "markdown differs from tests/snapshots/diff_country.md"
    );
}

#[test]
fn removing_an_area_is_breaking() {
    let old = previous();
    let mut new = old.clone();
    let id = remove_option(&mut new, ADDRESS_SET, "02");
    let d = diff(&old, &new, &DiffOptions::default());
    let rules: Vec<(&str, &str, &str)> = d
        .breaking()
        .map(|(o, b)| (o.kind.as_str(), o.id.as_str(), b.rule))
        .collect();
    assert_eq!(
        rules,
        // One entry per problem: the option's, not again for its set's `options` list.
        vec![("options", id.as_str(), "option-removed")]
    );
    let markdown = render(&d, Format::Markdown, &RenderOptions::default());
    assert!(markdown.contains("#### Breaking changes"), "{markdown}");
    assert!(markdown.contains("Southern Province"), "{markdown}");
    // Without a major version bump, --check-version refuses it.
    assert!(check_version(&d).is_err());
}

#[test]
fn user_text_cannot_break_or_inject_into_reports() {
    let old = previous();
    let mut new = old.clone();
    let nasty = "<img src=x onerror=alert(1)> | **bold** `code` [link](http://x) \u{1b}[31mred";
    rename_option(&mut new, SOURCE_TYPE_SET, "PATH", nasty);
    // A crafted package could even name a type with table syntax.
    new.sections.insert(
        "x|<b>y</b>".into(),
        json!([{"id": "abcdefghijk", "name": "a|b"}]),
    );
    let d = diff(&old, &new, &DiffOptions::default());

    let markdown = render(&d, Format::Markdown, &RenderOptions::default());
    assert!(!markdown.contains("<img"), "{markdown}");
    assert!(!markdown.contains("<b>y"), "{markdown}");
    assert!(markdown.contains("&lt;img src=x onerror=alert(1)&gt; \\| \\*\\*bold\\*\\* \\`code\\` \\[link\\](http://x)"), "{markdown}");
    // Every row of the summary table keeps its 8 cell borders.
    let rows: Vec<&str> = markdown.lines().filter(|l| l.starts_with("| ")).collect();
    assert!(rows.len() >= 3, "{markdown}");
    for row in rows {
        let borders = row
            .char_indices()
            .filter(|(i, c)| *c == '|' && (*i == 0 || row.as_bytes()[i - 1] != b'\\'))
            .count();
        assert_eq!(borders, 9, "row broken: {row}");
    }

    let html = render(&d, Format::Html, &RenderOptions::default());
    assert!(!html.contains("<img"), "raw tag in HTML");
    assert!(!html.contains("<b>y"), "raw tag in HTML");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        html.contains("x|&lt;b&gt;y&lt;&#x2F;b&gt;") || html.contains("x|&lt;b&gt;y&lt;/b&gt;"),
        "{html}"
    );

    let text = render(&d, Format::Text, &RenderOptions { color: false });
    assert!(
        !text.contains('\u{1b}'),
        "raw escape character in terminal text"
    );
    assert!(text.contains("\\u{1b}[31mred"));

    let json_text = render(&d, Format::Json, &RenderOptions::default());
    let parsed: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(parsed["schema"], "crtk-diff/1");
    assert!(
        json_text.contains("onerror=alert(1)"),
        "JSON keeps the text as data"
    );
}
