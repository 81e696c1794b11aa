//! Access metrics: for every place (commune), the nearest facility and the
//! drive time to it, time bands, déserts médicaux, and the summary.
//!
//! Engine-agnostic: [`Place`]s and [`Site`]s arrive as *entries* into a road
//! graph — node plus the time from the place to that node (for a facility:
//! from the node to the facility) — whether the graph is the commune
//! estimate or a real road network.

mod bands;
mod summary;

pub use bands::{Bands, MAX_MINUTES};
pub use summary::{DepSummary, Summary, group, is_beyond, last_time_within, summarize};

use rayon::prelude::*;

use crate::graph::RoadGraph;
use crate::places::{Place, Site};
use crate::route::{Label, Seed, nearest_two};
use crate::units::{UNREACHABLE, to_minutes};

/// The nearest and second-nearest facility of one place (indices into the
/// sites), [`Label::NONE`] when none is reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceAccess {
    pub first: Label,
    pub second: Label,
}

impl PlaceAccess {
    pub fn minutes(&self) -> Option<f64> {
        to_minutes(self.first.time)
    }
}

/// Where every site enters the graph, as search seeds whose source is the
/// site's index: run them on the backward graph for patient → facility times.
pub fn site_seeds(sites: &[Site]) -> Vec<Seed> {
    sites
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.entries.iter().map(move |&(node, time)| Seed {
                node,
                time,
                source: i as u32,
            })
        })
        .collect()
}

/// Nearest and second-nearest site for every place, patient → facility,
/// from one multi-source search on the backward graph. Exact: a place's two
/// best sites are among the two best of each of its entry nodes.
pub fn nearest_sites(graph: &RoadGraph, sites: &[Site], places: &[Place]) -> Vec<PlaceAccess> {
    let seeds = site_seeds(sites);
    let near = nearest_two(graph.backward(), graph.forward(), &seeds, None);
    // Places are independent: split over threads (order kept, so the same
    // result whatever the thread count).
    places
        .par_iter()
        .with_min_len(4096)
        .map(|p| {
            // best two labels of distinct sources over the place's entries,
            // without allocating: a place has one or a few entries
            let (mut first, mut second) = (Label::NONE, Label::NONE);
            for &(node, t0) in &p.entries {
                for l in [near.first[node as usize], near.second[node as usize]] {
                    if l.is_none() {
                        continue;
                    }
                    let c = Label {
                        time: l.time.saturating_add(t0).min(UNREACHABLE - 1),
                        source: l.source,
                    };
                    if c.source == first.source {
                        first = first.min(c);
                    } else if c < first {
                        second = first;
                        first = c;
                    } else if c.source == second.source {
                        second = second.min(c);
                    } else if c < second {
                        second = c;
                    }
                }
            }
            PlaceAccess { first, second }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Edge;
    use crate::places::Entries;

    fn place(id: &str, entries: Entries) -> Place {
        Place {
            id: id.into(),
            name: id.into(),
            dep: "64".into(),
            population: Some(100),
            origin: [0.0, 0.0],
            origin_source: "mairie".into(),
            entries,
        }
    }

    fn site(id: &str, entries: Entries) -> Site {
        Site {
            id: id.into(),
            name: id.into(),
            dep: "64".into(),
            position: [0.0, 0.0],
            position_source: "test".into(),
            entries,
        }
    }

    /// ```text
    ///  A(0) --600--> B(1) --600--> C(2)
    ///   ^                           |
    ///   +----------6000-------------+
    /// ```
    /// Site X at C, site Y at A (with a 60 ds leg). From A: X is 1200 away,
    /// Y 60. From C: X 0, Y 6060 (one-way: must go round).
    #[test]
    fn nearest_and_second_with_legs_and_one_way() {
        let g = RoadGraph::from_edges(
            3,
            &[Edge::new(0, 1, 600), Edge::new(1, 2, 600), Edge::new(2, 0, 6000)],
        )
        .unwrap();
        let sites = [site("X", vec![(2, 0)]), site("Y", vec![(0, 60)])];
        let places = [
            place("a", vec![(0, 0)]),
            place("c", vec![(2, 0)]),
            place("ab", vec![(0, 900), (1, 0)]),
        ];
        let acc = nearest_sites(&g, &sites, &places);
        assert_eq!(acc[0].first, Label { time: 60, source: 1 });
        assert_eq!(
            acc[0].second,
            Label {
                time: 1200,
                source: 0
            }
        );
        assert_eq!(acc[1].first, Label { time: 0, source: 0 });
        assert_eq!(
            acc[1].second,
            Label {
                time: 6060,
                source: 1
            }
        );
        // entering at B directly is faster to X; Y via A costs 900 + 60
        assert_eq!(acc[2].first, Label { time: 600, source: 0 });
        assert_eq!(acc[2].second, Label { time: 960, source: 1 });
    }
}
