//! Loading GP supply and demand weights from files.
//!
//! Three shapes of GP supply are read:
//!
//! * **INSEE BPE per-commune counts of equipment D201** ("médecin
//!   omnipraticien"), in any of the layouts INSEE and its re-users publish:
//!   the wide "base communale" layout (`CODGEO`, …, `NB_D201`), the long
//!   layout (`DEPCOM`, `TYPEQU`, `NB_EQUIP`, or one row per equipment without
//!   `NB_EQUIP`), and the derived `insee_com,dep,nb_d201` table of
//!   `../shared/data/gp-supply`. Communes absent from the file have no GP:
//!   the caller treats them as 0 ([`read_bpe_d201`] returns only the listed
//!   ones).
//! * **Any CSV of practitioners or practices**, one row each, located by
//!   commune code or by longitude/latitude (WGS84), with an optional weight
//!   column (full-time equivalents, consultations per year): see
//!   [`read_practitioners`].
//! * **Demand weights** per commune (age-standardised need, as DREES uses):
//!   see [`read_demand_weights`].
//!
//! The delimiter (`,`, `;`, `|` or tab) is detected from the header line; a
//! UTF-8 byte-order mark is ignored; gzip is read transparently. A number may
//! use a decimal comma when the delimiter is not a comma (French
//! spreadsheets). Every bad value is an [`Error::Field`] naming the file,
//! the 1-based line (header = line 1) and the column.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::io::read_maybe_gz;

/// The most GPs one commune may have in a supply file or a scenario: the
/// largest counts of the BPE are about 1,200 (Marseille) and Paris has
/// about 2,500; more is a damaged file or a typo.
pub const MAX_GPS_PER_COMMUNE: f64 = 10_000.0;

/// The largest weight one practitioner row may carry (full-time
/// equivalents, consultations per year: a GP gives about 5,000 a year).
pub const MAX_ROW_WEIGHT: f64 = 1_000_000.0;

/// The largest demand weight (a ratio to the national mean consumption,
/// about 0.5 to 2).
pub const MAX_DEMAND_WEIGHT: f64 = 100.0;

/// The BPE equipment type of general practitioners ("médecin omnipraticien").
pub const BPE_GP_TYPE: &str = "D201";

/// Where a practitioner or practice is.
#[derive(Debug, Clone, PartialEq)]
pub enum SupplyLocation {
    /// By INSEE commune code (5 characters).
    Commune(String),
    /// By position, WGS84 degrees.
    Point { lon: f64, lat: f64 },
    /// Both were given: the commune code and the position.
    Both { insee: String, lon: f64, lat: f64 },
}

impl SupplyLocation {
    /// The commune code, when known.
    pub fn insee(&self) -> Option<&str> {
        match self {
            SupplyLocation::Commune(c) | SupplyLocation::Both { insee: c, .. } => Some(c),
            SupplyLocation::Point { .. } => None,
        }
    }

    /// The position (lon, lat in WGS84 degrees), when known.
    pub fn lon_lat(&self) -> Option<[f64; 2]> {
        match *self {
            SupplyLocation::Point { lon, lat } | SupplyLocation::Both { lon, lat, .. } => Some([lon, lat]),
            SupplyLocation::Commune(_) => None,
        }
    }
}

/// One row of a practitioner or practice file.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyPoint {
    pub location: SupplyLocation,
    /// Supply carried by the row: the weight column (FTE, consultations per
    /// year…) or 1 practitioner when there is no weight column.
    pub amount: f64,
    /// 1-based line in the file, for messages.
    pub line: u64,
}

/// Column names of a practitioner file; `None` means "detect among the
/// usual names" (see [`read_practitioners`]).
#[derive(Debug, Clone, Default)]
pub struct PractitionerColumns {
    pub insee: Option<String>,
    pub lon: Option<String>,
    pub lat: Option<String>,
    pub weight: Option<String>,
}

const INSEE_NAMES: &[&str] = &[
    "insee",
    "insee_com",
    "codgeo",
    "depcom",
    "code_commune",
    "code_insee",
    "com",
];
const LON_NAMES: &[&str] = &["lon", "longitude", "lng", "long"];
const LAT_NAMES: &[&str] = &["lat", "latitude"];

/// A parsed delimited text file: header and records with their line numbers.
pub(crate) struct Table {
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<(u64, csv::StringRecord)>,
    delimiter: u8,
}

impl Table {
    pub(crate) fn read(path: &Path) -> Result<Table> {
        let bytes = read_maybe_gz(path)?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let delimiter = [b',', b';', b'|', b'\t']
            .into_iter()
            .max_by_key(|d| first.iter().filter(|b| *b == d).count())
            .unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(false)
            .from_reader(bytes);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| Error::format(path, format!("cannot read the header: {e}")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if header.iter().all(|h| h.is_empty()) {
            return Err(Error::format(path, "empty file: no header line"));
        }
        // Line numbers come from byte offsets: the csv crate's own line count
        // is one short on CRLF files (the shared gp-supply files are CRLF).
        let (mut line, mut seen) = (1u64, 0usize);
        let mut line_at = |byte: usize| {
            // a record's recorded start may sit on the `\n` of a CRLF before it
            let mut upto = byte.min(bytes.len());
            while upto < bytes.len() && (bytes[upto] == b'\n' || bytes[upto] == b'\r') {
                upto += 1;
            }
            if upto > seen {
                line += bytes[seen..upto].iter().filter(|&&b| b == b'\n').count() as u64;
                seen = upto;
            }
            line
        };
        let mut rows = Vec::new();
        let mut rec = csv::StringRecord::new();
        loop {
            let start = reader.position().byte() as usize;
            match reader.read_record(&mut rec) {
                Ok(true) => {
                    let start = rec.position().map_or(start, |p| p.byte() as usize);
                    rows.push((line_at(start), rec.clone()));
                }
                Ok(false) => break,
                Err(e) => {
                    let at = e.position().map_or(start, |p| p.byte() as usize);
                    return Err(Error::field(path, line_at(at), "(record)", e.to_string()));
                }
            }
        }
        Ok(Table {
            header,
            rows,
            delimiter,
        })
    }

    /// Index of the column named `name` (case-insensitive).
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// Index of the first of `names` present.
    fn find_any(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.find(n))
    }

    /// The column the user named, or one of the usual names, or `None`.
    fn column(&self, path: &Path, given: Option<&str>, usual: &[&str]) -> Result<Option<usize>> {
        match given {
            Some(name) => self.find(name).map(Some).ok_or_else(|| {
                Error::format(
                    path,
                    format!("no column `{name}` (columns: {})", self.header.join(", ")),
                )
            }),
            None => Ok(self.find_any(usual)),
        }
    }

    pub(crate) fn number(&self, path: &Path, line: u64, rec: &csv::StringRecord, col: usize) -> Result<f64> {
        let raw = rec.get(col).unwrap_or("").trim();
        let field = &self.header[col];
        let text = if self.delimiter != b',' {
            raw.replace(',', ".")
        } else {
            raw.to_string()
        };
        let v: f64 = text
            .parse()
            .map_err(|_| Error::field(path, line, field, format!("`{raw}` is not a number")))?;
        if !v.is_finite() {
            return Err(Error::field(path, line, field, format!("`{raw}` is not finite")));
        }
        Ok(v)
    }

    /// A non-negative number of at most `max` (`what` names the bound in
    /// the message).
    fn amount(
        &self,
        path: &Path,
        line: u64,
        rec: &csv::StringRecord,
        col: usize,
        max: (f64, &str),
    ) -> Result<f64> {
        let v = self.number(path, line, rec, col)?;
        if v < 0.0 {
            return Err(Error::field(
                path,
                line,
                &self.header[col],
                format!("{v} is negative"),
            ));
        }
        if v > max.0 {
            return Err(Error::field(
                path,
                line,
                &self.header[col],
                format!("{v} is more than {}: {}; correct the value", max.0, max.1),
            ));
        }
        Ok(v)
    }

    pub(crate) fn insee(
        &self,
        path: &Path,
        line: u64,
        rec: &csv::StringRecord,
        col: usize,
    ) -> Result<String> {
        parse_insee(rec.get(col).unwrap_or("")).map_err(|m| Error::field(path, line, &self.header[col], m))
    }
}

/// Checks an INSEE commune code: 5 characters, digits, or `2A`/`2B`
/// followed by 3 digits (Corsica). A 4-digit code is taken as one whose
/// leading zero a spreadsheet dropped (`1004` → `01004`).
pub fn parse_insee(raw: &str) -> std::result::Result<String, String> {
    let s = raw.trim();
    let code = if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{s}")
    } else {
        s.to_ascii_uppercase()
    };
    if crate::communes::load::is_dep_prefixed(&code, 5) {
        Ok(code)
    } else {
        Err(format!("`{s}` is not an INSEE commune code (5 characters)"))
    }
}

/// GP counts per commune read from a BPE file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BpeCounts {
    /// Commune code → number of GPs, for the communes listed; **absent
    /// communes have 0 GPs**.
    pub by_commune: BTreeMap<String, f64>,
    /// Rows that repeat an earlier row exactly (same code, same count) in
    /// the wide layout: counted once, listed here (code, line) for the
    /// caller to report. The shared `gp-supply` files repeat 58062.
    pub repeated: Vec<(String, u64)>,
}

impl BpeCounts {
    /// One note per repeated row, for the user: which commune, where the
    /// repeat is, and that it is counted once.
    ///
    /// # Examples
    /// ```
    /// let c = medaccess::gp::BpeCounts { repeated: vec![("58062".into(), 5478)], ..Default::default() };
    /// let n = c.repeat_notes(std::path::Path::new("gp.csv"));
    /// assert_eq!(n[0], "gp.csv:5478: commune 58062 is listed again with the same count: the repeat is ignored (counted once)");
    /// ```
    pub fn repeat_notes(&self, path: &Path) -> Vec<String> {
        self.repeated
            .iter()
            .map(|(code, line)| {
                format!(
                    "{}:{line}: commune {code} is listed again with the same count: the repeat is ignored (counted once)",
                    path.display()
                )
            })
            .collect()
    }
}

/// Reads per-commune GP counts (BPE equipment D201).
///
/// Layouts, detected from the header (case-insensitive):
/// * wide: a code column (`CODGEO`, `DEPCOM`, `insee_com`, …) and `NB_D201`;
///   one row per commune; a row repeating an earlier one exactly is counted
///   once and reported in [`BpeCounts::repeated`], a repeated code with
///   another count is an error;
/// * long: `DEPCOM`/`CODGEO` and `TYPEQU`; rows of other types are ignored;
///   `NB_EQUIP` is summed when present, otherwise each row counts 1.
///
/// # Errors
/// A missing column, a bad commune code, a count that is not a non-negative
/// number, a repeated commune in the wide layout.
///
/// # Examples
/// ```
/// // The shipped copy of INSEE BPE D201 (made from ../shared/data/gp-supply).
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/gp-bpe-d201.csv");
/// let gps = medaccess::gp::read_bpe_d201(std::path::Path::new(path)).unwrap();
/// assert_eq!(gps.by_commune["64445"], 87.0); // Pau
/// assert!(!gps.by_commune.contains_key("64336")); // Lescun: no GP, absent
/// ```
pub fn read_bpe_d201(path: &Path) -> Result<BpeCounts> {
    let t = Table::read(path)?;
    let code = t.find_any(INSEE_NAMES).ok_or_else(|| {
        Error::format(
            path,
            format!(
                "no commune code column (expected one of {}; columns: {})",
                INSEE_NAMES.join(", "),
                t.header.join(", ")
            ),
        )
    })?;
    let mut out = BTreeMap::new();
    let mut repeated = Vec::new();
    if let Some(nb) = t.find("nb_d201") {
        let mut first_line = BTreeMap::new();
        for (line, rec) in &t.rows {
            let c = t.insee(path, *line, rec, code)?;
            let n = t.amount(
                path,
                *line,
                rec,
                nb,
                (MAX_GPS_PER_COMMUNE, "the most GPs a commune may have"),
            )?;
            if let Some(&prev) = first_line.get(&c) {
                if out.get(&c) == Some(&n) {
                    repeated.push((c, *line));
                    continue;
                }
                return Err(Error::field(
                    path,
                    *line,
                    &t.header[nb],
                    format!("commune {c} is listed twice with different counts (first at line {prev})"),
                ));
            }
            first_line.insert(c.clone(), *line);
            out.insert(c, n);
        }
    } else if let Some(ty) = t.find("typequ") {
        let nb = t.find("nb_equip");
        for (line, rec) in &t.rows {
            if rec.get(ty).unwrap_or("").trim() != BPE_GP_TYPE {
                continue;
            }
            let c = t.insee(path, *line, rec, code)?;
            let n = match nb {
                Some(col) => t.amount(
                    path,
                    *line,
                    rec,
                    col,
                    (MAX_GPS_PER_COMMUNE, "the most GPs a commune may have"),
                )?,
                None => 1.0,
            };
            *out.entry(c).or_insert(0.0) += n;
        }
    } else {
        return Err(Error::format(
            path,
            format!(
                "neither a `NB_D201` column (per-commune counts) nor a `TYPEQU` column \
                 (one row per equipment type); columns: {}",
                t.header.join(", ")
            ),
        ));
    }
    Ok(BpeCounts {
        by_commune: out,
        repeated,
    })
}

/// Reads a CSV of practitioners or practices, one row each, located by
/// commune code, by WGS84 longitude/latitude, or both.
///
/// Columns are taken from `cols`, or detected among the usual names: code
/// `insee`, `insee_com`, `codgeo`, `depcom`, `code_commune`, `code_insee`,
/// `com`; position `lon`/`longitude`/`lng`/`long` and `lat`/`latitude`.
/// The weight column (FTE, consultations per year…) is used only when named
/// in `cols.weight`; without it each row is 1 practitioner. A row whose
/// code and position cells are all empty is an error; a row with a position
/// outside [-180, 180] × [-90, 90] too.
///
/// # Examples
/// ```
/// use medaccess::gp::{read_practitioners, PractitionerColumns, SupplyLocation};
/// let dir = std::env::temp_dir().join(format!("medaccess-doc-prac-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let p = dir.join("gps.csv");
/// std::fs::write(&p, "name;code_commune;etp\nDr A;64445;0,8\nDr B;64422;1\n").unwrap();
/// let cols = PractitionerColumns { weight: Some("etp".into()), ..Default::default() };
/// let rows = read_practitioners(&p, &cols).unwrap();
/// assert_eq!(rows[0].location, SupplyLocation::Commune("64445".into()));
/// assert_eq!(rows[0].amount, 0.8);
/// ```
pub fn read_practitioners(path: &Path, cols: &PractitionerColumns) -> Result<Vec<SupplyPoint>> {
    let t = Table::read(path)?;
    let code = t.column(path, cols.insee.as_deref(), INSEE_NAMES)?;
    let lon = t.column(path, cols.lon.as_deref(), LON_NAMES)?;
    let lat = t.column(path, cols.lat.as_deref(), LAT_NAMES)?;
    let weight = t.column(path, cols.weight.as_deref(), &[])?;
    let point = match (lon, lat) {
        (Some(a), Some(b)) => Some((a, b)),
        (None, None) => None,
        _ => {
            return Err(Error::format(
                path,
                "a longitude column without a latitude column, or the reverse",
            ));
        }
    };
    if code.is_none() && point.is_none() {
        return Err(Error::format(
            path,
            format!(
                "no commune code column and no lon/lat columns (columns: {})",
                t.header.join(", ")
            ),
        ));
    }
    let mut out = Vec::with_capacity(t.rows.len());
    for (line, rec) in &t.rows {
        let line = *line;
        let blank = |c: usize| rec.get(c).unwrap_or("").trim().is_empty();
        let insee = match code {
            Some(c) if !blank(c) => Some(t.insee(path, line, rec, c)?),
            _ => None,
        };
        let pos = match point {
            Some((a, b)) if !(blank(a) && blank(b)) => {
                let x = t.number(path, line, rec, a)?;
                let y = t.number(path, line, rec, b)?;
                // A position outside France would be placed in the commune
                // of the nearest town hall, however far: swapped columns put
                // every practitioner in the Indian Ocean, off Mayotte.
                if let Err(m) = crate::facilities::check_lon_lat(x, y) {
                    let field = format!("{}/{}", t.header[a], t.header[b]);
                    let fix = if m.contains("swapped") {
                        " (give the columns the other way round: --lon-col and --lat-col)"
                    } else {
                        ""
                    };
                    return Err(Error::field(path, line, field, format!("{m}{fix}")));
                }
                Some((x, y))
            }
            _ => None,
        };
        let location = match (insee, pos) {
            (Some(insee), Some((lon, lat))) => SupplyLocation::Both { insee, lon, lat },
            (Some(c), None) => SupplyLocation::Commune(c),
            (None, Some((lon, lat))) => SupplyLocation::Point { lon, lat },
            (None, None) => {
                let name = code.or(point.map(|p| p.0)).map_or("", |c| t.header[c].as_str());
                return Err(Error::field(
                    path,
                    line,
                    name,
                    "no commune code and no position on this row",
                ));
            }
        };
        let amount = match weight {
            Some(w) => t.amount(
                path,
                line,
                rec,
                w,
                (MAX_ROW_WEIGHT, "the largest weight of one row"),
            )?,
            None => 1.0,
        };
        out.push(SupplyPoint {
            location,
            amount,
            line,
        });
    }
    Ok(out)
}

/// Sums the supply of the rows per commune code. A row known only by
/// position is placed by `locate(lon, lat)` (e.g. the commune of the
/// nearest origin, `engine::Territory::locator`); rows it cannot
/// place are returned apart, for the caller to report.
///
/// # Examples
/// ```
/// use medaccess::gp::{supply_by_commune, SupplyLocation, SupplyPoint};
/// let rows = [
///     SupplyPoint { location: SupplyLocation::Commune("64445".into()), amount: 1.0, line: 2 },
///     SupplyPoint { location: SupplyLocation::Point { lon: -0.37, lat: 43.29 }, amount: 0.5, line: 3 },
///     SupplyPoint { location: SupplyLocation::Point { lon: 9.0, lat: 60.0 }, amount: 1.0, line: 4 },
/// ];
/// let locate = |lon: f64, lat: f64| (lat < 50.0).then(|| "64445".to_string());
/// let (by, unplaced) = supply_by_commune(&rows, locate);
/// assert_eq!(by["64445"], 1.5);
/// assert_eq!(unplaced[0].line, 4);
/// ```
pub fn supply_by_commune(
    points: &[SupplyPoint],
    mut locate: impl FnMut(f64, f64) -> Option<String>,
) -> (BTreeMap<String, f64>, Vec<SupplyPoint>) {
    let mut by = BTreeMap::new();
    let mut unplaced = Vec::new();
    for p in points {
        let code = match &p.location {
            SupplyLocation::Commune(c) | SupplyLocation::Both { insee: c, .. } => Some(c.clone()),
            SupplyLocation::Point { lon, lat } => locate(*lon, *lat),
        };
        match code {
            Some(c) => *by.entry(c).or_insert(0.0) += p.amount,
            None => unplaced.push(p.clone()),
        }
    }
    (by, unplaced)
}

/// Reads demand weights per commune: a commune code column (usual names, or
/// `code_column`) and a numeric `weight_column`. The weight multiplies the
/// commune's population in both steps of the 2SFCA, e.g. the ratio of the
/// commune's age-standardised GP consumption to the national mean (DREES
/// weights demand by age-specific consumption of GP care).
///
/// # Errors
/// A missing column, a bad code, a repeated commune, a negative or
/// non-numeric weight.
pub fn read_demand_weights(
    path: &Path,
    code_column: Option<&str>,
    weight_column: &str,
) -> Result<BTreeMap<String, f64>> {
    let t = Table::read(path)?;
    let code = t
        .column(path, code_column, INSEE_NAMES)?
        .ok_or_else(|| Error::format(path, "no commune code column"))?;
    let w = t
        .column(path, Some(weight_column), &[])?
        .ok_or_else(|| Error::format(path, format!("no column `{weight_column}`")))?;
    let mut out = BTreeMap::new();
    let mut first_line = BTreeMap::new();
    for (line, rec) in &t.rows {
        let c = t.insee(path, *line, rec, code)?;
        let v = t.amount(
            path,
            *line,
            rec,
            w,
            (
                MAX_DEMAND_WEIGHT,
                "a demand weight is a ratio to the national mean",
            ),
        )?;
        if let Some(prev) = first_line.insert(c.clone(), *line) {
            return Err(Error::field(
                path,
                *line,
                &t.header[code],
                format!("commune {c} is listed twice (first at line {prev})"),
            ));
        }
        out.insert(c, v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "full-suite")]
    const DERIVED: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/gp-supply/gp_d201_by_commune.csv"
    );
    #[cfg(feature = "full-suite")]
    const RAW: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/gp-supply/bpe_d201_by_commune_cpprouting_raw.csv"
    );

    fn tmp(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("medaccess-gp-supply-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[cfg(feature = "full-suite")]
    #[test]
    fn real_bpe_files_agree_with_provenance() {
        let derived = read_bpe_d201(Path::new(DERIVED)).unwrap();
        let raw = read_bpe_d201(Path::new(RAW)).unwrap();
        assert_eq!(derived, raw, "both layouts hold the same counts");
        // PROVENANCE counts 9,529 rows and 58,034 GPs; one row (58062, 3 GPs)
        // is there twice, so 9,528 communes and 58,031 GPs.
        assert_eq!(derived.repeated, vec![("58062".to_string(), 5478)]);
        let derived = derived.by_commune;
        assert_eq!(derived.len(), 9528);
        assert_eq!(derived["58062"], 3.0);
        assert_eq!(derived.values().sum::<f64>(), 58031.0);
        for (code, n) in [
            ("64445", 87.0),
            ("64422", 18.0),
            ("65440", 50.0),
            ("13055", 1217.0),
        ] {
            assert_eq!(derived[code], n, "{code}");
        }
        let dep = |d: &str| -> f64 {
            derived
                .iter()
                .filter(|(c, _)| c.starts_with(d))
                .map(|(_, n)| n)
                .sum()
        };
        assert_eq!(dep("64"), 751.0);
        assert_eq!(dep("65"), 251.0);
        assert!(!derived.keys().any(|c| c.starts_with("75")), "no Paris");
    }

    #[test]
    fn long_bpe_layout_sums_d201_only() {
        let p = tmp(
            "long.csv",
            "DEPCOM;TYPEQU;NB_EQUIP\n64445;D201;80\n64445;D201;7\n64445;A101;3\n2A004;D201;12\n",
        );
        let m = read_bpe_d201(&p).unwrap().by_commune;
        assert_eq!(m.len(), 2);
        assert_eq!(m["64445"], 87.0);
        assert_eq!(m["2A004"], 12.0);
        // one row per equipment
        let p = tmp(
            "rows.csv",
            "DEPCOM;TYPEQU;LAMBERT_X\n64445;D201;1\n64445;D201;2\n",
        );
        assert_eq!(read_bpe_d201(&p).unwrap().by_commune["64445"], 2.0);
    }

    #[test]
    fn bad_bpe_input_names_file_line_field() {
        let p = tmp("bad.csv", "CODGEO,NB_D201\n64445,3\n64422,x\n");
        let e = read_bpe_d201(&p).unwrap_err().to_string();
        assert!(e.contains("bad.csv:3: field `NB_D201`"), "{e}");
        let p = tmp("crlf.csv", "CODGEO,NB_D201\r\n64445,3\r\n64422,x\r\n");
        let e = read_bpe_d201(&p).unwrap_err().to_string();
        assert!(e.contains("crlf.csv:3: field `NB_D201`"), "{e}");
        let p = tmp("dup.csv", "CODGEO,NB_D201\n64445,3\n64445,2\n");
        let e = read_bpe_d201(&p).unwrap_err().to_string();
        assert!(e.contains("dup.csv:3") && e.contains("first at line 2"), "{e}");
        let p = tmp("rep.csv", "CODGEO,NB_D201\n64445,3\n64445,3\n");
        let r = read_bpe_d201(&p).unwrap();
        assert_eq!(r.by_commune["64445"], 3.0);
        assert_eq!(r.repeated, vec![("64445".to_string(), 3)]);
        let p = tmp("code.csv", "CODGEO,NB_D201\n6444X,3\n");
        let e = read_bpe_d201(&p).unwrap_err().to_string();
        assert!(e.contains("code.csv:2: field `CODGEO`"), "{e}");
        let p = tmp("huge.csv", "CODGEO,NB_D201\n64445,1e308\n");
        let e = read_bpe_d201(&p).unwrap_err().to_string();
        assert!(
            e.contains("huge.csv:2: field `NB_D201`") && e.contains("more than 10000"),
            "{e}"
        );
        let p = tmp("neg.csv", "CODGEO,NB_D201\n64445,-1\n");
        assert!(read_bpe_d201(&p).unwrap_err().to_string().contains("negative"));
        let p = tmp("nocol.csv", "CODGEO,POP\n64445,3\n");
        assert!(read_bpe_d201(&p).unwrap_err().to_string().contains("NB_D201"));
        let p = tmp("empty.csv", "");
        assert!(read_bpe_d201(&p).is_err());
        // a spreadsheet dropped the leading zero
        let p = tmp("zero.csv", "CODGEO,NB_D201\n1004,24\n");
        assert_eq!(read_bpe_d201(&p).unwrap().by_commune["01004"], 24.0);
    }

    #[test]
    fn practitioners_by_commune_and_by_point() {
        let p = tmp(
            "prac.csv",
            "id,insee,lon,lat,fte\n1,64445,,,1.0\n2,,-0.37,43.30,0.5\n3,64422,-0.61,43.19,0.25\n4,64445,,,2\n",
        );
        let cols = PractitionerColumns {
            weight: Some("fte".into()),
            ..Default::default()
        };
        let rows = read_practitioners(&p, &cols).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[1].location,
            SupplyLocation::Point {
                lon: -0.37,
                lat: 43.30
            }
        );
        assert_eq!(rows[2].location.insee(), Some("64422"));
        assert_eq!(rows[2].location.lon_lat(), Some([-0.61, 43.19]));
        let (by, unplaced) = supply_by_commune(&rows, |_, _| None);
        assert_eq!(by["64445"], 3.0);
        assert_eq!(by["64422"], 0.25);
        assert_eq!(unplaced.len(), 1);
        assert_eq!(unplaced[0].line, 3);
        let (by, unplaced) = supply_by_commune(&rows, |_, _| Some("64445".into()));
        assert_eq!(by["64445"], 3.5);
        assert!(unplaced.is_empty());
        // without a weight column every row is one practitioner
        let rows = read_practitioners(&p, &PractitionerColumns::default()).unwrap();
        assert!(rows.iter().all(|r| r.amount == 1.0));
    }

    #[test]
    fn bad_practitioner_rows() {
        let p = tmp("p1.csv", "insee,lon,lat\n64445,,\n,,\n");
        let e = read_practitioners(&p, &PractitionerColumns::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("p1.csv:3"), "{e}");
        let p = tmp("p2.csv", "insee,lon,lat\n,200,43\n");
        let e = read_practitioners(&p, &PractitionerColumns::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("p2.csv:2: field `lon/lat`"), "{e}");
        let p = tmp("p5.csv", "insee,lon,lat\n,43.30,-0.37\n");
        let e = read_practitioners(&p, &PractitionerColumns::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("p5.csv:2: field `lon/lat`") && e.contains("swapped") && e.contains("--lon-col"),
            "{e}"
        );
        let p = tmp("p6.csv", "insee,w\n64445,1e300\n");
        let cols6 = PractitionerColumns {
            weight: Some("w".into()),
            ..Default::default()
        };
        let e = read_practitioners(&p, &cols6).unwrap_err().to_string();
        assert!(
            e.contains("p6.csv:2: field `w`") && e.contains("more than"),
            "{e}"
        );
        let p = tmp("p3.csv", "name\nDr A\n");
        assert!(read_practitioners(&p, &PractitionerColumns::default()).is_err());
        let p = tmp("p4.csv", "insee,w\n64445,1\n");
        let cols = PractitionerColumns {
            weight: Some("fte".into()),
            ..Default::default()
        };
        let e = read_practitioners(&p, &cols).unwrap_err().to_string();
        assert!(e.contains("no column `fte`"), "{e}");
    }

    #[test]
    fn demand_weights() {
        let p = tmp("w.csv", "codgeo;poids\n64445;1,05\n64422;0,97\n");
        let w = read_demand_weights(&p, None, "poids").unwrap();
        assert_eq!(w["64445"], 1.05);
        assert_eq!(w["64422"], 0.97);
        let p = tmp("w2.csv", "codgeo;poids\n64445;-1\n");
        assert!(read_demand_weights(&p, None, "poids").is_err());
    }
}
