//! OpenStreetMap `.osm.pbf` through the car profile, in two passes over the
//! file, each decoding blobs in parallel (rayon, in batches, results kept in
//! file order so that the network is the same whatever the thread count):
//!
//! 1. ways: the routable ones and their node references are kept;
//! 2. nodes: only the positions of referenced nodes are kept, and only
//!    blobs that held nodes in pass 1 are decoded again.
//!
//! Memory is therefore about the routable ways' references (8 bytes each,
//! twice while sorting), their distinct nodes (positions at 16 bytes) and the
//! resulting shapes, never all the nodes of the file.
//!
//! Bad input never panics: an empty file, a file that is not PBF, a
//! truncated or corrupt blob give an [`Error`] naming the file and blob;
//! a panic inside the decoder on corrupt data is caught and reported the
//! same way. A file truncated exactly between two blobs cannot be told from
//! a complete one (the format has no end marker); the missing nodes then show
//! in [`ImportReport::missing_node_refs`](super::ImportReport).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, BlobType, Element, PrimitiveBlock};
use rayon::prelude::*;

use super::build::{self, RawWay};
use super::{CarProfile, Engine, ImportReport, NetworkInfo, RoadNetwork, WaySpeed};
use crate::error::{Error, Result};

/// Blobs decoded per parallel batch (a blob is at most 32 MB decoded, usually
/// about 1 MB; 64 keeps memory bounded and both cores busy).
const BATCH: usize = 64;

/// Features this reader understands (`HistoricalInformation` files hold
/// several versions per object and are refused).
const KNOWN_FEATURES: &[&str] = &["OsmSchema-V0.6", "DenseNodes"];

/// Reads an `.osm.pbf` file into a [`RoadNetwork`].
///
/// `progress(done, total)` is called after each batch of blobs with bytes
/// processed so far over both passes (`total` is twice the file size); it
/// may be called from the calling thread only.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Format`] for an
/// empty file, a file that is not OSM PBF, a truncated or corrupt blob, a
/// history file, or an extract with no car-routable road.
///
/// # Examples
/// ```
/// use medaccess::roads::{read_pbf, CarProfile};
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/osm-small-fr/saint_barthelemy.osm.pbf");
/// let net = read_pbf(path.as_ref(), &CarProfile::france(), &|_, _| {}).unwrap();
/// assert_eq!(net.info.engine.as_str(), "osm");
/// assert_eq!(net.info.timestamp.as_deref(), Some("2014-01-15T19:05:08Z"));
/// ```
pub fn read_pbf(path: &Path, profile: &CarProfile, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<RoadNetwork> {
    let size = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if size == 0 {
        return Err(Error::format(path, "empty file: not an OSM PBF extract"));
    }
    let total = 2 * size;
    let mut report = ImportReport::default();

    // Pass 1: ways.
    let mut ways: Vec<RawWay> = Vec::new();
    let mut refs: Vec<i64> = Vec::new();
    let mut node_blobs: Vec<bool> = Vec::new();
    let mut newest_ms: i64 = i64::MIN;
    let mut header_ts: Option<i64> = None;
    for_each_batch(path, size, |first, blobs| {
        let outs: Vec<Result<WayBlob>> = blobs
            .par_iter()
            .enumerate()
            .map(|(k, b)| guarded(path, first + k, || ways_of_blob(path, first + k, b, profile)))
            .collect();
        for out in outs {
            let out = out?;
            if let Some(ts) = out.header_ts {
                header_ts = Some(ts);
            }
            node_blobs.push(out.has_nodes);
            newest_ms = newest_ms.max(out.newest_ms);
            report.ways_read += out.ways_read;
            report.maxspeed_unparsed += out.maxspeed_unparsed;
            let shift = refs.len();
            refs.extend_from_slice(&out.refs);
            ways.extend(out.ways.into_iter().map(|w| RawWay {
                start: w.start + shift,
                ..w
            }));
        }
        Ok(())
    }, &|done| progress(done, total))?;
    report.ways_routable = ways.len() as u64;
    // Ways are sorted by id in a sorted PBF; sort anyway so that an unsorted
    // file gives the same network.
    if !ways.windows(2).all(|w| w[0].id <= w[1].id) {
        ways.sort_by_key(|w| w.id);
    }
    let (ids, uses) = build::used_nodes(&ways, &refs);
    let ref_idx = build::index_refs(&refs, &ids);
    drop(refs);

    // Pass 2: positions of the used nodes.
    let mut lonlat = vec![[f64::NAN, f64::NAN]; ids.len()];
    let mut blob_no = 0usize;
    for_each_batch(path, size, |first, blobs| {
        let outs: Vec<Result<NodeBlob>> = blobs
            .par_iter()
            .enumerate()
            .map(|(k, b)| {
                if node_blobs.get(first + k).copied().unwrap_or(false) {
                    guarded(path, first + k, || nodes_of_blob(path, first + k, b, &ids))
                } else {
                    Ok(NodeBlob::default())
                }
            })
            .collect();
        for out in outs {
            let out = out?;
            newest_ms = newest_ms.max(out.newest_ms);
            for (i, p) in out.found {
                lonlat[i as usize] = p;
            }
            blob_no += 1;
        }
        Ok(())
    }, &|done| progress(size + done, total))?;
    if blob_no != node_blobs.len() {
        return Err(Error::format(path, "the file changed between the two reading passes"));
    }
    let pieces = build::split_ways(&ways, &ref_idx, &ids, &uses, &lonlat, &mut report);
    drop((ways, ref_idx, ids, uses, lonlat));
    let timestamp = header_ts
        .map(|s| build::iso8601(s))
        .or_else(|| (newest_ms > 0).then(|| build::iso8601(newest_ms.div_euclid(1000))));
    let info = NetworkInfo {
        engine: Engine::Osm,
        source: path.to_path_buf(),
        timestamp,
        profile: profile.name.clone(),
        report,
    };
    build::finish(pieces, info)
}

/// Reads blobs in batches of [`BATCH`], checks the first is a header, and
/// hands each batch with the index of its first blob to `f`.
fn for_each_batch(
    path: &Path,
    size: u64,
    mut f: impl FnMut(usize, &[osmpbf::Blob]) -> Result<()>,
    progress: &dyn Fn(u64),
) -> Result<()> {
    let reader = BlobReader::from_path(path).map_err(|e| pbf_error(path, 0, e))?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut first = 0usize;
    let mut count = 0usize;
    let mut done = 0u64;
    for blob in reader {
        let blob = blob.map_err(|e| {
            let what = if count == 0 { "not an OSM PBF file" } else { "corrupt or truncated PBF" };
            Error::format(path, format!("{what}: blob {count}: {e}"))
        })?;
        if count == 0 && blob.get_type() != BlobType::OsmHeader {
            return Err(Error::format(
                path,
                format!("not an OSM PBF file: first blob is `{}`, not `OSMHeader`", blob.get_type().as_str()),
            ));
        }
        done = blob.offset().map_or(done, |o| o.0);
        count += 1;
        batch.push(blob);
        if batch.len() == BATCH {
            f(first, &batch)?;
            first += batch.len();
            batch.clear();
            progress(done.min(size));
        }
    }
    if count == 0 {
        return Err(Error::format(path, "not an OSM PBF file: no blob could be read"));
    }
    f(first, &batch)?;
    progress(size);
    Ok(())
}

fn pbf_error(path: &Path, blob: usize, e: osmpbf::Error) -> Error {
    match e.into_kind() {
        osmpbf::ErrorKind::Io(io) => Error::io(path, io),
        other => Error::format(path, format!("corrupt PBF: blob {blob}: {other:?}")),
    }
}

/// Runs the decoding of one blob, turning a panic of the decoder on corrupt
/// data into an error.
fn guarded<T>(path: &Path, blob: usize, f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::format(path, format!("corrupt PBF: blob {blob} could not be decoded"))))
}

fn decode<'a>(path: &Path, idx: usize, b: &'a osmpbf::Blob) -> Result<BlobDecode<'a>> {
    b.decode().map_err(|e| pbf_error(path, idx, e))
}

/// What pass 1 keeps of one blob.
#[derive(Default)]
struct WayBlob {
    ways: Vec<RawWay>,
    refs: Vec<i64>,
    has_nodes: bool,
    newest_ms: i64,
    header_ts: Option<i64>,
    ways_read: u64,
    maxspeed_unparsed: u64,
}

fn ways_of_blob(path: &Path, idx: usize, b: &osmpbf::Blob, profile: &CarProfile) -> Result<WayBlob> {
    let mut out = WayBlob {
        newest_ms: i64::MIN,
        ..WayBlob::default()
    };
    let block = match decode(path, idx, b)? {
        BlobDecode::OsmHeader(h) => {
            if let Some(f) = h.required_features().iter().find(|f| !KNOWN_FEATURES.contains(&f.as_str())) {
                return Err(Error::format(path, format!("unsupported PBF feature `{f}` (history files are not supported)")));
            }
            out.header_ts = h.osmosis_replication_timestamp().filter(|&t| t > 0);
            return Ok(out);
        }
        BlobDecode::Unknown(_) => return Ok(out),
        BlobDecode::OsmData(block) => block,
    };
    let mut tags: Vec<(&str, &str)> = Vec::new();
    for group in block.groups() {
        if group.dense_nodes().len() > 0 || group.nodes().len() > 0 {
            out.has_nodes = true;
        }
        for rel in group.relations() {
            if let Some(t) = rel.info().milli_timestamp() {
                out.newest_ms = out.newest_ms.max(t);
            }
        }
        for way in group.ways() {
            out.ways_read += 1;
            if let Some(t) = way.info().milli_timestamp() {
                out.newest_ms = out.newest_ms.max(t);
            }
            tags.clear();
            tags.extend(way.tags());
            let Some(speed) = profile.way_speed(|k| tags.iter().find(|t| t.0 == k).map(|t| t.1)) else {
                continue;
            };
            out.maxspeed_unparsed += u64::from(speed.maxspeed_unparsed);
            push_way(&mut out, way.id(), way.raw_refs(), speed).map_err(|m| {
                Error::format(path, format!("corrupt PBF: blob {idx}: way {}: {m}", way.id()))
            })?;
        }
    }
    Ok(out)
}

/// Delta-decodes a way's node references with overflow checks.
fn push_way(out: &mut WayBlob, id: i64, deltas: &[i64], speed: WaySpeed) -> std::result::Result<(), String> {
    if deltas.len() < 2 {
        return Ok(());
    }
    let start = out.refs.len();
    let mut cur: i64 = 0;
    for &d in deltas {
        cur = cur.checked_add(d).ok_or("node reference overflows")?;
        out.refs.push(cur);
    }
    out.ways.push(RawWay {
        id,
        start,
        len: deltas.len(),
        speed,
    });
    Ok(())
}

/// What pass 2 keeps of one blob: (index in the used ids, position).
#[derive(Default)]
struct NodeBlob {
    found: Vec<(u32, [f64; 2])>,
    newest_ms: i64,
}

fn nodes_of_blob(path: &Path, idx: usize, b: &osmpbf::Blob, ids: &[i64]) -> Result<NodeBlob> {
    let mut out = NodeBlob {
        found: Vec::new(),
        newest_ms: i64::MIN,
    };
    let BlobDecode::OsmData(block) = decode(path, idx, b)? else {
        return Ok(out);
    };
    let mut lo = 0usize;
    visit_nodes(&block, |id, lon, lat, ms| {
        if let Some(ms) = ms {
            out.newest_ms = out.newest_ms.max(ms);
        }
        if let Some(i) = find_from(ids, &mut lo, id) {
            out.found.push((i as u32, [lon, lat]));
        }
    });
    for (_, [lon, lat]) in &out.found {
        if !(-180.0..=180.0).contains(lon) || !(-90.0..=90.0).contains(lat) {
            return Err(Error::format(path, format!("corrupt PBF: blob {idx}: position ({lon}, {lat}) is not WGS84")));
        }
    }
    Ok(out)
}

fn visit_nodes(block: &PrimitiveBlock, mut f: impl FnMut(i64, f64, f64, Option<i64>)) {
    block.for_each_element(|e| match e {
        Element::DenseNode(n) => f(n.id(), n.lon(), n.lat(), n.info().map(|i| i.milli_timestamp())),
        Element::Node(n) => f(n.id(), n.lon(), n.lat(), n.info().milli_timestamp()),
        _ => {}
    });
}

/// Finds `id` in the sorted `ids`, searching forward from `*lo` by
/// galloping (nodes of a blob come in increasing id order, so each search
/// is short); restarts from 0 when ids go backwards.
fn find_from(ids: &[i64], lo: &mut usize, id: i64) -> Option<usize> {
    if *lo > ids.len() || (*lo > 0 && ids[*lo - 1] >= id) {
        *lo = 0;
    }
    // Invariant: every ids[..*lo] < id.
    let mut hi = *lo;
    let mut step = 1usize;
    while hi < ids.len() && ids[hi] < id {
        *lo = hi + 1;
        hi = hi.saturating_add(step);
        step = step.saturating_mul(2);
    }
    let end = hi.min(ids.len());
    let p = *lo + ids[*lo..end].partition_point(|&x| x < id);
    *lo = p;
    (p < ids.len() && ids[p] == id).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::find_from;

    #[test]
    fn galloping_search_matches_binary_search() {
        let ids: Vec<i64> = (0..500).map(|i| i * 10 + (i % 7)).collect();
        let mut lo = 0;
        for q in (-5..5100).chain((0..5100).rev()).chain([7, 3, 1500, 2]) {
            assert_eq!(find_from(&ids, &mut lo, q), ids.binary_search(&q).ok(), "q={q}");
        }
    }
}
