use anyhow::Result;
use clap::{Parser, Subcommand};

/// Drive times from French communes to the nearest health facility.
#[derive(Debug, Parser)]
#[command(name = "medaccess", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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
        }
    }
    Ok(())
}
