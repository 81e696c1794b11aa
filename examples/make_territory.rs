//! Writes `fixtures/france-territory.geojson.gz`: the outline of France
//! (metropolitan France with Corsica, and each overseas département), made
//! from the commune polygons of the `communes-france` extract, widened by
//! [`BUFFER_M`] so that coastal and border sites are never refused, and
//! simplified. [`medaccess::facilities::territory`] embeds it to tell a
//! position in France from one in the sea or abroad.
//!
//! ```text
//! cargo run --release --example make_territory -- [DATA_DIR] [OUT_FILE]
//! ```
//! Defaults: `../shared/data/communes-france` and
//! `fixtures/france-territory.geojson.gz`. Deterministic: run twice, it
//! writes the same bytes.
//!
//! Steps, per territory, in local metres (equirectangular around the
//! territory's centre: the buffer is 1 km give or take 10 %):
//! 1. union of every commune polygon;
//! 2. Douglas-Peucker simplification at [`SIMPLIFY_M`];
//! 3. outward buffer of [`BUFFER_M`] (round joins);
//! 4. simplification again at [`SIMPLIFY_M`]; every hole is filled: the
//!    holes of the union are communes without a polygon (8 in the extract,
//!    e.g. 14581 Aurseulles, 12218 Conques-en-Rouergue), small gaps between
//!    outlines, and bays that the widening closes (rade de Brest, étang de
//!    Berre, golfe du Morbihan), all French;
//! 5. back to degrees, rounded to 4 decimals (about 10 m).
//!
//! The simplifications move the outline by at most 2 × [`SIMPLIFY_M`], so
//! every point of a commune is at least `BUFFER_M - 2 × SIMPLIFY_M` inside
//! the result.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use geo::{Buffer, Coord, MapCoords, MultiPolygon, Polygon, Simplify};
use medaccess::communes::load::read_polygons_geojson;

/// How far beyond the communes the outline goes, metres.
const BUFFER_M: f64 = 1000.0;
/// Douglas-Peucker tolerance, metres.
const SIMPLIFY_M: f64 = 100.0;
/// Metres per degree of latitude on the mean sphere.
const M_PER_DEG: f64 = 111_195.0;

fn territory_of(dep: &str) -> &'static str {
    match dep {
        "971" => "guadeloupe",
        "972" => "martinique",
        "973" => "guyane",
        "974" => "reunion",
        "976" => "mayotte",
        _ => "metropole",
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/data/communes-france".into()),
    );
    let out = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "fixtures/france-territory.geojson.gz".into()),
    );
    let mut groups: BTreeMap<&str, Vec<Polygon<f64>>> = BTreeMap::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(data.join("polygons"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    for f in &files {
        let name = f.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let Some(dep) = name
            .strip_prefix("dep-")
            .and_then(|n| n.split('.').next())
            .map(str::to_owned)
        else {
            continue;
        };
        let polys = read_polygons_geojson(f, "insee")?;
        groups
            .entry(territory_of(&dep))
            .or_default()
            .extend(polys.into_iter().flat_map(|(_, mp)| mp.0));
    }
    let mut features = Vec::new();
    for (name, polys) in &groups {
        let t = std::time::Instant::now();
        // local equirectangular metres around the bounding box centre
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for c in polys.iter().flat_map(|p| p.exterior().0.iter()) {
            (x0, x1, y0, y1) = (x0.min(c.x), x1.max(c.x), y0.min(c.y), y1.max(c.y));
        }
        let (lon0, lat0) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let kx = M_PER_DEG * lat0.to_radians().cos();
        let fwd = |c: Coord<f64>| Coord {
            x: (c.x - lon0) * kx,
            y: (c.y - lat0) * M_PER_DEG,
        };
        let back = |c: Coord<f64>| Coord {
            x: ((c.x / kx + lon0) * 1e4).round() / 1e4,
            y: ((c.y / M_PER_DEG + lat0) * 1e4).round() / 1e4,
        };
        let metric: Vec<Polygon<f64>> = polys.iter().map(|p| p.map_coords(fwd)).collect();
        let union: MultiPolygon<f64> = geo::unary_union(&metric);
        let simple = union.simplify(SIMPLIFY_M);
        let wide = simple.buffer(BUFFER_M).simplify(SIMPLIFY_M);
        let kept: Vec<Polygon<f64>> = wide
            .0
            .into_iter()
            .map(|p| Polygon::new(p.exterior().map_coords(back), vec![]))
            .collect();
        let vertices: usize = kept.iter().map(|p| p.exterior().0.len()).sum();
        eprintln!(
            "{name}: {} commune polygons -> {} parts, {vertices} vertices in {:.1} s",
            polys.len(),
            kept.len(),
            t.elapsed().as_secs_f64()
        );
        let geometry = geojson::Geometry::from(&MultiPolygon::new(kept));
        let mut props = serde_json::Map::new();
        props.insert("territory".into(), (*name).into());
        props.insert("buffer_m".into(), BUFFER_M.into());
        features.push(geojson::Feature {
            bbox: None,
            geometry: Some(geometry),
            id: None,
            properties: Some(props),
            foreign_members: None,
        });
    }
    let fc = geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    let text = fc.to_string();
    // gzip without a timestamp or file name: the same bytes on every run
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    enc.write_all(text.as_bytes())?;
    let bytes = enc.finish()?;
    std::fs::write(&out, &bytes)?;
    eprintln!(
        "wrote {} ({} bytes; {} bytes of GeoJSON)",
        out.display(),
        bytes.len(),
        text.len()
    );
    Ok(())
}
