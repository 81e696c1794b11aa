//! File helpers shared by every loader and writer: atomic writes (a reader
//! never sees a half-written output, and a failed run leaves the previous file
//! untouched) and transparent gzip reading, of files on disk or of the data
//! compiled into the binary, bounded so that a small file cannot inflate
//! into all the memory of the machine.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Writes `path` atomically: `fill` writes into a temporary file beside it,
/// which is flushed, synced and renamed over `path` only if `fill` succeeds.
/// On error the temporary file is removed and `path` is left as it was.
pub fn atomic_write<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    let tmp = write_temporary(path, fill)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// What fills a file written with [`atomic_write_all`].
pub type Fill<'a> = Box<dyn FnOnce(&mut BufWriter<File>) -> Result<()> + 'a>;

/// A file to write with [`atomic_write_all`]: its path and what fills it.
pub type FileFill<'a> = (PathBuf, Fill<'a>);

/// Writes several files all together or not at all: each is filled into a
/// temporary file beside it; only when every one is filled and synced are
/// they renamed over their paths, in order. On error every temporary file
/// is removed and no path is touched (short of a rename failing halfway,
/// which a full disk cannot cause: the data is already written).
pub fn atomic_write_all(files: Vec<FileFill<'_>>) -> Result<()> {
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let cleanup = |temps: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in temps {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (path, fill) in files {
        if temps.iter().any(|(_, p)| *p == path) {
            cleanup(&temps);
            return Err(Error::format(&path, "written twice by the same run"));
        }
        match write_temporary(&path, fill) {
            Ok(tmp) => temps.push((tmp, path)),
            Err(e) => {
                cleanup(&temps);
                return Err(e);
            }
        }
    }
    for (k, (tmp, path)) in temps.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            cleanup(&temps[k..]);
            return Err(Error::io(path, e));
        }
    }
    Ok(())
}

/// Fills a temporary file beside `path` (creating the folder), flushed and
/// synced; returns its path. On error it is removed.
fn write_temporary<F>(path: &Path, fill: F) -> Result<PathBuf>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let name = path
        .file_name()
        .ok_or_else(|| Error::format(path, "not a file name"))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let file = File::create(&tmp).map_err(|e| Error::io(path, e))?;
        let mut w = BufWriter::new(file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| Error::io(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
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
                "gzip data inflates to more than {limit} bytes ({} times the {} bytes of the file): \
                 a decompression bomb, or an unusually repetitive file; if you trust it, raise the \
                 limit with --max-inflate SIZE (or MEDACCESS_MAX_INFLATE=SIZE), e.g. --max-inflate 16G",
                limit / (raw.len() as u64).max(1),
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
    }

    #[test]
    fn failed_write_keeps_old_file() {
        let dir = std::env::temp_dir().join(format!("medaccess-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
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

    #[test]
    fn all_or_nothing() {
        let dir = std::env::temp_dir().join(format!("medaccess-io-all-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.txt"), dir.join("b.txt"));
        let fill = |text: &'static [u8]| -> Fill<'static> {
            Box::new(move |w| w.write_all(text).map_err(|e| Error::io("x", e)))
        };
        atomic_write_all(vec![(a.clone(), fill(b"a1")), (b.clone(), fill(b"b1"))]).unwrap();
        let failing: Fill<'static> = Box::new(|_| Err(Error::Invalid("boom".into())));
        assert!(atomic_write_all(vec![(a.clone(), fill(b"a2")), (b.clone(), failing)]).is_err());
        // neither file changed, no temporary file left
        assert_eq!(std::fs::read(&a).unwrap(), b"a1");
        assert_eq!(std::fs::read(&b).unwrap(), b"b1");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
