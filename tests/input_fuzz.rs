//! Fuzz-style harness over every input reader (issue 16, point 7): each
//! reader's fixture is mutated and cut with a fixed seed, and every case
//! must end in `Ok` or in an error that names the file, never in a panic
//! or a hang. One test per reader family (they run in parallel); each
//! writes its counts to `target/tmp/input-fuzz/<reader>.txt`, which
//! `.ci/run` prints.
//!
//! Mutations: cuts at a random byte, cuts right after a `>` or a line end
//! (files that still look whole), bit flips, random bytes, a random block
//! overwritten, lines deleted, duplicated or swapped, numbers replaced by
//! hostile values (NaN, inf, 1e308, -1, 18446744073709551615…), separators
//! and quotes inserted, invalid UTF-8; binary graph files are also mutated
//! with their checksum recomputed, as a careless edit would leave them.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use medaccess::Error;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Cases per reader: 20 readers make 6,000 cases in the fresh-machine
/// suite, 60,000 in the full suite (`--features full-suite`).
const CASES: u64 = if cfg!(feature = "full-suite") { 3000 } else { 300 };

/// No single case may take longer (a hang or a runaway allocation shows).
const MAX_CASE: Duration = Duration::from_secs(10);

const HOSTILE: &[&str] = &[
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "1e400",
    "-1",
    "0",
    "-0",
    "18446744073709551615",
    "99999999999999999999999999",
    "",
    " ",
    "\"",
    ";",
    ",",
    "\t",
    "\u{feff}",
    "é",
    "\u{0}",
    "<",
    ">",
    "&amp",
    "2A",
    "0.000001",
    "4294967296",
    "-2147483649",
];

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

fn lines(b: &[u8]) -> Vec<&[u8]> {
    b.split_inclusive(|&c| c == b'\n').collect()
}

/// One seeded mutation of `b`; `text` allows the line- and token-aware ones.
fn mutate(b: &[u8], rng: &mut ChaCha8Rng, text: bool) -> Vec<u8> {
    let n = b.len().max(1);
    let kinds = if text { 12 } else { 6 };
    let mut out = b.to_vec();
    match rng.random_range(0..kinds) {
        0 => out.truncate(rng.random_range(0..n)),
        1 => {
            for _ in 0..rng.random_range(1..9) {
                if !out.is_empty() {
                    let i = rng.random_range(0..out.len());
                    out[i] ^= 1 << rng.random_range(0..8);
                }
            }
        }
        2 => {
            if !out.is_empty() {
                let i = rng.random_range(0..out.len());
                out[i] = rng.random();
            }
        }
        3 => {
            let i = rng.random_range(0..n);
            let len = rng.random_range(1..64).min(out.len().saturating_sub(i));
            for x in &mut out[i..i + len] {
                *x = if rng.random_bool(0.5) { 0 } else { rng.random() };
            }
        }
        4 => {
            // a cut that ends on a structure boundary: after `>`, `\n`, `}` or `,`
            let ends: Vec<usize> = (0..out.len())
                .filter(|&i| matches!(out[i], b'>' | b'\n' | b'}' | b','))
                .collect();
            if !ends.is_empty() {
                out.truncate(ends[rng.random_range(0..ends.len())] + 1);
            }
        }
        5 => {
            let i = rng.random_range(0..n).min(out.len());
            let junk: Vec<u8> = (0..rng.random_range(1..16)).map(|_| rng.random()).collect();
            out.splice(i..i, junk);
        }
        6 => {
            let mut ls = lines(b);
            if ls.len() > 1 {
                ls.remove(rng.random_range(1..ls.len()));
            }
            out = ls.concat();
        }
        7 => {
            let mut ls = lines(b);
            if !ls.is_empty() {
                let i = rng.random_range(0..ls.len());
                ls.insert(i, ls[i]);
            }
            out = ls.concat();
        }
        8 => {
            let mut ls = lines(b);
            if ls.len() > 2 {
                let (i, j) = (rng.random_range(0..ls.len()), rng.random_range(0..ls.len()));
                ls.swap(i, j);
            }
            out = ls.concat();
        }
        9 | 10 => {
            // a number (or a run of word characters) replaced by a hostile value
            let starts: Vec<usize> = (0..out.len())
                .filter(|&i| {
                    out[i].is_ascii_alphanumeric()
                        && (i == 0 || !(out[i - 1].is_ascii_alphanumeric() || out[i - 1] == b'.'))
                })
                .collect();
            if !starts.is_empty() {
                let s = starts[rng.random_range(0..starts.len())];
                let mut e = s;
                while e < out.len()
                    && (out[e].is_ascii_alphanumeric() || matches!(out[e], b'.' | b'-' | b'+'))
                {
                    e += 1;
                }
                let h = HOSTILE[rng.random_range(0..HOSTILE.len())];
                out.splice(s..e, h.bytes());
            }
        }
        _ => {
            // a separator, quote or invalid UTF-8 inserted
            let i = rng.random_range(0..n).min(out.len());
            let ins: &[u8] = match rng.random_range(0..6) {
                0 => b";",
                1 => b",",
                2 => b"\"",
                3 => b"\xff\xfe",
                4 => b"\r\n",
                _ => b"\t",
            };
            out.splice(i..i, ins.iter().copied());
        }
    }
    out
}

/// FNV-1a 64, the checksum of medaccess graph files.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// A graph file (plain, not gzipped) mutated as a careless edit leaves it:
/// the metadata text mutated (its length field updated), or any bytes of
/// the body, then the checksum recomputed.
fn mutate_graph_file(b: &[u8], rng: &mut ChaCha8Rng) -> Vec<u8> {
    let body = &b[..b.len() - 8];
    let mut out = if rng.random_bool(0.7) && body.len() > 24 {
        let meta_len = u32::from_le_bytes(body[20..24].try_into().unwrap()) as usize;
        let meta = &body[24..24 + meta_len];
        let m = mutate(meta, rng, true);
        let mut o = body[..20].to_vec();
        o.extend_from_slice(&(m.len() as u32).to_le_bytes());
        o.extend_from_slice(&m);
        o.extend_from_slice(&body[24 + meta_len..]);
        o
    } else {
        mutate(body, rng, false)
    };
    let sum = fnv1a(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

type ReadFn = Box<dyn Fn(&Path) -> Result<(), Error>>;

/// Whether a mutation (`seed`, mutated) must be refused.
type MustRefuse = fn(&[u8], &[u8]) -> bool;

/// A reader under test: the file it reads (the one mutated), the files
/// beside it, and how it reads.
struct Subject {
    name: &'static str,
    /// File name of the mutated input.
    file: String,
    seed: Vec<u8>,
    /// Other files of the input (Shapefile sidecars, a nodes table); one of
    /// them is mutated instead in a quarter of the cases.
    beside: Vec<(String, Vec<u8>)>,
    text: bool,
    /// Mutate graph files with their checksum recomputed.
    graph_file: bool,
    /// Mutations that must be refused, never read (`seed`, mutated): a
    /// reader that returns `Ok` for one is silently wrong.
    must_refuse: Option<MustRefuse>,
    read: ReadFn,
}

/// An XML file cut before its root's closing tag (`</osm>`, `</network>`).
fn xml_cut(seed: &[u8], m: &[u8]) -> bool {
    let root_end = seed.windows(2).rposition(|w| w == b"</").unwrap_or(seed.len());
    m.len() <= root_end && seed.starts_with(m)
}

/// A gzip file cut short: its trailer (CRC and size) is missing.
fn gzip_cut(seed: &[u8], m: &[u8]) -> bool {
    m.len() < seed.len() && seed.starts_with(m)
}

/// A graph file whose checksum no longer matches its bytes.
fn checksum_broken(_seed: &[u8], m: &[u8]) -> bool {
    m.len() < 8 || fnv1a(&m[..m.len() - 8]).to_le_bytes() != m[m.len() - 8..]
}

#[derive(Default, Debug)]
struct Stats {
    ok: u64,
    clear: u64,
    unclear: Vec<String>,
    panics: Vec<String>,
    /// Mutations that had to be refused and were read.
    silent: Vec<String>,
    /// How many mutations had to be refused.
    must: u64,
    slowest: Duration,
}

fn fuzz(s: Subject) {
    let dir = std::env::temp_dir().join(format!("medaccess-fuzz-{}-{}", s.name, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(&s.file);
    // the untouched input must read
    let write_all = |main: &[u8], beside: &[(String, Vec<u8>)]| {
        std::fs::write(&path, main).unwrap();
        for (n, b) in beside {
            std::fs::write(dir.join(n), b).unwrap();
        }
    };
    write_all(&s.seed, &s.beside);
    if let Err(e) = (s.read)(&path) {
        panic!("{}: the unmutated fixture must read: {e}", s.name);
    }
    let names: Vec<String> = std::iter::once(s.file.clone())
        .chain(s.beside.iter().map(|b| b.0.clone()))
        .collect();
    let mut st = Stats::default();
    let t0 = Instant::now();
    for case in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(case);
        let mut beside = s.beside.clone();
        let main = if !beside.is_empty() && rng.random_bool(0.25) {
            let k = rng.random_range(0..beside.len());
            beside[k].1 = mutate(&beside[k].1, &mut rng, s.text);
            s.seed.clone()
        } else if s.graph_file && rng.random_bool(0.5) {
            mutate_graph_file(&s.seed, &mut rng)
        } else {
            mutate(&s.seed, &mut rng, s.text)
        };
        write_all(&main, &beside);
        let must = s.must_refuse.is_some_and(|f| f(&s.seed, &main));
        st.must += u64::from(must);
        let t = Instant::now();
        let r = catch_unwind(AssertUnwindSafe(|| (s.read)(&path)));
        let took = t.elapsed();
        st.slowest = st.slowest.max(took);
        assert!(took < MAX_CASE, "{} case {case} took {took:?}", s.name);
        match r {
            Ok(Ok(())) if must => st
                .silent
                .push(format!("case {case}: read although it must be refused")),
            Ok(Ok(())) => st.ok += 1,
            Ok(Err(e)) => {
                let m = e.to_string();
                if names.iter().any(|n| m.contains(n.as_str())) {
                    st.clear += 1;
                } else {
                    st.unclear.push(format!("case {case}: {m}"));
                }
            }
            Err(p) => {
                let m = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                st.panics.push(format!("case {case}: {m}"));
            }
        }
    }
    let report = format!(
        "{:<22} {CASES} cases: {} read, {} refused with an error naming the file ({} of them broken beyond doubt: cut or checksum wrong), {} unclear errors, {} read silently, {} panics; slowest case {:.1} ms; {:.2} s in all",
        s.name,
        st.ok,
        st.clear,
        st.must,
        st.unclear.len(),
        st.silent.len(),
        st.panics.len(),
        st.slowest.as_secs_f64() * 1e3,
        t0.elapsed().as_secs_f64()
    );
    eprintln!("{report}");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("input-fuzz");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(format!("{}.txt", s.name)), format!("{report}\n")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(st.panics.is_empty(), "{}: panics: {:#?}", s.name, st.panics);
    assert!(
        st.silent.is_empty(),
        "{}: read silently: {:#?}",
        s.name,
        st.silent
    );
    assert!(
        st.unclear.is_empty(),
        "{}: errors that do not name the file: {:#?}",
        s.name,
        &st.unclear[..st.unclear.len().min(20)]
    );
}

fn text_subject(name: &'static str, file: &str, seed: Vec<u8>, read: ReadFn) -> Subject {
    Subject {
        name,
        file: file.into(),
        seed,
        beside: vec![],
        text: true,
        graph_file: false,
        must_refuse: None,
        read,
    }
}

fn head(path: &Path, n: usize) -> Vec<u8> {
    let b = std::fs::read(path).unwrap();
    lines(&b).into_iter().take(n).collect::<Vec<_>>().concat()
}

fn roads(opts: medaccess::roads::ReadOptions) -> ReadFn {
    Box::new(move |p| {
        medaccess::roads::RoadNetwork::read_with(
            p,
            &medaccess::roads::CarProfile::france(),
            &opts,
            &|_, _| {},
        )
        .map(|_| ())
    })
}

/// Town halls of the shipped commune table, for the facility readers.
fn town_halls() -> impl Fn(&str) -> Option<[f64; 2]> + 'static {
    let t = medaccess::communes::fixtures::load_fixture_table(&medaccess::communes::fixtures::default_dir())
        .unwrap();
    move |insee: &str| {
        t.binary_search_by(|c| c.insee.as_str().cmp(insee))
            .ok()
            .map(|i| [t[i].lon, t[i].lat])
    }
}

// --------------------------------------------------------------- roads

#[test]
fn osm_xml() {
    let seed = std::fs::read(fixture("osm/tiny.osm")).unwrap();
    let mut s = text_subject("osm-xml", "tiny.osm", seed, roads(Default::default()));
    s.must_refuse = Some(xml_cut);
    fuzz(s);
}

fn gzip(b: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

#[test]
fn osm_xml_gzipped() {
    let seed = gzip(&std::fs::read(fixture("osm/tiny.osm")).unwrap());
    fuzz(Subject {
        name: "osm-xml-gz",
        file: "tiny.osm.gz".into(),
        seed,
        beside: vec![],
        text: false,
        graph_file: false,
        must_refuse: Some(gzip_cut),
        read: roads(Default::default()),
    });
}

#[test]
fn osm_pbf() {
    fuzz(Subject {
        name: "osm-pbf",
        file: "sbh.osm.pbf".into(),
        seed: std::fs::read(fixture("osm/saint_barthelemy.osm.pbf")).unwrap(),
        beside: vec![],
        text: false,
        graph_file: false,
        must_refuse: None,
        read: roads(Default::default()),
    });
}

/// Protobuf varint at `b[*i..]`.
fn varint(b: &[u8], i: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let x = b[*i];
        *i += 1;
        v |= u64::from(x & 0x7f) << shift;
        if x & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The same PBF with every blob stored raw instead of zlib-compressed, so
/// that mutations reach the block decoder instead of stopping at zlib's
/// checksum.
fn pbf_with_raw_blobs(pbf: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < pbf.len() {
        let hlen = u32::from_be_bytes(pbf[pos..pos + 4].try_into().unwrap()) as usize;
        let header = &pbf[pos + 4..pos + 4 + hlen];
        // BlobHeader: 1 type (bytes), 2 indexdata (bytes), 3 datasize (varint)
        let (mut i, mut kind, mut size) = (0, Vec::new(), 0usize);
        while i < header.len() {
            let key = varint(header, &mut i);
            match key {
                0x0a => {
                    let n = varint(header, &mut i) as usize;
                    kind = header[i..i + n].to_vec();
                    i += n;
                }
                0x12 => {
                    let n = varint(header, &mut i) as usize;
                    i += n;
                }
                0x18 => size = varint(header, &mut i) as usize,
                _ => panic!("unexpected BlobHeader field {key}"),
            }
        }
        let blob = &pbf[pos + 4 + hlen..pos + 4 + hlen + size];
        pos += 4 + hlen + size;
        // Blob: 1 raw, 2 raw_size, 3 zlib_data
        let (mut i, mut data) = (0, Vec::new());
        while i < blob.len() {
            let key = varint(blob, &mut i);
            match key & 7 {
                0 => {
                    varint(blob, &mut i);
                }
                2 => {
                    let n = varint(blob, &mut i) as usize;
                    let bytes = &blob[i..i + n];
                    i += n;
                    match key >> 3 {
                        1 => data = bytes.to_vec(),
                        3 => {
                            flate2::read::ZlibDecoder::new(bytes)
                                .read_to_end(&mut data)
                                .unwrap();
                        }
                        _ => {}
                    }
                }
                _ => panic!("unexpected Blob wire type"),
            }
        }
        let mut new_blob = vec![0x0a];
        put_varint(&mut new_blob, data.len() as u64);
        new_blob.extend_from_slice(&data);
        let mut new_header = vec![0x0a];
        put_varint(&mut new_header, kind.len() as u64);
        new_header.extend_from_slice(&kind);
        new_header.push(0x18);
        put_varint(&mut new_header, new_blob.len() as u64);
        out.extend_from_slice(&(new_header.len() as u32).to_be_bytes());
        out.extend_from_slice(&new_header);
        out.extend_from_slice(&new_blob);
    }
    out
}

#[test]
fn osm_pbf_raw_blobs() {
    let pbf = std::fs::read(fixture("osm/saint_barthelemy.osm.pbf")).unwrap();
    fuzz(Subject {
        name: "osm-pbf-raw",
        file: "sbh-raw.osm.pbf".into(),
        seed: pbf_with_raw_blobs(&pbf),
        beside: vec![],
        text: false,
        graph_file: false,
        must_refuse: None,
        read: roads(Default::default()),
    });
}

const MATSIM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE network SYSTEM "http://www.matsim.org/files/dtd/network_v2.dtd">
<network>
<attributes><attribute name="coordinateReferenceSystem" class="java.lang.String">EPSG:2154</attribute></attributes>
<nodes>
<node id="1" x="426000.0" y="6251000.0"/>
<node id="2" x="427000.0" y="6251000.0"/>
<node id="3" x="427000.0" y="6252000.0"/>
</nodes>
<links capperiod="01:00:00" effectivecellsize="7.5" effectivelanewidth="3.75">
<link id="10" from="1" to="2" length="1000.0" freespeed="13.9" capacity="600.0" permlanes="1.0" oneway="1" modes="car">
<attributes><attribute name="osm:way:highway" class="java.lang.String">secondary</attribute></attributes>
</link>
<link id="11" from="2" to="1" length="1000.0" freespeed="13.9" capacity="600.0" permlanes="1.0" oneway="1" modes="car"/>
<link id="12" from="2" to="3" length="1000.0" freespeed="8.3" capacity="600.0" permlanes="1.0" oneway="1" modes="car,bus"/>
<link id="13" from="3" to="2" length="1000.0" freespeed="8.3" capacity="600.0" permlanes="1.0" oneway="1" modes="car"/>
</links>
</network>
"#;

#[test]
fn matsim() {
    let mut s = text_subject("matsim", "net.xml", MATSIM.into(), roads(Default::default()));
    s.must_refuse = Some(xml_cut);
    fuzz(s);
}

#[test]
fn matsim_gzipped() {
    fuzz(Subject {
        name: "matsim-gz",
        file: "net.xml.gz".into(),
        seed: gzip(MATSIM.as_bytes()),
        beside: vec![],
        text: false,
        graph_file: false,
        must_refuse: Some(gzip_cut),
        read: roads(Default::default()),
    });
}

#[test]
fn link_table() {
    let links = "link_id,from_node,to_node,length_m,freespeed_kmh,modes,highway\n\
                 1,a,b,1000,50,car,secondary\n2,b,a,1000,50,car,secondary\n\
                 3,b,c,1200,30,car,residential\n4,c,b,1200,30,car,residential\n";
    let nodes = "node_id,lon,lat\na,-0.37,43.29\nb,-0.36,43.29\nc,-0.36,43.30\n";
    fuzz(Subject {
        name: "link-table",
        file: "t_links.csv".into(),
        seed: links.into(),
        beside: vec![("t_nodes.csv".into(), nodes.into())],
        text: true,
        graph_file: false,
        must_refuse: None,
        read: roads(Default::default()),
    });
}

#[test]
fn link_table_custom_columns() {
    let opts = medaccess::roads::ReadOptions {
        link_columns: medaccess::roads::LinkColumns::parse(
            "id=ID,from=DEBUT,to=FIN,length=LONG_M,speed=KMH,oneway=SENS_UNIQUE,class=TYPE,geometry=WKT",
        )
        .unwrap(),
        epsg: Some(2154),
        ..Default::default()
    };
    let seed = std::fs::read(fixture("roads/custom_links.csv")).unwrap();
    fuzz(text_subject(
        "link-table-wkt",
        "custom_links.csv",
        seed,
        roads(opts),
    ));
}

#[test]
fn ign_shapefile() {
    let dir = fixture("roads/bdtopo");
    let part = |ext: &str| std::fs::read(dir.join(format!("TRONCON_DE_ROUTE.{ext}"))).unwrap();
    fuzz(Subject {
        name: "ign-shapefile",
        file: "TRONCON_DE_ROUTE.shp".into(),
        seed: part("shp"),
        beside: ["dbf", "shx", "prj", "cpg"]
            .iter()
            .map(|e| (format!("TRONCON_DE_ROUTE.{e}"), part(e)))
            .collect(),
        text: false,
        graph_file: false,
        must_refuse: None,
        read: roads(Default::default()),
    });
}

#[test]
fn ign_geopackage() {
    fuzz(Subject {
        name: "ign-geopackage",
        file: "troncon.gpkg".into(),
        seed: std::fs::read(fixture("roads/bdtopo_troncon_de_route.gpkg")).unwrap(),
        beside: vec![],
        text: false,
        graph_file: false,
        must_refuse: None,
        read: roads(Default::default()),
    });
}

#[test]
fn road_cache() {
    use medaccess::roads::cache::{read_cache, write_cache};
    let net =
        medaccess::roads::read_osm_xml(&fixture("osm/tiny.osm"), &medaccess::roads::CarProfile::france())
            .unwrap();
    let p = std::env::temp_dir().join(format!("medaccess-fuzz-cache-seed-{}", std::process::id()));
    write_cache(&p, &net, "key").unwrap();
    let seed = std::fs::read(&p).unwrap();
    let _ = std::fs::remove_file(&p);
    let seed = if seed.starts_with(&[0x1f, 0x8b]) {
        gunzip(&seed)
    } else {
        seed
    };
    fuzz(Subject {
        name: "road-cache",
        file: "net.medcache".into(),
        seed,
        beside: vec![],
        text: false,
        graph_file: true,
        must_refuse: Some(checksum_broken),
        read: Box::new(|p| read_cache(p, "key").map(|_| ())),
    });
}

// ---------------------------------------------------------- facilities

#[test]
fn drees_list() {
    let seed = head(&fixture("maternites-drees.csv"), 150);
    fuzz(text_subject(
        "drees",
        "maternites.csv",
        seed,
        Box::new(|p| medaccess::facilities::MaternityList::load(p).map(|_| ())),
    ));
}

#[test]
fn finess_extract() {
    let seed = std::fs::read(fixture("finess-sample.csv")).unwrap();
    fuzz(text_subject(
        "finess",
        "finess.csv",
        seed,
        Box::new(|p| medaccess::facilities::FinessExtract::load(p).map(|_| ())),
    ));
}

#[test]
fn eurostat_positions() {
    let seed = head(&fixture("maternites-positions.csv"), 150);
    fuzz(text_subject(
        "eurostat",
        "positions.csv",
        seed,
        Box::new(|p| medaccess::facilities::PositionTable::load_eurostat(p).map(|_| ())),
    ));
}

#[test]
fn user_facilities_csv() {
    let seed = "id;name;lon;lat;insee;beds\nA;CH Pau;-0.3533;43.3241;64445;120\nB;CH Oloron;-0.6121;43.1925;64422;40\n\
                C;Clinique;-1.4756;43.4832;64102;\nD;Sans position;;;64260;10\n";
    let halls = town_halls();
    let cols = medaccess::facilities::FacilityColumns {
        commune: Some("insee".into()),
        capacity: Some("beds".into()),
        ..Default::default()
    };
    fuzz(text_subject(
        "user-facilities-csv",
        "sites.csv",
        seed.into(),
        Box::new(move |p| medaccess::facilities::load_facilities(p, &cols, &halls).map(|_| ())),
    ));
}

#[test]
fn user_facilities_geojson() {
    let seed = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"A","properties":{"id":"A","name":"CH Pau","insee":"64445"},"geometry":{"type":"Point","coordinates":[-0.3533,43.3241]}},
{"type":"Feature","properties":{"id":"B","name":"CH Oloron","insee":"64422"},"geometry":{"type":"Point","coordinates":[-0.6121,43.1925]}},
{"type":"Feature","properties":{"id":"C","name":"Sans position","insee":"64260"},"geometry":null}
]}
"#;
    let halls = town_halls();
    let cols = medaccess::facilities::FacilityColumns {
        commune: Some("insee".into()),
        ..Default::default()
    };
    fuzz(text_subject(
        "user-facilities-json",
        "sites.geojson",
        seed.into(),
        Box::new(move |p| medaccess::facilities::load_facilities(p, &cols, &halls).map(|_| ())),
    ));
}

// ------------------------------------------------------------ communes

#[test]
fn commune_points() {
    let mut seed =
        String::from("insee,name,dep,population,mairie_lon,mairie_lat,centroid_lon,centroid_lat\n");
    let t = medaccess::communes::fixtures::load_fixture_table(&medaccess::communes::fixtures::default_dir())
        .unwrap();
    for c in t.iter().filter(|c| c.dep == "64").take(40) {
        seed += &format!(
            "{},{},{},{},{},{},{},{}\n",
            c.insee,
            c.name,
            c.dep,
            c.population.unwrap_or(0),
            c.lon,
            c.lat,
            c.lon + 0.001,
            c.lat
        );
    }
    fuzz(text_subject(
        "commune-points",
        "points.csv",
        seed.into(),
        Box::new(|p| {
            medaccess::communes::Communes::from_files(p, &Default::default(), &[], 200.0).map(|_| ())
        }),
    ));
}

#[test]
fn commune_geojson() {
    let all = gunzip(&std::fs::read(fixture("polygons/dep-64.geojson.gz")).unwrap());
    let mut fc: serde_json::Value = serde_json::from_slice(&all).unwrap();
    fc["features"].as_array_mut().unwrap().truncate(12);
    // one feature per line, so that line mutations hit whole features
    let feats: Vec<String> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.to_string())
        .collect();
    let seed = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        feats.join(",\n")
    );
    fuzz(text_subject(
        "commune-geojson",
        "communes.geojson",
        seed.into(),
        Box::new(|p| {
            medaccess::communes::load::read_communes_geojson(p, &Default::default(), 200.0)?;
            medaccess::communes::load::read_polygons_geojson(p, "insee").map(|_| ())
        }),
    ));
}

#[test]
fn commune_graph_file() {
    use medaccess::communes::{CommuneGraph, fixtures, read_commune_graph, write_commune_graph};
    use medaccess::graph::{Edge, RoadGraph};
    let g = fixtures::load_fixture_graph(&fixtures::default_dir()).unwrap();
    // the communes of 64 and the links between them
    let keep: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| g.nodes[i].dep == "64")
        .take(60)
        .collect();
    let new_id = |old: u32| keep.binary_search(&(old as usize)).ok().map(|k| k as u32);
    let mut edges = Vec::new();
    for (k, &v) in keep.iter().enumerate() {
        for (w, t) in g.graph.forward().arcs(v as u32) {
            if let Some(w) = new_id(w) {
                edges.push(Edge::new(k as u32, w, t));
            }
        }
    }
    let small = CommuneGraph {
        graph: RoadGraph::from_edges(keep.len(), &edges).unwrap(),
        nodes: keep.iter().map(|&i| g.nodes[i].clone()).collect(),
        profile: g.profile,
        road_points: vec![],
        links: None,
        isolated: vec![],
        estimated: vec![],
        missing: vec![],
        point_contacts: 0,
    };
    let p = std::env::temp_dir().join(format!("medaccess-fuzz-graph-seed-{}.gz", std::process::id()));
    write_commune_graph(&p, &small).unwrap();
    let seed = gunzip(&std::fs::read(&p).unwrap());
    let _ = std::fs::remove_file(&p);
    fuzz(Subject {
        name: "commune-graph",
        file: "small.medgraph".into(),
        seed,
        beside: vec![],
        text: false,
        graph_file: true,
        must_refuse: Some(checksum_broken),
        read: Box::new(|p| read_commune_graph(p).map(|_| ())),
    });
}

// ------------------------------------------------------------------ GP

#[test]
fn bpe_supply() {
    let seed = head(&fixture("gp-bpe-d201.csv"), 120);
    fuzz(text_subject(
        "bpe",
        "bpe.csv",
        seed,
        Box::new(|p| medaccess::gp::read_bpe_d201(p).map(|_| ())),
    ));
}

#[test]
fn practitioners() {
    let seed = "nom;code_commune;lon;lat;etp\nDr A;64445;;;1\nDr B;;-0.3708;43.2946;0,8\nDr C;64422;-0.6052;43.1944;0,5\n\
                Dr D;2A004;;;1\n";
    let cols = medaccess::gp::PractitionerColumns {
        weight: Some("etp".into()),
        ..Default::default()
    };
    fuzz(text_subject(
        "practitioners",
        "gps.csv",
        seed.into(),
        Box::new(move |p| medaccess::gp::read_practitioners(p, &cols).map(|_| ())),
    ));
}

#[test]
fn demand_weights() {
    let seed = "codgeo;poids\n64445;1,05\n64422;0,97\n2A004;1\n01004;0,5\n";
    fuzz(text_subject(
        "demand-weights",
        "weights.csv",
        seed.into(),
        Box::new(|p| medaccess::gp::read_demand_weights(p, None, "poids").map(|_| ())),
    ));
}

// ------------------------------------------------------------ flag values

/// A seeded hostile flag value: tokens of [`HOSTILE`], numbers of random
/// magnitude, separators `, : = @`, joined at random.
fn flag_value(rng: &mut ChaCha8Rng, words: &[&str]) -> String {
    let mut s = String::new();
    for _ in 0..rng.random_range(1..6) {
        match rng.random_range(0..5) {
            0 => s += HOSTILE[rng.random_range(0..HOSTILE.len())],
            1 => {
                let e = rng.random_range(-6..10);
                let x = rng.random::<f64>() * 10f64.powi(e);
                s += &format!("{}", if rng.random_bool(0.2) { -x } else { x });
            }
            2 => s += words[rng.random_range(0..words.len())],
            3 => s += [",", ":", "=", "@", " ", ";"][rng.random_range(0..6)],
            _ => s += &rng.random_range(0..300u32).to_string(),
        }
    }
    s
}

/// Every parser of a flag value, with what an accepted value must satisfy:
/// `Ok` only for values in the documented range, never a panic.
#[test]
fn flag_values() {
    use medaccess::access::{Bands, MAX_MINUTES};
    use medaccess::gp::{Decay, MAX_CATCHMENT_MIN};
    use medaccess::units::minutes;
    let words = [
        "drees",
        "binary",
        "gaussian",
        "steps",
        "10=1",
        "15=0.667",
        "20=0.333",
        "X",
        "NEW",
        "64422",
        "2A004",
        "from",
        "to",
        "length",
        "speed",
        "class",
        "geometry",
        "maternity",
        "gp",
        "G",
        "M",
        "K",
        "T",
    ];
    let (mut ok, mut bad) = (0u64, Vec::new());
    let t0 = Instant::now();
    for case in 0..CASES * 4 {
        let mut rng = ChaCha8Rng::seed_from_u64(500_000 + case);
        let v = flag_value(&mut rng, &words);
        let r = catch_unwind(AssertUnwindSafe(|| -> Vec<(&str, Result<(), String>)> {
            let mut out = Vec::new();
            // --decay: the catchment within (0, 120] minutes, weights in [0, 1]
            out.push((
                "decay",
                match Decay::parse(&v) {
                    Ok(d) => {
                        let lim = d.limit();
                        let w_ok =
                            (0..=lim / 600 + 1).all(|m| (0.0..=1.0).contains(&d.weight(minutes(m as f64))));
                        if lim == 0 || lim > minutes(MAX_CATCHMENT_MIN) || !w_ok {
                            Err(format!("accepted {d:?}"))
                        } else {
                            Ok(())
                        }
                    }
                    Err(_) => Ok(()),
                },
            ));
            // --bands: increasing minutes in (0, 240]
            out.push((
                "bands",
                match Bands::parse(&v) {
                    Ok(b) => {
                        let inc = b.breaks.windows(2).all(|w| w[0] < w[1]);
                        if b.breaks.is_empty()
                            || !inc
                            || b.breaks.iter().any(|&x| !(x > 0.0 && x <= MAX_MINUTES))
                        {
                            Err(format!("accepted {:?}", b.breaks))
                        } else {
                            Ok(())
                        }
                    }
                    Err(_) => Ok(()),
                },
            ));
            // --threshold
            let th = v.trim().parse::<f64>().unwrap_or(f64::NAN);
            let bands = Bands {
                breaks: vec![10.0, 20.0],
            };
            out.push((
                "threshold",
                match medaccess::jobs::access::check_minutes(th, &bands) {
                    Ok(()) if !(th > 0.0 && th <= MAX_MINUTES) => Err(format!("accepted {th}")),
                    _ => Ok(()),
                },
            ));
            // --open: a position must be in France
            out.push((
                "open",
                match medaccess::jobs::NewSite::parse(&v) {
                    Ok(medaccess::jobs::NewSite::At { lon_lat, .. }) => {
                        medaccess::facilities::check_lon_lat(lon_lat[0], lon_lat[1]).map(|_| ())
                    }
                    _ => Ok(()),
                },
            ));
            // --max-inflate
            out.push((
                "max-inflate",
                match medaccess::io::parse_size(&v) {
                    Ok(0) => Err("accepted 0 bytes".into()),
                    _ => Ok(()),
                },
            ));
            // --link-columns, --kind: no panic
            let _ = medaccess::roads::LinkColumns::parse(&v);
            let _ = medaccess::facilities::FacilityKind::parse(&v);
            out
        }));
        match r {
            Err(_) => bad.push(format!("case {case}: `{v}` panicked")),
            Ok(results) => {
                for (what, r) in results {
                    match r {
                        Ok(()) => ok += 1,
                        Err(m) => bad.push(format!("case {case}: --{what} `{v}`: {m}")),
                    }
                }
            }
        }
    }
    let report = format!(
        "{:<22} {} cases ({} parser calls): {} within range or refused, {} accepted out of range or panicked; {:.2} s in all",
        "flag-values",
        CASES * 4,
        ok + bad.len() as u64,
        ok,
        bad.len(),
        t0.elapsed().as_secs_f64()
    );
    eprintln!("{report}");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("input-fuzz");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("flag-values.txt"), format!("{report}\n")).unwrap();
    assert!(bad.is_empty(), "{:#?}", &bad[..bad.len().min(20)]);
}
