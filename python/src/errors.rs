//! medaccess errors as Python exceptions, carrying the file, the line or
//! record, and the field a user must fix.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyKeyboardInterrupt};
use pyo3::prelude::*;

create_exception!(
    _medaccess,
    MedaccessError,
    PyException,
    "Base of every medaccess error. Attributes: `file` (str or None), `line` (the 1-based line or record, or None), `field` (str or None), `message`."
);
create_exception!(
    _medaccess,
    InputError,
    MedaccessError,
    "An input file is unreadable or wrong: `file`, and for a bad value `line` and `field`."
);
create_exception!(
    _medaccess,
    GraphError,
    MedaccessError,
    "A graph that cannot be built or used as asked (a node out of range, a bad time)."
);
create_exception!(
    _medaccess,
    RequestError,
    MedaccessError,
    "A request that does not make sense (unknown INSEE code, empty scope, bad parameter: then `field` names the parameter)."
);

/// The Python exception of a medaccess error.
pub fn to_py(e: medaccess::Error) -> PyErr {
    use medaccess::Error as E;
    let message = e.to_string();
    let (err, file, line, field, inner) = match &e {
        E::Io { path, err } => (
            InputError::new_err(message.clone()),
            Some(path.display().to_string()),
            None,
            None,
            err.to_string(),
        ),
        E::Field {
            path,
            line,
            field,
            message: m,
        } => (
            InputError::new_err(message.clone()),
            Some(path.display().to_string()),
            Some(*line),
            Some(field.clone()),
            m.clone(),
        ),
        E::Format { path, message: m } => (
            InputError::new_err(message.clone()),
            Some(path.display().to_string()),
            None,
            None,
            m.clone(),
        ),
        E::Graph(m) => (GraphError::new_err(message.clone()), None, None, None, m.clone()),
        E::Invalid(m) => (
            RequestError::new_err(message.clone()),
            None,
            None,
            None,
            m.clone(),
        ),
        E::Parameter { name, message: m } => (
            RequestError::new_err(message.clone()),
            None,
            None,
            Some(name.to_string()),
            m.clone(),
        ),
        E::Cancelled => return PyKeyboardInterrupt::new_err("medaccess: cancelled"),
    };
    Python::attach(|py| {
        let v = err.value(py);
        let _ = v.setattr("file", file);
        let _ = v.setattr("line", line);
        let _ = v.setattr("field", field);
        let _ = v.setattr("message", inner);
    });
    err
}

/// `?` for library results.
pub trait IntoPy<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for medaccess::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
