//! `medaccess run`: the example of docs/study-files.md runs; every run
//! records its configuration, and each record run again into another
//! folder gives the same bytes, file for file; bad study files say where
//! and what is valid.

mod common;

use std::path::{Path, PathBuf};

use common::{bin, tmp};

const DOC: &str = include_str!("../docs/study-files.md");

/// The first ```toml block of the page.
fn doc_example() -> &'static str {
    let start = DOC.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let len = DOC[start..].find("```").unwrap();
    &DOC[start..start + len]
}

/// Runs `medaccess args…` in `dir`; (ok, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (bool, String, String) {
    common::outcome(bin().args(args).current_dir(dir))
}

/// Writes `text` as `dir/study.toml`, then runs medaccess with `args` in `dir`.
fn run_study(dir: &Path, text: &str, args: &[&str]) -> (bool, String, String) {
    std::fs::write(dir.join("study.toml"), text).unwrap();
    run_in(dir, args)
}

/// A run's record, as JSON.
fn record_at(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_documented_study_runs_and_each_record_makes_the_same_bytes() {
    let dir = tmp("study-doc");
    let study_dir = dir.join("study");
    std::fs::create_dir_all(&study_dir).unwrap();
    std::fs::write(study_dir.join("study.toml"), doc_example()).unwrap();
    // started from another folder: paths are the study file's
    let (ok, stdout, stderr) = run_in(&dir, &["run", "study/study.toml"]);
    assert!(ok, "{stderr}");
    assert_eq!(stdout.matches("== run ").count(), 3, "{stdout}");
    let first = common::files_under(&study_dir.join("out"));
    let records: Vec<&PathBuf> = first
        .keys()
        .filter(|p| p.to_string_lossy().ends_with(".config.json"))
        .collect();
    let names: Vec<String> = records.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "access/maternity-access-64-2016.config.json",
            "oloron/scenario-64-2016-close-640000410.config.json",
            "rank/rank-64-2016.config.json",
        ],
        "{:?}",
        first.keys().collect::<Vec<_>>()
    );
    for (file, what) in [
        ("access/maternity-access-64-2016.gpkg", "the GeoPackage"),
        ("access/maternity-access-64-2016.csv", "the CSV"),
        ("oloron/oloron.html", "the report, in the run's out"),
    ] {
        assert!(first.contains_key(Path::new(file)), "{what}: {file}");
    }
    // the record says what made the run
    let rec: serde_json::Value =
        serde_json::from_slice(&first[Path::new("oloron/scenario-64-2016-close-640000410.config.json")])
            .unwrap();
    assert_eq!(rec["job"], "scenario");
    assert_eq!(rec["options"]["close"], serde_json::json!(["640000410"]));
    assert_eq!(rec["options"]["year"], 2016);
    assert_eq!(rec["options"]["dep"], serde_json::json!(["64"]));
    assert_eq!(rec["medaccess"], env!("CARGO_PKG_VERSION"));
    assert!(rec["options"].get("out").is_none());
    assert_eq!(
        rec["command"],
        "medaccess scenario --close 640000410 --dep 64 --report oloron.html --year 2016"
    );
    let html = String::from_utf8_lossy(&first[Path::new("oloron/oloron.html")]).into_owned();
    assert!(html.contains("medaccess scenario --close 640000410 --dep 64 --report oloron.html --year 2016"));

    // each run again from its record, into another folder: the same bytes
    let again = dir.join("again");
    for r in &records {
        let run_dir = r.parent().unwrap();
        let record = study_dir.join("out").join(r);
        let out = again.join(run_dir);
        let (ok, _, stderr) = run_in(
            &dir,
            &["run", record.to_str().unwrap(), "--out", out.to_str().unwrap()],
        );
        assert!(ok, "{}: {stderr}", r.display());
    }
    let second = common::files_under(&again);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (p, bytes) in &first {
        assert!(
            second[p] == *bytes,
            "{} differs when made again from its record",
            p.display()
        );
    }

    // a record run where it was written would replace itself: refused
    let record = study_dir.join("out").join(records[0]);
    let (ok, _, stderr) = run_in(
        &study_dir.join("out/access"),
        &["run", record.to_str().unwrap(), "--out", "."],
    );
    assert!(!ok);
    assert!(stderr.contains("config.json"), "{stderr}");
    assert_eq!(
        common::files_under(&study_dir.join("out")),
        first,
        "nothing changed"
    );
}

#[test]
fn bad_study_files_name_the_file_the_line_and_what_is_valid() {
    let dir = tmp("study-bad");
    for (text, says) in [
        (
            "[defaults]\ndep = [\"64\"]\n\n[[run]]\njob = \"access\"\nyear = 2016\n\n\ntreshold = 40\n",
            "error: study.toml:9: run 1 (access): unknown key `treshold`; valid keys: job, dep, region, ",
        ),
        (
            "[[run]]\njob = \"access\"\ndep = [\"64\"]\nyear = \"2O16\"\n",
            "study.toml:4: run 1 (access): invalid value '2O16' for '--year <YEAR>'",
        ),
        (
            "[[run]]\njob = \"access\"\ndep = [\"64\"]\n[[run]]\njob = \"scenario\"\ndep = [\"64\"]\nclose = [\"1\"]\ntop = 3\n",
            "study.toml:8: run 2 (scenario): unknown key `top`",
        ),
        (
            "[[run]]\njob = \"graph\"\n",
            "study.toml:1: run 1: `graph` is not a job a study runs; valid jobs: access, scenario,",
        ),
        (
            "[[run]]\njob = \"access\"\nsplit-by-dep = \"yes\"\n",
            "study.toml:3: `split-by-dep`: a switch: true or false",
        ),
        ("[[run]]\njob = \"access\"\nyear = \n", "study.toml:3:"),
    ] {
        std::fs::write(dir.join("study.toml"), text).unwrap();
        let (ok, stdout, stderr) = run_in(&dir, &["run", "study.toml"]);
        assert!(!ok, "{text}");
        assert!(stderr.contains(says), "{text}\n{stderr}");
        assert!(stdout.is_empty(), "checked before anything runs: {stdout}");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "nothing written: {text}"
        );
    }
    // the valid keys are the job's options, listed in full
    std::fs::write(dir.join("study.toml"), "[[run]]\njob = \"rank\"\ntreshold = 40\n").unwrap();
    let (_, _, stderr) = run_in(&dir, &["run", "study.toml"]);
    for key in ["threshold", "top", "year", "facilities", "roads", "format", "out"] {
        assert!(
            stderr.contains(&format!(" {key},")) || stderr.contains(&format!(" {key}\n")),
            "{key}: {stderr}"
        );
    }

    // two runs writing the same file: the second stops, the first stays
    // whole; however the folder is spelt (`out = "a"` and `"./a"`)
    for text in [
        "[defaults]\ndep = [\"64\"]\nyear = 2016\nout = \"o\"\n[[run]]\njob = \"rank\"\n[[run]]\njob = \"rank\"\ntop = 3\n",
        "[defaults]\ndep = [\"64\"]\nyear = 2016\n[[run]]\njob = \"rank\"\nout = \"a\"\n[[run]]\njob = \"rank\"\ntop = 3\nout = \"./a\"\n",
    ] {
        let (ok, _, stderr) = run_study(&dir, text, &["run", "study.toml"]);
        assert!(!ok);
        assert!(
            stderr.contains("study.toml:7: run 2 (rank): ")
                && stderr.contains("is written by an earlier run of the study"),
            "{stderr}"
        );
    }
    let first = std::fs::read(dir.join("a/rank-64-2016.csv")).unwrap();
    let (ok, stdout, _) = run_in(&dir, &["run", "study.toml", "--dry-run"]);
    assert!(ok, "{stdout}");
    assert_eq!(std::fs::read(dir.join("a/rank-64-2016.csv")).unwrap(), first);
    let (ok, stdout, _) = run_study(
        &dir,
        "[defaults]\ndep = [\"64\"]\nyear = 2016\nout = \"o\"\n[[run]]\njob = \"rank\"\n[[run]]\njob = \"rank\"\ntop = 3\n",
        &["run", "study.toml", "--dry-run"],
    );
    assert!(ok);
    assert!(
        stdout.contains("medaccess rank --dep 64 --top 3 --year 2016 --out "),
        "{stdout}"
    );
}

#[test]
fn a_study_takes_the_global_max_inflate_and_applies_it_to_its_run() {
    let dir = tmp("study-inflate");
    // the embedded commune graph is gzipped: 1K is too little
    let (ok, _, stderr) = run_study(
        &dir,
        "[[run]]\njob = \"rank\"\ndep = [\"64\"]\nyear = 2016\nmax-inflate = \"1K\"\nout = \"small\"\n",
        &["run", "study.toml"],
    );
    assert!(!ok);
    assert!(
        stderr.contains("inflates to more than 1024 bytes") && stderr.contains("--max-inflate"),
        "{stderr}"
    );
    assert!(!dir.join("small").exists());
    // a limit that fits runs, and is recorded
    let (ok, _, stderr) = run_study(
        &dir,
        "[[run]]\njob = \"rank\"\ndep = [\"64\"]\nyear = 2016\nmax-inflate = \"16G\"\nout = \"big\"\n",
        &["run", "study.toml"],
    );
    assert!(ok, "{stderr}");
    let rec = record_at(&dir.join("big/rank-64-2016.config.json"));
    assert_eq!(rec["options"]["max-inflate"], "16G");
    // a limit given to `run` holds for its runs that set none, and their
    // records say so
    let (ok, _, stderr) = run_study(
        &dir,
        "[[run]]\njob = \"rank\"\ndep = [\"64\"]\nyear = 2016\nout = \"outer\"\n",
        &["--max-inflate", "1K", "run", "study.toml"],
    );
    assert!(
        !ok && stderr.contains("inflates to more than 1024 bytes"),
        "{stderr}"
    );
    let (ok, _, stderr) = run_in(&dir, &["run", "study.toml", "--max-inflate", "16G"]);
    assert!(ok, "{stderr}");
    let outer = record_at(&dir.join("outer/rank-64-2016.config.json"));
    assert_eq!(outer["options"]["max-inflate"], "16G");
    assert!(
        outer["command"].as_str().unwrap().contains("--max-inflate 16G"),
        "{outer}"
    );
    // the record's limit holds for its run again
    let mut rec = rec;
    rec["options"]["max-inflate"] = "1K".into();
    std::fs::write(dir.join("small.config.json"), rec.to_string()).unwrap();
    let (ok, _, stderr) = run_in(&dir, &["run", "small.config.json", "--out", "again"]);
    assert!(
        !ok && stderr.contains("inflates to more than 1024 bytes"),
        "{stderr}"
    );
}
