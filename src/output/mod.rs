//! Writers for what users open: GeoJSON (RFC 7946, WGS84 lon/lat, typed
//! properties, read as-is by QGIS and GDAL), CSV, and QGIS style files.
//! A run describes its outputs as [`Layer`]s and [`Document`]s and writes
//! them with [`write_run`], all together or not at all.

mod csv_out;
mod geojson_out;
mod layer;
mod qml;

pub use csv_out::write_csv;
pub use geojson_out::{Feature, Geometry, write_geojson};
pub use layer::{Document, Layer, Style, write_run};
pub use qml::{ColorRamp, write_qml};

/// A typed property value. Integers stay integers and reals stay reals
/// (a real is always written with a decimal point) so that GDAL and QGIS
/// infer the right field types.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Real(f64),
    Str(String),
    Bool(bool),
    Null,
}

impl Value {
    /// A real rounded to `decimals`, or Null when absent or not finite.
    pub fn real(x: Option<f64>, decimals: i32) -> Value {
        match x {
            Some(v) if v.is_finite() => {
                let k = 10f64.powi(decimals);
                Value::Real((v * k).round() / k)
            }
            _ => Value::Null,
        }
    }

    pub fn opt_str(s: Option<&str>) -> Value {
        s.map_or(Value::Null, |s| Value::Str(s.to_string()))
    }

    pub fn opt_int(x: Option<i64>) -> Value {
        x.map_or(Value::Null, Value::Int)
    }

    /// The value as CSV text (empty for Null).
    pub fn to_csv(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Real(r) => format_real(*r),
            Value::Str(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
        }
    }

    /// The value as JSON text.
    pub fn to_json(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Real(r) => format_real(*r),
            Value::Str(s) => serde_json::Value::String(s.clone()).to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".into(),
        }
    }
}

/// Shortest text that reads back as `r`, always with a decimal point.
fn format_real(r: f64) -> String {
    let s = format!("{r:?}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// One row of an output table: ordered (name, value) pairs.
pub type Record = Vec<(&'static str, Value)>;
