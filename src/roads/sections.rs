//! Road links from non-OSM sources (MATSim links, link-table rows, IGN road
//! sections) turned into the shared road pieces, so that every source goes
//! through the same build: contraction, largest strongly connected
//! component, shapes for snapping.
//!
//! A link joins two nodes, optionally through a shape; it has a speed in
//! each direction it may be driven. A shapeless one-way link whose exact
//! reverse also exists (MATSim and the Corsica table give each direction of
//! a two-way road its own row) becomes one two-way piece, so that a point
//! snapped onto a two-way street can leave it in both directions.

use std::collections::HashMap;

use super::build::{Piece, Pieces};
use super::{E7, NetworkInfo, RoadNetwork, from_e7, haversine_m, to_e7};
use crate::error::Result;

/// A link between two nodes of a [`NodeTable`].
#[derive(Debug, Clone)]
pub(crate) struct Link {
    /// The source's id of the link (or record number), kept as the edge's
    /// `way_id`.
    pub id: i64,
    pub from: usize,
    pub to: usize,
    /// Inner shape points between `from` and `to`, [`E7`]; empty for a
    /// straight link.
    pub inner: Vec<E7>,
    /// Length along the road in metres.
    pub length_m: f64,
    /// Speed from → to and to → from in km/h; `None` when forbidden.
    pub kmh: [Option<f64>; 2],
    /// Whether points may snap onto it (not ferries, not motorways).
    pub snappable: bool,
    /// Whether the profile's winding-road correction may slow it (see
    /// [`super::WindingParams`]): by class, and never when the speed comes
    /// from the source (a measured average speed already includes the bends).
    pub winding: bool,
}

/// Network nodes: positions, source ids, and a look-up by the source's id
/// text or by position.
#[derive(Debug, Default)]
pub(crate) struct NodeTable {
    pub ids: Vec<i64>,
    pub pos: Vec<E7>,
    by_key: HashMap<String, usize>,
    by_pos: HashMap<E7, usize>,
    next_negative: i64,
}

impl NodeTable {
    /// Adds a node known by its id text; numeric ids are kept, others are
    /// numbered -1, -2, … in order of appearance. A repeated id keeps its
    /// first position.
    pub fn insert(&mut self, key: &str, lonlat: [f64; 2]) -> usize {
        if let Some(&i) = self.by_key.get(key) {
            return i;
        }
        let id = key.trim().parse().unwrap_or_else(|_| {
            self.next_negative -= 1;
            self.next_negative
        });
        let i = self.ids.len();
        self.ids.push(id);
        self.pos.push(to_e7(lonlat));
        self.by_key.insert(key.to_string(), i);
        i
    }

    /// The node with this id text.
    pub fn get(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    /// The node at this position (to 1e-7 degrees), created when new; its
    /// id is its number from 1.
    pub fn at(&mut self, lonlat: [f64; 2]) -> usize {
        let p = to_e7(lonlat);
        if let Some(&i) = self.by_pos.get(&p) {
            return i;
        }
        let i = self.ids.len();
        self.ids.push(i as i64 + 1);
        self.pos.push(p);
        self.by_pos.insert(p, i);
        i
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Length in metres along a `[lon, lat]` polyline.
pub(crate) fn polyline_m(points: &[[f64; 2]]) -> f64 {
    points.windows(2).map(|w| haversine_m(w[0], w[1])).sum()
}

/// Builds the network from `links` over `nodes` through the shared build.
pub(crate) fn links_to_network(
    nodes: NodeTable,
    links: Vec<Link>,
    info: NetworkInfo,
    profile: &super::CarProfile,
) -> Result<RoadNetwork> {
    let one_way = |l: &Link| l.inner.is_empty() && l.kmh[0].is_some() && l.kmh[1].is_none();
    let mut reverse: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (i, l) in links.iter().enumerate() {
        if one_way(l) {
            reverse.entry((l.from, l.to)).or_default().push(i);
        }
    }
    let mut done = vec![false; links.len()];
    let mut pieces = Pieces {
        node_pos: nodes.pos,
        node_id: nodes.ids,
        ..Pieces::default()
    };
    let mut shape: Vec<E7> = Vec::new();
    for (i, l) in links.iter().enumerate() {
        if done[i] || l.from == l.to && l.inner.is_empty() {
            continue;
        }
        done[i] = true;
        let mut kmh = l.kmh;
        let mut bwd_length = l.length_m;
        if one_way(l)
            && let Some(j) = reverse
                .get(&(l.to, l.from))
                .and_then(|v| v.iter().copied().find(|&j| !done[j] && j != i))
        {
            done[j] = true;
            kmh[1] = links[j].kmh[0];
            bwd_length = links[j].length_m;
        }
        let secs = |k: Option<f64>, len: f64| k.map(|k| len / (k / 3.6));
        let (f, b) = (secs(kmh[0], l.length_m), secs(kmh[1], bwd_length));
        // A forbidden direction gets the other's time so that shape times
        // stay meaningful for snapping.
        let (Some(fwd_s), Some(bwd_s)) = (f.or(b), b.or(f)) else {
            continue;
        };
        shape.clear();
        shape.push(pieces.node_pos[l.from]);
        shape.extend_from_slice(&l.inner);
        shape.push(pieces.node_pos[l.to]);
        pieces.push(
            Piece {
                from: l.from as u32,
                to: l.to as u32,
                fwd: kmh[0].is_some(),
                bwd: kmh[1].is_some(),
                snappable: l.snappable,
                winding: l.winding,
                way_id: l.id,
                start: 0,
                len: 0,
                length_m: l.length_m,
                total_s: [0.0, 0.0],
            },
            &shape,
            [fwd_s, bwd_s],
        );
    }
    super::build::finish(pieces, info, profile)
}

/// The inner points of a `[lon, lat]` polyline as [`E7`] (its ends are the
/// link's nodes).
pub(crate) fn inner_points(points: &[[f64; 2]]) -> Vec<E7> {
    if points.len() <= 2 {
        return Vec::new();
    }
    points[1..points.len() - 1].iter().map(|&p| to_e7(p)).collect()
}

/// Great-circle length in metres between two nodes.
pub(crate) fn straight_m(nodes: &NodeTable, a: usize, b: usize) -> f64 {
    haversine_m(from_e7(nodes.pos[a]), from_e7(nodes.pos[b]))
}
