//! OpenStreetMap `.osm.pbf` through the car profile, in two passes over the
//! file, each decoding blobs in parallel (rayon, in batches, results kept in
//! file order so that the network is the same whatever the thread count):
//!
//! 1. ways: the routable ones and their node references are kept;
//! 2. nodes: only the positions of referenced nodes are kept, and only
//!    blobs that held nodes in pass 1 are decoded again.
//!
//! Blobs are read from the file in batches (the next batch is read while
//! the current one is decoded), inflated into a per-thread buffer and read
//! in place by `super::pbf_block`: a way's node references are decoded
//! only when its tags make it a road, dense-node metadata other than
//! timestamps is counted, not decoded, and timestamps are not read at all
//! when the header gives the replication time. `osmpbf` itself is used to
//! find the blobs and read the header; its full decoding is kept as the
//! reference the tests compare against.
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

use std::io::{Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, BlobType};
use rayon::prelude::*;

use super::build::{self, RawWay};
use super::pbf_block::{self, RawBlob};
use super::{CarProfile, ImportReport, NetworkInfo, NetworkSource, RoadNetwork};
use crate::error::{Error, Result};

/// Blobs decoded per parallel batch (a blob is at most 32 MB decoded, usually
/// about 1 MB; 64 keeps memory bounded and both cores busy).
const BATCH: usize = 64;

/// At most this many file bytes per batch, unless one blob is bigger (a blob
/// may take 32 MiB): two batches are in memory at a time.
const BATCH_BYTES: u64 = 64 << 20;

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
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/osm/saint_barthelemy.osm.pbf");
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
    drop(reader);
    let mut file = Blobs {
        path,
        file: std::fs::File::open(path).map_err(|e| Error::io(path, e))?,
        offsets: &offsets,
        size,
        spare: Vec::new(),
    };
    // The newest element's time is needed only when the header has no
    // replication time.
    let times = header.replication_ts.is_none();
    // In a file sorted by type then id (osmium and Geofabrik write them so,
    // and say it in the header), all node blobs come first: find the first
    // blob with ways by bisection and decode every blob once. Otherwise decode
    // every blob in pass 1 and the blobs that held nodes again in pass 2.
    let first_way = if header.sorted {
        first_non_node_blob(&mut file)?
    } else {
        1
    };
    let total = size;
    let pass1_bytes = file.bytes(first_way..offsets.len());
    let mut report = ImportReport::default();

    // Pass 1: ways.
    let mut ways: Vec<RawWay> = Vec::new();
    let mut refs: Vec<i64> = Vec::new();
    let mut node_blobs: Vec<bool> = vec![header.sorted; offsets.len()];
    let mut newest_ms: i64 = i64::MIN;
    file.for_each_blob(
        first_way..offsets.len(),
        |_, b| ways_of_blob(b, profile, times),
        |idx, out: WayBlob| {
            node_blobs[idx] = out.has_nodes;
            newest_ms = newest_ms.max(out.newest_ms);
            report.ways_read += out.ways_read;
            report.maxspeed_unparsed += out.maxspeed_unparsed;
            let shift = refs.len();
            refs.extend_from_slice(&out.refs);
            ways.extend(out.ways.into_iter().map(|w| RawWay {
                start: w.start + shift,
                ..w
            }));
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
    file.for_each_blob(
        1..last_node_blob,
        |idx, b| {
            if node_blobs[idx] {
                nodes_of_blob(b, &ids, times)
            } else {
                Ok(NodeBlob::default())
            }
        },
        |idx, out: NodeBlob| {
            if out.has_ways && idx < first_way {
                return Err(Error::format(
                    path,
                    format!(
                        "the header says the file is sorted by type then id, but blob {idx} has ways among the nodes; sort it with `osmium sort`"
                    ),
                ));
            }
            newest_ms = newest_ms.max(out.newest_ms);
            for (i, p) in out.found {
                pos[i as usize] = p;
            }
            Ok(())
        },
        &|done| progress((pass1_bytes + done).min(total), total),
    )?;
    progress(total, total);
    drop(file);
    pbf_block::release_buffers();
    let pieces = build::split_ways(&ways, &ref_idx, &ids, &uses, &pos, &mut report);
    drop((ways, ref_idx, ids, uses, pos));
    let timestamp = header
        .replication_ts
        .map(build::iso8601)
        .or_else(|| (newest_ms > 0).then(|| build::iso8601(newest_ms.div_euclid(1000))));
    let info = NetworkInfo {
        engine: NetworkSource::Osm,
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

/// What the header blob says.
struct Header {
    sorted: bool,
    replication_ts: Option<i64>,
}

fn read_header(path: &Path, reader: &mut Reader, offsets: &[u64]) -> Result<Header> {
    let blob = reader
        .blob_from_offset(osmpbf::ByteOffset(offsets[0]))
        .map_err(|e| Error::format(path, format!("corrupt or truncated PBF: blob 0: {e}")))?;
    guarded(path, 0, || {
        match blob.decode().map_err(|e| pbf_error(path, 0, e))? {
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
        }
    })
}

/// The data blobs of a file, read in contiguous batches.
struct Blobs<'a> {
    path: &'a Path,
    file: std::fs::File,
    /// Start of every blob (its 4-byte header length).
    offsets: &'a [u64],
    size: u64,
    /// Batch buffers kept for reuse: allocating and freeing megabytes per
    /// batch would make the allocator keep freed memory (glibc raises its
    /// mmap threshold), which shows in the peak during the build.
    spare: Vec<Vec<u8>>,
}

/// Blobs `first..` read from the file, one contiguous byte range.
struct Batch {
    first: usize,
    bytes: Vec<u8>,
    /// Blob `first + k` is `bytes[bounds[k]..bounds[k + 1]]`.
    bounds: Vec<usize>,
}

impl Batch {
    fn blob(&self, k: usize) -> &[u8] {
        &self.bytes[self.bounds[k]..self.bounds[k + 1]]
    }
}

impl Blobs<'_> {
    fn start(&self, i: usize) -> u64 {
        self.offsets.get(i).copied().unwrap_or(self.size)
    }

    /// Bytes taken by blobs `range`.
    fn bytes(&self, range: std::ops::Range<usize>) -> u64 {
        self.start(range.end) - self.start(range.start)
    }

    fn read(&mut self, range: std::ops::Range<usize>) -> Result<Batch> {
        let (a, b) = (self.start(range.start), self.start(range.end));
        let mut bytes = self.spare.pop().unwrap_or_default();
        bytes.clear();
        bytes.reserve((b - a) as usize);
        self.file
            .seek(SeekFrom::Start(a))
            .and_then(|_| (&mut self.file).take(b - a).read_to_end(&mut bytes))
            .map_err(|e| Error::io(self.path, e))?;
        if bytes.len() as u64 != b - a {
            return Err(Error::format(
                self.path,
                format!("truncated PBF: the file ends inside blob {}", range.start),
            ));
        }
        let bounds = range
            .clone()
            .chain([range.end])
            .map(|i| (self.start(i) - a) as usize)
            .collect();
        Ok(Batch {
            first: range.start,
            bytes,
            bounds,
        })
    }

    /// Decodes blobs `range` with `decode(index, blob)` in parallel, by
    /// batches of [`BATCH`] blobs or [`BATCH_BYTES`] (the next batch is read
    /// while one is decoded), and hands the results to `merge` in file
    /// order; `progress` gets the bytes done within the range.
    fn for_each_blob<T: Send>(
        &mut self,
        range: std::ops::Range<usize>,
        decode: impl Fn(usize, &RawBlob) -> std::result::Result<T, pbf_block::Bad> + Sync,
        mut merge: impl FnMut(usize, T) -> Result<()>,
        progress: &dyn Fn(u64),
    ) -> Result<()> {
        if range.is_empty() {
            return Ok(());
        }
        let path = self.path;
        let (offsets, size) = (self.offsets, self.size);
        let start = |i: usize| offsets.get(i).copied().unwrap_or(size);
        let batch_end = |first: usize| {
            let mut end = first + 1;
            while end < range.end && end - first < BATCH && start(end + 1) - start(first) <= BATCH_BYTES {
                end += 1;
            }
            end
        };
        let mut next = Some(self.read(range.start..batch_end(range.start)));
        while let Some(batch) = next.take() {
            let batch = batch?;
            let end = batch.first + batch.bounds.len() - 1;
            let (following, outs) = rayon::join(
                || (end < range.end).then(|| self.read(end..batch_end(end))),
                || {
                    (0..batch.bounds.len() - 1)
                        .into_par_iter()
                        .map(|k| {
                            let idx = batch.first + k;
                            guarded(path, idx, || {
                                let blob = pbf_block::parse_blob(batch.blob(k)).map_err(|m| {
                                    Error::format(path, format!("corrupt or truncated PBF: blob {idx}: {m}"))
                                })?;
                                decode(idx, &blob)
                                    .map_err(|m| Error::format(path, format!("corrupt PBF: blob {idx}: {m}")))
                            })
                        })
                        .collect::<Vec<Result<T>>>()
                },
            );
            for (k, out) in outs.into_iter().enumerate() {
                merge(batch.first + k, out?)?;
            }
            self.spare.push(batch.bytes);
            progress(self.bytes(range.start..end));
            next = following;
        }
        Ok(())
    }
}

/// Index of the first blob (after the header) that is not made of nodes
/// only, by bisection over a sorted file.
fn first_non_node_blob(file: &mut Blobs) -> Result<usize> {
    let (mut lo, mut hi) = (1usize, file.offsets.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let mut nodes_only = false;
        file.for_each_blob(
            mid..mid + 1,
            |_, blob| {
                if blob.kind != b"OSMData" {
                    return Ok(false);
                }
                pbf_block::with_payload(blob, |p| {
                    Ok(!pbf_block::parse_block(p)?.kinds()?.ways_or_relations)
                })
            },
            |_, n| {
                nodes_only = n;
                Ok(())
            },
            &|_| {},
        )?;
        if nodes_only {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
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

fn ways_of_blob(b: &RawBlob, profile: &CarProfile, times: bool) -> std::result::Result<WayBlob, String> {
    let mut out = WayBlob {
        newest_ms: i64::MIN,
        ..WayBlob::default()
    };
    if b.kind != b"OSMData" {
        return Ok(out);
    }
    pbf_block::with_payload(b, |payload| {
        let block = pbf_block::parse_block(payload)?;
        // Only ways with a `highway` or `route` key can be roads: find those
        // keys' string-table indices once, and skip other ways (buildings,
        // land use…) without reading their tags or node references.
        let road_keys: Vec<u32> = (0..block.strings.len() as u32)
            .filter(|&i| matches!(block.strings[i as usize], b"highway" | b"route"))
            .collect();
        out.has_nodes = block.kinds()?.nodes;
        if times {
            block.for_each_relation_time(|t| {
                if let Some(t) = t {
                    out.newest_ms = out.newest_ms.max(t);
                }
            })?;
        }
        let mut tags: Vec<(&str, &str)> = Vec::new();
        block.for_each_way(times, |way| {
            out.ways_read += 1;
            if let Some(t) = way.milli_timestamp {
                out.newest_ms = out.newest_ms.max(t);
            }
            let n = way.keys.len().min(way.vals.len());
            if !way.keys[..n].iter().any(|k| road_keys.contains(k)) {
                return Ok(());
            }
            // Tags up to the first one that is not valid text (as osmpbf).
            tags.clear();
            for (&k, &v) in way.keys[..n].iter().zip(&way.vals[..n]) {
                let (Some(k), Some(v)) = (block.str(k), block.str(v)) else {
                    break;
                };
                tags.push((k, v));
            }
            let Some(speed) = profile.way_speed(|k| tags.iter().find(|t| t.0 == k).map(|t| t.1)) else {
                return Ok(());
            };
            out.maxspeed_unparsed += u64::from(speed.maxspeed_unparsed);
            if way.ref_count()? < 2 {
                return Ok(());
            }
            let start = out.refs.len();
            way.refs_into(&mut out.refs)
                .map_err(|m| format!("way {}: {m}", way.id))?;
            out.ways.push(RawWay {
                id: way.id,
                start,
                len: out.refs.len() - start,
                speed,
            });
            Ok(())
        })
    })
    .map(|()| out)
}

/// What pass 2 keeps of one blob: (index in the used ids, position).
#[derive(Default)]
struct NodeBlob {
    found: Vec<(u32, super::E7)>,
    newest_ms: i64,
    /// The blob also holds ways (or relations).
    has_ways: bool,
}

fn nodes_of_blob(b: &RawBlob, ids: &[i64], times: bool) -> std::result::Result<NodeBlob, String> {
    let mut out = NodeBlob {
        found: Vec::new(),
        newest_ms: i64::MIN,
        has_ways: false,
    };
    if b.kind != b"OSMData" {
        return Ok(out);
    }
    pbf_block::with_payload(b, |payload| {
        let block = pbf_block::parse_block(payload)?;
        out.has_ways = block.kinds()?.ways_or_relations;
        let mut lo = 0usize;
        block.for_each_node(times, |id, lon, lat, ms| {
            if let Some(ms) = ms {
                out.newest_ms = out.newest_ms.max(ms);
            }
            if let Some(i) = find_from(ids, &mut lo, id) {
                out.found.push((i as u32, [lon, lat]));
            }
        })
    })?;
    for (_, [lon, lat]) in &out.found {
        if !(-1_800_000_000..=1_800_000_000).contains(lon) || !(-900_000_000..=900_000_000).contains(lat) {
            return Err(format!("position ({lon}, {lat}) × 1e-7° is not WGS84"));
        }
    }
    Ok(out)
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
    use super::*;
    use crate::roads::E7;
    use crate::roads::synthetic::{SyntheticExtract, write_synthetic_pbf};
    use osmpbf::{Element, PrimitiveBlock};

    const SBH: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/osm/saint_barthelemy.osm.pbf"
    );
    const SBL: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/osm/St_Brieuc-Loudeac.osm.pbf"
    );

    /// The reference for pass 1: `osmpbf`'s full decoding of a blob.
    fn reference_ways(b: &osmpbf::Blob, profile: &CarProfile) -> WayBlob {
        let mut out = WayBlob {
            newest_ms: i64::MIN,
            ..WayBlob::default()
        };
        let BlobDecode::OsmData(block) = b.decode().unwrap() else {
            return out;
        };
        for group in block.groups() {
            out.has_nodes |= group.dense_nodes().len() > 0 || group.nodes().len() > 0;
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
                let tags: Vec<(&str, &str)> = way.tags().collect();
                let Some(speed) = profile.way_speed(|k| tags.iter().find(|t| t.0 == k).map(|t| t.1)) else {
                    continue;
                };
                out.maxspeed_unparsed += u64::from(speed.maxspeed_unparsed);
                if way.raw_refs().len() < 2 {
                    continue;
                }
                let start = out.refs.len();
                out.refs.extend(way.refs());
                out.ways.push(RawWay {
                    id: way.id(),
                    start,
                    len: way.raw_refs().len(),
                    speed,
                });
            }
        }
        out
    }

    /// The reference for pass 2: every node `osmpbf` sees, with its time.
    fn reference_nodes(block: &PrimitiveBlock) -> Vec<(i64, i32, i32, Option<i64>)> {
        let mut all = Vec::new();
        block.for_each_element(|e| match e {
            Element::DenseNode(n) => all.push((
                n.id(),
                n.decimicro_lon(),
                n.decimicro_lat(),
                n.info().map(|i| i.milli_timestamp()),
            )),
            Element::Node(n) => all.push((
                n.id(),
                n.decimicro_lon(),
                n.decimicro_lat(),
                n.info().milli_timestamp(),
            )),
            _ => {}
        });
        all
    }

    /// Every blob of `path` read both ways gives the same ways and nodes.
    fn same_as_osmpbf(path: &Path) {
        let profile = CarProfile::france();
        let bytes = std::fs::read(path).unwrap();
        let mut reader = BlobReader::seekable_from_path(path).unwrap();
        let offsets = blob_offsets(path, &mut reader).unwrap();
        let (mut ways, mut nodes) = (0, 0);
        for (i, &start) in offsets.iter().enumerate() {
            let end = offsets.get(i + 1).map_or(bytes.len(), |&o| o as usize);
            let raw = pbf_block::parse_blob(&bytes[start as usize..end]).unwrap();
            let blob = reader.blob_from_offset(osmpbf::ByteOffset(start)).unwrap();
            if i == 0 {
                assert_eq!(raw.kind, b"OSMHeader");
                continue;
            }
            let want = reference_ways(&blob, &profile);
            let key = |w: &WayBlob| {
                let ways: Vec<_> = w.ways.iter().map(|w| (w.id, w.start, w.len, w.speed)).collect();
                (
                    ways,
                    w.refs.clone(),
                    w.has_nodes,
                    w.newest_ms,
                    w.ways_read,
                    w.maxspeed_unparsed,
                )
            };
            let got = ways_of_blob(&raw, &profile, true).unwrap();
            assert_eq!(key(&got), key(&want), "{path:?} blob {i}");
            ways += got.ways_read;
            // Without times, the same ways and no timestamp.
            let (mut got, mut want) = (key(&ways_of_blob(&raw, &profile, false).unwrap()), key(&want));
            assert_eq!(got.3, i64::MIN);
            (got.3, want.3) = (0, 0);
            assert_eq!(got, want, "{path:?} blob {i}");
            let BlobDecode::OsmData(block) = blob.decode().unwrap() else {
                continue;
            };
            let all = reference_nodes(&block);
            // Ask for every other node, so that some are found and some not.
            let mut ids: Vec<i64> = all.iter().map(|n| n.0).step_by(2).collect();
            ids.sort_unstable();
            ids.dedup();
            for times in [true, false] {
                let got = nodes_of_blob(&raw, &ids, times).unwrap();
                let mut lo = 0;
                let found: Vec<(u32, E7)> = all
                    .iter()
                    .filter_map(|n| find_from(&ids, &mut lo, n.0).map(|i| (i as u32, [n.1, n.2])))
                    .collect();
                assert_eq!(got.found, found, "{path:?} blob {i}");
                let newest = all.iter().filter_map(|n| n.3).max().filter(|_| times);
                assert_eq!(got.newest_ms, newest.unwrap_or(i64::MIN), "{path:?} blob {i}");
                let has_ways = block
                    .groups()
                    .any(|g| g.ways().len() > 0 || g.relations().len() > 0);
                assert_eq!(got.has_ways, has_ways);
            }
            nodes += all.len();
        }
        assert!(ways > 0 && nodes > 0, "{path:?}: {ways} ways, {nodes} nodes");
    }

    #[test]
    fn lean_reader_matches_osmpbf_on_real_extracts() {
        same_as_osmpbf(Path::new(SBH));
        same_as_osmpbf(Path::new(SBL));
    }

    #[test]
    fn lean_reader_matches_osmpbf_on_a_synthetic_extract() {
        let p = std::env::temp_dir().join(format!("medaccess-lean-{}.osm.pbf", std::process::id()));
        let o = SyntheticExtract {
            width: 30,
            height: 30,
            shape_nodes: 2,
            buildings: 2,
            seed: 3,
        };
        write_synthetic_pbf(&p, &o).unwrap();
        same_as_osmpbf(&p);
        std::fs::remove_file(&p).unwrap();
    }

    /// With a replication time in the header, node and way times are not
    /// read: the same network, stamped with the header's time.
    #[test]
    fn header_time_skips_element_times() {
        use crate::roads::synthetic::PbfWriter;
        let dir = std::env::temp_dir();
        let read = |header: Option<i64>| {
            let p = dir.join(format!(
                "medaccess-hdr-{}-{}.osm.pbf",
                header.is_some(),
                std::process::id()
            ));
            let mut w = PbfWriter::new(std::fs::File::create(&p).unwrap(), header).unwrap();
            for (id, lat) in [(1, 45.0), (2, 45.001), (3, 45.002)] {
                w.node_with_meta(id, 1.0, lat, 1, 1_500_000_000 + id).unwrap();
            }
            let tags = vec![("highway".to_string(), "residential".to_string())];
            w.way(10, vec![1, 2, 3, 1], tags).unwrap();
            w.finish().unwrap();
            let net = read_pbf(&p, &CarProfile::france(), &|_, _| {}).unwrap();
            std::fs::remove_file(&p).unwrap();
            net
        };
        let (a, b) = (read(None), read(Some(1_700_000_000)));
        assert_eq!(a.info.timestamp.as_deref(), Some("2017-07-14T02:40:03Z"));
        assert_eq!(b.info.timestamp.as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(
            (&a.graph, &a.edges, &a.node_lonlat),
            (&b.graph, &b.edges, &b.node_lonlat)
        );
        assert!(a.graph.num_arcs() > 0);
    }

    /// Saint-Barthélemy with every blob stored uncompressed (`raw`), so that
    /// mutated bytes reach the block reader instead of failing zlib's check.
    fn raw_blob_file() -> Vec<u8> {
        fn varint(out: &mut Vec<u8>, mut v: u64) {
            while v >= 0x80 {
                out.push((v as u8) | 0x80);
                v >>= 7;
            }
            out.push(v as u8);
        }
        fn field(out: &mut Vec<u8>, key: u8, data: &[u8]) {
            out.push(key);
            varint(out, data.len() as u64);
            out.extend_from_slice(data);
        }
        let path = Path::new(SBH);
        let bytes = std::fs::read(path).unwrap();
        let offsets = blob_offsets(path, &mut BlobReader::seekable_from_path(path).unwrap()).unwrap();
        let mut out = Vec::new();
        for (i, &start) in offsets.iter().enumerate() {
            let end = offsets.get(i + 1).map_or(bytes.len(), |&o| o as usize);
            let b = pbf_block::parse_blob(&bytes[start as usize..end]).unwrap();
            let payload = pbf_block::with_payload(&b, |p| Ok(p.to_vec())).unwrap();
            let mut blob = Vec::new();
            field(&mut blob, 0x0a, &payload);
            let mut header = Vec::new();
            field(&mut header, 0x0a, b.kind);
            header.push(0x18);
            varint(&mut header, blob.len() as u64);
            out.extend_from_slice(&(header.len() as u32).to_be_bytes());
            out.extend_from_slice(&header);
            out.extend_from_slice(&blob);
        }
        out
    }

    #[test]
    fn mutated_raw_blocks_give_errors_not_panics() {
        use rand::{Rng, SeedableRng};
        let good = raw_blob_file();
        let p = std::env::temp_dir().join(format!("medaccess-rawmut-{}.osm.pbf", std::process::id()));
        std::fs::write(&p, &good).unwrap();
        let want = read_pbf(Path::new(SBH), &CarProfile::france(), &|_, _| {}).unwrap();
        let got = read_pbf(&p, &CarProfile::france(), &|_, _| {}).unwrap();
        assert_eq!((&got.graph, &got.edges), (&want.graph, &want.edges));
        let (mut ok, mut err) = (0, 0);
        for seed in 0..200u64 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let mut b = good.clone();
            // Past the first blob (the header), which osmpbf reads.
            for _ in 0..rng.random_range(1..6) {
                let i = rng.random_range(200..b.len());
                b[i] = if seed % 2 == 0 {
                    b[i] ^ (1 << rng.random_range(0..8))
                } else {
                    rng.random()
                };
            }
            std::fs::write(&p, &b).unwrap();
            match read_pbf(&p, &CarProfile::france(), &|_, _| {}) {
                Ok(_) => ok += 1,
                Err(e) => {
                    err += 1;
                    let e = e.to_string();
                    assert!(e.contains("rawmut"), "{e}");
                    // `guarded` turns a panic into this message: none may happen.
                    assert!(!e.contains("could not be decoded"), "seed {seed}: {e}");
                }
            }
        }
        std::fs::remove_file(&p).unwrap();
        assert!(ok > 0 && err > 0, "{ok} read, {err} refused");
    }

    #[test]
    fn bucketed_index_matches_binary_search() {
        let ids: Vec<i64> = (0..5000i64).map(|i| i * i / 7 + 3 * i + (i % 5)).collect();
        let refs: Vec<i64> = (-20..6000i64).map(|i| (i * i) / 7 + 3 * i).collect();
        let want: Vec<u32> = refs
            .iter()
            .map(|r| ids.binary_search(r).map_or(crate::units::NO_NODE, |i| i as u32))
            .collect();
        assert_eq!(build::index_refs(&refs, &ids), want);
        assert_eq!(build::index_refs(&[5], &[5]), vec![0]);
        assert_eq!(build::index_refs(&[5], &[]), vec![crate::units::NO_NODE]);
    }

    #[test]
    fn galloping_search_matches_binary_search() {
        let ids: Vec<i64> = (0..500).map(|i| i * 10 + (i % 7)).collect();
        let mut lo = 0;
        for q in (-5..5100).chain((0..5100).rev()).chain([7, 3, 1500, 2]) {
            assert_eq!(find_from(&ids, &mut lo, q), ids.binary_search(&q).ok(), "q={q}");
        }
    }
}
