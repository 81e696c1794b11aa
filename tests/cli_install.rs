//! An installed `medaccess` finds its data from any folder: the data built
//! into the binary, or a `fixtures` folder in the installed prefix
//! (`<prefix>/share/medaccess/fixtures`), or `$MEDACCESS_DATA`. The binary
//! is copied into a temporary prefix, as `cargo install --root` lays it out
//! (the full suite also runs `cargo install` itself), and run from another
//! folder: README's first command, then every `--help` example.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The binary copied to `<prefix>/bin/medaccess`.
fn install(prefix: &Path) -> PathBuf {
    let bin = prefix.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = bin.join("medaccess");
    std::fs::copy(env!("CARGO_BIN_EXE_medaccess"), &exe).unwrap();
    exe
}

/// Runs `exe` in `cwd` with `MEDACCESS_DATA` as given (removed when `None`).
fn run_in(exe: &Path, cwd: &Path, args: &[&str], data: Option<&Path>) -> (bool, String, String) {
    let mut c = Command::new(exe);
    c.current_dir(cwd).args(args).env_remove("MEDACCESS_DATA");
    if let Some(d) = data {
        c.env("MEDACCESS_DATA", d);
    }
    common::outcome(&mut c)
}

/// README's first command, run by an installed binary from an empty folder.
pub fn default_job_runs_from_anywhere(exe: &Path, cwd: &Path) {
    std::fs::create_dir_all(cwd).unwrap();
    let args = common::then(&common::README_ACCESS, &["--report", "out/report-64.html"]);
    let (ok, stdout, stderr) = run_in(exe, cwd, &args, None);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("545 communes, population 677 309"), "{stdout}");
    assert!(stdout.contains("640000410 CENTRE HOSPITALIER OLORON"), "{stdout}");
    for f in [
        "maternity-access-64-2016.geojson",
        "maternity-access-64-2017.csv",
        "report-64.html",
    ] {
        assert!(
            cwd.join("out").join(f).is_file(),
            "{f} written in the working folder"
        );
    }
}

/// The shipped data files `access` and `gp` read, copied into `dir`.
fn copy_data(dir: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::create_dir_all(dir.join("polygons")).unwrap();
    for f in [
        "communes-france.medgraph.gz",
        "maternites-drees.csv",
        "maternites-positions.csv",
        "gp-bpe-d201.csv",
        "polygons/dep-64.geojson.gz",
    ] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
}

/// The data folder a run read, from the GP summary line that names its
/// supply file.
fn data_used(exe: &Path, cwd: &Path, data: Option<&Path>) -> String {
    let (ok, stdout, stderr) = run_in(exe, cwd, &["gp", "--dep", "64", "--out", "gp"], data);
    assert!(ok, "{stderr}");
    stdout.lines().next().unwrap_or_default().to_string()
}

#[test]
fn installed_binary_finds_its_data() {
    let root = common::tmp("install");
    let exe = install(&root.join("prefix"));
    let elsewhere = root.join("elsewhere");
    // Nothing beside it: the data built into the binary.
    default_job_runs_from_anywhere(&exe, &elsewhere);
    assert!(
        data_used(&exe, &elsewhere, None).contains("(embedded:fixtures/gp-bpe-d201.csv"),
        "built-in data"
    );
    // A data folder in the prefix wins over the built-in data…
    let share = root.join("prefix/share/medaccess/fixtures");
    copy_data(&share);
    let line = data_used(&exe, &elsewhere, None);
    assert!(
        line.contains("share/medaccess/fixtures/gp-bpe-d201.csv"),
        "{line}"
    );
    // … and $MEDACCESS_DATA over both.
    let env = root.join("data");
    copy_data(&env);
    let line = data_used(&exe, &elsewhere, Some(&env));
    assert!(
        line.contains(&format!("({}/gp-bpe-d201.csv", env.display())),
        "{line}"
    );
    // A wrong $MEDACCESS_DATA says which folder it looked in.
    let (ok, _, stderr) = run_in(
        &exe,
        &elsewhere,
        &["access", "--dep", "64"],
        Some(&root.join("nowhere")),
    );
    assert!(!ok);
    assert!(stderr.contains("nowhere"), "{stderr}");
}

/// Every example of every command's `--help`, as printed, run by an
/// installed binary from an empty folder of its own: what a user who
/// copies one from `--help` gets (17 runs, about 15 s).
#[test]
fn installed_binary_runs_every_help_example() {
    let root = common::tmp("install-examples");
    let exe = install(&root.join("prefix"));
    for cmd in common::COMMANDS_WITH_EXAMPLES {
        for (i, line) in common::help_examples(&exe, cmd).iter().enumerate() {
            let dir = root.join(format!("{cmd}-{i}"));
            std::fs::create_dir_all(&dir).unwrap();
            common::run_help_example(&exe, &dir, line, str::to_string);
        }
    }
}

/// `cargo install --path . --root <tmp>`, then README's first command from
/// another folder. A debug build (half the compile time of a release one;
/// the data lookup is the same) in `target/install-test`, kept so that only
/// the first run builds the dependencies.
#[cfg(feature = "full-suite")]
#[test]
fn cargo_install_into_a_prefix() {
    let root = common::tmp("cargo-install");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO"))
        .args(["install", "--debug", "--offline", "--locked", "--quiet", "--path"])
        .arg(manifest)
        .arg("--root")
        .arg(root.join("prefix"))
        .arg("--target-dir")
        .arg(manifest.join("target/install-test"))
        .env_remove("MEDACCESS_DATA")
        .status()
        .unwrap();
    assert!(status.success(), "cargo install failed");
    default_job_runs_from_anywhere(&root.join("prefix/bin/medaccess"), &root.join("elsewhere"));
}
