use std::borrow::Borrow;
use std::io::Write;
use std::path::Path;

use super::Record;
use crate::error::{Error, Result};
use crate::io::atomic_write;

/// Writes records as a UTF-8, comma-separated CSV with a header, atomically.
/// All records must have the same keys in the same order.
pub fn write_csv(path: &Path, records: &[Record]) -> Result<()> {
    atomic_write(path, |w| csv_into(w, path, records))
}

/// The CSV of [`write_csv`] into `w` (`path` names the file in errors).
pub(super) fn csv_into<R: Borrow<Record>>(w: &mut impl Write, path: &Path, records: &[R]) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let err = |e: csv::Error| Error::format(path, format!("writing CSV: {e}"));
    if let Some(first) = records.first() {
        out.write_record(first.borrow().iter().map(|(k, _)| *k))
            .map_err(err)?;
    }
    for r in records {
        out.write_record(r.borrow().iter().map(|(_, v)| v.to_csv()))
            .map_err(err)?;
    }
    out.flush().map_err(|e| Error::io(path, e))
}
