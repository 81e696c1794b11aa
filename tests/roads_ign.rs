//! IGN road sections (BD TOPO, ROUTE 500; Shapefile and GeoPackage) and a
//! link table with custom columns, read from the hand-made fixtures of
//! fixtures/roads/ (see its README for the drawing). Expected times are
//! worked out by hand from the fixtures' attributes and the car profile:
//! the sections are 1000 m on the Lambert-93 grid, i.e. within 0.5 % of
//! 1000 m on the ground here, hence a 1 % tolerance where lengths come from
//! the geometry; where the source gives the length (ROUTE 500 `LONGUEUR`,
//! the link table's `LONG_M`) times are exact to the 0.1 s unit.

mod common;

use std::path::{Path, PathBuf};

use medaccess::roads::input::{Format, sniff};
use medaccess::roads::other::Lambert93;
use medaccess::roads::{CarProfile, LinkColumns, NetworkSource, ReadOptions, RoadNetwork};
use medaccess::route::one_to_all;
use medaccess::units::UNREACHABLE;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/roads");

fn fixture(name: &str) -> PathBuf {
    Path::new(DIR).join(name)
}

/// Reads with the class speeds only: the hand-worked times below leave out
/// the winding-road correction, checked on its own in
/// `winding_slows_class_speeds_not_source_speeds`.
fn read(path: &Path, opts: &ReadOptions) -> RoadNetwork {
    read_profile(path, opts, &CarProfile::france().without_winding())
}

fn read_profile(path: &Path, opts: &ReadOptions, profile: &CarProfile) -> RoadNetwork {
    RoadNetwork::read_with(path, profile, opts, &|_, _| {}).unwrap_or_else(|e| panic!("{e}"))
}

/// Total seconds of all arcs of a network (forward graph).
fn total_time(net: &RoadNetwork) -> u64 {
    let g = net.graph.forward();
    (0..g.num_nodes() as u32)
        .flat_map(|v| g.arc_slices(v).1.to_vec())
        .map(u64::from)
        .sum()
}

/// The winding correction slows sections whose speed comes from their class
/// when their length exceeds their chord (ROUTE 500's `LONGUEUR` is longer
/// than the drawn line on some sections), and never a section whose speed
/// the source measured (BD TOPO `VITESSE_MOYENNE_VL` with --source-speed).
#[test]
fn winding_slows_class_speeds_not_source_speeds() {
    let r500 = fixture("route500/TRONCON_ROUTE.shp");
    let on = read_profile(&r500, &ReadOptions::default(), &CarProfile::france());
    let off = read(&r500, &ReadOptions::default());
    assert_eq!(on.graph.num_nodes(), off.graph.num_nodes());
    assert!(total_time(&on) > total_time(&off), "no ROUTE 500 section slowed");
    assert!(
        on.info.profile.contains("winding roads slowed"),
        "{}",
        on.info.profile
    );
    let measured = ReadOptions {
        source_speed: true,
        ..ReadOptions::default()
    };
    let shp = fixture("bdtopo/TRONCON_DE_ROUTE.shp");
    let on = read_profile(&shp, &measured, &CarProfile::france());
    let off = read(&shp, &measured);
    assert_eq!(on.graph, off.graph);
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
    assert_eq!(net.info.engine, NetworkSource::BdTopo);
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
    assert_eq!(net.info.profile, "car-fr, class speeds only");
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
    // The layer's date: gpkg_contents.last_change.
    let date = gpkg.info.timestamp.as_deref().unwrap_or("");
    assert!(date.starts_with("20") && date.len() >= 10, "{date}");
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
    assert_eq!(net.info.engine, NetworkSource::Route500);
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
    assert_eq!(net.info.engine, NetworkSource::Links);
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

/// A fresh scratch folder.
fn scratch(name: &str) -> PathBuf {
    common::tmp(&format!("ign-{name}"))
}

// ---------------------------------------------------------------------
// Bad input: a clear error naming the file and the record, never a panic,
// and no cache written.

fn err(path: &Path, opts: &ReadOptions) -> String {
    match RoadNetwork::read_with(path, &CarProfile::france(), opts, &|_, _| {}) {
        Ok(_) => panic!("{} should not be read", path.display()),
        Err(e) => e.to_string(),
    }
}

fn has(e: &str, parts: &[&str]) {
    for p in parts {
        assert!(e.contains(p), "`{p}` not in: {e}");
    }
}

/// A two-node MATSim network (Lambert-93 unless `crs` says otherwise).
fn matsim(crs: &str, length: &str, freespeed: &str, to: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE network SYSTEM "http://www.matsim.org/files/dtd/network_v2.dtd">
<network>
<attributes><attribute name="coordinateReferenceSystem" class="java.lang.String">{crs}</attribute></attributes>
<nodes>
<node id="1" x="426000" y="6251000"/>
<node id="2" x="427000" y="6251000"/>
</nodes>
<links>
<link id="10" from="1" to="2" length="{length}" freespeed="{freespeed}" capacity="1000" permlanes="1" modes="car">
<attributes><attribute name="osm:way:highway" class="java.lang.String">secondary</attribute></attributes>
</link>
<link id="11" from="2" to="{to}" length="1000" freespeed="25" capacity="1000" permlanes="1" modes="car,bike"/>
</links>
</network>
"#
    )
}

#[test]
fn matsim_crs_speeds_and_errors() {
    let dir = scratch("matsim");
    let p = dir.join("net.xml");
    let write = |text: &str| std::fs::write(&p, text).unwrap();
    // A good one: the named CRS is used; class speed forward (secondary 80),
    // the reverse link has no class (the profile's `road`, 40 km/h).
    write(&matsim("EPSG:2154", "1000", "8.33", "1"));
    let net = read(&p, &ReadOptions::default());
    assert_eq!(net.info.engine, NetworkSource::Matsim);
    assert_eq!(net.info.report.class_unknown, 1);
    close(secs(&net, 'A', 'B'), at(1000.0, 80.0), 0.0);
    close(secs(&net, 'B', 'A'), at(1000.0, 40.0), 0.0);
    // freespeed (m/s) only when asked.
    let src = ReadOptions {
        source_speed: true,
        ..ReadOptions::default()
    };
    let net = read(&p, &src);
    close(secs(&net, 'A', 'B'), at(1000.0, 8.33 * 3.6), 0.0);
    close(secs(&net, 'B', 'A'), at(1000.0, 90.0), 0.0);
    // A link to a missing node.
    write(&matsim("EPSG:2154", "1000", "8.33", "7"));
    has(
        &err(&p, &ReadOptions::default()),
        &["net.xml:13", "to", "unknown node `7`"],
    );
    // Negative and zero lengths.
    for len in ["-3", "0"] {
        write(&matsim("EPSG:2154", len, "8.33", "1"));
        has(
            &err(&p, &ReadOptions::default()),
            &["net.xml:10", "length", "must be > 0"],
        );
    }
    // NaN speed.
    write(&matsim("EPSG:2154", "1000", "NaN", "1"));
    has(
        &err(&p, &ReadOptions::default()),
        &["net.xml:10", "freespeed", "not a number"],
    );
    // Unknown CRS.
    write(&matsim("EPSG:3035", "1000", "8.33", "1"));
    has(
        &err(&p, &ReadOptions::default()),
        &["net.xml", "unknown CRS", "EPSG:3035"],
    );
    write(&matsim("Lambert zone II", "1000", "8.33", "1"));
    has(
        &err(&p, &ReadOptions::default()),
        &["net.xml", "unknown CRS `Lambert zone II`"],
    );
    // Truncated gzip.
    let gz = dir.join("net.xml.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut enc, matsim("EPSG:2154", "1000", "8.33", "1").as_bytes()).unwrap();
    let bytes = enc.finish().unwrap();
    std::fs::write(&gz, &bytes).unwrap();
    assert_eq!(read(&gz, &ReadOptions::default()).graph.num_nodes(), 2);
    for cut in [bytes.len() - 12, bytes.len() / 2, 12] {
        std::fs::write(&gz, &bytes[..cut]).unwrap();
        has(&err(&gz, &ReadOptions::default()), &["net.xml.gz"]);
    }
    std::fs::write(&gz, &bytes[..bytes.len() / 2]).unwrap();
    has(
        &err(&gz, &ReadOptions::default()),
        &["net.xml.gz", "truncated gzip file"],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn link_table_errors_name_file_line_and_column() {
    let dir = scratch("table");
    let links = dir.join("t_links.csv");
    std::fs::write(
        dir.join("t_nodes.csv"),
        "node_id,x_l93,y_l93\n1,426000,6251000\n2,427000,6251000\n",
    )
    .unwrap();
    let table = |row: &str| {
        std::fs::write(
            &links,
            format!("link_id,from_node,to_node,length_m,freespeed_kmh,modes,highway\n1,1,2,1000,50,car,secondary\n{row}\n"),
        )
        .unwrap();
    };
    table("2,2,1,1000,50,car,secondary");
    let net = read(&links, &ReadOptions::default());
    close(secs(&net, 'A', 'B'), at(1000.0, 80.0), 0.0);
    table("2,2,9,1000,50,car,secondary");
    has(
        &err(&links, &ReadOptions::default()),
        &["t_links.csv:3", "to_node", "unknown node `9`"],
    );
    for len in ["-5", "0"] {
        table(&format!("2,2,1,{len},50,car,secondary"));
        has(
            &err(&links, &ReadOptions::default()),
            &["t_links.csv:3", "length_m", "must be > 0"],
        );
    }
    table("2,2,1,1000,NaN,car,secondary");
    has(
        &err(&links, &ReadOptions::default()),
        &["t_links.csv:3", "freespeed_kmh", "not a finite number"],
    );
    // Unknown CRS of the nodes' x,y.
    table("2,2,1,1000,50,car,secondary");
    let bad_crs = ReadOptions {
        epsg: Some(9999),
        ..ReadOptions::default()
    };
    has(
        &err(&links, &bad_crs),
        &["t_nodes.csv", "unknown CRS", "EPSG:9999"],
    );
    // Truncated gzip.
    let gz = dir.join("g_links.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut enc, &std::fs::read(&links).unwrap()).unwrap();
    let bytes = enc.finish().unwrap();
    std::fs::copy(dir.join("t_nodes.csv"), dir.join("g_nodes.csv.gz")).unwrap();
    std::fs::write(&gz, &bytes[..bytes.len() - 10]).unwrap();
    has(
        &err(&gz, &ReadOptions::default()),
        &["g_links.csv.gz", "truncated gzip file"],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Copies the BD TOPO GeoPackage and changes it with SQL.
fn altered_gpkg(dir: &Path, sql: &str) -> PathBuf {
    let p = dir.join("altered.gpkg");
    std::fs::copy(fixture("bdtopo_troncon_de_route.gpkg"), &p).unwrap();
    let c = rusqlite::Connection::open(&p).unwrap();
    c.execute_batch(sql).unwrap();
    drop(c);
    p
}

#[test]
fn ign_errors_name_file_and_record() {
    let dir = scratch("ign");
    let opts = ReadOptions::default();
    // NaN speed in record 2.
    let p = altered_gpkg(
        &dir,
        "UPDATE troncon_de_route SET vitesse_moyenne_vl = 'NaN' WHERE fid = 2;",
    );
    has(
        &err(&p, &opts),
        &[
            "altered.gpkg:2",
            "VITESSE_MOYENNE_VL",
            "record 2",
            "not a finite number",
        ],
    );
    // A ROUTE 500 layer with a negative LONGUEUR in record 3.
    let p = altered_gpkg(
        &dir,
        "ALTER TABLE troncon_de_route ADD COLUMN vocation TEXT; ALTER TABLE troncon_de_route ADD COLUMN longueur REAL;
         UPDATE troncon_de_route SET vocation = 'Liaison locale', longueur = 1.0;
         UPDATE troncon_de_route SET longueur = -0.5 WHERE fid = 3;",
    );
    has(
        &err(&p, &opts),
        &["altered.gpkg:3", "LONGUEUR", "record 3", "must be > 0"],
    );
    // An unknown direction.
    let p = altered_gpkg(
        &dir,
        "UPDATE troncon_de_route SET sens_de_circulation = 'Alterné' WHERE fid = 4;",
    );
    has(&err(&p, &opts), &["altered.gpkg:4", "SENS", "Alterné"]);
    // Unknown CRS: the layer in ETRS89-LAEA.
    let p = altered_gpkg(
        &dir,
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('ETRS89-extended / LAEA Europe', 3035, 'EPSG', 3035, 'PROJCS[...]', NULL);
         UPDATE gpkg_geometry_columns SET srs_id = 3035;",
    );
    has(
        &err(&p, &opts),
        &["altered.gpkg", "unknown CRS", "EPSG:3035", "Lambert-93"],
    );
    // A truncated GeoPackage.
    let good = std::fs::read(fixture("bdtopo_troncon_de_route.gpkg")).unwrap();
    let cut = dir.join("cut.gpkg");
    std::fs::write(&cut, &good[..good.len() / 3]).unwrap();
    has(&err(&cut, &opts), &["cut.gpkg"]);

    // Shapefiles: a set without its .dbf, an unknown .prj, no .prj, cut.
    let set = |name: &str, skip: &[&str]| -> PathBuf {
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            if !skip.contains(&ext) {
                std::fs::copy(
                    fixture(&format!("bdtopo/TRONCON_DE_ROUTE.{ext}")),
                    dir.join(format!("{name}.{ext}")),
                )
                .unwrap();
            }
        }
        dir.join(format!("{name}.shp"))
    };
    let p = set("nodbf", &["dbf"]);
    has(&err(&p, &opts), &["nodbf.shp", "nodbf.dbf", "missing"]);
    let p = set("laea", &[]);
    std::fs::write(
        dir.join("laea.prj"),
        r#"PROJCS["ETRS89_LAEA_Europe",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]]]]"#,
    )
    .unwrap();
    has(
        &err(&p, &opts),
        &["laea.prj", "unknown CRS", "ETRS89_LAEA_Europe"],
    );
    let p = set("noprj", &["prj"]);
    has(&err(&p, &opts), &["noprj.shp", "unknown CRS", "--roads-epsg"]);
    let with_epsg = ReadOptions {
        epsg: Some(2154),
        ..ReadOptions::default()
    };
    check_bdtopo(&read(&p, &with_epsg));
    let p = set("cut", &[]);
    let shp = std::fs::read(&p).unwrap();
    for n in [shp.len() - 7, shp.len() / 2, 101] {
        std::fs::write(&p, &shp[..n]).unwrap();
        has(&err(&p, &opts), &["cut.shp"]);
    }
    let dbf = std::fs::read(fixture("bdtopo/TRONCON_DE_ROUTE.dbf")).unwrap();
    std::fs::write(&p, &shp).unwrap();
    std::fs::write(dir.join("cut.dbf"), &dbf[..dbf.len() / 2]).unwrap();
    has(&err(&p, &opts), &["cut"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A failed import leaves the cache folder as it was: nothing
/// half-written.
#[test]
fn failed_import_writes_no_cache() {
    let dir = scratch("cache");
    let cache = dir.join("cache");
    let p = altered_gpkg(
        &dir,
        "UPDATE troncon_de_route SET vitesse_moyenne_vl = 'NaN' WHERE fid = 2;",
    );
    let r = medaccess::roads::load_or_build_with(
        &p,
        &CarProfile::france(),
        &ReadOptions::default(),
        &cache,
        &|_, _| {},
    );
    assert!(r.is_err());
    let left: Vec<_> = std::fs::read_dir(&cache).map(|d| d.collect()).unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    // The good file is cached once, then read back the same.
    let good = fixture("bdtopo/TRONCON_DE_ROUTE.shp");
    let o = ReadOptions::default();
    let (a, o1) =
        medaccess::roads::load_or_build_with(&good, &CarProfile::france(), &o, &cache, &|_, _| {}).unwrap();
    let (b, o2) =
        medaccess::roads::load_or_build_with(&good, &CarProfile::france(), &o, &cache, &|_, _| {}).unwrap();
    assert!(!o1.hit && o2.hit);
    assert_eq!(a.graph, b.graph);
    assert_eq!(b.info.engine, NetworkSource::BdTopo);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Random damage to the Shapefile set and the GeoPackage gives an error
/// naming the file (or, rarely, a still-valid network), never a panic.
#[test]
fn damaged_ign_files_never_panic() {
    use rand::{Rng, SeedableRng};
    let dir = scratch("damage");
    for ext in ["shx", "prj", "cpg"] {
        std::fs::copy(
            fixture(&format!("bdtopo/TRONCON_DE_ROUTE.{ext}")),
            dir.join(format!("d.{ext}")),
        )
        .unwrap();
    }
    let shp = std::fs::read(fixture("bdtopo/TRONCON_DE_ROUTE.shp")).unwrap();
    let dbf = std::fs::read(fixture("bdtopo/TRONCON_DE_ROUTE.dbf")).unwrap();
    let gpkg = std::fs::read(fixture("bdtopo_troncon_de_route.gpkg")).unwrap();
    let mut errors = 0;
    for seed in 0..90u64 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let (target, good) = match seed % 3 {
            0 => ("d.shp", &shp),
            1 => ("d.dbf", &dbf),
            _ => ("d.gpkg", &gpkg),
        };
        let mut b = good.clone();
        if rng.random_bool(0.3) {
            b.truncate(rng.random_range(0..b.len()));
        } else {
            for _ in 0..rng.random_range(1..6) {
                let i = rng.random_range(0..b.len());
                b[i] = rng.random();
            }
        }
        std::fs::write(dir.join("d.shp"), if target == "d.shp" { &b } else { &shp }).unwrap();
        std::fs::write(dir.join("d.dbf"), if target == "d.dbf" { &b } else { &dbf }).unwrap();
        std::fs::write(dir.join("d.gpkg"), if target == "d.gpkg" { &b } else { &gpkg }).unwrap();
        let input = dir.join(if target == "d.gpkg" { "d.gpkg" } else { "d.shp" });
        if let Err(e) = RoadNetwork::read(&input, &CarProfile::france(), &|_, _| {}) {
            errors += 1;
            assert!(e.to_string().contains("d."), "{e}");
        }
    }
    assert!(errors > 10, "{errors} errors");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `graph info` on road files: the import report of any `--roads` format,
/// and an error naming both readings for a file that is neither a road
/// network nor a commune graph.
#[test]
fn graph_info_reads_road_networks() {
    let gpkg = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/roads/bdtopo_troncon_de_route.gpkg"
    );
    let (ok, out, err) = common::run(&["graph", "info", gpkg], &[]);
    assert!(ok, "{err}");
    assert!(out.starts_with("GeoPackage read as engine=ign-bdtopo"), "{out}");
    assert!(out.contains("  excluded: 4\n"), "{out}");
    assert!(out.contains("  nodes: 9\n"), "{out}");
    let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let (ok, _, err) = common::run(&["graph", "info", readme], &[]);
    assert!(!ok);
    assert!(
        err.contains("not a road network either") && err.contains("README.md"),
        "{err}"
    );
}
