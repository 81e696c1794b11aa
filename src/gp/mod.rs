//! Access to general practitioners (GPs): the capacity-aware two-step
//! floating catchment area (2SFCA) behind DREES's APL indicator, with the
//! distance measures read beside it, exact scenario deltas, and the
//! comparison with the published APL.
//!
//! Data flows: [`supply`] (GP counts and practitioner files → supply per
//! commune) → [`catchment`] (bounded searches → who reaches which site,
//! patient → GP) → [`fca`] (the two steps, nearest GP, GPs within N
//! minutes, scenarios) → [`output`] (the per-commune table) →
//! [`apl`] (comparison with DREES). The decay
//! functions and their sources are in [`decay`].
//!
//! # Examples
//! ```
//! use medaccess::graph::{Edge, RoadGraph};
//! use medaccess::gp::{Decay, GpModel, SupplySite};
//! use medaccess::units::minutes;
//! // commune 0 (1,000 people, 2 GPs) --12 min-- commune 1 (1,000 people)
//! let t = minutes(12.0);
//! let g = RoadGraph::from_edges(2, &[Edge::new(0, 1, t), Edge::new(1, 0, t)]).unwrap();
//! let sites = vec![SupplySite { node: 0, home: Some(0), supply: 2.0 }];
//! let m = GpModel::new(&g, vec![0, 1], vec![1000.0, 1000.0], sites, Decay::drees(), minutes(30.0)).unwrap();
//! // step 1: R = 2 / (1·1000 + 2/3·1000) = 0.0012; step 2: A0 = R, A1 = 2/3 R
//! let a = &m.fca().accessibility;
//! assert!((a[0] - 0.0012).abs() < 1e-15 && (a[1] - 0.0008).abs() < 1e-15);
//! ```

pub mod apl;
pub mod catchment;
pub mod decay;
pub mod fca;
pub mod output;
pub mod supply;

pub use apl::{
    AplRow, Comparison, DREES_UNDER_SERVED, Disagreement, average_ranks, compare, matched_threshold,
    read_apl, same_side_share, spearman,
};
pub use catchment::{Direction, Pairs, SupplySite};
pub use decay::{Decay, Step};
pub use fca::{Fca, GpModel, PER_100K, SupplyChange, nearest_supply, supply_within, two_step, under_served};
pub use output::{GpRow, GpTable};
pub use supply::{
    BpeCounts, PractitionerColumns, SupplyLocation, SupplyPoint, parse_insee, read_bpe_d201,
    read_demand_weights, read_practitioners, supply_by_commune,
};

use std::collections::BTreeMap;

use crate::units::NodeId;

/// Places per-commune supply on demand units: one [`SupplySite`] per commune with
/// supply > 0, on that commune's node, with the commune as its `home`
/// (travel inside a commune counts as zero). `codes[k]` and `nodes[k]` are
/// unit `k`'s INSEE code and node. Sites come in unit order.
///
/// Returns the sites and the supply whose commune is not among the units
/// (e.g. a commune merged since the supply's vintage), which the caller
/// must report, never drop silently.
pub fn sites_from_communes(
    supply: &BTreeMap<String, f64>,
    codes: &[String],
    nodes: &[NodeId],
) -> (Vec<SupplySite>, Vec<(String, f64)>) {
    let mut sites = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, c) in codes.iter().enumerate() {
        index.entry(c.as_str()).or_insert(k);
    }
    for (k, (c, &node)) in codes.iter().zip(nodes).enumerate() {
        if index.get(c.as_str()) != Some(&k) {
            continue; // a repeated code gets its supply once
        }
        if let Some(&s) = supply.get(c)
            && s > 0.0
        {
            sites.push(SupplySite {
                node,
                home: Some(k as u32),
                supply: s,
            });
        }
    }
    let unmatched = supply
        .iter()
        .filter(|(c, _)| !index.contains_key(c.as_str()))
        .map(|(c, &s)| (c.clone(), s))
        .collect();
    (sites, unmatched)
}

/// Population times the commune's demand weight (1 for communes the weight
/// file does not list). Returns the weighted population and the codes that
/// had no weight, to report.
pub fn weighted_population(
    codes: &[String],
    population: &[f64],
    weights: &BTreeMap<String, f64>,
) -> (Vec<f64>, Vec<String>) {
    let mut missing = Vec::new();
    let out = codes
        .iter()
        .zip(population)
        .map(|(c, &p)| match weights.get(c) {
            Some(w) => p * w,
            None => {
                missing.push(c.clone());
                p
            }
        })
        .collect();
    (out, missing)
}

#[cfg(test)]
mod tests;
