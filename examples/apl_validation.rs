//! Compares our 2SFCA with DREES's published APL 2023 for the communes of
//! Pyrénées-Atlantiques (64) and Hautes-Pyrénées (65), on the shipped
//! whole-France commune graph (`engine=commune-estimate`).
//!
//! ```text
//! cargo run --release --example apl_validation -- [SHARED_DATA_DIR] [DECAY] [CONSULTATIONS_PER_GP]
//! ```
//! Defaults: `../shared/data`, `drees` (see `medaccess::gp::Decay::parse`),
//! 5,400 consultations per GP and year (the figure regional health agencies
//! use to turn GP APL in FTE per 100,000 into consultations; used only to
//! put DREES's 2.5 threshold in our unit). Reads
//! `gp-supply/gp_d201_by_commune.csv` (BPE D201, probably 2017) and
//! `apl-drees-2023/…dep64_dep65.csv`. Prints the figures; writes nothing.
//!
//! The run covers all of France (supply across département borders counts),
//! the comparison only 64 and 65. Our value is GPs (head count) per 100,000
//! inhabitants, population INSEE 2017, no age standardisation: the rank
//! correlation is the unit-free figure.

#[path = "support/commune_eval.rs"]
mod eval;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use medaccess::communes::fixtures;
use medaccess::communes::graph::ENGINE;
use medaccess::gp::Decay;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = PathBuf::from(args.first().map_or("../shared/data", String::as_str));
    let decay_spec = args.get(1).map_or("drees", String::as_str);
    let decay = Decay::parse(decay_spec)?;
    let per_gp: f64 = args.get(2).map_or(Ok(5400.0), |s| s.parse())?;

    let t = Instant::now();
    let cg = fixtures::load_fixture_graph(&fixtures::default_dir())?;
    let read_s = t.elapsed().as_secs_f64();
    let apl = eval::apl_against_drees(&data, &cg, decay, per_gp, 15)?;
    let names: BTreeMap<&str, &str> = apl
        .published
        .iter()
        .map(|r| (r.insee.as_str(), r.name.as_str()))
        .collect();

    println!("engine={ENGINE}  decay={decay_spec}");
    println!(
        "France: {} communes, {} GP communes, {} GPs; supply in {} communes not in the graph ({} GPs: merged since the BPE vintage); repeated rows {:?}",
        apl.codes.len(),
        apl.model.sites().len(),
        apl.model.supply().iter().sum::<f64>(),
        apl.unmatched.len(),
        apl.unmatched.iter().map(|u| u.1).sum::<f64>(),
        apl.bpe.repeated
    );
    println!(
        "time: graph read {read_s:.2} s, pairs + 2SFCA + nearest + within 10/20/30 min {:.2} s ({} pairs, {} rayon threads)",
        apl.run_s,
        apl.model.pairs().num_pairs(),
        rayon::current_num_threads()
    );
    println!(
        "64+65: {} communes matched, {} only ours, {} only DREES",
        apl.cmp.matched,
        apl.cmp.only_ours.len(),
        apl.cmp.only_published.len()
    );
    println!(
        "Spearman rank correlation: {:.3}",
        apl.cmp.spearman.unwrap_or(f64::NAN)
    );
    println!(
        "same side of 2.5 (ours {:.1} GP/100k = 2.5 x 100,000 / {per_gp}): {:.1} %",
        apl.cmp.our_threshold,
        100.0 * apl.cmp.same_side
    );
    println!(
        "same side, our threshold matched by quantile ({:.1} GP/100k): {:.1} %",
        apl.cmp.matched_our_threshold,
        100.0 * apl.cmp.same_side_matched
    );
    println!("largest disagreements (percentile ranks):");
    println!(
        "insee  name                        ours GP/100k (rank)  DREES (rank)  pop    nearest  GPs<=10/20/30 min"
    );
    for d in &apl.cmp.disagreements {
        let k = cg.node_of(&d.insee).map_or(0, |v| v as usize);
        let r = &apl.table.rows[k];
        println!(
            "{}  {:<26} {:8.1} ({:.2})      {:4.1} ({:.2})   {:5}  {:>5}    {}/{}/{}",
            d.insee,
            names.get(d.insee.as_str()).copied().unwrap_or(""),
            d.ours,
            d.our_rank,
            d.published,
            d.published_rank,
            apl.population[k],
            r.nearest_minutes.map_or("-".to_string(), |m| format!("{m:.1}")),
            r.within[0],
            r.within[1],
            r.within[2]
        );
    }
    Ok(())
}
