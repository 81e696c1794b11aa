//! The parameters that turn commune links into travel times: one serde
//! type, [`CommuneProfile`], whose `version` field says which model it is.
//!
//! - **v2** (the default, [`ProfileV2`]): links carry the class of the
//!   numbered road the two communes share (from the BAAC road table),
//!   motorways are a separate layer entered at the communes they cross,
//!   and time on winding roads is slowed by each commune's terrain
//!   measure. See `docs/commune-engine.md`.
//! - **v1** ([`ProfileV1`]): the first engine, neighbour hops plus a
//!   backbone joining towns (and a fast tier between large towns standing
//!   for motorways wherever they are). Kept loadable for comparison:
//!   `--commune-profile v1`.
//!
//! A profile is written as JSON, e.g. `{"version":"v2","motorway_speed_kmh":120}`;
//! fields left out take the default of their version, and a JSON object
//! without `version` is a v1 profile (profiles written before v2 existed).

use std::path::Path;

use super::road_table::{RoadClass, RuralCounts};
use crate::error::{Error, Result};
use crate::units::{Time, UNREACHABLE, travel_time};

/// Parameters of the v1 engine (neighbour hops + backbone + fast tier),
/// calibrated on Corsica in 2026-11 (see the history of
/// `docs/commune-engine.md`). Fields missing from a serialized profile
/// take their default values.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileV1 {
    /// Road length / great-circle length of a neighbour hop (dimensionless, ≥ 1).
    pub detour: f64,
    /// Mean driving speed along the road of a neighbour hop, in km/h.
    pub speed_kmh: f64,
    /// Fixed time added to every commune-to-commune hop, in seconds (village
    /// crossings, junctions).
    pub hop_s: f64,
    /// How many nearest communes (by origin distance) a commune without
    /// polygon is joined to.
    pub no_polygon_neighbours: usize,
    /// Backbone: a commune of at least this many inhabitants is a TOWN,
    /// joined directly to nearby communes and towns. 0 = no backbone.
    pub backbone_min_pop: u64,
    /// Every commune is joined to its [`Self::backbone_local_k`] nearest
    /// towns within this great-circle radius, in km.
    pub backbone_local_km: f64,
    /// At most this many towns per commune.
    pub backbone_local_k: usize,
    /// Every two towns closer than this great-circle distance, in km, are
    /// joined.
    pub backbone_town_km: f64,
    /// Road length / great-circle length of a backbone edge.
    pub backbone_detour: f64,
    /// Mean driving speed along the road of a backbone edge, in km/h.
    pub backbone_speed_kmh: f64,
    /// Fixed time added to every backbone edge, in seconds.
    pub backbone_s: f64,
    /// Fast tier: backbone edges between two towns of at least this many
    /// inhabitants each (outside [`super::NO_MOTORWAY_DEPS`]) use
    /// [`Self::fast_detour`] and [`Self::fast_speed_kmh`]. 0 = none.
    pub fast_min_pop: u64,
    /// Longest fast-tier edge, great-circle km.
    pub fast_km: f64,
    /// Road length / great-circle length of a fast-tier edge.
    pub fast_detour: f64,
    /// Driving speed of a fast-tier edge, in km/h.
    pub fast_speed_kmh: f64,
}

impl Default for ProfileV1 {
    /// The v1 profile as calibrated (Corsica, class speeds).
    fn default() -> Self {
        ProfileV1 {
            detour: 1.97,
            speed_kmh: 103.0,
            hop_s: 137.0,
            no_polygon_neighbours: 4,
            backbone_min_pop: 5000,
            backbone_local_km: 15.0,
            backbone_local_k: 2,
            backbone_town_km: 60.0,
            backbone_detour: 1.89,
            backbone_speed_kmh: 120.0,
            backbone_s: 360.0,
            fast_min_pop: 20_000,
            fast_km: 100.0,
            fast_detour: 1.35,
            fast_speed_kmh: 130.0,
        }
    }
}

impl ProfileV1 {
    /// The neighbour graph alone (no backbone edges).
    pub fn neighbours_only() -> Self {
        ProfileV1 {
            backbone_min_pop: 0,
            fast_min_pop: 0,
            ..ProfileV1::default()
        }
    }

    /// Time of one hop of `metres` great-circle distance, in tenths of a
    /// second (at least 1).
    pub fn hop_time(&self, metres: f64) -> Time {
        let t = travel_time(metres * self.detour, self.speed_kmh);
        if t == UNREACHABLE {
            return t;
        }
        (t as f64 + self.hop_s * 10.0).round().max(1.0) as Time
    }

    /// Time of a backbone edge of `metres` great-circle distance, in tenths
    /// of a second (at least 1); `fast` for an edge of the fast tier.
    pub fn backbone_time(&self, metres: f64, fast: bool) -> Time {
        let t = if fast {
            travel_time(metres * self.fast_detour, self.fast_speed_kmh)
        } else {
            travel_time(metres * self.backbone_detour, self.backbone_speed_kmh)
        };
        if t == UNREACHABLE {
            return t;
        }
        (t as f64 + self.backbone_s * 10.0).round().max(1.0) as Time
    }

    fn check(&self) -> Result<()> {
        let mut values = vec![
            ("detour", self.detour, DETOUR),
            ("speed_kmh", self.speed_kmh, SPEED_KMH),
            ("hop_s", self.hop_s, SECONDS),
        ];
        if self.backbone_min_pop > 0 {
            values.extend([
                ("backbone_detour", self.backbone_detour, DETOUR),
                ("backbone_speed_kmh", self.backbone_speed_kmh, SPEED_KMH),
                ("backbone_s", self.backbone_s, SECONDS),
                ("backbone_local_km", self.backbone_local_km, KM),
                ("backbone_town_km", self.backbone_town_km, KM),
                ("fast_km", self.fast_km, KM),
            ]);
            if self.fast_min_pop > 0 {
                values.extend([
                    ("fast_detour", self.fast_detour, DETOUR),
                    ("fast_speed_kmh", self.fast_speed_kmh, SPEED_KMH),
                ]);
            }
        }
        check_ranges("v1", &values)
    }
}

/// One value per road class that a link between two communes can have
/// (motorways are a layer of their own, see [`ProfileV2`]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerClass {
    pub expressway: f64,
    pub national: f64,
    pub main_departmental: f64,
    pub departmental: f64,
    pub local: f64,
}

impl PerClass {
    /// The value of a class; motorway links take the expressway value
    /// where a per-class value is asked for them.
    pub fn get(&self, c: RoadClass) -> f64 {
        match c {
            RoadClass::Motorway | RoadClass::Expressway => self.expressway,
            RoadClass::National => self.national,
            RoadClass::MainDepartmental => self.main_departmental,
            RoadClass::Departmental => self.departmental,
            RoadClass::Local => self.local,
        }
    }

    fn all(&self) -> [f64; 5] {
        [
            self.expressway,
            self.national,
            self.main_departmental,
            self.departmental,
            self.local,
        ]
    }
}

/// Parameters of the v2 engine (the links are described in
/// [`mod@super::road_links`]). A link of class `k` between communes `a` and
/// `b` — two neighbouring communes' origins (class `local`), or the points
/// where a numbered road runs in them (the road's class) — `d` metres
/// apart as the crow flies, takes
///
/// ```text
/// d × max(1, detour[k] × t) / speed_kmh[k] + crossing_s[k] × t
///   + town_crossing_s × (√(population(a) / 10,000) + √(population(b) / 10,000)) / 2,
/// t = exp(terrain_slowdown × (τ − terrain_ref))
/// ```
///
/// where τ is the mean terrain measure of `a` and `b` (0–1: share of
/// bends and slopes among their rural accidents) — on a road link, weighed
/// with the road's own records there ([`ProfileV2::road_terrain`]): winding
/// and hilly roads lengthen the road and the crossing of villages, flat ones
/// straighten them (never below the straight line). A path
/// pays one `crossing_s` per link and the full town crossing of every
/// commune it passes through, half of its two ends'.
/// A commune's origin reaches each of its road points (and the points one
/// another) at `access_kmh` as the crow flies; getting on or off a
/// motorway there adds `motorway_access_s` and half the town crossing
/// `town_crossing_s × √(population / 10,000)` (where the interchanges are
/// is not known: every commune a motorway crosses is taken to have one).
/// Motorway links take `d × motorway_detour / motorway_speed_kmh`. A
/// facility reaches its commune's origin at `d × leg_detour /
/// leg_speed_kmh`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileV2 {
    /// Road length / great-circle length of a link, by class (≥ 1).
    pub detour: PerClass,
    /// Driving speed along the road, by class, km/h.
    pub speed_kmh: PerClass,
    /// Time to cross a village (and its junctions) on a link of the class,
    /// seconds, once per link.
    pub crossing_s: PerClass,
    /// Extra crossing time of a commune of 10,000 inhabitants, seconds
    /// (scaled by the square root of the population).
    pub town_crossing_s: f64,
    /// Terrain measure at which links take `detour` and `crossing_s` as
    /// they are.
    pub terrain_ref: f64,
    /// Exponent of the terrain multiplier (see the formula).
    pub terrain_slowdown: f64,
    /// Weight, in accident records, of the two communes' terrain measure
    /// in a road link's τ against the road's own rural records in them:
    /// τ = (bends + slopes on the road + w × communes' τ) / (records + w),
    /// a record counting once for a known layout and once for a known
    /// profile (see [`Self::road_terrain`]). `None` (`null` in a profile
    /// file): the communes' measure alone, as every profile before
    /// `v2#4dcb11c6`; a profile file written before the field existed
    /// needs `"road_terrain_weight": null` to mean what it meant (left
    /// out, it takes the default's value, as every field does). A null
    /// weight is left out of the [`CommuneProfile::tag`], so such a
    /// profile keeps its tag.
    pub road_terrain_weight: Option<f64>,
    /// Road length / great-circle length between two junctions.
    pub motorway_detour: f64,
    /// Motorway driving speed, km/h.
    pub motorway_speed_kmh: f64,
    /// Getting on or off a motorway, each way, seconds.
    pub motorway_access_s: f64,
    /// Speed, as the crow flies, of the local roads between a commune's
    /// origin and the points where numbered roads run in it, km/h.
    pub access_kmh: f64,
    /// Road length / great-circle length of a facility's leg to its
    /// commune's origin.
    pub leg_detour: f64,
    /// Speed of that leg, km/h.
    pub leg_speed_kmh: f64,
    /// How many nearest communes (by origin distance) a commune without
    /// polygon is joined to.
    pub no_polygon_neighbours: usize,
}

impl Default for ProfileV2 {
    /// The calibrated v2 profile (see `docs/commune-engine.md`,
    /// `cargo run --release --example calibrate_commune_profile`; refitted
    /// 2026-12-07 with each road's own winding, the values before are
    /// `V2_BEFORE` in `examples/support/commune_report.rs`).
    fn default() -> Self {
        ProfileV2 {
            detour: PerClass {
                expressway: 1.45,
                national: 1.45,
                main_departmental: 1.45,
                departmental: 1.45,
                local: 1.83,
            },
            speed_kmh: PerClass {
                expressway: 110.0,
                national: 80.0,
                main_departmental: 80.0,
                departmental: 80.0,
                local: 60.0,
            },
            crossing_s: PerClass {
                expressway: 0.0,
                national: 12.0,
                main_departmental: 12.0,
                departmental: 12.0,
                local: 137.5,
            },
            town_crossing_s: 12.0,
            terrain_ref: 0.35,
            terrain_slowdown: 1.6,
            road_terrain_weight: Some(7.49),
            motorway_detour: 1.05,
            motorway_speed_kmh: 130.0,
            motorway_access_s: 332.5,
            access_kmh: 60.0,
            leg_detour: 1.4,
            leg_speed_kmh: 41.5,
            no_polygon_neighbours: 4,
        }
    }
}

impl ProfileV2 {
    /// Time of a link of class `class` (not a motorway), `metres` apart,
    /// terrain measure `terrain` (mean of both ends), between communes of
    /// `pop_a` and `pop_b` inhabitants; tenths of a second, at least 1.
    pub fn link_time(&self, class: RoadClass, metres: f64, terrain: f64, pop_a: u64, pop_b: u64) -> Time {
        let f = self.terrain_factor(terrain);
        let drive_s = metres * (self.detour.get(class) * f).max(1.0) / (self.speed_kmh.get(class) / 3.6);
        let rural_s = drive_s + self.crossing_s.get(class) * f;
        let town_s = 0.5 * self.town_crossing_s * (town(pop_a) + town(pop_b));
        ((rural_s + town_s) * 10.0)
            .round()
            .clamp(1.0, (UNREACHABLE - 1) as f64) as Time
    }

    /// The terrain multiplier of a link of terrain measure `terrain`:
    /// `exp(terrain_slowdown × (terrain − terrain_ref))`, applied to the
    /// detour (a road is never shorter than the straight line) and to the
    /// village crossing.
    pub fn terrain_factor(&self, terrain: f64) -> f64 {
        (self.terrain_slowdown * (terrain - self.terrain_ref)).exp()
    }

    /// The terrain measure of a road link: the mean `communes` measure of
    /// its two ends, weighed with the road's own rural records there
    /// (`counts`, both ends added) when [`Self::road_terrain_weight`] is
    /// set. A national road straightened through hilly country takes its
    /// own, lower measure; a road with few records, its communes'.
    pub fn road_terrain(&self, communes: f64, counts: RuralCounts) -> f64 {
        match self.road_terrain_weight {
            Some(w) if counts.known() > 0 => {
                (counts.winding() as f64 + w * communes) / (counts.known() as f64 + w)
            }
            _ => communes,
        }
    }

    /// Time between two motorway junctions `metres` apart.
    pub fn motorway_time(&self, metres: f64) -> Time {
        travel_time(metres * self.motorway_detour, self.motorway_speed_kmh).max(1)
    }

    /// Time from the origin of a commune of `pop` inhabitants to a road
    /// point `metres` away (or between two road points of a commune);
    /// `motorway`: getting on or off a motorway there, which adds
    /// [`Self::motorway_access_s`] and half the town's crossing (leaving or
    /// entering a town by the motorway; other roads pay it on their links).
    pub fn access_time(&self, metres: f64, motorway: bool, pop: u64) -> Time {
        let mut s = metres / (self.access_kmh / 3.6);
        if motorway {
            s += self.motorway_access_s + 0.5 * self.town_crossing_s * town(pop);
        }
        ((s * 10.0).round() as Time).max(1)
    }

    fn check(&self) -> Result<()> {
        let classes = [
            "expressway",
            "national",
            "main_departmental",
            "departmental",
            "local",
        ];
        let mut values: Vec<(String, f64, (f64, f64))> = Vec::new();
        for (field, per, range) in [
            ("detour", self.detour, DETOUR),
            ("speed_kmh", self.speed_kmh, SPEED_KMH),
            ("crossing_s", self.crossing_s, SECONDS),
        ] {
            for (c, v) in classes.iter().zip(per.all()) {
                values.push((format!("{field}.{c}"), v, range));
            }
        }
        for (field, v, range) in [
            ("town_crossing_s", self.town_crossing_s, SECONDS),
            ("terrain_ref", self.terrain_ref, (0.0, 1.0)),
            ("terrain_slowdown", self.terrain_slowdown, (0.0, 10.0)),
            ("motorway_detour", self.motorway_detour, DETOUR),
            ("motorway_speed_kmh", self.motorway_speed_kmh, SPEED_KMH),
            ("motorway_access_s", self.motorway_access_s, SECONDS),
            ("access_kmh", self.access_kmh, SPEED_KMH),
            ("leg_detour", self.leg_detour, DETOUR),
            ("leg_speed_kmh", self.leg_speed_kmh, SPEED_KMH),
        ] {
            values.push((field.to_string(), v, range));
        }
        if let Some(w) = self.road_terrain_weight {
            values.push(("road_terrain_weight".into(), w, (1e-6, 1e6)));
        }
        let named: Vec<(&str, f64, (f64, f64))> =
            values.iter().map(|(n, v, r)| (n.as_str(), *v, *r)).collect();
        check_ranges("v2", &named)
    }
}

/// Accepted range of a detour factor (road length / great-circle length).
const DETOUR: (f64, f64) = (1.0, 5.0);
/// Accepted range of a speed, km/h: below 1 or above 200 is a typo or a
/// unit error, not a road.
const SPEED_KMH: (f64, f64) = (1.0, 200.0);
/// Accepted range of a fixed time, seconds (at most an hour).
const SECONDS: (f64, f64) = (0.0, 3600.0);
/// Accepted range of a distance, km.
const KM: (f64, f64) = (0.0, 1000.0);

/// The first of `values` (field, value, accepted range) outside its range,
/// as an error naming the field, its value and the range.
fn check_ranges(version: &str, values: &[(&str, f64, (f64, f64))]) -> Result<()> {
    match values
        .iter()
        .find(|(_, v, (lo, hi))| !(v.is_finite() && v >= lo && v <= hi))
    {
        None => Ok(()),
        Some((field, v, (lo, hi))) => Err(Error::Invalid(format!(
            "commune profile {version}: `{field}` is {v:?}; it must be from {lo} to {hi}"
        ))),
    }
}

/// √(population / 10,000).
fn town(pop: u64) -> f64 {
    (pop as f64 / 10_000.0).sqrt()
}

/// The parameters of the commune-estimate engine: which model, and its
/// values. Serialized with a `version` field (`"v1"` or `"v2"`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "version")]
pub enum CommuneProfile {
    #[serde(rename = "v1")]
    V1(ProfileV1),
    #[serde(rename = "v2")]
    V2(ProfileV2),
}

/// Fields of a v2 profile that v1 has not: a file without `version` that
/// has one of them is a v2 profile missing its version.
const V2_ONLY: [&str; 11] = [
    "crossing_s",
    "town_crossing_s",
    "terrain_ref",
    "terrain_slowdown",
    "road_terrain_weight",
    "motorway_detour",
    "motorway_speed_kmh",
    "motorway_access_s",
    "access_kmh",
    "leg_detour",
    "leg_speed_kmh",
];

impl<'de> serde::Deserialize<'de> for CommuneProfile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut v = serde_json::Value::deserialize(d)?;
        let obj = v
            .as_object_mut()
            .ok_or_else(|| D::Error::custom("a commune profile is a JSON object"))?;
        let version = match obj.remove("version") {
            // profiles written before versions existed are v1 files
            None if obj.is_empty() => {
                return Err(D::Error::custom(
                    "an empty profile: give `\"version\": \"v2\"` (or \"v1\") and the values, e.g. the JSON line \
                     `cargo run --release --example validate_commune_engine` prints after `profile`",
                ));
            }
            None if obj.keys().any(|k| V2_ONLY.contains(&k.as_str())) => {
                return Err(D::Error::custom(
                    "a v2 profile (it has v2 fields) without `\"version\": \"v2\"`: add it (a file without \
                     `version` is read as v1)",
                ));
            }
            None => "v1".to_string(),
            Some(serde_json::Value::String(s)) => s,
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "`version` must be \"v1\" or \"v2\", not {other}"
                )));
            }
        };
        match version.as_str() {
            "v1" => serde_json::from_value(v).map(CommuneProfile::V1),
            "v2" => serde_json::from_value(v).map(CommuneProfile::V2),
            other => {
                return Err(D::Error::custom(format!(
                    "unknown profile version `{other}` (v1 or v2)"
                )));
            }
        }
        .map_err(D::Error::custom)
    }
}

impl Default for CommuneProfile {
    /// The v2 profile.
    fn default() -> Self {
        CommuneProfile::V2(ProfileV2::default())
    }
}

impl CommuneProfile {
    /// The v1 profile as calibrated.
    pub fn v1() -> Self {
        CommuneProfile::V1(ProfileV1::default())
    }

    /// The v1 neighbour graph alone (no backbone): the engine before the
    /// backbone, kept for comparisons.
    pub fn neighbours_only() -> Self {
        CommuneProfile::V1(ProfileV1::neighbours_only())
    }

    /// `v1`, `v2`, or the path of a JSON profile file.
    ///
    /// # Errors
    /// An unreadable file or one that is not a profile.
    pub fn from_arg(s: &str) -> Result<Self> {
        match s {
            "v1" => Ok(CommuneProfile::v1()),
            "v2" => Ok(CommuneProfile::default()),
            path => Self::from_file(Path::new(path)),
        }
    }

    /// A JSON profile file (a UTF-8 byte-order mark is skipped), checked.
    ///
    /// # Errors
    /// An unreadable file, one that is not a profile, or a value out of
    /// range (the error names the file and the field).
    pub fn from_file(p: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let prof: CommuneProfile = serde_json::from_str(text).map_err(|e| {
            Error::format(
                p,
                format!("not a commune profile (`v1`, `v2` or a JSON file): {e}"),
            )
        })?;
        prof.check()
            .map_err(|e| Error::format(p, format!("{e}; fix the file")))?;
        Ok(prof)
    }

    /// `v1` or `v2`.
    pub fn version(&self) -> &'static str {
        match self {
            CommuneProfile::V1(_) => "v1",
            CommuneProfile::V2(_) => "v2",
        }
    }

    /// The version and 8 hexadecimal digits of a hash of every parameter
    /// (FNV-1a of the profile's JSON, missing fields filled): `v2#…`. Two
    /// profiles with the same tag make the same times; every output row
    /// made on the commune graph carries it, so that a figure can be traced
    /// to the profile that made it (the validation prints the default's).
    pub fn tag(&self) -> String {
        // A null `road_terrain_weight` is left out: the profiles written
        // before the field existed keep their tags.
        let json =
            serde_json::to_string(self)
                .unwrap_or_default()
                .replacen(",\"road_terrain_weight\":null", "", 1);
        format!(
            "{}#{:08x}",
            self.version(),
            crate::io::fnv1a(json.as_bytes()) >> 32
        )
    }

    /// How many nearest communes a commune without polygon is joined to.
    pub fn no_polygon_neighbours(&self) -> usize {
        match self {
            CommuneProfile::V1(p) => p.no_polygon_neighbours,
            CommuneProfile::V2(p) => p.no_polygon_neighbours,
        }
    }

    /// Time of a leg of `metres` great-circle distance from a facility to
    /// its commune's origin, in tenths of a second.
    pub fn leg_time(&self, metres: f64) -> Time {
        match self {
            CommuneProfile::V1(p) => travel_time(metres * p.detour, p.speed_kmh),
            CommuneProfile::V2(p) => travel_time(metres * p.leg_detour, p.leg_speed_kmh),
        }
    }

    /// Checks the values.
    ///
    /// # Errors
    /// A detour below 1, a speed not above 0, a negative time…
    pub fn check(&self) -> Result<()> {
        match self {
            CommuneProfile::V1(p) => p.check(),
            CommuneProfile::V2(p) => p.check(),
        }
    }

    /// The parameters as (name, value, unit), for logs and reports.
    pub fn parameters(&self) -> Vec<(String, f64, &'static str)> {
        let mut out: Vec<(String, f64, &'static str)> = Vec::new();
        match self {
            CommuneProfile::V1(p) => {
                out.push(("neighbour links: detour factor".into(), p.detour, ""));
                out.push(("neighbour links: speed".into(), p.speed_kmh, "km/h"));
                out.push(("neighbour links: per commune crossed".into(), p.hop_s, "s"));
                out.push((
                    "town links: from population".into(),
                    p.backbone_min_pop as f64,
                    "inhabitants",
                ));
                out.push(("town links: detour factor".into(), p.backbone_detour, ""));
                out.push(("town links: speed".into(), p.backbone_speed_kmh, "km/h"));
                out.push(("town links: per link".into(), p.backbone_s, "s"));
                out.push((
                    "fast links: from population".into(),
                    p.fast_min_pop as f64,
                    "inhabitants",
                ));
                out.push(("fast links: detour factor".into(), p.fast_detour, ""));
                out.push(("fast links: speed".into(), p.fast_speed_kmh, "km/h"));
            }
            CommuneProfile::V2(p) => {
                for c in [
                    RoadClass::Expressway,
                    RoadClass::National,
                    RoadClass::MainDepartmental,
                    RoadClass::Departmental,
                    RoadClass::Local,
                ] {
                    let n = c.as_str();
                    out.push((format!("{n}: speed"), p.speed_kmh.get(c), "km/h"));
                    out.push((format!("{n}: detour factor"), p.detour.get(c), ""));
                    out.push((format!("{n}: per commune crossed"), p.crossing_s.get(c), "s"));
                }
                out.push((
                    "town of 10,000 inhabitants: extra crossing".into(),
                    p.town_crossing_s,
                    "s",
                ));
                out.push(("terrain: reference measure".into(), p.terrain_ref, ""));
                out.push(("terrain: exponent".into(), p.terrain_slowdown, ""));
                if let Some(w) = p.road_terrain_weight {
                    out.push((
                        "terrain: weight of the communes' measure against a road's own accidents".into(),
                        w,
                        "records",
                    ));
                }
                out.push(("motorway: speed".into(), p.motorway_speed_kmh, "km/h"));
                out.push(("motorway: detour factor".into(), p.motorway_detour, ""));
                out.push(("motorway: getting on or off".into(), p.motorway_access_s, "s"));
                out.push((
                    "local roads to a numbered road, as the crow flies".into(),
                    p.access_kmh,
                    "km/h",
                ));
                out.push(("facility leg: speed".into(), p.leg_speed_kmh, "km/h"));
                out.push(("facility leg: detour factor".into(), p.leg_detour, ""));
            }
        }
        out
    }

    /// One line for logs: the tag ([`CommuneProfile::tag`]) and what the
    /// model is.
    pub fn describe(&self) -> String {
        match self {
            CommuneProfile::V1(p) => format!(
                "profile {}: neighbours at great-circle × {} / {} km/h + {} s, towns of {}+ inhabitants at × {} / {} km/h + {} s, \
                 towns of {}+ at × {} / {} km/h",
                self.tag(),
                p.detour,
                p.speed_kmh,
                p.hop_s,
                p.backbone_min_pop,
                p.backbone_detour,
                p.backbone_speed_kmh,
                p.backbone_s,
                p.fast_min_pop,
                p.fast_detour,
                p.fast_speed_kmh
            ),
            CommuneProfile::V2(p) => format!(
                "profile {}: links by the class of the numbered road both communes carry (BAAC, ONISR), km/h \
                 expressway {} / national {} / main departmental {} / departmental {} / local {}, slowed by terrain; \
                 motorways at {} km/h where they run, {} s to get on or off",
                self.tag(),
                p.speed_kmh.expressway,
                p.speed_kmh.national,
                p.speed_kmh.main_departmental,
                p.speed_kmh.departmental,
                p.speed_kmh.local,
                p.motorway_speed_kmh,
                p.motorway_access_s
            ),
        }
    }
}
