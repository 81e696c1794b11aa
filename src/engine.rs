//! The two engines behind every command, with one interface: the commune
//! estimate (works everywhere with no download) and a real road network the
//! user brings. Both turn communes into [`Place`]s and facilities into
//! [`Site`]s, i.e. entry points into one [`RoadGraph`].

use std::collections::HashMap;

use geo::MultiPolygon;

use crate::access::{Place, Site};
use crate::communes::{CommuneGraph, CommuneNode, FacilityLocator};
use crate::error::Result;
use crate::facilities::Facility;
use crate::graph::RoadGraph;
use crate::roads::{RoadNetwork, SnapOptions, Snapper};

/// A commune as every command sees it: the graph's node table row plus its
/// polygon when one was loaded.
#[derive(Debug, Clone)]
pub struct Territory {
    /// Every commune of France known to the run, sorted by INSEE code.
    pub communes: Vec<CommuneNode>,
    /// Outlines by INSEE code (only for the départements loaded).
    pub polygons: HashMap<String, MultiPolygon<f64>>,
    /// What loading found and the user should know (polygons repaired…).
    pub warnings: Vec<String>,
}

impl Territory {
    /// The origin (lon, lat) of a commune by INSEE code.
    pub fn origin(&self, insee: &str) -> Option<[f64; 2]> {
        self.index_of(insee)
            .map(|i| [self.communes[i].lon, self.communes[i].lat])
    }

    pub fn index_of(&self, insee: &str) -> Option<usize> {
        self.communes
            .binary_search_by(|c| c.insee.as_str().cmp(insee))
            .ok()
    }

    /// A function from a lon/lat point to the INSEE code of the commune
    /// whose origin is nearest (great-circle, among the 8 nearest in
    /// degrees). Polygons are not used, so that where a point is counted
    /// never depends on which polygons a run loaded.
    pub fn locator(&self) -> impl Fn(f64, f64) -> Option<String> + '_ {
        use rstar::primitives::GeomWithData;
        let tree = rstar::RTree::bulk_load(
            self.communes
                .iter()
                .enumerate()
                .map(|(i, c)| GeomWithData::new([c.lon, c.lat], i))
                .collect(),
        );
        move |lon, lat| {
            tree.nearest_neighbor_iter([lon, lat])
                .take(8)
                .map(|g| {
                    let c = &self.communes[g.data];
                    (crate::communes::haversine_m((lon, lat), (c.lon, c.lat)), g.data)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|(_, i)| self.communes[i].insee.clone())
        }
    }
}

/// The commune-estimate engine.
pub struct CommuneEngine {
    pub graph: CommuneGraph,
    locator: FacilityLocator,
}

impl CommuneEngine {
    /// Wraps a commune graph; `polygons` (a commune table with outlines)
    /// lets facilities of unknown commune enter the commune that contains
    /// them rather than the nearest origin. Runs that must not depend on
    /// which outlines were loaded pass `None`.
    pub fn new(graph: CommuneGraph, polygons: Option<&crate::communes::Communes>) -> Self {
        let locator = FacilityLocator::new(&graph, polygons);
        CommuneEngine { graph, locator }
    }
}

/// A road network the user brought (OpenStreetMap, MATSim, link table),
/// with the snapping settings.
pub struct RoadEngine {
    pub net: RoadNetwork,
    pub snap: SnapOptions,
    /// How many points may miss the network before a run stops.
    pub coverage: crate::roads::sanity::Coverage,
}

/// Which engine a run uses.
pub enum Engine {
    Communes(Box<CommuneEngine>),
    Roads(Box<RoadEngine>),
}

/// Places or sites entered into the graph, with the points that could not
/// be snapped within the limit (left unreachable, listed).
#[derive(Debug, Clone)]
pub struct Entered<T> {
    pub items: Vec<T>,
    /// Distance from each item to its road, metres (`None` on the commune
    /// engine).
    pub snap_m: Vec<Option<f64>>,
    /// Indices of the items farther than the snap limit from any road.
    pub far: Vec<usize>,
}

impl Engine {
    /// The name written in every output (`engine=` column/property).
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Communes(_) => crate::communes::graph::ENGINE,
            Engine::Roads(r) => r.net.info.engine.as_str(),
        }
    }

    /// A one-line description for logs and summaries.
    pub fn describe(&self) -> String {
        match self {
            Engine::Communes(e) => {
                let p = &e.graph.profile;
                format!(
                    "engine=commune-estimate ({} communes, {} links: neighbours at great-circle × {} / {} km/h + {} s, \
                     towns of {}+ inhabitants at × {} / {} km/h + {} s, towns of {}+ at × {} / {} km/h; \
                     an estimate, see docs/commune-engine.md)",
                    e.graph.nodes.len(),
                    e.graph.num_edges(),
                    p.detour,
                    p.speed_kmh,
                    p.hop_s,
                    p.backbone_min_pop,
                    p.backbone_detour,
                    p.backbone_speed_kmh,
                    p.backbone_s,
                    p.fast_min_pop,
                    p.fast_detour,
                    p.fast_speed_kmh
                )
            }
            Engine::Roads(r) => {
                let i = &r.net.info;
                format!(
                    "engine={} ({}: {}, data of {}, profile {}: {} nodes, {} arcs; {} nodes outside the largest strongly connected component dropped; \
                     snap leg at {} km/h, limit {} m) — {}",
                    i.engine.as_str(),
                    i.engine.description(),
                    i.source.display(),
                    i.timestamp.as_deref().unwrap_or("unknown date"),
                    i.profile,
                    r.net.graph.num_nodes(),
                    r.net.graph.num_arcs(),
                    i.report.dropped_nodes,
                    r.snap.leg_kmh,
                    r.snap.max_distance_m,
                    i.engine.attribution()
                )
            }
        }
    }

    pub fn graph(&self) -> &RoadGraph {
        match self {
            Engine::Communes(e) => &e.graph.graph,
            Engine::Roads(r) => &r.net.graph,
        }
    }

    /// Communes as places: on the commune graph each enters at its own node;
    /// on a road network its origin is snapped to the nearest road and
    /// enters at the nodes one can drive to from there.
    pub fn places(&self, communes: &[&CommuneNode]) -> Result<Entered<Place>> {
        let mk = |c: &CommuneNode, entries| Place {
            id: c.insee.clone(),
            name: c.name.clone(),
            dep: c.dep.clone(),
            population: c.population,
            origin: [c.lon, c.lat],
            origin_source: c.origin_source.as_str().to_string(),
            entries,
        };
        match self {
            Engine::Communes(e) => Ok(Entered {
                items: communes
                    .iter()
                    .map(|c| {
                        mk(
                            c,
                            e.graph
                                .node_of(&c.insee)
                                .map(|v| vec![(v, 0)])
                                .unwrap_or_default(),
                        )
                    })
                    .collect(),
                snap_m: vec![None; communes.len()],
                far: Vec::new(),
            }),
            Engine::Roads(r) => {
                let points: Vec<[f64; 2]> = communes.iter().map(|c| [c.lon, c.lat]).collect();
                let rep = Snapper::new(&r.net).snap_all(&points, &r.snap)?;
                let items = communes
                    .iter()
                    .zip(&rep.snaps)
                    .map(|(c, s)| mk(c, if s.far { Vec::new() } else { s.outbound.clone() }))
                    .collect();
                Ok(Entered {
                    items,
                    snap_m: rep.snaps.iter().map(|s| Some(s.distance_m)).collect(),
                    far: rep.far,
                })
            }
        }
    }

    /// Facilities as sites: on the commune graph a facility enters at its
    /// own commune (or the commune holding it, or the nearest origin: see
    /// [`FacilityLocator::entry_in`]), with the leg from its door; on a road network it is snapped and entered from the nodes that
    /// lead to it. `deps[i]` is the département of `facilities[i]`.
    pub fn sites(&self, facilities: &[Facility], deps: &[String]) -> Result<Entered<Site>> {
        let mk = |f: &Facility, dep: &str, entries| Site {
            id: f.id.clone(),
            name: f.name.clone(),
            dep: dep.to_string(),
            position: f.lon_lat,
            position_source: f.source.to_string(),
            entries,
        };
        match self {
            Engine::Communes(e) => Ok(Entered {
                items: facilities
                    .iter()
                    .zip(deps)
                    .map(|(f, d)| {
                        let own = f.commune.as_deref().and_then(|c| e.graph.node_of(c));
                        let entries = e
                            .locator
                            .entry_in(own, (f.lon_lat[0], f.lon_lat[1]))
                            .map(|x| vec![(x.node, x.time)])
                            .unwrap_or_default();
                        mk(f, d, entries)
                    })
                    .collect(),
                snap_m: vec![None; facilities.len()],
                far: Vec::new(),
            }),
            Engine::Roads(r) => {
                let points: Vec<[f64; 2]> = facilities.iter().map(|f| f.lon_lat).collect();
                let rep = Snapper::new(&r.net).snap_all(&points, &r.snap)?;
                let items = facilities
                    .iter()
                    .zip(deps)
                    .zip(&rep.snaps)
                    .map(|((f, d), s)| mk(f, d, if s.far { Vec::new() } else { s.inbound.clone() }))
                    .collect();
                Ok(Entered {
                    items,
                    snap_m: rep.snaps.iter().map(|s| Some(s.distance_m)).collect(),
                    far: rep.far,
                })
            }
        }
    }
}

impl Engine {
    /// On a road network, checks that the `places` in scope (entered, with
    /// the indices of those `far` beyond the snap limit and their distances
    /// `snap_m`) and the `sites` within their extent reach the
    /// network ([`crate::roads::sanity`]): an error when too many miss it,
    /// the warnings when allowed. Nothing to check on the commune graph.
    pub fn check_coverage(
        &self,
        places: &[Place],
        snap_m: &[Option<f64>],
        far: &[usize],
        sites: &[Site],
    ) -> Result<Vec<String>> {
        use crate::roads::sanity::Far;
        let Engine::Roads(r) = self else {
            return Ok(Vec::new());
        };
        let src = &r.net.info.source;
        let limit = r.snap.max_distance_m;
        let km = |d: Option<f64>| d.map_or_else(String::new, |d| format!(" ({:.1} km)", d / 1000.0));
        let places_far = Far {
            what: "communes in scope",
            far: far.len(),
            total: places.len(),
            examples: far
                .iter()
                .take(3)
                .map(|&i| {
                    format!(
                        "{} {}{}",
                        places[i].id,
                        places[i].name,
                        km(snap_m.get(i).copied().flatten())
                    )
                })
                .collect(),
        };
        // the facilities within the extent of the communes in scope
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in places {
            (x0, x1) = (x0.min(p.origin[0]), x1.max(p.origin[0]));
            (y0, y1) = (y0.min(p.origin[1]), y1.max(p.origin[1]));
        }
        let inside = |q: [f64; 2]| (x0..=x1).contains(&q[0]) && (y0..=y1).contains(&q[1]);
        let local: Vec<&Site> = sites.iter().filter(|s| inside(s.position)).collect();
        let sites_far: Vec<&&Site> = local.iter().filter(|s| s.entries.is_empty()).collect();
        let sites_far = Far {
            what: "facilities within the extent of the communes in scope",
            far: sites_far.len(),
            total: local.len(),
            examples: sites_far
                .iter()
                .take(3)
                .map(|s| format!("{} {}", s.id, s.name))
                .collect(),
        };
        let mut out = Vec::new();
        out.extend(r.coverage.check_snapped(src, limit, &places_far)?);
        out.extend(r.coverage.check_snapped(src, limit, &sites_far)?);
        Ok(out)
    }

    /// The engine as the report's methods section describes it, with its
    /// profile parameters.
    pub fn methods(&self) -> (crate::report::Engine, Vec<crate::report::Parameter>, String) {
        use crate::report::{Engine as E, Parameter};
        match self {
            Engine::Communes(e) => {
                let p = &e.graph.profile;
                (
                    E::CommuneEstimate,
                    vec![
                        Parameter::new("neighbour links: detour factor", p.detour, ""),
                        Parameter::new("neighbour links: speed", p.speed_kmh, "km/h"),
                        Parameter::new("neighbour links: per commune crossed", p.hop_s, "s"),
                        Parameter::new(
                            "town links: from population",
                            p.backbone_min_pop as f64,
                            "inhabitants",
                        ),
                        Parameter::new("town links: detour factor", p.backbone_detour, ""),
                        Parameter::new("town links: speed", p.backbone_speed_kmh, "km/h"),
                        Parameter::new("town links: per link", p.backbone_s, "s"),
                        Parameter::new(
                            "fast links: from population",
                            p.fast_min_pop as f64,
                            "inhabitants",
                        ),
                        Parameter::new("fast links: detour factor", p.fast_detour, ""),
                        Parameter::new("fast links: speed", p.fast_speed_kmh, "km/h"),
                    ],
                    "Calibrated on Corsica's OpenStreetMap road network (docs/commune-engine.md).".into(),
                )
            }
            Engine::Roads(r) => {
                let i = &r.net.info;
                let engine = match i.engine {
                    crate::roads::Engine::Osm => E::Osm {
                        extract: i.source.display().to_string(),
                        timestamp: i.timestamp.clone(),
                    },
                    _ => E::Network {
                        name: i.engine.as_str().to_string(),
                        date: i.timestamp.clone(),
                        from_osm: i.engine.from_osm(),
                        from_ign: i.engine.from_ign(),
                    },
                };
                (
                    engine,
                    vec![
                        Parameter::new("leg from the point to the road", r.snap.leg_kmh, "km/h"),
                        Parameter::new("snap limit", r.snap.max_distance_m, "m"),
                    ],
                    format!("Car profile {} (docs/roads.md).", i.profile),
                )
            }
        }
    }
}
