use super::queue::{MinQueue, pack, unpack};
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
    let mut s = OneToAll::new(csr.num_nodes());
    s.run(csr, source);
    s.dist
}

/// A reusable one-to-all search.
#[derive(Debug, Clone)]
pub struct OneToAll {
    dist: Vec<Time>,
    queue: MinQueue,
}

impl OneToAll {
    pub fn new(num_nodes: usize) -> Self {
        OneToAll {
            dist: vec![UNREACHABLE; num_nodes],
            queue: MinQueue::with_capacity(1024),
        }
    }

    /// Runs from `source`; returns the time to every node.
    pub fn run(&mut self, csr: &Csr, source: NodeId) -> &[Time] {
        self.dist.clear();
        self.dist.resize(csr.num_nodes(), UNREACHABLE);
        self.queue.clear();
        if (source as usize) < self.dist.len() {
            self.dist[source as usize] = 0;
            self.queue.push(pack(0, source), source);
        }
        while let Some((key, v)) = self.queue.pop() {
            let (d, _) = unpack(key);
            if d > self.dist[v as usize] {
                continue;
            }
            let (heads, times) = csr.arc_slices(v);
            for (&w, &t) in heads.iter().zip(times) {
                let nd = d.saturating_add(t);
                if nd < self.dist[w as usize] {
                    self.dist[w as usize] = nd;
                    self.queue.push(pack(nd, w), w);
                }
            }
        }
        &self.dist
    }
}
