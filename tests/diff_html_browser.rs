//! The HTML diff in a real browser: headless Chromium (Debian package `chromium`, which `.ci/run`
//! installs) loads the report of a real cascade adaptation (Kenya built on the official NCD_CR
//! 1.0.1) without a console message, its type filter works, and a screenshot is taken
//! (`UPDATE_SCREENSHOTS=1` writes it to docs/img/diff-report.png for the docs).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crtk-browser-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn crtk(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env(
            "CRTK_ALLOW_PATH",
            std::env::join_paths([
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
                std::env::temp_dir(),
            ])
            .unwrap(),
        )
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run crtk");
    assert!(
        out.status.success(),
        "crtk {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The Chromium binary, or a failure that says how to install it.
fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!(
            "headless Chromium is needed for this test and is not installed: run \
             `apt-get update && apt-get install -y chromium` (Debian package `chromium`; .ci/run does this)"
        )
    })
}

/// Runs Chromium headless on `url` with `extra` flags; returns (stdout, stderr).
fn browse(url: &str, extra: &[&str], profile: &Path) -> (String, String) {
    let profile = format!("--user-data-dir={}", profile.display());
    let mut args: Vec<&str> = vec![
        "120",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        &profile,
        "--enable-logging=stderr",
        "--v=0",
    ];
    args.extend_from_slice(extra);
    args.push(url);
    let chromium = chromium();
    // `timeout`: a browser that hangs fails the test instead of blocking CI.
    let out = Command::new("timeout")
        .arg(args[0])
        .arg(&chromium)
        .args(&args[1..])
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Console messages (errors included) Chromium logged for the page.
fn console(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let dir = scratch("report");
    // The detector sees a broken page's errors (else this test could not fail).
    let broken = dir.join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><html><body><script>notDefined();</script></body></html>",
    )
    .unwrap();
    let (_, stderr) = browse(
        &format!("file://{}", broken.display()),
        &["--dump-dom"],
        &dir.join("profile-broken"),
    );
    assert!(
        console(&stderr)
            .iter()
            .any(|l| l.contains("Uncaught ReferenceError")),
        "console errors are not seen: {stderr}"
    );

    let base =
        root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    let out = dir.join("kenya");
    crtk(&[
        "build",
        root()
            .join("country-configs/kenya/country.yaml")
            .to_str()
            .unwrap(),
        "--base",
        base.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let package = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".canreg5-mapping.json")
        })
        .unwrap();
    let html = crtk(&[
        "diff",
        "--format",
        "html",
        base.to_str().unwrap(),
        package.to_str().unwrap(),
    ])
    .stdout;
    let html = String::from_utf8(html).unwrap();
    // Self-contained: nothing fetched from elsewhere.
    for outside in [
        "<script src",
        "<link",
        "http://",
        "https://",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(outside), "external reference `{outside}`");
    }
    let page = dir.join("diff.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}#only=programRules", page.display());

    let (dom, stderr) = browse(&url, &["--dump-dom"], &dir.join("profile-dom"));
    assert_eq!(console(&stderr), Vec::<&str>::new(), "console messages");
    // The filter ran: rules shown and opened, option groups hidden; breaking changes come first.
    assert!(
        dom.contains(r#"<details class="kind" data-kind="programRules" open="">"#),
        "programRules not opened by the filter"
    );
    assert!(dom.contains(r#"<details class="kind hidden" data-kind="optionGroups">"#));
    let breaking = dom.find("Breaking changes (6)").expect("breaking section");
    assert!(breaking < dom.find("<table>").unwrap());
    assert!(!html.contains('`'), "literal backticks in the page");

    let shot = dir.join("diff-report.png");
    let screenshot = format!("--screenshot={}", shot.display());
    let (_, stderr) = browse(
        &url,
        &["--window-size=1280,2200", "--hide-scrollbars", &screenshot],
        &dir.join("profile-shot"),
    );
    assert_eq!(console(&stderr), Vec::<&str>::new(), "console messages");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        std::fs::create_dir_all(root().join("docs/img")).unwrap();
        std::fs::write(root().join("docs/img/diff-report.png"), &png).unwrap();
    }
}
