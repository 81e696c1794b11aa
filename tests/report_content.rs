//! What the reports say, read back from the HTML the real binary writes on
//! the shipped data: a region named, counts that mean what they say (the
//! facilities of the report's départements, GPs not communes with a GP),
//! a département with no GP in the source stated first, the GP report's
//! 2SFCA map with its legend, and the rank's margins.

mod common;

use common::{OLORON_SCENARIO, read_csv, run, then, tmp};

/// The number shown over the key figure labelled `label`.
fn kpi(html: &str, label: &str) -> u64 {
    let at = html
        .find(&format!("<span>{label}</span>"))
        .unwrap_or_else(|| panic!("no key figure `{label}`"));
    let b = html[..at].rfind("<b>").unwrap() + 3;
    let e = b + html[b..].find("</b>").unwrap();
    html[b..e]
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// The CSV file a run wrote into `dir`.
fn csv_in(dir: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "csv"))
        .unwrap()
}

fn report(tag: &str, args: &[&str]) -> (std::path::PathBuf, String, String) {
    let dir = tmp(tag);
    let path = dir.join("report.html");
    let a = then(
        args,
        &["--out", dir.to_str().unwrap(), "--report", path.to_str().unwrap()],
    );
    let (ok, stdout, stderr) = run(&a, &[]);
    assert!(ok, "{args:?}: {stderr}");
    (dir, std::fs::read_to_string(&path).unwrap(), stdout)
}

#[test]
fn region_report_is_named_and_counts_its_own_facilities() {
    let (dir, html, _) = report("content-r75", &["access", "--region", "75", "--year", "2023"]);
    assert!(html.contains("<h1>Accès aux maternités — Nouvelle-Aquitaine</h1>"));
    assert!(!html.contains("région(s)"));
    // the maternities of the region's twelve départements, counted from
    // the facilities layer the same run wrote
    let layer = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("-facilities.geojson"))
        .expect("a facilities layer");
    let fc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(layer).unwrap()).unwrap();
    let deps = medaccess::communes::region_departements("75").unwrap();
    let features = fc["features"].as_array().unwrap();
    let in_region = features
        .iter()
        .filter(|f| deps.contains(&f["properties"]["dep"].as_str().unwrap()))
        .count() as u64;
    assert!(in_region > 20 && (in_region as usize) < features.len() / 5);
    assert_eq!(kpi(&html, "maternités dans les 12 départements"), in_region);
}

#[test]
fn gp_report_counts_gps_maps_the_2sfca_and_names_what_the_source_lacks() {
    let (_, html, _) = report("content-gp", &["gp", "--dep", "64,65"]);
    // GPs, from the supply file itself: not the communes that have one
    let bpe =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/gp-bpe-d201.csv")).unwrap();
    let (mut gps, mut communes) = (0u64, 0u64);
    for line in bpe.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[1] == "64" || f[1] == "65" {
            gps += f[2].parse::<u64>().unwrap();
            communes += 1;
        }
    }
    assert!(gps > 2 * communes);
    assert_eq!(kpi(&html, "médecins généralistes dans les 2 départements"), gps);
    // the 2SFCA map, its legend and the communes per class, in French
    assert!(html.contains("<h2>Accessibilité potentielle localisée aux médecins généralistes (2SFCA)</h2>"));
    for class in [
        "4,5 et plus",
        "3,5 à 4,5",
        "2,5 à 3,5",
        "1,5 à 2,5",
        "moins de 1,5",
    ] {
        assert!(html.matches(class).count() >= 2, "legend and table row `{class}`");
    }
    assert!(
        !html.contains("per commune in the GeoJSON"),
        "no English in a French report"
    );
    assert!(!html.contains(" GPs)"), "site names in one language");

    // Paris: no GP in the BPE file shipped; the report says so first
    let (_, html, _) = report("content-gp75", &["gp", "--dep", "75", "--lang", "en"]);
    let notice = html
        .find("Paris (75): no GP in the source (INSEE BPE D201")
        .expect("the Paris notice");
    assert!(notice < html.find("<h2>").unwrap(), "before the first section");
}

#[test]
fn rank_shows_its_margins() {
    let (dir, html, stdout) = report("content-rank", &["rank", "--dep", "64", "--year", "2016"]);
    assert!(html.contains("Marge à ±2\u{A0}min"));
    assert!(stdout.contains("±2 min margin"), "{stdout}");
    let (h, rows) = read_csv(&csv_in(&dir));
    let col = |n: &str| common::col(&h, n);
    let (newly, b, w, fragile) = (
        col("population_newly_beyond"),
        col("population_just_beyond"),
        col("population_just_within"),
        col("fragile"),
    );
    let mut flagged = 0;
    for row in &rows {
        let n = |i: usize| row[i].parse::<u64>().unwrap();
        assert!(n(b) <= n(newly), "the just-beyond are among the newly beyond");
        assert_eq!(row[fragile] == *"true", 2 * (n(b) + n(w)) > n(newly));
        flagged += (row[fragile] == *"true") as usize;
    }
    assert!(flagged > 0 && html.contains(">fragile<"));
}

#[test]
fn scenario_states_its_margin() {
    let (dir, html, stdout) = report("content-scenario", &OLORON_SCENARIO);
    // recomputed from the CSV of every commune the same run wrote
    let (h, rows) = read_csv(&csv_in(&dir));
    let col = |n: &str| common::col(&h, n);
    let (pop, bf, af, bm, am) = (
        col("population"),
        col("before_facility_id"),
        col("after_facility_id"),
        col("before_minutes"),
        col("after_minutes"),
    );
    let (mut beyond, mut within) = (0u64, 0u64);
    for row in &rows {
        if row[bf] == row[af] && row[bm] == row[am] {
            continue; // unchanged
        }
        let Ok(after) = row[am].parse::<f64>() else {
            continue;
        };
        let p: u64 = row[pop].parse().unwrap_or(0);
        if after > 40.0 && after <= 42.0 {
            beyond += p;
        } else if after > 38.0 && after <= 40.0 {
            within += p;
        }
    }
    assert!(beyond > 0, "Oloron's closure leaves people just beyond 40 min");
    let group = |n: u64| medaccess::access::group(n);
    assert!(
        stdout.contains(&format!(
            "{} inhabitants end at most 2 min beyond 40 min, {} less than 2 min under it",
            group(beyond),
            group(within)
        )),
        "{stdout}"
    );
    assert!(html.contains("Marge\u{A0}: parmi les communes dont le temps change"));
}
