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
    let (mut engine, territory) =
        job::load_commune_engine(&paths, deps.as_deref()).context("loading the communes")?;
    for w in &territory.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(file) = &data.roads {
        if !(data.snap_limit_m > 0.0 && data.snap_limit_m <= 50_000.0) {
            anyhow::bail!(
                "--snap-limit-m must be in (0, 50000] metres, got {:?}",
                data.snap_limit_m
            );
        }
        if !(data.leg_kmh > 0.0 && data.leg_kmh <= 130.0) {
            anyhow::bail!("--leg-kmh must be in (0, 130] km/h, got {:?}", data.leg_kmh);
        }
        let cache = if data.no_roads_cache {
            None
        } else {
            Some(data.roads_cache.clone().unwrap_or_else(default_cache_dir))
        };
        let pb = super::args::progress(100, "reading roads");
        let snap = medaccess::roads::SnapOptions {
            leg_kmh: data.leg_kmh,
            max_distance_m: data.snap_limit_m,
        };
        let opts = data.road_options()?;
        let mut profile = medaccess::roads::CarProfile::france();
        if data.no_winding {
            profile = profile.without_winding();
        }
        if !(0.0..=1.0).contains(&data.snap_share_max) {
            anyhow::bail!(
                "--snap-share-max must be a share from 0 to 1, got {:?}",
                data.snap_share_max
            );
        }
        let coverage = medaccess::roads::sanity::Coverage {
            max_far_share: data.snap_share_max,
            allow_sparse: data.allow_sparse_network,
        };
        let (e, warnings) = job::load_road_engine(
            file,
            &opts,
            cache.as_deref(),
            &profile,
            snap,
            coverage,
            &|done, total| {
                if let Some(pct) = (done * 100).checked_div(total) {
                    pb.set_position(pct);
                }
            },
        )?;
        pb.finish_and_clear();
        for w in warnings {
            eprintln!("warning: {w}");
        }
        engine = e;
    }
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

    /// Facilities entered into the graph; those too far from any road are
    /// listed on stderr.
    pub fn sites(&self, facilities: &[Facility]) -> Result<Vec<Site>> {
        sites(&self.engine, &self.territory, facilities)
    }

    /// Nearest site for every commune in scope; communes too far from any
    /// road are listed on stderr.
    pub fn run(&self, sites: Vec<Site>) -> Result<job::AccessRun> {
        run(
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

/// The road cache folder: `$XDG_CACHE_HOME/medaccess/roads`, else
/// `~/.cache/medaccess/roads`, else the temporary folder.
fn default_cache_dir() -> std::path::PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("medaccess").join("roads")
}

pub fn sites(engine: &Engine, territory: &Territory, facilities: &[Facility]) -> Result<Vec<Site>> {
    let e = job::sites(engine, territory, facilities)?;
    if !e.far.is_empty() {
        // Facilities far outside the network are expected (a regional extract,
        // a national list): list only those near it, count the others.
        let near: Vec<String> = e
            .far
            .iter()
            .filter(|&&i| e.snap_m[i].is_some_and(|d| d < 50_000.0))
            .map(|&i| {
                format!(
                    "{} {} ({:.0} m)",
                    e.items[i].id,
                    e.items[i].name,
                    e.snap_m[i].unwrap_or(0.0)
                )
            })
            .collect();
        eprintln!(
            "note: {} facilities are farther than the snap limit from any road and left off the graph ({} of them more than 50 km away: outside the network){}{}",
            e.far.len(),
            e.far.len() - near.len(),
            if near.is_empty() {
                ""
            } else {
                "; near the network: "
            },
            near.join("; ")
        );
    }
    Ok(e.items)
}

pub fn run(
    engine: &Engine,
    territory: &Territory,
    idx: &[usize],
    sites: Vec<Site>,
    bands: &Bands,
    threshold: f64,
) -> Result<job::AccessRun> {
    let r = job::run_access(engine, territory, idx, sites, bands, threshold)?;
    if !r.far_places.is_empty() {
        let list: Vec<String> = r
            .far_places
            .iter()
            .take(20)
            .map(|&i| {
                format!(
                    "{} {} ({:.0} m)",
                    r.places[i].id,
                    r.places[i].name,
                    r.snap_m[i].unwrap_or(0.0)
                )
            })
            .collect();
        eprintln!(
            "warning: {} communes farther than the snap limit from any road (outside the network?) are left unreachable: {}{}",
            r.far_places.len(),
            list.join("; "),
            if r.far_places.len() > 20 { "; …" } else { "" }
        );
    }
    Ok(r)
}
