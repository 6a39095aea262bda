//! Benchmark: `crtk target report` against a ~200 MB synthetic national instance export.
//!
//! Run: `cargo bench --bench target`. The export is written to a temporary folder: the official
//! NCD_CR 1.0.0 (installed), then synthetic metadata the way a national instance's
//! `GET /api/metadata` has it (sharing, translations, attribute values, descriptions; org units
//! with polygon geometry), until the file reaches 200 MB; a gzip copy is written too. The
//! release binary is run on each under `/usr/bin/time -v` (when present) and its user + system
//! CPU time, wall time and peak RSS are printed. Not a test: nothing is asserted about time.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const TARGET_BYTES: u64 = 200 * 1000 * 1000;

fn uid(prefix: char, n: usize) -> String {
    format!("{prefix}{n:010}")
}

fn sharing(n: usize) -> String {
    format!(
        r#""sharing":{{"external":false,"owner":"{}","public":"rw------","userGroups":{{"{}":{{"id":"{}","access":"r-rw----"}}}},"users":{{}}}}"#,
        uid('U', n % 97),
        uid('G', n % 13),
        uid('G', n % 13)
    )
}

fn translations(name: &str) -> String {
    format!(
        r#""translations":[{{"locale":"fr","property":"NAME","value":"{name} (fr)"}},{{"locale":"es","property":"NAME","value":"{name} (es)"}},{{"locale":"pt","property":"SHORT_NAME","value":"{name} (pt)"}}]"#
    )
}

fn common(kind: char, n: usize, name: &str) -> String {
    format!(
        r#""id":"{}","name":"{name}","shortName":"{}","code":"{kind}_{n}","created":"2019-03-01T10:00:00.000","lastUpdated":"2024-06-01T10:00:00.000","description":"Synthetic {name}, as a national instance describes its metadata for data managers.","attributeValues":[{{"value":"{n}","attribute":{{"id":"AttrAbcdef1"}}}}],{},{}"#,
        uid(kind, n),
        &name[..name.len().min(50)],
        sharing(n),
        translations(name)
    )
}

/// Writes the export; returns its path and the number of synthetic objects.
fn write_export(dir: &Path) -> (PathBuf, usize) {
    let path = dir.join("instance.json");
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).unwrap());
    // The installed package's arrays, then synthetic ones of the same types.
    let ncd = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.0_DHIS2.42.4-en.json");
    let installed: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(ncd).unwrap()).unwrap();
    out.write_all(br#"{"system":{"version":"2.42.4","date":"2026-06-01T00:00:00.000"}"#)
        .unwrap();
    let mut written: u64 = 0;
    let mut n = 0usize;
    let kinds = [
        ('D', "dataElements"),
        ('O', "options"),
        ('S', "optionSets"),
        ('A', "trackedEntityAttributes"),
        ('R', "programRules"),
        ('I', "programIndicators"),
        ('L', "organisationUnits"),
    ];
    // Installed types without synthetic objects as they are; the others hold both.
    for (kind, items) in &installed {
        if items.is_array() && !kinds.iter().any(|(_, k)| k == kind) {
            write!(out, ",\"{kind}\":").unwrap();
            serde_json::to_writer(&mut out, items).unwrap();
        }
    }
    let per_kind = 25_000usize;
    for (prefix, kind) in kinds {
        write!(out, ",\"{kind}\":[").unwrap();
        let mut first = true;
        if let Some(items) = installed.get(kind).and_then(|v| v.as_array()) {
            for item in items {
                if !first {
                    out.write_all(b",").unwrap();
                }
                first = false;
                serde_json::to_writer(&mut out, item).unwrap();
            }
        }
        let mut i = 0;
        // Org units (with geometry, the bulk of a real export) fill the file up to TARGET_BYTES.
        while if kind == "organisationUnits" {
            written < TARGET_BYTES
        } else {
            i < per_kind
        } {
            let name = format!("National {kind} {i} of the synthetic instance");
            let mut text = String::from("{");
            text.push_str(&common(prefix, i, &name));
            match kind {
                "dataElements" => text.push_str(&format!(
                    r#","valueType":"TEXT","domainType":"TRACKER","aggregationType":"NONE","categoryCombo":{{"id":"bjDvmb4bfuf"}},"optionSet":{{"id":"{}"}}"#,
                    uid('S', i % per_kind)
                )),
                "options" => text.push_str(&format!(
                    r#","sortOrder":{},"optionSet":{{"id":"{}"}}"#,
                    i % 30,
                    uid('S', i / 30)
                )),
                "optionSets" => {
                    let options: Vec<String> = (0..12)
                        .map(|k| format!(r#"{{"id":"{}"}}"#, uid('O', (i * 12 + k) % per_kind)))
                        .collect();
                    text.push_str(&format!(
                        r#","valueType":"TEXT","version":3,"options":[{}]"#,
                        options.join(",")
                    ));
                }
                "programRules" => text.push_str(&format!(
                    r##","condition":"d2:hasValue(#{{v{i}}}) && #{{v{i}}} > 10 && d2:yearsBetween(A{{dob}}, V{{current_date}}) < 5","program":{{"id":"Prog0000001"}},"programRuleActions":[{{"id":"{}"}}]"##,
                    uid('X', i)
                )),
                "organisationUnits" => {
                    let ring: Vec<String> = (0..60)
                        .map(|k| {
                            let a = k as f64 * 0.1047;
                            format!("[{:.6},{:.6}]", 30.0 + a.cos() + i as f64 * 1e-4, -1.9 + a.sin())
                        })
                        .collect();
                    text.push_str(&format!(
                        r#","level":4,"path":"/Root000001/{}","openingDate":"1970-01-01T00:00:00.000","parent":{{"id":"{}"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}"#,
                        uid('L', i),
                        uid('L', i / 20),
                        ring.join(",")
                    ));
                }
                _ => text.push_str(r#","valueType":"TEXT""#),
            }
            text.push('}');
            if !first {
                out.write_all(b",").unwrap();
            }
            first = false;
            out.write_all(text.as_bytes()).unwrap();
            written += text.len() as u64 + 1;
            i += 1;
            n += 1;
        }
        out.write_all(b"]").unwrap();
    }
    out.write_all(b"}").unwrap();
    out.flush().unwrap();
    (path, n)
}

fn run(label: &str, config: &Path, export: &Path) {
    let bin = env!("CARGO_BIN_EXE_crtk");
    let time = Path::new("/usr/bin/time");
    let started = Instant::now();
    let output = if time.exists() {
        Command::new(time)
            .arg("-v")
            .arg(bin)
            .args(["target", "report"])
            .arg(config)
            .arg("--target")
            .arg(export)
            .args(["--format", "json"])
            .output()
            .unwrap()
    } else {
        Command::new(bin)
            .args(["target", "report"])
            .arg(config)
            .arg("--target")
            .arg(export)
            .args(["--format", "json"])
            .output()
            .unwrap()
    };
    let wall = started.elapsed();
    let code = output.status.code();
    assert!(
        matches!(code, Some(0) | Some(1)),
        "crtk failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let field = |key: &str| {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| "?".into())
    };
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    println!(
        "{label}: wall {:.2} s, user {} s, system {} s, peak RSS {} kB; {} target objects, {} conflicts",
        wall.as_secs_f64(),
        field("User time (seconds):"),
        field("System time (seconds):"),
        field("Maximum resident set size (kbytes):"),
        report["target_objects"],
        report["conflicts"].as_array().map(Vec::len).unwrap_or(0)
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing of ours: run only for bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("crtk-bench-target-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let started = Instant::now();
    let (export, synthetic) = write_export(&dir);
    let size = std::fs::metadata(&export).unwrap().len();
    println!(
        "export: {:.1} MB, {synthetic} synthetic objects plus NCD_CR 1.0.0 ({:.1} s to write)",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let gz = dir.join("instance.json.gz");
    {
        let mut enc = flate2::write::GzEncoder::new(
            BufWriter::new(std::fs::File::create(&gz).unwrap()),
            flate2::Compression::fast(),
        );
        std::io::copy(&mut std::fs::File::open(&export).unwrap(), &mut enc).unwrap();
        enc.finish().unwrap().flush().unwrap();
    }
    println!(
        "gzip: {:.1} MB",
        std::fs::metadata(&gz).unwrap().len() as f64 / 1e6
    );
    let config = dir.join("country.yaml");
    std::fs::write(
        &config,
        format!(
            "country: {{code: XX, name: Exampleland}}\npackage:\n  version: 1.0.1-xx.1\n  base: {}\nvalidate:\n  allow_placeholders: true\n",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json")
                .display()
        ),
    )
    .unwrap();
    run("plain JSON", &config, &export);
    run("gzip", &config, &gz);
    std::fs::remove_dir_all(&dir).unwrap();
}
