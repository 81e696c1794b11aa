//! The two-step floating catchment area (2SFCA) family, the method behind
//! DREES's APL, plus the plain distance measures a planner reads beside it
//! (minutes to the nearest GP, GPs within 10/20/30 minutes) and exact
//! scenario deltas.
//!
//! With `P_k` the (optionally need-weighted) population of demand unit `k`,
//! `S_j` the supply of site `j`, `t_kj` the patient → site time and `w` a
//! [`Decay`]:
//!
//! * step 1, each site's supply-to-demand ratio:
//!   `R_j = S_j / Σ_k w(t_kj) P_k`;
//! * step 2, each unit's accessibility: `A_i = Σ_j w(t_ij) R_j`.
//!
//! # Units
//! `A_i` is **supply per inhabitant**, in the unit of `S_j`: with GP counts
//! (BPE D201) it is GPs per inhabitant — multiply by 100,000 for GPs per
//! 100,000 inhabitants ([`PER_100K`]); with consultations per year per site it
//! is consultations per inhabitant per year, DREES's APL unit, where
//! DREES reads under 2.5 as under-served. The two differ by the mean number
//! of consultations per GP (and DREES's age standardisation), so to compare
//! a count-based run with published APL use rank correlation, which is
//! unit-free (see [`super::apl`]).
//!
//! # Conservation
//! `Σ_i P_i A_i = Σ_j S_j` over the sites some unit reaches with a positive
//! weight: the supply is shared out, never created or lost. A site nobody
//! reaches keeps its supply out of the sum ([`Fca::stranded_supply`]).

use rayon::prelude::*;

use super::catchment::{Pairs, SupplySite};
use super::decay::Decay;
use crate::error::{Error, Result};
use crate::graph::RoadGraph;
use crate::route::{BoundedSearch, Label, Seed, nearest};
use crate::units::{NodeId, Time};

/// Multiplier from "per inhabitant" to "per 100,000 inhabitants".
pub const PER_100K: f64 = 100_000.0;

/// The result of a 2SFCA run.
#[derive(Debug, Clone, PartialEq)]
pub struct Fca {
    /// Per site: `Σ_k w(t_kj) P_k`, the decay-weighted population it serves.
    pub catchment_population: Vec<f64>,
    /// Per site: `R_j`, supply per weighted inhabitant (0 when no one is in
    /// its catchment).
    pub ratio: Vec<f64>,
    /// Per demand unit: `A_i`, supply per inhabitant (see the module docs
    /// for units).
    pub accessibility: Vec<f64>,
}

impl Fca {
    /// Supply of the sites whose catchment holds no population: it reaches
    /// no one, so it is not in any accessibility.
    pub fn stranded_supply(&self, supply: &[f64]) -> f64 {
        self.catchment_population
            .iter()
            .zip(supply)
            .filter(|(d, _)| **d <= 0.0)
            .map(|(_, s)| s)
            .sum()
    }
}

fn check_inputs(pairs: &Pairs, population: &[f64], supply: &[f64], decay: &Decay) -> Result<()> {
    if population.len() != pairs.num_units() {
        return Err(Error::Invalid(format!(
            "{} population values for {} demand units",
            population.len(),
            pairs.num_units()
        )));
    }
    if supply.len() != pairs.num_sites() {
        return Err(Error::Invalid(format!(
            "{} supply values for {} sites",
            supply.len(),
            pairs.num_sites()
        )));
    }
    if decay.limit() > pairs.limit() {
        return Err(Error::Invalid(format!(
            "the decay reaches {} ds but travel times were collected only to {} ds",
            decay.limit(),
            pairs.limit()
        )));
    }
    if let Some(k) = population.iter().position(|p| !(p.is_finite() && *p >= 0.0)) {
        return Err(Error::Invalid(format!(
            "demand unit {k} has population {}: must be a finite number >= 0",
            population[k]
        )));
    }
    if let Some(j) = supply.iter().position(|s| !(s.is_finite() && *s >= 0.0)) {
        return Err(Error::Invalid(format!(
            "site {j} has supply {}: must be a finite number >= 0",
            supply[j]
        )));
    }
    Ok(())
}

/// Runs the 2SFCA on collected travel times. Step 1 runs in parallel over
/// sites; step 2 adds the sites' shares in site order, so results are the
/// same bits whatever the thread count.
///
/// # Errors
/// Lengths that do not match `pairs`, negative or non-finite population or
/// supply, a decay reaching beyond the bound the pairs were collected to.
///
/// # Examples
/// ```
/// use medaccess::gp::{two_step, Decay, Pairs, SupplySite};
/// // two communes of 1,000 and 3,000 people, one GP reachable by both
/// let site = SupplySite { node: 0, home: Some(0), supply: 1.0 };
/// let pairs = Pairs::from_fn(2, &[site], 12_000, |_, _| 0).unwrap();
/// let fca = two_step(&pairs, &[1000.0, 3000.0], &[1.0], &Decay::drees()).unwrap();
/// assert_eq!(fca.accessibility, vec![1.0 / 4000.0; 2]);
/// ```
pub fn two_step(pairs: &Pairs, population: &[f64], supply: &[f64], decay: &Decay) -> Result<Fca> {
    check_inputs(pairs, population, supply, decay)?;
    let catchment_population: Vec<f64> = (0..pairs.num_sites())
        .into_par_iter()
        .map(|j| {
            let (units, times) = pairs.site(j);
            units
                .iter()
                .zip(times)
                .map(|(&k, &t)| decay.weight(t) * population[k as usize])
                .sum()
        })
        .collect();
    let ratio: Vec<f64> = catchment_population
        .iter()
        .zip(supply)
        .map(|(&d, &s)| if d > 0.0 { s / d } else { 0.0 })
        .collect();
    let mut accessibility = vec![0.0; pairs.num_units()];
    for (j, &r) in ratio.iter().enumerate() {
        if r == 0.0 {
            continue;
        }
        let (units, times) = pairs.site(j);
        for (&k, &t) in units.iter().zip(times) {
            accessibility[k as usize] += decay.weight(t) * r;
        }
    }
    Ok(Fca {
        catchment_population,
        ratio,
        accessibility,
    })
}

/// The under-served flag: `value < threshold`, with `value` and
/// `threshold` in the same unit (DREES reads APL under
/// [`DREES_UNDER_SERVED`](super::apl::DREES_UNDER_SERVED) = 2.5
/// consultations per inhabitant per year as under-served).
pub fn under_served(values: &[f64], threshold: f64) -> Vec<bool> {
    values.iter().map(|&v| v < threshold).collect()
}

/// Supply within each of `thresholds` (tenths of a second, inclusive) of
/// each demand unit, e.g. GPs within 10, 20 and 30 minutes. Returns one
/// vector per threshold, indexed by unit.
///
/// # Errors
/// A threshold beyond the bound the pairs were collected to, or a supply
/// vector of the wrong length.
pub fn supply_within(pairs: &Pairs, supply: &[f64], thresholds: &[Time]) -> Result<Vec<Vec<f64>>> {
    if supply.len() != pairs.num_sites() {
        return Err(Error::Invalid(format!(
            "{} supply values for {} sites",
            supply.len(),
            pairs.num_sites()
        )));
    }
    if let Some(&t) = thresholds.iter().find(|&&t| t > pairs.limit()) {
        return Err(Error::Invalid(format!(
            "threshold {t} ds is beyond the {} ds travel times were collected to",
            pairs.limit()
        )));
    }
    let mut out = vec![vec![0.0; pairs.num_units()]; thresholds.len()];
    for (j, &s) in supply.iter().enumerate() {
        let (units, times) = pairs.site(j);
        for (&k, &t) in units.iter().zip(times) {
            for (row, &limit) in out.iter_mut().zip(thresholds) {
                if t <= limit {
                    row[k as usize] += s;
                }
            }
        }
    }
    Ok(out)
}

/// For each demand unit, the nearest site with supply > 0 (patient → site,
/// a multi-source search on the backward graph) and its time;
/// [`Label::NONE`] when none is reachable. A unit holding such a site (its
/// `home`) is at time 0 from it. Ties go to the lowest site index.
///
/// # Errors
/// A node outside the graph.
pub fn nearest_supply(graph: &RoadGraph, unit_nodes: &[NodeId], sites: &[SupplySite]) -> Result<Vec<Label>> {
    let n = graph.num_nodes();
    if let Some(&v) = unit_nodes.iter().find(|&&v| v as usize >= n) {
        return Err(Error::Invalid(format!(
            "demand node {v} outside the graph (0..{n})"
        )));
    }
    let seeds: Vec<Seed> = sites
        .iter()
        .enumerate()
        .filter(|(_, s)| s.supply > 0.0)
        .map(|(j, s)| Seed {
            node: s.node,
            time: 0,
            source: j as u32,
        })
        .collect();
    if let Some(s) = seeds.iter().find(|s| s.node as usize >= n) {
        return Err(Error::Invalid(format!(
            "site {} on node {} outside the graph (0..{n})",
            s.source, s.node
        )));
    }
    let best = nearest(graph.backward(), &seeds, None);
    let mut out: Vec<Label> = unit_nodes.iter().map(|&v| best[v as usize]).collect();
    for (j, s) in sites.iter().enumerate() {
        if let Some(h) = s.home {
            let home = Label {
                time: 0,
                source: j as u32,
            };
            if s.supply > 0.0 && (h as usize) < out.len() && home < out[h as usize] {
                out[h as usize] = home;
            }
        }
    }
    Ok(out)
}

/// Adding (`delta > 0`) or removing (`delta < 0`) supply in a demand unit,
/// e.g. a new maison de santé with 3 GPs, or a retirement (−1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SupplyChange {
    pub unit: u32,
    pub delta: f64,
}

/// A whole 2SFCA run kept together so that scenarios can be answered
/// exactly and cheaply.
#[derive(Debug, Clone)]
pub struct GpModel<'g> {
    graph: &'g RoadGraph,
    unit_nodes: Vec<NodeId>,
    population: Vec<f64>,
    sites: Vec<SupplySite>,
    decay: Decay,
    pairs: Pairs,
    fca: Fca,
}

impl<'g> GpModel<'g> {
    /// Collects travel times from the supply side up to `collect_limit`
    /// (at least the decay's limit; pass 30 minutes to also count GPs within
    /// 30 minutes from the same pairs) and runs the 2SFCA.
    pub fn new(
        graph: &'g RoadGraph,
        unit_nodes: Vec<NodeId>,
        population: Vec<f64>,
        sites: Vec<SupplySite>,
        decay: Decay,
        collect_limit: Time,
    ) -> Result<Self> {
        let limit = collect_limit.max(decay.limit());
        let pairs = Pairs::collect(
            graph,
            &unit_nodes,
            &sites,
            limit,
            super::catchment::Direction::FromSupply,
        )?;
        let supply: Vec<f64> = sites.iter().map(|s| s.supply).collect();
        let fca = two_step(&pairs, &population, &supply, &decay)?;
        Ok(GpModel {
            graph,
            unit_nodes,
            population,
            sites,
            decay,
            pairs,
            fca,
        })
    }

    pub fn pairs(&self) -> &Pairs {
        &self.pairs
    }

    pub fn fca(&self) -> &Fca {
        &self.fca
    }

    pub fn sites(&self) -> &[SupplySite] {
        &self.sites
    }

    /// Supply per site, in site order.
    pub fn supply(&self) -> Vec<f64> {
        self.sites.iter().map(|s| s.supply).collect()
    }

    /// Per demand unit, supply within each threshold (see [`supply_within`]).
    pub fn supply_within(&self, thresholds: &[Time]) -> Result<Vec<Vec<f64>>> {
        supply_within(&self.pairs, &self.supply(), thresholds)
    }

    /// Per demand unit, the nearest site with supply (see [`nearest_supply`]).
    pub fn nearest(&self) -> Result<Vec<Label>> {
        nearest_supply(self.graph, &self.unit_nodes, &self.sites)
    }

    /// The sites after `changes`: supply moved on the site whose `home` is
    /// the unit (the first such), or a new site on the unit's node.
    ///
    /// # Errors
    /// An unknown unit, a non-finite delta, removing more than the unit has.
    pub fn sites_after(&self, changes: &[SupplyChange]) -> Result<Vec<SupplySite>> {
        let mut sites = self.sites.clone();
        for c in changes {
            let node = *self.unit_nodes.get(c.unit as usize).ok_or_else(|| {
                Error::Invalid(format!(
                    "scenario names demand unit {}, which does not exist",
                    c.unit
                ))
            })?;
            if !(c.delta.is_finite() && c.delta.abs() <= super::supply::MAX_GPS_PER_COMMUNE) {
                return Err(Error::Invalid(format!(
                    "scenario delta {} is not a number of GPs between -{max} and {max}",
                    c.delta,
                    max = super::supply::MAX_GPS_PER_COMMUNE
                )));
            }
            match sites.iter().position(|s| s.home == Some(c.unit)) {
                Some(j) => sites[j].supply += c.delta,
                None => sites.push(SupplySite {
                    node,
                    home: Some(c.unit),
                    supply: c.delta,
                }),
            }
        }
        // Each unit's total, so that two changes on one unit are judged together.
        for c in changes {
            let have: f64 = sites
                .iter()
                .filter(|s| s.home == Some(c.unit))
                .map(|s| s.supply)
                .sum();
            if have < -1e-9 {
                return Err(Error::Invalid(format!(
                    "scenario removes more supply than demand unit {} has (would leave {have})",
                    c.unit
                )));
            }
        }
        for s in &mut sites {
            s.supply = s.supply.max(0.0);
        }
        Ok(sites)
    }

    /// The exact change in accessibility of every demand unit after
    /// `changes` (same units as [`Fca::accessibility`]), without rerunning
    /// the model: changing `S_j` by `Δ` changes only `R_j`, by `Δ / D_j`
    /// (the population side of step 1 does not depend on supply), so unit
    /// `i` gains `w(t_ij) Δ / D_j`. A new site costs one bounded search.
    ///
    /// # Errors
    /// As [`sites_after`](Self::sites_after).
    ///
    /// # Examples
    /// ```
    /// use medaccess::graph::{Edge, RoadGraph};
    /// use medaccess::gp::{Decay, GpModel, SupplySite, SupplyChange};
    /// // two communes 5 minutes apart (3000 ds), 100 people each
    /// let g = RoadGraph::from_edges(2, &[Edge::new(0, 1, 3000), Edge::new(1, 0, 3000)]).unwrap();
    /// let site = SupplySite { node: 0, home: Some(0), supply: 2.0 };
    /// let m = GpModel::new(&g, vec![0, 1], vec![100.0, 100.0], vec![site], Decay::drees(), 0).unwrap();
    /// assert_eq!(m.fca().accessibility, vec![0.01, 0.01]);
    /// // two more GPs in commune 1: a new site reaching both communes
    /// let d = m.scenario(&[SupplyChange { unit: 1, delta: 2.0 }]).unwrap();
    /// assert_eq!(d, vec![0.01, 0.01]);
    /// ```
    pub fn scenario(&self, changes: &[SupplyChange]) -> Result<Vec<f64>> {
        let after = self.sites_after(changes)?;
        let mut delta = vec![0.0; self.unit_nodes.len()];
        let mut pairs = self.pairs.clone();
        let mut catchment = self.fca.catchment_population.clone();
        let mut search = None;
        for (j, site) in after.iter().enumerate() {
            let before = self.sites.get(j).map_or(0.0, |s| s.supply);
            let d = site.supply - before;
            if d == 0.0 {
                continue;
            }
            if j >= self.sites.len() {
                let ws = search.get_or_insert_with(|| BoundedSearch::new(self.graph.num_nodes()));
                let list = self.reach(ws, site.node);
                let idx = pairs.push_site(site, list);
                let (units, times) = pairs.site(idx);
                catchment.push(
                    units
                        .iter()
                        .zip(times)
                        .map(|(&k, &t)| self.decay.weight(t) * self.population[k as usize])
                        .sum(),
                );
            }
            if catchment[j] <= 0.0 {
                continue;
            }
            let r = d / catchment[j];
            let (units, times) = pairs.site(j);
            for (&k, &t) in units.iter().zip(times) {
                delta[k as usize] += self.decay.weight(t) * r;
            }
        }
        Ok(delta)
    }

    /// Demand units reaching `node` within the pairs' bound, patient → site.
    fn reach(&self, ws: &mut BoundedSearch, node: NodeId) -> Vec<(u32, Time)> {
        ws.run(self.graph.backward(), &[(node, 0)], self.pairs.limit());
        self.unit_nodes
            .iter()
            .enumerate()
            .filter_map(|(k, &v)| {
                let t = ws.time(v);
                (t <= self.pairs.limit()).then_some((k as u32, t))
            })
            .collect()
    }
}
