//! Origin–destination travel times: from every origin (the communes in
//! scope, or any points) to every destination (a facility set, any points,
//! or the communes), within an optional limit, as the long table
//! `origin, destination, minutes` that PySAL `access`, r5py and OSRM users
//! expect.
//!
//! The times are the engine's, as every job sees them: an origin drives
//! from its entries into the graph, a destination is reached through its
//! entries (the leg from the road to its door included); the searches are
//! [`crate::route::matrix`]'s, or, when a run needs enough searches to pay
//! for building one, a [`ContractionHierarchy`]'s: both give the same times,
//! so the same bytes (see [`run`]).

use super::{Context, Progress, seconds_since};
use crate::engine::Entered;
use crate::error::{Error, Result};
use crate::facilities::{Facility, FacilitySet, PositionSource};
use crate::graph::RoadGraph;
use crate::output::Document;
use crate::places::{Entries, Place, Site};
use crate::route::{BoundedSearch, ContractionHierarchy, matrix};
use crate::units::{DS_PER_MIN, NodeId, Time, UNREACHABLE, minutes};

/// One side of a matrix.
#[derive(Debug, Clone)]
pub enum Endpoints {
    /// The communes in scope, at their origins (town halls), by INSEE code.
    Communes,
    /// Any points: a facility set of any kind (the DREES maternities, a
    /// user's CSV or GeoJSON of facilities or of population points), by id.
    Points(FacilitySet),
}

/// Every origin to every destination.
#[derive(Debug, Clone)]
pub struct MatrixRequest {
    pub origins: Endpoints,
    pub destinations: Endpoints,
    /// Minutes: pairs farther apart are left out (inclusive). `None`: every
    /// pair that is reachable at all.
    pub limit: Option<f64>,
}

/// The reachable pairs, origin-major.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixResult {
    /// Origin ids (INSEE codes, or the points' ids), in request order.
    pub origins: Vec<String>,
    /// Destination ids, in request order.
    pub destinations: Vec<String>,
    /// `(origin index, destination index, time in tenths of a second)`
    /// for every pair reachable within the limit, ordered by origin then
    /// destination. Unreachable pairs have no row.
    pub rows: Vec<(u32, u32, Time)>,
    /// Origins that could not be entered into the graph (farther than the
    /// snap limit from any road): indices into `origins`, they have no row.
    pub far_origins: Vec<usize>,
    /// Destinations left off the graph, indices into `destinations`.
    pub far_destinations: Vec<usize>,
    /// Pairs of entered origins and destinations without a row: no road
    /// between them (another island), or beyond the limit.
    pub without_row: usize,
    pub limit: Option<f64>,
    /// `engine=` of the run.
    pub engine: String,
}

/// Origins per chunk of searches: the matrix of one chunk is held at once,
/// and cancellation is checked between chunks.
const CHUNK: usize = 256;

/// How a run answers its chunks: [`run`] decides, the tests force either
/// way to compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), expect(dead_code, reason = "only the tests force a method"))]
enum Method {
    /// Chosen by [`hierarchy_pays`] (what [`run`] does).
    Auto,
    /// [`crate::route::matrix`] on every chunk.
    Dijkstra,
    /// One [`ContractionHierarchy`] built for the run, asked every chunk.
    Hierarchy,
}

/// Unbounded searches from the smaller side above which building a
/// [`ContractionHierarchy`] costs less than the searches, on the commune
/// graph and on a road network: measured on the whole-France commune graph
/// (100,940 nodes, 646,096 arcs) and on the synthetic 90k-node road grid of
/// `bench/routers/run.sh` (`docs/performance.md`, "Matrix job").
const BREAK_EVEN_COMMUNE_GRAPH: f64 = 600.0;
const BREAK_EVEN_ROADS: f64 = 400.0;

/// Runs the matrix.
///
/// Each chunk of 256 origins is one [`crate::route::matrix`] call
/// (one search per entry of its smaller side), unless the whole run needs
/// enough searches to pay for a [`ContractionHierarchy`], built once and
/// asked for every chunk: from 600 unbounded searches on the commune
/// graph, 400 on a road network; with a limit, the searches are
/// counted at the share of the graph that one probe search within the
/// limit settles. The times, hence the rows, are the same either way and
/// on any number of threads (tested).
///
/// # Errors
/// A negative or non-finite limit; a place or site that cannot be entered;
/// [`Error::Cancelled`] when `progress` asks to stop.
///
/// # Examples
/// Drive times from the communes of Pyrénées-Atlantiques to the
/// maternities open in 2016, within 30 minutes:
/// ```
/// use medaccess::jobs::{self, Context, Data, FacilitySource, Silent};
/// use medaccess::jobs::matrix::{Endpoints, MatrixRequest};
/// use medaccess::Scope;
///
/// let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent)?;
/// let set = ctx.facilities(&FacilitySource::Drees { year: 2016 })?;
/// let req = MatrixRequest { origins: Endpoints::Communes, destinations: Endpoints::Points(set), limit: Some(30.0) };
/// let m = jobs::matrix::run(&ctx, &req, &Silent)?;
/// assert_eq!(m.origins.len(), 545);
/// assert!(m.rows.iter().all(|r| r.2 <= 30 * 600));
/// # Ok::<(), medaccess::Error>(())
/// ```
pub fn run(ctx: &Context, req: &MatrixRequest, progress: &dyn Progress) -> Result<MatrixResult> {
    run_with(ctx, req, progress, Method::Auto)
}

fn run_with(
    ctx: &Context,
    req: &MatrixRequest,
    progress: &dyn Progress,
    method: Method,
) -> Result<MatrixResult> {
    let limit = match req.limit {
        Some(m) if !(m.is_finite() && m >= 0.0) => {
            return Err(Error::parameter(
                "limit",
                format!("{m} is not a number of minutes >= 0"),
            ));
        }
        Some(m) => Some(minutes(m)),
        None => None,
    };
    let t0 = std::time::Instant::now();
    let (origins, far_origins) = enter_origins(ctx, &req.origins)?;
    let (destinations, far_destinations) = enter_destinations(ctx, &req.destinations)?;
    // Every destination entry is a column of the searches' matrix.
    let targets: Vec<NodeId> = destinations
        .iter()
        .flat_map(|(_, e)| e.iter().map(|x| x.0))
        .collect();
    let graph = ctx.engine.graph();
    let chunk_sources: Vec<Vec<NodeId>> = origins
        .chunks(CHUNK)
        .map(|chunk| chunk.iter().flat_map(|(_, e)| e.iter().map(|x| x.0)).collect())
        .collect();
    let hierarchy = match method {
        Method::Dijkstra => false,
        Method::Hierarchy => true,
        Method::Auto => {
            let searches = chunk_sources.iter().map(|s| s.len().min(targets.len())).sum();
            let break_even = if ctx.engine.road_network().is_some() {
                BREAK_EVEN_ROADS
            } else {
                BREAK_EVEN_COMMUNE_GRAPH
            };
            hierarchy_pays(graph, searches, chunk_sources.first(), limit, break_even)
        }
    };
    let hierarchy = hierarchy.then(|| {
        let t = std::time::Instant::now();
        let h = ContractionHierarchy::new(graph);
        progress.timing("contraction hierarchy", seconds_since(t));
        h
    });
    let mut rows = Vec::new();
    let mut without_row = 0;
    let chunks = origins.len().div_ceil(CHUNK);
    for (c, (chunk, sources)) in origins.chunks(CHUNK).zip(&chunk_sources).enumerate() {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        progress.step("matrix", c as u64, chunks as u64);
        let m = match &hierarchy {
            Some(h) => h.matrix(sources, &targets, limit),
            None => matrix(graph, sources, &targets, limit),
        };
        let mut row0 = 0;
        for (k, (_, o_entries)) in chunk.iter().enumerate() {
            let o = (c * CHUNK + k) as u32;
            let mut col0 = 0;
            for (d, (_, d_entries)) in destinations.iter().enumerate() {
                let mut best = UNREACHABLE;
                for (i, &(_, t_o)) in o_entries.iter().enumerate() {
                    let row = m.row(row0 + i);
                    for (j, &(_, t_d)) in d_entries.iter().enumerate() {
                        let t = row[col0 + j];
                        if t != UNREACHABLE {
                            best = best.min(t.saturating_add(t_o).saturating_add(t_d));
                        }
                    }
                }
                if best < UNREACHABLE && limit.is_none_or(|l| best <= l) {
                    rows.push((o, d as u32, best));
                } else {
                    without_row += 1;
                }
                col0 += d_entries.len();
            }
            row0 += o_entries.len();
        }
    }
    progress.step("matrix", chunks as u64, chunks as u64);
    progress.timing("matrix", seconds_since(t0));
    Ok(MatrixResult {
        origins: origins.into_iter().map(|o| o.0).collect(),
        destinations: destinations.into_iter().map(|d| d.0).collect(),
        rows,
        far_origins,
        far_destinations,
        without_row,
        limit: req.limit,
        engine: ctx.engine.name(),
    })
}

/// Whether `searches` Dijkstra searches (from the smaller side of each
/// chunk) would cost more than building a [`ContractionHierarchy`], which
/// costs about `break_even` unbounded searches. Unbounded searches count
/// whole (each runs until it has settled every node of the other side,
/// often most of the graph); bounded ones at the share of the graph's nodes
/// that one search from the first source (`probe`) settles within `limit`.
fn hierarchy_pays(
    graph: &RoadGraph,
    searches: usize,
    probe: Option<&Vec<NodeId>>,
    limit: Option<Time>,
    break_even: f64,
) -> bool {
    if (searches as f64) < break_even || graph.num_nodes() == 0 {
        return false;
    }
    let Some(limit) = limit else {
        return true;
    };
    let Some(&from) = probe.and_then(|p| p.first()) else {
        return false;
    };
    let settled = BoundedSearch::new(graph.num_nodes())
        .run(graph.forward(), &[(from, 0)], limit)
        .len();
    searches as f64 * settled as f64 / graph.num_nodes() as f64 >= break_even
}

/// `(id, entries)` of each origin, and those left off the graph.
type Entered2 = (Vec<(String, Entries)>, Vec<usize>);

fn enter_origins(ctx: &Context, side: &Endpoints) -> Result<Entered2> {
    let e: Entered<Place> = match side {
        Endpoints::Communes => ctx.enter_places(&ctx.in_scope)?,
        Endpoints::Points(set) => {
            if ctx.engine.road_network().is_none() {
                // The commune graph enters a place by its INSEE code: a
                // point enters at the commune origin nearest to it, with
                // the leg from it, as a facility does (the graph and the
                // leg are the same both ways).
                let deps = vec![String::new(); set.facilities.len()];
                let e = ctx.engine.enter_sites(&set.facilities, &deps)?;
                return Ok((e.items.into_iter().map(|s| (s.id, s.entries)).collect(), e.far));
            }
            let rows: Vec<Place> = set
                .facilities
                .iter()
                .map(|f| Place {
                    id: f.id.clone(),
                    name: f.name.clone(),
                    dep: String::new(),
                    population: None,
                    origin: f.lon_lat,
                    origin_source: f.source.to_string(),
                    entries: Vec::new(),
                })
                .collect();
            let refs: Vec<&Place> = rows.iter().collect();
            ctx.engine.enter_places(&refs)?
        }
    };
    Ok((e.items.into_iter().map(|p| (p.id, p.entries)).collect(), e.far))
}

fn enter_destinations(ctx: &Context, side: &Endpoints) -> Result<Entered2> {
    let e: Entered<Site> = match side {
        Endpoints::Points(set) => ctx.enter_sites(set)?,
        Endpoints::Communes => {
            // A commune as a destination: a site at its town hall, entered
            // as facilities are (the direction a driver arrives from).
            let facilities: Vec<Facility> = ctx
                .in_scope
                .iter()
                .map(|&i| {
                    let p = &ctx.places[i];
                    Facility {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        commune: Some(p.id.clone()),
                        lon_lat: p.origin,
                        source: PositionSource::CommuneTownHall,
                        level: None,
                        births: None,
                        capacity: None,
                    }
                })
                .collect();
            let deps: Vec<String> = ctx.in_scope.iter().map(|&i| ctx.places[i].dep.clone()).collect();
            ctx.engine.enter_sites(&facilities, &deps)?
        }
    };
    Ok((e.items.into_iter().map(|s| (s.id, s.entries)).collect(), e.far))
}

/// How the long table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Parquet,
}

impl TableFormat {
    /// `csv` or `parquet`.
    ///
    /// # Errors
    /// Any other name.
    pub fn parse(s: &str) -> Result<TableFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(TableFormat::Csv),
            "parquet" => Ok(TableFormat::Parquet),
            other => Err(Error::Invalid(format!(
                "--format `{other}`: expected csv or parquet"
            ))),
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Parquet => "parquet",
        }
    }
}

impl MatrixResult {
    /// Minutes of row `k` (tenths of a second / 600: exact in a double).
    pub fn minutes(&self, k: usize) -> f64 {
        self.rows[k].2 as f64 / DS_PER_MIN as f64
    }

    /// The long table `origin, destination, minutes` as the file `name` of a run:
    /// CSV (minutes as the shortest decimal that reads back to the same
    /// double) or Parquet (strings dictionary-encoded, minutes as doubles).
    ///
    /// # Errors
    /// Only from the Parquet encoder.
    pub fn document(&self, name: &str, format: TableFormat) -> Result<Document> {
        let origin: Vec<&str> = self
            .rows
            .iter()
            .map(|r| self.origins[r.0 as usize].as_str())
            .collect();
        let destination: Vec<&str> = self
            .rows
            .iter()
            .map(|r| self.destinations[r.1 as usize].as_str())
            .collect();
        let minutes: Vec<Option<f64>> = (0..self.rows.len()).map(|k| Some(self.minutes(k))).collect();
        let columns = [
            ("origin", super::table::Column::Str(origin)),
            ("destination", super::table::Column::Str(destination)),
            ("minutes", super::table::Column::F64(minutes)),
        ];
        let bytes = super::table::encode(&columns, format, std::path::Path::new(name))?;
        Ok(Document::named(name, bytes))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::Scope;
    use crate::engine::RoadNetworkEngine;
    use crate::facilities::{FacilityKind, SetSource};
    use crate::jobs::{Data, DataPaths, FacilitySource, Silent};
    use crate::places::Places;
    use crate::roads::synthetic::{SyntheticExtract, write_synthetic_pbf};
    use crate::roads::{CarProfile, SnapOptions, read_pbf};

    /// The run on `threads` threads with the searches forced to `method`.
    fn rows(ctx: &Context, req: &MatrixRequest, method: Method, threads: usize) -> MatrixResult {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run_with(ctx, req, &Silent, method))
            .unwrap()
    }

    /// Rows and CSV bytes are the same with the hierarchy and with the
    /// plain searches, on 1 and 2 threads, without and with a limit.
    fn assert_same_both_ways(ctx: &Context, req: &MatrixRequest) {
        let mut req = req.clone();
        for (limit, threads) in [(None, 1), (Some(45.0), 2)] {
            req.limit = limit;
            let dijkstra = rows(ctx, &req, Method::Dijkstra, 2);
            assert!(!dijkstra.rows.is_empty());
            assert_eq!(
                rows(ctx, &req, Method::Dijkstra, 1),
                dijkstra,
                "Dijkstra, 1 thread, limit {limit:?}"
            );
            let hierarchy = rows(ctx, &req, Method::Hierarchy, threads);
            assert_eq!(
                hierarchy, dijkstra,
                "hierarchy, {threads} threads, limit {limit:?}"
            );
            let csv = |m: &MatrixResult| m.document("m.csv", TableFormat::Csv).unwrap().bytes;
            assert_eq!(csv(&hierarchy), csv(&dijkstra));
        }
    }

    /// The whole-France commune graph (embedded data): 60 communes of
    /// Pyrénées-Atlantiques to the 515 maternities of 2016, which are spread
    /// over France (unbounded searches cross it).
    #[test]
    #[cfg_attr(
        debug_assertions,
        ignore = "builds whole-France hierarchies: run with --release"
    )]
    fn hierarchy_and_searches_agree_on_the_commune_graph() {
        let mut ctx =
            Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent).unwrap();
        ctx.in_scope.truncate(60);
        let set = ctx.facilities(&FacilitySource::Drees { year: 2016 }).unwrap();
        let req = MatrixRequest {
            origins: Endpoints::Communes,
            destinations: Endpoints::Points(set),
            limit: None,
        };
        assert_same_both_ways(&ctx, &req);
    }

    /// A synthetic road network of 1,600 junctions and random points, a few
    /// beyond the snap limit: more origins than a chunk, so the hierarchy
    /// answers two chunks, with forward and with backward searches.
    #[test]
    fn hierarchy_and_searches_agree_on_a_road_network() {
        let path = std::env::temp_dir().join(format!("matrix-job-{}.osm.pbf", std::process::id()));
        let o = SyntheticExtract {
            width: 40,
            height: 40,
            shape_nodes: 2,
            buildings: 0,
            seed: 7,
        };
        write_synthetic_pbf(&path, &o).unwrap();
        let net = read_pbf(&path, &CarProfile::france(), &|_, _| {}).unwrap();
        std::fs::remove_file(&path).unwrap();
        // One place so that the scope selects something; the matrix runs on
        // points only.
        let place = Place {
            id: "03001".into(),
            name: "x".into(),
            dep: "03".into(),
            population: None,
            origin: [2.05, 46.03],
            origin_source: String::new(),
            entries: Vec::new(),
        };
        let places = Places::new(vec![place], HashMap::new()).unwrap();
        let engine = Box::new(RoadNetworkEngine::new(net, SnapOptions::default()));
        let ctx = Context::new(Scope::All, DataPaths::default(), engine, places).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(19);
        let mut points = |n: usize| {
            let facilities = (0..n)
                .map(|i| Facility {
                    id: format!("p{i}"),
                    name: String::new(),
                    commune: None,
                    // The grid spans about 2.0-2.1 E, 46.0-46.07 N; a few
                    // points lie beyond the snap limit.
                    lon_lat: [rng.random_range(1.99..2.13), rng.random_range(45.99..46.09)],
                    source: PositionSource::File,
                    level: None,
                    births: None,
                    capacity: None,
                })
                .collect();
            FacilitySet {
                kind: FacilityKind::Other,
                source: SetSource::File {
                    path: "points.csv".into(),
                },
                facilities,
                warnings: Vec::new(),
                unplaced: Vec::new(),
            }
        };
        let req = MatrixRequest {
            origins: Endpoints::Points(points(300)),
            destinations: Endpoints::Points(points(120)),
            limit: None,
        };
        assert_same_both_ways(&ctx, &req);
        // Fewer destinations than a chunk's origins: backward searches.
        let req = MatrixRequest {
            destinations: Endpoints::Points(points(20)),
            ..req
        };
        assert_same_both_ways(&ctx, &req);
    }

    /// The hierarchy is chosen from the number of searches and, with a
    /// limit, from the share of the graph one search settles.
    #[test]
    fn the_hierarchy_pays_for_many_long_searches() {
        let g = crate::synthetic::road_grid(30, 30, 1).graph;
        let probe = vec![0];
        assert!(!hierarchy_pays(&g, 99, Some(&probe), None, 100.0));
        assert!(hierarchy_pays(&g, 100, Some(&probe), None, 100.0));
        // A limit that reaches everything counts every search whole, one
        // that reaches only the probe's node does not.
        assert!(hierarchy_pays(&g, 100, Some(&probe), Some(Time::MAX - 1), 100.0));
        assert!(!hierarchy_pays(&g, 50_000, Some(&probe), Some(0), 100.0));
    }
}
