use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::access::{PlaceAccess, is_beyond};
use crate::graph::RoadGraph;
use crate::places::Entries;
use crate::route::BoundedSearch;
use crate::units::{Time, UNREACHABLE};

/// One step of the greedy site selection.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteChoice {
    /// Index of the chosen candidate.
    pub candidate: usize,
    /// Population brought within the threshold by this step.
    pub gain: u64,
    /// Places brought within the threshold by this step (indices).
    pub places: Vec<usize>,
}

/// For each candidate, the places (indices) beyond the threshold today that
/// it would bring within it: bounded searches on the backward graph from
/// each candidate, parallel over candidates.
fn coverage(
    graph: &RoadGraph,
    candidates: &[Entries],
    place_entries: &[Entries],
    uncovered: &[bool],
    limit: Time,
) -> Vec<Vec<usize>> {
    // node -> places entering there (with their entry time)
    let mut by_node: Vec<Vec<(usize, Time)>> = vec![Vec::new(); graph.num_nodes()];
    for (i, es) in place_entries.iter().enumerate() {
        if uncovered[i] {
            for &(v, t) in es {
                by_node[v as usize].push((i, t));
            }
        }
    }
    candidates
        .par_iter()
        .map_init(
            || BoundedSearch::new(graph.num_nodes()),
            |ws, entries| {
                let seeds: Vec<(u32, Time)> = entries.to_vec();
                let mut hit = Vec::new();
                for &(v, d) in ws.run(graph.backward(), &seeds, limit) {
                    for &(p, t0) in &by_node[v as usize] {
                        if d.saturating_add(t0) <= limit {
                            hit.push(p);
                        }
                    }
                }
                hit.sort_unstable();
                hit.dedup();
                hit
            },
        )
        .collect()
}

/// The largest time (tenths of a second) not beyond `threshold` minutes, so
/// that `t <= threshold_limit(x)` agrees with [`is_beyond`] (0 when nothing
/// is within: a negative threshold).
pub(crate) fn threshold_limit(threshold: f64) -> Time {
    crate::access::last_time_within(threshold).unwrap_or(0)
}

/// Chooses `k` new sites among `candidates` (entries into the graph) to
/// bring the most population within `threshold` minutes, greedily with lazy
/// evaluation (CELF: a candidate's gain can only shrink as sites are added,
/// so a stale gain is an upper bound). Ties go to the lowest candidate index.
///
/// Greedy maximum coverage is within 1 − 1/e of the optimum (Nemhauser,
/// Wolsey & Fisher 1978); tests compare with brute force on small cases.
pub fn choose_sites(
    graph: &RoadGraph,
    candidates: &[Entries],
    place_entries: &[Entries],
    population: &[u64],
    access: &[PlaceAccess],
    threshold: f64,
    k: usize,
) -> Vec<SiteChoice> {
    let limit = threshold_limit(threshold);
    let mut uncovered: Vec<bool> = access.iter().map(|a| is_beyond(a.minutes(), threshold)).collect();
    let cover = coverage(
        graph,
        candidates,
        place_entries,
        &uncovered,
        limit.min(UNREACHABLE - 1),
    );
    let gain = |places: &[usize], unc: &[bool]| -> u64 {
        places.iter().filter(|&&p| unc[p]).map(|&p| population[p]).sum()
    };
    // max-heap on (gain, reversed index)
    let mut heap: BinaryHeap<(u64, std::cmp::Reverse<usize>)> = cover
        .iter()
        .enumerate()
        .map(|(c, pl)| (gain(pl, &uncovered), std::cmp::Reverse(c)))
        .collect();
    let mut chosen = Vec::new();
    let mut taken = vec![false; candidates.len()];
    while chosen.len() < k {
        let Some((stale, std::cmp::Reverse(c))) = heap.pop() else {
            break;
        };
        if taken[c] {
            continue;
        }
        let fresh = gain(&cover[c], &uncovered);
        if fresh < stale {
            heap.push((fresh, std::cmp::Reverse(c)));
            continue;
        }
        if fresh == 0 {
            break; // the best candidate left brings nobody within the threshold
        }
        taken[c] = true;
        let places: Vec<usize> = cover[c].iter().copied().filter(|&p| uncovered[p]).collect();
        for &p in &places {
            uncovered[p] = false;
        }
        chosen.push(SiteChoice {
            candidate: c,
            gain: fresh,
            places,
        });
    }
    chosen
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::access::nearest_sites;
    use crate::places::{Place, Site};

    fn brute_best(cover: &[Vec<usize>], pop: &[u64], unc: &[bool], k: usize) -> u64 {
        let n = cover.len();
        let mut best = 0;
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize != k.min(n) {
                continue;
            }
            let mut got = vec![false; pop.len()];
            for (c, pl) in cover.iter().enumerate() {
                if mask & (1 << c) != 0 {
                    for &p in pl {
                        got[p] = true;
                    }
                }
            }
            let s: u64 = (0..pop.len()).filter(|&p| got[p] && unc[p]).map(|p| pop[p]).sum();
            best = best.max(s);
        }
        best
    }

    #[test]
    fn greedy_matches_naive_greedy_and_is_near_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for case in 0..40 {
            let syn = crate::synthetic::road_grid(10, 8, 100 + case);
            let g = &syn.graph;
            let n = g.num_nodes() as u32;
            let places: Vec<Place> = (0..n)
                .map(|v| Place {
                    id: format!("{v}"),
                    name: String::new(),
                    dep: "00".into(),
                    population: Some(rng.random_range(1..500)),
                    origin: [0.0, 0.0],
                    origin_source: "mairie".into(),
                    entries: vec![(v, 0)],
                })
                .collect();
            let sites = vec![Site {
                id: "S".into(),
                name: "S".into(),
                dep: "00".into(),
                position: [0.0, 0.0],
                position_source: "test".into(),
                entries: vec![(rng.random_range(0..n), 0)],
            }];
            let acc = nearest_sites(g, &sites, &places);
            let pop: Vec<u64> = places.iter().map(|p| p.population.unwrap()).collect();
            let pe: Vec<Entries> = places.iter().map(|p| p.entries.clone()).collect();
            let cands: Vec<Entries> = (0..10).map(|_| vec![(rng.random_range(0..n), 0)]).collect();
            let threshold = rng.random_range(0.5..2.0);
            let k = rng.random_range(1..4);
            let got = choose_sites(g, &cands, &pe, &pop, &acc, threshold, k);
            // naive greedy: recompute every gain by opening the site and rerunning
            let unc0: Vec<bool> = acc.iter().map(|a| is_beyond(a.minutes(), threshold)).collect();
            let mut open = sites.clone();
            let mut total_naive = 0;
            for step in &got {
                let mut best = (0u64, usize::MAX);
                let base = nearest_sites(g, &open, &places);
                for (c, e) in cands.iter().enumerate() {
                    let mut trial = open.clone();
                    trial.push(Site {
                        entries: e.clone(),
                        ..sites[0].clone()
                    });
                    let after = nearest_sites(g, &trial, &places);
                    let gain: u64 = (0..places.len())
                        .filter(|&p| {
                            is_beyond(base[p].minutes(), threshold)
                                && !is_beyond(after[p].minutes(), threshold)
                        })
                        .map(|p| pop[p])
                        .sum();
                    if gain > best.0 || (gain == best.0 && c < best.1) {
                        best = (gain, c);
                    }
                }
                assert_eq!(step.gain, best.0, "case {case}");
                total_naive += best.0;
                open.push(Site {
                    entries: cands[step.candidate].clone(),
                    ..sites[0].clone()
                });
            }
            let total: u64 = got.iter().map(|s| s.gain).sum();
            assert_eq!(total, total_naive);
            let cover = coverage(g, &cands, &pe, &unc0, threshold_limit(threshold));
            let best = brute_best(&cover, &pop, &unc0, k);
            assert!(total as f64 >= (1.0 - 1.0 / std::f64::consts::E) * best as f64);
            assert!(total <= best);
        }
    }
}
