//! The DREES list of maternity sites ("Liste des maternités de France depuis
//! 2000", built from the SAE survey): `;`-separated, UTF-8 with BOM, CRLF,
//! one row per site and year, not sorted.
//!
//! Columns read: `ANNEE`, `NOM_MAT`, `TYPE` (level 1 / 2a / 2b / 3, may be
//! blank), `FI_ET` (9-character FINESS of the site), `COM` (commune), `ACCTOT`
//! (births that year); optional: `STATUT`, `NOMCOM`. DREES writes the commune
//! of an overseas site with the FINESS département code (`9A105` for
//! Basse-Terre); it is turned into the INSEE code (`97105`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::finess_id;
use super::text::{self, Delimiter, Encoding};

/// Maternity level (type), from the least to the most specialised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MaternityLevel {
    /// Type 1: low-risk pregnancies.
    L1,
    /// Type 2a: with a neonatology unit.
    L2a,
    /// Type 2b: neonatology with intensive care.
    L2b,
    /// Type 3: neonatal intensive care (réanimation néonatale).
    L3,
}

impl MaternityLevel {
    /// Parses `1`, `2a`, `2b`, `3` (case-insensitive).
    pub fn parse(s: &str) -> Option<MaternityLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "1" => Some(MaternityLevel::L1),
            "2a" => Some(MaternityLevel::L2a),
            "2b" => Some(MaternityLevel::L2b),
            "3" => Some(MaternityLevel::L3),
            _ => None,
        }
    }
}

impl fmt::Display for MaternityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MaternityLevel::L1 => "1",
            MaternityLevel::L2a => "2a",
            MaternityLevel::L2b => "2b",
            MaternityLevel::L3 => "3",
        })
    }
}

/// One row of the list: a site in a year.
#[derive(Clone, Debug, PartialEq)]
pub struct MaternityRecord {
    /// Survey year.
    pub year: u16,
    /// FINESS number of the site (9 characters, leading zeros kept).
    pub finess: String,
    /// Name as listed that year.
    pub name: String,
    /// Level, `None` where the list leaves it blank.
    pub level: Option<MaternityLevel>,
    /// `PUBLIC`, `PRIVE LUCRATIF`, `PRIVE NON LUCRATIF` (empty if absent).
    pub status: String,
    /// INSEE code of the commune (overseas codes converted to `97xxx`).
    pub commune: String,
    /// Commune name as listed (empty if the column is absent).
    pub commune_name: String,
    /// Births (deliveries) that year.
    pub births: u32,
    /// Line in the source file (1 = header).
    pub line: u64,
}

/// The years one site appears in the list.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteHistory {
    /// FINESS number of the site.
    pub finess: String,
    /// Name in the last year listed.
    pub name: String,
    /// Commune in the last year listed.
    pub commune: String,
    /// `(year, births, level)` for every year listed, ascending.
    pub years: Vec<(u16, u32, Option<MaternityLevel>)>,
}

impl SiteHistory {
    /// First year listed.
    pub fn first_year(&self) -> u16 {
        self.years.first().map_or(0, |y| y.0)
    }
    /// Last year listed: when it is before the list's last year, the site
    /// closed (or stopped deliveries) at the end of that year.
    pub fn last_year(&self) -> u16 {
        self.years.last().map_or(0, |y| y.0)
    }
    /// Years between the first and the last one where the site is missing
    /// (check these before reading a closure into the list).
    pub fn gaps(&self) -> Vec<u16> {
        let listed: Vec<u16> = self.years.iter().map(|y| y.0).collect();
        (self.first_year()..=self.last_year())
            .filter(|y| !listed.contains(y))
            .collect()
    }
}

/// The whole list, every year, sorted by (FINESS, year).
#[derive(Clone, Debug)]
pub struct MaternityList {
    /// File it was read from.
    pub path: PathBuf,
    records: Vec<MaternityRecord>,
    /// 8-digit FINESS numbers padded to 9, one warning per site
    /// ([`super::finess_id_at`]).
    pub warnings: Vec<String>,
}

/// Normalises a DREES commune code: `9A105` -> `97105`; metropolitan and
/// Corsican codes are kept.
pub fn insee_from_drees(com: &str) -> Option<String> {
    let com = com.trim();
    let b = com.as_bytes();
    if b.len() != 5 {
        return None;
    }
    if b[0] == b'9' && matches!(b[1], b'A'..=b'F') {
        return b[2..]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| format!("97{}", &com[2..]));
    }
    crate::communes::load::is_dep_prefixed(com, 5).then(|| com.to_owned())
}

impl MaternityList {
    /// Reads the DREES file (or a fixture with the same columns).
    pub fn load(path: &Path) -> Result<MaternityList> {
        let (text, _) = text::read_text(path, Encoding::Auto)?;
        let table = text::read_table(path, &text, Delimiter::Fixed(b';'))?;
        let c_year = table.column("ANNEE")?;
        let c_name = table.column("NOM_MAT")?;
        let c_type = table.column("TYPE")?;
        let c_fi = table.column("FI_ET")?;
        let c_com = table.column("COM")?;
        let c_births = table.column("ACCTOT")?;
        let c_status = table.optional_column("STATUT");
        let c_comname = table.optional_column("NOMCOM");
        let mut records = Vec::with_capacity(table.rows.len());
        let (mut warnings, mut padded) = (Vec::new(), std::collections::BTreeSet::new());
        for (line, row) in &table.rows {
            let line = *line;
            let year = row[c_year]
                .parse::<u16>()
                .ok()
                .filter(|y| (1990..=2100).contains(y))
                .ok_or_else(|| table.field_error(line, c_year, format!("`{}` is not a year", row[c_year])))?;
            let finess = super::finess_id_at(&row[c_fi], path, line, "FI_ET", &mut warnings, &mut padded)
                .map_err(|m| table.field_error(line, c_fi, m))?;
            let level = if row[c_type].is_empty() {
                None
            } else {
                Some(MaternityLevel::parse(&row[c_type]).ok_or_else(|| {
                    table.field_error(
                        line,
                        c_type,
                        format!("`{}` is not a level (1, 2a, 2b, 3)", row[c_type]),
                    )
                })?)
            };
            let commune = insee_from_drees(&row[c_com]).ok_or_else(|| {
                table.field_error(line, c_com, format!("`{}` is not a commune code", row[c_com]))
            })?;
            let births = row[c_births].parse::<u32>().map_err(|_| {
                table.field_error(
                    line,
                    c_births,
                    format!("`{}` is not a number of births", row[c_births]),
                )
            })?;
            records.push(MaternityRecord {
                year,
                finess,
                name: row[c_name].clone(),
                level,
                status: c_status.map(|c| row[c].clone()).unwrap_or_default(),
                commune,
                commune_name: c_comname.map(|c| row[c].clone()).unwrap_or_default(),
                births,
                line,
            });
        }
        records.sort_by(|a, b| (&a.finess, a.year).cmp(&(&b.finess, b.year)));
        if let Some(w) = records
            .windows(2)
            .find(|w| w[0].finess == w[1].finess && w[0].year == w[1].year)
        {
            return Err(Error::field(
                path,
                w[1].line,
                "FI_ET",
                format!(
                    "site {} listed twice for {} (also line {})",
                    w[1].finess, w[1].year, w[0].line
                ),
            ));
        }
        Ok(MaternityList {
            path: path.to_path_buf(),
            records,
            warnings,
        })
    }

    /// Every row, sorted by (FINESS, year).
    pub fn records(&self) -> &[MaternityRecord] {
        &self.records
    }

    /// The distinct years of the list, ascending.
    pub fn years(&self) -> Vec<u16> {
        let mut y: Vec<u16> = self.records.iter().map(|r| r.year).collect();
        y.sort_unstable();
        y.dedup();
        y
    }

    /// The sites listed (open) in `year`, sorted by FINESS; an error if the
    /// list has no row for that year.
    pub fn open_in(&self, year: u16) -> Result<Vec<&MaternityRecord>> {
        let open: Vec<&MaternityRecord> = self.records.iter().filter(|r| r.year == year).collect();
        if open.is_empty() {
            let years = self.years();
            return Err(Error::Invalid(format!(
                "year {year} is not in {} (years {}–{})",
                self.path.display(),
                years.first().unwrap_or(&0),
                years.last().unwrap_or(&0)
            )));
        }
        Ok(open)
    }

    /// Every site with the years it is listed, sorted by FINESS.
    pub fn history(&self) -> Vec<SiteHistory> {
        let mut out: Vec<SiteHistory> = Vec::new();
        for r in &self.records {
            match out.last_mut() {
                Some(h) if h.finess == r.finess => {
                    h.years.push((r.year, r.births, r.level));
                    h.name.clone_from(&r.name);
                    h.commune.clone_from(&r.commune);
                }
                _ => out.push(SiteHistory {
                    finess: r.finess.clone(),
                    name: r.name.clone(),
                    commune: r.commune.clone(),
                    years: vec![(r.year, r.births, r.level)],
                }),
            }
        }
        out
    }

    /// The history of one site; an error naming the id if it is not listed.
    pub fn site(&self, finess: &str) -> Result<SiteHistory> {
        let id = finess_id(finess).map_err(|m| Error::Invalid(format!("FINESS `{finess}`: {m}")))?;
        self.history()
            .into_iter()
            .find(|h| h.finess == id)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "unknown FINESS code {id}: not a maternity site in {}",
                    self.path.display()
                ))
            })
    }

    /// The row of a site in `year`, for a scenario that closes it: an error
    /// naming the id when it is not in the list at all, or when it is not
    /// open that year (saying which years it is listed).
    pub fn require_open(&self, finess: &str, year: u16) -> Result<&MaternityRecord> {
        let site = self.site(finess)?;
        self.records
            .iter()
            .find(|r| r.finess == site.finess && r.year == year)
            .ok_or_else(|| {
                let listed = match (site.first_year(), site.last_year()) {
                    (a, b) if a == b => format!("listed in {a} only"),
                    (a, b) => format!("listed {a}–{b}"),
                };
                Error::Invalid(format!(
                    "{} ({}) is not open in {year}: {listed}{}",
                    site.finess,
                    site.name,
                    if site.gaps().is_empty() {
                        String::new()
                    } else {
                        format!(" except {:?}", site.gaps())
                    }
                ))
            })
    }

    /// Last year each site is listed, by FINESS.
    pub fn last_years(&self) -> BTreeMap<String, u16> {
        let mut m = BTreeMap::new();
        for r in &self.records {
            m.insert(r.finess.clone(), r.year); // sorted by year within a site
        }
        m
    }
}
