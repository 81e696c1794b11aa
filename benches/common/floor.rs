//! The floor every search is compared with: one plain sweep over all arcs.
//!
//! Shared by `benches/route.rs` and `examples/peer_export.rs` (included with
//! `#[path]`), so both measure the same thing.

use medaccess::graph::Csr;
use medaccess::units::{NodeId, Time, UNREACHABLE};

/// One Bellman-Ford relaxation pass in node order from `source`: resets
/// `dist` and reads every offset, head, time and head's distance exactly
/// once, as Dijkstra does, but with no priority queue and in memory order.
/// No search that must settle every node can do less work.
pub fn linear_sweep(csr: &Csr, source: NodeId, dist: &mut Vec<Time>) {
    let (first, head, weight) = csr.raw();
    dist.clear();
    dist.resize(csr.num_nodes(), UNREACHABLE);
    if let Some(d) = dist.get_mut(source as usize) {
        *d = 0;
    }
    for v in 0..csr.num_nodes() {
        let dv = dist[v];
        let (a, b) = (first[v] as usize, first[v + 1] as usize);
        for (&w, &t) in head[a..b].iter().zip(&weight[a..b]) {
            let nd = dv.saturating_add(t);
            if nd < dist[w as usize] {
                dist[w as usize] = nd;
            }
        }
    }
}
