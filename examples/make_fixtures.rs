//! Writes the commune fixtures shipped in `fixtures/` from the
//! `communes-france` extract and the road table already in `fixtures/`
//! (made by `make_road_table`), and prints what it measured.
//!
//! ```text
//! cargo run --release --example make_fixtures -- [DATA_DIR] [OUT_DIR]
//! ```
//! Defaults: `../shared/data/communes-france` and `fixtures`.

use std::path::PathBuf;
use std::time::Instant;

use medaccess::communes::road_table::RoadTable;
use medaccess::communes::{CommuneProfile, Communes, RoadLinkOptions, commune_links, fixtures, road_links};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/data/communes-france".into()),
    );
    let out = PathBuf::from(args.next().unwrap_or_else(|| "fixtures".into()));

    let t = Instant::now();
    let table = Communes::load_france(&data)?;
    eprintln!(
        "load table + polygons + origins: {:.2} s, {} communes",
        t.elapsed().as_secs_f64(),
        table.len(),
    );
    for (s, n) in table.origin_counts() {
        eprintln!("  origin {:<20} {n}", s.as_str());
    }
    let t = Instant::now();
    let mut links = commune_links(&table, CommuneProfile::default().no_polygon_neighbours());
    eprintln!(
        "neighbour links: {:.2} s, {} pairs, {} point-only contacts",
        t.elapsed().as_secs_f64(),
        links.pairs.len(),
        links.point_contacts
    );
    let t = Instant::now();
    let roads = RoadTable::read(&out)?;
    let (rl, rep) = road_links(&links, &roads, &RoadLinkOptions::default());
    links.roads = Some(rl);
    eprintln!("road links: {:.2} s", t.elapsed().as_secs_f64());
    println!("{}", serde_json::to_string_pretty(&rep)?);
    for profile in [CommuneProfile::v1(), CommuneProfile::default()] {
        let t = Instant::now();
        let g = links.graph(&profile)?;
        eprintln!(
            "profile {}: graph in {:.2} s, {} nodes ({} road points), {} edges, {} components, {} isolated",
            profile.version(),
            t.elapsed().as_secs_f64(),
            g.graph.num_nodes(),
            g.road_points.len(),
            g.num_edges(),
            g.components().len(),
            g.isolated.len()
        );
        for (a, b) in [
            ("64445", "64422"),
            ("64445", "64102"),
            ("64430", "64445"),
            ("64104", "64445"),
            ("64316", "64445"),
            ("75056", "69123"),
            ("33063", "64445"),
            ("21501", "21231"),
        ] {
            let (Some(i), Some(j)) = (g.node_of(a), g.node_of(b)) else {
                continue;
            };
            let t = medaccess::route::one_to_all(g.graph.forward(), i)[j as usize];
            eprintln!(
                "  {} -> {}: {:.0} min",
                g.nodes[i as usize].name,
                g.nodes[j as usize].name,
                t as f64 / 600.0
            );
        }
    }
    let t = Instant::now();
    let rep = fixtures::make_fixtures(&data, &out)?;
    eprintln!(
        "make_fixtures (reload + rebuild + write): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    for profile in [CommuneProfile::v1(), CommuneProfile::default()] {
        let t = Instant::now();
        let back = fixtures::load_fixture_graph_with(&out, &profile)?;
        eprintln!(
            "read fixture links with profile {}: {:.2} s, {} nodes, {} arcs",
            profile.version(),
            t.elapsed().as_secs_f64(),
            back.graph.num_nodes(),
            back.graph.num_arcs()
        );
    }
    let t = Instant::now();
    let pyr = fixtures::load_fixture_communes(&out, &fixtures::POLYGON_DEPS)?;
    eprintln!(
        "read fixture polygons (64, 40, 65, 32): {:.2} s, {} communes",
        t.elapsed().as_secs_f64(),
        pyr.len()
    );
    let _ = rep.graph;
    for (f, n) in &rep.files {
        println!("{n:>10}  {}", f.display());
    }
    Ok(())
}
