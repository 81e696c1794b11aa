//! The choropleth: communes filled with their time band's colour, drawn
//! with plotters' SVG backend in an equirectangular projection whose x axis
//! is shrunk by cos(mid-latitude), so that shapes are not stretched east–west
//! (at 43° N a degree of longitude is 0.73 of a degree of latitude).

use geo::Area;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::output::Geometry;

/// What a facility marker stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkerKind {
    Open,
    Closed,
    New,
}

/// A facility to mark and label, lon/lat.
#[derive(Debug, Clone)]
pub(crate) struct Marker {
    pub position: [f64; 2],
    pub label: String,
    pub kind: MarkerKind,
}

/// A legend entry: a colour swatch or a facility marker, and its text.
#[derive(Debug, Clone)]
pub(crate) enum LegendItem {
    Swatch((u8, u8, u8), String),
    Marker(MarkerKind, String),
}

/// Everything one map picture needs.
pub(crate) struct MapSpec<'a> {
    /// One shape per place, or empty to draw every place as a point.
    pub shapes: &'a [Geometry],
    /// Place origins, lon/lat (drawn when a place has no polygon).
    pub origins: Vec<[f64; 2]>,
    /// Fill colour per place.
    pub fill: Vec<(u8, u8, u8)>,
    pub markers: Vec<Marker>,
    pub legend: Vec<LegendItem>,
    /// Scale-bar unit text (`km`).
    pub km: &'static str,
    /// Picture width in pixels; the height follows the territory's aspect.
    pub width: u32,
    /// Largest height of the map area in pixels.
    pub max_height: u32,
}

/// Above this many places, commune outlines are left out: at that scale they
/// would hide the colours.
const OUTLINE_LIMIT: usize = 5_000;
/// Above this many marker groups, markers are not labelled (the facility
/// table lists them) since labels would cover the map.
const LABEL_LIMIT: usize = 60;
const PAD: f64 = 12.0;
const LEGEND_ROW: i32 = 24;
const LEGEND_COL: i32 = 170;
/// plotters writes `font-size = size / 1.24`; this gives 13 px text.
const FONT: f64 = 13.0 * 1.24;
const LABEL_FONT: f64 = 13.0 * 1.24;

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Invalid(format!("report: cannot draw the map: {e:?}"))
}

/// Lon/lat to pixels.
struct Projection {
    lon0: f64,
    lat1: f64,
    k: f64,
    scale: f64,
    x0: f64,
    y0: f64,
}

impl Projection {
    fn px(&self, lon: f64, lat: f64) -> (i32, i32) {
        (
            (self.x0 + (lon - self.lon0) * self.k * self.scale).round() as i32,
            (self.y0 + (self.lat1 - lat) * self.scale).round() as i32,
        )
    }

    /// Kilometres per pixel (a degree of great circle is 111.32 km).
    fn km_per_px(&self) -> f64 {
        111.32 / self.scale
    }
}

fn bbox(spec: &MapSpec) -> Option<[f64; 4]> {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    let mut add = |x: f64, y: f64| {
        if x.is_finite() && y.is_finite() {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
    };
    for i in 0..spec.origins.len() {
        match spec.shapes.get(i) {
            Some(Geometry::MultiPolygon(mp)) if !mp.0.is_empty() => {
                for p in &mp.0 {
                    for c in p.exterior().coords() {
                        add(c.x, c.y);
                    }
                }
            }
            Some(Geometry::Point([x, y])) => add(*x, *y),
            _ => add(spec.origins[i][0], spec.origins[i][1]),
        }
    }
    for m in &spec.markers {
        add(m.position[0], m.position[1]);
    }
    (b[0] <= b[2]).then_some(b)
}

/// Pixel ring with consecutive duplicates removed.
fn ring_px(proj: &Projection, ls: &geo::LineString<f64>) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(ls.0.len());
    for c in ls.coords() {
        let p = proj.px(c.x, c.y);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

fn legend_height(spec: &MapSpec) -> i32 {
    let per_row = ((spec.width as i32 - 2 * PAD as i32) / LEGEND_COL).max(1) as usize;
    let rows = spec.legend.len().div_ceil(per_row) as i32;
    rows * LEGEND_ROW + if rows > 0 { 10 } else { 0 }
}

/// Estimated width of a label in pixels (sans-serif averages about 0.6 em;
/// capitals, common in facility names, run wider than lower case).
fn text_width(s: &str, px: f64) -> i32 {
    (s.chars()
        .map(|c| if c.is_uppercase() { 0.66 } else { 0.5 })
        .sum::<f64>()
        * px)
        .ceil() as i32
}

/// Draws a marker of radius `r` pixels (6 normally, smaller on crowded maps).
fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    (x, y): (i32, i32),
    kind: MarkerKind,
    r: i32,
) -> Result<()> {
    let black = BLACK.stroke_width(if r >= 5 { 2 } else { 1 });
    match kind {
        MarkerKind::Open => {
            area.draw(&Circle::new((x, y), r as u32, WHITE.filled()))
                .map_err(draw_err)?;
            area.draw(&Circle::new((x, y), r as u32, black))
                .map_err(draw_err)?;
            area.draw(&Circle::new((x, y), (r / 3).max(1) as u32, BLACK.filled()))
                .map_err(draw_err)?;
        }
        MarkerKind::Closed => {
            area.draw(&Circle::new((x, y), r as u32, WHITE.filled()))
                .map_err(draw_err)?;
            area.draw(&Circle::new((x, y), r as u32, black))
                .map_err(draw_err)?;
            let red = RGBColor(200, 0, 0).stroke_width(if r >= 5 { 3 } else { 2 });
            area.draw(&PathElement::new(vec![(x - r, y - r), (x + r, y + r)], red))
                .map_err(draw_err)?;
            area.draw(&PathElement::new(vec![(x - r, y + r), (x + r, y - r)], red))
                .map_err(draw_err)?;
        }
        MarkerKind::New => {
            area.draw(&Rectangle::new(
                [(x - r, y - r), (x + r, y + r)],
                RGBColor(33, 102, 172).filled(),
            ))
            .map_err(draw_err)?;
            area.draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], black))
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// Renders the map as an SVG document (one string, no external resource).
pub(crate) fn render_map(spec: &MapSpec) -> Result<String> {
    let w = spec.width as f64;
    let b = bbox(spec).unwrap_or([0.0, 0.0, 1.0, 1.0]);
    let k = ((b[1] + b[3]) / 2.0).to_radians().cos();
    let dx = ((b[2] - b[0]) * k).max(1e-6);
    let dy = (b[3] - b[1]).max(1e-6);
    let scale = ((w - 2.0 * PAD) / dx).min((spec.max_height as f64 - 2.0 * PAD) / dy);
    let map_h = (dy * scale + 2.0 * PAD).ceil();
    let proj = Projection {
        lon0: b[0],
        lat1: b[3],
        k,
        scale,
        x0: (w - dx * scale) / 2.0,
        y0: PAD,
    };
    let legend_h = legend_height(spec);
    let scalebar_h = 34;
    let h = map_h as i32 + scalebar_h + legend_h;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (spec.width, h as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;

        // Largest first, so that a commune enclosed in another (drawn from
        // its exterior ring only) is painted over its neighbour's hole.
        let mut order: Vec<(f64, usize)> = (0..spec.origins.len())
            .map(|i| match spec.shapes.get(i) {
                Some(Geometry::MultiPolygon(mp)) => (mp.unsigned_area(), i),
                _ => (0.0, i),
            })
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let outline = spec.origins.len() <= OUTLINE_LIMIT;
        let line = RGBAColor(80, 80, 80, 0.45).stroke_width(1);
        let mut points: Vec<usize> = Vec::new();
        for &(_, i) in &order {
            let (r, g, bl) = spec.fill[i];
            let color = RGBColor(r, g, bl);
            match spec.shapes.get(i) {
                Some(Geometry::MultiPolygon(mp)) if !mp.0.is_empty() => {
                    let mut drawn = false;
                    for poly in &mp.0 {
                        let ring = ring_px(&proj, poly.exterior());
                        if ring.len() < 3 {
                            continue;
                        }
                        drawn = true;
                        root.draw(&Polygon::new(ring.clone(), color.filled()))
                            .map_err(draw_err)?;
                        if outline {
                            let mut closed = ring;
                            closed.push(closed[0]);
                            root.draw(&PathElement::new(closed, line)).map_err(draw_err)?;
                        }
                    }
                    if !drawn {
                        // smaller than a pixel at this scale: one pixel
                        let c = poly_anchor(mp).unwrap_or(spec.origins[i]);
                        let (x, y) = proj.px(c[0], c[1]);
                        root.draw(&Rectangle::new([(x, y), (x + 1, y + 1)], color.filled()))
                            .map_err(draw_err)?;
                    }
                }
                _ => points.push(i),
            }
        }
        // Places without polygon on top, as dots.
        for i in points {
            let (r, g, bl) = spec.fill[i];
            let p = match spec.shapes.get(i) {
                Some(Geometry::Point(p)) => *p,
                _ => spec.origins[i],
            };
            let c = proj.px(p[0], p[1]);
            root.draw(&Circle::new(c, 4, RGBColor(r, g, bl).filled()))
                .map_err(draw_err)?;
            root.draw(&Circle::new(c, 4, line)).map_err(draw_err)?;
        }

        draw_markers(&root, spec, &proj)?;
        draw_scale_bar(&root, spec, &proj, map_h as i32)?;
        draw_legend(&root, spec, map_h as i32 + scalebar_h)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// A point of the polygon for a sub-pixel commune: its first vertex.
fn poly_anchor(mp: &geo::MultiPolygon<f64>) -> Option<[f64; 2]> {
    mp.0.first()
        .and_then(|p| p.exterior().0.first())
        .map(|c| [c.x, c.y])
}

fn draw_markers<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    spec: &MapSpec,
    proj: &Projection,
) -> Result<()> {
    // Facilities a few pixels apart (two maternities in one town) share a
    // marker and a label.
    let mut groups: Vec<((i32, i32), MarkerKind, Vec<String>)> = Vec::new();
    for m in &spec.markers {
        let p = proj.px(m.position[0], m.position[1]);
        match groups
            .iter_mut()
            .find(|(q, k, _)| *k == m.kind && (q.0 - p.0).abs() <= 4 && (q.1 - p.1).abs() <= 4)
        {
            Some(g) => {
                if !g.2.contains(&m.label) {
                    g.2.push(m.label.clone());
                }
            }
            None => groups.push((p, m.kind, vec![m.label.clone()])),
        }
    }
    let crowded = groups.len() > LABEL_LIMIT;
    for (p, kind, _) in &groups {
        draw_marker(root, *p, *kind, if crowded { 3 } else { 6 })?;
    }
    if crowded {
        return Ok(());
    }
    let (w, _) = root.dim_in_pixel();
    let font = ("sans-serif", LABEL_FONT).into_font().color(&BLACK);
    let lh = 16;
    let mut placed: Vec<[i32; 4]> = groups
        .iter()
        .map(|(p, _, _)| [p.0 - 7, p.1 - 7, p.0 + 7, p.1 + 7])
        .collect();
    for (p, _, labels) in &groups {
        let mut text = labels.join(" · ");
        if text.chars().count() > 60 {
            text = text.chars().take(58).collect::<String>() + "…";
        }
        let tw = text_width(&text, 13.0);
        // right, left, above, below: the first spot that overlaps nothing
        let candidates = [
            (p.0 + 10, p.1 - lh / 2),
            (p.0 - 10 - tw, p.1 - lh / 2),
            (p.0 - tw / 2, p.1 - 10 - lh),
            (p.0 - tw / 2, p.1 + 10),
        ];
        let inside = |(x, _y): (i32, i32)| x >= 2 && x + tw <= w as i32 - 2;
        let free = |(x, y): (i32, i32)| {
            placed
                .iter()
                .all(|b| x + tw < b[0] || x > b[2] || y + lh < b[1] || y > b[3])
        };
        let spot = candidates
            .iter()
            .copied()
            .find(|&c| inside(c) && free(c))
            .or_else(|| candidates.iter().copied().find(|&c| inside(c)))
            .unwrap_or(candidates[0]);
        let bx = [spot.0 - 2, spot.1 - 1, spot.0 + tw + 2, spot.1 + lh + 1];
        root.draw(&Rectangle::new(
            [(bx[0], bx[1]), (bx[2], bx[3])],
            RGBAColor(255, 255, 255, 0.8).filled(),
        ))
        .map_err(draw_err)?;
        root.draw(&Text::new(text, spot, font.clone()))
            .map_err(draw_err)?;
        placed.push(bx);
    }
    Ok(())
}

fn draw_scale_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    spec: &MapSpec,
    proj: &Projection,
    top: i32,
) -> Result<()> {
    let kpp = proj.km_per_px();
    let max_km = kpp * spec.width as f64 / 5.0;
    let mut km = 1.0;
    for e in -2..6 {
        for m in [1.0, 2.0, 5.0] {
            let v = m * 10f64.powi(e);
            if v <= max_km {
                km = v;
            }
        }
    }
    let len = (km / kpp).round() as i32;
    let (x, y) = (PAD as i32, top + 8);
    let black = BLACK.stroke_width(2);
    root.draw(&PathElement::new(
        vec![(x, y), (x, y + 8), (x + len, y + 8), (x + len, y)],
        black,
    ))
    .map_err(draw_err)?;
    let font = ("sans-serif", FONT).into_font().color(&BLACK);
    let label = if km.fract() == 0.0 {
        format!("{km:.0} {}", spec.km)
    } else {
        format!("{km} {}", spec.km)
    };
    root.draw(&Text::new(label, (x + len + 8, y), font))
        .map_err(draw_err)?;
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    spec: &MapSpec,
    top: i32,
) -> Result<()> {
    let per_row = ((spec.width as i32 - 2 * PAD as i32) / LEGEND_COL).max(1) as usize;
    let font = ("sans-serif", FONT).into_font().color(&BLACK);
    for (n, item) in spec.legend.iter().enumerate() {
        let x = PAD as i32 + (n % per_row) as i32 * LEGEND_COL;
        let y = top + (n / per_row) as i32 * LEGEND_ROW;
        let text = match item {
            LegendItem::Swatch((r, g, b), t) => {
                root.draw(&Rectangle::new(
                    [(x, y), (x + 26, y + 16)],
                    RGBColor(*r, *g, *b).filled(),
                ))
                .map_err(draw_err)?;
                root.draw(&Rectangle::new(
                    [(x, y), (x + 26, y + 16)],
                    RGBColor(80, 80, 80).stroke_width(1),
                ))
                .map_err(draw_err)?;
                t
            }
            LegendItem::Marker(kind, t) => {
                draw_marker(root, (x + 13, y + 8), *kind, 6)?;
                t
            }
        };
        root.draw(&Text::new(text.clone(), (x + 34, y + 1), font.clone()))
            .map_err(draw_err)?;
    }
    Ok(())
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

    /// A one-degree square at 60° N is drawn half as wide as it is tall, and
    /// the enclave (smaller) is painted after the commune around it.
    #[test]
    fn aspect_and_enclave_order() {
        let shapes = vec![square(10.4, 60.4, 0.2), square(10.0, 60.0, 1.0)];
        let spec = MapSpec {
            shapes: &shapes,
            origins: vec![[10.5, 60.5], [10.1, 60.1]],
            fill: vec![(1, 2, 3), (4, 5, 6)],
            markers: vec![Marker {
                position: [10.5, 60.5],
                label: "A & B".into(),
                kind: MarkerKind::Open,
            }],
            legend: vec![LegendItem::Swatch((1, 2, 3), "0–10 min".into())],
            km: "km",
            width: 600,
            max_height: 400,
        };
        let svg = render_map(&spec).unwrap();
        let outer = svg.find("#040506").unwrap();
        let inner = svg.find("#010203").unwrap();
        assert!(outer < inner, "enclave drawn last");
        assert!(svg.contains("A &amp; B"));
        // the big square: height 376 px, width cos(60.5°) * 376 ≈ 185 px
        let poly = &svg[svg[..outer].rfind("<polygon").unwrap()..];
        let pts: Vec<(i32, i32)> = poly[poly.find("points=\"").unwrap() + 8..]
            .split('"')
            .next()
            .unwrap()
            .split_whitespace()
            .map(|p| {
                let (a, b) = p.split_once(',').unwrap();
                (a.parse().unwrap(), b.parse().unwrap())
            })
            .collect();
        let wpx = pts.iter().map(|p| p.0).max().unwrap() - pts.iter().map(|p| p.0).min().unwrap();
        let hpx = pts.iter().map(|p| p.1).max().unwrap() - pts.iter().map(|p| p.1).min().unwrap();
        let ratio = wpx as f64 / hpx as f64;
        let want = 60.5f64.to_radians().cos();
        assert!((ratio - want).abs() < 0.01, "ratio {ratio} want {want}");
    }
}
