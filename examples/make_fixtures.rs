//! Writes the commune fixtures shipped in `fixtures/` from the
//! `communes-france` extract, and prints what it measured.
//!
//! ```text
//! cargo run --release --example make_fixtures -- [DATA_DIR] [OUT_DIR]
//! ```
//! Defaults: `../shared/data/communes-france` and `fixtures`.

use std::path::PathBuf;
use std::time::Instant;

use medaccess::communes::{CommuneProfile, Communes, build_commune_graph, fixtures};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/data/communes-france".into()),
    );
    let out = PathBuf::from(args.next().unwrap_or_else(|| "fixtures".into()));
    let profile = CommuneProfile::default();

    let t = Instant::now();
    let table = Communes::load_france(&data)?;
    eprintln!(
        "load table + polygons + origins: {:.2} s, {} communes",
        t.elapsed().as_secs_f64(),
        table.len()
    );
    for (s, n) in table.origin_counts() {
        eprintln!("  origin {:<20} {n}", s.as_str());
    }
    let t = Instant::now();
    let g = build_commune_graph(&table, &profile)?;
    eprintln!(
        "build graph: {:.2} s, {} nodes, {} edges ({} arcs), {} point-only contacts",
        t.elapsed().as_secs_f64(),
        g.graph.num_nodes(),
        g.num_edges(),
        g.graph.num_arcs(),
        g.point_contacts
    );
    eprintln!("isolated ({}):", g.isolated.len());
    for &v in &g.isolated {
        let n = &g.nodes[v as usize];
        eprintln!("  {} {} ({})", n.insee, n.name, n.dep);
    }
    let comps = g.components();
    eprintln!("components: {} (largest {})", comps.len(), comps[0].len());
    for c in comps.iter().skip(1).filter(|c| c.len() > 1) {
        let names: Vec<String> = c
            .iter()
            .map(|&v| format!("{} {}", g.nodes[v as usize].insee, g.nodes[v as usize].name))
            .collect();
        eprintln!("  {} communes: {}", c.len(), names.join(", "));
    }
    eprintln!(
        "estimated (no polygon): {:?}",
        g.estimated
            .iter()
            .map(|&v| &g.nodes[v as usize].insee)
            .collect::<Vec<_>>()
    );
    eprintln!("missing (no point): {:?}", g.missing);

    for (a, b) in [
        ("64445", "64422"),
        ("64445", "64102"),
        ("64422", "64102"),
        ("64430", "64445"),
        ("64493", "64102"),
        ("64485", "64102"),
        ("64371", "64493"),
        ("75056", "69123"),
        ("33063", "64445"),
    ] {
        let (Some(i), Some(j)) = (g.node_of(a), g.node_of(b)) else {
            continue;
        };
        let t = medaccess::route::one_to_all(g.graph.forward(), i)[j as usize];
        eprintln!(
            "{} -> {}: {:.0} min",
            g.nodes[i as usize].name,
            g.nodes[j as usize].name,
            t as f64 / 600.0
        );
    }
    let t = Instant::now();
    let rep = fixtures::make_fixtures(&data, &out, &profile)?;
    eprintln!(
        "make_fixtures (reload + rebuild + write): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let back = fixtures::load_fixture_graph(&out)?;
    eprintln!(
        "read fixture graph: {:.2} s, {} nodes",
        t.elapsed().as_secs_f64(),
        back.nodes.len()
    );
    let t = Instant::now();
    let pyr = fixtures::load_fixture_communes(&out, &fixtures::POLYGON_DEPS)?;
    eprintln!(
        "read fixture polygons (64, 40, 65, 32): {:.2} s, {} communes",
        t.elapsed().as_secs_f64(),
        pyr.len()
    );
    for (f, n) in &rep.files {
        println!("{n:>10}  {}", f.display());
    }
    Ok(())
}
