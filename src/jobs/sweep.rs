//! Sweeps: a grid of parameters or scenarios run as independent tasks over
//! one read-only context, written as one tidy table (`scenario,
//! parameters, commune, value, flagged`) with summary statistics.
//!
//! Two kinds of grid, read from a TOML plan ([`Sweep::parse`]):
//!
//! * **2SFCA sensitivity** (`[gp]`): every catchment (minutes) × decay
//!   family (`binary`, `gaussian`, `drees`: the DREES bands scaled to the
//!   catchment: weight 1 to half of it, 2/3 to three quarters, 1/3 to its
//!   end) × supply weights (the counts as they are, a per-commune
//!   multiplier from a file, or seeded random multipliers per site). The
//!   value is the APL-style 2SFCA in consultations per inhabitant per year,
//!   flagged below `under_served`, exactly as `medaccess gp` computes it:
//!   travel times are collected once, to the largest catchment, and every
//!   scenario reruns the two steps on them.
//! * **closures** (`[closures]`): every combination of `k` closures among
//!   a list of facilities; the value is the minutes to the nearest open
//!   facility, flagged beyond the threshold.
//!
//! Scenario 0 is the reference the statistics compare with: the first
//! catchment × first decay × first supply weights, or no closure.
//!
//! The scenarios are split into `tasks` contiguous ranges. The same plan
//! runs on all local cores ([`Sweep::run`]), as one task at a time
//! ([`Sweep::run_task`], `medaccess sweep --task N`, a Slurm array or a
//! Dask task), the parts then merged ([`Sweep::merge_parts`]): the merged result
//! is the same bytes as the local one.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::access::{self, AccessRequest};
use super::gp::demand;
use super::matrix::TableFormat;
use super::table::{Column, encode};
use super::{Context, Data, DataPaths, FacilitySource, Progress, seconds_since};
use crate::communes::Scope;
use crate::error::{Error, Result};
use crate::facilities::{CoordColumns, FacilityColumns, FacilityKind, FacilitySet};
use crate::gp::{
    Decay, Direction, PER_100K, Pairs, Step, average_ranks, read_demand_weights, spearman, two_step,
};
use crate::output::Document;
use crate::units::{Time, minutes};

/// A sweep plan, as written in TOML.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Stem of the output files.
    pub name: String,
    /// Scope: départements, regions, communes, or all of France.
    #[serde(default)]
    pub dep: Vec<String>,
    #[serde(default)]
    pub region: Vec<String>,
    #[serde(default)]
    pub insee: Vec<String>,
    #[serde(default)]
    pub france: bool,
    /// How many tasks the scenarios are split into (`--task 0..tasks-1`).
    #[serde(default = "one")]
    pub tasks: usize,
    /// Format of the tidy table: `csv` (default) or `parquet`.
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub data: PlanData,
    pub gp: Option<GpGrid>,
    pub closures: Option<ClosureGrid>,
}

impl Plan {
    /// Makes every relative path of the plan relative to `base` (the plan
    /// file's folder): `[data]`, `supply_file`, `[[gp.supply]] file`,
    /// `[closures] facilities`.
    pub fn resolve_paths(&mut self, base: &Path) {
        let d = &mut self.data;
        let mut paths = vec![&mut d.fixtures, &mut d.commune_graph, &mut d.communes_dir];
        if let Some(g) = &mut self.gp {
            paths.push(&mut g.supply_file);
            paths.extend(g.supply.iter_mut().map(|w| &mut w.file));
        }
        if let Some(c) = &mut self.closures {
            paths.push(&mut c.facilities);
        }
        for p in paths.into_iter().flatten() {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
    }
}

fn one() -> usize {
    1
}

/// Where the data comes from (default: the shipped data). Every task of a
/// distributed run reads the same files: name a shared `commune_graph`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanData {
    /// A folder laid out as `fixtures/`.
    pub fixtures: Option<PathBuf>,
    /// The commune graph file (e.g. one written by
    /// [`cache_commune_graph`]).
    pub commune_graph: Option<PathBuf>,
    /// Folder of `polygons/dep-XX.geojson`.
    pub communes_dir: Option<PathBuf>,
}

/// The 2SFCA grid.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GpGrid {
    /// Catchments in minutes (each decay family is scaled to it).
    pub catchments: Vec<f64>,
    /// Decay families: `binary`, `gaussian`, `drees`.
    #[serde(default = "default_decays")]
    pub decays: Vec<String>,
    /// Supply weights; default: the counts as they are (`[{ name = "counts" }]`).
    #[serde(default)]
    pub supply: Vec<SupplyWeights>,
    /// GPs per commune (INSEE BPE D201 format); default: the shipped table.
    pub supply_file: Option<PathBuf>,
    #[serde(default = "default_cpg")]
    pub consultations_per_gp: f64,
    /// Under-served below this many consultations per inhabitant per year.
    #[serde(default = "default_under")]
    pub under_served: f64,
}

fn default_decays() -> Vec<String> {
    vec!["drees".into()]
}
fn default_cpg() -> f64 {
    5400.0
}
fn default_under() -> f64 {
    2.5
}

/// One way of weighting the supply of every site.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SupplyWeights {
    /// Name in the `parameters` column.
    pub name: String,
    /// A CSV with an INSEE column and `column`: each commune's supply is
    /// multiplied by its weight (1 when absent).
    pub file: Option<PathBuf>,
    pub column: Option<String>,
    /// Each site's supply multiplied by a number drawn uniformly in
    /// `[1 - jitter, 1 + jitter]`, `draws` times (seeded: the same draws on
    /// every machine).
    pub jitter: Option<f64>,
    pub draws: Option<usize>,
    pub seed: Option<u64>,
}

/// What a supply weighting takes when its plan leaves `column`, `draws`
/// or `seed` out.
const DEFAULT_WEIGHT_COLUMN: &str = "weight";
const DEFAULT_DRAWS: usize = 1;
const DEFAULT_SEED: u64 = 0;

impl SupplyWeights {
    /// The column of `file` the run reads.
    fn column(&self) -> &str {
        self.column.as_deref().unwrap_or(DEFAULT_WEIGHT_COLUMN)
    }

    /// How many scenarios the weighting makes: `draws` when jittered, else 1.
    fn draws(&self) -> usize {
        if self.jitter.is_some() {
            self.draws.unwrap_or(DEFAULT_DRAWS)
        } else {
            1
        }
    }

    /// The seed of the jitter's draws.
    fn seed(&self) -> u64 {
        self.seed.unwrap_or(DEFAULT_SEED)
    }
}

/// The closure grid.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureGrid {
    /// Year of the DREES maternity list (default 2023) when no file is given.
    pub year: Option<u16>,
    /// A CSV or GeoJSON of facilities instead (columns `id`, `name`, `lon`,
    /// `lat` unless named).
    pub facilities: Option<PathBuf>,
    pub kind: Option<String>,
    pub id_col: Option<String>,
    pub name_col: Option<String>,
    pub lon_col: Option<String>,
    pub lat_col: Option<String>,
    /// The facilities that may close (ids).
    pub among: Vec<String>,
    /// Numbers of simultaneous closures: every combination of each.
    pub k: Vec<usize>,
    /// Minutes (default: the kind's threshold).
    pub threshold: Option<f64>,
}

/// The year of the DREES list a closures plan without `year` reads.
const DEFAULT_DREES_YEAR: u16 = 2023;

/// The columns of a closures facilities file when the plan names none:
/// id, name, longitude, latitude.
const DEFAULT_FILE_COLUMNS: [&str; 4] = ["id", "name", "lon", "lat"];

impl ClosureGrid {
    /// The year of the DREES list read when no file is given.
    fn year(&self) -> u16 {
        self.year.unwrap_or(DEFAULT_DREES_YEAR)
    }

    /// The kind of the set: the DREES list's maternities, or a file's
    /// `kind` (default other).
    ///
    /// # Errors
    /// An unknown kind.
    fn facility_kind(&self) -> Result<FacilityKind> {
        match (&self.facilities, &self.kind) {
            (None, _) => Ok(FacilityKind::Maternity),
            (Some(_), Some(k)) => FacilityKind::parse(k),
            (Some(_), None) => Ok(FacilityKind::Other),
        }
    }

    /// The columns of a facilities file.
    fn columns(&self) -> FacilityColumns {
        let given = |c: &Option<String>, default: &str| c.clone().unwrap_or_else(|| default.into());
        let [id, name, lon, lat] = DEFAULT_FILE_COLUMNS;
        FacilityColumns {
            id: given(&self.id_col, id),
            name: Some(given(&self.name_col, name)),
            coords: CoordColumns::LonLat {
                lon: given(&self.lon_col, lon),
                lat: given(&self.lat_col, lat),
            },
            ..FacilityColumns::default()
        }
    }

    /// Minutes beyond which a commune is flagged: `threshold`, else the
    /// kind's.
    ///
    /// # Errors
    /// An unknown kind.
    fn threshold(&self) -> Result<f64> {
        Ok(match self.threshold {
            Some(t) => t,
            None => self.facility_kind()?.defaults().threshold_min,
        })
    }
}

/// The decay families of a 2SFCA grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecayFamily {
    Binary,
    Gaussian,
    /// The DREES bands scaled to the catchment `C`: 1 to `C/2`, 2/3 to
    /// `3C/4`, 1/3 to `C` (at 20 minutes, [`Decay::drees`]).
    Drees,
}

impl DecayFamily {
    fn parse(s: &str) -> Result<DecayFamily> {
        match s.trim() {
            "binary" => Ok(DecayFamily::Binary),
            "gaussian" => Ok(DecayFamily::Gaussian),
            "drees" => Ok(DecayFamily::Drees),
            other => Err(Error::Invalid(format!(
                "decay `{other}`: expected binary, gaussian or drees"
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            DecayFamily::Binary => "binary",
            DecayFamily::Gaussian => "gaussian",
            DecayFamily::Drees => "drees",
        }
    }

    /// The decay at a catchment of `c` minutes.
    pub fn decay(self, c: f64) -> Decay {
        match self {
            DecayFamily::Binary => Decay::Binary {
                catchment: minutes(c),
            },
            DecayFamily::Gaussian => Decay::Gaussian {
                catchment: minutes(c),
            },
            DecayFamily::Drees => Decay::Steps(vec![
                Step {
                    upper: minutes(c / 2.0),
                    weight: 1.0,
                },
                Step {
                    upper: minutes(c * 0.75),
                    weight: 2.0 / 3.0,
                },
                Step {
                    upper: minutes(c),
                    weight: 1.0 / 3.0,
                },
            ]),
        }
    }
}

/// One scenario of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// `catchment=20;decay=drees;supply=counts` or `closed=640000410+640017646`.
    pub parameters: String,
    pub spec: Spec,
}

/// What a scenario changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    Gp {
        catchment: f64,
        decay: DecayFamily,
        /// Index into the plan's supply weights.
        supply: usize,
        /// Draw of a jittered weighting (0 otherwise).
        draw: usize,
    },
    /// Ids of the facilities closed.
    Closed(Vec<String>),
}

/// A plan and its scenarios.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub plan: Plan,
    pub scenarios: Vec<Scenario>,
    pub format: TableFormat,
    /// The plan file (or what names the text), in errors.
    pub source: PathBuf,
    /// [`Sweep::fingerprint`].
    fingerprint: String,
    /// The plan's keys, to place errors.
    at: PlanText,
}

/// A plan file and the line of each of its keys, to name both in errors.
#[derive(Debug, Clone, Default)]
struct PlanText {
    source: PathBuf,
    /// `gp.catchments`, `gp.supply.1.file`, `closures` → line (1-based).
    key_lines: BTreeMap<String, usize>,
}

impl PlanText {
    /// An error about `key` (dotted, `gp.supply.1.file`; `` for the whole
    /// plan): the plan file, the line of the key (else of its table), the
    /// key as written in the plan, the message.
    fn err(&self, key: &str, message: impl std::fmt::Display) -> Error {
        match self.locate(key) {
            (Some(l), Some(f)) => Error::field(&self.source, l as u64, f, message.to_string()),
            (None, Some(f)) => Error::format(&self.source, format!("`{f}`: {message}")),
            (_, None) => Error::format(&self.source, message.to_string()),
        }
    }

    /// The line of `key` (else of its table) and the key as written in
    /// the plan.
    fn locate(&self, key: &str) -> (Option<usize>, Option<String>) {
        let mut k = key;
        let line = loop {
            if let Some(&l) = self.key_lines.get(k) {
                break Some(l);
            }
            match k.rsplit_once('.') {
                Some((up, _)) => k = up,
                None => break None,
            }
        };
        let parts: Vec<&str> = key.split('.').collect();
        let field = match parts.as_slice() {
            [] | [""] => None,
            [top] => Some(top.to_string()),
            [t, name] => Some(format!("[{t}] {name}")),
            [t, a, n] if n.parse::<usize>().is_ok() => {
                Some(format!("[[{t}.{a}]] {}", 1 + n.parse::<usize>().unwrap_or(0)))
            }
            [t, a, n, name] => Some(format!(
                "[[{t}.{a}]] {} {name}",
                1 + n.parse::<usize>().unwrap_or(0)
            )),
            _ => Some(key.to_string()),
        };
        (line, field)
    }

    /// An error met running the plan under `key`. One about another file
    /// (an unreadable supply, a bad line of a facilities file, the commune
    /// graph) keeps its file, line and field, so that it still says what to
    /// fix where, and is told which part of the plan read it; a graph error
    /// the same; any other (an id not in the set, an unknown scope code) is
    /// the plan's, [`PlanText::err`]; a cancellation stays one.
    fn wrap(&self, key: &str, e: Error) -> Error {
        let context = || {
            let at = match self.locate(key) {
                (Some(l), Some(f)) => format!("{}:{l}: field `{f}`", self.source.display()),
                (None, Some(f)) => format!("{}: `{f}`", self.source.display()),
                (_, None) => self.source.display().to_string(),
            };
            format!("(running the plan {at})")
        };
        match e {
            Error::Cancelled => e,
            Error::Graph(_) => e.with_note(&context()),
            e if e.path().is_some_and(|p| p != self.source) => e.with_note(&context()),
            // the plan's key names the parameter
            Error::Parameter { message, .. } => self.err(key, message),
            e => self.err(key, e),
        }
    }
}

/// The line of every key of a plan (see [`PlanText`]); empty when the text
/// does not parse (the TOML error then says where).
fn key_lines(text: &str) -> BTreeMap<String, usize> {
    fn walk(prefix: &str, t: &toml::de::DeTable<'_>, text: &str, out: &mut BTreeMap<String, usize>) {
        for (k, v) in t.iter() {
            let key = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            out.entry(key.clone()).or_insert(line_at(text, k.span().start));
            match v.get_ref() {
                toml::de::DeValue::Table(t) => walk(&key, t, text, out),
                toml::de::DeValue::Array(a) => {
                    for (n, item) in a.iter().enumerate() {
                        if let toml::de::DeValue::Table(t) = item.get_ref() {
                            let key = format!("{key}.{n}");
                            let mut inner = BTreeMap::new();
                            walk(&key, t, text, &mut inner);
                            if let Some(first) = inner.values().min() {
                                out.insert(key.clone(), *first);
                            }
                            out.extend(inner);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(t) = toml::de::DeTable::parse(text) {
        walk("", t.get_ref(), text, &mut out);
    }
    out
}

/// The line (1-based) of byte `offset` of `text`.
fn line_at(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// The values of some scenarios for every commune in scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    /// Ids of the scenarios, contiguous.
    pub scenarios: Range<usize>,
    /// INSEE codes of the communes in scope.
    pub communes: Vec<String>,
    pub population: Vec<u64>,
    /// Scenario-major: `value[s * communes + c]`; NaN where there is none
    /// (no facility reachable).
    pub value: Vec<f64>,
    pub flagged: Vec<bool>,
}

impl Values {
    fn row(&self, s: usize) -> Range<usize> {
        let n = self.communes.len();
        let k = s - self.scenarios.start;
        k * n..(k + 1) * n
    }
}

/// Per scenario: what is flagged and how the values compare with the
/// reference (scenario 0).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioStats {
    pub communes_flagged: usize,
    pub population_flagged: u64,
    /// Spearman's rank correlation of the values with the reference's.
    pub spearman: Option<f64>,
    /// Jaccard index of the flagged communes with the reference's.
    pub jaccard: Option<f64>,
}

/// Per commune: how stable its flag and its rank are over the scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneStats {
    pub times_flagged: usize,
    pub flagged_in_reference: bool,
    /// Ranks, 1 = worst-off commune of the scenario (lowest 2SFCA, or
    /// farthest from a facility).
    pub rank_min: u32,
    pub rank_median: f64,
    pub rank_max: u32,
}

/// A sweep's values and statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResult {
    pub name: String,
    pub parameters: Vec<String>,
    pub values: Values,
    pub scenarios: Vec<ScenarioStats>,
    pub communes: Vec<CommuneStats>,
    /// Spearman between every two parameter sets (scenarios that are not
    /// repeated random draws), `(a, b, rho)` with `a < b`.
    pub spearman: Vec<(usize, usize, Option<f64>)>,
    pub format: TableFormat,
}

impl Sweep {
    /// Reads a plan from TOML text; `source` names it in errors, and
    /// relative paths in the plan are read from its folder.
    ///
    /// # Errors
    /// Invalid TOML, unknown keys, a plan with no grid or two, empty or
    /// invalid axes.
    ///
    /// # Examples
    /// ```
    /// use medaccess::jobs::sweep::Sweep;
    /// let plan = r#"
    /// name = "gp-64"
    /// dep = ["64"]
    /// [gp]
    /// catchments = [10, 20, 30]
    /// decays = ["binary", "drees"]
    /// "#;
    /// let s = Sweep::parse(plan, "plan.toml".as_ref())?;
    /// assert_eq!(s.scenarios.len(), 6);
    /// assert_eq!(s.scenarios[0].parameters, "catchment=10;decay=binary;supply=counts");
    /// # Ok::<(), medaccess::Error>(())
    /// ```
    pub fn parse(text: &str, source: &Path) -> Result<Sweep> {
        let plan: Plan = toml::from_str(text).map_err(|e| Error::format(source, e.to_string().trim_end()))?;
        let at = PlanText {
            source: source.to_path_buf(),
            key_lines: key_lines(text),
        };
        let bad = |m: String| Error::format(source, m);
        // The name makes file names and the first line of every part file.
        if !crate::output::is_safe_file_name(&plan.name) {
            return Err(at.err(
                "name",
                format!(
                    "`name` {:?} must be a file stem: ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit, \
                     without `..`, spaces or line breaks, e.g. name = \"closures-64\"",
                    plan.name
                ),
            ));
        }
        if plan.tasks == 0 {
            return Err(at.err("tasks", "`tasks` must be at least 1"));
        }
        let format =
            TableFormat::parse(plan.format.as_deref().unwrap_or("csv")).map_err(|e| at.err("format", e))?;
        let scenarios = match (&plan.gp, &plan.closures) {
            (Some(g), None) => gp_scenarios(g).map_err(|(k, m)| at.err(&k, m))?,
            (None, Some(c)) => closure_scenarios(c).map_err(|(k, m)| at.err(&k, m))?,
            _ => return Err(bad("a plan has one grid: [gp] or [closures]".into())),
        };
        let fingerprint = fingerprint(&plan)?;
        // Relative paths are read from the plan file's folder, as a
        // study's are (the fingerprint is of the plan as written).
        let mut plan = plan;
        plan.resolve_paths(source.parent().unwrap_or(Path::new("")));
        let sweep = Sweep {
            plan,
            scenarios,
            format,
            source: source.to_path_buf(),
            fingerprint,
            at,
        };
        sweep.scope().map_err(|e| bad(e.to_string()))?;
        Ok(sweep)
    }

    /// Reads a plan file.
    ///
    /// # Errors
    /// As [`Sweep::parse`], or an unreadable file.
    pub fn read(path: &Path) -> Result<Sweep> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Sweep::parse(&text, path)
    }

    /// The communes the plan reports on.
    ///
    /// # Errors
    /// No scope, or several.
    pub fn scope(&self) -> Result<Scope> {
        let p = &self.plan;
        let given = [
            !p.dep.is_empty(),
            !p.region.is_empty(),
            !p.insee.is_empty(),
            p.france,
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(Error::Invalid(
                "say which communes, once: dep = [\"64\"], region = [\"75\"], insee = [...] or france = true"
                    .into(),
            ));
        }
        Ok(if !p.dep.is_empty() {
            Scope::Departements(scope_codes(&p.dep))
        } else if !p.region.is_empty() {
            Scope::Regions(scope_codes(&p.region))
        } else if !p.insee.is_empty() {
            Scope::Communes(scope_codes(&p.insee))
        } else {
            Scope::All
        })
    }

    /// The data every task loads.
    pub fn data(&self) -> Data {
        let d = &self.plan.data;
        let mut paths = match &d.fixtures {
            Some(dir) => DataPaths::fixtures(dir),
            None => DataPaths::default(),
        };
        if let Some(g) = &d.commune_graph {
            paths.commune_graph = g.clone();
        }
        if let Some(c) = &d.communes_dir {
            paths.communes_dir = c.clone();
        }
        Data { paths, roads: None }
    }

    /// Loads the context of the plan (what each task does first).
    ///
    /// # Errors
    /// As [`Context::load`].
    pub fn load(&self, progress: &dyn Progress) -> Result<Context> {
        let p = &self.plan;
        let key = if !p.dep.is_empty() {
            "dep"
        } else if !p.region.is_empty() {
            "region"
        } else if !p.insee.is_empty() {
            "insee"
        } else {
            "france"
        };
        // A file's error (the commune graph, polygons) is about the data,
        // named in [data] or shipped; any other (an unknown code) about the
        // scope.
        let data = if self.at.key_lines.contains_key("data") {
            "data"
        } else {
            ""
        };
        Context::load(&self.data(), self.scope()?, progress)
            .map_err(|e| self.at.wrap(if e.path().is_some() { data } else { key }, e))
    }

    /// Number of tasks (never more than scenarios).
    pub fn tasks(&self) -> usize {
        self.plan.tasks.min(self.scenarios.len()).max(1)
    }

    /// The scenarios of task `t`: contiguous, the tasks cover them all.
    ///
    /// # Errors
    /// A task outside `0..tasks`.
    pub fn task_range(&self, t: usize) -> Result<Range<usize>> {
        let k = self.tasks();
        if t >= k {
            return Err(Error::parameter(
                "task",
                format!("the plan `{}` has tasks 0 to {}, not {t}", self.plan.name, k - 1),
            ));
        }
        let n = self.scenarios.len();
        Ok(t * n / k..(t + 1) * n / k)
    }

    /// Runs every scenario on this machine's cores and the statistics.
    ///
    /// # Errors
    /// As [`Sweep::run_scenarios`].
    pub fn run(&self, ctx: &Context, progress: &dyn Progress) -> Result<SweepResult> {
        let values = self.run_scenarios(ctx, 0..self.scenarios.len(), progress)?;
        Ok(self.result(values))
    }

    /// Runs task `t` alone (a Slurm array element, a Dask task).
    ///
    /// # Errors
    /// As [`Sweep::task_range`] and [`Sweep::run_scenarios`].
    pub fn run_task(&self, ctx: &Context, t: usize, progress: &dyn Progress) -> Result<Values> {
        self.run_scenarios(ctx, self.task_range(t)?, progress)
    }

    /// Runs a range of scenarios, in parallel.
    ///
    /// # Errors
    /// Unreadable supply or facility files, unknown facility ids,
    /// [`Error::Cancelled`].
    pub fn run_scenarios(
        &self,
        ctx: &Context,
        range: Range<usize>,
        progress: &dyn Progress,
    ) -> Result<Values> {
        if range.end > self.scenarios.len() || range.start > range.end {
            return Err(Error::Invalid(format!(
                "scenarios {range:?} outside the plan's 0..{}",
                self.scenarios.len()
            )));
        }
        let t0 = std::time::Instant::now();
        let places: Vec<&crate::places::Place> = ctx.in_scope.iter().map(|&i| &ctx.places[i]).collect();
        let communes: Vec<String> = places.iter().map(|p| p.id.clone()).collect();
        let population: Vec<u64> = places.iter().map(|p| p.population.unwrap_or(0)).collect();
        let scenarios = &self.scenarios[range.clone()];
        let rows: Vec<(Vec<f64>, Vec<bool>)> = match (&self.plan.gp, &self.plan.closures) {
            (Some(g), _) => gp_rows(ctx, g, scenarios, progress, &self.at)?,
            (None, Some(c)) => closure_rows(ctx, c, scenarios, progress, &self.at)?,
            _ => unreachable!("checked by parse"),
        };
        progress.timing("sweep", seconds_since(t0));
        let mut value = Vec::with_capacity(rows.len() * communes.len());
        let mut flagged = Vec::with_capacity(rows.len() * communes.len());
        for (v, f) in rows {
            value.extend(v);
            flagged.extend(f);
        }
        Ok(Values {
            scenarios: range,
            communes,
            population,
            value,
            flagged,
        })
    }

    /// Merges the values of every task (in any order) and computes the
    /// statistics: the same result as [`Sweep::run`].
    ///
    /// # Errors
    /// A task missing or given twice, parts over different communes.
    pub fn merge(&self, mut parts: Vec<Values>) -> Result<SweepResult> {
        parts.sort_by_key(|p| p.scenarios.start);
        let mut next = 0;
        for p in &parts {
            if p.scenarios.start != next {
                return Err(Error::Invalid(format!(
                    "sweep `{}`: scenarios {next} to {} are missing (or given twice): run every task 0..{}",
                    self.plan.name,
                    p.scenarios.start.max(next + 1) - 1,
                    self.tasks()
                )));
            }
            next = p.scenarios.end;
        }
        if next != self.scenarios.len() {
            return Err(Error::Invalid(format!(
                "sweep `{}`: scenarios {next} to {} are missing: run every task 0..{}",
                self.plan.name,
                self.scenarios.len().saturating_sub(1),
                self.tasks()
            )));
        }
        let mut it = parts.into_iter();
        let mut all = it
            .next()
            .ok_or_else(|| Error::Invalid("no part to merge".into()))?;
        for p in it {
            if p.communes != all.communes || p.population != all.population {
                return Err(Error::Invalid(format!(
                    "sweep `{}`: parts over different communes (another plan's or another data's parts?)",
                    self.plan.name
                )));
            }
            all.scenarios.end = p.scenarios.end;
            all.value.extend(p.value);
            all.flagged.extend(p.flagged);
        }
        Ok(self.result(all))
    }

    /// Whether a lower value is worse (2SFCA), else a higher one (minutes).
    fn lower_is_worse(&self) -> bool {
        self.plan.gp.is_some()
    }

    fn result(&self, values: Values) -> SweepResult {
        let n = values.communes.len();
        let ns = self.scenarios.len();
        let lower_worse = self.lower_is_worse();
        // Badness key: larger is worse; none (unreachable) is worst.
        let key = |v: f64| {
            if v.is_nan() {
                f64::INFINITY
            } else if lower_worse {
                -v
            } else {
                v
            }
        };
        let keys: Vec<Vec<f64>> = (0..ns)
            .into_par_iter()
            .map(|s| values.value[values.row(s)].iter().map(|&v| key(v)).collect())
            .collect();
        let reference = &keys[0];
        let ref_flags = &values.flagged[values.row(0)];
        let scenarios: Vec<ScenarioStats> = (0..ns)
            .into_par_iter()
            .map(|s| {
                let f = &values.flagged[values.row(s)];
                let both = f.iter().zip(ref_flags).filter(|(a, b)| **a && **b).count();
                let either = f.iter().zip(ref_flags).filter(|(a, b)| **a || **b).count();
                ScenarioStats {
                    communes_flagged: f.iter().filter(|x| **x).count(),
                    population_flagged: f
                        .iter()
                        .zip(&values.population)
                        .filter(|x| *x.0)
                        .map(|x| x.1)
                        .sum(),
                    spearman: spearman(&keys[s], reference),
                    jaccard: (either > 0).then(|| both as f64 / either as f64),
                }
            })
            .collect();
        // Ordinal ranks per scenario, worst first, ties by commune order.
        let ranks: Vec<Vec<u32>> = keys
            .par_iter()
            .map(|k| {
                let mut order: Vec<usize> = (0..n).collect();
                order.sort_by(|&a, &b| k[b].total_cmp(&k[a]).then(a.cmp(&b)));
                let mut r = vec![0u32; n];
                for (pos, &c) in order.iter().enumerate() {
                    r[c] = pos as u32 + 1;
                }
                r
            })
            .collect();
        let communes: Vec<CommuneStats> = (0..n)
            .into_par_iter()
            .map(|c| {
                let mut rs: Vec<u32> = ranks.iter().map(|r| r[c]).collect();
                rs.sort_unstable();
                let m = rs.len();
                let median = if m % 2 == 1 {
                    rs[m / 2] as f64
                } else {
                    (rs[m / 2 - 1] as f64 + rs[m / 2] as f64) / 2.0
                };
                CommuneStats {
                    times_flagged: (0..ns).filter(|&s| values.flagged[s * n + c]).count(),
                    flagged_in_reference: ref_flags[c],
                    rank_min: rs[0],
                    rank_median: median,
                    rank_max: rs[m - 1],
                }
            })
            .collect();
        let sets: Vec<usize> = (0..ns)
            .filter(|&s| !matches!(self.scenarios[s].spec, Spec::Gp { draw, .. } if draw > 0))
            .take(MAX_PAIRWISE)
            .collect();
        let avg: Vec<Vec<f64>> = sets.par_iter().map(|&s| average_ranks(&keys[s])).collect();
        let mut pairs = Vec::new();
        for a in 0..sets.len() {
            for b in a + 1..sets.len() {
                pairs.push((a, b));
            }
        }
        let spearman = pairs
            .par_iter()
            .map(|&(a, b)| (sets[a], sets[b], pearson(&avg[a], &avg[b])))
            .collect();
        SweepResult {
            name: self.plan.name.clone(),
            parameters: self.scenarios.iter().map(|s| s.parameters.clone()).collect(),
            values,
            scenarios,
            communes,
            spearman,
            format: self.format,
        }
    }

    /// The name of task `t`'s part file (`<name>-task-<t>.csv`).
    pub fn part_name(&self, t: usize) -> String {
        format!("{}-task-{t}.csv", self.plan.name)
    }

    /// The fingerprint of the plan: 16 hex digits of a hash of its
    /// content as the run reads it (not its comments or layout, nor `tasks`
    /// and `format`, which change no value; a value written as the run's
    /// default or spelt as the run reads it alike, ` 64` or `64`, changes
    /// nothing either). Each part file carries it, and parts of another
    /// plan are refused at the merge.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Task `t`'s values as its part file ([`Sweep::part_name`]): a first
    /// line `# medaccess sweep part 2: plan <name>, task <t>, fingerprint
    /// <hex>` ([`Sweep::fingerprint`]), then the CSV
    /// `scenario,commune,population,value,flagged`.
    ///
    /// # Errors
    /// None in practice (CSV into memory).
    pub fn part_document(&self, t: usize, values: &Values) -> Result<Document> {
        let name = self.part_name(t);
        let n = values.communes.len();
        let rows = values.value.len();
        let scen: Vec<i64> = (0..rows)
            .map(|k| (values.scenarios.start + k / n) as i64)
            .collect();
        let communes: Vec<&str> = (0..rows).map(|k| values.communes[k % n].as_str()).collect();
        let pop: Vec<i64> = (0..rows).map(|k| values.population[k % n] as i64).collect();
        let columns = [
            ("scenario", Column::I64(scen)),
            ("commune", Column::Str(communes)),
            ("population", Column::I64(pop)),
            (
                "value",
                Column::F64(values.value.iter().map(|v| (!v.is_nan()).then_some(*v)).collect()),
            ),
            ("flagged", Column::Bool(values.flagged.clone())),
        ];
        let mut bytes = format!(
            "{PART_MARK}{PART_VERSION}: plan {}, task {t}, fingerprint {}\n",
            self.plan.name, self.fingerprint
        )
        .into_bytes();
        bytes.extend(encode(&columns, TableFormat::Csv, Path::new(&name))?);
        Ok(Document::named(name, bytes))
    }

    /// Merges the part file of every task (in any order): the first line of
    /// every part is read first, so that parts of another plan are refused
    /// before any is read whole; then the parts are read and merged
    /// ([`Sweep::merge`]).
    ///
    /// # Errors
    /// An unreadable part (an [`Error::Io`] naming it), a part without the
    /// stamp of this plan or of another plan, a malformed part, a task
    /// missing or given twice.
    pub fn merge_parts(&self, parts: &[PartFile]) -> Result<SweepResult> {
        let stamps = parts
            .iter()
            .map(|p| self.part_stamp(&p.head()?, p.name()))
            .collect::<Result<Vec<_>>>()?;
        self.check_parts(&stamps)?;
        let values = parts
            .iter()
            .map(|p| self.read_part(&p.bytes()?, p.name()))
            .collect::<Result<Vec<_>>>()?;
        self.merge(values)
    }

    /// The stamp of a part file from its first line (`head`: the file's
    /// first bytes, or all of it): the fingerprint of the plan that wrote
    /// it, and its task.
    ///
    /// # Errors
    /// A part of an older medaccess (no stamp: its task must be rerun), of
    /// another version, or not a part at all.
    fn part_stamp(&self, head: &[u8], path: &Path) -> Result<PartStamp> {
        let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
        let line = String::from_utf8_lossy(line);
        let line = line.trim_end_matches('\r');
        // The library also serves Python: both ways of running a task.
        let rerun = format!(
            "rerun its task with this medaccess (`medaccess sweep {} --task N`; in Python `run_task(N)`)",
            self.source.display()
        );
        let Some(rest) = line.strip_prefix(PART_MARK) else {
            return Err(Error::format(
                path,
                if line.starts_with("scenario,commune,") {
                    format!(
                        "a sweep part written by an older medaccess, without the fingerprint of its plan, \
                         so it cannot be told from a part of another plan: {rerun}"
                    )
                } else {
                    format!("not a sweep part: its first line is not `{PART_MARK}{PART_VERSION}: …`")
                },
            ));
        };
        let (version, rest) = rest.split_once(": ").unwrap_or((rest, ""));
        if version != PART_VERSION.to_string() {
            return Err(Error::format(
                path,
                format!(
                    "a sweep part of version {version}; this medaccess reads version {PART_VERSION}: {rerun}"
                ),
            ));
        }
        // Read from the end: the plan's name comes first and is free text.
        let stamp = rest
            .rsplit_once(", fingerprint ")
            .and_then(|(head, fp)| Some((fp, head.rsplit_once(", task ")?.1)));
        let Some((fingerprint, task)) = stamp.map(|(f, t)| (f.to_string(), t.to_string())) else {
            return Err(Error::format(
                path,
                format!("a sweep part whose first line lacks the plan's fingerprint or the task: {rerun}"),
            ));
        };
        Ok(PartStamp {
            path: path.to_path_buf(),
            task,
            fingerprint,
        })
    }

    /// Checks that every part was written by this plan: a part of another
    /// plan (the same communes, other parameters) would merge into a table
    /// that is neither plan's.
    ///
    /// # Errors
    /// The first part of another plan, naming it, a part of this plan if
    /// there is one, and the plan file.
    fn check_parts(&self, stamps: &[PartStamp]) -> Result<()> {
        let plan = self.source.display();
        let Some(other) = stamps.iter().find(|s| s.fingerprint != self.fingerprint) else {
            return Ok(());
        };
        let ours = stamps.iter().find(|s| s.fingerprint == self.fingerprint);
        let message = match ours {
            Some(o) => format!(
                "task {} of another plan (fingerprint {}), not of {plan} (fingerprint {}) as {} is: \
                 parts of different plans do not merge; rerun task {} of this plan \
                 (`medaccess sweep {plan} --task {}`; in Python `run_task({})`)",
                other.task,
                other.fingerprint,
                self.fingerprint,
                o.path.display(),
                other.task,
                other.task,
                other.task,
            ),
            None => format!(
                "task {} of another plan (fingerprint {}), not of {plan} (fingerprint {}): \
                 merge with the plan that wrote the parts, or rerun every task of {plan}",
                other.task, other.fingerprint, self.fingerprint,
            ),
        };
        Err(Error::format(&other.path, message))
    }

    /// Reads a part file back (`path` names it in errors).
    ///
    /// # Errors
    /// A file that is not a part of this plan: no stamp or another plan's
    /// ([`Sweep::part_stamp`], [`Sweep::check_parts`]), bad header,
    /// fields, or scenarios out of the plan.
    fn read_part(&self, bytes: &[u8], path: &Path) -> Result<Values> {
        self.check_parts(&[self.part_stamp(bytes, path)?])?;
        let body = bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(&[][..], |k| &bytes[k + 1..]);
        let mut r = csv::ReaderBuilder::new().from_reader(body);
        let header: Vec<String> = r
            .headers()
            .map_err(|e| Error::format(path, e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        if header != ["scenario", "commune", "population", "value", "flagged"] {
            return Err(Error::format(
                path,
                "not a sweep part: expected the header scenario,commune,population,value,flagged on line 2",
            ));
        }
        let mut scen_ids: Vec<usize> = Vec::new();
        let mut communes: Vec<String> = Vec::new();
        let mut population = Vec::new();
        let (mut value, mut flagged) = (Vec::new(), Vec::new());
        for (k, rec) in r.records().enumerate() {
            let line = k as u64 + 3;
            let rec = rec.map_err(|e| Error::format(path, e.to_string()))?;
            let field = |i: usize| rec.get(i).unwrap_or("");
            let num = |i: usize, name: &str| -> Result<u64> {
                field(i).parse().map_err(|_| {
                    Error::field(path, line, name, format!("`{}` is not a whole number", field(i)))
                })
            };
            let s = num(0, "scenario")? as usize;
            if s >= self.scenarios.len() {
                return Err(Error::field(
                    path,
                    line,
                    "scenario",
                    format!("scenario {s}: the plan has {}", self.scenarios.len()),
                ));
            }
            if scen_ids.last() != Some(&s) {
                scen_ids.push(s);
            }
            if scen_ids.len() == 1 {
                communes.push(field(1).to_string());
                population.push(num(2, "population")?);
            }
            value.push(if field(3).is_empty() {
                f64::NAN
            } else {
                field(3).parse().map_err(|_| {
                    Error::field(path, line, "value", format!("`{}` is not a number", field(3)))
                })?
            });
            flagged.push(match field(4) {
                "true" => true,
                "false" => false,
                o => {
                    return Err(Error::field(
                        path,
                        line,
                        "flagged",
                        format!("`{o}`: expected true or false"),
                    ));
                }
            });
        }
        let start = scen_ids.first().copied().unwrap_or(0);
        let contiguous = scen_ids.iter().enumerate().all(|(k, &s)| s == start + k);
        if scen_ids.is_empty() || !contiguous || value.len() != scen_ids.len() * communes.len() {
            return Err(Error::format(
                path,
                "a sweep part holds whole, consecutive scenarios: this one is cut or reordered",
            ));
        }
        Ok(Values {
            scenarios: start..start + scen_ids.len(),
            communes,
            population,
            value,
            flagged,
        })
    }
}

/// The first line of a part file starts so, then [`PART_VERSION`].
const PART_MARK: &str = "# medaccess sweep part ";

/// Version of the part files: 2 carries the plan's fingerprint (the parts
/// of version 1, a bare CSV, carry none and must be rerun).
pub const PART_VERSION: u32 = 2;

/// What the first line of a part file says ([`Sweep::part_stamp`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct PartStamp {
    path: PathBuf,
    /// The task, as written.
    task: String,
    /// [`Sweep::fingerprint`] of the plan that wrote the part.
    fingerprint: String,
}

/// A task's part file for [`Sweep::merge_parts`]: on disk, or its bytes
/// already in memory (from Python or Dask).
#[derive(Debug, Clone)]
pub enum PartFile {
    /// A file, read by the merge.
    Path(PathBuf),
    /// The bytes of a part; `name` names it in errors.
    Bytes { name: PathBuf, bytes: Vec<u8> },
}

impl PartFile {
    /// What errors call the part.
    fn name(&self) -> &Path {
        match self {
            PartFile::Path(path) => path,
            PartFile::Bytes { name, .. } => name,
        }
    }

    /// The first line at least ([`Sweep::part_stamp`]): of a file, its
    /// first 4 KiB at most, up to the first line break.
    fn head(&self) -> Result<std::borrow::Cow<'_, [u8]>> {
        use std::io::{BufRead, Read};
        match self {
            PartFile::Path(path) => {
                let mut head = Vec::new();
                std::fs::File::open(path)
                    .and_then(|f| std::io::BufReader::new(f).take(4096).read_until(b'\n', &mut head))
                    .map_err(|e| Error::io(path, e))?;
                Ok(head.into())
            }
            PartFile::Bytes { bytes, .. } => Ok(bytes.as_slice().into()),
        }
    }

    /// The whole part.
    fn bytes(&self) -> Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            PartFile::Path(path) => Ok(std::fs::read(path).map_err(|e| Error::io(path, e))?.into()),
            PartFile::Bytes { bytes, .. } => Ok(bytes.as_slice().into()),
        }
    }
}

/// The codes of a scope as the run reads them: trimmed, in capitals
/// (` 2a` is `2A`).
fn scope_codes(codes: &[String]) -> Vec<String> {
    codes.iter().map(|d| d.trim().to_uppercase()).collect()
}

/// [`Sweep::fingerprint`]: FNV-1a of the plan as canonical JSON (keys in
/// order, [`canonical`]), `tasks` and `format` left out.
fn fingerprint(plan: &Plan) -> Result<String> {
    let plan = canonical(plan)?;
    let mut v = serde_json::to_value(&plan).map_err(|e| Error::Invalid(format!("plan: {e}")))?;
    if let Some(o) = v.as_object_mut() {
        o.remove("tasks");
        o.remove("format");
    }
    Ok(format!("{:016x}", fnv1a(canonical_json(&v).as_bytes())))
}

/// The plan spelt one way wherever the run reads two spellings alike, so
/// that plans that run the same have one fingerprint: scope codes and
/// decay names as the run reads them, and an optional value equal to what
/// the run takes without it (`year = 2023`, `column = "weight"`, `seed =
/// 0`, a threshold equal to the kind's, the counts as the only supply) or
/// that the run ignores (`year` beside a facilities file, a file's columns
/// without one) left out, as most plans leave it: their fingerprints are
/// the ones they had before this canonical form. A validated plan (its
/// kind known).
fn canonical(plan: &Plan) -> Result<Plan> {
    let mut p = plan.clone();
    for codes in [&mut p.dep, &mut p.region, &mut p.insee] {
        *codes = scope_codes(codes);
    }
    let unless = |v: &Option<String>, default: &str| v.clone().filter(|v| v != default);
    if let Some(g) = &mut p.gp {
        g.decays = g
            .decays
            .iter()
            .map(|d| Ok(DecayFamily::parse(d)?.name().to_string()))
            .collect::<Result<_>>()?;
        g.supply = g
            .supply
            .iter()
            .map(|w| SupplyWeights {
                name: w.name.clone(),
                file: w.file.clone(),
                column: w.file.as_ref().and(unless(&w.column, DEFAULT_WEIGHT_COLUMN)),
                jitter: w.jitter,
                draws: w.jitter.and(w.draws).filter(|&d| d != DEFAULT_DRAWS),
                seed: w.jitter.and(w.seed).filter(|&s| s != DEFAULT_SEED),
            })
            .collect();
        let counts = |w: &SupplyWeights| {
            w.name == "counts" && w.file.is_none() && w.jitter.is_none() && w.column.is_none()
        };
        if g.supply.len() == 1 && counts(&g.supply[0]) {
            // what the run takes without any (`supply_variants`)
            g.supply.clear();
        }
    }
    if let Some(c) = &mut p.closures {
        let kind = c.facility_kind()?;
        let threshold = c.threshold()?;
        let file = c.facilities.is_some();
        let given = |v: &Option<String>, default: &str| if file { unless(v, default) } else { None };
        let [id, name, lon, lat] = DEFAULT_FILE_COLUMNS;
        *c = ClosureGrid {
            year: if file {
                None
            } else {
                c.year.filter(|&y| y != DEFAULT_DREES_YEAR)
            },
            facilities: c.facilities.clone(),
            kind: (file && kind != FacilityKind::Other).then(|| kind.code().to_string()),
            id_col: given(&c.id_col, id),
            name_col: given(&c.name_col, name),
            lon_col: given(&c.lon_col, lon),
            lat_col: given(&c.lat_col, lat),
            among: c.among.clone(),
            k: c.k.clone(),
            threshold: c.threshold.filter(|_| threshold != kind.defaults().threshold_min),
        };
    }
    Ok(p)
}

/// JSON with the keys of every object sorted, whatever the map type.
fn canonical_json(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            let items: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", Value::String((*k).clone()), canonical_json(&o[*k])))
                .collect();
            format!("{{{}}}", items.join(","))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(canonical_json).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// FNV-1a, 64 bits: a stable hash of bytes (not a cryptographic one).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// At most this many parameter sets are compared two by two.
const MAX_PAIRWISE: usize = 200;

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    if a.len() < 2 {
        return None;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// A plan error before it is placed: the key (`gp.catchments`,
/// `gp.supply.1`) and the message.
type Keyed = (String, String);

fn keyed(key: &str, message: impl Into<String>) -> Keyed {
    (key.to_string(), message.into())
}

fn gp_scenarios(g: &GpGrid) -> std::result::Result<Vec<Scenario>, Keyed> {
    if g.catchments.is_empty() || g.decays.is_empty() {
        return Err(keyed(
            if g.catchments.is_empty() {
                "gp.catchments"
            } else {
                "gp.decays"
            },
            "`catchments` and `decays` need at least one value each",
        ));
    }
    if let Some(c) = g
        .catchments
        .iter()
        .find(|c| !(c.is_finite() && **c > 0.0 && **c <= 180.0))
    {
        return Err(keyed(
            "gp.catchments",
            format!("catchment {c}: minutes between 0 and 180"),
        ));
    }
    if !(g.consultations_per_gp.is_finite() && g.consultations_per_gp > 0.0) {
        return Err(keyed(
            "gp.consultations_per_gp",
            "`consultations_per_gp` must be positive",
        ));
    }
    if !(g.under_served.is_finite() && g.under_served >= 0.0) {
        return Err(keyed("gp.under_served", "`under_served` must be a number >= 0"));
    }
    let decays: Vec<DecayFamily> = g
        .decays
        .iter()
        .map(|d| DecayFamily::parse(d))
        .collect::<Result<_>>()
        .map_err(|e| keyed("gp.decays", e.to_string()))?;
    let supply = supply_variants(g);
    for (k, w) in supply.iter().enumerate() {
        match (&w.file, w.jitter) {
            (Some(_), None) => {}
            (None, Some(j)) if j.is_finite() && (0.0..1.0).contains(&j) && w.draws() > 0 => {}
            (None, None) if w.column.is_none() && w.draws.is_none() && w.seed.is_none() => {}
            _ => {
                return Err(keyed(
                    &format!("gp.supply.{k}"),
                    format!(
                        "supply `{}`: give `file` (and `column`), or `jitter` in [0, 1) with `draws` > 0 and `seed`, or nothing (the counts)",
                        w.name
                    ),
                ));
            }
        }
    }
    let per_grid_point: u128 = supply.iter().map(|w| w.draws() as u128).sum();
    check_scenario_count(
        g.catchments.len() as u128 * decays.len() as u128 * per_grid_point,
        "`catchments` × `decays` × supply draws",
        "lower `draws`, or split the grid into several plans",
    )
    .map_err(|m| keyed("gp", m))?;
    let mut out = Vec::new();
    for &c in &g.catchments {
        for &d in &decays {
            for (k, w) in supply.iter().enumerate() {
                for draw in 0..w.draws() {
                    let name = if w.jitter.is_some() {
                        format!("{}#{draw}", w.name)
                    } else {
                        w.name.clone()
                    };
                    out.push(Scenario {
                        parameters: format!("catchment={c};decay={};supply={name}", d.name()),
                        spec: Spec::Gp {
                            catchment: c,
                            decay: d,
                            supply: k,
                            draw,
                        },
                    });
                }
            }
        }
    }
    Ok(out)
}

fn supply_variants(g: &GpGrid) -> Vec<SupplyWeights> {
    if g.supply.is_empty() {
        vec![SupplyWeights {
            name: "counts".into(),
            file: None,
            column: None,
            jitter: None,
            draws: None,
            seed: None,
        }]
    } else {
        g.supply.clone()
    }
}

fn closure_scenarios(c: &ClosureGrid) -> std::result::Result<Vec<Scenario>, Keyed> {
    if c.among.is_empty() || c.k.is_empty() {
        return Err(keyed(
            if c.among.is_empty() {
                "closures.among"
            } else {
                "closures.k"
            },
            "`among` and `k` need at least one value each",
        ));
    }
    if let Some(k) = &c.kind {
        FacilityKind::parse(k).map_err(|e| keyed("closures.kind", e.to_string()))?;
    }
    if let Some(t) = c.threshold
        && !(t.is_finite() && t > 0.0 && t <= crate::access::MAX_MINUTES)
    {
        return Err(keyed(
            "closures.threshold",
            format!(
                "threshold {t}: a number of minutes in (0, {}], e.g. threshold = 40",
                crate::access::MAX_MINUTES
            ),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(d) = c.among.iter().find(|x| !seen.insert(x.as_str())) {
        return Err(keyed("closures.among", format!("`among` names `{d}` twice")));
    }
    let mut total: u128 = 1;
    for &k in &c.k {
        if k == 0 || k > c.among.len() {
            return Err(keyed(
                "closures.k",
                format!(
                    "k = {k}: between 1 and the {} facilities of `among`",
                    c.among.len()
                ),
            ));
        }
        total = total.saturating_add(combinations(c.among.len(), k));
    }
    check_scenario_count(
        total,
        "the closures of `k` of the `among` facilities",
        "lower `k` or name fewer facilities in `among`",
    )
    .map_err(|m| keyed("closures.k", m))?;
    let mut out = vec![Scenario {
        parameters: "closed=".into(),
        spec: Spec::Closed(vec![]),
    }];
    for &k in &c.k {
        let mut idx: Vec<usize> = (0..k).collect();
        loop {
            let closed: Vec<String> = idx.iter().map(|&i| c.among[i].clone()).collect();
            out.push(Scenario {
                parameters: format!("closed={}", closed.join("+")),
                spec: Spec::Closed(closed),
            });
            // next combination in lexicographic order
            let n = c.among.len();
            let Some(i) = (0..k).rev().find(|&i| idx[i] != i + n - k) else {
                break;
            };
            idx[i] += 1;
            for j in i + 1..k {
                idx[j] = idx[j - 1] + 1;
            }
        }
    }
    Ok(out)
}

/// Most scenarios one plan may make: each is a whole job (a 2SFCA or a
/// nearest-site pass), so more would run for days, and a plan's scenarios
/// are listed in memory before any runs.
pub const MAX_SCENARIOS: u128 = 100_000;

/// Refuses a plan of more than [`MAX_SCENARIOS`] scenarios (`what` makes
/// them, `fix` says how to make fewer).
fn check_scenario_count(n: u128, what: &str, fix: &str) -> std::result::Result<(), String> {
    if n > MAX_SCENARIOS {
        return Err(format!(
            "{what} make {n} scenarios, more than the {MAX_SCENARIOS} a plan may hold: {fix}"
        ));
    }
    Ok(())
}

/// `n` choose `k`, saturating.
fn combinations(n: usize, k: usize) -> u128 {
    let k = k.min(n - k) as u128;
    let mut c: u128 = 1;
    for i in 0..k {
        // exact at each step: c × (n − i) is divisible by i + 1
        c = match c.checked_mul(n as u128 - i) {
            Some(x) => x / (i + 1),
            None => return u128::MAX,
        };
    }
    c
}

/// Scenarios whose progress is checked at once.
const BATCH: usize = 16;

fn gp_rows(
    ctx: &Context,
    g: &GpGrid,
    scenarios: &[Scenario],
    progress: &dyn Progress,
    at: &PlanText,
) -> Result<Vec<(Vec<f64>, Vec<bool>)>> {
    let supply_set = ctx
        .facilities(&FacilitySource::Bpe {
            path: g.supply_file.clone(),
        })
        .map_err(|e| at.wrap("gp.supply_file", e))?;
    let d = demand(ctx, &supply_set, None)?;
    let reach: Time = minutes(g.catchments.iter().cloned().fold(0.0, f64::max));
    let pairs = Pairs::collect(
        ctx.engine.graph(),
        &d.nodes,
        &d.sites,
        reach,
        Direction::FromSupply,
    )?;
    let base: Vec<f64> = d.sites.iter().map(|s| s.supply).collect();
    let variants = supply_variants(g);
    // Per-commune multipliers of the file weightings, per site.
    let mut file_weights: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    for (k, w) in variants.iter().enumerate() {
        if let Some(path) = &w.file {
            let by = read_demand_weights(path, None, w.column())
                .map_err(|e| at.wrap(&format!("gp.supply.{k}.file"), e))?;
            let mult = d
                .sites
                .iter()
                .map(|s| {
                    s.home
                        .and_then(|u| by.get(&d.codes[u as usize]))
                        .copied()
                        .unwrap_or(1.0)
                })
                .collect();
            file_weights.insert(k, mult);
        }
    }
    let unit_of: BTreeMap<&str, usize> = d.codes.iter().enumerate().map(|(k, c)| (c.as_str(), k)).collect();
    let scope_units: Vec<Option<usize>> = ctx
        .in_scope
        .iter()
        .map(|&i| unit_of.get(ctx.places[i].id.as_str()).copied())
        .collect();
    let (cpg, under) = (g.consultations_per_gp, g.under_served);
    let under_100k = under / cpg * PER_100K;
    let one = |s: &Scenario| -> Result<(Vec<f64>, Vec<bool>)> {
        let Spec::Gp {
            catchment,
            decay,
            supply,
            draw,
        } = s.spec
        else {
            unreachable!("a gp plan has gp scenarios")
        };
        let w = &variants[supply];
        let weights: Vec<f64> = if let Some(m) = file_weights.get(&supply) {
            base.iter().zip(m).map(|(b, m)| b * m).collect()
        } else if let Some(j) = w.jitter {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(w.seed());
            rng.set_stream(draw as u64);
            base.iter()
                .map(|b| b * rng.random_range(1.0 - j..=1.0 + j))
                .collect()
        } else {
            base.clone()
        };
        let fca = two_step(&pairs, &d.population, &weights, &decay.decay(catchment))?;
        // As the GP job computes and flags it (jobs::gp, GpTable).
        Ok(scope_units
            .iter()
            .map(|u| match u {
                Some(u) => {
                    let a = fca.accessibility[*u] * PER_100K;
                    (a / PER_100K * cpg, a < under_100k)
                }
                None => (f64::NAN, false),
            })
            .unzip())
    };
    batched(scenarios, progress, one)
}

fn closure_rows(
    ctx: &Context,
    c: &ClosureGrid,
    scenarios: &[Scenario],
    progress: &dyn Progress,
    at: &PlanText,
) -> Result<Vec<(Vec<f64>, Vec<bool>)>> {
    let kind = c.facility_kind().map_err(|e| at.wrap("closures.kind", e))?;
    let source = match &c.facilities {
        None => FacilitySource::Drees { year: c.year() },
        Some(path) => FacilitySource::File {
            path: path.clone(),
            columns: c.columns(),
            kind,
        },
    };
    let set_key = if c.facilities.is_some() {
        "closures.facilities"
    } else {
        "closures.year"
    };
    let set: FacilitySet = ctx.facilities(&source).map_err(|e| at.wrap(set_key, e))?;
    if let Some(id) = c
        .among
        .iter()
        .find(|id| !set.facilities.iter().any(|f| &f.id == *id))
    {
        return Err(at.err(
            "closures.among",
            format!(
                "`{id}` is not a facility of the set ({} facilities{}): name ids of the set",
                set.len(),
                match &c.facilities {
                    Some(f) => format!(" of {}", f.display()),
                    None => format!(", the DREES maternities of {}", c.year()),
                }
            ),
        ));
    }
    let mut base = AccessRequest::with_kind_defaults(set);
    base.threshold = c.threshold().map_err(|e| at.wrap("closures.kind", e))?;
    // a threshold out of range is the plan's, refused before any scenario runs
    access::check_minutes(base.threshold, &base.bands).map_err(|e| at.wrap("closures.threshold", e))?;
    let one = |s: &Scenario| -> Result<(Vec<f64>, Vec<bool>)> {
        let Spec::Closed(closed) = &s.spec else {
            unreachable!("a closures plan has closure scenarios")
        };
        let mut req = base.clone();
        req.facilities = base.facilities.without(closed)?;
        let r = access::run(ctx, &req, &super::Silent)?;
        Ok(r.access
            .iter()
            .map(|a| {
                let m = a.minutes();
                (m.unwrap_or(f64::NAN), crate::access::is_beyond(m, req.threshold))
            })
            .unzip())
    };
    batched(scenarios, progress, one)
}

/// Runs `one` over the scenarios in parallel, in batches between which
/// cancellation is checked and progress told; results in scenario order.
fn batched<F>(scenarios: &[Scenario], progress: &dyn Progress, one: F) -> Result<Vec<(Vec<f64>, Vec<bool>)>>
where
    F: Fn(&Scenario) -> Result<(Vec<f64>, Vec<bool>)> + Sync,
{
    let mut out = Vec::with_capacity(scenarios.len());
    let workers = rayon::current_num_threads().max(1);
    for (b, batch) in scenarios.chunks(BATCH * workers).enumerate() {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        progress.step("scenarios", (b * BATCH * workers) as u64, scenarios.len() as u64);
        let rows: Vec<_> = batch.par_iter().map(&one).collect::<Result<_>>()?;
        out.extend(rows);
    }
    progress.step("scenarios", scenarios.len() as u64, scenarios.len() as u64);
    Ok(out)
}

impl SweepResult {
    /// The files of the sweep in `dir`: `<name>-values.csv|parquet` (the
    /// tidy table), `<name>-scenarios.csv`, `<name>-communes.csv`,
    /// `<name>-spearman.csv`, `<name>-summary.txt`.
    ///
    /// # Errors
    /// Only from the Parquet encoder.
    pub fn documents(&self) -> Result<Vec<Document>> {
        let v = &self.values;
        let n = v.communes.len();
        let rows = v.value.len();
        let name = format!("{}-values.{}", self.name, self.format.extension());
        let scen: Vec<i64> = (0..rows).map(|k| (k / n) as i64).collect();
        let params: Vec<&str> = (0..rows).map(|k| self.parameters[k / n].as_str()).collect();
        let communes: Vec<&str> = (0..rows).map(|k| v.communes[k % n].as_str()).collect();
        let values = [
            ("scenario", Column::I64(scen)),
            ("parameters", Column::Str(params)),
            ("commune", Column::Str(communes)),
            (
                "value",
                Column::F64(v.value.iter().map(|x| (!x.is_nan()).then_some(*x)).collect()),
            ),
            ("flagged", Column::Bool(v.flagged.clone())),
        ];
        let mut docs = vec![Document::named(
            name.clone(),
            encode(&values, self.format, Path::new(&name))?,
        )];
        let name = format!("{}-scenarios.csv", self.name);
        let s = &self.scenarios;
        let cols = [
            ("scenario", Column::I64((0..s.len() as i64).collect())),
            (
                "parameters",
                Column::Str(self.parameters.iter().map(String::as_str).collect()),
            ),
            (
                "communes_flagged",
                Column::I64(s.iter().map(|x| x.communes_flagged as i64).collect()),
            ),
            (
                "population_flagged",
                Column::I64(s.iter().map(|x| x.population_flagged as i64).collect()),
            ),
            (
                "spearman_vs_reference",
                Column::F64(s.iter().map(|x| x.spearman).collect()),
            ),
            (
                "jaccard_flagged_vs_reference",
                Column::F64(s.iter().map(|x| x.jaccard).collect()),
            ),
        ];
        docs.push(Document::named(
            name.clone(),
            encode(&cols, TableFormat::Csv, Path::new(&name))?,
        ));
        let name = format!("{}-communes.csv", self.name);
        let c = &self.communes;
        let ns = self.scenarios.len() as f64;
        let cols = [
            (
                "commune",
                Column::Str(v.communes.iter().map(String::as_str).collect()),
            ),
            (
                "population",
                Column::I64(v.population.iter().map(|&p| p as i64).collect()),
            ),
            (
                "times_flagged",
                Column::I64(c.iter().map(|x| x.times_flagged as i64).collect()),
            ),
            (
                "share_flagged",
                Column::F64(c.iter().map(|x| Some(x.times_flagged as f64 / ns)).collect()),
            ),
            (
                "flagged_in_reference",
                Column::Bool(c.iter().map(|x| x.flagged_in_reference).collect()),
            ),
            (
                "rank_min",
                Column::I64(c.iter().map(|x| x.rank_min as i64).collect()),
            ),
            (
                "rank_median",
                Column::F64(c.iter().map(|x| Some(x.rank_median)).collect()),
            ),
            (
                "rank_max",
                Column::I64(c.iter().map(|x| x.rank_max as i64).collect()),
            ),
        ];
        docs.push(Document::named(
            name.clone(),
            encode(&cols, TableFormat::Csv, Path::new(&name))?,
        ));
        let name = format!("{}-spearman.csv", self.name);
        let p = &self.spearman;
        let cols = [
            ("scenario_a", Column::I64(p.iter().map(|x| x.0 as i64).collect())),
            ("scenario_b", Column::I64(p.iter().map(|x| x.1 as i64).collect())),
            ("spearman", Column::F64(p.iter().map(|x| x.2).collect())),
        ];
        docs.push(Document::named(
            name.clone(),
            encode(&cols, TableFormat::Csv, Path::new(&name))?,
        ));
        docs.push(Document::named(
            format!("{}-summary.txt", self.name),
            self.summary_text().into_bytes(),
        ));
        Ok(docs)
    }

    /// What the statistics say, for the terminal and `<name>-summary.txt`.
    pub fn summary_text(&self) -> String {
        let ns = self.scenarios.len();
        let c = &self.communes;
        let always = c.iter().filter(|x| x.times_flagged == ns).count();
        let ever = c.iter().filter(|x| x.times_flagged > 0).count();
        let in_ref = c.iter().filter(|x| x.flagged_in_reference).count();
        let stable_ref = c
            .iter()
            .filter(|x| x.flagged_in_reference && x.times_flagged == ns)
            .count();
        let rhos: Vec<f64> = self.scenarios.iter().skip(1).filter_map(|s| s.spearman).collect();
        let jac: Vec<f64> = self.scenarios.iter().skip(1).filter_map(|s| s.jaccard).collect();
        let min = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let flagged: Vec<usize> = self.scenarios.iter().map(|s| s.communes_flagged).collect();
        let mut s = format!(
            "== Sweep {}: {ns} scenarios x {} communes\n",
            self.name,
            self.values.communes.len()
        );
        s += &format!("  reference (scenario 0): {}\n", self.parameters[0]);
        s += &format!(
            "  communes flagged: {} to {} per scenario; {in_ref} in the reference, of which {stable_ref} in every scenario\n",
            flagged.iter().min().unwrap_or(&0),
            flagged.iter().max().unwrap_or(&0)
        );
        s += &format!("  flagged in every scenario: {always}; in at least one: {ever}\n");
        if !rhos.is_empty() {
            // A Jaccard index needs a flagged commune in the scenario or
            // the reference: with none anywhere, say so rather than print
            // the mean and minimum of nothing.
            let jaccard = if jac.is_empty() {
                "no commune flagged in the reference or any other scenario".to_string()
            } else {
                format!("mean {:.4}, min {:.4}", mean(&jac), min(&jac))
            };
            s += &format!(
                "  Spearman vs reference: mean {:.4}, min {:.4}; Jaccard of flagged communes vs reference: {jaccard}\n",
                mean(&rhos),
                min(&rhos),
            );
        }
        if let Some(worst) = self
            .spearman
            .iter()
            .filter_map(|p| p.2.map(|r| (p.0, p.1, r)))
            .min_by(|a, b| a.2.total_cmp(&b.2))
        {
            s += &format!(
                "  least similar parameter sets: {} vs {} (Spearman {:.4})\n",
                self.parameters[worst.0], self.parameters[worst.1], worst.2
            );
        }
        s
    }
}

/// Writes the commune graph of `data` uncompressed into `dir` once (named
/// by a hash of its bytes) and returns its path: the one file every task
/// of a distributed sweep reads (`[data] commune_graph`).
///
/// # Errors
/// An unreadable graph, an unwritable folder.
pub fn cache_commune_graph(paths: &DataPaths, dir: &Path) -> Result<PathBuf> {
    let bytes = crate::io::read_maybe_gz(&paths.commune_graph)?;
    // FNV-1a: a stable name for the same bytes.
    let h = fnv1a(&bytes);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(format!("communes-{h:016x}.medgraph"));
    if !crate::io::exists(&path) {
        crate::io::atomic_write_bytes(&path, &bytes)?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_match_pascal() {
        let mut row = vec![1u128];
        for n in 1..=60usize {
            let mut next = vec![1u128; n + 1];
            for k in 1..n {
                next[k] = row[k - 1] + row[k];
            }
            row = next;
            for (k, &c) in row.iter().enumerate() {
                assert_eq!(combinations(n, k), c, "{n} choose {k}");
            }
        }
        assert_eq!(combinations(400, 200), u128::MAX);
    }

    #[test]
    fn the_fingerprint_is_the_plans_content_not_its_layout() {
        let fp = |text: &str| {
            Sweep::parse(text, "p.toml".as_ref())
                .unwrap()
                .fingerprint()
                .to_string()
        };
        let a = fp("name = \"g\"\ndep = [\"64\"]\n[gp]\ncatchments = [20, 30]\n");
        assert_eq!(a.len(), 16);
        // comments, layout, defaults spelt out, `tasks` and `format`: the same plan
        assert_eq!(
            a,
            fp(
                "# a comment\ntasks = 4\nformat = \"parquet\"\ndep = [ \"64\" ]\nname = 'g'\n[gp]\ncatchments = [20.0, 30]\ndecays = [\"drees\"]\n"
            )
        );
        // another catchment, another plan
        assert_ne!(
            a,
            fp("name = \"g\"\ndep = [\"64\"]\n[gp]\ncatchments = [20, 40]\n")
        );
        // and a part of one is refused by the other, naming both files
        let s = Sweep::parse(
            "name = \"g\"\ndep = [\"64\"]\n[gp]\ncatchments = [20, 40]\n",
            "b.toml".as_ref(),
        )
        .unwrap();
        let head = format!("# medaccess sweep part 2: plan g, task 0, fingerprint {a}\n");
        let stamp = s.part_stamp(head.as_bytes(), "g-task-0.csv".as_ref()).unwrap();
        let e = s.check_parts(&[stamp]).unwrap_err().to_string();
        assert!(
            e.starts_with("g-task-0.csv: task 0 of another plan") && e.contains("not of b.toml"),
            "{e}"
        );
    }

    /// Plans that run the same have one fingerprint, whatever defaults
    /// they spell out or however they spell a value the run reads alike;
    /// plans that give other values do not.
    #[test]
    fn plans_that_run_the_same_have_one_fingerprint() {
        let fp = |text: &str| {
            Sweep::parse(text, "p.toml".as_ref())
                .unwrap_or_else(|e| panic!("{text}: {e}"))
                .fingerprint()
                .to_string()
        };
        let closures = "[closures]\namong = [\"a\", \"b\"]\nk = [1]\n";
        let file = "[closures]\nfacilities = \"f.csv\"\namong = [\"a\", \"b\"]\nk = [1]\n";
        let gp = "[gp]\ncatchments = [20]\n";
        let weights = "[gp]\ncatchments = [20]\n[[gp.supply]]\nname = \"fte\"\nfile = \"w.csv\"\n\
                       [[gp.supply]]\nname = \"j\"\njitter = 0.1\n";
        let plan = |scope: &str, grid: &str, extra: &str| format!("name = \"g\"\n{scope}\n{grid}{extra}");
        let dep = "dep = [\"64\"]";
        let same = [
            // the scope's codes as the run reads them
            (plan(dep, closures, ""), plan("dep = [\" 64 \"]", closures, "")),
            (plan("dep = [\"2A\"]", gp, ""), plan("dep = [\"2a\"]", gp, "")),
            // DREES's year and threshold as the run takes them, a file's keys without a file
            (
                plan(dep, closures, ""),
                plan(dep, closures, "year = 2023\nthreshold = 40\nid_col = \"x\"\n"),
            ),
            // a file: the year ignored, the columns and threshold of the kind as the defaults
            (
                plan(dep, file, ""),
                plan(
                    dep,
                    file,
                    "year = 2016\nkind = \"facility\"\nid_col = \"id\"\nname_col = \"name\"\n\
                     lon_col = \"lon\"\nlat_col = \"lat\"\nthreshold = 40\n",
                ),
            ),
            (
                plan(dep, file, "kind = \"emergency\"\n"),
                plan(dep, file, "kind = \" emergency\"\nthreshold = 30\n"),
            ),
            // decays spelt as the run reads them, the counts as the only supply
            (
                plan(dep, gp, ""),
                plan(
                    dep,
                    gp,
                    "decays = [\" drees\"]\n[[gp.supply]]\nname = \"counts\"\n",
                ),
            ),
            // a weighting's column, draws and seed as the defaults
            (
                plan(dep, weights, ""),
                plan(dep, weights, "draws = 1\nseed = 0\n"),
            ),
            (
                plan(dep, weights, ""),
                plan(
                    dep,
                    &weights.replace("file = \"w.csv\"\n", "file = \"w.csv\"\ncolumn = \"weight\"\n"),
                    "",
                ),
            ),
        ];
        for (a, b) in &same {
            assert_eq!(fp(a), fp(b), "the same run:\n{a}\n----\n{b}");
        }
        let other = [
            (plan(dep, closures, ""), plan("dep = [\"65\"]", closures, "")),
            (plan(dep, closures, ""), plan(dep, closures, "year = 2016\n")),
            (plan(dep, closures, ""), plan(dep, closures, "threshold = 45\n")),
            (plan(dep, file, ""), plan(dep, file, "kind = \"emergency\"\n")),
            (plan(dep, file, ""), plan(dep, file, "id_col = \"finess\"\n")),
            (plan(dep, file, ""), plan(dep, file, "threshold = 45\n")),
            (plan(dep, gp, ""), plan(dep, gp, "decays = [\"binary\"]\n")),
            (plan(dep, weights, ""), plan(dep, weights, "seed = 1\n")),
            (plan(dep, weights, ""), plan(dep, weights, "draws = 2\n")),
            (
                plan(dep, weights, ""),
                plan(
                    dep,
                    &weights.replace("file = \"w.csv\"\n", "file = \"w.csv\"\ncolumn = \"fte\"\n"),
                    "",
                ),
            ),
        ];
        for (a, b) in &other {
            assert_ne!(fp(a), fp(b), "other runs:\n{a}\n----\n{b}");
        }
    }

    #[test]
    fn a_plan_of_too_many_scenarios_is_refused_before_any_is_made() {
        let gp = "name = \"big\"\ndep = [\"64\"]\n[gp]\ncatchments = [10, 20]\ndecays = [\"binary\"]\n\
                  [[gp.supply]]\nname = \"j\"\njitter = 0.2\ndraws = 10000000000\nseed = 1\n";
        let e = Sweep::parse(gp, "plan.toml".as_ref()).unwrap_err().to_string();
        assert!(
            e.contains("plan.toml") && e.contains("20000000000 scenarios") && e.contains("`draws`"),
            "{e}"
        );
        let among: Vec<String> = (0..40).map(|i| format!("\"64{i:07}\"")).collect();
        let closures = format!(
            "name = \"big\"\ndep = [\"64\"]\n[closures]\nyear = 2016\namong = [{}]\nk = [20]\n",
            among.join(", ")
        );
        let e = Sweep::parse(&closures, "plan.toml".as_ref())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("137846528821 scenarios") && e.contains("lower `k`"),
            "{e}"
        );
        // at the limit it is accepted
        let ok = gp
            .replace("catchments = [10, 20]", "catchments = [10]")
            .replace("10000000000", "100000");
        assert_eq!(
            Sweep::parse(&ok, "plan.toml".as_ref()).unwrap().scenarios.len(),
            100_000
        );
    }
}
