//! Planner commands: scenario, rank, site, history, catchments, isochrones.
//! Each lowers its flags to a request, runs the job, prints and writes.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;
use medaccess::access::group;
use medaccess::facilities::FacilityKind;
use medaccess::jobs::{
    self, AccessRequest, CatchmentsRequest, Context, HistoryRequest, IsochronesRequest, NewSite, RankRequest,
    ScenarioRequest, SiteRequest,
};
use medaccess::output::{Document, Layer, Staged, WriteOptions};
use medaccess::report::{Lang, Report};

use super::args::{FacilityArgs, ReportArgs, RunArgs};
use super::console;
use super::setup::{self, Bar};

#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub facilities: FacilityArgs,
}

/// A planner command's context and access request.
struct Start {
    ctx: Context,
    access: AccessRequest,
    lang: Lang,
    progress: Bar,
    /// How the terminal names the set (`2016`, a file).
    set_of: String,
    /// The kind's short nouns (`maternity`, `maternities`).
    noun: [&'static str; 2],
    /// Every file the run reads.
    inputs: Vec<PathBuf>,
}

impl Start {
    /// The stem of the command's files: `<cmd>-<scope>-<set>`.
    fn stem(&self, cmd: &str) -> String {
        setup::stem(cmd, &self.ctx.scope, &self.access.facilities)
    }
}

impl Common {
    /// Refuses options that a command accepts through shared flags but does
    /// not implement, rather than ignoring them.
    fn refuse_unsupported(&self) -> Result<()> {
        if self.run.output.split_by_dep {
            bail!("--split-by-dep is only for `access`");
        }
        Ok(())
    }

    /// Validates the flags, loads the context and the facility set.
    /// `report`: the command's report flags, when it writes one.
    fn start(&self, report: Option<&ReportArgs>) -> Result<Start> {
        self.refuse_unsupported()?;
        let lang = report.map_or(Ok(Lang::Fr), ReportArgs::lang)?;
        let kind = self.facilities.kind()?;
        let (bands, threshold) = self.run.output.bands(kind.defaults())?;
        let source = self.facilities.source(self.facilities.year)?;
        let progress = Bar::new();
        let ctx = setup::load(&self.run.scope, &self.run.data, &progress)?;
        let set = ctx.facilities(&source)?;
        let local = match kind {
            FacilityKind::Maternity => ctx.departements.clone(),
            _ => None,
        };
        setup::set_warnings(&set.warnings, local.as_deref(), None);
        let mut inputs = self.run.data.data()?.inputs();
        inputs.extend(source.input().map(Path::to_path_buf));
        Ok(Start {
            inputs,
            set_of: setup::set_of(&set),
            noun: kind.defaults().noun,
            ctx,
            access: AccessRequest {
                facilities: set,
                bands,
                threshold,
            },
            lang,
            progress,
        })
    }

    /// Stages the layers, the documents and the report (nothing is in
    /// place until [`setup::print_and_commit`]); the GeoPackage is
    /// `<name>.gpkg`.
    fn stage(
        &self,
        inputs: &[PathBuf],
        name: &str,
        layers: &[Layer],
        mut documents: Vec<Document>,
        report: Option<(&Path, Report)>,
    ) -> Result<(WriteOptions, Staged)> {
        if let Some((path, r)) = report {
            documents.push(Document::at(
                path,
                medaccess::report::render_report(&r)?.into_bytes(),
            ));
        }
        let opts = setup::write_options(
            &self.run.output.out,
            &self.run.output.format,
            name.into(),
            inputs.to_vec(),
        )?;
        let staged = setup::stage(&opts, layers, &documents)?;
        Ok((opts, staged))
    }
}

#[derive(Debug, Args)]
pub struct ScenarioArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Ids of the sites to close (FINESS numbers for DREES maternities), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub close: Vec<String>,
    /// Sites to open, comma-separated: `NAME@LON,LAT` is not allowed (the
    /// comma); use `NAME@LON:LAT`, or an INSEE code (at its town hall).
    #[arg(long, value_delimiter = ',')]
    pub open: Vec<String>,
}

pub fn scenario(a: ScenarioArgs) -> Result<()> {
    let c = &a.common;
    c.refuse_unsupported()?;
    if a.close.is_empty() && a.open.is_empty() {
        bail!("say what changes: --close FINESS[,FINESS…] and/or --open NAME@LON:LAT|INSEE[,…]");
    }
    let open: Vec<NewSite> = a
        .open
        .iter()
        .map(|s| NewSite::parse(s))
        .collect::<medaccess::Result<_>>()?;
    let s = c.start(Some(&a.report))?;
    let req = ScenarioRequest {
        access: s.access,
        close: a.close.clone(),
        open,
    };
    let r = jobs::scenario::run(&s.ctx, &req, &s.progress)?;
    setup::far_notes(&r.after);
    // The scenario is in the names, so that the next one replaces nothing.
    let (tag, listing) = r.file_tag();
    let stem = format!(
        "{}-{tag}",
        setup::stem("scenario", &s.ctx.scope, &r.before.facilities)
    );
    let layers = r.layers(&stem, s.lang);
    let documents: Vec<Document> = listing
        .map(|l| Document::named(format!("{stem}-scenario.txt"), l.into_bytes()))
        .into_iter()
        .collect();
    let report = a
        .report
        .report
        .as_deref()
        .map(|p| (p, r.report(s.lang, &setup::command_line())));
    let (_, staged) = c.stage(&s.inputs, &stem, &layers, documents, report)?;

    let (before, after, t) = (&r.before, &r.after, r.before.threshold);
    let mut out = String::new();
    writeln!(
        out,
        "== Scenario on the {} of {} (engine={}): close {:?}, open {:?}",
        s.noun[1], s.set_of, before.engine, a.close, a.open
    )?;
    writeln!(out, "  dep   beyond {t} min before        after      change")?;
    for (d, b) in &before.summary.by_dep {
        let x = &after.summary.by_dep[d];
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
    let newly: Vec<_> = r.changes.iter().filter(|c| c.newly_beyond).collect();
    writeln!(
        out,
        "  {} communes changed; newly beyond {t} min: {} communes, population {}",
        r.changes.len(),
        newly.len(),
        group(r.newly_beyond_population())
    )?;
    let (margin, crossed) = medaccess::planner::changes_margin(&r.changes, &before.places, t);
    writeln!(
        out,
        "  margin: of the communes that changed, {} inhabitants end at most 2 min beyond {t} min, {} less than 2 min under it{}",
        group(margin.just_beyond),
        group(margin.just_within),
        if margin.fragile(crossed) {
            format!(
                "; fragile: {} crossed the threshold, a 2-minute error could change that by half or more",
                group(crossed)
            )
        } else {
            String::new()
        }
    )?;
    for c in &newly {
        let p = &before.places[c.place];
        writeln!(
            out,
            "    {} {:<28} pop {:>7}  {:>5} -> {:>5} min",
            p.id,
            p.name,
            group(p.population.unwrap_or(0)),
            minutes(c.before),
            minutes(c.after)
        )?;
    }
    setup::wrote(&mut out, staged.files());
    setup::print_and_commit(&out, staged)
}

/// Minutes as the terminal shows them: `-` when unreachable.
fn minutes(m: Option<f64>) -> String {
    m.map_or("-".into(), |m| format!("{m:.1}"))
}

#[derive(Debug, Args)]
pub struct RankArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub report: ReportArgs,
    /// How many facilities to print (all are in the CSV).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

pub fn rank(a: RankArgs) -> Result<()> {
    let c = &a.common;
    let s = c.start(Some(&a.report))?;
    let stem = s.stem("rank");
    let r = jobs::rank::run(&s.ctx, &RankRequest { access: s.access }, &s.progress)?;
    setup::far_notes(&r.run);
    let layers = r.layers(&stem);
    let report = a
        .report
        .report
        .as_deref()
        .map(|p| (p, r.report(s.lang, &setup::command_line())));
    let (_, staged) = c.stage(&s.inputs, &stem, &layers, vec![], report)?;
    let mut out = String::new();
    writeln!(
        out,
        "== If one {} of {} closed alone (engine={}): population pushed beyond {} min, among the {} sites serving these communes",
        s.noun[0],
        s.set_of,
        r.run.engine,
        r.run.threshold,
        r.ranked.len()
    )?;
    writeln!(
        out,
        "  rank  FINESS     newly beyond  served pop.  person-min added  ±2 min margin      name"
    )?;
    for (k, x) in r.ranked.iter().take(a.top).enumerate() {
        let site = &r.run.sites[x.site];
        let margin = format!(
            "+{} / -{}",
            group(x.margin.just_beyond),
            group(x.margin.just_within)
        );
        writeln!(
            out,
            "  {:>4}  {} {:>12} {:>12} {:>17.0}  {:<18} {}{}",
            k + 1,
            site.id,
            group(x.population_newly_beyond),
            group(x.population_served),
            x.person_minutes_added,
            margin,
            site.name,
            if x.fragile() { "  (fragile)" } else { "" }
        )?;
    }
    writeln!(
        out,
        "  margin: +people counted whose new time is at most 2 min beyond the threshold / -people not counted less than 2 min under it; fragile: they are more than half the figure"
    )?;
    setup::wrote(&mut out, staged.files());
    setup::print_and_commit(&out, staged)
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

pub fn site(a: SiteArgs) -> Result<()> {
    let c = &a.common;
    let s = c.start(None)?;
    let stem = s.stem("sites");
    let req = SiteRequest {
        access: s.access,
        add: a.add,
        candidates: a.candidates.clone(),
    };
    let r = jobs::site::run(&s.ctx, &req, &s.progress)?;
    setup::far_notes(&r.run);
    let layers = r.layers(&stem, s.lang);
    let (_, staged) = c.stage(&s.inputs, &stem, &layers, vec![], None)?;
    let mut out = String::new();
    let threshold = r.run.threshold;
    writeln!(
        out,
        "== New {} sites (engine={}), {}: today {} inhabitants beyond {threshold} min",
        s.noun[0],
        r.run.engine,
        s.set_of,
        group(r.run.summary.total.population_beyond),
    )?;
    for (k, step) in r.steps.iter().enumerate() {
        writeln!(
            out,
            "  {}. {} {:<28} +{} inhabitants within {threshold} min ({} communes); still beyond: {}",
            k + 1,
            step.commune.id,
            step.commune.name,
            group(step.gain),
            step.places.len(),
            group(step.still_beyond)
        )?;
    }
    if r.steps.len() < r.asked {
        writeln!(out, "  (no further site brings anyone within the threshold)")?;
    }
    setup::wrote(&mut out, staged.files());
    setup::print_and_commit(&out, staged)
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub run: RunArgs,
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
    if a.run.output.split_by_dep {
        bail!("--split-by-dep is only for `access`");
    }
    let lang = a.report.lang()?;
    let (bands, threshold) = a.run.output.bands(FacilityKind::Maternity.defaults())?;
    let progress = Bar::new();
    let ctx = setup::load(&a.run.scope, &a.run.data, &progress)?;
    let req = HistoryRequest {
        thresholds: a.thresholds.clone(),
        bands,
        threshold,
    };
    let h = jobs::history::run(&ctx, &req, &progress)?;
    // every year's placement warnings, once
    setup::set_warnings(&h.placement_warnings, ctx.departements.as_deref(), None);
    let stem = format!("history-{}", ctx.scope.tag());
    let dir = &a.run.output.out;
    let layers = h.layers(&stem);
    let mut documents = vec![h.chart(&stem, lang)?];
    if let Some(path) = &a.report.report {
        let html = medaccess::report::render_report(&h.report(lang, &setup::command_line()))?;
        documents.push(Document::at(path, html.into_bytes()));
    }
    let mut inputs = a.run.data.data()?.inputs();
    inputs.push(ctx.paths.maternities.clone());
    let opts = setup::write_options(dir, &a.run.output.format, stem.clone(), inputs)?;
    let staged = setup::stage(&opts, &layers, &documents)?;
    let mut out = String::new();
    writeln!(
        out,
        "== Population beyond {:?} min from a maternity, {} (engine={})",
        a.thresholds,
        ctx.scope.title(),
        ctx.engine.name()
    )?;
    for y in &h.years {
        writeln!(
            out,
            "  {}: {} sites; {}",
            y.year,
            y.sites,
            h.thresholds
                .iter()
                .zip(y.beyond())
                .map(|(t, v)| format!("beyond {t}: {}", group(v)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        for c in &y.closures {
            writeln!(
                out,
                "        {} ({}) gone: it served {} inhabitants here, of whom {} are now beyond {} min",
                c.name,
                c.id,
                group(c.served),
                group(c.newly_beyond),
                h.threshold
            )?;
        }
    }
    setup::wrote(&mut out, staged.files());
    setup::print_and_commit(&out, staged)
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

fn polygons_note(missing: usize) {
    if missing > 0 {
        console::warn(&format!(
            "{missing} communes in scope have no polygon loaded and are left out of the areas \
             (their population is still counted); pass --communes-dir ../shared/data/communes-france"
        ));
    }
}

/// Catchments: communes dissolved by nearest facility.
pub fn catchments(a: AreasArgs) -> Result<()> {
    let c = &a.common;
    let s = c.start(None)?;
    let stem = s.stem("catchments");
    let r = jobs::catchments::run(&s.ctx, &CatchmentsRequest { access: s.access }, &s.progress)?;
    setup::far_notes(&r.run);
    polygons_note(r.without_polygon);
    let layers = r.layers(&stem);
    let (_, staged) = c.stage(&s.inputs, &stem, &layers, vec![], None)?;
    let mut out = format!(
        "== {} catchments of the {} of {} serving {} (engine={})\n",
        r.catchments.len(),
        s.noun[1],
        s.set_of,
        s.ctx.scope.title(),
        r.run.engine,
    );
    setup::wrote(&mut out, staged.files());
    setup::print_and_commit(&out, staged)
}

/// Isochrone bands: communes dissolved by time band, with holes where a
/// pocket is farther or nearer.
pub fn isochrones(a: AreasArgs) -> Result<()> {
    let c = &a.common;
    let s = c.start(None)?;
    let stem = s.stem("isochrones");
    let req = IsochronesRequest {
        access: s.access,
        grid: medaccess::planner::contours::GridOptions {
            cell_m: a.cell_m,
            off_road_kmh: a.off_road_kmh,
            ..Default::default()
        },
    };
    let r = jobs::isochrones::run(&s.ctx, &req, &s.progress)?;
    setup::far_notes(&r.run);
    polygons_note(r.without_polygon);
    // On a road network, bands are contours of a grid (on the commune
    // graph a band without polygon is one of communes without polygon,
    // said above); the unreachable band has no area by nature.
    let on_roads = s.ctx.engine.road_network().is_some();
    for b in r
        .bands
        .iter()
        .filter(|b| on_roads && b.lower.is_some() && b.area.0.is_empty())
    {
        console::warn(&format!(
            "band {}: {} inhabitants but no polygon (the travel-time grid has no cell in the band: the band is \
             narrower than a cell, or the reached roads end before it); a smaller --cell-m may draw it",
            b.label,
            group(b.population)
        ));
    }
    let layers = r.layers(&stem, s.lang);
    let (_, staged) = c.stage(&s.inputs, &stem, &layers, vec![], None)?;
    let mut out = String::new();
    writeln!(
        out,
        "== Time bands to the nearest {} of {} (engine={})",
        s.noun[0], s.set_of, r.run.engine
    )?;
    for b in &r.bands {
        writeln!(out, "  {:<12} {:>12} inhabitants", b.label, group(b.population))?;
    }
    setup::wrote(&mut out, staged.files());
    setup::print_and_commit(&out, staged)
}
