//! Benchmark (not a test): builds a synthetic 4-level address cascade of 50,000 areas through
//! the whole `crtk build` pipeline (config + CSV load, checks, compile, canonical JSON).
//!
//! Run: `cargo bench --bench cascade` (peak memory: `/usr/bin/time -v` on the bench binary).
//! Target (issue 4): under 2 s and under 1 GiB on the 2-core build machine.

use crtk::build::{BuildOptions, build};
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
    let mut runs = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let built =
            build(&dir.join("country.yaml"), &options).expect("the synthetic config builds");
        let compiled = start.elapsed();
        let json = built.to_json();
        let total = start.elapsed();
        let p = &built.package;
        println!(
            "areas {TOTAL} ({} + {} + {sectors} + {leaves}): options {}, option groups {}, rules {}; build {:.3} s, + canonical JSON ({} MB) {:.3} s",
            REGIONS,
            REGIONS * DISTRICTS_PER_REGION,
            p.objects("options").len(),
            p.objects("optionGroups").len(),
            p.objects("programRules").len(),
            compiled.as_secs_f64(),
            json.len() / 1_000_000,
            total.as_secs_f64(),
        );
        runs.push(total.as_secs_f64());
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "cascade: best {:.3} s, median {:.3} s (build + canonical JSON, 3 runs)",
        runs[0], runs[1]
    );
    std::fs::remove_dir_all(&dir).ok();
}
