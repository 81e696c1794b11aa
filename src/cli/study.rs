//! `medaccess run study.toml`: the runs of a study file, each as the
//! command line of its job with the file's options, each recording them
//! beside its outputs (`<name>.config.json`) in the run's own output
//! transaction. A record reads back as a study of one run.
//!
//! A job typed on the command line is recorded the same way: its options
//! become the option table of a study of one run ([`record_command_line`]),
//! lowered by the same code, so that both write one record format.

use std::path::{Component, Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, Args, CommandFactory, Parser};
use medaccess::jobs::study::{OptionValue, RunRecord, Study, StudyRun, shell_line};

use super::setup::{RECORDING, Recording};
use super::{Cli, console};

/// The jobs a study runs (the commands that make outputs from options
/// alone; a sweep has its own plan file).
pub const JOBS: [&str; 9] = [
    "access",
    "scenario",
    "rank",
    "site",
    "history",
    "catchments",
    "isochrones",
    "gp",
    "matrix",
];

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A study file (TOML, see docs/study-files.md), or the record a run
    /// left beside its outputs (`<name>.config.json`) to make it again.
    pub study: PathBuf,
    /// Write every run into this folder instead of the `out` it names.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Check the file and print each run's command line; run nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// The command line's commands, global options (`--max-inflate`) copied
/// into each subcommand as clap does when it parses.
fn command() -> clap::Command {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
}

/// The options of `job` as a study names them (long flag names), the
/// global ones included.
fn keys_of(job: &str) -> Option<Vec<String>> {
    let cmd = command();
    let sub = cmd.find_subcommand(job)?;
    Some(
        sub.get_arguments()
            .filter(|a| !matches!(a.get_action(), ArgAction::Help | ArgAction::Version))
            .filter_map(|a| a.get_long().map(str::to_string))
            .collect(),
    )
}

/// Whether `value` of `arg` is a path: its value name is `FILE` or `DIR`,
/// or one of alternatives like `v1|v2|FILE` that is not a named one.
fn is_path(arg: &clap::Arg, value: &str) -> bool {
    let names: Vec<&str> = arg
        .get_value_names()
        .into_iter()
        .flatten()
        .flat_map(|n| n.as_str().split('|'))
        .collect();
    names.iter().any(|n| *n == "FILE" || *n == "DIR") && !names.contains(&value)
}

/// A run lowered to its command line: the arguments, and the record (paths
/// absolute, `out` left out). `report` stays as given: a relative report
/// is written into the run's output folder. With `rehome` (`medaccess run
/// --out DIR`) an absolute report is written as `DIR/<its file name>`:
/// nothing is written outside `DIR` (the record still names it as given).
fn lower(
    study: &Study,
    run: &StudyRun,
    out: Option<&Path>,
    rehome: bool,
) -> Result<(Vec<String>, RunRecord)> {
    let cmd = command();
    let sub = cmd
        .find_subcommand(&run.job)
        .ok_or_else(|| anyhow!("unknown job {}", run.job))?;
    let at = |key: &str| format!("{}:{}: `{key}`", study.path.display(), run.line_of(key));
    let out_dir = match (out, run.options.get("out")) {
        (Some(o), _) => o.to_path_buf(),
        (None, Some(OptionValue::Str(o))) => study.base.join(o),
        (None, Some(_)) => bail!("{}: a folder name, e.g. \"out/study\"", at("out")),
        (None, None) => PathBuf::from("out"),
    };
    let mut args = vec!["medaccess".to_string(), run.job.clone()];
    // the record's command line: `report` as given, no `--out`
    let mut shown = args.clone();
    let mut options = std::collections::BTreeMap::new();
    for (key, value) in &run.options {
        if key == "out" {
            continue;
        }
        let arg = sub
            .get_arguments()
            .find(|a| a.get_long() == Some(key.as_str()))
            .ok_or_else(|| anyhow!("{}: not an option of {}", at(key), run.job))?;
        let mut value = value.clone();
        if matches!(arg.get_action(), ArgAction::SetTrue) {
            match value {
                OptionValue::Bool(true) => {
                    args.push(format!("--{key}"));
                    shown.push(format!("--{key}"));
                }
                OptionValue::Bool(false) => {}
                _ => bail!("{}: a switch: true or false", at(key)),
            }
        } else {
            if let OptionValue::Bool(_) = value {
                bail!("{}: takes a value, not true/false", at(key));
            }
            let text = value.text();
            // `..` (or a prefix) in a relative report would leave the
            // output folder it is written into
            let stays_inside = Path::new(&text)
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
            if key == "report" && Path::new(&text).is_relative() && stays_inside {
                args.extend([format!("--{key}"), out_dir.join(&text).display().to_string()]);
                shown.extend([format!("--{key}"), text]);
            } else if key == "report"
                && rehome
                && let Some(name) = Path::new(&text).file_name()
            {
                let to = out_dir.join(name);
                console::note(&format!(
                    "{}: the report recorded as {text} is written as {} (inside --out)",
                    at(key),
                    to.display()
                ));
                args.extend([format!("--{key}"), to.display().to_string()]);
                shown.extend([format!("--{key}"), text]);
            } else if key == "report" && Path::new(&text).is_relative() {
                bail!(
                    "{}: `{text}` leaves the run's output folder ({}), where a relative report is written; \
                     name a file inside it (e.g. \"report.html\") or give an absolute path",
                    at(key),
                    out_dir.display()
                );
            } else {
                // an empty path stays empty: the job says what is wrong
                if is_path(arg, &text)
                    && Path::new(&text).is_relative()
                    && !medaccess::jobs::is_embedded(Path::new(&text))
                    && let Ok(abs) = std::path::absolute(study.base.join(&text))
                {
                    value = OptionValue::Str(abs.display().to_string());
                }
                args.extend([format!("--{key}"), value.text()]);
                shown.extend([format!("--{key}"), value.text()]);
            }
        }
        options.insert(key.clone(), value);
    }
    let command = shell_line(&shown);
    args.extend(["--out".to_string(), out_dir.display().to_string()]);
    let record = RunRecord {
        medaccess: env!("CARGO_PKG_VERSION").to_string(),
        data: medaccess::jobs::data_dir_absolute().display().to_string(),
        job: run.job.clone(),
        options,
        command,
    };
    Ok((args, record))
}

/// The options of a job given on the command line, as a study would name
/// them: every option the user typed (defaults left out), switches as
/// `true`, numbers as numbers, repeatable options as lists. A relative
/// path is the current folder's; a report inside the output folder is
/// named relative to it, as in a study, so that the record run with
/// another `--out` writes its report there too.
fn options_given(job: &str, m: &ArgMatches) -> Result<(StudyRun, PathBuf)> {
    let cmd = command();
    let sub = cmd
        .find_subcommand(job)
        .ok_or_else(|| anyhow!("unknown job {job}"))?;
    let out = m
        .get_one::<PathBuf>("out")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("out"));
    let mut options = std::collections::BTreeMap::new();
    for arg in sub.get_arguments() {
        let (Some(key), id) = (arg.get_long(), arg.get_id().as_str()) else {
            continue;
        };
        if key == "out" || m.value_source(id) != Some(ValueSource::CommandLine) {
            continue;
        }
        let value = if matches!(arg.get_action(), ArgAction::SetTrue) {
            OptionValue::Bool(true)
        } else {
            let mut values = typed_values(m, key, id)?;
            if key == "report"
                && let [OptionValue::Str(r)] = &values[..]
                && let (Ok(report), Ok(dir)) = (std::path::absolute(r), std::path::absolute(&out))
            {
                // `o/../r.html` is not in `o`
                let text = match report.strip_prefix(dir) {
                    Ok(inside) if inside.components().all(|c| matches!(c, Component::Normal(_))) => {
                        inside.display().to_string()
                    }
                    _ => report.display().to_string(),
                };
                values = vec![OptionValue::Str(text)];
            }
            match (arg.get_action(), values.len()) {
                (ArgAction::Append, _) => OptionValue::List(values),
                (_, 1) => values.remove(0),
                _ => OptionValue::List(values),
            }
        };
        options.insert(key.to_string(), value);
    }
    Ok((StudyRun::new(job, options), out))
}

/// The values of option `id` as given: integers and decimals as numbers
/// (the types the job's options parse to), anything else as its text.
///
/// # Errors
/// A value that is not UTF-8: the record (JSON text) could not name it.
fn typed_values(m: &ArgMatches, key: &str, id: &str) -> Result<Vec<OptionValue>> {
    // an integer past i64 (JSON's safe range aside) stays text
    macro_rules! ints {
        ($($t:ty),*) => {$(
            if let Ok(Some(v)) = m.try_get_many::<$t>(id)
                && let Some(v) = v
                    .map(|&x| i64::try_from(x as u64).ok().map(OptionValue::Int))
                    .collect::<Option<Vec<_>>>()
            {
                return Ok(v);
            }
        )*};
    }
    ints!(u16, u32, usize);
    // JSON has no NaN or infinity: those stay text
    if let Ok(Some(v)) = m.try_get_many::<f64>(id) {
        let v: Vec<f64> = v.copied().collect();
        if v.iter().all(|x| x.is_finite()) {
            return Ok(v.into_iter().map(OptionValue::Float).collect());
        }
    }
    m.get_raw(id)
        .into_iter()
        .flatten()
        .map(|v| match v.to_str() {
            Some(t) => Ok(OptionValue::Str(t.to_string())),
            None => Err(anyhow!(
                "--{key} {}: not UTF-8: the record (<name>.config.json) could not name this path; \
                 rename it (nothing was run)",
                v.to_string_lossy()
            )),
        })
        .collect()
}

/// The record of a job given on the command line: the one a study of that
/// one run would write, so that `medaccess run <record>` makes the same
/// bytes again. `None` for the commands that are not jobs of a study.
fn record_of(matches: &ArgMatches) -> Result<Option<RunRecord>> {
    let Some((job, m)) = matches.subcommand() else {
        return Ok(None);
    };
    if !JOBS.contains(&job) {
        return Ok(None);
    }
    let (run, out) = options_given(job, m)?;
    let study = Study {
        path: PathBuf::from("the command line"),
        base: PathBuf::new(),
        runs: vec![run],
    };
    let (_, record) = lower(&study, &study.runs[0], Some(&out), false)?;
    Ok(Some(record))
}

/// Records a job given on the command line ([`RECORDING`]); nothing for
/// the other commands.
pub fn record_command_line(matches: &ArgMatches) -> Result<()> {
    if let Some(record) = record_of(matches)? {
        *RECORDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Recording {
            record: record.to_json(),
            command: record.command,
            study: None,
            files: Vec::new(),
            records: Vec::new(),
        });
    }
    Ok(())
}

/// A size as `--max-inflate` reads it, in the largest unit that divides
/// it (`17179869184` → `16G`).
fn size_text(bytes: u64) -> String {
    ["T", "G", "M", "K"]
        .iter()
        .zip([40, 30, 20, 10])
        .find(|&(_, shift)| bytes.trailing_zeros() >= shift)
        .map_or(bytes.to_string(), |(unit, shift)| {
            format!("{}{unit}", bytes >> shift)
        })
}

/// The first line of a clap error, without its `error: ` prefix, and the
/// option it names (`--year`).
fn clap_message(e: &clap::Error) -> (String, Option<String>) {
    let text = e.to_string();
    let line = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string();
    let option = line.split('\'').find(|p| p.starts_with("--")).map(|p| {
        p.trim_start_matches("--")
            .split([' ', '<', '='])
            .next()
            .unwrap_or("")
            .to_string()
    });
    (line, option)
}

pub fn run(a: RunArgs) -> Result<()> {
    let study = Study::read(&a.study)?;
    study.check_keys(&JOBS, |job| JOBS.contains(&job).then(|| keys_of(job)).flatten())?;
    let mut lowered = Vec::new();
    // `medaccess --max-inflate N run …` applies to every run that doesn't
    // set its own, and so its records hold it
    let outer = medaccess::io::inflate_limit_set();
    for run in &study.runs {
        let run = &match outer {
            Some(n) if !run.options.contains_key("max-inflate") => {
                let mut with = run.clone();
                with.options
                    .insert("max-inflate".into(), OptionValue::Str(size_text(n)));
                with
            }
            _ => run.clone(),
        };
        let (args, record) = lower(&study, run, a.out.as_deref(), a.out.is_some())?;
        // clap checks every value and combination before anything runs
        let cli = Cli::try_parse_from(&args).map_err(|e| {
            let (message, option) = clap_message(&e);
            let line = option.map_or(run.line, |o| run.line_of(&o));
            anyhow!(
                "{}:{line}: run {} ({}): {message}",
                study.path.display(),
                lowered.len() + 1,
                run.job
            )
        })?;
        if let Some(data) = run.data.as_ref().filter(|d| **d != record.data) {
            console::warn(&format!(
                "{}: the record was made from the data in {data}; this run reads {} \
                 (set {} to read the same data)",
                study.path.display(),
                record.data,
                medaccess::jobs::DATA_ENV
            ));
        }
        lowered.push((args, record, cli));
    }
    let n = lowered.len();
    let mut files = Vec::new();
    for (k, (args, record, cli)) in lowered.into_iter().enumerate() {
        console::out(&format!(
            "== run {} of {n} ({}:{}): {}\n",
            k + 1,
            study.path.display(),
            study.runs[k].line,
            shell_line(&args)
        ))?;
        if a.dry_run {
            continue;
        }
        *RECORDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Recording {
            record: record.to_json(),
            command: record.command.clone(),
            study: Some(a.study.clone()),
            files: std::mem::take(&mut files),
            records: Vec::new(),
        });
        // the run's own `max-inflate`, else the one `run` was given
        let outer = medaccess::io::inflate_limit_set();
        medaccess::io::set_inflate_limit(cli.max_inflate.or(outer));
        let result = super::dispatch(cli.command);
        medaccess::io::set_inflate_limit(outer);
        let rec = RECORDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        result.map_err(|e| {
            anyhow!(
                "{}:{}: run {} ({}): {e:#}",
                study.path.display(),
                study.runs[k].line,
                k + 1,
                record.job
            )
        })?;
        if let Some(rec) = rec {
            files = rec.files;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_in_the_largest_unit_that_divides_them() {
        assert_eq!(size_text(16 << 30), "16G");
        assert_eq!(size_text(1024), "1K");
        assert_eq!(size_text(1536), "1536");
        assert_eq!(size_text(3 << 40), "3T");
        for n in [1, 1000, 1024, 1536, 16 << 30, 5 << 41] {
            assert_eq!(medaccess::io::parse_size(&size_text(n)), Ok(n));
        }
    }

    #[test]
    fn every_job_of_a_study_is_a_command_with_options() {
        for job in JOBS {
            let keys = keys_of(job).unwrap();
            assert!(keys.iter().any(|k| k == "out"), "{job}: {keys:?}");
            assert!(keys.iter().any(|k| k == "max-inflate"), "{job}: {keys:?}");
        }
        assert!(keys_of("sweep").is_some() && keys_of("nope").is_none());
    }

    #[test]
    fn runs_lower_to_their_command_line() {
        let s = Study::parse(
            "[defaults]\ndep = [\"64\", \"65\"]\n[[run]]\njob = \"access\"\nsplit-by-dep = true\nthreshold = 45.5\nfacilities = \"f.csv\"\nreport = \"r.html\"\nout = \"o\"\n",
            Path::new("/s/study.toml"),
        )
        .unwrap();
        let (args, record) = lower(&s, &s.runs[0], None, false).unwrap();
        assert_eq!(
            args.join(" "),
            "medaccess access --dep 64,65 --facilities /s/f.csv --report /s/o/r.html --split-by-dep --threshold 45.5 --out /s/o"
        );
        assert_eq!(
            record.command,
            "medaccess access --dep 64,65 --facilities /s/f.csv --report r.html --split-by-dep --threshold 45.5"
        );
        assert_eq!(record.options["report"], OptionValue::Str("r.html".into()));
        assert!(!record.options.contains_key("out"));
        let (args, _) = lower(&s, &s.runs[0], Some(Path::new("elsewhere")), true).unwrap();
        assert!(args.ends_with(&["--out".into(), "elsewhere".into()]), "{args:?}");
        // an absolute report goes into `--out` by its file name
        let s = Study::parse(
            "[[run]]\njob = \"rank\"\nreport = \"/far/r.html\"\n",
            Path::new("/s/study.toml"),
        )
        .unwrap();
        let (args, record) = lower(&s, &s.runs[0], Some(Path::new("elsewhere")), true).unwrap();
        assert!(args.contains(&"elsewhere/r.html".to_string()), "{args:?}");
        assert_eq!(record.options["report"], OptionValue::Str("/far/r.html".into()));
        let (args, _) = lower(&s, &s.runs[0], None, false).unwrap();
        assert!(args.contains(&"/far/r.html".to_string()), "{args:?}");
        // a relative report that climbs out of the output folder: into
        // `--out` by its file name, refused in a study (written nowhere)
        let s = Study::parse(
            "[[run]]\njob = \"rank\"\nreport = \"../../esc.html\"\nout = \"o\"\n",
            Path::new("/s/study.toml"),
        )
        .unwrap();
        let (args, record) = lower(&s, &s.runs[0], Some(Path::new("elsewhere")), true).unwrap();
        assert!(args.contains(&"elsewhere/esc.html".to_string()), "{args:?}");
        assert_eq!(
            record.options["report"],
            OptionValue::Str("../../esc.html".into())
        );
        let e = lower(&s, &s.runs[0], None, false).unwrap_err().to_string();
        assert!(
            e.contains("/s/study.toml:3: `report`") && e.contains("leaves the run's output folder"),
            "{e}"
        );
        // the engine is a name or a file
        let s = Study::parse(
            "[[run]]\njob = \"access\"\ncommune-profile = \"v2\"\n",
            Path::new("/s/study.toml"),
        )
        .unwrap();
        let (args, _) = lower(&s, &s.runs[0], None, false).unwrap();
        assert!(args.contains(&"v2".to_string()), "{args:?}");
    }

    /// The record of `medaccess args…` given on the command line.
    fn record(args: &[&str]) -> Option<RunRecord> {
        let m = Cli::command().get_matches_from(std::iter::once("medaccess").chain(args.iter().copied()));
        record_of(&m).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_is_not_recorded() {
        use std::ffi::{OsStr, OsString};
        use std::os::unix::ffi::OsStrExt;
        let args: Vec<OsString> = ["medaccess", "rank", "--dep", "64", "--facilities"]
            .iter()
            .map(OsString::from)
            .chain([OsStr::from_bytes(b"sites-\xff.csv").to_os_string()])
            .collect();
        let m = Cli::command().get_matches_from(args);
        let e = record_of(&m).unwrap_err().to_string();
        assert!(
            e.starts_with("--facilities sites-\u{FFFD}.csv: not UTF-8: the record (<name>.config.json) could not name this path"),
            "{e}"
        );
    }

    #[test]
    fn a_command_line_records_what_a_study_of_it_would() {
        let r = record(&[
            "access",
            "--dep",
            "64,65",
            "--year=2016",
            "--threshold",
            "45.50",
            "--split-by-dep",
            "--facilities",
            "f.csv",
            "--report",
            "o/r.html",
            "--lang",
            "en",
            "--out",
            "o",
        ])
        .unwrap();
        let abs = |p: &str| OptionValue::Str(std::path::absolute(p).unwrap().display().to_string());
        let s = |t: &str| OptionValue::Str(t.into());
        assert_eq!(
            r.options,
            std::collections::BTreeMap::from([
                ("dep".to_string(), OptionValue::List(vec![s("64"), s("65")])),
                ("facilities".into(), abs("f.csv")),
                ("lang".into(), s("en")),
                ("report".into(), s("r.html")),
                ("split-by-dep".into(), OptionValue::Bool(true)),
                ("threshold".into(), OptionValue::Float(45.5)),
                ("year".into(), OptionValue::Int(2016)),
            ])
        );
        assert!(
            r.command
                .ends_with(" --lang en --report r.html --split-by-dep --threshold 45.5 --year 2016")
        );
        // read back as a study, it lowers to the same record
        let again = Study::from_record(&r.to_json(), Path::new("/x/r.config.json")).unwrap();
        assert_eq!(lower(&again, &again.runs[0], None, false).unwrap().1, r);
        // defaults are not recorded; a report outside `--out` is absolute
        let r = record(&["rank", "--dep", "64", "--report", "o/../r.html", "--out", "o"]).unwrap();
        assert_eq!(r.options.keys().collect::<Vec<_>>(), ["dep", "report"]);
        assert_eq!(r.options["report"], abs("o/../r.html"));
        // a count past i64 stays as typed
        let r = record(&["rank", "--dep", "64", "--top", "18446744073709551615"]).unwrap();
        assert_eq!(r.options["top"], OptionValue::Str("18446744073709551615".into()));
        // the global `--max-inflate` is an option of every job, as typed
        let r = record(&["--max-inflate", "16G", "rank", "--dep", "64"]).unwrap();
        assert_eq!(r.options["max-inflate"], OptionValue::Str("16G".into()));
        let r = record(&["rank", "--dep", "64", "--max-inflate=1K"]).unwrap();
        assert_eq!(r.options["max-inflate"], OptionValue::Str("1K".into()));
        assert!(r.command.contains("--max-inflate 1K"), "{}", r.command);
        // the embedded data is not a path of the file system
        let r = record(&["rank", "--dep", "64", "--fixtures", "embedded:fixtures"]).unwrap();
        assert_eq!(
            r.options["fixtures"],
            OptionValue::Str("embedded:fixtures".into())
        );
        // not a job: no record
        assert!(record(&["synthetic"]).is_none());
        assert!(record(&["sweep", "plan.toml"]).is_none());
    }
}
