//! Issue 15, items 2 and 5: values that reach file names are validated, outputs stay in --out and
//! never overwrite an input (`--previous` included); `build --all` is exclusive and repairs
//! what a killed run left; nothing named like a config is skipped silently.

mod hardening_support;
use hardening_support::*;
use std::path::{Path, PathBuf};

/// `configs/xx/country.yaml` with the official base copied beside it.
fn release_tree(dir: &Path, extra: &str) -> PathBuf {
    let configs = dir.join("configs");
    std::fs::create_dir_all(configs.join("xx")).unwrap();
    std::fs::copy(official(), configs.join("xx/base.json")).unwrap();
    std::fs::write(
        configs.join("xx/country.yaml"),
        minimal_config(extra).replace("  locale: en\n", "  locale: en\n  base: base.json\n"),
    )
    .unwrap();
    configs
}

#[test]
fn a_locale_cannot_climb_out_of_out() {
    let dir = scratch("locale");
    let victim = dir.join("x");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::write(victim.join("important.json"), "keep").unwrap();
    let config = dir.join("c.yaml");
    std::fs::write(
        &config,
        minimal_config("").replace("locale: en", "locale: \"../../../x/important\""),
    )
    .unwrap();
    let out = dir.join("a/b/c");
    let run = crtk(&["build", s(&config), "--base", OFFICIAL, "--out", s(&out)]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("package.locale"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(victim.join("important.json")).unwrap(),
        "keep"
    );
    // And in build --all.
    let configs = release_tree(&dir, "");
    let yaml = configs.join("xx/country.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(
        &yaml,
        text.replace("locale: en", "locale: \"../../x/important\""),
    )
    .unwrap();
    let dist = dir.join("dist");
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        s(&configs),
        "--out",
        s(&dist),
    ]);
    assert_eq!(run.code, Some(1), "{}", run.all());
    assert!(run.stderr.contains("package.locale"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(victim.join("important.json")).unwrap(),
        "keep"
    );
}

#[test]
fn previous_cannot_be_the_output() {
    let dir = scratch("previous");
    let config = dir.join("c.yaml");
    std::fs::write(&config, minimal_config("")).unwrap();
    let out = dir.join("dist");
    let run = crtk(&["build", s(&config), "--base", OFFICIAL, "--out", s(&out)]);
    assert_eq!(run.code, Some(0), "{}", run.all());
    let written: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".canreg5-mapping.json"))
        .collect();
    assert_eq!(written.len(), 1);
    let previous = &written[0];
    std::fs::write(
        previous,
        "{\"package\": {\"name\": \"old\"}, \"options\": []}",
    )
    .unwrap();
    let before = std::fs::read(previous).unwrap();
    let run = crtk(&[
        "build",
        s(&config),
        "--base",
        OFFICIAL,
        "--previous",
        s(previous),
        "--out",
        s(&out),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("over an input"), "{}", run.stderr);
    assert_eq!(std::fs::read(previous).unwrap(), before);
}

#[test]
fn a_second_build_all_fails_naming_the_holder() {
    let dir = scratch("lock");
    let configs = release_tree(&dir, "");
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    // What a running build holds: the lock on dist/ and its process id in .crtk-writing.
    let lock = std::fs::File::open(&dist).unwrap();
    lock.try_lock().unwrap();
    std::fs::write(dist.join(".crtk-writing"), "4242\n").unwrap();
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        s(&configs),
        "--out",
        s(&dist),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("crtk process 4242"), "{}", run.stderr);
    assert!(!dist.join("manifest.json").exists());
    drop(lock);
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        s(&configs),
        "--out",
        s(&dist),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.all());
}

#[test]
fn a_killed_build_all_is_told_from_tampering_and_repaired() {
    let dir = scratch("killed");
    let configs = release_tree(&dir, "");
    let dist = dir.join("dist");
    let all = [
        "build",
        "--all",
        "--configs",
        s(&configs),
        "--out",
        s(&dist),
    ];
    let check = [
        "build",
        "--all",
        "--check",
        "--configs",
        s(&configs),
        "--out",
        s(&dist),
    ];
    assert_eq!(crtk(&all).code, Some(0));
    assert_eq!(crtk(&check).code, Some(0), "{}", crtk(&check).all());
    let folder = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let package = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json") && !s(p).ends_with(".diff.json"))
        .unwrap();
    let good = std::fs::read(&package).unwrap();
    // Tampered: a file changed by hand, the write had finished.
    std::fs::write(&package, &good[..good.len() / 2]).unwrap();
    let run = crtk(&check);
    assert_eq!(run.code, Some(1), "{}", run.all());
    assert!(!run.stderr.contains("half-written"), "{}", run.stderr);
    // Half-written: what a kill during the write leaves (marker, temp debris, a stale file).
    std::fs::create_dir_all(dist.join(".crtk-tmp")).unwrap();
    std::fs::write(dist.join(".crtk-tmp/999.tmp"), &good[..100]).unwrap();
    std::fs::write(dist.join(".crtk-writing"), "999\n").unwrap();
    // And what earlier crtk versions left beside their targets.
    std::fs::write(dist.join(".manifest.json.999.tmp"), "{\"trunc").unwrap();
    let run = crtk(&check);
    assert_eq!(run.code, Some(1), "{}", run.all());
    assert!(run.stderr.contains("half-written"), "{}", run.stderr);
    assert!(
        !run.stderr.contains(".crtk-tmp"),
        "bookkeeping listed as release files: {}",
        run.stderr
    );
    // The next run repairs everything.
    let run = crtk(&all);
    assert_eq!(run.code, Some(0), "{}", run.all());
    assert_eq!(std::fs::read(&package).unwrap(), good);
    assert!(!dist.join(".crtk-writing").exists());
    assert!(!dist.join(".crtk-tmp").exists());
    assert!(!dist.join(".manifest.json.999.tmp").exists());
    let run = crtk(&check);
    assert_eq!(run.code, Some(0), "{}", run.all());
}

#[test]
fn nothing_named_like_a_config_is_skipped_silently() {
    let dir = scratch("discover");
    let configs = release_tree(&dir, "");
    mkfifo(&configs.join("pipe.yaml"));
    std::os::unix::fs::symlink(configs.join("missing.yaml"), configs.join("dangling.yaml"))
        .unwrap();
    std::fs::create_dir_all(configs.join("folder.yaml")).unwrap();
    std::fs::write(configs.join("xx/country.yml"), "country: [broken\n").unwrap();
    let dist = dir.join("dist");
    let run = crtk(&[
        "build",
        "--all",
        "--configs",
        s(&configs),
        "--out",
        s(&dist),
    ]);
    assert_eq!(run.code, Some(1), "{}", run.all());
    for name in [
        "pipe.yaml",
        "dangling.yaml",
        "folder.yaml",
        "xx/country.yml",
    ] {
        assert!(
            run.stderr.contains(&format!("{name} did not build")),
            "{name}: {}",
            run.stderr
        );
    }
}
