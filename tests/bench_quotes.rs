//! Benchmark figures in README.md and docs/*.md are quoted from the results
//! files the benchmark commands write (`docs/bench/*.md`: `bench/routers/run.sh`,
//! `bench/peers/run.sh`, `examples/matrix_bench.rs --record`,
//! `examples/france_roads.rs --record`,
//! `examples/calibrate_commune_profile.rs --cv K --record`,
//! `scripts/bench-sweep.sh`), never typed:
//! the text between `<!-- bench: docs/bench/NAME.md -->` and
//! `<!-- bench: end -->` must be that file, byte for byte (blank lines at
//! either end aside), and every results file must be quoted somewhere.
//!
//! After a benchmark run, `MEDACCESS_BLESS=1 cargo test --release --test
//! bench_quotes` copies the files into the quotes. Needs nothing beside the
//! clone.

use std::path::{Path, PathBuf};

const END: &str = "<!-- bench: end -->";
const BEGIN: &str = "<!-- bench: ";

/// A quote: the results file it names, and the byte range of its text.
struct Quote {
    file: String,
    text: std::ops::Range<usize>,
}

/// The quotes of `text`, or what is wrong with its markers.
fn quotes(text: &str) -> Result<Vec<Quote>, String> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find(BEGIN) {
        let start = at + i;
        let line_end = text[start..]
            .find("-->")
            .map(|j| start + j)
            .ok_or_else(|| format!("unclosed marker at byte {start}"))?;
        let file = text[start + BEGIN.len()..line_end].trim().to_string();
        if file == "end" {
            return Err(format!("`{END}` at byte {start} closes no quote"));
        }
        let body = line_end + "-->".len();
        let end = text[body..]
            .find(END)
            .map(|j| body + j)
            .ok_or_else(|| format!("the quote of {file} has no `{END}`"))?;
        if let Some(j) = text[body..end].find(BEGIN) {
            return Err(format!(
                "the quote of {file} holds another marker at byte {}",
                body + j
            ));
        }
        found.push(Quote {
            file,
            text: body..end,
        });
        at = end + END.len();
    }
    Ok(found)
}

/// The quotes of `text` that differ from their file (`read` gives a file's
/// text), as messages; with `bless`, `text` rewritten from the files.
fn check(
    name: &str,
    text: &str,
    read: &dyn Fn(&str) -> Option<String>,
    bless: bool,
) -> (Vec<String>, Option<String>) {
    let qs = match quotes(text) {
        Ok(q) => q,
        Err(e) => return (vec![format!("{name}: {e}")], None),
    };
    let mut problems = Vec::new();
    let mut out = String::new();
    let mut last = 0;
    for q in &qs {
        let Some(want) = read(&q.file) else {
            problems.push(format!("{name}: quotes {}, which does not exist", q.file));
            continue;
        };
        let have = &text[q.text.clone()];
        if have.trim() != want.trim() {
            let line = have
                .trim()
                .lines()
                .zip(want.trim().lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || "one is longer".to_string(),
                    |i| {
                        format!(
                            "first difference on quoted line {}:\n  quoted: {}\n  file:   {}",
                            i + 1,
                            have.trim().lines().nth(i).unwrap_or(""),
                            want.trim().lines().nth(i).unwrap_or("")
                        )
                    },
                );
            problems.push(format!("{name}: the quote of {} differs from it; {line}", q.file));
        }
        out.push_str(&text[last..q.text.start]);
        out.push('\n');
        out.push_str(want.trim());
        out.push('\n');
        last = q.text.end;
    }
    out.push_str(&text[last..]);
    (problems, bless.then_some(out))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every docs/*.md.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![root().join("README.md")];
    let mut md: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    md.sort();
    docs.extend(md);
    docs
}

#[test]
fn readme_and_docs_quote_the_benchmark_results_files() {
    let bless = std::env::var_os("MEDACCESS_BLESS").is_some();
    let read = |file: &str| std::fs::read_to_string(root().join(file)).ok();
    let mut problems = Vec::new();
    let mut quoted = Vec::new();
    for doc in documents() {
        let name = doc.strip_prefix(root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&doc).unwrap();
        quoted.extend(quotes(&text).unwrap_or_default().into_iter().map(|q| q.file));
        let (p, blessed) = check(&name, &text, &read, bless);
        match blessed {
            Some(new) if new != text => std::fs::write(&doc, new).unwrap(),
            _ => problems.extend(p),
        }
    }
    let mut files: Vec<String> = std::fs::read_dir(root().join("docs/bench"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| {
            Path::new("docs/bench")
                .join(p.file_name().unwrap())
                .display()
                .to_string()
        })
        .collect();
    files.sort();
    assert!(files.len() >= 4, "docs/bench holds {files:?}");
    for f in &files {
        if !quoted.contains(f) {
            problems.push(format!(
                "{f} is quoted nowhere: add `<!-- bench: {f} -->` … `{END}` to README.md or docs/"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(after a benchmark run: MEDACCESS_BLESS=1 cargo test --release --test bench_quotes)",
        problems.join("\n")
    );
}

/// The check itself: a changed figure, a missing file and a broken marker
/// are reported; blessing restores the file's text.
#[test]
fn drift_is_reported_and_blessing_repairs_it() {
    let read = |file: &str| (file == "docs/bench/a.md").then(|| "| x | 1.0 |\n".to_string());
    let good = "intro\n<!-- bench: docs/bench/a.md -->\n| x | 1.0 |\n<!-- bench: end -->\nafter\n";
    assert!(check("t", good, &read, false).0.is_empty());
    let drifted = good.replace("1.0", "0.9");
    let (p, _) = check("t", &drifted, &read, false);
    assert!(p.len() == 1 && p[0].contains("quoted: | x | 0.9 |"), "{p:?}");
    let (_, blessed) = check("t", &drifted, &read, true);
    assert_eq!(blessed.as_deref(), Some(good));
    let missing = good.replace("a.md", "b.md");
    assert!(check("t", &missing, &read, false).0[0].contains("does not exist"));
    let unclosed = good.replace(END, "");
    assert!(check("t", &unclosed, &read, false).0[0].contains("has no"));
    let stray = format!("{END}\n{good}");
    assert!(check("t", &stray, &read, false).0[0].contains("closes no quote"));
}
