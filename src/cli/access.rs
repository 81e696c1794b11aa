use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use medaccess::access::group;
use medaccess::job::{self, AccessRun};
use medaccess::planner::diff;

use super::args::{DataArgs, FacilityFileArgs, OutputArgs, ScopeArgs, progress};

#[derive(Debug, Args)]
pub struct AccessArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub facility_file: FacilityFileArgs,
    #[command(flatten)]
    pub report: super::setup::ReportArgs,
    /// Year of the DREES maternity list (2013-2023): the sites open that year.
    #[arg(long, default_value_t = 2023)]
    pub year: u16,
    /// Also run with the sites open in this year, and print what changed.
    #[arg(long, value_name = "YEAR")]
    pub compare_year: Option<u16>,
}

pub fn run(a: AccessArgs) -> Result<()> {
    a.report.lang()?;
    let super::setup::Ctx {
        scope,
        bands,
        threshold,
        paths,
        engine,
        territory,
        idx,
        deps,
    } = super::setup::setup(&a.scope, &a.data, &a.output)?;
    let mut years = vec![a.year];
    years.extend(a.compare_year);
    if let Some(file) = &a.facility_file.facilities {
        if a.compare_year.is_some() {
            anyhow::bail!("--compare-year compares DREES years; it cannot be used with --facilities");
        }
        if a.report.report.is_some() {
            anyhow::bail!(
                "--report is for the DREES maternity runs; it cannot be used with --facilities yet"
            );
        }
        let placed = medaccess::facilities::load_facilities(file, &a.facility_file.columns()?, |insee| {
            territory.origin(insee)
        })?;
        let stem = format!("access-{}", scope.tag());
        report_warnings(&a.output.out, &stem, &placed.warnings, None)?;
        let sites = super::setup::sites(&engine, &territory, &placed.facilities)?;
        let run = super::setup::run(&engine, &territory, &idx, sites, &bands, threshold)?;
        let title = format!("== Facilities from {}: {} sites", file.display(), run.sites.len());
        return write_and_print(&a.output, &stem, &title, &run, &territory, &bands, threshold).map(|_| ());
    }
    let mut runs: Vec<(u16, AccessRun)> = Vec::new();
    for &year in &years {
        let (_, placed) = job::load_maternities(&paths, year, &territory)?;
        let stem = format!("maternity-access-{}-{year}", scope.tag());
        report_warnings(&a.output.out, &stem, &placed.warnings, deps.as_deref())?;
        let sites = super::setup::sites(&engine, &territory, &placed.facilities)?;
        let t1 = std::time::Instant::now();
        let run = super::setup::run(&engine, &territory, &idx, sites, &bands, threshold)?;
        eprintln!(
            "{year}: nearest maternity computed in {:.3} s",
            t1.elapsed().as_secs_f64()
        );
        let title = format!(
            "== Maternities open in {year} (DREES): {} sites in France",
            run.sites.len()
        );
        write_and_print(&a.output, &stem, &title, &run, &territory, &bands, threshold)?;
        runs.push((year, run));
    }
    if let [(y0, r0), (y1, r1)] = &runs[..] {
        compare(*y0, r0, *y1, r1, threshold)?;
    }
    if let Some(path) = &a.report.report {
        let (y0, r0) = &runs[0];
        fn ids(r: &AccessRun) -> Vec<&str> {
            r.sites.iter().map(|s| s.id.as_str()).collect()
        }
        let changes = runs
            .get(1)
            .map(|(_, r1)| diff(&r0.access, &r1.access, &ids(r0), &ids(r1), threshold))
            .unwrap_or_default();
        let shapes = job::shapes(&territory, &r0.places);
        let after = runs
            .get(1)
            .map(|(y1, _)| medaccess::report::Facilities::Maternities { year: *y1 });
        let scenario = runs.get(1).map(|(_, r1)| medaccess::report::ScenarioView {
            sites: &r1.sites,
            access: &r1.access,
            summary: &r1.summary,
            changes: &changes,
            facilities: after.as_ref(),
        });
        let command = std::env::args().collect::<Vec<_>>().join(" ");
        let report = medaccess::report::Report {
            lang: a.report.lang()?,
            title: String::new(),
            scope: job::scope_title(&scope),
            run: medaccess::report::Snapshot {
                places: &r0.places,
                shapes: &shapes,
                sites: &r0.sites,
                access: &r0.access,
                bands: &bands,
                summary: &r0.summary,
            },
            scenario,
            closures: None,
            history: None,
            methods: job::maternity_methods(&engine, *y0, r0.sites.len(), threshold, &bands, command),
            produced: medaccess::report::production_date(),
        };
        medaccess::report::write_report(path, &report)?;
        println!("  wrote {}", path.display());
    }
    Ok(())
}

/// Prints how access changed between two runs over the same communes.
fn compare(y0: u16, r0: &AccessRun, y1: u16, r1: &AccessRun, threshold: f64) -> Result<()> {
    let ids = |r: &AccessRun| r.sites.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    let (i0, i1) = (ids(r0), ids(r1));
    // Only the sites that are or were nearest to some commune in scope.
    let serving = |r: &AccessRun| -> std::collections::BTreeSet<u32> {
        r.access
            .iter()
            .filter(|x| !x.first.is_none())
            .map(|x| x.first.source)
            .collect()
    };
    let (s0, s1) = (serving(r0), serving(r1));
    let gone: Vec<String> = s0
        .iter()
        .map(|&i| &r0.sites[i as usize])
        .filter(|s| !i1.contains(&s.id))
        .map(|s| format!("{} {}", s.id, s.name))
        .collect();
    let new: Vec<String> = s1
        .iter()
        .map(|&i| &r1.sites[i as usize])
        .filter(|s| !i0.contains(&s.id))
        .map(|s| format!("{} {}", s.id, s.name))
        .collect();
    let b0: Vec<&str> = i0.iter().map(String::as_str).collect();
    let b1: Vec<&str> = i1.iter().map(String::as_str).collect();
    let changes = diff(&r0.access, &r1.access, &b0, &b1, threshold);
    let mut out = std::io::stdout().lock();
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
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join("; ")
        }
    };
    writeln!(
        out,
        "  closed, among the sites serving these communes: {}",
        list(&gone)
    )?;
    writeln!(
        out,
        "  opened, among the sites serving these communes: {}",
        list(&new)
    )?;
    let newly: Vec<_> = changes.iter().filter(|c| c.newly_beyond).collect();
    let pop_changed: u64 = changes
        .iter()
        .map(|c| r0.places[c.place].population.unwrap_or(0))
        .sum();
    writeln!(
        out,
        "  {} communes changed (population {}); {} newly beyond {threshold} min:",
        changes.len(),
        group(pop_changed),
        newly.len()
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

/// Prints the placement warnings about sites in the scope's départements and
/// a count of the others; all of them go to `<stem>-warnings.txt`.
fn report_warnings(
    dir: &std::path::Path,
    stem: &str,
    warnings: &[String],
    deps: Option<&[String]>,
) -> Result<()> {
    if warnings.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{stem}-warnings.txt"));
    medaccess::io::atomic_write_bytes(&path, (warnings.join("\n") + "\n").as_bytes())?;
    // A warning starts with the FINESS id, whose first characters are the département.
    let local = |w: &str| deps.is_none_or(|d| d.iter().any(|d| w.starts_with(d.as_str())));
    let mut shown = 0;
    for w in warnings.iter().filter(|w| local(w)) {
        eprintln!("warning: {w}");
        shown += 1;
    }
    if warnings.len() > shown {
        eprintln!(
            "note: {} facility placement warnings elsewhere in France, listed in {}",
            warnings.len() - shown,
            path.display()
        );
    }
    Ok(())
}

/// Writes the outputs of one run and prints its summary.
fn write_and_print(
    o: &OutputArgs,
    stem: &str,
    title: &str,
    run: &AccessRun,
    territory: &medaccess::engine::Territory,
    bands: &medaccess::access::Bands,
    threshold: f64,
) -> Result<()> {
    let pb = progress(1, "writing");
    let opts = job::WriteOptions {
        bands,
        threshold,
        split_by_dep: o.split_by_dep,
    };
    let written = job::write_access(&o.out, stem, run, territory, &opts, |k, n| {
        pb.set_length(n as u64);
        pb.set_position(k as u64);
    })?;
    pb.finish_and_clear();
    let text = format!(
        "{title}; engine={}\n{}",
        run.engine,
        run.summary.render(&run.places, &run.access, &run.sites)
    );
    let summary_path = o.out.join(format!("{stem}-summary.txt"));
    medaccess::io::atomic_write_bytes(&summary_path, text.as_bytes())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    for f in written.files.iter().chain([&summary_path]) {
        writeln!(out, "  wrote {}", f.display())?;
    }
    Ok(())
}
