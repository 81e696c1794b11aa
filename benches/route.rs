//! Criterion benches of every search on seeded synthetic road grids.
//!
//! `cargo bench --bench route` runs them on the 1M-node grid (1000 × 1000);
//! set `MEDACCESS_BENCH_4M=1` to add the 4M-node grid (2000 × 2000).
//! Filter with criterion's usual argument, e.g. `cargo bench --bench route
//! -- one_to_all`. The queue variants (`binary`, `radix`, `dial`,
//! `dial_pooled`) are the comparison behind the default queues: see
//! `docs/performance.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rayon::prelude::*;

use medaccess::graph::RoadGraph;
use medaccess::route::queue::{BinaryQueue, DialQueue, MonotoneQueue, PooledDialQueue, RadixQueue};
use medaccess::route::{BoundedSearch, OneToAll, Seed, matrix, nearest_two_with, nearest_with};
use medaccess::synthetic::road_grid;
use medaccess::units::{NodeId, minutes};

#[path = "common/floor.rs"]
mod floor;

/// `count` node ids spread evenly over the graph (deterministic).
fn spread(g: &RoadGraph, count: usize) -> Vec<NodeId> {
    let n = g.num_nodes() as u64;
    (0..count as u64)
        .map(|i| ((i * 2_654_435_761 + 12_345) % n) as NodeId)
        .collect()
}

fn graphs() -> Vec<(String, RoadGraph)> {
    let mut sizes = vec![1000];
    if std::env::var_os("MEDACCESS_BENCH_4M").is_some() {
        sizes.push(2000);
    }
    sizes
        .into_iter()
        .map(|w| (format!("{}M", w * w / 1_000_000), road_grid(w, w, 1).graph))
        .collect()
}

fn one_to_all_with<Q: MonotoneQueue>(c: &mut Criterion, name: &str, g: &RoadGraph, label: &str) {
    let mut ws = OneToAll::<Q>::with_queue(g.num_nodes());
    let s = spread(g, 1)[0];
    c.bench_function(&format!("one_to_all/{name}/{label}"), |b| {
        b.iter(|| black_box(ws.run(g.backward(), s)[0]))
    });
}

fn bounded_batch_with<Q: MonotoneQueue>(c: &mut Criterion, name: &str, g: &RoadGraph, label: &str) {
    let sources = spread(g, 100);
    let mut ws = BoundedSearch::<Q>::with_queue(g.num_nodes());
    c.bench_function(&format!("bounded_30min_x100/{name}/{label}"), |b| {
        b.iter(|| {
            sources
                .iter()
                .map(|&s| ws.run(g.backward(), &[(s, 0)], minutes(30.0)).len())
                .sum::<usize>()
        })
    });
}

fn benches(c: &mut Criterion) {
    for (name, g) in graphs() {
        let g = &g;
        let mut dist = Vec::new();
        let s = spread(g, 1)[0];
        c.bench_function(&format!("floor_linear_sweep/{name}"), |b| {
            b.iter(|| {
                floor::linear_sweep(g.backward(), s, &mut dist);
                black_box(dist[0])
            })
        });

        one_to_all_with::<BinaryQueue>(c, &name, g, "binary");
        one_to_all_with::<RadixQueue>(c, &name, g, "radix");
        one_to_all_with::<DialQueue>(c, &name, g, "dial");
        one_to_all_with::<PooledDialQueue>(c, &name, g, "dial_pooled");

        let seeds = Seed::at_nodes(&spread(g, 1000));
        let mut group = c.benchmark_group(format!("nearest_1000/{name}"));
        group.bench_function("binary", |b| {
            b.iter(|| nearest_with::<BinaryQueue>(g.backward(), &seeds, None))
        });
        group.bench_function("radix", |b| {
            b.iter(|| nearest_with::<RadixQueue>(g.backward(), &seeds, None))
        });
        group.bench_function("dial", |b| {
            b.iter(|| nearest_with::<DialQueue>(g.backward(), &seeds, None))
        });
        group.finish();

        let mut group = c.benchmark_group(format!("nearest_two_1000/{name}"));
        group.bench_function("binary", |b| {
            b.iter(|| nearest_two_with::<BinaryQueue>(g.backward(), g.forward(), &seeds, None))
        });
        group.bench_function("radix", |b| {
            b.iter(|| nearest_two_with::<RadixQueue>(g.backward(), g.forward(), &seeds, None))
        });
        group.bench_function("dial", |b| {
            b.iter(|| nearest_two_with::<DialQueue>(g.backward(), g.forward(), &seeds, None))
        });
        group.finish();

        bounded_batch_with::<BinaryQueue>(c, &name, g, "binary");
        bounded_batch_with::<RadixQueue>(c, &name, g, "radix");
        bounded_batch_with::<DialQueue>(c, &name, g, "dial");
        bounded_batch_with::<PooledDialQueue>(c, &name, g, "dial_pooled");

        // The parallel batch: 1,000 searches of 30 minutes, one workspace per
        // worker, on a pool of 1 and of 2 threads.
        let sources = spread(g, 1000);
        let mut group = c.benchmark_group(format!("bounded_30min_x1000/{name}"));
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            group.bench_function(BenchmarkId::new("threads", threads), |b| {
                b.iter(|| {
                    pool.install(|| {
                        sources
                            .par_iter()
                            .map_init(
                                || BoundedSearch::new(g.num_nodes()),
                                |ws, &s| ws.run(g.backward(), &[(s, 0)], minutes(30.0)).len(),
                            )
                            .sum::<usize>()
                    })
                })
            });
        }
        group.finish();

        // 1,000 communes × 100 facilities, within an hour (100 backward
        // searches from the smaller side).
        let (src, tgt) = (spread(g, 100), spread(g, 1100)[100..].to_vec());
        c.bench_function(&format!("matrix_1000x100_60min/{name}"), |b| {
            b.iter(|| matrix(g, &tgt, &src, Some(minutes(60.0))))
        });
    }
}

criterion_group! {
    name = route;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(route);
