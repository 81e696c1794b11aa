//! Snapping places (town halls, facilities) onto the nearest road.
//!
//! Candidates are the segments of every snappable edge (not ferries, not
//! motorways, see [`WaySpeed::snappable`](super::WaySpeed)) in an rstar
//! R-tree. The tree stores an equirectangular projection in metres whose
//! east-west scale is that of the network's highest latitude, so that its
//! distances never exceed true ones; candidates come out nearest first and
//! each is measured exactly in a local equirectangular projection centred
//! on the point (error below 0.1 % within 10 km), stopping once the tree's
//! lower bound passes the best exact distance. Distances are in **metres**.
//!
//! The leg from the point to the road (a path, a car park, a drive) is
//! counted at [`SnapOptions::leg_kmh`], 15 km/h by default along the straight
//! line: slow driving or a brisk walk, so that a town hall 300 m from the
//! road costs 72 s. Points farther than [`SnapOptions::max_distance_m`]
//! (1 km by default) are still snapped but listed in [`SnapReport::far`].
//!
//! Like OSRM's phantom nodes, a snapped point enters the graph at both ends
//! of its edge, with the time along the edge from the snapped point:
//! [`Snap::outbound`] for a trip that *starts* there (a patient),
//! [`Snap::inbound`] for a trip that *ends* there (a facility). Two points on
//! the same edge are still routed through its end nodes.

use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use std::borrow::Cow;

use rstar::{AABB, ParentNode, RStarInsertionStrategy, RTree, RTreeNode, RTreeObject, RTreeParams};

use super::{EARTH_RADIUS_M, RoadNetwork};
use crate::error::{Error, Result};
use crate::units::{NodeId, Time, UNREACHABLE, travel_time};

/// Settings of snapping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnapOptions {
    /// Speed of the leg from the point to the road, km/h (default 15).
    pub leg_kmh: f64,
    /// Points farther than this from any road are listed, metres (default 1000).
    pub max_distance_m: f64,
}

impl Default for SnapOptions {
    fn default() -> Self {
        SnapOptions {
            leg_kmh: 15.0,
            max_distance_m: 1000.0,
        }
    }
}

/// Where a point lands on the network.
#[derive(Debug, Clone, PartialEq)]
pub struct Snap {
    /// Index of the edge in [`RoadNetwork::edges`].
    pub edge: u32,
    /// The nearest point of the road, `[lon, lat]` degrees.
    pub on_road: [f64; 2],
    /// Straight-line distance from the point to the road, metres.
    pub distance_m: f64,
    /// Time of that leg at the leg speed.
    pub leg: Time,
    /// Farther than [`SnapOptions::max_distance_m`].
    pub far: bool,
    /// Nodes one can drive *to* from the point, with the time from the point
    /// (leg included): seeds of a forward search from an origin.
    pub outbound: Vec<(NodeId, Time)>,
    /// Nodes *from* which one drives to the point, with the time to the point
    /// (leg included): seeds of a backward search from a destination.
    pub inbound: Vec<(NodeId, Time)>,
}

/// Snaps of many points, and which are far from any road.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapReport {
    /// One per input point, in input order.
    pub snaps: Vec<Snap>,
    /// Indices of the points farther than the limit, ascending.
    pub far: Vec<usize>,
}

/// A leaf of the index: up to [`RUN`] consecutive segments of one edge,
/// with their bounding box in the tree's plane. Runs rather than single
/// segments make three times fewer leaves on a contracted network (the
/// 1M-node synthetic: 2.0 M runs for 6.0 M segments), which is what the
/// bulk load costs.
#[derive(Debug, Clone, Copy)]
struct Run {
    env: AABB<[f64; 2]>,
    edge: u32,
    /// First segment of the run within the edge's shape.
    first: u32,
    len: u32,
}

impl RTreeObject for Run {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// Segments per [`Run`].
const RUN: usize = 8;

/// Wider nodes than rstar's default (6): fewer levels to partition in the
/// bulk load (1.5x faster on the 1M-node synthetic), same answers.
#[derive(Clone)]
struct Params;

impl RTreeParams for Params {
    const MIN_SIZE: usize = 6;
    const MAX_SIZE: usize = 16;
    const REINSERTION_COUNT: usize = 3;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// The R-tree over a network's snappable roads, built once and shared by
/// every [`Snapper`] of that network ([`Snapper::with_index`]): building it
/// costs about half a second per million graph nodes, snapping 35,000
/// points a few milliseconds.
#[derive(Clone)]
pub struct SnapIndex {
    tree: RTree<Run, Params>,
    /// East-west metres per degree of longitude in the tree.
    kx: f64,
    /// The network's edges and shape points, to check that a snapper pairs
    /// the index with the network it was built from.
    edges: usize,
    points: usize,
}

impl std::fmt::Debug for SnapIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapIndex")
            .field("runs", &self.tree.size())
            .field("kx", &self.kx)
            .finish()
    }
}

impl SnapIndex {
    /// Indexes every snappable edge of `net` (all edges if none is
    /// snappable).
    pub fn new(net: &RoadNetwork) -> Self {
        let max_lat = net
            .geometry
            .par_iter()
            .map(|p| (p[1] as f64 * 1e-7).abs())
            .reduce(|| 0.0, f64::max);
        let kx = M_PER_DEG * (max_lat + 0.5).min(89.0).to_radians().cos();
        let any_snappable = net.edges.par_iter().any(|e| e.snappable);
        let runs: Vec<Run> = net
            .edges
            .par_iter()
            .enumerate()
            .filter(|(_, e)| e.snappable || !any_snappable)
            .flat_map_iter(|(i, e)| {
                let start = e.geom_start as usize;
                let segments = e.geom_len as usize - 1;
                (0..segments).step_by(RUN).map(move |first| {
                    let len = RUN.min(segments - first);
                    let corners = (first..=first + len).map(|k| {
                        let p = net.point(start + k);
                        [p[0] * kx, p[1] * M_PER_DEG]
                    });
                    Run {
                        env: AABB::from_points(corners.collect::<Vec<_>>().iter()),
                        edge: i as u32,
                        first: first as u32,
                        len: len as u32,
                    }
                })
            })
            .collect();
        SnapIndex {
            tree: RTree::bulk_load_with_params(runs),
            kx,
            edges: net.edges.len(),
            points: net.geometry.len(),
        }
    }
}

/// Snaps points onto a network's roads.
pub struct Snapper<'a> {
    net: &'a RoadNetwork,
    index: Cow<'a, SnapIndex>,
}

const M_PER_DEG: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

impl<'a> Snapper<'a> {
    /// Indexes every snappable edge of `net` (all edges if none is
    /// snappable). To snap several batches, build the [`SnapIndex`] once
    /// and use [`with_index`](Self::with_index).
    pub fn new(net: &'a RoadNetwork) -> Self {
        Snapper {
            net,
            index: Cow::Owned(SnapIndex::new(net)),
        }
    }

    /// A snapper on an index built from `net`.
    ///
    /// # Panics
    /// If `index` was built from a network with another number of edges or
    /// shape points.
    pub fn with_index(net: &'a RoadNetwork, index: &'a SnapIndex) -> Self {
        assert!(
            index.edges == net.edges.len() && index.points == net.geometry.len(),
            "Snapper::with_index: the index was built from another network"
        );
        Snapper {
            net,
            index: Cow::Borrowed(index),
        }
    }

    /// Snaps one `[lon, lat]` point.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a non-finite or out-of-range position.
    pub fn snap(&self, lonlat: [f64; 2], opts: &SnapOptions) -> Result<Snap> {
        let [lon, lat] = lonlat;
        if !(lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat))
        {
            return Err(Error::Invalid(format!(
                "cannot snap ({lon}, {lat}): not a WGS84 position"
            )));
        }
        let kx = self.index.kx;
        let q = [lon * kx, lat * M_PER_DEG];
        let kx_local = M_PER_DEG * lat.to_radians().cos();
        let local = |p: [f64; 2]| [(p[0] - lon) * kx_local, (p[1] - lat) * M_PER_DEG];
        // Distances are measured exactly in the point's local plane, which
        // is the tree's plane stretched east-west by `sx` around the point:
        // distances to the tree's boxes, stretched alike, are lower bounds
        // of them. Searching on these (best first) ends within a few
        // segments of the nearest road, however far it is. Searching on the
        // tree's own distances did not: their error grows with the
        // distance, so a point 500 km from a network was measured against
        // every segment of an annulus kilometres wide (the 191 s of issue
        // 19), and north of the network they were no lower bound at all.
        let sx = kx_local / kx;
        let bound = |env: &AABB<[f64; 2]>| {
            let (lo, hi) = (env.lower(), env.upper());
            let dx = (lo[0] - q[0]).max(q[0] - hi[0]).max(0.0) * sx;
            let dy = (lo[1] - q[1]).max(q[1] - hi[1]).max(0.0);
            (dx * dx + dy * dy).sqrt()
        };
        // (distance m, edge, segment, t along segment)
        let mut best: Option<(f64, u32, u32, f64)> = None;
        // A box is opened while its bound is within rounding of the best
        // exact distance, so that every segment tied with the best is
        // measured (ties: lowest edge, then segment).
        let open = |lb: f64, best: &Option<(f64, u32, u32, f64)>| best.is_none_or(|b| lb <= b.0 + 1e-6);
        let mut heap: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
        let mut nodes: Vec<&ParentNode<Run>> = vec![self.index.tree.root()];
        heap.push(Reverse((0, 0)));
        while let Some(Reverse((lb, i))) = heap.pop() {
            if !open(f64::from_bits(lb), &best) {
                break;
            }
            for child in nodes[i].children() {
                match child {
                    RTreeNode::Leaf(run) => {
                        if !open(bound(&run.env), &best) {
                            continue;
                        }
                        let e = run.edge;
                        let start = self.net.edges[e as usize].geom_start as usize;
                        for j in run.first..run.first + run.len {
                            let k = start + j as usize;
                            let (a, b) = (local(self.net.point(k)), local(self.net.point(k + 1)));
                            let (d, t) = point_segment([0.0, 0.0], a, b);
                            if best.is_none_or(|b| (d, e, j) < (b.0, b.1, b.2)) {
                                best = Some((d, e, j, t));
                            }
                        }
                    }
                    RTreeNode::Parent(p) => {
                        let lb = bound(&p.envelope());
                        if open(lb, &best) {
                            nodes.push(p);
                            heap.push(Reverse((lb.to_bits(), nodes.len() - 1)));
                        }
                    }
                }
            }
        }
        let (distance_m, e, j, t) =
            best.ok_or_else(|| Error::Invalid("cannot snap: the network has no road".into()))?;
        Ok(self.make_snap(e, j as usize, t, distance_m, opts))
    }

    fn make_snap(&self, e: u32, j: usize, t: f64, distance_m: f64, opts: &SnapOptions) -> Snap {
        let edge = &self.net.edges[e as usize];
        let shape = self.net.shape(edge);
        let s = &self.net.geometry_s[edge.geom_start as usize..(edge.geom_start + edge.geom_len) as usize];
        let lerp = |a: f64, b: f64| a + t * (b - a);
        let on_road = [
            lerp(shape[j][0], shape[j + 1][0]),
            lerp(shape[j][1], shape[j + 1][1]),
        ];
        let sf = lerp(s[j][0] as f64, s[j + 1][0] as f64); // from → point, forward
        let sb = lerp(s[j][1] as f64, s[j + 1][1] as f64); // point → from, backward
        let last = s[s.len() - 1];
        let (tf, tb) = (last[0] as f64, last[1] as f64);
        let leg = travel_time(distance_m, opts.leg_kmh);
        let ds = |secs: f64| leg.saturating_add((secs.max(0.0) * 10.0).round() as Time);
        let mut outbound = Vec::new();
        let mut inbound = Vec::new();
        if edge.time_fwd != UNREACHABLE {
            outbound.push((edge.to, ds(tf - sf)));
            inbound.push((edge.from, ds(sf)));
        }
        if edge.time_bwd != UNREACHABLE {
            outbound.push((edge.from, ds(sb)));
            inbound.push((edge.to, ds(tb - sb)));
        }
        Snap {
            edge: e,
            on_road,
            distance_m,
            leg,
            far: distance_m > opts.max_distance_m,
            outbound,
            inbound,
        }
    }

    /// Snaps many points in parallel; the result is in input order and the
    /// same whatever the thread count.
    ///
    /// # Errors
    /// The first invalid position, naming its index.
    pub fn snap_all(&self, points: &[[f64; 2]], opts: &SnapOptions) -> Result<SnapReport> {
        let snaps: Vec<Snap> = points
            .par_iter()
            .enumerate()
            .map(|(i, &p)| {
                self.snap(p, opts)
                    .map_err(|e| Error::Invalid(format!("point {i}: {e}")))
            })
            .collect::<Result<_>>()?;
        let far = snaps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.far)
            .map(|(i, _)| i)
            .collect();
        Ok(SnapReport { snaps, far })
    }
}

/// Distance from `p` to segment `a`–`b` (plane, metres) and the fraction of
/// the way from `a` to `b` of the nearest point.
fn point_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let l2 = dx * dx + dy * dy;
    let t = if l2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let c = [a[0] + t * dx, a[1] + t * dy];
    (((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt(), t)
}

/// Snaps one point (builds the R-tree: for many points use [`Snapper`]).
pub fn snap(net: &RoadNetwork, lonlat: [f64; 2], opts: &SnapOptions) -> Result<Snap> {
    Snapper::new(net).snap(lonlat, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nearest segment by scanning them all: the lowest (distance,
    /// edge, segment) in the point's local plane.
    fn brute(s: &Snapper, lonlat: [f64; 2], opts: &SnapOptions) -> Snap {
        let [lon, lat] = lonlat;
        let kx_local = M_PER_DEG * lat.to_radians().cos();
        let local = |p: [f64; 2]| [(p[0] - lon) * kx_local, (p[1] - lat) * M_PER_DEG];
        let mut best: Option<(f64, u32, u32, f64)> = None;
        for (e, edge) in s.net.edges.iter().enumerate() {
            let start = edge.geom_start as usize;
            for j in 0..edge.geom_len as usize - 1 {
                let (a, b) = (local(s.net.point(start + j)), local(s.net.point(start + j + 1)));
                let (d, t) = point_segment([0.0, 0.0], a, b);
                let (e, j) = (e as u32, j as u32);
                if edge.snappable && best.is_none_or(|b| (d, e, j) < (b.0, b.1, b.2)) {
                    best = Some((d, e, j, t));
                }
            }
        }
        let (d, e, j, t) = best.unwrap();
        s.make_snap(e, j as usize, t, d, opts)
    }

    /// The best-first search finds what scanning every segment finds, for
    /// points on the network, near it and hundreds of km away on every side.
    #[test]
    fn snap_equals_scanning_every_segment() {
        use rand::{Rng, SeedableRng};
        let path = std::env::temp_dir().join(format!("snap-oracle-{}.osm.pbf", std::process::id()));
        let o = crate::roads::synthetic::SyntheticExtract {
            width: 30,
            height: 25,
            shape_nodes: 10,
            buildings: 0,
            seed: 3,
        };
        crate::roads::synthetic::write_synthetic_pbf(&path, &o).unwrap();
        let net = crate::roads::read_pbf(&path, &crate::roads::CarProfile::france(), &|_, _| {}).unwrap();
        std::fs::remove_file(&path).unwrap();
        let s = Snapper::new(&net);
        let opts = SnapOptions::default();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(19);
        // The grid spans about 2.00–2.08° E, 46.00–46.05° N.
        for i in 0..600 {
            let spread = [0.02, 0.3, 6.0][i % 3];
            let p = [
                2.04 + rng.random_range(-spread..spread) * 1.5,
                46.02 + rng.random_range(-spread..spread),
            ];
            assert_eq!(s.snap(p, &opts).unwrap(), brute(&s, p, &opts), "point {i} {p:?}");
        }
        // A corner of a segment shared by two edges: the tie goes to the
        // lowest edge either way.
        let v = net.node_lonlat[5];
        assert_eq!(s.snap(v, &opts).unwrap(), brute(&s, v, &opts));
    }

    #[test]
    fn segment_projection() {
        let (d, t) = point_segment([1.0, 1.0], [0.0, 0.0], [2.0, 0.0]);
        assert_eq!((d, t), (1.0, 0.5));
        let (d, t) = point_segment([-3.0, 4.0], [0.0, 0.0], [2.0, 0.0]);
        assert_eq!((d, t), (5.0, 0.0));
    }
}
