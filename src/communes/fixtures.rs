//! The copies of commune data shipped in `fixtures/`, so that the project
//! runs on a machine without `../shared/data`: the whole-France commune
//! links (with the commune table; any profile applies at load time), the
//! commune table as CSV, and the polygons of the Pyrénées-Atlantiques (64)
//! and its neighbours (40, 65, 32). Made by `cargo run --release --example
//! make_fixtures` from `../shared/data/communes-france` and the road table
//! in `fixtures/` (itself made by `make_road_table` from the BAAC files).

use std::path::{Path, PathBuf};

use super::file::{read_commune_graph, read_node_table, write_commune_graph, write_node_table};
use super::graph::{CommuneGraph, CommuneNode, build_commune_graph_with};
use super::load::{Communes, polygon_file};
use super::profile::CommuneProfile;
use super::road_table::RoadTable;
use crate::error::{Error, Result};
use crate::io::{atomic_write_bytes, read_maybe_gz};

/// File name of the whole-France commune graph in `fixtures/`.
pub const GRAPH_FILE: &str = "communes-france.medgraph.gz";
/// File name of the whole-France commune table in `fixtures/`.
pub const TABLE_FILE: &str = "communes-france.csv.gz";
/// Départements whose polygons are shipped.
pub const POLYGON_DEPS: [&str; 4] = ["64", "40", "65", "32"];

/// The project's `fixtures/` folder (beside `Cargo.toml`).
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// What [`make_fixtures`] wrote, with sizes in bytes.
#[derive(Debug, Clone)]
pub struct FixtureReport {
    pub files: Vec<(PathBuf, u64)>,
    pub graph: CommuneGraph,
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)
        .and_then(|_| enc.finish())
        .map_err(|e| Error::Invalid(format!("gzip: {e}")))
}

/// Builds and writes every fixture from the `communes-france` extract in
/// `data_dir` and the road table in `out_dir` into `out_dir` (atomically,
/// file by file); the returned graph has the default profile.
pub fn make_fixtures(data_dir: &Path, out_dir: &Path) -> Result<FixtureReport> {
    let table = Communes::load_france(data_dir)?;
    let roads = RoadTable::read(out_dir)?;
    let graph = build_commune_graph_with(&table, Some(&roads), &CommuneProfile::default())?;
    let poly_dir = out_dir.join("polygons");
    std::fs::create_dir_all(&poly_dir).map_err(|e| Error::io(&poly_dir, e))?;
    let mut files = Vec::new();
    let g = out_dir.join(GRAPH_FILE);
    write_commune_graph(&g, &graph)?;
    files.push(g);
    let t = out_dir.join(TABLE_FILE);
    atomic_write_bytes(&t, &gzip(&write_node_table(&graph.nodes, None)?)?)?;
    files.push(t);
    for dep in POLYGON_DEPS {
        // The source is already rounded to 5 decimals (about 1 m) and
        // topologically clean: ship it as it is, gzipped.
        let src = polygon_file(data_dir, dep);
        let bytes = std::fs::read(&src).map_err(|e| Error::io(&src, e))?;
        let dst = poly_dir.join(format!("dep-{dep}.geojson.gz"));
        atomic_write_bytes(&dst, &gzip(&bytes)?)?;
        files.push(dst);
    }
    let files = files
        .into_iter()
        .map(|f| {
            let n = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
            (f, n)
        })
        .collect();
    Ok(FixtureReport { files, graph })
}

/// Reads the shipped whole-France commune graph with the default profile.
pub fn load_fixture_graph(dir: &Path) -> Result<CommuneGraph> {
    read_commune_graph(&dir.join(GRAPH_FILE))
}

/// Reads the shipped whole-France commune graph with `profile`.
pub fn load_fixture_graph_with(dir: &Path, profile: &CommuneProfile) -> Result<CommuneGraph> {
    super::file::read_commune_graph_with(&dir.join(GRAPH_FILE), Some(profile))
}

/// Reads the shipped whole-France commune table (one row per graph node).
pub fn load_fixture_table(dir: &Path) -> Result<Vec<CommuneNode>> {
    let p = dir.join(TABLE_FILE);
    Ok(read_node_table(&p, &read_maybe_gz(&p)?, 1, usize::MAX)?.0)
}

/// Reads the shipped polygons of some of [`POLYGON_DEPS`] and joins them
/// to the points of the shipped table: a [`Communes`] whose origins are
/// re-chosen from the shipped origins (they pass their own check).
pub fn load_fixture_communes(dir: &Path, deps: &[&str]) -> Result<Communes> {
    let nodes = load_fixture_table(dir)?;
    let mut polys = Vec::new();
    for dep in deps {
        polys.extend(super::load::read_polygons_geojson(
            &polygon_file(dir, dep),
            "insee",
        )?);
    }
    let points: Vec<super::load::Commune> = nodes
        .iter()
        .filter(|n| deps.contains(&n.dep.as_str()))
        .map(|n| super::load::Commune {
            insee: n.insee.clone(),
            name: n.name.clone(),
            dep: n.dep.clone(),
            population: n.population,
            mairie: Some((n.lon, n.lat)),
            centroid: None,
            origin: None,
            origin_source: n.origin_source,
        })
        .collect();
    let mut t = Communes::join(points, polys, super::load::DEFAULT_TOLERANCE_M)?;
    // The shipped point is already the checked origin: keep the flag it
    // earned against the source data (re-checking it would call it `mairie`).
    for c in &mut t.communes {
        if let Ok(i) = nodes.binary_search_by(|n| n.insee.as_str().cmp(&c.insee)) {
            c.origin_source = nodes[i].origin_source;
        }
    }
    Ok(t)
}
