//! Shortest-path searches on a [`Csr`](crate::graph::Csr), one algorithm per
//! file.
//!
//! All searches are label-setting Dijkstra on integer times (tenths of a
//! second). They run on whichever direction they are given: to get patient →
//! facility times from a search that starts at facilities, pass
//! [`RoadGraph::backward`](crate::graph::RoadGraph::backward).
//!
//! Ties are broken deterministically: among sources at equal time the lowest
//! source index wins; results never depend on the thread count.

mod bounded;
mod ch;
mod matrix;
mod nearest;
mod one_to_all;
#[doc(hidden)]
pub mod queue;
mod snap;

pub use bounded::BoundedSearch;
pub use ch::ContractionHierarchy;
pub use matrix::{Matrix, matrix};
pub use nearest::{Label, Nearest, Seed, nearest, nearest_two};
#[doc(hidden)]
pub use nearest::{nearest_two_with, nearest_with};
pub use one_to_all::{OneToAll, one_to_all};

#[cfg(test)]
mod tests;
