//! Criterion benches of the GP 2SFCA at the scale of France: ~35,000
//! demand units (communes) and ~10,000 supply sites, travel times to 30
//! minutes.
//!
//! `cargo bench --bench gp` runs them on a commune-scale graph: the seeded
//! 190 × 190 synthetic grid with its times scaled by 16, i.e. nodes about
//! 4 km apart as French town halls are (549,000 km² for 35,000 communes);
//! every node but the last 1,100 is a commune, 10,000 of them hold GPs.
//! It compares collecting the (commune, site, time) pairs from the supply
//! side (bounded searches on the backward graph) with the demand side.
//!
//! A second case is département-scale on a road graph, as with `--roads`
//! on one département: the 400 × 400 grid (250 m spacing, 160,000 nodes,
//! 100 km across, Pyrénées-Atlantiques is 7,645 km²) with 550 communes and
//! 110 GP communes spread over it, 30 minutes.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use medaccess::gp::{Decay, Direction, GpModel, Pairs, SupplySite, nearest_supply, two_step};
use medaccess::graph::{Edge, RoadGraph};
use medaccess::synthetic::road_grid;
use medaccess::units::{NodeId, Time, minutes};

const UNITS: usize = 35_000;
const SITES: usize = 10_000;

/// `count` distinct node ids spread over `0..n` (deterministic).
fn spread(n: usize, count: usize) -> Vec<NodeId> {
    let mut seen = vec![false; n];
    let mut out = Vec::with_capacity(count);
    let mut i = 0u64;
    while out.len() < count.min(n) {
        let v = ((i * 2_654_435_761 + 12_345) % n as u64) as usize;
        if !seen[v] {
            seen[v] = true;
            out.push(v as NodeId);
        }
        i += 1;
    }
    out
}

struct Case {
    graph: RoadGraph,
    units: Vec<NodeId>,
    population: Vec<f64>,
    sites: Vec<SupplySite>,
    limit: Time,
}

fn case(graph: RoadGraph, units: Vec<NodeId>, num_sites: usize, limit: Time) -> Case {
    let population: Vec<f64> = (0..units.len()).map(|k| (k * 7919 % 5000 + 50) as f64).collect();
    let sites = spread(units.len(), num_sites)
        .into_iter()
        .map(|k| SupplySite {
            node: units[k as usize],
            home: Some(k),
            supply: (k % 9 + 1) as f64,
        })
        .collect();
    Case {
        graph,
        units,
        population,
        sites,
        limit,
    }
}

fn commune_scale() -> Case {
    let grid = road_grid(190, 190, 1).graph;
    let edges: Vec<Edge> = grid
        .edges()
        .map(|e| Edge::new(e.from, e.to, e.time * 16))
        .collect();
    let graph = RoadGraph::from_edges(grid.num_nodes(), &edges).expect("valid grid");
    let units = (0..UNITS as NodeId).collect();
    // GPs in 10,000 of the communes, spread (every ~3.5th commune)
    case(graph, units, SITES, minutes(30.0))
}

fn departement_on_roads() -> Case {
    let graph = road_grid(400, 400, 1).graph;
    let units = spread(graph.num_nodes(), 550);
    case(graph, units, 110, minutes(30.0))
}

fn bench_case(c: &mut Criterion, name: &str, k: &Case, samples: usize) {
    let mut group = c.benchmark_group(format!("gp/{name}"));
    group.sample_size(samples);
    group.measurement_time(Duration::from_secs(1));
    group.warm_up_time(Duration::from_millis(1));
    for (label, dir) in [
        ("pairs_from_supply", Direction::FromSupply),
        ("pairs_from_demand", Direction::FromDemand),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let p = Pairs::collect(&k.graph, &k.units, &k.sites, k.limit, dir).expect("valid");
                black_box(p.num_pairs())
            })
        });
    }
    let pairs = Pairs::collect(&k.graph, &k.units, &k.sites, k.limit, Direction::FromSupply).expect("valid");
    let supply: Vec<f64> = k.sites.iter().map(|s| s.supply).collect();
    let decay = Decay::drees();
    group.bench_function("two_step", |b| {
        b.iter(|| black_box(two_step(&pairs, &k.population, &supply, &decay).expect("valid")))
    });
    group.bench_function("nearest", |b| {
        b.iter(|| black_box(nearest_supply(&k.graph, &k.units, &k.sites).expect("valid")))
    });
    group.bench_function("whole_run", |b| {
        b.iter(|| {
            let m = GpModel::new(
                &k.graph,
                k.units.clone(),
                k.population.clone(),
                k.sites.clone(),
                decay.clone(),
                k.limit,
            )
            .expect("valid");
            let within = m
                .supply_within(&[minutes(10.0), minutes(20.0), k.limit])
                .expect("valid");
            black_box((m.nearest().expect("valid"), within))
        })
    });
    group.finish();
    eprintln!(
        "gp/{name}: {} nodes, {} units, {} sites, bound {} min, {} pairs",
        k.graph.num_nodes(),
        k.units.len(),
        k.sites.len(),
        k.limit / 600,
        pairs.num_pairs()
    );
}

fn benches(c: &mut Criterion) {
    bench_case(c, "france_communes", &commune_scale(), 10);
    bench_case(c, "departement_roads", &departement_on_roads(), 10);
}

criterion_group!(gp, benches);
criterion_main!(gp);
