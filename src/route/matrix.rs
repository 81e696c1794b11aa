use rayon::prelude::*;

use super::BoundedSearch;
use crate::graph::Csr;
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

/// Times from every source to every target along `csr`'s arcs, within
/// `limit` (inclusive; `None` for no limit; beyond it: [`UNREACHABLE`]).
/// Parallel over sources with rayon, one workspace per worker; each search
/// stops as soon as it has settled every target.
///
/// # Examples
/// ```
/// use medaccess::graph::{Edge, RoadGraph};
/// use medaccess::route::matrix;
/// use medaccess::units::UNREACHABLE;
/// let g = RoadGraph::from_edges(3, &[Edge::new(0, 1, 7), Edge::new(1, 2, 8)]).unwrap();
/// let m = matrix(g.forward(), &[0, 2], &[1, 2], None);
/// assert_eq!(m.row(0), &[7, 15]);
/// assert_eq!(m.row(1), &[UNREACHABLE, 0]);
/// ```
pub fn matrix(csr: &Csr, sources: &[NodeId], targets: &[NodeId], limit: Option<Time>) -> Matrix {
    let n = csr.num_nodes();
    let limit = limit.unwrap_or(UNREACHABLE - 1);
    let mut is_target = vec![false; n];
    let mut distinct = 0usize;
    for &t in targets {
        if let Some(slot) = is_target.get_mut(t as usize)
            && !*slot
        {
            *slot = true;
            distinct += 1;
        }
    }
    let cols = targets.len();
    let mut times = vec![UNREACHABLE; sources.len() * cols];
    if cols > 0 {
        times.par_chunks_mut(cols).zip(sources.par_iter()).for_each_init(
            || BoundedSearch::new(n),
            |ws, (row, &s)| {
                let mut left = distinct;
                ws.run_until(csr, &[(s, 0)], limit, |v, _| {
                    if is_target[v as usize] {
                        left -= 1;
                    }
                    left == 0
                });
                for (cell, &t) in row.iter_mut().zip(targets) {
                    *cell = ws.time(t);
                }
            },
        );
    }
    Matrix {
        rows: sources.len(),
        cols,
        times,
    }
}
