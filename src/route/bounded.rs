use super::queue::{MonotoneQueue, PooledDialQueue, prefetch_upcoming};
use crate::graph::Csr;
use crate::units::{NodeId, Time, UNREACHABLE};

/// A reusable Dijkstra workspace for searches that stop at a time limit.
///
/// A search touches only the nodes it reaches, and resetting costs only what
/// was touched, so thousands of short searches on a large graph cost what
/// they explore, not the size of the graph. After the first few searches have
/// grown the buffers, further searches allocate nothing.
///
/// # Examples
/// ```
/// use medaccess::graph::{Edge, RoadGraph};
/// use medaccess::route::BoundedSearch;
/// use medaccess::units::UNREACHABLE;
/// // 0 --100--> 1 --100--> 2 --100--> 3
/// let g = RoadGraph::from_edges(4, &[Edge::new(0, 1, 100), Edge::new(1, 2, 100), Edge::new(2, 3, 100)]).unwrap();
/// let mut s = BoundedSearch::new(g.num_nodes());
/// let reached = s.run(g.forward(), &[(0, 0)], 250);
/// assert_eq!(reached, &[(0, 0), (1, 100), (2, 200)]);
/// assert_eq!(s.time(3), UNREACHABLE);
/// ```
///
/// `Q` is the priority queue (see `docs/performance.md` for why the default
/// won): [`PooledDialQueue`], Dial's queue
/// with its buckets in one recycled pool, so that reusing the workspace
/// allocates nothing (`tests/alloc.rs`).
#[derive(Debug, Clone)]
pub struct BoundedSearch<Q = PooledDialQueue> {
    dist: Vec<Time>,
    touched: Vec<NodeId>,
    settled: Vec<(NodeId, Time)>,
    queue: Q,
}

impl BoundedSearch {
    pub fn new(num_nodes: usize) -> Self {
        BoundedSearch::with_queue(num_nodes)
    }
}

impl<Q: MonotoneQueue> BoundedSearch<Q> {
    /// A workspace with a chosen queue (for comparing queues).
    #[doc(hidden)]
    pub fn with_queue(num_nodes: usize) -> Self {
        BoundedSearch {
            dist: vec![UNREACHABLE; num_nodes],
            touched: Vec::new(),
            settled: Vec::new(),
            queue: Q::default(),
        }
    }

    fn reset(&mut self, num_nodes: usize) {
        for &v in &self.touched {
            self.dist[v as usize] = UNREACHABLE;
        }
        self.touched.clear();
        self.settled.clear();
        self.queue.clear();
        if self.dist.len() != num_nodes {
            self.dist.clear();
            self.dist.resize(num_nodes, UNREACHABLE);
        }
    }

    /// Searches from `sources` (node, starting time) up to `limit` inclusive.
    /// Returns the reached nodes with their times, in settling order
    /// (non-decreasing time).
    pub fn run(&mut self, csr: &Csr, sources: &[(NodeId, Time)], limit: Time) -> &[(NodeId, Time)] {
        self.run_until(csr, sources, limit, |_, _| false)
    }

    /// Like [`run`](Self::run), but calls `stop(node, time)` as each node is
    /// settled and ends the search when it returns `true`. After an early
    /// stop, [`time`](Self::time) is exact only for settled nodes.
    pub fn run_until<F>(
        &mut self,
        csr: &Csr,
        sources: &[(NodeId, Time)],
        limit: Time,
        mut stop: F,
    ) -> &[(NodeId, Time)]
    where
        F: FnMut(NodeId, Time) -> bool,
    {
        self.reset(csr.num_nodes());
        for &(v, t) in sources {
            if (v as usize) < self.dist.len() && t <= limit && t < self.dist[v as usize] {
                if self.dist[v as usize] == UNREACHABLE {
                    self.touched.push(v);
                }
                self.dist[v as usize] = t;
                self.queue.push(t, 0, v);
            }
        }
        while let Some((d, _, v)) = self.queue.pop() {
            if d > self.dist[v as usize] {
                continue;
            }
            self.settled.push((v, d));
            if stop(v, d) {
                break;
            }
            prefetch_upcoming(&self.queue, csr);
            let (heads, times) = csr.arc_slices(v);
            for (&w, &t) in heads.iter().zip(times) {
                let nd = d.saturating_add(t);
                let wi = w as usize;
                if nd <= limit && nd < self.dist[wi] {
                    if self.dist[wi] == UNREACHABLE {
                        self.touched.push(w);
                    }
                    self.dist[wi] = nd;
                    self.queue.push(nd, 0, w);
                }
            }
        }
        &self.settled
    }

    /// Time to `v` found by the last search, [`UNREACHABLE`] if not reached.
    #[inline]
    pub fn time(&self, v: NodeId) -> Time {
        self.dist.get(v as usize).copied().unwrap_or(UNREACHABLE)
    }

    /// Nodes settled by the last search, with their times.
    pub fn settled(&self) -> &[(NodeId, Time)] {
        &self.settled
    }
}
