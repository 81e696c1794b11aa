//! Isochrone bands drawn from real road networks (the hand-written
//! `tiny.osm` and Corsica's link table), checked for sense, validity (geo
//! and GDAL) and determinism.

// The Corsica bands read ../shared/data and GDAL checks need ogrinfo (full suite).
#![cfg_attr(not(feature = "full-suite"), allow(dead_code, unused_imports))]

mod common;

use geo::{Area, BooleanOps, Contains, Point, Validation};
#[cfg(feature = "full-suite")]
use medaccess::output::{Feature, Geometry, Value, write_geojson};
use medaccess::planner::contours::{GridOptions, Isoband, road_isochrones, time_grid};
use medaccess::roads::{CarProfile, RoadNetwork, SnapOptions, Snapper};
use medaccess::route::{Seed, nearest};
use medaccess::units::Time;

#[cfg(feature = "full-suite")]
use common::CORSE_LINKS;
use common::TINY;

fn read(path: &str) -> RoadNetwork {
    common::read_roads(path, &CarProfile::france())
}

/// Time from every node to the nearest of `facilities` (`[lon, lat]`).
fn node_times(net: &RoadNetwork, facilities: &[[f64; 2]]) -> Vec<Time> {
    let fac = Snapper::new(net)
        .snap_all(facilities, &SnapOptions::default())
        .unwrap();
    let seeds: Vec<Seed> = fac
        .snaps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.destination_seeds(i as u32))
        .collect();
    nearest(net.graph.backward(), &seeds, None)
        .iter()
        .map(|l| l.time)
        .collect()
}

/// Index of the band containing `p`, if any; panics when two bands do.
fn band_of(bands: &[Isoband], p: [f64; 2]) -> Option<usize> {
    let pt = Point::new(p[0], p[1]);
    let hits: Vec<usize> = (0..bands.len())
        .filter(|&k| bands[k].area.contains(&pt))
        .collect();
    assert!(hits.len() <= 1, "{p:?} lies in bands {hits:?}");
    hits.first().copied()
}

/// Bands never overlap, beyond the rounding of coordinates to 1e-6°
/// (1e-7 square degrees is about 1,000 m², 0.4 % of one 500 m cell).
#[cfg(feature = "full-suite")]
fn assert_disjoint(bands: &[Isoband]) {
    for i in 0..bands.len() {
        for j in i + 1..bands.len() {
            let common = bands[i].area.intersection(&bands[j].area).unsigned_area();
            assert!(
                common < 1e-7,
                "bands {i} and {j} overlap on {common} square degrees"
            );
        }
    }
}

fn assert_valid(bands: &[Isoband]) {
    for b in bands {
        assert!(
            b.area.is_valid(),
            "band [{}, {}) invalid: {:?}",
            b.lower_min,
            b.upper_min,
            b.area.validation_errors().iter().take(3).collect::<Vec<_>>()
        );
    }
}

/// Writes the bands as GeoJSON and asks GDAL (GEOS) whether every polygon
/// is valid (full suite: needs ogrinfo).
#[cfg(feature = "full-suite")]
fn gdal_valid(bands: &[Isoband], name: &str) {
    let dir = common::tmp(name);
    let path = dir.join("bands.geojson");
    let features: Vec<Feature> = bands
        .iter()
        .filter(|b| !b.area.0.is_empty())
        .map(|b| Feature {
            geometry: Geometry::MultiPolygon(b.area.clone()),
            properties: vec![
                ("lower_min", Value::Real(b.lower_min)),
                ("upper_min", Value::real(Some(b.upper_min), 1)),
            ],
        })
        .collect();
    write_geojson(&path, "bands", &features).unwrap();
    let q = common::ogrinfo(
        &path,
        &[
            "-dialect",
            "SQLite",
            "-sql",
            "SELECT COUNT(*) AS n, SUM(ST_IsValid(geometry)) AS valid FROM bands",
        ],
    );
    let get = |k: &str| {
        q.lines()
            .find(|l| l.trim_start().starts_with(&format!("{k} (")))
            .and_then(|l| l.split('=').nth(1))
            .map(|v| v.trim().parse::<usize>().unwrap())
            .unwrap_or_else(|| panic!("{k} in {q}"))
    };
    assert_eq!(get("n"), features.len(), "{q}");
    assert_eq!(get("valid"), features.len(), "GDAL finds invalid bands: {q}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Facility at C (1.000, 45.020). From the drawing of `tiny.osm`: H is a
/// minute and a half away (H → D → C), the island L half an hour (the
/// ferry), X–Y is a dropped island 3.1 km from the nearest kept road.
#[test]
fn tiny_bands() {
    let net = read(TINY);
    let times = node_times(&net, &[[1.000, 45.020]]);
    let opts = GridOptions {
        cell_m: 50.0,
        ..GridOptions::default()
    };
    let breaks = [5.0, 10.0, 20.0, 40.0];
    let bands = road_isochrones(&net, &times, &breaks, &opts).unwrap();
    assert_eq!(bands.len(), 5);
    assert_eq!((bands[0].lower_min, bands[0].upper_min), (0.0, 5.0));
    assert_eq!((bands[3].lower_min, bands[3].upper_min), (20.0, 40.0));
    assert_eq!((bands[4].lower_min, bands[4].upper_min), (40.0, f64::INFINITY));
    assert_valid(&bands);
    #[cfg(feature = "full-suite")]
    gdal_valid(&bands, "contours-tiny");

    let grid = time_grid(&net, &times, &opts).unwrap();
    let c = grid.minutes_at([1.000, 45.020]).unwrap();
    assert!(c < 0.5, "C itself: {c} min");
    let l = grid.minutes_at([1.040, 45.030]).unwrap();
    assert!((30.0..35.0).contains(&l), "L over the ferry: {l} min");
    assert_eq!(grid.minutes_at([1.055, 45.000]), None, "X–Y island");

    // Points a little off the nodes, so that none falls on a ring.
    assert_eq!(band_of(&bands, [1.0001, 45.0201]), Some(0));
    assert_eq!(band_of(&bands, [1.0101, 45.0301]), Some(0), "H");
    assert_eq!(band_of(&bands, [1.0401, 45.0301]), Some(3), "L");
    assert_eq!(band_of(&bands, [1.0551, 45.0001]), None, "X–Y");

    // Bad input is refused with a message.
    for bad in [&[][..], &[10.0, 5.0][..], &[0.0, 5.0][..], &[f64::NAN][..]] {
        let e = road_isochrones(&net, &times, bad, &opts).unwrap_err();
        assert!(e.to_string().contains("breaks"), "{e}");
    }
    let e = road_isochrones(&net, &times[1..], &breaks, &opts).unwrap_err();
    assert!(e.to_string().contains("node times"), "{e}");
}

/// Corsica's real network with two facilities, near Ajaccio and near
/// Bastia.
#[cfg(feature = "full-suite")]
#[test]
fn corsica_bands() {
    let net = read(CORSE_LINKS);
    let ajaccio = [8.7369, 41.9267];
    let bastia = [9.4500, 42.6970];
    let times = node_times(&net, &[ajaccio, bastia]);
    let opts = GridOptions {
        cell_m: 500.0,
        ..GridOptions::default()
    };
    let breaks = [10.0, 20.0, 30.0, 40.0, 60.0];
    let run = || road_isochrones(&net, &times, &breaks, &opts).unwrap();
    let bands = run();
    assert_eq!(bands.len(), 6);
    assert_valid(&bands);
    gdal_valid(&bands, "contours-corse");
    assert_disjoint(&bands);

    // The facilities' cells are in the first band; Bonifacio, Calvi and
    // Porto-Vecchio are over an hour from both (band `[40, 60)` or
    // beyond); Corte, halfway, is in between.
    assert_eq!(band_of(&bands, ajaccio), Some(0));
    assert_eq!(band_of(&bands, bastia), Some(0));
    let grid = time_grid(&net, &times, &opts).unwrap();
    let corte = grid.minutes_at([9.1490, 42.3060]).unwrap();
    assert!((40.0..90.0).contains(&corte), "Corte: {corte} min");
    let bonifacio = grid.minutes_at([9.1590, 41.3870]).unwrap();
    assert!(bonifacio > 60.0, "Bonifacio: {bonifacio} min");
    assert_eq!(band_of(&bands, [9.1590, 41.3870]), Some(5), "Bonifacio beyond 60");
    // The sea between Corsica and the continent is beyond any road.
    assert_eq!(grid.minutes_at([9.80, 42.30]), None);
    // Each band has some area, the outer ones in several pieces.
    for b in &bands {
        assert!(!b.area.0.is_empty(), "[{}, {}) empty", b.lower_min, b.upper_min);
    }

    // Same polygons again, and with one thread instead of several.
    assert_eq!(run(), bands);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(run);
    assert_eq!(one, bands);
}
