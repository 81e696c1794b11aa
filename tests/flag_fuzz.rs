//! Fuzz-style harness over the command-line flags (issue 16, point 7): the
//! real binary is run with one flag of one command set to a seeded hostile
//! value (NaN, inf, 1e308, negative, empty, huge, separators, paths,
//! unknown codes, random numbers). Each case must end either in a refusal
//! (exit 1 or 2, no panic, a message that names the flag or the value) or
//! in a run whose outputs are sound (every GeoJSON parses, no `NaN` or
//! `inf` cell in a CSV). A value outside a flag's documented range must be
//! refused, never run (exit 0) with it; a value inside must run.
//!
//! The fresh-machine suite runs 150 cases, the full suite
//! (`--features full-suite`) 1,500. The counts go to
//! `target/tmp/input-fuzz/flags.txt` (printed by `.ci/run`).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const CASES: u64 = if cfg!(feature = "full-suite") { 1500 } else { 150 };

/// A case running longer than this is a hang.
const MAX_CASE: Duration = Duration::from_secs(180);

/// Whether a value must be accepted (`Some(true)`), refused
/// (`Some(false)`), or may be either (`None`).
type Oracle = fn(&str) -> Option<bool>;

/// One flag of one command: the command and its other arguments, the flag,
/// and what the value must satisfy.
struct Flag {
    args: &'static [&'static str],
    flag: &'static str,
    oracle: Oracle,
}

fn num(v: &str) -> Option<f64> {
    v.trim().parse::<f64>().ok()
}

/// A number in (lo, hi]: must run; anything else (not a number, out of
/// range) must be refused.
fn in_range(v: &str, lo: f64, hi: f64) -> Option<bool> {
    Some(num(v).is_some_and(|x| x > lo && x <= hi))
}

fn minutes(v: &str) -> Option<bool> {
    in_range(v, 0.0, 240.0)
}

/// Comma-separated increasing minutes in (0, 240].
fn minutes_list(v: &str) -> Option<bool> {
    let parts: Vec<Option<f64>> = v
        .split(',')
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(num)
        .collect();
    if parts.is_empty() || parts.iter().any(|p| p.is_none_or(|x| !(x > 0.0 && x <= 240.0))) {
        return Some(false);
    }
    let xs: Vec<f64> = parts.into_iter().flatten().collect();
    Some(xs.windows(2).all(|w| w[0] < w[1]))
}

/// Comma-separated minutes in (0, 240], any order, each once.
fn thresholds(v: &str) -> Option<bool> {
    let xs: Vec<Option<f64>> = v.split(',').map(|p| num(p.trim())).collect();
    if xs.iter().any(|x| x.is_none_or(|x| !(x > 0.0 && x <= 240.0))) {
        return Some(false);
    }
    None
}

fn year(v: &str) -> Option<bool> {
    Some(v.trim().parse::<u16>().is_ok_and(|y| (2013..=2023).contains(&y)))
}

/// A DREES year other than the run's (`--year`, 2023 by default): the two
/// years of a comparison must differ.
fn compare_year(v: &str) -> Option<bool> {
    Some(v.trim().parse::<u16>().is_ok_and(|y| (2013..2023).contains(&y)))
}

fn gp_within(v: &str) -> Option<bool> {
    let xs: Vec<Option<f64>> = v.split(',').map(|p| num(p.trim())).collect();
    if xs.iter().any(|x| x.is_none_or(|x| !(x > 0.0 && x <= 120.0))) {
        return Some(false);
    }
    None
}

fn positive(v: &str) -> Option<bool> {
    Some(num(v).is_some_and(|x| x > 0.0 && x.is_finite()))
}

fn non_negative(v: &str) -> Option<bool> {
    Some(num(v).is_some_and(|x| x >= 0.0 && x.is_finite()))
}

/// `INSEE:COUNT` with COUNT in (0, 10000]; the commune may be unknown.
fn gp_change(v: &str) -> Option<bool> {
    let bad = v.split(',').any(|s| {
        s.split_once(':')
            .is_none_or(|(_, k)| num(k).is_none_or(|k| !(k > 0.0 && k <= 10_000.0)))
    });
    if bad { Some(false) } else { None }
}

/// `drees`, `binary:MIN`, `gaussian:MIN` (MIN in (0, 120]); `steps:` left
/// to the parser.
fn decay(v: &str) -> Option<bool> {
    let v = v.trim();
    if v == "drees" {
        return Some(true);
    }
    match v.split_once(':') {
        Some(("binary" | "gaussian", m)) => in_range(m, 0.0, 120.0),
        Some(("steps", _)) => None,
        _ => Some(false),
    }
}

fn any(_: &str) -> Option<bool> {
    None
}

/// A byte size: 1 GiB or more must run (every shipped input inflates to
/// less); a smaller limit may legitimately refuse an input, with a message
/// naming the flag.
fn size(v: &str) -> Option<bool> {
    if v.trim().parse::<u64>().is_ok_and(|n| n >= 1 << 30) {
        return Some(true);
    }
    None
}

fn share(v: &str) -> Option<bool> {
    Some(num(v).is_some_and(|x| (0.0..=1.0).contains(&x)))
}

fn snap_limit(v: &str) -> Option<bool> {
    in_range(v, 0.0, 50_000.0)
}

fn leg(v: &str) -> Option<bool> {
    in_range(v, 0.0, 130.0)
}

fn cell(v: &str) -> Option<bool> {
    match num(v) {
        Some(x) if x.is_finite() && x >= 10.0 => None, // too fine a grid is refused by its size
        _ => Some(false),
    }
}

/// What every command runs on: one commune, so that a run that goes
/// through is short.
const ONE: &[&str] = &["--insee", "64422"];

const TINY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/osm/tiny.osm");

fn flags() -> Vec<Flag> {
    let f = |args: &'static [&'static str], flag: &'static str, oracle: Oracle| Flag { args, flag, oracle };
    vec![
        f(&["access", "--insee", "64422"], "--threshold", minutes),
        f(&["access", "--insee", "64422"], "--bands", minutes_list),
        f(&["access", "--insee", "64422"], "--year", year),
        f(&["access", "--insee", "64422"], "--compare-year", compare_year),
        f(&["access"], "--dep", any),
        f(&["access"], "--region", any),
        f(&["access"], "--insee", any),
        f(&["access", "--insee", "64422"], "--kind", any),
        f(&["access", "--insee", "64422"], "--max-inflate", size),
        f(
            &[
                "access",
                "--insee",
                "64422",
                "--roads",
                TINY,
                "--no-roads-cache",
                "--allow-sparse-network",
            ],
            "--snap-limit-m",
            snap_limit,
        ),
        f(
            &[
                "access",
                "--insee",
                "64422",
                "--roads",
                TINY,
                "--no-roads-cache",
                "--allow-sparse-network",
            ],
            "--leg-kmh",
            leg,
        ),
        f(
            &[
                "access",
                "--insee",
                "64422",
                "--roads",
                TINY,
                "--no-roads-cache",
                "--allow-sparse-network",
            ],
            "--snap-share-max",
            share,
        ),
        f(
            &[
                "access",
                "--insee",
                "64422",
                "--roads",
                TINY,
                "--no-roads-cache",
                "--allow-sparse-network",
            ],
            "--roads-epsg",
            any,
        ),
        f(&["scenario", "--insee", "64422"], "--close", any),
        f(&["scenario", "--insee", "64422"], "--open", any),
        f(&["rank", "--insee", "64422"], "--top", any),
        f(&["site", "--insee", "64422"], "--add", any),
        f(&["site", "--insee", "64422"], "--candidates", any),
        f(&["history", "--insee", "64422"], "--thresholds", thresholds),
        f(&["isochrones", "--insee", "64422"], "--cell-m", cell),
        f(&["isochrones", "--insee", "64422"], "--off-road-kmh", positive),
        f(&["gp", "--insee", "64422"], "--decay", decay),
        f(&["gp", "--insee", "64422"], "--within", gp_within),
        f(&["gp", "--insee", "64422"], "--consultations-per-gp", positive),
        f(&["gp", "--insee", "64422"], "--under-served", non_negative),
        f(&["gp", "--insee", "64422"], "--add", gp_change),
        f(&["gp", "--insee", "64422"], "--remove", gp_change),
        f(&["access", "--insee", "64422"], "--lang", any),
    ]
}

const HOSTILE: &[&str] = &[
    "NaN",
    "nan",
    "inf",
    "-inf",
    "infinity",
    "1e308",
    "-1e308",
    "1e400",
    "1e-300",
    "-1",
    "0",
    "-0",
    "0.0",
    "1",
    "40",
    "240",
    "240.0001",
    "120",
    "120.5",
    "18446744073709551615",
    "99999999999999999999999",
    "",
    " ",
    ",",
    ",,",
    "10,5",
    "10,10",
    "5,10,",
    "abc",
    "é",
    "%s%n",
    "$(id)",
    "`id`",
    "../../etc/passwd",
    "/dev/null",
    "64",
    "2A",
    "2a",
    "99",
    "976",
    "75",
    "11",
    "64422",
    "64422,64422",
    "00000",
    "ZZZZZ",
    "2012",
    "2013",
    "2023",
    "2024",
    "65535",
    "65536",
    "drees",
    "binary:10",
    "gaussian:1e308",
    "gaussian:200",
    "gaussian:0",
    "steps:10=1,15=0.667,20=0.333",
    "steps:10=2",
    "steps:",
    "binary:",
    "64445:1e308",
    "64445:3",
    "64445:-3",
    "64445:0",
    "64445:10001",
    "99999:1",
    "640000410",
    "640000410,640000410",
    "640780417",
    "X@-3.0:45.0",
    "X@-0.37:43.29",
    "X@43.29:-0.37",
    "X@nan:nan",
    "@",
    "X@",
    "X@1:2:3",
    "maternity",
    "emergency",
    "gp",
    "facility",
    "unknown-kind",
    "fr",
    "en",
    "de",
    "16G",
    "0B",
    "1K",
    "lots",
    "2154",
    "4326",
    "0",
    "999999",
    "10",
    "1000",
    "50000",
    "50001",
    "0.25",
    "1.5",
    "130",
    "131",
    "15",
    "\t",
    "\u{202e}64",
];

/// A seeded hostile value: one of [`HOSTILE`], a random number of random
/// magnitude, or a comma list of those.
fn value(rng: &mut ChaCha8Rng) -> String {
    let one = |rng: &mut ChaCha8Rng| -> String {
        match rng.random_range(0..4) {
            0 | 1 => HOSTILE[rng.random_range(0..HOSTILE.len())].to_string(),
            2 => {
                let e = rng.random_range(-8..12);
                let x: f64 = rng.random::<f64>() * 10f64.powi(e);
                let x = if rng.random_bool(0.2) { -x } else { x };
                format!("{x}")
            }
            _ => rng.random_range(0..1000u32).to_string(),
        }
    };
    match rng.random_range(0..10) {
        0 => (0..rng.random_range(2..5))
            .map(|_| one(rng))
            .collect::<Vec<_>>()
            .join(","),
        1 => "9".repeat(rng.random_range(20..400)),
        _ => one(rng),
    }
}

/// Runs the binary, killing it after [`MAX_CASE`]; (exit code, stderr,
/// seconds), `None` as the code when it was killed.
fn run(args: &[String]) -> (Option<i32>, String, f64) {
    use std::io::Read;
    let t0 = Instant::now();
    let mut child = common::bin()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the medaccess binary runs");
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let code = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st.code();
        }
        if t0.elapsed() > MAX_CASE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    (code, stderr, t0.elapsed().as_secs_f64())
}

/// What is wrong with the outputs of a run that went through, if anything.
fn unsound_outputs(out: &Path) -> Option<String> {
    let files = std::fs::read_dir(out).ok()?;
    for f in files.flatten() {
        let p = f.path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        if name.ends_with(".geojson")
            && let Err(e) = serde_json::from_str::<serde_json::Value>(&text)
        {
            return Some(format!("{name} is not JSON: {e}"));
        }
        if name.ends_with(".csv") {
            for line in text.lines() {
                for cell in line.split([',', ';']) {
                    let c = cell.trim_matches('"').to_ascii_lowercase();
                    if matches!(c.as_str(), "nan" | "inf" | "-inf" | "infinity" | "-infinity") {
                        return Some(format!("{name} holds a `{cell}` cell: {line}"));
                    }
                }
            }
        }
    }
    None
}

#[test]
fn command_line_flags() {
    let flags = flags();
    let dir = std::env::temp_dir().join(format!("medaccess-flag-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (mut refused, mut ran, mut slowest) = (0u64, 0u64, 0f64);
    let mut failures = Vec::new();
    let t_all = Instant::now();
    for case in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(1_000_000 + case);
        let fl = &flags[rng.random_range(0..flags.len())];
        let v = value(&mut rng);
        let out = dir.join(format!("out{case}"));
        let mut args: Vec<String> = fl.args.iter().map(|s| s.to_string()).collect();
        if fl.flag != "--insee"
            && !args.iter().any(|a| a == "--insee")
            && fl.flag != "--dep"
            && fl.flag != "--region"
        {
            args.extend(ONE.iter().map(|s| s.to_string()));
        }
        args.push(format!("{}={v}", fl.flag));
        args.push("--out".into());
        args.push(out.display().to_string());
        let (code, stderr, secs) = run(&args);
        slowest = slowest.max(secs);
        let said = |s: &str| {
            let name = fl.flag.trim_start_matches('-');
            // the flag, the value, or the one part of a comma list that
            // is wrong (codes are quoted upper-cased; a blank part as ``)
            let s = s.to_lowercase();
            s.contains(name)
                || s.contains(&name.replace('-', "_"))
                || (!v.trim().is_empty() && s.contains(&v.trim().to_lowercase()))
                || v.split(',')
                    .map(|part| part.trim().to_lowercase())
                    .any(|part| s.contains(&format!("`{part}`")) || (part.len() >= 3 && s.contains(&part)))
        };
        let expect = (fl.oracle)(&v);
        let verdict = match code {
            None => Some(format!("hung (killed after {MAX_CASE:?})")),
            Some(_) if stderr.contains("panicked") => Some(format!("panicked: {stderr}")),
            Some(0) => {
                ran += 1;
                match (expect, unsound_outputs(&out)) {
                    (Some(false), _) => Some("ran with a value outside the flag's range".to_string()),
                    (_, Some(bad)) => Some(format!("ran with unsound outputs: {bad}")),
                    _ => None,
                }
            }
            Some(1 | 2) => {
                refused += 1;
                if expect == Some(true) {
                    Some(format!("refused a value in range: {stderr}"))
                } else if !said(&stderr) {
                    Some(format!("refused without naming the flag or the value: {stderr}"))
                } else {
                    None
                }
            }
            Some(c) => Some(format!("exit code {c}: {stderr}")),
        };
        if let Some(v2) = verdict {
            failures.push(format!("case {case}: {:?} {}={v:?}: {v2}", fl.args, fl.flag));
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    let report = format!(
        "{:<22} {CASES} cases over {} flags: {ran} ran with sound outputs, {refused} refused with a message naming the flag or value, {} failures; slowest case {slowest:.2} s; {:.1} s in all",
        "flags",
        flags.len(),
        failures.len(),
        t_all.elapsed().as_secs_f64()
    );
    eprintln!("{report}");
    let rep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("input-fuzz");
    std::fs::create_dir_all(&rep).unwrap();
    std::fs::write(rep.join("flags.txt"), format!("{report}\n")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
