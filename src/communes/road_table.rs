//! The per-commune road table: which numbered roads cross each commune,
//! with their class, and how winding each commune's roads are.
//!
//! Derived from the national road-accident files (BAAC, ONISR) by
//! [`super::baac::derive`] (`cargo run --release --example make_road_table`)
//! and shipped as `fixtures/baac-commune-roads.csv.gz` and
//! `fixtures/baac-commune-terrain.csv.gz`; read by [`RoadTable::read`].
//! Licence Ouverte, "ONISR, fichiers BAAC".

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::io::{atomic_write_bytes, read_maybe_gz};

/// File name of the road table in `fixtures/`.
pub const ROADS_FILE: &str = "baac-commune-roads.csv.gz";
/// File name of the terrain table in `fixtures/`.
pub const TERRAIN_FILE: &str = "baac-commune-terrain.csv.gz";

/// Family of a road number: what the letter before the number says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Autoroute (A 64).
    A,
    /// Route nationale (N 134); Corsica's routes territoriales are read as N.
    N,
    /// Route départementale (D 918): numbered per département.
    D,
    /// Route métropolitaine (M 6, Lyon, from 2019): numbered per metropolis.
    M,
}

impl Family {
    fn letter(self) -> char {
        match self {
            Family::A => 'A',
            Family::N => 'N',
            Family::D => 'D',
            Family::M => 'M',
        }
    }

    fn parse(c: char) -> Option<Family> {
        Some(match c {
            'A' => Family::A,
            'N' => Family::N,
            'D' => Family::D,
            'M' => Family::M,
            _ => return None,
        })
    }

    /// Whether the number is national (A, N) or per département (D, M).
    pub fn is_national(self) -> bool {
        matches!(self, Family::A | Family::N)
    }
}

/// A numbered road as written on the map: `A64`, `N134`, `D918`.
/// D and M numbers repeat from one département to the next: the road is
/// the number within the département of the commune it crosses (see
/// [`RoadId::scope`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoadId {
    pub family: Family,
    pub number: u16,
}

impl RoadId {
    pub fn new(family: Family, number: u16) -> Self {
        RoadId { family, number }
    }

    /// Parses `A64`, `N134`, `D918`, `M6`.
    pub fn parse(s: &str) -> Option<RoadId> {
        let mut ch = s.chars();
        let family = Family::parse(ch.next()?)?;
        let number: u16 = ch.as_str().parse().ok()?;
        (number > 0).then_some(RoadId { family, number })
    }

    /// The network a number belongs to, for a commune of département `dep`:
    /// national numbers are one network per territory (mainland, Corsica,
    /// each overseas département), D and M numbers one per département.
    pub fn scope(self, dep: &str) -> String {
        let territory = if dep == "2A" || dep == "2B" {
            "corse"
        } else if dep.starts_with("97") {
            dep
        } else {
            "mainland"
        };
        if self.family.is_national() {
            territory.to_string()
        } else {
            dep.to_string()
        }
    }
}

impl fmt::Display for RoadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.family.letter(), self.number)
    }
}

/// Class of a road, fastest first. The order is the ranking used when two
/// communes share several roads (the best wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoadClass {
    /// Autoroute (BAAC category 1).
    Motorway,
    /// Dual carriageway (separated carriageways or 4+ lanes outside
    /// built-up areas) that is not a motorway: voies express, 2×2 national
    /// or departmental roads.
    Expressway,
    /// Route nationale (two-lane).
    National,
    /// Departmental road that was national (transferred in 1972, the D 9xx
    /// numbers, or after 2006) or a route métropolitaine.
    MainDepartmental,
    /// Any other departmental road.
    Departmental,
    /// No numbered road in common: communal and local roads.
    Local,
}

impl RoadClass {
    /// Every class, fastest first.
    pub const ALL: [RoadClass; 6] = [
        RoadClass::Motorway,
        RoadClass::Expressway,
        RoadClass::National,
        RoadClass::MainDepartmental,
        RoadClass::Departmental,
        RoadClass::Local,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway",
            RoadClass::Expressway => "expressway",
            RoadClass::National => "national",
            RoadClass::MainDepartmental => "main-departmental",
            RoadClass::Departmental => "departmental",
            RoadClass::Local => "local",
        }
    }

    pub fn parse(s: &str) -> Option<RoadClass> {
        RoadClass::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Index in [`RoadClass::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One numbered road crossing one commune.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneRoad {
    /// INSEE code of the commune.
    pub insee: String,
    pub road: RoadId,
    /// Class in this commune (the most recent category wins; see
    /// [`super::baac`]).
    pub class: RoadClass,
    /// Accidents recorded on this road in this commune, 2005–2020.
    pub accidents: u32,
    pub first_year: u16,
    pub last_year: u16,
    /// Where the road runs in the commune: the median position (lon, lat)
    /// of its accidents whose position agrees with the commune; `None`
    /// without any such position.
    pub position: Option<(f64, f64)>,
    /// This road's accidents outside built-up areas in the commune (whose
    /// position agrees with it): how winding and hilly the road is there.
    pub counts: RuralCounts,
}

/// Accidents outside built-up areas and what they say of the road's
/// layout and profile: how winding and hilly the roads are where they
/// happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuralCounts {
    /// Accidents outside built-up areas with a known layout (straight or
    /// bend).
    pub rural: u32,
    /// Of those, on a bend.
    pub bends: u32,
    /// Accidents outside built-up areas with a known profile (flat, slope,
    /// hilltop, hill bottom).
    pub rural_profile: u32,
    /// Of those, not on the flat.
    pub slopes: u32,
}

impl RuralCounts {
    /// The column names of the four counts in the road and terrain tables
    /// and the links file.
    pub const COLUMNS: [&str; 4] = then_counts!();

    /// Bends + slopes: the records that say winding or hilly.
    pub fn winding(&self) -> u32 {
        self.bends.saturating_add(self.slopes)
    }

    /// Records with a known layout + records with a known profile.
    pub fn known(&self) -> u32 {
        self.rural.saturating_add(self.rural_profile)
    }

    /// The counts of both.
    pub fn plus(self, o: RuralCounts) -> RuralCounts {
        RuralCounts {
            rural: self.rural.saturating_add(o.rural),
            bends: self.bends.saturating_add(o.bends),
            rural_profile: self.rural_profile.saturating_add(o.rural_profile),
            slopes: self.slopes.saturating_add(o.slopes),
        }
    }

    /// The four counts as written in the tables, in the order of
    /// [`RuralCounts::COLUMNS`].
    pub fn fields(&self) -> [String; 4] {
        [self.rural, self.bends, self.rural_profile, self.slopes].map(|x| x.to_string())
    }

    /// The counts from the four fields of line `line` of `path`, in the
    /// order of [`RuralCounts::COLUMNS`].
    ///
    /// # Errors
    /// A field that is not a whole number, or more bends than records
    /// with a known layout (more slopes than with a known profile), named
    /// by file, line and field.
    pub(crate) fn from_fields(path: &Path, line: u64, f: [&str; 4]) -> Result<RuralCounts> {
        let mut k = [0u32; 4];
        for (i, v) in f.iter().enumerate() {
            k[i] = v.parse().map_err(|_| {
                Error::field(
                    path,
                    line,
                    Self::COLUMNS[i],
                    format!("`{v}` is not a whole number"),
                )
            })?;
        }
        for (part, of) in [(1, 0), (3, 2)] {
            if k[part] > k[of] {
                return Err(Error::field(
                    path,
                    line,
                    Self::COLUMNS[part],
                    format!(
                        "{} {} among {} {}: a count of part of the records cannot exceed it",
                        k[part],
                        Self::COLUMNS[part],
                        k[of],
                        Self::COLUMNS[of]
                    ),
                ));
            }
        }
        Ok(RuralCounts {
            rural: k[0],
            bends: k[1],
            rural_profile: k[2],
            slopes: k[3],
        })
    }

    /// Counts a record of layout `plan` and profile `prof` (BAAC codes:
    /// 1 straight / flat, 2–4 bends / slopes, anything else unknown).
    pub fn add(&mut self, plan: u8, prof: u8) {
        if (1..=4).contains(&plan) {
            self.rural += 1;
            self.bends += (plan != 1) as u32;
        }
        if (1..=4).contains(&prof) {
            self.rural_profile += 1;
            self.slopes += (prof != 1) as u32;
        }
    }
}

/// How winding and hilly a commune's roads are.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneTerrain {
    pub insee: String,
    /// The commune's rural accidents off motorways.
    pub counts: RuralCounts,
    /// The terrain measure, 0–1: share of bends and slopes among the rural
    /// accidents of the commune and its neighbours, shrunk towards the
    /// département's share (see [`super::baac::terrain_measure`]).
    pub terrain: f64,
}

/// The road and terrain tables, sorted by INSEE code (then road).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoadTable {
    pub roads: Vec<CommuneRoad>,
    pub terrain: Vec<CommuneTerrain>,
}

/// A header: the columns given, then the four of [`RuralCounts::COLUMNS`],
/// then those given after a `;`.
macro_rules! then_counts {
    ($($c:literal),* ; $($t:literal),*) => {
        [$($c,)* "rural", "bends", "rural_profile", "slopes", $($t),*]
    };
    ($($c:literal),*) => {
        $crate::communes::road_table::then_counts!($($c),* ;)
    };
}
pub(crate) use then_counts;

const ROADS_HEADER: [&str; 12] = then_counts!(
    "insee",
    "road",
    "class",
    "accidents",
    "first_year",
    "last_year",
    "lon",
    "lat"
);
const TERRAIN_HEADER: [&str; 6] = then_counts!("insee"; "terrain");

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    // mtime 0 (the default of GzEncoder): the same table gives the same bytes.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)
        .and_then(|_| enc.finish())
        .map_err(|e| Error::Invalid(format!("gzip: {e}")))
}

impl RoadTable {
    /// Roads of each commune, by INSEE code.
    pub fn by_commune(&self) -> HashMap<&str, Vec<&CommuneRoad>> {
        let mut m: HashMap<&str, Vec<&CommuneRoad>> = HashMap::new();
        for r in &self.roads {
            m.entry(r.insee.as_str()).or_default().push(r);
        }
        m
    }

    /// Terrain measure of each commune, by INSEE code.
    pub fn terrain_of(&self) -> HashMap<&str, f64> {
        self.terrain
            .iter()
            .map(|t| (t.insee.as_str(), t.terrain))
            .collect()
    }

    /// Communes crossed by `road` (national numbers: anywhere; D numbers:
    /// give the département too), sorted.
    pub fn communes_on(&self, road: &str, dep: Option<&str>) -> Vec<&str> {
        let Some(id) = RoadId::parse(road) else {
            return Vec::new();
        };
        let mut v: Vec<&str> = self
            .roads
            .iter()
            .filter(|r| r.road == id && dep.is_none_or(|d| super::load::dep_of_insee(&r.insee) == d))
            .map(|r| r.insee.as_str())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Writes both tables (gzipped CSV) into `dir`; returns their paths.
    pub fn write(&self, dir: &Path) -> Result<[PathBuf; 2]> {
        let err = |e: csv::Error| Error::Invalid(format!("writing the road table: {e}"));
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(ROADS_HEADER).map_err(err)?;
        for r in &self.roads {
            let mut rec = vec![
                r.insee.clone(),
                r.road.to_string(),
                r.class.as_str().to_string(),
                r.accidents.to_string(),
                r.first_year.to_string(),
                r.last_year.to_string(),
                r.position.map(|p| format!("{:.4}", p.0)).unwrap_or_default(),
                r.position.map(|p| format!("{:.4}", p.1)).unwrap_or_default(),
            ];
            rec.extend(r.counts.fields());
            w.write_record(&rec).map_err(err)?;
        }
        let roads = w.into_inner().map_err(|e| Error::Invalid(e.to_string()))?;
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(TERRAIN_HEADER).map_err(err)?;
        for t in &self.terrain {
            let mut rec = vec![t.insee.clone()];
            rec.extend(t.counts.fields());
            rec.push(format!("{:.3}", t.terrain));
            w.write_record(&rec).map_err(err)?;
        }
        let terrain = w.into_inner().map_err(|e| Error::Invalid(e.to_string()))?;
        let (a, b) = (dir.join(ROADS_FILE), dir.join(TERRAIN_FILE));
        atomic_write_bytes(&a, &gzip(&roads)?)?;
        atomic_write_bytes(&b, &gzip(&terrain)?)?;
        Ok([a, b])
    }

    /// Reads both tables from `dir` (as [`RoadTable::write`] writes them).
    ///
    /// # Errors
    /// A missing file, a wrong header, or a bad value (named by file, line
    /// and field).
    pub fn read(dir: &Path) -> Result<RoadTable> {
        let roads = read_csv(&dir.join(ROADS_FILE), &ROADS_HEADER, |path, line, f| {
            let num = |i: usize| -> Result<u32> {
                f[i].parse().map_err(|_| {
                    Error::field(
                        path,
                        line,
                        ROADS_HEADER[i],
                        format!("`{}` is not a whole number", f[i]),
                    )
                })
            };
            Ok(CommuneRoad {
                insee: f[0].to_string(),
                road: RoadId::parse(f[1]).ok_or_else(|| {
                    Error::field(
                        path,
                        line,
                        "road",
                        format!("`{}` is not a road number like A64, N134, D918", f[1]),
                    )
                })?,
                class: RoadClass::parse(f[2]).ok_or_else(|| {
                    Error::field(path, line, "class", format!("unknown road class `{}`", f[2]))
                })?,
                accidents: num(3)?,
                first_year: num(4)? as u16,
                last_year: num(5)? as u16,
                position: match (f[6], f[7]) {
                    ("", "") => None,
                    (x, y) => {
                        let c = |v: &str, name: &str, max: f64| -> Result<f64> {
                            v.parse::<f64>().ok().filter(|a| a.abs() <= max).ok_or_else(|| {
                                Error::field(path, line, name, format!("`{v}` is not a WGS84 coordinate"))
                            })
                        };
                        Some((c(x, "lon", 180.0)?, c(y, "lat", 90.0)?))
                    }
                },
                counts: RuralCounts::from_fields(path, line, [f[8], f[9], f[10], f[11]])?,
            })
        })?;
        let terrain = read_csv(&dir.join(TERRAIN_FILE), &TERRAIN_HEADER, |path, line, f| {
            let terrain: f64 = f[5]
                .parse()
                .ok()
                .filter(|x: &f64| (0.0..=1.0).contains(x))
                .ok_or_else(|| {
                    Error::field(
                        path,
                        line,
                        "terrain",
                        format!("`{}` is not a number from 0 to 1", f[5]),
                    )
                })?;
            Ok(CommuneTerrain {
                insee: f[0].to_string(),
                counts: RuralCounts::from_fields(path, line, [f[1], f[2], f[3], f[4]])?,
                terrain,
            })
        })?;
        Ok(RoadTable { roads, terrain })
    }

    /// The tables shipped in the project's `fixtures/`.
    pub fn shipped() -> Result<RoadTable> {
        RoadTable::read(&super::fixtures::default_dir())
    }
}

fn read_csv<T>(
    path: &Path,
    header: &[&str],
    row: impl Fn(&Path, u64, &[&str]) -> Result<T>,
) -> Result<Vec<T>> {
    let bytes = read_maybe_gz(path)?;
    let mut rdr = csv::Reader::from_reader(&bytes[..]);
    let head = rdr.headers().map_err(|e| Error::format(path, e.to_string()))?;
    if head.iter().ne(header.iter().copied()) {
        return Err(Error::format(
            path,
            format!("header must be {}", header.join(",")),
        ));
    }
    let mut out = Vec::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = k as u64 + 2;
        let rec = rec.map_err(|e| Error::field(path, line, "(record)", e.to_string()))?;
        let f: Vec<&str> = rec.iter().collect();
        if f.len() != header.len() {
            return Err(Error::field(
                path,
                line,
                "(record)",
                format!("{} fields, expected {}", f.len(), header.len()),
            ));
        }
        out.push(row(path, line, &f)?);
    }
    Ok(out)
}
