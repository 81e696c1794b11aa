use std::io::Write;
use std::path::Path;

use super::Record;
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

/// Coordinates rounded to 6 decimals (about 0.1 m): smaller files, same
/// bytes on every machine.
fn coord(out: &mut String, x: f64, y: f64) {
    let r = |v: f64| (v * 1e6).round() / 1e6;
    out.push('[');
    out.push_str(&super::format_real(r(x)));
    out.push(',');
    out.push_str(&super::format_real(r(y)));
    out.push(']');
}

fn ring(out: &mut String, ls: &geo::LineString<f64>) {
    out.push('[');
    for (i, c) in ls.coords().enumerate() {
        if i > 0 {
            out.push(',');
        }
        coord(out, c.x, c.y);
    }
    out.push(']');
}

fn geometry_json(g: &Geometry) -> String {
    let mut s = String::new();
    match g {
        Geometry::Point([x, y]) => {
            s.push_str("{\"type\":\"Point\",\"coordinates\":");
            coord(&mut s, *x, *y);
            s.push('}');
        }
        Geometry::MultiPolygon(mp) => {
            s.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
            for (i, p) in mp.0.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push('[');
                ring(&mut s, p.exterior());
                for h in p.interiors() {
                    s.push(',');
                    ring(&mut s, h);
                }
                s.push(']');
            }
            s.push_str("]}");
        }
        Geometry::None => s.push_str("null"),
    }
    s
}

/// Writes a FeatureCollection (RFC 7946: WGS84 lon/lat, no `crs` member),
/// one feature per line, atomically. `name` becomes the layer name in QGIS.
///
/// Polygons are written with exterior rings counter-clockwise and holes
/// clockwise, as RFC 7946 asks.
pub fn write_geojson(path: &Path, name: &str, features: &[Feature]) -> Result<()> {
    atomic_write(path, |w| geojson_into(w, path, name, features))
}

/// The FeatureCollection of [`write_geojson`] into `w` (`path` names the
/// file in errors).
pub(super) fn geojson_into(w: &mut impl Write, path: &Path, name: &str, features: &[Feature]) -> Result<()> {
    use geo::orient::{Direction, Orient};
    {
        let io = |e| Error::io(path, e);
        writeln!(
            w,
            "{{\"type\":\"FeatureCollection\",\"name\":{},\"features\":[",
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
            let sep = if i + 1 < features.len() { "," } else { "" };
            writeln!(
                w,
                "{{\"type\":\"Feature\",\"properties\":{props},\"geometry\":{}}}{sep}",
                geometry_json(&geom)
            )
            .map_err(io)?;
        }
        writeln!(w, "]}}").map_err(io)
    }
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
                properties: vec![("insee", Value::Str("x\"y".into())), ("minutes", Value::Null)],
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
