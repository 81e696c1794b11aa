//! A link table: one CSV row per road link (plain or gzipped, `,` `;` or
//! tab separated), with columns named by [`LinkColumns`] (defaults: the
//! Corsica table of `../shared/data/osm-fr-corse/`).
//!
//! Node positions come from a nodes file (ids and `lon`,`lat` in WGS84, or
//! `x`,`y` in `--roads-epsg`, default Lambert-93) or from a WKT `LINESTRING`
//! geometry column; without `from`/`to` columns, links meet where their
//! geometries' ends coincide (to 1e-7 degrees).
//!
//! # Speeds
//! By default the speed is the car profile's for the `class` column (an
//! OpenStreetMap `highway` value); a class the profile does not know gets
//! the profile's `road` speed and is counted in the import report. The
//! table's own `time` (seconds) or `speed` (km/h) is used only with
//! [`ReadOptions::source_speed`]. Either column, when filled, must be a
//! number > 0 whether used or not: a bad value is an error, not a silent
//! default.

use std::path::Path;

use super::input::{LinkColumns, ReadOptions};
use super::sections::{Link, NodeTable, inner_points, links_to_network, polyline_m, straight_m};
use super::{CarProfile, ImportReport, NetworkInfo, NetworkSource, RoadNetwork};
use crate::error::{Error, Result};
use crate::facilities::projection::Crs;

/// The OSM class whose profile speed a link of unknown class gets.
pub const UNKNOWN_CLASS: &str = "road";

type CsvReader = csv::Reader<std::io::Cursor<Vec<u8>>>;

/// Opens a CSV (gzipped or not), guessing the delimiter from the header
/// line, and returns its trimmed header.
fn open_csv(path: &Path) -> Result<(CsvReader, Vec<String>)> {
    let mut bytes = crate::io::read_maybe_gz(path)?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let count = |d: u8| first.iter().filter(|&&b| b == d).count();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| count(d))
        .unwrap_or(b',');
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(std::io::Cursor::new(bytes));
    let headers = r
        .headers()
        .map_err(|e| Error::format(path, format!("bad CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    Ok((r, headers))
}

/// The index of `role`'s column: `None` when a default column is absent;
/// an error when a column the user named is absent.
fn column(path: &Path, headers: &[String], cols: &LinkColumns, role: &str) -> Result<Option<usize>> {
    let (name, explicit) = cols.name(role);
    let found = headers
        .iter()
        .position(|h| h == name)
        .or_else(|| headers.iter().position(|h| h.eq_ignore_ascii_case(name)));
    if found.is_none() && explicit {
        return Err(Error::format(
            path,
            format!(
                "missing column `{name}` (--link-columns {role}={name}); columns: {}",
                headers.join(", ")
            ),
        ));
    }
    Ok(found)
}

fn required(path: &Path, c: Option<usize>, cols: &LinkColumns, role: &str) -> Result<usize> {
    c.ok_or_else(|| {
        let name = cols.name(role).0;
        Error::format(
            path,
            format!("missing column `{name}` (map another with --link-columns {role}=COLUMN)"),
        )
    })
}

/// Parses a number; `Ok(None)` for an empty cell, an error naming the
/// record and field for anything but a finite number > 0.
fn positive(path: &Path, line: u64, field: &str, v: &str) -> Result<Option<f64>> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(Some(x)),
        Ok(x) if x.is_finite() => Err(Error::field(
            path,
            line,
            field,
            format!("`{v}` must be > 0 (a negative or zero value is not a road)"),
        )),
        _ => Err(Error::field(
            path,
            line,
            field,
            format!("`{v}` is not a finite number"),
        )),
    }
}

/// Parses a WKT `LINESTRING` (or a `MULTILINESTRING` of one part, with or
/// without Z/M) into `(x, y)` pairs.
///
/// # Examples
/// ```
/// let p = medaccess::roads::table::parse_wkt_line("LINESTRING Z (1 2 3, 4 5 6)").unwrap();
/// assert_eq!(p, vec![[1.0, 2.0], [4.0, 5.0]]);
/// ```
pub fn parse_wkt_line(wkt: &str) -> std::result::Result<Vec<[f64; 2]>, String> {
    let t = wkt.trim();
    let upper = t.to_ascii_uppercase();
    let multi = upper.starts_with("MULTILINESTRING");
    if !(multi || upper.starts_with("LINESTRING")) {
        return Err(format!(
            "`{}` is not a WKT LINESTRING",
            t.chars().take(30).collect::<String>()
        ));
    }
    let open = t.find('(').ok_or("no `(` in the WKT")?;
    let close = t
        .rfind(')')
        .filter(|&c| c > open)
        .ok_or("no `)` after the `(` in the WKT")?;
    let mut body = &t[open + 1..close];
    if multi {
        body = body.trim();
        let inner = body
            .strip_prefix('(')
            .and_then(|b| b.strip_suffix(')'))
            .ok_or("MULTILINESTRING without parts")?;
        if inner.contains('(') {
            return Err("a MULTILINESTRING of several parts: give one row per part".into());
        }
        body = inner;
    }
    let mut out = Vec::new();
    for p in body.split(',') {
        let mut nums = p.split_whitespace().map(str::parse::<f64>);
        match (nums.next(), nums.next()) {
            (Some(Ok(x)), Some(Ok(y))) if x.is_finite() && y.is_finite() => out.push([x, y]),
            _ => return Err(format!("bad coordinate `{}`", p.trim())),
        }
    }
    if out.len() < 2 {
        return Err("a LINESTRING needs at least two points".into());
    }
    Ok(out)
}

fn crs(path: &Path, epsg: u32) -> Result<Crs> {
    Crs::from_epsg(epsg).map_err(|e| Error::format(path, format!("unknown CRS: {e}")))
}

/// Converts a point to WGS84 `[lon, lat]`, checking it lands on Earth.
fn to_lonlat(path: &Path, line: u64, field: &str, crs: &Crs, p: [f64; 2]) -> Result<[f64; 2]> {
    crs.to_lon_lat_on_earth(p[0], p[1]).ok_or_else(|| {
        Error::field(
            path,
            line,
            field,
            format!("({}, {}) is not a position in EPSG:{}", p[0], p[1], crs.epsg()),
        )
    })
}

/// Reads a nodes file: `node_id` and `lon`,`lat` (WGS84) or `x`,`y` (in
/// `opts.epsg`, default Lambert-93).
fn read_nodes(path: &Path, opts: &ReadOptions) -> Result<NodeTable> {
    let cols = &opts.link_columns;
    let (mut r, h) = open_csv(path)?;
    let c_id = required(path, column(path, &h, cols, "node_id")?, cols, "node_id")?;
    let lonlat = (column(path, &h, cols, "lon")?, column(path, &h, cols, "lat")?);
    let xy = (column(path, &h, cols, "x")?, column(path, &h, cols, "y")?);
    let (cx, cy, crs, fx, fy) = match (lonlat, xy) {
        ((Some(a), Some(b)), _) if opts.epsg.is_none() || xy.0.is_none() => {
            (a, b, crs(path, 4326)?, "lon", "lat")
        }
        (_, (Some(a), Some(b))) => (a, b, crs(path, opts.epsg.unwrap_or(2154))?, "x", "y"),
        _ => {
            return Err(Error::format(
                path,
                format!(
                    "a nodes file needs columns `{}`,`{}` (WGS84) or `{}`,`{}` (projected); map them with --link-columns lon=,lat= or x=,y=",
                    cols.name("lon").0,
                    cols.name("lat").0,
                    cols.name("x").0,
                    cols.name("y").0
                ),
            ));
        }
    };
    let mut nodes = NodeTable::default();
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| Error::field(path, line, "record", e.to_string()))?;
        let num = |c: usize, f: &str| -> Result<f64> {
            let v = rec.get(c).unwrap_or("").trim();
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| Error::field(path, line, f, format!("`{v}` is not a number")))
        };
        let p = to_lonlat(path, line, fx, &crs, [num(cx, fx)?, num(cy, fy)?])?;
        let id = rec.get(c_id).unwrap_or("").trim();
        if id.is_empty() {
            return Err(Error::field(path, line, cols.name("node_id").0, "empty node id"));
        }
        nodes.insert(id, p);
    }
    Ok(nodes)
}

/// Reads a link table with the columns and options of `opts` (see the
/// module documentation).
pub fn read(path: &Path, profile: &CarProfile, opts: &ReadOptions) -> Result<RoadNetwork> {
    let cols = &opts.link_columns;
    let nodes_file = opts.nodes_for(path);
    let mut nodes = match &nodes_file {
        Some(n) => read_nodes(n, opts)?,
        None => NodeTable::default(),
    };
    let (mut r, h) = open_csv(path)?;
    let c = |role: &str| column(path, &h, cols, role);
    let (c_id, c_from, c_to) = (c("id")?, c("from")?, c("to")?);
    let (c_len, c_speed, c_time) = (c("length")?, c("speed")?, c("time")?);
    let (c_oneway, c_class, c_modes, c_geom) = (c("oneway")?, c("class")?, c("modes")?, c("geometry")?);
    let ends = match (c_from, c_to) {
        (Some(a), Some(b)) => Some((a, b)),
        (None, None) => None,
        (None, Some(_)) => return Err(required(path, None, cols, "from").unwrap_err()),
        (Some(_), None) => return Err(required(path, None, cols, "to").unwrap_err()),
    };
    if ends.is_none() && c_geom.is_none() {
        return Err(Error::format(
            path,
            format!(
                "a link table needs `{}`,`{}` node columns or a `{}` WKT column (--link-columns from=,to= or geometry=)",
                cols.name("from").0,
                cols.name("to").0,
                cols.name("geometry").0
            ),
        ));
    }
    if ends.is_some() && nodes_file.is_none() && c_geom.is_none() {
        return Err(Error::format(
            path,
            "no node positions: give the nodes file with --roads-nodes (or name the table `*_links.csv` beside a `*_nodes.csv`), or a WKT geometry column",
        ));
    }
    if opts.source_speed && c_speed.is_none() && c_time.is_none() {
        return Err(Error::format(
            path,
            format!(
                "--source-speed needs a `{}` (km/h) or `{}` (s) column (--link-columns speed= or time=)",
                cols.name("speed").0,
                cols.name("time").0
            ),
        ));
    }
    if !opts.source_speed && c_class.is_none() {
        return Err(Error::format(
            path,
            format!(
                "no class column `{}` to take speeds from the car profile: map one with --link-columns class=COLUMN, or use the table's own speeds with --source-speed",
                cols.name("class").0
            ),
        ));
    }
    let geom_crs = crs(path, opts.epsg.unwrap_or(4326))?;
    let mut report = ImportReport::default();
    let mut links = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| Error::field(path, line, "record", e.to_string()))?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim();
        report.ways_read += 1;
        if c_modes.is_some() && !get(c_modes).split(',').any(|m| m.trim() == "car") {
            continue;
        }
        let field = |role: &str| cols.name(role).0.to_string();
        let shape: Option<Vec<[f64; 2]>> = match get(c_geom) {
            "" => None,
            wkt => {
                let pts = parse_wkt_line(wkt).map_err(|m| Error::field(path, line, field("geometry"), m))?;
                Some(
                    pts.into_iter()
                        .map(|p| to_lonlat(path, line, &field("geometry"), &geom_crs, p))
                        .collect::<Result<_>>()?,
                )
            }
        };
        let (from, to) = match (ends, &shape) {
            (Some((a, b)), _) if nodes_file.is_some() => {
                let node = |c: usize, role: &str| {
                    let v = get(Some(c));
                    nodes.get(v).ok_or_else(|| {
                        Error::field(
                            path,
                            line,
                            field(role),
                            format!("unknown node `{v}` (not in the nodes file)"),
                        )
                    })
                };
                (node(a, "from")?, node(b, "to")?)
            }
            (Some((a, b)), Some(s)) => (
                nodes.insert(get(Some(a)), s[0]),
                nodes.insert(get(Some(b)), s[s.len() - 1]),
            ),
            (None, Some(s)) => (nodes.at(s[0]), nodes.at(s[s.len() - 1])),
            (_, None) => {
                return Err(Error::field(
                    path,
                    line,
                    field("geometry"),
                    "empty geometry, and no nodes file to place the link",
                ));
            }
        };
        let length_m = match positive(path, line, &field("length"), get(c_len))? {
            Some(l) => l,
            None => {
                let l = shape
                    .as_deref()
                    .map_or_else(|| straight_m(&nodes, from, to), polyline_m);
                if l.is_nan() || l <= 0.0 {
                    return Err(Error::field(
                        path,
                        line,
                        field("length"),
                        "zero length: no length value and both ends at the same place",
                    ));
                }
                l
            }
        };
        let speed = positive(path, line, &field("speed"), get(c_speed))?;
        let time = positive(path, line, &field("time"), get(c_time))?;
        let class = get(c_class);
        let kmh = if opts.source_speed {
            time.map(|t| length_m / t * 3.6).or(speed).ok_or_else(|| {
                Error::field(
                    path,
                    line,
                    field("speed"),
                    "no speed or time value (needed by --source-speed)",
                )
            })?
        } else {
            match profile.class_speed(class) {
                Some(k) => k,
                None => {
                    report.class_unknown += 1;
                    profile.class_speed(UNKNOWN_CLASS).unwrap_or(40.0)
                }
            }
        };
        let dir = match c_oneway.map(|_| get(c_oneway).to_ascii_lowercase()) {
            None => [true, false],
            Some(v) => match v.as_str() {
                "yes" | "true" | "1" | "oui" | "y" => [true, false],
                "-1" | "reverse" => [false, true],
                "" | "no" | "false" | "0" | "non" | "n" => [true, true],
                _ => {
                    return Err(Error::field(
                        path,
                        line,
                        field("oneway"),
                        format!("`{v}` is not yes/no/-1"),
                    ));
                }
            },
        };
        report.ways_routable += 1;
        let id_text = get(c_id);
        links.push(Link {
            id: id_text.parse().unwrap_or(line as i64 - 1),
            from,
            to,
            inner: shape.as_deref().map(inner_points).unwrap_or_default(),
            length_m,
            kmh: [dir[0].then_some(kmh), dir[1].then_some(kmh)],
            snappable: !matches!(class, "motorway" | "motorway_link"),
            winding: super::WindingParams::applies_to_link(
                (!class.is_empty()).then_some(class),
                opts.source_speed,
            ),
        });
    }
    if links.is_empty() {
        return Err(Error::format(path, "no car link in the table"));
    }
    let info = NetworkInfo {
        engine: NetworkSource::Links,
        source: path.to_path_buf(),
        timestamp: None,
        profile: super::input::profile_label(profile, opts, "time or speed column"),
        report,
    };
    links_to_network(nodes, links, info, profile)
}

#[cfg(test)]
mod tests {
    use super::parse_wkt_line;

    #[test]
    fn wkt_lines_and_bad_wkt() {
        assert_eq!(
            parse_wkt_line("LINESTRING (1 2, 3 4)").unwrap(),
            vec![[1.0, 2.0], [3.0, 4.0]]
        );
        // brackets out of order, missing, or no coordinates: errors, no panic
        for bad in [
            "LINESTRING )(",
            "LINESTRING (1 2",
            "LINESTRING 1 2)",
            "POINT (1 2)",
            "LINESTRING ()",
        ] {
            assert!(parse_wkt_line(bad).is_err(), "{bad}");
        }
    }
}
