//! Study files: every option of one or several runs written down in TOML,
//! and the record each run leaves beside its outputs.
//!
//! ```toml
//! [defaults]          # keys every run takes unless it says otherwise
//! dep = ["64"]
//! year = 2016
//!
//! [[run]]
//! job = "access"
//! threshold = 40
//! out = "out/study/access"
//!
//! [[run]]
//! job = "scenario"
//! close = ["640000410"]
//! out = "out/study/oloron"
//! ```
//!
//! A key is an option of the job, named as on the command line
//! (`compare-year`, `split-by-dep`); a value is a string, a number, a
//! boolean (a switch) or a list. The caller checks the keys against the
//! options of each job ([`Study::check_keys`]): a key the job does not
//! take is an error naming the file, the line and the valid keys.
//!
//! Each run records what made it as a [`RunRecord`] (JSON): the job and
//! every option, paths made absolute. [`Study::read`] reads a record back
//! as a study of one run, so that a run can be made again from its own
//! outputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Result};

/// The value of an option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OptionValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<OptionValue>),
}

impl OptionValue {
    /// The text the command line would take: a list joined with `,`; a
    /// number as the shortest decimal that reads back the same.
    ///
    /// # Examples
    /// ```
    /// use medaccess::jobs::study::OptionValue;
    /// let v = OptionValue::List(vec![OptionValue::Int(15), OptionValue::Float(30.5)]);
    /// assert_eq!(v.text(), "15,30.5");
    /// ```
    pub fn text(&self) -> String {
        match self {
            OptionValue::Bool(b) => b.to_string(),
            OptionValue::Int(i) => i.to_string(),
            OptionValue::Float(x) => x.to_string(),
            OptionValue::Str(s) => s.clone(),
            OptionValue::List(l) => l.iter().map(OptionValue::text).collect::<Vec<_>>().join(","),
        }
    }
}

/// One run of a study.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyRun {
    /// The command (`access`, `scenario`, …).
    pub job: String,
    /// Every option (defaults merged), by its command-line name.
    pub options: BTreeMap<String, OptionValue>,
    /// The line of the run's `[[run]]` header (1 for a record).
    pub line: usize,
    /// The line of each key (of `[defaults]` when the run inherits it).
    key_lines: BTreeMap<String, usize>,
    /// For a record, the data its run read when no option named one
    /// ([`RunRecord::data`]); `None` for a study file.
    pub data: Option<String>,
}

impl StudyRun {
    /// A run of `job` with `options` given on one line (a command line).
    pub fn new(job: impl Into<String>, options: BTreeMap<String, OptionValue>) -> StudyRun {
        StudyRun {
            job: job.into(),
            options,
            line: 1,
            key_lines: BTreeMap::new(),
            data: None,
        }
    }

    /// The line where `key` is given.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(self.line)
    }
}

/// A study file read: its runs in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// The file, for errors.
    pub path: PathBuf,
    /// The folder relative paths are read from: the study file's folder.
    pub base: PathBuf,
    pub runs: Vec<StudyRun>,
}

type Keys = BTreeMap<Spanned<String>, Spanned<OptionValue>>;

/// The file as TOML holds it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StudyFile {
    #[serde(default)]
    defaults: Keys,
    #[serde(default)]
    run: Vec<Spanned<Keys>>,
}

/// What a run records beside its outputs (`<name>.config.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    /// The version of medaccess that made the outputs.
    pub medaccess: String,
    /// The data the run read when no option names one
    /// ([`super::data_dir`]).
    pub data: String,
    pub job: String,
    /// Every option but `out`, paths absolute.
    pub options: BTreeMap<String, OptionValue>,
    /// The same run as a command line (`--out` left to the reader).
    pub command: String,
}

impl RunRecord {
    /// The record of a run of `job` with `options` (by their command-line
    /// names) made by another caller than the command line (Python, the
    /// QGIS plugin): this version, the data a run reads when no option
    /// names one, and the same run as a command line.
    ///
    /// # Examples
    /// ```
    /// use std::collections::BTreeMap;
    /// use medaccess::jobs::study::{OptionValue, RunRecord};
    /// let options = BTreeMap::from([
    ///     ("dep".to_string(), OptionValue::List(vec![OptionValue::Str("64".into())])),
    ///     ("year".to_string(), OptionValue::Int(2016)),
    ///     ("no-winding".to_string(), OptionValue::Bool(true)),
    /// ]);
    /// let r = RunRecord::of("access", options);
    /// assert_eq!(r.command, "medaccess access --dep 64 --no-winding --year 2016");
    /// ```
    pub fn of(job: &str, options: BTreeMap<String, OptionValue>) -> RunRecord {
        let mut args = vec!["medaccess".to_string(), job.to_string()];
        for (key, value) in &options {
            match value {
                OptionValue::Bool(true) => args.push(format!("--{key}")),
                OptionValue::Bool(false) => {}
                v => args.extend([format!("--{key}"), v.text()]),
            }
        }
        RunRecord {
            medaccess: env!("CARGO_PKG_VERSION").to_string(),
            data: super::data_dir_absolute().display().to_string(),
            job: job.to_string(),
            command: shell_line(&args),
            options,
        }
    }

    /// The record as pretty JSON with a final newline (keys sorted: the
    /// same options give the same bytes).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Arguments as one shell line (quoted where the shell would split them).
///
/// # Examples
/// ```
/// use medaccess::jobs::study::shell_line;
/// let args = ["medaccess", "access", "--facilities", "my sites.csv"].map(String::from);
/// assert_eq!(shell_line(&args), "medaccess access --facilities 'my sites.csv'");
/// ```
pub fn shell_line(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./,:=+@%".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The line (1-based) of byte `offset` of `text`.
fn line_at(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

impl Study {
    /// Parses a study file; `source` names it in errors and its folder is
    /// the base of relative paths.
    ///
    /// # Errors
    /// Bad TOML, a section other than `[defaults]` and `[[run]]`, a run
    /// without `job`, a value that is not a string, number, boolean or list
    /// of them, no run at all: each with the file and line.
    ///
    /// # Examples
    /// ```
    /// use medaccess::jobs::study::{OptionValue, Study};
    /// let s = Study::parse(
    ///     "[defaults]\ndep = [\"64\"]\n\n[[run]]\njob = \"access\"\nyear = 2016\n",
    ///     "study.toml".as_ref(),
    /// )
    /// .unwrap();
    /// assert_eq!(s.runs[0].job, "access");
    /// assert_eq!(s.runs[0].options["year"], OptionValue::Int(2016));
    /// assert_eq!(s.runs[0].line_of("dep"), 2);
    /// ```
    pub fn parse(text: &str, source: &Path) -> Result<Study> {
        let base = source.parent().map(Path::to_path_buf).unwrap_or_default();
        let file: StudyFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| format!(":{}", line_at(text, s.start)))
                .unwrap_or_default();
            Error::Invalid(format!("{}{at}: {}", source.display(), e.message().trim_end()))
        })?;
        let at = |offset: usize, m: String| {
            Error::Invalid(format!("{}:{}: {m}", source.display(), line_at(text, offset)))
        };
        if file.run.is_empty() {
            return Err(Error::Invalid(format!(
                "{}: no run: add a [[run]] table with `job = \"access\"` (or scenario, rank, site, history, catchments, isochrones, gp, matrix)",
                source.display()
            )));
        }
        if let Some((k, _)) = file.defaults.iter().find(|(k, _)| k.get_ref() == "job") {
            return Err(at(
                k.span().start,
                "`job` goes in each [[run]], not in [defaults]".into(),
            ));
        }
        let mut runs = Vec::new();
        for (n, run) in file.run.iter().enumerate() {
            let line = line_at(text, run.span().start);
            let keys = run.get_ref();
            let job = match keys.iter().find(|(k, _)| k.get_ref() == "job") {
                Some((_, v)) => match v.get_ref() {
                    OptionValue::Str(s) => s.clone(),
                    _ => {
                        return Err(at(
                            v.span().start,
                            format!("run {}: `job` is a command name, e.g. \"access\"", n + 1),
                        ));
                    }
                },
                None => {
                    return Err(Error::Invalid(format!(
                        "{}:{line}: run {} has no `job` (e.g. job = \"access\")",
                        source.display(),
                        n + 1
                    )));
                }
            };
            let mut options = BTreeMap::new();
            let mut key_lines = BTreeMap::new();
            for (k, v) in file
                .defaults
                .iter()
                .chain(keys.iter().filter(|(k, _)| k.get_ref() != "job"))
            {
                check_value(v.get_ref())
                    .map_err(|m| at(v.span().start, format!("`{}`: {m}", k.get_ref())))?;
                options.insert(k.get_ref().clone(), v.get_ref().clone());
                key_lines.insert(k.get_ref().clone(), line_at(text, k.span().start));
            }
            runs.push(StudyRun {
                job,
                options,
                line,
                key_lines,
                data: None,
            });
        }
        Ok(Study {
            path: source.to_path_buf(),
            base,
            runs,
        })
    }

    /// Reads a study file (`.toml`), or a run's record (`.json`) as a
    /// study of that one run.
    ///
    /// # Errors
    /// As [`Study::parse`] and [`Study::from_record`], or an unreadable
    /// file.
    pub fn read(path: &Path) -> Result<Study> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            Study::from_record(&text, path)
        } else {
            Study::parse(&text, path)
        }
    }

    /// A run's record (`<name>.config.json`) as a study of one run. Its
    /// paths are absolute; `out` is not in it (the caller gives one).
    ///
    /// # Errors
    /// Not a record (names the field serde could not read).
    pub fn from_record(text: &str, source: &Path) -> Result<Study> {
        let r: RunRecord = serde_json::from_str(text).map_err(|e| {
            Error::Invalid(format!(
                "{}:{}: not a medaccess run record: {e}",
                source.display(),
                e.line()
            ))
        })?;
        Ok(Study {
            path: source.to_path_buf(),
            base: source.parent().map(Path::to_path_buf).unwrap_or_default(),
            runs: vec![StudyRun {
                data: Some(r.data),
                ..StudyRun::new(r.job, r.options)
            }],
        })
    }

    /// Checks every run's job and keys: `valid(job)` lists the keys a job
    /// takes, `None` for a job that cannot run from a study.
    ///
    /// # Errors
    /// The first unknown job or key, with the file, the line, and what is
    /// valid.
    pub fn check_keys(&self, jobs: &[&str], valid: impl Fn(&str) -> Option<Vec<String>>) -> Result<()> {
        for (n, run) in self.runs.iter().enumerate() {
            let Some(keys) = valid(&run.job) else {
                return Err(Error::Invalid(format!(
                    "{}:{}: run {}: `{}` is not a job a study runs; valid jobs: {}",
                    self.path.display(),
                    run.line,
                    n + 1,
                    run.job,
                    jobs.join(", ")
                )));
            };
            if let Some(k) = run.options.keys().find(|k| !keys.contains(k)) {
                return Err(Error::Invalid(format!(
                    "{}:{}: run {} ({}): unknown key `{k}`; valid keys: job, {}",
                    self.path.display(),
                    run.line_of(k),
                    n + 1,
                    run.job,
                    keys.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// A value the command line can take: no tables, no lists of lists.
fn check_value(v: &OptionValue) -> std::result::Result<(), String> {
    match v {
        OptionValue::List(l) if l.iter().any(|x| matches!(x, OptionValue::List(_))) => {
            Err("a list of lists; give one list".into())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_point_at_the_key_and_defaults_are_merged() {
        let text = "[defaults]\ndep = [\"64\"]\nyear = 2016\n\n[[run]]\njob = \"access\"\nthreshold = 45.5\n\n[[run]]\njob = \"rank\"\nyear = 2017\n";
        let s = Study::parse(text, Path::new("d/study.toml")).unwrap();
        assert_eq!(s.base, Path::new("d"));
        assert_eq!(s.runs.len(), 2);
        assert_eq!(s.runs[0].line, 5);
        assert_eq!(s.runs[0].line_of("threshold"), 7);
        assert_eq!(s.runs[0].line_of("dep"), 2);
        assert_eq!(s.runs[0].options["threshold"], OptionValue::Float(45.5));
        assert_eq!(s.runs[1].options["year"], OptionValue::Int(2017));
        assert_eq!(s.runs[1].line_of("year"), 11);
        let valid =
            |job: &str| (job != "graph").then(|| vec!["dep".to_string(), "year".into(), "threshold".into()]);
        assert!(s.check_keys(&["access", "rank"], valid).is_ok());
        let bad = Study::parse("[[run]]\njob = \"access\"\ntreshold = 40\n", Path::new("s.toml")).unwrap();
        let e = bad.check_keys(&["access"], valid).unwrap_err().to_string();
        assert_eq!(
            e,
            "s.toml:3: run 1 (access): unknown key `treshold`; valid keys: job, dep, year, threshold"
        );
    }

    #[test]
    fn bad_files_say_where() {
        for (text, says) in [
            ("[[run]]\njob = \"access\"\nyear = \n", "s.toml:3:"),
            ("[run]\njob = 1\n", "s.toml:1:"),
            ("[defaults]\nyear = 2016\n", "no run"),
            ("[[run]]\nyear = 2016\n", "s.toml:1: run 1 has no `job`"),
            ("[[run]]\njob = 3\n", "s.toml:2: run 1: `job` is a command name"),
            (
                "[[run]]\njob = \"access\"\nbands = [[1]]\n",
                "s.toml:3: `bands`: a list of lists",
            ),
            (
                "[study]\n[[run]]\njob = \"access\"\n",
                "s.toml:1: unknown field `study`",
            ),
            (
                "[[run]]\njob = \"access\"\nscope = { dep = \"64\" }\n",
                "s.toml:3:",
            ),
        ] {
            let e = Study::parse(text, Path::new("s.toml")).unwrap_err().to_string();
            assert!(e.contains(says), "{text:?}: {e}");
        }
    }

    #[test]
    fn a_record_reads_back_as_a_study_of_one_run() {
        let r = RunRecord {
            medaccess: "0.1.0".into(),
            data: "embedded:fixtures".into(),
            job: "scenario".into(),
            options: BTreeMap::from([
                (
                    "close".to_string(),
                    OptionValue::List(vec![OptionValue::Str("640000410".into())]),
                ),
                ("year".to_string(), OptionValue::Int(2016)),
            ]),
            command: "medaccess scenario --close 640000410 --year 2016".into(),
        };
        let s = Study::from_record(&r.to_json(), Path::new("o/x.config.json")).unwrap();
        assert_eq!(s.runs[0].job, "scenario");
        assert_eq!(s.runs[0].options, r.options);
        assert_eq!(s.runs[0].data.as_deref(), Some("embedded:fixtures"));
        let e = Study::from_record("{\"job\": 1}", Path::new("x.json"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.json:1: not a medaccess run record"), "{e}");
    }
}
