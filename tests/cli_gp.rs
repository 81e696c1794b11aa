//! `medaccess gp` end to end on the shipped BPE supply: outputs read by GDAL,
//! a GP-count scenario that changes only nearby communes, clear errors.

mod common;

#[cfg(feature = "full-suite")]
use common::ogrinfo;
use common::{run, tmp};

#[test]
fn gp_access_64_65_with_a_new_practice() {
    let dir = tmp("gp");
    let out = dir.to_str().unwrap();
    let report = dir.join("gp.html");
    let (ok, stdout, stderr) = run(
        &[
            "gp",
            "--dep",
            "64,65",
            "--add",
            "64104:2",
            "--out",
            out,
            "--report",
            report.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("médecin"), "French GP report");
    assert!(
        stdout.contains("1014 communes") || stdout.contains("1 014 communes"),
        "{stdout}"
    );
    let features = common::features(&dir.join("gp-access-64-65-add-64104x2.geojson"));
    assert_eq!(features.len(), 1014);
    // GDAL's reading of the field types, as QGIS sees them (full suite).
    #[cfg(feature = "full-suite")]
    {
        let info = ogrinfo(&dir.join("gp-access-64-65-add-64104x2.geojson"), &["-so", "-al"]);
        assert!(info.contains("Feature Count: 1014"), "{info}");
        for f in [
            "nearest_gp_min: Real",
            "gp_within_10min: Real",
            "gp_per_100k: Real",
            "under_served: Integer(Boolean)",
            "delta_gp_per_100k: Real",
        ] {
            assert!(info.contains(f), "{f}: {info}");
        }
    }
    // two GPs more in Bedous (64104) raise access in Bedous and its valley only
    let (h, rows) = common::read_csv(&dir.join("gp-access-64-65-add-64104x2.csv"));
    let (ci, cd) = (common::col(&h, "insee"), common::col(&h, "delta_gp_per_100k"));
    let changed: Vec<&str> = rows
        .iter()
        .filter(|x| x[cd].parse::<f64>().unwrap() != 0.0)
        .map(|x| &x[ci])
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    assert!(changed.contains(&"64104"));
    assert!(changed.len() < 40, "{changed:?}");
    assert!(!changed.contains(&"64445"), "Pau is far from Bedous");

    let (ok, _, stderr) = run(&["gp", "--dep", "64", "--add", "99999:2", "--out", out], &[]);
    assert!(!ok);
    assert!(stderr.contains("99999"), "{stderr}");
    let (ok, _, stderr) = run(&["gp", "--dep", "64", "--decay", "cubic", "--out", out], &[]);
    assert!(!ok);
    assert!(stderr.contains("cubic"), "{stderr}");
}
