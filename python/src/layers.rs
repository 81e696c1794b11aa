//! A run's layers ([`medaccess::output::Layer`]) as columns for Python:
//! typed value lists and the geometry as WKB, from which the Python side
//! builds pyarrow tables and GeoDataFrames.

use medaccess::output::{Feature, Geometry, Layer, Value};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

/// ISO WKB, little-endian, 2D: the geometry of a feature (`None` for a
/// table row). Points and multipolygons are all our layers hold; each ring
/// is written as stored (closed, exterior counter-clockwise).
pub fn wkb(g: &Geometry) -> Option<Vec<u8>> {
    fn head(out: &mut Vec<u8>, kind: u32) {
        out.push(1);
        out.extend_from_slice(&kind.to_le_bytes());
    }
    fn xy(out: &mut Vec<u8>, x: f64, y: f64) {
        out.extend_from_slice(&x.to_le_bytes());
        out.extend_from_slice(&y.to_le_bytes());
    }
    fn ring(out: &mut Vec<u8>, r: &geo::LineString<f64>) {
        out.extend_from_slice(&(r.0.len() as u32).to_le_bytes());
        for c in &r.0 {
            xy(out, c.x, c.y);
        }
    }
    let mut out = Vec::new();
    match g {
        Geometry::None => return None,
        Geometry::Point([x, y]) => {
            head(&mut out, 1);
            xy(&mut out, *x, *y);
        }
        Geometry::MultiPolygon(mp) => {
            head(&mut out, 6);
            out.extend_from_slice(&(mp.0.len() as u32).to_le_bytes());
            for p in &mp.0 {
                head(&mut out, 3);
                out.extend_from_slice(&(1 + p.interiors().len() as u32).to_le_bytes());
                ring(&mut out, p.exterior());
                for h in p.interiors() {
                    ring(&mut out, h);
                }
            }
        }
    }
    Some(out)
}

/// The type of a column: the kinds of its non-null values (an integer
/// column with a real in it is real).
fn kind(values: &[&Value]) -> &'static str {
    let (mut int, mut real, mut text, mut boolean) = (false, false, false, false);
    for v in values {
        match v {
            Value::Int(_) => int = true,
            Value::Real(_) => real = true,
            Value::Str(_) => text = true,
            Value::Bool(_) => boolean = true,
            Value::Null => {}
        }
    }
    match (int, real, text, boolean) {
        (_, _, true, _) => "str",
        (_, true, _, _) => "float",
        (true, _, _, _) => "int",
        (_, _, _, true) => "bool",
        _ => "str",
    }
}

fn py_value<'py>(py: Python<'py>, v: &Value, kind: &str) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Int(i) if kind == "float" => (*i as f64).into_pyobject(py)?.into_any(),
        Value::Int(i) if kind == "str" => i.to_string().into_pyobject(py)?.into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Real(r) if kind == "str" => Value::Real(*r).to_csv().into_pyobject(py)?.into_any(),
        Value::Real(r) => r.into_pyobject(py)?.into_any(),
        Value::Str(s) => s.into_pyobject(py)?.into_any(),
        Value::Bool(b) if kind == "str" => b.to_string().into_pyobject(py)?.into_any(),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
    })
}

/// A layer as `{"name", "columns": [(name, kind, values)], "geometry":
/// [bytes | None] | None, "geometry_type": "Point" | "MultiPolygon" |
/// "Geometry" | None}`; kinds are `int`, `float`, `str`, `bool`.
pub fn layer_dict<'py>(py: Python<'py>, layer: &Layer) -> PyResult<Bound<'py, PyDict>> {
    features_dict(py, &layer.name, &layer.features)
}

pub fn features_dict<'py>(py: Python<'py>, name: &str, features: &[Feature]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", name)?;
    let names: Vec<&'static str> = features
        .first()
        .map(|f| f.properties.iter().map(|p| p.0).collect())
        .unwrap_or_default();
    let columns = PyList::empty(py);
    for (k, n) in names.iter().enumerate() {
        let vals: Vec<&Value> = features
            .iter()
            .map(|f| {
                f.properties
                    .get(k)
                    .filter(|p| p.0 == *n)
                    .map_or(&Value::Null, |p| &p.1)
            })
            .collect();
        let kind = kind(&vals);
        let list = PyList::empty(py);
        for v in &vals {
            list.append(py_value(py, v, kind)?)?;
        }
        columns.append((*n, kind, list))?;
    }
    d.set_item("columns", columns)?;
    let has_geometry = features.iter().any(|f| !matches!(f.geometry, Geometry::None));
    if has_geometry {
        let geoms = PyList::empty(py);
        let (mut points, mut polygons) = (false, false);
        for f in features {
            match &f.geometry {
                Geometry::Point(_) => points = true,
                Geometry::MultiPolygon(_) => polygons = true,
                Geometry::None => {}
            }
            match wkb(&f.geometry) {
                Some(b) => geoms.append(PyBytes::new(py, &b))?,
                None => geoms.append(py.None())?,
            }
        }
        d.set_item("geometry", geoms)?;
        d.set_item(
            "geometry_type",
            match (points, polygons) {
                (true, false) => "Point",
                (false, true) => "MultiPolygon",
                _ => "Geometry",
            },
        )?;
    } else {
        d.set_item("geometry", py.None())?;
        d.set_item("geometry_type", py.None())?;
    }
    Ok(d)
}
