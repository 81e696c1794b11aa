//! A compact binary graph file, optionally gzipped.
//!
//! Layout (little-endian): magic `MEDGRAPH`, format version `u32`, node count
//! `u32`, arc count `u32`, metadata length `u32`, metadata bytes (free-form,
//! e.g. JSON describing the nodes), `first_out` (n + 1 × u32), `head` (m ×
//! u32), `weight` (m × u32), and an FNV-1a 64 checksum of everything before
//! it. A file that fails any check is rejected, never half-read.

use std::path::Path;

use super::{Csr, RoadGraph};
use crate::error::{Error, Result};
use crate::io::{atomic_write_bytes, fnv1a, read_maybe_gz};

const MAGIC: &[u8; 8] = b"MEDGRAPH";
/// Bumped whenever the layout changes.
pub const GRAPH_FORMAT_VERSION: u32 = 1;

/// Serialises `g` and `meta`; gzips when `gzip` is set. Written atomically.
pub fn write_graph(path: &Path, g: &RoadGraph, meta: &[u8], gzip: bool) -> Result<()> {
    let (first_out, head, weight) = g.forward().raw();
    let mut buf = Vec::with_capacity(32 + meta.len() + 4 * (first_out.len() + 2 * head.len()));
    buf.extend_from_slice(MAGIC);
    for x in [
        GRAPH_FORMAT_VERSION,
        g.num_nodes() as u32,
        g.num_arcs() as u32,
        meta.len() as u32,
    ] {
        buf.extend_from_slice(&x.to_le_bytes());
    }
    buf.extend_from_slice(meta);
    for arr in [first_out, head, weight] {
        for x in arr {
            buf.extend_from_slice(&x.to_le_bytes());
        }
    }
    let sum = fnv1a(&buf);
    buf.extend_from_slice(&sum.to_le_bytes());
    if gzip {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&buf).map_err(|e| Error::io(path, e))?;
        buf = enc.finish().map_err(|e| Error::io(path, e))?;
    }
    atomic_write_bytes(path, &buf)
}

/// Reads a file written by [`write_graph`]: the graph and its metadata.
pub fn read_graph(path: &Path) -> Result<(RoadGraph, Vec<u8>)> {
    let bytes = read_maybe_gz(path)?;
    let bad = |m: &str| Error::format(path, format!("not a valid medaccess graph file: {m}"));
    if bytes.len() < 8 + 16 + 8 || &bytes[..8] != MAGIC {
        return Err(bad("wrong magic bytes"));
    }
    let (body, sum) = bytes.split_at(bytes.len() - 8);
    if fnv1a(body) != u64::from_le_bytes(sum.try_into().map_err(|_| bad("truncated"))?) {
        return Err(bad("checksum mismatch (file corrupt or truncated)"));
    }
    let word = |i: usize| u32::from_le_bytes(body[8 + 4 * i..12 + 4 * i].try_into().unwrap_or([0; 4]));
    let version = word(0);
    if version != GRAPH_FORMAT_VERSION {
        return Err(bad(&format!(
            "format version {version}, expected {GRAPH_FORMAT_VERSION}"
        )));
    }
    let (n, m, meta_len) = (word(1) as usize, word(2) as usize, word(3) as usize);
    let mut pos = 24usize;
    let expect = pos as u128 + meta_len as u128 + 4 * (n as u128 + 1 + 2 * m as u128);
    if expect != body.len() as u128 {
        return Err(bad("section sizes do not match the file length"));
    }
    let meta = body[pos..pos + meta_len].to_vec();
    pos += meta_len;
    let mut take = |count: usize| -> Vec<u32> {
        let v = body[pos..pos + 4 * count]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        pos += 4 * count;
        v
    };
    let first_out = take(n + 1);
    let head = take(m);
    let weight = take(m);
    let fwd = Csr::from_raw(first_out, head, weight).ok_or_else(|| bad("inconsistent adjacency arrays"))?;
    let edges: Vec<super::Edge> = (0..n as u32)
        .flat_map(|v| fwd.arcs(v).map(move |(w, t)| super::Edge::new(v, w, t)))
        .collect();
    let g = RoadGraph::from_edges(n, &edges).map_err(|e| bad(&e.to_string()))?;
    Ok((g, meta))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Edge;

    #[test]
    fn round_trip_and_corruption() {
        let g =
            RoadGraph::from_edges(4, &[Edge::new(0, 1, 5), Edge::new(1, 2, 7), Edge::new(3, 0, 1)]).unwrap();
        let dir = std::env::temp_dir().join(format!("medaccess-gf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for gz in [false, true] {
            let p = dir.join(format!("g{gz}.bin"));
            write_graph(&p, &g, b"{\"k\":1}", gz).unwrap();
            let (g2, meta) = read_graph(&p).unwrap();
            assert_eq!(g2, g);
            assert_eq!(meta, b"{\"k\":1}");
        }
        let p = dir.join("gfalse.bin");
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[30] ^= 0xff;
        std::fs::write(&p, &bytes).unwrap();
        assert!(read_graph(&p).unwrap_err().to_string().contains("checksum"));
        std::fs::write(&p, &bytes[..20]).unwrap();
        assert!(read_graph(&p).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
