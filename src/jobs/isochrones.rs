//! Isochrones: time bands to the nearest facility as polygons, with the
//! population of each band.

use super::access::{self, AccessRequest, AccessResult};
use super::catchments::place_polygons;
use super::{Context, Progress};
use crate::error::{Error, Result};
use crate::output::{Feature, Geometry, GeometryKind, Layer, Value};
use crate::planner::contours::{GridOptions, road_isochrones};
use crate::planner::polygons::dissolve;
use crate::report::Lang;

/// Time bands to the nearest site of a set.
#[derive(Debug, Clone)]
pub struct IsochronesRequest {
    pub access: AccessRequest,
    /// On a road network, the grid of travel times the bands are traced on
    /// (cell size, off-road speed); unused on the commune graph.
    pub grid: GridOptions,
}

/// One band.
#[derive(Debug, Clone, PartialEq)]
pub struct IsoBand {
    /// `0-10`, `>60`, `unreachable`.
    pub label: String,
    /// Lower and upper bounds in minutes (`None` for the unreachable band,
    /// and as the upper bound of the open last band).
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// The area; empty where none can be drawn (the unreachable band on a
    /// road network).
    pub area: geo::MultiPolygon<f64>,
    pub communes: usize,
    pub population: u64,
    /// Population of this band and every nearer one.
    pub population_cumulative: u64,
}

/// The access run and the bands holding some commune.
#[derive(Debug, Clone)]
pub struct IsochronesResult {
    pub run: AccessResult,
    pub bands: Vec<IsoBand>,
    /// Communes in scope with no polygon loaded (commune graph only).
    pub without_polygon: usize,
}

/// Largest grid cell, metres: a 10 km cell is already coarser than the
/// bands of a 10-minute step.
pub const MAX_CELL_M: f64 = 10_000.0;

/// Runs the isochrones. On the commune graph, bands are commune polygons
/// dissolved by band; on a road network, contours of a grid of travel
/// times over the reached roads (population per band still from the
/// communes' times).
///
/// # Examples
/// ```
/// use medaccess::jobs::{self, AccessRequest, Context, Data, FacilitySource, IsochronesRequest, Silent};
/// use medaccess::Scope;
///
/// let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent)?;
/// let set = ctx.facilities(&FacilitySource::Drees { year: 2023 })?;
/// let req = IsochronesRequest { access: AccessRequest::with_kind_defaults(set), grid: Default::default() };
/// let r = jobs::isochrones::run(&ctx, &req, &Silent)?;
/// assert_eq!(r.bands[0].label, "0-10");
/// assert_eq!(r.bands.last().unwrap().population_cumulative, 677_309);
/// # Ok::<(), medaccess::Error>(())
/// ```
pub fn run(ctx: &Context, req: &IsochronesRequest, progress: &dyn Progress) -> Result<IsochronesResult> {
    let g = &req.grid;
    if !(g.cell_m.is_finite() && (10.0..=MAX_CELL_M).contains(&g.cell_m)) {
        return Err(Error::parameter(
            "cell_m",
            format!(
                "the grid's cells are from 10 to {MAX_CELL_M} metres (default 250), not {}",
                g.cell_m
            ),
        ));
    }
    if !(g.off_road_kmh > 0.0 && g.off_road_kmh.is_finite()) {
        return Err(Error::parameter("off_road_kmh", "a positive speed, km/h"));
    }
    let run = access::run(ctx, &req.access, progress)?;
    let bands = &run.bands;
    let nb = bands.len() + 1; // + unreachable
    let group_of: Vec<Option<usize>> = run
        .access
        .iter()
        .map(|x| Some(bands.index(x.minutes()).unwrap_or(bands.len())))
        .collect();
    let mut without_polygon = 0;
    let shapes: Vec<geo::MultiPolygon<f64>> = match ctx.engine.road_network() {
        Some(net) => {
            let seeds = crate::access::site_seeds(&run.sites);
            let node_time: Vec<crate::units::Time> =
                crate::route::nearest(net.graph.backward(), &seeds, None)
                    .iter()
                    .map(|l| l.time)
                    .collect();
            let iso = road_isochrones(net, &node_time, &bands.breaks, g)?;
            let mut v: Vec<geo::MultiPolygon<f64>> = iso.into_iter().map(|b| b.area).collect();
            v.resize(nb, geo::MultiPolygon(vec![])); // the unreachable band has no area
            v
        }
        None => {
            let (polys, missing) = place_polygons(&run)?;
            without_polygon = missing;
            dissolve(&polys, &group_of, nb)
        }
    };
    let mut labels = bands.labels();
    labels.push("unreachable".into());
    let classes = bands.classes(240.0);
    let mut out = Vec::new();
    let mut cumulative = 0u64;
    for (b, area) in shapes.into_iter().enumerate() {
        let members: Vec<usize> = (0..run.places.len())
            .filter(|&i| group_of[i] == Some(b))
            .collect();
        if members.is_empty() {
            continue;
        }
        let population: u64 = members
            .iter()
            .map(|&i| run.places[i].population.unwrap_or(0))
            .sum();
        cumulative += population;
        let (lower, upper) = classes.get(b).map_or((None, None), |x| (Some(x.0), Some(x.1)));
        let upper = if b + 1 == bands.len() { None } else { upper };
        out.push(IsoBand {
            label: labels[b].clone(),
            lower,
            upper,
            area,
            communes: members.len(),
            population,
            population_cumulative: cumulative,
        });
    }
    Ok(IsochronesResult {
        run,
        bands: out,
        without_polygon,
    })
}

impl IsochronesResult {
    /// `<stem>` (GeoJSON + style): one feature per band.
    pub fn layers(&self, stem: &str, lang: Lang) -> Vec<Layer> {
        let feats = self
            .bands
            .iter()
            .map(|b| {
                Feature {
                    // no area (e.g. the unreachable band on a road network): null geometry
                    geometry: if b.area.0.is_empty() {
                        Geometry::None
                    } else {
                        Geometry::MultiPolygon(b.area.clone())
                    },
                    properties: vec![
                        ("band", Value::Str(b.label.clone())),
                        ("min_from", Value::real(b.lower, 1)),
                        ("min_to", Value::real(b.upper, 1)),
                        ("minutes", Value::real(b.lower.map(|l| l + 0.001), 3)),
                        ("communes", Value::Int(b.communes as i64)),
                        ("population", Value::Int(b.population as i64)),
                        (
                            "population_cumulative",
                            Value::Int(b.population_cumulative as i64),
                        ),
                        ("engine", Value::Str(self.run.engine.to_string())),
                    ],
                }
            })
            .collect();
        vec![
            Layer::map(stem, GeometryKind::MultiPolygon, feats)
                .styled(access::band_style(&self.run.bands, lang)),
        ]
    }
}
