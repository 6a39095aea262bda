//! Local customisation declared by name (issue 18): `fields`, `names`, `rules` and
//! `working_lists`, built on the official NCD_CR 1.0.1 base through the real binary.

mod common;

use common::crtk::{get, objects, root, temp_dir};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn official() -> PathBuf {
    root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json")
}

use common::crtk::run as crtk;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Builds `config` on the official base into `out`; returns the output and the package.
fn build(config: &Path, out: &Path) -> (Output, Option<Value>) {
    let base = official();
    let output = crtk(&[
        "build",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base",
        base.to_str().unwrap(),
    ]);
    let package = std::fs::read_dir(out)
        .ok()
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".canreg5-mapping.json")
        })
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap());
    (output, package)
}

fn sample() -> PathBuf {
    root().join("country-configs/uganda/country.yaml")
}

/// A config with the given customisation block (placeholders allowed: no address here).
fn config(name: &str, block: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let path = dir.join("country.yaml");
    let text = format!(
        "country: {{ code: UG, name: Uganda }}\npackage: {{ version: 1.0.1-ug.1 }}\nvalidate: {{ allow_placeholders: true }}\n{block}"
    );
    std::fs::write(&path, text).unwrap();
    (path, dir.join("out"))
}

/// The build is refused (exit 2, nothing written) with a message holding every `needle`.
fn refused(name: &str, block: &str, needles: &[&str]) {
    let (path, out) = config(name, block);
    let (output, package) = build(&path, &out);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
    assert!(package.is_none(), "{name}: a failed build wrote a package");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{name}: `{needle}` not in:\n{stderr}"
        );
    }
}

fn by_code<'a>(package: &'a Value, kind: &str, code: &str) -> &'a Value {
    objects(package, kind)
        .into_iter()
        .find(|o| o["code"] == code)
        .unwrap_or_else(|| panic!("no {kind} with code {code}"))
}

fn by_name<'a>(package: &'a Value, kind: &str, name: &str) -> &'a Value {
    objects(package, kind)
        .into_iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} named {name}"))
}

#[test]
fn the_sample_builds_on_the_official_base_and_validates_clean() {
    let out = temp_dir("custom-sample");
    let (output, package) = build(&sample(), &out);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let package = package.unwrap();
    let base = official();
    let validated = crtk(&[
        "validate",
        sample().to_str().unwrap(),
        "--base",
        base.to_str().unwrap(),
    ]);
    let stdout = text(&validated.stdout);
    assert_eq!(validated.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(": 0 errors"), "{stdout}");
    // No finding about what the sections added (the base's own warnings stay).
    let json = crtk(&[
        "validate",
        sample().to_str().unwrap(),
        "--base",
        base.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let added: Vec<String> = objects(&package, "dataElements")
        .iter()
        .chain(objects(&package, "programRules").iter())
        .chain(objects(&package, "programStageWorkingLists").iter())
        .chain(objects(&package, "trackedEntityInstanceFilters").iter())
        .filter(|o| {
            o["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("UG") || !n.starts_with("CR"))
        })
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    let text = report.to_string();
    for id in &added {
        assert!(!text.contains(id.as_str()), "a finding names {id}: {text}");
    }

    // fields: a data element after Age in the (renamed) Patient section, with its CSV options.
    let hiv = by_code(&package, "dataElements", "UG_HIV_STATUS");
    let hiv_id = hiv["id"].as_str().unwrap();
    let section = by_name(&package, "programStageSections", "Patient at diagnosis");
    let ids: Vec<&str> = section["dataElements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let age = ids.iter().position(|i| *i == "tasm9QG8HaF").unwrap();
    assert_eq!(ids[age + 1], hiv_id);
    let set = get(
        &package,
        "optionSets",
        hiv["optionSet"]["id"].as_str().unwrap(),
    );
    assert_eq!(set["valueType"], "NUMBER");
    let mut options: Vec<&Value> = objects(&package, "options")
        .into_iter()
        .filter(|o| o["optionSet"]["id"] == set["id"])
        .collect();
    options.sort_by_key(|o| o["sortOrder"].as_i64().unwrap());
    let codes: Vec<&str> = options
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["1", "2", "9"]);
    let tumor = get(&package, "programStages", "S12EbFtuFoI");
    let mut psdes: Vec<&Value> = tumor["programStageDataElements"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    psdes.sort_by_key(|p| p["sortOrder"].as_i64().unwrap());
    let at = psdes
        .iter()
        .position(|p| p["dataElement"]["id"] == "tasm9QG8HaF")
        .unwrap();
    assert_eq!(psdes[at + 1]["dataElement"]["id"], hiv_id);
    // A person attribute after the Patient ID, in the program and the Person type.
    let nin = by_code(&package, "trackedEntityAttributes", "UG_NIN");
    let program = get(&package, "programs", "AbPGPdlFWqc");
    let mut ptea: Vec<&Value> = program["programTrackedEntityAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    ptea.sort_by_key(|p| p["sortOrder"].as_i64().unwrap());
    assert_eq!(ptea[0]["trackedEntityAttribute"]["id"], "hDEhIMZe07x");
    assert_eq!(ptea[1]["trackedEntityAttribute"]["id"], nin["id"]);
    let person = get(&package, "trackedEntityTypes", "MCPQUTHX1Ze");
    assert!(
        person["trackedEntityTypeAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["trackedEntityAttribute"]["id"] == nin["id"])
    );

    // names
    assert_eq!(program["name"], "Uganda Cancer Registry");
    assert_eq!(
        get(&package, "dataElements", "c6EnHSAMUat")["formName"],
        "Date of diagnosis"
    );
    assert_eq!(
        get(&package, "programStages", "eBsqDQj341X")["name"],
        "Follow-up visit"
    );
    let not_stated = objects(&package, "options")
        .into_iter()
        .find(|o| o["optionSet"]["id"] == "R3pi3sIwiXG" && o["code"] == "9")
        .unwrap();
    assert_eq!(not_stated["name"], "Not stated");

    // rules: the package's own variable is reused for a base field, a new one made for a new field.
    let age_rule = by_name(&package, "programRules", "UG - Age over 100");
    assert_eq!(
        age_rule["condition"],
        "d2:hasValue(#{CR_AGE}) && #{CR_AGE} > 100"
    );
    assert_eq!(age_rule["priority"], 10);
    let variables: Vec<&Value> = objects(&package, "programRuleVariables")
        .into_iter()
        .filter(|v| v["dataElement"]["id"] == "tasm9QG8HaF")
        .collect();
    assert_eq!(variables.len(), 1, "CR_AGE is reused, not duplicated");
    let hiv_var = by_name(&package, "programRuleVariables", "UG_HIV_STATUS");
    assert_eq!(hiv_var["dataElement"]["id"], hiv_id);
    assert_eq!(hiv_var["useCodeForOptionSet"], true);

    // working lists
    let lists = objects(&package, "programStageWorkingLists");
    assert_eq!(lists.len(), 2);
    let rare = by_name(
        &package,
        "programStageWorkingLists",
        "Rare cases to confirm",
    );
    assert_eq!(rare["programStage"]["id"], "S12EbFtuFoI");
    assert_eq!(
        rare["programStageQueryCriteria"]["dataFilters"][0]["dataItem"],
        "jTW2ljvoIc6"
    );
    let women = by_name(
        &package,
        "trackedEntityInstanceFilters",
        "Women registered this year",
    );
    assert_eq!(
        women["entityQueryCriteria"]["attributeValueFilters"][0]["attribute"],
        "m7GEZG8cyCO"
    );
    assert_eq!(
        women["entityQueryCriteria"]["enrollmentCreatedDate"]["period"],
        "THIS_YEAR"
    );
}

#[test]
fn rebuilds_update_the_same_objects() {
    let one = temp_dir("custom-one");
    let two = temp_dir("custom-two");
    let (a, pa) = build(&sample(), &one);
    let (b, pb) = build(&sample(), &two);
    assert!(a.status.success() && b.status.success());
    assert_eq!(pa, pb, "two builds differ");
    // Reordering the declarations keeps every UID: they come from the country and the key.
    let original = std::fs::read_to_string(sample()).unwrap();
    let dir = temp_dir("custom-reordered");
    for file in ["hiv-status.csv", "UGA.xml"] {
        std::fs::copy(
            root().join("country-configs/uganda").join(file),
            dir.join(file),
        )
        .unwrap();
    }
    let (head, rest) = original.split_once("working_lists:\n").unwrap();
    let mut items: Vec<String> = Vec::new();
    for line in rest.lines() {
        if line.starts_with("  - ") {
            items.push(String::new());
        }
        items.last_mut().unwrap().push_str(&format!("{line}\n"));
    }
    items.reverse();
    let reordered = format!("{head}working_lists:\n{}", items.concat());
    std::fs::write(dir.join("country.yaml"), reordered).unwrap();
    let (c, pc) = build(&dir.join("country.yaml"), &dir.join("out"));
    assert!(c.status.success(), "{}", text(&c.stderr));
    let ids = |p: &Value| {
        let mut v: Vec<String> = objects(p, "programStageWorkingLists")
            .iter()
            .chain(objects(p, "trackedEntityInstanceFilters").iter())
            .map(|o| format!("{} {}", o["name"], o["id"]))
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(pa.as_ref().unwrap()), ids(pc.as_ref().unwrap()));
}

#[test]
fn the_canreg5_accessor_lists_the_new_fields() {
    let out = temp_dir("custom-canreg5");
    let (_, package) = build(&sample(), &out);
    let package = crtk::package::Package::from_value(package.unwrap()).unwrap();
    let config = crtk::config::LoadedConfig::load(&sample()).unwrap();
    let fields = crtk::adapt::fields::canreg5_fields(&config.config, &package);
    let got: Vec<(&str, Option<&str>)> = fields
        .iter()
        .map(|f| (f.variable.as_str(), f.stage.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("HIVSTAT", Some("S12EbFtuFoI")),
            ("ECOG", Some("eBsqDQj341X")),
            ("NIN", None)
        ]
    );
    for f in &fields {
        assert!(package.all_objects().any(|(_, id, _)| id == f.uid));
    }
}

#[test]
fn fields_are_refused_with_the_line_and_the_fix() {
    let field = |extra: &str| {
        format!(
            "fields:\n  - code: UG_X\n    name: UG - X\n    stage: Tumor\n    section: Patient\n{extra}"
        )
    };
    refused(
        "f-stage",
        "fields:\n  - code: UG_X\n    name: UG - X\n    stage: Tumour\n    section: Patient\n",
        &[
            "country.yaml:7:",
            "fields[0].stage",
            "no program stage `Tumour`",
            "did you mean `Tumor`",
        ],
    );
    refused(
        "f-section",
        "fields:\n  - code: UG_X\n    name: UG - X\n    stage: Tumor\n    section: Patients\n",
        &[
            "country.yaml:8:",
            "no section `Patients`",
            "did you mean `Patient`",
        ],
    );
    refused(
        "f-anchor",
        &field("    after: CR_AEG\n"),
        &[
            "country.yaml:9:",
            "`CR_AEG` is not a field of section `Patient`",
            "did you mean `CR_AGE`",
        ],
    );
    refused(
        "f-name",
        "fields:\n  - code: UG_X\n    name: CR - Age\n    stage: Tumor\n    section: Patient\n",
        &["country.yaml:6:", "E5003", "`CR - Age`"],
    );
    refused(
        "f-code",
        "fields:\n  - code: CR_AGE\n    name: UG - X\n    stage: Tumor\n    section: Patient\n",
        &["country.yaml:5:", "E5003", "`CR_AGE`"],
    );
    refused(
        "f-set-type",
        &field("    value_type: TEXT\n    option_set: { existing: CR_SEX }\n"),
        &[
            "fields[0].option_set.existing",
            "holds NUMBER values but the field is TEXT",
        ],
    );
    refused(
        "f-code-type",
        &field("    value_type: NUMBER\n    options: [{ code: A, name: Alpha }]\n"),
        &["fields[0].options[0].code", "`A` is not a NUMBER value"],
    );
    refused(
        "f-boolean-options",
        &field("    value_type: BOOLEAN\n    options: [{ code: \"1\", name: Yes }]\n"),
        &["a BOOLEAN field cannot have an option set"],
    );
    refused(
        "f-canreg5-twice",
        "fields:\n  - { code: UG_A, name: UG - A, stage: Follow up, canreg5: NIN }\n  - { code: UG_B, name: UG - B, stage: Follow up, canreg5: NIN }\n",
        &["fields[1].canreg5", "already mapped"],
    );
    refused(
        "f-unknown-key",
        &field("    compulsory: true\n"),
        &["unknown key `compulsory`"],
    );
}

#[test]
fn names_are_refused_when_unknown_or_colliding() {
    refused(
        "n-collide",
        "names:\n  - { type: dataElement, code: CR_AGE, name: CR - Grade }\n",
        &[
            "country.yaml:5:",
            "names[0].name",
            "already the name",
            "E5003",
        ],
    );
    refused(
        "n-unknown",
        "names:\n  - type: dataElement\n    code: CR_AEG\n    name: Umri\n",
        &[
            "names[0].code",
            "no dataElement with code `CR_AEG`",
            "did you mean `CR_AGE`",
        ],
    );
    refused(
        "n-option-set",
        "names:\n  - { type: option, code: \"9\", name: Not stated }\n",
        &["option_set"],
    );
    refused(
        "n-stage-collide",
        "names:\n  - { type: programStage, current_name: Source, name: Tumor }\n",
        &["already the name"],
    );
}

#[test]
fn rules_are_checked_against_the_built_package() {
    refused(
        "r-unknown",
        "rules:\n  - name: UG - r\n    priority: 1\n    when: \"#{CR_AEG} > 100\"\n    show_warning: { on: CR_AGE, message: old }\n",
        &[
            "country.yaml:7:",
            "rules[0].when",
            "`CR_AEG` is neither",
            "did you mean `CR_AGE`",
        ],
    );
    refused(
        "r-type",
        "rules:\n  - name: UG - r\n    priority: 1\n    when: \"#{CR_AGE} + 1\"\n    show_warning: { on: CR_AGE, message: old }\n",
        &["rules[0].when", "refused by the rule engine"],
    );
    refused(
        "r-duplicate",
        "rules:\n  - name: CR - Assign empty value to morphology group\n    priority: 1\n    when: \"true\"\n    hide_field: CR_AGE\n",
        &["E4057"],
    );
    refused(
        "r-no-priority",
        "rules:\n  - name: UG - r\n    when: \"true\"\n    hide_field: CR_AGE\n",
        &["priority"],
    );
    refused(
        "r-option",
        "rules:\n  - name: UG - r\n    priority: 1\n    when: \"true\"\n    hide_option: { on: CR_SEX, option: \"3\" }\n",
        &["`3` is not an option code of `CR_SEX`"],
    );
    refused(
        "r-no-action",
        "rules:\n  - name: UG - r\n    priority: 1\n    when: \"true\"\n",
        &["has no action"],
    );
}

#[test]
fn working_lists_are_checked_as_dhis2_does() {
    refused(
        "w-provided",
        "working_lists:\n  - name: Mine\n    stage: Tumor\n    assigned_user: PROVIDED\n",
        &["country.yaml:7:", "E4063"],
    );
    refused(
        "w-empty-date",
        "working_lists:\n  - name: Mine\n    stage: Tumor\n    event_date: {}\n",
        &["E4062"],
    );
    refused(
        "w-option",
        "working_lists:\n  - name: Mine\n    stage: Tumor\n    filters:\n      - { field: CR_BEHAVIOUR, eq: Malignant }\n",
        &[
            "working_lists[0].filters[0].eq",
            "`Malignant` is not an option code",
        ],
    );
    refused(
        "w-other-stage",
        "working_lists:\n  - name: Mine\n    stage: Tumor\n    columns: [CR_STATUS]\n",
        &["not a data element of stage `Tumor`"],
    );
    refused(
        "w-person-element",
        "working_lists:\n  - name: Mine\n    filters:\n      - { field: CR_AGE, ge: \"50\" }\n",
        &["name a `stage` to filter events"],
    );
    refused(
        "w-period",
        "working_lists:\n  - name: Mine\n    enrollment_date: { period: LAST_YAER }\n",
        &["LAST_YAER", "did you mean `LAST_YEAR`"],
    );
}

/// `crtk diff` between two builds of the sample: removing a custom field that holds data and
/// making one compulsory are breaking; a changed rule condition is not.
#[test]
fn diff_reports_removed_and_newly_mandatory_fields_as_breaking() {
    let old_out = temp_dir("custom-diff-old");
    let (old, _) = build(&sample(), &old_out);
    assert!(old.status.success());
    let dir = temp_dir("custom-diff-new");
    for file in ["hiv-status.csv", "UGA.xml"] {
        std::fs::copy(
            root().join("country-configs/uganda").join(file),
            dir.join(file),
        )
        .unwrap();
    }
    let mut text = std::fs::read_to_string(sample()).unwrap();
    let (a, b) = (
        text.find("  - code: UG_ECOG").unwrap(),
        text.find("  - code: UG_NIN").unwrap(),
    );
    text.replace_range(a..b, "");
    let text = text
        .replace(
            "    canreg5: HIVSTAT\n",
            "    canreg5: HIVSTAT\n    mandatory: true\n",
        )
        .replace("hide_field: UG_ECOG", "hide_field: CR_DATE_LAST_CONTACT")
        .replace("#{CR_AGE} > 100", "#{CR_AGE} > 105");
    std::fs::write(dir.join("country.yaml"), text).unwrap();
    let (new, _) = build(&dir.join("country.yaml"), &dir.join("out"));
    assert!(
        new.status.success(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
    let json = |d: &Path| {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && !p.to_string_lossy().ends_with(".canreg5-mapping.json")
            })
            .unwrap()
    };
    let diff = crtk(&[
        "diff",
        json(&old_out).to_str().unwrap(),
        json(&dir.join("out")).to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(diff.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&diff.stdout).unwrap();
    let mut rules = Vec::new();
    fn collect(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("rule") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| collect(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }
    collect(&report, &mut rules);
    assert!(rules.iter().any(|r| r == "field-removed"), "{rules:?}");
    assert!(
        rules.iter().any(|r| r == "field-made-mandatory"),
        "{rules:?}"
    );
    let text = report.to_string();
    assert!(
        text.contains("#{CR_AGE} > 105"),
        "the condition change is listed"
    );
}

/// `crtk build --all`: the release notes list the customisation and the workbook has a
/// "Working lists" sheet with the filters in words.
#[test]
fn release_notes_and_workbook_show_the_customisation() {
    let scratch = temp_dir("custom-release");
    let configs = scratch.join("configs/uganda");
    std::fs::create_dir_all(&configs).unwrap();
    for file in ["hiv-status.csv", "UGA.xml"] {
        std::fs::copy(
            root().join("country-configs/uganda").join(file),
            configs.join(file),
        )
        .unwrap();
    }
    let text = std::fs::read_to_string(sample()).unwrap().replace(
        "  locale: en\n",
        &format!("  locale: en\n  base: {}\n", official().display()),
    );
    std::fs::write(configs.join("country.yaml"), text).unwrap();
    let dist = scratch.join("dist");
    let output = crtk(&[
        "build",
        "--all",
        "--configs",
        scratch.join("configs").to_str().unwrap(),
        "--out",
        dist.to_str().unwrap(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut notes = None;
    let mut workbook = None;
    for entry in walk(&dist) {
        let name = entry.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".md") && name.contains("notes") {
            notes = Some(std::fs::read_to_string(&entry).unwrap());
        }
        if name.ends_with(".xlsx") {
            workbook = Some(entry);
        }
    }
    let notes = notes.expect("release notes written");
    for needle in [
        "## Local customisation",
        "UG - HIV status (UG\\_HIV\\_STATUS, NUMBER): stage Tumor, section Patient, CanReg5 HIVSTAT",
        "UG - Age over 100 (priority 10)",
        "Rare cases to confirm (events of stage Tumor)",
        "programStageWorkingLists",
    ] {
        assert!(
            notes.contains(needle),
            "`{needle}` not in the notes:\n{notes}"
        );
    }
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(workbook.expect("workbook written")).unwrap();
    let range = book.worksheet_range("Working lists").unwrap();
    let cells: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        cells.iter().any(|c| c == "Rare cases to confirm"),
        "{cells:?}"
    );
    assert!(
        cells.iter().any(|c| c.contains("CR - Behaviour is one of")),
        "{cells:?}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The translations sheet covers the new texts, and a row translating a text `names:` changed is
/// stale (reported, not applied).
#[test]
fn renamed_texts_make_translation_rows_stale() {
    let dir = temp_dir("custom-stale");
    for file in ["hiv-status.csv", "UGA.xml"] {
        std::fs::copy(
            root().join("country-configs/uganda").join(file),
            dir.join(file),
        )
        .unwrap();
    }
    let out = temp_dir("custom-stale-first");
    let (_, package) = build(&sample(), &out);
    let package = package.unwrap();
    let hiv = by_code(&package, "dataElements", "UG_HIV_STATUS")["id"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        dir.join("sw.csv"),
        format!(
            "Object type,UID,Object name,Property,Source text (en),Translation (sw)\n\
             Data element,c6EnHSAMUat,CR - Incidence date,FORM_NAME,Incidence date,Tarehe ya tukio\n\
             Data element,{hiv},UG - HIV status,FORM_NAME,HIV status,Hali ya VVU\n"
        ),
    )
    .unwrap();
    let text = std::fs::read_to_string(sample()).unwrap().replace(
        "  locale: en\n",
        "  locale: en\nlanguages:\n  translations:\n    sw: sw.csv\n",
    );
    std::fs::write(dir.join("country.yaml"), text).unwrap();
    let (output, package) = build(&dir.join("country.yaml"), &dir.join("out"));
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("stale"), "{stderr}");
    assert!(stderr.contains("Date of diagnosis"), "{stderr}");
    let package = package.unwrap();
    let translations = |id: &str| get(&package, "dataElements", id)["translations"].clone();
    assert!(translations(&hiv).to_string().contains("Hali ya VVU"));
    assert!(!translations("c6EnHSAMUat").to_string().contains("Tarehe"));
}

#[test]
fn an_options_csv_must_be_a_regular_file_inside_the_config_folder() {
    let field = |csv: &str| {
        format!(
            "fields:\n  - code: UG_X\n    name: UG - X\n    stage: Tumor\n    section: Patient\n    option_set: {{ csv: \"{csv}\" }}\n"
        )
    };
    let outside = std::env::temp_dir().join(format!("crtk-outside-{}.csv", std::process::id()));
    std::fs::write(&outside, "code,name\n1,One\n").unwrap();
    refused(
        "csv-outside",
        &field(&format!(
            "../{}",
            outside.file_name().unwrap().to_string_lossy()
        )),
        &["fields[0].option_set.csv", "outside the config's folder"],
    );
    let _ = std::fs::remove_file(&outside);
    let (path, _) = config("csv-dir", "");
    let dir = path.parent().unwrap();
    std::fs::create_dir_all(dir.join("sub.csv")).unwrap();
    std::fs::write(
        &path,
        std::fs::read_to_string(&path).unwrap() + &field("sub.csv"),
    )
    .unwrap();
    let (output, package) = build(&path, &dir.join("out"));
    assert_eq!(output.status.code(), Some(2));
    assert!(package.is_none());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a regular file"));
    let (path, _) = config("csv-columns", "");
    let dir = path.parent().unwrap();
    std::fs::write(dir.join("o.csv"), "Code,Label\n1,One\n").unwrap();
    std::fs::write(
        &path,
        std::fs::read_to_string(&path).unwrap() + &field("o.csv"),
    )
    .unwrap();
    let (output, _) = build(&path, &dir.join("out"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("has no column `code` (columns: Code, Label)"),
        "{stderr}"
    );
}
