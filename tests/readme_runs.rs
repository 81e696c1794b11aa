//! The outputs quoted in the README (the default run, the Oloron scenario)
//! are what the commands print on the shipped data: every quoted line must
//! be a line of the command's output (`…` marks lines left out). Needs
//! nothing beside the clone.

mod common;

use std::path::Path;

use common::{OLORON_SCENARIO, README_ACCESS, block, then};

/// Runs `args` with `--out`, checks the README block `name` against its
/// stdout, and returns the output folder.
fn check(name: &str, args: &[&str]) -> std::path::PathBuf {
    let out = common::tmp(name);
    let (ok, stdout, stderr) = common::run(&then(args, &["--out", out.to_str().unwrap()]), &[]);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().map(str::trim_end).collect();
    let mut n = 0;
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for l in block(&readme, name, "README.md").lines() {
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
    check("default-run", &README_ACCESS);
}

#[test]
fn readme_scenario_is_what_the_command_prints() {
    check("scenario-run", &OLORON_SCENARIO);
}
