//! Calibrates the commune-estimate profile against Corsica's OpenStreetMap
//! road network (see `docs/commune-engine.md`).
//!
//! ```text
//! cargo run --release --example calibrate_commune_profile -- [SHARED_DATA_DIR]
//! ```
//! Default data dir: `../shared/data`. Reads `osm-fr-corse/corsica_{nodes,links}.csv.gz`
//! and `communes-france/` (2A, 2B). Prints the fitted parameters and the
//! error distribution; writes nothing.
//!
//! Method: road times at speeds re-derived from the highway class
//! ([`class_speed_kmh`]); each commune origin snapped to the nearest road
//! node; road time and road length of the fastest path for every ordered pair
//! of Corsican communes. On the commune graph, hop weight = great-circle
//! metres + `c` (a per-hop constant in metre-equivalents), for a grid of `c`.
//! For each `c` the scale `a` (seconds per weighted metre) is the median of
//! road time / commune weight (the least-absolute-log-error fit); `c` is
//! chosen for the smallest median absolute relative error. Then
//! detour = median(road length / great-circle length along the commune path),
//! speed = detour / a, hop_s = c × a.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use medaccess::communes::{CommuneProfile, Communes, build_commune_graph, haversine_m};

/// Car speed by OSM highway class, km/h: the class speeds of the Corsica
/// PROVENANCE, plus the link and minor classes.
fn class_speed_kmh(highway: &str) -> Option<f64> {
    Some(match highway {
        "motorway" => 110.0,
        "trunk" => 90.0,
        "primary" => 80.0,
        "secondary" => 70.0,
        "tertiary" => 60.0,
        "unclassified" => 50.0,
        "residential" => 30.0,
        "motorway_link" | "trunk_link" | "primary_link" => 50.0,
        "secondary_link" | "tertiary_link" => 40.0,
        "living_street" | "service" => 20.0,
        _ => return None,
    })
}

fn lines(path: &Path) -> anyhow::Result<Vec<String>> {
    let f = std::fs::File::open(path)?;
    let r = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f));
    Ok(r.lines().collect::<Result<_, _>>()?)
}

struct Road {
    coords: Vec<(f64, f64)>,
    /// adjacency: (to, seconds, metres)
    adj: Vec<Vec<(usize, f64, f64)>>,
}

fn read_road(dir: &Path) -> anyhow::Result<Road> {
    let mut id = HashMap::new();
    let mut coords = Vec::new();
    for (i, l) in lines(&dir.join("corsica_nodes.csv.gz"))?
        .iter()
        .enumerate()
        .skip(1)
    {
        let f: Vec<&str> = l.split(',').collect();
        anyhow::ensure!(f.len() >= 3, "corsica_nodes line {}: too few fields", i + 1);
        id.insert(f[0].to_string(), coords.len());
        coords.push((f[2].parse::<f64>()?, f[1].parse::<f64>()?));
    }
    let mut adj = vec![Vec::new(); coords.len()];
    let links = dir.join("corsica_links.csv.gz");
    let text = lines(&links)?.join("\n");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec?;
        // link_id,from_node,to_node,length_m,freespeed_kmh,...,modes(7),highway(8)
        if !rec[7].split(',').any(|m| m == "car") {
            continue;
        }
        let Some(kmh) = class_speed_kmh(&rec[8]) else {
            continue;
        };
        let (Some(&a), Some(&b)) = (id.get(&rec[1]), id.get(&rec[2])) else {
            anyhow::bail!("corsica_links line {}: unknown node", i + 2);
        };
        let m: f64 = rec[3].parse()?;
        adj[a].push((b, m / (kmh / 3.6), m));
    }
    Ok(Road { coords, adj })
}

/// Dijkstra by time; returns (seconds, metres) of the fastest path to each node.
fn dijkstra(adj: &[Vec<(usize, f64, f64)>], s: usize, hop: f64) -> Vec<(f64, f64, u32)> {
    let mut best = vec![(f64::INFINITY, 0.0, 0u32); adj.len()];
    let mut heap = BinaryHeap::new();
    best[s] = (0.0, 0.0, 0);
    heap.push(Reverse((0u64, s)));
    while let Some(Reverse((k, v))) = heap.pop() {
        let t = f64::from_bits(k);
        if t > best[v].0 {
            continue;
        }
        for &(w, dt, dm) in &adj[v] {
            let nt = t + dt + hop;
            if nt < best[w].0 {
                best[w] = (nt, best[v].1 + dm, best[v].2 + 1);
                heap.push(Reverse((nt.to_bits(), w)));
            }
        }
    }
    best
}

/// Longest road time of the pairs the fit uses, seconds.
const FIT_MAX_S: f64 = 3600.0;

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "../shared/data".into()));
    let road = read_road(&data.join("osm-fr-corse"))?;
    let table = Communes::load_france_deps(&data.join("communes-france"), Some(&["2A", "2B"]))?;
    let cg = build_commune_graph(&table, &CommuneProfile::default())?;
    let n = cg.nodes.len();
    eprintln!("road nodes {}, communes {n}", road.coords.len());

    // Snap each origin to the nearest road node that has outgoing links.
    let mut snap_m = Vec::new();
    let snapped: Vec<usize> = cg
        .nodes
        .iter()
        .map(|c| {
            let (d, v) = (0..road.coords.len())
                .filter(|&v| !road.adj[v].is_empty())
                .map(|v| (haversine_m((c.lon, c.lat), road.coords[v]), v))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap_or((f64::INFINITY, 0));
            snap_m.push(d);
            v
        })
        .collect();
    eprintln!(
        "snap distance: median {:.0} m, p90 {:.0} m, max {:.0} m",
        quantile(&mut snap_m.clone(), 0.5),
        quantile(&mut snap_m.clone(), 0.9),
        quantile(&mut snap_m, 1.0)
    );
    // Road time (s) and length (m) between every ordered pair.
    let road_pairs: Vec<Vec<(f64, f64)>> = snapped
        .iter()
        .map(|&s| {
            let b = dijkstra(&road.adj, s, 0.0);
            snapped.iter().map(|&t| (b[t].0, b[t].1)).collect()
        })
        .collect();
    // Commune graph with great-circle metres per hop.
    let mut cadj = vec![Vec::new(); n];
    for e in cg.graph.edges() {
        let (a, b) = (&cg.nodes[e.from as usize], &cg.nodes[e.to as usize]);
        let d = haversine_m((a.lon, a.lat), (b.lon, b.lat));
        cadj[e.from as usize].push((e.to as usize, d, d));
    }
    // Fitted on pairs up to FIT_MAX_S of road: the range that matters for
    // the nearest facility (beyond, every commune is a désert anyway).
    let pairs_within = |max_s: f64, f: &mut dyn FnMut(usize, usize)| {
        for (i, row) in road_pairs.iter().enumerate() {
            for (j, &(r, _)) in row.iter().enumerate() {
                if i != j && r.is_finite() && r > 0.0 && r <= max_s {
                    f(i, j)
                }
            }
        }
    };
    let fit = |f: &mut dyn FnMut(usize, usize)| pairs_within(FIT_MAX_S, f);
    let pairs = |f: &mut dyn FnMut(usize, usize)| pairs_within(f64::INFINITY, f);
    let mut best: Option<(f64, f64, f64)> = None;
    let mut a_zero = None; // (median abs err, c, a)
    println!("per-hop constant c (m) | scale a (s/m) | median |rel err| | p90 |rel err|");
    for c in [0.0, 250.0, 500.0, 750.0, 1000.0, 1500.0, 2000.0, 3000.0] {
        let paths: Vec<Vec<(f64, f64, u32)>> = (0..n).map(|s| dijkstra(&cadj, s, c)).collect();
        let mut ratio = Vec::new();
        fit(&mut |i, j| ratio.push(road_pairs[i][j].0 / paths[i][j].0));
        let a = quantile(&mut ratio.clone(), 0.5);
        let mut err: Vec<f64> = ratio.iter().map(|r| (a / r - 1.0).abs()).collect();
        let (m, p90) = (quantile(&mut err.clone(), 0.5), quantile(&mut err, 0.9));
        println!("{c:>6} | {a:.5} | {:.1} % | {:.1} %", 100.0 * m, 100.0 * p90);
        if c == 0.0 {
            a_zero = Some(a);
        }
        if best.is_none_or(|b| m < b.0) {
            best = Some((m, c, a));
        }
    }
    let (_, c_best, a_best) = best.ok_or_else(|| anyhow::anyhow!("no pairs"))?;
    let a_zero = a_zero.ok_or_else(|| anyhow::anyhow!("no pairs"))?;
    for (label, c, a) in [
        ("without per-hop constant (the default)", 0.0, a_zero),
        ("best per-hop constant", c_best, a_best),
    ] {
        println!("\n== {label}");
        let paths: Vec<Vec<(f64, f64, u32)>> = (0..n).map(|s| dijkstra(&cadj, s, c)).collect();
        let mut len_ratio = Vec::new();
        fit(&mut |i, j| {
            let gc = paths[i][j].1;
            if gc > 0.0 {
                len_ratio.push(road_pairs[i][j].1 / gc)
            }
        });
        let detour = quantile(&mut len_ratio, 0.5);
        let speed_kmh = detour / a * 3.6;
        let hop_s = c * a;
        println!("\nfitted: c = {c} m, detour = {detour:.3}, speed_kmh = {speed_kmh:.1}, hop_s = {hop_s:.1}");

        // Errors of the rounded profile actually used, on the real commune graph.
        let profile = CommuneProfile {
            detour: (detour * 100.0).round() / 100.0,
            speed_kmh: speed_kmh.round(),
            hop_s: hop_s.round(),
            ..CommuneProfile::default()
        };
        let cg = build_commune_graph(&table, &profile)?;
        let times: Vec<Vec<u32>> = (0..n as u32)
            .map(|s| medaccess::route::one_to_all(cg.graph.forward(), s))
            .collect();
        let mut rel = Vec::new();
        let mut bands: [(Vec<f64>, &str); 3] = [
            (Vec::new(), "road < 20 min"),
            (Vec::new(), "20-60 min"),
            (Vec::new(), "> 60 min"),
        ];
        pairs(&mut |i, j| {
            let r = road_pairs[i][j].0;
            let e = times[i][j] as f64 / 10.0 / r - 1.0;
            rel.push(e);
            let b = if r < 1200.0 {
                0
            } else if r < 3600.0 {
                1
            } else {
                2
            };
            bands[b].0.push(e);
        });
        let report = |name: &str, v: &mut Vec<f64>| {
            let bias = quantile(v, 0.5);
            let mut abs: Vec<f64> = v.iter().map(|e| e.abs()).collect();
            println!(
                "{name:<14} pairs {:>6}: bias (median signed) {:+.1} %, median |err| {:.1} %, p90 |err| {:.1} %, mean signed {:+.1} %",
                v.len(),
                100.0 * bias,
                100.0 * quantile(&mut abs.clone(), 0.5),
                100.0 * quantile(&mut abs, 0.9),
                100.0 * v.iter().sum::<f64>() / v.len() as f64
            );
        };
        println!("\nprofile {profile:?}");
        report("all pairs", &mut rel);
        for (v, name) in bands.iter_mut() {
            report(name, v);
        }
        for (a, b, planner) in [
            ("2A004", "2B033", "2 h 40 – 2 h 55"),
            ("2A004", "2A247", "2 h 40 – 2 h 55"),
            ("2B033", "2A247", "2 h 40 – 2 h 55"),
        ] {
            let (Some(i), Some(j)) = (cg.node_of(a), cg.node_of(b)) else {
                continue;
            };
            let (i, j) = (i as usize, j as usize);
            println!(
                "{} – {}: commune graph {:.0} min, road (class speeds) {:.0} min / {:.0} km, route planners {planner}",
                cg.nodes[i].name,
                cg.nodes[j].name,
                times[i][j] as f64 / 600.0,
                road_pairs[i][j].0 / 60.0,
                road_pairs[i][j].1 / 1000.0
            );
        }
    }
    Ok(())
}
