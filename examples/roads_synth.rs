//! Writes a synthetic `.osm.pbf` extract:
//! `cargo run --release --example roads_synth -- OUT.osm.pbf WIDTH HEIGHT [SHAPE_NODES BUILDINGS SEED [france]]`.
//!
//! With `france` as the last argument the grid is spread over the bounding
//! box of metropolitan France with a trunk road every 64 lines
//! (`GridLayout::france`); the France-like file of 5 M routable nodes is
//! `roads_synth OUT 2400 2100 2 12 1 france`.
use medaccess::roads::synthetic::{GridLayout, SyntheticExtract, write_synthetic_pbf_in};

fn main() -> anyhow::Result<()> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: u64| -> anyhow::Result<u64> {
        Ok(a.get(i).map(|s| s.parse()).transpose()?.unwrap_or(d))
    };
    let out = a
        .first()
        .ok_or_else(|| anyhow::anyhow!("usage: roads_synth OUT W H [S B SEED]"))?;
    let o = SyntheticExtract {
        width: num(1, 100)? as u32,
        height: num(2, 100)? as u32,
        shape_nodes: num(3, 3)? as u32,
        buildings: num(4, 2)? as u32,
        seed: num(5, 1)?,
    };
    let t = std::time::Instant::now();
    let layout = match a.get(6).map(String::as_str) {
        None => GridLayout::default(),
        Some("france") => GridLayout::france(o.width, o.height),
        Some(other) => anyhow::bail!("unknown layout {other:?}: the only one is `france`"),
    };
    let s = write_synthetic_pbf_in(out.as_ref(), &o, &layout)?;
    println!(
        "{out}: {} bytes, {} nodes, {} ways ({} roads) in {:.1}s",
        s.bytes,
        s.nodes,
        s.ways,
        s.road_ways,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
