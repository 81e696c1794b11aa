use super::queue::{DialQueue, MonotoneQueue, prefetch_upcoming};
use crate::graph::Csr;
use crate::units::{NodeId, Time, UNREACHABLE};

/// Time from `source` to every node along `csr`'s arcs ([`UNREACHABLE`] where
/// none). For many searches, reuse a [`OneToAll`].
///
/// # Examples
/// ```
/// use medaccess::graph::{Edge, RoadGraph};
/// use medaccess::route::one_to_all;
/// use medaccess::units::UNREACHABLE;
/// //  0 --10--> 1 --10--> 2      3 (isolated)
/// //  \_______25_______/^
/// let g = RoadGraph::from_edges(4, &[Edge::new(0, 1, 10), Edge::new(1, 2, 10), Edge::new(0, 2, 25)]).unwrap();
/// assert_eq!(one_to_all(g.forward(), 0), vec![0, 10, 20, UNREACHABLE]);
/// // on the backward graph: time *to* node 2 from everywhere
/// assert_eq!(one_to_all(g.backward(), 2), vec![20, 10, 0, UNREACHABLE]);
/// ```
pub fn one_to_all(csr: &Csr, source: NodeId) -> Vec<Time> {
    // Start from an empty vector: `run` fills it once (filling it here too
    // would write the whole array twice).
    let mut s = OneToAll::new(0);
    s.run(csr, source);
    s.dist
}

/// A reusable one-to-all search. `Q` is the priority queue (see
/// `docs/performance.md` for why the default won).
#[derive(Debug, Clone)]
pub struct OneToAll<Q = DialQueue> {
    dist: Vec<Time>,
    queue: Q,
}

impl OneToAll {
    pub fn new(num_nodes: usize) -> Self {
        OneToAll::with_queue(num_nodes)
    }
}

impl<Q: MonotoneQueue> OneToAll<Q> {
    /// A workspace with a chosen queue (for comparing queues).
    #[doc(hidden)]
    pub fn with_queue(num_nodes: usize) -> Self {
        OneToAll {
            dist: vec![UNREACHABLE; num_nodes],
            queue: Q::default(),
        }
    }

    /// Runs from `source`; returns the time to every node.
    pub fn run(&mut self, csr: &Csr, source: NodeId) -> &[Time] {
        self.dist.clear();
        self.dist.resize(csr.num_nodes(), UNREACHABLE);
        self.queue.clear();
        if (source as usize) < self.dist.len() {
            self.dist[source as usize] = 0;
            self.queue.push(0, 0, source);
        }
        // The tie is unused: any order among equal times gives the same
        // distances, and a constant tie keeps integer queues cheapest.
        let dist = &mut self.dist[..];
        let (offsets, heads, times) = csr.raw();
        while let Some((d, _, v)) = self.queue.pop() {
            let v = v as usize;
            // SAFETY (all unchecked accesses below): a Csr's heads are <
            // num_nodes and its offsets are non-decreasing and <= num_arcs
            // (checked when it is built or read); `dist` has num_nodes
            // entries, `offsets` num_nodes + 1, and every node queued is
            // the source (checked above) or a head.
            if d > unsafe { *dist.get_unchecked(v) } {
                continue;
            }
            prefetch_upcoming(&self.queue, csr);
            let (a, b) = unsafe {
                (
                    *offsets.get_unchecked(v) as usize,
                    *offsets.get_unchecked(v + 1) as usize,
                )
            };
            let arcs = unsafe { heads.get_unchecked(a..b).iter().zip(times.get_unchecked(a..b)) };
            for (&w, &t) in arcs {
                let nd = d.saturating_add(t);
                let slot = unsafe { dist.get_unchecked_mut(w as usize) };
                if nd < *slot {
                    *slot = nd;
                    self.queue.push(nd, 0, w);
                }
            }
        }
        &self.dist
    }
}
