//! Catchment and isochrone polygons dissolved from commune polygons.

use geo::orient::{Direction, Orient};
use geo::{MultiPolygon, unary_union};

/// Unions the polygons of each group: `group_of[i]` is the group of
/// `polygons[i]` (`None`: left out). Returns one MultiPolygon per group
/// (empty when the group has no polygon). Inputs are oriented consistently
/// first, as the union's fill rule requires; neighbouring communes share
/// edges exactly, so the union leaves no slivers along them.
pub fn dissolve(
    polygons: &[Option<&MultiPolygon<f64>>],
    group_of: &[Option<usize>],
    groups: usize,
) -> Vec<MultiPolygon<f64>> {
    let mut members: Vec<Vec<MultiPolygon<f64>>> = vec![Vec::new(); groups];
    for (p, g) in polygons.iter().zip(group_of) {
        if let (Some(p), Some(g)) = (p, g) {
            members[*g].push(p.orient(Direction::Default));
        }
    }
    use rayon::prelude::*;
    members
        .par_iter()
        .map(|m| {
            if m.is_empty() {
                MultiPolygon(vec![])
            } else {
                unary_union(m.iter())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Validation};

    /// ```text
    ///  +---+---+---+
    ///  | a | b | c |     a, c in group 0; b in group 1; d in group 0
    ///  +---+---+---+     -> group 0 is a U shape (one polygon), group 1 a square
    ///  | d | d'|   |
    ///  +---+---+
    /// ```
    #[test]
    fn dissolves_shared_edges() {
        let sq = |x: f64, y: f64, w: f64| -> MultiPolygon<f64> {
            MultiPolygon(vec![geo::Polygon::new(
                geo::LineString::from(vec![(x, y), (x + w, y), (x + w, y + 1.0), (x, y + 1.0), (x, y)]),
                vec![],
            )])
        };
        let (a, b, c, d) = (
            sq(0.0, 1.0, 1.0),
            sq(1.0, 1.0, 1.0),
            sq(2.0, 1.0, 1.0),
            sq(0.0, 0.0, 3.0),
        );
        let polys = [Some(&a), Some(&b), Some(&c), Some(&d)];
        let out = dissolve(&polys, &[Some(0), Some(1), Some(0), Some(0)], 2);
        assert_eq!(out[0].0.len(), 1, "one polygon: a, c and d touch along edges");
        assert!((out[0].unsigned_area() - 5.0).abs() < 1e-9);
        assert!(out[0].is_valid());
        assert_eq!(out[1].0.len(), 1);
        assert!((out[1].unsigned_area() - 1.0).abs() < 1e-9);
    }

    /// A ring of far communes around a near one: the far band has a hole.
    #[test]
    fn band_with_hole() {
        let sq = |x: f64, y: f64| -> MultiPolygon<f64> {
            MultiPolygon(vec![geo::Polygon::new(
                geo::LineString::from(vec![
                    (x, y),
                    (x + 1.0, y),
                    (x + 1.0, y + 1.0),
                    (x, y + 1.0),
                    (x, y),
                ]),
                vec![],
            )])
        };
        let cells: Vec<MultiPolygon<f64>> = (0..9).map(|i| sq((i % 3) as f64, (i / 3) as f64)).collect();
        let polys: Vec<Option<&MultiPolygon<f64>>> = cells.iter().map(Some).collect();
        let groups: Vec<Option<usize>> = (0..9).map(|i| Some(if i == 4 { 0 } else { 1 })).collect();
        let out = dissolve(&polys, &groups, 2);
        assert_eq!(out[1].0.len(), 1);
        assert_eq!(out[1].0[0].interiors().len(), 1, "hole where the near commune is");
        assert!((out[1].unsigned_area() - 8.0).abs() < 1e-9);
        assert!(out[1].is_valid());
    }
}
