//! Close and open sites: before and after for every commune in scope.

use super::access::{self, AccessRequest, AccessResult};
use super::{Context, Progress};
use crate::access::is_beyond;
use crate::error::{Error, Result};
use crate::facilities::{
    Facility, FacilitySet, MaternityList, PositionSource, SetSource, check_lon_lat, close_maternities,
};
use crate::output::{Feature, GeometryKind, Layer, Record, Style, Value, split_by_geometry};
use crate::planner::{Change, diff};
use crate::report::{Lang, Report, ScenarioView};
use crate::route::Label;

/// A site to open in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum NewSite {
    /// A named site at `[lon, lat]` (WGS84 degrees).
    At { name: String, lon_lat: [f64; 2] },
    /// A site at the town hall of a commune (INSEE code).
    InCommune(String),
}

impl NewSite {
    /// Reads `NAME@LON:LAT` (or `NAME@LON LAT`) or an INSEE code.
    ///
    /// # Errors
    /// A position that is not two numbers in France.
    pub fn parse(spec: &str) -> Result<NewSite> {
        let spec = spec.trim();
        let Some((name, pos)) = spec.split_once('@') else {
            return Ok(NewSite::InCommune(spec.to_uppercase()));
        };
        let bad = |m: String| Error::Invalid(format!("--open `{spec}`: {m}"));
        let (x, y) = pos
            .split_once(':')
            .or_else(|| pos.split_once(' '))
            .ok_or_else(|| bad("expected NAME@LON:LAT".into()))?;
        let lon: f64 = x
            .trim()
            .parse()
            .map_err(|_| bad(format!("longitude `{x}` is not a number")))?;
        let lat: f64 = y
            .trim()
            .parse()
            .map_err(|_| bad(format!("latitude `{y}` is not a number")))?;
        check_lon_lat(lon, lat).map_err(bad)?;
        Ok(NewSite::At {
            name: name.trim().to_string(),
            lon_lat: [lon, lat],
        })
    }
}

/// Close some sites of a set and open new ones.
#[derive(Debug, Clone)]
pub struct ScenarioRequest {
    /// The access run before the change.
    pub access: AccessRequest,
    /// Ids of the sites to close (FINESS numbers for DREES sites).
    pub close: Vec<String>,
    /// Sites to open, named `NEW1`, `NEW2`… in order.
    pub open: Vec<NewSite>,
}

/// Access before and after the change, for the same communes.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub before: AccessResult,
    pub after: AccessResult,
    /// Every commune whose nearest site or time changed.
    pub changes: Vec<Change>,
    pub close: Vec<String>,
    pub open: Vec<NewSite>,
}

/// Runs the scenario.
///
/// # Examples
/// Closing Oloron's maternity in 2016 pushes 30,707 inhabitants of the
/// Pyrénées-Atlantiques beyond 40 minutes (as the 2017 DREES list does).
/// ```
/// use medaccess::jobs::{self, AccessRequest, Context, Data, FacilitySource, ScenarioRequest, Silent};
/// use medaccess::Scope;
///
/// let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent)?;
/// let set = ctx.facilities(&FacilitySource::Drees { year: 2016 })?;
/// let req = ScenarioRequest {
///     access: AccessRequest::with_kind_defaults(set),
///     close: vec!["640000410".into()],
///     open: vec![],
/// };
/// let r = jobs::scenario::run(&ctx, &req, &Silent)?;
/// assert_eq!(r.newly_beyond_population(), 30_707);
/// # Ok::<(), medaccess::Error>(())
/// ```
pub fn run(ctx: &Context, req: &ScenarioRequest, progress: &dyn Progress) -> Result<ScenarioResult> {
    if req.close.is_empty() && req.open.is_empty() {
        return Err(Error::Invalid(
            "say what changes: --close FINESS[,FINESS…] and/or --open NAME@LON:LAT|INSEE[,…]".into(),
        ));
    }
    let mut after = req.access.clone();
    let set = &req.access.facilities;
    after.facilities = match set.source {
        // a site not open that year: say which years the DREES list has it
        SetSource::Drees { year } => {
            let list = MaternityList::load(&ctx.paths.maternities)?;
            FacilitySet {
                facilities: close_maternities(&set.facilities, &req.close, &list, year)?,
                ..set.clone()
            }
        }
        _ => set.without(&req.close)?,
    };
    for (k, site) in req.open.iter().enumerate() {
        after.facilities.facilities.push(new_facility(ctx, site, k)?);
    }
    let before = access::run(ctx, &req.access, progress)?;
    let after = access::run(ctx, &after, progress)?;
    let changes = diff(
        &before.access,
        &after.access,
        &before.site_ids(),
        &after.site_ids(),
        before.threshold,
    );
    Ok(ScenarioResult {
        before,
        after,
        changes,
        close: req.close.clone(),
        open: req.open.clone(),
    })
}

/// The facility of a site to open, `NEW<k+1>`.
fn new_facility(ctx: &Context, site: &NewSite, k: usize) -> Result<Facility> {
    let (name, lon_lat, source, commune) = match site {
        NewSite::At { name, lon_lat } => (name.clone(), *lon_lat, PositionSource::File, None),
        NewSite::InCommune(code) => {
            let p = ctx.places.get(code).ok_or_else(|| {
                Error::Invalid(format!(
                    "--open `{code}`: not NAME@LON:LAT and not a known INSEE commune code"
                ))
            })?;
            (
                format!("new site in {}", p.name),
                p.origin,
                PositionSource::CommuneTownHall,
                Some(code.clone()),
            )
        }
    };
    Ok(Facility {
        id: format!("NEW{}", k + 1),
        name,
        commune,
        lon_lat,
        source,
        level: None,
        births: None,
        capacity: None,
    })
}

impl ScenarioResult {
    /// The scenario as a part of its files' names: `close-640000410`,
    /// `close-640000410-open-64422`…, or for longer or odd lists a short
    /// hash ([`crate::output::scenario_tag`]) with, as second value, the
    /// listing to write beside the files.
    pub fn file_tag(&self) -> (String, Option<String>) {
        let mut parts: Vec<String> = self.close.iter().map(|id| format!("close-{id}")).collect();
        parts.extend(self.open.iter().map(|o| match o {
            NewSite::InCommune(code) => format!("open-{code}"),
            NewSite::At { name, lon_lat } => format!("open-{name}@{}:{}", lon_lat[0], lon_lat[1]),
        }));
        let (tag, hashed) = crate::output::scenario_tag(&parts);
        let listing = hashed.then(|| {
            let name_of = |id: &str| {
                self.before
                    .sites
                    .iter()
                    .find(|s| s.id == id)
                    .map_or(String::new(), |s| format!(" {}", s.name))
            };
            let mut text = format!("scenario {tag}\n");
            for id in &self.close {
                text += &format!("close {id}{}\n", name_of(id));
            }
            let new = &self.after.sites[self.after.sites.len().saturating_sub(self.open.len())..];
            for s in new {
                text += &format!(
                    "open {} {} at {}, {}\n",
                    s.id, s.name, s.position[0], s.position[1]
                );
            }
            text
        });
        (tag, listing)
    }

    /// Population of the communes newly beyond the threshold.
    pub fn newly_beyond_population(&self) -> u64 {
        self.changes
            .iter()
            .filter(|c| c.newly_beyond)
            .map(|c| self.before.places[c.place].population.unwrap_or(0))
            .sum()
    }

    /// Before and after for commune `i`.
    fn record(&self, i: usize) -> Record {
        let (before, after) = (&self.before, &self.after);
        let t = before.threshold;
        let (bi, ai) = (before.site_ids(), after.site_ids());
        let (b, x) = (&before.access[i], &after.access[i]);
        let p = &before.places[i];
        let site = |ids: &[&str], l: Label| Value::opt_str((!l.is_none()).then(|| ids[l.source as usize]));
        let (mb, ma) = (b.minutes(), x.minutes());
        vec![
            ("insee", Value::Str(p.id.clone())),
            ("name", Value::Str(p.name.clone())),
            ("dep", Value::Str(p.dep.clone())),
            ("population", Value::opt_int(p.population.map(|x| x as i64))),
            ("before_facility_id", site(&bi, b.first)),
            ("before_minutes", Value::real(mb, 2)),
            ("after_facility_id", site(&ai, x.first)),
            ("after_minutes", Value::real(ma, 2)),
            ("delta_min", Value::real(mb.zip(ma).map(|(u, v)| v - u), 2)),
            ("beyond_before", Value::Bool(is_beyond(mb, t))),
            ("beyond_after", Value::Bool(is_beyond(ma, t))),
            ("newly_beyond", Value::Bool(!is_beyond(mb, t) && is_beyond(ma, t))),
            ("engine", Value::Str(before.engine.to_string())),
        ]
    }

    /// `<stem>` (CSV: every commune before and after) and `<stem>-changed`
    /// (GeoJSON + style on the minutes gained or lost: the communes that
    /// changed). Legend labels in `lang`.
    pub fn layers(&self, stem: &str, lang: Lang) -> Vec<Layer> {
        let all = Layer::table(
            stem,
            (0..self.before.places.len()).map(|i| self.record(i)).collect(),
        );
        let feats: Vec<Feature> = self
            .changes
            .iter()
            .map(|ch| Feature {
                geometry: self.before.shapes[ch.place].clone(),
                properties: self.record(ch.place),
            })
            .collect();
        let fr = lang == Lang::Fr;
        let labels = vec![
            if fr {
                "plus près (< 0 min)"
            } else {
                "nearer (< 0 min)"
            }
            .to_string(),
            "+0–5 min".into(),
            "+5–10 min".into(),
            "+10–20 min".into(),
            "+20–30 min".into(),
            if fr { "+30 min ou plus" } else { "+30 min or more" }.to_string(),
        ];
        let null = if fr {
            "injoignable avant ou après"
        } else {
            "unreachable before or after"
        };
        let style = Style::ramp_ranges(
            "delta_min",
            vec![0.0, 5.0, 10.0, 20.0, 30.0],
            labels,
            Some(null.into()),
            false,
        );
        let mut layers = vec![all];
        layers.extend(split_by_geometry(
            &format!("{stem}-changed"),
            GeometryKind::MultiPolygon,
            feats,
            Some(style),
            false,
        ));
        layers
    }

    /// The HTML report: before as the main state, after as the scenario.
    pub fn report(&self, lang: Lang, command: &str) -> Report<'_> {
        let mut r = self.before.report(lang, command, None);
        r.scenario = Some(ScenarioView {
            sites: &self.after.sites,
            access: &self.after.access,
            summary: &self.after.summary,
            changes: &self.changes,
            facilities: None,
        });
        r
    }
}
