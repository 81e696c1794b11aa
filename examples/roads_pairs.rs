//! Drive times between random pairs of graph nodes, for the cross-check in
//! bench/crosscheck: `cargo run --release --example roads_pairs -- FILE PAIRS SEED`
//! prints `from_osm,to_osm,seconds` for PAIRS pairs (20 origins).
//!
//! The winding-road correction is off: OSMnx drives every road at its class
//! speed, so the cross-check compares like with like.
use medaccess::roads::{CarProfile, RoadNetwork};
use medaccess::route::one_to_all;
use rand::{Rng, SeedableRng};

fn main() -> anyhow::Result<()> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let file = a
        .first()
        .ok_or_else(|| anyhow::anyhow!("usage: roads_pairs FILE PAIRS SEED"))?;
    let pairs: usize = a.get(1).map(|s| s.parse()).transpose()?.unwrap_or(300);
    let seed: u64 = a.get(2).map(|s| s.parse()).transpose()?.unwrap_or(1);
    let net = RoadNetwork::read(file.as_ref(), &CarProfile::france().without_winding(), &|_, _| {})?;
    let n = net.graph.num_nodes() as u32;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let origins = 20usize.min(pairs);
    println!("from_osm,to_osm,seconds");
    for o in 0..origins {
        let src = rng.random_range(0..n);
        let times = one_to_all(net.graph.forward(), src);
        let k = pairs / origins + usize::from(o < pairs % origins);
        for _ in 0..k {
            let dst = rng.random_range(0..n);
            println!(
                "{},{},{:.1}",
                net.node_osm_id[src as usize],
                net.node_osm_id[dst as usize],
                times[dst as usize] as f64 / 10.0
            );
        }
    }
    Ok(())
}
