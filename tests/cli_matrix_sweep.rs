//! `medaccess matrix` and `medaccess sweep` end to end on the shipped data:
//! the matrix's nearest destination is the access job's, its Parquet is
//! its CSV; a sweep's scenarios are what `gp` and `scenario` compute, and
//! the same plan split into tasks and merged gives the same bytes as one
//! local run, whatever the thread count.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{files_of, run, tmp};
use parquet::record::RowAccessor;

/// A CSV as a header index and rows of fields.
fn table(path: &Path) -> (BTreeMap<String, usize>, Vec<Vec<String>>) {
    let (h, rows) = common::read_csv(path);
    let h = h.iter().enumerate().map(|(i, n)| (n.to_string(), i)).collect();
    let rows = rows
        .iter()
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    (h, rows)
}

/// `key column -> value column` of a CSV.
fn column_by(path: &Path, key: &str, value: &str) -> BTreeMap<String, String> {
    let (h, rows) = table(path);
    rows.iter()
        .map(|r| (r[h[key]].clone(), r[h[value]].clone()))
        .collect()
}

#[test]
fn matrix_nearest_is_the_access_jobs_and_parquet_is_the_csv() {
    let dir = tmp("matrix");
    let out = dir.to_str().unwrap();
    let (ok, stdout, stderr) = run(
        &[
            "matrix", "--dep", "64", "--year", "2016", "--limit", "60", "--out", out,
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("545 origins"), "{stdout}");
    let (h, rows) = table(&dir.join("matrix-64-2016.csv"));
    assert_eq!(h.len(), 3);
    let (o, d, m) = (h["origin"], h["destination"], h["minutes"]);
    let mut nearest: BTreeMap<String, f64> = BTreeMap::new();
    let mut last: Option<(String, String)> = None;
    for r in &rows {
        let t: f64 = r[m].parse().unwrap();
        assert!((0.0..=60.0).contains(&t), "{r:?} beyond --limit 60");
        // origin-major, destinations in request order: no pair twice
        let key = (r[o].clone(), r[d].clone());
        assert_ne!(last.as_ref(), Some(&key));
        last = Some(key);
        let e = nearest.entry(r[o].clone()).or_insert(f64::INFINITY);
        *e = e.min(t);
    }
    // The access job on the same sites: its nearest minutes (2 decimals)
    // are the matrix's row minimum, for every commune within the limit.
    let (ok, _, stderr) = run(&["access", "--dep", "64", "--year", "2016", "--out", out], &[]);
    assert!(ok, "{stderr}");
    let access = column_by(&dir.join("maternity-access-64-2016.csv"), "insee", "minutes");
    assert_eq!(access.len(), 545);
    let mut compared = 0;
    for (insee, minutes) in &access {
        let a: f64 = minutes.parse().unwrap();
        match nearest.get(insee) {
            Some(n) => {
                assert!((n - a).abs() <= 0.005 + 1e-9, "{insee}: matrix {n} vs access {a}");
                compared += 1;
            }
            None => assert!(a > 60.0, "{insee}: {a} min in access, no pair in the matrix"),
        }
    }
    assert!(compared > 500, "{compared}");

    // Parquet: the same rows, minutes as the same doubles.
    let pq = tmp("matrix-parquet");
    let (ok, _, stderr) = run(
        &[
            "matrix",
            "--dep",
            "64",
            "--year",
            "2016",
            "--limit",
            "60",
            "--format",
            "parquet",
            "--out",
            pq.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let file = std::fs::File::open(pq.join("matrix-64-2016.parquet")).unwrap();
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(file).unwrap();
    let prows: Vec<parquet::record::Row> = reader.into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(prows.len(), rows.len());
    for (p, c) in prows.iter().zip(&rows) {
        assert_eq!(p.get_string(0).unwrap(), &c[o]);
        assert_eq!(p.get_string(1).unwrap(), &c[d]);
        assert_eq!(p.get_double(2).unwrap(), c[m].parse::<f64>().unwrap());
    }

    // Commune x commune, and any points as origins.
    let (ok, stdout, stderr) = run(
        &[
            "matrix",
            "--insee",
            "64445,64422,64300",
            "--to-communes",
            "--out",
            out,
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("3 origins x 3 destinations; 9 pairs"), "{stdout}");
    let points = dir.join("points.csv");
    std::fs::write(
        &points,
        "id,lon,lat\npau-centre,-0.3700,43.2951\noloron,-0.6050,43.1940\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = run(
        &[
            "matrix",
            "--dep",
            "64",
            "--origins",
            points.to_str().unwrap(),
            "--year",
            "2016",
            "--limit",
            "45",
            "--out",
            out,
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("2 origins"), "{stdout}");
    let (h, rows) = table(&dir.join("matrix-64-2016.csv"));
    // Pau's centre is minutes from the CH de Pau.
    let pau = rows
        .iter()
        .find(|r| r[h["origin"]] == "pau-centre" && r[h["destination"]] == "640000600")
        .expect("Pau centre to the CH de Pau");
    assert!(pau[h["minutes"]].parse::<f64>().unwrap() < 15.0, "{pau:?}");

    // Bad requests say what to fix, and write nothing.
    let bad = tmp("matrix-bad");
    for (args, says) in [
        (vec!["--limit", "-3"], "--limit"),
        (vec!["--format", "xlsx"], "xlsx"),
    ] {
        let mut a = vec!["matrix", "--dep", "64", "--out", bad.to_str().unwrap()];
        a.extend(args);
        let (ok, _, stderr) = run(&a, &[]);
        assert!(!ok);
        assert!(stderr.contains(says), "{stderr}");
    }
    assert!(files_of(&bad).is_empty());
}

/// Writes a plan and returns its path.
fn plan(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn gp_sweep_scenarios_are_the_gp_jobs_and_tasks_merge_to_the_local_bytes() {
    let dir = tmp("sweep-gp");
    let out = dir.join("local");
    let p = plan(
        &dir,
        "gp-64",
        "name = \"gp-64\"\ndep = [\"64\"]\ntasks = 3\n[gp]\ncatchments = [20, 30]\ndecays = [\"drees\", \"binary\"]\n",
    );
    let (ok, stdout, stderr) = run(&["sweep", &p, "--out", out.to_str().unwrap()], &[]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("4 scenarios x 545 communes"), "{stdout}");
    let (h, rows) = table(&out.join("gp-64-values.csv"));
    assert_eq!(rows.len(), 4 * 545);
    let scenario = |params: &str| -> BTreeMap<String, (String, String)> {
        rows.iter()
            .filter(|r| r[h["parameters"]] == params)
            .map(|r| {
                (
                    r[h["commune"]].clone(),
                    (r[h["value"]].clone(), r[h["flagged"]].clone()),
                )
            })
            .collect()
    };
    // Scenario 0 is `medaccess gp`'s default (DREES bands to 20 min), the
    // last one `--decay binary:30`: same 2SFCA (2 decimals), same flags,
    // although the sweep collected its times to 30 minutes once.
    for (params, decay) in [
        ("catchment=20;decay=drees;supply=counts", "drees"),
        ("catchment=30;decay=binary;supply=counts", "binary:30"),
    ] {
        let g = dir.join(decay.replace(':', "-"));
        let (ok, _, stderr) = run(
            &[
                "gp",
                "--dep",
                "64",
                "--decay",
                decay,
                "--out",
                g.to_str().unwrap(),
            ],
            &[],
        );
        assert!(ok, "{stderr}");
        let csv = g.join("gp-access-64.csv");
        let apl = column_by(&csv, "insee", "apl_consultations");
        let under = column_by(&csv, "insee", "under_served");
        let sweep = scenario(params);
        assert_eq!(sweep.len(), 545, "{params}");
        for (insee, (value, flagged)) in &sweep {
            let v: f64 = value.parse().unwrap();
            let a: f64 = apl[insee].parse().unwrap();
            assert!(
                (v - a).abs() <= 0.005 + 1e-9,
                "{params} {insee}: sweep {v} vs gp {a}"
            );
            assert_eq!(flagged, &under[insee], "{params} {insee}");
        }
    }
    // The statistics: scenario 0 against itself.
    let (h, srows) = table(&out.join("gp-64-scenarios.csv"));
    assert_eq!(srows.len(), 4);
    for k in ["spearman_vs_reference", "jaccard_flagged_vs_reference"] {
        assert_eq!(srows[0][h[k]].parse::<f64>().unwrap(), 1.0, "{k}");
    }
    let (h, crows) = table(&out.join("gp-64-communes.csv"));
    assert_eq!(crows.len(), 545);
    for r in &crows {
        let (lo, med, hi): (u32, f64, u32) = (
            r[h["rank_min"]].parse().unwrap(),
            r[h["rank_median"]].parse().unwrap(),
            r[h["rank_max"]].parse().unwrap(),
        );
        assert!(
            1 <= lo && f64::from(lo) <= med && med <= f64::from(hi) && hi <= 545,
            "{r:?}"
        );
    }
    let (_, pairs) = table(&out.join("gp-64-spearman.csv"));
    assert_eq!(pairs.len(), 6, "every two of the 4 parameter sets");

    // The same plan as 3 tasks (a Slurm array), merged: the same bytes.
    let parts = dir.join("parts");
    let parts_s = parts.to_str().unwrap();
    let (ok, stdout, _) = run(&["sweep", &p, "--count-tasks"], &[]);
    assert!(ok);
    assert_eq!(stdout.trim(), "3");
    let (ok, _, stderr) = run(&["sweep", &p, "--merge", "--out", parts_s], &[]);
    assert!(!ok, "merging before the tasks ran");
    assert!(stderr.contains("--task 0"), "{stderr}");
    // Each task as a Slurm array element runs it: the shipped sbatch
    // script, with the variables Slurm sets.
    let sbatch = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/sweep-slurm.sbatch");
    for t in ["2", "0", "1"] {
        let o = std::process::Command::new("bash")
            .arg(&sbatch)
            .args([p.as_str(), parts_s])
            .env("SLURM_ARRAY_TASK_ID", t)
            .env("SLURM_CPUS_PER_TASK", "1")
            .env("MEDACCESS", env!("CARGO_BIN_EXE_medaccess"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (ok, _, stderr) = run(&["sweep", &p, "--merge", "--out", parts_s], &[]);
    assert!(ok, "{stderr}");
    let merged: Vec<_> = files_of(&parts)
        .into_iter()
        .filter(|(n, _)| !n.contains("-task-"))
        .collect();
    assert_eq!(merged, files_of(&out));
    let (ok, _, stderr) = run(&["sweep", &p, "--task", "3", "--out", parts_s], &[]);
    assert!(!ok);
    // the library names the task, the command line its flag
    assert!(
        stderr.contains("--task: ") && stderr.contains("has tasks 0 to 2, not 3"),
        "{stderr}"
    );

    // One thread: the same bytes.
    let one = dir.join("one");
    let (ok, _, stderr) = run(
        &["sweep", &p, "--workers", "1", "--out", one.to_str().unwrap()],
        &[],
    );
    assert!(ok, "{stderr}");
    assert_eq!(files_of(&one), files_of(&out));
}

#[test]
fn closure_sweep_scenarios_are_the_scenario_jobs_and_bad_plans_say_what_to_fix() {
    let dir = tmp("sweep-closures");
    let out = dir.join("out");
    let p = plan(
        &dir,
        "mat-64",
        "name = \"mat-64\"\ndep = [\"64\"]\nformat = \"parquet\"\n[closures]\nyear = 2016\namong = [\"640000410\", \"640017646\", \"640000600\"]\nk = [1, 2]\n",
    );
    let (ok, stdout, stderr) = run(&["sweep", &p, "--out", out.to_str().unwrap()], &[]);
    assert!(ok, "{stderr}");
    // no closure, 3 single closures, 3 pairs
    assert!(stdout.contains("7 scenarios x 545 communes"), "{stdout}");
    let file = std::fs::File::open(out.join("mat-64-values.parquet")).unwrap();
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(file).unwrap();
    let mut by: BTreeMap<(String, String), (f64, bool)> = BTreeMap::new();
    for r in reader.into_iter() {
        let r = r.unwrap();
        by.insert(
            (r.get_string(1).unwrap().clone(), r.get_string(2).unwrap().clone()),
            (r.get_double(3).unwrap(), r.get_bool(4).unwrap()),
        );
    }
    assert_eq!(by.len(), 7 * 545);
    for (close, params) in [
        ("640000410", "closed=640000410"),
        ("640000410,640017646", "closed=640000410+640017646"),
    ] {
        let s = dir.join(format!("scenario-{}", close.len()));
        let (ok, _, stderr) = run(
            &[
                "scenario",
                "--dep",
                "64",
                "--year",
                "2016",
                "--close",
                close,
                "--out",
                s.to_str().unwrap(),
            ],
            &[],
        );
        assert!(ok, "{stderr}");
        // the one table of the run (its name carries the closures)
        let csv = std::fs::read_dir(&s)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "csv"))
            .unwrap();
        let before = column_by(&csv, "insee", "before_minutes");
        let after = column_by(&csv, "insee", "after_minutes");
        let beyond = column_by(&csv, "insee", "beyond_after");
        for (insee, a) in &after {
            let (v, f) = by[&(params.to_string(), insee.clone())];
            assert!(
                (v - a.parse::<f64>().unwrap()).abs() <= 0.005 + 1e-9,
                "{params} {insee}"
            );
            assert_eq!(f.to_string(), beyond[insee], "{params} {insee}");
            let (v0, _) = by[&("closed=".to_string(), insee.clone())];
            assert!(
                (v0 - before[insee].parse::<f64>().unwrap()).abs() <= 0.005 + 1e-9,
                "{insee}"
            );
        }
    }

    // Bad plans: the file, the key, the fix; nothing written.
    let bad = dir.join("bad");
    for (text, says) in [
        (
            "name = \"x\"\ndep = [\"64\"]\n[gp]\ncatchments = [20]\ndecay = [\"drees\"]\n",
            "decay",
        ),
        (
            "name = \"x\"\ndep = [\"64\"]\n[gp]\ncatchments = [20]\ndecays = [\"cubic\"]\n",
            "cubic",
        ),
        ("name = \"x\"\n[gp]\ncatchments = [20]\n", "dep = [\"64\"]"),
        ("name = \"x\"\ndep = [\"64\"]\n", "[gp] or [closures]"),
        (
            "name = \"x\"\ndep = [\"64\"]\n[closures]\namong = [\"640000410\"]\nk = [2]\n",
            "k = 2",
        ),
        (
            "name = \"x\"\ndep = [\"64\"]\n[closures]\nyear = 2016\namong = [\"123\"]\nk = [1]\n",
            "`123` is not a facility",
        ),
    ] {
        let p = plan(&dir, "bad", text);
        let (ok, _, stderr) = run(&["sweep", &p, "--out", bad.to_str().unwrap()], &[]);
        assert!(!ok, "{text}");
        assert!(stderr.contains(says), "{text}: {stderr}");
        if !says.contains("not a facility") {
            assert!(stderr.contains("bad.toml"), "{stderr}");
        }
    }
    assert!(!bad.exists() || files_of(&bad).is_empty());
}

#[test]
fn matrix_says_which_pairs_have_no_row_and_keeps_formulas_out_of_spreadsheets() {
    let dir = tmp("matrix-norow");
    let out = dir.to_str().unwrap();
    // No limit: the 2017 list holds maternities on other islands (Corsica,
    // overseas) that no road from the 64 reaches.
    let (ok, stdout, stderr) = run(&["matrix", "--dep", "64", "--year", "2017", "--out", out], &[]);
    assert!(ok, "{stderr}");
    let pairs: usize = stdout
        .split("destinations; ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    let without: usize = stdout
        .lines()
        .find(|l| l.ends_with("pairs have no row: no road between them (another island, or no road out)"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(pairs + without, 545 * 500, "{stdout}");
    assert_eq!(table(&dir.join("matrix-64-2017.csv")).1.len(), pairs);

    // Ids a spreadsheet would run as formulas are written as text.
    let f = dir.join("formula-sites.csv");
    std::fs::write(
        &f,
        "id,name,lon,lat\n=cmd(),CH Pau,-0.3599,43.3163\n@SUM(1),Bayonne,-1.4748,43.4917\n",
    )
    .unwrap();
    let out2 = tmp("matrix-formula");
    let (ok, _, stderr) = run(
        &[
            "matrix",
            "--insee",
            "64445",
            "--facilities",
            f.to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let ids: Vec<String> = table(&out2.join("matrix-64445-facility.csv"))
        .1
        .iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(ids, ["'=cmd()", "'@SUM(1)"]);
}
