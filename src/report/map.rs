//! The choropleth: communes filled with their time band's colour, facility
//! markers and their labels, a scale bar per frame, written as one inline
//! SVG (no script, no external resource).
//!
//! Places are projected in the official projection of their part of France
//! and laid out as an atlas does (see [`super::atlas`]): metropolitan
//! France in Lambert-93, overseas départements in insets. Labels are placed
//! by [`super::labels`]: by priority, never over another label or a marker,
//! dropped when there is no room.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use maud::{Markup, html};

use super::atlas::{self, Extent, Frame, Projector, Rect, Territory, territory_at};
use super::labels::{self, FONT_PX, HALO, Item};
use super::locale::Lang;
use super::names::group_label;
use crate::error::Result;
use crate::output::Geometry;

/// What a facility marker stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum MarkerKind {
    Open,
    Closed,
    New,
}

impl MarkerKind {
    fn code(self) -> &'static str {
        match self {
            MarkerKind::Open => "open",
            MarkerKind::Closed => "closed",
            MarkerKind::New => "new",
        }
    }
}

/// A facility to mark and label, lon/lat.
#[derive(Debug, Clone)]
pub(crate) struct Marker {
    pub position: [f64; 2],
    /// Map label (already shortened).
    pub label: String,
    pub kind: MarkerKind,
    /// Population it serves in the report's scope: orders the labels, and
    /// a site serving someone widens the map to show it.
    pub priority: u64,
}

/// Everything one map picture needs.
pub(crate) struct MapSpec<'a> {
    /// One shape per place, or empty to draw every place as a point.
    pub shapes: &'a [Geometry],
    /// Place origins, lon/lat (drawn when a place has no polygon).
    pub origins: Vec<[f64; 2]>,
    /// Fill colour per place.
    pub fill: Vec<(u8, u8, u8)>,
    /// Tooltip per place (`Arette (64040) : 50,4 min`), or empty.
    pub tips: Vec<String>,
    pub markers: Vec<Marker>,
    /// Accessible name of the picture.
    pub alt: String,
    pub lang: Lang,
    /// Picture width in pixels; the height follows the territory's aspect.
    pub width: u32,
    /// Largest height of the frames in pixels (the scale bar goes below).
    pub max_height: u32,
}

/// Where things were drawn, in pixels: what the tests check.
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Layout {
    pub frames: Vec<(Territory, bool, Rect)>,
    /// Marker squares (the area nothing may cover).
    pub markers: Vec<Rect>,
    /// Label boxes, halo included.
    pub labels: Vec<Rect>,
    /// Number of marker groups serving someone left without a label.
    pub dropped: usize,
    /// Too many markers for labels: none is labelled.
    pub crowded: bool,
}

/// A rendered map.
pub(crate) struct MapPicture {
    pub svg: Markup,
    pub layout: Layout,
}

/// Above this many places, outlines and tooltips are left out and places
/// of one colour drawn as one path: at that scale outlines would hide the
/// colours, and one element per commune makes a heavy page.
const DETAIL_LIMIT: usize = 5_000;
/// Markers per square pixel of map above which the map is crowded (about
/// one marker per 50 × 50 pixels): markers are drawn small and none is
/// labelled, since at that scale (France, 450 maternities) a few labels
/// chosen among hundreds of sites would tell the reader nothing.
const CROWDED: f64 = 1.0 / 2_500.0;
/// Labels placed at most (by priority).
const MAX_LABELS: usize = 40;
/// A site outside the places' extent widens the map to show it when it
/// serves someone and lies within this share of the extent's size.
const WIDEN: f64 = 0.1;
/// Height below the frames for the scale bar.
const SCALE_BAR_H: f64 = 30.0;

/// A place projected in its territory's metres.
enum Shape {
    Rings(Vec<Vec<[f64; 2]>>),
    Point([f64; 2]),
    Nothing,
}

/// Renders the map as an inline SVG element.
pub(crate) fn render_map(spec: &MapSpec) -> Result<MapPicture> {
    let n = spec.origins.len();
    let territories: Vec<Territory> = spec.origins.iter().map(|&p| territory_at(p)).collect();
    let mut projectors: BTreeMap<Territory, Projector> = BTreeMap::new();
    for z in territories
        .iter()
        .copied()
        .chain(spec.markers.iter().map(|m| territory_at(m.position)))
    {
        if let std::collections::btree_map::Entry::Vacant(e) = projectors.entry(z) {
            e.insert(Projector::new(z)?);
        }
    }

    // project every place, and the extent of each territory
    let mut extents: BTreeMap<Territory, Option<Extent>> = BTreeMap::new();
    let mut shapes: Vec<Shape> = Vec::with_capacity(n);
    for i in 0..n {
        let proj = &projectors[&territories[i]];
        let ext = extents.entry(territories[i]).or_default();
        let shape = match spec.shapes.get(i) {
            Some(Geometry::MultiPolygon(mp)) if !mp.0.is_empty() => {
                let mut rings = Vec::new();
                for poly in &mp.0 {
                    for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                        let pts: Vec<[f64; 2]> =
                            ring.coords().filter_map(|c| proj.project([c.x, c.y])).collect();
                        for &p in &pts {
                            atlas::extend(ext, p);
                        }
                        rings.push(pts);
                    }
                }
                Shape::Rings(rings)
            }
            other => {
                let p = match other {
                    Some(Geometry::Point(p)) => *p,
                    _ => spec.origins[i],
                };
                match proj.project(p) {
                    Some(q) => {
                        atlas::extend(ext, q);
                        Shape::Point(q)
                    }
                    None => Shape::Nothing,
                }
            }
        };
        shapes.push(shape);
    }

    // markers in projected metres; serving sites close by widen the map
    let projected: Vec<Option<(Territory, [f64; 2])>> = spec
        .markers
        .iter()
        .map(|m| {
            let z = territory_at(m.position);
            projectors[&z].project(m.position).map(|p| (z, p))
        })
        .collect();
    let base: BTreeMap<Territory, Extent> = extents.iter().filter_map(|(z, e)| e.map(|e| (*z, e))).collect();
    // with no place at all, the facilities frame the map
    let mut grown: BTreeMap<Territory, Option<Extent>> = base.iter().map(|(z, e)| (*z, Some(*e))).collect();
    for (m, p) in spec.markers.iter().zip(&projected) {
        let Some((z, p)) = p else { continue };
        match base.get(z) {
            Some(b) if m.priority > 0 => {
                let (mx, my) = ((b[2] - b[0]) * WIDEN, (b[3] - b[1]) * WIDEN);
                if p[0] >= b[0] - mx && p[0] <= b[2] + mx && p[1] >= b[1] - my && p[1] <= b[3] + my {
                    atlas::extend(grown.get_mut(z).expect("territory of base"), *p);
                }
            }
            None if n == 0 => atlas::extend(grown.entry(*z).or_default(), *p),
            _ => {}
        }
    }
    let list: Vec<(Territory, Extent)> = grown
        .iter()
        .filter_map(|(z, e)| e.map(|e| (*z, pad_extent(e))))
        .collect();
    let (frames, frames_h) = atlas::layout(&list, spec.width as f64, spec.max_height as f64);
    let frame_of = |z: Territory| frames.iter().find(|f| f.territory == z);
    let height = (frames_h + SCALE_BAR_H).ceil();

    // markers: on their frame, grouped when they would overlap
    let mut visible: Vec<(usize, (f64, f64), &Frame)> = Vec::new();
    for (k, p) in projected.iter().enumerate() {
        let Some((z, p)) = p else { continue };
        let Some(f) = frame_of(*z) else { continue };
        let (x, y) = f.px(*p);
        let r = &f.inner;
        if x >= r.x - 2.0 && x <= r.right() + 2.0 && y >= r.y - 2.0 && y <= r.bottom() + 2.0 {
            visible.push((k, (x, y), f));
        }
    }
    let area: f64 = frames.iter().map(|f| f.inner.w * f.inner.h).sum();
    let crowded = visible.len() as f64 > CROWDED * area.max(1.0);
    let radius = if crowded { 2.5 } else { 6.0 };
    let groups = group_markers(spec, &visible, radius);
    let items: Vec<Item> = groups
        .iter()
        .map(|g| Item {
            center: g.center,
            r: radius,
            text_w: labels::text_width(&g.label, FONT_PX),
            priority: g.priority,
            bounds: g.bounds,
        })
        .collect();
    let boxes = labels::place(&items, if crowded { 0 } else { MAX_LABELS });

    let layout = Layout {
        frames: frames.iter().map(|f| (f.territory, f.inset, f.inner)).collect(),
        markers: items.iter().map(Item::marker_box).collect(),
        labels: boxes.iter().flatten().copied().collect(),
        dropped: items
            .iter()
            .zip(&boxes)
            .filter(|(it, b)| it.priority > 0 && b.is_none())
            .count(),
        crowded,
    };
    let detailed = n <= DETAIL_LIMIT;
    let fr = spec.lang == Lang::Fr;
    let dot_r: BTreeMap<Territory, f64> = frames
        .iter()
        .map(|f| {
            let count = territories.iter().filter(|&&z| z == f.territory).count().max(1) as f64;
            let r = (0.42 * (f.inner.w * f.inner.h / count).sqrt()).clamp(1.0, 4.0);
            (f.territory, r)
        })
        .collect();

    // places: polygons largest first (an enclave drawn from its exterior
    // ring only is painted after the commune around it), then dots
    let mut order: Vec<(f64, usize)> = shapes
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Shape::Rings(r) => Some((r.first().map_or(0.0, |r| ring_area(r)), i)),
            _ => None,
        })
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut polygons: Vec<(usize, String)> = Vec::with_capacity(order.len());
    for &(_, i) in &order {
        let Shape::Rings(rings) = &shapes[i] else { continue };
        let Some(f) = frame_of(territories[i]) else {
            continue;
        };
        let mut d = String::new();
        for ring in rings {
            ring_path(&mut d, ring.iter().map(|&p| f.px(p)));
        }
        if d.is_empty() {
            // smaller than a pixel here: a pixel
            if let Some(p) = rings.first().and_then(|r| r.first()) {
                let (x, y) = f.px(*p);
                let _ = write!(d, "M{} {}h1v1h-1z", n1(x), n1(y));
            }
        }
        polygons.push((i, d));
    }
    let dots: Vec<(usize, (f64, f64), f64)> = shapes
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Shape::Point(p) => {
                let f = frame_of(territories[i])?;
                Some((i, f.px(*p), dot_r[&territories[i]]))
            }
            _ => None,
        })
        .collect();
    let hex = |i: usize| {
        let (r, g, b) = spec.fill[i];
        format!("#{r:02x}{g:02x}{b:02x}")
    };
    let tip = |i: usize| spec.tips.get(i).filter(|t| !t.is_empty());
    // one path per colour and territory when not detailed
    let mut by_colour: BTreeMap<(Territory, String), String> = BTreeMap::new();
    if !detailed {
        for (i, d) in &polygons {
            by_colour
                .entry((territories[*i], hex(*i)))
                .or_default()
                .push_str(d);
        }
        for &(i, (x, y), r) in &dots {
            let d = by_colour.entry((territories[i], hex(i))).or_default();
            let _ = write!(
                d,
                "M{} {}a{r2} {r2} 0 1 0 {d2} 0a{r2} {r2} 0 1 0 -{d2} 0",
                n1(x - r),
                n1(y),
                r2 = n1(r),
                d2 = n1(2.0 * r)
            );
        }
    }

    // each territory's places in a group of its own (`data-zone`), so that a
    // reader of the SVG, or a test, finds where each part of France went
    let svg = html! {
        svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" aria-label=(spec.alt)
            viewBox={ "0 0 " (spec.width) " " (height) } width=(spec.width) height=(height) {
            @for f in frames.iter().filter(|f| f.inset) {
                rect.inset x=(n1(f.outer.x)) y=(n1(f.outer.y)) width=(n1(f.outer.w)) height=(n1(f.outer.h))
                    fill="#fafafa" stroke="#9a9a9a" stroke-width="1" {}
            }
            @for f in &frames {
                @if detailed {
                    g.places data-zone=(atlas::code(f.territory)) stroke="#505050" stroke-opacity=".45" stroke-width=".6"
                        stroke-linejoin="round" fill-rule="evenodd" {
                        @for (i, d) in polygons.iter().filter(|(i, _)| territories[*i] == f.territory) {
                            path d=(d) fill=(hex(*i)) {
                                @if let Some(t) = tip(*i) { title { (t) } }
                            }
                        }
                        @for &(i, (x, y), r) in dots.iter().filter(|d| territories[d.0] == f.territory) {
                            circle cx=(n1(x)) cy=(n1(y)) r=(n1(r)) fill=(hex(i)) stroke-width=(if r < 3.0 { "0" } else { ".6" }) {
                                @if let Some(t) = tip(i) { title { (t) } }
                            }
                        }
                    }
                } @else {
                    g.places data-zone=(atlas::code(f.territory)) fill-rule="evenodd" {
                        @for ((_, colour), d) in by_colour.range((f.territory, String::new())..).take_while(|e| e.0.0 == f.territory) {
                            path d=(d) fill=(colour) {}
                        }
                    }
                }
            }
            @for f in frames.iter().filter(|f| f.inset) {
                text.inset-name x=(n1(f.outer.x + 5.0)) y=(n1(f.outer.y + 13.0)) font-size="11" font-weight="600" fill="#333"
                    font-family="'DejaVu Sans', Verdana, sans-serif" { (atlas::name(f.territory, fr)) }
                (scale_bar(f, f.outer.right() - 5.0, f.outer.y + 5.0, f.inner.w / 3.0, true))
            }
            @if let Some(main) = frames.iter().find(|f| !f.inset) {
                (scale_bar(main, main.inner.x, frames_h + 4.0, spec.width as f64 / 5.0, false))
            }
            g.markers {
                @for g in &groups { (marker_symbol(g.kind, g.center, radius)) }
            }
            g.labels font-family="'DejaVu Sans', Verdana, sans-serif" font-size=(FONT_PX) fill="#111"
                stroke="#fff" stroke-width=(2.0 * HALO) stroke-linejoin="round" paint-order="stroke" {
                @for (g, b) in groups.iter().zip(&boxes) {
                    @if let Some(b) = b {
                        text.lb x=(n1(b.x + HALO)) y=(n1(b.y + 12.5)) textLength=(n1(b.w - 2.0 * HALO)) lengthAdjust="spacing" {
                            (g.label)
                        }
                    }
                }
            }
        }
    };
    Ok(MapPicture { svg, layout })
}

/// An extent with a little room around it (2 %), so that border communes
/// do not touch the frame.
fn pad_extent(e: Extent) -> Extent {
    let m = ((e[2] - e[0]).max(e[3] - e[1]) * 0.02).max(500.0);
    [e[0] - m, e[1] - m, e[2] + m, e[3] + m]
}

/// Facilities drawn as one marker.
struct Group {
    kind: MarkerKind,
    center: (f64, f64),
    label: String,
    priority: u64,
    bounds: Rect,
}

/// Markers of one kind whose discs would overlap share one marker (two
/// maternities in one town); a marker of another kind that would overlap
/// one already drawn is moved aside until it shows.
fn group_markers(spec: &MapSpec, visible: &[(usize, (f64, f64), &Frame)], r: f64) -> Vec<Group> {
    // closed and new sites first: they are what a scenario is about
    let mut order: Vec<usize> = (0..visible.len()).collect();
    let kind_rank = |k: MarkerKind| match k {
        MarkerKind::Closed | MarkerKind::New => 0,
        MarkerKind::Open => 1,
    };
    order.sort_by(|&a, &b| {
        let (ma, mb) = (&spec.markers[visible[a].0], &spec.markers[visible[b].0]);
        kind_rank(ma.kind)
            .cmp(&kind_rank(mb.kind))
            .then(mb.priority.cmp(&ma.priority))
            .then(a.cmp(&b))
    });
    let mut groups: Vec<(Group, Vec<String>)> = Vec::new();
    let apart = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    for k in order {
        let (mi, c, f) = visible[k];
        let m = &spec.markers[mi];
        if let Some((g, names)) = groups
            .iter_mut()
            .find(|(g, _)| g.kind == m.kind && apart(g.center, c) < 2.0 * r + 1.0)
        {
            g.priority += m.priority;
            if !names.contains(&m.label) {
                names.push(m.label.clone());
            }
            continue;
        }
        // another kind in the way: step aside, right then left, up, down
        let mut at = c;
        let clash = |p: (f64, f64), gs: &[(Group, Vec<String>)]| {
            gs.iter().any(|(g, _)| apart(g.center, p) < 2.0 * r + 2.0)
        };
        if clash(at, &groups) {
            let step = 2.0 * r + 2.0;
            at = (1..6)
                .flat_map(|k| {
                    let d = k as f64 * step / 2.0;
                    [(c.0 + d, c.1), (c.0 - d, c.1), (c.0, c.1 - d), (c.0, c.1 + d)]
                })
                .find(|&p| !clash(p, &groups))
                .unwrap_or(c);
        }
        groups.push((
            Group {
                kind: m.kind,
                center: at,
                label: String::new(),
                priority: m.priority,
                bounds: f.outer,
            },
            vec![m.label.clone()],
        ));
    }
    groups
        .into_iter()
        .map(|(mut g, names)| {
            g.label = group_label(&names);
            g
        })
        .collect()
}

/// A facility marker of radius `r`, centred on `c`; also used by the legend.
pub(crate) fn marker_symbol(kind: MarkerKind, c: (f64, f64), r: f64) -> Markup {
    let (x, y) = c;
    let sw = if r >= 5.0 { 2.0 } else { 1.0 };
    html! {
        g.mk data-kind=(kind.code()) {
            @match kind {
                MarkerKind::Open => {
                    circle cx=(n1(x)) cy=(n1(y)) r=(n1(r)) fill="#fff" stroke="#000" stroke-width=(sw) {}
                    circle cx=(n1(x)) cy=(n1(y)) r=(n1((r / 3.0).max(1.0))) fill="#000" {}
                }
                MarkerKind::Closed => {
                    circle cx=(n1(x)) cy=(n1(y)) r=(n1(r)) fill="#fff" stroke="#000" stroke-width=(sw) {}
                    path d={ "M" (n1(x - r * 0.7)) " " (n1(y - r * 0.7)) "L" (n1(x + r * 0.7)) " " (n1(y + r * 0.7))
                        "M" (n1(x - r * 0.7)) " " (n1(y + r * 0.7)) "L" (n1(x + r * 0.7)) " " (n1(y - r * 0.7)) }
                        stroke="#c80000" stroke-width=(sw + 1.0) {}
                }
                MarkerKind::New => {
                    rect x=(n1(x - r)) y=(n1(y - r)) width=(n1(2.0 * r)) height=(n1(2.0 * r))
                        fill="#2166ac" stroke="#000" stroke-width=(sw) {}
                }
            }
        }
    }
}

/// A scale bar of a round length at most `max_px` long, starting at `x`
/// (or ending there when `right_aligned`), its top at `y`.
fn scale_bar(f: &Frame, x: f64, y: f64, max_px: f64, right_aligned: bool) -> Markup {
    let m_per_px = f.m_per_px();
    let max_km = m_per_px * max_px / 1000.0;
    let mut km = 0.1;
    for e in -1..5 {
        for k in [1.0, 2.0, 5.0] {
            let v = k * 10f64.powi(e);
            if v <= max_km {
                km = v;
            }
        }
    }
    let len = km * 1000.0 / m_per_px;
    let label = if km >= 1.0 {
        format!("{km:.0}\u{A0}km")
    } else {
        format!("{}\u{A0}m", (km * 1000.0).round())
    };
    let font = if right_aligned { 10.0 } else { 12.0 };
    let tw = labels::text_width(&label, font);
    // right-aligned: label then bar, ending at x
    let (bar_x, text_x) = if right_aligned {
        (x - len, x - len - 4.0 - tw)
    } else {
        (x, x + len + 6.0)
    };
    let h = if right_aligned { 5.0 } else { 7.0 };
    html! {
        g.scale {
            path d={ "M" (n1(bar_x)) " " (n1(y)) "v" (n1(h)) "h" (n1(len)) "v-" (n1(h)) }
                fill="none" stroke="#000" stroke-width="1.5" {}
            text x=(n1(text_x)) y=(n1(y + h + 1.0)) font-size=(font) fill="#000"
                font-family="'DejaVu Sans', Verdana, sans-serif" { (label) }
        }
    }
}

/// A number with at most one decimal, no trailing `.0`.
fn n1(x: f64) -> String {
    let t = (x * 10.0).round() as i64;
    let mut s = String::new();
    tenths(&mut s, t);
    s
}

/// Writes `t` tenths as a short decimal: 12 → `1.2`, -3 → `-0.3`, 10 → `1`.
fn tenths(out: &mut String, t: i64) {
    if t < 0 {
        out.push('-');
    }
    let a = t.unsigned_abs();
    let _ = write!(out, "{}", a / 10);
    if !a.is_multiple_of(10) {
        let _ = write!(out, ".{}", a % 10);
    }
}

/// Appends one ring as a closed sub-path in relative moves, in tenths of a
/// pixel, leaving out points closer than half a pixel to the last one kept.
/// Nothing is written when the ring has fewer than three distinct points.
fn ring_path(d: &mut String, pts: impl Iterator<Item = (f64, f64)>) {
    let mut kept: Vec<(i64, i64)> = Vec::new();
    for (x, y) in pts {
        let p = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
        match kept.last() {
            Some(l) if (l.0 - p.0).abs() < 5 && (l.1 - p.1).abs() < 5 => {}
            _ => kept.push(p),
        }
    }
    if kept.len() > 1 && kept.first() == kept.last() {
        kept.pop();
    }
    if kept.len() < 3 {
        return;
    }
    d.push('M');
    tenths(d, kept[0].0);
    d.push(' ');
    tenths(d, kept[0].1);
    d.push('l');
    let mut last = kept[0];
    for (k, &p) in kept[1..].iter().enumerate() {
        for (j, v) in [p.0 - last.0, p.1 - last.1].into_iter().enumerate() {
            if (k > 0 || j > 0) && v >= 0 {
                d.push(' ');
            }
            tenths(d, v);
        }
        last = p;
    }
    d.push('z');
}

/// Area of a ring in squared metres (shoelace).
fn ring_area(r: &[[f64; 2]]) -> f64 {
    let mut a = 0.0;
    for w in r.windows(2) {
        a += w[0][0] * w[1][1] - w[1][0] * w[0][1];
    }
    (a / 2.0).abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, w: f64) -> Geometry {
        Geometry::MultiPolygon(geo::MultiPolygon(vec![geo::Polygon::new(
            geo::LineString::from(vec![(x, y), (x + w, y), (x + w, y + w), (x, y + w), (x, y)]),
            vec![],
        )]))
    }

    fn spec(shapes: &[Geometry], origins: Vec<[f64; 2]>, markers: Vec<Marker>) -> MapSpec<'_> {
        let n = origins.len();
        MapSpec {
            shapes,
            origins,
            fill: (0..n).map(|i| (i as u8, 2, 3)).collect(),
            tips: vec![],
            markers,
            alt: "test".into(),
            lang: Lang::Fr,
            width: 600,
            max_height: 400,
        }
    }

    #[test]
    fn path_numbers() {
        assert_eq!(n1(12.34), "12.3");
        assert_eq!(n1(-0.25), "-0.3");
        assert_eq!(n1(7.0), "7");
        let mut d = String::new();
        ring_path(
            &mut d,
            [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 0.0)].into_iter(),
        );
        assert_eq!(d, "M0 0l10 0 0 10z");
        let mut d = String::new();
        ring_path(&mut d, [(0.0, 0.0), (0.2, 0.1), (0.3, 0.0)].into_iter());
        assert!(d.is_empty(), "sub-pixel ring dropped: {d}");
    }

    /// The enclave (smaller) is painted after the commune around it; a
    /// lon/lat square on Lambert-93's central meridian (3° E) is drawn
    /// cos(latitude) times as wide as tall, within 2 %.
    #[test]
    fn enclave_order_and_shape() {
        let shapes = vec![square(2.9, 43.4, 0.2), square(2.8, 43.3, 0.4)];
        let s = spec(&shapes, vec![[3.0, 43.5], [2.85, 43.35]], vec![]);
        let svg = render_map(&s).unwrap().svg.into_string();
        let outer = svg.find("#010203").unwrap();
        let inner = svg.find("#000203").unwrap();
        assert!(outer < inner, "enclave drawn last");
        // 0.4° × 0.4° at 43.5° N: 32.3 km wide, 44.5 km tall
        let d = &svg[svg[..outer].rfind("d=\"").unwrap() + 3..];
        let d = &d[..d.find('"').unwrap()];
        // numbers are separated by a space, a command letter, or the sign
        // of the next one
        let mut nums: Vec<f64> = Vec::new();
        let mut cur = String::new();
        for c in d.chars() {
            if c == '-' || !(c.is_ascii_digit() || c == '.') {
                if !cur.is_empty() {
                    nums.push(cur.parse().unwrap());
                }
                cur = if c == '-' { "-".into() } else { String::new() };
            } else {
                cur.push(c);
            }
        }
        let (mut x, mut y) = (nums[0], nums[1]);
        let (mut x0, mut x1, mut y0, mut y1) = (x, x, y, y);
        for c in nums[2..].chunks(2) {
            x += c[0];
            y += c[1];
            (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
        }
        let ratio = (x1 - x0) / (y1 - y0);
        let want = 0.4 * 43.5f64.to_radians().cos();
        assert!(
            (ratio - want / 0.4).abs() < 0.02,
            "ratio {ratio} want {}",
            want / 0.4
        );
    }

    /// Overseas places go to insets left of the mainland.
    #[test]
    fn overseas_insets() {
        let origins = vec![
            [2.35, 48.85],
            [-0.37, 43.3],
            [7.26, 43.7],
            [55.45, -20.88],
            [-61.07, 14.6],
        ];
        let s = spec(&[], origins, vec![]);
        let map = render_map(&s).unwrap();
        let territories: Vec<(Territory, bool)> = map.layout.frames.iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(
            territories,
            [
                (Territory::Metropole, false),
                (Territory::Martinique, true),
                (Territory::Reunion, true)
            ]
        );
        let main = map.layout.frames[0].2;
        for f in &map.layout.frames[1..] {
            assert!(f.2.right() < main.x);
        }
        let svg = map.svg.into_string();
        assert!(svg.contains(">La Réunion<") && svg.contains(">Martinique<"));
    }

    /// Markers are grouped when they would overlap, and every label box is
    /// free of markers and other labels.
    #[test]
    fn markers_and_labels() {
        let shapes = vec![square(-1.0, 43.0, 1.0)];
        let at = |x: f64, y: f64, label: &str, p: u64| Marker {
            position: [x, y],
            label: label.into(),
            kind: MarkerKind::Open,
            priority: p,
        };
        let markers = vec![
            at(-0.37, 43.3, "CH de Pau", 300),
            at(-0.3699, 43.3001, "Polyclinique Navarre", 100),
            at(-0.5, 43.3, "CH de Saint-Palais", 20),
            at(-0.2, 43.7, "Clinique", 0),
            at(5.0, 45.0, "far away", 0),
        ];
        let s = spec(&shapes, vec![[-0.5, 43.5]], markers);
        let map = render_map(&s).unwrap();
        assert_eq!(
            map.layout.markers.len(),
            3,
            "Pau's two share a marker, Lyon is off the map"
        );
        let svg = map.svg.into_string();
        assert!(svg.contains("CH de Pau · Polyclinique Navarre"));
        let l = &map.layout;
        for (a, la) in l.labels.iter().enumerate() {
            for lb in &l.labels[a + 1..] {
                assert!(!la.overlaps(lb));
            }
            for m in &l.markers {
                assert!(!la.overlaps(m));
            }
        }
    }
}
