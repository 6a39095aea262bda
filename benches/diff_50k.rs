//! Benchmark: `crtk diff` of two 50,000-area country builds against Python's deepdiff
//! (`DeepDiff(a, b, ignore_order=True)`) on the same two files, in the same run.
//!
//! Run: `cargo bench --bench diff_50k` (needs python3 with `pip install deepdiff`; without it only
//! crtk is timed). DeepDiff is given `CRTK_BENCH_DEEPDIFF_TIMEOUT` seconds (default 3600); when it
//! has not finished by then it is stopped and the speed-up is reported as a lower bound. The address adapter (branch `adapt`) has not landed, so the 50,000 areas are
//! generated here as options of the base's Address option set, the way that adapter writes them
//! (tests/diff_support/areas.rs). Edits between the two builds: 500 areas renamed, 200 added,
//! 100 removed, 1,000 French translations added, one source type renamed.

#[path = "../tests/diff_support/areas.rs"]
mod areas;

use areas::*;
use crtk::diff::{DiffOptions, Format, RenderOptions, diff, render};
use crtk::package::{Package, to_canonical_string};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const AREAS: usize = 50_000;
const RUNS: usize = 5;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("crtk-bench-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (old_path, new_path) = (dir.join("old.json"), dir.join("new.json"));

    let built = crtk::build::build(
        &root.join("country-configs/example.yaml"),
        &Default::default(),
    )
    .unwrap();
    let mut old = built.package;
    let mut uids = uids(&old, "XX");
    let all = synthetic_areas(AREAS + 200);
    replace_options(&mut old, &mut uids, ADDRESS_SET, "address", &all[..AREAS]);
    let mut new = old.clone();
    for (i, (code, name)) in all[..AREAS].iter().enumerate() {
        if i % 100 == 7 {
            rename_option(&mut new, ADDRESS_SET, code, &format!("{name} (renamed)"));
        }
    }
    for (code, _) in all[..AREAS].iter().step_by(500) {
        remove_option(&mut new, ADDRESS_SET, code);
    }
    for (code, name) in &all[AREAS..] {
        add_option(&mut new, &mut uids, ADDRESS_SET, "address", code, name);
    }
    let translated: Vec<String> = new
        .objects("options")
        .iter()
        .filter(|o| o["optionSet"]["id"] == ADDRESS_SET)
        .step_by(50)
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    for id in &translated {
        set_translation(&mut new, "options", id, "fr", "NAME", "Zone (fr)");
    }
    rename_option(&mut new, SOURCE_TYPE_SET, "PLACEHOLDER_1", "Hospital");
    std::fs::write(&old_path, to_canonical_string(&old)).unwrap();
    std::fs::write(&new_path, to_canonical_string(&new)).unwrap();
    let size = |p: &Path| std::fs::metadata(p).unwrap().len() as f64 / 1e6;
    println!(
        "inputs: {} ({:.1} MB, {} options) and {} ({:.1} MB, {} options)",
        old_path.display(),
        size(&old_path),
        old.objects("options").len(),
        new_path.display(),
        size(&new_path),
        new.objects("options").len()
    );

    // crtk in-process: load both files, diff, render JSON (median of RUNS).
    let cpu_before = cpu_seconds();
    let mut in_process = Vec::new();
    let mut diff_only = Vec::new();
    let mut objects = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let a = Package::load(&old_path).unwrap();
        let b = Package::load(&new_path).unwrap();
        let loaded = Instant::now();
        let d = diff(&a, &b, &DiffOptions::default());
        let diffed = Instant::now();
        let json = render(&d, Format::Json, &RenderOptions::default());
        in_process.push(start.elapsed());
        diff_only.push(diffed - loaded);
        objects = d.objects.len();
        assert!(json.len() > 1000);
    }
    let cpu_in_process = cpu_seconds()
        .zip(cpu_before)
        .map(|(a, b)| (a.0 - b.0) / RUNS as f64);
    // crtk binary end to end (process start, load, diff, JSON to a pipe).
    let children_before = cpu_seconds();
    let mut binary = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_crtk"))
            .args(["diff", "--format", "json"])
            .arg(&old_path)
            .arg(&new_path)
            .output()
            .unwrap();
        binary.push(start.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let cpu_binary = cpu_seconds()
        .zip(children_before)
        .map(|(a, b)| (a.1 - b.1) / RUNS as f64);
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    let (crtk_total, crtk_diff, crtk_binary) = (
        median(&mut in_process),
        median(&mut diff_only),
        median(&mut binary),
    );
    println!("crtk: {objects} objects reported");
    println!(
        "crtk in-process load+diff+json: {crtk_total:.3} s (diff alone {crtk_diff:.3} s), median of {RUNS}"
    );
    println!("crtk binary `crtk diff --format json`: {crtk_binary:.3} s, median of {RUNS}");
    if let (Some(a), Some(b)) = (cpu_in_process, cpu_binary) {
        println!("crtk CPU time (user+sys) per run: in-process {a:.3} s, binary {b:.3} s");
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("machine load average: {}", load.trim());

    let limit: u64 = std::env::var("CRTK_BENCH_DEEPDIFF_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3600);
    println!("running deepdiff (limit {limit} s) ...");
    let started = Instant::now();
    let python_cpu_before = cpu_seconds();
    let python = run_with_limit(
        Command::new("python3")
            .arg(root.join("benches/diff_50k.py"))
            .arg(&old_path)
            .arg(&new_path),
        Duration::from_secs(limit),
    );
    match python {
        Ok(None) => {
            let waited = started.elapsed().as_secs_f64();
            let python_cpu = cpu_seconds().zip(python_cpu_before).map(|(a, b)| a.1 - b.1);
            println!(
                "deepdiff (ignore_order=True): not finished after {waited:.0} s wall, {:.0} s CPU (stopped)",
                python_cpu.unwrap_or(f64::NAN)
            );
            println!(
                "speed-up: more than {:.0}x wall end to end (crtk binary vs python load+DeepDiff, lower bound)",
                waited / crtk_binary
            );
            if let (Some(p), Some(c)) = (python_cpu, cpu_binary) {
                println!("speed-up: more than {:.0}x CPU time (lower bound)", p / c);
            }
        }
        Ok(Some(out)) if out.status.success() => {
            let line = String::from_utf8_lossy(&out.stdout);
            let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
            let (load, deep, total) = (
                v["load_s"].as_f64().unwrap(),
                v["deepdiff_s"].as_f64().unwrap(),
                v["total_s"].as_f64().unwrap(),
            );
            println!(
                "deepdiff (ignore_order=True): load {load:.3} s + DeepDiff {deep:.3} s = {total:.3} s (one run)"
            );
            println!(
                "speed-up: {:.0}x end to end (crtk binary vs python load+DeepDiff), {:.0}x diff alone",
                total / crtk_binary,
                deep / crtk_diff
            );
            let python_cpu = cpu_seconds().zip(python_cpu_before).map(|(a, b)| a.1 - b.1);
            if let (Some(p), Some(c)) = (python_cpu, cpu_binary) {
                println!(
                    "CPU time: deepdiff {p:.1} s vs crtk binary {c:.3} s: {:.0}x",
                    p / c
                );
            }
        }
        Ok(Some(out)) => println!(
            "deepdiff baseline not run (pip install deepdiff): {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => println!("deepdiff baseline not run: python3: {e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `command`, stopping it after `limit`: `Ok(None)` when it was stopped.
fn run_with_limit(
    command: &mut Command,
    limit: Duration,
) -> std::io::Result<Option<std::process::Output>> {
    use std::process::Stdio;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let start = Instant::now();
    loop {
        if child.try_wait()?.is_some() {
            return child.wait_with_output().map(Some);
        }
        if start.elapsed() > limit {
            child.kill()?;
            child.wait()?;
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// CPU seconds (user + system) of this process and of its waited-for children, from
/// /proc/self/stat (Linux; `None` elsewhere). The machine is shared, so CPU time is reported next
/// to wall time.
fn cpu_seconds() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split_whitespace().collect();
    // After the command name: field 14 utime is index 11, then stime, cutime, cstime.
    let tick = |i: usize| fields.get(i)?.parse::<f64>().ok().map(|t| t / 100.0);
    Some((tick(11)? + tick(12)?, tick(13)? + tick(14)?))
}
