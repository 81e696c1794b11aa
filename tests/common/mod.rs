//! Helpers shared by the integration tests: run the real binary, name the
//! commands and inputs several tests use, make scratch folders, read CSV
//! outputs, and read outputs with GDAL's ogrinfo (what QGIS uses
//! underneath). Each test file takes it with `mod common;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use medaccess::roads::{CarProfile, RoadNetwork};

/// README's first command (Pyrénées-Atlantiques, 2016 against 2017: the
/// Oloron maternity closes), without its `--out` or `--report`.
pub const README_ACCESS: [&str; 7] = [
    "access",
    "--dep",
    "64",
    "--year",
    "2016",
    "--compare-year",
    "2017",
];

/// The README's scenario: the Oloron maternity (640000410) closed in 2016,
/// without `--out`.
pub const OLORON_SCENARIO: [&str; 7] = [
    "scenario",
    "--dep",
    "64",
    "--year",
    "2016",
    "--close",
    "640000410",
];

/// Saint-Barthélemy's OSM extract (fixture).
pub const SBH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/osm/saint_barthelemy.osm.pbf"
);
/// The St-Brieuc–Loudéac OSM extract (fixture).
pub const SBL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/osm/St_Brieuc-Loudeac.osm.pbf"
);
/// The hand-drawn OSM network of the road tests (fixture).
pub const TINY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/osm/tiny.osm");
/// Corsica's road network as a link table (`../shared/data`, full suite).
pub const CORSE_LINKS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/osm-fr-corse/corsica_links.csv.gz"
);

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_medaccess"))
}

/// Runs a command; returns (exit ok, stdout, stderr).
pub fn outcome(c: &mut Command) -> (bool, String, String) {
    // A binary a test has just copied can be "busy" for a moment: another
    // test thread that forked while the copy was open holds it until its
    // child execs (Linux ETXTBSY); cargo retries the same way.
    let mut tries = 0;
    let Output {
        status,
        stdout,
        stderr,
    } = loop {
        match c.output() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            r => break r.expect("the medaccess binary runs"),
        }
    };
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Runs the binary; returns (exit ok, stdout, stderr).
pub fn run(args: &[&str], envs: &[(&str, &str)]) -> (bool, String, String) {
    let mut c = bin();
    c.args(args);
    for (k, v) in envs {
        c.env(k, v);
    }
    outcome(&mut c)
}

/// `args` followed by `more` (`--out DIR` and the like), as one command line.
pub fn then<'a>(args: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend_from_slice(more);
    all
}

/// Runs the binary, expects a refusal (exit code 1 or 2, never a panic)
/// whose message holds every one of `expect`; returns stderr.
pub fn refused(args: &[&str], expect: &[&str]) -> String {
    let out = bin().args(args).output().expect("the medaccess binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code();
    assert!(
        matches!(code, Some(1) | Some(2)),
        "{args:?}: expected a refusal (exit 1 or 2), got {code:?}\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    for e in expect {
        assert!(stderr.contains(e), "{args:?}: `{e}` missing from\n{stderr}");
    }
    stderr
}

/// The commands whose `--help` ends with examples.
pub const COMMANDS_WITH_EXAMPLES: [&str; 8] = [
    "access",
    "scenario",
    "rank",
    "site",
    "history",
    "catchments",
    "isochrones",
    "gp",
];

/// The example lines at the end of `exe cmd --help` (two or three, each
/// `medaccess cmd …`).
pub fn help_examples(exe: &Path, cmd: &str) -> Vec<String> {
    let (ok, help, err) = outcome(Command::new(exe).args([cmd, "--help"]));
    assert!(ok, "{err}");
    let (_, tail) = help
        .rsplit_once("Examples:\n")
        .unwrap_or_else(|| panic!("`{cmd} --help` has no Examples section:\n{help}"));
    let lines: Vec<String> = tail
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect();
    assert!(
        (2..=3).contains(&lines.len()),
        "`{cmd} --help` ends with 2 or 3 examples: {lines:?}"
    );
    for l in &lines {
        assert!(l.starts_with(&format!("medaccess {cmd} ")), "{l}");
    }
    lines
}

/// Runs a help example (`medaccess …` as printed) with `exe` in `dir`, an
/// empty folder, `MEDACCESS_DATA` unset, each argument passed through
/// `arg`; checks that it succeeds and writes under `out/` and its
/// `--report` in `dir`.
pub fn run_help_example(exe: &Path, dir: &Path, line: &str, arg: impl Fn(&str) -> String) {
    let args: Vec<String> = line.split_whitespace().skip(1).map(arg).collect();
    let (ok, _, err) = outcome(
        Command::new(exe)
            .args(&args)
            .current_dir(dir)
            .env_remove("MEDACCESS_DATA"),
    );
    assert!(ok, "`{line}` failed in {}: {err}", dir.display());
    // it wrote what it says, in the folder it was run from
    let written = std::fs::read_dir(dir.join("out")).map(|d| d.count()).unwrap_or(0);
    assert!(written > 0, "`{line}` wrote nothing under out/");
    if let Some(a) = args.iter().skip_while(|a| *a != "--report").nth(1) {
        assert!(dir.join(a).is_file(), "`{line}`: no report {a}");
    }
}

/// A file of the shipped `fixtures` folder.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

/// A road network read with the French car profile (no progress report).
pub fn read_roads(path: &str, profile: &CarProfile) -> RoadNetwork {
    RoadNetwork::read(Path::new(path), profile, &|_, _| {}).unwrap()
}

/// The text between `<!-- NAME: begin -->` and `<!-- NAME: end -->` in
/// `text`, read from `file` (named when a marker is missing).
pub fn block<'a>(text: &'a str, name: &str, file: &str) -> &'a str {
    let begin = format!("<!-- {name}: begin -->");
    let end = format!("<!-- {name}: end -->");
    let a = text
        .find(&begin)
        .unwrap_or_else(|| panic!("{file}: no `{begin}`"))
        + begin.len();
    let b = text[a..]
        .find(&end)
        .unwrap_or_else(|| panic!("{file}: no `{end}`"))
        + a;
    &text[a..b]
}

/// A CSV file as its header and its rows.
pub fn read_csv(path: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().clone();
    (h, r.records().map(|x| x.unwrap()).collect())
}

/// The index of column `name` in a CSV header.
pub fn col(h: &csv::StringRecord, name: &str) -> usize {
    h.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {h:?}"))
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

/// Every file under `dir`, by its path relative to `dir`.
pub fn files_under(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
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
