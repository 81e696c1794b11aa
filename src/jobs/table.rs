//! Long tables (one row per pair or per scenario and commune) encoded as
//! CSV or Parquet: what the matrix and the sweeps write, too large to go
//! through per-row output records.

use std::path::Path;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::matrix::TableFormat;
use crate::error::{Error, Result};
use crate::output::Value;

/// One column of a long table.
#[derive(Debug, Clone)]
pub enum Column<'a> {
    Str(Vec<&'a str>),
    I64(Vec<i64>),
    /// `None` is empty in CSV, null in Parquet.
    F64(Vec<Option<f64>>),
    Bool(Vec<bool>),
}

impl Column<'_> {
    fn len(&self) -> usize {
        match self {
            Column::Str(v) => v.len(),
            Column::I64(v) => v.len(),
            Column::F64(v) => v.len(),
            Column::Bool(v) => v.len(),
        }
    }

    /// Row `k` as CSV text: reals as the shortest decimal that reads back
    /// to the same double.
    fn csv(&self, k: usize) -> String {
        match self {
            // a spreadsheet must not run an id as a formula
            Column::Str(v) => crate::output::neutralise_cell(v[k]).into_owned(),
            Column::I64(v) => v[k].to_string(),
            Column::F64(v) => v[k].map_or(String::new(), |x| Value::Real(x).to_csv()),
            Column::Bool(v) => v[k].to_string(),
        }
    }

    fn parquet_type(&self) -> &'static str {
        match self {
            Column::Str(_) => "required binary {} (STRING)",
            Column::I64(_) => "required int64 {}",
            Column::F64(_) => "optional double {}",
            Column::Bool(_) => "required boolean {}",
        }
    }
}

/// Rows per Parquet row group.
const ROW_GROUP: usize = 1 << 20;

/// Encodes named columns of equal length; `path` names the file in errors.
///
/// # Errors
/// Columns of different lengths; an error of the Parquet encoder.
pub fn encode(columns: &[(&str, Column<'_>)], format: TableFormat, path: &Path) -> Result<Vec<u8>> {
    let n = columns.first().map_or(0, |c| c.1.len());
    if let Some((name, _)) = columns.iter().find(|c| c.1.len() != n) {
        return Err(Error::Invalid(format!(
            "{}: column `{name}` does not have {n} rows",
            path.display()
        )));
    }
    match format {
        TableFormat::Csv => csv(columns, n, path),
        TableFormat::Parquet => parquet(columns, n).map_err(|e| Error::format(path, format!("Parquet: {e}"))),
    }
}

fn csv(columns: &[(&str, Column<'_>)], n: usize, path: &Path) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let err = |e: csv::Error| Error::format(path, e.to_string());
    w.write_record(columns.iter().map(|c| c.0)).map_err(err)?;
    for k in 0..n {
        w.write_record(columns.iter().map(|c| c.1.csv(k))).map_err(err)?;
    }
    w.into_inner().map_err(|e| Error::format(path, e.to_string()))
}

fn parquet(columns: &[(&str, Column<'_>)], n: usize) -> parquet::errors::Result<Vec<u8>> {
    let fields: Vec<String> = columns
        .iter()
        .map(|(name, c)| c.parquet_type().replace("{}", name) + ";")
        .collect();
    let schema = Arc::new(parse_message_type(&format!(
        "message table {{ {} }}",
        fields.join(" ")
    ))?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by("medaccess".into())
            .build(),
    );
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, schema, props)?;
    let mut start = 0;
    while start < n || (n == 0 && start == 0) {
        let end = (start + ROW_GROUP).min(n);
        let mut rg = writer.next_row_group()?;
        let mut k = 0;
        while let Some(mut col) = rg.next_column()? {
            match &columns[k].1 {
                Column::Str(v) => {
                    let vals: Vec<ByteArray> = v[start..end].iter().map(|s| ByteArray::from(*s)).collect();
                    col.typed::<ByteArrayType>().write_batch(&vals, None, None)?;
                }
                Column::I64(v) => {
                    col.typed::<Int64Type>().write_batch(&v[start..end], None, None)?;
                }
                Column::F64(v) => {
                    let def: Vec<i16> = v[start..end].iter().map(|x| x.is_some() as i16).collect();
                    let vals: Vec<f64> = v[start..end].iter().flatten().copied().collect();
                    col.typed::<DoubleType>().write_batch(&vals, Some(&def), None)?;
                }
                Column::Bool(v) => {
                    col.typed::<BoolType>().write_batch(&v[start..end], None, None)?;
                }
            }
            col.close()?;
            k += 1;
        }
        rg.close()?;
        if end >= n {
            break;
        }
        start = end;
    }
    writer.close()?;
    Ok(out)
}
