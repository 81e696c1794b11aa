//! `medaccess gp`: nearest GP, GPs within 10/20/30 minutes and an APL-style
//! two-step floating catchment value for every commune in scope.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use medaccess::access::group;
use medaccess::gp::{Decay, PractitionerColumns};
use medaccess::jobs::gp::parse_changes;
use medaccess::jobs::{self, FacilitySource, GpRequest};
use medaccess::output::Document;

use super::args::{DataArgs, ScopeArgs};
use super::console;
use super::setup::{self, Bar};

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
    /// Count GPs within these minutes, each in (0, 120].
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
    #[command(flatten)]
    pub format: super::args::FormatArgs,
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
    pub report: super::args::ReportArgs,
}

pub fn run(a: GpArgs) -> Result<()> {
    let decay = Decay::parse(&a.decay)?;
    let lang = a.report.lang()?;
    let changes = parse_changes(&a.add, &a.remove)?;
    if a.format.formats()?.is_some_and(|f| f.gpkg) {
        medaccess::jobs::gp::check_gpkg_columns(a.within.len(), !changes.is_empty())?;
    }
    let progress = Bar::new();
    let ctx = setup::load(&a.scope, &a.data, &progress)?;
    let source = match &a.practitioners {
        Some(p) => FacilitySource::Practitioners {
            path: p.clone(),
            columns: PractitionerColumns {
                insee: a.insee_col.clone(),
                lon: a.lon_col.clone(),
                lat: a.lat_col.clone(),
                weight: a.weight_col_supply.clone(),
            },
        },
        None => FacilitySource::Bpe {
            path: a.supply.clone(),
        },
    };
    let supply = ctx.facilities(&source)?;
    // Communes the commune table does not know are counted below with those
    // off the graph.
    let unknown = |w: &str| supply.unplaced.iter().any(|c| w.starts_with(&format!("{c}:")));
    for w in supply.warnings.iter().filter(|w| !unknown(w)) {
        console::note(w);
    }
    let supply_name = match &supply.source {
        medaccess::facilities::SetSource::Bpe { path, .. }
        | medaccess::facilities::SetSource::File { path } => path.display().to_string(),
        medaccess::facilities::SetSource::Drees { year } => format!("DREES {year}"),
    };
    let req = GpRequest {
        supply,
        decay,
        decay_name: a.decay.clone(),
        within: a.within.clone(),
        consultations_per_gp: a.consultations_per_gp,
        under_served: a.under_served,
        changes,
        demand_weights: a.demand_weights.clone().map(|p| (p, a.weight_col.clone())),
    };
    let r = jobs::gp::run(&ctx, &req, &progress)?;
    for w in &r.warnings {
        console::warn(w);
    }
    if let (true, Some((w, _))) = (r.without_weight > 0, &req.demand_weights) {
        console::note(&format!(
            "{} communes have no demand weight in {} (weight 1 kept)",
            r.without_weight,
            w.display()
        ));
    }
    if !r.unmatched.is_empty() {
        console::note(&format!(
            "{} communes of {supply_name} with GPs are not communes of the graph (merged since, or off the road network): {}",
            r.unmatched.len(),
            r.unmatched
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // A scenario (--add, --remove) is in the names, so that it replaces
    // neither the plain run nor another scenario.
    let (stem, hashed) = medaccess::jobs::gp::output_stem(&ctx.scope.tag(), &a.add, &a.remove);
    let mut documents = Vec::new();
    if let Some(tag) = hashed {
        let listing: String = a
            .add
            .iter()
            .map(|x| format!("add {x}\n"))
            .chain(a.remove.iter().map(|x| format!("remove {x}\n")))
            .collect();
        documents.push(Document::named(
            format!("{stem}-scenario.txt"),
            format!("scenario {tag} (INSEE:GPs)\n{listing}").into_bytes(),
        ));
    }
    let layers = r.layers(&stem, lang);
    if let Some(path) = &a.report.report {
        let data = r.report_data();
        let html = medaccess::report::render_report(&r.report(&data, lang, &setup::command_line()))?;
        documents.push(Document::at(path, html.into_bytes()));
    }
    let mut inputs = a.data.data()?.inputs();
    inputs.extend(source.input().map(Path::to_path_buf));
    inputs.extend(a.demand_weights.clone());
    let opts = setup::write_options(&a.out, &a.format, stem, inputs)?;
    let staged = setup::stage(&opts, &layers, &documents)?;

    let s = r.summary();
    let mut out = String::new();
    writeln!(
        out,
        "== GP access ({supply_name}, decay {}; engine={}), {} communes, population {}",
        a.decay,
        r.engine,
        s.communes,
        group(s.population)
    )?;
    writeln!(
        out,
        "  under-served (below {} consultations/inhabitant/year at {} per GP): {} communes, population {}",
        a.under_served,
        a.consultations_per_gp,
        s.under_served_communes,
        group(s.under_served_population)
    )?;
    writeln!(
        out,
        "  population more than 30 min from a GP: {}",
        group(s.beyond_30_population)
    )?;
    for (d, (p, u)) in &s.by_dep {
        writeln!(
            out,
            "  {d:<4} population {:>11}, under-served {:>10}",
            group(*p),
            group(*u)
        )?;
    }
    if r.delta.is_some() {
        writeln!(
            out,
            "  scenario {:?} {:?}: {} communes change",
            a.add,
            a.remove,
            s.changed.len()
        )?;
        for &(u, d) in s.changed.iter().take(15) {
            let (code, name, _, _) = &r.units[u];
            writeln!(out, "    {} {:<28} {:+.2} GPs per 100,000", code, name, d)?;
        }
    }
    setup::wrote(&mut out, staged.files());
    setup::print_and_commit(&out, staged)
}
