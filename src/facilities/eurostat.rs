//! Positions from the Eurostat/GISCO "healthcare services" CSV for France:
//! `,`-separated UTF-8, WGS84 `lat`/`lon`, and an `id` that is the FINESS
//! number of the site read as an integer (`10000024` for `010000024`):
//! left-padded back to 9 characters. Corsican ids (`2A0000022`) are intact.
//!
//! Columns read: `id`, `lat`, `lon`, and `hospital_name` (or `name`) when
//! present, so a trimmed copy with only those columns loads the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::finess_id;
use super::territory::check_lon_lat;
use super::text::{self, Delimiter, Encoding};

/// A site's position from the table.
#[derive(Clone, Debug, PartialEq)]
pub struct SitePosition {
    /// FINESS number, 9 characters.
    pub finess: String,
    /// Name in the table (empty if the column is absent).
    pub name: String,
    /// WGS84 `[lon, lat]`, degrees.
    pub lon_lat: [f64; 2],
    /// Line in the source file.
    pub line: u64,
}

/// Positions by FINESS number. Rows whose position fails the France check
/// are not in the map: they are kept in [`PositionTable::rejected`] so that a
/// site using them falls back to its town hall with a warning rather than
/// being placed abroad.
#[derive(Debug)]
pub struct PositionTable {
    /// File it was read from.
    pub path: PathBuf,
    /// Valid positions by FINESS.
    pub positions: BTreeMap<String, SitePosition>,
    /// Rows with an impossible position (outside France, swapped), as errors
    /// naming file, line and field.
    pub rejected: BTreeMap<String, Error>,
}

impl PositionTable {
    /// Reads the Eurostat CSV (or a trimmed copy with the same columns).
    pub fn load_eurostat(path: &Path) -> Result<PositionTable> {
        let (text, _) = text::read_text(path, Encoding::Auto)?;
        let table = text::read_table(path, &text, Delimiter::Fixed(b','))?;
        let c_id = table.column("id")?;
        let c_lat = table.column("lat")?;
        let c_lon = table.column("lon")?;
        let c_name = table
            .optional_column("hospital_name")
            .or_else(|| table.optional_column("name"));
        let mut positions = BTreeMap::new();
        let mut rejected = BTreeMap::new();
        for (line, row) in &table.rows {
            let line = *line;
            let finess = finess_id(&row[c_id]).map_err(|m| table.field_error(line, c_id, m))?;
            let lat = table.number(line, c_lat, &row[c_lat])?;
            let lon = table.number(line, c_lon, &row[c_lon])?;
            if let Err(m) = check_lon_lat(lon, lat) {
                rejected.insert(finess, table.field_error(line, c_lat, m));
                continue;
            }
            let site = SitePosition {
                finess: finess.clone(),
                name: c_name.map(|c| row[c].clone()).unwrap_or_default(),
                lon_lat: [lon, lat],
                line,
            };
            if let Some(prev) = positions.insert(finess.clone(), site) {
                return Err(Error::field(
                    path,
                    line,
                    "id",
                    format!("FINESS {finess} listed twice (also line {})", prev.line),
                ));
            }
        }
        Ok(PositionTable {
            path: path.to_path_buf(),
            positions,
            rejected,
        })
    }

    /// The position of a site, if listed with a valid position.
    pub fn get(&self, finess: &str) -> Option<&SitePosition> {
        self.positions.get(finess)
    }
}
