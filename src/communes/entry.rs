//! Where a facility at a lon/lat point enters the commune graph.
//!
//! A facility whose commune is known (every DREES, FINESS and BPE record,
//! a user file with a commune column, `--open INSEE`) enters that commune
//! when it lies within [`OWN_COMMUNE_MAX_M`] of its origin
//! ([`FacilityLocator::entry_in`]); otherwise the commune containing it
//! (when polygons were given to the locator), else the commune of the
//! nearest origin. It enters at the commune's origin
//! or, with profile v2, at the nearest of the points where a numbered road
//! runs in that commune when one is nearer (a hospital on a ring road
//! joins the ring road, not the town hall); the leg from the point to that
//! node costs great-circle × detour / speed (no per-hop constant: it is
//! not a commune-to-commune hop).
//!
//! The runs of the command line give the locator no polygons, so that a
//! facility's placement never depends on which optional inputs a run was
//! given (`--communes-dir` only changes what is drawn).

use std::collections::HashMap;

use geo::{BoundingRect, Contains, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::graph::CommuneGraph;
use super::haversine_m;
use super::load::Communes;
use super::profile::CommuneProfile;
use crate::units::{NodeId, Time};

/// How a point was matched to a commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum EntryKind {
    /// The commune polygon contains the point.
    InsideCommune,
    /// No polygon contains it (or none loaded): the nearest origin.
    NearestOrigin,
    /// The facility's own commune, as its record says.
    OwnCommune,
}

/// A facility farther than this from the origin of its own commune enters
/// the graph by its position instead (metres): the farthest genuine
/// maternity is 10.7 km from its town hall, the same bound as
/// `facilities::MAX_FROM_TOWN_HALL_M`.
pub const OWN_COMMUNE_MAX_M: f64 = 20_000.0;

/// A facility's entry into the commune graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FacilityEntry {
    /// The graph node entered: the commune's origin or one of its road points.
    pub node: NodeId,
    /// The commune entered.
    pub commune: NodeId,
    /// Leg from the point to the commune's origin, tenths of a second.
    pub time: Time,
    /// Great-circle length of that leg, metres.
    pub distance_m: f64,
    pub kind: EntryKind,
}

impl FacilityEntry {
    /// The entry as [`crate::places::Entries`] (one `(node, time)` pair):
    /// what a [`crate::places::Site`] holds, turned into search seeds by the
    /// engine ([`crate::access::site_seeds`]), so that this stage never
    /// depends on the router.
    pub fn entries(&self) -> crate::places::Entries {
        vec![(self.node, self.time)]
    }
}

/// Road points of each commune: (graph node, (lon, lat)), by commune node.
type RoadPointsOf = HashMap<NodeId, Vec<(NodeId, (f64, f64))>>;

/// Locates points in a commune graph. Built once, queried per facility.
pub struct FacilityLocator {
    origins: RTree<GeomWithData<[f64; 2], NodeId>>,
    coords: Vec<(f64, f64)>,
    polygons: RTree<GeomWithData<Rectangle<[f64; 2]>, NodeId>>,
    shapes: HashMap<NodeId, MultiPolygon<f64>>,
    profile: CommuneProfile,
    /// Road points of each commune: (graph node, lon, lat).
    road_points: RoadPointsOf,
}

/// Nearest origins examined (ranked in degrees, which stretch east-west
/// distances by 1/cos(latitude)) before picking the great-circle nearest.
const CANDIDATES: usize = 8;

impl FacilityLocator {
    /// `polygons`: a commune table whose polygons are used to find the
    /// commune containing a point (any subset of France, e.g. the fixture
    /// départements); `None` to use nearest origins only.
    pub fn new(g: &CommuneGraph, polygons: Option<&Communes>) -> Self {
        let outlines = polygons
            .into_iter()
            .flat_map(|t| t.communes.iter().zip(&t.polygons))
            .filter_map(|(c, p)| Some((g.node_of(&c.insee)?, p.as_ref()?)));
        Self::with_outlines(g, outlines)
    }

    /// Same as [`FacilityLocator::new`] with the outlines given by node.
    pub fn with_outlines<'a>(
        g: &CommuneGraph,
        outlines: impl IntoIterator<Item = (NodeId, &'a MultiPolygon<f64>)>,
    ) -> Self {
        let coords: Vec<(f64, f64)> = g.nodes.iter().map(|n| (n.lon, n.lat)).collect();
        let origins = RTree::bulk_load(
            coords
                .iter()
                .enumerate()
                .map(|(v, &(x, y))| GeomWithData::new([x, y], v as NodeId))
                .collect(),
        );
        let mut shapes = HashMap::new();
        let mut boxes = Vec::new();
        for (v, p) in outlines {
            if let Some(r) = p.bounding_rect() {
                boxes.push(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    v,
                ));
                shapes.insert(v, p.clone());
            }
        }
        let mut road_points: RoadPointsOf = HashMap::new();
        if let Some(r) = g.links.as_ref().and_then(|l| l.roads.as_ref())
            && !g.road_points.is_empty()
        {
            let n = g.nodes.len();
            for (k, p) in r.points.iter().enumerate() {
                if let Some(pos) = p.position {
                    road_points
                        .entry(p.node as NodeId)
                        .or_default()
                        .push(((n + k) as NodeId, pos));
                }
            }
        }
        FacilityLocator {
            origins,
            coords,
            polygons: RTree::bulk_load(boxes),
            shapes,
            profile: g.profile,
            road_points,
        }
    }

    /// Entry of the point (lon, lat) in degrees; `None` only for an empty
    /// graph.
    ///
    /// # Examples
    /// ```
    /// # fn main() -> medaccess::Result<()> {
    /// use medaccess::communes::{FacilityLocator, fixtures};
    /// let g = fixtures::load_fixture_graph(&fixtures::default_dir())?;
    /// let loc = FacilityLocator::new(&g, None);
    /// let e = loc.entry((-0.3708, 43.2946)).unwrap(); // Pau
    /// assert_eq!(g.nodes[e.commune as usize].insee, "64445");
    /// # Ok(()) }
    /// ```
    pub fn entry(&self, p: (f64, f64)) -> Option<FacilityEntry> {
        self.entry_in(None, p)
    }

    /// Entry of a facility at `p` (lon, lat, degrees) whose own commune is
    /// node `own`, when known: that commune when `p` lies within
    /// [`OWN_COMMUNE_MAX_M`] of its origin, else as [`Self::entry`].
    ///
    /// # Examples
    /// ```
    /// # fn main() -> medaccess::Result<()> {
    /// use medaccess::communes::{EntryKind, FacilityLocator, fixtures};
    /// let g = fixtures::load_fixture_graph(&fixtures::default_dir())?;
    /// let loc = FacilityLocator::new(&g, None);
    /// // Hôpital privé d'Ambérieu (010780203), in Ambérieu-en-Bugey but
    /// // nearer another commune's town hall
    /// let p = (5.35146, 45.98142);
    /// let own = g.node_of("01004");
    /// let e = loc.entry_in(own, p).unwrap();
    /// assert_eq!((g.nodes[e.commune as usize].insee.as_str(), e.kind), ("01004", EntryKind::OwnCommune));
    /// assert_ne!(g.nodes[loc.entry(p).unwrap().commune as usize].insee, "01004");
    /// # Ok(()) }
    /// ```
    pub fn entry_in(&self, own: Option<NodeId>, p: (f64, f64)) -> Option<FacilityEntry> {
        let own = own.filter(|&v| {
            self.coords
                .get(v as usize)
                .is_some_and(|&o| haversine_m(p, o) <= OWN_COMMUNE_MAX_M)
        });
        let (node, kind) = match own {
            Some(v) => (v, EntryKind::OwnCommune),
            None => self.commune_at(p)?,
        };
        // The origin, or a nearer road point of the same commune (ties:
        // the lower node).
        let mut best = (haversine_m(p, self.coords[node as usize]), node);
        for &(v, pos) in self.road_points.get(&node).into_iter().flatten() {
            let d = haversine_m(p, pos);
            if d < best.0 {
                best = (d, v);
            }
        }
        let (distance_m, entered) = best;
        Some(FacilityEntry {
            node: entered,
            commune: node,
            time: self.profile.leg_time(distance_m),
            distance_m,
            kind,
        })
    }

    /// The commune containing `p` (by polygon), else of the nearest origin.
    fn commune_at(&self, p: (f64, f64)) -> Option<(NodeId, EntryKind)> {
        let pt = Point::new(p.0, p.1);
        let mut inside: Vec<NodeId> = self
            .polygons
            .locate_in_envelope_intersecting(AABB::from_point([p.0, p.1]))
            .map(|g| g.data)
            .filter(|v| self.shapes.get(v).is_some_and(|s| s.contains(&pt)))
            .collect();
        inside.sort_unstable();
        match inside.first() {
            Some(&v) => Some((v, EntryKind::InsideCommune)),
            None => {
                let best = self
                    .origins
                    .nearest_neighbor_iter([p.0, p.1])
                    .take(CANDIDATES)
                    .map(|g| (haversine_m(p, self.coords[g.data as usize]), g.data))
                    .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?;
                Some((best.1, EntryKind::NearestOrigin))
            }
        }
    }
}
