//! Which reader a road file needs, decided by its content (not its name),
//! and the options every reader shares.
//!
//! | format | recognised by |
//! |---|---|
//! | OSM PBF | a 4-byte big-endian length, then a `BlobHeader` holding `OSMHeader` |
//! | OSM XML | root element `<osm>` (plain or gzipped) |
//! | MATSim network | root element `<network>` (plain or gzipped) |
//! | IGN Shapefile | file code 9994 (big-endian) at byte 0 of the `.shp` |
//! | IGN GeoPackage | the SQLite header `SQLite format 3\0` |
//! | link table | a text header line with a `,`, `;` or tab (plain or gzipped) |

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The formats [`super::RoadNetwork::read_with`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OsmPbf,
    OsmXml,
    Matsim,
    LinkTable,
    Shapefile,
    GeoPackage,
}

/// What an error says when a file is of none of the accepted formats.
pub const ACCEPTED: &str = "accepted: an OpenStreetMap extract (.osm.pbf or .osm XML), a MATSim network XML \
     (plain or gzipped), a CSV link table (plain or gzipped), IGN road sections (BD TOPO or ROUTE 500) as \
     a Shapefile (.shp with its .dbf) or a GeoPackage (.gpkg)";

/// How many leading bytes are looked at (decompressed for gzip).
const SNIFF_BYTES: usize = 64 * 1024;

/// The format of `path`, from its first bytes.
///
/// # Errors
/// The file cannot be read, is empty, is corrupt gzip, or is of no
/// accepted format (the message lists them).
pub fn sniff(path: &Path) -> Result<Format> {
    let mut raw = Vec::with_capacity(SNIFF_BYTES);
    std::fs::File::open(path)
        .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut raw))
        .map_err(|e| Error::io(path, e))?;
    if raw.is_empty() {
        return Err(Error::format(path, format!("empty file; {ACCEPTED}")));
    }
    let mut gz_error = None;
    let head = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(SNIFF_BYTES);
        // A short or truncated file may still give its first bytes; the
        // full read reports a truncation later, naming the file.
        let r = flate2::read::MultiGzDecoder::new(&raw[..])
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut out);
        if let Err(e) = r {
            if out.is_empty() {
                return Err(crate::io::gzip_error(path, &e, 0));
            }
            gz_error = Some(crate::io::gzip_error(path, &e, out.len()));
        }
        out
    } else {
        raw
    };
    if let (None, Some(e)) = (sniff_bytes(&head), gz_error) {
        // Too little came out of a broken gzip file to tell its format:
        // the broken gzip is the problem to report.
        return Err(e);
    }
    sniff_bytes(&head).ok_or_else(|| {
        let shown: String = String::from_utf8_lossy(&head[..head.len().min(16)])
            .chars()
            .map(|c| if c.is_control() { '.' } else { c })
            .collect();
        Error::format(
            path,
            format!("unknown road network format (starts with `{shown}`); {ACCEPTED}"),
        )
    })
}

/// The format of a file from its first bytes (decompressed), if known.
pub fn sniff_bytes(head: &[u8]) -> Option<Format> {
    if head.len() >= 4 && u32::from_be_bytes([head[0], head[1], head[2], head[3]]) == 9994 {
        return Some(Format::Shapefile);
    }
    if head.starts_with(b"SQLite format 3\0") {
        return Some(Format::GeoPackage);
    }
    if head.len() >= 4 {
        let n = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        // A BlobHeader is a few dozen bytes; its `type` field comes first.
        if (8..=64 * 1024).contains(&n)
            && let Some(blob) = head.get(4..(4 + n).min(head.len()))
            && blob.windows(9).any(|w| w == b"OSMHeader")
        {
            return Some(Format::OsmPbf);
        }
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if text.contains(&0) {
        return None;
    }
    let s = String::from_utf8_lossy(text);
    let t = s.trim_start();
    if t.starts_with('<') {
        return match xml_root(t)?.as_str() {
            "osm" => Some(Format::OsmXml),
            "network" => Some(Format::Matsim),
            _ => None,
        };
    }
    let first = t.lines().next()?;
    (first.contains(',') || first.contains(';') || first.contains('\t')).then_some(Format::LinkTable)
}

/// The name of the root element of an XML text, skipping the declaration,
/// comments and the doctype.
fn xml_root(mut t: &str) -> Option<String> {
    loop {
        t = t.trim_start();
        if let Some(r) = t.strip_prefix("<?") {
            t = &r[r.find("?>")? + 2..];
        } else if let Some(r) = t.strip_prefix("<!--") {
            t = &r[r.find("-->")? + 3..];
        } else if let Some(r) = t.strip_prefix("<!") {
            t = &r[r.find('>')? + 1..];
        } else if let Some(r) = t.strip_prefix('<') {
            let end = r
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(r.len());
            return Some(r[..end].to_string());
        } else {
            return None;
        }
    }
}

/// The column names of a link table (and of its nodes file), by role.
/// Roles left unset use [`LINK_COLUMN_DEFAULTS`] (the Corsica table's
/// names); a default column absent from the file is simply not used, a
/// column the user named must exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkColumns {
    set: BTreeMap<String, String>,
}

/// Every role of [`LinkColumns`], its default column and what it holds.
pub const LINK_COLUMN_DEFAULTS: &[(&str, &str, &str)] = &[
    ("id", "link_id", "link id (numeric ids are kept)"),
    ("from", "from_node", "start node id"),
    ("to", "to_node", "end node id"),
    (
        "length",
        "length_m",
        "length along the road, metres (else computed from the geometry or nodes)",
    ),
    ("speed", "freespeed_kmh", "speed, km/h (used with --source-speed)"),
    (
        "time",
        "time_s",
        "travel time, seconds (used with --source-speed, before speed)",
    ),
    (
        "oneway",
        "oneway",
        "yes/1/true: from → to only; -1: to → from only; no/0/false: both ways; without the column each row is one direction",
    ),
    (
        "class",
        "highway",
        "OpenStreetMap highway class, for the profile's speed",
    ),
    (
        "modes",
        "modes",
        "rows whose modes lack `car` are skipped (without the column all rows are car links)",
    ),
    (
        "geometry",
        "geometry",
        "WKT LINESTRING in --roads-epsg (default EPSG:4326)",
    ),
    ("node_id", "node_id", "nodes file: node id"),
    ("lon", "lon", "nodes file: WGS84 longitude"),
    ("lat", "lat", "nodes file: WGS84 latitude"),
    (
        "x",
        "x_l93",
        "nodes file: projected x in --roads-epsg (default EPSG:2154)",
    ),
    (
        "y",
        "y_l93",
        "nodes file: projected y in --roads-epsg (default EPSG:2154)",
    ),
];

impl LinkColumns {
    /// Parses `role=COLUMN,role=COLUMN` (roles of [`LINK_COLUMN_DEFAULTS`]).
    ///
    /// # Examples
    /// ```
    /// use medaccess::roads::LinkColumns;
    /// let c = LinkColumns::parse("from=A,to=B,speed=KMH").unwrap();
    /// assert_eq!(c.name("from"), ("A", true));
    /// assert_eq!(c.name("length"), ("length_m", false));
    /// assert!(LinkColumns::parse("colour=red").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<Self> {
        let mut set = BTreeMap::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (role, col) = part
                .split_once('=')
                .ok_or_else(|| Error::Invalid(format!("--link-columns: `{part}` is not role=COLUMN")))?;
            let role = role.trim().to_lowercase();
            if !LINK_COLUMN_DEFAULTS.iter().any(|d| d.0 == role) {
                return Err(Error::Invalid(format!(
                    "--link-columns: unknown role `{role}`; roles: {}",
                    LINK_COLUMN_DEFAULTS
                        .iter()
                        .map(|d| d.0)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            set.insert(role, col.trim().to_string());
        }
        Ok(LinkColumns { set })
    }

    /// The column name of `role` and whether the user set it.
    pub fn name(&self, role: &str) -> (&str, bool) {
        match self.set.get(role) {
            Some(c) => (c.as_str(), true),
            None => (
                LINK_COLUMN_DEFAULTS
                    .iter()
                    .find(|d| d.0 == role)
                    .map_or("", |d| d.1),
                false,
            ),
        }
    }

    /// A stable text of the mapping, for the cache key.
    pub fn fingerprint(&self) -> String {
        self.set.iter().map(|(k, v)| format!("{k}={v};")).collect()
    }
}

/// Options of a road import beyond the car profile. Every field changes the
/// graph, so all are part of the cache key ([`Self::fingerprint`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// Use the source's own speeds (BD TOPO `VITESSE_MOYENNE_VL`, MATSim
    /// `freespeed`, a link table's time or speed column) instead of the
    /// profile's class speeds.
    pub source_speed: bool,
    /// Column names of a link table.
    pub link_columns: LinkColumns,
    /// The nodes file of a link table (default: the `*_nodes.csv[.gz]`
    /// beside a `*_links.csv[.gz]`).
    pub nodes: Option<PathBuf>,
    /// EPSG code of projected coordinates: a link table's x/y and WKT
    /// columns, a MATSim file without a known CRS (default Lambert-93).
    pub epsg: Option<u32>,
}

impl ReadOptions {
    /// A stable text of every option, hashed into the cache key.
    pub fn fingerprint(&self) -> String {
        format!(
            "source_speed={};cols={};epsg={:?}",
            self.source_speed,
            self.link_columns.fingerprint(),
            self.epsg
        )
    }

    /// The nodes file of the link table `links`, if any: the one given, or
    /// the `*_nodes*` file beside a `*_links*` file when it exists.
    pub fn nodes_for(&self, links: &Path) -> Option<PathBuf> {
        if let Some(n) = &self.nodes {
            return Some(n.clone());
        }
        let name = links.file_name()?.to_string_lossy().into_owned();
        if !name.contains("links") {
            return None;
        }
        let p = links.with_file_name(name.replacen("links", "nodes", 1));
        p.exists().then_some(p)
    }
}

/// The files a road input is made of, for the cache key: the file itself,
/// plus the `.dbf`/`.shx`/`.prj` of a Shapefile and the nodes file of a link
/// table.
pub fn input_files(path: &Path, opts: &ReadOptions) -> Result<Vec<PathBuf>> {
    let mut out = vec![path.to_path_buf()];
    match sniff(path) {
        Ok(Format::Shapefile) => {
            for ext in ["shp", "dbf", "shx", "prj"] {
                let p = path.with_extension(ext);
                if p != path && p.exists() {
                    out.push(p);
                }
            }
        }
        Ok(Format::LinkTable) => out.extend(opts.nodes_for(path)),
        _ => {}
    }
    Ok(out)
}

/// The profile name written in outputs: the profile's own, or with what
/// source speed replaced its class speeds.
pub(crate) fn profile_label(profile: &super::CarProfile, opts: &ReadOptions, source_field: &str) -> String {
    if opts.source_speed {
        format!(
            "{} with the source's speeds ({source_field}; winding roads not slowed)",
            profile.name
        )
    } else {
        profile.label()
    }
}

/// Reads any accepted road file, choosing the reader by content.
pub fn read(
    path: &Path,
    profile: &super::CarProfile,
    opts: &ReadOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<super::RoadNetwork> {
    match sniff(path)? {
        Format::OsmPbf => super::read_pbf(path, profile, progress),
        Format::OsmXml => {
            let bytes = crate::io::read_maybe_gz(path)?;
            super::osm_xml::read_osm_xml_bytes(path, &bytes, profile)
        }
        Format::Matsim => {
            let bytes = crate::io::read_maybe_gz(path)?;
            super::other::read_matsim_with(path, &bytes, profile, opts)
        }
        Format::LinkTable => super::table::read(path, profile, opts),
        Format::Shapefile => super::ign::read_shapefile(path, profile, opts),
        Format::GeoPackage => super::ign::read_geopackage(path, profile, opts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_content() {
        assert_eq!(sniff_bytes(&[0, 0, 0x27, 0x0a, 0, 0]), Some(Format::Shapefile));
        assert_eq!(sniff_bytes(b"SQLite format 3\0xxxx"), Some(Format::GeoPackage));
        let mut pbf = vec![0, 0, 0, 13, 0x0a, 9];
        pbf.extend_from_slice(b"OSMHeader");
        assert_eq!(sniff_bytes(&pbf), Some(Format::OsmPbf));
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE network SYSTEM \"x.dtd\">\n<!-- c -->\n<network>";
        assert_eq!(sniff_bytes(xml.as_bytes()), Some(Format::Matsim));
        assert_eq!(sniff_bytes(b"  <osm version=\"0.6\">"), Some(Format::OsmXml));
        assert_eq!(sniff_bytes(b"<html></html>"), None);
        assert_eq!(sniff_bytes(b"\xEF\xBB\xBFa;b\n1;2\n"), Some(Format::LinkTable));
        assert_eq!(sniff_bytes(b"hello world\n"), None);
        assert_eq!(sniff_bytes(&[1, 2, 0, 4, 5]), None);
    }
}
