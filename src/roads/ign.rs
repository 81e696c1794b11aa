//! IGN road sections: BD TOPO `TRONCON_DE_ROUTE` and ROUTE 500
//! `TRONCON_ROUTE`, as a Shapefile (`.shp` + `.dbf` + `.prj`) or a
//! GeoPackage.
//!
//! Each section is a polyline between two junctions; sections meet where
//! their ends coincide (to 1e-7 degrees). The product is recognised by its
//! fields: `NATURE` → BD TOPO, `VOCATION` → ROUTE 500. Field names are
//! matched case-insensitively in both spellings IGN uses: the Shapefile's
//! (10 characters, `VIT_MOY_VL`) and the GeoPackage's (`vitesse_moyenne_vl`).
//! Values are compared on their ASCII letters and digits only, so that an
//! accent lost to a wrong code page (`Rev?tu`) still matches.
//!
//! # Speeds
//! A section's class maps to an OpenStreetMap `highway` class of the same
//! [car profile](super::profile) as OSM, through the tables below
//! ([`BDTOPO_NATURE`], [`BDTOPO_IMPORTANCE`], [`ROUTE500_VOCATION`]). BD
//! TOPO's `VITESSE_MOYENNE_VL` (IGN's modelled average light-vehicle speed)
//! replaces it only with [`ReadOptions::source_speed`]; ROUTE 500 has no
//! speed field.
//!
//! # Sources of the values
//! BD TOPO v3 *Descriptif de contenu* (IGN, 2021–2024), class
//! `TRONCON_DE_ROUTE`: `NATURE` (Type autoroutier, Route à 2 chaussées,
//! Route à 1 chaussée, Rond-point, Bretelle, Route empierrée, Chemin,
//! Sentier, Escalier, Piste cyclable, Bac ou liaison maritime),
//! `IMPORTANCE` (1 national to 6 no through traffic), `SENS` /
//! `sens_de_circulation` (Double sens, Sens direct, Sens inverse, Sans
//! objet), `ACCES_VL` / `acces_vehicule_leger` (Libre, A péage,
//! Physiquement impossible, Restreint aux ayants droit), `ETAT` /
//! `etat_de_l_objet` (En service, En construction, En projet), `PRIVE`,
//! `URBAIN`, `VIT_MOY_VL` / `vitesse_moyenne_vl` (km/h).
//! ROUTE 500 v3 *Descriptif de contenu* (IGN, 2020), class
//! `TRONCON_ROUTE`: `VOCATION` (Type autoroutier, Liaison principale,
//! Liaison régionale, Liaison locale, Bretelle), `NB_CHAUSSE` (1 chaussée,
//! 2 chaussées), `ETAT` (Revêtu, Non revêtu), `ACCES` (Libre, A péage,
//! Saisonnier, Inconnu), `SENS` (Double sens, Sens unique = the digitising
//! direction, Sens inverse), `LONGUEUR` (km).
//!
//! # Left out
//! BD TOPO sections whose `ETAT` is not "En service", whose `ACCES_VL` is
//! "Physiquement impossible" or "Restreint aux ayants droit", that are
//! `PRIVE` (as OSM's `access=private`), or whose nature is not a car road.
//! They are counted in [`ImportReport::excluded`].

use std::path::Path;

use super::input::ReadOptions;
use super::sections::{Link, NodeTable, inner_points, links_to_network, polyline_m};
use super::{CarProfile, ImportReport, NetworkInfo, NetworkSource, RoadNetwork};
use crate::error::{Error, Result};
use crate::facilities::projection::Crs;

/// What the profile makes of a BD TOPO `NATURE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    /// Always this OSM class.
    Class(&'static str),
    /// The class of its `IMPORTANCE` ([`BDTOPO_IMPORTANCE`]).
    ByImportance,
    /// The slip-road class of its `IMPORTANCE`.
    LinkByImportance,
    /// A ferry, at the profile's ferry speed (BD TOPO gives no duration).
    Ferry,
    /// Not a car road.
    Excluded,
}

/// BD TOPO `NATURE` → profile class.
pub const BDTOPO_NATURE: &[(&str, Nature)] = &[
    ("Type autoroutier", Nature::Class("motorway")),
    ("Route à 2 chaussées", Nature::ByImportance),
    ("Route à 1 chaussée", Nature::ByImportance),
    ("Rond-point", Nature::ByImportance),
    ("Bretelle", Nature::LinkByImportance),
    // Passable by cars in all weather but unsurfaced: the profile's
    // slowest car class.
    ("Route empierrée", Nature::Class("service")),
    ("Bac ou liaison maritime", Nature::Ferry),
    ("Chemin", Nature::Excluded),
    ("Sentier", Nature::Excluded),
    ("Escalier", Nature::Excluded),
    ("Piste cyclable", Nature::Excluded),
];

/// BD TOPO `IMPORTANCE` → (class outside towns, class where `URBAIN` is
/// true, slip-road class). 1: links between metropolises; 2: between
/// départements' main towns; 3: within a département; 4: between
/// communes; 5: local access; 6: no through traffic.
pub const BDTOPO_IMPORTANCE: &[(&str, &str, &str, &str)] = &[
    ("1", "trunk", "trunk", "trunk_link"),
    ("2", "primary", "primary", "primary_link"),
    ("3", "secondary", "secondary", "secondary_link"),
    ("4", "tertiary", "tertiary", "tertiary_link"),
    ("5", "unclassified", "residential", "tertiary_link"),
    ("6", "service", "service", "service"),
];

/// ROUTE 500 `VOCATION` → profile class. A `Liaison principale` of two
/// carriageways (`NB_CHAUSSE` = 2 chaussées) is a dual carriageway (the
/// profile's one-way trunk speed) even though ROUTE 500 draws it as one
/// two-way line; an `ETAT` "Non revêtu" section is `service`.
pub const ROUTE500_VOCATION: &[(&str, &str)] = &[
    ("Type autoroutier", "motorway"),
    ("Liaison principale", "trunk"),
    ("Liaison régionale", "primary"),
    ("Liaison locale", "tertiary"),
    ("Bretelle", "motorway_link"),
];

/// A field's value, from a `.dbf` or a GeoPackage column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Text(String),
    Num(f64),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.trim().to_string(),
            Value::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
            Value::Num(x) => x.to_string(),
        }
    }
}

/// One record's fields, names lower-cased.
pub(crate) struct Attrs(pub Vec<(String, Value)>);

impl Attrs {
    /// The first of `names` present (names lower-case).
    fn get(&self, names: &[&str]) -> Option<(&str, &Value)> {
        names
            .iter()
            .find_map(|n| self.0.iter().find(|(k, _)| k == n).map(|(k, v)| (k.as_str(), v)))
    }
    fn text(&self, names: &[&str]) -> String {
        self.get(names).map(|(_, v)| v.text()).unwrap_or_default()
    }
}

/// Letters and digits of a value, lower-case ASCII: the form values are
/// compared in.
fn fold(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_true(s: &str) -> bool {
    matches!(
        fold(s).as_str(),
        "vrai" | "oui" | "true" | "t" | "1" | "y" | "yes"
    )
}

const F_NATURE: &[&str] = &["nature"];
const F_IMPORTANCE: &[&str] = &["importance"];
const F_SENS: &[&str] = &["sens", "sens_de_circulation"];
const F_VITESSE: &[&str] = &["vit_moy_vl", "vitesse_moyenne_vl"];
const F_ACCES_VL: &[&str] = &["acces_vl", "acces_vehicule_leger"];
const F_ETAT: &[&str] = &["etat", "etat_de_l_objet"];
const F_PRIVE: &[&str] = &["prive"];
const F_URBAIN: &[&str] = &["urbain"];
const F_VOCATION: &[&str] = &["vocation"];
const F_NB_CHAUSSE: &[&str] = &["nb_chausse"];
const F_LONGUEUR: &[&str] = &["longueur"];
const F_ID: &[&str] = &["id", "cleabs", "id_rte500"];

/// Which IGN product a layer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Product {
    BdTopo,
    Route500,
}

fn product(path: &Path, fields: &[String]) -> Result<Product> {
    let has = |n: &str| fields.iter().any(|f| f == n);
    if has("vocation") {
        Ok(Product::Route500)
    } else if has("nature") {
        Ok(Product::BdTopo)
    } else {
        Err(Error::format(
            path,
            format!(
                "not IGN road sections: no NATURE (BD TOPO) or VOCATION (ROUTE 500) field; fields: {}",
                fields.join(", ")
            ),
        ))
    }
}

/// What one section becomes.
struct Section {
    class: Option<&'static str>,
    ferry: bool,
    /// Driving directions along and against the digitising order.
    dir: [bool; 2],
    dual: bool,
    source_kmh: Option<f64>,
    /// The source's length in metres (ROUTE 500 `LONGUEUR`).
    length_m: Option<f64>,
}

/// A number field: `None` when empty; an error when not a finite number.
fn number(path: &Path, rec: u64, a: &Attrs, names: &[&str]) -> Result<Option<f64>> {
    let Some((name, v)) = a.get(names) else {
        return Ok(None);
    };
    let x = match v {
        Value::Null => return Ok(None),
        Value::Num(x) => *x,
        Value::Text(t) if t.trim().is_empty() => return Ok(None),
        Value::Text(t) => t.trim().parse::<f64>().unwrap_or(f64::NAN),
    };
    if !x.is_finite() {
        return Err(Error::field(
            path,
            rec,
            name.to_uppercase(),
            format!("record {rec}: `{}` is not a finite number", v.text()),
        ));
    }
    Ok(Some(x))
}

fn sens(path: &Path, rec: u64, a: &Attrs, route500: bool) -> Result<[bool; 2]> {
    let v = a.text(F_SENS);
    Ok(match fold(&v).as_str() {
        "" | "doublesens" | "sansobjet" => [true, true],
        "sensdirect" => [true, false],
        "sensunique" if route500 => [true, false],
        "sensinverse" => [false, true],
        _ => {
            return Err(Error::field(
                path,
                rec,
                "SENS",
                format!(
                    "record {rec}: unknown direction `{v}` (Double sens, Sens direct, Sens inverse, Sans objet)"
                ),
            ));
        }
    })
}

/// Applies the BD TOPO rules; `None` when the section is left out.
fn bdtopo(path: &Path, rec: u64, a: &Attrs, opts: &ReadOptions) -> Result<Option<Section>> {
    let etat = fold(&a.text(F_ETAT));
    let acces = fold(&a.text(F_ACCES_VL));
    if !(etat.is_empty() || etat == "enservice")
        || acces == "physiquementimpossible"
        || acces == "restreintauxayantsdroit"
        || is_true(&a.text(F_PRIVE))
    {
        return Ok(None);
    }
    let nature = fold(&a.text(F_NATURE));
    let rule = BDTOPO_NATURE.iter().find(|(n, _)| fold(n) == nature).map(|r| r.1);
    let importance = a.text(F_IMPORTANCE);
    let imp = BDTOPO_IMPORTANCE.iter().find(|r| r.0 == importance.trim());
    let urban = is_true(&a.text(F_URBAIN));
    let (class, ferry) = match rule {
        Some(Nature::Excluded) => return Ok(None),
        Some(Nature::Ferry) => (None, true),
        Some(Nature::Class(c)) => (Some(c), false),
        Some(Nature::ByImportance) => (imp.map(|r| if urban { r.2 } else { r.1 }), false),
        Some(Nature::LinkByImportance) => (imp.map(|r| r.3), false),
        None => (None, false),
    };
    let speed = number(path, rec, a, F_VITESSE)?;
    if let Some(s) = speed
        && s < 0.0
    {
        return Err(Error::field(
            path,
            rec,
            "VIT_MOY_VL",
            format!("record {rec}: negative speed {s}"),
        ));
    }
    Ok(Some(Section {
        class,
        ferry,
        dir: sens(path, rec, a, false)?,
        dual: false,
        source_kmh: speed.filter(|&s| opts.source_speed && s > 0.0),
        length_m: None,
    }))
}

/// Applies the ROUTE 500 rules.
fn route500(path: &Path, rec: u64, a: &Attrs) -> Result<Option<Section>> {
    let vocation = fold(&a.text(F_VOCATION));
    let mut class = ROUTE500_VOCATION
        .iter()
        .find(|(v, _)| fold(v) == vocation)
        .map(|r| r.1);
    if fold(&a.text(F_ETAT)) == fold("Non revêtu") && class.is_some() {
        class = Some("service");
    }
    let length_m = match number(path, rec, a, F_LONGUEUR)? {
        Some(km) if km > 0.0 => Some(km * 1000.0),
        Some(km) => {
            return Err(Error::field(
                path,
                rec,
                "LONGUEUR",
                format!("record {rec}: length {km} km must be > 0"),
            ));
        }
        None => None,
    };
    Ok(Some(Section {
        class,
        ferry: false,
        dir: sens(path, rec, a, true)?,
        dual: fold(&a.text(F_NB_CHAUSSE)) == fold("2 chaussées"),
        source_kmh: None,
        length_m,
    }))
}

/// Collects the sections of one layer into links.
struct Builder<'a> {
    path: &'a Path,
    profile: &'a CarProfile,
    opts: &'a ReadOptions,
    product: Product,
    crs: Crs,
    nodes: NodeTable,
    links: Vec<Link>,
    report: ImportReport,
    /// The layer's date (GeoPackage `last_change`), ISO 8601.
    timestamp: Option<String>,
}

impl Builder<'_> {
    /// Adds record `rec` (1-based) with its attributes and its parts in the
    /// layer's CRS.
    fn add(&mut self, rec: u64, a: &Attrs, parts: Vec<Vec<[f64; 2]>>) -> Result<()> {
        let (path, profile) = (self.path, self.profile);
        self.report.ways_read += 1;
        let s = match self.product {
            Product::BdTopo => bdtopo(path, rec, a, self.opts)?,
            Product::Route500 => route500(path, rec, a)?,
        };
        let Some(s) = s else {
            self.report.excluded += 1;
            return Ok(());
        };
        let two_way = s.dir[0] && s.dir[1];
        let kmh = if s.ferry {
            profile.ferry_kmh
        } else if let Some(k) = s.source_kmh {
            k
        } else {
            match s.class.and_then(|c| profile.class_speed(c)) {
                Some(k) if s.class == Some("trunk") && two_way && !s.dual => k.min(profile.trunk_two_way_kmh),
                Some(k) => k,
                None => {
                    self.report.class_unknown += 1;
                    profile.class_speed(super::table::UNKNOWN_CLASS).unwrap_or(40.0)
                }
            }
        };
        if kmh.is_nan() || kmh <= 0.0 {
            return Ok(());
        }
        let snappable = !s.ferry && !matches!(s.class, Some("motorway" | "motorway_link"));
        let mut lonlat_parts = Vec::with_capacity(parts.len());
        for part in parts {
            let mut pts = Vec::with_capacity(part.len());
            for p in part {
                let q = self.crs.to_lon_lat_on_earth(p[0], p[1]).ok_or_else(|| {
                    Error::field(
                        path,
                        rec,
                        "geometry",
                        format!(
                            "record {rec}: ({}, {}) is not a position in EPSG:{}",
                            p[0],
                            p[1],
                            self.crs.epsg()
                        ),
                    )
                })?;
                if pts.last() != Some(&q) {
                    pts.push(q);
                }
            }
            if pts.len() >= 2 {
                lonlat_parts.push(pts);
            }
        }
        let lengths: Vec<f64> = lonlat_parts.iter().map(|p| polyline_m(p)).collect();
        let total: f64 = lengths.iter().sum();
        if lonlat_parts.is_empty() || total.is_nan() || total <= 0.0 {
            return Err(Error::field(
                path,
                rec,
                "geometry",
                format!("record {rec}: a section of zero length (fewer than two distinct points)"),
            ));
        }
        self.report.ways_routable += 1;
        let id = {
            let t = a.text(F_ID);
            let digits: String = t.chars().filter(char::is_ascii_digit).collect();
            digits.parse::<i64>().unwrap_or(rec as i64)
        };
        for (pts, len) in lonlat_parts.iter().zip(&lengths) {
            // The source's length, shared among parts by their shapes.
            let length_m = s.length_m.map_or(*len, |l| l * len / total);
            let from = self.nodes.at(pts[0]);
            let to = self.nodes.at(pts[pts.len() - 1]);
            self.links.push(Link {
                id,
                from,
                to,
                inner: inner_points(pts),
                length_m,
                kmh: [s.dir[0].then_some(kmh), s.dir[1].then_some(kmh)],
                snappable,
                winding: !s.ferry && super::WindingParams::applies_to_link(s.class, s.source_kmh.is_some()),
            });
        }
        Ok(())
    }

    fn finish(self) -> Result<RoadNetwork> {
        if self.links.is_empty() {
            return Err(Error::format(self.path, "no section a car can use"));
        }
        let (engine, profile) = match self.product {
            Product::BdTopo => (
                NetworkSource::BdTopo,
                super::input::profile_label(self.profile, self.opts, "VITESSE_MOYENNE_VL"),
            ),
            Product::Route500 if self.opts.source_speed => (
                NetworkSource::Route500,
                format!(
                    "{} (ROUTE 500 has no speed field: class speeds)",
                    self.profile.label()
                ),
            ),
            Product::Route500 => (NetworkSource::Route500, self.profile.label()),
        };
        let info = NetworkInfo {
            engine,
            source: self.path.to_path_buf(),
            timestamp: self.timestamp,
            profile,
            report: self.report,
        };
        links_to_network(self.nodes, self.links, info, self.profile)
    }
}

/// The CRSs IGN layers may be in: Lambert-93, WGS84 and RGF93 geographic
/// (the same as WGS84 at this precision).
const IGN_EPSG: &[u32] = &[2154, 4326, 4171];

fn ign_crs(path: &Path, epsg: u32, found: &str) -> Result<Crs> {
    if !IGN_EPSG.contains(&epsg) {
        return Err(Error::format(
            path,
            format!("unknown CRS {found}: accepted Lambert-93 (EPSG:2154) and WGS84 (EPSG:4326)"),
        ));
    }
    Crs::from_epsg(epsg).map_err(|e| Error::format(path, e.to_string()))
}

/// The EPSG code a `.prj` (WKT 1, ESRI or OGC flavour) describes, if it is
/// one of [`IGN_EPSG`]; else the name it gives, for the error.
fn prj_epsg(wkt: &str) -> std::result::Result<u32, String> {
    let u = wkt.to_ascii_uppercase();
    let name = wkt
        .split('"')
        .nth(1)
        .map_or_else(|| wkt.chars().take(40).collect(), str::to_string);
    if u.starts_with("PROJCS") {
        let l93 = ["LAMBERT_93", "LAMBERT-93", "LAMBERT 93", "LAMBERT93"];
        if l93.iter().any(|n| u.contains(n)) || u.ends_with("AUTHORITY[\"EPSG\",\"2154\"]]") {
            return Ok(2154);
        }
        return Err(name);
    }
    if u.starts_with("GEOGCS") {
        if u.contains("WGS_1984") || u.contains("WGS 84") || u.contains("WGS84") {
            return Ok(4326);
        }
        if u.contains("RGF93") || u.contains("RGF_1993") || u.contains("RESEAU_GEODESIQUE_FRANCAIS_1993") {
            return Ok(4171);
        }
    }
    Err(name)
}

/// Reads IGN road sections from a Shapefile: `path` is the `.shp` (or any
/// file of the set); the `.dbf` must be beside it, and the `.prj` too
/// unless [`ReadOptions::epsg`] says the CRS.
pub fn read_shapefile(path: &Path, profile: &CarProfile, opts: &ReadOptions) -> Result<RoadNetwork> {
    let shp = path.with_extension("shp");
    let dbf = path.with_extension("dbf");
    if !dbf.exists() {
        return Err(Error::format(
            &shp,
            format!(
                "its attribute table {} is missing: a Shapefile is a set of .shp, .shx, .dbf and .prj files, copy them together",
                dbf.display()
            ),
        ));
    }
    let prj = path.with_extension("prj");
    let crs = match std::fs::read_to_string(&prj) {
        Ok(text) => match prj_epsg(text.trim()) {
            Ok(code) => ign_crs(&prj, code, &format!("EPSG:{code}"))?,
            Err(name) => ign_crs(&prj, 0, &format!("`{name}`"))?,
        },
        Err(_) => match opts.epsg {
            Some(code) => ign_crs(&shp, code, &format!("EPSG:{code} (--roads-epsg)"))?,
            None => {
                return Err(Error::format(
                    &shp,
                    format!(
                        "unknown CRS: no {} beside it; say the CRS with --roads-epsg 2154 (Lambert-93) or 4326",
                        prj.display()
                    ),
                ));
            }
        },
    };
    let shp_err = |e: shapefile::Error| Error::format(&shp, format!("not a readable Shapefile: {e}"));
    let mut reader = shapefile::Reader::from_path(&shp).map_err(shp_err)?;
    let fields: Vec<String> = {
        let dbf_reader = shapefile::dbase::Reader::from_path(&dbf)
            .map_err(|e| Error::format(&dbf, format!("not a readable .dbf: {e}")))?;
        dbf_reader
            .fields()
            .iter()
            .map(|f| f.name().to_lowercase())
            .collect()
    };
    let mut b = Builder {
        path: &shp,
        profile,
        opts,
        product: product(&dbf, &fields)?,
        crs,
        nodes: NodeTable::default(),
        links: Vec::new(),
        report: ImportReport::default(),
        timestamp: None,
    };
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let rec = i as u64 + 1;
        let (shape, record) =
            item.map_err(|e| Error::field(&shp, rec, "record", format!("record {rec}: {e}")))?;
        let parts: Vec<Vec<[f64; 2]>> = match shape {
            shapefile::Shape::Polyline(l) => l
                .into_inner()
                .into_iter()
                .map(|p| p.into_iter().map(|q| [q.x, q.y]).collect())
                .collect(),
            shapefile::Shape::PolylineZ(l) => l
                .into_inner()
                .into_iter()
                .map(|p| p.into_iter().map(|q| [q.x, q.y]).collect())
                .collect(),
            shapefile::Shape::PolylineM(l) => l
                .into_inner()
                .into_iter()
                .map(|p| p.into_iter().map(|q| [q.x, q.y]).collect())
                .collect(),
            shapefile::Shape::NullShape => {
                b.report.ways_read += 1;
                b.report.excluded += 1;
                continue;
            }
            other => {
                return Err(Error::field(
                    &shp,
                    rec,
                    "geometry",
                    format!(
                        "record {rec}: a {} shape, not a line: not road sections",
                        other.shapetype()
                    ),
                ));
            }
        };
        let attrs = Attrs(
            record
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), dbf_value(v)))
                .collect(),
        );
        b.add(rec, &attrs, parts)?;
    }
    b.finish()
}

fn dbf_value(v: shapefile::dbase::FieldValue) -> Value {
    use shapefile::dbase::FieldValue as F;
    match v {
        F::Character(Some(s)) | F::Memo(s) => Value::Text(s),
        F::Numeric(Some(x)) | F::Double(x) | F::Currency(x) => Value::Num(x),
        F::Float(Some(x)) => Value::Num(x as f64),
        F::Integer(x) => Value::Num(x as f64),
        F::Logical(Some(b)) => Value::Text(if b { "Vrai" } else { "Faux" }.into()),
        _ => Value::Null,
    }
}

/// Reads IGN road sections from a GeoPackage: the feature table named
/// `troncon_de_route` or `troncon_route` (any case), else its only feature
/// table.
pub fn read_geopackage(path: &Path, profile: &CarProfile, opts: &ReadOptions) -> Result<RoadNetwork> {
    let layer = super::gpkg::open_layer(path, &["troncon_de_route", "troncon_route"])?;
    let crs = match layer.epsg {
        Some(code) => ign_crs(path, code, &format!("EPSG:{code} ({})", layer.srs_name))?,
        None => ign_crs(path, 0, &format!("`{}`", layer.srs_name))?,
    };
    let fields: Vec<String> = layer.columns.iter().map(|c| c.to_lowercase()).collect();
    let mut b = Builder {
        path,
        profile,
        opts,
        product: product(path, &fields)?,
        crs,
        nodes: NodeTable::default(),
        links: Vec::new(),
        report: ImportReport::default(),
        timestamp: layer.last_change.clone(),
    };
    super::gpkg::for_each_row(path, &layer, |rec, attrs, parts| match parts {
        Some(parts) => b.add(rec, &attrs, parts),
        None => {
            b.report.ways_read += 1;
            b.report.excluded += 1;
            Ok(())
        }
    })?;
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prj_names() {
        let esri = r#"PROJCS["RGF93_v1_Lambert-93",GEOGCS["GCS_RGF93_v1",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]]]]"#;
        assert_eq!(prj_epsg(esri), Ok(2154));
        assert_eq!(
            prj_epsg(r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]"#),
            Ok(4326)
        );
        assert_eq!(
            prj_epsg(r#"PROJCS["ETRS89_LAEA_Europe",GEOGCS["x"]]"#),
            Err("ETRS89_LAEA_Europe".to_string())
        );
    }

    #[test]
    fn values_compare_without_accents() {
        assert_eq!(
            fold("Route à 1 chaussée"),
            fold("Route \u{FFFD} 1 chauss\u{FFFD}e")
        );
        assert_ne!(fold("Route à 1 chaussée"), fold("Route à 2 chaussées"));
        assert!(is_true("Vrai") && !is_true("Faux"));
    }
}
