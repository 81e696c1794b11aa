//! The outputs quoted in the README (the default run, the Oloron scenario)
//! are what the commands print on the shipped data: every quoted line must
//! be a line of the command's output (`…` marks lines left out). Needs
//! nothing beside the clone.

mod common;

use std::path::Path;

/// The text between `<!-- NAME: begin -->` and `<!-- NAME: end -->` in the README.
fn block(name: &str) -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let begin = format!("<!-- {name}: begin -->");
    let end = format!("<!-- {name}: end -->");
    let a = readme
        .find(&begin)
        .unwrap_or_else(|| panic!("README.md: no `{begin}`"))
        + begin.len();
    let b = readme[a..]
        .find(&end)
        .unwrap_or_else(|| panic!("README.md: no `{end}`"))
        + a;
    readme[a..b].to_string()
}

/// Runs `args` with `--out`, checks the README block `name` against its
/// stdout, and returns the output folder.
fn check(name: &str, args: &[&str]) -> std::path::PathBuf {
    let out = common::tmp(name);
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--out", out.to_str().unwrap()]);
    let (ok, stdout, stderr) = common::run(&all, &[]);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().map(str::trim_end).collect();
    let mut n = 0;
    for l in block(name).lines() {
        let l = l.trim_end();
        if l.trim().is_empty() || l.starts_with("```") || l.trim() == "…" {
            continue;
        }
        assert!(
            lines.contains(&l),
            "README.md quotes a line `{}` does not print:\n{l}\n--- output ---\n{stdout}",
            args.join(" ")
        );
        n += 1;
    }
    assert!(n >= 3, "{name}: only {n} lines quoted");
    out
}

#[test]
fn readme_default_run_is_what_the_command_prints() {
    check(
        "default-run",
        &[
            "access",
            "--dep",
            "64",
            "--year",
            "2016",
            "--compare-year",
            "2017",
        ],
    );
}

#[test]
fn readme_scenario_is_what_the_command_prints() {
    check(
        "scenario-run",
        &[
            "scenario",
            "--dep",
            "64",
            "--year",
            "2016",
            "--close",
            "640000410",
        ],
    );
}
