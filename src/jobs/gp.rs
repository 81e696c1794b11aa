//! GP access: minutes to the nearest GP, GPs within 10/20/30 minutes, and
//! the two-step floating catchment (2SFCA) of the DREES APL for every
//! commune in scope.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::{Context, Progress, seconds_since};
use crate::access::{Bands, PlaceAccess, Summary, summarize};
use crate::engine::EngineInfo;
use crate::error::{Error, Result};
use crate::facilities::FacilitySet;
use crate::gp::{
    Decay, GpModel, GpTable, PER_100K, SupplyChange, SupplySite, read_demand_weights, sites_from_communes,
    weighted_population,
};
use crate::output::{Feature, Geometry, GeometryKind, Layer, Record, Style, Value, split_by_geometry};
use crate::places::{Place, Site};
use crate::report::{Facilities, Lang, Methods, Report, Snapshot, ValueMap, production_date};
use crate::route::Label;
use crate::units::{NodeId, minutes};

/// GP access over the whole country (GPs across a département border
/// count), reported for the communes in scope.
#[derive(Debug, Clone)]
pub struct GpRequest {
    /// GPs, one facility per commune with its count as capacity
    /// ([`super::FacilitySource::Bpe`] or
    /// [`super::FacilitySource::Practitioners`]).
    pub supply: FacilitySet,
    pub decay: Decay,
    /// The decay as the user wrote it (`drees`, `gaussian:20`…), for titles.
    pub decay_name: String,
    /// Count GPs within these minutes.
    pub within: Vec<f64>,
    /// Consultations per GP and year, to express the value as DREES does.
    pub consultations_per_gp: f64,
    /// Under-served below this many consultations per inhabitant per year.
    pub under_served: f64,
    /// GPs added (positive) or removed (negative) per commune (INSEE code):
    /// the change of the 2SFCA value of every commune, exactly.
    pub changes: Vec<(String, f64)>,
    /// Age-standardised demand: a weight per commune multiplying its
    /// population (CSV and its weight column).
    pub demand_weights: Option<(PathBuf, String)>,
}

/// GP access of every commune in scope.
#[derive(Debug, Clone)]
pub struct GpResult {
    pub scope: crate::communes::Scope,
    /// What was asked (supply, decay, thresholds, changes).
    pub request: GpRequest,
    /// The communes in scope, entered into the graph.
    pub places: Vec<Place>,
    pub shapes: Vec<Geometry>,
    /// Per commune in scope, its demand unit (index into `table.rows`),
    /// `None` when it does not enter the graph.
    pub unit_of: Vec<Option<usize>>,
    /// Every demand unit's access (units are the communes of France that
    /// enter the graph).
    pub table: GpTable,
    /// The communes of the units, `(INSEE code, name, département, town hall)`.
    pub units: Vec<(String, String, String, [f64; 2])>,
    /// The supply sites (one per commune with GPs).
    pub sites: Vec<SupplySite>,
    /// With `changes`: the change of the 2SFCA value per unit.
    pub delta: Option<Vec<f64>>,
    /// Communes with GPs that are not demand units (merged since the
    /// supply's vintage, or off the road network), INSEE codes.
    pub unmatched: Vec<String>,
    /// Communes without a demand weight (weight 1 kept).
    pub without_weight: usize,
    /// What the inputs hold that a user should know (the context's, and a
    /// road network that misses the scope, run anyway).
    pub warnings: Vec<String>,
    /// `engine=` value of every output row and summary
    /// ([`crate::engine::Engine::name`]).
    pub engine: String,
    pub engine_info: EngineInfo,
}

/// The name of a GP run's files and layers: `gp-access-<scope>`, then
/// the changes (`-add-64104x2-remove-…`, hashed when long, see
/// [`crate::output::scenario_tag`]), so that a scenario replaces neither
/// the plain run nor another one. `add` and `remove` as the command line
/// takes them (`64104:2`). Returns the name and, when the changes were
/// too many to spell out, the hash that stands for them (then the caller
/// lists them beside the outputs).
///
/// ```
/// use medaccess::jobs::gp::output_stem;
/// assert_eq!(output_stem("64", &["64104:2".into()], &[]), ("gp-access-64-add-64104x2".into(), None));
/// assert_eq!(output_stem("64-65", &[], &[]), ("gp-access-64-65".into(), None));
/// ```
pub fn output_stem(scope_tag: &str, add: &[String], remove: &[String]) -> (String, Option<String>) {
    let stem = format!("gp-access-{scope_tag}");
    let parts: Vec<String> = add
        .iter()
        .map(|x| format!("add-{}", x.replace(':', "x")))
        .chain(remove.iter().map(|x| format!("remove-{}", x.replace(':', "x"))))
        .collect();
    if parts.is_empty() {
        return (stem, None);
    }
    let (tag, hashed) = crate::output::scenario_tag(&parts);
    (format!("{stem}-{tag}"), hashed.then_some(tag))
}

/// The `--add` and `--remove` lists as the command line and Python spell
/// them, `INSEE:COUNT` (`64104:2`): each commune code (trimmed, upper
/// case) with its number of GPs, added positive, removed negative, in that
/// order.
///
/// ```
/// use medaccess::jobs::gp::parse_changes;
/// let add = vec!["64104:2".to_string()];
/// let remove = vec![" 2a004 : 0.5".to_string()];
/// assert_eq!(
///     parse_changes(&add, &remove).unwrap(),
///     vec![("64104".to_string(), 2.0), ("2A004".to_string(), -0.5)]
/// );
/// let e = parse_changes(&["64104".into()], &[]).unwrap_err().to_string();
/// assert!(e.contains("--add `64104`") && e.contains("INSEE:COUNT"), "{e}");
/// let e = parse_changes(&[], &["64104:-1".into()]).unwrap_err().to_string();
/// assert!(e.contains("--remove `64104:-1`"), "{e}");
/// ```
///
/// # Errors
/// [`Error::Invalid`] for the first change without a colon or whose count
/// is not a number between 0 (excluded) and
/// [`crate::gp::MAX_GPS_PER_COMMUNE`], naming the flag, what was written
/// and the expected form.
pub fn parse_changes(add: &[String], remove: &[String]) -> Result<Vec<(String, f64)>> {
    add.iter()
        .map(|s| parse_change(s, "--add", 1.0))
        .chain(remove.iter().map(|s| parse_change(s, "--remove", -1.0)))
        .collect()
}

/// One change of [`parse_changes`], its count times `sign`.
fn parse_change(spec: &str, flag: &str, sign: f64) -> Result<(String, f64)> {
    let (code, k) = spec
        .split_once(':')
        .ok_or_else(|| Error::Invalid(format!("{flag} `{spec}`: expected INSEE:COUNT, e.g. 64422:3")))?;
    let k: f64 = k
        .trim()
        .parse()
        .ok()
        .filter(|k: &f64| k.is_finite() && *k > 0.0 && *k <= crate::gp::MAX_GPS_PER_COMMUNE)
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{flag} `{spec}`: `{}` is not a number of GPs above 0 and at most {} (the most a commune may have)",
                k.trim(),
                crate::gp::MAX_GPS_PER_COMMUNE
            ))
        })?;
    Ok((code.trim().to_uppercase(), sign * k))
}

/// Columns of the commune layer of a GP run counting GPs within `within`
/// numbers of minutes (and a `delta_gp_per_100k` column with `changes`),
/// in a GeoPackage (`fid` and `geom` included): see [`GpResult`]'s rows.
pub fn layer_columns(within: usize, changes: bool) -> usize {
    // fid, geom, insee, name, dep, population, nearest_gp_min, the counts,
    // gp_per_100k, apl_consultations, under_served, [delta], engine (as
    // `GpResult::record` makes them: a test checks the two agree)
    11 + within + usize::from(changes)
}

/// Refuses, before any work, a GeoPackage whose commune layer would have
/// more columns than a GeoPackage table may hold
/// ([`crate::output::GPKG_MAX_COLUMNS`]).
///
/// # Errors
/// Too many `--within` values for a GeoPackage.
pub fn check_gpkg_columns(within: usize, changes: bool) -> Result<()> {
    let max = crate::output::GPKG_MAX_COLUMNS;
    let n = layer_columns(within, changes);
    if n > max {
        return Err(Error::Invalid(format!(
            "--within: {within} numbers of minutes make a commune layer of {n} columns, more than the {max} \
             a GeoPackage table may hold: give at most {} with --format gpkg, or write csv or geojson",
            within - (n - max)
        )));
    }
    Ok(())
}

/// Runs the GP job.
///
/// # Examples
/// ```
/// use medaccess::jobs::{self, Context, Data, FacilitySource, GpRequest, Silent};
/// use medaccess::Scope;
///
/// let ctx = Context::load(&Data::default(), Scope::Departements(vec!["64".into(), "65".into()]), &Silent)?;
/// let req = GpRequest {
///     supply: ctx.facilities(&FacilitySource::Bpe { path: None })?,
///     decay: medaccess::gp::Decay::drees(),
///     decay_name: "drees".into(),
///     within: vec![10.0, 20.0, 30.0],
///     consultations_per_gp: 5400.0,
///     under_served: 2.5,
///     changes: vec![],
///     demand_weights: None,
/// };
/// let r = jobs::gp::run(&ctx, &req, &Silent)?;
/// assert_eq!(r.places.len(), 1014);
/// assert_eq!(r.summary().under_served_communes, 333);
/// # Ok::<(), medaccess::Error>(())
/// ```
pub fn run(ctx: &Context, req: &GpRequest, progress: &dyn Progress) -> Result<GpResult> {
    if req
        .within
        .iter()
        .any(|m| !m.is_finite() || *m <= 0.0 || *m > 120.0)
    {
        return Err(Error::parameter("within", "minutes must be between 0 and 120"));
    }
    let mut sorted = req.within.clone();
    sorted.sort_by(f64::total_cmp);
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::parameter("within", "each number of minutes once"));
    }
    if !(req.consultations_per_gp.is_finite() && req.consultations_per_gp > 0.0) {
        return Err(Error::parameter(
            "consultations_per_gp",
            "consultations per GP and year, a positive number",
        ));
    }
    if !(req.under_served.is_finite() && req.under_served >= 0.0) {
        return Err(Error::parameter(
            "under_served",
            "consultations per inhabitant per year, a number >= 0",
        ));
    }
    let Demand {
        units,
        codes,
        nodes,
        population,
        sites,
        unmatched,
        without_weight,
        entered,
        warnings,
    } = demand(ctx, &req.supply, req.demand_weights.as_ref())?;
    let changes: Vec<SupplyChange> = req
        .changes
        .iter()
        .map(|(code, delta)| {
            let code = code.trim().to_uppercase();
            let unit = codes.binary_search(&code).map_err(|_| {
                let flag = if *delta > 0.0 { "--add" } else { "--remove" };
                Error::Invalid(format!("{flag} `{code}`: unknown INSEE commune code `{code}`"))
            })?;
            Ok(SupplyChange {
                unit: unit as u32,
                delta: *delta,
            })
        })
        .collect::<Result<_>>()?;
    let max_within = req.within.iter().cloned().fold(0.0, f64::max);
    let reach = (req.decay.limit() as f64 / 600.0).max(max_within);
    let t0 = std::time::Instant::now();
    let model = GpModel::new(
        ctx.engine.graph(),
        nodes,
        population,
        sites,
        req.decay.clone(),
        minutes(reach),
    )?;
    let thresholds: Vec<_> = req.within.iter().map(|&m| minutes(m)).collect();
    let under = req.under_served / req.consultations_per_gp * PER_100K;
    let table = GpTable::new(&model, &thresholds, PER_100K, under)?;
    progress.timing("2SFCA", seconds_since(t0));
    // Removing more GPs than a commune has: said with its code and count
    // here (the model only knows its demand units).
    for (k, c) in changes.iter().enumerate() {
        if changes[..k].iter().any(|d| d.unit == c.unit) {
            continue;
        }
        let has: f64 = model
            .sites()
            .iter()
            .filter(|s| s.home == Some(c.unit))
            .map(|s| s.supply)
            .sum();
        let change: f64 = changes.iter().filter(|d| d.unit == c.unit).map(|d| d.delta).sum();
        if has + change < -1e-9 {
            return Err(Error::Invalid(format!(
                "--remove: commune {} has {has} GPs in the supply; the changes remove {}: remove at most {has}",
                codes[c.unit as usize], -change
            )));
        }
    }
    let delta = if changes.is_empty() {
        None
    } else {
        Some(model.scenario(&changes)?)
    };
    let unit_of: HashMap<usize, usize> = units.iter().enumerate().map(|(u, &i)| (i, u)).collect();
    let places: Vec<Place> = ctx.in_scope.iter().map(|&i| entered[i].clone()).collect();
    Ok(GpResult {
        scope: ctx.scope.clone(),
        request: req.clone(),
        shapes: places.iter().map(|p| ctx.geometry(p)).collect(),
        places,
        unit_of: ctx.in_scope.iter().map(|i| unit_of.get(i).copied()).collect(),
        table,
        units: units
            .iter()
            .map(|&i| {
                let p = &ctx.places[i];
                (p.id.clone(), p.name.clone(), p.dep.clone(), p.origin)
            })
            .collect(),
        sites: model.sites().to_vec(),
        delta,
        unmatched,
        without_weight,
        warnings,
        engine: ctx.engine.name(),
        engine_info: ctx.engine.info(),
    })
}

/// The demand and supply of a 2SFCA over the whole country, as the GP job
/// and the sweeps build it: every commune that enters the graph is a demand
/// unit standing at its first entry node; supply sits on the units of the
/// communes that have some.
pub struct Demand {
    /// Indices into [`Context::places`] of the demand units.
    pub units: Vec<usize>,
    /// INSEE code of each unit (sorted, as the places are).
    pub codes: Vec<String>,
    /// Graph node of each unit.
    pub nodes: Vec<NodeId>,
    /// Population of each unit, times its demand weight when given.
    pub population: Vec<f64>,
    /// One supply site per unit with supply, in unit order.
    pub sites: Vec<SupplySite>,
    /// Communes with supply that are not units, sorted INSEE codes.
    pub unmatched: Vec<String>,
    /// Units without a demand weight (weight 1 kept).
    pub without_weight: usize,
    /// Every place of the context entered into the graph.
    pub entered: Vec<Place>,
    /// The context's input warnings, then the road network's coverage of
    /// the communes in scope.
    pub warnings: Vec<String>,
}

/// Builds the [`Demand`] of a context for a supply set.
///
/// # Errors
/// A place that cannot be entered, an unreadable demand-weight file.
pub fn demand(
    ctx: &Context,
    supply: &FacilitySet,
    demand_weights: Option<&(PathBuf, String)>,
) -> Result<Demand> {
    // Communes that do not enter the graph (off a regional road network)
    // are left out.
    let all: Vec<usize> = (0..ctx.places.len()).collect();
    let entered = ctx.enter_places(&all)?;
    let mut warnings = ctx.input_warnings.clone();
    {
        // the communes in scope must reach a road network
        let far: Vec<usize> = (0..ctx.in_scope.len())
            .filter(|&k| entered.far.binary_search(&ctx.in_scope[k]).is_ok())
            .collect();
        let scope = crate::engine::Entered {
            items: ctx.in_scope.iter().map(|&i| entered.items[i].clone()).collect(),
            snap_m: ctx.in_scope.iter().map(|&i| entered.snap_m[i]).collect(),
            far,
        };
        warnings.extend(ctx.engine.check_coverage(&scope, &[])?);
    }
    let units: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| !entered.items[i].entries.is_empty())
        .collect();
    let codes: Vec<String> = units.iter().map(|&i| ctx.places[i].id.clone()).collect();
    let nodes: Vec<NodeId> = units.iter().map(|&i| entered.items[i].entries[0].0).collect();
    let mut population: Vec<f64> = units
        .iter()
        .map(|&i| ctx.places[i].population.unwrap_or(0) as f64)
        .collect();
    let mut without_weight = 0;
    if let Some((path, column)) = demand_weights {
        let weights = read_demand_weights(path, None, column)?;
        let (weighted, missing) = weighted_population(&codes, &population, &weights);
        without_weight = missing.len();
        population = weighted;
    }
    let by_commune = supply.supply_by_commune();
    warnings.extend(coverage_warnings(ctx, &by_commune));
    let (sites, unmatched) = sites_from_communes(&by_commune, &codes, &nodes);
    let mut unmatched: Vec<String> = unmatched
        .into_iter()
        .map(|u| u.0)
        .chain(supply.unplaced.iter().cloned())
        .collect();
    unmatched.sort();
    Ok(Demand {
        units,
        codes,
        nodes,
        population,
        sites,
        unmatched,
        without_weight,
        entered: entered.items,
        warnings,
    })
}

/// What the supply cannot say of the scope: no GP at all, or none in a
/// département of the scope (INSEE's BPE file shipped has no Paris row;
/// a file of one's own may cover a few départements only), where every
/// commune would come out under-served for want of data.
fn coverage_warnings(ctx: &Context, by_commune: &std::collections::BTreeMap<String, f64>) -> Vec<String> {
    let total: f64 = by_commune.values().sum();
    if total <= 0.0 {
        return vec![
            "the GP supply holds no GP (an empty file, or every count 0): every commune comes out under-served; \
             check the supply file"
                .into(),
        ];
    }
    let covered: std::collections::BTreeSet<&str> = by_commune
        .iter()
        .filter(|(_, n)| **n > 0.0)
        .filter_map(|(c, _)| ctx.places.get(c).map(|p| p.dep.as_str()))
        .collect();
    let mut missing: Vec<&str> = ctx
        .in_scope
        .iter()
        .map(|&i| ctx.places[i].dep.as_str())
        .filter(|d| !covered.contains(d))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if missing.is_empty() {
        return Vec::new();
    }
    let (many, them) = (missing.len() > 1, if missing.len() > 1 { "them" } else { "it" });
    vec![format!(
        "the GP supply has no GP in {} {}: {} communes count only GPs across {} and come out under-served for \
         want of data (INSEE's BPE file shipped has no Paris row); give a supply that covers {them} (--supply or \
         --practitioners) or leave {them} out of the scope",
        if many { "départements" } else { "département" },
        missing.join(", "),
        if many { "their" } else { "its" },
        if many { "their borders" } else { "its border" },
    )]
}

/// What the terminal summary of a GP run says.
#[derive(Debug, Clone, PartialEq)]
pub struct GpSummary {
    pub communes: usize,
    pub population: u64,
    pub under_served_communes: usize,
    pub under_served_population: u64,
    /// Population more than 30 minutes from a GP (or with none reachable).
    pub beyond_30_population: u64,
    /// Per département: (population, under-served population).
    pub by_dep: BTreeMap<String, (u64, u64)>,
    /// Units whose value changed, by decreasing change: (unit, change per
    /// 100,000).
    pub changed: Vec<(usize, f64)>,
}

impl GpResult {
    /// The access of commune `i` in scope, when it is a demand unit.
    fn row(&self, i: usize) -> Option<(usize, &crate::gp::GpRow)> {
        self.unit_of[i].map(|u| (u, &self.table.rows[u]))
    }

    /// The totals printed after a run.
    pub fn summary(&self) -> GpSummary {
        let under = |i: usize| self.row(i).is_some_and(|r| r.1.under_served);
        let pop = |i: usize| self.places[i].population.unwrap_or(0);
        let n = self.places.len();
        let mut by_dep: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for i in 0..n {
            let e = by_dep.entry(self.places[i].dep.clone()).or_default();
            e.0 += pop(i);
            if under(i) {
                e.1 += pop(i);
            }
        }
        let changed = self
            .delta
            .as_ref()
            .map(|d| {
                let mut c: Vec<usize> = (0..d.len()).filter(|&i| d[i].abs() > 1e-12).collect();
                c.sort_by(|&x, &y| d[y].abs().total_cmp(&d[x].abs()).then(x.cmp(&y)));
                c.into_iter().map(|u| (u, d[u] * PER_100K)).collect()
            })
            .unwrap_or_default();
        GpSummary {
            communes: n,
            population: (0..n).map(pop).sum(),
            under_served_communes: (0..n).filter(|&i| under(i)).count(),
            under_served_population: (0..n).filter(|&i| under(i)).map(pop).sum(),
            beyond_30_population: (0..n)
                .filter(|&i| {
                    self.row(i)
                        .and_then(|r| r.1.nearest_minutes)
                        .is_none_or(|m| m > 30.0)
                })
                .map(pop)
                .sum(),
            by_dep,
            changed,
        }
    }

    /// One row per commune in scope.
    fn record(&self, i: usize) -> Record {
        let p = &self.places[i];
        let r = self.row(i);
        let mut props: Record = vec![
            ("insee", Value::Str(p.id.clone())),
            ("name", Value::Str(p.name.clone())),
            ("dep", Value::Str(p.dep.clone())),
            ("population", Value::opt_int(p.population.map(|p| p as i64))),
            (
                "nearest_gp_min",
                Value::real(r.and_then(|r| r.1.nearest_minutes), 2),
            ),
        ];
        for (k, &m) in self.request.within.iter().enumerate() {
            props.push((within_name(m), Value::real(r.map(|r| r.1.within[k]), 2)));
        }
        props.extend([
            ("gp_per_100k", Value::real(r.map(|r| r.1.accessibility), 2)),
            (
                "apl_consultations",
                Value::real(
                    r.map(|r| r.1.accessibility / PER_100K * self.request.consultations_per_gp),
                    2,
                ),
            ),
            ("under_served", Value::Bool(r.is_some_and(|r| r.1.under_served))),
        ]);
        if let Some(d) = &self.delta {
            props.push(("delta_gp_per_100k", Value::real(r.map(|r| d[r.0] * PER_100K), 3)));
        }
        props.push(("engine", Value::Str(self.engine.to_string())));
        props
    }

    /// `<stem>` (GeoJSON + CSV + style on the APL-style value; communes
    /// without a polygon in `<stem>-points` when others have one). Legend
    /// labels in `lang`.
    pub fn layers(&self, stem: &str, lang: Lang) -> Vec<Layer> {
        let feats: Vec<Feature> = (0..self.places.len())
            .map(|i| Feature {
                geometry: self.shapes[i].clone(),
                properties: self.record(i),
            })
            .collect();
        let fr = lang == Lang::Fr;
        let unit = if fr {
            "consultations/hab./an"
        } else {
            "consultations/inhabitant/year"
        };
        // the classes of the report's map (APL_CLASSES), low to high, open
        // at both ends
        let mut breaks: Vec<f64> = APL_CLASSES.iter().map(|c| c.0).filter(|&lo| lo > 0.0).collect();
        breaks.sort_by(f64::total_cmp);
        let n = breaks.len();
        let labels: Vec<String> = (0..=n)
            .map(|i| match i {
                0 => format!("< {} {unit}", breaks[0]),
                i if i == n => format!(">= {} {unit}", breaks[n - 1]),
                i => format!("{}–{} {unit}", breaks[i - 1], breaks[i]),
            })
            .collect();
        let null = if fr {
            "sans valeur (hors du graphe)"
        } else {
            "no value (off the graph)"
        };
        let style = Style::ramp_ranges("apl_consultations", breaks, labels, Some(null.into()), true);
        split_by_geometry(stem, GeometryKind::MultiPolygon, feats, Some(style), true)
    }

    /// The supply sites as report sites: GP communes.
    fn report_sites(&self) -> Vec<Site> {
        self.sites
            .iter()
            .map(|site| {
                let c = site.home.map(|u| &self.units[u as usize]);
                Site {
                    id: c.map_or_else(|| format!("node {}", site.node), |c| c.0.clone()),
                    name: c.map_or_else(String::new, |c| c.1.clone()),
                    dep: c.map_or_else(String::new, |c| c.2.clone()),
                    position: c.map_or([0.0, 0.0], |c| c.3),
                    position_source: "commune-town-hall".into(),
                    entries: vec![(site.node, 0)],
                }
            })
            .collect()
    }

    /// The report's view of the run: minutes to the nearest GP as the
    /// nearest facility, the GP kind's bands and threshold.
    pub fn report_data(&self) -> GpReportData {
        let sites = self.report_sites();
        let access: Vec<PlaceAccess> = (0..self.places.len())
            .map(|i| {
                let first = self
                    .row(i)
                    .and_then(|(_, r)| {
                        Some(Label {
                            time: minutes(r.nearest_minutes?),
                            source: r.nearest_site?,
                        })
                    })
                    .unwrap_or(Label::NONE);
                PlaceAccess {
                    first,
                    second: Label::NONE,
                }
            })
            .collect();
        let d = self.request.supply.kind.defaults();
        let bands = Bands {
            breaks: d.bands.to_vec(),
        };
        let summary = summarize(&self.places, &access, &sites, &bands, d.threshold_min, 10);
        GpReportData {
            sites,
            access,
            bands,
            threshold: d.threshold_min,
            summary,
            supply: self.sites.iter().map(|s| s.supply).collect(),
        }
    }

    /// The HTML report, from [`GpResult::report_data`].
    pub fn report<'a>(&'a self, data: &'a GpReportData, lang: Lang, command: &str) -> Report<'a> {
        let s = self.summary();
        Report {
            lang,
            title: String::new(),
            scope: self.scope.title(),
            run: Snapshot {
                places: &self.places,
                shapes: &self.shapes,
                sites: &data.sites,
                access: &data.access,
                bands: &data.bands,
                summary: &data.summary,
                supply: Some(&data.supply),
            },
            scenario: None,
            closures: None,
            history: None,
            methods: Methods {
                engine: self.engine_info.kind.clone(),
                profile: self.engine_info.parameters.clone(),
                calibration: self.engine_info.calibration.clone(),
                facilities: Facilities {
                    kind: self.request.supply.kind,
                    source: self.request.supply.source.clone(),
                },
                // GPs (head count), not the communes that have some
                facility_count: self.sites.iter().map(|s| s.supply).sum::<f64>().round() as usize,
                population_year: 2017,
                threshold_minutes: data.threshold,
                band_breaks: data.bands.breaks.clone(),
                sources: vec![],
                command: command.to_string(),
                notes: vec![self.apl_note(lang, &s)],
            },
            produced: production_date(),
            value_map: Some(self.apl_map(lang)),
            notices: self.notices(lang),
        }
    }
}

/// The classes of the 2SFCA value in consultations per inhabitant and year,
/// best first (the colour ramp's order): the QGIS style and the report's
/// map draw the same.
const APL_CLASSES: [(f64, f64); 5] = [(4.5, 100.0), (3.5, 4.5), (2.5, 3.5), (1.5, 2.5), (0.0, 1.5)];

impl GpResult {
    /// The method's sentence on the 2SFCA value, in `lang`.
    fn apl_note(&self, lang: Lang, s: &GpSummary) -> String {
        let r = &self.request;
        let (n, under, per_gp) = (
            lang.int(s.under_served_communes as u64),
            lang.dec(r.under_served, 1),
            lang.int(r.consultations_per_gp.round() as u64),
        );
        match lang {
            Lang::Fr => format!(
                "Accessibilité potentielle localisée (2SFCA, décroissance {})\u{A0}: chaque médecin offre {per_gp}\u{A0}consultations par an, partagées entre les habitants qui l'atteignent, pondérés par la décroissance avec le temps\u{A0}; {n}\u{A0}communes sous {under}\u{A0}consultations par habitant et par an (sous-dotées). Valeur par commune dans le GeoJSON/CSV.",
                r.decay_name
            ),
            Lang::En => format!(
                "Local potential accessibility (2SFCA, {} decay): each GP offers {per_gp} consultations a year, shared among the residents who reach them, weighted by the decay with time; {n} communes below {under} consultations per inhabitant per year (under-served). Value per commune in the GeoJSON/CSV.",
                r.decay_name
            ),
        }
    }

    /// The 2SFCA value of every commune in scope, in classes, as a map.
    fn apl_map(&self, lang: Lang) -> ValueMap {
        let per_gp = self.request.consultations_per_gp;
        let last = APL_CLASSES.len() - 1;
        let classes = APL_CLASSES
            .iter()
            .enumerate()
            .map(|(i, &(lo, hi))| {
                let (l, h) = (lang.dec(lo, 1), lang.dec(hi, 1));
                let label = match (lang, i) {
                    (Lang::Fr, 0) => format!("{l} et plus"),
                    (Lang::En, 0) => format!("{l} or more"),
                    (Lang::Fr, i) if i == last => format!("moins de {h}"),
                    (Lang::En, i) if i == last => format!("under {h}"),
                    (Lang::Fr, _) => format!("{l} à {h}"),
                    (Lang::En, _) => format!("{l} to {h}"),
                };
                (lo, hi, label)
            })
            .collect();
        let values = (0..self.places.len())
            .map(|i| self.row(i).map(|(_, r)| r.accessibility / PER_100K * per_gp))
            .collect();
        let under = lang.dec(self.request.under_served, 1);
        let (title, intro, legend, unit, none_label) = match lang {
            Lang::Fr => (
                "Accessibilité potentielle localisée aux médecins généralistes (2SFCA)".to_string(),
                format!(
                    "Consultations de médecin généraliste accessibles par habitant et par an, selon la méthode de l'APL de la DREES (deux étapes, aires flottantes)\u{A0}; sous {under}, la commune est sous-dotée."
                ),
                "Consultations par habitant et par an".to_string(),
                "consultations/hab./an".to_string(),
                "hors du réseau".to_string(),
            ),
            Lang::En => (
                "Local potential accessibility to GPs (2SFCA)".to_string(),
                format!(
                    "GP consultations within reach per inhabitant and year, by the DREES APL method (two-step floating catchment); below {under}, the commune is under-served."
                ),
                "Consultations per inhabitant and year".to_string(),
                "consultations/inhab./year".to_string(),
                "off the network".to_string(),
            ),
        };
        ValueMap {
            title,
            intro,
            legend,
            unit,
            values,
            classes,
            none_label,
        }
    }

    /// The départements of the scope with people but no GP in the source
    /// (Paris in the BPE file shipped): their figures count only the GPs of
    /// their neighbours, and the reader must know it first.
    fn notices(&self, lang: Lang) -> Vec<String> {
        let mut gps: BTreeMap<&str, (u64, f64)> = BTreeMap::new();
        for p in &self.places {
            gps.entry(p.dep.as_str()).or_default().0 += p.population.unwrap_or(0);
        }
        for s in &self.sites {
            if let Some(u) = s.home
                && let Some(e) = gps.get_mut(self.units[u as usize].2.as_str())
            {
                e.1 += s.supply;
            }
        }
        gps.into_iter()
            .filter(|(_, (pop, n))| *pop > 0 && *n == 0.0)
            .map(|(d, (pop, _))| {
                let name = crate::communes::departement_name(d).map_or_else(|| d.to_string(), |n| format!("{n} ({d})"));
                match lang {
                    Lang::Fr => format!(
                        "{name}\u{A0}: aucun médecin généraliste dans la source ({})\u{A0}; ses {} habitants ne comptent que les médecins d'autres départements (aucun pour une île)\u{A0}: leurs temps sont donc surestimés et leur accessibilité sous-estimée.",
                        self.source_name(),
                        lang.int(pop)
                    ),
                    Lang::En => format!(
                        "{name}: no GP in the source ({}); its {} residents count only the GPs of other départements (none on an island): their times are overstated and their accessibility understated.",
                        self.source_name(),
                        lang.int(pop)
                    ),
                }
            })
            .collect()
    }

    /// The supply file, as the notices name it.
    fn source_name(&self) -> String {
        match &self.request.supply.source {
            crate::facilities::SetSource::Bpe { year, .. } => format!("INSEE BPE D201 {year}"),
            crate::facilities::SetSource::File { path } => path.display().to_string(),
            crate::facilities::SetSource::Drees { year } => format!("DREES {year}"),
        }
    }
}

/// What the GP report maps, owned (the report borrows it).
#[derive(Debug, Clone)]
pub struct GpReportData {
    pub sites: Vec<Site>,
    pub access: Vec<PlaceAccess>,
    pub bands: Bands,
    pub threshold: f64,
    pub summary: Summary,
    /// GPs per site (same order as `sites`).
    pub supply: Vec<f64>,
}

/// Column name of the count within `m` minutes (field names are static in
/// output records; the usual values get fixed names).
fn within_name(m: f64) -> &'static str {
    // A run has a handful of these, so leaking the few odd ones is bounded.
    match m {
        5.0 => "gp_within_5min",
        10.0 => "gp_within_10min",
        15.0 => "gp_within_15min",
        20.0 => "gp_within_20min",
        30.0 => "gp_within_30min",
        45.0 => "gp_within_45min",
        60.0 => "gp_within_60min",
        _ => Box::leak(format!("gp_within_{m}min").into_boxed_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineKind;
    use crate::facilities::{FacilityKind, SetSource};
    use crate::gp::GpRow;
    use crate::output::{Formats, WriteOptions, write_run};

    /// A GP result of one commune (a square polygon), counting GPs within
    /// `within` minutes, with a change of supply when `changes`.
    fn one_commune(within: &[f64], changes: bool) -> GpResult {
        let place = Place {
            id: "64445".into(),
            name: "Pau".into(),
            dep: "64".into(),
            population: Some(75_000),
            origin: [-0.37, 43.3],
            origin_source: "mairie".into(),
            entries: Vec::new(),
        };
        let square = geo::MultiPolygon(vec![geo::Polygon::new(
            geo::LineString::from(vec![(-0.4, 43.28), (-0.34, 43.28), (-0.34, 43.32), (-0.4, 43.28)]),
            vec![],
        )]);
        GpResult {
            scope: crate::communes::Scope::All,
            request: GpRequest {
                supply: FacilitySet {
                    kind: FacilityKind::GeneralPractitioner,
                    source: SetSource::File {
                        path: "gp.csv".into(),
                    },
                    facilities: Vec::new(),
                    warnings: Vec::new(),
                    unplaced: Vec::new(),
                },
                decay: crate::gp::Decay::drees(),
                decay_name: "drees".into(),
                within: within.to_vec(),
                consultations_per_gp: 5400.0,
                under_served: 2.5,
                changes: if changes {
                    vec![("64445".into(), 1.0)]
                } else {
                    Vec::new()
                },
                demand_weights: None,
            },
            places: vec![place],
            shapes: vec![Geometry::MultiPolygon(square)],
            unit_of: vec![Some(0)],
            table: GpTable {
                thresholds: within.iter().map(|&m| minutes(m)).collect(),
                scale: PER_100K,
                under_served_below: 2.5,
                rows: vec![GpRow {
                    nearest_minutes: Some(3.0),
                    nearest_site: Some(0),
                    within: vec![40.0; within.len()],
                    accessibility: 0.0008,
                    under_served: false,
                }],
            },
            units: vec![("64445".into(), "Pau".into(), "64".into(), [-0.37, 43.3])],
            sites: Vec::new(),
            delta: changes.then(|| vec![0.00001]),
            unmatched: Vec::new(),
            without_weight: 0,
            warnings: Vec::new(),
            engine: "commune-estimate".into(),
            engine_info: EngineInfo {
                kind: EngineKind::CommuneEstimate,
                parameters: Vec::new(),
                calibration: String::new(),
            },
        }
    }

    /// `layer_columns` counts the columns before the run (to refuse a
    /// GeoPackage table too wide); `record` makes them: the two must agree
    /// on the columns of the table actually written.
    #[test]
    fn layer_columns_counts_the_columns_the_geopackage_gets() {
        let dir = std::env::temp_dir().join(format!("medaccess-gp-columns-{}", std::process::id()));
        for (k, (within, changes)) in [
            (vec![], false),
            (vec![10.0, 20.0, 30.0], false),
            (vec![12.5], true),
        ]
        .into_iter()
        .enumerate()
        {
            let r = one_commune(&within, changes);
            let layers = r.layers("gp-access-64", Lang::En);
            let mut opts = WriteOptions::new(dir.join(k.to_string()), "gp");
            opts.formats = Some(Formats {
                gpkg: true,
                ..Formats::NONE
            });
            write_run(&opts, &layers, &[]).unwrap();
            let conn = rusqlite::Connection::open(opts.gpkg().unwrap()).unwrap();
            assert!(!layers.is_empty());
            for layer in &layers {
                let written: i64 = conn
                    .query_row(
                        "SELECT count(*) FROM pragma_table_info(?1)",
                        [&layer.name],
                        |row| row.get(0),
                    )
                    .unwrap();
                assert_eq!(
                    written as usize,
                    layer_columns(within.len(), changes),
                    "layer {} within {within:?}, changes {changes}",
                    layer.name
                );
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
