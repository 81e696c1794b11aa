//! From ways to road pieces, and from pieces to a [`RoadNetwork`].
//!
//! A way is split at every node it shares with another way (or with itself)
//! and at its ends, as osm2streets' `split_ways` and OSMnx do; segments that
//! touch a node absent from the file are dropped and counted.

use rayon::prelude::*;

use super::contract::Chain;
use super::contract::{Contracted, Step};
use super::{
    CarProfile, E7, ImportReport, NetworkInfo, RoadEdge, RoadNetwork, WaySpeed, WindingParams, from_e7,
    haversine_m,
};
use crate::error::{Error, Result};
use crate::graph::{Edge, RoadGraph};
use crate::units::{NO_NODE, NodeId, Time, UNREACHABLE};

/// A routable way: its node references are `refs[start..start + len]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawWay {
    pub id: i64,
    pub start: usize,
    pub len: usize,
    pub speed: WaySpeed,
}

/// A road between two nodes before contraction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece {
    pub from: u32,
    pub to: u32,
    pub fwd: bool,
    pub bwd: bool,
    pub snappable: bool,
    /// Whether the winding-road correction may slow it (see
    /// [`super::WindingParams`]).
    pub winding: bool,
    pub way_id: i64,
    /// Shape in `Pieces::points[start..start + len]`.
    pub start: usize,
    pub len: usize,
    pub length_m: f64,
    /// Seconds forward and backward along the whole piece (spread over its
    /// segments in proportion to their great-circle lengths).
    pub total_s: [f32; 2],
}

/// Road pieces with their nodes and shapes, compact: 8 bytes per shape
/// point (1e-7 degrees); times are per piece, for one way has one speed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pieces {
    pub node_pos: Vec<E7>,
    pub node_id: Vec<i64>,
    pub pieces: Vec<Piece>,
    pub points: Vec<E7>,
}

impl Pieces {
    /// Appends a piece through `shape` taking `seconds` (forward, backward).
    pub fn push(&mut self, mut p: Piece, shape: &[E7], seconds: [f64; 2]) {
        p.start = self.points.len();
        p.len = shape.len();
        p.total_s = [seconds[0] as f32, seconds[1] as f32];
        self.points.extend_from_slice(shape);
        self.pieces.push(p);
    }
}

impl Piece {
    /// Total seconds of the piece walked forward or not: (time along the
    /// walk, time against it).
    pub fn seconds(&self, forward: bool) -> [f64; 2] {
        let t = self.total_s;
        if forward {
            [t[0] as f64, t[1] as f64]
        } else {
            [t[1] as f64, t[0] as f64]
        }
    }
}

/// Sorted unique node ids referenced by the ways, and how often each is
/// used (a way's ends count twice so that they always become graph nodes).
pub(crate) fn used_nodes(ways: &[RawWay], refs: &[i64]) -> (Vec<i64>, Vec<u8>) {
    let mut sorted = refs.to_vec();
    sorted.par_sort_unstable();
    let distinct = 1 + sorted.windows(2).filter(|w| w[0] != w[1]).count();
    let mut ids = Vec::with_capacity(distinct);
    let mut uses: Vec<u8> = Vec::with_capacity(distinct);
    for &id in &sorted {
        if ids.last() == Some(&id) {
            let u = uses.last_mut().expect("same length as ids");
            *u = u.saturating_add(1);
        } else {
            ids.push(id);
            uses.push(1);
        }
    }
    drop(sorted);
    for w in ways {
        if w.len == 0 {
            continue;
        }
        for r in [refs[w.start], refs[w.start + w.len - 1]] {
            if let Ok(i) = ids.binary_search(&r) {
                uses[i] = uses[i].saturating_add(1);
            }
        }
    }
    (ids, uses)
}

/// Replaces node ids by their index in `ids` (every ref is in `ids`).
///
/// A binary search over millions of ids misses the cache at every step, so
/// a table first says where each range of id values starts in `ids` (one
/// `u32` per 16 ids): each search then runs over a few neighbouring ids.
pub(crate) fn index_refs(refs: &[i64], ids: &[i64]) -> Vec<u32> {
    let (Some(&lo), Some(&hi)) = (ids.first(), ids.last()) else {
        return vec![NO_NODE; refs.len()];
    };
    let span = hi.wrapping_sub(lo) as u64;
    let target = (ids.len() as u64 / 16).max(1);
    let shift = (0..64).find(|&s| span >> s < target).unwrap_or(63);
    let bucket = |id: i64| (id.wrapping_sub(lo) as u64 >> shift) as usize;
    let mut starts: Vec<u32> = Vec::with_capacity((span >> shift) as usize + 2);
    for (i, &id) in ids.iter().enumerate() {
        while starts.len() <= bucket(id) {
            starts.push(i as u32);
        }
    }
    starts.push(ids.len() as u32);
    refs.par_iter()
        .map(|&r| {
            if r < lo || r > hi {
                return NO_NODE;
            }
            let (a, b) = (starts[bucket(r)] as usize, starts[bucket(r) + 1] as usize);
            ids[a..b]
                .binary_search(&r)
                .map(|i| (a + i) as u32)
                .unwrap_or(NO_NODE)
        })
        .collect()
}

/// Splits ways into pieces. `pos[i]` is the position of `ids[i]`,
/// [`super::MISSING`] when the node is missing from the file.
pub(crate) fn split_ways(
    ways: &[RawWay],
    ref_idx: &[u32],
    ids: &[i64],
    uses: &[u8],
    pos: &[E7],
    report: &mut ImportReport,
) -> Pieces {
    let mut out = Pieces::default();
    // Count first so that the big arrays are allocated once, exactly: no
    // doubling slack at the moment memory peaks.
    let (n_pieces, n_points) = count_pieces(ways, ref_idx, uses, pos);
    out.pieces.reserve_exact(n_pieces);
    out.points.reserve_exact(n_points);
    let mut gid = vec![NO_NODE; ids.len()];
    let mut node = |i: u32, out: &mut Pieces| -> u32 {
        let g = &mut gid[i as usize];
        if *g == NO_NODE {
            *g = out.node_pos.len() as u32;
            out.node_pos.push(pos[i as usize]);
            out.node_id.push(ids[i as usize]);
        }
        *g
    };
    let mut cur: Vec<u32> = Vec::new();
    let mut shape: Vec<E7> = Vec::new();
    for w in ways {
        let refs = &ref_idx[w.start..w.start + w.len];
        let present = |i: u32| pos[i as usize] != super::MISSING;
        let lonlat = |i: u32| from_e7(pos[i as usize]);
        let missing = refs.iter().filter(|&&i| !present(i)).count() as u64;
        if missing > 0 {
            report.missing_node_refs += missing;
            if report.ways_with_missing_nodes.len() < 20 {
                report.ways_with_missing_nodes.push(w.id);
            }
        }
        let sp = w.speed;
        // Seconds per metre in each direction; a forbidden direction gets the
        // other's so that shape times stay meaningful for snapping.
        let (mut fwd_spm, mut bwd_spm) = match (sp.forward_kmh, sp.backward_kmh) {
            (Some(f), Some(b)) => (3.6 / f, 3.6 / b),
            (Some(f), None) => (3.6 / f, 3.6 / f),
            (None, Some(b)) => (3.6 / b, 3.6 / b),
            (None, None) => continue,
        };
        if let Some(d) = sp.ferry_duration_s {
            let total: f64 = refs
                .windows(2)
                .filter(|p| present(p[0]) && present(p[1]))
                .map(|p| haversine_m(lonlat(p[0]), lonlat(p[1])))
                .sum();
            if total > 0.0 {
                fwd_spm = d / total;
                bwd_spm = d / total;
            }
        }
        let piece = Piece {
            from: 0,
            to: 0,
            fwd: sp.forward_kmh.is_some(),
            bwd: sp.backward_kmh.is_some(),
            snappable: sp.snappable,
            winding: sp.winding,
            way_id: w.id,
            start: 0,
            len: 0,
            length_m: 0.0,
            total_s: [0.0, 0.0],
        };
        let mut emit = |cur: &mut Vec<u32>, out: &mut Pieces| {
            if cur.len() >= 2 {
                shape.clear();
                let mut length = 0.0;
                let mut prev = [0.0, 0.0];
                for (k, &i) in cur.iter().enumerate() {
                    let p = lonlat(i);
                    if k > 0 {
                        length += haversine_m(prev, p);
                    }
                    prev = p;
                    shape.push(pos[i as usize]);
                }
                let from = node(cur[0], out);
                let to = node(cur[cur.len() - 1], out);
                let p = Piece {
                    from,
                    to,
                    length_m: length,
                    ..piece
                };
                out.push(p, &shape, [length * fwd_spm, length * bwd_spm]);
            }
            let last = cur.last().copied();
            cur.clear();
            last
        };
        cur.clear();
        for &i in refs {
            if !present(i) {
                emit(&mut cur, &mut out);
                continue;
            }
            if cur.last() == Some(&i) {
                continue;
            }
            cur.push(i);
            if cur.len() >= 2
                && uses[i as usize] >= 2
                && let Some(last) = emit(&mut cur, &mut out)
            {
                cur.push(last);
            }
        }
        emit(&mut cur, &mut out);
    }
    debug_assert_eq!((out.pieces.len(), out.points.len()), (n_pieces, n_points));
    out
}

/// The number of pieces and shape points [`split_ways`] will make (the same
/// walk without the work).
fn count_pieces(ways: &[RawWay], ref_idx: &[u32], uses: &[u8], pos: &[E7]) -> (usize, usize) {
    let (mut pieces, mut points) = (0usize, 0usize);
    for w in ways {
        if w.speed.forward_kmh.is_none() && w.speed.backward_kmh.is_none() {
            continue;
        }
        let mut len = 0usize;
        let mut last: Option<u32> = None;
        for &i in &ref_idx[w.start..w.start + w.len] {
            if pos[i as usize] == super::MISSING {
                if len >= 2 {
                    pieces += 1;
                    points += len;
                }
                len = 0;
                last = None;
                continue;
            }
            if last == Some(i) {
                continue;
            }
            len += 1;
            last = Some(i);
            if len >= 2 && uses[i as usize] >= 2 {
                pieces += 1;
                points += len;
                len = 1;
            }
        }
        if len >= 2 {
            pieces += 1;
            points += len;
        }
    }
    (pieces, points)
}

fn to_time(s: f64) -> Time {
    (s * 10.0).round().clamp(0.0, (UNREACHABLE - 1) as f64) as Time
}

/// Slows the pieces of winding chains (see [`WindingParams`]): the
/// sinuosity is measured on the whole chain, junction to junction, so that
/// it means the same whether the source drew every bend (OpenStreetMap) or
/// only gave the along-road length of straight links (MATSim, link tables).
fn apply_winding(pieces: &mut Pieces, kept: &[u32], chains: &[Chain], steps: &[Step], w: &WindingParams) {
    for ch in chains {
        let a = from_e7(pieces.node_pos[kept[ch.from as usize] as usize]);
        let b = from_e7(pieces.node_pos[kept[ch.to as usize] as usize]);
        let chord = haversine_m(a, b);
        // A closed loop has no chord: it is all bends.
        let share = if chord > 0.0 {
            w.bend_share(ch.length_m / chord)
        } else {
            1.0
        };
        if share <= 0.0 {
            continue;
        }
        for st in &steps[ch.start as usize..(ch.start + ch.len) as usize] {
            let p = &mut pieces.pieces[st.piece as usize];
            if p.winding {
                let len = p.length_m;
                p.total_s = p.total_s.map(|t| w.seconds(t as f64, len, share) as f32);
            }
        }
    }
}

/// Contracts, applies the profile's winding-road correction to the
/// contracted chains, keeps the largest strongly connected component and
/// packs the result. Memory: the pieces, the chains (16 bytes per piece),
/// the graph twice while the component is found, then the final shapes.
pub(crate) fn finish(mut pieces: Pieces, mut info: NetworkInfo, profile: &CarProfile) -> Result<RoadNetwork> {
    info.report.pieces = pieces.pieces.len() as u64;
    let Contracted { kept, chains, steps } = super::contract::contract(&pieces);
    if let Some(w) = &profile.winding {
        apply_winding(&mut pieces, &kept, &chains, &steps, w);
    }
    info.report.contracted_nodes = (pieces.node_pos.len() - kept.len()) as u64;
    if chains.is_empty() {
        return Err(Error::format(
            &info.source,
            "no road a car can use: the file has no car-routable ways (is it an OSM extract with highways?)",
        ));
    }
    let steps_of = |start: u32, len: u32| &steps[start as usize..(start + len) as usize];
    // The edges, straight from the chains (which are then freed: memory
    // peaks at the end of this function). Until the shapes are written,
    // `geom_start`/`geom_len` hold the chain's range of steps.
    let mut edges: Vec<RoadEdge> = Vec::with_capacity(chains.len());
    for ch in &chains {
        // Total seconds, summed in f64 and rounded once.
        let t = steps_of(ch.start, ch.len).iter().fold([0.0, 0.0], |acc, st| {
            let t = pieces.pieces[st.piece as usize].seconds(st.forward);
            [acc[0] + t[0], acc[1] + t[1]]
        });
        edges.push(RoadEdge {
            from: ch.from,
            to: ch.to,
            time_fwd: if ch.fwd { to_time(t[0]) } else { UNREACHABLE },
            time_bwd: if ch.bwd { to_time(t[1]) } else { UNREACHABLE },
            length_m: ch.length_m,
            snappable: ch.snappable,
            way_id: ch.way_id,
            geom_start: ch.start,
            geom_len: ch.len,
        });
    }
    drop(chains);
    // Shapes now, so that the pieces can be freed before the graph is built
    // (memory peaks here). The pieces' points become the shapes in place:
    // an edge made of one piece walked forward (most of them) keeps its
    // points where they are; longer or reversed chains are appended. The
    // points left unused are squeezed out below.
    let Pieces {
        node_pos,
        node_id,
        pieces: plist,
        points,
    } = pieces;
    let mut geometry = points;
    let mut geometry_s: Vec<[f32; 2]> = vec![[0.0, 0.0]; geometry.len()];
    let (mut tmp_pts, mut tmp_secs) = (Vec::new(), Vec::new());
    for e in &mut edges {
        let st = steps_of(e.geom_start, e.geom_len);
        tmp_pts.clear();
        tmp_secs.clear();
        write_shape(&plist, &geometry, st, &mut tmp_pts, &mut tmp_secs);
        if let [one] = st
            && one.forward
        {
            let p = &plist[one.piece as usize];
            geometry_s[p.start..p.start + p.len].copy_from_slice(&tmp_secs);
            e.geom_start = p.start as u32;
        } else {
            e.geom_start = u32::try_from(geometry.len())
                .map_err(|_| Error::Graph("more than 4 billion shape points".into()))?;
            geometry.extend_from_slice(&tmp_pts);
            geometry_s.extend_from_slice(&tmp_secs);
        }
        e.geom_len = tmp_secs.len() as u32;
    }
    drop((steps, plist, tmp_pts, tmp_secs));
    let mut arcs: Vec<Edge> = Vec::with_capacity(2 * edges.len());
    for e in &edges {
        if e.time_fwd != UNREACHABLE {
            arcs.push(Edge::new(e.from, e.to, e.time_fwd));
        }
        if e.time_bwd != UNREACHABLE {
            arcs.push(Edge::new(e.to, e.from, e.time_bwd));
        }
    }
    let scc = largest_component(kept.len(), &arcs)?;
    arcs.retain_mut(|e| {
        let (a, b) = (scc.old_to_new[e.from as usize], scc.old_to_new[e.to as usize]);
        *e = Edge::new(a, b, e.time);
        a != NO_NODE && b != NO_NODE
    });
    let graph = RoadGraph::from_edges(scc.new_to_old.len(), &arcs)?;
    drop(arcs);
    let r = &mut info.report;
    r.components = scc.components as u64;
    r.dropped_nodes = (kept.len() - scc.new_to_old.len()) as u64;
    let before = edges.len();
    edges.retain_mut(|e| {
        let (a, b) = (scc.old_to_new[e.from as usize], scc.old_to_new[e.to as usize]);
        e.from = a;
        e.to = b;
        a != NO_NODE && b != NO_NODE
    });
    r.dropped_edges = (before - edges.len()) as u64;
    // Squeeze out the points no kept edge uses, in place: taken in order of
    // position, shapes only move towards the start. Shapes never overlap.
    let mut order: Vec<u32> = (0..edges.len() as u32).collect();
    order.sort_unstable_by_key(|&i| edges[i as usize].geom_start);
    let mut next = 0usize;
    for i in order {
        let e = &mut edges[i as usize];
        let (s0, n) = (e.geom_start as usize, e.geom_len as usize);
        geometry.copy_within(s0..s0 + n, next);
        geometry_s.copy_within(s0..s0 + n, next);
        e.geom_start = next as u32;
        next += n;
    }
    geometry.truncate(next);
    geometry_s.truncate(next);
    geometry.shrink_to_fit();
    geometry_s.shrink_to_fit();
    r.nodes = graph.num_nodes() as u64;
    r.arcs = graph.num_arcs() as u64;
    let old = |v: &NodeId| kept[*v as usize] as usize;
    let node_lonlat = scc.new_to_old.iter().map(|v| from_e7(node_pos[old(v)])).collect();
    let node_osm_id = scc.new_to_old.iter().map(|v| node_id[old(v)]).collect();
    Ok(RoadNetwork::new(
        graph,
        node_lonlat,
        node_osm_id,
        edges,
        geometry,
        geometry_s,
        info,
    ))
}

/// The largest strongly connected component and the renumbering.
struct Component {
    new_to_old: Vec<NodeId>,
    old_to_new: Vec<NodeId>,
    components: usize,
}

/// Keeps the largest strongly connected component (ties: the one holding
/// the lowest node id), renumbering its nodes in their old order: the same
/// answer as [`RoadGraph::largest_scc`], by an iterative Kosaraju on the
/// CSR arrays, without petgraph's copy of the graph (which matters for a
/// country).
fn largest_component(n: usize, arcs: &[Edge]) -> Result<Component> {
    let g = RoadGraph::from_edges(n, arcs)?;
    // Pass 1: finishing order of a DFS on the forward graph.
    let mut order: Vec<NodeId> = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    let mut stack: Vec<(NodeId, u32)> = Vec::new();
    for s in 0..n as NodeId {
        if seen[s as usize] {
            continue;
        }
        seen[s as usize] = true;
        stack.push((s, 0));
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            let (heads, _) = g.forward().arc_slices(v);
            if let Some(&w) = heads.get(*k as usize) {
                *k += 1;
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    stack.push((w, 0));
                }
            } else {
                order.push(v);
                stack.pop();
            }
        }
    }
    drop(seen);
    // Pass 2: components on the backward graph, in reverse finishing order.
    let mut comp = vec![NO_NODE; n];
    let mut sizes: Vec<u32> = Vec::new();
    let mut lowest: Vec<NodeId> = Vec::new();
    let mut todo: Vec<NodeId> = Vec::new();
    for &s in order.iter().rev() {
        if comp[s as usize] != NO_NODE {
            continue;
        }
        let id = sizes.len() as u32;
        let (mut size, mut low) = (0u32, s);
        comp[s as usize] = id;
        todo.push(s);
        while let Some(v) = todo.pop() {
            size += 1;
            low = low.min(v);
            for (w, _) in g.backward().arcs(v) {
                if comp[w as usize] == NO_NODE {
                    comp[w as usize] = id;
                    todo.push(w);
                }
            }
        }
        sizes.push(size);
        lowest.push(low);
    }
    drop(order);
    let best = (0..sizes.len()).max_by(|&a, &b| sizes[a].cmp(&sizes[b]).then(lowest[b].cmp(&lowest[a])));
    let mut old_to_new = vec![NO_NODE; n];
    let mut new_to_old = Vec::new();
    if let Some(best) = best {
        for v in 0..n {
            if comp[v] == best as u32 {
                old_to_new[v] = new_to_old.len() as NodeId;
                new_to_old.push(v as NodeId);
            }
        }
    }
    Ok(Component {
        new_to_old,
        old_to_new,
        components: sizes.len(),
    })
}

/// Appends the shape of a chain of pieces and its cumulative seconds.
fn write_shape(pieces: &[Piece], all: &[E7], steps: &[Step], points: &mut Vec<E7>, secs: &mut Vec<[f32; 2]>) {
    let mut cum = [0.0f64, 0.0];
    let mut first = true;
    let mut lens: Vec<f64> = Vec::new();
    for st in steps {
        let e = &pieces[st.piece as usize];
        let pts = &all[e.start..e.start + e.len];
        let k = e.len - 1;
        // Segment lengths in walking order; the piece's time is spread in
        // proportion (evenly if it has no length).
        lens.clear();
        for j in 0..k {
            let (a, b) = if st.forward {
                (pts[j], pts[j + 1])
            } else {
                (pts[k - j], pts[k - j - 1])
            };
            lens.push(haversine_m(from_e7(a), from_e7(b)));
        }
        let total_len: f64 = lens.iter().sum();
        let t = e.seconds(st.forward);
        if first {
            points.push(if st.forward { pts[0] } else { pts[k] });
            secs.push([0.0, 0.0]);
            first = false;
        }
        for (j, &l) in lens.iter().enumerate() {
            let share = if total_len > 0.0 {
                l / total_len
            } else {
                1.0 / k as f64
            };
            cum = [cum[0] + t[0] * share, cum[1] + t[1] * share];
            points.push(if st.forward { pts[j + 1] } else { pts[k - j - 1] });
            secs.push([cum[0] as f32, cum[1] as f32]);
        }
    }
}

/// Formats seconds since the Unix epoch as ISO 8601 UTC
/// (`2014-01-15T19:05:08Z`), by the days-from-civil algorithm of
/// H. Hinnant (<http://howardhinnant.github.io/date_algorithms.html>).
pub(crate) fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The petgraph-based `RoadGraph::largest_scc` is the oracle.
    #[test]
    fn largest_component_matches_petgraph() {
        for seed in 0..6 {
            let s = crate::synthetic::road_grid(30, 20, seed);
            // Cut the grid in places so that there are several components.
            let arcs: Vec<Edge> = s
                .graph
                .edges()
                .filter(|e| !(e.from + 3 * e.to + seed as u32).is_multiple_of(9))
                .collect();
            let g = RoadGraph::from_edges(s.graph.num_nodes(), &arcs).unwrap();
            let (_, want) = g.largest_scc();
            let got = largest_component(g.num_nodes(), &arcs).unwrap();
            assert_eq!(got.new_to_old, want.new_to_old, "seed {seed}");
            assert_eq!(got.old_to_new, want.old_to_new);
            assert_eq!(got.components, want.components);
        }
    }

    #[test]
    fn iso_dates() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso8601(1_389_812_708), "2014-01-15T19:05:08Z");
    }
}
