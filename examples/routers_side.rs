//! medaccess's side of the router benchmark (`bench/routers/run.sh`, issue
//! 19): imports one `.osm.pbf`, picks the points every router gets, and
//! times the tasks the peers are timed on. Run by the script:
//!
//! ```text
//! cargo run --release --example routers_side -- FILE.osm.pbf OUT_DIR
//! ```
//!
//! Writes into OUT_DIR:
//! - `points.csv`: `role,index,node,lon,lat`: 1,000 origins and 50
//!   facilities at graph nodes picked by a fixed multiplicative hash (so
//!   every router snaps them to the same crossing);
//! - `ours.json`: the timings (wall seconds), the import's peak memory
//!   (VmHWM of this process, which only imported at that point), the load
//!   average, and the times in seconds (`null`: unreachable): nearest
//!   facility of each origin, the 500 × 50 matrix (origins 0..500 ×
//!   facilities), the 1,000 × 1,000 matrix (origins × origins) and the
//!   number of nodes within 30 minutes of facility 0.
//!
//! The 500 × 50 matrix is plain bounded Dijkstra from the smaller side
//! ([`matrix`]); the 1,000 × 1,000 one goes through a
//! [`ContractionHierarchy`] (build and query timed apart). The 30-minute
//! isochrone is what `medaccess isochrones` draws: the search from the
//! facility, then the travel-time grid and its band polygon.

#[path = "support/bench_record.rs"]
mod bench_record;
use bench_record::load_average;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use medaccess::planner::contours::{GridOptions, time_grid};
use medaccess::roads::{CarProfile, ReadOptions, RoadNetwork};
use medaccess::route::{BoundedSearch, ContractionHierarchy, Seed, matrix, nearest};
use medaccess::units::{NodeId, Time, UNREACHABLE, minutes};

fn peak_rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn secs(t: Time) -> String {
    if t == UNREACHABLE {
        "null".into()
    } else {
        format!("{:.1}", f64::from(t) / 10.0)
    }
}

fn json_list(times: &[Time]) -> String {
    let mut s = String::from("[");
    for (i, &t) in times.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&secs(t));
    }
    s.push(']');
    s
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [pbf, out] = args.as_slice() else {
        anyhow::bail!("usage: routers_side FILE.osm.pbf OUT_DIR");
    };
    let (pbf, out) = (PathBuf::from(pbf), PathBuf::from(out));
    std::fs::create_dir_all(&out)?;
    let load_start = load_average();
    let mut timings: Vec<(&str, f64)> = Vec::new();

    let t = Instant::now();
    let net = RoadNetwork::read_with(&pbf, &CarProfile::france(), &ReadOptions::default(), &|_, _| {})?;
    timings.push(("import", t.elapsed().as_secs_f64()));
    let import_peak = peak_rss_bytes();
    let g = &net.graph;
    let n = g.num_nodes() as u64;
    anyhow::ensure!(n > 0, "{}: no routable road", pbf.display());

    let pick = |i: u64| ((i * 2_654_435_761 + 12_345) % n) as NodeId;
    let origins: Vec<NodeId> = (0..1000).map(pick).collect();
    let facilities: Vec<NodeId> = (1000..1050).map(pick).collect();
    let mut csv = String::from("role,index,node,lon,lat\n");
    for (role, list) in [("origin", &origins), ("facility", &facilities)] {
        for (i, &v) in list.iter().enumerate() {
            let [lon, lat] = net.node_lonlat[v as usize];
            writeln!(csv, "{role},{i},{v},{lon:.7},{lat:.7}")?;
        }
    }
    std::fs::write(out.join("points.csv"), csv)?;

    let t = Instant::now();
    let labels = nearest(g.backward(), &Seed::at_nodes(&facilities), None);
    let nearest_t: Vec<Time> = origins.iter().map(|&o| labels[o as usize].time).collect();
    timings.push((
        "nearest facility of every node (50 facilities)",
        t.elapsed().as_secs_f64(),
    ));

    let t = Instant::now();
    let m500 = matrix(g, &origins[..500], &facilities, None);
    timings.push(("500 x 50 matrix", t.elapsed().as_secs_f64()));

    let t = Instant::now();
    let ch = ContractionHierarchy::new(g);
    timings.push(("hierarchy build (for 1,000 x 1,000)", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let m1000 = ch.matrix(&origins, &origins, None);
    timings.push(("1,000 x 1,000 matrix (hierarchy)", t.elapsed().as_secs_f64()));
    let check = ch.matrix(&origins[..500], &facilities, None);
    anyhow::ensure!(check == m500, "hierarchy and Dijkstra disagree on 500 x 50");

    let t = Instant::now();
    let limit = minutes(30.0);
    let mut search = BoundedSearch::new(g.num_nodes());
    search.run(g.forward(), &[(facilities[0], 0)], limit);
    let node_time: Vec<Time> = (0..g.num_nodes() as NodeId).map(|v| search.time(v)).collect();
    let reached = node_time.iter().filter(|&&t| t != UNREACHABLE).count();
    let grid = time_grid(&net, &node_time, &GridOptions::default())?;
    let bands = grid.isobands(&[30.0])?;
    timings.push((
        "30-minute isochrone of facility 0 (search, grid, polygon)",
        t.elapsed().as_secs_f64(),
    ));

    let mut j = String::from("{\n");
    writeln!(j, "  \"pbf\": {:?},", pbf.display().to_string())?;
    writeln!(j, "  \"pbf_bytes\": {},", std::fs::metadata(&pbf)?.len())?;
    writeln!(j, "  \"nodes\": {},", g.num_nodes())?;
    writeln!(j, "  \"arcs\": {},", g.num_arcs())?;
    writeln!(j, "  \"threads\": {},", rayon::current_num_threads())?;
    writeln!(j, "  \"load_start\": {load_start:?},")?;
    writeln!(j, "  \"load_end\": {:?},", load_average())?;
    writeln!(j, "  \"import_peak_bytes\": {},", import_peak.unwrap_or(0))?;
    writeln!(j, "  \"hierarchy_bytes\": {},", ch.memory_bytes())?;
    writeln!(j, "  \"isochrone_nodes\": {reached},")?;
    writeln!(
        j,
        "  \"isochrone_polygons\": {},",
        bands.iter().map(|b| b.area.0.len()).sum::<usize>()
    )?;
    j.push_str("  \"timings\": {");
    for (i, (what, s)) in timings.iter().enumerate() {
        write!(j, "{}\n    {what:?}: {s:.4}", if i > 0 { "," } else { "" })?;
    }
    j.push_str("\n  },\n");
    writeln!(j, "  \"nearest\": {},", json_list(&nearest_t))?;
    writeln!(j, "  \"m500x50\": {},", json_list(&m500.times))?;
    writeln!(j, "  \"m1000x1000\": {}", json_list(&m1000.times))?;
    j.push_str("}\n");
    std::fs::write(out.join("ours.json"), j)?;
    for (what, s) in &timings {
        eprintln!("medaccess {what}: {s:.3} s");
    }
    Ok(())
}
