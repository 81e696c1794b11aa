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
/// processed so far (`total` is the file size); it
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
pub fn read_pbf(
    path: &Path,
    profile: &CarProfile,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<RoadNetwork> {
    let size = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if size == 0 {
        return Err(Error::format(path, "empty file: not an OSM PBF extract"));
    }
    let mut reader = BlobReader::seekable_from_path(path).map_err(|e| pbf_error(path, 0, e))?;
    let offsets = blob_offsets(path, &mut reader)?;
    let header = read_header(path, &mut reader, &offsets)?;
    // In a file sorted by type then id (osmium and Geofabrik write them so,
    // and say it in the header), all node blobs come first: find the first
    // blob with ways by bisection and decode every blob once. Otherwise decode
    // every blob in pass 1 and the blobs that held nodes again in pass 2.
    let first_way = if header.sorted {
        first_non_node_blob(path, &mut reader, &offsets)?
    } else {
        1
    };
    let total = size;
    let region_bytes = |a: usize, b: usize| {
        offsets.get(b).copied().unwrap_or(size) - offsets.get(a).copied().unwrap_or(size)
    };
    let pass1_bytes = region_bytes(first_way, offsets.len());
    let mut report = ImportReport::default();

    // Pass 1: ways.
    let mut ways: Vec<RawWay> = Vec::new();
    let mut refs: Vec<i64> = Vec::new();
    let mut node_blobs: Vec<bool> = vec![header.sorted; offsets.len()];
    let mut newest_ms: i64 = i64::MIN;
    for_each_batch(
        path,
        &mut reader,
        &offsets,
        first_way..offsets.len(),
        |first, blobs| {
            let outs: Vec<Result<WayBlob>> = blobs
                .par_iter()
                .enumerate()
                .map(|(k, b)| guarded(path, first + k, || ways_of_blob(path, first + k, b, profile)))
                .collect();
            for (k, out) in outs.into_iter().enumerate() {
                let out = out?;
                node_blobs[first + k] = out.has_nodes;
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
        },
        &|done| progress(done, total),
    )?;
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
    let mut pos = vec![super::MISSING; ids.len()];
    let last_node_blob = node_blobs.iter().rposition(|&n| n).map_or(1, |i| i + 1).max(1);
    for_each_batch(
        path,
        &mut reader,
        &offsets,
        1..last_node_blob,
        |first, blobs| {
            let outs: Vec<Result<NodeBlob>> = blobs
                .par_iter()
                .enumerate()
                .map(|(k, b)| {
                    if node_blobs[first + k] {
                        guarded(path, first + k, || nodes_of_blob(path, first + k, b, &ids))
                    } else {
                        Ok(NodeBlob::default())
                    }
                })
                .collect();
            for (k, out) in outs.into_iter().enumerate() {
                let out = out?;
                if out.has_ways && first + k < first_way {
                    return Err(Error::format(
                        path,
                        format!(
                            "the header says the file is sorted by type then id, but blob {} has ways among the nodes; sort it with `osmium sort`",
                            first + k
                        ),
                    ));
                }
                newest_ms = newest_ms.max(out.newest_ms);
                for (i, p) in out.found {
                    pos[i as usize] = p;
                }
            }
            Ok(())
        },
        &|done| progress((pass1_bytes + done).min(total), total),
    )?;
    progress(total, total);
    let pieces = build::split_ways(&ways, &ref_idx, &ids, &uses, &pos, &mut report);
    drop((ways, ref_idx, ids, uses, pos));
    let timestamp = header
        .replication_ts
        .map(build::iso8601)
        .or_else(|| (newest_ms > 0).then(|| build::iso8601(newest_ms.div_euclid(1000))));
    let info = NetworkInfo {
        engine: Engine::Osm,
        source: path.to_path_buf(),
        timestamp,
        profile: profile.label(),
        report,
    };
    build::finish(pieces, info, profile)
}

type Reader = BlobReader<std::io::BufReader<std::fs::File>>;

/// Byte offset of every blob, read from the blob headers without reading
/// the blobs themselves.
fn blob_offsets(path: &Path, reader: &mut Reader) -> Result<Vec<u64>> {
    let mut offsets = Vec::new();
    while let Some(h) = reader.next_header_skip_blob() {
        let (header, offset) = h.map_err(|e| {
            let what = if offsets.is_empty() {
                "not an OSM PBF file"
            } else {
                "corrupt or truncated PBF"
            };
            Error::format(path, format!("{what}: blob {}: {e}", offsets.len()))
        })?;
        if offsets.is_empty() && header.blob_type() != BlobType::OsmHeader {
            return Err(Error::format(
                path,
                format!(
                    "not an OSM PBF file: first blob is `{}`, not `OSMHeader`",
                    header.blob_type().as_str()
                ),
            ));
        }
        offsets.push(
            offset
                .ok_or_else(|| Error::format(path, "cannot tell blob positions"))?
                .0,
        );
    }
    if offsets.is_empty() {
        return Err(Error::format(path, "not an OSM PBF file: no blob could be read"));
    }
    Ok(offsets)
}

fn read_blob(path: &Path, reader: &mut Reader, offsets: &[u64], i: usize) -> Result<osmpbf::Blob> {
    reader
        .blob_from_offset(osmpbf::ByteOffset(offsets[i]))
        .map_err(|e| Error::format(path, format!("corrupt or truncated PBF: blob {i}: {e}")))
}

/// What the header blob says.
struct Header {
    sorted: bool,
    replication_ts: Option<i64>,
}

fn read_header(path: &Path, reader: &mut Reader, offsets: &[u64]) -> Result<Header> {
    let blob = read_blob(path, reader, offsets, 0)?;
    guarded(path, 0, || match decode(path, 0, &blob)? {
        BlobDecode::OsmHeader(h) => {
            if let Some(f) = h
                .required_features()
                .iter()
                .find(|f| !KNOWN_FEATURES.contains(&f.as_str()))
            {
                return Err(Error::format(
                    path,
                    format!("unsupported PBF feature `{f}` (history files are not supported)"),
                ));
            }
            Ok(Header {
                sorted: h.optional_features().iter().any(|f| f == "Sort.Type_then_ID"),
                replication_ts: h.osmosis_replication_timestamp().filter(|&t| t > 0),
            })
        }
        _ => Err(Error::format(path, "not an OSM PBF file: no OSMHeader block")),
    })
}

/// Index of the first blob (after the header) that is not made of nodes
/// only, by bisection over a sorted file.
fn first_non_node_blob(path: &Path, reader: &mut Reader, offsets: &[u64]) -> Result<usize> {
    let (mut lo, mut hi) = (1usize, offsets.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let blob = read_blob(path, reader, offsets, mid)?;
        let nodes_only = guarded(path, mid, || match decode(path, mid, &blob)? {
            BlobDecode::OsmData(block) => Ok(block
                .groups()
                .all(|g| g.ways().len() == 0 && g.relations().len() == 0)),
            _ => Ok(false),
        })?;
        if nodes_only {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
}

/// Reads blobs `range` in batches of [`BATCH`] and hands each batch with
/// the index of its first blob to `f`; `progress` gets the bytes done
/// within the range.
fn for_each_batch(
    path: &Path,
    reader: &mut Reader,
    offsets: &[u64],
    range: std::ops::Range<usize>,
    mut f: impl FnMut(usize, &[osmpbf::Blob]) -> Result<()>,
    progress: &dyn Fn(u64),
) -> Result<()> {
    if range.is_empty() {
        return Ok(());
    }
    let base = offsets[range.start];
    reader
        .seek(osmpbf::ByteOffset(base))
        .map_err(|e| pbf_error(path, range.start, e))?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut first = range.start;
    for i in range.clone() {
        let blob = reader
            .next()
            .unwrap_or_else(|| {
                Err(osmpbf::Error::from(std::io::Error::from(
                    std::io::ErrorKind::UnexpectedEof,
                )))
            })
            .map_err(|e| Error::format(path, format!("corrupt or truncated PBF: blob {i}: {e}")))?;
        batch.push(blob);
        if batch.len() == BATCH || i + 1 == range.end {
            f(first, &batch)?;
            first += batch.len();
            batch.clear();
            progress(offsets.get(i + 1).map_or(0, |o| o - base));
        }
    }
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
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::format(
            path,
            format!("corrupt PBF: blob {blob} could not be decoded"),
        ))
    })
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
    ways_read: u64,
    maxspeed_unparsed: u64,
}

fn ways_of_blob(path: &Path, idx: usize, b: &osmpbf::Blob, profile: &CarProfile) -> Result<WayBlob> {
    let mut out = WayBlob {
        newest_ms: i64::MIN,
        ..WayBlob::default()
    };
    let block = match decode(path, idx, b)? {
        BlobDecode::OsmHeader(_) | BlobDecode::Unknown(_) => return Ok(out),
        BlobDecode::OsmData(block) => block,
    };
    // Only ways with a `highway` or `route` key can be roads: find those
    // keys' string-table indices once, and skip other ways (buildings,
    // land use…) without decoding their tags.
    let st = block.raw_stringtable();
    let road_keys: Vec<u32> = st
        .iter()
        .enumerate()
        .filter(|(_, s)| s.as_slice() == b"highway" || s.as_slice() == b"route")
        .map(|(i, _)| i as u32)
        .collect();
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
            if !way.raw_tags().any(|(k, _)| road_keys.contains(&k)) {
                continue;
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
    found: Vec<(u32, super::E7)>,
    newest_ms: i64,
    /// The blob also holds ways (or relations).
    has_ways: bool,
}

fn nodes_of_blob(path: &Path, idx: usize, b: &osmpbf::Blob, ids: &[i64]) -> Result<NodeBlob> {
    let mut out = NodeBlob {
        found: Vec::new(),
        newest_ms: i64::MIN,
        has_ways: false,
    };
    let BlobDecode::OsmData(block) = decode(path, idx, b)? else {
        return Ok(out);
    };
    out.has_ways = block
        .groups()
        .any(|g| g.ways().len() > 0 || g.relations().len() > 0);
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
        if !(-1_800_000_000..=1_800_000_000).contains(lon) || !(-900_000_000..=900_000_000).contains(lat) {
            return Err(Error::format(
                path,
                format!("corrupt PBF: blob {idx}: position ({lon}, {lat}) × 1e-7° is not WGS84"),
            ));
        }
    }
    Ok(out)
}

/// Calls `f(id, lon, lat, milliseconds)` per node, positions in 1e-7°.
fn visit_nodes(block: &PrimitiveBlock, mut f: impl FnMut(i64, i32, i32, Option<i64>)) {
    block.for_each_element(|e| match e {
        Element::DenseNode(n) => f(
            n.id(),
            n.decimicro_lon(),
            n.decimicro_lat(),
            n.info().map(|i| i.milli_timestamp()),
        ),
        Element::Node(n) => f(
            n.id(),
            n.decimicro_lon(),
            n.decimicro_lat(),
            n.info().milli_timestamp(),
        ),
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
