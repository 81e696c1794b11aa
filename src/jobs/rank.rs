//! Every facility ranked by the population its closure alone would push
//! beyond the threshold.

use super::access::{self, AccessRequest, AccessResult};
use super::{Context, Progress, seconds_since};
use crate::error::Result;
use crate::output::{Layer, Record, Value};
use crate::planner::{ClosureImpact, rank_closures};
use crate::report::{Lang, Report};

/// Rank the sites of a set (the request of the access run it starts from).
#[derive(Debug, Clone)]
pub struct RankRequest {
    pub access: AccessRequest,
}

/// The access run and the closure of each site serving a commune in
/// scope, worst first.
#[derive(Debug, Clone)]
pub struct RankResult {
    pub run: AccessResult,
    /// Sites serving some commune in scope, ranked (indices into
    /// `run.sites`).
    pub ranked: Vec<ClosureImpact>,
}

/// Runs the ranking: exact, from one multi-source pass that keeps each
/// commune's second-nearest site.
///
/// # Examples
/// ```
/// use medaccess::jobs::{self, AccessRequest, Context, Data, FacilitySource, RankRequest, Silent};
/// use medaccess::Scope;
///
/// let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent)?;
/// let set = ctx.facilities(&FacilitySource::Drees { year: 2016 })?;
/// let r = jobs::rank::run(&ctx, &RankRequest { access: AccessRequest::with_kind_defaults(set) }, &Silent)?;
/// // Oloron's closure alone pushes 30,707 people beyond 40 minutes (as the
/// // 2017 list shows); Saint-Palais's would push more.
/// let ids: Vec<&str> = r.ranked.iter().map(|x| r.run.sites[x.site].id.as_str()).collect();
/// assert_eq!(ids[..2], ["640017646", "640000410"]);
/// assert_eq!(r.ranked[1].population_newly_beyond, 30_707);
/// # Ok::<(), medaccess::Error>(())
/// ```
pub fn run(ctx: &Context, req: &RankRequest, progress: &dyn Progress) -> Result<RankResult> {
    let run = access::run(ctx, &req.access, progress)?;
    let t0 = std::time::Instant::now();
    let ranked = rank_closures(run.sites.len(), &run.access, &run.population(), run.threshold);
    progress.timing("rank", seconds_since(t0));
    let ranked = ranked.into_iter().filter(|r| r.places_served > 0).collect();
    Ok(RankResult { run, ranked })
}

impl RankResult {
    /// `<stem>` (CSV): one row per ranked site.
    pub fn layers(&self, stem: &str) -> Vec<Layer> {
        let rows: Vec<Record> = self
            .ranked
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let s = &self.run.sites[r.site];
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
                    // how far population_newly_beyond rests on the last 2 minutes
                    ("population_just_beyond", Value::Int(r.margin.just_beyond as i64)),
                    ("population_just_within", Value::Int(r.margin.just_within as i64)),
                    ("fragile", Value::Bool(r.fragile())),
                    ("threshold_min", Value::Real(self.run.threshold)),
                    ("engine", Value::Str(self.run.engine.to_string())),
                ]
            })
            .collect();
        vec![Layer::table(stem, rows)]
    }

    /// The HTML report: the access run and the closure ranking.
    pub fn report(&self, lang: Lang, command: &str) -> Report<'_> {
        let mut r = self.run.report(lang, command, None);
        r.closures = Some(&self.ranked);
        r
    }
}
