//! The commune graph: the road-travel estimate that needs no road data.
//!
//! Nodes are communes (one per commune with an origin, in INSEE order). The
//! LINKS of the graph ([`CommuneLinks`]) are built once from the commune
//! polygons and the BAAC road table: two communes whose polygons share a
//! stretch of boundary (plus bridges and communes without polygon), each
//! with the class of the best numbered road both carry; direct links where
//! a numbered road crosses communes without a recorded accident; and
//! motorway links along every motorway (see [`mod@super::road_links`]). A
//! [`CommuneProfile`] turns the links into travel times
//! ([`CommuneLinks::graph`]): v2 (the default) uses the road classes,
//! terrain and motorways; v1 (the first engine, kept for comparison) uses
//! the neighbour links alone plus a backbone between towns. The shipped
//! file holds the links, so any profile applies at load time. Outputs made
//! on it are labelled `engine=commune-estimate`. See
//! `docs/commune-engine.md` for the calibration and validation.
//!
//! Choices:
//! - **Point-only contact is not a link**: four communes meeting at a
//!   corner rarely have a road through that exact point, and the two pairs
//!   that do share a side already connect them in two hops.
//! - **Communes without polygon** (8 in the source) get links to their
//!   `no_polygon_neighbours` nearest origins; a commune whose polygon
//!   shares no boundary segment but meets other polygons (point contact,
//!   overlap: outlines of different vintages, e.g. 62447 Hesdin-la-Forêt)
//!   is joined to those. Both are listed in [`CommuneGraph::estimated`].
//! - **Bridges** to islands whose polygons do not touch the mainland (Ré,
//!   Oléron, Noirmoutier, the Rivière Salée in Guadeloupe) are added from the
//!   hand-typed [`FIXED_LINKS`].
//! - **Communes with no neighbour** (islands: Sein, Ouessant, Yeu, Bréhat…,
//!   small overseas islands) stay as nodes without arcs and are listed in
//!   [`CommuneGraph::isolated`]. Overseas départements (971–976) form their
//!   own components: unreachable from the mainland and from each other.
//! - **Road points** (v2) are extra graph nodes after the communes, one per
//!   numbered road in each commune it crosses ([`CommuneGraph::road_points`]).

use std::sync::Arc;

use geo::{BoundingRect, Intersects, Rect};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::haversine_m;
use super::load::Communes;
use super::origin::OriginSource;
use super::profile::{CommuneProfile, ProfileV1, ProfileV2};
use super::road_links::RoadLinks;
use super::road_table::RoadClass;
use super::segments::{Contact, contact};
use crate::error::{Error, Result};
use crate::graph::{Edge, RoadGraph};
use crate::units::{NodeId, Time};

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
    /// Node `i < nodes.len()` is `nodes[i]`; the nodes after them are
    /// road points (see [`Self::road_points`]). Arcs in both
    /// directions, with equal times.
    pub graph: RoadGraph,
    /// Sorted by INSEE code.
    pub nodes: Vec<CommuneNode>,
    pub profile: CommuneProfile,
    /// Graph node `nodes.len() + j` is the road point `j` of the links'
    /// road layer ([`super::road_links::RoadLinks::points`]), in commune
    /// `road_points[j]` (profile v2; empty with v1).
    pub road_points: Vec<NodeId>,
    /// The links the graph was made from, when known (built here or read
    /// from a links file): another profile can be applied to them.
    pub links: Option<Arc<CommuneLinks>>,
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
    /// Road points count with their commune and are not listed.
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
            members.retain(|&v| (v as usize) < self.nodes.len());
            members.sort_unstable();
            if !members.is_empty() {
                out.push(members);
            }
        }
        out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        out
    }

    /// The same links under another profile.
    ///
    /// # Errors
    /// A graph read from a file of finished times (no links), or an
    /// invalid profile.
    pub fn with_profile(&self, profile: &CommuneProfile) -> Result<CommuneGraph> {
        match &self.links {
            Some(l) => l.graph_shared(l.clone(), profile),
            None => Err(Error::Invalid(
                "this commune graph was read from a file of finished times, not links: rebuild it \
                 (medaccess graph build-communes) to apply another profile"
                    .into(),
            )),
        }
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
    let roads = match profile {
        CommuneProfile::V1(_) => None,
        CommuneProfile::V2(_) => Some(super::road_table::RoadTable::shipped()?),
    };
    build_commune_graph_with(table, roads.as_ref(), profile)
}

/// Builds the commune graph from a commune table with polygons and a road
/// table (`None`: no numbered road, every link local, terrain at the
/// default measure, no motorway).
///
/// # Errors
/// An invalid profile, or a table too large for `u32` node ids.
pub fn build_commune_graph_with(
    table: &Communes,
    roads: Option<&super::road_table::RoadTable>,
    profile: &CommuneProfile,
) -> Result<CommuneGraph> {
    profile.check()?;
    let mut links = commune_links(table, profile.no_polygon_neighbours());
    if let Some(r) = roads {
        links.roads = Some(super::road_links::road_links(&links, r, &Default::default()).0);
    }
    let links = Arc::new(links);
    links.graph_shared(links.clone(), profile)
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
    /// Road classes, gap and motorway links, terrain (engine v2); `None`
    /// when no road table was given.
    pub roads: Option<RoadLinks>,
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
        roads: None,
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

    /// The commune graph of these links under `profile` (the links are
    /// copied into the graph's [`CommuneGraph::links`]).
    ///
    /// # Errors
    /// An invalid profile, or too many nodes for `u32` node ids.
    pub fn graph(&self, profile: &CommuneProfile) -> Result<CommuneGraph> {
        self.graph_shared(Arc::new(self.clone()), profile)
    }

    /// [`Self::graph`] where `me` is `self` already shared.
    pub(crate) fn graph_shared(
        &self,
        me: Arc<CommuneLinks>,
        profile: &CommuneProfile,
    ) -> Result<CommuneGraph> {
        profile.check()?;
        let (edges, road_points) = match profile {
            CommuneProfile::V1(p) => (self.edges_v1(p), Vec::new()),
            CommuneProfile::V2(p) => self.edges_v2(p),
        };
        let n = self.nodes.len();
        let graph = RoadGraph::from_edges(n + road_points.len(), &edges)?;
        let isolated = (0..n as NodeId)
            .filter(|&v| graph.forward().out_degree(v) == 0)
            .collect();
        Ok(CommuneGraph {
            graph,
            nodes: self.nodes.clone(),
            profile: *profile,
            road_points,
            links: Some(me),
            isolated,
            estimated: self.estimated.clone(),
            missing: self.missing.clone(),
            point_contacts: self.point_contacts,
        })
    }

    /// The links among the communes of `deps` only (nodes renumbered,
    /// INSEE order kept): a regional graph, e.g. Corsica for calibration.
    pub fn subset(&self, deps: &[&str]) -> CommuneLinks {
        let keep: Vec<bool> = self
            .nodes
            .iter()
            .map(|n| deps.contains(&n.dep.as_str()))
            .collect();
        let mut new_id = vec![usize::MAX; self.nodes.len()];
        let mut nodes = Vec::new();
        for (v, n) in self.nodes.iter().enumerate() {
            if keep[v] {
                new_id[v] = nodes.len();
                nodes.push(n.clone());
            }
        }
        let both = |a: usize, b: usize| keep[a] && keep[b];
        let mut pairs = Vec::new();
        let mut pair_idx = Vec::new();
        for (i, &(a, b)) in self.pairs.iter().enumerate() {
            if both(a, b) {
                pairs.push((new_id[a], new_id[b]));
                pair_idx.push(i);
            }
        }
        let roads = self.roads.as_ref().map(|r| {
            let mut new_point = vec![usize::MAX; r.points.len()];
            let mut points = Vec::new();
            for (k, pt) in r.points.iter().enumerate() {
                if keep[pt.node] {
                    new_point[k] = points.len();
                    points.push(super::road_links::RoadPoint {
                        node: new_id[pt.node],
                        ..*pt
                    });
                }
            }
            RoadLinks {
                points,
                links: r
                    .links
                    .iter()
                    .filter(|l| new_point[l.a] != usize::MAX && new_point[l.b] != usize::MAX)
                    .map(|l| super::road_links::Link {
                        a: new_point[l.a],
                        b: new_point[l.b],
                        ..*l
                    })
                    .collect(),
                terrain: (0..self.nodes.len())
                    .filter(|&v| keep[v])
                    .map(|v| r.terrain[v])
                    .collect(),
            }
        });
        let _ = pair_idx;
        CommuneLinks {
            nodes,
            pairs,
            estimated: self
                .estimated
                .iter()
                .filter(|&&v| keep[v as usize])
                .map(|&v| new_id[v as usize] as NodeId)
                .collect(),
            missing: Vec::new(),
            point_contacts: 0,
            roads,
        }
    }

    fn dist(&self, v: usize, w: usize) -> f64 {
        let (a, b) = (&self.nodes[v], &self.nodes[w]);
        haversine_m((a.lon, a.lat), (b.lon, b.lat))
    }

    /// Both arcs of every edge `(v, w, time)`, duplicates keeping the fastest.
    fn both_ways(mut timed: Vec<(usize, usize, Time)>) -> Vec<Edge> {
        timed.sort_unstable();
        timed.dedup_by_key(|e| (e.0, e.1)); // keeps the first, the fastest
        let mut edges = Vec::with_capacity(2 * timed.len());
        for &(v, w, t) in &timed {
            edges.push(Edge::new(v as NodeId, w as NodeId, t));
            edges.push(Edge::new(w as NodeId, v as NodeId, t));
        }
        edges
    }

    /// v1: neighbour hops plus the backbone (see [`backbone_pairs`]); where
    /// a pair is both, the faster time is kept.
    fn edges_v1(&self, p: &ProfileV1) -> Vec<Edge> {
        let mut timed: Vec<(usize, usize, Time)> = self
            .pairs
            .iter()
            .map(|&(v, w)| (v, w, p.hop_time(self.dist(v, w))))
            .collect();
        for (v, w, fast) in backbone_pairs(&self.nodes, &self.components(), p) {
            timed.push((v, w, p.backbone_time(self.dist(v, w), fast)));
        }
        Self::both_ways(timed)
    }

    /// v2: neighbour links as local roads between origins, the road layer
    /// (each road point joined to its commune's origin and to the other
    /// points of the commune by local roads, road links at the time of
    /// their class, motorways at motorway speed); returns the edges and the
    /// commune of each road point.
    fn edges_v2(&self, p: &ProfileV2) -> (Vec<Edge>, Vec<NodeId>) {
        let n = self.nodes.len();
        let pop = |v: usize| self.nodes[v].population.unwrap_or(0);
        let none = RoadLinks::default();
        let roads = self.roads.as_ref().unwrap_or(&none);
        let terrain = |v: usize| roads.terrain.get(v).copied().unwrap_or(p.terrain_ref);
        let origin = |v: usize| (self.nodes[v].lon, self.nodes[v].lat);
        let mut timed: Vec<(usize, usize, Time)> =
            Vec::with_capacity(self.pairs.len() + 3 * roads.points.len() + roads.links.len());
        for &(v, w) in &self.pairs {
            let t = p.link_time(
                RoadClass::Local,
                self.dist(v, w),
                0.5 * (terrain(v) + terrain(w)),
                pop(v),
                pop(w),
            );
            timed.push((v, w, t));
        }
        let at = |k: usize| {
            roads.points[k]
                .position
                .unwrap_or_else(|| origin(roads.points[k].node))
        };
        for (k, pt) in roads.points.iter().enumerate() {
            let motorway = pt.class == RoadClass::Motorway;
            timed.push((
                pt.node,
                n + k,
                p.access_time(haversine_m(origin(pt.node), at(k)), motorway, pop(pt.node)),
            ));
            // The other points of the same commune (sorted by node).
            for j in k + 1..roads.points.len() {
                if roads.points[j].node != pt.node {
                    break;
                }
                // Getting on or off a motorway: from a point of another
                // road (motorway to motorway: an interchange, no charge).
                let one = motorway != (roads.points[j].class == RoadClass::Motorway);
                timed.push((
                    n + k,
                    n + j,
                    p.access_time(haversine_m(at(k), at(j)), one, pop(pt.node)),
                ));
            }
        }
        for l in &roads.links {
            let (va, vb) = (roads.points[l.a].node, roads.points[l.b].node);
            let d = haversine_m(at(l.a), at(l.b));
            let t = if l.class == RoadClass::Motorway {
                p.motorway_time(d)
            } else {
                let counts = roads.points[l.a].counts.plus(roads.points[l.b].counts);
                let tau = p.road_terrain(0.5 * (terrain(va) + terrain(vb)), counts);
                p.link_time(l.class, d, tau, pop(va), pop(vb))
            };
            timed.push((n + l.a, n + l.b, t));
        }
        let road_points = roads.points.iter().map(|pt| pt.node as NodeId).collect();
        (Self::both_ways(timed), road_points)
    }
}

/// Backbone pairs `(v, w, fast)`, `v < w`, sorted, unique: each commune to
/// its [`ProfileV1::backbone_local_k`] nearest towns within
/// [`ProfileV1::backbone_local_km`], and every two towns within
/// [`ProfileV1::backbone_town_km`]; `fast` when both ends have at least
/// [`ProfileV1::fast_min_pop`] inhabitants and lie outside
/// [`NO_MOTORWAY_DEPS`] (such pairs are joined up to
/// [`ProfileV1::fast_km`]). `component[v]` is the
/// connected component of `v` in the neighbour graph: a backbone edge never
/// joins two components, so that islands reached only by ferry (Groix is
/// 6 km from Lorient, Petite-Terre 3 km from Mamoudzou) stay separate.
pub fn backbone_pairs(
    nodes: &[CommuneNode],
    component: &[usize],
    profile: &ProfileV1,
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
