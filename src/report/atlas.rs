//! Where each part of France goes on a map picture, as French atlases lay it
//! out: metropolitan France with Corsica in its true place, in Lambert-93
//! (EPSG:2154, the official projection); each overseas département that has
//! places in its own inset, in its official UTM projection, the insets
//! stacked in a column on the left (Guadeloupe, Martinique, Guyane,
//! La Réunion, Mayotte: the order of their INSEE codes). Insets are not at
//! the scale of the main map (Guyane would dwarf Mayotte); each carries its
//! own scale bar.
//!
//! A scope entirely overseas (`--dep 974`) is drawn alone, in its own
//! projection.

use crate::error::{Error, Result};

pub(crate) use crate::facilities::territory::Territory;
use crate::facilities::territory::territory_of;

/// The part of France a lon/lat point is drawn in: the territory whose box
/// holds it, metropolitan France for a point in none.
pub(crate) fn territory_at(p: [f64; 2]) -> Territory {
    territory_of(p[0], p[1]).unwrap_or(Territory::Metropole)
}

/// The territory's official projected CRS, as a PROJ string (metres).
fn proj_string(t: Territory) -> &'static str {
    match t {
        // EPSG:2154, RGF93 / Lambert-93
        Territory::Metropole => {
            "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +units=m +no_defs"
        }
        // EPSG:5490, RGAF09 / UTM zone 20N
        Territory::Guadeloupe | Territory::Martinique => "+proj=utm +zone=20 +ellps=GRS80 +units=m +no_defs",
        // EPSG:2972, RGFG95 / UTM zone 22N
        Territory::Guyane => "+proj=utm +zone=22 +ellps=GRS80 +units=m +no_defs",
        // EPSG:2975, RGR92 / UTM zone 40S
        Territory::Reunion => "+proj=utm +zone=40 +south +ellps=GRS80 +units=m +no_defs",
        // EPSG:4471, RGM04 / UTM zone 38S
        Territory::Mayotte => "+proj=utm +zone=38 +south +ellps=GRS80 +units=m +no_defs",
        // EPSG:4467, RGSPM06 / UTM zone 21N
        Territory::SaintPierreEtMiquelon => "+proj=utm +zone=21 +ellps=GRS80 +units=m +no_defs",
    }
}

/// A short code (`metropole`, `reunion`…), the SVG's `data-zone`.
pub(crate) fn code(t: Territory) -> &'static str {
    match t {
        Territory::Metropole => "metropole",
        Territory::Guadeloupe => "guadeloupe",
        Territory::Martinique => "martinique",
        Territory::Guyane => "guyane",
        Territory::Reunion => "reunion",
        Territory::Mayotte => "mayotte",
        Territory::SaintPierreEtMiquelon => "saint-pierre-et-miquelon",
    }
}

/// The name written over an inset.
pub(crate) fn name(t: Territory, fr: bool) -> &'static str {
    match (t, fr) {
        (Territory::Metropole, true) => "France métropolitaine",
        (Territory::Metropole, false) => "Metropolitan France",
        (Territory::Guadeloupe, _) => "Guadeloupe",
        (Territory::Martinique, _) => "Martinique",
        (Territory::Guyane, true) => "Guyane",
        (Territory::Guyane, false) => "French Guiana",
        (Territory::Reunion, true) => "La Réunion",
        (Territory::Reunion, false) => "Réunion",
        (Territory::Mayotte, _) => "Mayotte",
        (Territory::SaintPierreEtMiquelon, _) => "Saint-Pierre-et-Miquelon",
    }
}

/// Lon/lat (degrees) to a territory's projected metres.
pub(crate) struct Projector {
    from: proj4rs::Proj,
    to: proj4rs::Proj,
}

impl Projector {
    pub fn new(territory: Territory) -> Result<Self> {
        let p = |s: &str| {
            proj4rs::Proj::from_proj_string(s)
                .map_err(|e| Error::Invalid(format!("report: map projection `{s}`: {e}")))
        };
        Ok(Projector {
            from: p("+proj=longlat +ellps=GRS80 +no_defs")?,
            to: p(proj_string(territory))?,
        })
    }

    /// Projected `[x, y]` in metres, `None` for a point the projection
    /// cannot take (non-finite, or far outside its territory).
    pub fn project(&self, p: [f64; 2]) -> Option<[f64; 2]> {
        if !(p[0].is_finite() && p[1].is_finite()) {
            return None;
        }
        let (x, y) =
            proj4rs::adaptors::transform_xy(&self.from, &self.to, p[0].to_radians(), p[1].to_radians())
                .ok()?;
        (x.is_finite() && y.is_finite()).then_some([x, y])
    }
}

/// A pixel rectangle: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Whether `other` lies entirely inside this rectangle.
    pub fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }
    /// Whether the two rectangles share some area (touching edges do not).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right() && other.x < self.right() && self.y < other.bottom() && other.y < self.bottom()
    }
}

/// Extent in projected metres: min x, min y, max x, max y.
pub(crate) type Extent = [f64; 4];

/// Grows an extent to take a point.
pub(crate) fn extend(e: &mut Option<Extent>, p: [f64; 2]) {
    let b = e.get_or_insert([p[0], p[1], p[0], p[1]]);
    *b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
}

/// One frame of the picture: a territory's extent fitted into a pixel
/// rectangle.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub territory: Territory,
    /// Drawn in a box of its own, with its name (an overseas inset).
    pub inset: bool,
    /// The box of an inset (title band included); for the main frame, the
    /// area its communes are drawn in.
    pub outer: Rect,
    /// Where the territory's extent is drawn (labels stay inside it).
    pub inner: Rect,
    extent: Extent,
    /// Pixels per metre.
    scale: f64,
    /// Pixel position of the extent's upper-left corner.
    origin: (f64, f64),
}

impl Frame {
    /// Projected metres to pixels.
    pub fn px(&self, p: [f64; 2]) -> (f64, f64) {
        (
            self.origin.0 + (p[0] - self.extent[0]) * self.scale,
            self.origin.1 + (self.extent[3] - p[1]) * self.scale,
        )
    }

    /// Metres per pixel.
    pub fn m_per_px(&self) -> f64 {
        1.0 / self.scale
    }

    /// Fits `extent` in `area` (keeping its aspect, centred).
    fn fit(territory: Territory, inset: bool, outer: Rect, area: Rect, extent: Extent) -> Frame {
        let dx = (extent[2] - extent[0]).max(1.0);
        let dy = (extent[3] - extent[1]).max(1.0);
        let scale = (area.w / dx).min(area.h / dy);
        let (w, h) = (dx * scale, dy * scale);
        let origin = (area.x + (area.w - w) / 2.0, area.y + (area.h - h) / 2.0);
        Frame {
            territory,
            inset,
            outer,
            inner: Rect {
                x: origin.0,
                y: origin.1,
                w,
                h,
            },
            extent,
            scale,
            origin,
        }
    }
}

/// Padding around the picture and between frames, pixels.
pub(crate) const PAD: f64 = 8.0;
/// Height of an inset's title band, pixels.
pub(crate) const INSET_TITLE: f64 = 18.0;
/// Share of the picture's width given to the column of insets.
const INSET_COLUMN: f64 = 0.19;

/// The frames of a picture `width` pixels wide and at most `max_height`
/// pixels tall (frames only: scale bar and legend go below), and the
/// height they take. `extents` holds each territory that has something to
/// draw.
pub(crate) fn layout(extents: &[(Territory, Extent)], width: f64, max_height: f64) -> (Vec<Frame>, f64) {
    let main = extents
        .iter()
        .find(|(t, _)| *t == Territory::Metropole)
        .or_else(|| extents.first());
    let Some(&(main_territory, main_extent)) = main else {
        return (Vec::new(), 2.0 * PAD);
    };
    let mut insets: Vec<(Territory, Extent)> = extents
        .iter()
        .filter(|(z, _)| *z != main_territory)
        .copied()
        .collect();
    insets.sort_by_key(|i| i.0);
    let avail_h = max_height - 2.0 * PAD;
    if insets.is_empty() {
        let area = Rect {
            x: PAD,
            y: PAD,
            w: width - 2.0 * PAD,
            h: avail_h,
        };
        let f = Frame::fit(main_territory, false, area, area, main_extent);
        let h = f.inner.h + 2.0 * PAD;
        // the frame fills its picture: move it to the top
        let f = Frame::fit(
            main_territory,
            false,
            Rect { h: f.inner.h, ..area },
            Rect { h: f.inner.h, ..area },
            main_extent,
        );
        return (vec![f], h);
    }
    let col_w = (width * INSET_COLUMN).round();
    let n = insets.len() as f64;
    // at least 90 pixels per inset, even under a wide main frame
    let min_col_h = n * 90.0 + (n - 1.0) * PAD;
    let main_area = Rect {
        x: 2.0 * PAD + col_w,
        y: PAD,
        w: width - col_w - 3.0 * PAD,
        h: avail_h,
    };
    let probe = Frame::fit(main_territory, false, main_area, main_area, main_extent);
    let used_h = probe.inner.h.max(min_col_h.min(avail_h));
    let main_area = Rect {
        h: used_h,
        ..main_area
    };
    let main = Frame::fit(main_territory, false, main_area, main_area, main_extent);
    let box_h = (used_h - (n - 1.0) * PAD) / n;
    let mut frames = vec![main];
    for (k, (territory, extent)) in insets.into_iter().enumerate() {
        let outer = Rect {
            x: PAD,
            y: PAD + k as f64 * (box_h + PAD),
            w: col_w,
            h: box_h,
        };
        let area = Rect {
            x: outer.x + 4.0,
            y: outer.y + INSET_TITLE,
            w: outer.w - 8.0,
            h: outer.h - INSET_TITLE - 4.0,
        };
        frames.push(Frame::fit(territory, true, outer, area, extent));
    }
    (frames, used_h + 2.0 * PAD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn territories_of_real_places() {
        // town halls: Pau, Ajaccio, Basse-Terre, Fort-de-France, Cayenne,
        // Saint-Denis, Mamoudzou; a point in none goes with the mainland
        assert_eq!(territory_at([-0.370, 43.296]), Territory::Metropole);
        assert_eq!(territory_at([8.737, 41.919]), Territory::Metropole);
        assert_eq!(territory_at([-61.726, 15.998]), Territory::Guadeloupe);
        assert_eq!(territory_at([-61.073, 14.605]), Territory::Martinique);
        assert_eq!(territory_at([-52.326, 4.938]), Territory::Guyane);
        assert_eq!(territory_at([55.448, -20.879]), Territory::Reunion);
        assert_eq!(territory_at([45.227, -12.781]), Territory::Mayotte);
        assert_eq!(territory_at([13.4, 52.5]), Territory::Metropole);
    }

    /// The projections' own definitions: Lambert-93 puts (3° E, 46.5° N)
    /// at (700 000, 6 600 000); UTM 40S puts its central meridian (57° E)
    /// on the equator at (500 000, 10 000 000). A kilometre north of the
    /// Lambert-93 origin is 1 000 m up, within the scale error (< 0.1 %).
    #[test]
    fn official_projections() {
        let p = Projector::new(Territory::Metropole).unwrap();
        let [x, y] = p.project([3.0, 46.5]).unwrap();
        assert!(
            (x - 700_000.0).abs() < 1e-3 && (y - 6_600_000.0).abs() < 1e-3,
            "{x} {y}"
        );
        let [_, y2] = p.project([3.0, 46.5 + 1.0 / 111.2]).unwrap();
        assert!((y2 - y - 1_000.0).abs() < 2.0, "{}", y2 - y);
        let r = Projector::new(Territory::Reunion).unwrap();
        let [x, y] = r.project([57.0, 0.0]).unwrap();
        assert!(
            (x - 500_000.0).abs() < 1e-3 && (y - 10_000_000.0).abs() < 1e-3,
            "{x} {y}"
        );
    }

    #[test]
    fn insets_in_a_left_column_beside_the_mainland() {
        let metro = [100_000.0, 6_050_000.0, 1_240_000.0, 7_110_000.0];
        let small = [0.0, 0.0, 50_000.0, 40_000.0];
        let extents = [
            (Territory::Mayotte, small),
            (Territory::Metropole, metro),
            (Territory::Guadeloupe, small),
            (Territory::Guyane, [0.0, 0.0, 300_000.0, 400_000.0]),
        ];
        let (frames, h) = layout(&extents, 1080.0, 820.0);
        assert_eq!(frames.len(), 4);
        let main = &frames[0];
        assert_eq!(main.territory, Territory::Metropole);
        assert!(!main.inset);
        // INSEE order down the column
        let order: Vec<Territory> = frames[1..].iter().map(|f| f.territory).collect();
        assert_eq!(
            order,
            [Territory::Guadeloupe, Territory::Guyane, Territory::Mayotte]
        );
        for f in &frames[1..] {
            assert!(f.inset);
            assert!(f.outer.right() <= main.inner.x, "inset left of the mainland");
            assert!(f.outer.contains(&f.inner));
            assert!(f.outer.bottom() <= h);
        }
        for (a, b) in [(1, 2), (2, 3)] {
            assert!(!frames[a].outer.overlaps(&frames[b].outer));
        }
        // the mainland takes most of the picture: over 3/4 of its width
        assert!(main.inner.w > 0.74 * 1080.0, "{:?}", main.inner);
        assert!(h <= 820.0);
    }

    #[test]
    fn a_single_territory_fills_the_width() {
        let (frames, h) = layout(
            &[(Territory::Reunion, [0.0, 0.0, 70_000.0, 50_000.0])],
            600.0,
            900.0,
        );
        assert_eq!(frames.len(), 1);
        let f = &frames[0];
        assert!(!f.inset);
        assert!((f.inner.w - 584.0).abs() < 1e-6);
        assert!((h - (f.inner.h + 16.0)).abs() < 1e-6);
        // corners map to the frame's corners
        let (x, y) = f.px([0.0, 50_000.0]);
        assert!((x - 8.0).abs() < 1e-9 && (y - 8.0).abs() < 1e-9);
    }
}
