//! The CanReg5 side end to end: the export app's field mapping written beside each build, the
//! country's CanReg5 dictionaries, and the alignment checks against CanReg5's own TRN system
//! definition and dictionary export (`../shared/data/canreg5/`, IARC-CSU/CanReg5).

mod common;

use common::crtk::{root, temp_dir};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const OFFICIAL: &str =
    "../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json";

fn crtk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .args(args)
        .current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run crtk")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn shared(path: &str) -> PathBuf {
    root().join("../shared").join(path)
}

/// Builds `config` on the official base into `out`; returns (package, mapping) as written.
fn build(config: &str, out: &Path) -> (Value, Value, String) {
    let o = crtk(&[
        "build",
        config,
        "--base",
        OFFICIAL,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{config}: {}", text(&o.stderr));
    let files: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mapping = files
        .iter()
        .find(|p| p.to_string_lossy().ends_with(".canreg5-mapping.json"))
        .unwrap_or_else(|| panic!("{config}: no mapping written in {files:?}"));
    let package_file = PathBuf::from(
        mapping
            .to_string_lossy()
            .replace(".canreg5-mapping.json", ".json"),
    );
    let mapping_text = std::fs::read_to_string(mapping).unwrap();
    let package = serde_json::from_slice(&std::fs::read(&package_file).unwrap()).unwrap();
    (
        package,
        serde_json::from_str(&mapping_text).unwrap(),
        mapping_text,
    )
}

fn ids<'a>(items: &'a Value, key: &str) -> Vec<&'a str> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x[key]["id"].as_str())
        .collect()
}

/// Checks a mapping against its package independently of crtk's own checks: the program,
/// its stages, the attributes of the program and the data elements of each mapped stage.
fn assert_mapping_fits(name: &str, package: &Value, mapping: &Value) {
    let program = package["programs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == mapping["program"])
        .unwrap_or_else(|| panic!("{name}: mapped program not in the package"));
    let attributes = ids(
        &program["programTrackedEntityAttributes"],
        "trackedEntityAttribute",
    );
    for (variable, uid) in mapping["attributes"].as_object().unwrap() {
        assert!(
            attributes.contains(&uid.as_str().unwrap()),
            "{name}: {variable} {uid} is not a program attribute"
        );
    }
    for stage in ["source", "tumour", "followUp"] {
        let stage_uid = &mapping["programStages"][stage];
        let stage_obj = package["programStages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| &s["id"] == stage_uid)
            .unwrap_or_else(|| panic!("{name}: stage {stage} {stage_uid} missing"));
        assert_eq!(
            stage_obj["program"]["id"], mapping["program"],
            "{name}: {stage}"
        );
        let elements = ids(&stage_obj["programStageDataElements"], "dataElement");
        let mapped = mapping["dataElements"][stage].as_object().unwrap();
        assert!(!mapped.is_empty());
        for (variable, uid) in mapped {
            assert!(
                elements.contains(&uid.as_str().unwrap()),
                "{name}: {variable} {uid} is not in stage {stage}"
            );
        }
    }
}

#[test]
fn every_sample_build_writes_a_mapping_that_fits_its_package() {
    for sample in ["kenya", "zimbabwe", "maldives", "jamaica"] {
        let out = temp_dir(&format!("c5-map-{sample}"));
        let config = format!("country-configs/{sample}/country.yaml");
        let (package, mapping, written) = build(&config, &out);
        assert_mapping_fits(sample, &package, &mapping);
        // The official UIDs of the export app's default mapping (no sample remaps them).
        assert_eq!(mapping["program"], "AbPGPdlFWqc");
        assert_eq!(mapping["dataElements"]["tumour"]["ADDR"], "xcUBzN5QFXu");
        assert_eq!(mapping["dataElements"]["source"]["SOUT"], "Mqz5dPrwWho");
        assert_eq!(mapping["attributes"]["REGNO"], "hDEhIMZe07x");
        // Canonical: what crtk would write again, keys sorted, trailing newline.
        let mut again = serde_json::to_string_pretty(&mapping).unwrap();
        again.push('\n');
        assert_eq!(written, again, "{sample}: mapping is not canonical");
    }
}

#[test]
fn uid_remap_reaches_the_mapping() {
    let dir = temp_dir("c5-remap");
    let base = root().join("country-configs/zimbabwe/country.yaml");
    let mut config = std::fs::read_to_string(&base).unwrap();
    assert!(
        !config.contains("\naccess:"),
        "the sample has no access section yet"
    );
    config.push_str(
        "access:\n  uid_remap:\n    xcUBzN5QFXu: Remapped001\n    S12EbFtuFoI: Remapped002\n",
    );
    // The sample's data file sits beside its config: copy both.
    std::fs::copy(
        root().join("country-configs/zimbabwe/address-dictionary.txt"),
        dir.join("address-dictionary.txt"),
    )
    .unwrap();
    let copy = dir.join("country.yaml");
    std::fs::write(&copy, config).unwrap();
    let out = dir.join("out");
    let o = crtk(&[
        "build",
        copy.to_str().unwrap(),
        "--base",
        OFFICIAL,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (package, mapping, _) = build_from(&out);
    assert_eq!(mapping["dataElements"]["tumour"]["ADDR"], "Remapped001");
    assert_eq!(mapping["programStages"]["tumour"], "Remapped002");
    assert_mapping_fits("zimbabwe remapped", &package, &mapping);
}

/// The package and mapping already written in `out`.
fn build_from(out: &Path) -> (Value, Value, String) {
    let mut package = None;
    let mut mapping = None;
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read_to_string(&path).unwrap();
        if path.to_string_lossy().ends_with(".canreg5-mapping.json") {
            mapping = Some(bytes);
        } else {
            package = Some(bytes);
        }
    }
    let mapping = mapping.expect("a mapping");
    (
        serde_json::from_str(&package.expect("a package")).unwrap(),
        serde_json::from_str(&mapping).unwrap(),
        mapping,
    )
}

#[test]
fn a_mapped_field_missing_from_its_stage_is_cr903() {
    let dir = temp_dir("c5-cr903");
    let mut base: Value =
        serde_json::from_slice(&std::fs::read(root().join(OFFICIAL)).unwrap()).unwrap();
    // Take Date of death (DATEDEATH) out of the Follow-up stage.
    for stage in base["programStages"].as_array_mut().unwrap() {
        if stage["id"] == "eBsqDQj341X" {
            stage["programStageDataElements"]
                .as_array_mut()
                .unwrap()
                .retain(|x| x["dataElement"]["id"] != "hCJqPZcw2n6");
        }
    }
    let base_file = dir.join("base.json");
    std::fs::write(&base_file, serde_json::to_string(&base).unwrap()).unwrap();
    let o = crtk(&[
        "validate",
        "country-configs/zimbabwe/country.yaml",
        "--base",
        base_file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let cr903: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CR903")
        .collect();
    assert_eq!(cr903.len(), 1, "{cr903:?}");
    let message = cr903[0]["message"].as_str().unwrap();
    assert!(
        message.contains("DATEDEATH") && message.contains("hCJqPZcw2n6"),
        "{message}"
    );
    assert_eq!(cr903[0]["severity"], "error");
    assert_eq!(o.status.code(), Some(1));
}

fn findings(config: &str) -> (Output, Vec<Value>) {
    let o = crtk(&["validate", config, "--format", "json"]);
    let report: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{config}: {e}: {}", text(&o.stderr)));
    let list = report["findings"].as_array().unwrap().clone();
    (o, list)
}

fn canreg5_findings(list: &[Value]) -> Vec<(String, String)> {
    list.iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("CR9"))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn trn_codes_are_clean_against_the_trn_system() {
    let (o, list) = findings("tests/data/canreg5/trn/country.yaml");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let found = canreg5_findings(&list);
    // Codes, labels, lengths, RegNo: all agree. What TRN lacks is four variables the export app
    // adds for NCD_CR (source date and type, grade, date of death): warnings naming each.
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["CR912"; 4], "{found:#?}");
    for variable in ["SOUD", "SOUT", "GRDE", "DATEDEATH"] {
        assert!(
            found
                .iter()
                .any(|(_, m)| m.contains(&format!("column {variable} "))
                    && m.contains("TRN-default-conf.xml")),
            "{variable}: {found:#?}"
        );
    }
    // And it builds, mapping beside the package.
    let out = temp_dir("c5-trn-build");
    let o = crtk(&[
        "build",
        "tests/data/canreg5/trn/country.yaml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (package, mapping, _) = build_from(&out);
    assert_mapping_fits("trn", &package, &mapping);
}

#[test]
fn changed_codes_are_named_with_file_and_dictionary() {
    let config = "tests/data/canreg5/trn-changed/country.yaml";
    let (o, list) = findings(config);
    assert_eq!(o.status.code(), Some(1));
    let found = canreg5_findings(&list);
    let one = |code: &str, needle: &str| {
        let hits: Vec<&(String, String)> = found.iter().filter(|(c, _)| c == code).collect();
        assert_eq!(hits.len(), 1, "{code}: {found:#?}");
        let m = &hits[0].1;
        assert!(m.contains(needle), "{code}: {m}");
        assert!(
            m.contains("trn-dictionary.txt"),
            "{code} names the file: {m}"
        );
        m.clone()
    };
    let m = one("CR906", "address code `047` (Sheema)");
    assert!(m.contains("#9 Address"), "{m}");
    let m = one("CR907", "`Buhweju County` in the package but `Buhweju`");
    assert!(m.contains("#9 Address"), "{m}");
    let m = one("CR908", "source type code `98`");
    assert!(m.contains("#11 Hospital"), "{m}");
    let m = one("CR909", "`Mengo Hospital` in the package but `Mengo`");
    assert!(m.contains("#11 Hospital"), "{m}");
    // A build with CanReg5 errors writes nothing.
    let out = temp_dir("c5-changed-build");
    let o = crtk(&["build", config, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(std::fs::read_dir(&out).unwrap().next().is_none());
}

/// A config in a temp folder on the TRN files, with `extra` YAML appended.
fn trn_config(dir: &Path, extra: &str) -> PathBuf {
    let config = format!(
        "country:\n  code: UG\n  name: Uganda\npackage:\n  version: 1.0.1-t.1\n  base: {}\n\
         address:\n  levels: [District, County]\n  code_length: 3\n  areas:\n    canreg5:\n      file: {}\n      dictionary: Address\n      category_length: 2\n\
         canreg5:\n  system: {}\n  dictionaries: {}\n{extra}",
        root().join(OFFICIAL).display(),
        shared("data/canreg5/trn-dictionary.txt").display(),
        shared("data/canreg5/TRN-default-conf.xml").display(),
        shared("data/canreg5/trn-dictionary.txt").display(),
    );
    let path = dir.join("country.yaml");
    std::fs::write(&path, config).unwrap();
    path
}

#[test]
fn patient_id_longer_than_regno_is_cr911() {
    let dir = temp_dir("c5-cr911");
    let config = trn_config(
        &dir,
        "patient_id:\n  pattern: CURRENT_DATE(yyyy)+SEQUENTIAL(#####)\n  canreg5_regno_length: 9\n",
    );
    let (o, list) = findings(config.to_str().unwrap());
    assert_eq!(o.status.code(), Some(1));
    let found = canreg5_findings(&list);
    let cr911: Vec<_> = found.iter().filter(|(c, _)| c == "CR911").collect();
    assert_eq!(cr911.len(), 1, "{found:#?}");
    assert!(
        cr911[0].1.contains("9-character IDs") && cr911[0].1.contains("variable_length 8"),
        "{}",
        cr911[0].1
    );
}

#[test]
fn unreadable_registry_files_stop_with_the_file_named() {
    let dir = temp_dir("c5-bad-xml");
    std::fs::write(dir.join("bad.xml"), "<canreg><general></canreg>").unwrap();
    let config = trn_config(&dir, "").to_string_lossy().into_owned();
    let text_config = std::fs::read_to_string(&config).unwrap().replace(
        &shared("data/canreg5/TRN-default-conf.xml")
            .display()
            .to_string(),
        "bad.xml",
    );
    std::fs::write(&config, text_config).unwrap();
    let o = crtk(&["validate", &config]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("bad.xml") && err.contains("XML"), "{err}");
    // A source dictionary the system does not declare.
    let config = trn_config(&dir, "  source_dictionary: Hospitals\n");
    let o = crtk(&["validate", config.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("canreg5.source_dictionary") && err.contains("#11 Hospital"),
        "{err}"
    );
}

fn dictionaries(config: &Path, out: &Path) -> Output {
    crtk(&[
        "canreg5",
        "dictionaries",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn trn_dictionaries_are_written_as_canreg5_has_them_and_read_back_byte_stable() {
    let dir = temp_dir("c5-dict-trn");
    let out = dir.join("one");
    let o = dictionaries(&root().join("tests/data/canreg5/trn/country.yaml"), &out);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("#9 Address (compound, 2-character categories, 243 rows)"));
    let address = std::fs::read_to_string(out.join("address.txt")).unwrap();
    assert!(address.lines().all(|l| !l.contains('\r')) && address.contains("\r\n"));
    assert!(
        address.split("\r\n").all(|l| !l.contains('\n')),
        "CRLF only"
    );
    // Exactly CanReg5's own Address dictionary (its demo export, LF there).
    let original = std::fs::read_to_string(shared("data/canreg5/trn-dictionary.txt")).unwrap();
    let start = original.find("#9\t----Address").unwrap();
    let end = original[start..].find("\n\n").unwrap() + start + 2;
    assert_eq!(address.replace("\r\n", "\n"), original[start..end]);
    let sources = std::fs::read_to_string(out.join("source-types.txt")).unwrap();
    assert!(
        sources.starts_with("#11\t----Hospital\r\n01\tSt. Peter's Hosp.\r\n"),
        "{sources}"
    );

    // Read the written file back with crtk's own `canreg5` source: the same areas, so the same
    // bytes when written again.
    let config = "country:\n  code: UG\n  name: Uganda\npackage:\n  version: 1.0.0\naddress:\n  levels: [District, County]\n  code_length: 3\n  areas:\n    canreg5: { file: one/address.txt, dictionary: 9, category_length: 2 }\n";
    std::fs::write(dir.join("again.yaml"), config).unwrap();
    let o = dictionaries(&dir.join("again.yaml"), &dir.join("two"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read(dir.join("two/address.txt")).unwrap(),
        address.as_bytes()
    );
}

#[test]
fn sample_dictionaries_round_trip() {
    // Rwanda: province/district codes that nest (compound); Kenya: 3 levels (simple, wards).
    for (sample, levels, category, shape) in [
        (
            "rwanda",
            "[Province, District]",
            ", category_length: 2",
            "compound",
        ),
        ("kenya", "[Ward]", "", "simple"),
    ] {
        let dir = temp_dir(&format!("c5-dict-{sample}"));
        let o = dictionaries(
            &root().join(format!("country-configs/{sample}/country.yaml")),
            &dir.join("one"),
        );
        assert!(o.status.success(), "{sample}: {}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains(shape),
            "{sample}: {}",
            text(&o.stdout)
        );
        let config = format!(
            "country:\n  code: XX\n  name: X\npackage:\n  version: 1.0.0\naddress:\n  levels: {levels}\n  areas:\n    canreg5: {{ file: one/address.txt, dictionary: Address{category} }}\n"
        );
        std::fs::write(dir.join("again.yaml"), config).unwrap();
        let o = dictionaries(&dir.join("again.yaml"), &dir.join("two"));
        assert!(o.status.success(), "{sample}: {}", text(&o.stderr));
        assert_eq!(
            std::fs::read(dir.join("two/address.txt")).unwrap(),
            std::fs::read(dir.join("one/address.txt")).unwrap(),
            "{sample}"
        );
    }
}

#[test]
fn dictionary_input_accepts_crlf_and_trailing_tabs_but_not_blanks() {
    let dir = temp_dir("c5-crlf");
    let config = "country:\n  code: ST\n  name: Sao Tome\npackage:\n  version: 1.0.0\naddress:\n  levels: [District, Zone]\n  areas:\n    canreg5: { file: d.txt, dictionary: Address, category_length: 2 }\n";
    std::fs::write(dir.join("country.yaml"), config).unwrap();
    // As CanReg5 writes it: CRLF, a tab after each label.
    std::fs::write(
        dir.join("d.txt"),
        "#9\t----Address\t\r\n01\tPRINCIPE\t\r\n02\tSAO TOME\t\r\n011\tPagué\t\r\n021\tÁgua Grande\t\r\n\r\n",
    )
    .unwrap();
    let o = dictionaries(&dir.join("country.yaml"), &dir.join("out"));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.join("out/address.txt")).unwrap(),
        "#9\t----Address\r\n01\tPRINCIPE\r\n02\tSAO TOME\r\n011\tPagué\r\n021\tÁgua Grande\r\n\r\n"
    );
    // A real blank at a name's end is still refused, with the line named.
    std::fs::write(
        dir.join("d.txt"),
        "#9\t----Address\r\n01\tPRINCIPE\t\r\n02\tSAO TOME \t\r\n011\tPagué\r\n021\tÁgua Grande\r\n",
    )
    .unwrap();
    let o = dictionaries(&dir.join("country.yaml"), &dir.join("out2"));
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("d.txt") && err.contains("line 3") && err.contains("space"),
        "{err}"
    );
    assert!(!dir.join("out2").exists());
}

#[test]
fn release_manifest_lists_the_mapping() {
    let out = temp_dir("c5-release");
    let o = crtk(&[
        "build",
        "--all",
        "--configs",
        "tests/data/canreg5/trn",
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "1",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let outputs = manifest["countries"][0]["outputs"].as_array().unwrap();
    let mapping = outputs
        .iter()
        .find(|o| o["role"] == "canreg5-mapping")
        .expect("mapping in the manifest");
    let path = mapping["path"].as_str().unwrap();
    assert!(path.ends_with(".canreg5-mapping.json"), "{path}");
    assert!(out.join(path).is_file());
    // The registry's files are inputs of the release.
    let inputs: Vec<&str> = manifest["countries"][0]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(
        inputs.iter().any(|p| p.ends_with("TRN-default-conf.xml")),
        "{inputs:?}"
    );
}

#[test]
fn canreg5_system_definitions_read_as_declared() {
    use crtk::canreg5::system::{DictionaryType, SystemDefinition};
    for file in ["TRN-default-conf.xml", "TRN-demo.xml"] {
        let s = SystemDefinition::load(&shared(&format!("data/canreg5/{file}"))).unwrap();
        assert_eq!(s.registry_code, "TRN", "{file}");
        assert_eq!(s.dictionaries.len(), 14, "{file}");
        assert_eq!(s.variables.len(), 45, "{file}");
        let address = s.dictionary_named("Address").unwrap();
        assert_eq!(address.id, 9);
        assert_eq!(address.kind, DictionaryType::Compound);
        assert_eq!((address.category_length, address.full_length), (2, 3));
        assert_eq!(s.standard("PatientID").unwrap().length, Some(8));
        assert_eq!(
            s.standard("AddressCode").unwrap().dictionary.as_deref(),
            Some("Address")
        );
    }
}

/// The registry-definition findings not covered above: an address code length the registry's
/// Address dictionary does not hold (CR910), a registry without the address variable (CR913),
/// and a base that is not NCD_CR (CR914).
#[test]
fn registry_definition_findings_cr910_cr913_cr914() {
    let codes = |config: &Path, base: Option<&Path>| -> Vec<String> {
        let mut args = vec!["validate", config.to_str().unwrap(), "--format", "json"];
        if let Some(b) = base {
            args.extend(["--base", b.to_str().unwrap()]);
        }
        let o = crtk(&args);
        let report: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&o.stderr)));
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    let dir = std::env::temp_dir().join(format!("crtk-canreg5-defs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let trn = std::fs::read_to_string(shared("data/canreg5/TRN-default-conf.xml")).unwrap();
    // Uganda's 5-character district codes against TRN's 3-character Address dictionary.
    std::fs::write(dir.join("TRN.xml"), &trn).unwrap();
    // A registry whose Address variable is gone.
    let no_address = trn
        .replace(
            "<ns3:standard_variable_name>AddressCode</ns3:standard_variable_name>",
            "",
        )
        .replace(
            "<ns3:short_name>Addr</ns3:short_name>",
            "<ns3:short_name>Gone</ns3:short_name>",
        );
    std::fs::write(dir.join("NOADDR.xml"), no_address).unwrap();
    let sample = std::fs::read_to_string("country-configs/uganda/country.yaml").unwrap();
    for file in ["hiv-status.csv", "UGA.xml"] {
        std::fs::copy(
            Path::new("country-configs/uganda").join(file),
            dir.join(file),
        )
        .unwrap();
    }
    for (system, code) in [("TRN.xml", "CR910"), ("NOADDR.xml", "CR913")] {
        let config = dir.join(format!("{code}.yaml"));
        std::fs::write(
            &config,
            sample.replace("system: UGA.xml", &format!("system: {system}")),
        )
        .unwrap();
        let found = codes(&config, None);
        assert!(found.iter().any(|c| c == code), "{code}: {found:?}");
    }
    let hiv = dir.join("hiv.yaml");
    std::fs::write(
        &hiv,
        "country: {code: HV, name: Hv}\npackage: {version: 9.9.9-hv.1}\n",
    )
    .unwrap();
    let found = codes(
        &hiv,
        Some(&shared(
            "reference-packages/HIV_CS_TRK_9.9.9_DHIS2.36.4-en.json",
        )),
    );
    assert!(found.iter().any(|c| c == "CR914"), "{found:?}");
}
