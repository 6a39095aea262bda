//! Mutation fuzzing of every input reader (issue 15, item 8), on stable Rust, no extra crates.
//!
//! Each entry point takes a real seed (the shipped samples, the reference packages, the official
//! NCD_CR rules), mutates it (byte flips, cuts, repeats, splices of hostile tokens such as `[`,
//! `&a`/`*a`, NUL, BOM, quotes, `d2:`, huge counts) and feeds it to the reader. A panic is a
//! finding: the input is saved under `target/fuzz-findings/` and the test fails. A stack overflow
//! or an abort kills the test binary, which fails it too; an input running over 120 s (wall clock, so generous on a loaded machine) is saved and
//! aborts the run (a hang).
//!
//! `cargo test --test fuzz` runs a short budget (about 2 s per entry point). By hand:
//! `CRTK_FUZZ_SECS=600 cargo test --release --test fuzz -- --nocapture --test-threads 1`
//! (`CRTK_FUZZ_SEED` picks another sequence). Each entry point prints runs and inputs/s.

use crtk::config::{CountryConfig, LoadedConfig};
use crtk::package::Package;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// xorshift64*: deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"[",
    b"]",
    b"{",
    b"}",
    b"(",
    b")",
    b"\"",
    b"'",
    b",",
    b":",
    b": ",
    b"\n",
    b"\r\n",
    b"\t",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF",
    b"&a ",
    b"*a",
    b"<<: *a",
    b"- ",
    b"? ",
    b"!!binary ",
    b"#",
    b"d2:hasValue(",
    b"#{",
    b"A{",
    b"V{",
    b"C{",
    b"!",
    b"&&",
    b"||",
    b"==",
    b"-1",
    b"99999999999999999999",
    b"1e999",
    b"null",
    b"true",
    b"=cmd",
    b"..",
    b"../../etc/passwd",
    b"/dev/zero",
    b"uniqueCount=\"4294967295\"",
    b"r=\"XFD1048576\"",
    b"<c r=\"A1\">",
    b"\\u0000",
    b"\x1b[31m",
    b"\x07",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(8) {
        let len = data.len();
        let at = rng.below(len + 1);
        match rng.below(8) {
            0 if len > 0 => data[at.min(len - 1)] ^= 1 << rng.below(8),
            1 if len > 0 => data[at.min(len - 1)] = rng.next() as u8,
            2 => {
                let n = rng.below(64).min(len - at);
                data.drain(at..at + n);
            }
            3 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            4 => {
                // Repeat a token many times (nesting, long chains).
                let token = TOKENS[rng.below(TOKENS.len())];
                let times = 1 + rng.below(5000);
                let block: Vec<u8> = token
                    .iter()
                    .copied()
                    .cycle()
                    .take(token.len() * times)
                    .collect();
                data.splice(at..at, block);
            }
            5 if len > 0 => {
                // Duplicate a slice (repeated keys, rows).
                let n = rng.below(256).min(len - at);
                let slice = data[at..at + n].to_vec();
                data.splice(at..at, slice);
            }
            6 => data.truncate(at),
            _ => {
                let n = rng.below(16);
                for _ in 0..n {
                    let b = rng.next() as u8;
                    data.insert(at.min(data.len()), b);
                }
            }
        }
    }
    data
}

fn budget() -> Duration {
    let secs = std::env::var("CRTK_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(secs)
}

fn seed_value() -> u64 {
    std::env::var("CRTK_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_abcd_0001)
}

fn findings_dir() -> PathBuf {
    let dir = root().join("target/fuzz-findings");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crtk-fuzz-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `target` on mutations of `seeds` for the budget; panics (failing the test) on findings.
fn fuzz(name: &str, seeds: &[Vec<u8>], target: impl Fn(&[u8])) {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let mut rng = Rng(seed_value()
        ^ name.bytes().fold(0xcbf29ce484222325, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        }));
    let current: &'static Mutex<Vec<u8>> = Box::leak(Box::new(Mutex::new(Vec::new())));
    let started_at: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
    let epoch = Instant::now();
    let done: &'static std::sync::atomic::AtomicBool = Box::leak(Box::new(false.into()));
    let watchdog_name = name.to_string();
    // The hang watchdog: one input may take at most 120 s.
    std::thread::spawn(move || {
        while !done.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(500));
            let started = started_at.load(Ordering::SeqCst);
            if started > 0 && (epoch.elapsed().as_millis() as u64).saturating_sub(started) > 120_000
            {
                let path = findings_dir().join(format!("{watchdog_name}-hang.bin"));
                let _ = std::fs::write(&path, &*current.lock().unwrap());
                eprintln!(
                    "fuzz {watchdog_name}: an input ran over 120 s: saved {}",
                    path.display()
                );
                std::process::abort();
            }
        }
    });
    let limit = budget();
    let start = Instant::now();
    let mut runs = 0u64;
    let mut findings = Vec::new();
    // Seeds first, as they are, then mutations.
    while runs < seeds.len() as u64 || start.elapsed() < limit {
        let input = if (runs as usize) < seeds.len() {
            seeds[runs as usize].clone()
        } else {
            let pick = rng.below(seeds.len());
            mutate(&mut rng, &seeds[pick])
        };
        *current.lock().unwrap_or_else(|e| e.into_inner()) = input.clone();
        started_at.store(epoch.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&input)));
        started_at.store(0, Ordering::SeqCst);
        runs += 1;
        if result.is_err() {
            let path = findings_dir().join(format!("{name}-{runs}.bin"));
            std::fs::write(&path, &input).unwrap();
            findings.push(path);
            if findings.len() >= 20 {
                break;
            }
        }
    }
    done.store(true, Ordering::SeqCst);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "fuzz {name}: {runs} runs in {secs:.1} s ({:.0} inputs/s), {} finding(s)",
        runs as f64 / secs,
        findings.len()
    );
    assert!(findings.is_empty(), "{name}: panics on {findings:?}");
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sample_configs() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root().join("country-configs")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.push(path.join("country.yaml"));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn config_loader() {
    let seeds: Vec<Vec<u8>> = sample_configs().iter().map(|p| read(p)).collect();
    fuzz("config", &seeds, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = CountryConfig::from_yaml(&text, Path::new("fuzz.yaml"));
    });
}

/// A data reader: the sample config `config`'s address, with its data file replaced.
fn data_reader(name: &str, config: &str, seed_files: &[Vec<u8>], file_name: &str) {
    let loaded = LoadedConfig::load(&root().join(config)).unwrap();
    let address = loaded
        .config
        .address
        .clone()
        .expect("the sample has an address");
    let dir = scratch(name);
    let config_path = dir.join("country.yaml");
    let data = dir.join(file_name);
    fuzz(name, seed_files, |bytes| {
        std::fs::write(&data, bytes).unwrap();
        let _ = crtk::config::areas::load(&address, &config_path);
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn areas_csv() {
    let seeds = vec![
        read(&root().join("country-configs/chile/provinces.csv")),
        read(&root().join("country-configs/maldives/islands.csv")),
    ];
    data_reader(
        "areas-csv",
        "country-configs/chile/country.yaml",
        &seeds,
        "provinces.csv",
    );
}

#[test]
fn canreg5_dictionary() {
    let seeds = vec![read(
        &root().join("country-configs/zimbabwe/address-dictionary.txt"),
    )];
    data_reader(
        "canreg5",
        "country-configs/zimbabwe/country.yaml",
        &seeds,
        "address-dictionary.txt",
    );
}

/// Every part of a workbook, so mutations can work on the XML instead of the compressed bytes.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
            (name, data)
        })
        .collect()
}

fn rezip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in parts {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// XLSX readers: mutate either the zip bytes or one XML part (then zip again).
fn fuzz_xlsx(name: &str, seed: Vec<u8>, target: impl Fn(&[u8])) {
    let parts = unzip(&seed);
    let xml_parts: Vec<usize> = (0..parts.len())
        .filter(|&i| parts[i].0.contains("sheet") || parts[i].0.contains("sharedStrings"))
        .collect();
    let rng = Mutex::new(Rng(seed_value()));
    fuzz(name, std::slice::from_ref(&seed), |bytes| {
        let mut rng = rng.lock().unwrap_or_else(|e| e.into_inner());
        if rng.below(4) == 0 || xml_parts.is_empty() {
            target(bytes);
        } else {
            // The mutated bytes are a mutation of the seed zip; use them as a source of randomness
            // for an XML-level mutation instead.
            let mut parts = parts.clone();
            let i = xml_parts[rng.below(xml_parts.len())];
            parts[i].1 = mutate(&mut rng, &parts[i].1);
            target(&rezip(&parts));
        }
    });
}

#[test]
fn areas_xlsx() {
    // The Chile provinces as a workbook, read through the `xlsx:` source.
    let csv = String::from_utf8(read(&root().join("country-configs/chile/provinces.csv"))).unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    let seed = workbook.save_to_buffer().unwrap();
    let yaml = "country: { code: CL, name: Chile }\npackage: { version: 1.0.1-cl.1 }\naddress:\n  levels: [Región, Provincia]\n  areas:\n    xlsx:\n      file: areas.xlsx\n      columns:\n        Región: { code: region_code, name: region_name }\n        Provincia: { code: province_code, name: province_name }\n";
    let config = CountryConfig::from_yaml(yaml, Path::new("c.yaml")).unwrap();
    let address = config.address.unwrap();
    let dir = scratch("areas-xlsx");
    let data = dir.join("areas.xlsx");
    let config_path = dir.join("c.yaml");
    fuzz_xlsx("areas-xlsx", seed, |bytes| {
        std::fs::write(&data, bytes).unwrap();
        let _ = crtk::config::areas::load(&address, &config_path);
    });
}

#[test]
fn translations_csv() {
    let dir = scratch("sheets-csv");
    let csv_seed = read(&root().join("country-configs/chile/translations/es.csv"));
    let csv = dir.join("es.csv");
    fuzz("translations-csv", &[csv_seed], |bytes| {
        std::fs::write(&csv, bytes).unwrap();
        let _ = crtk::translations::read(&csv, "en", "es");
    });
}

#[test]
fn translations_yaml() {
    let dir = scratch("sheets-yaml");
    let yaml = dir.join("es.yaml");
    let yaml_seed = b"dataElements:\n  xcUBzN5QFXu:\n    name: Direccion\n    formName: Direccion\noptions:\n  abc:\n    name: x\n".to_vec();
    fuzz("translations-yaml", &[yaml_seed], |bytes| {
        std::fs::write(&yaml, bytes).unwrap();
        let _ = crtk::translations::read(&yaml, "en", "es");
    });
}

#[test]
fn translations_xlsx() {
    let dir = scratch("sheets-xlsx");
    let xlsx = dir.join("fr.xlsx");
    let xlsx_seed = read(&root().join("country-configs/rwanda/translations/fr.xlsx"));
    fuzz_xlsx("translations-xlsx", xlsx_seed, |bytes| {
        std::fs::write(&xlsx, bytes).unwrap();
        let _ = crtk::translations::read(&xlsx, "en", "fr");
    });
}

#[test]
fn package_loader_and_validator() {
    // Small real packages whole (validation included); the official one is loaded only, as
    // validating it per input would take most of the budget.
    let reference = root().join("../shared/reference-packages");
    let mut seeds = Vec::new();
    for name in [
        "AEFI_TRACKER_V1.1.2_DHIS2.35.3.json",
        "HIV_CS_TRK_0.1.0_DHIS2.34.6-en.json",
    ] {
        let path = reference.join(name);
        if path.exists() {
            seeds.push(read(&path));
        }
    }
    let package = reference.join("ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    let official = read(&package);
    // Cut-down slices of the official package keep validation fast: its rules and variables.
    let value: serde_json::Value = serde_json::from_slice(&official).unwrap();
    let mut small = serde_json::Map::new();
    for kind in [
        "programRules",
        "programRuleActions",
        "programRuleVariables",
        "optionSets",
    ] {
        small.insert(kind.into(), value[kind].clone());
    }
    seeds.push(serde_json::to_vec_pretty(&serde_json::Value::Object(small)).unwrap());
    let options = crtk::validate::Options::default();
    fuzz("package", &seeds, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(package) = Package::from_json(&text, Path::new("fuzz.json")) {
            let _ = crtk::validate::validate(&package, &options, "fuzz.json");
        }
    });
}

#[test]
fn expression_parser() {
    let package =
        root().join("../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json");
    let value: serde_json::Value = serde_json::from_slice(&read(&package)).unwrap();
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for rule in value["programRules"].as_array().unwrap() {
        if let Some(c) = rule["condition"].as_str() {
            seeds.push(c.as_bytes().to_vec());
        }
    }
    for action in value["programRuleActions"].as_array().unwrap() {
        if let Some(d) = action["data"].as_str().filter(|d| !d.is_empty()) {
            seeds.push(d.as_bytes().to_vec());
        }
    }
    let store = crtk::expression::ItemStore::new();
    fuzz("expression", &seeds, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = crtk::expression::check(&text, crtk::expression::ExpressionKind::Condition, &store);
        let _ = crtk::expression::variables_used(&text);
        let _ = crtk::expression::longest_flat_chain(&text);
    });
}
