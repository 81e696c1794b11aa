//! Replays the hostile inputs of the review of 2026-12-07 (evening), one
//! test per case: each now ends in a clear error naming what to fix, or
//! writes only inside `--out`.

mod common;

use common::{refused, run, tmp};

/// Writes `text` as the plan `file` in `dir`; the arguments of `sweep` on
/// it with `--out dir/o`.
fn sweep_on(dir: &std::path::Path, file: &str, text: &str) -> [String; 4] {
    let plan = dir.join(file);
    std::fs::write(&plan, text).unwrap();
    [
        "sweep".into(),
        plan.display().to_string(),
        "--out".into(),
        dir.join("o").display().to_string(),
    ]
}

#[test]
fn gp_remove_100_from_a_commune_of_3() {
    let dir = tmp("rv-remove");
    refused(
        &[
            "gp",
            "--insee",
            "64104",
            "--remove",
            "64104:100",
            "--out",
            dir.to_str().unwrap(),
        ],
        &["--remove", "commune 64104 has 3 GPs", "remove at most 3"],
    );
    assert!(!dir.exists() || std::fs::read_dir(&dir).unwrap().next().is_none());
}

#[test]
fn run_record_with_a_report_of_dot_dot() {
    let dir = tmp("rv-record");
    std::fs::create_dir_all(&dir).unwrap();
    let record = dir.join("a.config.json");
    std::fs::write(
        &record,
        r#"{"medaccess": "0.1.0", "data": "embedded:fixtures", "job": "gp", "options": {"insee": ["64104"], "report": "../../escaped_report.html"}, "command": "medaccess gp --insee 64104 --report ../../escaped_report.html"}"#,
    )
    .unwrap();
    let out = dir.join("o/deep/out");
    let (ok, _, stderr) = run(
        &["run", record.to_str().unwrap(), "--out", out.to_str().unwrap()],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(out.join("escaped_report.html").is_file(), "{stderr}");
    assert!(!dir.join("o/escaped_report.html").exists());
    assert!(!dir.join("escaped_report.html").exists());
}

#[test]
fn study_with_a_report_of_dot_dot() {
    let dir = tmp("rv-study");
    std::fs::create_dir_all(&dir).unwrap();
    let study = dir.join("study.toml");
    std::fs::write(
        &study,
        "[[run]]\njob = \"gp\"\ninsee = [\"64104\"]\nreport = \"../../../esc.html\"\nout = \"o\"\n",
    )
    .unwrap();
    let e = refused(
        &["run", study.to_str().unwrap()],
        &["study.toml:4: `report`", "leaves the run's output folder"],
    );
    assert!(e.contains("report.html"), "{e}");
    assert!(!dir.join("o").exists());
}

#[test]
fn commune_profile_empty_object_and_tiny_leg_speed() {
    let dir = tmp("rv-profile");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("p.json");
    for (text, expect) in [
        ("{}", "an empty profile"),
        (
            r#"{"version":"v2","leg_speed_kmh":1e-300}"#,
            "`leg_speed_kmh` is 1e-300",
        ),
        (r#"{"access_kmh":60}"#, "without `\"version\": \"v2\"`"),
    ] {
        std::fs::write(&f, text).unwrap();
        let out = dir.join("o");
        refused(
            &[
                "access",
                "--insee",
                "64422",
                "--commune-profile",
                f.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            &["p.json", expect],
        );
        assert!(!out.exists(), "{text}");
    }
}

#[test]
fn sweep_of_ten_billion_draws() {
    let dir = tmp("rv-sweep");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("big.toml");
    std::fs::write(
        &plan,
        "name = \"big\"\ndep = [\"64\"]\n[gp]\ncatchments = [10]\ndecays = [\"binary\"]\n[[gp.supply]]\nname = \"j\"\njitter = 0.2\ndraws = 10000000000\nseed = 1\n",
    )
    .unwrap();
    refused(
        &[
            "sweep",
            plan.to_str().unwrap(),
            "--out",
            dir.join("o").to_str().unwrap(),
        ],
        &["big.toml", "10000000000 scenarios", "lower `draws`"],
    );
}

#[test]
fn facilities_with_ids_that_are_not_finess_numbers() {
    let dir = tmp("rv-facdep");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("sites.csv");
    std::fs::write(
        &f,
        "id,name,lon,lat\n33XYZ,Pau hospital,-0.37,43.3\nH2,Oloron,-0.6,43.19\n",
    )
    .unwrap();
    let out = dir.join("o");
    let (ok, _, stderr) = run(
        &[
            "rank",
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
    let (h, rows) = common::read_csv(&out.join("rank-64-facility.csv"));
    let (id, dep) = (common::col(&h, "facility_id"), common::col(&h, "dep"));
    let deps: Vec<(&str, &str)> = rows.iter().map(|r| (&r[id], &r[dep])).collect();
    assert_eq!(
        deps,
        [("33XYZ", "64"), ("H2", "64")],
        "the département of where they are"
    );
}

#[test]
fn history_thresholds_30_30_and_threshold_35() {
    let dir = tmp("rv-history");
    refused(
        &[
            "history",
            "--dep",
            "64",
            "--thresholds",
            "30,30",
            "--out",
            dir.to_str().unwrap(),
        ],
        &["--thresholds: 30 is given twice"],
    );
    assert!(!dir.exists() || std::fs::read_dir(&dir).unwrap().next().is_none());
    // the threshold the closures are read at is a column of the table too
    let (ok, _, stderr) = run(
        &[
            "history",
            "--dep",
            "64",
            "--threshold",
            "35",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let (h, rows) = common::read_csv(&dir.join("history-64.csv"));
    let t = common::col(&h, "threshold_min");
    let mut seen: Vec<&str> = rows.iter().map(|r| &r[t]).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen, ["30.0", "35.0", "40.0", "45.0"]);
}

#[test]
fn gp_on_paris_and_an_empty_supply() {
    let dir = tmp("rv-gp-coverage");
    let (ok, _, stderr) = run(
        &["gp", "--insee", "75056,64445", "--out", dir.to_str().unwrap()],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("the GP supply has no GP in département 75:") && stderr.contains("no Paris row"),
        "{stderr}"
    );
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, "CODGEO,NB_D201\n").unwrap();
    let (ok, _, stderr) = run(
        &[
            "gp",
            "--dep",
            "64",
            "--supply",
            empty.to_str().unwrap(),
            "--out",
            dir.join("o").to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stderr.contains("the GP supply holds no GP"), "{stderr}");
    // a supply that covers the scope says nothing of it
    let (ok, _, stderr) = run(
        &["gp", "--dep", "64", "--out", dir.join("p").to_str().unwrap()],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("the GP supply"), "{stderr}");
}

#[test]
fn xy_columns_as_the_help_spells_them() {
    let dir = tmp("rv-xy");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("l93.csv");
    std::fs::write(&f, "id,name,x,y\nA,CH Pau,426000,6254000\n").unwrap();
    let out = dir.join("o");
    let (ok, _, stderr) = run(
        &[
            "access",
            "--insee",
            "64445",
            "--facilities",
            f.to_str().unwrap(),
            "--xy",
            "x,y",
            "--epsg",
            "2154",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let (h, rows) = common::read_csv(&out.join("access-64445.csv"));
    assert_eq!(&rows[0][common::col(&h, "facility_id")], "A");
    refused(
        &[
            "access",
            "--insee",
            "64445",
            "--facilities",
            f.to_str().unwrap(),
            "--xy",
            "x,y,z",
            "--epsg",
            "2154",
        ],
        &["--xy takes two column names"],
    );
}

#[test]
fn out_is_an_existing_file() {
    let dir = tmp("rv-outfile");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("afile");
    std::fs::write(&f, "keep me").unwrap();
    refused(
        &["access", "--insee", "64445", "--out", f.to_str().unwrap()],
        &["afile: not a folder", "name a folder"],
    );
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "keep me");
}

#[test]
fn isochrones_cell_of_a_million_km_and_a_band_without_polygon() {
    let dir = tmp("rv-iso");
    refused(
        &[
            "isochrones",
            "--insee",
            "64445",
            "--cell-m",
            "1e9",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[
            "--cell-m: ",
            "from 10 to 10000 metres (default 250), not 1000000000",
        ],
    );
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("site.csv");
    std::fs::write(&f, "id,name,x,y\nF1,fac,427000,6251000\n").unwrap();
    let bdtopo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/roads/bdtopo_troncon_de_route.gpkg"
    );
    let (ok, _, stderr) = run(
        &[
            "isochrones",
            "--allow-sparse-network",
            "--facilities",
            f.to_str().unwrap(),
            "--xy",
            "x,y",
            "--epsg",
            "2154",
            "--snap-limit-m",
            "5000",
            "--insee",
            "64269,64329,64041,64132,64373",
            "--roads",
            bdtopo,
            "--out",
            dir.join("o").to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("band 20-30: 1 270 inhabitants but no polygon"),
        "{stderr}"
    );
}

#[test]
fn sweep_merge_of_parts_of_another_plan_with_the_same_communes() {
    let dir = tmp("rv-sweep-mix");
    let out = dir.join("o");
    let out_s = out.to_str().unwrap();
    let plan = |file: &str, catchments: &str| {
        let p = dir.join(file);
        std::fs::write(
            &p,
            format!(
                "name = \"g\"\ninsee = [\"64445\", \"64422\"]\ntasks = 2\n[gp]\ncatchments = [{catchments}]\n"
            ),
        )
        .unwrap();
        p.to_str().unwrap().to_string()
    };
    let (a, b) = (plan("a.toml", "20, 30"), plan("b.toml", "20, 40"));
    // task 0 of plan a, task 1 of plan b: the same communes, the same file names
    for (p, t) in [(&a, "0"), (&b, "1")] {
        let (ok, _, stderr) = run(&["sweep", p, "--task", t, "--out", out_s], &[]);
        assert!(ok, "{stderr}");
    }
    let part0 = out.join("g-task-0.csv");
    let part1 = out.join("g-task-1.csv");
    refused(
        &["sweep", &a, "--merge", "--out", out_s],
        &[
            part1.to_str().unwrap(),
            "task 1 of another plan",
            &format!("not of {a}"),
            &format!("as {} is", part0.display()),
            "parts of different plans do not merge",
            &format!("rerun task 1 of this plan (`medaccess sweep {a} --task 1`; in Python `run_task(1)`)"),
        ],
    );
    assert!(!out.join("g-values.csv").exists());
    // the part of plan a run again: the merge goes through
    let (ok, _, stderr) = run(&["sweep", &a, "--task", "1", "--out", out_s], &[]);
    assert!(ok, "{stderr}");
    let (ok, _, stderr) = run(&["sweep", &a, "--merge", "--out", out_s], &[]);
    assert!(ok, "{stderr}");
    // a part of an older medaccess (no first line with the fingerprint)
    let text = std::fs::read_to_string(&part1).unwrap();
    std::fs::write(&part1, text.split_once('\n').unwrap().1).unwrap();
    refused(
        &["sweep", &a, "--merge", "--out", out_s],
        &[
            part1.to_str().unwrap(),
            "written by an older medaccess, without the fingerprint of its plan",
            &format!(
                "rerun its task with this medaccess (`medaccess sweep {a} --task N`; in Python `run_task(N)`)"
            ),
        ],
    );
}

#[test]
fn sweep_plan_paths_are_read_from_the_plan_folder() {
    let dir = tmp("rv-sweep-rel");
    let plans = dir.join("plans");
    std::fs::create_dir_all(&plans).unwrap();
    // a weighting file beside the plan, and the run started from elsewhere
    std::fs::write(plans.join("fte.csv"), "insee,weight\n64445,2\n").unwrap();
    std::fs::write(
        plans.join("p.toml"),
        "name = \"rel\"\ninsee = [\"64445\", \"64422\"]\n[gp]\ncatchments = [20]\n\
         [[gp.supply]]\nname = \"counts\"\n[[gp.supply]]\nname = \"fte\"\nfile = \"fte.csv\"\n",
    )
    .unwrap();
    // and in the folder the run starts from, another fte.csv that changes
    // nothing (Pau's GPs weigh 1): read from there, `fte` would equal `counts`
    let cwd = dir.join("elsewhere");
    std::fs::create_dir_all(&cwd).unwrap();
    std::fs::write(cwd.join("fte.csv"), "insee,weight\n64445,1\n").unwrap();
    let mut c = common::bin();
    c.current_dir(&cwd)
        .args(["sweep", "../plans/p.toml", "--out", "o"]);
    let (ok, _, stderr) = common::outcome(&mut c);
    assert!(ok, "{stderr}");
    let (h, rows) = common::read_csv(&cwd.join("o/rel-values.csv"));
    let (p, commune, value) = (
        common::col(&h, "parameters"),
        common::col(&h, "commune"),
        common::col(&h, "value"),
    );
    let pau = |supply: &str| -> f64 {
        let r = rows
            .iter()
            .find(|r| r[p].ends_with(&format!("supply={supply}")) && &r[commune] == "64445")
            .unwrap_or_else(|| panic!("no row of Pau with supply={supply}: {rows:?}"));
        r[value].parse().unwrap()
    };
    // the plan folder's weights (Pau's GPs count twice): Pau's value is up
    assert!(
        pau("fte") > pau("counts"),
        "fte {} counts {}",
        pau("fte"),
        pau("counts")
    );
}

#[test]
fn sweep_closure_plan_errors_name_the_plan_line_and_key() {
    let dir = tmp("rv-sweep-closures");
    let out = dir.join("o");
    let nope = format!("{}: No such file", dir.join("nope.csv").display());
    for (grid, expect) in [
        (
            "year = 2016\namong = [\"123\"]\nk = [1]\n",
            vec![
                "c.toml:5: field `[closures] among`",
                "`123` is not a facility of the set",
                "name ids of the set",
            ],
        ),
        (
            "facilities = \"nope.csv\"\namong = [\"A\"]\nk = [1]\n",
            vec![
                // Read from the plan's folder; the error is the file's.
                nope.as_str(),
                "(running the plan ",
                "c.toml:4: field `[closures] facilities`)",
            ],
        ),
        (
            "kind = \"dentist\"\nyear = 2016\namong = [\"640000410\"]\nk = [1]\n",
            vec!["c.toml:4: field `[closures] kind`", "dentist"],
        ),
        (
            "threshold = -1\nyear = 2016\namong = [\"640000410\"]\nk = [1]\n",
            vec![
                "c.toml:4: field `[closures] threshold`",
                "a number of minutes in (0, 240]",
            ],
        ),
        (
            // Refused with the plan's line before any data are read (was:
            // `--threshold`, a flag sweep does not have, after loading).
            "threshold = 241\nyear = 2016\namong = [\"640000410\"]\nk = [1]\n",
            vec![
                "c.toml:4: field `[closures] threshold`",
                "threshold 241: a number of minutes in (0, 240]",
            ],
        ),
        (
            "year = 2016\namong = [\"640000410\"]\nk = [2]\n",
            vec![
                "c.toml:6: field `[closures] k`",
                "k = 2: between 1 and the 1 facilities",
            ],
        ),
    ] {
        let args = sweep_on(
            &dir,
            "c.toml",
            &format!("name = \"c\"\ndep = [\"64\"]\n[closures]\n{grid}"),
        );
        refused(&args.each_ref().map(String::as_str), &expect);
        assert!(!out.exists(), "{grid}");
    }
}

#[test]
fn small_messages_say_what_to_fix() {
    let dir = tmp("rv-small");
    let out = dir.join("o");
    let out_s = out.to_str().unwrap();
    refused(
        &[
            "access",
            "--dep",
            "64",
            "--year",
            "2016",
            "--compare-year",
            "2016",
            "--out",
            out_s,
        ],
        &[
            "--compare-year 2016 is the --year of the run (2016)",
            "the two years must differ",
        ],
    );
    refused(
        &[
            "scenario", "--dep", "64", "--year", "2016", "--close", ",", "--out", out_s,
        ],
        &[
            "an empty site id was given among the sites to close",
            "e.g. 640000410,640017646",
        ],
    );
    refused(
        &["gp", "--insee", "64445", "--decay", "binary:inf", "--out", out_s],
        &[
            "decay `binary:inf`",
            "`inf` is not a finite number of minutes",
            "e.g. binary:30",
        ],
    );
    // thousands of --within as a GeoPackage: refused before any work, with the limit
    let within: Vec<String> = (1..=2000).map(|k| format!("{:.2}", k as f64 * 0.05)).collect();
    let within = within.join(",");
    let t0 = std::time::Instant::now();
    refused(
        &[
            "gp", "--insee", "64445", "--within", &within, "--format", "gpkg", "--out", out_s,
        ],
        &[
            "--within: 2000 numbers of minutes make a commune layer of 2011 columns",
            "more than the 2000 a GeoPackage table may hold",
            "give at most 1989 with --format gpkg, or write csv or geojson",
        ],
    );
    assert!(t0.elapsed().as_secs() < 20, "refused up front");
    assert!(!out.exists());
}

#[test]
fn finess_of_8_digits_is_padded_with_a_warning() {
    let dir = tmp("rv-finess8");
    let list = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/maternites-drees.csv"
    ))
    .unwrap();
    // Excel dropped the leading zero of CH Fleyriat (Bourg-en-Bresse)
    assert!(list.contains(";010000024;"));
    let m = dir.join("m.csv");
    std::fs::write(&m, list.replace(";010000024;", ";10000024;")).unwrap();
    let line = 1 + list.lines().position(|l| l.contains(";010000024;")).unwrap();
    let out = dir.join("o");
    let (ok, _, stderr) = run(
        &[
            "access",
            "--dep",
            "01",
            "--year",
            "2016",
            "--maternities",
            m.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let warning = format!(
        "010000024: {}:{line}: field `FI_ET`: FINESS `10000024` has 8 digits (a spreadsheet dropped its leading zero?): read as 010000024",
        m.display()
    );
    assert!(stderr.contains(&warning), "{warning}\n{stderr}");
    assert_eq!(
        stderr.matches("has 8 digits").count(),
        1,
        "once per site: {stderr}"
    );
    // read as the 9-digit site: it is in the table
    let (h, rows) = common::read_csv(&out.join("maternity-access-01-2016.csv"));
    let id = common::col(&h, "facility_id");
    assert!(rows.iter().any(|r| r[id] == *"010000024"), "{stderr}");
}

#[test]
fn sweep_where_no_commune_is_ever_flagged() {
    // A threshold no trip in the département reaches: the summary says
    // that nothing is flagged instead of a Jaccard index of nothing
    // (printed as "mean 0.0000, min inf").
    let args = sweep_on(
        &tmp("rv-sweep-none-flagged"),
        "n.toml",
        "name = \"n\"\ndep = [\"64\"]\n[closures]\nyear = 2016\nthreshold = 240\namong = [\"640000410\"]\nk = [1]\n",
    );
    let (ok, stdout, stderr) = run(&args.each_ref().map(String::as_str), &[]);
    assert!(ok, "{stderr}");
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains("Jaccard of flagged communes vs reference: no commune flagged in the reference or any other scenario"),
        "{all}"
    );
    assert!(!all.contains("inf"), "{all}");
}

#[test]
fn sweep_plan_naming_a_commune_graph_that_is_not_there() {
    // The error is the graph file's (Python's InputError.file is the
    // graph), and says which part of the plan read it.
    let dir = tmp("rv-sweep-graph");
    let args = sweep_on(
        &dir,
        "g.toml",
        "name = \"g\"\ndep = [\"64\"]\n[data]\ncommune_graph = \"missing.medgraph.gz\"\n[gp]\ncatchments = [20]\n",
    );
    let graph = format!("{}: No such file", dir.join("missing.medgraph.gz").display());
    refused(
        &args.each_ref().map(String::as_str),
        &[graph.as_str(), "(running the plan ", "g.toml:3: field `data`)"],
    );
}
