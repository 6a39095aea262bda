//! `docs/checks.md` is generated from the check registry; this test fails when it is stale.
//! Regenerate with `CRTK_BLESS=1 cargo test --test validate_docs`.

use crtk::validate::registry::render_markdown;
use std::path::Path;

#[test]
fn checks_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    let want = render_markdown();
    if std::env::var_os("CRTK_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/checks.md is stale: run `CRTK_BLESS=1 cargo test --test validate_docs`"
    );
}
