//! Prints every validation figure of the commune-estimate engine (profile
//! v2, with v1 beside it): the national 2017 DREES figures, Oloron to
//! Pau, Corsica's held-out communes against the road network, the quoted
//! mainland drive times, errors by road class, distance and terrain, the
//! worst pairs, the GP APL correlation, and the issue-14 targets.
//!
//! ```text
//! cargo run --release --example validate_commune_engine -- [SHARED_DATA_DIR]
//! ```
//! Default data dir: `../shared/data`. Reads the shipped fixtures and
//! `osm-fr-corse/`, `communes-france/` (2A, 2B), `gp-supply/`,
//! `apl-drees-2023/`. Writes nothing. `docs/commune-engine.md` quotes the
//! output as it is, and the full-suite test `commune_figures` fails when
//! they differ.

#[path = "support/commune_eval.rs"]
mod eval;
#[path = "support/commune_report.rs"]
mod report;

fn main() -> anyhow::Result<()> {
    let data = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "../shared/data".into()));
    print!("{}", report::report(&data)?);
    Ok(())
}
