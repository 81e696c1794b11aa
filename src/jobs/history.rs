//! Population beyond each threshold year by year (the DREES maternity list
//! 2013–2023), and the closures behind each jump.

use std::collections::HashSet;

use super::access::{self, AccessRequest, AccessResult};
use super::{Context, FacilitySource, Progress};
use crate::access::{Bands, Summary, is_beyond, summarize};
use crate::error::{Error, Result};
use crate::facilities::MaternityList;
use crate::output::{Document, Layer, Record, Value};
use crate::report::{History, Lang, Report};

/// Every year of the DREES list.
#[derive(Debug, Clone)]
pub struct HistoryRequest {
    /// Minutes; one population beyond each, per year (e.g. 30, 40, 45),
    /// each once. `threshold` is added when missing, so that the table
    /// shows the figure the closures are read at.
    pub thresholds: Vec<f64>,
    pub bands: Bands,
    /// The threshold the closures are read at (e.g. 40).
    pub threshold: f64,
}

/// A site gone since the year before, among those serving the scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Closure {
    pub id: String,
    pub name: String,
    /// Inhabitants it served the year before.
    pub served: u64,
    /// Of them, those now beyond the threshold.
    pub newly_beyond: u64,
}

/// One year of the list.
#[derive(Debug, Clone)]
pub struct HistoryYear {
    pub year: u16,
    /// Sites open that year (in France).
    pub sites: usize,
    /// The summary at each threshold, in the order of the request's.
    pub summaries: Vec<Summary>,
    /// Sites gone since the year before, among those serving the scope.
    pub closures: Vec<Closure>,
}

impl HistoryYear {
    /// Population beyond each threshold.
    pub fn beyond(&self) -> Vec<u64> {
        self.summaries.iter().map(|s| s.total.population_beyond).collect()
    }
}

/// Every year, and the access run of the last one (for the report).
#[derive(Debug, Clone)]
pub struct HistoryResult {
    pub thresholds: Vec<f64>,
    /// The threshold closures are read at.
    pub threshold: f64,
    pub years: Vec<HistoryYear>,
    pub last: AccessResult,
    /// The placement warnings of every year's list, each once (a site
    /// placed at its town hall is so year after year).
    pub placement_warnings: Vec<String>,
}

/// Runs every year of the DREES list.
///
/// # Examples
/// ```
/// use medaccess::jobs::{self, Context, Data, HistoryRequest, Silent};
/// use medaccess::Scope;
///
/// let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent)?;
/// let req = HistoryRequest {
///     thresholds: vec![40.0],
///     bands: medaccess::access::Bands::default(),
///     threshold: 40.0,
/// };
/// let h = jobs::history::run(&ctx, &req, &Silent)?;
/// let y2017 = h.years.iter().find(|y| y.year == 2017).unwrap();
/// assert_eq!(y2017.closures[0].id, "640000410"); // Oloron
/// assert_eq!(y2017.closures[0].newly_beyond, 30_707);
/// # Ok::<(), medaccess::Error>(())
/// ```
pub fn run(ctx: &Context, req: &HistoryRequest, progress: &dyn Progress) -> Result<HistoryResult> {
    let max = crate::access::MAX_MINUTES;
    if req.thresholds.is_empty() || req.thresholds.iter().any(|t| !(*t > 0.0 && *t <= max)) {
        return Err(Error::parameter(
            "thresholds",
            format!("give numbers of minutes in (0, {max}], e.g. 30,40,45"),
        ));
    }
    let mut sorted = req.thresholds.clone();
    sorted.sort_by(f64::total_cmp);
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::parameter(
            "thresholds",
            format!(
                "{} is given twice; give each number of minutes once, e.g. 30,40,45",
                w[0]
            ),
        ));
    }
    let mut thresholds = req.thresholds.clone();
    if !thresholds.contains(&req.threshold) {
        thresholds.push(req.threshold);
        thresholds.sort_by(f64::total_cmp);
    }
    let list = MaternityList::load(&ctx.paths.maternities)?;
    let mut years = Vec::new();
    let mut prev: Option<AccessResult> = None;
    let mut placement_warnings: Vec<String> = Vec::new();
    for y in list.years() {
        let set = ctx.facilities(&FacilitySource::Drees { year: y })?;
        for w in &set.warnings {
            if !placement_warnings.contains(w) {
                placement_warnings.push(w.clone());
            }
        }
        let run = access::run(
            ctx,
            &AccessRequest {
                facilities: set,
                bands: req.bands.clone(),
                threshold: req.threshold,
            },
            progress,
        )?;
        let summaries = thresholds
            .iter()
            .map(|&t| summarize(&run.places, &run.access, &run.sites, &req.bands, t, 0))
            .collect();
        let closures = prev
            .as_ref()
            .map(|p| closures(p, &run, req.threshold))
            .unwrap_or_default();
        years.push(HistoryYear {
            year: y,
            sites: run.sites.len(),
            summaries,
            closures,
        });
        prev = Some(run);
    }
    let last = prev.ok_or_else(|| Error::Invalid("the DREES list has no year".into()))?;
    Ok(HistoryResult {
        thresholds,
        threshold: req.threshold,
        years,
        last,
        placement_warnings,
    })
}

/// The sites of `p` gone in `run` that served communes here, with what
/// each alone did (exact, from last year's nearest).
fn closures(p: &AccessResult, run: &AccessResult, t: f64) -> Vec<Closure> {
    let now: HashSet<&str> = run.sites.iter().map(|s| s.id.as_str()).collect();
    let mut out = Vec::new();
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
        out.push(Closure {
            id: s.id.clone(),
            name: s.name.clone(),
            served: served.iter().map(pop).sum(),
            newly_beyond: served
                .iter()
                .filter(|&&i| !is_beyond(p.access[i].minutes(), t) && is_beyond(run.access[i].minutes(), t))
                .map(pop)
                .sum(),
        });
    }
    out
}

impl HistoryResult {
    /// The history as the report and the chart read it.
    pub fn history(&self) -> History {
        History {
            thresholds: self.thresholds.clone(),
            rows: self.years.iter().map(|y| (y.year, y.beyond())).collect(),
            events: self
                .years
                .iter()
                .flat_map(|y| {
                    y.closures
                        .iter()
                        .map(|c| (y.year, format!("{} ({})", c.name, c.id)))
                })
                .collect(),
        }
    }

    /// `<stem>` (CSV): population beyond each threshold per year and
    /// département, and for the whole scope (`all`).
    pub fn layers(&self, stem: &str) -> Vec<Layer> {
        let mut rows: Vec<Record> = Vec::new();
        for y in &self.years {
            for (&t, s) in self.thresholds.iter().zip(&y.summaries) {
                for (dep, d) in s.by_dep.iter().chain([(&"all".to_string(), &s.total)]) {
                    rows.push(vec![
                        ("year", Value::Int(y.year as i64)),
                        ("dep", Value::Str(dep.clone())),
                        ("threshold_min", Value::Real(t)),
                        ("communes_beyond", Value::Int(d.communes_beyond as i64)),
                        ("population_beyond", Value::Int(d.population_beyond as i64)),
                        ("population", Value::Int(d.population as i64)),
                        ("engine", Value::Str(self.last.engine.to_string())),
                    ]);
                }
            }
        }
        vec![Layer::table(stem, rows)]
    }

    /// The timeline chart as `<stem>.svg`.
    pub fn chart(&self, stem: &str, lang: Lang) -> Result<Document> {
        Ok(Document::named(
            format!("{stem}.svg"),
            crate::report::timeline_svg(&self.history(), lang, 900, 420)?.into_bytes(),
        ))
    }

    /// The HTML report: the last year's run and the history.
    pub fn report(&self, lang: Lang, command: &str) -> Report<'_> {
        let mut r = self.last.report(lang, command, None);
        r.history = Some(self.history());
        r
    }
}
