//! What every job starts from: the data, the engine, the communes of the
//! run ([`Context::load`]), and the facility sets ([`Context::facilities`]).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::Progress;
use crate::communes::{self, Scope};
use crate::engine::{CommuneGraphEngine, Engine, Entered, RoadNetworkEngine};
use crate::error::{Error, Result};
use crate::facilities::{
    self, FacilityColumns, FacilityKind, FacilitySet, PositionTable, SetSource, SitePositions,
};
use crate::gp::PractitionerColumns;
use crate::output::Geometry;
use crate::places::{Place, Places, Site};
use crate::roads::sanity::Coverage;
use crate::roads::{CarProfile, ReadOptions, SnapOptions};

/// Where the input data lives. Every path defaults to the data shipped
/// with medaccess ([`super::data_dir`]), so a fresh install runs with no
/// download.
#[derive(Debug, Clone)]
pub struct DataPaths {
    /// Folder holding `polygons/dep-XX.geojson[.gz]` (the shipped data, or
    /// `../shared/data/communes-france`).
    pub communes_dir: PathBuf,
    /// The commune graph file.
    pub commune_graph: PathBuf,
    /// DREES maternity list.
    pub maternities: PathBuf,
    /// Eurostat/GISCO positions (WGS84).
    pub positions: PathBuf,
    /// Optional official FINESS extract, tried before `positions`.
    pub finess: Option<PathBuf>,
    /// GPs per commune (INSEE BPE D201).
    pub gp_supply: PathBuf,
    /// Profile applied to the commune links (`None`: the default,
    /// [`communes::CommuneProfile::default`]).
    pub commune_profile: Option<communes::CommuneProfile>,
}

impl DataPaths {
    /// Everything from one data folder (laid out as `fixtures/`).
    pub fn fixtures(dir: &Path) -> Self {
        DataPaths {
            communes_dir: dir.to_path_buf(),
            commune_graph: dir.join(communes::fixtures::GRAPH_FILE),
            maternities: dir.join("maternites-drees.csv"),
            positions: dir.join("maternites-positions.csv"),
            finess: None,
            gp_supply: dir.join("gp-bpe-d201.csv"),
            commune_profile: None,
        }
    }
}

impl DataPaths {
    /// Every file these paths may read (the commune polygons of the
    /// folder included): outputs are never written over them.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut out = vec![
            self.commune_graph.clone(),
            self.maternities.clone(),
            self.positions.clone(),
            self.gp_supply.clone(),
        ];
        out.extend(self.finess.clone());
        let polygons = self.communes_dir.join("polygons");
        if let Ok(entries) = std::fs::read_dir(&polygons) {
            out.extend(entries.flatten().map(|e| e.path()));
        }
        out
    }
}

impl Default for DataPaths {
    /// The shipped data, wherever it is found ([`super::data_dir`]).
    fn default() -> Self {
        DataPaths::fixtures(&super::data_dir())
    }
}

/// A real road network instead of the commune graph.
#[derive(Debug, Clone)]
pub struct Roads {
    /// Any format [`crate::roads::input`] recognises by content.
    pub file: PathBuf,
    pub options: ReadOptions,
    /// Cache folder of imported networks (`None`: import on every run).
    pub cache_dir: Option<PathBuf>,
    pub profile: CarProfile,
    pub snap: SnapOptions,
    /// How many communes in scope (and facilities within their extent) may
    /// miss the network before a run stops ([`crate::roads::sanity`]).
    pub coverage: Coverage,
}

impl Roads {
    /// The road graph cache of the command line and of Python:
    /// `$XDG_CACHE_HOME/medaccess/roads`, else `~/.cache/medaccess/roads`,
    /// else the temporary folder.
    pub fn default_cache_dir() -> PathBuf {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        base.join("medaccess").join("roads")
    }
}

/// The data of a run and the engine to use.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub paths: DataPaths,
    /// `None`: the commune graph.
    pub roads: Option<Roads>,
}

impl Data {
    /// Every file the run may read: the data paths and the road network.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut out = self.paths.files();
        if let Some(r) = &self.roads {
            out.push(r.file.clone());
            out.extend(r.options.nodes.clone());
        }
        out
    }
}

/// Where a [`FacilitySet`] comes from.
#[derive(Debug, Clone)]
pub enum FacilitySource {
    /// The DREES maternity list: the sites open in `year`, placed with the
    /// FINESS/Eurostat positions of the data paths.
    Drees { year: u16 },
    /// A user's CSV or GeoJSON of facilities of `kind`.
    File {
        path: PathBuf,
        columns: FacilityColumns,
        kind: FacilityKind,
    },
    /// GPs counted per commune (INSEE BPE D201 format): `None` for the
    /// shipped table. One facility per commune with GPs, at its town hall.
    Bpe { path: Option<PathBuf> },
    /// GP practitioners or practices, one row each (by INSEE code or
    /// lon/lat), counted per commune.
    Practitioners {
        path: PathBuf,
        columns: PractitionerColumns,
    },
}

impl FacilitySource {
    /// The file it reads, if it names one.
    pub fn input(&self) -> Option<&Path> {
        match self {
            FacilitySource::Drees { .. } | FacilitySource::Bpe { path: None } => None,
            FacilitySource::Bpe { path: Some(p) }
            | FacilitySource::File { path: p, .. }
            | FacilitySource::Practitioners { path: p, .. } => Some(p),
        }
    }
}

/// The loaded data of a run: the engine, every commune of France as
/// places, the scope. Read-only: every job borrows it, several jobs can
/// run on one context.
pub struct Context {
    pub scope: Scope,
    pub paths: DataPaths,
    pub engine: Box<dyn Engine>,
    /// Every commune known to the run.
    pub places: Places,
    /// Indices into `places` of the communes in scope.
    pub in_scope: Vec<usize>,
    /// The départements loaded for the scope (`None`: all of France).
    pub departements: Option<Vec<String>>,
    /// What loading found that a user should read (road cache rebuilt…).
    pub warnings: Vec<String>,
    /// What the inputs hold that a user should know (a polygon repaired, a
    /// network that misses the scope run anyway): printed at load, and
    /// written into the summary of every run on this context.
    pub input_warnings: Vec<String>,
}

/// The largest snap limit, metres: farther than this, a point is not on
/// the network at all.
pub const MAX_SNAP_LIMIT_M: f64 = 50_000.0;

/// The fastest leg from a point to its road, km/h.
pub const MAX_LEG_KMH: f64 = 130.0;

impl Context {
    /// Loads the commune graph and, for drawing, the commune polygons of the
    /// scope's départements (checked: [`crate::communes::polygon_check`]);
    /// the other communes are drawn as points. Replaces the engine by a
    /// road network when `data.roads` says so.
    ///
    /// Facilities are placed without polygons (at their own commune, else
    /// the nearest origin: [`crate::communes::FacilityLocator::entry_in`]),
    /// so that no answer depends on which polygons were at hand or on the
    /// scope asked.
    ///
    /// # Errors
    /// An unknown scope code, an unreadable graph, polygon or road file; a
    /// polygon that is not where its commune is; a snap limit outside
    /// (0, `MAX_SNAP_LIMIT_M`] or a leg speed outside (0, `MAX_LEG_KMH`];
    /// a road network that is fragments ([`crate::roads::sanity`]).
    pub fn load(data: &Data, scope: Scope, progress: &dyn Progress) -> Result<Context> {
        let paths = &data.paths;
        let deps = scope.loaded_departements()?;
        if let Some(r) = &data.roads {
            check_roads(r)?;
        }
        let (graph_engine, places, mut input_warnings) =
            load_commune_graph(paths, deps.as_deref()).map_err(|e| match e {
                // These already name the file, line and field to fix.
                e if e.path().is_some() => e,
                Error::Cancelled => e,
                e => Error::Invalid(format!(
                    "loading the commune graph {}: {e}",
                    paths.commune_graph.display()
                )),
            })?;
        let mut warnings = Vec::new();
        let engine: Box<dyn Engine> = match &data.roads {
            None => Box::new(graph_engine),
            Some(r) => {
                let (e, w) = RoadNetworkEngine::load(
                    &r.file,
                    &r.options,
                    r.cache_dir.as_deref(),
                    &r.profile,
                    r.snap,
                    r.coverage,
                    &|done, total| progress.step("reading roads", done, total),
                )?;
                warnings = w;
                input_warnings.extend(r.coverage.check_component(&e.net.info)?);
                Box::new(e)
            }
        };
        let mut ctx = Context::new(scope, paths.clone(), engine, places)?;
        ctx.warnings = warnings;
        ctx.input_warnings = input_warnings;
        Ok(ctx)
    }

    /// A context from an engine and places built by the caller (a commune
    /// graph of one's own, a road network read once for several runs).
    ///
    /// # Errors
    /// An unknown scope code, or a scope that selects no place.
    pub fn new(scope: Scope, paths: DataPaths, engine: Box<dyn Engine>, places: Places) -> Result<Context> {
        Ok(Context {
            in_scope: places.select(&scope)?,
            departements: scope.loaded_departements()?,
            scope,
            paths,
            engine,
            places,
            warnings: Vec::new(),
            input_warnings: Vec::new(),
        })
    }

    /// Loads and places a facility set: positions from the reference tables
    /// or the file, else the town hall of the facility's commune.
    ///
    /// # Errors
    /// An unreadable or invalid file (naming file, line and field), a
    /// year outside the DREES list.
    pub fn facilities(&self, source: &FacilitySource) -> Result<FacilitySet> {
        let town_hall = |insee: &str| self.places.origin(insee);
        match source {
            FacilitySource::Drees { year } => {
                let list = facilities::MaternityList::load(&self.paths.maternities)?;
                let eurostat = PositionTable::load_eurostat(&self.paths.positions)?;
                let finess = self
                    .paths
                    .finess
                    .as_deref()
                    .map(facilities::FinessExtract::load)
                    .transpose()?;
                let mut tables: Vec<&dyn SitePositions> = Vec::new();
                if let Some(f) = &finess {
                    tables.push(f);
                }
                tables.push(&eurostat);
                let mut placed = facilities::place_maternities(&list, *year, &tables, town_hall)?;
                // Padded FINESS numbers first (they are about the files),
                // only of the sites of this run: a national extract mangled
                // by a spreadsheet pads thousands of other establishments.
                let used: std::collections::BTreeSet<&str> = placed
                    .facilities
                    .iter()
                    .map(|f| f.id.as_str())
                    .chain(placed.unplaced.iter().map(String::as_str))
                    .collect();
                let padded: Vec<String> = list
                    .warnings
                    .iter()
                    .chain(finess.iter().flat_map(|f| &f.warnings))
                    .filter(|w| w.split_once(':').is_some_and(|(id, _)| used.contains(id)))
                    .cloned()
                    .collect();
                placed.warnings.splice(0..0, padded);
                Ok(FacilitySet::from_placed(
                    FacilityKind::Maternity,
                    SetSource::Drees { year: *year },
                    placed,
                ))
            }
            FacilitySource::File { path, columns, kind } => {
                let placed = facilities::load_facilities(path, columns, town_hall)?;
                Ok(FacilitySet::from_placed(
                    *kind,
                    SetSource::File { path: path.clone() },
                    placed,
                ))
            }
            FacilitySource::Bpe { path } => {
                let path = path.clone().unwrap_or_else(|| self.paths.gp_supply.clone());
                let bpe = crate::gp::read_bpe_d201(&path)?;
                let mut set = self.supply_set(
                    SetSource::Bpe {
                        path: path.clone(),
                        year: 2017,
                    },
                    &bpe.by_commune,
                );
                set.warnings.extend(bpe.repeat_notes(&path));
                Ok(set)
            }
            FacilitySource::Practitioners { path, columns } => {
                let points = crate::gp::read_practitioners(path, columns)?;
                let (by, unplaced) = crate::gp::supply_by_commune(&points, self.places.locator());
                let mut set = self.supply_set(SetSource::File { path: path.clone() }, &by);
                if !unplaced.is_empty() {
                    set.warnings.push(format!(
                        "{} practitioners of {} could not be placed in a commune",
                        unplaced.len(),
                        path.display()
                    ));
                }
                Ok(set)
            }
        }
    }

    /// GPs counted per commune as a set: one facility per commune.
    fn supply_set(
        &self,
        source: SetSource,
        by_commune: &std::collections::BTreeMap<String, f64>,
    ) -> FacilitySet {
        FacilitySet::from_supply(FacilityKind::GeneralPractitioner, source, by_commune, |insee| {
            self.places.get(insee).map(|p| (p.name.clone(), p.origin))
        })
    }

    /// The facilities of a set entered into the engine's graph. A site's
    /// département is its commune's; else, for an id shaped as a FINESS
    /// number (nine characters: a département code then digits), its first
    /// two characters; else the département of the commune whose origin is
    /// nearest to the site (an id of the user's own says nothing of where).
    pub fn enter_sites(&self, set: &FacilitySet) -> Result<Entered<Site>> {
        let finess_dep =
            |id: &str| crate::communes::load::is_dep_prefixed(id, 9).then(|| id[..2].to_string());
        let mut locate = None;
        let deps: Vec<String> = set
            .facilities
            .iter()
            .map(|f| {
                if let Some(p) = f.commune.as_deref().and_then(|c| self.places.get(c)) {
                    return p.dep.clone();
                }
                if let Some(d) = finess_dep(&f.id) {
                    return d;
                }
                let locate = locate.get_or_insert_with(|| self.places.locator());
                locate(f.lon_lat[0], f.lon_lat[1])
                    .and_then(|c| self.places.get(&c))
                    .map_or_else(String::new, |p| p.dep.clone())
            })
            .collect();
        self.engine.enter_sites(&set.facilities, &deps)
    }

    /// Places (indices into [`Context::places`]) entered into the engine's
    /// graph.
    pub fn enter_places(&self, idx: &[usize]) -> Result<Entered<Place>> {
        let rows: Vec<&Place> = idx.iter().map(|&i| &self.places[i]).collect();
        self.engine.enter_places(&rows)
    }

    /// The output geometry of a place: its polygon when loaded, else its
    /// origin.
    pub fn geometry(&self, p: &Place) -> Geometry {
        match self.places.polygon(&p.id) {
            Some(mp) => Geometry::MultiPolygon(mp.clone()),
            None => Geometry::Point(p.origin),
        }
    }
}

/// Checks the snap settings and the coverage share of a road network.
fn check_roads(r: &Roads) -> Result<()> {
    let snap = r.snap.max_distance_m;
    if !(snap > 0.0 && snap <= MAX_SNAP_LIMIT_M) {
        return Err(Error::parameter(
            "snap_limit_m",
            format!("metres in (0, {MAX_SNAP_LIMIT_M}], not {snap:?}"),
        ));
    }
    if !(r.snap.leg_kmh > 0.0 && r.snap.leg_kmh <= MAX_LEG_KMH) {
        return Err(Error::parameter(
            "leg_kmh",
            format!("km/h in (0, {MAX_LEG_KMH}], not {:?}", r.snap.leg_kmh),
        ));
    }
    if !(0.0..=1.0).contains(&r.coverage.max_far_share) {
        return Err(Error::parameter(
            "snap_share_max",
            format!("a share from 0 to 1, not {:?}", r.coverage.max_far_share),
        ));
    }
    Ok(())
}

/// The commune graph, the checked polygons of `deps` (all when `None`),
/// the places of every commune and the polygon repairs. See
/// [`Context::load`].
fn load_commune_graph(
    paths: &DataPaths,
    deps: Option<&[String]>,
) -> Result<(CommuneGraphEngine, Places, Vec<String>)> {
    let graph = communes::read_commune_graph_with(&paths.commune_graph, paths.commune_profile.as_ref())?;
    if !crate::io::is_dir(&paths.communes_dir) {
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
        if crate::io::exists(&f) {
            let features = communes::load::read_polygon_features(&f, "insee")?;
            let checked = communes::polygon_check::check_polygons(&f, features, &graph.nodes)?;
            polygons.extend(checked.polygons);
            warnings.extend(checked.repaired);
        }
    }
    let places = Places::new(graph.nodes.iter().map(Place::from).collect(), polygons)?;
    Ok((CommuneGraphEngine::new(graph, None), places, warnings))
}
