//! Printing that never panics. stdout and stderr are written through
//! handles: a pipe closed by the reader (`| head -1`, `| grep -m1`) ends
//! printing quietly, as ripgrep does, and the run goes on to commit its
//! files, so that they are complete (never half-written). Notes and
//! warnings are printed once each, however many times a run meets them.

use std::collections::HashSet;
use std::io::{ErrorKind, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);
static SAID: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// Writes `text` on stdout. A closed pipe is not an error (the reader has
/// what it wanted); any other failure is (a full disk behind `> file`).
pub fn out(text: &str) -> std::io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut o = std::io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        r => r,
    }
}

/// Writes one line on stderr; failures are ignored (there is nowhere left
/// to report them).
pub fn err(line: &str) {
    if STDERR_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut e = std::io::stderr().lock();
    if let Err(x) = writeln!(e, "{line}")
        && x.kind() == ErrorKind::BrokenPipe
    {
        STDERR_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// [`err`], once per distinct line in the whole run.
pub fn once(line: &str) {
    let first = SAID
        .lock()
        .map(|mut s| s.get_or_insert_with(HashSet::new).insert(line.to_string()))
        .unwrap_or(true);
    if first {
        err(line);
    }
}

/// `note: …` on stderr, once.
pub fn note(text: &str) {
    once(&format!("note: {text}"));
}

/// `warning: …` on stderr, once.
pub fn warn(text: &str) {
    once(&format!("warning: {text}"));
}
