//! Benchmark (issue 17): `crtk build`, `crtk validate` and `crtk diff` against the JSON floor
//! (serde_json parsing the output into a `Value`), at 1k, 20k, 50k and 100k areas.
//!
//! Run: `cargo bench --bench scale` (sizes: `CRTK_BENCH_AREAS=1000,20000`; runs per figure:
//! `CRTK_BENCH_RUNS`, default 5; `CRTK_BENCH_KEEP=1` keeps the files, for profiling). Every figure
//! is the real binary in a child process, its CPU time (user + sys, median of the runs; a second
//! table gives the ratios of the fastest runs) and peak RSS from `wait4`; the floor runs in a
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
        "base: {BASE}; CPU time (user+sys), median of {runs} interleaved rounds; floor = serde_json \
         into a Value with the system allocator; floor(mi) = the same with crtk's allocator (mimalloc)"
    );
    println!(
        "| areas | floor s | floor(mi) s | build s | build ×floor | build ×floor(mi) | validate s | validate ×floor | validate ×floor(mi) | diff s | floor(2) s | diff ×floor | diff ×floor(mi) | diff peak RSS | floor(2) peak RSS | RSS ×floor |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut fastest = Vec::new();
    for &areas in &sizes {
        let here = dir.join(areas.to_string());
        let (old_config, new_config) = write_country(&here, areas, &base);
        let (old_out, new_out) = (here.join("old"), here.join("new"));
        let build = |config: &Path, out: &Path| {
            let mut c = crtk_command(&crtk, &allow);
            c.arg("build").arg(config).arg("--out").arg(out);
            c
        };
        run_ok(&mut build(&old_config, &old_out));
        run_ok(&mut build(&new_config, &new_out));
        let old_json = only_json(&old_out);
        let new_json = only_json(&new_out);
        let floor = |mimalloc: bool, files: &[&Path]| {
            let mut c = Command::new(&me);
            c.arg("floor").args(files);
            if mimalloc {
                c.env(FLOOR_MIMALLOC.to_str().unwrap(), "1");
            }
            c
        };
        let mut validate = crtk_command(&crtk, &allow);
        validate
            .args(["validate", "--format", "json"])
            .arg(&old_json);
        let mut diff = crtk_command(&crtk, &allow);
        diff.args(["diff", "--format", "json"])
            .arg(&old_json)
            .arg(&new_json);
        let mut commands = [
            build(&old_config, &old_out),
            floor(false, &[&old_json]),
            floor(true, &[&old_json]),
            validate,
            diff,
            floor(false, &[&old_json, &new_json]),
            floor(true, &[&old_json, &new_json]),
        ];
        let [
            build,
            floor_one,
            floor_one_mi,
            validate,
            diff,
            floor_two,
            floor_two_mi,
        ] = measure(runs, &mut commands);
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.2} | {:.2} | {:.3} | {:.2} | {:.2} | {:.3} | {:.3} | {:.2} | {:.2} | {} MiB | {} MiB | {:.2} |",
            label(areas),
            floor_one.cpu,
            floor_one_mi.cpu,
            build.cpu,
            build.cpu / floor_one.cpu,
            build.cpu / floor_one_mi.cpu,
            validate.cpu,
            validate.cpu / floor_one.cpu,
            validate.cpu / floor_one_mi.cpu,
            diff.cpu,
            floor_two.cpu,
            diff.cpu / floor_two.cpu,
            diff.cpu / floor_two_mi.cpu,
            diff.rss_kib / 1024,
            floor_two.rss_kib / 1024,
            diff.rss_kib as f64 / floor_two.rss_kib as f64,
        );
        fastest.push(format!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            label(areas),
            build.best / floor_one.best,
            build.best / floor_one_mi.best,
            validate.best / floor_one.best,
            validate.best / floor_one_mi.best,
            diff.best / floor_two.best,
            diff.best / floor_two_mi.best,
        ));
    }
    // This VM's page-fault (sys) time for the same work varies up to tenfold from one process to
    // the next, and only ever adds: the fastest round is the steadier figure.
    println!();
    println!("fastest of {runs} rounds (the same runs):");
    println!(
        "| areas | build ×floor | build ×floor(mi) | validate ×floor | validate ×floor(mi) | diff ×floor | diff ×floor(mi) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for line in &fastest {
        println!("{line}");
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("machine load average: {}", load.trim());
    if std::env::var_os("CRTK_BENCH_KEEP").is_some() {
        println!("inputs and outputs kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Set in the floor's environment: it allocates with mimalloc, as crtk does, instead of the system
/// allocator.
const FLOOR_MIMALLOC: &std::ffi::CStr = c"CRTK_FLOOR_MIMALLOC";

/// The floor's allocator, chosen once, at the process's first allocation, from
/// [`FLOOR_MIMALLOC`] (read with `getenv`, which does not allocate); every later call, frees
/// included, goes to the same one.
struct FloorAllocator;

static USE_MIMALLOC: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fn use_mimalloc() -> bool {
    *USE_MIMALLOC.get_or_init(|| {
        // SAFETY: a NUL-terminated name; the result is only tested for null.
        !unsafe { libc::getenv(FLOOR_MIMALLOC.as_ptr()) }.is_null()
    })
}

// SAFETY: forwards every call to one allocator, the same for the whole process.
unsafe impl std::alloc::GlobalAlloc for FloorAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if use_mimalloc() {
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        } else {
            unsafe { std::alloc::System.alloc(layout) }
        }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if use_mimalloc() {
            unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
        } else {
            unsafe { std::alloc::System.dealloc(ptr, layout) }
        }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, size: usize) -> *mut u8 {
        if use_mimalloc() {
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, size) }
        } else {
            unsafe { std::alloc::System.realloc(ptr, layout, size) }
        }
    }
}

#[global_allocator]
static ALLOCATOR: FloorAllocator = FloorAllocator;

/// The floor: parse every file into a `serde_json::Value` (kept until exit, as a tool would).
fn floor(files: &[String]) {
    let values: Vec<serde_json::Value> = files
        .iter()
        .map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap())
        .collect();
    assert!(values.iter().all(|v| v.is_object()));
    std::mem::forget(values);
}

/// CPU seconds (median and fastest) and peak RSS (largest) of several runs.
struct Figure {
    cpu: f64,
    best: f64,
    rss_kib: u64,
}

/// Runs every command once per round, `runs` rounds, so that all of them see the same machine
/// (page-fault time on this VM varies a lot from run to run). Each child is reaped with
/// `wait4`: its own rusage, CPU time to the microsecond (`/usr/bin/time` prints hundredths, too
/// coarse for the 1k row).
fn measure<const N: usize>(runs: usize, commands: &mut [Command; N]) -> [Figure; N] {
    use std::os::unix::process::ExitStatusExt as _;
    use std::process::Stdio;
    let mut cpu = [(); N].map(|_| Vec::new());
    let mut rss = [0u64; N];
    for _ in 0..runs {
        for (i, command) in commands.iter_mut().enumerate() {
            // Reaped below by wait4, which `Child::wait` would not give the rusage of.
            #[allow(clippy::zombie_processes)]
            let child = command
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let mut status = 0;
            // SAFETY: `usage` is a plain C struct the kernel fills; the pid is our own child's.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
            assert_eq!(pid, child.id() as i32, "wait4 failed");
            let status = std::process::ExitStatus::from_raw(status);
            // `validate` exits 1 when it finds errors; the synthetic countries have none.
            assert!(status.success(), "{command:?}: {status}");
            let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            cpu[i].push(seconds(usage.ru_utime) + seconds(usage.ru_stime));
            rss[i] = rss[i].max(usage.ru_maxrss as u64);
        }
    }
    std::array::from_fn(|i| {
        cpu[i].sort_by(f64::total_cmp);
        Figure {
            cpu: cpu[i][cpu[i].len() / 2],
            best: cpu[i][0],
            rss_kib: rss[i],
        }
    })
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
