//! The report's tables: population by band, by département, the farthest
//! communes, the facilities, the closure ranking and the history.

use std::collections::BTreeSet;

use maud::{Markup, PreEscaped, html};

use super::{Doc, band_labels, hex, nearest_name, served};
use crate::access::{DepSummary, PlaceAccess};
use crate::error::Result;
use crate::output::ColorRamp;
use crate::places::{Place, Site};
use crate::planner::ClosureImpact;
use crate::report::chart::render_timeline;
use crate::report::locale::NBSP;
use crate::report::{History, UNREACHABLE_COLOR};

/// Facilities listed up to this many, those serving the most people first
/// (a France GP report would list 9,000 communes).
const MAX_FACILITIES: usize = 60;

impl Doc<'_, '_> {
    pub(super) fn table_head(cols: &[(&str, bool)]) -> Markup {
        html! {
            thead { tr { @for (c, num) in cols { th.n[*num] { (c) } } } }
        }
    }

    pub(super) fn bands_table(&self) -> Markup {
        let (t, lang) = (self.t, self.lang);
        let st = self.state;
        let s = st.summary;
        let labels = band_labels(st.bands, lang);
        let total = s.total.population;
        let mut cum = 0;
        let mut rows: Vec<Markup> = Vec::new();
        for (i, &(c, p)) in s.bands.iter().enumerate() {
            let unreachable = i >= labels.len();
            if unreachable && c == 0 {
                continue;
            }
            cum += p;
            let (colour, label) = if unreachable {
                (UNREACHABLE_COLOR, t.unreachable.to_string())
            } else {
                (ColorRamp::color(i, st.bands.len()), labels[i].clone())
            };
            rows.push(html! {
                tr {
                    td { span.sw style={ "background:" (hex(colour)) } {} (label) }
                    td.n { (lang.int(c as u64)) }
                    td.n { (lang.int(p)) }
                    td.n { (lang.pct(p, total)) }
                    // the unreachable share is not cumulated: it has no time
                    td.n { @if !unreachable { (lang.pct(cum, total)) } }
                }
            });
        }
        html! {
            section {
                h2 { (self.state_title(t.by_band)) }
                table {
                    (Self::table_head(&[(t.band, false), (t.communes, true), (t.population, true), (t.share, true), (t.cumulative, true)]))
                    tbody {
                        @for row in rows { (row) }
                        tr.total {
                            td { (t.total) }
                            td.n { (lang.int(s.total.communes as u64)) }
                            td.n { (lang.int(total)) }
                            td.n { (lang.pct(total, total)) }
                            td.n {}
                        }
                    }
                }
            }
        }
    }

    fn dep_row(&self, name: &str, d: &DepSummary, total: bool) -> Markup {
        let lang = self.lang;
        html! {
            tr.total[total] {
                td { (name) }
                td.n { (lang.int(d.communes as u64)) }
                td.n { (lang.int(d.population)) }
                td.n { (lang.int(d.communes_beyond as u64)) }
                td.n { (lang.int(d.population_beyond)) }
                td.n { (lang.pct(d.population_beyond, d.population)) }
                td.n { (lang.minutes(Some(d.mean_minutes))) }
                td.n { (lang.minutes(Some(d.max_minutes))) }
            }
        }
    }

    pub(super) fn dep_table(&self) -> Markup {
        let t = self.t;
        let s = self.state.summary;
        let thr = self.threshold();
        let cb = format!("{} {} {thr}", t.communes, t.beyond);
        let pb = format!("{} {} {thr}", t.population, t.beyond);
        html! {
            section {
                h2 { (self.state_title(t.by_dep)) }
                table {
                    (Self::table_head(&[(t.dep, false), (t.communes, true), (t.population, true), (&cb, true),
                        (&pb, true), (t.share, true), (t.mean_min, true), (t.max_min, true)]))
                    tbody {
                        @for (d, x) in &s.by_dep { (self.dep_row(d, x, false)) }
                        @if s.by_dep.len() > 1 { (self.dep_row(t.total, &s.total, true)) }
                    }
                }
            }
        }
    }

    pub(super) fn worst_table(&self) -> Markup {
        let (t, lang) = (self.t, self.lang);
        let run = self.state;
        if run.summary.worst.is_empty() {
            return html! {};
        }
        let rows: Vec<(&Place, &PlaceAccess, Option<f64>)> = run
            .summary
            .worst
            .iter()
            .filter_map(|&(i, m)| Some((run.places.get(i)?, run.access.get(i)?, m)))
            .collect();
        html! {
            section {
                h2 { (self.state_title(t.worst)) }
                table {
                    (Self::table_head(&[("#", true), (t.commune, false), (t.insee, false), (t.dep, false),
                        (t.population, true), (t.minutes, true), (t.nearest, false)]))
                    tbody {
                        @for (k, (p, a, m)) in rows.iter().enumerate() {
                            tr {
                                td.n { (lang.int(k as u64 + 1)) }
                                td { (p.name) }
                                td { (p.id) }
                                td { (p.dep) }
                                td.n { (p.population.map_or("–".into(), |x| lang.int(x))) }
                                td.n { (lang.minutes(*m)) }
                                td { (nearest_name(run.sites, a)) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The sites that serve some place of the report (or would, after the
    /// scenario), and those the scenario closes or opens: a national list
    /// means nothing to a département's reader.
    pub(super) fn facilities_table(&self) -> Markup {
        let (t, lang) = (self.t, self.lang);
        let run = self.state;
        let served_now = served(run.places, run.access, run.sites.len());
        let before: BTreeSet<&str> = self.r.run.sites.iter().map(|s| s.id.as_str()).collect();
        let after: BTreeSet<&str> = run.sites.iter().map(|s| s.id.as_str()).collect();
        let scenario = self.r.scenario.is_some();
        let opened = |s: &Site| scenario && !before.contains(s.id.as_str());
        let mut rows: Vec<(&Site, (usize, u64), Option<&str>)> = run
            .sites
            .iter()
            .zip(&served_now)
            .filter(|(_, sv)| sv.0 > 0)
            .map(|(s, sv)| (s, *sv, opened(s).then_some(t.opened)))
            .collect();
        // closed sites are not in the "after" list: listed from the run
        if scenario {
            let served_before = served(self.r.run.places, self.r.run.access, self.r.run.sites.len());
            for (s, sv) in self.r.run.sites.iter().zip(&served_before) {
                if !after.contains(s.id.as_str()) && sv.0 > 0 {
                    rows.push((s, (0, 0), Some(t.closed)));
                }
            }
        }
        rows.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.id.cmp(&b.0.id)));
        let more = rows.len().saturating_sub(MAX_FACILITIES);
        rows.truncate(MAX_FACILITIES);
        html! {
            section {
                h2 { (self.state_title(t.facilities)) }
                p.note { (t.facilities_intro) }
                table {
                    (Self::table_head(&[(t.name, false), (t.id, false), (t.dep, false),
                        (t.served_communes, true), (t.served_population, true)]))
                    tbody {
                        @for (s, (c, p), note) in &rows {
                            tr {
                                td {
                                    (s.name)
                                    @if let Some(n) = note { " " span.up { "(" (n.to_lowercase()) ")" } }
                                    @if s.position_source == "commune-town-hall" {
                                        " " span.note { "(" (t.position) (t.colon) " " (t.fallback_position) ")" }
                                    }
                                }
                                td { (s.id) }
                                td { (s.dep) }
                                td.n { (lang.int(*c as u64)) }
                                td.n { (lang.int(*p)) }
                            }
                        }
                    }
                }
                @if more > 0 {
                    p.note { (lang.int(more as u64)) " " (t.more_facilities) }
                }
            }
        }
    }

    pub(super) fn closures(&self, ranked: &[ClosureImpact]) -> Markup {
        let (r, t, lang) = (self.r, self.t, self.lang);
        let sites = r.run.sites;
        html! {
            section {
                h2 { (t.ranking) }
                p { (t.ranking_intro) }
                p.note { (t.margin_note) }
                table {
                    (Self::table_head(&[(t.rank, true), (t.name, false), (t.id, false), (t.served_population, true),
                        (t.pop_newly_beyond, true), (t.communes_newly_beyond, true), (t.minutes_added, true),
                        (t.left_without, true), (t.margin, true)]))
                    tbody {
                        @for (k, c) in ranked.iter().enumerate() {
                            @let s = &sites[c.site];
                            @let reached = c.population_served - c.population_left_without.min(c.population_served);
                            tr {
                                td.n { (lang.int(k as u64 + 1)) }
                                td { (s.name) }
                                td { (s.id) }
                                td.n { (lang.int(c.population_served)) }
                                td.n { (lang.int(c.population_newly_beyond)) }
                                td.n { (lang.int(c.places_newly_beyond as u64)) }
                                td.n {
                                    @if reached > 0 { (lang.minutes(Some(c.person_minutes_added / reached as f64))) }
                                    @else { "–" }
                                }
                                td.n { (lang.int(c.population_left_without)) }
                                td.n.nw {
                                    "+" (lang.int(c.margin.just_beyond)) " / −" (lang.int(c.margin.just_within))
                                    @if c.fragile() { " " span.up { (t.fragile) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    pub(super) fn history(&self, h: &History) -> Result<Markup> {
        let (t, lang) = (self.t, self.lang);
        let svg = render_timeline(h, lang, 1080, 420)?;
        let heads: Vec<String> = h
            .thresholds
            .iter()
            .map(|x| format!("{} {}{NBSP}min", t.beyond, lang.bound(*x)))
            .collect();
        let mut cols: Vec<(&str, bool)> = vec![(t.year, false)];
        cols.extend(heads.iter().map(|s| (s.as_str(), true)));
        cols.push((t.events, false));
        Ok(html! {
            section {
                h2 { (t.history) }
                figure { (PreEscaped(svg)) }
                table {
                    (Self::table_head(&cols))
                    tbody {
                        @for (y, vals) in &h.rows {
                            tr {
                                td { (y) }
                                @for v in vals { td.n { (lang.int(*v)) } }
                                td {
                                    @for (k, e) in h.events.iter().filter(|e| e.0 == *y).enumerate() {
                                        @if k > 0 { br; }
                                        (e.1)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        })
    }
}
