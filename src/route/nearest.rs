use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::queue::{DialQueue, MonotoneQueue, RadixQueue, dial_suits, prefetch_upcoming_labels};
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
    if dial_suits(csr) {
        nearest_with::<DialQueue>(csr, seeds, limit)
    } else {
        nearest_with::<RadixQueue>(csr, seeds, limit)
    }
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
/// Two passes: the [`nearest`] search, in which every node also keeps the
/// best label offered by another source than its nearest one; then, inside
/// each source's cell (the nodes it is nearest to), a small search spreads
/// those labels into exact second-nearest labels. Each node's arcs are
/// scanned twice, but only the first pass goes through the global queue
/// (see `docs/performance.md`: about 2x one [`nearest`] pass, where keeping
/// two labels per node in one search took 2.7x).
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
    if dial_suits(csr) {
        nearest_two_with::<DialQueue>(csr, seeds, limit)
    } else {
        nearest_two_with::<RadixQueue>(csr, seeds, limit)
    }
}

/// [`nearest_two`] with a chosen queue for its first pass (for comparing
/// queues).
#[doc(hidden)]
pub fn nearest_two_with<Q: MonotoneQueue>(csr: &Csr, seeds: &[Seed], limit: Option<Time>) -> Nearest {
    let limit = limit.unwrap_or(UNREACHABLE - 1);
    let mut nodes = nearest_and_runner_up::<Q>(csr, seeds, limit);
    let first = nodes
        .par_iter()
        .with_min_len(8192)
        .map(|x| unkey(x.first))
        .collect();
    spread_second(csr, limit, &mut nodes);
    let second = nodes
        .par_iter()
        .with_min_len(8192)
        .map(|x| unkey(x.second))
        .collect();
    Nearest { first, second }
}

/// The inverse of [`key`].
#[inline(always)]
fn unkey(k: u64) -> Label {
    Label {
        time: (k >> 32) as Time,
        source: k as u32,
    }
}

/// A node's state in [`nearest_two_with`], labels as [`key`]s.
#[derive(Debug, Clone, Copy)]
struct TwoLabels {
    /// The best label.
    first: u64,
    /// The best label of another source than `first`'s.
    second: u64,
}

impl TwoLabels {
    /// [`Label::NONE`] twice: `u64::MAX`, above every label.
    const NONE: TwoLabels = TwoLabels {
        first: NONE_KEY,
        second: NONE_KEY,
    };

    /// Offers label `l`; returns whether it is the new best.
    #[inline(always)]
    fn offer(&mut self, l: u64) -> bool {
        let same_source = |a: u64, b: u64| a as u32 == b as u32;
        if l < self.first {
            if !same_source(l, self.first) {
                self.second = self.first;
            }
            self.first = l;
            true
        } else {
            if !same_source(l, self.first) && l < self.second {
                self.second = l;
            }
            false
        }
    }
}

/// First pass of [`nearest_two_with`]: [`nearest_with`]'s search, where
/// each node also keeps the best label offered by another source than its
/// nearest one. Every node offers its final label along each of its arcs
/// once, so that runner-up is the best of `first[x]` plus the arc over the
/// arcs `x -> w` from other cells (and of other sources' seeds at `w`):
/// where [`spread_second`] starts.
fn nearest_and_runner_up<Q: MonotoneQueue>(csr: &Csr, seeds: &[Seed], limit: Time) -> Vec<TwoLabels> {
    let n = csr.num_nodes();
    let mut nodes = vec![TwoLabels::NONE; n];
    let mut queue = Q::default();
    for seed in seeds {
        let v = seed.node as usize;
        let l = key(Label {
            time: seed.time,
            source: seed.source,
        });
        if v < n && seed.time <= limit && nodes[v].offer(l) {
            queue.push(seed.time, seed.source, seed.node);
        }
    }
    while let Some((d, s, v)) = queue.pop() {
        if key(Label { time: d, source: s }) != nodes[v as usize].first {
            continue;
        }
        prefetch_upcoming_labels(&queue, csr, &nodes);
        let (heads, times) = csr.arc_slices(v);
        for (&w, &t) in heads.iter().zip(times) {
            let nd = d.saturating_add(t);
            if nd > limit {
                continue;
            }
            // SAFETY: a Csr's heads are < num_nodes (checked when it is
            // built or read), and `nodes` has num_nodes entries.
            let nw = unsafe { nodes.get_unchecked_mut(w as usize) };
            if nw.offer(key(Label { time: nd, source: s })) {
                queue.push(nd, s, w);
            }
        }
    }
    nodes
}

/// The label packed into one integer ordered like the label: `(time,
/// source)` compares in one instruction.
#[inline(always)]
fn key(l: Label) -> u64 {
    ((l.time as u64) << 32) | l.source as u64
}

/// The key of [`Label::NONE`] ([`UNREACHABLE`] and [`NO_NODE`] are both
/// `u32::MAX`).
const NONE_KEY: u64 = u64::MAX;

/// Second pass of [`nearest_two_with`]: turns each node's runner-up into
/// its second-nearest label, the best among the sources other than its
/// nearest one.
///
/// The best path from that second source `s` reaches `w` through an arc
/// `x -> w`, and either `x`'s nearest source is not `w`'s (then `first[x]`
/// plus the arc is at least as good and of another source than `w`'s: the
/// runner-up holds it), or it is (then `x`'s own second label plus the arc
/// is at least as good, and `s` is not `w`'s nearest source). So second
/// labels start from the runners-up and spread only along arcs inside each
/// source's cell (the nodes it is nearest to): one small search per cell,
/// one label per node. This is cheaper than keeping two labels per node
/// in one search, which settles every node twice.
fn spread_second(csr: &Csr, limit: Time, nodes: &mut [TwoLabels]) {
    let cells = cells(nodes);
    // Cells never write outside themselves, so they run in parallel, each on
    // its own copy of its nodes' second labels, written back in cell order:
    // the result does not depend on the thread count.
    let mut local = vec![0u32; nodes.len()];
    for cell in cells.iter() {
        for (i, &v) in cell.iter().enumerate() {
            local[v as usize] = i as u32;
        }
    }
    let all: Vec<&[NodeId]> = cells.iter().filter(|c| !c.is_empty()).collect();
    let shared: &[TwoLabels] = nodes;
    let seconds: Vec<Vec<u64>> = all
        .par_iter()
        .with_min_len(16)
        .map_init(
            || (Vec::new(), BinaryHeap::new()),
            |(start, improved), cell| spread_in_cell(csr, limit, shared, &local, cell, start, improved),
        )
        .collect();
    for (cell, second) in all.iter().zip(seconds) {
        for (&v, s) in cell.iter().zip(second) {
            nodes[v as usize].second = s;
        }
    }
}

/// [`spread_second`] inside one cell: returns the second labels of the
/// cell's nodes, in the cell's order. `local[v]` is `v`'s index in its
/// cell; `start` and `improved` are reused buffers.
fn spread_in_cell(
    csr: &Csr,
    limit: Time,
    nodes: &[TwoLabels],
    local: &[u32],
    cell: &[NodeId],
    start: &mut Vec<(u64, u32)>,
    improved: &mut BinaryHeap<Reverse<(u64, u32)>>,
) -> Vec<u64> {
    let (offsets, heads, times) = csr.raw();
    let cell_source = nodes[cell[0] as usize].first as u32;
    let mut second: Vec<u64> = cell.iter().map(|&v| nodes[v as usize].second).collect();
    // The cell's starting labels are sorted once and merged with a heap that
    // holds only the labels improved on the way (few: most runners-up are
    // already the best).
    start.clear();
    start.extend(
        second
            .iter()
            .enumerate()
            .filter(|e| *e.1 != NONE_KEY)
            .map(|(i, &k)| (k, i as u32)),
    );
    start.sort_unstable_by_key(|e| e.0);
    improved.clear();
    let mut next = 0;
    loop {
        let (k, i) = match (start.get(next), improved.peek()) {
            (Some(&a), Some(&Reverse(b))) if b.0 < a.0 => {
                improved.pop();
                b
            }
            (Some(&a), _) => {
                next += 1;
                a
            }
            (None, Some(&Reverse(b))) => {
                improved.pop();
                b
            }
            (None, None) => break,
        };
        if k != second[i as usize] {
            continue;
        }
        let v = cell[i as usize];
        let (d, s) = ((k >> 32) as Time, k as u32);
        // SAFETY (all unchecked accesses below): a Csr's offsets are
        // non-decreasing and <= num_arcs, its heads < num_nodes (checked
        // when it is built or read); `v` is a node of the graph, `nodes` and
        // `local` have num_nodes entries, and `local[w]` indexes `second`
        // when `w` is in this cell.
        let arcs = unsafe {
            let (a, b) = (
                *offsets.get_unchecked(v as usize) as usize,
                *offsets.get_unchecked(v as usize + 1) as usize,
            );
            heads.get_unchecked(a..b).iter().zip(times.get_unchecked(a..b))
        };
        for (&w, &t) in arcs {
            let nd = d.saturating_add(t);
            // (a node no source reached is in no cell, whatever its key's
            // low bits say)
            let fw = unsafe { nodes.get_unchecked(w as usize) }.first;
            if nd > limit || fw as u32 != cell_source || fw == NONE_KEY {
                continue;
            }
            let j = unsafe { *local.get_unchecked(w as usize) };
            let sw = unsafe { second.get_unchecked_mut(j as usize) };
            let l = key(Label { time: nd, source: s });
            if l < *sw {
                *sw = l;
                improved.push(Reverse((l, j)));
            }
        }
    }
    second
}

/// The reached nodes grouped by their nearest source (ascending), each
/// group in node order.
struct Cells {
    nodes: Vec<NodeId>,
    /// Group `i` is `nodes[start[i]..start[i + 1]]`.
    start: Vec<u32>,
}

impl Cells {
    fn iter(&self) -> impl Iterator<Item = &[NodeId]> {
        self.start
            .windows(2)
            .map(|w| &self.nodes[w[0] as usize..w[1] as usize])
    }
}

/// Groups the reached nodes by their nearest source, with a counting sort
/// over the source indices (compact in practice: a sort when they are not).
fn cells(labels: &[TwoLabels]) -> Cells {
    let sources = || {
        labels
            .iter()
            .filter(|x| x.first != NONE_KEY)
            .map(|x| x.first as u32)
    };
    let max_source = sources().max().map_or(0, |s| s as usize);
    if max_source > 2 * labels.len() + 1024 {
        let mut pairs: Vec<(u32, NodeId)> = labels
            .iter()
            .enumerate()
            .filter(|(_, x)| x.first != NONE_KEY)
            .map(|(v, x)| (x.first as u32, v as NodeId))
            .collect();
        pairs.sort_unstable();
        let mut start = vec![0u32];
        start.extend(
            (1..pairs.len())
                .filter(|&i| pairs[i].0 != pairs[i - 1].0)
                .map(|i| i as u32),
        );
        start.push(pairs.len() as u32);
        return Cells {
            nodes: pairs.into_iter().map(|p| p.1).collect(),
            start,
        };
    }
    let mut start = vec![0u32; max_source + 2];
    for s in sources() {
        start[s as usize + 1] += 1;
    }
    for i in 0..=max_source {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut nodes = vec![0; start[max_source + 1] as usize];
    for (v, x) in labels.iter().enumerate() {
        if x.first != NONE_KEY {
            let at = &mut next[x.first as u32 as usize];
            nodes[*at as usize] = v as NodeId;
            *at += 1;
        }
    }
    Cells { nodes, start }
}
