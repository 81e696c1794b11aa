//! Travel-time matrices on a road network: plain bounded Dijkstra from the
//! smaller side ([`matrix`]) against the contraction hierarchy
//! ([`ContractionHierarchy`]) and, with `--fast-paths`, the fast_paths
//! crate's hierarchy (one-to-one queries: it has no many-to-many). The
//! benchmark behind issue 19's matrix targets (`docs/performance.md`).
//!
//! ```text
//! cargo run --release --example roads_synth -- target/routers/s1000.osm.pbf 1000 1000
//! cargo run --release --example matrix_bench -- target/routers/s1000.osm.pbf [--fast-paths] \
//!     [--record docs/bench/matrix-s1000.md]
//! ```
//!
//! Loads the network through the road cache (`target/routers/cache`), picks
//! 1,000 nodes spread by a fixed multiplicative hash, then times (wall and
//! CPU of the process, one run each; the machine's load average is printed
//! beside; on a busy machine CPU / threads is the better guess of an idle
//! wall time): the 500 × 50
//! and 50 × 500 Dijkstra matrices, the hierarchy's build, its 500 × 50 and
//! 1,000 × 1,000 matrices, and checks that every hierarchy time equals
//! Dijkstra's (the 1,000 × 1,000 one on its first 100 rows). Prints a
//! markdown table; `--record FILE` also writes it to FILE after a line
//! giving the date, the command and the machine (the results files of
//! `docs/bench/`, which the README quotes: `tests/bench_quotes.rs`).

#[path = "support/bench_record.rs"]
mod bench_record;
use bench_record::{load_average, utc_now, write};

use std::time::Instant;

use medaccess::roads::{CarProfile, load_or_build};
use medaccess::route::{ContractionHierarchy, matrix};
use medaccess::units::{NodeId, UNREACHABLE};

/// CPU seconds of this process, all threads (user + system, from
/// /proc/self/stat in clock ticks of 1/100 s); NaN elsewhere.
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // fields after the command name, which ends with the last ')'
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

/// Wall and process CPU seconds of `f`, printed as soon as it ends.
fn timed<T>(rows: &mut Vec<(String, f64, f64)>, what: String, f: impl FnOnce() -> T) -> T {
    let (t, c) = (Instant::now(), process_cpu_seconds());
    let r = f();
    let (s, cpu) = (t.elapsed().as_secs_f64(), process_cpu_seconds() - c);
    eprintln!(
        "{what}: {s:.3} s wall, {cpu:.2} s CPU (load average {})",
        load_average()
    );
    rows.push((what, s, cpu));
    r
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: matrix_bench FILE.osm.pbf [--fast-paths] [--record RESULTS.md]";
    let record = match args.iter().position(|a| a == "--record") {
        Some(i) => Some(args.get(i + 1).ok_or_else(|| anyhow::anyhow!("{usage}"))?),
        None => None,
    };
    let path = args
        .iter()
        .enumerate()
        .find(|&(i, a)| !a.starts_with("--") && (i == 0 || args[i - 1] != "--record"))
        .map(|(_, a)| a)
        .ok_or_else(|| anyhow::anyhow!("{usage}"))?;
    let with_fast_paths = args.iter().any(|a| a == "--fast-paths");
    let started = utc_now();
    let load_before = load_average();
    let (net, _) = load_or_build(
        path.as_ref(),
        &CarProfile::france(),
        "target/routers/cache".as_ref(),
        &|_, _| {},
    )?;
    let g = &net.graph;
    let n = g.num_nodes() as u64;
    let pts: Vec<NodeId> = (0..1000u64)
        .map(|i| ((i * 2_654_435_761 + 12_345) % n) as NodeId)
        .collect();
    let (src500, tgt50) = (&pts[..500], &pts[500..550]);
    let mut rows = Vec::new();

    let m500 = timed(
        &mut rows,
        "Dijkstra 500 x 50 (50 backward searches)".into(),
        || matrix(g, src500, tgt50, None),
    );
    let m50 = timed(
        &mut rows,
        "Dijkstra 50 x 500 (50 forward searches)".into(),
        || matrix(g, tgt50, src500, None),
    );
    let ch = timed(&mut rows, "hierarchy build".into(), || {
        ContractionHierarchy::new(g)
    });
    let c500 = timed(&mut rows, "hierarchy 500 x 50".into(), || {
        ch.matrix(src500, tgt50, None)
    });
    anyhow::ensure!(c500 == m500, "hierarchy 500 x 50 differs from Dijkstra");
    let c50 = ch.matrix(tgt50, src500, None);
    anyhow::ensure!(c50 == m50, "hierarchy 50 x 500 differs from Dijkstra");
    let c1000 = timed(&mut rows, "hierarchy 1,000 x 1,000".into(), || {
        ch.matrix(&pts, &pts, None)
    });
    let d100 = timed(&mut rows, "Dijkstra 100 x 1,000 (oracle rows)".into(), || {
        matrix(g, &pts[..100], &pts, None)
    });
    anyhow::ensure!(
        c1000.times[..d100.times.len()] == d100.times[..],
        "hierarchy 1,000 x 1,000 differs from Dijkstra on its first 100 rows"
    );
    let fast_paths_line = with_fast_paths.then(|| fast_paths_rows(g, src500, tgt50, &m500, &mut rows));

    let mut report = format!(
        "`{path}: {} nodes, {} arcs; hierarchy {} arcs, {:.0} MB; {} threads; load average {} before, {} after`\n\n",
        g.num_nodes(),
        g.num_arcs(),
        ch.num_arcs(),
        ch.memory_bytes() as f64 / 1e6,
        rayon::current_num_threads(),
        load_before,
        load_average()
    );
    report += "| step | wall s | process CPU s |\n|---|---:|---:|\n";
    for (what, s, cpu) in rows {
        report += &format!("| {what} | {s:.3} | {cpu:.2} |\n");
    }
    report += "\nevery hierarchy time checked equal to Dijkstra's\n";
    if let Some(line) = fast_paths_line {
        report += &format!("\n`{line}`\n");
    }
    print!("{report}");
    if let Some(file) = record {
        write(file, "matrix_bench", &args, &started, &report)?;
    }
    Ok(())
}

/// fast_paths (v1) on the same graph: preparation, then the 500 × 50
/// matrix as 25,000 one-to-one queries in parallel (one calculator per
/// thread). fast_paths drops zero-weight arcs, so they enter with weight 1
/// and its times may exceed ours by a few tenths of a second.
fn fast_paths_rows(
    g: &medaccess::graph::RoadGraph,
    src: &[NodeId],
    tgt: &[NodeId],
    want: &medaccess::route::Matrix,
    rows: &mut Vec<(String, f64, f64)>,
) -> String {
    use rayon::prelude::*;
    let mut ig = fast_paths::InputGraph::new();
    for e in g.edges() {
        ig.add_edge(e.from as usize, e.to as usize, e.time.max(1) as usize);
    }
    ig.freeze();
    let fg = timed(rows, "fast_paths prepare".into(), || fast_paths::prepare(&ig));
    let got: Vec<Option<usize>> = timed(rows, "fast_paths 500 x 50 (one-to-one queries)".into(), || {
        src.par_iter()
            .map_init(
                || fast_paths::create_calculator(&fg),
                |calc, &s| {
                    tgt.iter()
                        .map(|&t| {
                            calc.calc_path(&fg, s as usize, t as usize)
                                .map(|p| p.get_weight())
                        })
                        .collect::<Vec<_>>()
                },
            )
            .flatten()
            .collect()
    });
    let (mut same_reach, mut max_extra) = (0usize, 0usize);
    for (&w, g) in want.times.iter().zip(&got) {
        if (w == UNREACHABLE) == g.is_none() {
            same_reach += 1;
        }
        if let Some(x) = g
            && w != UNREACHABLE
        {
            max_extra = max_extra.max(x.saturating_sub(w as usize));
        }
    }
    format!(
        "fast_paths: {same_reach} of {} pairs reached alike; longest by at most {max_extra} time units",
        got.len()
    )
}
