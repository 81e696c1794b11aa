//! The commune graph: the road-travel estimate that needs no road data.
//!
//! Nodes are communes (one per commune with an origin, in INSEE order); an
//! edge joins two communes whose polygons share a stretch of boundary, in
//! both directions, with time = great-circle distance between the two
//! origins × [`CommuneProfile::detour`] / [`CommuneProfile::speed_kmh`] +
//! [`CommuneProfile::hop_s`]. Outputs made on it are labelled
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

/// Name of the engine in every output made on the commune graph.
pub const ENGINE: &str = "commune-estimate";

/// Parameters of the commune-estimate travel time. Calibrated on Corsica
/// (see `docs/commune-engine.md`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CommuneProfile {
    /// Road length / great-circle length (dimensionless, ≥ 1).
    pub detour: f64,
    /// Mean driving speed along the road, in km/h.
    pub speed_kmh: f64,
    /// Fixed time added to every commune-to-commune hop, in seconds (village
    /// crossings, junctions).
    pub hop_s: f64,
    /// How many nearest communes (by origin distance) a commune without
    /// polygon is joined to.
    pub no_polygon_neighbours: usize,
}

impl Default for CommuneProfile {
    /// The calibrated profile (Corsica, class speeds; see the docs).
    fn default() -> Self {
        CommuneProfile {
            detour: 1.97,
            speed_kmh: 103.0,
            hop_s: 137.0,
            no_polygon_neighbours: 4,
        }
    }
}

impl CommuneProfile {
    /// Time of one hop of `metres` great-circle distance, in tenths of a
    /// second (at least 1).
    pub fn hop_time(&self, metres: f64) -> Time {
        let t = travel_time(metres * self.detour, self.speed_kmh);
        if t == UNREACHABLE {
            return t;
        }
        (t as f64 + self.hop_s * 10.0).round().max(1.0) as Time
    }

    /// Time of a leg of `metres` great-circle distance without the per-hop
    /// constant (e.g. from a facility to its commune's origin), in tenths of
    /// a second.
    pub fn leg_time(&self, metres: f64) -> Time {
        travel_time(metres * self.detour, self.speed_kmh)
    }

    fn check(&self) -> Result<()> {
        let ok = self.detour.is_finite()
            && self.detour >= 1.0
            && self.speed_kmh.is_finite()
            && self.speed_kmh > 0.0
            && self.hop_s.is_finite()
            && self.hop_s >= 0.0;
        if ok {
            Ok(())
        } else {
            Err(Error::Invalid(format!(
                "commune profile {self:?}: need detour >= 1, speed_kmh > 0, hop_s >= 0"
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
        use super::Scope;
        let out: Vec<NodeId> = match scope {
            Scope::All => (0..self.nodes.len() as NodeId).collect(),
            Scope::Communes(codes) => {
                let mut v = Vec::with_capacity(codes.len());
                for c in codes {
                    v.push(self.node_of(c).ok_or_else(|| {
                        Error::Invalid(format!(
                            "unknown INSEE commune code `{c}` (or a commune without any point)"
                        ))
                    })?);
                }
                v.sort_unstable();
                v.dedup();
                v
            }
            _ => {
                let deps = scope.departements()?.unwrap_or_default();
                (0..self.nodes.len() as NodeId)
                    .filter(|&v| deps.contains(&self.nodes[v as usize].dep))
                    .collect()
            }
        };
        if out.is_empty() {
            return Err(Error::Invalid(format!("scope {scope:?} selects no commune")));
        }
        Ok(out)
    }

    /// The communes of `nodes` as [`crate::access::Place`]s: each enters
    /// the graph at its own node at time 0 (its origin is the node).
    pub fn places(&self, nodes: &[NodeId]) -> Vec<crate::access::Place> {
        nodes
            .iter()
            .map(|&v| {
                let n = &self.nodes[v as usize];
                crate::access::Place {
                    id: n.insee.clone(),
                    name: n.name.clone(),
                    dep: n.dep.clone(),
                    population: n.population,
                    origin: [n.lon, n.lat],
                    origin_source: n.origin_source.as_str().to_string(),
                    entries: vec![(v, 0)],
                }
            })
            .collect()
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
    if !no_polygon.is_empty() && profile.no_polygon_neighbours > 0 {
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
                .take(profile.no_polygon_neighbours)
            {
                pairs.push((v.min(near.data), v.max(near.data)));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();

    let mut edges = Vec::with_capacity(2 * pairs.len());
    for &(v, w) in &pairs {
        let d = haversine_m((nodes[v].lon, nodes[v].lat), (nodes[w].lon, nodes[w].lat));
        let t = profile.hop_time(d);
        edges.push(Edge::new(v as NodeId, w as NodeId, t));
        edges.push(Edge::new(w as NodeId, v as NodeId, t));
    }
    let graph = RoadGraph::from_edges(nodes.len(), &edges)?;
    let isolated = (0..nodes.len() as NodeId)
        .filter(|&v| graph.forward().out_degree(v) == 0)
        .collect();
    Ok(CommuneGraph {
        graph,
        nodes,
        profile: *profile,
        isolated,
        estimated: estimated.into_iter().map(|v| v as NodeId).collect(),
        missing,
        point_contacts,
    })
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
            s => Some(s.parse().map_err(|_| {
                Error::field(path, line, "population", format!("`{s}` is not a whole number"))
            })?),
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

/// Writes the graph with [`crate::graph::write_graph`] (gzipped). The
/// metadata bytes hold one JSON line (format name, version, engine,
/// profile, estimated nodes, missing INSEE codes) followed by the node
/// table as CSV: `insee,name,dep,population,origin_lon,origin_lat,origin_source`.
/// The isolated nodes are those without arcs, so they are not stored.
pub fn write_commune_graph(path: &Path, g: &CommuneGraph) -> Result<()> {
    let header = Header {
        format: FORMAT.into(),
        version: 1,
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
    if header.format != FORMAT || header.version != 1 {
        return Err(Error::format(
            path,
            format!(
                "metadata says {} version {}, expected {FORMAT} version 1",
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
