//! Calibrates the commune-estimate profile against Corsica's OpenStreetMap
//! road network (see `docs/commune-engine.md`).
//!
//! ```text
//! cargo run --release --example calibrate_commune_profile -- [SHARED_DATA_DIR] [--no-winding | --provenance-speeds]
//! ```
//! Default data dir: `../shared/data`. Reads `osm-fr-corse/corsica_{nodes,links}.csv.gz`
//! and `communes-france/` (2A, 2B). Prints the fitted parameters and the
//! error distribution; writes nothing.
//!
//! Method: road times on the network as `--roads` builds it (the `car-fr`
//! profile: class speeds and, unless `--no-winding`, the winding-road
//! correction; `--provenance-speeds`: the raw links at the class speeds of
//! the Corsica PROVENANCE, as the default profile was fitted); each commune
//! origin snapped to the nearest road node; road time and road length of the fastest path for every ordered pair
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

use medaccess::communes::cited::CITED_TIMES;
use medaccess::communes::{CommuneProfile, Communes, build_commune_graph, commune_links, haversine_m};
use medaccess::roads::{CarProfile, RoadNetwork};
use medaccess::units::UNREACHABLE;

struct Road {
    coords: Vec<(f64, f64)>,
    /// adjacency: (to, seconds, metres)
    adj: Vec<Vec<(usize, f64, f64)>>,
}

/// Corsica's network as `--roads` reads it: the project's car profile
/// (class speeds, and the winding-road correction unless `winding` is
/// false), contracted, largest strongly connected component.
fn read_road(dir: &Path, winding: bool) -> anyhow::Result<Road> {
    let mut profile = CarProfile::france();
    if !winding {
        profile = profile.without_winding();
    }
    let net = RoadNetwork::read(&dir.join("corsica_links.csv.gz"), &profile, &|_, _| {})?;
    let coords = net.node_lonlat.iter().map(|p| (p[0], p[1])).collect();
    let mut adj = vec![Vec::new(); net.node_lonlat.len()];
    for e in &net.edges {
        if e.time_fwd != UNREACHABLE {
            adj[e.from as usize].push((e.to as usize, e.time_fwd as f64 / 10.0, e.length_m));
        }
        if e.time_bwd != UNREACHABLE {
            adj[e.to as usize].push((e.from as usize, e.time_bwd as f64 / 10.0, e.length_m));
        }
    }
    Ok(Road { coords, adj })
}

/// Car speed by OSM highway class, km/h: the class speeds of the Corsica
/// PROVENANCE, plus the link and minor classes (`--provenance-speeds`).
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

/// The raw links at [`class_speed_kmh`], every node kept (as the default
/// profile was fitted).
fn read_road_provenance(dir: &Path) -> anyhow::Result<Road> {
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let winding = !args.iter().any(|a| a == "--no-winding");
    let data = PathBuf::from(
        args.iter()
            .find(|a| !a.starts_with("--"))
            .cloned()
            .unwrap_or_else(|| "../shared/data".into()),
    );
    let road = if args.iter().any(|a| a == "--provenance-speeds") {
        eprintln!("road network: raw links at the PROVENANCE class speeds");
        read_road_provenance(&data.join("osm-fr-corse"))?
    } else {
        eprintln!(
            "road network: car-fr profile, winding correction {}",
            if winding { "on" } else { "off" }
        );
        read_road(&data.join("osm-fr-corse"), winding)?
    };
    let table = Communes::load_france_deps(&data.join("communes-france"), Some(&["2A", "2B"]))?;
    let cg = build_commune_graph(&table, &CommuneProfile::neighbours_only())?;
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
    let mut neighbour_fit = (0.0, 0.0, 0.0);
    for (label, c, a) in [
        ("without per-hop constant", 0.0, a_zero),
        ("best per-hop constant", c_best, a_best),
    ] {
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
        // Rounded as the default profile's values are.
        neighbour_fit = ((detour * 100.0).round() / 100.0, speed_kmh.round(), hop_s.round());
        println!(
            "\n== neighbour graph, {label}: c = {c} m, detour = {detour:.3}, speed_kmh = {speed_kmh:.1}, hop_s = {hop_s:.1}"
        );
    }

    // ---- Backbone (stage 2). The neighbour part stays at the default
    // (fitted above); the backbone parameters are fitted on the pairs whose
    // source is a TRAINING commune and measured on the others (every third
    // commune, by INSEE order, is held out as a source).
    let links = commune_links(&table, CommuneProfile::default().no_polygon_neighbours);
    let held_out = |i: usize| i % 3 == 2;
    let train = |i: usize| !held_out(i);
    // Backbone detour: median road length / great-circle length of the pairs
    // a backbone edge stands for (training sources, towns of at least
    // 2,000 inhabitants as targets, 5–60 km apart).
    let mut bb_len = Vec::new();
    for i in (0..n).filter(|&i| train(i)) {
        for (j, (road_s, road_m)) in road_pairs[i].iter().enumerate() {
            let gc = haversine_m(
                (cg.nodes[i].lon, cg.nodes[i].lat),
                (cg.nodes[j].lon, cg.nodes[j].lat),
            );
            if cg.nodes[j].population.unwrap_or(0) >= 2000
                && (5_000.0..=60_000.0).contains(&gc)
                && road_s.is_finite()
            {
                bb_len.push(road_m / gc);
            }
        }
    }
    let backbone_detour = (quantile(&mut bb_len, 0.5) * 100.0).round() / 100.0;
    println!(
        "\nbackbone detour (median road / great-circle, {} pairs): {backbone_detour}",
        bb_len.len()
    );

    // Relative errors (commune time / road time − 1) of a profile, by band
    // of road time: 0–20, 20–40, 40–60, 60+ min.
    let errors =
        |profile: &CommuneProfile, sources: &dyn Fn(usize) -> bool| -> anyhow::Result<[Vec<f64>; 4]> {
            let g = links.graph(profile)?;
            let mut bands: [Vec<f64>; 4] = Default::default();
            for i in (0..n).filter(|&i| sources(i)) {
                let t = medaccess::route::one_to_all(g.graph.forward(), i as u32);
                for j in 0..n {
                    let r = road_pairs[i][j].0;
                    if i == j || !r.is_finite() || r <= 0.0 {
                        continue;
                    }
                    let b = ((r / 1200.0) as usize).min(3);
                    bands[b].push(t[j] as f64 / 10.0 / r - 1.0);
                }
            }
            Ok(bands)
        };
    // Fit objective: the mean over the four bands of the median absolute
    // error plus the absolute bias (median signed error), so that the many
    // long pairs do not outweigh the short ones and no band drifts.
    let objective = |bands: &[Vec<f64>; 4]| -> f64 {
        bands
            .iter()
            .map(|v| {
                let mut abs: Vec<f64> = v.iter().map(|e| e.abs()).collect();
                quantile(&mut abs, 0.5) + quantile(&mut v.clone(), 0.5).abs()
            })
            .sum::<f64>()
            / 4.0
    };
    // The neighbour part as just fitted (best per-hop constant).
    let base = CommuneProfile {
        detour: neighbour_fit.0,
        speed_kmh: neighbour_fit.1,
        hop_s: neighbour_fit.2,
        ..CommuneProfile::default()
    };
    let neighbours_fitted = CommuneProfile {
        backbone_min_pop: 0,
        fast_min_pop: 0,
        ..base
    };
    // Short trips must stay as good as without the backbone: a candidate
    // whose 0–20 min band has a larger median absolute error or a larger
    // absolute bias than the neighbour graph's (training sources) is refused.
    let band0 = |bands: &[Vec<f64>; 4]| {
        let v = &bands[0];
        let mut abs: Vec<f64> = v.iter().map(|e| e.abs()).collect();
        (quantile(&mut abs, 0.5), quantile(&mut v.clone(), 0.5).abs())
    };
    let short0 = band0(&errors(&neighbours_fitted, &train)?);
    let mut best: Option<(f64, CommuneProfile)> = None;
    // 4,500 candidates, minutes of work: a bar on a terminal, quiet in a pipe
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let b = indicatif::ProgressBar::new(5 * 2 * 3 * 2 * 5 * 15);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "backbone grid search [{bar:30}] {pos}/{len} {elapsed} (eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    // The neighbour speed is refitted with the backbone, from the
    // neighbour-only fit up to 20 % faster (the backbone takes over the long
    // trips the neighbour scale was stretched to fit); hop_s and detour stay
    // as fitted.
    for speed_kmh in [1.0, 1.05, 1.1, 1.15, 1.2].map(|k: f64| (base.speed_kmh * k).round()) {
        for min_pop in [3000, 5000] {
            for local_km in [15.0, 25.0, 40.0] {
                for local_k in [1, 2] {
                    for backbone_s in [60.0, 120.0, 240.0, 360.0, 480.0] {
                        for speed in (14..=28).map(|k| 5.0 * k as f64) {
                            let p = CommuneProfile {
                                speed_kmh,
                                backbone_min_pop: min_pop,
                                backbone_local_km: local_km,
                                backbone_local_k: local_k,
                                backbone_detour,
                                backbone_speed_kmh: speed,
                                backbone_s,
                                fast_min_pop: 0,
                                ..base
                            };
                            bar.inc(1);
                            let e = errors(&p, &train)?;
                            let (m0, b0) = band0(&e);
                            if m0 > short0.0 || b0 > short0.1 {
                                continue;
                            }
                            let o = objective(&e);
                            if best.is_none_or(|b| o < b.0) {
                                best = Some((o, p));
                            }
                        }
                    }
                }
            }
        }
    }
    bar.finish_and_clear();
    let (o, fitted) = best.ok_or_else(|| anyhow::anyhow!("no profile"))?;
    println!(
        "\nbest backbone on training sources (objective {:.1} %): {fitted:?}",
        100.0 * o
    );

    let report = |name: &str, bands: &[Vec<f64>; 4]| {
        println!("\n{name}");
        println!("| pairs | n | bias | median abs. error | p90 abs. error |");
        println!("|---|---:|---:|---:|---:|");
        let mut all: Vec<f64> = bands.iter().flatten().copied().collect();
        let labels = [
            "road 0–20 min",
            "road 20–40 min",
            "road 40–60 min",
            "road 60+ min",
        ];
        let mut rows: Vec<(&str, Vec<f64>)> = vec![("all", std::mem::take(&mut all))];
        rows.extend(labels.iter().zip(bands).map(|(l, v)| (*l, v.clone())));
        for (label, mut v) in rows {
            let bias = quantile(&mut v, 0.5);
            let mut abs: Vec<f64> = v.iter().map(|e| e.abs()).collect();
            println!(
                "| {label} | {} | {:+.1} % | {:.1} % | {:.1} % |",
                v.len(),
                100.0 * bias,
                100.0 * quantile(&mut abs.clone(), 0.5),
                100.0 * quantile(&mut abs, 0.9)
            );
        }
    };
    let before = CommuneProfile::neighbours_only();
    report("neighbours only, held-out sources", &errors(&before, &held_out)?);
    report(
        "neighbours only, refitted, held-out sources",
        &errors(&neighbours_fitted, &held_out)?,
    );
    report(
        "with the fitted backbone, held-out sources",
        &errors(&fitted, &held_out)?,
    );
    report(
        "default profile, held-out sources",
        &errors(&CommuneProfile::default(), &held_out)?,
    );
    report("neighbours only, all sources", &errors(&before, &|_| true)?);
    report(
        "default profile, all sources",
        &errors(&CommuneProfile::default(), &|_| true)?,
    );

    for profile in [before, CommuneProfile::default()] {
        let g = links.graph(&profile)?;
        println!("\n{} edges with profile {profile:?}", g.num_edges());
        for (a, b, planner) in [
            ("2A004", "2B033", "2 h 40 – 2 h 55"),
            ("2A004", "2A247", "2 h 40 – 2 h 55"),
            ("2B033", "2A247", "2 h 40 – 2 h 55"),
        ] {
            let (Some(i), Some(j)) = (g.node_of(a), g.node_of(b)) else {
                continue;
            };
            let t = medaccess::route::one_to_all(g.graph.forward(), i)[j as usize];
            let (i, j) = (i as usize, j as usize);
            println!(
                "{} – {}: commune graph {:.0} min, road {:.0} min / {:.0} km, route planners {planner}",
                g.nodes[i].name,
                g.nodes[j].name,
                t as f64 / 600.0,
                road_pairs[i][j].0 / 60.0,
                road_pairs[i][j].1 / 1000.0
            );
        }
    }

    // ---- Mainland: the fast tier (towns of 20,000+ inhabitants, motorway
    // speed 130 km/h) has no counterpart in Corsica. Its detour is fitted on
    // the quoted times marked `fit` (the least mean absolute log error) and
    // checked on the others.
    let france = Communes::load_france(&data.join("communes-france"))?;
    let t0 = std::time::Instant::now();
    let links = commune_links(&france, CommuneProfile::default().no_polygon_neighbours);
    let t_links = t0.elapsed().as_secs_f64();
    let cited_minutes = |g: &medaccess::communes::CommuneGraph| -> anyhow::Result<Vec<f64>> {
        CITED_TIMES
            .iter()
            .map(|c| {
                let (Some(a), Some(b)) = (g.node_of(c.from), g.node_of(c.to)) else {
                    anyhow::bail!("{} or {} is not a node", c.from, c.to);
                };
                Ok(medaccess::route::one_to_all(g.graph.forward(), a)[b as usize] as f64 / 600.0)
            })
            .collect()
    };
    let log_err =
        |m: f64, c: &medaccess::communes::cited::CitedTime| (m / (c.min_minutes * c.max_minutes).sqrt()).ln();
    let fit_fast = |base: CommuneProfile| -> anyhow::Result<f64> {
        let mut best: Option<(f64, f64)> = None;
        for k in 0..=20 {
            let fast_detour = 1.0 + 0.05 * k as f64;
            let g = links.graph(&CommuneProfile { fast_detour, ..base })?;
            let m = cited_minutes(&g)?;
            let fit: Vec<f64> = CITED_TIMES
                .iter()
                .zip(&m)
                .filter(|(c, _)| c.fit)
                .map(|(c, &m)| log_err(m, c).abs())
                .collect();
            let e = fit.iter().sum::<f64>() / fit.len() as f64;
            println!("fast_detour {fast_detour:.2}: mean |log error| on the fit pairs {e:.3}");
            if best.is_none_or(|b| e < b.0) {
                best = Some((e, fast_detour));
            }
        }
        let (_, fast_detour) = best.ok_or_else(|| anyhow::anyhow!("no fit"))?;
        println!("\nfitted fast_detour = {fast_detour:.2} (fast_speed_kmh = 130)");
        Ok(fast_detour)
    };
    fit_fast(CommuneProfile::default())?;
    // The profile refitted on Corsica above, with the mainland fast tier
    // back on and its detour refitted the same way.
    let with_fast = CommuneProfile {
        fast_min_pop: CommuneProfile::default().fast_min_pop,
        ..fitted
    };
    let refitted = CommuneProfile {
        fast_detour: fit_fast(with_fast)?,
        ..with_fast
    };
    let profiles = [
        ("neighbours only", CommuneProfile::neighbours_only()),
        (
            "backbone, no fast tier",
            CommuneProfile {
                fast_min_pop: 0,
                ..CommuneProfile::default()
            },
        ),
        ("default", CommuneProfile::default()),
        ("refitted on this network", refitted),
    ];
    let mut cols = Vec::new();
    for (name, p) in &profiles {
        let t0 = std::time::Instant::now();
        let g = links.graph(p)?;
        println!(
            "{name}: {} edges ({} arcs), {} components, built in {:.2} s after {:.2} s of neighbour links",
            g.num_edges(),
            g.graph.num_arcs(),
            g.components().len(),
            t0.elapsed().as_secs_f64(),
            t_links
        );
        cols.push(cited_minutes(&g)?);
    }
    println!(
        "\n| pair | quoted (min) | neighbours only | backbone, no fast tier | default | default / quoted | refitted on this network | fit |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    for (i, c) in CITED_TIMES.iter().enumerate() {
        let name = |code: &str| {
            links
                .nodes
                .iter()
                .find(|n| n.insee == code)
                .map_or(code.to_string(), |n| n.name.clone())
        };
        let quoted = if c.min_minutes == c.max_minutes {
            format!("{:.0}", c.min_minutes)
        } else {
            format!("{:.0}–{:.0}", c.min_minutes, c.max_minutes)
        };
        println!(
            "| {} – {} | {quoted} | {:.0} | {:.0} | {:.0} | {:+.0} % | {:.0} | {} |",
            name(c.from),
            name(c.to),
            cols[0][i],
            cols[1][i],
            cols[2][i],
            100.0 * (log_err(cols[2][i], c).exp() - 1.0),
            cols[3][i],
            if c.fit { "fit" } else { "held out" }
        );
    }
    // The measure of `communes::tests::cited_mainland_times`: relative
    // distance to the quoted range (0 inside it).
    for (k, name) in [(2, "default"), (3, "refitted on this network")] {
        let mut d: Vec<f64> = CITED_TIMES
            .iter()
            .zip(&cols[k])
            .map(|(c, &m)| {
                if m < c.min_minutes {
                    1.0 - m / c.min_minutes
                } else if m > c.max_minutes {
                    m / c.max_minutes - 1.0
                } else {
                    0.0
                }
            })
            .collect();
        d.sort_by(f64::total_cmp);
        println!(
            "{name}: distance to the quoted range, median {:.1} %, worst {:.1} %",
            100.0 * d[d.len() / 2],
            100.0 * d[d.len() - 1]
        );
    }
    println!("\nrefitted profile: {refitted:?}");
    Ok(())
}
