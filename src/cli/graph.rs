use std::fmt::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;
use medaccess::communes::{self, CommuneProfile};

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Folder with communes_points.csv and polygons/ (e.g. ../shared/data/communes-france).
    #[arg(long, value_name = "DIR", required_unless_present_any = ["points", "geojson"])]
    data: Option<PathBuf>,
    /// Your own commune points CSV instead of --data (columns below).
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    points: Option<PathBuf>,
    /// Polygon GeoJSON files joined to --points by INSEE code.
    #[arg(long, value_name = "FILE", requires = "points")]
    polygons: Vec<PathBuf>,
    /// Your own commune GeoJSON (polygons or town-hall points) instead of --data.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["data", "points"])]
    geojson: Option<PathBuf>,
    /// INSEE code column / property.
    #[arg(long, default_value = "insee")]
    col_insee: String,
    /// Name column / property.
    #[arg(long, default_value = "name")]
    col_name: String,
    /// Population column / property.
    #[arg(long, default_value = "population")]
    col_population: String,
    /// Longitude column of --points (WGS84).
    #[arg(long, default_value = "lon")]
    col_lon: String,
    /// Latitude column of --points (WGS84).
    #[arg(long, default_value = "lat")]
    col_lat: String,
    /// Field delimiter of --points.
    #[arg(long, default_value = ",")]
    delimiter: char,
    /// Output graph file (.medgraph or .medgraph.gz).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Profile as JSON (detour, speed_kmh, hop_s, no_polygon_neighbours); default: calibrated.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Build the commune graph (communes joined to their neighbours) from
    /// the communes-france data and write it as a compact graph file.
    BuildCommunes(Box<BuildArgs>),
    /// Print what a graph file holds.
    Info {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

pub fn run(cmd: GraphCommand) -> Result<()> {
    match cmd {
        GraphCommand::BuildCommunes(b) => {
            let BuildArgs {
                data,
                points,
                polygons,
                geojson,
                col_insee,
                col_name,
                col_population,
                col_lon,
                col_lat,
                delimiter,
                out,
                profile,
            } = *b;
            let profile = match profile {
                Some(p) => CommuneProfile::from_file(&p)?,
                None => CommuneProfile::default(),
            };
            let t0 = std::time::Instant::now();
            let tol = communes::load::DEFAULT_TOLERANCE_M;
            let table = if let Some(dir) = &data {
                communes::Communes::load_france(dir)?
            } else if let Some(p) = &points {
                if !delimiter.is_ascii() {
                    anyhow::bail!("--delimiter must be one ASCII character");
                }
                let cols = communes::PointColumns {
                    insee: col_insee,
                    name: Some(col_name),
                    dep: None,
                    population: Some(col_population),
                    lon: col_lon,
                    lat: col_lat,
                    centroid_lon: None,
                    centroid_lat: None,
                    delimiter: delimiter as u8,
                };
                communes::Communes::from_files(p, &cols, &polygons, tol)?
            } else if let Some(g) = &geojson {
                let props = communes::GeoJsonProperties {
                    insee: col_insee,
                    name: Some(col_name),
                    dep: None,
                    population: Some(col_population),
                };
                communes::load::read_communes_geojson(g, &props, tol)?
            } else {
                anyhow::bail!("give --data DIR, --points CSV [--polygons GEOJSON…] or --geojson FILE")
            };
            super::console::err(&format!(
                "loaded {} communes in {:.1} s",
                table.len(),
                t0.elapsed().as_secs_f64()
            ));
            let g = communes::build_commune_graph(&table, &profile)?;
            // never over a file it read
            let out_id = medaccess::io::FileId::of(&out);
            let mut read = data.iter().chain(&points).chain(&polygons).chain(&geojson);
            if let Some(input) = read.find(|p| out_id.is_some() && medaccess::io::FileId::of(p) == out_id) {
                anyhow::bail!(
                    "--out {}: is an input of this run ({}); choose another file",
                    out.display(),
                    input.display()
                );
            }
            communes::write_commune_graph(&out, &g)?;
            let mut text = info(&g);
            writeln!(text, "written {}", out.display())?;
            super::console::out(&text)?;
        }
        GraphCommand::Info { file } => {
            // A road network (any format `--roads` reads) is told by its
            // content; anything else must be a commune graph file.
            match medaccess::roads::input::sniff(&file) {
                Ok(format) => print_road_info(&file, format)?,
                Err(not_roads) => {
                    let g = communes::read_commune_graph(&file)
                        .with_context(|| format!("not a road network either ({not_roads})"))?;
                    super::console::out(&info(&g))?;
                }
            }
        }
    }
    Ok(())
}

/// Imports a road network with the default profile and options (no cache)
/// and prints what the import found.
fn print_road_info(file: &std::path::Path, format: medaccess::roads::input::Format) -> Result<()> {
    let profile = medaccess::roads::CarProfile::france();
    let opts = medaccess::roads::input::ReadOptions::default();
    let net = medaccess::roads::RoadNetwork::read_with(file, &profile, &opts, &|_, _| {})?;
    let i = &net.info;
    let mut text = String::new();
    writeln!(
        text,
        "{format:?} read as engine={} ({}), data of {}, profile {}",
        i.engine.as_str(),
        i.engine.attribution(),
        i.timestamp.as_deref().unwrap_or("unknown date"),
        i.profile
    )?;
    let report = serde_json::to_value(&i.report)?;
    if let serde_json::Value::Object(fields) = report {
        for (k, v) in fields {
            writeln!(text, "  {k}: {v}")?;
        }
    }
    Ok(super::console::out(&text)?)
}

/// What a commune graph holds, as `graph info` prints it.
fn info(g: &communes::CommuneGraph) -> String {
    let comps = g.components();
    let mut text = format!(
        "engine=commune-estimate: {} communes, {} neighbour links, {} components (largest {}), profile {}: {}\n",
        g.nodes.len(),
        g.num_edges(),
        comps.len(),
        comps.first().map_or(0, |c| c.len()),
        g.profile.tag(),
        serde_json::to_string(&g.profile).unwrap_or_default()
    );
    if !g.isolated.is_empty() {
        let names: Vec<String> = g
            .isolated
            .iter()
            .map(|&v| format!("{} {}", g.nodes[v as usize].insee, g.nodes[v as usize].name))
            .collect();
        text += &format!(
            "communes with no neighbour (islands, reported not dropped): {}\n",
            names.join(", ")
        );
    }
    if !g.missing.is_empty() {
        text += &format!(
            "communes with no point at all (not in the graph): {}\n",
            g.missing.join(", ")
        );
    }
    text
}
