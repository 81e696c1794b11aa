//! Fits the v2 commune profile (see `docs/commune-engine.md`, "How v2 was
//! fitted") on Corsica's road network and on the quoted mainland drive
//! times marked `fit`; the held-out Corsican communes, the held-out quotes
//! and the national DREES figures are never used here
//! (`validate_commune_engine` measures them).
//!
//! ```text
//! cargo run --release --example calibrate_commune_profile -- [SHARED_DATA_DIR] [--start v2|FILE] [--model small|reduced|full] [--cv K [--blocks interleaved|latitude] [--save DIR] [--record FILE]]
//! ```
//! Default data dir: `../shared/data`. `--start` begins the search from a
//! profile (`v2` = the shipped one, or a JSON file) instead of the rounded
//! start written below: the search is local, so a refit after the data
//! changed is run from both and the lower objective kept. `--model` frees
//! 5, 8 or all 12 parameters (default `full`; see [`Model`]), the others
//! keep their start values. `--cv K` fits nothing to ship: it
//! cross-validates the models (all three, or the one of `--model`) on the
//! fit data alone, K folds, and prints each fold's left-out score and the
//! spread of each parameter over the folds (about K times a fit per model);
//! `--blocks` says how the folds are cut (see [`Blocks`]: `interleaved`,
//! the default, or `latitude`, trips from a band the fit never started from); `--save DIR`
//! writes each fold's fitted profile to `DIR/MODEL-BLOCKS-foldF.json`
//! (the form `--commune-profile FILE` reads);
//! `--record FILE` also writes that to FILE (`docs/bench/calibration-cv.md`,
//! quoted in docs/commune-engine.md). Reads the shipped links
//! (`fixtures/communes-france.medgraph.gz`), `osm-fr-corse/` and
//! `communes-france/` (2A, 2B polygons, to place Corsica's maternities in
//! their commune). Prints the search and the fitted profile (as JSON, the
//! form `--commune-profile FILE` reads); writes nothing. About 1–3 minutes
//! on an idle machine (8 minutes at load 10 on the shared 2-core one); on a
//! terminal, standard error counts the evaluations as they go.
//!
//! Method. Fixed before the fit: the class speeds, those of the project's
//! car profile (`car-fr`, docs/roads.md; local roads 60 km/h, between its
//! tertiary 70 and unclassified 50), motorway detour 1.05 (road points lie
//! on the motorway), the facility leg's detour 1.4. Fitted by coordinate
//! descent (each parameter in turn, up and down by a
//! step that halves when nothing improves, from 20 % to 1 %) on the mean of
//! two objectives:
//! - Corsica (reference: the network as `--roads` reads it, `car-fr` with
//!   the winding-road correction; every third commune by INSEE order held
//!   out): over the trips from the training communes to the towns of
//!   2,000 inhabitants or more (where facilities are) up to 60 min of
//!   road, the mean over the bands 0–20, 20–40, 40–60 min of (median
//!   absolute error + |median signed error|), averaged with the same
//!   measure on the training communes' trip to their nearest maternity of
//!   2017;
//! - the quoted times marked `fit`: the mean absolute log distance to the
//!   quoted range (0 inside it).

#[path = "support/bench_record.rs"]
mod bench_record;
#[path = "support/commune_eval.rs"]
mod eval;

use std::path::PathBuf;

use bench_record::{utc_now, write};
use eval::*;
use medaccess::communes::cited::CITED_TIMES;
use medaccess::communes::{
    CommuneLinks, CommuneNode, CommuneProfile, Communes, PerClass, ProfileV2, fixtures, read_commune_links,
};

/// Inhabitants of the Corsican towns whose trips from the training
/// communes are fitted (facilities are in towns).
const TOWN: u64 = 2_000;

/// A parameter of the search: name, how to read and write it, step kind,
/// bounds.
struct Param {
    name: &'static str,
    get: fn(&ProfileV2) -> f64,
    set: fn(&mut ProfileV2, f64),
    /// Multiplicative steps (speeds) or additive in `unit` (seconds…).
    additive: Option<f64>,
    lo: f64,
    hi: f64,
    /// The smallest [`Model`] that frees it.
    tier: Model,
}

/// A [`Param`] that is one field of the profile, named after its path.
macro_rules! field {
    ($($f:ident).+, $additive:expr, $lo:expr, $hi:expr, $tier:expr) => {
        Param {
            name: stringify!($($f).+),
            get: |p| p.$($f).+,
            set: |p, v| p.$($f).+ = v,
            additive: $additive,
            lo: $lo,
            hi: $hi,
            tier: $tier,
        }
    };
}

fn params() -> Vec<Param> {
    vec![
        Param {
            name: "detour (expressway, national, main departmental, departmental)",
            get: |p| p.detour.national,
            set: |p, v| {
                p.detour.expressway = v;
                p.detour.national = v;
                p.detour.main_departmental = v;
                p.detour.departmental = v;
            },
            additive: Some(0.5),
            lo: 1.0,
            hi: 3.0,
            tier: Model::Small,
        },
        field!(detour.local, Some(0.5), 1.0, 3.0, Model::Small),
        Param {
            name: "crossing_s (national, main departmental, departmental)",
            get: |p| p.crossing_s.national,
            set: |p, v| {
                p.crossing_s.national = v;
                p.crossing_s.main_departmental = v;
                p.crossing_s.departmental = v;
            },
            additive: Some(60.0),
            lo: 0.0,
            hi: 600.0,
            tier: Model::Reduced,
        },
        field!(crossing_s.local, Some(60.0), 0.0, 600.0, Model::Small),
        field!(town_crossing_s, Some(60.0), 0.0, 600.0, Model::Full),
        field!(terrain_ref, Some(0.2), 0.0, 0.8, Model::Full),
        field!(terrain_slowdown, Some(2.0), 0.0, 10.0, Model::Small),
        field!(motorway_speed_kmh, None, 90.0, 130.0, Model::Full),
        field!(motorway_access_s, Some(120.0), 0.0, 900.0, Model::Reduced),
        field!(leg_speed_kmh, None, 10.0, 80.0, Model::Small),
        field!(access_kmh, None, 10.0, 90.0, Model::Full),
        Param {
            name: "road_terrain_weight",
            get: |p| p.road_terrain_weight.unwrap_or(f64::INFINITY),
            set: |p, v| p.road_terrain_weight = Some(v),
            additive: None,
            lo: 0.5,
            hi: 200.0,
            tier: Model::Reduced,
        },
    ]
}

/// Median of a commune-level value.
fn median(v: &[f64]) -> f64 {
    quantile(v, 0.5)
}

/// Median absolute error + |median signed error|.
fn score(e: &[f64]) -> f64 {
    let abs: Vec<f64> = e.iter().map(|x| x.abs()).collect();
    median(&abs) + median(e).abs()
}

struct Corsica {
    links: CommuneLinks,
    roads: CorsicaRoads,
    table: Communes,
    /// Road minutes to the nearest maternity of 2017, per Corsican commune.
    maternity: Vec<Option<f64>>,
}

impl Corsica {
    fn errors(
        &self,
        p: &CommuneProfile,
        sources: &(dyn Fn(usize) -> bool + Sync),
    ) -> anyhow::Result<(Vec<Vec<f64>>, Vec<f64>)> {
        let g = self.links.graph(p)?;
        let mut bands = vec![Vec::new(); 3];
        for (_, j, r, e) in corsica_pair_errors(&g, &self.roads, sources) {
            // Trips to towns, where facilities are.
            if r <= 3600.0 && g.nodes[j].population.unwrap_or(0) >= TOWN {
                bands[((r / 1200.0) as usize).min(2)].push(e);
            }
        }
        let idx: Vec<usize> = (0..g.nodes.len()).filter(|&i| sources(i)).collect();
        let nodes = g.nodes.clone();
        let ctx = context(commune_engine(g, Some(&self.table)), &nodes)?;
        let est = nearest_maternity(&ctx, 2017, &idx, &|id| {
            id.starts_with("2A") || id.starts_with("2B")
        })?;
        let mat: Vec<f64> = idx
            .iter()
            .zip(&est)
            .filter_map(|(&i, e)| match (self.maternity[i], e) {
                (Some(r), Some(e)) if r > 0.0 => Some(e / r - 1.0),
                _ => None,
            })
            .collect();
        Ok((bands, mat))
    }

    /// The Corsican half of the objective over the training communes of
    /// `part`, and the median absolute error of their trips to the nearest
    /// maternity.
    fn objective(&self, p: &CommuneProfile, part: Part, folds: &[usize]) -> anyhow::Result<(f64, f64)> {
        let (bands, mat) = self.errors(p, &|i| !held_out(i) && part.keeps(folds[i]))?;
        let pairs = bands.iter().map(|b| score(b)).sum::<f64>() / 3.0;
        let abs: Vec<f64> = mat.iter().map(|e| e.abs()).collect();
        Ok((0.5 * (pairs + score(&mat)), median(&abs)))
    }
}

/// How the fit data are cut into folds for `--cv`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Blocks {
    /// Interleaved: consecutive training communes by INSEE order go to the
    /// same fold (fold (i / 3) mod k, as the held-out ones are every
    /// third), the j-th `fit` pair in the list to fold j mod k. Neighbours
    /// are often in different folds: a left-out fold says how the fit does
    /// on other places of the same regions.
    Interleaved,
    /// Latitude bands: the training communes sorted by latitude and cut into
    /// k bands of equal count (Corsica runs north–south: the south, the
    /// middle, Cap Corse and the Balagne), the `fit` pairs likewise by the
    /// latitude of their midpoint (the south-west and the southern Massif
    /// central, the centre-west, the north). A left-out fold's trips start
    /// in a band no training trip started from (they still end in towns of
    /// every band, on roads the others share, and a few pairs straddle two
    /// bands): the harder, spatial test.
    Latitude,
}

impl Blocks {
    fn parse(s: &str) -> anyhow::Result<Blocks> {
        match s {
            "interleaved" => Ok(Blocks::Interleaved),
            "latitude" => Ok(Blocks::Latitude),
            _ => anyhow::bail!("--blocks {s}: expected interleaved or latitude"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Blocks::Interleaved => "interleaved",
            Blocks::Latitude => "latitude",
        }
    }

    fn describe(self, k: usize) -> String {
        match self {
            Blocks::Interleaved => {
                format!(
                    "training Corsican communes: fold (i / 3) mod {k} by INSEE order; `fit` quotes: fold j mod {k} in list order"
                )
            }
            Blocks::Latitude => format!(
                "training Corsican communes: {k} latitude bands of equal count; `fit` quotes: {k} bands of equal count by the latitude of the pair's midpoint"
            ),
        }
    }
}

/// The fold of every Corsican commune (by index in Corsica's links; the
/// held-out ones get 0 and are never read) and of every `fit` pair (in
/// list order), for `k` folds.
struct Folds {
    corsica: Vec<usize>,
    quotes: Vec<usize>,
}

impl Folds {
    fn new(blocks: Blocks, k: usize, corsica: &[CommuneNode], links: &CommuneLinks) -> Folds {
        let training: Vec<usize> = (0..corsica.len()).filter(|&i| !held_out(i)).collect();
        let fit: Vec<(&str, &str)> = CITED_TIMES
            .iter()
            .filter(|c| c.fit)
            .map(|c| (c.from, c.to))
            .collect();
        let mut folds = Folds {
            corsica: vec![0; corsica.len()],
            quotes: vec![0; fit.len()],
        };
        match blocks {
            Blocks::Interleaved => {
                for &i in &training {
                    folds.corsica[i] = (i / 3) % k;
                }
                for (j, f) in folds.quotes.iter_mut().enumerate() {
                    *f = j % k;
                }
            }
            Blocks::Latitude => {
                let lat_of = |insee: &str| {
                    let node = links.nodes.iter().find(|n| n.insee == insee);
                    node.unwrap_or_else(|| panic!("quoted pair: {insee} is not a commune of the links"))
                        .lat
                };
                let corsica_lat: Vec<f64> = training.iter().map(|&i| corsica[i].lat).collect();
                for (r, &t) in bands(&corsica_lat, k).iter().zip(&training) {
                    folds.corsica[t] = *r;
                }
                let mid: Vec<f64> = fit.iter().map(|(a, b)| 0.5 * (lat_of(a) + lat_of(b))).collect();
                folds.quotes = bands(&mid, k);
            }
        }
        folds
    }
}

/// The band (0 = southernmost) of each value when the values, sorted
/// (ties by position), are cut into `k` runs of equal count.
fn bands(values: &[f64], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut band = vec![0; values.len()];
    for (rank, &i) in order.iter().enumerate() {
        band[i] = rank * k / values.len().max(1);
    }
    band
}

/// The quoted half of the objective over the `fit` pairs of `part`
/// (`folds`: the fold of each `fit` pair in list order), and the median of
/// the same absolute log distances.
fn quoted_objective(
    links: &CommuneLinks,
    p: &CommuneProfile,
    part: Part,
    folds: &[usize],
) -> anyhow::Result<(f64, f64)> {
    let g = links.graph(p)?;
    let q: Vec<f64> = quoted(&g, None)
        .iter()
        .filter(|x| x.cited.fit)
        .zip(folds)
        .filter(|(_, f)| part.keeps(**f))
        .map(|(x, _)| (1.0 + x.error).ln().abs())
        .collect();
    Ok((q.iter().sum::<f64>() / q.len() as f64, median(&q)))
}

/// How many parameters a fit frees; the others keep their start values.
/// Nested: each model frees those of the one before and more.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Model {
    /// The two detours, the local crossing, the terrain slowdown and the
    /// facility leg's speed (5).
    Small,
    /// And the motorway access, the numbered roads' crossing and the
    /// weight of a road's own winding records (8).
    Reduced,
    /// Every parameter of [`params`] (12).
    Full,
}

impl Model {
    const ALL: [Model; 3] = [Model::Small, Model::Reduced, Model::Full];

    fn parse(s: &str) -> anyhow::Result<Model> {
        Model::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| anyhow::anyhow!("--model {s}: expected small, reduced or full"))
    }

    fn name(self) -> &'static str {
        match self {
            Model::Small => "small",
            Model::Reduced => "reduced",
            Model::Full => "full",
        }
    }

    fn params(self) -> Vec<Param> {
        params().into_iter().filter(|p| p.tier <= self).collect()
    }
}

/// The part of the fit data (training Corsican communes, `fit` quotes) an
/// objective reads (folds as [`Fit::folds`] cuts them): all of it, or the
/// folds other than `f` (`train`) or fold `f` alone.
#[derive(Clone, Copy)]
struct Part {
    f: usize,
    train: bool,
}

impl Part {
    /// Every fold but none: all the fit data.
    const ALL: Part = Part {
        f: usize::MAX,
        train: true,
    };

    fn keeps(self, fold: usize) -> bool {
        (fold == self.f) != self.train
    }
}

/// Objective (mean of the two halves) and its parts, with the median
/// absolute errors of the part read: (objective, Corsica, quotes,
/// Corsica nearest maternity median |error|, quotes median |log error|).
#[derive(Clone, Copy)]
struct Score {
    total: f64,
    corsica: f64,
    quotes: f64,
    maternity: f64,
    quoted: f64,
}

struct Fit<'a> {
    corsica: &'a Corsica,
    links: &'a CommuneLinks,
    /// The folds of `--cv` (all 0 without it).
    folds: Folds,
    blocks: Blocks,
}

impl Fit<'_> {
    /// The name of the commune `insee` (the code itself if unknown).
    fn name(&self, insee: &str) -> String {
        let node = self.links.nodes.iter().find(|n| n.insee == insee);
        node.map_or(insee.to_string(), |n| n.name.clone())
    }

    fn score(&self, p: &ProfileV2, part: Part) -> anyhow::Result<Score> {
        let prof = CommuneProfile::V2(*p);
        let (c, maternity) = self.corsica.objective(&prof, part, &self.folds.corsica)?;
        let (q, quoted) = quoted_objective(self.links, &prof, part, &self.folds.quotes)?;
        Ok(Score {
            total: 0.5 * (c + q),
            corsica: c,
            quotes: q,
            maternity,
            quoted,
        })
    }

    /// Coordinate descent of the parameters of `model` from `p` on the
    /// data of `part`; prints each improvement when `log`.
    fn run(
        &self,
        model: Model,
        mut p: ProfileV2,
        part: Part,
        log: bool,
    ) -> anyhow::Result<(ProfileV2, Score, usize)> {
        let ps = model.params();
        let mut best = self.score(&p, part)?;
        if log {
            println!(
                "start: objective {:.4} (Corsica {:.4}, quotes {:.4})",
                best.total, best.corsica, best.quotes
            );
        }
        let mut step = 0.2;
        let mut evals = 1;
        // On a terminal, a line counting the evaluations (a search takes
        // minutes); nothing of it in a pipe or a file.
        let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
        while step >= 0.01 {
            let mut improved = true;
            while improved {
                improved = false;
                for par in &ps {
                    for dir in [1.0, -1.0] {
                        let cur = (par.get)(&p);
                        let next = match par.additive {
                            Some(unit) => cur + dir * step * unit,
                            None => cur * (1.0 + dir * step),
                        }
                        .clamp(par.lo, par.hi);
                        if (next - cur).abs() < 1e-9 {
                            continue;
                        }
                        let mut q = p;
                        (par.set)(&mut q, (next * 100.0).round() / 100.0);
                        let r = self.score(&q, part)?;
                        evals += 1;
                        if tty {
                            eprint!(
                                "\r\x1b[Kstep {step:.3}: {evals} evaluations, objective {:.4}",
                                best.total
                            );
                        }
                        if r.total < best.total - 1e-6 {
                            p = q;
                            best = r;
                            improved = true;
                            if tty {
                                eprint!("\r\x1b[K");
                            }
                            if log {
                                println!(
                                    "step {step:.3}: {} = {:.2} -> objective {:.4} (Corsica {:.4}, quotes {:.4})",
                                    par.name,
                                    (par.get)(&p),
                                    best.total,
                                    best.corsica,
                                    best.quotes
                                );
                            }
                            break;
                        }
                    }
                }
            }
            step /= 2.0;
        }
        if tty {
            eprint!("\r\x1b[K");
        }
        Ok((p, best, evals))
    }

    /// `k`-fold cross-validation of each model in `models`: fitted from
    /// `start` on k − 1 folds, scored on the fold left out. Prints, as it
    /// goes (a run takes most of an hour), the scores per fold and the
    /// spread of every free parameter over the folds, then a table of the
    /// means; returns the same text.
    fn cross_validate(
        &self,
        models: &[Model],
        start: ProfileV2,
        k: usize,
        save: Option<&std::path::Path>,
    ) -> anyhow::Result<String> {
        let mut out = String::new();
        let mut say = |line: String| {
            println!("{line}");
            out.push_str(&line);
            out.push('\n');
        };
        say(format!(
            "{k}-fold cross-validation on the fit data only ({}), each fit from the written start:\n",
            self.blocks.describe(k)
        ));
        if self.blocks == Blocks::Latitude {
            for f in 0..k {
                let lats: Vec<f64> = (0..self.corsica.links.nodes.len())
                    .filter(|&i| !held_out(i) && self.folds.corsica[i] == f)
                    .map(|i| self.corsica.links.nodes[i].lat)
                    .collect();
                let lo = lats.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = lats.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let pairs: Vec<String> = CITED_TIMES
                    .iter()
                    .filter(|c| c.fit)
                    .zip(&self.folds.quotes)
                    .filter(|(_, g)| **g == f)
                    .map(|(c, _)| format!("{}–{}", self.name(c.from), self.name(c.to)))
                    .collect();
                say(format!(
                    "- fold {f}: {} Corsican communes, latitude {lo:.2}–{hi:.2}; {} `fit` pairs: {}",
                    lats.len(),
                    pairs.len(),
                    pairs.join(", ")
                ));
            }
            say(String::new());
        }
        let mut table = Vec::new();
        for &model in models {
            let ps = model.params();
            let mut fitted = Vec::new();
            let mut tests = Vec::new();
            for f in 0..k {
                let (p, train, evals) = self.run(model, start, Part { f, train: true }, false)?;
                let test = self.score(&p, Part { f, train: false })?;
                say(format!(
                    "- {} ({} free), fold {f}: {evals} evaluations; training objective {:.4}; left-out fold {:.4} (Corsica {:.4}, quotes {:.4}; nearest maternity median abs. error {:.1} %, quotes median abs. log error {:.3})",
                    model.name(),
                    ps.len(),
                    train.total,
                    test.total,
                    test.corsica,
                    test.quotes,
                    100.0 * test.maternity,
                    test.quoted
                ));
                if let Some(dir) = save {
                    let file = dir.join(format!("{}-{}-fold{f}.json", model.name(), self.blocks.name()));
                    std::fs::write(
                        &file,
                        serde_json::to_string_pretty(&CommuneProfile::V2(p))? + "\n",
                    )
                    .map_err(|e| anyhow::anyhow!("--save: writing {}: {e}", file.display()))?;
                }
                fitted.push(p);
                tests.push(test);
            }
            let spread: Vec<String> = ps
                .iter()
                .map(|par| {
                    let v: Vec<f64> = fitted.iter().map(|p| (par.get)(p)).collect();
                    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    format!("{} {lo:.2}–{hi:.2}", par.name)
                })
                .collect();
            say(format!("  fitted over the folds: {}", spread.join("; ")));
            let mean = |f: fn(&Score) -> f64| tests.iter().map(f).sum::<f64>() / k as f64;
            table.push(format!(
                "| {} | {} | {:.4} | {:.4} | {:.4} | {:.1} % | {:.3} |",
                model.name(),
                ps.len(),
                mean(|s| s.total),
                mean(|s| s.corsica),
                mean(|s| s.quotes),
                100.0 * mean(|s| s.maternity),
                mean(|s| s.quoted)
            ));
        }
        say(format!(
            "\nMean over the {k} left-out folds:\n\n| model | free parameters | objective | Corsica | quotes | nearest maternity median abs. error | quotes median abs. log error |\n|---|---:|---:|---:|---:|---:|---:|\n{}",
            table.join("\n")
        ));
        Ok(out)
    }
}

/// Removes `--name VALUE` from `args` and returns the value.
fn take_option(args: &mut Vec<String>, name: &str) -> anyhow::Result<Option<String>> {
    match args.iter().position(|a| a == name) {
        Some(i) if i + 1 < args.len() => {
            let v = args.remove(i + 1);
            args.remove(i);
            Ok(Some(v))
        }
        Some(_) => anyhow::bail!("{name} needs a value"),
        None => Ok(None),
    }
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let start = match take_option(&mut args, "--start")? {
        Some(s) => match CommuneProfile::from_arg(&s)? {
            CommuneProfile::V2(p) => Some((s, p)),
            CommuneProfile::V1(_) => anyhow::bail!("--start {s}: a v2 profile is fitted, not v1"),
        },
        None => None,
    };
    let command = args.clone();
    let record = take_option(&mut args, "--record")?;
    let model = match take_option(&mut args, "--model")? {
        Some(m) => Some(Model::parse(&m)?),
        None => None,
    };
    let cv = match take_option(&mut args, "--cv")? {
        Some(k) => match k.parse::<usize>() {
            Ok(k) if k >= 2 => Some(k),
            _ => anyhow::bail!("--cv {k}: the number of folds, 2 or more"),
        },
        None => None,
    };
    let blocks = match take_option(&mut args, "--blocks")? {
        Some(b) if cv.is_some() => Blocks::parse(&b)?,
        Some(b) => anyhow::bail!("--blocks {b}: only with --cv K"),
        None => Blocks::Interleaved,
    };
    let save = match take_option(&mut args, "--save")? {
        Some(d) if cv.is_some() => {
            std::fs::create_dir_all(&d)?;
            Some(PathBuf::from(d))
        }
        Some(d) => anyhow::bail!("--save {d}: only with --cv K"),
        None => None,
    };
    let data = PathBuf::from(args.first().cloned().unwrap_or_else(|| "../shared/data".into()));
    let links = read_commune_links(&fixtures::default_dir().join(fixtures::GRAPH_FILE))?;
    let corse_links = links.subset(&["2A", "2B"]);
    let roads = CorsicaRoads::load(&data, &corse_links.nodes)?;
    let table = Communes::load_france_deps(&data.join("communes-france"), Some(&["2A", "2B"]))?;
    let road = context(corsica_road_engine(&data)?, &corse_links.nodes)?;
    let all: Vec<usize> = (0..corse_links.nodes.len()).collect();
    let maternity = nearest_maternity(&road, 2017, &all, &|id| {
        id.starts_with("2A") || id.starts_with("2B")
    })?;
    let corsica = Corsica {
        links: corse_links,
        roads,
        table,
        maternity,
    };

    // Class speeds fixed at the project's car profile (`car-fr`,
    // docs/roads.md): separated carriageways 110, two-lane national,
    // primary and secondary roads 80, local roads 60 (between tertiary 70
    // and unclassified 50); motorway detour 1.05 (road points lie on the
    // motorway); the facility leg's detour 1.4.
    // The search is local: it starts from the values written here,
    // rounded from earlier runs of this program (from round values —
    // detours 1.3, crossings 30 s — an earlier form of the model stopped
    // at a worse optimum); the weight of the communes' terrain against a
    // road's own records starts at 8 (a road with 8 records is halfway
    // between the two).
    let mut p = ProfileV2 {
        detour: PerClass {
            expressway: 1.35,
            national: 1.35,
            main_departmental: 1.35,
            departmental: 1.35,
            local: 1.65,
        },
        speed_kmh: PerClass {
            expressway: 110.0,
            national: 80.0,
            main_departmental: 80.0,
            departmental: 80.0,
            local: 60.0,
        },
        crossing_s: PerClass {
            expressway: 0.0,
            national: 0.0,
            main_departmental: 0.0,
            departmental: 0.0,
            local: 100.0,
        },
        town_crossing_s: 0.0,
        terrain_ref: 0.35,
        terrain_slowdown: 2.0,
        road_terrain_weight: Some(8.0),
        motorway_detour: 1.05,
        motorway_speed_kmh: 130.0,
        motorway_access_s: 340.0,
        access_kmh: 60.0,
        leg_detour: 1.4,
        leg_speed_kmh: 70.0,
        no_polygon_neighbours: ProfileV2::default().no_polygon_neighbours,
    };
    if let Some((name, from)) = start {
        println!("start: profile {name} ({})", CommuneProfile::V2(from).tag());
        p = from;
    }
    println!(
        "fixed: class speeds (km/h) expressway 110, national 80, main departmental 80, departmental 80, local 60; \
         expressway crossing 0 s; motorway detour 1.05; leg detour 1.4"
    );

    let fit = Fit {
        folds: Folds::new(blocks, cv.unwrap_or(1), &corsica.links.nodes, &links),
        corsica: &corsica,
        links: &links,
        blocks,
    };
    if let Some(k) = cv {
        let models = model.map_or(Model::ALL.to_vec(), |m| vec![m]);
        let started = utc_now();
        let report = fit.cross_validate(&models, p, k, save.as_deref())?;
        if let Some(file) = record {
            write(&file, "calibrate_commune_profile", &command, &started, &report)?;
        }
        return Ok(());
    }
    let model = model.unwrap_or(Model::Full);
    println!("model {}: {} free parameters", model.name(), model.params().len());
    let (p, _, evals) = fit.run(model, p, Part::ALL, true)?;
    println!("\n{evals} evaluations; fitted profile:");
    println!("{}", serde_json::to_string_pretty(&CommuneProfile::V2(p))?);
    println!("{p:#?}");
    Ok(())
}
