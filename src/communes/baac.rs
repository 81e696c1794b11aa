//! Where the numbered roads run, read from the national road-injury
//! accident files (BAAC, ONISR, 2005–2020; `../shared/data/road-accidents-baac/`).
//!
//! Every accident carries its commune, its road category (motorway,
//! national, departmental, communal), the road number as typed by the
//! police, whether it happened outside a built-up area, on a bend or a
//! slope, and the number of lanes. Aggregated by commune and road number,
//! that is the only national, open, offline record of which road crosses
//! which commune. [`derive()`] turns the records into a [`RoadTable`]:
//!
//! - **Commune.** The record's INSEE code when it is in the commune list;
//!   a code unknown to the list (communes merged since) is replaced by the
//!   commune whose polygon holds the record's position, else the record is
//!   dropped. A record whose position is known and lies more than
//!   [`DeriveOptions::max_outside_m`] outside its commune is not used for
//!   roads (its position or its commune is wrong, and nothing tells which).
//! - **Road number** ([`parse_voie`]): `134`, `N134`, `RN 134`, `ROUTE
//!   NATIONALE 134`, `AUTOROUTE A64`, `A7-Sens Lyon vers Marseille`,
//!   `ROCADE OUEST (RD 610)`…; street names (typed from 2019) and `0` give
//!   none. The family comes from the category (1 → A, 2 → N, 3 → D, 7 → M),
//!   except that a departmental-category record typed `N…` keeps the N
//!   number (an ex-national road still called by its old name).
//! - **Class, the most recent category wins.** National roads were
//!   transferred to the départements in 2006–2008, either keeping their
//!   number (N 20 → D 20) or renumbered (N 117 → D 817 in the
//!   Pyrénées-Atlantiques). An N road in a commune is *ex-national* when
//!   its latest record there has the departmental category, when the
//!   commune has D records of the same number that start after the N ones
//!   end, or when its records stop in [`DeriveOptions::transfer_last_year`]
//!   (2008) or before while no neighbouring commune records the same N road
//!   from [`DeriveOptions::recent_from`] (2010) on. A D road is *main* when
//!   it is ex-national: numbered 900–999 (the 1972 transfers), the D of the
//!   same number as an ex-national N in the commune, or a D road of the
//!   same département crossing at least half of the communes where an N
//!   road became ex-national (its renumbered successor); M roads
//!   (métropole de Lyon) are main. A road is a DUAL CARRIAGEWAY in a
//!   commune when at least half of its records outside built-up areas in
//!   the last five years with records say separated carriageways (`circ`
//!   3), or, where `circ` is unknown, 4 lanes or more (roads widened since
//!   2005 count as they are now). Then: A → motorway; dual carriageway (N or D) → expressway;
//!   N → national; ex-national N, main D, M → main departmental; other D →
//!   departmental.
//! - **Where the road runs** in the commune: the median position of the
//!   road's accidents there (positions more than
//!   [`DeriveOptions::max_outside_m`] outside the commune left out);
//!   unknown when none of them has a position (mostly before 2015).
//! - **How winding the road is** there ([`RuralCounts`] of the row): its
//!   records outside built-up areas whose position agrees with the
//!   commune, with their layout (straight or bend) and profile (flat or
//!   not), so that a road link can take the road's own winding rather than
//!   its communes' ([`super::profile::ProfileV2::road_terrain`]).
//! - **Terrain** ([`terrain_measure`]): the share of bends and slopes among
//!   the accidents outside built-up areas and off motorways, pooled over
//!   the commune and its neighbours and shrunk towards the département's
//!   share.
//!
//! Accidents sample roads by traffic and danger, not by length: a quiet
//! road can be missing from a commune (the graph builder bridges such
//! gaps, see [`mod@super::road_links`]).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use geo::{BoundingRect, Contains};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

use super::haversine_m;
use super::load::Communes;
use super::road_table::{CommuneRoad, CommuneTerrain, Family, RoadClass, RoadId, RoadTable, RuralCounts};
use crate::error::{Error, Result};
use crate::io::read_maybe_gz;

/// One accident record, the columns the road table uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Accident {
    pub insee: String,
    pub year: u16,
    /// (lon, lat), WGS84; `None` when unknown.
    pub position: Option<(f64, f64)>,
    /// Road category: 1 motorway, 2 national, 3 departmental, 4 communal,
    /// 5 off the network, 6 car park, 7 metropolitan, 9 other; 0 unknown.
    pub catr: u8,
    /// The road number as typed.
    pub voie: String,
    /// 1 outside a built-up area, 2 inside; 0 unknown.
    pub agg: u8,
    /// 1 one-way, 2 two-way, 3 separated carriageways, 4 variable; 0 unknown.
    pub circ: u8,
    /// Traffic lanes; 0 unknown.
    pub nbv: u8,
    /// 1 straight, 2 left bend, 3 right bend, 4 S-bends; 0 unknown.
    pub plan: u8,
    /// 1 flat, 2 slope, 3 hilltop, 4 hill bottom; 0 unknown.
    pub prof: u8,
}

const COLUMNS: [&str; 11] = [
    "year", "insee", "lat", "lon", "catr", "voie", "agg", "circ", "nbv", "plan", "prof",
];

/// Reads `accidents.csv[.gz]` as made by the extract's `extract.py`.
///
/// # Errors
/// A missing column, or a year, coordinate or code that is not a number
/// (file, line and field named). Empty and negative codes (`-1`: not
/// given) read as 0, unknown.
pub fn read_accidents(path: &Path) -> Result<Vec<Accident>> {
    let bytes = read_maybe_gz(path)?;
    let mut rdr = csv::Reader::from_reader(&bytes[..]);
    let head = rdr
        .headers()
        .map_err(|e| Error::format(path, e.to_string()))?
        .clone();
    let mut col = [0usize; COLUMNS.len()];
    for (k, name) in COLUMNS.iter().enumerate() {
        col[k] = head
            .iter()
            .position(|h| h == *name)
            .ok_or_else(|| Error::format(path, format!("missing column `{name}`")))?;
    }
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(Error::field(path, line + 1, "(record)", e.to_string())),
        }
        line += 1;
        let f = |k: usize| rec.get(col[k]).unwrap_or("").trim();
        let code = |k: usize| -> Result<u8> {
            let s = f(k);
            if s.is_empty() {
                return Ok(0);
            }
            let v: i64 = s
                .parse()
                .map_err(|_| Error::field(path, line, COLUMNS[k], format!("`{s}` is not a whole number")))?;
            Ok(v.clamp(0, 255) as u8)
        };
        let coord = |k: usize| -> Result<Option<f64>> {
            let s = f(k);
            if s.is_empty() {
                return Ok(None);
            }
            let v: f64 = s
                .parse()
                .map_err(|_| Error::field(path, line, COLUMNS[k], format!("`{s}` is not a number")))?;
            Ok(v.is_finite().then_some(v))
        };
        let year: u16 = f(0)
            .parse()
            .map_err(|_| Error::field(path, line, "year", format!("`{}` is not a year", f(0))))?;
        let position = match (coord(3)?, coord(2)?) {
            (Some(lon), Some(lat)) if lon.abs() <= 180.0 && lat.abs() <= 90.0 => Some((lon, lat)),
            _ => None,
        };
        out.push(Accident {
            insee: f(1).to_string(),
            year,
            position,
            catr: code(4)?,
            voie: f(5).to_string(),
            agg: code(6)?,
            circ: code(7)?,
            nbv: code(8)?,
            plan: code(9)?,
            prof: code(10)?,
        });
    }
    Ok(out)
}

/// Tokens of a road designation: runs of ASCII letters and digits,
/// upper-cased (anything else, accented letters included, separates).
fn tokens(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            cur.push(ch.to_ascii_uppercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // "R D 900", "R N 7": one prefix.
    let mut merged: Vec<String> = Vec::with_capacity(out.len());
    for t in out {
        if (t == "D" || t == "N") && merged.last().is_some_and(|p| p == "R") {
            merged.pop();
            merged.push(format!("R{t}"));
        } else {
            merged.push(t);
        }
    }
    merged
}

/// The family a prefix names: `A`, `AUTOROUTE` → A; `N`, `RN`,
/// `NATIONALE`, `T`, `RT` (Corsica's routes territoriales) → N; `D`, `RD`,
/// `CD`, `DEPARTEMENTALE` → D; `M` → M.
fn prefix_family(t: &str) -> Option<Family> {
    Some(match t {
        "A" | "AUTOROUTE" => Family::A,
        "N" | "RN" | "NATIONALE" | "T" | "RT" => Family::N,
        "D" | "RD" | "CD" | "DEPARTEMENTALE" => Family::D,
        "M" => Family::M,
        _ => return None,
    })
}

/// `134`, `134B`, `5A` → 134, 134, 5 (a letter suffix of at most 2).
fn number_token(t: &str) -> Option<u16> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0
        || digits > 4
        || t.len() - digits > 2
        || !t[digits..].bytes().all(|b| b.is_ascii_uppercase())
    {
        return None;
    }
    t[..digits].parse().ok().filter(|&n| n > 0)
}

/// The road number in a `voie` field and the family its prefix names, if
/// any: see the module documentation. `None` for street names, `0` and
/// empty fields.
///
/// # Examples
/// ```
/// use medaccess::communes::baac::road_number;
/// use medaccess::communes::road_table::Family;
/// assert_eq!(road_number("134"), Some((None, 134)));
/// assert_eq!(road_number("RN 134"), Some((Some(Family::N), 134)));
/// assert_eq!(road_number("A7-Sens Lyon vers Marseille"), Some((Some(Family::A), 7)));
/// assert_eq!(road_number("ROCADE OUEST (RD 610)"), Some((Some(Family::D), 610)));
/// assert_eq!(road_number("8 MAI 1945 (AVENUE DU)"), None);
/// assert_eq!(road_number("0"), None);
/// ```
pub fn road_number(voie: &str) -> Option<(Option<Family>, u16)> {
    let s = voie.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().filter(|&n: &u16| n > 0).map(|n| (None, n));
    }
    let t = tokens(s);
    for (i, tok) in t.iter().enumerate() {
        // Glued: A64, RN134, D2562, T20.
        let letters = tok.bytes().take_while(u8::is_ascii_uppercase).count();
        if letters > 0
            && letters < tok.len()
            && let Some(fam) = prefix_family(&tok[..letters])
            && let Some(n) = number_token(&tok[letters..])
        {
            return Some((Some(fam), n));
        }
        // Apart: RN 134, ROUTE NATIONALE 5, AUTOROUTE 1.
        if let Some(fam) = prefix_family(tok)
            && let Some(n) = t.get(i + 1).and_then(|x| number_token(x))
        {
            return Some((Some(fam), n));
        }
    }
    // A leading number with only direction or suffix words after it: "11 - RT".
    const AFTER: [&str; 13] = [
        "RT", "BIS", "TER", "EXT", "INT", "A", "B", "E", "N", "S", "O", "NORD", "SUD",
    ];
    let n = number_token(t.first()?)?;
    t[1..]
        .iter()
        .all(|x| AFTER.contains(&x.as_str()))
        .then_some((None, n))
}

/// The numbered road of a record: [`road_number`] with the family from the
/// category (see the module documentation); `None` off the numbered
/// network (communal roads, car parks…) or without a number.
pub fn parse_voie(catr: u8, voie: &str) -> Option<RoadId> {
    let (prefix, number) = road_number(voie)?;
    let family = match catr {
        1 => Family::A,
        2 => Family::N,
        3 if prefix == Some(Family::N) => Family::N,
        3 => Family::D,
        7 => Family::M,
        _ => return None,
    };
    Some(RoadId::new(family, number))
}

/// Settings of [`derive()`]; the defaults are those of the shipped table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeriveOptions {
    /// A record whose position lies farther than this outside the polygon
    /// of its commune is not used for roads, metres.
    pub max_outside_m: f64,
    /// An N road whose records in a commune stop in this year or before
    /// may have been transferred (see the module documentation).
    pub transfer_last_year: u16,
    /// ... unless a neighbouring commune records it from this year on.
    pub recent_from: u16,
    /// Weight of the département's share in the terrain measure, in
    /// records (see [`terrain_measure`]).
    pub terrain_prior: f64,
}

impl Default for DeriveOptions {
    fn default() -> Self {
        DeriveOptions {
            max_outside_m: 2_000.0,
            transfer_last_year: 2008,
            recent_from: 2010,
            terrain_prior: 20.0,
        }
    }
}

/// What [`derive()`] did with the records.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DeriveReport {
    pub records: usize,
    /// Records whose INSEE code is in the commune list.
    pub known_code: usize,
    /// Records with an unknown code placed by their position.
    pub placed_by_position: usize,
    /// Records with an unknown code and no usable position: dropped.
    pub dropped_unknown_code: usize,
    /// Records with a known code and a position.
    pub with_position: usize,
    /// ... whose position is inside their commune or within
    /// `max_outside_m` of it.
    pub position_agrees: usize,
    /// ... farther: not used for roads.
    pub position_far: usize,
    /// Records with a road number on the numbered network (A, N, D, M).
    pub numbered: usize,
    /// Rows of the road table, and how many per class.
    pub rows: usize,
    pub rows_by_class: Vec<(String, usize)>,
    /// Commune–N road entries found ex-national, by rule.
    pub ex_national_by_category: usize,
    pub ex_national_by_same_number: usize,
    pub ex_national_by_end_year: usize,
    /// D roads (per département) found to be renumbered ex-national roads.
    pub d_roads_renumbered: usize,
}

/// Years of records (counted back from the latest) that decide whether a
/// road is a dual carriageway in a commune.
pub const DUAL_RECENT_YEARS: u16 = 5;

/// One (commune, road) before classification.
#[derive(Debug, Clone, Default)]
struct Entry {
    accidents: u32,
    first_year: u16,
    last_year: u16,
    /// Count of each category in the last year.
    last_catr: [u32; 10],
    /// Records outside built-up areas: (year, separated carriageways
    /// (`Some` when `circ` is known), 4 lanes or more (`Some` when `nbv`
    /// is known)).
    rural: Vec<(u16, Option<bool>, Option<bool>)>,
    /// Positions agreeing with the commune.
    positions: Vec<(f64, f64)>,
    /// Layout and profile of the records outside built-up areas.
    counts: RuralCounts,
}

impl Entry {
    fn add(&mut self, a: &Accident) {
        if self.accidents == 0 || a.year < self.first_year {
            self.first_year = a.year;
        }
        if self.accidents == 0 || a.year > self.last_year {
            self.last_year = a.year;
            self.last_catr = [0; 10];
        }
        if a.year == self.last_year {
            self.last_catr[(a.catr as usize).min(9)] += 1;
        }
        self.accidents += 1;
        if a.agg == 1 {
            self.counts.add(a.plan, a.prof);
            self.rural.push((
                a.year,
                (1..=4).contains(&a.circ).then_some(a.circ == 3),
                (a.nbv > 0).then_some(a.nbv >= 4),
            ));
        }
    }

    /// Category of the latest year (the most frequent; ties: the lower).
    fn last_category(&self) -> u8 {
        let mut best = 0;
        for c in 0..10 {
            if self.last_catr[c] > self.last_catr[best] {
                best = c;
            }
        }
        best as u8
    }

    /// At least half of the rural records of the last
    /// [`DUAL_RECENT_YEARS`] years with records say separated
    /// carriageways (or, where `circ` is never known, 4 lanes or more):
    /// roads widened since 2005 count as they are now.
    fn dual_carriageway(&self) -> bool {
        let Some(last) = self.rural.iter().map(|r| r.0).max() else {
            return false;
        };
        let recent = self.rural.iter().filter(|r| r.0 + DUAL_RECENT_YEARS > last);
        let (mut known, mut dual, mut lanes_known, mut lanes4) = (0, 0, 0, 0);
        for r in recent {
            if let Some(d) = r.1 {
                known += 1;
                dual += d as u32;
            }
            if let Some(l) = r.2 {
                lanes_known += 1;
                lanes4 += l as u32;
            }
        }
        if known > 0 {
            2 * dual >= known
        } else {
            lanes_known > 0 && 2 * lanes4 >= lanes_known
        }
    }
}

/// The commune of a Paris, Lyon or Marseille arrondissement code (the
/// accident files code the arrondissement, `75112`, `69383`, `13208`; the
/// commune list has the city, `75056`, `69123`, `13055`); any other code
/// unchanged.
pub fn city_of_district(insee: &str) -> &str {
    let digits = |s: &str| s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(insee) {
        return insee;
    }
    let n: u32 = insee.parse().unwrap_or(0);
    match n {
        75001..=75020 | 75101..=75120 => "75056",
        69381..=69389 => "69123",
        13201..=13216 => "13055",
        _ => insee,
    }
}

/// Index of polygons by bounding box, to place points.
struct Locator<'a> {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    table: &'a Communes,
}

impl<'a> Locator<'a> {
    fn new(table: &'a Communes) -> Self {
        let boxes = table
            .polygons
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = p.as_ref()?.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        Locator {
            tree: RTree::bulk_load(boxes),
            table,
        }
    }

    /// The commune whose polygon holds `p` (lowest index if several).
    fn commune_at(&self, p: (f64, f64)) -> Option<usize> {
        let pt = geo::Point::new(p.0, p.1);
        self.tree
            .locate_all_at_point([p.0, p.1])
            .map(|g| g.data)
            .filter(|&i| self.table.polygons[i].as_ref().is_some_and(|mp| mp.contains(&pt)))
            .min()
    }

    /// Great-circle distance from `p` to the polygon of commune `i`, metres
    /// (0 inside); `None` without polygon.
    fn distance_to(&self, i: usize, p: (f64, f64)) -> Option<f64> {
        use geo::{Closest, ClosestPoint};
        let mp = self.table.polygons[i].as_ref()?;
        let pt = geo::Point::new(p.0, p.1);
        if mp.contains(&pt) {
            return Some(0.0);
        }
        match mp.closest_point(&pt) {
            Closest::Intersection(q) | Closest::SinglePoint(q) => Some(haversine_m(p, (q.x(), q.y()))),
            Closest::Indeterminate => None,
        }
    }
}

/// Coordinate-wise median of positions, rounded to 4 decimals (about 10 m).
fn median_position(p: &[(f64, f64)]) -> Option<(f64, f64)> {
    if p.is_empty() {
        return None;
    }
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let m = v.len() / 2;
        let x = if v.len() % 2 == 1 {
            v[m]
        } else {
            0.5 * (v[m - 1] + v[m])
        };
        (x * 1e4).round() / 1e4
    };
    Some((
        med(p.iter().map(|q| q.0).collect()),
        med(p.iter().map(|q| q.1).collect()),
    ))
}

/// The terrain measure of every commune of `table`: (bends + slopes) /
/// (layout known + profile known) over the rural accidents of the commune
/// and its `neighbours` (pairs of indices into `table`), with
/// `prior` records of the département's own share added, so that a
/// commune with few accidents takes its département's value.
pub fn terrain_measure(
    table: &Communes,
    counts: &[RuralCounts],
    neighbours: &[(usize, usize)],
    prior: f64,
) -> Vec<f64> {
    let n = table.len();
    let mut dep: HashMap<&str, [u64; 2]> = HashMap::new();
    for (c, k) in table.communes.iter().zip(counts) {
        let d = dep.entry(c.dep.as_str()).or_default();
        d[0] += k.winding() as u64;
        d[1] += k.known() as u64;
    }
    let mut pooled: Vec<[f64; 2]> = counts
        .iter()
        .map(|k| [k.winding() as f64, k.known() as f64])
        .collect();
    for &(a, b) in neighbours {
        for (x, y) in [(a, b), (b, a)] {
            pooled[x][0] += counts[y].winding() as f64;
            pooled[x][1] += counts[y].known() as f64;
        }
    }
    (0..n)
        .map(|i| {
            let d = dep[table.communes[i].dep.as_str()];
            let share = if d[1] > 0 { d[0] as f64 / d[1] as f64 } else { 0.0 };
            ((pooled[i][0] + prior * share) / (pooled[i][1] + prior)).clamp(0.0, 1.0)
        })
        .collect()
}

/// Derives the road table from the accident records, for the communes of
/// `table`; `neighbours` are pairs of indices into `table` of communes that
/// share a boundary (e.g. from [`super::commune_links`]).
pub fn derive(
    accidents: &[Accident],
    table: &Communes,
    neighbours: &[(usize, usize)],
    opts: &DeriveOptions,
) -> (RoadTable, DeriveReport) {
    let mut rep = DeriveReport {
        records: accidents.len(),
        ..Default::default()
    };
    let loc = Locator::new(table);
    // Commune of every record (None: dropped), and whether its position
    // agrees with it.
    let placed: Vec<Option<(usize, bool)>> = {
        use rayon::prelude::*;
        accidents
            .par_iter()
            .map(|a| match table.index_of(city_of_district(&a.insee)) {
                Some(i) => {
                    let ok = match a.position {
                        Some(p) => loc.distance_to(i, p).is_none_or(|d| d <= opts.max_outside_m),
                        None => true,
                    };
                    Some((i, ok))
                }
                None => a.position.and_then(|p| loc.commune_at(p)).map(|i| (i, true)),
            })
            .collect()
    };
    let mut counts = vec![RuralCounts::default(); table.len()];
    let mut entries: HashMap<(usize, RoadId), Entry> = HashMap::new();
    for (a, pl) in accidents.iter().zip(&placed) {
        let known = table.index_of(city_of_district(&a.insee)).is_some();
        match (known, pl) {
            (true, Some((_, ok))) => {
                rep.known_code += 1;
                if a.position.is_some() {
                    rep.with_position += 1;
                    if *ok {
                        rep.position_agrees += 1;
                    } else {
                        rep.position_far += 1;
                    }
                }
            }
            (false, Some(_)) => rep.placed_by_position += 1,
            _ => rep.dropped_unknown_code += 1,
        }
        let Some((i, ok)) = *pl else { continue };
        // Terrain: rural accidents off motorways, off car parks.
        if a.agg == 1 && matches!(a.catr, 2 | 3 | 4 | 7) {
            counts[i].add(a.plan, a.prof);
        }
        if !ok {
            continue;
        }
        if let Some(road) = parse_voie(a.catr, &a.voie) {
            rep.numbered += 1;
            let e = entries.entry((i, road)).or_default();
            e.add(a);
            if let Some(p) = a.position {
                e.positions.push(p);
            }
        }
    }

    // Neighbours by commune.
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); table.len()];
    for &(a, b) in neighbours {
        adj[a].push(b);
        adj[b].push(a);
    }
    let mut keys: Vec<(usize, RoadId)> = entries.keys().copied().collect();
    keys.sort_unstable();
    let dep = |i: usize| table.communes[i].dep.as_str();

    // Ex-national N entries, and D entries that continue them.
    let mut ex_n: HashSet<(usize, RoadId)> = HashSet::new();
    let mut main_d: HashSet<(usize, RoadId)> = HashSet::new();
    for &(i, road) in keys.iter().filter(|k| k.1.family == Family::N) {
        let e = &entries[&(i, road)];
        let same_d = RoadId::new(Family::D, road.number);
        if e.last_category() == 3 {
            ex_n.insert((i, road));
            rep.ex_national_by_category += 1;
        } else if entries
            .get(&(i, same_d))
            .is_some_and(|d| d.first_year + 1 >= e.last_year)
        {
            ex_n.insert((i, road));
            main_d.insert((i, same_d));
            rep.ex_national_by_same_number += 1;
        } else if e.last_year <= opts.transfer_last_year
            && !adj[i].iter().any(|&j| {
                entries
                    .get(&(j, road))
                    .is_some_and(|x| x.last_year >= opts.recent_from && x.last_category() == 2)
            })
        {
            ex_n.insert((i, road));
            rep.ex_national_by_end_year += 1;
        }
    }
    // D roads that took over an ex-national road under a new number: in
    // the same département, crossing at least half of the communes where
    // that N road became ex-national (at least two), and those communes
    // being at least 30 % of the D road's.
    let mut ex_by_dep: HashMap<(&str, RoadId), HashSet<usize>> = HashMap::new();
    for &(i, road) in &ex_n {
        ex_by_dep.entry((dep(i), road)).or_default().insert(i);
    }
    let mut d_by_dep: HashMap<(&str, RoadId), HashSet<usize>> = HashMap::new();
    for &(i, road) in keys.iter().filter(|k| k.1.family == Family::D) {
        d_by_dep.entry((dep(i), road)).or_default().insert(i);
    }
    let mut renumbered: HashSet<(&str, RoadId)> = HashSet::new();
    for (&(d, droad), dset) in &d_by_dep {
        for (&(d2, _), nset) in &ex_by_dep {
            if d2 != d {
                continue;
            }
            let common = dset.intersection(nset).count();
            if common >= 2 && 2 * common >= nset.len() && 10 * common >= 3 * dset.len() {
                renumbered.insert((d, droad));
                break;
            }
        }
    }
    rep.d_roads_renumbered = renumbered.len();

    let mut roads = Vec::with_capacity(keys.len());
    for &(i, road) in &keys {
        let e = &entries[&(i, road)];
        let main = match road.family {
            Family::A | Family::N => ex_n.contains(&(i, road)),
            Family::M => true,
            Family::D => {
                (900..=999).contains(&road.number)
                    || main_d.contains(&(i, road))
                    || renumbered.contains(&(dep(i), road))
            }
        };
        let class = match road.family {
            Family::A => RoadClass::Motorway,
            _ if e.dual_carriageway() => RoadClass::Expressway,
            Family::N if !main => RoadClass::National,
            _ if main => RoadClass::MainDepartmental,
            _ => RoadClass::Departmental,
        };
        roads.push(CommuneRoad {
            insee: table.communes[i].insee.clone(),
            road,
            class,
            accidents: e.accidents,
            first_year: e.first_year,
            last_year: e.last_year,
            position: median_position(&e.positions),
            counts: e.counts,
        });
    }
    roads.sort_by(|a, b| a.insee.cmp(&b.insee).then(a.road.cmp(&b.road)));
    rep.rows = roads.len();
    rep.rows_by_class = RoadClass::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                roads.iter().filter(|r| r.class == *c).count(),
            )
        })
        .collect();

    let measure = terrain_measure(table, &counts, neighbours, opts.terrain_prior);
    let terrain = table
        .communes
        .iter()
        .enumerate()
        .map(|(i, c)| CommuneTerrain {
            insee: c.insee.clone(),
            counts: counts[i],
            terrain: (measure[i] * 1000.0).round() / 1000.0,
        })
        .collect();
    (RoadTable { roads, terrain }, rep)
}
