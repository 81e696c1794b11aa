use super::queue::{DialQueue, MonotoneQueue, prefetch_upcoming_labels};
use crate::graph::Csr;
use crate::units::{NO_NODE, NodeId, Time, UNREACHABLE};

/// A source index and the time to it; `source == NO_NODE` when none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label {
    pub time: Time,
    pub source: u32,
}

impl Label {
    pub const NONE: Label = Label {
        time: UNREACHABLE,
        source: NO_NODE,
    };

    pub fn is_none(&self) -> bool {
        self.source == NO_NODE
    }

    /// The time in minutes, `None` when there is no source.
    pub fn time_minutes(&self) -> Option<f64> {
        if self.is_none() {
            None
        } else {
            crate::units::to_minutes(self.time)
        }
    }
}

/// Where a source enters the graph: at `node`, already `time` from the
/// source itself (e.g. the leg from a facility's door to the road). A source
/// may enter at several nodes; several sources may share a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seed {
    pub node: NodeId,
    pub time: Time,
    pub source: u32,
}

impl Seed {
    /// One seed per source, at time 0: source `i` is at `nodes[i]`.
    pub fn at_nodes(nodes: &[NodeId]) -> Vec<Seed> {
        nodes
            .iter()
            .enumerate()
            .map(|(i, &node)| Seed {
                node,
                time: 0,
                source: i as u32,
            })
            .collect()
    }
}

/// For every node, its nearest source and the nearest *other* source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nearest {
    pub first: Vec<Label>,
    pub second: Vec<Label>,
}

/// Multi-source search: for every node, the nearest source (by the seeds'
/// `source` index) and its time, within `limit` (inclusive; `None` for no
/// limit). Ties go to the lowest source index.
///
/// To get "nearest facility from each commune", pass the *backward* graph and
/// the facilities' nodes.
///
/// # Examples
/// ```
/// use medaccess::graph::{Edge, RoadGraph};
/// use medaccess::route::{nearest, Label, Seed};
/// // 0 --5-- 1 --5-- 2 (both ways); sources at 0 and 2: node 1 is tied
/// let e = |a, b| [Edge::new(a, b, 5), Edge::new(b, a, 5)];
/// let g = RoadGraph::from_edges(3, &[e(0, 1), e(1, 2)].concat()).unwrap();
/// let near = nearest(g.backward(), &Seed::at_nodes(&[2, 0]), None);
/// assert_eq!(near[1], Label { time: 5, source: 0 }); // source 0 sits on node 2
/// ```
pub fn nearest(csr: &Csr, seeds: &[Seed], limit: Option<Time>) -> Vec<Label> {
    nearest_with::<DialQueue>(csr, seeds, limit)
}

/// [`nearest`] with a chosen queue (for comparing queues).
#[doc(hidden)]
pub fn nearest_with<Q: MonotoneQueue>(csr: &Csr, seeds: &[Seed], limit: Option<Time>) -> Vec<Label> {
    let limit = limit.unwrap_or(UNREACHABLE - 1);
    let n = csr.num_nodes();
    let mut best = vec![Label::NONE; n];
    let mut queue = Q::default();
    for seed in seeds {
        let v = seed.node as usize;
        let l = Label {
            time: seed.time,
            source: seed.source,
        };
        if v < n && seed.time <= limit && l < best[v] {
            best[v] = l;
            queue.push(seed.time, seed.source, seed.node);
        }
    }
    while let Some((d, s, v)) = queue.pop() {
        if (Label { time: d, source: s }) != best[v as usize] {
            continue;
        }
        prefetch_upcoming_labels(&queue, csr, &best);
        let (heads, times) = csr.arc_slices(v);
        for (&w, &t) in heads.iter().zip(times) {
            let nd = d.saturating_add(t);
            if nd > limit {
                continue;
            }
            let l = Label { time: nd, source: s };
            if l < best[w as usize] {
                best[w as usize] = l;
                queue.push(nd, s, w);
            }
        }
    }
    best
}

/// Like [`nearest`], and also the second-nearest source (the nearest among
/// the others): what closing the nearest would leave. Both ordered by (time,
/// source index).
///
/// Each node is settled at most twice, with two distinct sources: a label
/// (t, s) reaching a node that already holds two better labels cannot be
/// among the two best of anything beyond it.
///
/// # Examples
/// ```
/// use medaccess::graph::{Edge, RoadGraph};
/// use medaccess::route::{nearest_two, Label, Seed};
/// // 0 --5--> 1 <--9-- 2 : sources at 0 and 2
/// let g = RoadGraph::from_edges(3, &[Edge::new(0, 1, 5), Edge::new(2, 1, 9)]).unwrap();
/// let near = nearest_two(g.forward(), &Seed::at_nodes(&[0, 2]), None);
/// assert_eq!(near.first[1], Label { time: 5, source: 0 });
/// assert_eq!(near.second[1], Label { time: 9, source: 1 });
/// ```
pub fn nearest_two(csr: &Csr, seeds: &[Seed], limit: Option<Time>) -> Nearest {
    nearest_two_with::<DialQueue>(csr, seeds, limit)
}

/// [`nearest_two`] with a chosen queue (for comparing queues). The queue must
/// pop in exact `(time, source)` order: every [`MonotoneQueue`] does.
#[doc(hidden)]
pub fn nearest_two_with<Q: MonotoneQueue>(csr: &Csr, seeds: &[Seed], limit: Option<Time>) -> Nearest {
    let limit = limit.unwrap_or(UNREACHABLE - 1);
    let n = csr.num_nodes();
    // Tentative best two labels of distinct sources per node, ordered, and
    // how many are settled, side by side so that a relaxation touches one
    // cache line. A label is pushed only when it improves one of the two,
    // so dense graphs do not flood the queue.
    let mut slots = vec![Slot::EMPTY; n];
    let mut queue = Q::default();
    for seed in seeds {
        let v = seed.node as usize;
        let l = Label {
            time: seed.time,
            source: seed.source,
        };
        if v < n && seed.time <= limit && slots[v].offer(l) {
            queue.push(seed.time, seed.source, seed.node);
        }
    }
    while let Some((d, s, v)) = queue.pop() {
        let l = Label { time: d, source: s };
        let slot = &mut slots[v as usize];
        // Only the current tentative label of the next rank is settled;
        // anything else is a stale entry.
        let current = match slot.settled {
            0 => slot.first,
            1 => slot.second,
            _ => continue,
        };
        if current != l {
            continue;
        }
        slot.settled += 1;
        prefetch_upcoming_labels(&queue, csr, &slots);
        let (heads, times) = csr.arc_slices(v);
        for (&w, &t) in heads.iter().zip(times) {
            let nd = d.saturating_add(t);
            let ws = &mut slots[w as usize];
            if nd > limit || ws.settled >= 2 {
                continue;
            }
            if ws.offer(Label { time: nd, source: s }) {
                queue.push(nd, s, w);
            }
        }
    }
    Nearest {
        first: slots.iter().map(|s| s.first).collect(),
        second: slots.iter().map(|s| s.second).collect(),
    }
}

/// A node's state in [`nearest_two_with`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    first: Label,
    second: Label,
    settled: u32,
}

impl Slot {
    const EMPTY: Slot = Slot {
        first: Label::NONE,
        second: Label::NONE,
        settled: 0,
    };

    #[inline]
    fn offer(&mut self, l: Label) -> bool {
        offer(&mut self.first, &mut self.second, l)
    }
}

/// Offers label `l` to a node's ordered pair of best labels of distinct
/// sources; returns whether it was kept. Settled labels are never replaced:
/// labels arrive in non-decreasing (time, source) order once settled.
#[inline]
fn offer(first: &mut Label, second: &mut Label, l: Label) -> bool {
    if first.source == l.source {
        if l < *first {
            *first = l;
            return true;
        }
        return false;
    }
    if second.source == l.source || l < *second {
        if l >= *second {
            return false;
        }
        *second = l;
        if *second < *first {
            std::mem::swap(first, second);
        }
        return true;
    }
    false
}
