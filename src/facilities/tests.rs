//! Tests on the real files in ../shared/data and on the fixtures, plus one
//! test per kind of bad input.
// Helpers shared with the tests that read ../shared/data (full suite).
#![cfg_attr(not(feature = "full-suite"), allow(dead_code, unused_imports))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::*;

const DREES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/maternites-drees/annuaire_maternites_DREES.csv"
);
const EUROSTAT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/hospitals-eurostat/FR_healthcare_services_2020.csv"
);
const COMMUNES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/communes-france/communes_points.csv"
);
const FIX_DREES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/maternites-drees.csv");
const FIX_POS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/maternites-positions.csv");
const FIX_FINESS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/finess-sample.csv");

/// Town-hall points by INSEE code, read the simple way.
fn town_halls() -> BTreeMap<String, [f64; 2]> {
    let mut r = csv::Reader::from_path(COMMUNES).unwrap();
    let mut m = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if let (Ok(lon), Ok(lat)) = (rec[4].parse::<f64>(), rec[5].parse::<f64>()) {
            m.insert(rec[0].to_owned(), [lon, lat]);
        }
    }
    m
}

use territory::distance_m as metres;

/// A scratch file with the given bytes, unique per test.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("medaccess-facilities-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn ids(records: &[&MaternityRecord]) -> BTreeSet<String> {
    records.iter().map(|r| r.finess.clone()).collect()
}

#[cfg(feature = "full-suite")]
#[test]
fn drees_years_counts_and_closures() {
    let list = MaternityList::load(Path::new(DREES)).unwrap();
    assert_eq!(list.records().len(), 5444);
    assert_eq!(list.years(), (2013..=2023).collect::<Vec<u16>>());
    let per_year = [535, 532, 520, 515, 500, 491, 480, 478, 472, 464, 457];
    for (year, n) in (2013..=2023).zip(per_year) {
        assert_eq!(list.open_in(year).unwrap().len(), n, "{year}");
    }
    let in64: BTreeSet<String> = list
        .open_in(2023)
        .unwrap()
        .iter()
        .filter(|r| r.commune.starts_with("64"))
        .map(|r| r.finess.clone())
        .collect();
    let expected: BTreeSet<String> = ["640000600", "640780946", "640000162", "640018206", "640017646"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(in64, expected);
    assert!(ids(&list.open_in(2016).unwrap()).contains("640000410"));
    assert!(!ids(&list.open_in(2017).unwrap()).contains("640000410"));
    let last = list.last_years();
    assert_eq!(last["640000410"], 2016);
    assert_eq!(last["640000402"], 2013);
    assert_eq!(last["650000045"], 2014);
    assert_eq!(list.history().len(), 565);
    let pau = list.site("640000600").unwrap();
    assert_eq!(pau.years.last(), Some(&(2023, 1928, Some(MaternityLevel::L3))));
    assert!(list.open_in(2030).unwrap_err().to_string().contains("2013–2023"));
}

#[cfg(feature = "full-suite")]
#[test]
fn drees_overseas_and_corsica_codes() {
    let list = MaternityList::load(Path::new(DREES)).unwrap();
    let basse_terre = list.site("970100392").unwrap();
    assert_eq!(basse_terre.commune, "97105");
    let chm = list.site("980500011").unwrap();
    assert_eq!(chm.commune, "97611");
    assert!(
        list.history()
            .iter()
            .any(|h| h.finess.starts_with("2A") && h.commune.starts_with("2A"))
    );
    let blank = list.records().iter().filter(|r| r.level.is_none()).count();
    assert_eq!(blank, 1, "one blank TYPE");
}

#[cfg(feature = "full-suite")]
#[test]
fn eurostat_ids_padded_and_maternities_found() {
    let table = PositionTable::load_eurostat(Path::new(EUROSTAT)).unwrap();
    assert_eq!(table.positions.len() + table.rejected.len(), 5368);
    assert!(table.rejected.is_empty(), "{:?}", table.rejected.values().next());
    assert_eq!(table.get("640000600").unwrap().lon_lat, [-0.3532595, 43.3240848]);
    assert_eq!(table.get("640000410").unwrap().lon_lat, [-0.61837, 43.19621]);
    assert!(table.get("010000024").is_some(), "leading zero restored");
    assert!(table.get("2A0000022").is_some(), "Corsican id kept as is");
    let list = MaternityList::load(Path::new(DREES)).unwrap();
    let missing: BTreeSet<String> = list
        .open_in(2023)
        .unwrap()
        .iter()
        .filter(|r| table.get(&r.finess).is_none())
        .map(|r| r.finess.clone())
        .collect();
    let expected: BTreeSet<String> = ["2A0004842", "590052056", "590797353", "670018068"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(missing, expected);
}

#[cfg(feature = "full-suite")]
#[test]
fn maternities_placed_with_town_hall_fallback() {
    let list = MaternityList::load(Path::new(DREES)).unwrap();
    let table = PositionTable::load_eurostat(Path::new(EUROSTAT)).unwrap();
    let halls = town_halls();
    let placed = place_maternities(&list, 2023, &[&table], |c| halls.get(c).copied()).unwrap();
    assert_eq!(placed.facilities.len() + placed.unplaced.len(), 457);
    // 4 sites missing from the Eurostat table, 4 placed absurdly far from
    // their commune by Eurostat's geocoder.
    assert!(placed.unplaced.is_empty(), "{:?}", placed.unplaced);
    let fallbacks: BTreeSet<&str> = placed
        .facilities
        .iter()
        .filter(|f| f.source == PositionSource::CommuneTownHall)
        .map(|f| f.id.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "2A0004842",
        "590052056",
        "590797353",
        "670018068", // not in the table
        "340000033",
        "470000423",
        "680004546",
        "930000328", // > 20 km off
    ]
    .into();
    assert_eq!(fallbacks, expected);
    assert!(
        placed
            .warnings
            .iter()
            .any(|w| w.starts_with("340000033") && w.contains("250.6 km")),
        "{:?}",
        placed.warnings
    );
    let pau = placed.facilities.iter().find(|f| f.id == "640000600").unwrap();
    assert_eq!(
        (pau.source, pau.lon_lat, pau.births),
        (PositionSource::Eurostat, [-0.3532595, 43.3240848], Some(1928))
    );
    for f in placed
        .facilities
        .iter()
        .filter(|f| f.source == PositionSource::CommuneTownHall)
    {
        assert_eq!(Some(f.lon_lat), halls.get(f.commune.as_deref().unwrap()).copied());
    }
    // Every placed site is in France, and near its commune's town hall.
    for f in &placed.facilities {
        assert!(check_lon_lat(f.lon_lat[0], f.lon_lat[1]).is_ok(), "{}", f.id);
    }
}

#[cfg(feature = "full-suite")]
#[test]
fn fixtures_load_like_the_shared_data() {
    let full = MaternityList::load(Path::new(DREES)).unwrap();
    let fix = MaternityList::load(Path::new(FIX_DREES)).unwrap();
    for year in [2013, 2016, 2017, 2023] {
        let a = full.open_in(year).unwrap();
        let b = fix.open_in(year).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                (&x.finess, &x.name, x.level, &x.commune, x.births),
                (&y.finess, &y.name, y.level, &y.commune, y.births)
            );
        }
    }
    let pos_full = PositionTable::load_eurostat(Path::new(EUROSTAT)).unwrap();
    let pos_fix = PositionTable::load_eurostat(Path::new(FIX_POS)).unwrap();
    assert_eq!(pos_fix.positions.len(), 534);
    for (id, p) in &pos_fix.positions {
        assert_eq!(
            pos_full.get(id).map(|q| (q.lon_lat, &q.name)),
            Some((p.lon_lat, &p.name)),
            "{id}"
        );
    }
    let halls = town_halls();
    let a = place_maternities(&full, 2017, &[&pos_full], |c| halls.get(c).copied()).unwrap();
    let b = place_maternities(&fix, 2017, &[&pos_fix], |c| halls.get(c).copied()).unwrap();
    assert_eq!(a.facilities, b.facilities);
}

#[cfg(feature = "full-suite")]
#[test]
fn finess_sample_latin1_and_projections() {
    let ex = FinessExtract::load(Path::new(FIX_FINESS)).unwrap();
    assert_eq!(ex.encoding, text::DetectedEncoding::Latin1);
    assert_eq!(ex.extraction_date.as_deref(), Some("2020-03-06"));
    assert_eq!(ex.establishments.len(), 6);
    let stdenis = ex.get("970400024").unwrap();
    assert_eq!(stdenis.commune.as_deref(), Some("97411"));
    assert_eq!(stdenis.category_label, "Centre Hospitalier Régional (C.H.R.)");
    assert_eq!(
        ex.get("640000600").unwrap().xy,
        Some(([427939.6, 6252992.1], 2154))
    );
    let eurostat = PositionTable::load_eurostat(Path::new(EUROSTAT)).unwrap();
    for id in ["640000600", "640000410", "970400024", "970100442", "980500011"] {
        let p = ex.get(id).unwrap().lon_lat.unwrap();
        let d = metres(p, eurostat.get(id).unwrap().lon_lat);
        assert!(d < 1.0, "{id}: {d} m from the Eurostat position");
    }
    assert_eq!(ex.get("640780946").unwrap().lon_lat, None);
    let e = ex.get("640000999").unwrap_err().to_string();
    assert!(e.contains("unknown FINESS code 640000999"), "{e}");

    let list = MaternityList::load(Path::new(DREES)).unwrap();
    let halls = town_halls();
    let placed = place_maternities(&list, 2023, &[&ex, &eurostat], |c| halls.get(c).copied()).unwrap();
    let source = |id: &str| placed.facilities.iter().find(|f| f.id == id).unwrap().source;
    assert_eq!(source("640000600"), PositionSource::Finess);
    assert_eq!(source("640780946"), PositionSource::Eurostat);
    let only_finess = place_maternities(&list, 2023, &[&ex], |c| halls.get(c).copied()).unwrap();
    let navarre = only_finess
        .facilities
        .iter()
        .find(|f| f.id == "640780946")
        .unwrap();
    assert_eq!(
        (navarre.source, Some(navarre.lon_lat)),
        (PositionSource::CommuneTownHall, halls.get("64445").copied())
    );
}

#[test]
fn finess_crs_tokens() {
    use finess::epsg_of_source;
    assert_eq!(
        epsg_of_source("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93"),
        Some(2154)
    );
    assert_eq!(epsg_of_source("1,ATLASANTE,96,BAN,L93_METROPOLE"), Some(2154));
    assert_eq!(epsg_of_source("x,UTM_N20"), Some(5490));
    assert_eq!(epsg_of_source("x,UTM_N22"), Some(2972));
    assert_eq!(epsg_of_source("x,UTM_S40"), Some(2975));
    assert_eq!(epsg_of_source("x,UTM_S38"), Some(4471));
    assert_eq!(epsg_of_source("x,UTM_N21"), Some(4467));
    assert_eq!(epsg_of_source("x,GAUSS"), None);
}

#[cfg(feature = "full-suite")]
#[test]
fn closing_sites_and_unknown_finess() {
    let list = MaternityList::load(Path::new(FIX_DREES)).unwrap();
    let pos = PositionTable::load_eurostat(Path::new(FIX_POS)).unwrap();
    let halls = town_halls();
    let placed = place_maternities(&list, 2016, &[&pos], |c| halls.get(c).copied()).unwrap();
    let after = close(&placed.facilities, &["640000410".to_string()]).unwrap();
    assert_eq!(after.len() + 1, placed.facilities.len());
    let e = close(&placed.facilities, &["640000999".to_string()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("640000999"), "{e}");
    let e = list.site("640000999").unwrap_err().to_string();
    assert!(e.contains("unknown FINESS code 640000999"), "{e}");
    let e = list.require_open("640000410", 2017).unwrap_err().to_string();
    assert!(
        e.contains("640000410 (CENTRE HOSPITALIER OLORON) is not open in 2017: listed in 2016 only"),
        "{e}"
    );
    assert_eq!(list.require_open("640000410", 2016).unwrap().births, 135);
    let e = list.site("64000").unwrap_err().to_string();
    assert!(e.contains("not a FINESS number"), "{e}");
}

// ---- bad input: one test each ----

const DREES_HEAD: &str = "ANNEE;NOM_MAT;TYPE;FI_ET;COM;ACCTOT\r\n";

#[test]
fn bad_wrong_delimiter() {
    let p = scratch(
        "comma.csv",
        b"ANNEE,NOM_MAT,TYPE,FI_ET,COM,ACCTOT\n2016,CH,1,640000410,64422,135\n",
    );
    let e = MaternityList::load(&p).unwrap_err().to_string();
    assert!(
        e.contains("missing column `ANNEE`") && e.contains("seems to use `,`"),
        "{e}"
    );
    let p = scratch("pipe.csv", b"id|name|lon|lat\nA|B|-0.35|43.3\n");
    let e = load_facilities(&p, &FacilityColumns::default(), |_| None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot detect the delimiter") && e.contains("pipe.csv"),
        "{e}"
    );
    let p = scratch("finess-comma.csv", b"structureet,640000600,640781290,CH PAU\n");
    let e = FinessExtract::load(&p).unwrap_err().to_string();
    assert!(e.contains("not a FINESS extract"), "{e}");
}

#[test]
fn bad_missing_column_and_bad_value() {
    let p = scratch(
        "nobirths.csv",
        b"ANNEE;NOM_MAT;TYPE;FI_ET;COM\r\n2016;CH;1;640000410;64422\r\n",
    );
    let e = MaternityList::load(&p).unwrap_err().to_string();
    assert!(
        e.contains("nobirths.csv") && e.contains("missing column `ACCTOT`"),
        "{e}"
    );
    let p = scratch(
        "badlevel.csv",
        format!("{DREES_HEAD}2016;CH;1;640000410;64422;135\r\n2016;CH2;4;640000600;64445;9\r\n").as_bytes(),
    );
    let e = MaternityList::load(&p).unwrap_err().to_string();
    assert!(e.contains("badlevel.csv:3: field `TYPE`"), "{e}");
    let p = scratch(
        "badid.csv",
        format!("{DREES_HEAD}2016;CH;1;64000041;64422;135\r\n2016;CH;1;6400;64422;1\r\n").as_bytes(),
    );
    let e = MaternityList::load(&p).unwrap_err().to_string();
    assert!(
        e.contains("badid.csv:3: field `FI_ET`") && e.contains("not a FINESS number"),
        "{e}"
    );
}

#[test]
fn bom_just_works() {
    let p = scratch(
        "bom.csv",
        b"\xEF\xBB\xBFid;name;lon;lat\r\nPAU;CH Pau;-0,3532595;43,3240848\r\n",
    );
    let placed = load_facilities(&p, &FacilityColumns::default(), |_| None).unwrap();
    assert_eq!(placed.facilities[0].id, "PAU");
    assert_eq!(placed.facilities[0].lon_lat, [-0.3532595, 43.3240848]);
}

#[test]
fn latin1_detected_and_decoded_or_refused() {
    let p = scratch(
        "latin1.csv",
        b"id,name,lon,lat\nOLO,H\xF4pital d'Oloron,-0.61837,43.19621\n",
    );
    let placed = load_facilities(&p, &FacilityColumns::default(), |_| None).unwrap();
    assert_eq!(placed.facilities[0].name, "Hôpital d'Oloron");
    let strict = FacilityColumns {
        encoding: Encoding::Utf8,
        ..FacilityColumns::default()
    };
    let e = load_facilities(&p, &strict, |_| None).unwrap_err().to_string();
    assert!(
        e.contains("latin1.csv:2: field `encoding`") && e.contains("Latin-1"),
        "{e}"
    );
}

#[cfg(feature = "full-suite")]
#[test]
fn unknown_insee_code_and_fallback() {
    let cols = FacilityColumns {
        coords: CoordColumns::LonLat {
            lon: "x".into(),
            lat: "y".into(),
        },
        commune: Some("insee".into()),
        capacity: Some("beds".into()),
        ..FacilityColumns::default()
    };
    let halls = town_halls();
    let p = scratch(
        "fallback.csv",
        b"id,name,x,y,insee,beds\nA,Pau,,,64445,12\nB,Oloron,-0.61837,43.19621,64422,\n",
    );
    let placed = load_facilities(&p, &cols, |c| halls.get(c).copied()).unwrap();
    assert_eq!(placed.facilities[0].source, PositionSource::CommuneTownHall);
    assert_eq!(placed.facilities[0].capacity, Some(12.0));
    assert_eq!(placed.facilities[1].source, PositionSource::File);
    assert_eq!(placed.town_hall_fallbacks(), 1);
    let p = scratch(
        "far.csv",
        b"id,name,x,y,insee,beds\nB,Oloron,-0.61837,43.19621,64102,\n",
    );
    let placed = load_facilities(&p, &cols, |c| halls.get(c).copied()).unwrap();
    assert!(
        placed.warnings[0].contains("far.csv:2") && placed.warnings[0].contains("64102"),
        "{:?}",
        placed.warnings
    );
    let p = scratch("unknown.csv", b"id,name,x,y,insee,beds\nA,Pau,,,64999,1\n");
    let e = load_facilities(&p, &cols, |c| halls.get(c).copied())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown.csv:2: field `insee`") && e.contains("unknown INSEE code `64999`"),
        "{e}"
    );
}

#[test]
fn coordinates_outside_france_or_swapped() {
    let p = scratch(
        "berlin.csv",
        b"id,name,lon,lat\nA,ok,-0.35,43.32\nB,Berlin,13.4,52.5\n",
    );
    let e = load_facilities(&p, &FacilityColumns::default(), |_| None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("berlin.csv:3: field `lon/lat`") && e.contains("outside France"),
        "{e}"
    );
    let p = scratch("swapped.csv", b"id,name,lon,lat\nA,Pau,43.3240848,-0.3532595\n");
    let e = load_facilities(&p, &FacilityColumns::default(), |_| None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("swapped.csv:2") && e.contains("swapped"), "{e}");
    // In the Eurostat reference table the same mistake is set aside, and the
    // site falls back to its town hall with a warning.
    let p = scratch(
        "euro-swapped.csv",
        b"id,hospital_name,lat,lon\n640000600,CH PAU,-0.3532595,43.3240848\n",
    );
    let table = PositionTable::load_eurostat(&p).unwrap();
    assert!(table.rejected["640000600"].to_string().contains("swapped"));
    let list = MaternityList::load(Path::new(FIX_DREES)).unwrap();
    let placed = place_maternities(&list, 2023, &[&table], |_| Some([-0.37, 43.30])).unwrap();
    let pau = placed.facilities.iter().find(|f| f.id == "640000600").unwrap();
    assert_eq!(pau.source, PositionSource::CommuneTownHall);
    assert!(
        placed
            .warnings
            .iter()
            .any(|w| w.contains("640000600") && w.contains("swapped"))
    );
}

#[test]
fn empty_files() {
    let p = scratch("empty.csv", b"");
    assert!(
        MaternityList::load(&p)
            .unwrap_err()
            .to_string()
            .contains("empty.csv: empty file")
    );
    let p = scratch("bomonly.csv", b"\xEF\xBB\xBF\r\n");
    assert!(
        PositionTable::load_eurostat(&p)
            .unwrap_err()
            .to_string()
            .contains("empty file")
    );
    let p = scratch("headeronly.csv", b"id,name,lon,lat\n");
    let e = load_facilities(&p, &FacilityColumns::default(), |_| None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("headeronly.csv: no data rows"), "{e}");
    let p = scratch("empty.csv", b"");
    assert!(
        FinessExtract::load(&p)
            .unwrap_err()
            .to_string()
            .contains("empty file")
    );
}

#[cfg(feature = "full-suite")]
#[test]
fn projected_csv_and_geojson() {
    let cols = FacilityColumns {
        coords: CoordColumns::Xy {
            x: "X".into(),
            y: "Y".into(),
            epsg: 2154,
        },
        ..FacilityColumns::default()
    };
    let p = scratch("l93.csv", b"id\tname\tX\tY\nPAU\tCH Pau\t427939.6\t6252992.1\n");
    let f = &load_facilities(&p, &cols, |_| None).unwrap().facilities[0];
    assert!(metres(f.lon_lat, [-0.3532595, 43.3240848]) < 1.0);

    let gj = br#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},
      "features":[{"type":"Feature","properties":{"id":"PAU","name":"CH Pau","lits":12},"geometry":{"type":"Point","coordinates":[427939.6,6252992.1]}},
                  {"type":"Feature","properties":{"id":"OLO","name":"Oloron","insee":"64422"},"geometry":null}]}"#;
    let p = scratch("f.geojson", gj);
    let cols = FacilityColumns {
        commune: Some("insee".into()),
        capacity: Some("lits".into()),
        ..FacilityColumns::default()
    };
    let halls = town_halls();
    let placed = load_facilities(&p, &cols, |c| halls.get(c).copied()).unwrap();
    assert_eq!(placed.facilities.len(), 2);
    let pau = &placed.facilities[1];
    assert!(metres(pau.lon_lat, [-0.3532595, 43.3240848]) < 1.0);
    assert_eq!(pau.capacity, Some(12.0));
    assert_eq!(placed.facilities[0].source, PositionSource::CommuneTownHall);

    let bad = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"X"},"geometry":{"type":"Point","coordinates":[43.32,-0.35]}}]}"#;
    let p = scratch("bad.geojson", bad);
    let e = load_facilities(&p, &FacilityColumns::default(), |_| None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bad.geojson:1: field `geometry`") && e.contains("swapped"),
        "{e}"
    );
}
