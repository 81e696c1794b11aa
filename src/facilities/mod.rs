//! Facilities (maternities, hospitals, GP practices…) and where they are.
//!
//! One file per input format:
//! - [`drees`]: the DREES list of maternity sites, one row per site and year;
//! - [`eurostat`]: WGS84 positions from the Eurostat/GISCO healthcare CSV;
//! - [`finess`]: the official FINESS establishment extract (Latin-1,
//!   Lambert-93 and overseas UTM coordinates, converted by [`projection`]);
//! - [`user`]: any CSV or GeoJSON of facilities with configurable columns.
//!
//! A [`FacilitySet`] is facilities of one [`FacilityKind`] (maternities,
//! GPs, emergency departments, any user list); each kind's defaults
//! (threshold, bands, nouns) are one row of [`KINDS`].
//!
//! Every loaded facility becomes a [`Facility`] with a WGS84 position and a
//! [`PositionSource`] saying where the position came from. A facility with no
//! usable position falls back to its commune's town hall, looked up through a
//! closure so that this module does not depend on how communes are loaded.
//!
//! Position policy: in reference tables (Eurostat, FINESS), a position
//! outside France or with latitude/longitude swapped is set aside with a
//! warning and the site falls back to its town hall (one bad row among
//! thousands must not stop a national run); in the user's own facility file
//! the same mistake is an error naming file, line and field. A reference
//! position farther than [`MAX_FROM_TOWN_HALL_M`] from the site's own
//! commune is set aside too.
//!
//! # Examples
//! ```
//! use std::path::Path;
//! use medaccess::facilities::{MaternityList, PositionTable, place_maternities};
//!
//! let root = Path::new(env!("CARGO_MANIFEST_DIR"));
//! let list = MaternityList::load(&root.join("fixtures/maternites-drees.csv"))?;
//! let eurostat = PositionTable::load_eurostat(&root.join("fixtures/maternites-positions.csv"))?;
//! // No commune lookup here: sites without a position are reported unplaced.
//! let y2016 = place_maternities(&list, 2016, &[&eurostat], |_insee| None)?;
//! let y2017 = place_maternities(&list, 2017, &[&eurostat], |_insee| None)?;
//! let oloron = |p: &medaccess::facilities::Placed| p.facilities.iter().any(|f| f.id == "640000410");
//! assert!(oloron(&y2016) && !oloron(&y2017)); // closed at the end of 2016
//! # Ok::<(), medaccess::Error>(())
//! ```

pub mod drees;
pub mod eurostat;
pub mod finess;
mod kind;
pub mod projection;
mod set;
pub mod territory;
pub mod text;
pub mod user;

use std::fmt;

use crate::error::{Error, Result};

pub use drees::{MaternityLevel, MaternityList, MaternityRecord, SiteHistory};
pub use eurostat::{PositionTable, SitePosition};
pub use finess::{FinessEstablishment, FinessExtract};
pub use kind::{FacilityKind, KINDS, KindDefaults};
pub use projection::Crs;
pub use set::{FacilitySet, SetSource};
pub use territory::{Territory, check_lon_lat, distance_m};
pub use text::{Delimiter, Encoding};
pub use user::{CoordColumns, FacilityColumns, load_facilities};

/// Where a facility's position comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PositionSource {
    /// The Eurostat/GISCO healthcare CSV (WGS84).
    Eurostat,
    /// The FINESS establishment extract (projected, converted to WGS84).
    Finess,
    /// The user's facility file.
    File,
    /// No position given: the town hall of the facility's commune.
    CommuneTownHall,
}

impl fmt::Display for PositionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PositionSource::Eurostat => "eurostat",
            PositionSource::Finess => "finess",
            PositionSource::File => "file",
            PositionSource::CommuneTownHall => "commune-town-hall",
        })
    }
}

/// A facility with a position.
#[derive(Clone, Debug, PartialEq)]
pub struct Facility {
    /// Identifier: the FINESS number for DREES/FINESS sites, the file's id
    /// column otherwise.
    pub id: String,
    /// Display name.
    pub name: String,
    /// INSEE code of the facility's commune, when known.
    pub commune: Option<String>,
    /// WGS84 `[lon, lat]` in degrees (RFC 7946 order).
    pub lon_lat: [f64; 2],
    /// Where `lon_lat` comes from.
    pub source: PositionSource,
    /// Maternity level (DREES `TYPE`), when known.
    pub level: Option<MaternityLevel>,
    /// Births in the selected year (DREES `ACCTOT`), when known.
    pub births: Option<u32>,
    /// Capacity or weight from a user file (beds, GPs, FTE…), when given.
    pub capacity: Option<f64>,
}

/// Facilities placed, with what a user should know about how.
#[derive(Debug, Default)]
pub struct Placed {
    /// Placed facilities, sorted by id.
    pub facilities: Vec<Facility>,
    /// Human-readable warnings (rejected reference positions, fallbacks).
    pub warnings: Vec<String>,
    /// Ids of sites that could not be placed at all (no position and a
    /// commune unknown to the town-hall lookup): reported, never dropped
    /// silently.
    pub unplaced: Vec<String>,
}

impl Placed {
    /// How many facilities fell back to their commune's town hall.
    pub fn town_hall_fallbacks(&self) -> usize {
        self.facilities
            .iter()
            .filter(|f| f.source == PositionSource::CommuneTownHall)
            .count()
    }
}

/// A table of site positions keyed by FINESS number.
pub trait SitePositions {
    /// The source to flag positions from this table with.
    fn source(&self) -> PositionSource;
    /// WGS84 `[lon, lat]` of a site, if listed with a valid position.
    fn lon_lat(&self, finess: &str) -> Option<[f64; 2]>;
    /// Why a listed site's position was rejected, if it was.
    fn rejection(&self, finess: &str) -> Option<String>;
}

impl SitePositions for PositionTable {
    fn source(&self) -> PositionSource {
        PositionSource::Eurostat
    }
    fn lon_lat(&self, finess: &str) -> Option<[f64; 2]> {
        self.get(finess).map(|s| s.lon_lat)
    }
    fn rejection(&self, finess: &str) -> Option<String> {
        self.rejected.get(finess).map(|e| e.to_string())
    }
}

/// Normalises a FINESS number: 9 characters, digits, or `2A`/`2B` followed
/// by 7 digits. An 8-digit number is one that lost its leading zero (a
/// spreadsheet or the Eurostat table read it as an integer) and is padded.
pub fn finess_id(raw: &str) -> std::result::Result<String, String> {
    let s = raw.trim();
    let b = s.as_bytes();
    let digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
    match b.len() {
        9 if digits(b) => Ok(s.to_owned()),
        9 if (s.starts_with("2A") || s.starts_with("2B")) && digits(&b[2..]) => Ok(s.to_owned()),
        8 if digits(b) => Ok(format!("0{s}")),
        _ => Err(format!(
            "`{s}` is not a FINESS number (9 characters: digits, or 2A/2B then 7 digits)"
        )),
    }
}

/// [`finess_id`] of a value read at `line` of `path` (column `field`): an
/// 8-digit number is padded as there, and the first time an id is padded
/// a warning naming the file, the line and the padded id is pushed on
/// `warnings` (it starts with the id, as placement warnings do); `seen`
/// holds the ids already warned of.
pub fn finess_id_at(
    raw: &str,
    path: &std::path::Path,
    line: u64,
    field: &str,
    warnings: &mut Vec<String>,
    seen: &mut std::collections::BTreeSet<String>,
) -> std::result::Result<String, String> {
    let id = finess_id(raw)?;
    if raw.trim().len() == 8 && seen.insert(id.clone()) {
        warnings.push(format!(
            "{id}: {}:{line}: field `{field}`: FINESS `{}` has 8 digits (a spreadsheet dropped its leading zero?): \
             read as {id}; write the 9 characters in the file",
            path.display(),
            raw.trim()
        ));
    }
    Ok(id)
}

/// A reference-table position farther than this from the town hall of the
/// site's own commune is set aside (metres). Eurostat geocoded some sites to
/// a homonym street elsewhere in France (CH Béziers 340000033 is placed
/// 250 km away, near Saint-Étienne; Hôpital Emile Muller Mulhouse 680004546
/// in Brittany; CH Agen 470000423 22 km north of Agen); among the 2023
/// maternity sites the farthest genuine one is 10.7 km from its town hall
/// (CH Arcachon in La Teste-de-Buch, a 178 km² commune), so 20 km separates
/// the two with a margin.
pub const MAX_FROM_TOWN_HALL_M: f64 = 20_000.0;

/// Places the maternity sites of one year: the first of `tables` that has a
/// valid position for the site wins, unless it lies more than
/// [`MAX_FROM_TOWN_HALL_M`] from the town hall of the site's commune;
/// otherwise the town hall itself (`town_hall` maps an INSEE code to WGS84
/// `[lon, lat]`), flagged [`PositionSource::CommuneTownHall`]. Every set-aside
/// position and every fallback is explained in the warnings.
pub fn place_maternities(
    list: &MaternityList,
    year: u16,
    tables: &[&dyn SitePositions],
    town_hall: impl Fn(&str) -> Option<[f64; 2]>,
) -> Result<Placed> {
    let mut placed = Placed::default();
    for r in list.open_in(year)? {
        let hall = town_hall(&r.commune);
        let mut found = None;
        for t in tables {
            if let Some(p) = t.lon_lat(&r.finess) {
                let far = hall
                    .map(|h| distance_m(p, h))
                    .filter(|&d| d > MAX_FROM_TOWN_HALL_M);
                if let Some(d) = far {
                    placed.warnings.push(format!(
                        "{} {}: {} position set aside: {:.1} km from the town hall of its commune {}",
                        r.finess,
                        r.name,
                        t.source(),
                        d / 1000.0,
                        r.commune
                    ));
                    continue;
                }
                found = Some((p, t.source()));
                break;
            }
            if let Some(why) = t.rejection(&r.finess) {
                placed
                    .warnings
                    .push(format!("{} {}: position set aside: {why}", r.finess, r.name));
            }
        }
        let (lon_lat, source) = match found {
            Some(f) => f,
            None => match hall {
                Some(p) => {
                    placed.warnings.push(format!(
                        "{} {}: no position in the tables, placed at the town hall of commune {}",
                        r.finess, r.name, r.commune
                    ));
                    (p, PositionSource::CommuneTownHall)
                }
                None => {
                    placed.warnings.push(format!(
                        "{} {}: no position and commune {} unknown (line {} of {}): not placed",
                        r.finess,
                        r.name,
                        r.commune,
                        r.line,
                        list.path.display()
                    ));
                    placed.unplaced.push(r.finess.clone());
                    continue;
                }
            },
        };
        placed.facilities.push(Facility {
            id: r.finess.clone(),
            name: r.name.clone(),
            commune: Some(r.commune.clone()),
            lon_lat,
            source,
            level: r.level,
            births: Some(r.births),
            capacity: None,
        });
    }
    Ok(placed)
}

/// Removes the facilities with the given ids (a "what if this site closes"
/// scenario). An id that is not among `facilities` is an error naming it,
/// so that a typo never silently leaves a site open; an id given twice is
/// an error too (closing a site twice is a mistake in the list, and the
/// second time there is nothing left to close).
pub fn close(facilities: &[Facility], ids: &[String]) -> Result<Vec<Facility>> {
    let closed = close_ids(ids)?;
    for (id, wanted) in ids.iter().zip(&closed) {
        if !facilities.iter().any(|f| &f.id == wanted) {
            return Err(Error::Invalid(format!(
                "cannot close `{id}`: no such facility among the {} loaded",
                facilities.len()
            )));
        }
    }
    Ok(facilities
        .iter()
        .filter(|f| !closed.contains(&f.id))
        .cloned()
        .collect())
}

/// [`close`] for the maternities open in `year` of the DREES `list`: an id
/// that is not open that year is an error saying which years it is listed
/// (`640000410 (CENTRE HOSPITALIER OLORON) is not open in 2023: listed in 2016 only`), or that
/// it is not a maternity of the list at all.
pub fn close_maternities(
    facilities: &[Facility],
    ids: &[String],
    list: &MaternityList,
    year: u16,
) -> Result<Vec<Facility>> {
    for (id, wanted) in ids.iter().zip(close_ids(ids)?) {
        if !facilities.iter().any(|f| f.id == wanted) {
            list.require_open(id, year)
                .map_err(|e| Error::Invalid(format!("cannot close `{id}`: {e}")))?;
        }
    }
    close(facilities, ids)
}

/// The ids to close, normalised (FINESS numbers padded); an error when one
/// is given twice.
fn close_ids(ids: &[String]) -> Result<Vec<String>> {
    if ids.iter().any(|id| id.trim().is_empty()) {
        return Err(Error::Invalid(
            "an empty site id was given among the sites to close (a `,` with nothing before or after it?): \
             give each id once, separated by commas, e.g. 640000410,640017646"
                .into(),
        ));
    }
    let closed: Vec<String> = ids
        .iter()
        .map(|id| finess_id(id).unwrap_or_else(|_| id.trim().to_owned()))
        .collect();
    for (k, id) in closed.iter().enumerate() {
        if closed[..k].contains(id) {
            return Err(Error::Invalid(format!(
                "`{}` is given twice among the sites to close: give each site once",
                ids[k].trim()
            )));
        }
    }
    Ok(closed)
}

#[cfg(test)]
mod tests;
