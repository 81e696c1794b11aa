//! Is a WGS84 point in France, and in which part? The test is
//! [`crate::france`]'s outline (every commune polygon, widened by 1 km);
//! the bounding boxes here only name the part of France (FINESS uses one
//! CRS per part) and explain a refusal: latitude and longitude swapped,
//! projected metres typed into degree columns, a point in the sea or across
//! a border.

use std::fmt;

/// A part of France with its own bounding box (and, in FINESS, its own CRS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Territory {
    /// Metropolitan France including Corsica.
    Metropole,
    /// Guadeloupe, with Saint-Martin and Saint-Barthélemy.
    Guadeloupe,
    /// Martinique.
    Martinique,
    /// Guyane.
    Guyane,
    /// La Réunion.
    Reunion,
    /// Mayotte.
    Mayotte,
    /// Saint-Pierre-et-Miquelon (listed in FINESS).
    SaintPierreEtMiquelon,
}

/// `(territory, lon min, lon max, lat min, lat max)` in degrees, a little
/// wider than the land so that coastal sites are never rejected.
const BOXES: [(Territory, f64, f64, f64, f64); 7] = [
    (Territory::Metropole, -5.6, 9.9, 41.2, 51.2),
    (Territory::Guadeloupe, -63.3, -60.8, 15.7, 18.2),
    (Territory::Martinique, -61.3, -60.7, 14.3, 15.0),
    (Territory::Guyane, -54.7, -51.5, 2.0, 6.0),
    (Territory::Reunion, 55.1, 56.0, -21.5, -20.7),
    (Territory::Mayotte, 44.9, 45.4, -13.1, -12.5),
    (Territory::SaintPierreEtMiquelon, -56.6, -55.9, 46.7, 47.2),
];

impl fmt::Display for Territory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Territory::Metropole => "metropolitan France",
            Territory::Guadeloupe => "Guadeloupe",
            Territory::Martinique => "Martinique",
            Territory::Guyane => "Guyane",
            Territory::Reunion => "La Réunion",
            Territory::Mayotte => "Mayotte",
            Territory::SaintPierreEtMiquelon => "Saint-Pierre-et-Miquelon",
        })
    }
}

/// The territory whose box holds `(lon, lat)` (WGS84 degrees), if any; a
/// box holds sea and foreign land too: [`check_lon_lat`] is the test.
pub fn territory_of(lon: f64, lat: f64) -> Option<Territory> {
    BOXES
        .iter()
        .find(|(_, x0, x1, y0, y1)| (*x0..=*x1).contains(&lon) && (*y0..=*y1).contains(&lat))
        .map(|b| b.0)
}

/// The part of France holding `(lon, lat)`, by [`crate::france::part_of`].
fn part_of(lon: f64, lat: f64) -> Option<Territory> {
    Some(match crate::france::part_of(lon, lat)? {
        "metropole" => Territory::Metropole,
        "martinique" => Territory::Martinique,
        "guyane" => Territory::Guyane,
        "reunion" => Territory::Reunion,
        "mayotte" => Territory::Mayotte,
        "Saint-Pierre-et-Miquelon" => Territory::SaintPierreEtMiquelon,
        // Guadeloupe, and Saint-Barthélemy and Saint-Martin (once part of it)
        _ => Territory::Guadeloupe,
    })
}

/// Checks a WGS84 position: it must lie in France (the commune outlines
/// widened by 1 km, see [`crate::france`]); the error text says what is
/// probably wrong (swapped latitude/longitude, projected metres, a point in
/// the sea or across a border).
pub fn check_lon_lat(lon: f64, lat: f64) -> Result<Territory, String> {
    if !(lon.is_finite() && lat.is_finite()) {
        return Err(format!(
            "lon {lon}, lat {lat} is not a position (not a finite number)"
        ));
    }
    if let Some(t) = part_of(lon, lat) {
        return Ok(t);
    }
    if let Some(t) = part_of(lat, lon) {
        return Err(format!(
            "lon {lon}, lat {lat} is outside France, but swapped it falls in {t}: \
             latitude and longitude look swapped"
        ));
    }
    if lon.abs() > 180.0 || lat.abs() > 90.0 {
        return Err(format!(
            "lon {lon}, lat {lat} are not degrees: projected coordinates (metres)? \
             give their EPSG code (e.g. 2154 for Lambert-93)"
        ));
    }
    if let Some(t) = territory_of(lon, lat) {
        return Err(format!(
            "lon {lon}, lat {lat} is outside France: near {t} but more than 1 km from the land of any \
             French commune (in the sea, or across a border); check the position"
        ));
    }
    Err(format!(
        "lon {lon}, lat {lat} is outside France (metropolitan and overseas départements); check the position"
    ))
}

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres between two WGS84 `[lon, lat]` points
/// (haversine formula on the mean sphere; error < 0.5 % against the
/// ellipsoid, ample for sanity checks).
pub fn distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((b[0] - a[0]).to_radians() / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.min(1.0).sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_points_and_mistakes() {
        assert_eq!(check_lon_lat(-0.3532595, 43.3240848), Ok(Territory::Metropole)); // CH Pau
        assert_eq!(check_lon_lat(8.73514, 41.92299), Ok(Territory::Metropole)); // Ajaccio
        assert_eq!(check_lon_lat(55.44462, -20.89431), Ok(Territory::Reunion));
        assert_eq!(check_lon_lat(-52.34474, 4.87719), Ok(Territory::Guyane));
        assert_eq!(check_lon_lat(-61.078401, 14.611041), Ok(Territory::Martinique));
        assert!(
            check_lon_lat(43.3240848, -0.3532595)
                .unwrap_err()
                .contains("swapped")
        );
        assert!(check_lon_lat(426000.0, 6250000.0).unwrap_err().contains("EPSG"));
        assert!(check_lon_lat(13.4, 52.5).unwrap_err().contains("outside France")); // Berlin
        for (lon, lat) in [
            (-3.0, 45.0),
            (2.1734, 41.3851),
            (6.1432, 46.2044),
            (4.3517, 50.8503),
            (7.8421, 47.999),
        ] {
            let e = check_lon_lat(lon, lat).unwrap_err();
            assert!(e.contains("more than 1 km from the land"), "{e}");
        }
        assert_eq!(check_lon_lat(-62.8508, 17.8962), Ok(Territory::Guadeloupe)); // Gustavia
        assert!(
            check_lon_lat(f64::NAN, 45.0)
                .unwrap_err()
                .contains("not a position")
        );
    }
}
