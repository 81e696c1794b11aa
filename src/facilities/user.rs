//! Any facility file a user brings: CSV (delimiter `,` `;` or tab, detected)
//! or GeoJSON (Point features), with configurable columns: an id, a name,
//! either WGS84 lon/lat or projected x/y with an EPSG code, an optional
//! commune INSEE code (the town-hall fallback when a row has no position) and
//! an optional capacity or weight.
//!
//! Here the file is the user's own: a position outside France, swapped
//! latitude/longitude, an unknown commune or a duplicate id is an error naming
//! file, line (or feature) and field, never a silent fix.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};

use super::projection::Crs;
use super::territory::{check_lon_lat, distance_m};
use super::text::{self, Delimiter, Encoding};
use super::{Facility, MAX_FROM_TOWN_HALL_M, Placed, PositionSource};

/// Which columns hold the position.
#[derive(Clone, Debug, PartialEq)]
pub enum CoordColumns {
    /// WGS84 longitude and latitude in degrees.
    LonLat {
        /// Longitude column.
        lon: String,
        /// Latitude column.
        lat: String,
    },
    /// Projected coordinates in the given EPSG system (e.g. 2154).
    Xy {
        /// Easting column.
        x: String,
        /// Northing column.
        y: String,
        /// EPSG code of the coordinates.
        epsg: u32,
    },
    /// No coordinates: every facility is placed at its commune's town hall.
    None,
}

/// Column names and reading options for [`load_facilities`]. Names match
/// case-insensitively. For GeoJSON, the position is the Point geometry and
/// the other names are looked up among the feature properties.
#[derive(Clone, Debug, PartialEq)]
pub struct FacilityColumns {
    /// Identifier column (for GeoJSON, the feature `id` is used if the
    /// property is absent).
    pub id: String,
    /// Name column; the id is used when `None` or empty.
    pub name: Option<String>,
    /// Position columns (CSV only).
    pub coords: CoordColumns,
    /// Commune INSEE code column, for the town-hall fallback.
    pub commune: Option<String>,
    /// Capacity / weight column (beds, GPs, FTE…), non-negative.
    pub capacity: Option<String>,
    /// Field delimiter (CSV only).
    pub delimiter: Delimiter,
    /// Text encoding.
    pub encoding: Encoding,
}

impl Default for FacilityColumns {
    fn default() -> Self {
        FacilityColumns {
            id: "id".into(),
            name: Some("name".into()),
            coords: CoordColumns::LonLat {
                lon: "lon".into(),
                lat: "lat".into(),
            },
            commune: None,
            capacity: None,
            delimiter: Delimiter::Auto,
            encoding: Encoding::Auto,
        }
    }
}

/// One row before placement.
struct Row {
    line: u64,
    id: String,
    name: String,
    /// Position and the field to blame if it is wrong.
    lon_lat: Option<([f64; 2], String)>,
    commune: Option<String>,
    capacity: Option<f64>,
}

/// Loads a facility file (`.geojson`/`.json` as GeoJSON, anything else as
/// CSV). Rows without a position are placed at the town hall of their
/// commune through `town_hall` (INSEE code -> WGS84 `[lon, lat]`).
pub fn load_facilities(
    path: &Path,
    columns: &FacilityColumns,
    town_hall: impl Fn(&str) -> Option<[f64; 2]>,
) -> Result<Placed> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let rows = if ext == "geojson" || ext == "json" {
        read_geojson(path, columns)?
    } else {
        read_csv(path, columns)?
    };
    let mut seen = BTreeSet::new();
    let mut placed = Placed::default();
    for r in rows {
        if !seen.insert(r.id.clone()) {
            return Err(Error::field(
                path,
                r.line,
                &columns.id,
                format!("duplicate id `{}`", r.id),
            ));
        }
        let (lon_lat, source) = match r.lon_lat {
            Some((p, field)) => {
                check_lon_lat(p[0], p[1]).map_err(|m| Error::field(path, r.line, field, m))?;
                // The user's position wins, but one far from its own commune
                // is worth a look (a swapped commune code, a geocoding slip).
                let hall = r.commune.as_deref().and_then(&town_hall);
                if let Some(d) = hall
                    .map(|h| distance_m(p, h))
                    .filter(|&d| d > MAX_FROM_TOWN_HALL_M)
                {
                    placed.warnings.push(format!(
                        "{}:{}: facility `{}` is {:.1} km from the town hall of its commune {}",
                        path.display(),
                        r.line,
                        r.id,
                        d / 1000.0,
                        r.commune.as_deref().unwrap_or("")
                    ));
                }
                (p, PositionSource::File)
            }
            None => {
                let field = columns.commune.clone().unwrap_or_else(|| "commune".into());
                let code = r.commune.clone().ok_or_else(|| {
                    Error::field(
                        path,
                        r.line,
                        &field,
                        format!(
                            "facility `{}` has no position and no commune to fall back on",
                            r.id
                        ),
                    )
                })?;
                let p = town_hall(&code).ok_or_else(|| {
                    Error::field(
                        path,
                        r.line,
                        &field,
                        format!("unknown INSEE code `{code}` (facility `{}`)", r.id),
                    )
                })?;
                placed.warnings.push(format!(
                    "{} {}: no position, placed at the town hall of commune {code}",
                    r.id, r.name
                ));
                (p, PositionSource::CommuneTownHall)
            }
        };
        placed.facilities.push(Facility {
            id: r.id,
            name: r.name,
            commune: r.commune,
            lon_lat,
            source,
            level: None,
            births: None,
            capacity: r.capacity,
        });
    }
    if placed.facilities.is_empty() {
        return Err(Error::format(path, "no facility in the file"));
    }
    placed.facilities.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(placed)
}

fn read_csv(path: &Path, columns: &FacilityColumns) -> Result<Vec<Row>> {
    let (text, _) = text::read_text(path, columns.encoding)?;
    let table = text::read_table(path, &text, columns.delimiter)?;
    let c_id = table.column(&columns.id)?;
    let c_name = columns.name.as_deref().map(|n| table.column(n)).transpose()?;
    let c_commune = columns.commune.as_deref().map(|n| table.column(n)).transpose()?;
    let c_cap = columns.capacity.as_deref().map(|n| table.column(n)).transpose()?;
    let (c_xy, crs) = match &columns.coords {
        CoordColumns::LonLat { lon, lat } => (Some((table.column(lon)?, table.column(lat)?)), None),
        CoordColumns::Xy { x, y, epsg } => (
            Some((table.column(x)?, table.column(y)?)),
            Some(Crs::from_epsg(*epsg)?),
        ),
        CoordColumns::None => (None, None),
    };
    let mut rows = Vec::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        let line = *line;
        let id = row[c_id].clone();
        if id.is_empty() {
            return Err(table.field_error(line, c_id, "empty id"));
        }
        let name = c_name
            .map(|c| row[c].clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.clone());
        let lon_lat = match c_xy {
            Some((cx, cy)) if !(row[cx].is_empty() && row[cy].is_empty()) => {
                let x = table.number(line, cx, &row[cx])?;
                let y = table.number(line, cy, &row[cy])?;
                let p = match &crs {
                    Some(crs) => crs.to_lon_lat(x, y).ok_or_else(|| {
                        table.field_error(
                            line,
                            cx,
                            format!("({x}, {y}) cannot be converted from EPSG:{}", crs.epsg()),
                        )
                    })?,
                    None => [x, y],
                };
                Some((p, format!("{}/{}", table.headers[cx], table.headers[cy])))
            }
            _ => None,
        };
        let capacity = match c_cap {
            Some(c) if !row[c].is_empty() => {
                let v = table.number(line, c, &row[c])?;
                if v < 0.0 {
                    return Err(table.field_error(line, c, format!("negative capacity {v}")));
                }
                Some(v)
            }
            _ => None,
        };
        rows.push(Row {
            line,
            id,
            name,
            lon_lat,
            commune: c_commune.map(|c| row[c].clone()).filter(|c| !c.is_empty()),
            capacity,
        });
    }
    Ok(rows)
}

/// EPSG code from a legacy GeoJSON `crs` member (`urn:ogc:def:crs:EPSG::2154`,
/// `EPSG:2154`); `None` means WGS84 (RFC 7946).
fn legacy_crs(path: &Path, root: &Value) -> Result<Option<u32>> {
    let Some(name) = root.pointer("/crs/properties/name").and_then(Value::as_str) else {
        return Ok(None);
    };
    if name.contains("CRS84") || name.ends_with(":4326") {
        return Ok(None);
    }
    name.rsplit(':')
        .next()
        .and_then(|c| c.parse::<u32>().ok())
        .map(Some)
        .ok_or_else(|| Error::format(path, format!("unreadable `crs` member `{name}`")))
}

fn property_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_geojson(path: &Path, columns: &FacilityColumns) -> Result<Vec<Row>> {
    let (text, _) = text::read_text(path, columns.encoding)?;
    if text.trim().is_empty() {
        return Err(Error::format(path, "empty file"));
    }
    let root: Value = serde_json::from_str(&text)
        .map_err(|e| Error::field(path, e.line() as u64, "(json)", e.to_string()))?;
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::format(path, "not a GeoJSON FeatureCollection (no `features` array)"))?;
    let crs = legacy_crs(path, &root)?.map(Crs::from_epsg).transpose()?;
    let mut rows = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let n = i as u64 + 1;
        let props = f.get("properties");
        let get = |name: &str| {
            props.and_then(Value::as_object).and_then(|o| {
                o.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
        };
        let id = property_string(get(&columns.id))
            .or_else(|| property_string(f.get("id")))
            .ok_or_else(|| Error::field(path, n, &columns.id, format!("feature {n} has no id")))?;
        let name = columns
            .name
            .as_deref()
            .and_then(|c| property_string(get(c)))
            .unwrap_or_else(|| id.clone());
        let lon_lat = match f.get("geometry") {
            None | Some(Value::Null) => None,
            Some(g) => {
                if g.get("type").and_then(Value::as_str) != Some("Point") {
                    return Err(Error::field(
                        path,
                        n,
                        "geometry",
                        format!("feature {n} (`{id}`): not a Point"),
                    ));
                }
                let c = g.get("coordinates").and_then(Value::as_array);
                let xy = c
                    .and_then(|c| Some([c.first()?.as_f64()?, c.get(1)?.as_f64()?]))
                    .ok_or_else(|| {
                        Error::field(
                            path,
                            n,
                            "geometry",
                            format!("feature {n} (`{id}`): unreadable coordinates"),
                        )
                    })?;
                let p = match &crs {
                    Some(crs) => crs.to_lon_lat(xy[0], xy[1]).ok_or_else(|| {
                        Error::field(
                            path,
                            n,
                            "geometry",
                            format!("feature {n}: cannot convert from EPSG:{}", crs.epsg()),
                        )
                    })?,
                    None => xy,
                };
                Some((p, "geometry".to_owned()))
            }
        };
        let capacity = match columns.capacity.as_deref().and_then(&get) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_f64().filter(|x| *x >= 0.0 && x.is_finite()).ok_or_else(|| {
                Error::field(
                    path,
                    n,
                    columns.capacity.clone().unwrap_or_default(),
                    format!("feature {n}: `{v}` is not a capacity"),
                )
            })?),
        };
        rows.push(Row {
            line: n,
            id,
            name,
            lon_lat,
            commune: columns.commune.as_deref().and_then(|c| property_string(get(c))),
            capacity,
        });
    }
    Ok(rows)
}
