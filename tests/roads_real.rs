//! The real extracts of ../shared/data: two OSM PBF files and Corsica's
//! network in its two flat forms. Expected counts come from `osmium
//! fileinfo -e` and the folders' PROVENANCE.md, not from this code.

// The Corsica test reads ../shared/data (full suite); the PBF extracts are fixtures.
#![cfg_attr(not(feature = "full-suite"), allow(dead_code, unused_imports))]

mod common;

use std::path::Path;

use medaccess::roads::{CarProfile, RoadNetwork, SnapOptions, Snapper, read_pbf};
use medaccess::route::{nearest, one_to_all};
use medaccess::units::UNREACHABLE;

use common::{CORSE_LINKS, SBH, SBL};

const CORSE_MATSIM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/osm-fr-corse/corsica_network.matsim.xml.gz"
);

fn read(path: &str) -> RoadNetwork {
    common::read_roads(path, &CarProfile::france())
}

fn strongly_connected(net: &RoadNetwork) {
    let n = net.graph.num_nodes();
    assert!(
        one_to_all(net.graph.forward(), 0)
            .iter()
            .all(|&t| t != UNREACHABLE)
    );
    assert!(
        one_to_all(net.graph.backward(), 0)
            .iter()
            .all(|&t| t != UNREACHABLE)
    );
    assert_eq!(net.node_lonlat.len(), n);
    for e in &net.edges {
        let shape = net.shape(e);
        assert_eq!(shape[0], net.node_lonlat[e.from as usize]);
        assert_eq!(shape[shape.len() - 1], net.node_lonlat[e.to as usize]);
    }
}

#[test]
fn saint_barthelemy_pbf() {
    let net = read(SBH);
    let info = &net.info;
    // osmium fileinfo -e: 625 ways, newest element 2014-01-15T19:05:08Z, no
    // replication timestamp in the header.
    assert_eq!(info.report.ways_read, 625);
    assert_eq!(info.timestamp.as_deref(), Some("2014-01-15T19:05:08Z"));
    assert_eq!(info.report.missing_node_refs, 0);
    strongly_connected(&net);
    // A complete island: most of its roads form one component.
    assert!(net.graph.num_nodes() > 500, "{:?}", info.report);
    assert!(info.report.dropped_nodes < net.graph.num_nodes() as u64 / 10);
    // Every node inside the island's bbox (osmium: -63.07..-62.58, 17.67..18.14).
    for p in &net.node_lonlat {
        assert!(
            (-63.07..=-62.57).contains(&p[0]) && (17.67..=18.15).contains(&p[1]),
            "{p:?}"
        );
    }
    // The island is about 10 km across: no trip longer than 40 minutes.
    let worst = one_to_all(net.graph.forward(), 0).into_iter().max().unwrap();
    assert!(worst < 40 * 600, "{worst}");
}

#[test]
fn same_network_whatever_the_thread_count() {
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let two = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let a = one.install(|| read(SBH));
    let b = two.install(|| read(SBH));
    assert_eq!(a, b);
}

#[test]
fn st_brieuc_corridor_is_fragmented_and_reported() {
    // PROVENANCE: a corridor cut with `osmium tags-filter`, mostly railways;
    // its roads barely connect, so the largest component is small and the
    // report says so.
    let net = read(SBL);
    let r = &net.info.report;
    assert_eq!(r.ways_read, 752);
    assert_eq!(net.info.timestamp.as_deref(), Some("2023-04-09T10:16:35Z"));
    assert!(r.components > 10 && r.dropped_nodes > r.nodes, "{r:?}");
    strongly_connected(&net);
}

#[cfg(feature = "full-suite")]
#[test]
fn corsica_link_table_and_matsim_agree() {
    let links = read(CORSE_LINKS);
    let matsim = read(CORSE_MATSIM);
    assert_eq!(links.info.engine.as_str(), "links");
    assert_eq!(matsim.info.engine.as_str(), "matsim");
    // PROVENANCE: all car nodes in one component; 7 nodes serve only buses.
    assert_eq!(links.info.report.dropped_nodes, 7);
    // The two files list nodes in different orders: compare by node id.
    let arcs = |n: &RoadNetwork| {
        let mut v: Vec<(i64, i64, u32)> = n
            .graph
            .edges()
            .map(|e| {
                (
                    n.node_osm_id[e.from as usize],
                    n.node_osm_id[e.to as usize],
                    e.time,
                )
            })
            .collect();
        v.sort();
        v
    };
    let (a, b) = (arcs(&links), arcs(&matsim));
    assert_eq!(a.len(), b.len());
    // The table rounds lengths to the centimetre: a time may differ by 0.1 s.
    for (x, y) in a.iter().zip(&b) {
        assert!(x.0 == y.0 && x.1 == y.1 && x.2.abs_diff(y.2) <= 1, "{x:?} {y:?}");
    }
    // Lambert-93 converted by proj4rs vs PROJ's cs2cs (7 decimals).
    let pos: std::collections::HashMap<i64, [f64; 2]> = links
        .node_osm_id
        .iter()
        .copied()
        .zip(links.node_lonlat.iter().copied())
        .collect();
    for (id, b) in matsim.node_osm_id.iter().zip(&matsim.node_lonlat) {
        let a = pos[id];
        assert!(
            (a[0] - b[0]).abs() < 2e-7 && (a[1] - b[1]).abs() < 2e-7,
            "{a:?} {b:?}"
        );
    }
    strongly_connected(&links);
    // Ajaccio town hall to Bastia town hall: 144.5 km by road (PROVENANCE);
    // at the profile's speeds between 80 and 150 minutes.
    let s = Snapper::new(&links);
    let o = SnapOptions::default();
    let ajaccio = s.snap([8.7386, 41.9192], &o).unwrap();
    let bastia = s.snap([9.4509, 42.6974], &o).unwrap();
    assert!(ajaccio.distance_m < 200.0 && bastia.distance_m < 200.0);
    let fwd = nearest(links.graph.forward(), &ajaccio.origin_seeds(0), None);
    let t = bastia
        .inbound
        .iter()
        .map(|&(v, t)| fwd[v as usize].time + t)
        .min()
        .unwrap();
    let minutes = t as f64 / 600.0;
    assert!((80.0..150.0).contains(&minutes), "{minutes}");
}

#[test]
fn pbf_reader_is_the_format_reader() {
    let a = read_pbf(Path::new(SBH), &CarProfile::france(), &|_, _| {}).unwrap();
    let calls = std::sync::Mutex::new(Vec::new());
    let b = read_pbf(Path::new(SBH), &CarProfile::france(), &|d, t| {
        calls.lock().unwrap().push((d, t))
    })
    .unwrap();
    assert_eq!(a, b);
    let calls = calls.into_inner().unwrap();
    let size = std::fs::metadata(SBH).unwrap().len();
    assert_eq!(calls.last(), Some(&(size, size)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
}
