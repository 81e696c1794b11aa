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
#[derive(Clone, Copy)]
struct Step {
    piece: usize,
    forward: bool,
}

/// (allowed a→b, allowed b→a) of piece `p` walked in the given sense.
fn dirs(p: &Piece, forward: bool) -> (bool, bool) {
    if forward { (p.fwd, p.bwd) } else { (p.bwd, p.fwd) }
}

pub(crate) fn contract(p: Pieces) -> Pieces {
    let n = p.node_lonlat.len();
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
    let mut inc = vec![0usize; first[n]];
    for (i, e) in p.pieces.iter().enumerate() {
        for v in [e.from, e.to] {
            inc[next[v as usize]] = i;
            next[v as usize] += 1;
        }
    }
    let other = |e: &Piece, v: u32| if e.from == v { e.to } else { e.from };
    let contractible: Vec<bool> = (0..n)
        .map(|v| {
            let vv = v as u32;
            let s = &inc[first[v]..first[v + 1]];
            if s.len() != 2 || s[0] == s[1] {
                return false;
            }
            let (e1, e2) = (&p.pieces[s[0]], &p.pieces[s[1]]);
            let (a, b) = (other(e1, vv), other(e2, vv));
            if e1.from == e1.to || e2.from == e2.to || a == b || a == vv || b == vv {
                return false;
            }
            // e1 walked a → v, e2 walked v → b.
            dirs(e1, e1.to == vv) == dirs(e2, e2.from == vv) && e1.snappable == e2.snappable
        })
        .collect();

    let mut used = vec![false; m];
    let mut chains: Vec<(u32, u32, Vec<Step>)> = Vec::new();
    for v in 0..n {
        if contractible[v] {
            continue;
        }
        let vv = v as u32;
        for k in first[v]..first[v + 1] {
            let e0 = inc[k];
            if used[e0] {
                continue;
            }
            used[e0] = true;
            let mut steps = vec![Step {
                piece: e0,
                forward: p.pieces[e0].from == vv,
            }];
            let mut came = e0;
            let mut cur = other(&p.pieces[e0], vv);
            while contractible[cur as usize] {
                let c = cur as usize;
                let nx = if inc[first[c]] == came {
                    inc[first[c] + 1]
                } else {
                    inc[first[c]]
                };
                used[nx] = true;
                steps.push(Step {
                    piece: nx,
                    forward: p.pieces[nx].from == cur,
                });
                came = nx;
                cur = other(&p.pieces[nx], cur);
            }
            chains.push((vv, cur, steps));
        }
    }
    // Rings of contractible nodes: keep their pieces and nodes as they are.
    let mut keep_node: Vec<bool> = contractible.iter().map(|c| !c).collect();
    for (i, e) in p.pieces.iter().enumerate() {
        if !used[i] {
            keep_node[e.from as usize] = true;
            keep_node[e.to as usize] = true;
            chains.push((
                e.from,
                e.to,
                vec![Step {
                    piece: i,
                    forward: true,
                }],
            ));
        }
    }
    let mut new_id = vec![NO_NODE; n];
    let mut out = Pieces::default();
    for v in 0..n {
        if keep_node[v] {
            new_id[v] = out.node_lonlat.len() as u32;
            out.node_lonlat.push(p.node_lonlat[v]);
            out.node_id.push(p.node_id[v]);
        }
    }
    let mut shape = Vec::new();
    let mut seg = Vec::new();
    for (a, b, steps) in chains {
        shape.clear();
        seg.clear();
        let mut length = 0.0;
        for st in &steps {
            let e = &p.pieces[st.piece];
            length += e.length_m;
            let pts = &p.points[e.start..e.start + e.len];
            let s = &p.secs[e.start..e.start + e.len];
            let k = e.len - 1;
            if shape.is_empty() {
                shape.push(if st.forward { pts[0] } else { pts[k] });
            }
            for j in 0..k {
                if st.forward {
                    shape.push(pts[j + 1]);
                    seg.push([s[j + 1][0] - s[j][0], s[j + 1][1] - s[j][1]]);
                } else {
                    let o = k - 1 - j; // original segment o joins pts[o] and pts[o + 1]
                    shape.push(pts[o]);
                    seg.push([s[o + 1][1] - s[o][1], s[o + 1][0] - s[o][0]]);
                }
            }
        }
        let e0 = &p.pieces[steps[0].piece];
        let (fwd, bwd) = dirs(e0, steps[0].forward);
        out.push(
            Piece {
                from: new_id[a as usize],
                to: new_id[b as usize],
                fwd,
                bwd,
                snappable: e0.snappable,
                way_id: e0.way_id,
                start: 0,
                len: 0,
                length_m: length,
            },
            &shape,
            &seg,
        );
    }
    out
}
