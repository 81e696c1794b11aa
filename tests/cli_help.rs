//! Help that teaches: every command's `--help` ends with two or three real
//! examples, each run here as written (from an empty folder, the shipped
//! fixtures/ given by their path in the clone); `--report` is offered only
//! by the commands that write one; the usual slips get the fix.

mod common;

use common::{bin, run, tmp};

const COMMANDS: [&str; 8] = [
    "access",
    "scenario",
    "rank",
    "site",
    "history",
    "catchments",
    "isochrones",
    "gp",
];

/// The example lines at the end of `medaccess <cmd> --help`.
fn examples(cmd: &str) -> Vec<String> {
    let (ok, help, err) = run(&[cmd, "--help"], &[]);
    assert!(ok, "{err}");
    let (_, tail) = help
        .rsplit_once("Examples:\n")
        .unwrap_or_else(|| panic!("`{cmd} --help` has no Examples section:\n{help}"));
    let lines: Vec<String> = tail
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect();
    assert!(
        (2..=3).contains(&lines.len()),
        "`{cmd} --help` ends with 2 or 3 examples: {lines:?}"
    );
    for l in &lines {
        assert!(l.starts_with(&format!("medaccess {cmd} ")), "{l}");
    }
    lines
}

#[test]
fn every_example_of_every_help_runs() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/");
    for cmd in COMMANDS {
        for line in examples(cmd) {
            let dir = tmp(&format!("help-{cmd}"));
            let args: Vec<String> = line
                .split_whitespace()
                .skip(1)
                .map(|a| a.replacen("fixtures/", fixtures, 1))
                .collect();
            let out = bin()
                .args(&args)
                .current_dir(&dir)
                .output()
                .expect("the medaccess binary runs");
            assert!(
                out.status.success(),
                "`{line}` failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            // it wrote what it says, in the folder it was run from
            let written = std::fs::read_dir(dir.join("out")).map(|d| d.count()).unwrap_or(0);
            assert!(written > 0, "`{line}` wrote nothing under out/");
            if let Some(a) = args.iter().skip_while(|a| *a != "--report").nth(1) {
                assert!(dir.join(a).is_file(), "`{line}`: no report {a}");
            }
        }
    }
}

#[test]
fn report_offered_only_where_written() {
    for cmd in COMMANDS {
        let (ok, help, _) = run(&[cmd, "--help"], &[]);
        assert!(ok);
        let offered = help.contains("--report <FILE>");
        let writes = !matches!(cmd, "site" | "catchments" | "isochrones");
        assert_eq!(offered, writes, "`{cmd} --help` and --report");
        if !writes {
            let (ok, _, err) = run(&[cmd, "--dep", "64", "--report", "x.html"], &[]);
            assert!(!ok && err.contains("--report"), "{cmd}: {err}");
        }
    }
}

#[test]
fn usual_slips_get_the_fix() {
    let dir = tmp("slips");
    let out = dir.to_str().unwrap();
    for (args, fix) in [
        (
            vec!["access", "--dep", "20"],
            "2A (Corse-du-Sud) and 2B (Haute-Corse); write --dep 2A,2B",
        ),
        (vec!["access", "--dep", "1"], "write 01"),
        (vec!["rank", "--dep", "20"], "--dep 2A,2B"),
    ] {
        let mut a = args.clone();
        a.extend(["--out", out]);
        let (ok, _, err) = run(&a, &[]);
        assert!(!ok, "{args:?}");
        assert!(err.contains(fix), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing written");
}
