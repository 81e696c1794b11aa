//! Planner commands: scenario, rank, site, history, catchments, isochrones.

use std::io::Write;

use anyhow::{Result, bail};
use clap::Args;
use medaccess::access::{Bands, group, is_beyond, summarize};
use medaccess::facilities::{Facility, MaternityList, PositionSource, close_maternities};
use medaccess::job::{self, AccessRun};
use medaccess::output::{Feature, Geometry, Value, write_csv, write_geojson, write_qml};
use medaccess::planner::{self, diff, rank_closures};
use medaccess::report::{self, Report, ScenarioView, Snapshot};

use super::args::{DataArgs, OutputArgs, ScopeArgs};
use super::setup::{Ctx, ReportArgs, setup};

#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Year of the DREES maternity list (2013-2023).
    #[arg(long, default_value_t = 2023)]
    pub year: u16,
}

#[derive(Debug, Args)]
pub struct ScenarioArgs {
    #[command(flatten)]
    pub common: Common,
    /// FINESS numbers of the sites to close, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub close: Vec<String>,
    /// Sites to open, comma-separated: `NAME@LON,LAT` is not allowed (the
    /// comma); use `NAME@LON:LAT`, or an INSEE code (at its town hall).
    #[arg(long, value_delimiter = ',')]
    pub open: Vec<String>,
}

/// Parses `NAME@LON:LAT` or an INSEE code into a facility.
fn parse_open(spec: &str, ctx: &Ctx, k: usize) -> Result<Facility> {
    let spec = spec.trim();
    let (name, lon_lat, source, commune) = if let Some((name, pos)) = spec.split_once('@') {
        let (x, y) = pos
            .split_once(':')
            .or_else(|| pos.split_once(' '))
            .ok_or_else(|| anyhow::anyhow!("--open `{spec}`: expected NAME@LON:LAT"))?;
        let lon: f64 = x
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("--open `{spec}`: longitude `{x}` is not a number"))?;
        let lat: f64 = y
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("--open `{spec}`: latitude `{y}` is not a number"))?;
        medaccess::facilities::check_lon_lat(lon, lat)
            .map_err(|e| anyhow::anyhow!("--open `{spec}`: {e}"))?;
        (name.trim().to_string(), [lon, lat], PositionSource::File, None)
    } else {
        let code = spec.to_uppercase();
        let p = ctx.territory.origin(&code).ok_or_else(|| {
            anyhow::anyhow!("--open `{spec}`: not NAME@LON:LAT and not a known INSEE commune code")
        })?;
        let i = ctx.territory.index_of(&code).unwrap_or(0);
        (
            format!("new site in {}", ctx.territory.communes[i].name),
            p,
            PositionSource::CommuneTownHall,
            Some(code),
        )
    };
    Ok(Facility {
        id: format!("NEW{}", k + 1),
        name,
        commune,
        lon_lat,
        source,
        level: None,
        births: None,
        capacity: None,
    })
}

fn ids(run: &AccessRun) -> Vec<&str> {
    run.sites.iter().map(|s| s.id.as_str()).collect()
}

fn write_report(
    args: &ReportArgs,
    ctx: &Ctx,
    year: u16,
    run: &AccessRun,
    scenario: Option<ScenarioView>,
    closures: Option<&[planner::ClosureImpact]>,
    history: Option<report::History>,
) -> Result<()> {
    let Some(path) = &args.report else { return Ok(()) };
    let shapes = job::shapes(&ctx.territory, &run.places);
    let r = Report {
        lang: args.lang()?,
        title: String::new(),
        scope: job::scope_title(&ctx.scope),
        run: Snapshot {
            places: &run.places,
            shapes: &shapes,
            sites: &run.sites,
            access: &run.access,
            bands: &ctx.bands,
            summary: &run.summary,
        },
        scenario,
        closures,
        history,
        methods: job::maternity_methods(
            &ctx.engine,
            year,
            run.sites.len(),
            ctx.threshold,
            &ctx.bands,
            Ctx::command_line(),
        ),
    };
    report::write_report(path, &r)?;
    println!("  wrote {}", path.display());
    Ok(())
}

pub fn scenario(a: ScenarioArgs) -> Result<()> {
    let c = &a.common;
    refuse_unsupported("scenario", c, true)?;
    if a.close.is_empty() && a.open.is_empty() {
        bail!("say what changes: --close FINESS[,FINESS…] and/or --open NAME@LON:LAT|INSEE[,…]");
    }
    let ctx = setup(&c.scope, &c.data, &c.output)?;
    let before_f = ctx.maternities(c.year)?;
    let list = MaternityList::load(&ctx.paths.maternities)?;
    let mut after_f = close_maternities(&before_f, &a.close, &list, c.year)?;
    for (k, spec) in a.open.iter().enumerate() {
        after_f.push(parse_open(spec, &ctx, k)?);
    }
    let before = ctx.run(ctx.sites(&before_f)?)?;
    let after = ctx.run(ctx.sites(&after_f)?)?;
    let changes = diff(
        &before.access,
        &after.access,
        &ids(&before),
        &ids(&after),
        ctx.threshold,
    );
    let t = ctx.threshold;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "== Scenario on the maternities of {} (engine={}): close {:?}, open {:?}",
        c.year, before.engine, a.close, a.open
    )?;
    writeln!(out, "  dep   beyond {t} min before        after      change")?;
    let deps: std::collections::BTreeSet<&String> = before.summary.by_dep.keys().collect();
    for d in deps {
        let (b, x) = (&before.summary.by_dep[d], &after.summary.by_dep[d]);
        writeln!(
            out,
            "  {d:<4} {:>5} communes {:>9} -> {:>5} communes {:>9}   {:+} inhabitants",
            b.communes_beyond,
            group(b.population_beyond),
            x.communes_beyond,
            group(x.population_beyond),
            x.population_beyond as i64 - b.population_beyond as i64
        )?;
    }
    let newly: Vec<_> = changes.iter().filter(|c| c.newly_beyond).collect();
    let pop_newly: u64 = newly
        .iter()
        .map(|c| before.places[c.place].population.unwrap_or(0))
        .sum();
    writeln!(
        out,
        "  {} communes changed; newly beyond {t} min: {} communes, population {}",
        changes.len(),
        newly.len(),
        group(pop_newly)
    )?;
    for c in &newly {
        let p = &before.places[c.place];
        writeln!(
            out,
            "    {} {:<28} pop {:>7}  {:>5.1} -> {:>5.1} min",
            p.id,
            p.name,
            group(p.population.unwrap_or(0)),
            c.before.unwrap_or(f64::NAN),
            c.after.unwrap_or(f64::NAN)
        )?;
    }
    // outputs: every commune before/after (CSV), the changed ones (GeoJSON)
    let dir = &c.output.out;
    std::fs::create_dir_all(dir)?;
    let stem = format!("scenario-{}-{}", ctx.scope.tag(), c.year);
    let (bi, ai) = (ids(&before), ids(&after));
    let rec = |i: usize| -> medaccess::output::Record {
        let (b, x) = (&before.access[i], &after.access[i]);
        let p = &before.places[i];
        let site = |ids: &[&str], l: medaccess::route::Label| {
            Value::opt_str((!l.is_none()).then(|| ids[l.source as usize]))
        };
        let (mb, ma) = (b.minutes(), x.minutes());
        vec![
            ("insee", Value::Str(p.id.clone())),
            ("name", Value::Str(p.name.clone())),
            ("dep", Value::Str(p.dep.clone())),
            ("population", Value::opt_int(p.population.map(|x| x as i64))),
            ("before_facility_id", site(&bi, b.first)),
            ("before_minutes", Value::real(mb, 2)),
            ("after_facility_id", site(&ai, x.first)),
            ("after_minutes", Value::real(ma, 2)),
            ("delta_min", Value::real(mb.zip(ma).map(|(u, v)| v - u), 2)),
            ("beyond_before", Value::Bool(is_beyond(mb, t))),
            ("beyond_after", Value::Bool(is_beyond(ma, t))),
            ("newly_beyond", Value::Bool(!is_beyond(mb, t) && is_beyond(ma, t))),
            ("engine", Value::Str(before.engine.to_string())),
        ]
    };
    let all: Vec<_> = (0..before.places.len()).map(rec).collect();
    let csv = dir.join(format!("{stem}.csv"));
    write_csv(&csv, &all)?;
    let feats: Vec<Feature> = changes
        .iter()
        .map(|ch| Feature {
            geometry: job::place_geometry(&ctx.territory, &before.places[ch.place]),
            properties: rec(ch.place),
        })
        .collect();
    let gj = dir.join(format!("{stem}-changed.geojson"));
    write_geojson(&gj, &format!("{stem}-changed"), &feats)?;
    let polygons = feats
        .iter()
        .any(|f| matches!(f.geometry, Geometry::MultiPolygon(_)));
    let classes: Vec<(f64, f64, String)> = [
        (-600.0, 0.0),
        (0.0, 5.0),
        (5.0, 10.0),
        (10.0, 20.0),
        (20.0, 30.0),
        (30.0, 600.0),
    ]
    .iter()
    .map(|&(lo, hi)| (lo, hi, format!("{lo} to {hi} min")))
    .collect();
    write_qml(
        &dir.join(format!("{stem}-changed.qml")),
        "delta_min",
        &classes,
        polygons,
    )?;
    writeln!(out, "  wrote {}\n  wrote {}", csv.display(), gj.display())?;
    drop(out);
    let view = ScenarioView {
        sites: &after.sites,
        access: &after.access,
        summary: &after.summary,
        changes: &changes,
    };
    write_report(&c.report, &ctx, c.year, &before, Some(view), None, None)
}

#[derive(Debug, Args)]
pub struct RankArgs {
    #[command(flatten)]
    pub common: Common,
    /// How many facilities to print (all are in the CSV).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

pub fn rank(a: RankArgs) -> Result<()> {
    let c = &a.common;
    refuse_unsupported("rank", c, true)?;
    let ctx = setup(&c.scope, &c.data, &c.output)?;
    let run = ctx.run(ctx.sites(&ctx.maternities(c.year)?)?)?;
    let pop: Vec<u64> = run.places.iter().map(|p| p.population.unwrap_or(0)).collect();
    let t0 = std::time::Instant::now();
    let ranked = rank_closures(run.sites.len(), &run.access, &pop, ctx.threshold);
    eprintln!(
        "ranked {} facilities in {:.3} s",
        run.sites.len(),
        t0.elapsed().as_secs_f64()
    );
    let serving: Vec<_> = ranked.iter().filter(|r| r.places_served > 0).cloned().collect();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "== If one maternity of {} closed alone (engine={}): population pushed beyond {} min, among the {} sites serving these communes",
        c.year,
        run.engine,
        ctx.threshold,
        serving.len()
    )?;
    writeln!(
        out,
        "  rank  FINESS     newly beyond  served pop.  person-min added  name"
    )?;
    for (k, r) in serving.iter().take(a.top).enumerate() {
        let s = &run.sites[r.site];
        writeln!(
            out,
            "  {:>4}  {} {:>12} {:>12} {:>17.0}  {}",
            k + 1,
            s.id,
            group(r.population_newly_beyond),
            group(r.population_served),
            r.person_minutes_added,
            s.name
        )?;
    }
    let rows: Vec<medaccess::output::Record> = serving
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let s = &run.sites[r.site];
            vec![
                ("rank", Value::Int(k as i64 + 1)),
                ("facility_id", Value::Str(s.id.clone())),
                ("name", Value::Str(s.name.clone())),
                ("dep", Value::Str(s.dep.clone())),
                ("communes_served", Value::Int(r.places_served as i64)),
                ("population_served", Value::Int(r.population_served as i64)),
                ("communes_newly_beyond", Value::Int(r.places_newly_beyond as i64)),
                (
                    "population_newly_beyond",
                    Value::Int(r.population_newly_beyond as i64),
                ),
                (
                    "person_minutes_added",
                    Value::real(Some(r.person_minutes_added), 1),
                ),
                (
                    "population_left_without",
                    Value::Int(r.population_left_without as i64),
                ),
                ("threshold_min", Value::Real(ctx.threshold)),
                ("engine", Value::Str(run.engine.to_string())),
            ]
        })
        .collect();
    std::fs::create_dir_all(&c.output.out)?;
    let csv = c
        .output
        .out
        .join(format!("rank-{}-{}.csv", ctx.scope.tag(), c.year));
    write_csv(&csv, &rows)?;
    writeln!(out, "  wrote {}", csv.display())?;
    drop(out);
    write_report(&c.report, &ctx, c.year, &run, None, Some(&serving), None)
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    #[command(flatten)]
    pub common: Common,
    /// Number of new sites to choose.
    #[arg(long, default_value_t = 1)]
    pub add: usize,
    /// Candidate communes (INSEE codes); default: every commune in scope.
    #[arg(long, value_delimiter = ',')]
    pub candidates: Vec<String>,
}

/// Refuses options that a command accepts through shared flags but does not
/// implement, rather than ignoring them.
fn refuse_unsupported(cmd: &str, c: &Common, report: bool) -> Result<()> {
    if !report && c.report.report.is_some() {
        bail!("--report is not available for `{cmd}` (it is for access, scenario, rank, history and gp)");
    }
    if c.output.split_by_dep {
        bail!("--split-by-dep is only for `access`");
    }
    c.report.lang()?;
    Ok(())
}

pub fn site(a: SiteArgs) -> Result<()> {
    let c = &a.common;
    refuse_unsupported("site", c, false)?;
    let ctx = setup(&c.scope, &c.data, &c.output)?;
    let run = ctx.run(ctx.sites(&ctx.maternities(c.year)?)?)?;
    let cand_idx: Vec<usize> = if a.candidates.is_empty() {
        ctx.idx.clone()
    } else {
        let mut v = Vec::new();
        for code in &a.candidates {
            v.push(
                ctx.territory
                    .index_of(&code.to_uppercase())
                    .ok_or_else(|| anyhow::anyhow!("--candidates: unknown INSEE commune code `{code}`"))?,
            );
        }
        v.sort_unstable();
        v.dedup();
        v
    };
    let cands: Vec<_> = medaccess::job::places(&ctx.engine, &ctx.territory, &cand_idx)?
        .items
        .into_iter()
        .map(|p| p.entries)
        .collect();
    let entries: Vec<_> = run.places.iter().map(|p| p.entries.clone()).collect();
    let pop: Vec<u64> = run.places.iter().map(|p| p.population.unwrap_or(0)).collect();
    let steps = planner::choose_sites(
        ctx.engine.graph(),
        &cands,
        &entries,
        &pop,
        &run.access,
        ctx.threshold,
        a.add,
    );
    let mut out = std::io::stdout().lock();
    let t = &run.summary.total;
    writeln!(
        out,
        "== New maternity sites (engine={}), {}: today {} inhabitants beyond {} min",
        run.engine,
        c.year,
        group(t.population_beyond),
        ctx.threshold
    )?;
    let mut left = t.population_beyond;
    let mut rows = Vec::new();
    for (k, s) in steps.iter().enumerate() {
        let cm = &ctx.territory.communes[cand_idx[s.candidate]];
        left -= s.gain;
        writeln!(
            out,
            "  {}. {} {:<28} +{} inhabitants within {} min ({} communes); still beyond: {}",
            k + 1,
            cm.insee,
            cm.name,
            group(s.gain),
            ctx.threshold,
            s.places.len(),
            group(left)
        )?;
        rows.push(Feature {
            geometry: Geometry::Point([cm.lon, cm.lat]),
            properties: vec![
                ("step", Value::Int(k as i64 + 1)),
                ("insee", Value::Str(cm.insee.clone())),
                ("name", Value::Str(cm.name.clone())),
                ("gain_population", Value::Int(s.gain as i64)),
                ("gain_communes", Value::Int(s.places.len() as i64)),
                ("still_beyond", Value::Int(left as i64)),
                ("engine", Value::Str(run.engine.to_string())),
            ],
        });
    }
    if steps.len() < a.add {
        writeln!(out, "  (no further site brings anyone within the threshold)")?;
    }
    std::fs::create_dir_all(&c.output.out)?;
    let stem = format!("sites-{}-{}", ctx.scope.tag(), c.year);
    let gj = c.output.out.join(format!("{stem}.geojson"));
    write_geojson(&gj, &stem, &rows)?;
    let csv = c.output.out.join(format!("{stem}.csv"));
    write_csv(
        &csv,
        &rows.iter().map(|f| f.properties.clone()).collect::<Vec<_>>(),
    )?;
    writeln!(out, "  wrote {}\n  wrote {}", gj.display(), csv.display())?;
    Ok(())
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Thresholds in minutes.
    #[arg(long, value_delimiter = ',', default_value = "30,40,45")]
    pub thresholds: Vec<f64>,
}

pub fn history(a: HistoryArgs) -> Result<()> {
    if a.thresholds.is_empty() || a.thresholds.iter().any(|t| !t.is_finite() || *t <= 0.0) {
        bail!("--thresholds: give positive numbers of minutes, e.g. 30,40,45");
    }
    if a.output.split_by_dep {
        bail!("--split-by-dep is only for `access`");
    }
    a.report.lang()?;
    let ctx = setup(&a.scope, &a.data, &a.output)?;
    let list = medaccess::facilities::MaternityList::load(&ctx.paths.maternities)?;
    let years = list.years();
    let mut rows: Vec<(u16, Vec<u64>)> = Vec::new();
    let mut events: Vec<(u16, String)> = Vec::new();
    let mut csv_rows = Vec::new();
    let mut prev: Option<AccessRun> = None;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "== Population beyond {:?} min from a maternity, {} (engine={})",
        a.thresholds,
        job::scope_title(&ctx.scope),
        ctx.engine.name()
    )?;
    let mut last = None;
    for &y in &years {
        let run = ctx.run(ctx.sites(&ctx.maternities(y)?)?)?;
        let mut vals = Vec::new();
        for &t in &a.thresholds {
            let s = summarize(&run.places, &run.access, &run.sites, &ctx.bands, t, 0);
            vals.push(s.total.population_beyond);
            for (dep, d) in s.by_dep.iter().chain([(&"all".to_string(), &s.total)]) {
                csv_rows.push(vec![
                    ("year", Value::Int(y as i64)),
                    ("dep", Value::Str(dep.clone())),
                    ("threshold_min", Value::Real(t)),
                    ("communes_beyond", Value::Int(d.communes_beyond as i64)),
                    ("population_beyond", Value::Int(d.population_beyond as i64)),
                    ("population", Value::Int(d.population as i64)),
                    ("engine", Value::Str(run.engine.to_string())),
                ]);
            }
        }
        writeln!(
            out,
            "  {y}: {} sites; {}",
            run.sites.len(),
            a.thresholds
                .iter()
                .zip(&vals)
                .map(|(t, v)| format!("beyond {t}: {}", group(*v)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        // closures since last year among the sites that served these communes,
        // with what each alone did (exact, from last year's second-nearest)
        if let Some(p) = &prev {
            let now: std::collections::HashSet<&str> = run.sites.iter().map(|s| s.id.as_str()).collect();
            let t = ctx.threshold;
            for (k, s) in p.sites.iter().enumerate() {
                if now.contains(s.id.as_str()) {
                    continue;
                }
                // communes it served last year, and those of them now beyond
                let served: Vec<usize> = (0..p.places.len())
                    .filter(|&i| !p.access[i].first.is_none() && p.access[i].first.source as usize == k)
                    .collect();
                if served.is_empty() {
                    continue;
                }
                let pop = |i: &usize| p.places[*i].population.unwrap_or(0);
                let served_pop: u64 = served.iter().map(pop).sum();
                let newly: u64 = served
                    .iter()
                    .filter(|&&i| {
                        !is_beyond(p.access[i].minutes(), t) && is_beyond(run.access[i].minutes(), t)
                    })
                    .map(pop)
                    .sum();
                let msg = format!(
                    "{} ({}) gone: it served {} inhabitants here, of whom {} are now beyond {t} min",
                    s.name,
                    s.id,
                    group(served_pop),
                    group(newly)
                );
                writeln!(out, "        {msg}")?;
                events.push((y, format!("{} ({})", s.name, s.id)));
            }
        }
        rows.push((y, vals));
        last = Some(y);
        prev = Some(run);
    }
    std::fs::create_dir_all(&a.output.out)?;
    let stem = format!("history-{}", ctx.scope.tag());
    let csv = a.output.out.join(format!("{stem}.csv"));
    write_csv(&csv, &csv_rows)?;
    let hist = report::History {
        thresholds: a.thresholds.clone(),
        rows,
        events,
    };
    let svg = a.output.out.join(format!("{stem}.svg"));
    medaccess::io::atomic_write_bytes(
        &svg,
        report::timeline_svg(&hist, a.report.lang()?, 900, 420)?.as_bytes(),
    )?;
    writeln!(out, "  wrote {}\n  wrote {}", csv.display(), svg.display())?;
    drop(out);
    if let (Some(y), Some(run)) = (last, prev) {
        write_report(&a.report, &ctx, y, &run, None, None, Some(hist))?;
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct AreasArgs {
    #[command(flatten)]
    pub common: Common,
    /// With --roads, isochrones come from a grid of travel times over the
    /// reached road network: its cell size in metres.
    #[arg(long, default_value_t = 250.0)]
    pub cell_m: f64,
    /// With --roads: walking/leg speed from the road into each grid cell, km/h.
    #[arg(long, default_value_t = 15.0)]
    pub off_road_kmh: f64,
}

/// Catchments: communes dissolved by nearest facility.
pub fn catchments(a: AreasArgs) -> Result<()> {
    let c = &a.common;
    refuse_unsupported("catchments", c, false)?;
    let ctx = setup(&c.scope, &c.data, &c.output)?;
    let facilities = ctx.maternities(c.year)?;
    let run = ctx.run(ctx.sites(&facilities)?)?;
    let polys = place_polygons(&ctx, &run)?;
    let group_of: Vec<Option<usize>> = run
        .access
        .iter()
        .map(|x| (!x.first.is_none()).then_some(x.first.source as usize))
        .collect();
    let shapes = planner::polygons::dissolve(&polys, &group_of, run.sites.len());
    let mut feats = Vec::new();
    for (k, s) in run.sites.iter().enumerate() {
        let members: Vec<usize> = (0..run.places.len())
            .filter(|&i| group_of[i] == Some(k))
            .collect();
        if members.is_empty() {
            continue;
        }
        let pop: u64 = members
            .iter()
            .map(|&i| run.places[i].population.unwrap_or(0))
            .sum();
        let mins: Vec<(f64, u64)> = members
            .iter()
            .filter_map(|&i| {
                run.access[i]
                    .minutes()
                    .map(|m| (m, run.places[i].population.unwrap_or(0)))
            })
            .collect();
        let w: u64 = mins.iter().map(|x| x.1).sum();
        let mean = (w > 0).then(|| mins.iter().map(|(m, p)| m * *p as f64).sum::<f64>() / w as f64);
        let max = mins
            .iter()
            .map(|x| x.0)
            .fold(None, |a: Option<f64>, m| Some(a.map_or(m, |a| a.max(m))));
        let births = facilities.iter().find(|f| f.id == s.id).and_then(|f| f.births);
        feats.push(Feature {
            geometry: Geometry::MultiPolygon(shapes[k].clone()),
            properties: vec![
                ("facility_id", Value::Str(s.id.clone())),
                ("facility_name", Value::Str(s.name.clone())),
                ("communes", Value::Int(members.len() as i64)),
                ("population", Value::Int(pop as i64)),
                ("births", Value::opt_int(births.map(|b| b as i64))),
                ("mean_minutes", Value::real(mean, 2)),
                ("max_minutes", Value::real(max, 2)),
                ("engine", Value::Str(run.engine.to_string())),
            ],
        });
    }
    std::fs::create_dir_all(&c.output.out)?;
    let stem = format!("catchments-{}-{}", ctx.scope.tag(), c.year);
    let gj = c.output.out.join(format!("{stem}.geojson"));
    write_geojson(&gj, &stem, &feats)?;
    println!(
        "== {} catchments of the maternities of {} serving {} (engine={})\n  wrote {}",
        feats.len(),
        c.year,
        job::scope_title(&ctx.scope),
        run.engine,
        gj.display()
    );
    Ok(())
}

/// Isochrone bands: communes dissolved by time band, with holes where a
/// pocket is farther or nearer.
pub fn isochrones(a: AreasArgs) -> Result<()> {
    let c = &a.common;
    refuse_unsupported("isochrones", c, false)?;
    if !(a.cell_m >= 10.0 && a.cell_m.is_finite() && a.off_road_kmh > 0.0 && a.off_road_kmh.is_finite()) {
        bail!("--cell-m must be at least 10 and --off-road-kmh positive");
    }
    let ctx = setup(&c.scope, &c.data, &c.output)?;
    let run = ctx.run(ctx.sites(&ctx.maternities(c.year)?)?)?;
    let bands: &Bands = &ctx.bands;
    let nb = bands.len() + 1; // + unreachable
    let group_of: Vec<Option<usize>> = run
        .access
        .iter()
        .map(|x| Some(bands.index(x.minutes()).unwrap_or(bands.len())))
        .collect();
    let shapes: Vec<geo::MultiPolygon<f64>> = match &ctx.engine {
        // Real roads: contours of a grid of travel times over the reached
        // network (population per band still from the communes' times).
        medaccess::engine::Engine::Roads(r) => {
            let seeds = medaccess::access::site_seeds(&run.sites);
            let node_time: Vec<medaccess::units::Time> =
                medaccess::route::nearest(r.net.graph.backward(), &seeds, None)
                    .iter()
                    .map(|l| l.time)
                    .collect();
            let opts = planner::contours::GridOptions {
                cell_m: a.cell_m,
                off_road_kmh: a.off_road_kmh,
                ..Default::default()
            };
            let iso = planner::contours::road_isochrones(&r.net, &node_time, &bands.breaks, &opts)?;
            let mut v: Vec<geo::MultiPolygon<f64>> = iso.into_iter().map(|b| b.area).collect();
            v.resize(nb, geo::MultiPolygon(vec![])); // the unreachable band has no area
            v
        }
        medaccess::engine::Engine::Communes(_) => {
            let polys = place_polygons(&ctx, &run)?;
            planner::polygons::dissolve(&polys, &group_of, nb)
        }
    };
    let mut labels = bands.labels();
    labels.push("unreachable".into());
    let classes = bands.classes(240.0);
    let mut feats = Vec::new();
    let mut cumulative = 0u64;
    for b in 0..nb {
        let members: Vec<usize> = (0..run.places.len())
            .filter(|&i| group_of[i] == Some(b))
            .collect();
        if members.is_empty() {
            continue;
        }
        let pop: u64 = members
            .iter()
            .map(|&i| run.places[i].population.unwrap_or(0))
            .sum();
        cumulative += pop;
        let (lo, hi) = classes.get(b).map_or((None, None), |x| (Some(x.0), Some(x.1)));
        feats.push(Feature {
            // no area (e.g. the unreachable band on a road network): null geometry
            geometry: if shapes[b].0.is_empty() {
                Geometry::None
            } else {
                Geometry::MultiPolygon(shapes[b].clone())
            },
            properties: vec![
                ("band", Value::Str(labels[b].clone())),
                ("min_from", Value::real(lo, 1)),
                (
                    "min_to",
                    Value::real(if b + 1 == bands.len() { None } else { hi }, 1),
                ),
                ("minutes", Value::real(lo.map(|l| l + 0.001), 3)),
                ("communes", Value::Int(members.len() as i64)),
                ("population", Value::Int(pop as i64)),
                ("population_cumulative", Value::Int(cumulative as i64)),
                ("engine", Value::Str(run.engine.to_string())),
            ],
        });
    }
    std::fs::create_dir_all(&c.output.out)?;
    let stem = format!("isochrones-{}-{}", ctx.scope.tag(), c.year);
    let gj = c.output.out.join(format!("{stem}.geojson"));
    write_geojson(&gj, &stem, &feats)?;
    write_qml(
        &c.output.out.join(format!("{stem}.qml")),
        "minutes",
        &classes,
        true,
    )?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "== Time bands to the nearest maternity of {} (engine={})",
        c.year, run.engine
    )?;
    for f in &feats {
        writeln!(
            out,
            "  {:<12} {:>12} inhabitants",
            f.properties[0].1.to_csv(),
            group(match f.properties[5].1 {
                Value::Int(p) => p as u64,
                _ => 0,
            })
        )?;
    }
    writeln!(out, "  wrote {}", gj.display())?;
    Ok(())
}

/// The loaded polygon of each place of a run; an error when none is loaded,
/// a warning with the count when some are missing (those communes cannot
/// be drawn in a dissolved area; their population still counts).
fn place_polygons<'a>(ctx: &'a Ctx, run: &AccessRun) -> Result<Vec<Option<&'a geo::MultiPolygon<f64>>>> {
    let polys: Vec<_> = run
        .places
        .iter()
        .map(|p| ctx.territory.polygons.get(&p.id))
        .collect();
    if polys.iter().all(Option::is_none) {
        bail!(
            "no commune polygons for this scope: pass --communes-dir ../shared/data/communes-france (folder with polygons/dep-XX.geojson)"
        );
    }
    let missing = polys.iter().filter(|p| p.is_none()).count();
    if missing > 0 {
        eprintln!(
            "warning: {missing} communes in scope have no polygon loaded and are left out of the areas \
             (their population is still counted); pass --communes-dir ../shared/data/communes-france"
        );
    }
    Ok(polys)
}
