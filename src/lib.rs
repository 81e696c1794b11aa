//! # medaccess
//!
//! Drive times from every French commune to the nearest health facility:
//! road-travel graphs (estimated between neighbouring communes, or read from
//! a road network), fast parallel shortest paths, déserts médicaux,
//! scenarios, GP accessibility, and QGIS-ready outputs.
//!
//! ## Jobs
//!
//! The library is a set of jobs ([`jobs`]), each a typed request and a
//! typed result; the `medaccess` binary is a thin shell over them. Load a
//! [`Context`] once (data, engine, communes in scope), load a
//! [`FacilitySet`] of any kind, run a job:
//!
//! ```
//! use medaccess::jobs::{self, AccessRequest, Context, Data, FacilitySource, Silent};
//! use medaccess::Scope;
//!
//! // The data shipped with medaccess: the commune graph of France, the
//! // DREES maternity list, commune polygons of 64, 40, 65, 32.
//! let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent)?;
//! let maternities = ctx.facilities(&FacilitySource::Drees { year: 2016 })?;
//! let run = jobs::access::run(&ctx, &AccessRequest::with_kind_defaults(maternities), &Silent)?;
//! assert_eq!(run.summary.total.population, 677_309);
//! // Outputs and report are functions of the result:
//! let layers = run.layers("maternity-access-64-2016", false, medaccess::report::Lang::Fr);
//! assert_eq!(layers[0].features.len(), 545);
//! # Ok::<(), medaccess::Error>(())
//! ```
//!
//! ## Layout
//!
//! Code follows the data, and no module reaches up this line:
//! load ([`communes`], [`facilities`], [`roads`]) → model ([`places`]) →
//! graph ([`graph`]) → engines ([`engine`]: enter places and sites) →
//! searches ([`route`]) → metrics ([`access`], [`planner`], [`gp`]) →
//! files ([`output`], [`report`]) → [`jobs`].

// The library says nothing: jobs report through their results and
// `jobs::Progress`; only the binary prints.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod access;
pub mod communes;
mod embedded;
pub mod engine;
mod error;
pub mod facilities;
pub mod gp;
pub mod graph;
pub mod io;
pub mod jobs;
pub mod output;
pub mod places;
pub mod planner;
pub mod report;
pub mod roads;
pub mod route;
pub mod synthetic;
pub mod units;

pub use communes::Scope;
pub use engine::{CommuneGraphEngine, Engine, RoadNetworkEngine};
pub use error::{Error, Result};
pub use facilities::{Facility, FacilityKind, FacilitySet};
pub use jobs::{Context, Data, FacilitySource};
pub use places::{Place, Places, Site};
