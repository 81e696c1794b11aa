//! The commune-graph engine: drive times estimated between neighbouring
//! communes (see [`crate::communes::graph`]).

use std::collections::HashMap;

use geo::MultiPolygon;

use super::{Engine, EngineInfo, EngineKind, Entered, Parameter};
use crate::communes::{CommuneGraph, Communes, FacilityLocator};
use crate::error::Result;
use crate::facilities::Facility;
use crate::graph::RoadGraph;
use crate::places::{Place, Site};
use crate::units::NodeId;

/// The commune graph as an engine: a commune enters at its own node, a
/// facility at the commune that holds it.
pub struct CommuneGraphEngine {
    pub graph: CommuneGraph,
    locator: FacilityLocator,
}

impl CommuneGraphEngine {
    /// Wraps a commune graph; `polygons` (a commune table with outlines, for
    /// the départements at hand) lets facilities enter the commune that
    /// contains them rather than the nearest origin.
    pub fn new(graph: CommuneGraph, polygons: Option<&Communes>) -> Self {
        let locator = FacilityLocator::new(&graph, polygons);
        CommuneGraphEngine { graph, locator }
    }

    /// Same as [`CommuneGraphEngine::new`] with the outlines by INSEE code.
    pub fn with_outlines(graph: CommuneGraph, outlines: &HashMap<String, MultiPolygon<f64>>) -> Self {
        let by_node = graph
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(v, n)| Some((v as NodeId, outlines.get(&n.insee)?)));
        let locator = FacilityLocator::with_outlines(&graph, by_node);
        CommuneGraphEngine { graph, locator }
    }
}

impl Engine for CommuneGraphEngine {
    fn name(&self) -> String {
        format!("{} {}", crate::communes::graph::ENGINE, self.graph.profile.tag())
    }

    fn describe(&self) -> String {
        format!(
            "engine={} ({} communes, {} links; {}; an estimate, see docs/commune-engine.md)",
            self.name(),
            self.graph.nodes.len(),
            self.graph.num_edges(),
            self.graph.profile.describe()
        )
    }

    fn info(&self) -> EngineInfo {
        let p = &self.graph.profile;
        EngineInfo {
            kind: EngineKind::CommuneEstimate,
            parameters: p
                .parameters()
                .into_iter()
                .map(|(name, value, unit)| Parameter::new(name, value, unit))
                .collect(),
            calibration: format!(
                "Profile {}, calibrated on Corsica's OpenStreetMap road network and on quoted drive times (docs/commune-engine.md).",
                p.version()
            ),
        }
    }

    fn graph(&self) -> &RoadGraph {
        &self.graph.graph
    }

    fn enter_places(&self, places: &[&Place]) -> Result<Entered<Place>> {
        Ok(Entered {
            items: places
                .iter()
                .map(|&p| Place {
                    entries: self
                        .graph
                        .node_of(&p.id)
                        .map(|v| vec![(v, 0)])
                        .unwrap_or_default(),
                    ..p.clone()
                })
                .collect(),
            snap_m: vec![None; places.len()],
            far: Vec::new(),
        })
    }

    fn enter_sites(&self, facilities: &[Facility], deps: &[String]) -> Result<Entered<Site>> {
        Ok(Entered {
            items: facilities
                .iter()
                .zip(deps)
                .map(|(f, d)| {
                    let entries = self
                        .locator
                        .entry((f.lon_lat[0], f.lon_lat[1]))
                        .map(|x| vec![(x.node, x.time)])
                        .unwrap_or_default();
                    Site::new(f, d, entries)
                })
                .collect(),
            snap_m: vec![None; facilities.len()],
            far: Vec::new(),
        })
    }
}
