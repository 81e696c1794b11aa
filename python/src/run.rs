//! Long calls off the GIL and interruptible: the job runs on a thread of
//! its own while the calling thread, without the GIL, waits for it and
//! checks Python's signals between waits. On Ctrl-C the job is asked to
//! stop ([`medaccess::jobs::Progress::cancelled`], checked between chunks
//! by the matrix and the sweeps) and `KeyboardInterrupt` is raised at once.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use medaccess::jobs::Progress;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// A [`Progress`] that says "stop" once Python's Ctrl-C has been seen.
pub struct Cancel(Arc<AtomicBool>);

impl Progress for Cancel {
    fn cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Runs `job` on its own thread without the GIL, with at most `workers`
/// threads when given, and waits for it, checking signals every 50 ms.
pub fn run<T, F>(py: Python<'_>, workers: Option<usize>, job: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn Progress) -> medaccess::Result<T> + Send + 'static,
{
    let flag = Arc::new(AtomicBool::new(false));
    let (tx, rx) = channel();
    let progress = Cancel(flag.clone());
    let pool = match workers {
        Some(0) => {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "workers must be at least 1",
            ));
        }
        Some(w) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(w)
                .build()
                .map_err(|e| PyRuntimeError::new_err(e.to_string()))?,
        ),
        None => None,
    };
    std::thread::Builder::new()
        .name("medaccess-job".into())
        .spawn(move || {
            let r = std::panic::catch_unwind(AssertUnwindSafe(|| match &pool {
                Some(p) => p.install(|| job(&progress)),
                None => job(&progress),
            }));
            let _ = tx.send(r);
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    // `detach` needs a `Sync` capture: the receiver behind a mutex only
    // this thread locks.
    let rx = Mutex::new(rx);
    loop {
        let waited = py.detach(|| match rx.lock() {
            Ok(r) => r.recv_timeout(Duration::from_millis(50)),
            Err(_) => Err(RecvTimeoutError::Disconnected),
        });
        match waited {
            Ok(Ok(r)) => return r.map_err(to_py),
            Ok(Err(panic)) => {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                return Err(PyRuntimeError::new_err(format!(
                    "medaccess stopped on an internal error (please report it): {what}"
                )));
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Err(e) = py.check_signals() {
                    flag.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "medaccess: the job's thread ended without a result",
                ));
            }
        }
    }
}
