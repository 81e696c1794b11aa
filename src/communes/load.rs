//! Loading communes: the `communes-france` extract (points CSV + one
//! polygon GeoJSON per département) or any user CSV / GeoJSON whose column
//! and property names are given in [`PointColumns`] / [`GeoJsonProperties`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::{Coord, LineString, MultiPolygon, Point, Polygon};
use serde::Deserialize;
use serde_json::Value;

use super::origin::{OriginSource, choose_origin};
use crate::error::{Error, Result};
use crate::io::read_maybe_gz;

/// Distance under which a town hall outside its polygon is still accepted as
/// the origin, in metres: the polygons are generalised (about 30 vertices per
/// commune), so a town hall on the edge of a village can fall a little
/// outside.
pub const DEFAULT_TOLERANCE_M: f64 = 200.0;

/// The largest population a commune may have: the most populous, Paris, has
/// 2.2 million inhabitants; a larger value is a damaged file (a value of
/// 18446744073709551615 is -1 written unsigned), never a commune.
pub const MAX_POPULATION: u64 = 10_000_000;

/// Parses a commune population: a whole number from 0 to
/// [`MAX_POPULATION`]; the error text says what is wrong.
///
/// # Examples
/// ```
/// use medaccess::communes::load::parse_population;
/// assert_eq!(parse_population(" 677309 "), Ok(677_309));
/// assert!(parse_population("18446744073709551615").unwrap_err().contains("more than"));
/// assert!(parse_population("-1").is_err());
/// assert!(parse_population("12.5").is_err());
/// ```
pub fn parse_population(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let n: u64 = t
        .parse()
        .map_err(|_| format!("`{t}` is not a whole number of inhabitants"))?;
    check_population(n)
}

/// Checks a population read as a number: at most [`MAX_POPULATION`].
pub fn check_population(n: u64) -> std::result::Result<u64, String> {
    if n > MAX_POPULATION {
        return Err(format!(
            "{n} inhabitants is more than any commune can have (Paris has 2.2 million; the limit is \
             {MAX_POPULATION}): the value is damaged (-1 written unsigned?); correct it or leave it empty"
        ));
    }
    Ok(n)
}

/// One commune as loaded, with its chosen origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    /// INSEE code, 5 characters (`64422`, `2A004`, `97101`).
    pub insee: String,
    pub name: String,
    /// Département code (`01`..`95`, `2A`, `2B`, `971`..`976`).
    pub dep: String,
    /// Population municipale (inhabitants); `None` when unknown.
    pub population: Option<u64>,
    /// Town-hall point as given by the source (lon, lat), unchecked.
    pub mairie: Option<(f64, f64)>,
    /// Area-weighted centroid (lon, lat); may fall outside a concave commune.
    pub centroid: Option<(f64, f64)>,
    /// The point the commune's trips start from (lon, lat); `None` only when
    /// the commune has no point at all.
    pub origin: Option<(f64, f64)>,
    /// How [`Commune::origin`] was chosen.
    pub origin_source: OriginSource,
}

/// A commune table sorted by INSEE code, with polygons aligned on it.
#[derive(Debug, Clone, Default)]
pub struct Communes {
    pub communes: Vec<Commune>,
    /// `polygons[i]` is the outline of `communes[i]`, if known.
    pub polygons: Vec<Option<MultiPolygon<f64>>>,
    index: HashMap<String, usize>,
}

impl Communes {
    /// Builds the table, sorts it by INSEE code and chooses every origin
    /// (see [`choose_origin`]) with `tolerance_m`.
    ///
    /// # Errors
    /// Two communes with the same INSEE code.
    pub fn new(mut rows: Vec<(Commune, Option<MultiPolygon<f64>>)>, tolerance_m: f64) -> Result<Self> {
        rows.sort_by(|a, b| a.0.insee.cmp(&b.0.insee));
        for w in rows.windows(2) {
            if w[0].0.insee == w[1].0.insee {
                return Err(Error::Invalid(format!(
                    "INSEE code {} appears twice in the commune table",
                    w[0].0.insee
                )));
            }
        }
        let mut communes = Vec::with_capacity(rows.len());
        let mut polygons = Vec::with_capacity(rows.len());
        for (mut c, poly) in rows {
            let (origin, source) = choose_origin(c.mairie, c.centroid, poly.as_ref(), tolerance_m);
            // 6 decimals (about 0.1 m), as in every file we write, so that a
            // graph read back equals the graph built.
            let r6 = |x: f64| (x * 1e6).round() / 1e6;
            c.origin = origin.map(|(x, y)| (r6(x), r6(y)));
            // A point that no polygon checked must at least be in France:
            // this catches swapped columns in user files.
            let unchecked = matches!(
                source,
                OriginSource::MairieUnchecked | OriginSource::CentroidUnchecked
            );
            if let (Some(o), true) = (c.origin, unchecked)
                && !super::origin::in_france(o)
            {
                return Err(Error::Invalid(format!(
                    "commune {}: point (lon {}, lat {}) is outside France and has no polygon to check it against (longitude and latitude swapped?)",
                    c.insee, o.0, o.1
                )));
            }
            c.origin_source = source;
            communes.push(c);
            polygons.push(poly);
        }
        let index = communes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.insee.clone(), i))
            .collect();
        Ok(Communes {
            communes,
            polygons,
            index,
        })
    }

    pub fn len(&self) -> usize {
        self.communes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.communes.is_empty()
    }

    /// Position of a commune in the table.
    pub fn index_of(&self, insee: &str) -> Option<usize> {
        self.index.get(insee).copied()
    }

    pub fn get(&self, insee: &str) -> Option<&Commune> {
        self.index_of(insee).map(|i| &self.communes[i])
    }

    /// Number of communes per origin source, in [`OriginSource`] order.
    pub fn origin_counts(&self) -> Vec<(OriginSource, usize)> {
        OriginSource::ALL
            .iter()
            .map(|&s| (s, self.communes.iter().filter(|c| c.origin_source == s).count()))
            .collect()
    }

    /// Number of communes whose origin is a fallback
    /// ([`OriginSource::is_fallback`]), for summaries.
    pub fn fallback_count(&self) -> usize {
        self.communes
            .iter()
            .filter(|c| c.origin_source.is_fallback())
            .count()
    }

    /// Loads the `communes-france` extract: `communes_points.csv` and
    /// `polygons/dep-*.geojson` under `dir` (all départements found), with
    /// the default 200 m town-hall tolerance.
    pub fn load_france(dir: &Path) -> Result<Self> {
        Self::load_france_deps(dir, None)
    }

    /// Same as [`Communes::load_france`] restricted to some départements
    /// (`None`: all). Polygons are read only for those départements.
    pub fn load_france_deps(dir: &Path, deps: Option<&[&str]>) -> Result<Self> {
        let points = dir.join("communes_points.csv");
        let mut rows = read_points_csv(&points, &PointColumns::default())?;
        if let Some(deps) = deps {
            rows.retain(|c| deps.contains(&c.dep.as_str()));
        }
        let mut wanted: Vec<String> = rows.iter().map(|c| c.dep.clone()).collect();
        wanted.sort();
        wanted.dedup();
        let mut polys = Vec::new();
        // A missing département file is an error, not communes without
        // polygons: their town halls would go unchecked silently.
        for dep in &wanted {
            polys.extend(read_polygons_geojson(&polygon_file(dir, dep), "insee")?);
        }
        Self::join(rows, polys, DEFAULT_TOLERANCE_M).map_err(|e| points_error(&points, e))
    }

    /// Reads a commune points CSV with `cols` and the polygon GeoJSON
    /// files `polygons` (keyed by the same INSEE column), and joins them
    /// ([`Communes::join`]); a commune the join refuses (its point outside
    /// France with no polygon to check it) is reported against the points
    /// file.
    pub fn from_files(
        points: &Path,
        cols: &PointColumns,
        polygons: &[PathBuf],
        tolerance_m: f64,
    ) -> Result<Self> {
        let rows = read_points_csv(points, cols)?;
        let mut polys = Vec::new();
        for f in polygons {
            polys.extend(read_polygons_geojson(f, &cols.insee)?);
        }
        Self::join(rows, polys, tolerance_m).map_err(|e| points_error(points, e))
    }

    /// Joins commune points (e.g. from [`read_points_csv`] with user
    /// columns) to polygons keyed by INSEE code (e.g. from
    /// [`read_polygons_geojson`]) and chooses the origins. Polygons of
    /// communes absent from `points` are ignored.
    pub fn join(
        points: Vec<Commune>,
        polygons: Vec<(String, MultiPolygon<f64>)>,
        tolerance_m: f64,
    ) -> Result<Self> {
        let mut polys: HashMap<String, MultiPolygon<f64>> = polygons.into_iter().collect();
        let rows = points
            .into_iter()
            .map(|c| {
                let poly = polys.remove(&c.insee);
                (c, poly)
            })
            .collect();
        Self::new(rows, tolerance_m)
    }
}

/// An error of [`Communes::new`] (which sees no file) told against the file
/// the communes were read from.
fn points_error(path: &Path, e: Error) -> Error {
    match e {
        Error::Invalid(m) => Error::format(path, format!("{m}; correct the file")),
        e => e,
    }
}

/// Path of one département's polygon file in the `communes-france` layout;
/// the gzipped variant (`.geojson.gz`, as in `fixtures/`) when only it exists.
pub fn polygon_file(dir: &Path, dep: &str) -> PathBuf {
    let plain = dir.join("polygons").join(format!("dep-{dep}.geojson"));
    let gz = dir.join("polygons").join(format!("dep-{dep}.geojson.gz"));
    if !plain.exists() && gz.exists() { gz } else { plain }
}

/// Column names of a commune points CSV. `None` columns are absent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct PointColumns {
    pub insee: String,
    pub name: Option<String>,
    /// When absent the département is taken from the INSEE code (3
    /// characters for `97x`, else 2).
    pub dep: Option<String>,
    pub population: Option<String>,
    pub lon: String,
    pub lat: String,
    pub centroid_lon: Option<String>,
    pub centroid_lat: Option<String>,
    /// Field delimiter, `b','` by default.
    pub delimiter: u8,
}

impl Default for PointColumns {
    /// The `communes-france/communes_points.csv` layout.
    fn default() -> Self {
        PointColumns {
            insee: "insee".into(),
            name: Some("name".into()),
            dep: Some("dep".into()),
            population: Some("population".into()),
            lon: "mairie_lon".into(),
            lat: "mairie_lat".into(),
            centroid_lon: Some("centroid_lon".into()),
            centroid_lat: Some("centroid_lat".into()),
            delimiter: b',',
        }
    }
}

/// Département of an INSEE commune code: `97x` for overseas, else the first
/// two characters.
pub fn dep_of_insee(insee: &str) -> &str {
    let n = if insee.starts_with("97") { 3 } else { 2 };
    insee.get(..n).unwrap_or(insee)
}

/// Whether `s` is `len` characters: a metropolitan département code (two
/// digits, `2A`, `2B`) then digits — the shape of an INSEE commune code
/// (5) and of a FINESS number (9).
pub fn is_dep_prefixed(s: &str, len: usize) -> bool {
    let b = s.as_bytes();
    b.len() == len
        && len >= 2
        && (b[..2].iter().all(u8::is_ascii_digit) || &b[..2] == b"2A" || &b[..2] == b"2B")
        && b[2..].iter().all(u8::is_ascii_digit)
}

fn check_insee(path: &Path, line: u64, field: &str, s: &str) -> Result<String> {
    if is_dep_prefixed(s, 5) {
        Ok(s.to_string())
    } else {
        Err(Error::field(
            path,
            line,
            field,
            format!("`{s}` is not an INSEE commune code (5 characters, e.g. 64422 or 2A004)"),
        ))
    }
}

fn parse_coord(path: &Path, line: u64, field: &str, s: &str, lat: bool) -> Result<Option<f64>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let v: f64 = s
        .parse()
        .map_err(|_| Error::field(path, line, field, format!("`{s}` is not a number")))?;
    let max = if lat { 90.0 } else { 180.0 };
    if !v.is_finite() || v.abs() > max {
        return Err(Error::field(
            path,
            line,
            field,
            format!(
                "{v} is not a WGS84 {} in degrees",
                if lat { "latitude" } else { "longitude" }
            ),
        ));
    }
    Ok(Some(v))
}

/// Reads a commune points CSV (UTF-8, optional BOM, gzip allowed). Origins
/// are not chosen yet (see [`Communes::new`]).
///
/// # Errors
/// A missing column (naming it), a bad INSEE code, population or coordinate
/// (naming line and field), a point given by only one coordinate, an empty
/// file.
pub fn read_points_csv(path: &Path, cols: &PointColumns) -> Result<Vec<Commune>> {
    let bytes = read_maybe_gz(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        Error::format(
            path,
            format!("not UTF-8 (byte {}); re-encode it as UTF-8", e.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::format(path, "empty file"));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(cols.delimiter)
        .from_reader(text.as_bytes());
    let header = rdr
        .headers()
        .map_err(|e| Error::format(path, format!("bad header: {e}")))?
        .clone();
    let find = |name: &str| -> Result<usize> {
        header.iter().position(|h| h.trim() == name).ok_or_else(|| {
            Error::format(
                path,
                format!(
                    "missing column `{name}` (header has: {}; delimiter `{}`)",
                    header.iter().collect::<Vec<_>>().join(", "),
                    cols.delimiter as char
                ),
            )
        })
    };
    let opt = |name: &Option<String>| -> Result<Option<usize>> { name.as_deref().map(find).transpose() };
    let i_insee = find(&cols.insee)?;
    let i_name = opt(&cols.name)?;
    let i_dep = opt(&cols.dep)?;
    let i_pop = opt(&cols.population)?;
    let (i_lon, i_lat) = (find(&cols.lon)?, find(&cols.lat)?);
    let (i_clon, i_clat) = (opt(&cols.centroid_lon)?, opt(&cols.centroid_lat)?);
    let mut out = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = k as u64 + 2;
        let rec = rec.map_err(|e| Error::field(path, line, "(record)", e.to_string()))?;
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let insee = check_insee(path, line, &cols.insee, get(i_insee))?;
        if let Some(prev) = first_line.insert(insee.clone(), line) {
            return Err(Error::field(
                path,
                line,
                &cols.insee,
                format!("commune {insee} is listed twice (first at line {prev}): keep one row per commune"),
            ));
        }
        let dep = match i_dep {
            Some(i) => get(i).to_string(),
            None => dep_of_insee(&insee).to_string(),
        };
        if !insee.starts_with(&dep) || dep.is_empty() {
            return Err(Error::field(
                path,
                line,
                cols.dep.as_deref().unwrap_or("dep"),
                format!("département `{dep}` does not match INSEE code {insee}"),
            ));
        }
        let population = match i_pop.map(get) {
            None | Some("") => None,
            Some(s) => Some(
                parse_population(s)
                    .map_err(|m| Error::field(path, line, cols.population.as_deref().unwrap_or(""), m))?,
            ),
        };
        let pair = |ilon: Option<usize>,
                    ilat: Option<usize>,
                    nlon: &str,
                    nlat: &str|
         -> Result<Option<(f64, f64)>> {
            let (Some(ilon), Some(ilat)) = (ilon, ilat) else {
                return Ok(None);
            };
            let lon = parse_coord(path, line, nlon, get(ilon), false)?;
            let lat = parse_coord(path, line, nlat, get(ilat), true)?;
            match (lon, lat) {
                (Some(x), Some(y)) => Ok(Some((x, y))),
                (None, None) => Ok(None),
                _ => Err(Error::field(
                    path,
                    line,
                    nlon,
                    "only one of longitude and latitude is given",
                )),
            }
        };
        let mairie = pair(Some(i_lon), Some(i_lat), &cols.lon, &cols.lat)?;
        let centroid = pair(
            i_clon,
            i_clat,
            cols.centroid_lon.as_deref().unwrap_or(""),
            cols.centroid_lat.as_deref().unwrap_or(""),
        )?;
        out.push(Commune {
            name: i_name.map(|i| get(i).to_string()).unwrap_or_default(),
            insee,
            dep,
            population,
            mairie,
            centroid,
            origin: None,
            origin_source: OriginSource::Missing,
        });
    }
    if out.is_empty() {
        return Err(Error::format(path, "no data rows after the header"));
    }
    Ok(out)
}

/// Property names of a user commune GeoJSON (polygons, or points for the
/// town hall).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct GeoJsonProperties {
    pub insee: String,
    pub name: Option<String>,
    pub dep: Option<String>,
    pub population: Option<String>,
}

impl Default for GeoJsonProperties {
    /// The `communes-france/polygons/dep-XX.geojson` layout.
    fn default() -> Self {
        GeoJsonProperties {
            insee: "insee".into(),
            name: Some("name".into()),
            dep: Some("dep".into()),
            population: Some("population".into()),
        }
    }
}

#[derive(Deserialize)]
struct RawCollection {
    features: Vec<RawFeature>,
}

#[derive(Deserialize)]
struct RawFeature {
    #[serde(default)]
    properties: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    geometry: Option<RawGeometry>,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum RawGeometry {
    Point(Vec<f64>),
    Polygon(Vec<Vec<Vec<f64>>>),
    MultiPolygon(Vec<Vec<Vec<Vec<f64>>>>),
}

fn ring(path: &Path, rec: u64, r: &[Vec<f64>]) -> Result<LineString<f64>> {
    let mut cs = Vec::with_capacity(r.len());
    for p in r {
        if p.len() < 2 || !p[0].is_finite() || !p[1].is_finite() || p[0].abs() > 180.0 || p[1].abs() > 90.0 {
            return Err(Error::field(
                path,
                rec,
                "geometry",
                format!("bad position {p:?} (want [lon, lat] in degrees)"),
            ));
        }
        cs.push(Coord { x: p[0], y: p[1] });
    }
    if cs.len() < 4 {
        return Err(Error::field(
            path,
            rec,
            "geometry",
            "a ring needs at least 4 positions",
        ));
    }
    Ok(LineString::new(cs))
}

fn polygon(path: &Path, rec: u64, rings: &[Vec<Vec<f64>>]) -> Result<Polygon<f64>> {
    let mut it = rings.iter();
    let outer = it
        .next()
        .ok_or_else(|| Error::field(path, rec, "geometry", "polygon without rings"))?;
    let holes = it.map(|r| ring(path, rec, r)).collect::<Result<Vec<_>>>()?;
    Ok(Polygon::new(ring(path, rec, outer)?, holes))
}

enum Shape {
    Point((f64, f64)),
    Area(MultiPolygon<f64>),
}

fn shape(path: &Path, rec: u64, g: RawGeometry) -> Result<Shape> {
    Ok(match g {
        RawGeometry::Point(p) => {
            if p.len() < 2 || p[0].abs() > 180.0 || p[1].abs() > 90.0 {
                return Err(Error::field(path, rec, "geometry", format!("bad position {p:?}")));
            }
            Shape::Point((p[0], p[1]))
        }
        RawGeometry::Polygon(r) => Shape::Area(MultiPolygon::new(vec![polygon(path, rec, &r)?])),
        RawGeometry::MultiPolygon(ps) => Shape::Area(MultiPolygon::new(
            ps.iter().map(|r| polygon(path, rec, r)).collect::<Result<_>>()?,
        )),
    })
}

fn read_collection(path: &Path) -> Result<Vec<RawFeature>> {
    let bytes = read_maybe_gz(path)?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::format(path, "empty file"));
    }
    let fc: RawCollection = serde_json::from_slice(bytes).map_err(|e| {
        Error::format(
            path,
            format!("not a GeoJSON FeatureCollection of (Multi)Polygons or Points: {e}"),
        )
    })?;
    Ok(fc.features)
}

fn prop_str(props: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match props.get(key)? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads the polygons of a GeoJSON FeatureCollection keyed by the string
/// property `insee_prop` (features are records, numbered from 1 in errors).
/// Features without geometry are skipped; Point features are an error here.
pub fn read_polygons_geojson(path: &Path, insee_prop: &str) -> Result<Vec<(String, MultiPolygon<f64>)>> {
    Ok(read_polygon_features(path, insee_prop)?
        .into_iter()
        .map(|(_, insee, mp)| (insee, mp))
        .collect())
}

/// A polygon feature as read: its number in the file (from 1), the
/// commune's INSEE code, its outline.
pub type PolygonFeature = (u64, String, MultiPolygon<f64>);

/// [`read_polygons_geojson`] with each polygon's feature number (from 1),
/// for messages.
pub fn read_polygon_features(path: &Path, insee_prop: &str) -> Result<Vec<PolygonFeature>> {
    let mut out = Vec::new();
    for (k, f) in read_collection(path)?.into_iter().enumerate() {
        let rec = k as u64 + 1;
        let props = f.properties.unwrap_or_default();
        let insee = prop_str(&props, insee_prop)
            .ok_or_else(|| Error::field(path, rec, format!("properties.{insee_prop}"), "missing"))?;
        let insee = check_insee(path, rec, &format!("properties.{insee_prop}"), &insee)?;
        match f.geometry.map(|g| shape(path, rec, g)).transpose()? {
            Some(Shape::Area(mp)) => out.push((rec, insee, mp)),
            Some(Shape::Point(_)) => {
                return Err(Error::field(
                    path,
                    rec,
                    "geometry",
                    "a Point where a (Multi)Polygon is expected",
                ));
            }
            None => {}
        }
    }
    Ok(out)
}

/// Reads a user commune GeoJSON: one feature per commune, geometry either
/// its (Multi)Polygon (the origin is then a point inside it) or its
/// town-hall Point. Origins are chosen with `tolerance_m`.
pub fn read_communes_geojson(path: &Path, props: &GeoJsonProperties, tolerance_m: f64) -> Result<Communes> {
    let mut rows = Vec::new();
    let mut first: HashMap<String, u64> = HashMap::new();
    for (k, f) in read_collection(path)?.into_iter().enumerate() {
        let rec = k as u64 + 1;
        let p = f.properties.unwrap_or_default();
        let field = |n: &str| format!("properties.{n}");
        let insee = prop_str(&p, &props.insee)
            .ok_or_else(|| Error::field(path, rec, field(&props.insee), "missing"))?;
        let insee = check_insee(path, rec, &field(&props.insee), &insee)?;
        if let Some(prev) = first.insert(insee.clone(), rec) {
            return Err(Error::field(
                path,
                rec,
                field(&props.insee),
                format!("commune {insee} has a second feature (the first is feature {prev}): keep one"),
            ));
        }
        let dep = match &props.dep {
            Some(d) => prop_str(&p, d).ok_or_else(|| Error::field(path, rec, field(d), "missing"))?,
            None => dep_of_insee(&insee).to_string(),
        };
        let population = match &props.population {
            Some(n) => match p.get(n) {
                None | Some(Value::Null) => None,
                Some(v) => Some(
                    match v {
                        Value::Number(x) => x
                            .as_u64()
                            .ok_or_else(|| format!("{v} is not a whole number of inhabitants"))
                            .and_then(check_population),
                        Value::String(s) => parse_population(s),
                        _ => Err(format!("{v} is not a whole number of inhabitants")),
                    }
                    .map_err(|m| Error::field(path, rec, field(n), m))?,
                ),
            },
            None => None,
        };
        let name = props
            .name
            .as_deref()
            .and_then(|n| prop_str(&p, n))
            .unwrap_or_default();
        let (mairie, poly) = match f.geometry.map(|g| shape(path, rec, g)).transpose()? {
            Some(Shape::Point(pt)) => (Some(pt), None),
            Some(Shape::Area(mp)) => (None, Some(mp)),
            None => (None, None),
        };
        let centroid = poly.as_ref().and_then(|mp| {
            use geo::Centroid;
            mp.centroid().map(|c: Point<f64>| (c.x(), c.y()))
        });
        let c = Commune {
            insee,
            name,
            dep,
            population,
            mairie,
            centroid,
            origin: None,
            origin_source: OriginSource::Missing,
        };
        rows.push((c, poly));
    }
    if rows.is_empty() {
        return Err(Error::format(path, "no features"));
    }
    Communes::new(rows, tolerance_m).map_err(|e| points_error(path, e))
}
