//! A map of one value per commune in classes, with its legend and the
//! communes and population of each class (the GP report's 2SFCA value).

use maud::{Markup, html};

use super::{Doc, TIP_LIMIT, WIDE, hex};
use crate::error::Result;
use crate::output::ColorRamp;
use crate::report::map::{MapSpec, render_map};
use crate::report::{UNREACHABLE_COLOR, ValueMap};

impl Doc<'_, '_> {
    pub(super) fn value_map(&self, v: &ValueMap) -> Result<Markup> {
        let (t, lang) = (self.t, self.lang);
        let run = &self.r.run;
        let n = v.classes.len();
        let class = |x: Option<f64>| x.and_then(|x| v.class_of(x));
        let fill = v
            .values
            .iter()
            .map(|&x| class(x).map_or(UNREACHABLE_COLOR, |i| ColorRamp::color(i, n)))
            .collect();
        let tips = if run.places.len() <= TIP_LIMIT {
            run.places
                .iter()
                .zip(&v.values)
                .map(|(p, x)| match x {
                    Some(x) => format!("{} ({}){} {} {}", p.name, p.id, t.colon, lang.dec(*x, 1), v.unit),
                    None => format!("{} ({}){} {}", p.name, p.id, t.colon, v.none_label),
                })
                .collect()
        } else {
            Vec::new()
        };
        let map = render_map(&MapSpec {
            shapes: run.shapes,
            origins: run.places.iter().map(|p| p.origin).collect(),
            fill,
            tips,
            markers: vec![],
            alt: v.title.clone(),
            lang,
            width: WIDE,
            max_height: 640,
        })?;
        // communes and population per class, the last row for "no value"
        let mut rows = vec![(0usize, 0u64); n + 1];
        for (p, &x) in run.places.iter().zip(&v.values) {
            let r = &mut rows[class(x).unwrap_or(n)];
            r.0 += 1;
            r.1 += p.population.unwrap_or(0);
        }
        let total: u64 = rows.iter().map(|r| r.1).sum();
        Ok(html! {
            section {
                h2 { (v.title) }
                p { (v.intro) }
                figure {
                    (map.svg)
                    div.legend {
                        b { (v.legend) }
                        @for (i, (_, _, label)) in v.classes.iter().enumerate() {
                            span { span.sw style={ "background:" (hex(ColorRamp::color(i, n))) } {} (label) }
                        }
                        @if rows[n].0 > 0 {
                            span { span.sw style={ "background:" (hex(UNREACHABLE_COLOR)) } {} (v.none_label) }
                        }
                    }
                    figcaption { (self.caption(&[&map])) }
                }
                table {
                    (Self::table_head(&[(v.legend.as_str(), false), (t.communes, true), (t.population, true), (t.share, true)]))
                    tbody {
                        @for (i, (c, p)) in rows.iter().enumerate() {
                            @if i < n || *c > 0 {
                                tr {
                                    td {
                                        span.sw style={ "background:" (hex(if i < n { ColorRamp::color(i, n) } else { UNREACHABLE_COLOR })) } {}
                                        (if i < n { v.classes[i].2.as_str() } else { v.none_label.as_str() })
                                    }
                                    td.n { (lang.int(*c as u64)) }
                                    td.n { (lang.int(*p)) }
                                    td.n { (lang.pct(*p, total)) }
                                }
                            }
                        }
                    }
                }
            }
        })
    }
}
