//! Replays the reproducers of issue 16 (hardening), one test per case, named
//! after it: each now ends in a clear error (file, record, field, what to do)
//! with a non-zero exit, or in a stated warning. Cases that need
//! `../shared/data` are in `issue16_replay_full.rs` (full suite).
//!
//! `cargo test --release --test issue16_replay` prints the count of cases.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, refused, run, tmp};

#[test]
fn osm_xml_cut_after_a_closing_bracket() {
    let dir = tmp("r16-cut-osm");
    let good = std::fs::read(fixture("osm/tiny.osm")).unwrap();
    let cut = dir.join("cut.osm");
    std::fs::write(&cut, &good[..3813]).unwrap();
    assert_eq!(good[3812], b'>', "the reproducer cuts right after a `>`");
    refused(
        &["graph", "info", cut.to_str().unwrap()],
        &[
            "cut.osm:73: field `xml`",
            "before the closing </osm> tag",
            "truncated",
        ],
    );
}

#[test]
fn matsim_cut_after_a_closing_bracket() {
    let dir = tmp("r16-cut-matsim");
    let text = "<?xml version=\"1.0\"?>\n<network>\n<nodes>\n\
        <node id=\"a\" x=\"700000\" y=\"6600000\"/>\n<node id=\"b\" x=\"701000\" y=\"6600000\"/>\n</nodes>\n\
        <links>\n<link id=\"1\" from=\"a\" to=\"b\" length=\"1000\" freespeed=\"13.9\" capacity=\"1\" permlanes=\"1\" modes=\"car\"/>\n\
        <link id=\"2\" from=\"b\" to=\"a\" length=\"1000\" freespeed=\"13.9\" capacity=\"1\" permlanes=\"1\" modes=\"car\"/>\n";
    let cut = dir.join("net.xml");
    std::fs::write(&cut, text).unwrap();
    refused(
        &["graph", "info", cut.to_str().unwrap()],
        &["net.xml:", "field `xml`", "</network>", "truncated"],
    );
    std::fs::write(&cut, format!("{text}</links>\n</network>\n")).unwrap();
    let (ok, _, stderr) = run(&["graph", "info", cut.to_str().unwrap()], &[]);
    assert!(ok, "the whole file is read: {stderr}");
}

#[test]
fn osm_gz_cut_is_a_truncated_gzip_not_an_unknown_format() {
    use std::io::Write;
    let dir = tmp("r16-cut-gz");
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&std::fs::read(fixture("osm/tiny.osm")).unwrap())
        .unwrap();
    let z = e.finish().unwrap();
    let cut = dir.join("cut.osm.gz");
    std::fs::write(&cut, &z[..600]).unwrap();
    let stderr = refused(
        &["graph", "info", cut.to_str().unwrap()],
        &["cut.osm.gz: truncated gzip file", "get the whole file again"],
    );
    assert!(!stderr.contains("unknown road network format"), "{stderr}");
}

#[test]
fn facilities_in_the_bay_of_biscay_barcelona_geneva_brussels_freiburg() {
    let dir = tmp("r16-abroad");
    for (what, lon, lat) in [
        ("Bay of Biscay", -3.0, 45.0),
        ("Barcelona", 2.1734, 41.3851),
        ("Geneva", 6.1432, 46.2044),
        ("Brussels", 4.3517, 50.8503),
        ("Freiburg", 7.8421, 47.999),
    ] {
        let f = dir.join("sites.csv");
        std::fs::write(
            &f,
            format!("id,name,lon,lat\nA,Pau,-0.3533,43.3241\nB,{what},{lon},{lat}\n"),
        )
        .unwrap();
        let out = dir.join("out");
        refused(
            &[
                "access",
                "--dep",
                "64",
                "--facilities",
                f.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            &[
                "sites.csv:3: field `lon/lat`",
                "outside France",
                "more than 1 km from the land",
            ],
        );
        assert!(!out.join("access-64.csv").exists(), "{what}: nothing written");
    }
}

#[test]
fn scenario_open_in_the_bay_of_biscay() {
    let dir = tmp("r16-open");
    refused(
        &[
            "scenario",
            "--dep",
            "64",
            "--open",
            "X@-3.0:45.0",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[
            "--open `X@-3.0:45.0`",
            "outside France",
            "in the sea, or across a border",
        ],
    );
}

/// The shipped commune graph with one node changed, written as a valid
/// graph file (checksum and all), as a careless edit would leave it.
fn damaged_graph(dir: &Path, change: impl Fn(&mut medaccess::communes::CommuneNode)) -> PathBuf {
    use medaccess::communes::{fixtures, write_commune_graph};
    let mut g = fixtures::load_fixture_graph(&fixtures::default_dir()).unwrap();
    let k = g.nodes.iter().position(|n| n.insee == "64422").unwrap();
    change(&mut g.nodes[k]);
    // The file written is the links file: its node table is the links' one.
    if let Some(l) = g.links.as_mut() {
        let nodes = &mut std::sync::Arc::make_mut(l).nodes;
        let k = nodes.iter().position(|n| n.insee == "64422").unwrap();
        change(&mut nodes[k]);
    }
    let p = dir.join("damaged.medgraph.gz");
    write_commune_graph(&p, &g).unwrap();
    p
}

#[test]
fn commune_graph_with_a_nan_town_hall() {
    let dir = tmp("r16-nan-graph");
    let g = damaged_graph(&dir, |n| n.lon = f64::NAN);
    refused(
        &[
            "access",
            "--dep",
            "64",
            "--commune-graph",
            g.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ],
        &[
            "damaged.medgraph.gz:",
            "field `origin_lon`",
            "`NaN` is not a number",
        ],
    );
}

#[test]
fn population_18446744073709551615_written_as_minus_one() {
    let dir = tmp("r16-pop-graph");
    let g = damaged_graph(&dir, |n| n.population = Some(u64::MAX));
    refused(
        &[
            "access",
            "--dep",
            "64",
            "--commune-graph",
            g.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ],
        &[
            "damaged.medgraph.gz:",
            "field `population`",
            "18446744073709551615 inhabitants is more than any commune can have",
        ],
    );
    assert!(!dir.join("maternity-access-64-2023.csv").exists());
}

#[test]
fn gp_decay_gaussian_1e308_never_ended() {
    let dir = tmp("r16-decay");
    for decay in [
        "gaussian:1e308",
        "gaussian:200",
        "binary:121",
        "steps:10=1,500=0.5",
    ] {
        refused(
            &[
                "gp",
                "--dep",
                "64",
                "--decay",
                decay,
                "--out",
                dir.to_str().unwrap(),
            ],
            &[
                &format!("decay `{decay}`"),
                "beyond the longest catchment, 120 minutes",
            ],
        );
    }
}

#[test]
fn gp_add_64445_1e308() {
    let dir = tmp("r16-add");
    refused(
        &[
            "gp",
            "--dep",
            "64",
            "--add",
            "64445:1e308",
            "--out",
            dir.to_str().unwrap(),
        ],
        &["`64445:1e308`", "not a number of GPs above 0 and at most 10000"],
    );
    assert!(!dir.join("gp-access-64.geojson").exists());
}

#[test]
fn gp_note_says_commune_58062_appears_5478_times() {
    let dir = tmp("r16-bpe-note");
    let (ok, _, stderr) = run(&["gp", "--insee", "64445", "--out", dir.to_str().unwrap()], &[]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains(
            "gp-bpe-d201.csv:5478: commune 58062 is listed again with the same count: the repeat is ignored (counted once)"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("appears 5478 times") && !stderr.contains("counts added"),
        "{stderr}"
    );
}

#[test]
fn gp_practitioners_with_lon_lat_swapped() {
    let dir = tmp("r16-swapped-gps");
    let f = dir.join("gps.csv");
    std::fs::write(&f, "id,lon,lat\n1,43.2946,-0.3708\n2,43.1944,-0.6052\n").unwrap();
    refused(
        &[
            "gp",
            "--dep",
            "64",
            "--practitioners",
            f.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ],
        &[
            "gps.csv:2: field `lon/lat`",
            "latitude and longitude look swapped",
            "--lon-col and --lat-col",
        ],
    );
}

#[test]
fn thresholds_and_bands_out_of_range() {
    let dir = tmp("r16-threshold");
    let out = dir.to_str().unwrap();
    refused(
        &["access", "--dep", "64", "--threshold", "1e308", "--out", out],
        &["--threshold", "(0, 240]", "1e308"],
    );
    refused(
        &["access", "--dep", "64", "--bands", "10,20,1e9", "--out", out],
        &["--bands", "(0, 240]"],
    );
}

#[test]
fn gzip_bomb_stops_at_the_inflate_limit() {
    use std::io::Write;
    let dir = tmp("r16-bomb");
    // 64 MiB of one repeated row: 64 KiB gzipped
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(b"insee_com,dep,nb_d201\n").unwrap();
    let row = b"64445,64,1\n".repeat(1 << 16);
    for _ in 0..96 {
        e.write_all(&row).unwrap();
    }
    let f = dir.join("bomb.csv.gz");
    std::fs::write(&f, e.finish().unwrap()).unwrap();
    refused(
        &[
            "gp",
            "--insee",
            "64445",
            "--supply",
            f.to_str().unwrap(),
            "--max-inflate",
            "16M",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[
            "bomb.csv.gz: gzip data inflates to more than 16777216 bytes",
            "--max-inflate",
        ],
    );
}

#[test]
fn scenario_close_640000410_twice() {
    let dir = tmp("r16-close");
    let out = dir.to_str().unwrap();
    refused(
        &[
            "scenario",
            "--dep",
            "64",
            "--close",
            "640000410,640000410",
            "--out",
            out,
        ],
        &["`640000410` is given twice among the sites to close: give each site once"],
    );
    // once, in a year it is closed: says why, not "no such facility"
    let e = refused(
        &["scenario", "--dep", "64", "--close", "640000410", "--out", out],
        &["640000410 (CENTRE HOSPITALIER OLORON) is not open in 2023: listed in 2016 only"],
    );
    assert!(!e.contains("no such facility"), "{e}");
    let (ok, stdout, stderr) = run(&common::then(&common::OLORON_SCENARIO, &["--out", out]), &[]);
    assert!(ok && stdout.contains("newly beyond"), "{stderr}");
}

/// Point 8: `--communes-dir` moved facilities to other communes (France 2023:
/// 9,768 -> 9,580 communes beyond 40 min; Ambérieu 8.65 -> 3.04 min). The
/// same with the shipped data: without any polygon, the facilities of 64,
/// 40, 65 and 32 entered other communes. Now placement ignores polygons.
#[test]
fn communes_dir_moves_facilities_to_other_communes() {
    let dir = tmp("r16-placement");
    let bare = dir.join("no-polygons");
    std::fs::create_dir_all(bare.join("polygons")).unwrap();
    let csv = |out: &Path| std::fs::read_to_string(out.join("maternity-access-64-40-2023.csv")).unwrap();
    let (a, b) = (dir.join("a"), dir.join("b"));
    let (ok, _, e) = run(&["access", "--dep", "64,40", "--out", a.to_str().unwrap()], &[]);
    assert!(ok, "{e}");
    let (ok, _, e) = run(
        &[
            "access",
            "--dep",
            "64,40",
            "--communes-dir",
            bare.to_str().unwrap(),
            "--out",
            b.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{e}");
    let rows = |t: &str| t.lines().map(str::to_owned).collect::<Vec<_>>();
    let (ra, rb) = (rows(&csv(&a)), rows(&csv(&b)));
    assert_eq!(ra.len(), 873);
    let differ: Vec<(&String, &String)> = ra.iter().zip(&rb).filter(|(x, y)| x != y).collect();
    assert!(
        differ.is_empty(),
        "same facility placement, same minutes, with or without polygons: {} rows differ, first {:?}",
        differ.len(),
        differ.first()
    );
    // only the drawing differs: polygons, or points without them
    let gj = |out: &Path| std::fs::read_to_string(out.join("maternity-access-64-40-2023.geojson")).unwrap();
    assert!(gj(&a).contains("MultiPolygon") && !gj(&b).contains("MultiPolygon"));
}

/// A copy of the shipped polygons of 64 in `dir/polygons`, with `change`
/// applied to the GeoJSON features.
fn polygons_of_64(dir: &Path, change: impl FnOnce(&mut Vec<serde_json::Value>)) -> PathBuf {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(fixture("polygons/dep-64.geojson.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut fc: serde_json::Value = serde_json::from_str(&text).unwrap();
    change(fc["features"].as_array_mut().unwrap());
    let d = dir.join("communes");
    std::fs::create_dir_all(d.join("polygons")).unwrap();
    std::fs::write(d.join("polygons/dep-64.geojson"), fc.to_string()).unwrap();
    d
}

fn feature_of(fs: &[serde_json::Value], insee: &str) -> usize {
    fs.iter().position(|f| f["properties"]["insee"] == insee).unwrap()
}

#[test]
fn commune_polygons_swapped() {
    let dir = tmp("r16-poly-swap");
    let d = polygons_of_64(&dir, |fs| {
        let (i, j) = (feature_of(fs, "64445"), feature_of(fs, "64422"));
        let g = fs[i]["geometry"].take();
        fs[i]["geometry"] = fs[j]["geometry"].take();
        fs[j]["geometry"] = g;
    });
    let out = dir.join("out");
    refused(
        &[
            "access",
            "--dep",
            "64",
            "--communes-dir",
            d.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[
            "dep-64.geojson:410: field `geometry`",
            "the polygon of commune 64422 Oloron-Sainte-Marie lies 20.7 km from the commune's origin",
            "it lies around commune 64445 Pau (swapped polygons?)",
            "drop --communes-dir",
        ],
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn commune_polygon_moved_500_km() {
    let dir = tmp("r16-poly-moved");
    let d = polygons_of_64(&dir, |fs| {
        let i = feature_of(fs, "64445");
        for poly in fs[i]["geometry"]["coordinates"].as_array_mut().unwrap() {
            for ring in poly.as_array_mut().unwrap() {
                for p in ring.as_array_mut().unwrap() {
                    p[0] = (p[0].as_f64().unwrap() + 6.2).into();
                }
            }
        }
    });
    refused(
        &[
            "access",
            "--dep",
            "64",
            "--communes-dir",
            d.to_str().unwrap(),
            "--out",
            dir.join("o").to_str().unwrap(),
        ],
        &[
            "dep-64.geojson:",
            "the polygon of commune 64445 Pau lies 499.9 km from the commune's origin",
            "misplaced",
        ],
    );
}

#[test]
fn commune_polygon_self_intersecting_is_repaired_and_said() {
    let dir = tmp("r16-poly-bowtie");
    let d = polygons_of_64(&dir, |fs| {
        let i = feature_of(fs, "64445");
        // Pau's town hall is at (-0.370821, 43.294562): a bow tie over it
        let (x, y) = (-0.370821, 43.294562);
        fs[i]["geometry"] = serde_json::json!({"type": "MultiPolygon", "coordinates": [[[
            [x - 0.02, y - 0.02], [x + 0.02, y + 0.02], [x + 0.02, y - 0.02], [x - 0.02, y + 0.02], [x - 0.02, y - 0.02]
        ]]]});
    });
    let out = dir.join("out");
    let (ok, _, stderr) = run(
        &[
            "access",
            "--dep",
            "64",
            "--communes-dir",
            d.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let said = "the polygon of commune 64445 Pau was invalid (";
    assert!(stderr.contains("warning: ") && stderr.contains(said), "{stderr}");
    let summary = std::fs::read_to_string(out.join("maternity-access-64-2023-summary.txt")).unwrap();
    assert!(
        summary.contains("warnings (1):") && summary.contains(said),
        "{summary}"
    );
    // the layer holds a valid polygon for Pau
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("maternity-access-64-2023.geojson")).unwrap())
            .unwrap();
    let pau = gj["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["insee"] == "64445")
        .unwrap();
    let g: geojson::Geometry = serde_json::from_value(pau["geometry"].clone()).unwrap();
    let mp: geo::MultiPolygon<f64> = g.try_into().unwrap();
    assert!(geo::Validation::is_valid(&mp));
}

#[test]
fn road_network_that_misses_the_scope_st_barthelemy_roads_with_dep_64() {
    let dir = tmp("r16-misses");
    let out = dir.join("out");
    let roads = fixture("osm/saint_barthelemy.osm.pbf");
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "access",
            "--dep",
            "64",
            "--roads",
            roads.to_str().unwrap(),
            "--no-roads-cache",
        ];
        a.extend_from_slice(extra);
        a.extend(["--out", out.to_str().unwrap()]);
        a.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let a = args(&[]);
    refused(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &[
            "saint_barthelemy.osm.pbf misses the scope: 545 of the 545 communes in scope (100 %) are farther than 1000 m",
            "more than the 25 % allowed (--snap-share-max)",
            "--allow-sparse-network",
        ],
    );
    assert!(
        !out.join("maternity-access-64-2023.csv").exists(),
        "no result written"
    );
    // for the brave: a warning, printed and in the summary
    let a = args(&["--allow-sparse-network"]);
    let (ok, _, stderr) = run(&a.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    assert!(ok, "{stderr}");
    let summary = std::fs::read_to_string(out.join("maternity-access-64-2023-summary.txt")).unwrap();
    assert!(
        summary.contains("misses the scope") && summary.contains("(run anyway: --allow-sparse-network)"),
        "{summary}"
    );
}

#[test]
fn road_network_of_fragments_st_brieuc_extract_with_dep_22() {
    let dir = tmp("r16-fragments");
    let roads = fixture("osm/St_Brieuc-Loudeac.osm.pbf");
    refused(
        &[
            "access",
            "--dep",
            "22",
            "--roads",
            roads.to_str().unwrap(),
            "--no-roads-cache",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[
            "St_Brieuc-Loudeac.osm.pbf is fragments, not a network",
            "its largest connected part keeps 3 of its 118 nodes (2.5 %, less than 50 %",
        ],
    );
}

#[test]
fn road_network_read_with_a_wrong_roads_epsg() {
    let dir = tmp("r16-epsg");
    // a 4 km square of two-way roads around Pau's town hall, in Lambert-93,
    // in a MATSim file that names no CRS (so --roads-epsg decides)
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<network>\n<nodes>\n");
    let pts = [
        (421_000, 6_249_000),
        (425_000, 6_249_000),
        (425_000, 6_253_000),
        (421_000, 6_253_000),
        (423_000, 6_251_000),
    ];
    for (k, (x, y)) in pts.iter().enumerate() {
        xml += &format!("<node id=\"{k}\" x=\"{x}\" y=\"{y}\"/>\n");
    }
    xml += "</nodes>\n<links>\n";
    let mut id = 0;
    for (a, b) in [(0, 1), (1, 2), (2, 3), (3, 0), (0, 4), (4, 2)] {
        for (f, t) in [(a, b), (b, a)] {
            id += 1;
            xml += &format!(
                "<link id=\"{id}\" from=\"{f}\" to=\"{t}\" length=\"4000\" freespeed=\"13.9\" capacity=\"600\" permlanes=\"1\" modes=\"car\"/>\n"
            );
        }
    }
    xml += "</links>\n</network>\n";
    let net = dir.join("pau.xml");
    std::fs::write(&net, xml).unwrap();
    let go = |epsg: &str| {
        vec![
            "access".to_string(),
            "--insee".into(),
            "64445".into(),
            "--roads".into(),
            net.to_str().unwrap().into(),
            "--roads-epsg".into(),
            epsg.into(),
            "--snap-limit-m".into(),
            "3000".into(),
            "--no-roads-cache".into(),
            "--out".into(),
            dir.join(epsg).to_str().unwrap().into(),
        ]
    };
    let a = go("2154");
    let (ok, _, stderr) = run(&a.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    assert!(ok, "the right CRS: {stderr}");
    // Web Mercator metres put the square near Reims
    let a = go("3857");
    refused(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &[
            "pau.xml misses the scope: 1 of the 1 communes in scope (100 %) are farther than 3000 m",
            "--roads-epsg",
        ],
    );
}

#[test]
fn split_by_dep_with_a_dep_from_the_commune_graph_escaping_out() {
    let dir = tmp("r16-dep-graph");
    let g = damaged_graph(&dir, |n| n.dep = "../../ESCAPED".into());
    let out = dir.join("a/b/out");
    refused(
        &[
            "access",
            "--insee",
            "64422",
            "--split-by-dep",
            "--commune-graph",
            g.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[
            "damaged.medgraph.gz:",
            "field `dep`",
            "`../../ESCAPED` is not a département code",
            "rebuild it with `medaccess graph build-communes`",
        ],
    );
    let escaped: Vec<_> = walk(&dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("ESCAPED"))
        .collect();
    assert!(escaped.is_empty(), "{escaped:?}");
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
