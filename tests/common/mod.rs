//! Helpers for the command-line tests: run the real binary, read outputs
//! with GDAL's ogrinfo (what QGIS uses underneath).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_medaccess"))
}

/// Runs the binary; returns (exit ok, stdout, stderr).
pub fn run(args: &[&str], envs: &[(&str, &str)]) -> (bool, String, String) {
    let mut c = bin();
    c.args(args);
    for (k, v) in envs {
        c.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().expect("the medaccess binary runs");
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// A fresh, empty temporary folder for one test.
pub fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("medaccess-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `ogrinfo -so -al FILE`. Fails the test (never skips) when GDAL is missing.
pub fn ogrinfo(path: &Path, extra: &[&str]) -> String {
    let out = Command::new("ogrinfo")
        .args(extra)
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!("GDAL's ogrinfo is needed to check outputs as QGIS reads them ({e}): apt-get install -y gdal-bin")
        });
    assert!(
        out.status.success(),
        "ogrinfo failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(rel)
}

/// Every file of a folder as (name, bytes), sorted by name.
pub fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// An integer column `key` of the one-row result of `ogrinfo -sql`.
pub fn sql_int(ogrinfo_output: &str, key: &str) -> i64 {
    ogrinfo_output
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{key} (")))
        .and_then(|l| l.split('=').nth(1))
        .map(|v| v.trim().parse::<i64>().unwrap())
        .unwrap_or_else(|| panic!("{key} in {ogrinfo_output}"))
}

/// The features of a GeoJSON file, parsed with the `geojson` crate (a
/// GDAL-free reading for the fresh-machine suite; `ogrinfo` checks the same
/// files as QGIS reads them in the full suite).
pub fn features(path: &Path) -> Vec<geojson::Feature> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match text.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(fc)) => fc.features,
        other => panic!("{} is not a FeatureCollection: {other:?}", path.display()),
    }
}

/// The geometry type names ("MultiPolygon", "Point", …) found in a layer.
pub fn geometry_types(features: &[geojson::Feature]) -> std::collections::BTreeSet<&'static str> {
    features
        .iter()
        .map(|f| match f.geometry.as_ref().map(|g| &g.value) {
            Some(geojson::GeometryValue::Point { .. }) => "Point",
            Some(geojson::GeometryValue::MultiPoint { .. }) => "MultiPoint",
            Some(geojson::GeometryValue::LineString { .. }) => "LineString",
            Some(geojson::GeometryValue::MultiLineString { .. }) => "MultiLineString",
            Some(geojson::GeometryValue::Polygon { .. }) => "Polygon",
            Some(geojson::GeometryValue::MultiPolygon { .. }) => "MultiPolygon",
            Some(geojson::GeometryValue::GeometryCollection { .. }) => "GeometryCollection",
            None => "None",
        })
        .collect()
}
