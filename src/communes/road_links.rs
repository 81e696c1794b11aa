//! The road attributes of the commune links (engine v2): which class of
//! road joins two communes, where a road runs through communes without a
//! recorded accident, and where motorways run.
//!
//! From the [`RoadTable`] (the numbered roads crossing each commune):
//!
//! - **Neighbour links** (two communes sharing a boundary) take the class
//!   of the best numbered road both communes carry, each road counted at
//!   the slower of its classes in the two communes (motorways excepted:
//!   they are a layer of their own). With no road in common the link is
//!   `local`, except across a département border, where D numbers change:
//!   two communes that each hold the end of a numbered road (a leaf of its
//!   chain, below) are taken to be joined by its continuation, at the
//!   slower of the two roads' classes.
//! - **Road chains.** The communes carrying one road (one A or N number
//!   per territory, one D number per département) are joined into a tree,
//!   shortest first: first by neighbour pairs, then, to bridge communes
//!   the road crosses without a recorded accident, by direct GAP links up
//!   to [`RoadLinkOptions::gap_km`] (motorways:
//!   [`RoadLinkOptions::motorway_gap_km`]). A commune that would join the
//!   chain alone through a gap must have at least
//!   [`RoadLinkOptions::min_accidents_alone`] accidents on the road (a
//!   single mis-coded accident does not make a road). Gap links never join
//!   two parts of the map that no neighbour path joins (islands).
//! - **Motorways**: the tree edges of every A road are MOTORWAY links
//!   between the junction nodes of their communes (see
//!   [`super::profile::ProfileV2`]). Where the interchanges are is not in
//!   the data: every commune a motorway crosses is taken to have one.

use std::collections::{HashMap, HashSet};

use super::graph::CommuneLinks;
use super::haversine_m;
use super::road_table::{Family, RoadClass, RoadId, RoadTable};

/// What a link stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// Two communes sharing a boundary (or a bridge, or a commune without
    /// polygon and its nearest ones): the links of v1.
    Neighbour,
    /// A numbered road crossing communes with no recorded accident.
    Gap,
    /// A motorway between the junctions of two communes.
    Motorway,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Neighbour => "neighbour",
            LinkKind::Gap => "gap",
            LinkKind::Motorway => "motorway",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        [LinkKind::Neighbour, LinkKind::Gap, LinkKind::Motorway]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A road-derived link that is not a neighbour pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Node ids, `a < b`.
    pub a: usize,
    pub b: usize,
    pub kind: LinkKind,
    pub class: RoadClass,
    /// The road, e.g. `N134`.
    pub road: String,
}

/// The road attributes of a [`CommuneLinks`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoadLinks {
    /// Class of each neighbour pair (`CommuneLinks::pairs`, same order).
    pub pair_class: Vec<RoadClass>,
    /// The road behind that class (`N134`; `D932+D2` for a continuation
    /// across a département border; empty when local).
    pub pair_road: Vec<String>,
    /// Gap and motorway links, sorted by (a, b, kind).
    pub extra: Vec<Link>,
    /// Terrain measure of each node (0–1).
    pub terrain: Vec<f64>,
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
    /// Neighbour pairs per class, in [`RoadClass::ALL`] order.
    pub pairs_by_class: Vec<(String, usize)>,
    /// Neighbour pairs whose class comes from a continuation across a
    /// département border.
    pub continuations: usize,
    pub gap_links: usize,
    pub motorway_links: usize,
    /// Of the motorway links, those between non-neighbours.
    pub motorway_gaps: usize,
    /// Communes with a motorway junction.
    pub junctions: usize,
    /// Tree joins refused because a lone commune had too few accidents.
    pub lone_refused: usize,
}

/// Union-find with the smaller index as root.
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

/// The road attributes of `links` from `table`.
pub fn road_links(
    links: &CommuneLinks,
    table: &RoadTable,
    opts: &RoadLinkOptions,
) -> (RoadLinks, RoadLinkReport) {
    let nodes = &links.nodes;
    let n = nodes.len();
    let mut rep = RoadLinkReport::default();
    let node_of = |insee: &str| nodes.binary_search_by(|x| x.insee.as_str().cmp(insee)).ok();
    let dist = |a: usize, b: usize| haversine_m((nodes[a].lon, nodes[a].lat), (nodes[b].lon, nodes[b].lat));
    let component = links.components();

    // Roads of each node: (road, class, accidents), and the groups.
    let mut on: Vec<Vec<(RoadId, RoadClass, u32)>> = vec![Vec::new(); n];
    let mut groups: HashMap<(String, RoadId), Vec<usize>> = HashMap::new();
    for r in &table.roads {
        let Some(v) = node_of(&r.insee) else {
            rep.rows_without_node += 1;
            continue;
        };
        on[v].push((r.road, r.class, r.accidents));
        groups
            .entry((r.road.scope(&nodes[v].dep), r.road))
            .or_default()
            .push(v);
    }
    let class_on = |v: usize, road: RoadId| on[v].iter().find(|x| x.0 == road).map(|x| (x.1, x.2));
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &links.pairs {
        adj[a].push(b);
        adj[b].push(a);
    }
    let is_pair = |a: usize, b: usize| links.pairs.binary_search(&(a.min(b), a.max(b))).is_ok();

    // Trees, group by group in a fixed order.
    let mut keys: Vec<&(String, RoadId)> = groups.keys().collect();
    keys.sort();
    let mut extra: HashMap<(usize, usize, LinkKind), (RoadClass, String)> = HashMap::new();
    // Roads of which a node is an end (degree ≤ 1 in a tree of ≥ 2 nodes).
    let mut ends: Vec<Vec<(RoadId, RoadClass)>> = vec![Vec::new(); n];
    let mut local = vec![usize::MAX; n]; // node -> index in the current group
    for key in keys {
        let road = key.1;
        let mut members = groups[key].clone();
        members.sort_unstable();
        members.dedup();
        if members.len() < 2 {
            continue;
        }
        rep.roads += 1;
        for (k, &v) in members.iter().enumerate() {
            local[v] = k;
        }
        let mut dsu = Dsu::new(members.len());
        let mut degree = vec![0usize; members.len()];
        let mut tree: Vec<(usize, usize)> = Vec::new();
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
                tree.push((v, w));
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
                dsu.size[r] == 1 && class_on(node, road).is_none_or(|c| c.1 < opts.min_accidents_alone)
            };
            if lone_weak(rx, v, &dsu) || lone_weak(ry, w, &dsu) {
                rep.lone_refused += 1;
                continue;
            }
            dsu.join(x, y);
            tree.push((v, w));
            degree[x] += 1;
            degree[y] += 1;
        }
        for (k, &v) in members.iter().enumerate() {
            if degree[k] <= 1 && road.family != Family::A {
                if let Some((c, _)) = class_on(v, road) {
                    ends[v].push((road, c));
                }
            }
            local[v] = usize::MAX;
        }
        for (v, w) in tree {
            let (a, b) = (v.min(w), v.max(w));
            let ca = class_on(a, road).map_or(RoadClass::Local, |c| c.0);
            let cb = class_on(b, road).map_or(RoadClass::Local, |c| c.0);
            let (kind, class) = if road.family == Family::A {
                (LinkKind::Motorway, RoadClass::Motorway)
            } else if is_pair(a, b) {
                continue; // neighbour pairs take their class below
            } else {
                (LinkKind::Gap, ca.max(cb))
            };
            let e = extra.entry((a, b, kind)).or_insert((class, road.to_string()));
            if class < e.0 {
                *e = (class, road.to_string());
            }
        }
    }

    // Neighbour pairs: the best shared road, each at its slower class.
    let mut pair_class = Vec::with_capacity(links.pairs.len());
    let mut pair_road = Vec::with_capacity(links.pairs.len());
    for &(a, b) in &links.pairs {
        let mut best: Option<(RoadClass, RoadId)> = None;
        for &(road, ca, _) in &on[a] {
            if road.family == Family::A || road.scope(&nodes[a].dep) != road.scope(&nodes[b].dep) {
                continue;
            }
            if let Some((cb, _)) = class_on(b, road) {
                let c = ca.max(cb);
                if best.is_none_or(|x| (c, road) < x) {
                    best = Some((c, road));
                }
            }
        }
        match best {
            Some((c, road)) => {
                pair_class.push(c);
                pair_road.push(road.to_string());
            }
            None => {
                // Continuation across a département border.
                let end = |v: usize| ends[v].iter().map(|&(r, c)| (c, r)).min();
                match (nodes[a].dep != nodes[b].dep, end(a), end(b)) {
                    (true, Some((ca, ra)), Some((cb, rb))) => {
                        rep.continuations += 1;
                        pair_class.push(ca.max(cb));
                        pair_road.push(format!("{ra}+{rb}"));
                    }
                    _ => {
                        pair_class.push(RoadClass::Local);
                        pair_road.push(String::new());
                    }
                }
            }
        }
    }
    rep.pairs_by_class = RoadClass::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                pair_class.iter().filter(|x| *x == c).count(),
            )
        })
        .collect();

    let mut extra: Vec<Link> = extra
        .into_iter()
        .map(|((a, b, kind), (class, road))| Link {
            a,
            b,
            kind,
            class,
            road,
        })
        .collect();
    extra.sort_by(|x, y| (x.a, x.b, x.kind).cmp(&(y.a, y.b, y.kind)));
    rep.gap_links = extra.iter().filter(|l| l.kind == LinkKind::Gap).count();
    rep.motorway_links = extra.iter().filter(|l| l.kind == LinkKind::Motorway).count();
    rep.motorway_gaps = extra
        .iter()
        .filter(|l| l.kind == LinkKind::Motorway && !is_pair(l.a, l.b))
        .count();
    let mut j: HashSet<usize> = HashSet::new();
    for l in extra.iter().filter(|l| l.kind == LinkKind::Motorway) {
        j.insert(l.a);
        j.insert(l.b);
    }
    rep.junctions = j.len();

    let t = table.terrain_of();
    let terrain = nodes
        .iter()
        .map(|x| t.get(x.insee.as_str()).copied().unwrap_or(opts.default_terrain))
        .collect();
    (
        RoadLinks {
            pair_class,
            pair_road,
            extra,
            terrain,
        },
        rep,
    )
}
