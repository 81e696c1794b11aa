//! The car profile: which OpenStreetMap ways a car may use, in which
//! directions, and at what speed.
//!
//! # Default speeds (km/h), when a way has no usable `maxspeed`
//!
//! The defaults are the French *legal* limits of the Code de la route for the
//! kind of road each `highway` class usually is (art. R413-2: 50 in built-up
//! areas, 80 on two-way roads outside them since 1 July 2018 (décret
//! 2018-487), 110 on dual carriageways with a central reservation, 130 on
//! motorways (R413-2 II); R110-2: 20 in a *zone de rencontre*, mapped as
//! `living_street` by OSM France), lowered for the classes whose legal limit
//! is seldom driven (slip roads, tertiary and unclassified country lanes,
//! residential streets, service roads), following the orders of magnitude
//! of OSRM's `car.lua` for those:
//!
//! | `highway` | km/h | why |
//! |---|---|---|
//! | motorway | 130 | R413-2 II (110 in rain is not modelled) |
//! | trunk, oneway (a dual carriageway) | 110 | R413-2 II, *routes à deux chaussées séparées* |
//! | trunk, two-way | 80 | R413-2 (rural default) |
//! | primary, secondary | 80 | R413-2 rural default; through towns OSM France tags `maxspeed=50` |
//! | tertiary | 70 | narrower departmental roads (OSRM: 40) |
//! | unclassified | 50 | *routes communales* (OSRM: 25) |
//! | residential | 30 | built-up streets with junctions (OSRM: 25) |
//! | living_street | 20 | R110-2 zone de rencontre |
//! | service | 15 | OSRM's value; `service=emergency_access` is excluded |
//! | road (unknown class) | 40 | |
//! | motorway_link 70, trunk_link 60, primary_link 50, secondary_link 50, tertiary_link 40 | | slip roads |
//!
//! Other classes (track, path, footway, cycleway, construction, proposed,
//! platform, …) are not car roads here, as in OSRM's car profile and OSMnx's
//! `drive` network.
//!
//! # `maxspeed`
//! `maxspeed` (or, per direction, `maxspeed:forward` / `maxspeed:backward`)
//! replaces the default when it parses: a number of km/h (`90`, `90 km/h`),
//! a number of miles per hour (`30 mph`, × 1.609344), or a French implicit
//! limit: `FR:urban` 50, `FR:rural` 80, `FR:motorway` 130, `FR:zone30` 30,
//! `FR:living_street`/`FR:zone20` 20, `FR:walk`/`walk` 6, `FR:trunk` 110. When
//! `maxspeed` is absent, `maxspeed:type`, `source:maxspeed` and
//! `zone:maxspeed` are read for the same implicit values (OSM France tags
//! `source:maxspeed=FR:urban` on town streets). Several values (`50;70`)
//! give the lowest. `none`, `signals`, `variable` and anything unparsable or
//! outside 1..=200 km/h fall back to the class default (the unparsable ones
//! are counted in the import report).
//!
//! # Direction
//! `oneway=yes|true|1` forward only, `-1|reverse` backward only,
//! `no|false|0|alternating` both. Without `oneway`, `junction=roundabout|circular`
//! and `highway=motorway` are one-way forward (as in OSRM). `oneway=reversible`
//! is not used.
//!
//! # Access
//! The most specific of `motorcar`, `motor_vehicle`, `vehicle`, `access`
//! decides: `no`, `private`, `agricultural`, `forestry`, `emergency`, `psv`,
//! `bus`, `delivery`, `customers`, `military` exclude the way (OSRM's car
//! black list); `destination`, `permissive`, `yes`, `designated` allow it.
//!
//! # Ferries
//! `route=ferry` ways are used unless cars are excluded by the access tags
//! above. Their time is the `duration` tag (`HH:MM`, `HH:MM:SS`, minutes, or
//! ISO 8601 `PT1H30M`) spread along the way; without it, 5 km/h (OSRM's
//! default ferry speed). Ferries are never snapping targets.
//!
//! # Winding roads
//! Class speeds are legal limits; on a mountain road nobody drives them
//! (Corsica: Ajaccio–Bastia at class speeds takes under 2 h, route planners
//! say 2 h 40 – 2 h 55). [`WindingParams`] slows the bends down, from one
//! measure every source has: the **sinuosity** `S` of each road between two
//! junctions (a contracted chain), its along-road length over the
//! great-circle distance between its ends. It is GraphHopper's `curvature`
//! (its inverse, per edge between junctions), and it means the same for
//! OpenStreetMap (the length is summed over the full way geometry) and for
//! MATSim or link tables (whose links are straight segments but carry the
//! true along-road `length`): a measure from the turning of the drawn
//! geometry would not, since MATSim keeps no shape points.
//!
//! A chain is read as straight parts driven at the class speed and bends
//! driven at most at [`WindingParams::bend_kmh`]; the share of bends grows
//! linearly with `S`, from 0 at [`WindingParams::straight_below`] to all of
//! the chain at [`WindingParams::all_bends_from`]:
//!
//! `p = clamp((S − S0) / (S1 − S0), 0, 1)`,
//! `t = t_class + p · max(0, length / v_bend − t_class)`.
//!
//! The defaults, and why:
//!
//! | parameter | value | reason |
//! |---|---|---|
//! | `straight_below` S0 | 1.05 | one arc turning by 60° between junctions has S = 1.047: gentle sweeps of main roads, not bends; the flat OSM corridor St-Brieuc–Loudéac measures 1.00 and 1.03 |
//! | `all_bends_from` S1 | π/2 ≈ 1.571 | a road made only of alternating half-circles (a serpentine) has S = π/2 |
//! | `bend_kmh` | 40 | 85th-percentile speed in a curve of 40 m radius by the French ARP (SETRA 1994) relation V85 = 102 / (1 + 346 / R^1.5) is 43 km/h; route planners drive Dolomites hairpin passes (primary roads) at 37–42 km/h (Valhalla issue 850) |
//!
//! The correction applies to every class except motorways, slip roads
//! (`*_link`: curved by design, already slow) and ferries; a class already
//! slower than `bend_kmh` (residential streets) is unchanged. Turn it off
//! with `winding: None` (`--no-winding` on the command line).

/// What the profile makes of one way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaySpeed {
    /// Speed along the way's node order in km/h; `None` when forbidden.
    pub forward_kmh: Option<f64>,
    /// Speed against the node order in km/h; `None` when forbidden.
    pub backward_kmh: Option<f64>,
    /// A ferry's whole crossing time in seconds, spread along its length
    /// (replaces the speeds).
    pub ferry_duration_s: Option<f64>,
    /// Whether points may snap to this way (not ferries, not motorways:
    /// one enters those only at their ends).
    pub snappable: bool,
    /// A `maxspeed` value was present but could not be used.
    pub maxspeed_unparsed: bool,
    /// Whether the winding-road correction may slow this way (not ferries,
    /// motorways or slip roads; see [`CarProfile::winding`]).
    pub winding: bool,
}

/// The winding-road speed correction (see the module docs for the model
/// and the reasons for the defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindingParams {
    /// Sinuosity (along-road length / great-circle distance, ≥ 1) at and
    /// below which a road is straight: no slowdown.
    pub straight_below: f64,
    /// Sinuosity from which the whole road is bends.
    pub all_bends_from: f64,
    /// Speed through bends, km/h.
    pub bend_kmh: f64,
}

impl Default for WindingParams {
    fn default() -> Self {
        WindingParams {
            straight_below: 1.05,
            all_bends_from: std::f64::consts::FRAC_PI_2,
            bend_kmh: 40.0,
        }
    }
}

impl WindingParams {
    /// Share of a road driven as bends, 0..=1, from its sinuosity
    /// (along-road length / great-circle distance between its ends).
    ///
    /// # Examples
    /// ```
    /// let w = medaccess::roads::WindingParams::default();
    /// assert_eq!(w.bend_share(1.02), 0.0);
    /// assert!((w.bend_share(1.31) - 0.5).abs() < 0.01);
    /// assert_eq!(w.bend_share(3.0), 1.0);
    /// ```
    pub fn bend_share(&self, sinuosity: f64) -> f64 {
        let span = self.all_bends_from - self.straight_below;
        // NaN (a degenerate chain) counts as straight.
        if sinuosity.is_nan() || sinuosity <= self.straight_below {
            return 0.0;
        }
        if span <= 0.0 {
            return 1.0;
        }
        ((sinuosity - self.straight_below) / span).min(1.0)
    }

    /// Seconds to drive `length_m` metres that take `seconds` at the class
    /// speed, on a road whose bend share is `share` (see
    /// [`Self::bend_share`]): only the bends are slowed, and only down to
    /// [`Self::bend_kmh`].
    ///
    /// # Examples
    /// ```
    /// let w = medaccess::roads::WindingParams::default();
    /// // 1 km at 80 km/h (45 s), all bends: driven at 40 km/h (90 s).
    /// assert_eq!(w.seconds(45.0, 1000.0, 1.0), 90.0);
    /// // A residential street (30 km/h, 120 s) is not slowed.
    /// assert_eq!(w.seconds(120.0, 1000.0, 1.0), 120.0);
    /// ```
    pub fn seconds(&self, seconds: f64, length_m: f64, share: f64) -> f64 {
        let bend_s = length_m / (self.bend_kmh / 3.6);
        seconds + share * (bend_s - seconds).max(0.0)
    }

    /// Whether the correction applies to a `highway` class: not motorways
    /// nor slip roads (`*_link`).
    pub fn applies_to(highway: &str) -> bool {
        highway != "motorway" && !highway.ends_with("_link")
    }

    /// Whether a link of the non-OSM readers (MATSim, link tables, IGN) may
    /// be slowed: never when its speed comes from the source (a measured
    /// speed already includes the bends), else by its class as
    /// [`Self::applies_to`] (a link of unknown class may be).
    pub fn applies_to_link(class: Option<&str>, source_speed: bool) -> bool {
        !source_speed && class.is_none_or(Self::applies_to)
    }
}

/// A car profile: default speeds per `highway` class. Its [`name`](Self::name)
/// and [`fingerprint`](Self::fingerprint) key the graph cache.
#[derive(Debug, Clone, PartialEq)]
pub struct CarProfile {
    /// Short name written in outputs (`car-fr`).
    pub name: String,
    /// Default speed per `highway` value in km/h (sorted by class name).
    pub class_kmh: Vec<(String, f64)>,
    /// Speed of a two-way `trunk` without `maxspeed`, km/h.
    pub trunk_two_way_kmh: f64,
    /// Speed of a ferry without `duration`, km/h.
    pub ferry_kmh: f64,
    /// The winding-road correction; `None` keeps the class speeds as they
    /// are (what OSMnx computes, for cross-checks).
    pub winding: Option<WindingParams>,
}

impl Default for CarProfile {
    fn default() -> Self {
        Self::france()
    }
}

/// Access values that exclude cars (OSRM car profile's black list).
const DENY: &[&str] = &[
    "no",
    "private",
    "agricultural",
    "forestry",
    "emergency",
    "psv",
    "bus",
    "delivery",
    "customers",
    "military",
];

impl CarProfile {
    /// The French car profile documented in this module.
    pub fn france() -> Self {
        let mut class_kmh: Vec<(String, f64)> = [
            ("motorway", 130.0),
            ("motorway_link", 70.0),
            ("trunk", 110.0),
            ("trunk_link", 60.0),
            ("primary", 80.0),
            ("primary_link", 50.0),
            ("secondary", 80.0),
            ("secondary_link", 50.0),
            ("tertiary", 70.0),
            ("tertiary_link", 40.0),
            ("unclassified", 50.0),
            ("residential", 30.0),
            ("living_street", 20.0),
            ("service", 15.0),
            ("road", 40.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        class_kmh.sort_by(|a, b| a.0.cmp(&b.0));
        CarProfile {
            name: "car-fr".into(),
            class_kmh,
            trunk_two_way_kmh: 80.0,
            ferry_kmh: 5.0,
            winding: Some(WindingParams::default()),
        }
    }

    /// The name written in outputs and reports: the profile's name and
    /// whether bends are slowed (`car-fr, winding roads slowed (S 1.05–1.571,
    /// bends 40 km/h)` or `car-fr, class speeds only`).
    ///
    /// # Examples
    /// ```
    /// use medaccess::roads::CarProfile;
    /// assert_eq!(CarProfile::france().without_winding().label(), "car-fr, class speeds only");
    /// ```
    pub fn label(&self) -> String {
        match &self.winding {
            Some(w) => format!(
                "{}, winding roads slowed (S {}–{:.3}, bends {} km/h)",
                self.name, w.straight_below, w.all_bends_from, w.bend_kmh
            ),
            None => format!("{}, class speeds only", self.name),
        }
    }

    /// This profile without the winding-road correction.
    pub fn without_winding(self) -> Self {
        CarProfile {
            winding: None,
            ..self
        }
    }

    /// Default speed of a `highway` class in km/h; `None` when cars do not
    /// use that class.
    pub fn class_speed(&self, highway: &str) -> Option<f64> {
        self.class_kmh
            .binary_search_by(|(k, _)| k.as_str().cmp(highway))
            .ok()
            .map(|i| self.class_kmh[i].1)
    }

    /// A stable text describing every setting, hashed into the cache key.
    pub fn fingerprint(&self) -> String {
        let mut s = format!(
            "{};trunk2={};ferry={}",
            self.name, self.trunk_two_way_kmh, self.ferry_kmh
        );
        for (k, v) in &self.class_kmh {
            s.push_str(&format!(";{k}={v}"));
        }
        match &self.winding {
            Some(w) => s.push_str(&format!(
                ";winding={}/{}/{}",
                w.straight_below, w.all_bends_from, w.bend_kmh
            )),
            None => s.push_str(";winding=off"),
        }
        s
    }

    /// Applies the profile to a way's tags (`tag(key)` gives a value).
    /// `None` when cars cannot use the way at all.
    ///
    /// # Examples
    /// ```
    /// use medaccess::roads::CarProfile;
    /// let p = CarProfile::france();
    /// let tags = [("highway", "primary"), ("oneway", "-1"), ("maxspeed", "FR:urban")];
    /// let s = p.way_speed(|k| tags.iter().find(|t| t.0 == k).map(|t| t.1)).unwrap();
    /// assert_eq!((s.forward_kmh, s.backward_kmh), (None, Some(50.0)));
    /// ```
    pub fn way_speed<'a>(&self, tag: impl Fn(&str) -> Option<&'a str>) -> Option<WaySpeed> {
        if !car_access(&tag) {
            return None;
        }
        let ferry = tag("route") == Some("ferry");
        let highway = tag("highway");
        if !ferry && (tag("area") == Some("yes") || tag("impassable") == Some("yes")) {
            return None;
        }
        if !ferry && tag("service") == Some("emergency_access") {
            return None;
        }
        let (dir_fwd, dir_bwd) = match tag("oneway") {
            Some("yes" | "true" | "1") => (true, false),
            Some("-1" | "reverse") => (false, true),
            Some("no" | "false" | "0" | "alternating") => (true, true),
            Some("reversible") => return None,
            _ => {
                let implied =
                    matches!(tag("junction"), Some("roundabout" | "circular")) || highway == Some("motorway");
                (true, !implied)
            }
        };
        if ferry {
            let kmh = self.ferry_kmh;
            return Some(WaySpeed {
                forward_kmh: dir_fwd.then_some(kmh),
                backward_kmh: dir_bwd.then_some(kmh),
                ferry_duration_s: tag("duration").and_then(parse_duration_s),
                snappable: false,
                maxspeed_unparsed: false,
                winding: false,
            });
        }
        let highway = highway?;
        let mut default = self.class_speed(highway)?;
        if highway == "trunk" && dir_fwd && dir_bwd {
            default = default.min(self.trunk_two_way_kmh);
        }
        let mut unparsed = false;
        let mut pick = |key: &str| -> Option<f64> {
            let v = tag(key)?;
            match parse_maxspeed(v) {
                MaxSpeed::Kmh(k) => Some(k),
                MaxSpeed::NoLimit => None,
                MaxSpeed::Invalid => {
                    unparsed = true;
                    None
                }
            }
        };
        let both = pick("maxspeed").or_else(|| {
            ["maxspeed:type", "source:maxspeed", "zone:maxspeed"]
                .iter()
                .find_map(|k| tag(k).and_then(implicit_fr))
        });
        let fwd = pick("maxspeed:forward").or(both).unwrap_or(default);
        let bwd = pick("maxspeed:backward").or(both).unwrap_or(default);
        Some(WaySpeed {
            forward_kmh: dir_fwd.then_some(fwd),
            backward_kmh: dir_bwd.then_some(bwd),
            ferry_duration_s: None,
            snappable: !matches!(highway, "motorway" | "motorway_link"),
            maxspeed_unparsed: unparsed,
            winding: WindingParams::applies_to(highway),
        })
    }
}

fn car_access<'a>(tag: &impl Fn(&str) -> Option<&'a str>) -> bool {
    for key in ["motorcar", "motor_vehicle", "vehicle", "access"] {
        if let Some(v) = tag(key) {
            return !DENY.contains(&v);
        }
    }
    true
}

/// A parsed `maxspeed` value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxSpeed {
    /// A limit in km/h.
    Kmh(f64),
    /// `none`, `signals`, `variable`: no fixed limit, use the class default.
    NoLimit,
    /// Not understood, or outside 1..=200 km/h.
    Invalid,
}

/// French implicit limits (`FR:urban` …) in km/h.
fn implicit_fr(v: &str) -> Option<f64> {
    let v = v.trim();
    let v = v.strip_prefix("FR:").unwrap_or(v);
    Some(match v {
        "urban" => 50.0,
        "rural" => 80.0,
        "motorway" => 130.0,
        "trunk" | "expressway" => 110.0,
        "zone30" | "30" => 30.0,
        "zone20" | "living_street" | "20" => 20.0,
        "walk" => 6.0,
        _ => return None,
    })
}

/// Parses a `maxspeed` value (see the module docs).
///
/// # Examples
/// ```
/// use medaccess::roads::{parse_maxspeed, MaxSpeed};
/// assert_eq!(parse_maxspeed("90"), MaxSpeed::Kmh(90.0));
/// assert_eq!(parse_maxspeed("FR:rural"), MaxSpeed::Kmh(80.0));
/// assert_eq!(parse_maxspeed("50;70"), MaxSpeed::Kmh(50.0));
/// assert_eq!(parse_maxspeed("none"), MaxSpeed::NoLimit);
/// assert_eq!(parse_maxspeed("fast"), MaxSpeed::Invalid);
/// ```
pub fn parse_maxspeed(value: &str) -> MaxSpeed {
    let mut best: Option<f64> = None;
    let mut no_limit = false;
    for part in value.split(';') {
        let p = part.trim();
        if matches!(p, "none" | "signals" | "variable" | "FR:none") {
            no_limit = true;
            continue;
        }
        let kmh = if let Some(k) = implicit_fr(p).filter(|_| p.starts_with("FR:") || p == "walk") {
            Some(k)
        } else if let Some(n) = p.strip_suffix("mph") {
            n.trim().parse::<f64>().ok().map(|m| m * 1.609344)
        } else {
            let n = p
                .strip_suffix("km/h")
                .or_else(|| p.strip_suffix("kmh"))
                .or_else(|| p.strip_suffix("kph"))
                .unwrap_or(p);
            n.trim().parse::<f64>().ok()
        };
        match kmh {
            Some(k) if (1.0..=200.0).contains(&k) => best = Some(best.map_or(k, |b: f64| b.min(k))),
            _ => return MaxSpeed::Invalid,
        }
    }
    match best {
        Some(k) => MaxSpeed::Kmh(k),
        None if no_limit => MaxSpeed::NoLimit,
        None => MaxSpeed::Invalid,
    }
}

/// Parses a ferry `duration` into seconds: `HH:MM`, `HH:MM:SS`, a number of
/// minutes, or ISO 8601 `PT1H30M` / `PT45M` / `PT90S`. `None` when
/// unparsable or not positive.
///
/// # Examples
/// ```
/// use medaccess::roads::parse_duration_s;
/// assert_eq!(parse_duration_s("01:30"), Some(5400.0));
/// assert_eq!(parse_duration_s("PT1H5M"), Some(3900.0));
/// assert_eq!(parse_duration_s("45"), Some(2700.0));
/// ```
pub fn parse_duration_s(value: &str) -> Option<f64> {
    let v = value.trim();
    let secs = if let Some(iso) = v.strip_prefix("PT").or_else(|| v.strip_prefix("pt")) {
        let mut total = 0.0;
        let mut num = String::new();
        for c in iso.chars() {
            match c.to_ascii_uppercase() {
                '0'..='9' | '.' => num.push(c),
                u @ ('H' | 'M' | 'S') => {
                    let n: f64 = num.parse().ok()?;
                    total += n * match u {
                        'H' => 3600.0,
                        'M' => 60.0,
                        _ => 1.0,
                    };
                    num.clear();
                }
                _ => return None,
            }
        }
        if !num.is_empty() {
            return None;
        }
        total
    } else if v.contains(':') {
        let parts: Vec<f64> = v
            .split(':')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .ok()?;
        match parts.as_slice() {
            [h, m] => h * 3600.0 + m * 60.0,
            [h, m, s] => h * 3600.0 + m * 60.0 + s,
            _ => return None,
        }
    } else {
        v.parse::<f64>().ok()? * 60.0
    };
    (secs.is_finite() && secs > 0.0).then_some(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speed(tags: &[(&str, &str)]) -> Option<WaySpeed> {
        CarProfile::france().way_speed(|k| tags.iter().find(|t| t.0 == k).map(|t| t.1))
    }

    #[test]
    fn classes_and_access() {
        let s = speed(&[("highway", "secondary")]).unwrap();
        assert_eq!((s.forward_kmh, s.backward_kmh), (Some(80.0), Some(80.0)));
        assert!(speed(&[("highway", "track")]).is_none());
        assert!(speed(&[("highway", "residential"), ("access", "private")]).is_none());
        assert!(
            speed(&[
                ("highway", "residential"),
                ("access", "no"),
                ("motor_vehicle", "yes")
            ])
            .is_some()
        );
        assert!(speed(&[("highway", "residential"), ("motor_vehicle", "private")]).is_none());
        let m = speed(&[("highway", "motorway")]).unwrap();
        assert_eq!(
            (m.forward_kmh, m.backward_kmh, m.snappable),
            (Some(130.0), None, false)
        );
        let t = speed(&[("highway", "trunk")]).unwrap();
        assert_eq!(t.forward_kmh, Some(80.0));
        let t = speed(&[("highway", "trunk"), ("oneway", "yes")]).unwrap();
        assert_eq!(t.forward_kmh, Some(110.0));
        let r = speed(&[("highway", "tertiary"), ("junction", "roundabout")]).unwrap();
        assert_eq!(r.backward_kmh, None);
        let f = speed(&[("route", "ferry"), ("duration", "00:20")]).unwrap();
        assert_eq!(f.ferry_duration_s, Some(1200.0));
        assert!(speed(&[("route", "ferry"), ("motorcar", "no")]).is_none());
    }

    #[test]
    fn winding_settings() {
        let on = CarProfile::france();
        let off = CarProfile::france().without_winding();
        // The cache is rebuilt when the correction is switched.
        assert_ne!(on.fingerprint(), off.fingerprint());
        let w = on.winding.unwrap();
        // Straight and gently curved roads keep their class speed.
        assert_eq!(w.bend_share(1.0), 0.0);
        assert_eq!(w.bend_share(w.straight_below), 0.0);
        assert_eq!(w.bend_share(f64::NAN), 0.0);
        // A serpentine of half-circles is all bends; more cannot be slower.
        assert_eq!(w.bend_share(std::f64::consts::FRAC_PI_2), 1.0);
        assert_eq!(w.bend_share(5.0), 1.0);
        // 1 km of primary road (80 km/h, 45 s), half bends: 45 + 0.5 × 45.
        assert!((w.seconds(45.0, 1000.0, 0.5) - 67.5).abs() < 1e-9);
        assert!(speed(&[("highway", "primary")]).unwrap().winding);
        for hw in ["motorway", "trunk_link", "motorway_link"] {
            assert!(!speed(&[("highway", hw)]).unwrap().winding, "{hw}");
        }
        assert!(!speed(&[("route", "ferry")]).unwrap().winding);
    }

    #[test]
    fn maxspeed_rules() {
        assert_eq!(parse_maxspeed("30 mph"), MaxSpeed::Kmh(30.0 * 1.609344));
        assert_eq!(parse_maxspeed("FR:motorway"), MaxSpeed::Kmh(130.0));
        assert_eq!(parse_maxspeed("70 km/h"), MaxSpeed::Kmh(70.0));
        assert_eq!(parse_maxspeed("0"), MaxSpeed::Invalid);
        assert_eq!(parse_maxspeed(""), MaxSpeed::Invalid);
        let s = speed(&[
            ("highway", "primary"),
            ("maxspeed", "90"),
            ("maxspeed:backward", "70"),
        ])
        .unwrap();
        assert_eq!((s.forward_kmh, s.backward_kmh), (Some(90.0), Some(70.0)));
        let s = speed(&[("highway", "primary"), ("source:maxspeed", "FR:urban")]).unwrap();
        assert_eq!(s.forward_kmh, Some(50.0));
        let s = speed(&[("highway", "primary"), ("maxspeed", "lots")]).unwrap();
        assert_eq!(s.forward_kmh, Some(80.0));
        assert!(s.maxspeed_unparsed);
        assert_eq!(parse_duration_s("1:00:30"), Some(3630.0));
        assert_eq!(parse_duration_s("x"), None);
        assert_eq!(parse_duration_s("PT"), Some(0.0).filter(|_| false));
    }
}
