//! A run's layers ([`medaccess::output::Layer`]) as columns for Python:
//! typed value lists and the geometry as WKB, from which the Python side
//! builds pyarrow tables and GeoDataFrames.

use medaccess::output::{Feature, FieldType, Geometry, Layer, Value};
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

/// A property a feature lacks.
const NULL: Value = Value::Null(FieldType::Text);

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
            Value::Null(_) => {}
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
        Value::Null(_) => py.None().into_bound(py),
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
/// `csv` is true for the run's main table (the layer the command line
/// writes as CSV).
///
/// A layer whose features mix points and polygons is written by the
/// library as two maps (`name`, `name-points`) and one table `name` of all
/// rows ([`medaccess::output::split_by_geometry`]); Python gets it back as
/// one table of every row with its geometry, in the table's order.
pub fn layer_list<'py>(py: Python<'py>, layers: &[Layer]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    let copy_of = |name: &str| layers.iter().find(|t| t.copy && t.name == name);
    for l in layers {
        if l.copy
            || l.name
                .strip_suffix("-points")
                .is_some_and(|stem| copy_of(stem).is_some())
        {
            continue;
        }
        let d = match copy_of(&l.name) {
            None => {
                let d = features_dict(py, &l.name, &l.features)?;
                d.set_item("csv", l.default_formats.csv)?;
                d
            }
            Some(table) => {
                let points = layers
                    .iter()
                    .find(|p| p.name == format!("{}-points", l.name))
                    .map_or(&[][..], |p| &p.features[..]);
                let (mut a, mut b) = (l.features.iter().peekable(), points.iter().peekable());
                let mut rows = Vec::with_capacity(table.features.len());
                for row in &table.features {
                    let next = if a.peek().is_some_and(|f| f.properties == row.properties) {
                        a.next()
                    } else {
                        b.next_if(|f| f.properties == row.properties)
                    };
                    rows.push(next.cloned().unwrap_or_else(|| row.clone()));
                }
                let d = features_dict(py, &l.name, &rows)?;
                d.set_item("csv", table.default_formats.csv)?;
                d
            }
        };
        out.append(d)?;
    }
    Ok(out)
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
            .map(|f| f.properties.get(k).filter(|p| p.0 == *n).map_or(&NULL, |p| &p.1))
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
