//! Commune graph files.
//!
//! Both kinds are [`crate::graph::write_graph`] files (gzipped, with a
//! checksum) whose metadata bytes start with one JSON line naming the
//! format:
//!
//! - **links** (`medaccess-commune-links`, version 1; what
//!   [`write_commune_graph`] writes for any graph built here, and the
//!   shipped `fixtures/communes-france.medgraph.gz`): no arcs; the JSON line
//!   (format, version, engine, node and link counts, `estimated` nodes,
//!   `missing` INSEE codes, point contacts, whether road classes are in),
//!   then the node table as CSV
//!   `insee,name,dep,population,origin_lon,origin_lat,origin_source,terrain`,
//!   then the links as CSV `from,to,kind,class,road` (INSEE codes; kind
//!   `neighbour`, `gap` or `motorway`; class as in
//!   [`super::road_table::RoadClass`]; the road behind the class). Any
//!   profile applies to it at load time ([`read_commune_graph_with`]).
//! - **finished graph** (`medaccess-commune-graph`, version 2, written by
//!   medaccess before the links file): the arcs with their times, the
//!   profile they were made with, then the node table. Read as it is; no
//!   other profile applies.

use std::path::Path;
use std::sync::Arc;

use super::graph::{CommuneGraph, CommuneLinks, CommuneNode, ENGINE};
use super::origin::OriginSource;
use super::profile::CommuneProfile;
use super::road_links::{Link, LinkKind, RoadLinks};
use super::road_table::RoadClass;
use crate::error::{Error, Result};
use crate::graph::{RoadGraph, read_graph, write_graph};
use crate::units::NodeId;

const LINKS_FORMAT: &str = "medaccess-commune-links";
const LINKS_VERSION: u32 = 1;
const GRAPH_FORMAT: &str = "medaccess-commune-graph";

/// First line of the metadata of a links file.
#[derive(serde::Serialize, serde::Deserialize)]
struct LinksHeader {
    format: String,
    version: u32,
    engine: String,
    nodes: usize,
    links: usize,
    estimated: Vec<NodeId>,
    missing: Vec<String>,
    point_contacts: usize,
    /// Road classes, gap and motorway links and terrain are in.
    roads: bool,
}

/// First line of the metadata of a finished-graph file.
#[derive(serde::Serialize, serde::Deserialize)]
struct GraphHeader {
    format: String,
    version: u32,
    engine: String,
    profile: CommuneProfile,
    estimated: Vec<NodeId>,
    missing: Vec<String>,
}

/// Just the format name and version, to tell the kinds apart.
#[derive(serde::Deserialize)]
struct Kind {
    format: String,
    version: u32,
}

pub(crate) const TABLE_HEADER: [&str; 7] = [
    "insee",
    "name",
    "dep",
    "population",
    "origin_lon",
    "origin_lat",
    "origin_source",
];

/// Writes the node table as CSV (header [`TABLE_HEADER`], plus `terrain`
/// when given, 3 decimals); coordinates with 6 decimals (about 0.1 m).
pub(crate) fn write_node_table(nodes: &[CommuneNode], terrain: Option<&[f64]>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Invalid(format!("writing the commune table: {e}"));
    let mut head: Vec<&str> = TABLE_HEADER.to_vec();
    if terrain.is_some() {
        head.push("terrain");
    }
    w.write_record(&head).map_err(err)?;
    for (i, n) in nodes.iter().enumerate() {
        let mut row = vec![
            n.insee.clone(),
            n.name.clone(),
            n.dep.clone(),
            n.population.map(|p| p.to_string()).unwrap_or_default(),
            format!("{:.6}", n.lon),
            format!("{:.6}", n.lat),
            n.origin_source.as_str().to_string(),
        ];
        if let Some(t) = terrain {
            row.push(format!("{:.3}", t[i]));
        }
        w.write_record(&row).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Invalid(format!("writing the commune table: {e}")))
}

/// Parses a node table written by [`write_node_table`]; `line0` is the line
/// of its header in `path` (for error messages). Reads at most `max` rows
/// (`usize::MAX`: all); returns the nodes, the terrain column when there
/// is one, and the number of bytes read.
pub(crate) fn read_node_table(
    path: &Path,
    bytes: &[u8],
    line0: u64,
    max: usize,
) -> Result<(Vec<CommuneNode>, Option<Vec<f64>>, usize)> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let head = rdr
        .headers()
        .map_err(|e| Error::format(path, format!("commune table: {e}")))?
        .clone();
    let with_terrain =
        head.len() == TABLE_HEADER.len() + 1 && head.get(TABLE_HEADER.len()) == Some("terrain");
    if head.iter().take(TABLE_HEADER.len()).ne(TABLE_HEADER)
        || (head.len() != TABLE_HEADER.len() && !with_terrain)
    {
        return Err(Error::format(
            path,
            format!(
                "commune table header must be {} (and optionally terrain)",
                TABLE_HEADER.join(",")
            ),
        ));
    }
    let mut out: Vec<CommuneNode> = Vec::new();
    let mut terrain = Vec::new();
    let mut rec = csv::StringRecord::new();
    while out.len() < max {
        let line = line0 + 1 + out.len() as u64;
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Error::field(path, line, "(record)", e.to_string())),
        }
        let f = |i: usize| rec.get(i).unwrap_or("");
        let num = |i: usize, name: &str| -> Result<f64> {
            f(i).parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| Error::field(path, line, name, format!("`{}` is not a number", f(i))))
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
            lon: num(4, "origin_lon")?,
            lat: num(5, "origin_lat")?,
            origin_source,
        };
        if with_terrain {
            let t = num(7, "terrain")?;
            if !(0.0..=1.0).contains(&t) {
                return Err(Error::field(
                    path,
                    line,
                    "terrain",
                    format!("{t} is not from 0 to 1"),
                ));
            }
            terrain.push(t);
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
    let used = rdr.position().byte() as usize;
    Ok((out, with_terrain.then_some(terrain), used))
}

const LINK_HEADER: [&str; 5] = ["from", "to", "kind", "class", "road"];

/// Writes `g` to `path`: its links when it has them (any profile can then
/// be applied when reading), else its finished arcs.
pub fn write_commune_graph(path: &Path, g: &CommuneGraph) -> Result<()> {
    match &g.links {
        Some(l) => write_links(path, l),
        None => write_finished(path, g),
    }
}

/// Writes the links file (see the module documentation).
pub fn write_links(path: &Path, l: &CommuneLinks) -> Result<()> {
    let roads = l.roads.as_ref();
    let mut rows: Vec<(usize, usize, LinkKind, RoadClass, &str)> = l
        .pairs
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| {
            let (c, r) = roads.map_or((RoadClass::Local, ""), |r| {
                (r.pair_class[i], r.pair_road[i].as_str())
            });
            (a, b, LinkKind::Neighbour, c, r)
        })
        .collect();
    if let Some(r) = roads {
        rows.extend(
            r.extra
                .iter()
                .map(|x| (x.a, x.b, x.kind, x.class, x.road.as_str())),
        );
    }
    let header = LinksHeader {
        format: LINKS_FORMAT.into(),
        version: LINKS_VERSION,
        engine: ENGINE.into(),
        nodes: l.nodes.len(),
        links: rows.len(),
        estimated: l.estimated.clone(),
        missing: l.missing.clone(),
        point_contacts: l.point_contacts,
        roads: roads.is_some(),
    };
    let mut meta = serde_json::to_vec(&header).map_err(|e| Error::Invalid(e.to_string()))?;
    meta.push(b'\n');
    meta.extend(write_node_table(&l.nodes, roads.map(|r| r.terrain.as_slice()))?);
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Invalid(format!("writing the links: {e}"));
    w.write_record(LINK_HEADER).map_err(err)?;
    for (a, b, kind, class, road) in rows {
        w.write_record([
            l.nodes[a].insee.as_str(),
            l.nodes[b].insee.as_str(),
            kind.as_str(),
            class.as_str(),
            road,
        ])
        .map_err(err)?;
    }
    meta.extend(w.into_inner().map_err(|e| Error::Invalid(e.to_string()))?);
    let empty = RoadGraph::from_edges(0, &[])?;
    write_graph(path, &empty, &meta, true)
}

fn write_finished(path: &Path, g: &CommuneGraph) -> Result<()> {
    if !g.junctions.is_empty() {
        return Err(Error::Invalid(
            "a graph with motorway junctions is written as links, and this one has none".into(),
        ));
    }
    let header = GraphHeader {
        format: GRAPH_FORMAT.into(),
        version: 2,
        engine: ENGINE.into(),
        profile: g.profile,
        estimated: g.estimated.clone(),
        missing: g.missing.clone(),
    };
    let mut meta = serde_json::to_vec(&header).map_err(|e| Error::Invalid(e.to_string()))?;
    meta.push(b'\n');
    meta.extend(write_node_table(&g.nodes, None)?);
    write_graph(path, &g.graph, &meta, true)
}

/// Reads a commune graph file with the default profile (links), or as
/// stored (finished graph).
///
/// # Errors
/// Not a commune graph file, or a table that does not match.
pub fn read_commune_graph(path: &Path) -> Result<CommuneGraph> {
    read_commune_graph_with(path, None)
}

/// Reads a commune graph file; a links file takes `profile` (`None`: the
/// default, v2). A finished graph is read as stored, and refused if
/// `profile` asks for another.
///
/// # Errors
/// Not a commune graph file, a table that does not match, an invalid
/// profile, or a profile asked of a finished graph made with another.
pub fn read_commune_graph_with(path: &Path, profile: Option<&CommuneProfile>) -> Result<CommuneGraph> {
    let (graph, meta) = read_graph(path)?;
    let nl = meta
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| Error::format(path, "graph metadata is not a commune graph header"))?;
    let kind: Kind = serde_json::from_slice(&meta[..nl])
        .map_err(|e| Error::format(path, format!("not a commune graph file: {e}")))?;
    match (kind.format.as_str(), kind.version) {
        (LINKS_FORMAT, LINKS_VERSION) => {
            let links = Arc::new(read_links(path, &meta, nl)?);
            links.graph_shared(links.clone(), profile.unwrap_or(&CommuneProfile::default()))
        }
        (GRAPH_FORMAT, 2) => {
            let g = read_finished(path, graph, &meta, nl)?;
            match profile {
                Some(p) if *p != g.profile => Err(Error::format(
                    path,
                    format!(
                        "this file holds times already made with profile {}; rebuild it as links \
                         (medaccess graph build-communes) to apply profile {}",
                        g.profile.version(),
                        p.version()
                    ),
                )),
                _ => Ok(g),
            }
        }
        (f, v) => Err(Error::format(
            path,
            format!(
                "metadata says {f} version {v}, expected {LINKS_FORMAT} version {LINKS_VERSION} or {GRAPH_FORMAT} version 2"
            ),
        )),
    }
}

/// Reads only the links of a links file.
///
/// # Errors
/// As [`read_commune_graph`], or a finished-graph file (no links).
pub fn read_commune_links(path: &Path) -> Result<CommuneLinks> {
    let (_, meta) = read_graph(path)?;
    let nl = meta
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| Error::format(path, "graph metadata is not a commune graph header"))?;
    read_links(path, &meta, nl)
}

fn read_links(path: &Path, meta: &[u8], nl: usize) -> Result<CommuneLinks> {
    let header: LinksHeader = serde_json::from_slice(&meta[..nl])
        .map_err(|e| Error::format(path, format!("not a commune links file: {e}")))?;
    let body = &meta[nl + 1..];
    let (nodes, terrain, used) = read_node_table(path, body, 2, header.nodes)?;
    if nodes.len() != header.nodes {
        return Err(Error::format(
            path,
            format!(
                "{} communes in the table, the header says {}",
                nodes.len(),
                header.nodes
            ),
        ));
    }
    let line0 = 3 + nodes.len() as u64;
    let mut rdr = csv::Reader::from_reader(&body[used..]);
    let head = rdr
        .headers()
        .map_err(|e| Error::format(path, format!("link table: {e}")))?;
    if head.iter().ne(LINK_HEADER) {
        return Err(Error::format(
            path,
            format!("link table header must be {}", LINK_HEADER.join(",")),
        ));
    }
    let node_of = |line: u64, field: &str, code: &str| -> Result<usize> {
        nodes
            .binary_search_by(|n| n.insee.as_str().cmp(code))
            .map_err(|_| {
                Error::field(
                    path,
                    line,
                    field,
                    format!("`{code}` is not a commune of the table"),
                )
            })
    };
    let mut pairs = Vec::new();
    let mut pair_class = Vec::new();
    let mut pair_road = Vec::new();
    let mut extra = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut line = line0;
    loop {
        line += 1;
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Error::field(path, line, "(record)", e.to_string())),
        }
        let f = |i: usize| rec.get(i).unwrap_or("");
        let (a, b) = (node_of(line, "from", f(0))?, node_of(line, "to", f(1))?);
        if a >= b {
            return Err(Error::field(
                path,
                line,
                "to",
                "links go from the lower INSEE code to the higher",
            ));
        }
        let kind = LinkKind::parse(f(2))
            .ok_or_else(|| Error::field(path, line, "kind", format!("unknown link kind `{}`", f(2))))?;
        let class = RoadClass::parse(f(3))
            .ok_or_else(|| Error::field(path, line, "class", format!("unknown road class `{}`", f(3))))?;
        match kind {
            LinkKind::Neighbour => {
                if pairs.last().is_some_and(|&p| p >= (a, b)) {
                    return Err(Error::field(
                        path,
                        line,
                        "from",
                        "neighbour links must be sorted and unique",
                    ));
                }
                pairs.push((a, b));
                pair_class.push(class);
                pair_road.push(f(4).to_string());
            }
            _ => extra.push(Link {
                a,
                b,
                kind,
                class,
                road: f(4).to_string(),
            }),
        }
    }
    if pairs.len() + extra.len() != header.links {
        return Err(Error::format(
            path,
            format!(
                "{} links, the header says {}",
                pairs.len() + extra.len(),
                header.links
            ),
        ));
    }
    let roads = match (header.roads, terrain) {
        (true, Some(terrain)) => Some(RoadLinks {
            pair_class,
            pair_road,
            extra,
            terrain,
        }),
        (false, _) => None,
        (true, None) => return Err(Error::format(path, "road classes without a terrain column")),
    };
    Ok(CommuneLinks {
        nodes,
        pairs,
        estimated: header.estimated,
        missing: header.missing,
        point_contacts: header.point_contacts,
        roads,
    })
}

fn read_finished(path: &Path, graph: RoadGraph, meta: &[u8], nl: usize) -> Result<CommuneGraph> {
    let header: GraphHeader = serde_json::from_slice(&meta[..nl])
        .map_err(|e| Error::format(path, format!("not a commune graph file: {e}")))?;
    header.profile.check()?;
    let (nodes, _, _) = read_node_table(path, &meta[nl + 1..], 2, usize::MAX)?;
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
        junctions: Vec::new(),
        links: None,
        isolated,
        estimated: header.estimated,
        missing: header.missing,
        point_contacts: 0,
    })
}
