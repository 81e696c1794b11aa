//! Text-table plumbing shared by every facility loader: encoding detection
//! (UTF-8 with or without BOM, Latin-1 / Windows-1252), delimiter detection
//! among `,` `;` and tab, and a header-indexed table whose rows remember their
//! line number so that every error can name file, line and field.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// How the bytes of a text file are turned into text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 when the bytes are valid UTF-8, Windows-1252 (a superset of
    /// printable Latin-1) otherwise. French text in Latin-1 is practically
    /// never valid UTF-8, so the guess is safe.
    #[default]
    Auto,
    /// UTF-8 only: invalid bytes are an error naming line and column.
    Utf8,
    /// Latin-1, read as Windows-1252 (what the FINESS extract is written in).
    Latin1,
}

/// The encoding a file was actually read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetectedEncoding {
    /// UTF-8 (a byte-order mark, if any, was dropped).
    Utf8,
    /// Latin-1 / Windows-1252, decoded.
    Latin1,
}

/// Windows-1252 code points for bytes 0x80..=0x9F (undefined bytes map to
/// their Latin-1 control character, as browsers do).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}',
    '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

fn decode_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// Decodes a whole file. A UTF-8 byte-order mark is always dropped.
pub fn decode(path: &Path, bytes: &[u8], encoding: Encoding) -> Result<(String, DetectedEncoding)> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match encoding {
        Encoding::Latin1 => Ok((decode_cp1252(body), DetectedEncoding::Latin1)),
        Encoding::Auto => match std::str::from_utf8(body) {
            Ok(s) => Ok((s.to_owned(), DetectedEncoding::Utf8)),
            Err(_) => Ok((decode_cp1252(body), DetectedEncoding::Latin1)),
        },
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(s) => Ok((s.to_owned(), DetectedEncoding::Utf8)),
            Err(e) => {
                let at = e.valid_up_to();
                let before = &body[..at];
                let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
                let column = at - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
                Err(Error::field(
                    path,
                    line,
                    "encoding",
                    format!(
                        "not UTF-8: byte 0x{:02X} at column {column}; the file looks Latin-1 / \
                         Windows-1252 (re-save it as UTF-8, or read it as Latin-1)",
                        body[at]
                    ),
                ))
            }
        },
    }
}

/// Which field delimiter a table uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    /// Detected from the header and the first rows among `,` `;` and tab.
    Auto,
    /// This byte.
    Fixed(u8),
}

/// Candidates for [`Delimiter::Auto`], in order of preference on a tie.
const CANDIDATES: [u8; 3] = [b';', b',', b'\t'];

fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_owned(),
        _ => format!("`{}`", char::from(d)),
    }
}

/// A parsed delimited table: trimmed header names and rows of strings, each
/// with its 1-based line number in the file (the header is line 1).
#[derive(Debug)]
pub struct Table {
    /// File the table was read from (for error messages).
    pub path: PathBuf,
    /// Column names, trimmed.
    pub headers: Vec<String>,
    /// Data rows with their line numbers.
    pub rows: Vec<(u64, Vec<String>)>,
    /// Delimiter used.
    pub delimiter: u8,
}

fn parse_with(path: &Path, text: &str, delimiter: u8, limit: Option<usize>) -> Result<Table> {
    // The csv crate counts a CRLF record's line one short (the record starts
    // before the `\n` of the previous terminator), so lines are unified first.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::field(path, line, "(record)", format!("malformed CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue; // blank line (a trailing CRLF, an empty spreadsheet row)
        }
        let fields: Vec<String> = record.iter().map(|f| f.trim().to_owned()).collect();
        match &headers {
            None => headers = Some(fields),
            Some(h) => {
                if fields.len() != h.len() {
                    return Err(Error::field(
                        path,
                        line,
                        "(record)",
                        format!(
                            "{} fields where the header has {} (delimiter {})",
                            fields.len(),
                            h.len(),
                            delimiter_name(delimiter)
                        ),
                    ));
                }
                rows.push((line, fields));
                if limit.is_some_and(|l| rows.len() >= l) {
                    break;
                }
            }
        }
    }
    let headers = headers.ok_or_else(|| Error::format(path, "empty file: no header line"))?;
    Ok(Table {
        path: path.to_path_buf(),
        headers,
        rows,
        delimiter,
    })
}

/// Parses decoded text into a [`Table`]. An empty file, or one with a header
/// and no data row, is an error naming the file.
pub fn read_table(path: &Path, text: &str, delimiter: Delimiter) -> Result<Table> {
    if text.trim().is_empty() {
        return Err(Error::format(path, "empty file"));
    }
    let delimiter = match delimiter {
        Delimiter::Fixed(d) => d,
        Delimiter::Auto => detect_delimiter(path, text)?,
    };
    let table = parse_with(path, text, delimiter, None)?;
    if table.rows.is_empty() {
        return Err(Error::format(path, "no data rows after the header"));
    }
    Ok(table)
}

/// Picks the candidate that splits the header into the most fields while
/// giving every one of the first rows the same number of fields.
fn detect_delimiter(path: &Path, text: &str) -> Result<u8> {
    let mut best: Option<(usize, u8)> = None;
    for &d in &CANDIDATES {
        if let Ok(t) = parse_with(path, text, d, Some(50)) {
            let n = t.headers.len();
            if n >= 2 && best.is_none_or(|(m, _)| n > m) {
                best = Some((n, d));
            }
        }
    }
    best.map(|(_, d)| d).ok_or_else(|| {
        let header = text.lines().next().unwrap_or("");
        Error::format(
            path,
            format!(
                "cannot detect the delimiter: the header line `{}` splits into at most one field \
                 with `,` `;` or tab (or the rows do not have the header's field count)",
                header.chars().take(80).collect::<String>()
            ),
        )
    })
}

impl Table {
    /// Index of a required column (exact name, case-insensitive).
    pub fn column(&self, name: &str) -> Result<usize> {
        self.optional_column(name).ok_or_else(|| {
            let mut message = format!(
                "missing column `{name}`; columns found: {}",
                self.headers
                    .iter()
                    .map(|h| format!("`{h}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let other = CANDIDATES
                .iter()
                .find(|&&d| d != self.delimiter && self.headers[0].contains(char::from(d)));
            if let (1, Some(&d)) = (self.headers.len(), other) {
                message.push_str(&format!(
                    "; the header is one field: the file seems to use {} as delimiter, not {}",
                    delimiter_name(d),
                    delimiter_name(self.delimiter)
                ));
            }
            Error::format(&self.path, message)
        })
    }

    /// Index of an optional column (exact name, case-insensitive).
    pub fn optional_column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// Error about a value of `row` in column `col`.
    pub fn field_error(&self, line: u64, col: usize, message: impl Into<String>) -> Error {
        Error::field(&self.path, line, self.headers[col].clone(), message)
    }

    /// Parses a decimal number; accepts a French decimal comma (`43,32`)
    /// when the table is not comma-delimited.
    pub fn number(&self, line: u64, col: usize, value: &str) -> Result<f64> {
        let v = if self.delimiter != b',' && value.contains(',') && !value.contains('.') {
            value.replacen(',', ".", 1)
        } else {
            value.to_owned()
        };
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| self.field_error(line, col, format!("`{value}` is not a number")))
    }
}

/// Reads and decodes a file (gzip accepted).
pub fn read_text(path: &Path, encoding: Encoding) -> Result<(String, DetectedEncoding)> {
    let bytes = crate::io::read_maybe_gz(path)?;
    decode(path, &bytes, encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1252_decodes_french_letters() {
        assert_eq!(decode_cp1252(b"H\xF4pital \x9Cuvre \x80"), "Hôpital œuvre €");
    }

    #[test]
    fn strict_utf8_names_line_and_column() {
        let e = decode(Path::new("f.csv"), b"a;b\nx;caf\xE9\n", Encoding::Utf8).unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("f.csv:2") && m.contains("0xE9") && m.contains("column 6"),
            "{m}"
        );
    }

    #[test]
    fn delimiter_detection_prefers_consistent_split() {
        let p = Path::new("t.csv");
        assert_eq!(
            read_table(p, "a;b,c\n1;2,3\n", Delimiter::Auto)
                .unwrap()
                .delimiter,
            b';'
        );
        assert_eq!(
            read_table(p, "a\tb\n1\t2\n", Delimiter::Auto).unwrap().delimiter,
            b'\t'
        );
        let e = read_table(p, "a|b\n1|2\n", Delimiter::Auto)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot detect the delimiter"), "{e}");
    }
}
