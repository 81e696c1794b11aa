//! Commune graph files.
//!
//! Both kinds are [`crate::graph::write_graph`] files (gzipped, with a
//! checksum) whose metadata bytes start with one JSON line naming the
//! format:
//!
//! - **links** (`medaccess-commune-links`, version 2; what
//!   [`write_commune_graph`] writes for any graph built here, and the
//!   shipped `fixtures/communes-france.medgraph.gz`): no arcs; the JSON line
//!   (format, version, engine, node and link counts, `estimated` nodes,
//!   `missing` INSEE codes, point contacts, whether road classes are in),
//!   then the node table as CSV
//!   `insee,name,dep,population,origin_lon,origin_lat,origin_source,terrain`,
//!   the road points as CSV `insee,road,class,lon,lat,rural,bends,rural_profile,slopes`
//!   (where each numbered road runs in each commune, empty position: the
//!   origin; the road's rural accidents there, see
//!   [`super::road_table::RuralCounts`]; version 1 files, without the four
//!   counts, read as zero counts), then the links
//!   as CSV `from,to,kind,class,road` (INSEE codes, lower first; kind
//!   `neighbour` (origins of communes sharing a boundary, class `local`),
//!   `road` or `gap` (between the points of `road` in the two communes) or
//!   `continuation` (`road` is `D932+D2`: the point of the first in `from`,
//!   of the second in `to`); class as in [`super::road_table::RoadClass`]).
//!   Any profile applies to it at load time ([`read_commune_graph_with`]).
//! - **finished graph** (`medaccess-commune-graph`, version 2, written by
//!   medaccess before the links file): the arcs with their times, the
//!   profile they were made with, then the node table. Read as it is; no
//!   other profile applies.

use std::path::Path;
use std::sync::Arc;

use super::graph::{CommuneGraph, CommuneLinks, CommuneNode, ENGINE};
use super::origin::OriginSource;
use super::profile::CommuneProfile;
use super::road_links::{Link, LinkKind, RoadLinks, RoadPoint};
use super::road_table::{RoadClass, RoadId, RuralCounts};
use crate::error::{Error, Result};
use crate::graph::{RoadGraph, read_graph, write_graph};
use crate::units::NodeId;

const LINKS_FORMAT: &str = "medaccess-commune-links";
const LINKS_VERSION: u32 = 2;
const GRAPH_FORMAT: &str = "medaccess-commune-graph";

/// First line of the metadata of a links file.
#[derive(serde::Serialize, serde::Deserialize)]
struct LinksHeader {
    format: String,
    version: u32,
    engine: String,
    nodes: usize,
    points: usize,
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

/// Node attribute of a links file beyond the commune table.
const ROAD_COLUMNS: [&str; 1] = ["terrain"];

/// Writes the node table as CSV (header [`TABLE_HEADER`], plus the
/// terrain measure (3 decimals) when `terrain` is given); coordinates with
/// 6 decimals (about 0.1 m).
pub(crate) fn write_node_table(nodes: &[CommuneNode], terrain: Option<&[f64]>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Invalid(format!("writing the commune table: {e}"));
    let mut head: Vec<&str> = TABLE_HEADER.to_vec();
    if terrain.is_some() {
        head.extend(ROAD_COLUMNS);
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
/// (`usize::MAX`: all); returns the nodes, the [`ROAD_COLUMNS`] when there
/// are, and the number of bytes read.
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
    let with_roads = head.len() == TABLE_HEADER.len() + ROAD_COLUMNS.len()
        && head.iter().skip(TABLE_HEADER.len()).eq(ROAD_COLUMNS);
    if head.iter().take(TABLE_HEADER.len()).ne(TABLE_HEADER)
        || (head.len() != TABLE_HEADER.len() && !with_roads)
    {
        return Err(Error::format(
            path,
            format!(
                "commune table header must be {} (and optionally {})",
                TABLE_HEADER.join(","),
                ROAD_COLUMNS.join(",")
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
            lon: num(4, "origin_lon")?,
            lat: num(5, "origin_lat")?,
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
        if with_roads {
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
    Ok((out, with_roads.then_some(terrain), used))
}

/// Whether `s` is an INSEE commune code: 5 characters, digits, or `2A`/`2B`
/// then digits.
fn is_insee(s: &str) -> bool {
    super::load::is_dep_prefixed(s, 5)
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

const LINK_HEADER: [&str; 5] = ["from", "to", "kind", "class", "road"];

/// Writes `g` to `path`: its links when it has them (any profile can then
/// be applied when reading), else its finished arcs.
pub fn write_commune_graph(path: &Path, g: &CommuneGraph) -> Result<()> {
    match &g.links {
        Some(l) => write_links(path, l),
        None => write_finished(path, g),
    }
}

const POINT_HEADER: [&str; 9] = super::road_table::then_counts!("insee", "road", "class", "lon", "lat");
/// Version 1 of the links file had no accident counts per road point.
const POINT_HEADER_V1: [&str; 5] = ["insee", "road", "class", "lon", "lat"];

/// Writes the links file (see the module documentation).
pub fn write_links(path: &Path, l: &CommuneLinks) -> Result<()> {
    let roads = l.roads.as_ref();
    let npoints = roads.map_or(0, |r| r.points.len());
    let nlinks = l.pairs.len() + roads.map_or(0, |r| r.links.len());
    let header = LinksHeader {
        format: LINKS_FORMAT.into(),
        version: LINKS_VERSION,
        engine: ENGINE.into(),
        nodes: l.nodes.len(),
        points: npoints,
        links: nlinks,
        estimated: l.estimated.clone(),
        missing: l.missing.clone(),
        point_contacts: l.point_contacts,
        roads: roads.is_some(),
    };
    let mut meta = serde_json::to_vec(&header).map_err(|e| Error::Invalid(e.to_string()))?;
    meta.push(b'\n');
    meta.extend(write_node_table(&l.nodes, roads.map(|r| r.terrain.as_slice()))?);
    let err = |e: csv::Error| Error::Invalid(format!("writing the links: {e}"));
    if let Some(r) = roads {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(POINT_HEADER).map_err(err)?;
        for p in &r.points {
            let mut rec = vec![
                l.nodes[p.node].insee.clone(),
                p.road.to_string(),
                p.class.as_str().to_string(),
                p.position.map(|x| format!("{:.4}", x.0)).unwrap_or_default(),
                p.position.map(|x| format!("{:.4}", x.1)).unwrap_or_default(),
            ];
            rec.extend(p.counts.fields());
            w.write_record(&rec).map_err(err)?;
        }
        meta.extend(w.into_inner().map_err(|e| Error::Invalid(e.to_string()))?);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(LINK_HEADER).map_err(err)?;
    for &(a, b) in &l.pairs {
        w.write_record([
            l.nodes[a].insee.as_str(),
            l.nodes[b].insee.as_str(),
            "neighbour",
            RoadClass::Local.as_str(),
            "",
        ])
        .map_err(err)?;
    }
    if let Some(r) = roads {
        for x in &r.links {
            let (pa, pb) = (&r.points[x.a], &r.points[x.b]);
            let road = if pa.road == pb.road {
                pa.road.to_string()
            } else {
                format!("{}+{}", pa.road, pb.road)
            };
            w.write_record([
                l.nodes[pa.node].insee.as_str(),
                l.nodes[pb.node].insee.as_str(),
                x.kind.as_str(),
                x.class.as_str(),
                &road,
            ])
            .map_err(err)?;
        }
    }
    meta.extend(w.into_inner().map_err(|e| Error::Invalid(e.to_string()))?);
    let empty = RoadGraph::from_edges(0, &[])?;
    write_graph(path, &empty, &meta, true)
}

fn write_finished(path: &Path, g: &CommuneGraph) -> Result<()> {
    if !g.road_points.is_empty() {
        return Err(Error::Invalid(
            "a graph with road points is written as links, and this one has none".into(),
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
        (LINKS_FORMAT, 1 | LINKS_VERSION) => {
            let default = CommuneProfile::default();
            let p = profile.unwrap_or(&default);
            if let (1, CommuneProfile::V2(v2)) = (kind.version, p)
                && v2.road_terrain_weight.is_some()
            {
                return Err(Error::format(
                    path,
                    format!(
                        "a links file of version 1 has no accident counts per road, and profile {} weighs \
                         them (road_terrain_weight): rebuild the file (medaccess graph build-communes), or \
                         give a profile with \"road_terrain_weight\": null",
                        p.tag()
                    ),
                ));
            }
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
                "metadata says {f} version {v}, expected {LINKS_FORMAT} version 1 or {LINKS_VERSION} or {GRAPH_FORMAT} version 2"
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
    if header.format != LINKS_FORMAT || !(1..=LINKS_VERSION).contains(&header.version) {
        return Err(Error::format(
            path,
            format!(
                "metadata says {} version {}, expected {LINKS_FORMAT} version 1 or {LINKS_VERSION}",
                header.format, header.version
            ),
        ));
    }
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
    let mut line0 = 3 + nodes.len() as u64;
    let mut body = &body[used..];
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
    let mut points: Vec<RoadPoint> = Vec::new();
    if header.roads {
        let mut rdr = csv::Reader::from_reader(body);
        let head = rdr
            .headers()
            .map_err(|e| Error::format(path, format!("road point table: {e}")))?;
        let expected: &[&str] = if header.version == 1 {
            &POINT_HEADER_V1
        } else {
            &POINT_HEADER
        };
        if head.iter().ne(expected.iter().copied()) {
            return Err(Error::format(
                path,
                format!("road point table header must be {}", expected.join(",")),
            ));
        }
        let mut rec = csv::StringRecord::new();
        while points.len() < header.points {
            let line = line0 + 1 + points.len() as u64;
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(Error::field(path, line, "(record)", e.to_string())),
            }
            let f = |i: usize| rec.get(i).unwrap_or("");
            let coord = |i: usize, name: &str, max: f64| -> Result<f64> {
                f(i).parse::<f64>()
                    .ok()
                    .filter(|x| x.abs() <= max)
                    .ok_or_else(|| {
                        Error::field(path, line, name, format!("`{}` is not a WGS84 coordinate", f(i)))
                    })
            };
            let p = RoadPoint {
                node: node_of(line, "insee", f(0))?,
                road: RoadId::parse(f(1)).ok_or_else(|| {
                    Error::field(path, line, "road", format!("`{}` is not a road number", f(1)))
                })?,
                class: RoadClass::parse(f(2)).ok_or_else(|| {
                    Error::field(path, line, "class", format!("unknown road class `{}`", f(2)))
                })?,
                position: match (f(3), f(4)) {
                    ("", "") => None,
                    _ => Some((coord(3, "lon", 180.0)?, coord(4, "lat", 90.0)?)),
                },
                counts: if header.version == 1 {
                    RuralCounts::default()
                } else {
                    RuralCounts::from_fields(path, line, [f(5), f(6), f(7), f(8)])?
                },
            };
            if points
                .last()
                .is_some_and(|q| (q.node, q.road) >= (p.node, p.road))
            {
                return Err(Error::field(
                    path,
                    line,
                    "insee",
                    "road points must be sorted by commune and road, unique",
                ));
            }
            points.push(p);
        }
        if points.len() != header.points {
            return Err(Error::format(
                path,
                format!("{} road points, the header says {}", points.len(), header.points),
            ));
        }
        body = &body[rdr.position().byte() as usize..];
        line0 += 1 + points.len() as u64;
    }
    let point_of = |line: u64, node: usize, road: &str| -> Result<usize> {
        let id = RoadId::parse(road)
            .ok_or_else(|| Error::field(path, line, "road", format!("`{road}` is not a road number")))?;
        points
            .binary_search_by(|p| (p.node, p.road).cmp(&(node, id)))
            .map_err(|_| {
                Error::field(
                    path,
                    line,
                    "road",
                    format!("no road point {road} in {}", nodes[node].insee),
                )
            })
    };
    let mut rdr = csv::Reader::from_reader(body);
    let head = rdr
        .headers()
        .map_err(|e| Error::format(path, format!("link table: {e}")))?;
    if head.iter().ne(LINK_HEADER) {
        return Err(Error::format(
            path,
            format!("link table header must be {}", LINK_HEADER.join(",")),
        ));
    }
    let mut pairs = Vec::new();
    let mut links = Vec::new();
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
        let class = RoadClass::parse(f(3))
            .ok_or_else(|| Error::field(path, line, "class", format!("unknown road class `{}`", f(3))))?;
        if f(2) == "neighbour" {
            if pairs.last().is_some_and(|&p| p >= (a, b)) {
                return Err(Error::field(
                    path,
                    line,
                    "from",
                    "neighbour links must be sorted and unique",
                ));
            }
            pairs.push((a, b));
            continue;
        }
        let kind = LinkKind::parse(f(2))
            .ok_or_else(|| Error::field(path, line, "kind", format!("unknown link kind `{}`", f(2))))?;
        if !header.roads {
            return Err(Error::field(
                path,
                line,
                "kind",
                "a road link in a file without road points",
            ));
        }
        let (ra, rb) = f(4).split_once('+').unwrap_or((f(4), f(4)));
        let (pa, pb) = (point_of(line, a, ra)?, point_of(line, b, rb)?);
        links.push(Link {
            a: pa,
            b: pb,
            kind,
            class,
        });
    }
    if pairs.len() + links.len() != header.links {
        return Err(Error::format(
            path,
            format!(
                "{} links, the header says {}",
                pairs.len() + links.len(),
                header.links
            ),
        ));
    }
    let roads = match (header.roads, terrain) {
        (true, Some(terrain)) => Some(RoadLinks {
            points,
            links,
            terrain,
        }),
        (false, _) => None,
        (true, None) => return Err(Error::format(path, "road links without the terrain column")),
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
    header
        .profile
        .check()
        .map_err(|e| Error::format(path, format!("the profile in the file's header is damaged ({e}); rebuild the file with `medaccess graph build-communes`")))?;
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
        road_points: Vec::new(),
        links: None,
        isolated,
        estimated: header.estimated,
        missing: header.missing,
        point_contacts: 0,
    })
}
