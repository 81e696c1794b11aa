//! Catchments: the communes in scope dissolved by nearest facility.

use super::access::{self, AccessRequest, AccessResult};
use super::{Context, Progress};
use crate::error::{Error, Result};
use crate::output::{Feature, Geometry, GeometryKind, Layer, Style, Value};
use crate::planner::polygons::dissolve;

/// Dissolve the communes by nearest site of a set.
#[derive(Debug, Clone)]
pub struct CatchmentsRequest {
    pub access: AccessRequest,
}

/// One site's catchment.
#[derive(Debug, Clone, PartialEq)]
pub struct Catchment {
    /// Index into `run.sites`.
    pub site: usize,
    /// The member communes' polygons, dissolved.
    pub area: geo::MultiPolygon<f64>,
    pub communes: usize,
    pub population: u64,
    /// Births at the site (DREES), when known.
    pub births: Option<u32>,
    /// Population-weighted mean minutes over reachable members.
    pub mean_minutes: Option<f64>,
    pub max_minutes: Option<f64>,
}

/// The access run and a catchment per site serving some commune.
#[derive(Debug, Clone)]
pub struct CatchmentsResult {
    pub run: AccessResult,
    pub catchments: Vec<Catchment>,
    /// Communes in scope with no polygon loaded: left out of the areas,
    /// their population still counted.
    pub without_polygon: usize,
}

/// The polygon of each commune of a run; an error when none is loaded.
pub(super) fn place_polygons(run: &AccessResult) -> Result<(Vec<Option<&geo::MultiPolygon<f64>>>, usize)> {
    let polys: Vec<_> = run
        .shapes
        .iter()
        .map(|g| match g {
            Geometry::MultiPolygon(mp) => Some(mp),
            _ => None,
        })
        .collect();
    if polys.iter().all(Option::is_none) {
        return Err(Error::Invalid(
            "no commune polygons for this scope: pass --communes-dir ../shared/data/communes-france (folder with polygons/dep-XX.geojson)".into(),
        ));
    }
    let missing = polys.iter().filter(|p| p.is_none()).count();
    Ok((polys, missing))
}

/// Runs the catchments.
///
/// # Examples
/// ```
/// use medaccess::jobs::{self, AccessRequest, CatchmentsRequest, Context, Data, FacilitySource, Silent};
/// use medaccess::Scope;
///
/// let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent)?;
/// let set = ctx.facilities(&FacilitySource::Drees { year: 2023 })?;
/// let r = jobs::catchments::run(&ctx, &CatchmentsRequest { access: AccessRequest::with_kind_defaults(set) }, &Silent)?;
/// let people: u64 = r.catchments.iter().map(|c| c.population).sum();
/// assert_eq!(people, 677_309); // every inhabitant of 64 in one catchment
/// # Ok::<(), medaccess::Error>(())
/// ```
pub fn run(ctx: &Context, req: &CatchmentsRequest, progress: &dyn Progress) -> Result<CatchmentsResult> {
    let run = access::run(ctx, &req.access, progress)?;
    let (polys, without_polygon) = place_polygons(&run)?;
    let group_of: Vec<Option<usize>> = run
        .access
        .iter()
        .map(|x| (!x.first.is_none()).then_some(x.first.source as usize))
        .collect();
    let shapes = dissolve(&polys, &group_of, run.sites.len());
    let mut catchments = Vec::new();
    for (k, s) in run.sites.iter().enumerate() {
        let members: Vec<usize> = (0..run.places.len())
            .filter(|&i| group_of[i] == Some(k))
            .collect();
        if members.is_empty() {
            continue;
        }
        let pop = |i: usize| run.places[i].population.unwrap_or(0);
        let mins: Vec<(f64, u64)> = members
            .iter()
            .filter_map(|&i| run.access[i].minutes().map(|m| (m, pop(i))))
            .collect();
        let w: u64 = mins.iter().map(|x| x.1).sum();
        let mean = (w > 0).then(|| mins.iter().map(|(m, p)| m * *p as f64).sum::<f64>() / w as f64);
        let max = mins
            .iter()
            .map(|x| x.0)
            .fold(None, |a: Option<f64>, m| Some(a.map_or(m, |a| a.max(m))));
        let births = run
            .facilities
            .facilities
            .iter()
            .find(|f| f.id == s.id)
            .and_then(|f| f.births);
        catchments.push(Catchment {
            site: k,
            area: shapes[k].clone(),
            communes: members.len(),
            population: members.iter().map(|&i| pop(i)).sum(),
            births,
            mean_minutes: mean,
            max_minutes: max,
        });
    }
    Ok(CatchmentsResult {
        run,
        catchments,
        without_polygon,
    })
}

impl CatchmentsResult {
    /// `<stem>` (GeoJSON + style): one polygon per catchment, one colour
    /// each.
    pub fn layers(&self, stem: &str) -> Vec<Layer> {
        let feats = self
            .catchments
            .iter()
            .map(|c| {
                let s = &self.run.sites[c.site];
                Feature {
                    // no polygon loaded for its communes: no geometry
                    geometry: if c.area.0.is_empty() {
                        Geometry::None
                    } else {
                        Geometry::MultiPolygon(c.area.clone())
                    },
                    properties: vec![
                        ("facility_id", Value::Str(s.id.clone())),
                        ("facility_name", Value::Str(s.name.clone())),
                        ("communes", Value::Int(c.communes as i64)),
                        ("population", Value::Int(c.population as i64)),
                        ("births", Value::opt_int(c.births.map(|b| b as i64))),
                        ("mean_minutes", Value::real(c.mean_minutes, 2)),
                        ("max_minutes", Value::real(c.max_minutes, 2)),
                        ("engine", Value::Str(self.run.engine.to_string())),
                    ],
                }
            })
            .collect();
        // One colour per catchment (neighbours told apart), labelled with
        // the facility's name.
        let style = Style::distinct_categories(
            "facility_id",
            self.catchments
                .iter()
                .map(|c| {
                    let s = &self.run.sites[c.site];
                    (s.id.clone(), format!("{} ({})", s.name, s.id))
                })
                .collect(),
        );
        vec![Layer::map(stem, GeometryKind::MultiPolygon, feats).styled(style)]
    }
}
