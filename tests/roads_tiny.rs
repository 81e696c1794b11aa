//! The hand-written fixture `fixtures/osm/tiny.osm` (drawn in the file and
//! in fixtures/osm/README.md) with times worked out by hand.
//!
//! Lengths are haversine on R = 6,371,008.8 m; 0.01° of latitude is
//! 1,111.95 m, 0.01° of longitude at 45° is 786.27 m.

mod common;

use std::path::Path;

use medaccess::roads::{CarProfile, RoadNetwork, SnapOptions, Snapper, read_osm_xml};
use medaccess::route::{Seed, nearest, nearest_two, one_to_all};
use medaccess::units::UNREACHABLE;

use common::TINY;

/// At class speeds: the times below were worked out without the
/// winding-road correction, which has its own case
/// ([`winding_slows_the_corner_chain`]).
fn tiny() -> RoadNetwork {
    read_osm_xml(Path::new(TINY), &CarProfile::france().without_winding()).unwrap()
}

fn node(net: &RoadNetwork, osm: i64) -> u32 {
    net.node_osm_id
        .iter()
        .position(|&x| x == osm)
        .unwrap_or_else(|| panic!("OSM node {osm} not in graph")) as u32
}

fn time(net: &RoadNetwork, from: i64, to: i64) -> u32 {
    let r = one_to_all(net.graph.forward(), node(net, from));
    r[node(net, to) as usize]
}

/// Patient at `p` to facility at `q` (both `[lon, lat]`): a forward search
/// from p's outbound seeds, finished through q's inbound seeds.
fn trip(net: &RoadNetwork, p: [f64; 2], q: [f64; 2]) -> u32 {
    let snapper = Snapper::new(net);
    let opts = SnapOptions::default();
    let (sp, sq) = (snapper.snap(p, &opts).unwrap(), snapper.snap(q, &opts).unwrap());
    let fwd = nearest(net.graph.forward(), &sp.origin_seeds(0), None);
    sq.inbound
        .iter()
        .map(|&(v, t)| fwd[v as usize].time.saturating_add(t))
        .min()
        .unwrap()
}

const A: [f64; 2] = [1.0, 45.0];
const H: [f64; 2] = [1.01, 45.03];

#[test]
fn what_is_kept_and_dropped() {
    let net = tiny();
    let r = &net.info.report;
    // Graph nodes: C D F H P S K L. The corners A and E, B and G (one road
    // through each once the private shortcut is gone) and Q (inside the
    // roundabout) are contracted: C-B-A-E-F is one edge. T (one-way trap) and
    // X, Y (island) are dropped.
    let mut ids = net.node_osm_id.clone();
    ids.sort();
    assert_eq!(ids, vec![3, 4, 6, 8, 10, 12, 13, 14]);
    // B, G and Q are inside ways (never split there); A and E end ways and
    // are removed by contraction.
    assert_eq!(r.contracted_nodes, 2);
    assert_eq!(r.components, 3);
    assert_eq!(r.dropped_nodes, 3);
    assert_eq!(r.dropped_edges, 2);
    assert_eq!(r.ways_read, 13);
    assert_eq!(r.ways_routable, 10); // all but private, track, footway
    assert_eq!(net.info.timestamp.as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(net.info.engine.as_str(), "osm");
    assert_eq!(net.graph.num_nodes(), 8);
    assert_eq!(r.nodes, 8);
}

#[test]
fn one_way_and_speeds() {
    let net = tiny();
    // A -> H: A-E residential FR:urban 786.27 m @ 50 = 566.1 ds,
    // E-F 1111.95 m @ 30 mph (48.28 km/h) = 829.1 ds, F-G-H 2223.9 m = 1658.2 ds;
    // D-H is one-way H -> D, so the west road is no use: 566 + 829 + 1658.
    assert_eq!(trip(&net, A, H), 3053);
    // H -> A: H-D tertiary 786.05 m @ 70 = 404.2 ds, D-C 1111.95 m @ 80
    // (FR:rural) = 500.4 ds, C-B-A 2223.9 m = 1000.8 ds.
    assert_eq!(trip(&net, H, A), 404 + 500 + 1001);
    assert_eq!(time(&net, 8, 3), 404 + 500);
}

/// The corner chain C-B-A-E-F (C at 45.02° N, F at 1.01° E 45.01° N) is
/// 2223.9 + 786.27 + 1111.95 = 4122.1 m long for about 1.36 km between its
/// ends: sinuosity 3.0, beyond π/2, so all of it is bends, driven at
/// 40 km/h where the class is faster: C-B-A 2223.9 m 1000.8 → 2001.5 ds,
/// A-E 786.27 m 566.1 → 707.6 ds, E-F 1111.95 m 829.1 → 1000.8 ds. The
/// straight edges (H-D, D-C: sinuosity 1) keep their class times.
#[test]
fn winding_slows_the_corner_chain() {
    let net = read_osm_xml(Path::new(TINY), &CarProfile::france()).unwrap();
    assert_eq!(time(&net, 3, 6), 3710);
    // F -> C now goes round by H and D (F-G-H 1658 ds, H-D 404, D-C 500):
    // the slowed chain is no longer the fastest way (D -> H is forbidden, so
    // C -> F cannot do the same).
    assert_eq!(time(&net, 6, 3), 1658 + 404 + 500);
    assert_eq!(time(&net, 8, 3), 404 + 500);
    // Snapped onto the chain at A: its shape times are slowed too (C-B-A
    // 2001.5 ds, rounded up).
    assert_eq!(trip(&net, H, A), 404 + 500 + 2002);
}

#[test]
fn roundabout_ferry_and_private() {
    let net = tiny();
    // C -> S: C-P on the roundabout (maxspeed 30, 324.1 m) 388.9 ds, P-S
    // (FR:zone30, 444.8 m) 533.7 ds. S -> C must go round: P-Q-C 922.7 ds.
    assert_eq!(time(&net, 3, 12), 389 + 534);
    assert_eq!(time(&net, 12, 3), 534 + 923);
    // H -> L: ferry duration 00:30 = 18000 ds, K-L residential 30 km/h
    // 785.86 m = 943.0 ds.
    assert_eq!(time(&net, 8, 14), 18000 + 943);
    // The private B-G shortcut is not used: B -> G would be 1112 m; without it
    // from C (next to B) to G one goes round by A and E.
    assert_eq!(time(&net, 3, 8), 1001 + 566 + 829 + 1658);
}

#[test]
fn snapping_seeds_both_directions() {
    let net = tiny();
    let snapper = Snapper::new(&net);
    let opts = SnapOptions::default();
    // 100 m east of the west road, halfway between A (45.000) and B (45.010).
    let p = [1.0 + 100.0 / 78_626.0, 45.005];
    let s = snapper.snap(p, &opts).unwrap();
    assert!((s.distance_m - 100.0).abs() < 0.5, "{}", s.distance_m);
    assert_eq!(s.leg, 240); // 100 m at 15 km/h = 24 s
    assert!(!s.far);
    // The edge is C-B-A-E-F: C is 1667.9 m north (750.6 ds at 80); F is
    // 555.97 m south (250.2 ds) then A-E-F (566.1 + 829.1 ds).
    let (c, f) = (node(&net, 3), node(&net, 6));
    let mut out = s.outbound.clone();
    out.sort();
    let mut want = vec![(f, 240 + 1645), (c, 240 + 751)];
    want.sort();
    assert_eq!(out, want);
    // Patient at p to facility at H: forward search from p's seeds.
    let fwd = nearest(net.graph.forward(), &s.origin_seeds(0), None);
    assert_eq!(fwd[node(&net, 8) as usize].time, 240 + 1645 + 1658);
    // The same from the facility side: backward search from H.
    let h = snapper.snap([1.010, 45.030], &opts).unwrap();
    let back = nearest(net.graph.backward(), &h.destination_seeds(0), None);
    let via_a = 240 + 1645 + 1658;
    assert_eq!(
        s.origin_seeds(0)
            .iter()
            .map(|sd| sd.time + back[sd.node as usize].time)
            .min(),
        Some(via_a)
    );
    // The island and the one-way trap were dropped: a point there snaps to the
    // kept network, far away.
    let island = snapper.snap([1.055, 45.0], &opts).unwrap();
    assert!(island.far && island.distance_m > 2000.0);
    let rep = snapper.snap_all(&[p, [1.055, 45.0]], &opts).unwrap();
    assert_eq!(rep.far, vec![1]);
    // Several facilities: H (source 0) and S (source 1); the patient at p
    // reaches S (via C, 240 + 751 + 389 + 534) before H (240 + 1645 + 1658).
    let fac = snapper
        .snap_all(&[[1.010, 45.030], [1.003, 45.026]], &opts)
        .unwrap();
    let seeds: Vec<Seed> = fac
        .snaps
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.destination_seeds(i as u32))
        .collect();
    let labels = nearest(net.graph.backward(), &seeds, None);
    let best = s.reach(&labels);
    assert_eq!((best.source, best.time), (1, 240 + 751 + 389 + 534));
    let two = nearest_two(net.graph.backward(), net.graph.forward(), &seeds, None);
    let (a, b) = s.reach_two(&two);
    assert_eq!((a.source, a.time), (1, 240 + 751 + 389 + 534));
    assert_eq!((b.source, b.time), (0, 240 + 1645 + 1658));
    assert!(
        net.edges
            .iter()
            .all(|e| e.time_fwd != UNREACHABLE || e.time_bwd != UNREACHABLE)
    );
}
