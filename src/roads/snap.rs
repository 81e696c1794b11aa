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
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

use super::{EARTH_RADIUS_M, RoadNetwork};
use crate::error::{Error, Result};
use crate::route::{Label, Nearest, Seed};
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

impl Snap {
    /// Seeds for a forward search from this point as source `source`.
    pub fn origin_seeds(&self, source: u32) -> Vec<Seed> {
        seeds(&self.outbound, source)
    }

    /// Seeds for a search on [`RoadGraph::backward`](crate::graph::RoadGraph::backward)
    /// from this point as destination `source`: the times it finds are
    /// from every node *to* this point.
    pub fn destination_seeds(&self, source: u32) -> Vec<Seed> {
        seeds(&self.inbound, source)
    }
}

impl Snap {
    /// Finishes, at this origin, a search run on the *backward* graph from
    /// the destinations' [`destination_seeds`](Self::destination_seeds):
    /// the nearest destination from this point and the time to it (leg and
    /// partial edge included). Ties go to the lowest source index.
    ///
    /// # Examples
    /// ```no_run
    /// # use medaccess::roads::{RoadNetwork, Snapper, SnapOptions};
    /// # use medaccess::route::{nearest, Seed};
    /// # fn f(net: &RoadNetwork, commune: [f64; 2], facilities: &[[f64; 2]]) -> medaccess::Result<()> {
    /// let snapper = Snapper::new(net);
    /// let o = SnapOptions::default();
    /// let fac = snapper.snap_all(facilities, &o)?;
    /// let seeds: Vec<Seed> =
    ///     fac.snaps.iter().enumerate().flat_map(|(i, s)| s.destination_seeds(i as u32)).collect();
    /// let labels = nearest(net.graph.backward(), &seeds, None);
    /// let best = snapper.snap(commune, &o)?.reach(&labels); // patient -> nearest facility
    /// # Ok(()) }
    /// ```
    pub fn reach(&self, labels: &[Label]) -> Label {
        let mut best = Label::NONE;
        for &(v, t) in &self.outbound {
            if let Some(l) = labels.get(v as usize).filter(|l| !l.is_none()) {
                let c = Label {
                    time: l.time.saturating_add(t),
                    source: l.source,
                };
                best = best.min(c);
            }
        }
        best
    }

    /// Like [`reach`](Self::reach) for a [`nearest_two`](crate::route::nearest_two)
    /// result: the nearest destination and the nearest *other* one.
    pub fn reach_two(&self, near: &Nearest) -> (Label, Label) {
        let mut cands: Vec<Label> = Vec::with_capacity(4);
        for &(v, t) in &self.outbound {
            for l in [near.first.get(v as usize), near.second.get(v as usize)]
                .into_iter()
                .flatten()
            {
                if !l.is_none() {
                    cands.push(Label {
                        time: l.time.saturating_add(t),
                        source: l.source,
                    });
                }
            }
        }
        cands.sort();
        let first = cands.first().copied().unwrap_or(Label::NONE);
        let second = cands
            .iter()
            .copied()
            .find(|l| l.source != first.source)
            .unwrap_or(Label::NONE);
        (first, second)
    }
}

fn seeds(list: &[(NodeId, Time)], source: u32) -> Vec<Seed> {
    list.iter()
        .map(|&(node, time)| Seed { node, time, source })
        .collect()
}

/// Snaps of many points, and which are far from any road.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapReport {
    /// One per input point, in input order.
    pub snaps: Vec<Snap>,
    /// Indices of the points farther than the limit, ascending.
    pub far: Vec<usize>,
}

type Segment = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// An R-tree over the network's road segments.
pub struct Snapper<'a> {
    net: &'a RoadNetwork,
    tree: RTree<Segment>,
    /// East-west metres per degree of longitude in the tree.
    kx: f64,
}

const M_PER_DEG: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

impl<'a> Snapper<'a> {
    /// Indexes every snappable edge of `net` (all edges if none is
    /// snappable).
    pub fn new(net: &'a RoadNetwork) -> Self {
        let max_lat = net
            .geometry
            .iter()
            .map(|p| (p[1] as f64 * 1e-7).abs())
            .fold(0.0f64, f64::max);
        let kx = M_PER_DEG * (max_lat + 0.5).min(89.0).to_radians().cos();
        let any_snappable = net.edges.iter().any(|e| e.snappable);
        let mut segs = Vec::new();
        for (i, e) in net.edges.iter().enumerate() {
            if any_snappable && !e.snappable {
                continue;
            }
            let start = e.geom_start as usize;
            for j in 0..e.geom_len as usize - 1 {
                let (p, q) = (net.point(start + j), net.point(start + j + 1));
                let a = [p[0] * kx, p[1] * M_PER_DEG];
                let b = [q[0] * kx, q[1] * M_PER_DEG];
                segs.push(GeomWithData::new(Line::new(a, b), (i as u32, j as u32)));
            }
        }
        Snapper {
            net,
            tree: RTree::bulk_load(segs),
            kx,
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
        let q = [lon * self.kx, lat * M_PER_DEG];
        let kx_local = M_PER_DEG * lat.to_radians().cos();
        let local = |p: [f64; 2]| [(p[0] - lon) * kx_local, (p[1] - lat) * M_PER_DEG];
        // (distance m, edge, segment, t along segment)
        let mut best: Option<(f64, u32, u32, f64)> = None;
        for (seg, d2) in self.tree.nearest_neighbor_iter_with_distance_2(q) {
            if let Some(b) = best
                && d2.sqrt() > b.0 + 1e-6
            {
                break;
            }
            let (e, j) = seg.data;
            let start = self.net.edges[e as usize].geom_start as usize + j as usize;
            let (a, b) = (local(self.net.point(start)), local(self.net.point(start + 1)));
            let (d, t) = point_segment([0.0, 0.0], a, b);
            let cand = (d, e, j, t);
            // Ties: lowest edge, then segment, for determinism.
            if best.is_none_or(|b| (d, e, j) < (b.0, b.1, b.2)) {
                best = Some(cand);
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

    #[test]
    fn segment_projection() {
        let (d, t) = point_segment([1.0, 1.0], [0.0, 0.0], [2.0, 0.0]);
        assert_eq!((d, t), (1.0, 0.5));
        let (d, t) = point_segment([-3.0, 4.0], [0.0, 0.0], [2.0, 0.0]);
        assert_eq!((d, t), (5.0, 0.0));
    }
}
