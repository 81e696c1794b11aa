use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;
use medaccess::communes::{self, CommuneProfile};

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Build the commune graph (communes joined to their neighbours) from
    /// the communes-france data and write it as a compact graph file.
    BuildCommunes {
        /// Folder with communes_points.csv and polygons/ (e.g. ../shared/data/communes-france).
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Output graph file (.medgraph or .medgraph.gz).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Profile as JSON (detour, speed_kmh, hop_s, no_polygon_neighbours); default: calibrated.
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
    },
    /// Print what a graph file holds.
    Info {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

pub fn run(cmd: GraphCommand) -> Result<()> {
    match cmd {
        GraphCommand::BuildCommunes { data, out, profile } => {
            let profile = match profile {
                Some(p) => {
                    let text = std::fs::read_to_string(&p).with_context(|| format!("{}", p.display()))?;
                    serde_json::from_str::<CommuneProfile>(&text)
                        .with_context(|| format!("{}: not a commune profile", p.display()))?
                }
                None => CommuneProfile::default(),
            };
            let t0 = std::time::Instant::now();
            let table = communes::Communes::load_france(&data)?;
            eprintln!("loaded {} communes in {:.1} s", table.len(), t0.elapsed().as_secs_f64());
            let g = communes::build_commune_graph(&table, &profile)?;
            communes::write_commune_graph(&out, &g)?;
            print_info(&g);
            println!("written {}", out.display());
        }
        GraphCommand::Info { file } => {
            let g = communes::read_commune_graph(&file)?;
            print_info(&g);
        }
    }
    Ok(())
}

fn print_info(g: &communes::CommuneGraph) {
    let comps = g.components();
    println!(
        "engine=commune-estimate: {} communes, {} neighbour links, {} components (largest {}), profile {:?}",
        g.nodes.len(),
        g.num_edges(),
        comps.len(),
        comps.first().map_or(0, |c| c.len()),
        g.profile
    );
    if !g.isolated.is_empty() {
        let names: Vec<String> = g
            .isolated
            .iter()
            .map(|&v| format!("{} {}", g.nodes[v as usize].insee, g.nodes[v as usize].name))
            .collect();
        println!("communes with no neighbour (islands, reported not dropped): {}", names.join(", "));
    }
    if !g.missing.is_empty() {
        println!("communes with no point at all (not in the graph): {}", g.missing.join(", "));
    }
}
