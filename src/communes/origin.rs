//! Choosing each commune's ORIGIN, the point its inhabitants' trips start
//! from.
//!
//! The town hall is the natural origin (it sits in the village centre), but
//! in the `communes-france` source about 1,935 town-hall points lie outside
//! their own commune (longitude sign flipped, longitude equal to latitude,
//! homonyms geocoded hundreds of km away) and 50 are missing. So the town
//! hall is checked against the commune polygon and replaced, with a flag,
//! when it fails.

use geo::{Closest, ClosestPoint, Contains, InteriorPoint, Intersects, MultiPolygon, Point};

use super::haversine_m;

/// How a commune's origin was chosen. Anything but [`OriginSource::Mairie`]
/// and [`OriginSource::MairieNear`] is a fallback worth flagging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum OriginSource {
    /// The town hall, inside the commune polygon.
    Mairie,
    /// The town hall, outside the polygon but within the tolerance (the
    /// outlines are generalised).
    MairieNear,
    /// The town hall with its longitude sign flipped, which then falls
    /// inside the polygon (a known defect of the source).
    MairieSignFixed,
    /// The polygon's centroid (town hall missing or outside), which lies
    /// inside the polygon.
    Centroid,
    /// A point inside the polygon (geo's `InteriorPoint`, a point on
    /// surface), used when the centroid falls outside a concave commune.
    InteriorPoint,
    /// The town hall of a commune without polygon: cannot be checked.
    MairieUnchecked,
    /// The centroid of a commune with neither polygon nor town hall.
    CentroidUnchecked,
    /// No point at all: the commune cannot be a graph node.
    Missing,
}

impl OriginSource {
    /// Every variant, in declaration order.
    pub const ALL: [OriginSource; 8] = [
        OriginSource::Mairie,
        OriginSource::MairieNear,
        OriginSource::MairieSignFixed,
        OriginSource::Centroid,
        OriginSource::InteriorPoint,
        OriginSource::MairieUnchecked,
        OriginSource::CentroidUnchecked,
        OriginSource::Missing,
    ];

    /// Short stable name used in files (`mairie`, `mairie-sign-fixed`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            OriginSource::Mairie => "mairie",
            OriginSource::MairieNear => "mairie-near",
            OriginSource::MairieSignFixed => "mairie-sign-fixed",
            OriginSource::Centroid => "centroid",
            OriginSource::InteriorPoint => "interior-point",
            OriginSource::MairieUnchecked => "mairie-unchecked",
            OriginSource::CentroidUnchecked => "centroid-unchecked",
            OriginSource::Missing => "missing",
        }
    }

    /// Inverse of [`OriginSource::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// True when the given town hall was not used as it is: the origin is a
    /// corrected or substitute point. Unchecked town halls are not counted
    /// as fallbacks (nothing was replaced) but are flagged by their own name.
    pub fn is_fallback(self) -> bool {
        matches!(
            self,
            OriginSource::MairieSignFixed
                | OriginSource::Centroid
                | OriginSource::InteriorPoint
                | OriginSource::CentroidUnchecked
                | OriginSource::Missing
        )
    }
}

/// True when (lon, lat) lies in France: see [`crate::france`] (the real
/// outline, not a bounding box).
pub fn in_france(p: (f64, f64)) -> bool {
    crate::france::contains(p.0, p.1)
}

/// Distance from a point to a multipolygon in metres, 0 inside or on it.
/// The nearest point is found in degrees (fine at the scale of a commune),
/// the distance measured on the sphere.
pub fn distance_outside_m(poly: &MultiPolygon<f64>, p: (f64, f64)) -> f64 {
    let pt = Point::new(p.0, p.1);
    if poly.intersects(&pt) {
        return 0.0;
    }
    match poly.closest_point(&pt) {
        Closest::Intersection(_) => 0.0,
        Closest::SinglePoint(q) => haversine_m(p, (q.x(), q.y())),
        Closest::Indeterminate => f64::INFINITY,
    }
}

/// Chooses a commune's origin (lon, lat) and says how:
///
/// 1. with a polygon: the town hall when inside it or within `tolerance_m`
///    of it; else the sign-flipped town hall when that falls inside; else the
///    centroid when inside; else geo's interior point; a polygon too broken to
///    give one falls back to the unchecked town hall or centroid;
/// 2. without a polygon: the town hall, else the centroid (both unchecked);
/// 3. neither: `None`, [`OriginSource::Missing`].
///
/// # Examples
/// ```
/// use geo::{MultiPolygon, polygon};
/// use medaccess::communes::{OriginSource, choose_origin};
/// let square = MultiPolygon::new(vec![polygon![(x: 1.0, y: 45.0), (x: 1.1, y: 45.0), (x: 1.1, y: 45.1), (x: 1.0, y: 45.1)]]);
/// // A longitude with the wrong sign is repaired
/// let (p, how) = choose_origin(Some((-1.05, 45.05)), None, Some(&square), 200.0);
/// assert_eq!((p, how), (Some((1.05, 45.05)), OriginSource::MairieSignFixed));
/// ```
pub fn choose_origin(
    mairie: Option<(f64, f64)>,
    centroid: Option<(f64, f64)>,
    poly: Option<&MultiPolygon<f64>>,
    tolerance_m: f64,
) -> (Option<(f64, f64)>, OriginSource) {
    let Some(poly) = poly else {
        return match (mairie, centroid) {
            (Some(m), _) => (Some(m), OriginSource::MairieUnchecked),
            (None, Some(c)) => (Some(c), OriginSource::CentroidUnchecked),
            (None, None) => (None, OriginSource::Missing),
        };
    };
    let inside = |p: (f64, f64)| poly.contains(&Point::new(p.0, p.1));
    if let Some(m) = mairie {
        let d = distance_outside_m(poly, m);
        if d == 0.0 {
            return (Some(m), OriginSource::Mairie);
        }
        if d <= tolerance_m {
            return (Some(m), OriginSource::MairieNear);
        }
        let flipped = (-m.0, m.1);
        if inside(flipped) {
            return (Some(flipped), OriginSource::MairieSignFixed);
        }
    }
    if let Some(c) = centroid.filter(|&c| inside(c)) {
        return (Some(c), OriginSource::Centroid);
    }
    if let Some(p) = poly.interior_point() {
        return (Some((p.x(), p.y())), OriginSource::InteriorPoint);
    }
    match (mairie, centroid) {
        (Some(m), _) => (Some(m), OriginSource::MairieUnchecked),
        (None, Some(c)) => (Some(c), OriginSource::CentroidUnchecked),
        (None, None) => (None, OriginSource::Missing),
    }
}
