use rayon::prelude::*;

use super::BoundedSearch;
use super::queue::{MonotoneQueue, PooledDialQueue, RadixQueue, dial_suits};
use crate::graph::{Csr, RoadGraph};
use crate::units::{NodeId, Time, UNREACHABLE};

/// A dense sources × targets matrix of times, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub times: Vec<Time>,
}

impl Matrix {
    /// Time from source `i` to target `j`.
    pub fn get(&self, i: usize, j: usize) -> Time {
        self.times[i * self.cols + j]
    }

    pub fn row(&self, i: usize) -> &[Time] {
        &self.times[i * self.cols..(i + 1) * self.cols]
    }
}

/// Times from every source to every target along the graph's arcs, within
/// `limit` (inclusive; `None` for no limit; beyond it: [`UNREACHABLE`]).
///
/// One bounded Dijkstra search per node of the smaller side: forward from
/// each source when there are no more sources than targets, else backward
/// (on [`RoadGraph::backward`]) from each target, so a 500 × 50 matrix
/// costs 50 searches. Searches run in parallel (rayon, one workspace per
/// worker) and each stops once it has settled every node of the other side
/// or passed the limit. The searches' queue suits the graph's arcs
/// (`queue::dial_suits`): Dial's on road networks, the radix heap on graphs
/// of long arcs such as the commune graph, where Dial's walks its empty
/// buckets one by one (with it, the job `medaccess matrix --dep 64 --year
/// 2016` took 1.4-1.5x the CPU: `docs/performance.md`, "Matrix job"). No
/// preprocessing: for large square matrices on big graphs, a
/// [`ContractionHierarchy`](super::ContractionHierarchy) answers the same
/// far faster once built (`jobs::matrix` builds one when it pays).
///
/// # Examples
/// ```
/// use medaccess::graph::{Edge, RoadGraph};
/// use medaccess::route::matrix;
/// use medaccess::units::UNREACHABLE;
/// let g = RoadGraph::from_edges(3, &[Edge::new(0, 1, 7), Edge::new(1, 2, 8)]).unwrap();
/// let m = matrix(&g, &[0, 2], &[1, 2], None);
/// assert_eq!(m.row(0), &[7, 15]);
/// assert_eq!(m.row(1), &[UNREACHABLE, 0]);
/// // more sources than targets: one backward search, same times
/// let m = matrix(&g, &[0, 1, 2], &[2], None);
/// assert_eq!(m.times, vec![15, 8, 0]);
/// ```
pub fn matrix(graph: &RoadGraph, sources: &[NodeId], targets: &[NodeId], limit: Option<Time>) -> Matrix {
    let limit = limit.unwrap_or(UNREACHABLE - 1).min(UNREACHABLE - 1);
    let (rows, cols) = (sources.len(), targets.len());
    let mut times = vec![UNREACHABLE; rows * cols];
    if rows == 0 || cols == 0 {
        return Matrix { rows, cols, times };
    }
    if dial_suits(graph.forward()) {
        fill::<PooledDialQueue>(graph, sources, targets, limit, &mut times);
    } else {
        fill::<RadixQueue>(graph, sources, targets, limit, &mut times);
    }
    Matrix { rows, cols, times }
}

/// Fills the row-major `times` with searches using the queue `Q`.
fn fill<Q: MonotoneQueue + Send>(
    graph: &RoadGraph,
    sources: &[NodeId],
    targets: &[NodeId],
    limit: Time,
    times: &mut [Time],
) {
    let (rows, cols) = (sources.len(), targets.len());
    if rows <= cols {
        times.par_chunks_mut(cols).zip(sources.par_iter()).for_each_init(
            || Searcher::<Q>::new(graph.num_nodes()),
            |ws, (row, &s)| ws.fill(graph.forward(), s, targets, limit, row.iter_mut()),
        );
    } else {
        // One backward search per target fills a column: columns are
        // computed in parallel, then written into the rows.
        let columns: Vec<Vec<Time>> = targets
            .par_iter()
            .map_init(
                || Searcher::<Q>::new(graph.num_nodes()),
                |ws, &t| {
                    let mut col = vec![UNREACHABLE; rows];
                    ws.fill(graph.backward(), t, sources, limit, col.iter_mut());
                    col
                },
            )
            .collect();
        times.par_chunks_mut(cols).enumerate().for_each(|(i, row)| {
            for (cell, col) in row.iter_mut().zip(&columns) {
                *cell = col[i];
            }
        });
    }
}

/// A bounded search and the marks of the nodes it must settle.
struct Searcher<Q> {
    search: BoundedSearch<Q>,
    /// Epoch at which each node was marked as wanted.
    wanted: Vec<u32>,
    epoch: u32,
}

impl<Q: MonotoneQueue> Searcher<Q> {
    fn new(n: usize) -> Self {
        Searcher {
            search: BoundedSearch::with_queue(n),
            wanted: vec![0; n],
            epoch: 0,
        }
    }

    /// Searches `csr` from `from` until every node of `to` is settled (or
    /// the limit passed) and writes the time to each into `out`.
    fn fill<'a>(
        &mut self,
        csr: &Csr,
        from: NodeId,
        to: &[NodeId],
        limit: Time,
        out: impl Iterator<Item = &'a mut Time>,
    ) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.wanted.fill(0);
            self.epoch = 1;
        }
        let mut left = 0usize;
        for &v in to {
            if let Some(w) = self.wanted.get_mut(v as usize)
                && *w != self.epoch
            {
                *w = self.epoch;
                left += 1;
            }
        }
        let (wanted, epoch) = (&self.wanted, self.epoch);
        self.search.run_until(csr, &[(from, 0)], limit, |v, _| {
            if wanted[v as usize] == epoch {
                left -= 1;
            }
            left == 0
        });
        for (cell, &v) in out.zip(to) {
            *cell = self.search.time(v);
        }
    }
}
