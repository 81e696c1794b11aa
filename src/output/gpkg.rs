//! GeoPackage (OGC 12-128r18, version 1.2): every layer of a run in one
//! SQLite file, as GDAL and QGIS read it. Feature layers have a spatial
//! index (the R*-tree extension), tables are `attributes`, and each styled
//! layer's QGIS style is stored in the `layer_styles` table QGIS itself
//! uses, as the default, so that QGIS opens every layer styled.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, params};

use super::crs::{OutputCrs, Projector};
use super::geojson_out::Geometry;
use super::layer::{GeometryKind, Layer};
use super::qml::qml_text;
use super::{FieldType, Value};
use crate::error::{Error, Result};

/// `PRAGMA application_id`: "GPKG".
const APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version`: GeoPackage 1.2.0.
const USER_VERSION: i32 = 10200;

/// The date written as every table's `last_change`: `SOURCE_DATE_EPOCH`
/// (seconds, the reproducible-builds convention) when set, else the epoch,
/// so that the same run gives the same bytes.
fn timestamp() -> String {
    iso_date(
        std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0),
    )
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SS.000Z`, the form GeoPackage
/// asks for.
fn iso_date(secs: i64) -> String {
    let s = crate::roads::iso8601(secs);
    format!("{}.000Z", s.trim_end_matches('Z'))
}

/// A quoted SQL identifier.
fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql_type(t: FieldType) -> &'static str {
    match t {
        FieldType::Int => "INTEGER",
        FieldType::Real => "REAL",
        FieldType::Text => "TEXT",
        FieldType::Bool => "BOOLEAN",
    }
}

/// A GeoPackage geometry blob and its envelope `[minx, maxx, miny, maxy]`.
type Blob = (Vec<u8>, [f64; 4]);

/// A geometry as a GeoPackage blob (little-endian header, envelope for
/// polygons as GDAL writes it, then ISO WKB), with its envelope
/// `[minx, maxx, miny, maxy]`; `None` for no geometry.
fn blob(g: &Geometry, srs_id: i32, proj: &Projector) -> std::result::Result<Option<Blob>, [f64; 2]> {
    let mut wkb = Vec::new();
    let mut env = [f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY];
    let mut put = |wkb: &mut Vec<u8>, x: f64, y: f64| -> std::result::Result<(), [f64; 2]> {
        let [px, py] = proj.project(x, y).ok_or([x, y])?;
        env = [env[0].min(px), env[1].max(px), env[2].min(py), env[3].max(py)];
        wkb.extend(px.to_le_bytes());
        wkb.extend(py.to_le_bytes());
        Ok(())
    };
    let with_envelope = match g {
        Geometry::None => return Ok(None),
        Geometry::MultiPolygon(mp) if mp.0.is_empty() => return Ok(None),
        Geometry::Point([x, y]) => {
            wkb.push(1);
            wkb.extend(1u32.to_le_bytes());
            put(&mut wkb, *x, *y)?;
            false
        }
        Geometry::MultiPolygon(mp) => {
            use geo::orient::{Direction, Orient};
            let mp = mp.orient(Direction::Default);
            wkb.push(1);
            wkb.extend(6u32.to_le_bytes());
            wkb.extend((mp.0.len() as u32).to_le_bytes());
            for p in &mp.0 {
                wkb.push(1);
                wkb.extend(3u32.to_le_bytes());
                wkb.extend((1 + p.interiors().len() as u32).to_le_bytes());
                for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                    wkb.extend((r.0.len() as u32).to_le_bytes());
                    for c in r.coords() {
                        put(&mut wkb, c.x, c.y)?;
                    }
                }
            }
            true
        }
    };
    let mut b = Vec::with_capacity(8 + 32 + wkb.len());
    b.extend(b"GP");
    b.push(0); // version 1
    b.push(if with_envelope { 0b0000_0011 } else { 0b0000_0001 }); // little-endian (+ xy envelope)
    b.extend(srs_id.to_le_bytes());
    if with_envelope {
        for v in env {
            b.extend(v.to_le_bytes());
        }
    }
    b.extend(wkb);
    Ok(Some((b, env)))
}

/// Most columns a GeoPackage table may have: SQLite's `SQLITE_MAX_COLUMN`
/// (2000, as compiled into the bundled SQLite), `fid` and `geom` included.
pub const MAX_COLUMNS: usize = 2000;

/// Writes `layers` into a new GeoPackage at `path` (an empty file created
/// by the caller; a link there is refused, never followed).
/// Writes `layers` into the GeoPackage at `path` (an empty file), with the
/// run's `record` (JSON) as the metadata of the whole file.
pub(super) fn write_gpkg(
    path: &Path,
    layers: &[&Layer],
    crs: OutputCrs,
    proj: &Projector,
    record: Option<&str>,
) -> Result<()> {
    let sql = |e: rusqlite::Error| Error::format(path, format!("writing the GeoPackage: {e}"));
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NOFOLLOW | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(sql)?;
    // No journal beside the file (it is a temporary file until the run
    // commits, and synced by the caller).
    conn.query_row("PRAGMA journal_mode = OFF", [], |_| Ok(()))
        .map_err(sql)?;
    conn.execute_batch(&format!(
        "PRAGMA synchronous = OFF; PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {USER_VERSION};"
    ))
    .map_err(sql)?;
    let now = timestamp();
    let srs_id = crs.epsg() as i32;
    let tx = conn.transaction().map_err(sql)?;
    tx.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, \
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, \
           description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), \
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, \
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, \
           srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, \
           CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name), \
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), \
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, \
           scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
         INSERT INTO gpkg_spatial_ref_sys VALUES \
           ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'), \
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');",
    )
    .map_err(sql)?;
    for c in [OutputCrs::Wgs84, crs] {
        let (name, def, desc) = c.srs();
        tx.execute(
            "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, ?4)",
            params![name, c.epsg(), def, desc],
        )
        .map_err(sql)?;
    }
    let mut styles: Vec<(&str, String)> = Vec::new();
    for layer in layers {
        let t = &layer.name;
        let features = layer.geometry != GeometryKind::None;
        let mut cols = vec!["\"fid\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string()];
        if features {
            cols.push(format!("\"geom\" {}", layer.geometry.gpkg_name()));
        }
        cols.extend(
            layer
                .fields
                .iter()
                .map(|f| format!("{} {}", q(f.name), sql_type(f.kind))),
        );
        if cols.len() > MAX_COLUMNS {
            return Err(Error::Invalid(format!(
                "layer `{t}` has {} columns, more than the {MAX_COLUMNS} a GeoPackage table may hold: \
                 write it as csv or geojson (--format)",
                cols.len()
            )));
        }
        tx.execute_batch(&format!("CREATE TABLE {} ({});", q(t), cols.join(", ")))
            .map_err(sql)?;
        let names: Vec<String> = layer.fields.iter().map(|f| q(f.name)).collect();
        let mut insert_cols = vec!["\"fid\"".to_string()];
        if features {
            insert_cols.push("\"geom\"".into());
        }
        insert_cols.extend(names);
        let marks: Vec<String> = (1..=insert_cols.len()).map(|i| format!("?{i}")).collect();
        let mut ins = tx
            .prepare(&format!(
                "INSERT INTO {} ({}) VALUES ({})",
                q(t),
                insert_cols.join(", "),
                marks.join(", ")
            ))
            .map_err(sql)?;
        let mut index: Vec<(i64, [f64; 4])> = Vec::new();
        let mut extent = [f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY];
        for (k, f) in layer.features.iter().enumerate() {
            let fid = k as i64 + 1;
            let mut values: Vec<rusqlite::types::Value> = vec![fid.into()];
            if features {
                let b = blob(&f.geometry, srs_id, proj).map_err(|[x, y]| {
                    Error::format(
                        path,
                        format!("layer {t}, feature {fid}: ({x}, {y}) cannot be written in EPSG:{srs_id}"),
                    )
                })?;
                values.push(match b {
                    Some((bytes, env)) => {
                        index.push((fid, env));
                        extent = [
                            extent[0].min(env[0]),
                            extent[1].max(env[1]),
                            extent[2].min(env[2]),
                            extent[3].max(env[3]),
                        ];
                        bytes.into()
                    }
                    None => rusqlite::types::Value::Null,
                });
            }
            for (_, v) in &f.properties {
                values.push(match v {
                    Value::Int(i) => (*i).into(),
                    Value::Real(r) if r.is_finite() => (*r).into(),
                    Value::Str(s) => s.clone().into(),
                    Value::Bool(b) => i64::from(*b).into(),
                    Value::Real(_) | Value::Null(_) => rusqlite::types::Value::Null,
                });
            }
            ins.execute(rusqlite::params_from_iter(values)).map_err(sql)?;
        }
        drop(ins);
        let (data_type, srs, bbox) = if features {
            let bbox = (!index.is_empty()).then_some(extent);
            ("features", Some(srs_id), bbox)
        } else {
            ("attributes", None, None)
        };
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) \
             VALUES (?1, ?2, ?1, '', ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                t,
                data_type,
                now,
                bbox.map(|b| b[0]),
                bbox.map(|b| b[2]),
                bbox.map(|b| b[1]),
                bbox.map(|b| b[3]),
                srs
            ],
        )
        .map_err(sql)?;
        if features {
            tx.execute(
                "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
                params![t, layer.geometry.gpkg_name(), srs_id],
            )
            .map_err(sql)?;
            spatial_index(&tx, t, &index).map_err(sql)?;
        }
        if let Some(style) = &layer.style {
            styles.push((t, qml_text(style, layer.geometry)));
        }
    }
    if !styles.is_empty() {
        // The table QGIS creates and reads ("Save style in database").
        tx.execute_batch(
            "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, f_table_catalog TEXT(256), \
               f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), \
               styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), \
               update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));",
        )
        .map_err(sql)?;
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) \
             VALUES ('layer_styles', 'attributes', 'layer_styles', '', ?1, 0)",
            params![now],
        )
        .map_err(sql)?;
        for (t, qml) in &styles {
            tx.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, \
                   styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) \
                 VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, 'medaccess', '', NULL, ?3)",
                params![t, qml, now],
            )
            .map_err(sql)?;
        }
    }
    if let Some(json) = record {
        metadata(&tx, json, &now).map_err(sql)?;
    }
    tx.commit().map_err(sql)?;
    conn.close().map_err(|(_, e)| sql(e))
}

/// The `md_standard_uri` of the record's metadata row: JSON (RFC 8259);
/// its fields are medaccess's run record (docs/study-files.md).
const RECORD_STANDARD: &str = "https://www.rfc-editor.org/rfc/rfc8259";

/// The run's record as the metadata of the whole GeoPackage (the Metadata
/// extension, OGC 12-128r18 F.8): one `gpkg_metadata` row of scope
/// `dataset`, JSON, referenced with scope `geopackage`.
fn metadata(tx: &rusqlite::Transaction, json: &str, now: &str) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE gpkg_metadata (id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL, \
           md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL, \
           mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '');
         CREATE TABLE gpkg_metadata_reference (reference_scope TEXT NOT NULL, table_name TEXT, column_name TEXT, \
           row_id_value INTEGER, timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), \
           md_file_id INTEGER NOT NULL, md_parent_id INTEGER, \
           CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id), \
           CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id));
         INSERT INTO gpkg_extensions VALUES \
           ('gpkg_metadata', NULL, 'gpkg_metadata', 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write'), \
           ('gpkg_metadata_reference', NULL, 'gpkg_metadata', 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write');",
    )?;
    tx.execute(
        "INSERT INTO gpkg_metadata VALUES (1, 'dataset', ?1, 'application/json', ?2)",
        params![RECORD_STANDARD, json],
    )?;
    tx.execute(
        "INSERT INTO gpkg_metadata_reference VALUES ('geopackage', NULL, NULL, NULL, ?1, 1, NULL)",
        params![now],
    )?;
    Ok(())
}

/// The R*-tree index of a feature table (GeoPackage extension F.3), filled
/// with `index` (fid, envelope), and the triggers that keep it right when
/// GDAL or QGIS edit the layer.
fn spatial_index(tx: &rusqlite::Transaction, t: &str, index: &[(i64, [f64; 4])]) -> rusqlite::Result<()> {
    let rt = format!("rtree_{t}_geom");
    tx.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy);",
        q(&rt)
    ))?;
    {
        let mut ins = tx.prepare(&format!("INSERT INTO {} VALUES (?1, ?2, ?3, ?4, ?5)", q(&rt)))?;
        for (fid, e) in index {
            ins.execute(params![fid, e[0], e[1], e[2], e[3]])?;
        }
    }
    tx.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index', \
         'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![t],
    )?;
    let (tq, r) = (q(t), q(&rt));
    let tn = |s: &str| q(&format!("{rt}_{s}"));
    let set = format!(
        "INSERT OR REPLACE INTO {r} VALUES (NEW.\"fid\", ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"), ST_MinY(NEW.\"geom\"), ST_MaxY(NEW.\"geom\"));"
    );
    tx.execute_batch(&format!(
        "CREATE TRIGGER {} AFTER INSERT ON {tq} WHEN (new.\"geom\" NOT NULL AND NOT ST_IsEmpty(NEW.\"geom\")) BEGIN {set} END;
         CREATE TRIGGER {} AFTER UPDATE OF \"geom\" ON {tq} WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT ST_IsEmpty(NEW.\"geom\")) BEGIN {set} END;
         CREATE TRIGGER {} AFTER UPDATE OF \"geom\" ON {tq} WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE FROM {r} WHERE id = OLD.\"fid\"; END;
         CREATE TRIGGER {} AFTER UPDATE ON {tq} WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE FROM {r} WHERE id = OLD.\"fid\"; {set} END;
         CREATE TRIGGER {} AFTER UPDATE ON {tq} WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE FROM {r} WHERE id IN (OLD.\"fid\", NEW.\"fid\"); END;
         CREATE TRIGGER {} AFTER DELETE ON {tq} WHEN old.\"geom\" NOT NULL BEGIN DELETE FROM {r} WHERE id = OLD.\"fid\"; END;",
        tn("insert"),
        tn("update1"),
        tn("update2"),
        tn("update3"),
        tn("update4"),
        tn("delete"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Feature, Style};

    #[test]
    fn dates_as_geopackage_writes_them() {
        assert_eq!(iso_date(0), "1970-01-01T00:00:00.000Z");
        // `date -u -d @1733500000 +%FT%T`: 2024-12-06T15:46:40
        assert_eq!(iso_date(1_733_500_000), "2024-12-06T15:46:40.000Z");
        // `date -u -d @951782400`: 2000-02-29 (a leap day)
        assert_eq!(iso_date(951_782_400), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn layers_tables_index_and_styles() {
        let dir = std::env::temp_dir().join(format!("medaccess-gpkg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.gpkg");
        let _ = std::fs::remove_file(&path);
        std::fs::File::create(&path).unwrap();
        let pts = Layer::map(
            "pts-1",
            GeometryKind::Point,
            vec![Feature {
                geometry: Geometry::Point([-0.37, 43.3]),
                properties: vec![
                    ("name", Value::Str("Pau".into())),
                    ("minutes", Value::Real(f64::NAN)),
                    ("ok", Value::Bool(true)),
                ],
            }],
        )
        .styled(Style::Single {
            label: "sites".into(),
            color: (1, 2, 3),
        });
        let table = Layer::table("tab", vec![vec![("n", Value::Int(3))]]);
        let proj = OutputCrs::Lambert93.projector().unwrap();
        write_gpkg(
            &path,
            &[&pts, &table],
            OutputCrs::Lambert93,
            &proj,
            Some("{\"job\": \"access\"}\n"),
        )
        .unwrap();
        let c = Connection::open(&path).unwrap();
        let one = |s: &str| -> String {
            c.query_row(s, [], |r| r.get::<_, rusqlite::types::Value>(0))
                .map(|v| format!("{v:?}"))
                .unwrap()
        };
        assert_eq!(one("PRAGMA application_id"), "Integer(1196444487)");
        assert_eq!(
            one("SELECT group_concat(table_name || ':' || data_type) FROM gpkg_contents"),
            "Text(\"pts-1:features,tab:attributes,layer_styles:attributes\")"
        );
        assert_eq!(
            one("SELECT geometry_type_name || srs_id FROM gpkg_geometry_columns"),
            "Text(\"POINT2154\")"
        );
        assert_eq!(one("SELECT minutes IS NULL FROM \"pts-1\""), "Integer(1)");
        assert_eq!(one("SELECT count(*) FROM \"rtree_pts-1_geom\""), "Integer(1)");
        assert_eq!(
            one("SELECT f_table_name || useAsDefault FROM layer_styles"),
            "Text(\"pts-11\")"
        );
        // header GP, version 0, little-endian without envelope, srs 2154
        let b: Vec<u8> = c
            .query_row("SELECT geom FROM \"pts-1\"", [], |r| r.get(0))
            .unwrap();
        assert_eq!(&b[..8], &[b'G', b'P', 0, 1, 0x6A, 0x08, 0, 0]);
        // the run's record, as the metadata of the whole file
        assert_eq!(
            one(
                "SELECT md_scope || ' ' || mime_type || ' ' || reference_scope || ' ' || metadata \
                 FROM gpkg_metadata JOIN gpkg_metadata_reference ON md_file_id = id"
            ),
            "Text(\"dataset application/json geopackage {\\\"job\\\": \\\"access\\\"}\\n\")"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
