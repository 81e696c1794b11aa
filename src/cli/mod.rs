//! Command-line parsing and dispatch. Each command validates its flags into
//! library settings, calls the library, and prints what a user reads.

mod access;
mod args;
mod console;
mod gp;
mod graph;
mod matrix;
mod planner;
mod setup;
mod study;
mod sweep;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Drive times from French communes to the nearest health facility.
///
/// Every command's `--help` ends with examples; they run as written on the
/// data built into medaccess (tests/cli_help.rs runs each of them).
///
/// With no data argument every command runs on the data shipped in
/// fixtures/: the commune graph of all of France (an estimate: communes
/// joined to their neighbours), commune populations (INSEE 2017), and the
/// DREES maternity list 2013-2023 with FINESS positions.
#[derive(Debug, Parser)]
#[command(name = "medaccess", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Largest size a gzipped input may inflate to, e.g. 16G (default: 50 times
    /// the file, at least 256M, at most 8G; also MEDACCESS_MAX_INFLATE).
    #[arg(long, global = true, value_name = "SIZE", value_parser = medaccess::io::parse_size)]
    max_inflate: Option<u64>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Drive time from every commune in scope to the nearest maternity.
    #[command(
        after_help = "Examples:\n  medaccess access --dep 64 --year 2016 --compare-year 2017 --report out/report-64.html\n  medaccess access --region 75 --threshold 45 --report out/report-r75.html --lang en\n  medaccess access --dep 64,65 --kind gp --threshold 15 --split-by-dep"
    )]
    Access(Box<access::AccessArgs>),
    /// Close and open facilities: before/after for every commune.
    #[command(
        after_help = "Examples:\n  medaccess scenario --dep 64 --year 2016 --close 640000410 --report out/scenario-oloron.html\n  medaccess scenario --dep 64 --year 2017 --open 64422"
    )]
    Scenario(Box<planner::ScenarioArgs>),
    /// Rank every facility by the population its closure alone would push beyond the threshold.
    #[command(
        after_help = "Examples:\n  medaccess rank --dep 64 --year 2016 --report out/rank-64.html\n  medaccess rank --dep 64,40,65 --year 2023 --top 10"
    )]
    Rank(Box<planner::RankArgs>),
    /// Choose K new sites that bring the most population within the threshold.
    #[command(
        after_help = "Examples:\n  medaccess site --dep 64 --year 2017 --add 2\n  medaccess site --dep 64 --year 2017 --candidates 64422,64445"
    )]
    Site(Box<planner::SiteArgs>),
    /// Population beyond 30/40/45 minutes year by year (DREES list 2013-2023), with the closures.
    #[command(
        after_help = "Examples:\n  medaccess history --dep 64 --report out/history-64.html\n  medaccess history --dep 64,65 --thresholds 30,45 --lang en"
    )]
    History(Box<planner::HistoryArgs>),
    /// Catchment polygons: communes dissolved by nearest facility.
    #[command(
        after_help = "Examples:\n  medaccess catchments --dep 64 --year 2017\n  medaccess catchments --dep 64,40,65 --year 2023 --out out/catchments"
    )]
    Catchments(Box<planner::AreasArgs>),
    /// Isochrone band polygons with population per band.
    #[command(
        after_help = "Examples:\n  medaccess isochrones --dep 64 --year 2017\n  medaccess isochrones --dep 64 --year 2017 --bands 15,30,45,60"
    )]
    Isochrones(Box<planner::AreasArgs>),
    /// GP access: nearest GP, GPs within 10/20/30 min, APL-style two-step floating catchment.
    #[command(
        after_help = "Examples:\n  medaccess gp --dep 64,65 --report out/gp-64-65.html\n  medaccess gp --dep 64 --add 64422:3 --remove 64445:1"
    )]
    Gp(Box<gp::GpArgs>),
    /// Origin-destination drive times (communes or points x facilities or points), CSV or Parquet.
    Matrix(Box<matrix::MatrixArgs>),
    /// A grid of 2SFCA parameters or closures from a TOML plan: locally, one task, or merged.
    Sweep(Box<sweep::SweepArgs>),
    /// Every run of a study file (TOML): each job with its options, each recording them beside its outputs.
    #[command(
        after_help = "Examples:\n  medaccess run study.toml\n  medaccess run study.toml --dry-run\n  medaccess run out/study/access/maternity-access-64-2016.config.json --out out/again"
    )]
    Run(Box<study::RunArgs>),
    /// Build or inspect road-travel graphs.
    #[command(subcommand)]
    Graph(graph::GraphCommand),
    /// Generate a seeded synthetic road graph and report its size.
    Synthetic {
        #[arg(long, default_value_t = 1000)]
        width: usize,
        #[arg(long, default_value_t = 1000)]
        height: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// Parses the command line and runs it; a job records its command line
/// beside its outputs (`<name>.config.json`), as a study's runs do.
pub fn run() -> Result<()> {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches_mut(&mut matches.clone())
        .map_err(|e| e.format(&mut Cli::command()))
        .unwrap_or_else(|e| e.exit());
    medaccess::io::set_inflate_limit(cli.max_inflate);
    study::record_command_line(&matches)?;
    dispatch(cli.command)
}

/// A library error about a parameter names it as the library and Python
/// spell it (`` `consultations_per_gp`: … ``); the command line names the
/// flag that gave it (`--consultations-per-gp: …`).
fn flag_for_parameter(e: anyhow::Error) -> anyhow::Error {
    match e.downcast_ref::<medaccess::Error>() {
        // the library's error alone (no context around it to keep)
        Some(medaccess::Error::Parameter { name, message }) if e.chain().count() == 1 => {
            anyhow::anyhow!("--{}: {message}", name.replace('_', "-"))
        }
        _ => e,
    }
}

/// Runs one command (a study's runs too): an error about a library
/// parameter names its flag ([`flag_for_parameter`]).
fn dispatch(command: Command) -> Result<()> {
    let ran = match command {
        Command::Run(a) => study::run(*a),
        Command::Access(a) => access::run(*a),
        Command::Scenario(a) => planner::scenario(*a),
        Command::Rank(a) => planner::rank(*a),
        Command::Site(a) => planner::site(*a),
        Command::History(a) => planner::history(*a),
        Command::Catchments(a) => planner::catchments(*a),
        Command::Isochrones(a) => planner::isochrones(*a),
        Command::Gp(a) => gp::run(*a),
        Command::Matrix(a) => matrix::run(*a),
        Command::Sweep(a) => sweep::run(*a),
        Command::Graph(g) => graph::run(g),
        Command::Synthetic { width, height, seed } => {
            let s = medaccess::synthetic::road_grid(width, height, seed);
            let g = &s.graph;
            Ok(console::out(&format!(
                "nodes {} arcs {} bytes {} ({:.1} per arc)\n",
                g.num_nodes(),
                g.num_arcs(),
                g.memory_bytes(),
                g.memory_bytes() as f64 / g.num_arcs().max(1) as f64
            ))?)
        }
    };
    ran.map_err(flag_for_parameter)
}
