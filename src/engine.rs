//! The two engines behind every command, with one interface: the commune
//! estimate (works everywhere with no download) and a real road network the
//! user brings. Both turn communes into [`Place`]s and facilities into
//! [`Site`]s, i.e. entry points into one [`RoadGraph`].

use std::collections::HashMap;

use geo::MultiPolygon;

use crate::access::{Place, Site};
use crate::communes::{CommuneGraph, CommuneNode, FacilityLocator};
use crate::facilities::Facility;
use crate::graph::RoadGraph;

/// A commune as every command sees it: the graph's node table row plus its
/// polygon when one was loaded.
#[derive(Debug, Clone)]
pub struct Territory {
    /// Every commune of France known to the run, sorted by INSEE code.
    pub communes: Vec<CommuneNode>,
    /// Outlines by INSEE code (only for the départements loaded).
    pub polygons: HashMap<String, MultiPolygon<f64>>,
}

impl Territory {
    /// The origin (lon, lat) of a commune by INSEE code.
    pub fn origin(&self, insee: &str) -> Option<[f64; 2]> {
        self.index_of(insee).map(|i| [self.communes[i].lon, self.communes[i].lat])
    }

    pub fn index_of(&self, insee: &str) -> Option<usize> {
        self.communes.binary_search_by(|c| c.insee.as_str().cmp(insee)).ok()
    }
}

/// The commune-estimate engine.
pub struct CommuneEngine {
    pub graph: CommuneGraph,
    locator: FacilityLocator,
}

impl CommuneEngine {
    /// Wraps a commune graph; `polygons` (a commune table with outlines, for
    /// the départements at hand) lets facilities enter the commune that
    /// contains them rather than the nearest origin.
    pub fn new(graph: CommuneGraph, polygons: Option<&crate::communes::Communes>) -> Self {
        let locator = FacilityLocator::new(&graph, polygons);
        CommuneEngine { graph, locator }
    }
}

/// Which engine a run uses.
pub enum Engine {
    Communes(Box<CommuneEngine>),
}

impl Engine {
    /// The name written in every output (`engine=` column/property).
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Communes(_) => crate::communes::graph::ENGINE,
        }
    }

    /// A one-line description for logs and summaries.
    pub fn describe(&self) -> String {
        match self {
            Engine::Communes(e) => {
                let p = &e.graph.profile;
                format!(
                    "engine=commune-estimate ({} communes, {} neighbour links; time = great-circle × {} / {} km/h + {} s per commune crossed: an estimate, see docs/commune-engine.md)",
                    e.graph.nodes.len(),
                    e.graph.num_edges(),
                    p.detour,
                    p.speed_kmh,
                    p.hop_s
                )
            }
        }
    }

    pub fn graph(&self) -> &RoadGraph {
        match self {
            Engine::Communes(e) => &e.graph.graph,
        }
    }

    /// A commune as a place: it enters the graph at its own node.
    pub fn place(&self, c: &CommuneNode) -> Place {
        let entries = match self {
            Engine::Communes(e) => e.graph.node_of(&c.insee).map(|v| vec![(v, 0)]).unwrap_or_default(),
        };
        Place {
            id: c.insee.clone(),
            name: c.name.clone(),
            dep: c.dep.clone(),
            population: c.population,
            origin: [c.lon, c.lat],
            origin_source: c.origin_source.as_str().to_string(),
            entries,
        }
    }

    /// A facility as a site: it enters the graph at the commune that holds
    /// it (or the nearest origin), with the leg from its door to there.
    pub fn site(&self, f: &Facility, dep: &str) -> Site {
        let entries = match self {
            Engine::Communes(e) => e
                .locator
                .entry((f.lon_lat[0], f.lon_lat[1]))
                .map(|x| vec![(x.node, x.time)])
                .unwrap_or_default(),
        };
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
