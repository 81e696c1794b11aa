//! Seeded synthetic road-like graphs for tests and benchmarks.
//!
//! A perturbed grid: nodes on a `width × height` lattice about 250 m apart,
//! each jittered by up to a third of the spacing; lattice neighbours are
//! joined by streets, a few of which are missing (dead ends, blocks) and
//! some of which are one-way. Every 8th line is a secondary road (70 km/h),
//! every 32nd a primary road (90 km/h), every 128th a motorway (130 km/h);
//! streets run at 30–50 km/h. The same seed always gives the same graph.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::graph::{Edge, RoadGraph};
use crate::units::{NodeId, travel_time};

/// Spacing of the lattice in metres.
pub const SPACING_M: f64 = 250.0;

/// A synthetic network and its node positions in metres.
#[derive(Debug, Clone)]
pub struct Synthetic {
    pub graph: RoadGraph,
    pub xy: Vec<[f64; 2]>,
}

fn line_speed(i: usize) -> Option<f64> {
    if i.is_multiple_of(128) {
        Some(130.0)
    } else if i.is_multiple_of(32) {
        Some(90.0)
    } else if i.is_multiple_of(8) {
        Some(70.0)
    } else {
        None
    }
}

/// Generates a `width × height` perturbed grid from `seed`.
///
/// # Examples
/// ```
/// let a = medaccess::synthetic::road_grid(20, 10, 7);
/// let b = medaccess::synthetic::road_grid(20, 10, 7);
/// assert_eq!(a.graph, b.graph);
/// assert_eq!(a.graph.num_nodes(), 200);
/// ```
pub fn road_grid(width: usize, height: usize, seed: u64) -> Synthetic {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = width * height;
    let id = |x: usize, y: usize| (y * width + x) as NodeId;
    let mut xy = Vec::with_capacity(n);
    for y in 0..height {
        for x in 0..width {
            let jx = rng.random_range(-1.0..1.0) * SPACING_M / 3.0;
            let jy = rng.random_range(-1.0..1.0) * SPACING_M / 3.0;
            xy.push([x as f64 * SPACING_M + jx, y as f64 * SPACING_M + jy]);
        }
    }
    let mut edges = Vec::with_capacity(4 * n);
    let mut link = |rng: &mut ChaCha8Rng, a: NodeId, b: NodeId, major: Option<f64>| {
        let [ax, ay] = xy[a as usize];
        let [bx, by] = xy[b as usize];
        let len = ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt();
        let (speed, oneway) = match major {
            Some(s) => (s, false),
            None => {
                if rng.random_bool(0.08) {
                    return; // missing street
                }
                (rng.random_range(30.0..50.0), rng.random_bool(0.1))
            }
        };
        let t = travel_time(len, speed).max(1);
        if oneway && rng.random_bool(0.5) {
            edges.push(Edge::new(b, a, t));
        } else {
            edges.push(Edge::new(a, b, t));
            if !oneway {
                edges.push(Edge::new(b, a, t));
            }
        }
    };
    for y in 0..height {
        for x in 0..width {
            if x + 1 < width {
                link(&mut rng, id(x, y), id(x + 1, y), line_speed(y));
            }
            if y + 1 < height {
                link(&mut rng, id(x, y), id(x, y + 1), line_speed(x));
            }
        }
    }
    let graph = RoadGraph::from_edges(n, &edges).expect("ids are in range");
    Synthetic { graph, xy }
}
