//! The main job end to end, through the real binary and the shipped
//! fixtures: outputs read back by GDAL, the Oloron closure, determinism
//! whatever the thread count, and clear errors with no partial output.

mod common;

#[cfg(feature = "full-suite")]
use common::ogrinfo;
use common::{README_ACCESS, col, read_csv, run, then, tmp};

#[test]
fn access_64_2016_vs_2017_outputs_open_in_gdal() {
    let dir = tmp("access64");
    let out = dir.to_str().unwrap();
    let (ok, stdout, stderr) = run(&then(&README_ACCESS, &["--out", out]), &[]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("545 communes, population 677 309"), "{stdout}");
    assert!(stdout.contains("== 2016 -> 2017"), "{stdout}");
    assert!(
        stdout.contains("640000410 CENTRE HOSPITALIER OLORON"),
        "Oloron listed as closed: {stdout}"
    );
    // every output names the engine and its profile's tag (issue 14)
    let engine = format!(
        "commune-estimate {}",
        medaccess::communes::CommuneProfile::default().tag()
    );
    assert!(stderr.contains(&format!("engine={engine}")), "{stderr}");

    for year in ["2016", "2017"] {
        let gj = dir.join(format!("maternity-access-64-{year}.geojson"));
        let features = common::features(&gj);
        assert_eq!(features.len(), 545);
        assert_eq!(common::geometry_types(&features), ["MultiPolygon"].into());
        let fac = common::features(&dir.join(format!("maternity-access-64-{year}-facilities.geojson")));
        assert_eq!(common::geometry_types(&fac), ["Point"].into());
        assert!(dir.join(format!("maternity-access-64-{year}.qml")).exists());
        // The same layers as QGIS reads them, through GDAL (full suite).
        #[cfg(feature = "full-suite")]
        gdal_view_of_the_layers(&dir, year, &engine);
    }
    // Oloron-Sainte-Marie: its own maternity in 2016, elsewhere in 2017
    let nearest = |year: &str| {
        let p = dir.join(format!("maternity-access-64-{year}.csv"));
        let (h, rows) = read_csv(&p);
        let (ci, cf, cm, ce) = (
            col(&h, "insee"),
            col(&h, "facility_id"),
            col(&h, "minutes"),
            col(&h, "engine"),
        );
        assert_eq!(rows.len(), 545);
        assert!(rows.iter().all(|r| r[ce] == engine));
        let r = rows.iter().find(|r| &r[ci] == "64422").unwrap().clone();
        (r[cf].to_string(), r[cm].parse::<f64>().unwrap())
    };
    let (f16, m16) = nearest("2016");
    let (f17, m17) = nearest("2017");
    assert_eq!(f16, "640000410");
    assert!(m16 < 10.0, "{m16}");
    assert_ne!(f17, "640000410");
    assert!(m17 > m16 + 15.0, "{m16} -> {m17}");
}

/// GDAL's reading of one year's layers: what QGIS sees (full suite: needs ogrinfo).
#[cfg(feature = "full-suite")]
fn gdal_view_of_the_layers(dir: &std::path::Path, year: &str, engine: &str) {
    let gj = dir.join(format!("maternity-access-64-{year}.geojson"));
    let info = ogrinfo(&gj, &["-so", "-al"]);
    assert!(info.contains("Feature Count: 545"), "{info}");
    assert!(info.contains("Geometry: Multi Polygon"), "{info}");
    assert!(info.contains("ID[\"EPSG\",4326]"), "WGS84: {info}");
    for field in [
        "insee: String",
        "population: Integer",
        "minutes: Real",
        "beyond_threshold: Integer(Boolean)",
        "engine: String",
        "origin_source: String",
    ] {
        assert!(info.contains(field), "{field} in {info}");
    }
    // every feature says which engine made it
    let q = ogrinfo(
        &gj,
        &[
            "-dialect",
            "SQLite",
            "-sql",
            &format!("SELECT COUNT(*) AS n FROM \"maternity-access-64-{year}\" WHERE engine = '{engine}'"),
        ],
    );
    assert_eq!(common::sql_int(&q, "n"), 545, "{q}");
    let fac = ogrinfo(
        &dir.join(format!("maternity-access-64-{year}-facilities.geojson")),
        &["-so", "-al"],
    );
    assert!(fac.contains("Geometry: Point"), "{fac}");
}

#[test]
fn same_bytes_whatever_the_thread_count() {
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let dir = tmp(&format!("threads{threads}"));
        let (ok, _, stderr) = run(
            &[
                "access",
                "--dep",
                "64,65,40",
                "--year",
                "2023",
                "--format",
                "geojson,gpkg,csv",
                "--out",
                dir.to_str().unwrap(),
            ],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert!(ok, "{stderr}");
        outs.push(common::files_of(&dir));
    }
    assert!(outs[0].len() >= 5);
    assert!(
        outs[0].iter().any(|(n, _)| n.ends_with(".gpkg")),
        "the GeoPackage too"
    );
    let names = |o: &Vec<(String, Vec<u8>)>| o.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&outs[0]), names(&outs[1]));
    for (a, b) in outs[0].iter().zip(&outs[1]) {
        assert!(a.1 == b.1, "{} differs between 1 and 2 threads", a.0);
    }
}

#[test]
fn whole_france_in_one_run() {
    let dir = tmp("france");
    let (ok, stdout, stderr) = run(
        &[
            "access",
            "--france",
            "--year",
            "2023",
            "--split-by-dep",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    // 101 départements, one GeoJSON each, plus the facilities layer
    let n = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().to_string_lossy().ends_with(".geojson"))
        .count();
    assert_eq!(n, 102, "{stdout}");
    let corse = common::features(&dir.join("maternity-access-france-2023-2B.geojson"));
    assert_eq!(
        common::geometry_types(&corse),
        ["Point"].into(),
        "no polygons shipped for 2B"
    );
    #[cfg(feature = "full-suite")]
    let info = ogrinfo(
        &dir.join("maternity-access-france-2023-2B.geojson"),
        &["-so", "-al"],
    );
    #[cfg(feature = "full-suite")]
    assert!(
        info.contains("Geometry: Point"),
        "no polygons shipped for 2B: points {info}"
    );
}

/// Bad input: a clear error naming file, line and field, a non-zero exit,
/// and no output file.
#[test]
fn bad_facility_files_fail_cleanly() {
    let dir = tmp("bad");
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "swapped.csv",
            b"id;name;lon;lat\nA;a;-0.37;43.29\nB;b;43.49;-1.47\n",
            "swapped.csv:3: field `lon/lat`",
        ),
        (
            "outside.csv",
            b"id,name,lon,lat\nA,a,-70.0,10.0\n",
            "outside.csv:2",
        ),
        ("missing.csv", b"id;name;lon\nA;a;-0.37\n", "lat"),
        ("empty.csv", b"", "empty.csv"),
        ("delim.csv", b"id|name|lon|lat\nA|a|-0.37|43.29\n", "delim.csv"),
        (
            "notnum.csv",
            b"id;name;lon;lat\nA;a;-0.37;north\n",
            "notnum.csv:2: field `lat`",
        ),
    ];
    for (name, bytes, expect) in cases {
        let f = dir.join(name);
        std::fs::write(&f, bytes).unwrap();
        let out = dir.join(format!("out-{name}"));
        let (ok, _, stderr) = run(
            &[
                "access",
                "--dep",
                "64",
                "--facilities",
                f.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            &[],
        );
        assert!(!ok, "{name} must fail");
        assert!(
            stderr.contains(expect),
            "{name}: expected `{expect}` in: {stderr}"
        );
        let written: Vec<_> = std::fs::read_dir(&out)
            .map(|d| d.collect())
            .unwrap_or_else(|_| Vec::new());
        assert!(written.is_empty(), "{name}: nothing written, found {written:?}");
    }
    // a Latin-1 file decodes (the FINESS extract is Latin-1)
    let f = dir.join("latin1.csv");
    std::fs::write(&f, b"id;name;lon;lat\nA;Maternit\xe9 de Pau;-0.37;43.29\n").unwrap();
    let out = dir.join("out-latin1");
    let (ok, _, stderr) = run(
        &[
            "access",
            "--dep",
            "64",
            "--facilities",
            f.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let facs = std::fs::read_to_string(out.join("access-64-facilities.geojson")).unwrap();
    assert!(facs.contains("Maternité de Pau"));
}

#[test]
fn bad_arguments_fail_cleanly() {
    for (args, expect) in [
        (vec!["access", "--dep", "99"], "unknown département code `99`"),
        (vec!["access", "--insee", "64999"], "64999"),
        (vec!["access", "--region", "12"], "unknown INSEE region code `12`"),
        (vec!["access", "--dep", "64", "--year", "2031"], "2031"),
        (vec!["access", "--dep", "64", "--bands", "10,5"], "--bands"),
        (vec!["access"], "--dep 64"),
    ] {
        let (ok, _, stderr) = run(&args, &[]);
        assert!(!ok, "{args:?}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
    }
}

/// A user's own communes (GeoJSON polygons, or a CSV of points with its own
/// column names) become a commune graph that `access` runs on.
#[cfg(feature = "full-suite")]
#[test]
fn user_communes_build_a_graph() {
    let dir = tmp("usercommunes");
    let g = dir.join("g.medgraph.gz");
    let poly = common::shared("communes-france/polygons/dep-64.geojson");
    let (ok, stdout, stderr) = run(
        &[
            "graph",
            "build-communes",
            "--geojson",
            poly.to_str().unwrap(),
            "--out",
            g.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("545 communes"), "{stdout}");
    let out = dir.join("out");
    let (ok, stdout, stderr) = run(
        &[
            "access",
            "--dep",
            "64",
            "--year",
            "2016",
            "--commune-graph",
            g.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("545 communes, population 677 309"), "{stdout}");

    // points CSV with other column names and `;`
    let csv = dir.join("pts.csv");
    std::fs::write(
        &csv,
        "code;libelle;pop;x;y\n64422;Oloron;10684;-0.605171;43.194390\n64445;Pau;77130;-0.370821;43.294562\n",
    )
    .unwrap();
    let g2 = dir.join("g2.medgraph.gz");
    let args = [
        "graph",
        "build-communes",
        "--points",
        csv.to_str().unwrap(),
        "--col-insee",
        "code",
        "--col-name",
        "libelle",
        "--col-population",
        "pop",
        "--col-lon",
        "x",
        "--col-lat",
        "y",
        "--delimiter",
        ";",
        "--out",
        g2.to_str().unwrap(),
    ];
    let (ok, stdout, stderr) = run(&args, &[]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("2 communes"), "{stdout}");
    // the same file with a column missing: the error names file and column
    std::fs::write(&csv, "code;libelle;pop;x\n64422;Oloron;10684;-0.605171\n").unwrap();
    let (ok, _, stderr) = run(&args, &[]);
    assert!(!ok);
    assert!(stderr.contains("pts.csv") && stderr.contains('y'), "{stderr}");
    assert!(!g2.exists() || std::fs::read(&g2).is_ok());
}

/// `--roads`: the same command on a real road network (Corsica's, from
/// OpenStreetMap via MATSim, as a link table), with the snap distance of
/// every commune, the cache reused on the second run, and the engine named
/// on every row.
#[cfg(feature = "full-suite")]
#[test]
fn access_on_real_roads_corsica() {
    let dir = tmp("roads");
    let cache = dir.join("cache");
    let links = common::shared("osm-fr-corse/corsica_links.csv.gz");
    let args = |out: &str| {
        vec![
            "access".to_string(),
            "--dep".into(),
            "2A,2B".into(),
            "--year".into(),
            "2023".into(),
            "--roads".into(),
            links.to_str().unwrap().into(),
            "--roads-cache".into(),
            cache.to_str().unwrap().into(),
            "--out".into(),
            out.into(),
        ]
    };
    let first = dir.join("a");
    let a1 = args(first.to_str().unwrap());
    let (ok, stdout, stderr) = run(&a1.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("engine=links"), "{stderr}");
    assert!(
        stderr.contains("OpenStreetMap contributors"),
        "ODbL credit: {stderr}"
    );
    assert!(stdout.contains("360 communes"), "{stdout}");
    assert!(std::fs::read_dir(&cache).unwrap().count() >= 1, "cache written");
    let second = dir.join("b");
    let a2 = args(second.to_str().unwrap());
    let (ok, _, stderr) = run(&a2.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    assert!(ok, "{stderr}");
    let f = |d: &std::path::Path| std::fs::read(d.join("maternity-access-2A-2B-2023.csv")).unwrap();
    assert_eq!(f(&first), f(&second), "same answer from the cache");
    let info = ogrinfo(
        &first.join("maternity-access-2A-2B-2023.geojson"),
        &["-so", "-al"],
    );
    assert!(info.contains("snap_m: Real"), "{info}");
    assert!(info.contains("Feature Count: 360"), "{info}");
    let csv = String::from_utf8(f(&first)).unwrap();
    assert!(
        csv.lines().skip(1).all(|l| l.ends_with(",links")),
        "engine on every row"
    );
    // Ajaccio's town hall is a few minutes from the Ajaccio hospital on real roads
    let ajaccio = csv.lines().find(|l| l.starts_with("2A004,")).unwrap();
    let minutes: f64 = ajaccio.split(',').nth(6).unwrap().parse().unwrap();
    assert!(minutes < 15.0, "{ajaccio}");
}
