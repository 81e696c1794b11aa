//! The files of a run as one transaction: [`stage`] fills every file into
//! an exclusive temporary file beside it ([`crate::io::TempFile`]) and
//! syncs it; [`Staged::commit`] renames them all into place; dropping a
//! [`Staged`] (an error, a panic, a failure to print the summary) removes
//! them. Before anything is written, every file name is checked against a
//! strict pattern, and no output may be a file the run read.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::crs::OutputCrs;
use super::csv_out::csv_into;
use super::geojson_out::geojson_into;
use super::gpkg::write_gpkg;
use super::layer::{Formats, GeometryKind, Layer};
use super::names::is_safe_file_name;
use super::qml::qml_text;
use crate::error::{Error, Result};
use crate::io::{FileId, TempFile, parent_dir, remove_stale_temporaries, temp_name};

/// Where a [`Document`] goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A file of this name in the output folder (checked with
    /// [`is_safe_file_name`]).
    Out(String),
    /// A path the user chose (`--report FILE`).
    Path(PathBuf),
}

/// A file of a run that is not a layer: a summary, a list of warnings, a
/// chart, a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub target: Target,
    pub bytes: Vec<u8>,
}

impl Document {
    /// A document named `name` in the output folder.
    pub fn named(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Document {
            target: Target::Out(name.into()),
            bytes,
        }
    }

    /// A document at a path the user chose.
    pub fn at(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Self {
        Document {
            target: Target::Path(path.into()),
            bytes,
        }
    }
}

/// How and where a run is written.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteOptions {
    /// The output folder (`--out`): every layer and named document goes
    /// there, nowhere else.
    pub dir: PathBuf,
    /// The run's name: the GeoPackage is `<name>.gpkg`.
    pub name: String,
    /// The formats asked (`--format`); `None`: each layer's defaults.
    pub formats: Option<Formats>,
    pub crs: OutputCrs,
    /// The files the run read: an output that is one of them is refused.
    pub inputs: Vec<PathBuf>,
    /// The run's record (JSON), also stored in the GeoPackage as its
    /// dataset metadata.
    pub record: Option<String>,
}

impl WriteOptions {
    /// Each layer's default formats, in WGS84, into `dir`.
    pub fn new(dir: impl Into<PathBuf>, name: impl Into<String>) -> Self {
        WriteOptions {
            dir: dir.into(),
            name: name.into(),
            formats: None,
            crs: OutputCrs::Wgs84,
            inputs: Vec::new(),
            record: None,
        }
    }

    /// The formats `layer` is written in.
    fn formats_of(&self, layer: &Layer) -> Formats {
        match self.formats {
            None => layer.default_formats,
            Some(f) => f.and(layer.formats),
        }
    }

    /// The files `layers` are written to outside the GeoPackage (GeoJSON,
    /// style, CSV), in writing order.
    pub fn files(&self, layers: &[Layer]) -> Vec<PathBuf> {
        plan_layers(self, layers).into_iter().map(|(p, _)| p).collect()
    }

    /// The GeoPackage of the run, when GeoPackage is asked for.
    pub fn gpkg(&self) -> Option<PathBuf> {
        self.formats
            .is_some_and(|f| f.gpkg)
            .then(|| self.dir.join(format!("{}.gpkg", self.name)))
    }
}

/// What fills one file.
enum Content<'a> {
    GeoJson(&'a Layer),
    Qml(&'a Layer),
    Csv(&'a Layer),
    GeoPackage(Vec<&'a Layer>),
    Bytes(&'a [u8]),
}

fn plan_layers<'a>(opts: &WriteOptions, layers: &'a [Layer]) -> Vec<(PathBuf, Content<'a>)> {
    let mut plan = Vec::new();
    for layer in layers {
        let f = opts.formats_of(layer);
        let file = |ext: &str| opts.dir.join(format!("{}.{ext}", layer.name));
        if f.geojson && layer.geometry != GeometryKind::None {
            plan.push((file("geojson"), Content::GeoJson(layer)));
            if layer.style.is_some() {
                plan.push((file("qml"), Content::Qml(layer)));
            }
        }
        if f.csv {
            plan.push((file("csv"), Content::Csv(layer)));
        }
    }
    plan
}

/// A run staged into complete temporary files, waiting for
/// [`Staged::commit`]; dropped, it removes them and leaves every output as
/// it was.
#[derive(Debug)]
pub struct Staged {
    files: Vec<(TempFile, PathBuf)>,
    /// What a user should read about the files (features far from where
    /// the output CRS is true).
    pub notes: Vec<String>,
}

/// Writes every layer of a run and every document into complete, synced
/// temporary files; nothing is in place until [`Staged::commit`].
///
/// Layers go into `opts.dir` in the formats asked (each layer's defaults
/// when none is): `<layer>.geojson` (with `<layer>.qml` when styled),
/// `<layer>.csv`, and every layer in `<name>.gpkg`.
///
/// # Errors
/// Nothing is written when: a layer or document name is not a safe file
/// name ([`is_safe_file_name`]); a layer is inconsistent
/// ([`Layer::check`]); a format asked cannot hold a layer and no other
/// format asked can (a table as GeoJSON); two outputs share a path; an
/// output is a folder or a file the run read (same file, through any
/// link); a file cannot be written.
pub fn stage(opts: &WriteOptions, layers: &[Layer], documents: &[Document]) -> Result<Staged> {
    for layer in layers {
        if !is_safe_file_name(&layer.name) {
            return Err(Error::Invalid(format!(
                "`{}` cannot be a file name (letters, digits, '.', '_' and '-' only, no '..'): \
                 a value in the inputs made it (a département code of the commune graph?)",
                layer.name
            )));
        }
        layer.check()?;
        if let Some(f) = opts.formats
            && !layer.copy
            && opts.formats_of(layer).is_empty()
        {
            let asked: Vec<&str> = [("geojson", f.geojson), ("gpkg", f.gpkg), ("csv", f.csv)]
                .iter()
                .filter(|x| x.1)
                .map(|x| x.0)
                .collect();
            return Err(Error::Invalid(format!(
                "--format {}: layer {} is a table (no geometry), which GeoJSON cannot hold; add csv or gpkg",
                asked.join(","),
                layer.name
            )));
        }
    }
    let mut plan = plan_layers(opts, layers);
    if let Some(path) = opts.gpkg() {
        if !is_safe_file_name(&opts.name) {
            return Err(Error::Invalid(format!(
                "`{}.gpkg` cannot be a file name",
                opts.name
            )));
        }
        let in_gpkg: Vec<&Layer> = layers.iter().filter(|l| opts.formats_of(l).gpkg).collect();
        plan.push((path, Content::GeoPackage(in_gpkg)));
    }
    for d in documents {
        let path = match &d.target {
            Target::Out(name) if is_safe_file_name(name) => opts.dir.join(name),
            Target::Out(name) => {
                return Err(Error::Invalid(format!("`{name}` cannot be a file name")));
            }
            Target::Path(p) => p.clone(),
        };
        plan.push((path, Content::Bytes(&d.bytes)));
    }
    check_targets(opts, &plan)?;

    let proj = opts.crs.projector()?;
    let mut notes = Vec::new();
    if opts.crs != OutputCrs::Wgs84 {
        let outside = layers
            .iter()
            .filter(|l| !l.copy && l.geometry != GeometryKind::None)
            .flat_map(|l| &l.features)
            .filter(|f| !covered(opts.crs, &f.geometry))
            .count();
        if outside > 0 {
            notes.push(format!(
                "{outside} features lie outside the area of EPSG:{} (mainland France and Corsica): \
                 written, but the projection is not true there (overseas sites, for instance)",
                opts.crs.epsg()
            ));
        }
    }
    let mut files = Vec::with_capacity(plan.len());
    for (path, content) in plan {
        let mut tmp = TempFile::new_for(&path)?;
        match content {
            Content::GeoPackage(ls) => write_gpkg(tmp.path(), &ls, opts.crs, &proj, opts.record.as_deref())?,
            content => {
                let mut w = BufWriter::new(tmp.file());
                match content {
                    Content::GeoJson(l) => {
                        geojson_into(&mut w, &path, &l.name, &l.features, &proj, opts.crs)?
                    }
                    Content::Qml(l) => {
                        if let Some(s) = &l.style {
                            w.write_all(qml_text(s, l.geometry).as_bytes())
                                .map_err(|e| Error::io(&path, e))?;
                        }
                    }
                    Content::Csv(l) => csv_into(&mut w, &path, l)?,
                    Content::Bytes(b) => w.write_all(b).map_err(|e| Error::io(&path, e))?,
                    Content::GeoPackage(_) => unreachable!("written above"),
                }
                w.flush().map_err(|e| Error::io(&path, e))?;
            }
        }
        tmp.sync()?;
        files.push((tmp, path));
    }
    Ok(Staged { files, notes })
}

/// Whether a geometry lies where `crs` is true (its first point).
fn covered(crs: OutputCrs, g: &super::Geometry) -> bool {
    match g {
        super::Geometry::Point([x, y]) => crs.covers(*x, *y),
        super::Geometry::MultiPolygon(mp) => {
            mp.0.first()
                .and_then(|p| p.exterior().0.first())
                .is_none_or(|c| crs.covers(c.x, c.y))
        }
        super::Geometry::None => true,
    }
}

/// The checks made before anything is written: folders made, stale
/// temporary files of killed runs removed, no output twice, none a folder,
/// none a file the run read.
fn check_targets(opts: &WriteOptions, plan: &[(PathBuf, Content<'_>)]) -> Result<()> {
    if opts.dir.exists() && !opts.dir.is_dir() {
        return Err(Error::Invalid(format!(
            "--out {}: not a folder (a file or a device of that name exists); name a folder for the outputs",
            opts.dir.display()
        )));
    }
    std::fs::create_dir_all(&opts.dir).map_err(|e| Error::io(&opts.dir, e))?;
    let inputs: Vec<(PathBuf, FileId)> = opts
        .inputs
        .iter()
        .filter_map(|p| FileId::of(p).map(|id| (p.clone(), id)))
        .collect();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut dirs: HashSet<PathBuf> = HashSet::new();
    for (path, _) in plan {
        let dir = parent_dir(path);
        if dirs.insert(dir.clone()) {
            std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            remove_stale_temporaries(&dir);
        }
        let canonical = std::fs::canonicalize(&dir)
            .map_err(|e| Error::io(&dir, e))?
            .join(path.file_name().unwrap_or_default());
        if !seen.insert(canonical) {
            return Err(Error::format(path, "written twice by the same run"));
        }
        if path.is_dir() {
            return Err(Error::format(path, "is a folder: choose another output name"));
        }
        if let Some(id) = FileId::of(path)
            && let Some((input, _)) = inputs.iter().find(|(_, i)| *i == id)
        {
            return Err(Error::format(
                path,
                format!(
                    "is an input of this run ({}): refusing to overwrite it; choose another --out or --report",
                    input.display()
                ),
            ));
        }
    }
    Ok(())
}

impl Staged {
    /// Every file of the run, in writing order.
    pub fn files(&self) -> Vec<&Path> {
        self.files.iter().map(|(_, p)| p.as_path()).collect()
    }

    /// Renames every temporary file into place. Should a rename fail
    /// half-way (the output folder made read-only meanwhile), the files
    /// already renamed are put back as they were: the previous run's
    /// files, or none.
    ///
    /// # Errors
    /// The rename that failed.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        let files = std::mem::take(&mut self.files);
        let mut failed = None;
        for (tmp, path) in files {
            // Keep the previous file under a temporary name (a hard link:
            // no copy) until the whole run is in place.
            let backup = std::fs::symlink_metadata(&path).ok().and_then(|_| {
                let b = parent_dir(&path).join(temp_name(&path.file_name()?.to_string_lossy()));
                std::fs::hard_link(&path, &b).ok().map(|_| b)
            });
            match tmp.persist(&path) {
                Ok(()) => done.push((path, backup)),
                Err(e) => {
                    if let Some(b) = backup {
                        let _ = std::fs::remove_file(b);
                    }
                    failed = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failed {
            for (path, backup) in done.iter().rev() {
                let _ = match backup {
                    Some(b) => std::fs::rename(b, path),
                    None => std::fs::remove_file(path),
                };
            }
            return Err(e);
        }
        for (_, backup) in &done {
            if let Some(b) = backup {
                let _ = std::fs::remove_file(b);
            }
        }
        Ok(done.into_iter().map(|(p, _)| p).collect())
    }
}

/// Stages and commits a run at once ([`stage`], [`Staged::commit`]).
pub fn write_run(opts: &WriteOptions, layers: &[Layer], documents: &[Document]) -> Result<Vec<PathBuf>> {
    stage(opts, layers, documents)?.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Feature, FieldType, Geometry, Style, Value};

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("medaccess-run-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn pau() -> Layer {
        let f = Feature {
            geometry: Geometry::Point([-0.37, 43.29]),
            properties: vec![
                ("minutes", Value::Real(12.5)),
                ("band", Value::Null(FieldType::Text)),
            ],
        };
        Layer::map("pau", GeometryKind::Point, vec![f])
            .with_csv()
            .styled(Style::Single {
                label: "Pau".into(),
                color: (0, 0, 0),
            })
    }

    #[test]
    fn a_run_is_written_all_together_or_not_at_all() {
        let dir = tmp("all");
        let opts = WriteOptions::new(&dir, "pau");
        let doc = Document::named("pau-summary.txt", b"one\n".to_vec());
        let written = write_run(&opts, &[pau()], std::slice::from_ref(&doc)).unwrap();
        let names: Vec<String> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["pau.geojson", "pau.qml", "pau.csv", "pau-summary.txt"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("pau.csv")).unwrap(),
            "minutes,band\n12.5,\n"
        );
        // A document on a path that cannot be a file: nothing of the second
        // run is written, the first run's files are untouched.
        let again = Layer::table("other", vec![vec![("n", Value::Int(1))]]);
        let bad = Document::at(dir.join("pau.csv").join("not-a-folder.txt"), vec![]);
        assert!(write_run(&opts, std::slice::from_ref(&again), &[bad]).is_err());
        assert!(!dir.join("other.csv").exists());
        // Staged and dropped (a failure after the writes): nothing changes.
        let staged = stage(&opts, &[again], &[]).unwrap();
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            5,
            "a temporary file beside the outputs"
        );
        drop(staged);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 4);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unsafe_names_and_inputs_are_refused_before_any_write() {
        let dir = tmp("refuse");
        let mut l = pau();
        l.name = "pau-../../ESCAPED".into();
        let opts = WriteOptions::new(&dir, "pau");
        let e = write_run(&opts, &[l], &[]).unwrap_err().to_string();
        assert!(
            e.contains("ESCAPED") && e.contains("cannot be a file name"),
            "{e}"
        );
        // an input of the run, reached through a link
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("facilities.csv");
        std::fs::write(&input, b"id\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&input, dir.join("pau.csv")).unwrap();
        #[cfg(not(unix))]
        std::fs::copy(&input, dir.join("pau.csv")).unwrap();
        let opts = WriteOptions {
            inputs: vec![input.clone()],
            ..WriteOptions::new(&dir, "pau")
        };
        let e = write_run(&opts, &[pau()], &[]).unwrap_err().to_string();
        #[cfg(unix)]
        assert!(e.contains("is an input of this run"), "{e}");
        assert_eq!(std::fs::read(&input).unwrap(), b"id\n");
        assert!(!dir.join("pau.geojson").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn formats_asked_and_tables_without_geometry() {
        let dir = tmp("formats");
        let opts = WriteOptions {
            formats: Some(Formats::parse("gpkg,csv").unwrap()),
            ..WriteOptions::new(&dir, "run")
        };
        let table = Layer::table("t", vec![vec![("n", Value::Int(1))]]);
        let written = write_run(&opts, &[pau(), table.clone()], &[]).unwrap();
        let names: Vec<String> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["pau.csv", "t.csv", "run.gpkg"]);
        let geojson_only = WriteOptions {
            formats: Some(Formats::parse("geojson").unwrap()),
            ..WriteOptions::new(&dir, "run")
        };
        let e = write_run(&geojson_only, &[table], &[]).unwrap_err().to_string();
        assert!(e.contains("add csv or gpkg"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
