//! What a benchmark record says of its run: when, and on which machine
//! (shared by the examples that write `docs/bench/*.md`; each uses part of it).
#![allow(dead_code)]

/// The current time, `YYYY-MM-DD HH:MM UTC`.
pub fn utc_now() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Cores, processor model and memory of this machine, from /proc.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown processor", |(_, m)| m.trim());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0 / 1024.0);
    format!(
        "{} cores ({model}), {gib:.0} GiB",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    )
}

/// The load averages over 1, 5 and 15 minutes, from /proc/loadavg.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Writes `report` to `file` under the line that says when (`started`),
/// with which command (example `example`, arguments `args`) and on which
/// machine the run was made; says so on standard error.
pub fn write(file: &str, example: &str, args: &[String], started: &str, report: &str) -> anyhow::Result<()> {
    let header = format!(
        "Run of {started}, `cargo run --release --example {example} -- {}`, {}.\n\n",
        args.join(" "),
        machine()
    );
    std::fs::write(file, header + report)
        .map_err(|e| anyhow::anyhow!("{file}: cannot write the results: {e}"))?;
    eprintln!("results written to {file}");
    Ok(())
}
