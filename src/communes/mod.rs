//! Communes: the places whose inhabitants drive to a facility.
//!
//! Data flow: [`load`] (INSEE code, name, département, population, town-hall
//! point, centroid and polygon, from the `communes-france` extract or any
//! user CSV/GeoJSON) → [`origin`] (each commune's ORIGIN: the town hall when
//! it lies in its own polygon, else a checked fallback, always flagged by an
//! [`OriginSource`]) → [`graph`] (the commune-estimate road graph, which works
//! with no road data) → [`entry`] (where a facility at a lon/lat point enters
//! that graph). [`baac`] derives from the national road-accident files
//! which numbered roads cross each commune ([`road_table`]), which
//! [`mod@road_links`] turns into the road classes of the links; [`profile`]
//! holds the parameters that turn links into times; [`mod@file`] reads and
//! writes graph files. [`regions`] maps INSEE regions to départements and selects a
//! [`Scope`]; [`fixtures`] writes and reads the copies shipped in `fixtures/`.
//!
//! Coordinates are WGS84 longitude/latitude in degrees throughout.

pub mod baac;
pub mod cited;
pub mod entry;
pub mod file;
pub mod fixtures;
pub mod graph;
pub mod load;
pub mod origin;
pub mod polygon_check;
pub mod profile;
pub mod regions;
pub mod road_links;
pub mod road_table;
mod segments;
#[cfg(test)]
mod tests;

pub use entry::{EntryKind, FacilityEntry, FacilityLocator};
pub use file::{read_commune_graph, read_commune_graph_with, read_commune_links, write_commune_graph};
pub use graph::{
    CommuneGraph, CommuneLinks, CommuneNode, NO_MOTORWAY_DEPS, backbone_pairs, build_commune_graph,
    build_commune_graph_with, commune_links,
};
pub use load::{Commune, Communes, GeoJsonProperties, PointColumns};
pub use origin::{OriginSource, choose_origin};
pub use profile::{CommuneProfile, PerClass, ProfileV1, ProfileV2};
pub use regions::{DEPARTEMENTS, REGIONS, Scope, departement_name, region_departements, region_name};
pub use road_links::{RoadLinkOptions, RoadLinks, road_links};
pub use road_table::{RoadClass, RoadId, RoadTable};

/// Great-circle distance between two lon/lat points, in metres (haversine
/// formula on geo's mean Earth radius, 6,371,008.8 m; error under 0.5 % against the ellipsoid, far below the spread of
/// road detours).
///
/// # Examples
/// ```
/// use medaccess::communes::haversine_m;
/// // Pau town hall → Oloron-Sainte-Marie town hall: about 22 km
/// let d = haversine_m((-0.370821, 43.294562), (-0.605171, 43.194390));
/// assert!((d - 21_900.0).abs() < 500.0, "{d}");
/// ```
pub fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    use geo::Distance;
    geo::Haversine.distance(geo::Point::new(a.0, a.1), geo::Point::new(b.0, b.1))
}
