//! The official FINESS establishment extract published on data.gouv.fr
//! ("FINESS Extraction du Fichier des établissements",
//! `etalab-cs1100507-stock-*.csv`): Latin-1, `;`, no header row. The first
//! line is a manifest (`finess;etalab;<n>;<date>`), then each record starts
//! with its kind:
//!
//! - `structureet;nofinesset;nofinessej;rs;rslongue;complrs;compldistrib;
//!   numvoie;typvoie;voie;compvoie;lieuditbp;commune;departement;
//!   libdepartement;ligneacheminement;telephone;telecopie;categetab;
//!   libcategetab;categagretab;libcategagretab;siret;codeape;codemft;libmft;
//!   codesph;libsph;dateouv;dateautor;datemaj;numuai` (32 fields);
//! - `geolocalisation;nofinesset;coordxet;coordyet;sourcecoordet;datemaj`,
//!   where `sourcecoordet` ends with the coordinate system
//!   (`…,LAMBERT_93`, `…,UTM_N20`, `UTM_N21`, `UTM_N22`, `UTM_S38`,
//!   `UTM_S40`; newer extracts write `L93_METROPOLE`).
//!
//! `commune` is the 3-digit code within `departement`; overseas
//! départements are written `9A` (Guadeloupe) … `9F` (Mayotte), so the INSEE
//! code is `97` + `commune` there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::projection::Crs;
use super::territory::check_lon_lat;
use super::text::{self, DetectedEncoding, Encoding};
use super::{PositionSource, SitePositions, finess_id};

/// One establishment (`structureet` record) with its position, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct FinessEstablishment {
    /// FINESS number of the establishment (site), 9 characters.
    pub finess: String,
    /// FINESS number of its legal entity.
    pub finess_ej: String,
    /// Short name (`rs`).
    pub name: String,
    /// Long name (`rslongue`), may be empty.
    pub long_name: String,
    /// INSEE code of the commune, `None` outside the départements (e.g.
    /// Wallis-et-Futuna).
    pub commune: Option<String>,
    /// Category code (`categetab`, e.g. `355` Centre Hospitalier).
    pub category: String,
    /// Category label (`libcategetab`).
    pub category_label: String,
    /// Coordinates as given and their EPSG code, when geolocated.
    pub xy: Option<([f64; 2], u32)>,
    /// WGS84 `[lon, lat]` in degrees, when geolocated and the position is in
    /// France.
    pub lon_lat: Option<[f64; 2]>,
    /// Line of the `structureet` record.
    pub line: u64,
}

/// A FINESS extract, establishments by FINESS number.
#[derive(Debug)]
pub struct FinessExtract {
    /// File it was read from.
    pub path: PathBuf,
    /// Date on the manifest line, if present.
    pub extraction_date: Option<String>,
    /// Encoding detected (Latin-1 for the official file).
    pub encoding: DetectedEncoding,
    /// Establishments by FINESS.
    pub establishments: BTreeMap<String, FinessEstablishment>,
    /// Positions set aside (outside France or failed conversion), as errors
    /// naming file, line and field.
    pub rejected: BTreeMap<String, Error>,
    /// 8-digit FINESS numbers padded to 9, one warning per site
    /// ([`super::finess_id_at`]).
    pub warnings: Vec<String>,
}

/// EPSG code for a FINESS `sourcecoordet` value, from its last
/// comma-separated token.
pub fn epsg_of_source(sourcecoordet: &str) -> Option<u32> {
    let token = sourcecoordet.rsplit(',').next()?.trim().to_ascii_uppercase();
    if token.contains("LAMBERT_93") || token.contains("L93") || token.contains("LAMBERT93") {
        return Some(2154);
    }
    let utm = token.find("UTM")?;
    let rest = &token[utm + 3..];
    let zone: String = rest.chars().filter(char::is_ascii_digit).take(2).collect();
    let south = rest.contains('S') && !rest.contains('N');
    match (zone.as_str(), south) {
        ("20", false) => Some(5490),
        ("21", false) => Some(4467),
        ("22", false) => Some(2972),
        ("38", true) => Some(4471),
        ("40", true) => Some(2975),
        _ => None,
    }
}

/// INSEE code from FINESS `departement` + `commune`.
fn insee(dep: &str, com: &str) -> Option<String> {
    if com.len() != 3 || !com.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match dep.as_bytes() {
        [b'9', b'A'..=b'F'] => Some(format!("97{com}")),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some(format!("{dep}{com}")),
        _ if dep == "2A" || dep == "2B" => Some(format!("{dep}{com}")),
        _ => None,
    }
}

const STRUCTURE_FIELDS: usize = 22; // up to libcategagretab; later fields unused

impl FinessExtract {
    /// Reads an extract. The encoding is detected (the official file is
    /// Latin-1; a copy re-saved as UTF-8 reads the same).
    pub fn load(path: &Path) -> Result<FinessExtract> {
        let (text, encoding) = text::read_text(path, Encoding::Auto)?;
        if text.trim().is_empty() {
            return Err(Error::format(path, "empty file"));
        }
        let text = text.replace("\r\n", "\n"); // exact line numbers (see text.rs)
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut extraction_date = None;
        let mut establishments = BTreeMap::new();
        let mut geo: BTreeMap<String, (u64, String, String, String)> = BTreeMap::new();
        let (mut warnings, mut padded) = (Vec::new(), std::collections::BTreeSet::new());
        for record in reader.records() {
            let record = record.map_err(|e| {
                Error::field(
                    path,
                    e.position().map_or(0, |p| p.line()),
                    "(record)",
                    format!("malformed: {e}"),
                )
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let f = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
            match f(0).as_str() {
                "finess" => extraction_date = Some(f(3)).filter(|d| !d.is_empty()),
                "structureet" => {
                    if record.len() < STRUCTURE_FIELDS {
                        return Err(Error::field(
                            path,
                            line,
                            "structureet",
                            format!("{} fields, expected 32 (is the delimiter `;`?)", record.len()),
                        ));
                    }
                    let finess =
                        super::finess_id_at(&f(1), path, line, "nofinesset", &mut warnings, &mut padded)
                            .map_err(|m| Error::field(path, line, "nofinesset", m))?;
                    establishments.insert(
                        finess.clone(),
                        FinessEstablishment {
                            finess,
                            finess_ej: f(2),
                            name: f(3),
                            long_name: f(4),
                            commune: insee(&f(13), &f(12)),
                            category: f(18),
                            category_label: f(19),
                            xy: None,
                            lon_lat: None,
                            line,
                        },
                    );
                }
                "geolocalisation" => {
                    if record.len() < 5 {
                        return Err(Error::field(
                            path,
                            line,
                            "geolocalisation",
                            format!("{} fields, expected 6", record.len()),
                        ));
                    }
                    let finess =
                        super::finess_id_at(&f(1), path, line, "nofinesset", &mut warnings, &mut padded)
                            .map_err(|m| Error::field(path, line, "nofinesset", m))?;
                    geo.insert(finess, (line, f(2), f(3), f(4)));
                }
                _ if line == 1 => {
                    return Err(Error::format(
                        path,
                        "not a FINESS extract: the first line is neither `finess;etalab;…` \
                         nor a `structureet` record (wrong delimiter?)",
                    ));
                }
                _ => {} // other record kinds of FINESS files are not needed here
            }
        }
        if establishments.is_empty() {
            return Err(Error::format(path, "no `structureet` record"));
        }
        let mut crs_cache: BTreeMap<u32, Crs> = BTreeMap::new();
        let mut rejected = BTreeMap::new();
        for (finess, (line, x, y, source)) in geo {
            if x.is_empty() && y.is_empty() {
                continue; // not geolocated: the site falls back to its town hall
            }
            let number = |v: &str, field: &str| {
                v.replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| Error::field(path, line, field, format!("`{v}` is not a coordinate")))
            };
            let (x, y) = (number(&x, "coordxet")?, number(&y, "coordyet")?);
            let epsg = epsg_of_source(&source).ok_or_else(|| {
                Error::field(
                    path,
                    line,
                    "sourcecoordet",
                    format!("unknown coordinate system in `{source}`"),
                )
            })?;
            let crs = match crs_cache.entry(epsg) {
                std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::btree_map::Entry::Vacant(v) => v.insert(Crs::from_epsg(epsg)?),
            };
            let Some(e) = establishments.get_mut(&finess) else {
                continue; // a position for an establishment not in this extract
            };
            e.xy = Some(([x, y], epsg));
            match crs
                .to_lon_lat(x, y)
                .ok_or_else(|| "projection failed".to_owned())
                .and_then(|p| {
                    check_lon_lat(p[0], p[1])
                        .map(|_| p)
                        .map_err(|m| format!("EPSG:{epsg} ({x}, {y}) -> {m}"))
                }) {
                Ok(p) => e.lon_lat = Some(p),
                Err(m) => {
                    rejected.insert(finess, Error::field(path, line, "coordxet", m));
                }
            }
        }
        Ok(FinessExtract {
            path: path.to_path_buf(),
            extraction_date,
            encoding,
            establishments,
            rejected,
            warnings,
        })
    }

    /// One establishment; an error naming the id if it is not in the extract.
    pub fn get(&self, finess: &str) -> Result<&FinessEstablishment> {
        let id = finess_id(finess).map_err(|m| Error::Invalid(format!("FINESS `{finess}`: {m}")))?;
        self.establishments.get(&id).ok_or_else(|| {
            Error::Invalid(format!(
                "unknown FINESS code {id}: not in {}",
                self.path.display()
            ))
        })
    }
}

impl SitePositions for FinessExtract {
    fn source(&self) -> PositionSource {
        PositionSource::Finess
    }
    fn lon_lat(&self, finess: &str) -> Option<[f64; 2]> {
        self.establishments.get(finess).and_then(|e| e.lon_lat)
    }
    fn rejection(&self, finess: &str) -> Option<String> {
        self.rejected.get(finess).map(|e| e.to_string())
    }
}
