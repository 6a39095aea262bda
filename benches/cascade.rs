//! Benchmark (not a test): builds a synthetic 4-level address cascade of 50,000 areas through
//! the whole `crtk build` pipeline (config + CSV load, checks, compile, canonical JSON).
//!
//! Run: `cargo bench --bench cascade` (peak memory: `/usr/bin/time -v` on the bench binary).
//! Target (issue 4): under 2 s and under 1 GiB on the 2-core build machine.

use crtk::base::Base;
use crtk::build::{BuildOptions, build};
use crtk::config::LoadedConfig;
use std::fmt::Write as _;
use std::time::Instant;

const REGIONS: usize = 10;
const DISTRICTS_PER_REGION: usize = 10;
const SECTORS_PER_DISTRICT: usize = 10;
const TOTAL: usize = 50_000;

fn main() {
    let dir = std::env::temp_dir().join(format!("crtk-bench-cascade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sectors = REGIONS * DISTRICTS_PER_REGION * SECTORS_PER_DISTRICT;
    let leaves = TOTAL - REGIONS - REGIONS * DISTRICTS_PER_REGION - sectors;
    let mut csv = String::from("r_code,r_name,d_code,d_name,s_code,s_name,v_code,v_name\n");
    let mut written = 0;
    for s in 0..sectors {
        let (r, d) = (s / 100, s / 10 % 10);
        let here = leaves / sectors + usize::from(s < leaves % sectors);
        for v in 0..here {
            writeln!(
                csv,
                "{r_code},Région {r} « Nord »,{r_code}{d:02},District {r}-{d},{r_code}{d:02}{s3:02},Sector {s},{r_code}{d:02}{s3:02}{v:02},Village {s}/{v} 'Umudugudu'",
                r_code = 10 + r,
                s3 = s % 10,
            )
            .unwrap();
            written += 1;
        }
    }
    assert_eq!(written, leaves);
    std::fs::write(dir.join("areas.csv"), csv).unwrap();
    std::fs::write(
        dir.join("country.yaml"),
        "country: { code: BN, name: Benchland }\npackage: { version: 1.0.1-bn.1 }\naddress:\n  code_length: 8\n  levels: [Region, District, Sector, Village]\n  areas:\n    csv:\n      file: areas.csv\n      columns:\n        Region: { code: r_code, name: r_name }\n        District: { code: d_code, name: d_name }\n        Sector: { code: s_code, name: s_name }\n        Village: { code: v_code, name: v_name }\n",
    )
    .unwrap();

    let options = BuildOptions::default();
    let config_path = dir.join("country.yaml");
    let mut runs = Vec::new();
    for _ in 0..3 {
        let (wall, cpu) = (Instant::now(), cpu_seconds());
        let built = build(&config_path, &options).expect("the synthetic config builds");
        let (build_wall, build_cpu) = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        let json = built.to_json();
        let (total_wall, total_cpu) = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        let p = &built.package;
        println!(
            "areas {TOTAL} ({REGIONS} + {} + {sectors} + {leaves}): {} options, {} option groups, {} rules; \
             build {build_wall:.3} s wall / {build_cpu:.2} s CPU, + canonical JSON ({} MB): {total_wall:.3} s wall / {total_cpu:.2} s CPU",
            REGIONS * DISTRICTS_PER_REGION,
            p.objects("options").len(),
            p.objects("optionGroups").len(),
            p.objects("programRules").len(),
            json.len() / 1_000_000,
        );
        runs.push((total_wall, total_cpu));
    }
    // Phases of one run, to see where the time goes.
    let t = Instant::now();
    let config = LoadedConfig::load(&config_path).unwrap();
    let t_config = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let address = config.config.address.as_ref().unwrap();
    let tree = crtk::config::areas::load(address, &config.path).unwrap();
    let t_areas = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut package = Base::shipped().package;
    let t_base = t.elapsed().as_secs_f64();
    let t = Instant::now();
    crtk::adapt::address::compile(&mut package, &tree, address.target(), "BN").unwrap();
    let t_compile = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let json = crtk::package::to_canonical_string(&package);
    let t_emit = t.elapsed().as_secs_f64();
    println!(
        "phases (wall): config {t_config:.3} s, read+check areas {t_areas:.3} s, base {t_base:.3} s, compile {t_compile:.3} s, canonical JSON {t_emit:.3} s ({} bytes)",
        json.len()
    );
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!(
        "cascade: best {:.3} s wall ({:.2} s CPU), median {:.3} s wall ({:.2} s CPU) (build + canonical JSON, 3 runs)",
        runs[0].0, runs[0].1, runs[1].0, runs[1].1
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// User + system CPU time of this process (Linux `/proc/self/stat`, 100 ticks per second), so
/// the number means something on a shared, loaded machine; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the `(comm)` part: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
