//! Projected coordinates to WGS84 longitude/latitude with proj4rs, for the
//! coordinate systems French facility files use: Lambert-93 in metropolitan
//! France and the UTM zones of the overseas départements (the systems FINESS
//! documents: RGAF09/WGS84 UTM 20N for the Antilles, RGFG95 UTM 22N for
//! Guyane, RGR92 UTM 40S for Réunion, RGM04 UTM 38S for Mayotte, RGSPM06
//! UTM 21N for Saint-Pierre-et-Miquelon).
//!
//! All these datums are realisations of ITRF: they coincide with WGS84 to
//! well under a metre, so no datum shift is applied (`towgs84=0`), as PROJ
//! does by default for them. Lambert II étendu (EPSG:27572, NTF) uses the
//! three-parameter NTF shift, good to a few metres.

use proj4rs::proj::Proj;

use crate::error::{Error, Result};

/// A supported source coordinate system.
pub struct Crs {
    epsg: u32,
    source: Option<Proj>,
    wgs84: Proj,
}

impl std::fmt::Debug for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EPSG:{}", self.epsg)
    }
}

/// EPSG codes accepted by [`Crs::from_epsg`], with their PROJ definition
/// (`None`: already WGS84 longitude/latitude in degrees).
const DEFINITIONS: &[(u32, Option<&str>)] = &[
    (4326, None),
    (4171, None), // RGF93 geographic: same as WGS84 at this precision
    (
        2154,
        Some(
            "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 \
             +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
        ),
    ),
    (
        27572,
        Some(
            "+proj=lcc +lat_1=46.8 +lat_0=46.8 +lon_0=0 +k_0=0.99987742 +x_0=600000 \
             +y_0=2200000 +a=6378249.2 +b=6356515 +towgs84=-168,-60,320,0,0,0,0 +pm=paris \
             +units=m +no_defs",
        ),
    ),
    (
        5490,
        Some("+proj=utm +zone=20 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"),
    ),
    (
        4559,
        Some("+proj=utm +zone=20 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"),
    ),
    (32620, Some("+proj=utm +zone=20 +datum=WGS84 +units=m +no_defs")),
    (
        2972,
        Some("+proj=utm +zone=22 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"),
    ),
    (32622, Some("+proj=utm +zone=22 +datum=WGS84 +units=m +no_defs")),
    (
        2975,
        Some("+proj=utm +zone=40 +south +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"),
    ),
    (
        32740,
        Some("+proj=utm +zone=40 +south +datum=WGS84 +units=m +no_defs"),
    ),
    (
        4471,
        Some("+proj=utm +zone=38 +south +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"),
    ),
    (
        32738,
        Some("+proj=utm +zone=38 +south +datum=WGS84 +units=m +no_defs"),
    ),
    (
        4467,
        Some("+proj=utm +zone=21 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"),
    ),
    (32621, Some("+proj=utm +zone=21 +datum=WGS84 +units=m +no_defs")),
    (
        3857,
        Some(
            "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 \
             +units=m +nadgrids=@null +no_defs",
        ),
    ),
];

impl Crs {
    /// The coordinate system with this EPSG code, if supported (see the
    /// module documentation); otherwise an error listing the supported ones.
    pub fn from_epsg(epsg: u32) -> Result<Crs> {
        let def = DEFINITIONS
            .iter()
            .find(|(code, _)| *code == epsg)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "EPSG:{epsg} is not supported; supported: {}",
                    DEFINITIONS
                        .iter()
                        .map(|d| d.0.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        let wgs84 = Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
            .map_err(|e| Error::Invalid(format!("WGS84 definition: {e:?}")))?;
        let source = def
            .1
            .map(|s| Proj::from_proj_string(s).map_err(|e| Error::Invalid(format!("EPSG:{epsg}: {e:?}"))))
            .transpose()?;
        Ok(Crs { epsg, source, wgs84 })
    }

    /// The EPSG code.
    pub fn epsg(&self) -> u32 {
        self.epsg
    }

    /// Converts `(x, y)` (metres, or degrees lon/lat for geographic systems)
    /// to WGS84 `[lon, lat]` in degrees; `None` when the projection fails.
    pub fn to_lon_lat(&self, x: f64, y: f64) -> Option<[f64; 2]> {
        let Some(source) = &self.source else {
            return Some([x, y]);
        };
        let mut p = (x, y, 0.0);
        proj4rs::transform::transform(source, &self.wgs84, &mut p).ok()?;
        let out = [p.0.to_degrees(), p.1.to_degrees()];
        out.iter().all(|v| v.is_finite()).then_some(out)
    }

    /// Converts WGS84 `[lon, lat]` in degrees to this system's `(x, y)`
    /// (the inverse of [`to_lon_lat`](Self::to_lon_lat)); `None` when the
    /// projection fails.
    pub fn from_lon_lat(&self, lon: f64, lat: f64) -> Option<[f64; 2]> {
        let Some(target) = &self.source else {
            return Some([lon, lat]);
        };
        let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
        proj4rs::transform::transform(&self.wgs84, target, &mut p).ok()?;
        let out = [p.0, p.1];
        out.iter().all(|v| v.is_finite()).then_some(out)
    }

    /// [`to_lon_lat`](Self::to_lon_lat), `None` also when the result is not
    /// on Earth (longitude beyond ±180° or latitude beyond ±90°: the point
    /// was not in this CRS).
    pub fn to_lon_lat_on_earth(&self, x: f64, y: f64) -> Option<[f64; 2]> {
        self.to_lon_lat(x, y)
            .filter(|q| (-180.0..=180.0).contains(&q[0]) && (-90.0..=90.0).contains(&q[1]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REF_2154_PAU: (u32, f64, f64, f64, f64) = (2154, 427939.6, 6252992.1, -0.353259319, 43.324084942);
    const REF_2975_STDENIS: (u32, f64, f64, f64, f64) =
        (2975, 338222.8, 7688766.0, 55.444620322, -20.894310188);
    const REF_5490_FDF: (u32, f64, f64, f64, f64) = (5490, 706989.0, 1616182.0, -61.078401312, 14.611041408);
    const REF_2972_CAYENNE: (u32, f64, f64, f64, f64) =
        (2972, 350888.9, 539238.1, -52.344738325, 4.877191962);
    const REF_4471_CHM: (u32, f64, f64, f64, f64) = (4471, 520967.4, 8587640.4, 45.193180216, -12.775883940);

    /// Metres between two WGS84 points (haversine; enough at this scale).
    fn metres(a: [f64; 2], b: [f64; 2]) -> f64 {
        let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
        let dla = la2 - la1;
        let dlo = (b[0] - a[0]).to_radians();
        let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
        2.0 * 6_371_008.8 * h.sqrt().asin()
    }

    /// Reference values computed with PROJ 9 through pyproj 3.7.2
    /// (`Transformer.from_crs(EPSG, 4326, always_xy=True)`), see
    /// fixtures/README-finess.md; plus the Lambert-93 origin, exact by
    /// definition.
    #[test]
    fn conversions_match_proj_within_a_metre() {
        let cases: &[(u32, f64, f64, f64, f64)] = &[
            (2154, 700000.0, 6600000.0, 3.0, 46.5),
            REF_2154_PAU,
            REF_2975_STDENIS,
            REF_5490_FDF,
            REF_2972_CAYENNE,
            REF_4471_CHM,
        ];
        for &(epsg, x, y, lon, lat) in cases {
            let got = Crs::from_epsg(epsg).unwrap().to_lon_lat(x, y).unwrap();
            let d = metres(got, [lon, lat]);
            assert!(
                d < 1.0,
                "EPSG:{epsg} ({x}, {y}) -> {got:?}, expected ({lon}, {lat}): {d} m"
            );
        }
    }

    #[test]
    fn unsupported_code_is_named() {
        let e = Crs::from_epsg(9999).unwrap_err().to_string();
        assert!(e.contains("EPSG:9999") && e.contains("2154"), "{e}");
    }
}
