//! Corsica end to end: every commune of 2A and 2B to its nearest maternity,
//! for each DREES year, on the real road network and on the commune graph
//! (profile v2, and v1 for comparison); the error of the commune estimate
//! against the network; the three city pairs with and without the
//! winding-road correction. (The held-out figures that the calibration
//! did not see are in `validate_commune_engine`.)
//!
//! ```text
//! cargo run --release --example corsica_validation -- [SHARED_DATA_DIR]
//! ```
//! Default data dir: `../shared/data`. Reads `osm-fr-corse/corsica_links.csv.gz`
//! (+ its nodes), `communes-france/` (2A, 2B: origins = town halls, as the
//! commune graph fixture), and the maternities and their positions as the
//! `access` job places them (`fixtures/`, made from `maternites-drees` and
//! `hospitals-eurostat`). Prints Markdown tables; writes one row per
//! (commune, year) to `target/corsica/corsica_validation.csv`.
//!
//! Errors are relative, `commune estimate / network − 1`, per commune and
//! year; the network is the reference (winding-road correction on, the
//! default car profile; snapping as `--roads` does it).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use medaccess::access::nearest_sites;
use medaccess::communes::{CommuneGraph, CommuneProfile, Communes, Scope, build_commune_graph};
use medaccess::engine::{CommuneGraphEngine, Engine, RoadNetworkEngine};
use medaccess::jobs::{Context, DataPaths, FacilitySource};
use medaccess::places::{Place, Places, Site};
use medaccess::roads::{CarProfile, RoadNetwork, SnapOptions, Snapper};

/// DREES years in the data.
const YEARS: std::ops::RangeInclusive<u16> = 2013..=2023;

fn quantile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// Minutes from `a` to `b` on a road network, both snapped as `--roads` does.
fn pair_minutes(net: &RoadNetwork, a: [f64; 2], b: [f64; 2]) -> anyhow::Result<Option<f64>> {
    let rep = Snapper::new(net).snap_all(&[a, b], &SnapOptions::default())?;
    let place = Place {
        id: "a".into(),
        name: String::new(),
        dep: String::new(),
        population: None,
        origin: a,
        origin_source: String::new(),
        entries: rep.snaps[0].outbound.clone(),
    };
    let site = Site {
        id: "b".into(),
        name: String::new(),
        dep: String::new(),
        position: b,
        position_source: String::new(),
        entries: rep.snaps[1].inbound.clone(),
    };
    Ok(nearest_sites(&net.graph, &[site], &[place])[0].minutes())
}

/// The communes of 2A and 2B on an engine.
fn context(engine: Box<dyn Engine>, places: &Places) -> anyhow::Result<Context> {
    Ok(Context::new(
        Scope::All,
        DataPaths::default(),
        engine,
        places.clone(),
    )?)
}

/// Nearest-maternity minutes of every commune of the context, per year.
fn nearest_by_year(ctx: &Context) -> anyhow::Result<Vec<Vec<Option<f64>>>> {
    let places = ctx.enter_places(&ctx.in_scope)?.items;
    let mut out = Vec::new();
    for year in YEARS {
        let mut set = ctx.facilities(&FacilitySource::Drees { year })?;
        set.facilities
            .retain(|f| f.id.starts_with("2A") || f.id.starts_with("2B"));
        anyhow::ensure!(!set.is_empty(), "no Corsican maternity in {year}");
        let sites = ctx.enter_sites(&set)?.items;
        let acc = nearest_sites(ctx.engine.graph(), &sites, &places);
        out.push(acc.iter().map(|a| a.minutes()).collect());
    }
    Ok(out)
}

struct Errors {
    /// (commune index, year index, relative error, road minutes, estimate minutes)
    rows: Vec<(usize, usize, f64, f64, f64)>,
}

impl Errors {
    fn new(road: &[Vec<Option<f64>>], est: &[Vec<Option<f64>>]) -> Self {
        let mut rows = Vec::new();
        for (y, (r, e)) in road.iter().zip(est).enumerate() {
            for (i, (r, e)) in r.iter().zip(e).enumerate() {
                if let (Some(r), Some(e)) = (r, e)
                    && *r > 0.0
                {
                    rows.push((i, y, e / r - 1.0, *r, *e));
                }
            }
        }
        Errors { rows }
    }

    /// `| n | median |err| | p90 |err| | median signed | p10 signed | p90 signed | median |Δ| min |`
    fn line(&self, year: Option<usize>) -> String {
        let sel: Vec<&(usize, usize, f64, f64, f64)> = self
            .rows
            .iter()
            .filter(|r| year.is_none_or(|y| r.1 == y))
            .collect();
        let rel: Vec<f64> = sel.iter().map(|r| r.2).collect();
        let abs: Vec<f64> = rel.iter().map(|e| e.abs()).collect();
        let dmin: Vec<f64> = sel.iter().map(|r| (r.4 - r.3).abs()).collect();
        format!(
            "{} | {:.1} % | {:.1} % | {:+.1} % | {:+.1} % | {:+.1} % | {:.1}",
            sel.len(),
            100.0 * quantile(&abs, 0.5),
            100.0 * quantile(&abs, 0.9),
            100.0 * quantile(&rel, 0.5),
            100.0 * quantile(&rel, 0.1),
            100.0 * quantile(&rel, 0.9),
            quantile(&dmin, 0.5),
        )
    }
}

fn commune_engine(
    table: &Communes,
    profile: &CommuneProfile,
) -> anyhow::Result<(Box<dyn Engine>, CommuneGraph)> {
    let g = build_commune_graph(table, profile)?;
    Ok((Box::new(CommuneGraphEngine::new(g.clone(), Some(table))), g))
}

fn road_engine(links: &Path, profile: &CarProfile) -> anyhow::Result<Box<dyn Engine>> {
    let net = RoadNetwork::read(links, profile, &|_, _| {})?;
    Ok(Box::new(RoadNetworkEngine::new(net, SnapOptions::default())))
}

fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "../shared/data".into()));
    let links = data.join("osm-fr-corse/corsica_links.csv.gz");
    let table = Communes::load_france_deps(&data.join("communes-france"), Some(&["2A", "2B"]))?;
    let (default_engine, g) = commune_engine(&table, &CommuneProfile::default())?;
    let places = Places::new(g.nodes.iter().map(Place::from).collect(), HashMap::new())?;
    let n = places.len();
    eprintln!("{n} communes of 2A and 2B");

    let winding = context(road_engine(&links, &CarProfile::france())?, &places)?;
    let straight = context(
        road_engine(&links, &CarProfile::france().without_winding())?,
        &places,
    )?;

    // ---- The three city pairs.
    println!("## City pairs (town hall to town hall, snapped as `--roads` does)\n");
    println!("| pair | class speeds (min) | with winding correction (min) | route planners |");
    println!("|---|---:|---:|---|");
    let origin = |insee: &str| {
        places
            .origin(insee)
            .ok_or_else(|| anyhow::anyhow!("{insee} is not a Corsican commune"))
    };
    for (a, b, na, nb) in [
        ("2A004", "2B033", "Ajaccio", "Bastia"),
        ("2A004", "2A247", "Ajaccio", "Porto-Vecchio"),
        ("2B033", "2A247", "Bastia", "Porto-Vecchio"),
    ] {
        let (pa, pb) = (origin(a)?, origin(b)?);
        let net = |c: &Context| match c.engine.road_network() {
            Some(net) => pair_minutes(net, pa, pb),
            None => Ok(None),
        };
        let fmt = |m: Option<f64>| m.map_or("–".to_string(), |m| format!("{m:.0}"));
        println!(
            "| {na} – {nb} | {} | {} | 160–175 |",
            fmt(net(&straight)?),
            fmt(net(&winding)?)
        );
    }

    // ---- Nearest maternity on every engine.
    let road = nearest_by_year(&winding)?;
    let road_straight = nearest_by_year(&straight)?;
    let far: Vec<String> = (0..n)
        .filter(|&i| road[0][i].is_none())
        .map(|i| format!("{} {}", places[i].id, places[i].name))
        .collect();
    println!(
        "\nCommunes without a network time (town hall farther than the 1 km snap limit from any road): {}",
        if far.is_empty() {
            "none".to_string()
        } else {
            far.join(", ")
        }
    );
    let est_default = nearest_by_year(&context(default_engine, &places)?)?;
    let (v1_engine, _) = commune_engine(&table, &CommuneProfile::v1())?;
    let est_v1 = nearest_by_year(&context(v1_engine, &places)?)?;

    let header = "| year | n | median abs. error | p90 abs. error | median signed | p10 signed | p90 signed | median abs. Δ (min) |\n|---|---:|---:|---:|---:|---:|---:|---:|";
    for (title, reference, est) in [
        (
            "commune estimate (default profile, v2) vs network with winding correction",
            &road,
            &est_default,
        ),
        (
            "commune estimate (profile v1, for comparison) vs network with winding correction",
            &road,
            &est_v1,
        ),
        (
            "commune estimate (default profile, v2) vs network at class speeds (no winding correction)",
            &road_straight,
            &est_default,
        ),
    ] {
        let e = Errors::new(reference, est);
        println!("\n## {title}\n\n{header}");
        for (y, year) in YEARS.enumerate() {
            println!("| {year} | {} |", e.line(Some(y)));
        }
        println!("| **all years** | {} |", e.line(None));
        // Worst communes over all years, by absolute difference in minutes
        // (a relative error on a 2-minute trip says little); one line per
        // commune, its worst year.
        let mut worst: Vec<&(usize, usize, f64, f64, f64)> = Vec::new();
        let mut rows: Vec<&(usize, usize, f64, f64, f64)> = e.rows.iter().collect();
        rows.sort_by(|a, b| {
            (b.4 - b.3)
                .abs()
                .total_cmp(&(a.4 - a.3).abs())
                .then(a.0.cmp(&b.0))
        });
        for r in rows {
            if worst.len() < 8 && !worst.iter().any(|w| w.0 == r.0) {
                worst.push(r);
            }
        }
        println!("\nWorst communes (largest difference, any year):\n");
        println!("| commune | INSEE | year | network (min) | estimate (min) | signed error |");
        println!("|---|---|---:|---:|---:|---:|");
        for &(i, y, rel, r, est) in worst {
            let c = &places[i];
            println!(
                "| {} | {} | {} | {r:.0} | {est:.0} | {:+.0} % |",
                c.name,
                c.id,
                YEARS.start() + y as u16,
                100.0 * rel
            );
        }
    }

    // ---- One row per commune and year.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/corsica");
    std::fs::create_dir_all(&dir)?;
    let out = dir.join("corsica_validation.csv");
    let fmt = |m: Option<f64>| m.map_or(String::new(), |m| format!("{m:.2}"));
    medaccess::io::atomic_write(&out, |w| {
        let io = |e| medaccess::Error::io(&out, e);
        writeln!(
            w,
            "insee,name,year,network_min,network_no_winding_min,estimate_v2_min,estimate_v1_min"
        )
        .map_err(io)?;
        for (y, year) in YEARS.enumerate() {
            for (i, c) in places.rows().iter().enumerate() {
                writeln!(
                    w,
                    "{},\"{}\",{year},{},{},{},{}",
                    c.id,
                    c.name.replace('"', "\"\""),
                    fmt(road[y][i]),
                    fmt(road_straight[y][i]),
                    fmt(est_default[y][i]),
                    fmt(est_v1[y][i])
                )
                .map_err(io)?;
            }
        }
        Ok(())
    })?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
