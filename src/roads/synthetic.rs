//! Writing `.osm.pbf` files: a small streaming writer (dense nodes, ways,
//! zlib blobs, per the OSM PBF format
//! <https://wiki.openstreetmap.org/wiki/PBF_Format>) and a seeded generator
//! of large synthetic extracts, to measure import throughput and memory
//! without downloading France.
//!
//! The synthetic extract is a jittered street grid around 46° N, 2° E with
//! 200 m blocks: every 16th line is a primary road (`maxspeed=80`), every
//! 4th a secondary road, the rest residential streets (some one-way); each
//! block side has shape nodes between junctions and each block a few
//! buildings (closed ways the car profile skips), so that, as in real
//! extracts, most of the file is not roads. Node ids, positions and tags are
//! functions of the grid position and the seed: nothing is held in memory.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use crate::error::{Error, Result};

/// Elements per block, as osmium writes them.
const PER_BLOCK: usize = 8000;

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn key(out: &mut Vec<u8>, field: u32, wire: u32) {
    varint(out, u64::from((field << 3) | wire));
}

fn bytes_field(out: &mut Vec<u8>, field: u32, data: &[u8]) {
    key(out, field, 2);
    varint(out, data.len() as u64);
    out.extend_from_slice(data);
}

fn packed(out: &mut Vec<u8>, field: u32, values: impl Iterator<Item = u64>) {
    let mut buf = Vec::new();
    for v in values {
        varint(&mut buf, v);
    }
    bytes_field(out, field, &buf);
}

fn delta_zigzag(values: &[i64]) -> impl Iterator<Item = u64> + '_ {
    let mut prev = 0i64;
    values.iter().map(move |&v| {
        let d = v.wrapping_sub(prev);
        prev = v;
        zigzag(d)
    })
}

/// A way waiting for its block: id, node refs, tags.
type BufferedWay = (i64, Vec<i64>, Vec<(String, String)>);

/// A streaming `.osm.pbf` writer: call [`node`](Self::node) for every node
/// (ascending ids), then [`way`](Self::way) for every way, then
/// [`finish`](Self::finish).
pub struct PbfWriter<W: Write> {
    w: W,
    nodes: Vec<(i64, i64, i64)>,
    /// (version, timestamp s) per buffered node; all zero when none given.
    meta: Vec<(i64, i64)>,
    any_meta: bool,
    ways: Vec<BufferedWay>,
    bytes: u64,
}

impl<W: Write> PbfWriter<W> {
    /// Starts a file; `replication_timestamp` (seconds since the epoch) goes
    /// into the header when given.
    pub fn new(w: W, replication_timestamp: Option<i64>) -> std::io::Result<Self> {
        let mut h = Vec::new();
        bytes_field(&mut h, 4, b"OsmSchema-V0.6");
        bytes_field(&mut h, 4, b"DenseNodes");
        bytes_field(&mut h, 5, b"Sort.Type_then_ID");
        bytes_field(&mut h, 16, b"medaccess synthetic");
        if let Some(ts) = replication_timestamp {
            key(&mut h, 32, 0);
            varint(&mut h, ts as u64);
        }
        let mut me = PbfWriter {
            w,
            nodes: Vec::new(),
            meta: Vec::new(),
            any_meta: false,
            ways: Vec::new(),
            bytes: 0,
        };
        me.blob("OSMHeader", &h)?;
        Ok(me)
    }

    fn blob(&mut self, kind: &str, raw: &[u8]) -> std::io::Result<()> {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(raw)?;
        let zdata = z.finish()?;
        let mut blob = Vec::with_capacity(zdata.len() + 16);
        key(&mut blob, 2, 0);
        varint(&mut blob, raw.len() as u64);
        bytes_field(&mut blob, 3, &zdata);
        let mut header = Vec::new();
        bytes_field(&mut header, 1, kind.as_bytes());
        key(&mut header, 3, 0);
        varint(&mut header, blob.len() as u64);
        self.w.write_all(&(header.len() as u32).to_be_bytes())?;
        self.w.write_all(&header)?;
        self.w.write_all(&blob)?;
        self.bytes += 4 + header.len() as u64 + blob.len() as u64;
        Ok(())
    }

    /// Adds a node at `lon`, `lat` degrees (stored to 1e-7°).
    pub fn node(&mut self, id: i64, lon: f64, lat: f64) -> std::io::Result<()> {
        self.node_with_meta(id, lon, lat, 0, 0)
    }

    /// Adds a node with the metadata public extracts keep: its version and
    /// last edit (seconds since the epoch).
    pub fn node_with_meta(
        &mut self,
        id: i64,
        lon: f64,
        lat: f64,
        version: i64,
        timestamp: i64,
    ) -> std::io::Result<()> {
        self.nodes
            .push((id, (lat * 1e7).round() as i64, (lon * 1e7).round() as i64));
        self.meta.push((version, timestamp));
        self.any_meta |= version != 0 || timestamp != 0;
        if self.nodes.len() == PER_BLOCK {
            self.flush_nodes()?;
        }
        Ok(())
    }

    /// Adds a way through `refs` with `tags`.
    pub fn way(&mut self, id: i64, refs: Vec<i64>, tags: Vec<(String, String)>) -> std::io::Result<()> {
        self.flush_nodes()?;
        self.ways.push((id, refs, tags));
        if self.ways.len() == PER_BLOCK {
            self.flush_ways()?;
        }
        Ok(())
    }

    fn flush_nodes(&mut self) -> std::io::Result<()> {
        if self.nodes.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = self.nodes.iter().map(|n| n.0).collect();
        let lats: Vec<i64> = self.nodes.iter().map(|n| n.1).collect();
        let lons: Vec<i64> = self.nodes.iter().map(|n| n.2).collect();
        let mut dense = Vec::new();
        packed(&mut dense, 1, delta_zigzag(&ids));
        if self.any_meta {
            let versions: Vec<u64> = self.meta.iter().map(|m| m.0 as u64).collect();
            let stamps: Vec<i64> = self.meta.iter().map(|m| m.1).collect();
            let mut info = Vec::new();
            packed(&mut info, 1, versions.into_iter());
            packed(&mut info, 2, delta_zigzag(&stamps));
            // changeset, uid, user: zero, as public extracts strip them; the
            // arrays are kept because readers expect all five.
            for field in 3..=5 {
                packed(&mut info, field, std::iter::repeat_n(0u64, stamps.len()));
            }
            bytes_field(&mut dense, 5, &info);
        }
        packed(&mut dense, 8, delta_zigzag(&lats));
        packed(&mut dense, 9, delta_zigzag(&lons));
        let mut group = Vec::new();
        bytes_field(&mut group, 2, &dense);
        let mut block = Vec::new();
        bytes_field(&mut block, 1, &{
            let mut st = Vec::new();
            bytes_field(&mut st, 1, b"");
            st
        });
        bytes_field(&mut block, 2, &group);
        self.nodes.clear();
        self.meta.clear();
        self.any_meta = false;
        self.blob("OSMData", &block)
    }

    fn flush_ways(&mut self) -> std::io::Result<()> {
        if self.ways.is_empty() {
            return Ok(());
        }
        let mut strings: Vec<String> = vec![String::new()];
        let mut index = std::collections::HashMap::new();
        let mut sid = |s: &str, strings: &mut Vec<String>| -> u64 {
            *index.entry(s.to_string()).or_insert_with(|| {
                strings.push(s.to_string());
                (strings.len() - 1) as u64
            })
        };
        let mut group = Vec::new();
        for (id, refs, tags) in &self.ways {
            let keys: Vec<u64> = tags.iter().map(|t| sid(&t.0, &mut strings)).collect();
            let vals: Vec<u64> = tags.iter().map(|t| sid(&t.1, &mut strings)).collect();
            let mut way = Vec::new();
            key(&mut way, 1, 0);
            varint(&mut way, *id as u64);
            packed(&mut way, 2, keys.into_iter());
            packed(&mut way, 3, vals.into_iter());
            packed(&mut way, 8, delta_zigzag(refs));
            bytes_field(&mut group, 3, &way);
        }
        let mut st = Vec::new();
        for s in &strings {
            bytes_field(&mut st, 1, s.as_bytes());
        }
        let mut block = Vec::new();
        bytes_field(&mut block, 1, &st);
        bytes_field(&mut block, 2, &group);
        self.ways.clear();
        self.blob("OSMData", &block)
    }

    /// Writes what is buffered; returns the writer and the bytes written.
    pub fn finish(mut self) -> std::io::Result<(W, u64)> {
        self.flush_nodes()?;
        self.flush_ways()?;
        self.w.flush()?;
        Ok((self.w, self.bytes))
    }
}

/// Size and shape of a synthetic extract.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyntheticExtract {
    /// Junctions east-west and north-south.
    pub width: u32,
    pub height: u32,
    /// Shape nodes on each block side.
    pub shape_nodes: u32,
    /// Buildings (4-node closed ways) per block.
    pub buildings: u32,
    pub seed: u64,
}

/// What [`write_synthetic_pbf`] wrote.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyntheticStats {
    pub bytes: u64,
    pub nodes: u64,
    pub ways: u64,
    pub road_ways: u64,
}

fn hash(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A number in [-1, 1) from a seed and an id.
fn jitter(seed: u64, id: u64) -> f64 {
    (hash(seed ^ hash(id)) >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// Where the grid lies and how its roads are ranked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridLayout {
    /// South-west corner, degrees.
    pub lon0: f64,
    pub lat0: f64,
    /// Block side, metres.
    pub block_m: f64,
    /// Every this many lines a two-way trunk road at 110 km/h instead of the
    /// primary, secondary or residential street (0: none).
    pub trunk_every: u32,
}

impl Default for GridLayout {
    /// 200 m blocks from 46° N, 2° E, no trunk roads: the files measured in
    /// `docs/roads.md`.
    fn default() -> Self {
        GridLayout {
            lon0: 2.0,
            lat0: 46.0,
            block_m: 200.0,
            trunk_every: 0,
        }
    }
}

impl GridLayout {
    /// A `width` × `height` grid spread over the bounding box of
    /// metropolitan France with Corsica (4.8° W – 9.6° E, 41.3° N –
    /// 51.1° N), so that every commune's town hall lies among its roads,
    /// with a trunk road every 64 lines (the 2,400 × 2,100 grid of 5 M
    /// nodes: 519 m blocks, a trunk road every 33 km). A test bed for
    /// whole-France runs, not a model of France.
    pub fn france(width: u32, height: u32) -> Self {
        let lat0: f64 = 41.3;
        let ns_m = (51.1 - lat0) * 111_195.0;
        let ew_m = 14.4 * 111_195.0 * lat0.to_radians().cos();
        GridLayout {
            lon0: -4.8,
            lat0,
            block_m: (ns_m / height.max(2) as f64).max(ew_m / width.max(2) as f64),
            trunk_every: 64,
        }
    }
}

/// Writes a synthetic extract to `path` (atomically).
///
/// # Examples
/// ```
/// use medaccess::roads::synthetic::{write_synthetic_pbf, SyntheticExtract};
/// use medaccess::roads::{read_pbf, CarProfile};
/// let path = std::env::temp_dir().join(format!("doc-synth-{}.osm.pbf", std::process::id()));
/// let opts = SyntheticExtract { width: 20, height: 20, shape_nodes: 2, buildings: 1, seed: 7 };
/// write_synthetic_pbf(&path, &opts).unwrap();
/// let net = read_pbf(&path, &CarProfile::france(), &|_, _| {}).unwrap();
/// assert!(net.graph.num_nodes() > 300);
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn write_synthetic_pbf(path: &Path, o: &SyntheticExtract) -> Result<SyntheticStats> {
    write_synthetic_pbf_in(path, o, &GridLayout::default())
}

/// [`write_synthetic_pbf`] with the grid placed and ranked by `layout`.
pub fn write_synthetic_pbf_in(
    path: &Path,
    o: &SyntheticExtract,
    layout: &GridLayout,
) -> Result<SyntheticStats> {
    let GridLayout {
        lon0,
        lat0,
        block_m,
        trunk_every,
    } = *layout;
    let (w, h) = (o.width.max(2) as u64, o.height.max(2) as u64);
    let s = o.shape_nodes as u64;
    let b = o.buildings as u64;
    let cells = w * h;
    let m_per_deg_lat = 111_195.0;
    let m_per_deg_lon = m_per_deg_lat * lat0.to_radians().cos();
    let junction_id = |x: u64, y: u64| 1 + y * w + x;
    let shape_base = 1 + cells;
    let shape_id = |x: u64, y: u64, dir: u64, k: u64| shape_base + ((y * w + x) * 2 + dir) * s + k;
    let building_base = shape_base + cells * 2 * s;
    let building_id = |x: u64, y: u64, i: u64, k: u64| building_base + ((y * w + x) * b + i) * 4 + k;
    let junction_pos = |x: u64, y: u64| -> [f64; 2] {
        let id = junction_id(x, y);
        let jx = jitter(o.seed, id) * block_m / 4.0;
        let jy = jitter(o.seed, id ^ 0x5555) * block_m / 4.0;
        [
            lon0 + (x as f64 * block_m + jx) / m_per_deg_lon,
            lat0 + (y as f64 * block_m + jy) / m_per_deg_lat,
        ]
    };
    // Version 1-4 and a last edit between 2008 and 2024, as public extracts keep.
    let meta = |id: u64| {
        (
            1 + (hash(o.seed ^ id ^ 0xabc) % 4) as i64,
            1_200_000_000 + (hash(o.seed ^ id) % 520_000_000) as i64,
        )
    };
    let mut stats = SyntheticStats {
        bytes: 0,
        nodes: 0,
        ways: 0,
        road_ways: 0,
    };
    let io = |e: std::io::Error| Error::io(path, e);
    crate::io::atomic_write(path, |file| {
        let mut pw = PbfWriter::new(file, None).map_err(io)?;
        for y in 0..h {
            for x in 0..w {
                let p = junction_pos(x, y);
                let id = junction_id(x, y);
                let (v, t) = meta(id);
                pw.node_with_meta(id as i64, p[0], p[1], v, t).map_err(io)?;
                stats.nodes += 1;
            }
        }
        for y in 0..h {
            for x in 0..w {
                let a = junction_pos(x, y);
                for dir in 0..2 {
                    let bb = if dir == 0 {
                        junction_pos((x + 1).min(w - 1), y)
                    } else {
                        junction_pos(x, (y + 1).min(h - 1))
                    };
                    for k in 0..s {
                        let t = (k + 1) as f64 / (s + 1) as f64;
                        let id = shape_id(x, y, dir, k);
                        let j = jitter(o.seed, id) * 20.0 / m_per_deg_lat;
                        let (v, ts) = meta(id);
                        pw.node_with_meta(
                            id as i64,
                            a[0] + t * (bb[0] - a[0]) + j,
                            a[1] + t * (bb[1] - a[1]) - j,
                            v,
                            ts,
                        )
                        .map_err(io)?;
                        stats.nodes += 1;
                    }
                }
            }
        }
        for y in 0..h {
            for x in 0..w {
                let c = junction_pos(x, y);
                for i in 0..b {
                    let ox = (40.0 + 60.0 * (i % 2) as f64) / m_per_deg_lon;
                    let oy = (40.0 + 60.0 * (i / 2 % 2) as f64) / m_per_deg_lat;
                    let (dx, dy) = (12.0 / m_per_deg_lon, 10.0 / m_per_deg_lat);
                    for (k, (px, py)) in [(0.0, 0.0), (dx, 0.0), (dx, dy), (0.0, dy)]
                        .into_iter()
                        .enumerate()
                    {
                        let id = building_id(x, y, i, k as u64);
                        let (v, t) = meta(id);
                        pw.node_with_meta(id as i64, c[0] + ox + px, c[1] + oy + py, v, t)
                            .map_err(io)?;
                        stats.nodes += 1;
                    }
                }
            }
        }
        let tag = |k: &str, v: &str| (k.to_string(), v.to_string());
        let mut way_id = 1i64;
        // Roads: each line cut into ways of 8 blocks.
        for dir in 0..2u64 {
            let (lines, len) = if dir == 0 { (h, w) } else { (w, h) };
            for line in 0..lines {
                let mut start = 0;
                while start + 1 < len {
                    let end = (start + 8).min(len - 1);
                    let mut refs = Vec::new();
                    for i in start..end {
                        let (x, y) = if dir == 0 { (i, line) } else { (line, i) };
                        refs.push(junction_id(x, y) as i64);
                        refs.extend((0..s).map(|k| shape_id(x, y, dir, k) as i64));
                    }
                    let (x, y) = if dir == 0 { (end, line) } else { (line, end) };
                    refs.push(junction_id(x, y) as i64);
                    let trunk = trunk_every > 0 && line % trunk_every as u64 == trunk_every as u64 / 2;
                    let mut tags = if trunk {
                        vec![tag("highway", "trunk"), tag("maxspeed", "110")]
                    } else if line % 16 == 0 {
                        vec![tag("highway", "primary"), tag("maxspeed", "80")]
                    } else if line % 4 == 0 {
                        vec![tag("highway", "secondary")]
                    } else {
                        vec![tag("highway", "residential"), tag("maxspeed", "FR:urban")]
                    };
                    if !trunk && line % 4 != 0 && hash(o.seed ^ way_id as u64).is_multiple_of(10) {
                        tags.push(tag("oneway", "yes"));
                    }
                    tags.push(tag("name", &format!("Rue {way_id}")));
                    pw.way(way_id, refs, tags).map_err(io)?;
                    way_id += 1;
                    stats.ways += 1;
                    stats.road_ways += 1;
                    start = end;
                }
            }
        }
        for y in 0..h {
            for x in 0..w {
                for i in 0..b {
                    let refs: Vec<i64> = [0, 1, 2, 3, 0]
                        .iter()
                        .map(|&k| building_id(x, y, i, k) as i64)
                        .collect();
                    pw.way(way_id, refs, vec![tag("building", "yes")]).map_err(io)?;
                    way_id += 1;
                    stats.ways += 1;
                }
            }
        }
        let (_, bytes) = pw.finish().map_err(io)?;
        stats.bytes = bytes;
        Ok(())
    })?;
    Ok(stats)
}
