//! Commune polygons checked before they are drawn: each must lie where its
//! commune is, and be a valid polygon.
//!
//! A polygon file from elsewhere (another vintage, a hand edit, a GIS
//! export) can hold two communes' outlines swapped, an outline moved, or a
//! ring that crosses itself. Drawn as they are, the first two put a
//! commune's minutes on another's land; the third makes QGIS and GDAL
//! refuse or misdraw the layer. So, as GDAL and osmium would:
//! - a polygon that lies farther than [`ORIGIN_TOLERANCE_M`] from its
//!   commune's origin (the town hall checked when the commune graph was
//!   built) is refused, with the commune whose origin it holds instead;
//! - a commune given twice is refused;
//! - an invalid polygon (self-intersecting ring, ring crossing another) is
//!   repaired ([`geo::MakeValid`]: the same area, as valid polygons) and the
//!   repair is reported; one that cannot be repaired is refused.
//!
//! The `communes-france` extract has one invalid polygon after rounding to
//! 5 decimals (67226, a ring touching itself): it is repaired.

use std::collections::HashMap;
use std::path::Path;

use geo::{BoundingRect, Contains, InteriorPoint, MakeValid, MultiPolygon, Point, Validation};
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use super::graph::CommuneNode;
use super::origin::distance_outside_m;
use crate::error::{Error, Result};

/// How far a commune's origin may lie outside its polygon, metres. Origins
/// are town halls checked against the polygons within 200 m, or points
/// inside them; 2 km leaves room for outlines of another vintage while
/// catching a polygon moved or swapped with another commune's (a
/// neighbour's origin is 5 km away on average).
pub const ORIGIN_TOLERANCE_M: f64 = 2_000.0;

/// Polygons that passed the checks, keyed by INSEE code, and what was done.
#[derive(Debug, Default)]
pub struct CheckedPolygons {
    pub polygons: HashMap<String, MultiPolygon<f64>>,
    /// One line per polygon repaired (file, feature, commune, why).
    pub repaired: Vec<String>,
    /// Polygons of communes the graph does not know (drawn nowhere).
    pub unknown: Vec<String>,
}

/// Checks the polygons read from `path` (feature number, INSEE code,
/// outline) against the `communes` of the graph (sorted by INSEE code).
///
/// # Errors
/// A commune given twice; a polygon farther than [`ORIGIN_TOLERANCE_M`]
/// from its commune's origin; an invalid polygon that cannot be repaired.
/// Each names the file, the feature, the commune and what to do.
pub fn check_polygons(
    path: &Path,
    features: Vec<super::load::PolygonFeature>,
    communes: &[CommuneNode],
) -> Result<CheckedPolygons> {
    let mut out = CheckedPolygons::default();
    let mut first: HashMap<String, u64> = HashMap::new();
    let mut origins: Option<RTree<GeomWithData<[f64; 2], usize>>> = None;
    for (rec, insee, mp) in features {
        if let Some(prev) = first.insert(insee.clone(), rec) {
            return Err(Error::field(
                path,
                rec,
                "properties.insee",
                format!("commune {insee} has a second polygon (the first is feature {prev}): keep one"),
            ));
        }
        let Ok(k) = communes.binary_search_by(|c| c.insee.as_str().cmp(&insee)) else {
            out.unknown.push(insee);
            continue;
        };
        let c = &communes[k];
        let mp = if mp.is_valid() {
            mp
        } else {
            let why = mp
                .validation_errors()
                .first()
                .map_or_else(String::new, |e| e.to_string());
            let fixed = mp.make_valid().ok().filter(|f| !f.0.is_empty() && f.is_valid());
            match fixed {
                Some(f) => {
                    out.repaired.push(format!(
                        "{}: feature {rec}: the polygon of commune {insee} {} was invalid ({why}) and is drawn repaired",
                        path.display(),
                        c.name
                    ));
                    f
                }
                None => {
                    return Err(Error::field(
                        path,
                        rec,
                        "geometry",
                        format!(
                            "the polygon of commune {insee} {} is invalid ({why}) and cannot be repaired: \
                             fix it in a GIS (e.g. QGIS: Fix geometries)",
                            c.name
                        ),
                    ));
                }
            }
        };
        let d = distance_outside_m(&mp, (c.lon, c.lat));
        if d > ORIGIN_TOLERANCE_M {
            let tree = origins.get_or_insert_with(|| {
                RTree::bulk_load(
                    communes
                        .iter()
                        .enumerate()
                        .map(|(i, c)| GeomWithData::new([c.lon, c.lat], i))
                        .collect(),
                )
            });
            // the commune whose origin the polygon holds, else the one
            // nearest its inside
            let inside = mp.bounding_rect().and_then(|r| {
                tree.locate_in_envelope(AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]))
                    .map(|g| g.data)
                    .filter(|&i| mp.contains(&Point::new(communes[i].lon, communes[i].lat)))
                    .min()
            });
            let around = inside
                .or_else(|| {
                    mp.interior_point()
                        .and_then(|p| tree.nearest_neighbor([p.x(), p.y()]))
                        .map(|g| g.data)
                })
                .map(|i| &communes[i])
                .filter(|o| o.insee != insee)
                .map(|o| {
                    format!(
                        "; it lies around commune {} {} (swapped polygons?)",
                        o.insee, o.name
                    )
                })
                .unwrap_or_default();
            return Err(Error::field(
                path,
                rec,
                "geometry",
                format!(
                    "the polygon of commune {insee} {} lies {:.1} km from the commune's origin (lon {}, lat {}){around}: \
                     the polygon is misplaced or belongs to another commune; correct the file, or drop \
                     --communes-dir to draw communes as points",
                    c.name,
                    d / 1000.0,
                    c.lon,
                    c.lat
                ),
            ));
        }
        out.polygons.insert(insee, mp);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::communes::fixtures;
    use geo::{Coord, LineString, Polygon, Translate};

    fn setup() -> (Vec<CommuneNode>, Vec<crate::communes::load::PolygonFeature>) {
        let dir = fixtures::default_dir();
        let nodes = fixtures::load_fixture_table(&dir).unwrap();
        let f = crate::communes::load::polygon_file(&dir, "64");
        let feats = crate::communes::load::read_polygon_features(&f, "insee").unwrap();
        (nodes, feats)
    }

    #[test]
    fn shipped_polygons_pass() {
        let (nodes, feats) = setup();
        let n = feats.len();
        let c = check_polygons(Path::new("dep-64.geojson"), feats, &nodes).unwrap();
        assert_eq!(c.polygons.len(), n);
        assert!(c.unknown.is_empty());
    }

    #[test]
    fn swapped_moved_twice_and_self_intersecting() {
        let (nodes, feats) = setup();
        let at = |code: &str| feats.iter().position(|f| f.1 == code).unwrap();
        let p = Path::new("dep-64.geojson");
        // Pau and Oloron-Sainte-Marie swapped
        let mut f = feats.clone();
        let (i, j) = (at("64445"), at("64422"));
        let tmp = f[i].2.clone();
        f[i].2 = f[j].2.clone();
        f[j].2 = tmp;
        let e = check_polygons(p, f, &nodes).unwrap_err().to_string();
        assert!(
            e.contains("the polygon of commune 64422 Oloron-Sainte-Marie lies"),
            "{e}"
        );
        assert!(e.contains("around commune 64445 Pau (swapped polygons?)"), "{e}");
        assert!(
            e.starts_with(&format!("dep-64.geojson:{}: field `geometry`", feats[j].0)),
            "{e}"
        );
        // moved 500 km east
        let mut f = feats.clone();
        f[i].2 = f[i].2.translate(6.5, 0.0);
        let e = check_polygons(p, f, &nodes).unwrap_err().to_string();
        assert!(
            e.contains("commune 64445 Pau lies 5") && e.contains("misplaced"),
            "{e}"
        );
        // twice
        let mut f = feats.clone();
        f.push((999, "64445".into(), f[i].2.clone()));
        let e = check_polygons(p, f, &nodes).unwrap_err().to_string();
        assert!(
            e.contains("dep-64.geojson:999") && e.contains("second polygon"),
            "{e}"
        );
        // a bow tie over Pau's town hall: repaired, reported
        let pau = &nodes[nodes.binary_search_by(|c| c.insee.as_str().cmp("64445")).unwrap()];
        let (x, y) = (pau.lon, pau.lat);
        let ring: Vec<Coord<f64>> = [
            (-0.02, -0.02),
            (0.02, 0.02),
            (0.02, -0.02),
            (-0.02, 0.02),
            (-0.02, -0.02),
        ]
        .iter()
        .map(|&(dx, dy)| Coord { x: x + dx, y: y + dy })
        .collect();
        let bow = MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]);
        assert!(!bow.is_valid());
        let mut f = feats.clone();
        f[i].2 = bow;
        let c = check_polygons(p, f, &nodes).unwrap();
        assert!(c.polygons["64445"].is_valid());
        assert_eq!(c.repaired.len(), 1);
        assert!(
            c.repaired[0].contains("commune 64445 Pau was invalid"),
            "{}",
            c.repaired[0]
        );
    }
}
