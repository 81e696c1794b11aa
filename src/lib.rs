//! # medaccess
//!
//! Drive times from every French commune to the nearest health facility:
//! road-travel graphs (from OpenStreetMap or estimated between neighbouring
//! communes), fast parallel shortest paths, déserts médicaux, scenarios and
//! QGIS-ready outputs.
//!
//! The library is laid out the way data flows: [`graph`] (the road-travel
//! graph) → [`route`] (shortest-path searches).

pub mod access;
pub mod communes;
pub mod engine;
pub mod error;
pub mod facilities;
pub mod france;
pub mod gp;
pub mod graph;
pub mod io;
pub mod job;
pub mod output;
pub mod planner;
pub mod report;
pub mod roads;
pub mod route;
pub mod synthetic;
pub mod units;

pub use error::{Error, Result};
