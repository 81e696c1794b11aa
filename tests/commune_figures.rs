//! The validation figures of the commune estimate quoted in
//! `docs/commune-engine.md` and the README are exactly what
//! `cargo run --release --example validate_commune_engine` prints: this
//! test recomputes the report and fails when the text drifts (needs
//! `../shared/data`, hence the full suite).
#![cfg(feature = "full-suite")]

mod common;

#[path = "../examples/support/commune_eval.rs"]
mod eval;
#[path = "../examples/support/commune_report.rs"]
mod report;

use std::path::Path;

#[test]
fn docs_and_readme_quote_the_validation_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("../shared/data");
    let out = report::report(&data).expect("the validation report");
    let docs = std::fs::read_to_string(root.join("docs/commune-engine.md")).unwrap();
    let quoted = common::block(&docs, "validate_commune_engine", "docs/commune-engine.md").trim();
    if quoted != out.trim() {
        let diff: Vec<String> = quoted
            .lines()
            .zip(out.trim().lines())
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("docs: {a}\n  now: {b}"))
            .collect();
        panic!(
            "docs/commune-engine.md drifted from `cargo run --release --example validate_commune_engine` \
             (paste its output between the markers):\n{}",
            diff.join("\n")
        );
    }
    // Every non-empty line of the README's blocks is a line of the output.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    let mut n = 0;
    let mut rest = readme.as_str();
    let begin = "<!-- validate_commune_engine: begin -->";
    while let Some(at) = rest.find(begin) {
        let quoted = common::block(&rest[at..], "validate_commune_engine", "README.md").trim();
        for l in quoted.lines() {
            let l = l.trim();
            if l.is_empty() || l.starts_with("```") {
                continue;
            }
            assert!(
                lines.contains(&l),
                "README.md quotes a line validate_commune_engine does not print: {l}"
            );
            n += 1;
        }
        rest = &rest[at + begin.len()..];
    }
    assert!(n >= 5, "README.md quotes only {n} lines of the validation");
    // The mission's own example stays met: Oloron to Pau (the other targets
    // are reported with their figure, MISSED where missed; the national
    // median went from 8.3 to 7.9 min, below the 8-10.5 target, when
    // facilities entered their own commune, the DREES method).
    let line = lines
        .iter()
        .find(|l| l.starts_with("- Oloron-Sainte-Marie to CH Pau"))
        .unwrap();
    assert!(!line.contains("MISSED"), "{line}");
}
