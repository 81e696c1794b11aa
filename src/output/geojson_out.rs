use std::io::Write;
use std::path::Path;

use super::Record;
use super::crs::{OutputCrs, Projector};
use crate::error::{Error, Result};
use crate::io::atomic_write;

/// Geometry of an output feature, lon/lat WGS84.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Point([f64; 2]),
    MultiPolygon(geo::MultiPolygon<f64>),
    None,
}

/// One output feature: geometry plus ordered, typed properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub geometry: Geometry,
    pub properties: Record,
}

impl Geometry {
    /// Whether every coordinate is a finite number.
    pub fn is_finite(&self) -> bool {
        match self {
            Geometry::Point(p) => p.iter().all(|v| v.is_finite()),
            Geometry::MultiPolygon(mp) => mp.0.iter().all(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .all(|r| r.coords().all(|c| c.x.is_finite() && c.y.is_finite()))
            }),
            Geometry::None => true,
        }
    }
}

/// Coordinates in the output system, rounded (6 decimals of a degree,
/// about 0.1 m, or 2 of a metre): smaller files, same bytes on every
/// machine.
fn coord(out: &mut String, proj: &Projector, x: f64, y: f64) -> std::result::Result<(), [f64; 2]> {
    let [x, y] = proj.project(x, y).ok_or([x, y])?;
    out.push('[');
    out.push_str(&super::format_real(x));
    out.push(',');
    out.push_str(&super::format_real(y));
    out.push(']');
    Ok(())
}

fn ring(out: &mut String, proj: &Projector, ls: &geo::LineString<f64>) -> std::result::Result<(), [f64; 2]> {
    out.push('[');
    for (i, c) in ls.coords().enumerate() {
        if i > 0 {
            out.push(',');
        }
        coord(out, proj, c.x, c.y)?;
    }
    out.push(']');
    Ok(())
}

fn geometry_json(g: &Geometry, proj: &Projector) -> std::result::Result<String, [f64; 2]> {
    let mut s = String::new();
    match g {
        Geometry::Point([x, y]) => {
            s.push_str("{\"type\":\"Point\",\"coordinates\":");
            coord(&mut s, proj, *x, *y)?;
            s.push('}');
        }
        Geometry::MultiPolygon(mp) => {
            s.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
            for (i, p) in mp.0.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push('[');
                ring(&mut s, proj, p.exterior())?;
                for h in p.interiors() {
                    s.push(',');
                    ring(&mut s, proj, h)?;
                }
                s.push(']');
            }
            s.push_str("]}");
        }
        Geometry::None => s.push_str("null"),
    }
    Ok(s)
}

/// Writes a FeatureCollection in WGS84 (RFC 7946), one feature per line,
/// atomically. `name` becomes the layer name in QGIS. (A run's layers go
/// through [`super::stage`].)
pub fn write_geojson(path: &Path, name: &str, features: &[Feature]) -> Result<()> {
    let proj = OutputCrs::Wgs84.projector()?;
    atomic_write(path, |w| {
        geojson_into(w, path, name, features, &proj, OutputCrs::Wgs84)
    })
}

/// The FeatureCollection of `features` into `w` (`path` names the file in
/// errors): in WGS84 as RFC 7946 asks, or with a `crs` member naming
/// EPSG:2154 (the 2008 GeoJSON form GDAL and QGIS read) for Lambert-93.
///
/// Polygons are written with exterior rings counter-clockwise and holes
/// clockwise, as RFC 7946 asks (Lambert-93 is conformal: the orientation
/// holds).
pub(super) fn geojson_into(
    w: &mut impl Write,
    path: &Path,
    name: &str,
    features: &[Feature],
    proj: &Projector,
    crs: OutputCrs,
) -> Result<()> {
    use geo::orient::{Direction, Orient};
    let io = |e| Error::io(path, e);
    let crs_member = match crs {
        OutputCrs::Wgs84 => String::new(),
        c => format!(
            "\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::{}\"}}}},",
            c.epsg()
        ),
    };
    writeln!(
        w,
        "{{\"type\":\"FeatureCollection\",\"name\":{},{crs_member}\"features\":[",
        serde_json::Value::String(name.into())
    )
    .map_err(io)?;
    for (i, f) in features.iter().enumerate() {
        let geom = match &f.geometry {
            Geometry::MultiPolygon(mp) => Geometry::MultiPolygon(mp.orient(Direction::Default)),
            g => g.clone(),
        };
        let mut props = String::from("{");
        for (k, (key, v)) in f.properties.iter().enumerate() {
            if k > 0 {
                props.push(',');
            }
            props.push_str(&serde_json::Value::String((*key).into()).to_string());
            props.push(':');
            props.push_str(&v.to_json());
        }
        props.push('}');
        let geometry = geometry_json(&geom, proj).map_err(|[x, y]| {
            Error::format(
                path,
                format!(
                    "feature {}: ({x}, {y}) cannot be written in EPSG:{}",
                    i + 1,
                    crs.epsg()
                ),
            )
        })?;
        let sep = if i + 1 < features.len() { "," } else { "" };
        writeln!(
            w,
            "{{\"type\":\"Feature\",\"properties\":{props},\"geometry\":{geometry}}}{sep}"
        )
        .map_err(io)?;
    }
    writeln!(w, "]}}").map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Value;

    #[test]
    fn writes_valid_json_with_typed_properties() {
        let dir = std::env::temp_dir().join(format!("medaccess-gj-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("t.geojson");
        let square = geo::MultiPolygon(vec![geo::Polygon::new(
            geo::LineString::from(vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]),
            vec![],
        )]);
        let feats = vec![
            Feature {
                geometry: Geometry::Point([-0.6051714, 43.19439]),
                properties: vec![
                    ("insee", Value::Str("64422".into())),
                    ("minutes", Value::Real(12.0)),
                ],
            },
            Feature {
                geometry: Geometry::MultiPolygon(square),
                properties: vec![
                    ("insee", Value::Str("x\"y".into())),
                    ("minutes", Value::Null(crate::output::FieldType::Real)),
                ],
            },
        ];
        write_geojson(&p, "layer", &feats).unwrap();
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let f = &v["features"];
        assert_eq!(f[0]["properties"]["minutes"], serde_json::json!(12.0));
        assert_eq!(
            f[0]["geometry"]["coordinates"],
            serde_json::json!([-0.605171, 43.19439])
        );
        assert_eq!(f[1]["properties"]["insee"], "x\"y");
        // exterior ring re-oriented counter-clockwise
        let ring = &f[1]["geometry"]["coordinates"][0][0];
        assert_eq!(ring[1], serde_json::json!([1.0, 0.0]));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
