//! Whole runs, as the command line and batch scripts call them: load the
//! territory and an engine, place the facilities, compute, write outputs.
//! Nothing here prints; progress goes through a callback.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::access::{Bands, Place, PlaceAccess, Site, Summary, nearest_sites, records, summarize};
use crate::communes;
use crate::communes::CommuneNode;
use crate::engine::{CommuneEngine, Engine, Entered, RoadEngine, Territory};
use crate::error::{Error, Result};
use crate::facilities::{self, Facility, MaternityList, Placed, PositionTable, SitePositions};
use crate::output::{Feature, Geometry, write_csv, write_geojson, write_qml};

/// Where the input data lives. Every path defaults to the shipped
/// `fixtures/` folder, so a fresh clone runs with no download.
#[derive(Debug, Clone)]
pub struct DataPaths {
    /// Folder holding `polygons/dep-XX.geojson[.gz]` (the shipped fixtures,
    /// or `../shared/data/communes-france`).
    pub communes_dir: PathBuf,
    /// The commune graph file.
    pub commune_graph: PathBuf,
    /// DREES maternity list.
    pub maternities: PathBuf,
    /// Eurostat/GISCO positions (WGS84).
    pub positions: PathBuf,
    /// Optional official FINESS extract, tried before `positions`.
    pub finess: Option<PathBuf>,
}

impl DataPaths {
    /// Everything from a fixtures folder.
    pub fn fixtures(dir: &Path) -> Self {
        DataPaths {
            communes_dir: dir.to_path_buf(),
            commune_graph: dir.join(communes::fixtures::GRAPH_FILE),
            maternities: dir.join("maternites-drees.csv"),
            positions: dir.join("maternites-positions.csv"),
            finess: None,
        }
    }
}

/// Which communes a run reports on (facilities anywhere still count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Departements(Vec<String>),
    Regions(Vec<String>),
    Communes(Vec<String>),
}

impl Scope {
    /// The départements covered, `None` for all of France.
    ///
    /// # Errors
    /// An unknown département or region code.
    pub fn departements(&self) -> Result<Option<Vec<String>>> {
        let s = match self {
            Scope::All => communes::Scope::All,
            Scope::Departements(d) => communes::Scope::Departements(d.clone()),
            Scope::Regions(r) => communes::Scope::Regions(r.clone()),
            Scope::Communes(c) => {
                let deps: BTreeSet<String> = c
                    .iter()
                    .map(|code| communes::load::dep_of_insee(code).to_string())
                    .collect();
                return Ok(Some(deps.into_iter().collect()));
            }
        };
        s.departements()
    }

    /// Indices into `territory.communes` of the communes in scope.
    pub fn select(&self, territory: &Territory) -> Result<Vec<usize>> {
        let idx: Vec<usize> = match self {
            Scope::Communes(codes) => {
                let mut v = Vec::new();
                for c in codes {
                    v.push(
                        territory
                            .index_of(c)
                            .ok_or_else(|| Error::Invalid(format!("unknown INSEE commune code `{c}`")))?,
                    );
                }
                v.sort_unstable();
                v.dedup();
                v
            }
            _ => match self.departements()? {
                None => (0..territory.communes.len()).collect(),
                Some(deps) => (0..territory.communes.len())
                    .filter(|&i| deps.contains(&territory.communes[i].dep))
                    .collect(),
            },
        };
        if idx.is_empty() {
            return Err(Error::Invalid(format!("the scope {self:?} selects no commune")));
        }
        Ok(idx)
    }

    /// A short tag for file names: `64`, `64-65`, `r75`, `france`, `communes`.
    pub fn tag(&self) -> String {
        match self {
            Scope::All => "france".into(),
            Scope::Departements(d) => d.join("-"),
            Scope::Regions(r) => format!("r{}", r.join("-r")),
            Scope::Communes(c) if c.len() == 1 => c[0].clone(),
            Scope::Communes(_) => "communes".into(),
        }
    }
}

/// Loads the commune graph and, for drawing, the commune polygons of `deps`
/// (all when `None`) found in `paths.communes_dir`; the other communes are
/// drawn as points. Facilities are placed without polygons (at their own
/// commune, else the nearest origin: [`crate::communes::FacilityLocator`]),
/// so that no answer depends on which polygons were at hand.
///
/// # Errors
/// An unreadable graph or polygon file, or a `communes_dir` that does not exist.
pub fn load_commune_engine(paths: &DataPaths, deps: Option<&[String]>) -> Result<(Engine, Territory)> {
    let graph = communes::read_commune_graph(&paths.commune_graph)?;
    if !paths.communes_dir.is_dir() {
        return Err(Error::format(
            &paths.communes_dir,
            "no such folder (expected a folder holding polygons/dep-XX.geojson[.gz])",
        ));
    }
    let drawn: BTreeSet<&str> = graph
        .nodes
        .iter()
        .map(|n| n.dep.as_str())
        .filter(|d| deps.is_none_or(|k| k.iter().any(|x| x == d)))
        .collect();
    let mut polygons = HashMap::new();
    let mut warnings = Vec::new();
    for dep in drawn {
        let f = communes::load::polygon_file(&paths.communes_dir, dep);
        if f.exists() {
            let features = communes::load::read_polygon_features(&f, "insee")?;
            let checked = communes::polygon_check::check_polygons(&f, features, &graph.nodes)?;
            polygons.extend(checked.polygons);
            warnings.extend(checked.repaired);
        }
    }
    let territory = Territory {
        communes: graph.nodes.clone(),
        polygons,
        warnings,
    };
    let engine = Engine::Communes(Box::new(CommuneEngine::new(graph, None)));
    Ok((engine, territory))
}

/// Replaces the engine by a road network read from `file` (any format
/// [`crate::roads::input`] recognises by content), through the cache in
/// `cache_dir` (keyed by the input files' checksums, the profile, the import
/// options and the format version; a stale or corrupt cache is rebuilt) with
/// the car `profile` (normally [`crate::roads::CarProfile::france`]).
/// Returns the cache warnings, and the failed [`crate::roads::sanity`]
/// checks that `coverage` allows.
///
/// # Errors
/// An unreadable network; one whose largest connected part is a fragment
/// (unless `coverage` allows it).
pub fn load_road_engine(
    file: &Path,
    opts: &crate::roads::ReadOptions,
    cache_dir: Option<&Path>,
    profile: &crate::roads::CarProfile,
    snap: crate::roads::SnapOptions,
    coverage: crate::roads::sanity::Coverage,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(Engine, Vec<String>)> {
    let (net, mut warnings) = match cache_dir {
        Some(dir) => {
            let (net, outcome) = crate::roads::load_or_build_with(file, profile, opts, dir, progress)?;
            (net, outcome.warnings)
        }
        None => (
            crate::roads::RoadNetwork::read_with(file, profile, opts, progress)?,
            Vec::new(),
        ),
    };
    warnings.extend(coverage.check_component(&net.info)?);
    Ok((
        Engine::Roads(Box::new(RoadEngine { net, snap, coverage })),
        warnings,
    ))
}

/// The maternities open in `year`, placed (Eurostat/FINESS position, else
/// the town hall of their commune).
pub fn load_maternities(
    paths: &DataPaths,
    year: u16,
    territory: &Territory,
) -> Result<(MaternityList, Placed)> {
    let list = MaternityList::load(&paths.maternities)?;
    let eurostat = PositionTable::load_eurostat(&paths.positions)?;
    let finess = paths
        .finess
        .as_deref()
        .map(facilities::FinessExtract::load)
        .transpose()?;
    let mut tables: Vec<&dyn SitePositions> = Vec::new();
    if let Some(f) = &finess {
        tables.push(f);
    }
    tables.push(&eurostat);
    let placed = facilities::place_maternities(&list, year, &tables, |insee| territory.origin(insee))?;
    Ok((list, placed))
}

/// Sites from facilities: each enters the engine's graph. The département is
/// the facility's commune's, else the first two characters of its id.
pub fn sites(engine: &Engine, territory: &Territory, facilities: &[Facility]) -> Result<Entered<Site>> {
    let deps: Vec<String> = facilities
        .iter()
        .map(|f| {
            f.commune
                .as_deref()
                .and_then(|c| territory.index_of(c))
                .map(|i| territory.communes[i].dep.clone())
                .unwrap_or_else(|| f.id.chars().take(2).collect())
        })
        .collect();
    engine.sites(facilities, &deps)
}

/// Places for communes of the territory (indices), entered into the graph.
pub fn places(engine: &Engine, territory: &Territory, idx: &[usize]) -> Result<Entered<Place>> {
    let cs: Vec<&CommuneNode> = idx.iter().map(|&i| &territory.communes[i]).collect();
    engine.places(&cs)
}

/// The result of one access run.
pub struct AccessRun {
    pub places: Vec<Place>,
    pub sites: Vec<Site>,
    pub access: Vec<PlaceAccess>,
    pub summary: Summary,
    pub engine: &'static str,
    /// Distance from each place's origin to the road (road engines only).
    pub snap_m: Vec<Option<f64>>,
    /// Places farther than the snap limit from any road (left unreachable).
    pub far_places: Vec<usize>,
}

/// Nearest site for every commune in scope.
pub fn run_access(
    engine: &Engine,
    territory: &Territory,
    scope_idx: &[usize],
    sites: Vec<Site>,
    bands: &Bands,
    threshold: f64,
) -> Result<AccessRun> {
    let entered = places(engine, territory, scope_idx)?;
    let places = entered.items;
    let coverage = engine.check_coverage(&places, &entered.snap_m, &entered.far, &sites)?;
    let access = nearest_sites(engine.graph(), &sites, &places);
    let mut summary = summarize(&places, &access, &sites, bands, threshold, 10);
    summary.warnings.extend(territory.warnings.iter().cloned());
    summary.warnings.extend(coverage);
    Ok(AccessRun {
        places,
        sites,
        access,
        summary,
        engine: engine.name(),
        snap_m: entered.snap_m,
        far_places: entered.far,
    })
}

/// Output geometry of a place: its polygon when loaded, else its origin.
pub fn place_geometry(territory: &Territory, p: &Place) -> Geometry {
    match territory.polygons.get(&p.id) {
        Some(mp) => Geometry::MultiPolygon(mp.clone()),
        None => Geometry::Point(p.origin),
    }
}

/// How [`write_access`] classes and splits its outputs.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions<'a> {
    pub bands: &'a Bands,
    /// Désert threshold in minutes.
    pub threshold: f64,
    /// One set of files per département.
    pub split_by_dep: bool,
}

/// Files written by [`write_access`].
#[derive(Debug, Clone)]
pub struct Written {
    pub files: Vec<PathBuf>,
}

/// Writes `<stem>.geojson`, `<stem>.qml`, `<stem>.csv` and the sites as
/// `<stem>-facilities.geojson`, all in `dir`, atomically; with
/// `split_by_dep`, one set per département (`<stem>-<dep>.*`).
pub fn write_access(
    dir: &Path,
    stem: &str,
    run: &AccessRun,
    territory: &Territory,
    opts: &WriteOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<Written> {
    let WriteOptions {
        bands,
        threshold,
        split_by_dep,
    } = *opts;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut recs = records(&run.places, &run.access, &run.sites, bands, threshold, run.engine);
    if run.snap_m.iter().any(Option::is_some) {
        for (r, d) in recs.iter_mut().zip(&run.snap_m) {
            r.insert(r.len() - 1, ("snap_m", crate::output::Value::real(*d, 1)));
        }
    }
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    if split_by_dep {
        let mut by: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (i, p) in run.places.iter().enumerate() {
            by.entry(p.dep.as_str()).or_default().push(i);
        }
        groups.extend(by.into_iter().map(|(d, v)| (format!("{stem}-{d}"), v)));
    } else {
        groups.push((stem.to_string(), (0..run.places.len()).collect()));
    }
    let mut files = Vec::new();
    let total = groups.len();
    for (k, (name, idx)) in groups.iter().enumerate() {
        let feats: Vec<Feature> = idx
            .iter()
            .map(|&i| Feature {
                geometry: place_geometry(territory, &run.places[i]),
                properties: recs[i].clone(),
            })
            .collect();
        let polygons = feats
            .iter()
            .any(|f| matches!(f.geometry, Geometry::MultiPolygon(_)));
        let gj = dir.join(format!("{name}.geojson"));
        write_geojson(&gj, name, &feats)?;
        let qml = dir.join(format!("{name}.qml"));
        write_qml(&qml, "minutes", &bands.classes(240.0), polygons)?;
        let csv = dir.join(format!("{name}.csv"));
        let rows: Vec<_> = idx.iter().map(|&i| recs[i].clone()).collect();
        write_csv(&csv, &rows)?;
        files.extend([gj, qml, csv]);
        progress(k + 1, total);
    }
    let fac = dir.join(format!("{stem}-facilities.geojson"));
    write_geojson(
        &fac,
        &format!("{stem}-facilities"),
        &site_features(&run.sites, run.engine),
    )?;
    files.push(fac);
    Ok(Written { files })
}

/// Facilities as points with their id, name, position source and engine.
pub fn site_features(sites: &[Site], engine: &str) -> Vec<Feature> {
    use crate::output::Value;
    sites
        .iter()
        .map(|s| Feature {
            geometry: Geometry::Point(s.position),
            properties: vec![
                ("facility_id", Value::Str(s.id.clone())),
                ("name", Value::Str(s.name.clone())),
                ("dep", Value::Str(s.dep.clone())),
                ("position_source", Value::Str(s.position_source.clone())),
                ("on_graph", Value::Bool(!s.entries.is_empty())),
                ("engine", Value::Str(engine.to_string())),
            ],
        })
        .collect()
}

/// The shapes of places for maps: polygons when loaded, else points.
pub fn shapes(territory: &Territory, places: &[Place]) -> Vec<Geometry> {
    places.iter().map(|p| place_geometry(territory, p)).collect()
}

/// The methods section of a report for a maternity run.
pub fn maternity_methods(
    engine: &Engine,
    year: u16,
    facility_count: usize,
    threshold: f64,
    bands: &Bands,
    command: String,
) -> crate::report::Methods {
    let (engine, profile, calibration) = engine.methods();
    crate::report::Methods {
        engine,
        profile,
        calibration,
        facilities: crate::report::Facilities::Maternities { year },
        facility_count,
        population_year: 2017,
        threshold_minutes: threshold,
        band_breaks: bands.breaks.clone(),
        sources: vec![crate::report::Source::FinessEurostat],
        command,
        notes: vec![],
    }
}

/// A scope's name for titles: `Pyrénées-Atlantiques (64)` style when one
/// département, else the tag.
pub fn scope_title(scope: &Scope) -> String {
    match scope {
        Scope::All => "France".into(),
        Scope::Departements(d) => format!("département(s) {}", d.join(", ")),
        Scope::Regions(r) => format!("région(s) {}", r.join(", ")),
        Scope::Communes(c) => format!("{} commune(s)", c.len()),
    }
}
