//! A graph cache, so that a département or France is imported once.
//!
//! The cache file is a [`write_graph`] file (magic, version, FNV-1a checksum
//! of every byte) whose metadata holds the rest of the [`RoadNetwork`]: a
//! JSON header (the [`NetworkInfo`] and the cache key) followed by the node
//! positions and ids, the edges and their shapes, little-endian.
//!
//! The key hashes the input's bytes and sizes (every file of it: a
//! Shapefile's `.dbf`/`.shx`/`.prj`, a link table's nodes file), the
//! profile's [`fingerprint`](CarProfile::fingerprint), the import options'
//! [`fingerprint`](ReadOptions::fingerprint), [`CACHE_VERSION`] and the graph
//! file format version; it is part of the file name and is checked again
//! inside the file. A cache whose key differs is simply not used; a cache
//! that cannot be read (corrupt, truncated, wrong version) is rebuilt and the
//! reason is returned as a warning: it is never read into a wrong answer.

use std::path::{Path, PathBuf};

use super::{CarProfile, NetworkInfo, ReadOptions, RoadEdge, RoadNetwork};
use crate::error::{Error, Result};
use crate::graph::{GRAPH_FORMAT_VERSION, read_graph, write_graph};

/// Bumped whenever the cache content or the import changes meaning.
pub const CACHE_VERSION: u32 = 2;

const META_MAGIC: &[u8; 8] = b"MEDROADS";

/// What [`load_or_build`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheOutcome {
    /// The cache file used or written.
    pub path: PathBuf,
    /// The network came from the cache.
    pub hit: bool,
    /// Problems met (a corrupt cache rebuilt, a cache that could not be
    /// written): for the user to see, none of them fatal.
    pub warnings: Vec<String>,
}

/// A 64-bit checksum of a file's bytes, reading 8-byte words (FNV-1a over
/// words with a final avalanche); change detection, not security.
pub fn file_checksum(path: &Path) -> Result<u64> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut total: u64 = 0;
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        let mut chunks = buf[..n].chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
        }
        for &b in chunks.remainder() {
            h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Ok(mix(h ^ total))
}

fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

fn text_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// The cache key of `input` read with `profile` and default options, as 16
/// hex digits.
pub fn cache_key(input: &Path, profile: &CarProfile) -> Result<String> {
    cache_key_with(input, profile, &ReadOptions::default())
}

/// The cache key of `input` read with `profile` and `opts`, as 16 hex
/// digits.
pub fn cache_key_with(input: &Path, profile: &CarProfile, opts: &ReadOptions) -> Result<String> {
    let files = super::input::input_files(input, opts)?;
    let mut sum = 0u64;
    for (i, f) in files.iter().enumerate() {
        sum = mix(sum ^ file_checksum(f)?.rotate_left(17 * i as u32));
    }
    let key = mix(sum
        ^ text_hash(&format!(
            "{};{};cache={CACHE_VERSION};graph={GRAPH_FORMAT_VERSION}",
            profile.fingerprint(),
            opts.fingerprint()
        )));
    Ok(format!("{key:016x}"))
}

/// Where the cache of `input` lives in `cache_dir`:
/// `<file name>.<key>.medroads`.
pub fn cache_path(input: &Path, cache_dir: &Path, key: &str) -> PathBuf {
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "roads".into());
    cache_dir.join(format!("{name}.{key}.medroads"))
}

/// Reads the network of `input` from the cache in `cache_dir` when a valid
/// one exists; otherwise imports it with [`RoadNetwork::read`] and writes
/// the cache (creating `cache_dir`). `progress` is passed to the import.
///
/// # Errors
/// Only those of the import itself: cache problems become
/// [`CacheOutcome::warnings`].
pub fn load_or_build(
    input: &Path,
    profile: &CarProfile,
    cache_dir: &Path,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(RoadNetwork, CacheOutcome)> {
    load_or_build_with(input, profile, &ReadOptions::default(), cache_dir, progress)
}

/// [`load_or_build`] with import options (part of the cache key).
pub fn load_or_build_with(
    input: &Path,
    profile: &CarProfile,
    opts: &ReadOptions,
    cache_dir: &Path,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(RoadNetwork, CacheOutcome)> {
    let key = cache_key_with(input, profile, opts)?;
    let path = cache_path(input, cache_dir, &key);
    let mut warnings = Vec::new();
    if path.exists() {
        match read_cache(&path, &key) {
            Ok(mut net) => {
                net.info.source = input.to_path_buf();
                return Ok((
                    net,
                    CacheOutcome {
                        path,
                        hit: true,
                        warnings,
                    },
                ));
            }
            Err(e) => warnings.push(format!("ignoring unreadable road cache, rebuilding it: {e}")),
        }
    }
    let net = RoadNetwork::read_with(input, profile, opts, progress)?;
    if let Err(e) = std::fs::create_dir_all(cache_dir)
        .map_err(|e| Error::io(cache_dir, e))
        .and_then(|_| write_cache(&path, &net, &key))
    {
        warnings.push(format!("could not write the road cache: {e}"));
    }
    Ok((
        net,
        CacheOutcome {
            path,
            hit: false,
            warnings,
        },
    ))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    key: String,
    info: NetworkInfo,
    nodes: u64,
    edges: u64,
    points: u64,
}

/// Writes `net` to `path` (atomically) under cache key `key`.
pub fn write_cache(path: &Path, net: &RoadNetwork, key: &str) -> Result<()> {
    let header = Header {
        key: key.to_string(),
        info: net.info.clone(),
        nodes: net.node_lonlat.len() as u64,
        edges: net.edges.len() as u64,
        points: net.geometry.len() as u64,
    };
    let json = serde_json::to_vec(&header).map_err(|e| Error::Invalid(format!("cache header: {e}")))?;
    let mut m = Vec::with_capacity(
        16 + json.len() + 24 * net.node_lonlat.len() + 41 * net.edges.len() + 16 * net.geometry.len(),
    );
    m.extend_from_slice(META_MAGIC);
    m.extend_from_slice(&(json.len() as u32).to_le_bytes());
    m.extend_from_slice(&json);
    for p in &net.node_lonlat {
        m.extend_from_slice(&p[0].to_le_bytes());
        m.extend_from_slice(&p[1].to_le_bytes());
    }
    for id in &net.node_osm_id {
        m.extend_from_slice(&id.to_le_bytes());
    }
    for e in &net.edges {
        for x in [e.from, e.to, e.time_fwd, e.time_bwd, e.geom_start, e.geom_len] {
            m.extend_from_slice(&x.to_le_bytes());
        }
        m.extend_from_slice(&e.length_m.to_le_bytes());
        m.extend_from_slice(&e.way_id.to_le_bytes());
        m.push(u8::from(e.snappable));
    }
    for p in &net.geometry {
        m.extend_from_slice(&p[0].to_le_bytes());
        m.extend_from_slice(&p[1].to_le_bytes());
    }
    // (i32 pairs: 8 bytes per point)
    for s in &net.geometry_s {
        m.extend_from_slice(&s[0].to_le_bytes());
        m.extend_from_slice(&s[1].to_le_bytes());
    }
    if m.len() > u32::MAX as usize {
        return Err(Error::Invalid(
            "network too large for one cache file (4 GiB of metadata)".into(),
        ));
    }
    write_graph(path, &net.graph, &m, false)
}

/// A bounds-checked little-endian reader over the metadata.
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> std::result::Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or("metadata truncated")?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn arr<const N: usize>(&mut self) -> std::result::Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u32(&mut self) -> std::result::Result<u32, String> {
        Ok(u32::from_le_bytes(self.arr()?))
    }
    fn f64(&mut self) -> std::result::Result<f64, String> {
        Ok(f64::from_le_bytes(self.arr()?))
    }
}

/// Reads a cache written by [`write_cache`], checking its key and every
/// index.
pub fn read_cache(path: &Path, key: &str) -> Result<RoadNetwork> {
    let (graph, meta) = read_graph(path)?;
    let bad = |m: String| Error::format(path, format!("not a valid road cache: {m}"));
    let mut c = Cursor { b: &meta, pos: 0 };
    if c.take(8).map_err(bad)? != META_MAGIC {
        return Err(bad("wrong magic bytes".into()));
    }
    let len = c.u32().map_err(bad)? as usize;
    let header: Header =
        serde_json::from_slice(c.take(len).map_err(bad)?).map_err(|e| bad(format!("header: {e}")))?;
    if header.key != key {
        return Err(bad(format!("key {} instead of {key}", header.key)));
    }
    let n = header.nodes as usize;
    if n != graph.num_nodes() {
        return Err(bad("node count differs from the graph".into()));
    }
    // Every section must fit in what is left before allocating for it.
    let left = meta.len() - c.pos;
    let need = (n as u128) * 24 + (header.edges as u128) * 41 + (header.points as u128) * 16;
    if need != left as u128 {
        return Err(bad("section sizes do not match".into()));
    }
    let mut node_lonlat = Vec::with_capacity(n);
    for _ in 0..n {
        node_lonlat.push([c.f64().map_err(bad)?, c.f64().map_err(bad)?]);
    }
    let mut node_osm_id = Vec::with_capacity(n);
    for _ in 0..n {
        node_osm_id.push(i64::from_le_bytes(c.arr().map_err(bad)?));
    }
    let points = header.points as usize;
    let mut edges = Vec::with_capacity(header.edges as usize);
    for _ in 0..header.edges {
        let mut w = [0u32; 6];
        for x in &mut w {
            *x = c.u32().map_err(bad)?;
        }
        let length_m = c.f64().map_err(bad)?;
        let way_id = i64::from_le_bytes(c.arr().map_err(bad)?);
        let snappable = c.take(1).map_err(bad)?[0] != 0;
        let [from, to, time_fwd, time_bwd, geom_start, geom_len] = w;
        if from as usize >= n
            || to as usize >= n
            || geom_len < 2
            || geom_start as usize + geom_len as usize > points
        {
            return Err(bad("edge out of range".into()));
        }
        edges.push(RoadEdge {
            from,
            to,
            time_fwd,
            time_bwd,
            length_m,
            snappable,
            way_id,
            geom_start,
            geom_len,
        });
    }
    let mut geometry = Vec::with_capacity(points);
    for _ in 0..points {
        geometry.push([c.u32().map_err(bad)? as i32, c.u32().map_err(bad)? as i32]);
    }
    let mut geometry_s = Vec::with_capacity(points);
    for _ in 0..points {
        geometry_s.push([
            f32::from_le_bytes(c.arr().map_err(bad)?),
            f32::from_le_bytes(c.arr().map_err(bad)?),
        ]);
    }
    Ok(RoadNetwork::new(
        graph,
        node_lonlat,
        node_osm_id,
        edges,
        geometry,
        geometry_s,
        header.info,
    ))
}
