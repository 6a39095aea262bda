//! The registry indicator set (and a country's own indicators) computed by DHIS2's own
//! expression library on a generated data set, aggregated as event analytics aggregates them,
//! against the same figures computed here from the records by their definitions (IARC / CI5:
//! MV% = basis 5-8, DCO% = basis 0, unknown site = C80.9, unknown age = none or 999).

mod common;

use common::crtk::{objects, root, temp_dir};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::Command;

const OFFICIAL: &str =
    "../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json";

fn built_package() -> Value {
    let out = temp_dir("registry-indicators");
    let output = Command::new(env!("CARGO_BIN_EXE_crtk"))
        .env("CRTK_ALLOW_PATH", common::crtk::allowed_roots())
        .arg("build")
        .arg(root().join("tests/data/indicators/country.yaml"))
        .arg("--base")
        .arg(root().join(OFFICIAL))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run crtk");
    assert!(
        output.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let file = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with("-en.json"))
        })
        .expect("the package");
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// One tumour as a registry records it (`None`: not recorded).
struct Tumour {
    sex: u8,
    age: Option<u32>,
    basis: u8,
    topography: u32,
    address: &'static str,
    invalid: bool,
    rare: bool,
}

fn tumours() -> Vec<Tumour> {
    let mut state: u64 = 42;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    (0..400)
        .map(|_| Tumour {
            sex: [1, 2, 9][next(3) as usize],
            age: match next(20) {
                0 => None,
                1 => Some(999),
                _ => Some(next(100) as u32),
            },
            basis: next(10) as u8,
            topography: [809, 509, 619, 180, 340, 80][next(6) as usize],
            address: ["01", "02", "99"][next(3) as usize],
            invalid: next(7) == 0,
            rare: next(11) == 0,
        })
        .collect()
}

/// `stageUid.dataElementUid` of a data element code, from the built package.
fn item(package: &Value, code: &str) -> String {
    let de = objects(package, "dataElements")
        .into_iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("data element {code}"));
    let stage = objects(package, "programStages")
        .into_iter()
        .find(|s| {
            s["programStageDataElements"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["dataElement"]["id"] == de["id"])
        })
        .expect("its stage");
    format!(
        "{}.{}",
        stage["id"].as_str().unwrap(),
        de["id"].as_str().unwrap()
    )
}

fn attribute(package: &Value, code: &str) -> String {
    objects(package, "trackedEntityAttributes")
        .into_iter()
        .find(|a| a["code"] == code)
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("attribute {code}"))
        .to_string()
}

/// Event analytics rows: every tumour event, plus source and follow-up events of the same
/// patients (they carry the patient's attributes but none of the tumour's fields).
fn events(package: &Value, tumours: &[Tumour]) -> Vec<Value> {
    let sex = attribute(package, "CR_SEX");
    let field = |c: &str| item(package, c);
    let mut out = Vec::new();
    for (i, t) in tumours.iter().enumerate() {
        let mut items = serde_json::Map::new();
        items.insert(sex.clone(), json!(t.sex));
        items.insert(
            field("CR_INCIDENCE_DATE"),
            json!(format!("2024-{:02}-15", i % 12 + 1)),
        );
        if let Some(age) = t.age {
            items.insert(field("CR_AGE"), json!(age));
        }
        items.insert(field("CR_BASIS_DIAGNOSIS"), json!(t.basis));
        items.insert(field("CR_TOPOGRAPHY"), json!(t.topography));
        items.insert(field("CR_ADDRESS"), json!(t.address));
        items.insert(field("CR_INVALID"), json!(u8::from(t.invalid)));
        items.insert(field("CR_RARE"), json!(u8::from(t.rare)));
        out.push(json!({"items": items, "variables": {"event_count": 1}}));
        if i % 3 == 0 {
            let mut other = serde_json::Map::new();
            other.insert(sex.clone(), json!(t.sex));
            other.insert(field("CR_SOURCE_DATE"), json!("2024-06-01"));
            out.push(json!({"items": other, "variables": {"event_count": 1}}));
        }
    }
    out
}

/// What each indicator must come to, by its definition.
fn expected(tumours: &[Tumour]) -> BTreeMap<&'static str, f64> {
    let n = |f: &dyn Fn(&Tumour) -> bool| tumours.iter().filter(|t| f(t)).count() as f64;
    let pct = |f: &dyn Fn(&Tumour) -> bool| 100.0 * n(f) / tumours.len() as f64;
    let age_in = |lo: u32, hi: u32| move |t: &Tumour| t.age.is_some_and(|a| (lo..=hi).contains(&a));
    let known_ages: Vec<u32> = tumours
        .iter()
        .filter_map(|t| t.age)
        .filter(|a| *a < 999)
        .collect();
    BTreeMap::from([
        ("CR_REG_CASES", tumours.len() as f64),
        ("CR_REG_CASES_MALE", n(&|t| t.sex == 1)),
        ("CR_REG_CASES_FEMALE", n(&|t| t.sex == 2)),
        ("CR_REG_CASES_AGE_0_14", n(&age_in(0, 14))),
        ("CR_REG_CASES_AGE_15_39", n(&age_in(15, 39))),
        ("CR_REG_CASES_AGE_40_64", n(&age_in(40, 64))),
        ("CR_REG_CASES_AGE_65_PLUS", n(&age_in(65, 998))),
        ("CR_REG_MV_PCT", pct(&|t| (5..=8).contains(&t.basis))),
        ("CR_REG_DCO_PCT", pct(&|t| t.basis == 0)),
        ("CR_REG_UNKNOWN_SITE_PCT", pct(&|t| t.topography == 809)),
        (
            "CR_REG_UNKNOWN_AGE_PCT",
            pct(&|t| t.age.is_none_or(|a| a == 999)),
        ),
        ("CR_REG_CHECKS_FAILED", n(&|t| t.invalid)),
        ("CR_REG_RARE", n(&|t| t.rare)),
        ("KE_TUMOURS_ADDRESS_UNKNOWN", n(&|t| t.address == "99")),
        (
            "KE_MEAN_AGE",
            known_ages.iter().sum::<u32>() as f64 / known_ages.len() as f64,
        ),
    ])
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

#[test]
fn registry_indicators_count_what_their_definitions_say() {
    let package = built_package();
    let tumours = tumours();
    let events = events(&package, &tumours);
    let indicators: Vec<&Value> = objects(&package, "programIndicators");
    assert_eq!(
        indicators.len(),
        15,
        "13 registry indicators and 2 of the country's"
    );
    let mut texts = Vec::new();
    for pi in &indicators {
        texts.push(pi["expression"].as_str().unwrap().to_string());
        texts.push(pi["filter"].as_str().unwrap_or("true").to_string());
    }
    let values =
        common::expression_parser::evaluate("PROGRAM_INDICATOR_EXPRESSION", &texts, &events);
    let expected = expected(&tumours);
    for (i, pi) in indicators.iter().enumerate() {
        let code = pi["code"].as_str().unwrap();
        let (value, filter) = (&values[2 * i], &values[2 * i + 1]);
        // Event analytics: the rows the filter keeps, then the aggregation over their values.
        let kept: Vec<f64> = value
            .iter()
            .zip(filter)
            .filter(|(_, f)| **f == json!(true))
            .filter_map(|(v, _)| number(v))
            .collect();
        let got = match pi["aggregationType"].as_str().unwrap() {
            "COUNT" => kept.len() as f64,
            "SUM" => kept.iter().sum(),
            "AVERAGE" => kept.iter().sum::<f64>() / kept.len() as f64,
            other => panic!("{code}: aggregation {other} not covered"),
        };
        let want = expected[code];
        assert!(
            (got - want).abs() < 1e-9,
            "{code}: analytics would report {got}, the definition gives {want}"
        );
        assert!(want > 0.0, "{code}: the data set must exercise it");
    }
}
