//! The main job: the nearest facility and the drive time to it for every
//! commune in scope, time bands, déserts médicaux, the summary.

use std::collections::BTreeSet;

use super::{Context, Progress, seconds_since};
use crate::access::{Bands, PlaceAccess, Summary, is_beyond, nearest_sites, summarize};
use crate::communes::Scope;
use crate::engine::EngineInfo;
use crate::error::Result;
use crate::facilities::{FacilitySet, SetSource};
use crate::output::{
    Document, Feature, Geometry, GeometryKind, Layer, Record, Style, Value, split_by_geometry,
};
use crate::places::{Place, Site};
use crate::planner::{Change, diff};
use crate::report::{Facilities, Lang, Methods, Report, ScenarioView, Snapshot, Source, production_date};
use crate::route::Label;

/// The nearest facility of a set for every commune in scope.
#[derive(Debug, Clone)]
pub struct AccessRequest {
    pub facilities: FacilitySet,
    pub bands: Bands,
    /// Minutes beyond which a commune is flagged (strictly greater, or no
    /// facility reachable).
    pub threshold: f64,
}

impl AccessRequest {
    /// A request with the bands and threshold of the set's kind
    /// ([`crate::facilities::KINDS`]).
    pub fn with_kind_defaults(facilities: FacilitySet) -> Self {
        let d = facilities.kind.defaults();
        AccessRequest {
            bands: Bands {
                breaks: d.bands.to_vec(),
            },
            threshold: d.threshold_min,
            facilities,
        }
    }
}

/// Access of every commune in scope to a facility set.
#[derive(Debug, Clone)]
pub struct AccessResult {
    pub scope: Scope,
    /// The set the sites come from (kind, source, placement warnings).
    pub facilities: FacilitySet,
    /// The communes in scope, entered into the engine's graph.
    pub places: Vec<Place>,
    /// One output geometry per place: its polygon when loaded, else its
    /// origin.
    pub shapes: Vec<Geometry>,
    /// The facilities entered into the graph (same order as the set).
    pub sites: Vec<Site>,
    /// Nearest and second-nearest site per place.
    pub access: Vec<PlaceAccess>,
    pub summary: Summary,
    pub bands: Bands,
    pub threshold: f64,
    /// `engine=` value of every output row and summary
    /// ([`crate::engine::Engine::name`]).
    pub engine: String,
    pub engine_info: EngineInfo,
    /// Distance from each place's origin to the road (road networks only).
    pub snap_m: Vec<Option<f64>>,
    /// Places farther than the snap limit from any road (left unreachable).
    pub far_places: Vec<usize>,
    /// Distance from each site to the road (road networks only).
    pub site_snap_m: Vec<Option<f64>>,
    /// Sites farther than the snap limit from any road (left off the graph).
    pub far_sites: Vec<usize>,
}

/// Runs the access job.
///
/// # Examples
/// On the shipped data: Oloron-Sainte-Marie lost its maternity at the end
/// of 2016.
/// ```
/// use medaccess::jobs::{self, AccessRequest, Context, Data, FacilitySource, Silent};
/// use medaccess::Scope;
///
/// let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into()]), &Silent)?;
/// let in_2017 = ctx.facilities(&FacilitySource::Drees { year: 2017 })?;
/// let r = jobs::access::run(&ctx, &AccessRequest::with_kind_defaults(in_2017), &Silent)?;
/// assert_eq!(r.places.len(), 545);
/// assert_eq!(r.summary.total.population_beyond, 50_651); // beyond 40 min
/// # Ok::<(), medaccess::Error>(())
/// ```
pub fn run(ctx: &Context, req: &AccessRequest, progress: &dyn Progress) -> Result<AccessResult> {
    check_minutes(req.threshold, &req.bands)?;
    let t0 = std::time::Instant::now();
    let sites = ctx.enter_sites(&req.facilities)?;
    let entered = ctx.enter_places(&ctx.in_scope)?;
    let coverage = ctx.engine.check_coverage(&entered, &sites.items)?;
    let places = entered.items;
    let access = nearest_sites(ctx.engine.graph(), &sites.items, &places);
    let mut summary = summarize(&places, &access, &sites.items, &req.bands, req.threshold, 10);
    summary.warnings.extend(ctx.input_warnings.iter().cloned());
    summary.warnings.extend(coverage);
    progress.timing("nearest facility", seconds_since(t0));
    Ok(AccessResult {
        scope: ctx.scope.clone(),
        facilities: req.facilities.clone(),
        shapes: places.iter().map(|p| ctx.geometry(p)).collect(),
        places,
        sites: sites.items,
        access,
        summary,
        bands: req.bands.clone(),
        threshold: req.threshold,
        engine: ctx.engine.name(),
        engine_info: ctx.engine.info(),
        snap_m: entered.snap_m,
        far_places: entered.far,
        site_snap_m: sites.snap_m,
        far_sites: sites.far,
    })
}

/// Checks a threshold and band breaks: minutes in (0,
/// [`crate::access::MAX_MINUTES`]].
///
/// # Errors
/// A threshold or a break outside the range, or not a number.
pub fn check_minutes(threshold: f64, bands: &Bands) -> Result<()> {
    let max = crate::access::MAX_MINUTES;
    if !(threshold > 0.0 && threshold <= max) {
        return Err(crate::Error::parameter(
            "threshold",
            format!("a number of minutes in (0, {max}], not {threshold:?}"),
        ));
    }
    if let Some(b) = bands.breaks.iter().find(|&&b| !(b > 0.0 && b <= max)) {
        return Err(crate::Error::parameter(
            "bands",
            format!("{b:?} is not a number of minutes in (0, {max}]"),
        ));
    }
    Ok(())
}

impl AccessResult {
    /// The facility ids, in site order.
    pub fn site_ids(&self) -> Vec<&str> {
        self.sites.iter().map(|s| s.id.as_str()).collect()
    }

    /// Population of each place (0 when unknown).
    pub fn population(&self) -> Vec<u64> {
        self.places.iter().map(|p| p.population.unwrap_or(0)).collect()
    }

    /// One output row per place: the table behind the CSV and the GeoJSON
    /// properties, `engine` on every row; `snap_m` on road networks.
    pub fn records(&self) -> Vec<Record> {
        let site = |l: Label| (!l.is_none()).then(|| &self.sites[l.source as usize]);
        let with_snap = self.snap_m.iter().any(Option::is_some);
        self.places
            .iter()
            .zip(&self.access)
            .zip(&self.snap_m)
            .map(|((p, a), snap)| {
                let m = a.minutes();
                let (s1, s2) = (site(a.first), site(a.second));
                let mut r = vec![
                    ("insee", Value::Str(p.id.clone())),
                    ("name", Value::Str(p.name.clone())),
                    ("dep", Value::Str(p.dep.clone())),
                    ("population", Value::opt_int(p.population.map(|x| x as i64))),
                    ("facility_id", Value::opt_str(s1.map(|s| s.id.as_str()))),
                    ("facility_name", Value::opt_str(s1.map(|s| s.name.as_str()))),
                    ("minutes", Value::real(m, 2)),
                    ("band", Value::Str(self.bands.label(m))),
                    ("beyond_threshold", Value::Bool(is_beyond(m, self.threshold))),
                    ("threshold_min", Value::Real(self.threshold)),
                    ("second_facility_id", Value::opt_str(s2.map(|s| s.id.as_str()))),
                    ("second_minutes", Value::real(a.second.time_minutes(), 2)),
                    ("origin_lon", Value::real(Some(p.origin[0]), 6)),
                    ("origin_lat", Value::real(Some(p.origin[1]), 6)),
                    ("origin_source", Value::Str(p.origin_source.clone())),
                ];
                if with_snap {
                    r.push(("snap_m", Value::real(*snap, 1)));
                }
                r.push(("engine", Value::Str(self.engine.to_string())));
                r
            })
            .collect()
    }

    /// The layers of the run: `<stem>` (GeoJSON + style + CSV, one per
    /// département `<stem>-<dep>` with `split_by_dep`; communes without a
    /// polygon in `<stem>-points` when others have one, see
    /// [`split_by_geometry`]) and the sites as `<stem>-facilities`
    /// (GeoJSON + style). Legend labels in `lang`.
    pub fn layers(&self, stem: &str, split_by_dep: bool, lang: Lang) -> Vec<Layer> {
        let recs = self.records();
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        if split_by_dep {
            let mut by: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
            for (i, p) in self.places.iter().enumerate() {
                by.entry(p.dep.as_str()).or_default().push(i);
            }
            groups.extend(by.into_iter().map(|(d, v)| (format!("{stem}-{d}"), v)));
        } else {
            groups.push((stem.to_string(), (0..self.places.len()).collect()));
        }
        let style = band_style(&self.bands, lang);
        let mut layers: Vec<Layer> = groups
            .into_iter()
            .flat_map(|(name, idx)| {
                let feats: Vec<Feature> = idx
                    .iter()
                    .map(|&i| Feature {
                        geometry: self.shapes[i].clone(),
                        properties: recs[i].clone(),
                    })
                    .collect();
                split_by_geometry(
                    &name,
                    GeometryKind::MultiPolygon,
                    feats,
                    Some(style.clone()),
                    true,
                )
            })
            .collect();
        let kind = self.facilities.kind.defaults();
        let label = match &self.facilities.source {
            SetSource::Drees { year } => format!("{} (DREES {year})", kind.plural[lang_index(lang)]),
            _ => kind.plural[lang_index(lang)].to_string(),
        };
        layers.push(
            Layer::map(
                format!("{stem}-facilities"),
                GeometryKind::Point,
                site_features(&self.sites, &self.engine),
            )
            .styled(Style::Single {
                label,
                color: FACILITY_COLOR,
            }),
        );
        layers
    }

    /// The summary for the terminal and `<stem>-summary.txt`, under
    /// `title`.
    pub fn summary_text(&self, title: &str) -> String {
        format!(
            "{title}; engine={}\n{}",
            self.engine,
            self.summary.render(&self.places, &self.access, &self.sites)
        )
    }

    /// The placement warnings of the set as `<stem>-warnings.txt`, when
    /// there are any.
    pub fn warnings_document(&self, stem: &str) -> Option<Document> {
        let w = &self.facilities.warnings;
        (!w.is_empty())
            .then(|| Document::named(format!("{stem}-warnings.txt"), (w.join("\n") + "\n").into_bytes()))
    }

    /// The run as the report's main state.
    pub fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            places: &self.places,
            shapes: &self.shapes,
            sites: &self.sites,
            access: &self.access,
            bands: &self.bands,
            summary: &self.summary,
            supply: None,
        }
    }

    /// The report's methods section: engine, facility set, threshold,
    /// bands, and the `command` that ran.
    pub fn methods(&self, command: &str) -> Methods {
        Methods {
            engine: self.engine_info.kind.clone(),
            profile: self.engine_info.parameters.clone(),
            calibration: self.engine_info.calibration.clone(),
            facilities: Facilities {
                kind: self.facilities.kind,
                source: self.facilities.source.clone(),
            },
            facility_count: self.sites.len(),
            population_year: 2017,
            threshold_minutes: self.threshold,
            band_breaks: self.bands.breaks.clone(),
            sources: match self.facilities.source {
                SetSource::Drees { .. } => vec![Source::FinessEurostat],
                _ => vec![],
            },
            command: command.to_string(),
            notes: vec![],
        }
    }

    /// The HTML report of the run; with `after`, the comparison with a
    /// second run over the same communes (`--compare-year`).
    pub fn report<'a>(
        &'a self,
        lang: Lang,
        command: &str,
        after: Option<(&'a AccessResult, &'a [Change])>,
    ) -> Report<'a> {
        Report {
            lang,
            title: String::new(),
            scope: self.scope.title(),
            run: self.snapshot(),
            scenario: after.map(|(r1, changes)| ScenarioView {
                sites: &r1.sites,
                access: &r1.access,
                summary: &r1.summary,
                changes,
                facilities: Some(Facilities {
                    kind: r1.facilities.kind,
                    source: r1.facilities.source.clone(),
                }),
            }),
            closures: None,
            history: None,
            methods: self.methods(command),
            produced: production_date(),
            value_map: None,
            notices: vec![],
        }
    }
}

/// The colour of facility markers on the maps (the report draws them
/// dark too).
pub const FACILITY_COLOR: crate::output::Rgb = (40, 40, 160);

/// 0 for French, 1 for English: the index of the kind table's
/// `[french, english]` labels.
pub fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Fr => 0,
        Lang::En => 1,
    }
}

/// The style of every layer coloured by time band: one class per band of
/// the `band` field (`0-10`, …, `>60`), green to red, and a grey class for
/// the communes no facility can be reached from (islands without a ferry,
/// places off the road network): unreachable, not missing.
pub fn band_style(bands: &crate::access::Bands, lang: Lang) -> Style {
    let ordered = bands
        .labels()
        .into_iter()
        .map(|l| {
            let label = format!("{l} min");
            (l, label)
        })
        .collect();
    let unreachable = match lang {
        Lang::Fr => "injoignable",
        Lang::En => "unreachable",
    };
    Style::ramp_categories("band", ordered, Some(("unreachable".into(), unreachable.into())))
}

/// Facilities as points with their id, name, position source and engine.
pub fn site_features(sites: &[Site], engine: &str) -> Vec<Feature> {
    sites
        .iter()
        .map(|s| Feature {
            geometry: Geometry::Point(s.position),
            properties: vec![
                ("facility_id", Value::Str(s.id.clone())),
                ("name", Value::Str(s.name.clone())),
                ("dep", Value::Str(s.dep.clone())),
                ("position_source", Value::Str(s.position_source.clone())),
                ("on_graph", Value::Bool(!s.entries.is_empty())),
                ("engine", Value::Str(engine.to_string())),
            ],
        })
        .collect()
}

/// How access changed between two runs over the same communes (two DREES
/// years, or any two sets).
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Sites serving some commune in the first run and absent from the
    /// second: `(id, name)`.
    pub closed: Vec<(String, String)>,
    /// Sites serving some commune in the second run and absent from the
    /// first.
    pub opened: Vec<(String, String)>,
    /// Every commune whose nearest site or time changed.
    pub changes: Vec<Change>,
}

/// Compares two runs over the same communes (in the same order).
pub fn compare(r0: &AccessResult, r1: &AccessResult) -> Comparison {
    let (i0, i1) = (r0.site_ids(), r1.site_ids());
    // Only the sites that are or were nearest to some commune in scope.
    let serving = |r: &AccessResult| -> BTreeSet<u32> {
        r.access
            .iter()
            .filter(|x| !x.first.is_none())
            .map(|x| x.first.source)
            .collect()
    };
    let listed = |r: &AccessResult, serving: BTreeSet<u32>, other: &[&str]| {
        serving
            .iter()
            .map(|&i| &r.sites[i as usize])
            .filter(|s| !other.contains(&s.id.as_str()))
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect()
    };
    Comparison {
        closed: listed(r0, serving(r0), &i1),
        opened: listed(r1, serving(r1), &i0),
        changes: diff(&r0.access, &r1.access, &i0, &i1, r0.threshold),
    }
}
