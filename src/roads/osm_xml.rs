//! OpenStreetMap XML (`.osm`, optionally gzipped) through the car profile.
//!
//! The whole file is read in memory: XML is for small extracts and test
//! fixtures; use `.osm.pbf` for départements and France. Relations are
//! ignored (turn restrictions are not modelled, as in OSMnx).

use std::path::Path;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::build::{self, RawWay};
use super::{CarProfile, ImportReport, NetworkInfo, NetworkSource, RoadNetwork};
use crate::error::{Error, Result};

/// Reads an `.osm` (or `.osm.gz`) file into a [`RoadNetwork`].
///
/// # Errors
/// A file that is not OSM XML, malformed XML, a node without a valid
/// `lat`/`lon`, or no car-routable way: each names the file and line.
/// Ways referencing absent nodes are kept in part and counted in
/// [`ImportReport::missing_node_refs`].
pub fn read_osm_xml(path: &Path, profile: &CarProfile) -> Result<RoadNetwork> {
    let bytes = crate::io::read_maybe_gz(path)?;
    read_osm_xml_bytes(path, &bytes, profile)
}

/// The line (from 1) of byte `pos` of `bytes`.
pub(super) fn line_of(bytes: &[u8], pos: u64) -> u64 {
    let end = (pos as usize).min(bytes.len());
    1 + bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

/// The next event of an XML reader over `bytes` and the byte where it
/// starts; malformed XML is an error naming the file and line.
pub(super) fn next_event<'a>(
    reader: &mut quick_xml::Reader<&'a [u8]>,
    bytes: &[u8],
    path: &Path,
) -> Result<(u64, Event<'a>)> {
    let pos = reader.buffer_position();
    let ev = reader.read_event().map_err(|e| {
        Error::field(
            path,
            line_of(bytes, reader.error_position()),
            "xml",
            format!("malformed XML: {e}"),
        )
    })?;
    Ok((pos, ev))
}

/// Follows the nesting of an XML file to tell a whole file from one cut
/// short: a file cut right after a `>` is well-formed up to its end, and
/// only the missing closing tag of the root element shows the cut.
#[derive(Debug, Default)]
pub(super) struct RootTracker {
    depth: u32,
    opened: bool,
    closed: bool,
}

impl RootTracker {
    /// Notes one event.
    pub(super) fn see(&mut self, ev: &Event) {
        match ev {
            Event::Start(_) => {
                self.opened = true;
                self.depth += 1;
            }
            Event::Empty(_) if self.depth == 0 => {
                self.opened = true;
                self.closed = true;
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    self.closed = true;
                }
            }
            _ => {}
        }
    }

    /// At the end of the file: an error when the root element `root` was
    /// opened and never closed (the file is truncated).
    pub(super) fn finish(&self, path: &Path, bytes: &[u8], root: &str) -> Result<()> {
        if self.opened && !self.closed {
            return Err(Error::field(
                path,
                line_of(bytes, bytes.len() as u64),
                "xml",
                format!(
                    "the file ends before the closing </{root}> tag ({} element(s) still open): \
                     it is truncated (an interrupted download or copy?); get the whole file again",
                    self.depth
                ),
            ));
        }
        Ok(())
    }
}

/// Reads OSM XML already in memory; `path` is used in messages.
pub fn read_osm_xml_bytes(path: &Path, bytes: &[u8], profile: &CarProfile) -> Result<RoadNetwork> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::field(
            path,
            line_of(bytes, e.valid_up_to() as u64),
            "text",
            "not UTF-8: not an OSM XML file",
        )
    })?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut nodes: Vec<(i64, [f64; 2])> = Vec::new();
    let mut ways: Vec<RawWay> = Vec::new();
    let mut refs: Vec<i64> = Vec::new();
    let mut report = ImportReport::default();
    let mut newest: Option<String> = None;
    let mut base_timestamp: Option<String> = None;
    let mut seen_root = false;
    // The way being read: id, first ref, tags.
    let mut way: Option<OpenWay> = None;
    let mut root = RootTracker::default();
    let mut root_name = String::from("osm");
    loop {
        let (pos, ev) = next_event(&mut reader, bytes, path)?;
        root.see(&ev);
        let line = || line_of(bytes, pos);
        let (e, empty) = match ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if e.name().as_ref() == "way" {
                    finish_way(&mut way, &mut ways, &mut refs, profile, &mut report);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = e.name().as_ref().to_string();
        if !seen_root {
            if name != "osm" && name != "osmChange" {
                return Err(Error::field(
                    path,
                    line(),
                    "root",
                    format!("root element <{name}>: not an OSM XML file"),
                ));
            }
            seen_root = true;
            root_name = name;
            continue;
        }
        let attr = |key: &str| -> Result<Option<String>> {
            attribute(&e, key).map_err(|m| Error::field(path, line(), key, m))
        };
        match name.as_str() {
            "node" => {
                let id = parse_attr::<i64>(&attr("id")?, "id", path, line())?;
                let lat = parse_attr::<f64>(&attr("lat")?, "lat", path, line())?;
                let lon = parse_attr::<f64>(&attr("lon")?, "lon", path, line())?;
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    return Err(Error::field(
                        path,
                        line(),
                        "lat/lon",
                        format!("({lat}, {lon}) is not a WGS84 position"),
                    ));
                }
                nodes.push((id, [lon, lat]));
                keep_newest(&mut newest, attr("timestamp")?);
            }
            "way" => {
                let id = parse_attr::<i64>(&attr("id")?, "id", path, line())?;
                keep_newest(&mut newest, attr("timestamp")?);
                report.ways_read += 1;
                way = Some((id, refs.len(), Vec::new()));
                if empty {
                    finish_way(&mut way, &mut ways, &mut refs, profile, &mut report);
                }
            }
            "nd" if way.is_some() => {
                refs.push(parse_attr::<i64>(&attr("ref")?, "ref", path, line())?);
            }
            "tag" => {
                if let Some((_, _, tags)) = way.as_mut() {
                    let k = attr("k")?.unwrap_or_default();
                    let v = attr("v")?.unwrap_or_default();
                    tags.push((k, v));
                }
            }
            "relation" => keep_newest(&mut newest, attr("timestamp")?),
            "meta" => base_timestamp = attr("osm_base")?,
            _ => {}
        }
    }
    if !seen_root {
        return Err(Error::format(path, "empty file: no <osm> element"));
    }
    root.finish(path, bytes, &root_name)?;
    nodes.sort_unstable_by_key(|n| n.0);
    ways.sort_by_key(|w| w.id);
    let (ids, uses) = build::used_nodes(&ways, &refs);
    let pos: Vec<super::E7> = ids
        .iter()
        .map(|id| match nodes.binary_search_by_key(id, |n| n.0) {
            Ok(i) => super::to_e7(nodes[i].1),
            Err(_) => super::MISSING,
        })
        .collect();
    let ref_idx = build::index_refs(&refs, &ids);
    drop(refs);
    let pieces = build::split_ways(&ways, &ref_idx, &ids, &uses, &pos, &mut report);
    let info = NetworkInfo {
        engine: NetworkSource::Osm,
        source: path.to_path_buf(),
        timestamp: base_timestamp.or(newest),
        profile: profile.label(),
        report,
    };
    build::finish(pieces, info, profile)
}

/// The way being read: its id, its first ref, its tags.
type OpenWay = (i64, usize, Vec<(String, String)>);

fn keep_newest(newest: &mut Option<String>, t: Option<String>) {
    // ISO 8601 UTC strings of one format order like the instants.
    if let Some(t) = t
        && newest.as_ref().is_none_or(|n| t > *n)
    {
        *newest = Some(t);
    }
}

fn attribute(e: &BytesStart, key: &str) -> std::result::Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|err| format!("malformed attribute: {err}"))?;
        if a.key.as_ref() == key {
            let v = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| format!("bad value: {err}"))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

fn parse_attr<T: std::str::FromStr>(v: &Option<String>, key: &str, path: &Path, line: u64) -> Result<T> {
    let v = v
        .as_deref()
        .ok_or_else(|| Error::field(path, line, key, "missing"))?;
    v.trim()
        .parse::<T>()
        .map_err(|_| Error::field(path, line, key, format!("`{v}` is not a number")))
}

fn finish_way(
    way: &mut Option<OpenWay>,
    ways: &mut Vec<RawWay>,
    refs: &mut Vec<i64>,
    profile: &CarProfile,
    report: &mut ImportReport,
) {
    let Some((id, start, tags)) = way.take() else {
        return;
    };
    let speed = profile.way_speed(|k| tags.iter().find(|t| t.0 == k).map(|t| t.1.as_str()));
    match speed {
        Some(s) if refs.len() - start >= 2 => {
            report.ways_routable += 1;
            report.maxspeed_unparsed += u64::from(s.maxspeed_unparsed);
            ways.push(RawWay {
                id,
                start,
                len: refs.len() - start,
                speed: s,
            });
        }
        _ => refs.truncate(start),
    }
}
