//! Real roads: OpenStreetMap extracts (`.osm.pbf`, `.osm` XML) and other
//! road networks (MATSim network XML, a flat link table) turned into the
//! core [`RoadGraph`], with the geometry needed to snap places onto roads.
//!
//! The data flows through one file per stage:
//! [`osm_pbf`] / [`osm_xml`] read ways through the car [`profile`] →
//! `build` splits ways at junctions into road pieces with their geometry →
//! `contract` merges chains of degree-2 nodes → the largest strongly
//! connected component is kept (what was dropped is reported) →
//! [`snap`] places points on the network, [`cache`] stores it, [`sanity`]
//! tells a network that fits the run from one that misses it.
//! [`other`] reads MATSim networks, [`table`] link tables and [`ign`] IGN
//! road sections (BD TOPO, ROUTE 500; Shapefile or GeoPackage) into the
//! same type, through `sections`. [`input`] tells the formats apart by
//! content and holds the options all readers share.
//!
//! Distances are in metres on the sphere of radius [`EARTH_RADIUS_M`]
//! (haversine, as OSMnx does); times in [`Time`] (tenths of a second).

pub mod cache;
mod contract;
mod gpkg;
pub mod ign;
pub mod input;
pub mod osm_pbf;
pub mod osm_xml;
pub mod other;
mod pbf_block;
pub mod profile;
pub mod sanity;
mod sections;
pub mod snap;
pub mod synthetic;
pub mod table;

mod build;
pub(crate) use build::iso8601;

pub use cache::{CacheOutcome, load_or_build, load_or_build_with};
pub use input::{Format, LinkColumns, ReadOptions};
pub use osm_pbf::read_pbf;
pub use osm_xml::read_osm_xml;
pub use profile::{CarProfile, MaxSpeed, WaySpeed, WindingParams, parse_duration_s, parse_maxspeed};
pub use snap::{Snap, SnapIndex, SnapOptions, SnapReport, Snapper};

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::graph::RoadGraph;
use crate::units::{NodeId, Time};

/// Mean Earth radius in metres (IUGG), the one OSMnx uses for great-circle
/// lengths.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A position `[lon, lat]` in 1e-7 degrees (OSM's own precision, about
/// 1 cm): half the memory of two `f64`s for the millions of shape points of
/// a country.
pub type E7 = [i32; 2];

/// Marks a node whose position is unknown.
pub(crate) const MISSING: E7 = [i32::MIN, i32::MIN];

/// `[lon, lat]` degrees to [`E7`] (rounded to 1e-7°).
pub fn to_e7(p: [f64; 2]) -> E7 {
    [(p[0] * 1e7).round() as i32, (p[1] * 1e7).round() as i32]
}

/// [`E7`] to `[lon, lat]` degrees.
pub fn from_e7(p: E7) -> [f64; 2] {
    [p[0] as f64 * 1e-7, p[1] as f64 * 1e-7]
}

/// [`RoadNetwork::bounds`] of these nodes and shape points. Shape points
/// are compared as integers: their conversion to degrees keeps the order,
/// so the box is the same as over the converted points.
fn bounds_of(node_lonlat: &[[f64; 2]], geometry: &[E7]) -> Option<([f64; 2], [f64; 2])> {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in node_lonlat {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let (mut lo_e7, mut hi_e7) = ([i32::MAX; 2], [i32::MIN; 2]);
    for p in geometry {
        for k in 0..2 {
            lo_e7[k] = lo_e7[k].min(p[k]);
            hi_e7[k] = hi_e7[k].max(p[k]);
        }
    }
    if !geometry.is_empty() {
        let (l, h) = (from_e7(lo_e7), from_e7(hi_e7));
        for k in 0..2 {
            lo[k] = lo[k].min(l[k]);
            hi[k] = hi[k].max(h[k]);
        }
    }
    lo[0].is_finite().then_some((lo, hi))
}

/// Great-circle distance in metres between two `[lon, lat]` points in
/// degrees (haversine formula).
///
/// # Examples
/// ```
/// let d = medaccess::roads::haversine_m([2.0, 48.0], [2.0, 49.0]);
/// assert!((d - 111_195.0).abs() < 1.0);
/// ```
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = la2 - la1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Which source a network was read from; its name is the `engine=` value
/// of every output made on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkSource {
    /// An OpenStreetMap extract (`.osm.pbf` or `.osm`).
    Osm,
    /// A MATSim `network_v2` XML file.
    Matsim,
    /// A flat link table (CSV of links + CSV of nodes).
    Links,
    /// IGN BD TOPO road sections (`TRONCON_DE_ROUTE`).
    #[serde(rename = "ign-bdtopo")]
    BdTopo,
    /// IGN ROUTE 500 road sections (`TRONCON_ROUTE`).
    #[serde(rename = "ign-route500")]
    Route500,
}

impl NetworkSource {
    /// The name written in outputs: `osm`, `matsim`, `links`, `ign-bdtopo`,
    /// `ign-route500`.
    pub fn as_str(&self) -> &'static str {
        match self {
            NetworkSource::Osm => "osm",
            NetworkSource::Matsim => "matsim",
            NetworkSource::Links => "links",
            NetworkSource::BdTopo => "ign-bdtopo",
            NetworkSource::Route500 => "ign-route500",
        }
    }

    /// What the source is, for logs and reports.
    pub fn description(&self) -> &'static str {
        match self {
            NetworkSource::Osm => "OpenStreetMap extract",
            NetworkSource::Matsim => "MATSim network",
            NetworkSource::Links => "link table",
            NetworkSource::BdTopo => "IGN BD TOPO road sections (TRONCON_DE_ROUTE)",
            NetworkSource::Route500 => "IGN ROUTE 500 road sections (TRONCON_ROUTE)",
        }
    }

    /// Whether the data is OpenStreetMap's (or may be: MATSim networks and
    /// link tables are usually built from it).
    pub fn from_osm(&self) -> bool {
        !matches!(self, NetworkSource::BdTopo | NetworkSource::Route500)
    }

    /// The attribution its outputs must carry.
    /// Whether the network is an IGN product (BD TOPO, ROUTE 500), whose
    /// Licence Ouverte credit the outputs carry.
    pub fn from_ign(&self) -> bool {
        matches!(self, NetworkSource::BdTopo | NetworkSource::Route500)
    }

    pub fn attribution(&self) -> &'static str {
        match self {
            NetworkSource::Osm => "© OpenStreetMap contributors, ODbL",
            NetworkSource::Matsim | NetworkSource::Links => {
                "the network's producer (if built from OpenStreetMap: © OpenStreetMap contributors, ODbL)"
            }
            NetworkSource::BdTopo | NetworkSource::Route500 => "© IGN, Licence Ouverte / Etalab 2.0",
        }
    }
}

/// Where a network came from and what the import did, for outputs and logs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NetworkInfo {
    pub engine: NetworkSource,
    /// The input file as given.
    pub source: PathBuf,
    /// Data timestamp, ISO 8601 UTC: the PBF header's
    /// `osmosis_replication_timestamp` when set, else the newest element
    /// timestamp; `None` when the file carries neither.
    pub timestamp: Option<String>,
    /// Profile, as [`CarProfile::label`] writes it (`car-fr, …`).
    pub profile: String,
    /// Counts and warnings of the import.
    pub report: ImportReport,
}

/// Counts of an import, and everything it dropped or could not read.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    /// Ways (or links) read.
    pub ways_read: u64,
    /// Ways the car profile uses.
    pub ways_routable: u64,
    /// Way node references to nodes absent from the file; the segments
    /// touching them are dropped (extracts cut at a border do this).
    pub missing_node_refs: u64,
    /// Up to 20 ids of ways with missing nodes, for the user to check.
    pub ways_with_missing_nodes: Vec<i64>,
    /// `maxspeed` values that could not be used (class default applied).
    pub maxspeed_unparsed: u64,
    /// Road pieces between junctions before contraction.
    pub pieces: u64,
    /// Degree-2 nodes removed by contraction.
    pub contracted_nodes: u64,
    /// Strongly connected components before keeping the largest.
    pub components: u64,
    /// Nodes outside the largest component (islands, one-way traps, roads
    /// cut by the extract border).
    pub dropped_nodes: u64,
    /// Road edges dropped with them.
    pub dropped_edges: u64,
    /// Nodes and arcs of the final graph.
    pub nodes: u64,
    pub arcs: u64,
    /// Links or sections whose class the source-to-profile table does not
    /// know: they get the profile's `road` speed (non-OSM sources).
    #[serde(default)]
    pub class_unknown: u64,
    /// Sections left out by their attributes: IGN access restrictions,
    /// private roads, roads under construction, non-car natures.
    #[serde(default)]
    pub excluded: u64,
}

/// A road between two graph nodes, with its shape. Two-way roads are one
/// `RoadEdge` and two arcs in the graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadEdge {
    pub from: NodeId,
    pub to: NodeId,
    /// Driving time from → to; [`crate::units::UNREACHABLE`] when forbidden.
    pub time_fwd: Time,
    /// Driving time to → from; [`crate::units::UNREACHABLE`] when forbidden.
    pub time_bwd: Time,
    /// Length along the shape in metres.
    pub length_m: f64,
    /// Whether points may snap onto it (see [`WaySpeed::snappable`]).
    pub snappable: bool,
    /// The OSM way (or link) id of its first piece.
    pub way_id: i64,
    /// Its shape: `geometry[geom_start..geom_start + geom_len]`.
    pub geom_start: u32,
    pub geom_len: u32,
}

/// A routable road network: the graph plus what snapping and outputs need.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadNetwork {
    /// The largest strongly connected component, contracted.
    pub graph: RoadGraph,
    /// `[lon, lat]` of each graph node, degrees WGS84.
    pub node_lonlat: Vec<[f64; 2]>,
    /// The OSM node (or network node) id of each graph node.
    pub node_osm_id: Vec<i64>,
    /// Every road between graph nodes.
    pub edges: Vec<RoadEdge>,
    /// Shape points of all edges, from → to, in 1e-7 degrees ([`E7`]).
    pub geometry: Vec<E7>,
    /// For each shape point, seconds from the edge's `from` node driving
    /// forward, and seconds from the point back to `from` driving backward
    /// (computed at the edge's speeds even for a forbidden direction).
    pub geometry_s: Vec<[f32; 2]>,
    pub info: NetworkInfo,
    /// See [`Self::bounds`]: found once, as the network is made, so that a
    /// small isochrone does not scan a country for it.
    bounds: Option<([f64; 2], [f64; 2])>,
}

impl RoadNetwork {
    /// A network of these parts (the import and the cache make them).
    pub(crate) fn new(
        graph: RoadGraph,
        node_lonlat: Vec<[f64; 2]>,
        node_osm_id: Vec<i64>,
        edges: Vec<RoadEdge>,
        geometry: Vec<E7>,
        geometry_s: Vec<[f32; 2]>,
        info: NetworkInfo,
    ) -> Self {
        let bounds = bounds_of(&node_lonlat, &geometry);
        RoadNetwork {
            graph,
            node_lonlat,
            node_osm_id,
            edges,
            geometry,
            geometry_s,
            info,
            bounds,
        }
    }

    /// Bounding box `(lo, hi)` of every node and shape point, `[lon, lat]`
    /// degrees; `None` without nodes.
    pub fn bounds(&self) -> Option<([f64; 2], [f64; 2])> {
        self.bounds
    }

    /// The shape of edge `e`, `[lon, lat]` degrees, from → to.
    pub fn shape(&self, e: &RoadEdge) -> Vec<[f64; 2]> {
        self.geometry[e.geom_start as usize..(e.geom_start + e.geom_len) as usize]
            .iter()
            .map(|&p| from_e7(p))
            .collect()
    }

    /// Shape point `i` of [`Self::geometry`] in degrees.
    pub fn point(&self, i: usize) -> [f64; 2] {
        from_e7(self.geometry[i])
    }

    /// Reads any supported network with the default options: the format is
    /// told by content ([`input::sniff`]): OSM PBF or XML, MATSim XML (plain
    /// or gzipped), a link table (nodes in the `*_nodes.csv[.gz]` beside a
    /// `*_links.csv[.gz]`), IGN sections as Shapefile or GeoPackage.
    ///
    /// `progress` is called with (bytes done, bytes total) while reading a
    /// PBF; pass `&|_, _| {}` to ignore it.
    pub fn read(path: &Path, profile: &CarProfile, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<Self> {
        input::read(path, profile, &ReadOptions::default(), progress)
    }

    /// [`Self::read`] with options: source speeds, link-table columns, a
    /// nodes file, a CRS.
    pub fn read_with(
        path: &Path,
        profile: &CarProfile,
        opts: &ReadOptions,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Self> {
        input::read(path, profile, opts, progress)
    }
}
