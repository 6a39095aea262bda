//! Benchmark (issue 17): `crtk build`, `crtk validate` and `crtk diff` against the JSON floor
//! (serde_json parsing the output into a `Value`), at 1k, 20k, 50k and 100k areas.
//!
//! Run: `cargo bench --bench scale` (sizes: `CRTK_BENCH_AREAS=1000,20000`; runs per figure:
//! `CRTK_BENCH_RUNS`, default 5; `CRTK_BENCH_KEEP=1` keeps the files, for profiling). Every figure is the real binary in a child process under
//! `/usr/bin/time`, CPU time (user + sys, median of the runs) and peak RSS; the floor runs in a
//! child too (this bench binary with `floor FILE...`), in the same run, on the same files.
//! Synthetic 4-level countries (10 regions, 100 districts, up to 1,000 sectors, villages) on the
//! official NCD_CR 1.0.1 package ([`BASE`]). The diff compares two builds whose village names
//! differ for 1% of the areas.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The base every synthetic country builds on, relative to the repository root.
const BASE: &str = "../shared/reference-packages/ncd-cr-official/NCD_CR_1.0.1_DHIS2.42.4-en.json";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("floor") {
        floor(&args[2..]);
        return;
    }
    let sizes: Vec<usize> = std::env::var("CRTK_BENCH_AREAS")
        .unwrap_or_else(|_| "1000,20000,50000,100000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("CRTK_BENCH_AREAS: numbers"))
        .collect();
    let runs: usize = std::env::var("CRTK_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = root.join(BASE);
    // The base lives outside each synthetic country's folder: allow its folder, as a user would.
    let allow = base.parent().unwrap().to_path_buf();
    let dir = std::env::temp_dir().join(format!("crtk-bench-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let me = std::env::current_exe().unwrap();
    let crtk = PathBuf::from(env!("CARGO_BIN_EXE_crtk"));

    println!(
        "base: {BASE}; CPU time (user+sys), median of {runs}; floor = serde_json into a Value"
    );
    println!(
        "| areas | build s | floor s | build ×floor | validate s | validate ×floor | diff s | floor(2) s | diff ×floor | diff peak RSS | floor peak RSS | RSS ×floor |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for &areas in &sizes {
        let here = dir.join(areas.to_string());
        let (old_config, new_config) = write_country(&here, areas, &base);
        let (old_out, new_out) = (here.join("old"), here.join("new"));
        let build = measure(runs, || {
            let mut c = crtk_command(&crtk, &allow);
            c.arg("build").arg(&old_config).arg("--out").arg(&old_out);
            c
        });
        run_ok(
            crtk_command(&crtk, &allow)
                .arg("build")
                .arg(&new_config)
                .arg("--out")
                .arg(&new_out),
        );
        let old_json = only_json(&old_out);
        let new_json = only_json(&new_out);
        let floor_one = measure(runs, || {
            let mut c = Command::new(&me);
            c.arg("floor").arg(&old_json);
            c
        });
        let validate = measure(runs, || {
            let mut c = crtk_command(&crtk, &allow);
            c.args(["validate", "--format", "json"]).arg(&old_json);
            c
        });
        let diff = measure(runs, || {
            let mut c = crtk_command(&crtk, &allow);
            c.args(["diff", "--format", "json"])
                .arg(&old_json)
                .arg(&new_json);
            c
        });
        let floor_two = measure(runs, || {
            let mut c = Command::new(&me);
            c.arg("floor").arg(&old_json).arg(&new_json);
            c
        });
        println!(
            "| {} | {:.2} | {:.2} | {:.1} | {:.2} | {:.1} | {:.2} | {:.2} | {:.1} | {} MiB | {} MiB | {:.2} |",
            label(areas),
            build.cpu,
            floor_one.cpu,
            build.cpu / floor_one.cpu,
            validate.cpu,
            validate.cpu / floor_one.cpu,
            diff.cpu,
            floor_two.cpu,
            diff.cpu / floor_two.cpu,
            diff.rss_kib / 1024,
            floor_two.rss_kib / 1024,
            diff.rss_kib as f64 / floor_two.rss_kib as f64,
        );
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("machine load average: {}", load.trim());
    if std::env::var_os("CRTK_BENCH_KEEP").is_some() {
        println!("inputs and outputs kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The floor: parse every file into a `serde_json::Value` (kept until exit, as a tool would).
fn floor(files: &[String]) {
    let values: Vec<serde_json::Value> = files
        .iter()
        .map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap())
        .collect();
    assert!(values.iter().all(|v| v.is_object()));
    std::mem::forget(values);
}

/// CPU seconds (median) and peak RSS (largest) of several runs.
struct Figure {
    cpu: f64,
    rss_kib: u64,
}

fn measure(runs: usize, command: impl Fn() -> Command) -> Figure {
    let mut cpu = Vec::new();
    let mut rss = 0;
    for _ in 0..runs {
        let stats = std::env::temp_dir().join(format!("crtk-bench-time-{}", std::process::id()));
        let inner = command();
        let mut timed = Command::new("/usr/bin/time");
        timed
            .arg("-o")
            .arg(&stats)
            .arg("-f")
            .arg("%U %S %M")
            .arg(inner.get_program())
            .args(inner.get_args());
        for (key, value) in inner.get_envs() {
            if let Some(value) = value {
                timed.env(key, value);
            }
        }
        run_ok(&mut timed);
        let text = std::fs::read_to_string(&stats).unwrap();
        let fields: Vec<&str> = text.split_whitespace().collect();
        let user: f64 = fields[fields.len() - 3].parse().unwrap();
        let sys: f64 = fields[fields.len() - 2].parse().unwrap();
        rss = rss.max(fields[fields.len() - 1].parse::<u64>().unwrap());
        cpu.push(user + sys);
    }
    cpu.sort_by(f64::total_cmp);
    Figure {
        cpu: cpu[cpu.len() / 2].max(0.005),
        rss_kib: rss,
    }
}

/// crtk with the base's folder allowed (`CRTK_ALLOW_PATH`).
fn crtk_command(crtk: &Path, allow: &Path) -> Command {
    let mut command = Command::new(crtk);
    command.env("CRTK_ALLOW_PATH", allow);
    command
}

fn run_ok(command: &mut Command) {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn only_json(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".json") && !name.ends_with(".canreg5-mapping.json")
        })
        .unwrap()
}

fn label(areas: usize) -> String {
    if areas.is_multiple_of(1000) {
        format!("{}k", areas / 1000)
    } else {
        areas.to_string()
    }
}

/// Two configs on `base`: the country, and the same with 1% of the village names edited.
fn write_country(dir: &Path, total: usize, base: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    const REGIONS: usize = 10;
    const DISTRICTS: usize = 100;
    let sectors = (total / 10).clamp(DISTRICTS, 1000);
    let leaves = total - REGIONS - DISTRICTS - sectors;
    let header = "r_code,r_name,d_code,d_name,s_code,s_name,v_code,v_name\n";
    let (mut old, mut new) = (String::from(header), String::from(header));
    let mut written = 0;
    for s in 0..sectors {
        let d = s * DISTRICTS / sectors;
        let (r, d_in_r) = (d / 10, d % 10);
        let s_in_d = s - (d * sectors).div_ceil(DISTRICTS);
        let here = leaves / sectors + usize::from(s < leaves % sectors);
        for v in 0..here {
            let r_code = 10 + r;
            let row = format!(
                "{r_code},Région {r} « Nord »,{r_code}{d_in_r:02},District {r}-{d_in_r},{r_code}{d_in_r:02}{s_in_d:02},Sector {s},{r_code}{d_in_r:02}{s_in_d:02}{v:02},"
            );
            let name = format!("Village {s}/{v} 'Umudugudu'");
            writeln!(old, "{row}{name}").unwrap();
            if written % 100 == 42 {
                writeln!(new, "{row}{name} (renamed)").unwrap();
            } else {
                writeln!(new, "{row}{name}").unwrap();
            }
            written += 1;
        }
    }
    assert_eq!(written, leaves);
    let config = |csv: &str| {
        format!(
            "country: {{ code: BN, name: Benchland }}\npackage:\n  version: 1.0.1-bn.1\n  base: {}\nvalidate:\n  allow_placeholders: true\naddress:\n  code_length: 8\n  levels: [Region, District, Sector, Village]\n  areas:\n    csv:\n      file: {csv}\n      columns:\n        Region: {{ code: r_code, name: r_name }}\n        District: {{ code: d_code, name: d_name }}\n        Sector: {{ code: s_code, name: s_name }}\n        Village: {{ code: v_code, name: v_name }}\n",
            base.display()
        )
    };
    std::fs::write(dir.join("old.csv"), old).unwrap();
    std::fs::write(dir.join("new.csv"), new).unwrap();
    let (a, b) = (dir.join("old.yaml"), dir.join("new.yaml"));
    std::fs::write(&a, config("old.csv")).unwrap();
    std::fs::write(&b, config("new.csv")).unwrap();
    (a, b)
}
