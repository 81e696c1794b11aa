//! Helpers for the command-line tests: run the real binary, read outputs
//! with GDAL's ogrinfo (what QGIS uses underneath).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_medaccess"))
}

/// Runs the binary; returns (exit ok, stdout, stderr).
pub fn run(args: &[&str], envs: &[(&str, &str)]) -> (bool, String, String) {
    let mut c = bin();
    c.args(args);
    for (k, v) in envs {
        c.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().expect("the medaccess binary runs");
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// A fresh, empty temporary folder for one test.
pub fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("medaccess-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `ogrinfo -so -al FILE`. Fails the test (never skips) when GDAL is missing.
pub fn ogrinfo(path: &Path, extra: &[&str]) -> String {
    let out = Command::new("ogrinfo")
        .args(extra)
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!("GDAL's ogrinfo is needed to check outputs as QGIS reads them ({e}): apt-get install -y gdal-bin")
        });
    assert!(
        out.status.success(),
        "ogrinfo failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(rel)
}
