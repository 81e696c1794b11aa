//! Bad input gives a clear error or a counted warning, never a panic.

mod common;

use std::path::{Path, PathBuf};

use medaccess::roads::synthetic::PbfWriter;
use medaccess::roads::{CarProfile, RoadNetwork, read_osm_xml, read_pbf};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use common::{SBH, tmp};

/// A fresh scratch folder.
fn scratch(name: &str) -> PathBuf {
    tmp(&format!("bad-{name}"))
}

fn pbf_err(path: &Path) -> String {
    read_pbf(path, &CarProfile::france(), &|_, _| {})
        .unwrap_err()
        .to_string()
}

#[test]
fn empty_text_and_truncated_pbf() {
    let dir = scratch("pbf");
    let p = dir.join("x.osm.pbf");
    std::fs::write(&p, b"").unwrap();
    assert!(pbf_err(&p).contains("empty file"));
    std::fs::write(&p, b"commune,population\n64445,75665\n").unwrap();
    let e = pbf_err(&p);
    assert!(
        e.contains("not an OSM PBF file") && e.contains("x.osm.pbf"),
        "{e}"
    );
    let good = std::fs::read(SBH).unwrap();
    for cut in [3, 10, 200, good.len() / 3, good.len() - 1] {
        std::fs::write(&p, &good[..cut]).unwrap();
        let e = pbf_err(&p);
        assert!(
            e.contains("x.osm.pbf") && (e.contains("PBF") || e.contains("empty")),
            "cut {cut}: {e}"
        );
    }
    // A missing file is an I/O error naming it.
    assert!(pbf_err(&dir.join("nope.osm.pbf")).contains("nope.osm.pbf"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mutated_pbf_bytes_never_panic() {
    let dir = scratch("mutate");
    let good = std::fs::read(SBH).unwrap();
    let p = dir.join("m.osm.pbf");
    let (mut ok, mut err) = (0, 0);
    for seed in 0..150u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut b = good.clone();
        match seed % 4 {
            0 => {
                for _ in 0..rng.random_range(1..8) {
                    let i = rng.random_range(0..b.len());
                    b[i] ^= 1 << rng.random_range(0..8);
                }
            }
            1 => {
                let i = rng.random_range(0..b.len());
                b[i] = rng.random();
            }
            2 => {
                let i = rng.random_range(0..b.len() - 64);
                for x in &mut b[i..i + 64] {
                    *x = rng.random();
                }
            }
            _ => {
                let i = rng.random_range(0..b.len());
                b.truncate(i);
            }
        }
        std::fs::write(&p, &b).unwrap();
        match read_pbf(&p, &CarProfile::france(), &|_, _| {}) {
            Ok(net) => {
                ok += 1;
                assert!(net.graph.num_nodes() > 0);
            }
            Err(e) => {
                err += 1;
                assert!(e.to_string().contains("m.osm.pbf"), "{e}");
            }
        }
    }
    // Most mutations hit compressed data and must be caught.
    assert!(err > ok, "{err} errors, {ok} successes");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pbf_ways_with_missing_nodes_are_counted() {
    let dir = scratch("missing");
    let p = dir.join("missing.osm.pbf");
    let f = std::fs::File::create(&p).unwrap();
    let mut w = PbfWriter::new(f, None).unwrap();
    for (id, lat) in [(1, 45.0), (2, 45.001), (3, 45.002)] {
        w.node(id, 1.0, lat).unwrap();
    }
    let hw = |v: &str| vec![("highway".to_string(), v.to_string())];
    w.way(10, vec![1, 2, 3, 99], hw("residential")).unwrap();
    w.way(11, vec![98, 97], hw("residential")).unwrap();
    w.finish().unwrap();
    let net = read_pbf(&p, &CarProfile::france(), &|_, _| {}).unwrap();
    let r = &net.info.report;
    assert_eq!(r.missing_node_refs, 3);
    assert_eq!(r.ways_with_missing_nodes, vec![10, 11]);
    assert_eq!(net.graph.num_nodes(), 2); // 1 and 3; 2 contracted
    assert_eq!(net.info.timestamp, None);

    // No road at all: a clear error.
    let f = std::fs::File::create(&p).unwrap();
    let mut w = PbfWriter::new(f, None).unwrap();
    w.node(1, 1.0, 45.0).unwrap();
    w.node(2, 1.0, 45.001).unwrap();
    w.way(10, vec![1, 2], vec![("building".into(), "yes".into())])
        .unwrap();
    w.finish().unwrap();
    assert!(pbf_err(&p).contains("no road a car can use"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_xml_and_tables() {
    let dir = scratch("xml");
    let p = dir.join("bad.osm");
    let xml_err = |text: &str| {
        std::fs::write(&p, text).unwrap();
        read_osm_xml(&p, &CarProfile::france()).unwrap_err().to_string()
    };
    assert!(xml_err("").contains("empty file"));
    assert!(xml_err("<html><body/></html>").contains("not an OSM XML file"));
    let e = xml_err(
        "<osm>\n<node id=\"1\" lat=\"45\" lon=\"1\"/>\n<node id=\"2\" lat=\"north\" lon=\"1\"/>\n</osm>",
    );
    assert!(e.contains("bad.osm:3") && e.contains("lat"), "{e}");
    let e =
        xml_err("<osm>\n<node id=\"1\" lat=\"45\" lon=\"1\"/>\n<way id=\"3\"><nd ref=\"1\"/>\n</node></osm>");
    assert!(e.contains("malformed XML"), "{e}");
    // Missing nodes in XML: counted, the rest kept.
    std::fs::write(
        &p,
        r#"<osm><node id="1" lat="45" lon="1"/><node id="2" lat="45.001" lon="1"/>
        <way id="7"><nd ref="1"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="residential"/></way></osm>"#,
    )
    .unwrap();
    let net = read_osm_xml(&p, &CarProfile::france()).unwrap();
    assert_eq!(net.info.report.missing_node_refs, 1);
    // A link table without its columns names the column.
    let links = dir.join("x_links.csv");
    std::fs::write(&links, "link_id,from_node\n1,2\n").unwrap();
    std::fs::write(dir.join("x_nodes.csv"), "node_id,lat,lon\n2,45,1\n").unwrap();
    let e = RoadNetwork::read(&links, &CarProfile::france(), &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing column `to_node`"), "{e}");
    // Formats are told by content: a file that is none of them is named.
    let junk = dir.join("roads.shp");
    std::fs::write(&junk, b"\x00\x01 not roads").unwrap();
    let e = RoadNetwork::read(&junk, &CarProfile::france(), &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown road network format") && e.contains("roads.shp"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
