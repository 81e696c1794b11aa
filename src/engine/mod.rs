//! The two engines behind every job, with one interface ([`Engine`]):
//! *enter these places and these sites, then search*. The
//! [`CommuneGraphEngine`] estimates drive times between neighbouring
//! communes (works everywhere with no download); the [`RoadNetworkEngine`]
//! drives a real road network the user brings. Both turn places and
//! facilities into entries into one [`RoadGraph`], which the searches of
//! [`crate::route`] run on; every output row names the engine that made it.

mod commune_graph;
mod road_network;

pub use commune_graph::CommuneGraphEngine;
pub use road_network::RoadNetworkEngine;

use crate::error::Result;
use crate::facilities::Facility;
use crate::graph::RoadGraph;
use crate::places::{Place, Site};
use crate::roads::RoadNetwork;

/// Places or sites entered into the graph, with the points that could not
/// be snapped within the limit (left unreachable, listed).
#[derive(Debug, Clone)]
pub struct Entered<T> {
    pub items: Vec<T>,
    /// Distance from each item to its road, metres (`None` on the commune
    /// graph).
    pub snap_m: Vec<Option<f64>>,
    /// Indices of the items farther than the snap limit from any road.
    pub far: Vec<usize>,
}

/// A road-travel engine: enters places and sites into its graph.
pub trait Engine: Send + Sync {
    /// The name written in every output (`engine=` column/property, the
    /// terminal, the summaries): `osm`, `matsim`, `links`, `ign-bdtopo`,
    /// `ign-route500`, and on the commune graph `commune-estimate` with its
    /// profile's tag (`commune-estimate v2#…`, see
    /// [`crate::communes::CommuneProfile::tag`]).
    fn name(&self) -> String;

    /// A one-line description for logs.
    fn describe(&self) -> String;

    /// What the engine is and its parameters, as data (the report's methods
    /// section and credits are written from it).
    fn info(&self) -> EngineInfo;

    /// The graph every search runs on.
    fn graph(&self) -> &RoadGraph;

    /// Places entered: on the commune graph each commune enters at its own
    /// node; on a road network its origin is snapped to the nearest road and
    /// enters at the nodes one can drive to from there.
    fn enter_places(&self, places: &[&Place]) -> Result<Entered<Place>>;

    /// Facilities as sites: on the commune graph a facility enters at the
    /// commune that holds it (or the nearest origin), with the leg from its
    /// door; on a road network it is snapped and entered from the nodes that
    /// lead to it. `deps[i]` is the département of `facilities[i]`.
    fn enter_sites(&self, facilities: &[Facility], deps: &[String]) -> Result<Entered<Site>>;

    /// The road network, for what only a real network can draw (isochrones
    /// from a grid of travel times over the roads); `None` on the commune
    /// graph.
    fn road_network(&self) -> Option<&RoadNetwork> {
        None
    }
}

/// Which engine a run used, as the methods section and the credits state it.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineKind {
    /// The graph of neighbouring communes (`engine=commune-estimate`).
    CommuneEstimate,
    /// An OpenStreetMap extract (`engine=osm`): its file name and its
    /// timestamp (the date of the data, e.g. `2024-05-01`) when known.
    Osm {
        extract: String,
        timestamp: Option<String>,
    },
    /// Any other road network (IGN, MATSim, link table): a name, the date
    /// of its data when known, and whether it derives from OpenStreetMap
    /// (then the ODbL credit is added) or from IGN (then IGN's Licence
    /// Ouverte credit is added).
    Network {
        name: String,
        date: Option<String>,
        from_osm: bool,
        from_ign: bool,
    },
}

impl EngineKind {
    /// The value written in every output's `engine` field.
    pub fn code(&self) -> &str {
        match self {
            EngineKind::CommuneEstimate => "commune-estimate",
            EngineKind::Osm { .. } => "osm",
            EngineKind::Network { name, .. } => name,
        }
    }

    /// Whether the data is (or may be) OpenStreetMap's.
    pub fn uses_osm(&self) -> bool {
        matches!(
            self,
            EngineKind::Osm { .. } | EngineKind::Network { from_osm: true, .. }
        )
    }
}

/// One parameter of the travel-time profile, shown as `name: value unit`
/// (e.g. `motorway`, 120, `km/h`; `detour factor`, 1.3, ``).
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub value: f64,
    pub unit: String,
}

impl Parameter {
    pub fn new(name: impl Into<String>, value: f64, unit: impl Into<String>) -> Self {
        Parameter {
            name: name.into(),
            value,
            unit: unit.into(),
        }
    }
}

/// An engine described as data.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineInfo {
    pub kind: EngineKind,
    /// Profile parameters in the order shown.
    pub parameters: Vec<Parameter>,
    /// How the profile was calibrated, one sentence (empty: not stated).
    pub calibration: String,
}
