//! What a run writes, under faults and hostile inputs (issue 16, outputs;
//! issue 17, names): each test is named after the case it replays. A run's
//! files appear all together or not at all, nothing is written outside
//! --out or over an input, cells and numbers are safe to open, a closed
//! pipe is not a panic, and scenarios never overwrite each other.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{bin, run, tmp};

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn access_64(out: &Path) -> Command {
    let mut c = bin();
    c.args([
        "access",
        "--dep",
        "64",
        "--year",
        "2016",
        "--out",
        out.to_str().unwrap(),
    ]);
    c
}

const ACCESS_64_FILES: [&str; 8] = [
    "maternity-access-64-2016-facilities.geojson",
    "maternity-access-64-2016-facilities.qml",
    "maternity-access-64-2016-summary.txt",
    "maternity-access-64-2016-warnings.txt",
    "maternity-access-64-2016.config.json",
    "maternity-access-64-2016.csv",
    "maternity-access-64-2016.geojson",
    "maternity-access-64-2016.qml",
];

#[test]
fn stderr_closed_by_grep_m1_is_not_a_panic() {
    // `medaccess access --dep 64 --out o 2>&1 | grep -m1 engine=` exited
    // 101 ("failed printing to stderr: Broken pipe") with 0-1 of 6 files.
    for closed in ["stderr", "stdout"] {
        let dir = tmp(&format!("pipe-{closed}"));
        let mut c = access_64(&dir);
        if closed == "stderr" {
            c.stderr(Stdio::piped()).stdout(Stdio::null());
        } else {
            c.stdout(Stdio::piped()).stderr(Stdio::null());
        }
        let mut child = c.spawn().unwrap();
        // the reader leaves before the first line
        drop(child.stderr.take());
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        assert!(status.success(), "{closed} closed: {status}");
        assert_eq!(
            names(&dir),
            ACCESS_64_FILES,
            "{closed} closed: every file, complete"
        );
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("maternity-access-64-2016.geojson")).unwrap())
                .unwrap();
        assert_eq!(v["features"].as_array().unwrap().len(), 545);
    }
}

#[test]
fn kill_9_leftovers_are_removed_by_the_next_run() {
    // A killed run left `.NAME.tmpPID` (old versions) or
    // `.NAME.PID-N.medaccess-tmp`; pid 4194305 is above Linux's largest.
    let dir = tmp("stale");
    let stale = [
        ".maternity-access-64-2016.csv.tmp4194305",
        ".maternity-access-64-2016.geojson.4194305-0.medaccess-tmp",
    ];
    for n in stale {
        std::fs::write(dir.join(n), b"half a file").unwrap();
    }
    std::fs::write(dir.join(".keep-me"), b"not ours").unwrap();
    let st = access_64(&dir).output().unwrap();
    assert!(st.status.success());
    let left = names(&dir);
    for n in stale {
        assert!(!left.contains(&n.to_string()), "{n} left: {left:?}");
    }
    assert!(left.contains(&".keep-me".to_string()));
}

#[test]
fn a_run_that_fails_late_leaves_nothing() {
    // `--compare-year 2012` (no such list), an unwritable `--report`: the
    // first year's files used to stay.
    let dir = tmp("late");
    let out = dir.join("o");
    let o = out.to_str().unwrap();
    let (ok, _, stderr) = run(
        &[
            "access",
            "--dep",
            "64",
            "--year",
            "2016",
            "--compare-year",
            "2012",
            "--out",
            o,
        ],
        &[],
    );
    assert!(!ok && stderr.contains("2012"), "{stderr}");
    assert!(names(&out).is_empty(), "{:?}", names(&out));
    // the report's folder is a file: nothing of the run is written
    std::fs::write(dir.join("a-file"), b"x").unwrap();
    let report = dir.join("a-file").join("report.html");
    let (ok, _, stderr) = run(
        &[
            "access",
            "--dep",
            "64",
            "--year",
            "2016",
            "--out",
            o,
            "--report",
            report.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("a-file"), "names the path: {stderr}");
    assert!(
        names(&out).iter().all(|n| !n.ends_with(".geojson")),
        "{:?}",
        names(&out)
    );
    // and a previous run's files are left as they were
    let (ok, _, _) = run(&["access", "--dep", "64", "--year", "2016", "--out", o], &[]);
    assert!(ok);
    let before = std::fs::read(out.join("maternity-access-64-2016.csv")).unwrap();
    let (ok, _, _) = run(
        &[
            "access",
            "--dep",
            "64",
            "--year",
            "2017",
            "--compare-year",
            "2012",
            "--out",
            o,
        ],
        &[],
    );
    assert!(!ok);
    assert!(!out.join("maternity-access-64-2017.csv").exists());
    assert_eq!(
        std::fs::read(out.join("maternity-access-64-2016.csv")).unwrap(),
        before
    );
    assert!(names(&out).iter().all(|n| !n.contains("medaccess-tmp")));
}

#[test]
fn report_pointing_at_an_input_replaces_it() {
    let dir = tmp("input");
    let facilities = dir.join("urgences.csv");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/urgences-64-65-40.csv");
    std::fs::copy(&shipped, &facilities).unwrap();
    let before = std::fs::read(&facilities).unwrap();
    let f = facilities.to_str().unwrap();
    let base = [
        "access",
        "--dep",
        "64",
        "--kind",
        "emergency",
        "--facilities",
        f,
        "--id-col",
        "finess",
        "--out",
    ];
    // --report on the input
    let mut args: Vec<&str> = base.to_vec();
    args.extend([dir.to_str().unwrap(), "--report", f]);
    let (ok, _, stderr) = run(&args, &[]);
    assert!(!ok && stderr.contains("is an input of this run"), "{stderr}");
    // an output of the run is, through a link, the input
    let out = dir.join("o");
    std::fs::create_dir_all(&out).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&facilities, out.join("emergency-access-64.csv")).unwrap();
    let mut args: Vec<&str> = base.to_vec();
    args.push(out.to_str().unwrap());
    let (ok, _, stderr) = run(&args, &[]);
    #[cfg(unix)]
    assert!(!ok && stderr.contains("is an input of this run"), "{stderr}");
    #[cfg(not(unix))]
    let _ = (ok, stderr);
    assert_eq!(
        std::fs::read(&facilities).unwrap(),
        before,
        "the input is untouched"
    );
}

#[test]
fn csv_cells_starting_with_equals_plus_minus_at_are_neutralised() {
    let dir = tmp("injection");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/urgences-64-65-40.csv");
    let text = std::fs::read_to_string(shipped).unwrap();
    // the name of every site becomes a formula
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let name_col = header
        .split(',')
        .position(|c| c == "name")
        .expect("a name column");
    let mut hostile = format!("{header}\n");
    for (k, l) in lines.enumerate() {
        let mut cells: Vec<String> = l.split(',').map(String::from).collect();
        let evil = ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)"][k % 4];
        cells[name_col] = format!("\"{}\"", evil.replace('"', "\"\""));
        hostile += &(cells.join(",") + "\n");
    }
    let f = dir.join("urgences.csv");
    std::fs::write(&f, hostile).unwrap();
    let out = dir.join("o");
    let (ok, _, stderr) = run(
        &[
            "access",
            "--dep",
            "64",
            "--kind",
            "emergency",
            "--facilities",
            f.to_str().unwrap(),
            "--id-col",
            "finess",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    for file in names(&out).iter().filter(|n| n.ends_with(".csv")) {
        let mut r = csv::Reader::from_path(out.join(file)).unwrap();
        let h = r.headers().unwrap().clone();
        for rec in r.records() {
            let rec = rec.unwrap();
            for (name, cell) in h.iter().zip(rec.iter()) {
                let numeric = cell.parse::<f64>().is_ok();
                assert!(
                    numeric || !cell.starts_with(['=', '+', '-', '@']),
                    "{file}: {name} = {cell}"
                );
            }
        }
    }
    let sites = std::fs::read_to_string(out.join("emergency-access-64-facilities.csv")).unwrap();
    assert!(sites.contains("'=HYPERLINK"), "{sites}");
}

#[test]
fn scenario_outputs_are_named_after_the_scenario() {
    // The next scenario replaced the last one's files.
    let dir = tmp("scenarios");
    let o = dir.to_str().unwrap();
    for close in ["640000410", "640017646"] {
        let (ok, stdout, stderr) = run(
            &[
                "scenario", "--dep", "64", "--year", "2016", "--close", close, "--out", o,
            ],
            &[],
        );
        assert!(ok, "{stderr}");
        assert!(
            stdout.contains(&format!("scenario-64-2016-close-{close}.csv")),
            "{stdout}"
        );
    }
    let n = names(&dir);
    for close in ["640000410", "640017646"] {
        assert!(
            n.contains(&format!("scenario-64-2016-close-{close}.csv")),
            "{n:?}"
        );
        assert!(
            n.contains(&format!("scenario-64-2016-close-{close}-changed.geojson")),
            "{n:?}"
        );
    }
    // a long list: a short hash, and the list beside the files
    let (ok, stdout, stderr) = run(
        &[
            "scenario",
            "--dep",
            "64",
            "--year",
            "2016",
            "--close",
            "640000410,640017646",
            "--open",
            "64104",
            "--open",
            "64422",
            "--out",
            o,
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let listing: PathBuf = names(&dir)
        .iter()
        .find(|n| n.ends_with("-scenario.txt"))
        .map(|n| dir.join(n))
        .unwrap_or_else(|| panic!("no listing: {stdout}"));
    let text = std::fs::read_to_string(listing).unwrap();
    assert!(
        text.contains("close 640000410") && text.contains("open"),
        "{text}"
    );
}

#[test]
fn history_repeats_the_same_placement_note_11_times() {
    let dir = tmp("history-notes");
    let (ok, _, stderr) = run(&["history", "--dep", "64", "--out", dir.to_str().unwrap()], &[]);
    assert!(ok, "{stderr}");
    let mut lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:") || l.starts_with("note:"))
        .collect();
    let n = lines.len();
    lines.sort();
    lines.dedup();
    assert_eq!(lines.len(), n, "every note once: {stderr}");
}

#[test]
fn format_and_crs_are_checked() {
    let dir = tmp("format");
    let o = dir.to_str().unwrap();
    let (ok, _, stderr) = run(&["access", "--dep", "64", "--format", "shp", "--out", o], &[]);
    assert!(!ok && stderr.contains("geojson, gpkg, csv"), "{stderr}");
    let (ok, _, stderr) = run(&["access", "--dep", "64", "--crs", "3857", "--out", o], &[]);
    assert!(!ok && stderr.contains("2154"), "{stderr}");
    // history is a table: GeoJSON alone cannot hold it
    let (ok, _, stderr) = run(
        &["history", "--dep", "64", "--format", "geojson", "--out", o],
        &[],
    );
    assert!(!ok && stderr.contains("add csv or gpkg"), "{stderr}");
    assert!(names(&dir).is_empty());
    // Lambert-93: GeoJSON names the CRS, coordinates in metres
    let (ok, _, stderr) = run(
        &[
            "access",
            "--dep",
            "64",
            "--crs",
            "2154",
            "--format",
            "geojson,gpkg",
            "--out",
            o,
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("maternity-access-64-2023.geojson")).unwrap())
            .unwrap();
    assert_eq!(v["crs"]["properties"]["name"], "urn:ogc:def:crs:EPSG::2154");
    let x = v["features"][0]["geometry"]["coordinates"][0][0][0][0]
        .as_f64()
        .unwrap();
    assert!((300_000.0..500_000.0).contains(&x), "{x}");
    assert!(dir.join("maternity-access-64-2023.gpkg").exists());
    assert!(!dir.join("maternity-access-64-2023.csv").exists());
}

#[test]
fn split_by_dep_with_a_dep_read_from_the_commune_graph_escapes_out() {
    // `--split-by-dep` put the `dep` value of a `--commune-graph` into file
    // names unchecked: `ESCAPED.csv` was written outside --out.
    use medaccess::communes::{fixtures, write_commune_graph};
    let dir = tmp("escape");
    let mut g = fixtures::load_fixture_graph(&fixtures::default_dir()).unwrap();
    for n in g.nodes.iter_mut().filter(|n| n.dep == "64") {
        n.dep = "../../ESCAPED".into();
    }
    // The file written is the links file: its node table is the links' one.
    if let Some(l) = g.links.as_mut() {
        for n in std::sync::Arc::make_mut(l)
            .nodes
            .iter_mut()
            .filter(|n| n.dep == "64")
        {
            n.dep = "../../ESCAPED".into();
        }
    }
    let graph = dir.join("hostile.medgraph.gz");
    write_commune_graph(&graph, &g).unwrap();
    let out = dir.join("a").join("b").join("out");
    let (ok, _, stderr) = run(
        &[
            "access",
            "--france",
            "--split-by-dep",
            "--commune-graph",
            graph.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!ok, "refused");
    assert!(stderr.contains("ESCAPED"), "names the value: {stderr}");
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            assert!(
                !p.to_string_lossy().contains("ESCAPED"),
                "{} written",
                p.display()
            );
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    assert!(names(&out).is_empty(), "{:?}", names(&out));
}
