//! The road layer of the commune links (engine v2): where each numbered
//! road runs, and which communes it joins.
//!
//! From the [`RoadTable`] (the numbered roads crossing each commune, with
//! the point where each runs there):
//!
//! - **Road points.** Every numbered road gets a ROAD POINT in each commune
//!   it crosses: where it runs there (the median position of its accidents
//!   in that commune), else the commune's origin. Trips along a road go
//!   from road point to road point, not through the town halls: a valley
//!   road no longer climbs to every perched village it passes below. A
//!   commune's origin reaches its road points (and they reach one another)
//!   by local roads.
//! - **Road chains.** The communes carrying one road (one A or N number per
//!   territory, one D number per département) are joined into a tree,
//!   shortest first: first between neighbouring communes, then, to bridge
//!   communes the road crosses without a recorded accident, directly
//!   (GAP links) up to [`RoadLinkOptions::gap_km`] (motorways:
//!   [`RoadLinkOptions::motorway_gap_km`]). A commune that would join the
//!   chain alone through a gap must have at least
//!   [`RoadLinkOptions::min_accidents_alone`] accidents on the road (a
//!   single mis-coded accident does not make a road). Gap links never join
//!   two parts of the map that no neighbour path joins (islands). Each tree
//!   edge is a link of the road's class (the slower of its classes in the
//!   two communes): the edge between two neighbouring communes carries the
//!   class of the numbered road they share, placed where that road runs.
//! - **Across département borders** D numbers change: two neighbouring
//!   communes of different départements sharing no road, each holding the
//!   end of a numbered road (a leaf of its chain), are joined from end to
//!   end at the slower of the two classes (a CONTINUATION): the ends of
//!   the same number when both have one (D 951 of the Indre continued by
//!   D 951 of the Vienne, both the old N 151), else the best classes.
//! - **Motorways** are the chains of A roads: entered and left at the road
//!   point of any commune they cross (where the interchanges are is not in
//!   the data: every commune a motorway crosses is taken to have one, at
//!   the cost [`super::profile::ProfileV2::motorway_access_s`]).

use std::collections::HashMap;

use super::graph::CommuneLinks;
use super::haversine_m;
use super::road_table::{Family, RoadClass, RoadId, RoadTable, RuralCounts};

/// Where one numbered road runs in one commune.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadPoint {
    /// The commune's node.
    pub node: usize,
    pub road: RoadId,
    /// The road's class in that commune.
    pub class: RoadClass,
    /// (lon, lat); `None`: not known, the commune's origin stands for it.
    pub position: Option<(f64, f64)>,
    /// The road's rural accidents in that commune: how winding it is there.
    pub counts: RuralCounts,
}

/// What a road link stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// A road between two neighbouring communes.
    Road,
    /// A road crossing communes with no recorded accident.
    Gap,
    /// The end of a road in one département continued by the end of
    /// another across the border.
    Continuation,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Road => "road",
            LinkKind::Gap => "gap",
            LinkKind::Continuation => "continuation",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        [LinkKind::Road, LinkKind::Gap, LinkKind::Continuation]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A link between two road points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// Indices into [`RoadLinks::points`], `a < b`.
    pub a: usize,
    pub b: usize,
    pub kind: LinkKind,
    pub class: RoadClass,
}

/// The road layer of a [`CommuneLinks`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoadLinks {
    /// Sorted by (node, road), unique.
    pub points: Vec<RoadPoint>,
    /// Sorted by (a, b), unique.
    pub links: Vec<Link>,
    /// Terrain measure of each node (0–1).
    pub terrain: Vec<f64>,
}

impl RoadLinks {
    /// The point of `road` in `node`, if any.
    pub fn point_of(&self, node: usize, road: RoadId) -> Option<usize> {
        self.points
            .binary_search_by(|p| (p.node, p.road).cmp(&(node, road)))
            .ok()
    }
}

/// Settings of [`road_links`]; the defaults are those of the shipped graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadLinkOptions {
    /// Longest gap link of an N, D or M road, great-circle km.
    pub gap_km: f64,
    /// Longest gap between two communes of a motorway, km.
    pub motorway_gap_km: f64,
    /// Accidents on the road a commune needs to join its chain alone
    /// through a gap.
    pub min_accidents_alone: u32,
    /// Terrain measure of a commune missing from the terrain table.
    pub default_terrain: f64,
}

impl Default for RoadLinkOptions {
    fn default() -> Self {
        RoadLinkOptions {
            gap_km: 15.0,
            motorway_gap_km: 30.0,
            min_accidents_alone: 2,
            default_terrain: 0.35,
        }
    }
}

/// What [`road_links`] found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RoadLinkReport {
    /// Roads (one per number and scope) with at least two communes.
    pub roads: usize,
    /// Rows of the table whose commune is not a node (no point): ignored.
    pub rows_without_node: usize,
    pub points: usize,
    /// Of the points, those placed at the commune's origin (no position).
    pub points_at_origin: usize,
    /// Links per class, in [`RoadClass::ALL`] order.
    pub links_by_class: Vec<(String, usize)>,
    pub road_links: usize,
    pub gap_links: usize,
    pub continuations: usize,
    /// Communes a motorway crosses.
    pub motorway_communes: usize,
    /// Gap joins refused because a lone commune had too few accidents.
    pub lone_refused: usize,
}

/// Union-find with the smaller index as root and component sizes.
struct Dsu {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl Dsu {
    fn new(n: usize) -> Self {
        Dsu {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn root(&mut self, mut v: usize) -> usize {
        while self.parent[v] != v {
            self.parent[v] = self.parent[self.parent[v]];
            v = self.parent[v];
        }
        v
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            let (lo, hi) = (a.min(b), a.max(b));
            self.parent[hi] = lo;
            self.size[lo] += self.size[hi];
        }
    }
}

/// One (node, road) of the table.
#[derive(Debug, Clone, Copy)]
struct OnRoad {
    road: RoadId,
    class: RoadClass,
    accidents: u32,
    position: Option<(f64, f64)>,
    counts: RuralCounts,
}

/// The road layer of `links` from `table`.
pub fn road_links(
    links: &CommuneLinks,
    table: &RoadTable,
    opts: &RoadLinkOptions,
) -> (RoadLinks, RoadLinkReport) {
    let nodes = &links.nodes;
    let n = nodes.len();
    let mut rep = RoadLinkReport::default();
    let node_of = |insee: &str| nodes.binary_search_by(|x| x.insee.as_str().cmp(insee)).ok();
    let component = links.components();

    let mut on: Vec<Vec<OnRoad>> = vec![Vec::new(); n];
    let mut groups: HashMap<(String, RoadId), Vec<usize>> = HashMap::new();
    for r in &table.roads {
        let Some(v) = node_of(&r.insee) else {
            rep.rows_without_node += 1;
            continue;
        };
        on[v].push(OnRoad {
            road: r.road,
            class: r.class,
            accidents: r.accidents,
            position: r.position,
            counts: r.counts,
        });
        groups
            .entry((r.road.scope(&nodes[v].dep), r.road))
            .or_default()
            .push(v);
    }
    let on_road = |v: usize, road: RoadId| on[v].iter().find(|x| x.road == road).copied();
    let point = |v: usize, road: RoadId| {
        on_road(v, road)
            .and_then(|x| x.position)
            .unwrap_or((nodes[v].lon, nodes[v].lat))
    };
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &links.pairs {
        adj[a].push(b);
        adj[b].push(a);
    }
    let is_pair = |a: usize, b: usize| links.pairs.binary_search(&(a.min(b), a.max(b))).is_ok();

    // Trees, group by group in a fixed order: (node a, node b, road, kind).
    let mut keys: Vec<&(String, RoadId)> = groups.keys().collect();
    keys.sort();
    let mut edges: Vec<(usize, usize, RoadId, LinkKind)> = Vec::new();
    // Roads of which a node is an end (degree ≤ 1 in a tree of ≥ 2 nodes).
    let mut ends: Vec<Vec<(RoadClass, RoadId)>> = vec![Vec::new(); n];
    let mut local = vec![usize::MAX; n]; // node -> index in the current group
    for key in keys {
        let road = key.1;
        let mut members = groups[key].clone();
        members.sort_unstable();
        members.dedup();
        if members.len() < 2 {
            continue;
        }
        for (k, &v) in members.iter().enumerate() {
            local[v] = k;
        }
        let dist = |a: usize, b: usize| haversine_m(point(a, road), point(b, road));
        let mut dsu = Dsu::new(members.len());
        let mut degree = vec![0usize; members.len()];
        let mut tree: Vec<(usize, usize, LinkKind)> = Vec::new();
        // Neighbour pairs inside the group, shortest first.
        let mut cand: Vec<(f64, usize, usize)> = Vec::new();
        for &v in &members {
            for &w in &adj[v] {
                if v < w && local[w] != usize::MAX {
                    cand.push((dist(v, w), v, w));
                }
            }
        }
        cand.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for &(_, v, w) in &cand {
            let (x, y) = (local[v], local[w]);
            if dsu.root(x) != dsu.root(y) {
                dsu.join(x, y);
                tree.push((v, w, LinkKind::Road));
                degree[x] += 1;
                degree[y] += 1;
            }
        }
        // Gaps, shortest first.
        let limit = if road.family == Family::A {
            opts.motorway_gap_km
        } else {
            opts.gap_km
        } * 1000.0;
        let mut gaps: Vec<(f64, usize, usize)> = Vec::new();
        for (i, &v) in members.iter().enumerate() {
            for &w in &members[i + 1..] {
                if component[v] != component[w] || is_pair(v, w) {
                    continue;
                }
                let d = dist(v, w);
                if d <= limit {
                    gaps.push((d, v, w));
                }
            }
        }
        gaps.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for &(_, v, w) in &gaps {
            let (x, y) = (local[v], local[w]);
            let (rx, ry) = (dsu.root(x), dsu.root(y));
            if rx == ry {
                continue;
            }
            let lone_weak = |r: usize, node: usize, dsu: &Dsu| {
                dsu.size[r] == 1 && on_road(node, road).is_none_or(|c| c.accidents < opts.min_accidents_alone)
            };
            if lone_weak(rx, v, &dsu) || lone_weak(ry, w, &dsu) {
                rep.lone_refused += 1;
                continue;
            }
            dsu.join(x, y);
            tree.push((v, w, LinkKind::Gap));
            degree[x] += 1;
            degree[y] += 1;
        }
        if !tree.is_empty() {
            rep.roads += 1;
        }
        for (k, &v) in members.iter().enumerate() {
            if degree[k] == 1
                && road.family != Family::A
                && let Some(c) = on_road(v, road)
            {
                ends[v].push((c.class, road));
            }
            local[v] = usize::MAX;
        }
        edges.extend(tree.into_iter().map(|(v, w, k)| (v.min(w), v.max(w), road, k)));
    }

    // Continuations across département borders.
    let mut conts: Vec<(usize, RoadId, usize, RoadId)> = Vec::new();
    for &(a, b) in &links.pairs {
        if nodes[a].dep == nodes[b].dep {
            continue;
        }
        let shared = on[a].iter().any(|x| {
            x.road.family != Family::A
                && x.road.scope(&nodes[a].dep) == x.road.scope(&nodes[b].dep)
                && on_road(b, x.road).is_some()
        });
        if shared {
            continue;
        }
        // The same number on both sides (ex-national roads often keep it),
        // else the best classes.
        let same = ends[a]
            .iter()
            .filter(|x| ends[b].iter().any(|y| y.1 == x.1))
            .min()
            .map(|x| (x.1, x.1));
        let best = |v: usize| ends[v].iter().min().copied();
        match (same, best(a), best(b)) {
            (Some((ra, rb)), _, _) | (None, Some((_, ra)), Some((_, rb))) => conts.push((a, ra, b, rb)),
            _ => {}
        }
    }

    // Points: every (node, road) on a link.
    let mut used: Vec<(usize, RoadId)> = Vec::new();
    for &(a, b, road, _) in &edges {
        used.push((a, road));
        used.push((b, road));
    }
    for &(a, ra, b, rb) in &conts {
        used.push((a, ra));
        used.push((b, rb));
    }
    used.sort_unstable();
    used.dedup();
    let points: Vec<RoadPoint> = used
        .iter()
        .map(|&(v, road)| {
            let x = on_road(v, road).expect("a road of the node");
            RoadPoint {
                node: v,
                road,
                class: x.class,
                position: x.position,
                counts: x.counts,
            }
        })
        .collect();
    let idx = |v: usize, road: RoadId| {
        points
            .binary_search_by(|p| (p.node, p.road).cmp(&(v, road)))
            .expect("a point of every link end")
    };
    let mut out: Vec<Link> = Vec::with_capacity(edges.len() + conts.len());
    for &(a, b, road, kind) in &edges {
        let (pa, pb) = (idx(a, road), idx(b, road));
        let class = if road.family == Family::A {
            RoadClass::Motorway
        } else {
            points[pa].class.max(points[pb].class)
        };
        out.push(Link {
            a: pa.min(pb),
            b: pa.max(pb),
            kind,
            class,
        });
    }
    for &(a, ra, b, rb) in &conts {
        let (pa, pb) = (idx(a, ra), idx(b, rb));
        out.push(Link {
            a: pa.min(pb),
            b: pa.max(pb),
            kind: LinkKind::Continuation,
            class: points[pa].class.max(points[pb].class),
        });
    }
    out.sort_by_key(|x| (x.a, x.b));
    out.dedup_by(|x, y| (x.a, x.b) == (y.a, y.b));

    rep.points = points.len();
    rep.points_at_origin = points.iter().filter(|p| p.position.is_none()).count();
    rep.links_by_class = RoadClass::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                out.iter().filter(|l| l.class == *c).count(),
            )
        })
        .collect();
    rep.road_links = out.iter().filter(|l| l.kind == LinkKind::Road).count();
    rep.gap_links = out.iter().filter(|l| l.kind == LinkKind::Gap).count();
    rep.continuations = out.iter().filter(|l| l.kind == LinkKind::Continuation).count();
    let mut mw: Vec<usize> = points
        .iter()
        .filter(|p| p.road.family == Family::A)
        .map(|p| p.node)
        .collect();
    mw.dedup();
    rep.motorway_communes = mw.len();

    let t = table.terrain_of();
    let terrain = nodes
        .iter()
        .map(|x| t.get(x.insee.as_str()).copied().unwrap_or(opts.default_terrain))
        .collect();
    (
        RoadLinks {
            points,
            links: out,
            terrain,
        },
        rep,
    )
}
