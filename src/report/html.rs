//! The HTML document: sections and tables around the inline SVG pictures.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::chart::render_timeline;
use super::locale::{Lang, NBSP};
use super::map::{LegendItem, MapSpec, Marker, MarkerKind, render_map};
use super::{Report, ScenarioView, Snapshot, UNREACHABLE_COLOR};
use crate::access::{Bands, DepSummary, PlaceAccess, Summary};
use crate::error::Result;
use crate::output::ColorRamp;
use crate::places::Site;

/// Changed communes listed in full up to this many; the GeoJSON of changes
/// holds them all.
const MAX_CHANGES: usize = 500;

/// Every fixed label, in one language.
struct Text {
    map: &'static str,
    map_caption: &'static str,
    before: &'static str,
    after: &'static str,
    beyond: &'static str,
    communes: &'static str,
    population: &'static str,
    share: &'static str,
    cumulative: &'static str,
    band: &'static str,
    by_band: &'static str,
    by_dep: &'static str,
    dep: &'static str,
    mean_min: &'static str,
    max_min: &'static str,
    worst: &'static str,
    commune: &'static str,
    insee: &'static str,
    minutes: &'static str,
    nearest: &'static str,
    facilities: &'static str,
    name: &'static str,
    id: &'static str,
    served_communes: &'static str,
    served_population: &'static str,
    position: &'static str,
    fallback_position: &'static str,
    unreachable: &'static str,
    total: &'static str,
    scenario: &'static str,
    closed: &'static str,
    opened: &'static str,
    changes: &'static str,
    delta: &'static str,
    status: &'static str,
    newly_beyond: &'static str,
    no_longer_beyond: &'static str,
    more_changes: &'static str,
    no_change: &'static str,
    ranking: &'static str,
    ranking_intro: &'static str,
    rank: &'static str,
    pop_newly_beyond: &'static str,
    communes_newly_beyond: &'static str,
    minutes_added: &'static str,
    left_without: &'static str,
    history: &'static str,
    year: &'static str,
    events: &'static str,
    methods: &'static str,
    credits: &'static str,
    command: &'static str,
    kpi_mean: &'static str,
    facility_marker: &'static str,
    closed_marker: &'static str,
    new_marker: &'static str,
    generated: &'static str,
    km: &'static str,
}

const FR: Text = Text {
    map: "Carte des temps d'accès",
    map_caption: "Temps de trajet en voiture de chaque commune (depuis sa mairie) à l'établissement le plus proche.",
    before: "Avant",
    after: "Après",
    beyond: "au-delà de",
    communes: "Communes",
    population: "Population",
    share: "Part de la population",
    cumulative: "Part cumulée",
    band: "Temps d'accès",
    by_band: "Population par tranche de temps",
    by_dep: "Par département",
    dep: "Département",
    mean_min: "Temps moyen",
    max_min: "Temps maximal",
    worst: "Communes les plus éloignées",
    commune: "Commune",
    insee: "Code INSEE",
    minutes: "Temps",
    nearest: "Établissement le plus proche",
    facilities: "Établissements",
    name: "Nom",
    id: "Identifiant",
    served_communes: "Communes desservies",
    served_population: "Population desservie",
    position: "Position",
    fallback_position: "mairie de la commune (position manquante)",
    unreachable: "aucun accès",
    total: "Total",
    scenario: "Scénario",
    closed: "Fermeture",
    opened: "Ouverture",
    changes: "Communes dont l'accès change",
    delta: "Écart",
    status: "Seuil",
    newly_beyond: "passe au-delà",
    no_longer_beyond: "repasse en deçà",
    more_changes: "autres communes changent\u{A0}; la liste complète est dans le GeoJSON des changements.",
    no_change: "Aucune commune ne change.",
    ranking: "Classement des fermetures",
    ranking_intro: "Pour chaque établissement, ce que sa seule fermeture ferait\u{A0}: les habitants qui passeraient au-delà du seuil et les minutes ajoutées pour ceux qu'il dessert (calcul exact par le deuxième établissement le plus proche).",
    rank: "Rang",
    pop_newly_beyond: "Population passant au-delà",
    communes_newly_beyond: "Communes passant au-delà",
    minutes_added: "Minutes ajoutées par habitant desservi",
    left_without: "Population sans aucun accès",
    history: "Évolution année par année",
    year: "Année",
    events: "Événements",
    methods: "Méthode et sources",
    credits: "Sources des données",
    command: "Commande",
    kpi_mean: "temps moyen pondéré par la population",
    facility_marker: "établissement",
    closed_marker: "établissement fermé",
    new_marker: "établissement ouvert",
    generated: "Rapport produit par medaccess",
    km: "km",
};

const EN: Text = Text {
    map: "Map of access times",
    map_caption: "Drive time from each commune (from its town hall) to the nearest facility.",
    before: "Before",
    after: "After",
    beyond: "beyond",
    communes: "Communes",
    population: "Population",
    share: "Share of population",
    cumulative: "Cumulative share",
    band: "Access time",
    by_band: "Population by time band",
    by_dep: "By département",
    dep: "Département",
    mean_min: "Mean time",
    max_min: "Longest time",
    worst: "Farthest communes",
    commune: "Commune",
    insee: "INSEE code",
    minutes: "Time",
    nearest: "Nearest facility",
    facilities: "Facilities",
    name: "Name",
    id: "Id",
    served_communes: "Communes served",
    served_population: "Population served",
    position: "Position",
    fallback_position: "town hall of its commune (position missing)",
    unreachable: "no access",
    total: "Total",
    scenario: "Scenario",
    closed: "Closure",
    opened: "Opening",
    changes: "Communes whose access changes",
    delta: "Change",
    status: "Threshold",
    newly_beyond: "now beyond",
    no_longer_beyond: "now within",
    more_changes: "more communes change; the changes GeoJSON lists them all.",
    no_change: "No commune changes.",
    ranking: "Closure ranking",
    ranking_intro: "For each facility, what closing it alone would do: residents pushed beyond the threshold and minutes added for those it serves (exact, from the second-nearest facility).",
    rank: "Rank",
    pop_newly_beyond: "Population pushed beyond",
    communes_newly_beyond: "Communes pushed beyond",
    minutes_added: "Minutes added per resident served",
    left_without: "Population left with no access",
    history: "Year by year",
    year: "Year",
    events: "Events",
    methods: "Method and sources",
    credits: "Data sources",
    command: "Command",
    kpi_mean: "population-weighted mean time",
    facility_marker: "facility",
    closed_marker: "closed facility",
    new_marker: "new facility",
    generated: "Report made by medaccess",
    km: "km",
};

const CSS: &str = "
:root{--ink:#222;--muted:#555;--line:#d0d0d0;--accent:#a50026}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;color:var(--ink);background:#fff;line-height:1.45}
main{max-width:1140px;margin:0 auto;padding:24px 28px 40px}
h1{font-size:1.75rem;margin:0 0 4px}
h2{font-size:1.25rem;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:18px 0 8px}
.sub{color:var(--muted);margin:0 0 16px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:12px;margin:12px 0 8px}
.kpi{border:1px solid var(--line);border-left:5px solid var(--accent);border-radius:4px;padding:10px 14px}
.kpi b{display:block;font-size:1.6rem;line-height:1.2}
.kpi span{color:var(--muted);font-size:.92rem}
.kpi i{display:block;font-style:normal;color:var(--muted);font-size:.85rem;margin-top:2px}
figure{margin:8px 0}
figure svg{display:block;width:100%;height:auto}
figcaption{color:var(--muted);font-size:.9rem;margin-top:4px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.pair h3{margin:4px 0}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:.93rem}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f3f3f3;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n,.nw{white-space:nowrap}
tr.total td{font-weight:600;border-top:2px solid var(--line)}
.sw{display:inline-block;width:1.6em;height:.95em;border:1px solid #777;vertical-align:-.1em;margin-right:6px}
.up{color:#a50026}.down{color:#1a9641}
.note{color:var(--muted);font-size:.9rem}
code{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.88rem;background:#f5f5f5;padding:1px 4px;word-break:break-all}
footer{margin-top:32px;color:var(--muted);font-size:.85rem}
@media print{main{max-width:none;padding:0}h2{break-after:avoid}figure,tr,.kpi{break-inside:avoid}.pair{grid-template-columns:1fr 1fr}}
@media (max-width:760px){.pair{grid-template-columns:1fr}}
";

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The band labels in the report's language: `0–10 min` … `> 60 min`.
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

fn legend(bands: &Bands, lang: Lang, t: &Text, unreachable: bool, kinds: &[MarkerKind]) -> Vec<LegendItem> {
    let mut out: Vec<LegendItem> = band_labels(bands, lang)
        .into_iter()
        .enumerate()
        .map(|(i, l)| LegendItem::Swatch(ColorRamp::color(i, bands.len()), l))
        .collect();
    if unreachable {
        out.push(LegendItem::Swatch(UNREACHABLE_COLOR, t.unreachable.into()));
    }
    for &k in kinds {
        let label = match k {
            MarkerKind::Open => t.facility_marker,
            MarkerKind::Closed => t.closed_marker,
            MarkerKind::New => t.new_marker,
        };
        out.push(LegendItem::Marker(k, label.into()));
    }
    out
}

fn markers(sites: &[Site], kind: MarkerKind, keep: impl Fn(&Site) -> bool) -> Vec<Marker> {
    sites
        .iter()
        .filter(|s| keep(s))
        .map(|s| Marker {
            position: s.position,
            label: s.name.clone(),
            kind,
        })
        .collect()
}

fn svg_map(
    run: &Snapshot,
    access: &[PlaceAccess],
    markers: Vec<Marker>,
    lang: Lang,
    t: &Text,
    width: u32,
    max_height: u32,
) -> Result<String> {
    let mut kinds: Vec<MarkerKind> = Vec::new();
    for k in [MarkerKind::Open, MarkerKind::Closed, MarkerKind::New] {
        if markers.iter().any(|m| m.kind == k) {
            kinds.push(k);
        }
    }
    let unreachable = access.iter().any(|a| a.minutes().is_none());
    render_map(MapSpec {
        shapes: run.shapes,
        origins: run.places.iter().map(|p| p.origin).collect(),
        fill: fills(run.bands, access),
        markers,
        legend: legend(run.bands, lang, t, unreachable, &kinds),
        km: t.km,
        width,
        max_height,
    })
}

/// A key figure; `before` is the value before a scenario, shown under it.
fn kpi(out: &mut String, value: &str, label: &str, before: Option<String>) {
    let _ = write!(
        out,
        "<div class=\"kpi\"><b>{}</b><span>{}</span>",
        esc(value),
        esc(label)
    );
    if let Some(b) = before {
        let _ = write!(out, "<i>{}</i>", esc(&b));
    }
    out.push_str("</div>");
}

/// Facility name of a place's nearest site, `–` when none.
fn site_name<'s>(sites: &'s [Site], a: &PlaceAccess) -> &'s str {
    if a.first.is_none() {
        "–"
    } else {
        sites
            .get(a.first.source as usize)
            .map_or("–", |s| s.name.as_str())
    }
}

struct Doc<'r, 'a> {
    r: &'r Report<'a>,
    /// The state the tables describe: the run, or the scenario's "after".
    state: Snapshot<'a>,
    t: &'static Text,
    lang: Lang,
    out: String,
}

impl Doc<'_, '_> {
    fn th(&mut self, cols: &[(&str, bool)]) {
        self.out.push_str("<table><thead><tr>");
        for (c, num) in cols {
            let _ = write!(
                self.out,
                "<th{}>{}</th>",
                if *num { " class=\"n\"" } else { "" },
                esc(c)
            );
        }
        self.out.push_str("</tr></thead><tbody>\n");
    }

    fn row(&mut self, cells: &[(String, bool)], class: &str) {
        if class.is_empty() {
            self.out.push_str("<tr>");
        } else {
            let _ = write!(self.out, "<tr class=\"{class}\">");
        }
        for (c, num) in cells {
            // cells arrive escaped: some hold markup (colour swatches)
            let _ = write!(self.out, "<td{}>{c}</td>", if *num { " class=\"n\"" } else { "" });
        }
        self.out.push_str("</tr>\n");
    }

    /// Opens a section titled `title` (for the state shown) on a table
    /// with the columns `cols` (name, numeric).
    fn table_section(&mut self, title: &str, cols: &[(&str, bool)]) {
        let _ = writeln!(self.out, "<section>\n<h2>{}</h2>", esc(&self.state_title(title)));
        self.th(cols);
    }

    /// Closes a table and its section.
    fn end_table_section(&mut self) {
        self.end_table();
        self.out.push_str("</section>\n");
    }

    fn end_table(&mut self) {
        self.out.push_str("</tbody></table>\n");
    }

    /// A table heading, marked as the scenario's outcome when there is one.
    fn state_title(&self, title: &str) -> String {
        match (self.r.scenario.is_some(), self.lang) {
            (false, _) => title.to_string(),
            (true, Lang::Fr) => format!("{title} — après le scénario"),
            (true, Lang::En) => format!("{title} — after the scenario"),
        }
    }

    fn threshold(&self) -> String {
        format!(
            "{}{NBSP}min",
            self.lang.bound(self.r.run.summary.threshold_minutes)
        )
    }

    fn header(&mut self) {
        let (r, lang) = (self.r, self.lang);
        let m = &r.methods;
        let title = if r.title.is_empty() {
            let what = m.facilities.plural(lang);
            match lang {
                Lang::Fr => format!("Accès aux {what} — {}", r.scope),
                Lang::En => format!("Access to {what} — {}", r.scope),
            }
        } else {
            r.title.clone()
        };
        let _ = write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<header>\n<h1>{}</h1>\n",
            lang.code(),
            esc(&title),
            esc(&title)
        );
        let year = m.facilities.year();
        let mut sub = Vec::new();
        if !r.title.is_empty() && !r.scope.is_empty() {
            sub.push(r.scope.clone());
        }
        if let Some(y) = year {
            sub.push(match lang {
                Lang::Fr => format!("{} {y}", m.facilities.plural(lang)),
                Lang::En => format!("{} {y}", m.facilities.plural(lang)),
            });
        }
        sub.push(format!("engine={}", m.engine.code()));
        sub.push(match lang {
            Lang::Fr => format!("seuil {}", self.threshold()),
            Lang::En => format!("threshold {}", self.threshold()),
        });
        let _ = writeln!(
            self.out,
            "<p class=\"sub\">{}</p>\n</header>",
            esc(&sub.join(" · "))
        );
    }

    /// Key figures of `now`; with a scenario, `before` is shown under each.
    fn kpis(&mut self, now: (&Summary, usize), before: Option<(&Summary, usize)>) {
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
            Lang::Fr => format!("avant{}: {v}", super::NNBSP),
            Lang::En => format!("before: {v}"),
        };
        let mut o = String::from("<section class=\"kpis\">");
        let label = match lang {
            Lang::Fr => format!("habitants à plus de {thr} {near}"),
            Lang::En => format!("residents more than {thr} {near}"),
        };
        kpi(&mut o, &pop(now.0), &label, before.map(|b| was(pop(b.0))));
        let label = format!("communes {} {thr}", t.beyond);
        kpi(
            &mut o,
            &communes(now.0),
            &label,
            before.map(|b| was(communes(b.0))),
        );
        kpi(&mut o, &mean(now.0), t.kpi_mean, before.map(|b| was(mean(b.0))));
        kpi(
            &mut o,
            &lang.int(now.1 as u64),
            &self.r.methods.facilities.plural(lang),
            before.map(|b| was(lang.int(b.1 as u64))),
        );
        o.push_str("</section>\n");
        self.out.push_str(&o);
    }

    fn main_map(&mut self) -> Result<()> {
        let (r, t, lang) = (self.r, self.t, self.lang);
        let svg = svg_map(
            &r.run,
            r.run.access,
            markers(r.run.sites, MarkerKind::Open, |_| true),
            lang,
            t,
            1080,
            820,
        )?;
        let _ = write!(
            self.out,
            "<section>\n<h2>{}</h2>\n<figure>\n{svg}<figcaption>{}</figcaption>\n</figure>\n</section>\n",
            esc(t.map),
            esc(t.map_caption)
        );
        Ok(())
    }

    fn bands_table(&mut self) {
        let (t, lang) = (self.t, self.lang);
        let st = self.state;
        let s = st.summary;
        let labels = band_labels(st.bands, lang);
        self.table_section(
            t.by_band,
            &[
                (t.band, false),
                (t.communes, true),
                (t.population, true),
                (t.share, true),
                (t.cumulative, true),
            ],
        );
        let total = s.total.population;
        let mut cum = 0;
        for (i, &(c, p)) in s.bands.iter().enumerate() {
            let unreachable = i >= labels.len();
            if unreachable && c == 0 {
                continue;
            }
            let (color, label) = if unreachable {
                (UNREACHABLE_COLOR, t.unreachable.to_string())
            } else {
                (ColorRamp::color(i, st.bands.len()), labels[i].clone())
            };
            cum += p;
            self.row(
                &[
                    (
                        format!(
                            "<span class=\"sw\" style=\"background:rgb({},{},{})\"></span>{}",
                            color.0,
                            color.1,
                            color.2,
                            esc(&label)
                        ),
                        false,
                    ),
                    (lang.int(c as u64), true),
                    (lang.int(p), true),
                    (lang.pct(p, total), true),
                    (
                        if unreachable {
                            String::new()
                        } else {
                            lang.pct(cum, total)
                        },
                        true,
                    ),
                ],
                "",
            );
        }
        self.row(
            &[
                (esc(t.total), false),
                (lang.int(s.total.communes as u64), true),
                (lang.int(total), true),
                (lang.pct(total, total), true),
                (String::new(), true),
            ],
            "total",
        );
        self.end_table_section();
    }

    fn dep_row(&mut self, name: &str, d: &DepSummary, class: &str) {
        let lang = self.lang;
        self.row(
            &[
                (esc(name), false),
                (lang.int(d.communes as u64), true),
                (lang.int(d.population), true),
                (lang.int(d.communes_beyond as u64), true),
                (lang.int(d.population_beyond), true),
                (lang.pct(d.population_beyond, d.population), true),
                (lang.minutes(Some(d.mean_minutes)), true),
                (lang.minutes(Some(d.max_minutes)), true),
            ],
            class,
        );
    }

    fn dep_table(&mut self) {
        let t = self.t;
        let s = self.state.summary;
        let thr = self.threshold();
        let cb = format!("{} {} {thr}", t.communes, t.beyond);
        let pb = format!("{} {} {thr}", t.population, t.beyond);
        self.table_section(
            t.by_dep,
            &[
                (t.dep, false),
                (t.communes, true),
                (t.population, true),
                (&cb, true),
                (&pb, true),
                (t.share, true),
                (t.mean_min, true),
                (t.max_min, true),
            ],
        );
        for (d, x) in &s.by_dep {
            self.dep_row(d, x, "");
        }
        if s.by_dep.len() > 1 {
            self.dep_row(t.total, &s.total, "total");
        }
        self.end_table_section();
    }

    fn worst_table(&mut self) {
        let (t, lang) = (self.t, self.lang);
        let run = self.state;
        if run.summary.worst.is_empty() {
            return;
        }
        self.table_section(
            t.worst,
            &[
                ("#", true),
                (t.commune, false),
                (t.insee, false),
                (t.dep, false),
                (t.population, true),
                (t.minutes, true),
                (t.nearest, false),
            ],
        );
        for (k, &(i, m)) in run.summary.worst.iter().enumerate() {
            let (Some(p), Some(a)) = (run.places.get(i), run.access.get(i)) else {
                continue;
            };
            self.row(
                &[
                    (lang.int(k as u64 + 1), true),
                    (esc(&p.name), false),
                    (esc(&p.id), false),
                    (esc(&p.dep), false),
                    (p.population.map_or("–".into(), |x| lang.int(x)), true),
                    (lang.minutes(m), true),
                    (esc(site_name(run.sites, a)), false),
                ],
                "",
            );
        }
        self.end_table_section();
    }

    fn facilities_table(&mut self) {
        let (t, lang) = (self.t, self.lang);
        let run = self.state;
        let mut served = vec![(0usize, 0u64); run.sites.len()];
        for (p, a) in run.places.iter().zip(run.access) {
            if let Some(s) = (!a.first.is_none()).then(|| &mut served[a.first.source as usize]) {
                s.0 += 1;
                s.1 += p.population.unwrap_or(0);
            }
        }
        let mut order: Vec<usize> = (0..run.sites.len()).collect();
        order.sort_by(|&a, &b| served[b].1.cmp(&served[a].1).then(a.cmp(&b)));
        self.table_section(
            t.facilities,
            &[
                (t.name, false),
                (t.id, false),
                (t.dep, false),
                (t.served_communes, true),
                (t.served_population, true),
            ],
        );
        for i in order {
            let s = &run.sites[i];
            let name = if s.position_source == "commune-town-hall" {
                format!(
                    "{} <span class=\"note\">({}: {})</span>",
                    esc(&s.name),
                    esc(t.position),
                    esc(t.fallback_position)
                )
            } else {
                esc(&s.name)
            };
            self.row(
                &[
                    (name, false),
                    (esc(&s.id), false),
                    (esc(&s.dep), false),
                    (lang.int(served[i].0 as u64), true),
                    (lang.int(served[i].1), true),
                ],
                "",
            );
        }
        self.end_table_section();
    }

    fn scenario(&mut self, sc: &ScenarioView) -> Result<()> {
        let (r, t, lang) = (self.r, self.t, self.lang);
        let run = &r.run;
        let before_ids: BTreeSet<&str> = run.sites.iter().map(|s| s.id.as_str()).collect();
        let after_ids: BTreeSet<&str> = sc.sites.iter().map(|s| s.id.as_str()).collect();
        let _ = writeln!(self.out, "<section>\n<h2>{}</h2>", esc(t.scenario));
        // Only the sites that serve (before) or would serve (after) some
        // place of the report: a national list means nothing here.
        let serving = |access: &[crate::access::PlaceAccess]| -> BTreeSet<usize> {
            access
                .iter()
                .filter(|a| !a.first.is_none())
                .map(|a| a.first.source as usize)
                .collect()
        };
        let (served_before, served_after) = (serving(run.access), serving(sc.access));
        let closed: Vec<&Site> = served_before
            .iter()
            .map(|&i| &run.sites[i])
            .filter(|s| !after_ids.contains(s.id.as_str()))
            .collect();
        let opened: Vec<&Site> = served_after
            .iter()
            .map(|&i| &sc.sites[i])
            .filter(|s| !before_ids.contains(s.id.as_str()))
            .collect();
        if !closed.is_empty() || !opened.is_empty() {
            self.out.push_str("<ul>\n");
            let colon = if lang == Lang::Fr { "\u{202F}:" } else { ":" };
            for (label, list) in [(t.closed, &closed), (t.opened, &opened)] {
                for s in list.iter() {
                    let _ = writeln!(
                        self.out,
                        "<li>{}{colon} {} ({})</li>",
                        esc(label),
                        esc(&s.name),
                        esc(&s.id)
                    );
                }
            }
            self.out.push_str("</ul>\n");
        }
        // before / after figures
        let thr = self.threshold();
        let (b, a) = (&run.summary.total, &sc.summary.total);
        let cb = format!("{} {} {thr}", t.communes, t.beyond);
        let pb = format!("{} {} {thr}", t.population, t.beyond);
        self.th(&[("", false), (t.before, true), (t.after, true), (t.delta, true)]);
        let signed = |x: i128| {
            if x > 0 {
                format!("+{}", lang.int(x))
            } else {
                lang.int(x)
            }
        };
        let rows: [(&str, String, String, String); 4] = [
            (
                &pb,
                lang.int(b.population_beyond),
                lang.int(a.population_beyond),
                signed(a.population_beyond as i128 - b.population_beyond as i128),
            ),
            (
                &cb,
                lang.int(b.communes_beyond as u64),
                lang.int(a.communes_beyond as u64),
                signed(a.communes_beyond as i128 - b.communes_beyond as i128),
            ),
            (
                t.mean_min,
                lang.minutes(Some(b.mean_minutes)),
                lang.minutes(Some(a.mean_minutes)),
                signed_min(lang, a.mean_minutes - b.mean_minutes),
            ),
            (
                t.facilities,
                lang.int(run.sites.len() as u64),
                lang.int(sc.sites.len() as u64),
                signed(sc.sites.len() as i128 - run.sites.len() as i128),
            ),
        ];
        for (label, x, y, d) in rows {
            self.row(&[(esc(label), false), (x, true), (y, true), (d, true)], "");
        }
        self.end_table();

        // maps side by side
        let before_map = svg_map(
            run,
            run.access,
            markers(run.sites, MarkerKind::Open, |_| true),
            lang,
            t,
            540,
            600,
        )?;
        let mut after_markers = markers(sc.sites, MarkerKind::Open, |s| before_ids.contains(s.id.as_str()));
        after_markers.extend(markers(sc.sites, MarkerKind::New, |s| {
            !before_ids.contains(s.id.as_str())
        }));
        after_markers.extend(markers(run.sites, MarkerKind::Closed, |s| {
            !after_ids.contains(s.id.as_str())
        }));
        let after_map = svg_map(run, sc.access, after_markers, lang, t, 540, 600)?;
        let _ = write!(
            self.out,
            "<div class=\"pair\">\n<figure><h3>{}</h3>\n{before_map}</figure>\n<figure><h3>{}</h3>\n{after_map}</figure>\n</div>\n<p class=\"note\">{}</p>\n",
            esc(t.before),
            esc(t.after),
            esc(t.map_caption)
        );

        // per département, beyond the threshold
        let _ = writeln!(self.out, "<h3>{}</h3>", esc(t.by_dep));
        let pbb = format!("{pb} — {}", t.before);
        let pba = format!("{pb} — {}", t.after);
        self.th(&[
            (t.dep, false),
            (t.population, true),
            (&pbb, true),
            (&pba, true),
            (t.delta, true),
        ]);
        let deps: BTreeMap<&String, (&DepSummary, Option<&DepSummary>)> = run
            .summary
            .by_dep
            .iter()
            .map(|(d, x)| (d, (x, sc.summary.by_dep.get(d))))
            .collect();
        for (d, (x, y)) in deps {
            let after = y.map_or(0, |y| y.population_beyond);
            self.row(
                &[
                    (esc(d), false),
                    (lang.int(x.population), true),
                    (lang.int(x.population_beyond), true),
                    (lang.int(after), true),
                    (signed(after as i128 - x.population_beyond as i128), true),
                ],
                "",
            );
        }
        self.end_table();

        // communes that changed, largest increase first
        let _ = writeln!(self.out, "<h3>{}</h3>", esc(t.changes));
        if sc.changes.is_empty() {
            let _ = writeln!(self.out, "<p>{}</p>", esc(t.no_change));
        } else {
            let mut order: Vec<usize> = (0..sc.changes.len()).collect();
            let key = |c: &crate::planner::Change| c.delta.unwrap_or(f64::INFINITY);
            order.sort_by(|&i, &j| {
                let (a, b) = (&sc.changes[i], &sc.changes[j]);
                key(b).total_cmp(&key(a)).then(a.place.cmp(&b.place))
            });
            self.th(&[
                (t.commune, false),
                (t.insee, false),
                (t.population, true),
                (t.before, true),
                (t.after, true),
                (t.delta, true),
                (t.nearest, false),
                (t.status, false),
            ]);
            for &k in order.iter().take(MAX_CHANGES) {
                let c = &sc.changes[k];
                let p = &run.places[c.place];
                let fb = site_name(run.sites, &run.access[c.place]);
                let fa = site_name(sc.sites, &sc.access[c.place]);
                let fac = if fb == fa {
                    esc(fa)
                } else {
                    format!("{} → {}", esc(fb), esc(fa))
                };
                let status = if c.newly_beyond {
                    format!("<span class=\"up\">{}</span>", esc(t.newly_beyond))
                } else if c.no_longer_beyond {
                    format!("<span class=\"down\">{}</span>", esc(t.no_longer_beyond))
                } else {
                    String::new()
                };
                let delta = match c.delta {
                    Some(d) => {
                        let class = if d > 0.0 { "up" } else { "down" };
                        format!("<span class=\"{class}\">{}</span>", signed_min(lang, d))
                    }
                    None => "–".into(),
                };
                self.row(
                    &[
                        (esc(&p.name), false),
                        (esc(&p.id), false),
                        (p.population.map_or("–".into(), |x| lang.int(x)), true),
                        (lang.minutes(c.before), true),
                        (lang.minutes(c.after), true),
                        (delta, true),
                        (fac, false),
                        (format!("<span class=\"nw\">{status}</span>"), false),
                    ],
                    "",
                );
            }
            self.end_table();
            if sc.changes.len() > MAX_CHANGES {
                let _ = writeln!(
                    self.out,
                    "<p class=\"note\">{} {}</p>",
                    lang.int((sc.changes.len() - MAX_CHANGES) as u64),
                    esc(t.more_changes)
                );
            }
        }
        self.out.push_str("</section>\n");
        Ok(())
    }

    fn closures(&mut self, ranked: &[crate::planner::ClosureImpact]) {
        let (r, t, lang) = (self.r, self.t, self.lang);
        let sites = r.run.sites;
        let _ = writeln!(
            self.out,
            "<section>\n<h2>{}</h2>\n<p>{}</p>",
            esc(t.ranking),
            esc(t.ranking_intro)
        );
        self.th(&[
            (t.rank, true),
            (t.name, false),
            (t.id, false),
            (t.served_population, true),
            (t.pop_newly_beyond, true),
            (t.communes_newly_beyond, true),
            (t.minutes_added, true),
            (t.left_without, true),
        ]);
        for (k, c) in ranked.iter().enumerate() {
            let s = &sites[c.site];
            let reached = c.population_served - c.population_left_without.min(c.population_served);
            let per_person = if reached > 0 {
                lang.minutes(Some(c.person_minutes_added / reached as f64))
            } else {
                "–".into()
            };
            self.row(
                &[
                    (lang.int(k as u64 + 1), true),
                    (esc(&s.name), false),
                    (esc(&s.id), false),
                    (lang.int(c.population_served), true),
                    (lang.int(c.population_newly_beyond), true),
                    (lang.int(c.places_newly_beyond as u64), true),
                    (per_person, true),
                    (lang.int(c.population_left_without), true),
                ],
                "",
            );
        }
        self.end_table_section();
    }

    fn history(&mut self, h: &super::History) -> Result<()> {
        let (t, lang) = (self.t, self.lang);
        let svg = render_timeline(h, lang, 1080, 420)?;
        let _ = write!(
            self.out,
            "<section>\n<h2>{}</h2>\n<figure>\n{svg}</figure>\n",
            esc(t.history)
        );
        let heads: Vec<String> = h
            .thresholds
            .iter()
            .map(|x| format!("{} {}{NBSP}min", t.beyond, lang.bound(*x)))
            .collect();
        let mut cols: Vec<(&str, bool)> = vec![(t.year, false)];
        cols.extend(heads.iter().map(|s| (s.as_str(), true)));
        cols.push((t.events, false));
        self.th(&cols);
        for (y, vals) in &h.rows {
            let mut cells: Vec<(String, bool)> = vec![(y.to_string(), false)];
            cells.extend(vals.iter().map(|v| (lang.int(*v), true)));
            let ev: Vec<String> = h.events.iter().filter(|e| e.0 == *y).map(|e| esc(&e.1)).collect();
            cells.push((ev.join("<br>"), false));
            self.row(&cells, "");
        }
        self.end_table_section();
        Ok(())
    }

    fn methods(&mut self) {
        let (r, t, lang) = (self.r, self.t, self.lang);
        let m = &r.methods;
        let s = r.run.summary;
        let fr = lang == Lang::Fr;
        let _ = writeln!(self.out, "<section>\n<h2>{}</h2>\n<ul>", esc(t.methods));
        let mut items: Vec<String> = vec![m.engine_sentence(lang)];
        let profile = m.profile_lines(lang);
        if !profile.is_empty() {
            items.push(format!(
                "{} {}",
                if fr { "Profil\u{A0}:" } else { "Profile:" },
                profile.join(if fr { "\u{A0}; " } else { "; " })
            ));
        }
        if !m.calibration.is_empty() {
            items.push(m.calibration.clone());
        }
        items.push(if fr {
            "Sens du trajet\u{A0}: de la commune vers l'établissement (patient → établissement), en voiture, sans trafic.".into()
        } else {
            "Direction: from the commune to the facility (patient → facility), by car, without traffic.".into()
        });
        // "maternités 2016", or the noun alone for a list without a year
        let list = match m.facilities.year() {
            Some(y) => format!("{} {y}", m.facilities.plural(lang)),
            None => m.facilities.plural(lang),
        };
        items.push(if fr {
            format!(
                "Établissements\u{A0}: {list}, {} retenus\u{A0}; {} placés à la mairie de leur commune faute de position.",
                lang.int(m.facility_count as u64),
                lang.int(s.site_fallbacks as u64)
            )
        } else {
            format!(
                "Facilities: {list}, {} in the run; {} placed at their commune's town hall for want of a position.",
                lang.int(m.facility_count as u64),
                lang.int(s.site_fallbacks as u64)
            )
        });
        items.push(if fr {
            format!(
                "Origine de chaque commune\u{A0}: sa mairie, vérifiée contre le contour communal\u{A0}; {} communes dont la mairie est absente ou hors de la commune partent d'un point intérieur.",
                lang.int(s.origin_fallbacks as u64)
            )
        } else {
            format!(
                "Origin of each commune: its town hall, checked against the commune outline; {} communes whose town hall is missing or outside the commune start from an interior point.",
                lang.int(s.origin_fallbacks as u64)
            )
        });
        items.push(if fr {
            format!(
                "Population\u{A0}: population municipale INSEE {}.",
                m.population_year
            )
        } else {
            format!("Population: INSEE municipal population {}.", m.population_year)
        });
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
        items.push(if fr {
            format!(
                "Seuil\u{A0}: {} — une commune est «\u{A0}au-delà\u{A0}» si son temps dépasse strictement le seuil ou si aucun établissement n'est joignable. Tranches\u{A0}: {}.",
                self.threshold_of(m.threshold_minutes),
                bands.join(", ")
            )
        } else {
            format!(
                "Threshold: {} — a commune is \"beyond\" when its time is strictly greater than the threshold or no facility is reachable. Bands: {}.",
                self.threshold_of(m.threshold_minutes),
                bands.join(", ")
            )
        });
        items.extend(m.notes.iter().cloned());
        for i in items {
            let _ = writeln!(self.out, "<li>{}</li>", esc(&i));
        }
        self.out.push_str("</ul>\n");
        if !m.command.is_empty() {
            let _ = writeln!(
                self.out,
                "<p>{}{} <code>{}</code></p>",
                esc(t.command),
                if fr { "\u{202F}:" } else { ":" },
                esc(&m.command)
            );
        }
        let _ = writeln!(self.out, "<h3>{}</h3>\n<ul>", esc(t.credits));
        for c in m.credits(lang) {
            let _ = writeln!(self.out, "<li>{}</li>", esc(&c));
        }
        self.out.push_str("</ul>\n</section>\n");
    }

    fn threshold_of(&self, x: f64) -> String {
        format!("{}{NBSP}min", self.lang.bound(x))
    }

    fn footer(&mut self) {
        let _ = write!(
            self.out,
            "<footer>{} {}</footer>\n</main>\n</body>\n</html>\n",
            esc(self.t.generated),
            env!("CARGO_PKG_VERSION")
        );
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

/// The whole document.
pub(crate) fn render(report: &Report) -> Result<String> {
    let t = match report.lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    };
    let state = match &report.scenario {
        Some(sc) => Snapshot {
            sites: sc.sites,
            access: sc.access,
            summary: sc.summary,
            ..report.run
        },
        None => report.run,
    };
    let mut d = Doc {
        r: report,
        state,
        t,
        lang: report.lang,
        out: String::with_capacity(1 << 20),
    };
    d.header();
    match &report.scenario {
        Some(sc) => {
            let run = &report.run;
            d.kpis((sc.summary, sc.sites.len()), Some((run.summary, run.sites.len())));
            d.scenario(sc)?;
        }
        None => {
            d.kpis((report.run.summary, report.run.sites.len()), None);
            d.main_map()?;
        }
    }
    if let Some(c) = report.closures {
        d.closures(c);
    }
    if let Some(h) = &report.history {
        d.history(h)?;
    }
    d.bands_table();
    d.dep_table();
    d.worst_table();
    d.facilities_table();
    d.methods();
    d.footer();
    Ok(d.out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::summarize;
    use crate::engine::EngineKind;
    use crate::facilities::{FacilityKind, SetSource};
    use crate::output::Geometry;
    use crate::places::Place;
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
            },
            scenario: None,
            closures: None,
            history: None,
            methods: methods(),
        };
        let fr = render_report(&report).unwrap();
        assert!(fr.contains("<html lang=\"fr\">"));
        assert!(fr.contains("Accès aux maternités — Test"));
        // 3000 of 6000 residents beyond 45 min, French format
        assert!(fr.contains("3\u{202F}000 (50,0\u{202F}%)"));
        assert!(fr.contains("C&lt;&amp;&gt;") && !fr.contains("C<&>"));
        assert!(fr.contains("Maternité &quot;A&quot;"));
        assert!(fr.contains("50,0\u{A0}min"));
        report.lang = Lang::En;
        let en = render_report(&report).unwrap();
        assert!(en.contains("3,000 (50.0%)"));
        assert!(en.contains("Farthest communes") && !en.contains("Communes les plus"));
        // same input, same bytes
        assert_eq!(en, render_report(&report).unwrap());
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
            },
            scenario: None,
            closures: None,
            history: None,
            methods: methods(),
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
