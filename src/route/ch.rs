//! Contraction hierarchies (Geisberger et al. 2008) and the bucket-based
//! many-to-many search on them (Knopp et al. 2007), for large travel-time
//! matrices.
//!
//! **Preprocessing.** Nodes are contracted in rounds: each round takes the
//! nodes whose priority is lower than that of every neighbour (an
//! independent set), contracts them in parallel and updates their
//! neighbours. Contracting `v` joins each pair `u → v → x` by a shortcut
//! unless a *witness* path `u → x` avoiding `v` is as short; witness
//! searches are Dijkstra searches cut after [`WITNESS_SETTLED`] nodes (a
//! missed witness only adds a useless shortcut, never a wrong time) and
//! avoid every node contracted in the same round. The priority has the
//! terms of RoutingKit (Dibbelt, Strasser, Wagner 2016): level +
//! [`DIFFERENCE_WEIGHT`] × (added / removed arcs + added / removed hops),
//! where RoutingKit weighs all terms 1; the added arcs are
//! *estimated* with witnesses of at most two arcs (the hop-limited local
//! searches of Geisberger et al., §4.1): a priority is recomputed for
//! every neighbour of every contracted node, so it must cost far less than
//! a contraction; a node's estimate is kept until one of its neighbours is
//! contracted. The two-arc witnesses of `v` are found without a queue
//! from one pass over the in-arcs of `v`'s out-neighbours (which middle
//! node reaches which of them), then one pass over the out-arcs of each
//! in-neighbour; a contraction looks for them first too. Ties between neighbours go to a hash of the node
//! id, so the hierarchy is the same, byte for byte, whatever the thread
//! count.
//!
//! **Queries.** A node's rank is its contraction round order. Every shortest
//! path goes up the hierarchy then down, so the time from `s` to `t` is the
//! minimum over the nodes `u` met by an upward search from `s` and an
//! upward search from `t` on the reversed graph. For a matrix, the
//! backward searches from the targets leave `(target, time)` in a bucket
//! at every node they settle; each source's forward search then reads the
//! buckets of the nodes it settles. Both searches use stall-on-demand.
//! The arcs are stored by rank so that upward searches read memory in
//! order.
//!
//! The times are exact (tested against Dijkstra on random graphs with zero
//! times, parallel arcs, self-loops and unreachable parts).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::Matrix;
use crate::graph::RoadGraph;
use crate::units::{NodeId, Time, UNREACHABLE};

/// Witness searches of a contraction stop after settling this many nodes.
const WITNESS_SETTLED: usize = 500;
/// Weight of the witness terms of the priority against the level (1 in
/// RoutingKit): 8 gives 9 % fewer arcs and a quarter less build CPU on the
/// 1M-node synthetic grid (36.2 s against 48.7 s, docs/bench/matrix-s1000.md
/// of 2026-12-07 07:45 UTC and before; docs/performance.md).
const DIFFERENCE_WEIGHT: f32 = 8.0;

/// An arc of the graph being contracted: other end, time, hops (original
/// arcs it stands for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Arc {
    node: NodeId,
    time: Time,
    hops: u32,
}

/// Sets `list`'s arc to `a.node` to `a` when `a` is faster, or adds it.
fn insert_min(list: &mut Vec<Arc>, a: Arc) {
    match list.iter_mut().find(|b| b.node == a.node) {
        Some(b) => {
            if (a.time, a.hops) < (b.time, b.hops) {
                *b = a;
            }
        }
        None => list.push(a),
    }
}

/// Arcs indexed by rank: `first[r]..first[r + 1]` in `head`/`time`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RankCsr {
    first: Vec<u32>,
    head: Vec<u32>,
    time: Vec<Time>,
}

impl RankCsr {
    fn new() -> Self {
        RankCsr {
            first: vec![0],
            head: Vec::new(),
            time: Vec::new(),
        }
    }

    /// Appends the arcs of the next rank.
    fn push(&mut self, arcs: impl Iterator<Item = (u32, Time)>) {
        for (h, t) in arcs {
            self.head.push(h);
            self.time.push(t);
        }
        self.first.push(self.head.len() as u32);
    }

    /// Makes heads given as node ids ranks, and sorts each rank's arcs by
    /// head.
    fn heads_to_ranks(&mut self, rank: &[u32]) {
        let mut arcs = Vec::new();
        for w in self.first.windows(2) {
            let (a, b) = (w[0] as usize, w[1] as usize);
            arcs.clear();
            arcs.extend(
                self.head[a..b]
                    .iter()
                    .map(|&h| rank[h as usize])
                    .zip(self.time[a..b].iter().copied()),
            );
            arcs.sort_unstable();
            for (k, &(h, t)) in arcs.iter().enumerate() {
                self.head[a + k] = h;
                self.time[a + k] = t;
            }
        }
        self.head.shrink_to_fit();
        self.time.shrink_to_fit();
    }

    #[inline]
    fn arcs(&self, r: u32) -> impl Iterator<Item = (u32, Time)> + '_ {
        let (a, b) = (
            self.first[r as usize] as usize,
            self.first[r as usize + 1] as usize,
        );
        self.head[a..b]
            .iter()
            .copied()
            .zip(self.time[a..b].iter().copied())
    }

    fn len(&self) -> usize {
        self.head.len()
    }
}

/// A contraction hierarchy of a [`RoadGraph`], for fast many-to-many times
/// ([`matrix`](Self::matrix)).
///
/// # Examples
/// ```
/// use medaccess::graph::{Edge, RoadGraph};
/// use medaccess::route::ContractionHierarchy;
/// use medaccess::units::UNREACHABLE;
/// // 0 --7--> 1 --8--> 2, and 2 --1--> 0
/// let g = RoadGraph::from_edges(3, &[Edge::new(0, 1, 7), Edge::new(1, 2, 8), Edge::new(2, 0, 1)]).unwrap();
/// let ch = ContractionHierarchy::new(&g);
/// let m = ch.matrix(&[0, 2], &[1, 2], None);
/// assert_eq!(m.row(0), &[7, 15]);
/// assert_eq!(m.row(1), &[8, 0]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractionHierarchy {
    /// Rank of each node (0 = contracted first).
    rank: Vec<u32>,
    /// Arcs from each rank to higher ranks, forward.
    up: RankCsr,
    /// Arcs into each rank from higher ranks (heads are the tails).
    down: RankCsr,
}

/// No entry: the end of a chain, or a node that is not a target.
const NONE: u32 = u32::MAX;

/// What a node is to the two-arc witnesses of the node being contracted:
/// valid in epoch `epoch` only.
#[derive(Debug, Clone, Copy)]
struct Mark {
    epoch: u32,
    /// Index of the node among the targets, or [`NONE`].
    slot: u32,
    /// First entry of the node's chain in `Witness::chain` (the targets
    /// it reaches by one arc), or [`NONE`].
    chain: u32,
}

/// Workspace of the witness searches and of the priority estimates.
struct Witness {
    dist: Vec<Time>,
    touched: Vec<NodeId>,
    /// `(time, node)` packed as `time << 32 | node`, so that a comparison
    /// is one instruction (the same order as the pair's).
    heap: BinaryHeap<Reverse<u64>>,
    /// Epoch at which each node was marked as a target of a search.
    goal: Vec<u32>,
    goal_epoch: u32,
    /// Targets and middle nodes of the two-arc witnesses (one array, so a
    /// lookup is one memory access).
    mark: Vec<Mark>,
    mark_epoch: u32,
    /// Chains of `(target slot, time, next entry)`: the arcs from a middle
    /// node to the targets.
    chain: Vec<(u32, Time, u32)>,
    /// Best time found to each target by one or two arcs.
    best: Vec<Time>,
}

/// Increments `epoch`; when it wraps, clears `marks` with `clear`.
fn next_epoch<T: Copy>(epoch: &mut u32, marks: &mut [T], clear: T) {
    *epoch = epoch.wrapping_add(1);
    if *epoch == 0 {
        marks.fill(clear);
        *epoch = 1;
    }
}

impl Witness {
    fn new(n: usize) -> Self {
        Witness {
            dist: vec![UNREACHABLE; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            goal: vec![0; n],
            goal_epoch: 0,
            mark: vec![
                Mark {
                    epoch: 0,
                    slot: NONE,
                    chain: NONE
                };
                n
            ],
            mark_epoch: 0,
            chain: Vec::new(),
            best: Vec::new(),
        }
    }

    /// Times from `s` avoiding `skip` and every `blocked` node, up to
    /// `limit`, until every node of `targets` is settled or `max_settled`
    /// nodes are; read with `self.dist` (an upper bound when the search
    /// was cut).
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        out: &[Vec<Arc>],
        s: NodeId,
        skip: NodeId,
        blocked: &[AtomicBool],
        limit: Time,
        targets: &[Arc],
        max_settled: usize,
    ) {
        for &v in &self.touched {
            self.dist[v as usize] = UNREACHABLE;
        }
        self.touched.clear();
        self.heap.clear();
        next_epoch(&mut self.goal_epoch, &mut self.goal, 0);
        let epoch = self.goal_epoch;
        let mut left = 0usize;
        for t in targets {
            if self.goal[t.node as usize] != epoch {
                self.goal[t.node as usize] = epoch;
                left += 1;
            }
        }
        // Borrowed apart, so that their lengths stay in registers.
        let (dist, touched, heap, goal) = (
            &mut self.dist[..],
            &mut self.touched,
            &mut self.heap,
            &self.goal[..],
        );
        dist[s as usize] = 0;
        touched.push(s);
        heap.push(Reverse(u64::from(s)));
        let mut settled = 0;
        while let Some(Reverse(key)) = heap.pop() {
            let (d, v) = ((key >> 32) as Time, key as NodeId);
            if d > dist[v as usize] {
                continue;
            }
            if goal[v as usize] == epoch {
                left -= 1;
                if left == 0 {
                    break;
                }
            }
            settled += 1;
            if settled > max_settled {
                break;
            }
            for a in &out[v as usize] {
                let w = a.node;
                if w == skip || blocked[w as usize].load(Ordering::Relaxed) {
                    continue;
                }
                let nd = d.saturating_add(a.time);
                if nd <= limit && nd < dist[w as usize] {
                    if dist[w as usize] == UNREACHABLE {
                        touched.push(w);
                    }
                    dist[w as usize] = nd;
                    heap.push(Reverse(u64::from(nd) << 32 | u64::from(w)));
                }
            }
        }
    }

    /// Prepares [`two_arcs_from`](Self::two_arcs_from) for witnesses of
    /// `v` to `targets` (`v`'s out-arcs) that avoid `v` and every
    /// `blocked` node if any: marks the targets, and chains to each middle
    /// node `y` its arcs to the targets (read from the targets' in-arcs,
    /// once for all the in-neighbours of `v`).
    fn two_arcs_to(&mut self, inn: &[Vec<Arc>], v: NodeId, targets: &[Arc], blocked: Option<&[AtomicBool]>) {
        let clear = Mark {
            epoch: 0,
            slot: NONE,
            chain: NONE,
        };
        next_epoch(&mut self.mark_epoch, &mut self.mark, clear);
        let epoch = self.mark_epoch;
        let fresh = Mark { epoch, ..clear };
        self.chain.clear();
        for (j, x) in targets.iter().enumerate() {
            let m = &mut self.mark[x.node as usize];
            if m.epoch != epoch {
                *m = fresh;
            }
            m.slot = j as u32;
        }
        for (j, x) in targets.iter().enumerate() {
            for y in &inn[x.node as usize] {
                if y.node == v || blocked.is_some_and(|b| b[y.node as usize].load(Ordering::Relaxed)) {
                    continue;
                }
                let m = &mut self.mark[y.node as usize];
                if m.epoch != epoch {
                    *m = fresh;
                }
                self.chain.push((j as u32, y.time, m.chain));
                m.chain = (self.chain.len() - 1) as u32;
            }
        }
    }

    /// Fills `self.best` with the best time from `u` to each target of the
    /// last [`two_arcs_to`](Self::two_arcs_to) by paths of one or two arcs
    /// avoiding its `v` and blocked nodes.
    fn two_arcs_from(&mut self, out: &[Vec<Arc>], u: NodeId, num_targets: usize) {
        self.best.clear();
        self.best.resize(num_targets, UNREACHABLE);
        // Borrowed apart, so that their lengths stay in registers.
        let (mark, chain, best, epoch) = (
            &self.mark[..],
            &self.chain[..],
            &mut self.best[..],
            self.mark_epoch,
        );
        for e in &out[u as usize] {
            // `v` and blocked nodes are neither targets nor chained.
            let m = mark[e.node as usize];
            if m.epoch != epoch {
                continue;
            }
            if m.slot != NONE {
                let b = &mut best[m.slot as usize];
                *b = (*b).min(e.time);
            }
            let mut c = m.chain;
            while c != NONE {
                let (j, t, next) = chain[c as usize];
                let b = &mut best[j as usize];
                *b = (*b).min(e.time.saturating_add(t));
                c = next;
            }
        }
    }
}

/// How the pairs `u → v → x` left without a witness of one or two arcs
/// are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Witnesses {
    /// They all need a shortcut: the estimate of a priority (no queue,
    /// nothing written but the targets' best times).
    TwoArcs,
    /// A Dijkstra witness search settling at most [`WITNESS_SETTLED`] nodes
    /// looks for a witness of each: a contraction.
    Searched,
}

/// The shortcuts contracting `v` needs, as `(from, arc)`, given the current
/// graph; `blocked` nodes are not used by witnesses. Witnesses of one or
/// two arcs are looked for first; the pairs they leave (in `pending`) are
/// decided as `witnesses` says.
#[allow(clippy::too_many_arguments)]
fn shortcuts(
    v: NodeId,
    out: &[Vec<Arc>],
    inn: &[Vec<Arc>],
    blocked: &[AtomicBool],
    witnesses: Witnesses,
    ws: &mut Witness,
    pending: &mut Vec<Arc>,
    found: &mut Vec<(NodeId, Arc)>,
) {
    found.clear();
    let outs = &out[v as usize];
    // Between rounds no blocked node is left in the lists: only a
    // contraction needs to check.
    let check = (witnesses == Witnesses::Searched).then_some(blocked);
    ws.two_arcs_to(inn, v, outs, check);
    for a in &inn[v as usize] {
        let u = a.node;
        ws.two_arcs_from(out, u, outs.len());
        pending.clear();
        pending.extend(
            outs.iter()
                .zip(&ws.best)
                .filter(|&(b, &w)| b.node != u && w > a.time.saturating_add(b.time))
                .map(|(b, _)| *b),
        );
        if witnesses == Witnesses::Searched {
            let Some(max_out) = pending.iter().map(|b| b.time).max() else {
                continue;
            };
            ws.run(
                out,
                u,
                v,
                blocked,
                a.time.saturating_add(max_out),
                pending,
                WITNESS_SETTLED,
            );
        }
        for b in pending.iter() {
            let via = a.time.saturating_add(b.time);
            if witnesses == Witnesses::TwoArcs || ws.dist[b.node as usize] > via {
                found.push((
                    u,
                    Arc {
                        node: b.node,
                        time: via,
                        hops: a.hops + b.hops,
                    },
                ));
            }
        }
    }
}

/// The priority terms of `v` that need witnesses: estimated added / removed
/// arcs + added / removed hops (the level is added apart, as it changes
/// without the neighbourhood being searched again).
fn edge_difference(
    v: NodeId,
    out: &[Vec<Arc>],
    inn: &[Vec<Arc>],
    blocked: &[AtomicBool],
    ws: &mut Witness,
    pending: &mut Vec<Arc>,
    found: &mut Vec<(NodeId, Arc)>,
) -> f32 {
    shortcuts(v, out, inn, blocked, Witnesses::TwoArcs, ws, pending, found);
    let (o, i) = (&out[v as usize], &inn[v as usize]);
    let removed = (o.len() + i.len()).max(1) as f32;
    let removed_hops = o.iter().chain(i).map(|a| a.hops).sum::<u32>().max(1) as f32;
    let added_hops: u32 = found.iter().map(|(_, a)| a.hops).sum();
    DIFFERENCE_WEIGHT * (found.len() as f32 / removed + added_hops as f32 / removed_hops)
}

/// What a contraction or estimate worker reuses: searches, the pairs the
/// two-arc witnesses leave, the shortcuts found.
type Workspace = (Witness, Vec<Arc>, Vec<(NodeId, Arc)>);

/// One workspace per rayon thread, made on first use (a workspace holds an
/// array over all nodes: making one per rayon job would cost more than the
/// searches).
struct PerThread<T>(Vec<Mutex<Option<T>>>);

impl<T> PerThread<T> {
    fn new() -> Self {
        PerThread(
            (0..rayon::current_num_threads().max(1))
                .map(|_| Mutex::new(None))
                .collect(),
        )
    }

    fn with<R>(&self, make: impl FnOnce() -> T, f: impl FnOnce(&mut T) -> R) -> R {
        let i = rayon::current_thread_index().unwrap_or(0) % self.0.len();
        let mut slot = self.0[i].lock().unwrap_or_else(|e| e.into_inner());
        f(slot.get_or_insert_with(make))
    }
}

fn hash(v: NodeId) -> u32 {
    let mut x = v.wrapping_mul(0x9e37_79b9);
    x ^= x >> 16;
    x = x.wrapping_mul(0x85eb_ca6b);
    x ^ (x >> 13)
}

impl ContractionHierarchy {
    /// Builds the hierarchy (parallel; the same whatever the thread count).
    pub fn new(graph: &RoadGraph) -> Self {
        let n = graph.num_nodes();
        let mut out: Vec<Vec<Arc>> = vec![Vec::new(); n];
        let mut inn: Vec<Vec<Arc>> = vec![Vec::new(); n];
        for e in graph.edges() {
            if e.from == e.to {
                continue;
            }
            let a = |node| Arc {
                node,
                time: e.time,
                hops: 1,
            };
            insert_min(&mut out[e.from as usize], a(e.to));
            insert_min(&mut inn[e.to as usize], a(e.from));
        }
        let blocked: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(false)).collect();
        let mut level = vec![0u32; n];
        let mut rank = vec![u32::MAX; n];
        // Arcs of the contracted nodes, by rank (heads as node ids until
        // every node has its rank).
        let (mut up, mut down) = (RankCsr::new(), RankCsr::new());
        let mut remaining: Vec<NodeId> = (0..n as NodeId).collect();
        // Witness terms of the priority, and whether they predate a change
        // of the node's neighbourhood.
        let mut difference = vec![0f32; n];
        let mut stale = vec![true; n];
        let mut next_rank = 0u32;
        let pool: PerThread<Workspace> = PerThread::new();
        let make = || (Witness::new(n), Vec::new(), Vec::new());
        while !remaining.is_empty() {
            let below_neighbours = |v: NodeId, difference: &[f32]| {
                let key = |v: NodeId| (level[v as usize] as f32 + difference[v as usize], hash(v), v);
                let kv = key(v);
                out[v as usize].iter().chain(&inn[v as usize]).all(|a| {
                    let kw = key(a.node);
                    kv.0 < kw.0 || (kv.0 == kw.0 && (kv.1, kv.2) < (kw.1, kw.2))
                })
            };
            let refresh: Vec<NodeId> = remaining.iter().copied().filter(|&v| stale[v as usize]).collect();
            let fresh: Vec<f32> = refresh
                .par_iter()
                .map(|&v| {
                    pool.with(make, |(ws, pending, found)| {
                        edge_difference(v, &out, &inn, &blocked, ws, pending, found)
                    })
                })
                .collect();
            for (&v, d) in refresh.iter().zip(fresh) {
                difference[v as usize] = d;
                stale[v as usize] = false;
            }
            let selected: Vec<NodeId> = remaining
                .par_iter()
                .copied()
                .filter(|&v| below_neighbours(v, &difference))
                .collect();
            for &v in &selected {
                blocked[v as usize].store(true, Ordering::Relaxed);
            }
            let added: Vec<Vec<(NodeId, Arc)>> = selected
                .par_iter()
                .map(|&v| {
                    pool.with(make, |(ws, pending, found)| {
                        shortcuts(v, &out, &inn, &blocked, Witnesses::Searched, ws, pending, found);
                        found.clone()
                    })
                })
                .collect();
            let mut touched = Vec::new();
            for (&v, adds) in selected.iter().zip(added) {
                rank[v as usize] = next_rank;
                next_rank += 1;
                let (o, i) = (
                    std::mem::take(&mut out[v as usize]),
                    std::mem::take(&mut inn[v as usize]),
                );
                for a in &o {
                    inn[a.node as usize].retain(|b| b.node != v);
                    level[a.node as usize] = level[a.node as usize].max(level[v as usize] + 1);
                    touched.push(a.node);
                }
                for a in &i {
                    out[a.node as usize].retain(|b| b.node != v);
                    level[a.node as usize] = level[a.node as usize].max(level[v as usize] + 1);
                    touched.push(a.node);
                }
                up.push(o.iter().map(|a| (a.node, a.time)));
                down.push(i.iter().map(|a| (a.node, a.time)));
                for (u, a) in adds {
                    insert_min(&mut out[u as usize], a);
                    insert_min(
                        &mut inn[a.node as usize],
                        Arc {
                            node: u,
                            time: a.time,
                            hops: a.hops,
                        },
                    );
                }
            }
            for &x in &touched {
                stale[x as usize] = true;
            }
            remaining.retain(|&v| rank[v as usize] == u32::MAX);
        }
        up.heads_to_ranks(&rank);
        down.heads_to_ranks(&rank);
        ContractionHierarchy { rank, up, down }
    }

    pub fn num_nodes(&self) -> usize {
        self.rank.len()
    }

    /// Arcs of the hierarchy, both directions (original arcs and shortcuts).
    pub fn num_arcs(&self) -> usize {
        self.up.len() + self.down.len()
    }

    /// Bytes held by the hierarchy.
    pub fn memory_bytes(&self) -> usize {
        4 * (self.rank.len() + 2 * (self.up.first.len() + self.up.len() + self.down.len()))
    }

    /// Times from every source to every target, within `limit` (inclusive;
    /// `None` for no limit; beyond it: [`UNREACHABLE`]), row-major by
    /// source; the same as [`matrix()`](super::matrix()). Parallel over targets,
    /// then over sources.
    ///
    /// # Panics
    /// If a source or target is not a node of the graph.
    pub fn matrix(&self, sources: &[NodeId], targets: &[NodeId], limit: Option<Time>) -> Matrix {
        let limit = limit.unwrap_or(UNREACHABLE - 1).min(UNREACHABLE - 1);
        let n = self.num_nodes();
        let cols = targets.len();
        // Backward upward searches from the targets, into buckets by node.
        let pool: PerThread<Upward> = PerThread::new();
        let spaces: Vec<Vec<(u32, Time)>> = targets
            .par_iter()
            .map(|&t| {
                pool.with(
                    || Upward::new(n),
                    |ws| {
                        ws.run(&self.down, &self.up, self.rank[t as usize], limit)
                            .to_vec()
                    },
                )
            })
            .collect();
        let mut first = vec![0u32; n + 1];
        for s in &spaces {
            for &(r, _) in s {
                first[r as usize + 1] += 1;
            }
        }
        for r in 0..n {
            first[r + 1] += first[r];
        }
        let mut fill = first.clone();
        let mut bucket = vec![(0u32, 0 as Time); first[n] as usize];
        for (j, s) in spaces.iter().enumerate() {
            for &(r, d) in s {
                bucket[fill[r as usize] as usize] = (j as u32, d);
                fill[r as usize] += 1;
            }
        }
        drop(spaces);
        let mut times = vec![UNREACHABLE; sources.len() * cols];
        if cols > 0 {
            times
                .par_chunks_mut(cols)
                .zip(sources.par_iter())
                .for_each(|(row, &s)| {
                    pool.with(
                        || Upward::new(n),
                        |ws| {
                            for &(r, d) in ws.run(&self.up, &self.down, self.rank[s as usize], limit) {
                                let (a, b) = (first[r as usize] as usize, first[r as usize + 1] as usize);
                                for &(j, dt) in &bucket[a..b] {
                                    let t = d.saturating_add(dt);
                                    if t <= limit && t < row[j as usize] {
                                        row[j as usize] = t;
                                    }
                                }
                            }
                        },
                    )
                });
        }
        Matrix {
            rows: sources.len(),
            cols,
            times,
        }
    }
}

/// Workspace of an upward search.
struct Upward {
    dist: Vec<Time>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(Time, u32)>>,
    /// Settled, not stalled: (rank, time).
    space: Vec<(u32, Time)>,
}

impl Upward {
    fn new(n: usize) -> Self {
        Upward {
            dist: vec![UNREACHABLE; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            space: Vec::new(),
        }
    }

    /// Dijkstra from rank `s` along `up` (arcs to higher ranks) up to
    /// `limit`, with stall-on-demand through `down` (arcs into a rank from
    /// higher ranks, in the same direction of travel). Returns the settled
    /// ranks that were not stalled, with their times.
    fn run(&mut self, up: &RankCsr, down: &RankCsr, s: u32, limit: Time) -> &[(u32, Time)] {
        for &v in &self.touched {
            self.dist[v as usize] = UNREACHABLE;
        }
        self.touched.clear();
        self.space.clear();
        self.heap.clear();
        self.dist[s as usize] = 0;
        self.touched.push(s);
        self.heap.push(Reverse((0, s)));
        while let Some(Reverse((d, v))) = self.heap.pop() {
            if d > self.dist[v as usize] {
                continue;
            }
            // Stalled: a higher node reaches v faster, so no shortest path
            // leaves the search space through v.
            if down
                .arcs(v)
                .any(|(w, t)| self.dist[w as usize].saturating_add(t) < d)
            {
                continue;
            }
            self.space.push((v, d));
            for (w, t) in up.arcs(v) {
                let nd = d.saturating_add(t);
                if nd <= limit && nd < self.dist[w as usize] {
                    if self.dist[w as usize] == UNREACHABLE {
                        self.touched.push(w);
                    }
                    self.dist[w as usize] = nd;
                    self.heap.push(Reverse((nd, w)));
                }
            }
        }
        &self.space
    }
}
