//! `medaccess sweep`: a grid of parameters or closures from a TOML plan,
//! on all local cores, as one task of a Slurm array, or merged from the
//! tasks' parts.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use medaccess::Error;
use medaccess::jobs::{PartFile, Sweep};
use medaccess::output::WriteOptions;

use super::console;
use super::setup::{self, Bar};

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The plan (TOML; see docs/sweeps.md).
    pub plan: PathBuf,
    /// Run task N of the plan only and write its part
    /// (`<name>-task-N.csv`), e.g. `--task $SLURM_ARRAY_TASK_ID`.
    #[arg(long, value_name = "N", conflicts_with = "merge")]
    pub task: Option<usize>,
    /// Merge the parts of every task (in --out) into the sweep's tables.
    #[arg(long)]
    pub merge: bool,
    /// Threads (default: every core).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Output folder.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Print the number of tasks of the plan and exit (for `sbatch --array`).
    #[arg(long)]
    pub count_tasks: bool,
}

pub fn run(a: SweepArgs) -> Result<()> {
    let sweep = Sweep::read(&a.plan)?;
    if a.count_tasks {
        console::out(&format!("{}\n", sweep.tasks()))?;
        return Ok(());
    }
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(w) = a.workers {
        if w == 0 {
            bail!("--workers must be at least 1");
        }
        pool = pool.num_threads(w);
    }
    let pool = pool.build()?;
    pool.install(|| run_in_pool(&a, &sweep))
}

fn run_in_pool(a: &SweepArgs, sweep: &Sweep) -> Result<()> {
    let progress = Bar::new();
    if a.merge {
        let paths: Vec<PathBuf> = (0..sweep.tasks())
            .map(|t| a.out.join(sweep.part_name(t)))
            .collect();
        let parts: Vec<PartFile> = paths.iter().cloned().map(PartFile::Path).collect();
        let r = sweep.merge_parts(&parts).map_err(|e| match e {
            // a part not there (or unreadable): say which task writes it
            Error::Io { ref path, .. } => match paths.iter().position(|p| p == path) {
                Some(t) => e.with_note(&format!(
                    "(run `medaccess sweep {} --task {t}` first)",
                    a.plan.display()
                )),
                None => e,
            },
            e => e,
        })?;
        return finish(a, sweep, r);
    }
    if let Some(t) = a.task {
        // a task the plan has not, refused before the data is loaded
        sweep.task_range(t)?;
    }
    let t0 = std::time::Instant::now();
    let ctx = sweep.load(&progress)?;
    for w in ctx.warnings.iter().chain(&ctx.input_warnings) {
        console::warn(w);
    }
    console::err(&format!(
        "{}\nloaded in {:.2} s; {} communes in scope; {} scenarios in {} tasks on {} threads",
        ctx.engine.describe(),
        t0.elapsed().as_secs_f64(),
        ctx.in_scope.len(),
        sweep.scenarios.len(),
        sweep.tasks(),
        rayon::current_num_threads()
    ));
    let t1 = std::time::Instant::now();
    if let Some(t) = a.task {
        let values = sweep.run_task(&ctx, t, &progress)?;
        let opts = WriteOptions::new(&a.out, sweep.plan.name.clone());
        let staged = setup::stage(&opts, &[], &[sweep.part_document(t, &values)?])?;
        let mut text = format!(
            "== Sweep {} task {t}: scenarios {} to {} in {:.2} s\n",
            sweep.plan.name,
            values.scenarios.start,
            values.scenarios.end - 1,
            t1.elapsed().as_secs_f64(),
        );
        setup::wrote(&mut text, staged.files());
        return setup::print_and_commit(&text, staged);
    }
    let r = sweep.run(&ctx, &progress)?;
    let secs = t1.elapsed().as_secs_f64();
    console::err(&format!(
        "{} scenarios in {secs:.2} s: {:.2} scenarios per second on {} threads",
        sweep.scenarios.len(),
        sweep.scenarios.len() as f64 / secs,
        rayon::current_num_threads()
    ));
    finish(a, sweep, r)
}

fn finish(a: &SweepArgs, sweep: &Sweep, r: medaccess::jobs::SweepResult) -> Result<()> {
    let opts = WriteOptions::new(&a.out, sweep.plan.name.clone());
    let staged = setup::stage(&opts, &[], &r.documents()?)?;
    let mut text = r.summary_text();
    setup::wrote(&mut text, staged.files());
    setup::print_and_commit(&text, staged)
}
