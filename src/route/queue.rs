//! The priority queues behind the searches.
//!
//! Every search pops entries `(time, tie, node)` in non-decreasing
//! `(time, tie)` order and only ever pushes keys at least as large as the
//! last one popped (arc times are non-negative and a pushed entry keeps the
//! tie of the entry it was relaxed from). That *monotone* use is what lets
//! integer queues beat a comparison heap:
//!
//! * [`BinaryQueue`]: `std`'s binary heap, O(log n) per operation; any order.
//! * [`RadixQueue`]: a monotone radix heap (Ahuja, Mehlhorn, Orlin & Tarjan,
//!   *Faster algorithms for the shortest path problem*, JACM 1990) on the
//!   packed 64-bit key; each entry moves down at most 64 buckets.
//! * [`DialQueue`]: Dial's bucket queue (Dial, *Algorithm 360*, CACM 1969),
//!   one bucket per tenth of a second in a circular window, with a binary
//!   heap for entries beyond the window (long ferry or motorway arcs), so it
//!   is correct whatever the arc times. O(1) per operation on road graphs.
//!   Each bucket is a `Vec`: the fastest layout.
//! * [`PooledDialQueue`]: the same queue with its buckets as chains of
//!   blocks from one recycled pool, so that a reused queue stops allocating
//!   after its first searches whatever their shapes: the bounded searches'
//!   queue (10,000 of them must allocate nothing, `tests/alloc.rs`).
//!
//! Which one each search uses was decided by measurement: see
//! `docs/performance.md` and `benches/route.rs`. They are public (but hidden
//! from the docs) only so that the benches can compare them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::units::{NodeId, Time};

#[inline]
fn pack(time: Time, low: u32) -> u64 {
    ((time as u64) << 32) | low as u64
}

#[inline]
fn unpack(key: u64) -> (Time, u32) {
    ((key >> 32) as Time, key as u32)
}

/// A min-queue used monotonically: pops come in non-decreasing
/// `(time, tie)` order, and every push is at least the last pop.
/// Stale entries are not removed (lazy deletion): searches skip them.
///
/// # Safety
///
/// The searches index their arrays without bounds checks with the nodes
/// that `pop` returns: an implementation must only ever return nodes that
/// were pushed since the last `clear`.
pub unsafe trait MonotoneQueue: Default + Clone + Send {
    /// Adds `node` with key `(time, tie)`.
    fn push(&mut self, time: Time, tie: u32, node: NodeId);
    /// Removes an entry with the smallest `(time, tie)`; among equal keys
    /// any order.
    fn pop(&mut self) -> Option<(Time, u32, NodeId)>;
    /// Empties the queue, keeping its buffers (no allocation on reuse).
    fn clear(&mut self);
    /// The node that the `k`-th next pop will probably return (0: the next
    /// one), when that is cheap to tell. Only a hint for prefetching: never
    /// needed for correctness.
    #[inline]
    fn upcoming(&self, _k: usize) -> Option<NodeId> {
        None
    }
}

/// Asks the CPU to start loading the cache line at `p`. Searches settle nodes
/// scattered over arrays far larger than the caches, so they wait on memory;
/// loading the next nodes' arcs while relaxing the current one hides part of
/// that wait.
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it never faults nor reads into Rust
    // memory, whatever the address.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Prefetches what settling the queue's next nodes will read, as a short
/// pipeline: the offsets of the node after next, and the arcs of the next
/// one (whose offsets were fetched one pop ago).
#[inline(always)]
pub(crate) fn prefetch_upcoming<Q: MonotoneQueue>(queue: &Q, csr: &crate::graph::Csr) {
    let (offsets, heads, times) = csr.raw();
    if let Some(u) = queue.upcoming(1) {
        prefetch(offsets.as_ptr().wrapping_add(u as usize));
    }
    if let Some(u) = queue.upcoming(0)
        && let Some(&a) = offsets.get(u as usize)
    {
        prefetch(heads.as_ptr().wrapping_add(a as usize));
        prefetch(times.as_ptr().wrapping_add(a as usize));
    }
}

/// [`prefetch_upcoming`] one step deeper, for searches whose labels are
/// scattered (many sources, so many wavefronts): also the labels at the
/// next node and at its heads.
#[inline(always)]
pub(crate) fn prefetch_upcoming_labels<Q: MonotoneQueue, L>(
    queue: &Q,
    csr: &crate::graph::Csr,
    labels: &[L],
) {
    if let Some(u) = queue.upcoming(2) {
        prefetch(csr.raw().0.as_ptr().wrapping_add(u as usize));
    }
    if let Some(u) = queue.upcoming(1) {
        let (heads, times) = csr.arc_slices(u);
        prefetch(heads.as_ptr());
        prefetch(times.as_ptr());
        prefetch(labels.as_ptr().wrapping_add(u as usize));
    }
    if let Some(u) = queue.upcoming(0) {
        for &w in csr.arc_slices(u).0 {
            prefetch(labels.as_ptr().wrapping_add(w as usize));
        }
    }
}

/// `std::collections::BinaryHeap` on the packed key.
#[derive(Debug, Default, Clone)]
pub struct BinaryQueue {
    heap: BinaryHeap<Reverse<(u64, NodeId)>>,
}

// SAFETY: `pop` returns only entries that `push` stored.
unsafe impl MonotoneQueue for BinaryQueue {
    #[inline]
    fn push(&mut self, time: Time, tie: u32, node: NodeId) {
        self.heap.push(Reverse((pack(time, tie), node)));
    }

    #[inline]
    fn pop(&mut self) -> Option<(Time, u32, NodeId)> {
        self.heap.pop().map(|Reverse((k, v))| {
            let (t, tie) = unpack(k);
            (t, tie, v)
        })
    }

    fn clear(&mut self) {
        self.heap.clear();
    }
}

/// A monotone radix heap on the packed 64-bit key `(time, tie)`.
///
/// Bucket `i > 0` holds keys whose highest bit differing from the last popped
/// key is bit `i - 1`; bucket 0 holds keys equal to it. Popping from an empty
/// bucket 0 redistributes the first non-empty bucket around its minimum,
/// found with one bit scan of a mask of the non-empty buckets.
#[derive(Debug, Clone)]
pub struct RadixQueue {
    last: u64,
    len: usize,
    /// Bit `i - 1` set exactly when bucket `i > 0` is non-empty (set when an
    /// entry is filed, cleared when the bucket is redistributed).
    nonempty: u64,
    buckets: Vec<Vec<(u64, NodeId)>>,
}

impl Default for RadixQueue {
    fn default() -> Self {
        RadixQueue {
            last: 0,
            len: 0,
            nonempty: 0,
            buckets: vec![Vec::new(); 65],
        }
    }
}

impl RadixQueue {
    #[inline]
    fn bucket(last: u64, key: u64) -> usize {
        (64 - (key ^ last).leading_zeros()) as usize
    }

    /// Files an entry in its bucket relative to `last`, marking the bucket
    /// non-empty.
    #[inline]
    fn put(&mut self, key: u64, node: NodeId) {
        let b = Self::bucket(self.last, key);
        self.buckets[b].push((key, node));
        if b > 0 {
            self.nonempty |= 1 << (b - 1);
        }
    }

    /// Moves the first non-empty bucket's entries into lower buckets around
    /// its minimum, which becomes `last` (bucket 0 is empty on entry).
    #[inline(never)]
    fn refill(&mut self) {
        let i = self.nonempty.trailing_zeros() as usize + 1;
        self.nonempty &= self.nonempty - 1;
        // Take the bucket out to redistribute without aliasing; its buffer
        // is put back so nothing is reallocated next time.
        let mut moved = std::mem::take(&mut self.buckets[i]);
        let min = moved.iter().map(|e| e.0).min().unwrap_or(self.last);
        self.last = min;
        for &(k, v) in &moved {
            self.put(k, v);
        }
        moved.clear();
        self.buckets[i] = moved;
    }
}

// SAFETY: `pop` returns only entries that `push` stored.
unsafe impl MonotoneQueue for RadixQueue {
    #[inline]
    fn push(&mut self, time: Time, tie: u32, node: NodeId) {
        let key = pack(time, tie);
        debug_assert!(key >= self.last, "radix heap used non-monotonically");
        self.put(key, node);
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) -> Option<(Time, u32, NodeId)> {
        if self.len == 0 {
            return None;
        }
        if self.buckets[0].is_empty() {
            self.refill();
        }
        let (k, v) = self.buckets[0].pop()?;
        self.len -= 1;
        let (t, tie) = unpack(k);
        Some((t, tie, v))
    }

    fn clear(&mut self) {
        if self.len > 0 {
            self.buckets.iter_mut().for_each(Vec::clear);
        }
        self.len = 0;
        self.last = 0;
        self.nonempty = 0;
    }
}

/// Window of [`DialQueue`] in tenths of a second (a power of two): 204.8 s,
/// longer than all but a few road arcs.
const DIAL_WINDOW: usize = 2048;

/// Entries a [`DialQueue`] bucket gets room for when first used: a bucket
/// of a 1M-node one-to-all search holds about ten.
const FIRST_BUCKET_CAPACITY: usize = 32;

/// Whether [`DialQueue`] suits the arcs of `csr`: when a typical arc (the
/// median of an even sample of 256) is shorter than a quarter of its window.
/// On road networks (arcs of seconds) Dial wins; on graphs of long arcs,
/// such as the commune graph (median arc 15 minutes), nearly every push
/// overflows its window and [`RadixQueue`] is faster (see
/// `docs/performance.md`). Either queue gives the same results.
pub fn dial_suits(csr: &crate::graph::Csr) -> bool {
    let times = csr.raw().2;
    let step = times.len().div_ceil(256).max(1);
    let mut sample: Vec<Time> = times.iter().step_by(step).copied().collect();
    if sample.is_empty() {
        return true;
    }
    let mid = sample.len() / 2;
    let median = *sample.select_nth_unstable(mid).1;
    (median as usize) < DIAL_WINDOW / 4
}

/// Dial's bucket queue: one bucket per time value in a circular window
/// `[base, base + DIAL_WINDOW)`, later entries in an overflow heap.
///
/// Each bucket is a plain `Vec` of `(tie << 32) | node` entries, popped from
/// the end: a push or a pop is one store or load. Buckets keep their
/// buffers when emptied or cleared, so a reused queue stops allocating once
/// each bucket has held its largest load (which may take many searches of
/// varied shapes: [`PooledDialQueue`] bounds that). When the queue moves to a bucket whose ties differ
/// (multi-source searches), it sorts that bucket by tie, descending, so the
/// pop order is exactly `(time, tie)`: nearest-two searches rely on it.
/// Single-source searches push one tie and skip the sort after one scan.
#[derive(Debug, Clone)]
pub struct DialQueue {
    /// Bucket of each time in the window, by `time % DIAL_WINDOW` (an
    /// array, so that a masked index needs no bounds check).
    buckets: Box<[Vec<u64>; DIAL_WINDOW]>,
    /// Time of the current bucket; meaningful once `started`.
    base: u64,
    /// Entries in the buckets (not in `far`).
    in_window: usize,
    /// Entries at or beyond `base + DIAL_WINDOW`, and every entry pushed
    /// before the first pop (seeds may come in any time order).
    far: BinaryHeap<Reverse<(Time, u64)>>,
    started: bool,
    /// `base + DIAL_WINDOW` once started, 0 before: pushes at or beyond it
    /// go to `far` (one comparison for both cases).
    end: u64,
    /// The tie of the first entry pushed since the last clear.
    tie: u32,
    /// Whether any entry had another tie (only then are buckets sorted).
    mixed: bool,
}

impl Default for DialQueue {
    fn default() -> Self {
        DialQueue {
            buckets: Box::new(std::array::from_fn(|_| Vec::new())),
            base: 0,
            in_window: 0,
            far: BinaryHeap::new(),
            started: false,
            end: 0,
            tie: 0,
            mixed: false,
        }
    }
}

impl DialQueue {
    #[inline]
    fn slot(time: u64) -> usize {
        time as usize & (DIAL_WINDOW - 1)
    }

    /// Makes `base` current: pulls in the overflow entries that now fit in
    /// the window and orders the new current bucket by tie.
    #[inline]
    fn enter(&mut self, base: u64) {
        self.base = base;
        self.end = base + DIAL_WINDOW as u64;
        if !self.far.is_empty() {
            self.pull_far();
        }
        if self.mixed {
            self.sort_current();
        }
    }

    /// Orders the current bucket by tie, descending, when its ties differ.
    #[inline(never)]
    fn sort_current(&mut self) {
        let current = &mut self.buckets[Self::slot(self.base)];
        if let Some(&first) = current.first()
            && current.iter().any(|&e| e >> 32 != first >> 32)
        {
            current.sort_unstable_by(|x, y| y.cmp(x));
        }
    }

    /// Pushes an entry beyond the window, or a seed (before the first pop).
    /// Out of line: it is rare, and keeping it out keeps `push` small
    /// enough to inline into the searches' loops.
    #[cold]
    #[inline(never)]
    fn push_far(&mut self, time: Time, e: u64) {
        let tie = (e >> 32) as u32;
        // The first push of a search always lands here (before any pop).
        if !self.started && self.far.is_empty() {
            self.tie = tie;
        }
        self.mixed |= tie != self.tie;
        self.far.push(Reverse((time, e)));
    }

    /// Moves the overflow entries that now fit in the window to their
    /// buckets.
    #[inline(never)]
    fn pull_far(&mut self) {
        while let Some(&Reverse((t, e))) = self.far.peek() {
            if t as u64 >= self.end {
                break;
            }
            self.far.pop();
            self.buckets[Self::slot(t as u64)].push(e);
            self.in_window += 1;
        }
    }

    /// The current bucket is empty (or the search has not started): moves
    /// to the next non-empty bucket. Out of line to keep `pop` small.
    #[inline(never)]
    fn pop_slow(&mut self) -> Option<(Time, u32, NodeId)> {
        if !self.started {
            let &Reverse((t, _)) = self.far.peek()?;
            self.started = true;
            self.enter(t as u64);
        }
        loop {
            if let Some(e) = self.buckets[Self::slot(self.base)].pop() {
                self.in_window -= 1;
                let (tie, node) = unpack(e);
                return Some((self.base as Time, tie, node));
            }
            let next = if self.in_window > 0 {
                self.base + 1
            } else {
                let &Reverse((t, _)) = self.far.peek()?;
                t as u64
            };
            self.enter(next);
        }
    }
}

/// Inserts `e` into `bucket`, sorted by tie descending, after the entries
/// of a larger tie.
#[cold]
#[inline(never)]
fn insert_by_tie(bucket: &mut Vec<u64>, e: u64) {
    let at = bucket.partition_point(|&x| x >> 32 > e >> 32);
    bucket.insert(at, e);
}

// SAFETY: `pop` returns only entries that `push` stored.
unsafe impl MonotoneQueue for DialQueue {
    #[inline(always)]
    fn push(&mut self, time: Time, tie: u32, node: NodeId) {
        let e = pack(tie, node);
        let t = time as u64;
        if t >= self.end {
            self.push_far(time, e);
            return;
        }
        self.mixed |= tie != self.tie;
        debug_assert!(t >= self.base, "Dial queue used non-monotonically");
        let bucket = &mut self.buckets[Self::slot(t)];
        if bucket.capacity() == 0 {
            // A fresh queue: one allocation per bucket instead of growing
            // each through 4, 8, 16, 32 entries.
            bucket.reserve(FIRST_BUCKET_CAPACITY);
        }
        self.in_window += 1;
        // The current bucket is sorted by tie, descending; a search pushes
        // into it only the tie it is popping (the smallest left), so this
        // is nearly always a plain push at the end.
        if self.mixed
            && t == self.base
            && let Some(&last) = bucket.last()
            && last >> 32 < e >> 32
        {
            insert_by_tie(bucket, e);
        } else {
            bucket.push(e);
        }
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<(Time, u32, NodeId)> {
        if let Some(e) = self.buckets[Self::slot(self.base)].pop() {
            self.in_window -= 1;
            let (tie, node) = unpack(e);
            return Some((self.base as Time, tie, node));
        }
        self.pop_slow()
    }

    #[inline]
    fn upcoming(&self, k: usize) -> Option<NodeId> {
        let current = &self.buckets[Self::slot(self.base)];
        let i = current.len().checked_sub(k + 1)?;
        Some(current[i] as NodeId)
    }

    fn clear(&mut self) {
        if self.in_window > 0 {
            // Keeps every bucket's buffer.
            self.buckets.iter_mut().for_each(Vec::clear);
        }
        self.in_window = 0;
        self.far.clear();
        self.started = false;
        self.base = 0;
        self.end = 0;
        self.mixed = false;
    }
}
/// Entries per block of a [`PooledDialQueue`] bucket: a block is two cache
/// lines.
const BLOCK: usize = 14;

/// No block.
const NIL: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Block {
    items: [u64; BLOCK],
    len: u32,
    next: u32,
}

/// [`DialQueue`] with its future buckets in one pool, for workspaces that
/// must stop allocating after a few searches ([`BoundedSearch`](super::BoundedSearch)'s default).
///
/// Future buckets are chains of fixed-size blocks drawn from one shared,
/// recycled pool, so the queue's memory is one pool sized by the most
/// entries ever queued at once, not one buffer per bucket: after a few
/// searches, reusing the queue allocates nothing. The current bucket is
/// copied out of its chain into one buffer and sorted by tie (descending,
/// popped from the end) when the ties differ, so the pop order is exactly
/// `(time, tie)`: nearest-two searches rely on it.
#[derive(Debug, Clone)]
pub struct PooledDialQueue {
    /// Newest block of each future bucket's chain, by `time % DIAL_WINDOW`.
    heads: Vec<u32>,
    blocks: Vec<Block>,
    /// Recycled blocks, chained through `next`.
    free: u32,
    /// Entries at time `base`, as `(tie << 32) | node`.
    current: Vec<u64>,
    /// Time of the current bucket; meaningful once `started`.
    base: u64,
    /// Entries in the chains (not in `current` nor `far`).
    in_window: usize,
    /// Entries at or beyond `base + DIAL_WINDOW`, and every entry pushed
    /// before the first pop (seeds may come in any time order).
    far: BinaryHeap<Reverse<(Time, u64)>>,
    started: bool,
}

impl Default for PooledDialQueue {
    fn default() -> Self {
        PooledDialQueue {
            heads: vec![NIL; DIAL_WINDOW],
            blocks: Vec::new(),
            free: NIL,
            current: Vec::new(),
            base: 0,
            in_window: 0,
            far: BinaryHeap::new(),
            started: false,
        }
    }
}

impl PooledDialQueue {
    #[inline]
    fn slot(time: u64) -> usize {
        time as usize & (DIAL_WINDOW - 1)
    }

    /// Appends `e` to the chain of the (future) bucket of `time`.
    #[inline]
    fn chain_push(&mut self, time: u64, e: u64) {
        let slot = Self::slot(time);
        let mut h = self.heads[slot];
        if h == NIL || self.blocks[h as usize].len as usize == BLOCK {
            h = self.new_block(slot);
        }
        let b = &mut self.blocks[h as usize];
        b.items[b.len as usize] = e;
        b.len += 1;
        self.in_window += 1;
    }

    /// Puts an empty block at the head of `slot`'s chain.
    #[inline(never)]
    fn new_block(&mut self, slot: usize) -> u32 {
        let fresh = Block {
            items: [0; BLOCK],
            len: 0,
            next: self.heads[slot],
        };
        let h = if self.free != NIL {
            let b = self.free;
            self.free = self.blocks[b as usize].next;
            self.blocks[b as usize] = fresh;
            b
        } else {
            self.blocks.push(fresh);
            (self.blocks.len() - 1) as u32
        };
        self.heads[slot] = h;
        h
    }

    #[cold]
    #[inline(never)]
    fn push_far(&mut self, time: Time, e: u64) {
        self.far.push(Reverse((time, e)));
    }

    #[inline(never)]
    fn pop_slow(&mut self) -> Option<(Time, u32, NodeId)> {
        if !self.started {
            let &Reverse((t, _)) = self.far.peek()?;
            self.started = true;
            self.enter(t as u64);
        }
        loop {
            if let Some(e) = self.current.pop() {
                let (tie, node) = unpack(e);
                return Some((self.base as Time, tie, node));
            }
            let next = if self.in_window > 0 {
                self.base + 1
            } else {
                let &Reverse((t, _)) = self.far.peek()?;
                t as u64
            };
            self.enter(next);
        }
    }

    /// Makes `base` current: pulls in the overflow entries that now fit in
    /// the window, moves the bucket's chain into `current` (recycling its
    /// blocks) and orders it by tie.
    fn enter(&mut self, base: u64) {
        self.base = base;
        let end = base + DIAL_WINDOW as u64;
        while let Some(&Reverse((t, e))) = self.far.peek() {
            if t as u64 >= end {
                break;
            }
            self.far.pop();
            if t as u64 == base {
                self.current.push(e);
            } else {
                self.chain_push(t as u64, e);
            }
        }
        let slot = Self::slot(base);
        let mut h = std::mem::replace(&mut self.heads[slot], NIL);
        while h != NIL {
            let b = &self.blocks[h as usize];
            self.current.extend_from_slice(&b.items[..b.len as usize]);
            self.in_window -= b.len as usize;
            let next = b.next;
            self.blocks[h as usize].next = self.free;
            self.free = h;
            h = next;
        }
        // Sorting is needed only when ties differ (multi-source searches);
        // single-source searches push one tie and skip it after one scan.
        if let Some(&first) = self.current.first()
            && self.current.iter().any(|&e| e >> 32 != first >> 32)
        {
            self.current.sort_unstable_by(|x, y| y.cmp(x));
        }
    }
}

// SAFETY: `pop` returns only entries that `push` stored.
unsafe impl MonotoneQueue for PooledDialQueue {
    #[inline(always)]
    fn push(&mut self, time: Time, tie: u32, node: NodeId) {
        let e = pack(tie, node);
        let t = time as u64;
        if !self.started || t >= self.base + DIAL_WINDOW as u64 {
            self.push_far(time, e);
        } else if t == self.base {
            // `current` is sorted descending; a search pushes here only the
            // tie it is popping (the smallest left), so this is nearly
            // always a plain push at the end.
            if self.current.last().is_some_and(|&x| x >> 32 < e >> 32) {
                insert_by_tie(&mut self.current, e);
            } else {
                self.current.push(e);
            }
        } else {
            debug_assert!(t > self.base, "Dial queue used non-monotonically");
            self.chain_push(t, e);
        }
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<(Time, u32, NodeId)> {
        if let Some(e) = self.current.pop() {
            let (tie, node) = unpack(e);
            return Some((self.base as Time, tie, node));
        }
        self.pop_slow()
    }
    #[inline]
    fn upcoming(&self, k: usize) -> Option<NodeId> {
        let i = self.current.len().checked_sub(k + 1)?;
        Some(self.current[i] as NodeId)
    }

    fn clear(&mut self) {
        if self.in_window > 0 {
            self.heads.fill(NIL);
        }
        // Keeps the pool's capacity: the blocks are simply all free again.
        self.blocks.clear();
        self.free = NIL;
        self.in_window = 0;
        self.current.clear();
        self.far.clear();
        self.started = false;
        self.base = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Drives a queue the way a search does (monotone pushes, random pops)
    /// and checks its pops against a sorted reference.
    fn check<Q: MonotoneQueue>() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut q = Q::default();
        for round in 0..300 {
            q.clear();
            let mut reference: Vec<(Time, u32, NodeId)> = Vec::new();
            // seeds in any order
            for _ in 0..rng.random_range(0..5) {
                let e = (
                    rng.random_range(0..50),
                    rng.random_range(0..4),
                    rng.random_range(0..100),
                );
                q.push(e.0, e.1, e.2);
                reference.push(e);
            }
            let max_w = [1, 30, 5000, 1 << 20][round % 4];
            let mut popped = 0;
            while let Some((t, tie, v)) = q.pop() {
                reference.sort_unstable_by_key(|e| std::cmp::Reverse((e.0, e.1)));
                let want = reference.pop().unwrap();
                assert_eq!((t, tie), (want.0, want.1), "round {round}");
                popped += 1;
                if popped > 2000 {
                    break; // leave entries behind: clear() must drop them
                }
                for _ in 0..rng.random_range(0..3) {
                    let w = if rng.random_bool(0.2) {
                        0
                    } else {
                        rng.random_range(0..=max_w)
                    };
                    q.push(t + w, tie, v + 1);
                    reference.push((t + w, tie, v + 1));
                }
            }
        }
    }

    #[test]
    fn queues_pop_in_key_order() {
        check::<BinaryQueue>();
        check::<RadixQueue>();
        check::<DialQueue>();
        check::<PooledDialQueue>();
    }
}
