//! A lean reader of OSM PBF blobs (<https://wiki.openstreetmap.org/wiki/PBF_Format>):
//! blob framing, zlib inflation into a reused buffer, and the parts of a
//! `PrimitiveBlock` the importer needs, read in place from the inflated
//! bytes (no message objects, no per-element allocation).
//!
//! It reads what `osmpbf` reads, the same way: a field repeated or a packed
//! array split in several parts is concatenated as protobuf merging does;
//! running sums (delta-coded ids, coordinates, timestamps) wrap on overflow
//! as `osmpbf` does in release builds; a tag whose key or value is not a
//! valid UTF-8 string-table entry ends the way's tags, as in `osmpbf`'s
//! `TagIter`. The importer's tests compare both readers on real extracts.
//!
//! Malformed input gives a [`Bad`] message (the caller adds the file and
//! blob), never a panic: every length and index is checked.

use std::borrow::Cow;
use std::cell::RefCell;

use flate2::{Decompress, FlushDecompress, Status};

/// What is wrong with a blob, in words.
pub(crate) type Bad = String;
type R<T> = std::result::Result<T, Bad>;

/// Largest inflated blob the format allows (32 MiB, as `osmpbf`).
const MAX_BLOB_BYTES: usize = 32 * 1024 * 1024;
/// Largest blob header the format allows (64 KiB).
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Reads one varint at `*pos`.
#[inline(always)]
fn varint(b: &[u8], pos: &mut usize) -> R<u64> {
    // Most varints of a block (tag indices, id deltas) are one byte.
    if let Some(&byte) = b.get(*pos)
        && byte < 0x80
    {
        *pos += 1;
        return Ok(u64::from(byte));
    }
    // Away from the end of the message, one bounds check for all ten bytes.
    if let Some(chunk) = b.get(*pos..*pos + 10)
        && let Ok(chunk) = <&[u8; 10]>::try_from(chunk)
    {
        let mut v = 0u64;
        for (k, &byte) in chunk.iter().enumerate() {
            v |= u64::from(byte & 0x7f) << (7 * k);
            if byte < 0x80 {
                *pos += k + 1;
                return Ok(v);
            }
        }
        return Err("a varint is longer than 10 bytes".into());
    }
    varint_long(b, pos)
}

#[inline(never)]
fn varint_long(b: &[u8], pos: &mut usize) -> R<u64> {
    let mut v = 0u64;
    let mut shift = 0u32;
    for (k, &byte) in b.get(*pos..).unwrap_or(&[]).iter().take(10).enumerate() {
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            *pos += k + 1;
            return Ok(v);
        }
        shift += 7;
    }
    Err(if b.len() - (*pos).min(b.len()) >= 10 {
        "a varint is longer than 10 bytes".into()
    } else {
        "a varint runs past the end of its message".into()
    })
}

#[inline]
fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// One field's value.
#[derive(Clone, Copy)]
enum Val<'a> {
    Int(u64),
    Bytes(&'a [u8]),
    /// A fixed-width value; no field read here has one.
    Fixed,
}

/// The fields of a message, in order.
struct Fields<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Fields<'a> {
    fn new(b: &'a [u8]) -> Self {
        Fields { b, pos: 0 }
    }

    #[inline]
    fn next(&mut self) -> R<Option<(u32, Val<'a>)>> {
        if self.pos >= self.b.len() {
            return Ok(None);
        }
        let key = varint(self.b, &mut self.pos)?;
        let field = u32::try_from(key >> 3).map_err(|_| "field number out of range".to_string())?;
        if field == 0 {
            return Err("field number 0".into());
        }
        let val = match key & 7 {
            0 => Val::Int(varint(self.b, &mut self.pos)?),
            1 | 5 => {
                let n = if key & 7 == 1 { 8 } else { 4 };
                self.skip(n)?;
                Val::Fixed
            }
            2 => {
                let n = varint(self.b, &mut self.pos)?;
                let n = usize::try_from(n).map_err(|_| "length out of range".to_string())?;
                let start = self.pos;
                self.skip(n)?;
                Val::Bytes(&self.b[start..self.pos])
            }
            w => return Err(format!("unsupported wire type {w} in field {field}")),
        };
        Ok(Some((field, val)))
    }

    fn skip(&mut self, n: usize) -> R<()> {
        match self.pos.checked_add(n) {
            Some(end) if end <= self.b.len() => {
                self.pos = end;
                Ok(())
            }
            _ => Err("a field runs past the end of its message".into()),
        }
    }
}

fn int(field: u32, v: Val) -> R<u64> {
    match v {
        Val::Int(x) => Ok(x),
        _ => Err(format!("field {field}: expected an integer")),
    }
}

fn bytes(field: u32, v: Val<'_>) -> R<&[u8]> {
    match v {
        Val::Bytes(b) => Ok(b),
        _ => Err(format!("field {field}: expected bytes")),
    }
}

/// A repeated integer field as packed varint bytes: the slice itself when it
/// came in one packed part (the usual case), else the parts concatenated
/// (packed parts concatenate byte for byte; unpacked values are re-encoded).
#[derive(Default)]
struct Repeated<'a>(Option<Cow<'a, [u8]>>);

impl<'a> Repeated<'a> {
    fn push(&mut self, field: u32, v: Val<'a>) -> R<()> {
        match (v, &mut self.0) {
            (Val::Bytes(b), None) => self.0 = Some(Cow::Borrowed(b)),
            (Val::Bytes(b), Some(c)) => c.to_mut().extend_from_slice(b),
            (Val::Int(x), c) => {
                let mut buf = Vec::new();
                let mut x = x;
                while x >= 0x80 {
                    buf.push((x as u8) | 0x80);
                    x >>= 7;
                }
                buf.push(x as u8);
                match c {
                    None => self.0 = Some(Cow::Owned(buf)),
                    Some(c) => c.to_mut().extend_from_slice(&buf),
                }
            }
            (Val::Fixed, _) => return Err(format!("field {field}: expected integers")),
        }
        Ok(())
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_deref().unwrap_or(&[])
    }
}

/// The number of varints in packed bytes (each ends with a byte below 0x80);
/// an error when the last one is cut.
fn count_varints(b: &[u8]) -> R<usize> {
    if b.last().is_some_and(|&x| x >= 0x80) {
        return Err("a packed array ends inside a varint".into());
    }
    Ok(b.iter().filter(|&&x| x < 0x80).count())
}

/// Iterates the varints of packed bytes.
struct Varints<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Varints<'a> {
    fn new(b: &'a [u8]) -> Self {
        Varints { b, pos: 0 }
    }

    #[inline(always)]
    fn next(&mut self) -> R<Option<u64>> {
        if self.pos >= self.b.len() {
            return Ok(None);
        }
        varint(self.b, &mut self.pos).map(Some)
    }
}

/// A blob as stored in the file, with its payload still compressed.
pub(crate) struct RawBlob<'a> {
    /// `OSMHeader`, `OSMData` or anything else (skipped).
    pub kind: &'a [u8],
    raw: Option<&'a [u8]>,
    zlib: Option<&'a [u8]>,
    raw_size: Option<usize>,
    other_compression: Option<&'static str>,
}

/// Splits `b` (a whole blob from its 4-byte length to its end) into its
/// header and payload.
pub(crate) fn parse_blob(b: &[u8]) -> R<RawBlob<'_>> {
    let len4: [u8; 4] = b
        .get(..4)
        .and_then(|s| s.try_into().ok())
        .ok_or("truncated blob header length")?;
    let hlen = u32::from_be_bytes(len4) as usize;
    if hlen >= MAX_HEADER_BYTES {
        return Err(format!("blob header of {hlen} bytes is too big"));
    }
    let header = b.get(4..4 + hlen).ok_or("truncated blob header")?;
    let (mut kind, mut datasize) = (None, None);
    let mut f = Fields::new(header);
    while let Some((field, v)) = f.next()? {
        match field {
            1 => kind = Some(bytes(field, v)?),
            3 => datasize = Some(int(field, v)? as i32),
            _ => {}
        }
    }
    let kind = kind.ok_or("blob header without a type")?;
    let datasize = datasize.ok_or("blob header without a data size")?;
    let datasize = usize::try_from(datasize).map_err(|_| "negative blob size".to_string())?;
    let data = b
        .get(4 + hlen..)
        .and_then(|d| d.get(..datasize))
        .ok_or("truncated blob: the file ends inside it")?;
    let mut out = RawBlob {
        kind,
        raw: None,
        zlib: None,
        raw_size: None,
        other_compression: None,
    };
    let mut f = Fields::new(data);
    while let Some((field, v)) = f.next()? {
        match field {
            1 => out.raw = Some(bytes(field, v)?),
            2 => out.raw_size = Some(int(field, v)? as i32 as usize),
            3 => out.zlib = Some(bytes(field, v)?),
            4 => out.other_compression = Some("lzma"),
            5 => out.other_compression = Some("bzip2"),
            6 => out.other_compression = Some("lz4"),
            7 => out.other_compression = Some("zstd"),
            _ => {}
        }
    }
    Ok(out)
}

thread_local! {
    /// Each worker inflates into its own buffer, reused from blob to blob.
    static INFLATED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Frees the inflation buffers of the current rayon pool's threads (each
/// holds up to the largest blob seen, 32 MiB at worst).
pub(crate) fn release_buffers() {
    rayon::broadcast(|_| INFLATED.with(|b| *b.borrow_mut() = Vec::new()));
}

/// Runs `f` on the blob's uncompressed payload.
pub(crate) fn with_payload<T>(blob: &RawBlob, f: impl FnOnce(&[u8]) -> R<T>) -> R<T> {
    if let Some(raw) = blob.raw {
        if raw.len() >= MAX_BLOB_BYTES {
            return Err(format!("blob of {} bytes is too big", raw.len()));
        }
        return f(raw);
    }
    let Some(z) = blob.zlib else {
        return Err(match blob.other_compression {
            Some(c) => format!("{c} compression is not supported (only zlib)"),
            None => "empty blob".into(),
        });
    };
    INFLATED.with(|cell| {
        let mut buf = cell.borrow_mut();
        inflate(z, blob.raw_size, &mut buf)?;
        f(&buf)
    })
}

/// Inflates a zlib stream into `out` (cleared first), at most
/// [`MAX_BLOB_BYTES`]; the stream's checksum is verified.
fn inflate(z: &[u8], raw_size: Option<usize>, out: &mut Vec<u8>) -> R<()> {
    out.clear();
    out.reserve(raw_size.unwrap_or(z.len() * 4).min(MAX_BLOB_BYTES));
    let mut d = Decompress::new(true);
    loop {
        if out.len() == out.capacity() {
            if out.len() >= MAX_BLOB_BYTES {
                return Err("inflated blob is bigger than 32 MiB".into());
            }
            out.reserve(out.len().max(64 * 1024).min(MAX_BLOB_BYTES - out.len()));
        }
        let before = (d.total_in(), d.total_out());
        let input = z.get(before.0 as usize..).unwrap_or(&[]);
        let status = d
            .decompress_vec(input, out, FlushDecompress::Finish)
            .map_err(|e| format!("zlib: {e}"))?;
        if status == Status::StreamEnd {
            return Ok(());
        }
        // No progress with room left: the stream is cut short.
        if (d.total_in(), d.total_out()) == before && out.len() < out.capacity() {
            return Err("zlib: the compressed data is truncated".into());
        }
    }
}

/// A `PrimitiveBlock`'s string table, groups and coordinate scales.
pub(crate) struct Block<'a> {
    pub strings: Vec<&'a [u8]>,
    groups: Vec<&'a [u8]>,
    /// Nanodegrees per coordinate unit (default 100).
    granularity: i64,
    /// Milliseconds per timestamp unit (default 1000).
    pub date_granularity: i64,
    lat_offset: i64,
    lon_offset: i64,
}

/// Reads a `PrimitiveBlock`'s top level.
pub(crate) fn parse_block(b: &[u8]) -> R<Block<'_>> {
    let mut out = Block {
        strings: Vec::new(),
        groups: Vec::new(),
        granularity: 100,
        date_granularity: 1000,
        lat_offset: 0,
        lon_offset: 0,
    };
    let mut has_table = false;
    let mut f = Fields::new(b);
    while let Some((field, v)) = f.next()? {
        match field {
            1 => {
                has_table = true;
                let mut s = Fields::new(bytes(field, v)?);
                while let Some((sf, sv)) = s.next()? {
                    if sf == 1 {
                        out.strings.push(bytes(sf, sv)?);
                    }
                }
            }
            2 => out.groups.push(bytes(field, v)?),
            17 => out.granularity = i64::from(int(field, v)? as i32),
            18 => out.date_granularity = i64::from(int(field, v)? as i32),
            19 => out.lat_offset = int(field, v)? as i64,
            20 => out.lon_offset = int(field, v)? as i64,
            _ => {}
        }
    }
    if !has_table {
        return Err("data block without a string table".into());
    }
    Ok(out)
}

/// What kinds of elements a block holds.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Kinds {
    pub nodes: bool,
    pub ways_or_relations: bool,
}

impl Block<'_> {
    /// Which kinds of elements the block holds, without reading them.
    pub fn kinds(&self) -> R<Kinds> {
        let mut k = Kinds::default();
        for g in &self.groups {
            let mut f = Fields::new(g);
            while let Some((field, v)) = f.next()? {
                match field {
                    1 => k.nodes = true,
                    2 => {
                        // Dense nodes count when they have ids.
                        let mut d = Fields::new(bytes(field, v)?);
                        while let Some((df, dv)) = d.next()? {
                            if df == 1 && !matches!(dv, Val::Bytes([])) {
                                k.nodes = true;
                            }
                        }
                    }
                    3 | 4 => k.ways_or_relations = true,
                    _ => {}
                }
            }
        }
        Ok(k)
    }

    /// String-table entry `i` as text; `None` when out of range or not UTF-8.
    pub fn str(&self, i: u32) -> Option<&str> {
        self.strings
            .get(i as usize)
            .and_then(|s| std::str::from_utf8(s).ok())
    }

    /// Calls `f` for every relation with its timestamp (ms since the
    /// epoch) when it has one.
    pub fn for_each_relation_time(&self, mut f: impl FnMut(Option<i64>)) -> R<()> {
        for g in &self.groups {
            let mut gf = Fields::new(g);
            while let Some((field, v)) = gf.next()? {
                if field != 4 {
                    continue;
                }
                let mut info_ts = None;
                let mut has_id = false;
                let mut rf = Fields::new(bytes(field, v)?);
                while let Some((f2, v2)) = rf.next()? {
                    match f2 {
                        1 => {
                            int(f2, v2)?;
                            has_id = true;
                        }
                        4 => info_ts = info_timestamp(bytes(f2, v2)?, info_ts)?,
                        _ => {}
                    }
                }
                if !has_id {
                    return Err("relation without an id".into());
                }
                f(info_ts.map(|t: i64| t.wrapping_mul(self.date_granularity)));
            }
        }
        Ok(())
    }

    /// Calls `f` for every way, in file order. With `times` false the
    /// timestamps are not read and are `None`.
    pub fn for_each_way<'s>(&'s self, times: bool, mut f: impl FnMut(&WayRef<'s>) -> R<()>) -> R<()> {
        let mut w = WayRef {
            id: 0,
            keys: Vec::new(),
            vals: Vec::new(),
            refs: Repeated::default(),
            milli_timestamp: None,
        };
        for g in &self.groups {
            let mut gf = Fields::new(g);
            while let Some((field, v)) = gf.next()? {
                if field != 3 {
                    continue;
                }
                let mut id = None;
                let (mut keys, mut vals) = (Repeated::default(), Repeated::default());
                w.refs = Repeated::default();
                let mut info_ts = None;
                let mut wf = Fields::new(bytes(field, v)?);
                while let Some((f2, v2)) = wf.next()? {
                    match f2 {
                        1 => id = Some(int(f2, v2)? as i64),
                        2 => keys.push(f2, v2)?,
                        3 => vals.push(f2, v2)?,
                        4 if times => info_ts = info_timestamp(bytes(f2, v2)?, info_ts)?,
                        8 => w.refs.push(f2, v2)?,
                        _ => {}
                    }
                }
                w.id = id.ok_or("way without an id")?;
                unpack_u32(keys.bytes(), &mut w.keys)?;
                unpack_u32(vals.bytes(), &mut w.vals)?;
                w.milli_timestamp = info_ts.map(|t| t.wrapping_mul(self.date_granularity));
                f(&w)?;
            }
        }
        Ok(())
    }

    /// Calls `f(id, lon, lat, milliseconds)` for every node (positions in
    /// 1e-7°), plain nodes then dense nodes within each group, as `osmpbf`'s
    /// `for_each_element`. With `times` false the timestamps are not read
    /// and `None` is passed.
    pub fn for_each_node(&self, times: bool, mut f: impl FnMut(i64, i32, i32, Option<i64>)) -> R<()> {
        for g in &self.groups {
            let mut gf = Fields::new(g);
            while let Some((field, v)) = gf.next()? {
                if field == 1 {
                    self.plain_node(bytes(field, v)?, times, &mut f)?;
                }
            }
            let mut dense: Option<Cow<[u8]>> = None;
            let mut gf = Fields::new(g);
            while let Some((field, v)) = gf.next()? {
                if field == 2 {
                    // Several `dense` fields merge into one message: their
                    // bytes concatenate.
                    let b = bytes(field, v)?;
                    match &mut dense {
                        None => dense = Some(Cow::Borrowed(b)),
                        Some(d) => d.to_mut().extend_from_slice(b),
                    }
                }
            }
            if let Some(d) = dense {
                self.dense_nodes(&d, times, &mut f)?;
            }
        }
        Ok(())
    }

    fn position(&self, lon: i64, lat: i64) -> (i32, i32) {
        let lon = self.lon_offset.wrapping_add(self.granularity.wrapping_mul(lon)) / 100;
        let lat = self.lat_offset.wrapping_add(self.granularity.wrapping_mul(lat)) / 100;
        (lon as i32, lat as i32)
    }

    fn plain_node(&self, b: &[u8], times: bool, f: &mut impl FnMut(i64, i32, i32, Option<i64>)) -> R<()> {
        let (mut id, mut lat, mut lon, mut ts) = (None, None, None, None);
        let mut nf = Fields::new(b);
        while let Some((field, v)) = nf.next()? {
            match field {
                1 => id = Some(unzigzag(int(field, v)?)),
                4 if times => ts = info_timestamp(bytes(field, v)?, ts)?,
                8 => lat = Some(unzigzag(int(field, v)?)),
                9 => lon = Some(unzigzag(int(field, v)?)),
                _ => {}
            }
        }
        let (Some(id), Some(lat), Some(lon)) = (id, lat, lon) else {
            return Err("node without an id, a latitude or a longitude".into());
        };
        let (x, y) = self.position(lon, lat);
        f(id, x, y, ts.map(|t| t.wrapping_mul(self.date_granularity)));
        Ok(())
    }

    fn dense_nodes(&self, b: &[u8], times: bool, f: &mut impl FnMut(i64, i32, i32, Option<i64>)) -> R<()> {
        let (mut ids, mut lats, mut lons) = (Repeated::default(), Repeated::default(), Repeated::default());
        let mut info: Option<Cow<[u8]>> = None;
        let mut df = Fields::new(b);
        while let Some((field, v)) = df.next()? {
            match field {
                1 => ids.push(field, v)?,
                5 => {
                    let b = bytes(field, v)?;
                    match &mut info {
                        None => info = Some(Cow::Borrowed(b)),
                        Some(d) => d.to_mut().extend_from_slice(b),
                    }
                }
                8 => lats.push(field, v)?,
                9 => lons.push(field, v)?,
                _ => {}
            }
        }
        // A node has a timestamp when all five info arrays reach it (as in
        // `osmpbf`'s DenseNodeInfoIter); only the timestamps are decoded.
        let mut stamps = Repeated::default();
        let mut with_info = 0usize;
        if times && let Some(info) = &info {
            let mut parts: [Repeated; 5] = Default::default();
            let mut inf = Fields::new(info);
            while let Some((field, v)) = inf.next()? {
                if (1..=5).contains(&field) {
                    parts[field as usize - 1].push(field, v)?;
                }
            }
            with_info = usize::MAX;
            for p in &parts {
                with_info = with_info.min(count_varints(p.bytes())?);
            }
            stamps = std::mem::take(&mut parts[1]);
        }
        for part in [&ids, &lats, &lons] {
            count_varints(part.bytes())?;
        }
        let (mut ids, mut lats, mut lons) = (
            Varints::new(ids.bytes()),
            Varints::new(lats.bytes()),
            Varints::new(lons.bytes()),
        );
        let mut stamps = Varints::new(stamps.bytes());
        let (mut id, mut lat, mut lon, mut ts) = (0i64, 0i64, 0i64, 0i64);
        let mut k = 0usize;
        while let (Some(d), Some(a), Some(o)) = (ids.next()?, lats.next()?, lons.next()?) {
            id = id.wrapping_add(unzigzag(d));
            lat = lat.wrapping_add(unzigzag(a));
            lon = lon.wrapping_add(unzigzag(o));
            let ms = if k < with_info {
                let d = stamps.next()?.ok_or("dense timestamps end early")?;
                ts = ts.wrapping_add(unzigzag(d));
                Some(ts.wrapping_mul(self.date_granularity))
            } else {
                None
            };
            k += 1;
            let (x, y) = self.position(lon, lat);
            f(id, x, y, ms);
        }
        Ok(())
    }
}

/// A way as [`Block::for_each_way`] hands it over.
pub(crate) struct WayRef<'a> {
    pub id: i64,
    /// String-table indices of the tags' keys and values.
    pub keys: Vec<u32>,
    pub vals: Vec<u32>,
    refs: Repeated<'a>,
    /// Last edit, ms since the epoch.
    pub milli_timestamp: Option<i64>,
}

impl WayRef<'_> {
    /// The number of node references.
    pub fn ref_count(&self) -> R<usize> {
        count_varints(self.refs.bytes())
    }

    /// Appends the node ids (delta-decoded, overflow checked) to `out`.
    pub fn refs_into(&self, out: &mut Vec<i64>) -> R<()> {
        let mut it = Varints::new(self.refs.bytes());
        let mut cur: i64 = 0;
        while let Some(d) = it.next()? {
            cur = cur.checked_add(unzigzag(d)).ok_or("node reference overflows")?;
            out.push(cur);
        }
        Ok(())
    }
}

fn unpack_u32(b: &[u8], out: &mut Vec<u32>) -> R<()> {
    out.clear();
    let mut it = Varints::new(b);
    while let Some(v) = it.next()? {
        out.push(v as u32);
    }
    Ok(())
}

/// The `timestamp` of an `Info` message, or `prev` when it has none (a
/// repeated `Info` merges, its last timestamp winning).
fn info_timestamp(b: &[u8], prev: Option<i64>) -> R<Option<i64>> {
    let mut ts = prev;
    let mut f = Fields::new(b);
    while let Some((field, v)) = f.next()? {
        if field == 2 {
            ts = Some(int(field, v)? as i64);
        }
    }
    Ok(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_bad_ends() {
        let mut pos = 0;
        assert_eq!(varint(&[0xac, 0x02], &mut pos), Ok(300));
        assert_eq!(pos, 2);
        assert!(varint(&[0xac], &mut 0).is_err());
        assert!(varint(&[0xff; 11], &mut 0).is_err());
        assert_eq!(unzigzag(3), -2);
        assert_eq!(unzigzag(4), 2);
        assert_eq!(count_varints(&[0x01, 0xac, 0x02]), Ok(2));
        assert!(count_varints(&[0x01, 0xac]).is_err());
        // A length past the end, a field number 0, a group wire type.
        assert!(Fields::new(&[0x0a, 0x05, 0x01]).next().is_err());
        assert!(Fields::new(&[0x00, 0x01]).next().is_err());
        assert!(Fields::new(&[0x0b]).next().is_err());
    }

    #[test]
    fn split_and_unpacked_repeated_fields_concatenate() {
        // refs field 8: packed [1, 2] then unpacked 3, as protobuf merges.
        let mut r = Repeated::default();
        r.push(8, Val::Bytes(&[0x01, 0x02])).unwrap();
        r.push(8, Val::Int(300)).unwrap();
        assert_eq!(r.bytes(), &[0x01, 0x02, 0xac, 0x02]);
    }

    #[test]
    fn blob_framing_errors() {
        assert!(parse_blob(&[0, 0]).is_err());
        assert!(parse_blob(&[0, 0, 0, 9, 1]).is_err());
        // A header without a data size.
        assert!(parse_blob(&[0, 0, 0, 3, 0x0a, 0x01, b'x']).is_err());
        // Data size 5 with 1 byte left.
        assert!(parse_blob(&[0, 0, 0, 5, 0x0a, 0x01, b'x', 0x18, 0x05, 0x00]).is_err());
    }
}
