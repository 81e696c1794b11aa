use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Bands, PlaceAccess};
use crate::places::{Place, Site};

/// Totals for one département (or for the whole scope).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DepSummary {
    pub communes: usize,
    pub population: u64,
    pub communes_beyond: usize,
    pub population_beyond: u64,
    /// Population-weighted mean minutes over reachable places.
    pub mean_minutes: f64,
    pub max_minutes: f64,
    weighted_sum: f64,
    weight: u64,
}

impl DepSummary {
    fn add(&mut self, pop: u64, minutes: Option<f64>, beyond: bool) {
        self.communes += 1;
        self.population += pop;
        if beyond {
            self.communes_beyond += 1;
            self.population_beyond += pop;
        }
        if let Some(m) = minutes {
            self.weighted_sum += m * pop as f64;
            self.weight += pop;
            self.max_minutes = self.max_minutes.max(m);
        }
        self.mean_minutes = if self.weight > 0 {
            self.weighted_sum / self.weight as f64
        } else {
            0.0
        };
    }
}

/// What a planner reads first.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub threshold_minutes: f64,
    pub band_labels: Vec<String>,
    /// Per band: (communes, population); the last entry is "unreachable".
    pub bands: Vec<(usize, u64)>,
    pub total: DepSummary,
    pub by_dep: BTreeMap<String, DepSummary>,
    /// The worst places: (index into places, minutes or None), worst first.
    pub worst: Vec<(usize, Option<f64>)>,
    /// Places whose origin is not the checked town hall.
    pub origin_fallbacks: usize,
    /// Sites serving some place whose position is a fallback (commune town hall).
    pub site_fallbacks: usize,
    /// What the run found suspect in its inputs and the user should know
    /// (a polygon repaired, a sparse network…), one line each.
    pub warnings: Vec<String>,
}

/// A place is beyond the threshold when its time is strictly greater, or
/// when no site is reachable.
pub fn is_beyond(minutes: Option<f64>, threshold: f64) -> bool {
    minutes.is_none_or(|m| m > threshold)
}

/// The largest time (tenths of a second) that [`is_beyond`] keeps within
/// `threshold` minutes, `None` when not even 0 is: `t <= last` is then the
/// very same test on integer times (found by bisection on `is_beyond`
/// itself, so the two never disagree through rounding).
pub fn last_time_within(threshold: f64) -> Option<crate::units::Time> {
    use crate::units::{UNREACHABLE, to_minutes};
    let beyond = |t| is_beyond(to_minutes(t), threshold);
    if beyond(0) {
        return None;
    }
    let (mut lo, mut hi) = (0, UNREACHABLE); // within at lo, beyond at hi
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if beyond(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(lo)
}

/// Builds the summary; `worst_n` places are listed, worst first (ties by id).
pub fn summarize(
    places: &[Place],
    access: &[PlaceAccess],
    sites: &[Site],
    bands: &Bands,
    threshold: f64,
    worst_n: usize,
) -> Summary {
    let mut band_counts = vec![(0usize, 0u64); bands.len() + 1];
    let mut total = DepSummary::default();
    let mut by_dep: BTreeMap<String, DepSummary> = BTreeMap::new();
    for (p, a) in places.iter().zip(access) {
        let m = a.minutes();
        let pop = p.population.unwrap_or(0);
        let b = bands.index(m).unwrap_or(bands.len());
        band_counts[b].0 += 1;
        band_counts[b].1 += pop;
        let beyond = is_beyond(m, threshold);
        total.add(pop, m, beyond);
        by_dep.entry(p.dep.clone()).or_default().add(pop, m, beyond);
    }
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by(|&i, &j| {
        let key = |k: usize| access[k].minutes().unwrap_or(f64::INFINITY);
        key(j)
            .total_cmp(&key(i))
            .then_with(|| places[i].id.cmp(&places[j].id))
    });
    let worst = order
        .into_iter()
        .take(worst_n)
        .map(|i| (i, access[i].minutes()))
        .collect();
    let mut band_labels = bands.labels();
    band_labels.push("unreachable".into());
    Summary {
        threshold_minutes: threshold,
        band_labels,
        bands: band_counts,
        total,
        by_dep,
        worst,
        origin_fallbacks: places.iter().filter(|p| p.origin_source != "mairie").count(),
        // only the sites serving some place here: fallbacks elsewhere in a
        // national list say nothing about this scope
        site_fallbacks: access
            .iter()
            .filter(|a| !a.first.is_none())
            .map(|a| a.first.source)
            .collect::<std::collections::BTreeSet<u32>>()
            .into_iter()
            .filter(|&k| sites[k as usize].position_source == "commune-town-hall")
            .count(),
        warnings: Vec::new(),
    }
}

/// Formats an integer with thin grouping: 677309 -> "677 309".
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

impl Summary {
    /// A plain-text report for the terminal.
    pub fn render(&self, places: &[Place], access: &[PlaceAccess], sites: &[Site]) -> String {
        let mut s = String::new();
        let t = &self.total;
        let pct = |a: u64, b: u64| if b == 0 { 0.0 } else { 100.0 * a as f64 / b as f64 };
        let _ = writeln!(
            s,
            "{} communes, population {}; beyond {} min: {} communes, population {} ({:.1} %)",
            t.communes,
            group(t.population),
            self.threshold_minutes,
            t.communes_beyond,
            group(t.population_beyond),
            pct(t.population_beyond, t.population)
        );
        let _ = writeln!(s, "\n  band          communes   population");
        for (l, (c, p)) in self.band_labels.iter().zip(&self.bands) {
            if l == "unreachable" && *c == 0 {
                continue;
            }
            let _ = writeln!(
                s,
                "  {:<12} {:>9} {:>12}",
                format!("{l}{}", if l == "unreachable" { "" } else { " min" }),
                c,
                group(*p)
            );
        }
        if self.by_dep.len() > 1 || !self.by_dep.is_empty() {
            let _ = writeln!(
                s,
                "\n  dep  communes   population  beyond: communes   population   mean min   max min"
            );
            for (d, x) in &self.by_dep {
                let _ = writeln!(
                    s,
                    "  {:<4} {:>8} {:>12}  {:>16} {:>12} {:>10.1} {:>9.1}",
                    d,
                    x.communes,
                    group(x.population),
                    x.communes_beyond,
                    group(x.population_beyond),
                    x.mean_minutes,
                    x.max_minutes
                );
            }
        }
        let _ = writeln!(s, "\n  worst communes:");
        for &(i, m) in &self.worst {
            let p = &places[i];
            let site = access[i].first;
            let site_name = if site.is_none() {
                "-".to_string()
            } else {
                sites[site.source as usize].name.clone()
            };
            let _ = writeln!(
                s,
                "  {:>6} min  {} {} (pop. {}) -> {}",
                m.map_or("-".into(), |m| format!("{m:.1}")),
                p.id,
                p.name,
                group(p.population.unwrap_or(0)),
                site_name
            );
        }
        let _ = writeln!(
            s,
            "\n  origins not at the checked town hall: {}; facilities serving these communes placed at their commune's town hall: {}",
            self.origin_fallbacks, self.site_fallbacks
        );
        if !self.warnings.is_empty() {
            let _ = writeln!(s, "\n  warnings ({}):", self.warnings.len());
            for w in &self.warnings {
                let _ = writeln!(s, "  - {w}");
            }
        }
        s
    }
}
