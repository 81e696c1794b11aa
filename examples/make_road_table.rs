//! Writes the per-commune road table shipped in `fixtures/` from the BAAC
//! accident records, and prints what it found.
//!
//! ```text
//! cargo run --release --example make_road_table -- [SHARED_DATA_DIR] [OUT_DIR]
//! ```
//! Defaults: `../shared/data` (reads `road-accidents-baac/accidents.csv.gz`
//! and `communes-france/`) and `fixtures`. Writes
//! `baac-commune-roads.csv.gz` and `baac-commune-terrain.csv.gz`
//! (method: `medaccess::communes::baac`; licence: Licence Ouverte, "ONISR,
//! fichiers BAAC").

use std::path::PathBuf;
use std::time::Instant;

use medaccess::communes::baac::{self, DeriveOptions};
use medaccess::communes::road_table::RoadTable;
use medaccess::communes::{Communes, commune_links};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(args.next().unwrap_or_else(|| "../shared/data".into()));
    let out = PathBuf::from(args.next().unwrap_or_else(|| "fixtures".into()));

    let t = Instant::now();
    let table = Communes::load_france(&data.join("communes-france"))?;
    let links = commune_links(&table, 4);
    // Neighbour pairs as indices into the table (links index the communes
    // that have an origin).
    let idx: Vec<usize> = links
        .nodes
        .iter()
        .map(|n| table.index_of(&n.insee).expect("node of the table"))
        .collect();
    let neighbours: Vec<(usize, usize)> = links.pairs.iter().map(|&(a, b)| (idx[a], idx[b])).collect();
    eprintln!("communes and neighbours: {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let acc = baac::read_accidents(&data.join("road-accidents-baac/accidents.csv.gz"))?;
    eprintln!("read {} accidents: {:.1} s", acc.len(), t.elapsed().as_secs_f64());
    let t = Instant::now();
    let (roads, rep) = baac::derive(&acc, &table, &neighbours, &DeriveOptions::default());
    eprintln!("derived: {:.1} s", t.elapsed().as_secs_f64());
    println!("{}", serde_json::to_string_pretty(&rep)?);
    let files = roads.write(&out)?;
    for f in &files {
        println!("{:>10}  {}", std::fs::metadata(f)?.len(), f.display());
    }
    let back = RoadTable::read(&out)?;
    anyhow::ensure!(back == roads, "the written table does not read back equal");

    let name = |insee: &str| {
        table
            .get(insee)
            .map_or(insee.to_string(), |c| format!("{} {}", insee, c.name))
    };
    for (road, dep) in [
        ("N134", Some("64")),
        ("A64", None),
        ("D817", Some("64")),
        ("N117", Some("64")),
    ] {
        let on = roads.communes_on(road, dep);
        let mut lines: Vec<String> = on.iter().map(|c| name(c)).collect();
        lines.truncate(60);
        println!("{road} ({} communes): {}", on.len(), lines.join(", "));
        for r in roads
            .roads
            .iter()
            .filter(|r| r.road.to_string() == road && dep.is_none_or(|d| r.insee.starts_with(d)))
            .take(40)
        {
            print!(
                "{}:{}:{}-{} ",
                r.insee,
                r.class.as_str(),
                r.first_year,
                r.last_year
            );
        }
        println!();
    }
    Ok(())
}
