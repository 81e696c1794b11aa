//! CSV: UTF-8, comma-separated, a header, one row per feature, safe to
//! open in a spreadsheet.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use super::FieldType;
use super::layer::Layer;
use crate::error::{Error, Result};

/// A text cell made safe for spreadsheets (OWASP, "CSV Injection"):
/// control characters escaped as Rust writes them (`\t`, `\r`, `\n`,
/// `\u{1b}`), then a `'` put before a cell that starts with `=`, `+`, `-`
/// or `@`, which a spreadsheet would run as a formula. Only text columns
/// go through it: a negative number in a numeric column stays a number.
///
/// # Examples
/// ```
/// use medaccess::output::neutralise_cell;
/// assert_eq!(neutralise_cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(neutralise_cell("\tCH Pau\r"), "\\tCH Pau\\r");
/// assert_eq!(neutralise_cell("Oloron-Sainte-Marie"), "Oloron-Sainte-Marie");
/// ```
pub fn neutralise_cell(s: &str) -> Cow<'_, str> {
    let mut out: Cow<'_, str> = if s.chars().any(char::is_control) {
        let mut e = String::with_capacity(s.len() + 8);
        for c in s.chars() {
            if c.is_control() {
                e.extend(c.escape_default());
            } else {
                e.push(c);
            }
        }
        Cow::Owned(e)
    } else {
        Cow::Borrowed(s)
    };
    if out.starts_with(['=', '+', '-', '@']) {
        out = Cow::Owned(format!("'{out}"));
    }
    out
}

/// The CSV of a layer's fields into `w` (`path` names the file in errors).
/// A layer with no row and no field writes an empty file.
pub(super) fn csv_into(w: &mut impl Write, path: &Path, layer: &Layer) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let err = |e: csv::Error| Error::format(path, format!("writing CSV: {e}"));
    if !layer.fields.is_empty() {
        out.write_record(layer.fields.iter().map(|f| f.name))
            .map_err(err)?;
    }
    let mut row: Vec<String> = Vec::with_capacity(layer.fields.len());
    for f in &layer.features {
        row.clear();
        for ((_, v), field) in f.properties.iter().zip(&layer.fields) {
            let cell = v.to_csv();
            row.push(match field.kind {
                FieldType::Text => neutralise_cell(&cell).into_owned(),
                _ => cell,
            });
        }
        out.write_record(&row).map_err(err)?;
    }
    out.flush().map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Value;

    #[test]
    fn formulas_are_neutralised_in_text_columns_only() {
        let layer = Layer::table(
            "t",
            vec![
                vec![
                    ("name", Value::Str("=1+1".into())),
                    ("delta_min", Value::Real(-3.5)),
                ],
                vec![
                    ("name", Value::Str("@SUM(A1)\u{7}".into())),
                    ("delta_min", Value::Null(FieldType::Real)),
                ],
                vec![
                    ("name", Value::Str("-2".into())),
                    ("delta_min", Value::Real(f64::INFINITY)),
                ],
            ],
        );
        let mut buf = Vec::new();
        csv_into(&mut buf, Path::new("t.csv"), &layer).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "name,delta_min\n'=1+1,-3.5\n'@SUM(A1)\\u{7},\n'-2,\n"
        );
    }
}
