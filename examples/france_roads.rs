//! Whole-France runs on a road graph, step by step: the benchmark behind
//! the France-scale targets of issue 19 (`docs/performance.md`).
//!
//! ```text
//! cargo run --release --example roads_synth -- target/routers/france5m.osm.pbf 2400 2100 2 12 1 france
//! cargo run --release --example france_roads -- target/routers/france5m.osm.pbf [REPEATS] \
//!     [--record docs/bench/france-roads-5m.md]
//! ```
//!
//! First imports the file once without the cache (`RoadNetwork::read_with`),
//! timed, and reads the process's peak resident memory (VmHWM of
//! /proc/self/status) right after it, while nothing else has been loaded:
//! the import target of issue 19 is RSS per GB of PBF. Then loads the
//! network through the road cache (`target/routers/cache`; the first run
//! imports and fills it), the 34,870 communes and the 457
//! maternities of 2023 from `fixtures/`, then times, after load, each step
//! of `access`, `rank`, `gp` and `isochrones --france --roads`, as those
//! commands run them (library calls, outputs not written). Each step is the
//! best of REPEATS (default 3) in wall time, with the CPU time of the whole
//! process over the same call beside it (the machine is shared: CPU time is
//! what other jobs do not inflate). Rank against one pass is also measured
//! as the median of 11 interleaved pairs. Prints a markdown table, each
//! target with met or missed beside it (on the best wall time, under the
//! load average printed above the table); `--record FILE` also writes it to
//! FILE after a line giving the date, the command and the machine (the
//! results files of `docs/bench/`, which the README quotes:
//! `tests/bench_quotes.rs`).

#[path = "support/bench_record.rs"]
mod bench_record;
use bench_record::{load_average, utc_now, write};

use std::path::PathBuf;
use std::time::Instant;

use medaccess::Scope;
use medaccess::access::{Bands, nearest_sites, site_seeds};
use medaccess::gp::{Decay, GpModel, GpTable, PER_100K, read_bpe_d201, sites_from_communes};
use medaccess::jobs::{self, AccessRequest, Context, Data, DataPaths, FacilitySource, Roads, Silent};
use medaccess::planner::contours::{GridOptions, time_grid};
use medaccess::planner::rank_closures;
use medaccess::roads::{CarProfile, ReadOptions, RoadNetwork, SnapOptions};
use medaccess::route::nearest;
use medaccess::units::{NodeId, Time, minutes};

#[cfg(target_os = "linux")]
fn process_cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime writes one timespec (two longs on 64-bit Linux)
    // into `ts`, which lives for the call.
    let rc = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc == 0 {
        ts.sec as f64 + ts.nsec as f64 * 1e-9
    } else {
        f64::NAN
    }
}

#[cfg(not(target_os = "linux"))]
fn process_cpu_seconds() -> f64 {
    f64::NAN
}

/// Best wall time of `repeats` calls, with the process CPU time of that
/// call; the last result.
fn best<T>(repeats: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut out = None;
    let (mut wall, mut cpu) = (f64::INFINITY, f64::NAN);
    for _ in 0..repeats.max(1) {
        let (c0, t0) = (process_cpu_seconds(), Instant::now());
        let r = f();
        let (w, c) = (t0.elapsed().as_secs_f64(), process_cpu_seconds() - c0);
        if w < wall {
            (wall, cpu) = (w, c);
        }
        out = Some(r);
    }
    (wall, cpu, out.expect("at least one call"))
}

/// Peak resident memory of this process so far, in bytes (VmHWM of
/// /proc/self/status); None elsewhere.
fn peak_rss_bytes() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<f64>()
        .ok()?;
    Some(kb * 1024.0)
}

/// `met` or `missed`.
fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "missed" }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: france_roads FILE.osm.pbf [REPEATS] [--record RESULTS.md]";
    let record = match args.iter().position(|a| a == "--record") {
        Some(i) => Some(args.get(i + 1).ok_or_else(|| anyhow::anyhow!("{usage}"))?.clone()),
        None => None,
    };
    let positional: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|&(i, a)| !a.starts_with("--") && (i == 0 || args[i - 1] != "--record"))
        .map(|(_, a)| a)
        .collect();
    let pbf = PathBuf::from(positional.first().ok_or_else(|| anyhow::anyhow!("{usage}"))?);
    let repeats: usize = positional.get(1).map(|s| s.parse()).transpose()?.unwrap_or(3);
    let started = utc_now();
    let start_load = load_average();
    let fixtures = medaccess::communes::fixtures::default_dir();
    let mut rows: Vec<(String, f64, f64, String)> = Vec::new();

    // Import once, without the cache, before anything else is loaded: the
    // process's peak RSS after it is the import's.
    let pbf_bytes = std::fs::metadata(&pbf)?.len() as f64;
    let (w, c, net) = best(1, || {
        RoadNetwork::read_with(&pbf, &CarProfile::france(), &ReadOptions::default(), &|_, _| {})
    });
    let imported_nodes = net?.graph.num_nodes();
    let peak = peak_rss_bytes().unwrap_or(f64::NAN);
    let per_gb = peak / pbf_bytes;
    rows.push((
        format!(
            "import the PBF, no cache ({:.0} MB PBF, {imported_nodes} nodes; peak RSS {:.2} GB = {per_gb:.2} GB per GB of PBF)",
            pbf_bytes / 1e6,
            peak / 1e9
        ),
        w,
        c,
        format!("<= 1.5 GB RSS per GB of PBF: {}", verdict(per_gb <= 1.5)),
    ));

    let data = Data {
        paths: DataPaths::fixtures(&fixtures),
        roads: Some(Roads {
            file: pbf.clone(),
            options: ReadOptions::default(),
            cache_dir: Some("target/routers/cache".into()),
            profile: CarProfile::france(),
            snap: SnapOptions::default(),
            coverage: Default::default(),
        }),
    };
    // Whether the road cache holds this file already (its entries are named
    // after the file): on the first run the load step imports and fills it.
    let cached = std::fs::read_dir("target/routers/cache").is_ok_and(|mut d| {
        let name = pbf
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        d.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with(&format!("{name}."))))
    });
    let (w, c, ctx) = best(1, || Context::load(&data, Scope::All, &Silent));
    let ctx = ctx?;
    let graph = ctx.engine.graph();
    let net = ctx
        .engine
        .road_network()
        .ok_or_else(|| anyhow::anyhow!("not a road engine"))?;
    rows.push((
        format!(
            "load the communes and the network {} ({} nodes, {} arcs)",
            if cached {
                "from the road cache"
            } else {
                "(cache empty: import and fill the cache)"
            },
            graph.num_nodes(),
            graph.num_arcs()
        ),
        w,
        c,
        String::new(),
    ));
    let set = ctx.facilities(&FacilitySource::Drees { year: 2023 })?;
    let (w, c, sites) = best(1, || ctx.enter_sites(&set));
    sites?;
    rows.push((
        format!("snapping index (once per run) + snap {} maternities", set.len()),
        w,
        c,
        String::new(),
    ));
    let (w, c, sites) = best(repeats, || ctx.enter_sites(&set));
    let sites = sites?;
    rows.push((
        format!("snap {} maternities", sites.items.len()),
        w,
        c,
        String::new(),
    ));
    let all = ctx.in_scope.clone();
    let (w, c, places) = best(repeats, || ctx.enter_places(&all));
    let places = places?;
    rows.push((
        format!("snap {} communes", places.items.len()),
        w,
        c,
        String::new(),
    ));
    let bands = Bands::default();
    let req = AccessRequest {
        facilities: set.clone(),
        bands: bands.clone(),
        threshold: 40.0,
    };
    let (w, c, run) = best(repeats, || jobs::access::run(&ctx, &req, &Silent));
    let run = run?;
    rows.push((
        "nearest maternity for every commune (`access`: snap communes, nearest two, summary)".into(),
        w,
        c,
        format!("<= 2 s: {}", verdict(w <= 2.0)),
    ));

    let seeds = site_seeds(&sites.items);
    let (w1, c1, _) = best(repeats, || nearest(graph.backward(), &seeds, None));
    rows.push((
        "one pass: nearest maternity of every node".into(),
        w1,
        c1,
        String::new(),
    ));
    let population: Vec<u64> = run.places.iter().map(|p| p.population.unwrap_or(0)).collect();
    let rank = || {
        let access = nearest_sites(graph, &sites.items, &places.items);
        rank_closures(sites.items.len(), &access, &population, 40.0)
    };
    let (w2, c2, _) = best(repeats, rank);
    let (mut one, mut both) = (Vec::new(), Vec::new());
    for _ in 0..11 {
        let t = Instant::now();
        std::hint::black_box(nearest(graph.backward(), &seeds, None));
        one.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        std::hint::black_box(rank());
        both.push(t.elapsed().as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (m1, m2) = (median(&mut one), median(&mut both));
    rows.push((
        format!(
            "rank: nearest two of every commune + closures ({:.2}x one pass best-of, {:.2}x in medians of 11 interleaved pairs: {m2:.3} / {m1:.3} s)",
            w2 / w1,
            m2 / m1
        ),
        w2,
        c2,
        format!(
            "<= 2x one pass: {} best-of, {} in medians",
            verdict(w2 / w1 <= 2.0),
            verdict(m2 / m1 <= 2.0)
        ),
    ));

    // GP 2SFCA as `medaccess gp --france --roads` runs it (30-minute reach).
    let units: Vec<&medaccess::places::Place> =
        places.items.iter().filter(|p| !p.entries.is_empty()).collect();
    let codes: Vec<String> = units.iter().map(|p| p.id.clone()).collect();
    let nodes: Vec<NodeId> = units.iter().map(|p| p.entries[0].0).collect();
    let pop: Vec<f64> = units.iter().map(|p| p.population.unwrap_or(0) as f64).collect();
    let bpe = read_bpe_d201(&fixtures.join("gp-bpe-d201.csv"))?;
    let (gp_sites, _) = sites_from_communes(&bpe.by_commune, &codes, &nodes);
    let thresholds: Vec<Time> = [10.0, 20.0, 30.0].iter().map(|&m| minutes(m)).collect();
    let (w, c, table) = best(repeats, || -> anyhow::Result<usize> {
        let model = GpModel::new(
            graph,
            nodes.clone(),
            pop.clone(),
            gp_sites.clone(),
            Decay::drees(),
            minutes(30.0),
        )?;
        let table = GpTable::new(&model, &thresholds, PER_100K, 2.5 / 5400.0 * PER_100K)?;
        Ok(table.rows.len() + model.pairs().num_pairs())
    });
    table?;
    rows.push((
        format!(
            "GP 2SFCA, 30-minute catchments, {} communes, {} GP communes",
            codes.len(),
            gp_sites.len()
        ),
        w,
        c,
        format!("<= 60 s: {}", verdict(w <= 60.0)),
    ));

    // Isochrones as `medaccess isochrones --france --roads` runs them.
    let node_time: Vec<Time> = nearest(graph.backward(), &seeds, None)
        .iter()
        .map(|l| l.time)
        .collect();
    let opts = GridOptions::default();
    let (w_grid, c_grid, grid) = best(repeats, || time_grid(net, &node_time, &opts));
    let grid = grid?;
    let (w_bands, c_bands, iso) = best(repeats, || grid.isobands(&bands.breaks));
    let iso = iso?;
    rows.push((
        format!(
            "isochrones: travel-time grid ({} x {} cells of {} m)",
            grid.nx, grid.ny, opts.cell_m
        ),
        w_grid,
        c_grid,
        String::new(),
    ));
    rows.push((
        format!(
            "isochrones: {} bands, {} polygons",
            iso.len(),
            iso.iter().map(|b| b.area.0.len()).sum::<usize>()
        ),
        w_bands,
        c_bands,
        String::new(),
    ));
    rows.push((
        "isochrones for all of France (nearest pass + grid + bands)".into(),
        w1 + w_grid + w_bands,
        c1 + c_grid + c_bands,
        format!("<= 60 s: {}", verdict(w1 + w_grid + w_bands <= 60.0)),
    ));

    let mut report = format!(
        "`{} ({} nodes); best of {repeats}; load average {start_load} at the start, {} at the end; peak RSS of the whole run {:.2} GB; {}`\n\n",
        pbf.display(),
        graph.num_nodes(),
        load_average(),
        peak_rss_bytes().unwrap_or(f64::NAN) / 1e9,
        std::env::var("RAYON_NUM_THREADS")
            .map_or("all threads".to_string(), |t| format!("RAYON_NUM_THREADS={t}"))
    );
    report += "| step (after load) | wall (s) | process CPU (s) | target |\n";
    report += "| --- | ---: | ---: | --- |\n";
    for (name, w, c, target) in rows {
        report += &format!("| {name} | {w:.3} | {c:.3} | {target} |\n");
    }
    print!("{report}");
    if let Some(file) = record {
        write(&file, "france_roads", &args, &started, &report)?;
    }
    Ok(())
}
