//! Every job run from the command line records the command line that made
//! it (`<name>.config.json`, and in the GeoPackage's metadata), in the
//! format a study's runs write, and `medaccess run <record> --out DIR`
//! makes the same bytes again, file for file; a run that fails writes no
//! record.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{bin, tmp};

/// Runs `medaccess args…` in `dir` with a fixed report date; (ok, stdout,
/// stderr).
fn run_in(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = bin()
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1733500000")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The options a command line gives (`--out` left out), by name.
fn given(args: &[&str]) -> BTreeSet<String> {
    args.iter()
        .filter_map(|a| a.strip_prefix("--"))
        .map(|a| a.split('=').next().unwrap().to_string())
        .filter(|a| a != "out")
        .collect()
}

/// The JSON stored as the GeoPackage's metadata (scope `dataset`).
fn gpkg_metadata(path: &Path) -> String {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row(
        "SELECT metadata FROM gpkg_metadata JOIN gpkg_metadata_reference ON md_file_id = id \
         WHERE md_scope = 'dataset' AND mime_type = 'application/json' AND reference_scope = 'geopackage'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn every_job_records_its_command_line_and_the_record_makes_the_same_bytes() {
    let dir = tmp("record");
    // a facilities file named relative to the folder the run starts in
    std::fs::write(
        dir.join("sites.csv"),
        "id,name,lon,lat\npau,Pau,-0.3700,43.2951\nbay,Bayonne,-1.4750,43.4929\n",
    )
    .unwrap();
    let cases: [(&str, &[&str]); 9] = [
        (
            "access",
            &[
                "access",
                "--dep",
                "64",
                "--year",
                "2016",
                "--compare-year",
                "2017",
                "--threshold",
                "40",
                "--format",
                "gpkg,csv",
                "--report",
                "o/access/report-64.html",
                "--lang",
                "en",
                "--split-by-dep",
                "--out",
                "o/access",
            ],
        ),
        (
            "scenario",
            &[
                "scenario",
                "--dep",
                "64",
                "--year=2016",
                "--close",
                "640000410",
                "--report",
                "o/scenario/oloron.html",
                "--out",
                "o/scenario",
            ],
        ),
        (
            "rank",
            &[
                "rank", "--dep", "64", "--year", "2016", "--top", "3", "--out", "o/rank",
            ],
        ),
        (
            "gp",
            &[
                "gp", "--dep", "64,65", "--within", "10,20", "--add", "64422:3", "--format", "gpkg,csv",
                "--out", "o/gp",
            ],
        ),
        (
            "catchments",
            &[
                "catchments",
                "--dep",
                "64",
                "--facilities",
                "sites.csv",
                "--crs",
                "2154",
                "--out",
                "o/catchments",
            ],
        ),
        (
            "site",
            &[
                "site", "--dep", "64", "--year", "2017", "--add", "1", "--out", "o/site",
            ],
        ),
        (
            "history",
            &[
                "history",
                "--dep",
                "64",
                "--thresholds",
                "30,45",
                "--report",
                "o/history/h.html",
                "--out",
                "o/history",
            ],
        ),
        (
            "isochrones",
            &[
                "isochrones",
                "--dep",
                "64",
                "--year",
                "2017",
                "--bands",
                "15,30,45",
                "--out",
                "o/isochrones",
            ],
        ),
        (
            "matrix",
            &[
                "matrix",
                "--dep",
                "64",
                "--origins",
                "sites.csv",
                "--to-communes",
                "--limit",
                "30",
                "--out",
                "o/matrix",
            ],
        ),
    ];
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    for (job, args) in cases {
        let (ok, stdout, stderr) = run_in(&dir, args);
        assert!(ok, "{job}: {stderr}");
        let out = dir.join("o").join(job);
        let first = common::files_under(&out);
        let records: Vec<&PathBuf> = first
            .keys()
            .filter(|p| p.to_string_lossy().ends_with(".config.json"))
            .collect();
        assert_eq!(records.len(), 1, "{job}: one record in {:?}", first.keys());
        let record = out.join(records[0]);
        assert!(
            stdout.contains(&format!(
                "recorded {}",
                Path::new("o").join(job).join(records[0]).display()
            )),
            "{job}: {stdout}"
        );
        assert_eq!(
            stdout.matches(&*records[0].to_string_lossy()).count(),
            1,
            "{job}: the record is printed once: {stdout}"
        );
        // the record names every option given, paths absolute
        let rec: serde_json::Value = serde_json::from_slice(&first[records[0]]).unwrap();
        assert_eq!(rec["job"], job);
        assert_eq!(rec["medaccess"], env!("CARGO_PKG_VERSION"));
        let named: BTreeSet<String> = rec["options"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(named, given(args), "{job}: {rec}");
        assert!(
            rec["command"]
                .as_str()
                .unwrap()
                .starts_with(&format!("medaccess {job} --")),
            "{rec}"
        );
        match job {
            "access" => {
                assert_eq!(rec["options"]["compare-year"], 2017);
                assert!(rec["options"]["threshold"].is_f64(), "{rec}");
                assert_eq!(rec["options"]["threshold"], 40.0);
                assert_eq!(rec["options"]["dep"], serde_json::json!(["64"]));
                assert_eq!(rec["options"]["split-by-dep"], true);
                // a report in the output folder is named from it
                assert_eq!(rec["options"]["report"], "report-64.html");
                let html = String::from_utf8_lossy(&first[Path::new("report-64.html")]).into_owned();
                assert!(
                    html.contains(rec["command"].as_str().unwrap()),
                    "the report prints the record's command"
                );
            }
            "gp" => assert_eq!(rec["options"]["within"], serde_json::json!([10.0, 20.0])),
            "catchments" => {
                assert_eq!(
                    rec["options"]["facilities"],
                    std::path::absolute(dir.join("sites.csv"))
                        .unwrap()
                        .display()
                        .to_string()
                );
                assert_eq!(rec["options"]["crs"], 2154);
            }
            _ => {}
        }
        // the GeoPackage holds the same record
        for gpkg in first
            .keys()
            .filter(|p| p.extension().is_some_and(|e| e == "gpkg"))
        {
            assert_eq!(
                gpkg_metadata(&out.join(gpkg)).as_bytes(),
                &first[records[0]][..],
                "{job}: {}",
                gpkg.display()
            );
        }
        // made again from its record, from another folder, into another
        // folder: the same files, byte for byte, the record included
        let again = dir.join("again").join(job);
        let (ok, _, stderr) = run_in(
            &elsewhere,
            &["run", record.to_str().unwrap(), "--out", again.to_str().unwrap()],
        );
        assert!(ok, "{job} again: {stderr}");
        let second = common::files_under(&again);
        assert_eq!(
            first.keys().collect::<Vec<_>>(),
            second.keys().collect::<Vec<_>>(),
            "{job}"
        );
        for (p, bytes) in &first {
            assert!(
                second[p] == *bytes,
                "{job}: {} differs when made again from its record",
                p.display()
            );
        }
    }
    // the access run wrote its GeoPackage, with the record as metadata
    assert!(dir.join("o/access/maternity-access-64-2016-2017.gpkg").is_file());
    assert!(
        dir.join("o/access/maternity-access-64-2016-2017.config.json")
            .is_file()
    );
}

#[test]
fn a_run_that_fails_writes_no_record() {
    let dir = tmp("record-fails");
    // a file where an output folder would go: the run fails when writing
    std::fs::write(dir.join("afile"), b"not a folder").unwrap();
    for args in [
        &[
            "access",
            "--dep",
            "64",
            "--facilities",
            "missing.csv",
            "--out",
            "o",
        ][..],
        &[
            "scenario",
            "--dep",
            "64",
            "--year",
            "2016",
            "--close",
            "999999999",
            "--out",
            "o",
        ],
        &["rank", "--dep", "20", "--out", "o"],
        &["gp", "--dep", "64", "--out", "afile/gp"],
        &["access", "--dep", "64", "--year", "2016", "--out", "afile/access"],
    ] {
        let (ok, _, stderr) = run_in(&dir, args);
        assert!(!ok, "{args:?} must fail");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "{args:?}: nothing written, not even a record"
        );
    }
}

#[test]
fn a_report_outside_the_output_folder_is_recorded_absolute() {
    let dir = tmp("record-report");
    let (ok, _, stderr) = run_in(
        &dir,
        &[
            "rank",
            "--dep",
            "64",
            "--year",
            "2016",
            "--report",
            "rank.html",
            "--out",
            "o",
        ],
    );
    assert!(ok, "{stderr}");
    let rec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("o/rank-64-2016.config.json")).unwrap()).unwrap();
    assert_eq!(
        rec["options"]["report"],
        std::path::absolute(dir.join("rank.html"))
            .unwrap()
            .display()
            .to_string()
    );
    // run again with `--out`: nothing is written outside it, the report
    // goes into it by its file name
    let report = std::fs::read(dir.join("rank.html")).unwrap();
    std::fs::remove_file(dir.join("rank.html")).unwrap();
    let (ok, stdout, stderr) = run_in(&dir, &["run", "o/rank-64-2016.config.json", "--out", "again"]);
    assert!(ok, "{stderr}");
    assert!(!dir.join("rank.html").exists(), "written outside --out: {stdout}");
    assert!(stderr.contains("is written as again/rank.html"), "{stderr}");
    assert_eq!(std::fs::read(dir.join("again/rank.html")).unwrap(), report);
    assert_eq!(
        std::fs::read(dir.join("again/rank-64-2016.config.json")).unwrap(),
        std::fs::read(dir.join("o/rank-64-2016.config.json")).unwrap()
    );
    std::fs::remove_dir_all(dir.join("again")).unwrap();
    // without `--out` the recorded path stands
    let (ok, _, stderr) = run_in(&dir, &["run", "o/rank-64-2016.config.json"]);
    assert!(ok, "{stderr}");
    assert_eq!(std::fs::read(dir.join("rank.html")).unwrap(), report);
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    // the commands that are not jobs of a study record nothing
    let (ok, _, _) = run_in(&dir, &["synthetic", "--width", "3", "--height", "3"]);
    assert!(ok);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2, "o and rank.html");
}

#[test]
fn a_record_run_on_other_data_says_so() {
    let dir = tmp("record-data");
    let run_env = |args: &[&str], data: Option<&str>| {
        let mut c = bin();
        c.args(args).current_dir(&dir).env_remove("MEDACCESS_DATA");
        if let Some(d) = data {
            c.env("MEDACCESS_DATA", d);
        }
        let out = c.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stderr) = run_env(&["rank", "--dep", "64", "--year", "2016", "--out", "o"], None);
    assert!(ok, "{stderr}");
    let record = "o/rank-64-2016.config.json";
    let rec: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(record)).unwrap()).unwrap();
    let made_from = rec["data"].as_str().unwrap().to_string();
    // the same data: nothing to say
    let (ok, stderr) = run_env(&["run", record, "--dry-run"], None);
    assert!(ok && !stderr.contains("warning"), "{stderr}");
    // other data (a relative $MEDACCESS_DATA): a warning naming both, the
    // folder absolute
    let other = std::path::absolute(dir.join("fx")).unwrap().display().to_string();
    let (ok, stderr) = run_env(&["run", record, "--dry-run"], Some("fx"));
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the record was made from the data in {made_from}; this run reads {other}"
        )),
        "{stderr}"
    );
    // a record made from it names it absolute
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            dir.join("fx"),
        )
        .unwrap();
        let (ok, stderr) = run_env(
            &["rank", "--dep", "64", "--year", "2016", "--out", "p"],
            Some("fx"),
        );
        assert!(ok, "{stderr}");
        let rec: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("p/rank-64-2016.config.json")).unwrap()).unwrap();
        assert_eq!(rec["data"], other);
    }
}
