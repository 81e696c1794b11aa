//! Prints what the importer makes of a road network file:
//! `cargo run --release --example roads_info -- FILE [DUMP]`.
//!
//! With `DUMP`, the network is also written there as a graph cache file, so
//! that two builds of the importer can be compared byte for byte (`cmp`).
use medaccess::roads::cache::write_cache;
use medaccess::roads::{CarProfile, RoadNetwork};

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: roads_info FILE"))?;
    let t = std::time::Instant::now();
    // MEDACCESS_PROGRESS=1 prints the progress callback's calls with times.
    let trace = std::env::var_os("MEDACCESS_PROGRESS").is_some();
    let net = RoadNetwork::read(path.as_ref(), &CarProfile::france(), &|done, total| {
        if trace {
            eprintln!("{:.2}s {done}/{total}", t.elapsed().as_secs_f64());
        }
    })?;
    let info = &net.info;
    println!(
        "engine={} timestamp={:?} profile={} seconds={:.3}",
        info.engine.as_str(),
        info.timestamp,
        info.profile,
        t.elapsed().as_secs_f64()
    );
    println!("{}", serde_json::to_string_pretty(&info.report)?);
    if let Some(dump) = std::env::args().nth(2) {
        write_cache(dump.as_ref(), &net, "roads_info")?;
    }
    Ok(())
}
