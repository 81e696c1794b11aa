//! Where new sites bring the most people within the threshold.

use super::access::{self, AccessRequest, AccessResult};
use super::{Context, Progress};
use crate::error::{Error, Result};
use crate::output::{Feature, Geometry, GeometryKind, Layer, Style, Value};
use crate::places::{Entries, Place};
use crate::planner::choose_sites;
use crate::report::Lang;

/// Choose `add` new sites among candidate communes.
#[derive(Debug, Clone)]
pub struct SiteRequest {
    pub access: AccessRequest,
    /// Number of new sites to choose.
    pub add: usize,
    /// Candidate communes (INSEE codes); empty: every commune in scope.
    pub candidates: Vec<String>,
}

/// One chosen site.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteStep {
    /// The candidate commune (a new site at its town hall).
    pub commune: Place,
    /// Population brought within the threshold by this site, after the
    /// sites chosen before it.
    pub gain: u64,
    /// Communes brought within (indices into `run.places`).
    pub places: Vec<usize>,
    /// Population still beyond after this step.
    pub still_beyond: u64,
}

/// The access run and the sites chosen, in order.
#[derive(Debug, Clone)]
pub struct SiteResult {
    pub run: AccessResult,
    pub steps: Vec<SiteStep>,
    /// How many were asked (fewer are chosen when no candidate helps).
    pub asked: usize,
}

/// Chooses the sites: lazy greedy, marginal gain per step.
///
/// # Examples
/// ```
/// use medaccess::jobs::{self, AccessRequest, Context, Data, FacilitySource, SiteRequest, Silent};
/// use medaccess::Scope;
///
/// let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent)?;
/// let set = ctx.facilities(&FacilitySource::Drees { year: 2017 })?;
/// let req = SiteRequest { access: AccessRequest::with_kind_defaults(set), add: 2, candidates: vec![] };
/// let r = jobs::site::run(&ctx, &req, &Silent)?;
/// assert_eq!(r.steps.len(), 2);
/// assert!(r.steps[0].gain >= r.steps[1].gain);
/// # Ok::<(), medaccess::Error>(())
/// ```
pub fn run(ctx: &Context, req: &SiteRequest, progress: &dyn Progress) -> Result<SiteResult> {
    let run = access::run(ctx, &req.access, progress)?;
    let cand_idx: Vec<usize> = if req.candidates.is_empty() {
        ctx.in_scope.clone()
    } else {
        let mut v = Vec::new();
        for code in &req.candidates {
            v.push(ctx.places.index_of(&code.to_uppercase()).ok_or_else(|| {
                Error::Invalid(format!("--candidates: unknown INSEE commune code `{code}`"))
            })?);
        }
        v.sort_unstable();
        v.dedup();
        v
    };
    let cands: Vec<Entries> = ctx
        .enter_places(&cand_idx)?
        .items
        .into_iter()
        .map(|p| p.entries)
        .collect();
    let entries: Vec<Entries> = run.places.iter().map(|p| p.entries.clone()).collect();
    let chosen = choose_sites(
        ctx.engine.graph(),
        &cands,
        &entries,
        &run.population(),
        &run.access,
        run.threshold,
        req.add,
    );
    let mut left = run.summary.total.population_beyond;
    let steps = chosen
        .into_iter()
        .map(|s| {
            left -= s.gain;
            SiteStep {
                commune: ctx.places[cand_idx[s.candidate]].clone(),
                gain: s.gain,
                places: s.places,
                still_beyond: left,
            }
        })
        .collect();
    Ok(SiteResult {
        run,
        steps,
        asked: req.add,
    })
}

impl SiteResult {
    /// `<stem>` (GeoJSON points + CSV): one row per chosen site.
    pub fn layers(&self, stem: &str, lang: Lang) -> Vec<Layer> {
        let feats = self
            .steps
            .iter()
            .enumerate()
            .map(|(k, s)| Feature {
                geometry: Geometry::Point(s.commune.origin),
                properties: vec![
                    ("step", Value::Int(k as i64 + 1)),
                    ("insee", Value::Str(s.commune.id.clone())),
                    ("name", Value::Str(s.commune.name.clone())),
                    ("gain_population", Value::Int(s.gain as i64)),
                    ("gain_communes", Value::Int(s.places.len() as i64)),
                    ("still_beyond", Value::Int(s.still_beyond as i64)),
                    ("engine", Value::Str(self.run.engine.to_string())),
                ],
            })
            .collect();
        let label = match lang {
            Lang::Fr => "nouveaux sites (colonne step : ordre du choix)",
            Lang::En => "new sites (column step: order of choice)",
        };
        vec![
            Layer::map(stem, GeometryKind::Point, feats)
                .with_csv()
                .styled(Style::Single {
                    label: label.into(),
                    color: (227, 26, 28),
                }),
        ]
    }
}
