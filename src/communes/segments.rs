//! The exact boundary test between two commune polygons: do they share a
//! stretch of boundary, touch at points only, or not meet at all?

use geo::line_intersection::line_intersection;
use geo::{Line, LineIntersection, MultiPolygon, Rect};

/// How two polygons meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Contact {
    None,
    /// The boundaries meet at isolated points only (e.g. four communes
    /// meeting at one corner).
    Point,
    /// The boundaries share at least one segment of positive length.
    Segment,
}

fn boxes_meet(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x && b.min().x <= a.max().x && a.min().y <= b.max().y && b.min().y <= a.max().y
}

fn line_rect(l: &Line<f64>) -> Rect<f64> {
    Rect::new(l.start, l.end)
}

/// Boundary lines of `mp` whose box meets `window`.
fn lines_in(mp: &MultiPolygon<f64>, window: &Rect<f64>) -> Vec<Line<f64>> {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.lines())
        .filter(|l| boxes_meet(&line_rect(l), window))
        .collect()
}

/// Classifies how `a` and `b` meet, looking only at boundary segments in
/// the overlap of their boxes. Uses geo's robust `line_intersection`, so a
/// segment present in both outlines (as in topologically clean data such as
/// IGN's) is found exactly; outlines that merely run close without sharing
/// vertices or segments are not neighbours.
pub(crate) fn contact(
    a: &MultiPolygon<f64>,
    ra: &Rect<f64>,
    b: &MultiPolygon<f64>,
    rb: &Rect<f64>,
) -> Contact {
    if !boxes_meet(ra, rb) {
        return Contact::None;
    }
    let window = Rect::new(
        (ra.min().x.max(rb.min().x), ra.min().y.max(rb.min().y)),
        (ra.max().x.min(rb.max().x), ra.max().y.min(rb.max().y)),
    );
    let la = lines_in(a, &window);
    let lb = lines_in(b, &window);
    let mut out = Contact::None;
    for p in &la {
        let rp = line_rect(p);
        for q in &lb {
            if !boxes_meet(&rp, &line_rect(q)) {
                continue;
            }
            match line_intersection(*p, *q) {
                Some(LineIntersection::Collinear { .. }) => return Contact::Segment,
                Some(LineIntersection::SinglePoint { .. }) => out = Contact::Point,
                None => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{BoundingRect, polygon};

    fn sq(x: f64, y: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![
            polygon![(x: x, y: y), (x: x + 1.0, y: y), (x: x + 1.0, y: y + 1.0), (x: x, y: y + 1.0)],
        ])
    }

    #[test]
    fn grid_contacts() {
        // +---+---+
        // | a | b |      a-b share a side, a-d touch at a corner,
        // +---+---+---+  a-e are apart
        //     | d |   | e
        //     +---+   +
        let a = sq(0.0, 1.0);
        let b = sq(1.0, 1.0);
        let d = sq(1.0, 0.0);
        let e = sq(3.0, 0.0);
        let r = |m: &MultiPolygon<f64>| m.bounding_rect().unwrap();
        assert_eq!(contact(&a, &r(&a), &b, &r(&b)), Contact::Segment);
        assert_eq!(contact(&a, &r(&a), &d, &r(&d)), Contact::Point);
        assert_eq!(contact(&a, &r(&a), &e, &r(&e)), Contact::None);
    }
}
