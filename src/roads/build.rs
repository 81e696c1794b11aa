//! From ways to road pieces, and from pieces to a [`RoadNetwork`].
//!
//! A way is split at every node it shares with another way (or with itself)
//! and at its ends, as osm2streets' `split_ways` and OSMnx do; segments that
//! touch a node absent from the file are dropped and counted.

use rayon::prelude::*;

use super::{ImportReport, NetworkInfo, RoadEdge, RoadNetwork, WaySpeed, haversine_m};
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
    pub way_id: i64,
    /// Shape in `Pieces::points[start..start + len]`.
    pub start: usize,
    pub len: usize,
    pub length_m: f64,
}

/// Road pieces with their nodes and shapes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pieces {
    pub node_lonlat: Vec<[f64; 2]>,
    pub node_id: Vec<i64>,
    pub pieces: Vec<Piece>,
    pub points: Vec<[f64; 2]>,
    /// Cumulative seconds per shape point: forward from the first point,
    /// and backward from the point to the first point.
    pub secs: Vec<[f64; 2]>,
}

impl Pieces {
    /// Appends a piece through `shape` with per-segment seconds
    /// `(forward, backward)`.
    pub fn push(&mut self, mut p: Piece, shape: &[[f64; 2]], seg_s: &[[f64; 2]]) {
        p.start = self.points.len();
        p.len = shape.len();
        let mut cum = [0.0, 0.0];
        self.points.extend_from_slice(shape);
        self.secs.push(cum);
        for s in seg_s {
            cum = [cum[0] + s[0], cum[1] + s[1]];
            self.secs.push(cum);
        }
        self.pieces.push(p);
    }

    /// Total seconds of piece `p`, forward and backward.
    pub fn total_s(&self, p: &Piece) -> [f64; 2] {
        self.secs[p.start + p.len - 1]
    }
}

/// Sorted unique node ids referenced by the ways, and how often each is
/// used (a way's ends count twice so that they always become graph nodes).
pub(crate) fn used_nodes(ways: &[RawWay], refs: &[i64]) -> (Vec<i64>, Vec<u8>) {
    let mut sorted = refs.to_vec();
    sorted.par_sort_unstable();
    let mut ids = Vec::with_capacity(sorted.len() / 2);
    let mut uses: Vec<u8> = Vec::with_capacity(sorted.len() / 2);
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
pub(crate) fn index_refs(refs: &[i64], ids: &[i64]) -> Vec<u32> {
    refs.par_iter()
        .map(|r| ids.binary_search(r).map(|i| i as u32).unwrap_or(NO_NODE))
        .collect()
}

/// Splits ways into pieces. `lonlat[i]` is the position of `ids[i]`, NaN
/// when the node is missing from the file.
pub(crate) fn split_ways(
    ways: &[RawWay],
    ref_idx: &[u32],
    ids: &[i64],
    uses: &[u8],
    lonlat: &[[f64; 2]],
    report: &mut ImportReport,
) -> Pieces {
    let mut out = Pieces::default();
    let mut gid = vec![NO_NODE; ids.len()];
    let mut node = |i: u32, out: &mut Pieces| -> u32 {
        let g = &mut gid[i as usize];
        if *g == NO_NODE {
            *g = out.node_lonlat.len() as u32;
            out.node_lonlat.push(lonlat[i as usize]);
            out.node_id.push(ids[i as usize]);
        }
        *g
    };
    let mut cur: Vec<u32> = Vec::new();
    let mut shape: Vec<[f64; 2]> = Vec::new();
    let mut seg: Vec<[f64; 2]> = Vec::new();
    for w in ways {
        let refs = &ref_idx[w.start..w.start + w.len];
        let present = |i: u32| !lonlat[i as usize][0].is_nan();
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
                .map(|p| haversine_m(lonlat[p[0] as usize], lonlat[p[1] as usize]))
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
            way_id: w.id,
            start: 0,
            len: 0,
            length_m: 0.0,
        };
        let mut emit = |cur: &mut Vec<u32>, out: &mut Pieces| {
            if cur.len() >= 2 {
                shape.clear();
                seg.clear();
                let mut length = 0.0;
                for (k, &i) in cur.iter().enumerate() {
                    let p = lonlat[i as usize];
                    if k > 0 {
                        let d = haversine_m(shape[k - 1], p);
                        length += d;
                        seg.push([d * fwd_spm, d * bwd_spm]);
                    }
                    shape.push(p);
                }
                let from = node(cur[0], out);
                let to = node(cur[cur.len() - 1], out);
                let p = Piece {
                    from,
                    to,
                    length_m: length,
                    ..piece
                };
                out.push(p, &shape, &seg);
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
    out
}

fn to_time(s: f64) -> Time {
    (s * 10.0).round().clamp(0.0, (UNREACHABLE - 1) as f64) as Time
}

/// Contracts, keeps the largest strongly connected component and packs
/// the result.
pub(crate) fn finish(pieces: Pieces, mut info: NetworkInfo) -> Result<RoadNetwork> {
    info.report.pieces = pieces.pieces.len() as u64;
    let before = pieces.node_lonlat.len();
    let pieces = super::contract::contract(pieces);
    info.report.contracted_nodes = (before - pieces.node_lonlat.len()) as u64;
    if pieces.pieces.is_empty() {
        return Err(Error::format(
            &info.source,
            "no road a car can use: the file has no car-routable ways (is it an OSM extract with highways?)",
        ));
    }
    let mut arcs = Vec::with_capacity(2 * pieces.pieces.len());
    for p in &pieces.pieces {
        let t = pieces.total_s(p);
        if p.fwd {
            arcs.push(Edge::new(p.from, p.to, to_time(t[0])));
        }
        if p.bwd {
            arcs.push(Edge::new(p.to, p.from, to_time(t[1])));
        }
    }
    let full = RoadGraph::from_edges(pieces.node_lonlat.len(), &arcs)?;
    drop(arcs);
    let (graph, scc) = full.largest_scc();
    drop(full);
    let r = &mut info.report;
    r.components = scc.components as u64;
    r.dropped_nodes = scc.dropped_nodes.len() as u64;
    let map = |v: u32| scc.old_to_new[v as usize];
    let mut edges = Vec::new();
    let mut geometry = Vec::new();
    let mut geometry_s = Vec::new();
    for p in &pieces.pieces {
        let (a, b) = (map(p.from), map(p.to));
        if a == NO_NODE || b == NO_NODE {
            r.dropped_edges += 1;
            continue;
        }
        let t = pieces.total_s(p);
        let start = geometry.len();
        geometry.extend_from_slice(&pieces.points[p.start..p.start + p.len]);
        geometry_s.extend(
            pieces.secs[p.start..p.start + p.len]
                .iter()
                .map(|s| [s[0] as f32, s[1] as f32]),
        );
        edges.push(RoadEdge {
            from: a,
            to: b,
            time_fwd: if p.fwd { to_time(t[0]) } else { UNREACHABLE },
            time_bwd: if p.bwd { to_time(t[1]) } else { UNREACHABLE },
            length_m: p.length_m,
            snappable: p.snappable,
            way_id: p.way_id,
            geom_start: u32::try_from(start)
                .map_err(|_| Error::Graph("more than 4 billion shape points".into()))?,
            geom_len: p.len as u32,
        });
    }
    r.nodes = graph.num_nodes() as u64;
    r.arcs = graph.num_arcs() as u64;
    let keep = |v: &NodeId| *v as usize;
    let node_lonlat = scc
        .new_to_old
        .iter()
        .map(|v| pieces.node_lonlat[keep(v)])
        .collect();
    let node_osm_id = scc.new_to_old.iter().map(|v| pieces.node_id[keep(v)]).collect();
    Ok(RoadNetwork {
        graph,
        node_lonlat,
        node_osm_id,
        edges,
        geometry,
        geometry_s,
        info,
    })
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
    #[test]
    fn iso_dates() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso8601(1_389_812_708), "2014-01-15T19:05:08Z");
    }
}
