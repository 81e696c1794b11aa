//! Whole runs, as the command line, batch scripts and bindings call them.
//!
//! One module per job, each with a `run` function. Every job takes a
//! [`Context`] (the data, the engine and the communes of
//! the run, loaded once by [`Context::load`]) and a typed request, and
//! returns a typed result that carries everything its outputs and its
//! report need: the layers to write ([`crate::output::Layer`]), the summary
//! text, the HTML report ([`crate::report::Report`]) are functions of the
//! result. Nothing here prints, exits or writes a file; progress and
//! timings go through a [`Progress`].
//!
//! | job | request | result |
//! |---|---|---|
//! | nearest facility for every commune | [`AccessRequest`] | [`AccessResult`] |
//! | close and open sites | [`ScenarioRequest`] | [`ScenarioResult`] |
//! | every site by what its closure does | [`RankRequest`] | [`RankResult`] |
//! | where new sites help most | [`SiteRequest`] | [`SiteResult`] |
//! | DREES years, closures | [`HistoryRequest`] | [`HistoryResult`] |
//! | communes dissolved by nearest site | [`CatchmentsRequest`] | [`CatchmentsResult`] |
//! | time-band polygons | [`IsochronesRequest`] | [`IsochronesResult`] |
//! | GP access, 2SFCA | [`GpRequest`] | [`GpResult`] |
//! | origin-destination times | [`MatrixRequest`] | [`MatrixResult`] |
//! | grids of parameters or closures | [`Sweep`] (a TOML plan) | [`SweepResult`] |
//!
//! A study file ([`study::Study`]) writes down the options of several runs;
//! each run records them beside its outputs ([`study::RunRecord`]).
//!
//! Any kind of facility goes through the same jobs: a
//! [`crate::facilities::FacilitySet`] from [`Context::facilities`].

pub mod access;
pub mod catchments;
mod context;
pub mod gp;
pub mod history;
pub mod isochrones;
pub mod matrix;
pub mod rank;
pub mod scenario;
pub mod site;
pub mod study;
pub mod sweep;
mod table;

pub use access::{AccessRequest, AccessResult, Comparison};
pub use catchments::{CatchmentsRequest, CatchmentsResult};
pub use context::{Context, Data, DataPaths, FacilitySource, Roads};
pub use gp::{GpRequest, GpResult};
pub use history::{HistoryRequest, HistoryResult};
pub use isochrones::{IsochronesRequest, IsochronesResult};
pub use matrix::{Endpoints, MatrixRequest, MatrixResult, TableFormat};
pub use rank::{RankRequest, RankResult};
pub use scenario::{NewSite, ScenarioRequest, ScenarioResult};
pub use site::{SiteRequest, SiteResult};
pub use sweep::{PartFile, Sweep, SweepResult};

use std::path::{Path, PathBuf};

/// Where a job says how far it has got, and how long a stage took. The
/// command line draws progress bars and prints timings on stderr; a
/// library caller may ignore both ([`Silent`]).
pub trait Progress: Sync {
    /// `done` of `total` units of `what` (e.g. per cent of a road file read).
    fn step(&self, _what: &str, _done: u64, _total: u64) {}
    /// A stage finished in `seconds`.
    fn timing(&self, _what: &str, _seconds: f64) {}
    /// Whether the caller asked to stop (Ctrl-C in Python, a closed
    /// client). Long jobs (matrix, sweep) ask between chunks of work and
    /// return [`crate::Error::Cancelled`]; the others run to the end.
    fn cancelled(&self) -> bool {
        false
    }
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// The environment variable naming a folder of data laid out as
/// `fixtures/` (see [`data_dir`]).
pub const DATA_ENV: &str = "MEDACCESS_DATA";

/// The folder the default data is read from: `$MEDACCESS_DATA` when set,
/// else a `fixtures` folder beside the executable (or in
/// `../share/medaccess/` from it, as an installed prefix lays it out), else
/// the data compiled into the binary (`embedded:fixtures`). An
/// installed `medaccess` thus runs from any folder.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(bin) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(PathBuf::from))
    {
        for dir in [bin.join("fixtures"), bin.join("../share/medaccess/fixtures")] {
            if dir.join(crate::communes::fixtures::GRAPH_FILE).is_file() {
                return dir;
            }
        }
    }
    PathBuf::from(crate::embedded::DIR)
}

/// Whether `path` names the data compiled into the binary
/// (`embedded:fixtures` or a file in it): not a path of the file system,
/// never made absolute.
pub fn is_embedded(path: &Path) -> bool {
    path.starts_with(crate::embedded::DIR)
}

/// [`data_dir`] as a record names it: absolute (a relative
/// `$MEDACCESS_DATA` is the current folder's), the embedded data as is.
pub fn data_dir_absolute() -> PathBuf {
    let dir = data_dir();
    if is_embedded(&dir) {
        return dir;
    }
    std::path::absolute(&dir).unwrap_or(dir)
}

/// Seconds since `t0`, for [`Progress::timing`].
fn seconds_since(t0: std::time::Instant) -> f64 {
    t0.elapsed().as_secs_f64()
}
