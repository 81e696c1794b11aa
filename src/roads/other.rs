//! Road networks that are not raw OpenStreetMap: a MATSim `network_v2` XML
//! file and a flat link table (`*_links.csv[.gz]` + `*_nodes.csv[.gz]`, as
//! in `../shared/data/osm-fr-corse/`).
//!
//! Each car link (`modes` contains `car`) is a straight directed segment
//! whose `length` (metres along the road, > 0) is kept. Its speed is the car
//! profile's default for its `highway` class (`osm:way:highway` in MATSim);
//! a link without a class the profile knows gets the profile's `road` speed
//! (counted in the import report). The link's `freespeed` is used only when
//! asked ([`ReadOptions::source_speed`]): tools like pt2matsim fill it with
//! their own, low defaults for untagged roads (30 km/h for a secondary
//! road). A link and its reverse become one two-way edge, so that a point
//! snapped onto a two-way street can leave in both directions.
//!
//! Coordinates are converted to WGS84 with proj4rs. A MATSim network names
//! its CRS in the `coordinateReferenceSystem` attribute of `<network>`
//! (`EPSG:2154`); when it is absent or a placeholder (the Corsica file says
//! "Atlantis"), the CRS is `--roads-epsg`, else Lambert-93 (EPSG:2154). A
//! named CRS that is not supported is an error naming it.

use std::path::Path;

use quick_xml::XmlVersion;
use quick_xml::events::Event;

use super::input::ReadOptions;
use super::osm_xml::{RootTracker, line_of, next_event};
use super::sections::{Link, NodeTable, links_to_network};
use super::{CarProfile, ImportReport, NetworkInfo, NetworkSource, RoadNetwork, WindingParams};
use crate::error::{Error, Result};
use crate::facilities::projection::Crs;

/// PROJ string of Lambert-93 (EPSG:2154).
pub const LAMBERT93: &str = "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";

/// Converts Lambert-93 metres to WGS84 degrees.
pub struct Lambert93 {
    from: proj4rs::Proj,
    to: proj4rs::Proj,
}

impl Lambert93 {
    pub fn new() -> Result<Self> {
        let p = |s: &str| {
            proj4rs::Proj::from_proj_string(s).map_err(|e| Error::Invalid(format!("projection: {e}")))
        };
        Ok(Lambert93 {
            from: p(LAMBERT93)?,
            to: p("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs")?,
        })
    }

    /// `[lon, lat]` in degrees of a Lambert-93 point; `None` when it cannot
    /// be converted.
    ///
    /// # Examples
    /// ```
    /// let l = medaccess::roads::other::Lambert93::new().unwrap();
    /// let [lon, lat] = l.to_lonlat(700_000.0, 6_600_000.0).unwrap();
    /// assert!((lon - 3.0).abs() < 1e-9 && (lat - 46.5).abs() < 1e-9);
    /// ```
    pub fn to_lonlat(&self, x: f64, y: f64) -> Option<[f64; 2]> {
        let (lon, lat) = proj4rs::adaptors::transform_xy(&self.from, &self.to, x, y).ok()?;
        let p = [lon.to_degrees(), lat.to_degrees()];
        (p[0].is_finite() && p[1].is_finite()).then_some(p)
    }
}

/// A MATSim link being read.
struct OpenLink {
    id: i64,
    /// Byte offset of the `<link>` element, for messages (its line is
    /// counted only when needed: counting for every link is quadratic).
    pos: u64,
    from: usize,
    to: usize,
    length_m: f64,
    freespeed_kmh: f64,
    car: bool,
    highway: Option<String>,
}

/// Parses a node or link id: numeric ids are kept, others numbered
/// -1, -2, … in order of appearance.
fn numeric_id(s: &str, next_negative: &mut i64) -> i64 {
    s.trim().parse().unwrap_or_else(|_| {
        *next_negative -= 1;
        *next_negative
    })
}

/// Reads a MATSim network XML file (optionally gzipped) with the profile's
/// class speeds.
pub fn read_matsim(path: &Path, profile: &CarProfile) -> Result<RoadNetwork> {
    let bytes = crate::io::read_maybe_gz(path)?;
    read_matsim_bytes(path, &bytes, profile)
}

/// Reads a MATSim network already in memory; `path` is used in messages.
pub fn read_matsim_bytes(path: &Path, bytes: &[u8], profile: &CarProfile) -> Result<RoadNetwork> {
    read_matsim_with(path, bytes, profile, &ReadOptions::default())
}

enum Kind {
    Empty,
    Other,
}

/// Turns a finished MATSim link into a [`Link`] when cars use it.
fn finish_link(
    path: &Path,
    bytes: &[u8],
    c: OpenLink,
    profile: &CarProfile,
    opts: &ReadOptions,
    report: &mut ImportReport,
    links: &mut Vec<Link>,
) -> Result<()> {
    if !c.car || c.from == c.to {
        return Ok(());
    }
    let kmh = if opts.source_speed {
        if c.freespeed_kmh <= 0.0 {
            return Err(Error::field(
                path,
                line_of(bytes, c.pos),
                "freespeed",
                "must be > 0 with --source-speed",
            ));
        }
        c.freespeed_kmh
    } else {
        match c.highway.as_deref().and_then(|h| profile.class_speed(h)) {
            Some(k) => k,
            None => {
                report.class_unknown += 1;
                profile.class_speed(super::table::UNKNOWN_CLASS).unwrap_or(40.0)
            }
        }
    };
    report.ways_routable += 1;
    let motorway = matches!(c.highway.as_deref(), Some("motorway" | "motorway_link"));
    links.push(Link {
        id: c.id,
        from: c.from,
        to: c.to,
        inner: Vec::new(),
        length_m: c.length_m,
        kmh: [Some(kmh), None],
        snappable: !motorway,
        winding: WindingParams::applies_to_link(c.highway.as_deref(), opts.source_speed),
    });
    Ok(())
}

/// The CRS of a MATSim network from its `coordinateReferenceSystem` text
/// (see the module documentation).
fn matsim_crs(path: &Path, named: Option<&str>, opts: &ReadOptions) -> Result<Crs> {
    let fallback = opts.epsg.unwrap_or(2154);
    let epsg = match named.map(str::trim) {
        None | Some("") => fallback,
        Some(t) if t.eq_ignore_ascii_case("atlantis") => fallback,
        Some(t) => {
            let code = t
                .to_ascii_uppercase()
                .strip_prefix("EPSG:")
                .and_then(|c| c.trim().parse::<u32>().ok());
            match code {
                Some(c) => c,
                None if matches!(t.to_ascii_uppercase().as_str(), "WGS84" | "WGS 84") => 4326,
                None => {
                    return Err(Error::format(
                        path,
                        format!("unknown CRS `{t}` in coordinateReferenceSystem (expected EPSG:NNNN)"),
                    ));
                }
            }
        }
    };
    Crs::from_epsg(epsg).map_err(|e| Error::format(path, format!("unknown CRS: {e}")))
}

/// Reads a MATSim network already in memory with `opts` (CRS, source
/// speeds); `path` is used in messages.
pub fn read_matsim_with(
    path: &Path,
    bytes: &[u8],
    profile: &CarProfile,
    opts: &ReadOptions,
) -> Result<RoadNetwork> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| Error::format(path, "not UTF-8: not a MATSim network"))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut nodes = NodeTable::default();
    let mut crs_name: Option<String> = None;
    let mut crs: Option<Crs> = None;
    let mut next_negative = 0i64;
    let mut links = Vec::new();
    let mut report = ImportReport::default();
    // The link being read and the name of the <attribute> whose text comes
    // next.
    let mut cur: Option<OpenLink> = None;
    let mut attr_name: Option<String> = None;
    let mut root = RootTracker::default();
    loop {
        let (pos, ev) = next_event(&mut reader, bytes, path)?;
        root.see(&ev);
        let line = || line_of(bytes, pos);
        let ev_kind = match ev {
            Event::Empty(_) => Kind::Empty,
            _ => Kind::Other,
        };
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev_kind, Kind::Empty);
                let get = |k: &str| -> Result<String> {
                    for a in e.attributes() {
                        let a = a.map_err(|err| {
                            Error::field(path, line(), k, format!("malformed attribute: {err}"))
                        })?;
                        if a.key.as_ref() == k {
                            let v = a
                                .normalized_value(XmlVersion::Implicit1_0)
                                .map_err(|err| Error::field(path, line(), k, err.to_string()))?;
                            return Ok(v.into_owned());
                        }
                    }
                    Err(Error::field(path, line(), k, "missing"))
                };
                let num = |k: &str| -> Result<f64> {
                    let v = get(k)?;
                    v.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite())
                        .ok_or_else(|| Error::field(path, line(), k, format!("`{v}` is not a number")))
                };
                match e.name().as_ref() {
                    "node" => {
                        if crs.is_none() {
                            crs = Some(matsim_crs(path, crs_name.as_deref(), opts)?);
                        }
                        let c = crs.as_ref().ok_or_else(|| Error::Invalid("CRS".into()))?;
                        let id = get("id")?;
                        let (x, y) = (num("x")?, num("y")?);
                        let p = c.to_lon_lat_on_earth(x, y).ok_or_else(|| {
                            Error::field(path, line(), "x", format!("not a position in EPSG:{}", c.epsg()))
                        })?;
                        nodes.insert(&id, p);
                    }
                    "link" => {
                        report.ways_read += 1;
                        let node = |k: &str| -> Result<usize> {
                            let v = get(k)?;
                            nodes
                                .get(&v)
                                .ok_or_else(|| Error::field(path, line(), k, format!("unknown node `{v}`")))
                        };
                        let car = get("modes")
                            .map(|m| m.split(',').any(|x| x.trim() == "car"))
                            .unwrap_or(false);
                        let id = numeric_id(&get("id")?, &mut next_negative);
                        let length_m = num("length")?;
                        if length_m <= 0.0 {
                            return Err(Error::field(
                                path,
                                line(),
                                "length",
                                format!("{length_m} m: a link's length must be > 0"),
                            ));
                        }
                        let link = OpenLink {
                            id,
                            pos,
                            from: node("from")?,
                            to: node("to")?,
                            length_m,
                            freespeed_kmh: num("freespeed")? * 3.6,
                            car,
                            highway: None,
                        };
                        // `<link …/>` has no attributes to wait for.
                        if empty {
                            finish_link(path, bytes, link, profile, opts, &mut report, &mut links)?;
                        } else {
                            cur = Some(link);
                        }
                    }
                    "attribute" => attr_name = get("name").ok(),
                    _ => {}
                }
            }
            Event::Text(t) => match (&attr_name, cur.as_mut()) {
                (Some(name), Some(c)) if name == "osm:way:highway" => {
                    c.highway = Some(t.xml_content(XmlVersion::Implicit1_0).trim().to_string());
                }
                (Some(name), None) if name == "coordinateReferenceSystem" && nodes.is_empty() => {
                    crs_name = Some(t.xml_content(XmlVersion::Implicit1_0).trim().to_string());
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "attribute" => attr_name = None,
                "link" => {
                    if let Some(c) = cur.take() {
                        finish_link(path, bytes, c, profile, opts, &mut report, &mut links)?;
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    root.finish(path, bytes, "network")?;
    if nodes.is_empty() {
        return Err(Error::format(path, "no <node> found: not a MATSim network"));
    }
    let info = NetworkInfo {
        engine: NetworkSource::Matsim,
        source: path.to_path_buf(),
        timestamp: None,
        profile: super::input::profile_label(profile, opts, "freespeed"),
        report,
    };
    links_to_network(nodes, links, info, profile)
}

/// Reads a link table with the Corsica columns: links with `link_id,
/// from_node, to_node, length_m, freespeed_kmh, modes, highway` and nodes
/// with `node_id` and either `lat, lon` (WGS84) or `x_l93, y_l93`
/// (Lambert-93). See [`super::table`] for other columns.
pub fn read_link_table(links_path: &Path, nodes_path: &Path, profile: &CarProfile) -> Result<RoadNetwork> {
    let opts = ReadOptions {
        nodes: Some(nodes_path.to_path_buf()),
        ..ReadOptions::default()
    };
    super::table::read(links_path, profile, &opts)
}
