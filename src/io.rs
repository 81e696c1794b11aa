//! File helpers shared by every loader and writer: atomic writes (a reader
//! never sees a half-written output, and a failed run leaves the previous file
//! untouched) and transparent gzip reading, of files on disk or of the data
//! compiled into the binary.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

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

/// Reads a whole file, gunzipping it when it starts with the gzip magic.
/// Paths under `embedded:fixtures` are the data compiled into the
/// binary.
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
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| Error::format(path, format!("corrupt gzip data: {e}")))?;
        Ok(out)
    } else {
        Ok(raw)
    }
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
