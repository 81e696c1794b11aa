//! The report opens in a real browser, at every scale.
//!
//! Two reports are built here from the real communes of
//! Pyrénées-Atlantiques (polygons from ../shared/data/communes-france) with
//! SYNTHETIC minutes (great-circle distance to the nearest of the real
//! maternity towns × 1.3 / 70 km/h: enough for a rendering test, every band
//! on real shapes), rendered by headless Chromium to a PNG whose pixels are
//! checked for the band colours.
//!
//! The others are the reports the commands write (`access` for a
//! département, a region and France, `gp`), opened in Chromium with a probe
//! script added to a copy (the report itself has none) that reads where the
//! browser drew each label and marker: labels pairwise disjoint, no label
//! over a marker, every marker the topmost thing at its centre, each
//! label's estimated width close to its width in the browser's font, and the
//! mainland the bulk of the France map with the overseas insets beside it.
//! They are also printed to PDF by Chromium (as a reader's "Print" does):
//! at most a stated number of A4 pages, and every page carrying the title,
//! production date, engine, data vintage and page number (read back with
//! poppler's `pdftotext`).
//!
//! Set `MEDACCESS_REPORT_SHOTS=DIR` to keep the HTML, PNG and PDF files there.
// Needs headless Chromium: part of the full suite (`--features full-suite`).
#![cfg(feature = "full-suite")]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
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
    run_chromium(
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1200,1600".into(),
        ],
        &format!("file://{}", html.display()),
        png,
    );
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
            supply: None,
        },
        scenario: None,
        closures: None,
        history: None,
        methods: methods(EngineKind::CommuneEstimate, 2023, sites.len(), Lang::Fr),
        produced: time::Date::from_calendar_date(2026, time::Month::December, 6).unwrap(),
        value_map: None,
        notices: vec![],
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
            supply: None,
        },
        scenario: Some(ScenarioView {
            sites: &after_sites,
            access: &after,
            summary: &after_sum,
            changes: &changes,
            facilities: None,
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
        produced: time::Date::from_calendar_date(2026, time::Month::December, 6).unwrap(),
        value_map: None,
        notices: vec![],
    };
    let dir = workdir("scenario");
    let html = dir.join("report-scenario.html");
    write_report(&html, &report).unwrap();
    let text = std::fs::read_to_string(&html).unwrap();
    assert_self_contained(&text);
    assert!(text.contains("677,309"), "English grouping");
    assert!(text.contains("© OpenStreetMap contributors"));
    assert!(text.contains("2024-05-01"));
    assert!(text.contains("Closure: CH d'Oloron (640000410)"));
    assert!(text.contains("now beyond"));
    assert_eq!(text.matches("class=\"map\"").count(), 2, "before and after");
    assert!(text.contains("<figure><svg"), "the timeline");

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

// ---------------------------------------------------------------------------
// The reports the commands write, in the browser and on paper.

/// A fixed production date (2026-12-06), so that the page texts are known.
const SOURCE_DATE_EPOCH: &str = "1796515200";

/// Runs the binary with `args` and `--report FILE --out DIR`; returns the
/// report's path.
fn command_report(tag: &str, args: &[&str]) -> (PathBuf, PathBuf) {
    let dir = workdir(tag);
    let html = dir.join(format!("report-{tag}.html"));
    let out = dir.join("out");
    let mut all: Vec<&str> = args.to_vec();
    let (h, o) = (html.display().to_string(), out.display().to_string());
    all.extend(["--report", &h, "--out", &o]);
    let (ok, stdout, stderr) = common::run(&all, &[("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)]);
    assert!(ok, "medaccess {all:?} failed:\n{stdout}\n{stderr}");
    assert!(html.is_file(), "no report written by {all:?}");
    (dir, html)
}

/// Runs headless Chromium on `url` with `args`, waiting at most 180 s;
/// returns its standard output.
fn run_chromium(args: &[String], url: &str, tag: &Path) -> Vec<u8> {
    let profile = tag.with_extension("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    let log = tag.with_extension("chromium.log");
    let out = tag.with_extension("chromium.out");
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
        .args(args)
        .arg(url)
        // to files, not pipes: a full pipe would block Chromium
        .stdout(std::fs::File::create(&out).unwrap())
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
        if start.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("chromium did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::read(&out).unwrap()
}

/// Prints `html` to PDF as a reader's "Print" does (Chromium's own header
/// and footer left on: the report's page boxes must replace them); returns
/// the PDF's path.
fn print_pdf(html: &Path) -> PathBuf {
    let pdf = html.with_extension("pdf");
    run_chromium(
        &[format!("--print-to-pdf={}", pdf.display())],
        &format!("file://{}", html.display()),
        &html.with_extension("print"),
    );
    assert!(pdf.is_file(), "chromium wrote no PDF");
    pdf
}

/// The text of each page of a PDF, by poppler's `pdftotext -layout`, with
/// no-break spaces as plain spaces and runs of spaces as one (the layout
/// pads columns), line breaks kept.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "poppler's pdftotext is needed to read the printed report back ({e}): \
                 apt-get install -y poppler-utils"
            )
        });
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    let text = String::from_utf8_lossy(&out.stdout).replace(['\u{a0}', '\u{202f}'], " ");
    let mut pages: Vec<String> = text
        .split('\u{c}')
        .map(|p| {
            p.lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    // the text ends with a form feed
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Page count from the PDF itself: the `/Count` of its page tree root (the
/// largest `/Count`, since inner nodes count fewer).
fn pdf_page_count(pdf: &Path) -> usize {
    let bytes = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    text.match_indices("/Count ")
        .filter_map(|(i, m)| {
            text[i + m.len()..]
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .max()
        .expect("a /Count in the PDF")
}

/// Prints the report and checks the page budget and the running head and
/// foot of every page: title, production date, tool, engine, data vintage,
/// page number.
fn check_print(html: &Path, max_pages: usize, must: &[&str]) -> usize {
    let pdf = print_pdf(html);
    let n = pdf_page_count(&pdf);
    let pages = pdf_pages(&pdf);
    assert_eq!(pages.len(), n, "pdftotext and the page tree disagree");
    assert!(
        n <= max_pages,
        "{}: {n} A4 pages, at most {max_pages} expected",
        html.display()
    );
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "not A4:\n{info}");
    for (k, page) in pages.iter().enumerate() {
        let number = format!("page {} / {n}", k + 1);
        for want in must.iter().copied().chain([number.as_str()]) {
            assert!(
                page.contains(want),
                "page {} of {} lacks `{want}`:\n{page}",
                k + 1,
                html.display()
            );
        }
        assert!(!page.contains("file://"), "the browser's own footer was printed");
    }
    keep(&[html, &pdf]);
    n
}

/// What the probe reads of one map, in CSS pixels of the page.
#[derive(Debug, serde::Deserialize)]
struct ProbedMap {
    w: f64,
    left: f64,
    labels: Vec<ProbedLabel>,
    markers: Vec<ProbedMarker>,
    zones: BTreeMap<String, Bounds>,
    insets: Vec<String>,
}

#[derive(Debug, serde::Deserialize, Clone, Copy)]
struct Bounds {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Bounds {
    fn overlaps(&self, o: &Bounds) -> bool {
        // half a pixel of anti-aliasing is not an overlap
        let e = 0.5;
        self.x + e < o.x + o.w
            && o.x + e < self.x + self.w
            && self.y + e < o.y + o.h
            && o.y + e < self.y + self.h
    }
}

#[derive(Debug, serde::Deserialize)]
struct ProbedLabel {
    text: String,
    b: Bounds,
    /// Width the report set (`textLength`) and the text's own width in the
    /// browser's font, in SVG units.
    est: f64,
    natural: f64,
}

#[derive(Debug, serde::Deserialize)]
struct ProbedMarker {
    b: Bounds,
    /// The marker is what the browser finds at its centre.
    on_top: bool,
}

/// Reads the geometry of every map of the report as Chromium lays it out.
const PROBE: &str = r#"<script>
(() => {
  const box = (r) => ({x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height});
  const maps = [];
  for (const svg of document.querySelectorAll('svg.map')) {
    const r = svg.getBoundingClientRect();
    const labels = [...svg.querySelectorAll('text.lb')].map((t) => {
      const c = t.cloneNode(true);
      c.removeAttribute('textLength');
      c.removeAttribute('lengthAdjust');
      t.parentNode.appendChild(c);
      const natural = c.getBBox().width;
      c.remove();
      return {text: t.textContent, b: box(t.getBoundingClientRect()),
              est: parseFloat(t.getAttribute('textLength')), natural};
    });
    const markers = [...svg.querySelectorAll('g.markers g.mk')].map((g) => {
      g.scrollIntoView({block: 'center', inline: 'center'});
      const m = g.getBoundingClientRect();
      const top = document.elementFromPoint(m.left + m.width / 2, m.top + m.height / 2);
      return {b: box(m), on_top: g.contains(top)};
    });
    const zones = {};
    for (const g of svg.querySelectorAll('g.places')) zones[g.dataset.zone] = box(g.getBoundingClientRect());
    const insets = [...svg.querySelectorAll('text.inset-name')].map((t) => t.textContent);
    maps.push({w: r.width, left: r.left + scrollX, labels, markers, zones, insets});
  }
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(maps);
  document.body.appendChild(pre);
})();
</script>"#;

/// Opens a copy of the report with the probe added, 1200 px wide; returns
/// what it read.
fn probe(html: &Path) -> Vec<ProbedMap> {
    let text = std::fs::read_to_string(html).unwrap();
    let copy = html.with_extension("probe.html");
    std::fs::write(&copy, text.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let dom = run_chromium(
        &[
            "--window-size=1200,1600".into(),
            "--virtual-time-budget=10000".into(),
            "--dump-dom".into(),
        ],
        &format!("file://{}", copy.display()),
        &copy,
    );
    let dom = String::from_utf8_lossy(&dom);
    let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + "<pre id=\"probe\">".len();
    let json = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("probe output: {e}\n{json}"))
}

/// Labels pairwise disjoint, none over a marker, every marker on top at
/// its centre, the estimated widths close to the browser's. Returns the
/// number of labels.
fn check_labels(map: &ProbedMap, what: &str) -> usize {
    for (a, la) in map.labels.iter().enumerate() {
        for lb in &map.labels[a + 1..] {
            assert!(
                !la.b.overlaps(&lb.b),
                "{what}: labels `{}` and `{}` overlap: {:?} {:?}",
                la.text,
                lb.text,
                la.b,
                lb.b
            );
        }
        for m in &map.markers {
            assert!(
                !la.b.overlaps(&m.b),
                "{what}: label `{}` covers a marker: {:?} {:?}",
                la.text,
                la.b,
                m.b
            );
        }
        // the drawn width is pinned to the estimate; the font's own width
        // must be close to it, or the text would be squeezed or spread
        let ratio = la.natural / la.est;
        assert!(
            (0.85..=1.03).contains(&ratio),
            "{what}: label `{}` is {:.1} wide in the browser's font, {:.1} estimated",
            la.text,
            la.natural,
            la.est
        );
    }
    for m in &map.markers {
        assert!(m.on_top, "{what}: a marker is hidden at {:?}", m.b);
    }
    map.labels.len()
}

/// The words of a text (letters and apostrophes), to look for a language's
/// words without matching inside others (`habitants` in `inhabitants`).
fn words_of(text: &str) -> std::collections::BTreeSet<&str> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The README's default: Pyrénées-Atlantiques 2016 vs 2017 (Oloron
/// closes), in French. At most 8 A4 pages; labels and markers readable.
#[test]
fn departement_report_of_the_readme() {
    let (dir, html) = command_report("dep64", &common::README_ACCESS);
    let text = std::fs::read_to_string(&html).unwrap();
    assert_self_contained(&text);
    assert!(text.contains("avant\u{a0}: maternités DREES 2016 · après\u{a0}: maternités DREES 2017"));
    // the method section in French only: no English from the engine
    let methods = &text[text.find("Méthode et sources").unwrap()..];
    let words = words_of(methods);
    for english in [
        "links",
        "speed",
        "detour",
        "Calibrated",
        "inhabitants",
        "Engine",
        "Facilities",
        "Profile",
    ] {
        assert!(
            !words.contains(english),
            "`{english}` in the French method section"
        );
    }
    assert!(methods.contains("routes nationales\u{a0}: vitesse"));
    assert!(methods.contains("Calibré sur le réseau routier OpenStreetMap de la Corse"));

    let maps = probe(&html);
    assert_eq!(maps.len(), 2, "before and after");
    for (map, what) in maps.iter().zip(["before", "after"]) {
        let n = check_labels(map, what);
        assert!(n >= 5, "{what}: only {n} labels");
        assert!(map.insets.is_empty());
        // the main maternities are named: Pau and Saint-Palais both, and
        // Bayonne's two (one marker, led by the one serving more people)
        for names in [
            &["CH de Pau"][..],
            &["CH de Saint-Palais"],
            &["CH de la Côte Basque", "Capio Clinique Belharra"],
        ] {
            assert!(
                map.labels
                    .iter()
                    .any(|l| names.iter().any(|n| l.text.contains(n))),
                "{what}: no label `{}`: {:?}",
                names.join("` or `"),
                map.labels.iter().map(|l| &l.text).collect::<Vec<_>>()
            );
        }
    }
    assert!(
        maps[1].labels.iter().any(|l| l.text == "CH Oloron"),
        "the closed site is named on the after map"
    );
    let pages = check_print(
        &html,
        8,
        &[
            "Accès aux maternités",
            "produit le 6 décembre 2026",
            "medaccess 0.1.0",
            "moteur : estimation entre communes voisines",
            "maternités DREES 2016 et 2017",
            "population INSEE 2017",
        ],
    );
    eprintln!("département 64 report: {pages} A4 pages");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The same in English: English throughout, the page boxes too.
#[test]
fn departement_report_in_english() {
    let (dir, html) = command_report(
        "dep64en",
        &[&common::README_ACCESS[..], &["--lang", "en"]].concat(),
    );
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("<html lang=\"en\">"));
    let methods = &text[text.find("Method and sources").unwrap()..];
    let words = words_of(methods);
    for french in [
        "Moteur",
        "liens",
        "vitesse",
        "Calibré",
        "habitants",
        "Établissements",
        "Seuil",
    ] {
        assert!(
            !words.contains(french),
            "`{french}` in the English method section"
        );
    }
    let words = words_of(&text);
    for french in ["Carte", "temps", "plus", "produit", "établissement", "maternités"] {
        assert!(!words.contains(french), "`{french}` in the English report");
    }
    check_print(
        &html,
        8,
        &[
            "produced on 6 December 2026",
            "engine: estimate between neighbouring communes",
            "maternity units DREES 2016 and 2017",
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// France: the overseas départements in insets beside a mainland that
/// fills the picture, the insets named; at most 20 A4 pages.
#[test]
fn france_report_with_overseas_insets() {
    let (dir, html) = command_report("france", &["access", "--france", "--year", "2023"]);
    let maps = probe(&html);
    assert_eq!(maps.len(), 1);
    let map = &maps[0];
    assert_eq!(
        map.insets,
        ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"],
        "the five overseas départements, in the atlas order"
    );
    let main = map.zones["metropole"];
    assert!(
        main.w > 0.6 * map.w,
        "mainland France {:.0} px wide in a {:.0} px map",
        main.w,
        map.w
    );
    for z in ["guadeloupe", "martinique", "guyane", "reunion", "mayotte"] {
        let b = map.zones[z];
        assert!(b.x + b.w < main.x, "{z} inset left of the mainland");
        assert!(b.x >= map.left, "{z} inside the map");
    }
    check_labels(map, "France");
    let pages = check_print(
        &html,
        20,
        &[
            "Accès aux maternités — France",
            "maternités DREES 2023",
            "medaccess 0.1.0",
        ],
    );
    eprintln!("France report: {pages} A4 pages");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A region (Nouvelle-Aquitaine) and a GP report: labels readable, a
/// sensible number of pages.
#[test]
fn region_and_gp_reports() {
    let (dir, html) = command_report("region", &["access", "--region", "75", "--year", "2023"]);
    let maps = probe(&html);
    let n = check_labels(&maps[0], "region 75");
    assert!(n >= 10, "region 75: {n} labels");
    // named on every page, not "région(s) 75"
    let pages = check_print(
        &html,
        12,
        &["Nouvelle-Aquitaine", "maternités DREES 2023", "medaccess 0.1.0"],
    );
    eprintln!("region 75 report: {pages} A4 pages");
    std::fs::remove_dir_all(&dir).unwrap();

    let (dir, html) = command_report("gp", &["gp", "--dep", "64,65"]);
    let maps = probe(&html);
    // the access map, then the 2SFCA map (no markers, no labels)
    assert_eq!(maps.len(), 2, "GP report: two maps");
    check_labels(&maps[0], "GP 64, 65");
    assert!(maps[1].labels.is_empty() && maps[1].markers.is_empty());
    let pages = check_print(
        &html,
        12,
        &["médecins généralistes INSEE BPE 2017", "medaccess 0.1.0"],
    );
    eprintln!("GP 64, 65 report: {pages} A4 pages");
    std::fs::remove_dir_all(&dir).unwrap();
}
