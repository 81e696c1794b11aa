//! The road-network engine: a network the user brings (OpenStreetMap,
//! MATSim, IGN, link table), places and facilities snapped to its roads.

use std::path::Path;
use std::sync::OnceLock;

use super::{Engine, EngineInfo, EngineKind, Entered, Parameter};
use crate::error::Result;
use crate::facilities::Facility;
use crate::graph::RoadGraph;
use crate::places::{Place, Site};
use crate::roads::{CarProfile, NetworkSource, ReadOptions, RoadNetwork, SnapIndex, SnapOptions, Snapper};

/// A road network with the snapping settings.
pub struct RoadNetworkEngine {
    pub net: RoadNetwork,
    pub snap: SnapOptions,
    /// The snapping index, built on first use and shared by every snap of
    /// the run (places and sites; building it costs about half a second per
    /// million nodes).
    snap_index: OnceLock<SnapIndex>,
}

impl RoadNetworkEngine {
    /// An engine on `net` snapping with `snap`.
    pub fn new(net: RoadNetwork, snap: SnapOptions) -> Self {
        RoadNetworkEngine {
            net,
            snap,
            snap_index: OnceLock::new(),
        }
    }

    /// A snapper on the run's shared index (built on first call).
    pub fn snapper(&self) -> Snapper<'_> {
        Snapper::with_index(
            &self.net,
            self.snap_index.get_or_init(|| SnapIndex::new(&self.net)),
        )
    }

    /// Reads a road network from `file` (any format [`crate::roads::input`]
    /// recognises by content), through the cache in `cache_dir` (keyed by
    /// the input files' checksums, the profile, the import options and the
    /// format version; a stale or corrupt cache is rebuilt) with the car
    /// `profile` (normally [`CarProfile::france`]). Returns the cache
    /// warnings.
    pub fn load(
        file: &Path,
        opts: &ReadOptions,
        cache_dir: Option<&Path>,
        profile: &CarProfile,
        snap: SnapOptions,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<(Self, Vec<String>)> {
        let (net, warnings) = match cache_dir {
            Some(dir) => {
                let (net, outcome) = crate::roads::load_or_build_with(file, profile, opts, dir, progress)?;
                (net, outcome.warnings)
            }
            None => (RoadNetwork::read_with(file, profile, opts, progress)?, Vec::new()),
        };
        Ok((RoadNetworkEngine::new(net, snap), warnings))
    }

    /// Snaps points and enters them, with the distance of each to its road.
    fn snapped<T>(
        &self,
        points: &[[f64; 2]],
        make: impl Fn(usize, crate::places::Entries) -> T,
        inbound: bool,
    ) -> Result<Entered<T>> {
        let rep = self.snapper().snap_all(points, &self.snap)?;
        let items = rep
            .snaps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let entries = match (s.far, inbound) {
                    (true, _) => Vec::new(),
                    (false, true) => s.inbound.clone(),
                    (false, false) => s.outbound.clone(),
                };
                make(i, entries)
            })
            .collect();
        Ok(Entered {
            items,
            snap_m: rep.snaps.iter().map(|s| Some(s.distance_m)).collect(),
            far: rep.far,
        })
    }
}

impl Engine for RoadNetworkEngine {
    fn name(&self) -> String {
        self.net.info.engine.as_str().to_string()
    }

    fn describe(&self) -> String {
        let i = &self.net.info;
        format!(
            "engine={} ({}: {}, data of {}, profile {}: {} nodes, {} arcs; {} nodes outside the largest strongly connected component dropped; \
             snap leg at {} km/h, limit {} m) — {}",
            i.engine.as_str(),
            i.engine.description(),
            i.source.display(),
            i.timestamp.as_deref().unwrap_or("unknown date"),
            i.profile,
            self.net.graph.num_nodes(),
            self.net.graph.num_arcs(),
            i.report.dropped_nodes,
            self.snap.leg_kmh,
            self.snap.max_distance_m,
            i.engine.attribution()
        )
    }

    fn info(&self) -> EngineInfo {
        let i = &self.net.info;
        let kind = match i.engine {
            NetworkSource::Osm => EngineKind::Osm {
                extract: i.source.display().to_string(),
                timestamp: i.timestamp.clone(),
            },
            _ => EngineKind::Network {
                name: i.engine.as_str().to_string(),
                date: i.timestamp.clone(),
                from_osm: i.engine.from_osm(),
                from_ign: i.engine.from_ign(),
            },
        };
        EngineInfo {
            kind,
            parameters: vec![
                Parameter::new("leg from the point to the road", self.snap.leg_kmh, "km/h"),
                Parameter::new("snap limit", self.snap.max_distance_m, "m"),
            ],
            calibration: format!("Car profile {} (docs/roads.md).", i.profile),
        }
    }

    fn graph(&self) -> &RoadGraph {
        &self.net.graph
    }

    fn enter_places(&self, places: &[&Place]) -> Result<Entered<Place>> {
        let points: Vec<[f64; 2]> = places.iter().map(|p| p.origin).collect();
        self.snapped(
            &points,
            |i, entries| Place {
                entries,
                ..places[i].clone()
            },
            false,
        )
    }

    fn enter_sites(&self, facilities: &[Facility], deps: &[String]) -> Result<Entered<Site>> {
        let points: Vec<[f64; 2]> = facilities.iter().map(|f| f.lon_lat).collect();
        self.snapped(
            &points,
            |i, entries| Site::new(&facilities[i], &deps[i], entries),
            true,
        )
    }

    fn road_network(&self) -> Option<&RoadNetwork> {
        Some(&self.net)
    }
}
