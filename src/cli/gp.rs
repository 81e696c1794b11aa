//! `medaccess gp`: nearest GP, GPs within 10/20/30 minutes and an APL-style
//! two-step floating catchment value for every commune in scope.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use medaccess::gp::{
    Decay, GpModel, GpTable, PER_100K, PractitionerColumns, SupplyChange, read_bpe_d201, read_demand_weights,
    read_practitioners, sites_from_communes, supply_by_commune, weighted_population,
};
use medaccess::output::{Feature, Value, write_csv, write_geojson, write_qml};
use medaccess::units::{NodeId, minutes};

use super::args::{DataArgs, ScopeArgs};

#[derive(Debug, Args)]
pub struct GpArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// GPs per commune, INSEE BPE D201 format (`insee_com,dep,nb_d201` or `CODGEO,NB_D201`).
    #[arg(long, value_name = "FILE")]
    pub supply: Option<PathBuf>,
    /// Distance decay: `drees` (1 below 10 min, 2/3 to 15, 1/3 to 20), `binary:MIN`,
    /// `gaussian:MIN`, or `steps:10=1,15=0.667,20=0.333`; minutes in (0, 120], weights in [0, 1].
    #[arg(long, default_value = "drees")]
    pub decay: String,
    /// Count GPs within these minutes.
    #[arg(long, value_delimiter = ',', default_value = "10,20,30")]
    pub within: Vec<f64>,
    /// Consultations per GP and year, to express the value as DREES does
    /// (consultations per inhabitant per year).
    #[arg(long, default_value_t = 5400.0)]
    pub consultations_per_gp: f64,
    /// Under-served below this many consultations per inhabitant per year (DREES reading: 2.5).
    #[arg(long, default_value_t = 2.5)]
    pub under_served: f64,
    /// Add GPs in a commune, e.g. `64422:3` (a new maison de santé); repeatable, comma-separated;
    /// at most 10,000 per commune.
    #[arg(long, value_delimiter = ',')]
    pub add: Vec<String>,
    /// Remove GPs in a commune, e.g. `64104:1` (a retirement).
    #[arg(long, value_delimiter = ',')]
    pub remove: Vec<String>,
    /// Output folder.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// A CSV of practitioners or practices (one row each, by commune INSEE
    /// code or lon/lat) instead of --supply.
    #[arg(long, value_name = "FILE", conflicts_with = "supply")]
    pub practitioners: Option<PathBuf>,
    /// INSEE column of --practitioners (default: guessed: insee, codgeo, depcom…).
    #[arg(long, value_name = "COL")]
    pub insee_col: Option<String>,
    /// Longitude column of --practitioners.
    #[arg(long, value_name = "COL")]
    pub lon_col: Option<String>,
    /// Latitude column of --practitioners.
    #[arg(long, value_name = "COL")]
    pub lat_col: Option<String>,
    /// Weight column of --practitioners (full-time equivalent, consultations); default 1 each.
    #[arg(long = "weight-col", value_name = "COL")]
    pub weight_col_supply: Option<String>,
    /// Age-standardised demand weights per commune (CSV with an INSEE column).
    #[arg(long, value_name = "FILE")]
    pub demand_weights: Option<PathBuf>,
    /// Weight column of --demand-weights.
    #[arg(long = "demand-weight-col", default_value = "weight", value_name = "COL")]
    pub weight_col: String,
    #[command(flatten)]
    pub report: super::setup::ReportArgs,
}

fn change(spec: &str, sign: f64, codes: &[String]) -> Result<SupplyChange> {
    let (code, k) = spec
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("`{spec}`: expected INSEE:COUNT, e.g. 64422:3"))?;
    let k: f64 = k
        .trim()
        .parse()
        .ok()
        .filter(|k: &f64| k.is_finite() && *k > 0.0 && *k <= medaccess::gp::MAX_GPS_PER_COMMUNE)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "`{spec}`: `{k}` is not a number of GPs between 0 and {} (the most a commune may have)",
                medaccess::gp::MAX_GPS_PER_COMMUNE
            )
        })?;
    let code = code.trim().to_uppercase();
    let unit = codes
        .binary_search(&code)
        .map_err(|_| anyhow::anyhow!("`{spec}`: unknown INSEE commune code `{code}`"))?;
    Ok(SupplyChange {
        unit: unit as u32,
        delta: sign * k,
    })
}

pub fn run(a: GpArgs) -> Result<()> {
    let decay = Decay::parse(&a.decay)?;
    if a.within.iter().any(|m| !m.is_finite() || *m <= 0.0 || *m > 120.0) {
        bail!("--within: minutes must be between 0 and 120");
    }
    let mut sorted = a.within.clone();
    sorted.sort_by(f64::total_cmp);
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        bail!("--within: each number of minutes once");
    }
    if !(a.consultations_per_gp.is_finite() && a.consultations_per_gp > 0.0) {
        bail!("--consultations-per-gp must be a positive number");
    }
    if !(a.under_served.is_finite() && a.under_served >= 0.0) {
        bail!("--under-served must be a number of consultations per inhabitant per year");
    }
    a.report.lang()?;
    let output = super::args::OutputArgs {
        threshold: 30.0,
        bands: "5,10,15,20,30".into(),
        out: a.out.clone(),
        split_by_dep: false,
    };
    let ctx = super::setup::setup(&a.scope, &a.data, &output)?;
    let (engine, territory, idx) = (&ctx.engine, &ctx.territory, &ctx.idx);
    // The whole country is the demand (GPs across a département border
    // count); a commune stands at its first entry node. Communes that do not
    // enter the graph (off a regional road network) are left out.
    let all: Vec<usize> = (0..territory.communes.len()).collect();
    let entered = medaccess::job::places(engine, territory, &all)?;
    {
        // the communes in scope must reach a --roads network
        let scope: Vec<medaccess::access::Place> = idx.iter().map(|&i| entered.items[i].clone()).collect();
        let snap: Vec<Option<f64>> = idx.iter().map(|&i| entered.snap_m[i]).collect();
        let far: Vec<usize> = (0..idx.len())
            .filter(|&k| entered.far.contains(&idx[k]))
            .collect();
        for w in engine.check_coverage(&scope, &snap, &far, &[])? {
            eprintln!("warning: {w}");
        }
    }
    let units: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| !entered.items[i].entries.is_empty())
        .collect();
    let codes: Vec<String> = units
        .iter()
        .map(|&i| territory.communes[i].insee.clone())
        .collect();
    let nodes: Vec<NodeId> = units.iter().map(|&i| entered.items[i].entries[0].0).collect();
    let mut population: Vec<f64> = units
        .iter()
        .map(|&i| territory.communes[i].population.unwrap_or(0) as f64)
        .collect();
    if let Some(w) = &a.demand_weights {
        let weights = read_demand_weights(w, None, &a.weight_col)?;
        let (weighted, missing) = weighted_population(&codes, &population, &weights);
        if !missing.is_empty() {
            eprintln!(
                "note: {} communes have no demand weight in {} (weight 1 kept)",
                missing.len(),
                w.display()
            );
        }
        population = weighted;
    }
    let (supply, supply_name) = match &a.practitioners {
        Some(p) => {
            let cols = PractitionerColumns {
                insee: a.insee_col.clone(),
                lon: a.lon_col.clone(),
                lat: a.lat_col.clone(),
                weight: a.weight_col_supply.clone(),
            };
            let points = read_practitioners(p, &cols)?;
            let locate = territory.locator();
            let (by, unplaced) = supply_by_commune(&points, locate);
            if !unplaced.is_empty() {
                eprintln!(
                    "note: {} practitioners of {} could not be placed in a commune",
                    unplaced.len(),
                    p.display()
                );
            }
            (by, p.display().to_string())
        }
        None => {
            let path = a
                .supply
                .clone()
                .unwrap_or_else(|| medaccess::communes::fixtures::default_dir().join("gp-bpe-d201.csv"));
            let bpe = read_bpe_d201(&path)?;
            for note in bpe.repeat_notes(&path) {
                eprintln!("note: {note}");
            }
            (bpe.by_commune, path.display().to_string())
        }
    };
    let (sites, unmatched) = sites_from_communes(&supply, &codes, &nodes);
    if !unmatched.is_empty() {
        let gps: f64 = unmatched.iter().map(|u| u.1).sum();
        eprintln!(
            "note: {} communes of {supply_name} ({gps} GPs) are not communes of the graph (merged since, or off the road network): {}",
            unmatched.len(),
            unmatched
                .iter()
                .map(|u| u.0.as_str())
                .take(10)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let changes: Vec<SupplyChange> = a
        .add
        .iter()
        .map(|s| change(s, 1.0, &codes))
        .chain(a.remove.iter().map(|s| change(s, -1.0, &codes)))
        .collect::<Result<_>>()?;
    let max_within = a.within.iter().cloned().fold(0.0, f64::max);
    let reach = (decay.limit() as f64 / 600.0).max(max_within);
    let t0 = std::time::Instant::now();
    let model = GpModel::new(
        engine.graph(),
        nodes,
        population,
        sites,
        decay.clone(),
        minutes(reach),
    )?;
    let thresholds: Vec<_> = a.within.iter().map(|&m| minutes(m)).collect();
    let under = a.under_served / a.consultations_per_gp * PER_100K;
    let table = GpTable::new(&model, &thresholds, PER_100K, under)?;
    eprintln!(
        "2SFCA for {} communes in {:.2} s",
        codes.len(),
        t0.elapsed().as_secs_f64()
    );

    let unit_of: std::collections::HashMap<usize, usize> =
        units.iter().enumerate().map(|(u, &i)| (i, u)).collect();
    let delta = if changes.is_empty() {
        None
    } else {
        Some(model.scenario(&changes)?)
    };

    let engine_name = engine.name();
    let within_names: Vec<&'static str> = a.within.iter().map(|&m| within_name(m)).collect();
    let mut feats = Vec::with_capacity(idx.len());
    let row = |i: usize| unit_of.get(&i).map(|&u| (u, &table.rows[u]));
    for &i in idx {
        let c = &territory.communes[i];
        let r = row(i);
        let mut props: medaccess::output::Record = vec![
            ("insee", Value::Str(c.insee.clone())),
            ("name", Value::Str(c.name.clone())),
            ("dep", Value::Str(c.dep.clone())),
            ("population", Value::opt_int(c.population.map(|p| p as i64))),
            (
                "nearest_gp_min",
                Value::real(r.and_then(|r| r.1.nearest_minutes), 2),
            ),
        ];
        for (k, name) in within_names.iter().enumerate() {
            props.push((*name, Value::real(r.map(|r| r.1.within[k]), 2)));
        }
        props.extend([
            ("gp_per_100k", Value::real(r.map(|r| r.1.accessibility), 2)),
            (
                "apl_consultations",
                Value::real(
                    r.map(|r| r.1.accessibility / PER_100K * a.consultations_per_gp),
                    2,
                ),
            ),
            ("under_served", Value::Bool(r.is_some_and(|r| r.1.under_served))),
        ]);
        if let Some(d) = &delta {
            props.push(("delta_gp_per_100k", Value::real(r.map(|r| d[r.0] * PER_100K), 3)));
        }
        props.push(("engine", Value::Str(engine_name.to_string())));
        feats.push(Feature {
            geometry: medaccess::job::place_geometry(territory, &entered.items[i]),
            properties: props,
        });
    }
    std::fs::create_dir_all(&a.out)?;
    let stem = format!("gp-access-{}", ctx.scope.tag());
    let gj = a.out.join(format!("{stem}.geojson"));
    write_geojson(&gj, &stem, &feats)?;
    let csv = a.out.join(format!("{stem}.csv"));
    write_csv(
        &csv,
        &feats.iter().map(|f| f.properties.clone()).collect::<Vec<_>>(),
    )?;
    let classes: Vec<(f64, f64, String)> = [(0.0, 1.5), (1.5, 2.5), (2.5, 3.5), (3.5, 4.5), (4.5, 100.0)]
        .iter()
        .rev()
        .map(|&(lo, hi)| (lo, hi, format!("{lo}–{hi} consultations/inhabitant/year")))
        .collect();
    let polygons = feats
        .iter()
        .any(|f| matches!(f.geometry, medaccess::output::Geometry::MultiPolygon(_)));
    write_qml(
        &a.out.join(format!("{stem}.qml")),
        "apl_consultations",
        &classes,
        polygons,
    )?;

    // summary
    let mut out = std::io::stdout().lock();
    let in_scope: Vec<usize> = idx.clone();
    let under = |i: usize| row(i).is_some_and(|r| r.1.under_served);
    let pop = |i: &usize| territory.communes[*i].population.unwrap_or(0);
    let total: u64 = in_scope.iter().map(pop).sum();
    let under_pop: u64 = in_scope.iter().filter(|&&i| under(i)).map(pop).sum();
    let no_gp_30: u64 = in_scope
        .iter()
        .filter(|&&i| row(i).and_then(|r| r.1.nearest_minutes).is_none_or(|m| m > 30.0))
        .map(pop)
        .sum();
    writeln!(
        out,
        "== GP access ({supply_name}, decay {}; engine={engine_name}), {} communes, population {}",
        a.decay,
        in_scope.len(),
        medaccess::access::group(total)
    )?;
    writeln!(
        out,
        "  under-served (below {} consultations/inhabitant/year at {} per GP): {} communes, population {}",
        a.under_served,
        a.consultations_per_gp,
        in_scope.iter().filter(|&&i| under(i)).count(),
        medaccess::access::group(under_pop)
    )?;
    writeln!(
        out,
        "  population more than 30 min from a GP: {}",
        medaccess::access::group(no_gp_30)
    )?;
    let mut by_dep: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for &i in &in_scope {
        let e = by_dep.entry(territory.communes[i].dep.as_str()).or_default();
        e.0 += pop(&i);
        if under(i) {
            e.1 += pop(&i);
        }
    }
    for (d, (p, u)) in by_dep {
        writeln!(
            out,
            "  {d:<4} population {:>11}, under-served {:>10}",
            medaccess::access::group(p),
            medaccess::access::group(u)
        )?;
    }
    if let Some(d) = &delta {
        let mut changed: Vec<usize> = (0..d.len()).filter(|&i| d[i].abs() > 1e-12).collect();
        changed.sort_by(|&x, &y| d[y].abs().total_cmp(&d[x].abs()).then(x.cmp(&y)));
        writeln!(
            out,
            "  scenario {:?} {:?}: {} communes change",
            a.add,
            a.remove,
            changed.len()
        )?;
        for &u in changed.iter().take(15) {
            let c = &territory.communes[units[u]];
            writeln!(
                out,
                "    {} {:<28} {:+.2} GPs per 100,000",
                c.insee,
                c.name,
                d[u] * PER_100K
            )?;
        }
    }
    writeln!(out, "  wrote {}\n  wrote {}", gj.display(), csv.display())?;
    drop(out);
    if let Some(path) = &a.report.report {
        // The report maps minutes to the nearest GP: GP communes as sites.
        let gp_sites: Vec<medaccess::access::Site> = model
            .sites()
            .iter()
            .map(|site| {
                let c = site.home.map(|u| &territory.communes[units[u as usize]]);
                medaccess::access::Site {
                    id: c.map_or_else(|| format!("node {}", site.node), |c| c.insee.clone()),
                    name: c.map_or_else(String::new, |c| format!("{} ({} GPs)", c.name, site.supply)),
                    dep: c.map_or_else(String::new, |c| c.dep.clone()),
                    position: c.map_or([0.0, 0.0], |c| [c.lon, c.lat]),
                    position_source: "commune-town-hall".into(),
                    entries: vec![(site.node, 0)],
                }
            })
            .collect();
        let places: Vec<medaccess::access::Place> = idx.iter().map(|&i| entered.items[i].clone()).collect();
        let access: Vec<medaccess::access::PlaceAccess> = idx
            .iter()
            .map(|&i| {
                let first = row(i)
                    .and_then(|(_, r)| {
                        Some(medaccess::route::Label {
                            time: minutes(r.nearest_minutes?),
                            source: r.nearest_site?,
                        })
                    })
                    .unwrap_or(medaccess::route::Label::NONE);
                medaccess::access::PlaceAccess {
                    first,
                    second: medaccess::route::Label::NONE,
                }
            })
            .collect();
        let bands = medaccess::access::Bands::parse("5,10,15,20,30").map_err(anyhow::Error::msg)?;
        let threshold = 20.0;
        let summary = medaccess::access::summarize(&places, &access, &gp_sites, &bands, threshold, 10);
        let shapes = medaccess::job::shapes(territory, &places);
        let (engine_m, profile, calibration) = engine.methods();
        let report = medaccess::report::Report {
            lang: a.report.lang()?,
            title: String::new(),
            scope: medaccess::job::scope_title(&ctx.scope),
            run: medaccess::report::Snapshot {
                places: &places,
                shapes: &shapes,
                sites: &gp_sites,
                access: &access,
                bands: &bands,
                summary: &summary,
            },
            scenario: None,
            closures: None,
            history: None,
            methods: medaccess::report::Methods {
                engine: engine_m,
                profile,
                calibration,
                facilities: medaccess::report::Facilities::GeneralPractitioners { year: 2017 },
                // GPs (head count), not the communes that have some
                facility_count: model.sites().iter().map(|s| s.supply).sum::<f64>().round() as usize,
                population_year: 2017,
                threshold_minutes: threshold,
                band_breaks: bands.breaks.clone(),
                sources: vec![],
                command: super::setup::Ctx::command_line(),
                notes: vec![format!(
                    "2SFCA ({}) per commune in the GeoJSON/CSV: {} communes under-served (below {} consultations per inhabitant per year at {} per GP).",
                    a.decay,
                    in_scope.iter().filter(|&&i| under(i)).count(),
                    a.under_served,
                    a.consultations_per_gp
                )],
            },
        };
        medaccess::report::write_report(path, &report)?;
        println!("  wrote {}", path.display());
    }
    Ok(())
}

/// Column name of the count within `m` minutes (field names are static in
/// output records; the usual values get fixed names).
fn within_name(m: f64) -> &'static str {
    // Output records have static keys; a run has a handful of these, so
    // leaking the few odd ones is bounded.
    match m {
        5.0 => "gp_within_5min",
        10.0 => "gp_within_10min",
        15.0 => "gp_within_15min",
        20.0 => "gp_within_20min",
        30.0 => "gp_within_30min",
        45.0 => "gp_within_45min",
        60.0 => "gp_within_60min",
        _ => Box::leak(format!("gp_within_{m}min").into_boxed_str()),
    }
}
