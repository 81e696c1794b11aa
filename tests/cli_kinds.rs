//! Any facility kind through every command: the emergency departments of a
//! user file (fixtures/urgences-64-65-40.csv, eleven real hospitals with an
//! emergency department, FINESS/Eurostat positions) ranked, closed, added
//! to, dissolved into catchments and bands, with the emergency kind's
//! defaults (30 minutes, bands 10/20/30/45/60).

mod common;

use common::{col, read_csv, run, tmp};

const URGENCES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/urgences-64-65-40.csv");

/// The facility ids of the fixture.
fn ids() -> Vec<String> {
    let mut r = csv::Reader::from_path(URGENCES).unwrap();
    r.records().map(|x| x.unwrap()[0].to_string()).collect()
}

/// Runs a command on the emergency departments of the fixture, 64 in scope.
fn urgences(cmd: &[&str], dir: &std::path::Path) -> String {
    let mut args: Vec<&str> = cmd.to_vec();
    args.extend([
        "--dep",
        "64",
        "--kind",
        "emergency",
        "--facilities",
        URGENCES,
        "--id-col",
        "finess",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let (ok, stdout, stderr) = run(&args, &[]);
    assert!(ok, "{cmd:?}: {stderr}");
    stdout
}

#[test]
fn access_uses_the_kind_defaults() {
    let dir = tmp("kind-access");
    let stdout = urgences(&["access"], &dir);
    assert!(stdout.contains("== Emergency departments from"), "{stdout}");
    assert!(
        stdout.contains("beyond 30 min"),
        "threshold of the kind: {stdout}"
    );
    let (h, rows) = read_csv(&dir.join("emergency-access-64.csv"));
    assert_eq!(rows.len(), 545);
    let ids = ids();
    let (t, f, b) = (col(&h, "threshold_min"), col(&h, "facility_id"), col(&h, "band"));
    assert!(rows.iter().all(|r| &r[t] == "30.0"));
    assert!(rows.iter().all(|r| ids.iter().any(|i| i == &r[f])));
    let bands: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[b]).collect();
    assert!(bands.contains("30-45"), "the kind's bands: {bands:?}");
    // Oloron-Sainte-Marie has its own emergency department.
    let oloron = rows.iter().find(|r| &r[0] == "64422").unwrap();
    assert_eq!(&oloron[f], "640000410");
}

#[test]
fn rank_closures_of_emergency_departments() {
    let dir = tmp("kind-rank");
    let report = dir.join("rank.html");
    let mut args = vec!["rank", "--report", report.to_str().unwrap()];
    args.extend(["--lang", "fr"]);
    let stdout = urgences(&args, &dir);
    assert!(
        stdout.contains("If one emergency department of") && stdout.contains("beyond 30 min"),
        "{stdout}"
    );
    let (h, rows) = read_csv(&dir.join("rank-64-emergency.csv"));
    let ids = ids();
    let (f, newly, served) = (
        col(&h, "facility_id"),
        col(&h, "population_newly_beyond"),
        col(&h, "population_served"),
    );
    assert!(rows.len() >= 5 && rows.len() <= ids.len(), "{rows:?}");
    assert!(rows.iter().all(|r| ids.iter().any(|i| i == &r[f])));
    // Ranked by population newly beyond, every commune served once.
    let n: Vec<u64> = rows.iter().map(|r| r[newly].parse().unwrap()).collect();
    assert!(n.windows(2).all(|w| w[0] >= w[1]), "{n:?}");
    let total: u64 = rows.iter().map(|r| r[served].parse::<u64>().unwrap()).sum();
    assert_eq!(total, 677_309);
    // The report speaks of emergency departments and credits the file.
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("services d'urgences, 11 retenus"),
        "kind nouns in the report"
    );
    assert!(html.contains("urgences-64-65-40.csv"), "the user file credited");
}

#[test]
fn scenario_closing_oloron_emergency_department() {
    let dir = tmp("kind-scenario");
    let stdout = urgences(&["scenario", "--close", "640000410"], &dir);
    assert!(
        stdout.contains("Scenario on the emergency departments of"),
        "{stdout}"
    );
    let (h, rows) = read_csv(&dir.join("scenario-64-emergency-close-640000410.csv"));
    let (bf, af, d) = (
        col(&h, "before_facility_id"),
        col(&h, "after_facility_id"),
        col(&h, "delta_min"),
    );
    // The Aspe valley (Bedous) loses its nearest emergency department and
    // drives farther.
    let bedous = rows.iter().find(|r| &r[0] == "64104").unwrap();
    assert_eq!(&bedous[bf], "640000410");
    assert_ne!(&bedous[af], "640000410");
    assert!(bedous[d].parse::<f64>().unwrap() > 10.0, "{bedous:?}");
    assert!(rows.iter().all(|r| &r[af] != "640000410"));
    assert!(!common::features(&dir.join("scenario-64-emergency-close-640000410-changed.geojson")).is_empty());
}

#[test]
fn new_emergency_sites() {
    let dir = tmp("kind-site");
    let stdout = urgences(&["site", "--add", "2"], &dir);
    assert!(stdout.contains("== New emergency department sites"), "{stdout}");
    let (h, rows) = read_csv(&dir.join("sites-64-emergency.csv"));
    assert_eq!(rows.len(), 2);
    let g = col(&h, "gain_population");
    let gains: Vec<u64> = rows.iter().map(|r| r[g].parse().unwrap()).collect();
    assert!(gains[0] >= gains[1] && gains[1] > 0, "{gains:?}");
}

#[test]
fn emergency_catchments_and_bands() {
    let dir = tmp("kind-areas");
    let stdout = urgences(&["catchments"], &dir);
    assert!(
        stdout.contains("catchments of the emergency departments of"),
        "{stdout}"
    );
    let catchments = common::features(&dir.join("catchments-64-emergency.geojson"));
    let ids = ids();
    assert!(catchments.len() >= 5 && catchments.len() <= ids.len());
    let population = |f: &Vec<geojson::Feature>| -> i64 {
        f.iter()
            .map(|x| x.properties.as_ref().unwrap()["population"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(population(&catchments), 677_309);

    let stdout = urgences(&["isochrones"], &dir);
    assert!(stdout.contains("nearest emergency department of"), "{stdout}");
    let bands = common::features(&dir.join("isochrones-64-emergency.geojson"));
    assert_eq!(population(&bands), 677_309);
    let labels: Vec<String> = bands
        .iter()
        .map(|x| {
            x.properties.as_ref().unwrap()["band"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(labels[..3], ["0-10", "10-20", "20-30"], "{labels:?}");
    assert!(
        labels
            .iter()
            .all(|l| ["0-10", "10-20", "20-30", "30-45", "45-60", ">60"].contains(&l.as_str()))
    );
}

#[test]
fn a_kind_without_its_facilities_is_refused() {
    let (ok, _, stderr) = run(&["rank", "--dep", "64", "--kind", "emergency"], &[]);
    assert!(!ok);
    assert!(stderr.contains("--facilities"), "{stderr}");
    let (ok, _, stderr) = run(&["rank", "--dep", "64", "--kind", "pharmacy"], &[]);
    assert!(!ok);
    assert!(stderr.contains("unknown facility kind `pharmacy`"), "{stderr}");
}

/// GPs of the BPE as a facility set, through the access job.
#[test]
fn gp_kind_from_the_bpe() {
    let dir = tmp("kind-gp");
    let (ok, stdout, stderr) = run(
        &[
            "access",
            "--dep",
            "64",
            "--kind",
            "gp",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("beyond 20 min"), "{stdout}");
    let (h, rows) = read_csv(&dir.join("gp-access-64-2017.csv"));
    let f = col(&h, "facility_id");
    // Pau has GPs: its nearest GP commune is itself.
    let pau = rows.iter().find(|r| &r[0] == "64445").unwrap();
    assert_eq!(&pau[f], "64445");
}
