//! Command-line parsing and dispatch. Each command validates its flags into
//! library settings, calls the library, and prints what a user reads.

mod access;
mod args;
mod graph;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Drive times from French communes to the nearest health facility.
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
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Drive time from every commune in scope to the nearest maternity.
    Access(access::AccessArgs),
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

pub fn run() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Access(a) => access::run(a),
        Command::Graph(g) => graph::run(g),
        Command::Synthetic { width, height, seed } => {
            let s = medaccess::synthetic::road_grid(width, height, seed);
            let g = &s.graph;
            println!(
                "nodes {} arcs {} bytes {} ({:.1} per arc)",
                g.num_nodes(),
                g.num_arcs(),
                g.memory_bytes(),
                g.memory_bytes() as f64 / g.num_arcs().max(1) as f64
            );
            Ok(())
        }
    }
}
