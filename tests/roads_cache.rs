//! The road graph cache: reused when valid, rebuilt otherwise, never read
//! into a wrong answer.

mod common;

use std::path::{Path, PathBuf};

use medaccess::roads::{CarProfile, load_or_build};

use common::{SBH, SBL, tmp};

/// A fresh scratch folder.
fn scratch(name: &str) -> PathBuf {
    tmp(&format!("roads-{name}"))
}

#[test]
fn reused_rebuilt_and_keyed() {
    let dir = scratch("cache");
    let input = dir.join("island.osm.pbf");
    std::fs::copy(SBH, &input).unwrap();
    let cache = dir.join("cache");
    let p = CarProfile::france();
    let (built, o1) = load_or_build(&input, &p, &cache, &|_, _| {}).unwrap();
    assert!(!o1.hit && o1.warnings.is_empty() && o1.path.exists());
    let (hit, o2) = load_or_build(&input, &p, &cache, &|_, _| {}).unwrap();
    assert!(o2.hit && o2.warnings.is_empty());
    assert_eq!(o2.path, o1.path);
    assert_eq!(hit, built);

    // Another profile: another key, another file.
    let mut slow = p.clone();
    slow.name = "car-slow".into();
    slow.class_kmh.iter_mut().for_each(|c| c.1 /= 2.0);
    let (s, o3) = load_or_build(&input, &slow, &cache, &|_, _| {}).unwrap();
    assert!(!o3.hit && o3.path != o1.path);
    assert_ne!(s.graph, built.graph);

    // Changed input: another key.
    std::fs::copy(SBL, &input).unwrap();
    let (other, o4) = load_or_build(&input, &p, &cache, &|_, _| {}).unwrap();
    assert!(!o4.hit && o4.path != o1.path);
    assert_ne!(other.graph, built.graph);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn corrupt_then_load(dir: &Path, input: &Path, cache: &Path, mutate: impl Fn(&mut Vec<u8>)) {
    let p = CarProfile::france();
    let (good, o) = load_or_build(input, &p, cache, &|_, _| {}).unwrap();
    let mut bytes = std::fs::read(&o.path).unwrap();
    mutate(&mut bytes);
    std::fs::write(&o.path, &bytes).unwrap();
    let (net, o2) = load_or_build(input, &p, cache, &|_, _| {}).unwrap();
    assert!(!o2.hit, "a corrupt cache must not be used ({})", dir.display());
    assert_eq!(o2.warnings.len(), 1, "{:?}", o2.warnings);
    assert!(o2.warnings[0].contains("rebuilding"), "{:?}", o2.warnings);
    assert_eq!(net, good);
    // ... and the rebuilt cache is good again.
    let (_, o3) = load_or_build(input, &p, cache, &|_, _| {}).unwrap();
    assert!(o3.hit && o3.warnings.is_empty());
}

#[test]
fn corrupt_cache_is_rebuilt_with_a_warning() {
    let dir = scratch("corrupt");
    let input = dir.join("island.osm.pbf");
    std::fs::copy(SBH, &input).unwrap();
    let cache = dir.join("cache");
    // A flipped byte anywhere: in the header, the metadata, the adjacency.
    for at in [3usize, 20, 40, 200, 5_000, 30_000] {
        corrupt_then_load(&dir, &input, &cache, |b| {
            let i = at.min(b.len() - 1);
            b[i] ^= 0x5a;
        });
    }
    // Truncated, emptied, replaced by text.
    corrupt_then_load(&dir, &input, &cache, |b| b.truncate(b.len() / 2));
    corrupt_then_load(&dir, &input, &cache, |b| b.clear());
    corrupt_then_load(&dir, &input, &cache, |b| *b = b"not a cache\n".to_vec());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A link table is two files: changing its nodes file changes the cache key,
/// so a cached graph with old positions is never reused.
#[test]
fn link_table_cache_key_covers_the_nodes_file() {
    let dir = scratch("linkkey");
    let links = dir.join("t_links.csv");
    let nodes = dir.join("t_nodes.csv");
    std::fs::write(
        &links,
        "link_id,from_node,to_node,length_m,freespeed_kmh,modes,highway\n1,1,2,100,50,car,primary\n",
    )
    .unwrap();
    std::fs::write(&nodes, "node_id,lat,lon\n1,42.0,9.0\n2,42.001,9.0\n").unwrap();
    let profile = medaccess::roads::CarProfile::france();
    let k1 = medaccess::roads::cache::cache_key(&links, &profile).unwrap();
    std::fs::write(&nodes, "node_id,lat,lon\n1,42.3,9.0\n2,42.301,9.0\n").unwrap();
    let k2 = medaccess::roads::cache::cache_key(&links, &profile).unwrap();
    assert_ne!(k1, k2);
    std::fs::remove_dir_all(&dir).unwrap();
}
