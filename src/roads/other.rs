//! Road networks that are not raw OpenStreetMap: a MATSim `network_v2` XML
//! file and a flat link table (`*_links.csv[.gz]` + `*_nodes.csv[.gz]`, as
//! in `../shared/data/osm-fr-corse/`).
//!
//! Each car link (`modes` contains `car`) is a straight directed segment
//! whose `length` (metres along the road) is kept. Its speed is the car
//! profile's default for its `highway` class (`osm:way:highway` in MATSim)
//! when the class is known, else the link's `freespeed`: tools like
//! pt2matsim fill `freespeed` with their own, low defaults for untagged roads
//! (30 km/h for a secondary road), so the class is the better guess. A link
//! and its reverse become one two-way edge, so that a point snapped onto a
//! two-way street can leave in both directions. The profile's winding-road
//! correction (see [`super::WindingParams`]) applies by class, as for
//! OpenStreetMap; a link without a class may be slowed.
//!
//! Coordinates in Lambert-93 (EPSG:2154, metres) are converted to WGS84
//! with proj4rs; MATSim files are assumed to be in Lambert-93 (the Corsica
//! file's header says "Atlantis", a placeholder).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use quick_xml::XmlVersion;
use quick_xml::events::Event;

use super::build::{Piece, Pieces};
use super::{CarProfile, Engine, ImportReport, NetworkInfo, RoadNetwork, WindingParams};
use crate::error::{Error, Result};

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

/// A directed car link.
struct Link {
    id: i64,
    from: usize,
    to: usize,
    length_m: f64,
    kmh: f64,
    /// Whether the winding-road correction may slow it (by class).
    winding: bool,
}

fn link_kmh(profile: &CarProfile, highway: Option<&str>, freespeed_kmh: f64) -> f64 {
    highway
        .and_then(|h| profile.class_speed(h))
        .unwrap_or(freespeed_kmh)
}

/// Joins each link with its reverse and builds the network.
fn links_to_network(
    node_ids: Vec<i64>,
    node_lonlat: Vec<[f64; 2]>,
    links: Vec<Link>,
    info: NetworkInfo,
    profile: &CarProfile,
) -> Result<RoadNetwork> {
    let mut reverse: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (i, l) in links.iter().enumerate() {
        reverse.entry((l.from, l.to)).or_default().push(i);
    }
    let mut done = vec![false; links.len()];
    let mut pieces = Pieces {
        node_pos: node_lonlat.iter().map(|&p| super::to_e7(p)).collect(),
        node_id: node_ids,
        ..Pieces::default()
    };
    for (i, l) in links.iter().enumerate() {
        if done[i] {
            continue;
        }
        done[i] = true;
        let back = reverse
            .get(&(l.to, l.from))
            .and_then(|v| v.iter().copied().find(|&j| !done[j] && j != i));
        let fwd_s = l.length_m / (l.kmh / 3.6);
        let bwd_s = match back {
            Some(j) => {
                done[j] = true;
                links[j].length_m / (links[j].kmh / 3.6)
            }
            None => fwd_s,
        };
        let shape = [pieces.node_pos[l.from], pieces.node_pos[l.to]];
        pieces.push(
            Piece {
                from: l.from as u32,
                to: l.to as u32,
                fwd: true,
                bwd: back.is_some(),
                snappable: true,
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

/// A MATSim link being read.
struct OpenLink {
    id: i64,
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

/// True when the XML's root element is `<network>` (MATSim).
pub fn is_matsim(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    text.contains("<network") && !text.contains("<osm")
}

fn line_of(bytes: &[u8], pos: u64) -> u64 {
    let end = (pos as usize).min(bytes.len());
    1 + bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

/// Reads a MATSim network XML file (optionally gzipped).
pub fn read_matsim(path: &Path, profile: &CarProfile) -> Result<RoadNetwork> {
    let bytes = crate::io::read_maybe_gz(path)?;
    read_matsim_bytes(path, &bytes, profile)
}

/// Reads a MATSim network already in memory; `path` is used in messages.
pub fn read_matsim_bytes(path: &Path, bytes: &[u8], profile: &CarProfile) -> Result<RoadNetwork> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| Error::format(path, "not UTF-8: not a MATSim network"))?;
    let l93 = Lambert93::new()?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut node_ids = Vec::new();
    let mut node_lonlat = Vec::new();
    let mut next_negative = 0i64;
    let mut links = Vec::new();
    let mut report = ImportReport::default();
    // The link being read and the name of the <attribute> whose text comes
    // next.
    let mut cur: Option<OpenLink> = None;
    let mut attr_name: Option<String> = None;
    loop {
        let pos = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| {
            Error::field(
                path,
                line_of(bytes, reader.error_position()),
                "xml",
                format!("malformed XML: {e}"),
            )
        })?;
        let line = || line_of(bytes, pos);
        match ev {
            Event::Start(e) | Event::Empty(e) => {
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
                        let id = get("id")?;
                        let (x, y) = (num("x")?, num("y")?);
                        let p = l93
                            .to_lonlat(x, y)
                            .ok_or_else(|| Error::field(path, line(), "x", "not a Lambert-93 position"))?;
                        index.insert(id.clone(), node_ids.len());
                        node_ids.push(numeric_id(&id, &mut next_negative));
                        node_lonlat.push(p);
                    }
                    "link" => {
                        report.ways_read += 1;
                        let node = |k: &str| -> Result<usize> {
                            let v = get(k)?;
                            index
                                .get(&v)
                                .copied()
                                .ok_or_else(|| Error::field(path, line(), k, format!("unknown node `{v}`")))
                        };
                        let car = get("modes")
                            .map(|m| m.split(',').any(|x| x.trim() == "car"))
                            .unwrap_or(false);
                        let id = numeric_id(&get("id")?, &mut next_negative);
                        cur = Some(OpenLink {
                            id,
                            from: node("from")?,
                            to: node("to")?,
                            length_m: num("length")?,
                            freespeed_kmh: num("freespeed")? * 3.6,
                            car,
                            highway: None,
                        });
                    }
                    "attribute" => attr_name = get("name").ok(),
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let (Some(name), Some(c)) = (&attr_name, cur.as_mut())
                    && name == "osm:way:highway"
                {
                    c.highway = Some(t.xml_content(XmlVersion::Implicit1_0).trim().to_string());
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "attribute" => attr_name = None,
                "link" => {
                    if let Some(c) = cur.take()
                        && c.car
                        && c.from != c.to
                    {
                        let kmh = link_kmh(profile, c.highway.as_deref(), c.freespeed_kmh);
                        if kmh > 0.0 && c.length_m >= 0.0 {
                            report.ways_routable += 1;
                            links.push(Link {
                                id: c.id,
                                from: c.from,
                                to: c.to,
                                length_m: c.length_m,
                                kmh,
                                winding: c.highway.as_deref().is_none_or(WindingParams::applies_to),
                            });
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if node_ids.is_empty() {
        return Err(Error::format(path, "no <node> found: not a MATSim network"));
    }
    let info = NetworkInfo {
        engine: Engine::Matsim,
        source: path.to_path_buf(),
        timestamp: None,
        profile: profile.label(),
        report,
    };
    links_to_network(node_ids, node_lonlat, links, info, profile)
}

/// The nodes table beside a links table: `X_links.csv.gz` → `X_nodes.csv.gz`.
pub fn nodes_path_for(links: &Path) -> Result<PathBuf> {
    let name = links
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !name.contains("links") {
        return Err(Error::format(
            links,
            "a link table's name must contain `links` (its nodes are read from the same name with `nodes`)",
        ));
    }
    Ok(links.with_file_name(name.replacen("links", "nodes", 1)))
}

type CsvReader = csv::Reader<std::io::Cursor<Vec<u8>>>;

fn open_csv(path: &Path) -> Result<(CsvReader, Vec<String>)> {
    let bytes = crate::io::read_maybe_gz(path)?;
    let mut r = csv::ReaderBuilder::new().from_reader(std::io::Cursor::new(bytes));
    let headers = r
        .headers()
        .map_err(|e| Error::format(path, format!("bad CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    Ok((r, headers))
}

fn column(path: &Path, headers: &[String], name: &str) -> Result<usize> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| Error::format(path, format!("missing column `{name}`")))
}

/// Reads a link table: links with `link_id, from_node, to_node, length_m,
/// freespeed_kmh, modes, highway` and nodes with `node_id` and either
/// `lat, lon` (WGS84) or `x_l93, y_l93` (Lambert-93).
pub fn read_link_table(links_path: &Path, nodes_path: &Path, profile: &CarProfile) -> Result<RoadNetwork> {
    let (mut r, h) = open_csv(nodes_path)?;
    let c_id = column(nodes_path, &h, "node_id")?;
    let lonlat_cols = match (column(nodes_path, &h, "lon"), column(nodes_path, &h, "lat")) {
        (Ok(a), Ok(b)) => Some((a, b)),
        _ => None,
    };
    let l93_cols = (column(nodes_path, &h, "x_l93"), column(nodes_path, &h, "y_l93"));
    let l93 = Lambert93::new()?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut node_ids = Vec::new();
    let mut node_lonlat = Vec::new();
    let mut next_negative = 0i64;
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| Error::field(nodes_path, line, "record", e.to_string()))?;
        let f = |c: usize, name: &str| -> Result<f64> {
            let v = rec.get(c).unwrap_or("");
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| Error::field(nodes_path, line, name, format!("`{v}` is not a number")))
        };
        let p = match (lonlat_cols, &l93_cols) {
            (Some((a, b)), _) => [f(a, "lon")?, f(b, "lat")?],
            (None, (Ok(x), Ok(y))) => l93
                .to_lonlat(f(*x, "x_l93")?, f(*y, "y_l93")?)
                .ok_or_else(|| Error::field(nodes_path, line, "x_l93", "not a Lambert-93 position"))?,
            _ => {
                return Err(Error::format(
                    nodes_path,
                    "needs columns `lon`,`lat` or `x_l93`,`y_l93`",
                ));
            }
        };
        if !(-180.0..=180.0).contains(&p[0]) || !(-90.0..=90.0).contains(&p[1]) {
            return Err(Error::field(nodes_path, line, "lat", "not a WGS84 position"));
        }
        let id = rec.get(c_id).unwrap_or("").trim().to_string();
        index.insert(id.clone(), node_ids.len());
        node_ids.push(numeric_id(&id, &mut next_negative));
        node_lonlat.push(p);
    }
    let (mut r, h) = open_csv(links_path)?;
    let cols: Vec<usize> = [
        "link_id",
        "from_node",
        "to_node",
        "length_m",
        "freespeed_kmh",
        "modes",
        "highway",
    ]
    .iter()
    .map(|c| column(links_path, &h, c))
    .collect::<Result<_>>()?;
    let mut report = ImportReport::default();
    let mut links = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| Error::field(links_path, line, "record", e.to_string()))?;
        let get = |k: usize| rec.get(cols[k]).unwrap_or("").trim();
        report.ways_read += 1;
        if !get(5).split(',').any(|m| m.trim() == "car") {
            continue;
        }
        let node = |k: usize, name: &str| -> Result<usize> {
            index
                .get(get(k))
                .copied()
                .ok_or_else(|| Error::field(links_path, line, name, format!("unknown node `{}`", get(k))))
        };
        let num = |k: usize, name: &str| -> Result<f64> {
            get(k)
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .ok_or_else(|| {
                    Error::field(
                        links_path,
                        line,
                        name,
                        format!("`{}` is not a number >= 0", get(k)),
                    )
                })
        };
        let (from, to) = (node(1, "from_node")?, node(2, "to_node")?);
        let length_m = num(3, "length_m")?;
        let hw = get(6);
        let kmh = link_kmh(profile, (!hw.is_empty()).then_some(hw), num(4, "freespeed_kmh")?);
        if from == to || kmh <= 0.0 {
            continue;
        }
        report.ways_routable += 1;
        links.push(Link {
            id: numeric_id(get(0), &mut next_negative),
            from,
            to,
            length_m,
            kmh,
            winding: (!hw.is_empty())
                .then_some(hw)
                .is_none_or(WindingParams::applies_to),
        });
    }
    let info = NetworkInfo {
        engine: Engine::Links,
        source: links_path.to_path_buf(),
        timestamp: None,
        profile: profile.label(),
        report,
    };
    links_to_network(node_ids, node_lonlat, links, info, profile)
}
