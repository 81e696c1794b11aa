use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use medaccess::access::group;
use medaccess::job::{self, AccessRun};
use medaccess::planner::diff;

use super::args::{DataArgs, OutputArgs, ScopeArgs, progress};

#[derive(Debug, Args)]
pub struct AccessArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Year of the DREES maternity list (2013-2023): the sites open that year.
    #[arg(long, default_value_t = 2023)]
    pub year: u16,
    /// Also run with the sites open in this year, and print what changed.
    #[arg(long, value_name = "YEAR")]
    pub compare_year: Option<u16>,
}

pub fn run(a: AccessArgs) -> Result<()> {
    let scope = a.scope.scope()?;
    let bands = a.output.bands()?;
    let threshold = a.output.threshold;
    let paths = a.data.paths();
    let deps = scope.departements()?;
    let t0 = std::time::Instant::now();
    let (engine, territory) = job::load_commune_engine(&paths, deps.as_deref())
        .with_context(|| format!("loading the commune graph {}", paths.commune_graph.display()))?;
    let idx = scope.select(&territory)?;
    eprintln!(
        "{}\nloaded in {:.2} s; {} communes in scope",
        engine.describe(),
        t0.elapsed().as_secs_f64(),
        idx.len()
    );
    let mut years = vec![a.year];
    years.extend(a.compare_year);
    let mut runs: Vec<(u16, AccessRun)> = Vec::new();
    let stdout = std::io::stdout();
    for &year in &years {
        let (_, placed) = job::load_maternities(&paths, year, &territory)?;
        for w in &placed.warnings {
            eprintln!("warning: {w}");
        }
        let sites = job::sites(&engine, &territory, &placed.facilities);
        let t1 = std::time::Instant::now();
        let run = job::run_access(&engine, &territory, &idx, sites, &bands, threshold);
        let compute = t1.elapsed().as_secs_f64();
        let stem = format!("maternity-access-{}-{year}", scope.tag());
        let pb = progress(if a.output.split_by_dep { 0 } else { 1 }, "writing");
        let written = job::write_access(
            &a.output.out,
            &stem,
            &run,
            &territory,
            &bands,
            threshold,
            a.output.split_by_dep,
            |k, n| {
                pb.set_length(n as u64);
                pb.set_position(k as u64);
            },
        )?;
        pb.finish_and_clear();
        let text = format!(
            "== Maternities open in {year} (DREES): {} sites in France; nearest computed in {:.3} s; engine={}\n{}",
            run.sites.len(),
            compute,
            run.engine,
            run.summary.render(&run.places, &run.access, &run.sites)
        );
        let summary_path = a.output.out.join(format!("{stem}-summary.txt"));
        medaccess::io::atomic_write_bytes(&summary_path, text.as_bytes())?;
        let mut out = stdout.lock();
        writeln!(out, "{text}")?;
        for f in written.files.iter().chain([&summary_path]) {
            writeln!(out, "  wrote {}", f.display())?;
        }
        runs.push((year, run));
    }
    if let [(y0, r0), (y1, r1)] = &runs[..] {
        compare(*y0, r0, *y1, r1, threshold)?;
    }
    Ok(())
}

/// Prints how access changed between two runs over the same communes.
fn compare(y0: u16, r0: &AccessRun, y1: u16, r1: &AccessRun, threshold: f64) -> Result<()> {
    let ids = |r: &AccessRun| r.sites.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    let (i0, i1) = (ids(r0), ids(r1));
    let closed: Vec<&AccessRun> = vec![r0];
    let _ = closed;
    let gone: Vec<String> = r0
        .sites
        .iter()
        .filter(|s| !i1.contains(&s.id))
        .map(|s| format!("{} {}", s.id, s.name))
        .collect();
    let new: Vec<String> = r1
        .sites
        .iter()
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
    writeln!(out, "  sites gone in France: {}", if gone.is_empty() { "none".into() } else { gone.join("; ") })?;
    writeln!(out, "  sites new in France: {}", if new.is_empty() { "none".into() } else { new.join("; ") })?;
    let newly: Vec<_> = changes.iter().filter(|c| c.newly_beyond).collect();
    let pop_changed: u64 = changes.iter().map(|c| r0.places[c.place].population.unwrap_or(0)).sum();
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
