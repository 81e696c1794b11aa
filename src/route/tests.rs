//! Every search checked against slow, obvious oracles — petgraph's Dijkstra
//! and a brute-force Bellman-Ford — on seeded random graphs with zero-weight
//! arcs, parallel arcs, self-loops, unreachable parts and many ties.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::graph::{Edge, RoadGraph};
use crate::units::{NO_NODE, NodeId, Time, UNREACHABLE};

/// A random graph: small weights (many ties, some zero), parallel arcs and
/// self-loops, and often a part that cannot be reached.
fn random_graph(rng: &mut ChaCha8Rng) -> RoadGraph {
    let n = rng.random_range(1..40usize);
    let m = rng.random_range(0..4 * n);
    let max_w = *[1u32, 3, 10, 1000].get(rng.random_range(0..4usize)).unwrap();
    // nodes >= cut are only reachable from each other
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
            b = a; // self-loop instead of a bridge
        }
        let w = if rng.random_bool(0.15) {
            0
        } else {
            rng.random_range(0..=max_w)
        };
        edges.push(Edge::new(a, b, w));
        if rng.random_bool(0.1) {
            edges.push(Edge::new(a, b, rng.random_range(0..=max_w))); // parallel arc
        }
    }
    RoadGraph::from_edges(n, &edges).unwrap()
}

/// Brute force: relax every arc until nothing changes.
fn bellman_ford(g: &RoadGraph, sources: &[(NodeId, Time)]) -> Vec<Time> {
    let mut d = vec![u64::MAX; g.num_nodes()];
    for &(s, t) in sources {
        d[s as usize] = d[s as usize].min(t as u64);
    }
    let edges: Vec<Edge> = g.edges().collect();
    loop {
        let mut changed = false;
        for e in &edges {
            let (a, b) = (e.from as usize, e.to as usize);
            if d[a] != u64::MAX && d[a] + (e.time as u64) < d[b] {
                d[b] = d[a] + e.time as u64;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    d.into_iter()
        .map(|x| if x == u64::MAX { UNREACHABLE } else { x as Time })
        .collect()
}

fn petgraph_dijkstra(g: &RoadGraph, s: NodeId) -> Vec<Time> {
    let pg = g.to_petgraph();
    let map = petgraph::algo::dijkstra(&pg, s.into(), None, |e| *e.weight() as u64);
    (0..g.num_nodes())
        .map(|v| {
            map.get(&petgraph::graph::NodeIndex::new(v))
                .map_or(UNREACHABLE, |&x| x as Time)
        })
        .collect()
}

fn reversed(g: &RoadGraph) -> RoadGraph {
    let e: Vec<Edge> = g.edges().map(|e| Edge::new(e.to, e.from, e.time)).collect();
    RoadGraph::from_edges(g.num_nodes(), &e).unwrap()
}

#[test]
fn one_to_all_matches_oracles() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut ws = OneToAll::new(0);
    for _ in 0..3000 {
        let g = random_graph(&mut rng);
        let s = rng.random_range(0..g.num_nodes()) as NodeId;
        let expect = petgraph_dijkstra(&g, s);
        assert_eq!(expect, bellman_ford(&g, &[(s, 0)]));
        assert_eq!(one_to_all(g.forward(), s), expect);
        assert_eq!(ws.run(g.forward(), s), &expect[..], "reused workspace");
        // backward search = forward search on the reversed graph
        assert_eq!(one_to_all(g.backward(), s), petgraph_dijkstra(&reversed(&g), s));
    }
}

/// The slow definition of nearest/second-nearest: lexicographic (time, index).
fn brute_nearest(g: &RoadGraph, seeds: &[Seed], num_sources: usize, limit: Time) -> Nearest {
    let per_source: Vec<Vec<Time>> = (0..num_sources as u32)
        .map(|s| {
            let entries: Vec<(NodeId, Time)> = seeds
                .iter()
                .filter(|x| x.source == s)
                .map(|x| (x.node, x.time))
                .collect();
            bellman_ford(g, &entries)
        })
        .collect();
    let mut first = vec![Label::NONE; g.num_nodes()];
    let mut second = vec![Label::NONE; g.num_nodes()];
    for v in 0..g.num_nodes() {
        let mut labels: Vec<Label> = per_source
            .iter()
            .enumerate()
            .filter(|(_, d)| d[v] <= limit)
            .map(|(s, d)| Label {
                time: d[v],
                source: s as u32,
            })
            .collect();
        labels.sort();
        if let Some(&l) = labels.first() {
            first[v] = l;
        }
        if let Some(&l) = labels.get(1) {
            second[v] = l;
        }
    }
    Nearest { first, second }
}

/// `g` with every arc doubled the other way: a symmetric graph, whose
/// backward arrays are its forward ones (`nearest_two`'s own path).
fn symmetrised(g: &RoadGraph) -> RoadGraph {
    let edges: Vec<Edge> = g
        .edges()
        .flat_map(|e| [e, Edge::new(e.to, e.from, e.time)])
        .collect();
    let s = RoadGraph::from_edges(g.num_nodes(), &edges).unwrap();
    assert!(s.is_symmetric());
    assert!(std::ptr::eq(s.forward(), s.backward()));
    s
}

#[test]
fn nearest_and_second_match_brute_force() {
    check_nearest_two_against_brute_force(2, |g| g);
}

#[test]
fn nearest_and_second_match_brute_force_on_symmetric_graphs() {
    check_nearest_two_against_brute_force(12, |g| symmetrised(&g));
}

fn check_nearest_two_against_brute_force(seed: u64, shape: impl Fn(RoadGraph) -> RoadGraph) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut symmetric = 0;
    for case in 0..3000 {
        let g = shape(random_graph(&mut rng));
        symmetric += g.is_symmetric() as usize;
        let k = rng.random_range(0..6usize);
        // several sources may share a node; a source may enter at several
        // nodes, with a starting time
        let mut seeds = Vec::new();
        for s in 0..k as u32 {
            for _ in 0..rng.random_range(1..3) {
                let node = rng.random_range(0..g.num_nodes()) as NodeId;
                let time = if rng.random_bool(0.5) {
                    0
                } else {
                    rng.random_range(0..10)
                };
                seeds.push(Seed {
                    node,
                    time,
                    source: s,
                });
            }
        }
        let limit = if rng.random_bool(0.3) {
            rng.random_range(0..50)
        } else {
            UNREACHABLE - 1
        };
        let lim = (limit != UNREACHABLE - 1).then_some(limit);
        let expect = brute_nearest(&g, &seeds, k, limit);
        let got = nearest_two(g.forward(), g.backward(), &seeds, lim);
        assert_eq!(got, expect, "case {case}: {g:?} seeds {seeds:?} limit {limit}");
        assert_eq!(nearest(g.forward(), &seeds, lim), expect.first, "case {case}");
        for l in &expect.second {
            assert!(l.is_none() || l.source != NO_NODE);
        }
    }
    // (the plain random graphs are symmetric only when tiny)
    assert!(symmetric > 100, "{symmetric} symmetric graphs");
}

#[test]
fn bounded_matches_oracle_and_touches_only_what_it_reached() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut ws = BoundedSearch::new(0);
    for _ in 0..3000 {
        let g = random_graph(&mut rng);
        let k = rng.random_range(1..4usize);
        let sources: Vec<(NodeId, Time)> = (0..k)
            .map(|_| {
                (
                    rng.random_range(0..g.num_nodes()) as NodeId,
                    rng.random_range(0..20),
                )
            })
            .collect();
        let limit = rng.random_range(0..100);
        let full = bellman_ford(&g, &sources);
        let reached = ws.run(g.forward(), &sources, limit).to_vec();
        for v in 0..g.num_nodes() as NodeId {
            let expect = if full[v as usize] <= limit {
                full[v as usize]
            } else {
                UNREACHABLE
            };
            assert_eq!(ws.time(v), expect);
        }
        let expect_reached: Vec<(NodeId, Time)> = (0..g.num_nodes() as NodeId)
            .filter(|&v| full[v as usize] <= limit)
            .map(|v| (v, full[v as usize]))
            .collect();
        assert!(
            reached.windows(2).all(|w| w[0].1 <= w[1].1),
            "settled in time order"
        );
        let mut sorted = reached.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, expect_reached, "each reached node settled once");
    }
}

#[test]
fn matrix_matches_oracle() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    for round in 0..2000 {
        let g = random_graph(&mut rng);
        let n = g.num_nodes();
        // both shapes: fewer sources (forward searches) and fewer targets
        // (backward searches)
        let src: Vec<NodeId> = (0..rng.random_range(0..8))
            .map(|_| rng.random_range(0..n) as NodeId)
            .collect();
        let tgt: Vec<NodeId> = (0..rng.random_range(0..8))
            .map(|_| rng.random_range(0..n) as NodeId)
            .collect();
        let limit = rng.random_bool(0.5).then(|| rng.random_range(0..60));
        let m = matrix(&g, &src, &tgt, limit);
        assert_eq!((m.rows, m.cols), (src.len(), tgt.len()));
        let ch = ContractionHierarchy::new(&g);
        assert_eq!(ch.matrix(&src, &tgt, limit), m, "round {round}");
        for (i, &s) in src.iter().enumerate() {
            let d = petgraph_dijkstra(&g, s);
            for (j, &t) in tgt.iter().enumerate() {
                let x = d[t as usize];
                let expect = match limit {
                    Some(l) if x > l => UNREACHABLE,
                    _ => x,
                };
                assert_eq!(m.get(i, j), expect, "round {round}");
            }
        }
    }
}

/// The hierarchy's matrix equals Dijkstra's on road grids (one-way
/// streets, thousands of nodes: deep hierarchies with many shortcuts), with
/// and without a limit, whatever the thread count.
#[test]
fn contraction_hierarchy_matches_dijkstra_on_grids() {
    for (w, h, seed) in [(40, 30, 3), (25, 60, 8)] {
        let g = crate::synthetic::road_grid(w, h, seed).graph;
        let n = g.num_nodes();
        let src: Vec<NodeId> = (0..60).map(|i| (i * 7919 % n) as NodeId).collect();
        let tgt: Vec<NodeId> = (0..70).map(|i| (i * 104_729 % n) as NodeId).collect();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| ContractionHierarchy::new(&g))
        };
        let ch = run(2);
        assert!(ch.num_arcs() >= g.num_arcs());
        assert_eq!(ch.num_arcs(), run(1).num_arcs());
        for limit in [None, Some(3000)] {
            let want = matrix(&g, &src, &tgt, limit);
            assert!(want.times.iter().any(|&t| t != UNREACHABLE && t > 0));
            assert_eq!(ch.matrix(&src, &tgt, limit), want, "{w}x{h} limit {limit:?}");
            assert_eq!(ch.matrix(&tgt, &src, limit), matrix(&g, &tgt, &src, limit));
        }
    }
}

/// ```text
///   patient P=0 ----1 km, one-way P->H----> H=1
///        ^                                  |
///        +------ 10 km detour, two-way -----+
/// ```
/// Driving P -> H takes the one-way street; coming back from H takes the
/// detour. A search from the facility must run on the backward graph to give
/// the patient's time.
#[test]
fn one_way_street_direction() {
    let g = RoadGraph::from_edges(
        2,
        &[Edge::new(0, 1, 720), Edge::new(0, 1, 7200), Edge::new(1, 0, 7200)],
    )
    .unwrap();
    let (p, h) = (0, 1);
    assert_eq!(one_to_all(g.forward(), p)[h as usize], 720, "patient to hospital");
    assert_eq!(
        one_to_all(g.forward(), h)[p as usize],
        7200,
        "hospital to patient"
    );
    // from the facility on the backward graph: the patient's time
    assert_eq!(
        nearest(g.backward(), &Seed::at_nodes(&[h]), None)[p as usize],
        Label { time: 720, source: 0 }
    );
    assert_eq!(
        nearest(g.forward(), &Seed::at_nodes(&[h]), None)[p as usize].time,
        7200
    );
    assert_eq!(matrix(&g, &[p], &[h], None).get(0, 0), 720);
    assert_eq!(matrix(&g, &[h], &[p], None).get(0, 0), 7200);
}

#[test]
fn same_result_whatever_the_thread_count() {
    let syn = crate::synthetic::road_grid(60, 60, 11);
    let g = &syn.graph;
    assert!(!g.is_symmetric()); // (one-way streets)
    let s = symmetrised(g);
    let sources: Vec<NodeId> = (0..200).map(|i| (i * 17 % g.num_nodes()) as NodeId).collect();
    let targets: Vec<NodeId> = (0..50).map(|i| (i * 71 % g.num_nodes()) as NodeId).collect();
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let seeds = Seed::at_nodes(&sources);
            let two = nearest_two(g.backward(), g.forward(), &seeds, None);
            let sym = nearest_two(s.backward(), s.forward(), &seeds, None);
            (
                matrix(g, &sources, &targets, Some(6000)),
                matrix(g, &targets, &sources, Some(6000)),
                ContractionHierarchy::new(g).matrix(&sources, &targets, None),
                two.first,
                two.second,
                sym,
            )
        })
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a, b);
    assert!(a.0.times.iter().any(|&t| t != UNREACHABLE && t > 0));
    assert!(a.1.times.iter().any(|&t| t != UNREACHABLE && t > 0));
    // nearest_two shares its cells (4 per claim) between threads
    assert!(a.4.iter().filter(|l| !l.is_none()).count() > g.num_nodes() / 2);
}

/// Every queue, not only the default, gives the oracles' answers (the
/// benches compare them, so all must be right).
#[test]
fn every_queue_matches_oracles() {
    use super::queue::{BinaryQueue, DialQueue, MonotoneQueue, PooledDialQueue, RadixQueue};

    fn check<Q: MonotoneQueue>(seed: u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut one = OneToAll::<Q>::with_queue(0);
        let mut bounded = BoundedSearch::<Q>::with_queue(0);
        for case in 0..700 {
            let g = random_graph(&mut rng);
            let n = g.num_nodes();
            let s = rng.random_range(0..n) as NodeId;
            let full = bellman_ford(&g, &[(s, 0)]);
            assert_eq!(one.run(g.forward(), s), &full[..], "case {case}");
            let limit = rng.random_range(0..60);
            bounded.run(g.forward(), &[(s, 0)], limit);
            for v in 0..n as NodeId {
                let expect = if full[v as usize] <= limit {
                    full[v as usize]
                } else {
                    UNREACHABLE
                };
                assert_eq!(bounded.time(v), expect, "case {case}");
            }
            let k = rng.random_range(1..5usize);
            let seeds: Vec<Seed> = (0..2 * k)
                .map(|i| Seed {
                    node: rng.random_range(0..n) as NodeId,
                    time: rng.random_range(0..8),
                    source: (i % k) as u32,
                })
                .collect();
            let expect = brute_nearest(&g, &seeds, k, UNREACHABLE - 1);
            assert_eq!(
                nearest_two_with::<Q>(g.forward(), g.backward(), &seeds, None),
                expect,
                "case {case}"
            );
            assert_eq!(
                nearest_with::<Q>(g.forward(), &seeds, None),
                expect.first,
                "case {case}"
            );
        }
    }
    check::<BinaryQueue>(21);
    check::<RadixQueue>(22);
    check::<DialQueue>(23);
    check::<PooledDialQueue>(24);
}

/// Source indices need not be compact: huge ones (grouped into cells by a
/// sort instead of a counting sort) give the same labels as small ones.
#[test]
fn nearest_two_with_sparse_source_indices() {
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    for case in 0..300 {
        let g = random_graph(&mut rng);
        let n = g.num_nodes();
        let k = rng.random_range(1..5u32);
        let small: Vec<Seed> = (0..2 * k)
            .map(|i| Seed {
                node: rng.random_range(0..n) as NodeId,
                time: rng.random_range(0..8),
                source: i % k,
            })
            .collect();
        // order-preserving, far apart
        let big_id = |s: u32| 4_000_000_000 - (k - s) * 100_000_000;
        let big: Vec<Seed> = small
            .iter()
            .map(|x| Seed {
                source: big_id(x.source),
                ..*x
            })
            .collect();
        let expect = nearest_two(g.forward(), g.backward(), &small, None);
        let got = nearest_two(g.forward(), g.backward(), &big, None);
        let relabel = |l: Label| {
            if l.is_none() {
                l
            } else {
                Label {
                    source: big_id(l.source),
                    ..l
                }
            }
        };
        assert_eq!(
            got.first,
            expect.first.iter().map(|&l| relabel(l)).collect::<Vec<_>>(),
            "case {case}"
        );
        assert_eq!(
            got.second,
            expect.second.iter().map(|&l| relabel(l)).collect::<Vec<_>>(),
            "case {case}"
        );
    }
}

/// Dial's queue is chosen for road-like arcs, a radix heap for long ones.
#[test]
fn queue_choice_follows_arc_times() {
    use super::queue::dial_suits;
    let grid = crate::synthetic::road_grid(30, 30, 1).graph;
    assert!(dial_suits(grid.forward()));
    let long: Vec<Edge> = (0..50).map(|i| Edge::new(i, (i + 1) % 50, 9000 + i)).collect();
    let g = RoadGraph::from_edges(50, &long).unwrap();
    assert!(!dial_suits(g.forward()));
    assert!(dial_suits(RoadGraph::from_edges(3, &[]).unwrap().forward()));
}

/// Long arcs (beyond the Dial queue's window) and far-apart seed times go
/// through its overflow heap and must come back in order.
#[test]
fn long_arcs_and_late_seeds() {
    // 0 --100000--> 1 --3--> 2 ;  0 --5000--> 3 --3000--> 2
    let g = RoadGraph::from_edges(
        4,
        &[
            Edge::new(0, 1, 100_000),
            Edge::new(1, 2, 3),
            Edge::new(0, 3, 5000),
            Edge::new(3, 2, 3000),
        ],
    )
    .unwrap();
    assert_eq!(one_to_all(g.forward(), 0), vec![0, 100_000, 8000, 5000]);
    let seeds = [
        Seed {
            node: 1,
            time: 0,
            source: 1,
        },
        Seed {
            node: 0,
            time: 90_000,
            source: 0,
        },
    ];
    let near = nearest_two(g.forward(), g.backward(), &seeds, None);
    assert_eq!(near.first[2], Label { time: 3, source: 1 });
    assert_eq!(
        near.second[2],
        Label {
            time: 98_000,
            source: 0
        }
    );
    assert_eq!(
        near.first[3],
        Label {
            time: 95_000,
            source: 0
        }
    );
}

/// A seed whose source is `u32::MAX` (the "none" index) is ignored, and a
/// limit of `UNREACHABLE` is no limit.
#[test]
fn seeds_of_no_source_are_ignored() {
    let g = RoadGraph::from_edges(2, &[Edge::new(0, 1, 5), Edge::new(1, 0, 5)]).unwrap();
    let seeds = [
        Seed {
            node: 0,
            time: 0,
            source: NO_NODE,
        },
        Seed {
            node: 1,
            time: 0,
            source: 0,
        },
    ];
    let two = nearest_two(g.forward(), g.backward(), &seeds, Some(UNREACHABLE));
    let l = |time| Label { time, source: 0 };
    assert_eq!(two.first, vec![l(5), l(0)]);
    assert_eq!(two.second, vec![Label::NONE; 2]);
    assert_eq!(nearest(g.forward(), &seeds, Some(UNREACHABLE)), two.first);
}
