//! What every command does first (load the context, print what loading
//! found) and the notes every command prints on stderr.

use std::path::{Path, PathBuf};

use anyhow::Result;
use medaccess::Scope;
use medaccess::facilities::FacilitySet;
use medaccess::jobs::{AccessResult, Context, Progress};
use medaccess::output::{Document, Layer, Staged, WriteOptions};

use super::args::{DataArgs, FormatArgs, ScopeArgs};
use super::console;

/// Progress bars on stderr (hidden when stderr is not a terminal) and
/// timings.
pub struct Bar {
    bar: indicatif::ProgressBar,
}

impl Bar {
    pub fn new() -> Self {
        use std::io::IsTerminal;
        let bar = if std::io::stderr().is_terminal() {
            let pb = indicatif::ProgressBar::new(100);
            pb.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            pb
        } else {
            indicatif::ProgressBar::hidden()
        };
        Bar { bar }
    }
}

impl Progress for Bar {
    fn step(&self, what: &str, done: u64, total: u64) {
        // One bar serves every stage: a stage that starts after another
        // finished it (reading roads, loading) starts it again, or it would
        // stay hidden for the rest of the run.
        let restart = self.bar.is_finished();
        if restart && done >= total {
            return;
        }
        self.bar.set_message(what.to_string());
        if restart {
            self.bar.reset();
        }
        if let Some(pct) = (done * 100).checked_div(total) {
            self.bar.set_position(pct);
        }
        if done >= total {
            self.bar.finish_and_clear();
        }
    }

    fn timing(&self, what: &str, seconds: f64) {
        console::err(&format!("{what} computed in {seconds:.3} s"));
    }
}

/// Loads the context of a command and says on stderr what it loaded.
pub fn load(scope: &ScopeArgs, data: &DataArgs, progress: &Bar) -> Result<Context> {
    let scope = scope.scope()?;
    let data = data.data()?;
    let t0 = std::time::Instant::now();
    let ctx = Context::load(&data, scope, progress)?;
    progress.bar.finish_and_clear();
    for w in ctx.warnings.iter().chain(&ctx.input_warnings) {
        console::warn(w);
    }
    console::err(&format!(
        "{}\nloaded in {:.2} s; {} communes in scope",
        ctx.engine.describe(),
        t0.elapsed().as_secs_f64(),
        ctx.in_scope.len()
    ));
    Ok(ctx)
}

/// The command line, as the report's methods section shows it.
///
/// For a run that is recorded (every job, from the command line or a
/// study), its command line as its record holds it (what a reader can
/// type; the same whatever folder the run was written to).
pub fn command_line() -> String {
    let recording = RECORDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match recording.as_ref() {
        Some(r) => r.command.clone(),
        None => std::env::args().collect::<Vec<_>>().join(" "),
    }
}

/// Prints the placement warnings of a set about sites in the scope's
/// départements (a warning starts with the facility's id, whose first
/// characters are the département for FINESS numbers) and counts the
/// others; `listed_in` names the file holding all of them. Each is printed
/// once however many sets repeat it (history reads eleven years).
pub fn set_warnings(warnings: &[String], deps: Option<&[String]>, listed_in: Option<&Path>) {
    let local = |w: &str| deps.is_none_or(|d| d.iter().any(|d| w.starts_with(d.as_str())));
    let mut shown = 0;
    for w in warnings.iter().filter(|w| local(w)) {
        console::warn(w);
        shown += 1;
    }
    let others = warnings.len() - shown;
    if others > 0 {
        console::note(&match listed_in {
            Some(p) => format!(
                "{others} facility placement warnings elsewhere in France, listed in {}",
                p.display()
            ),
            None => {
                format!("{others} facility placement warnings elsewhere in France (see `access` outputs)")
            }
        });
    }
}

/// `id name (distance m)` of an item left off a road network.
fn far_item(id: &str, name: &str, snap_m: Option<f64>) -> String {
    format!("{id} {name} ({:.0} m)", snap_m.unwrap_or(0.0))
}

/// Notes about the sites and communes that could not be entered into a
/// road network.
pub fn far_notes(r: &AccessResult) {
    if !r.far_sites.is_empty() {
        // Facilities far outside the network are expected (a regional
        // extract, a national list): list only those near it, count the
        // others.
        let near: Vec<String> = r
            .far_sites
            .iter()
            .filter(|&&i| r.site_snap_m[i].is_some_and(|d| d < 50_000.0))
            .map(|&i| far_item(&r.sites[i].id, &r.sites[i].name, r.site_snap_m[i]))
            .collect();
        console::note(&format!(
            "{} facilities are farther than the snap limit from any road and left off the graph ({} of them more than 50 km away: outside the network){}{}",
            r.far_sites.len(),
            r.far_sites.len() - near.len(),
            if near.is_empty() {
                ""
            } else {
                "; near the network: "
            },
            near.join("; ")
        ));
    }
    if !r.far_places.is_empty() {
        let list: Vec<String> = r
            .far_places
            .iter()
            .take(20)
            .map(|&i| far_item(&r.places[i].id, &r.places[i].name, r.snap_m[i]))
            .collect();
        console::warn(&format!(
            "{} communes farther than the snap limit from any road (outside the network?) are left unreachable: {}{}",
            r.far_places.len(),
            list.join("; "),
            if r.far_places.len() > 20 { "; …" } else { "" }
        ));
    }
}

/// How the terminal names a set: `2016` for the DREES list, else its file.
pub fn set_of(set: &FacilitySet) -> String {
    use medaccess::facilities::SetSource;
    match &set.source {
        SetSource::Drees { year } => year.to_string(),
        SetSource::Bpe { path, .. } | SetSource::File { path } => path.display().to_string(),
    }
}

/// A tag for file names: the DREES year, else the kind (`emergency`).
pub fn set_tag(set: &FacilitySet) -> String {
    use medaccess::facilities::SetSource;
    match &set.source {
        SetSource::Drees { year } => year.to_string(),
        _ => set.kind.code().to_string(),
    }
}

/// The stem of a command's files: `<command>-<scope>-<set>`.
pub fn stem(command: &str, scope: &Scope, set: &FacilitySet) -> String {
    format!("{command}-{}-{}", scope.tag(), set_tag(set))
}

/// `  wrote FILE` for each file but the run's record ([`print_and_commit`]
/// prints it once, as `recorded`).
pub fn wrote<'a>(out: &mut String, files: impl IntoIterator<Item = &'a Path>) {
    use std::fmt::Write;
    let records = RECORDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
        .map(|r| r.records.clone())
        .unwrap_or_default();
    for f in files.into_iter().filter(|f| !records.iter().any(|r| r == f)) {
        let _ = writeln!(out, "  wrote {}", f.display());
    }
}

/// How a command writes: into `out`, as `--format`/`--crs` ask, the
/// GeoPackage named `name`, never over one of `inputs`.
pub fn write_options(
    out: &Path,
    format: &FormatArgs,
    name: String,
    inputs: Vec<PathBuf>,
) -> Result<WriteOptions> {
    Ok(WriteOptions {
        formats: format.formats()?,
        crs: medaccess::output::OutputCrs::from_epsg(format.crs)?,
        inputs,
        ..WriteOptions::new(out, name)
    })
}

/// What a recorded run writes besides its outputs: its record, and in a
/// study the files earlier runs of the study wrote (a later run never
/// replaces them).
pub struct Recording {
    /// The run's record (`<name>.config.json` beside its outputs).
    pub record: String,
    /// The run's command line (reports print it).
    pub command: String,
    /// The study file (never an output); `None` for a command line.
    pub study: Option<PathBuf>,
    /// Every file of the study's runs so far (as [`same_file`] names it).
    pub files: Vec<PathBuf>,
    /// The records written by the current run.
    pub records: Vec<PathBuf>,
}

/// Set around every job: by `medaccess run` for each run of a study, by
/// [`super::run`] for a job given on the command line.
pub static RECORDING: std::sync::Mutex<Option<Recording>> = std::sync::Mutex::new(None);

/// The name of `file` that is the same for every spelling of it (`a/x`,
/// `./a/x`, `b/../a/x`, through a link): its folder canonical, then its
/// name. The folder exists once the file is staged.
fn same_file(file: &Path) -> PathBuf {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(dir), file.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => file.to_path_buf(),
    }
}

/// Stages every file of a run (nothing is in place yet). For a recorded
/// run ([`RECORDING`]) its record is one of its files, in the same
/// transaction, and the GeoPackage's metadata.
pub fn stage(opts: &WriteOptions, layers: &[Layer], documents: &[Document]) -> Result<Staged> {
    let mut recording = RECORDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(rec) = recording.as_mut() else {
        return Ok(medaccess::output::stage(opts, layers, documents)?);
    };
    let name = format!("{}.config.json", opts.name);
    let mut documents = documents.to_vec();
    documents.push(Document::named(name.clone(), rec.record.clone().into_bytes()));
    let opts = WriteOptions {
        inputs: opts.inputs.iter().cloned().chain(rec.study.clone()).collect(),
        record: Some(rec.record.clone()),
        ..opts.clone()
    };
    let staged = medaccess::output::stage(&opts, layers, &documents)?;
    if let Some(f) = staged
        .files()
        .into_iter()
        .find(|f| rec.files.contains(&same_file(f)))
    {
        anyhow::bail!(
            "{} is written by an earlier run of the study: give this run another `out`",
            f.display()
        );
    }
    rec.files.extend(staged.files().into_iter().map(same_file));
    rec.records.push(opts.dir.join(name));
    Ok(staged)
}

/// Prints what the run says, then puts its files in place. The summary is
/// printed before the commit: a run that cannot print (a full disk behind
/// `> file`) fails and leaves no file, and one whose reader left (`| head`)
/// still commits complete files.
pub fn print_and_commit(text: &str, staged: Staged) -> Result<()> {
    let mut text = text.to_string();
    if let Some(rec) = RECORDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
    {
        for r in &rec.records {
            text.push_str(&format!("  recorded {}\n", r.display()));
        }
    }
    console::out(&text)?;
    for n in &staged.notes {
        console::note(n);
    }
    staged.commit()?;
    Ok(())
}
