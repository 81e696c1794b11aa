//! Fits the v2 commune profile (see `docs/commune-engine.md`, "How v2 was
//! fitted") on Corsica's road network and on the quoted mainland drive
//! times marked `fit`; the held-out Corsican communes, the held-out quotes
//! and the national DREES figures are never used here
//! (`validate_commune_engine` measures them).
//!
//! ```text
//! cargo run --release --example calibrate_commune_profile -- [SHARED_DATA_DIR] [--start v2|FILE]
//! ```
//! Default data dir: `../shared/data`. `--start` begins the search from a
//! profile (`v2` = the shipped one, or a JSON file) instead of the rounded
//! start written below: the search is local, so a refit after the data
//! changed is run from both and the lower objective kept. Reads the shipped links
//! (`fixtures/communes-france.medgraph.gz`), `osm-fr-corse/` and
//! `communes-france/` (2A, 2B polygons, to place Corsica's maternities in
//! their commune). Prints the search and the fitted profile (as JSON, the
//! form `--commune-profile FILE` reads); writes nothing. About 1–3 minutes
//! on an idle machine (8 minutes at load 10 on the shared 2-core one); on a
//! terminal, standard error counts the evaluations as they go.
//!
//! Method. Fixed before the fit: the class speeds, those of the project's
//! car profile (`car-fr`, docs/roads.md; local roads 60 km/h, between its
//! tertiary 70 and unclassified 50), motorway detour 1.05 (road points lie
//! on the motorway), the facility leg's detour 1.4. Fitted by coordinate
//! descent (each parameter in turn, up and down by a
//! step that halves when nothing improves, from 20 % to 1 %) on the mean of
//! two objectives:
//! - Corsica (reference: the network as `--roads` reads it, `car-fr` with
//!   the winding-road correction; every third commune by INSEE order held
//!   out): over the trips from the training communes to the towns of
//!   2,000 inhabitants or more (where facilities are) up to 60 min of
//!   road, the mean over the bands 0–20, 20–40, 40–60 min of (median
//!   absolute error + |median signed error|), averaged with the same
//!   measure on the training communes' trip to their nearest maternity of
//!   2017;
//! - the quoted times marked `fit`: the mean absolute log distance to the
//!   quoted range (0 inside it).

#[path = "support/commune_eval.rs"]
mod eval;

use std::path::PathBuf;

use eval::*;
use medaccess::communes::{
    CommuneLinks, CommuneProfile, Communes, PerClass, ProfileV2, fixtures, read_commune_links,
};

/// Inhabitants of the Corsican towns whose trips from the training
/// communes are fitted (facilities are in towns).
const TOWN: u64 = 2_000;

/// A parameter of the search: name, how to read and write it, step kind,
/// bounds.
struct Param {
    name: &'static str,
    get: fn(&ProfileV2) -> f64,
    set: fn(&mut ProfileV2, f64),
    /// Multiplicative steps (speeds) or additive in `unit` (seconds…).
    additive: Option<f64>,
    lo: f64,
    hi: f64,
}

/// A [`Param`] that is one field of the profile, named after its path.
macro_rules! field {
    ($($f:ident).+, $additive:expr, $lo:expr, $hi:expr) => {
        Param {
            name: stringify!($($f).+),
            get: |p| p.$($f).+,
            set: |p, v| p.$($f).+ = v,
            additive: $additive,
            lo: $lo,
            hi: $hi,
        }
    };
}

fn params() -> Vec<Param> {
    vec![
        Param {
            name: "detour (expressway, national, main departmental, departmental)",
            get: |p| p.detour.national,
            set: |p, v| {
                p.detour.expressway = v;
                p.detour.national = v;
                p.detour.main_departmental = v;
                p.detour.departmental = v;
            },
            additive: Some(0.5),
            lo: 1.0,
            hi: 3.0,
        },
        field!(detour.local, Some(0.5), 1.0, 3.0),
        Param {
            name: "crossing_s (national, main departmental, departmental)",
            get: |p| p.crossing_s.national,
            set: |p, v| {
                p.crossing_s.national = v;
                p.crossing_s.main_departmental = v;
                p.crossing_s.departmental = v;
            },
            additive: Some(60.0),
            lo: 0.0,
            hi: 600.0,
        },
        field!(crossing_s.local, Some(60.0), 0.0, 600.0),
        field!(town_crossing_s, Some(60.0), 0.0, 600.0),
        field!(terrain_ref, Some(0.2), 0.0, 0.8),
        field!(terrain_slowdown, Some(2.0), 0.0, 10.0),
        field!(motorway_speed_kmh, None, 90.0, 130.0),
        field!(motorway_access_s, Some(120.0), 0.0, 900.0),
        field!(leg_speed_kmh, None, 10.0, 80.0),
        field!(access_kmh, None, 10.0, 90.0),
        Param {
            name: "road_terrain_weight",
            get: |p| p.road_terrain_weight.unwrap_or(f64::INFINITY),
            set: |p, v| p.road_terrain_weight = Some(v),
            additive: None,
            lo: 0.5,
            hi: 200.0,
        },
    ]
}

/// Median of a commune-level value.
fn median(v: &[f64]) -> f64 {
    quantile(v, 0.5)
}

/// Median absolute error + |median signed error|.
fn score(e: &[f64]) -> f64 {
    let abs: Vec<f64> = e.iter().map(|x| x.abs()).collect();
    median(&abs) + median(e).abs()
}

struct Corsica {
    links: CommuneLinks,
    roads: CorsicaRoads,
    table: Communes,
    /// Road minutes to the nearest maternity of 2017, per Corsican commune.
    maternity: Vec<Option<f64>>,
}

impl Corsica {
    fn errors(
        &self,
        p: &CommuneProfile,
        sources: &(dyn Fn(usize) -> bool + Sync),
    ) -> anyhow::Result<(Vec<Vec<f64>>, Vec<f64>)> {
        let g = self.links.graph(p)?;
        let mut bands = vec![Vec::new(); 3];
        for (_, j, r, e) in corsica_pair_errors(&g, &self.roads, sources) {
            // Trips to towns, where facilities are.
            if r <= 3600.0 && g.nodes[j].population.unwrap_or(0) >= TOWN {
                bands[((r / 1200.0) as usize).min(2)].push(e);
            }
        }
        let idx: Vec<usize> = (0..g.nodes.len()).filter(|&i| sources(i)).collect();
        let nodes = g.nodes.clone();
        let ctx = context(commune_engine(g, Some(&self.table)), &nodes)?;
        let est = nearest_maternity(&ctx, 2017, &idx, &|id| {
            id.starts_with("2A") || id.starts_with("2B")
        })?;
        let mat: Vec<f64> = idx
            .iter()
            .zip(&est)
            .filter_map(|(&i, e)| match (self.maternity[i], e) {
                (Some(r), Some(e)) if r > 0.0 => Some(e / r - 1.0),
                _ => None,
            })
            .collect();
        Ok((bands, mat))
    }

    fn objective(&self, p: &CommuneProfile) -> anyhow::Result<f64> {
        let (bands, mat) = self.errors(p, &|i| !held_out(i))?;
        let pairs = bands.iter().map(|b| score(b)).sum::<f64>() / 3.0;
        Ok(0.5 * (pairs + score(&mat)))
    }
}

fn quoted_objective(links: &CommuneLinks, p: &CommuneProfile) -> anyhow::Result<f64> {
    let g = links.graph(p)?;
    let q: Vec<f64> = quoted(&g, None)
        .iter()
        .filter(|x| x.cited.fit)
        .map(|x| (1.0 + x.error).ln().abs())
        .collect();
    Ok(q.iter().sum::<f64>() / q.len() as f64)
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let start = match args.iter().position(|a| a == "--start") {
        Some(i) if i + 1 < args.len() => {
            let s = args.remove(i + 1);
            args.remove(i);
            match CommuneProfile::from_arg(&s)? {
                CommuneProfile::V2(p) => Some((s, p)),
                CommuneProfile::V1(_) => anyhow::bail!("--start {s}: a v2 profile is fitted, not v1"),
            }
        }
        Some(_) => anyhow::bail!("--start needs a profile: `v2` (the shipped one) or a JSON file"),
        None => None,
    };
    let data = PathBuf::from(args.first().cloned().unwrap_or_else(|| "../shared/data".into()));
    let links = read_commune_links(&fixtures::default_dir().join(fixtures::GRAPH_FILE))?;
    let corse_links = links.subset(&["2A", "2B"]);
    let roads = CorsicaRoads::load(&data, &corse_links.nodes)?;
    let table = Communes::load_france_deps(&data.join("communes-france"), Some(&["2A", "2B"]))?;
    let road = context(corsica_road_engine(&data)?, &corse_links.nodes)?;
    let all: Vec<usize> = (0..corse_links.nodes.len()).collect();
    let maternity = nearest_maternity(&road, 2017, &all, &|id| {
        id.starts_with("2A") || id.starts_with("2B")
    })?;
    let corsica = Corsica {
        links: corse_links,
        roads,
        table,
        maternity,
    };

    // Class speeds fixed at the project's car profile (`car-fr`,
    // docs/roads.md): separated carriageways 110, two-lane national,
    // primary and secondary roads 80, local roads 60 (between tertiary 70
    // and unclassified 50); motorway detour 1.05 (road points lie on the
    // motorway); the facility leg's detour 1.4.
    // The search is local: it starts from the values written here,
    // rounded from earlier runs of this program (from round values —
    // detours 1.3, crossings 30 s — an earlier form of the model stopped
    // at a worse optimum); the weight of the communes' terrain against a
    // road's own records starts at 8 (a road with 8 records is halfway
    // between the two).
    let mut p = ProfileV2 {
        detour: PerClass {
            expressway: 1.35,
            national: 1.35,
            main_departmental: 1.35,
            departmental: 1.35,
            local: 1.65,
        },
        speed_kmh: PerClass {
            expressway: 110.0,
            national: 80.0,
            main_departmental: 80.0,
            departmental: 80.0,
            local: 60.0,
        },
        crossing_s: PerClass {
            expressway: 0.0,
            national: 0.0,
            main_departmental: 0.0,
            departmental: 0.0,
            local: 100.0,
        },
        town_crossing_s: 0.0,
        terrain_ref: 0.35,
        terrain_slowdown: 2.0,
        road_terrain_weight: Some(8.0),
        motorway_detour: 1.05,
        motorway_speed_kmh: 130.0,
        motorway_access_s: 340.0,
        access_kmh: 60.0,
        leg_detour: 1.4,
        leg_speed_kmh: 70.0,
        no_polygon_neighbours: ProfileV2::default().no_polygon_neighbours,
    };
    if let Some((name, from)) = start {
        println!("start: profile {name} ({})", CommuneProfile::V2(from).tag());
        p = from;
    }
    println!(
        "fixed: class speeds (km/h) expressway 110, national 80, main departmental 80, departmental 80, local 60; \
         expressway crossing 0 s; motorway detour 1.05; leg detour 1.4"
    );

    let total = |p: &ProfileV2| -> anyhow::Result<(f64, f64, f64)> {
        let prof = CommuneProfile::V2(*p);
        let c = corsica.objective(&prof)?;
        let q = quoted_objective(&links, &prof)?;
        Ok((0.5 * (c + q), c, q))
    };
    let ps = params();
    let mut best = total(&p)?;
    println!(
        "start: objective {:.4} (Corsica {:.4}, quotes {:.4})",
        best.0, best.1, best.2
    );
    let mut step = 0.2;
    let mut evals = 1;
    // On a terminal, a line counting the evaluations (a search takes
    // minutes); nothing of it in a pipe or a file.
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    while step >= 0.01 {
        let mut improved = true;
        while improved {
            improved = false;
            for par in &ps {
                for dir in [1.0, -1.0] {
                    let cur = (par.get)(&p);
                    let next = match par.additive {
                        Some(unit) => cur + dir * step * unit,
                        None => cur * (1.0 + dir * step),
                    }
                    .clamp(par.lo, par.hi);
                    if (next - cur).abs() < 1e-9 {
                        continue;
                    }
                    let mut q = p;
                    (par.set)(&mut q, (next * 100.0).round() / 100.0);
                    let r = total(&q)?;
                    evals += 1;
                    if tty {
                        eprint!(
                            "\r\x1b[Kstep {step:.3}: {evals} evaluations, objective {:.4}",
                            best.0
                        );
                    }
                    if r.0 < best.0 - 1e-6 {
                        p = q;
                        best = r;
                        improved = true;
                        if tty {
                            eprint!("\r\x1b[K");
                        }
                        println!(
                            "step {step:.3}: {} = {:.2} -> objective {:.4} (Corsica {:.4}, quotes {:.4})",
                            par.name,
                            (par.get)(&p),
                            best.0,
                            best.1,
                            best.2
                        );
                        break;
                    }
                }
            }
        }
        step /= 2.0;
    }
    if tty {
        eprint!("\r\x1b[K");
    }
    println!("\n{evals} evaluations; fitted profile:");
    println!("{}", serde_json::to_string_pretty(&CommuneProfile::V2(p))?);
    println!("{p:#?}");
    Ok(())
}
