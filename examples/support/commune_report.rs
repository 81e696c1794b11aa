//! The validation report of the commune estimate: every figure
//! `validate_commune_engine` prints, which `docs/commune-engine.md` and the
//! README quote and a full-suite test checks against the docs. Needs
//! `crate::eval` (support/commune_eval.rs) beside it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use crate::eval::*;
use medaccess::communes::cited::{CITED_TIMES, CitedTime, Collection};
use medaccess::communes::regions::{region_name, region_of_departement};
use medaccess::communes::road_links::LinkKind;
use medaccess::communes::{
    CommuneGraph, CommuneProfile, Communes, RoadClass, RoadTable, fixtures, read_commune_links,
};
use medaccess::gp::Decay;
use medaccess::jobs::{Context, Data, DataPaths, FacilitySource, Silent};
use medaccess::units::{NodeId, Time, UNREACHABLE};

/// The targets of issue 14, as (low, high) bounds.
pub struct Targets;

impl Targets {
    pub const BEYOND_30: (f64, f64) = (6.0, 9.0);
    pub const BEYOND_45: (f64, f64) = (1.0, 2.5);
    pub const MEDIAN: (f64, f64) = (8.0, 10.5);
    pub const CORSICA_MEDIAN: f64 = 12.0;
    pub const CORSICA_P90: f64 = 30.0;
    pub const QUOTED_MEDIAN: f64 = 10.0;
    pub const QUOTED_WORST: f64 = 25.0;
    pub const OLORON_PAU: (f64, f64) = (35.0, 48.0);
    pub const APL_SPEARMAN: f64 = 0.7;
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

/// The default v2 profile before the refit with each road's own winding
/// (tag `v2#960ad250`, the default from 2026-12-07 morning to evening;
/// `road_terrain_weight` null: the communes' terrain alone): printed
/// beside the refit one so that every held-out figure shows before and
/// after.
pub const V2_BEFORE: &str = r#"{"version":"v2","detour":{"expressway":1.4,"national":1.4,"main_departmental":1.4,"departmental":1.4,"local":1.91},"speed_kmh":{"expressway":110.0,"national":80.0,"main_departmental":80.0,"departmental":80.0,"local":60.0},"crossing_s":{"expressway":0.0,"national":9.0,"main_departmental":9.0,"departmental":9.0,"local":112.75},"town_crossing_s":18.0,"terrain_ref":0.35,"terrain_slowdown":1.85,"road_terrain_weight":null,"motorway_detour":1.05,"motorway_speed_kmh":130.0,"motorway_access_s":287.5,"access_kmh":51.3,"leg_detour":1.4,"leg_speed_kmh":74.15,"no_polygon_neighbours":4}"#;

/// The refit of 2026-12-07 evening on the widened quoted ranges (six
/// ranges grew to span every quote found, four of them `fit` pairs; the
/// second collection held out), tag `v2#ee4d2850`: `cargo run --release
/// --example calibrate_commune_profile` from its written start. Its
/// objective (0.1409) is lower than the shipped profile's on the same data
/// (0.1421; from the shipped profile, `--start v2`, the search finds no
/// step down), yet it is worse on every held-out set; not shipped
/// (docs/commune-engine.md, "The refit on the widened ranges"), printed
/// beside it so that the choice can be checked.
pub const V2_REFIT_NOT_SHIPPED: &str = r#"{"version":"v2","detour":{"expressway":1.54,"national":1.54,"main_departmental":1.54,"departmental":1.54,"local":1.65},"speed_kmh":{"expressway":110.0,"national":80.0,"main_departmental":80.0,"departmental":80.0,"local":60.0},"crossing_s":{"expressway":0.0,"national":13.5,"main_departmental":13.5,"departmental":13.5,"local":137.5},"town_crossing_s":14.25,"terrain_ref":0.35,"terrain_slowdown":1.4,"road_terrain_weight":6.08,"motorway_detour":1.05,"motorway_speed_kmh":130.0,"motorway_access_s":106.0,"access_kmh":60.0,"leg_detour":1.4,"leg_speed_kmh":59.41,"no_polygon_neighbours":4}"#;

/// The five-parameter fit of 2026-12-07 night (`--model small`: the two
/// detours, the local crossing, the terrain slowdown and the facility
/// leg's speed free, the others at the program's written start), fitted
/// on all the fit data: 3-fold cross-validation on the fit data (`--cv 3`,
/// docs/bench/calibration-cv.md) scores it level with the full model.
/// Worse than the shipped profile on the held-out medians (quoted pairs,
/// Corsica's trips to the nearest maternity), better on some tails; not
/// shipped (docs/commune-engine.md, "Cross-validation and a smaller
/// model"), printed beside it so that the choice can be checked.
pub const V2_SMALL_NOT_SHIPPED: &str = r#"{"version":"v2","detour":{"expressway":1.65,"national":1.65,"main_departmental":1.65,"departmental":1.65,"local":1.75},"speed_kmh":{"expressway":110.0,"national":80.0,"main_departmental":80.0,"departmental":80.0,"local":60.0},"crossing_s":{"expressway":0.0,"national":0.0,"main_departmental":0.0,"departmental":0.0,"local":107.5},"town_crossing_s":0.0,"terrain_ref":0.35,"terrain_slowdown":1.6,"road_terrain_weight":8.0,"motorway_detour":1.05,"motorway_speed_kmh":130.0,"motorway_access_s":340.0,"access_kmh":60.0,"leg_detour":1.4,"leg_speed_kmh":52.07,"no_polygon_neighbours":4}"#;

/// National figures on the 2017 DREES list.
struct National {
    communes: usize,
    beyond30: f64,
    beyond45: f64,
    median: f64,
    unreachable_communes: usize,
    unreachable_pop: f64,
    oloron_pau: Option<f64>,
    /// Share beyond 30 min per région (metropolitan), by région code.
    by_region: BTreeMap<&'static str, f64>,
    /// Share beyond 45 min in the départements of [`DREES_BEYOND_45`].
    by_dep45: Vec<f64>,
    /// Population-weighted median distance as the crow flies from the
    /// origin to the nearest maternity as the crow flies, km (no engine).
    crow_median_km: f64,
    /// Minutes to the nearest maternity (infinite: unreachable) and
    /// inhabitants, per commune.
    rows: Vec<(f64, f64)>,
}

impl National {
    /// Share of the population beyond `minutes`.
    fn share(&self, minutes: f64) -> f64 {
        let all: f64 = self.rows.iter().map(|r| r.1).sum();
        self.rows
            .iter()
            .filter(|r| r.0 > minutes)
            .map(|r| r.1)
            .sum::<f64>()
            / all
    }
}

/// The départements whose share of women 15–44 beyond 45 min DREES
/// publishes for 2017 (Études et Résultats 1201): code, name, published
/// share, where we read it. Bas-Rhin and Haut-Rhin are in
/// `../shared/data/maternites-drees/PUBLISHED-FIGURES.md`; the Lot and the
/// Nièvre, where the study finds access worsened most, in the press's
/// account of the same study (Le Quotidien du médecin, July 2021:
/// "le pourcentage des femmes en âge de procréer résidant à plus de 45
/// minutes d'une maternité passe de 6 % en 2000 à 24 % en 2017" in the
/// Lot, "en 2017, 16 % des femmes qui y habitent" in the Nièvre).
const DREES_BEYOND_45: [(&str, &str, &str, &str); 4] = [
    ("67", "Bas-Rhin", "0.2 %", "PUBLISHED-FIGURES.md"),
    ("68", "Haut-Rhin", "0.0 %", "PUBLISHED-FIGURES.md"),
    ("46", "Lot", "24 %", "Le Quotidien du médecin, 2021-07 (a)"),
    ("58", "Nièvre", "16 %", "Le Quotidien du médecin, 2021-07 (a)"),
];

/// Where the press figures of [`DREES_BEYOND_45`] were read.
const QUOTIDIEN_URL: &str = "https://static3.lequotidiendumedecin.fr/hopital/securite-des-soins/les-femmes-plus-eloignees-des-maternites-apres-les-restructurations-des-annees-2000";

fn national(paths: &DataPaths) -> anyhow::Result<National> {
    let data = Data {
        paths: paths.clone(),
        roads: None,
    };
    let ctx = Context::load(&data, medaccess::communes::Scope::All, &Silent)?;
    let idx: Vec<usize> = (0..ctx.places.len())
        .filter(|&i| !ctx.places[i].dep.starts_with("97"))
        .collect();
    let mins = nearest_maternity(&ctx, 2017, &idx, &|_| true)?;
    let sites: Vec<(f64, f64)> = ctx
        .facilities(&FacilitySource::Drees { year: 2017 })?
        .facilities
        .iter()
        .map(|f| (f.lon_lat[0], f.lon_lat[1]))
        .collect();
    let crow: Vec<(f64, f64)> = idx
        .iter()
        .map(|&i| {
            let o = ctx.places[i].origin;
            let km = sites
                .iter()
                .map(|&s| medaccess::communes::haversine_m((o[0], o[1]), s))
                .fold(f64::INFINITY, f64::min)
                / 1000.0;
            (km, ctx.places[i].population.unwrap_or(0) as f64)
        })
        .collect();
    let mut rows: Vec<(f64, f64)> = Vec::new();
    let mut regions: BTreeMap<&'static str, (f64, f64)> = BTreeMap::new();
    let (mut unreachable_communes, mut unreachable_pop) = (0, 0.0);
    let mut deps45 = [(0.0, 0.0); DREES_BEYOND_45.len()];
    for (&i, m) in idx.iter().zip(&mins) {
        let pop = ctx.places[i].population.unwrap_or(0) as f64;
        if let Some(k) = DREES_BEYOND_45.iter().position(|d| d.0 == ctx.places[i].dep) {
            deps45[k].0 += pop;
            if m.is_none_or(|m| m > 45.0) {
                deps45[k].1 += pop;
            }
        }
        if let Some(r) = region_of_departement(&ctx.places[i].dep) {
            let e = regions.entry(r).or_insert((0.0, 0.0));
            e.0 += pop;
            if m.is_none_or(|m| m > 30.0) {
                e.1 += pop;
            }
        }
        match m {
            Some(m) => rows.push((*m, pop)),
            None => {
                unreachable_communes += 1;
                unreachable_pop += pop;
                rows.push((f64::INFINITY, pop));
            }
        }
    }
    let oloron_pau = point_minutes(&ctx, "64422", 2017, "640000600")?;
    let mut n = National {
        communes: idx.len(),
        beyond30: 0.0,
        beyond45: 0.0,
        median: weighted_median(&rows),
        unreachable_communes,
        unreachable_pop,
        oloron_pau,
        by_region: regions
            .into_iter()
            .map(|(r, (all, beyond))| (r, beyond / all.max(1.0)))
            .collect(),
        by_dep45: deps45.iter().map(|(all, beyond)| beyond / all.max(1.0)).collect(),
        crow_median_km: weighted_median(&crow),
        rows,
    };
    n.beyond30 = n.share(30.0);
    n.beyond45 = n.share(45.0);
    Ok(n)
}

/// Spearman of our 2SFCA with DREES APL 2023 on 64+65, and the same-side share.
fn apl(data: &Path, cg: &CommuneGraph) -> anyhow::Result<(f64, f64)> {
    let cmp = apl_against_drees(data, cg, Decay::parse("drees")?, 5400.0, 0)?.cmp;
    Ok((cmp.spearman.unwrap_or(f64::NAN), cmp.same_side))
}

/// Dominant road class of the fastest path from `s` to every node of `g`.
fn classes_from(g: &CommuneGraph, arcs: &ArcClasses, s: NodeId) -> Vec<Option<RoadClass>> {
    let csr = g.graph.forward();
    let n = g.graph.num_nodes();
    let mut dist = vec![UNREACHABLE; n];
    let mut pred = vec![NodeId::MAX; n];
    let mut order = Vec::with_capacity(n);
    let mut heap = std::collections::BinaryHeap::new();
    dist[s as usize] = 0;
    heap.push(std::cmp::Reverse((0u32, s)));
    while let Some(std::cmp::Reverse((d, v))) = heap.pop() {
        if d > dist[v as usize] {
            continue;
        }
        order.push(v);
        for (w, t) in csr.arcs(v) {
            if d + t < dist[w as usize] {
                dist[w as usize] = d + t;
                pred[w as usize] = v;
                heap.push(std::cmp::Reverse((d + t, w)));
            }
        }
    }
    // Time per class along the tree, in settling order.
    let mut acc: Vec<[Time; 7]> = vec![[0; 7]; n];
    for &v in &order {
        let u = pred[v as usize];
        if u == NodeId::MAX {
            continue;
        }
        let mut a = acc[u as usize];
        let k = arcs.get(u, v).map_or(6, |c| c.index());
        a[k] += dist[v as usize] - dist[u as usize];
        acc[v as usize] = a;
    }
    acc.iter()
        .map(|a| {
            let (k, t) = a
                .iter()
                .enumerate()
                .max_by_key(|x| (*x.1, std::cmp::Reverse(x.0)))?;
            (*t > 0 && k < 6).then(|| RoadClass::ALL[k])
        })
        .collect()
}

/// One compared pair for the per-class tables and the worst list.
struct Pair {
    what: String,
    reference: f64,
    engine: f64,
    error: f64,
    class: Option<RoadClass>,
    km: f64,
    terrain: f64,
}

fn summary(errors: &[f64]) -> (usize, f64, f64, f64, f64) {
    let abs: Vec<f64> = errors.iter().map(|e| e.abs()).collect();
    (
        errors.len(),
        quantile(errors, 0.5),
        quantile(&abs, 0.5),
        quantile(&abs, 0.9),
        quantile(&abs, 1.0),
    )
}

/// The whole report (Markdown), for the data in `data` (`../shared/data`).
pub fn report(data: &Path) -> anyhow::Result<String> {
    let mut out = String::new();
    let w = &mut out;
    let before: CommuneProfile = serde_json::from_str(V2_BEFORE)?;
    let refit: CommuneProfile = serde_json::from_str(V2_REFIT_NOT_SHIPPED)?;
    let profiles = [
        ("v2", CommuneProfile::default()),
        ("v2 before", before),
        ("v2 refit (not shipped)", refit),
        (
            "v2 small (not shipped)",
            serde_json::from_str(V2_SMALL_NOT_SHIPPED)?,
        ),
        ("v1", CommuneProfile::v1()),
    ];
    let fixture_dir = fixtures::default_dir();
    let links = read_commune_links(&fixture_dir.join(fixtures::GRAPH_FILE))?;
    writeln!(
        w,
        "engine=commune-estimate {} (profile v2; for comparison, \"v2 before\": v2 before the refit with each road's winding, commune-estimate {}; \"v2 refit (not shipped)\": the refit on the widened quoted ranges, commune-estimate {}; \"v2 small (not shipped)\": five parameters fitted, level with all twelve in cross-validation, commune-estimate {}; v1: commune-estimate {})",
        profiles[0].1.tag(),
        profiles[1].1.tag(),
        profiles[2].1.tag(),
        profiles[3].1.tag(),
        profiles[4].1.tag()
    )?;
    writeln!(
        w,
        "\nprofile {}: `{}`",
        profiles[0].1.tag(),
        serde_json::to_string(&profiles[0].1)?
    )?;

    // ---- Road table and links.
    let table = RoadTable::shipped()?;
    writeln!(w, "\n### Road table (BAAC) and road layer, as shipped\n")?;
    writeln!(w, "| road class | commune–road rows | road links |")?;
    writeln!(w, "|---|---:|---:|")?;
    let rl = links
        .roads
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the shipped links have no road layer"))?;
    for c in RoadClass::ALL {
        writeln!(
            w,
            "| {} | {} | {} |",
            c.as_str(),
            table.roads.iter().filter(|r| r.class == c).count(),
            rl.links.iter().filter(|l| l.class == c).count()
        )?;
    }
    let kinds = |k: LinkKind| rl.links.iter().filter(|l| l.kind == k).count();
    writeln!(
        w,
        "\n{} communes with a terrain measure; {} neighbour links (local roads between origins); {} road points ({} placed at the origin for want of a positioned accident); road links: {} between neighbours, {} gaps, {} continuations across a département border",
        table.terrain.len(),
        links.pairs.len(),
        rl.points.len(),
        rl.points.iter().filter(|p| p.position.is_none()).count(),
        kinds(LinkKind::Road),
        kinds(LinkKind::Gap),
        kinds(LinkKind::Continuation)
    )?;
    let n134: Vec<String> = table
        .roads
        .iter()
        .filter(|r| {
            r.road.to_string() == "N134" && r.insee.starts_with("64") && r.class == RoadClass::National
        })
        .map(|r| {
            let name = links
                .nodes
                .iter()
                .find(|n| n.insee == r.insee)
                .map_or("", |n| n.name.as_str());
            format!("{} {name}", r.insee)
        })
        .collect();
    writeln!(
        w,
        "\nN134 in the Pyrénées-Atlantiques, national: {}",
        n134.join(", ")
    )?;

    // ---- National.
    writeln!(
        w,
        "\n### National: 2017 DREES maternity list, metropolitan France\n"
    )?;
    writeln!(
        w,
        "Population-weighted (all inhabitants, INSEE 2017), commune town hall to the nearest maternity open in 2017 (the `access` job on the shipped data). DREES (women 15–44, road network 2018, Études et Résultats 1201): about 7 % beyond 30 min, between 1 % and 2 % beyond 45 min, median 9.1 min.\n"
    )?;
    writeln!(
        w,
        "| profile | communes | beyond 30 min | beyond 45 min | median | unreachable (islands) |"
    )?;
    writeln!(w, "|---|---:|---:|---:|---:|---:|")?;
    let mut nat = Vec::new();
    for (name, p) in &profiles {
        let paths = DataPaths {
            commune_profile: Some(*p),
            ..DataPaths::fixtures(&fixture_dir)
        };
        let n = national(&paths)?;
        writeln!(
            w,
            "| {name} | {} | {} | {} | {:.1} min | {} communes, {:.0} inhabitants |",
            n.communes,
            pct(n.beyond30),
            pct(n.beyond45),
            n.median,
            n.unreachable_communes,
            n.unreachable_pop
        )?;
        nat.push(n);
    }

    writeln!(
        w,
        "\nWithout any engine: the population-weighted median distance as the crow flies from the town hall to the nearest 2017 maternity is {:.1} km (DREES: median road distance 6.5 km for women 15–44).",
        nat[0].crow_median_km
    )?;
    writeln!(
        w,
        "\nShare of the population beyond 30 min, by région (metropolitan France):\n"
    )?;
    let names: Vec<&str> = profiles.iter().map(|p| p.0).collect();
    writeln!(w, "| région | {} |", names.join(" | "))?;
    writeln!(w, "|---|{}", "---:|".repeat(names.len()))?;
    for r in nat[0].by_region.keys() {
        let cells: Vec<String> = nat
            .iter()
            .map(|n| n.by_region.get(r).map_or("–".into(), |&x| pct(x)))
            .collect();
        writeln!(w, "| {} | {} |", region_name(r).unwrap_or(r), cells.join(" | "))?;
    }

    writeln!(
        w,
        "\nShare of the population beyond 45 min in the départements DREES gives a 2017 figure for (women 15–44; a check no parameter was fitted on):\n"
    )?;
    writeln!(w, "| département | DREES | read in | {} |", names.join(" | "))?;
    writeln!(w, "|---|---:|---|{}", "---:|".repeat(names.len()))?;
    for (k, (code, name, published, source)) in DREES_BEYOND_45.iter().enumerate() {
        let cells: Vec<String> = nat.iter().map(|n| pct(n.by_dep45[k])).collect();
        writeln!(
            w,
            "| {name} ({code}) | {published} | {source} | {} |",
            cells.join(" | ")
        )?;
    }
    writeln!(
        w,
        "\n(a) the press's account of the same study, {QUOTIDIEN_URL} (Lot: 6 % in 2000, 24 % in 2017; Nièvre: 16 % in 2017)."
    )?;

    // ---- Oloron.
    writeln!(w, "\n### Oloron-Sainte-Marie to CH Pau (640000600)\n")?;
    for ((name, _), n) in profiles.iter().zip(&nat) {
        writeln!(
            w,
            "- {name}: {}",
            n.oloron_pau
                .map_or("unreachable".to_string(), |m| format!("{m:.1} min"))
        )?;
    }

    // ---- Corsica.
    let corse = links.subset(&["2A", "2B"]);
    let roads = CorsicaRoads::load(data, &corse.nodes)?;
    let corse_table = Communes::load_france_deps(&data.join("communes-france"), Some(&["2A", "2B"]))?;
    let all: Vec<usize> = (0..corse.nodes.len()).collect();
    let corsican = |id: &str| id.starts_with("2A") || id.starts_with("2B");
    let road_ctx = context(corsica_road_engine(data)?, &corse.nodes)?;
    let road_mat = nearest_maternity(&road_ctx, 2017, &all, &corsican)?;
    writeln!(w, "\n### Corsica: held-out communes against the road network\n")?;
    writeln!(
        w,
        "Reference: `osm-fr-corse` as `--roads` reads it (`car-fr`, winding roads slowed), town halls snapped to the nearest road node; every third commune by INSEE order is held out of the fit ({} of {}). Error = estimate / road − 1.\n",
        all.iter().filter(|&&i| held_out(i)).count(),
        all.len()
    )?;
    writeln!(
        w,
        "| profile | trips | n | median signed | median abs. | p90 abs. |"
    )?;
    writeln!(w, "|---|---|---:|---:|---:|---:|")?;
    // Held-out Corsican pairs of v2 and of v2 before the refit.
    let mut corsica_by: Vec<Vec<Pair>> = vec![Vec::new(), Vec::new()];
    let mut corsica_held = (f64::NAN, f64::NAN);
    for (name, p) in &profiles {
        let g = corse.graph(p)?;
        let ctx = context(commune_engine(g.clone(), Some(&corse_table)), &corse.nodes)?;
        let est = nearest_maternity(&ctx, 2017, &all, &corsican)?;
        let mat: Vec<f64> = all
            .iter()
            .filter(|&&i| held_out(i))
            .filter_map(|&i| match (road_mat[i], est[i]) {
                (Some(r), Some(e)) if r > 0.0 => Some(e / r - 1.0),
                _ => None,
            })
            .collect();
        let (n, bias, med, p90, _) = summary(&mat);
        writeln!(
            w,
            "| {name} | nearest maternity 2017 | {n} | {:+.1} % | {} | {} |",
            100.0 * bias,
            pct(med),
            pct(p90)
        )?;
        if *name == "v2" {
            corsica_held = (med, p90);
        }
        let pairs = corsica_pair_errors(&g, &roads, &held_out);
        for (lo, hi, label) in [
            (0.0, 1200.0, "pairs, road 0–20 min"),
            (1200.0, 2400.0, "pairs, road 20–40 min"),
            (2400.0, 3600.0, "pairs, road 40–60 min"),
            (3600.0, f64::INFINITY, "pairs, road 60+ min"),
        ] {
            let e: Vec<f64> = pairs
                .iter()
                .filter(|x| x.2 >= lo && x.2 < hi)
                .map(|x| x.3)
                .collect();
            let (n, bias, med, p90, _) = summary(&e);
            writeln!(
                w,
                "| {name} | {label} | {n} | {:+.1} % | {} | {} |",
                100.0 * bias,
                pct(med),
                pct(p90)
            )?;
        }
        if let Some(k) = ["v2", "v2 before"].iter().position(|x| x == name) {
            let arcs = ArcClasses::new(&g);
            let mut by_source: HashMap<usize, Vec<Option<RoadClass>>> = HashMap::new();
            for &(i, j, r, e) in &pairs {
                let cls = by_source
                    .entry(i)
                    .or_insert_with(|| classes_from(&g, &arcs, i as NodeId))[j];
                let (a, b) = (&g.nodes[i], &g.nodes[j]);
                corsica_by[k].push(Pair {
                    what: format!("{} – {} (Corsica)", a.name, b.name),
                    reference: r / 60.0,
                    engine: (1.0 + e) * r / 60.0,
                    error: e,
                    class: cls,
                    km: medaccess::communes::haversine_m((a.lon, a.lat), (b.lon, b.lat)) / 1000.0,
                    terrain: pair_terrain(&g, i as NodeId, j as NodeId),
                });
            }
        }
    }

    // ---- Quoted pairs.
    writeln!(
        w,
        "\n### Quoted mainland drive times ({} pairs, {} used in the fit, {} held out, of which {} of the second collection, gathered after the fit)\n",
        CITED_TIMES.len(),
        CITED_TIMES.iter().filter(|c| c.fit).count(),
        CITED_TIMES.iter().filter(|c| !c.fit).count(),
        CITED_TIMES
            .iter()
            .filter(|c| c.collection == Collection::Second)
            .count()
    )?;
    writeln!(
        w,
        "Town hall to town hall; error = relative distance to the quoted range (0 inside it). Sources in `src/communes/cited.rs`.\n"
    )?;
    let mut q_by = Vec::new();
    for (_, p) in &profiles {
        let g = links.graph(p)?;
        let arcs = ArcClasses::new(&g);
        q_by.push(quoted(&g, Some(&arcs)));
    }
    writeln!(
        w,
        "| pair | quoted (min) | v2 (min) | v2 error | v2 before (min) | v2 before error | use | v2 main road class | km | terrain |"
    )?;
    writeln!(w, "|---|---:|---:|---:|---:|---:|---|---|---:|---:|")?;
    for (a, b) in q_by[0].iter().zip(&q_by[1]) {
        let quoted = if a.cited.min_minutes == a.cited.max_minutes {
            format!("{:.0}", a.cited.min_minutes)
        } else {
            format!("{:.0}–{:.0}", a.cited.min_minutes, a.cited.max_minutes)
        };
        writeln!(
            w,
            "| {} – {} | {quoted} | {:.0} | {:+.0} % | {:.0} | {:+.0} % | {} | {} | {:.0} | {:.2} |",
            a.names.0,
            a.names.1,
            a.minutes,
            100.0 * a.error,
            b.minutes,
            100.0 * b.error,
            match (a.cited.fit, a.cited.collection) {
                (true, _) => "fit",
                (false, Collection::First) => "held out",
                (false, Collection::Second) => "held out, second collection",
            },
            a.class.map_or("–", |c| c.as_str()),
            a.km,
            a.terrain
        )?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "Error to the range's middle: minutes / √(low × high) − 1, so that a pair inside a wide range still counts.\n"
    )?;
    writeln!(
        w,
        "| profile | pairs | n | median abs. error | worst | median abs. error to the range's middle |"
    )?;
    writeln!(w, "|---|---|---:|---:|---:|---:|")?;
    let mut quoted_v2 = (f64::NAN, f64::NAN);
    let mut held_middle_v2 = f64::NAN;
    for ((name, _), q) in profiles.iter().zip(&q_by) {
        for (label, sel) in [
            ("all", (|_: &CitedTime| true) as fn(&CitedTime) -> bool),
            ("fit", |c: &CitedTime| c.fit),
            ("held out", |c: &CitedTime| !c.fit),
            ("held out, second collection", |c: &CitedTime| {
                c.collection == Collection::Second
            }),
        ] {
            let e: Vec<f64> = q.iter().filter(|x| sel(&x.cited)).map(|x| x.error).collect();
            let (n, _, med, _, worst) = summary(&e);
            let middle: Vec<f64> = q
                .iter()
                .filter(|x| sel(&x.cited))
                .map(|x| x.minutes / (x.cited.min_minutes * x.cited.max_minutes).sqrt() - 1.0)
                .collect();
            writeln!(
                w,
                "| {name} | {label} | {n} | {} | {} | {} |",
                pct(med),
                pct(worst),
                pct(summary(&middle).2)
            )?;
            if *name == "v2" && label == "all" {
                quoted_v2 = (med, worst);
            }
            if *name == "v2" && label == "held out" {
                held_middle_v2 = summary(&middle).2;
            }
        }
    }

    // ---- Per class, band, terrain (v2, and v2 before the refit).
    let quoted_by: Vec<Vec<Pair>> = q_by[..2]
        .iter()
        .map(|q| {
            q.iter()
                .map(|x| Pair {
                    what: format!("{} – {} (quoted)", x.names.0, x.names.1),
                    reference: (x.cited.min_minutes * x.cited.max_minutes).sqrt(),
                    engine: x.minutes,
                    error: x.error,
                    class: x.class,
                    km: x.km,
                    terrain: x.terrain,
                })
                .collect()
        })
        .collect();
    for (k, label) in ["v2", "v2 before the refit"].iter().enumerate() {
        let (quoted_pairs, corsica_v2) = (&quoted_by[k], &corsica_by[k]);
        writeln!(
            w,
            "\n### Errors of {label} by main road class, distance and terrain\n"
        )?;
        writeln!(
            w,
            "Main road class: the class that takes the most time on the engine's path. Quoted: all {} pairs (distance to the range); Corsica: the {} pairs from held-out communes (against road times).\n",
            quoted_pairs.len(),
            corsica_v2.len()
        )?;
        writeln!(
            w,
            "| group | quoted n | median signed | median abs. | Corsica n | median signed | median abs. | p90 abs. |"
        )?;
        writeln!(w, "|---|---:|---:|---:|---:|---:|---:|---:|")?;
        let mut group = |label: &str, f: &dyn Fn(&Pair) -> bool| -> anyhow::Result<()> {
            let q: Vec<f64> = quoted_pairs.iter().filter(|p| f(p)).map(|p| p.error).collect();
            let c: Vec<f64> = corsica_v2.iter().filter(|p| f(p)).map(|p| p.error).collect();
            let (qn, qb, qm, _, _) = summary(&q);
            let (cn, cb, cm, cp, _) = summary(&c);
            let f1 = |x: f64| {
                if x.is_nan() {
                    "–".to_string()
                } else {
                    format!("{:+.1} %", 100.0 * x)
                }
            };
            let f2 = |x: f64| if x.is_nan() { "–".to_string() } else { pct(x) };
            writeln!(
                w,
                "| {label} | {qn} | {} | {} | {cn} | {} | {} | {} |",
                f1(qb),
                f2(qm),
                f1(cb),
                f2(cm),
                f2(cp)
            )?;
            Ok(())
        };
        for c in RoadClass::ALL {
            group(&format!("class: {}", c.as_str()), &|p: &Pair| p.class == Some(c))?;
        }
        for band in ["0–10 km", "10–25 km", "25–50 km", "50–100 km", "100+ km"] {
            group(&format!("distance: {band}"), &|p: &Pair| {
                distance_band(p.km) == band
            })?;
        }
        for t in ["plain (terrain < 0.30)", "hilly (0.30–0.42)", "mountain (≥ 0.42)"] {
            group(&format!("terrain: {t}"), &|p: &Pair| {
                terrain_class(p.terrain) == t
            })?;
        }
    }
    let (quoted_pairs, corsica_v2) = (&quoted_by[0], &corsica_by[0]);

    // ---- Worst 20.
    writeln!(
        w,
        "\n### Worst 20 pairs of v2: the 10 quoted pairs and the 10 Corsican held-out pairs farthest off, in minutes (Corsica: one pair per held-out commune)\n"
    )?;
    writeln!(
        w,
        "| pair | reference (min) | v2 (min) | error | main road class | km | terrain |"
    )?;
    writeln!(w, "|---|---:|---:|---:|---|---:|---:|")?;
    let off = |p: &Pair| {
        if p.error == 0.0 {
            0.0
        } else {
            (p.engine - p.reference).abs()
        }
    };
    let mut q: Vec<&Pair> = quoted_pairs.iter().collect();
    q.sort_by(|a, b| off(b).total_cmp(&off(a)).then(a.what.cmp(&b.what)));
    let mut c: Vec<&Pair> = corsica_v2.iter().collect();
    c.sort_by(|a, b| off(b).total_cmp(&off(a)).then(a.what.cmp(&b.what)));
    let mut seen = std::collections::HashSet::new();
    let c: Vec<&Pair> = c
        .into_iter()
        .filter(|p| seen.insert(p.what.split(" – ").next().unwrap_or("").to_string()))
        .take(10)
        .collect();
    for p in q.iter().take(10).chain(c.iter()) {
        writeln!(
            w,
            "| {} | {:.0} | {:.0} | {:+.0} % | {} | {:.0} | {:.2} |",
            p.what,
            p.reference,
            p.engine,
            100.0 * p.error,
            p.class.map_or("–", |c| c.as_str()),
            p.km,
            p.terrain
        )?;
    }

    // ---- APL.
    writeln!(
        w,
        "\n### GP access: our 2SFCA against DREES APL 2023 (64 and 65)\n"
    )?;
    let mut spearman_v2 = f64::NAN;
    for (name, p) in &profiles {
        let g = links.graph(p)?;
        let (rho, same) = apl(data, &g)?;
        writeln!(
            w,
            "- {name}: Spearman rank correlation {rho:.3}, same side of the under-served threshold {}",
            pct(same)
        )?;
        if *name == "v2" {
            spearman_v2 = rho;
        }
    }

    // ---- Targets.
    let v2 = &nat[0];
    writeln!(w, "\n### Targets (issue 14), profile v2\n")?;
    let within = |x: f64, (lo, hi): (f64, f64)| x >= lo && x <= hi;
    writeln!(
        w,
        "- beyond 30 min {} (target 6–9 %): {}",
        pct(v2.beyond30),
        met(within(100.0 * v2.beyond30, Targets::BEYOND_30))
    )?;
    writeln!(
        w,
        "- beyond 45 min {} (target 1–2.5 %): {}",
        pct(v2.beyond45),
        met(within(100.0 * v2.beyond45, Targets::BEYOND_45))
    )?;
    writeln!(
        w,
        "- median {:.1} min (target 8–10.5): {}",
        v2.median,
        met(within(v2.median, Targets::MEDIAN))
    )?;
    writeln!(
        w,
        "- Corsica held-out nearest maternity: median {} (target ≤ 12 %): {}; p90 {} (target ≤ 30 %): {}",
        pct(corsica_held.0),
        met(100.0 * corsica_held.0 <= Targets::CORSICA_MEDIAN),
        pct(corsica_held.1),
        met(100.0 * corsica_held.1 <= Targets::CORSICA_P90)
    )?;
    writeln!(
        w,
        "- quoted mainland times: median {} (target ≤ 10 %): {}; worst {} (target ≤ 25 %): {}",
        pct(quoted_v2.0),
        met(100.0 * quoted_v2.0 <= Targets::QUOTED_MEDIAN),
        pct(quoted_v2.1),
        met(100.0 * quoted_v2.1 <= Targets::QUOTED_WORST)
    )?;
    let op = v2.oloron_pau.unwrap_or(f64::NAN);
    writeln!(
        w,
        "- Oloron-Sainte-Marie to CH Pau {op:.1} min (target 35–48): {}",
        met(within(op, Targets::OLORON_PAU))
    )?;
    writeln!(
        w,
        "- APL Spearman {spearman_v2:.3} (aim ≥ 0.7): {}",
        met(spearman_v2 >= Targets::APL_SPEARMAN)
    )?;

    // ---- How far the national figures move with a bias shared by every
    // trip, up to the size of the held-out errors.
    writeln!(
        w,
        "\n### How far the national figures move with a bias of the engine (v2)\n"
    )?;
    writeln!(
        w,
        "If every v2 time were off by the same d = v2 / true − 1 (as the errors above are measured), the true share beyond T min would be v2's share beyond T × (1 + d) min. d up to ± the larger of the held-out quoted pairs' median error to the range's middle ({}) and the Corsican held-out communes' median error to their nearest maternity ({}): median absolute errors, a measure of scatter, so a bound on a shared bias rather than an estimate of it (the signed medians are in the tables above). Errors that differ from trip to trip do not cancel in a share: where fewer people live just beyond T than just within it, they push the share beyond T up.\n",
        pct(held_middle_v2),
        pct(corsica_held.0)
    )?;
    writeln!(w, "| d | beyond 30 min | beyond 45 min |")?;
    writeln!(w, "|---|---:|---:|")?;
    let e = held_middle_v2.max(corsica_held.0);
    for d in [-e, -0.05, 0.0, 0.05, e] {
        writeln!(
            w,
            "| {}{} | {} | {} |",
            if d < 0.0 {
                "−"
            } else if d > 0.0 {
                "+"
            } else {
                ""
            },
            pct(d.abs()),
            pct(v2.share(30.0 * (1.0 + d))),
            pct(v2.share(45.0 * (1.0 + d)))
        )?;
    }

    // ---- Parameters.
    writeln!(
        w,
        "\n### How far the national figures move with the parameters (the profiles fitted in cross-validation)\n"
    )?;
    writeln!(
        w,
        "Each profile below was fitted by `calibrate_commune_profile --cv 3 --save` on two thirds of the fit data (the folds of docs/bench/calibration-cv*.md; files in `{CV_PROFILES}/`). How far apart they put the national figures says how much these follow from parameters the data pin loosely; each is fitted on less data than the shipped one, so the spread is an indication, not a confidence interval. Nothing national was used to fit or choose them.\n"
    )?;
    writeln!(
        w,
        "| profile | beyond 30 min | beyond 45 min | median | Oloron – Pau |"
    )?;
    writeln!(w, "|---|---:|---:|---:|---:|")?;
    let mut folds: Vec<National> = Vec::new();
    for (name, p) in cv_profiles()? {
        let paths = DataPaths {
            commune_profile: Some(p),
            ..DataPaths::fixtures(&fixture_dir)
        };
        let n = national(&paths)?;
        writeln!(
            w,
            "| {name} | {} | {} | {:.1} min | {} |",
            pct(n.beyond30),
            pct(n.beyond45),
            n.median,
            n.oloron_pau
                .map_or("unreachable".to_string(), |m| format!("{m:.1} min"))
        )?;
        folds.push(n);
    }
    anyhow::ensure!(!folds.is_empty(), "{CV_PROFILES}: no profile (*.json) to read");
    // Over the profiles with a value (Oloron is unreachable in none today).
    let range = |f: &dyn Fn(&National) -> f64| {
        let v: Vec<f64> = folds.iter().map(f).filter(|x| x.is_finite()).collect();
        (
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let (b30, b45, med) = (
        range(&|n| n.beyond30),
        range(&|n| n.beyond45),
        range(&|n| n.median),
    );
    let olo = range(&|n| n.oloron_pau.unwrap_or(f64::NAN));
    anyhow::ensure!(
        olo.0.is_finite(),
        "Oloron – Pau unreachable under every profile of {CV_PROFILES}"
    );
    writeln!(
        w,
        "\nOver these {} profiles: beyond 30 min {}–{}, beyond 45 min {}–{}, median {:.1}–{:.1} min, Oloron – Pau {:.1}–{:.1} min (shipped v2: {}, {}, {:.1} min, {:.1} min).",
        folds.len(),
        pct(b30.0),
        pct(b30.1),
        pct(b45.0),
        pct(b45.1),
        med.0,
        med.1,
        olo.0,
        olo.1,
        pct(v2.beyond30),
        pct(v2.beyond45),
        v2.median,
        op
    )?;
    Ok(out)
}

/// Where the profiles fitted in cross-validation are kept, from the crate
/// root.
const CV_PROFILES: &str = "docs/bench/cv-profiles";

/// The profiles of [`CV_PROFILES`] (`MODEL-BLOCKS-foldF.json`), named
/// "MODEL, BLOCKS fold F", in file-name order.
fn cv_profiles() -> anyhow::Result<Vec<(String, CommuneProfile)>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(CV_PROFILES);
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| {
            anyhow::anyhow!(
                "{}: {e} (the profiles `calibrate_commune_profile --cv 3 --save DIR` fits, kept in the repository)",
                dir.display()
            )
        })?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|f| f.extension().is_some_and(|x| x == "json"));
    files.sort();
    files
        .iter()
        .map(|f| {
            let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            let name = match stem.split('-').collect::<Vec<_>>()[..] {
                [model, blocks, fold] => format!("{model}, {blocks} {}", fold.replace("fold", "fold ")),
                _ => stem.to_string(),
            };
            Ok((name, CommuneProfile::from_file(f)?))
        })
        .collect()
}
