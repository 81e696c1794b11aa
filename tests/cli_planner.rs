//! Planner commands end to end on the shipped fixtures: the Oloron closure
//! as a scenario, the closure ranking, site selection, history, and valid
//! catchment / isochrone polygons as GDAL sees them.

mod common;

#[cfg(feature = "full-suite")]
use common::ogrinfo;
use common::{OLORON_SCENARIO, README_ACCESS, run, then, tmp};

#[test]
fn oloron_scenario_and_ranking() {
    let dir = tmp("scenario");
    let out = dir.to_str().unwrap();
    let (ok, stdout, stderr) = run(&then(&OLORON_SCENARIO, &["--out", out]), &[]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("64104 Bedous"),
        "the Aspe valley newly beyond 40 min: {stdout}"
    );
    let changed = dir.join("scenario-64-2016-close-640000410-changed.geojson");
    let features = common::features(&changed);
    assert!(!features.is_empty());
    for f in &features {
        let p = f.properties.as_ref().unwrap();
        assert!(
            p["delta_min"].is_number() && p["newly_beyond"].is_boolean(),
            "{p:?}"
        );
    }
    #[cfg(feature = "full-suite")]
    {
        let info = ogrinfo(&changed, &["-so", "-al"]);
        assert!(info.contains("delta_min: Real"), "{info}");
        assert!(info.contains("newly_beyond: Integer(Boolean)"), "{info}");
    }
    // the same change as the DREES list from 2016 to 2017 in 64
    let (ok, cmp, _) = run(&then(&README_ACCESS, &["--out", out]), &[]);
    assert!(ok);
    let newly = |s: &str| {
        s.lines()
            .find(|l| l.contains("newly beyond"))
            .and_then(|l| l.split("newly beyond").next())
            .map(|x| x.to_string())
            .unwrap_or_default()
    };
    assert!(!newly(&cmp).is_empty() && !newly(&stdout).is_empty());

    // closing an unknown FINESS number is a clear error
    let (ok, _, stderr) = run(
        &[
            "scenario",
            "--dep",
            "64",
            "--year",
            "2016",
            "--close",
            "640009999",
            "--out",
            out,
        ],
        &[],
    );
    assert!(!ok);
    assert!(stderr.contains("640009999"), "{stderr}");

    let (ok, stdout, stderr) = run(&["rank", "--dep", "64", "--year", "2016", "--out", out], &[]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("640000410"), "Oloron in the ranking: {stdout}");
    let rows = std::fs::read_to_string(dir.join("rank-64-2016.csv")).unwrap();
    assert!(rows.lines().count() >= 6);
}

#[test]
fn site_selection_and_history() {
    let dir = tmp("site");
    let out = dir.to_str().unwrap();
    let (ok, stdout, stderr) = run(
        &[
            "site", "--dep", "64", "--year", "2017", "--add", "2", "--out", out,
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("1. 64") && stdout.contains("2. 64"), "{stdout}");
    assert_eq!(common::features(&dir.join("sites-64-2017.geojson")).len(), 2);
    #[cfg(feature = "full-suite")]
    {
        let info = ogrinfo(&dir.join("sites-64-2017.geojson"), &["-so", "-al"]);
        assert!(info.contains("Feature Count: 2"), "{info}");
    }

    let (ok, stdout, stderr) = run(&["history", "--dep", "64", "--out", out], &[]);
    assert!(ok, "{stderr}");
    for y in 2013..=2023 {
        assert!(stdout.contains(&format!("  {y}: ")), "{y} in {stdout}");
    }
    assert!(
        stdout.contains("CENTRE HOSPITALIER OLORON (640000410) gone"),
        "{stdout}"
    );
    assert!(
        stdout.contains("CENTRE HOSPITALIER D'ORTHEZ (640000402) gone"),
        "{stdout}"
    );
    let svg = std::fs::read_to_string(dir.join("history-64.svg")).unwrap();
    assert!(svg.starts_with("<svg") || svg.contains("<svg"));
}

#[test]
fn catchments_and_isochrones_are_valid_polygons() {
    let dir = tmp("areas");
    let out = dir.to_str().unwrap();
    for (cmd, layer) in [
        ("catchments", "catchments-64-2023"),
        ("isochrones", "isochrones-64-2023"),
    ] {
        let (ok, _, stderr) = run(&[cmd, "--dep", "64", "--year", "2023", "--out", out], &[]);
        assert!(ok, "{stderr}");
        let f = dir.join(format!("{layer}.geojson"));
        let features = common::features(&f);
        assert!(features.len() >= 4);
        let population: i64 = features
            .iter()
            .map(|x| x.properties.as_ref().unwrap()["population"].as_i64().unwrap())
            .sum();
        assert_eq!(population, 677_309, "population of 64 split without loss");
        // GEOS's validity of every polygon, through GDAL (full suite).
        #[cfg(feature = "full-suite")]
        gdal_valid_polygons(&f, layer, features.len());
    }
}

/// Every polygon of a layer valid for GEOS (through GDAL), and its
/// population whole (full suite: needs ogrinfo).
#[cfg(feature = "full-suite")]
fn gdal_valid_polygons(f: &std::path::Path, layer: &str, n: usize) {
    let q = ogrinfo(
        f,
        &[
            "-dialect",
            "SQLite",
            "-sql",
            &format!(
                "SELECT COUNT(*) AS n, SUM(ST_IsValid(geometry)) AS valid, SUM(population) AS pop FROM \"{layer}\""
            ),
        ],
    );
    let get = |k: &str| common::sql_int(&q, k);
    assert_eq!(get("n") as usize, n, "{q}");
    assert_eq!(get("n"), get("valid"), "every polygon valid: {q}");
    assert_eq!(get("pop"), 677_309, "population of 64 split without loss: {q}");
}

/// Every planner command writes the same bytes with 1 and 2 threads.
#[test]
fn planner_outputs_same_bytes_whatever_the_thread_count() {
    let cmds: &[&[&str]] = &[
        &OLORON_SCENARIO,
        &["rank", "--dep", "64,65", "--year", "2016"],
        &["site", "--dep", "64", "--year", "2017", "--add", "2"],
        &["catchments", "--dep", "64", "--year", "2023"],
        &["isochrones", "--dep", "64", "--year", "2023"],
        &["gp", "--dep", "64", "--add", "64104:1"],
        &["history", "--dep", "65"],
    ];
    for cmd in cmds {
        let mut outs = Vec::new();
        for threads in ["1", "2"] {
            let dir = tmp(&format!("det-{}-{threads}", cmd[0]));
            let args = then(cmd, &["--out", dir.to_str().unwrap()]);
            let (ok, _, stderr) = run(&args, &[("RAYON_NUM_THREADS", threads)]);
            assert!(ok, "{cmd:?}: {stderr}");
            outs.push(common::files_of(&dir));
        }
        assert!(!outs[0].is_empty(), "{cmd:?} wrote nothing");
        assert_eq!(outs[0].len(), outs[1].len(), "{cmd:?}");
        for (a, b) in outs[0].iter().zip(&outs[1]) {
            assert_eq!(a.0, b.0);
            assert!(a.1 == b.1, "{cmd:?}: {} differs between 1 and 2 threads", a.0);
        }
    }
}

/// On a real road network, isochrones are contours of a grid of travel
/// times over the reached roads: valid polygons, the nearest band around the
/// hospitals.
#[cfg(feature = "full-suite")]
#[test]
fn isochrones_on_real_roads_are_valid_contours() {
    let dir = tmp("iso-roads");
    let links = common::shared("osm-fr-corse/corsica_links.csv.gz");
    let (ok, stdout, stderr) = run(
        &[
            "isochrones",
            "--dep",
            "2A,2B",
            "--year",
            "2023",
            "--roads",
            links.to_str().unwrap(),
            "--no-roads-cache",
            "--cell-m",
            "500",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("0-10"), "{stdout}");
    let layer = "isochrones-2A-2B-2023";
    let q = ogrinfo(
        &dir.join(format!("{layer}.geojson")),
        &[
            "-dialect",
            "SQLite",
            "-sql",
            &format!(
                "SELECT COUNT(*) AS n, SUM(ST_IsValid(geometry) = 1) AS valid, SUM(geometry IS NOT NULL) AS drawn FROM \"{layer}\""
            ),
        ],
    );
    let get = |k: &str| common::sql_int(&q, k);
    assert!(get("drawn") >= 5, "{q}");
    assert_eq!(get("valid"), get("drawn"), "every drawn band is valid: {q}");
}
