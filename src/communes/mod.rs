//! Communes: the places whose inhabitants drive to a facility.
//!
//! Data flow: [`load`] (INSEE code, name, département, population, town-hall
//! point, centroid and polygon, from the `communes-france` extract or any
//! user CSV/GeoJSON) → [`origin`] (each commune's ORIGIN: the town hall when
//! it lies in its own polygon, else a checked fallback, always flagged by an
//! [`OriginSource`]) → [`graph`] (the commune-estimate road graph, which works
//! with no road data) → [`entry`] (where a facility at a lon/lat point enters
//! that graph). [`regions`] maps INSEE regions to départements and selects a
//! [`Scope`]; [`fixtures`] writes and reads the copies shipped in `fixtures/`.
//!
//! Coordinates are WGS84 longitude/latitude in degrees throughout.

pub mod cited;
pub mod entry;
pub mod fixtures;
pub mod graph;
pub mod load;
pub mod origin;
pub mod regions;
mod segments;
#[cfg(test)]
mod tests;

pub use entry::{EntryKind, FacilityEntry, FacilityLocator};
pub use graph::{
    CommuneGraph, CommuneLinks, CommuneNode, CommuneProfile, NO_MOTORWAY_DEPS, backbone_pairs,
    build_commune_graph, commune_links, read_commune_graph, write_commune_graph,
};
pub use load::{Commune, Communes, GeoJsonProperties, PointColumns};
pub use origin::{OriginSource, choose_origin};
pub use regions::{DEPARTEMENTS, REGIONS, Scope, departement_name, region_departements, region_name};

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
