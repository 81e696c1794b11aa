//! The 2SFCA checked by hand on drawn graphs, for supply conservation, for
//! thread-count independence, and against brute-force oracles (all-pairs
//! times from `route::one_to_all`) on seeded random graphs.
// Helpers shared with the tests that read ../shared/data (full suite).
#![cfg_attr(not(feature = "full-suite"), allow(dead_code, unused_imports))]

use std::collections::BTreeMap;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::graph::{Edge, RoadGraph};
use crate::route::{Label, one_to_all};
use crate::units::{NodeId, Time, UNREACHABLE, minutes};

fn both_ways(a: NodeId, b: NodeId, t: Time) -> [Edge; 2] {
    [Edge::new(a, b, t), Edge::new(b, a, t)]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
}

fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(close(*g, *w), "unit {i}: got {g}, want {w}");
    }
}

/// ```text
///   A (1000 people, 3 GPs) ---8 min--- B (500) ---6 min--- C (2000, 1 GP)
///    ^
///    | 2 min one-way D -> A (back from A to D: 25 min, around)
///    D (400)
/// ```
fn hand_graph() -> (RoadGraph, Vec<NodeId>, Vec<f64>, Vec<SupplySite>) {
    let (a, b, c, d) = (0, 1, 2, 3);
    let mut edges = Vec::new();
    edges.extend(both_ways(a, b, minutes(8.0)));
    edges.extend(both_ways(b, c, minutes(6.0)));
    edges.push(Edge::new(d, a, minutes(2.0)));
    edges.push(Edge::new(a, d, minutes(25.0)));
    let g = RoadGraph::from_edges(4, &edges).unwrap();
    let sites = vec![
        SupplySite {
            node: a,
            home: Some(0),
            supply: 3.0,
        },
        SupplySite {
            node: c,
            home: Some(2),
            supply: 1.0,
        },
    ];
    (g, vec![a, b, c, d], vec![1000.0, 500.0, 2000.0, 400.0], sites)
}

#[test]
fn hand_checked_drees_bands() {
    let (g, nodes, pop, sites) = hand_graph();
    let pairs = Pairs::collect(&g, &nodes, &sites, minutes(30.0), Direction::FromSupply).unwrap();
    // patient -> GP times: to A: A 0, B 8, C 14, D 2 ; to C: A 14, B 6, C 0, D 16
    assert_eq!(
        pairs.site(0),
        (
            &[0, 1, 2, 3][..],
            &[0, minutes(8.0), minutes(14.0), minutes(2.0)][..]
        )
    );
    assert_eq!(
        pairs.site(1),
        (
            &[0, 1, 2, 3][..],
            &[minutes(14.0), minutes(6.0), 0, minutes(16.0)][..]
        )
    );
    let fca = two_step(&pairs, &pop, &[3.0, 1.0], &Decay::drees()).unwrap();
    // weights: 0, 2, 6, 8 min -> 1 ; 14 min -> 2/3 ; 16 min -> 1/3
    let d1 = 1000.0 + 500.0 + 2000.0 * 2.0 / 3.0 + 400.0;
    let d2 = 1000.0 * 2.0 / 3.0 + 500.0 + 2000.0 + 400.0 / 3.0;
    assert_close(&fca.catchment_population, &[d1, d2]);
    let (r1, r2) = (3.0 / d1, 1.0 / d2);
    assert_close(&fca.ratio, &[r1, r2]);
    assert_close(
        &fca.accessibility,
        &[r1 + 2.0 / 3.0 * r2, r1 + r2, 2.0 / 3.0 * r1 + r2, r1 + r2 / 3.0],
    );
    let total: f64 = pop.iter().zip(&fca.accessibility).map(|(p, a)| p * a).sum();
    assert!(close(total, 4.0), "supply conserved: {total}");
}

#[test]
fn hand_checked_plain_and_gaussian() {
    let (g, nodes, pop, sites) = hand_graph();
    let pairs = Pairs::collect(&g, &nodes, &sites, minutes(20.0), Direction::FromSupply).unwrap();
    // plain 2SFCA, 10-minute catchment: A's GPs serve A, B, D ; C's serve B, C
    let plain = Decay::Binary {
        catchment: minutes(10.0),
    };
    let fca = two_step(&pairs, &pop, &[3.0, 1.0], &plain).unwrap();
    let (r1, r2) = (3.0 / 1900.0, 1.0 / 2500.0);
    assert_close(&fca.accessibility, &[r1, r1 + r2, r2, r1]);
    // Gaussian over 20 minutes: w(t) = (e^{-t²/800} - e^{-1/2}) / (1 - e^{-1/2})
    let gauss = Decay::Gaussian {
        catchment: minutes(20.0),
    };
    let w = |m: f64| ((-0.5 * (m / 20.0f64).powi(2)).exp() - (-0.5f64).exp()) / (1.0 - (-0.5f64).exp());
    let d1 = 1000.0 + w(8.0) * 500.0 + w(14.0) * 2000.0 + w(2.0) * 400.0;
    let d2 = w(14.0) * 1000.0 + w(6.0) * 500.0 + 2000.0 + w(16.0) * 400.0;
    let (r1, r2) = (3.0 / d1, 1.0 / d2);
    let fca = two_step(&pairs, &pop, &[3.0, 1.0], &gauss).unwrap();
    let want = [
        r1 + w(14.0) * r2,
        w(8.0) * r1 + w(6.0) * r2,
        w(14.0) * r1 + r2,
        w(2.0) * r1 + w(16.0) * r2,
    ];
    for (got, want) in fca.accessibility.iter().zip(want) {
        assert!((got - want).abs() < 1e-12 * want, "{got} vs {want}");
    }
}

#[test]
fn direction_is_patient_to_gp() {
    // Searching the forward graph from A would put D 25 minutes away, beyond
    // a 20-minute catchment; the patient drives D -> A in 2.
    let (g, nodes, _, sites) = hand_graph();
    for dir in [Direction::FromSupply, Direction::FromDemand] {
        let pairs = Pairs::collect(&g, &nodes, &sites[..1], minutes(20.0), dir).unwrap();
        assert_eq!(pairs.site(0).0, &[0, 1, 2, 3], "{dir:?}");
        assert_eq!(pairs.site(0).1[3], minutes(2.0), "{dir:?}");
    }
    let near = nearest_supply(&g, &nodes, &sites).unwrap();
    assert_eq!(
        near[3],
        Label {
            time: minutes(2.0),
            source: 0
        }
    );
}

#[test]
fn travel_inside_a_commune_is_zero() {
    // The GP's node is 4 minutes from the town hall of its own commune; the
    // commune still reaches it at 0, its neighbour at the graph's time.
    //   0 (town hall, commune 0) --4 min-- 1 (GP of commune 0) --4 min-- 2 (commune 1)
    let mut e = Vec::new();
    e.extend(both_ways(0, 1, minutes(4.0)));
    e.extend(both_ways(1, 2, minutes(4.0)));
    let g = RoadGraph::from_edges(3, &e).unwrap();
    let sites = [SupplySite {
        node: 1,
        home: Some(0),
        supply: 1.0,
    }];
    let pairs = Pairs::collect(&g, &[0, 2], &sites, minutes(20.0), Direction::FromSupply).unwrap();
    assert_eq!(pairs.site(0), (&[0, 1][..], &[0, minutes(4.0)][..]));
    let near = nearest_supply(&g, &[0, 2], &sites).unwrap();
    assert_eq!(near[0].time, 0);
    assert_eq!(near[1].time, minutes(4.0));
}

/// A random graph with small weights, ties, parallel arcs, one-ways and
/// an unreachable part; demand units and sites on random nodes (shared
/// nodes, homes, zero populations and supplies included).
fn random_case(rng: &mut ChaCha8Rng) -> (RoadGraph, Vec<NodeId>, Vec<f64>, Vec<SupplySite>) {
    let n = rng.random_range(1..40usize);
    let m = rng.random_range(0..4 * n);
    let cut = if rng.random_bool(0.3) {
        rng.random_range(0..=n)
    } else {
        n
    };
    let mut edges = Vec::new();
    for _ in 0..m {
        let a = rng.random_range(0..n) as NodeId;
        let mut b = rng.random_range(0..n) as NodeId;
        if (a as usize) < cut && (b as usize) >= cut {
            b = a;
        }
        let t = if rng.random_bool(0.1) {
            0
        } else {
            rng.random_range(0..=minutes(12.0))
        };
        edges.push(Edge::new(a, b, t));
        if rng.random_bool(0.5) {
            edges.push(Edge::new(b, a, t));
        }
    }
    let g = RoadGraph::from_edges(n, &edges).unwrap();
    let units = rng.random_range(1..30usize);
    let nodes: Vec<NodeId> = (0..units).map(|_| rng.random_range(0..n) as NodeId).collect();
    let pop: Vec<f64> = (0..units)
        .map(|_| {
            if rng.random_bool(0.1) {
                0.0
            } else {
                rng.random_range(1.0..5000.0f64).round()
            }
        })
        .collect();
    let num_sites = rng.random_range(0..12usize);
    let sites = (0..num_sites)
        .map(|_| {
            let home = rng.random_bool(0.5).then(|| rng.random_range(0..units) as u32);
            SupplySite {
                node: match home {
                    Some(h) if rng.random_bool(0.7) => nodes[h as usize],
                    _ => rng.random_range(0..n) as NodeId,
                },
                home,
                supply: if rng.random_bool(0.1) {
                    0.0
                } else {
                    rng.random_range(1..20) as f64
                },
            }
        })
        .collect();
    (g, nodes, pop, sites)
}

/// All-pairs patient -> site times by one-to-all on the backward graph,
/// with the home rule.
fn oracle_times(g: &RoadGraph, nodes: &[NodeId], sites: &[SupplySite]) -> Vec<Vec<Time>> {
    sites
        .iter()
        .map(|s| {
            let d = one_to_all(g.backward(), s.node);
            nodes
                .iter()
                .enumerate()
                .map(|(k, &v)| {
                    if s.home == Some(k as u32) {
                        0
                    } else {
                        d[v as usize]
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn pairs_match_brute_force_both_directions() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut nonempty = 0;
    for case in 0..400 {
        let (g, nodes, _, sites) = random_case(&mut rng);
        let limit = rng.random_range(0..=minutes(30.0));
        let times = oracle_times(&g, &nodes, &sites);
        let oracle = Pairs::from_fn(nodes.len(), &sites, limit, |k, j| times[j][k]).unwrap();
        let sup = Pairs::collect(&g, &nodes, &sites, limit, Direction::FromSupply).unwrap();
        let dem = Pairs::collect(&g, &nodes, &sites, limit, Direction::FromDemand).unwrap();
        assert_eq!(sup, oracle, "case {case}: supply side");
        assert_eq!(dem, oracle, "case {case}: demand side");
        nonempty += usize::from(oracle.num_pairs() > 0);
    }
    assert!(nonempty > 200, "the cases exercise real pairs ({nonempty})");
}

#[test]
fn supply_is_conserved_on_synthetic_graphs() {
    let syn = crate::synthetic::road_grid(40, 40, 11);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let n = syn.graph.num_nodes();
    // every node is a commune with people; 60 communes hold GPs
    let nodes: Vec<NodeId> = (0..n as NodeId).collect();
    let pop: Vec<f64> = (0..n)
        .map(|_| rng.random_range(50.0..3000.0f64).round())
        .collect();
    let mut sites: Vec<SupplySite> = (0..60)
        .map(|_| {
            let k = rng.random_range(0..n) as u32;
            SupplySite {
                node: k,
                home: Some(k),
                supply: rng.random_range(1..40) as f64,
            }
        })
        .collect();
    sites.sort_by_key(|s| s.node);
    sites.dedup_by_key(|s| s.node);
    let total: f64 = sites.iter().map(|s| s.supply).sum();
    let supply: Vec<f64> = sites.iter().map(|s| s.supply).collect();
    let pairs = Pairs::collect(&syn.graph, &nodes, &sites, minutes(20.0), Direction::FromSupply).unwrap();
    // not trivial: catchments overlap a lot
    assert!(pairs.num_pairs() > 10 * n, "{}", pairs.num_pairs());
    for decay in [
        Decay::Binary {
            catchment: minutes(10.0),
        },
        Decay::drees(),
        Decay::Gaussian {
            catchment: minutes(20.0),
        },
    ] {
        let fca = two_step(&pairs, &pop, &supply, &decay).unwrap();
        assert_eq!(fca.stranded_supply(&supply), 0.0);
        assert!(
            fca.accessibility.iter().all(|&a| a > 0.0),
            "every commune reaches a GP"
        );
        let sum: f64 = pop.iter().zip(&fca.accessibility).map(|(p, a)| p * a).sum();
        assert!((sum - total).abs() < 1e-9 * total, "{decay:?}: {sum} vs {total}");
    }
}

#[test]
fn conservation_with_stranded_supply_on_random_graphs() {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    for case in 0..300 {
        let (g, nodes, pop, sites) = random_case(&mut rng);
        let supply: Vec<f64> = sites.iter().map(|s| s.supply).collect();
        let pairs = Pairs::collect(&g, &nodes, &sites, minutes(20.0), Direction::FromSupply).unwrap();
        let fca = two_step(&pairs, &pop, &supply, &Decay::drees()).unwrap();
        let reached: f64 = supply.iter().sum::<f64>() - fca.stranded_supply(&supply);
        let sum: f64 = pop.iter().zip(&fca.accessibility).map(|(p, a)| p * a).sum();
        assert!(
            (sum - reached).abs() <= 1e-9 * reached.max(1.0),
            "case {case}: {sum} vs {reached}"
        );
    }
}

#[test]
fn identical_results_with_one_and_two_threads() {
    let syn = crate::synthetic::road_grid(60, 60, 5);
    let n = syn.graph.num_nodes() as NodeId;
    let nodes: Vec<NodeId> = (0..n).step_by(2).collect();
    let pop: Vec<f64> = nodes.iter().map(|&v| (v % 997) as f64 + 10.0).collect();
    let sites: Vec<SupplySite> = (0..n)
        .step_by(37)
        .map(|v| SupplySite {
            node: v,
            home: (v % 2 == 0).then_some(v / 2),
            supply: (v % 7 + 1) as f64,
        })
        .collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let sup =
                Pairs::collect(&syn.graph, &nodes, &sites, minutes(25.0), Direction::FromSupply).unwrap();
            let dem =
                Pairs::collect(&syn.graph, &nodes, &sites, minutes(25.0), Direction::FromDemand).unwrap();
            assert_eq!(sup, dem);
            let supply: Vec<f64> = sites.iter().map(|s| s.supply).collect();
            let fca = two_step(&sup, &pop, &supply, &Decay::drees()).unwrap();
            let bits: Vec<u64> = fca.accessibility.iter().map(|a| a.to_bits()).collect();
            (sup, bits)
        })
    };
    let (p1, a1) = run(1);
    let (p2, a2) = run(2);
    assert!(p1.num_pairs() > 10_000, "a real workload: {}", p1.num_pairs());
    assert_eq!(p1, p2);
    assert_eq!(a1, a2);
}

#[test]
fn nearest_and_within_match_brute_force() {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for case in 0..300 {
        let (g, nodes, _, sites) = random_case(&mut rng);
        let times = oracle_times(&g, &nodes, &sites);
        let near = nearest_supply(&g, &nodes, &sites).unwrap();
        for k in 0..nodes.len() {
            let best = (0..sites.len())
                .filter(|&j| sites[j].supply > 0.0 && times[j][k] != UNREACHABLE)
                .map(|j| Label {
                    time: times[j][k],
                    source: j as u32,
                })
                .min()
                .unwrap_or(Label::NONE);
            assert_eq!(near[k].time, best.time, "case {case} unit {k}");
        }
        let limits = [minutes(10.0), minutes(20.0), minutes(30.0)];
        let pairs = Pairs::collect(&g, &nodes, &sites, minutes(30.0), Direction::FromSupply).unwrap();
        let supply: Vec<f64> = sites.iter().map(|s| s.supply).collect();
        let within = supply_within(&pairs, &supply, &limits).unwrap();
        for (row, &lim) in within.iter().zip(&limits) {
            for k in 0..nodes.len() {
                let want: f64 = (0..sites.len())
                    .filter(|&j| times[j][k] <= lim)
                    .map(|j| supply[j])
                    .sum();
                assert_eq!(row[k], want, "case {case} unit {k}");
            }
        }
    }
}

#[test]
fn scenario_deltas_equal_rerun() {
    let mut rng = ChaCha8Rng::seed_from_u64(1234);
    let mut checked = 0;
    for case in 0..200 {
        let (g, nodes, pop, sites) = random_case(&mut rng);
        let model = GpModel::new(&g, nodes.clone(), pop.clone(), sites.clone(), Decay::drees(), 0).unwrap();
        let units = nodes.len() as u32;
        let mut changes = Vec::new();
        for _ in 0..rng.random_range(1..4) {
            let unit = rng.random_range(0..units);
            let have: f64 = sites
                .iter()
                .filter(|s| s.home == Some(unit))
                .map(|s| s.supply)
                .sum();
            let delta = if have > 0.0 && rng.random_bool(0.4) {
                -have.min(2.0)
            } else {
                rng.random_range(1..5) as f64
            };
            changes.push(SupplyChange { unit, delta });
        }
        let Ok(after) = model.sites_after(&changes) else {
            continue; // two removals on one unit can overshoot (an error, tested apart)
        };
        let delta = model.scenario(&changes).unwrap();
        let rerun = GpModel::new(&g, nodes.clone(), pop.clone(), after, Decay::drees(), 0).unwrap();
        let before = &model.fca().accessibility;
        let after = &rerun.fca().accessibility;
        for (k, (d, (a, b))) in delta.iter().zip(after.iter().zip(before)).enumerate() {
            let want = a - b;
            let scale = a.abs().max(b.abs()).max(1e-300);
            assert!(
                (d - want).abs() <= 1e-12 * scale,
                "case {case} unit {k}: {d} vs {want}"
            );
        }
        checked += 1;
    }
    assert!(checked > 150);
}

#[test]
fn scenario_rejects_impossible_changes() {
    let (g, nodes, pop, sites) = hand_graph();
    let m = GpModel::new(&g, nodes, pop, sites, Decay::drees(), 0).unwrap();
    // B has no GP to lose; A has 3, not 4; unit 9 does not exist
    for bad in [(1, -1.0), (0, -4.0), (9, 1.0), (0, f64::NAN)] {
        let e = m.scenario(&[SupplyChange {
            unit: bad.0,
            delta: bad.1,
        }]);
        assert!(e.is_err(), "{bad:?}");
    }
    // a retirement in A lowers A, B and D, and C by 2/3 of the share
    let d = m.scenario(&[SupplyChange { unit: 0, delta: -1.0 }]).unwrap();
    let d1 = 1000.0 + 500.0 + 2000.0 * 2.0 / 3.0 + 400.0;
    assert_close(&d, &[-1.0 / d1, -1.0 / d1, -2.0 / 3.0 / d1, -1.0 / d1]);
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let (g, nodes, pop, sites) = hand_graph();
    let far = SupplySite {
        node: 99,
        home: None,
        supply: 1.0,
    };
    assert!(Pairs::collect(&g, &nodes, &[far], 10, Direction::FromSupply).is_err());
    let homeless = SupplySite {
        node: 0,
        home: Some(9),
        supply: 1.0,
    };
    assert!(Pairs::collect(&g, &nodes, &[homeless], 10, Direction::FromSupply).is_err());
    assert!(Pairs::collect(&g, &[77], &sites, 10, Direction::FromDemand).is_err());
    let pairs = Pairs::collect(&g, &nodes, &sites, minutes(15.0), Direction::FromSupply).unwrap();
    // decay beyond the collected bound, wrong lengths, negative population
    assert!(two_step(&pairs, &pop, &[3.0, 1.0], &Decay::drees()).is_err());
    let d = Decay::Binary {
        catchment: minutes(15.0),
    };
    assert!(two_step(&pairs, &pop[..2], &[3.0, 1.0], &d).is_err());
    assert!(two_step(&pairs, &pop, &[3.0], &d).is_err());
    assert!(two_step(&pairs, &[-1.0, 0.0, 0.0, 0.0], &[3.0, 1.0], &d).is_err());
    assert!(supply_within(&pairs, &[3.0, 1.0], &[minutes(30.0)]).is_err());
}

#[cfg(feature = "full-suite")]
#[test]
fn real_supply_joins_the_published_communes() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
    let gps = read_bpe_d201(&Path::new(dir).join("gp-supply/gp_d201_by_commune.csv"))
        .unwrap()
        .by_commune;
    let apl = read_apl(
        &Path::new(dir).join("apl-drees-2023/apl_medecins_generalistes_2023_dep64_dep65.csv"),
        None,
    )
    .unwrap();
    let codes: Vec<String> = apl.iter().map(|r| r.insee.clone()).collect();
    let nodes: Vec<NodeId> = (0..codes.len() as NodeId).collect();
    let local: BTreeMap<String, f64> = gps
        .iter()
        .filter(|(c, _)| c.starts_with("64") || c.starts_with("65"))
        .map(|(c, &n)| (c.clone(), n))
        .collect();
    let (sites, unmatched) = sites_from_communes(&local, &codes, &nodes);
    assert!(unmatched.is_empty(), "{unmatched:?}");
    assert_eq!(sites.len(), 164);
    assert_eq!(sites.iter().map(|s| s.supply).sum::<f64>(), 751.0 + 251.0);
    let pau = codes.iter().position(|c| c == "64445").unwrap() as u32;
    assert!(sites.iter().any(|s| s.home == Some(pau) && s.supply == 87.0));
    // communes outside the list are reported with their supply
    let (_, unmatched) = sites_from_communes(&gps, &codes, &nodes);
    assert_eq!(unmatched.len(), 9528 - 164);
}

#[test]
fn demand_weights_multiply_population() {
    let codes = vec!["64001".to_string(), "64002".to_string()];
    let w: BTreeMap<String, f64> = [("64001".to_string(), 1.5)].into_iter().collect();
    let (p, missing) = weighted_population(&codes, &[100.0, 200.0], &w);
    assert_eq!(p, vec![150.0, 200.0]);
    assert_eq!(missing, vec!["64002".to_string()]);
}
