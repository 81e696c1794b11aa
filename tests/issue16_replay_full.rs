//! Reproducers of issue 16 that need the real data beside the clone
//! (`../shared/data`): the rest are in `issue16_replay.rs`.
#![cfg(feature = "full-suite")]

mod common;

use common::{refused, run, shared, tmp};

#[test]
fn corsica_roads_with_dep_64() {
    let dir = tmp("r16f-corsica-64");
    let links = shared("osm-fr-corse/corsica_links.csv.gz");
    refused(
        &[
            "access",
            "--dep",
            "64",
            "--roads",
            links.to_str().unwrap(),
            "--no-roads-cache",
            "--out",
            dir.to_str().unwrap(),
        ],
        &["corsica_links.csv.gz misses the scope: 545 of the 545 communes in scope (100 %)"],
    );
}

#[test]
fn corsica_network_cut_at_90_percent() {
    use std::io::Read;
    let dir = tmp("r16f-corsica-cut");
    let mut xml = Vec::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(shared("osm-fr-corse/corsica_network.matsim.xml.gz")).unwrap(),
    )
    .read_to_end(&mut xml)
    .unwrap();
    // cut right after a `>` at 90 %
    let at = xml[..xml.len() * 9 / 10]
        .iter()
        .rposition(|&b| b == b'>')
        .unwrap()
        + 1;
    let cut = dir.join("corsica-cut.xml");
    std::fs::write(&cut, &xml[..at]).unwrap();
    refused(
        &[
            "access",
            "--dep",
            "2A,2B",
            "--roads",
            cut.to_str().unwrap(),
            "--no-roads-cache",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[
            "corsica-cut.xml:",
            "field `xml`",
            "before the closing </network> tag",
            "truncated",
        ],
    );
}

/// France 2023: 9,768 communes beyond 40 min without --communes-dir, 9,580
/// with it; Ambérieu 8.65 then 3.04 min. Now one answer.
#[test]
fn france_2023_with_and_without_communes_dir() {
    let dir = tmp("r16f-france");
    let (a, b) = (dir.join("a"), dir.join("b"));
    let communes = shared("communes-france");
    let (ok, sa, e) = run(&["access", "--france", "--out", a.to_str().unwrap()], &[]);
    assert!(ok, "{e}");
    let (ok, sb, e) = run(
        &[
            "access",
            "--france",
            "--communes-dir",
            communes.to_str().unwrap(),
            "--out",
            b.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{e}");
    let line = |s: &str| {
        s.lines()
            .find(|l| l.contains("beyond 40 min"))
            .unwrap()
            .to_owned()
    };
    assert_eq!(line(&sa), line(&sb));
    assert!(
        line(&sa).contains("beyond 40 min: 7332 communes"),
        "{}",
        line(&sa)
    );
    let csv =
        |d: &std::path::Path| std::fs::read_to_string(d.join("maternity-access-france-2023.csv")).unwrap();
    assert_eq!(csv(&a), csv(&b), "every commune's answer is the same");
    let amb = csv(&a)
        .lines()
        .find(|l| l.starts_with("01004,"))
        .unwrap()
        .to_owned();
    assert!(amb.contains(",010780203,HOPITAL PRIVE D'AMBERIEU,5.54,"), "{amb}");
    // 67226 Ittenheim's polygon is invalid in the extract: repaired and said
    assert!(e.contains("commune 67226 Ittenheim was invalid"), "{e}");
    let summary = std::fs::read_to_string(b.join("maternity-access-france-2023-summary.txt")).unwrap();
    assert!(summary.contains("67226 Ittenheim was invalid"), "{summary}");
}
