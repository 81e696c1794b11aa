use super::{Edge, RoadGraph};
use crate::units::{NO_NODE, NodeId};

/// What [`RoadGraph::largest_scc`] kept and dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SccReport {
    /// For each kept node (new id), its old id.
    pub new_to_old: Vec<NodeId>,
    /// For each old node, its new id or [`NO_NODE`] when dropped.
    pub old_to_new: Vec<NodeId>,
    /// Number of strongly connected components in the input.
    pub components: usize,
    /// Old ids of the dropped nodes, ascending.
    pub dropped_nodes: Vec<NodeId>,
    /// Arcs dropped because one end was dropped.
    pub dropped_arcs: usize,
}

pub(super) fn largest_scc(g: &RoadGraph) -> (RoadGraph, SccReport) {
    let n = g.num_nodes();
    let pg = g.to_petgraph();
    let comps = petgraph::algo::kosaraju_scc(&pg);
    let mut best: Option<(usize, NodeId)> = None; // (size, lowest id)
    let mut best_idx = 0;
    for (i, c) in comps.iter().enumerate() {
        let low = c.iter().map(|x| x.index() as NodeId).min().unwrap_or(NO_NODE);
        let better = match best {
            None => true,
            Some((size, l)) => c.len() > size || (c.len() == size && low < l),
        };
        if better {
            best = Some((c.len(), low));
            best_idx = i;
        }
    }
    let mut keep = vec![false; n];
    if let Some(c) = comps.get(best_idx) {
        for x in c {
            keep[x.index()] = true;
        }
    }
    let mut old_to_new = vec![NO_NODE; n];
    let mut new_to_old = Vec::new();
    let mut dropped_nodes = Vec::new();
    for v in 0..n {
        if keep[v] {
            old_to_new[v] = new_to_old.len() as NodeId;
            new_to_old.push(v as NodeId);
        } else {
            dropped_nodes.push(v as NodeId);
        }
    }
    let mut edges = Vec::new();
    let mut dropped_arcs = 0;
    for e in g.edges() {
        let (a, b) = (old_to_new[e.from as usize], old_to_new[e.to as usize]);
        if a == NO_NODE || b == NO_NODE {
            dropped_arcs += 1;
        } else {
            edges.push(Edge::new(a, b, e.time));
        }
    }
    let kept = RoadGraph::from_edges(new_to_old.len(), &edges).expect("renumbered ids are in range");
    (
        kept,
        SccReport {
            new_to_old,
            old_to_new,
            components: comps.len(),
            dropped_nodes,
            dropped_arcs,
        },
    )
}
