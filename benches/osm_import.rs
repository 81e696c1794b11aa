//! Import throughput of `.osm.pbf` files: a seeded synthetic extract
//! (about 2 MB; `MEDACCESS_BENCH_PBF=path` benchmarks your own file instead)
//! and the real Saint-Barthélemy extract.
//!
//! `cargo bench --bench osm_import`

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use medaccess::roads::synthetic::{SyntheticExtract, write_synthetic_pbf};
use medaccess::roads::{CarProfile, read_pbf};

fn bench(c: &mut Criterion) {
    let mut files: Vec<(String, PathBuf)> = vec![(
        "saint_barthelemy".into(),
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/osm/saint_barthelemy.osm.pbf"
        )),
    )];
    match std::env::var_os("MEDACCESS_BENCH_PBF") {
        Some(p) => files.push(("custom".into(), PathBuf::from(p))),
        None => {
            let p = std::env::temp_dir().join(format!("medaccess-bench-{}.osm.pbf", std::process::id()));
            let o = SyntheticExtract {
                width: 100,
                height: 100,
                shape_nodes: 3,
                buildings: 6,
                seed: 1,
            };
            write_synthetic_pbf(&p, &o).expect("write the synthetic extract");
            files.push(("synthetic_100x100".into(), p));
        }
    }
    let profile = CarProfile::france();
    let mut g = c.benchmark_group("osm_import");
    g.sample_size(10);
    for (name, path) in &files {
        let bytes = std::fs::metadata(path).expect("benchmark file").len();
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(name.as_str(), |b| {
            b.iter(|| read_pbf(path, &profile, &|_, _| {}).expect("import"))
        });
    }
    g.finish();
    for (name, path) in files {
        if name.starts_with("synthetic") {
            let _ = std::fs::remove_file(path);
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
