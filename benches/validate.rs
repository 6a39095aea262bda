//! Benchmark: validating a 50,000-area country build against parsing the same file.
//!
//! Run: `cargo bench --bench validate`. The package is the shipped base plus a synthetic
//! two-level address cascade built the way a country build does it (DOMAIN.md §3-4): a region
//! option set (500 regions), a district option set (50,000 areas, CanReg5-style 5-character
//! codes = 2-char region + 3-char district), one option group per region and one
//! SHOWOPTIONGROUP rule per region. It reports the median of several runs of:
//! `serde_json::from_str::<Value>` on the canonical text, and `crtk::validate::validate` on the
//! parsed package (plus, for information, parse + load + validate end to end).

use crtk::package::{Package, to_canonical_string};
use crtk::validate::{AddressRule, Options, validate};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

const REGIONS: usize = 500;
const PER_REGION: usize = 100;
const PROGRAM: &str = "Cg4hl9AAs0X";
const TUMOR_STAGE: &str = "A6GMBDjJ98d";

fn uid(prefix: char, n: usize) -> String {
    format!("{prefix}{n:010}")
}

fn sharing() -> Value {
    json!({"external": false, "owner": "vUeLeQMSwhN", "public": "r-------", "userGroups": {}, "users": {}})
}

fn synthetic() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("base-package/NCD_CR/NCD_CR.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // A country build replaces the base's placeholder options.
    for option in v["options"].as_array_mut().unwrap() {
        let name = option["name"].as_str().unwrap().to_string();
        if name.starts_with("Placeholder - ") {
            option["name"] = json!(name.replace("Placeholder - ", "Source "));
            let code = option["code"]
                .as_str()
                .unwrap()
                .replace("PLACEHOLDER", "SRC");
            option["code"] = json!(code);
        }
    }
    let mut options = Vec::new();
    let mut region_refs = Vec::new();
    let mut district_refs = Vec::new();
    let mut groups = Vec::new();
    let mut rules = Vec::new();
    let mut actions = Vec::new();
    for r in 0..REGIONS {
        let rcode = format!("{:02}", r % 100) + &((b'A' + (r / 100) as u8) as char).to_string();
        let rid = uid('R', r);
        options.push(
            json!({"id": rid, "code": rcode, "name": format!("Region {rcode}"), "sortOrder": r + 1,
            "optionSet": {"id": "RegionSet01"}, "sharing": sharing(), "translations": []}),
        );
        region_refs.push(json!({"id": rid}));
        let mut members = Vec::new();
        for d in 0..PER_REGION {
            let n = r * PER_REGION + d;
            let id = uid('D', n);
            let code = format!("{rcode}{d:02}");
            options.push(json!({"id": id, "code": code, "name": format!("District {code}"), "sortOrder": n + 1,
                "optionSet": {"id": "DistrictS01"}, "sharing": sharing(), "translations": []}));
            district_refs.push(json!({"id": id}));
            members.push(json!({"id": id}));
        }
        let gid = uid('G', r);
        groups.push(json!({"id": gid, "name": format!("Districts of {rcode}"), "shortName": format!("Districts {rcode}"),
            "optionSet": {"id": "DistrictS01"}, "options": members, "sharing": sharing(), "translations": []}));
        let rule = uid('P', r);
        let action = uid('A', r);
        rules.push(json!({"id": rule, "name": format!("Show districts of {rcode}"),
            "condition": format!("d2:hasValue(#{{region}}) && #{{region}} == '{rcode}'"),
            "program": {"id": PROGRAM}, "programRuleActions": [{"id": action}], "sharing": sharing(), "translations": []}));
        actions.push(json!({"id": action, "programRuleActionType": "SHOWOPTIONGROUP", "programRule": {"id": rule},
            "dataElement": {"id": "DistrictDe1"}, "optionGroup": {"id": gid}, "sharing": sharing()}));
    }
    v["options"].as_array_mut().unwrap().extend(options);
    for (id, name, refs) in [
        ("RegionSet01", "CR - Region", region_refs),
        ("DistrictS01", "CR - District", district_refs),
    ] {
        v["optionSets"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": id, "name": name, "valueType": "TEXT",
            "version": 1, "options": refs, "sharing": sharing(), "translations": []}));
    }
    for (id, name, set) in [
        ("RegionDe001", "CR - Region", "RegionSet01"),
        ("DistrictDe1", "CR - District", "DistrictS01"),
    ] {
        v["dataElements"].as_array_mut().unwrap().push(json!({"id": id, "name": name, "shortName": name,
            "valueType": "TEXT", "domainType": "TRACKER", "aggregationType": "NONE", "optionSet": {"id": set},
            "sharing": sharing(), "translations": []}));
        let stage = v["programStages"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|s| s["id"] == TUMOR_STAGE)
            .unwrap();
        stage["programStageDataElements"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": id.replace("De", "Ps"),
            "dataElement": {"id": id}, "compulsory": false}));
    }
    v["optionGroups"] = json!(groups);
    v["programRules"] = json!(rules);
    v["programRuleActions"] = json!(actions);
    v["programRuleVariables"] = json!([{"id": "VarRegion01", "name": "region", "program": {"id": PROGRAM},
        "programRuleVariableSourceType": "DATAELEMENT_CURRENT_EVENT", "dataElement": {"id": "RegionDe001"},
        "useCodeForOptionSet": true, "sharing": sharing(), "translations": []}]);
    v
}

/// CPU time of this thread (Linux `/proc/thread-self/schedstat`, nanoseconds on CPU): on a
/// shared machine wall-clock times mostly measure the other processes.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Runs `f`, returning (wall, cpu) durations.
fn measure<T>(f: impl FnOnce() -> T) -> (Duration, Duration) {
    let (c0, t) = (cpu_time(), Instant::now());
    std::hint::black_box(f());
    let wall = t.elapsed();
    let cpu = match (c0, cpu_time()) {
        (Some(a), Some(b)) => b - a,
        _ => wall,
    };
    (wall, cpu)
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let package = Package::from_value(synthetic()).unwrap();
    let text = to_canonical_string(&package);
    let options = Options {
        country_build: true,
        address: Some(AddressRule {
            option_set_ids: vec!["DistrictS01".into()],
            max_len: 5,
        }),
        ..Options::default()
    };
    let report = validate(&package, &options, "synthetic");
    println!(
        "package: {} bytes, {} options, {} rules; findings: {} errors, {} warnings {:?}",
        text.len(),
        package.objects("options").len(),
        package.objects("programRules").len(),
        report.errors(),
        report.warnings(),
        report.codes()
    );
    const RUNS: usize = 9;
    let (mut parse, mut check, mut end_to_end) = (Vec::new(), Vec::new(), Vec::new());
    let (mut parse_cpu, mut check_cpu, mut end_to_end_cpu) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (w, c) = measure(|| serde_json::from_str::<Value>(&text).unwrap());
        parse.push(w);
        parse_cpu.push(c);
        let (w, c) = measure(|| validate(&package, &options, "synthetic"));
        check.push(w);
        check_cpu.push(c);
        let (w, c) = measure(|| {
            let p = Package::from_json(&text, Path::new("synthetic")).unwrap();
            validate(&p, &options, "synthetic")
        });
        end_to_end.push(w);
        end_to_end_cpu.push(c);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let rows = [
        ("serde_json parse", median(parse), median(parse_cpu)),
        ("validate", median(check), median(check_cpu)),
        (
            "load + validate",
            median(end_to_end),
            median(end_to_end_cpu),
        ),
    ];
    println!("median of {RUNS} runs          wall ms    cpu ms");
    for (name, wall, cpu) in rows {
        println!("{name:<24} {:>9.1} {:>9.1}", ms(wall), ms(cpu));
    }
    println!(
        "validate / parse: {:.2} wall, {:.2} cpu (target <= 3)",
        ms(rows[1].1) / ms(rows[0].1),
        ms(rows[1].2) / ms(rows[0].2)
    );
}
