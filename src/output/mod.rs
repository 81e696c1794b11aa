//! What users open. A run describes its outputs once, as [`Layer`]s (name,
//! geometry kind, typed fields, features, style) and [`Document`]s (a
//! summary, a chart, a report), and [`stage`] writes them with one writer
//! per format: GeoJSON (RFC 7946, with the QGIS style beside it as
//! `.qml`), CSV (spreadsheet-safe) and GeoPackage (every layer of the run
//! in one `.gpkg`, styles in its `layer_styles` table), in WGS84 or
//! Lambert-93. The files of a run are one transaction: staged into
//! exclusive temporary files, renamed into place by [`Staged::commit`]
//! only when every one is complete, removed on any failure.

mod crs;
mod csv_out;
mod geojson_out;
mod gpkg;
mod layer;
mod names;
mod qml;
mod run;
mod style;

pub use crs::OutputCrs;
pub use csv_out::neutralise_cell;
pub use geojson_out::{Feature, Geometry, write_geojson};
pub use gpkg::MAX_COLUMNS as GPKG_MAX_COLUMNS;
pub use layer::{Field, Format, Formats, GeometryKind, Layer, split_by_geometry};
pub use names::{is_safe_file_name, scenario_tag};
pub use run::{Document, Staged, Target, WriteOptions, stage, write_run};
pub use style::{Category, ColorRamp, Rgb, Style, UNREACHABLE_COLOR};

/// The type of a field: what GeoPackage declares and what decides how a
/// CSV cell is written (a number is never prefixed against formula
/// injection, a text is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Int,
    Real,
    Text,
    Bool,
}

/// A typed property value. Integers stay integers and reals stay reals
/// (a real is always written with a decimal point) so that GDAL and QGIS
/// infer the right field types; a missing value keeps its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Real(f64),
    Str(String),
    Bool(bool),
    /// No value, of this type.
    Null(FieldType),
}

impl Value {
    /// A real rounded to `decimals`, or a null real when absent or not
    /// finite.
    pub fn real(x: Option<f64>, decimals: i32) -> Value {
        match x {
            Some(v) if v.is_finite() => {
                let k = 10f64.powi(decimals);
                Value::Real((v * k).round() / k)
            }
            _ => Value::Null(FieldType::Real),
        }
    }

    pub fn opt_str(s: Option<&str>) -> Value {
        s.map_or(Value::Null(FieldType::Text), |s| Value::Str(s.to_string()))
    }

    pub fn opt_int(x: Option<i64>) -> Value {
        x.map_or(Value::Null(FieldType::Int), Value::Int)
    }

    /// The type of the value.
    pub fn field_type(&self) -> FieldType {
        match self {
            Value::Int(_) => FieldType::Int,
            Value::Real(_) => FieldType::Real,
            Value::Str(_) => FieldType::Text,
            Value::Bool(_) => FieldType::Bool,
            Value::Null(t) => *t,
        }
    }

    /// A real that is not a finite number: written as null everywhere
    /// (JSON has no NaN or infinity; a spreadsheet would read `inf` as text).
    fn non_finite(&self) -> bool {
        matches!(self, Value::Real(r) if !r.is_finite())
    }

    /// The value as CSV text (empty for null), before
    /// [`neutralise_cell`].
    pub fn to_csv(&self) -> String {
        match self {
            _ if self.non_finite() => String::new(),
            Value::Int(i) => i.to_string(),
            Value::Real(r) => format_real(*r),
            Value::Str(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Null(_) => String::new(),
        }
    }

    /// The value as JSON text.
    pub fn to_json(&self) -> String {
        match self {
            _ if self.non_finite() => "null".into(),
            Value::Int(i) => i.to_string(),
            Value::Real(r) => format_real(*r),
            Value::Str(s) => serde_json::Value::String(s.clone()).to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null(_) => "null".into(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_numbers_are_written_as_null() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(Value::Real(v).to_json(), "null");
            assert_eq!(Value::Real(v).to_csv(), "");
            assert_eq!(Value::real(Some(v), 2), Value::Null(FieldType::Real));
        }
        assert_eq!(Value::Real(-1.5).to_csv(), "-1.5");
        assert_eq!(Value::Real(2.0).to_json(), "2.0");
    }
}
