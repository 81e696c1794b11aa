//! What a run writes, described as data, and the one function that writes
//! it: every file of a run goes through [`write_run`], all together or not
//! at all.

use std::path::{Path, PathBuf};

use super::csv_out::csv_into;
use super::geojson_out::geojson_into;
use super::qml::qml_text;
use super::{Feature, Geometry, Record};
use crate::error::{Error, Result};
use crate::io::{FileFill, atomic_write_all};

/// A QGIS graduated style on one numeric field: one class per
/// `(lower, upper, label)`, written as `<name>.qml` beside the GeoJSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub field: &'static str,
    pub classes: Vec<(f64, f64, String)>,
    /// Fill symbols (polygons) rather than markers (points).
    pub polygons: bool,
}

/// One layer of a run: features with typed properties, written as
/// `<name>.geojson` (with `<name>.qml` when styled) and/or `<name>.csv`
/// (the properties, one row per feature).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// File stem and layer name (`maternity-access-64-2016`).
    pub name: String,
    pub features: Vec<Feature>,
    pub geojson: bool,
    pub csv: bool,
    pub style: Option<Style>,
}

impl Layer {
    /// A GeoJSON layer, no CSV, no style.
    pub fn geojson(name: impl Into<String>, features: Vec<Feature>) -> Self {
        Layer {
            name: name.into(),
            features,
            geojson: true,
            csv: false,
            style: None,
        }
    }

    /// A table written as CSV only.
    pub fn table(name: impl Into<String>, rows: Vec<Record>) -> Self {
        Layer {
            name: name.into(),
            features: rows
                .into_iter()
                .map(|properties| Feature {
                    geometry: Geometry::None,
                    properties,
                })
                .collect(),
            geojson: false,
            csv: true,
            style: None,
        }
    }

    /// Also as CSV.
    pub fn with_csv(mut self) -> Self {
        self.csv = true;
        self
    }

    /// With a style.
    pub fn styled(mut self, style: Style) -> Self {
        self.style = Some(style);
        self
    }

    /// Whether any feature is a polygon (the style then fills).
    pub fn has_polygons(&self) -> bool {
        self.features
            .iter()
            .any(|f| matches!(f.geometry, Geometry::MultiPolygon(_)))
    }

    /// The files this layer writes in `dir`, in writing order: GeoJSON,
    /// style, CSV.
    pub fn files(&self, dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if self.geojson {
            out.push(dir.join(format!("{}.geojson", self.name)));
            if self.style.is_some() {
                out.push(dir.join(format!("{}.qml", self.name)));
            }
        }
        if self.csv {
            out.push(dir.join(format!("{}.csv", self.name)));
        }
        out
    }
}

/// A file of a run that is not a layer: a summary, a list of warnings, a
/// chart, a report. `path` is used as given (relative to the working
/// folder, or absolute).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Writes every layer of a run into `dir` and every document at its path,
/// all together or not at all ([`crate::io::atomic_write_all`]); returns
/// the files in writing order (each layer's [`Layer::files`], then the
/// documents).
///
/// # Errors
/// A file that cannot be written (nothing is then written), or two outputs
/// on the same path.
pub fn write_run(dir: &Path, layers: &[Layer], documents: &[Document]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut files: Vec<FileFill<'_>> = Vec::new();
    for layer in layers {
        let mut paths = layer.files(dir).into_iter();
        if layer.geojson {
            let path = paths.next().unwrap_or_default();
            let p = path.clone();
            files.push((
                path,
                Box::new(move |w| geojson_into(w, &p, &layer.name, &layer.features)),
            ));
            if let Some(style) = &layer.style {
                let text = qml_text(style.field, &style.classes, style.polygons);
                let path = paths.next().unwrap_or_default();
                let p = path.clone();
                files.push((
                    path,
                    Box::new(move |w| {
                        use std::io::Write;
                        w.write_all(text.as_bytes()).map_err(|e| Error::io(&p, e))
                    }),
                ));
            }
        }
        if layer.csv {
            let path = paths.next().unwrap_or_default();
            let p = path.clone();
            files.push((
                path,
                Box::new(move |w| {
                    let rows: Vec<&Record> = layer.features.iter().map(|f| &f.properties).collect();
                    csv_into(w, &p, &rows)
                }),
            ));
        }
    }
    for d in documents {
        let p = d.path.clone();
        files.push((
            d.path.clone(),
            Box::new(move |w| {
                use std::io::Write;
                w.write_all(&d.bytes).map_err(|e| Error::io(&p, e))
            }),
        ));
    }
    let written: Vec<PathBuf> = files.iter().map(|f| f.0.clone()).collect();
    atomic_write_all(files)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Value;

    #[test]
    fn a_run_is_written_all_together_or_not_at_all() {
        let dir = std::env::temp_dir().join(format!("medaccess-layers-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let f = Feature {
            geometry: Geometry::Point([-0.37, 43.29]),
            properties: vec![("minutes", Value::Real(12.5))],
        };
        let layer = Layer::geojson("pau", vec![f]).with_csv().styled(Style {
            field: "minutes",
            classes: vec![(0.0, 10.0, "0-10 min".into())],
            polygons: false,
        });
        let doc = Document {
            path: dir.join("pau-summary.txt"),
            bytes: b"one\n".to_vec(),
        };
        let written = write_run(&dir, std::slice::from_ref(&layer), std::slice::from_ref(&doc)).unwrap();
        let names: Vec<String> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["pau.geojson", "pau.qml", "pau.csv", "pau-summary.txt"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("pau.csv")).unwrap(),
            "minutes\n12.5\n"
        );
        // A document on a path that cannot be a file: nothing of the second
        // run is written, the first run's files are untouched.
        let again = Layer::table("other", vec![vec![("n", Value::Int(1))]]);
        let bad = Document {
            path: dir.join("pau.csv").join("not-a-folder.txt"),
            bytes: vec![],
        };
        assert!(write_run(&dir, &[again], &[bad]).is_err());
        assert!(!dir.join("other.csv").exists());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 4);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
