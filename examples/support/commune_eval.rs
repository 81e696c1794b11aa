//! What the calibration (`calibrate_commune_profile`) and the validation
//! (`validate_commune_engine`, and the full-suite test that checks the docs
//! against it) measure on the commune estimate: Corsica's road network as
//! the reference, the quoted mainland drive times, the national DREES
//! figures and the GP APL. Included with `#[path]` by those programs.
#![allow(dead_code)]

use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::path::Path;
use std::time::Instant;

use medaccess::access::nearest_sites;
use medaccess::communes::cited::{CITED_TIMES, CitedTime};
use medaccess::communes::{CommuneGraph, CommuneNode, Communes, RoadClass, Scope, fixtures, haversine_m};
use medaccess::engine::{CommuneGraphEngine, Engine, RoadNetworkEngine};
use medaccess::gp::{
    AplRow, BpeCounts, Comparison, DREES_UNDER_SERVED, Decay, GpModel, GpTable, PER_100K, compare, read_apl,
    read_bpe_d201, sites_from_communes,
};
use medaccess::jobs::{Context, DataPaths, FacilitySource};
use medaccess::places::{Place, Places};
use medaccess::roads::{CarProfile, RoadNetwork, SnapOptions};
use medaccess::units::{NodeId, Time, UNREACHABLE, minutes};

/// Quantile `q` of `v` (nearest rank on the sorted values); NaN if empty.
pub fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// Weighted median of (value, weight).
pub fn weighted_median(v: &[(f64, f64)]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|x| x.1).sum();
    let mut acc = 0.0;
    for (x, w) in &v {
        acc += w;
        if acc >= total / 2.0 {
            return *x;
        }
    }
    f64::NAN
}

// ---------------------------------------------------------------- classes

/// The road class of every arc of `g` (motorway for junction arcs and
/// links between junctions), `None` for arcs that are no link (v1 backbone).
pub struct ArcClasses(HashMap<(NodeId, NodeId), RoadClass>);

impl ArcClasses {
    /// Neighbour links and the local roads to road points are `local`;
    /// road links their class.
    pub fn new(g: &CommuneGraph) -> Self {
        let mut m = HashMap::new();
        let Some(l) = &g.links else {
            return ArcClasses(m);
        };
        let n = g.nodes.len();
        let mut put = |a: usize, b: usize, c: RoadClass| {
            m.insert((a as NodeId, b as NodeId), c);
            m.insert((b as NodeId, a as NodeId), c);
        };
        for &(a, b) in &l.pairs {
            put(a, b, RoadClass::Local);
        }
        if let (Some(r), false) = (&l.roads, g.road_points.is_empty()) {
            for (k, p) in r.points.iter().enumerate() {
                put(p.node, n + k, RoadClass::Local);
                for j in k + 1..r.points.len() {
                    if r.points[j].node != p.node {
                        break;
                    }
                    put(n + k, n + j, RoadClass::Local);
                }
            }
            for x in &r.links {
                put(n + x.a, n + x.b, x.class);
            }
        }
        ArcClasses(m)
    }

    /// The class of the arc `u → v`, if it is a link.
    pub fn get(&self, u: NodeId, v: NodeId) -> Option<RoadClass> {
        self.0.get(&(u, v)).copied()
    }

    /// The class that takes the most time along the fastest path from `s`
    /// to `t` (`None` on v1 backbone arcs or without a path).
    pub fn dominant(&self, g: &CommuneGraph, s: NodeId, t: NodeId) -> Option<RoadClass> {
        let path = fastest_path(g, s, t)?;
        let mut by: HashMap<Option<RoadClass>, Time> = HashMap::new();
        for w in path.windows(2) {
            let time = g
                .graph
                .forward()
                .arcs(w[0])
                .filter(|a| a.0 == w[1])
                .map(|a| a.1)
                .min()
                .unwrap_or(0);
            *by.entry(self.0.get(&(w[0], w[1])).copied()).or_default() += time;
        }
        by.into_iter().max_by_key(|x| (x.1, x.0)).and_then(|x| x.0)
    }
}

/// Nodes of the fastest path from `s` to `t` (plain Dijkstra with
/// predecessors; ties by node id).
pub fn fastest_path(g: &CommuneGraph, s: NodeId, t: NodeId) -> Option<Vec<NodeId>> {
    let csr = g.graph.forward();
    let n = g.graph.num_nodes();
    let mut dist = vec![UNREACHABLE; n];
    let mut pred = vec![NodeId::MAX; n];
    let mut heap = BinaryHeap::new();
    dist[s as usize] = 0;
    heap.push(std::cmp::Reverse((0u32, s)));
    while let Some(std::cmp::Reverse((d, v))) = heap.pop() {
        if d > dist[v as usize] {
            continue;
        }
        if v == t {
            break;
        }
        for (w, time) in csr.arcs(v) {
            let nd = d + time;
            if nd < dist[w as usize] {
                dist[w as usize] = nd;
                pred[w as usize] = v;
                heap.push(std::cmp::Reverse((nd, w)));
            }
        }
    }
    if dist[t as usize] == UNREACHABLE {
        return None;
    }
    let mut path = vec![t];
    let mut v = t;
    while v != s {
        v = pred[v as usize];
        path.push(v);
    }
    path.reverse();
    Some(path)
}

/// Terrain class of a mean terrain measure.
pub fn terrain_class(t: f64) -> &'static str {
    if t < 0.3 {
        "plain (terrain < 0.30)"
    } else if t < 0.42 {
        "hilly (0.30–0.42)"
    } else {
        "mountain (≥ 0.42)"
    }
}

/// Distance band of a great-circle distance, km.
pub fn distance_band(km: f64) -> &'static str {
    match km {
        x if x < 10.0 => "0–10 km",
        x if x < 25.0 => "10–25 km",
        x if x < 50.0 => "25–50 km",
        x if x < 100.0 => "50–100 km",
        _ => "100+ km",
    }
}

/// Mean terrain of two communes of `g` (links' terrain; 0 without).
pub fn pair_terrain(g: &CommuneGraph, a: NodeId, b: NodeId) -> f64 {
    g.links
        .as_ref()
        .and_then(|l| l.roads.as_ref())
        .map_or(0.0, |r| 0.5 * (r.terrain[a as usize] + r.terrain[b as usize]))
}

// ---------------------------------------------------------------- quotes

/// One quoted pair on a graph.
#[derive(Debug, Clone)]
pub struct Quoted {
    pub cited: CitedTime,
    pub names: (String, String),
    /// Engine minutes, town hall to town hall.
    pub minutes: f64,
    /// Relative distance to the quoted range (0 inside), signed.
    pub error: f64,
    pub km: f64,
    pub terrain: f64,
    pub class: Option<RoadClass>,
}

/// Signed relative distance of `m` to the range of `c` (0 inside).
pub fn range_error(m: f64, c: &CitedTime) -> f64 {
    if m < c.min_minutes {
        m / c.min_minutes - 1.0
    } else if m > c.max_minutes {
        m / c.max_minutes - 1.0
    } else {
        0.0
    }
}

/// Every quoted pair on `g` (`classes`: also the dominant road class).
pub fn quoted(g: &CommuneGraph, classes: Option<&ArcClasses>) -> Vec<Quoted> {
    let mut from_cache: HashMap<NodeId, Vec<Time>> = HashMap::new();
    CITED_TIMES
        .iter()
        .map(|c| {
            let a = g
                .node_of(c.from)
                .unwrap_or_else(|| panic!("{} not a node", c.from));
            let b = g.node_of(c.to).unwrap_or_else(|| panic!("{} not a node", c.to));
            let row = from_cache
                .entry(a)
                .or_insert_with(|| medaccess::route::one_to_all(g.graph.forward(), a));
            let minutes = row[b as usize] as f64 / 600.0;
            let (na, nb) = (&g.nodes[a as usize], &g.nodes[b as usize]);
            Quoted {
                cited: *c,
                names: (na.name.clone(), nb.name.clone()),
                minutes,
                error: range_error(minutes, c),
                km: haversine_m((na.lon, na.lat), (nb.lon, nb.lat)) / 1000.0,
                terrain: pair_terrain(g, a, b),
                class: classes.and_then(|k| k.dominant(g, a, b)),
            }
        })
        .collect()
}

// ---------------------------------------------------------------- Corsica

/// Corsica's road network (`osm-fr-corse`, the `car-fr` profile with the
/// winding-road correction): road seconds and metres between the Corsican
/// communes of `nodes`, each origin snapped to its nearest road node.
pub struct CorsicaRoads {
    /// Index into `nodes` of every Corsican commune, INSEE order.
    pub communes: Vec<usize>,
    /// `secs[i][j]`, `metres[i][j]` between `communes[i]` and `communes[j]`.
    pub secs: Vec<Vec<f64>>,
    pub metres: Vec<Vec<f64>>,
    /// Snap distance of each commune, metres.
    pub snap_m: Vec<f64>,
}

/// Every third Corsican commune (by INSEE order) is held out of the fit.
pub fn held_out(i: usize) -> bool {
    i % 3 == 2
}

impl CorsicaRoads {
    pub fn load(data: &Path, nodes: &[CommuneNode]) -> anyhow::Result<Self> {
        let net = RoadNetwork::read(
            &data.join("osm-fr-corse/corsica_links.csv.gz"),
            &CarProfile::france(),
            &|_, _| {},
        )?;
        let mut adj: Vec<Vec<(usize, f64, f64)>> = vec![Vec::new(); net.node_lonlat.len()];
        for e in &net.edges {
            if e.time_fwd != UNREACHABLE {
                adj[e.from as usize].push((e.to as usize, e.time_fwd as f64 / 10.0, e.length_m));
            }
            if e.time_bwd != UNREACHABLE {
                adj[e.to as usize].push((e.from as usize, e.time_bwd as f64 / 10.0, e.length_m));
            }
        }
        let communes: Vec<usize> = (0..nodes.len())
            .filter(|&i| nodes[i].dep == "2A" || nodes[i].dep == "2B")
            .collect();
        let mut snap_m = Vec::new();
        let snapped: Vec<usize> = communes
            .iter()
            .map(|&i| {
                let c = &nodes[i];
                let (d, v) = (0..net.node_lonlat.len())
                    .filter(|&v| !adj[v].is_empty())
                    .map(|v| {
                        let p = net.node_lonlat[v];
                        (haversine_m((c.lon, c.lat), (p[0], p[1])), v)
                    })
                    .min_by(|a, b| a.0.total_cmp(&b.0))
                    .unwrap_or((f64::INFINITY, 0));
                snap_m.push(d);
                v
            })
            .collect();
        let rows: Vec<(Vec<f64>, Vec<f64>)> = {
            use rayon::prelude::*;
            snapped
                .par_iter()
                .map(|&s| {
                    let b = dijkstra(&adj, s);
                    (
                        snapped.iter().map(|&t| b[t].0).collect(),
                        snapped.iter().map(|&t| b[t].1).collect(),
                    )
                })
                .collect()
        };
        let (secs, metres) = rows.into_iter().unzip();
        Ok(CorsicaRoads {
            communes,
            secs,
            metres,
            snap_m,
        })
    }
}

/// Dijkstra by time over (to, seconds, metres): (seconds, metres) to each node.
fn dijkstra(adj: &[Vec<(usize, f64, f64)>], s: usize) -> Vec<(f64, f64)> {
    let mut best = vec![(f64::INFINITY, 0.0); adj.len()];
    let mut heap = BinaryHeap::new();
    best[s] = (0.0, 0.0);
    heap.push(std::cmp::Reverse((0u64, s)));
    while let Some(std::cmp::Reverse((k, v))) = heap.pop() {
        let t = f64::from_bits(k);
        if t > best[v].0 {
            continue;
        }
        for &(w, dt, dm) in &adj[v] {
            let nt = t + dt;
            if nt < best[w].0 {
                best[w] = (nt, best[v].1 + dm);
                heap.push(std::cmp::Reverse((nt.to_bits(), w)));
            }
        }
    }
    best
}

/// Relative errors (commune / road − 1) of a Corsican graph `g` (built on
/// the Corsica subset of the links, same node order as `roads.communes`
/// restricted to Corsica) over the pairs from sources `sources`, with the
/// road time in seconds: (i, j, road seconds, error).
pub fn corsica_pair_errors(
    g: &CommuneGraph,
    roads: &CorsicaRoads,
    sources: &(dyn Fn(usize) -> bool + Sync),
) -> Vec<(usize, usize, f64, f64)> {
    use rayon::prelude::*;
    let n = roads.communes.len();
    (0..n)
        .into_par_iter()
        .filter(|&i| sources(i))
        .flat_map_iter(|i| {
            let t = medaccess::route::one_to_all(g.graph.forward(), i as NodeId);
            (0..n)
                .filter_map(|j| {
                    let r = roads.secs[i][j];
                    (i != j && r.is_finite() && r > 0.0 && t[j] != UNREACHABLE)
                        .then(|| (i, j, r, t[j] as f64 / 10.0 / r - 1.0))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

// ------------------------------------------------------- nearest maternity

/// A run over the communes `nodes` (as places, without outlines) on
/// `engine`, with the shipped data (maternity list, positions) of
/// `fixtures/`.
pub fn context(engine: Box<dyn Engine>, nodes: &[CommuneNode]) -> anyhow::Result<Context> {
    let places = Places::new(nodes.iter().map(Place::from).collect(), HashMap::new())?;
    Ok(Context::new(
        Scope::All,
        DataPaths::fixtures(&fixtures::default_dir()),
        engine,
        places,
    )?)
}

/// Minutes from each place of `ctx` (indices `idx`) to its nearest
/// maternity of `year`; `filter` keeps some facilities (e.g. Corsica's, by
/// FINESS prefix).
pub fn nearest_maternity(
    ctx: &Context,
    year: u16,
    idx: &[usize],
    filter: &dyn Fn(&str) -> bool,
) -> anyhow::Result<Vec<Option<f64>>> {
    let places = ctx.enter_places(idx)?.items;
    let mut set = ctx.facilities(&FacilitySource::Drees { year })?;
    set.facilities.retain(|f| filter(&f.id));
    let sites = ctx.enter_sites(&set)?.items;
    Ok(nearest_sites(ctx.engine.graph(), &sites, &places)
        .iter()
        .map(|a| a.minutes())
        .collect())
}

/// The commune engine on `g` with the polygons of `table` (for placing
/// facilities in their commune).
pub fn commune_engine(g: CommuneGraph, table: Option<&Communes>) -> Box<dyn Engine> {
    Box::new(CommuneGraphEngine::new(g, table))
}

/// Minutes from the commune `from_insee` to the maternity `finess` of the
/// `year` list on the engine of `ctx` (entered as a place and a site are).
pub fn point_minutes(
    ctx: &Context,
    from_insee: &str,
    year: u16,
    finess: &str,
) -> anyhow::Result<Option<f64>> {
    let i = ctx
        .places
        .index_of(from_insee)
        .ok_or_else(|| anyhow::anyhow!("{from_insee} unknown"))?;
    let mut set = ctx.facilities(&FacilitySource::Drees { year })?;
    set.facilities.retain(|f| f.id == finess);
    anyhow::ensure!(!set.is_empty(), "{finess} not in the {year} list");
    let places = ctx.enter_places(&[i])?.items;
    let sites = ctx.enter_sites(&set)?.items;
    Ok(nearest_sites(ctx.engine.graph(), &sites, &places)[0].minutes())
}

/// The road network engine of Corsica (as `--roads` reads it).
pub fn corsica_road_engine(data: &Path) -> anyhow::Result<Box<dyn Engine>> {
    let net = RoadNetwork::read(
        &data.join("osm-fr-corse/corsica_links.csv.gz"),
        &CarProfile::france(),
        &|_, _| {},
    )?;
    Ok(Box::new(RoadNetworkEngine::new(net, SnapOptions::default())))
}

/// Our 2SFCA on the whole-France commune graph against DREES's published
/// APL 2023 for the communes of 64 and 65 (what `apl_validation` prints and
/// the validation report sums up).
pub struct AplComparison<'g> {
    /// INSEE code of each commune, by graph node.
    pub codes: Vec<String>,
    /// Population (INSEE 2017) of each commune, by graph node.
    pub population: Vec<f64>,
    /// The BPE D201 supply as read.
    pub bpe: BpeCounts,
    /// Supply in communes not in the graph (merged since the BPE vintage).
    pub unmatched: Vec<(String, f64)>,
    pub model: GpModel<'g>,
    /// GPs per 100,000 and GPs within 10, 20 and 30 minutes, by graph node.
    pub table: GpTable,
    /// Seconds spent building the model and the table.
    pub run_s: f64,
    /// DREES's published rows.
    pub published: Vec<AplRow>,
    pub cmp: Comparison,
}

/// Runs the 2SFCA over all of France (supply across département borders
/// counts) with `decay`, and compares it on 64 and 65 with DREES's APL
/// 2023: DREES's under-served threshold (2.5 consultations) is put in our
/// unit with `per_gp` consultations per GP and year; `top` disagreements
/// are listed.
pub fn apl_against_drees<'g>(
    data: &Path,
    cg: &'g CommuneGraph,
    decay: Decay,
    per_gp: f64,
    top: usize,
) -> anyhow::Result<AplComparison<'g>> {
    let codes: Vec<String> = cg.nodes.iter().map(|n| n.insee.clone()).collect();
    let population: Vec<f64> = cg
        .nodes
        .iter()
        .map(|n| n.population.unwrap_or(0) as f64)
        .collect();
    let nodes: Vec<NodeId> = (0..codes.len() as NodeId).collect();
    let bpe = read_bpe_d201(&data.join("gp-supply/gp_d201_by_commune.csv"))?;
    let (sites, unmatched) = sites_from_communes(&bpe.by_commune, &codes, &nodes);

    let t = Instant::now();
    let model = GpModel::new(&cg.graph, nodes, population.clone(), sites, decay, minutes(30.0))?;
    let thresholds = [minutes(10.0), minutes(20.0), minutes(30.0)];
    let our_threshold = DREES_UNDER_SERVED / per_gp * PER_100K;
    let table = GpTable::new(&model, &thresholds, PER_100K, our_threshold)?;
    let run_s = t.elapsed().as_secs_f64();

    let published = read_apl(
        &data.join("apl-drees-2023/apl_medecins_generalistes_2023_dep64_dep65.csv"),
        None,
    )?;
    let drees: BTreeMap<String, f64> = published.iter().map(|r| (r.insee.clone(), r.apl)).collect();
    let ours: BTreeMap<String, f64> = codes
        .iter()
        .zip(&table.rows)
        .filter(|(c, _)| c.starts_with("64") || c.starts_with("65"))
        .map(|(c, r)| (c.clone(), r.accessibility))
        .collect();
    let cmp = compare(&ours, &drees, our_threshold, DREES_UNDER_SERVED, top);
    Ok(AplComparison {
        codes,
        population,
        bpe,
        unmatched,
        model,
        table,
        run_s,
        published,
        cmp,
    })
}
