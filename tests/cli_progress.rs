//! Long runs show progress on a terminal and stay quiet in pipes (issue 17,
//! point 5): the same `matrix` run (545 origins in three chunks of searches)
//! once with stderr piped, once under a
//! pseudo-terminal made by util-linux's `script` (package bsdutils, which
//! Debian and Ubuntu mark essential: on every machine the suite runs on).
//! The run loads its context first, which finishes the bar: the matrix's
//! steps must start it again.

mod common;

use std::process::{Command, Stdio};

/// `matrix` for Pyrénées-Atlantiques within 30 minutes (under a second).
const MATRIX: [&str; 5] = ["matrix", "--dep", "64", "--limit", "30"];

/// A frame of the bar: the stage's name, then the bar itself.
const BAR: &str = "matrix [";

#[test]
fn piped_stderr_shows_no_progress() {
    let out = common::tmp("progress-pipe");
    let args = common::then(&MATRIX, &["--out", out.to_str().unwrap()]);
    let (ok, _, stderr) = common::run(&args, &[]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("matrix computed in"), "{stderr}");
    assert!(
        !stderr.contains(BAR) && !stderr.contains('\r') && !stderr.contains('\x1b'),
        "progress drawn into a pipe: {stderr:?}"
    );
}

#[test]
fn terminal_shows_progress() {
    let out = common::tmp("progress-tty");
    let quote = |a: &str| format!("'{}'", a.replace('\'', r"'\''"));
    let line: Vec<String> = [env!("CARGO_BIN_EXE_medaccess")]
        .into_iter()
        .chain(MATRIX)
        .chain(["--out", out.to_str().unwrap()])
        .map(quote)
        .collect();
    // `script -qec CMD /dev/null`: CMD on a new pseudo-terminal (its stdout
    // and stderr both), what it printed copied to our stdout, its exit code
    // returned; no typescript file.
    let o = Command::new("script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("util-linux's `script` (package bsdutils) must run: {e}"));
    let tty = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{tty}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(tty.contains("matrix computed in"), "{tty:?}");
    assert!(tty.contains(BAR), "no progress bar on a terminal: {tty:?}");
}
