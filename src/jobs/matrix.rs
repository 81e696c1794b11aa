//! Origin–destination travel times: from every origin (the communes in
//! scope, or any points) to every destination (a facility set, any points,
//! or the communes), within an optional limit, as the long table
//! `origin, destination, minutes` that PySAL `access`, r5py and OSRM users
//! expect.
//!
//! The times are the engine's, as every job sees them: an origin drives
//! from its entries into the graph, a destination is reached through its
//! entries (the leg from the road to its door included); the searches are
//! [`crate::route::matrix`]'s.

use super::{Context, Progress, seconds_since};
use crate::engine::Entered;
use crate::error::{Error, Result};
use crate::facilities::{Facility, FacilitySet, PositionSource};
use crate::output::Document;
use crate::places::{Entries, Place, Site};
use crate::route::matrix;
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
    pub limit: Option<f64>,
    /// `engine=` of the run.
    pub engine: String,
}

/// Origins per chunk of searches: the matrix of one chunk is held at once,
/// and cancellation is checked between chunks.
const CHUNK: usize = 256;

/// Runs the matrix.
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
    let limit = match req.limit {
        Some(m) if !(m.is_finite() && m >= 0.0) => {
            return Err(Error::Invalid(format!(
                "--limit: {m} is not a number of minutes >= 0"
            )));
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
    let mut rows = Vec::new();
    let chunks = origins.len().div_ceil(CHUNK);
    for (c, chunk) in origins.chunks(CHUNK).enumerate() {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        progress.step("matrix", c as u64, chunks as u64);
        let sources: Vec<NodeId> = chunk.iter().flat_map(|(_, e)| e.iter().map(|x| x.0)).collect();
        let m = matrix(graph, &sources, &targets, limit);
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
        limit: req.limit,
        engine: ctx.engine.name(),
    })
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
