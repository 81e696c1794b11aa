//! A GeoPackage line layer: its table, CRS, attributes and geometries.
//!
//! A GeoPackage is an SQLite database (OGC 12-128r18). No pure-Rust SQLite
//! reader is well kept, so it is read with `rusqlite` and SQLite compiled
//! in (feature `bundled`: nothing to install). Geometries are decoded here:
//! the GeoPackage binary header (magic `GP`, version, flags, `srs_id`,
//! optional envelope; OGC 12-128r18 §2.1.3) followed by ISO WKB (OGC
//! 06-103r4), LineString or MultiLineString, 2D, Z, M or ZM — twenty lines
//! that spare a geometry crate.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::ign::{Attrs, Value};
use crate::error::{Error, Result};

/// An open feature table.
pub(crate) struct Layer {
    conn: Connection,
    table: String,
    geom_col: String,
    /// Every column but the geometry's.
    pub columns: Vec<String>,
    /// The EPSG code of its CRS, when the CRS is an EPSG one.
    pub epsg: Option<u32>,
    /// The CRS's name as the file gives it.
    pub srs_name: String,
    /// When the table last changed (`gpkg_contents.last_change`, ISO 8601).
    pub last_change: Option<String>,
}

fn quote(id: &str) -> String {
    format!("\"{}\"", id.replace('"', "\"\""))
}

/// Opens the feature table of `path` whose name is one of `preferred`
/// (case-insensitive), else its only feature table.
pub(crate) fn open_layer(path: &Path, preferred: &[&str]) -> Result<Layer> {
    let bad = |e: rusqlite::Error| Error::format(path, format!("not a readable GeoPackage: {e}"));
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(bad)?;
    let tables: Vec<String> = conn
        .prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(bad)?;
    let table = tables
        .iter()
        .find(|t| preferred.iter().any(|p| t.eq_ignore_ascii_case(p)))
        .or(if tables.len() == 1 { tables.first() } else { None })
        .cloned()
        .ok_or_else(|| {
            Error::format(
                path,
                format!(
                    "no road section table ({}) among the feature tables: {}",
                    preferred.join(", "),
                    if tables.is_empty() {
                        "none".into()
                    } else {
                        tables.join(", ")
                    }
                ),
            )
        })?;
    let (geom_col, srs_id): (String, i64) = conn
        .query_row(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
            [&table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(bad)?;
    let (srs_name, org, code): (String, String, i64) = conn
        .query_row(
            "SELECT srs_name, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(bad)?;
    let epsg = (org.eq_ignore_ascii_case("EPSG") && code > 0).then_some(code as u32);
    let columns: Vec<String> = conn
        .prepare(&format!("PRAGMA table_info({})", quote(&table)))
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(1))?.collect())
        .map_err(bad)?;
    let columns = columns.into_iter().filter(|c| *c != geom_col).collect();
    let last_change: Option<String> = conn
        .query_row(
            "SELECT last_change FROM gpkg_contents WHERE table_name = ?1",
            [&table],
            |r| r.get(0),
        )
        .ok();
    Ok(Layer {
        conn,
        table,
        geom_col,
        columns,
        epsg,
        srs_name,
        last_change,
    })
}

/// Calls `f(record, attributes, parts)` for every row in `rowid` order;
/// `parts` (in the layer's CRS) is `None` for an empty geometry.
pub(crate) fn for_each_row(
    path: &Path,
    layer: &Layer,
    mut f: impl FnMut(u64, Attrs, Option<Vec<Vec<[f64; 2]>>>) -> Result<()>,
) -> Result<()> {
    let bad = |e: rusqlite::Error| Error::format(path, format!("not a readable GeoPackage: {e}"));
    let mut stmt = layer
        .conn
        .prepare(&format!("SELECT * FROM {} ORDER BY rowid", quote(&layer.table)))
        .map_err(bad)?;
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let mut rows = stmt.query([]).map_err(bad)?;
    let mut rec = 0u64;
    while let Some(row) = rows.next().map_err(bad)? {
        rec += 1;
        let mut attrs = Vec::with_capacity(names.len());
        let mut parts = None;
        for (i, name) in names.iter().enumerate() {
            let v = row.get_ref(i).map_err(bad)?;
            if *name == layer.geom_col {
                if let ValueRef::Blob(b) = v {
                    parts = geometry(b)
                        .map_err(|m| Error::field(path, rec, name.as_str(), format!("record {rec}: {m}")))?;
                }
                continue;
            }
            let value = match v {
                ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                ValueRef::Integer(x) => Value::Num(x as f64),
                ValueRef::Real(x) => Value::Num(x),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            };
            attrs.push((name.to_lowercase(), value));
        }
        f(rec, Attrs(attrs), parts)?;
    }
    Ok(())
}

/// Decodes a GeoPackage geometry blob into line parts; `None` when empty.
///
/// # Examples
/// A little-endian 2D LineString of two points, without envelope:
/// ```text
/// 47 50 00 01 | e6 10 00 00 | 01 02 00 00 00 02 00 00 00 | 4 × f64
/// ```
pub(crate) fn geometry(b: &[u8]) -> std::result::Result<Option<Vec<Vec<[f64; 2]>>>, String> {
    if b.len() < 8 || &b[..2] != b"GP" {
        return Err("not a GeoPackage geometry (no `GP` header)".into());
    }
    let flags = b[3];
    let envelope = match (flags >> 1) & 7 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("bad envelope code {e} in the geometry header")),
    };
    if flags & 0x10 != 0 {
        return Ok(None);
    }
    let wkb = b.get(8 + envelope..).ok_or("geometry truncated")?;
    let mut r = Wkb {
        b: wkb,
        pos: 0,
        le: true,
    };
    let mut parts = Vec::new();
    r.geometry(&mut parts, 0)?;
    Ok(Some(parts))
}

/// A bounds-checked WKB reader.
struct Wkb<'a> {
    b: &'a [u8],
    pos: usize,
    le: bool,
}

impl Wkb<'_> {
    fn take<const N: usize>(&mut self) -> std::result::Result<[u8; N], String> {
        let s = self.b.get(self.pos..self.pos + N).ok_or("geometry truncated")?;
        self.pos += N;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    fn u32(&mut self) -> std::result::Result<u32, String> {
        let a = self.take::<4>()?;
        Ok(if self.le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
    fn f64(&mut self) -> std::result::Result<f64, String> {
        let a = self.take::<8>()?;
        Ok(if self.le {
            f64::from_le_bytes(a)
        } else {
            f64::from_be_bytes(a)
        })
    }

    fn geometry(&mut self, out: &mut Vec<Vec<[f64; 2]>>, depth: u32) -> std::result::Result<(), String> {
        self.le = match self.take::<1>()?[0] {
            0 => false,
            1 => true,
            o => return Err(format!("bad WKB byte order {o}")),
        };
        let t = self.u32()?;
        // ISO WKB adds 1000 (Z), 2000 (M), 3000 (ZM); EWKB sets high bits.
        let mut dims = 2 + usize::from(t & 0x8000_0000 != 0) + usize::from(t & 0x4000_0000 != 0);
        if t & 0x2000_0000 != 0 {
            self.u32()?;
        }
        let t = t & 0x0fff_ffff;
        dims += match t / 1000 {
            1 | 2 => 1,
            3 => 2,
            _ => 0,
        };
        match (t % 1000, depth) {
            (2, _) => {
                let n = self.u32()? as usize;
                if n.saturating_mul(dims * 8) > self.b.len() - self.pos {
                    return Err(format!("geometry truncated: {n} points announced"));
                }
                let mut pts = Vec::with_capacity(n);
                for _ in 0..n {
                    let (x, y) = (self.f64()?, self.f64()?);
                    for _ in 2..dims {
                        self.f64()?;
                    }
                    if !(x.is_finite() && y.is_finite()) {
                        return Err("a coordinate is not a finite number".into());
                    }
                    pts.push([x, y]);
                }
                out.push(pts);
                Ok(())
            }
            (5, 0) => {
                let n = self.u32()?;
                for _ in 0..n {
                    self.geometry(out, 1)?;
                }
                Ok(())
            }
            (k, _) => Err(format!(
                "a WKB geometry of type {k}, not a LineString or MultiLineString: not road sections"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(wkb: &[u8], flags: u8) -> Vec<u8> {
        let mut b = vec![b'G', b'P', 0, flags];
        b.extend_from_slice(&4326i32.to_le_bytes());
        if flags & 2 != 0 {
            b.extend_from_slice(&[0u8; 32]);
        }
        b.extend_from_slice(wkb);
        b
    }

    #[test]
    fn decodes_lines() {
        let mut w = vec![1u8];
        w.extend_from_slice(&1002u32.to_le_bytes());
        w.extend_from_slice(&2u32.to_le_bytes());
        for v in [1.0f64, 2.0, 9.0, 3.0, 4.0, 9.0] {
            w.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(
            geometry(&blob(&w, 3)).unwrap(),
            Some(vec![vec![[1.0, 2.0], [3.0, 4.0]]])
        );
        // Big-endian MultiLineString holding it.
        let mut m = vec![0u8];
        m.extend_from_slice(&5u32.to_be_bytes());
        m.extend_from_slice(&1u32.to_be_bytes());
        m.push(0);
        m.extend_from_slice(&2u32.to_be_bytes());
        m.extend_from_slice(&2u32.to_be_bytes());
        for v in [1.0f64, 2.0, 3.0, 4.0] {
            m.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(
            geometry(&blob(&m, 0)).unwrap(),
            Some(vec![vec![[1.0, 2.0], [3.0, 4.0]]])
        );
        assert!(geometry(&blob(&w[..20], 1)).unwrap_err().contains("truncated"));
        assert!(geometry(b"XX").is_err());
        assert_eq!(geometry(&blob(&[], 0x11)).unwrap(), None);
        let mut p = vec![1u8];
        p.extend_from_slice(&1u32.to_le_bytes());
        assert!(geometry(&blob(&p, 1)).unwrap_err().contains("type 1"));
    }
}
