//! A layer described once: name, geometry kind, typed fields, features,
//! style, and the formats it is written in.

use super::geojson_out::{Feature, Geometry};
use super::style::Style;
use super::{FieldType, Record};
use crate::error::{Error, Result};

/// A file format of the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 7946 GeoJSON, the style beside it as `.qml`.
    GeoJson,
    /// One GeoPackage per run, styles inside.
    GeoPackage,
    /// A CSV of the fields, one row per feature.
    Csv,
}

/// A set of [`Format`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Formats {
    pub geojson: bool,
    pub gpkg: bool,
    pub csv: bool,
}

impl Formats {
    pub const NONE: Formats = Formats {
        geojson: false,
        gpkg: false,
        csv: false,
    };
    pub const ALL: Formats = Formats {
        geojson: true,
        gpkg: true,
        csv: true,
    };

    /// Parses `geojson,gpkg,csv` (any of them, any order).
    ///
    /// # Examples
    /// ```
    /// use medaccess::output::{Format, Formats};
    /// let f = Formats::parse("gpkg,csv").unwrap();
    /// assert!(f.has(Format::GeoPackage) && f.has(Format::Csv) && !f.has(Format::GeoJson));
    /// assert!(Formats::parse("shp").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Formats> {
        let mut f = Formats::NONE;
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_ascii_lowercase().as_str() {
                "geojson" | "json" => f.geojson = true,
                "gpkg" | "geopackage" => f.gpkg = true,
                "csv" => f.csv = true,
                other => {
                    return Err(Error::Invalid(format!(
                        "--format: `{other}` is not a format; give any of geojson, gpkg, csv (comma-separated)"
                    )));
                }
            }
        }
        if f.is_empty() {
            return Err(Error::Invalid(
                "--format: give any of geojson, gpkg, csv (comma-separated)".into(),
            ));
        }
        Ok(f)
    }

    pub fn has(&self, f: Format) -> bool {
        match f {
            Format::GeoJson => self.geojson,
            Format::GeoPackage => self.gpkg,
            Format::Csv => self.csv,
        }
    }

    /// The formats in both.
    pub fn and(self, o: Formats) -> Formats {
        Formats {
            geojson: self.geojson && o.geojson,
            gpkg: self.gpkg && o.gpkg,
            csv: self.csv && o.csv,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Formats::NONE
    }
}

/// The one kind of geometry of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    /// A table: no geometry.
    None,
    Point,
    MultiPolygon,
}

impl GeometryKind {
    /// The name GeoPackage gives it.
    pub fn gpkg_name(self) -> &'static str {
        match self {
            GeometryKind::None => "",
            GeometryKind::Point => "POINT",
            GeometryKind::MultiPolygon => "MULTIPOLYGON",
        }
    }
}

impl Geometry {
    /// Its kind; `None` for a missing geometry (which any layer may hold).
    pub fn kind(&self) -> Option<GeometryKind> {
        match self {
            Geometry::Point(_) => Some(GeometryKind::Point),
            Geometry::MultiPolygon(_) => Some(GeometryKind::MultiPolygon),
            Geometry::None => None,
        }
    }
}

/// A field of a layer: its name and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldType,
}

/// One layer of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// File stem and layer name (`maternity-access-64-2016`).
    pub name: String,
    /// The kind of every geometry (a feature may also have none).
    pub geometry: GeometryKind,
    /// The fields, in order; every feature's properties have these names
    /// and types.
    pub fields: Vec<Field>,
    pub features: Vec<Feature>,
    pub style: Option<Style>,
    /// The formats written when the run names none: the files medaccess
    /// has always written for this layer.
    pub default_formats: Formats,
    /// The formats it can be written in (a table has no GeoJSON).
    pub formats: Formats,
    /// The rows of other layers of the run gathered in one table (see
    /// [`split_by_geometry`]): never the reason a format is refused.
    pub copy: bool,
}

impl Layer {
    /// A layer of features whose geometries are all `geometry` (or
    /// missing), written as GeoJSON by default; fields from the first
    /// feature.
    pub fn map(name: impl Into<String>, geometry: GeometryKind, features: Vec<Feature>) -> Self {
        Layer {
            name: name.into(),
            geometry,
            fields: fields_of(features.first().map(|f| &f.properties)),
            features,
            style: None,
            default_formats: Formats {
                geojson: true,
                ..Formats::NONE
            },
            formats: Formats::ALL,
            copy: false,
        }
    }

    /// A table (no geometry), written as CSV by default.
    pub fn table(name: impl Into<String>, rows: Vec<Record>) -> Self {
        Layer {
            name: name.into(),
            geometry: GeometryKind::None,
            fields: fields_of(rows.first()),
            features: rows
                .into_iter()
                .map(|properties| Feature {
                    geometry: Geometry::None,
                    properties,
                })
                .collect(),
            style: None,
            default_formats: Formats {
                csv: true,
                ..Formats::NONE
            },
            formats: Formats {
                csv: true,
                gpkg: true,
                geojson: false,
            },
            copy: false,
        }
    }

    /// Also as CSV by default.
    pub fn with_csv(mut self) -> Self {
        self.default_formats.csv = true;
        self
    }

    /// With a style.
    pub fn styled(mut self, style: Style) -> Self {
        self.style = Some(style);
        self
    }

    /// Checks what the writers rely on: every feature has the layer's
    /// fields (names, order, types) and a geometry of its kind with finite
    /// coordinates.
    ///
    /// # Errors
    /// Names the layer, the feature and what is wrong.
    pub fn check(&self) -> Result<()> {
        for (k, f) in self.features.iter().enumerate() {
            let bad =
                |what: String| Error::Invalid(format!("layer {}, feature {}: {what}", self.name, k + 1));
            if f.properties.len() != self.fields.len() {
                return Err(bad(format!(
                    "{} fields where the layer has {}",
                    f.properties.len(),
                    self.fields.len()
                )));
            }
            for ((name, v), field) in f.properties.iter().zip(&self.fields) {
                if *name != field.name || v.field_type() != field.kind {
                    return Err(bad(format!(
                        "field {name} ({:?}) where the layer has {} ({:?})",
                        v.field_type(),
                        field.name,
                        field.kind
                    )));
                }
            }
            match f.geometry.kind() {
                Some(kind) if kind != self.geometry => {
                    return Err(bad(format!(
                        "a {kind:?} in a layer of {:?} (a layer never mixes geometry kinds)",
                        self.geometry
                    )));
                }
                _ => {}
            }
            if !f.geometry.is_finite() {
                return Err(bad("a coordinate is not a finite number".into()));
            }
        }
        Ok(())
    }
}

/// The fields of a record.
fn fields_of(r: Option<&Record>) -> Vec<Field> {
    r.map(|r| {
        r.iter()
            .map(|(name, v)| Field {
                name,
                kind: v.field_type(),
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The layers of features whose geometries may differ in kind: one layer
/// when they are all alike (`empty` when there is none); else, since QGIS
/// draws one kind per layer, polygons as `name`, points as `name-points`,
/// both drawn with `style`, and every row once more in one table `name`
/// for CSV (a spreadsheet wants every commune in one file). With `csv`,
/// the table is written as CSV by default.
///
/// Communes without a polygon are the points: a planner sees every commune
/// on the map (polygons where loaded, town halls elsewhere) and gets
/// polygons everywhere by loading them (`--communes-dir`).
pub fn split_by_geometry(
    name: &str,
    empty: GeometryKind,
    features: Vec<Feature>,
    style: Option<Style>,
    csv: bool,
) -> Vec<Layer> {
    let has = |k: GeometryKind| features.iter().any(|f| f.geometry.kind() == Some(k));
    let (polygons, points) = (has(GeometryKind::MultiPolygon), has(GeometryKind::Point));
    let finish = |mut l: Layer| {
        l.style = style.clone();
        l
    };
    if !(polygons && points) {
        let kind = if polygons {
            GeometryKind::MultiPolygon
        } else if points {
            GeometryKind::Point
        } else {
            empty
        };
        let mut l = finish(Layer::map(name, kind, features));
        l.default_formats.csv = csv;
        return vec![l];
    }
    let maps_only = Formats {
        csv: false,
        ..Formats::ALL
    };
    let (mut poly, mut pts) = (Vec::new(), Vec::new());
    for f in &features {
        match f.geometry.kind() {
            Some(GeometryKind::Point) => pts.push(f.clone()),
            _ => poly.push(f.clone()),
        }
    }
    let mut a = finish(Layer::map(name, GeometryKind::MultiPolygon, poly));
    let mut b = finish(Layer::map(format!("{name}-points"), GeometryKind::Point, pts));
    a.formats = maps_only;
    b.formats = maps_only;
    let mut table = Layer::table(name, features.into_iter().map(|f| f.properties).collect());
    table.formats = Formats {
        csv: true,
        ..Formats::NONE
    };
    table.default_formats.csv = csv;
    table.copy = true;
    vec![a, b, table]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Value;

    fn feature(g: Geometry, id: &str) -> Feature {
        Feature {
            geometry: g,
            properties: vec![
                ("insee", Value::Str(id.into())),
                ("minutes", Value::Null(FieldType::Real)),
            ],
        }
    }

    #[test]
    fn mixed_geometries_become_one_layer_per_kind_and_one_table() {
        let square = geo::MultiPolygon(vec![geo::Polygon::new(
            geo::LineString::from(vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.0, 0.0)]),
            vec![],
        )]);
        let feats = vec![
            feature(Geometry::MultiPolygon(square.clone()), "a"),
            feature(Geometry::Point([1.0, 2.0]), "b"),
            feature(Geometry::MultiPolygon(square), "c"),
        ];
        let layers = split_by_geometry("x", GeometryKind::Point, feats.clone(), None, true);
        let names: Vec<(&str, GeometryKind, usize)> = layers
            .iter()
            .map(|l| (l.name.as_str(), l.geometry, l.features.len()))
            .collect();
        assert_eq!(
            names,
            [
                ("x", GeometryKind::MultiPolygon, 2),
                ("x-points", GeometryKind::Point, 1),
                ("x", GeometryKind::None, 3)
            ]
        );
        for l in &layers {
            l.check().unwrap();
        }
        assert!(!layers[0].formats.csv && layers[2].default_formats.csv && layers[2].copy);
        // alike: one layer
        let one = split_by_geometry("y", GeometryKind::Point, feats[1..2].to_vec(), None, true);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].geometry, GeometryKind::Point);
        // a layer that mixes kinds is refused by check
        let mut bad = Layer::map("z", GeometryKind::Point, feats);
        bad.fields[1].kind = FieldType::Real;
        assert!(bad.check().unwrap_err().to_string().contains("never mixes"));
    }
}
