//! The road-travel graph: a compact CSR (compressed sparse row) adjacency in
//! both directions.
//!
//! Nodes are dense `u32` ids ([`NodeId`]); arc weights are travel times in
//! tenths of a second ([`Time`]). The forward [`Csr`] answers "where can I go
//! from here", the backward one "who can reach here": searches *from
//! facilities* must run on the backward graph so that the times they find are
//! patient → facility, the direction a patient drives.
//!
//! Memory: each arc is stored once per direction as a `u32` head and a `u32`
//! weight (16 bytes per arc in all), each node as one `u32` offset per
//! direction (8 bytes per node).

mod csr;
mod file;
mod scc;

pub use csr::Csr;
pub use file::{GRAPH_FORMAT_VERSION, read_graph, write_graph};
pub use scc::SccReport;

use crate::error::{Error, Result};
use crate::units::{NodeId, Time, UNREACHABLE};

/// A directed arc of an edge list: `from` → `to` in `time` tenths of a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    pub time: Time,
}

impl Edge {
    pub fn new(from: NodeId, to: NodeId, time: Time) -> Self {
        Edge { from, to, time }
    }
}

/// A road graph: the same arcs stored forward and backward (once when the
/// graph is symmetric, as the commune graph is: then both directions are the
/// same arrays, half the memory and one set of cache lines for searches
/// that read both, such as [`nearest_two`](crate::route::nearest_two)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadGraph {
    fwd: Csr,
    /// `None` when every arc has a twin of the same time the other way.
    bwd: Option<Csr>,
}

impl RoadGraph {
    /// Builds the graph from an edge list. Parallel arcs and self-loops are
    /// kept (the searches handle them); arcs are ordered by (head, time) within
    /// each node so that the graph is canonical whatever the input order.
    ///
    /// # Errors
    /// An arc naming a node `>= num_nodes`, a time equal to
    /// [`UNREACHABLE`], or more than `u32::MAX` nodes or arcs.
    ///
    /// # Examples
    /// ```
    /// use medaccess::graph::{Edge, RoadGraph};
    /// // 0 --60--> 1 --30--> 2, and a one-way back 2 --200--> 0
    /// let g = RoadGraph::from_edges(3, &[Edge::new(0, 1, 60), Edge::new(1, 2, 30), Edge::new(2, 0, 200)]).unwrap();
    /// assert_eq!(g.num_arcs(), 3);
    /// assert_eq!(g.forward().arcs(0).collect::<Vec<_>>(), vec![(1, 60)]);
    /// assert_eq!(g.backward().arcs(0).collect::<Vec<_>>(), vec![(2, 200)]);
    /// ```
    pub fn from_edges(num_nodes: usize, edges: &[Edge]) -> Result<Self> {
        if num_nodes >= NodeId::MAX as usize {
            return Err(Error::Graph(format!(
                "{num_nodes} nodes: at most {} allowed",
                NodeId::MAX - 1
            )));
        }
        if edges.len() >= u32::MAX as usize {
            return Err(Error::Graph(format!(
                "{} arcs: at most {} allowed",
                edges.len(),
                u32::MAX - 1
            )));
        }
        for (i, e) in edges.iter().enumerate() {
            if e.from as usize >= num_nodes || e.to as usize >= num_nodes {
                return Err(Error::Graph(format!(
                    "arc {i} ({} -> {}) names a node outside 0..{num_nodes}",
                    e.from, e.to
                )));
            }
            if e.time == UNREACHABLE {
                return Err(Error::Graph(format!(
                    "arc {i} ({} -> {}) has an infinite time",
                    e.from, e.to
                )));
            }
        }
        let fwd = Csr::build(num_nodes, edges.iter().map(|e| (e.from, e.to, e.time)));
        let bwd = Csr::build(num_nodes, edges.iter().map(|e| (e.to, e.from, e.time)));
        // Both are canonical (arcs sorted by head, time): equal exactly when
        // the arcs are symmetric.
        let bwd = (bwd != fwd).then_some(bwd);
        Ok(RoadGraph { fwd, bwd })
    }

    /// Arcs as stored, from → to.
    pub fn forward(&self) -> &Csr {
        &self.fwd
    }

    /// The same arcs reversed: `arcs(v)` lists the nodes that lead *to* `v`.
    pub fn backward(&self) -> &Csr {
        self.bwd.as_ref().unwrap_or(&self.fwd)
    }

    /// Whether every arc has a twin of the same time the other way
    /// ([`backward`](Self::backward) is then [`forward`](Self::forward)).
    pub fn is_symmetric(&self) -> bool {
        self.bwd.is_none()
    }

    pub fn num_nodes(&self) -> usize {
        self.fwd.num_nodes()
    }

    pub fn num_arcs(&self) -> usize {
        self.fwd.num_arcs()
    }

    /// Every arc, in canonical order (by from, to, time).
    pub fn edges(&self) -> impl Iterator<Item = Edge> + '_ {
        (0..self.num_nodes() as NodeId)
            .flat_map(move |v| self.fwd.arcs(v).map(move |(w, t)| Edge::new(v, w, t)))
    }

    /// Bytes held by the adjacency arrays of both directions (one when the
    /// graph is symmetric).
    pub fn memory_bytes(&self) -> usize {
        self.fwd.memory_bytes() + self.bwd.as_ref().map_or(0, Csr::memory_bytes)
    }

    /// Converts to a petgraph `DiGraph` with node indices equal to our ids.
    pub fn to_petgraph(&self) -> petgraph::graph::DiGraph<(), Time> {
        let mut g = petgraph::graph::DiGraph::with_capacity(self.num_nodes(), self.num_arcs());
        for _ in 0..self.num_nodes() {
            g.add_node(());
        }
        for e in self.edges() {
            g.add_edge(e.from.into(), e.to.into(), e.time);
        }
        g
    }

    /// Builds from any petgraph `DiGraph` whose edge weights are [`Time`]s;
    /// node ids are petgraph's node indices.
    pub fn from_petgraph<N>(g: &petgraph::graph::DiGraph<N, Time>) -> Result<Self> {
        use petgraph::visit::EdgeRef;
        let edges: Vec<Edge> = g
            .edge_references()
            .map(|e| {
                Edge::new(
                    e.source().index() as NodeId,
                    e.target().index() as NodeId,
                    *e.weight(),
                )
            })
            .collect();
        Self::from_edges(g.node_count(), &edges)
    }

    /// Keeps the largest strongly connected component (ties: the one holding
    /// the lowest node id) and renumbers its nodes in their old order.
    /// Everything else is reported in [`SccReport`], never dropped silently.
    pub fn largest_scc(&self) -> (RoadGraph, SccReport) {
        scc::largest_scc(self)
    }
}
