//! Converts the Corsica road network (`../shared/data/osm-fr-corse`, an
//! OpenStreetMap-derived MATSim network flattened to CSV) into an OSM PBF
//! that OSRM, Valhalla and medaccess all read, for the side-by-side
//! benchmark of `bench/routers` (issue 19).
//!
//! ```text
//! cargo run --release --example corsica_pbf -- ../shared/data/osm-fr-corse target/routers/corsica.osm.pbf
//! ```
//!
//! Every link that allows `car` becomes a way of two nodes (the source
//! keeps no shape points between OSM nodes) with the OSM node ids and
//! positions of `corsica_nodes.csv.gz` (its few public-transport stops,
//! ids like `pt_STP-…`, are no OSM nodes and no car link uses them). A pair of links in both directions
//! between the same nodes becomes one two-way way; a link without its
//! reverse becomes a way tagged `oneway=yes`. Tags: `highway` (the OSM
//! class), `junction` and `name` when the source has them, and `maxspeed`
//! where known. pt2matsim, which made the network, gives a way without a
//! `maxspeed` the default speed of its class; that default is the most
//! common `freespeed` of the class (secondary 30, tertiary 25, residential
//! 15 km/h…), so a link is given `maxspeed` only when its `freespeed`
//! differs from its class's most common one. The rule misses a real
//! `maxspeed` equal to that default (e.g. `primary` at 80 km/h, which is
//! also the French rural limit our profile and the peers apply to
//! primaries). Way ids count from 1 in link order; the file is the same
//! bytes on every run.
//!
//! Data © OpenStreetMap contributors (ODbL 1.0), via eqasim's Corsica
//! scenario (see the folder's PROVENANCE.md).

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use flate2::read::GzDecoder;
use medaccess::roads::synthetic::PbfWriter;

struct Link {
    from: i64,
    to: i64,
    freespeed_kmh: f64,
    highway: String,
    name: String,
    junction: String,
}

fn reader(path: &Path) -> anyhow::Result<csv::Reader<GzDecoder<File>>> {
    let f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    Ok(csv::Reader::from_reader(GzDecoder::new(f)))
}

fn column(headers: &csv::StringRecord, name: &str, path: &Path) -> anyhow::Result<usize> {
    headers
        .iter()
        .position(|h| h == name)
        .with_context(|| format!("{}: no column {name}", path.display()))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, out] = args.as_slice() else {
        bail!("usage: corsica_pbf DATA_DIR(osm-fr-corse) OUT.osm.pbf");
    };
    let dir = PathBuf::from(dir);

    let nodes_path = dir.join("corsica_nodes.csv.gz");
    let mut r = reader(&nodes_path)?;
    let h = r.headers()?.clone();
    let (ci, cla, clo) = (
        column(&h, "node_id", &nodes_path)?,
        column(&h, "lat", &nodes_path)?,
        column(&h, "lon", &nodes_path)?,
    );
    let mut nodes: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
    for (line, rec) in r.records().enumerate() {
        let rec = rec?;
        let parse = |i: usize| -> anyhow::Result<f64> {
            rec[i].parse().with_context(|| {
                format!(
                    "{} record {}: bad number {:?}",
                    nodes_path.display(),
                    line + 1,
                    &rec[i]
                )
            })
        };
        // Public-transport stops (`pt_…`) are no OSM nodes and no car
        // link uses them.
        let Ok(id) = rec[ci].parse::<i64>() else {
            continue;
        };
        nodes.insert(id, (parse(clo)?, parse(cla)?));
    }

    let links_path = dir.join("corsica_links.csv.gz");
    let mut r = reader(&links_path)?;
    let h = r.headers()?.clone();
    let col = |c: &str| column(&h, c, &links_path);
    let (cf, ct, cs, cm) = (
        col("from_node")?,
        col("to_node")?,
        col("freespeed_kmh")?,
        col("modes")?,
    );
    let (ch, cn, cj) = (col("highway")?, col("name")?, col("junction")?);
    let mut links = Vec::new();
    for (line, rec) in r.records().enumerate() {
        let rec = rec?;
        if !rec[cm].split(',').any(|m| m == "car") || rec[ch].is_empty() {
            continue;
        }
        let bad = |what: &str| format!("{} record {}: bad {what}", links_path.display(), line + 1);
        let link = Link {
            from: rec[cf].parse().with_context(|| bad("from_node"))?,
            to: rec[ct].parse().with_context(|| bad("to_node"))?,
            freespeed_kmh: rec[cs].parse().with_context(|| bad("freespeed_kmh"))?,
            highway: rec[ch].to_string(),
            name: rec[cn].to_string(),
            junction: rec[cj].to_string(),
        };
        for n in [link.from, link.to] {
            if !nodes.contains_key(&n) {
                bail!(
                    "{} record {}: node {n} not in {}",
                    links_path.display(),
                    line + 1,
                    nodes_path.display()
                );
            }
        }
        if link.from != link.to {
            links.push(link);
        }
    }

    // The most common freespeed of each class: pt2matsim's default for it.
    let mut counts: BTreeMap<(&str, u64), usize> = BTreeMap::new();
    for l in &links {
        *counts.entry((&l.highway, l.freespeed_kmh.to_bits())).or_default() += 1;
    }
    let mut default_of: HashMap<&str, (usize, f64)> = HashMap::new();
    for (&(class, bits), &c) in &counts {
        let e = default_of.entry(class).or_insert((0, 0.0));
        if c > e.0 {
            *e = (c, f64::from_bits(bits));
        }
    }

    // One two-way way per pair of opposite links, else a one-way way.
    let mut by_pair: HashMap<(i64, i64), usize> = HashMap::new();
    for (i, l) in links.iter().enumerate() {
        by_pair.entry((l.from, l.to)).or_insert(i);
    }
    let mut used = vec![false; links.len()];
    let mut w = PbfWriter::new(BufWriter::new(File::create(out)?), None)?;
    for (&id, &(lon, lat)) in &nodes {
        w.node(id, lon, lat)?;
    }
    let (mut ways, mut oneway, mut with_speed) = (0u64, 0u64, 0u64);
    for (i, l) in links.iter().enumerate() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let reverse = by_pair
            .get(&(l.to, l.from))
            .copied()
            .filter(|&j| !used[j] && links[j].highway == l.highway);
        if let Some(j) = reverse {
            used[j] = true;
        }
        let mut tags = vec![("highway".to_string(), l.highway.clone())];
        if (default_of[l.highway.as_str()].1 - l.freespeed_kmh).abs() > 1e-9 {
            tags.push(("maxspeed".into(), format!("{}", l.freespeed_kmh.round())));
            with_speed += 1;
        }
        if reverse.is_none() {
            tags.push(("oneway".into(), "yes".into()));
            oneway += 1;
        }
        if !l.junction.is_empty() {
            tags.push(("junction".into(), l.junction.clone()));
        }
        if !l.name.is_empty() {
            tags.push(("name".into(), l.name.clone()));
        }
        ways += 1;
        w.way(ways as i64, vec![l.from, l.to], tags)?;
    }
    let (_, bytes) = w.finish()?;
    println!(
        "{out}: {} nodes, {ways} ways ({oneway} one-way, {with_speed} with maxspeed) from {} car links, {bytes} bytes",
        nodes.len(),
        links.len()
    );
    Ok(())
}
