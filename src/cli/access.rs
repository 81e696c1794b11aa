//! `medaccess access`: lowers the flags to access requests, runs them,
//! prints the summaries and writes the outputs.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;
use medaccess::access::group;
use medaccess::facilities::{FacilityKind, SetSource};
use medaccess::jobs::{self, AccessRequest, AccessResult, Comparison};
use medaccess::output::{Document, Layer};

use super::args::{FacilityArgs, ReportArgs, RunArgs};
use super::setup::{self, Bar};

#[derive(Debug, Args)]
pub struct AccessArgs {
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub facilities: FacilityArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Also run with the DREES sites open in this year, and print what changed.
    #[arg(long, value_name = "YEAR")]
    pub compare_year: Option<u16>,
}

pub fn run(args: AccessArgs) -> Result<()> {
    let a = &args.run;
    let lang = args.report.lang()?;
    let kind = args.facilities.kind()?;
    let (bands, threshold) = a.output.bands(kind.defaults())?;
    if args.compare_year.is_some()
        && (args.facilities.facilities.is_some() || kind != FacilityKind::Maternity)
    {
        bail!("--compare-year compares DREES years; it cannot be used with --facilities or another --kind");
    }
    if let Some(y) = args.compare_year
        && y == args.facilities.year
    {
        bail!(
            "--compare-year {y} is the --year of the run ({}): the two years must differ, e.g. --year 2016 --compare-year 2017",
            args.facilities.year
        );
    }
    let progress = Bar::new();
    let ctx = setup::load(&a.scope, &a.data, &progress)?;
    if let Some(y) = args.compare_year {
        // refused before any run, naming the flag
        ctx.facilities(&args.facilities.source(y)?)
            .map_err(|e| anyhow::anyhow!("--compare-year {y}: {e}"))?;
    }
    let mut years = vec![args.facilities.year];
    years.extend(args.compare_year);
    let dir = &a.output.out;
    let mut runs: Vec<(String, AccessResult)> = Vec::new();
    let mut layers: Vec<Layer> = Vec::new();
    let mut documents: Vec<Document> = Vec::new();
    // what each run prints: its summary, its layers, its stem, its
    // documents (summary, placement warnings)
    let mut printed: Vec<(String, Vec<Layer>, String, Vec<String>)> = Vec::new();
    let mut inputs = a.data.data()?.inputs();
    for &year in &years {
        let source = args.facilities.source(year)?;
        inputs.extend(source.input().map(Path::to_path_buf));
        let set = ctx.facilities(&source)?;
        let (stem, title) = match &set.source {
            SetSource::Drees { year } => (
                format!("maternity-access-{}-{year}", ctx.scope.tag()),
                format!(
                    "== Maternities open in {year} (DREES): {} sites in France",
                    set.len()
                ),
            ),
            source => {
                let mut stem = match set.kind {
                    FacilityKind::Other => format!("access-{}", ctx.scope.tag()),
                    k => format!("{}-access-{}", k.code(), ctx.scope.tag()),
                };
                if let Some(year) = source.year() {
                    stem += &format!("-{year}");
                }
                let from = match source {
                    SetSource::File { path } | SetSource::Bpe { path, .. } => path.display().to_string(),
                    SetSource::Drees { .. } => unreachable!("matched above"),
                };
                let mut noun = set.kind.defaults().noun[1].to_string();
                noun[..1].make_ascii_uppercase();
                (stem, format!("== {noun} from {from}: {} sites", set.len()))
            }
        };
        let local = match set.source {
            SetSource::Drees { .. } => ctx.departements.as_deref(),
            _ => None,
        };
        let warnings_file = dir.join(format!("{stem}-warnings.txt"));
        setup::set_warnings(&set.warnings, local, Some(&warnings_file));
        let run = jobs::access::run(
            &ctx,
            &AccessRequest {
                facilities: set,
                bands: bands.clone(),
                threshold,
            },
            &progress,
        )?;
        setup::far_notes(&run);
        let text = run.summary_text(&title);
        let run_layers = run.layers(&stem, a.output.split_by_dep, lang);
        let summary = format!("{stem}-summary.txt");
        let mut named = vec![summary.clone()];
        documents.push(Document::named(summary, text.clone().into_bytes()));
        if let Some(w) = run.warnings_document(&stem) {
            named.push(format!("{stem}-warnings.txt"));
            documents.push(w);
        }
        layers.extend(run_layers.iter().cloned());
        printed.push((text, run_layers, stem, named));
        runs.push((year.to_string(), run));
    }
    let comparison = match &runs[..] {
        [(_, r0), (_, r1)] => Some(jobs::access::compare(r0, r1)),
        _ => None,
    };
    if let Some(path) = &args.report.report {
        let (_, r0) = &runs[0];
        let after = runs
            .get(1)
            .zip(comparison.as_ref())
            .map(|((_, r1), c)| (r1, &c.changes[..]));
        let html = medaccess::report::render_report(&r0.report(lang, &setup::command_line(), after))?;
        documents.push(Document::at(path, html.into_bytes()));
    }
    // The GeoPackage holds every layer of the run: `<stem>.gpkg`, or with
    // --compare-year `<stem>-<second year>.gpkg`.
    let stem0 = printed[0].2.clone();
    let name = match &runs[..] {
        [_, (y1, _)] => format!("{stem0}-{y1}"),
        _ => stem0,
    };
    let opts = setup::write_options(dir, &a.output.format, name, inputs)?;
    let staged = setup::stage(&opts, &layers, &documents)?;
    let mut out = String::new();
    for (text, run_layers, _, named) in &printed {
        writeln!(out, "{text}")?;
        let mut files = opts.files(run_layers);
        files.extend(named.iter().map(|n| dir.join(n)));
        setup::wrote(&mut out, files.iter().map(PathBuf::as_path));
    }
    setup::wrote(&mut out, opts.gpkg().as_deref());
    if let (Some(c), [(y0, r0), (y1, r1)]) = (&comparison, &runs[..]) {
        print_comparison(&mut out, y0, r0, y1, r1, c)?;
    }
    setup::wrote(&mut out, args.report.report.as_deref());
    setup::print_and_commit(&out, staged)
}

/// Prints how access changed between two runs over the same communes.
fn print_comparison(
    out: &mut String,
    y0: &str,
    r0: &AccessResult,
    y1: &str,
    r1: &AccessResult,
    c: &Comparison,
) -> Result<()> {
    let threshold = r0.threshold;
    let (t0, t1) = (&r0.summary.total, &r1.summary.total);
    writeln!(out, "== {y0} -> {y1}: beyond {threshold} min")?;
    writeln!(
        out,
        "  {y0}: {} communes, population {}\n  {y1}: {} communes, population {}  ({:+} communes, {:+} inhabitants)",
        t0.communes_beyond,
        group(t0.population_beyond),
        t1.communes_beyond,
        group(t1.population_beyond),
        t1.communes_beyond as i64 - t0.communes_beyond as i64,
        t1.population_beyond as i64 - t0.population_beyond as i64
    )?;
    let list = |v: &[(String, String)]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter()
                .map(|(id, name)| format!("{id} {name}"))
                .collect::<Vec<_>>()
                .join("; ")
        }
    };
    writeln!(
        out,
        "  closed, among the sites serving these communes: {}",
        list(&c.closed)
    )?;
    writeln!(
        out,
        "  opened, among the sites serving these communes: {}",
        list(&c.opened)
    )?;
    let changes = &c.changes;
    let newly = changes.iter().filter(|c| c.newly_beyond).count();
    let pop_changed: u64 = changes
        .iter()
        .map(|c| r0.places[c.place].population.unwrap_or(0))
        .sum();
    writeln!(
        out,
        "  {} communes changed (population {}); {newly} newly beyond {threshold} min:",
        changes.len(),
        group(pop_changed),
    )?;
    let mut sorted: Vec<_> = changes.iter().collect();
    sorted.sort_by(|a, b| {
        b.delta
            .unwrap_or(f64::INFINITY)
            .total_cmp(&a.delta.unwrap_or(f64::INFINITY))
            .then(a.place.cmp(&b.place))
    });
    for c in sorted.iter().take(25) {
        let p = &r0.places[c.place];
        let f = |m: Option<f64>| m.map_or("-".to_string(), |m| format!("{m:.1}"));
        writeln!(
            out,
            "    {} {:<28} pop {:>7}  {:>6} -> {:>6} min{}",
            p.id,
            p.name,
            group(p.population.unwrap_or(0)),
            f(c.before),
            f(c.after),
            if c.newly_beyond { "  newly beyond" } else { "" }
        )?;
    }
    if sorted.len() > 25 {
        writeln!(out, "    … {} more in the CSV/GeoJSON outputs", sorted.len() - 25)?;
    }
    Ok(())
}
