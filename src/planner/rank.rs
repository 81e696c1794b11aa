use super::margin::Margin;
use crate::access::{PlaceAccess, last_time_within};
use crate::units::Time;

/// What closing one facility alone would do.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosureImpact {
    /// Index of the facility.
    pub site: usize,
    /// Places whose nearest facility it is.
    pub places_served: usize,
    pub population_served: u64,
    /// Places within the threshold today that would be beyond it.
    pub places_newly_beyond: usize,
    pub population_newly_beyond: u64,
    /// Sum over the people it serves of the minutes added by driving to
    /// their second-nearest facility (people left with none are counted in
    /// `population_left_without` instead).
    pub person_minutes_added: f64,
    pub population_left_without: u64,
    /// Among the people it serves who are within the threshold today, those
    /// whose second-nearest facility lies within 2 minutes of the threshold
    /// on either side: how far `population_newly_beyond` rests on the last
    /// minutes ([`Margin::fragile`]).
    pub margin: Margin,
}

impl ClosureImpact {
    /// Whether `population_newly_beyond` could change by half or more with a
    /// 2-minute error in the times.
    pub fn fragile(&self) -> bool {
        self.margin.fragile(self.population_newly_beyond)
    }
}

/// Ranks every facility by the population its closure alone would push
/// beyond `threshold` minutes (then by person-minutes added, then by index).
///
/// Exact, from one multi-source pass: when facility f closes, each place
/// served by f falls back to its second-nearest facility, and no other
/// place changes (its nearest facility is still open). Tests check it
/// against closing and re-running.
pub fn rank_closures(
    num_sites: usize,
    access: &[PlaceAccess],
    population: &[u64],
    threshold: f64,
) -> Vec<ClosureImpact> {
    let mut out: Vec<ClosureImpact> = (0..num_sites)
        .map(|site| ClosureImpact {
            site,
            places_served: 0,
            population_served: 0,
            places_newly_beyond: 0,
            population_newly_beyond: 0,
            person_minutes_added: 0.0,
            population_left_without: 0,
            margin: Margin::default(),
        })
        .collect();
    // `is_beyond` on minutes, as integer comparisons of times
    let within = last_time_within(threshold);
    let is_within = |t: Time| within.is_some_and(|w| t <= w);
    for (a, &pop) in access.iter().zip(population) {
        if a.first.is_none() {
            continue;
        }
        let r = &mut out[a.first.source as usize];
        r.places_served += 1;
        r.population_served += pop;
        // (no second site: its time is UNREACHABLE, never within)
        if is_within(a.first.time) {
            if !is_within(a.second.time) {
                r.places_newly_beyond += 1;
                r.population_newly_beyond += pop;
            }
            r.margin.add(a.second.time_minutes(), threshold, pop);
        }
        match (a.minutes(), a.second.time_minutes()) {
            (Some(b), Some(x)) => r.person_minutes_added += pop as f64 * (x - b),
            _ => r.population_left_without += pop,
        }
    }
    out.sort_by(|a, b| {
        b.population_newly_beyond
            .cmp(&a.population_newly_beyond)
            .then(b.person_minutes_added.total_cmp(&a.person_minutes_added))
            .then(a.site.cmp(&b.site))
    });
    out
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::access::{is_beyond, nearest_sites};
    use crate::places::{Place, Site};

    /// Naive: close each facility, rerun, compare.
    #[test]
    fn equals_close_and_rerun() {
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        for case in 0..60 {
            let syn = crate::synthetic::road_grid(12, 10, case);
            // odd cases on the grid with every street two-way: a symmetric
            // graph, which nearest_two reads once for both directions
            let both_ways;
            let g = if case % 2 == 1 {
                let edges: Vec<_> = syn
                    .graph
                    .edges()
                    .flat_map(|e| [e, crate::graph::Edge::new(e.to, e.from, e.time)])
                    .collect();
                both_ways = crate::graph::RoadGraph::from_edges(syn.graph.num_nodes(), &edges).unwrap();
                assert!(both_ways.is_symmetric());
                &both_ways
            } else {
                &syn.graph
            };
            let n = g.num_nodes() as u32;
            let k = rng.random_range(1..6);
            let sites: Vec<Site> = (0..k)
                .map(|i| Site {
                    id: format!("F{i}"),
                    name: format!("F{i}"),
                    dep: "00".into(),
                    position: [0.0, 0.0],
                    position_source: "test".into(),
                    entries: vec![(rng.random_range(0..n), rng.random_range(0..300))],
                })
                .collect();
            let places: Vec<Place> = (0..n)
                .map(|v| Place {
                    id: format!("{v:05}"),
                    name: String::new(),
                    dep: "00".into(),
                    population: Some(rng.random_range(0..1000)),
                    origin: [0.0, 0.0],
                    origin_source: "mairie".into(),
                    entries: vec![(v, 0)],
                })
                .collect();
            let pop: Vec<u64> = places.iter().map(|p| p.population.unwrap()).collect();
            let threshold = rng.random_range(1.0..6.0);
            let acc = nearest_sites(g, &sites, &places);
            let ranked = rank_closures(sites.len(), &acc, &pop, threshold);
            for r in &ranked {
                let mut rest = sites.clone();
                rest[r.site].entries.clear(); // closed: enters nowhere
                let after = nearest_sites(g, &rest, &places);
                let mut newly = 0;
                let mut pm = 0.0;
                let mut without = 0;
                let mut margin = Margin::default();
                for ((b, a), &p) in acc.iter().zip(&after).zip(&pop) {
                    if !is_beyond(b.minutes(), threshold) && is_beyond(a.minutes(), threshold) {
                        newly += p;
                    }
                    if b.first.source as usize == r.site && !is_beyond(b.minutes(), threshold) {
                        margin.add(a.minutes(), threshold, p);
                    }
                    if b.first.source as usize == r.site {
                        match a.minutes() {
                            Some(x) => pm += p as f64 * (x - b.minutes().unwrap()),
                            None => without += p,
                        }
                    }
                }
                assert_eq!(r.population_newly_beyond, newly, "case {case} site {}", r.site);
                assert!((r.person_minutes_added - pm).abs() < 1e-6 * pm.max(1.0));
                assert_eq!(r.population_left_without, without);
                assert_eq!(r.margin, margin, "case {case} site {}", r.site);
            }
        }
    }
}
