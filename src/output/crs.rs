//! The coordinate system of the written geometries: WGS84 longitude and
//! latitude (RFC 7946 GeoJSON's only one, the default) or Lambert-93
//! (EPSG:2154, the official system of mainland France, in metres), for
//! every format that carries one (GeoJSON, GeoPackage; a CSV has no
//! geometry).

use crate::error::{Error, Result};
use crate::facilities::Crs;

/// The coordinate system outputs are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputCrs {
    /// EPSG:4326, longitude/latitude in degrees.
    #[default]
    Wgs84,
    /// EPSG:2154, RGF93 v1 / Lambert-93, metres.
    Lambert93,
}

impl OutputCrs {
    /// From an EPSG code: 4326 or 2154.
    ///
    /// # Errors
    /// Any other code, saying which are accepted.
    pub fn from_epsg(code: u32) -> Result<OutputCrs> {
        match code {
            4326 => Ok(OutputCrs::Wgs84),
            2154 => Ok(OutputCrs::Lambert93),
            c => Err(Error::Invalid(format!(
                "--crs {c}: outputs are written in 4326 (WGS84, the default) or 2154 (Lambert-93)"
            ))),
        }
    }

    pub fn epsg(self) -> u32 {
        match self {
            OutputCrs::Wgs84 => 4326,
            OutputCrs::Lambert93 => 2154,
        }
    }

    /// Decimals kept: 6 for degrees (about 0.1 m), 2 for metres.
    pub fn decimals(self) -> i32 {
        match self {
            OutputCrs::Wgs84 => 6,
            OutputCrs::Lambert93 => 2,
        }
    }

    /// `(name, definition, description)` as `gpkg_spatial_ref_sys` holds
    /// them: the EPSG registry's WKT, as GDAL writes it.
    pub(super) fn srs(self) -> (&'static str, &'static str, &'static str) {
        match self {
            OutputCrs::Wgs84 => (
                "WGS 84 geodetic",
                r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#,
                "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
            ),
            OutputCrs::Lambert93 => (
                "RGF93 v1 / Lambert-93",
                r#"PROJCS["RGF93 v1 / Lambert-93",GEOGCS["RGF93 v1",DATUM["Reseau_Geodesique_Francais_1993_v1",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6171"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4171"]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["latitude_of_origin",46.5],PARAMETER["central_meridian",3],PARAMETER["standard_parallel_1",49],PARAMETER["standard_parallel_2",44],PARAMETER["false_easting",700000],PARAMETER["false_northing",6600000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","2154"]]"#,
                "RGF93 v1 / Lambert-93: mainland France and Corsica, metres",
            ),
        }
    }

    /// The converter from WGS84 longitude/latitude.
    pub(super) fn projector(self) -> Result<Projector> {
        Ok(Projector {
            crs: match self {
                OutputCrs::Wgs84 => None,
                OutputCrs::Lambert93 => Some(Crs::from_epsg(2154)?),
            },
            decimals: 10f64.powi(self.decimals()),
        })
    }

    /// Whether a WGS84 point lies in the system's area of use (Lambert-93:
    /// mainland France and Corsica, EPSG's bounding box -9.86..10.38 E,
    /// 41.15..51.56 N; an overseas point is written, but far from where
    /// the projection is true).
    pub fn covers(self, lon: f64, lat: f64) -> bool {
        match self {
            OutputCrs::Wgs84 => true,
            OutputCrs::Lambert93 => (-9.86..=10.38).contains(&lon) && (41.15..=51.56).contains(&lat),
        }
    }
}

/// Converts and rounds coordinates for one [`OutputCrs`].
pub(super) struct Projector {
    crs: Option<Crs>,
    decimals: f64,
}

impl Projector {
    /// `[lon, lat]` in the output system, rounded; `None` when it cannot be
    /// projected.
    pub fn project(&self, lon: f64, lat: f64) -> Option<[f64; 2]> {
        let p = match &self.crs {
            None => [lon, lat],
            Some(c) => c.from_lon_lat(lon, lat)?,
        };
        let r = |v: f64| (v * self.decimals).round() / self.decimals;
        Some([r(p[0]), r(p[1])])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambert93_as_gdal_projects_it() {
        // `echo "-0.37 43.2951" | gdaltransform -s_srs EPSG:4326 -t_srs
        // EPSG:2154 -output_xy` (GDAL 3.6.2, PROJ): 426444.727248026
        // 6249830.77878619
        let p = OutputCrs::Lambert93.projector().unwrap();
        assert_eq!(p.project(-0.37, 43.2951), Some([426444.73, 6249830.78]));
        let w = OutputCrs::Wgs84.projector().unwrap();
        assert_eq!(w.project(-0.6051714, 43.19439), Some([-0.605171, 43.19439]));
        assert!(OutputCrs::Lambert93.covers(-0.37, 43.3));
        assert!(!OutputCrs::Lambert93.covers(55.45, -20.88));
        assert!(OutputCrs::from_epsg(3857).is_err());
    }
}
