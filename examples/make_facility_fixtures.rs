//! Writes the facility fixtures a fresh machine needs, from the shared data:
//!
//! - `fixtures/maternites-drees.csv`: every row (all years) of the DREES
//!   maternity list, only the columns medaccess reads, in the same format
//!   (`;`, UTF-8 with BOM, CRLF) and the same row order;
//! - `fixtures/maternites-positions.csv`: the rows of the Eurostat healthcare
//!   CSV whose FINESS number is a DREES maternity site, only `id`,
//!   `hospital_name`, `lat`, `lon`, values and row order untouched.
//!
//! Both load with the same loaders as the originals.
//!
//! Usage: `cargo run --example make_facility_fixtures [DATA_DIR] [OUT_DIR]`
//! (defaults: `../shared/data` and `fixtures` beside Cargo.toml).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use medaccess::Error;
use medaccess::facilities::finess_id;
use medaccess::io::{atomic_write, read_maybe_gz};

const DREES_COLUMNS: [&str; 8] = [
    "ANNEE", "NOM_MAT", "TYPE", "STATUT", "FI_ET", "COM", "NOMCOM", "ACCTOT",
];
const EUROSTAT_COLUMNS: [&str; 4] = ["id", "hospital_name", "lat", "lon"];

fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args().skip(1);
    let data = args
        .next()
        .map_or_else(|| root.join("../shared/data"), PathBuf::from);
    let out = args.next().map_or_else(|| root.join("fixtures"), PathBuf::from);
    std::fs::create_dir_all(&out)?;

    let drees_in = data.join("maternites-drees/annuaire_maternites_DREES.csv");
    let (rows, ids) = select(&drees_in, b';', &DREES_COLUMNS, |_| true, "FI_ET")?;
    let drees_out = out.join("maternites-drees.csv");
    write(&drees_out, b';', true, &DREES_COLUMNS, &rows)?;
    eprintln!(
        "{}: {} rows, {} sites",
        drees_out.display(),
        rows.len(),
        ids.len()
    );

    let euro_in = data.join("hospitals-eurostat/FR_healthcare_services_2020.csv");
    let keep = |id: &str| finess_id(id).is_ok_and(|id| ids.contains(&id));
    let (rows, _) = select(&euro_in, b',', &EUROSTAT_COLUMNS, keep, "id")?;
    let euro_out = out.join("maternites-positions.csv");
    write(&euro_out, b',', false, &EUROSTAT_COLUMNS, &rows)?;
    eprintln!("{}: {} rows", euro_out.display(), rows.len());
    Ok(())
}

/// Rows of `path` (the given columns, in that order) whose `key` column
/// passes `keep`, and the set of normalised FINESS keys kept.
fn select(
    path: &Path,
    delimiter: u8,
    columns: &[&str],
    keep: impl Fn(&str) -> bool,
    key: &str,
) -> anyhow::Result<(Vec<Vec<String>>, BTreeSet<String>)> {
    let bytes = read_maybe_gz(path)?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(body);
    let headers = reader.headers()?.clone();
    let index = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::format(path, format!("missing column `{name}`")))
    };
    let cols = columns.iter().map(|c| index(c)).collect::<Result<Vec<_>, _>>()?;
    let k = index(key)?;
    let mut rows = Vec::new();
    let mut ids = BTreeSet::new();
    for record in reader.records() {
        let record = record?;
        let id = record.get(k).unwrap_or("");
        if keep(id) {
            if let Ok(norm) = finess_id(id) {
                ids.insert(norm);
            }
            rows.push(
                cols.iter()
                    .map(|&c| record.get(c).unwrap_or("").to_owned())
                    .collect(),
            );
        }
    }
    Ok((rows, ids))
}

fn write(
    path: &Path,
    delimiter: u8,
    bom_crlf: bool,
    header: &[&str],
    rows: &[Vec<String>],
) -> anyhow::Result<()> {
    atomic_write(path, |w| {
        let io = |e: std::io::Error| Error::io(path, e);
        if bom_crlf {
            w.write_all(b"\xEF\xBB\xBF").map_err(io)?;
        }
        let mut csv = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(if bom_crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(w);
        let err = |e: csv::Error| Error::format(path, e.to_string());
        csv.write_record(header).map_err(err)?;
        for r in rows {
            csv.write_record(r).map_err(err)?;
        }
        csv.flush().map_err(io)
    })?;
    Ok(())
}
