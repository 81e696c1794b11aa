//! A report a planner reads without GIS: one self-contained HTML file (inline
//! CSS and SVG, no script, no font or image fetched at view time) with the
//! map of communes by time band, the tables a département's health officer
//! asks for, and the method and data credits generated from the run.
//!
//! The caller fills a [`Report`] from what a command computed (the access
//! run, and optionally a scenario, a closure ranking or a history) and calls
//! [`write_report`]. Labels are French by default ([`Lang::En`] for English)
//! and numbers follow the chosen locale; one report is in one language
//! throughout, its method section included.
//!
//! The map is laid out as French atlases do (overseas départements in
//! insets, see `atlas.rs`), labels never overlap nor hide a marker
//! (`labels.rs`), and the printed report repeats its title, production date,
//! engine and data vintage on every page (CSS page margin boxes).

mod atlas;
mod chart;
mod html;
mod labels;
mod locale;
mod map;
mod methods;
mod names;
mod text;

pub use locale::{Lang, NBSP, NNBSP};
pub use methods::{Facilities, Methods, Source};

use std::path::Path;

use crate::access::{Bands, PlaceAccess, Summary};
use crate::error::{Error, Result};
use crate::io::atomic_write_bytes;
use crate::output::Geometry;
use crate::places::{Place, Site};
use crate::planner::{Change, ClosureImpact};

/// One computed state: places, facilities and the nearest facility of each
/// place, as the `access` command produces them.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    pub places: &'a [Place],
    /// One shape per place (same order), lon/lat; `Geometry::None` or an
    /// empty slice draws the place as a dot at its origin.
    pub shapes: &'a [Geometry],
    pub sites: &'a [Site],
    /// Nearest facility per place (same order as `places`).
    pub access: &'a [PlaceAccess],
    pub bands: &'a Bands,
    /// `access::summarize` of this state (its `worst` list is shown).
    pub summary: &'a Summary,
    /// How many facilities each site stands for (the GPs of a GP commune),
    /// same order as `sites`; `None`: one each.
    pub supply: Option<&'a [f64]>,
}

/// The "after" side of a scenario; the "before" side is the report's run.
/// Same places, in the same order, as the run.
#[derive(Debug, Clone)]
pub struct ScenarioView<'a> {
    pub sites: &'a [Site],
    pub access: &'a [PlaceAccess],
    pub summary: &'a Summary,
    /// `planner::diff(run.access, access, …)`.
    pub changes: &'a [Change],
    /// The facility list of the "after" side when it is another list than
    /// the run's (the DREES list of the next year when two years are
    /// compared); `None` when the scenario only closes or opens sites of
    /// the run's list.
    pub facilities: Option<Facilities>,
}

/// A second map of the report: one value per place of the run in classes
/// (the GP report's 2SFCA value, in consultations per inhabitant and year),
/// drawn with its legend and the communes and population of each class.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueMap {
    /// Section title, in the report's language.
    pub title: String,
    /// One or two sentences under the title: what the value is.
    pub intro: String,
    /// The legend's heading (`Consultations par habitant et par an`).
    pub legend: String,
    /// Unit after a value in a tooltip.
    pub unit: String,
    /// Value per place of the run (same order), `None`: no value.
    pub values: Vec<Option<f64>>,
    /// Classes `(lower, upper, label)`, a value in `[lower, upper)`, in
    /// the order of the colour ramp (first green, last red), as the QGIS
    /// style of the same layer draws them.
    pub classes: Vec<(f64, f64, String)>,
    /// Label of the places with no value.
    pub none_label: String,
}

impl ValueMap {
    /// The class of `x`, `None` when outside every class.
    pub fn class_of(&self, x: f64) -> Option<usize> {
        self.classes.iter().position(|&(lo, hi, _)| x >= lo && x < hi)
    }
}

/// Population beyond each threshold, year by year (the `history` command).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Thresholds in minutes, one line each (e.g. 30, 40, 45).
    pub thresholds: Vec<f64>,
    /// `(year, population beyond each threshold)`, values in the order of
    /// `thresholds`, years ascending.
    pub rows: Vec<(u16, Vec<u64>)>,
    /// What happened in a year (e.g. `fermeture : CH Oloron (640000410)`),
    /// in the report's language.
    pub events: Vec<(u16, String)>,
}

/// Everything the report shows. For the `history` command, `run` is the
/// latest year; for `rank`, `closures` index `run.sites`.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub lang: Lang,
    /// Main heading; empty: "Accès aux maternités — {scope}" or the like.
    pub title: String,
    /// The territory, e.g. `Pyrénées-Atlantiques (64)`.
    pub scope: String,
    pub run: Snapshot<'a>,
    pub scenario: Option<ScenarioView<'a>>,
    /// `planner::rank_closures` on the run, ranked.
    pub closures: Option<&'a [ClosureImpact]>,
    pub history: Option<History>,
    pub methods: Methods,
    /// The day the report is produced, shown under the title and on every
    /// printed page; [`production_date`] gives today's.
    pub produced: time::Date,
    /// A second map after the access map (the GP report's 2SFCA value).
    pub value_map: Option<ValueMap>,
    /// What the reader must know before reading the figures (a source with
    /// no GP in a département of the report…), in the report's language:
    /// shown under the key figures.
    pub notices: Vec<String>,
}

/// Today's date (UTC): the production date of a report made now. When
/// `SOURCE_DATE_EPOCH` is set (seconds since 1970, the convention of
/// reproducible builds), its date instead, so that a rerun gives the same
/// bytes.
pub fn production_date() -> time::Date {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or_else(time::OffsetDateTime::now_utc)
        .date()
}

/// The timeline chart of a history alone, as an SVG document.
pub fn timeline_svg(h: &History, lang: Lang, width: u32, height: u32) -> Result<String> {
    chart::render_timeline(h, lang, width, height)
}

/// Grey for places with no facility reachable ("no data" in the QGIS style).
pub const UNREACHABLE_COLOR: (u8, u8, u8) = (189, 189, 189);

/// Renders the report to an HTML string. Errors when the slices do not
/// match (one access, one shape per place; facility indices in range).
///
/// # Examples
/// ```
/// use medaccess::access::{Bands, PlaceAccess, summarize};
/// use medaccess::engine::{EngineKind, Parameter};
/// use medaccess::facilities::{FacilityKind, SetSource};
/// use medaccess::places::{Place, Site};
/// use medaccess::report::*;
/// use medaccess::route::Label;
///
/// let place = Place {
///     id: "64422".into(),
///     name: "Oloron-Sainte-Marie".into(),
///     dep: "64".into(),
///     population: Some(10_684),
///     origin: [-0.605, 43.194],
///     origin_source: "mairie".into(),
///     entries: vec![],
/// };
/// let site = Site {
///     id: "640000600".into(),
///     name: "CH de Pau".into(),
///     dep: "64".into(),
///     position: [-0.371, 43.295],
///     position_source: "eurostat".into(),
///     entries: vec![],
/// };
/// // 41.5 minutes, in tenths of a second
/// let access = [PlaceAccess { first: Label { time: 24_900, source: 0 }, second: Label::NONE }];
/// let (places, sites, bands) = ([place], [site], Bands::default());
/// let summary = summarize(&places, &access, &sites, &bands, 40.0, 10);
/// let report = Report {
///     lang: Lang::Fr,
///     title: String::new(),
///     scope: "Pyrénées-Atlantiques (64)".into(),
///     run: Snapshot {
///         places: &places,
///         shapes: &[], // no polygons: communes drawn as dots
///         sites: &sites,
///         access: &access,
///         bands: &bands,
///         summary: &summary,
///         supply: None,
///     },
///     scenario: None,
///     closures: None,
///     history: None,
///     methods: Methods {
///         engine: EngineKind::CommuneEstimate,
///         profile: vec![Parameter::new("vitesse", 70.0, "km/h")],
///         calibration: String::new(),
///         facilities: Facilities {
///             kind: FacilityKind::Maternity,
///             source: SetSource::Drees { year: 2023 },
///         },
///         facility_count: 1,
///         population_year: 2017,
///         threshold_minutes: 40.0,
///         band_breaks: bands.breaks.clone(),
///         sources: vec![Source::FinessEurostat],
///         command: String::new(),
///         notes: vec![],
///     },
///     produced: time::Date::from_calendar_date(2026, time::Month::December, 6).unwrap(),
///     value_map: None,
///     notices: vec![],
/// };
/// let html = render_report(&report).unwrap();
/// assert!(html.contains("10\u{202F}684 (100,0\u{202F}%)")); // beyond 40 min
/// assert!(html.contains("41,5\u{A0}min"));
/// assert!(html.contains("6\u{A0}décembre 2026"));
/// ```
pub fn render_report(report: &Report) -> Result<String> {
    let r = &report.run;
    let n = r.places.len();
    let check = |what: &str, len: usize| {
        if len != n {
            Err(Error::Invalid(format!(
                "report: {what} has {len} entries for {n} places"
            )))
        } else {
            Ok(())
        }
    };
    check("access", r.access.len())?;
    if !r.shapes.is_empty() {
        check("shapes", r.shapes.len())?;
    }
    if let Some(s) = &report.scenario {
        check("scenario access", s.access.len())?;
        if let Some(c) = s.changes.iter().find(|c| c.place >= n) {
            return Err(Error::Invalid(format!(
                "report: change refers to place {} of {n}",
                c.place
            )));
        }
    }
    let in_range = |access: &[PlaceAccess], sites: usize| match access
        .iter()
        .find(|a| !a.first.is_none() && a.first.source as usize >= sites)
    {
        Some(a) => Err(Error::Invalid(format!(
            "report: facility index {} out of range ({sites} facilities)",
            a.first.source
        ))),
        None => Ok(()),
    };
    in_range(r.access, r.sites.len())?;
    if let Some(s) = &report.scenario {
        in_range(s.access, s.sites.len())?;
    }
    if let Some(c) = report
        .closures
        .and_then(|c| c.iter().find(|c| c.site >= r.sites.len()))
    {
        return Err(Error::Invalid(format!(
            "report: closure ranking refers to facility {} of {}",
            c.site,
            r.sites.len()
        )));
    }
    html::render(report)
}

/// Writes the report as one self-contained HTML file, atomically.
pub fn write_report(path: &Path, report: &Report) -> Result<()> {
    let html = render_report(report)?;
    atomic_write_bytes(path, html.as_bytes())
}
