#![cfg(feature = "full-suite")]
//! Every layer of every command opened in real QGIS (PyQGIS 3.22, headless:
//! `tests/qgis/check_layers.py`), the GeoJSON with its `.qml` and every
//! layer of the GeoPackage with the style stored in it, as QGIS opens them
//! by default; then checked here: feature count, CRS, one geometry type per
//! layer and per feature, a style (never QGIS's random single symbol), every
//! feature given a class (unreachable communes included), the legend labels
//! the style was written with, and every class that has features painted in
//! its colour when the layer is rendered offscreen.
//!
//! Needs `apt-get install --no-install-recommends python3-qgis
//! qgis-providers` (`.ci/run` installs them when missing); fails, never
//! skips, without them.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{OLORON_SCENARIO, README_ACCESS, run, then, tmp};
use serde_json::Value;

/// The Python that has PyQGIS: Debian's (`python3-qgis` installs into it,
/// not into a pyenv or venv first on PATH); `MEDACCESS_QGIS_PYTHON`
/// overrides.
fn python() -> String {
    std::env::var("MEDACCESS_QGIS_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

/// What QGIS sees of every layer of `files`.
fn qgis(files: &[PathBuf]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/qgis/check_layers.py");
    let out = Command::new(python())
        .arg(&script)
        .args(files)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .unwrap_or_else(|e| panic!("{} cannot run ({e}): apt-get install python3", python()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "PyQGIS failed (apt-get install --no-install-recommends python3-qgis qgis-providers): {stderr}"
    );
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("check_layers.py said no JSON ({e}): {stderr}"));
    v.as_array().unwrap().clone()
}

/// The legend labels a `.qml` was written with, in order (the `label`
/// attributes of its categories or rules).
fn qml_labels(qml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in qml.split(" label=\"").skip(1) {
        let raw = part.split('"').next().unwrap();
        out.push(
            raw.replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
    }
    out
}

/// One layer as QGIS saw it, with accessors.
struct Seen<'a>(&'a Value);

impl Seen<'_> {
    fn name(&self) -> &str {
        self.0["name"].as_str().unwrap()
    }
    fn source(&self) -> &str {
        self.0["source"].as_str().unwrap()
    }
    fn count(&self, field: &str, key: &str) -> u64 {
        self.0[field][key].as_u64().unwrap_or(0)
    }
    fn labels(&self) -> Vec<String> {
        self.0["labels"]
            .as_array()
            .map(|a| a.iter().map(|l| l.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    }
}

/// What a layer must be, beside what every layer must be.
struct Expect {
    features: usize,
    crs: &'static str,
    /// `Point` or `MultiPolygon`; `None`: a table.
    geometry: Option<&'static str>,
    /// The labels of its style (from the `.qml` written beside the GeoJSON).
    labels: Vec<String>,
}

/// Checks one layer; returns it for further checks.
fn check<'a>(seen: &'a Value, e: &Expect) -> Seen<'a> {
    let s = Seen(seen);
    let at = format!("{} in {}", s.name(), s.source());
    assert_eq!(seen["valid"], true, "{at}: QGIS cannot open it: {seen}");
    assert_eq!(
        seen["features"].as_u64(),
        Some(e.features as u64),
        "{at}: feature count"
    );
    let Some(geometry) = e.geometry else {
        assert!(
            seen["crs"].is_null() && seen["renderer"].is_null(),
            "{at}: a table: {seen}"
        );
        return s;
    };
    assert_eq!(seen["crs"], e.crs, "{at}: CRS");
    // One geometry type: the layer's, and every feature's.
    assert_eq!(seen["wkb"], geometry, "{at}: layer geometry type");
    let types: BTreeMap<String, Value> = serde_json::from_value(seen["feature_types"].clone()).unwrap();
    assert!(
        types.keys().all(|t| t == geometry),
        "{at}: features of other geometry types: {types:?}"
    );
    // Styled as written, every feature in exactly one class.
    assert!(
        seen["renderer"] == "categorizedSymbol" || seen["renderer"] == "RuleRenderer",
        "{at}: not the written style: {}",
        seen["renderer"]
    );
    assert_eq!(s.labels(), e.labels, "{at}: legend labels");
    assert_eq!(
        seen["unclassed"], 0,
        "{at}: features drawn by no symbol: {}",
        seen["unclassed_fids"]
    );
    let per: BTreeMap<String, u64> = serde_json::from_value(seen["per_label"].clone()).unwrap();
    assert_eq!(
        per.values().sum::<u64>(),
        e.features as u64,
        "{at}: every feature in exactly one class: {per:?}"
    );
    // Rendered: every class that has features is painted in its colour.
    for (label, n) in &per {
        if *n > 0 {
            assert!(
                s.count("pixels_per_label", label) > 0,
                "{at}: {n} features of class {label:?} but no pixel of its colour rendered: {}",
                seen["pixels_per_label"]
            );
        }
    }
    s
}

/// The features of a GeoJSON and the labels of its `.qml`.
fn expect_geojson(path: &Path, crs: &'static str) -> (Expect, Vec<geojson::Feature>) {
    let features = common::features(path);
    let kind = |f: &geojson::Feature| match f.geometry.as_ref().map(|g| &g.value) {
        Some(geojson::GeometryValue::Point { .. }) => Some("Point"),
        Some(geojson::GeometryValue::MultiPolygon { .. }) => Some("MultiPolygon"),
        Some(_) => panic!("{}: a geometry neither Point nor MultiPolygon", path.display()),
        None => None,
    };
    let geometry = features.iter().find_map(kind);
    let qml = path.with_extension("qml");
    let text = std::fs::read_to_string(&qml)
        .unwrap_or_else(|e| panic!("{}: every map layer has its style beside it ({e})", qml.display()));
    (
        Expect {
            features: features.len(),
            crs,
            geometry: Some(geometry.unwrap_or("MultiPolygon")),
            labels: qml_labels(&text),
        },
        features,
    )
}

fn csv_rows(path: &Path) -> usize {
    csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .records()
        .count()
}

/// Runs a command writing GeoJSON, GeoPackage and CSV into a fresh folder;
/// returns the folder.
fn medaccess(name: &str, args: &[&str], crs: &str) -> PathBuf {
    let dir = tmp(&format!("qgis-{name}"));
    let all = then(
        args,
        &[
            "--format",
            "geojson,gpkg,csv",
            "--crs",
            crs,
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    let (ok, _, stderr) = run(&all, &[]);
    assert!(ok, "{args:?}: {stderr}");
    dir
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

/// Every GeoJSON of `dir` and every layer of its GeoPackage opened in
/// QGIS and checked; the GeoPackage holds the same layers, counts and
/// styles as the GeoJSON files, plus the tables (as their CSV). Returns
/// what QGIS saw of each GeoJSON layer, by name.
fn check_run(dir: &Path, crs: &'static str) -> BTreeMap<String, (Value, Vec<geojson::Feature>)> {
    let geojsons = files(dir, "geojson");
    let gpkgs = files(dir, "gpkg");
    assert_eq!(gpkgs.len(), 1, "one GeoPackage per run in {}", dir.display());
    let mut all = geojsons.clone();
    all.extend(gpkgs.iter().cloned());
    let seen = qgis(&all);
    let mut by_name: BTreeMap<String, (Value, Vec<geojson::Feature>)> = BTreeMap::new();
    let mut expected: BTreeMap<String, Expect> = BTreeMap::new();
    for path in &geojsons {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let (e, feats) = expect_geojson(path, crs);
        let s = seen
            .iter()
            .find(|s| s["source"] == path.to_str().unwrap())
            .unwrap_or_else(|| panic!("{}: not opened", path.display()));
        check(s, &e);
        by_name.insert(name.clone(), (s.clone(), feats));
        expected.insert(name, e);
    }
    let in_gpkg: Vec<&Value> = seen
        .iter()
        .filter(|s| s["source"].as_str().unwrap().ends_with(".gpkg"))
        .collect();
    for s in &in_gpkg {
        let name = s["name"].as_str().unwrap();
        match expected.get(name) {
            Some(e) => {
                check(s, e);
            }
            None => {
                // a table: as many rows as its CSV
                let rows = csv_rows(&dir.join(format!("{name}.csv")));
                check(
                    s,
                    &Expect {
                        features: rows,
                        crs,
                        geometry: None,
                        labels: vec![],
                    },
                );
            }
        }
    }
    for name in expected.keys() {
        assert!(
            in_gpkg.iter().any(|s| s["name"] == name.as_str()),
            "layer {name} missing from the GeoPackage"
        );
    }
    by_name
}

/// Features whose `band` is `unreachable`.
fn unreachable(feats: &[geojson::Feature]) -> u64 {
    feats
        .iter()
        .filter(|f| f.properties.as_ref().unwrap()["band"] == "unreachable")
        .count() as u64
}

#[test]
fn access_64_as_readme_runs_it() {
    let dir = medaccess("access-64", &README_ACCESS, "4326");
    let layers = check_run(&dir, "EPSG:4326");
    let names: Vec<&str> = layers.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "maternity-access-64-2016",
            "maternity-access-64-2016-facilities",
            "maternity-access-64-2017",
            "maternity-access-64-2017-facilities"
        ]
    );
    let (seen, _) = &layers["maternity-access-64-2016"];
    assert_eq!(seen["features"], 545);
    assert_eq!(
        Seen(seen).labels(),
        [
            "0-10 min",
            "10-20 min",
            "20-30 min",
            "30-40 min",
            "40-45 min",
            "45-60 min",
            ">60 min",
            "injoignable"
        ]
    );
    // Oloron closed in 2017: some communes 2017 are in the farthest class
    let (seen17, _) = &layers["maternity-access-64-2017"];
    assert!(Seen(seen17).count("per_label", ">60 min") > Seen(seen).count("per_label", ">60 min"));
    assert_eq!(
        Seen(&layers["maternity-access-64-2016-facilities"].0).labels(),
        ["maternités (DREES 2016)"]
    );
}

#[test]
fn access_region_75_mixes_no_geometry_types_and_draws_unreachable_communes() {
    // Nouvelle-Aquitaine: polygons shipped for 64 and 40 only, town halls
    // elsewhere; the Île d'Aix (17004) has no road to the mainland.
    let dir = medaccess(
        "access-r75",
        &["access", "--region", "75", "--year", "2023"],
        "4326",
    );
    let layers = check_run(&dir, "EPSG:4326");
    let (poly, pf) = &layers["maternity-access-r75-2023"];
    let (pts, ptf) = &layers["maternity-access-r75-2023-points"];
    assert_eq!(poly["wkb"], "MultiPolygon");
    assert_eq!(pts["wkb"], "Point");
    let communes = csv_rows(&dir.join("maternity-access-r75-2023.csv"));
    assert_eq!(pf.len() + ptf.len(), communes, "every commune on the map, once");
    assert!(communes > 4000, "{communes}");
    let gone = unreachable(pf) + unreachable(ptf);
    assert!(gone >= 1, "the Île d'Aix is unreachable by road");
    let drawn = Seen(poly).count("per_label", "injoignable") + Seen(pts).count("per_label", "injoignable");
    assert_eq!(drawn, gone, "every unreachable commune drawn in the grey class");
    let painted = Seen(poly).count("pixels_per_label", "injoignable")
        + Seen(pts).count("pixels_per_label", "injoignable");
    assert!(painted > 0);
}

#[test]
fn access_in_lambert_93() {
    let dir = medaccess(
        "access-2154",
        &["access", "--dep", "64", "--year", "2023"],
        "2154",
    );
    let layers = check_run(&dir, "EPSG:2154");
    assert_eq!(layers["maternity-access-64-2023"].0["features"], 545);
}

#[test]
fn planner_commands() {
    let runs: [(&str, &[&str]); 5] = [
        ("scenario", &OLORON_SCENARIO),
        ("rank", &["rank", "--dep", "64", "--year", "2016"]),
        ("site", &["site", "--dep", "64", "--year", "2017", "--add", "2"]),
        ("catchments", &["catchments", "--dep", "64", "--year", "2023"]),
        ("isochrones", &["isochrones", "--dep", "64", "--year", "2023"]),
    ];
    for (name, args) in runs {
        let dir = medaccess(name, args, "4326");
        let layers = check_run(&dir, "EPSG:4326");
        match name {
            "scenario" => {
                let (seen, feats) = &layers["scenario-64-2016-close-640000410-changed"];
                assert_eq!(seen["features"].as_u64(), Some(feats.len() as u64));
                assert!(
                    feats.len() > 100,
                    "the Oloron closure changes over a hundred communes"
                );
                assert!(Seen(seen).count("per_label", "+20–30 min") > 0);
            }
            "rank" => assert!(layers.is_empty(), "rank writes a table"),
            "site" => assert_eq!(layers["sites-64-2017"].0["features"], 2),
            "catchments" => {
                let (seen, feats) = &layers["catchments-64-2023"];
                // one class per catchment, labelled with the facility
                assert_eq!(Seen(seen).labels().len(), feats.len());
                assert!(
                    Seen(seen)
                        .labels()
                        .iter()
                        .any(|l| l.contains("OLORON") || l.contains("PAU"))
                );
            }
            "isochrones" => {
                let (seen, _) = &layers["isochrones-64-2023"];
                assert!(Seen(seen).labels().contains(&"injoignable".to_string()));
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn history_and_gp() {
    let dir = medaccess("history", &["history", "--dep", "64"], "4326");
    let layers = check_run(&dir, "EPSG:4326");
    assert!(layers.is_empty(), "history writes a table and a chart");
    let dir = medaccess("gp", &["gp", "--dep", "64,65"], "4326");
    let layers = check_run(&dir, "EPSG:4326");
    let (seen, _) = &layers["gp-access-64-65"];
    assert_eq!(seen["features"], 1014);
    assert_eq!(seen["renderer"], "RuleRenderer");
    assert_eq!(
        Seen(seen).labels().len(),
        6,
        "five ranges and the communes without a value"
    );
}

/// Decoded RGBA pixels of a PNG and its size.
fn pixels(path: &Path) -> (u32, u32, Vec<u8>) {
    let d = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    ));
    let mut r = d.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let rgba: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf.chunks(3).flat_map(|c| [c[0], c[1], c[2], 255]).collect(),
        t => panic!("{}: colour type {t:?}", path.display()),
    };
    (info.width, info.height, rgba)
}

#[test]
fn docs_pictures_are_what_the_script_renders_today() {
    let dir = tmp("qgis-docs");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(root.join("scripts/render-qgis-png.sh"))
        .arg(&dir)
        .output()
        .expect("scripts/render-qgis-png.sh runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for y in [2016, 2017] {
        let name = format!("qgis-access-64-{y}.png");
        let (w, h, new) = pixels(&dir.join(&name));
        let (w0, h0, kept) = pixels(&root.join("docs").join(&name));
        assert_eq!((w, h), (w0, h0), "docs/{name}: run scripts/render-qgis-png.sh");
        // the same map: fonts may be antialiased differently from one
        // machine to the next, the communes' colours may not
        let differ = new.chunks(4).zip(kept.chunks(4)).filter(|(a, b)| a != b).count();
        let share = differ as f64 / (w * h) as f64;
        assert!(
            share < 0.01,
            "docs/{name}: {:.1} % of the pixels differ from what scripts/render-qgis-png.sh renders now: rerun it",
            share * 100.0
        );
    }
}
