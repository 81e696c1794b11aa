//! IGN road sections (BD TOPO, ROUTE 500; Shapefile and GeoPackage) and a
//! link table with custom columns, read from the hand-made fixtures of
//! fixtures/roads/ (see its README for the drawing). Expected times are
//! worked out by hand from the fixtures' attributes and the car profile:
//! the sections are 1000 m on the Lambert-93 grid, i.e. within 0.5 % of
//! 1000 m on the ground here, hence a 1 % tolerance where lengths come from
//! the geometry; where the source gives the length (ROUTE 500 `LONGUEUR`,
//! the link table's `LONG_M`) times are exact to the 0.1 s unit.

use std::path::{Path, PathBuf};

use medaccess::roads::input::{Format, sniff};
use medaccess::roads::other::Lambert93;
use medaccess::roads::{CarProfile, Engine, LinkColumns, ReadOptions, RoadNetwork};
use medaccess::route::one_to_all;
use medaccess::units::UNREACHABLE;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/roads");

fn fixture(name: &str) -> PathBuf {
    Path::new(DIR).join(name)
}

fn read(path: &Path, opts: &ReadOptions) -> RoadNetwork {
    RoadNetwork::read_with(path, &CarProfile::france(), opts, &|_, _| {}).unwrap_or_else(|e| panic!("{e}"))
}

/// The junctions of the fixtures, Lambert-93 metres.
fn junction(name: char) -> (f64, f64) {
    match name {
        'A' => (426_000.0, 6_251_000.0),
        'B' => (427_000.0, 6_251_000.0),
        'C' => (428_000.0, 6_251_000.0),
        'D' => (427_000.0, 6_252_000.0),
        'E' => (428_000.0, 6_252_000.0),
        'F' => (429_000.0, 6_251_000.0),
        'G' => (426_000.0, 6_252_000.0),
        'H' => (425_000.0, 6_251_000.0),
        'K' => (429_000.0, 6_252_000.0),
        'P' => (427_000.0, 6_250_000.0),
        'Q' => (427_000.0, 6_253_000.0),
        _ => unreachable!(),
    }
}

/// The graph node at junction `name`, if the network has one.
fn node(net: &RoadNetwork, name: char) -> Option<u32> {
    let (x, y) = junction(name);
    let p = Lambert93::new().unwrap().to_lonlat(x, y).unwrap();
    net.node_lonlat
        .iter()
        .position(|q| (q[0] - p[0]).abs() < 1e-6 && (q[1] - p[1]).abs() < 1e-6)
        .map(|i| i as u32)
}

/// Driving time in seconds from junction `a` to junction `b`.
fn secs(net: &RoadNetwork, a: char, b: char) -> f64 {
    let (s, t) = (node(net, a).expect("from node"), node(net, b).expect("to node"));
    let time = one_to_all(net.graph.forward(), s)[t as usize];
    assert_ne!(time, UNREACHABLE, "{a} → {b} unreachable");
    time as f64 / 10.0
}

fn close(got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= want * rel + 0.1,
        "got {got} s, expected {want} s"
    );
}

/// Seconds to drive `m` metres at `kmh`.
fn at(m: f64, kmh: f64) -> f64 {
    m / (kmh / 3.6)
}

/// BD TOPO by class speeds (docs: src/roads/ign.rs tables):
/// 1 A–B importance 3 → secondary 80; 2 B–C importance 4 → tertiary 70;
/// 3 C–E importance 5 rural → unclassified 50; 4 D–E "Sens inverse",
/// importance 5 urban → residential 30, E → D only; 5 B–D "Route empierrée"
/// → service 15; 10 A–H ferry at 5 km/h; 11 C→F motorway 130; 12 F→C
/// slip road of importance 1 → trunk_link 60 over 1414 m.
fn check_bdtopo(net: &RoadNetwork) {
    assert_eq!(net.info.engine, Engine::BdTopo);
    assert_eq!(net.info.engine.as_str(), "ign-bdtopo");
    let r = &net.info.report;
    assert_eq!(r.ways_read, 14);
    // Private (6), under construction (7), physically impossible (9), a
    // "Chemin" (14).
    assert_eq!(r.excluded, 4, "{r:?}");
    assert_eq!(r.class_unknown, 0);
    for gone in ['P', 'K'] {
        assert_eq!(node(net, gone), None, "{gone} should not be in the network");
    }
    close(secs(net, 'A', 'C'), at(1000.0, 80.0) + at(1000.0, 70.0), 0.01);
    // One-way respected: C → D uses E → D (Sens inverse of D→E); D → C may
    // not, and goes round by the gravel road D–B.
    close(secs(net, 'C', 'D'), at(1000.0, 50.0) + at(1000.0, 30.0), 0.01);
    close(secs(net, 'D', 'C'), at(1000.0, 15.0) + at(1000.0, 70.0), 0.01);
    close(secs(net, 'A', 'H'), at(1000.0, 5.0), 0.01);
    close(secs(net, 'A', 'G'), at(1000.0, 15.0), 0.01);
    close(secs(net, 'D', 'Q'), at(1000.0, 30.0), 0.01);
    // Ferries and motorways take no snapped points.
    assert!(net.edges.iter().any(|e| !e.snappable));
}

#[test]
fn bdtopo_shapefile_known_times() {
    let net = read(&fixture("bdtopo/TRONCON_DE_ROUTE.shp"), &ReadOptions::default());
    check_bdtopo(&net);
    assert_eq!(net.info.profile, "car-fr");
    // The set may be named by any of its files.
    let via_shx = read(&fixture("bdtopo/TRONCON_DE_ROUTE.shx"), &ReadOptions::default());
    assert_eq!(via_shx.graph, net.graph);
}

#[test]
fn bdtopo_geopackage_matches_shapefile() {
    let gpkg = read(&fixture("bdtopo_troncon_de_route.gpkg"), &ReadOptions::default());
    check_bdtopo(&gpkg);
    let shp = read(&fixture("bdtopo/TRONCON_DE_ROUTE.shp"), &ReadOptions::default());
    assert_eq!(gpkg.graph, shp.graph);
    assert_eq!(gpkg.node_lonlat, shp.node_lonlat);
}

/// `VIT_MOY_VL` only with `source_speed`: A–B at 60, B–C at 50; the ferry
/// (0 = none) keeps the profile's speed.
#[test]
fn bdtopo_source_speed_only_when_asked() {
    let opts = ReadOptions {
        source_speed: true,
        ..ReadOptions::default()
    };
    for f in ["bdtopo/TRONCON_DE_ROUTE.shp", "bdtopo_troncon_de_route.gpkg"] {
        let net = read(&fixture(f), &opts);
        close(secs(&net, 'A', 'C'), at(1000.0, 60.0) + at(1000.0, 50.0), 0.01);
        close(secs(&net, 'A', 'H'), at(1000.0, 5.0), 0.01);
        assert!(
            net.info.profile.contains("VITESSE_MOYENNE_VL"),
            "{}",
            net.info.profile
        );
    }
    // Part of the cache key.
    let p = CarProfile::france();
    let f = fixture("bdtopo_troncon_de_route.gpkg");
    let k1 = medaccess::roads::cache::cache_key_with(&f, &p, &ReadOptions::default()).unwrap();
    let k2 = medaccess::roads::cache::cache_key_with(&f, &p, &opts).unwrap();
    assert_ne!(k1, k2);
}

/// ROUTE 500, lengths from `LONGUEUR` (km): A–B 1.2 km "Liaison régionale"
/// → primary 80; B→C 1.0 km "Liaison locale" → tertiary 70, "Sens unique"
/// (digitised B→C); C–D 1.5 km "Liaison principale" of 2 chaussées → trunk
/// as a dual carriageway, 110; D–A 2.0 km "Non revêtu" → service 15.
#[test]
fn route500_known_times() {
    let net = read(&fixture("route500/TRONCON_ROUTE.shp"), &ReadOptions::default());
    assert_eq!(net.info.engine, Engine::Route500);
    close(secs(&net, 'A', 'C'), at(1200.0, 80.0) + at(1000.0, 70.0), 0.0);
    close(secs(&net, 'C', 'A'), at(1500.0, 110.0) + at(2000.0, 15.0), 0.0);
    close(secs(&net, 'A', 'H'), at(800.0, 70.0), 0.0);
    // ROUTE 500 has no speed field: --source-speed changes nothing.
    let opts = ReadOptions {
        source_speed: true,
        ..ReadOptions::default()
    };
    assert_eq!(
        read(&fixture("route500/TRONCON_ROUTE.shp"), &opts).graph,
        net.graph
    );
}

fn custom_columns() -> ReadOptions {
    ReadOptions {
        link_columns: LinkColumns::parse(
            "id=ID,from=DEBUT,to=FIN,length=LONG_M,speed=KMH,oneway=SENS_UNIQUE,class=TYPE,geometry=WKT",
        )
        .unwrap(),
        epsg: Some(2154),
        ..ReadOptions::default()
    }
}

/// The link table: A–B secondary 80, B–C tertiary 70, C→E residential 30
/// one-way, E–B 1500 m unclassified 50 (drawn through D, which is no
/// junction); lengths from `LONG_M`.
#[test]
fn link_table_with_custom_columns_and_wkt() {
    let f = fixture("custom_links.csv");
    let net = read(&f, &custom_columns());
    assert_eq!(net.info.engine, Engine::Links);
    close(secs(&net, 'A', 'C'), at(1000.0, 80.0) + at(1000.0, 70.0), 0.0);
    close(secs(&net, 'C', 'E'), at(1000.0, 30.0), 0.0);
    close(secs(&net, 'E', 'C'), at(1500.0, 50.0) + at(1000.0, 70.0), 0.0);
    assert_eq!(node(&net, 'D'), None);
    // The drawn shape is kept for snapping: E–B bends through D.
    let (x, y) = junction('D');
    let d = Lambert93::new().unwrap().to_lonlat(x, y).unwrap();
    assert!(net.geometry.iter().any(|&p| {
        let q = medaccess::roads::from_e7(p);
        (q[0] - d[0]).abs() < 1e-6 && (q[1] - d[1]).abs() < 1e-6
    }));
    // The table's KMH only when asked.
    let opts = ReadOptions {
        source_speed: true,
        ..custom_columns()
    };
    let fast = read(&f, &opts);
    close(secs(&fast, 'A', 'C'), at(1000.0, 60.0) + at(1000.0, 50.0), 0.0);
    // Without a class column and without --source-speed: a clear error.
    let no_class = ReadOptions {
        link_columns: LinkColumns::parse("from=DEBUT,to=FIN,geometry=WKT").unwrap(),
        epsg: Some(2154),
        ..ReadOptions::default()
    };
    let e = RoadNetwork::read_with(&f, &CarProfile::france(), &no_class, &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("custom_links.csv") && e.contains("--source-speed"),
        "{e}"
    );
    // A column the user names must exist.
    let typo = ReadOptions {
        link_columns: LinkColumns::parse("from=START").unwrap(),
        ..custom_columns()
    };
    let e = RoadNetwork::read_with(&f, &CarProfile::france(), &typo, &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing column `START`"), "{e}");
}

#[test]
fn formats_told_by_content_not_name() {
    let cases = [
        ("bdtopo/TRONCON_DE_ROUTE.shp", Format::Shapefile),
        ("route500/TRONCON_ROUTE.shp", Format::Shapefile),
        ("bdtopo_troncon_de_route.gpkg", Format::GeoPackage),
        ("custom_links.csv", Format::LinkTable),
    ];
    for (f, want) in cases {
        assert_eq!(sniff(&fixture(f)).unwrap(), want, "{f}");
    }
    let dir = scratch("names");
    // A GeoPackage under a misleading name is still read.
    let odd = dir.join("roads.csv");
    std::fs::copy(fixture("bdtopo_troncon_de_route.gpkg"), &odd).unwrap();
    check_bdtopo(&read(&odd, &ReadOptions::default()));
    // Unknown content: the error names the file and the accepted formats.
    let junk = dir.join("roads.shp");
    std::fs::write(&junk, b"\x00\x01\x02 not a road file").unwrap();
    let e = RoadNetwork::read(&junk, &CarProfile::france(), &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("roads.shp") && e.contains("unknown road network format") && e.contains("GeoPackage"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("medaccess-ign-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
