//! Times our searches on the synthetic 1M-node road grid and writes the same
//! graph, with our distances and timings, for `bench/peers/compare.py` to
//! check and time scipy, igraph and networkx against.
//!
//! ```text
//! cargo run --release --example peer_export -- OUT_DIR [REPEATS]
//! ```
//!
//! Files written to `OUT_DIR` (all integers little-endian `u32`):
//! * `big.edges`, `small.edges`: `n, m`, then `m` tails, `m` heads, `m`
//!   times (tenths of a second): the 1000 × 1000 grid and a 316 × 316 one
//!   (for networkx);
//! * `big.sources`: the 1,000 source nodes of the multi-source search; the
//!   one-to-all source is the first; `small.sources`: the small one's source;
//! * `big.one_to_all`, `big.nearest`, `small.one_to_all`: our times per node,
//!   `u32::MAX` where unreachable;
//! * `ours.json`: our timings in seconds and the graph's sizes.
//!
//! Every timing is the CPU time of the calling thread during one call after
//! the graph is built (the result's allocation included, except in
//! `one_to_all_reused`, which reuses a `OneToAll` workspace as a batch
//! does), the best of `REPEATS` (default 3) runs; the rayon batches (bounded
//! searches on 1 and 2 threads, the matrix) use wall time instead, and so
//! does everything with `PEERS_CLOCK=wall` —
//! the Python side measures its calls the same way. Searches follow arcs
//! forward, as scipy's and igraph's do by default.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use medaccess::graph::RoadGraph;
use medaccess::route::queue::{BinaryQueue, DialQueue, MonotoneQueue, PooledDialQueue, RadixQueue};
use medaccess::route::{
    BoundedSearch, OneToAll, Seed, matrix, nearest, nearest_two_with, nearest_with, one_to_all,
};
use medaccess::synthetic::road_grid;
use medaccess::units::{NodeId, Time, minutes};

#[path = "../benches/common/floor.rs"]
mod floor;

/// Best wall time of `repeats` calls, in seconds, and the last result (for
/// the calls that run on other threads: the rayon batches).
fn best<T>(repeats: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..repeats.max(1) {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best, out.expect("at least one run"))
}

/// CPU time of the calling thread, in seconds: `CLOCK_THREAD_CPUTIME_ID`,
/// the clock Python's `time.thread_time()` reads. Time spent descheduled
/// while other jobs use the cores is not counted, so the ratios hold on a
/// shared machine.
#[cfg(target_os = "linux")]
fn thread_cpu_seconds() -> Option<f64> {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime writes one timespec (two longs on 64-bit Linux)
    // into `ts`, which lives for the call.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then_some(ts.sec as f64 + ts.nsec as f64 * 1e-9)
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_seconds() -> Option<f64> {
    None
}

/// `PEERS_CLOCK=wall` asks for wall time everywhere (compare.py reads it
/// too), as on an idle machine the two agree.
fn wall_clock_asked() -> bool {
    std::env::var("PEERS_CLOCK").is_ok_and(|v| v == "wall")
}

/// Best CPU time of this thread over `repeats` calls (wall time where the
/// thread clock is unavailable), in seconds, and the last result: for the
/// single-threaded calls, timed the same way on the Python side.
fn best_cpu<T>(repeats: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    if thread_cpu_seconds().is_none() || wall_clock_asked() {
        return best(repeats, f);
    }
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..repeats.max(1) {
        let t = thread_cpu_seconds().unwrap_or(0.0);
        let r = f();
        best = best.min(thread_cpu_seconds().unwrap_or(0.0) - t);
        out = Some(r);
    }
    (best, out.expect("at least one run"))
}

fn spread(g: &RoadGraph, count: usize) -> Vec<NodeId> {
    let n = g.num_nodes() as u64;
    (0..count as u64)
        .map(|i| ((i * 2_654_435_761 + 12_345) % n) as NodeId)
        .collect()
}

fn write_u32s(path: &Path, parts: &[&[u32]]) -> medaccess::Result<()> {
    let mut bytes = Vec::with_capacity(4 * parts.iter().map(|p| p.len()).sum::<usize>());
    for p in parts {
        for x in *p {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
    }
    medaccess::io::atomic_write_bytes(path, &bytes)
}

fn write_graph(path: &Path, g: &RoadGraph) -> medaccess::Result<()> {
    let (mut tail, mut head, mut time) = (Vec::new(), Vec::new(), Vec::new());
    for e in g.edges() {
        tail.push(e.from);
        head.push(e.to);
        time.push(e.time);
    }
    let header = [g.num_nodes() as u32, g.num_arcs() as u32];
    write_u32s(path, &[&header, &tail, &head, &time])
}

fn bounded_batch(g: &RoadGraph, sources: &[NodeId], threads: usize) -> usize {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    pool.install(|| {
        sources
            .par_iter()
            .map_init(
                || BoundedSearch::new(g.num_nodes()),
                |ws, &s| ws.run(g.forward(), &[(s, 0)], minutes(30.0)).len(),
            )
            .sum()
    })
}

fn queue_times<Q: MonotoneQueue>(g: &RoadGraph, repeats: usize, seeds: &[Seed]) -> [f64; 4] {
    let s = seeds[0].node;
    let mut ws = OneToAll::<Q>::with_queue(g.num_nodes());
    let (a, _) = best_cpu(repeats, || ws.run(g.forward(), s)[0]);
    let (b, _) = best_cpu(repeats, || nearest_with::<Q>(g.forward(), seeds, None));
    let (c, _) = best_cpu(repeats, || {
        nearest_two_with::<Q>(g.forward(), g.backward(), seeds, None)
    });
    let mut bs = BoundedSearch::<Q>::with_queue(g.num_nodes());
    let (d, _) = best_cpu(repeats, || {
        seeds[..100]
            .iter()
            .map(|x| bs.run(g.forward(), &[(x.node, 0)], minutes(30.0)).len())
            .sum::<usize>()
    });
    [a, b, c, d]
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/peers".into()));
    let repeats: usize = match args.next() {
        Some(r) => r.parse()?,
        None => 3,
    };
    std::fs::create_dir_all(&out)?;

    let g = road_grid(1000, 1000, 1).graph;
    let small = road_grid(316, 316, 1).graph;
    let sources = spread(&g, 1000);
    let seeds = Seed::at_nodes(&sources);
    let s = sources[0];

    let mut dist = Vec::new();
    let (t_floor, _) = best_cpu(repeats, || floor::linear_sweep(g.forward(), s, &mut dist));
    let (t_one, one) = best_cpu(repeats, || one_to_all(g.forward(), s));
    // What a batch of one-to-all searches pays per search: one workspace,
    // its result buffer reused (no allocation, no page faults).
    let mut ws = OneToAll::new(g.num_nodes());
    let (t_one_reused, _) = best_cpu(repeats, || ws.run(g.forward(), s)[0]);
    let (t_near, near) = best_cpu(repeats, || nearest(g.forward(), &seeds, None));
    let near_times: Vec<Time> = near.iter().map(|l| l.time).collect();
    let small_source = spread(&small, 1)[0];
    let (t_small, one_small) = best_cpu(repeats, || one_to_all(small.forward(), small_source));
    let (t_b1, reached1) = best(repeats, || bounded_batch(&g, &sources, 1));
    let (t_b2, reached2) = best(repeats, || bounded_batch(&g, &sources, 2));
    assert_eq!(reached1, reached2, "same work whatever the thread count");
    let targets = spread(&g, 1100)[100..].to_vec();
    let (t_matrix, _) = best(repeats, || {
        matrix(&g, &sources[..100], &targets, Some(minutes(60.0)))
    });

    let queues = [
        ("binary", queue_times::<BinaryQueue>(&g, repeats, &seeds)),
        ("radix", queue_times::<RadixQueue>(&g, repeats, &seeds)),
        ("dial", queue_times::<DialQueue>(&g, repeats, &seeds)),
        ("dial_pooled", queue_times::<PooledDialQueue>(&g, repeats, &seeds)),
    ];

    write_graph(&out.join("big.edges"), &g)?;
    write_graph(&out.join("small.edges"), &small)?;
    write_u32s(&out.join("big.sources"), &[&sources])?;
    write_u32s(&out.join("big.one_to_all"), &[&one])?;
    write_u32s(&out.join("big.nearest"), &[&near_times])?;
    write_u32s(&out.join("small.sources"), &[&[small_source]])?;
    write_u32s(&out.join("small.one_to_all"), &[&one_small])?;

    let mut json = String::from("{\n");
    let mut field = |k: &str, v: String| {
        let _ = writeln!(json, "  \"{k}\": {v},");
    };
    field("nodes", g.num_nodes().to_string());
    field("arcs", g.num_arcs().to_string());
    field("memory_bytes", g.memory_bytes().to_string());
    field("small_nodes", small.num_nodes().to_string());
    field("repeats", repeats.to_string());
    field(
        "bounded_reached_per_search",
        (reached1 / sources.len()).to_string(),
    );
    for (k, v) in [
        ("floor_linear_sweep", t_floor),
        ("one_to_all", t_one),
        ("one_to_all_reused", t_one_reused),
        ("nearest_1000", t_near),
        ("small_one_to_all", t_small),
        ("bounded_30min_x1000_1thread", t_b1),
        ("bounded_30min_x1000_2threads", t_b2),
        ("matrix_100x1000_60min", t_matrix),
    ] {
        field(k, format!("{v:.6}"));
    }
    for (q, [a, b, c, d]) in queues {
        field(
            &format!("queue_{q}"),
            format!(
                "{{\"one_to_all\": {a:.6}, \"nearest_1000\": {b:.6}, \"nearest_two_1000\": {c:.6}, \"bounded_30min_x100\": {d:.6}}}"
            ),
        );
    }
    let json = json.trim_end().trim_end_matches(',').to_string() + "\n}\n";
    medaccess::io::atomic_write_bytes(&out.join("ours.json"), json.as_bytes())?;
    print!("{json}");
    Ok(())
}
