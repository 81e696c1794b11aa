//! Help that teaches: every command's `--help` ends with two or three real
//! examples, each run here as written (from an empty folder, the shipped
//! fixtures/ given by their path in the clone); `--report` is offered only
//! by the commands that write one; the usual slips get the fix.

mod common;

use std::path::Path;

use common::{COMMANDS_WITH_EXAMPLES as COMMANDS, help_examples, run, run_help_example, tmp};

#[test]
fn every_example_of_every_help_runs() {
    let exe = Path::new(env!("CARGO_BIN_EXE_medaccess"));
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/");
    for cmd in COMMANDS {
        for line in help_examples(exe, cmd) {
            let dir = tmp(&format!("help-{cmd}"));
            run_help_example(exe, &dir, &line, |a| a.replacen("fixtures/", fixtures, 1));
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
