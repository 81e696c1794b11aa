//! File helpers shared by every loader and writer: atomic writes through
//! exclusive temporary files (a reader never sees a half-written output, a
//! failed run leaves the previous file untouched, a planted link is never
//! followed, and what killed runs left behind is removed) and transparent
//! gzip reading, of files on disk or of the data compiled into the binary,
//! bounded so that a small file cannot inflate into all the memory of the
//! machine.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Writes `path` atomically: `fill` writes into a [`TempFile`] beside it,
/// which is flushed, synced and renamed over `path` only if `fill` succeeds.
/// On error the temporary file is removed and `path` is left as it was.
/// A link at `path` is replaced, never followed.
pub fn atomic_write<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut File>) -> Result<()>,
{
    let dir = parent_dir(path);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    remove_stale_temporaries(&dir);
    let mut tmp = TempFile::new_for(path)?;
    {
        let mut w = BufWriter::new(tmp.file());
        fill(&mut w)?;
        w.flush().map_err(|e| Error::io(path, e))?;
    }
    tmp.sync()?;
    tmp.persist(path)
}

/// Writes a whole byte buffer atomically.
pub fn atomic_write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    atomic_write(path, |w| w.write_all(bytes).map_err(|e| Error::io(path, e)))
}

/// How many times its own size a gzipped input may inflate to by default.
/// Real inputs stay far below: the commune files inflate 2-3 times, the
/// Corsica link table 8 times, its MATSim XML 14 times.
pub const INFLATE_RATIO: u64 = 50;

/// The default inflation limit is never below this (small files may be
/// very repetitive): 256 MiB.
pub const INFLATE_FLOOR: u64 = 256 << 20;

/// ... nor above this: 8 GiB.
pub const INFLATE_CEILING: u64 = 8 << 30;

/// A limit set by the user (0: the default rule). See [`set_inflate_limit`].
static INFLATE_LIMIT: AtomicU64 = AtomicU64::new(0);

/// Sets the largest number of bytes any gzipped input may inflate to, for
/// the whole process (the `--max-inflate` flag); `None` restores the
/// default rule ([`inflate_limit`]).
pub fn set_inflate_limit(bytes: Option<u64>) {
    INFLATE_LIMIT.store(bytes.unwrap_or(0), Ordering::Relaxed);
}

/// The limit set with [`set_inflate_limit`], if any.
pub fn inflate_limit_set() -> Option<u64> {
    match INFLATE_LIMIT.load(Ordering::Relaxed) {
        0 => None,
        n => Some(n),
    }
}

/// The largest size a gzipped file of `compressed` bytes may inflate to:
/// the limit set with [`set_inflate_limit`], else the environment variable
/// `MEDACCESS_MAX_INFLATE` (a size such as `20G`), else
/// [`INFLATE_RATIO`] times the file, at least [`INFLATE_FLOOR`] and at most
/// [`INFLATE_CEILING`].
pub fn inflate_limit(compressed: u64) -> u64 {
    match INFLATE_LIMIT.load(Ordering::Relaxed) {
        0 => std::env::var("MEDACCESS_MAX_INFLATE")
            .ok()
            .and_then(|v| parse_size(&v).ok())
            .unwrap_or_else(|| default_inflate_limit(compressed)),
        n => n,
    }
}

/// The default rule of [`inflate_limit`].
pub fn default_inflate_limit(compressed: u64) -> u64 {
    compressed
        .saturating_mul(INFLATE_RATIO)
        .clamp(INFLATE_FLOOR, INFLATE_CEILING)
}

/// Parses a byte size: a whole number with an optional unit `K`, `M`, `G`
/// or `T` (powers of 1024; `B`, `iB` and lower case accepted).
///
/// # Examples
/// ```
/// use medaccess::io::parse_size;
/// assert_eq!(parse_size("512M"), Ok(512 << 20));
/// assert_eq!(parse_size("8GiB"), Ok(8 << 30));
/// assert_eq!(parse_size("1000"), Ok(1000));
/// assert!(parse_size("lots").is_err());
/// ```
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size (a whole number, then K, M, G or T)"))?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ => return Err(format!("`{text}`: unknown unit `{unit}` (K, M, G or T)")),
    };
    n.checked_mul(1u64 << shift)
        .filter(|&b| b > 0)
        .ok_or_else(|| format!("`{text}` is not a size between 1 byte and 16 EiB"))
}

/// Whether a gzip decoding error means the data stopped early (a file cut
/// short) rather than bytes being wrong.
fn is_truncation(e: &std::io::Error) -> bool {
    let m = e.to_string();
    e.kind() == std::io::ErrorKind::UnexpectedEof || m.contains("incomplete") || m.contains("unexpected end")
}

/// The error for gzip data that cannot be inflated, telling a truncated
/// file (`inflated` bytes came out before the end) from a corrupt one.
pub fn gzip_error(path: &Path, e: &std::io::Error, inflated: usize) -> Error {
    if is_truncation(e) {
        Error::format(
            path,
            format!(
                "truncated gzip file: the compressed data stops after {inflated} inflated bytes ({e}); \
                 the file was cut short (an interrupted download or copy?): get the whole file again"
            ),
        )
    } else {
        Error::format(
            path,
            format!("corrupt gzip data after {inflated} inflated bytes: {e}; get the file again"),
        )
    }
}

/// The folder of `path` (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// How every temporary file of medaccess ends: `.NAME.PID-N.medaccess-tmp`.
pub const TEMP_SUFFIX: &str = ".medaccess-tmp";

/// A temporary file for an output, beside it.
///
/// Created with `create_new` (`O_CREAT | O_EXCL`), which fails on any
/// existing name, a planted link included, so that it never writes through
/// a link nor truncates someone else's file; its name carries the process
/// id and a counter. It is locked for as long as it lives, so that
/// [`remove_stale_temporaries`] in another run leaves it alone, and removed
/// when dropped unless [`TempFile::persist`] renamed it over its target.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    file: File,
    persisted: bool,
}

impl TempFile {
    /// A new temporary file in the folder of `target` (which must exist).
    pub fn new_for(target: &Path) -> Result<TempFile> {
        let name = target
            .file_name()
            .ok_or_else(|| Error::format(target, "not a file name"))?
            .to_string_lossy()
            .into_owned();
        let dir = parent_dir(target);
        loop {
            let path = dir.join(temp_name(&name));
            match std::fs::OpenOptions::new()
                .write(true)
                .read(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    // Best effort: a file system without locks still has
                    // the process id in the name.
                    let _ = file.try_lock();
                    return Ok(TempFile {
                        path,
                        file,
                        persisted: false,
                    });
                }
                // A stale or planted file of that name: take the next one.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(target, e)),
            }
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open file, to write into.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Flushes the file's data to the disk.
    pub fn sync(&self) -> Result<()> {
        self.file.sync_all().map_err(|e| Error::io(&self.path, e))
    }

    /// Renames it over `target` (a link there is replaced, not followed).
    pub fn persist(mut self, target: &Path) -> Result<()> {
        std::fs::rename(&self.path, target).map_err(|e| Error::io(target, e))?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A name for a temporary file of `target_name` no other live process
/// uses: `.NAME.PID-N.medaccess-tmp` (NAME cut to 80 characters, so that
/// the whole stays a valid file name).
pub fn temp_name(target_name: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let stem: String = target_name.chars().take(80).collect();
    format!(".{stem}.{}-{n}{TEMP_SUFFIX}", std::process::id())
}

/// Removes from `dir` the temporary files that runs killed while writing
/// left behind (`kill -9`, power cut): ours (`…medaccess-tmp`) whose
/// process is gone, or which no process holds locked for an hour, and
/// those of older versions of medaccess (`.NAME.tmpPID`) whose process is
/// gone. Returns the files removed; errors are ignored (a folder that
/// cannot be read is reported by the write that follows).
pub fn remove_stale_temporaries(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let stale = if let Some(rest) = name.strip_suffix(TEMP_SUFFIX) {
            let pid = rest
                .rsplit_once('.')
                .and_then(|(_, pn)| pn.split_once('-'))
                .and_then(|(p, _)| p.parse::<u32>().ok());
            match pid {
                Some(pid) => !process_alive(pid) || unlocked_for_an_hour(&path),
                None => false,
            }
        } else if let Some((_, pid)) = name.rsplit_once(".tmp") {
            !pid.is_empty()
                && pid.bytes().all(|b| b.is_ascii_digit())
                && pid.parse::<u32>().is_ok_and(|p| !process_alive(p))
        } else {
            false
        };
        if stale && std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

/// Whether process `pid` runs (this one always does). Where there is no
/// `/proc` to ask, every process is taken as running.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// A temporary file no process holds locked and last changed more than an
/// hour ago (a process id reused by another program).
fn unlocked_for_an_hour(path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    let old = meta
        .modified()
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|d| d.as_secs() > 3600);
    if !old {
        return false;
    }
    if meta.file_type().is_symlink() {
        return true;
    }
    File::open(path).is_ok_and(|f| f.try_lock().is_ok())
}

/// What tells two paths are one file, through links and hard links: the
/// device and inode on Unix, the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId {
    #[cfg(unix)]
    inode: (u64, u64),
    #[cfg(not(unix))]
    path: PathBuf,
}

impl FileId {
    /// The identity of the file at `path` (following links); `None` when
    /// there is none.
    pub fn of(path: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(path).ok()?;
            Some(FileId {
                inode: (m.dev(), m.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path).ok().map(|path| FileId { path })
        }
    }
}

/// FNV-1a, 64 bits, of `bytes`: a checksum stable across versions and
/// machines (graph files, scenario tags, commune profile tags). Not
/// cryptographic.
///
/// # Examples
/// ```
/// assert_eq!(medaccess::io::fnv1a(b""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(medaccess::io::fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
/// ```
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Reads a whole file, gunzipping it when it starts with the gzip magic.
/// Paths under `embedded:fixtures` are the data compiled into the
/// binary.
///
/// # Errors
/// An unreadable file; gzip data that is truncated or corrupt (the message
/// says which); gzip data inflating to more than [`inflate_limit`].
pub fn read_maybe_gz(path: &Path) -> Result<Vec<u8>> {
    let mut raw = Vec::new();
    match crate::embedded::file(path) {
        Some(bytes) => raw.extend_from_slice(bytes),
        None => {
            File::open(path)
                .and_then(|f| BufReader::new(f).read_to_end(&mut raw))
                .map_err(|e| Error::io(path, e))?;
        }
    }
    if raw.starts_with(&[0x1f, 0x8b]) {
        inflate(path, &raw, inflate_limit(raw.len() as u64))
    } else {
        Ok(raw)
    }
}

/// Inflates gzip data `raw` read from `path`, at most `limit` bytes.
fn inflate(path: &Path, raw: &[u8], limit: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let read = flate2::read::MultiGzDecoder::new(raw)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out);
    if let Err(e) = read {
        return Err(gzip_error(path, &e, out.len()));
    }
    if out.len() as u64 > limit {
        return Err(Error::format(
            path,
            format!(
                "gzip data inflates to more than {limit} bytes ({:.1} times the {} bytes of the file): \
                 a decompression bomb, or an unusually repetitive file; if you trust it, raise the \
                 limit with --max-inflate SIZE (or MEDACCESS_MAX_INFLATE=SIZE), e.g. --max-inflate 16G",
                limit as f64 / raw.len().max(1) as f64,
                raw.len()
            ),
        ));
    }
    Ok(out)
}

/// Whether `path` is a file (on disk or embedded, see [`read_maybe_gz`]).
pub fn exists(path: &Path) -> bool {
    crate::embedded::file(path).is_some() || path.exists()
}

/// Whether `path` is a folder (on disk or of the embedded data).
pub fn is_dir(path: &Path) -> bool {
    crate::embedded::is_dir(path) || path.is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn truncated_gzip_is_called_truncated() {
        let dir = std::env::temp_dir().join(format!("medaccess-io-gz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text: String = (0..5000).map(|i| format!("{i},{}\n", i * 7 % 13)).collect();
        let z = gz(text.as_bytes());
        let p = dir.join("cut.csv.gz");
        std::fs::write(&p, &z[..z.len() / 2]).unwrap();
        let e = read_maybe_gz(&p).unwrap_err().to_string();
        assert!(
            e.contains("cut.csv.gz") && e.contains("truncated gzip file"),
            "{e}"
        );
        std::fs::write(&p, &z).unwrap();
        assert_eq!(read_maybe_gz(&p).unwrap(), text.as_bytes());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn inflate_limit_rule() {
        assert_eq!(default_inflate_limit(1000), INFLATE_FLOOR);
        assert_eq!(default_inflate_limit(100 << 20), 5000 << 20);
        assert_eq!(default_inflate_limit(1 << 30), INFLATE_CEILING);
    }

    #[test]
    fn gzip_bomb_stops_at_the_limit() {
        let z = gz(&vec![b'0'; 4 << 20]);
        let e = inflate(Path::new("bomb.csv.gz"), &z, 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(e.contains("bomb.csv.gz") && e.contains("--max-inflate"), "{e}");
        assert_eq!(inflate(Path::new("b"), &z, 8 << 20).unwrap().len(), 4 << 20);
        // a limit below the file's own size: the ratio is not rounded to 0
        let e = inflate(Path::new("b"), &z, z.len() as u64 / 2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("(0.5 times the"), "{e}");
    }

    fn tmp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("medaccess-io-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn failed_write_keeps_old_file() {
        let dir = tmp_dir("keep");
        let p = dir.join("out.txt");
        atomic_write_bytes(&p, b"old").unwrap();
        let r = atomic_write(&p, |w| {
            w.write_all(b"half").unwrap();
            Err(Error::Invalid("boom".into()))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary file removed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn planted_links_are_never_followed() {
        let dir = tmp_dir("links");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        let out = dir.join("out");
        std::fs::create_dir_all(&out).unwrap();
        // links at the next temporary names and at the output itself
        let target = out.join("a.csv");
        for _ in 0..3 {
            std::os::unix::fs::symlink(&victim, out.join(temp_name("a.csv"))).unwrap();
        }
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        atomic_write_bytes(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(
            !std::fs::symlink_metadata(&target)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let dir = tmp_dir("stale");
        // pid 4194305 is above Linux's largest pid: never alive
        let dead = [".a.geojson.4194305-0.medaccess-tmp", ".a.csv.tmp4194305"];
        let kept = [
            &temp_name("b.csv")[..], // this process: alive
            ".profile",              // not ours
            "a.tmp4194305",          // not hidden: not ours
        ];
        for n in dead.iter().chain(&kept) {
            std::fs::write(dir.join(n), b"x").unwrap();
        }
        let removed = remove_stale_temporaries(&dir);
        assert_eq!(
            removed,
            dead.iter().map(|n| dir.join(n)).rev().collect::<Vec<_>>()
        );
        for n in kept {
            assert!(dir.join(n).exists(), "{n} kept");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
