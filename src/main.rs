//! The `medaccess` command line: parse, call the library, map errors to an
//! exit code. Nothing else lives here.
// Every line goes through `cli::console`, which never panics on a closed
// pipe (`println!` does).
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cli;

fn main() -> std::process::ExitCode {
    match cli::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            use std::io::Write;
            // nowhere left to say it if stderr is closed too
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
