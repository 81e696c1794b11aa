//! The report opens in a real browser: written for the real communes of
//! Pyrénées-Atlantiques (polygons from ../shared/data/communes-france),
//! rendered by headless Chromium to a PNG, and the picture checked for the
//! band colours of the map.
//!
//! The minutes are SYNTHETIC: great-circle distance to the nearest of the
//! real maternity towns × 1.3 / 70 km/h. That is enough for a rendering test
//! (every band appears, on real shapes); the real figures come from the
//! `access` command.
//!
//! Set `MEDACCESS_REPORT_SHOTS=DIR` to keep the HTML and PNG files there.
// Needs headless Chromium: part of the full suite (`--features full-suite`).
#![cfg(feature = "full-suite")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use geo::InteriorPoint;
use medaccess::access::{Bands, PlaceAccess, summarize};
use medaccess::engine::{EngineKind, Parameter};
use medaccess::facilities::{FacilityKind, SetSource};
use medaccess::output::{ColorRamp, Geometry};
use medaccess::places::{Place, Site};
use medaccess::planner::{diff, rank_closures};
use medaccess::report::{
    Facilities, History, Lang, Methods, Report, ScenarioView, Snapshot, Source, write_report,
};
use medaccess::route::Label;

const POLYGONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/communes-france/polygons/dep-64.geojson"
);

/// Every commune of the département with its polygon; the origin is a
/// point inside the polygon.
fn communes() -> (Vec<Place>, Vec<Geometry>) {
    let text = std::fs::read_to_string(POLYGONS).expect("read dep-64.geojson");
    let gj: geojson::GeoJson = text.parse().expect("parse dep-64.geojson");
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("dep-64.geojson is not a FeatureCollection");
    };
    let mut places = Vec::new();
    let mut shapes = Vec::new();
    for f in fc.features {
        let prop = |k: &str| f.property(k).cloned().unwrap_or(serde_json::Value::Null);
        let geom = f.geometry.as_ref().expect("feature has a geometry");
        let mp = geo::MultiPolygon::<f64>::try_from(&geom.value).expect("MultiPolygon");
        let origin = mp.interior_point().expect("interior point");
        places.push(Place {
            id: prop("insee").as_str().unwrap().to_string(),
            name: prop("name").as_str().unwrap().to_string(),
            dep: prop("dep").as_str().unwrap().to_string(),
            population: prop("population").as_u64(),
            origin: [origin.x(), origin.y()],
            origin_source: "interior-point".into(),
            entries: vec![],
        });
        shapes.push(Geometry::MultiPolygon(mp));
    }
    assert_eq!(places.len(), 545, "545 communes in 64");
    (places, shapes)
}

/// Maternities of 64 placed in their town (synthetic offsets keep the two
/// of Pau and of Bayonne apart).
fn sites(places: &[Place], with_oloron: bool) -> Vec<Site> {
    let at = |insee: &str| places.iter().find(|p| p.id == insee).unwrap().origin;
    let mut list = vec![
        ("640000600", "CH de Pau", "64445", 0.0),
        ("640780946", "Polyclinique Navarre", "64445", 0.01),
        ("640000162", "CH de la Côte Basque", "64102", 0.0),
        ("640018206", "Clinique Belharra", "64102", 0.01),
        ("640017646", "CH de Saint-Palais", "64493", 0.0),
    ];
    if with_oloron {
        list.push(("640000410", "CH d'Oloron", "64422", 0.0));
    }
    list.into_iter()
        .map(|(id, name, insee, dx)| {
            let p = at(insee);
            Site {
                id: id.into(),
                name: name.into(),
                dep: "64".into(),
                position: [p[0] + dx, p[1]],
                position_source: "eurostat".into(),
                entries: vec![],
            }
        })
        .collect()
}

fn km(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dl = (b[0] - a[0]).to_radians();
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Synthetic times (see the file comment); the commune of Laruns (64320),
/// high in the mountains, is made unreachable to show the grey class.
fn synthetic_access(places: &[Place], sites: &[Site]) -> Vec<PlaceAccess> {
    places
        .iter()
        .map(|p| {
            let mut ls: Vec<Label> = sites
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let minutes = km(p.origin, s.position) * 1.3 / 70.0 * 60.0;
                    Label {
                        time: (minutes * 600.0).round() as u32,
                        source: i as u32,
                    }
                })
                .collect();
            ls.sort();
            if p.id == "64320" {
                return PlaceAccess {
                    first: Label::NONE,
                    second: Label::NONE,
                };
            }
            PlaceAccess {
                first: ls[0],
                second: ls.get(1).copied().unwrap_or(Label::NONE),
            }
        })
        .collect()
}

fn methods(engine: EngineKind, year: u16, sites: usize, lang: Lang) -> Methods {
    Methods {
        engine,
        profile: vec![
            Parameter::new(
                if lang == Lang::Fr {
                    "facteur de détour"
                } else {
                    "detour factor"
                },
                1.3,
                "",
            ),
            Parameter::new(if lang == Lang::Fr { "vitesse" } else { "speed" }, 70.0, "km/h"),
        ],
        calibration: if lang == Lang::Fr {
            "Temps synthétiques pour un test de rendu.".into()
        } else {
            "Synthetic times for a rendering test.".into()
        },
        facilities: Facilities {
            kind: FacilityKind::Maternity,
            source: SetSource::Drees { year },
        },
        facility_count: sites,
        population_year: 2017,
        threshold_minutes: 45.0,
        band_breaks: Bands::default().breaks,
        sources: vec![Source::FinessEurostat],
        command: "medaccess access --dep 64 --year 2023 --report rapport.html".into(),
        notes: vec![],
    }
}

fn workdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("medaccess-report-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "headless Chromium is needed to check that the report opens in a real browser, \
         and none was found on PATH: install it with `apt-get update && apt-get install -y chromium`"
    );
}

/// Renders `html` to `png` with headless Chromium (1200 × 1600 viewport).
fn screenshot(html: &Path, png: &Path) {
    // one profile per screenshot: tests run in parallel in one process
    let profile = png.with_extension("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    let log = png.with_extension("chromium.log");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1200,1600")
        .arg(format!("file://{}", html.display()))
        .stdout(Stdio::null())
        // to a file, not a pipe: a full pipe would block Chromium
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            if !status.success() {
                let err = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("chromium failed: {status}\n{err}");
            }
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = std::fs::remove_dir_all(&profile);
    assert!(png.is_file(), "chromium wrote no screenshot");
}

/// Pixel counts of each colour of the picture.
fn colours(png_path: &Path) -> (u32, u32, BTreeMap<(u8, u8, u8), u32>) {
    let file = std::io::BufReader::new(std::fs::File::open(png_path).unwrap());
    let mut dec = png::Decoder::new(file);
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bpp = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let mut counts = BTreeMap::new();
    for px in buf[..info.buffer_size()].chunks_exact(bpp) {
        *counts.entry((px[0], px[1], px[2])).or_insert(0) += 1;
    }
    (info.width, info.height, counts)
}

/// Band colours (the QGIS ramp) with at least `min` pixels, allowing ±2 per
/// channel for the browser's colour handling.
fn bands_seen(counts: &BTreeMap<(u8, u8, u8), u32>, bands: &Bands, min: u32) -> Vec<(usize, u32)> {
    (0..bands.len())
        .map(|i| {
            let (r, g, b) = ColorRamp::color(i, bands.len());
            let n: u32 = counts
                .iter()
                .filter(|(c, _)| c.0.abs_diff(r) <= 2 && c.1.abs_diff(g) <= 2 && c.2.abs_diff(b) <= 2)
                .map(|(_, n)| n)
                .sum();
            (i, n)
        })
        .filter(|&(_, n)| n >= min)
        .collect()
}

fn keep(files: &[&Path]) {
    if let Ok(dir) = std::env::var("MEDACCESS_REPORT_SHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        for f in files {
            std::fs::copy(f, Path::new(&dir).join(f.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn access_report_renders_in_chromium() {
    let (places, shapes) = communes();
    let sites = sites(&places, false);
    let access = synthetic_access(&places, &sites);
    let bands = Bands::default();
    let summary = summarize(&places, &access, &sites, &bands, 45.0, 15);
    let report = Report {
        lang: Lang::Fr,
        title: String::new(),
        scope: "Pyrénées-Atlantiques (64)".into(),
        run: Snapshot {
            places: &places,
            shapes: &shapes,
            sites: &sites,
            access: &access,
            bands: &bands,
            summary: &summary,
        },
        scenario: None,
        closures: None,
        history: None,
        methods: methods(EngineKind::CommuneEstimate, 2023, sites.len(), Lang::Fr),
    };
    let dir = workdir("access");
    let html = dir.join("report-access.html");
    write_report(&html, &report).unwrap();
    let text = std::fs::read_to_string(&html).unwrap();
    assert_self_contained(&text);
    // French numbers: the total population grouped with U+202F
    let total: u64 = places.iter().filter_map(|p| p.population).sum();
    assert_eq!(total, 677_309);
    assert!(text.contains("677\u{202F}309"));
    assert!(text.contains("Méthode et sources") && text.contains("INSEE 2017"));
    assert!(
        !text.contains("OpenStreetMap"),
        "no OSM credit on the commune estimate"
    );

    let png = dir.join("report-access.png");
    screenshot(&html, &png);
    let (w, h, counts) = colours(&png);
    assert_eq!((w, h), (1200, 1600));
    let seen = bands_seen(&counts, &bands, 400);
    assert!(
        seen.len() >= 4,
        "only {} band colours with 400+ pixels in the rendered report: {seen:?}",
        seen.len()
    );
    keep(&[&html, &png]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A scenario (Oloron closes), a closure ranking and a history, in English,
/// on the OSM engine: both maps render, English numbers, OSM credited.
#[test]
fn scenario_report_in_english_renders_in_chromium() {
    let (places, shapes) = communes();
    let before_sites = sites(&places, true);
    let after_sites = sites(&places, false);
    let before = synthetic_access(&places, &before_sites);
    let after = synthetic_access(&places, &after_sites);
    let bands = Bands::default();
    let before_sum = summarize(&places, &before, &before_sites, &bands, 45.0, 10);
    let after_sum = summarize(&places, &after, &after_sites, &bands, 45.0, 10);
    let bid: Vec<&str> = before_sites.iter().map(|s| s.id.as_str()).collect();
    let aid: Vec<&str> = after_sites.iter().map(|s| s.id.as_str()).collect();
    let changes = diff(&before, &after, &bid, &aid, 45.0);
    assert!(
        changes.iter().any(|c| c.newly_beyond),
        "closing Oloron pushes communes beyond 45 min"
    );
    let pop: Vec<u64> = places.iter().map(|p| p.population.unwrap_or(0)).collect();
    let ranked = rank_closures(before_sites.len(), &before, &pop, 45.0);
    let history = History {
        thresholds: vec![30.0, 40.0, 45.0],
        rows: vec![
            (2015, vec![90_000, 30_000, 12_000]),
            (2016, vec![90_000, 30_000, 12_000]),
            (
                2017,
                vec![
                    after_sum.bands.iter().skip(3).map(|b| b.1).sum(),
                    after_sum.bands.iter().skip(4).map(|b| b.1).sum(),
                    after_sum.total.population_beyond,
                ],
            ),
        ],
        events: vec![(2017, "closed: CH d'Oloron (640000410)".into())],
    };
    let report = Report {
        lang: Lang::En,
        title: "Closing the maternity of Oloron".into(),
        scope: "Pyrénées-Atlantiques (64)".into(),
        run: Snapshot {
            places: &places,
            shapes: &shapes,
            sites: &before_sites,
            access: &before,
            bands: &bands,
            summary: &before_sum,
        },
        scenario: Some(ScenarioView {
            sites: &after_sites,
            access: &after,
            summary: &after_sum,
            changes: &changes,
        }),
        closures: Some(&ranked),
        history: Some(history),
        methods: methods(
            EngineKind::Osm {
                extract: "aquitaine-latest.osm.pbf".into(),
                timestamp: Some("2024-05-01".into()),
            },
            2016,
            before_sites.len(),
            Lang::En,
        ),
    };
    let dir = workdir("scenario");
    let html = dir.join("report-scenario.html");
    write_report(&html, &report).unwrap();
    let text = std::fs::read_to_string(&html).unwrap();
    assert_self_contained(&text);
    assert!(text.contains("677,309"), "English grouping");
    assert!(text.contains("© OpenStreetMap contributors"));
    assert!(text.contains("2024-05-01"));
    assert!(text.contains("Closure: CH d&#39;Oloron (640000410)"));
    assert!(text.contains("now beyond"));
    assert_eq!(text.matches("<svg").count(), 3, "before, after and the timeline");

    let png = dir.join("report-scenario.png");
    screenshot(&html, &png);
    let (_, _, counts) = colours(&png);
    let seen = bands_seen(&counts, &bands, 400);
    assert!(seen.len() >= 4, "band colours in the rendered scenario: {seen:?}");
    keep(&[&html, &png]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Nothing to fetch at view time: no script, no external reference.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    for bad in [
        "<script",
        "<link",
        "<img",
        "src=",
        "href=",
        "@import",
        "url(",
        "@font-face",
    ] {
        assert!(!html.contains(bad), "report contains `{bad}`");
    }
    // the only URL is the SVG namespace, which is a name, not a fetch
    let urls = html.matches("http").count();
    let ns = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
    assert_eq!(urls, ns, "no URL besides the SVG namespace");
}
