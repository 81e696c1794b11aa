//! Contraction of degree-2 chains: a node that only joins two road pieces
//! (a bend, or where one way continues another) is not a decision point, so
//! the two pieces become one edge whose shape and per-point times keep the
//! removed node. This is OSMnx's `simplify_graph` and OSRM's graph
//! compression.
//!
//! A node is contracted when it touches exactly two distinct pieces that
//! lead to two distinct other nodes, with the same allowed directions once
//! oriented through the node and the same snapping flag: contraction then
//! changes no shortest time. Closed rings of such nodes are left as they are.

use super::build::{Piece, Pieces};
use crate::units::NO_NODE;

/// One piece as met along a chain: `forward` when walked from → to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    pub piece: u32,
    pub forward: bool,
}

/// A contracted edge: pieces `steps[start..start + len]` walked in order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chain {
    /// New node ids (indices into [`Contracted::kept`]).
    pub from: u32,
    pub to: u32,
    pub fwd: bool,
    pub bwd: bool,
    pub snappable: bool,
    pub way_id: i64,
    pub length_m: f64,
    /// Its pieces: `Contracted::steps[start..start + len]`.
    pub start: u32,
    pub len: u32,
}

/// The contracted graph, as chains of the original pieces (their shapes
/// are copied only once, for the edges that survive).
#[derive(Debug, Clone, Default)]
pub(crate) struct Contracted {
    /// Old node id of each kept node, ascending.
    pub kept: Vec<u32>,
    pub chains: Vec<Chain>,
    pub steps: Vec<Step>,
}

/// (allowed a→b, allowed b→a) of piece `p` walked in the given sense.
fn dirs(p: &Piece, forward: bool) -> (bool, bool) {
    if forward { (p.fwd, p.bwd) } else { (p.bwd, p.fwd) }
}

pub(crate) fn contract(p: &Pieces) -> Contracted {
    let n = p.node_pos.len();
    let m = p.pieces.len();
    // Incidence lists in CSR form; a self-loop appears twice.
    let mut first = vec![0usize; n + 1];
    for e in &p.pieces {
        first[e.from as usize + 1] += 1;
        first[e.to as usize + 1] += 1;
    }
    for v in 0..n {
        first[v + 1] += first[v];
    }
    let mut next = first.clone();
    let mut inc = vec![0u32; first[n]];
    for (i, e) in p.pieces.iter().enumerate() {
        for v in [e.from, e.to] {
            inc[next[v as usize]] = i as u32;
            next[v as usize] += 1;
        }
    }
    drop(next);
    let piece = |i: u32| &p.pieces[i as usize];
    let other = |e: &Piece, v: u32| if e.from == v { e.to } else { e.from };
    let contractible: Vec<bool> = (0..n)
        .map(|v| {
            let vv = v as u32;
            let s = &inc[first[v]..first[v + 1]];
            if s.len() != 2 || s[0] == s[1] {
                return false;
            }
            let (e1, e2) = (piece(s[0]), piece(s[1]));
            let (a, b) = (other(e1, vv), other(e2, vv));
            if e1.from == e1.to || e2.from == e2.to || a == b || a == vv || b == vv {
                return false;
            }
            // e1 walked a → v, e2 walked v → b.
            dirs(e1, e1.to == vv) == dirs(e2, e2.from == vv) && e1.snappable == e2.snappable
        })
        .collect();

    let mut used = vec![false; m];
    let mut out = Contracted::default();
    // (old from, old to, first step, step count)
    let mut raw: Vec<(u32, u32, u32, u32)> = Vec::new();
    for v in 0..n {
        if contractible[v] {
            continue;
        }
        let vv = v as u32;
        for k in first[v]..first[v + 1] {
            let e0 = inc[k];
            if used[e0 as usize] {
                continue;
            }
            used[e0 as usize] = true;
            let start = out.steps.len() as u32;
            out.steps.push(Step {
                piece: e0,
                forward: piece(e0).from == vv,
            });
            let mut came = e0;
            let mut cur = other(piece(e0), vv);
            while contractible[cur as usize] {
                let c = cur as usize;
                let nx = if inc[first[c]] == came {
                    inc[first[c] + 1]
                } else {
                    inc[first[c]]
                };
                used[nx as usize] = true;
                out.steps.push(Step {
                    piece: nx,
                    forward: piece(nx).from == cur,
                });
                came = nx;
                cur = other(piece(nx), cur);
            }
            raw.push((vv, cur, start, out.steps.len() as u32 - start));
        }
    }
    // Rings of contractible nodes: keep their pieces and nodes as they are.
    let mut keep_node: Vec<bool> = contractible.iter().map(|c| !c).collect();
    for (i, e) in p.pieces.iter().enumerate() {
        if !used[i] {
            keep_node[e.from as usize] = true;
            keep_node[e.to as usize] = true;
            raw.push((e.from, e.to, out.steps.len() as u32, 1));
            out.steps.push(Step {
                piece: i as u32,
                forward: true,
            });
        }
    }
    let mut new_id = vec![NO_NODE; n];
    for v in 0..n {
        if keep_node[v] {
            new_id[v] = out.kept.len() as u32;
            out.kept.push(v as u32);
        }
    }
    for (a, b, start, len) in raw {
        let steps = &out.steps[start as usize..(start + len) as usize];
        let e0 = piece(steps[0].piece);
        let (fwd, bwd) = dirs(e0, steps[0].forward);
        let length_m = steps.iter().map(|s| piece(s.piece).length_m).sum();
        out.chains.push(Chain {
            from: new_id[a as usize],
            to: new_id[b as usize],
            fwd,
            bwd,
            snappable: e0.snappable,
            way_id: e0.way_id,
            length_m,
            start,
            len,
        });
    }
    out
}
