//! The data the default jobs need, compiled into the binary, so that an
//! installed `medaccess` runs from any folder with nothing beside it: the
//! commune graph of France, the shipped commune polygons, the DREES
//! maternity list with its positions, and the GP counts per commune (the
//! files of `fixtures/`, described in `fixtures/README*.md`).
//!
//! They are read as files under the folder [`DIR`]: every reader goes
//! through [`crate::io::read_maybe_gz`], which serves them from memory.

use std::path::Path;

/// The folder name that stands for the embedded data.
pub const DIR: &str = "embedded:fixtures";

/// `(path under DIR, bytes)`. Polygons are stored gzipped and served under
/// the plain name the polygon loader asks for (the reader gunzips by
/// content).
static FILES: &[(&str, &[u8])] = &[
    (
        crate::communes::fixtures::GRAPH_FILE,
        include_bytes!("../fixtures/communes-france.medgraph.gz"),
    ),
    (
        "polygons/dep-64.geojson",
        include_bytes!("../fixtures/polygons/dep-64.geojson.gz"),
    ),
    (
        "polygons/dep-40.geojson",
        include_bytes!("../fixtures/polygons/dep-40.geojson.gz"),
    ),
    (
        "polygons/dep-65.geojson",
        include_bytes!("../fixtures/polygons/dep-65.geojson.gz"),
    ),
    (
        "polygons/dep-32.geojson",
        include_bytes!("../fixtures/polygons/dep-32.geojson.gz"),
    ),
    (
        "maternites-drees.csv",
        include_bytes!("../fixtures/maternites-drees.csv"),
    ),
    (
        "maternites-positions.csv",
        include_bytes!("../fixtures/maternites-positions.csv"),
    ),
    ("gp-bpe-d201.csv", include_bytes!("../fixtures/gp-bpe-d201.csv")),
];

/// The path of `path` under [`DIR`], when it is there.
fn relative(path: &Path) -> Option<&Path> {
    path.strip_prefix(DIR).ok()
}

/// The embedded bytes of `path`, when it names an embedded file.
pub fn file(path: &Path) -> Option<&'static [u8]> {
    let rel = relative(path)?;
    FILES.iter().find(|(name, _)| Path::new(name) == rel).map(|f| f.1)
}

/// Whether `path` is [`DIR`] or a folder in it.
pub fn is_dir(path: &Path) -> bool {
    relative(path).is_some_and(|rel| {
        rel.as_os_str().is_empty()
            || FILES
                .iter()
                .any(|(name, _)| Path::new(name).starts_with(rel) && Path::new(name) != rel)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_folders() {
        let dir = Path::new(DIR);
        assert!(is_dir(dir) && is_dir(&dir.join("polygons")));
        assert!(!is_dir(&dir.join("maternites-drees.csv")));
        let polygons = file(&dir.join("polygons/dep-64.geojson")).unwrap();
        assert!(polygons.starts_with(&[0x1f, 0x8b]), "gzipped");
        assert!(file(&dir.join("polygons/dep-33.geojson")).is_none());
        assert!(file(Path::new("fixtures/maternites-drees.csv")).is_none());
    }
}
