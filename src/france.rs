//! Is a WGS84 point in France? The one test every input uses (facility
//! files, reference positions, commune tables, commune graph files, new
//! sites) to catch a position in the sea or abroad, swapped latitude and
//! longitude, or projected metres typed into degree columns.
//!
//! The test is the real outline, not a bounding box (a box around
//! metropolitan France holds Geneva, Brussels, Freiburg, Barcelona's
//! outskirts and much of the Bay of Biscay): the union of every commune
//! polygon of metropolitan France (with Corsica) and of each overseas
//! département (971 Guadeloupe, 972 Martinique, 973 Guyane, 974 La Réunion,
//! 976 Mayotte), widened by 1 km so that coastal and border sites are never
//! refused, and simplified. It is made from the `communes-france` extract by
//! `cargo run --release --example make_territory` and embedded in the binary
//! (`fixtures/france-territory.geojson.gz`, 51 kB).
//!
//! The overseas collectivities that are not in the commune data
//! (Saint-Pierre-et-Miquelon, Saint-Barthélemy, the French part of
//! Saint-Martin; FINESS lists establishments there) are tested by their
//! bounding boxes ([`SMALL_ISLANDS`]). Monaco, inside the widened outline,
//! is taken for France.

use std::io::Read;
use std::sync::OnceLock;

use geo::indexed::IntervalTreeMultiPolygon;
use geo::{BoundingRect, Contains, MultiPolygon, Point, Rect};

/// The widened outline, gzipped GeoJSON (see the module documentation).
const OUTLINE_GZ: &[u8] = include_bytes!("../fixtures/france-territory.geojson.gz");

/// How far the outline reaches beyond the commune polygons, metres (give or
/// take 10 %, and 200 m of simplification).
pub const OUTLINE_BUFFER_M: f64 = 1000.0;

/// Overseas collectivities absent from the commune data, tested by their
/// boxes: (name, lon min, lon max, lat min, lat max), degrees.
pub const SMALL_ISLANDS: [(&str, f64, f64, f64, f64); 3] = [
    ("Saint-Pierre-et-Miquelon", -56.45, -56.1, 46.74, 47.15),
    ("Saint-Barthélemy", -62.96, -62.77, 17.86, 17.98),
    ("Saint-Martin", -63.16, -62.96, 18.04, 18.13),
];

struct Part {
    name: String,
    bbox: Rect<f64>,
    shape: IntervalTreeMultiPolygon<f64>,
}

fn parts() -> &'static [Part] {
    static PARTS: OnceLock<Vec<Part>> = OnceLock::new();
    PARTS.get_or_init(|| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(OUTLINE_GZ)
            .read_to_string(&mut text)
            .expect("the embedded France outline is gzipped UTF-8 (checked by tests)");
        let fc: geojson::FeatureCollection = text
            .parse()
            .expect("the embedded France outline is a GeoJSON FeatureCollection (checked by tests)");
        fc.features
            .into_iter()
            .filter_map(|f| {
                let name = f.property("territory")?.as_str()?.to_string();
                let mp: MultiPolygon<f64> = f.geometry?.try_into().ok()?;
                Some(Part {
                    name,
                    bbox: mp.bounding_rect()?,
                    shape: IntervalTreeMultiPolygon::new(&mp),
                })
            })
            .collect()
    })
}

/// The part of France holding `(lon, lat)` (WGS84 degrees): `metropole`,
/// `guadeloupe`, `martinique`, `guyane`, `reunion`, `mayotte`, or one of the
/// [`SMALL_ISLANDS`]; `None` outside France or for a non-finite value.
///
/// # Examples
/// ```
/// use medaccess::france::part_of;
/// assert_eq!(part_of(-0.3708, 43.2946), Some("metropole")); // Pau
/// assert_eq!(part_of(55.4481, -20.8789), Some("reunion")); // Saint-Denis
/// assert_eq!(part_of(-3.0, 45.0), None); // Bay of Biscay
/// assert_eq!(part_of(6.1432, 46.2044), None); // Geneva
/// ```
pub fn part_of(lon: f64, lat: f64) -> Option<&'static str> {
    if !(lon.is_finite() && lat.is_finite()) {
        return None;
    }
    let p = Point::new(lon, lat);
    for part in parts() {
        let b = part.bbox;
        if lon >= b.min().x
            && lon <= b.max().x
            && lat >= b.min().y
            && lat <= b.max().y
            && part.shape.contains(&p)
        {
            return Some(part.name.as_str());
        }
    }
    SMALL_ISLANDS
        .iter()
        .find(|&&(_, x0, x1, y0, y1)| (x0..=x1).contains(&lon) && (y0..=y1).contains(&lat))
        .map(|s| s.0)
}

/// Whether `(lon, lat)` (WGS84 degrees) is in France: see [`part_of`].
pub fn contains(lon: f64, lat: f64) -> bool {
    part_of(lon, lat).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_is_embedded_whole() {
        let names: Vec<&str> = parts().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "guadeloupe",
                "guyane",
                "martinique",
                "mayotte",
                "metropole",
                "reunion"
            ]
        );
    }

    #[test]
    fn places_in_france_and_abroad() {
        for (what, lon, lat) in [
            ("CH Pau", -0.3532595, 43.3240848),
            ("Ajaccio", 8.73514, 41.92299),
            ("Brest harbour", -4.4947, 48.3813),
            ("Ouessant", -5.0958, 48.4578),
            ("Strasbourg, by the Rhine", 7.7930, 48.5707),
            ("Saint-Louis, next to Basel", 7.5598, 47.5900),
            ("Saint-Julien-en-Genevois", 6.0823, 46.1445),
            ("Menton, on the Italian border", 7.5003, 43.7747),
            ("Cayenne", -52.3263, 4.9372),
            ("Fort-de-France", -61.0588, 14.6037),
            ("Mamoudzou", 45.2272, -12.7806),
            ("Pointe-à-Pitre", -61.5331, 16.2411),
            ("Gustavia", -62.8508, 17.8962),
            ("Saint-Pierre", -56.1773, 46.7811),
        ] {
            assert!(contains(lon, lat), "{what} ({lon}, {lat})");
        }
        for (what, lon, lat) in [
            ("Bay of Biscay", -3.0, 45.0),
            ("Barcelona", 2.1734, 41.3851),
            ("Geneva", 6.1432, 46.2044),
            ("Brussels", 4.3517, 50.8503),
            ("Freiburg im Breisgau", 7.8421, 47.9990),
            ("Basel, Marktplatz", 7.5880, 47.5581),
            ("Jersey", -2.1046, 49.1880),
            ("Andorra la Vella", 1.5218, 42.5063),
            ("Luxembourg", 6.1296, 49.6116),
            ("Turin", 7.6869, 45.0703),
            ("Dominica", -61.3794, 15.4150),
            ("Paramaribo, Suriname", -55.2038, 5.8520),
            ("Mauritius", 57.5522, -20.1609),
            ("Swapped Pau", 43.2946, -0.3708),
            ("Null Island", 0.0, 0.0),
        ] {
            assert!(!contains(lon, lat), "{what} ({lon}, {lat})");
        }
        assert!(!contains(f64::NAN, 45.0) && !contains(2.0, f64::INFINITY));
    }

    #[test]
    fn every_commune_origin_is_inside() {
        let dir = crate::communes::fixtures::default_dir();
        let table = crate::communes::fixtures::load_fixture_table(&dir).unwrap();
        assert!(table.len() > 34_000);
        let outside: Vec<&str> = table
            .iter()
            .filter(|c| !contains(c.lon, c.lat))
            .map(|c| c.insee.as_str())
            .collect();
        assert!(outside.is_empty(), "{outside:?}");
    }

    /// The embedded outline is what the script makes from the shared data.
    #[cfg(feature = "full-suite")]
    #[test]
    fn the_outline_is_up_to_date() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = std::env::temp_dir().join(format!("medaccess-outline-{}.geojson.gz", std::process::id()));
        let status = std::process::Command::new(env!("CARGO"))
            .current_dir(root)
            .args(["run", "--release", "--quiet", "--example", "make_territory", "--"])
            .arg(root.join("../shared/data/communes-france"))
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(
            std::fs::read(&out).unwrap() == OUTLINE_GZ,
            "rerun the make_territory example"
        );
        std::fs::remove_file(&out).unwrap();
    }
}
