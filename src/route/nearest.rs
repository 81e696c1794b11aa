use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

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
    /// The source's index; `u32::MAX` ([`NO_NODE`]) means none: such seeds
    /// are ignored.
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

/// The searches' inclusive limit: `None` (or anything from
/// [`UNREACHABLE`] up) is no limit.
fn time_limit(limit: Option<Time>) -> Time {
    limit.unwrap_or(UNREACHABLE - 1).min(UNREACHABLE - 1)
}

/// [`nearest`] with a chosen queue (for comparing queues).
#[doc(hidden)]
pub fn nearest_with<Q: MonotoneQueue>(csr: &Csr, seeds: &[Seed], limit: Option<Time>) -> Vec<Label> {
    let limit = time_limit(limit);
    let n = csr.num_nodes();
    let mut best = vec![Label::NONE; n];
    let mut queue = Q::default();
    for seed in seeds {
        let v = seed.node as usize;
        let l = Label {
            time: seed.time,
            source: seed.source,
        };
        if v < n && seed.time <= limit && seed.source != NO_NODE && l < best[v] {
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
/// source index). `reverse` is the same graph with every arc turned round
/// (for a search on [`RoadGraph::backward`](crate::graph::RoadGraph::backward),
/// its `forward`, and the other way round).
///
/// Two passes: the plain [`nearest`] search, then, inside each source's
/// *cell* (the nodes it is nearest to), one small search that spreads the
/// labels offered from outside the cell into exact second-nearest labels.
/// The cells are independent and run in parallel (see
/// `docs/performance.md`).
///
/// # Panics
/// If `reverse` has not as many nodes and arcs as `csr`.
///
/// # Examples
/// ```
/// use medaccess::graph::{Edge, RoadGraph};
/// use medaccess::route::{nearest_two, Label, Seed};
/// // 0 --5--> 1 <--9-- 2 : sources at 0 and 2
/// let g = RoadGraph::from_edges(3, &[Edge::new(0, 1, 5), Edge::new(2, 1, 9)]).unwrap();
/// let near = nearest_two(g.forward(), g.backward(), &Seed::at_nodes(&[0, 2]), None);
/// assert_eq!(near.first[1], Label { time: 5, source: 0 });
/// assert_eq!(near.second[1], Label { time: 9, source: 1 });
/// ```
pub fn nearest_two(csr: &Csr, reverse: &Csr, seeds: &[Seed], limit: Option<Time>) -> Nearest {
    if dial_suits(csr) {
        nearest_two_with::<DialQueue>(csr, reverse, seeds, limit)
    } else {
        nearest_two_with::<RadixQueue>(csr, reverse, seeds, limit)
    }
}

/// [`nearest_two`] with a chosen queue for its first pass (for comparing
/// queues).
#[doc(hidden)]
pub fn nearest_two_with<Q: MonotoneQueue>(
    csr: &Csr,
    reverse: &Csr,
    seeds: &[Seed],
    limit: Option<Time>,
) -> Nearest {
    assert!(
        csr.num_nodes() == reverse.num_nodes() && csr.num_arcs() == reverse.num_arcs(),
        "nearest_two: `reverse` must be the same graph turned round"
    );
    let board = CellBoard::default();
    let ctx = |info| CellContext {
        reverse,
        symmetric: std::ptr::eq(csr, reverse),
        limit: time_limit(limit),
        info,
    };
    // The helper is queued before the first pass, so that a sleeping worker
    // wakes while that pass runs (on a 2-core VM waking one took as long as
    // the cells' work, when it was asked for only after the pass); it then
    // waits for the cells and shares them. Each cell's labels depend on the
    // cell alone: the same result whatever the thread count.
    // Nothing before `post` may use rayon: a thread waiting in it could
    // pick up the helper, which would wait for the post.
    let ((first, mine), theirs) = rayon::join(
        || {
            let mut post = board.post_on_drop();
            let first = nearest_with::<Q>(csr, seeds, limit);
            let cells = prepare_cells(seeds, time_limit(limit), &first);
            let cells = post.post(cells);
            // More threads than the helper and this one join now.
            let extra = rayon::current_num_threads().saturating_sub(2);
            let mine: Vec<CellsDone> = (0..=extra)
                .into_par_iter()
                .map(|_| cells.work(&ctx(&cells.info)))
                .collect();
            (first, mine)
        },
        || board.wait().map(|cells| cells.work(&ctx(&cells.info))),
    );
    let cells = board.cells.get().and_then(Option::as_ref).expect("posted");
    let mut second = vec![Label::NONE; first.len()];
    for done in mine.into_iter().chain(theirs) {
        let mut labels = done.labels.iter();
        for &c in &done.cells {
            let (a, b) = (
                cells.start[c as usize] as usize,
                cells.start[c as usize + 1] as usize,
            );
            for (&v, &k) in cells.nodes[a..b].iter().zip(&mut labels) {
                second[v as usize] = unkey(k);
            }
        }
    }
    Nearest { first, second }
}

/// The label packed into one integer ordered like the label: `(time,
/// source)` compares in one instruction.
#[inline(always)]
fn key(l: Label) -> u64 {
    ((l.time as u64) << 32) | l.source as u64
}

/// The inverse of [`key`].
#[inline(always)]
fn unkey(k: u64) -> Label {
    Label {
        time: (k >> 32) as Time,
        source: k as u32,
    }
}

/// The key of [`Label::NONE`] ([`UNREACHABLE`] and [`NO_NODE`] are both
/// `u32::MAX`).
const NONE_KEY: u64 = u64::MAX;

/// The second pass of [`nearest_two_with`], ready to run: the cells and
/// what their searches read.
///
/// Each node's second-nearest label is the best among the sources other
/// than its nearest one. The best path from that second source `s` reaches
/// `w` through an arc `x -> w` (or starts at `w`, from a seed of `s`), and
/// either `x`'s nearest source is not `w`'s (then `first[x]` plus the arc is
/// at least as good and of another source than `w`'s), or it is (then `x`'s
/// own second label plus the arc is at least as good, and `s` is not `w`'s
/// nearest source). So each node starts from its *runner-up* — the best of
/// `first[x]` plus the arc over its incoming arcs from other cells, and of
/// other sources' seeds at it — and the labels then spread only along arcs
/// inside each cell: one small search per cell, one label per node.
struct PreparedCells {
    /// The reached nodes grouped by nearest source; cell `c` is
    /// `nodes[start[c]..start[c + 1]]` (possibly empty).
    nodes: Vec<NodeId>,
    start: Vec<u32>,
    /// Each node's nearest label and position in `nodes`.
    info: Vec<NodeInfo>,
    /// By position in `nodes`: the best label of another source's seeds.
    offers: Vec<u64>,
    /// The next cell to search.
    next: AtomicUsize,
}

/// The second labels of the cells one thread searched: the labels of cell
/// `cells[0]`, then of `cells[1]`, ...
#[derive(Default)]
struct CellsDone {
    cells: Vec<u32>,
    labels: Vec<u64>,
}

/// Cells searched per claim: small, as cells differ in size.
const CELLS_PER_CLAIM: usize = 4;

impl PreparedCells {
    /// Claims cells until none is left and searches them.
    fn work(&self, ctx: &CellContext<'_>) -> CellsDone {
        let mut done = CellsDone::default();
        let mut buf = CellBuffers::default();
        let count = self.start.len() - 1;
        loop {
            let from = self.next.fetch_add(CELLS_PER_CLAIM, Ordering::Relaxed);
            if from >= count {
                return done;
            }
            for c in from..(from + CELLS_PER_CLAIM).min(count) {
                let (a, b) = (self.start[c] as usize, self.start[c + 1] as usize);
                if a == b {
                    continue;
                }
                done.cells.push(c as u32);
                let at = done.labels.len();
                done.labels.extend_from_slice(&self.offers[a..b]);
                ctx.spread(&self.nodes[a..b], a as u32, &mut done.labels[at..], &mut buf);
            }
        }
    }
}

/// Where the first pass posts the cells for the helper: `Some` when ready,
/// `None` when the first pass failed (the helper then stops waiting).
#[derive(Default)]
struct CellBoard {
    cells: OnceLock<Option<PreparedCells>>,
    /// The helper, once it has stopped spinning and parks.
    parked: Mutex<Option<Thread>>,
}

/// How long the helper spins before it parks: longer than the first pass on
/// the France commune graph (about 5 ms), so that it is awake when the
/// cells come; on bigger graphs it parks, and waking it costs little next
/// to their first pass.
const HELPER_SPIN: Duration = Duration::from_millis(20);

/// Posts `None` on the board if dropped before [`post`](Self::post) (a
/// panic in the first pass), so that the helper never waits forever.
struct PostOnDrop<'a> {
    board: &'a CellBoard,
}

impl<'a> PostOnDrop<'a> {
    fn post(&mut self, cells: PreparedCells) -> &'a PreparedCells {
        self.board.publish(Some(cells));
        self.board
            .cells
            .get()
            .and_then(Option::as_ref)
            .expect("just posted")
    }
}

impl Drop for PostOnDrop<'_> {
    fn drop(&mut self) {
        self.board.publish(None);
    }
}

impl CellBoard {
    fn post_on_drop(&self) -> PostOnDrop<'_> {
        PostOnDrop { board: self }
    }

    /// Sets the board (once: later calls do nothing) and wakes the helper
    /// if it parked. The lock orders this with [`wait`](Self::wait): a
    /// helper that parks after it sees the cells when it looks again.
    fn publish(&self, cells: Option<PreparedCells>) {
        let _ = self.cells.set(cells);
        let parked = self.parked.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(helper) = parked {
            helper.unpark();
        }
    }

    /// Waits for the cells: spinning for up to [`HELPER_SPIN`], then parked
    /// until [`publish`](Self::publish) wakes it.
    fn wait(&self) -> Option<&PreparedCells> {
        let start = Instant::now();
        let mut spins = 0u32;
        loop {
            if let Some(cells) = self.cells.get() {
                return cells.as_ref();
            }
            spins = spins.wrapping_add(1);
            if !spins.is_multiple_of(256) || start.elapsed() < HELPER_SPIN {
                std::hint::spin_loop();
                continue;
            }
            *self.parked.lock().unwrap_or_else(|e| e.into_inner()) = Some(std::thread::current());
            // (parks until unparked, or returns at once if it already was;
            // spurious wake-ups loop)
            while self.cells.get().is_none() {
                std::thread::park();
            }
        }
    }
}

/// Groups the nodes into cells and gathers what their searches read.
fn prepare_cells(seeds: &[Seed], limit: Time, first: &[Label]) -> PreparedCells {
    let Cells { nodes, start } = cells(first);
    let mut info: Vec<NodeInfo> = first
        .iter()
        .map(|&l| NodeInfo {
            time: l.time,
            source: l.source,
            slot: u32::MAX,
        })
        .collect();
    for (i, &v) in nodes.iter().enumerate() {
        info[v as usize].slot = i as u32;
    }
    let mut offers = vec![NONE_KEY; nodes.len()];
    for seed in seeds {
        let v = seed.node as usize;
        if v < first.len()
            && seed.time <= limit
            && seed.source != NO_NODE
            && first[v] != Label::NONE
            && seed.source != first[v].source
        {
            let k = key(Label {
                time: seed.time,
                source: seed.source,
            });
            let at = &mut offers[info[v].slot as usize];
            *at = (*at).min(k);
        }
    }
    PreparedCells {
        nodes,
        start,
        info,
        offers,
        next: AtomicUsize::new(0),
    }
}

/// A node's nearest label and its position in the cells' order
/// (`u32::MAX`: unreached), read together.
#[derive(Clone, Copy)]
#[repr(align(16))]
struct NodeInfo {
    time: Time,
    source: u32,
    slot: u32,
}

/// What every cell's search reads.
struct CellContext<'a> {
    /// The graph searched turned round: the arcs entering each node.
    reverse: &'a Csr,
    /// Whether the graph is its own reverse (a symmetric `RoadGraph` stores
    /// one CSR for both directions).
    symmetric: bool,
    limit: Time,
    /// Each node's nearest label and position in the cells' order.
    info: &'a [NodeInfo],
}

/// Buffers reused from cell to cell (per thread).
#[derive(Default)]
struct CellBuffers {
    /// The cell's labels.
    labels: Vec<u64>,
    /// The arcs inside the cell, by tail position:
    /// `inner[inner_start[i]..inner_start[i + 1]]` as (head position, time).
    inner: Vec<(u32, Time)>,
    inner_start: Vec<u32>,
    /// On a one-way graph, the arcs inside the cell as gathered: (tail,
    /// head, time) by head.
    gathered: Vec<(u32, u32, Time)>,
    /// Starting labels, sorted, and the labels improved on the way.
    start: Vec<(u64, u32)>,
    /// (As `key << 32 | position`: one comparison.)
    improved: BinaryHeap<Reverse<u128>>,
}

/// Groups the arcs `gathered` (tail, head, time) by tail into `inner`
/// (head, time) and `start` (a counting sort over the cell's `len`
/// positions): tail `j`'s arcs are `inner[start[j]..start[j + 1]]`.
fn group_by_tail(
    gathered: &[(u32, u32, Time)],
    inner: &mut Vec<(u32, Time)>,
    start: &mut Vec<u32>,
    len: usize,
) {
    start.clear();
    start.resize(len + 1, 0);
    for &(j, _, _) in gathered {
        start[j as usize + 1] += 1;
    }
    for i in 0..len {
        start[i + 1] += start[i];
    }
    inner.clear();
    inner.resize(gathered.len(), (0, 0));
    // (each tail's next free entry, moved one tail along afterwards)
    for &(j, i, t) in gathered {
        let at = &mut start[j as usize];
        inner[*at as usize] = (i, t);
        *at += 1;
    }
    for i in (1..=len).rev() {
        start[i] = start[i - 1];
    }
    start[0] = 0;
}

/// The arcs leaving `v` in `csr`, without bounds checks.
#[inline(always)]
fn arcs_of(csr: &Csr, v: NodeId) -> std::iter::Zip<std::slice::Iter<'_, NodeId>, std::slice::Iter<'_, Time>> {
    let (offsets, heads, times) = csr.raw();
    // SAFETY: a Csr's offsets are non-decreasing and <= num_arcs (checked
    // when it is built or read), and callers pass nodes of the graph.
    unsafe {
        let (a, b) = (
            *offsets.get_unchecked(v as usize) as usize,
            *offsets.get_unchecked(v as usize + 1) as usize,
        );
        heads.get_unchecked(a..b).iter().zip(times.get_unchecked(a..b))
    }
}

impl CellContext<'_> {
    /// The second labels of one cell, whose nodes are `cell` (at positions
    /// `at..` in the cells' order); `second` holds the seeds' offers on
    /// entry and the second labels on return.
    fn spread(&self, cell: &[NodeId], at: u32, second: &mut [u64], buf: &mut CellBuffers) {
        let len = cell.len() as u32;
        // The arcs inside the cell are gathered while the runners-up are
        // read; the search then follows only them. On a symmetric graph the
        // arcs entering a node are those leaving it: gathered per node, they
        // are already grouped by tail. Otherwise they are gathered with
        // their head and grouped by tail after (a counting sort).
        let symmetric = self.symmetric;
        let labels = &mut buf.labels;
        labels.clear();
        buf.inner.clear();
        buf.inner_start.clear();
        buf.inner_start.push(0);
        buf.gathered.clear();
        for (i, &w) in cell.iter().enumerate() {
            let mut best = second[i];
            let arcs = arcs_of(self.reverse, w);
            // (at most one entry per arc: `n` stays below the capacity)
            let mut n = if symmetric {
                buf.inner.reserve(arcs.len());
                buf.inner.len()
            } else {
                buf.gathered.reserve(arcs.len());
                buf.gathered.len()
            };
            let (inner, gathered) = (buf.inner.as_mut_ptr(), buf.gathered.as_mut_ptr());
            for (&x, &t) in arcs {
                // SAFETY: a Csr's heads are < num_nodes; `info` has
                // num_nodes entries; `n` < the capacity reserved above.
                // Branch-free (about half the arcs leave the cell, at
                // random): an unreached `x` has time UNREACHABLE, beyond
                // any limit, and no slot.
                let fx = unsafe { *self.info.get_unchecked(x as usize) };
                let j = fx.slot.wrapping_sub(at);
                let inside = j < len;
                unsafe {
                    if symmetric {
                        inner.add(n).write((j, t));
                    } else {
                        gathered.add(n).write((j, i as u32, t));
                    }
                }
                n += inside as usize;
                let nd = fx.time.saturating_add(t);
                let offered = !inside & (nd <= self.limit);
                let k = key(Label {
                    time: nd,
                    source: fx.source,
                });
                best = best.min(if offered { k } else { NONE_KEY });
            }
            // SAFETY: entries up to `n` were written above.
            if symmetric {
                unsafe { buf.inner.set_len(n) };
                buf.inner_start.push(n as u32);
            } else {
                unsafe { buf.gathered.set_len(n) };
            }
            labels.push(best);
        }
        if !symmetric {
            group_by_tail(&buf.gathered, &mut buf.inner, &mut buf.inner_start, len as usize);
        }
        // The search along the arcs inside the cell: starting labels sorted
        // once, merged with a heap of the labels improved on the way.
        buf.start.clear();
        buf.start.extend(
            labels[..len as usize]
                .iter()
                .enumerate()
                .filter(|e| *e.1 != NONE_KEY)
                .map(|(i, &k)| (k, i as u32)),
        );
        buf.start.sort_unstable_by_key(|e| e.0);
        buf.improved.clear();
        let mut next = 0;
        loop {
            let (k, i) = match (buf.start.get(next), buf.improved.peek()) {
                (Some(&a), Some(&Reverse(b))) if ((b >> 32) as u64) < a.0 => {
                    buf.improved.pop();
                    ((b >> 32) as u64, b as u32)
                }
                (Some(&a), _) => {
                    next += 1;
                    a
                }
                (None, Some(&Reverse(b))) => {
                    buf.improved.pop();
                    ((b >> 32) as u64, b as u32)
                }
                (None, None) => break,
            };
            if k != labels[i as usize] {
                continue;
            }
            let (d, s) = ((k >> 32) as Time, k as u32);
            let (a, b) = (
                buf.inner_start[i as usize] as usize,
                buf.inner_start[i as usize + 1] as usize,
            );
            for &(j, t) in &buf.inner[a..b] {
                let nd = d.saturating_add(t);
                let l = key(Label { time: nd, source: s });
                // SAFETY: `inner` holds positions in the cell, < len.
                let lj = unsafe { labels.get_unchecked_mut(j as usize) };
                if l < *lj && nd <= self.limit {
                    *lj = l;
                    buf.improved.push(Reverse((l as u128) << 32 | j as u128));
                }
            }
        }
        second.copy_from_slice(&labels[..len as usize]);
    }
}

/// The reached nodes grouped by their nearest source (ascending), each
/// group in node order.
struct Cells {
    nodes: Vec<NodeId>,
    /// Group `i` is `nodes[start[i]..start[i + 1]]`.
    start: Vec<u32>,
}

/// Groups the reached nodes by their nearest source, with a counting sort
/// over the source indices (compact in practice: a sort when they are not).
fn cells(labels: &[Label]) -> Cells {
    let sources = || labels.iter().filter(|l| **l != Label::NONE).map(|l| l.source);
    let max_source = sources().max().map_or(0, |s| s as usize);
    if max_source > 2 * labels.len() + 1024 {
        let mut pairs: Vec<(u32, NodeId)> = labels
            .iter()
            .enumerate()
            .filter(|(_, l)| **l != Label::NONE)
            .map(|(v, l)| (l.source, v as NodeId))
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
    for (v, l) in labels.iter().enumerate() {
        if *l != Label::NONE {
            let at = &mut next[l.source as usize];
            nodes[*at as usize] = v as NodeId;
            *at += 1;
        }
    }
    Cells { nodes, start }
}
