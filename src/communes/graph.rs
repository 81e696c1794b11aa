//! The commune graph: the road-travel estimate that needs no road data.
//!
//! Nodes are communes (one per commune with an origin, in INSEE order); an
//! edge joins two communes whose polygons share a stretch of boundary, in
//! both directions, with time = great-circle distance between the two
//! origins × [`CommuneProfile::detour`] / [`CommuneProfile::speed_kmh`] +
//! [`CommuneProfile::hop_s`]. A BACKBONE of direct edges joins every
//! commune to its nearest towns and towns to one another (the main roads;
//! a fast tier between large towns stands for motorways), with its own
//! detour, speed and constant: see [`backbone_pairs`]. Outputs made on it are labelled
//! `engine=commune-estimate`. See `docs/commune-engine.md` for the
//! calibration against Corsica's OpenStreetMap road network.
//!
//! Choices:
//! - **Point-only contact is not an edge**: four communes meeting at a
//!   corner rarely have a road through that exact point, and the two pairs
//!   that do share a side already connect them in two hops.
//! - **Communes without polygon** (8 in the source) get edges to their
//!   [`CommuneProfile::no_polygon_neighbours`] nearest origins; a commune
//!   whose polygon shares no boundary segment but meets other polygons
//!   (point contact, overlap: outlines of different vintages, e.g. 62447
//!   Hesdin-la-Forêt) is joined to those. Both are listed in
//!   [`CommuneGraph::estimated`].
//! - **Bridges** to islands whose polygons do not touch the mainland (Ré,
//!   Oléron, Noirmoutier, the Rivière Salée in Guadeloupe) are added from the
//!   hand-typed [`FIXED_LINKS`].
//! - **Communes with no neighbour** (islands: Sein, Ouessant, Yeu, Bréhat…,
//!   small overseas islands) stay as nodes without arcs and are listed in
//!   [`CommuneGraph::isolated`]. Overseas départements (971–976) form their
//!   own components: unreachable from the mainland and from each other.

use std::path::Path;

use geo::{BoundingRect, Intersects, Rect};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::haversine_m;
use super::load::Communes;
use super::origin::OriginSource;
use super::segments::{Contact, contact};
use crate::error::{Error, Result};
use crate::graph::{Edge, RoadGraph, read_graph, write_graph};
use crate::units::{NodeId, Time, UNREACHABLE, travel_time};

/// Fixed links (bridges, causeways) between communes whose polygons do not
/// touch but that a road joins, typed by hand: (INSEE, INSEE, what). Sources:
/// the French Wikipedia articles of each bridge; INSEE codes from the COG.
/// Ferry crossings are deliberately absent: an island reached only by boat
/// stays a separate component and is reported.
pub const FIXED_LINKS: &[(&str, &str, &str)] = &[
    (
        "17300",
        "17297",
        "Pont de l'île de Ré (La Rochelle – Rivedoux-Plage, 1988)",
    ),
    (
        "17058",
        "17093",
        "Pont de l'île d'Oléron (Bourcefranc-le-Chapus – Le Château-d'Oléron, 1966)",
    ),
    (
        "85012",
        "85011",
        "Pont de Noirmoutier (La Barre-de-Monts – Barbâtre, 1971)",
    ),
    (
        "97120",
        "97103",
        "Pont de la Gabarre over the Rivière Salée (Pointe-à-Pitre – Baie-Mahault)",
    ),
    (
        "97101",
        "97103",
        "Pont de l'Alliance over the Rivière Salée (Les Abymes – Baie-Mahault)",
    ),
];

/// Départements without any motorway (Corsica: its main roads are the
/// two-lane "routes territoriales"; Wikipedia, "Liste des autoroutes de
/// France"), where the fast tier of the backbone does not apply. The
/// backbone is calibrated there, so this also keeps the calibration free of
/// the fast tier.
pub const NO_MOTORWAY_DEPS: &[&str] = &["2A", "2B"];

/// Name of the engine in every output made on the commune graph.
pub const ENGINE: &str = "commune-estimate";

/// Parameters of the commune-estimate travel time. Calibrated on Corsica
/// (see `docs/commune-engine.md`). Fields missing from a serialized profile
/// take their default values.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CommuneProfile {
    /// Road length / great-circle length of a neighbour hop (dimensionless, ≥ 1).
    pub detour: f64,
    /// Mean driving speed along the road of a neighbour hop, in km/h.
    pub speed_kmh: f64,
    /// Fixed time added to every commune-to-commune hop, in seconds (village
    /// crossings, junctions).
    pub hop_s: f64,
    /// How many nearest communes (by origin distance) a commune without
    /// polygon is joined to.
    pub no_polygon_neighbours: usize,
    /// Backbone: a commune of at least this many inhabitants is a TOWN,
    /// joined directly to nearby communes and towns (the main roads that
    /// serve towns). 0 = no backbone (the neighbour graph alone).
    pub backbone_min_pop: u64,
    /// Every commune is joined to its [`Self::backbone_local_k`] nearest
    /// towns within this great-circle radius, in km.
    pub backbone_local_km: f64,
    /// At most this many towns per commune (see [`Self::backbone_local_km`]).
    pub backbone_local_k: usize,
    /// Every two towns closer than this great-circle distance, in km, are
    /// joined.
    pub backbone_town_km: f64,
    /// Road length / great-circle length of a backbone edge (dimensionless, ≥ 1).
    pub backbone_detour: f64,
    /// Mean driving speed along the road of a backbone edge, in km/h.
    pub backbone_speed_kmh: f64,
    /// Fixed time added to every backbone edge, in seconds.
    pub backbone_s: f64,
    /// Fast tier: backbone edges between two towns of at least this many
    /// inhabitants each use [`Self::fast_detour`] and
    /// [`Self::fast_speed_kmh`] (motorways and expressways join large towns
    /// on the mainland), when they are less than [`Self::fast_km`] apart and
    /// outside [`NO_MOTORWAY_DEPS`]. 0 = no fast tier.
    pub fast_min_pop: u64,
    /// Longest fast-tier edge, great-circle km.
    pub fast_km: f64,
    /// Road length / great-circle length of a fast-tier edge (dimensionless,
    /// ≥ 1); fitted with [`Self::fast_speed_kmh`] held at the motorway
    /// limit, it also absorbs the slower access roads.
    pub fast_detour: f64,
    /// Driving speed of a fast-tier edge, in km/h.
    pub fast_speed_kmh: f64,
}

impl Default for CommuneProfile {
    /// The calibrated profile (Corsica, class speeds; see the docs).
    fn default() -> Self {
        CommuneProfile {
            detour: 1.97,
            speed_kmh: 103.0,
            hop_s: 137.0,
            no_polygon_neighbours: 4,
            backbone_min_pop: 5000,
            backbone_local_km: 15.0,
            backbone_local_k: 2,
            backbone_town_km: 60.0,
            backbone_detour: 1.89,
            backbone_speed_kmh: 120.0,
            backbone_s: 360.0,
            fast_min_pop: 20_000,
            fast_km: 100.0,
            fast_detour: 1.35,
            fast_speed_kmh: 130.0,
        }
    }
}

impl CommuneProfile {
    /// The neighbour graph alone (no backbone edges): the profile before
    /// the backbone was added, kept for comparisons.
    pub fn neighbours_only() -> Self {
        CommuneProfile {
            backbone_min_pop: 0,
            fast_min_pop: 0,
            ..CommuneProfile::default()
        }
    }

    /// Time of one hop of `metres` great-circle distance, in tenths of a
    /// second (at least 1).
    pub fn hop_time(&self, metres: f64) -> Time {
        let t = travel_time(metres * self.detour, self.speed_kmh);
        if t == UNREACHABLE {
            return t;
        }
        (t as f64 + self.hop_s * 10.0).round().max(1.0) as Time
    }

    /// Time of a backbone edge of `metres` great-circle distance, in tenths
    /// of a second (at least 1); `fast` for an edge of the fast tier.
    pub fn backbone_time(&self, metres: f64, fast: bool) -> Time {
        let t = if fast {
            travel_time(metres * self.fast_detour, self.fast_speed_kmh)
        } else {
            travel_time(metres * self.backbone_detour, self.backbone_speed_kmh)
        };
        if t == UNREACHABLE {
            return t;
        }
        (t as f64 + self.backbone_s * 10.0).round().max(1.0) as Time
    }

    /// Time of a leg of `metres` great-circle distance without the per-hop
    /// constant (e.g. from a facility to its commune's origin), in tenths of
    /// a second.
    pub fn leg_time(&self, metres: f64) -> Time {
        travel_time(metres * self.detour, self.speed_kmh)
    }

    fn check(&self) -> Result<()> {
        let pos = |x: f64| x.is_finite() && x > 0.0;
        let nonneg = |x: f64| x.is_finite() && x >= 0.0;
        let ok = self.detour.is_finite()
            && self.detour >= 1.0
            && pos(self.speed_kmh)
            && nonneg(self.hop_s)
            && (self.backbone_min_pop == 0
                || (self.backbone_detour.is_finite()
                    && self.backbone_detour >= 1.0
                    && pos(self.backbone_speed_kmh)
                    && nonneg(self.backbone_s)
                    && nonneg(self.backbone_local_km)
                    && nonneg(self.backbone_town_km)
                    && nonneg(self.fast_km)
                    && (self.fast_min_pop == 0
                        || (pos(self.fast_speed_kmh)
                            && self.fast_detour.is_finite()
                            && self.fast_detour >= 1.0))));
        if ok {
            Ok(())
        } else {
            Err(Error::Invalid(format!(
                "commune profile {self:?}: need detour >= 1, speed_kmh > 0, hop_s >= 0, and with a \
                 backbone: backbone_detour >= 1, backbone_speed_kmh > 0 (fast_speed_kmh > 0 with a \
                 fast tier), backbone_s, backbone_local_km, backbone_town_km >= 0"
            )))
        }
    }
}

/// One node of the commune graph.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CommuneNode {
    pub insee: String,
    pub name: String,
    pub dep: String,
    /// Inhabitants; `None` when unknown.
    pub population: Option<u64>,
    /// Origin longitude, degrees WGS84.
    pub lon: f64,
    /// Origin latitude, degrees WGS84.
    pub lat: f64,
    pub origin_source: OriginSource,
}

/// The commune graph and what the builder found.
#[derive(Debug, Clone)]
pub struct CommuneGraph {
    /// Node `i` is `nodes[i]`; arcs in both directions.
    pub graph: RoadGraph,
    /// Sorted by INSEE code.
    pub nodes: Vec<CommuneNode>,
    pub profile: CommuneProfile,
    /// Nodes with no neighbour (islands), reported, never dropped.
    pub isolated: Vec<NodeId>,
    /// Nodes whose edges are not from a shared boundary segment: without
    /// polygon (nearest origins) or meeting others only by overlap / points.
    pub estimated: Vec<NodeId>,
    /// INSEE codes of communes with no point at all: not nodes.
    pub missing: Vec<String>,
    /// Pairs of communes meeting at points only (no edge), counted when
    /// built from polygons; 0 when read from a file.
    pub point_contacts: usize,
}

impl CommuneGraph {
    /// Node of an INSEE code.
    pub fn node_of(&self, insee: &str) -> Option<NodeId> {
        self.nodes
            .binary_search_by(|n| n.insee.as_str().cmp(insee))
            .ok()
            .map(|i| i as NodeId)
    }

    /// Connected components (the graph is symmetric), largest first, ties
    /// by lowest node id; each component's nodes ascending. The first is
    /// the mainland; the others are islands, overseas territories and
    /// anything cut off, to be reported.
    pub fn components(&self) -> Vec<Vec<NodeId>> {
        let n = self.graph.num_nodes();
        let mut comp = vec![NodeId::MAX; n];
        let mut out: Vec<Vec<NodeId>> = Vec::new();
        for s in 0..n as NodeId {
            if comp[s as usize] != NodeId::MAX {
                continue;
            }
            let id = out.len() as NodeId;
            comp[s as usize] = id;
            let mut members = vec![s];
            let mut i = 0;
            while i < members.len() {
                let v = members[i];
                i += 1;
                for (w, _) in self.graph.forward().arcs(v) {
                    if comp[w as usize] == NodeId::MAX {
                        comp[w as usize] = id;
                        members.push(w);
                    }
                }
            }
            members.sort_unstable();
            out.push(members);
        }
        out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        out
    }

    /// Nodes in `scope`, ascending.
    ///
    /// # Errors
    /// An unknown code, or a scope that selects no node.
    pub fn select(&self, scope: &super::Scope) -> Result<Vec<NodeId>> {
        let idx = scope.select_by(
            self.nodes.len(),
            |v| &self.nodes[v].dep,
            |c| self.node_of(c).map(|v| v as usize),
        )?;
        Ok(idx.into_iter().map(|v| v as NodeId).collect())
    }

    /// Number of undirected edges (half the arcs).
    pub fn num_edges(&self) -> usize {
        self.graph.num_arcs() / 2
    }
}

/// Builds the commune graph from a commune table with polygons.
///
/// # Errors
/// An invalid profile, or a table too large for `u32` node ids.
pub fn build_commune_graph(table: &Communes, profile: &CommuneProfile) -> Result<CommuneGraph> {
    profile.check()?;
    commune_links(table, profile.no_polygon_neighbours).graph(profile)
}

/// The neighbour links of a commune table, before any time is put on them:
/// what [`build_commune_graph`] computes from the polygons, kept apart so
/// that many profiles can be tried on the same table (calibration).
#[derive(Debug, Clone)]
pub struct CommuneLinks {
    /// Sorted by INSEE code.
    pub nodes: Vec<CommuneNode>,
    /// Neighbour pairs `(v, w)`, `v < w`, sorted, unique.
    pub pairs: Vec<(usize, usize)>,
    /// See [`CommuneGraph::estimated`].
    pub estimated: Vec<NodeId>,
    /// See [`CommuneGraph::missing`].
    pub missing: Vec<String>,
    /// See [`CommuneGraph::point_contacts`].
    pub point_contacts: usize,
}

/// Neighbour links of `table` (shared boundaries, overlaps, bridges, and
/// the `no_polygon_neighbours` nearest origins of communes without polygon).
pub fn commune_links(table: &Communes, no_polygon_neighbours: usize) -> CommuneLinks {
    let mut nodes = Vec::new();
    let mut rows = Vec::new(); // table index of each node
    let mut missing = Vec::new();
    for (i, c) in table.communes.iter().enumerate() {
        match c.origin {
            Some((lon, lat)) => {
                rows.push(i);
                nodes.push(CommuneNode {
                    insee: c.insee.clone(),
                    name: c.name.clone(),
                    dep: c.dep.clone(),
                    population: c.population,
                    lon,
                    lat,
                    origin_source: c.origin_source,
                });
            }
            None => missing.push(c.insee.clone()),
        }
    }
    let rects: Vec<Option<Rect<f64>>> = rows
        .iter()
        .map(|&i| table.polygons[i].as_ref().and_then(|p| p.bounding_rect()))
        .collect();
    let tree = RTree::bulk_load(
        rects
            .iter()
            .enumerate()
            .filter_map(|(v, r)| {
                r.map(|r| {
                    GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        v,
                    )
                })
            })
            .collect(),
    );
    // Exact test on every pair of nodes whose boxes meet; each pair is
    // tested once (from its lower id). Collecting per node keeps the
    // output order independent of the thread count.
    let found: Vec<(Vec<(usize, usize)>, usize)> = (0..nodes.len())
        .into_par_iter()
        .map(|v| {
            let (Some(ra), Some(pa)) = (rects[v], table.polygons[rows[v]].as_ref()) else {
                return (Vec::new(), 0);
            };
            let env = AABB::from_corners([ra.min().x, ra.min().y], [ra.max().x, ra.max().y]);
            let mut out = Vec::new();
            let mut points = 0;
            for cand in tree.locate_in_envelope_intersecting(env) {
                let w = cand.data;
                if w <= v {
                    continue;
                }
                let (Some(rb), Some(pb)) = (rects[w], table.polygons[rows[w]].as_ref()) else {
                    continue;
                };
                match contact(pa, &ra, pb, &rb) {
                    Contact::Segment => out.push((v, w)),
                    Contact::Point => points += 1,
                    Contact::None => {}
                }
            }
            (out, points)
        })
        .collect();
    let point_contacts = found.iter().map(|f| f.1).sum();
    let mut pairs: Vec<(usize, usize)> = found.into_iter().flat_map(|f| f.0).collect();
    let mut has_edge = vec![false; nodes.len()];
    for &(v, w) in &pairs {
        has_edge[v] = true;
        has_edge[w] = true;
    }

    // A polygon with no shared segment that still meets others (overlap or
    // point contact): join it to every polygon it meets.
    let mut estimated: Vec<usize> = Vec::new();
    for v in 0..nodes.len() {
        let (false, Some(ra), Some(pa)) = (has_edge[v], rects[v], table.polygons[rows[v]].as_ref()) else {
            continue;
        };
        let env = AABB::from_corners([ra.min().x, ra.min().y], [ra.max().x, ra.max().y]);
        let mut met: Vec<usize> = tree
            .locate_in_envelope_intersecting(env)
            .map(|c| c.data)
            .filter(|&w| {
                w != v
                    && table.polygons[rows[w]]
                        .as_ref()
                        .is_some_and(|pb| pa.intersects(pb))
            })
            .collect();
        met.sort_unstable();
        if !met.is_empty() {
            estimated.push(v);
            pairs.extend(met.into_iter().map(|w| (v.min(w), v.max(w))));
        }
    }

    // Bridges.
    let node_of = |insee: &str| nodes.binary_search_by(|n| n.insee.as_str().cmp(insee)).ok();
    for (a, b, _) in FIXED_LINKS {
        if let (Some(v), Some(w)) = (node_of(a), node_of(b)) {
            pairs.push((v.min(w), v.max(w)));
        }
    }

    // Communes without polygon: nearest origins (in degrees, which only
    // ranks candidates; times use the great-circle distance).
    let no_polygon: Vec<usize> = (0..nodes.len()).filter(|&v| rects[v].is_none()).collect();
    estimated.extend(&no_polygon);
    estimated.sort_unstable();
    let estimated = estimated;
    if !no_polygon.is_empty() && no_polygon_neighbours > 0 {
        let pts = RTree::bulk_load(
            nodes
                .iter()
                .enumerate()
                .map(|(v, n)| GeomWithData::new([n.lon, n.lat], v))
                .collect(),
        );
        for &v in &no_polygon {
            let p = [nodes[v].lon, nodes[v].lat];
            for near in pts
                .nearest_neighbor_iter(p)
                .filter(|g| g.data != v)
                .take(no_polygon_neighbours)
            {
                pairs.push((v.min(near.data), v.max(near.data)));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();

    CommuneLinks {
        nodes,
        pairs,
        estimated: estimated.into_iter().map(|v| v as NodeId).collect(),
        missing,
        point_contacts,
    }
}

impl CommuneLinks {
    /// Connected component of each node in the neighbour graph, as the
    /// smallest node id of the component.
    pub fn components(&self) -> Vec<usize> {
        // Union-find, the root always the smaller id: deterministic labels.
        let mut parent: Vec<usize> = (0..self.nodes.len()).collect();
        fn root(parent: &mut [usize], mut v: usize) -> usize {
            while parent[v] != v {
                parent[v] = parent[parent[v]];
                v = parent[v];
            }
            v
        }
        for &(v, w) in &self.pairs {
            let (a, b) = (root(&mut parent, v), root(&mut parent, w));
            parent[a.max(b)] = a.min(b);
        }
        (0..self.nodes.len()).map(|v| root(&mut parent, v)).collect()
    }

    /// The commune graph of these links under `profile`: neighbour edges
    /// plus the backbone (see [`backbone_pairs`]); where a pair is both, the
    /// faster time is kept.
    ///
    /// # Errors
    /// An invalid profile, or too many nodes for `u32` node ids.
    pub fn graph(&self, profile: &CommuneProfile) -> Result<CommuneGraph> {
        profile.check()?;
        let nodes = &self.nodes;
        let dist =
            |v: usize, w: usize| haversine_m((nodes[v].lon, nodes[v].lat), (nodes[w].lon, nodes[w].lat));
        let mut timed: Vec<(usize, usize, Time)> = self
            .pairs
            .iter()
            .map(|&(v, w)| (v, w, profile.hop_time(dist(v, w))))
            .collect();
        for (v, w, fast) in backbone_pairs(nodes, &self.components(), profile) {
            timed.push((v, w, profile.backbone_time(dist(v, w), fast)));
        }
        timed.sort_unstable();
        timed.dedup_by_key(|e| (e.0, e.1)); // keeps the first, the fastest
        let mut edges = Vec::with_capacity(2 * timed.len());
        for &(v, w, t) in &timed {
            edges.push(Edge::new(v as NodeId, w as NodeId, t));
            edges.push(Edge::new(w as NodeId, v as NodeId, t));
        }
        let graph = RoadGraph::from_edges(nodes.len(), &edges)?;
        let isolated = (0..nodes.len() as NodeId)
            .filter(|&v| graph.forward().out_degree(v) == 0)
            .collect();
        Ok(CommuneGraph {
            graph,
            nodes: nodes.clone(),
            profile: *profile,
            isolated,
            estimated: self.estimated.clone(),
            missing: self.missing.clone(),
            point_contacts: self.point_contacts,
        })
    }
}

/// Backbone pairs `(v, w, fast)`, `v < w`, sorted, unique: each commune to
/// its [`CommuneProfile::backbone_local_k`] nearest towns within
/// [`CommuneProfile::backbone_local_km`], and every two towns within
/// [`CommuneProfile::backbone_town_km`]; `fast` when both ends have at least
/// [`CommuneProfile::fast_min_pop`] inhabitants and lie outside
/// [`NO_MOTORWAY_DEPS`] (such pairs are joined up to
/// [`CommuneProfile::fast_km`]). `component[v]` is the
/// connected component of `v` in the neighbour graph: a backbone edge never
/// joins two components, so that islands reached only by ferry (Groix is
/// 6 km from Lorient, Petite-Terre 3 km from Mamoudzou) stay separate.
pub fn backbone_pairs(
    nodes: &[CommuneNode],
    component: &[usize],
    profile: &CommuneProfile,
) -> Vec<(usize, usize, bool)> {
    if profile.backbone_min_pop == 0 {
        return Vec::new();
    }
    let pop = |v: usize| nodes[v].population.unwrap_or(0);
    let towns: Vec<usize> = (0..nodes.len())
        .filter(|&v| pop(v) >= profile.backbone_min_pop)
        .collect();
    if towns.is_empty() {
        return Vec::new();
    }
    let tree = RTree::bulk_load(
        towns
            .iter()
            .map(|&v| GeomWithData::new([nodes[v].lon, nodes[v].lat], v))
            .collect(),
    );
    // Towns within `km` of node v, nearest first (ties by node id): a box in
    // degrees around the point, then the exact great-circle distance.
    let within = |v: usize, km: f64| -> Vec<(f64, usize)> {
        let (lon, lat) = (nodes[v].lon, nodes[v].lat);
        let dlat = km / 110.0; // a degree of latitude is ≥ 110.5 km
        let dlon = km / (110.0 * lat.to_radians().cos().max(0.01));
        let env = AABB::from_corners([lon - dlon, lat - dlat], [lon + dlon, lat + dlat]);
        let mut out: Vec<(f64, usize)> = tree
            .locate_in_envelope(env)
            .map(|g| g.data)
            .filter(|&w| w != v && component[w] == component[v])
            .map(|w| (haversine_m((lon, lat), (nodes[w].lon, nodes[w].lat)), w))
            .filter(|&(d, _)| d <= km * 1000.0)
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        out
    };
    let big = |v: usize| {
        profile.fast_min_pop > 0
            && pop(v) >= profile.fast_min_pop
            && !NO_MOTORWAY_DEPS.contains(&nodes[v].dep.as_str())
    };
    let fast = |v: usize, w: usize| big(v) && big(w);
    let mut out: Vec<(usize, usize, bool)> = (0..nodes.len())
        .into_par_iter()
        .flat_map_iter(|v| {
            let mut mine: Vec<(usize, usize, bool)> = within(v, profile.backbone_local_km)
                .into_iter()
                .take(profile.backbone_local_k)
                .map(|(_, w)| (v.min(w), v.max(w), fast(v, w)))
                .collect();
            if pop(v) >= profile.backbone_min_pop {
                let town_m = profile.backbone_town_km * 1000.0;
                let fast_m = profile.fast_km * 1000.0;
                let km = if big(v) {
                    profile.backbone_town_km.max(profile.fast_km)
                } else {
                    profile.backbone_town_km
                };
                mine.extend(
                    within(v, km)
                        .into_iter()
                        .filter(|&(d, w)| w > v && (d <= town_m || (fast(v, w) && d <= fast_m)))
                        .map(|(_, w)| (v, w, fast(v, w))),
                );
            }
            mine
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// First line of the metadata of a commune graph file.
#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    format: String,
    version: u32,
    engine: String,
    profile: CommuneProfile,
    estimated: Vec<NodeId>,
    missing: Vec<String>,
}

const FORMAT: &str = "medaccess-commune-graph";
const TABLE_HEADER: [&str; 7] = [
    "insee",
    "name",
    "dep",
    "population",
    "origin_lon",
    "origin_lat",
    "origin_source",
];

/// Writes the node table as CSV (header [`TABLE_HEADER`]); coordinates with
/// 6 decimals (about 0.1 m).
pub(crate) fn write_node_table(nodes: &[CommuneNode]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Invalid(format!("writing the commune table: {e}"));
    w.write_record(TABLE_HEADER).map_err(err)?;
    for n in nodes {
        w.write_record([
            n.insee.as_str(),
            &n.name,
            &n.dep,
            &n.population.map(|p| p.to_string()).unwrap_or_default(),
            &format!("{:.6}", n.lon),
            &format!("{:.6}", n.lat),
            n.origin_source.as_str(),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Invalid(format!("writing the commune table: {e}")))
}

/// Parses a node table written by [`write_node_table`]; `line0` is the line
/// of its header in `path` (for error messages).
pub(crate) fn read_node_table(path: &Path, bytes: &[u8], line0: u64) -> Result<Vec<CommuneNode>> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let head = rdr
        .headers()
        .map_err(|e| Error::format(path, format!("commune table: {e}")))?;
    if head.iter().ne(TABLE_HEADER) {
        return Err(Error::format(
            path,
            format!("commune table header must be {}", TABLE_HEADER.join(",")),
        ));
    }
    let mut out: Vec<CommuneNode> = Vec::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = line0 + 1 + k as u64;
        let rec = rec.map_err(|e| Error::field(path, line, "(record)", e.to_string()))?;
        let f = |i: usize| rec.get(i).unwrap_or("");
        let num = |i: usize| -> Result<f64> {
            f(i).parse()
                .map_err(|_| Error::field(path, line, TABLE_HEADER[i], format!("`{}` is not a number", f(i))))
        };
        let population = match f(3) {
            "" => None,
            s => Some(
                super::load::parse_population(s).map_err(|m| Error::field(path, line, "population", m))?,
            ),
        };
        let origin_source = OriginSource::parse(f(6))
            .ok_or_else(|| Error::field(path, line, "origin_source", format!("unknown value `{}`", f(6))))?;
        let node = CommuneNode {
            insee: f(0).to_string(),
            name: f(1).to_string(),
            dep: f(2).to_string(),
            population,
            lon: num(4)?,
            lat: num(5)?,
            origin_source,
        };
        if !is_insee(&node.insee) {
            return Err(Error::field(
                path,
                line,
                "insee",
                format!(
                    "`{}` is not an INSEE commune code (5 characters, e.g. 64422 or 2A004): the file is damaged; \
                     rebuild it with `medaccess graph build-communes`",
                    node.insee
                ),
            ));
        }
        if !is_departement(&node.dep) {
            return Err(Error::field(
                path,
                line,
                "dep",
                format!(
                    "commune {}: `{}` is not a département code (two digits, 2A, 2B, or 971-978): the file is damaged; \
                     rebuild it with `medaccess graph build-communes`",
                    node.insee, node.dep
                ),
            ));
        }
        if !crate::france::contains(node.lon, node.lat) {
            return Err(Error::field(
                path,
                line,
                "origin_lon/origin_lat",
                format!(
                    "commune {}: ({}, {}) is not a position in France (not a number, swapped, or moved): \
                     the file is damaged; rebuild it with `medaccess graph build-communes`",
                    node.insee, node.lon, node.lat
                ),
            ));
        }
        if out.last().is_some_and(|p| p.insee >= node.insee) {
            return Err(Error::field(
                path,
                line,
                "insee",
                "codes must be unique and sorted",
            ));
        }
        out.push(node);
    }
    Ok(out)
}

/// Whether `s` is an INSEE commune code: 5 characters, digits, or `2A`/`2B`
/// then digits.
fn is_insee(s: &str) -> bool {
    s.len() == 5
        && s.is_ascii()
        && (s[..2].bytes().all(|b| b.is_ascii_digit()) || &s[..2] == "2A" || &s[..2] == "2B")
        && s[2..].bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` is a département code (two digits, `2A`, `2B`, `971`-`978`):
/// it becomes part of file names (`--split-by-dep`), so nothing else passes.
fn is_departement(s: &str) -> bool {
    match s.len() {
        2 => s == "2A" || s == "2B" || (s.bytes().all(|b| b.is_ascii_digit()) && s != "00"),
        3 => s.starts_with("97") && (b'1'..=b'8').contains(&s.as_bytes()[2]),
        _ => false,
    }
}

/// Writes the graph with [`crate::graph::write_graph`] (gzipped). The
/// metadata bytes hold one JSON line (format name, version 2, engine,
/// profile, estimated nodes, missing INSEE codes) followed by the node
/// table as CSV: `insee,name,dep,population,origin_lon,origin_lat,origin_source`.
/// The isolated nodes are those without arcs, so they are not stored.
pub fn write_commune_graph(path: &Path, g: &CommuneGraph) -> Result<()> {
    let header = Header {
        format: FORMAT.into(),
        version: 2,
        engine: ENGINE.into(),
        profile: g.profile,
        estimated: g.estimated.clone(),
        missing: g.missing.clone(),
    };
    let mut meta = serde_json::to_vec(&header).map_err(|e| Error::Invalid(e.to_string()))?;
    meta.push(b'\n');
    meta.extend(write_node_table(&g.nodes)?);
    write_graph(path, &g.graph, &meta, true)
}

/// Reads a file written by [`write_commune_graph`].
///
/// # Errors
/// Not a commune graph file, or a node table that does not match the graph.
pub fn read_commune_graph(path: &Path) -> Result<CommuneGraph> {
    let (graph, meta) = read_graph(path)?;
    let nl = meta
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| Error::format(path, "graph metadata is not a commune graph header"))?;
    let header: Header = serde_json::from_slice(&meta[..nl])
        .map_err(|e| Error::format(path, format!("not a commune graph file: {e}")))?;
    if header.format != FORMAT || header.version != 2 {
        return Err(Error::format(
            path,
            format!(
                "metadata says {} version {}, expected {FORMAT} version 2",
                header.format, header.version
            ),
        ));
    }
    header.profile.check()?;
    let nodes = read_node_table(path, &meta[nl + 1..], 2)?;
    if nodes.len() != graph.num_nodes() {
        return Err(Error::format(
            path,
            format!(
                "{} communes in the table but {} graph nodes",
                nodes.len(),
                graph.num_nodes()
            ),
        ));
    }
    let isolated = (0..nodes.len() as NodeId)
        .filter(|&v| graph.forward().out_degree(v) == 0)
        .collect();
    Ok(CommuneGraph {
        graph,
        nodes,
        profile: header.profile,
        isolated,
        estimated: header.estimated,
        missing: header.missing,
        point_contacts: 0,
    })
}
