//! Issue 15, item 1 and 7: every input goes through one door (src/input): FIFOs, devices and
//! folders are refused with exit 2, sizes are capped, config paths stay inside the config's folder,
//! byte-order marks are accepted.

mod hardening_support;
use hardening_support::*;

#[test]
fn a_fifo_as_any_input_is_refused_not_waited_on() {
    let dir = scratch("fifo");
    let fifo = dir.join("pipe.yaml");
    mkfifo(&fifo);
    let json_fifo = dir.join("pipe.json");
    mkfifo(&json_fifo);
    let out = dir.join("out");
    let cases: Vec<Vec<&str>> = vec![
        vec!["build", s(&fifo), "--out", s(&out)],
        vec!["validate", s(&fifo)],
        vec!["validate", s(&json_fifo)],
        vec!["diff", s(&json_fifo), OFFICIAL],
    ];
    for args in cases {
        let run = crtk(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.all());
        assert!(run.stderr.contains("FIFO"), "{args:?}: {}", run.stderr);
    }
    // --base, and a data file and a translation sheet named by a config.
    let config = dir.join("c.yaml");
    std::fs::write(&config, minimal_config("")).unwrap();
    let run = crtk(&[
        "build",
        s(&config),
        "--base",
        s(&json_fifo),
        "--out",
        s(&out),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("FIFO"), "{}", run.stderr);
    mkfifo(&dir.join("areas.csv"));
    mkfifo(&dir.join("fr.csv"));
    let with_data = dir.join("data.yaml");
    std::fs::write(
        &with_data,
        minimal_config(
            "address:\n  levels: [Region]\n  areas:\n    csv: { file: areas.csv, code: code, name: name, parent: parent }\n",
        ),
    )
    .unwrap();
    let with_sheet = dir.join("sheet.yaml");
    std::fs::write(
        &with_sheet,
        minimal_config("languages:\n  default: en\n  translations:\n    fr: fr.csv\n"),
    )
    .unwrap();
    for config in [&with_data, &with_sheet] {
        let run = crtk(&["build", s(config), "--base", OFFICIAL, "--out", s(&out)]);
        assert_eq!(run.code, Some(2), "{}", run.all());
        assert!(run.stderr.contains("FIFO"), "{}", run.stderr);
    }
    assert!(!out.exists());
}

#[test]
fn devices_and_folders_are_refused_and_size_is_capped() {
    let dir = scratch("devices");
    let config = dir.join("c.yaml");
    std::fs::write(&config, minimal_config("")).unwrap();
    let out = dir.join("out");
    let run = crtk(&["build", s(&config), "--base", "/dev/zero", "--out", s(&out)]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("a device"), "{}", run.stderr);
    let run = crtk(&["validate", "/dev/zero"]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    let folder = dir.join("folder.json");
    std::fs::create_dir_all(&folder).unwrap();
    let run = crtk(&["validate", s(&folder)]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("a folder"), "{}", run.stderr);
    // The official package is about 1.1 MiB: over a 1 MiB cap, refused with the limit named.
    let run = crtk_env(&["validate", OFFICIAL], &[("CRTK_MAX_INPUT_MB", "1")]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(
        run.stderr.contains("input limit of 1 MiB") && run.stderr.contains("CRTK_MAX_INPUT_MB"),
        "{}",
        run.stderr
    );
}

#[test]
fn config_paths_stay_inside_the_config_folder() {
    let dir = scratch("confine");
    let project = dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", project.join("link.csv")).unwrap();
    let out = dir.join("out");
    for file in [
        "../../../../../../etc/passwd",
        "/etc/passwd",
        "/proc/self/environ",
        "link.csv",
    ] {
        let config = project.join("c.yaml");
        std::fs::write(
            &config,
            minimal_config(&format!(
                "address:\n  levels: [Region]\n  areas:\n    csv: {{ file: \"{file}\", code: code, name: name, parent: parent }}\n"
            )),
        )
        .unwrap();
        let run = crtk(&["build", s(&config), "--base", OFFICIAL, "--out", s(&out)]);
        assert_eq!(run.code, Some(2), "{file}: {}", run.all());
        assert!(
            run.stderr.contains("outside the config's folder")
                && run.stderr.contains("--allow-path"),
            "{file}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("root:"),
            "{file} leaked: {}",
            run.stderr
        );
    }
    // package.base outside the folder: refused, then allowed with --allow-path.
    let config = project.join("base.yaml");
    let base = official();
    std::fs::write(
        &config,
        minimal_config("").replace(
            "  locale: en\n",
            &format!("  locale: en\n  base: {}\n", base.display()),
        ),
    )
    .unwrap();
    let run = crtk(&["build", s(&config), "--out", s(&out)]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("package.base"), "{}", run.stderr);
    let allowed = base.parent().unwrap();
    let run = crtk(&[
        "build",
        s(&config),
        "--allow-path",
        s(allowed),
        "--out",
        s(&out),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.all());
}

#[test]
fn byte_order_marks_are_accepted() {
    let dir = scratch("bom");
    let config = dir.join("c.yaml");
    std::fs::write(&config, format!("\u{feff}{}", minimal_config(""))).unwrap();
    let run = crtk(&["validate", s(&config), "--base", OFFICIAL]);
    assert_eq!(run.code, Some(0), "{}", run.all());
    let package = dir.join("p.json");
    let text = std::fs::read_to_string(official()).unwrap();
    std::fs::write(&package, format!("\u{feff}{text}")).unwrap();
    let run = crtk(&["validate", s(&package)]);
    assert_ne!(run.code, Some(2), "{}", run.all());
}

#[test]
fn duplicate_json_keys_are_an_error_with_their_line() {
    let dir = scratch("dupkeys");
    let package = dir.join("p.json");
    std::fs::write(
        &package,
        "{\n  \"options\": [],\n  \"programs\": [],\n  \"options\": []\n}\n",
    )
    .unwrap();
    let run = crtk(&["validate", s(&package)]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(
        run.stderr.contains(":4:") && run.stderr.contains("duplicate key `options`"),
        "{}",
        run.stderr
    );
}
