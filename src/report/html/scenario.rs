//! The scenario section: what closes and opens, the figures before and
//! after, the two maps, the change per département and per commune.

use std::collections::{BTreeMap, BTreeSet};

use maud::{Markup, html};

use super::{Doc, WIDE, is_wide, nearest_name, signed, signed_min};
use crate::access::{DepSummary, PlaceAccess};
use crate::error::Result;
use crate::places::Site;
use crate::planner::{Change, Margin, changes_margin};
use crate::report::ScenarioView;
use crate::report::locale::Lang;
use crate::report::map::MarkerKind;

/// Changed communes listed in full up to this many; the GeoJSON of changes
/// holds them all.
const MAX_CHANGES: usize = 500;

impl Doc<'_, '_> {
    pub(super) fn scenario(&self, sc: &ScenarioView) -> Result<Markup> {
        let (r, t, lang) = (self.r, self.t, self.lang);
        let run = &r.run;
        let before_ids: BTreeSet<&str> = run.sites.iter().map(|s| s.id.as_str()).collect();
        let after_ids: BTreeSet<&str> = sc.sites.iter().map(|s| s.id.as_str()).collect();
        // Only the sites that serve (before) or would serve (after) some
        // place of the report: a national list means nothing here.
        let serving = |access: &[PlaceAccess]| -> BTreeSet<usize> {
            access
                .iter()
                .filter(|a| !a.first.is_none())
                .map(|a| a.first.source as usize)
                .collect()
        };
        let closed: Vec<&Site> = serving(run.access)
            .into_iter()
            .filter_map(|i| run.sites.get(i))
            .filter(|s| !after_ids.contains(s.id.as_str()))
            .collect();
        let opened: Vec<&Site> = serving(sc.access)
            .into_iter()
            .filter_map(|i| sc.sites.get(i))
            .filter(|s| !before_ids.contains(s.id.as_str()))
            .collect();

        let thr = self.threshold();
        let (b, a) = (&run.summary.total, &sc.summary.total);
        let cb = format!("{} {} {thr}", t.communes, t.beyond);
        let pb = format!("{} {} {thr}", t.population, t.beyond);
        // a row label: "Maternités dans le département"
        let area: String = {
            let l = self.in_area_label();
            let mut c = l.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        };
        let (area_before, area_after) = (self.in_area(run.sites, run.supply), self.in_area(sc.sites, None));
        let figures: [(&str, String, String, String); 4] = [
            (
                &pb,
                lang.int(b.population_beyond),
                lang.int(a.population_beyond),
                signed(lang, a.population_beyond as i128 - b.population_beyond as i128),
            ),
            (
                &cb,
                lang.int(b.communes_beyond as u64),
                lang.int(a.communes_beyond as u64),
                signed(lang, a.communes_beyond as i128 - b.communes_beyond as i128),
            ),
            (
                t.mean_min,
                lang.minutes(Some(b.mean_minutes)),
                lang.minutes(Some(a.mean_minutes)),
                signed_min(lang, a.mean_minutes - b.mean_minutes),
            ),
            (
                &area,
                lang.int(area_before),
                lang.int(area_after),
                signed(lang, area_after as i128 - area_before as i128),
            ),
        ];
        let (margin, crossed) = changes_margin(sc.changes, run.places, run.summary.threshold_minutes);
        let margin_text = self.scenario_margin(&margin, crossed);

        // the two maps: stacked across the page for a wide territory,
        // side by side otherwise
        let wide = is_wide(run.places);
        let (w, h) = if wide { (WIDE, 520) } else { (WIDE / 2, 560) };
        let before_markers = self.markers(run.sites, run.access, MarkerKind::Open, |_| true);
        let mut after_markers = self.markers(sc.sites, sc.access, MarkerKind::Open, |s| {
            before_ids.contains(s.id.as_str())
        });
        after_markers.extend(self.markers(sc.sites, sc.access, MarkerKind::New, |s| {
            !before_ids.contains(s.id.as_str())
        }));
        after_markers.extend(self.markers(run.sites, run.access, MarkerKind::Closed, |s| {
            !after_ids.contains(s.id.as_str())
        }));
        let mut kinds: BTreeSet<MarkerKind> = before_markers.iter().map(|m| m.kind).collect();
        kinds.extend(after_markers.iter().map(|m| m.kind));
        let title = self.title();
        let before_map = self.map(
            run.access,
            before_markers,
            w,
            h,
            format!("{title} — {}", t.before),
        )?;
        let after_map = self.map(sc.access, after_markers, w, h, format!("{title} — {}", t.after))?;
        let unreachable = run.access.iter().chain(sc.access).any(|a| a.minutes().is_none());

        // per département, beyond the threshold
        let deps: BTreeMap<&String, (&DepSummary, Option<&DepSummary>)> = run
            .summary
            .by_dep
            .iter()
            .map(|(d, x)| (d, (x, sc.summary.by_dep.get(d))))
            .collect();
        let pbb = format!("{pb} — {}", t.before);
        let pba = format!("{pb} — {}", t.after);

        Ok(html! {
            section {
                h2 { (t.scenario) }
                @if !closed.is_empty() || !opened.is_empty() {
                    ul {
                        @for s in &closed { li { (t.closed) (t.colon) " " (s.name) " (" (s.id) ")" } }
                        @for s in &opened { li { (t.opened) (t.colon) " " (s.name) " (" (s.id) ")" } }
                    }
                }
                table {
                    (Self::table_head(&[("", false), (t.before, true), (t.after, true), (t.delta, true)]))
                    tbody {
                        @for (label, x, y, d) in &figures {
                            tr { td { (label) } td.n { (x) } td.n { (y) } td.n { (d) } }
                        }
                    }
                }
                p.margin.fragile[margin.fragile(crossed)] { (margin_text) }
                div.(if wide { "stack" } else { "pair" }) {
                    figure { h3 { (t.before) } (before_map.svg) }
                    figure { h3 { (t.after) } (after_map.svg) }
                }
                (self.legend(unreachable, &kinds))
                p.note { (self.caption(&[&before_map, &after_map])) }
                h3 { (t.by_dep) }
                table {
                    (Self::table_head(&[(t.dep, false), (t.population, true), (&pbb, true), (&pba, true), (t.delta, true)]))
                    tbody {
                        @for (d, (x, y)) in &deps {
                            @let after = y.map_or(0, |y| y.population_beyond);
                            tr {
                                td { (d) }
                                td.n { (lang.int(x.population)) }
                                td.n { (lang.int(x.population_beyond)) }
                                td.n { (lang.int(after)) }
                                td.n { (signed(lang, after as i128 - x.population_beyond as i128)) }
                            }
                        }
                    }
                }
                h3 { (t.changes) }
                (self.changes(sc))
            }
        })
    }

    /// One sentence: the people whose time changed and now sits within 2
    /// minutes of the threshold, and whether the crossings rest on them.
    fn scenario_margin(&self, m: &Margin, crossed: u64) -> String {
        let lang = self.lang;
        let thr = self.threshold();
        let (b, w, n) = (
            lang.int(m.just_beyond),
            lang.int(m.just_within),
            lang.int(crossed),
        );
        let fragile = m.fragile(crossed);
        match lang {
            Lang::Fr => format!(
                "Marge\u{A0}: parmi les communes dont le temps change, {b}\u{A0}habitants ont un nouveau temps au plus 2\u{A0}min au-delà de {thr} et {w} à moins de 2\u{A0}min en deçà\u{A0}; {n}\u{A0}habitants franchissent le seuil{}",
                if fragile {
                    "\u{A0}: résultat fragile, une erreur de 2\u{A0}minutes sur les temps pourrait le changer de moitié ou plus."
                } else {
                    "."
                }
            ),
            Lang::En => format!(
                "Margin: among the communes whose time changes, {b} residents have a new time at most 2\u{A0}min beyond {thr} and {w} less than 2\u{A0}min under it; {n} residents cross the threshold{}",
                if fragile {
                    ": a fragile result, a 2-minute error in the times could change it by half or more."
                } else {
                    "."
                }
            ),
        }
    }

    /// Communes that changed, largest increase first.
    fn changes(&self, sc: &ScenarioView) -> Markup {
        let (t, lang) = (self.t, self.lang);
        let run = &self.r.run;
        if sc.changes.is_empty() {
            return html! { p { (t.no_change) } };
        }
        let mut order: Vec<&Change> = sc.changes.iter().collect();
        let key = |c: &Change| c.delta.unwrap_or(f64::INFINITY);
        order.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.place.cmp(&b.place)));
        html! {
            table {
                (Self::table_head(&[(t.commune, false), (t.insee, false), (t.population, true), (t.before, true),
                    (t.after, true), (t.delta, true), (t.nearest, false), (t.status, false)]))
                tbody {
                    @for c in order.iter().take(MAX_CHANGES) {
                        @let p = &run.places[c.place];
                        @let fb = nearest_name(run.sites, &run.access[c.place]);
                        @let fa = nearest_name(sc.sites, &sc.access[c.place]);
                        tr {
                            td { (p.name) }
                            td { (p.id) }
                            td.n { (p.population.map_or("–".into(), |x| lang.int(x))) }
                            td.n { (lang.minutes(c.before)) }
                            td.n { (lang.minutes(c.after)) }
                            td.n {
                                @match c.delta {
                                    Some(d) => span.(if d > 0.0 { "up" } else { "down" }) { (signed_min(lang, d)) },
                                    None => "–",
                                }
                            }
                            td { @if fb == fa { (fa) } @else { (fb) " → " (fa) } }
                            td.nw {
                                @if c.newly_beyond { span.up { (t.newly_beyond) } }
                                @else if c.no_longer_beyond { span.down { (t.no_longer_beyond) } }
                            }
                        }
                    }
                }
            }
            @if sc.changes.len() > MAX_CHANGES {
                p.note { (lang.int((sc.changes.len() - MAX_CHANGES) as u64)) " " (t.more_changes) }
            }
        }
    }
}
