//! One error type for the whole library, with the context a user needs to fix
//! the input: which file, which line or record, which field.

use std::path::PathBuf;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in medaccess.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O error on a named file. The OS error is part of the message
    /// (not a separate source) so that it is printed once.
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },

    /// A value in an input file is wrong. `line` is 1-based and counts the
    /// header; `record` is used for formats without lines (PBF blocks, GeoJSON
    /// features).
    #[error("{path}:{line}: field `{field}`: {message}")]
    Field {
        path: PathBuf,
        line: u64,
        field: String,
        message: String,
    },

    /// A whole-file problem: wrong format, wrong delimiter, missing column,
    /// empty file.
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },

    /// A graph that cannot be built or used as asked.
    #[error("graph: {0}")]
    Graph(String),

    /// A request that does not make sense (unknown INSEE code, empty scope…).
    #[error("{0}")]
    Invalid(String),

    /// A parameter of a request that is out of its range: `name` as the
    /// library and Python spell it (`within`, `consultations_per_gp`); the
    /// command line names its flag instead (`--consultations-per-gp`).
    #[error("`{name}`: {message}")]
    Parameter { name: &'static str, message: String },

    /// The caller asked a long job to stop ([`crate::jobs::Progress::cancelled`]).
    #[error("cancelled")]
    Cancelled,
}

impl Error {
    /// Shorthand for [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            err: source,
        }
    }

    /// Shorthand for [`Error::Field`].
    pub fn field(
        path: impl Into<PathBuf>,
        line: u64,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Field {
            path: path.into(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::Parameter`].
    pub fn parameter(name: &'static str, message: impl Into<String>) -> Self {
        Error::Parameter {
            name,
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::Format`].
    pub fn format(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Format {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The file the error names, if it names one (then it already says
    /// what to fix where).
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Error::Io { path, .. } | Error::Field { path, .. } | Error::Format { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The same error with `note` after its message (its variant, file,
    /// line, field and I/O kind kept); a cancellation stays as it is.
    pub fn with_note(self, note: &str) -> Self {
        match self {
            Error::Io { path, err } => Error::Io {
                path,
                err: std::io::Error::new(err.kind(), format!("{err} {note}")),
            },
            Error::Field {
                path,
                line,
                field,
                message,
            } => Error::Field {
                path,
                line,
                field,
                message: format!("{message} {note}"),
            },
            Error::Format { path, message } => Error::Format {
                path,
                message: format!("{message} {note}"),
            },
            Error::Graph(m) => Error::Graph(format!("{m} {note}")),
            Error::Invalid(m) => Error::Invalid(format!("{m} {note}")),
            Error::Parameter { name, message } => Error::Parameter {
                name,
                message: format!("{message} {note}"),
            },
            Error::Cancelled => Error::Cancelled,
        }
    }
}
