//! Places and sites as every job sees them: a [`Place`] is a commune (or
//! any population point) whose access is measured, a [`Site`] a facility,
//! each with its *entries* into the engine's road graph. [`Places`] is the
//! table of every commune known to a run, with the outlines loaded.
//!
//! Both rows are built once from what the loaders read ([`Place::from`] a
//! commune graph node, [`Site::new`] a loaded facility); the engines fill in the entries.

use std::collections::HashMap;

use geo::MultiPolygon;

use crate::communes::{CommuneNode, Scope};
use crate::error::{Error, Result};
use crate::facilities::Facility;
use crate::units::{NodeId, Time};

/// Entry points of a place into the graph: `(node, time)` pairs. For a
/// place, the time from the place to the node; for a site, from the node to
/// the site.
pub type Entries = Vec<(NodeId, Time)>;

/// A place whose access is measured (a commune, or any population point).
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// INSEE code for a commune.
    pub id: String,
    pub name: String,
    /// Département code.
    pub dep: String,
    /// Inhabitants; `None` when unknown.
    pub population: Option<u64>,
    /// The origin actually used, `[lon, lat]` degrees WGS84.
    pub origin: [f64; 2],
    /// How the origin was chosen (e.g. `mairie`, `interior-point`).
    pub origin_source: String,
    /// Where the place enters the graph (empty before an engine entered it,
    /// or when it could not be entered).
    pub entries: Entries,
}

impl From<&CommuneNode> for Place {
    /// A commune of the commune graph's table, not yet entered.
    fn from(c: &CommuneNode) -> Self {
        Place {
            id: c.insee.clone(),
            name: c.name.clone(),
            dep: c.dep.clone(),
            population: c.population,
            origin: [c.lon, c.lat],
            origin_source: c.origin_source.as_str().to_string(),
            entries: Vec::new(),
        }
    }
}

/// A facility as the searches see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: String,
    pub name: String,
    /// Département code (of the facility's commune, else the first two
    /// characters of its id, as FINESS numbers begin).
    pub dep: String,
    /// `[lon, lat]` degrees WGS84.
    pub position: [f64; 2],
    /// How the position was found (e.g. `eurostat`, `commune-town-hall`).
    pub position_source: String,
    /// Where the site is entered from (empty when off the graph).
    pub entries: Entries,
}

impl Site {
    /// A facility as a site of département `dep`, entered at `entries`.
    pub fn new(f: &Facility, dep: &str, entries: Entries) -> Self {
        Site {
            id: f.id.clone(),
            name: f.name.clone(),
            dep: dep.to_string(),
            position: f.lon_lat,
            position_source: f.source.to_string(),
            entries,
        }
    }
}

/// Every commune known to a run, sorted by INSEE code, with the outlines
/// loaded (commune polygons, for the départements at hand).
#[derive(Debug, Clone, Default)]
pub struct Places {
    rows: Vec<Place>,
    /// Outlines by INSEE code.
    polygons: HashMap<String, MultiPolygon<f64>>,
}

impl Places {
    /// A table from rows sorted by id and the outlines known.
    ///
    /// # Errors
    /// Rows not sorted by id, or an id twice.
    pub fn new(rows: Vec<Place>, polygons: HashMap<String, MultiPolygon<f64>>) -> Result<Self> {
        if let Some(w) = rows.windows(2).find(|w| w[0].id >= w[1].id) {
            return Err(Error::Invalid(format!(
                "places must be sorted by id, once each: `{}` before `{}`",
                w[0].id, w[1].id
            )));
        }
        Ok(Places { rows, polygons })
    }

    /// Every place, sorted by id.
    pub fn rows(&self) -> &[Place] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Index of a place by id (INSEE code).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rows.binary_search_by(|p| p.id.as_str().cmp(id)).ok()
    }

    /// A place by id.
    pub fn get(&self, id: &str) -> Option<&Place> {
        self.index_of(id).map(|i| &self.rows[i])
    }

    /// The origin `[lon, lat]` of a place by id: a commune's town hall, as
    /// facilities without a position fall back to.
    pub fn origin(&self, id: &str) -> Option<[f64; 2]> {
        self.get(id).map(|p| p.origin)
    }

    /// The outline of a place, when loaded.
    pub fn polygon(&self, id: &str) -> Option<&MultiPolygon<f64>> {
        self.polygons.get(id)
    }

    /// Whether any outline is loaded.
    pub fn has_polygons(&self) -> bool {
        !self.polygons.is_empty()
    }

    /// Indices of the places in `scope`, ascending.
    ///
    /// # Errors
    /// An unknown code, or a scope that selects no place.
    pub fn select(&self, scope: &Scope) -> Result<Vec<usize>> {
        scope.select_by(self.rows.len(), |i| &self.rows[i].dep, |c| self.index_of(c))
    }

    /// A function from a lon/lat point to the id of the place whose origin
    /// is nearest (great-circle, among the 8 nearest in degrees). Outlines
    /// are not used, so that where a point is counted never depends on
    /// which outlines a run loaded.
    pub fn locator(&self) -> impl Fn(f64, f64) -> Option<String> + '_ {
        use rstar::primitives::GeomWithData;
        let tree = rstar::RTree::bulk_load(
            self.rows
                .iter()
                .enumerate()
                .map(|(i, p)| GeomWithData::new(p.origin, i))
                .collect(),
        );
        move |lon, lat| {
            tree.nearest_neighbor_iter([lon, lat])
                .take(8)
                .map(|g| {
                    let o = self.rows[g.data].origin;
                    (crate::communes::haversine_m((lon, lat), (o[0], o[1])), g.data)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|(_, i)| self.rows[i].id.clone())
        }
    }
}

impl std::ops::Index<usize> for Places {
    type Output = Place;
    fn index(&self, i: usize) -> &Place {
        &self.rows[i]
    }
}
