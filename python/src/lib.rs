//! `medaccess._medaccess`: the library's jobs for Python. Every long call
//! runs off the GIL and honours Ctrl-C ([`run::run`]); results come back as
//! layer dictionaries ([`layers::layer_dict`]: typed columns and WKB
//! geometry) that `medaccess/__init__.py` turns into pyarrow tables and
//! GeoDataFrames. The Python side (`medaccess/*.py`, `*.pyi`) documents the
//! public API; these functions are its engine.

mod errors;
mod layers;
mod run;

use std::path::PathBuf;
use std::sync::Arc;

use medaccess::Scope;
use medaccess::access::Bands;
use medaccess::facilities::{
    CoordColumns, Facility, FacilityColumns, FacilityKind, FacilitySet, PositionSource, SetSource,
};
use medaccess::graph::{Edge, RoadGraph};
use medaccess::jobs::study::{OptionValue, RunRecord};
use medaccess::jobs::{
    self, AccessRequest, CatchmentsRequest, Data, DataPaths, Endpoints, FacilitySource, GpRequest,
    HistoryRequest, IsochronesRequest, MatrixRequest, NewSite, PartFile, RankRequest, Roads, ScenarioRequest,
    SiteRequest, Sweep,
};
use medaccess::output::{Layer, Target};
use medaccess::report::Lang;
use medaccess::route::{Seed, matrix as route_matrix, nearest as route_nearest};
use medaccess::units::{NO_NODE, Time, UNREACHABLE};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use errors::{GraphError, InputError, IntoPy, MedaccessError, RequestError};

/// The data, the engine and the communes of a run, loaded once and shared
/// by every job called on it (read-only, safe across threads).
#[pyclass(frozen, weakref, module = "medaccess._medaccess")]
struct Context {
    inner: Arc<jobs::Context>,
}

#[pymethods]
impl Context {
    /// The INSEE codes of the communes in scope, in output order.
    #[getter]
    fn communes(&self) -> Vec<String> {
        self.inner
            .in_scope
            .iter()
            .map(|&i| self.inner.places[i].id.clone())
            .collect()
    }

    /// `commune-estimate`, `osm`, …: the `engine` of every output.
    #[getter]
    fn engine(&self) -> String {
        self.inner.engine.name()
    }

    /// The scope's tag in file names (`64`, `64-65`, `france`).
    #[getter]
    fn scope(&self) -> String {
        self.inner.scope.tag()
    }

    /// What loading found that a user should read: the loading notes (a
    /// road cache rebuilt…), then what the inputs hold (a polygon repaired, a
    /// network that misses the scope run anyway).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        let w = &self.inner;
        w.warnings.iter().chain(&w.input_warnings).cloned().collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<medaccess.Context scope={} engine={} communes={}>",
            self.inner.scope.tag(),
            self.inner.engine.name(),
            self.inner.in_scope.len()
        )
    }
}

fn scope(dep: Vec<String>, region: Vec<String>, insee: Vec<String>, france: bool) -> PyResult<Scope> {
    let up = |v: Vec<String>| v.into_iter().map(|d| d.trim().to_uppercase()).collect::<Vec<_>>();
    let given = [!dep.is_empty(), !region.is_empty(), !insee.is_empty(), france];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(RequestError::new_err(
            "say which communes, once: dep=[\"64\"], region=[\"75\"], insee=[...] or france=True",
        ));
    }
    Ok(if !dep.is_empty() {
        Scope::Departements(up(dep))
    } else if !region.is_empty() {
        Scope::Regions(up(region))
    } else if !insee.is_empty() {
        Scope::Communes(up(insee))
    } else {
        Scope::All
    })
}

/// Loads a context (see `medaccess.load`).
#[pyfunction]
#[pyo3(signature = (
    dep=vec![], region=vec![], insee=vec![], france=false, fixtures=None, commune_graph=None,
    communes_dir=None, commune_profile=None, roads=None, source_speed=false, link_columns=None,
    roads_nodes=None, roads_epsg=None, roads_cache=None, no_roads_cache=false, winding=true,
    snap_limit_m=1000.0, leg_kmh=15.0, snap_share_max=medaccess::roads::sanity::DEFAULT_MAX_FAR_SHARE,
    allow_sparse_network=false
))]
#[allow(clippy::too_many_arguments)]
fn load(
    py: Python<'_>,
    dep: Vec<String>,
    region: Vec<String>,
    insee: Vec<String>,
    france: bool,
    fixtures: Option<PathBuf>,
    commune_graph: Option<PathBuf>,
    communes_dir: Option<PathBuf>,
    commune_profile: Option<String>,
    roads: Option<PathBuf>,
    source_speed: bool,
    link_columns: Option<String>,
    roads_nodes: Option<PathBuf>,
    roads_epsg: Option<u32>,
    roads_cache: Option<PathBuf>,
    no_roads_cache: bool,
    winding: bool,
    snap_limit_m: f64,
    leg_kmh: f64,
    snap_share_max: f64,
    allow_sparse_network: bool,
) -> PyResult<Context> {
    let scope = scope(dep, region, insee, france)?;
    let mut paths = match &fixtures {
        Some(d) => DataPaths::fixtures(d),
        None => DataPaths::default(),
    };
    if let Some(g) = commune_graph {
        paths.commune_graph = g;
    }
    if let Some(c) = communes_dir {
        paths.communes_dir = c;
    }
    paths.commune_profile = commune_profile
        .as_deref()
        .map(medaccess::communes::CommuneProfile::from_arg)
        .transpose()
        .py_err()?;
    let roads = match roads {
        None => {
            if source_speed || link_columns.is_some() || roads_nodes.is_some() || roads_epsg.is_some() {
                return Err(RequestError::new_err(
                    "source_speed, link_columns, roads_nodes and roads_epsg describe a road network: give roads=FILE",
                ));
            }
            if snap_share_max != medaccess::roads::sanity::DEFAULT_MAX_FAR_SHARE || allow_sparse_network {
                return Err(RequestError::new_err(
                    "snap_share_max and allow_sparse_network check a road network: give roads=FILE",
                ));
            }
            None
        }
        Some(file) => {
            let link_columns = match &link_columns {
                Some(spec) => medaccess::roads::LinkColumns::parse(spec).py_err()?,
                None => Default::default(),
            };
            let mut profile = medaccess::roads::CarProfile::france();
            if !winding {
                profile = profile.without_winding();
            }
            Some(Roads {
                file,
                options: medaccess::roads::ReadOptions {
                    source_speed,
                    link_columns,
                    nodes: roads_nodes,
                    epsg: roads_epsg,
                },
                cache_dir: (!no_roads_cache).then(|| roads_cache.unwrap_or_else(Roads::default_cache_dir)),
                profile,
                snap: medaccess::roads::SnapOptions {
                    leg_kmh,
                    max_distance_m: snap_limit_m,
                },
                coverage: medaccess::roads::sanity::Coverage {
                    max_far_share: snap_share_max,
                    allow_sparse: allow_sparse_network,
                },
            })
        }
    };
    let data = Data { paths, roads };
    let ctx = run::run(py, None, move |p| jobs::Context::load(&data, scope, p))?;
    Ok(Context { inner: Arc::new(ctx) })
}

/// Which facilities a job runs on: the DREES maternities of a year, the
/// GPs of the BPE, a user's file, or points given as arrays.
#[pyclass(frozen, weakref, module = "medaccess._medaccess")]
#[derive(Clone)]
struct Facilities {
    source: Source,
}

#[derive(Clone)]
enum Source {
    Library(FacilitySource),
    Points(FacilitySet),
}

#[pymethods]
impl Facilities {
    /// The DREES maternity list: the sites open in `year` (2013-2023).
    #[staticmethod]
    fn drees(year: u16) -> Self {
        Facilities {
            source: Source::Library(FacilitySource::Drees { year }),
        }
    }

    /// GPs per commune (INSEE BPE D201 format; default: the shipped table).
    #[staticmethod]
    #[pyo3(signature = (path=None))]
    fn bpe(path: Option<PathBuf>) -> Self {
        Facilities {
            source: Source::Library(FacilitySource::Bpe { path }),
        }
    }

    /// A CSV or GeoJSON of facilities of `kind` (columns as on the command line).
    #[staticmethod]
    #[pyo3(signature = (path, kind="facility", id_col="id", name_col="name", lon_col="lon", lat_col="lat", xy=None, epsg=None, commune_col=None, capacity_col=None))]
    #[allow(clippy::too_many_arguments)]
    fn file(
        path: PathBuf,
        kind: &str,
        id_col: &str,
        name_col: &str,
        lon_col: &str,
        lat_col: &str,
        xy: Option<(String, String)>,
        epsg: Option<u32>,
        commune_col: Option<String>,
        capacity_col: Option<String>,
    ) -> PyResult<Self> {
        let kind = FacilityKind::parse(kind).py_err()?;
        let coords = match (xy, epsg) {
            (Some((x, y)), Some(epsg)) => CoordColumns::Xy { x, y, epsg },
            (Some(_), None) => return Err(RequestError::new_err("xy needs epsg (e.g. epsg=2154)")),
            _ => CoordColumns::LonLat {
                lon: lon_col.into(),
                lat: lat_col.into(),
            },
        };
        Ok(Facilities {
            source: Source::Library(FacilitySource::File {
                path,
                columns: FacilityColumns {
                    id: id_col.into(),
                    name: Some(name_col.into()),
                    coords,
                    commune: commune_col,
                    capacity: capacity_col,
                    ..FacilityColumns::default()
                },
                kind,
            }),
        })
    }

    /// Points as arrays: ids, WGS84 longitudes and latitudes, optional
    /// names and capacities.
    #[staticmethod]
    #[pyo3(signature = (ids, lon, lat, names=None, capacity=None, kind="facility"))]
    fn points(
        ids: Vec<String>,
        lon: Vec<f64>,
        lat: Vec<f64>,
        names: Option<Vec<String>>,
        capacity: Option<Vec<Option<f64>>>,
        kind: &str,
    ) -> PyResult<Self> {
        let kind = FacilityKind::parse(kind).py_err()?;
        let n = ids.len();
        if lon.len() != n
            || lat.len() != n
            || names.as_ref().is_some_and(|v| v.len() != n)
            || capacity.as_ref().is_some_and(|v| v.len() != n)
        {
            return Err(RequestError::new_err(format!(
                "points: ids, lon, lat (and names, capacity) must have the same length ({n} ids)"
            )));
        }
        let mut facilities = Vec::with_capacity(n);
        for k in 0..n {
            medaccess::facilities::check_lon_lat(lon[k], lat[k]).map_err(|m| {
                let e = RequestError::new_err(format!("point {k} (`{}`): {m}", ids[k]));
                Python::attach(|py| {
                    let v = e.value(py);
                    let _ = v.setattr("line", k + 1);
                    let _ = v.setattr(
                        "field",
                        if lon[k].is_finite() && (-180.0..=180.0).contains(&lon[k]) {
                            "lat"
                        } else {
                            "lon"
                        },
                    );
                });
                e
            })?;
            facilities.push(Facility {
                id: ids[k].clone(),
                name: names.as_ref().map_or_else(|| ids[k].clone(), |v| v[k].clone()),
                commune: None,
                lon_lat: [lon[k], lat[k]],
                source: PositionSource::File,
                level: None,
                births: None,
                capacity: capacity.as_ref().and_then(|v| v[k]),
            });
        }
        Ok(Facilities {
            source: Source::Points(FacilitySet {
                kind,
                source: SetSource::File {
                    path: PathBuf::from("<points>"),
                },
                facilities,
                warnings: Vec::new(),
                unplaced: Vec::new(),
            }),
        })
    }
}

impl Facilities {
    fn set(&self, ctx: &jobs::Context) -> medaccess::Result<FacilitySet> {
        match &self.source {
            Source::Library(s) => ctx.facilities(s),
            Source::Points(set) => Ok(set.clone()),
        }
    }
}

/// `<set>` of file stems, as the command line names them.
fn set_tag(set: &FacilitySet) -> String {
    match &set.source {
        SetSource::Drees { year } => year.to_string(),
        _ => set.kind.code().to_string(),
    }
}

fn access_request(
    set: FacilitySet,
    threshold: Option<f64>,
    bands: Option<Vec<f64>>,
) -> PyResult<AccessRequest> {
    let mut req = AccessRequest::with_kind_defaults(set);
    if let Some(t) = threshold {
        if !(t > 0.0 && t.is_finite()) {
            return Err(RequestError::new_err(format!(
                "threshold must be a positive number of minutes, got {t}"
            )));
        }
        req.threshold = t;
    }
    if let Some(b) = bands {
        let text = b.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
        req.bands = Bands::parse(&text).map_err(|e| RequestError::new_err(format!("bands: {e}")))?;
    }
    Ok(req)
}

/// One job: the facility set, the access request, the run, its layers.
fn planner_job<'py, F>(
    py: Python<'py>,
    ctx: &Context,
    facilities: &Facilities,
    threshold: Option<f64>,
    bands: Option<Vec<f64>>,
    workers: Option<usize>,
    job: F,
) -> PyResult<Bound<'py, PyList>>
where
    F: FnOnce(&jobs::Context, AccessRequest, &str, &dyn jobs::Progress) -> medaccess::Result<Ran>
        + Send
        + 'static,
{
    let c = ctx.inner.clone();
    let fac = facilities.clone();
    let set = run::run(py, workers, move |_| fac.set(&c))?;
    let req = access_request(set, threshold, bands)?;
    let c = ctx.inner.clone();
    let ran = run::run(py, workers, move |p| {
        let tag = format!("{}-{}", c.scope.tag(), set_tag(&req.facilities));
        job(&c, req, &tag, p)
    })?;
    ran.warn(py)?;
    layers::layer_list(py, &ran.layers)
}

/// What a job gives back: its layers, and the warnings a command line
/// would print (raised as Python `UserWarning`s).
struct Ran {
    layers: Vec<Layer>,
    warnings: Vec<String>,
}

impl From<Vec<Layer>> for Ran {
    fn from(layers: Vec<Layer>) -> Self {
        Ran {
            layers,
            warnings: Vec::new(),
        }
    }
}

impl Ran {
    /// Raises each warning once, in order, as `warnings.warn` would.
    fn warn(&self, py: Python<'_>) -> PyResult<()> {
        let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
        for w in &self.warnings {
            PyErr::warn(
                py,
                category.as_any(),
                &std::ffi::CString::new(w.replace('\0', " ")).unwrap_or_default(),
                1,
            )?;
        }
        Ok(())
    }
}

#[pyfunction]
#[pyo3(signature = (ctx, facilities, threshold=None, bands=None, workers=None))]
fn access<'py>(
    py: Python<'py>,
    ctx: &Context,
    facilities: &Facilities,
    threshold: Option<f64>,
    bands: Option<Vec<f64>>,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    planner_job(py, ctx, facilities, threshold, bands, workers, |c, req, _, p| {
        let stem = match &req.facilities.source {
            SetSource::Drees { year } => format!("maternity-access-{}-{year}", c.scope.tag()),
            _ => match req.facilities.kind {
                FacilityKind::Other => format!("access-{}", c.scope.tag()),
                k => format!("{}-access-{}", k.code(), c.scope.tag()),
            },
        };
        let r = jobs::access::run(c, &req, p)?;
        Ok(Ran {
            layers: r.layers(&stem, false, Lang::default()),
            warnings: r.summary.warnings.clone(),
        })
    })
}

#[pyfunction]
#[pyo3(signature = (ctx, facilities, close=vec![], open=vec![], threshold=None, bands=None, workers=None))]
#[allow(clippy::too_many_arguments)]
fn scenario<'py>(
    py: Python<'py>,
    ctx: &Context,
    facilities: &Facilities,
    close: Vec<String>,
    open: Vec<String>,
    threshold: Option<f64>,
    bands: Option<Vec<f64>>,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    if close.is_empty() && open.is_empty() {
        return Err(RequestError::new_err(
            "say what changes: close=[FINESS, ...] and/or open=[\"NAME@LON:LAT\" or an INSEE code, ...]",
        ));
    }
    let open: Vec<NewSite> = open
        .iter()
        .map(|s| NewSite::parse(s))
        .collect::<medaccess::Result<_>>()
        .py_err()?;
    planner_job(
        py,
        ctx,
        facilities,
        threshold,
        bands,
        workers,
        move |c, access, tag, p| {
            let req = ScenarioRequest { access, close, open };
            let r = jobs::scenario::run(c, &req, p)?;
            // named as the command line names its files: the scenario in the name
            let (scenario, _) = r.file_tag();
            Ok(r.layers(&format!("scenario-{tag}-{scenario}"), Lang::default())
                .into())
        },
    )
}

#[pyfunction]
#[pyo3(signature = (ctx, facilities, threshold=None, bands=None, workers=None))]
fn rank<'py>(
    py: Python<'py>,
    ctx: &Context,
    facilities: &Facilities,
    threshold: Option<f64>,
    bands: Option<Vec<f64>>,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    planner_job(
        py,
        ctx,
        facilities,
        threshold,
        bands,
        workers,
        |c, access, tag, p| {
            Ok(jobs::rank::run(c, &RankRequest { access }, p)?
                .layers(&format!("rank-{tag}"))
                .into())
        },
    )
}

#[pyfunction]
#[pyo3(signature = (ctx, facilities, add=1, candidates=vec![], threshold=None, bands=None, workers=None))]
#[allow(clippy::too_many_arguments)]
fn site<'py>(
    py: Python<'py>,
    ctx: &Context,
    facilities: &Facilities,
    add: usize,
    candidates: Vec<String>,
    threshold: Option<f64>,
    bands: Option<Vec<f64>>,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    planner_job(
        py,
        ctx,
        facilities,
        threshold,
        bands,
        workers,
        move |c, access, tag, p| {
            let req = SiteRequest {
                access,
                add,
                candidates,
            };
            Ok(jobs::site::run(c, &req, p)?
                .layers(&format!("sites-{tag}"), Lang::default())
                .into())
        },
    )
}

#[pyfunction]
#[pyo3(signature = (ctx, facilities, threshold=None, bands=None, workers=None))]
fn catchments<'py>(
    py: Python<'py>,
    ctx: &Context,
    facilities: &Facilities,
    threshold: Option<f64>,
    bands: Option<Vec<f64>>,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    planner_job(
        py,
        ctx,
        facilities,
        threshold,
        bands,
        workers,
        |c, access, tag, p| {
            Ok(jobs::catchments::run(c, &CatchmentsRequest { access }, p)?
                .layers(&format!("catchments-{tag}"))
                .into())
        },
    )
}

#[pyfunction]
#[pyo3(signature = (ctx, facilities, threshold=None, bands=None, cell_m=250.0, off_road_kmh=15.0, workers=None))]
#[allow(clippy::too_many_arguments)]
fn isochrones<'py>(
    py: Python<'py>,
    ctx: &Context,
    facilities: &Facilities,
    threshold: Option<f64>,
    bands: Option<Vec<f64>>,
    cell_m: f64,
    off_road_kmh: f64,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    let max = medaccess::jobs::isochrones::MAX_CELL_M;
    if !(cell_m.is_finite()
        && (10.0..=max).contains(&cell_m)
        && off_road_kmh > 0.0
        && off_road_kmh.is_finite())
    {
        return Err(RequestError::new_err(format!(
            "cell_m must be from 10 to {max} metres and off_road_kmh positive"
        )));
    }
    planner_job(
        py,
        ctx,
        facilities,
        threshold,
        bands,
        workers,
        move |c, access, tag, p| {
            let req = IsochronesRequest {
                access,
                grid: medaccess::planner::contours::GridOptions {
                    cell_m,
                    off_road_kmh,
                    ..Default::default()
                },
            };
            Ok(jobs::isochrones::run(c, &req, p)?
                .layers(&format!("isochrones-{tag}"), Lang::default())
                .into())
        },
    )
}

#[pyfunction]
#[pyo3(signature = (ctx, supply, decay="drees", within=vec![10.0, 20.0, 30.0], consultations_per_gp=5400.0, under_served=2.5, add=vec![], remove=vec![], demand_weights=None, demand_weight_col="weight", workers=None))]
#[allow(clippy::too_many_arguments)]
fn gp<'py>(
    py: Python<'py>,
    ctx: &Context,
    supply: &Facilities,
    decay: &str,
    within: Vec<f64>,
    consultations_per_gp: f64,
    under_served: f64,
    add: Vec<String>,
    remove: Vec<String>,
    demand_weights: Option<PathBuf>,
    demand_weight_col: &str,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    let parsed = medaccess::gp::Decay::parse(decay).py_err()?;
    // `add`/`remove` come spelled as the command line takes them
    // (`64104:2`), the same strings as the run's record: the layer names
    // are the command line's file names.
    let (stem, _) = jobs::gp::output_stem(&ctx.inner.scope.tag(), &add, &remove);
    let changes = jobs::gp::parse_changes(&add, &remove).py_err()?;
    let c = ctx.inner.clone();
    let supply = supply.clone();
    let decay_name = decay.to_string();
    let weights = demand_weights.map(|p| (p, demand_weight_col.to_string()));
    let ran = run::run(py, workers, move |p| {
        let req = GpRequest {
            supply: supply.set(&c)?,
            decay: parsed,
            decay_name,
            within,
            consultations_per_gp,
            under_served,
            changes,
            demand_weights: weights,
        };
        let r = jobs::gp::run(&c, &req, p)?;
        Ok(Ran {
            layers: r.layers(&stem, Lang::default()),
            warnings: r.warnings.clone(),
        })
    })?;
    ran.warn(py)?;
    layers::layer_list(py, &ran.layers)
}

/// Population beyond each threshold, year by year of the DREES list
/// (`medaccess history`): one table, as the command line's CSV.
#[pyfunction]
#[pyo3(signature = (ctx, thresholds=vec![30.0, 40.0, 45.0], threshold=None, bands=None, workers=None))]
fn history<'py>(
    py: Python<'py>,
    ctx: &Context,
    thresholds: Vec<f64>,
    threshold: Option<f64>,
    bands: Option<Vec<f64>>,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    if thresholds.is_empty() || thresholds.iter().any(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(RequestError::new_err(
            "thresholds: give positive numbers of minutes, e.g. [30, 40, 45]",
        ));
    }
    let kind = FacilityKind::Maternity.defaults();
    let threshold = threshold.unwrap_or(kind.threshold_min);
    if !(threshold > 0.0 && threshold.is_finite()) {
        return Err(RequestError::new_err(format!(
            "threshold must be a positive number of minutes, got {threshold}"
        )));
    }
    let bands = match bands {
        None => Bands {
            breaks: kind.bands.to_vec(),
        },
        Some(b) => {
            let text = b.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
            Bands::parse(&text).map_err(|e| RequestError::new_err(format!("bands: {e}")))?
        }
    };
    let c = ctx.inner.clone();
    let layers = run::run(py, workers, move |p| {
        let req = HistoryRequest {
            thresholds,
            bands,
            threshold,
        };
        Ok(jobs::history::run(&c, &req, p)?.layers(&format!("history-{}", c.scope.tag())))
    })?;
    layers::layer_list(py, &layers)
}

/// The origin-destination matrix of a context: `{"origin": [...],
/// "destination": [...], "minutes": ndarray, "far_origins": [...],
/// "far_destinations": [...], "engine": str}`.
#[pyfunction]
#[pyo3(signature = (ctx, origins=None, destinations=None, limit=None, workers=None))]
fn od_matrix<'py>(
    py: Python<'py>,
    ctx: &Context,
    origins: Option<&Facilities>,
    destinations: Option<&Facilities>,
    limit: Option<f64>,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let c = ctx.inner.clone();
    let (o, d) = (origins.cloned(), destinations.cloned());
    let m = run::run(py, workers, move |p| {
        let side = |f: Option<Facilities>| -> medaccess::Result<Endpoints> {
            Ok(match f {
                None => Endpoints::Communes,
                Some(f) => Endpoints::Points(f.set(&c)?),
            })
        };
        let req = MatrixRequest {
            origins: side(o)?,
            destinations: side(d)?,
            limit,
        };
        jobs::matrix::run(&c, &req, p)
    })?;
    let out = PyDict::new(py);
    let origin: Vec<&str> = m.rows.iter().map(|r| m.origins[r.0 as usize].as_str()).collect();
    let destination: Vec<&str> = m
        .rows
        .iter()
        .map(|r| m.destinations[r.1 as usize].as_str())
        .collect();
    let minutes: Vec<f64> = (0..m.rows.len()).map(|k| m.minutes(k)).collect();
    out.set_item("origin", origin)?;
    out.set_item("destination", destination)?;
    out.set_item("minutes", minutes.into_pyarray(py))?;
    out.set_item(
        "far_origins",
        m.far_origins
            .iter()
            .map(|&k| m.origins[k].clone())
            .collect::<Vec<_>>(),
    )?;
    out.set_item(
        "far_destinations",
        m.far_destinations
            .iter()
            .map(|&k| m.destinations[k].clone())
            .collect::<Vec<_>>(),
    )?;
    out.set_item("engine", m.engine)?;
    Ok(out)
}

/// A user graph from arrays: arcs `tail[k] -> head[k]` of `seconds[k]`.
fn user_graph(
    nodes: usize,
    tail: &PyReadonlyArray1<'_, i64>,
    head: &PyReadonlyArray1<'_, i64>,
    seconds: &PyReadonlyArray1<'_, f64>,
) -> PyResult<RoadGraph> {
    let (t, h, s) = (tail.as_slice()?, head.as_slice()?, seconds.as_slice()?);
    if t.len() != h.len() || t.len() != s.len() {
        return Err(RequestError::new_err(format!(
            "tail, head and seconds must have the same length ({}, {}, {})",
            t.len(),
            h.len(),
            s.len()
        )));
    }
    let node = |v: i64, k: usize, field: &str| -> PyResult<u32> {
        if v < 0 || v as u64 >= nodes as u64 {
            return Err(at(
                GraphError::new_err(format!("{field}[{k}] = {v}: nodes are 0 to {}", nodes as i64 - 1)),
                k,
                field,
            ));
        }
        Ok(v as u32)
    };
    let mut edges = Vec::with_capacity(t.len());
    for k in 0..t.len() {
        let ds = s[k] * 10.0;
        if !(ds.is_finite() && ds >= 0.0 && ds < (UNREACHABLE / 2) as f64) {
            return Err(at(
                GraphError::new_err(format!("seconds[{k}] = {}: a time is a finite number >= 0", s[k])),
                k,
                "seconds",
            ));
        }
        edges.push(Edge::new(
            node(t[k], k, "tail")?,
            node(h[k], k, "head")?,
            ds.round() as Time,
        ));
    }
    RoadGraph::from_edges(nodes, &edges).py_err()
}

/// Sets the record (0-based index + 1) and field of an error.
fn at(e: PyErr, k: usize, field: &str) -> PyErr {
    Python::attach(|py| {
        let v = e.value(py);
        let _ = v.setattr("file", py.None());
        let _ = v.setattr("line", k + 1);
        let _ = v.setattr("field", field);
    });
    e
}

fn node_list(nodes: usize, v: &PyReadonlyArray1<'_, i64>, field: &str) -> PyResult<Vec<u32>> {
    v.as_slice()?
        .iter()
        .enumerate()
        .map(|(k, &x)| {
            if x < 0 || x as u64 >= nodes as u64 {
                Err(at(
                    GraphError::new_err(format!("{field}[{k}] = {x}: nodes are 0 to {}", nodes as i64 - 1)),
                    k,
                    field,
                ))
            } else {
                Ok(x as u32)
            }
        })
        .collect()
}

fn limit_ds(limit: Option<f64>) -> PyResult<Option<Time>> {
    match limit {
        None => Ok(None),
        Some(l) if l.is_finite() && l >= 0.0 => {
            Ok(Some((l * 10.0).round().min((UNREACHABLE - 1) as f64) as Time))
        }
        Some(l) => Err(PyValueError::new_err(format!("limit {l}: seconds >= 0"))),
    }
}

fn seconds_of(t: Time) -> f64 {
    if t == UNREACHABLE {
        f64::INFINITY
    } else {
        t as f64 / 10.0
    }
}

/// Nearest source of every node of a user graph (see `medaccess.route.nearest`).
#[pyfunction]
#[pyo3(signature = (nodes, tail, head, seconds, sources, limit=None, workers=None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn graph_nearest<'py>(
    py: Python<'py>,
    nodes: usize,
    tail: PyReadonlyArray1<'py, i64>,
    head: PyReadonlyArray1<'py, i64>,
    seconds: PyReadonlyArray1<'py, f64>,
    sources: PyReadonlyArray1<'py, i64>,
    limit: Option<f64>,
    workers: Option<usize>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<i64>>)> {
    let g = user_graph(nodes, &tail, &head, &seconds)?;
    let src = node_list(nodes, &sources, "sources")?;
    let limit = limit_ds(limit)?;
    let labels = run::run(py, workers, move |_| {
        Ok(route_nearest(g.forward(), &Seed::at_nodes(&src), limit))
    })?;
    let t: Vec<f64> = labels
        .iter()
        .map(|l| seconds_of(if l.is_none() { UNREACHABLE } else { l.time }))
        .collect();
    let s: Vec<i64> = labels
        .iter()
        .map(|l| if l.source == NO_NODE { -1 } else { l.source as i64 })
        .collect();
    Ok((t.into_pyarray(py), s.into_pyarray(py)))
}

/// Source x target times on a user graph (see `medaccess.route.matrix`).
#[pyfunction]
#[pyo3(signature = (nodes, tail, head, seconds, sources, targets, limit=None, workers=None))]
#[allow(clippy::too_many_arguments)]
fn graph_matrix<'py>(
    py: Python<'py>,
    nodes: usize,
    tail: PyReadonlyArray1<'py, i64>,
    head: PyReadonlyArray1<'py, i64>,
    seconds: PyReadonlyArray1<'py, f64>,
    sources: PyReadonlyArray1<'py, i64>,
    targets: PyReadonlyArray1<'py, i64>,
    limit: Option<f64>,
    workers: Option<usize>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let g = user_graph(nodes, &tail, &head, &seconds)?;
    let src = node_list(nodes, &sources, "sources")?;
    let dst = node_list(nodes, &targets, "targets")?;
    let limit = limit_ds(limit)?;
    let (rows, cols) = (src.len(), dst.len());
    let m = run::run(py, workers, move |_| {
        let m = route_matrix(&g, &src, &dst, limit);
        Ok((0..src.len())
            .flat_map(|i| m.row(i).iter().map(|&t| seconds_of(t)).collect::<Vec<_>>())
            .collect::<Vec<f64>>())
    })?;
    m.into_pyarray(py).reshape([rows, cols])
}

/// The two-step floating catchment of a hand-made case (see
/// `medaccess.two_step_fca`): demand units `0..population.len()`, sites
/// `0..supply.len()`, the pairs `(unit[k], site[k], minutes[k])` (a pair
/// not listed is out of reach). Returns (accessibility per unit, ratio per
/// site, catchment population per site).
#[pyfunction]
#[pyo3(signature = (population, supply, unit, site, minutes, decay))]
#[allow(clippy::type_complexity)]
fn fca_two_step(
    population: Vec<f64>,
    supply: Vec<f64>,
    unit: Vec<i64>,
    site: Vec<i64>,
    minutes: Vec<f64>,
    decay: &str,
) -> PyResult<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let decay = medaccess::gp::Decay::parse(decay).py_err()?;
    if unit.len() != site.len() || unit.len() != minutes.len() {
        return Err(RequestError::new_err(
            "unit, site and minutes must have the same length",
        ));
    }
    let (nu, ns) = (population.len(), supply.len());
    let mut time = vec![UNREACHABLE; nu * ns];
    for k in 0..unit.len() {
        let (u, j, m) = (unit[k], site[k], minutes[k]);
        if u < 0 || u as usize >= nu {
            return Err(at(
                RequestError::new_err(format!("origin {u} (row {k}) is not a demand unit")),
                k,
                "origin",
            ));
        }
        if j < 0 || j as usize >= ns {
            return Err(at(
                RequestError::new_err(format!("destination {j} (row {k}) is not a supply site")),
                k,
                "destination",
            ));
        }
        if !(m.is_finite() && m >= 0.0) {
            return Err(at(
                RequestError::new_err(format!("minutes {m} (row {k}): a time is >= 0")),
                k,
                "minutes",
            ));
        }
        let t = &mut time[u as usize * ns + j as usize];
        *t = (*t).min(medaccess::units::minutes(m));
    }
    let sites: Vec<medaccess::gp::SupplySite> = supply
        .iter()
        .map(|&s| medaccess::gp::SupplySite {
            node: 0,
            home: None,
            supply: s,
        })
        .collect();
    let pairs = medaccess::gp::Pairs::from_fn(nu, &sites, decay.limit(), |k, j| time[k * ns + j]).py_err()?;
    let fca = medaccess::gp::two_step(&pairs, &population, &supply, &decay).py_err()?;
    Ok((fca.accessibility, fca.ratio, fca.catchment_population))
}

/// A sweep plan (see `medaccess.Sweep`).
#[pyclass(frozen, module = "medaccess._medaccess")]
struct SweepPlan {
    inner: Arc<Sweep>,
}

fn documents<'py>(py: Python<'py>, docs: Vec<medaccess::output::Document>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for doc in docs {
        let name = match doc.target {
            Target::Out(name) => name,
            Target::Path(p) => p.display().to_string(),
        };
        d.set_item(name, PyBytes::new(py, &doc.bytes))?;
    }
    Ok(d)
}

#[pymethods]
impl SweepPlan {
    /// Reads a plan from TOML text; `source` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (text, source="<plan>"))]
    fn parse(text: &str, source: &str) -> PyResult<Self> {
        Ok(SweepPlan {
            inner: Arc::new(Sweep::parse(text, source.as_ref()).py_err()?),
        })
    }

    #[getter]
    fn name(&self) -> String {
        self.inner.plan.name.clone()
    }

    /// Number of tasks.
    #[getter]
    fn tasks(&self) -> usize {
        self.inner.tasks()
    }

    /// The parameters of every scenario (`catchment=20;decay=drees;supply=counts`).
    #[getter]
    fn scenarios(&self) -> Vec<String> {
        self.inner
            .scenarios
            .iter()
            .map(|s| s.parameters.clone())
            .collect()
    }

    /// Every scenario on this machine: the output files as `{name: bytes}`.
    #[pyo3(signature = (workers=None))]
    fn run<'py>(&self, py: Python<'py>, workers: Option<usize>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.clone();
        let docs = run::run(py, workers, move |p| {
            let ctx = s.load(p)?;
            s.run(&ctx, p)?.documents()
        })?;
        documents(py, docs)
    }

    /// Task `t` alone (a Slurm array element, a Dask task): its part file's bytes.
    #[pyo3(signature = (task, workers=None))]
    fn run_task<'py>(
        &self,
        py: Python<'py>,
        task: usize,
        workers: Option<usize>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let s = self.inner.clone();
        // A task out of the plan is refused before the data are loaded,
        // as the command line does.
        s.task_range(task).py_err()?;
        let bytes = run::run(py, workers, move |p| {
            let ctx = s.load(p)?;
            let values = s.run_task(&ctx, task, p)?;
            Ok(s.part_document(task, &values)?.bytes)
        })?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Merges the parts of every task (any order): the files of `run`.
    fn merge<'py>(&self, py: Python<'py>, parts: Vec<Vec<u8>>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.clone();
        let docs = run::run(py, None, move |_| {
            let parts: Vec<PartFile> = parts
                .into_iter()
                .enumerate()
                .map(|(k, bytes)| PartFile::Bytes {
                    name: PathBuf::from(format!("<part {k}>")),
                    bytes,
                })
                .collect();
            s.merge_parts(&parts)?.documents()
        })?;
        documents(py, docs)
    }
}

/// Writes the commune graph of the default data (or `fixtures`) once into
/// `dir` and returns its path: the one file every task of a distributed
/// sweep reads.
#[pyfunction]
#[pyo3(signature = (dir, fixtures=None))]
fn cache_commune_graph(dir: PathBuf, fixtures: Option<PathBuf>) -> PyResult<PathBuf> {
    let paths = match &fixtures {
        Some(d) => DataPaths::fixtures(d),
        None => DataPaths::default(),
    };
    jobs::sweep::cache_commune_graph(&paths, &dir).py_err()
}

/// The record of a run made from Python (`RunRecord::of`, the
/// `<name>.config.json` the command line writes): `options` is a JSON object
/// of command-line option names and values.
#[pyfunction]
fn run_record(job: &str, options: &str) -> PyResult<String> {
    let options: std::collections::BTreeMap<String, OptionValue> = serde_json::from_str(options)
        .map_err(|e| PyValueError::new_err(format!("run_record: options: {e}")))?;
    Ok(RunRecord::of(job, options).to_json())
}

#[pymodule]
fn _medaccess(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("MedaccessError", py.get_type::<MedaccessError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("GraphError", py.get_type::<GraphError>())?;
    m.add("RequestError", py.get_type::<RequestError>())?;
    m.add_class::<Context>()?;
    m.add_class::<Facilities>()?;
    m.add_class::<SweepPlan>()?;
    for f in [
        wrap_pyfunction!(load, m)?,
        wrap_pyfunction!(access, m)?,
        wrap_pyfunction!(scenario, m)?,
        wrap_pyfunction!(rank, m)?,
        wrap_pyfunction!(site, m)?,
        wrap_pyfunction!(catchments, m)?,
        wrap_pyfunction!(isochrones, m)?,
        wrap_pyfunction!(gp, m)?,
        wrap_pyfunction!(history, m)?,
        wrap_pyfunction!(od_matrix, m)?,
        wrap_pyfunction!(graph_nearest, m)?,
        wrap_pyfunction!(graph_matrix, m)?,
        wrap_pyfunction!(fca_two_step, m)?,
        wrap_pyfunction!(cache_commune_graph, m)?,
        wrap_pyfunction!(run_record, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
