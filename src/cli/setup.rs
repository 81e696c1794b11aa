//! What every command does first: validate flags, load the engine and the
//! territory, select the communes in scope, place the facilities.

use anyhow::{Context, Result};
use clap::Args;
use medaccess::access::{Bands, Site};
use medaccess::engine::{Engine, Territory};
use medaccess::facilities::Facility;
use medaccess::job::{self, DataPaths, Scope};
use medaccess::report::Lang;

use super::args::{DataArgs, OutputArgs, ScopeArgs};

/// `--report FILE --lang fr|en`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Also write a self-contained HTML report (maps, tables, method).
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,
    /// Language of the report: fr (default) or en.
    #[arg(long, default_value = "fr")]
    pub lang: String,
}

impl ReportArgs {
    pub fn lang(&self) -> Result<Lang> {
        Lang::parse(&self.lang).map_err(|e| anyhow::anyhow!("--lang: {e}"))
    }
}

pub struct Ctx {
    pub scope: Scope,
    pub bands: Bands,
    pub threshold: f64,
    pub paths: DataPaths,
    pub engine: Engine,
    pub territory: Territory,
    pub idx: Vec<usize>,
    pub deps: Option<Vec<String>>,
}

pub fn setup(scope: &ScopeArgs, data: &DataArgs, output: &OutputArgs) -> Result<Ctx> {
    let scope = scope.scope()?;
    let bands = output.bands()?;
    let paths = data.paths();
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
    Ok(Ctx {
        scope,
        bands,
        threshold: output.threshold,
        paths,
        engine,
        territory,
        idx,
        deps,
    })
}

impl Ctx {
    /// Maternities open in `year`, placed; warnings about sites in scope
    /// printed, the others counted.
    pub fn maternities(&self, year: u16) -> Result<Vec<Facility>> {
        let (_, placed) = job::load_maternities(&self.paths, year, &self.territory)?;
        let local = |w: &str| {
            self.deps
                .as_ref()
                .is_none_or(|d| d.iter().any(|d| w.starts_with(d.as_str())))
        };
        let others = placed.warnings.iter().filter(|w| !local(w)).count();
        for w in placed.warnings.iter().filter(|w| local(w)) {
            eprintln!("warning: {w}");
        }
        if others > 0 {
            eprintln!(
                "note: {others} facility placement warnings elsewhere in France (see `access` outputs)"
            );
        }
        Ok(placed.facilities)
    }

    pub fn sites(&self, facilities: &[Facility]) -> Vec<Site> {
        job::sites(&self.engine, &self.territory, facilities)
    }

    pub fn run(&self, sites: Vec<Site>) -> job::AccessRun {
        job::run_access(
            &self.engine,
            &self.territory,
            &self.idx,
            sites,
            &self.bands,
            self.threshold,
        )
    }

    pub fn command_line() -> String {
        std::env::args().collect::<Vec<_>>().join(" ")
    }
}
